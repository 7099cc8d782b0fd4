/* The ccw bus and the io_subchannel css driver (Linux device.c): create a
 * ccw device per I/O subchannel, recognise it (Sense ID), bind a ccw
 * driver, set it online/offline for the `online` attribute, and turn
 * channel-path events into path verification and driver path events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/device_priv.h"
#include "os/sysfs.h"

#define IO_SCH_ISC	3
#define CCW_MAX_DRIVERS 4

struct ccw_bus {
	struct ccw_device *dead; /* removed devices, freed at exit */
	const struct ccw_driver *drivers[CCW_MAX_DRIVERS];
	int ndrivers;
	int recog_pending;
	struct sim_waitq init_wq;
	/* Linux's recovery timer (device.c recovery_work) */
	struct sim_event *recovery_ev;
	int recovery_phase;
};

/* Linux recovery_delay[]: 3 s, 30 s, then every 300 s. */
static const sim_time_t recovery_delay[] = {3 * SIM_S, 30 * SIM_S, 300 * SIM_S};
#define RECOVERY_PHASES ((int)(sizeof(recovery_delay) / sizeof(recovery_delay[0])))

static struct ccw_bus *ccw_bus(struct os *os)
{
	return osp(os)->ccw;
}

static struct ccw_bus *bus_of(struct ccw_device *cdev)
{
	return ccw_bus(cdev->os);
}

struct ccw_device *ccw_device_from_sch(struct subchannel *sch)
{
	return sch->driver == &io_subchannel_driver ? sch->drvdata : NULL;
}

/* Our path group ID: CPU address, CPU id, machine type, TOD high word
 * (Linux builds it the same way); derived from the host name and the boot
 * time so that two OS instances never share one. */
