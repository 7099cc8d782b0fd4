/* Channel paths: registration, the CHPID -> subchannel index, vary state,
 * the SCLP configure state with Linux's one-second information cache,
 * /sys/devices/css0/chpX.YY attributes, and every channel-path event: the
 * CRW handler, configure, vary, and their dispatch to the drivers of the
 * affected subchannels.  The CHSC commands are wrappers in chsc.c, called
 * from here only (never the other way round).
 *
 * Dispatch goes through the CHPID -> subchannel index built at
 * registration, so an event costs O(subchannels on that CHPID); Linux walks
 * every registered subchannel and lets chp_ssd_get_mask() filter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/kern_priv.h"
#include "os/sysfs.h"

struct channel_path *chp_get(struct os *os, uint8_t id)
{
	return osp(os)->chp[id];
}

const struct channel_path_info *chp_info(struct os *os, struct chpid id)
{
	struct channel_path *chp;

	if (id.cssid != 0)
		return NULL;
	chp = chp_get(os, id.id);
	return chp ? &chp->info : NULL;
}

int chp_get_status(struct os *os, uint8_t id)
{
	struct channel_path *chp = chp_get(os, id);

	return chp ? chp->info.state : -ENODEV;
}

uint8_t chp_get_sch_opm(struct subchannel *sch)
{
	uint8_t opm = 0;
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t mask = (uint8_t)(0x80 >> i);

		if (!(sch->schib.pmcw.pim & mask))
			continue;
		if (chp_get_status(sch->os, sch->schib.pmcw.chpid[i]) > 0)
			opm |= mask;
	}
	return opm;
}

uint8_t chp_ssd_get_mask(const struct chsc_ssd_info *ssd, const struct chp_link *link)
{
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t mask = (uint8_t)(0x80 >> i);

		if (!(ssd->path_mask & mask))
			continue;
		if (ssd->chpid[i].id != link->chpid.id || ssd->chpid[i].cssid != link->chpid.cssid)
			continue;
		if ((ssd->fla_valid_mask & mask) && (ssd->fla[i] & link->fla_mask) != link->fla)
			continue;
		return mask;
	}
	return 0;
}

/* ---- index ---- */

/* Each subchannel is on the list of every CHPID it uses, once, through
 * the member of its path slot: adding and removing cost O(paths). */
static bool chp_has_member(const struct sch_priv *sp, uint8_t id)
{
	for (int j = 0; j < 8; j++)
		if (sp->chpm[j].on && sp->chpm[j].chpid == id)
			return true;
	return false;
}

void chp_sch_index_add(struct subchannel *sch)
{
	struct sch_priv *sp = sch_priv(sch);
	int i;

	for (i = 0; i < 8; i++) {
		struct chp_member *m = &sp->chpm[i];
		struct channel_path *chp;
		uint8_t id = sch->ssd.chpid[i].id;

		if (!(sch->ssd.path_mask & (0x80 >> i)) || m->on || chp_has_member(sp, id))
			continue;
		chp = chp_get(sch->os, id);
		if (!chp)
			continue;
		m->sch = sch;
		m->chpid = id;
		m->on = true;
		m->next = NULL;
		m->prev = chp->last;
		if (chp->last)
			chp->last->next = m;
		else
			chp->first = m;
		chp->last = m;
		chp->nschs++;
	}
}

void chp_sch_index_del(struct subchannel *sch)
{
	struct sch_priv *sp = sch_priv(sch);

	for (int i = 0; i < 8; i++) {
		struct chp_member *m = &sp->chpm[i];
		struct channel_path *chp;

		if (!m->on)
			continue;
		m->on = false;
		chp = chp_get(sch->os, m->chpid);
		if (!chp)
			continue;
		if (m->prev)
			m->prev->next = m->next;
		else
			chp->first = m->next;
		if (m->next)
			m->next->prev = m->prev;
		else
			chp->last = m->prev;
		chp->nschs--;
	}
}

/* ---- SCLP information cache ---- */

/* Linux info_update(): refresh at most once a second; the interval starts
 * even when the refresh fails, and a failed refresh keeps the old data
 * (all zero if there never was a good one). */
static int info_update(struct os *os)
{
	struct os_priv *p = osp(os);
	sim_time_t now = sim_now(os->sim);
	int rc = 0;

	if (!p->chp_info_valid_time || now > p->chp_info_expires) {
		rc = sclp_chp_read_info(os, &p->chp_info);
		p->chp_info_expires = sim_now(os->sim) + CHP_INFO_UPDATE_INTERVAL;
		p->chp_info_valid_time = true;
	}
	return rc;
}

