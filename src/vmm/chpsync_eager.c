/* chpsync=eager (the default): upstream QEMU's design, improved.
 *
 * Every CRW the host queues for the device goes to the VM (vm_chp.c), which
 * batches the CRWs of one simulated instant, refreshes the path fields of
 * every eager device concerned (one host STSCH each) and injects each
 * distinct CRW once as a channel-report machine check.  The guest processes
 * it at once, exactly as upstream's guest does with QEMU's raw CRW; the
 * improvement is the coalescing (one CRW per CHPID and event, not one per
 * subchannel) and that the guest's following STSCHs cost the host nothing.
 * STSCH and I/O interrupts need nothing beyond the shared mechanics. */
#include "vmm/chpsync.h"
#include "vmm/vfio_ccw_priv.h"

static void eager_on_crw(struct vfio_ccw_dev *d, uint32_t crw)
{
	if (d->sink.crw)
		d->sink.crw(d->sink.ctx, d, crw);
}

static void eager_on_stsch(struct vfio_ccw_dev *d, const struct pmcw *before, bool refreshed,
			   bool signalled)
{
}

static void eager_on_io_irq(struct vfio_ccw_dev *d)
{
}

/* Refresh a device that was signalled or uses a CHPID the batch reports
 * (its own CRW may still be on the way). */
static bool eager_on_flush(struct vfio_ccw_dev *d, bool named)
{
	const struct pmcw *g = &d->sch->pmcw;
	struct pmcw before = *g;

	if (!vfio_ccw_dev_dirty(d) && !named)
		return false;
	if (vfio_ccw_dev_refresh(d))
		return false;
	return vfio_ccw_paths_differ(&before, g);
}

const struct chpsync_ops chpsync_eager_ops = {
	.name = "eager",
	.on_crw = eager_on_crw,
	.on_stsch = eager_on_stsch,
	.on_io_irq = eager_on_io_irq,
	.on_flush = eager_on_flush,
};
