/* The vfio-ccw pass-through device (QEMU's hw/vfio/ccw.c counterpart).
 *
 * Guest SSCH goes to the I/O region, HSCH/CSCH to the async command region;
 * IRBs come back from the I/O region on the I/O eventfd; return codes map
 * to condition codes as QEMU maps them (qemu-vfio-ccw.md §3).  MSCH, TSCH,
 * XSCH and STSCH are served by the virtual CSS.
 *
 * Path state (the heart of chpsync): the guest subchannel keeps a cached
 * copy of the host's path fields.  Nothing reads the SCHIB region (a host
 * STSCH) unless the device was signalled since the last read: a CRW on the
 * CRW eventfd, a PNO in an IRB, a cc 3 from the host, or any I/O interrupt
 * (the channel program may have found a path operational again and set
 * its POM bit, which no CRW reports).  So a guest STSCH costs a host STSCH
 * at most once per such signal, and never in steady state without I/O.
 * What the guest is told, and when, is the device's path-sync policy
 * (chpsync.h: chpsync_lazy.c, chpsync_eager.c), called on a CRW, on a
 * guest STSCH, on an I/O interrupt and when the VM flushes CRWs.
 */
#include "vmm/vfio_ccw_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/irb.h"
#include "arch/orb.h"

#define CRW_DRAIN_MAX 1024 /* bound on one drain loop against a broken host */

static ssize_t hpread(struct vfio_ccw_dev *d, void *buf, size_t n, uint64_t off)
{
	return d->host.ops->pread(d->host.ctx, d->fd, buf, n, off);
}

static ssize_t hpwrite(struct vfio_ccw_dev *d, const void *buf, size_t n, uint64_t off)
{
	return d->host.ops->pwrite(d->host.ctx, d->fd, buf, n, off);
}

/* ---- status synthesis (QEMU's mapping of errors to guest status) ---- */

static void status_pending(struct vsch *s, uint16_t stctl)
{
	s->scsw.ctrl &= (uint16_t) ~(SCSW_ACTL_START | SCSW_ACTL_HALT | SCSW_ACTL_CLEAR |
				     SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT);
	s->scsw.ctrl |= stctl | SCSW_STCTL_PEND;
	memset(s->esw, 0, sizeof(s->esw));
	memset(s->ecw, 0, sizeof(s->ecw));
	vcss_post_status(s);
}

/* A request the host refused for a reason the architecture has no cc for:
 * unit exception with an interruption, cc 0. */
static void unit_exception(struct vsch *s)
{
	s->scsw.dstat = DEV_STAT_UNIT_EXCEP;
	s->scsw.cstat = 0;
	s->scsw.cpa += 8;
	status_pending(s, SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_ALERT);
}

/* ---- path fields ---- */

static void read_chp_type(struct vfio_ccw_dev *d, uint8_t chpid)
{
	char path[64], buf[32];
	unsigned long type = 0;

	snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/type", chpid);
	if (d->host.ops->sysfs_read(d->host.ctx, path, buf, sizeof(buf)) > 0)
		type = strtoul(buf, NULL, 16);
	vcss_add_chpid(d->css, chpid, (uint8_t)type, false);
}

int vfio_ccw_dev_refresh(struct vfio_ccw_dev *d)
{
	uint8_t buf[SCHIB_SIZE];
	struct pmcw *g = &d->sch->pmcw;
	struct schib h;
	ssize_t n;

	if (!d->has_schib)
		return -ENOSYS;
	if (d->unplugged)
		return -ENODEV;
	d->st.host_stsch++;
	n = hpread(d, buf, sizeof(buf), d->schib_off);
	if (n != (ssize_t)sizeof(buf))
		return n < 0 ? (int)n : -EIO;
	schib_decode(buf, &h);
	g->pim = h.pmcw.pim;
	g->pam = h.pmcw.pam;
	g->pom = h.pmcw.pom;
	g->pnom = h.pmcw.pnom;
	g->lpum = h.pmcw.lpum;
	for (int i = 0; i < 8; i++) {
		if ((h.pmcw.pim & (0x80 >> i)) &&
		    !vcss_chpid_in_use(d->css, h.pmcw.chpid[i], NULL, NULL))
			read_chp_type(d, h.pmcw.chpid[i]);
		g->chpid[i] = h.pmcw.chpid[i];
	}
	if (!(h.pmcw.pim & h.pmcw.pam))
		d->host_nopath = true;
	d->dirty = false;
	d->news = false;
	d->stale = false;
	return 0;
}

