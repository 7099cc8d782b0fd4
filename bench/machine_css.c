/* Benchmark: STSCH per second, and SSCH -> interruption -> TSCH cycles per
 * second with a zero-latency test device and all machine latencies zero.
 * Prints figures; never part of `make check`. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arch/ccw.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "dev/testdev.h"
#include "machine/machine.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int ints;

static void on_int(void *os, uint32_t schid, uint32_t intparm, uint32_t word)
{
	ints++;
}

int main(void)
{
	static const uint8_t chps[4] = {0x42, 0x43, 0x44, 0x45};
	struct machine_config cfg = {
		.storage_size = 1 << 20, .notrace = true, .timing = MACHINE_TIMING_ZERO};
	struct sim *sim = sim_new(1);
	struct machine *m = machine_new(sim, &cfg);
	struct css_if css = machine_css(m);
	struct css_upcalls up = {.io_interrupt = on_int};
	struct machine_timing *t = machine_timing(m);
	uint8_t *mem = machine_storage(m)->base;
	struct schib sb;
	struct ccw1 c = {.cmd = CCW_CMD_NOOP};
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .lpm = 0xf0, .cpa = 0x2000};
	const long n_stsch = 5000000, n_io = 1000000;
	double t0, dt;

	memset(t, 0, sizeof(*t));
	sim_trace_keep(sim, false);
	for (int i = 0; i < 4; i++)
		machine_add_chpid(m, chps[i], 0x1b, true);
	machine_add_device(m, 0, 0, 0x1234, chps, 4, testdev_new(NULL));
	css.ops->bind(css.css, &up);
	css.ops->set_isc_mask(css.css, 0xff);

	t0 = now_ns();
	for (long i = 0; i < n_stsch; i++)
		css.ops->stsch(css.css, 0x00010000, 0x1000);
	dt = now_ns() - t0;
	printf("stsch_ns_per_op %.1f\n", dt / n_stsch);
	printf("stsch_per_second %.0f\n", n_stsch / dt * 1e9);

	schib_decode(mem + 0x1000, &sb);
	sb.pmcw.flags |= PMCW_FLAGS_ENA | 3 << PMCW_ISC_SHIFT;
	schib_encode(&sb, mem + 0x1000);
	css.ops->msch(css.css, 0x00010000, 0x1000);
	ccw1_encode(&c, mem + 0x2000);
	orb_encode(&o, mem + 0x1100);
	t0 = now_ns();
	for (long i = 0; i < n_io; i++) {
		if (css.ops->ssch(css.css, 0x00010000, 0x1100) != 0)
			return fprintf(stderr, "machine_css: ssch failed\n"), 1;
		sim_run(sim);
		if (css.ops->tsch(css.css, 0x00010000, 0x1200) != 0)
			return fprintf(stderr, "machine_css: tsch failed\n"), 1;
	}
	dt = now_ns() - t0;
	if (ints != n_io)
		return fprintf(stderr, "machine_css: %d interrupts for %ld I/Os\n", ints, n_io), 1;
	printf("ssch_irq_tsch_ns_per_op %.1f\n", dt / n_io);
	printf("ssch_irq_tsch_per_second %.0f\n", n_io / dt * 1e9);
	machine_free(m);
	sim_free(sim);
	return 0;
}
