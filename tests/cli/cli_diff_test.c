/* Transcript comparison: trailing blanks, unified diff format, minimality. */
#include <stdlib.h>

#include "cli/check.h"
#include "t.h"

/* check_transcript() into a string (malloc'd); *rc gets its result. */
static char *diff_text(const char *exp, const char *act, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*rc = check_transcript(f, "x.scenario", exp, act, NULL, 0);
	fclose(f);
	return buf;
}

TEST(cli_diff_equal_prints_nothing)
{
	int rc;
	char *d = diff_text("a\nb\n", "a\nb\n", &rc);

	CHECK_EQ(rc, 0);
	CHECK_STR(d, "");
	free(d);
}

TEST(cli_diff_ignores_trailing_blanks_and_final_newline)
{
	int rc;
	char *d = diff_text("a  \nb\t\n c\r\n", "a\nb \n c", &rc);

	CHECK_EQ(rc, 0);
	CHECK_STR(d, "");
	free(d);
}

TEST(cli_diff_leading_blanks_count)
{
	int rc;
	char *d = diff_text("a\n", " a\n", &rc);

	CHECK_EQ(rc, 1);
	CHECK_STR(d, "--- x.scenario (expected)\n+++ x.scenario (actual)\n@@ -1 +1 @@\n-a\n+ a\n");
	free(d);
}

TEST(cli_diff_extra_blank_line_counts)
{
	int rc;
	char *d = diff_text("a\n", "a\n\n", &rc);

	CHECK_EQ(rc, 1);
	CHECK_STR(d, "--- x.scenario (expected)\n+++ x.scenario (actual)\n@@ -1 +1,2 @@\n a\n+\n");
	free(d);
}

TEST(cli_diff_one_changed_line_with_context)
{
	int rc;
	char *d = diff_text("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n", &rc);

	CHECK_EQ(rc, 1);
	CHECK_STR(d, "--- x.scenario (expected)\n+++ x.scenario (actual)\n"
		     "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n");
	free(d);
}

TEST(cli_diff_insert_into_empty)
{
	int rc;
	char *d = diff_text("", "a\nb\n", &rc);

	CHECK_EQ(rc, 1);
	CHECK_STR(d,
		  "--- x.scenario (expected)\n+++ x.scenario (actual)\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	free(d);
}

TEST(cli_diff_delete_at_start_and_end)
{
	int rc;
	char *d = diff_text("a\nb\nc\n", "b\n", &rc);

	CHECK_EQ(rc, 1);
	CHECK_STR(
		d,
		"--- x.scenario (expected)\n+++ x.scenario (actual)\n@@ -1,3 +1 @@\n-a\n b\n-c\n");
	free(d);
}

TEST(cli_diff_far_changes_make_two_hunks)
{
	int rc;
	char *d = diff_text("a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n", &rc);

	CHECK_EQ(rc, 1);
	CHECK_STR(d, "--- x.scenario (expected)\n+++ x.scenario (actual)\n"
		     "@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n"
		     "@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-b\n+B\n");
	free(d);
}

TEST(cli_diff_near_changes_share_a_hunk)
{
	int rc;
	char *d = diff_text("a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n", &rc);

	CHECK_EQ(rc, 1);
	CHECK_STR(d, "--- x.scenario (expected)\n+++ x.scenario (actual)\n"
		     "@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n-b\n+B\n");
	free(d);
}

/* ---- properties on random inputs ---- */

/* Apply a unified diff (as produced here) to a; the result is b's lines. */
static int apply_diff(const struct lines *a, const char *diff, struct lines *out)
{
	const char *p = diff;
	size_t ai = 0;

	out->v = calloc(a->n * 2 + 4096, sizeof(char *));
	out->n = 0;
	out->no = NULL;
	/* skip the two header lines */
	for (int i = 0; i < 2 && *p; i++)
		p = strchr(p, '\n') + 1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl - p;

		if (*p == '@') {
			unsigned long start = strtoul(p + 4, NULL, 10);
			const char *comma = memchr(p, ',', len), *plus = memchr(p, '+', len);
			size_t to = start;

			/* "-l" means line l (from 1); "-l,0" means after line l */
			if (!(comma && comma < plus && strtoul(comma + 1, NULL, 10) == 0))
				to = start - 1;
			while (ai < to)
				out->v[out->n++] = strdup(a->v[ai++]);
		} else if (*p == ' ') {
			if (ai >= a->n || strncmp(a->v[ai], p + 1, len - 1))
				return -1;
			out->v[out->n++] = strdup(a->v[ai++]);
		} else if (*p == '-') {
			if (ai >= a->n || strncmp(a->v[ai], p + 1, len - 1))
				return -1;
			ai++;
		} else if (*p == '+') {
			out->v[out->n++] = strndup(p + 1, len - 1);
		} else {
			return -1;
		}
		p = nl + 1;
	}
	while (ai < a->n)
		out->v[out->n++] = strdup(a->v[ai++]);
	return 0;
}

static size_t lcs(const struct lines *a, const struct lines *b)
{
	size_t *row = calloc((a->n + 1) * (b->n + 1), sizeof(size_t)), r;

	for (size_t i = 1; i <= a->n; i++)
		for (size_t j = 1; j <= b->n; j++) {
			size_t *c = &row[i * (b->n + 1) + j];

			if (!strcmp(a->v[i - 1], b->v[j - 1]))
				*c = row[(i - 1) * (b->n + 1) + j - 1] + 1;
			else
				*c = row[(i - 1) * (b->n + 1) + j] > row[i * (b->n + 1) + j - 1]
					     ? row[(i - 1) * (b->n + 1) + j]
					     : row[i * (b->n + 1) + j - 1];
		}
	r = row[a->n * (b->n + 1) + b->n];
	free(row);
	return r;
}

