/* CHSC: store subchannel description (SSD, 0x0004) and store channel-path
 * description (SCPD, 0x0002, format 0), enough for an OS to learn a
 * subchannel's CHPIDs and a CHPID's type.  Anything else is answered with
 * "command not provided".  The CHSC subchannel is synchronous here: cc 0
 * with the response stored. */
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

static void chsc_scpd(struct machine *m, uint8_t *area)
{
	struct chsc_scpd_req req;
	uint8_t *out = area + CHSC_SCPD_OFF_DATA;
	int n;

	if (chsc_scpd_req_decode(area, &req) || req.m || req.c || req.fmt || req.cssid ||
	    req.rfmt != 0 || req.first_chpid > req.last_chpid) {
		chsc_rsp_set(area, 8, CHSC_RSP_INVALID);
		return;
	}
	n = req.last_chpid - req.first_chpid + 1;
	for (int i = 0; i < n; i++) {
		uint8_t id = (uint8_t)(req.first_chpid + i);
		const struct chp *c = &m->chp[id];
		struct chp_desc0 d = {0};

		if (c->defined && c->cfg != CHP_CFG_NOT_RECOGNIZED) {
			d.flags = 0x80; /* descriptor valid */
			d.desc = c->type;
			d.chpid = id;
		}
		chp_desc0_encode(&d, out + i * CHP_DESC0_SIZE);
	}
	chsc_rsp_set(area, (uint16_t)(8 + n * CHP_DESC0_SIZE), CHSC_RSP_OK);
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
