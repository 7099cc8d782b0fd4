/* Path verification (Linux device_pgid.c): SENSE PATH GROUP ID on each
 * available path, then SET PATH GROUP ID (establish, multipath) on the
 * paths not yet in our group; NOP per path when the device does not do path
 * grouping.  The result is the verified path mask (vpm).  Also disband. */
#include <errno.h>
#include <stdint.h>
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

/* Path verification runs one channel program per path in three phases;
 * each ends with one of four results, and the table below says what each
 * (phase, result) pair does. */
enum pv_phase { PV_SNID, PV_SPID, PV_NOP, NR_PV_PHASES };

enum pv_result {
	PV_OK,	   /* the command ended normally on the path */
	PV_NOPATH, /* the path is not operational (-EACCES) */
	PV_REJECT, /* command reject: the device does not do it (-EOPNOTSUPP) */
	PV_ERROR,  /* anything else: verification fails */
	NR_PV_RESULTS
};

static void verify_start(struct ccw_device *cdev);
static void snid_do(struct ccw_device *cdev, uint8_t after);
static void spid_do(struct ccw_device *cdev, uint8_t after);
static void nop_do(struct ccw_device *cdev, uint8_t after);

typedef void (*pv_fn)(struct ccw_device *cdev, uint8_t path, int rc);

/* ---- (phase, result) handlers ---- */

static void pv_fail(struct ccw_device *cdev, uint8_t path, int rc)
{
	ccw_device_verify_done(cdev, rc);
}

static void snid_ok(struct ccw_device *cdev, uint8_t path, int rc)
{
	const uint8_t *d = ccw_device_dma_data(cdev, PGID_DATA_LEN);
	int i = path_index(path);

	cdev->pgid_valid_mask |= path;
	cdev->snid_state[i] = d ? d[0] : 0;
	if (d)
		memcpy(cdev->snid_pgid[i], d + 1, PGID_LEN);
	snid_do(cdev, path);
}

static void snid_next(struct ccw_device *cdev, uint8_t path, int rc)
{
	snid_do(cdev, path);
}

/* SNID rejected: the device does no path grouping; verify with NOP. */
static void snid_reject(struct ccw_device *cdev, uint8_t path, int rc)
{
	cdev->pgroup = false;
	cdev->mpath = false;
	verify_start(cdev);
}

static void spid_ok(struct ccw_device *cdev, uint8_t path, int rc)
{
	cdev->sch->vpm |= path;
	spid_do(cdev, path);
}

static void spid_next(struct ccw_device *cdev, uint8_t path, int rc)
{
	spid_do(cdev, path);
}

/* SPID rejected: retry without multipath, then without grouping. */
static void spid_reject(struct ccw_device *cdev, uint8_t path, int rc)
{
	if (cdev->mpath)
		cdev->mpath = false;
	else
		cdev->pgroup = false;
	verify_start(cdev);
}

static void nop_ok(struct ccw_device *cdev, uint8_t path, int rc)
{
	cdev->sch->vpm |= path;
	nop_do(cdev, path);
}

static void nop_next(struct ccw_device *cdev, uint8_t path, int rc)
{
	nop_do(cdev, path);
}

/* clang-format off */
static const pv_fn pv_jumptable[NR_PV_PHASES][NR_PV_RESULTS] = {
	[PV_SNID] = {
		[PV_OK]     = snid_ok,
		[PV_NOPATH] = snid_next,
		[PV_REJECT] = snid_reject,
		[PV_ERROR]  = pv_fail,
	},
	[PV_SPID] = {
		[PV_OK]     = spid_ok,
		[PV_NOPATH] = spid_next,
		[PV_REJECT] = spid_reject,
		[PV_ERROR]  = pv_fail,
	},
	[PV_NOP] = {
		[PV_OK]     = nop_ok,
		[PV_NOPATH] = nop_next,
		[PV_REJECT] = nop_next,
		[PV_ERROR]  = pv_fail,
	},
};
/* clang-format on */

static enum pv_result pv_result_of(int rc)
{
	switch (rc) {
	case 0:
		return PV_OK;
	case -EACCES:
		return PV_NOPATH;
	case -EOPNOTSUPP:
		return PV_REJECT;
	default:
		return PV_ERROR;
	}
}

/* The request callback of every verification phase (data = the phase). */
static void pv_callback(struct ccw_device *cdev, void *data, int rc)
{
	enum pv_phase phase = (enum pv_phase)(uintptr_t)data;

	pv_jumptable[phase][pv_result_of(rc)](cdev, cdev->req.lpm, rc);
}

static void pv_request(struct ccw_device *cdev, enum pv_phase phase, uint8_t cmd, uint16_t count,
		       uint8_t path)
{
	struct ccw_request *req = &cdev->req;

	memset(req, 0, sizeof(*req));
	req->cp = ccw_device_build_ccw(cdev, cmd, CCW_FLAG_SLI, count);
	req->timeout = PGID_TIMEOUT;
	req->maxretries = PGID_RETRIES;
	req->lpm = path;
	req->singlepath = true;
	req->callback = pv_callback;
	req->data = (void *)(uintptr_t)phase;
	ccw_request_start(cdev);
}

/* ---- NOP (no path grouping) ---- */

static void nop_do(struct ccw_device *cdev, uint8_t after)
{
	uint8_t path = next_path(after, cdev->pgid_todo_mask & ~cdev->path_notoper_mask);

	if (!path) {
		ccw_device_verify_done(cdev, cdev->sch->vpm ? 0 : -EACCES);
		return;
	}
	pv_request(cdev, PV_NOP, CCW_CMD_NOOP, 0, path);
}

/* ---- SET PGID ---- */

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
	pv_request(cdev, PV_SPID, CCW_CMD_SET_PGID, PGID_DATA_LEN, path);
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
	pv_request(cdev, PV_SNID, CCW_CMD_SENSE_PGID, PGID_DATA_LEN, path);
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
