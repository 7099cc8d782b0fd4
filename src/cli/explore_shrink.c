/* chpsync explore: shrinking a failing plan.
 *
 * Greedy, smallest-first in the spirit of delta debugging: try to take
 * away a whole round, a guest, a control unit, a device, a path, a fault,
 * an operation, or to halve the blocks an operation or a region has; keep
 * each change after which the same invariant still fails, and start over
 * until nothing can be taken away (or the run budget is spent).  Every
 * edit keeps the plan consistent (indices renumbered, control units with
 * at least one path, guests with at least one device).
 */
#include <string.h>

#include "cli/explore.h"

/* ---- edits; each returns false when it does not apply ---- */

static void drop_fault(struct xp_plan *p, int i)
{
	memmove(&p->fault[i], &p->fault[i + 1], (size_t)(p->nfault - i - 1) * sizeof(p->fault[0]));
	p->nfault--;
}

static void drop_op(struct xp_plan *p, int i)
{
	memmove(&p->op[i], &p->op[i + 1], (size_t)(p->nop - i - 1) * sizeof(p->op[0]));
	p->nop--;
}

static bool fault_on_dev(int kind)
{
	return kind == XF_NOTOPER || kind == XF_MDEV;
}

static bool fault_on_chp(int kind)
{
	return kind == XF_LINK || kind == XF_CONFIG || kind == XF_VARY;
}

static bool edit_round(struct xp_plan *p, int r)
{
	if (p->nround <= 1 || r >= p->nround)
		return false;
	for (int i = p->nfault - 1; i >= 0; i--) {
		if (p->fault[i].round == r && p->fault[i].kind == XF_ACTIVATE)
			return false; /* the deck's devices are used later */
	}
	for (int i = p->nfault - 1; i >= 0; i--)
		if (p->fault[i].round == r)
			drop_fault(p, i);
		else if (p->fault[i].round > r)
			p->fault[i].round--;
	for (int i = p->nop - 1; i >= 0; i--)
		if (p->op[i].round == r)
			drop_op(p, i);
		else if (p->op[i].round > r)
			p->op[i].round--;
	p->nround--;
	return true;
}

/* Drop a device even if it is the last of its CU or guest (used by the
 * guest and CU edits, which then drop those too). */
static void drop_dev_hard(struct xp_plan *p, int d)
{
	for (int i = p->nop - 1; i >= 0; i--)
		if (p->op[i].dev == d)
			drop_op(p, i);
		else if (p->op[i].dev > d)
			p->op[i].dev--;
	for (int i = p->nfault - 1; i >= 0; i--) {
		if (!fault_on_dev(p->fault[i].kind))
			continue;
		if (p->fault[i].target == d)
			drop_fault(p, i);
		else if (p->fault[i].target > d)
			p->fault[i].target--;
	}
	memmove(&p->dev[d], &p->dev[d + 1], (size_t)(p->ndev - d - 1) * sizeof(p->dev[0]));
	p->ndev--;
}

static bool edit_dev(struct xp_plan *p, int d)
{
	int g = p->dev[d].guest, left = 0, others = 0;

	if (p->ndev <= 1 || d >= p->ndev || p->dev[d].deck)
		return false;
	for (int i = 0; i < p->ndev; i++) {
		left += i != d && p->dev[i].cu == p->dev[d].cu;
		others += i != d && g >= 0 && p->dev[i].guest == g;
	}
	/* a CU keeps a device, a guest too (the CU and guest edits drop those
	 * with their devices) */
	if (!left || (g >= 0 && !others))
		return false;
	drop_dev_hard(p, d);
	return true;
}

