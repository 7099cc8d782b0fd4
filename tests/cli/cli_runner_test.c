/* The scenario runner on a real world: output placement, the hmc node, and
 * the guards that keep a command from hanging chpsync. */
#include <stdlib.h>

#include "cli/runner.h"
#include "user/node.h"
#include "t.h"

struct out {
	char *text;
	char *err;
	int rc;
};

/* Run scenario text; transcript and error messages into strings. */
static struct out run_text(const char *text)
{
	struct out o = {0};
	struct scenario s;
	size_t len = 0, elen = 0;
	char err[256];
	FILE *f, *ef;
	struct run_opts ro = {0};

	if (scenario_parse(&s, "t.scenario", text, err, sizeof(err)) < 0) {
		o.rc = -2;
		o.err = strdup(err);
		return o;
	}
	f = open_memstream(&o.text, &len);
	ef = open_memstream(&o.err, &elen);
	ro.err = ef;
	o.rc = run_scenario(&s, &ro, f);
	fclose(f);
	fclose(ef);
	scenario_free(&s);
	return o;
}

static void out_free(struct out *o)
{
	free(o->text);
	free(o->err);
}

TEST(cli_run_reproduces_comments_and_prompts)
{
	struct out o = run_text("# hello\n\n[root@hmc ~]# echo one\nwrong\n# two\n"
				"[root@host ~]#   echo two  \n");

	CHECK_EQ(o.rc, 0);
	CHECK_STR(o.text, "# hello\n\n[root@hmc ~]# echo one\none\n# two\n"
			  "[root@host ~]#   echo two  \ntwo\n");
	CHECK_STR(o.err, "");
	out_free(&o);
}

TEST(cli_run_unknown_node_is_a_located_error)
{
	struct out o =
		run_text("[root@hmc ~]# echo a\n[root@nosuch ~]# ls\n[root@hmc ~]# echo b\n");

	CHECK_EQ(o.rc, -1);
	CHECK_STR(o.text, "[root@hmc ~]# echo a\na\n[root@nosuch ~]# ls\n");
	CHECK_STR(o.err, "chpsync: t.scenario:2: no node 'nosuch' (nodes: host, hmc, and each "
			 "guest by its -name)\n");
	out_free(&o);
}

TEST(cli_run_timeout_caps_simulated_time)
{
	/* (the sleep ends during clean-up, 1.5 h in) */
	struct out o = run_text("#! timeout 1h\n[root@hmc ~]# sleep 5400\n[root@hmc ~]# echo no\n");

	CHECK_EQ(o.rc, -1);
	CHECK_STR(o.err, "chpsync: t.scenario:2: command did not complete within 1h of simulated "
			 "time\n");
	CHECK(strstr(o.text, "echo no") == NULL);
	out_free(&o);
}

TEST(cli_run_sleep_within_timeout_passes)
{
	struct out o = run_text("#! timeout 2h\n[root@hmc ~]# sleep 3600; echo woke\n");

	CHECK_EQ(o.rc, 0);
	CHECK_STR(o.text, "#! timeout 2h\n[root@hmc ~]# sleep 3600; echo woke\nwoke\n");
	out_free(&o);
}

TEST(cli_run_output_without_newline_gets_one)
{
	struct out o = run_text("[root@hmc ~]# echo -n x\n[root@hmc ~]# echo y\n");

	CHECK_EQ(o.rc, 0);
	CHECK_STR(o.text, "[root@hmc ~]# echo -n x\nx\n[root@hmc ~]# echo y\ny\n");
	out_free(&o);
}

