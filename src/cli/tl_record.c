/* The timeline recorder: structured events from the css taps and the sim's
 * trace, and every layer's state sampled between events through the views
 * the layers offer (machine_*_view, the OS's cio state behind its sysfs,
 * vmm_dev_views).  It only reads: the run is the same without it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arch/ccw.h"
#include "arch/crw.h"
#include "arch/ids.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "arch/scsw.h"
#include "cli/tl_priv.h"
#include "machine/machine.h"
#include "os/cio.h"
#include "os/os.h"
#include "user/node.h"
#include "os/sysfs.h"
#include "vmm/vmm.h"

#define TL_MAX_GROUPS 32

static const char *const layer_names[TL_NLAYER] = {"machine", "host", "vmm", "guest"};

const char *tl_layer_name(int layer)
{
	return layer >= 0 && layer < TL_NLAYER ? layer_names[layer] : "?";
}

static void *grow(struct tl *tl, void *p, size_t *cap, size_t need, size_t size)
{
	size_t n;
	void *np;

	if (need <= *cap)
		return p;
	n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	np = realloc(p, n * size);
	if (!np) {
		tl->nomem = true;
		return NULL;
	}
	*cap = n;
	return np;
}

int tl_node(struct tl *tl, const char *name)
{
	char **nv;

	for (int i = 0; i < tl->nnodes; i++)
		if (!strcmp(tl->nodes[i], name))
			return i;
	nv = realloc(tl->nodes, (tl->nnodes + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	tl->nodes = nv;
	nv[tl->nnodes] = strdup(name);
	if (!nv[tl->nnodes])
		return -1;
	return tl->nnodes++;
}

struct tl_ev *tl_ev_add(struct tl *tl, enum tl_ev_kind kind, int layer, int node, int group,
			int chpid)
{
	struct tl_ev *ev, *nv = grow(tl, tl->evs, &tl->evcap, tl->nev + 1, sizeof(*ev));

	if (!nv)
		return NULL;
	tl->evs = nv;
	ev = &tl->evs[tl->nev++];
	memset(ev, 0, sizeof(*ev));
	ev->t = ev->t_end = sim_now(tl->sim);
	ev->kind = (uint8_t)kind;
	ev->layer = (uint8_t)layer;
	ev->node = (int16_t)node;
	ev->group = (int16_t)group;
	ev->chpid = (int16_t)chpid;
	return ev;
}

/* ---- rows ---- */

static int row_get(struct tl *tl, int g, int slot, int layer)
{
	struct tl_group *gr = &tl->groups[g];
	struct tl_row *nv;

	if (gr->row[slot][layer] >= 0)
		return gr->row[slot][layer];
	nv = realloc(tl->rows, (tl->nrows + 1) * sizeof(*nv));
	if (!nv) {
		tl->nomem = true;
		return -1;
	}
	tl->rows = nv;
	memset(&nv[tl->nrows], 0, sizeof(*nv));
	nv[tl->nrows].group = g;
	nv[tl->nrows].chpid = gr->chpid[slot];
	nv[tl->nrows].layer = (uint8_t)layer;
	gr->row[slot][layer] = (int)tl->nrows;
	return (int)tl->nrows++;
}

/* Equal states merge; several changes at one instant keep the last. */
static void row_set(struct tl *tl, int g, int slot, int layer, uint32_t state)
{
	sim_time_t now = sim_now(tl->sim);
	struct tl_row *r;
	struct tl_seg *s;
	int i;

	if (tl->groups[g].row[slot][layer] < 0 && !state)
		return; /* never present: no row yet */
	i = row_get(tl, g, slot, layer);
	if (i < 0)
		return;
	r = &tl->rows[i];
	if (r->nseg && r->seg[r->nseg - 1].state == state)
		return;
	if (r->nseg && r->seg[r->nseg - 1].t == now) {
		r->seg[r->nseg - 1].state = state;
		if (r->nseg > 1 && r->seg[r->nseg - 2].state == state)
			r->nseg--;
		return;
	}
	s = grow(tl, r->seg, &r->cap, r->nseg + 1, sizeof(*s));
	if (!s)
		return;
	r->seg = s;
	r->seg[r->nseg].t = now;
	r->seg[r->nseg].state = state;
	r->nseg++;
}

