/* DASD device driver (Linux drivers/s390/block/dasd*.c): the generic
 * device and request queue (dasd.c), the ECKD discipline (dasd_eckd.c),
 * partition detection and block devices (dasd_genhd.c). */
#ifndef CHPSYNC_OS_DASD_PRIV_H
#define CHPSYNC_OS_DASD_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/irb.h"
#include "os/device_priv.h"

#define DASD_MAX_PARTS	    12
#define DASD_BLKSIZE	    4096
#define DASD_RECS_PER_TRACK 12
#define DASD_MAX_BLOCKS	    190 /* blocks per request (Linux DASD_ECKD_MAX_BLOCKS) */
#define DASD_RETRIES	    10
#define DASD_PATH_RETRIES   256 /* default of the `retries` attribute (Linux) */
#define DASD_RETRIES_MAX    32768
#define DASD_EXPIRES	    300 /* s: default of the `expires` attribute */
#define DASD_EXPIRES_MAX    40000000

/* device->stopped bits (Linux names) */
#define DASD_STOPPED_DC_WAIT 0x02 /* no operational path: wait for one */

enum dasd_cqr_status {
	DASD_CQR_FILLED, /* built, not queued */
	DASD_CQR_QUEUED,
	DASD_CQR_IN_IO,
	DASD_CQR_DONE,
	DASD_CQR_FAILED,
	NR_DASD_CQR_STATUS
};

enum dasd_cqr_event {
	CQR_EV_START_OK,   /* ccw_device_start accepted */
	CQR_EV_FINAL_OK,   /* final status, no error */
	CQR_EV_PATH_ERROR, /* path-related end: retry elsewhere */
	CQR_EV_ERROR,	   /* device/program error: counted retry */
	CQR_EV_FATAL,	   /* no retry makes sense */
	CQR_EV_KILLED,	   /* halted/cleared or cancelled without status */
	NR_CQR_EVENTS
};

struct dasd_device;

struct dasd_ccw_req {
	struct dasd_device *device;
	struct dasd_ccw_req *next;
	uint32_t id; /* interruption parameter */
	enum dasd_cqr_status status;
	uint64_t mem, memsize; /* kernel storage: CCWs, IDAWs, parameters */
	uint64_t cpaddr;
	uint64_t data;	  /* data buffer (IDAW targets), may be 0 */
	uint8_t lpm;	  /* paths to use (0 = any operational) */
	uint8_t used_lpm; /* ORB LPM of the last start */
	bool verify_path; /* lpm is exact (path verification) */
	bool immediate;	  /* queue head; runs while stopped */
	bool no_retry;	  /* report errors at once (analysis) */
	bool failfast;	  /* fail at once while no path is left (block I/O) */
	bool timed_out;	  /* the block request's `timeout` passed: fail it */
	int retries, path_retries;
	int rc;
	struct irb irb;
	bool have_irb;
	int starts; /* SSCH count (statistics, tests) */
};

struct dasd_part {
	uint64_t start, nblocks; /* in 4K blocks */
	char name[32];		 /* device name (< 16) + partition number */
};

struct dasd_bdev {
	struct dasd_device *device;
	uint64_t start, nblocks;
	char name[32]; /* as struct dasd_part's */
};

struct dasd_device {
	struct os *os;
	struct ccw_device *cdev;
	char busid[16];
	/* paths */
	uint8_t opm;   /* operational (verified by dasd) */
	uint8_t tbvpm; /* to be verified by the path worker */
	unsigned stopped;
	bool shutdown; /* the system goes down: no new I/O */
	struct sim_task *pv_task;
	bool pv_running;
	/* request queue */
	struct dasd_ccw_req *head, *tail;
	struct dasd_ccw_req *active;
	struct sim_event *bh, *timer;
	struct sim_waitq wq;
	uint32_t next_id;
	/* The last request freed without a data buffer, kept with its
	 * storage for the next one of the same size (a block device's
	 * requests are all alike: Linux takes them from the device's own
	 * ccw_chunks pool, not the general allocator). */
	struct dasd_ccw_req *spare;
	/* characteristics */
	uint8_t rdc[64];
	bool rdc_valid;
	char uid[80];
	uint32_t cyls, heads, sectors;
	/* Features (Linux's devmap features, set through sysfs): readonly
	 * (the block device refuses writes), erplog, use_diag (kept; the
	 * model has no DIAG access method), eer (extended error reporting:
	 * kept, no records are produced). */
	bool readonly;
	bool erplog, use_diag, eer;
	/* state */
	bool online;
	bool formatted;
	bool cdl;
	int devindex;
	char name[16]; /* dasda */
	uint64_t blocks;
	struct dasd_bdev bdev;
	struct dasd_part part[DASD_MAX_PARTS];
	struct dasd_bdev pbdev[DASD_MAX_PARTS];
	int nparts;
	/* request policy (Linux dasd sysfs: expires, retries, timeout,
	 * failfast) */
	unsigned long expires_s; /* per start: cancel and retry after it */
	unsigned long retries;	 /* starts a request may make on path errors */
	unsigned long timeout_s; /* per block request; 0 = none */
	bool failfast;		 /* block I/O fails while no path is left */
	/* statistics */
	uint64_t path_errors, retries_total, completed;
};

/* dasd.c */
struct dasd_ccw_req *dasd_alloc_request(struct dasd_device *dev, uint64_t memsize,
					uint64_t datasize);
void dasd_free_request(struct dasd_ccw_req *cqr);
int dasd_sleep_on(struct dasd_ccw_req *cqr);
/* The same for a block-layer request: the device's `timeout` and
 * `failfast` apply (-ETIMEDOUT, -ENOLINK). */
int dasd_sleep_on_block(struct dasd_ccw_req *cqr);
void dasd_kick(struct dasd_device *dev);
void dasd_path_verify_schedule(struct dasd_device *dev, uint8_t paths);
void dasd_dev_info(struct dasd_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dasd_dev_debug(struct dasd_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
uint8_t *dasd_kptr(struct dasd_device *dev, uint64_t addr, uint64_t len);

/* dasd_eckd.c */
int dasd_eckd_read_conf_path(struct dasd_device *dev, uint8_t path, char *uid, size_t uidlen);
int dasd_eckd_online(struct dasd_device *dev);
/* Read or write `n` 4K blocks at `blk` (device-relative, CDL aware). */
int dasd_eckd_rw(struct dasd_device *dev, bool write, uint64_t blk, uint32_t n, uint8_t *buf);
void ebcdic_to_ascii(char *out, const uint8_t *in, size_t n);

/* dasd_genhd.c */
/* The device index of a bus ID (Linux's devmap): the one it had before,
 * else the next free one; < 0 on error. */
int dasd_devindex(struct os *os, const char *busid);
/* Linux's name for a device index: dasda..dasdz, dasdaa..dasdzz, ... */
void dasd_name_format(int devindex, char *buf, size_t size);
/* Minors are 20 bits, 4 per device (the disk and 3 partitions). */
#define DASD_PER_MAJOR (1 << 18)
int dasd_genhd_add(struct dasd_device *dev);
void dasd_genhd_remove(struct dasd_device *dev);

#endif
