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
 * CRW eventfd, a PNO in an IRB, or a cc 3 from the host.
 *   chpsync=lazy  (the cover letter): the CRW only marks the device dirty
 *                 (and is discarded); the guest's next STSCH refreshes the
 *                 path fields and arms PNO + PNOM for the next I/O
 *                 interruption, so the guest re-verifies its paths.
 *   chpsync=eager (default): the CRW goes to the VM, which refreshes every
 *                 affected device and injects one CRW per CHPID and event
 *                 (vm_chp.c); the guest sees the change at once.
 */
#include "vmm/vdev.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/irb.h"
#include "arch/orb.h"
#include "os/vfio.h"

#define CRW_DRAIN_MAX 1024 /* bound on one drain loop against a broken host */

struct vfio_ccw_dev {
	struct vmm_host host;
	struct vcss *css;
	struct vsch *sch;
	enum chpsync_policy policy;
	struct vfio_ccw_crw_sink sink;
	int fd;
	int io_efd, crw_efd, req_efd;
	bool unplugged;
	uint64_t io_off, async_off, schib_off, crw_off;
	bool has_async, has_schib, has_crw;
	uint64_t iova_size;
	/* Path-state synchronisation */
	bool dirty;
	bool pno_pending;
	uint8_t pnom_pending;
	struct vfio_ccw_stats st;
};

static void errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static ssize_t hpread(struct vfio_ccw_dev *d, void *buf, size_t n, uint64_t off)
{
	return d->host.ops->pread(d->host.os, d->fd, buf, n, off);
}

static ssize_t hpwrite(struct vfio_ccw_dev *d, const void *buf, size_t n, uint64_t off)
{
	return d->host.ops->pwrite(d->host.os, d->fd, buf, n, off);
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
	if (d->host.ops->sysfs_read(d->host.os, path, buf, sizeof(buf)) > 0)
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
	d->dirty = false;
	return 0;
}

void vfio_ccw_dev_mark_dirty(struct vfio_ccw_dev *d)
{
	d->dirty = true;
}

bool vfio_ccw_dev_dirty(const struct vfio_ccw_dev *d)
{
	return d->dirty;
}

bool vfio_ccw_dev_uses_chpid(const struct vfio_ccw_dev *d, uint8_t chpid)
{
	for (int i = 0; i < 8; i++)
		if ((d->sch->pmcw.pim & (0x80 >> i)) && d->sch->pmcw.chpid[i] == chpid)
			return true;
	return false;
}

struct vsch *vfio_ccw_dev_sch(struct vfio_ccw_dev *d)
{
	return d->sch;
}

enum chpsync_policy vfio_ccw_dev_policy(const struct vfio_ccw_dev *d)
{
	return d->policy;
}

const struct vfio_ccw_stats *vfio_ccw_dev_stats(const struct vfio_ccw_dev *d)
{
	return &d->st;
}

/* Guest STSCH: a host STSCH only when something was signalled. */
static void pt_store(struct vsch *s)
{
	struct vfio_ccw_dev *d = s->priv;
	const struct pmcw *g = &s->pmcw;

	d->st.guest_stsch++;
	if (!d->dirty || vfio_ccw_dev_refresh(d))
		return;
	if (d->policy == CHPSYNC_LAZY) {
		/* The letter's scheme: tell the guest on its next I/O
		 * interruption that paths changed, so it re-verifies them. */
		d->pno_pending = true;
		d->pnom_pending = (uint8_t)(g->pnom | (g->pim & ~(g->pam & g->pom)));
	}
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
	if (n == (ssize_t)sizeof(r))
		return 0;
	switch (n) {
	case -EBUSY:
	case -EAGAIN: /* the host is still busy with the previous request */
		return 2;
	case -EACCES:
	case -ENODEV:
		/* The host found path(s) not operational: its path state
		 * changed, so the guest's next STSCH must look. */
		d->dirty = true;
		return 3;
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
		return 0;
	case -ENODEV:
	case -EACCES:
		return 3;
	default:
		unit_exception(s);
		return 0;
	}
}

