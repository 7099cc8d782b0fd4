/* The ccw device state machine (Linux device_fsm.c), as a state x event
 * table, and the I/O entry points for ccw drivers. */
#include <errno.h>
#include <string.h>

#include "arch/ccw.h"
#include "arch/orb.h"
#include "os/device_priv.h"

#define IO_SCH_ISC	  3
#define VERIFY_MAX_ROUNDS 4 /* repeated verifications before settling */

bool dev_fsm_final_state(const struct ccw_device *cdev)
{
	return cdev->state == DEV_STATE_NOT_OPER || cdev->state == DEV_STATE_OFFLINE ||
	       cdev->state == DEV_STATE_ONLINE || cdev->state == DEV_STATE_BOXED;
}

/* ---- timer ---- */

static void ccw_device_timeout_fn(void *arg)
{
	struct ccw_device *cdev = arg;

	cdev->timer = NULL;
	dev_fsm_event(cdev, DEV_EVENT_TIMEOUT);
}

void ccw_device_set_timeout(struct ccw_device *cdev, sim_time_t delay)
{
	if (cdev->timer) {
		sim_cancel(cdev->os->sim, cdev->timer);
		cdev->timer = NULL;
	}
	if (delay)
		cdev->timer = sim_at(cdev->os->sim, delay, ccw_device_timeout_fn, cdev);
}

/* ---- path events ---- */

static void ccw_device_report_path_events(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;
	int pe[8], i;
	bool any = false;

	for (i = 0; i < 8; i++) {
		uint8_t m = (uint8_t)(0x80 >> i);

		pe[i] = PE_NONE;
		if (m & cdev->path_gone_mask & ~sch->vpm)
			pe[i] |= PE_PATH_GONE;
		if (m & cdev->path_new_mask & sch->vpm)
			pe[i] |= PE_PATH_AVAILABLE;
		if (m & cdev->pgid_reset_mask & sch->vpm)
			pe[i] |= PE_PATHGROUP_ESTABLISHED;
		any |= pe[i] != PE_NONE;
	}
	cdev->path_gone_mask = 0;
	cdev->path_new_mask = 0;
	cdev->pgid_reset_mask = 0;
	if (any && cdev->drv && cdev->drv->path_event)
		cdev->drv->path_event(cdev, pe);
}

/* ---- the driver's view: notify, disconnected ---- */

int ccw_device_notify(struct ccw_device *cdev, int event)
{
	if (!cdev->drv || !cdev->online || !cdev->drv->notify)
		return NOTIFY_BAD;
	return cdev->drv->notify(cdev, event) == NOTIFY_OK ? NOTIFY_OK : NOTIFY_BAD;
}

void ccw_device_set_disconnected(struct ccw_device *cdev)
{
	ccw_device_set_timeout(cdev, 0);
	cdev->io_active = false;
	cdev->kill_pending = false;
	cdev->state = DEV_STATE_DISCONNECTED;
	if (cdev->online)
		ccw_device_schedule_recovery(cdev->os);
}

/* Back from DISCONNECTED and online again (Linux ccw_device_oper_notify):
 * the driver hears CIO_OPER, and every verified path is new to it. */
static void ccw_device_oper_notify(struct ccw_device *cdev)
{
	if (ccw_device_notify(cdev, CIO_OPER) == NOTIFY_OK)
		cdev->path_new_mask = cdev->sch->vpm;
}

/* Linux ccw_device_handle_broken_paths: paths that are available but did
 * not verify are looked at again by the recovery timer. */
static void ccw_device_handle_broken_paths(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;
	uint8_t broken = (uint8_t)((sch->schib.pmcw.pam & sch->opm) ^ sch->vpm);

	if (broken && broken != cdev->path_broken_mask)
		ccw_device_schedule_recovery(cdev->os);
	cdev->path_broken_mask = broken;
}

/* ---- final states ---- */

