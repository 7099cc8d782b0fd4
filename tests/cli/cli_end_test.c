/* Issue 8.2: no command hangs chpsync, a run ends cleanly whatever still
 * waits, Ctrl-C interrupts the foreground command (not the world), inputs
 * are capped, and the guards tell a long command from a stuck one. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/runner.h"
#include "user/node.h"
#include "t.h"

static void world(struct run_world *rw)
{
	struct run_opts ro = {.err = stderr};
	char err[256];

	CHECK_EQ(run_world_create(rw, &ro, 1, false, NULL, "", err, sizeof(err)), 0);
}

static enum run_result cmd(struct run_world *rw, const char *node, const char *line, char **out)
{
	return run_command(rw, node, line, out);
}

/* Run a line and expect its output. */
static void expect(struct run_world *rw, const char *node, const char *line, const char *want)
{
	char *out = NULL;

	CHECK_EQ(cmd(rw, node, line, &out), RUN_OK);
	CHECK_STR(out, want);
	free(out);
}

/* ---- the end of a run ---- */

/* A background pipeline whose stages have not run yet when the run ends:
 * its tasks wait on pipes and process queues of the world (ASan saw a use
 * after free in the scheduler's clean-up). */
TEST(end_of_run_with_a_background_pipeline_left)
{
	struct run_world rw;

	world(&rw);
	expect(&rw, "host", "echo x | bar &", "");
	/* the job runs on while the next command does */
	expect(&rw, "host", "echo hi", "-bash: bar: command not found\nhi\n");
	CHECK_EQ(run_world_destroy(&rw), 0);
}

/* Whatever still waits at the end ends with the run: background sleeps and
 * pipelines, a foreground command past the time limit, a pipe writer whose
 * reader never reads, a command waiting for a device with no path. */
TEST(end_of_run_ends_every_process_whatever_it_waits_for)
{
	struct run_world rw;
	char *out = NULL;

	world(&rw);
	expect(&rw, "host", "sleep 100 &", "");
	expect(&rw, "host", "cat /dev/zero | sleep 1000 &", "");
	expect(&rw, "hmc", "sleep 200 & sleep 300 &", "");
	rw.timeout = 10 * SIM_S;
	CHECK_EQ(cmd(&rw, "host", "sleep 100000", &out), RUN_TIMEOUT);
	free(out);
	CHECK_EQ(run_world_destroy(&rw), 0);

	/* I/O that waits for a path that is not coming (Linux waits too). */
	world(&rw);
	CHECK_EQ(cmd(&rw, "host", "chccwdev -e 3f3f; chchp -c 0 42-45", &out), RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "host", "dd if=/dev/dasda of=/dev/null bs=4k count=1 iflag=direct &",
		     &out),
		 RUN_OK);
	free(out);
	rw.timeout = 10 * SIM_S;
	CHECK_EQ(cmd(&rw, "host", "dd if=/dev/dasda of=/dev/null bs=4k count=1 iflag=direct", &out),
		 RUN_TIMEOUT);
	free(out);
	CHECK_EQ(run_world_destroy(&rw), 0);
}

/* A guest command left waiting for its device (all host paths gone), a
 * guest pipeline and the VM itself: all end with the run. */
TEST(end_of_run_with_a_guest_command_left_waiting)
{
	struct run_world rw;
	char *out = NULL;

	world(&rw);
	CHECK_EQ(cmd(&rw, "host",
		     "driverctl -b css set-override 0.0.013f vfio_ccw; mdevctl start -u "
		     "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920 -p 0.0.013f -t vfio_ccw-io; "
		     "qemu-system-s390x -name guest -device vfio-ccw,sysfsdev=/sys/bus/mdev/"
		     "devices/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920,devno=0.0.3f3f -daemonize",
		     &out),
		 RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "guest", "chccwdev -e 3f3f", &out), RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "host", "chchp -c 0 42-45", &out), RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "guest", "dd if=/dev/dasda of=/dev/null bs=4k count=1 iflag=direct &",
		     &out),
		 RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "guest", "echo x | bar &", &out), RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "guest", "sleep 1", &out), RUN_OK);
	free(out);
	CHECK_EQ(run_world_destroy(&rw), 0);
}

