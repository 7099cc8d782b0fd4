/* The I/O instructions: one architected rule per test, named after it. */
#include "mt.h"

/* ---- STSCH ---- */

TEST(stsch_cc0_stores_the_schib_of_an_installed_subchannel)
{
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.devno, 0x1234);
	CHECK(sb.pmcw.flags & PMCW_FLAGS_DNV);
	CHECK(!(sb.pmcw.flags & PMCW_FLAGS_ENA));
	CHECK_EQ(sb.pmcw.pim, 0xf0);
	CHECK_EQ(sb.pmcw.pam, 0xf0);
	CHECK_EQ(sb.pmcw.pom, 0xff);
	CHECK_EQ(sb.pmcw.chpid[0], 0x42);
	CHECK_EQ(sb.pmcw.chpid[3], 0x45);
	CHECK_EQ(sb.pmcw.chpid[4], 0);
	CHECK_EQ(machine_stats(w.m)->stsch, 1);
	mt_fini(&w);
}

TEST(stsch_cc3_when_the_subchannel_is_not_provided)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(mt_stsch(&w, 0x00010001, NULL), 3);
	CHECK_EQ(mt_stsch(&w, 0x00030000, NULL), 3); /* ssid 1: no set */
	mt_fini(&w);
}

TEST(stsch_stores_a_zero_schib_below_the_highest_installed_number)
{
	struct mt w;
	struct schib sb;
	uint8_t chp = 0x42;

	mt_init(&w, 4, 0);
	CHECK_EQ(machine_add_device(w.m, 0, 5, 0x2000, &chp, 1, NULL), 5);
	memset(mt_mem(&w, A_SCHIB), 0xaa, SCHIB_SIZE);
	CHECK_EQ(mt_stsch(&w, 0x00010003, &sb), 0);
	CHECK_EQ(sb.pmcw.flags, 0);
	CHECK_EQ(sb.pmcw.devno, 0);
	CHECK_EQ(mt_stsch(&w, 0x00010006, NULL), 3);
	mt_fini(&w);
}

TEST(stsch_unaligned_operand_is_a_specification_exception)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->stsch(w.css.css, SCH0, A_SCHIB + 1), -PGM_SPECIFICATION);
	CHECK_EQ(w.css.ops->stsch(w.css.css, SCH0, A_SCHIB + 2), -PGM_SPECIFICATION);
	mt_fini(&w);
}

TEST(stsch_operand_outside_storage_is_an_addressing_exception)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->stsch(w.css.css, SCH0, (16 << 20) - 16), -PGM_ADDRESSING);
	mt_fini(&w);
}

TEST(stsch_schid_word_without_bit_15_is_an_operand_exception)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->stsch(w.css.css, 0x0000ffff, A_SCHIB), -PGM_OPERAND);
	CHECK_EQ(w.css.ops->stsch(w.css.css, 0x01010000, A_SCHIB), -PGM_OPERAND);
	mt_fini(&w);
}

TEST(stsch_access_exception_has_priority_over_operand_exception)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->stsch(w.css.css, 0x0000ffff, (16 << 20)), -PGM_ADDRESSING);
	mt_fini(&w);
}

/* ---- MSCH ---- */

TEST(msch_reserved_bit_in_word_1_is_an_operand_exception)
{
	static const uint16_t bad[] = {0x8000, 0x4000, 0x0200, 0x0100};
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
		sb.pmcw.flags |= bad[i];
		CHECK_EQ(mt_msch(&w, SCH0, &sb), -PGM_OPERAND);
	}
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	sb.pmcw.chars |= 0x01000000; /* word 6 reserved */
	CHECK_EQ(mt_msch(&w, SCH0, &sb), -PGM_OPERAND);
	mt_fini(&w);
}