/* ---- groups (devices) ---- */

static int group_of_host(const struct tl *tl, uint8_t ssid, uint16_t no)
{
	for (int g = 0; g < tl->ngroups; g++)
		if (tl->groups[g].ssid == ssid && tl->groups[g].sch_no == no)
			return g;
	return -1;
}

static int group_of_guest(const struct tl *tl, const char *vm, uint8_t ssid, uint16_t no)
{
	if (ssid)
		return -1;
	for (int g = 0; g < tl->ngroups; g++)
		if (tl->groups[g].pt && tl->groups[g].guest_schno == no &&
		    !strcmp(tl->groups[g].vm, vm))
			return g;
	return -1;
}

static void group_add(struct tl *tl, uint8_t ssid, uint16_t no)
{
	struct machine_sch_view v;
	struct tl_group *ng, *g;

	if (tl->ngroups >= TL_MAX_GROUPS || group_of_host(tl, ssid, no) >= 0)
		return;
	if (machine_sch_view(tl->machine, ssid, no, &v) || !v.dnv || !v.pim)
		return;
	ng = realloc(tl->groups, (tl->ngroups + 1) * sizeof(*ng));
	if (!ng) {
		tl->nomem = true;
		return;
	}
	tl->groups = ng;
	g = &ng[tl->ngroups];
	memset(g, 0, sizeof(*g));
	memset(g->row, -1, sizeof(g->row));
	g->ssid = ssid;
	g->sch_no = no;
	g->devno = v.devno;
	for (int i = 0; i < 8; i++)
		if (v.pim & (0x80 >> i))
			g->chpid[g->nchp++] = v.chpid[i];
	tl->ngroups++;
}

static int group_cmp(const void *a, const void *b)
{
	const struct tl_group *x = a, *y = b;
	uint32_t kx = (uint32_t)x->ssid << 16 | x->sch_no, ky = (uint32_t)y->ssid << 16 | y->sch_no;

	return kx < ky ? -1 : kx > ky;
}

/* The devices are the host's subchannels with a device (what
 * /sys/bus/css/devices lists).  Looked for again at every command, since
 * an HMC `activate` can add some. */
static void discover(struct tl *tl)
{
	char **names;
	int n, before = tl->ngroups;

	if (!tl->host)
		return;
	n = sysfs_list(tl->host->sysfs, "/sys/bus/css/devices", &names);
	for (int i = 0; i < n; i++) {
		struct ccw_id id;

		if (!ccw_id_parse(names[i], &id) && strchr(names[i], '.'))
			group_add(tl, id.ssid, id.no);
	}
	if (n > 0)
		sysfs_names_free(names, n);
	/* Devices in subchannel order; rows refer to groups by index, so
	 * sort only while no row exists yet. */
	if (tl->ngroups != before && !tl->nrows)
		qsort(tl->groups, tl->ngroups, sizeof(*tl->groups), group_cmp);
}

/* ---- sampling ---- */

static uint8_t bit_of(const uint8_t pim, const uint8_t *chpids, uint8_t chpid)
{
	for (int i = 0; i < 8; i++)
		if ((pim & (0x80 >> i)) && chpids[i] == chpid)
			return (uint8_t)(0x80 >> i);
	return 0;
}

static uint32_t cfg_bits(int cfg)
{
	return (uint32_t)((cfg < -1 || cfg > 3 ? -1 : cfg) + 1) << TS_CFG_SHIFT;
}

static void mask_event(struct tl *tl, int g, int layer, int node, uint32_t packed)
{
	struct tl_group *gr = &tl->groups[g];
	struct tl_ev *ev;

	if (gr->masks[layer] == packed)
		return;
	gr->masks[layer] = packed;
	ev = tl_ev_add(tl, TLE_MASK, layer, node, g, -1);
	if (ev)
		ev->a = packed;
}

/* The inputs of a layer's rows, packed: true when they are what the rows
 * were last computed from (nothing to do). */
static bool raw_same(struct tl_group *gr, int layer, const uint8_t *raw)
{
	if (!memcmp(gr->raw[layer], raw, sizeof(gr->raw[layer])))
		return true;
	memcpy(gr->raw[layer], raw, sizeof(gr->raw[layer]));
	return false;
}