TEST(cli_hmc_chp_errors)
{
	struct out o = run_text("[root@hmc ~]# chp fail zz\n[root@hmc ~]# chp frob 42\n"
				"[root@hmc ~]# chp fail\n[root@hmc ~]# chp fail 1.42\n"
				"[root@hmc ~]# status extra\n[root@hmc ~]# chp repair 42\n"
				"[root@hmc ~]# chp fail 42; chp fail 42\n"
				"[root@hmc ~]# chp configure 43\n"
				"[root@hmc ~]# chp deconfigure 43; chp deconfigure 43\n");

	CHECK_EQ(o.rc, 0);
	/* An action on a path already in that state says so (not "Operation
	 * already in progress"). */
	CHECK(strstr(o.text, "chp: 0.42: the link is up: nothing to repair\n") != NULL);
	CHECK(strstr(o.text, "chp: 0.42: the link has already failed\n") != NULL);
	CHECK(strstr(o.text, "chp: 0.43: the channel path is already configured\n") != NULL);
	CHECK(strstr(o.text, "chp: 0.43: the channel path is already in standby\n") != NULL);
	CHECK(strstr(o.text, "already in progress") == NULL);
	CHECK(strstr(o.text, "chp: 'zz' is not a CHPID (e.g. 0.42 or 42)\n") != NULL);
	CHECK(strstr(o.text, "chp: unknown action 'frob'\n") != NULL);
	CHECK(strstr(o.text, "chp: expected an action and a CHPID\n") != NULL);
	CHECK(strstr(o.text, "chp: 1.42: the machine has only channel subsystem 0\n") != NULL);
	CHECK(strstr(o.text, "status: no arguments expected\n") != NULL);
	out_free(&o);
}

TEST(cli_hmc_activate_missing_deck)
{
	struct out o = run_text("[root@hmc ~]# activate /nonexistent/x.iocp\n");

	CHECK_EQ(o.rc, 0);
	CHECK(strstr(o.text, "activate: /nonexistent/x.iocp") != NULL);
	out_free(&o);
}

TEST(cli_hmc_chp_fail_and_repair)
{
	struct out o = run_text("[root@hmc ~]# chp fail 0.42\n[root@hmc ~]# chp repair 42\n"
				"[root@hmc ~]# chp fail 0.99\n");

	CHECK_EQ(o.rc, 0);
	CHECK(strstr(o.text, "chp fail 0.42\nChannel path 0.42 link failed.\n") != NULL);
	CHECK(strstr(o.text, "chp repair 42\nChannel path 0.42 link repaired.\n") != NULL);
	CHECK(strstr(o.text, "chp fail 0.99\nchp: 0.99: ") != NULL);
	out_free(&o);
}

/* ---- the guards, with programs that misbehave on purpose ---- */

static struct sim_waitq never = SIM_WAITQ_INIT;

static int block_main(struct proc *p, void *ctx, int argc, char **argv)
{
	sim_wait(proc_sim(p), &never);
	return 0;
}

static void late_write(void *arg)
{
	node_write(arg, "late\n", 5);
}

/* Prints a console line 10 s later, from an event, like a kernel message. */
static int later_main(struct proc *p, void *ctx, int argc, char **argv)
{
	sim_at(proc_sim(p), 10 * SIM_S, late_write, proc_node(p));
	return 0;
}

/* An event that re-arms itself after `arg` ns: busy for ever. */
static void spin(void *arg);
static struct sim *spin_sim;
static void spin(void *arg)
{
	sim_at(spin_sim, (sim_time_t)(uintptr_t)arg, spin, arg);
}

static int spin_main(struct proc *p, void *ctx, int argc, char **argv)
{
	spin_sim = proc_sim(p);
	sim_at(spin_sim, 0, spin, ctx);
	sim_wait(proc_sim(p), &never);
	return 0;
}

static void world(struct run_world *rw)
{
	struct run_opts ro = {.err = stderr};
	char err[256];

	CHECK_EQ(run_world_create(rw, &ro, 1, false, NULL, "", err, sizeof(err)), 0);
	node_add_prog(rw->hmc_node, "block", block_main, NULL);
	node_add_prog(rw->hmc_node, "later", later_main, NULL);
	node_add_prog(rw->hmc_node, "spin0", spin_main, (void *)(uintptr_t)0);
	node_add_prog(rw->hmc_node, "spin1", spin_main, (void *)(uintptr_t)1);
}

TEST(cli_run_livelock_at_one_instant_is_stopped)
{
	struct run_world rw;
	char *out;

	world(&rw);
	rw.max_events_still = 1000;
	CHECK_EQ(run_command(&rw, "hmc", "spin0", &out), RUN_LIVELOCK);
	free(out);
	sim_wake(rw.sim, &never);
	run_world_destroy(&rw);
}

