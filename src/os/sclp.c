/* SCLP: the SERVICE CALL requests for channel-path information and
 * configure/deconfigure, synchronously from a task (Linux sclp_sync_request:
 * issue, then sleep until the service-signal interruption). */
#include <errno.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/sclp.h"
#include "os/kern_priv.h"

#define SCLP_BUSY_DELAY	  (10 * SIM_MS)
#define SCLP_BUSY_RETRIES 100

void sclp_service_signal(void *osv, uint64_t sccb)
{
	struct os *os = osv;
	struct os_priv *p = osp(os);

	if (!p->sclp_busy || sccb != p->sclp_sccb)
		return; /* not ours (or a stale completion): ignore */
	p->sclp_done = true;
	sim_wake(os->sim, &p->sclp_wq);
}

int sclp_sync_request(struct os *os, uint32_t cmdw, uint64_t sccb)
{
	struct os_priv *p = osp(os);
	int cc, tries = 0;

	if (!sim_current(os->sim))
		return -EAGAIN; /* needs a task: SCLP completes by interruption */
	while (p->sclp_busy && !p->halted)
		sim_wait(os->sim, &p->sclp_wq);
	if (p->halted)
		return -EIO;
	p->sclp_busy = true;
	p->sclp_done = false;
	for (;;) {
		cc = os->css.ops->servc(os->css.css, cmdw, sccb);
		if (cc != 2 || ++tries > SCLP_BUSY_RETRIES)
			break;
		sim_sleep(os->sim, SCLP_BUSY_DELAY);
	}
	if (cc == 0) {
		while (!p->sclp_done && !p->halted)
			sim_wait(os->sim, &p->sclp_wq);
		if (!p->sclp_done)
			cc = 3; /* halted: no completion will come */
	}
	p->sclp_busy = false;
	sim_wake(os->sim, &p->sclp_wq);
	return cc == 0 ? 0 : -EIO;
}

static uint8_t *sclp_sccb(struct os *os, uint16_t len)
{
	struct os_priv *p = osp(os);
	struct sccb_header h = {.length = len};
	uint8_t *s;

	if (!p->sclp_sccb)
		p->sclp_sccb = os_kmalloc(os, 4096, 4096);
	s = os_kptr(os, p->sclp_sccb, 4096);
	if (!s)
		return NULL;
	memset(s, 0, 4096);
	sccb_header_encode(&h, s);
	return s;
}

static uint16_t sclp_response(const uint8_t *s)
{
	struct sccb_header h;

	sccb_header_decode(s, &h);
	return h.response_code;
}

int sclp_chp_read_info(struct os *os, struct sclp_chp_info *info)
{
	uint8_t *s = sclp_sccb(os, SCLP_CHP_INFO_SCCB_SIZE);
	uint16_t rsp;
	int rc;

	if (!s)
		return -ENOMEM;
	rc = sclp_sync_request(os, SCLP_CMDW_READ_CHPATH_INFORMATION, osp(os)->sclp_sccb);
	if (rc)
		return rc;
	rsp = sclp_response(s);
	if (rsp != SCLP_RC_NORMAL_READ_COMPLETION) {
		os_printk_debug(os, "sclp_cmd: read channel-path info failed (response=0x%04x)",
				rsp);
		return -EIO;
	}
	sclp_chp_info_decode(s, info);
	return 0;
}

int sclp_chp_configure(struct os *os, uint8_t chpid, bool on)
{
	uint32_t cmd = (on ? SCLP_CMDW_CONFIGURE_CHPATH : SCLP_CMDW_DECONFIGURE_CHPATH) |
		       (uint32_t)chpid << 8;
	uint8_t *s = sclp_sccb(os, SCLP_CHP_CFG_SCCB_SIZE);
	uint16_t rsp;
	int rc;

	if (!s)
		return -ENOMEM;
	rc = sclp_sync_request(os, cmd, osp(os)->sclp_sccb);
	if (rc)
		return rc;
	rsp = sclp_response(s);
	switch (rsp) {
	case SCLP_RC_NORMAL_COMPLETION:
	case SCLP_RC_CHP_IN_PROGRESS:
	case SCLP_RC_CHP_NOT_RECOGNIZED:
	case SCLP_RC_CHP_ALREADY:
		return 0;
	default:
		os_printk_debug(
			os, "sclp_cmd: configure channel-path failed (cmd=0x%08x, response=0x%04x)",
			cmd, rsp);
		return -EIO;
	}
}