static void sample_machine(struct tl *tl, int g)
{
	struct tl_group *gr = &tl->groups[g];
	struct machine_sch_view v;
	bool ok = !machine_sch_view(tl->machine, gr->ssid, gr->sch_no, &v);
	uint8_t raw[sizeof(gr->raw[0])] = {ok, v.pim, v.pam, v.pom, v.notoper};

	memcpy(raw + 5, v.chpid, 8);
	for (int i = 0; i < gr->nchp && i < 8; i++) {
		struct machine_chp_view c;

		if (!machine_chp_view(tl->machine, gr->chpid[i], &c)) {
			raw[13 + 2 * i] = (uint8_t)(c.cfg + 1);
			raw[14 + 2 * i] = c.link_failed;
		}
	}
	if (raw_same(gr, TL_MACHINE, raw))
		return;

	for (int i = 0; i < gr->nchp; i++) {
		struct machine_chp_view c;
		uint32_t st = 0;
		uint8_t bit;

		if (ok && !machine_chp_view(tl->machine, gr->chpid[i], &c)) {
			bit = bit_of(v.pim, v.chpid, gr->chpid[i]);
			st = TS_PRESENT | cfg_bits(c.cfg);
			st |= (v.pim & bit) ? TS_PIM : 0;
			st |= (v.pam & bit) ? TS_PAM : 0;
			st |= (v.pom & bit) ? TS_POM : 0;
			st |= c.link_failed ? TS_LINK : 0;
			st |= v.notoper ? TS_GONE : 0;
		}
		row_set(tl, g, i, TL_MACHINE, st);
	}
	if (ok)
		mask_event(tl, g, TL_MACHINE, 0,
			   (uint32_t)v.pim << 24 | (uint32_t)v.pam << 16 | (uint32_t)v.pom << 8);
}

/* An OS instance's view: the subchannel as of its last STSCH (what
 * pimpampom shows), its cio masks, and its channel-path state (lschp). */
static void sample_os(struct tl *tl, int g, int layer, struct os *os, uint8_t ssid, uint16_t no,
		      int node)
{
	struct tl_group *gr = &tl->groups[g];
	struct subchannel *sch = os ? css_get_subchannel(os, (struct ccw_id){0, ssid, no}) : NULL;
	const struct pmcw *p = sch ? &sch->schib.pmcw : NULL;
	uint8_t raw[sizeof(gr->raw[0])] = {0};

	if (p) {
		raw[0] = 1;
		raw[1] = p->pim;
		raw[2] = p->pam;
		raw[3] = p->pom;
		raw[4] = sch->lpm;
		raw[5] = sch->opm;
		raw[6] = sch->vpm;
		raw[31] = (p->flags & PMCW_FLAGS_ENA) != 0;
		memcpy(raw + 7, p->chpid, 8);
		for (int i = 0; i < gr->nchp && i < 8; i++) {
			const struct channel_path_info *ci =
				chp_info(os, (struct chpid){0, gr->chpid[i]});

			raw[15 + 2 * i] = ci ? (uint8_t)(ci->state + 1) : 0;
			raw[16 + 2 * i] = ci ? (uint8_t)(ci->cfg + 2) : 0;
		}
	}
	if (raw_same(gr, layer, raw))
		return;

	for (int i = 0; i < gr->nchp; i++) {
		const struct channel_path_info *ci;
		uint32_t st = 0;
		uint8_t bit;

		if (p) {
			bit = bit_of(p->pim, p->chpid, gr->chpid[i]);
			ci = chp_info(os, (struct chpid){0, gr->chpid[i]});
			st = TS_PRESENT;
			st |= (p->pim & bit) ? TS_PIM : 0;
			st |= (p->pam & bit) ? TS_PAM : 0;
			st |= (p->pom & bit) ? TS_POM : 0;
			st |= (sch->lpm & bit) ? TS_LPM : 0;
			st |= (sch->opm & bit) ? TS_OPM : 0;
			st |= (sch->vpm & bit) ? TS_VPM : 0;
			st |= (p->flags & PMCW_FLAGS_ENA) ? TS_INUSE : 0;
			st |= ci && ci->state ? TS_VARY : 0;
			st |= cfg_bits(ci ? ci->cfg : -1);
		}
		row_set(tl, g, i, layer, st);
	}
	if (p)
		mask_event(tl, g, layer, node,
			   (uint32_t)p->pim << 24 | (uint32_t)p->pam << 16 | (uint32_t)p->pom << 8 |
				   sch->vpm);
}

