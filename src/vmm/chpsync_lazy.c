/* chpsync=lazy: the cover letter's design (the 2017 RFC, never merged).
 *
 * A CRW from the host only marks the device dirty and is then discarded
 * (the CRW region must still be drained, or the host's bounded queue
 * overflows).  The guest's next STSCH refreshes the path fields from the
 * SCHIB region and arms PNO: the next I/O interruption that is not
 * intermediate-only carries SCSW N (PNO) and PNOM = host PNOM |
 * (PIM & ~(PAM & POM)), once, so that the guest re-verifies its paths (not
 * when that PNOM is 0: every path is back, there is nothing to name).  A
 * refresh that only staleness prompted (an I/O interrupt since the last
 * read) arms PNO only if PIM, PAM, POM or the CHPIDs changed, otherwise
 * every verification's I/O would ask for the next one; the synthetic PNOM
 * stays until the guest's first STSCH after the PNO interruption has
 * stored it.  So the guest's view changes only when the guest itself
 * touches the device.
 *
 * Beyond the letter: a guest whose device has no path left does not touch
 * it again (Linux disconnects the device and waits for a channel report;
 * only its recovery timer, after 3 s, 30 s, then every 300 s, tries it
 * again).  So a CRW that makes a path available (ERC 2 or 4) is forwarded
 * when the host's last word on the device was that no path is left (a
 * start refused with -ENODEV, or with -EACCES on every path the guest's
 * view has, a program that ended in deferred cc 3, or a SCHIB without an
 * available path): the
 * VM refreshes the device and injects the CRW as eager does, the guest
 * reconnects at once, and the device is lazy again from there. */
#include "vmm/chpsync.h"
#include "vmm/vfio_ccw_priv.h"

#include "arch/crw.h"
#include "arch/scsw.h"

struct lazy_state {
	bool forwarded; /* a path-available CRW went to the VM: refresh */
	bool pno_pending;
	uint8_t pnom_pending;
	/* The PNOM sent with the last synthetic PNO, until the guest's next
	 * STSCH has shown it (a read of the host must not hide it). */
	uint8_t pnom_unread;
};

static struct lazy_state *lazy(struct vfio_ccw_dev *d)
{
	return d->pstate;
}

static bool crw_path_available(uint32_t w)
{
	struct crw c;

	crw_decode(w, &c);
	return c.rsc == CRW_RSC_CPATH && !c.oflw &&
	       (c.erc == CRW_ERC_INIT || c.erc == CRW_ERC_IPARM);
}

static void lazy_on_crw(struct vfio_ccw_dev *d, uint32_t crw)
{
	/* The letter discards it: the dirty mark is all it keeps. */
	if (!d->host_nopath || !crw_path_available(crw) || !d->sink.crw)
		return;
	lazy(d)->forwarded = true;
	d->host_nopath = false;
	d->sink.crw(d->sink.ctx, d, crw);
}

static void lazy_on_stsch(struct vfio_ccw_dev *d, const struct pmcw *before, bool refreshed,
			  bool signalled)
{
	struct lazy_state *l = lazy(d);
	struct pmcw *g = &d->sch->pmcw;

	if (!refreshed) {
		l->pnom_unread = 0;
		return;
	}
	g->pnom |= l->pnom_unread;
	l->pnom_unread = 0;
	/* What changed is news unless the guest's own PNO told it already
	 * (a path its program found not operational: POM and PNOM). */
	if (signalled || (!d->pno_seen && vfio_ccw_paths_differ(before, g))) {
		l->pnom_pending = (uint8_t)(g->pnom | (g->pim & ~(g->pam & g->pom)));
		/* PNO says that a path was found not operational, PNOM which:
		 * with none to name (the paths are all back) it would make the
		 * guest give up the path its next program ran on */
		l->pno_pending = l->pnom_pending != 0;
	}
}

static void lazy_on_io_irq(struct vfio_ccw_dev *d)
{
	struct lazy_state *l = lazy(d);
	struct vsch *s = d->sch;

	if (!l->pno_pending ||
	    (s->scsw.ctrl & SCSW_STCTL_MASK) == (SCSW_STCTL_INTER | SCSW_STCTL_PEND))
		return;
	/* Status that came on a path shows that path operational: the PNO
	 * does not name it, even if the host's POM bit, off since a
	 * program last failed on it, says otherwise (a guest started after
	 * the path came back gave it up at its first Sense ID). */
	if (scsw_cc(&s->scsw) != 3 && d->status_lpum) {
		l->pnom_pending &= (uint8_t)~d->status_lpum;
		if (!l->pnom_pending) {
			l->pno_pending = false;
			return;
		}
	}
	s->scsw.flags |= SCSW_FLAGS_PNO;
	s->pmcw.pnom = l->pnom_pending;
	l->pnom_unread = l->pnom_pending;
	l->pno_pending = false;
}

/* Lazy devices are not refreshed behind the guest, except for a
 * forwarded CRW: the guest learns from the CRW itself, so no synthetic PNO
 * is due for it. */
static bool lazy_on_flush(struct vfio_ccw_dev *d, bool named)
{
	struct lazy_state *l = lazy(d);
	struct pmcw before = d->sch->pmcw;

	if (!l->forwarded)
		return false;
	l->forwarded = false;
	if (vfio_ccw_dev_refresh(d))
		return false;
	l->pno_pending = false;
	return vfio_ccw_paths_differ(&before, &d->sch->pmcw);
}

const struct chpsync_ops chpsync_lazy_ops = {
	.name = "lazy",
	.state_size = sizeof(struct lazy_state),
	.on_crw = lazy_on_crw,
	.on_stsch = lazy_on_stsch,
	.on_io_irq = lazy_on_io_irq,
	.on_flush = lazy_on_flush,
};
