/* Path management (reference §8) and CHPID events. */
#include "machine/machine_priv.h"
#include "mt.h"

TEST(path_selection_uses_only_paths_in_the_lpm)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0x20), 0);
	sim_run(w.sim);
	CHECK_EQ(testdev_stats(w.dev)->last_path, 0x44);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb_esw_lpum(&irb), 0x20);
	mt_fini(&w);
}

TEST(path_selection_skips_a_path_whose_pam_bit_is_off)
{
	struct mt w;
	struct irb irb;
	struct schib sb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(machine_chp_configure(w.m, 0x42, false), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(testdev_stats(w.dev)->last_path, 0x43);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.flags & SCSW_FLAGS_PNO, 0);
	mt_fini(&w);
}

TEST(failure_of_the_only_path_gives_deferred_cc3_with_pnom)
{
	struct mt w;
	struct irb irb;
	struct schib sb;

	mt_init(&w, 1, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0x80), 0); /* PAM still has the path */
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(scsw_cc(&irb.scsw), 3);
	CHECK(irb.scsw.flags & SCSW_FLAGS_PNO);
	CHECK_EQ(irb.scsw.ctrl, SCSW_FCTL_START | SCSW_STCTL_ALERT | SCSW_STCTL_PEND);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pnom, 0x80);
	CHECK_EQ(sb.pmcw.pom, 0x7f);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 0);
	mt_fini(&w);
}

TEST(failure_of_one_of_four_paths_completes_on_another_with_pno)
{
	struct mt w;
	struct irb irb;
	struct schib sb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(scsw_cc(&irb.scsw), 0);
	CHECK(irb.scsw.flags & SCSW_FLAGS_PNO);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(irb_esw_lpum(&irb), 0x40);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pnom, 0x80);
	CHECK_EQ(sb.pmcw.pom, 0x7f);
	CHECK_EQ(sb.pmcw.lpum, 0x40);
	/* Next start: the path with POM off is not tried first. */
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.flags & SCSW_FLAGS_PNO, 0);
	mt_fini(&w);
}

TEST(device_not_operational_on_a_path_clears_its_pom_bit)
{
	struct mt w;
	struct irb irb;
	struct schib sb;

	mt_init(&w, 2, 0);
	mt_enable(&w, SCH0);
	testdev_set_path_notoper(w.dev, 0x42, true);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xc0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(testdev_stats(w.dev)->last_path, 0x43);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pom, 0x7f);
	mt_fini(&w);
}

TEST(a_repaired_path_comes_back_into_pom_when_it_is_the_only_choice)
{
	struct mt w;
	struct irb irb;
	struct schib sb;

	mt_init(&w, 2, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xc0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(machine_chp_repair(w.m, 0x42), 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0x80), 0); /* single-path LPM, as path verification does */
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(scsw_cc(&irb.scsw), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pom, 0xff);
	mt_fini(&w);
}

TEST(all_paths_not_operational_device_gives_deferred_cc3)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(machine_device_notoper(w.m, 0, 0, true), 0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(scsw_cc(&irb.scsw), 3);
	CHECK_EQ(mt_stsch(&w, SCH0, NULL), 0);
	CHECK_EQ(mt_mem(&w, A_SCHIB)[9], 0xf0); /* PNOM */
	mt_fini(&w);
}

TEST(a_path_failing_under_a_running_program_ends_it_with_ifcc)
{
	struct mt w;
	struct irb irb;
	int cc;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, 1, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 500 * SIM_US);
	CHECK_EQ(testdev_stats(w.dev)->last_path, 0x42);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_INTF_CTRL_CHK);
	CHECK(irb.scsw.flags & SCSW_FLAGS_ESWF);
	CHECK(irb.scsw.ctrl & SCSW_STCTL_ALERT);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 8);
	CHECK_EQ(irb_esw_lpum(&irb), 0x80);
	CHECK(irb.esw[0] & ESW0_SUBLOG_FVF_LPUM);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 1);
	CHECK_EQ(testdev_stats(w.dev)->ends, 1);
	CHECK_EQ(w.nmchk, 1);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04060042);
	CHECK_EQ(cc, 0);
	mt_fini(&w);
}

TEST(a_path_failing_does_not_touch_programs_on_other_paths)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0x40), 0);
	sim_run_to(w.sim, 500 * SIM_US);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	mt_fini(&w);
}

