/* The device-level 4 KB block loop of the DASD benchmark, shared by
 * bench/dasd_io.c and bench/os_dd.c: a machine with one CHPID and one 3390,
 * and one channel program per block (Define Extent + Locate Record +
 * Read Data MT / Write Update Data) driven straight through the css
 * interface with zero simulated latency.  Wall-clock time is used only to
 * report host speed. */
#ifndef CHPSYNC_BENCH_DASD_CHAN_H
#define CHPSYNC_BENCH_DASD_CHAN_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/eckd.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "dev/eckd.h"
#include "machine/machine.h"

#define CYLS	100
#define TRACKS	(CYLS * 15)
#define BLOCKS	((TRACKS - 2) * 12) /* the partition: tracks 2.. */
#define NOPS	200000
#define SCH	0x00010000u
#define A_SCHIB 0x1000
#define A_ORB	0x1100
#define A_IRB	0x1200
#define A_CCW	0x2000
#define A_PARM	0x3000
#define A_DATA	0x10000

struct bench {
	struct sim *sim;
	struct machine *m;
	struct ccwdev *dev;
	struct css_if css;
	uint8_t *mem;
};

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void die(const char *msg)
{
	fprintf(stderr, "%s: %s\n", program_invocation_short_name, msg);
	exit(1);
}

static inline void put_ccw(uint8_t *p, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
	struct ccw1 c = {.cmd = cmd, .flags = flags, .count = count, .cda = cda};

	ccw1_encode(&c, p);
}

/* Define Extent and Locate Record of one 4 KB block (12 per track from
 * track 2 on), as Linux builds them. */
static inline void block_de_lr(bool write, uint32_t blk, uint8_t de[ECKD_DE_SIZE],
			       uint8_t lr[ECKD_LR_SIZE])
{
	uint32_t trk = 2 + blk / 12;
	struct eckd_de d = {.mask = write ? ECKD_DE_WR_UPDATE : ECKD_DE_WR_INHIBIT,
			    .ga = ECKD_DE_GA_NORMAL,
			    .first_trk = trk,
			    .last_trk = trk};
	struct eckd_lr l = {.op = write ? ECKD_LR_OP_WRITE : ECKD_LR_OP_READ,
			    .aux = ECKD_LR_AUX_TLF,
			    .count = 1,
			    .seek_trk = trk,
			    .search_trk = trk,
			    .search_rec = (uint8_t)(blk % 12 + 1),
			    .sector = ECKD_LR_SECTOR_NONE,
			    .tlf = 4096};

	eckd_de_encode(&d, 15, de);
	eckd_lr_encode(&l, 15, lr);
}

/* One 4 KB block: DE + LR + Read Data MT / Write Update Data. */
static inline void block_io(struct bench *b, bool write, uint32_t blk)
{
	uint8_t *de = b->mem + A_PARM, *lr = b->mem + A_PARM + 16;
	struct orb o = {.intparm = 1, .ctrl0 = ORB_CTRL0_FMT, .lpm = 0x80, .cpa = A_CCW};
	struct irb irb;

	block_de_lr(write, blk, de, lr);
	put_ccw(b->mem + A_CCW, ECKD_CMD_DEFINE_EXT, CCW_FLAG_CC, ECKD_DE_SIZE, A_PARM);
	put_ccw(b->mem + A_CCW + 8, ECKD_CMD_LOCATE, CCW_FLAG_CC, ECKD_LR_SIZE, A_PARM + 16);
	put_ccw(b->mem + A_CCW + 16, write ? ECKD_CMD_WRITE_MT : ECKD_CMD_READ_MT, 0, 4096, A_DATA);
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

static inline void setup(struct bench *b, const char *image)
{
	static const uint8_t chp = 0x42;
	struct machine_config cfg = {
		.storage_size = 16 << 20, .workdir = "/tmp", .timing = MACHINE_TIMING_ZERO};
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

static inline double run_dasd(struct bench *b, bool write, const uint32_t *blks)
{
	double t0 = now();

	for (int i = 0; i < NOPS; i++)
		block_io(b, write, blks[i]);
	return NOPS / (now() - t0);
}

#endif