void ccw_device_done(struct ccw_device *cdev, enum dev_state state)
{
	struct subchannel *sch = cdev->sch;

	ccw_device_set_timeout(cdev, 0);
	cdev->verify_rounds = 0;
	cdev->doverify = false;
	if (state != DEV_STATE_ONLINE)
		cio_disable_subchannel(sch);
	cdev->state = state;
	switch (state) {
	case DEV_STATE_BOXED:
		os_pr_debug(cdev->os, "Boxed device %04x on subchannel %04x", sch->schib.pmcw.devno,
			    sch->schid.no);
		cdev->donotify = false;
		break;
	case DEV_STATE_NOT_OPER:
		/* An online device its driver keeps is disconnected, not gone
		 * (Linux: CIO_GONE, NOTIFY_OK -> ccw_device_set_disconnected). */
		os_pr_debug(cdev->os, "Device %04x gone on subchannel %04x", sch->schib.pmcw.devno,
			    sch->schid.no);
		cdev->donotify = false;
		if (ccw_device_notify(cdev, CIO_GONE) == NOTIFY_OK)
			ccw_device_set_disconnected(cdev);
		break;
	case DEV_STATE_DISCONNECTED:
		os_pr_debug(cdev->os, "Disconnected device %04x on subchannel %04x",
			    sch->schib.pmcw.devno, sch->schid.no);
		cdev->donotify = false;
		if (ccw_device_notify(cdev, CIO_NO_PATH) == NOTIFY_OK)
			ccw_device_set_disconnected(cdev);
		else
			cdev->state = DEV_STATE_NOT_OPER;
		break;
	default:
		break;
	}
	if (cdev->state == DEV_STATE_NOT_OPER && cdev->io_active) {
		cdev->io_active = false;
		if (cdev->handler)
			cdev->handler(cdev, cdev->intparm, NULL, -EIO);
	}
	os_wake(cdev->os, &cdev->wq);
}

void ccw_device_verify_done(struct ccw_device *cdev, int err)
{
	struct subchannel *sch = cdev->sch;
	if (cio_update_schib(sch)) {
		ccw_device_done(cdev, DEV_STATE_NOT_OPER);
		return;
	}
	sch->lpm = sch->vpm;
	/* Verified paths that were not verified last time came back; those
	 * that were and are not any more are gone.  The first verification
	 * after enabling is the baseline. */
	if (cdev->verified_once) {
		cdev->path_new_mask |= sch->vpm & ~cdev->prev_vpm;
		cdev->path_gone_mask |= cdev->prev_vpm & ~sch->vpm;
	} else {
		cdev->pgid_reset_mask = 0;
	}
	cdev->prev_vpm = sch->vpm;
	cdev->verified_once = true;
	if (cdev->doverify && cdev->verify_rounds++ < VERIFY_MAX_ROUNDS) {
		/* Something changed while we were verifying: once more. */
		ccw_device_verify_start(cdev);
		return;
	}
	switch (err) {
	case 0:
		/* Drivers hear about paths before the waiter resumes, so a
		 * path worker they start runs ahead of set_online. */
		cdev->state = DEV_STATE_ONLINE;
		if (cdev->donotify) {
			cdev->donotify = false;
			ccw_device_oper_notify(cdev);
		}
		ccw_device_report_path_events(cdev);
		ccw_device_handle_broken_paths(cdev);
		ccw_device_done(cdev, DEV_STATE_ONLINE);
		break;
	case -EUSERS:
		ccw_device_done(cdev, DEV_STATE_BOXED);
		break;
	case -EACCES:
		/* No path verified.  Going online fails; an online device is
		 * disconnected (Linux), its driver keeps it and its I/O waits
		 * until a path comes back. */
		cdev->path_gone_mask = cdev->path_new_mask = cdev->pgid_reset_mask = 0;
		ccw_device_done(cdev, cdev->online ? DEV_STATE_DISCONNECTED : DEV_STATE_OFFLINE);
		break;
	default:
		cdev->path_gone_mask = cdev->path_new_mask = cdev->pgid_reset_mask = 0;
		ccw_device_done(cdev, DEV_STATE_NOT_OPER);
		break;
	}
}