bool vfio_ccw_dev_dirty(const struct vfio_ccw_dev *d)
{
	return d->dirty || d->stale;
}

bool vfio_ccw_paths_differ(const struct pmcw *a, const struct pmcw *b)
{
	return a->pim != b->pim || a->pam != b->pam || a->pom != b->pom ||
	       memcmp(a->chpid, b->chpid, sizeof(a->chpid)) != 0;
}

bool vfio_ccw_dev_uses_chpid(const struct vfio_ccw_dev *d, uint8_t chpid)
{
	for (int i = 0; i < 8; i++)
		if ((d->sch->pmcw.pim & (0x80 >> i)) && d->sch->pmcw.chpid[i] == chpid)
			return true;
	return false;
}

static uint8_t chpid_paths(const struct vfio_ccw_dev *d, uint8_t chpid)
{
	uint8_t m = 0;

	for (int i = 0; i < 8; i++)
		if ((d->sch->pmcw.pim & (0x80 >> i)) && d->sch->pmcw.chpid[i] == chpid)
			m |= (uint8_t)(0x80 >> i);
	return m;
}

bool vfio_ccw_dev_path_failed(const struct vfio_ccw_dev *d, uint8_t chpid)
{
	return (d->failed_paths & chpid_paths(d, chpid)) != 0;
}

void vfio_ccw_dev_path_told(struct vfio_ccw_dev *d, uint8_t chpid)
{
	d->failed_paths &= (uint8_t)~chpid_paths(d, chpid);
}

struct vsch *vfio_ccw_dev_sch(struct vfio_ccw_dev *d)
{
	return d->sch;
}

bool vfio_ccw_dev_flush(struct vfio_ccw_dev *d, bool named)
{
	return d->pol->on_flush(d, named);
}

const struct vfio_ccw_stats *vfio_ccw_dev_stats(const struct vfio_ccw_dev *d)
{
	return &d->st;
}

/* Guest STSCH: a host STSCH only when something was signalled. */
static void pt_store(struct vsch *s)
{
	struct vfio_ccw_dev *d = s->priv;
	struct pmcw before = s->pmcw;
	bool signalled = d->news, refreshed = false;

	d->st.guest_stsch++;
	if (d->dirty || d->stale)
		refreshed = vfio_ccw_dev_refresh(d) == 0;
	d->pol->on_stsch(d, &before, refreshed, signalled);
	if (refreshed)
		d->pno_seen = false;
}

/* ---- guest instructions ---- */

static int pt_start(struct vsch *s, const struct orb *orb)
{
	struct vfio_ccw_dev *d = s->priv;
	struct ccw_io_region r;
	ssize_t n;

	memset(&r, 0, sizeof(r));
	orb_encode(orb, r.orb_area);
	scsw_encode(&s->scsw, r.scsw_area);
	n = hpwrite(d, &r, sizeof(r), d->io_off);
	if (n == (ssize_t)sizeof(r)) {
		d->host_nopath = false;
		d->start_lpm = orb->lpm ? orb->lpm : 0xff;
		/* the host took a start: no halt or clear is in progress there */
		d->async_fctl = 0;
		d->overtaken = false;
		return 0;
	}
	switch (n) {
	case -EBUSY:
	case -EAGAIN: /* the host is still busy with the previous request */
		return 2;
	case -ENODEV:
		d->host_nopath = true; /* no logical path left on the host */
				       /* fall through */
	case -EACCES: {
		uint8_t lpm = orb->lpm ? orb->lpm : 0xff;

		/* The host found path(s) not operational: its path state
		 * changed, so the guest's next STSCH must look. */
		d->dirty = true;
		d->failed_paths |= s->pmcw.pim & lpm;
		/* The start named every path the guest's view has available:
		 * the guest has none left either (Linux disconnects the
		 * device), whatever logical paths the host keeps. */
		if (!(s->pmcw.pim & s->pmcw.pam & (uint8_t)~lpm))
			d->host_nopath = true;
		return 3;
	}
	default:
		unit_exception(s);
		return 0;
	}
}

