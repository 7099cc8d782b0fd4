/* chpsync explore: profiles, and the plan of a seed.
 *
 * The generator has its own PRNG (splitmix64 seeded with the seed): it is
 * not part of the world, whose PRNG the plan's seed seeds separately.  So
 * a plan depends only on (seed, profile, limits, options), never on how
 * many workers run or in which order.
 */
#include <stdio.h>
#include <string.h>

#include "cli/explore.h"

#define KIND(k)	   (1u << (k))
#define PATH_KINDS (KIND(XF_LINK) | KIND(XF_CONFIG) | KIND(XF_VARY))
#define ALL_KINDS  (((1u << XF_NKINDS) - 1) & ~KIND(XF_NOTOPER))

/* The documented mixes (docs/explore.md, "Profiles"). */
const struct xp_profile xp_profiles[] = {
	{
		.name = "default",
		.doc = "1-3 guests, 1-6 DASD, 2-4 paths; every kind of fault, mostly path events",
		.guests = {1, 3},
		.dasd = {1, 6},
		.chpids = {2, 4},
		.cus = {1, 2},
		.rounds = {1, 3},
		.ops = {1, 4},
		.faults = {1, 4},
		.blocks = {1, 32},
		.kinds = ALL_KINDS,
		.lazy_pct = 35,
		.sclp_off_pct = 25,
		.host_dev_pct = 25,
		.direct_pct = 70,
		.all_paths_pct = 25,
		.window = 3 * SIM_MS,
	},
	{
		.name = "paths",
		.doc = "path events only (link, configure, vary), many of them, often every path of a device",
		.guests = {1, 2},
		.dasd = {1, 4},
		.chpids = {2, 6},
		.cus = {1, 3},
		.rounds = {2, 4},
		.ops = {1, 4},
		.faults = {2, 8},
		.blocks = {1, 32},
		.kinds = PATH_KINDS,
		.lazy_pct = 50,
		.sclp_off_pct = 25,
		.host_dev_pct = 20,
		.direct_pct = 80,
		.all_paths_pct = 50,
		.window = 3 * SIM_MS,
	},
	{
		.name = "lifecycle",
		.doc = "mdevctl stop/start, guest poweroff/start, activate, device not operational, with I/O",
		.guests = {1, 3},
		.dasd = {2, 6},
		.chpids = {2, 4},
		.cus = {1, 2},
		.rounds = {2, 4},
		.ops = {1, 4},
		.faults = {1, 3},
		.blocks = {1, 16},
		.kinds = KIND(XF_MDEV) | KIND(XF_POWER) | KIND(XF_ACTIVATE) | KIND(XF_LINK),
		.lazy_pct = 35,
		.sclp_off_pct = 25,
		.host_dev_pct = 30,
		.direct_pct = 70,
		.all_paths_pct = 10,
		.window = 3 * SIM_MS,
	},
	{
		.name = "wide",
		.doc = "up to 8 guests, 64 DASD and 8 paths shared by many control units",
		.guests = {2, 8},
		.dasd = {8, 64},
		.chpids = {4, 8},
		.cus = {2, 8},
		.rounds = {1, 2},
		.ops = {4, 12},
		.faults = {2, 6},
		.blocks = {1, 8},
		.kinds = PATH_KINDS | KIND(XF_MDEV) | KIND(XF_POWER),
		.lazy_pct = 35,
		.sclp_off_pct = 25,
		.host_dev_pct = 15,
		.direct_pct = 80,
		.all_paths_pct = 20,
		.window = 2 * SIM_MS,
	},
	{
		.name = "io",
		.doc = "heavy I/O (large and buffered, several devices at once), few path events",
		.guests = {1, 2},
		.dasd = {2, 6},
		.chpids = {2, 4},
		.cus = {1, 2},
		.rounds = {2, 4},
		.ops = {4, 10},
		.faults = {0, 2},
		.blocks = {1, 64},
		.kinds = PATH_KINDS,
		.lazy_pct = 35,
		.sclp_off_pct = 25,
		.host_dev_pct = 30,
		.direct_pct = 40,
		.all_paths_pct = 10,
		.window = 8 * SIM_MS,
	},
	{.name = NULL},
};

