/* ccw devices (Linux drivers/s390/cio/device*.c, ccwreq.c): the device
 * behind an I/O subchannel, its state machine, internal channel programs
 * (Sense ID, Sense/Set Path Group ID) and the interface for ccw drivers
 * such as dasd. */
#ifndef CHPSYNC_OS_DEVICE_PRIV_H
#define CHPSYNC_OS_DEVICE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/irb.h"
#include "arch/senseid.h"
#include "os/kern_priv.h"

/* Path events for ccw drivers (Linux PE_*). */
#define PE_NONE			 0x0
#define PE_PATH_GONE		 0x1
#define PE_PATH_AVAILABLE	 0x2
#define PE_PATHGROUP_ESTABLISHED 0x4

enum dev_state {
	DEV_STATE_NOT_OPER,
	DEV_STATE_SENSE_ID,
	DEV_STATE_OFFLINE,
	DEV_STATE_VERIFY,
	DEV_STATE_ONLINE,
	DEV_STATE_DISBAND_PGID,
	DEV_STATE_BOXED,
	DEV_STATE_W4SENSE, /* unit check without sense: BASIC SENSE running */
	/* An online device without a usable path (Linux's "disconnected"):
	 * its driver keeps it and its I/O waits; an interrupt, a path event
	 * or the recovery timer makes cio look for it again with Sense ID. */
	DEV_STATE_DISCONNECTED,
	DEV_STATE_DISCONNECTED_SENSE_ID,
	NR_DEV_STATES
};

enum dev_event {
	DEV_EVENT_NOTOPER,
	DEV_EVENT_INTERRUPT,
	DEV_EVENT_TIMEOUT,
	DEV_EVENT_VERIFY,
	NR_DEV_EVENTS
};

/* Result classes of an internal request's interrupt (Linux io_status). */
enum io_status { IO_DONE, IO_RUNNING, IO_STATUS_ERROR, IO_PATH_ERROR, IO_REJECTED, IO_KILLED };

struct ccw_device;

struct ccw_request {
	uint64_t cp;  /* channel program (kernel storage) */
	uint8_t lpm;  /* paths to use */
	uint8_t mask; /* path in use (single path) or lpm */
	bool singlepath;
	int maxretries, retries;
	sim_time_t timeout;
	bool active, cancel;
	int drc; /* result to report after a cancel */
	void (*callback)(struct ccw_device *cdev, void *data, int rc);
	void *data;
};

struct ccw_driver {
	const char *name;
	bool (*match)(const struct ccw_device *cdev);
	int (*probe)(struct ccw_device *cdev);
	void (*remove)(struct ccw_device *cdev);
	/* Run in the writer's task after the device is online in cio; may block. */
	int (*set_online)(struct ccw_device *cdev);
	int (*set_offline)(struct ccw_device *cdev);
	/* From events: paths verified or lost (PE_* per path position). */
	void (*path_event)(struct ccw_device *cdev, const int *path_event);
	/* From events (Linux ccw_driver.notify): CIO_GONE, CIO_NO_PATH,
	 * CIO_BOXED (the device or its last path went away) or CIO_OPER (it
	 * is back).  Returns NOTIFY_OK when the driver keeps the device. */
	int (*notify)(struct ccw_device *cdev, int event);
};

/* Linux asm/cio.h */
#define CIO_GONE    0x0001
#define CIO_NO_PATH 0x0002
#define CIO_OPER    0x0004
#define CIO_BOXED   0x0010
#define NOTIFY_OK   1
#define NOTIFY_BAD  0

/* I/O handler of the driver: irb != NULL for an interruption, else err
 * (-EIO: I/O killed without status, -ETIMEDOUT). */
typedef void (*ccw_handler_t)(struct ccw_device *cdev, uint32_t intparm, const struct irb *irb,
			      int err);