static const struct vsch_ops pt_ops = {
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

static void io_irq(void *ctx)
{
	struct vfio_ccw_dev *d = ctx;
	struct vsch *s = d->sch;
	struct ccw_io_region r;
	struct irb irb;
	ssize_t n;
	uint8_t lpum;

	d->st.io_irqs++;
	n = hpread(d, &r, sizeof(r), d->io_off);
	if (n != (ssize_t)sizeof(r)) {
		io_region_error(s, n);
		return;
	}
	irb_decode(r.irb_area, &irb);
	s->scsw = irb.scsw;
	memcpy(s->esw, irb.esw, sizeof(s->esw));
	memcpy(s->ecw, irb.ecw, sizeof(s->ecw));
	/* The LPUM travels in the ESW: keep the guest's copy current
	 * without a host STSCH. */
	lpum = irb_esw_lpum(&irb);
	if (lpum)
		s->pmcw.lpum = lpum;
	if (irb.scsw.flags & SCSW_FLAGS_PNO)
		d->dirty = true; /* PNOM changed on the host */
	if (d->pno_pending &&
	    (s->scsw.ctrl & SCSW_STCTL_MASK) != (SCSW_STCTL_INTER | SCSW_STCTL_PEND)) {
		s->scsw.flags |= SCSW_FLAGS_PNO;
		s->pmcw.pnom = d->pnom_pending;
		d->pno_pending = false;
	}
	vcss_post_status(s);
}

static void crw_irq(void *ctx)
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
		d->dirty = true;
		/* Lazy: the CRW is discarded once it marked the device. */
		if (d->policy == CHPSYNC_EAGER && d->sink.crw)
			d->sink.crw(d->sink.ctx, d, r.crw);
	}
}

/* Give the device back to the host: DMA unmap, close the device and its
 * eventfds.  Idempotent. */
static void release_host(struct vfio_ccw_dev *d)
{
	if (d->fd >= 0) {
		if (d->iova_size)
			d->host.ops->dma_unmap(d->host.os, d->fd, 0, d->iova_size);
		d->host.ops->close(d->host.os, d->fd);
		d->fd = -1;
	}
	if (d->io_efd >= 0)
		d->host.ops->eventfd_close(d->host.os, d->io_efd);
	if (d->crw_efd >= 0)
		d->host.ops->eventfd_close(d->host.os, d->crw_efd);
	if (d->req_efd >= 0)
		d->host.ops->eventfd_close(d->host.os, d->req_efd);
	d->io_efd = d->crw_efd = d->req_efd = -1;
}

/* The host wants the device back (mdevctl stop, unbind): unplug it from
 * the guest as QEMU does, then let it go. */
static void req_irq(void *ctx)
{
	struct vfio_ccw_dev *d = ctx;

	if (d->unplugged)
		return;
	d->unplugged = true;
	vcss_unplug(d->sch);
	release_host(d);
}

/* ---- realize ---- */

/* VFIO_DEVICE_GET_REGION_INFO with room for the capability chain; returns
 * the CCW subtype (0 for none) or -errno. */
static int region_info(struct vfio_ccw_dev *d, unsigned index, struct vfio_region_info *out)
{
	union {
		struct vfio_region_info info;
		uint8_t raw[512];
	} u;
	uint32_t off;
	int rc, hops = 0;

	memset(&u, 0, sizeof(u));
	u.info.argsz = sizeof(u);
	u.info.index = index;
	rc = d->host.ops->ioctl(d->host.os, d->fd, VFIO_DEVICE_GET_REGION_INFO, &u.info);
	if (rc < 0)
		return rc;
	*out = u.info;
	if (!(u.info.flags & VFIO_REGION_INFO_FLAG_CAPS) || u.info.argsz > sizeof(u))
		return 0;
	for (off = u.info.cap_offset; off && hops < 16; hops++) {
		const struct vfio_info_cap_header *h;
		const struct vfio_region_info_cap_type *t;

		if (off < sizeof(u.info) || off > sizeof(u) - sizeof(*t))
			return -EINVAL;
		h = (const void *)(u.raw + off);
		if (h->id == VFIO_REGION_INFO_CAP_TYPE) {
			t = (const void *)h;
			return t->type == VFIO_REGION_TYPE_CCW ? (int)t->subtype : 0;
		}
		off = h->next;
	}
	return 0;
}