TEST(msch_ignores_word_1_bit_5_and_stsch_stores_it_as_zero)
{
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	sb.pmcw.flags |= PMCW_FLAGS_BIT5 | PMCW_FLAGS_ENA;
	CHECK_EQ(mt_msch(&w, SCH0, &sb), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK(!(sb.pmcw.flags & PMCW_FLAGS_BIT5));
	CHECK(sb.pmcw.flags & PMCW_FLAGS_ENA);
	mt_fini(&w);
}

TEST(msch_cc0_sets_the_program_modifiable_fields_only)
{
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	sb.pmcw.flags |= PMCW_FLAGS_ENA | 5 << PMCW_ISC_SHIFT;
	sb.pmcw.intparm = 0x11223344;
	sb.pmcw.lpm = 0x30;
	sb.pmcw.pim = 0x01;
	sb.pmcw.devno = 0x9999;
	CHECK_EQ(mt_msch(&w, SCH0, &sb), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(pmcw_isc(&sb.pmcw), 5);
	CHECK_EQ(sb.pmcw.intparm, 0x11223344);
	CHECK_EQ(sb.pmcw.lpm, 0x30);
	CHECK_EQ(sb.pmcw.pim, 0xf0);
	CHECK_EQ(sb.pmcw.devno, 0x1234);
	mt_fini(&w);
}

TEST(msch_cc1_when_status_pending)
{
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(mt_msch(&w, SCH0, &sb), 1);
	mt_fini(&w);
}

TEST(msch_cc2_when_a_function_is_in_progress)
{
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(mt_msch(&w, SCH0, &sb), 2);
	mt_fini(&w);
}

TEST(msch_cc3_when_the_subchannel_is_not_provided)
{
	struct mt w;
	struct schib sb = {0};

	mt_init(&w, 4, 0);
	CHECK_EQ(mt_msch(&w, 0x00010100, &sb), 3);
	mt_fini(&w);
}

TEST(msch_with_mbfc_and_unaligned_mba_is_an_operand_exception)
{
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	sb.pmcw.chars |= PMCW_CHARS_MBFC;
	sb.mba = 0x1008;
	CHECK_EQ(mt_msch(&w, SCH0, &sb), -PGM_OPERAND);
	mt_fini(&w);
}

/* ---- SSCH ---- */

TEST(ssch_cc0_start_function_ends_with_ce_de_and_an_interruption)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	CHECK_EQ(w.nint, 0); /* never from inside the instruction */
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(w.int_schid, SCH0);
	CHECK_EQ(w.int_parm, 0xfeed);
	CHECK_EQ(w.int_word, 3u << IO_INT_WORD_ISC_SHIFT);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 8);
	CHECK_EQ(irb.scsw.count, 0);
	CHECK_EQ(scsw_cc(&irb.scsw), 0);
	CHECK_EQ(irb_esw_lpum(&irb), 0x80);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 1);
	CHECK_EQ(irb.scsw.ctrl, 0);
	mt_fini(&w);
}

TEST(ssch_cc1_when_status_pending)
{
	struct mt w;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 1);
	mt_fini(&w);
}

TEST(ssch_cc2_when_busy)
{
	struct mt w;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 2);
	mt_fini(&w);
}

TEST(ssch_cc3_when_the_subchannel_is_not_enabled)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 3);
	CHECK_EQ(mt_ssch(&w, 0x00010077, 0xf0), 3);
	mt_fini(&w);
}

TEST(ssch_cc3_when_no_path_of_the_orb_lpm_is_available)
{
	struct mt w;

	mt_init(&w, 2, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0x20), 3); /* path 3 not installed */
	CHECK_EQ(machine_chp_configure(w.m, 0x42, false), 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0x80), 3); /* path 1 not available */
	CHECK_EQ(mt_ssch(&w, SCH0, 0), 3);
	mt_fini(&w);
}

TEST(ssch_orb_with_reserved_bits_is_an_operand_exception)
{
	struct mt w;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .lpm = 0xff, .cpa = A_CCW};

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	o.ctrl1 = 0x02;
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), -PGM_OPERAND);
	o.ctrl1 = 0;
	o.ctrl0 |= ORB_CTRL0_B;
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), -PGM_OPERAND);
	o.ctrl0 = ORB_CTRL0_FMT;
	o.cpa = 0x80000000 | A_CCW;
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), -PGM_OPERAND);
	memset(mt_mem(&w, A_ORB), 0xff, ORB_EXT_SIZE);
	CHECK_EQ(w.css.ops->ssch(w.css.css, SCH0, A_ORB), -PGM_OPERAND);
	mt_fini(&w);
}

