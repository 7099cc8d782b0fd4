/* CHSC: store subchannel description (SSD, 0x0004) and store channel-path
 * description (SCPD, 0x0002, response formats 0 and 1), enough for an OS to
 * learn a subchannel's CHPIDs, a CHPID's type and its CHID.  Anything else is answered with
 * "command not provided".  The CHSC subchannel is synchronous here: cc 0
 * with the response stored. */
#include <string.h>

#include "arch/bytes.h"
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

/* Format-1 descriptor (32 bytes, Linux struct channel_path_desc_fmt1):
 * the format-0 bytes 0-3, then the CHID at bytes 16-17, valid when flags
 * bit 0x10 is set. */
#define CHP_DESC1_SIZE	     32
#define CHP_DESC1_OFF_CHID   16
#define CHP_DESC_VALID	     0x80
#define CHP_DESC1_CHID_VALID 0x10

static void scpd_desc(const struct chp *c, uint8_t id, uint8_t rfmt, uint8_t *out)
{
	struct chp_desc0 d = {0};

	if (c->defined && c->cfg != CHP_CFG_NOT_RECOGNIZED) {
		d.flags = CHP_DESC_VALID;
		d.desc = c->type;
		d.chpid = id;
	}
	if (rfmt == 0) {
		chp_desc0_encode(&d, out);
		return;
	}
	memset(out, 0, CHP_DESC1_SIZE);
	if (d.flags && c->chid != 0xffff) {
		d.flags |= CHP_DESC1_CHID_VALID;
		put_be16(out + CHP_DESC1_OFF_CHID, c->chid);
	}
	/* Bytes 0-3 are laid out as in format 0. */
	{
		uint8_t d0[CHP_DESC0_SIZE];

		chp_desc0_encode(&d, d0);
		memcpy(out, d0, 4);
	}
}

static void chsc_scpd(struct machine *m, uint8_t *area)
{
	struct chsc_scpd_req req;
	uint8_t *out = area + CHSC_SCPD_OFF_DATA;
	unsigned size;
	int n;

	if (chsc_scpd_req_decode(area, &req) || req.m || req.c || req.fmt || req.cssid ||
	    req.rfmt > 1 || req.first_chpid > req.last_chpid) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	size = req.rfmt ? CHP_DESC1_SIZE : CHP_DESC0_SIZE;
	n = req.last_chpid - req.first_chpid + 1;
	if (CHSC_SCPD_OFF_DATA + (unsigned)n * size > CHSC_AREA_SIZE) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	for (int i = 0; i < n; i++) {
		uint8_t id = (uint8_t)(req.first_chpid + i);

		scpd_desc(&m->chp[id], id, req.rfmt, out + i * size);
	}
	chsc_rsp_set(area, (uint16_t)(8 + n * size), CHSC_RSP_OK);
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
	default:
		chsc_rsp_set(area, 8, CHSC_RSP_NOTSUPP);
	}
	return 0;
}
