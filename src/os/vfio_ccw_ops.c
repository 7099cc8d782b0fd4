/* vfio_ccw device operations: the regions (I/O, async command, SCHIB, CRW
 * at N << VFIO_CCW_OFFSET_SHIFT), the ioctls of <linux/vfio.h>, open,
 * close and reset.
 *
 * Region fields wider than a byte (ret_code, command, crw) are host-native
 * integers, as the uapi structs are on a real host; the crw value is the
 * architected 32-bit CRW word.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "os/os.h"
#include "os/vfio_ccw_private.h"

#define REGION_MASK ((1ull << VFIO_CCW_OFFSET_SHIFT) - 1)

enum {
	VFIO_CCW_IO_REGION = VFIO_CCW_CONFIG_REGION_INDEX,
	VFIO_CCW_ASYNC_REGION,
	VFIO_CCW_SCHIB_REGION,
	VFIO_CCW_CRW_REGION,
};

static const size_t region_size[VFIO_CCW_NUM_REGIONS_ALL] = {
	sizeof(struct ccw_io_region),
	sizeof(struct ccw_cmd_region),
	sizeof(struct ccw_schib_region),
	sizeof(struct ccw_crw_region),
};

/* Region index of `off`, or -EINVAL when off/count leave the region. */
static int region_check(uint64_t off, size_t count, uint64_t *pos)
{
	uint64_t idx = off >> VFIO_CCW_OFFSET_SHIFT;

	if (idx >= VFIO_CCW_NUM_REGIONS_ALL)
		return -EINVAL;
	*pos = off & REGION_MASK;
	if (count > region_size[idx] || *pos > region_size[idx] - count)
		return -EINVAL;
	return (int)idx;
}

ssize_t vfio_ccw_mdev_read(struct vfio_ccw_private *p, void *buf, size_t count, uint64_t off)
{
	uint64_t pos;
	int idx = region_check(off, count, &pos);
	int rc;

	if (idx < 0)
		return idx;
	switch (idx) {
	case VFIO_CCW_IO_REGION:
		memcpy(buf, (uint8_t *)&p->io_region + pos, count);
		break;
	case VFIO_CCW_ASYNC_REGION:
		memcpy(buf, (uint8_t *)&p->cmd_region + pos, count);
		break;
	case VFIO_CCW_SCHIB_REGION:
		rc = vfio_ccw_schib_refresh(p);
		if (rc)
			return rc;
		memcpy(buf, (uint8_t *)&p->schib_region + pos, count);
		break;
	default:
		/* Like STCRW: every read consumes one CRW, even a partial one. */
		p->crw_region.crw = vfio_ccw_crw_pop(p);
		memcpy(buf, (uint8_t *)&p->crw_region + pos, count);
		p->crw_region.crw = 0;
		if (p->crwq.n)
			vfio_ccw_signal(p, p->crw_trigger);
		break;
	}
	return (ssize_t)count;
}

/* Writes must cover the whole region: a partial write of the I/O region
 * would start a channel program from stale ORB/SCSW bytes (upstream accepts
 * it; we refuse it). */
ssize_t vfio_ccw_mdev_write(struct vfio_ccw_private *p, const void *buf, size_t count, uint64_t off)
{
	uint64_t pos;
	int idx = region_check(off, count, &pos);

	if (idx < 0)
		return idx;
	if (pos != 0 || count != region_size[idx])
		return -EINVAL;
	switch (idx) {
	case VFIO_CCW_IO_REGION:
		memcpy(&p->io_region, buf, count);
		p->io_region.ret_code = 0;
		vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_IO_REQ);
		return p->io_region.ret_code ? (int)p->io_region.ret_code : (ssize_t)count;
	case VFIO_CCW_ASYNC_REGION:
		memcpy(&p->cmd_region, buf, count);
		p->cmd_region.ret_code = 0;
		vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_ASYNC_REQ);
		return p->cmd_region.ret_code ? (int)p->cmd_region.ret_code : (ssize_t)count;
	default:
		return -EINVAL; /* SCHIB and CRW regions are read-only */
	}
}

