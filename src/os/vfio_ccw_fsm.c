/* The vfio_ccw device FSM: one handler per (state, event), so every
 * transition, and every refusal, is visible in the table at the bottom.
 *
 * I/O region writes arrive as IO_REQ, async region writes as ASYNC_REQ,
 * subchannel interrupts as INTERRUPT, open/close/reset as OPEN/CLOSE, and a
 * vanished subchannel as NOT_OPER.  Channel-path events are not FSM events
 * (vfio_ccw_chp.c).
 */
#include <errno.h>
#include <string.h>

#include "os/kern_priv.h"
#include "os/os.h"
#include "os/vfio_ccw_private.h"

static const char *const state_names[NR_VFIO_CCW_STATES] = {
	[VFIO_CCW_STATE_NOT_OPER] = "NOT_OPER",
	[VFIO_CCW_STATE_STANDBY] = "STANDBY",
	[VFIO_CCW_STATE_IDLE] = "IDLE",
	[VFIO_CCW_STATE_CP_PROCESSING] = "CP_PROCESSING",
	[VFIO_CCW_STATE_CP_PENDING] = "CP_PENDING",
	[VFIO_CCW_STATE_CLOSING] = "CLOSING",
	[VFIO_CCW_STATE_CLOSING_REOPEN] = "CLOSING_REOPEN",
};

const char *vfio_ccw_state_name(enum vfio_ccw_state s)
{
	return (unsigned)s < NR_VFIO_CCW_STATES ? state_names[s] : "?";
}

static uint64_t host_kmalloc(void *ctx, uint64_t size, uint64_t align)
{
	return os_kmalloc(ctx, size, align);
}

static void host_kfree(void *ctx, uint64_t addr)
{
	os_kfree(ctx, addr);
}

static void cp_mem_host(struct vfio_ccw_private *p, struct cp_mem *m)
{
	m->mem = p->os->css.mem;
	m->alloc = host_kmalloc;
	m->free = host_kfree;
	m->ctx = p->os;
	if (!p->scratch)
		p->scratch = vfio_host_scratch(p->os);
	m->scratch = p->scratch;
}

/* ---- delivering interrupts to the VMM ---- */

/* Deferred cc 3 (SC alert + pending, FC start): "no path was available".
 * A guest retries such a request on its remaining paths. */
static void irb_deferred_cc3(const struct vfio_ccw_private *p, struct irb *irb)
{
	memset(irb, 0, sizeof(*irb));
	irb->scsw.flags = (uint16_t)(3u << SCSW_CC_SHIFT) |
			  (p->cp.orb.ctrl0 & (ORB_CTRL0_KEY | ORB_CTRL0_FMT));
	irb->scsw.ctrl = SCSW_FCTL_START | SCSW_STCTL_ALERT | SCSW_STCTL_PEND;
}

void vfio_ccw_io_todo(struct vfio_ccw_private *p)
{
	struct irb *irb = &p->irb;
	bool final = !(irb->scsw.ctrl & (SCSW_ACTL_DEV_ACT | SCSW_ACTL_SCH_ACT));
	bool ours = final && p->state == VFIO_CCW_STATE_CP_PENDING;

	/* A halt or clear the host issued because a path went away ends a
	 * start the guest never asked to halt: present it as the path error
	 * it is, not as a halt function the guest did not perform. */
	if (final && p->host_terminated && !p->guest_async &&
	    (irb->scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)))
		irb_deferred_cc3(p, irb);
	if (final)
		p->host_terminated = p->guest_async = false;

	/* Translate (or, without a program, clear) the CPA of every status,
	 * solicited or not: a host address never reaches the guest. */
	cp_update_scsw(&p->cp, &irb->scsw);
	/* Also the end of a program left running by a close that could not
	 * wait (the device may have been reopened since). */
	if (final && p->cp.initialized && p->state != VFIO_CCW_STATE_CP_PROCESSING)
		cp_free(&p->cp);
	irb_encode(irb, p->io_region.irb_area);
	if (ours)
		p->state = VFIO_CCW_STATE_IDLE;
	vfio_ccw_signal(p, p->io_trigger);
}

