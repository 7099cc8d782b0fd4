/* Minimal virtio-ccw devices (virtio-rng-ccw, virtio-balloon-ccw) on the
 * virtual CHPID 0x00 (type 0x32, PIM 80), as QEMU builds them.
 *
 * The guest OS has no virtio driver, so all these devices must do is show
 * up harmlessly: they answer SENSE ID (CU type 0x3832, CU model = virtio
 * device id, device type 0000/00), NOP and BASIC SENSE, and reject every
 * other command (path grouping, RCD, virtio commands) with unit check and
 * "command reject" sense, which Linux takes as "not supported".  The
 * channel program is interpreted against guest storage: format-0/1 CCWs,
 * command chaining, TIC, SLI, SKIP, format-1/2 IDAWs.
 */
#include "vmm/vdev.h"

#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/insn.h"
#include "arch/irb.h"
#include "arch/senseid.h"

#define VIRTIO_CU_TYPE	 0x3832
#define VIRTIO_LATENCY	 (20 * SIM_US) /* channel program -> status */
#define SENSE_CMD_REJECT 0x80
#define MAX_CCWS	 1024 /* a longer chain (a TIC loop) is a program check */

struct vdev_virtio {
	struct vsch *sch;
	uint8_t virtio_id;
	uint8_t sense[32];
	/* Result of the running channel program, applied at completion. */
	struct scsw result;
	bool unit_check;
	struct sim_event *done_ev;
};

/* Copy len bytes between guest storage and buf for one CCW, directly or
 * through its IDAW list.  Returns bytes moved, or -1 on an address that
 * lies outside guest storage (program check). */
static long ccw_xfer(struct storage *mem, const struct ccw1 *ccw, uint16_t orb_ctrl0, void *buf,
		     size_t len, bool to_guest)
{
	uint64_t isz = idaw_size(orb_ctrl0);
	uint64_t blk = idaw_block(orb_ctrl0);
	uint64_t ida = ccw->cda;
	size_t done = 0;

	if (!(ccw->flags & CCW_FLAG_IDA)) {
		uint8_t *p = storage_ptr(mem, ccw->cda, len);

		if (!p)
			return -1;
		to_guest ? memcpy(p, buf, len) : memcpy(buf, p, len);
		return (long)len;
	}
	if (!idal_aligned(ccw->cda, orb_ctrl0))
		return -1;
	for (unsigned i = 0; done < len; i++, ida += isz) {
		uint8_t *w = storage_ptr(mem, ida, isz);
		uint64_t a, n;
		uint8_t *p;

		if (!w || idaw_fetch(w, orb_ctrl0, i, &a))
			return -1;
		n = blk - (a & (blk - 1));
		if (n > len - done)
			n = len - done;
		p = storage_ptr(mem, a, n);
		if (!p)
			return -1;
		to_guest ? memcpy(p, (uint8_t *)buf + done, n)
			 : memcpy((uint8_t *)buf + done, p, n);
		done += n;
	}
	return (long)done;
}

/* Data a command produces; -1 = command reject. */
static int cmd_data(struct vdev_virtio *d, uint8_t cmd, uint8_t *buf, size_t *len)
{
	struct senseid id;

	switch (cmd) {
	case CCW_CMD_SENSE_ID:
		memset(&id, 0, sizeof(id));
		id.cu_type = VIRTIO_CU_TYPE;
		id.cu_model = d->virtio_id;
		memset(buf, 0, SENSEID_MAX);
		senseid_encode(&id, buf);
		*len = SENSEID_MAX;
		return 0;
	case CCW_CMD_BASIC_SENSE:
		memcpy(buf, d->sense, sizeof(d->sense));
		memset(d->sense, 0, sizeof(d->sense));
		*len = sizeof(d->sense);
		return 0;
	case CCW_CMD_NOOP:
		*len = 0;
		return 0;
	default:
		return -1;
	}
}

/* Run the channel program now; the status is presented after a latency. */
static void run_program(struct vdev_virtio *d, const struct orb *orb)
{
	struct storage *mem = vcss_mem(d->sch->css);
	bool fmt1 = orb->ctrl0 & ORB_CTRL0_FMT;
	uint16_t orb_ctrl0 = orb->ctrl0;
	struct scsw *r = &d->result;
	uint64_t cpa = orb->cpa;
	uint8_t buf[SENSEID_MAX];
	bool prev_tic = false;

	r->dstat = 0;
	r->cstat = 0;
	for (int n = 0; n < MAX_CCWS; n++) {
		uint8_t *p = (cpa & 7) ? NULL : storage_ptr(mem, cpa, CCW_SIZE);
		struct ccw1 ccw;
		size_t len;
		long moved;

		if (!p)
			goto prog_check;
		fmt1 ? ccw1_decode(p, &ccw) : ccw0_decode(p, &ccw);
		r->cpa = (uint32_t)(cpa + CCW_SIZE);
		if (ccw_kind(ccw.cmd, fmt1) == CCW_KIND_TIC) {
			if (prev_tic)
				goto prog_check;
			prev_tic = true;
			cpa = ccw.cda;
			continue;
		}
		prev_tic = false;
		if (ccw.flags & CCW_FLAG_CD || (!fmt1 && ccw.count == 0))
			goto prog_check;
		if (cmd_data(d, ccw.cmd, buf, &len)) {
			memset(d->sense, 0, sizeof(d->sense));
			d->sense[0] = SENSE_CMD_REJECT;
			r->dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
			r->count = ccw.count;
			d->unit_check = true;
			return;
		}
		if (len > ccw.count)
			len = ccw.count;
		moved = 0;
		if (len && !(ccw.flags & CCW_FLAG_SKIP)) {
			moved = ccw_xfer(mem, &ccw, orb_ctrl0, buf, len, true);
			if (moved < 0)
				goto prog_check;
		} else {
			moved = (long)len;
		}
		r->count = (uint16_t)(ccw.count - moved);
		r->dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
		if (r->count && !(ccw.flags & CCW_FLAG_SLI)) {
			/* Incorrect length ends the chain. */
			r->cstat = SCHN_STAT_INCORR_LEN;
			return;
		}
		if (!(ccw.flags & CCW_FLAG_CC))
			return;
		cpa += CCW_SIZE;
	}
prog_check:
	r->dstat = 0;
	r->cstat = SCHN_STAT_PROG_CHECK;
}

