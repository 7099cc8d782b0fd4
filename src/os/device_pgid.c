/* Path verification (Linux device_pgid.c): SENSE PATH GROUP ID on each
 * available path, then SET PATH GROUP ID (establish, multipath) on the
 * paths not yet in our group; NOP per path when the device does not do path
 * grouping.  The result is the verified path mask (vpm).  Also disband. */
#include <errno.h>
#include <string.h>

#include "arch/ccw.h"
#include "os/device_priv.h"

#define PGID_TIMEOUT	       (10 * SIM_S)
#define PGID_RETRIES	       256
#define PGID_LEN	       11
#define PGID_DATA_LEN	       12

#define SNID_STATE_MASK	       0xc0
#define SNID_STATE_RESET       0x00
#define SNID_STATE_GROUPED     0xc0
#define SNID_RESV_MASK	       0x30
#define SNID_RESV_ELSEWHERE    0x20

#define SPID_FUNC_ESTABLISH_MP 0x80
#define SPID_FUNC_ESTABLISH    0x00
#define SPID_FUNC_DISBAND      0x20

enum pv_phase { PV_SNID, PV_SPID, PV_NOP };

static void pv_request(struct ccw_device *cdev, uint8_t cmd, uint16_t count, uint8_t path,
		       void (*cb)(struct ccw_device *, void *, int), void *data)
{
	struct ccw_request *req = &cdev->req;

	memset(req, 0, sizeof(*req));
	req->cp = ccw_device_build_ccw(cdev, cmd, CCW_FLAG_SLI, count);
	req->timeout = PGID_TIMEOUT;
	req->maxretries = PGID_RETRIES;
	req->lpm = path;
	req->singlepath = true;
	req->callback = cb;
	req->data = data;
	ccw_request_start(cdev);
}

static uint8_t next_path(uint8_t after, uint8_t todo)
{
	uint8_t m = after ? (uint8_t)(after >> 1) : 0x80;

	while (m && !(m & todo))
		m >>= 1;
	return m;
}

static int path_index(uint8_t mask)
{
	int i = 0;

	while (mask && !(mask & 0x80)) {
		mask <<= 1;
		i++;
	}
	return i;
}

static void verify_start(struct ccw_device *cdev);
static void snid_do(struct ccw_device *cdev, uint8_t after);
static void spid_do(struct ccw_device *cdev, uint8_t after);
static void nop_do(struct ccw_device *cdev, uint8_t after);

/* ---- NOP (no path grouping) ---- */

static void nop_callback(struct ccw_device *cdev, void *data, int rc)
{
	uint8_t path = cdev->req.lpm;

	if (rc == 0)
		cdev->sch->vpm |= path;
	else if (rc != -EACCES && rc != -EOPNOTSUPP) {
		ccw_device_verify_done(cdev, rc);
		return;
	}
	nop_do(cdev, path);
}

static void nop_do(struct ccw_device *cdev, uint8_t after)
{
	uint8_t path = next_path(after, cdev->pgid_todo_mask & ~cdev->path_notoper_mask);

	if (!path) {
		ccw_device_verify_done(cdev, cdev->sch->vpm ? 0 : -EACCES);
		return;
	}
	pv_request(cdev, CCW_CMD_NOOP, 0, path, nop_callback, NULL);
}

/* ---- SET PGID ---- */

static void spid_callback(struct ccw_device *cdev, void *data, int rc)
{
	uint8_t path = cdev->req.lpm;

	switch (rc) {
	case 0:
		cdev->sch->vpm |= path;
		break;
	case -EACCES:
		break;
	case -EOPNOTSUPP:
		/* Rejected: retry without multipath, then without grouping. */
		if (cdev->mpath)
			cdev->mpath = false;
		else
			cdev->pgroup = false;
		verify_start(cdev);
		return;
	default:
		ccw_device_verify_done(cdev, rc);
		return;
	}
	spid_do(cdev, path);
}

static void spid_do(struct ccw_device *cdev, uint8_t after)
{
	uint8_t path = next_path(after, cdev->pgid_todo_mask & ~cdev->path_notoper_mask);
	uint8_t *d;

	if (!path) {
		ccw_device_verify_done(cdev, cdev->sch->vpm ? 0 : -EACCES);
		return;
	}
	d = ccw_device_dma_data(cdev, PGID_DATA_LEN);
	if (!d) {
		ccw_device_verify_done(cdev, -ENOMEM);
		return;
	}
	d[0] = cdev->mpath ? SPID_FUNC_ESTABLISH_MP : SPID_FUNC_ESTABLISH;
	memcpy(d + 1, cdev->pgid, PGID_LEN);
	pv_request(cdev, CCW_CMD_SET_PGID, PGID_DATA_LEN, path, spid_callback, NULL);
}

/* ---- SENSE PGID ---- */

static bool pgid_is_zero(const uint8_t *p)
{
	int i;

	for (i = 0; i < PGID_LEN; i++)
		if (p[i])
			return false;
	return true;
}

