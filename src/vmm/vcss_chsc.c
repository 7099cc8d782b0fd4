/* CHSC and SERVICE CALL of the virtual channel subsystem.
 *
 * CHSC store subchannel description (0x0004) and store channel-path
 * description (0x0002) answer from the image the devices built.  QEMU
 * answers SSD with "not provided" (the guest then derives it from the
 * PMCW); we answer it, so the guest's per-CHPID index is exact either way.
 *
 * SERVICE CALL: only READ CHANNEL-PATH INFORMATION is recognized, and only
 * when the machine has sclp-chp-info=on (a hook set by vm.c answers it from
 * the host's configure state).  Everything else completes with "invalid
 * SCLP command" (0x01f0), as QEMU does for every channel-path command.
 */
#include <string.h>

#include "arch/bytes.h"
#include "arch/chsc.h"
#include "arch/sclp.h"
#include "vmm/vcss_priv.h"

static void chsc_ssd(struct vcss *css, uint8_t *area)
{
	struct chsc_ssd_req req;
	struct chsc_ssd_rsp rsp;
	struct vsch *s;

	if (chsc_ssd_req_decode(area, &req) || req.f_sch != req.l_sch) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	memset(&rsp, 0, sizeof(rsp));
	rsp.code = CHSC_RSP_OK;
	s = req.ssid == 0 ? vcss_sch(css, req.f_sch) : NULL;
	if (s) {
		rsp.sch_valid = 1;
		rsp.dev_valid = (s->pmcw.flags & PMCW_FLAGS_DNV) != 0;
		rsp.st = (uint8_t)((s->pmcw.chars & PMCW_CHARS_ST) >> PMCW_ST_SHIFT);
		rsp.devno = s->pmcw.devno;
		rsp.path_mask = s->pmcw.pim;
		rsp.sch = s->schno;
		memcpy(rsp.chpid, s->pmcw.chpid, sizeof(rsp.chpid));
	}
	chsc_ssd_rsp_encode(&rsp, area);
}

static void chsc_scpd(struct vcss *css, uint8_t *area)
{
	struct chsc_scpd_req req;
	unsigned n = 0;

	if (chsc_scpd_req_decode(area, &req) || req.m || req.cssid ||
	    req.first_chpid > req.last_chpid) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	/* Format-0 descriptors only (rfmt 0), like most guests ask for. */
	if (req.rfmt != 0) {
		chsc_rsp_set(area, 8, CHSC_RSP_NOTSUPP);
		return;
	}
	for (unsigned id = req.first_chpid; id <= req.last_chpid; id++) {
		struct chp_desc0 d;

		if (!css->chp[id].in_use)
			continue;
		memset(&d, 0, sizeof(d));
		d.flags = 0x80; /* descriptor valid */
		d.desc = css->chp[id].type;
		d.chpid = (uint8_t)id;
		chp_desc0_encode(&d, area + CHSC_SCPD_OFF_DATA + n * CHP_DESC0_SIZE);
		n++;
	}
	chsc_rsp_set(area, (uint16_t)(8 + n * CHP_DESC0_SIZE), CHSC_RSP_OK);
}

int vcss_chsc(void *c, uint64_t addr)
{
	struct vcss *css = c;
	uint8_t *area;
	uint16_t len;

	if (addr & (CHSC_AREA_SIZE - 1))
		return -PGM_SPECIFICATION;
	area = storage_ptr(css->mem, addr, CHSC_AREA_SIZE);
	if (!area)
		return -PGM_ADDRESSING;
	css->st.chsc++;
	len = chsc_req_length(area);
	if (len < 16 || len > CHSC_AREA_SIZE - 8 || (len & 7)) {
		/* No room for a response header: the request is rejected. */
		return -PGM_OPERAND;
	}
	switch (chsc_req_code(area)) {
	case CHSC_CODE_SSD:
		chsc_ssd(css, area);
		break;
	case CHSC_CODE_SCPD:
		chsc_scpd(css, area);
		break;
	default:
		chsc_rsp_set(area, 8, CHSC_RSP_NOTSUPP);
		break;
	}
	return 0;
}

/* ---- SERVICE CALL ---- */

static void sclp_signal(void *arg)
{
	struct vcss *css = arg;
	uint8_t *h = storage_ptr(css->mem, css->sclp_sccb, SCCB_HEADER_SIZE);

	css->sclp_ev = NULL;
	css->sclp_busy = false;
	if (h)
		put_be16(h + 6, css->sclp_rc);
	if (css->bound && !css->stopped && css->up.service_signal)
		css->up.service_signal(css->up.os, css->sclp_sccb);
}

void vcss_sclp_complete(struct vcss *css, uint64_t sccb, uint16_t response_code)
{
	if (!css->sclp_busy || sccb != css->sclp_sccb || css->sclp_ev || css->stopped)
		return;
	css->sclp_rc = response_code;
	css->sclp_ev = sim_at(css->sim, VCSS_SCLP_LATENCY, sclp_signal, css);
}

void vcss_set_chp_info(struct vcss *css, vcss_chp_info_fn fn, void *ctx)
{
	css->chp_info = fn;
	css->chp_info_ctx = ctx;
}

int vcss_servc(void *c, uint32_t cmdw, uint64_t sccb_addr)
{
	struct vcss *css = c;
	struct sccb_header h;
	uint8_t *p;

	/* The SCCB must be doubleword aligned and lie in storage. */
	if (sccb_addr & 7)
		return -PGM_SPECIFICATION;
	p = storage_ptr(css->mem, sccb_addr, SCCB_HEADER_SIZE);
	if (!p)
		return -PGM_ADDRESSING;
	sccb_header_decode(p, &h);
	if (h.length < SCCB_HEADER_SIZE || !storage_ptr(css->mem, sccb_addr, h.length))
		return -PGM_SPECIFICATION;
	if (css->sclp_busy)
		return 2;
	css->st.servc++;
	css->sclp_busy = true;
	css->sclp_sccb = sccb_addr;
	if (cmdw != SCLP_CMDW_READ_CHPATH_INFORMATION || !css->chp_info) {
		vcss_sclp_complete(css, sccb_addr, SCLP_RC_INVALID_SCLP_COMMAND);
		return 0;
	}
	if (h.length < SCLP_CHP_INFO_SCCB_SIZE) {
		vcss_sclp_complete(css, sccb_addr, SCLP_RC_INSUFFICIENT_SCCB_LENGTH);
		return 0;
	}
	css->chp_info(css->chp_info_ctx, css, sccb_addr);
	return 0;
}