TEST(cli_run_livelock_over_time_is_stopped)
{
	struct run_world rw;
	char *out;
	sim_time_t t0;

	world(&rw);
	rw.livelock_window = 5000;
	t0 = sim_now(rw.sim);
	CHECK_EQ(run_command(&rw, "hmc", "spin1", &out), RUN_LIVELOCK);
	/* the clock moved (1 ns per event), too slowly: stopped by the
	 * window rule */
	CHECK(sim_now(rw.sim) > t0);
	free(out);
	sim_wake(rw.sim, &never);
	run_world_destroy(&rw);
}

TEST(cli_run_deadlock_is_detected)
{
	struct run_world rw;
	char *out;

	world(&rw);
	CHECK_EQ(run_command(&rw, "hmc", "echo before; block", &out), RUN_DEADLOCK);
	CHECK_STR(out, "before\n");
	free(out);
	CHECK_EQ(rw.nstuck, 1);
	/* released when the world goes: let it end then */
	sim_wake(rw.sim, &never);
	run_world_destroy(&rw);
}

TEST(cli_run_console_output_waits_for_its_node)
{
	struct run_world rw;
	char *out;

	world(&rw);
	CHECK_EQ(run_command(&rw, "hmc", "later", &out), RUN_OK);
	CHECK_STR(out, "");
	free(out);
	CHECK_EQ(run_command(&rw, "host", "sleep 20", &out), RUN_OK);
	CHECK_STR(out, "");
	free(out);
	/* the line came while the host was busy: it shows at the next hmc prompt */
	CHECK_EQ(run_command(&rw, "hmc", "", &out), RUN_OK);
	CHECK_STR(out, "late\n");
	free(out);
	run_world_destroy(&rw);
}

TEST(cli_run_world_bad_deck)
{
	struct run_world rw;
	struct run_opts ro = {.err = stderr};
	char err[256], path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.iocp", t_tmpdir());
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("FROBNICATE ALL=YES\n", f);
	fclose(f);
	CHECK_EQ(run_world_create(&rw, &ro, 1, false, path, "", err, sizeof(err)), -1);
	CHECK(strstr(err, "bad.iocp:1") != NULL);
}

TEST(cli_hmc_activate_adds_to_the_machine)
{
	char path[512], text[1200];
	struct out o;
	FILE *f;

	snprintf(path, sizeof(path), "%s/add.iocp", t_tmpdir());
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("CHPID    PATH=(CSS(0),50),SHARED,TYPE=FC\n", f);
	fclose(f);
	snprintf(text, sizeof(text), "[root@hmc ~]# activate %s\n[root@hmc ~]# status\n", path);
	o = run_text(text);
	CHECK_EQ(o.rc, 0);
	snprintf(text, sizeof(text), "activate %s\nActivate %s... done.\n", path, path);
	CHECK(strstr(o.text, text) != NULL);
	CHECK(strstr(o.text, "\n0.50 ") != NULL);
	out_free(&o);
}

/* An SE-initiated deconfigure reaches the host the architected way (a CRW,
 * a few microseconds later). */
TEST(cli_hmc_chp_deconfigure_reaches_the_host)
{
	struct out o =
		run_text("[root@hmc ~]# chp deconfigure 0.42\n"
			 "[root@host ~]# sleep 0.001; cat /sys/devices/css0/0.0.013f/pimpampom\n"
			 "[root@hmc ~]# chp configure 0.42\n"
			 "[root@host ~]# sleep 0.001; cat /sys/devices/css0/0.0.013f/pimpampom\n");

	CHECK_EQ(o.rc, 0);
	CHECK_STR(
		o.text,
		"[root@hmc ~]# chp deconfigure 0.42\nChannel path 0.42 deconfigured.\n"
		"[root@host ~]# sleep 0.001; cat /sys/devices/css0/0.0.013f/pimpampom\nf0 70 ff\n"
		"[root@hmc ~]# chp configure 0.42\nChannel path 0.42 configured.\n"
		"[root@host ~]# sleep 0.001; cat /sys/devices/css0/0.0.013f/pimpampom\nf0 f0 ff\n");
	out_free(&o);
}

/* '#! debug' puts the kernel's debug-only lines (here cio's channel-path
 * events) into every OS's dmesg; without it they are left out, as Linux
 * does by default. */
