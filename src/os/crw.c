/* Channel-report handling (Linux crw_collect_info): drain the CRW queue
 * with STCRW, pair chained CRWs (two at most), and route each report by
 * its reporting-source code.  Runs from the machine-check event and never
 * blocks. */
#include <string.h>

#include "arch/bytes.h"
#include "arch/crw.h"
#include "os/kern_priv.h"

static int stcrw(struct os *os, struct crw *c)
{
	uint64_t addr = osp(os)->crw_addr;
	const uint8_t *p;
	int cc;

	cc = os->css.ops->stcrw(os->css.css, addr);
	if (cc)
		return cc;
	p = os_kptr(os, addr, CRW_SIZE);
	if (!p)
		return 1;
	crw_decode(get_be32(p), c);
	return 0;
}

/* RSC 3: the subchannel number is in crw0; a chained crw1 carries the
 * subchannel-set ID. */
static void css_process_crw(struct os *os, const struct crw *c0, const struct crw *c1, int overflow)
{
	uint8_t ssid = 0;

	if (overflow) {
		css_evaluate_all(os);
		return;
	}
	if (c1)
		ssid = (uint8_t)((c1->rsid >> 4) & 3);
	if (c0->erc == CRW_ERC_PMOD) {
		struct subchannel *sch = css_get_subchannel(os, (struct ccw_id){0, ssid, c0->rsid});

		if (sch && chsc_get_ssd_info(os, sch) == 0) {
			chp_sch_index_del(sch);
			chp_sch_index_add(sch);
		}
	}
	css_evaluate_subchannel(os, ssid, c0->rsid);
}

static void crw_dispatch(struct os *os, const struct crw *c0, const struct crw *c1, int overflow)
{
	const struct crw *last = c1 ? c1 : c0;

	switch (overflow ? 0 : last->rsc) {
	case 0: /* overflow: every handler re-evaluates */
		chp_process_crw(os, NULL, NULL, 1);
		break;
	case CRW_RSC_CPATH:
		chp_process_crw(os, c0, c1, 0);
		break;
	case CRW_RSC_SCH:
		css_process_crw(os, c0, c1, 0);
		break;
	default:
		os_pr_debug(os, "crw: unhandled rsc=%x erc=%x rsid=%x", last->rsc, last->erc,
			    last->rsid);
	}
}

/* More than two chained CRWs: Linux handles the first two and only logs
 * the rest, with these KERN_WARNING lines. */
static void crw_log_excess(struct os *os, const struct crw *c, unsigned int chain)
{
	os_printk_debug(os, "crw_collect_info: Code does not support more than two chained crws; "
			    "please report to linux390@de.ibm.com!");
	os_printk_debug(os,
			"crw_collect_info: crw reports slct=%d, oflw=%d, chn=%d, rsc=%X, anc=%d, "
			"erc=%X, rsid=%X",
			c->slct, c->oflw, c->chn, c->rsc, c->anc, c->erc, c->rsid);
	os_printk_debug(os, "crw_collect_info: This was crw number %x in the chain", chain);
}

/* Linux crw_collect_info(): the CRW line is printk(KERN_DEBUG), so it is
 * in dmesg; a chain's first CRW waits for its second, the handler gets
 * both, and CRWs beyond the second are logged and dropped. */
void crw_machine_check(void *osv)
{
	struct os *os = osv;
	struct os_priv *p = osp(os);
	struct crw c, crw[2];
	unsigned int chain = 0;

	if (p->crw_active || !p->crw_addr)
		return; /* the loop below drains everything */
	p->crw_active = true;
	while (stcrw(os, &c) == 0) {
		if (chain > 1) {
			crw_log_excess(os, &c, chain);
			chain = c.chn ? chain + 1 : 0;
			continue;
		}
		os_printk_debug(os,
				"crw_info : CRW reports slct=%d, oflw=%d, chn=%d, rsc=%X, anc=%d, "
				"erc=%X, rsid=%X",
				c.slct, c.oflw, c.chn, c.rsc, c.anc, c.erc, c.rsid);
		if (c.oflw) {
			os_pr_debug(os, "crw_collect_info: crw overflow detected!");
			crw_dispatch(os, &c, NULL, 1);
			chain = 0;
			continue;
		}
		crw[chain] = c;
		if (crw[0].chn && !chain) {
			chain++;
			continue;
		}
		crw_dispatch(os, &crw[0], chain ? &crw[1] : NULL, 0);
		chain = crw[chain].chn ? chain + 1 : 0;
	}
	p->crw_active = false;
}
