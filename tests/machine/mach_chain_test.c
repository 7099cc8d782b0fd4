/* Channel programs: chaining, TIC, IDAWs, SLI, skip, PCI, program checks. */
#include "mt.h"

static void run_program(struct mt *w, struct irb *irb)
{
	mt_enable(w, SCH0);
	CHECK_EQ(mt_ssch(w, SCH0, 0xf0), 0);
	sim_run(w->sim);
	CHECK_EQ(mt_tsch(w, SCH0, irb), 0);
}

TEST(command_chaining_runs_each_command_and_flags_it_chained)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, 1, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, 2, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 256, A_DATA);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 3);
	CHECK(testdev_stats(w.dev)->last_chained);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 24);
	CHECK_EQ(irb.scsw.count, 256 - 7);
	CHECK_EQ(mt_mem(&w, A_DATA)[0], 0xff);
	CHECK_EQ(get_be16(mt_mem(&w, A_DATA + 1)), TESTDEV_CU_TYPE);
	mt_fini(&w);
}

TEST(data_chaining_gathers_one_write_from_several_ccws)
{
	struct mt w;
	struct irb irb;
	uint8_t *buf;

	mt_init(&w, 4, 0);
	memcpy(mt_mem(&w, A_DATA), "abc", 3);
	memcpy(mt_mem(&w, A_DATA + 0x100), "defgh", 5);
	mt_ccw(&w, 0, CCW_CMD_WRITE, CCW_FLAG_CD, 3, A_DATA);
	mt_ccw(&w, 1, CCW_CMD_WRITE, 0, 5, A_DATA + 0x100);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 1);
	CHECK_EQ(testdev_stats(w.dev)->last_count, 8);
	buf = testdev_buf(w.dev, NULL);
	CHECK_MEM(buf, "abcdefgh", 8);
	mt_fini(&w);
}

TEST(data_chaining_scatters_a_read_and_skip_suppresses_the_store)
{
	struct mt w;
	struct irb irb;
	uint8_t *buf;

	mt_init(&w, 4, 0);
	buf = testdev_buf(w.dev, NULL);
	memcpy(buf, "0123456789", 10);
	memset(mt_mem(&w, A_DATA), '.', 0x200);
	mt_ccw(&w, 0, CCW_CMD_READ, CCW_FLAG_CD, 2, A_DATA);
	mt_ccw(&w, 1, CCW_CMD_READ, CCW_FLAG_CD | CCW_FLAG_SKIP, 3, A_DATA + 0x10);
	mt_ccw(&w, 2, CCW_CMD_READ, CCW_FLAG_SLI, 4, A_DATA + 0x100);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_MEM(mt_mem(&w, A_DATA), "01..", 4);
	CHECK_MEM(mt_mem(&w, A_DATA + 0x10), "...", 3);
	CHECK_MEM(mt_mem(&w, A_DATA + 0x100), "5678.", 5);
	mt_fini(&w);
}

TEST(data_chained_ccw_with_zero_count_is_a_program_check)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_WRITE, CCW_FLAG_CD, 3, A_DATA);
	mt_ccw(&w, 1, CCW_CMD_WRITE, 0, 0, A_DATA);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 16);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 0);
	mt_fini(&w);
}

TEST(tic_transfers_to_the_target_ccw)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, 1, CCW_CMD_TIC, 0, 0, A_CCW + 0x40);
	mt_ccw(&w, 8, CCW_CMD_NOOP, 0, 0, 0);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 0x48);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 2);
	mt_fini(&w);
}

TEST(tic_to_tic_is_a_program_check)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_TIC, 0, 0, A_CCW + 8);
	mt_ccw(&w, 1, CCW_CMD_TIC, 0, 0, A_CCW + 16);
	mt_ccw(&w, 2, CCW_CMD_NOOP, 0, 0, 0);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	CHECK(irb.scsw.ctrl & SCSW_STCTL_ALERT);
	mt_fini(&w);
}

