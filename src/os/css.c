/* The css bus: subchannel discovery and registration, css drivers, binding
 * (driver_override, bind/unbind, drivers_probe), subchannel sysfs
 * attributes, and subchannel evaluation (CRW RSC 3, overflow). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ids.h"
#include "os/kern_priv.h"
#include "os/sysfs.h"

/* ---- the subchannel table ---- */

static uint32_t sch_key(uint8_t ssid, uint16_t no)
{
	return (uint32_t)ssid << 16 | no;
}

static struct subchannel *css_find(struct os *os, uint8_t ssid, uint16_t no)
{
	struct sch_table *t = &osp(os)->schs;
	uint32_t key = sch_key(ssid, no);
	struct subchannel **c;

	if (ssid > 3)
		return NULL;
	c = t->chunk[key / SCH_CHUNK];
	return c ? c[key % SCH_CHUNK] : NULL;
}

struct subchannel *css_get_subchannel(struct os *os, struct ccw_id schid)
{
	if (schid.cssid != 0)
		return NULL;
	return css_find(os, schid.ssid, schid.no);
}

struct subchannel *css_find_by_word(struct os *os, uint32_t w)
{
	uint8_t ssid;
	uint16_t no;

	if (schid_word_decode(w, &ssid, &no))
		return NULL;
	return css_find(os, ssid, no);
}

struct subchannel *css_next_subchannel(struct os *os, const struct subchannel *sch)
{
	struct sch_table *t = &osp(os)->schs;
	uint32_t key = sch ? sch_key(sch->schid.ssid, sch->schid.no) + 1 : 0;

	while (key < SCH_CHUNKS * SCH_CHUNK) {
		struct subchannel **c = t->chunk[key / SCH_CHUNK];

		if (!c || !t->used[key / SCH_CHUNK]) {
			key = (key / SCH_CHUNK + 1) * SCH_CHUNK;
			continue;
		}
		if (c[key % SCH_CHUNK])
			return c[key % SCH_CHUNK];
		key++;
	}
	return NULL;
}

static int css_table_insert(struct os *os, struct subchannel *sch)
{
	struct sch_table *t = &osp(os)->schs;
	uint32_t key = sch_key(sch->schid.ssid, sch->schid.no);
	struct subchannel ***c = &t->chunk[key / SCH_CHUNK];

	if (!*c) {
		*c = calloc(SCH_CHUNK, sizeof(**c));
		if (!*c)
			return -ENOMEM;
	}
	if (!(*c)[key % SCH_CHUNK]) {
		t->used[key / SCH_CHUNK]++;
		t->n++;
	}
	(*c)[key % SCH_CHUNK] = sch;
	return 0;
}

static void css_table_remove(struct os *os, struct subchannel *sch)
{
	struct sch_table *t = &osp(os)->schs;
	uint32_t key = sch_key(sch->schid.ssid, sch->schid.no);
	struct subchannel **c = t->chunk[key / SCH_CHUNK];

	if (!c || c[key % SCH_CHUNK] != sch)
		return;
	c[key % SCH_CHUNK] = NULL;
	t->used[key / SCH_CHUNK]--;
	t->n--;
}

/* ---- drivers ---- */

static const struct css_driver *css_driver_by_name(struct os *os, const char *name)
{
	struct os_priv *p = osp(os);
	int i;

	for (i = 0; i < p->ndrivers; i++)
		if (!strcmp(p->drivers[i]->name, name))
			return p->drivers[i];
	return NULL;
}