static int group_of_mdev(struct tl *tl, const char *sysfsdev)
{
	char target[256], *s, *e;
	struct tl_mdev *nv;
	struct ccw_id id;
	int g = -1, n;

	for (int i = 0; i < tl->nmdevs; i++)
		if (!strcmp(tl->mdevs[i].sysfsdev, sysfsdev))
			return tl->mdevs[i].group;
	/* /sys/bus/mdev/devices/UUID -> .../css0/0.0.013f/UUID */
	n = sysfs_readlink(tl->host->sysfs, sysfsdev, target, sizeof(target));
	if (n > 0 && (e = strrchr(target, '/'))) {
		*e = '\0';
		s = strrchr(target, '/');
		if (s && !ccw_id_parse(s + 1, &id))
			g = group_of_host(tl, id.ssid, id.no);
	}
	if (g < 0)
		return -1; /* not resolved (yet): try again next time */
	nv = realloc(tl->mdevs, (tl->nmdevs + 1) * sizeof(*nv));
	if (!nv || !(nv[tl->nmdevs].sysfsdev = strdup(sysfsdev))) {
		if (nv)
			tl->mdevs = nv;
		tl->nomem = true;
		return g;
	}
	tl->mdevs = nv;
	nv[tl->nmdevs++].group = g;
	return g;
}

static void sample_vmm_dev(void *ctx, const struct vmm_dev_view *v)
{
	struct tl *tl = ctx;
	int g = group_of_mdev(tl, v->sysfsdev);
	struct tl_group *gr;
	struct node *n;
	int node;

	if (g < 0)
		return;
	gr = &tl->groups[g];
	if (!gr->pt || strcmp(gr->vm, v->vm) || gr->guest_schno != v->guest_schno) {
		/* a new VM has the device: its counters start afresh */
		gr->host_stsch = gr->crws_read = 0;
		for (int l = TL_HOST + 1; l < TL_NLAYER; l++)
			gr->io[l].open = false;
	}
	if (!gr->pt || strcmp(gr->vm, v->vm)) {
		snprintf(gr->vm, sizeof(gr->vm), "%s", v->vm);
		gr->node = tl_node(tl, v->vm);
	}
	gr->pt = true;
	gr->seen = true;
	gr->guest_schno = v->guest_schno;
	gr->guest_devno = v->guest_devno;
	snprintf(gr->policy, sizeof(gr->policy), "%s", v->policy);
	node = gr->node;
	if (v->crws_read > gr->crws_read) {
		struct tl_ev *ev = tl_ev_add(tl, TLE_VCRW, TL_VMM, node, g, -1);

		if (ev)
			ev->a = (uint32_t)(v->crws_read - gr->crws_read);
	}
	if (v->host_stsch > gr->host_stsch) {
		struct tl_ev *ev = tl_ev_add(tl, TLE_REGION, TL_VMM, node, g, -1);

		if (ev)
			ev->a = (uint32_t)v->pim << 16 | (uint32_t)v->pam << 8 | v->pom;
	}
	gr->crws_read = v->crws_read;
	gr->host_stsch = v->host_stsch;
	n = world_find_node(tl->world, v->vm);
	sample_os(tl, g, TL_GUEST, n ? node_os(n) : NULL, 0, v->guest_schno, node);
	{
		uint8_t raw[sizeof(gr->raw[0])] = {1,	     v->pim,   v->pam,	    v->pom,
						   v->dirty, v->stale, v->unplugged};

		memcpy(raw + 7, v->chpid, 8);
		if (raw_same(gr, TL_VMM, raw))
			return;
	}
	for (int i = 0; i < gr->nchp; i++) {
		uint8_t bit = bit_of(v->pim, v->chpid, gr->chpid[i]);
		uint32_t st = TS_PRESENT;

		st |= (v->pim & bit) ? TS_PIM : 0;
		st |= (v->pam & bit) ? TS_PAM : 0;
		st |= (v->pom & bit) ? TS_POM : 0;
		st |= v->dirty ? TS_DIRTY : 0;
		st |= v->stale ? TS_STALE : 0;
		st |= v->unplugged ? TS_GONE : 0;
		row_set(tl, g, i, TL_VMM, st);
	}
	mask_event(tl, g, TL_VMM, node,
		   (uint32_t)v->pim << 24 | (uint32_t)v->pam << 16 | (uint32_t)v->pom << 8 |
			   (v->dirty ? 1 : 0));
}