static bool edit_guest(struct xp_plan *p, int g)
{
	int remaining = 0;

	if (g >= p->nguest)
		return false;
	for (int i = 0; i < p->ndev; i++)
		remaining += p->dev[i].guest != g;
	if (!remaining)
		return false;
	/* its devices go with it, unless a CU would be left without any:
	 * those stay as the host's own */
	for (int i = p->ndev - 1; i >= 0; i--) {
		int left = 0;

		if (p->dev[i].guest != g)
			continue;
		for (int j = 0; j < p->ndev; j++)
			left += j != i && p->dev[j].cu == p->dev[i].cu;
		if (left)
			drop_dev_hard(p, i);
		else
			p->dev[i].guest = -1;
	}
	for (int i = 0; i < p->ndev; i++)
		if (p->dev[i].guest > g)
			p->dev[i].guest--;
	for (int i = p->nfault - 1; i >= 0; i--) {
		if (p->fault[i].kind != XF_POWER)
			continue;
		if (p->fault[i].target == g)
			drop_fault(p, i);
		else if (p->fault[i].target > g)
			p->fault[i].target--;
	}
	/* MDEV faults on devices that became the host's */
	for (int i = p->nfault - 1; i >= 0; i--)
		if (p->fault[i].kind == XF_MDEV && p->dev[p->fault[i].target].guest < 0)
			drop_fault(p, i);
	memmove(&p->guest[g], &p->guest[g + 1], (size_t)(p->nguest - g - 1) * sizeof(p->guest[0]));
	p->nguest--;
	return true;
}

static bool edit_cu(struct xp_plan *p, int c)
{
	int others = 0;

	if (c >= p->ncu || p->cu[c].deck)
		return false;
	for (int i = 0; i < p->ndev; i++)
		others += p->dev[i].cu != c;
	if (!others)
		return false;
	/* a guest must keep a device */
	for (int g = 0; g < p->nguest; g++) {
		int keep = 0;

		for (int i = 0; i < p->ndev; i++)
			keep += p->dev[i].guest == g && p->dev[i].cu != c;
		if (!keep)
			return false;
	}
	for (int i = p->ndev - 1; i >= 0; i--)
		if (p->dev[i].cu == c)
			drop_dev_hard(p, i);
	for (int i = 0; i < p->ndev; i++)
		if (p->dev[i].cu > c)
			p->dev[i].cu--;
	memmove(&p->cu[c], &p->cu[c + 1], (size_t)(p->ncu - c - 1) * sizeof(p->cu[0]));
	p->ncu--;
	return true;
}

static bool edit_chp(struct xp_plan *p, int c)
{
	if (c >= p->nchp || p->chp[c].deck)
		return false;
	for (int k = 0; k < p->ncu; k++) {
		bool has = false;

		for (int j = 0; j < p->cu[k].nchp; j++)
			has |= p->cu[k].chp[j] == c;
		if (has && p->cu[k].nchp == 1)
			return false;
	}
	for (int k = 0; k < p->ncu; k++) {
		int n = 0;

		for (int j = 0; j < p->cu[k].nchp; j++) {
			int v = p->cu[k].chp[j];

			if (v == c)
				continue;
			p->cu[k].chp[n++] = (uint8_t)(v > c ? v - 1 : v);
		}
		p->cu[k].nchp = (uint8_t)n;
	}
	for (int i = p->nfault - 1; i >= 0; i--) {
		if (!fault_on_chp(p->fault[i].kind))
			continue;
		if (p->fault[i].target == c)
			drop_fault(p, i);
		else if (p->fault[i].target > c)
			p->fault[i].target--;
	}
	memmove(&p->chp[c], &p->chp[c + 1], (size_t)(p->nchp - c - 1) * sizeof(p->chp[0]));
	p->nchp--;
	return true;
}

static bool edit_fault(struct xp_plan *p, int i)
{
	if (i >= p->nfault || p->fault[i].kind == XF_ACTIVATE)
		return false;
	drop_fault(p, i);
	return true;
}

static bool edit_op(struct xp_plan *p, int i)
{
	if (i >= p->nop)
		return false;
	drop_op(p, i);
	return true;
}

static bool edit_op_half(struct xp_plan *p, int i)
{
	if (i >= p->nop || p->op[i].n <= 1)
		return false;
	p->op[i].n = (uint16_t)(p->op[i].n / 2);
	return true;
}

static bool edit_region_half(struct xp_plan *p, int d)
{
	int need = 1;

	if (d >= p->ndev || p->dev[d].nblk <= 1)
		return false;
	for (int i = 0; i < p->nop; i++)
		if (p->op[i].dev == d && p->op[i].off + p->op[i].n > need)
			need = p->op[i].off + p->op[i].n;
	if (need > p->dev[d].nblk / 2)
		return false;
	p->dev[d].nblk = (uint16_t)(p->dev[d].nblk / 2);
	return true;
}

static bool edit_probe(struct xp_plan *p, int i)
{
	if (i || !p->probe)
		return false;
	p->probe = false;
	return true;
}