static int async_cmd(struct vfio_ccw_dev *d, uint32_t command)
{
	struct ccw_cmd_region cmd;
	ssize_t n;

	memset(&cmd, 0, sizeof(cmd));
	cmd.command = command;
	n = hpwrite(d, &cmd, sizeof(cmd), d->async_off);
	return n == (ssize_t)sizeof(cmd) ? 0 : (n < 0 ? (int)n : -EIO);
}

/* Without the async region the halt/clear cannot reach the host: the
 * function is performed on the virtual subchannel only (QEMU's fallback),
 * but unlike QEMU we do present the interruption. */
static void local_end(struct vsch *s, bool clear)
{
	s->scsw.dstat = clear ? 0 : DEV_STAT_DEV_END;
	s->scsw.cstat = 0;
	status_pending(s, 0);
}

static int pt_halt(struct vsch *s)
{
	struct vfio_ccw_dev *d = s->priv;
	int rc;

	if (!d->has_async) {
		local_end(s, false);
		return 0;
	}
	rc = async_cmd(d, VFIO_CCW_ASYNC_CMD_HSCH);
	switch (rc) {
	case 0:
		d->async_fctl = SCSW_FCTL_HALT;
		d->overtaken = false;
		return 0;
	case -EBUSY:
		return 2;
	case -ENODEV:
	case -EACCES:
		return 3;
	default:
		unit_exception(s);
		return 0;
	}
}

static int pt_clear(struct vsch *s)
{
	struct vfio_ccw_dev *d = s->priv;
	int rc;

	if (!d->has_async) {
		local_end(s, true);
		return 0;
	}
	rc = async_cmd(d, VFIO_CCW_ASYNC_CMD_CSCH);
	switch (rc) {
	case 0:
		d->async_fctl = SCSW_FCTL_CLEAR;
		d->overtaken = false;
		return 0;
	case -ENODEV:
	case -EACCES:
		return 3;
	default:
		unit_exception(s);
		return 0;
	}
}

const struct vsch_ops vfio_ccw_pt_ops = {
	.start = pt_start,
	.halt = pt_halt,
	.clear = pt_clear,
	.cancel = NULL, /* the start is on the host already: XSCH gives cc 2 */
	.store = pt_store,
};

/* ---- eventfd handlers ---- */

static void io_region_error(struct vsch *s, ssize_t n)
{
	if (n == -ENODEV) {
		s->scsw.flags |= 3 << SCSW_CC_SHIFT; /* deferred cc 3 */
		status_pending(s, SCSW_STCTL_ALERT);
		return;
	}
	s->scsw.dstat = 0;
	if (n == -EFAULT)
		s->scsw.cstat = SCHN_STAT_CHN_DATA_CHK;
	else if (n < 0)
		s->scsw.cstat = SCHN_STAT_PROG_CHECK;
	else
		s->scsw.cstat = SCHN_STAT_CHN_CTRL_CHK; /* short read */
	status_pending(s, SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_ALERT);
}