static void info_expire(struct os *os)
{
	struct os_priv *p = osp(os);

	p->chp_info_valid_time = false;
}

int chp_info_get_status(struct os *os, uint8_t id)
{
	struct os_priv *p = osp(os);
	int rc = info_update(os);

	if (rc)
		return rc;
	return (int)sclp_chp_info_state(&p->chp_info, id);
}

static int s390_vary_chpid(struct os *os, uint8_t id, bool on);
static void chp_cfg_event(struct os *os, uint8_t id, bool on);

/* ---- attributes ---- */

enum chp_attr { CA_STATUS, CA_CONFIGURE, CA_TYPE, CA_CMG, CA_SHARED, CA_CHID, CA_CHID_EXT };

static int chp_show(void *obj, long arg, char *buf, size_t size)
{
	struct channel_path *chp = obj;
	int st;

	switch (arg) {
	case CA_STATUS:
		return snprintf(buf, size, "%s\n", chp->info.state ? "online" : "offline");
	case CA_CONFIGURE:
		st = chp_info_get_status(chp->os, chp->id.id);
		chp->info.cfg = st < 0 ? -1 : st;
		if (st < 0)
			return st;
		return snprintf(buf, size, "%d\n", st);
	case CA_TYPE:
		return snprintf(buf, size, "%x\n", chp->info.type);
	case CA_CMG:
		if (chp->info.cmg < 0)
			return snprintf(buf, size, "unknown\n");
		return snprintf(buf, size, "%d\n", chp->info.cmg);
	case CA_SHARED:
		if (chp->info.shared < 0)
			return snprintf(buf, size, "unknown\n");
		return snprintf(buf, size, "%x\n", chp->info.shared);
	case CA_CHID:
		if (chp->info.chid < 0)
			return 0;
		return snprintf(buf, size, "%04x\n", chp->info.chid);
	case CA_CHID_EXT:
		if (chp->info.chid < 0)
			return 0;
		return snprintf(buf, size, "%x\n", chp->info.chid_external);
	}
	return -EINVAL;
}

static bool word_is(const char *buf, size_t len, const char *w)
{
	size_t n = strlen(w);

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	return len == n && !strncmp(buf, w, n);
}

static int chp_status_store(void *obj, long arg, const char *buf, size_t len)
{
	struct channel_path *chp = obj;

	if (word_is(buf, len, "on") || word_is(buf, len, "1"))
		return s390_vary_chpid(chp->os, chp->id.id, true);
	if (word_is(buf, len, "off") || word_is(buf, len, "0"))
		return s390_vary_chpid(chp->os, chp->id.id, false);
	return -EINVAL;
}

/* Runs in the writer's task: SCLP (de)configure, then the channel-path
 * event, before the write returns (Linux waits for cfg_work likewise).  An
 * SCLP failure is only logged, as in Linux. */
static int chp_configure_store(void *obj, long arg, const char *buf, size_t len)
{
	struct channel_path *chp = obj;
	struct os *os = chp->os;
	struct os_priv *p = osp(os);
	bool on;
	int rc;

	if (word_is(buf, len, "1"))
		on = true;
	else if (word_is(buf, len, "0"))
		on = false;
	else
		return -EINVAL;
	while (p->cfg_busy)
		sim_wait(os->sim, &p->cfg_wq);
	p->cfg_busy = true;
	rc = sclp_chp_configure(os, chp->id.id, on);
	if (rc) {
		os_pr_debug(os, "chp: sclp_chp_%sconfigure(0.%02x)=%d", on ? "" : "de", chp->id.id,
			    rc);
	} else {
		info_expire(os);
		chp_cfg_event(os, chp->id.id, on);
	}
	p->cfg_busy = false;
	sim_wake(os->sim, &p->cfg_wq);
	return 0;
}

static const struct sysfs_attr_ops chp_ro_ops = {.show = chp_show};
static const struct sysfs_attr_ops chp_status_ops = {
	.show = chp_show,
	.store = chp_status_store,
};
static const struct sysfs_attr_ops chp_configure_ops = {
	.show = chp_show,
	.store = chp_configure_store,
};

static const struct {
	const char *name;
	enum chp_attr attr;
	const struct sysfs_attr_ops *ops;
} chp_attrs[] = {
	{"status", CA_STATUS, &chp_status_ops},
	{"configure", CA_CONFIGURE, &chp_configure_ops},
	{"type", CA_TYPE, &chp_ro_ops},
	{"cmg", CA_CMG, &chp_ro_ops},
	{"shared", CA_SHARED, &chp_ro_ops},
	{"chid", CA_CHID, &chp_ro_ops},
	{"chid_external", CA_CHID_EXT, &chp_ro_ops},
};