TEST(ssch_unaligned_orb_is_a_specification_exception)
{
	struct mt w;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(w.css.ops->ssch(w.css.css, SCH0, A_ORB + 2), -PGM_SPECIFICATION);
	mt_fini(&w);
}

TEST(ssch_orb_lpm_replaces_the_pmcw_lpm)
{
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0x30), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.lpm, 0x30);
	CHECK_EQ(sb.pmcw.intparm, 0xfeed);
	CHECK_EQ(sb.scsw.ctrl, 0x4400);
	mt_fini(&w);
}

/* ---- TSCH ---- */

TEST(tsch_cc1_when_not_status_pending_still_stores_the_irb)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	memset(mt_mem(&w, A_IRB), 0xaa, IRB_SIZE);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 1);
	CHECK_EQ(irb.scsw.ctrl, 0);
	CHECK_EQ(irb.scsw.flags, 0);
	mt_fini(&w);
}

TEST(tsch_cc3_when_not_operational)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 3); /* not enabled */
	CHECK_EQ(mt_tsch(&w, 0x00010033, &irb), 3);
	mt_fini(&w);
}

TEST(tsch_bad_schid_word_is_an_operand_exception_before_alignment)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->tsch(w.css.css, 0x0000ffff, A_IRB + 1), -PGM_OPERAND);
	CHECK_EQ(w.css.ops->tsch(w.css.css, SCH0, A_IRB + 1), -PGM_SPECIFICATION);
	mt_fini(&w);
}

TEST(tsch_withdraws_the_interruption_request)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	machine_timing(w.m)->interrupt = 100 * SIM_US;
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 50 * SIM_US);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 0);
	mt_fini(&w);
}

/* ---- CSCH ---- */

TEST(csch_cc0_clear_function_completes_with_status_pending_alone)
{
	struct mt w;
	struct irb irb;
	struct schib sb;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 100 * SIM_US);
	CHECK_EQ(w.css.ops->csch(w.css.css, SCH0), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_ACTL_CLEAR);
	CHECK_EQ(sb.pmcw.pom, 0xff);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x1001);
	CHECK_EQ(irb.scsw.dstat, 0);
	CHECK_EQ(testdev_stats(w.dev)->ends, 1);
	mt_fini(&w);
}

TEST(csch_cc3_when_not_operational)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->csch(w.css.css, SCH0), 3);
	mt_fini(&w);
}

/* ---- HSCH ---- */

TEST(hsch_cc0_on_an_idle_subchannel_gives_device_end)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x2001);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_DEV_END);
	mt_fini(&w);
}

TEST(hsch_cc1_when_status_pending)
{
	struct mt w;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 1);
	mt_fini(&w);
}

TEST(hsch_cc2_when_halt_already_in_progress)
{
	struct mt w;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 0);
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 2);
	mt_fini(&w);
}

TEST(hsch_cc3_when_not_operational)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 3);
	mt_fini(&w);
}

TEST(hsch_ends_a_running_channel_program_with_primary_status)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 100 * SIM_US);
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl & SCSW_FCTL_MASK, SCSW_FCTL_START | SCSW_FCTL_HALT);
	CHECK(irb.scsw.ctrl & SCSW_STCTL_PRIM);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_DEV_END);
	CHECK_EQ(testdev_stats(w.dev)->ends, 1);
	mt_fini(&w);
}

/* ---- XSCH ---- */

TEST(xsch_cc0_withdraws_a_start_pending_function_without_interruption)
{
	struct mt w;
	struct schib sb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	CHECK_EQ(w.css.ops->xsch(w.css.css, SCH0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.scsw.ctrl, 0);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 0);
	mt_fini(&w);
}

TEST(xsch_cc1_when_status_pending)
{
	struct mt w;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.css.ops->xsch(w.css.css, SCH0), 1);
	mt_fini(&w);
}

TEST(xsch_cc2_when_idle_or_subchannel_active)
{
	struct mt w;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	CHECK_EQ(w.css.ops->xsch(w.css.css, SCH0), 2);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 100 * SIM_US);
	CHECK_EQ(w.css.ops->xsch(w.css.css, SCH0), 2);
	mt_fini(&w);
}