static int parse_sch_arg(struct os *os, const char *buf, size_t len, struct subchannel **out)
{
	char tmp[32];
	struct ccw_id id;

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (!len || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	/* The kernel accepts only the full bus-ID form here. */
	if (!strchr(tmp, '.') || ccw_id_parse(tmp, &id))
		return -EINVAL;
	*out = css_get_subchannel(os, id);
	return *out ? 0 : -ENODEV;
}

static int bind_store(void *obj, long arg, const char *buf, size_t len)
{
	struct drv_ref *ref = obj;
	struct subchannel *sch;
	int ret = parse_sch_arg(ref->os, buf, len, &sch);

	if (ret)
		return ret;
	if (sch->driver)
		return -EBUSY;
	if (sch->driver_override[0] && strcmp(sch->driver_override, ref->drv->name))
		return -ENODEV;
	ret = css_bind(sch, ref->drv->name);
	if (!ret && sim_current(ref->os->sim))
		ccw_device_wait_init(ref->os);
	return ret;
}

static int unbind_store(void *obj, long arg, const char *buf, size_t len)
{
	struct drv_ref *ref = obj;
	struct subchannel *sch;
	int ret = parse_sch_arg(ref->os, buf, len, &sch);

	if (ret)
		return ret;
	if (sch->driver != ref->drv)
		return -ENODEV;
	return css_unbind(sch);
}

static const struct sysfs_attr_ops bind_ops = {.store = bind_store};
static const struct sysfs_attr_ops unbind_ops = {.store = unbind_store};

int css_driver_register(struct os *os, const struct css_driver *drv)
{
	struct os_priv *p = osp(os);
	struct drv_ref *ref;
	char path[96];

	if (p->ndrivers == CSS_MAX_DRIVERS || css_driver_by_name(os, drv->name))
		return -EEXIST;
	ref = &p->drv_refs[p->ndrivers];
	ref->os = os;
	ref->drv = drv;
	p->drivers[p->ndrivers++] = drv;
	snprintf(path, sizeof(path), "/sys/bus/css/drivers/%s/bind", drv->name);
	sysfs_attr(os->sysfs, path, &bind_ops, ref, 0);
	snprintf(path, sizeof(path), "/sys/bus/css/drivers/%s/unbind", drv->name);
	sysfs_attr(os->sysfs, path, &unbind_ops, ref, 0);
	return 0;
}

int css_bind(struct subchannel *sch, const char *name)
{
	struct sch_priv *sp = sch_priv(sch);
	const struct css_driver *drv = css_driver_by_name(sch->os, name);
	char path[96], target[96];
	int ret;

	if (!drv)
		return -ENODEV;
	if (sch->driver)
		return -EBUSY;
	sch->driver = drv;
	ret = drv->probe ? drv->probe(sch) : 0;
	if (ret) {
		sch->driver = NULL;
		return ret;
	}
	snprintf(path, sizeof(path), "%s/driver", sp->dir);
	snprintf(target, sizeof(target), "/sys/bus/css/drivers/%s", drv->name);
	sysfs_symlink(sch->os->sysfs, path, target);
	snprintf(path, sizeof(path), "/sys/bus/css/drivers/%s/%s", drv->name,
		 strrchr(sp->dir, '/') + 1);
	sysfs_symlink(sch->os->sysfs, path, sp->dir);
	return 0;
}

int css_unbind(struct subchannel *sch)
{
	struct sch_priv *sp = sch_priv(sch);
	const struct css_driver *drv = sch->driver;
	char path[96];

	if (!drv)
		return -ENODEV;
	if (drv->remove)
		drv->remove(sch);
	sch->driver = NULL;
	sch->drvdata = NULL;
	snprintf(path, sizeof(path), "%s/driver", sp->dir);
	sysfs_remove(sch->os->sysfs, path);
	snprintf(path, sizeof(path), "/sys/bus/css/drivers/%s/%s", drv->name,
		 strrchr(sp->dir, '/') + 1);
	sysfs_remove(sch->os->sysfs, path);
	return 0;
}

static unsigned sch_type(const struct subchannel *sch)
{
	return (sch->schib.pmcw.chars & PMCW_CHARS_ST) >> PMCW_ST_SHIFT;
}

/* Find a driver for an unbound subchannel: the override only, if set;
 * otherwise the I/O subchannel driver for I/O subchannels. */
void css_probe_device(struct subchannel *sch)
{
	if (sch->driver)
		return;
	if (sch->driver_override[0]) {
		css_bind(sch, sch->driver_override);
		return;
	}
	if (sch_type(sch) == 0)
		css_bind(sch, "io_subchannel");
}

/* ---- subchannel attributes ---- */

enum sch_attr {
	SA_TYPE,
	SA_PIMPAMPOM,
	SA_CHPIDS,
	SA_DEV_BUSID,
	SA_OVERRIDE,
	SA_VPM,
	SA_MODALIAS,
};

static int sch_show(void *obj, long arg, char *buf, size_t size)
{
	struct subchannel *sch = obj;
	const struct pmcw *p = &sch->schib.pmcw;

	switch (arg) {
	case SA_TYPE:
		return snprintf(buf, size, "%u\n", sch_type(sch));
	case SA_PIMPAMPOM:
		return snprintf(buf, size, "%02x %02x %02x\n", p->pim, p->pam, p->pom);
	case SA_CHPIDS: {
		int n = 0, i;

		for (i = 0; i < 8; i++) {
			uint8_t id = (sch->ssd.path_mask & (0x80 >> i)) ? sch->ssd.chpid[i].id : 0;

			n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "%02x ", id);
		}
		return n + snprintf(buf + n, size > (size_t)n ? size - n : 0, "\n");
	}
	case SA_DEV_BUSID:
		if (p->flags & PMCW_FLAGS_DNV)
			return snprintf(buf, size, "0.%x.%04x\n", sch->schid.ssid, p->devno);
		return snprintf(buf, size, "none\n");
	case SA_OVERRIDE:
		return snprintf(buf, size, "%s\n",
				sch->driver_override[0] ? sch->driver_override : "(null)");
	case SA_VPM:
		return snprintf(buf, size, "%02x\n", sch->vpm);
	case SA_MODALIAS:
		return snprintf(buf, size, "css:t%01X\n", sch_type(sch));
	}
	return -EINVAL;
}