/* No interrupt will come for a start the host cancelled: give the VMM a
 * final deferred cc 3 of our own. */
void vfio_ccw_synth_notoper(struct vfio_ccw_private *p)
{
	struct irb *irb = &p->irb;

	if (p->state != VFIO_CCW_STATE_CP_PENDING)
		return;
	irb_deferred_cc3(p, irb);
	p->host_terminated = p->guest_async = false;
	os_pr_debug(p->os, "vfio_ccw %s: start cancelled on a lost path, deferred cc 3 to the VMM",
		    p->dir + sizeof("/sys/devices/css0"));
	/* Not a real solicited completion: no CPA to translate. */
	cp_free(&p->cp);
	irb_encode(irb, p->io_region.irb_area);
	p->state = VFIO_CCW_STATE_IDLE;
	vfio_ccw_signal(p, p->io_trigger);
}

/* ---- handlers ---- */

static void fsm_nop(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
}

static void fsm_io_error(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	p->io_region.ret_code = (uint32_t)-EIO;
}

static void fsm_io_busy(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	p->io_region.ret_code = (uint32_t)-EBUSY;
}

static void fsm_io_retry(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	p->io_region.ret_code = (uint32_t)-EAGAIN;
}

static void fsm_async_error(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	p->cmd_region.ret_code = (uint32_t)-EIO;
}

static void fsm_async_retry(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	p->cmd_region.ret_code = (uint32_t)-EAGAIN;
}

/* The subchannel went away: a pending request still gets its final
 * interrupt (deferred cc 3), then nothing more is accepted. */
static void fsm_notoper(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	os_pr_debug(p->os, "vfio_ccw %s: not operational in state %s",
		    p->dir + sizeof("/sys/devices/css0"), vfio_ccw_state_name(p->state));
	vfio_ccw_synth_notoper(p);
	cp_trim(&p->cp);
	p->state = VFIO_CCW_STATE_NOT_OPER;
	if (p->quiesce_waiting)
		sim_wake(p->os->sim, &p->quiesce_wq);
}

/* An interrupt for a closed device (Linux fsm_disabled_irq): a previous
 * disable did not take; free what a program still held, disable again. */
static void fsm_disabled_irq(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	cp_trim(&p->cp);
	cio_disable_subchannel(p->sch);
	if (p->quiesce_waiting)
		sim_wake(p->os->sim, &p->quiesce_wq);
}

/* The final interrupt a close from an event left outstanding: the
 * channel is done with the program; disable, and the device is closed
 * (STANDBY) - or opened again when a reset asked for it. */
static void fsm_open(struct vfio_ccw_private *p, enum vfio_ccw_event event);

static void fsm_closing_irq(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	bool reopen = p->state == VFIO_CCW_STATE_CLOSING_REOPEN;

	fsm_disabled_irq(p, event);
	p->state = VFIO_CCW_STATE_STANDBY;
	if (reopen)
		fsm_open(p, VFIO_CCW_EVENT_OPEN);
}

/* A reset's open while its close is still outstanding: after the
 * interrupt. */
static void fsm_reopen_later(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	p->state = VFIO_CCW_STATE_CLOSING_REOPEN;
}

/* The user closes the device while a reset's reopen waits: the reopen is
 * off, the outstanding interrupt still disables the subchannel. */
static void fsm_cancel_reopen(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	p->state = VFIO_CCW_STATE_CLOSING;
}

static void fsm_irq(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	p->irb = p->sch->irb;
	vfio_ccw_io_todo(p);
	if (p->quiesce_waiting)
		sim_wake(p->os->sim, &p->quiesce_wq);
}