/* Linux chp_update_desc: the format-0 description (type) first; then,
 * optional because not every CSS provides them, the format-1 description
 * (CHID: kept from the last good read when the read fails, as Linux's
 * desc_fmt1) and the channel-measurement characteristics (cmg, shared:
 * unknown unless the read succeeds). */
static int chp_update_desc(struct channel_path *chp)
{
	struct chp_desc0 d;
	int rc;

	rc = chsc_determine_chp_desc(chp->os, chp->id.id, &d);
	if (rc)
		return rc;
	chp->info.type = d.desc;
	chsc_determine_fmt1_chp_desc(chp->os, chp->id.id, &chp->desc_fmt1);
	if (chp->desc_fmt1.flags & CHP_DESC1_CHID_VALID) {
		chp->info.chid = chp->desc_fmt1.chid;
		chp->info.chid_external = chp->desc_fmt1.flags & CHP_DESC1_CHID_EXTERNAL;
	} else {
		chp->info.chid = -1;
		chp->info.chid_external = false;
	}
	chsc_get_channel_measurement_chars(chp->os, chp->id.id, &chp->info.cmg, &chp->info.shared);
	return 0;
}

int chp_new(struct os *os, uint8_t id)
{
	struct os_priv *p = osp(os);
	struct channel_path *chp;
	char path[96];
	size_t i;

	if (p->chp[id])
		return 0;
	chp = calloc(1, sizeof(*chp));
	if (!chp)
		return -ENOMEM;
	chp->os = os;
	chp->id.cssid = 0;
	chp->id.id = id;
	chp->info.known = true;
	chp->info.state = 1;
	chp->info.cfg = -1;
	chp->info.cmg = -1;
	chp->info.shared = -1;
	chp->info.chid = -1;
	chp_update_desc(chp);
	snprintf(chp->dir, sizeof(chp->dir), "/sys/devices/css0/chp0.%02x", id);
	sysfs_mkdir(os->sysfs, chp->dir);
	for (i = 0; i < sizeof(chp_attrs) / sizeof(chp_attrs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", chp->dir, chp_attrs[i].name);
		sysfs_attr(os->sysfs, path, chp_attrs[i].ops, chp, chp_attrs[i].attr);
	}
	chp->registered = true;
	p->chp[id] = chp;
	return 0;
}

/* Boot (init task): read SCLP channel-path information once and register
 * the configured and standby paths (Linux chp_init).  If the read fails,
 * paths are registered later from the subchannel descriptions. */
void chp_init(struct os *os)
{
	int id;

	osp(os)->chsc_area = os_kmalloc(os, CHSC_AREA_SIZE, 4096);
	osp(os)->crw_addr = os_kmalloc(os, 8, 8);
	osp(os)->scratch_irb = os_kmalloc(os, IRB_SIZE, 8);
	/* Before any path is registered: it gates the optional CHSC reads
	 * of chp_update_desc (Linux does it in css_bus_init). */
	chsc_determine_css_characteristics(os);
	if (info_update(os))
		return;
	for (id = 0; id < 256; id++) {
		int st = chp_info_get_status(os, (uint8_t)id);

		if (st == 0 || st == 1)
			chp_new(os, (uint8_t)id);
	}
}

void chp_exit(struct os *os)
{
	struct os_priv *p = osp(os);
	int i;

	for (i = 0; i < 256; i++) {
		if (!p->chp[i])
			continue;
		free(p->chp[i]);
		p->chp[i] = NULL;
	}
}

/* ---- channel-path events ---- */

/* Deliver one event to the drivers of the subchannels using the CHPID.
 * The list is copied first: a driver may unregister its subchannel. */
static void chp_dispatch(struct os *os, uint8_t id, enum chp_event_kind ev)
{
	struct channel_path *chp = chp_get(os, id);
	struct chp_link link = {.chpid = {.cssid = 0, .id = id}};
	struct subchannel *local[64];
	struct subchannel **v = local;
	const struct sch_table *t = &os->priv->schs;
	size_t n, i;

	if (os->priv->upstream) {
		/* upstream (os_config.upstream): Linux walks every subchannel
		 * (for_each_subchannel_staged) and each driver looks whether
		 * the CHPID is one of its paths */
		if (!t->n)
			return;
		n = t->n;
	} else {
		if (!chp || !chp->nschs)
			return;
		n = chp->nschs;
	}
	if (n > 64) {
		v = malloc(n * sizeof(*v));
		if (!v)
			return;
	}
	i = 0;
	if (os->priv->upstream) {
		for (size_t c = 0; c < SCH_CHUNKS && i < n; c++)
			for (size_t k = 0; t->chunk[c] && k < SCH_CHUNK && i < n; k++)
				if (t->chunk[c][k])
					v[i++] = t->chunk[c][k];
		n = i;
	} else {
		for (struct chp_member *m = chp->first; m && i < n; m = m->next)
			v[i++] = m->sch;
	}
	os->priv->chp_event_visits += n;
	for (i = 0; i < n; i++) {
		struct subchannel *sch = v[i];
		int rc;

		if (!sch->driver || !sch->driver->chp_event)
			continue;
		if (!chp_ssd_get_mask(&sch->ssd, &link))
			continue;
		rc = sch->driver->chp_event(sch, &link, ev);
		/* Only CHP_OFFLINE's result counts (as in Linux): the
		 * subchannel lost its last path and must be evaluated. */
		if (ev == CHP_OFFLINE && rc) {
			sch->lpm = 0;
			css_evaluate_subchannel(os, sch->schid.ssid, sch->schid.no);
		}
	}
	if (v != local)
		free(v);
}

/* Linux chsc_chp_online: physical events for a path varied off are not
 * passed on; the description is refreshed before the drivers hear of it. */
static void chp_online(struct os *os, uint8_t id)
{
	struct channel_path *chp = chp_get(os, id);

	os_pr_debug(os, "cio: chpid 0.%02x online", id);
	if (chp_get_status(os, id) == 0)
		return;
	if (chp)
		chp_update_desc(chp);
	chp_dispatch(os, id, CHP_ONLINE);
}

/* Linux chsc_chp_offline: only for a path that is known and varied on;
 * the description may change too. */
static void chp_offline(struct os *os, uint8_t id)
{
	os_pr_debug(os, "cio: chpid 0.%02x offline", id);
	if (chp_get_status(os, id) <= 0)
		return;
	chp_update_desc(chp_get(os, id));
	chp_dispatch(os, id, CHP_OFFLINE);
}

/* Linux s390_vary_chpid + chsc_chp_vary: varying off a path that is
 * already off does nothing; vary on refreshes the description first. */
static int s390_vary_chpid(struct os *os, uint8_t id, bool on)
{
	struct channel_path *chp = chp_get(os, id);

	if (!chp)
		return -ENODEV;
	if (!on && !chp->info.state)
		return 0;
	chp->info.state = on;
	os_pr_debug(os, "cio: vary %s chpid 0.%02x", on ? "on" : "off", id);
	if (on)
		chp_update_desc(chp);
	chp_dispatch(os, id, on ? CHP_VARY_ON : CHP_VARY_OFF);
	return 0;
}

/* The `configure` attribute (chp_configure_store) after a successful SCLP
 * (de)configure: the path's new state goes to the drivers. */
static void chp_cfg_event(struct os *os, uint8_t id, bool on)
{
	if (on)
		chp_online(os, id);
	else
		chp_offline(os, id);
}

/* CRW with RSC 4 (channel path), Linux chp_process_crw semantics, with one
 * deliberate improvement: a channel-path report (or an overflow, which may
 * hide one) expires the SCLP information cache, since the path's configure
 * state may have changed with it; the next `configure` read asks SCLP
 * again instead of showing up to a second of stale state.  Linux keeps the
 * cache until its second is over. */
void chp_process_crw(struct os *os, const struct crw *c0, const struct crw *c1, int overflow)
{
	uint8_t id;

	(void)c1;
	info_expire(os);
	if (overflow) {
		css_evaluate_all(os);
		return;
	}
	if (c0->slct)
		return; /* solicited by Reset Channel Path */
	id = (uint8_t)(c0->rsid & 0xff);
	switch (c0->erc) {
	case CRW_ERC_IPARM:
	case CRW_ERC_INIT:
		chp_new(os, id);
		chp_online(os, id);
		break;
	case CRW_ERC_PERRI:
	case CRW_ERC_PERRN:
		chp_offline(os, id);
		break;
	default:
		os_pr_debug(os, "Don't know how to handle erc=%x", c0->erc);
	}
}

uint64_t os_chp_event_visits(const struct os *os)
{
	return os->priv->chp_event_visits;
}
