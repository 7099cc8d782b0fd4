/* The timeline as a picture: SVG, or an HTML page with the same SVG and
 * hover details (an inline script; no external script, style or font).
 * Legend and time axis: docs/timeline.md. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arch/crw.h"
#include "cli/tl_priv.h"

#define W	   1200.0
#define LEFT	   150.0
#define RIGHT	   14.0
#define ROW_H	   16.0
#define BAR_Y	   1.5
#define BAR_H	   11.0
#define BLOCK_GAP  5.0
#define GROUP_HEAD 22.0
#define LANE_H	   14.0
#define MAX_LANES  12
#define CMD_CHARS  44
#define MONO_W	   6.3 /* px per character of 10.5px monospace */
#define SANS_W	   5.4 /* px per character of 9.5px sans-serif, about */

#define FONT	   "DejaVu Sans, Verdana, Arial, sans-serif"
#define MONO	   "DejaVu Sans Mono, Menlo, Consolas, monospace"

#define C_OK	   "#43a047"
#define C_OFF	   "#e53935"
#define C_NOTOPER  "#fb8c00"
#define C_VARY	   "#8e24aa"
#define C_UNUSED   "#c0a000"
#define C_IO	   "#263238"
#define C_PV	   "#1565c0"

struct out {
	FILE *f;
};

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			/* control characters are not allowed in XML 1.0 */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