void ccw_device_disband_done(struct ccw_device *cdev, int err)
{
	(void)err; /* the path group is gone either way once we disable */
	cdev->sch->vpm = 0;
	ccw_device_done(cdev, DEV_STATE_OFFLINE);
}

/* ---- online / offline (started from a task, completed by events) ---- */

int ccw_device_online(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;
	int ret;

	if (cdev->state != DEV_STATE_OFFLINE && cdev->state != DEV_STATE_BOXED)
		return -EINVAL;
	/* Enabling does STSCH first: path masks are fresh from here on. */
	ret = cio_enable_subchannel(sch, sch->schid_word, IO_SCH_ISC);
	if (ret) {
		if (ret == -ENODEV)
			ccw_device_done(cdev, DEV_STATE_NOT_OPER);
		return ret;
	}
	sch->opm = chp_get_sch_opm(sch);
	cdev->verified_once = false;
	cdev->prev_vpm = 0;
	cdev->path_gone_mask = 0;
	cdev->path_new_mask = 0;
	cdev->state = DEV_STATE_VERIFY;
	ccw_device_verify_start(cdev);
	return 0;
}

int ccw_device_offline(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;

	/* Allowed while disconnected (Linux): the device is gone for us. */
	if (cdev->state == DEV_STATE_DISCONNECTED || cdev->state == DEV_STATE_NOT_OPER) {
		cdev->donotify = false;
		ccw_device_done(cdev, DEV_STATE_NOT_OPER);
		return 0;
	}
	if (cdev->state == DEV_STATE_W4SENSE)
		return -EBUSY;
	if (cdev->state != DEV_STATE_ONLINE && cdev->state != DEV_STATE_BOXED)
		return -EINVAL;
	if (cdev->io_active)
		return -EBUSY;
	if (cdev->state == DEV_STATE_BOXED || !cdev->pgroup || !sch->vpm) {
		ccw_device_done(cdev, DEV_STATE_OFFLINE);
		return 0;
	}
	cdev->state = DEV_STATE_DISBAND_PGID;
	ccw_device_disband_start(cdev);
	return 0;
}

/* ---- PNO: some path was found not operational ---- */

/* `tried` is the path mask of the operation that reported PNO.  When the
 * only paths found not operational are the ones tried, the operation's own
 * error handling covers them; news about other paths (as a VMM gives when
 * it syncs path state lazily) means the verified paths are stale. */
void ccw_device_path_notoper(struct ccw_device *cdev, uint8_t tried)
{
	struct subchannel *sch = cdev->sch;
	uint8_t pnom = 0xff;

	if (cio_update_schib(sch) == 0) {
		pnom = sch->schib.pmcw.pnom;
		os_pr_debug(cdev->os,
			    "ccw_device_path_notoper(0.%x.%04x) - path(s) %02x are not operational",
			    sch->schid.ssid, sch->schid.no, pnom);
		sch->lpm &= (uint8_t)~pnom;
	}
	if (pnom & ~tried)
		cdev->doverify = true;
}

/* ---- state x event handlers ---- */

typedef void (*fsm_fn)(struct ccw_device *cdev, enum dev_event ev);

static void fsm_nop(struct ccw_device *cdev, enum dev_event ev)
{
}

static void fsm_req_irq(struct ccw_device *cdev, enum dev_event ev)
{
	ccw_request_handler(cdev);
}

static void fsm_req_timeout(struct ccw_device *cdev, enum dev_event ev)
{
	ccw_request_timeout(cdev);
}

static void fsm_req_notoper(struct ccw_device *cdev, enum dev_event ev)
{
	ccw_request_notoper(cdev);
	if (!dev_fsm_final_state(cdev))
		ccw_device_done(cdev, DEV_STATE_NOT_OPER);
}

static void fsm_delay_verify(struct ccw_device *cdev, enum dev_event ev)
{
	cdev->doverify = true;
}

static void fsm_notoper(struct ccw_device *cdev, enum dev_event ev)
{
	ccw_device_done(cdev, DEV_STATE_NOT_OPER);
}

