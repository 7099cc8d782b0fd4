/* The virtual channel subsystem's state, shared by vcss.c (instructions,
 * interruptions, CRWs) and vcss_chsc.c (CHSC and SERVICE CALL). */
#ifndef CHPSYNC_VMM_VCSS_PRIV_H
#define CHPSYNC_VMM_VCSS_PRIV_H

#include "vmm/vcss.h"

struct vcss_chp {
	bool in_use;
	bool virt;
	uint8_t type;
};

struct vcss {
	struct sim *sim;
	struct storage *mem;
	struct css_upcalls up;
	bool bound;
	bool stopped;
	uint8_t isc_mask;
	struct vsch **sch;
	int nsch;
	struct vcss_chp chp[256];
	/* I/O interruptions: requests are flags on the subchannels, ordered
	 * by irq_seq; one delivery event at a time. */
	uint64_t irq_seq;
	struct sim_event *irq_ev;
	/* Subchannels with irq_pending set: with none, nothing is scanned
	 * for a request (after every delivery). */
	int npending;
	/* CRW queue (ring) and the channel-report machine check. */
	uint32_t crw[VCSS_CRW_QUEUE_LEN];
	int crw_head, crw_count;
	bool mchk_armed;
	struct sim_event *mchk_ev;
	/* SERVICE CALL: one command at a time. */
	vcss_chp_info_fn chp_info;
	void *chp_info_ctx;
	bool sclp_busy;
	uint64_t sclp_sccb;
	uint16_t sclp_rc;
	struct sim_event *sclp_ev;
	struct vcss_stats st;
};

int vcss_chsc(void *css, uint64_t addr);
int vcss_servc(void *css, uint32_t cmdw, uint64_t sccb_addr);

#endif