TEST(cli_debug_directive_logs_debug_only_kernel_lines)
{
	static const char cmds[] = "[root@host ~]# chchp -c 0 42\n"
				   "[root@host ~]# dmesg | grep -c 'cio: chpid 0.42'\n";
	struct out plain = run_text(cmds);
	struct out dbg = run_text("#! debug\n[root@host ~]# chchp -c 0 42\n"
				  "[root@host ~]# dmesg | grep -c 'cio: chpid 0.42'\n");

	CHECK_EQ(plain.rc, 0);
	CHECK(strstr(plain.text, "'cio: chpid 0.42'\n0\n") != NULL);
	CHECK_EQ(dbg.rc, 0);
	CHECK(strstr(dbg.text, "'cio: chpid 0.42'\n2\n") != NULL);
	out_free(&plain);
	out_free(&dbg);
}

/* Think time: a command starts rw->think after its prompt (the world runs
 * on meanwhile); a world made by run_world_create alone has none. */
TEST(cli_think_time_passes_before_each_command)
{
	struct run_world rw;
	char *out;
	sim_time_t t0;

	world(&rw);
	CHECK_EQ(rw.think, 0);
	t0 = sim_now(rw.sim);
	CHECK_EQ(run_command(&rw, "hmc", "true", &out), RUN_OK);
	free(out);
	CHECK_EQ(sim_now(rw.sim), t0);
	rw.think = 2 * SIM_S;
	CHECK_EQ(run_command(&rw, "hmc", "true", &out), RUN_OK);
	free(out);
	CHECK_EQ(sim_now(rw.sim), t0 + 2 * SIM_S);
	/* An empty command is a prompt too. */
	CHECK_EQ(run_command(&rw, "hmc", "", &out), RUN_OK);
	free(out);
	CHECK_EQ(sim_now(rw.sim), t0 + 4 * SIM_S);
	run_world_destroy(&rw);
}

/* run_scenario: 2 s by default, '#! think' from its line on, --think over
 * every '#! think'; lschp's meta time shows the clock (whole seconds). */