TEST(xsch_cc3_when_not_operational)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->xsch(w.css.css, SCH0), 3);
	mt_fini(&w);
}

/* ---- RSCH and suspend ---- */

TEST(rsch_cc2_when_not_suspended)
{
	struct mt w;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(w.css.ops->rsch(w.css.css, SCH0), 2);
	mt_fini(&w);
}

TEST(rsch_cc3_when_not_operational)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->rsch(w.css.css, SCH0), 3);
	mt_fini(&w);
}

TEST(suspend_flag_suspends_and_rsch_refetches_the_ccw)
{
	struct mt w;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_SPND, .lpm = 0xf0, .cpa = A_CCW};
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, 1, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 0, 0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl,
		 SCSW_FCTL_START | SCSW_ACTL_SUSP | SCSW_STCTL_INTER | SCSW_STCTL_PEND);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 16);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 1);
	CHECK_EQ(w.css.ops->rsch(w.css.css, SCH0), 0);
	/* Still suspended: the program did not clear the flag. */
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK(irb.scsw.ctrl & SCSW_ACTL_SUSP);
	mt_ccw(&w, 1, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(w.css.ops->rsch(w.css.css, SCH0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 2);
	mt_fini(&w);
}

TEST(suspend_flag_without_orb_s_is_a_program_check)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	mt_fini(&w);
}

/* ---- TPI and ISC masking ---- */

TEST(tpi_cc0_when_no_interruption_is_pending)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->tpi(w.css.css, A_TPI), 0);
	mt_fini(&w);
}

TEST(tpi_cc1_stores_the_interruption_code_and_clears_the_request)
{
	struct mt w;

	mt_init(&w, 4, 0);
	w.css.ops->set_isc_mask(w.css.css, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.css.ops->tpi(w.css.css, A_TPI), 0); /* ISC 3 disabled */
	w.css.ops->set_isc_mask(w.css.css, 0x10);
	CHECK_EQ(w.css.ops->tpi(w.css.css, A_TPI), 1);
	CHECK_EQ(get_be32(mt_mem(&w, A_TPI)), SCH0);
	CHECK_EQ(get_be32(mt_mem(&w, A_TPI + 4)), 0xfeed);
	CHECK_EQ(w.css.ops->tpi(w.css.css, A_TPI), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 0);
	mt_fini(&w);
}

TEST(tpi_with_address_zero_stores_into_lowcore)
{
	struct mt w;

	mt_init(&w, 4, 0);
	w.css.ops->set_isc_mask(w.css.css, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	w.css.ops->set_isc_mask(w.css.css, 0x10);
	CHECK_EQ(w.css.ops->tpi(w.css.css, 0), 1);
	CHECK_EQ(get_be32(mt_mem(&w, 0xb8)), SCH0);
	CHECK_EQ(get_be32(mt_mem(&w, 0xc0)), 3u << IO_INT_WORD_ISC_SHIFT);
	mt_fini(&w);
}

TEST(interruption_for_a_disabled_isc_is_taken_when_enabled)
{
	struct mt w;

	mt_init(&w, 4, 0);
	w.css.ops->set_isc_mask(w.css.css, 0x80);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 0);
	w.css.ops->set_isc_mask(w.css.css, 0x10);
	CHECK_EQ(w.nint, 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	mt_fini(&w);
}

TEST(interruption_is_taken_after_the_interrupt_latency)
{
	struct mt w;
	struct machine_timing *t;

	mt_init(&w, 4, 0);
	t = machine_timing(w.m);
	t->ssch_start = 5 * SIM_US;
	t->ccw_fetch = 1 * SIM_US;
	t->interrupt = 2 * SIM_US;
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, 1, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, 2, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 10 * SIM_US - 1);
	CHECK_EQ(w.nint, 0);
	sim_run_to(w.sim, 10 * SIM_US);
	CHECK_EQ(w.nint, 1);
	mt_fini(&w);
}

