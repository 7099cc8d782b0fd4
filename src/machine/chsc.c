/* CHSC: store subchannel description (SSD, 0x0004), store channel-path
 * description (SCPD, 0x0002, response formats 0 and 1), store
 * channel-measurement characteristics (SCMC, 0x0022) and store
 * channel-subsystem characteristics (SCSC, 0x0010): enough for an OS to
 * learn a subchannel's CHPIDs and a CHPID's type, CHID, CMG and shared
 * state.  Anything else is answered with "command not provided".  The CHSC subchannel is synchronous here: cc 0
 * with the response stored. */
#include <stdbool.h>
#include <string.h>

#include "arch/chsc.h"
#include "machine/machine_priv.h"

static void chsc_ssd(struct machine *m, uint8_t *area)
{
	struct chsc_ssd_req req;
	struct chsc_ssd_rsp rsp;
	struct subchannel *s;

	/* One subchannel per request, as Linux asks. */
	if (chsc_ssd_req_decode(area, &req) || req.ssid >= MAX_SSID_COUNT ||
	    req.f_sch != req.l_sch) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	memset(&rsp, 0, sizeof(rsp));
	rsp.code = CHSC_RSP_OK;
	s = css_sch(m, req.ssid, req.f_sch);
	rsp.sch = req.f_sch;
	if (s && s->installed) {
		rsp.sch_valid = 1;
		rsp.dev_valid = 1;
		rsp.unit_addr = (uint8_t)s->devno;
		rsp.devno = s->devno;
		rsp.path_mask = s->pim;
		for (int i = 0; i < 8; i++)
			if (s->pim & (0x80 >> i))
				rsp.chpid[i] = s->chpid[i];
	}
	chsc_ssd_rsp_encode(&rsp, area);
}

/* Channel types without channel hardware of their own: their CHID is an
 * internal one, which lschp shows in parentheses (HiperSockets, IQD). */
#define CHP_TYPE_IQD 0x24

static bool chp_desc_valid(const struct chp *c)
{
	return c->defined && c->cfg != CHP_CFG_NOT_RECOGNIZED;
}

/* Format 1 (Linux channel_path_desc_fmt1): the format-0 bytes 0-3, and the
 * CHID with flags 0x10 (CHID valid) and 0x08 (external: a PCHID, a port
 * on a card), the two bits Linux's chid and chid_external attributes read. */
static void scpd_desc1(const struct chp *c, uint8_t id, uint8_t *out)
{
	struct chp_desc1 d = {0};

	if (chp_desc_valid(c)) {
		d.flags = CHP_DESC_VALID;
		d.desc = c->type;
		d.chpid = id;
		if (c->chid != 0xffff) {
			d.flags |= CHP_DESC1_CHID_VALID;
			if (c->type != CHP_TYPE_IQD)
				d.flags |= CHP_DESC1_CHID_EXTERNAL;
			d.chid = c->chid;
		}
	}
	chp_desc1_encode(&d, out);
}

static void scpd_desc0(const struct chp *c, uint8_t id, uint8_t *out)
{
	struct chp_desc0 d = {0};

	if (chp_desc_valid(c)) {
		d.flags = CHP_DESC_VALID;
		d.desc = c->type;
		d.chpid = id;
	}
	chp_desc0_encode(&d, out);
}

/* Response format 1 is asked with rfmt 1 (Linux since 4.x: rfmt 1, c 1) or
 * with the c bit and rfmt 0 (older Linux; QEMU also takes c as the format);
 * the SCSC "fcs" bit says the c bit is provided. */
static void chsc_scpd(struct machine *m, uint8_t *area)
{
	struct chsc_scpd_req req;
	uint8_t *out = area + CHSC_SCPD_OFF_DATA;
	unsigned size;
	bool fmt1;
	int n;

	if (chsc_scpd_req_decode(area, &req) || req.m || req.fmt || req.cssid || req.rfmt > 1 ||
	    req.first_chpid > req.last_chpid) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	fmt1 = req.rfmt == 1 || req.c;
	size = fmt1 ? CHP_DESC1_SIZE : CHP_DESC0_SIZE;
	n = req.last_chpid - req.first_chpid + 1;
	if (CHSC_SCPD_OFF_DATA + (unsigned)n * size > CHSC_AREA_SIZE) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	for (int i = 0; i < n; i++) {
		uint8_t id = (uint8_t)(req.first_chpid + i);

		if (fmt1)
			scpd_desc1(&m->chp[id], id, out + i * size);
		else
			scpd_desc0(&m->chp[id], id, out + i * size);
	}
	chsc_rsp_set(area, (uint16_t)(8 + n * size), CHSC_RSP_OK);
}

/* Store channel-measurement characteristics: the CMG and the shared bit of
 * each CHPID from the IOCP deck (CMG=, SHARED).  Not valid when the CHPID
 * is not defined, has no CMG (CMG=0), or is not configured (IBM's lschp
 * example shows a standby path with Cmg and Shared "-").  The CMG-dependent
 * characteristics are not modelled: cmcv 0, so Linux stores zeros. */
static void chsc_scmc(struct machine *m, uint8_t *area)
{
	struct chsc_scmc_req req;
	int n;

	if (chsc_scmc_req_decode(area, &req) || req.first_chpid > req.last_chpid) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	n = req.last_chpid - req.first_chpid + 1;
	if (CHSC_SCMC_OFF_DATA + (unsigned)n * CHSC_SCMC_ENTRY_SIZE > CHSC_AREA_SIZE) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	for (int i = 0; i < n; i++) {
		uint8_t id = (uint8_t)(req.first_chpid + i);
		const struct chp *c = &m->chp[id];
		struct chsc_scmc_entry e = {.chpid = id};

		if (c->defined && c->cmg && c->cfg == CHP_CFG_CONFIGURED) {
			e.cmg = c->cmg;
			e.shared = c->shared;
		} else {
			e.not_valid = 1;
		}
		chsc_scmc_entry_encode(&e, area, (unsigned)i);
	}
	chsc_rsp_set(area, (uint16_t)(8 + n * CHSC_SCMC_ENTRY_SIZE), CHSC_RSP_OK);
}

/* Store channel-subsystem characteristics: the bits an OS tests before the
 * commands above.  secm is set because Linux requires it (with scmc)
 * before it issues SCMC; SECM itself (0x0016) is not provided and answers
 * 0x0004, which Linux's chsc_secm() turns into an error for cm_enable. */
static void chsc_scsc(uint8_t *area)
{
	struct chsc_css_chars c = {.fcs = 1, .secm = 1, .scmc = 1};

	if (chsc_scsc_req_decode(area)) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	chsc_scsc_rsp_encode(&c, area);
}

int chsc_do(struct machine *m, uint64_t addr)
{
	uint8_t *area;

	if (addr & (CHSC_AREA_SIZE - 1))
		return -PGM_SPECIFICATION;
	area = storage_ptr(m->mem, addr, CHSC_AREA_SIZE);
	if (!area)
		return -PGM_ADDRESSING;
	switch (chsc_req_code(area)) {
	case CHSC_CODE_SSD:
		chsc_ssd(m, area);
		break;
	case CHSC_CODE_SCPD:
		chsc_scpd(m, area);
		break;
	case CHSC_CODE_SCMC:
		chsc_scmc(m, area);
		break;
	case CHSC_CODE_SCSC:
		chsc_scsc(area);
		break;
	default:
		chsc_rsp_set(area, 8, CHSC_RSP_NOTSUPP);
	}
	return 0;
}
