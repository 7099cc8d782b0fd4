/* The vfio-ccw pass-through device's state, shared by vfio_ccw_dev.c (guest
 * instructions, eventfd handlers, path-sync policies) and
 * vfio_ccw_realize.c (open, regions, eventfds, DMA map, release). */
#ifndef CHPSYNC_VMM_VFIO_CCW_PRIV_H
#define CHPSYNC_VMM_VFIO_CCW_PRIV_H

#include "os/vfio.h"
#include "vmm/vdev.h"

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
	bool dirty; /* signalled: a CRW, a PNO in an IRB, a cc 3 from the host */
	/* An I/O interrupt came since the last SCHIB region read: the
	 * channel program may have moved POM (a path that answers again) or
	 * the LPUM, so the next guest STSCH reads the host once. */
	bool stale;
	bool pno_pending;
	uint8_t pnom_pending;
	/* The PNOM sent with the last synthetic PNO, until the guest's
	 * next STSCH has shown it (a read of the host must not hide it). */
	uint8_t pnom_unread;
	struct vfio_ccw_stats st;
};

extern const struct vsch_ops vfio_ccw_pt_ops;
void vfio_ccw_io_irq(void *ctx);
void vfio_ccw_crw_irq(void *ctx);

#endif