TEST(freeing_the_machine_cancels_its_events)
{
	struct mt w;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	CHECK_EQ(machine_chp_fail(w.m, 0x45), 0);
	CHECK_EQ(w.css.ops->servc(w.css.css, 0x00030001, A_SCHIB), 0);
	sim_run_to(w.sim, 100 * SIM_US);
	machine_free(w.m);
	sim_run(w.sim);
	CHECK_EQ(sim_pending(w.sim), 0);
	sim_free(w.sim);
}

TEST(rsch_cc1_when_status_pending)
{
	struct mt w;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_SPND, .lpm = 0xf0, .cpa = A_CCW};

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 0, 0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1); /* suspended, intermediate status pending */
	CHECK_EQ(w.css.ops->rsch(w.css.css, SCH0), 1);
	mt_fini(&w);
}

TEST(suspend_with_orb_u_gives_no_interruption)
{
	struct mt w;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_SPND | ORB_CTRL0_SSIC,
			.lpm = 0xf0,
			.cpa = A_CCW};
	struct schib sb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 0, 0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.scsw.ctrl, 0x4020);
	/* XSCH withdraws a suspended start function */
	CHECK_EQ(w.css.ops->xsch(w.css.css, SCH0), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.scsw.ctrl, 0);
	mt_fini(&w);
}

TEST(hsch_after_the_program_already_ended_keeps_its_status)
{
	struct mt w;
	struct irb irb;
	struct machine_timing *t;

	mt_init(&w, 4, 0);
	t = machine_timing(w.m);
	t->ssch_start = 5 * SIM_US;
	t->ccw_fetch = 1 * SIM_US;
	t->interrupt = 100 * SIM_US;
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 5500); /* selected, command in flight */
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(irb.scsw.ctrl, SCSW_FCTL_START | SCSW_FCTL_HALT | SCSW_STCTL_PRIM |
					SCSW_STCTL_SEC | SCSW_STCTL_PEND);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 1);
	CHECK_EQ(irb.scsw.ctrl, 0);
	mt_fini(&w);
}

/* The program ends before the halt signal and its status (with FC halt)
 * is taken by TSCH first: TSCH clears the halt function with the others,
 * so the halt is over and no status may come of it later (a host that
 * disabled the subchannel then found it status pending and could not
 * enable it again; found by chpsync explore). */
TEST(tsch_of_the_status_a_halt_overtook_ends_the_halt_function)
{
	struct mt w;
	struct irb irb;
	struct schib sb;
	struct machine_timing *t;

	mt_init(&w, 4, 0);
	t = machine_timing(w.m);
	t->ssch_start = 5 * SIM_US;
	t->ccw_fetch = 1 * SIM_US;
	t->interrupt = 100 * SIM_US;
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 5500); /* selected, command in flight */
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 0);
	sim_run_to(w.sim, 9000); /* the program's status is pending, the halt signal is not out */
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, SCSW_FCTL_START | SCSW_FCTL_HALT | SCSW_ACTL_HALT |
					SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 0);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 1);
	CHECK_EQ(irb.scsw.ctrl, 0);
	/* idle: it can be disabled and enabled again */
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	sb.pmcw.flags &= (uint16_t)~PMCW_FLAGS_ENA;
	CHECK_EQ(mt_msch(&w, SCH0, &sb), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.scsw.ctrl, 0);
	sb.pmcw.flags |= PMCW_FLAGS_ENA;
	CHECK_EQ(mt_msch(&w, SCH0, &sb), 0);
	mt_fini(&w);
}

TEST(hsch_on_a_suspended_subchannel_gives_deferred_cc1)
{
	struct mt w;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_SPND | ORB_CTRL0_SSIC,
			.lpm = 0xf0,
			.cpa = A_CCW};
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 0, 0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(w.css.ops->hsch(w.css.css, SCH0), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(scsw_cc(&irb.scsw), 1);
	CHECK_EQ(irb.scsw.dstat, 0);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 8);
	CHECK_EQ(irb.scsw.ctrl,
		 SCSW_FCTL_START | SCSW_FCTL_HALT | SCSW_STCTL_ALERT | SCSW_STCTL_PEND);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 1);
	CHECK_EQ(irb.scsw.ctrl, 0);
	mt_fini(&w);
}
