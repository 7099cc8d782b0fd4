/* The node shell: parsing, builtins, pipes, redirections, jobs. */
#include <stdlib.h>
#include <string.h>

#include "os/vfs.h"
#include "t.h"
#include "user/node_priv.h"
#include "user_fixture.h"

TEST(shell_echo_quotes_and_status)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "echo a  'b  c' \"d $? e\" f\\ g"), "a b  c d 0 e f g\n");
	CHECK_STR(ufix_run(&f, "false; echo $?"), "1\n");
	CHECK_STR(ufix_run(&f, "echo '$?'"), "$?\n");
	CHECK_STR(ufix_run(&f, "echo -n x; echo y"), "xy\n");
	CHECK_STR(ufix_run(&f, "true && echo yes || echo no"), "yes\n");
	CHECK_STR(ufix_run(&f, "false && echo yes || echo no"), "no\n");
	CHECK_STR(ufix_run(&f, "echo a # comment"), "a\n");
	ufix_fini(&f);
}

TEST(shell_unknown_command_is_127)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "foo bar"), "-bash: foo: command not found\n");
	CHECK_EQ(f.status, 127);
	CHECK_STR(ufix_run(&f, "echo $?"), "127\n");
	CHECK_STR(ufix_run(&f, "/usr/bin/nope"),
		  "-bash: /usr/bin/nope: No such file or directory\n");
	CHECK_STR(ufix_run(&f, "/usr/sbin/lscss -v"),
		  "lscss version 2.43.0\nCopyright IBM Corp. 2017\n");
	ufix_fini(&f);
}

TEST(shell_syntax_errors)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "echo 'abc"),
		  "-bash: unexpected EOF while looking for matching `''\n");
	CHECK_EQ(f.status, 2);
	/* An unterminated double quote names its quote too (it was cut short). */
	CHECK_STR(ufix_run(&f, "echo \"a\\\"bc"),
		  "-bash: unexpected EOF while looking for matching `\"'\n");
	CHECK_EQ(f.status, 2);
	CHECK_STR(ufix_run(&f, "| cat"), "-bash: syntax error near unexpected token `|'\n");
	CHECK_STR(ufix_run(&f, "echo a ;; echo b"),
		  "-bash: syntax error near unexpected token `;'\n");
	CHECK_STR(ufix_run(&f, "echo >"), "-bash: syntax error near unexpected token `newline'\n");
	CHECK_STR(ufix_run(&f, "echo a &&"),
		  "-bash: syntax error near unexpected token `newline'\n");
	ufix_run(&f, "true");
	CHECK_STR(ufix_run(&f, ""), "");
	CHECK_EQ(f.status, 0);
	ufix_fini(&f);
}

TEST(shell_sleep_takes_simulated_time)
{
	struct ufix f;
	sim_time_t t0;

	ufix_init(&f);
	t0 = sim_now(f.sim);
	CHECK_STR(ufix_run(&f, "sleep 1.5; sleep 100ms; sleep 2s"), "");
	CHECK_EQ(sim_now(f.sim) - t0, 3600 * SIM_MS);
	CHECK_STR(ufix_run(&f, "sleep x"),
		  "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "sleep"),
		  "sleep: missing operand\nTry 'sleep --help' for more information.\n");
	ufix_fini(&f);
}

TEST(shell_background_jobs_and_wait)
{
	struct ufix f;
	sim_time_t t0;

	ufix_init(&f);
	t0 = sim_now(f.sim);
	CHECK_STR(ufix_run(&f, "sleep 5 && echo late &"), "");
	CHECK_EQ(node_jobs(f.n), 1);
	CHECK_EQ(sim_now(f.sim), t0);
	CHECK_STR(ufix_run(&f, "echo now"), "now\n");
	CHECK_STR(ufix_run(&f, "wait"), "late\n");
	CHECK_EQ(sim_now(f.sim) - t0, 5 * SIM_S);
	CHECK_EQ(node_jobs(f.n), 0);
	/* `wait` emptied the job table: these are %1 and %2 again (bash) */
	CHECK_STR(ufix_run(&f, "sleep 1 & sleep 2 & wait %2; echo $?"), "0\n");
	CHECK_STR(ufix_run(&f, "wait %1; echo $?"), "0\n");
	CHECK_EQ(node_jobs(f.n), 0);
	CHECK_STR(ufix_run(&f, "wait %9"), "-bash: wait: %9: no such job\n");
	CHECK_EQ(f.status, 127);
	/* a job's failure does not change the shell's $? */
	CHECK_STR(ufix_run(&f, "true; false & wait $!; echo $?"), "1\n");
	CHECK_STR(ufix_run(&f, "true; false & sleep 1; echo $?"), "0\n");
	ufix_fini(&f);
}

