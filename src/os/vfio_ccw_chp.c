/* Channel paths for a vfio_ccw device: the SCHIB region (a fresh STSCH on
 * every read), the bounded CRW queue behind the CRW region, and chp_event,
 * which keeps the host's masks, ends I/O on a lost path and tells the VMM.
 *
 * Notification encoding (what the VMM and its guest see):
 *   CHP_OFFLINE  -> CRW RSC 4 (channel path), ERC 6 (PERRN), RSID = CHPID
 *   CHP_ONLINE   -> CRW RSC 4, ERC 2 (INIT), RSID = CHPID
 *   CHP_VARY_OFF -> CRW RSC 4, ERC 6, A (ancillary) = 1, RSID = CHPID
 *   CHP_VARY_ON  -> CRW RSC 4, ERC 2, A = 1, RSID = CHPID
 * A = 1 marks a logical change made on the host; the SCHIB region presents
 * PAM & host opm, so a varied-off path reads as not available.
 */
#include <errno.h>

#include "arch/crw.h"
#include "arch/schib.h"
#include "os/kern_priv.h"
#include "os/os.h"
#include "os/vfio_ccw_private.h"

int vfio_ccw_schib_refresh(struct vfio_ccw_private *p)
{
	struct schib s;

	if (cio_update_schib(p->sch) || !(p->sch->schib.pmcw.flags & PMCW_FLAGS_DNV))
		return -ENODEV;
	s = p->sch->schib;
	/* upstream: the hardware SCHIB as is (a varied-off path looks
	 * available to the guest) */
	if (!p->os->priv->upstream)
		s.pmcw.pam &= p->sch->opm;
	schib_encode(&s, p->schib_region.schib_area);
	return 0;
}

/* ---- CRW queue ---- */

static void crw_set_overflow(uint32_t *w)
{
	struct crw c;

	crw_decode(*w, &c);
	c.oflw = true;
	*w = crw_encode(&c);
}

/* A full queue drops the new report.  Overflow is signalled twice over, so
 * that it can never go unnoticed: the newest queued CRW gets the R bit at
 * once, and the next CRW queued after room appears carries R as well
 * (the "first CRW stored after an overflow" rule). */
void vfio_ccw_queue_crw(struct vfio_ccw_private *p, uint8_t rsc, uint8_t erc, bool anc,
			uint16_t rsid)
{
	struct vfio_ccw_crw_queue *q = &p->crwq;
	struct crw c = {.rsc = rsc, .erc = erc, .anc = anc, .rsid = rsid, .oflw = q->lost};

	if (!p->vdev.open)
		return; /* no consumer: a new user reads a fresh SCHIB anyway */
	if (q->n == VFIO_CCW_CRW_QUEUE_MAX) {
		crw_set_overflow(&q->crw[(q->head + q->n - 1) % VFIO_CCW_CRW_QUEUE_MAX]);
		q->lost = true;
		q->dropped++;
	} else {
		q->crw[(q->head + q->n) % VFIO_CCW_CRW_QUEUE_MAX] = crw_encode(&c);
		q->n++;
		q->lost = false;
	}
	vfio_ccw_signal(p, p->crw_trigger);
}

uint32_t vfio_ccw_crw_pop(struct vfio_ccw_private *p)
{
	struct vfio_ccw_crw_queue *q = &p->crwq;
	uint32_t w;

	if (!q->n)
		return 0;
	w = q->crw[q->head];
	q->head = (q->head + 1) % VFIO_CCW_CRW_QUEUE_MAX;
	q->n--;
	return w;
}

/* ---- ending I/O on a lost path ---- */

/* Is the running program on (or, `pending`, about to start on) the path
 * `mask`? */
static bool io_on_path(const struct vfio_ccw_private *p, uint8_t mask, bool pending)
{
	const struct schib *s = &p->sch->schib;
	uint16_t actl = s->scsw.ctrl & SCSW_ACTL_MASK;

	if (p->state != VFIO_CCW_STATE_CP_PENDING)
		return false;
	if ((s->pmcw.lpum & mask) && (actl & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT)))
		return true;
	/* Still start pending: the CSS may yet pick this path. */
	return pending && (actl & SCSW_ACTL_START) &&
	       !(actl & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT)) && (s->pmcw.lpm & mask);
}

/* Cancel, halt or clear the running program.  When no interrupt will come
 * (the cancel succeeded, or the subchannel is gone) the VMM gets a
 * synthesized final interrupt, so its request always completes; upstream
 * leaves it pending forever. */