static void fsm_offline_irq(struct ccw_device *cdev, enum dev_event ev)
{
	/* Unsolicited status on an offline device: nothing to do. */
	os_pr_debug(cdev->os, "cio: %s: unsolicited interrupt while offline", cdev->busid);
}

static void fsm_online_verify(struct ccw_device *cdev, enum dev_event ev)
{
	if (cdev->io_active) {
		cdev->doverify = true;
		return;
	}
	cdev->state = DEV_STATE_VERIFY;
	ccw_device_verify_start(cdev);
}

static bool irb_final(const struct irb *irb)
{
	uint16_t c = irb->scsw.ctrl;

	if (!(c & SCSW_STCTL_PEND))
		return false;
	return !(c & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT)) || (c & SCSW_STCTL_ALERT);
}

static int ccw_device_do_sense(struct ccw_device *cdev, const struct irb *irb);

static void fsm_online_irq(struct ccw_device *cdev, enum dev_event ev)
{
	const struct irb *irb = &cdev->sch->irb;
	bool final = irb_final(irb), solicited;

	if (irb->scsw.flags & SCSW_FLAGS_PNO)
		ccw_device_path_notoper(cdev, 0);
	/* ERW P: the channel subsystem asks for path verification. */
	if ((irb->scsw.flags & SCSW_FLAGS_ESWF) && (irb->esw[1] & ERW_P))
		cdev->doverify = true;
	if (!final)
		return; /* intermediate status: the driver waits for the end */
	if ((irb->scsw.dstat & DEV_STAT_UNIT_CHECK) && !(irb->esw[1] & ERW_S) &&
	    !(irb->scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)) &&
	    ccw_device_do_sense(cdev, irb) == 0)
		return; /* the driver gets the unit check with its sense */
	solicited = cdev->io_active;
	/* Unsolicited status (e.g. the device end of a device that became
	 * ready) while paths are missing: look at the paths again. */
	if (!solicited && cdev->sch->vpm != (cdev->sch->schib.pmcw.pam & cdev->sch->opm))
		cdev->doverify = true;
	cdev->io_active = false;
	cdev->kill_pending = false;
	/* Unsolicited status carries no request's interruption parameter. */
	if (cdev->handler)
		cdev->handler(cdev, solicited ? cdev->intparm : 0, irb, 0);
	if (cdev->doverify && cdev->state == DEV_STATE_ONLINE && !cdev->io_active)
		fsm_online_verify(cdev, DEV_EVENT_VERIFY);
}

/* Unit check without concurrent sense: fetch the sense bytes with BASIC
 * SENSE on the path that took the unit check (Linux
 * ccw_device_do_sense). */
static int ccw_device_do_sense(struct ccw_device *cdev, const struct irb *irb)
{
	struct subchannel *sch = cdev->sch;
	uint8_t lpum = irb_esw_lpum(irb);
	struct orb orb;

	cdev->sense_irb = *irb;
	memset(&orb, 0, sizeof(orb));
	orb.intparm = sch->schid_word;
	orb.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64;
	orb.lpm = lpum ? lpum : sch->lpm;
	orb.cpa = (uint32_t)ccw_device_build_ccw(cdev, CCW_CMD_BASIC_SENSE, CCW_FLAG_SLI, 32);
	if (cio_start_orb(sch, &orb))
		return -EIO;
	cdev->state = DEV_STATE_W4SENSE;
	return 0;
}

static void fsm_w4sense_irq(struct ccw_device *cdev, enum dev_event ev)
{
	const struct irb *irb = &cdev->sch->irb;
	struct irb *uc = &cdev->sense_irb;
	const uint8_t *sense = ccw_device_dma_data(cdev, 32);

	if (!irb_final(irb))
		return;
	if (irb->scsw.flags & SCSW_FLAGS_PNO)
		ccw_device_path_notoper(cdev, 0);
	if (!irb->scsw.cstat && !(irb->scsw.dstat & DEV_STAT_UNIT_CHECK) && sense) {
		memcpy(uc->ecw, sense, 32);
		uc->esw[1] |= ERW_S | ((32u << ERW_SCNT_SHIFT) & ERW_SCNT);
	}
	cdev->state = DEV_STATE_ONLINE;
	cdev->io_active = false;
	cdev->kill_pending = false;
	if (cdev->handler)
		cdev->handler(cdev, cdev->intparm, uc, 0);
	if (cdev->doverify && cdev->state == DEV_STATE_ONLINE && !cdev->io_active)
		fsm_online_verify(cdev, DEV_EVENT_VERIFY);
}

