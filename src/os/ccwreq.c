/* Internal channel programs of the cio core (Linux ccwreq.c): run one
 * program on one path or on a path mask, retry on busy and transient
 * errors, move to the next path on a path error, time out with a clear. */
#include <errno.h>
#include <string.h>

#include "arch/ccw.h"
#include "arch/orb.h"
#include "os/device_priv.h"

#define CCWREQ_BUSY_DELAY (1 * SIM_MS)

uint64_t ccw_device_build_ccw(struct ccw_device *cdev, uint8_t cmd, uint8_t flags, uint16_t count)
{
	struct ccw1 c = {
		.cmd = cmd,
		.flags = flags,
		.count = count,
		.cda = (uint32_t)(cdev->dma + CDEV_DMA_DATA),
	};
	uint8_t *p = os_kptr(cdev->os, cdev->dma + CDEV_DMA_CCW, CCW_SIZE);

	if (p)
		ccw1_encode(&c, p);
	return cdev->dma + CDEV_DMA_CCW;
}

uint8_t *ccw_device_dma_data(struct ccw_device *cdev, uint16_t len)
{
	return os_kptr(cdev->os, cdev->dma + CDEV_DMA_DATA, len);
}

/* Next single path in lpm after `mask` (0 = none left). */
static uint8_t lpm_adjust(uint8_t mask, uint8_t lpm)
{
	while (mask && !(mask & lpm))
		mask >>= 1;
	return mask;
}

static void ccwreq_stop(struct ccw_device *cdev, int rc)
{
	struct ccw_request *req = &cdev->req;

	if (!req->active)
		return;
	ccw_device_set_timeout(cdev, 0);
	req->active = false;
	if (req->callback)
		req->callback(cdev, req->data, rc);
}

static bool ccwreq_next_path(struct ccw_device *cdev)
{
	struct ccw_request *req = &cdev->req;

	if (!req->singlepath) {
		req->mask = 0;
		return false;
	}
	req->retries = req->maxretries;
	req->mask = lpm_adjust((uint8_t)(req->mask >> 1), req->lpm);
	return req->mask != 0;
}

static void ccwreq_do(struct ccw_device *cdev)
{
	struct ccw_request *req = &cdev->req;
	struct subchannel *sch = cdev->sch;
	int rc = -EACCES;

	while (req->mask) {
		struct orb orb = {
			.intparm = sch->schid_word,
			.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64,
			.lpm = req->mask,
			.cpa = (uint32_t)req->cp,
		};

		/* Paths that failed during this request are skipped. */
		if (req->mask & cdev->path_notoper_mask) {
			if (!ccwreq_next_path(cdev))
				break;
			continue;
		}
		rc = cio_start_orb(sch, &orb);
		switch (rc) {
		case 0:
			ccw_device_set_timeout(cdev, req->timeout);
			return;
		case -EACCES:
			cdev->path_notoper_mask |= req->mask;
			if (!ccwreq_next_path(cdev))
				goto out;
			continue;
		case -EBUSY:
			/* Status pending or busy: try again shortly. */
			if (req->retries-- > 0) {
				ccw_device_set_timeout(cdev, CCWREQ_BUSY_DELAY);
				req->drc = -EBUSY;
				return;
			}
			goto out;
		default:
			goto out;
		}
	}
out:
	ccwreq_stop(cdev, rc);
}

void ccw_request_start(struct ccw_device *cdev)
{
	struct ccw_request *req = &cdev->req;

	if (req->singlepath)
		req->mask = lpm_adjust(0x80, req->lpm);
	else
		req->mask = req->lpm;
	req->retries = req->maxretries;
	req->active = true;
	req->cancel = false;
	req->drc = 0;
	if (!req->mask) {
		ccwreq_stop(cdev, -EACCES);
		return;
	}
	ccwreq_do(cdev);
}

int ccw_request_cancel(struct ccw_device *cdev)
{
	struct ccw_request *req = &cdev->req;
	int rc;

	if (!req->active)
		return -EINVAL;
	req->cancel = true;
	rc = cio_clear(cdev->sch);
	if (rc)
		ccwreq_stop(cdev, rc);
	return rc;
}

static enum io_status ccwreq_status(struct ccw_device *cdev, const struct irb *irb)
{
	const struct scsw *s = &irb->scsw;

	if (s->ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR))
		return IO_KILLED;
	if (scsw_cc(s) == 3 || (s->flags & SCSW_FLAGS_PNO))
		return IO_PATH_ERROR;
	if (s->cstat & (SCHN_STAT_INTF_CTRL_CHK | SCHN_STAT_CHN_CTRL_CHK))
		return IO_PATH_ERROR;
	if (s->cstat)
		return IO_STATUS_ERROR;
	if (s->dstat & DEV_STAT_UNIT_CHECK) {
		/* Command reject: the device does not support the command. */
		if ((irb->esw[1] & ERW_S) && (irb->ecw[0] & 0x80))
			return IO_REJECTED;
		return IO_STATUS_ERROR;
	}
	if (s->dstat & DEV_STAT_BUSY)
		return IO_STATUS_ERROR;
	return IO_DONE;
}

static bool irb_is_final(const struct irb *irb)
{
	uint16_t c = irb->scsw.ctrl;

	if (!(c & SCSW_STCTL_PEND))
		return false;
	return !(c & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT)) || (c & SCSW_STCTL_ALERT);
}

void ccw_request_handler(struct ccw_device *cdev)
{
	struct ccw_request *req = &cdev->req;
	const struct irb *irb = &cdev->sch->irb;
	enum io_status st;

	if (!req->active || !irb_is_final(irb))
		return;
	ccw_device_set_timeout(cdev, 0);
	if (irb->scsw.flags & SCSW_FLAGS_PNO)
		ccw_device_path_notoper(cdev, req->mask);
	st = ccwreq_status(cdev, irb);
	switch (st) {
	case IO_DONE:
		ccwreq_stop(cdev, 0);
		return;
	case IO_REJECTED:
		ccwreq_stop(cdev, -EOPNOTSUPP);
		return;
	case IO_KILLED:
		if (req->cancel) {
			ccwreq_stop(cdev, req->drc ? req->drc : -ETIME);
			return;
		}
		break; /* halted by someone else: retry */
	case IO_PATH_ERROR:
		cdev->path_notoper_mask |= req->mask;
		if (!ccwreq_next_path(cdev)) {
			ccwreq_stop(cdev, -EACCES);
			return;
		}
		ccwreq_do(cdev);
		return;
	default:
		break;
	}
	if (req->retries-- > 0) {
		ccwreq_do(cdev);
		return;
	}
	if (ccwreq_next_path(cdev)) {
		ccwreq_do(cdev);
		return;
	}
	ccwreq_stop(cdev, -EIO);
}

/* Timer: either a busy retry or a channel program that took too long. */
void ccw_request_timeout(struct ccw_device *cdev)
{
	struct ccw_request *req = &cdev->req;

	if (!req->active)
		return;
	if (req->drc == -EBUSY) {
		req->drc = 0;
		ccwreq_do(cdev);
		return;
	}
	req->drc = -ETIME;
	ccw_request_cancel(cdev);
}

void ccw_request_notoper(struct ccw_device *cdev)
{
	ccwreq_stop(cdev, -ENODEV);
}
