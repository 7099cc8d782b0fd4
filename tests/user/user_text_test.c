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

/* grep -o (GNU): each non-empty match on a line of its own; with -c the
 * lines are counted; with -v nothing is printed. */
TEST(grep_only_matching_prints_the_matches)
{
	struct ufix f;

	with_lines(&f);
	CHECK_STR(ufix_run(&f, "grep -o 'o.*' /tmp/t"), "one\no\nour\n");
	CHECK_STR(ufix_run(&f, "echo '[    4.012070] crw_info : rsid=50' | grep -o 'crw_info.*'"),
		  "crw_info : rsid=50\n");
	CHECK_STR(ufix_run(&f, "echo abcabc | grep -o b"), "b\nb\n");
	CHECK_STR(ufix_run(&f, "echo aBcAbC | grep -oi b"), "B\nb\n");
	CHECK_STR(ufix_run(&f, "echo a.c.a | grep -oF ."), ".\n.\n");
	CHECK_STR(ufix_run(&f, "echo xyz | grep -o 'q*'; echo $?"), "0\n");
	CHECK_STR(ufix_run(&f, "grep -oc o /tmp/t"), "3\n");
	CHECK_STR(ufix_run(&f, "grep -ov o /tmp/t; echo $?"), "0\n");
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

TEST(printf_reuses_its_format_and_pads)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "printf '%s-%d|' a 1 b 2 c"), "a-1|b-2|c-0|");
	CHECK_STR(ufix_run(&f, "printf '%-6s|%4s|%04d|%x|%o|%c\\n' ab cd 7 255 8 xyz"),
		  "ab    |  cd|0007|ff|10|x\n");
	CHECK_STR(ufix_run(&f, "printf '%5.2f %b %%\\n' 3.14159 'a\\tb'"), " 3.14 a\tb %\n");
	CHECK_STR(ufix_run(&f, "printf '\\101\\x42\\n'"), "AB\n");
	CHECK_STR(ufix_run(&f, "printf 'a\\cb'"), "a");
	CHECK_STR(ufix_run(&f, "printf '%*d|%.*s|\\n' 4 7 2 abcdef"), "   7|ab|\n");
	/* 4 KiB records that carry their own label (what explore writes) */
	CHECK_STR(ufix_run(&f, "printf '%-4072s%23s\\n' 'S 1' 'E 1' 'S 2' 'E 2' | wc -c"),
		  "8192\n");
	ufix_fini(&f);
}

TEST(printf_errors_are_coreutils_ones)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "printf"),
		  "printf: missing operand\nTry 'printf --help' for more information.\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "printf '%d %d\\n' abc 12x"),
		  "printf: 'abc': expected a numeric value\n"
		  "printf: '12x': value not completely converted\n0 12\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "printf '%d\\n' 1 x"),
		  "1\nprintf: 'x': expected a numeric value\n0\n");
	CHECK_STR(ufix_run(&f, "printf '%y'"), "printf: %y: invalid conversion specification\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "printf 'x\\n' a b"),
		  "x\nprintf: warning: ignoring excess arguments, starting with 'a'\n");
	CHECK_EQ(f.status, 0);
	ufix_fini(&f);
}

TEST(tr_translates_deletes_and_squeezes)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "echo hello | tr a-z A-Z"), "HELLO\n");
	CHECK_STR(ufix_run(&f, "echo abc | tr '[:lower:]' '[:upper:]'"), "ABC\n");
	CHECK_STR(ufix_run(&f, "echo hello world | tr -d lo"), "he wrd\n");
	CHECK_STR(ufix_run(&f, "echo aaabbbccc | tr -s ab"), "abccc\n");
	CHECK_STR(ufix_run(&f, "echo 'a   b    c' | tr -s ' '"), "a b c\n");
	CHECK_STR(ufix_run(&f, "echo abcabc | tr abc x"), "xxxxxx\n");
	CHECK_STR(ufix_run(&f, "echo hello | tr -c 'a-z\\n' X"), "hello\n");
	CHECK_STR(ufix_run(&f, "echo hello | tr -cd l"), "ll");
	CHECK_STR(ufix_run(&f, "echo a.b | tr -s . '\\n'"), "a\nb\n");
	ufix_fini(&f);
}

TEST(tr_usage_errors)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "tr"),
		  "tr: missing operand\nTry 'tr --help' for more information.\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "tr a"), "tr: missing operand after 'a'\n"
					"Two strings must be given when translating.\n"
					"Try 'tr --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "tr -d a b"),
		  "tr: extra operand 'b'\n"
		  "Only one string may be given when deleting without squeezing repeats.\n"
		  "Try 'tr --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "tr z-a x"),
		  "tr: range-endpoints of 'z-a' are in reverse collating sequence order\n");
	CHECK_STR(ufix_run(&f, "tr -x a"),
		  "tr: invalid option -- 'x'\nTry 'tr --help' for more information.\n");
	ufix_fini(&f);
}
