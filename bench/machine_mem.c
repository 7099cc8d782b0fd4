/* Benchmark: what a subchannel costs the machine, with what is behind it:
 * nothing (a subchannel without a device), a TEST device, an idle 3390 (a
 * work directory's scratch volume, never used: no file, no buffers), and a
 * 3390 that has done one 4 KB read (its image made, mapped; track buffer
 * and per-track bits allocated).  Each row adds N devices on four paths
 * (as the default deck's 3390) to a fresh machine and prints heap bytes
 * (malloc: in use plus mmap'd chunks) and resident memory (RSS, which also
 * holds the image mappings' pages) per device.
 *
 * usage: machine_mem [N [N_USED]]   (default 65536 idle, 1024 used) */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/bytes.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "dev/testdev.h"
#include "machine/machine.h"

enum kind { NONE, TEST, DASD_IDLE, DASD_USED };

static const char *const names[] = {"subchannel only", "TEST device", "3390 idle",
				    "3390 after a read"};

static double heap_bytes(void)
{
	struct mallinfo2 m = mallinfo2();

	return (double)(m.uordblks + m.hblkhd);
}

static double rss_bytes(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return (double)rss * (double)sysconf(_SC_PAGESIZE);
}

/* The device's first data: Define Extent, Locate Record, Read Data of one
 * 4 KB block of track 2, straight on its ops. */
static void first_read(struct ccwdev *d)
{
	static uint8_t buf[4096];
	uint8_t de[16] = {0x40, 0xc0}, lr[16] = {0x06, 0x80, 0, 1};
	struct ccwdev_cmd c[3] = {{.code = 0x63, .data = de, .count = 16},
				  {.code = 0x47, .data = lr, .count = 16},
				  {.code = 0x86, .data = buf, .count = 4096}};

	put_be16(de + 10, 2);
	put_be16(de + 14, 2);
	put_be16(lr + 6, 2);
	put_be16(lr + 10, 2);
	lr[12] = 1;
	lr[13] = 0xff;
	put_be16(lr + 14, 4096);
	d->ops->select(d, 0x42);
	for (int k = 0; k < 3; k++)
		d->ops->exec(d, 0x42, &c[k]);
	d->ops->end(d, 0x42);
	if (c[2].dstat != 0x0c) {
		fprintf(stderr, "machine_mem: read failed: %s\n", eckd_error(d));
		exit(1);
	}
}

static void row(enum kind kind, int n, const char *dir)
{
	static const uint8_t chps[4] = {0x42, 0x43, 0x44, 0x45};
	struct machine_config cfg = {
		.storage_size = 1 << 20, .notrace = true, .timing = MACHINE_TIMING_ZERO};
	struct sim *sim = sim_new(1);
	struct machine *m = machine_new(sim, &cfg);
	struct ckd_cache *cache = ckd_cache_new(ckd_cache_default_max());
	double h0, r0, h1, r1;

	for (int i = 0; i < 4; i++)
		machine_add_chpid(m, chps[i], 0x1b, true);
	h0 = heap_bytes();
	r0 = rss_bytes();
	for (int i = 0; i < n; i++) {
		struct ccwdev *dev = NULL;

		if (kind == TEST) {
			dev = testdev_new(NULL);
		} else if (kind != NONE) {
			char path[300], err[600], volser[8];
			struct eckd_config ec = {.image = path,
						 .devno = (uint16_t)i,
						 .cache = cache,
						 .create_cyls = 30051,
						 .create_volser = volser};

			snprintf(path, sizeof(path), "%s/%04x.3390", dir, i);
			snprintf(volser, sizeof(volser), "0X%04X", (unsigned)i & 0xffff);
			dev = eckd_open(sim, &ec, err, sizeof(err));
			if (!dev) {
				fprintf(stderr, "machine_mem: %s\n", err);
				exit(1);
			}
			if (kind == DASD_USED)
				first_read(dev);
		}
		if (machine_add_device(m, 0, i, (uint16_t)i, chps, 4, dev) != i) {
			fprintf(stderr, "machine_mem: add_device failed\n");
			exit(1);
		}
	}
	h1 = heap_bytes();
	r1 = rss_bytes();
	printf("%-18s %6d %12.0f %12.0f\n", names[kind], n, (h1 - h0) / n, (r1 - r0) / n);
	machine_free(m);
	ckd_cache_free(cache);
	sim_free(sim);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 65536, used = argc > 2 ? atoi(argv[2]) : 1024;
	char dir[] = "/tmp/chpsync-mem-XXXXXX";
	char cmd[100];

	if (n < 1 || n > 65536 || used < 1 || used > n || !mkdtemp(dir)) {
		fprintf(stderr, "usage: machine_mem [N [N_USED]] (1-65536)\n");
		return 1;
	}
	printf("%-18s %6s %12s %12s\n", "behind it", "N", "heap B/dev", "RSS B/dev");
	row(NONE, n, dir);
	row(TEST, n, dir);
	row(DASD_IDLE, n, dir);
	row(DASD_USED, used, dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "machine_mem: cannot remove %s\n", dir);
	return 0;
}
