/* chpsync explore: seed-driven fault exploration (docs/explore.md).
 *
 *   seed --explore_gen.c--> plan (topology, workload, fault schedule)
 *   plan --explore_run.c--> scenario commands typed into a world, with an
 *                           oracle and the invariant checks; the verdict
 *   plan --explore_shrink.c-> a smaller plan with the same failure
 *   verdicts --explore_out.c--> results.jsonl, junit.xml, fail-SEED.scenario
 *   explore_cli.c: options, worker processes, progress, resume.
 *
 * A plan is a plain value (fixed arrays, no pointers), so that the shrinker
 * can copy and edit it freely.  Running a plan is a pure function of the
 * plan: the world's seed is the plan's seed, and everything the explorer
 * does to the world goes through scenario commands, so the transcript it
 * writes replays the run exactly under `chpsync run`.
 */
#ifndef CHPSYNC_CLI_EXPLORE_H
#define CHPSYNC_CLI_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"

#define XP_MAX_CHP    12 /* 8 + CHPIDs added by activated decks */
#define XP_MAX_CU     12
#define XP_MAX_DEV    72 /* 64 + devices added by activated decks */
#define XP_MAX_GUEST  8
#define XP_MAX_DECK   4 /* decks the fault schedule activates */
#define XP_MAX_ROUND  8
#define XP_MAX_OP     192
#define XP_MAX_FAULT  96
#define XP_MAX_BLOCKS 64 /* blocks (4 KiB) per I/O operation */

/* The invariants: one named check each (docs/explore.md). */
enum xp_inv {
	XI_NONE = 0,
	XI_DATA,     /* no acknowledged write lost, duplicated, torn, misplaced */
	XI_IO_ENDS,  /* every I/O ends, in time, with success or a documented error */
	XI_COMMANDS, /* administrative commands that the situation allows succeed */
	XI_CONVERGE, /* after quiescence the guests' path views equal the host's */
	XI_BOUNDS,   /* CRW queues, events, memory, tasks within their bounds */
	XI_CRASH,    /* the run ended without a crash or a sanitizer report */
	XI_NINV,
};
const char *xp_inv_name(enum xp_inv i);
enum xp_inv xp_inv_from_name(const char *name);

enum xp_policy { XP_EAGER, XP_LAZY, XP_QEMU };
enum xp_host_driver { XP_HOST_CHPSYNC, XP_HOST_UPSTREAM };
enum xp_vmm { XP_VMM_CHPSYNC, XP_VMM_QEMU };

enum xp_fault_kind {
	XF_LINK,     /* hmc chp fail / chp repair */
	XF_CONFIG,   /* host chchp -c 0 / -c 1 */
	XF_VARY,     /* host chchp -v 0 / -v 1 */
	XF_NOTOPER,  /* hmc dev notoper / dev oper */
	XF_MDEV,     /* host mdevctl stop / mdevctl start (+ restart of the guest) */
	XF_POWER,    /* guest poweroff / host qemu-system-s390x */
	XF_ACTIVATE, /* hmc activate of a deck that adds a path, a CU, devices */
	XF_NKINDS,
};
const char *xp_fault_name(enum xp_fault_kind k);

/* A profile: a documented mix, and the bounds of every dimension. */
struct xp_range {
	int lo, hi;
	bool set; /* in struct xp_limits: given on the command line */
};
struct xp_profile {
	const char *name, *doc;
	struct xp_range guests, dasd, chpids, cus, rounds, ops, faults, blocks;
	unsigned kinds;	   /* bit per enum xp_fault_kind */
	int lazy_pct;	   /* share of pass-through devices with chpsync=lazy */
	int sclp_off_pct;  /* share of guests with sclp-chp-info=off */
	int host_dev_pct;  /* share of devices the host keeps for itself */
	int direct_pct;	   /* share of I/O with O_DIRECT (else buffered, bs < 4 KiB) */
	int all_paths_pct; /* share of rounds that take every path of a device */
	sim_time_t window; /* fault times fall in [0, window) of a round */
};
extern const struct xp_profile xp_profiles[];
const struct xp_profile *xp_profile_find(const char *name);

/* ---- the plan ---- */

