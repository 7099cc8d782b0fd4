/* The VMM's virtual channel subsystem: arch/css_if.h implemented over guest
 * storage, as QEMU's hw/s390x/css.c does for a KVM guest.
 *
 * One css image (QEMU's 0xfe) shown to the guest as css 0, subchannel set 0
 * only (no MCSS-E, no MSS).  Subchannels are numbered 0, 1, 2, ... in the
 * order devices are added.  Each subchannel has a backend (struct
 * vsch_ops): a virtual device (vdev_virtio.c) or a pass-through vfio-ccw
 * device (vfio_ccw_dev.c).  The instructions' operand checks, condition
 * codes and SCSW bookkeeping live here, once, for both kinds.
 */
#ifndef CHPSYNC_VMM_VCSS_H
#define CHPSYNC_VMM_VCSS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/css_if.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "sim/sim.h"

#define VCSS_MAX_SCH	   1024
#define VCSS_CRW_QUEUE_LEN 32 /* bounded: overflow sets R on the newest CRW */

/* Latencies of the virtual CSS (simulated ns; docs/vmm.md). */
#define VCSS_IRQ_LATENCY  (2 * SIM_US)	/* status pending -> guest I/O interruption */
#define VCSS_MCHK_LATENCY (2 * SIM_US)	/* CRW queued -> guest machine check */
#define VCSS_SCLP_LATENCY (50 * SIM_US) /* SERVICE CALL -> service signal */

struct vcss;
struct vsch;

/* A subchannel backend.  start/halt/clear are called after the generic
 * checks passed and the SCSW function/activity bits were set; they return
 * the condition code (a non-zero cc makes the vcss undo those bits).  The
 * backend later makes status pending with vcss_post_status(). */
struct vsch_ops {
	int (*start)(struct vsch *s, const struct orb *orb);
	int (*halt)(struct vsch *s);
	int (*clear)(struct vsch *s);
	/* XSCH; NULL means "the start reached the device": cc 2. */
	int (*cancel)(struct vsch *s);
	/* Called at the start of each STSCH, before the SCHIB is stored. */
	void (*store)(struct vsch *s);
};

struct vsch {
	struct vcss *css;
	uint16_t schno;
	struct pmcw pmcw;
	struct scsw scsw;
	uint64_t mba;
	uint32_t mda;
	/* Extended status for the next TSCH (valid while status pending). */
	uint32_t esw[5];
	uint8_t ecw[32];
	/* Interruption request pending (withdrawn by TSCH / TPI / delivery). */
	bool irq_pending;
	uint64_t irq_seq;
	const struct vsch_ops *ops;
	void *priv;
};

struct vcss_stats {
	uint64_t stsch, msch, ssch, tsch, csch, hsch, xsch, rsch, tpi, stcrw, chsc, servc;
	uint64_t io_interrupts, machine_checks, crws_queued, crws_overflowed;
};

/* SERVICE CALL hook for READ CHANNEL-PATH INFORMATION: fill the SCCB at
 * sccb (guest address, already length-checked) and call
 * vcss_sclp_complete() later.  NULL = the command is not recognized. */
typedef void (*vcss_chp_info_fn)(void *ctx, struct vcss *css, uint64_t sccb);

extern const struct css_ops vcss_ops;

struct vcss *vcss_new(struct sim *sim, struct storage *guest_mem);
void vcss_free(struct vcss *css);
struct css_if vcss_css_if(struct vcss *css);
struct sim *vcss_sim(struct vcss *css);
struct storage *vcss_mem(struct vcss *css);

/* A new subchannel (DNV = 1, devno) with the next number; NULL when full. */
struct vsch *vcss_add_sch(struct vcss *css, uint16_t devno, const struct vsch_ops *ops, void *priv);
int vcss_nsch(const struct vcss *css);
struct vsch *vcss_sch(struct vcss *css, int schno);

/* Channel paths of the image (for CHSC SCPD and SCLP).  Adding an existing
 * CHPID again only updates its type.  virt = a virtual CHPID (0x00). */
void vcss_add_chpid(struct vcss *css, uint8_t chpid, uint8_t type, bool virt);
bool vcss_chpid_in_use(const struct vcss *css, uint8_t chpid, uint8_t *type, bool *virt);

/* The backend made the subchannel status pending (SCSW already updated):
 * raise an I/O interruption request. */
void vcss_post_status(struct vsch *s);

/* Hot-unplug: the subchannel stays in the image with DNV = 0 (STSCH shows
 * it, every function gets cc 3) and the guest gets a subchannel CRW (RSC 3,
 * ERC 4 "installed parameters initialized", RSID = subchannel number), as
 * QEMU's unplug does. */
void vcss_unplug(struct vsch *s);

/* Queue a CRW for the guest and raise a channel-report machine check if
 * armed.  With dedup, the newest queued CRW of the same source (RSC and
 * RSID) absorbs this one when it is identical (returns false). */
bool vcss_queue_crw(struct vcss *css, uint32_t crw, bool dedup);
int vcss_crw_pending(const struct vcss *css);

void vcss_set_chp_info(struct vcss *css, vcss_chp_info_fn fn, void *ctx);
/* Finish the outstanding SERVICE CALL with a response code. */
void vcss_sclp_complete(struct vcss *css, uint64_t sccb, uint16_t response_code);

const struct vcss_stats *vcss_stats(const struct vcss *css);

/* Stop delivering anything to the guest (VM shutdown). */
void vcss_stop(struct vcss *css);

#endif