static int sch_store_override(void *obj, long arg, const char *buf, size_t len)
{
	struct subchannel *sch = obj;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= sizeof(sch->driver_override))
		return -EINVAL;
	if (memchr(buf, '\n', len))
		return -EINVAL;
	memcpy(sch->driver_override, buf, len);
	sch->driver_override[len] = '\0';
	return 0;
}

static const struct sysfs_attr_ops sch_ro_ops = {.show = sch_show};
static const struct sysfs_attr_ops sch_override_ops = {
	.show = sch_show,
	.store = sch_store_override,
};

static const struct {
	const char *name;
	enum sch_attr attr;
	const struct sysfs_attr_ops *ops;
} sch_attrs[] = {
	{"type", SA_TYPE, &sch_ro_ops},
	{"pimpampom", SA_PIMPAMPOM, &sch_ro_ops},
	{"chpids", SA_CHPIDS, &sch_ro_ops},
	{"dev_busid", SA_DEV_BUSID, &sch_ro_ops},
	{"driver_override", SA_OVERRIDE, &sch_override_ops},
	{"vpm", SA_VPM, &sch_ro_ops},
	{"modalias", SA_MODALIAS, &sch_ro_ops},
};

static void sch_sysfs_add(struct subchannel *sch)
{
	struct sch_priv *sp = sch_priv(sch);
	struct sysfs_node *dir;
	char id[16];
	size_t i;

	ccw_id_fmt(&sch->schid, id);
	snprintf(sp->dir, sizeof(sp->dir), "/sys/devices/css0/%s", id);
	snprintf(sch->sysfs_path, sizeof(sch->sysfs_path), "/sys/bus/css/devices/%s", id);
	dir = sysfs_mkdir_at(sch->os->sysfs, NULL, sp->dir, strlen(sp->dir), NULL);
	for (i = 0; dir && i < sizeof(sch_attrs) / sizeof(sch_attrs[0]); i++)
		sysfs_attr_at(sch->os->sysfs, dir, sch_attrs[i].name, sch_attrs[i].ops, sch,
			      sch_attrs[i].attr);
	sysfs_symlink(sch->os->sysfs, sch->sysfs_path, sp->dir);
}

