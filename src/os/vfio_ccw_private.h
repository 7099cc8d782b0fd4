/* vfio_ccw driver internals: the per-subchannel private state, the FSM, the
 * channel-program translator and the per-OS vfio file table.  Only the
 * vfio_ccw_*.c files and vfio.c include this. */
#ifndef CHPSYNC_OS_VFIO_CCW_PRIVATE_H
#define CHPSYNC_OS_VFIO_CCW_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/ccw.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/scsw.h"
#include "arch/storage.h"
#include "os/cio.h"
#include "os/vfio.h"
#include "os/vfio_dev.h"
#include "sim/sim.h"

struct os;

#define VFIO_CCW_PAGE_SIZE 4096u
#define VFIO_CCW_ISC	   3
/* Hardened limits (2026 upstream fixes): CCWs per segment and segments per
 * channel program. */
#define CCWCHAIN_LEN_MAX   255
#define CCWCHAIN_COUNT_MAX 16
/* IDAWs per CCW: a 65535-byte count in 2K blocks, first block partial. */
#define CCW_IDAW_MAX 33
/* Largest host block kept from one program for the next. */
#define CP_KEPT_MAX 4096
/* Per-device CRW queue; when full the report is lost and overflow (R) is
 * signalled (see vfio_ccw_queue_crw). */
#define VFIO_CCW_CRW_QUEUE_MAX	 16
#define VFIO_CCW_NUM_REGIONS_ALL 4
#define VFIO_CCW_QUIESCE_TIMEOUT (3 * SIM_S)

/* ---- channel-program translation (vfio_ccw_cp.c) ---- */

/* Host kernel memory for the translated program: where the host CCWs and
 * IDALs live (os_kmalloc on a real host; a test allocator in unit tests). */
struct cp_mem {
	struct storage *mem;
	uint64_t (*alloc)(void *ctx, uint64_t size, uint64_t align);
	void (*free)(void *ctx, uint64_t addr);
	void *ctx;
	/* A host page shared as the bit bucket of CCWs that move no data
	 * (0: each program allocates its own). */
	uint64_t scratch;
};

struct cp_ccw {
	struct ccw1 guest; /* as fetched, in format-1 shape */
	uint8_t kind;	   /* ccw_kind() of the guest command, in its format */
	uint8_t nidaw;	   /* guest data pieces */
	uint8_t nidal;	   /* IDAWs of the host IDAL */
	int mark;	   /* step of the busy-loop walk that reached it */
	/* Each data piece: its guest and its host address, side by side
	 * so that a CCW of one piece is one cache line. */
	struct {
		uint64_t guest, host;
	} piece[CCW_IDAW_MAX];
};

/* Only the first len entries are meaningful: the buffer is reused by the
 * next program and never cleared as a whole. */
struct ccwchain {
	uint64_t iova; /* guest address of the first CCW */
	int len;       /* CCWs in this segment */
	uint64_t host; /* host copy of the segment (len * 8 bytes) */
	struct cp_ccw ccw[CCWCHAIN_LEN_MAX];
};

/* chain[nchains..] keep the segment buffers of earlier programs for the
 * next one (a segment is some 140 KiB: allocating and zeroing it per I/O
 * cost more than the rest of the translation); cp_destroy frees them. */
struct channel_program {
	struct cp_mem m;
	const struct vfio_dma_table *dma;
	struct orb orb; /* the guest's ORB */
	struct ccwchain *chain[CCWCHAIN_COUNT_MAX];
	int nchains;
	unsigned blk;	  /* host IDAW block size: 4096 or 2048 */
	uint64_t scratch; /* bit bucket for CCWs that move no data */
	bool own_scratch; /* allocated for this program (no m.scratch) */
	bool has_tic;
	uint64_t kmem;	    /* host block: every segment's CCWs, then the IDALs */
	uint64_t kmem_size; /* its size */
	/* The block of the last program, kept for the next one (Linux's
	 * per-device CCW chunks rather than kmalloc and kfree per I/O): at
	 * most one, of at most CP_KEPT_MAX bytes, returned by cp_trim. */
	uint64_t kept, kept_size;
	struct cp_mem kept_m; /* the allocator it came from */
	bool initialized;
};

int cp_init(struct channel_program *cp, const struct cp_mem *m, const struct vfio_dma_table *dma,
	    const struct orb *orb);
int cp_prefetch(struct channel_program *cp);
/* Host ORB: format 1, format-2 IDAWs, the given lpm and intparm. */
void cp_get_orb(const struct channel_program *cp, uint8_t lpm, uint32_t intparm, struct orb *out);
/* Host CPA -> guest CPA; F bit back to the guest's format. */
void cp_update_scsw(const struct channel_program *cp, struct scsw *scsw);
/* True when the program's CCWs or data touch guest [iova, iova+size). */
bool cp_iova_pinned(const struct channel_program *cp, uint64_t iova, uint64_t size);
/* End the program; its host block is kept for the next program (or freed
 * when one is kept already), the segment buffers stay for reuse. */
void cp_free(struct channel_program *cp);
/* cp_free, and free the kept host block too (the device is closed). */
void cp_trim(struct channel_program *cp);
/* cp_trim, and the segment buffers too (the device goes away). */
void cp_destroy(struct channel_program *cp);

/* ---- the FSM (vfio_ccw_fsm.c) ---- */