static void fsm_online_timeout(struct ccw_device *cdev, enum dev_event ev)
{
	if (cdev->io_active && cdev->handler)
		cdev->handler(cdev, cdev->intparm, NULL, -ETIMEDOUT);
}

/* Linux ccw_device_generic_notoper: the subchannel stopped answering.  A
 * driver that keeps the device has it disconnected; otherwise it is gone. */
static void fsm_online_notoper(struct ccw_device *cdev, enum dev_event ev)
{
	struct subchannel *sch = cdev->sch;

	if (ccw_device_notify(cdev, CIO_GONE) == NOTIFY_OK) {
		sch->vpm = 0;
		sch->lpm = 0;
		ccw_device_set_disconnected(cdev);
		return;
	}
	cdev->path_gone_mask |= sch->vpm;
	sch->vpm = 0;
	sch->lpm = 0;
	ccw_device_report_path_events(cdev);
	ccw_device_done(cdev, DEV_STATE_NOT_OPER);
}

/* Disconnected: an interrupt or a path event means the device may be
 * back; look for it with Sense ID (Linux ccw_device_start_id). */
static void fsm_start_id(struct ccw_device *cdev, enum dev_event ev)
{
	struct subchannel *sch = cdev->sch;

	if (cio_enable_subchannel(sch, sch->schid_word, IO_SCH_ISC))
		return; /* sick device: stays disconnected */
	cdev->known_id = cdev->senseid;
	cdev->state = DEV_STATE_DISCONNECTED_SENSE_ID;
	ccw_device_sense_id_start(cdev);
}

/* Not operational and offline: a path event may bring the device back;
 * recognise it anew (Linux schedules a subchannel evaluation, which
 * attaches a fresh ccw device). */
static void fsm_notoper_verify(struct ccw_device *cdev, enum dev_event ev)
{
	if (!cdev->online && cdev->sch)
		ccw_device_rerecognise(cdev);
}