/* The status of a job that ended earlier, as a non-interactive bash keeps
 * it (checked against bash 5.2): `wait %N` returns it once and forgets the
 * job; `wait PID` returns it as long as the shell remembers the PID, until a
 * plain `wait` forgets everything; a new job takes the number after the
 * highest one still in the table. */
TEST(shell_wait_returns_the_status_of_a_job_that_ended_earlier)
{
	struct ufix f;
	char want[128];
	const char *out;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "false &"), "");
	CHECK_STR(ufix_run(&f, "sleep 1"), "");
	CHECK_EQ(node_jobs(f.n), 0);
	CHECK_STR(ufix_run(&f, "wait %1; echo $?"), "1\n");
	CHECK_STR(ufix_run(&f, "wait %1; echo $?"), "-bash: wait: %1: no such job\n127\n");
	/* by PID: again and again; the job leaves the table */
	CHECK_STR(ufix_run(&f, "sleep 1; false & sleep 1"), "");
	CHECK_STR(ufix_run(&f, "wait $!; echo $?"), "1\n");
	CHECK_STR(ufix_run(&f, "wait $!; echo $?"), "1\n");
	CHECK_STR(ufix_run(&f, "wait %1; echo $?"), "-bash: wait: %1: no such job\n127\n");
	/* a finished job while another runs */
	CHECK_STR(ufix_run(&f, "sleep 5 & false & sleep 1; wait %2; echo $?"), "1\n");
	CHECK_STR(ufix_run(&f, "wait %1; echo $?"), "0\n");
	/* the next job is %1 again: the table is empty */
	CHECK_STR(ufix_run(&f, "true &"), "");
	CHECK_STR(ufix_run(&f, "sleep 1; wait %1; echo $?"), "0\n");
	/* a plain wait forgets every status */
	CHECK_STR(ufix_run(&f, "false &"), "");
	CHECK_STR(ufix_run(&f, "wait; echo $?"), "0\n");
	out = ufix_run(&f, "wait $!; echo $?");
	snprintf(want, sizeof(want), "-bash: wait: pid %d is not a child of this shell\n127\n",
		 f.n->last_bg_pid);
	CHECK_STR(out, want);
	ufix_fini(&f);
}

/* A background job is a subshell: $? inside it is the status of the job's
 * own last pipeline (bash), not the interactive shell's. */
TEST(shell_status_inside_a_job_is_the_jobs_own)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "true; false && echo y || echo job $? & wait"), "job 1\n");
	CHECK_STR(ufix_run(&f, "false; true && echo job $? & wait"), "job 0\n");
	CHECK_STR(ufix_run(&f, "true; false || echo job $? | cat & wait"), "job 1\n");
	/* and the job leaves the shell's $? alone */
	CHECK_STR(ufix_run(&f, "false; false || true & wait; echo $?"), "0\n");
	ufix_fini(&f);
}

TEST(shell_pipes_and_redirections)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "echo hello | cat"), "hello\n");
	CHECK_STR(ufix_run(&f, "echo hello | md5sum"), "b1946ac92492d2347c6235b4d2611184  -\n");
	CHECK_STR(ufix_run(&f, "echo one > /tmp/a; echo two >> /tmp/a; cat /tmp/a"), "one\ntwo\n");
	CHECK_STR(ufix_run(&f, "cat < /tmp/a | cat | cat"), "one\ntwo\n");
	CHECK_STR(ufix_run(&f, "echo x > /etc/passwd"), "-bash: /etc/passwd: Permission denied\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "cat < /tmp/none"), "-bash: /tmp/none: No such file or directory\n");
	CHECK_STR(ufix_run(&f, "cat /tmp/none 2>/dev/null; echo $?"), "1\n");
	CHECK_STR(ufix_run(&f, "cat /tmp/none 2>&1 | cat > /tmp/err; cat /tmp/err"),
		  "cat: /tmp/none: No such file or directory\n");
	ufix_fini(&f);
}

TEST(shell_big_pipe_blocks_and_flows)
{
	struct ufix f;

	ufix_init(&f);
	/* 4 MiB through a 64 KiB pipe: the writer must block and resume */
	CHECK_STR(ufix_run(&f, "dd if=/dev/zero bs=1M count=4 status=none | md5sum"),
		  "b5cfa9d6c8febd618f91ac2843d50a1c  -\n");
	CHECK_STR(
		ufix_run(
			&f,
			"dd if=/dev/zero bs=1M count=4 status=none | cmp - /dev/zero -n 4194304; echo $?"),
		"0\n");
	ufix_fini(&f);
}

