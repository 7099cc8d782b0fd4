/* The 3390 driven through the machine's channel subsystem: real channel
 * programs in storage, SSCH / TSCH, concurrent sense in the IRB. */
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "dev/dasd_util.h"
#include "dev/eckd.h"
#include "machine/machine.h"
#include "t.h"

#define SCH	0x00010000u
#define A_SCHIB 0x1000
#define A_ORB	0x1100
#define A_IRB	0x1200
#define A_CCW	0x2000
#define A_PARM	0x3000
#define A_DATA	0x10000

struct dw {
	struct sim *sim;
	struct machine *m;
	struct css_if css;
	struct ccwdev *dev;
	int nccw;
};

static uint8_t *mem(struct dw *w, uint64_t a)
{
	return machine_storage(w->m)->base + a;
}

static void dw_init(struct dw *w, const char *name)
{
	static const uint8_t chps[2] = {0x42, 0x43};
	struct machine_config cfg = {.storage_size = 16 << 20, .workdir = t_tmpdir()};
	char err[600];
	struct schib sb;
	const char *p = dasd_tmp(name);

	memset(w, 0, sizeof(*w));
	w->sim = sim_new(3);
	w->m = machine_new(w->sim, &cfg);
	CHECK(w->m != NULL);
	CHECK_EQ(machine_add_chpid(w->m, 0x42, 0x1b, true), 0);
	CHECK_EQ(machine_add_chpid(w->m, 0x43, 0x1b, true), 0);
	if (eckd_create_image(p, 10, "MACH01", false, err, sizeof(err)) < 0)
		t_fail(__FILE__, __LINE__, "%s", err);
	w->dev = dasd_open(w->sim, p, false);
	CHECK_EQ(machine_add_device(w->m, 0, 0, 0x3f3f, chps, 2, w->dev), 0);
	w->css = machine_css(w->m);
	w->css.ops->set_isc_mask(w->css.css, 0xff);
	CHECK_EQ(w->css.ops->stsch(w->css.css, SCH, A_SCHIB), 0);
	schib_decode(mem(w, A_SCHIB), &sb);
	sb.pmcw.flags |= PMCW_FLAGS_ENA | 3 << PMCW_ISC_SHIFT;
	sb.pmcw.chars |= PMCW_CHARS_CSENSE; /* as Linux does */
	schib_encode(&sb, mem(w, A_SCHIB));
	CHECK_EQ(w->css.ops->msch(w->css.css, SCH, A_SCHIB), 0);
}

static void dw_fini(struct dw *w)
{
	machine_free(w->m);
	sim_free(w->sim);
}

/* Append a CCW; the previous one gets command chaining. */
static void ccw(struct dw *w, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
	struct ccw1 c = {.cmd = cmd, .flags = flags, .count = count, .cda = cda};

	if (w->nccw) {
		uint8_t *prev = mem(w, A_CCW + 8 * (w->nccw - 1));

		prev[1] |= CCW_FLAG_CC;
	}
	ccw1_encode(&c, mem(w, A_CCW + 8 * w->nccw));
	w->nccw++;
}

static void run(struct dw *w, uint8_t lpm, struct irb *irb)
{
	struct orb o = {.intparm = 1, .ctrl0 = ORB_CTRL0_FMT, .lpm = lpm, .cpa = A_CCW};

	orb_encode(&o, mem(w, A_ORB));
	CHECK_EQ(w->css.ops->ssch(w->css.css, SCH, A_ORB), 0);
	sim_run(w->sim);
	CHECK_EQ(w->css.ops->tsch(w->css.css, SCH, A_IRB), 0);
	irb_decode(mem(w, A_IRB), irb);
	w->nccw = 0;
}

static void put_de(struct dw *w, uint32_t a, uint8_t mask, uint8_t ga, uint32_t t0, uint32_t t1)
{
	dasd_de(mem(w, a), mask, ga, t0, t1);
}

static void put_lr(struct dw *w, uint32_t a, uint8_t op, uint8_t n, uint32_t trk, uint8_t rec)
{
	dasd_lr(mem(w, a), op, 0x80, n, trk, rec, 4096);
}

