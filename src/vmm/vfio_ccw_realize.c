/* Realizing and releasing a vfio-ccw pass-through device: open the mdev,
 * check it is a CCW device, find its regions through the capability chain
 * (sizes checked as QEMU does), wire the I/O, CRW and request eventfds,
 * DMA-map guest storage at IOVA 0, and build the guest subchannel from one
 * read of the SCHIB region.  Errors carry QEMU's texts. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/vfio_ccw_priv.h"

static void errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Give the device back to the host: DMA unmap, close the device and its
 * eventfds.  Idempotent. */
static void release_host(struct vfio_ccw_dev *d)
{
	if (d->fd >= 0) {
		if (d->iova_size)
			d->host.ops->dma_unmap(d->host.ctx, d->fd, 0, d->iova_size);
		d->host.ops->close(d->host.ctx, d->fd);
		d->fd = -1;
	}
	if (d->io_efd >= 0)
		d->host.ops->eventfd_close(d->host.ctx, d->io_efd);
	if (d->crw_efd >= 0)
		d->host.ops->eventfd_close(d->host.ctx, d->crw_efd);
	if (d->req_efd >= 0)
		d->host.ops->eventfd_close(d->host.ctx, d->req_efd);
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
	rc = d->host.ops->ioctl(d->host.ctx, d->fd, VFIO_DEVICE_GET_REGION_INFO, &u.info);
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

	rc = d->host.ops->ioctl(d->host.ctx, d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii);
	if (rc < 0 || ii.count < 1 || !(ii.flags & VFIO_IRQ_INFO_EVENTFD)) {
		errf(err, errlen, "vfio: unexpected number of irqs %u for index %u",
		     rc < 0 ? 0 : ii.count, index);
		return -1;
	}
	*efd = d->host.ops->eventfd(d->host.ctx, fn, d);
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
	rc = d->host.ops->ioctl(d->host.ctx, d->fd, VFIO_DEVICE_SET_IRQS, &u.set);
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

	d->fd = d->host.ops->open_device(d->host.ctx, sysfsdev, &e);
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
	rc = d->host.ops->ioctl(d->host.ctx, d->fd, VFIO_DEVICE_GET_INFO, &info);
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
	if (set_irq(d, VFIO_CCW_IO_IRQ_INDEX, vfio_ccw_io_irq, &d->io_efd, err, errlen))
		return -1;
	/* The CRW notifier only exists with the CRW region (as QEMU). */
	if (d->has_crw && info.num_irqs > VFIO_CCW_CRW_IRQ_INDEX &&
	    set_irq(d, VFIO_CCW_CRW_IRQ_INDEX, vfio_ccw_crw_irq, &d->crw_efd, err, errlen))
		return -1;
	/* Without the request notifier the host cannot ask for the device
	 * back; QEMU only warns, and so do we (nothing). */
	if (info.num_irqs > VFIO_CCW_REQ_IRQ_INDEX &&
	    set_irq(d, VFIO_CCW_REQ_IRQ_INDEX, req_irq, &d->req_efd, err, errlen)) {
		err[0] = 0;
		if (d->req_efd >= 0)
			d->host.ops->eventfd_close(d->host.ctx, d->req_efd);
		d->req_efd = -1;
	}
	rc = d->host.ops->dma_map(d->host.ctx, d->fd, vaddr, 0, size);
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
	d->pol = chpsync_ops(policy);
	if (!d->pol) {
		errf(err, errlen, "no such chpsync policy");
		free(d);
		return NULL;
	}
	if (d->pol->state_size) {
		d->pstate = calloc(1, d->pol->state_size);
		if (!d->pstate) {
			errf(err, errlen, "out of memory");
			free(d);
			return NULL;
		}
	}
	if (sink)
		d->sink = *sink;
	d->fd = d->io_efd = d->crw_efd = d->req_efd = -1;
	d->sch = vcss_add_sch(css, devno, &vfio_ccw_pt_ops, d);
	if (!d->sch) {
		errf(err, errlen, "no free subchannel");
		free(d->pstate);
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
	free(d->pstate);
	free(d);
}