TEST(format1_tic_with_flags_is_a_program_check)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_TIC, CCW_FLAG_CC, 0, A_CCW + 8);
	mt_ccw(&w, 1, CCW_CMD_NOOP, 0, 0, 0);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	mt_fini(&w);
}

TEST(invalid_command_code_is_a_program_check)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, 0x10, 0, 1, A_DATA);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 8);
	mt_fini(&w);
}

TEST(ccw_address_outside_storage_is_a_program_check)
{
	struct mt w;
	struct irb irb;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .lpm = 0xf0, .cpa = 0x7ffffff8};

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	mt_fini(&w);
}

TEST(unaligned_channel_program_address_is_a_program_check)
{
	struct mt w;
	struct irb irb;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .lpm = 0xf0, .cpa = A_CCW + 4};

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	mt_fini(&w);
}

TEST(data_address_outside_storage_is_a_program_check_and_the_device_never_sees_it)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_READ, 0, 4096, (16 << 20) - 100);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 0);
	mt_fini(&w);
}

TEST(format0_ccw_with_zero_count_is_a_program_check)
{
	struct mt w;
	struct irb irb;
	struct orb o = {.ctrl0 = 0, .lpm = 0xf0, .cpa = A_CCW};
	struct ccw1 c = {.cmd = CCW_CMD_NOOP, .count = 0};

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	ccw0_encode(&c, mt_mem(&w, A_CCW));
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	mt_fini(&w);
}

TEST(format2_idaws_scatter_a_read_across_4k_blocks)
{
	struct mt w;
	struct irb irb;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_C64, .lpm = 0xf0, .cpa = A_CCW};
	uint8_t *buf;

	mt_init(&w, 4, 0);
	buf = testdev_buf(w.dev, NULL);
	for (int i = 0; i < 4096; i++)
		buf[i] = (uint8_t)i;
	put_be64(mt_mem(&w, A_DATA), 0x10000 + 4000); /* first: 96 bytes to the boundary */
	put_be64(mt_mem(&w, A_DATA + 8), 0x20000);
	mt_ccw(&w, 0, CCW_CMD_READ, CCW_FLAG_IDA, 200, A_DATA);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_INCORR_LEN); /* device had 4096 bytes */
	CHECK_MEM(mt_mem(&w, 0x10000 + 4000), buf, 96);
	CHECK_MEM(mt_mem(&w, 0x20000), buf + 96, 104);
	mt_fini(&w);
}

TEST(idaw_after_the_first_not_on_a_block_boundary_is_a_program_check)
{
	struct mt w;
	struct irb irb;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_C64, .lpm = 0xf0, .cpa = A_CCW};

	mt_init(&w, 4, 0);
	put_be64(mt_mem(&w, A_DATA), 0x10000 + 4000);
	put_be64(mt_mem(&w, A_DATA + 8), 0x20010);
	mt_ccw(&w, 0, CCW_CMD_WRITE, CCW_FLAG_IDA, 200, A_DATA);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	mt_fini(&w);
}

TEST(format1_idaws_use_2k_blocks)
{
	struct mt w;
	struct irb irb;
	uint8_t *buf;

	mt_init(&w, 4, 0);
	for (int i = 0; i < 3000; i++)
		mt_mem(&w, 0x10000)[i] = (uint8_t)(i * 7);
	put_be32(mt_mem(&w, A_DATA), 0x10000);
	put_be32(mt_mem(&w, A_DATA + 4), 0x10800);
	mt_ccw(&w, 0, CCW_CMD_WRITE, CCW_FLAG_IDA, 3000, A_DATA);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, 0);
	buf = testdev_buf(w.dev, NULL);
	CHECK_MEM(buf, mt_mem(&w, 0x10000), 3000);
	mt_fini(&w);
}