TEST(machine_dasd_online_sequence_through_the_channel)
{
	struct dw w;
	struct irb irb;
	uint8_t *pgid;

	dw_init(&w, "m_online.3390");
	pgid = mem(&w, A_PARM);
	ccw(&w, 0xe4, CCW_FLAG_SLI, 256, A_DATA);
	run(&w, 0xc0, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c);
	CHECK_EQ(irb.scsw.count, 256 - 20);
	CHECK_EQ(get_be16(mem(&w, A_DATA + 1)), 0x3990);
	CHECK_EQ(mem(&w, A_DATA)[3], 0xe9);
	/* path verification, one path at a time */
	for (uint8_t lpm = 0x80; lpm >= 0x40; lpm >>= 1) {
		ccw(&w, 0x34, CCW_FLAG_SLI, 12, A_DATA);
		run(&w, lpm, &irb);
		CHECK_EQ(irb.scsw.dstat, 0x0c);
		CHECK_EQ(mem(&w, A_DATA)[0], 0x00);
		memset(pgid, 0, 12);
		pgid[0] = 0x80;
		pgid[1] = 0x42;
		ccw(&w, 0xaf, CCW_FLAG_SLI, 12, A_PARM);
		run(&w, lpm, &irb);
		CHECK_EQ(irb.scsw.dstat, 0x0c);
		ccw(&w, 0x34, CCW_FLAG_SLI, 12, A_DATA);
		run(&w, lpm, &irb);
		CHECK_EQ(mem(&w, A_DATA)[0], 0xc8);
		CHECK_EQ(irb_esw_lpum(&irb), lpm);
	}
	/* RCD on each path: identical; no SLI, exact counts */
	ccw(&w, 0xfa, 0, 256, A_DATA);
	run(&w, 0x80, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c);
	CHECK_EQ(irb.scsw.cstat, 0);
	ccw(&w, 0xfa, 0, 256, A_DATA + 0x100);
	run(&w, 0x40, &irb);
	CHECK_MEM(mem(&w, A_DATA), mem(&w, A_DATA + 0x100), 256);
	ccw(&w, 0x64, 0, 64, A_DATA);
	run(&w, 0xc0, &irb);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_EQ(get_be16(mem(&w, A_DATA + 12)), 10);
	/* feature codes: PSF 0x18/0x41 + RSSD 256 */
	memset(mem(&w, A_PARM), 0, 16);
	mem(&w, A_PARM)[0] = 0x18;
	mem(&w, A_PARM)[6] = 0x41;
	ccw(&w, 0x27, 0, 12, A_PARM);
	ccw(&w, 0x3e, 0, 256, A_DATA);
	run(&w, 0xc0, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c);
	CHECK_EQ(irb.scsw.cstat, 0);
	/* analysis: DE, LR, 4 x Read Count, LR track 1, Read Count */
	put_de(&w, A_PARM, 0x40, 0xc4, 0, 1);
	dasd_lr(mem(&w, A_PARM + 16), 0x06, 0, 4, 0, 0, 0);
	dasd_lr(mem(&w, A_PARM + 32), 0x06, 0, 1, 1, 0, 0);
	ccw(&w, 0x63, 0, 16, A_PARM);
	ccw(&w, 0x47, 0, 16, A_PARM + 16);
	for (int i = 0; i < 4; i++)
		ccw(&w, 0x12, 0, 8, A_DATA + 8 * i);
	ccw(&w, 0x47, 0, 16, A_PARM + 32);
	ccw(&w, 0x12, 0, 8, A_DATA + 32);
	run(&w, 0xc0, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_EQ(get_be16(mem(&w, A_DATA + 6)), 24);
	CHECK_EQ(get_be16(mem(&w, A_DATA + 14)), 144);
	CHECK_EQ(get_be16(mem(&w, A_DATA + 22)), 80);
	CHECK_EQ(mem(&w, A_DATA + 29)[0], 0); /* R4: keyless */
	CHECK_EQ(get_be16(mem(&w, A_DATA + 30)), 4096);
	CHECK_EQ(mem(&w, A_DATA + 37)[0], 44); /* VTOC DSCB */
	dw_fini(&w);
}

TEST(machine_dasd_block_io_round_trip)
{
	struct dw w;
	struct irb irb;
	const uint32_t n = 20, blk = 26; /* track 2 R3 .. track 3 R10 */

	dw_init(&w, "m_rw.3390");
	for (uint32_t i = 0; i < n * 4096; i++)
		mem(&w, A_DATA)[i] = (uint8_t)(i * 31 + i / 4096);
	put_de(&w, A_PARM, 0x80, 0xc0, blk / 12, (blk + n - 1) / 12);
	put_lr(&w, A_PARM + 16, 0x01, n, blk / 12, blk % 12 + 1);
	ccw(&w, 0x63, 0, 16, A_PARM);
	ccw(&w, 0x47, 0, 16, A_PARM + 16);
	for (uint32_t i = 0; i < n; i++)
		ccw(&w, 0x85, 0, 4096, A_DATA + 4096 * i);
	run(&w, 0xc0, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 8 * (n + 2));
	put_de(&w, A_PARM, 0x40, 0xc0, blk / 12, (blk + n - 1) / 12);
	put_lr(&w, A_PARM + 16, 0x06, n, blk / 12, blk % 12 + 1);
	ccw(&w, 0x63, 0, 16, A_PARM);
	ccw(&w, 0x47, 0, 16, A_PARM + 16);
	for (uint32_t i = 0; i < n; i++)
		ccw(&w, 0x86, 0, 4096, A_DATA + 0x100000 + 4096 * i);
	run(&w, 0x40, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c);
	CHECK_MEM(mem(&w, A_DATA + 0x100000), mem(&w, A_DATA), n * 4096);
	dw_fini(&w);
}

TEST(machine_dasd_extent_violation_gives_unit_check_with_concurrent_sense)
{
	struct dw w;
	struct irb irb;

	dw_init(&w, "m_fp.3390");
	put_de(&w, A_PARM, 0x40, 0xc0, 2, 2);
	put_lr(&w, A_PARM + 16, 0x06, 1, 3, 1);
	ccw(&w, 0x63, 0, 16, A_PARM);
	ccw(&w, 0x47, 0, 16, A_PARM + 16);
	ccw(&w, 0x86, 0, 4096, A_DATA);
	run(&w, 0x40, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0e);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 16); /* stopped at the LR */
	CHECK(irb.esw[1] & ERW_S);
	CHECK_EQ(irb.ecw[1], 0x04); /* file protected */
	CHECK_EQ(irb.ecw[27], 0x80);
	/* nothing left for a basic sense afterwards */
	ccw(&w, 0x04, 0, 32, A_DATA);
	run(&w, 0x40, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c);
	CHECK_EQ(mem(&w, A_DATA)[1], 0);
	dw_fini(&w);
}