static void title(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void title(FILE *f, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs("<title>", f);
	esc(f, buf);
	fputs("</title>", f);
}

/* ---- what a row's state means ---- */

static const char *state_color(int layer, uint32_t st)
{
	if (!(st & TS_PRESENT))
		return NULL;
	if (layer == TL_MACHINE) {
		if (TS_CFG(st) != 1 || !(st & TS_PAM))
			return C_OFF;
		if ((st & (TS_LINK | TS_GONE)) || !(st & TS_POM))
			return C_NOTOPER;
		return C_OK;
	}
	if (!(st & TS_PAM))
		return C_OFF;
	if (layer != TL_VMM && !(st & TS_VARY))
		return C_VARY;
	if (!(st & TS_POM) || (st & TS_GONE))
		return C_NOTOPER;
	if (layer != TL_VMM && (st & TS_INUSE) && !(st & TS_LPM))
		return C_UNUSED;
	return C_OK;
}

static const char *state_label(int layer, uint32_t st)
{
	if (!(st & TS_PRESENT))
		return "";
	if (layer == TL_MACHINE) {
		switch (TS_CFG(st)) {
		case 0:
			return "standby";
		case 2:
			return "reserved";
		case 3:
			return "not recognized";
		}
		if (st & TS_LINK)
			return "link failed";
		if (st & TS_GONE)
			return "device not operational";
		if (!(st & TS_PAM))
			return "PAM off";
		return (st & TS_POM) ? "configured, link up" : "POM off";
	}
	if (layer == TL_VMM && (st & TS_GONE))
		return "unplugged";
	if (!(st & TS_PAM))
		return layer == TL_VMM && (st & TS_DIRTY) ? "PAM off + news" : "PAM off";
	if (layer != TL_VMM && !(st & TS_VARY))
		return "varied off";
	if (!(st & TS_POM))
		return layer == TL_VMM && (st & TS_DIRTY) ? "POM off + news" : "POM off";
	if (layer == TL_VMM && (st & TS_DIRTY))
		return "PAM on + news not read";
	if (layer != TL_VMM && (st & TS_INUSE) && !(st & TS_LPM))
		return "PAM on, not used";
	return (st & TS_VPM) ? "PAM on, verified" : "PAM on";
}

static const char *const cfg_names[] = {"unknown", "standby", "configured", "reserved",
					"not recognized"};

static void state_details(char *buf, size_t len, int layer, uint32_t st)
{
	int cfg = TS_CFG(st) + 1;

	if (!(st & TS_PRESENT)) {
		snprintf(buf, len, "not present");
		return;
	}
	switch (layer) {
	case TL_MACHINE:
		snprintf(buf, len, "CHPID %s, link %s; subchannel: PIM %d PAM %d POM %d%s",
			 cfg_names[cfg], (st & TS_LINK) ? "failed" : "up", !!(st & TS_PIM),
			 !!(st & TS_PAM), !!(st & TS_POM),
			 (st & TS_GONE) ? "; device not operational" : "");
		break;
	case TL_VMM:
		snprintf(buf, len,
			 "guest subchannel (path fields from the SCHIB region's last read): "
			 "PIM %d PAM %d POM %d%s%s%s",
			 !!(st & TS_PIM), !!(st & TS_PAM), !!(st & TS_POM),
			 (st & TS_DIRTY) ? "; dirty: the host signalled news not yet read" : "",
			 (st & TS_STALE) ? "; an I/O interrupt since the last read" : "",
			 (st & TS_GONE) ? "; unplugged" : "");
		break;
	default:
		snprintf(
			buf, len,
			"subchannel (last STSCH): PIM %d PAM %d POM %d; cio: lpm %d opm %d vpm %d; "
			"lschp: Vary %d Cfg. %s",
			!!(st & TS_PIM), !!(st & TS_PAM), !!(st & TS_POM), !!(st & TS_LPM),
			!!(st & TS_OPM), !!(st & TS_VPM), !!(st & TS_VARY),
			cfg ? (char[2]){(char)('0' + cfg - 1), 0} : "-");
	}
}

static const char *const layer_titles[TL_NLAYER] = {"machine", "host OS", "VMM", "guest OS"};

/* ---- layout ---- */

struct row_pos {
	int row; /* index in tl->rows */
	double y;
};

struct layout {
	struct tl_axis ax;
	double lanes_y;
	int nlanes;
	int *cmd_lane;	/* per event index (commands only), -1 none */
	double *cmd_x;	/* where the command's label starts */
	bool *cmd_full; /* the whole label, or only the number */
	struct row_pos *rp;
	size_t nrp;
	double *group_y; /* header y per group */
	double rows_top, rows_bottom;
	double height;
};

static int row_at(const struct tl *tl, int g, int slot, int layer)
{
	return tl->groups[g].row[slot][layer];
}

static void cmd_label(char *buf, size_t len, const struct tl *tl, const struct tl_ev *ev, int n)
{
	char text[CMD_CHARS + 4];
	size_t l = strlen(ev->text);

	if (l > CMD_CHARS)
		snprintf(text, sizeof(text), "%.*s...", CMD_CHARS - 3, ev->text);
	else
		snprintf(text, sizeof(text), "%s", ev->text);
	snprintf(buf, len, "%d %s# %s", n, tl->nodes[ev->node], text);
}

static void layout(struct layout *lo, const struct tl *tl)
{
	double lane_end[MAX_LANES], y;
	int ncmd = 0;

	memset(lo, 0, sizeof(*lo));
	tl_axis_build(&lo->ax, tl, LEFT, W - LEFT - RIGHT);
	lo->cmd_lane = calloc(tl->nev ? tl->nev : 1, sizeof(*lo->cmd_lane));
	lo->cmd_x = calloc(tl->nev ? tl->nev : 1, sizeof(*lo->cmd_x));
	lo->cmd_full = calloc(tl->nev ? tl->nev : 1, sizeof(*lo->cmd_full));
	for (int i = 0; i < MAX_LANES; i++)
		lane_end[i] = -1e9;
	for (size_t i = 0; i < tl->nev; i++) {
		const struct tl_ev *ev = &tl->evs[i];
		char label[128];
		double x, wl, lx;
		int lane = -1;

		if (!lo->cmd_lane || !lo->cmd_x || !lo->cmd_full)
			break;
		lo->cmd_lane[i] = -1;
		if (ev->kind != TLE_CMD)
			continue;
		cmd_label(label, sizeof(label), tl, ev, ++ncmd);
		x = tl_axis_x(&lo->ax, ev->t);
		wl = strlen(label) * MONO_W + 8;
		for (int l = 0; l < MAX_LANES; l++)
			if (lane_end[l] <= x) {
				lane = l;
				break;
			}
		lx = x;
		if (lane < 0) {
			/* every lane busy here: the one free soonest, the label
			 * after its last one, with a leader from the tick */
			for (int l = 0; l < MAX_LANES; l++)
				if (lane < 0 || lane_end[l] < lane_end[lane])
					lane = l;
			lx = lane_end[lane] + 2;
		}
		lo->cmd_full[i] = lx + wl <= W - RIGHT;
		if (!lo->cmd_full[i]) /* the number only */
			wl = snprintf(NULL, 0, "%d", ncmd) * MONO_W + 8;
		lo->cmd_lane[i] = lane;
		lo->cmd_x[i] = lx;
		lane_end[lane] = lx + wl;
		if (lane + 1 > lo->nlanes)
			lo->nlanes = lane + 1;
	}
	lo->lanes_y = 58;
	y = lo->lanes_y + lo->nlanes * LANE_H + 10;
	lo->rows_top = y;
	lo->rp = calloc(tl->nrows ? tl->nrows : 1, sizeof(*lo->rp));
	lo->group_y = calloc(tl->ngroups ? tl->ngroups : 1, sizeof(*lo->group_y));
	for (int g = 0; lo->rp && lo->group_y && g < tl->ngroups; g++) {
		lo->group_y[g] = y;
		y += GROUP_HEAD;
		for (int s = 0; s < tl->groups[g].nchp; s++) {
			bool any = false;

			for (int l = 0; l < TL_NLAYER; l++) {
				int r = row_at(tl, g, s, l);

				if (r < 0)
					continue;
				lo->rp[lo->nrp].row = r;
				lo->rp[lo->nrp].y = y;
				lo->nrp++;
				y += ROW_H;
				any = true;
			}
			if (any)
				y += BLOCK_GAP;
		}
		y += 4;
	}
	lo->rows_bottom = y;
}

static void layout_free(struct layout *lo)
{
	tl_axis_free(&lo->ax);
	free(lo->cmd_lane);
	free(lo->cmd_x);
	free(lo->cmd_full);
	free(lo->rp);
	free(lo->group_y);
}

/* ---- drawing ---- */

static double xr(const struct layout *lo)
{
	return lo->ax.x0 + lo->ax.width;
}

/* When a layer's row turns to the colour the machine's row turned to
 * last (it has caught up with the machine), how long after the machine:
 * -1 when it is not such a change. */
static long long lag_behind_machine(const struct tl *tl, const struct tl_row *r, size_t k)
{
	const struct tl_group *gr = &tl->groups[r->group];
	const struct tl_row *m = NULL;
	const char *c = state_color(r->layer, r->seg[k].state);
	long long lag = -1;

	if (r->layer == TL_MACHINE || !k || !c || !state_color(r->layer, r->seg[k - 1].state) ||
	    !strcmp(c, state_color(r->layer, r->seg[k - 1].state)))
		return -1;
	for (int i = 0; i < gr->nchp; i++)
		if (gr->chpid[i] == r->chpid && gr->row[i][TL_MACHINE] >= 0)
			m = &tl->rows[gr->row[i][TL_MACHINE]];
	if (!m)
		return -1;
	for (size_t j = 1; j < m->nseg && m->seg[j].t <= r->seg[k].t; j++) {
		const char *a = state_color(TL_MACHINE, m->seg[j - 1].state);
		const char *b = state_color(TL_MACHINE, m->seg[j].state);

		if (a && b && strcmp(a, b))
			lag = strcmp(b, c) ? -1 : (long long)(r->seg[k].t - m->seg[j].t);
	}
	return lag;
}

struct marks;
static double label_x(const struct marks *ms, double a, double b, double w);

static void draw_row_segments(FILE *f, const struct tl *tl, const struct layout *lo,
			      const struct row_pos *p, const struct marks *ms)
{
	const struct tl_row *r = &tl->rows[p->row];
	char det[512], t0[32], t1[32], text[96];

	for (size_t k = 0; k < r->nseg; k++) {
		uint32_t st = r->seg[k].state;
		const char *color = state_color(r->layer, st), *label;
		sim_time_t from = r->seg[k].t;
		double a, b;

		if (k + 1 < r->nseg && r->seg[k + 1].t <= lo->ax.t0)
			continue; /* over before the picture starts */
		a = tl_axis_x(&lo->ax, from);
		b = k + 1 < r->nseg ? tl_axis_x(&lo->ax, r->seg[k + 1].t) : xr(lo);
		if (!color || b - a < 0.05)
			continue;
		label = state_label(r->layer, st);
		state_details(det, sizeof(det), r->layer, st);
		{
			long long lag = lag_behind_machine(tl, r, k);
			char d[32];

			if (lag >= 0) {
				tl_fmt_span(d, sizeof(d), (sim_time_t)lag);
				snprintf(text, sizeof(text), "%s \xc2\xb7 machine +%s", label, d);
				label = text;
			}
		}
		tl_fmt_time(t0, sizeof(t0), from < lo->ax.t0 ? lo->ax.t0 : from);
		if (k + 1 < r->nseg)
			tl_fmt_time(t1, sizeof(t1), r->seg[k + 1].t);
		else
			snprintf(t1, sizeof(t1), "the end");
		fprintf(f,
			"<g class=\"seg\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>",
			a, p->y + BAR_Y, b - a, BAR_H, color);
		if (r->layer == TL_VMM && (st & TS_DIRTY))
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"url(#news)\"/>",
				a, p->y + BAR_Y, b - a, BAR_H);
		{
			double lx = label_x(ms, a, b, strlen(label) * SANS_W);

			if (lx < 0 && label == text) {
				label = state_label(r->layer, st);
				lx = label_x(ms, a, b, strlen(label) * SANS_W);
			}
			if (lx < 0 && r->layer == TL_VMM && (st & TS_DIRTY)) {
				label = "news";
				lx = label_x(ms, a, b, strlen(label) * SANS_W);
			}
			if (lx >= 0)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"sl\">%s</text>", lx,
					p->y + BAR_Y + 8.5, label);
		}
		title(f, "CHPID 0.%02x, %s, %s to %s: %s", r->chpid, layer_titles[r->layer], t0, t1,
		      det);
		fputs("</g>\n", f);
	}
}