/* A heal at the round's end is simpler to read than one at a time. */
static bool edit_heal_late(struct xp_plan *p, int i)
{
	if (i >= p->nfault || !p->fault[i].heal)
		return false;
	p->fault[i].heal = 0;
	return true;
}

struct edit {
	const char *name;
	bool (*fn)(struct xp_plan *p, int i);
	int (*count)(const struct xp_plan *p);
};

static int n_round(const struct xp_plan *p)
{
	return p->nround;
}
static int n_guest(const struct xp_plan *p)
{
	return p->nguest;
}
static int n_cu(const struct xp_plan *p)
{
	return p->ncu;
}
static int n_dev(const struct xp_plan *p)
{
	return p->ndev;
}
static int n_chp(const struct xp_plan *p)
{
	return p->nchp;
}
static int n_fault(const struct xp_plan *p)
{
	return p->nfault;
}
static int n_op(const struct xp_plan *p)
{
	return p->nop;
}
static int n_one(const struct xp_plan *p)
{
	(void)p;
	return 1;
}

static const struct edit edits[] = {
	{"round", edit_round, n_round},
	{"guest", edit_guest, n_guest},
	{"cu", edit_cu, n_cu},
	{"device", edit_dev, n_dev},
	{"fault", edit_fault, n_fault},
	{"op", edit_op, n_op},
	{"chpid", edit_chp, n_chp},
	{"probe", edit_probe, n_one},
	{"heal-late", edit_heal_late, n_fault},
	{"op-half", edit_op_half, n_op},
	{"region-half", edit_region_half, n_dev},
};

/* What a failure is, without the numbers that shrinking changes: the
 * invariant, and the message with quoted command lines and numbers left
 * out ("'wait' did not complete (deadlock...)" and "'dd ...' did not
 * complete (deadlock...)" are the same failure; a command that fails with
 * another message is another one). */
void xp_signature(const struct xp_verdict *v, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "%s:", xp_inv_name(v->inv));
	bool quoted = false;

	for (const char *c = v->what; *c && o + 2 < len; c++) {
		if (*c == '\'' && (quoted || c == v->what || c[-1] == ' ' || c[-1] == '(')) {
			/* a quoted command: up to "' failed" / "' did not" */
			if (!quoted) {
				quoted = true;
				buf[o++] = '\'';
				continue;
			}
			if (!strncmp(c, "' failed", 8) || !strncmp(c, "' did not", 9)) {
				quoted = false;
				buf[o++] = '\'';
			}
			continue;
		}
		if (quoted)
			continue;
		if ((*c >= '0' && *c <= '9') ||
		    (*c >= 'a' && *c <= 'f' && c > v->what && c[-1] >= '0' && c[-1] <= '9')) {
			if (o && buf[o - 1] == '#')
				continue;
			buf[o++] = '#';
			continue;
		}
		buf[o++] = *c;
	}
	buf[o] = '\0';
}

int xp_shrink(struct xp_plan *p, const struct xp_run_opts *o, enum xp_inv inv, struct xp_verdict *v,
	      int max_runs)
{
	struct xp_run_opts ro = *o;
	int runs = 0;
	bool progress = true;
	char want[600], got[600];

	xp_signature(v, want, sizeof(want));
	(void)inv;

	ro.transcript = NULL;
	ro.trace = false;
	while (progress && runs < max_runs) {
		progress = false;
		for (size_t e = 0; e < sizeof(edits) / sizeof(edits[0]) && runs < max_runs; e++) {
			/* from the end, so that indices before i stay valid */
			for (int i = edits[e].count(p) - 1; i >= 0 && runs < max_runs; i--) {
				struct xp_plan cand = *p;
				struct xp_verdict cv;

				if (!edits[e].fn(&cand, i))
					continue;
				runs++;
				if ((ro.isolate ? xp_run_forked(&cand, &ro, &cv, ro.errpath, NULL,
								NULL)
						: xp_run(&cand, &ro, &cv)) < 0 ||
				    cv.inv != v->inv)
					continue;
				xp_signature(&cv, got, sizeof(got));
				if (strcmp(got, want))
					continue;
				*p = cand;
				*v = cv;
				progress = true;
				if (i > edits[e].count(p))
					i = edits[e].count(p);
			}
		}
	}
	return runs;
}