TEST(machine_dasd_unformatted_track_reports_no_record_found)
{
	struct dw w;
	struct irb irb;
	uint8_t *p;

	dw_init(&w, "m_nrf.3390");
	/* dasdfmt-style invalidation of track 5: R1 with KL 0 DL 0 */
	put_de(&w, A_PARM, 0x00, 0xc4, 5, 5);
	put_lr(&w, A_PARM + 16, 0x03, 1, 5, 0);
	p = mem(&w, A_PARM + 32);
	memcpy(p, (uint8_t[]){0, 0, 0, 5, 1, 0, 0, 0}, 8);
	ccw(&w, 0x63, 0, 16, A_PARM);
	ccw(&w, 0x47, 0, 16, A_PARM + 16);
	ccw(&w, 0x1d, CCW_FLAG_SLI, 8, A_PARM + 32);
	run(&w, 0xc0, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c);
	CHECK_EQ(irb.scsw.cstat, 0);
	/* Read R2 of track 5: no record found */
	put_de(&w, A_PARM, 0x40, 0xc0, 5, 5);
	put_lr(&w, A_PARM + 16, 0x06, 1, 5, 2);
	ccw(&w, 0x63, 0, 16, A_PARM);
	ccw(&w, 0x47, 0, 16, A_PARM + 16);
	ccw(&w, 0x86, 0, 4096, A_DATA);
	run(&w, 0xc0, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0e);
	CHECK_EQ(irb.ecw[1], 0x08);
	dw_fini(&w);
}
