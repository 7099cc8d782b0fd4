/* The css driver "vfio_ccw": binds to an I/O subchannel only when an
 * administrator asks for it (driver_override, e.g. `driverctl -b css
 * set-override 0.0.013f vfio_ccw`), offers one mdev type "vfio_ccw-io", and
 * forwards interrupts and channel-path events to the device's FSM.
 *
 * sysfs, per bound subchannel /sys/devices/css0/<sch>:
 *   mdev_supported_types/vfio_ccw-io/{create,available_instances,name,
 *                                     device_api,devices/}
 *   <uuid>/{remove,mdev_type}        and /sys/bus/mdev/devices/<uuid>
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/kern_priv.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfio_ccw.h"
#include "os/vfio_ccw_private.h"

#define MDEV_TYPE      "vfio_ccw-io"
#define MDEV_TYPE_NAME "I/O subchannel (Non-QDIO)"
#define MDEV_BUS_DIR   "/sys/bus/mdev/devices"
/* PMCW word 1 bit 0: QDIO facility (Linux pmcw.qf); vfio_ccw refuses it. */
#define PMCW_FLAGS_QF 0x8000

enum mdev_attr {
	ATTR_CREATE,
	ATTR_AVAILABLE,
	ATTR_NAME,
	ATTR_DEVICE_API,
	ATTR_REMOVE,
};

static const char *sch_name(const struct vfio_ccw_private *p)
{
	return p->dir + sizeof("/sys/devices/css0");
}

static int path_fmt(char *buf, size_t size, const char *fmt, const char *a, const char *b)
{
	int n = snprintf(buf, size, fmt, a, b);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* 8-4-4-4-12 hex digits, optionally followed by one newline; stored in
 * lower case as the kernel prints it. */
static int uuid_parse(const char *buf, size_t len, char out[37])
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 36)
		return -EINVAL;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? buf[i] != '-' : !isxdigit((unsigned char)buf[i]))
			return -EINVAL;
		out[i] = (char)tolower((unsigned char)buf[i]);
	}
	out[36] = 0;
	return 0;
}

static int mdev_show(void *obj, long arg, char *buf, size_t size)
{
	struct vfio_ccw_private *p = obj;

	switch (arg) {
	case ATTR_AVAILABLE:
		return snprintf(buf, size, "%d\n", p->mdev ? 0 : 1);
	case ATTR_NAME:
		return snprintf(buf, size, "%s\n", MDEV_TYPE_NAME);
	case ATTR_DEVICE_API:
		return snprintf(buf, size, "%s\n", VFIO_DEVICE_API_CCW_STRING);
	default:
		return -EIO;
	}
}

static int mdev_create(struct vfio_ccw_private *p, const char *buf, size_t len);
static int mdev_remove(struct vfio_ccw_private *p, bool force);

static int mdev_store(void *obj, long arg, const char *buf, size_t len)
{
	struct vfio_ccw_private *p = obj;

	if (arg == ATTR_CREATE)
		return mdev_create(p, buf, len);
	/* remove: "1" (a trailing newline allowed) */
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 1 || buf[0] != '1')
		return -EINVAL;
	return mdev_remove(p, false);
}

static const struct sysfs_attr_ops mdev_ro_ops = {.show = mdev_show};
static const struct sysfs_attr_ops mdev_wo_ops = {.store = mdev_store};

static int mdev_create(struct vfio_ccw_private *p, const char *buf, size_t len)
{
	struct sysfs *fs = p->os->sysfs;
	char uuid[37], path[160], target[160];
	int rc;

	if (uuid_parse(buf, len, uuid))
		return -EINVAL;
	if (vfio_find_device(p->os, uuid))
		return -EEXIST;
	/* Linux vfio_ccw_mdev_probe: a subchannel that is not operational
	 * takes no mdev (-ENODEV); one instance per subchannel. */
	if (p->state == VFIO_CCW_STATE_NOT_OPER)
		return -ENODEV;
	if (p->mdev)
		return -EUSERS;
	rc = path_fmt(path, sizeof(path), "%s/%s", p->dir, uuid);
	if (!rc)
		rc = sysfs_attr(fs, strcat(path, "/remove"), &mdev_wo_ops, p, ATTR_REMOVE);
	path_fmt(path, sizeof(path), "%s/%s/mdev_type", p->dir, uuid);
	path_fmt(target, sizeof(target), "%s/mdev_supported_types/%s", p->dir, MDEV_TYPE);
	if (!rc)
		rc = sysfs_symlink(fs, path, target);
	path_fmt(path, sizeof(path), "%s/%s", MDEV_BUS_DIR, uuid);
	path_fmt(target, sizeof(target), "%s/%s", p->dir, uuid);
	if (!rc)
		rc = sysfs_symlink(fs, path, target);
	path_fmt(path, sizeof(path), "%s/mdev_supported_types/" MDEV_TYPE "/devices/%s", p->dir,
		 uuid);
	if (!rc)
		rc = sysfs_symlink(fs, path, target);
	if (rc) {
		sysfs_remove(fs, target);
		path_fmt(path, sizeof(path), "%s/%s", MDEV_BUS_DIR, uuid);
		sysfs_remove(fs, path);
		return rc;
	}
	p->vdev.ops = &vfio_ccw_dev_ops;
	p->vdev.os = p->os;
	memcpy(p->vdev.name, uuid, sizeof(uuid));
	rc = vfio_register_device(&p->vdev);
	if (rc) {
		sysfs_remove(fs, path);
		sysfs_remove(fs, target);
		path_fmt(path, sizeof(path), "%s/%s", MDEV_BUS_DIR, uuid);
		sysfs_remove(fs, path);
		return rc;
	}
	p->mdev = true;
	p->iommu_group = os_iommu_group_alloc(p->os);
	os_printk_debug(p->os, "vfio_mdev %s: Adding to iommu group %d", uuid, p->iommu_group);
	return 0;
}

