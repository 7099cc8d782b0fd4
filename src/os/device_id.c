/* Device recognition: SENSE ID (Linux device_id.c).  The CU and device
 * types decide which ccw driver binds; the CIWs tell dasd which command
 * reads the configuration data. */
#include <errno.h>
#include <string.h>

#include "arch/ccw.h"
#include "os/device_priv.h"

#define SENSE_ID_TIMEOUT (10 * SIM_S)
#define SENSE_ID_RETRIES 256

static void sense_id_callback(struct ccw_device *cdev, void *data, int rc)
{
	const uint8_t *buf = ccw_device_dma_data(cdev, SENSEID_MAX);
	int len;

	(void)data;
	if (rc) {
		ccw_device_recog_done(cdev, rc);
		return;
	}
	len = SENSEID_MAX - cdev->sch->irb.scsw.count;
	if (!buf || len < 4 || senseid_decode(buf, len, &cdev->senseid)) {
		/* Fewer than 4 bytes or no 0xFF marker: not a usable device. */
		ccw_device_recog_done(cdev, -EOPNOTSUPP);
		return;
	}
	ccw_device_recog_done(cdev, 0);
}

void ccw_device_sense_id_start(struct ccw_device *cdev)
{
	struct subchannel *sch = cdev->sch;
	struct ccw_request *req = &cdev->req;
	uint8_t *buf = ccw_device_dma_data(cdev, SENSEID_MAX);

	if (buf)
		memset(buf, 0xff, SENSEID_MAX);
	memset(req, 0, sizeof(*req));
	memset(&cdev->senseid, 0, sizeof(cdev->senseid));
	cdev->path_notoper_mask = 0;
	req->cp = ccw_device_build_ccw(cdev, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, SENSEID_MAX);
	req->timeout = SENSE_ID_TIMEOUT;
	req->maxretries = SENSE_ID_RETRIES;
	req->lpm = sch->schib.pmcw.pam & sch->opm;
	req->singlepath = true;
	req->callback = sense_id_callback;
	ccw_request_start(cdev);
}