static int find_regions(struct vfio_ccw_dev *d, unsigned nregions, char *err, size_t errlen)
{
	struct vfio_region_info ri;
	int rc = region_info(d, VFIO_CCW_CONFIG_REGION_INDEX, &ri);

	if (rc < 0) {
		errf(err, errlen, "vfio: Error getting config info: %s", strerror(-rc));
		return -1;
	}
	if (ri.size < sizeof(struct ccw_io_region)) {
		errf(err, errlen, "vfio: Unexpected size of the I/O region");
		return -1;
	}
	d->io_off = ri.offset;
	for (unsigned i = VFIO_CCW_CONFIG_REGION_INDEX + 1; i < nregions; i++) {
		rc = region_info(d, i, &ri);
		if (rc < 0) {
			errf(err, errlen, "vfio: Error getting region %u info: %s", i,
			     strerror(-rc));
			return -1;
		}
		switch (rc) {
		case VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD:
			if (ri.size != sizeof(struct ccw_cmd_region))
				goto bad_size;
			d->async_off = ri.offset;
			d->has_async = true;
			break;
		case VFIO_REGION_SUBTYPE_CCW_SCHIB:
			if (ri.size != sizeof(struct ccw_schib_region))
				goto bad_size;
			d->schib_off = ri.offset;
			d->has_schib = true;
			break;
		case VFIO_REGION_SUBTYPE_CCW_CRW:
			if (ri.size != sizeof(struct ccw_crw_region))
				goto bad_size;
			d->crw_off = ri.offset;
			d->has_crw = true;
			break;
		default:
			break;
		}
	}
	if (!d->has_schib) {
		/* We build PIM/PAM/POM and CHPIDs from the region, not from
		 * host sysfs as QEMU does: without it there is nothing to
		 * build the guest's path view from. */
		errf(err, errlen, "vfio: the host does not provide the SCHIB region");
		return -1;
	}
	return 0;
bad_size:
	errf(err, errlen, "vfio: Unexpected size of the %s region",
	     rc == VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD ? "async cmd"
	     : rc == VFIO_REGION_SUBTYPE_CCW_SCHIB   ? "schib"
	                                             : "CRW");
	return -1;
}

