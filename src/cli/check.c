/* Transcript comparison and unified diff.
 *
 * The diff is Myers' greedy shortest-edit-script algorithm ("An O(ND)
 * Difference Algorithm and Its Variations", 1986), keeping the furthest
 * reaching x of every diagonal for each edit distance d so that the path can
 * be walked back.  That costs O(D^2) memory; above MAX_D edits (a transcript
 * that has nothing to do with its expectation) the middle part is reported
 * as replaced wholesale, which is still a correct diff, just not a minimal one.
 */
#include "cli/check.h"

#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/scenario.h"

#define MAX_D 4000

enum edit { EQ, DEL, INS };

struct op {
	enum edit e;
	size_t ai, bi; /* positions in a and b when this op is reached */
};

struct script {
	struct op *v;
	size_t n, cap;
};

static int push(struct script *s, enum edit e, size_t ai, size_t bi)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct op *nv = realloc(s->v, ncap * sizeof(*nv));

		if (!nv)
			return -1;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = (struct op){e, ai, bi};
	return 0;
}

int lines_split(const char *text, struct lines *l)
{
	size_t cap = 0;

	l->v = NULL;
	l->n = 0;
	l->no = NULL;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		size_t keep = len;

		while (keep &&
		       (text[keep - 1] == ' ' || text[keep - 1] == '\t' || text[keep - 1] == '\r'))
			keep--;
		if (l->n == cap) {
			char **nv = realloc(l->v, (cap ? cap * 2 : 64) * sizeof(*nv));

			if (!nv)
				goto fail;
			l->v = nv;
			cap = cap ? cap * 2 : 64;
		}
		l->v[l->n] = strndup(text, keep);
		if (!l->v[l->n])
			goto fail;
		l->n++;
		text += nl ? len + 1 : len;
	}
	return 0;
fail:
	lines_free(l);
	return -1;
}

void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->no);
	l->v = NULL;
	l->no = NULL;
	l->n = 0;
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return strcmp(a->v[i], b->v[j]) == 0;
}

/* Walk back through the saved diagonals of rounds 0..d and emit the edits
 * (in reverse) for a[a0, a0+n) against b[b0, b0+m). */
