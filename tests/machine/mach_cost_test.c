/* What the per-I/O fast paths must keep: TSCH stores exactly SCSW, ESW and
 * ECW (64 bytes, EMW untouched), with no stale sense or ESW words, and a
 * one-CCW command sees the same data whether the channel buffer or the
 * data area in place is used. */
#include "mt.h"

static void fill_irb_area(struct mt *w)
{
	memset(mt_mem(w, A_IRB), 0xa5, IRB_SIZE);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

TEST(tsch_stores_64_bytes_and_clears_stale_esw_and_ecw)
{
	struct mt w;
	struct irb irb;
	struct schib sb;
	const uint8_t *p;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	sb.pmcw.chars |= PMCW_CHARS_CSENSE;
	CHECK_EQ(mt_msch(&w, SCH0, &sb), 0);
	p = mt_mem(&w, A_IRB);

	/* unit check with concurrent sense: ECW filled, EMW not stored */
	testdev_fail_next(w.dev, 0x42);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	fill_irb_area(&w);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK(irb.esw[1] & ERW_S);
	CHECK_EQ(irb.esw[0], 0x80u << 16); /* format-0 ESW word 0: LPUM */
	CHECK(all_bytes(p + IRB_OFF_ESW + 8, 12, 0));
	CHECK_EQ(p[IRB_OFF_ECW], 0x42);
	CHECK(all_bytes(p + IRB_OFF_EMW, IRB_SIZE - IRB_OFF_EMW, 0xa5));

	/* a clean I/O next: no ERW, no sense left over in the ECW */
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	fill_irb_area(&w);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(irb.esw[1], 0);
	CHECK(all_bytes(p + IRB_OFF_ESW + 8, 12, 0));
	CHECK(all_bytes(p + IRB_OFF_ECW, IRB_OFF_EMW - IRB_OFF_ECW, 0));
	CHECK(all_bytes(p + IRB_OFF_EMW, IRB_SIZE - IRB_OFF_EMW, 0xa5));

	/* TSCH with nothing pending: cc 1, the same 64 bytes stored */
	fill_irb_area(&w);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 1);
	CHECK_EQ(irb.esw[1], 0);
	CHECK(all_bytes(p + IRB_OFF_ECW, IRB_OFF_EMW - IRB_OFF_ECW, 0));
	CHECK(all_bytes(p + IRB_OFF_EMW, IRB_SIZE - IRB_OFF_EMW, 0xa5));
	mt_fini(&w);
}

/* TSCH at the very end of storage: 64 bytes fit, so it works (the EMW
 * would not fit and is not stored). */
TEST(tsch_operand_of_64_bytes_at_the_end_of_storage)
{
	struct mt w;
	uint64_t end;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	end = machine_storage(w.m)->size;
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.css.ops->tsch(w.css.css, SCH0, end - IRB_OFF_EMW), 0);
	CHECK_EQ(w.css.ops->tsch(w.css.css, SCH0, end - IRB_OFF_EMW + 4), -PGM_ADDRESSING);
	mt_fini(&w);
}

/* ---- one-CCW fast path against the general path ----
 *
 * Format-1 programs take the channel's one-CCW fast path where they can;
 * format-0 programs never do.  With addresses below 16 MiB, non-zero
 * counts and ORB incorrect-length suppression on the format-1 side, both
 * formats mean the same, so every result must be identical. */

#define DIFF_STORE 0x8000

static void diff_world(struct mt *w)
{
	mt_init(w, 4, 0);
	memset(machine_timing(w->m), 0, sizeof(struct machine_timing));
	mt_enable(w, SCH0);
}

static void put_both(struct mt *w0, struct mt *w1, int i, const struct ccw1 *c)
{
	ccw0_encode(c, mt_mem(w0, A_CCW + 8 * i));
	ccw1_encode(c, mt_mem(w1, A_CCW + 8 * i));
}