static int set_irq(struct vfio_ccw_dev *d, unsigned index, void (*fn)(void *), int *efd, char *err,
                   size_t errlen)
{
	struct vfio_irq_info ii = {.argsz = sizeof(ii), .index = index};
	union {
		struct vfio_irq_set set;
		uint8_t raw[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	} u;
	int32_t fd;
	int rc;

	rc = d->host.ops->ioctl(d->host.os, d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii);
	if (rc < 0 || ii.count < 1 || !(ii.flags & VFIO_IRQ_INFO_EVENTFD)) {
		errf(err, errlen, "vfio: unexpected number of irqs %u for index %u",
		     rc < 0 ? 0 : ii.count, index);
		return -1;
	}
	*efd = d->host.ops->eventfd(d->host.os, fn, d);
	if (*efd < 0) {
		errf(err, errlen, "vfio: Unable to init event notifier for irq (%d)", index);
		return -1;
	}
	memset(&u, 0, sizeof(u));
	u.set.argsz = sizeof(u);
	u.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	u.set.index = index;
	u.set.start = 0;
	u.set.count = 1;
	fd = *efd;
	memcpy(u.set.data, &fd, sizeof(fd));
	rc = d->host.ops->ioctl(d->host.os, d->fd, VFIO_DEVICE_SET_IRQS, &u.set);
	if (rc < 0) {
		errf(err, errlen, "vfio: Failed to set up %s notification: %s",
		     index == VFIO_CCW_IO_IRQ_INDEX    ? "io"
		     : index == VFIO_CCW_CRW_IRQ_INDEX ? "crw"
		                                       : "req",
		     strerror(-rc));
		return -1;
	}
	return 0;
}

static int open_dev(struct vfio_ccw_dev *d, const char *sysfsdev, char *err, size_t errlen)
{
	int e = 0;

	d->fd = d->host.ops->open_device(d->host.os, sysfsdev, &e);
	if (d->fd >= 0)
		return 0;
	if (d->fd == -ENOENT)
		errf(err, errlen, "vfio %s: no such host device: %s", sysfsdev, strerror(ENOENT));
	else
		errf(err, errlen, "vfio %s: error getting device from group: %s", sysfsdev,
		     strerror(-d->fd));
	return -1;
}

static int setup(struct vfio_ccw_dev *d, const char *sysfsdev, uint64_t vaddr, uint64_t size,
                 char *err, size_t errlen)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	int rc;

	if (open_dev(d, sysfsdev, err, errlen))
		return -1;
	rc = d->host.ops->ioctl(d->host.os, d->fd, VFIO_DEVICE_GET_INFO, &info);
	if (rc < 0) {
		errf(err, errlen, "vfio: error getting device info: %s", strerror(-rc));
		return -1;
	}
	if (!(info.flags & VFIO_DEVICE_FLAGS_CCW)) {
		errf(err, errlen, "vfio: Um, this isn't a vfio-ccw device");
		return -1;
	}
	if (info.num_regions < VFIO_CCW_CONFIG_REGION_INDEX + 1) {
		errf(err, errlen, "vfio: too few regions (%u), expected at least %u",
		     info.num_regions, VFIO_CCW_CONFIG_REGION_INDEX + 1);
		return -1;
	}
	if (find_regions(d, info.num_regions, err, errlen))
		return -1;
	if (set_irq(d, VFIO_CCW_IO_IRQ_INDEX, io_irq, &d->io_efd, err, errlen))
		return -1;
	/* The CRW notifier only exists with the CRW region (as QEMU). */
	if (d->has_crw && info.num_irqs > VFIO_CCW_CRW_IRQ_INDEX &&
	    set_irq(d, VFIO_CCW_CRW_IRQ_INDEX, crw_irq, &d->crw_efd, err, errlen))
		return -1;
	/* Without the request notifier the host cannot ask for the device
	 * back; QEMU only warns, and so do we (nothing). */
	if (info.num_irqs > VFIO_CCW_REQ_IRQ_INDEX &&
	    set_irq(d, VFIO_CCW_REQ_IRQ_INDEX, req_irq, &d->req_efd, err, errlen)) {
		err[0] = 0;
		if (d->req_efd >= 0)
			d->host.ops->eventfd_close(d->host.os, d->req_efd);
		d->req_efd = -1;
	}
	rc = d->host.ops->dma_map(d->host.os, d->fd, vaddr, 0, size);
	if (rc < 0) {
		errf(err, errlen, "vfio: VFIO_MAP_DMA failed: %s", strerror(-rc));
		return -1;
	}
	d->iova_size = size;
	rc = vfio_ccw_dev_refresh(d);
	if (rc) {
		errf(err, errlen, "vfio: reading the SCHIB region failed: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

struct vfio_ccw_dev *vfio_ccw_dev_realize(const struct vmm_host *host, struct vcss *css,
                                          const char *sysfsdev, uint16_t devno,
                                          enum chpsync_policy policy, uint64_t vaddr, uint64_t size,
                                          const struct vfio_ccw_crw_sink *sink, char *err,
                                          size_t errlen)
{
	struct vfio_ccw_dev *d = calloc(1, sizeof(*d));

	if (!d) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	d->host = *host;
	d->css = css;
	d->policy = policy;
	if (sink)
		d->sink = *sink;
	d->fd = d->io_efd = d->crw_efd = d->req_efd = -1;
	d->sch = vcss_add_sch(css, devno, &pt_ops, d);
	if (!d->sch) {
		errf(err, errlen, "no free subchannel");
		free(d);
		return NULL;
	}
	if (setup(d, sysfsdev, vaddr, size, err, errlen)) {
		vfio_ccw_dev_free(d);
		return NULL;
	}
	d->st.host_stsch = 0; /* realize is not steady state */
	return d;
}

void vfio_ccw_dev_free(struct vfio_ccw_dev *d)
{
	if (!d)
		return;
	if (d->sch && !d->unplugged) {
		/* The subchannel stays in the image, not operational. */
		d->sch->ops = NULL;
		d->sch->priv = NULL;
	}
	release_host(d);
	free(d);
}