/* ---- registration ---- */

struct subchannel *css_alloc_subchannel(struct os *os, uint8_t ssid, uint16_t no)
{
	struct sch_priv *sp = calloc(1, sizeof(*sp));
	struct subchannel *sch;

	if (!sp)
		return NULL;
	sch = &sp->sch;
	sch->os = os;
	sch->schid.cssid = 0;
	sch->schid.ssid = ssid;
	sch->schid.no = no;
	sch->schid_word = schid_word(ssid, no);
	sch->schib_addr = os_kmalloc(os, SCHIB_SIZE, 8);
	sch->irb_addr = os_kmalloc(os, IRB_SIZE, 8);
	sch->orb_addr = os_kmalloc(os, ORB_EXT_SIZE, 8);
	if (!sch->schib_addr || !sch->irb_addr || !sch->orb_addr || cio_update_schib(sch)) {
		os_kfree(os, sch->schib_addr);
		os_kfree(os, sch->irb_addr);
		os_kfree(os, sch->orb_addr);
		free(sp);
		return NULL;
	}
	return sch;
}

static void ssd_from_pmcw(struct subchannel *sch)
{
	int i;

	memset(&sch->ssd, 0, sizeof(sch->ssd));
	sch->ssd.path_mask = sch->schib.pmcw.pim;
	for (i = 0; i < 8; i++)
		sch->ssd.chpid[i].id = sch->schib.pmcw.chpid[i];
}

static void css_update_ssd_info(struct subchannel *sch)
{
	int i;

	if (chsc_get_ssd_info(sch->os, sch))
		ssd_from_pmcw(sch);
	for (i = 0; i < 8; i++)
		if (sch->ssd.path_mask & (0x80 >> i))
			chp_new(sch->os, sch->ssd.chpid[i].id);
}

int css_register_subchannel(struct subchannel *sch)
{
	struct sch_priv *sp = sch_priv(sch);

	css_update_ssd_info(sch);
	sch->opm = chp_get_sch_opm(sch);
	sch->lpm = sch->schib.pmcw.pam & sch->opm;
	if (css_table_insert(sch->os, sch))
		return -ENOMEM;
	chp_sch_index_add(sch);
	sch_sysfs_add(sch);
	sp->registered = true;
	return 0;
}

static void css_free_subchannel(struct subchannel *sch)
{
	struct os *os = sch->os;

	os_kfree(os, sch->schib_addr);
	os_kfree(os, sch->irb_addr);
	os_kfree(os, sch->orb_addr);
	free(sch_priv(sch));
}

static void css_unregister_subchannel(struct subchannel *sch)
{
	struct sch_priv *sp = sch_priv(sch);

	if (sch->driver)
		css_unbind(sch);
	chp_sch_index_del(sch);
	css_table_remove(sch->os, sch);
	sysfs_remove(sch->os->sysfs, sch->sysfs_path);
	sysfs_remove(sch->os->sysfs, sp->dir);
	css_free_subchannel(sch);
}

static void css_probe_new(struct os *os, uint8_t ssid, uint16_t no)
{
	struct subchannel *sch = css_alloc_subchannel(os, ssid, no);

	if (!sch)
		return;
	css_register_subchannel(sch);
	css_probe_device(sch);
}

/* Re-evaluate one subchannel: a known one goes to its driver (which checks
 * the device); an unknown one is registered if it now exists. */
void css_evaluate_subchannel(struct os *os, uint8_t ssid, uint16_t no)
{
	struct subchannel *sch = css_find(os, ssid, no);

	if (!sch) {
		css_probe_new(os, ssid, no);
		return;
	}
	if (sch->driver && sch->driver->sch_event) {
		if (sch->driver->sch_event(sch, 0) == -ENODEV)
			css_unregister_subchannel(sch);
		return;
	}
	if (cio_update_schib(sch) == -ENODEV)
		css_unregister_subchannel(sch);
}