/* Decide the PGID and which paths still need SET PGID. */
static void snid_done(struct ccw_device *cdev)
{
	struct os *os = cdev->os;
	uint8_t valid = cdev->pgid_valid_mask, done = 0, reserved = 0, reset = 0;
	const uint8_t *found = NULL;
	bool mismatch = false;
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t m = (uint8_t)(0x80 >> i), st = cdev->snid_state[i];

		if (!(valid & m))
			continue;
		if ((st & SNID_RESV_MASK) == SNID_RESV_ELSEWHERE)
			reserved |= m;
		if ((st & SNID_STATE_MASK) == SNID_STATE_RESET ||
		    pgid_is_zero(cdev->snid_pgid[i])) {
			reset |= m;
			continue;
		}
		if (found && memcmp(found, cdev->snid_pgid[i], PGID_LEN))
			mismatch = true;
		else if (!found)
			found = cdev->snid_pgid[i];
	}
	if (!valid) {
		ccw_device_verify_done(cdev, -EACCES);
		return;
	}
	if (reserved == valid) {
		ccw_device_verify_done(cdev, -EUSERS);
		return;
	}
	if (mismatch) {
		os_pr_debug(os, "cio: %s: path group IDs differ between paths", cdev->busid);
		cdev->pgroup = false;
		cdev->mpath = false;
		verify_start(cdev);
		return;
	}
	memcpy(cdev->pgid, found ? found : osp(os)->pgid, PGID_LEN);
	/* Paths already grouped under this PGID need no SET PGID. */
	for (i = 0; i < 8; i++) {
		uint8_t m = (uint8_t)(0x80 >> i);

		if ((valid & m) && !(reset & m) &&
		    (cdev->snid_state[i] & SNID_STATE_MASK) == SNID_STATE_GROUPED &&
		    !memcmp(cdev->snid_pgid[i], cdev->pgid, PGID_LEN))
			done |= m;
	}
	cdev->sch->vpm |= done;
	cdev->pgid_reset_mask |= reset;
	cdev->pgid_todo_mask = valid & ~done;
	spid_do(cdev, 0);
}

static void snid_callback(struct ccw_device *cdev, void *data, int rc)
{
	uint8_t path = cdev->req.lpm;
	const uint8_t *d = ccw_device_dma_data(cdev, PGID_DATA_LEN);
	int i = path_index(path);

	switch (rc) {
	case 0:
		cdev->pgid_valid_mask |= path;
		cdev->snid_state[i] = d ? d[0] : 0;
		if (d)
			memcpy(cdev->snid_pgid[i], d + 1, PGID_LEN);
		break;
	case -EACCES:
		break;
	case -EOPNOTSUPP:
		cdev->pgroup = false;
		cdev->mpath = false;
		verify_start(cdev);
		return;
	default:
		ccw_device_verify_done(cdev, rc);
		return;
	}
	snid_do(cdev, path);
}

static void snid_do(struct ccw_device *cdev, uint8_t after)
{
	uint8_t path = next_path(after, cdev->pgid_todo_mask & ~cdev->path_notoper_mask);
	uint8_t *d = ccw_device_dma_data(cdev, PGID_DATA_LEN);

	if (!path) {
		snid_done(cdev);
		return;
	}
	if (d)
		memset(d, 0, PGID_DATA_LEN);
	pv_request(cdev, CCW_CMD_SENSE_PGID, PGID_DATA_LEN, path, snid_callback, NULL);
}

static void verify_start(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;

	sch->vpm = 0;
	cdev->pgid_valid_mask = 0;
	cdev->path_notoper_mask = 0;
	memset(cdev->snid_state, 0, sizeof(cdev->snid_state));
	memset(cdev->snid_pgid, 0, sizeof(cdev->snid_pgid));
	cdev->pgid_todo_mask = sch->schib.pmcw.pam & sch->opm;
	sch->lpm = cdev->pgid_todo_mask;
	if (cdev->pgroup)
		snid_do(cdev, 0);
	else
		nop_do(cdev, 0);
}

/* Start path verification with the wanted grouping mode. */
void ccw_device_verify_start(struct ccw_device *cdev)
{
	cdev->pgroup = true;
	cdev->mpath = true;
	cdev->doverify = false;
	/* A fresh SCHIB: path masks may have changed since the last look. */
	cio_update_schib(cdev->sch);
	verify_start(cdev);
}

static void disband_callback(struct ccw_device *cdev, void *data, int rc)
{
	ccw_device_disband_done(cdev, rc);
}

void ccw_device_disband_start(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;
	struct ccw_request *req = &cdev->req;
	uint8_t *d = ccw_device_dma_data(cdev, PGID_DATA_LEN);

	if (!d) {
		ccw_device_disband_done(cdev, -ENOMEM);
		return;
	}
	d[0] = SPID_FUNC_DISBAND;
	memcpy(d + 1, cdev->pgid, PGID_LEN);
	memset(req, 0, sizeof(*req));
	cdev->path_notoper_mask = 0;
	req->cp = ccw_device_build_ccw(cdev, CCW_CMD_SET_PGID, CCW_FLAG_SLI, PGID_DATA_LEN);
	req->timeout = PGID_TIMEOUT;
	req->maxretries = PGID_RETRIES;
	req->lpm = sch->schib.pmcw.pam & sch->opm;
	req->singlepath = true;
	req->callback = disband_callback;
	ccw_request_start(cdev);
}