static void fsm_open(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	if (cio_enable_subchannel(p->sch, p->sch->schid_word, VFIO_CCW_ISC)) {
		fsm_notoper(p, event);
		return;
	}
	p->state = VFIO_CCW_STATE_IDLE;
}

/* Cancel/halt/clear until the subchannel can be disabled.  Only a task can
 * wait for the interrupt; from an event we make one attempt and let the
 * coming interrupt finish the job (fsm_disabled_irq). */
static int vfio_ccw_quiesce(struct vfio_ccw_private *p)
{
	struct sim *sim = p->os->sim;
	int iretry = 255, rc;

	do {
		rc = cio_cancel_halt_clear(p->sch, &iretry);
		if (rc != 0 && rc != -EBUSY)
			return rc;
		if (rc == -EBUSY) {
			if (!sim_current(sim))
				return -EBUSY;
			p->quiesce_waiting = true;
			sim_wait_timeout(sim, &p->quiesce_wq, VFIO_CCW_QUIESCE_TIMEOUT);
			p->quiesce_waiting = false;
		}
		rc = cio_disable_subchannel(p->sch);
	} while (rc == -EBUSY && iretry > 0);
	return rc;
}

static void fsm_close(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	int rc = cio_disable_subchannel(p->sch);

	if (rc == -EBUSY)
		rc = vfio_ccw_quiesce(p);
	if (rc == -EBUSY) {
		/* No task to wait in (or no end after every retry): clear, so
		 * the channel no longer touches the program or guest storage,
		 * free the program, and let the final interrupt disable the
		 * subchannel (CLOSING). */
		cio_clear(p->sch);
		cp_free(&p->cp);
		p->state = VFIO_CCW_STATE_CLOSING;
		return;
	}
	if (rc) {
		fsm_notoper(p, event);
		return;
	}
	p->state = VFIO_CCW_STATE_STANDBY;
	cp_trim(&p->cp); /* also the block kept for the next program */
}

static int io_start(struct vfio_ccw_private *p, const struct orb *orb)
{
	struct subchannel *sch = p->sch;
	struct cp_mem m;
	struct orb horb;
	uint8_t lpm;
	int rc;

	cp_mem_host(p, &m);
	rc = cp_init(&p->cp, &m, &p->vdev.dma, orb);
	if (rc)
		return rc;
	rc = cp_prefetch(&p->cp);
	if (rc)
		return rc;
	/* The guest's LPM is honoured only within the host's logical paths,
	 * so a path varied off on the host is never used for guest I/O
	 * (upstream: a non-zero guest LPM is taken as it is). */
	lpm = (uint8_t)(orb->lpm ? orb->lpm : sch->lpm);
	if (!p->os->priv->upstream)
		lpm &= sch->lpm;
	if (!lpm) {
		rc = sch->lpm ? -EACCES : -ENODEV;
		goto out_free;
	}
	cp_get_orb(&p->cp, lpm, sch->schid_word, &horb);
	rc = cio_start_orb(sch, &horb);
	if (rc == 0)
		return 0;
	if (rc == -EACCES && !sch->lpm)
		rc = -ENODEV;
out_free:
	cp_free(&p->cp);
	return rc;
}

static void fsm_io_request(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	struct orb orb;
	struct scsw scsw;
	int rc;

	p->state = VFIO_CCW_STATE_CP_PROCESSING;
	orb_decode(p->io_region.orb_area, &orb);
	scsw_decode(p->io_region.scsw_area, &scsw);
	if (scsw.ctrl & SCSW_FCTL_START)
		rc = io_start(p, &orb);
	else
		rc = -EOPNOTSUPP; /* halt/clear go through the async region */
	if (rc == 0) {
		p->state = VFIO_CCW_STATE_CP_PENDING;
		p->io_region.ret_code = 0;
		return;
	}
	cp_free(&p->cp);
	p->state = VFIO_CCW_STATE_IDLE;
	p->io_region.ret_code = (uint32_t)rc;
}

