/* The simulated IBM Z: channel subsystem, CHPIDs, control units, devices,
 * SCLP, CHSC, HMC actions.  Public API for the layers above that build and
 * operate a world (cli, tests, benchmarks).  The OS never includes this: it
 * sees the machine only through machine_css(). */
#ifndef CHPSYNC_MACHINE_MACHINE_H
#define CHPSYNC_MACHINE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/css_if.h"
#include "dev/ccwdev.h"
#include "sim/sim.h"

struct machine;

/* The timing model a machine starts with (docs/timing.md). */
enum machine_timing_model {
	/* FICON Express16S channels (16 Gbit/s links) to 3390 volumes on a
	 * cached storage system (DS8000 class), from public figures. */
	MACHINE_TIMING_FICON = 0,
	/* The 3390 answers at once and data moves in no time; only the
	 * channel subsystem's own small fixed costs remain (benchmarks of the
	 * simulator's speed, tests that want it). */
	MACHINE_TIMING_ZERO,
};

struct machine_config {
	uint64_t storage_size;	/* host storage bytes (default 64 GiB, less under ulimit -v,
				   at least 512 MiB; lazily backed) */
	unsigned crw_queue_len; /* CRW queue bound (default 256) */
	const char *workdir;	/* default images, and IMAGE= of decks given as text */
	bool notrace;		/* no sim_trace lines for machine events (benchmarks) */
	enum machine_timing_model timing;
};

/* Timing model (docs/timing.md); every latency is simulated ns. */
struct machine_timing {
	sim_time_t ssch_start; /* SSCH -> device selected */
	sim_time_t ccw_fetch;  /* per CCW, on top of the device's latency */
	sim_time_t interrupt;  /* status pending -> interruption taken */
	sim_time_t sclp;       /* SERVICE CALL -> service signal */
	sim_time_t crw;	       /* CRW queued -> machine check */
	/* Data rate of a channel path's link, bytes per second in each
	 * direction (full duplex); transfers on one path and direction take
	 * turns.  0: data moves in no time. */
	uint64_t link_rate;
	/* What the control unit of a 3390 from an IOCP deck costs (the deck's
	 * devices are made with these; eckd_config). */
	sim_time_t dasd_cmd;	/* every command: the CU's command handling */
	sim_time_t dasd_stage;	/* a read of a track not in the cache */
	unsigned dasd_prestage; /* tracks staged ahead on a sequential miss */
};

struct machine *machine_new(struct sim *sim, const struct machine_config *cfg);
void machine_free(struct machine *m);
struct machine_timing *machine_timing(struct machine *m);

/* Load an IOCP deck (docs/iocp.md) from a file, or the built-in default deck
 * when path is NULL.  0, or -1 with "FILE:LINE: what is wrong" in err.
 * A file deck's relative IMAGE= names a file in the deck's directory, which
 * must exist; a deck given as text (and the default one) has its IMAGE= in
 * cfg.workdir, where a missing image is created. */
int machine_load_iocp(struct machine *m, const char *path, char *err, size_t errlen);
int machine_load_iocp_text(struct machine *m, const char *name, const char *text, char *err,
			   size_t errlen);

/* The css interface of the host (operands in host storage). */
struct css_if machine_css(struct machine *m);
struct storage *machine_storage(struct machine *m);

/* Configuration built by hand (tests, benchmarks) instead of a deck. */
int machine_add_chpid(struct machine *m, uint8_t chpid, uint8_t type, bool shared);
/* A device with the given paths on a new subchannel in `ssid`, numbered
 * sch_no (or the one after the highest used when sch_no < 0).  Returns the
 * subchannel number or -errno (-EINVAL, -ENODEV for an undefined CHPID,
 * -EEXIST, -ENOSPC).  The machine takes ownership of dev (destroyed by
 * machine_free, once even if given for several subchannels in a row); dev
 * may be NULL: a subchannel whose device never answers. */
int machine_add_device(struct machine *m, uint8_t ssid, int sch_no, uint16_t devno,
		       const uint8_t *chpids, int nchpids, struct ccwdev *dev);

/* HMC / fault injection.  0, -ENOENT for a CHPID that is not defined,
 * -EALREADY when the path is already in that state.  The effect on the
 * subchannels is immediate; the CRW's machine check follows after
 * timing.crw (docs/timing.md). */
int machine_chp_fail(struct machine *m, uint8_t chpid); /* physical link failure */
int machine_chp_repair(struct machine *m, uint8_t chpid);
/* The device of a subchannel stops (or resumes) answering on every path;
 * -ENODEV when no such subchannel is defined. */
int machine_device_notoper(struct machine *m, uint8_t ssid, uint16_t sch_no, bool notoper);
/* SCLP-level configure/deconfigure as if done from the HMC/SE (no SCCB). */
int machine_chp_configure(struct machine *m, uint8_t chpid, bool on);
/* Human-readable status (hmc `status`), malloc'd. */
char *machine_status(struct machine *m);

/* Read-only views (src/machine/view.c): they change nothing, not even a
 * statistic.  A CHPID: -ENOENT when not defined.  cfg is the SCLP state
 * (0 standby, 1 configured, 2 reserved, 3 not recognized). */
struct machine_chp_view {
	uint8_t type, cfg;
	bool link_failed; /* physical link down (HMC "chp fail") */
	uint32_t nsch;	  /* subchannels using it */
};
int machine_chp_view(struct machine *m, uint8_t chpid, struct machine_chp_view *v);
/* A subchannel as the CSS keeps it: -ENODEV when not installed. */
struct machine_sch_view {
	bool dnv;
	uint16_t devno;
	uint8_t pim, pam, pom, pnom, lpum;
	uint8_t chpid[8];
	bool notoper;	 /* injected: the device answers on no path */
	bool io_running; /* a channel program is connected on io_path */
	uint8_t io_path;
};
int machine_sch_view(struct machine *m, uint8_t ssid, uint16_t sch_no, struct machine_sch_view *v);

/* Statistics for tests and benchmarks. */
struct machine_stats {
	uint64_t stsch, msch, ssch, tsch, csch, hsch, xsch, rsch, stcrw, chsc, servc;
	uint64_t crws_queued, crws_lost, interrupts;
	uint64_t chp_event_sch_visits; /* subchannels touched by CHPID events */
	/* data bytes the devices moved straight to or from storage (the data
	 * area in place), and through the channel's buffer */
	uint64_t bytes_in_place, bytes_buffered;
};
const struct machine_stats *machine_stats(struct machine *m);

#endif
