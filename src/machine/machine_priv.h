/* Internals of the machine layer, shared by its files (css.c, channel.c,
 * chp.c, crw.c, sclp.c, chsc.c, iocp.c, machine.c).  Nothing outside
 * src/machine/ includes this. */
#ifndef CHPSYNC_MACHINE_PRIV_H
#define CHPSYNC_MACHINE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/crw.h"
#include "arch/ids.h"
#include "arch/irb.h"
#include "arch/scsw.h"
#include "machine/machine.h"

#define MAX_SSID_COUNT 4
#define SCH_PER_SET    65536
#define CHUNK_SHIFT    8
#define CHUNK_SIZE     (1u << CHUNK_SHIFT)
#define NR_CHUNKS      (SCH_PER_SET / CHUNK_SIZE)
#define NR_CHPIDS      256
#define NR_ISC	       8

/* SCLP view of a channel path (Linux CHP_STATUS_* values). */
enum chp_cfg {
	CHP_CFG_STANDBY = 0,
	CHP_CFG_CONFIGURED = 1,
	CHP_CFG_RESERVED = 2,
	CHP_CFG_NOT_RECOGNIZED = 3,
};

/* One channel path and the index of the subchannels that use it. */
struct chp {
	bool defined;
	bool shared;
	bool failed;  /* physical link down (HMC "chp fail") */
	uint8_t type; /* channel-path type (0x1b = FICON native) */
	uint8_t cfg;  /* enum chp_cfg */
	uint8_t cmg;
	uint16_t chid; /* PCHID; 0xffff = none */
	uint32_t *sch; /* subchannel keys (ssid << 16 | sch_no) */
	uint32_t nsch, cap;
	/* When the link is free again for data, outbound [0] and inbound [1]
	 * (timing.link_rate). */
	sim_time_t link_free[2];
};

/* State of a start function in progress (allocated on first use and kept:
 * only subchannels that do I/O pay for it). */
struct sch_io {
	struct machine *m;
	struct subchannel *s;
	/* start function */
	bool running;	   /* a channel program is connected on `path` */
	bool dev_selected; /* select() done, end() owed */
	uint8_t path;	   /* CHPID in use */
	uint8_t pathbit;   /* its PMCW mask bit */
	uint16_t orb_ctrl0;
	uint8_t orb_ctrl1;
	uint8_t tried;	   /* paths tried in this selection */
	uint64_t ccw_addr; /* next CCW to fetch */
	uint64_t last_ccw; /* address of the last CCW executed */
	bool prev_tic;
	bool cmd_chained;      /* the next command is command-chained */
	struct sim_event *ev;  /* the pending step of the start function */
	struct sim_event *fev; /* the pending halt or clear function */
	/* command in flight */
	uint8_t *buf;
	uint32_t bufcap;
	struct ccwdev_cmd cmd;
	uint8_t cmd_kind;
	bool direct; /* cmd.data points into storage, not at buf */
	uint8_t nseg;
	uint32_t seg_cap;
	struct seg {
		uint64_t ccw;
		uint8_t flags;
		uint16_t count;
		uint32_t cda;
	} * seg;
	/* status extras for the IRB */
	uint32_t esw0, erw;
	uint8_t ecw[32];
	uint64_t mba;
	/* I/O interruption request queue (per ISC) */
	struct subchannel *iprev, *inext;
	bool queued;
	sim_time_t ready_at;
};

/* One subchannel: the PMCW and SCSW as the CSS keeps them.  Small on
 * purpose (bytes per subchannel is a benchmark figure). */
struct subchannel {
	uint32_t intparm;
	uint16_t pflags;
	uint16_t devno;
	uint8_t lpm, pnom, lpum, pim, pom, pam;
	uint16_t mbi;
	uint8_t chpid[8];
	uint32_t chars;
	struct scsw scsw;
	uint8_t ssid;
	bool installed;
	bool notoper; /* injected: device not operational on every path */
	uint16_t sch_no;
	struct ccwdev *dev;
	struct sch_io *io;
};

struct sch_chunk {
	struct subchannel sch[CHUNK_SIZE];
};

struct sch_set {
	int highest; /* highest installed subchannel number, -1 none */
	struct sch_chunk *chunk[NR_CHUNKS];
};