static int get_info(struct vfio_device_info *info)
{
	size_t minsz = offsetof(struct vfio_device_info, num_irqs) + sizeof(info->num_irqs);

	if (info->argsz < minsz)
		return -EINVAL;
	info->flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_CCW_NUM_REGIONS_ALL;
	info->num_irqs = VFIO_CCW_NUM_IRQS;
	return 0;
}

static const uint32_t region_subtype[VFIO_CCW_NUM_REGIONS_ALL] = {
	0,
	VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD,
	VFIO_REGION_SUBTYPE_CCW_SCHIB,
	VFIO_REGION_SUBTYPE_CCW_CRW,
};

/* The capability chain follows the fixed struct when argsz leaves room for
 * it; otherwise argsz tells the caller how much to allocate. */
static int get_region_info(struct vfio_region_info *info)
{
	size_t minsz = offsetof(struct vfio_region_info, offset) + sizeof(info->offset);
	struct vfio_region_info_cap_type cap;
	uint32_t idx = info->index;

	if (info->argsz < minsz || idx >= VFIO_CCW_NUM_REGIONS_ALL)
		return -EINVAL;
	info->offset = (uint64_t)idx << VFIO_CCW_OFFSET_SHIFT;
	info->size = region_size[idx];
	info->cap_offset = 0;
	info->flags = VFIO_REGION_INFO_FLAG_READ;
	if (idx <= VFIO_CCW_ASYNC_REGION)
		info->flags |= VFIO_REGION_INFO_FLAG_WRITE;
	if (idx == VFIO_CCW_IO_REGION)
		return 0;
	info->flags |= VFIO_REGION_INFO_FLAG_CAPS;
	if (info->argsz < sizeof(*info) + sizeof(cap)) {
		info->argsz = sizeof(*info) + sizeof(cap);
		return 0;
	}
	memset(&cap, 0, sizeof(cap));
	cap.header.id = VFIO_REGION_INFO_CAP_TYPE;
	cap.header.version = 1;
	cap.header.next = 0;
	cap.type = VFIO_REGION_TYPE_CCW;
	cap.subtype = region_subtype[idx];
	memcpy((uint8_t *)info + sizeof(*info), &cap, sizeof(cap));
	info->cap_offset = sizeof(*info);
	return 0;
}

static int get_irq_info(struct vfio_irq_info *info)
{
	size_t minsz = offsetof(struct vfio_irq_info, count) + sizeof(info->count);

	if (info->argsz < minsz || info->index >= VFIO_CCW_NUM_IRQS)
		return -EINVAL;
	info->flags = VFIO_IRQ_INFO_EVENTFD;
	info->count = 1;
	return 0;
}

static int *irq_trigger(struct vfio_ccw_private *p, uint32_t index)
{
	switch (index) {
	case VFIO_CCW_IO_IRQ_INDEX:
		return &p->io_trigger;
	case VFIO_CCW_CRW_IRQ_INDEX:
		return &p->crw_trigger;
	default:
		return &p->req_trigger;
	}
}

/* The checks of vfio_set_irqs_validate_and_prepare, then vfio-ccw's own:
 * only ACTION_TRIGGER is supported (mask/unmask: -EINVAL). */