/* A guest whose VM is killed (pkill) while its dd waits for a read in
 * flight: the guest is gone, and so are its processes - at once, not at
 * the end of the run (where they could not be ended at all: the read's
 * interruption never comes from a stopped VM). */
TEST(killed_guest_takes_its_processes_and_its_io_in_flight)
{
	struct run_world rw;
	char *out = NULL;

	world(&rw);
	CHECK_EQ(cmd(&rw, "host",
		     "driverctl -b css set-override 0.0.013f vfio_ccw; mdevctl start -u "
		     "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920 -p 0.0.013f -t vfio_ccw-io; "
		     "qemu-system-s390x -name guest -device vfio-ccw,sysfsdev=/sys/bus/mdev/"
		     "devices/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920,devno=0.0.3f3f -daemonize",
		     &out),
		 RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "guest", "chccwdev -e 3f3f", &out), RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "guest",
		     "dd if=/dev/dasda of=/dev/null bs=1M count=64 iflag=direct && echo done &",
		     &out),
		 RUN_OK);
	free(out);
	CHECK_EQ(cmd(&rw, "host", "sleep 0.01; pkill -f 'name guest '; sleep 1", &out), RUN_OK);
	free(out);
	CHECK_EQ(world_live_procs(rw.world), 0);
	CHECK_EQ(run_world_destroy(&rw), 0);
}

/* A host read of the whole volume cut off by the events cap (the fuzz
 * targets' run_opts.max_events) with its I/O in flight: the run still ends
 * cleanly (found by fuzzing: the host's teardown read the machine's freed
 * CSS; tests/fuzz/corpus/shell/regress-host-command-stuck-at-end). */
TEST(end_of_run_with_a_host_read_cut_off_by_the_event_cap)
{
	struct run_world rw;
	char *out = NULL;

	world(&rw);
	CHECK_EQ(cmd(&rw, "host", "chccwdev -e 3f3f", &out), RUN_OK);
	free(out);
	rw.max_events = 20000;
	CHECK_EQ(cmd(&rw, "host", "dd if=/dev/dasda of=/dev/null bs=4", &out), RUN_LIVELOCK);
	free(out);
	CHECK_EQ(run_world_destroy(&rw), 0);
}

/* ---- endless commands and the time limit ---- */

TEST(endless_commands_are_stopped_by_the_time_limit)
{
	static const char *const lines[] = {
		"dd if=/dev/zero of=/dev/null",	   "dd if=/dev/zero of=/dev/null bs=1M",
		"cat /dev/zero > /dev/null",	   "md5sum /dev/zero",
		"cat /dev/zero | md5sum",	   "dd if=/dev/urandom of=/dev/null bs=64k",
		"cat /dev/zero | cat > /dev/null",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct run_world rw;
		char *out = NULL;
		sim_time_t t0;

		world(&rw);
		rw.timeout = 2 * SIM_S;
		t0 = sim_now(rw.sim);
		if (cmd(&rw, "host", lines[i], &out) != RUN_TIMEOUT)
			t_fail(__FILE__, __LINE__, "%s did not hit the time limit", lines[i]);
		CHECK(sim_now(rw.sim) >= t0 + 2 * SIM_S);
		free(out);
		/* The command was ended (SIGTERM, as timeout(1) does); the
		 * node takes the next command. */
		expect(&rw, "host", "echo $?", "143\n");
		CHECK_EQ(run_world_destroy(&rw), 0);
	}
}

/* The same on a scenario: located message, transcript up to it. */
TEST(endless_command_in_a_scenario_ends_at_the_time_limit)
{
	struct scenario s;
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len), *ef;
	char *etext = NULL;
	size_t elen = 0;
	struct run_opts ro = {0};

	ef = open_memstream(&etext, &elen);
	ro.err = ef;
	CHECK_EQ(scenario_parse(&s, "t.scenario",
				"#! timeout 3s\n[root@host ~]# dd if=/dev/zero of=/dev/null\n", err,
				sizeof(err)),
		 0);
	CHECK_EQ(run_scenario(&s, &ro, f), -1);
	fclose(f);
	fclose(ef);
	CHECK_STR(etext, "chpsync: t.scenario:2: command did not complete within 3s of simulated "
			 "time\n");
	scenario_free(&s);
	free(text);
	free(etext);
}