TEST(cli_run_think_default_directive_and_option)
{
	static const char text[] = "[root@host ~]# lschp --format pairs | grep time_epoch\n"
				   "[root@host ~]# lschp --format pairs | grep time_epoch\n"
				   "#! think 0\n"
				   "[root@host ~]# lschp --format pairs | grep time_epoch\n"
				   "#! think 10s\n"
				   "[root@host ~]# lschp --format pairs | grep time_epoch\n";
	struct out o = run_text(text);
	struct scenario s;
	struct run_opts ro = {.err = stderr, .think_set = true, .think = 5 * SIM_S};
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_EQ(o.rc, 0);
	/* The host is up at 2.0 s; + 2 s, + 2 s, + 0, + 10 s. */
	CHECK_STR(o.text, "[root@host ~]# lschp --format pairs | grep time_epoch\n"
			  "meta.time_epoch=4\n"
			  "[root@host ~]# lschp --format pairs | grep time_epoch\n"
			  "meta.time_epoch=6\n"
			  "#! think 0\n"
			  "[root@host ~]# lschp --format pairs | grep time_epoch\n"
			  "meta.time_epoch=6\n"
			  "#! think 10s\n"
			  "[root@host ~]# lschp --format pairs | grep time_epoch\n"
			  "meta.time_epoch=16\n");
	out_free(&o);
	CHECK_EQ(scenario_parse(&s, "t.scenario", text, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	CHECK_EQ(run_scenario(&s, &ro, f), 0);
	fclose(f);
	CHECK(strstr(buf, "meta.time_epoch=7\n") && strstr(buf, "meta.time_epoch=12\n") &&
	      strstr(buf, "meta.time_epoch=17\n") && strstr(buf, "meta.time_epoch=22\n"));
	free(buf);
	scenario_free(&s);
}

/* '#! timing zero' (or --timing zero) gives the zero-latency machine: a
 * 4 KB direct read takes microseconds instead of the FICON model's 90. */
TEST(cli_run_timing_directive_selects_the_machine_model)
{
	static const char ficon[] = "[root@host ~]# chccwdev -e 3f3f >/dev/null; dd "
				    "if=/dev/dasda of=/dev/null bs=4k count=100 iflag=direct "
				    "2>&1 | tail -n 1\n";
	char zero[512];
	struct out a, b;

	snprintf(zero, sizeof(zero), "#! timing zero\n%s", ficon);
	a = run_text(ficon);
	b = run_text(zero);
	CHECK_EQ(a.rc, 0);
	CHECK_EQ(b.rc, 0);
	CHECK(strstr(a.text, "copied, 0.00900262 s, 45 MB/s\n") != NULL);
	CHECK(strstr(b.text, "copied, 0.0012818 s, 320 MB/s\n") != NULL);
	out_free(&a);
	out_free(&b);
}

/* Linux's "Adding to iommu group N" names the group: the lowest free id
 * (ida), given back when the mdev is removed. */
TEST(cli_mdev_iommu_group_message_names_the_group)
{
	struct out o = run_text(
		"#! iocp tests/scenarios/recover.iocp\n"
		"#! think 0\n"
		"[root@host ~]# driverctl -b css set-override 0.0.013f vfio_ccw; driverctl -b css "
		"set-override 0.0.0140 vfio_ccw\n"
		"[root@host ~]# mdevctl start -u 11111111-0000-4000-8000-00000000013f -p 0.0.013f -t "
		"vfio_ccw-io; mdevctl start -u 11111111-0000-4000-8000-000000000140 -p 0.0.0140 -t "
		"vfio_ccw-io\n"
		"[root@host ~]# mdevctl stop -u 11111111-0000-4000-8000-00000000013f; mdevctl start "
		"-u 22222222-0000-4000-8000-00000000013f -p 0.0.013f -t vfio_ccw-io\n"
		"[root@host ~]# dmesg | grep -o 'vfio_mdev.*iommu group.*'\n");

	CHECK_EQ(o.rc, 0);
	CHECK(strstr(o.text,
		     "vfio_mdev 11111111-0000-4000-8000-00000000013f: Adding to iommu group 0\n"
		     "vfio_mdev 11111111-0000-4000-8000-000000000140: Adding to iommu group 1\n"
		     "vfio_mdev 11111111-0000-4000-8000-00000000013f: Removing from iommu group 0\n"
		     "vfio_mdev 22222222-0000-4000-8000-00000000013f: Adding to iommu group 0\n") !=
	      NULL);
	out_free(&o);
}

/* Linux's dasd devmap keeps a bus ID's device index for the life of the
 * kernel: a DASD unbound and bound again comes back under its old name
 * (dasda, 94:0), and a device seen for the first time gets the next index. */
TEST(cli_dasd_keeps_its_name_across_unbind_and_rebind)
{
	struct out o = run_text(
		"#! iocp tests/scenarios/recover.iocp\n"
		"[root@host ~]# chccwdev -e 0.0.3f3f,0.0.3f40 >/dev/null\n"
		"[root@host ~]# echo 0.0.013f > /sys/bus/css/drivers/io_subchannel/unbind; "
		"echo 0.0.013f > /sys/bus/css/drivers_probe\n"
		"[root@host ~]# chccwdev -e 0.0.3f3f >/dev/null; chccwdev -e 0.0.3f41 >/dev/null\n"
		"[root@host ~]# lsdasd\n");

	CHECK_EQ(o.rc, 0);
	CHECK(strstr(o.text, "0.0.3f3f  active    dasda     94:0    ECKD ") != NULL);
	CHECK(strstr(o.text, "0.0.3f40  active    dasdb     94:4    ECKD ") != NULL);
	CHECK(strstr(o.text, "0.0.3f41  active    dasdc     94:8    ECKD ") != NULL);
	out_free(&o);
	/* Setting a feature of an offline device gives its bus ID an index
	 * too (Linux's dasd_set_feature makes the devmap entry). */
	o = run_text("#! iocp tests/scenarios/recover.iocp\n"
		     "[root@host ~]# echo 0 > /sys/bus/ccw/devices/0.0.3f41/erplog\n"
		     "[root@host ~]# chccwdev -e 0.0.3f3f,0.0.3f41 >/dev/null\n"
		     "[root@host ~]# lsdasd\n");
	CHECK_EQ(o.rc, 0);
	CHECK(strstr(o.text, "0.0.3f3f  active    dasdb     94:4    ECKD ") != NULL);
	CHECK(strstr(o.text, "0.0.3f41  active    dasda     94:0    ECKD ") != NULL);
	out_free(&o);
}
