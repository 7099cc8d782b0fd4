/* Generic DASD layer: the dasd device of a ccw device, the request queue
 * with its per-request state machine (retries on the remaining paths, wait
 * for a path when none is left), path events and the path worker, the ccw
 * driver glue and the dasd sysfs attributes.
 *
 * Request life: FILLED -> QUEUED -> IN_IO -> (QUEUED again on a retry) ->
 * DONE or FAILED.  Only IN_IO takes an interruption, and only the request
 * whose id equals the interruption parameter; DONE and FAILED are final and
 * set exactly once, so no request is lost or completed twice. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/dasd_priv.h"
#include "os/sysfs.h"

#define DASD_BUSY_DELAY	  (1 * SIM_MS)
#define DASD_NOPATH_DELAY (100 * SIM_MS)

#define DASD_DEAD_MAX	  64

/* Linux's dasd devmap: the device index (and so the name dasda, dasdb,
 * ... and the minor) of a bus ID, given out in the order bus IDs are first
 * seen and kept for the life of the kernel, so a device that goes away
 * (unbind, a subchannel that disappears) gets its name back. */
struct dasd_devmap {
	char busid[16];
	int devindex;
};

struct dasd_state {
	int next_index;
	struct dasd_devmap *map; /* in the order bus IDs were first seen */
	size_t nmap, capmap;
	uint32_t *slot; /* open-addressing index of map: entry + 1, 0 free */
	size_t nslot;	/* a power of two, at least twice nmap */
	struct dasd_device *dead[DASD_DEAD_MAX]; /* removed, freed at exit */
	unsigned ndead;
};

static struct dasd_state *dasd_state_of(struct os *os)
{
	return osp(os)->dasd;
}

static void dasd_drop_spare(struct dasd_device *dev);

static void dasd_device_free(struct dasd_device *dev)
{
	dasd_drop_spare(dev);
	if (dev->pv_task && !osp(dev->os)->tasks_gone && sim_task_done(dev->pv_task))
		sim_task_free(dev->pv_task);
	free(dev);
}

/* ---- messages ---- */

static void dasd_vmsg(struct dasd_device *dev, bool console, const char *fmt, va_list ap)
{
	char text[400];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (console)
		os_printk(dev->os, "dasd-eckd %s: %s", dev->busid, text);
	else
		os_pr_debug(dev->os, "dasd-eckd %s: %s", dev->busid, text);
}

void dasd_dev_info(struct dasd_device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dasd_vmsg(dev, true, fmt, ap);
	va_end(ap);
}

void dasd_dev_debug(struct dasd_device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dasd_vmsg(dev, false, fmt, ap);
	va_end(ap);
}

uint8_t *dasd_kptr(struct dasd_device *dev, uint64_t addr, uint64_t len)
{
	return os_kptr(dev->os, addr, len);
}

/* ---- requests ---- */

#ifdef __SANITIZE_ADDRESS__
#define DASD_KEEP_SPARE 0 /* a stale request pointer stays a use after free */
#else
#define DASD_KEEP_SPARE 1
#endif

struct dasd_ccw_req *dasd_alloc_request(struct dasd_device *dev, uint64_t memsize,
					uint64_t datasize)
{
	struct dasd_ccw_req *cqr = dev->spare;

	if (cqr && !datasize && cqr->memsize == memsize) {
		uint64_t mem = cqr->mem;
		uint8_t *p = dasd_kptr(dev, mem, memsize);

		dev->spare = NULL;
		if (p)
			memset(p, 0, memsize); /* as os_kmalloc hands it out */
		memset(cqr, 0, sizeof(*cqr));
		cqr->mem = mem;
	} else {
		cqr = calloc(1, sizeof(*cqr));
		if (!cqr)
			return NULL;
		cqr->mem = os_kmalloc(dev->os, memsize, 8);
		if (datasize)
			cqr->data = os_kmalloc(dev->os, datasize, 4096);
	}
	cqr->device = dev;
	cqr->memsize = memsize;
	if (!cqr->mem || (datasize && !cqr->data)) {
		dasd_free_request(cqr);
		return NULL;
	}
	cqr->cpaddr = cqr->mem;
	cqr->id = ++dev->next_id;
	cqr->retries = DASD_RETRIES;
	cqr->path_retries = (int)dev->retries;
	cqr->status = DASD_CQR_FILLED;
	return cqr;
}

static void request_release(struct dasd_ccw_req *cqr)
{
	os_kfree(cqr->device->os, cqr->mem);
	os_kfree(cqr->device->os, cqr->data);
	free(cqr);
}

void dasd_free_request(struct dasd_ccw_req *cqr)
{
	struct dasd_device *dev;

	if (!cqr)
		return;
	dev = cqr->device;
	if (DASD_KEEP_SPARE && !dev->spare && cqr->mem && !cqr->data && dev->cdev) {
		dev->spare = cqr;
		return;
	}
	request_release(cqr);
}

/* The spare request goes back to the allocator (the device goes away). */
static void dasd_drop_spare(struct dasd_device *dev)
{
	if (dev->spare)
		request_release(dev->spare);
	dev->spare = NULL;
}

static void queue_unlink(struct dasd_device *dev, struct dasd_ccw_req *cqr)
{
	struct dasd_ccw_req **pp = &dev->head, *prev = NULL;

	while (*pp && *pp != cqr) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = cqr->next;
	if (dev->tail == cqr)
		dev->tail = prev;
	cqr->next = NULL;
}