void tl_between_events(struct tl *tl)
{
	sim_time_t now, next;

	if (!tl || !tl->ready)
		return;
	now = sim_now(tl->sim);
	if (!sim_next_time(tl->sim, &next))
		next = now + TL_IO_SAMPLE;
	if (next == now)
		return; /* the instant is not over yet */
	if (!tl->urgent && now - tl->last_t < TL_IO_SAMPLE && next - now < TL_IO_SAMPLE)
		return; /* only plain I/O lately, and more is coming soon */
	tl_poll(tl);
}

void tl_poll(struct tl *tl)
{
	int host = 1;

	if (!tl || !tl->ready)
		return;
	if (tl->discover) {
		discover(tl);
		tl->discover = false;
	}
	tl->last_t = sim_now(tl->sim);
	tl->urgent = false;
	tl->polls++;
	for (int g = 0; g < tl->ngroups; g++) {
		sample_machine(tl, g);
		sample_os(tl, g, TL_HOST, tl->host, tl->groups[g].ssid, tl->groups[g].sch_no, host);
		tl->groups[g].seen = false;
	}
	if (tl->vmm)
		vmm_dev_views(tl->vmm, sample_vmm_dev, tl);
	/* A device no VM holds any more: its VMM and guest rows end. */
	for (int g = 0; g < tl->ngroups; g++) {
		struct tl_group *gr = &tl->groups[g];

		if (gr->seen || !gr->pt)
			continue;
		for (int i = 0; i < gr->nchp; i++) {
			row_set(tl, g, i, TL_VMM, 0);
			row_set(tl, g, i, TL_GUEST, 0);
		}
		memset(gr->raw[TL_VMM], 0, sizeof(gr->raw[TL_VMM]));
		memset(gr->raw[TL_GUEST], 0, sizeof(gr->raw[TL_GUEST]));
	}
}

/* ---- css taps ---- */

static int tap_layer(const struct tl *tl, const struct css_tap *t)
{
	return tl->ntaps && t == tl->taps[0] ? TL_HOST : TL_GUEST;
}

static int tap_group(const struct tl *tl, const struct css_tap *t, uint32_t schid)
{
	uint8_t ssid;
	uint16_t no;

	if (schid_word_decode(schid, &ssid, &no))
		return -1;
	if (tap_layer(tl, t) == TL_HOST)
		return group_of_host(tl, ssid, no);
	return group_of_guest(tl, css_tap_who(t), ssid, no);
}

/* The CHPID behind a single path bit.  The host's and the guest's PMCW
 * list the CHPIDs in the machine's order (the VMM copies them from the
 * SCHIB region), so the machine's bit positions apply at every layer. */
static int chpid_of_mask(const struct tl *tl, int g, uint8_t mask)
{
	const struct tl_group *gr = &tl->groups[g];
	struct machine_sch_view v;

	if (!mask || (mask & (mask - 1)) || machine_sch_view(tl->machine, gr->ssid, gr->sch_no, &v))
		return -1;
	for (int i = 0; i < 8; i++)
		if (mask == (0x80 >> i) && (v.pim & mask))
			return v.chpid[i];
	return -1;
}

