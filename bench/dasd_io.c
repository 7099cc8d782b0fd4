/* 4 KB random read and write rate of the 3390 through channel programs on
 * the machine layer (Define Extent + Locate Record + Read/Write Data, zero
 * simulated latency) against raw pread/pwrite of the same image file, in
 * the same run.  The image (100 cylinders, 85 MB) is in the page cache.
 *
 * Wall-clock time is used here only to report host speed; the simulation
 * itself stays deterministic.
 *
 * Output rows: dasd_read_4k_iops, raw_pread_4k_iops, read_ratio,
 * dasd_write_4k_iops, raw_pwrite_4k_iops, write_ratio (and `ratio`, the
 * read ratio, for the summary).  dev_read_4k_iops / dev_read_ratio drive
 * the same three commands through the device's ops directly, without the
 * channel subsystem, to show where the time goes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "dev/eckd.h"
#include "machine/machine.h"

#define CYLS    100
#define TRACKS  (CYLS * 15)
#define BLOCKS  ((TRACKS - 2) * 12) /* the partition: tracks 2.. */
#define NOPS    200000
#define SCH     0x00010000u
#define A_SCHIB 0x1000
#define A_ORB   0x1100
#define A_IRB   0x1200
#define A_CCW   0x2000
#define A_PARM  0x3000
#define A_DATA  0x10000

struct bench {
	struct sim *sim;
	struct machine *m;
	struct ccwdev *dev;
	struct css_if css;
	uint8_t *mem;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *msg)
{
	fprintf(stderr, "dasd_io: %s\n", msg);
	exit(1);
}

static void put_cchh(uint8_t *p, uint32_t trk)
{
	put_be16(p, (uint16_t)(trk / 15));
	put_be16(p + 2, (uint16_t)(trk % 15));
}

static void put_ccw(uint8_t *p, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
	struct ccw1 c = {.cmd = cmd, .flags = flags, .count = count, .cda = cda};

	ccw1_encode(&c, p);
}

/* One 4 KB block: DE + LR + Read Data MT / Write Update Data. */
static void block_io(struct bench *b, bool write, uint32_t blk)
{
	uint32_t trk = 2 + blk / 12;
	uint8_t *de = b->mem + A_PARM, *lr = b->mem + A_PARM + 16;
	struct orb o = {.intparm = 1, .ctrl0 = ORB_CTRL0_FMT, .lpm = 0x80, .cpa = A_CCW};
	struct irb irb;

	memset(de, 0, 32);
	de[0] = write ? 0x80 : 0x40;
	de[1] = 0xc0;
	put_cchh(de + 8, trk);
	put_cchh(de + 12, trk);
	lr[0] = write ? 0x01 : 0x06;
	lr[1] = 0x80;
	lr[3] = 1;
	put_cchh(lr + 4, trk);
	put_cchh(lr + 8, trk);
	lr[12] = (uint8_t)(blk % 12 + 1);
	lr[13] = 0xff;
	put_be16(lr + 14, 4096);
	put_ccw(b->mem + A_CCW, 0x63, CCW_FLAG_CC, 16, A_PARM);
	put_ccw(b->mem + A_CCW + 8, 0x47, CCW_FLAG_CC, 16, A_PARM + 16);
	put_ccw(b->mem + A_CCW + 16, write ? 0x85 : 0x86, 0, 4096, A_DATA);
	orb_encode(&o, b->mem + A_ORB);
	if (b->css.ops->ssch(b->css.css, SCH, A_ORB) != 0)
		die("ssch failed");
	sim_run(b->sim);
	if (b->css.ops->tsch(b->css.css, SCH, A_IRB) != 0)
		die("tsch failed");
	irb_decode(b->mem + A_IRB, &irb);
	if (irb.scsw.dstat != 0x0c || irb.scsw.cstat)
		die("channel program failed");
}

static void setup(struct bench *b, const char *image)
{
	static const uint8_t chp = 0x42;
	struct machine_config cfg = {.storage_size = 16 << 20, .workdir = "/tmp"};
	struct eckd_config ec = {.image = image, .devno = 0x3f3f};
	struct machine_timing *t;
	struct ccwdev *dev;
	char err[600];
	struct schib sb;

	b->sim = sim_new(1);
	sim_trace_keep(b->sim, false);
	b->m = machine_new(b->sim, &cfg);
	if (!b->m || machine_add_chpid(b->m, chp, 0x1b, true) != 0)
		die("machine setup failed");
	dev = eckd_open(b->sim, &ec, err, sizeof(err));
	if (!dev)
		die(err);
	b->dev = dev;
	if (machine_add_device(b->m, 0, 0, 0x3f3f, &chp, 1, dev) < 0)
		die("machine_add_device failed");
	t = machine_timing(b->m);
	memset(t, 0, sizeof(*t));
	b->css = machine_css(b->m);
	b->mem = machine_storage(b->m)->base;
	b->css.ops->set_isc_mask(b->css.css, 0xff);
	b->css.ops->stsch(b->css.css, SCH, A_SCHIB);
	schib_decode(b->mem + A_SCHIB, &sb);
	sb.pmcw.flags |= PMCW_FLAGS_ENA | 3 << PMCW_ISC_SHIFT;
	schib_encode(&sb, b->mem + A_SCHIB);
	if (b->css.ops->msch(b->css.css, SCH, A_SCHIB) != 0)
		die("msch failed");
}