static void queue_add(struct dasd_device *dev, struct dasd_ccw_req *cqr)
{
	cqr->status = DASD_CQR_QUEUED;
	cqr->next = NULL;
	if (cqr->immediate) {
		/* After a running request, before everything else. */
		struct dasd_ccw_req **pp = &dev->head;

		while (*pp && ((*pp)->status == DASD_CQR_IN_IO || (*pp)->immediate))
			pp = &(*pp)->next;
		cqr->next = *pp;
		*pp = cqr;
		if (!cqr->next)
			dev->tail = cqr;
		return;
	}
	if (dev->tail)
		dev->tail->next = cqr;
	else
		dev->head = cqr;
	dev->tail = cqr;
}

/* ---- the request state machine ---- */

/* dasd_kick() after a request left the queue.  With nothing queued the
 * bottom half would find nothing to start (and every request queued later
 * kicks it anew): it is not scheduled, and one already pending goes, as
 * dasd_kick() would cancel it. */
static void dasd_kick_queued(struct dasd_device *dev)
{
	if (dev->head) {
		dasd_kick(dev);
		return;
	}
	if (osp(dev->os)->halted || !dev->bh)
		return;
	sim_cancel(dev->os->sim, dev->bh);
	dev->bh = NULL;
}

static void cqr_final(struct dasd_ccw_req *cqr, enum dasd_cqr_status st, int rc)
{
	struct dasd_device *dev = cqr->device;

	queue_unlink(dev, cqr);
	cqr->status = st;
	cqr->rc = rc;
	if (st == DASD_CQR_DONE)
		dev->completed++;
	os_wake(dev->os, &dev->wq);
	if (!osp(dev->os)->dying)
		dasd_kick_queued(dev);
}

static void cqr_requeue(struct dasd_ccw_req *cqr)
{
	cqr->status = DASD_CQR_QUEUED;
	dasd_kick(cqr->device);
}

typedef void (*cqr_fn)(struct dasd_ccw_req *cqr, enum dasd_cqr_event ev);

static void cqr_start_ok(struct dasd_ccw_req *cqr, enum dasd_cqr_event ev)
{
	cqr->status = DASD_CQR_IN_IO;
	cqr->starts++;
}

static void cqr_done(struct dasd_ccw_req *cqr, enum dasd_cqr_event ev)
{
	cqr_final(cqr, DASD_CQR_DONE, 0);
}

static uint8_t irb_lpum(const struct dasd_ccw_req *cqr)
{
	return cqr->have_irb ? irb_esw_lpum(&cqr->irb) : 0;
}

/* The path under the request failed: try the others (Linux ERP "alternate
 * path"), or wait for a path to come back when there is none. */
static void cqr_path_error(struct dasd_ccw_req *cqr, enum dasd_cqr_event ev)
{
	struct dasd_device *dev = cqr->device;
	uint8_t bad = irb_lpum(cqr);

	if (!bad || (cqr->have_irb && scsw_cc(&cqr->irb.scsw) == 3))
		bad = cqr->used_lpm;
	dev->path_errors++;
	if (cqr->verify_path) {
		cqr_final(cqr, DASD_CQR_FAILED, -EACCES);
		return;
	}
	if (--cqr->path_retries <= 0) {
		cqr_final(cqr, DASD_CQR_FAILED, -EIO);
		return;
	}
	cqr->lpm = (uint8_t)((cqr->lpm ? cqr->lpm : dev->opm) & ~bad);
	dasd_dev_debug(dev, "try alternate lpm=%x (lpum=%x / opm=%x)", cqr->lpm, bad, dev->opm);
	dev->retries_total++;
	cqr_requeue(cqr);
}

static void cqr_error(struct dasd_ccw_req *cqr, enum dasd_cqr_event ev)
{
	struct dasd_device *dev = cqr->device;

	if (cqr->no_retry || cqr->retries-- <= 0) {
		cqr_final(cqr, DASD_CQR_FAILED, -EIO);
		return;
	}
	dev->retries_total++;
	cqr_requeue(cqr);
}

static void cqr_fatal(struct dasd_ccw_req *cqr, enum dasd_cqr_event ev)
{
	cqr_final(cqr, DASD_CQR_FAILED, -EIO);
}

static void cqr_bad_event(struct dasd_ccw_req *cqr, enum dasd_cqr_event ev)
{
	dasd_dev_debug(cqr->device, "request %u: event %d in state %d ignored", cqr->id, ev,
		       cqr->status);
}

/* Every (state, event) pair has its handler; a pair that cannot happen
 * is logged and ignored (cqr_bad_event). */
