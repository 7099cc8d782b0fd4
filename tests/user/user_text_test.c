/* head, tail, grep, wc: coreutils behaviour on pipes and /tmp files. */
#include "os/vfs.h"
#include "t.h"
#include "user_fixture.h"

static void with_lines(struct ufix *f)
{
	ufix_init(f);
	CHECK_STR(ufix_run(f, "echo one > /tmp/t; echo two >> /tmp/t; echo three >> /tmp/t;"
			      " echo four >> /tmp/t"),
		  "");
}

TEST(head_prints_the_first_n_lines)
{
	struct ufix f;

	with_lines(&f);
	CHECK_STR(ufix_run(&f, "head -n 2 /tmp/t"), "one\ntwo\n");
	CHECK_STR(ufix_run(&f, "cat /tmp/t | head -1"), "one\n");
	CHECK_STR(ufix_run(&f, "head /tmp/t"), "one\ntwo\nthree\nfour\n");
	ufix_fini(&f);
}

TEST(tail_prints_the_last_lines_or_from_line_n)
{
	struct ufix f;

	with_lines(&f);
	CHECK_STR(ufix_run(&f, "tail -n 1 /tmp/t"), "four\n");
	CHECK_STR(ufix_run(&f, "tail -n +3 /tmp/t"), "three\nfour\n");
	CHECK_STR(ufix_run(&f, "cat /tmp/t | tail -2"), "three\nfour\n");
	ufix_fini(&f);
}

TEST(head_and_tail_reject_bad_counts_and_missing_files)
{
	struct ufix f;

	with_lines(&f);
	CHECK_STR(ufix_run(&f, "tail -n x /tmp/t"), "tail: invalid number of lines: 'x'\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "head -q /tmp/t"),
		  "head: invalid option -- 'q'\nTry 'head --help' for more information.\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "head /tmp/none"),
		  "head: cannot open '/tmp/none' for reading: No such file or directory\n");
	CHECK_EQ(f.status, 1);
	ufix_fini(&f);
}

TEST(grep_selects_lines_and_exits_1_when_none)
{
	struct ufix f;

	with_lines(&f);
	CHECK_STR(ufix_run(&f, "grep o /tmp/t"), "one\ntwo\nfour\n");
	CHECK_EQ(f.status, 0);
	CHECK_STR(ufix_run(&f, "grep -v o /tmp/t"), "three\n");
	CHECK_STR(ufix_run(&f, "grep -c e /tmp/t"), "2\n");
	CHECK_STR(ufix_run(&f, "grep -E '^(t|f)' /tmp/t"), "two\nthree\nfour\n");
	CHECK_STR(ufix_run(&f, "grep -i ONE /tmp/t"), "one\n");
	CHECK_STR(ufix_run(&f, "grep -F . /tmp/t"), "");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "grep -q six /tmp/t; echo $?"), "1\n");
	ufix_fini(&f);
}

TEST(grep_errors_exit_2)
{
	struct ufix f;

	with_lines(&f);
	CHECK_STR(ufix_run(&f, "grep"), "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
					"Try 'grep --help' for more information.\n");
	CHECK_EQ(f.status, 2);
	CHECK_STR(ufix_run(&f, "grep x /tmp/none"), "grep: /tmp/none: No such file or directory\n");
	CHECK_EQ(f.status, 2);
	CHECK_STR(ufix_run(&f, "grep -E '(' /tmp/t; echo $?"), "grep: Unmatched ( or \\(\n2\n");
	ufix_fini(&f);
}

TEST(wc_counts_lines_words_bytes)
{
	struct ufix f;

	with_lines(&f);
	CHECK_STR(ufix_run(&f, "wc -l /tmp/t"), "4 /tmp/t\n");
	CHECK_STR(ufix_run(&f, "cat /tmp/t | wc -l"), "4\n");
	CHECK_STR(ufix_run(&f, "cat /tmp/t | wc"), "      4       4      19\n");
	CHECK_STR(ufix_run(&f, "wc -x"),
		  "wc: invalid option -- 'x'\nTry 'wc --help' for more information.\n");
	CHECK_EQ(f.status, 1);
	ufix_fini(&f);
}