/* A small local PRNG keeps this test independent of the sim layer. */
struct rng {
	uint64_t s;
};

static uint64_t rng_below(struct rng *r, uint64_t n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s % n;
}

static void random_lines(struct rng *sim, struct lines *l, size_t n, int alphabet)
{
	l->v = calloc(n + 1, sizeof(char *));
	l->n = n;
	l->no = NULL;
	for (size_t i = 0; i < n; i++) {
		char buf[8];

		snprintf(buf, sizeof(buf), "%c", 'a' + (int)rng_below(sim, alphabet));
		l->v[i] = strdup(buf);
	}
}

static void check_one_pair(const struct lines *a, const struct lines *b)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	long changes = diff_unified(f, "a", a, "b", b, 3);
	struct lines got;

	fclose(f);
	CHECK(changes >= 0);
	/* minimal: deletions + insertions of a shortest edit script */
	CHECK_EQ(changes, (long)(a->n + b->n - 2 * lcs(a, b)));
	CHECK_EQ(apply_diff(a, buf, &got), 0);
	CHECK_EQ(got.n, b->n);
	for (size_t i = 0; i < b->n; i++)
		CHECK_STR(got.v[i], b->v[i]);
	lines_free(&got);
	free(buf);
}

TEST(cli_diff_random_is_minimal_and_applies)
{
	struct rng rng = {7}, *sim = &rng;

	for (int round = 0; round < 300; round++) {
		struct lines a, b;

		random_lines(sim, &a, rng_below(sim, 30), 1 + (int)rng_below(sim, 5));
		random_lines(sim, &b, rng_below(sim, 30), 1 + (int)rng_below(sim, 5));
		check_one_pair(&a, &b);
		lines_free(&a);
		lines_free(&b);
	}
}

TEST(cli_diff_huge_difference_still_applies)
{
	struct rng rng = {9}, *sim = &rng;
	struct lines a, b, got;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	long changes;

	/* 6000 vs 6000 unrelated lines: past the O(D^2) budget */
	random_lines(sim, &a, 6000, 26);
	random_lines(sim, &b, 6000, 26);
	for (size_t i = 0; i < b.n; i++)
		b.v[i][0] = 'A' + (b.v[i][0] - 'a');
	f = open_memstream(&buf, &len);
	changes = diff_unified(f, "a", &a, "b", &b, 3);
	fclose(f);
	CHECK_EQ(changes, 12000);
	CHECK_EQ(apply_diff(&a, buf, &got), 0);
	CHECK_EQ(got.n, b.n);
	for (size_t i = 0; i < b.n; i++)
		CHECK_STR(got.v[i], b.v[i]);
	lines_free(&got);
	lines_free(&a);
	lines_free(&b);
	free(buf);
}

TEST(cli_lines_split_counts_lines)
{
	struct lines l;

	CHECK_EQ(lines_split("", &l), 0);
	CHECK_EQ(l.n, 0);
	lines_free(&l);
	CHECK_EQ(lines_split("\n\n", &l), 0);
	CHECK_EQ(l.n, 2);
	CHECK_STR(l.v[0], "");
	lines_free(&l);
	CHECK_EQ(lines_split("x \ny", &l), 0);
	CHECK_EQ(l.n, 2);
	CHECK_STR(l.v[0], "x");
	CHECK_STR(l.v[1], "y");
	lines_free(&l);
}

/* #! varies: output lines that match are left out on both sides (a dmesg
 * timestamp, a console line that comes or not with the interleaving);
 * prompts and comments always count; hunks keep the texts' line numbers. */
TEST(cli_diff_leaves_out_lines_that_vary)
{
	char *varies[] = {"^\\[ *[0-9]+\\.[0-9]+\\] ", "has become operational$"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	f = open_memstream(&buf, &len);
	rc = check_transcript(
		f, "x.scenario",
		"# c\n[root@g ~]# dmesg\n[    4.012070] crw\n"
		"[root@g ~]# chccwdev -e 1\nSetting\nx: has become operational\nDone\n",
		"# c\n[root@g ~]# dmesg\n[    4.012072] crw\n"
		"[root@g ~]# chccwdev -e 1\nSetting\nDone\n",
		varies, 2);
	fclose(f);
	CHECK_EQ(rc, 0);
	CHECK_STR(buf, "");
	free(buf);
	/* a real difference: reported with the lines' own numbers */
	buf = NULL;
	f = open_memstream(&buf, &len);
	rc = check_transcript(f, "x.scenario", "[root@g ~]# dmesg\n[    1.0] a\n[    2.0] b\nend\n",
			      "[root@g ~]# dmesg\n[    9.0] a\nEND\n", varies, 1);
	fclose(f);
	CHECK_EQ(rc, 1);
	CHECK_STR(buf, "--- x.scenario (expected)\n+++ x.scenario (actual)\n"
		       "@@ -1,2 +1,2 @@\n [root@g ~]# dmesg\n-end\n+END\n");
	free(buf);
	/* prompts are never left out, even when they match */
	buf = NULL;
	f = open_memstream(&buf, &len);
	rc = check_transcript(f, "x.scenario", "[root@g ~]# a has become operational\n",
			      "[root@g ~]# b has become operational\n", varies, 2);
	fclose(f);
	CHECK_EQ(rc, 1);
	free(buf);
}