/* ---- Ctrl-C: the foreground command, not the world ---- */

static void ctrl_c(void *arg)
{
	run_interrupt(arg);
}

TEST(interrupt_ends_the_foreground_command_only)
{
	struct run_world rw;
	char *out = NULL;

	world(&rw);
	/* A job that must survive the interrupt. */
	expect(&rw, "host", "sleep 5 && echo job done &", "");
	sim_at(rw.sim, SIM_S, ctrl_c, &rw);
	CHECK_EQ(cmd(&rw, "host", "dd if=/dev/zero of=/dev/null bs=1M; echo not reached", &out),
		 RUN_OK);
	/* GNU dd prints its statistics on SIGINT, then dies of it; the rest
	 * of the line does not run. */
	CHECK(strstr(out, " records in\n") != NULL);
	CHECK(strstr(out, " bytes (") != NULL);
	CHECK(strstr(out, "not reached") == NULL);
	free(out);
	expect(&rw, "host", "echo $?", "130\n");
	expect(&rw, "host", "wait; echo $?", "job done\n0\n");
	/* Interruptible waits of every kind. */
	sim_at(rw.sim, SIM_S, ctrl_c, &rw);
	expect(&rw, "host", "sleep 1000; echo no", "");
	expect(&rw, "host", "echo $?", "130\n");
	sim_at(rw.sim, SIM_S, ctrl_c, &rw);
	expect(&rw, "host", "cat /dev/zero | md5sum", "");
	expect(&rw, "host", "echo $?", "130\n");
	sim_at(rw.sim, SIM_S, ctrl_c, &rw);
	expect(&rw, "hmc", "sleep 1000 & wait", "");
	expect(&rw, "hmc", "echo $?", "130\n");
	CHECK_EQ(run_world_destroy(&rw), 0);
}

/* chpsync shell: a real SIGINT (Ctrl-C at the terminal) interrupts the
 * running command; the shell goes on with the next line. */