/* clang-format off */
static const cqr_fn cqr_jumptable[NR_DASD_CQR_STATUS][NR_CQR_EVENTS] = {
	[DASD_CQR_FILLED] = {
		[CQR_EV_START_OK]   = cqr_bad_event,
		[CQR_EV_FINAL_OK]   = cqr_bad_event,
		[CQR_EV_PATH_ERROR] = cqr_bad_event,
		[CQR_EV_ERROR]      = cqr_bad_event,
		[CQR_EV_FATAL]      = cqr_bad_event,
		[CQR_EV_KILLED]     = cqr_bad_event,
	},
	[DASD_CQR_QUEUED] = {
		[CQR_EV_START_OK]   = cqr_start_ok,
		[CQR_EV_FINAL_OK]   = cqr_bad_event,
		[CQR_EV_PATH_ERROR] = cqr_bad_event,
		[CQR_EV_ERROR]      = cqr_bad_event,
		[CQR_EV_FATAL]      = cqr_fatal,
		[CQR_EV_KILLED]     = cqr_bad_event,
	},
	[DASD_CQR_IN_IO] = {
		[CQR_EV_START_OK]   = cqr_bad_event,
		[CQR_EV_FINAL_OK]   = cqr_done,
		[CQR_EV_PATH_ERROR] = cqr_path_error,
		[CQR_EV_ERROR]      = cqr_error,
		[CQR_EV_FATAL]      = cqr_fatal,
		[CQR_EV_KILLED]     = cqr_path_error,
	},
	[DASD_CQR_DONE] = {
		[CQR_EV_START_OK]   = cqr_bad_event,
		[CQR_EV_FINAL_OK]   = cqr_bad_event,
		[CQR_EV_PATH_ERROR] = cqr_bad_event,
		[CQR_EV_ERROR]      = cqr_bad_event,
		[CQR_EV_FATAL]      = cqr_bad_event,
		[CQR_EV_KILLED]     = cqr_bad_event,
	},
	[DASD_CQR_FAILED] = {
		[CQR_EV_START_OK]   = cqr_bad_event,
		[CQR_EV_FINAL_OK]   = cqr_bad_event,
		[CQR_EV_PATH_ERROR] = cqr_bad_event,
		[CQR_EV_ERROR]      = cqr_bad_event,
		[CQR_EV_FATAL]      = cqr_bad_event,
		[CQR_EV_KILLED]     = cqr_bad_event,
	},
};
/* clang-format on */

static void cqr_event(struct dasd_ccw_req *cqr, enum dasd_cqr_event ev)
{
	cqr_jumptable[cqr->status][ev](cqr, ev);
}

/* ---- starting I/O ---- */

static void dasd_kick_delay(struct dasd_device *dev, sim_time_t delay);

static void dasd_io_timeout(void *arg)
{
	struct dasd_device *dev = arg;

	dev->timer = NULL;
	if (dev->active) {
		dasd_dev_debug(dev, "request %u timed out, clearing", dev->active->id);
		ccw_device_clear(dev->cdev, dev->active->id);
	}
}

static struct dasd_ccw_req *next_startable(struct dasd_device *dev)
{
	struct dasd_ccw_req *c;

	for (c = dev->head; c; c = c->next)
		if (c->status == DASD_CQR_QUEUED && (!dev->stopped || c->immediate))
			return c;
	return NULL;
}

/* Linux __dasd_device_start_head with DASD_CQR_FLAGS_FAILFAST: while no
 * path is left, block requests of a failfast device fail at once. */
static void dasd_fail_fast(struct dasd_device *dev)
{
	struct dasd_ccw_req *c = dev->head, *next;

	for (; c; c = next) {
		next = c->next;
		if (c->status == DASD_CQR_QUEUED && c->failfast && !c->immediate)
			cqr_final(c, DASD_CQR_FAILED, -ENOLINK);
	}
}

static void dasd_start_next(struct dasd_device *dev)
{
	struct dasd_ccw_req *cqr;
	uint8_t lpm;
	int rc;

	if (dev->active || !dev->cdev)
		return;
	if (dev->stopped & DASD_STOPPED_DC_WAIT)
		dasd_fail_fast(dev);
	cqr = next_startable(dev);
	if (!cqr)
		return;
	if (cqr->verify_path) {
		lpm = cqr->lpm;
	} else {
		lpm = cqr->lpm ? (uint8_t)(cqr->lpm & dev->opm) : dev->opm;
		if (!lpm && cqr->lpm) {
			cqr->lpm = 0;
			lpm = dev->opm;
		}
		if (!lpm) {
			/* No operational path: wait until one is verified. */
			if (!(dev->stopped & DASD_STOPPED_DC_WAIT))
				dasd_dev_debug(dev, "no operational path, I/O waits");
			dev->stopped |= DASD_STOPPED_DC_WAIT;
			return;
		}
	}
	rc = ccw_device_start(dev->cdev, cqr->cpaddr, cqr->id, lpm);
	switch (rc) {
	case 0:
		cqr->used_lpm = lpm;
		cqr->have_irb = false;
		dev->active = cqr;
		cqr_event(cqr, CQR_EV_START_OK);
		dev->timer = sim_at(dev->os->sim, (sim_time_t)dev->expires_s * SIM_S,
				    dasd_io_timeout, dev);
		return;
	case -EBUSY:
		dasd_kick_delay(dev, DASD_BUSY_DELAY);
		return;
	case -EACCES:
	case -ENODEV:
		if (cqr->verify_path) {
			cqr_final(cqr, DASD_CQR_FAILED, rc);
			return;
		}
		/* cio found fewer paths than we think (or none: -ENODEV) and
		 * verifies them; a path event or CIO_NO_PATH follows.  Each
		 * attempt counts against the request's retries (Linux). */
		if (--cqr->path_retries <= 0) {
			cqr_final(cqr, DASD_CQR_FAILED, -EIO);
			return;
		}
		cqr->lpm = 0;
		dasd_kick_delay(dev, DASD_NOPATH_DELAY);
		return;
	default:
		cqr_final(cqr, DASD_CQR_FAILED, rc);
		return;
	}
}

static void dasd_bh(void *arg)
{
	struct dasd_device *dev = arg;

	dev->bh = NULL;
	dasd_start_next(dev);
}

static void dasd_kick_delay(struct dasd_device *dev, sim_time_t delay)
{
	if (dev->bh || osp(dev->os)->halted)
		return;
	dev->bh = sim_at(dev->os->sim, delay, dasd_bh, dev);
}

void dasd_kick(struct dasd_device *dev)
{
	if (osp(dev->os)->halted)
		return;
	if (dev->bh) {
		sim_cancel(dev->os->sim, dev->bh);
		dev->bh = NULL;
	}
	dev->bh = sim_at(dev->os->sim, 0, dasd_bh, dev);
}