static void pgid_init(struct os *os)
{
	uint8_t *p = osp(os)->pgid;
	uint32_t h = 2166136261u;
	uint64_t tod = sim_now(os->sim) / SIM_US;
	const char *c;

	for (c = os->hostname; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	p[0] = 0;
	p[1] = 0;
	p[2] = (uint8_t)(h >> 16);
	p[3] = (uint8_t)(h >> 8);
	p[4] = (uint8_t)h;
	p[5] = 0x39;
	p[6] = 0x06;
	p[7] = (uint8_t)(tod >> 24 | 0x80);
	p[8] = (uint8_t)(tod >> 16);
	p[9] = (uint8_t)(tod >> 8);
	p[10] = (uint8_t)tod;
}

int ccw_bus_init(struct os *os)
{
	struct ccw_bus *bus = calloc(1, sizeof(*bus));

	if (!bus)
		return -ENOMEM;
	osp(os)->ccw = bus;
	pgid_init(os);
	sysfs_mkdir(os->sysfs, "/sys/bus/ccw/devices");
	sysfs_mkdir(os->sysfs, "/sys/bus/ccw/drivers");
	return 0;
}

void ccw_bus_exit(struct os *os)
{
	struct ccw_bus *bus = osp(os)->ccw;

	if (bus && bus->recovery_ev) {
		sim_cancel(os->sim, bus->recovery_ev);
		bus->recovery_ev = NULL;
	}

	while (bus && bus->dead) {
		struct ccw_device *c = bus->dead;

		bus->dead = c->dead_next;
		free(c);
	}
	free(osp(os)->ccw);
	osp(os)->ccw = NULL;
}

int ccw_driver_register(struct os *os, const struct ccw_driver *drv)
{
	struct ccw_bus *bus = ccw_bus(os);
	char path[96];

	if (!bus || bus->ndrivers == CCW_MAX_DRIVERS)
		return -ENOMEM;
	bus->drivers[bus->ndrivers++] = drv;
	snprintf(path, sizeof(path), "/sys/bus/ccw/drivers/%s", drv->name);
	sysfs_mkdir(os->sysfs, path);
	return 0;
}

const struct ciw *ccw_device_get_ciw(struct ccw_device *cdev, uint8_t type)
{
	int i;

	for (i = 0; i < cdev->senseid.nciw; i++)
		if (cdev->senseid.ciw[i].type == type)
			return &cdev->senseid.ciw[i];
	return NULL;
}

/* Does any task wait on the ccw bus or a ccw device of this OS? */
bool ccw_has_waiters(struct os *os)
{
	struct ccw_bus *bus = ccw_bus(os);
	struct ccw_device *c;
	struct subchannel *sch;

	if (!bus)
		return false;
	if (bus->init_wq.head)
		return true;
	for (c = bus->dead; c; c = c->dead_next)
		if (c->wq.head)
			return true;
	css_for_each_subchannel(os, sch)
	{
		c = ccw_device_from_sch(sch);
		if (c && c->wq.head)
			return true;
	}
	return false;
}

void ccw_bus_halt(struct os *os)
{
	struct ccw_bus *bus = ccw_bus(os);
	struct subchannel *local[64], **v = local, *sch;
	size_t n = 0, k;

	if (!bus)
		return;
	if (bus->recovery_ev) {
		sim_cancel(os->sim, bus->recovery_ev);
		bus->recovery_ev = NULL;
	}
	/* A copy: a device that goes may change the subchannel list. */
	if (osp(os)->schs.n > 64 && !(v = malloc(osp(os)->schs.n * sizeof(*v))))
		return;
	css_for_each_subchannel(os, sch) v[n++] = sch;
	for (k = 0; k < n; k++) {
		struct ccw_device *cdev = ccw_device_from_sch(v[k]);

		if (cdev)
			dev_fsm_event(cdev, DEV_EVENT_NOTOPER);
	}
	if (v != local)
		free(v);
	bus->recog_pending = 0;
	os_wake(os, &bus->init_wq);
}

void ccw_device_wait_init(struct os *os)
{
	struct ccw_bus *bus = ccw_bus(os);

	while (bus && bus->recog_pending > 0)
		sim_wait(os->sim, &bus->init_wq);
}

/* ---- recovery (Linux recovery_work_func / recovery_check) ---- */

static void recovery_fn(void *arg)
{
	struct os *os = arg;
	struct ccw_bus *bus = ccw_bus(os);
	struct os_priv *p = osp(os);
	struct subchannel *local[64], **v = local, *s;
	bool redo = false;
	size_t n = 0, k;

	bus->recovery_ev = NULL;
	if (p->dying || p->halted)
		return;
	/* A copy: looking at a device may change the subchannel list. */
	if (p->schs.n > 64 && !(v = malloc(p->schs.n * sizeof(*v))))
		return;
	css_for_each_subchannel(os, s) v[n++] = s;
	for (k = 0; k < n; k++) {
		struct subchannel *sch = v[k];
		struct ccw_device *cdev = ccw_device_from_sch(sch);

		if (!cdev)
			continue;
		/* Disconnected, or online with paths that did not verify. */
		if (cdev->state == DEV_STATE_DISCONNECTED ||
		    (cdev->state == DEV_STATE_ONLINE &&
		     (sch->schib.pmcw.pam & sch->opm) != sch->vpm)) {
			os_pr_debug(os, "recovery: trigger 0.%x.%04x", cdev->id.ssid, cdev->id.no);
			dev_fsm_event(cdev, DEV_EVENT_VERIFY);
			redo = true;
		} else if (cdev->state == DEV_STATE_DISCONNECTED_SENSE_ID) {
			redo = true;
		}
	}
	if (v != local)
		free(v);
	if (!redo) {
		os_pr_debug(os, "recovery: end");
		return;
	}
	if (bus->recovery_phase < RECOVERY_PHASES - 1)
		bus->recovery_phase++;
	bus->recovery_ev = sim_at(os->sim, recovery_delay[bus->recovery_phase], recovery_fn, os);
}

void ccw_device_schedule_recovery(struct os *os)
{
	struct ccw_bus *bus = ccw_bus(os);

	if (!bus || osp(os)->dying || osp(os)->halted)
		return;
	os_pr_debug(os, "recovery: schedule");
	if (bus->recovery_ev && bus->recovery_phase == 0)
		return;
	if (bus->recovery_ev)
		sim_cancel(os->sim, bus->recovery_ev);
	bus->recovery_phase = 0;
	bus->recovery_ev = sim_at(os->sim, recovery_delay[0], recovery_fn, os);
}

/* ---- online / offline for the attribute (task context) ---- */

static void wait_final(struct ccw_device *cdev)
{
	while (!dev_fsm_final_state(cdev))
		sim_wait(cdev->os->sim, &cdev->wq);
}

/* Linux ccw_device_set_offline waits for a final state or DISCONNECTED. */
static void wait_final_or_disconnected(struct ccw_device *cdev)
{
	while (!dev_fsm_final_state(cdev) && cdev->state != DEV_STATE_DISCONNECTED)
		sim_wait(cdev->os->sim, &cdev->wq);
}

int ccw_device_set_online(struct ccw_device *cdev)
{
	int ret;

	if (cdev->online)
		return 0;
	if (!cdev->drv || cdev->onlining)
		return -EINVAL;
	if (!sim_current(cdev->os->sim))
		return -EAGAIN;
	cdev->onlining = true;
	ret = ccw_device_online(cdev);
	if (ret)
		goto out;
	wait_final(cdev);
	if (cdev->state != DEV_STATE_ONLINE) {
		ret = cdev->state == DEV_STATE_BOXED ? -EUSERS : -ENODEV;
		goto out;
	}
	ret = cdev->drv->set_online ? cdev->drv->set_online(cdev) : 0;
	if (ret) {
		/* Roll back: the driver refused the device. */
		if (ccw_device_offline(cdev) == 0)
			wait_final(cdev);
		goto out;
	}
	cdev->online = true;
out:
	cdev->onlining = false;
	return ret;
}

int ccw_device_set_offline(struct ccw_device *cdev)
{
	int ret, tries = 0;

	if (!cdev->online)
		return 0;
	if (!sim_current(cdev->os->sim))
		return -EAGAIN;
	if (cdev->drv && cdev->drv->set_offline) {
		ret = cdev->drv->set_offline(cdev);
		if (ret)
			return ret;
	}
	cdev->online = false;
	wait_final_or_disconnected(cdev);
	while ((ret = ccw_device_offline(cdev)) == -EBUSY && tries++ < 100)
		sim_sleep(cdev->os->sim, 10 * SIM_MS);
	if (ret == 0)
		wait_final(cdev);
	return 0;
}

/* ---- sysfs ---- */

enum cdev_attr { CDA_DEVTYPE, CDA_CUTYPE, CDA_ONLINE, CDA_AVAIL, CDA_MODALIAS };

static int cdev_show(void *obj, long arg, char *buf, size_t size)
{
	struct ccw_device *cdev = obj;
	const struct senseid *id = &cdev->senseid;

	switch (arg) {
	case CDA_DEVTYPE:
		if (!id->dev_type)
			return snprintf(buf, size, "n/a\n");
		return snprintf(buf, size, "%04x/%02x\n", id->dev_type, id->dev_model);
	case CDA_CUTYPE:
		return snprintf(buf, size, "%04x/%02x\n", id->cu_type, id->cu_model);
	case CDA_ONLINE:
		return snprintf(buf, size, "%d\n", cdev->online ? 1 : 0);
	case CDA_AVAIL:
		/* Linux available_show */
		switch (cdev->state) {
		case DEV_STATE_BOXED:
			return snprintf(buf, size, "boxed\n");
		case DEV_STATE_DISCONNECTED:
		case DEV_STATE_DISCONNECTED_SENSE_ID:
		case DEV_STATE_NOT_OPER:
			if (!cdev->sch || !cdev->sch->lpm)
				return snprintf(buf, size, "no path\n");
			return snprintf(buf, size, "no device\n");
		default:
			return snprintf(buf, size, "good\n");
		}
	case CDA_MODALIAS:
		return snprintf(buf, size, "ccw:t%04Xm%02Xdt%04Xdm%02X\n", id->cu_type,
				id->cu_model, id->dev_type, id->dev_model);
	}
	return -EINVAL;
}

static int cdev_online_store(void *obj, long arg, const char *buf, size_t len)
{
	struct ccw_device *cdev = obj;
	char tmp[16];

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (!len || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	if (!strcmp(tmp, "1") || !strcmp(tmp, "force"))
		return ccw_device_set_online(cdev);
	if (!strcmp(tmp, "0"))
		return ccw_device_set_offline(cdev);
	return -EINVAL;
}

static const struct sysfs_attr_ops cdev_ro_ops = {.show = cdev_show};
static const struct sysfs_attr_ops cdev_online_ops = {
	.show = cdev_show,
	.store = cdev_online_store,
};

static const struct {
	const char *name;
	enum cdev_attr attr;
	const struct sysfs_attr_ops *ops;
} cdev_attrs[] = {
	{"devtype", CDA_DEVTYPE, &cdev_ro_ops},	  {"cutype", CDA_CUTYPE, &cdev_ro_ops},
	{"online", CDA_ONLINE, &cdev_online_ops}, {"availability", CDA_AVAIL, &cdev_ro_ops},
	{"modalias", CDA_MODALIAS, &cdev_ro_ops},
};

static void ccw_device_bind_driver(struct ccw_device *cdev)
{
	struct ccw_bus *bus = ccw_bus(cdev->os);
	char path[128], target[96];
	int i;

	for (i = 0; i < bus->ndrivers; i++) {
		const struct ccw_driver *drv = bus->drivers[i];

		if (drv->match && !drv->match(cdev))
			continue;
		cdev->drv = drv;
		if (drv->probe && drv->probe(cdev)) {
			cdev->drv = NULL;
			continue;
		}
		snprintf(path, sizeof(path), "%s/driver", cdev->dir);
		snprintf(target, sizeof(target), "/sys/bus/ccw/drivers/%s", drv->name);
		sysfs_symlink(cdev->os->sysfs, path, target);
		snprintf(path, sizeof(path), "/sys/bus/ccw/drivers/%s/%s", drv->name, cdev->busid);
		sysfs_symlink(cdev->os->sysfs, path, cdev->dir);
		return;
	}
}

static void ccw_device_register(struct ccw_device *cdev)
{
	struct os *os = cdev->os;
	struct sysfs_node *dir;
	char path[128];
	size_t i;

	snprintf(cdev->dir, sizeof(cdev->dir), "%s/%s", sch_priv(cdev->sch)->dir, cdev->busid);
	dir = sysfs_mkdir_at(os->sysfs, NULL, cdev->dir, strlen(cdev->dir), NULL);
	for (i = 0; dir && i < sizeof(cdev_attrs) / sizeof(cdev_attrs[0]); i++)
		sysfs_attr_at(os->sysfs, dir, cdev_attrs[i].name, cdev_attrs[i].ops, cdev,
			      cdev_attrs[i].attr);
	snprintf(path, sizeof(path), "/sys/bus/ccw/devices/%s", cdev->busid);
	sysfs_symlink(os->sysfs, path, cdev->dir);
	cdev->registered = true;
	ccw_device_bind_driver(cdev);
}

static void ccw_device_unregister(struct ccw_device *cdev)
{
	struct os *os = cdev->os;
	char path[128];

	if (!cdev->registered)
		return;
	if (cdev->drv) {
		if (cdev->drv->remove)
			cdev->drv->remove(cdev);
		snprintf(path, sizeof(path), "/sys/bus/ccw/drivers/%s/%s", cdev->drv->name,
			 cdev->busid);
		sysfs_remove(os->sysfs, path);
		cdev->drv = NULL;
	}
	snprintf(path, sizeof(path), "/sys/bus/ccw/devices/%s", cdev->busid);
	sysfs_remove(os->sysfs, path);
	sysfs_remove(os->sysfs, cdev->dir);
	cdev->registered = false;
}

static bool same_device(const struct senseid *a, const struct senseid *b)
{
	return a->cu_type == b->cu_type && a->cu_model == b->cu_model &&
	       a->dev_type == b->dev_type && a->dev_model == b->dev_model;
}

/* Sense ID of a disconnected device finished (Linux ccw_device_recog_done
 * in DISCONNECTED_SENSE_ID): no answer leaves it disconnected; the same
 * device goes online again and its driver is told (CIO_OPER). */
static void ccw_device_reconnect_done(struct ccw_device *cdev, int rc)
{
	struct subchannel *sch = cdev->sch;

	cio_disable_subchannel(sch);
	if (cio_update_schib(sch) == 0)
		sch->lpm = sch->schib.pmcw.pam & sch->opm;
	if (rc) {
		os_pr_debug(cdev->os, "cio: %s: no answer yet (%d)", cdev->busid, rc);
		cdev->senseid = cdev->known_id;
		cdev->state = DEV_STATE_DISCONNECTED;
		os_wake(cdev->os, &cdev->wq);
		return;
	}
	if (!same_device(&cdev->senseid, &cdev->known_id) || cdev->id.no != sch->schib.pmcw.devno) {
		/* Another device answers on the subchannel. */
		os_pr_debug(cdev->os, "cio: %s: another device answers", cdev->busid);
		cdev->senseid = cdev->known_id;
		cdev->state = DEV_STATE_DISCONNECTED;
		return;
	}
	os_pr_debug(cdev->os, "cio: %s: device answers again, verifying its paths", cdev->busid);
	cdev->state = DEV_STATE_OFFLINE;
	cdev->donotify = true;
	if (ccw_device_online(cdev) && cdev->state == DEV_STATE_OFFLINE) {
		cdev->donotify = false;
		ccw_device_set_disconnected(cdev); /* try again later */
	}
	os_wake(cdev->os, &cdev->wq);
}

/* Sense ID finished (from an event): the device is now known, offline. */
void ccw_device_recog_done(struct ccw_device *cdev, int rc)
{
	struct ccw_bus *bus = ccw_bus(cdev->os);

	if (cdev->state == DEV_STATE_DISCONNECTED_SENSE_ID) {
		ccw_device_reconnect_done(cdev, rc);
		return;
	}
	cio_disable_subchannel(cdev->sch);
	if (rc) {
		os_pr_debug(cdev->os, "cio: %s: recognition failed (%d)", cdev->busid, rc);
		cdev->state = DEV_STATE_NOT_OPER;
	} else {
		cdev->state = DEV_STATE_OFFLINE;
		if (!cdev->registered)
			ccw_device_register(cdev);
	}
	if (bus->recog_pending > 0 && --bus->recog_pending == 0)
		os_wake(cdev->os, &bus->init_wq);
	os_wake(cdev->os, &cdev->wq);
}

/* ---- the io_subchannel css driver ---- */

void ccw_device_rerecognise(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;

	os_pr_debug(cdev->os, "cio: %s: device answers again, sensing its id", cdev->busid);
	sch->opm = chp_get_sch_opm(sch);
	sch->lpm = sch->schib.pmcw.pam & sch->opm;
	ccw_bus(cdev->os)->recog_pending++;
	if (cio_enable_subchannel(sch, sch->schid_word, IO_SCH_ISC)) {
		ccw_device_recog_done(cdev, -ENODEV);
		return;
	}
	cdev->state = DEV_STATE_SENSE_ID;
	ccw_device_sense_id_start(cdev);
}

static int io_subchannel_probe(struct subchannel *sch)
{
	struct os *os = sch->os;
	struct ccw_bus *bus = ccw_bus(os);
	struct ccw_device *cdev;
	int ret;

	if (!(sch->schib.pmcw.flags & PMCW_FLAGS_DNV))
		return -ENODEV;
	cdev = calloc(1, sizeof(*cdev));
	if (!cdev)
		return -ENOMEM;
	cdev->dma = os_kmalloc(os, CDEV_DMA_SIZE, 8);
	if (!cdev->dma) {
		free(cdev);
		return -ENOMEM;
	}
	cdev->os = os;
	cdev->sch = sch;
	cdev->id.cssid = 0;
	cdev->id.ssid = sch->schid.ssid;
	cdev->id.no = sch->schib.pmcw.devno;
	ccw_id_fmt(&cdev->id, cdev->busid);
	sch->drvdata = cdev;
	sch->opm = chp_get_sch_opm(sch);
	sch->lpm = sch->schib.pmcw.pam & sch->opm;
	bus->recog_pending++;
	ret = cio_enable_subchannel(sch, sch->schid_word, IO_SCH_ISC);
	if (ret) {
		ccw_device_recog_done(cdev, ret);
		return 0;
	}
	cdev->state = DEV_STATE_SENSE_ID;
	ccw_device_sense_id_start(cdev);
	return 0;
}

static void io_subchannel_remove(struct subchannel *sch)
{
	struct ccw_device *cdev = sch->drvdata;
	int iretry = 255;

	if (!cdev)
		return;
	ccw_device_unregister(cdev);
	ccw_device_set_timeout(cdev, 0);
	if (cdev->state == DEV_STATE_SENSE_ID) {
		struct ccw_bus *bus = ccw_bus(cdev->os);

		if (bus->recog_pending > 0 && --bus->recog_pending == 0)
			os_wake(cdev->os, &bus->init_wq);
	}
	if (cio_disable_subchannel(sch) == -EBUSY) {
		cio_cancel_halt_clear(sch, &iretry);
		cio_disable_subchannel(sch);
	}
	cdev->state = DEV_STATE_NOT_OPER;
	cdev->sch = NULL;
	os_wake(cdev->os, &cdev->wq);
	os_kfree(cdev->os, cdev->dma);
	cdev->dma = 0;
	sch->drvdata = NULL;
	/* A task blocked in set_online/offline still looks at the device
	 * when it wakes; it is freed with the bus. */
	cdev->dead_next = bus_of(cdev)->dead;
	bus_of(cdev)->dead = cdev;
}

static void io_subchannel_irq(struct subchannel *sch)
{
	struct ccw_device *cdev = sch->drvdata;

	if (cdev)
		dev_fsm_event(cdev, DEV_EVENT_INTERRUPT);
}

/* Stop I/O that runs on a path that went away, then re-verify. */
static void io_subchannel_terminate_path(struct subchannel *sch, uint8_t mask)
{
	struct ccw_device *cdev = sch->drvdata;
	int iretry = 255, ret;

	if (!cdev)
		return;
	if (cio_update_schib(sch)) {
		dev_fsm_event(cdev, DEV_EVENT_NOTOPER);
		return;
	}
	if ((sch->schib.scsw.ctrl & SCSW_ACTL_MASK) && sch->schib.pmcw.lpum == mask) {
		if (cdev->state == DEV_STATE_ONLINE && cdev->io_active) {
			cdev->kill_pending = true;
			ret = cio_cancel_halt_clear(sch, &iretry);
			if (ret == 0) {
				/* Cancelled before it started: no interrupt comes. */
				cdev->io_active = false;
				cdev->kill_pending = false;
				if (cdev->handler)
					cdev->handler(cdev, cdev->intparm, NULL, -EIO);
			}
		} else if (cdev->state != DEV_STATE_ONLINE) {
			cio_clear(sch);
		}
	}
	dev_fsm_event(cdev, DEV_EVENT_VERIFY);
}

static void io_subchannel_verify(struct subchannel *sch)
{
	struct ccw_device *cdev = sch->drvdata;

	if (cdev)
		dev_fsm_event(cdev, DEV_EVENT_VERIFY);
}

static int io_subchannel_chp_event(struct subchannel *sch, struct chp_link *link,
				   enum chp_event_kind ev)
{
	struct ccw_device *cdev = sch->drvdata;
	uint8_t mask = chp_ssd_get_mask(&sch->ssd, link);

	if (!mask)
		return 0;
	switch (ev) {
	case CHP_VARY_OFF:
		sch->opm &= (uint8_t)~mask;
		sch->lpm &= (uint8_t)~mask;
		if (cdev)
			cdev->path_gone_mask |= mask;
		io_subchannel_terminate_path(sch, mask);
		break;
	case CHP_VARY_ON:
		sch->opm |= mask;
		sch->lpm |= mask;
		if (cdev)
			cdev->path_new_mask |= mask;
		io_subchannel_verify(sch);
		break;
	case CHP_OFFLINE:
		if (cio_update_schib(sch))
			return -ENODEV;
		if (cdev)
			cdev->path_gone_mask |= mask;
		io_subchannel_terminate_path(sch, mask);
		break;
	case CHP_ONLINE:
		if (cio_update_schib(sch))
			return -ENODEV;
		sch->lpm |= mask & sch->opm;
		if (cdev)
			cdev->path_new_mask |= mask;
		io_subchannel_verify(sch);
		break;
	}
	return 0;
}

/* Linux sch_get_action(), without the orphanage: a subchannel that is gone
 * (STSCH cc 3) takes its ccw device with it (IO_SCH_UNREG); one without a
 * valid device (DNV 0: a VMM unplugged it) loses the ccw device and stays
 * registered (IO_SCH_UNREG_CDEV); a valid one without a ccw device gets one
 * (IO_SCH_ATTACH), and one whose device number changed gets a new one
 * (IO_SCH_UNREG_ATTACH).  Removing an online device fails its queued I/O. */
static int io_subchannel_sch_event(struct subchannel *sch, int process)
{
	struct ccw_device *cdev = sch->drvdata;
	int rc = cio_update_schib(sch);

	if (rc && cdev && cdev->drv && cdev->drv->notify)
		cdev->drv->notify(cdev, CIO_GONE);
	if (rc == -ENODEV)
		return -ENODEV; /* css unbinds us (io_subchannel_remove) */
	if (rc) {
		io_subchannel_remove(sch);
		return 0;
	}
	if (cdev && cdev->id.no != sch->schib.pmcw.devno) {
		io_subchannel_remove(sch);
		cdev = NULL;
	}
	if (!cdev)
		return io_subchannel_probe(sch);
	if (cdev && cdev->state == DEV_STATE_ONLINE && (sch->schib.pmcw.pam & sch->opm) != sch->vpm)
		dev_fsm_event(cdev, DEV_EVENT_VERIFY);
	/* A device that was not operational (and is not online for its
	 * driver) answers again: recognise it anew. */
	if (cdev && cdev->state == DEV_STATE_NOT_OPER && !cdev->online && cdev->sch &&
	    (sch->schib.pmcw.flags & PMCW_FLAGS_DNV))
		ccw_device_rerecognise(cdev);
	return 0;
}

const struct css_driver io_subchannel_driver = {
	.name = "io_subchannel",
	.probe = io_subchannel_probe,
	.remove = io_subchannel_remove,
	.irq = io_subchannel_irq,
	.chp_event = io_subchannel_chp_event,
	.sch_event = io_subchannel_sch_event,
};