struct machine {
	struct sim *sim;
	struct storage *mem;
	struct machine_config cfg;
	struct machine_timing timing;
	struct machine_stats stats;
	const struct css_upcalls *up_ptr;
	struct css_upcalls up;
	bool bound;
	uint8_t isc_mask;
	struct sch_set *set[MAX_SSID_COUNT];
	struct chp chp[NR_CHPIDS];
	/* I/O interruption requests, FIFO per ISC; ipend has the bit
	 * 0x80 >> isc set while ISC isc has one (as isc_mask) */
	struct subchannel *ihead[NR_ISC], *itail[NR_ISC];
	uint8_t ipend;
	/* CRW queue (ring) */
	uint32_t *crwq;
	unsigned crw_head, crw_count;
	bool crw_oflw_pending; /* a CRW was lost: the next one queued gets R */
	bool crw_armed;	       /* a channel-report machine check may be raised */
	/* SCLP: one request at a time */
	bool sclp_busy;
	uint32_t sclp_cmdw;
	uint64_t sclp_sccb;
	/* devices the machine owns (IOCP, machine_add_device) */
	struct ccwdev **devs;
	size_t ndevs, devcap;
	/* events in flight that point at the machine (cancelled by
	 * machine_free, so the sim may outlive the machine) */
	struct sim_event *sclp_ev;
	/* the descriptors of the devices' image files (dev/ckd_image.h) */
	struct ckd_cache *ckd_cache;
	struct eckd_trkpool *trkpool; /* the 3390s' track buffers, bounded */
	struct sim_event *deliver_ev;
	sim_time_t deliver_at;
	struct sim_event *crw_ev;
};

/* World-event trace lines ("<time> machine: ..."), unless turned off. */
#define mtrace(m, ...)                                               \
	do {                                                         \
		if (!(m)->cfg.notrace)                               \
			sim_trace((m)->sim, "machine", __VA_ARGS__); \
	} while (0)
/* The same with a kind and two numbers (sim_trace_ev). */
#define mtrace_ev(m, kind, a, b, ...)                                               \
	do {                                                                        \
		if (!(m)->cfg.notrace)                                              \
			sim_trace_ev((m)->sim, "machine", kind, a, b, __VA_ARGS__); \
	} while (0)

/* css.c */
struct subchannel *css_sch(struct machine *m, uint8_t ssid, uint16_t sch_no);
struct subchannel *css_sch_key(struct machine *m, uint32_t key);
struct subchannel *css_sch_alloc(struct machine *m, uint8_t ssid, uint16_t sch_no);
struct sch_io *sch_io(struct subchannel *s);
void css_make_pending(struct machine *m, struct subchannel *s);
void css_withdraw(struct machine *m, struct subchannel *s);
void css_free(struct machine *m);
extern const struct css_ops machine_css_ops;

static inline uint32_t sch_key(const struct subchannel *s)
{
	return (uint32_t)s->ssid << 16 | s->sch_no;
}

static inline bool sch_status_pending(const struct subchannel *s)
{
	return s->scsw.ctrl & SCSW_STCTL_PEND;
}

/* channel.c: the start, halt, clear and resume functions */
void chn_start(struct machine *m, struct subchannel *s);
void chn_resume(struct machine *m, struct subchannel *s);
void chn_halt(struct machine *m, struct subchannel *s);
void chn_clear(struct machine *m, struct subchannel *s);
void chn_cancel(struct machine *m, struct subchannel *s);
/* TSCH cleared the halt function (its status overtook the halt signal):
 * the signal is not sent. */
void chn_halt_ended(struct machine *m, struct subchannel *s);
/* The link under the channel program of s broke: end it with IFCC. */
void chn_path_lost(struct machine *m, struct subchannel *s);
void chn_free_io(struct machine *m, struct subchannel *s);

/* chp.c */
int chp_index_add(struct machine *m, uint8_t chpid, struct subchannel *s);
uint8_t chp_mask_of(const struct subchannel *s, uint8_t chpid);
void chp_set_cfg(struct machine *m, uint8_t chpid, bool on);
void chp_free(struct machine *m);

/* crw.c */
int crw_queue(struct machine *m, const struct crw *crws, int n);
int crw_stcrw(struct machine *m, uint64_t addr);
void crw_free(struct machine *m);
void crw_rearm_on_bind(struct machine *m);
int crw_init(struct machine *m);

/* sclp.c, chsc.c */
int sclp_servc(struct machine *m, uint32_t cmdw, uint64_t sccb);
int chsc_do(struct machine *m, uint64_t addr);

/* machine.c */
int machine_own_dev(struct machine *m, struct ccwdev *dev);

#endif