static uint32_t diff_addr(struct sim *r)
{
	if (sim_rand_below(r, 8) == 0)
		return (16u << 20) - (uint32_t)sim_rand_below(r, 6000);
	return A_DATA + (uint32_t)sim_rand_below(r, 0x4000);
}

static void diff_program(struct sim *r, struct mt *w0, struct mt *w1)
{
	static const uint8_t cmds[] = {
		CCW_CMD_WRITE, CCW_CMD_READ, CCW_CMD_NOOP,  CCW_CMD_BASIC_SENSE, CCW_CMD_SENSE_ID,
		0x00,	       0x40,	     CCW_CMD_WRITE, CCW_CMD_READ};
	unsigned n = 1 + (unsigned)sim_rand_below(r, 3);

	for (unsigned i = 0; i < n; i++) {
		struct ccw1 c = {.cmd = cmds[sim_rand_below(r, sizeof(cmds))],
				 .count = (uint16_t)(1 + sim_rand_below(r, 6000)),
				 .cda = diff_addr(r)};

		c.flags |= sim_rand_below(r, 2) ? CCW_FLAG_CC : 0;
		c.flags |= sim_rand_below(r, 2) ? CCW_FLAG_SLI : 0;
		c.flags |= sim_rand_below(r, 8) == 0 ? CCW_FLAG_CD : 0;
		put_both(w0, w1, (int)i, &c);
	}
}

static int diff_run(struct mt *w, bool f1, struct irb *irb)
{
	struct orb o = {.intparm = 7, .lpm = 0xf0, .cpa = A_CCW};

	if (f1) {
		o.ctrl0 = ORB_CTRL0_FMT;
		o.ctrl1 = ORB_CTRL1_ILS;
	}
	CHECK_EQ(mt_ssch_orb(w, SCH0, &o), 0);
	sim_run(w->sim);
	return mt_tsch(w, SCH0, irb);
}

TEST(one_ccw_fast_path_gives_what_the_general_path_gives)
{
	struct mt w0, w1;
	struct sim *r = sim_new(42);
	const uint8_t *b0, *b1;
	size_t len;

	diff_world(&w0);
	diff_world(&w1);
	for (int i = 0; i < 3000; i++) {
		struct irb a, b;
		const struct testdev_stats *s0 = testdev_stats(w0.dev), *s1 = testdev_stats(w1.dev);

		diff_program(r, &w0, &w1);
		CHECK_EQ(diff_run(&w0, false, &a), diff_run(&w1, true, &b));
		CHECK_EQ(a.scsw.flags, b.scsw.flags & ~SCSW_FLAGS_FMT);
		CHECK_EQ(a.scsw.ctrl, b.scsw.ctrl);
		CHECK_EQ(a.scsw.cpa, b.scsw.cpa);
		CHECK_EQ(a.scsw.dstat, b.scsw.dstat);
		CHECK_EQ(a.scsw.cstat, b.scsw.cstat);
		CHECK_EQ(a.scsw.count, b.scsw.count);
		CHECK_EQ(s0->cmds, s1->cmds);
		CHECK_EQ(s0->last_cmd, s1->last_cmd);
		CHECK_EQ(s0->last_count, s1->last_count);
		CHECK_MEM(mt_mem(&w0, A_DATA), mt_mem(&w1, A_DATA), DIFF_STORE);
		CHECK_MEM(mt_mem(&w0, (16u << 20) - 8192), mt_mem(&w1, (16u << 20) - 8192), 8192);
		b0 = testdev_buf(w0.dev, &len);
		b1 = testdev_buf(w1.dev, &len);
		CHECK_MEM(b0, b1, len);
	}
	mt_fini(&w0);
	mt_fini(&w1);
	sim_free(r);
}

TEST(format1_data_address_with_the_high_bit_is_a_program_check)
{
	struct mt w;
	struct irb irb;

	diff_world(&w);
	mt_ccw(&w, 0, CCW_CMD_WRITE, 0, 16, 0x80000000u | A_DATA);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 8);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 0);
	mt_fini(&w);
}