/* Does event ev belong on row r?  (docs/timeline.md: where markers go) */
static bool ev_on_row(const struct tl *tl, const struct tl_ev *ev, const struct tl_row *r)
{
	const struct tl_group *g = &tl->groups[r->group];

	if (ev->layer != r->layer)
		return false;
	if (ev->group >= 0 && ev->group != r->group)
		return false;
	if (ev->chpid >= 0 && ev->chpid != r->chpid)
		return false;
	if (ev->group < 0 && (r->layer == TL_GUEST || r->layer == TL_VMM) &&
	    (!g->pt || strcmp(tl->nodes[ev->node], g->vm)))
		return false;
	return true;
}

static const char *ev_name(const struct tl_ev *ev)
{
	switch (ev->kind) {
	case TLE_CRW:
		return ev->layer == TL_MACHINE ? "CRW queued" : "CRW stored (STCRW)";
	case TLE_CRW_LOST:
		return "CRW queue overflow";
	case TLE_MCHK:
		return "channel-report machine check";
	case TLE_STSCH:
		return "STSCH";
	case TLE_REGION:
		return "SCHIB region read (a host STSCH)";
	case TLE_VCRW:
		return "CRW region drained";
	case TLE_PV:
		return "path verification";
	default:
		return "";
	}
}