/* Block the calling task until the request is DONE or FAILED. */
int dasd_sleep_on(struct dasd_ccw_req *cqr)
{
	struct dasd_device *dev = cqr->device;

	if (!sim_current(dev->os->sim))
		return -EAGAIN;
	if (dev->shutdown)
		return -EIO;
	queue_add(dev, cqr);
	dasd_kick(dev);
	while (cqr->status != DASD_CQR_DONE && cqr->status != DASD_CQR_FAILED)
		sim_wait(dev->os->sim, &dev->wq);
	return cqr->rc;
}

/* Linux dasd_times_out (the `timeout` attribute, blk-mq's request
 * timeout): a block request not done in time is cancelled - a queued one
 * fails at once, one on the channel is cleared and fails when the clear
 * ends - and reports -ETIMEDOUT. */
int dasd_sleep_on_block(struct dasd_ccw_req *cqr)
{
	struct dasd_device *dev = cqr->device;
	sim_time_t deadline;

	if (!sim_current(dev->os->sim))
		return -EAGAIN;
	if (dev->shutdown)
		return -EIO;
	cqr->failfast = dev->failfast;
	if (!dev->timeout_s)
		return dasd_sleep_on(cqr);
	deadline = sim_now(dev->os->sim) + (sim_time_t)dev->timeout_s * SIM_S;
	queue_add(dev, cqr);
	dasd_kick(dev);
	while (cqr->status != DASD_CQR_DONE && cqr->status != DASD_CQR_FAILED) {
		sim_time_t now = sim_now(dev->os->sim);

		if (now >= deadline && !cqr->timed_out) {
			dasd_dev_debug(dev, "request %u timed out (timeout %lu s)", cqr->id,
				       dev->timeout_s);
			cqr->timed_out = true;
			if (cqr->status == DASD_CQR_IN_IO && dev->cdev &&
			    ccw_device_clear(dev->cdev, cqr->id) == 0)
				continue; /* fails when the clear has ended */
			if (dev->active == cqr)
				dev->active = NULL;
			cqr_final(cqr, DASD_CQR_FAILED, -ETIMEDOUT);
			break;
		}
		if (cqr->timed_out)
			sim_wait(dev->os->sim, &dev->wq);
		else
			sim_wait_timeout(dev->os->sim, &dev->wq, deadline - now);
	}
	return cqr->rc;
}

/* ---- interruption handler ---- */

static enum dasd_cqr_event dasd_classify(const struct dasd_ccw_req *cqr, const struct irb *irb)
{
	const struct scsw *s = &irb->scsw;

	if (s->ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR))
		return CQR_EV_KILLED;
	if (scsw_cc(s) == 3)
		return CQR_EV_PATH_ERROR;
	if (s->cstat & (SCHN_STAT_INTF_CTRL_CHK | SCHN_STAT_CHN_CTRL_CHK))
		return CQR_EV_PATH_ERROR;
	if (s->cstat & SCHN_STAT_CHN_DATA_CHK)
		return CQR_EV_ERROR;
	if (s->cstat)
		return CQR_EV_FATAL; /* program/protection/chaining check: our bug */
	if (s->dstat & DEV_STAT_UNIT_CHECK) {
		bool sense = irb->esw[1] & ERW_S;

		if (cqr->no_retry)
			return CQR_EV_FATAL;
		/* Command reject, no record found, file protected: final. */
		if (sense && ((irb->ecw[0] & 0x80) || (irb->ecw[1] & 0x0c)))
			return CQR_EV_FATAL;
		return CQR_EV_ERROR;
	}
	if (s->dstat & (DEV_STAT_BUSY | DEV_STAT_UNIT_EXCEP))
		return CQR_EV_ERROR;
	return CQR_EV_FINAL_OK;
}

static void dasd_int_handler(struct ccw_device *cdev, uint32_t intparm, const struct irb *irb,
			     int err)
{
	struct dasd_device *dev = cdev->drvdata;
	struct dasd_ccw_req *cqr;

	if (!dev)
		return;
	cqr = dev->active;
	if (!cqr || cqr->id != intparm || cqr->status != DASD_CQR_IN_IO) {
		dasd_dev_debug(dev, "unsolicited interrupt (intparm %u)", intparm);
		return;
	}
	dev->active = NULL;
	if (dev->timer) {
		sim_cancel(dev->os->sim, dev->timer);
		dev->timer = NULL;
	}
	if (cqr->timed_out) {
		/* cleared because its `timeout` passed: it fails */
		cqr_final(cqr, DASD_CQR_FAILED, -ETIMEDOUT);
		return;
	}
	if (!irb) {
		cqr->have_irb = false;
		cqr_event(cqr, CQR_EV_KILLED);
		return;
	}
	cqr->irb = *irb;
	cqr->have_irb = true;
	cqr_event(cqr, dasd_classify(cqr, irb));
}

/* ---- paths ---- */

static void dasd_path_operational(struct dasd_device *dev)
{
	dasd_dev_info(dev, "A channel path to the device has become operational");
	dev->stopped &= ~DASD_STOPPED_DC_WAIT;
	dasd_kick(dev);
}

/* The path worker (Linux dasd_eckd_path_available_action): read the
 * configuration data on each path to be verified; a path that leads to the
 * same device joins the operational mask. */