TEST(deconfigure_under_a_running_program_ends_it_with_ifcc_and_clears_pam)
{
	struct mt w;
	struct irb irb;
	struct schib sb;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run_to(w.sim, 500 * SIM_US);
	CHECK_EQ(machine_chp_configure(w.m, 0x42, false), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_INTF_CTRL_CHK);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	mt_fini(&w);
}

TEST(chpid_event_visits_only_the_subchannels_that_use_it)
{
	struct mt w;
	uint8_t a = 0x44, b = 0x45;

	mt_init(&w, 0, 0);
	for (int i = 0; i < 100; i++)
		CHECK(machine_add_device(w.m, 0, -1, (uint16_t)i, &a, 1, NULL) >= 0);
	for (int i = 0; i < 3; i++)
		CHECK(machine_add_device(w.m, 1, -1, (uint16_t)i, &b, 1, NULL) >= 0);
	CHECK_EQ(machine_chp_configure(w.m, 0x45, false), 0);
	CHECK_EQ(machine_stats(w.m)->chp_event_sch_visits, 3);
	CHECK_EQ(machine_chp_configure(w.m, 0x44, false), 0);
	CHECK_EQ(machine_stats(w.m)->chp_event_sch_visits, 103);
	CHECK_EQ(machine_chp_configure(w.m, 0x42, false), 0);
	CHECK_EQ(machine_stats(w.m)->chp_event_sch_visits, 103);
	mt_fini(&w);
}

TEST(hmc_actions_on_undefined_or_unchanged_chpids_are_refused)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(machine_chp_fail(w.m, 0x99), -ENOENT);
	CHECK_EQ(machine_chp_repair(w.m, 0x42), -EALREADY);
	CHECK_EQ(machine_chp_configure(w.m, 0x42, true), -EALREADY);
	CHECK_EQ(machine_chp_configure(w.m, 0x10, false), -ENOENT);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), -EALREADY);
	CHECK_EQ(machine_add_chpid(w.m, 0x42, 0x1b, false), -EEXIST);
	mt_fini(&w);
}

TEST(add_device_checks_its_arguments)
{
	struct mt w;
	uint8_t c = 0x42, bad = 0x77;

	mt_init(&w, 4, 0);
	CHECK_EQ(machine_add_device(w.m, 4, -1, 1, &c, 1, NULL), -EINVAL);
	CHECK_EQ(machine_add_device(w.m, 0, -1, 1, &c, 0, NULL), -EINVAL);
	CHECK_EQ(machine_add_device(w.m, 0, -1, 1, &bad, 1, NULL), -ENODEV);
	CHECK_EQ(machine_add_device(w.m, 0, 0, 1, &c, 1, NULL), -EEXIST);
	CHECK_EQ(machine_add_device(w.m, 0, -1, 1, &c, 1, NULL), 1);
	CHECK_EQ(machine_add_device(w.m, 3, 0xffff, 1, &c, 1, NULL), 0xffff);
	CHECK_EQ(machine_add_device(w.m, 3, -1, 2, &c, 1, NULL), -ENOSPC);
	mt_fini(&w);
}

TEST(status_lists_chpids_and_subchannels)
{
	struct mt w;
	char *s;

	mt_init(&w, 4, 0);
	CHECK_EQ(machine_chp_fail(w.m, 0x43), 0);
	s = machine_status(w.m);
	CHECK(s != NULL);
	CHECK(strstr(s, "0.42   1b    configured      up") != NULL);
	CHECK(strstr(s, "0.43   1b    configured      failed") != NULL);
	CHECK(strstr(s, "0.0.0000  0.0.1234") != NULL);
	free(s);
	mt_fini(&w);
}

static bool traced(struct sim *sim, const char *what)
{
	for (size_t i = 0; i < sim_trace_count(sim); i++)
		if (strstr(sim_trace_line(sim, i), what))
			return true;
	return false;
}

TEST(chpid_events_and_their_crws_are_traced)
{
	struct mt w;

	mt_init(&w, 4, 0);
	testdev_set_latency(w.dev, SIM_MS);
	mt_enable(&w, SCH0);
	mt_ccw(&w, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0x80), 0);
	sim_run_to(w.sim, 500 * SIM_US);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	CHECK(traced(w.sim, "machine: chp 0.42 link failed (1 subchannels)"));
	CHECK(traced(w.sim, "machine: sch 0.0.0000: channel program on chpid 0.42 ended: IFCC"));
	CHECK(traced(w.sim, "machine: CRW 04060042 queued"));
	mt_fini(&w);
}