static void ev_details(char *buf, size_t len, const struct tl_ev *ev)
{
	struct crw c;

	switch (ev->kind) {
	case TLE_CRW:
		crw_decode(ev->a, &c);
		snprintf(buf, len, "%08x: rsc %x erc %x rsid %02x%s%s", ev->a, c.rsc, c.erc, c.rsid,
			 c.oflw ? ", overflow" : "", c.anc ? ", ancillary" : "");
		break;
	case TLE_CRW_LOST:
		snprintf(buf, len, "%u report(s) lost", ev->a);
		break;
	case TLE_STSCH:
	case TLE_REGION:
		snprintf(buf, len, "PIM %02x PAM %02x POM %02x", ev->a >> 16 & 0xff,
			 ev->a >> 8 & 0xff, ev->a & 0xff);
		break;
	case TLE_VCRW:
		snprintf(buf, len, "%u CRW(s)", ev->a);
		break;
	case TLE_PV:
		snprintf(buf, len, "command %02x on path mask %02x, status %04x", ev->b >> 16,
			 ev->a, ev->b & 0xffff);
		break;
	default:
		buf[0] = '\0';
	}
}

static void glyph(FILE *f, int kind, double x, double y)
{
	switch (kind) {
	case TLE_CRW:
	case TLE_VCRW:
		fprintf(f, "<path d=\"M%.1f %.1fh8l-4 6.5z\" class=\"m-crw\"/>", x - 4, y - 1.5);
		break;
	case TLE_CRW_LOST:
		fprintf(f, "<path d=\"M%.1f %.1fl6 6m0 -6l-6 6\" class=\"m-lost\"/>", x - 3, y);
		break;
	case TLE_MCHK:
		fprintf(f, "<path d=\"M%.1f %.1fl4 4.5-4 4.5-4-4.5z\" class=\"m-mchk\"/>", x,
			y + 1);
		break;
	case TLE_STSCH:
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.7\" class=\"m-stsch\"/>", x,
			y + BAR_H / 2 + BAR_Y);
		break;
	case TLE_REGION:
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"5.4\" height=\"5.4\" class=\"m-stsch\"/>",
			x - 2.7, y + BAR_H / 2 + BAR_Y - 2.7);
		break;
	case TLE_PV:
		fprintf(f, "<path d=\"M%.1f %.1fl3.5 -5.5 3.5 5.5z\" class=\"m-pv\"/>", x - 3.5,
			y + BAR_Y + BAR_H + 1);
		break;
	}
}

struct mark {
	int kind;
	double x;
	const struct tl_ev *ev;
	unsigned count;
};

struct marks {
	struct mark *v;
	size_t n, cap;
};

static void marks_push(struct marks *ms, struct mark *m)
{
	struct mark *nv;

	if (!m->count)
		return;
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? 2 * ms->cap : 32;
		nv = realloc(ms->v, ms->cap * sizeof(*nv));
		if (!nv) {
			ms->cap = ms->n;
			return;
		}
		ms->v = nv;
	}
	ms->v[ms->n++] = *m;
	m->count = 0;
}

static int mark_cmp(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return x->ev < y->ev ? -1 : x->ev > y->ev;
}

static void mark_draw(FILE *f, const struct mark *m, double x, const struct row_pos *p,
		      const struct tl_row *r)
{
	char det[160], t[32];

	tl_fmt_time(t, sizeof(t), m->ev->t);
	ev_details(det, sizeof(det), m->ev);
	fputs("<g class=\"mk\">", f);
	glyph(f, m->kind, x, p->y);
	if (m->count > 1)
		title(f, "%s, CHPID 0.%02x: %u x %s from %s (first: %s)", layer_titles[r->layer],
		      r->chpid, m->count, ev_name(m->ev), t, det);
	else
		title(f, "%s at %s, %s, CHPID 0.%02x%s%s", ev_name(m->ev), t,
		      layer_titles[r->layer], r->chpid, det[0] ? ": " : "", det);
	fputs("</g>\n", f);
}