static void dasd_pv_task(void *arg)
{
	struct dasd_device *dev = arg;

	while (dev->tbvpm && dev->cdev) {
		uint8_t path = 0x80;
		char uid[80];
		int rc;

		while (!(path & dev->tbvpm))
			path >>= 1;
		dev->tbvpm &= (uint8_t)~path;
		if (!(ccw_device_get_path_mask(dev->cdev) & path))
			continue;
		rc = dasd_eckd_read_conf_path(dev, path, uid, sizeof(uid));
		if (rc) {
			dasd_dev_debug(dev, "path %02X verification failed (rc=%d)", path, rc);
			continue;
		}
		if (dev->uid[0] && uid[0] && strcmp(uid, dev->uid)) {
			dasd_dev_info(dev,
				      "Not all channel paths lead to the same device, path %02X "
				      "leads to device %s instead of %s",
				      path, uid, dev->uid);
			continue;
		}
		if (!dev->uid[0])
			snprintf(dev->uid, sizeof(dev->uid), "%s", uid);
		dasd_dev_debug(dev, "path %02X is operational", path);
		if (!dev->opm) {
			dev->opm = path;
			dasd_path_operational(dev);
		} else {
			dev->opm |= path;
			dasd_kick(dev);
		}
	}
	dev->pv_running = false;
}

void dasd_path_verify_schedule(struct dasd_device *dev, uint8_t paths)
{
	dev->tbvpm |= paths;
	if (dev->pv_running || !dev->tbvpm)
		return;
	if (dev->pv_task && sim_task_done(dev->pv_task)) {
		sim_task_free(dev->pv_task);
		dev->pv_task = NULL;
	}
	if (dev->pv_task)
		return; /* still winding down; it re-checks tbvpm */
	dev->pv_running = true;
	dev->pv_task = sim_task_spawn(dev->os->sim, "dasd_pv", dasd_pv_task, dev);
}

static void dasd_path_event(struct ccw_device *cdev, const int *pe)
{
	struct dasd_device *dev = cdev->drvdata;
	uint8_t had = dev ? dev->opm : 0, verify = 0;
	int i;

	if (!dev)
		return;
	for (i = 0; i < 8; i++) {
		uint8_t m = (uint8_t)(0x80 >> i);

		if (pe[i] & PE_PATH_GONE) {
			dev->opm &= (uint8_t)~m;
			dev->tbvpm &= (uint8_t)~m;
			dasd_dev_debug(dev, "path %02X is no longer operational", m);
		}
		if (pe[i] & PE_PATH_AVAILABLE)
			verify |= m;
		if ((pe[i] & PE_PATHGROUP_ESTABLISHED) && !(dev->opm & m))
			verify |= m;
	}
	if (had && !dev->opm) {
		dasd_dev_info(dev, "No verified channel paths remain for the device");
		dev->stopped |= DASD_STOPPED_DC_WAIT;
	}
	if (verify)
		dasd_path_verify_schedule(dev, verify);
}

/* ---- sysfs ---- */

enum dasd_attr {
	DA_ALIAS,
	DA_READONLY,
	DA_DISCIPLINE,
	DA_USE_DIAG,
	DA_EER,
	DA_ERPLOG,
	DA_UID,
	DA_STATUS,
	DA_SAFE_OFFLINE,
	DA_VENDOR,
	DA_PATH_MASKS,
	DA_HPF,
	DA_EXPIRES,
	DA_RETRIES,
	DA_TIMEOUT,
	DA_FAILFAST,
};

static int dasd_attr_show(void *obj, long arg, char *buf, size_t size)
{
	struct dasd_device *dev = obj;

	switch (arg) {
	case DA_PATH_MASKS:
		/* opm, non-preferred, cabling, cuir, hpf, ifcc (Linux order) */
		return snprintf(buf, size, "%02x 00 00 00 00 00\n", dev->opm);
	case DA_ALIAS:
	case DA_HPF:
		return snprintf(buf, size, "0\n");
	case DA_USE_DIAG:
		return snprintf(buf, size, "%d\n", dev->use_diag);
	case DA_ERPLOG:
		return snprintf(buf, size, "%d\n", dev->erplog);
	case DA_EER:
		/* 1 only while an online device reports */
		return snprintf(buf, size, "%d\n", dev->eer && dev->online);
	case DA_READONLY:
		return snprintf(buf, size, "%d\n", dev->readonly ? 1 : 0);
	case DA_EXPIRES:
		return snprintf(buf, size, "%lu\n", dev->expires_s);
	case DA_RETRIES:
		return snprintf(buf, size, "%lu\n", dev->retries);
	case DA_TIMEOUT:
		return snprintf(buf, size, "%lu\n", dev->timeout_s);
	case DA_FAILFAST:
		return snprintf(buf, size, "%d\n", dev->failfast ? 1 : 0);
	case DA_DISCIPLINE:
		return snprintf(buf, size, "ECKD\n");
	case DA_UID:
		return snprintf(buf, size, "%s\n", dev->uid);
	case DA_VENDOR: {
		const char *dot = strchr(dev->uid, '.');

		return snprintf(buf, size, "%.*s\n", dot ? (int)(dot - dev->uid) : 0, dev->uid);
	}
	case DA_STATUS:
		if (!dev->online)
			return snprintf(buf, size, "new\n");
		return snprintf(buf, size, "%s\n", dev->formatted ? "online" : "unformatted");
	}
	return -EINVAL;
}

static int dasd_safe_offline_store(void *obj, long arg, const char *buf, size_t len)
{
	struct dasd_device *dev = obj;

	if (!dev->cdev)
		return -ENODEV;
	return ccw_device_set_offline(dev->cdev);
}