struct xp_chp {
	uint8_t id;
	uint8_t deck; /* 0: the initial deck; k: added by activate k */
};
struct xp_cu {
	uint16_t num;
	bool is2107;
	uint8_t nchp;
	uint8_t chp[8]; /* indices into plan.chp */
	uint8_t deck;
};
struct xp_dev {
	uint16_t devno;
	uint16_t sch; /* host subchannel number */
	uint8_t cu;
	uint8_t deck;
	int8_t guest;	/* -1: the host's own */
	uint8_t policy; /* enum xp_policy (pass-through only) */
	uint32_t base;	/* first block of the workload region */
	uint16_t nblk;	/* blocks in the region */
};
struct xp_guest {
	bool sclp_off; /* -machine ...,sclp-chp-info=off */
};
struct xp_op {
	uint8_t round;
	uint8_t dev;
	bool write;
	bool direct;
	uint16_t off, n; /* blocks, relative to the region */
	uint16_t bs;	 /* dd bs= of a buffered operation (bytes) */
};
struct xp_fault {
	uint8_t round;
	uint8_t kind;	 /* enum xp_fault_kind */
	uint8_t target;	 /* a CHPID, device, guest or deck index by kind */
	bool hmc;	 /* XF_CONFIG: from the HMC (chp deconfigure) instead of the host */
	sim_time_t at;	 /* after the round's start */
	sim_time_t heal; /* after the round's start; 0: healed at the round's end */
};
struct xp_plan {
	uint64_t seed;
	char profile[16];
	uint8_t host_driver; /* enum xp_host_driver */
	uint8_t vmm;	     /* enum xp_vmm */
	int nchp, ncu, ndev, nguest, ndeck, nround, nop, nfault;
	struct xp_chp chp[XP_MAX_CHP];
	struct xp_cu cu[XP_MAX_CU];
	struct xp_dev dev[XP_MAX_DEV];
	struct xp_guest guest[XP_MAX_GUEST];
	struct xp_op op[XP_MAX_OP];
	struct xp_fault fault[XP_MAX_FAULT];
	bool probe; /* end with the lazy-guest probe (view unchanged before a touch) */
	/* Tests only (--sabotage): break one invariant on purpose with a real
	 * act (a stray write, a path taken for good, a failing command, ...),
	 * to show that its check fails.  XI_NONE normally. */
	uint8_t sabotage;
};

/* Limits given on the command line (a range replaces the profile's). */
struct xp_limits {
	struct xp_range guests, dasd, chpids, rounds, ops, faults, blocks;
	unsigned kinds; /* 0: the profile's */
};

/* Generate the plan of a seed.  0, or -1 with a message in err (limits
 * that cannot be met). */
int xp_generate(struct xp_plan *p, uint64_t seed, const struct xp_profile *prof,
		const struct xp_limits *lim, enum xp_host_driver hd, enum xp_vmm vmm, char *err,
		size_t errlen);

/* ---- running a plan ---- */

#define XP_IO_BOUND	 (5 * SIM_S)  /* an I/O ends this long after its last heal */
#define XP_CMD_TIMEOUT	 (60 * SIM_S) /* the scenario's timeout per command */
#define XP_MAX_CRW_GUEST 32	      /* a guest's CRW queue (vcss) */
#define XP_MAX_EVENTS	 3000000u     /* events of one whole run */

struct xp_verdict {
	enum xp_inv inv; /* XI_NONE: every check held */
	int step;	 /* index of the failing command (-1: none) */
	sim_time_t when; /* simulated time of the failure */
	char where[64];	 /* node, device */
	char what[512];	 /* one line: what failed */
	/* counts for the results line */
	int commands, ios, faults, reads_checked, blocks_checked;
	uint64_t events;
	sim_time_t sim_end;
};

struct xp_run_opts {
	const char *tmpdir; /* where deck files go (a per-process directory) */
	/* Shrinking and the reproducer run the plan in a child process (and
	 * its stderr goes to errpath): for crashes and sanitizer reports. */
	bool isolate;
	const char *errpath;
	FILE *transcript;    /* NULL, or where the scenario transcript goes */
	bool trace;	     /* keep the world's trace for the report's excerpt */
	char *trace_excerpt; /* out: malloc'd lines around the failure, or NULL */
};

/* Run a plan and check every invariant.  The verdict's inv says which one
 * failed first (XI_NONE if none).  Returns 0, or -1 if the world could not
 * be built (message in v->what). */
int xp_run(const struct xp_plan *p, struct xp_run_opts *o, struct xp_verdict *v);

/* xp_run in a child process: a crash, a sanitizer's stop or (ASan build)
 * a leak gives the verdict XI_CRASH instead of taking the caller down.
 * The child's stderr goes to errpath (NULL: unchanged); after(ctx, v), if
 * given, runs in the child after the run.  0, or -1 (no world, no fork). */
int xp_run_forked(const struct xp_plan *p, struct xp_run_opts *o, struct xp_verdict *v,
		  const char *errpath, void (*after)(void *ctx, const struct xp_verdict *v),
		  void *ctx);

/* ---- shrinking and output ---- */

/* Shrink a failing plan: fewer faults, operations, rounds, guests,
 * devices, paths and blocks while the same invariant still fails.  *p is
 * replaced by the smallest plan found; returns the number of runs made. */
int xp_shrink(struct xp_plan *p, const struct xp_run_opts *o, enum xp_inv inv, struct xp_verdict *v,
	      int max_runs);

/* The failure without the numbers shrinking changes (what must stay the
 * same while shrinking). */
void xp_signature(const struct xp_verdict *v, char *buf, size_t len);

/* Write the reproducer DIR/fail-SEED.scenario (and its deck files) for a
 * failing plan.  0 or -1 (errno). */
int xp_write_reproducer(const char *dir, const struct xp_plan *p, const struct xp_verdict *v,
			const struct xp_run_opts *o, char *path, size_t pathlen);

/* The deck of a plan: the initial one (k = 0) or activate deck k. */
char *xp_deck_text(const struct xp_plan *p, int k);

/* One JSON Lines record for a seed (no newline). */
void xp_result_json(FILE *f, const struct xp_plan *p, const struct xp_verdict *v,
		    const char *repro);

/* chpsync explore ... (argv[0] = "explore"). */
int cmd_explore_main(int argc, char **argv);

#endif
