/* The CHSC commands the OS needs, as wrappers: store subchannel
 * description, store channel-path description formats 0 and 1, store
 * channel-measurement characteristics, store channel-subsystem
 * characteristics.  Each builds its request in the CHSC area, issues CHSC
 * and decodes the answer; none of them calls back into chp.c (the
 * channel-path events that use them are dispatched there). */
#include <errno.h>
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

/* Linux chsc_determine_css_characteristics: at boot, once.  On failure the
 * characteristics stay zero, so the optional commands below are not issued
 * (a CSS without SCSC, such as the VMM's, gets no format-1 or SCMC
 * requests). */
int chsc_determine_css_characteristics(struct os *os)
{
	uint8_t *area = chsc_area(os);
	int rc;

	if (!area)
		return -ENOMEM;
	memset(&osp(os)->css_chars, 0, sizeof(osp(os)->css_chars));
	memset(area, 0, CHSC_AREA_SIZE);
	chsc_scsc_req_encode(area);
	rc = chsc_call(os);
	if (rc)
		return rc;
	if (chsc_rsp_code(area) != CHSC_RSP_OK) {
		os_pr_debug(os, "chsc: scsc failed (rc=%04x)", chsc_rsp_code(area));
		return -EOPNOTSUPP;
	}
	chsc_scsc_rsp_decode(area, &osp(os)->css_chars);
	return 0;
}

/* Linux chsc_determine_fmt1_channel_path_desc: rfmt 1 with the c bit,
 * which needs the "fcs" characteristic.  desc is only written on success. */
int chsc_determine_fmt1_chp_desc(struct os *os, uint8_t chpid, struct chp_desc1 *desc)
{
	uint8_t *area = chsc_area(os);
	struct chsc_scpd_req req = {.c = 1, .rfmt = 1, .first_chpid = chpid, .last_chpid = chpid};
	int rc;

	if (!osp(os)->css_chars.fcs)
		return -EINVAL;
	if (!area)
		return -ENOMEM;
	memset(area, 0, CHSC_AREA_SIZE);
	chsc_scpd_req_encode(&req, area);
	rc = chsc_call(os);
	if (rc)
		return rc;
	if (chsc_rsp_code(area) != CHSC_RSP_OK) {
		os_pr_debug(os, "chsc: scpd failed (rc=%04x)", chsc_rsp_code(area));
		return -EOPNOTSUPP;
	}
	chp_desc1_decode(area + CHSC_SCPD_OFF_DATA, desc);
	return 0;
}

/* Linux chsc_get_channel_measurement_chars: *cmg and *shared become
 * unknown (-1) first and stay so unless the CSS provides SCMC (and SECM)
 * and says the CHPID's characteristics are valid. */
int chsc_get_channel_measurement_chars(struct os *os, uint8_t chpid, int *cmg, int *shared)
{
	uint8_t *area = chsc_area(os);
	struct chsc_scmc_req req = {.first_chpid = chpid, .last_chpid = chpid};
	struct chsc_scmc_entry e;
	int rc;

	*cmg = -1;
	*shared = -1;
	if (!osp(os)->css_chars.scmc || !osp(os)->css_chars.secm)
		return -EINVAL;
	if (!area)
		return -ENOMEM;
	memset(area, 0, CHSC_AREA_SIZE);
	chsc_scmc_req_encode(&req, area);
	rc = chsc_call(os);
	if (rc)
		return rc;
	if (chsc_rsp_code(area) != CHSC_RSP_OK) {
		os_pr_debug(os, "chsc: scmc failed (rc=%04x)", chsc_rsp_code(area));
		return -EOPNOTSUPP;
	}
	chsc_scmc_entry_decode(area, 0, &e);
	if (e.not_valid)
		return 0;
	*cmg = e.cmg;
	*shared = e.shared;
	return 0;
}