TEST(shell_ctrl_c_interrupts_the_command_not_the_shell)
{
	int in[2], outp[2], status;
	char buf[8192];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	CHECK_EQ(pipe(in), 0);
	CHECK_EQ(pipe(outp), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = {"chpsync", "shell", NULL};

		dup2(in[0], 0);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		close(in[1]);
		close(outp[0]);
		alarm(60);
		_exit(chpsync_main(2, argv));
	}
	close(in[0]);
	close(outp[1]);
	CHECK_EQ(write(in[1], "md5sum /dev/zero\n", 17), 17);
	/* The command line is echoed as a prompt once it runs. */
	while (len < sizeof(buf) - 1 && !strstr(buf, "md5sum /dev/zero\n")) {
		n = read(outp[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
	}
	usleep(100 * 1000);
	kill(pid, SIGINT);
	CHECK_EQ(write(in[1], "echo status $?\nexit\n", 20), 20);
	close(in[1]);
	while (len < sizeof(buf) - 1 && (n = read(outp[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(outp[0]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK(strstr(buf, "[root@host ~]# echo status $?\nstatus 130\n") != NULL);
}

/* ---- input caps ---- */

/* Run chpsync_main in a child with a memory cap (mib MiB of address space;
 * 0: none, when the machine's own storage mapping comes first) and a time
 * cap, so that a regression fails instead of taking the machine's memory. */
static int capped_mib(const char *a1, const char *a2, const char *a3, char *err, size_t errlen,
		      unsigned long mib)
{
	int p[2], status;
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	CHECK_EQ(pipe(p), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = {"chpsync", (char *)a1, (char *)a2, (char *)a3, NULL};
		struct rlimit rl = {mib << 20, mib << 20};
		int nul = open("/dev/null", O_WRONLY);

		dup2(p[1], 2);
		close(p[0]);
		if (nul >= 0)
			dup2(nul, 1); /* a check's FAIL line */
#ifndef __SANITIZE_ADDRESS__
		/* (ASan reserves terabytes of address space for itself) */
		if (mib)
			setrlimit(RLIMIT_AS, &rl);
#else
		(void)rl;
#endif
		alarm(60);
		_exit(chpsync_main(a3 ? 4 : 3, argv));
	}
	close(p[1]);
	while (len < errlen - 1 && (n = read(p[0], err + len, errlen - 1 - len)) > 0)
		len += (size_t)n;
	err[len] = '\0';
	close(p[0]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		t_fail(__FILE__, __LINE__, "chpsync %s %s died (signal %d)", a1, a2,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

static int capped(const char *a1, const char *a2, const char *a3, char *err, size_t errlen,
		  unsigned long gib)
{
	return capped_mib(a1, a2, a3, err, errlen, gib << 10);
}

/* Under ulimit -v the machine's storage (address space, backed where
 * touched) is sized to the limit: 1 GiB runs the letter's example and the
 * timing golden; too little says what to raise. */
TEST(a_limited_address_space_runs_or_says_what_to_raise)
{
	char err[4096];

	CHECK_EQ(capped_mib("check", "tests/scenarios/seed-example.scenario", NULL, err,
			    sizeof(err), 1024),
		 0);
	CHECK_STR(err, "");
	CHECK_EQ(capped_mib("check", "tests/scenarios/timing.scenario", NULL, err, sizeof(err),
			    1024),
		 0);
	CHECK_STR(err, "");
#ifndef __SANITIZE_ADDRESS__
	CHECK_EQ(capped_mib("check", "tests/scenarios/seed-example.scenario", NULL, err,
			    sizeof(err), 300),
		 1);
	CHECK_STR(err,
		  "chpsync: tests/scenarios/seed-example.scenario: cannot create the machine: not "
		  "enough address space (ulimit -v is 307200 kB; chpsync needs 1 GiB or more: "
		  "ulimit -v 1048576)\n");
#endif
}

TEST(endless_or_huge_input_files_are_refused)
{
	char err[4096];
	const char *deck = "/dev/zero";

	CHECK_EQ(capped("run", "/dev/zero", NULL, err, sizeof(err), 1), 1);
	CHECK_STR(err, "chpsync: /dev/zero: larger than 16 MiB: not a scenario\n");
	CHECK_EQ(capped("run", "/dev/urandom", NULL, err, sizeof(err), 1), 1);
	CHECK_STR(err, "chpsync: /dev/urandom: larger than 16 MiB: not a scenario\n");
	CHECK_EQ(capped("check", "/dev/zero", NULL, err, sizeof(err), 1), 1);
	CHECK_STR(err, "chpsync: /dev/zero: larger than 16 MiB: not a scenario\n");
	CHECK_EQ(capped("run", "--iocp", deck, err, sizeof(err), 0), 1);
	CHECK_STR(err, "chpsync: seed-example.scenario: /dev/zero: larger than 4 MiB: not an I/O "
		       "configuration deck\n");
	CHECK_EQ(capped("run", "--iocp", "/dev/urandom", err, sizeof(err), 0), 1);
	CHECK_STR(err,
		  "chpsync: seed-example.scenario: /dev/urandom: larger than 4 MiB: not an I/O "
		  "configuration deck\n");
	CHECK_EQ(capped("shell", "--iocp", "/dev/zero", err, sizeof(err), 0), 1);
	CHECK_STR(err, "chpsync: /dev/zero: larger than 4 MiB: not an I/O configuration deck\n");
}

/* chpsync shell reading lines from a pipe or a file: a line that never
 * ends (/dev/zero) is refused once it passes the scenario's size limit,
 * instead of taking memory until there is none. */
TEST(shell_input_line_without_end_is_refused)
{
	int p[2], status;
	char err[512];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	CHECK_EQ(pipe(p), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = {"chpsync", "shell", NULL};
		int zero = open("/dev/zero", O_RDONLY), null = open("/dev/null", O_WRONLY);

		dup2(zero, 0);
		dup2(null, 1);
		dup2(p[1], 2);
		close(p[0]);
		alarm(30);
		_exit(chpsync_main(2, argv));
	}
	close(p[1]);
	while (len < sizeof(err) - 1 && (n = read(p[0], err + len, sizeof(err) - 1 - len)) > 0)
		len += (size_t)n;
	err[len] = '\0';
	close(p[0]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		t_fail(__FILE__, __LINE__, "chpsync shell < /dev/zero died (signal %d)",
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	CHECK_EQ(WEXITSTATUS(status), 1);
	CHECK_STR(err, "chpsync: standard input: line 1 is longer than 16 MiB: not a command "
		       "line\n");
}

/* ---- the guards ---- */

/* Work that keeps moving the clock, one event per microsecond: a long
 * legitimate command (a whole-volume read) is not stopped for the number
 * of its events; only the time limit ends it. */
static struct sim *tick_sim;
static uint64_t ticks_left;
static struct sim_waitq tick_done = SIM_WAITQ_INIT;

static void tick(void *arg)
{
	if (--ticks_left)
		sim_at(tick_sim, (sim_time_t)(uintptr_t)arg, tick, arg);
	else
		sim_wake(tick_sim, &tick_done);
}

static int tick_main(struct proc *p, void *ctx, int argc, char **argv)
{
	tick_sim = proc_sim(p);
	ticks_left = strtoull(argv[1], NULL, 0);
	sim_at(tick_sim, 0, tick, ctx);
	while (ticks_left)
		if (sim_wait_intr(tick_sim, &tick_done) < 0)
			return 1;
	return 0;
}

TEST(guard_lets_a_long_command_run_that_moves_the_clock)
{
	struct run_world rw;
	char *out = NULL;

	world(&rw);
	node_add_prog(rw.hmc_node, "tick1us", tick_main, (void *)(uintptr_t)SIM_US);
	node_add_prog(rw.hmc_node, "tick1ns", tick_main, (void *)(uintptr_t)1);
	rw.livelock_window = 100000;
	rw.livelock_min_time = 10 * SIM_MS;
	/* 1,000,000 events, 1 s of simulated time: ten windows, all moving. */
	expect(&rw, "hmc", "tick1us 1000000; echo $?", "0\n");
	/* Events 1 ns apart: the clock crawls; stopped as a livelock. */
	CHECK_EQ(cmd(&rw, "hmc", "tick1ns 1000000", &out), RUN_LIVELOCK);
	free(out);
	CHECK_EQ(run_world_destroy(&rw), 0);
}

/* The messages say what happened without reading as a simulator bug. */
static struct sim_waitq never = SIM_WAITQ_INIT;

static int block_main(struct proc *p, void *ctx, int argc, char **argv)
{
	return sim_wait_intr(proc_sim(p), &never) < 0 ? 1 : 0;
}

TEST(guard_messages_say_what_the_command_waits_for)
{
	struct run_world rw;
	char *out = NULL;
	struct scenario s;
	char err[256], *text = NULL, *etext = NULL;
	size_t len = 0, elen = 0;
	FILE *f, *ef;
	struct run_opts ro = {0};

	world(&rw);
	node_add_prog(rw.hmc_node, "block", block_main, NULL);
	CHECK_EQ(cmd(&rw, "hmc", "block", &out), RUN_DEADLOCK);
	free(out);
	CHECK_STR(run_result_str(RUN_DEADLOCK),
		  "the command waits for something that nothing in the simulated world is "
		  "going to do (no event is left)");
	CHECK_EQ(run_world_destroy(&rw), 0);
	/* I/O to a device without a usable path waits, as in Linux, until
	 * the time limit (cio's recovery timer keeps trying meanwhile). */
	f = open_memstream(&text, &len);
	ef = open_memstream(&etext, &elen);
	ro.err = ef;
	CHECK_EQ(scenario_parse(&s, "t.scenario",
				"#! timeout 10m\n"
				"[root@host ~]# chccwdev -e 3f3f; chchp -c 0 42-45\n"
				"[root@host ~]# dd if=/dev/dasda of=/dev/null bs=4k count=1 "
				"iflag=direct\n",
				err, sizeof(err)),
		 0);
	CHECK_EQ(run_scenario(&s, &ro, f), -1);
	fclose(f);
	fclose(ef);
	CHECK_STR(etext, "chpsync: t.scenario:3: command did not complete within 10m of simulated "
			 "time\n");
	scenario_free(&s);
	free(text);
	free(etext);
}