static void io_start(struct tl *tl, struct css_tap *t, int g, uint64_t addr)
{
	struct storage *mem = css_tap_mem(t);
	struct tl_io *io = &tl->groups[g].io[tap_layer(tl, t)];
	const uint8_t *p = storage_ptr(mem, addr, ORB_SIZE), *c;
	struct ccw1 ccw = {0};
	struct orb orb;

	if (!p)
		return;
	orb_decode(p, &orb);
	c = storage_ptr(mem, orb.cpa, CCW_SIZE);
	if (c) {
		if (orb.ctrl0 & ORB_CTRL0_FMT)
			ccw1_decode(c, &ccw);
		else
			ccw0_decode(c, &ccw);
	}
	io->open = true;
	io->t = sim_now(tl->sim);
	io->lpm = orb.lpm;
	io->cmd = ccw.cmd;
	/* Linux path verification: SENSE PGID / SET PGID, or NOP where the
	 * device does no path grouping, one path at a time. */
	io->pv = (ccw.cmd == CCW_CMD_SENSE_PGID || ccw.cmd == CCW_CMD_SET_PGID ||
		  ccw.cmd == CCW_CMD_NOOP) &&
		 orb.lpm && !(orb.lpm & (orb.lpm - 1));
}

static void io_end(struct tl *tl, struct css_tap *t, int g, uint64_t addr)
{
	int layer = tap_layer(tl, t);
	struct tl_io *io = &tl->groups[g].io[layer];
	const uint8_t *p = storage_ptr(css_tap_mem(t), addr, IRB_SIZE);
	struct tl_ev *ev;
	struct irb irb;
	uint8_t lpum;
	uint16_t stctl;

	if (!p || !io->open)
		return;
	irb_decode(p, &irb);
	stctl = irb.scsw.ctrl & SCSW_STCTL_MASK;
	if (!(stctl & (SCSW_STCTL_PRIM | SCSW_STCTL_ALERT)) &&
	    !(irb.scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)))
		return; /* intermediate status: the I/O goes on */
	io->open = false;
	/* Anything but a plain successful end (channel end and device end,
	 * no PNO) may change path state: sample at the end of this instant. */
	if (io->pv || irb.scsw.cstat || (irb.scsw.flags & SCSW_FLAGS_PNO) ||
	    (irb.scsw.dstat & ~(DEV_STAT_CHN_END | DEV_STAT_DEV_END)) ||
	    (irb.scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)))
		tl->urgent = true;
	lpum = irb_esw_lpum(&irb);
	ev = tl_ev_add(tl, io->pv ? TLE_PV : TLE_IO, layer, tl_node(tl, css_tap_who(t)), g,
		       chpid_of_mask(tl, g, lpum ? lpum : io->lpm));
	if (!ev)
		return;
	ev->t = io->t;
	ev->a = io->lpm;
	ev->b = (uint32_t)io->cmd << 16 | irb.scsw.dstat << 8 | irb.scsw.cstat;
}

static void tap_insn(void *ctx, struct css_tap *t, enum css_insn insn, uint32_t schid,
		     uint64_t addr, int cc)
{
	struct tl *tl = ctx;
	int layer = tap_layer(tl, t), g;
	const uint8_t *p;
	struct tl_ev *ev;

	/* Only the start and the end of a plain I/O leave the sampling to
	 * the I/O pace (tl_between_events). */
	if ((insn != CSS_SSCH && insn != CSS_TSCH && insn != CSS_TPI) || (insn == CSS_SSCH && cc))
		tl->urgent = true;
	if (insn == CSS_STCRW) {
		struct crw c;

		p = storage_ptr(css_tap_mem(t), addr, 4);
		if (cc || !p)
			return;
		crw_decode((uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3], &c);
		if (!p[0] && !p[1] && !p[2] && !p[3])
			return;
		ev = tl_ev_add(tl, TLE_CRW, layer, tl_node(tl, css_tap_who(t)), -1,
			       c.rsc == CRW_RSC_CPATH ? c.rsid : -1);
		if (ev)
			ev->a = crw_encode(&c);
		return;
	}
	if (insn != CSS_STSCH && insn != CSS_SSCH && insn != CSS_TSCH)
		return;
	g = tap_group(tl, t, schid);
	if (g < 0 || cc)
		return;
	switch (insn) {
	case CSS_STSCH: {
		struct pmcw pm;

		p = storage_ptr(css_tap_mem(t), addr, PMCW_SIZE);
		if (!p)
			return;
		pmcw_decode(p, &pm);
		ev = tl_ev_add(tl, TLE_STSCH, layer, tl_node(tl, css_tap_who(t)), g, -1);
		if (ev)
			ev->a = (uint32_t)pm.pim << 16 | (uint32_t)pm.pam << 8 | pm.pom;
		break;
	}
	case CSS_SSCH:
		io_start(tl, t, g, addr);
		break;
	case CSS_TSCH:
		io_end(tl, t, g, addr);
		break;
	default:
		break;
	}
}

