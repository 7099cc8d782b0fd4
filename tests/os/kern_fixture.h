/* A machine with CHPIDs 0.42-0.45 (type 1b) and one 3390 (device 0.0.3f3f
 * on subchannel 0.0.013f, CDL image, volser 0X3F3F, one partition), and a
 * booted OS on it whose console is captured. */
#ifndef CHPSYNC_TESTS_KERN_FIXTURE_H
#define CHPSYNC_TESTS_KERN_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/css_if.h"
#include "sim/sim.h"

#define KF_SCH	  "/sys/bus/css/devices/0.0.013f"
#define KF_DEV	  "/sys/bus/ccw/devices/0.0.3f3f"
#define KF_CHP(x) "/sys/devices/css0/chp0." x

struct kf {
	struct sim *sim;
	struct machine *m;
	struct ccwdev *dev;
	struct ccwdev *tdev;
	struct os *os;
	char console[65536];
	size_t conlen;
	/* optional SCLP fault injection: READ CHPATH INFORMATION fails */
	bool sclp_read_fails;
	/* optional lazy-sync injection (what a chpsync=lazy VMM does) */
	uint8_t pnom;	     /* stored as PMCW PNOM by every STSCH */
	bool pno_once;	     /* the next TSCH stores SCSW N = 1 */
	bool hold_crws;	     /* STCRW finds nothing */
	bool no_csense;	     /* MSCH drops the concurrent-sense bit */
	uint32_t inject[8];  /* CRWs STCRW returns before the machine's */
	uint32_t unplug_sch; /* STSCH of this schid word: DNV 0, ENA 0 (a VMM's unplug) */
	uint32_t gone_sch;   /* STSCH of this schid word: cc 3 */
	int ninject;
	struct css_if real;
	struct css_ops ops;
	const struct css_upcalls *up;
};

/* cyls: volume size; latency: per data command (ns). */
void kf_init(struct kf *f, uint32_t cyls, uint64_t latency, bool sclp_read_fails);
void kf_init_crwq(struct kf *f, uint32_t cyls, uint64_t latency, bool sclp_read_fails,
		  unsigned crw_queue_len);
struct kf_opts {
	uint32_t cyls;
	uint64_t latency;
	bool sclp_read_fails;
	unsigned crw_queue_len;
	bool readonly;	   /* the image is attached read-only */
	const char *image; /* use this image instead of a fresh CDL one */
	bool testdev;	   /* also a test device: 0.0.4000 on 0.0.0140, CHPIDs 50 51 */
	uint64_t seed;	   /* 0: the default seed */
	bool permute;	   /* permute equal-time events (sim_set_permute) */
};
void kf_init_opts(struct kf *f, const struct kf_opts *o);
void kf_fini(struct kf *f);
/* Run fn(arg) in a task until it finishes. */
void kf_task(struct kf *f, void (*fn)(void *), void *arg);
/* sysfs read/write from a task; read returns the text ("" + rc on error). */
int kf_write(struct kf *f, const char *path, const char *text);
const char *kf_read(struct kf *f, const char *path, int *rc);
void kf_run_for(struct kf *f, uint64_t ns);
void kf_console_clear(struct kf *f);

#endif
