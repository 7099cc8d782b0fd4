/* The timing models (docs/timing.md): what a Linux 4 KB read of a 3390
 * from a deck costs under FICON timing, piece by piece (pend, the control
 * unit's command handling, the link, a cache miss, the interruption), how
 * transfers share a channel path's link, sequential prestaging, fast
 * writes, and the zero-latency machine. */
#include <stdlib.h>
#include <string.h>

#include "arch/ccw.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "dev/dasd_util.h"
#include "dev/eckd.h"
#include "machine/machine.h"
#include "t.h"

#define A_SCHIB 0x1000
#define A_ORB	0x1100
#define A_IRB	0x1200
#define A_CCW	0x2000	/* + 0x100 per subchannel */
#define A_PARM	0x3000	/* + 0x100 per subchannel */
#define A_DATA	0x10000 /* + 64 KiB per subchannel */

/* Two 3390 volumes behind one CU on one path, CHPID 42, a second path 43
 * for the first volume only. */
static const char deck[] = "CHPID PATH=(CSS(0),42),SHARED,TYPE=FC\n"
			   "CHPID PATH=(CSS(0),43),SHARED,TYPE=FC\n"
			   "CNTLUNIT CUNUMBR=3F00,PATH=((CSS(0),42,43)),UNIT=3990\n"
			   "IODEVICE ADDRESS=(3F00,2),CUNUMBR=(3F00),UNIT=3390\n";

struct tw {
	struct sim *sim;
	struct machine *m;
	struct css_if css;
	sim_time_t irq_at[2]; /* time of the last I/O interruption per subchannel */
};

static void tw_irq(void *os, uint32_t schid, uint32_t intparm, uint32_t word)
{
	struct tw *w = os;

	w->irq_at[intparm & 1] = sim_now(w->sim);
}

static void tw_nop(void *os)
{
}

static void tw_sig(void *os, uint64_t sccb)
{
}

static uint8_t *mem(struct tw *w, uint64_t a)
{
	return machine_storage(w->m)->base + a;
}

static void tw_init(struct tw *w, enum machine_timing_model model)
{
	struct machine_config cfg = {
		.storage_size = 16 << 20, .workdir = t_tmpdir(), .timing = model, .notrace = true};
	struct css_upcalls up = {.os = w,
				 .io_interrupt = tw_irq,
				 .channel_report = tw_nop,
				 .service_signal = tw_sig};
	char err[600];
	struct schib sb;

	memset(w, 0, sizeof(*w));
	/* Fresh volumes (made on first use): no track in the cache yet. */
	for (int i = 0; i < 2; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/3f0%d.3390", t_tmpdir(), i);
		remove(path);
	}
	w->sim = sim_new(1);
	w->m = machine_new(w->sim, &cfg);
	CHECK(w->m != NULL);
	if (machine_load_iocp_text(w->m, "t.iocp", deck, err, sizeof(err)) < 0)
		t_fail(__FILE__, __LINE__, "%s", err);
	w->css = machine_css(w->m);
	w->css.ops->bind(w->css.css, &up);
	w->css.ops->set_isc_mask(w->css.css, 0xff);
	for (uint32_t i = 0; i < 2; i++) {
		uint32_t schid = 0x00010000u | i;

		CHECK_EQ(w->css.ops->stsch(w->css.css, schid, A_SCHIB), 0);
		schib_decode(mem(w, A_SCHIB), &sb);
		sb.pmcw.flags |= PMCW_FLAGS_ENA | 3 << PMCW_ISC_SHIFT;
		sb.pmcw.intparm = i;
		schib_encode(&sb, mem(w, A_SCHIB));
		CHECK_EQ(w->css.ops->msch(w->css.css, schid, A_SCHIB), 0);
	}
}

static void tw_fini(struct tw *w)
{
	machine_free(w->m);
	sim_free(w->sim);
}

/* Start Linux's program for one 4 KB block (DE, LR, Read or Write Data)
 * on subchannel i, record r (1-12) of track trk, on the paths in lpm. */
static void start_block(struct tw *w, uint32_t i, bool write, uint32_t trk, uint8_t r, uint8_t lpm)
{
	uint32_t ccw = A_CCW + 0x100 * i, parm = A_PARM + 0x100 * i, data = A_DATA + 0x10000 * i;
	struct ccw1 c[3] = {
		{.cmd = 0x63, .flags = CCW_FLAG_CC, .count = 16, .cda = parm},
		{.cmd = 0x47, .flags = CCW_FLAG_CC, .count = 16, .cda = parm + 16},
		{.cmd = write ? 0x85 : 0x86, .count = 4096, .cda = data},
	};
	struct orb o = {.intparm = i, .ctrl0 = ORB_CTRL0_FMT, .lpm = lpm, .cpa = ccw};

	dasd_de(mem(w, parm), write ? 0x80 : 0x40, 0xc0, trk, trk);
	dasd_lr(mem(w, parm + 16), write ? 0x01 : 0x06, 0x80, 1, trk, r, 4096);
	for (int k = 0; k < 3; k++)
		ccw1_encode(&c[k], mem(w, ccw + 8 * k));
	orb_encode(&o, mem(w, A_ORB));
	CHECK_EQ(w->css.ops->ssch(w->css.css, 0x00010000u | i, A_ORB), 0);
}