/* Markers at (nearly) one spot stand side by side in the order they
 * happened, so that a machine check, the CRW it brings and the STSCH
 * that follows can all be seen. */
static void marks_place(struct marks *ms)
{
	double last = -1e9;

	if (!ms->n)
		return;
	qsort(ms->v, ms->n, sizeof(*ms->v), mark_cmp);
	for (size_t i = 0; i < ms->n; i++) {
		ms->v[i].x = fmax(ms->v[i].x, last + 7.0);
		last = ms->v[i].x;
	}
}

/* Where a label of width w fits in [a, b] without covering a marker:
 * from the left, past the markers in its way; -1 when it does not fit. */
static double label_x(const struct marks *ms, double a, double b, double w)
{
	double x = a + 3;

	for (size_t i = 0; i < ms->n; i++) {
		double m = ms->v[i].x;

		if (m + 5 < x)
			continue;
		if (m - 5 > x + w)
			break;
		x = m + 6;
	}
	return x + w + 3 <= b ? x : -1;
}

static void marks_draw(FILE *f, const struct marks *ms, const struct row_pos *p,
		       const struct tl_row *r)
{
	for (size_t i = 0; i < ms->n; i++)
		mark_draw(f, &ms->v[i], ms->v[i].x, p, r);
}

struct iorun {
	double a, b;
	sim_time_t t0, t1;
	unsigned n;
	bool pv;
};

struct ioruns {
	struct iorun *v;
	size_t n, cap;
};

static void io_push(struct ioruns *rs, struct iorun *io)
{
	struct iorun *nv;

	if (!io->n)
		return;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 16;
		nv = realloc(rs->v, rs->cap * sizeof(*nv));
		if (!nv) {
			rs->cap = rs->n;
			return;
		}
		rs->v = nv;
	}
	rs->v[rs->n++] = *io;
	io->n = 0;
}

static void io_draw(FILE *f, const struct iorun *io, const struct row_pos *p,
		    const struct tl_row *r)
{
	char t0[32], t1[32], d[32];

	tl_fmt_time(t0, sizeof(t0), io->t0);
	tl_fmt_time(t1, sizeof(t1), io->t1);
	tl_fmt_span(d, sizeof(d), io->t1 - io->t0);
	fprintf(f,
		"<g class=\"io\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"3\" fill=\"%s\"/>",
		io->a, p->y + BAR_Y + BAR_H - 3, fmax(io->b - io->a, 1.0), io->pv ? C_PV : C_IO);
	title(f, "%s, CHPID 0.%02x: %u %s from %s to %s (%s)", layer_titles[r->layer], r->chpid,
	      io->n,
	      io->pv	   ? "path-verification I/O"
	      : io->n == 1 ? "I/O"
			   : "I/Os",
	      t0, t1, d);
	fputs("</g>\n", f);
}

/* Markers of one row, merged per kind when they fall on the same spot,
 * and its I/O as bars, merged into runs where they touch: the picture's
 * size is bounded by its width, not by the number of I/Os. */
static void collect_row_events(const struct tl *tl, const struct layout *lo, const struct tl_row *r,
			       struct marks *ms, struct ioruns *rs)
{
	struct mark cur[TLE_LOG + 1];
	struct iorun io[2];

	memset(cur, 0, sizeof(cur));
	memset(io, 0, sizeof(io));
	for (size_t i = 0; i < tl->nev; i++) {
		const struct tl_ev *ev = &tl->evs[i];
		struct mark *m;
		double x;

		if (ev->t_end < lo->ax.t0 || !ev_on_row(tl, ev, r))
			continue;
		if (ev->kind == TLE_IO || ev->kind == TLE_PV) {
			struct iorun *run = &io[ev->kind == TLE_PV];
			double a = tl_axis_x(&lo->ax, ev->t), b = tl_axis_x(&lo->ax, ev->t_end);

			if (run->n && a > run->b + 1.5)
				io_push(rs, run);
			if (!run->n) {
				run->a = a;
				run->b = a;
				run->t0 = ev->t;
				run->pv = ev->kind == TLE_PV;
			}
			run->b = fmax(run->b, b);
			run->t1 = ev->t_end;
			run->n++;
			if (ev->kind == TLE_IO)
				continue;
		}
		switch (ev->kind) {
		case TLE_CRW:
		case TLE_CRW_LOST:
		case TLE_MCHK:
		case TLE_STSCH:
		case TLE_REGION:
		case TLE_VCRW:
		case TLE_PV:
			break;
		default:
			continue;
		}
		/* the same kind again at the same spot: one marker, counted */
		m = &cur[ev->kind];
		x = tl_axis_x(&lo->ax, ev->t);
		if (m->count && fabs(x - m->x) < 2.0) {
			m->count++;
			continue;
		}
		marks_push(ms, m);
		m->kind = ev->kind;
		m->x = x;
		m->ev = ev;
		m->count = 1;
	}
	io_push(rs, &io[0]);
	io_push(rs, &io[1]);
	for (int k = 0; k <= TLE_LOG; k++)
		marks_push(ms, &cur[k]);
	marks_place(ms);
}