static void complete(void *arg)
{
	struct vdev_virtio *d = arg;
	struct vsch *s = d->sch;

	d->done_ev = NULL;
	s->scsw.ctrl &= (uint16_t) ~(SCSW_ACTL_START | SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT);
	s->scsw.ctrl |= SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND;
	if (d->result.cstat & SCHN_STAT_PROG_CHECK)
		s->scsw.ctrl |= SCSW_STCTL_ALERT;
	s->scsw.cpa = d->result.cpa;
	s->scsw.dstat = d->result.dstat;
	s->scsw.cstat = d->result.cstat;
	s->scsw.count = d->result.count;
	memset(s->esw, 0, sizeof(s->esw));
	s->esw[0] = 0x80u << 16; /* LPUM */
	if (d->unit_check && (s->pmcw.chars & PMCW_CHARS_CSENSE)) {
		/* Concurrent sense: the sense bytes come with the IRB. */
		memcpy(s->ecw, d->sense, sizeof(s->ecw));
		s->esw[1] = ERW_S | (uint32_t)sizeof(d->sense) << ERW_SCNT_SHIFT;
		s->scsw.flags |= SCSW_FLAGS_ECTL;
		memset(d->sense, 0, sizeof(d->sense));
	}
	d->unit_check = false;
	vcss_post_status(s);
}

static void deferred_cc3(struct vdev_virtio *d)
{
	struct vsch *s = d->sch;

	/* No usable path (ORB LPM excludes 0x80): deferred cc 3, as QEMU. */
	s->scsw.flags |= 3 << SCSW_CC_SHIFT;
	s->scsw.ctrl &= (uint16_t)~SCSW_ACTL_START;
	s->scsw.ctrl |= SCSW_STCTL_ALERT | SCSW_STCTL_PEND;
	vcss_post_status(s);
}

static int virtio_start(struct vsch *s, const struct orb *orb)
{
	struct vdev_virtio *d = s->priv;

	if (!(orb->lpm & 0x80)) {
		deferred_cc3(d);
		return 0;
	}
	s->pmcw.lpum = 0x80;
	memset(&d->result, 0, sizeof(d->result));
	run_program(d, orb);
	d->done_ev = sim_at(vcss_sim(s->css), VIRTIO_LATENCY, complete, d);
	return 0;
}

/* Halt and clear end whatever runs and present status pending alone. */
static void end_function(struct vdev_virtio *d, bool clear)
{
	struct vsch *s = d->sch;

	sim_cancel(vcss_sim(s->css), d->done_ev);
	d->done_ev = NULL;
	d->unit_check = false;
	s->scsw.ctrl &= (uint16_t) ~(SCSW_ACTL_MASK);
	s->scsw.ctrl |= SCSW_STCTL_PEND;
	s->scsw.dstat = clear ? 0 : DEV_STAT_DEV_END;
	s->scsw.cstat = 0;
	s->pmcw.lpum = 0x80;
	vcss_post_status(s);
}

static int virtio_halt(struct vsch *s)
{
	end_function(s->priv, false);
	return 0;
}

static int virtio_clear(struct vsch *s)
{
	end_function(s->priv, true);
	return 0;
}

static int virtio_cancel(struct vsch *s)
{
	struct vdev_virtio *d = s->priv;

	if (!d->done_ev)
		return 2;
	sim_cancel(vcss_sim(s->css), d->done_ev);
	d->done_ev = NULL;
	return 0;
}

static const struct vsch_ops virtio_ops = {
	.start = virtio_start,
	.halt = virtio_halt,
	.clear = virtio_clear,
	.cancel = virtio_cancel,
};

struct vdev_virtio *vdev_virtio_new(struct vcss *css, uint16_t devno, uint8_t virtio_id)
{
	struct vdev_virtio *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->virtio_id = virtio_id;
	d->sch = vcss_add_sch(css, devno, &virtio_ops, d);
	if (!d->sch) {
		free(d);
		return NULL;
	}
	d->sch->pmcw.pim = 0x80;
	d->sch->pmcw.pam = 0x80;
	d->sch->pmcw.pom = 0xff;
	d->sch->pmcw.lpm = 0x80;
	d->sch->pmcw.chpid[0] = VIRTIO_CHPID;
	vcss_add_chpid(css, VIRTIO_CHPID, VIRTIO_CHPID_TYPE, true);
	return d;
}

void vdev_virtio_free(struct vdev_virtio *d)
{
	if (!d)
		return;
	sim_cancel(vcss_sim(d->sch->css), d->done_ev);
	free(d);
}