TEST(shell_writer_stops_when_the_reader_goes)
{
	struct ufix f;

	ufix_init(&f);
	/* cmp stops at the first byte; cat and dd would run forever */
	CHECK_STR(ufix_run(&f, "cat /dev/zero | cmp - /dev/null"),
		  "cmp: EOF on /dev/null which is empty\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "dd if=/dev/zero bs=4k | cmp -s - /dev/null; echo $?"), "1\n");
	CHECK_EQ(node_jobs(f.n), 0);
	ufix_fini(&f);
}

TEST(shell_tmp_is_a_bounded_tmpfs)
{
	struct ufix f;

	ufix_init(&f);
	vfs_set_tmp_max(f.os.vfs, 64ull << 20);
	CHECK_STR(ufix_run(&f, "dd if=/dev/zero of=/tmp/big bs=1M count=100"),
		  "dd: error writing '/tmp/big': No space left on device\n"
		  "65+0 records in\n64+0 records out\n"
		  "67108864 bytes (67 MB, 64 MiB) copied, 0.0136566 s, 4.9 GB/s\n");
	CHECK_EQ(f.status, 1);
	ufix_fini(&f);
}

TEST(shell_exit_stops_the_line)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "echo a; exit 3; echo b"), "a\n");
	CHECK_EQ(f.status, 3);
	CHECK_STR(ufix_run(&f, "exit x"), "-bash: exit: x: numeric argument required\n");
	ufix_fini(&f);
}

static void add_hmc(void *ctx, struct node *n)
{
	(*(int *)ctx)++;
}

TEST(world_nodes_and_callbacks)
{
	struct ufix f;
	struct node *h;
	int added = 0;

	ufix_init(&f);
	world_on_add(f.w, add_hmc, &added);
	h = world_add_node(f.w, "hmc", NULL);
	CHECK(h);
	CHECK_EQ(added, 1);
	CHECK(world_add_node(f.w, "hmc", NULL) == NULL);
	CHECK(world_find_node(f.w, "hmc") == h);
	CHECK(node_os(h) == NULL);
	CHECK_STR(node_name(h), "hmc");
	/* the OS console writes into the node terminal */
	f.os.console(f.os.console_ctx, "kernel line\n");
	CHECK_STR(ufix_run(&f, "echo after"), "kernel line\nafter\n");
	world_remove_node(f.w, h);
	CHECK(world_find_node(f.w, "hmc") == NULL);
	ufix_fini(&f);
}

/* Malformed input is a first-class test subject: random lines from shell
 * metacharacters and a few words must end with a status, never crash or
 * hang. */
TEST(shell_random_lines_never_crash)
{
	static const char *const atoms[] = {
		"echo ",  "true",   "false",	 "cat ",  "/tmp/f", "a",  " ",	";",
		"|",	  "&",	    "&&",	 "||",	  "<",	    ">",  ">>", "2>",
		"2>&1",	  "'",	    "\"",	 "\\",	  "$?",	    "$!", "#",	"x y",
		"exit 3", "md5sum", "sleep 0.1", "lscss", "-",
	};
	struct ufix f;
	uint64_t seed = 12345;
	int i, j;

	ufix_init(&f);
	for (i = 0; i < 400; i++) {
		char line[256] = "";
		int n = 1 + (int)(seed % 12);

		for (j = 0; j < n; j++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			strncat(line, atoms[(seed >> 33) % (sizeof(atoms) / sizeof(atoms[0]))],
				sizeof(line) - strlen(line) - 1);
		}
		ufix_run(&f, line);
		CHECK(f.status >= 0 && f.status <= 255);
	}
	ufix_run(&f, "wait");
	CHECK_EQ(node_jobs(f.n), 0);
	ufix_fini(&f);
}

/* Binary output on the terminal: a NUL byte shows as nothing, as on a real
 * terminal, and what follows it is still there (a transcript of a command
 * that printed binary data lost everything after its first NUL; found by
 * fuzzing: regress-terminal-nul-byte). */
TEST(shell_terminal_shows_what_follows_a_nul_byte)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "echo a; dd if=/dev/zero bs=4 count=1 status=none; echo after"),
		  "a\nafter\n");
	CHECK_STR(ufix_run(&f, "printf 'x\\0y\\n'"), "xy\n");
	ufix_fini(&f);
}
