/* The chpsync command line: usage errors, check's verdicts and diffs. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/scenario.h"
#include "t.h"

struct res {
	int rc;
	char *out, *err;
};

/* Run chpsync_main with stdout and stderr captured in files. */
static struct res cli(int argc, const char **argv)
{
	char po[512], pe[512], err[256];
	int so, se, fo, fe;
	struct res r;

	snprintf(po, sizeof(po), "%s/cli.out", t_tmpdir());
	snprintf(pe, sizeof(pe), "%s/cli.err", t_tmpdir());
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fo, 1);
	dup2(fe, 2);
	r.rc = chpsync_main(argc, (char **)argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	r.out = read_file(po, NULL, err, sizeof(err));
	r.err = read_file(pe, NULL, err, sizeof(err));
	return r;
}

static void res_free(struct res *r)
{
	free(r->out);
	free(r->err);
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t_tmpdir(), name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

#define CLI(...)                                                   \
	({                                                         \
		const char *a_[] = {"chpsync", __VA_ARGS__, NULL}; \
		cli((int)(sizeof(a_) / sizeof(a_[0])) - 1, a_);    \
	})

TEST(cli_main_version_and_help)
{
	struct res r = CLI("--version");

	CHECK_EQ(r.rc, 0);
	CHECK_STR(r.out, "chpsync 0.1\n");
	res_free(&r);
	r = CLI("--help");
	CHECK_EQ(r.rc, 0);
	CHECK(strncmp(r.out, "usage: chpsync run", 18) == 0);
	CHECK_STR(r.err, "");
	res_free(&r);
}

TEST(cli_main_usage_errors)
{
	const char *a0[] = {"chpsync", NULL};
	struct res r = cli(1, a0);

	CHECK_EQ(r.rc, 1);
	CHECK(strncmp(r.err,
		      "chpsync: expected a command (run, check, shell, explore, dasd)\nusage:",
		      69) == 0);
	res_free(&r);
	r = CLI("frob");
	CHECK_EQ(r.rc, 1);
	CHECK(strncmp(r.err, "chpsync: unknown command 'frob'\n", 32) == 0);
	res_free(&r);
	r = CLI("check");
	CHECK_EQ(r.rc, 1);
	CHECK(strncmp(r.err, "chpsync: check: expected at least one scenario file\n", 52) == 0);
	res_free(&r);
	r = CLI("check", "--bogus", "x");
	CHECK_EQ(r.rc, 1);
	CHECK(strncmp(r.err, "chpsync: unknown option '--bogus'\n", 34) == 0);
	res_free(&r);
	r = CLI("run", "--seed");
	CHECK_EQ(r.rc, 1);
	CHECK(strncmp(r.err, "chpsync: option '--seed' needs an argument\n", 43) == 0);
	res_free(&r);
	r = CLI("run", "--seed", "12x");
	CHECK_EQ(r.rc, 1);
	CHECK(strncmp(r.err, "chpsync: --seed: '12x' is not a number\n", 39) == 0);
	res_free(&r);
	/* 2^64 is a number, one too large for a seed. */
	r = CLI("run", "--seed", "18446744073709551616");
	CHECK_EQ(r.rc, 1);
	CHECK(!strncmp(r.err,
		       "chpsync: --seed: '18446744073709551616' is out of range "
		       "(0 to 18446744073709551615)\n",
		       84));
	res_free(&r);
	r = CLI("run", "a", "b");
	CHECK_EQ(r.rc, 1);
	CHECK(strncmp(r.err, "chpsync: run: expected at most one scenario file, got 'b' too\n",
		      62) == 0);
	res_free(&r);
	r = CLI("shell", "x");
	CHECK_EQ(r.rc, 1);
	CHECK(strncmp(r.err, "chpsync: shell: unexpected argument 'x'\n", 40) == 0);
	res_free(&r);
}

TEST(cli_main_missing_and_malformed_files)
{
	const char *bad = write_tmp("bad.scenario", "# c\nstray output\n[root@host ~]# ls\n");
	char want[4096];
	struct res r = CLI("check", "/nonexistent.scenario");

	CHECK_EQ(r.rc, 1);
	CHECK_STR(r.err, "chpsync: /nonexistent.scenario: No such file or directory\n");
	res_free(&r);
	r = CLI("run", bad);
	CHECK_EQ(r.rc, 1);
	snprintf(want, sizeof(want),
		 "chpsync: %s:2: output line before the first command (expected a "
		 "'[root@NODE ~]# COMMAND' prompt or a '#' comment)\n",
		 bad);
	CHECK_STR(r.err, want);
	CHECK_STR(r.out, "");
	res_free(&r);
}

TEST(cli_main_check_pass_and_fail)
{
	char pass[512], want[4096];
	const char *fail;
	struct res r;

	snprintf(pass, sizeof(pass), "%s",
		 write_tmp("pass.scenario", "# ok\n[root@hmc ~]# echo hi   \nhi  \n"));
	fail = write_tmp("fail.scenario", "# no\n[root@hmc ~]# echo hi\nho\n");
	r = CLI("check", "-v", pass);
	CHECK_EQ(r.rc, 0);
	snprintf(want, sizeof(want), "PASS %s\n", pass);
	CHECK_STR(r.out, want);
	res_free(&r);
	r = CLI("check", pass, fail);
	CHECK_EQ(r.rc, 1);
	snprintf(want, sizeof(want),
		 "--- %s (expected)\n+++ %s (actual)\n@@ -1,3 +1,3 @@\n # no\n [root@hmc ~]# "
		 "echo hi\n-ho\n+hi\nFAIL %s\n",
		 fail, fail, fail);
	CHECK_STR(r.out, want);
	res_free(&r);
}

TEST(cli_main_check_reports_a_run_error)
{
	const char *f = write_tmp("dl.scenario", "[root@hmc ~]# echo a\na\n[root@mars ~]# ls\n");
	char want[4096];
	struct res r = CLI("check", f);

	CHECK_EQ(r.rc, 1);
	snprintf(want, sizeof(want),
		 "chpsync: %s:3: no node 'mars' (nodes: host, hmc, and each guest by its -name)\n",
		 f);
	CHECK_STR(r.err, want);
	snprintf(want, sizeof(want), "FAIL %s\n", f);
	CHECK_STR(r.out, want);
	res_free(&r);
}

/* The examples a user starts from must run as written (cwd = the tree). */
TEST(cli_main_examples_pass)
{
	struct res r = CLI("check", "examples/link-failure.scenario");

	CHECK_STR(r.out, "");
	CHECK_STR(r.err, "");
	CHECK_EQ(r.rc, 0);
	res_free(&r);
}

/* chpsync shell with input from a file prints a transcript: each line runs
 * on the node it names, or on the current one. */
TEST(cli_main_shell_from_a_file)
{
	const char *in = write_tmp("shell.in", "echo one\n# a comment\nhmc: echo two\necho three\n"
					       "[root@host ~]# echo four\nnosuch: echo five\n"
					       "exit\necho never\n");
	int saved = dup(0), fd = open(in, O_RDONLY);
	struct res r;

	dup2(fd, 0);
	close(fd);
	r = CLI("shell");
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
	/* "nosuch:" names no node: an error, and `exit` leaves with the
	 * status of that last line */
	CHECK_EQ(r.rc, 1);
	CHECK_STR(r.out, "[root@host ~]# echo one\none\n# a comment\n[root@hmc ~]# echo two\ntwo\n"
			 "[root@hmc ~]# echo three\nthree\n[root@host ~]# echo four\nfour\n"
			 "[root@nosuch ~]# echo five\n");
	CHECK_STR(r.err, "chpsync: no node 'nosuch' (nodes: host, hmc)\n");
	res_free(&r);
}

TEST(cli_main_dasd_dispatches_to_the_volume_tool)
{
	struct res r = CLI("dasd", "info", "/nonexistent.img");

	CHECK_EQ(r.rc, 1);
	CHECK(strstr(r.err, "/nonexistent.img") != NULL);
	res_free(&r);
}

TEST(cli_main_missing_deck_is_located)
{
	char path[512], want[4096];
	struct res r;

	snprintf(path, sizeof(path), "%s",
		 write_tmp("deck.scenario", "# x\n#! iocp nothere.iocp\n[root@host ~]# lscss\n"));
	r = CLI("run", path);
	CHECK_EQ(r.rc, 1);
	CHECK_STR(r.out, "");
	snprintf(want, sizeof(want), "chpsync: %s:2: %s/nothere.iocp: No such file or directory\n",
		 path, t_tmpdir());
	CHECK_STR(r.err, want);
	res_free(&r);
}

/* The work directory's scratch volumes are made when a device is first
 * used (a large configuration does not write thousands of images), and
 * --keep-workdir keeps them. */
static bool keep_run(const char *scenario, bool want_image)
{
	const char *f = write_tmp("keep.scenario", scenario);
	const char *tag = "chpsync: work directory kept: ";
	struct res r = CLI("run", "--keep-workdir", f);
	char dir[512], img[600], cmd[700];
	bool ok;

	CHECK_EQ(r.rc, 0);
	CHECK(strncmp(r.err, tag, strlen(tag)) == 0);
	snprintf(dir, sizeof(dir), "%s", r.err + strlen(tag));
	dir[strcspn(dir, "\n")] = '\0';
	snprintf(img, sizeof(img), "%s/3f3f.3390", dir);
	ok = (access(img, F_OK) == 0) == want_image;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ(system(cmd), 0);
	res_free(&r);
	return ok;
}

TEST(cli_main_keep_workdir_keeps_the_images)
{
	/* the built-in deck's volume, never used: not made */
	CHECK(keep_run("[root@hmc ~]# echo x\n", false));
	/* set online, Linux reads its labels: still not made (reads need no
	 * file) */
	CHECK(keep_run("[root@host ~]# chccwdev -e 3f3f\n", false));
	/* written: made, and kept */
	CHECK(keep_run("[root@host ~]# chccwdev -e 3f3f\n"
		       "[root@host ~]# dd if=/dev/zero of=/dev/dasda bs=4k count=1 oflag=direct\n",
		       true));
}