/* A decimal number (a trailing newline allowed), at most max. */
static int parse_ulong(const char *buf, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned long d = (unsigned long)(buf[i] - '0');

		if (buf[i] < '0' || buf[i] > '9' || v > max / 10 || (v == max / 10 && d > max % 10))
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* A feature flag as Linux's dasd_devmap.c reads it: a number in C syntax
 * (kstrtouint base 0: 1, 0x1, 01), a newline allowed, 0 or 1. */
static int parse_flag(const char *buf, size_t len, bool *out)
{
	char tmp[32], *end;
	unsigned long v;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof(tmp) || buf[0] == '-' || buf[0] == '+' || buf[0] == ' ')
		return -EINVAL;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	errno = 0;
	v = strtoul(tmp, &end, 0);
	if (errno || *end || v > 1)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Linux dasd_devmap.c: expires 1..DASD_EXPIRES_MAX s, retries
 * 0..DASD_RETRIES_MAX, timeout in s (0: none), failfast 0 or 1; the
 * feature flags readonly and erplog at any time, use_diag only while the
 * device is offline (-EPERM), eer_enabled only while it is online
 * (-ENODEV). */
static int dasd_attr_store(void *obj, long arg, const char *buf, size_t len)
{
	struct dasd_device *dev = obj;
	unsigned long v;
	int rc;
	bool f;

	/* Setting a feature (readonly, erplog, use_diag, failfast) makes the
	 * bus ID's devmap entry in Linux, and with it its device index, even
	 * while the device is offline: use_diag before it checks the value,
	 * the others after. */
	switch (arg) {
	case DA_READONLY:
		if (parse_flag(buf, len, &f))
			return -EINVAL;
		rc = dasd_devindex(dev->os, dev->busid);
		if (rc < 0)
			return rc;
		dev->readonly = f;
		return 0;
	case DA_ERPLOG:
		if (parse_flag(buf, len, &f))
			return -EINVAL;
		rc = dasd_devindex(dev->os, dev->busid);
		if (rc < 0)
			return rc;
		dev->erplog = f;
		return 0;
	case DA_USE_DIAG:
		rc = dasd_devindex(dev->os, dev->busid);
		if (rc < 0)
			return rc;
		if (parse_flag(buf, len, &f))
			return -EINVAL;
		if (dev->online)
			return -EPERM;
		dev->use_diag = f;
		return 0;
	case DA_EER:
		if (!dev->online)
			return -ENODEV;
		if (parse_flag(buf, len, &f))
			return -EINVAL;
		dev->eer = f;
		return 0;
	case DA_EXPIRES:
		if (parse_ulong(buf, len, DASD_EXPIRES_MAX, &v) || !v)
			return -EINVAL;
		dev->expires_s = v;
		return 0;
	case DA_RETRIES:
		if (parse_ulong(buf, len, DASD_RETRIES_MAX, &v))
			return -EINVAL;
		dev->retries = v;
		return 0;
	case DA_TIMEOUT:
		if (parse_ulong(buf, len, 1000000000ul, &v))
			return -EINVAL;
		dev->timeout_s = v;
		return 0;
	case DA_FAILFAST:
		if (parse_ulong(buf, len, 1, &v))
			return -EINVAL;
		rc = dasd_devindex(dev->os, dev->busid);
		if (rc < 0)
			return rc;
		dev->failfast = v;
		if (v)
			dasd_kick(dev); /* waiting block I/O fails now */
		return 0;
	}
	return -EINVAL;
}

static const struct sysfs_attr_ops dasd_ro_ops = {.show = dasd_attr_show};
static const struct sysfs_attr_ops dasd_rw_ops = {.show = dasd_attr_show, .store = dasd_attr_store};
static const struct sysfs_attr_ops dasd_wo_ops = {.store = dasd_safe_offline_store};

static const struct {
	const char *name;
	enum dasd_attr attr;
	const struct sysfs_attr_ops *ops;
} dasd_attrs[] = {
	{"alias", DA_ALIAS, &dasd_ro_ops},
	{"readonly", DA_READONLY, &dasd_rw_ops},
	{"discipline", DA_DISCIPLINE, &dasd_ro_ops},
	{"use_diag", DA_USE_DIAG, &dasd_rw_ops},
	{"eer_enabled", DA_EER, &dasd_rw_ops},
	{"erplog", DA_ERPLOG, &dasd_rw_ops},
	{"uid", DA_UID, &dasd_ro_ops},
	{"vendor", DA_VENDOR, &dasd_ro_ops},
	{"status", DA_STATUS, &dasd_ro_ops},
	{"path_masks", DA_PATH_MASKS, &dasd_ro_ops},
	{"hpf", DA_HPF, &dasd_ro_ops},
	{"expires", DA_EXPIRES, &dasd_rw_ops},
	{"retries", DA_RETRIES, &dasd_rw_ops},
	{"timeout", DA_TIMEOUT, &dasd_rw_ops},
	{"failfast", DA_FAILFAST, &dasd_rw_ops},
	{"safe_offline", DA_SAFE_OFFLINE, &dasd_wo_ops},
};

/* ---- the ccw driver ---- */

static bool dasd_eckd_match(const struct ccw_device *cdev)
{
	uint16_t cu = cdev->senseid.cu_type, dt = cdev->senseid.dev_type;

	if (dt == 0x3390 || dt == 0x3380)
		return cu == 0x3990 || cu == 0x2105 || cu == 0x2107 || cu == 0x1750 ||
		       (cu == 0x3880 && dt == 0x3380);
	return cu == 0x9343 && dt == 0x9345;
}

static int dasd_eckd_probe(struct ccw_device *cdev)
{
	struct dasd_device *dev = calloc(1, sizeof(*dev));
	struct sysfs_node *dir;
	size_t i;

	if (!dev)
		return -ENOMEM;
	dev->os = cdev->os;
	dev->cdev = cdev;
	dev->devindex = -1;
	dev->expires_s = DASD_EXPIRES;
	dev->retries = DASD_PATH_RETRIES;
	snprintf(dev->busid, sizeof(dev->busid), "%s", cdev->busid);
	cdev->drvdata = dev;
	cdev->handler = dasd_int_handler;
	dir = sysfs_mkdir_at(cdev->os->sysfs, NULL, cdev->dir, strlen(cdev->dir), NULL);
	for (i = 0; dir && i < sizeof(dasd_attrs) / sizeof(dasd_attrs[0]); i++)
		sysfs_attr_at(cdev->os->sysfs, dir, dasd_attrs[i].name, dasd_attrs[i].ops, dev,
			      dasd_attrs[i].attr);
	return 0;
}

static void dasd_fail_all(struct dasd_device *dev, int rc)
{
	while (dev->head) {
		struct dasd_ccw_req *cqr = dev->head;

		cqr_final(cqr, DASD_CQR_FAILED, rc);
		/* A buried OS freed at the end of the run: the task that
		 * slept on the request is gone, nobody else frees it. */
		if (osp(dev->os)->tasks_gone)
			dasd_free_request(cqr);
	}
	dev->active = NULL;
}

/* Linux dasd_generic_last_path_gone: an active device is kept.  The
 * request on the channel goes back to the queue (it is started again once
 * a path is back) and the queue waits for a path (DC_WAIT). */
static int dasd_last_path_gone(struct dasd_device *dev)
{
	struct dasd_ccw_req *cqr = dev->active;

	dasd_dev_info(dev, "No operational channel path is left for the device");
	dev->opm = 0;
	dev->tbvpm = 0;
	if (cqr && cqr->status == DASD_CQR_IN_IO) {
		cqr->status = DASD_CQR_QUEUED;
		dev->active = NULL;
	}
	if (dev->timer) {
		sim_cancel(dev->os->sim, dev->timer);
		dev->timer = NULL;
	}
	dev->stopped |= DASD_STOPPED_DC_WAIT;
	dasd_kick(dev);
	return NOTIFY_OK;
}

/* Linux dasd_generic_notify: the device or its last path is gone (keep
 * an active device, its I/O waits), or it is operational again. */
static int dasd_notify(struct ccw_device *cdev, int event)
{
	struct dasd_device *dev = cdev->drvdata;

	if (!dev || !dev->online)
		return NOTIFY_BAD;
	switch (event) {
	case CIO_GONE:
	case CIO_BOXED:
	case CIO_NO_PATH:
		return dasd_last_path_gone(dev);
	case CIO_OPER:
		if (dev->opm)
			dasd_path_operational(dev);
		return NOTIFY_OK;
	default:
		return NOTIFY_BAD;
	}
}

static void dasd_eckd_remove(struct ccw_device *cdev)
{
	struct dasd_device *dev = cdev->drvdata;
	struct dasd_state *st;
	char path[160];
	size_t i;

	if (!dev)
		return;
	dasd_genhd_remove(dev);
	dasd_fail_all(dev, -ENODEV);
	sim_cancel(dev->os->sim, dev->bh);
	dev->bh = NULL;
	sim_cancel(dev->os->sim, dev->timer);
	dev->timer = NULL;
	for (i = 0; i < sizeof(dasd_attrs) / sizeof(dasd_attrs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", cdev->dir, dasd_attrs[i].name);
		sysfs_remove(cdev->os->sysfs, path);
	}
	cdev->handler = NULL;
	cdev->drvdata = NULL;
	dev->cdev = NULL;
	dasd_drop_spare(dev);
	/* Tasks may still hold the device (a blocked dd, the path worker);
	 * they see cdev == NULL and fail.  It is freed with the OS. */
	st = dasd_state_of(dev->os);
	if (!st || st->ndead == DASD_DEAD_MAX) {
		dasd_device_free(dev); /* never in practice: 64 removals */
		return;
	}
	st->dead[st->ndead++] = dev;
}

static int dasd_generic_set_online(struct ccw_device *cdev)
{
	struct dasd_device *dev = cdev->drvdata;
	int rc;

	if (!dev)
		return -ENODEV;
	/* Linux's dasd_create_device: the bus ID's devmap entry names it. */
	rc = dasd_devindex(dev->os, dev->busid);
	if (rc < 0)
		return rc;
	dev->devindex = rc;
	dev->stopped = 0;
	rc = dasd_eckd_online(dev);
	if (rc) {
		dasd_fail_all(dev, -EIO);
		dev->opm = 0;
		return rc;
	}
	dev->online = true;
	return 0;
}

static int dasd_generic_set_offline(struct ccw_device *cdev)
{
	struct dasd_device *dev = cdev->drvdata;

	if (!dev)
		return 0;
	/* Let queued I/O finish while it can; I/O that waits for a path that
	 * is not coming (the administrator gave up on the device) fails. */
	while (dev->head) {
		if (dev->stopped & DASD_STOPPED_DC_WAIT) {
			dasd_dev_debug(dev, "offline: failing I/O that waits for a path");
			dasd_fail_all(dev, -EIO);
			break;
		}
		sim_wait(dev->os->sim, &dev->wq);
	}
	dasd_genhd_remove(dev);
	dev->online = false;
	dev->opm = 0;
	dev->tbvpm = 0;
	dev->stopped = 0;
	dev->uid[0] = '\0';
	return 0;
}

const struct ccw_driver dasd_eckd_driver = {
	.name = "dasd-eckd",
	.match = dasd_eckd_match,
	.probe = dasd_eckd_probe,
	.remove = dasd_eckd_remove,
	.set_online = dasd_generic_set_online,
	.set_offline = dasd_generic_set_offline,
	.path_event = dasd_path_event,
	.notify = dasd_notify,
};

int dasd_init(struct os *os)
{
	struct dasd_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	osp(os)->dasd = st;
	return ccw_driver_register(os, &dasd_eckd_driver);
}

/* Does any task wait on a dasd device of this OS (a dd, a path worker)? */
bool dasd_has_waiters(struct os *os)
{
	struct dasd_state *st = osp(os)->dasd;
	struct subchannel *sch;
	unsigned i;

	for (i = 0; st && i < st->ndead; i++)
		if (st->dead[i]->wq.head)
			return true;
	css_for_each_subchannel(os, sch)
	{
		struct ccw_device *cdev = ccw_device_from_sch(sch);
		struct dasd_device *dev = cdev ? cdev->drvdata : NULL;

		if (dev && cdev->drv == &dasd_eckd_driver && dev->wq.head)
			return true;
	}
	return false;
}

static void dasd_shutdown_device(struct dasd_device *dev)
{
	struct dasd_ccw_req *c, *next;

	dev->shutdown = true;
	for (c = dev->head; c; c = next) {
		next = c->next;
		if (c->status != DASD_CQR_IN_IO)
			cqr_final(c, DASD_CQR_FAILED, -EIO);
	}
}

void dasd_shutdown(struct os *os)
{
	struct dasd_state *st = osp(os)->dasd;
	struct subchannel *sch;
	unsigned i;

	for (i = 0; st && i < st->ndead; i++)
		dasd_shutdown_device(st->dead[i]);
	css_for_each_subchannel(os, sch)
	{
		struct ccw_device *cdev = ccw_device_from_sch(sch);
		struct dasd_device *dev = cdev ? cdev->drvdata : NULL;

		if (dev && cdev->drv == &dasd_eckd_driver)
			dasd_shutdown_device(dev);
	}
}

static void dasd_halt_device(struct dasd_device *dev)
{
	dev->shutdown = true;
	dev->tbvpm = 0;
	if (dev->bh) {
		sim_cancel(dev->os->sim, dev->bh);
		dev->bh = NULL;
	}
	if (dev->timer) {
		sim_cancel(dev->os->sim, dev->timer);
		dev->timer = NULL;
	}
	dasd_fail_all(dev, -EIO);
}

void dasd_halt(struct os *os)
{
	struct dasd_state *st = osp(os)->dasd;
	struct subchannel *sch;
	unsigned i;

	for (i = 0; st && i < st->ndead; i++)
		dasd_halt_device(st->dead[i]);
	css_for_each_subchannel(os, sch)
	{
		struct ccw_device *cdev = ccw_device_from_sch(sch);
		struct dasd_device *dev = cdev ? cdev->drvdata : NULL;

		if (dev && cdev->drv == &dasd_eckd_driver)
			dasd_halt_device(dev);
	}
}

void dasd_exit(struct os *os)
{
	struct dasd_state *st = osp(os)->dasd;
	unsigned i;

	for (i = 0; st && i < st->ndead; i++)
		dasd_device_free(st->dead[i]);
	if (st) {
		free(st->map);
		free(st->slot);
	}
	free(osp(os)->dasd);
	osp(os)->dasd = NULL;
}

static uint32_t busid_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot of busid in the index: its entry's, or the free one it would
 * take. */
static size_t devmap_slot(const struct dasd_state *st, const char *busid)
{
	size_t mask = st->nslot - 1, i = busid_hash(busid) & mask;

	while (st->slot[i] && strcmp(st->map[st->slot[i] - 1].busid, busid))
		i = (i + 1) & mask;
	return i;
}

static int devmap_grow(struct dasd_state *st)
{
	size_t n = st->nslot ? 2 * st->nslot : 64;
	uint32_t *old = st->slot;
	size_t nold = st->nslot;

	st->slot = calloc(n, sizeof(*st->slot));
	if (!st->slot) {
		st->slot = old;
		return -ENOMEM;
	}
	st->nslot = n;
	for (size_t i = 0; i < nold; i++)
		if (old[i])
			st->slot[devmap_slot(st, st->map[old[i] - 1].busid)] = old[i];
	free(old);
	return 0;
}

/* Linux's devmap: a bus ID's device index, given the next one the first
 * time the bus ID is seen (a hash of bus IDs, as Linux's dasd_hashlists:
 * a host sets tens of thousands of DASDs online). */
int dasd_devindex(struct os *os, const char *busid)
{
	struct dasd_state *st = osp(os)->dasd;
	size_t i;

	if (!st)
		return -ENODEV;
	if (st->nslot) {
		i = devmap_slot(st, busid);
		if (st->slot[i])
			return st->map[st->slot[i] - 1].devindex;
	}
	if (2 * (st->nmap + 1) > st->nslot && devmap_grow(st) < 0)
		return -ENOMEM;
	if (st->nmap == st->capmap) {
		size_t cap = st->capmap ? 2 * st->capmap : 16;
		struct dasd_devmap *m = realloc(st->map, cap * sizeof(*m));

		if (!m)
			return -ENOMEM;
		st->map = m;
		st->capmap = cap;
	}
	snprintf(st->map[st->nmap].busid, sizeof(st->map[st->nmap].busid), "%s", busid);
	st->map[st->nmap].devindex = st->next_index++;
	st->slot[devmap_slot(st, busid)] = (uint32_t)++st->nmap;
	return st->map[st->nmap - 1].devindex;
}
