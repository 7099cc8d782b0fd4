/* CHSC commands the OS needs (store subchannel description, store
 * channel-path description) and the channel-path event dispatch.
 *
 * Dispatch goes through the CHPID -> subchannel index built at
 * registration, so an event costs O(subchannels on that CHPID); Linux walks
 * every registered subchannel and lets chp_ssd_get_mask() filter. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/chsc.h"
#include "os/kern_priv.h"

static uint8_t *chsc_area(struct os *os)
{
	return os_kptr(os, osp(os)->chsc_area, CHSC_AREA_SIZE);
}

static int chsc_call(struct os *os)
{
	int cc = os->css.ops->chsc(os->css.css, osp(os)->chsc_area);

	if (cc)
		return cc == 3 ? -ENODEV : -EBUSY;
	return 0;
}

int chsc_get_ssd_info(struct os *os, struct subchannel *sch)
{
	uint8_t *area = chsc_area(os);
	struct chsc_ssd_req req = {
		.ssid = sch->schid.ssid,
		.f_sch = sch->schid.no,
		.l_sch = sch->schid.no,
	};
	struct chsc_ssd_rsp rsp;
	int i, rc;

	if (!area)
		return -ENOMEM;
	memset(area, 0, CHSC_AREA_SIZE);
	chsc_ssd_req_encode(&req, area);
	rc = chsc_call(os);
	if (rc)
		return rc;
	chsc_ssd_rsp_decode(area, &rsp);
	if (rsp.code != CHSC_RSP_OK)
		return -EOPNOTSUPP;
	if (!rsp.sch_valid)
		return -ENODEV;
	memset(&sch->ssd, 0, sizeof(sch->ssd));
	sch->ssd.path_mask = rsp.path_mask;
	sch->ssd.fla_valid_mask = rsp.fla_valid_mask;
	for (i = 0; i < 8; i++) {
		uint8_t mask = (uint8_t)(0x80 >> i);

		if (rsp.path_mask & mask)
			sch->ssd.chpid[i].id = rsp.chpid[i];
		if (rsp.fla_valid_mask & mask)
			sch->ssd.fla[i] = rsp.fla[i];
	}
	return 0;
}

int chsc_determine_chp_desc(struct os *os, uint8_t chpid, struct chp_desc0 *desc)
{
	uint8_t *area = chsc_area(os);
	struct chsc_scpd_req req = {.first_chpid = chpid, .last_chpid = chpid};
	int rc;

	if (!area)
		return -ENOMEM;
	memset(area, 0, CHSC_AREA_SIZE);
	chsc_scpd_req_encode(&req, area);
	rc = chsc_call(os);
	if (rc)
		return rc;
	if (chsc_rsp_code(area) != CHSC_RSP_OK)
		return -EOPNOTSUPP;
	chp_desc0_decode(area + CHSC_SCPD_OFF_DATA, desc);
	return 0;
}

/* Deliver one event to the drivers of the subchannels using the CHPID.
 * The list is copied first: a driver may unregister its subchannel. */
static void chp_dispatch(struct os *os, uint8_t id, enum chp_event_kind ev)
{
	struct channel_path *chp = chp_get(os, id);
	struct chp_link link = {.chpid = {.cssid = 0, .id = id}};
	struct subchannel *local[64];
	struct subchannel **v = local;
	size_t n, i;

	if (!chp || !chp->schs.n)
		return;
	n = chp->schs.n;
	if (n > 64) {
		v = malloc(n * sizeof(*v));
		if (!v)
			return;
	}
	memcpy(v, chp->schs.v, n * sizeof(*v));
	for (i = 0; i < n; i++) {
		struct subchannel *sch = v[i];
		int rc;

		if (!sch->driver || !sch->driver->chp_event)
			continue;
		if (!chp_ssd_get_mask(&sch->ssd, &link))
			continue;
		rc = sch->driver->chp_event(sch, &link, ev);
		/* Only CHP_OFFLINE's result counts (as in Linux): the
		 * subchannel lost its last path and must be evaluated. */
		if (ev == CHP_OFFLINE && rc) {
			sch->lpm = 0;
			css_evaluate_subchannel(os, sch->schid.ssid, sch->schid.no);
		}
	}
	if (v != local)
		free(v);
}

void chsc_chp_online(struct os *os, uint8_t chpid)
{
	os_pr_debug(os, "cio: chpid 0.%02x online", chpid);
	if (chp_get_status(os, chpid) == 0)
		return; /* varied off: physical events are not propagated */
	chp_refresh(os, chpid);
	chp_dispatch(os, chpid, CHP_ONLINE);
}

void chsc_chp_offline(struct os *os, uint8_t chpid)
{
	os_pr_debug(os, "cio: chpid 0.%02x offline", chpid);
	if (chp_get_status(os, chpid) <= 0)
		return;
	chp_dispatch(os, chpid, CHP_OFFLINE);
}

void chsc_chp_vary(struct os *os, uint8_t chpid, bool on)
{
	os_pr_debug(os, "cio: vary %s chpid 0.%02x", on ? "on" : "off", chpid);
	if (on)
		chp_refresh(os, chpid);
	chp_dispatch(os, chpid, on ? CHP_VARY_ON : CHP_VARY_OFF);
}