static void tap_channel_report(void *ctx, struct css_tap *t)
{
	struct tl *tl = ctx;

	tl->urgent = true;
	tl_ev_add(tl, TLE_MCHK, tap_layer(tl, t), tl_node(tl, css_tap_who(t)), -1, -1);
}

struct css_if tl_tap(struct tl *tl, struct css_if css, const char *who)
{
	static const struct css_tap_observer obs_tmpl = {
		.insn = tap_insn,
		.channel_report = tap_channel_report,
	};
	struct css_tap_observer obs = obs_tmpl;
	struct css_tap *t, **nv;

	if (!tl)
		return css;
	nv = realloc(tl->taps, (tl->ntaps + 1) * sizeof(*nv));
	if (!nv)
		return css;
	tl->taps = nv;
	obs.ctx = tl;
	t = css_tap_new(css, &obs, who);
	if (!t)
		return css;
	tl->taps[tl->ntaps++] = t;
	return css_tap_if(t);
}

/* ---- the sim's trace ---- */

static void observe(void *ctx, const struct sim_trace_rec *r)
{
	struct tl *tl = ctx;
	int layer, node, chpid = -1;
	enum tl_ev_kind kind = TLE_LOG;
	struct tl_ev *ev;

	if (!strcmp(r->who, "chpsync"))
		return; /* the runner's own line for a command: see TLE_CMD */
	tl->urgent = true;
	if (!strcmp(r->who, "machine") || !strcmp(r->who, "eckd")) {
		layer = TL_MACHINE;
		node = 0;
	} else if (!strcmp(r->who, "vfio_ccw") ||
		   (tl->ntaps && !strcmp(r->who, css_tap_who(tl->taps[0])))) {
		layer = TL_HOST;
		node = 1;
	} else {
		layer = TL_GUEST;
		node = tl_node(tl, r->who);
	}
	if (r->kind && !strcmp(r->kind, "crw") && layer == TL_MACHINE) {
		struct crw c;

		crw_decode((uint32_t)r->a, &c);
		kind = TLE_CRW;
		chpid = c.rsc == CRW_RSC_CPATH ? c.rsid : -1;
	} else if (r->kind && !strcmp(r->kind, "crw-lost")) {
		kind = TLE_CRW_LOST;
	} else if (r->kind && !strcmp(r->kind, "chp") && layer == TL_MACHINE) {
		kind = TLE_CHP;
		chpid = (int)(r->a & 0xff);
	}
	ev = tl_ev_add(tl, kind, layer, node, -1, chpid);
	if (!ev)
		return;
	ev->a = (uint32_t)r->a;
	ev->text = strdup(r->text);
}

/* ---- life ---- */

struct tl *tl_new(struct sim *sim, struct machine *m, const char *title)
{
	struct tl *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->sim = sim;
	tl->machine = m;
	tl->open_cmd = -1;
	tl->title = strdup(title ? title : "chpsync");
	if (!tl->title || tl_node(tl, "machine") != 0 || tl_node(tl, "host") != 1) {
		tl_free(tl);
		return NULL;
	}
	sim_trace_observe(sim, observe, tl);
	return tl;
}

void tl_attach(struct tl *tl, struct world *w, struct vmm *vmm, struct os *host)
{
	if (!tl)
		return;
	tl->world = w;
	tl->vmm = vmm;
	tl->host = host;
	tl->ready = true;
	tl->discover = true;
}

void tl_command_start(struct tl *tl, const char *node, const char *cmd)
{
	struct tl_ev *ev;

	if (!tl || !tl->ready)
		return;
	tl->discover = true;
	tl_poll(tl);
	ev = tl_ev_add(tl, TLE_CMD, TL_MACHINE, tl_node(tl, node), -1, -1);
	if (!ev)
		return;
	ev->text = strdup(cmd);
	tl->open_cmd = (int)(ev - tl->evs);
}