static void fsm_async_request(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	int rc;

	p->guest_async = true;
	switch (p->cmd_region.command) {
	case VFIO_CCW_ASYNC_CMD_HSCH:
		rc = cio_halt(p->sch);
		break;
	case VFIO_CCW_ASYNC_CMD_CSCH:
		rc = cio_clear(p->sch);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	p->cmd_region.ret_code = (uint32_t)rc;
}

/* clang-format off */
fsm_func_t *const vfio_ccw_jumptable[NR_VFIO_CCW_STATES][NR_VFIO_CCW_EVENTS] = {
	[VFIO_CCW_STATE_NOT_OPER] = {
		[VFIO_CCW_EVENT_NOT_OPER]  = fsm_nop,
		[VFIO_CCW_EVENT_IO_REQ]    = fsm_io_error,
		[VFIO_CCW_EVENT_INTERRUPT] = fsm_disabled_irq,
		[VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_error,
		[VFIO_CCW_EVENT_OPEN]      = fsm_nop,
		[VFIO_CCW_EVENT_CLOSE]     = fsm_nop,
	},
	[VFIO_CCW_STATE_STANDBY] = {
		[VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
		[VFIO_CCW_EVENT_IO_REQ]    = fsm_io_error,
		[VFIO_CCW_EVENT_INTERRUPT] = fsm_disabled_irq,
		[VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_error,
		[VFIO_CCW_EVENT_OPEN]      = fsm_open,
		[VFIO_CCW_EVENT_CLOSE]     = fsm_notoper,
	},
	[VFIO_CCW_STATE_IDLE] = {
		[VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
		[VFIO_CCW_EVENT_IO_REQ]    = fsm_io_request,
		[VFIO_CCW_EVENT_INTERRUPT] = fsm_irq,
		[VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_request,
		[VFIO_CCW_EVENT_OPEN]      = fsm_notoper,
		[VFIO_CCW_EVENT_CLOSE]     = fsm_close,
	},
	[VFIO_CCW_STATE_CP_PROCESSING] = {
		[VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
		[VFIO_CCW_EVENT_IO_REQ]    = fsm_io_retry,
		[VFIO_CCW_EVENT_INTERRUPT] = fsm_irq,
		[VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_retry,
		[VFIO_CCW_EVENT_OPEN]      = fsm_notoper,
		[VFIO_CCW_EVENT_CLOSE]     = fsm_close,
	},
	[VFIO_CCW_STATE_CP_PENDING] = {
		[VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
		[VFIO_CCW_EVENT_IO_REQ]    = fsm_io_busy,
		[VFIO_CCW_EVENT_INTERRUPT] = fsm_irq,
		[VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_request,
		[VFIO_CCW_EVENT_OPEN]      = fsm_notoper,
		[VFIO_CCW_EVENT_CLOSE]     = fsm_close,
	},
	[VFIO_CCW_STATE_CLOSING] = {
		[VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
		[VFIO_CCW_EVENT_IO_REQ]    = fsm_io_error,
		[VFIO_CCW_EVENT_INTERRUPT] = fsm_closing_irq,
		[VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_error,
		[VFIO_CCW_EVENT_OPEN]      = fsm_reopen_later,
		[VFIO_CCW_EVENT_CLOSE]     = fsm_notoper,
	},
	[VFIO_CCW_STATE_CLOSING_REOPEN] = {
		[VFIO_CCW_EVENT_NOT_OPER]  = fsm_notoper,
		[VFIO_CCW_EVENT_IO_REQ]    = fsm_io_retry,
		[VFIO_CCW_EVENT_INTERRUPT] = fsm_closing_irq,
		[VFIO_CCW_EVENT_ASYNC_REQ] = fsm_async_retry,
		[VFIO_CCW_EVENT_OPEN]      = fsm_notoper,
		[VFIO_CCW_EVENT_CLOSE]     = fsm_cancel_reopen,
	},
};
/* clang-format on */