TEST(short_transfer_without_sli_is_incorrect_length_with_residual)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_SENSE_ID, 0, 256, A_DATA);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_INCORR_LEN);
	CHECK_EQ(irb.scsw.count, 256 - 7);
	CHECK(irb.scsw.ctrl & SCSW_STCTL_ALERT);
	mt_fini(&w);
}

TEST(sli_suppresses_incorrect_length)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 256, A_DATA);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	mt_fini(&w);
}

TEST(incorrect_length_ends_command_chaining)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_SENSE_ID, CCW_FLAG_CC, 256, A_DATA);
	mt_ccw(&w, 1, CCW_CMD_NOOP, 0, 0, 0);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_INCORR_LEN);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 1);
	mt_fini(&w);
}

TEST(format1_immediate_command_with_count_is_il_unless_orb_l)
{
	struct mt w;
	struct irb irb;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .ctrl1 = ORB_CTRL1_ILS, .lpm = 0xf0, .cpa = A_CCW};

	mt_init(&w, 4, 0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 8, A_DATA);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_INCORR_LEN);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, 0);
	mt_fini(&w);
}

TEST(pci_gives_an_intermediate_interruption_and_the_program_goes_on)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_PCI, 0, 0);
	mt_ccw(&w, 1, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 500 * SIM_US);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PCI);
	CHECK_EQ(irb.scsw.ctrl & SCSW_STCTL_MASK, SCSW_STCTL_INTER | SCSW_STCTL_PEND);
	CHECK(irb.scsw.ctrl & SCSW_ACTL_SCH_ACT);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 2);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 2);
	mt_fini(&w);
}

TEST(pci_status_not_cleared_accumulates_into_the_final_status)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	machine_timing(w.m)->interrupt = 100 * SIM_US; /* still queued at the end */
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_PCI, 0, 0);
	mt_ccw(&w, 1, CCW_CMD_NOOP, 0, 0, 0);
	run_program(&w, &irb);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PCI);
	CHECK_EQ(irb.scsw.ctrl & SCSW_STCTL_MASK,
		 SCSW_STCTL_INTER | SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND);
	mt_fini(&w);
}

TEST(unit_check_ends_the_program_with_alert_status)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	testdev_fail_next(w.dev, 0x10);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, 1, CCW_CMD_NOOP, 0, 0, 0);
	run_program(&w, &irb);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK);
	CHECK_EQ(irb.scsw.ctrl, 0x4017);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 8);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 1);
	/* basic sense gets the sense bytes */
	mt_ccw(&w, 0, CCW_CMD_BASIC_SENSE, 0, 32, A_DATA);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(mt_mem(&w, A_DATA)[0], 0x10);
	mt_fini(&w);
}

TEST(concurrent_sense_stores_sense_in_the_ecw_when_pmcw_s_is_set)
{
	struct mt w;
	struct irb irb;
	struct schib sb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	sb.pmcw.chars |= PMCW_CHARS_CSENSE;
	CHECK_EQ(mt_msch(&w, SCH0, &sb), 0);
	testdev_fail_next(w.dev, 0x42);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK(irb.scsw.flags & SCSW_FLAGS_ECTL);
	CHECK(irb.esw[1] & ERW_S);
	CHECK_EQ((irb.esw[1] & ERW_SCNT) >> ERW_SCNT_SHIFT, 32);
	CHECK_EQ(irb.ecw[0], 0x42);
	mt_fini(&w);
}

TEST(initial_status_interruption_with_orb_i)
{
	struct mt w;
	struct irb irb;
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_ISIC, .lpm = 0xf0, .cpa = A_CCW};

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	sim_run_to(w.sim, 500 * SIM_US);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK(irb.scsw.flags & SCSW_FLAGS_ZCC);
	CHECK_EQ(irb.scsw.ctrl & SCSW_STCTL_MASK, SCSW_STCTL_INTER | SCSW_STCTL_PEND);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	mt_fini(&w);
}
