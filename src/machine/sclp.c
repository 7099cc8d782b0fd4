/* SCLP channel-path commands through SERVICE CALL: read channel-path
 * information, configure and deconfigure channel path.  One request at a
 * time (cc 2 while one is outstanding); the SCCB is processed after
 * timing.sclp, then the service signal is delivered; a configure or
 * deconfigure that changed the path's state queues its CRW (RSC 4, ERC 2 on
 * configure, ERC 6 on deconfigure, RSID = CHPID) at the same moment. */
#include <string.h>

#include "arch/sclp.h"
#include "machine/machine_priv.h"

#define SCLP_CMDW_CHP_MASK 0xffff00ffu

static void chp_info(struct machine *m, uint8_t *sccb, struct sccb_header *h)
{
	struct sclp_chp_info info = {0};

	if (h->length < SCLP_CHP_INFO_SCCB_SIZE) {
		h->response_code = SCLP_RC_INSUFFICIENT_SCCB_LENGTH;
		return;
	}
	for (int i = 0; i < NR_CHPIDS; i++) {
		const struct chp *c = &m->chp[i];

		if (!c->defined || c->cfg == CHP_CFG_NOT_RECOGNIZED)
			continue;
		sclp_chp_info_set(&info, (uint8_t)i,
				  c->cfg == CHP_CFG_STANDBY	 ? SCLP_CHP_STANDBY
				  : c->cfg == CHP_CFG_CONFIGURED ? SCLP_CHP_CONFIGURED
								 : SCLP_CHP_RESERVED);
	}
	sclp_chp_info_encode(&info, sccb);
	h->response_code = SCLP_RC_NORMAL_READ_COMPLETION;
}

static void chp_cfg(struct machine *m, uint8_t chpid, bool on, struct sccb_header *h)
{
	struct chp *c = &m->chp[chpid];

	if (!c->defined || c->cfg == CHP_CFG_NOT_RECOGNIZED) {
		h->response_code = SCLP_RC_CHP_NOT_RECOGNIZED;
		return;
	}
	if ((c->cfg == CHP_CFG_CONFIGURED) == on) {
		h->response_code = SCLP_RC_CHP_ALREADY;
		return;
	}
	chp_set_cfg(m, chpid, on);
	h->response_code = SCLP_RC_NORMAL_COMPLETION;
}

static void sclp_done(void *arg)
{
	struct machine *m = arg;
	uint64_t addr = m->sclp_sccb;
	uint32_t cmdw = m->sclp_cmdw;
	struct sccb_header h;
	uint8_t *p = storage_ptr(m->mem, addr, SCCB_HEADER_SIZE);

	m->sclp_ev = NULL;
	m->sclp_busy = false;
	sccb_header_decode(p, &h);
	if (!storage_ok(m->mem, addr, h.length) || h.length < SCCB_HEADER_SIZE) {
		h.response_code = SCLP_RC_INSUFFICIENT_SCCB_LENGTH;
	} else {
		switch (cmdw & SCLP_CMDW_CHP_MASK) {
		case SCLP_CMDW_READ_CHPATH_INFORMATION:
			chp_info(m, p, &h);
			break;
		case SCLP_CMDW_CONFIGURE_CHPATH:
			chp_cfg(m, (uint8_t)(cmdw >> 8), true, &h);
			break;
		case SCLP_CMDW_DECONFIGURE_CHPATH:
			chp_cfg(m, (uint8_t)(cmdw >> 8), false, &h);
			break;
		default:
			h.response_code = SCLP_RC_INVALID_SCLP_COMMAND;
		}
	}
	sccb_header_encode(&h, p);
	mtrace(m, "SCLP command %08x done, response %04x", cmdw, h.response_code);
	if (m->bound && m->up.service_signal)
		m->up.service_signal(m->up.os, addr);
}

int sclp_servc(struct machine *m, uint32_t cmdw, uint64_t sccb)
{
	if (sccb & 7)
		return -PGM_SPECIFICATION;
	if (!storage_ok(m->mem, sccb, SCCB_HEADER_SIZE))
		return -PGM_ADDRESSING;
	if (m->sclp_busy)
		return 2;
	m->sclp_busy = true;
	m->sclp_cmdw = cmdw;
	m->sclp_sccb = sccb;
	m->sclp_ev = sim_at(m->sim, m->timing.sclp, sclp_done, m);
	return 0;
}