enum vfio_ccw_state {
	VFIO_CCW_STATE_NOT_OPER,
	VFIO_CCW_STATE_STANDBY,
	VFIO_CCW_STATE_IDLE,
	VFIO_CCW_STATE_CP_PROCESSING,
	VFIO_CCW_STATE_CP_PENDING,
	/* Closed from an event with a program still running (nothing could
	 * wait): cleared, its final interrupt outstanding; that interrupt
	 * disables the subchannel (-> STANDBY). */
	VFIO_CCW_STATE_CLOSING,
	/* The same after a reset: the device opens again once the
	 * interrupt is in (-> IDLE); a close meanwhile cancels that. */
	VFIO_CCW_STATE_CLOSING_REOPEN,
	NR_VFIO_CCW_STATES
};

enum vfio_ccw_event {
	VFIO_CCW_EVENT_NOT_OPER,
	VFIO_CCW_EVENT_IO_REQ,
	VFIO_CCW_EVENT_INTERRUPT,
	VFIO_CCW_EVENT_ASYNC_REQ,
	VFIO_CCW_EVENT_OPEN,
	VFIO_CCW_EVENT_CLOSE,
	NR_VFIO_CCW_EVENTS
};

struct vfio_ccw_crw_queue {
	uint32_t crw[VFIO_CCW_CRW_QUEUE_MAX];
	int head;
	int n;
	bool lost; /* reports were dropped: next one carries R */
	unsigned long dropped;
};

struct vfio_ccw_private {
	struct os *os;
	int iommu_group; /* of the mdev, while there is one */
	struct subchannel *sch;
	enum vfio_ccw_state state;
	struct ccw_io_region io_region;
	struct ccw_cmd_region cmd_region;
	struct ccw_schib_region schib_region;
	struct ccw_crw_region crw_region;
	struct channel_program cp;
	struct irb irb;
	struct vfio_ccw_crw_queue crwq;
	int io_trigger; /* eventfd numbers, -1 when unset */
	int crw_trigger;
	int req_trigger;
	uint64_t scratch; /* vfio_host_scratch(os), fetched at the first I/O */
	struct sim_waitq quiesce_wq;
	bool quiesce_waiting;
	bool host_terminated; /* the host halted/cleared the running program */
	bool guest_async;     /* the VMM asked for halt/clear itself */
	/* mdev: the vfio device registered with the vfio core (its name is
	 * the mdev's UUID; open, fd and DMA mappings are the core's) */
	bool mdev;
	struct vfio_device vdev;
	/* mdev remove of an open device: writers blocked until the VMM lets
	 * go (release_wq, woken at close); gone = the subchannel went away
	 * meanwhile and the last remover frees the private */
	struct sim_waitq release_wq;
	int removers;
	bool gone;
	char dir[64];		       /* /sys/devices/css0/0.0.013f */
	struct vfio_ccw_private *next; /* the driver's per-OS list */
};

typedef void fsm_func_t(struct vfio_ccw_private *p, enum vfio_ccw_event event);
extern fsm_func_t *const vfio_ccw_jumptable[NR_VFIO_CCW_STATES][NR_VFIO_CCW_EVENTS];

static inline void vfio_ccw_fsm_event(struct vfio_ccw_private *p, enum vfio_ccw_event event)
{
	vfio_ccw_jumptable[p->state][event](p, event);
}

/* Deliver the IRB in p->irb to the VMM (I/O region + IO eventfd). */
void vfio_ccw_io_todo(struct vfio_ccw_private *p);
/* Synthesize a final "deferred cc 3" interrupt for a start the host had to
 * cancel (path lost and XSCH succeeded: no hardware interrupt will come). */
void vfio_ccw_synth_notoper(struct vfio_ccw_private *p);
const char *vfio_ccw_state_name(enum vfio_ccw_state s);

/* ---- regions, ioctls (vfio_ccw_ops.c) ---- */

ssize_t vfio_ccw_mdev_read(struct vfio_ccw_private *p, void *buf, size_t count, uint64_t off);
ssize_t vfio_ccw_mdev_write(struct vfio_ccw_private *p, const void *buf, size_t count,
			    uint64_t off);
int vfio_ccw_mdev_ioctl(struct vfio_ccw_private *p, unsigned long request, void *arg);

/* ---- channel paths and CRWs (vfio_ccw_chp.c) ---- */

int vfio_ccw_chp_event(struct subchannel *sch, struct chp_link *link, enum chp_event_kind event);
/* Queue a CRW for the VMM and signal the CRW eventfd. */
void vfio_ccw_queue_crw(struct vfio_ccw_private *p, uint8_t rsc, uint8_t erc, bool anc,
			uint16_t rsid);
/* Pop the oldest CRW (0 when empty). */
uint32_t vfio_ccw_crw_pop(struct vfio_ccw_private *p);
/* Fill the SCHIB region from a fresh STSCH; 0 or -ENODEV. */
int vfio_ccw_schib_refresh(struct vfio_ccw_private *p);

/* ---- per-OS vfio state (vfio.c) ---- */

void vfio_ccw_signal(struct vfio_ccw_private *p, int trigger);
/* 0 when fd is an open eventfd of this OS, else -EBADF. */
int vfio_eventfd_check(struct os *os, int fd);
/* The device ops vfio_ccw registers with the vfio core (vfio_ccw_ops.c). */
extern const struct vfio_device_ops vfio_ccw_dev_ops;
static inline struct vfio_ccw_private *vdev_to_private(struct vfio_device *v)
{
	return (struct vfio_ccw_private *)((char *)v - offsetof(struct vfio_ccw_private, vdev));
}

#endif
