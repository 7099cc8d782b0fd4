/* Malformed channel programs as a test subject: random CCWs, IDAW lists and
 * ORB flags.  Whatever the program, the start function ends (or a CSCH ends
 * it) with exactly one final status, TSCH clears it, and the subchannel can
 * start again.  Run under ASan/UBSan this also checks that the channel never
 * touches storage outside the machine's. */
#include "mt.h"

static uint32_t rnd_addr(struct sim *sim)
{
	switch (sim_rand_below(sim, 6)) {
	case 0:
		return (uint32_t)sim_rand(sim); /* anywhere, mostly outside storage */
	case 1:
		return (16 << 20) - (uint32_t)sim_rand_below(sim, 64);
	default:
		return A_DATA + (uint32_t)sim_rand_below(sim, 0x4000);
	}
}

static bool one_in(struct sim *sim, unsigned n)
{
	return sim_rand_below(sim, n) == 0;
}

static uint8_t random_flags(struct sim *sim)
{
	uint8_t f = 0;

	f |= one_in(sim, 4) ? CCW_FLAG_CD : 0;
	f |= one_in(sim, 2) ? CCW_FLAG_CC : 0;
	f |= one_in(sim, 2) ? CCW_FLAG_SLI : 0;
	f |= one_in(sim, 8) ? CCW_FLAG_SKIP : 0;
	f |= one_in(sim, 8) ? CCW_FLAG_PCI : 0;
	f |= one_in(sim, 6) ? CCW_FLAG_IDA : 0;
	f |= one_in(sim, 32) ? CCW_FLAG_MIDA : 0;
	return f;
}

static void random_program(struct mt *w)
{
	static const uint8_t cmds[] = {
		CCW_CMD_WRITE,	  CCW_CMD_READ, CCW_CMD_NOOP, CCW_CMD_TIC, CCW_CMD_BASIC_SENSE,
		CCW_CMD_SENSE_ID, 0x00,		0x0c,	      0x10,	   0x18};
	int n = 1 + (int)sim_rand_below(w->sim, 8);

	if (one_in(w->sim, 50)) {
		/* endless: NOP, TIC back to it */
		mt_ccw(w, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
		mt_ccw(w, 1, CCW_CMD_TIC, 0, 0, A_CCW);
		return;
	}

	for (int i = 0; i < n; i++) {
		uint8_t cmd = cmds[sim_rand_below(w->sim, sizeof(cmds))];
		uint8_t flags = random_flags(w->sim);
		uint32_t cda = cmd == CCW_CMD_TIC ? A_CCW + 8 * (uint32_t)sim_rand_below(w->sim, 9)
						  : rnd_addr(w->sim);

		if (cmd == CCW_CMD_TIC && sim_rand_below(w->sim, 2))
			flags = 0;
		mt_ccw(w, i, cmd, flags, (uint16_t)sim_rand_below(w->sim, 300), cda);
	}
	for (int i = 0; i < 16; i++)
		put_be32(mt_mem(w, A_DATA + 4 * i), rnd_addr(w->sim));
}

TEST(random_channel_programs_always_end_with_one_final_status)
{
	struct mt w;
	struct irb irb;

	int normal = 0, pgm = 0, cleared = 0, il = 0;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	for (int iter = 0; iter < 3000; iter++) {
		struct orb o = {.intparm = (uint32_t)iter, .lpm = 0xf0, .cpa = A_CCW};
		bool final;
		int cc;

		random_program(&w);
		o.ctrl0 = (uint16_t)(sim_rand(w.sim) & (ORB_CTRL0_FMT | ORB_CTRL0_C64 |
							ORB_CTRL0_I2K | ORB_CTRL0_PFCH));
		o.ctrl0 |= ORB_CTRL0_FMT * (sim_rand_below(w.sim, 4) != 0);
		if (sim_rand_below(w.sim, 8) == 0)
			o.cpa = rnd_addr(w.sim) & 0x7fffffff;
		CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
		final = false;
		/* Take intermediate (PCI, initial) status until the final one. */
		for (int k = 0; k < 8 && !final; k++) {
			sim_run_to(w.sim, sim_now(w.sim) + 10 * SIM_MS);
			cc = mt_tsch(&w, SCH0, &irb);
			final = cc == 0 && (irb.scsw.ctrl & (SCSW_STCTL_PRIM | SCSW_STCTL_ALERT));
		}
		if (!final) {
			/* An endless program (a TIC loop): clear it. */
			CHECK_EQ(w.css.ops->csch(w.css.css, SCH0), 0);
			sim_run_to(w.sim, sim_now(w.sim) + SIM_MS);
			CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
			CHECK_EQ(irb.scsw.ctrl, 0x1001);
			cleared++;
		}
		normal += final && !(irb.scsw.cstat & ~SCHN_STAT_PCI) && irb.scsw.dstat == 0x0c;
		pgm += final && (irb.scsw.cstat & SCHN_STAT_PROG_CHECK);
		il += final && (irb.scsw.cstat & SCHN_STAT_INCORR_LEN);
		CHECK_EQ(mt_tsch(&w, SCH0, &irb), 1);
		CHECK_EQ(irb.scsw.ctrl, 0);
	}
	CHECK_EQ(testdev_stats(w.dev)->selects, testdev_stats(w.dev)->ends);
	/* The generator reaches every kind of ending. */
	CHECK(normal > 100 && pgm > 100 && il > 100 && cleared > 0);
	mt_fini(&w);
}
