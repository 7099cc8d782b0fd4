/* The timeline's time axis: microseconds and seconds in one picture.
 *
 * Knots are the instants where something is drawn (a state change, a
 * marker, a command starting or ending).  Between two neighbouring knots
 * time is linear; the width an interval gets grows with the logarithm of
 * its length:  w(d) = 0.35 + log10(1 + d / 1 us).  So 1 us between two
 * events gets 0.65 units, 10 us 1.4, 3 ms 3.8 and 2 s 6.7: a burst of
 * events microseconds apart is spread out, an idle second shrinks to a
 * few times that, and the order of things is never lost.  Intervals of
 * 1 ms or more are drawn as breaks with their length written on them
 * (docs/timeline.md).  When there are more than TL_MAX_KNOTS knots, knots
 * closer than a growing minimum distance join the knot before them (that
 * stretch is then linear), so the picture's width stays bounded. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tl_priv.h"

#define TL_MAX_KNOTS 400

static int cmp_time(const void *a, const void *b)
{
	sim_time_t x = *(const sim_time_t *)a, y = *(const sim_time_t *)b;

	return x < y ? -1 : x > y;
}

static double gap_width(sim_time_t d)
{
	return 0.35 + log10(1.0 + (double)d / 1000.0);
}

/* Which events fix a knot: those drawn as markers of their own. */
static bool ev_is_knot(const struct tl_ev *ev)
{
	switch (ev->kind) {
	case TLE_IO:
	case TLE_MASK:
	case TLE_LOG:
		return false;
	default:
		return true;
	}
}

static sim_time_t first_command(const struct tl *tl)
{
	for (size_t i = 0; i < tl->nev; i++)
		if (tl->evs[i].kind == TLE_CMD)
			return tl->evs[i].t;
	return 0;
}

struct tbuf {
	sim_time_t *t, from;
	size_t n, cap;
	bool nomem;
};

static void tadd(struct tbuf *b, sim_time_t v)
{
	sim_time_t *nt;

	if (b->nomem || v < b->from)
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		nt = realloc(b->t, b->cap * sizeof(*nt));
		if (!nt) {
			b->nomem = true;
			return;
		}
		b->t = nt;
	}
	b->t[b->n++] = v;
}

void tl_axis_build(struct tl_axis *ax, const struct tl *tl, double x0, double width)
{
	struct tbuf b = {.from = first_command(tl)};
	sim_time_t *t, dmin;
	double total = 0, *w;
	size_t n, k;

	memset(ax, 0, sizeof(*ax));
	ax->x0 = x0;
	ax->width = width;
	tadd(&b, b.from);
	for (size_t i = 0; i < tl->nev; i++) {
		const struct tl_ev *ev = &tl->evs[i];

		if (!ev_is_knot(ev))
			continue;
		tadd(&b, ev->t);
		if (ev->t_end != ev->t)
			tadd(&b, ev->t_end);
	}
	for (size_t i = 0; i < tl->nrows; i++)
		for (size_t s = 0; s < tl->rows[i].nseg; s++)
			tadd(&b, tl->rows[i].seg[s].t);
	if (b.nomem || !b.n) {
		free(b.t);
		return;
	}
	t = b.t;
	n = b.n;
	qsort(t, n, sizeof(*t), cmp_time);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || t[i] != t[k - 1])
			t[k++] = t[i];
	n = k;
	/* Too many knots: join close ones, doubling the distance. */
	for (dmin = 100; n > TL_MAX_KNOTS; dmin *= 2) {
		k = 1;
		for (size_t i = 1; i < n; i++)
			if (t[i] - t[k - 1] >= dmin || i == n - 1)
				t[k++] = t[i];
		n = k;
	}
	w = malloc(n * sizeof(*w));
	if (!w) {
		free(t);
		return;
	}
	/* Three more units after the last knot: the states as they ended. */
	w[0] = 0;
	for (size_t i = 1; i < n; i++) {
		total += gap_width(t[i] - t[i - 1]);
		w[i] = total;
	}
	total += 3.0;
	for (size_t i = 0; i < n; i++)
		w[i] = x0 + w[i] / total * width;
	ax->knot = t;
	ax->x = w;
	ax->n = n;
	ax->t0 = t[0];
	ax->t1 = t[n - 1];
}

double tl_axis_x(const struct tl_axis *ax, sim_time_t t)
{
	size_t lo = 0, hi;

	if (!ax->n || t <= ax->knot[0])
		return ax->x0;
	if (t >= ax->knot[ax->n - 1])
		return ax->x[ax->n - 1];
	hi = ax->n - 1;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ax->knot[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return ax->x[lo] + (ax->x[hi] - ax->x[lo]) * (double)(t - ax->knot[lo]) /
				   (double)(ax->knot[hi] - ax->knot[lo]);
}

void tl_axis_free(struct tl_axis *ax)
{
	free(ax->knot);
	free(ax->x);
	memset(ax, 0, sizeof(*ax));
}

void tl_fmt_time(char *buf, size_t len, sim_time_t t)
{
	snprintf(buf, len, "%llu.%06llu s", (unsigned long long)(t / SIM_S),
		 (unsigned long long)(t % SIM_S / SIM_US));
}

static void fmt3(char *buf, size_t len, double v, const char *unit)
{
	if (v >= 100 || v == floor(v))
		snprintf(buf, len, "%.0f %s", v, unit);
	else if (v >= 10)
		snprintf(buf, len, "%.1f %s", v, unit);
	else
		snprintf(buf, len, "%.2f %s", v, unit);
}

void tl_fmt_span(char *buf, size_t len, sim_time_t d)
{
	if (d < SIM_US)
		snprintf(buf, len, "%llu ns", (unsigned long long)d);
	else if (d < SIM_MS)
		fmt3(buf, len, (double)d / SIM_US, "\xc2\xb5s");
	else if (d < SIM_S)
		fmt3(buf, len, (double)d / SIM_MS, "ms");
	else
		fmt3(buf, len, (double)d / SIM_S, "s");
}