struct ccw_device {
	struct os *os;
	struct subchannel *sch;
	struct ccw_id id; /* bus ID 0.0.3f3f */
	char busid[16];
	char dir[96]; /* /sys/devices/css0/0.0.013f/0.0.3f3f */
	struct senseid senseid;
	struct senseid known_id; /* what Sense ID said before a disconnection */
	enum dev_state state;
	bool registered;
	bool online; /* online for the driver */
	bool onlining;
	int fsm_rc;	     /* result of the last online/offline */
	struct sim_waitq wq; /* waiters for a final state */
	const struct ccw_driver *drv;
	void *drvdata;
	ccw_handler_t handler;
	uint32_t intparm; /* of the driver's running I/O */
	bool io_active;	  /* driver I/O started, no final status yet */
	bool kill_pending;
	struct irb sense_irb; /* the unit check waiting for its sense */
	/* internal requests */
	struct ccw_request req;
	uint64_t dma; /* CCWs and data of internal requests */
	struct sim_event *timer;
	struct ccw_device *dead_next; /* list of removed devices */
	/* path verification (device_pgid.c) */
	bool pgroup, mpath; /* path grouping wanted / multipath mode */
	bool doverify;
	bool donotify;		  /* back from DISCONNECTED: tell the driver at ONLINE */
	uint8_t path_broken_mask; /* (PAM & opm) ^ vpm at the last verification */
	int verify_rounds;	  /* repeats since the last final state */
	bool verified_once;	  /* a verification completed since enable */
	uint8_t pgid[11];
	uint8_t pgid_valid_mask, pgid_todo_mask, pgid_reset_mask;
	uint8_t path_notoper_mask, path_gone_mask, path_new_mask;
	uint8_t prev_vpm;
	uint8_t snid_state[8];
	uint8_t snid_pgid[8][11];
	uint8_t spid_fn;
};

/* Buffers inside cdev->dma. */
#define CDEV_DMA_SIZE 512
#define CDEV_DMA_CCW  0
#define CDEV_DMA_DATA 64

/* device.c */
struct ccw_device *ccw_device_from_sch(struct subchannel *sch);
int ccw_driver_register(struct os *os, const struct ccw_driver *drv);
const struct ciw *ccw_device_get_ciw(struct ccw_device *cdev, uint8_t type);
/* Block the calling task until online/offline is done. */
int ccw_device_set_online(struct ccw_device *cdev);
int ccw_device_set_offline(struct ccw_device *cdev);
void ccw_device_recog_done(struct ccw_device *cdev, int rc);
/* Linux ccw_device_schedule_recovery: look at disconnected devices and
 * devices with broken paths again after 3 s, then 30 s, then every 300 s
 * while any is left. */
void ccw_device_schedule_recovery(struct os *os);
/* An offline device that was not operational: recognise it again. */
void ccw_device_rerecognise(struct ccw_device *cdev);

/* device_fsm.c */
void dev_fsm_event(struct ccw_device *cdev, enum dev_event ev);
int ccw_device_online(struct ccw_device *cdev);
int ccw_device_offline(struct ccw_device *cdev);
void ccw_device_done(struct ccw_device *cdev, enum dev_state state);
void ccw_device_verify_done(struct ccw_device *cdev, int err);
void ccw_device_disband_done(struct ccw_device *cdev, int err);
void ccw_device_set_timeout(struct ccw_device *cdev, sim_time_t delay);
void ccw_device_path_notoper(struct ccw_device *cdev, uint8_t tried);
bool dev_fsm_final_state(const struct ccw_device *cdev);
/* Ask the driver whether it keeps the device (Linux ccw_device_notify):
 * NOTIFY_OK, or NOTIFY_BAD for a device offline or without a driver. */
int ccw_device_notify(struct ccw_device *cdev, int event);
/* The device has no usable path; its driver keeps it. */
void ccw_device_set_disconnected(struct ccw_device *cdev);
/* The driver's I/O (Linux ccw_device_start_key etc.). */
int ccw_device_start(struct ccw_device *cdev, uint64_t cpa, uint32_t intparm, uint8_t lpm);
int ccw_device_clear(struct ccw_device *cdev, uint32_t intparm);
uint8_t ccw_device_get_path_mask(struct ccw_device *cdev);

/* ccwreq.c */
void ccw_request_start(struct ccw_device *cdev);
void ccw_request_handler(struct ccw_device *cdev);
void ccw_request_timeout(struct ccw_device *cdev);
void ccw_request_notoper(struct ccw_device *cdev);
int ccw_request_cancel(struct ccw_device *cdev);
/* Build one CCW at cdev->dma + CDEV_DMA_CCW; data at CDEV_DMA_DATA. */
uint64_t ccw_device_build_ccw(struct ccw_device *cdev, uint8_t cmd, uint8_t flags, uint16_t count);
uint8_t *ccw_device_dma_data(struct ccw_device *cdev, uint16_t len);

/* device_id.c, device_pgid.c */
void ccw_device_sense_id_start(struct ccw_device *cdev);
void ccw_device_verify_start(struct ccw_device *cdev);
void ccw_device_disband_start(struct ccw_device *cdev);

/* dasd.c: the dasd-eckd ccw driver */
extern const struct ccw_driver dasd_eckd_driver;

#endif
