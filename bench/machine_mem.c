/* Benchmark: bytes of heap per subchannel with 4 x 65,536 subchannels
 * defined, each with four paths (as the default deck's 3390). */
#include <malloc.h>
#include <stdio.h>

#include "machine/machine.h"

int main(void)
{
	static const uint8_t chps[4] = {0x42, 0x43, 0x44, 0x45};
	struct machine_config cfg = {
		.storage_size = 1 << 20, .notrace = true, .timing = MACHINE_TIMING_ZERO};
	struct sim *sim = sim_new(1);
	struct machine *m = machine_new(sim, &cfg);
	struct mallinfo2 before, after;
	const double n = 4.0 * 65536;

	for (int i = 0; i < 4; i++)
		machine_add_chpid(m, chps[i], 0x1b, true);
	before = mallinfo2();
	for (int ss = 0; ss < 4; ss++)
		for (int i = 0; i < 65536; i++)
			if (machine_add_device(m, (uint8_t)ss, i, (uint16_t)i, chps, 4, NULL) != i)
				return fprintf(stderr, "machine_mem: add_device failed\n"), 1;
	after = mallinfo2();
	printf("subchannels_defined %.0f\n", n);
	printf("bytes_per_subchannel %.1f\n",
	       (double)(after.uordblks + after.hblkhd - before.uordblks - before.hblkhd) / n);
	machine_free(m);
	sim_free(sim);
	return 0;
}
