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