/* Run one block and return SSCH -> I/O interruption. */
static sim_time_t block_time(struct tw *w, bool write, uint32_t trk, uint8_t r)
{
	sim_time_t t0 = sim_now(w->sim);

	start_block(w, 0, write, trk, r, 0x80);
	sim_run(w->sim);
	CHECK_EQ(w->css.ops->tsch(w->css.css, 0x00010000u, A_IRB), 0);
	CHECK_EQ(mem(w, A_IRB + 8)[0] & 0xff, 0x0c); /* SCSW dstat CE+DE */
	return w->irq_at[0] - t0;
}

/* pend 20 us + 3 commands x (1 us fetch + 20 us CU) + 16 + 16 + 4096
 * bytes at 1600 MB/s + 2 us to the interruption = 87.58 us; a track not
 * in the cache costs 200 us more. */
#define HIT  (20000 + 3 * 21000 + 10 + 10 + 2560 + 2000)
#define MISS (HIT + 200000)

TEST(ficon_4k_read_costs_pend_commands_link_and_a_cache_miss)
{
	struct tw w;

	tw_init(&w, MACHINE_TIMING_FICON);
	CHECK_EQ(block_time(&w, false, 100, 1), MISS);
	/* The same track again, another record: in the cache now. */
	CHECK_EQ(block_time(&w, false, 100, 2), HIT);
	CHECK_EQ(block_time(&w, false, 100, 2), HIT);
	CHECK_EQ(machine_timing(w.m)->link_rate, 1600000000u);
	tw_fini(&w);
}

TEST(ficon_writes_are_fast_writes_and_fill_the_cache)
{
	struct tw w;

	tw_init(&w, MACHINE_TIMING_FICON);
	CHECK_EQ(block_time(&w, true, 300, 5), HIT);
	CHECK_EQ(block_time(&w, false, 300, 7), HIT);
	tw_fini(&w);
}

TEST(ficon_sequential_miss_prestages_the_next_cylinder)
{
	struct tw w;

	tw_init(&w, MACHINE_TIMING_FICON);
	CHECK_EQ(block_time(&w, false, 500, 1), MISS);
	/* The next track misses too, but follows one in the cache: the CU
	 * stages 502..516 along with it. */
	CHECK_EQ(block_time(&w, false, 501, 1), MISS);
	for (uint32_t t = 502; t <= 516; t++)
		CHECK_EQ(block_time(&w, false, t, 1), HIT);
	/* Past the prestaged tracks: a miss, and a new prestage. */
	CHECK_EQ(block_time(&w, false, 517, 1), MISS);
	CHECK_EQ(block_time(&w, false, 518, 1), HIT);
	/* Not sequential: no prestage. */
	CHECK_EQ(block_time(&w, false, 900, 1), MISS);
	CHECK_EQ(block_time(&w, false, 902, 1), MISS);
	tw_fini(&w);
}

/* Two volumes on one path: their CU work overlaps, their data takes turns
 * on the link, per direction (full duplex). */
TEST(ficon_transfers_on_one_path_take_turns_on_its_link)
{
	struct tw w;

	tw_init(&w, MACHINE_TIMING_FICON);
	/* Warm both volumes' track 10. */
	CHECK_EQ(block_time(&w, true, 10, 1), HIT);
	start_block(&w, 1, true, 10, 1, 0x80);
	sim_run(w.sim);
	CHECK_EQ(w.css.ops->tsch(w.css.css, 0x00010001u, A_IRB), 0);
	/* Two reads at once on 0.42. */
	start_block(&w, 0, false, 10, 1, 0x80);
	start_block(&w, 1, false, 10, 1, 0x80);
	sim_run(w.sim);
	CHECK_EQ(w.irq_at[1] - w.irq_at[0], 2560);
	CHECK_EQ(w.css.ops->tsch(w.css.css, 0x00010000u, A_IRB), 0);
	CHECK_EQ(w.css.ops->tsch(w.css.css, 0x00010001u, A_IRB), 0);
	/* A read and a write at once: their 4 KB go different ways; only the
	 * 16-byte DE of both goes out on the same side (10 ns). */
	start_block(&w, 0, false, 10, 1, 0x80);
	start_block(&w, 1, true, 10, 1, 0x80);
	sim_run(w.sim);
	CHECK_EQ(w.irq_at[1] - w.irq_at[0], 10);
	CHECK_EQ(w.css.ops->tsch(w.css.css, 0x00010000u, A_IRB), 0);
	CHECK_EQ(w.css.ops->tsch(w.css.css, 0x00010001u, A_IRB), 0);
	/* Two reads on different paths: no wait either. */
	start_block(&w, 0, false, 10, 1, 0x40);
	start_block(&w, 1, false, 10, 1, 0x80);
	sim_run(w.sim);
	CHECK_EQ(w.irq_at[1], w.irq_at[0]);
	tw_fini(&w);
}

/* The zero-latency machine: 5 us + 3 x 1 us + 2 us, miss or not. */
TEST(zero_timing_machine_answers_at_once)
{
	struct tw w;

	tw_init(&w, MACHINE_TIMING_ZERO);
	CHECK_EQ(block_time(&w, false, 100, 1), 10000);
	CHECK_EQ(block_time(&w, true, 100, 1), 10000);
	CHECK_EQ(machine_timing(w.m)->link_rate, 0);
	tw_fini(&w);
}