/* STSCH of a number that is not registered, into one shared buffer, so
 * that looking costs no allocation: 0 = a valid device is there, -EACCES
 * = the number is installed without a device (DNV 0), -ENODEV = cc 3 (no
 * such subchannel: beyond the last one of the set). */
static int css_probe_stsch(struct os *os, uint8_t ssid, uint16_t no)
{
	struct os_priv *p = os->priv;
	const uint8_t *b;
	struct schib s;

	if (!p->probe_schib)
		p->probe_schib = os_kmalloc(os, SCHIB_SIZE, 8);
	if (!p->probe_schib)
		return -ENOMEM;
	if (os->css.ops->stsch(os->css.css, schid_word(ssid, no), p->probe_schib))
		return -ENODEV;
	b = storage_ptr(os->css.mem, p->probe_schib, SCHIB_SIZE);
	if (!b)
		return -ENODEV;
	schib_decode(b, &s);
	return css_sch_is_valid(&s) ? 0 : -EACCES;
}

/* Walk each subchannel set up to its first cc 3, as Linux's
 * for_each_subchannel does (the probe's -ENXIO ends the set). */
static void css_scan(struct os *os, bool known_too)
{
	unsigned ssid, no;

	for (ssid = 0; ssid <= MAX_SSID; ssid++) {
		for (no = 0; no <= MAX_SCHNO; no++) {
			int rc;

			if (css_find(os, (uint8_t)ssid, (uint16_t)no)) {
				if (known_too)
					css_evaluate_subchannel(os, (uint8_t)ssid, (uint16_t)no);
				continue;
			}
			rc = css_probe_stsch(os, (uint8_t)ssid, (uint16_t)no);
			if (rc == -ENODEV)
				break;
			if (rc == 0)
				css_probe_new(os, (uint8_t)ssid, (uint16_t)no);
		}
	}
}

/* CRW overflow: reports were lost, so every subchannel is looked at again. */
void css_evaluate_all(struct os *os)
{
	os_pr_debug(os, "css_schedule_eval_all: evaluating all subchannels");
	css_scan(os, true);
}

static int drivers_probe_store(void *obj, long arg, const char *buf, size_t len)
{
	struct os *os = obj;
	struct subchannel *sch;
	int ret = parse_sch_arg(os, buf, len, &sch);

	if (ret)
		return ret;
	css_probe_device(sch);
	/* Like `udevadm settle` after a probe: the writer returns once the
	 * device behind the subchannel has been recognised. */
	if (sim_current(os->sim))
		ccw_device_wait_init(os);
	return 0;
}

static const struct sysfs_attr_ops drivers_probe_ops = {.store = drivers_probe_store};

/* Boot: STSCH over all subchannel sets, register what exists, bind
 * drivers, then wait until the devices found have been recognised. */
int css_init(struct os *os)
{
	sysfs_mkdir(os->sysfs, "/sys/devices/css0");
	sysfs_mkdir(os->sysfs, "/sys/bus/css/devices");
	sysfs_attr(os->sysfs, "/sys/bus/css/drivers_probe", &drivers_probe_ops, os, 0);
	css_scan(os, false);
	ccw_device_wait_init(os);
	return 0;
}

void css_exit(struct os *os)
{
	struct sch_table *t = &osp(os)->schs;

	for (int c = SCH_CHUNKS - 1; c >= 0; c--) {
		for (int i = SCH_CHUNK - 1; t->chunk[c] && i >= 0; i--) {
			struct subchannel *sch = t->chunk[c][i];

			if (!sch)
				continue;
			if (sch->driver && sch->driver->remove)
				sch->driver->remove(sch);
			sch->driver = NULL;
			chp_sch_index_del(sch);
			css_table_remove(os, sch);
			css_free_subchannel(sch);
		}
		free(t->chunk[c]);
		t->chunk[c] = NULL;
	}
}