/* How long a remove waits between two requests to the VMM (upstream: the
 * vfio core re-sends the request every 10 seconds). */
#define MDEV_REQUEST_INTERVAL (10 * SIM_S)

/* An open device is not taken away from its user.  As upstream, the writer
 * of "remove" blocks and the request IRQ asks the VMM to let go, again
 * every MDEV_REQUEST_INTERVAL, until it closes the device; the removal
 * then proceeds.  Outside a task (nothing can block) the request is sent
 * and the removal fails with -EBUSY.  force (unbind, shutdown) closes the
 * device regardless.  Returns 0, -ENODEV (no mdev, or the subchannel went
 * away while waiting) or -EBUSY. */
static int mdev_remove(struct vfio_ccw_private *p, bool force)
{
	struct sysfs *fs = p->os->sysfs;
	struct sim *sim = p->os->sim;
	char path[160];
	bool gone;

	if (!p->mdev)
		return -ENODEV;
	if (p->vdev.open && !force) {
		if (!sim_current(sim)) {
			vfio_ccw_signal(p, p->req_trigger);
			return -EBUSY;
		}
		p->removers++;
		while (p->vdev.open && !p->gone) {
			vfio_ccw_signal(p, p->req_trigger);
			sim_wait_timeout(sim, &p->release_wq, MDEV_REQUEST_INTERVAL);
		}
		gone = p->gone;
		if (--p->removers == 0 && gone)
			free(p);
		/* the subchannel went away, or another writer removed it */
		if (gone || !p->mdev)
			return -ENODEV;
	}
	if (p->vdev.open)
		vfio_ccw_signal(p, p->req_trigger);
	vfio_unregister_device(&p->vdev);
	path_fmt(path, sizeof(path), "%s/mdev_supported_types/" MDEV_TYPE "/devices/%s", p->dir,
		 p->vdev.name);
	sysfs_remove(fs, path);
	path_fmt(path, sizeof(path), "%s/%s", MDEV_BUS_DIR, p->vdev.name);
	sysfs_remove(fs, path);
	path_fmt(path, sizeof(path), "%s/%s", p->dir, p->vdev.name);
	sysfs_remove(fs, path);
	os_printk_debug(p->os, "vfio_mdev %s: Removing from iommu group %d", p->vdev.name,
			p->iommu_group);
	os_iommu_group_free(p->os, p->iommu_group);
	p->mdev = false;
	p->vdev.name[0] = 0;
	return 0;
}

static int mdev_type_create(struct vfio_ccw_private *p)
{
	static const struct {
		const char *name;
		const struct sysfs_attr_ops *ops;
		enum mdev_attr arg;
	} attrs[] = {
		{"create", &mdev_wo_ops, ATTR_CREATE},
		{"available_instances", &mdev_ro_ops, ATTR_AVAILABLE},
		{"name", &mdev_ro_ops, ATTR_NAME},
		{"device_api", &mdev_ro_ops, ATTR_DEVICE_API},
	};
	char path[160];
	int rc;

	path_fmt(path, sizeof(path), "%s/mdev_supported_types/%s/devices", p->dir, MDEV_TYPE);
	rc = sysfs_mkdir(p->os->sysfs, path);
	for (size_t i = 0; !rc && i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		path_fmt(path, sizeof(path), "%s/mdev_supported_types/" MDEV_TYPE "/%s", p->dir,
			 attrs[i].name);
		rc = sysfs_attr(p->os->sysfs, path, attrs[i].ops, p, attrs[i].arg);
	}
	return rc;
}

/* Linux chp_get_sch_opm: a path counts unless its CHPID is known and
 * logically (vary) offline. */