void tl_command_end(struct tl *tl)
{
	if (!tl || tl->open_cmd < 0)
		return;
	tl_poll(tl);
	tl->evs[tl->open_cmd].t_end = sim_now(tl->sim);
	tl->open_cmd = -1;
}

void tl_detach(struct tl *tl)
{
	if (!tl)
		return;
	tl_poll(tl);
	if (tl->open_cmd >= 0)
		tl_command_end(tl);
	tl->ready = false;
	for (int i = 0; i < tl->ntaps; i++)
		css_tap_detach(tl->taps[i]);
	sim_trace_observe(tl->sim, NULL, NULL);
}

void tl_free(struct tl *tl)
{
	if (!tl)
		return;
	for (int i = 0; i < tl->ntaps; i++)
		css_tap_free(tl->taps[i]);
	free(tl->taps);
	for (size_t i = 0; i < tl->nrows; i++)
		free(tl->rows[i].seg);
	free(tl->rows);
	for (size_t i = 0; i < tl->nev; i++)
		free(tl->evs[i].text);
	free(tl->evs);
	for (int i = 0; i < tl->nnodes; i++)
		free(tl->nodes[i]);
	free(tl->nodes);
	for (int i = 0; i < tl->nmdevs; i++)
		free(tl->mdevs[i].sysfsdev);
	free(tl->mdevs);
	free(tl->groups);
	free(tl->title);
	free(tl);
}

/* ---- figures and queries ---- */

void tl_stats(const struct tl *tl, struct tl_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->rows = tl->nrows;
	for (size_t i = 0; i < tl->nrows; i++)
		st->segments += tl->rows[i].nseg;
	st->events = tl->nev;
	st->polls = tl->polls;
	for (size_t i = 0; i < tl->nev; i++)
		st->io_events += tl->evs[i].kind == TLE_IO || tl->evs[i].kind == TLE_PV;
}

static int layer_by_name(const char *name)
{
	for (int l = 0; l < TL_NLAYER; l++)
		if (!strcmp(layer_names[l], name))
			return l;
	return -1;
}

long tl_row_state(const struct tl *tl, const char *layer, uint16_t host_sch, uint8_t chpid,
		  unsigned long long t, unsigned long long *since)
{
	int l = layer_by_name(layer);

	for (size_t i = 0; i < tl->nrows; i++) {
		const struct tl_row *r = &tl->rows[i];
		long st = 0;

		if (r->layer != l || r->chpid != chpid || tl->groups[r->group].sch_no != host_sch)
			continue;
		if (since)
			*since = 0;
		for (size_t k = 0; k < r->nseg && r->seg[k].t <= t; k++) {
			st = r->seg[k].state;
			if (since)
				*since = r->seg[k].t;
		}
		return st;
	}
	return -1;
}

long long tl_find_event(const struct tl *tl, const char *kind, const char *layer,
			unsigned long long t, const char *text)
{
	static const char *const kinds[] = {"cmd", "crw",    "crw-lost", "mchk", "stsch", "io",
					    "pv",  "region", "vcrw",	 "chp",	 "mask",  "log"};
	int l = layer ? layer_by_name(layer) : -1, k = -1;

	for (int i = 0; i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
		if (!strcmp(kinds[i], kind))
			k = i;
	for (size_t i = 0; i < tl->nev; i++) {
		const struct tl_ev *ev = &tl->evs[i];

		if (ev->kind != k || ev->t < t || (l >= 0 && ev->layer != l))
			continue;
		if (text && (!ev->text || !strstr(ev->text, text)))
			continue;
		return (long long)ev->t;
	}
	return -1;
}

/* ---- output ---- */

int tl_write_svg(struct tl *tl, FILE *f, bool html)
{
	if (tl->nomem)
		return -1;
	return tl_write_svg_file(tl, f, html);
}

int tl_write_chrome(struct tl *tl, FILE *f)
{
	if (tl->nomem)
		return -1;
	return tl_write_chrome_file(tl, f);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcasecmp(s + n - k, suffix);
}

int tl_file_kind(const char *path)
{
	if (ends_with(path, ".svg"))
		return 0;
	if (ends_with(path, ".html") || ends_with(path, ".htm"))
		return 1;
	return -1;
}
