/* chpsync=qemu: upstream QEMU's handling (hw/vfio/ccw.c, hw/s390x/css.c),
 * for comparisons (`chpsync explore --vmm=qemu`; qemu-vfio-ccw.md 1-2).
 *
 * Every guest STSCH reads the SCHIB region (a host STSCH each time, news
 * or not) and copies only PAM, POM, PNOM and LPUM; PIM and the CHPIDs stay
 * as they were when the device was realized.  Every CRW drained from the
 * CRW region goes to the guest's queue as it is, one per subchannel and
 * event (no coalescing, no refresh behind the guest).  No synthetic PNO.
 * Differences kept from chpsync's VMM: the guest's CRW queue is bounded
 * with the R bit (QEMU's grows without bound and never sets R for vfio
 * CRWs), and the host driver below may be chpsync's (vary reaches the
 * guest through its CRWs) or upstream's (`#! host-driver upstream`: it
 * does not). */
#include <string.h>

#include "vmm/chpsync.h"
#include "vmm/vcss.h"
#include "vmm/vfio_ccw_priv.h"

static void qemu_on_crw(struct vfio_ccw_dev *d, uint32_t crw)
{
	/* css_crw_add_to_queue(): as it came */
	vcss_queue_crw(d->css, crw, false);
}

static void qemu_on_stsch(struct vfio_ccw_dev *d, const struct pmcw *before, bool refreshed,
			  bool signalled)
{
	struct pmcw *g = &d->sch->pmcw;

	(void)signalled;
	/* vfio_ccw_handle_store(): a region read on every STSCH */
	if (!refreshed && vfio_ccw_dev_refresh(d))
		return;
	g->pim = before->pim;
	memcpy(g->chpid, before->chpid, sizeof(g->chpid));
}

static void qemu_on_io_irq(struct vfio_ccw_dev *d)
{
	(void)d;
}

static bool qemu_on_flush(struct vfio_ccw_dev *d, bool named)
{
	(void)d;
	(void)named;
	return false;
}

const struct chpsync_ops chpsync_qemu_ops = {
	.name = "qemu",
	.on_crw = qemu_on_crw,
	.on_stsch = qemu_on_stsch,
	.on_io_irq = qemu_on_io_irq,
	.on_flush = qemu_on_flush,
};