static int set_irqs_validate(const struct vfio_irq_set *s, size_t *data_size)
{
	size_t minsz = offsetof(struct vfio_irq_set, count) + sizeof(s->count);
	uint32_t data = s->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	uint32_t action = s->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	size_t each;

	if (s->argsz < minsz || s->index >= VFIO_CCW_NUM_IRQS)
		return -EINVAL;
	if (s->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	if (__builtin_popcount(data) != 1 || __builtin_popcount(action) != 1)
		return -EINVAL;
	if (s->start >= 1 || s->count > 1 - s->start)
		return -EINVAL;
	each = data == VFIO_IRQ_SET_DATA_BOOL ? 1 : data == VFIO_IRQ_SET_DATA_EVENTFD ? 4 : 0;
	*data_size = each * s->count;
	if (s->argsz - minsz < *data_size)
		return -EINVAL;
	if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;
	return 0;
}

static int set_irqs(struct vfio_ccw_private *p, const struct vfio_irq_set *s)
{
	size_t data_size;
	int *t, fd, rc = set_irqs_validate(s, &data_size);

	if (rc)
		return rc;
	t = irq_trigger(p, s->index);
	switch (s->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (!s->count)
			*t = -1; /* disable the index */
		else
			vfio_ccw_signal(p, *t);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (s->count && s->data[0])
			vfio_ccw_signal(p, *t);
		return 0;
	default:
		if (!s->count)
			return 0;
		memcpy(&fd, s->data, sizeof(fd));
		if (fd == -1) {
			*t = -1;
			return 0;
		}
		if (fd < 0)
			return -EINVAL;
		rc = vfio_eventfd_check(p->os, fd);
		if (rc)
			return rc;
		*t = fd;
		return 0;
	}
}

static int mdev_reset(struct vfio_ccw_private *p)
{
	vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_CLOSE);
	vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_OPEN);
	return p->state == VFIO_CCW_STATE_NOT_OPER ? -EINVAL : 0;
}

int vfio_ccw_mdev_ioctl(struct vfio_ccw_private *p, unsigned long request, void *arg)
{
	switch (request) {
	case VFIO_DEVICE_GET_INFO:
		return get_info(arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return get_region_info(arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return get_irq_info(arg);
	case VFIO_DEVICE_SET_IRQS:
		return set_irqs(p, arg);
	case VFIO_DEVICE_RESET:
		return mdev_reset(p);
	default:
		return -ENOTTY;
	}
}

static int mdev_open(struct vfio_device *v)
{
	struct vfio_ccw_private *p = vdev_to_private(v);

	if (p->state == VFIO_CCW_STATE_NOT_OPER)
		return -EINVAL;
	memset(&p->io_region, 0, sizeof(p->io_region));
	memset(&p->cmd_region, 0, sizeof(p->cmd_region));
	memset(&p->crw_region, 0, sizeof(p->crw_region));
	memset(&p->crwq, 0, sizeof(p->crwq)); /* reports of an earlier user */
	p->io_trigger = p->crw_trigger = p->req_trigger = -1;
	vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_OPEN);
	if (p->state == VFIO_CCW_STATE_NOT_OPER)
		return -EINVAL;
	return 0;
}

/* The core marks the device closed when this returns (before any woken
 * remover runs). */
static void mdev_close(struct vfio_device *v)
{
	struct vfio_ccw_private *p = vdev_to_private(v);

	vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_CLOSE);
	p->io_trigger = p->crw_trigger = p->req_trigger = -1;
	sim_wake(p->os->sim, &p->release_wq);
}

/* Unmapping storage the running program uses forces a reset (as upstream
 * does for pinned pages), so the device never touches unmapped storage. */
static void mdev_dma_unmap(struct vfio_device *v, uint64_t iova, uint64_t size)
{
	struct vfio_ccw_private *p = vdev_to_private(v);

	if (cp_iova_pinned(&p->cp, iova, size))
		mdev_reset(p);
}

static ssize_t mdev_read(struct vfio_device *v, void *buf, size_t count, uint64_t off)
{
	return vfio_ccw_mdev_read(vdev_to_private(v), buf, count, off);
}

static ssize_t mdev_write(struct vfio_device *v, const void *buf, size_t count, uint64_t off)
{
	return vfio_ccw_mdev_write(vdev_to_private(v), buf, count, off);
}

static int mdev_ioctl(struct vfio_device *v, unsigned long request, void *arg)
{
	return vfio_ccw_mdev_ioctl(vdev_to_private(v), request, arg);
}

const struct vfio_device_ops vfio_ccw_dev_ops = {
	.open_device = mdev_open,
	.close_device = mdev_close,
	.read = mdev_read,
	.write = mdev_write,
	.ioctl = mdev_ioctl,
	.dma_unmap = mdev_dma_unmap,
};