/* The host's IRB and the halt or clear the guest has in progress on the
 * host.  The host performs the guest's HSCH/CSCH when it gets it: the
 * start's status may already be on its way to the VMM, and a halt that
 * finds the host subchannel idle ends with status of its own.  A channel
 * subsystem shows the guest what it would show had it run the functions
 * itself: a start's status that comes before the halt carries FC halt too
 * and ends the halt (no status of the halt follows); after a clear, no
 * status of the old function comes, only the clear's.  False: drop the
 * IRB. */
static bool async_status(struct vfio_ccw_dev *d, struct scsw *w)
{
	uint16_t f = d->async_fctl;

	if (!f)
		return true;
	if (w->ctrl & f) {
		/* the host performed it: this is its status */
		d->async_fctl = 0;
		if (d->overtaken) {
			d->overtaken = false;
			return false;
		}
		return true;
	}
	if (f == SCSW_FCTL_CLEAR)
		return false;
	if ((w->ctrl & SCSW_STCTL_MASK) != (SCSW_STCTL_INTER | SCSW_STCTL_PEND) &&
	    (w->ctrl & SCSW_FCTL_START)) {
		w->ctrl |= SCSW_FCTL_HALT;
		d->overtaken = true;
	}
	return true;
}

void vfio_ccw_io_irq(void *ctx)
{
	struct vfio_ccw_dev *d = ctx;
	struct vsch *s = d->sch;
	struct ccw_io_region r;
	struct irb irb;
	ssize_t n;
	uint8_t lpum;

	d->st.io_irqs++;
	d->stale = true;
	n = hpread(d, &r, sizeof(r), d->io_off);
	if (n != (ssize_t)sizeof(r)) {
		io_region_error(s, n);
		return;
	}
	irb_decode(r.irb_area, &irb);
	/* A disabled subchannel takes no status: it could neither be
	 * cleared (TSCH cc 3) nor enabled again (MSCH cc 1).  The guest
	 * disables only a subchannel without a function in progress, so
	 * this is status of nothing it waits for.  (QEMU makes it
	 * pending.) */
	if (!(s->pmcw.flags & PMCW_FLAGS_ENA)) {
		d->async_fctl = 0;
		d->overtaken = false;
		return;
	}
	if (!async_status(d, &irb.scsw))
		return;
	s->scsw = irb.scsw;
	memcpy(s->esw, irb.esw, sizeof(s->esw));
	memcpy(s->ecw, irb.ecw, sizeof(s->ecw));
	/* The LPUM travels in the ESW: keep the guest's copy current
	 * without a host STSCH. */
	lpum = irb_esw_lpum(&irb);
	if (lpum)
		s->pmcw.lpum = lpum;
	d->status_lpum = lpum;
	/* PNOM changed on the host: the next STSCH reads it.  The guest
	 * sees the PNO in this status itself, so it is not news (a policy
	 * that tells the guest of news with a PNO of its own would name the
	 * same path again on the guest's next program, on a good path). */
	if (irb.scsw.flags & SCSW_FLAGS_PNO)
		d->dirty = d->pno_seen = true;
	/* Deferred cc 3: no path of the program answered.  Like a start the
	 * host refuses for want of a path, the host's last word on the
	 * device is that the guest has none (a policy may then tell the
	 * guest when one comes back). */
	if (scsw_cc(&irb.scsw) == 3) {
		d->host_nopath = true;
		d->failed_paths |= s->pmcw.pim & d->start_lpm;
	}
	d->pol->on_io_irq(d);
	vcss_post_status(s);
}

void vfio_ccw_crw_irq(void *ctx)
{
	struct vfio_ccw_dev *d = ctx;

	for (int i = 0; i < CRW_DRAIN_MAX; i++) {
		struct ccw_crw_region r;
		ssize_t n;

		memset(&r, 0, sizeof(r));
		n = hpread(d, &r, sizeof(r), d->crw_off);
		if (n != (ssize_t)sizeof(r) || r.crw == 0)
			return;
		d->st.crws_read++;
		d->dirty = d->news = true;
		d->pol->on_crw(d, r.crw);
	}
}