static void terminate_path_io(struct vfio_ccw_private *p, uint8_t mask, bool pending)
{
	int iretry = 255, rc;

	if (!io_on_path(p, mask, pending))
		return;
	rc = cio_cancel_halt_clear(p->sch, &iretry);
	if (rc == -EBUSY) {
		/* the halt/clear (or already pending status) interrupt comes */
		p->host_terminated = true;
		return;
	}
	if (rc && rc != -ENODEV)
		os_pr_debug(p->os, "vfio_ccw %s: could not terminate I/O on a lost path (%d)",
			    p->dir + sizeof("/sys/devices/css0"), rc);
	vfio_ccw_synth_notoper(p);
}

/* ---- upstream Linux, for comparisons (os_config.upstream) ----
 *
 * drivers/s390/cio/vfio_ccw_drv.c vfio_ccw_chp_event as upstream has it
 * (linux-vfio-ccw.md 3.7-3.9): vary off/on change only the host's masks
 * and tell the VMM nothing; a lost path's I/O gets one cancel/halt/clear
 * when the cached LPUM names the path, whatever the subchannel is doing;
 * a successful cancel (XSCH) means no interrupt at all, so the guest's
 * request stays pending for ever; a halt or clear interrupt reaches the
 * VMM as a halt/clear the guest never asked for. */
static void upstream_cancel(struct vfio_ccw_private *p, uint8_t mask)
{
	int iretry = 255, rc;

	if (!(p->sch->schib.pmcw.lpum & mask))
		return;
	rc = cio_cancel_halt_clear(p->sch, &iretry);
	sim_trace(p->os->sim, "vfio_ccw", "%s: upstream chp_event: cancel/halt/clear %d%s",
		  p->dir + sizeof("/sys/devices/css0"), rc,
		  rc == 0 && p->state == VFIO_CCW_STATE_CP_PENDING
			  ? " (start cancelled: no interrupt will come, the request stays pending)"
			  : "");
}

static int upstream_chp_event(struct vfio_ccw_private *p, uint8_t mask, enum chp_event_kind event,
			      uint16_t rsid)
{
	struct subchannel *sch = p->sch;

	switch (event) {
	case CHP_VARY_OFF:
		sch->opm &= (uint8_t)~mask;
		sch->lpm &= (uint8_t)~mask;
		upstream_cancel(p, mask);
		break;
	case CHP_OFFLINE:
		upstream_cancel(p, mask);
		vfio_ccw_queue_crw(p, CRW_RSC_CPATH, CRW_ERC_PERRN, false, rsid);
		break;
	case CHP_VARY_ON:
		sch->opm |= mask;
		sch->lpm |= mask;
		break;
	case CHP_ONLINE:
		sch->lpm |= mask & sch->opm;
		vfio_ccw_queue_crw(p, CRW_RSC_CPATH, CRW_ERC_INIT, false, rsid);
		break;
	}
	return 0;
}

int vfio_ccw_chp_event(struct subchannel *sch, struct chp_link *link, enum chp_event_kind event)
{
	struct vfio_ccw_private *p = sch->drvdata;
	uint8_t mask = p ? chp_ssd_get_mask(&sch->ssd, link) : 0;
	uint16_t rsid = link->chpid.id;

	if (!mask)
		return 0;
	sim_trace(p->os->sim, "vfio_ccw", "%s: chp %x.%02x event %d mask %02x state %s",
		  p->dir + sizeof("/sys/devices/css0"), link->chpid.cssid, link->chpid.id, event,
		  mask, vfio_ccw_state_name(p->state));
	if (cio_update_schib(sch))
		return -ENODEV;
	if (p->os->priv->upstream)
		return upstream_chp_event(p, mask, event, rsid);
	switch (event) {
	case CHP_VARY_OFF:
		sch->opm &= (uint8_t)~mask;
		sch->lpm &= (uint8_t)~mask;
		/* the CSS knows nothing of a vary: a start still pending may
		 * run on the path */
		terminate_path_io(p, mask, true);
		vfio_ccw_queue_crw(p, CRW_RSC_CPATH, CRW_ERC_PERRN, true, rsid);
		break;
	case CHP_OFFLINE:
		sch->lpm &= (uint8_t)~mask;
		/* A start still pending is the CSS's: it selects no path that
		 * is configured off or whose link is down, and runs it on one
		 * that came back since (the report may be stale by now: a
		 * Sense ID the host ended for a link already repaired left
		 * the guest's device disconnected). */
		terminate_path_io(p, mask, false);
		vfio_ccw_queue_crw(p, CRW_RSC_CPATH, CRW_ERC_PERRN, false, rsid);
		break;
	case CHP_VARY_ON:
		sch->opm |= mask;
		sch->lpm |= mask;
		vfio_ccw_queue_crw(p, CRW_RSC_CPATH, CRW_ERC_INIT, true, rsid);
		break;
	case CHP_ONLINE:
		sch->lpm |= mask & sch->opm;
		vfio_ccw_queue_crw(p, CRW_RSC_CPATH, CRW_ERC_INIT, false, rsid);
		break;
	}
	return 0;
}