static void draw_row(FILE *f, const struct tl *tl, const struct layout *lo, const struct row_pos *p)
{
	const struct tl_row *r = &tl->rows[p->row];
	struct marks ms = {0};
	struct ioruns rs = {0};

	collect_row_events(tl, lo, r, &ms, &rs);
	draw_row_segments(f, tl, lo, p, &ms);
	for (size_t i = 0; i < rs.n; i++)
		io_draw(f, &rs.v[i], p, r);
	marks_draw(f, &ms, p, r);
	free(ms.v);
	free(rs.v);
}

static void draw_commands(FILE *f, const struct tl *tl, const struct layout *lo)
{
	int n = 0;

	for (size_t i = 0; i < tl->nev; i++) {
		const struct tl_ev *ev = &tl->evs[i];
		char label[128], t0[32], d[32];
		double x, y;

		if (ev->kind != TLE_CMD || !lo->cmd_lane)
			continue;
		n++;
		x = tl_axis_x(&lo->ax, ev->t);
		y = lo->lanes_y + lo->cmd_lane[i] * LANE_H;
		cmd_label(label, sizeof(label), tl, ev, n);
		tl_fmt_time(t0, sizeof(t0), ev->t);
		tl_fmt_span(d, sizeof(d), ev->t_end - ev->t);
		fprintf(f,
			"<g class=\"cmd\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"cl\"/>",
			x, y + 2, x, lo->rows_bottom);
		if (ev->t_end > ev->t)
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"3\" class=\"cd\"/>",
				x, y + LANE_H - 4, fmax(tl_axis_x(&lo->ax, ev->t_end) - x, 1.0));
		if (lo->cmd_x[i] > x + 1)
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"cl\"/>",
				x, y + 5, lo->cmd_x[i], y + 5);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"ct\">", lo->cmd_x[i] + 2.5,
			y + 8.5);
		if (lo->cmd_full[i]) {
			esc(f, label);
		} else {
			char num[16];

			snprintf(num, sizeof(num), "%d", n);
			esc(f, num);
		}
		fputs("</text>", f);
		title(f, "command %d at %s on %s (took %s): %s", n, t0, tl->nodes[ev->node], d,
		      ev->text);
		fputs("</g>\n", f);
	}
}

static void draw_axis(FILE *f, const struct layout *lo)
{
	const struct tl_axis *ax = &lo->ax;
	double y = lo->rows_bottom + 4, last_label = -1e9;

	fprintf(f,
		"<g class=\"axis\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"al\"/>\n",
		ax->x0, y, xr(lo), y);
	for (size_t i = 0; i < ax->n; i++) {
		char buf[32];
		bool after_break = i == 0 || ax->knot[i] - ax->knot[i - 1] >= SIM_MS;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"at\"/>",
			ax->x[i], y, ax->x[i], y + 3);
		if (i + 1 < ax->n && ax->knot[i + 1] - ax->knot[i] >= SIM_MS) {
			/* a break: the interval is drawn much shorter than it is */
			double m = (ax->x[i] + ax->x[i + 1]) / 2;

			tl_fmt_span(buf, sizeof(buf), ax->knot[i + 1] - ax->knot[i]);
			fprintf(f, "<path d=\"M%.1f %.1fl3 -6m1 6l3 -6\" class=\"ab\"/>", m - 3.5,
				y + 3);
			if (ax->x[i + 1] - ax->x[i] > strlen(buf) * 5.2 + 4)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"ag\">%s</text>", m,
					y + 27, buf);
		} else if (i + 1 < ax->n) {
			/* a short interval: its length where there is room */
			double m = (ax->x[i] + ax->x[i + 1]) / 2;

			tl_fmt_span(buf, sizeof(buf), ax->knot[i + 1] - ax->knot[i]);
			if (ax->x[i + 1] - ax->x[i] > strlen(buf) * 5.2 + 6)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"ag\">%s</text>", m,
					y + 27, buf);
		}
		if (after_break && ax->x[i] - last_label > 62) {
			tl_fmt_time(buf, sizeof(buf), ax->knot[i]);
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"av\">%s</text>", ax->x[i],
				y + 14, buf);
			last_label = ax->x[i];
		}
		fputc('\n', f);
	}
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" class=\"an\">simulated time (log-gap axis: "
		"each gap between events is drawn log-scaled; breaks show their length)</text></g>\n",
		ax->x0, y + 40);
}