/* File offset of block blk's data (track 2 on: 12 x 4096 after HA + R0). */
static off_t block_off(uint32_t blk)
{
	uint32_t trk = 2 + blk / 12, r = blk % 12;

	return 512 + (off_t)trk * 56832 + 5 + 16 + (off_t)r * 4104 + 8;
}

static double run_dasd(struct bench *b, bool write, const uint32_t *blks)
{
	double t0 = now();

	for (int i = 0; i < NOPS; i++)
		block_io(b, write, blks[i]);
	return NOPS / (now() - t0);
}

/* The same DE + LR + Read Data on the device's ops, no channel. */
static double run_dev(struct bench *b, const uint32_t *blks)
{
	static uint8_t buf[4096];
	double t0 = now();

	for (int i = 0; i < NOPS; i++) {
		uint32_t trk = 2 + blks[i] / 12;
		uint8_t de[16] = {0x40, 0xc0}, lr[16] = {0x06, 0x80, 0, 1};
		struct ccwdev_cmd c[3] = {{.code = 0x63, .data = de, .count = 16},
		                          {.code = 0x47, .data = lr, .count = 16},
		                          {.code = 0x86, .data = buf, .count = 4096}};

		put_cchh(de + 8, trk);
		put_cchh(de + 12, trk);
		put_cchh(lr + 4, trk);
		put_cchh(lr + 8, trk);
		lr[12] = (uint8_t)(blks[i] % 12 + 1);
		lr[13] = 0xff;
		put_be16(lr + 14, 4096);
		b->dev->ops->select(b->dev, 0x43);
		for (int k = 0; k < 3; k++)
			b->dev->ops->exec(b->dev, 0x43, &c[k]);
		b->dev->ops->end(b->dev, 0x43);
		if (c[2].dstat != 0x0c)
			die("device read failed");
	}
	return NOPS / (now() - t0);
}

static double run_raw(int fd, bool write, const uint32_t *blks)
{
	static uint8_t buf[4096];
	double t0 = now();

	for (int i = 0; i < NOPS; i++) {
		ssize_t n = write ? pwrite(fd, buf, 4096, block_off(blks[i]))
		                  : pread(fd, buf, 4096, block_off(blks[i]));

		if (n != 4096)
			die("raw I/O failed");
	}
	return NOPS / (now() - t0);
}

int main(void)
{
	char image[] = "/tmp/chpsync-bench-XXXXXX";
	char path[64], err[600];
	uint32_t *blks = malloc(NOPS * sizeof(*blks));
	double dr, rr, dw, rw, vr;
	struct bench b;
	int fd;

	if (!mkdtemp(image))
		die("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/bench.3390", image);
	if (eckd_create_image(path, CYLS, "BENCH1", false, err, sizeof(err)) < 0)
		die(err);
	setup(&b, path);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die("open failed");
	for (int i = 0; i < NOPS; i++)
		blks[i] = (uint32_t)sim_rand_below(b.sim, BLOCKS);
	run_raw(fd, false, blks); /* warm the page cache */
	rr = run_raw(fd, false, blks);
	dr = run_dasd(&b, false, blks);
	vr = run_dev(&b, blks);
	rw = run_raw(fd, true, blks);
	dw = run_dasd(&b, true, blks);
	printf("dasd_read_4k_iops %.0f\n", dr);
	printf("raw_pread_4k_iops %.0f\n", rr);
	printf("read_ratio %.2f\n", dr / rr);
	printf("dev_read_4k_iops %.0f\n", vr);
	printf("dev_read_ratio %.2f\n", vr / rr);
	printf("dasd_write_4k_iops %.0f\n", dw);
	printf("raw_pwrite_4k_iops %.0f\n", rw);
	printf("write_ratio %.2f\n", dw / rw);
	printf("ratio %.2f\n", dr / rr);
	close(fd);
	unlink(path);
	rmdir(image);
	machine_free(b.m);
	sim_free(b.sim);
	free(blks);
	return 0;
}