/* clang-format off */
static const fsm_fn dev_jumptable[NR_DEV_STATES][NR_DEV_EVENTS] = {
	[DEV_STATE_NOT_OPER] = {
		[DEV_EVENT_NOTOPER]   = fsm_nop,
		[DEV_EVENT_INTERRUPT] = fsm_nop,
		[DEV_EVENT_TIMEOUT]   = fsm_nop,
		[DEV_EVENT_VERIFY]    = fsm_notoper_verify,
	},
	[DEV_STATE_SENSE_ID] = {
		[DEV_EVENT_NOTOPER]   = fsm_req_notoper,
		[DEV_EVENT_INTERRUPT] = fsm_req_irq,
		[DEV_EVENT_TIMEOUT]   = fsm_req_timeout,
		[DEV_EVENT_VERIFY]    = fsm_nop,
	},
	[DEV_STATE_OFFLINE] = {
		[DEV_EVENT_NOTOPER]   = fsm_notoper,
		[DEV_EVENT_INTERRUPT] = fsm_offline_irq,
		[DEV_EVENT_TIMEOUT]   = fsm_nop,
		[DEV_EVENT_VERIFY]    = fsm_nop,
	},
	[DEV_STATE_VERIFY] = {
		[DEV_EVENT_NOTOPER]   = fsm_req_notoper,
		[DEV_EVENT_INTERRUPT] = fsm_req_irq,
		[DEV_EVENT_TIMEOUT]   = fsm_req_timeout,
		[DEV_EVENT_VERIFY]    = fsm_delay_verify,
	},
	[DEV_STATE_ONLINE] = {
		[DEV_EVENT_NOTOPER]   = fsm_online_notoper,
		[DEV_EVENT_INTERRUPT] = fsm_online_irq,
		[DEV_EVENT_TIMEOUT]   = fsm_online_timeout,
		[DEV_EVENT_VERIFY]    = fsm_online_verify,
	},
	[DEV_STATE_DISBAND_PGID] = {
		[DEV_EVENT_NOTOPER]   = fsm_req_notoper,
		[DEV_EVENT_INTERRUPT] = fsm_req_irq,
		[DEV_EVENT_TIMEOUT]   = fsm_req_timeout,
		[DEV_EVENT_VERIFY]    = fsm_nop,
	},
	[DEV_STATE_BOXED] = {
		[DEV_EVENT_NOTOPER]   = fsm_notoper,
		[DEV_EVENT_INTERRUPT] = fsm_offline_irq,
		[DEV_EVENT_TIMEOUT]   = fsm_nop,
		[DEV_EVENT_VERIFY]    = fsm_nop,
	},
	[DEV_STATE_W4SENSE] = {
		[DEV_EVENT_NOTOPER]   = fsm_online_notoper,
		[DEV_EVENT_INTERRUPT] = fsm_w4sense_irq,
		[DEV_EVENT_TIMEOUT]   = fsm_nop,
		[DEV_EVENT_VERIFY]    = fsm_delay_verify,
	},
	/* devices without a usable path, kept by their driver */
	[DEV_STATE_DISCONNECTED] = {
		[DEV_EVENT_NOTOPER]   = fsm_nop,
		[DEV_EVENT_INTERRUPT] = fsm_start_id,
		[DEV_EVENT_TIMEOUT]   = fsm_nop,
		[DEV_EVENT_VERIFY]    = fsm_start_id,
	},
	[DEV_STATE_DISCONNECTED_SENSE_ID] = {
		[DEV_EVENT_NOTOPER]   = fsm_req_notoper,
		[DEV_EVENT_INTERRUPT] = fsm_req_irq,
		[DEV_EVENT_TIMEOUT]   = fsm_req_timeout,
		[DEV_EVENT_VERIFY]    = fsm_nop,
	},
};
/* clang-format on */

void dev_fsm_event(struct ccw_device *cdev, enum dev_event ev)
{
	dev_jumptable[cdev->state][ev](cdev, ev);
}

/* ---- driver I/O ---- */

uint8_t ccw_device_get_path_mask(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;

	return sch->schib.pmcw.pam & sch->opm;
}

/* Start the driver's channel program (format-1 CCWs, format-2 IDAWs).
 * 0, -EBUSY (device busy or being verified), -EACCES (none of the
 * requested paths usable), -ENODEV. */
int ccw_device_start(struct ccw_device *cdev, uint64_t cpa, uint32_t intparm, uint8_t lpm)
{
	struct subchannel *sch = cdev->sch;
	struct orb orb;
	int ret;

	if (cdev->state == DEV_STATE_NOT_OPER)
		return -ENODEV;
	if (cdev->state != DEV_STATE_ONLINE || cdev->io_active || cdev->doverify)
		return -EBUSY;
	lpm = lpm ? (uint8_t)(lpm & sch->lpm) : sch->lpm;
	if (!lpm)
		return -EACCES;
	memset(&orb, 0, sizeof(orb));
	orb.intparm = sch->schid_word;
	orb.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64;
	orb.lpm = lpm;
	orb.cpa = (uint32_t)cpa;
	ret = cio_start_orb(sch, &orb);
	if (ret == 0) {
		cdev->intparm = intparm;
		cdev->io_active = true;
		return 0;
	}
	/* Linux: paths were found not operational (cc 3): verify them. */
	if (ret == -ENODEV || ret == -EACCES)
		dev_fsm_event(cdev, DEV_EVENT_VERIFY);
	return ret;
}

int ccw_device_clear(struct ccw_device *cdev, uint32_t intparm)
{
	int ret;

	if (cdev->state != DEV_STATE_ONLINE)
		return -EINVAL;
	ret = cio_clear(cdev->sch);
	if (ret == 0)
		cdev->intparm = intparm;
	return ret;
}