static void swatch(FILE *f, double *x, double *y, const char *color, bool news, const char *text)
{
	if (*x + 36 + strlen(text) * 5.6 > W - RIGHT) {
		*x = 12;
		*y += 18;
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"10\" fill=\"%s\"/>", *x, *y,
		color);
	if (news)
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"10\" fill=\"url(#news)\"/>",
			*x, *y);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">", *x + 22, *y + 9);
	esc(f, text);
	fputs("</text>\n", f);
	*x += 22 + strlen(text) * 5.6 + 14;
}

static void legend_mark(FILE *f, double *x, double y, int kind, const char *text)
{
	glyph(f, kind, *x + 4, y - 1);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">", *x + 12, y + 9);
	esc(f, text);
	fputs("</text>\n", f);
	*x += 12 + strlen(text) * 5.6 + 14;
}

static double draw_legend(FILE *f, double y)
{
	double x = 12;

	fputs("<g class=\"legend\">\n", f);
	swatch(f, &x, &y, C_OK, false, "path available (PAM and POM)");
	swatch(f, &x, &y, C_OFF, false, "not available (PAM off, standby)");
	swatch(f, &x, &y, C_NOTOPER, false, "not operational (POM off, link failed)");
	swatch(f, &x, &y, C_UNUSED, false,
	       "OS: not in the lpm of an enabled subchannel (not used)");
	swatch(f, &x, &y, C_VARY, false, "varied off (OS)");
	swatch(f, &x, &y, C_OK, true, "VMM: host signalled news not yet read");
	y += 18;
	x = 12;
	legend_mark(f, &x, y, TLE_CRW, "CRW (queued, drained, stored)");
	legend_mark(f, &x, y, TLE_MCHK, "machine check");
	legend_mark(f, &x, y, TLE_STSCH, "STSCH");
	legend_mark(f, &x, y, TLE_REGION, "SCHIB region read");
	legend_mark(f, &x, y, TLE_PV, "path verification");
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"3\" fill=\"%s\"/>", x, y + 5,
		C_IO);
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">I/O: SSCH to final interruption</text>\n",
		x + 22, y + 9);
	fputs("</g>\n", f);
	return y + 18;
}

static void draw_group_head(FILE *f, const struct tl *tl, int g, double y)
{
	const struct tl_group *gr = &tl->groups[g];

	fprintf(f, "<text x=\"8\" y=\"%.1f\" class=\"gh\">", y + 15);
	fprintf(f, "device 0.%x.%04x on host subchannel 0.%x.%04x", gr->ssid, gr->devno, gr->ssid,
		gr->sch_no);
	if (gr->pt) {
		fputs(" \xe2\x86\x92 VM ", f);
		esc(f, gr->vm);
		fprintf(f, ": device 0.0.%04x on subchannel 0.0.%04x, chpsync=%s", gr->guest_devno,
			gr->guest_schno, gr->policy);
	}
	fputs("</text>\n", f);
}

static void draw_row_labels(FILE *f, const struct tl *tl, const struct layout *lo)
{
	for (size_t i = 0; i < lo->nrp; i++) {
		const struct tl_row *r = &tl->rows[lo->rp[i].row];
		double y = lo->rp[i].y;

		if (i == 0 || tl->rows[lo->rp[i - 1].row].chpid != r->chpid ||
		    tl->rows[lo->rp[i - 1].row].group != r->group)
			fprintf(f, "<text x=\"8\" y=\"%.1f\" class=\"rc\">CHPID 0.%02x</text>",
				y + 10.5, r->chpid);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"rl\">%s</text>\n", LEFT - 6,
			y + 10.5, layer_titles[r->layer]);
	}
}

static const char svg_style[] =
	"<style>\n"
	"text{font-family:" FONT ";fill:#212121}\n"
	".tt{font-size:15px;font-weight:bold}.st{font-size:11px;fill:#555}\n"
	".gh{font-size:12px;font-weight:bold}.rc{font-size:11px;font-weight:bold}\n"
	".rl{font-size:10.5px;text-anchor:end;fill:#424242}\n"
	".sl{font-size:9.5px;fill:#fff}\n"
	".ct{font-family:" MONO ";font-size:10.5px}\n"
	".cl{stroke:#9e9e9e;stroke-width:.7;stroke-dasharray:2 3}\n"
	".cd{fill:#90a4ae}\n"
	".al{stroke:#424242;stroke-width:1}.at{stroke:#424242;stroke-width:.7}\n"
	".ab{stroke:#424242;stroke-width:1.2;fill:none}\n"
	".av{font-size:10px;text-anchor:start}.ag{font-size:9.5px;fill:#757575;text-anchor:middle}\n"
	".an{font-size:10px;fill:#757575}.lg{font-size:10px}\n"
	".m-crw{fill:#212121;stroke:#fff;stroke-width:.6}\n"
	".m-mchk{fill:#ffeb3b;stroke:#212121;stroke-width:.9}\n"
	".m-stsch{fill:#fff;stroke:#212121;stroke-width:1}\n"
	".m-pv{fill:" C_PV ";stroke:#fff;stroke-width:.5}\n"
	".m-lost{stroke:#212121;stroke-width:1.5}\n"
	"</style>\n";

