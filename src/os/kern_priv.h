/* Kernel-internal state shared by os.c, css.c, cio.c, chp.c, chsc.c,
 * sclp.c and crw.c.  Not for drivers outside the cio core (they use cio.h). */
#ifndef CHPSYNC_OS_KERN_PRIV_H
#define CHPSYNC_OS_KERN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/chsc.h"
#include "arch/crw.h"
#include "arch/sclp.h"
#include "arch/storage.h"
#include "os/cio.h"
#include "os/os.h"

#define CSS_MAX_DRIVERS 8
#define DMESG_MAX_LINES 4096
/* Linux CHP_INFO_UPDATE_INTERVAL: SCLP channel-path information is cached
 * for one second. */
#define CHP_INFO_UPDATE_INTERVAL SIM_S

/* A subchannel's place in the list of one CHPID's subchannels (the
 * CHPID -> subchannel index): one per path slot of the subchannel. */
struct chp_member {
	struct subchannel *sch;
	struct chp_member *prev, *next;
	uint8_t chpid;
	bool on; /* in that CHPID's list */
};

/* Subchannel as the cio core keeps it; drivers see the embedded struct. */
struct sch_priv {
	struct subchannel sch;
	bool registered;
	bool enabled;
	uint8_t isc;
	uint32_t intparm;
	char dir[48]; /* /sys/devices/css0/0.0.013f */
	struct chp_member chpm[8];
};

static inline struct sch_priv *sch_priv(struct subchannel *sch)
{
	return (struct sch_priv *)sch;
}

/* The registered subchannels by (ssid, number): a table of chunks of
 * SCH_CHUNK entries, a chunk allocated when it gets its first one. */
#define SCH_CHUNK  256
#define SCH_CHUNKS (4 * 65536 / SCH_CHUNK)
struct sch_table {
	struct subchannel **chunk[SCH_CHUNKS];
	uint16_t used[SCH_CHUNKS];
	size_t n;
};

struct channel_path {
	struct os *os;
	struct chpid id;
	struct channel_path_info info;
	bool registered;
	char dir[48]; /* /sys/devices/css0/chp0.42 */
	/* CHPID -> subchannel index, in the order they were added */
	struct chp_member *first, *last;
	size_t nschs;
	struct chp_desc1 desc_fmt1; /* last good SCPD format 1 (chid) */
};

struct drv_ref {
	struct os *os;
	const struct css_driver *drv;
};

struct kmem;

/* An I/O subchannel with a valid device number, or another type
 * (Linux css_sch_is_valid). */
bool css_sch_is_valid(const struct schib *s);

struct vfio_ccw_private;

/* iommu group ids as Linux's iommu_group_ida hands them out: the lowest
 * free one. */
int os_iommu_group_alloc(struct os *os);
void os_iommu_group_free(struct os *os, int id);

struct os_priv {
	struct css_upcalls up;		   /* bound to the CSS */
	bool dying;			   /* os_destroy() is running */
	bool halted;			   /* os_halt(): the machine under it is gone */
	bool tasks_gone;		   /* buried, and the scheduler freed its tasks */
	struct storage gone_mem;	   /* empty: the storage of a buried OS at the end */
	struct vfio_ccw_private *vfio_ccw; /* the vfio_ccw driver's subchannels */
	bool debug;			   /* os_pr_debug() lines go to dmesg */
	bool upstream;			   /* os_config.upstream: Linux's vfio_ccw and walk */
	uint64_t chp_event_visits;
	/* dmesg ring */
	char *lines[DMESG_MAX_LINES];
	size_t first, count;
	/* kernel storage */
	uint64_t kbase, ksize;
	struct kmem *kmem; /* its allocator (kmem.c) */
	/* iommu group ids in use (Linux's iommu_group_ida): bit per id */
	uint64_t *iommu_ids;
	size_t iommu_words;
	/* boot */
	sim_time_t boot_time; /* when this kernel started: its clock's zero */
	struct sim_task *init_task;
	bool booted;
	void (*booted_fn)(void *ctx); /* os_on_booted */
	void *booted_ctx;
	/* css bus */
	const struct css_driver *drivers[CSS_MAX_DRIVERS];
	int ndrivers;
	struct drv_ref drv_refs[CSS_MAX_DRIVERS];
	struct sch_table schs; /* all registered subchannels, by id */
	uint64_t probe_schib;  /* STSCH buffer for numbers not registered */
	/* channel paths */
	struct channel_path *chp[256];
	struct sclp_chp_info chp_info;
	sim_time_t chp_info_expires;
	bool chp_info_valid_time; /* chp_info_expires has been set */
	/* SCLP: one outstanding request at a time (like sclp_sync_request) */
	uint64_t sclp_sccb; /* 4K SCCB in kernel storage */
	bool sclp_busy, sclp_done;
	struct sim_waitq sclp_wq;
	/* CHSC area (4K) and CRW buffer */
	uint64_t chsc_area;
	/* SCSC at boot (Linux css_general/chsc_characteristics): all zero
	 * when the CSS does not provide the command */
	struct chsc_css_chars css_chars;
	uint64_t crw_addr;
	uint64_t scratch_irb; /* TSCH target for unowned subchannels */
	bool crw_active;
	/* configure store serialisation */
	bool cfg_busy;
	struct sim_waitq cfg_wq;
	/* global path group ID (11 bytes) */
	uint8_t pgid[11];
	/* ccw/dasd state (device.c, dasd*.c) */
	void *ccw;
	void *dasd;
};

