/* The vfio-ccw pass-through device's state, shared by vfio_ccw_dev.c (guest
 * instructions, eventfd handlers, path-sync policies) and
 * vfio_ccw_realize.c (open, regions, eventfds, DMA map, release). */
#ifndef CHPSYNC_VMM_VFIO_CCW_PRIV_H
#define CHPSYNC_VMM_VFIO_CCW_PRIV_H

#include "os/vfio.h"
#include "vmm/chpsync.h"
#include "vmm/vdev.h"

struct vfio_ccw_dev {
	struct vmm_host host;
	struct vcss *css;
	struct vsch *sch;
	const struct chpsync_ops *pol; /* the path-sync policy */
	void *pstate;		       /* the policy's own state (pol->state_size bytes) */
	struct vfio_ccw_crw_sink sink;
	int fd;
	int io_efd, crw_efd, req_efd;
	bool unplugged;
	uint64_t io_off, async_off, schib_off, crw_off;
	bool has_async, has_schib, has_crw;
	uint64_t iova_size;
	/* Path-state synchronisation */
	/* The path fields must be read again: a CRW, a PNO in an IRB, a cc 3
	 * from the host. */
	bool dirty;
	/* The host itself reported a path change (a CRW, a PNO in an IRB)
	 * since the guest last looked; a cc 3 the guest got for its own
	 * start is not news to it. */
	bool news;
	/* The guest got an IRB with PNO from the host since the last SCHIB
	 * read: it has seen, in its own status, which paths were found not
	 * operational, so the POM and PNOM the next read brings are no news
	 * to it either. */
	bool pno_seen;
	/* The host's last word on this device was that no path is left: a
	 * start refused with -ENODEV (no logical path left on the host), or
	 * a SCHIB with no available path.  Cleared by a start the host
	 * takes. */
	bool host_nopath;
	/* Paths (PIM positions) a program of the guest found not operational
	 * (deferred cc 3, a start the host refused with cc 3) since the VM
	 * last told the guest of their CHPID: a report that such a CHPID is
	 * available is news to the guest even when it repeats the last one
	 * (vm_chp.c). */
	uint8_t failed_paths;
	uint8_t start_lpm;   /* the LPM of the last start the host took */
	uint8_t status_lpum; /* the path the status being presented came on (ESW), or 0 */
	/* An I/O interrupt came since the last SCHIB region read: the
	 * channel program may have moved POM (a path that answers again) or
	 * the LPUM, so the next guest STSCH reads the host once. */
	bool stale;
	/* The guest's HSCH or CSCH went to the host (async region) and its
	 * status has not come back: SCSW_FCTL_HALT or SCSW_FCTL_CLEAR, 0 if
	 * none.  `overtaken`: the start's status came first and ended the
	 * halt for the guest, so the halt's own status is not presented. */
	uint16_t async_fctl;
	bool overtaken;
	struct vfio_ccw_stats st;
};

extern const struct vsch_ops vfio_ccw_pt_ops;
void vfio_ccw_io_irq(void *ctx);
void vfio_ccw_crw_irq(void *ctx);
/* PIM, PAM, POM or a CHPID differ: news for the guest. */
bool vfio_ccw_paths_differ(const struct pmcw *a, const struct pmcw *b);

#endif