static int backtrack(struct script *rev, long **trace, long d, long n, long m, size_t a0, size_t b0)
{
	long x = n, y = m;

	for (; d > 0; d--) {
		long *vp = trace[d - 1] + (d - 1); /* round d-1 covers k in [-(d-1), d-1] */
		long k = x - y, pk, px, py, mx, my;

		if (k == -d || (k != d && vp[k - 1] < vp[k + 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = vp[pk];
		py = px - pk;
		/* The diagonal run after the move is unchanged lines. */
		mx = pk == k + 1 ? px : px + 1;
		my = pk == k + 1 ? py + 1 : py;
		while (x > mx && y > my) {
			x--;
			y--;
			if (push(rev, EQ, a0 + x, b0 + y) < 0)
				return -1;
		}
		/* Down is b[py] inserted, right is a[px] deleted. */
		if (push(rev, pk == k + 1 ? INS : DEL, a0 + px, b0 + py) < 0)
			return -1;
		x = px;
		y = py;
	}
	while (x > 0 && y > 0) {
		x--;
		y--;
		if (push(rev, EQ, a0 + x, b0 + y) < 0)
			return -1;
	}
	return 0;
}

/* Shortest edit script of a[a0, a0+n) -> b[b0, b0+m), appended in reverse
 * to rev.  Returns 0, 1 when MAX_D was exceeded (nothing appended), -1. */
static int myers(struct script *rev, const struct lines *a, size_t a0, long n,
		 const struct lines *b, size_t b0, long m)
{
	long maxd = n + m < MAX_D ? n + m : MAX_D;
	long **trace = calloc(maxd + 1, sizeof(*trace));
	long d, rc = 1;

	if (!trace)
		return -1;
	for (d = 0; d <= maxd; d++) {
		long *v = calloc(2 * d + 1, sizeof(*v)), *vc = v + d;
		long *vp = d ? trace[d - 1] + (d - 1) : NULL;

		if (!v) {
			rc = -1;
			break;
		}
		trace[d] = v;
		for (long k = -d; k <= d; k += 2) {
			long x, y;

			if (d == 0)
				x = 0;
			else if (k == -d || (k != d && vp[k - 1] < vp[k + 1]))
				x = vp[k + 1];
			else
				x = vp[k - 1] + 1;
			y = x - k;
			while (x < n && y < m && same(a, a0 + x, b, b0 + y)) {
				x++;
				y++;
			}
			vc[k] = x;
			if (x >= n && y >= m) {
				rc = backtrack(rev, trace, d, n, m, a0, b0);
				goto out;
			}
		}
	}
out:
	for (long i = 0; i <= maxd && trace[i]; i++)
		free(trace[i]);
	free(trace);
	return (int)rc;
}

/* The edit script of a -> b: common head and tail are matched directly,
 * the middle by myers() (or replaced wholesale past MAX_D). */
static int edit_script(struct script *s, const struct lines *a, const struct lines *b)
{
	struct script rev = {0};
	size_t head = 0, tail = 0, n, m;
	int rc;

	while (head < a->n && head < b->n && same(a, head, b, head))
		head++;
	while (tail < a->n - head && tail < b->n - head &&
	       same(a, a->n - 1 - tail, b, b->n - 1 - tail))
		tail++;
	n = a->n - head - tail;
	m = b->n - head - tail;
	for (size_t i = 0; i < head; i++)
		if (push(s, EQ, i, i) < 0)
			return -1;
	rc = myers(&rev, a, head, (long)n, b, head, (long)m);
	if (rc < 0) {
		free(rev.v);
		return -1;
	}
	if (rc == 0) {
		for (size_t i = rev.n; i-- > 0;)
			if (push(s, rev.v[i].e, rev.v[i].ai, rev.v[i].bi) < 0)
				rc = -1;
	} else {
		rc = 0;
		for (size_t i = 0; i < n; i++)
			if (push(s, DEL, head + i, head) < 0)
				rc = -1;
		for (size_t j = 0; j < m; j++)
			if (push(s, INS, head + n, head + j) < 0)
				rc = -1;
	}
	free(rev.v);
	for (size_t i = 0; i < tail && rc == 0; i++)
		if (push(s, EQ, head + n + i, head + m + i) < 0)
			rc = -1;
	return rc;
}

/* The 1-based line number in its text of line i of l. */
static size_t line_no(const struct lines *l, size_t i)
{
	return (l->no ? l->no[i] : i) + 1;
}

/* "l,n" of a hunk range, as diff -u prints it: ",1" is left out, and an
 * empty range names the line before it. */
static void print_range(FILE *f, const struct lines *l, size_t start, size_t count)
{
	if (count == 1)
		fprintf(f, "%zu", line_no(l, start));
	else if (count)
		fprintf(f, "%zu,%zu", line_no(l, start), count);
	else
		fprintf(f, "%zu,0", start ? line_no(l, start - 1) : 0);
}

static void print_hunk(FILE *f, const struct script *s, size_t from, size_t to,
		       const struct lines *a, const struct lines *b)
{
	size_t na = 0, nb = 0;

	for (size_t i = from; i < to; i++) {
		na += s->v[i].e != INS;
		nb += s->v[i].e != DEL;
	}
	fputs("@@ -", f);
	print_range(f, a, s->v[from].ai, na);
	fputs(" +", f);
	print_range(f, b, s->v[from].bi, nb);
	fputs(" @@\n", f);
	for (size_t i = from; i < to; i++) {
		const struct op *o = &s->v[i];

		if (o->e == EQ)
			fprintf(f, " %s\n", a->v[o->ai]);
		else if (o->e == DEL)
			fprintf(f, "-%s\n", a->v[o->ai]);
		else
			fprintf(f, "+%s\n", b->v[o->bi]);
	}
}

/* Next change at or after i, or s->n. */
static size_t next_change(const struct script *s, size_t i)
{
	while (i < s->n && s->v[i].e == EQ)
		i++;
	return i;
}

long diff_unified(FILE *f, const char *name_a, const struct lines *a, const char *name_b,
		  const struct lines *b, int context)
{
	struct script s = {0};
	size_t ctx = context < 0 ? 0 : (size_t)context, i;
	long changes = 0;

	if (edit_script(&s, a, b) < 0) {
		free(s.v);
		return -1;
	}
	for (i = 0; i < s.n; i++)
		changes += s.v[i].e != EQ;
	if (changes)
		fprintf(f, "--- %s\n+++ %s\n", name_a, name_b);
	i = next_change(&s, 0);
	while (i < s.n) {
		size_t from = i > ctx ? i - ctx : 0, end = i, nx;

		/* Take in following changes while the gap between them is
		 * short enough that their contexts would touch. */
		for (;;) {
			while (end < s.n && s.v[end].e != EQ)
				end++;
			nx = next_change(&s, end);
			if (nx >= s.n || nx - end > 2 * ctx)
				break;
			end = nx;
		}
		end = end + ctx < s.n ? end + ctx : s.n;
		print_hunk(f, &s, from, end, a, b);
		i = nx;
	}
	free(s.v);
	return changes;
}

/* Leave out the output lines that match one of the expressions; the lines
 * kept remember their numbers. */
static int leave_out(struct lines *l, const regex_t *re, size_t nre)
{
	size_t k = 0;

	if (!nre)
		return 0;
	l->no = malloc((l->n ? l->n : 1) * sizeof(*l->no));
	if (!l->no)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		struct prompt p;
		const char *why;
		bool out = false;

		if (l->v[i][0] != '#' && prompt_parse(l->v[i], &p, &why) == 0)
			for (size_t j = 0; j < nre && !out; j++)
				out = regexec(&re[j], l->v[i], 0, NULL, 0) == 0;
		if (out) {
			free(l->v[i]);
			continue;
		}
		l->v[k] = l->v[i];
		l->no[k++] = i;
	}
	l->n = k;
	return 0;
}

int check_transcript(FILE *f, const char *file, const char *expected, const char *actual,
		     char *const *varies, size_t nvaries)
{
	regex_t *re = nvaries ? calloc(nvaries, sizeof(*re)) : NULL;
	struct lines a, b;
	char *na = NULL, *nb = NULL;
	long r = -1;
	size_t nre = 0;

	if (nvaries && !re)
		return -1;
	for (; nre < nvaries; nre++)
		if (regcomp(&re[nre], varies[nre], REG_EXTENDED | REG_NOSUB))
			goto out;
	if (lines_split(expected, &a) < 0)
		goto out;
	if (lines_split(actual, &b) < 0) {
		lines_free(&a);
		goto out;
	}
	if (leave_out(&a, re, nre) == 0 && leave_out(&b, re, nre) == 0 &&
	    asprintf(&na, "%s (expected)", file) >= 0 && asprintf(&nb, "%s (actual)", file) >= 0)
		r = diff_unified(f, na, &a, nb, &b, 3);
	free(na);
	free(nb);
	lines_free(&a);
	lines_free(&b);
out:
	for (size_t i = 0; i < nre; i++)
		regfree(&re[i]);
	free(re);
	return r < 0 ? -1 : r > 0;
}