/* The whole SVG element (no XML declaration). */
static int write_svg(FILE *f, const struct tl *tl)
{
	struct layout lo;
	double y;
	int ncmd = 0;

	layout(&lo, tl);
	if (!lo.ax.n || !lo.rp || !lo.cmd_lane || !lo.cmd_x || !lo.cmd_full || !lo.group_y) {
		layout_free(&lo);
		return -1;
	}
	for (size_t i = 0; i < tl->nev; i++)
		ncmd += tl->evs[i].kind == TLE_CMD;
	y = lo.rows_bottom + 56;
	lo.height = y + 58; /* the legend: up to three lines */
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" id=\"chpsync-timeline\">\n",
		W, lo.height, W, lo.height);
	fputs(svg_style, f);
	fputs("<defs><pattern id=\"news\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	      "patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"#000\" "
	      "fill-opacity=\".28\"/></pattern></defs>\n",
	      f);
	fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n", W, lo.height);
	fputs("<text x=\"8\" y=\"22\" class=\"tt\">", f);
	esc(f, tl->title);
	fputs("</text>\n", f);
	fprintf(f,
		"<text x=\"8\" y=\"40\" class=\"st\">each layer's view of each path over simulated "
		"time, from the first command (%d commands); hover for details</text>\n",
		ncmd);
	fputs("<g id=\"commands\">\n", f);
	draw_commands(f, tl, &lo);
	fputs("</g>\n<g id=\"rows\">\n", f);
	for (int g = 0; g < tl->ngroups; g++)
		draw_group_head(f, tl, g, lo.group_y[g]);
	draw_row_labels(f, tl, &lo);
	for (size_t i = 0; i < lo.nrp; i++) {
		const struct tl_row *r = &tl->rows[lo.rp[i].row];

		fprintf(f,
			"<g class=\"row\" data-layer=\"%s\" data-chpid=\"0.%02x\" data-sch=\"0.%x.%04x\">\n",
			tl_layer_name(r->layer), r->chpid, tl->groups[r->group].ssid,
			tl->groups[r->group].sch_no);
		draw_row(f, tl, &lo, &lo.rp[i]);
		fputs("</g>\n", f);
	}
	fputs("</g>\n", f);
	draw_axis(f, &lo);
	draw_legend(f, y);
	fputs("</svg>\n", f);
	layout_free(&lo);
	return 0;
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
static const char html_style[] =
	"</title>\n<style>\n"
	"body{margin:12px;background:#fafafa;font-family:" FONT "}\n"
	"#tip{position:fixed;display:none;pointer-events:none;max-width:560px;padding:5px 7px;"
	"background:#fffde7;border:1px solid #9e9e9e;font:12px " MONO ";white-space:pre-wrap;"
	"box-shadow:1px 1px 4px rgba(0,0,0,.2)}\n"
	".seg:hover rect,.mk:hover,.io:hover rect,.cmd:hover line{opacity:.75}\n"
	"</style>\n</head>\n<body>\n";
/* Hover details: each element's SVG <title> becomes the text of a panel
 * that follows the pointer (the titles are moved out of the SVG so that
 * the browser does not show its own tooltip as well). */
static const char html_tail[] =
	"<div id=\"tip\"></div>\n<script>\n"
	"(function(){\n"
	"  var tip=document.getElementById('tip');\n"
	"  var ts=document.querySelectorAll('#chpsync-timeline title');\n"
	"  for(var i=0;i<ts.length;i++){var p=ts[i].parentNode;"
	"p.setAttribute('data-tip',ts[i].textContent);p.removeChild(ts[i]);}\n"
	"  document.addEventListener('mousemove',function(e){\n"
	"    var el=e.target;while(el&&el.getAttribute&&!el.getAttribute('data-tip'))"
	"el=el.parentNode;\n"
	"    if(!el||!el.getAttribute){tip.style.display='none';return;}\n"
	"    tip.textContent=el.getAttribute('data-tip');tip.style.display='block';\n"
	"    var x=e.clientX+14,y=e.clientY+14;\n"
	"    if(x+tip.offsetWidth>window.innerWidth)x=e.clientX-tip.offsetWidth-8;\n"
	"    if(y+tip.offsetHeight>window.innerHeight)y=e.clientY-tip.offsetHeight-8;\n"
	"    tip.style.left=x+'px';tip.style.top=y+'px';\n"
	"  });\n"
	"})();\n</script>\n</body>\n</html>\n";

int tl_write_svg_file(struct tl *tl, FILE *f, bool html)
{
	if (html) {
		fputs(html_head, f);
		esc(f, tl->title);
		fputs(html_style, f);
	} else {
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	}
	if (write_svg(f, tl) < 0)
		return -1;
	if (html)
		fputs(html_tail, f);
	return ferror(f) ? -1 : 0;
}
