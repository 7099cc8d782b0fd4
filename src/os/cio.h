/* Kernel cio: subchannels, the css bus and its drivers, channel paths, and
 * the I/O instruction wrappers drivers use (Linux drivers/s390/cio names).
 *
 * Drivers of subchannels: "io_subchannel" (creates ccw devices; dasd binds
 * to those) and "vfio_ccw" (bound only through driver_override, as
 * `driverctl -b css set-override 0.0.013f vfio_ccw` does).
 *
 * Channel-path events are dispatched through a CHPID -> subchannel index to
 * the drivers of the affected subchannels only (Linux walks all of them).
 */
#ifndef CHPSYNC_OS_CIO_H
#define CHPSYNC_OS_CIO_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/ids.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"

struct os;
struct css_driver;

enum chp_event_kind {
	CHP_ONLINE = 0,
	CHP_OFFLINE = 1,
	CHP_VARY_ON = 2,
	CHP_VARY_OFF = 3,
};

struct chp_link {
	struct chpid chpid;
	uint32_t fla_mask;
	uint16_t fla;
};

/* Subchannel description from CHSC SSD (or derived from the PMCW). */
struct chsc_ssd_info {
	uint8_t path_mask;
	uint8_t fla_valid_mask;
	struct chpid chpid[8];
	uint16_t fla[8];
};

struct subchannel {
	struct os *os;
	struct ccw_id schid; /* 0.0.013f */
	uint32_t schid_word; /* GR1 form */
	struct schib schib;  /* as of the last successful STSCH */
	uint8_t lpm;	     /* logical path mask used for I/O */
	uint8_t opm;	     /* operational per vary state */
	uint8_t vpm;	     /* verified */
	struct chsc_ssd_info ssd;
	uint64_t schib_addr; /* kernel buffer for STSCH/MSCH (52 bytes) */
	uint64_t irb_addr;   /* kernel buffer for TSCH (96 bytes) */
	uint64_t orb_addr;   /* kernel buffer for SSCH (32 bytes) */
	struct irb irb;	     /* the IRB of the interrupt being handled */
	const struct css_driver *driver;
	void *drvdata;
	char driver_override[32];
	char sysfs_path[64]; /* /sys/bus/css/devices/0.0.013f -> real dir */
};

struct css_driver {
	const char *name;
	int (*probe)(struct subchannel *sch);
	void (*remove)(struct subchannel *sch);
	/* I/O interrupt: cio has done TSCH; the IRB is in sch->irb. */
	void (*irq)(struct subchannel *sch);
	/* Channel-path event for a CHPID this subchannel uses. */
	int (*chp_event)(struct subchannel *sch, struct chp_link *link, enum chp_event_kind ev);
	/* Subchannel needs re-evaluation (CRW RSC 3, overflow).  -ENODEV: the
	 * subchannel is gone (STSCH cc 3) and cio unregisters it. */
	int (*sch_event)(struct subchannel *sch, int process);
};

int css_driver_register(struct os *os, const struct css_driver *drv);
/* Look up a subchannel by ID; NULL if not registered. */
struct subchannel *css_get_subchannel(struct os *os, struct ccw_id schid);
/* Bind/unbind as `echo ... > /sys/bus/css/drivers/X/bind|unbind` do. */
int css_bind(struct subchannel *sch, const char *driver);
int css_unbind(struct subchannel *sch);

/* The path mask bit of `link`'s CHPID in this subchannel, 0 if unused
 * (chp_ssd_get_mask). */
uint8_t chp_ssd_get_mask(const struct chsc_ssd_info *ssd, const struct chp_link *link);

/* I/O instruction wrappers (return cc, or -errno as Linux cio does). */
int cio_update_schib(struct subchannel *sch); /* STSCH; -ENODEV */
int cio_enable_subchannel(struct subchannel *sch, uint32_t intparm, uint8_t isc);
int cio_disable_subchannel(struct subchannel *sch); /* 0, -EBUSY, -ENODEV */
/* SSCH with the ORB (12 bytes; cpa etc. already set). 0, -EBUSY, -EACCES
 * (path not operational, lpm updated), -ENODEV. */
int cio_start_orb(struct subchannel *sch, const struct orb *orb);
int cio_halt(struct subchannel *sch);
int cio_clear(struct subchannel *sch);
int cio_cancel(struct subchannel *sch);
/* One step of cancel -> halt -> clear escalation (Linux semantics):
 * 0 = nothing more to do (no interrupt expected), -EBUSY = an interrupt
 * will come, other -errno = failed.  *iretry counts attempts. */
int cio_cancel_halt_clear(struct subchannel *sch, int *iretry);

/* Channel paths as the OS knows them. */
struct channel_path_info {
	bool known;
	uint8_t type; /* desc type */
	int state;    /* vary: 1 online, 0 offline */
	int cfg;      /* SCLP: 0 standby, 1 configured, 2 reserved, 3 not recognized, -1 unknown */
	int cmg;      /* -1 unknown */
	int shared;   /* -1 unknown */
	int chid;     /* -1 none */
	bool chid_external;
};
const struct channel_path_info *chp_info(struct os *os, struct chpid id);

#endif