const struct xp_profile *xp_profile_find(const char *name)
{
	for (const struct xp_profile *p = xp_profiles; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static const char *const inv_names[XI_NINV] = {
	[XI_NONE] = "none",	    [XI_DATA] = "data",		[XI_IO_ENDS] = "io-ends",
	[XI_COMMANDS] = "commands", [XI_CONVERGE] = "converge", [XI_BOUNDS] = "bounds",
	[XI_CRASH] = "sanitizer",
};

const char *xp_inv_name(enum xp_inv i)
{
	return i < XI_NINV ? inv_names[i] : "?";
}

enum xp_inv xp_inv_from_name(const char *name)
{
	for (int i = 0; i < XI_NINV; i++)
		if (!strcmp(inv_names[i], name))
			return (enum xp_inv)i;
	return XI_NINV;
}

const char *xp_fault_name(enum xp_fault_kind k)
{
	static const char *const n[XF_NKINDS] = {
		[XF_LINK] = "link",	    [XF_CONFIG] = "configure", [XF_VARY] = "vary",
		[XF_NOTOPER] = "notoper",   [XF_MDEV] = "mdev",	       [XF_POWER] = "power",
		[XF_ACTIVATE] = "activate",
	};
	return k < XF_NKINDS ? n[k] : "?";
}

/* ---- the generator's PRNG ---- */

struct gen {
	uint64_t s;
	struct xp_plan *p;
	const struct xp_profile *prof;
	struct xp_limits lim;
};

static uint64_t next(struct gen *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int below(struct gen *g, int n)
{
	return n <= 1 ? 0 : (int)(next(g) % (uint64_t)n);
}

static int in_range(struct gen *g, struct xp_range r)
{
	return r.lo + below(g, r.hi - r.lo + 1);
}

static bool pct(struct gen *g, int percent)
{
	return below(g, 100) < percent;
}

static struct xp_range pick(struct xp_range lim, struct xp_range prof)
{
	return lim.set ? lim : prof;
}

/* ---- topology ---- */

static void gen_paths(struct gen *g, int nchp)
{
	struct xp_plan *p = g->p;
	uint8_t base = (uint8_t)(0x40 + 8 * below(g, 8));

	/* Distinct CHPIDs from a random base, some gaps between them. */
	for (int i = 0; i < nchp; i++) {
		p->chp[i].id = (uint8_t)(base + i + (i && pct(g, 20)));
		if (i && p->chp[i].id <= p->chp[i - 1].id)
			p->chp[i].id = (uint8_t)(p->chp[i - 1].id + 1);
	}
	p->nchp = nchp;
}

/* A CU on a random subset of the CHPIDs (at least one; mostly two or more,
 * so that losing one path leaves others). */
static void gen_cu(struct gen *g, struct xp_cu *cu, int first_chp, int nchp)
{
	int want = nchp == 1 ? 1 : 2 + below(g, nchp - 1);
	bool used[XP_MAX_CHP] = {false};

	if (want > 8)
		want = 8;
	if (pct(g, 10))
		want = 1;
	cu->nchp = 0;
	while (cu->nchp < want) {
		int c = first_chp + below(g, nchp);

		if (used[c])
			continue;
		used[c] = true;
		cu->nchp++;
	}
	cu->nchp = 0;
	for (int c = 0; c < XP_MAX_CHP; c++)
		if (used[c])
			cu->chp[cu->nchp++] = (uint8_t)c;
	cu->is2107 = pct(g, 50);
}

static void gen_topology(struct gen *g)
{
	struct xp_plan *p = g->p;
	struct xp_range rd = pick(g->lim.dasd, g->prof->dasd);
	struct xp_range rc = pick(g->lim.chpids, g->prof->chpids);
	int ndev = in_range(g, rd), ncu;
	int per[XP_MAX_CU] = {0};
	uint16_t sch = 0;

	gen_paths(g, in_range(g, rc));
	ncu = in_range(g, g->prof->cus);
	if (ncu > ndev)
		ncu = ndev;
	if (ncu < 1)
		ncu = 1;
	p->ncu = ncu;
	for (int i = 0; i < ncu; i++) {
		p->cu[i].num = (uint16_t)(0x1000 * (i + 1) + 0x100 * below(g, 15));
		gen_cu(g, &p->cu[i], 0, p->nchp);
	}
	/* every CU gets a device, the rest go anywhere */
	for (int i = 0; i < ndev; i++)
		per[i < ncu ? i : below(g, ncu)]++;
	p->ndev = 0;
	for (int c = 0; c < ncu; c++)
		for (int k = 0; k < per[c]; k++) {
			struct xp_dev *d = &p->dev[p->ndev++];

			d->devno = (uint16_t)(p->cu[c].num + k);
			d->cu = (uint8_t)c;
			d->sch = sch++;
		}
}

/* Devices to guests (each guest gets at least one) or to the host. */
static void gen_owners(struct gen *g)
{
	struct xp_plan *p = g->p;
	struct xp_range rg = pick(g->lim.guests, g->prof->guests);
	int ng = in_range(g, rg), npt = 0;
	int idx[XP_MAX_DEV];

	for (int i = 0; i < p->ndev; i++) {
		p->dev[i].guest = -1;
		if (!pct(g, g->prof->host_dev_pct))
			idx[npt++] = i;
	}
	if (ng > npt)
		ng = npt;
	/* Guests need a device each: take them from the host if need be. */
	if (ng < rg.lo) {
		for (int i = 0; i < p->ndev && npt < rg.lo; i++) {
			bool taken = false;

			for (int k = 0; k < npt; k++)
				taken |= idx[k] == i;
			if (!taken)
				idx[npt++] = i;
		}
		ng = npt < rg.lo ? npt : rg.lo;
	}
	p->nguest = ng;
	for (int k = 0; k < npt && ng; k++) {
		struct xp_dev *d = &p->dev[idx[k]];

		d->guest = (int8_t)(k < ng ? k : below(g, ng));
		d->policy = p->vmm == XP_VMM_QEMU	? XP_QEMU
			    : pct(g, g->prof->lazy_pct) ? XP_LAZY
							: XP_EAGER;
	}
	for (int i = 0; i < ng; i++)
		p->guest[i].sclp_off = pct(g, g->prof->sclp_off_pct);
}

static void gen_regions(struct gen *g)
{
	struct xp_plan *p = g->p;
	struct xp_range rb = pick(g->lim.blocks, g->prof->blocks);
	int n = rb.hi * 2;

	if (n > 128)
		n = 128;
	if (n < 8)
		n = 8;
	for (int i = 0; i < XP_MAX_DEV; i++) {
		/* past the label and VTOC (CDL track 0-1), well inside the volume */
		p->dev[i].base = (uint32_t)(1024 + 64 * below(g, 1000));
		p->dev[i].nblk = (uint16_t)n;
	}
}

/* ---- activate decks ---- */

/* Deck k adds one CHPID, one CU on it (and sometimes on an existing path)
 * and one or two devices, which the host brings online. */
static bool gen_deck(struct gen *g)
{
	struct xp_plan *p = g->p;
	int k = p->ndeck + 1, ndev = 1 + below(g, 2);
	struct xp_cu *cu;
	uint8_t id = 0;

	if (p->ndeck >= XP_MAX_DECK || p->nchp >= XP_MAX_CHP || p->ncu >= XP_MAX_CU ||
	    p->ndev + ndev > XP_MAX_DEV)
		return false;
	for (int i = 0; i < p->nchp; i++)
		if (p->chp[i].id >= id)
			id = (uint8_t)(p->chp[i].id + 1);
	p->chp[p->nchp] = (struct xp_chp){.id = id, .deck = (uint8_t)k};
	cu = &p->cu[p->ncu];
	cu->num = (uint16_t)(0xa000 + 0x1000 * (k - 1) % 0x6000);
	cu->deck = (uint8_t)k;
	cu->is2107 = pct(g, 50);
	cu->nchp = 1;
	cu->chp[0] = (uint8_t)p->nchp;
	/* sometimes also on a path of the initial deck (one of another
	 * deck may not be there yet: decks of a round go in time order) */
	if (pct(g, 50)) {
		int c = below(g, p->nchp);

		if (!p->chp[c].deck) {
			cu->chp[1] = cu->chp[0];
			cu->chp[0] = (uint8_t)c;
			cu->nchp = 2;
		}
	}
	for (int i = 0; i < ndev; i++) {
		struct xp_dev *d = &p->dev[p->ndev];
		uint16_t sch = 0;

		for (int j = 0; j < p->ndev; j++)
			if (p->dev[j].sch >= sch)
				sch = (uint16_t)(p->dev[j].sch + 1);
		d->devno = (uint16_t)(cu->num + i);
		d->sch = sch;
		d->cu = (uint8_t)p->ncu;
		d->deck = (uint8_t)k;
		d->guest = -1;
		p->ndev++;
	}
	p->nchp++;
	p->ncu++;
	p->ndeck++;
	return true;
}

/* ---- workload and faults ---- */

/* Is the device there and reachable by its owner in this round?  Devices
 * of decks exist from the round after their activation. */
static bool dev_present(const struct xp_plan *p, int dev, int round, const int *deck_round)
{
	int k = p->dev[dev].deck;

	return !k || deck_round[k] < round;
}

static void gen_ops(struct gen *g, int round, const int *deck_round)
{
	struct xp_plan *p = g->p;
	struct xp_range rb = pick(g->lim.blocks, g->prof->blocks);
	int nops = in_range(g, pick(g->lim.ops, g->prof->ops));
	/* blocks of each device taken by this round's operations */
	uint8_t busy[XP_MAX_DEV][128];

	memset(busy, 0, sizeof(busy));
	for (int i = 0; i < nops && p->nop < XP_MAX_OP; i++) {
		struct xp_op *o = &p->op[p->nop];
		int dev = below(g, p->ndev), n, off, tries;

		if (!dev_present(p, dev, round, deck_round))
			continue;
		n = in_range(g, rb);
		if (n > p->dev[dev].nblk)
			n = p->dev[dev].nblk;
		for (tries = 0; tries < 8; tries++) {
			bool free_ = true;

			off = below(g, p->dev[dev].nblk - n + 1);
			for (int b = off; b < off + n; b++)
				free_ &= !busy[dev][b];
			if (free_)
				break;
		}
		if (tries == 8)
			continue;
		memset(&busy[dev][off], 1, (size_t)n);
		o->round = (uint8_t)round;
		o->dev = (uint8_t)dev;
		o->write = pct(g, 65);
		o->direct = pct(g, g->prof->direct_pct);
		o->off = (uint16_t)off;
		o->n = (uint16_t)n;
		if (!o->direct) {
			static const uint16_t bss[] = {512, 1024, 2048};

			o->bs = bss[below(g, 3)];
		}
		p->nop++;
	}
}

static bool fault_taken(const struct xp_plan *p, int round, int kind, int target)
{
	for (int i = 0; i < p->nfault; i++)
		if (p->fault[i].round == round && p->fault[i].kind == kind &&
		    p->fault[i].target == target)
			return true;
	return false;
}

static void add_fault(struct gen *g, int round, int kind, int target, sim_time_t at,
		      sim_time_t heal)
{
	struct xp_plan *p = g->p;
	struct xp_fault *f;

	if (p->nfault >= XP_MAX_FAULT || fault_taken(p, round, kind, target))
		return;
	f = &p->fault[p->nfault++];
	f->round = (uint8_t)round;
	f->kind = (uint8_t)kind;
	f->target = (uint8_t)target;
	f->at = at;
	f->heal = heal;
	f->hmc = kind == XF_CONFIG && pct(g, 25);
}

static sim_time_t rand_time(struct gen *g, sim_time_t window)
{
	/* microsecond steps, so the scenario's sleeps stay short numbers */
	return (sim_time_t)below(g, (int)(window / SIM_US)) * SIM_US;
}

static int kind_pick(struct gen *g, unsigned kinds)
{
	/* path events weigh three times as much as the others */
	static const int weight[XF_NKINDS] = {3, 3, 3, 1, 1, 1, 1};
	int total = 0, r;

	for (int k = 0; k < XF_NKINDS; k++)
		if (kinds & KIND(k))
			total += weight[k];
	if (!total)
		return -1;
	r = below(g, total);
	for (int k = 0; k < XF_NKINDS; k++) {
		if (!(kinds & KIND(k)))
			continue;
		if (r < weight[k])
			return k;
		r -= weight[k];
	}
	return -1;
}

/* Take every path of one device (link, configure or vary, mixed), and give
 * one or all of them back later: a guest whose device has no path left
 * must wait and recover. */
static int gen_all_paths(struct gen *g, int round, const int *deck_round, unsigned kinds, int max)
{
	struct xp_plan *p = g->p;
	int dev = below(g, p->ndev), n = 0;
	const struct xp_cu *cu = &p->cu[p->dev[dev].cu];
	sim_time_t w = g->prof->window, at = rand_time(g, w / 2);
	int back = below(g, cu->nchp);

	if (!dev_present(p, dev, round, deck_round) || cu->deck || cu->nchp > max)
		return 0;
	for (int i = 0; i < cu->nchp; i++) {
		int kind = (int)(next(g) % 3); /* XF_LINK, XF_CONFIG, XF_VARY */
		sim_time_t heal = i == back || pct(g, 50) ? at + w / 2 + rand_time(g, w / 2) : 0;

		while (!(kinds & KIND(kind)))
			kind = (kind + 1) % 3;
		add_fault(g, round, kind, cu->chp[i], at + (sim_time_t)i * 50 * SIM_US, heal);
		n++;
	}
	return n;
}

static void gen_faults(struct gen *g, int round, int *deck_round)
{
	struct xp_plan *p = g->p;
	unsigned kinds = g->lim.kinds ? g->lim.kinds : g->prof->kinds;
	int nf = in_range(g, pick(g->lim.faults, g->prof->faults));
	sim_time_t w = g->prof->window;

	/* a round that takes every path of a device counts those faults */
	if ((kinds & PATH_KINDS) && pct(g, g->prof->all_paths_pct))
		nf -= gen_all_paths(g, round, deck_round, kinds, nf);
	for (int i = 0; i < nf; i++) {
		int kind = kind_pick(g, kinds), target = 0;
		sim_time_t at = rand_time(g, w), heal = pct(g, 60) ? at + rand_time(g, w) : 0;

		switch (kind) {
		case XF_LINK:
		case XF_CONFIG:
		case XF_VARY:
			target = below(g, p->nchp);
			if (p->chp[target].deck && deck_round[p->chp[target].deck] >= round)
				continue;
			break;
		case XF_NOTOPER:
			target = below(g, p->ndev);
			if (!dev_present(p, target, round, deck_round))
				continue;
			break;
		case XF_MDEV:
			target = below(g, p->ndev);
			if (p->dev[target].guest < 0)
				continue;
			break;
		case XF_POWER:
			if (!p->nguest)
				continue;
			target = below(g, p->nguest);
			heal = 0; /* it starts again when its paths are back */
			break;
		case XF_ACTIVATE:
			if (!gen_deck(g))
				continue;
			target = p->ndeck;
			deck_round[target] = round;
			heal = 0;
			break;
		default:
			continue;
		}
		add_fault(g, round, kind, target, at, heal);
	}
}

int xp_generate(struct xp_plan *p, uint64_t seed, const struct xp_profile *prof,
		const struct xp_limits *lim, enum xp_host_driver hd, enum xp_vmm vmm, char *err,
		size_t errlen)
{
	struct gen g = {.s = seed ^ 0x6368707379636bull, .p = p, .prof = prof};
	int deck_round[XP_MAX_DECK + 1];
	struct xp_range rr;

	memset(p, 0, sizeof(*p));
	if (lim)
		g.lim = *lim;
	p->seed = seed;
	snprintf(p->profile, sizeof(p->profile), "%s", prof->name);
	p->host_driver = (uint8_t)hd;
	p->vmm = (uint8_t)vmm;
	for (int k = 0; k <= XP_MAX_DECK; k++)
		deck_round[k] = -1;
	gen_topology(&g);
	gen_owners(&g);
	gen_regions(&g);
	rr = pick(g.lim.rounds, prof->rounds);
	p->nround = in_range(&g, rr);
	if (p->nround > XP_MAX_ROUND)
		p->nround = XP_MAX_ROUND;
	for (int r = 0; r < p->nround; r++) {
		gen_faults(&g, r, deck_round);
		gen_ops(&g, r, deck_round);
	}
	for (int i = 0; i < p->ndev; i++)
		if (p->dev[i].guest >= 0 && p->dev[i].policy == XP_LAZY)
			p->probe = true;
	(void)err;
	(void)errlen;
	return 0;
}