static uint8_t sch_opm(struct subchannel *sch)
{
	uint8_t opm = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t mask = (uint8_t)(0x80 >> i);
		struct chpid id = {.cssid = 0, .id = sch->schib.pmcw.chpid[i]};
		const struct channel_path_info *ci;

		if (!(sch->schib.pmcw.pim & mask))
			continue;
		ci = chp_info(sch->os, id);
		if (!ci || !ci->known || ci->state)
			opm |= mask;
	}
	return opm;
}

static void vfio_ccw_sch_remove(struct subchannel *sch);

static int vfio_ccw_sch_probe(struct subchannel *sch)
{
	struct vfio_ccw_private *p;
	char id[16];
	int rc;

	if (sch->schib.pmcw.flags & PMCW_FLAGS_QF)
		return -ENODEV;
	if ((sch->schib.pmcw.chars & PMCW_CHARS_ST) >> PMCW_ST_SHIFT)
		return -ENODEV; /* not an I/O subchannel */
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->os = sch->os;
	p->sch = sch;
	p->io_trigger = p->crw_trigger = p->req_trigger = -1;
	snprintf(p->dir, sizeof(p->dir), "/sys/devices/css0/%s", ccw_id_fmt(&sch->schid, id));
	sch->drvdata = p;
	p->next = osp(p->os)->vfio_ccw;
	osp(p->os)->vfio_ccw = p;
	cio_update_schib(sch);
	sch->opm = sch_opm(sch);
	sch->lpm = sch->schib.pmcw.pam & sch->opm;
	/* The subchannel stays disabled until a user opens the mdev. */
	cio_disable_subchannel(sch);
	p->state = VFIO_CCW_STATE_STANDBY;
	rc = mdev_type_create(p);
	if (rc) {
		vfio_ccw_sch_remove(sch);
		return rc;
	}
	os_pr_debug(p->os, "vfio_ccw %s: bound, opm %02x lpm %02x", sch_name(p), sch->opm,
		    sch->lpm);
	return 0;
}

static void vfio_ccw_sch_remove(struct subchannel *sch)
{
	struct vfio_ccw_private *p = sch->drvdata;
	char path[160];

	if (!p)
		return;
	mdev_remove(p, true);
	vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_CLOSE);
	vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_NOT_OPER);
	path_fmt(path, sizeof(path), "%s/mdev_supported_types%s", p->dir, "");
	sysfs_remove(p->os->sysfs, path);
	for (struct vfio_ccw_private **pp = &osp(p->os)->vfio_ccw; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	p->next = NULL;
	cp_destroy(&p->cp);
	sch->drvdata = NULL;
	if (p->removers) {
		/* writers of "remove" still wait on it: the last one frees */
		p->gone = true;
		sim_wake(p->os->sim, &p->release_wq);
		return;
	}
	free(p);
}

static void vfio_ccw_sch_irq(struct subchannel *sch)
{
	struct vfio_ccw_private *p = sch->drvdata;

	if (p)
		vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_INTERRUPT);
}

/* Subchannel re-evaluation (CRW RSC 3, overflow): gone means NOT_OPER. */
static int vfio_ccw_sch_event(struct subchannel *sch, int process)
{
	struct vfio_ccw_private *p = sch->drvdata;

	if (!p)
		return 0;
	if (cio_update_schib(sch) || !(sch->schib.pmcw.flags & PMCW_FLAGS_DNV))
		vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_NOT_OPER);
	return 0;
}

static const struct css_driver vfio_ccw_sch_driver = {
	.name = "vfio_ccw",
	.probe = vfio_ccw_sch_probe,
	.remove = vfio_ccw_sch_remove,
	.irq = vfio_ccw_sch_irq,
	.chp_event = vfio_ccw_chp_event,
	.sch_event = vfio_ccw_sch_event,
};

int vfio_ccw_init(struct os *os)
{
	int rc = sysfs_mkdir(os->sysfs, MDEV_BUS_DIR);

	if (rc && rc != -EEXIST)
		return rc;
	return css_driver_register(os, &vfio_ccw_sch_driver);
}

void vfio_ccw_signal(struct vfio_ccw_private *p, int trigger)
{
	if (trigger >= 0)
		os_eventfd_signal(p->os, trigger);
}

void vfio_ccw_exit(struct os *os)
{
	while (osp(os)->vfio_ccw) {
		struct vfio_ccw_private *p = osp(os)->vfio_ccw;

		osp(os)->vfio_ccw = p->next;
		if (p->mdev)
			vfio_unregister_device(&p->vdev);
		cp_destroy(&p->cp);
		if (p->sch && p->sch->drvdata == p)
			p->sch->drvdata = NULL;
		free(p);
	}
	vfio_exit(os);
}