static inline struct os_priv *osp(const struct os *os)
{
	return os->priv;
}

/* sim_wake() unless the OS is being destroyed. */
static inline void os_wake(struct os *os, struct sim_waitq *wq)
{
	if (!os->priv->dying)
		sim_wake(os->sim, wq);
}

/* os.c */
void os_printk_level(struct os *os, bool console, const char *fmt, va_list ap);

/* kmem.c: the allocator behind os_kmalloc over [base, base + size) */
int kmem_init(struct os *os, uint64_t base, uint64_t size);
void kmem_exit(struct os *os);

/* css.c */
int css_init(struct os *os);
void css_exit(struct os *os);
struct subchannel *css_alloc_subchannel(struct os *os, uint8_t ssid, uint16_t no);
int css_register_subchannel(struct subchannel *sch);
void css_probe_device(struct subchannel *sch);
void ccw_device_wait_init(struct os *os);
void css_evaluate_subchannel(struct os *os, uint8_t ssid, uint16_t no);
void css_evaluate_all(struct os *os);
struct subchannel *css_find_by_word(struct os *os, uint32_t schid_word);
/* The registered subchannels in (ssid, number) order: first, then next
 * after sch; NULL at the end. */
struct subchannel *css_next_subchannel(struct os *os, const struct subchannel *sch);
#define css_for_each_subchannel(os, s) \
	for ((s) = css_next_subchannel(os, NULL); (s); (s) = css_next_subchannel(os, s))

/* cio.c */
void cio_io_interrupt(void *osv, uint32_t schid, uint32_t intparm, uint32_t int_word);

/* chp.c */
struct channel_path *chp_get(struct os *os, uint8_t id);
int chp_new(struct os *os, uint8_t id);
void chp_init(struct os *os);
void chp_exit(struct os *os);
int chp_get_status(struct os *os, uint8_t id); /* vary state, -ENODEV */
uint8_t chp_get_sch_opm(struct subchannel *sch);
void chp_sch_index_add(struct subchannel *sch);
void chp_sch_index_del(struct subchannel *sch);
void chp_process_crw(struct os *os, const struct crw *c0, const struct crw *c1, int overflow);
int chp_info_get_status(struct os *os, uint8_t id); /* may block (SCLP) */

/* chsc.c */
int chsc_get_ssd_info(struct os *os, struct subchannel *sch);
int chsc_determine_chp_desc(struct os *os, uint8_t chpid, struct chp_desc0 *desc);
int chsc_determine_css_characteristics(struct os *os);
int chsc_determine_fmt1_chp_desc(struct os *os, uint8_t chpid, struct chp_desc1 *desc);
int chsc_get_channel_measurement_chars(struct os *os, uint8_t chpid, int *cmg, int *shared);

/* sclp.c */
int sclp_sync_request(struct os *os, uint32_t cmdw, uint64_t sccb);
int sclp_chp_read_info(struct os *os, struct sclp_chp_info *info);
int sclp_chp_configure(struct os *os, uint8_t chpid, bool on);
void sclp_service_signal(void *osv, uint64_t sccb);

/* crw.c */
void crw_machine_check(void *osv);

/* device.c (io_subchannel driver, ccw bus) */
int ccw_bus_init(struct os *os);
void ccw_bus_exit(struct os *os);
extern const struct css_driver io_subchannel_driver;

bool ccw_has_waiters(struct os *os);
/* os_halt(): every ccw device is told its subchannel stopped answering. */
void ccw_bus_halt(struct os *os);

/* dasd.c */
bool dasd_has_waiters(struct os *os);
/* The system goes down (os_shutdown): queued I/O fails with -EIO, new I/O
 * fails at once; I/O in flight ends as usual. */
void dasd_shutdown(struct os *os);
/* os_halt(): every request fails with -EIO, in flight or not (no
 * interruption will come), and new ones fail at once. */
void dasd_halt(struct os *os);
int dasd_init(struct os *os);
void dasd_exit(struct os *os);

#endif
