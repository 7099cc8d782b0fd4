/* Path-sync policies (`-device vfio-ccw,...,chpsync=NAME`): how a
 * pass-through device brings its guest's view of the channel paths up to
 * date.  A policy is one ops table in its own file:
 *
 *   chpsync_lazy.c   the cover letter's design (2017 RFC): the guest's view
 *                    changes only when the guest touches the device
 *   chpsync_eager.c  upstream's design (QEMU 5.1+), improved: host CRWs go
 *                    to the guest at once, coalesced per VM
 *   chpsync_qemu.c   upstream QEMU as it is, for comparisons: a SCHIB-region
 *                    read per guest STSCH, every CRW passed on as it came
 *
 * The device (vfio_ccw_dev.c) keeps the mechanics every policy shares: the
 * cached path fields, the dirty/stale marks, the SCHIB-region refresh.  It
 * calls the policy at four points, and nowhere else asks which policy a
 * device has.  A third policy is one new file with its table, named in
 * enum chpsync_policy and in the registry (chpsync.c). */
#ifndef CHPSYNC_VMM_CHPSYNC_H
#define CHPSYNC_VMM_CHPSYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/schib.h"
#include "vmm/vdev.h"

struct chpsync_ops {
	const char *name; /* the chpsync= value */
	/* Bytes of per-device policy state (vfio_ccw_dev.pstate, zeroed). */
	size_t state_size;
	/* A CRW drained from the device's CRW region; the device is marked
	 * dirty already. */
	void (*on_crw)(struct vfio_ccw_dev *d, uint32_t crw);
	/* A guest STSCH: `refreshed` when the SCHIB region was read for it
	 * (the device was dirty or stale), `before` the guest PMCW before
	 * that, `signalled` when the host reported a path change since the
	 * guest last looked (a CRW, a PNO; not the guest's own cc 3). */
	void (*on_stsch)(struct vfio_ccw_dev *d, const struct pmcw *before, bool refreshed,
			 bool signalled);
	/* An I/O interrupt whose IRB is in the guest subchannel, before the
	 * guest is told; the policy may add to the status. */
	void (*on_io_irq)(struct vfio_ccw_dev *d);
	/* The VM flushes the CRWs collected at one instant (vm_chp.c):
	 * `named` when a CRW of the batch names one of the device's CHPIDs.
	 * Returns true when the device's path fields changed. */
	bool (*on_flush)(struct vfio_ccw_dev *d, bool named);
};

extern const struct chpsync_ops chpsync_lazy_ops;
extern const struct chpsync_ops chpsync_eager_ops;
extern const struct chpsync_ops chpsync_qemu_ops;

/* The policy's table (never NULL for a valid policy). */
const struct chpsync_ops *chpsync_ops(enum chpsync_policy policy);
/* The policy named NAME: 0, or -EINVAL for no such policy. */
int chpsync_policy_parse(const char *name, enum chpsync_policy *out);

#endif
