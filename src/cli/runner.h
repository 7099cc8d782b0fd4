/* The world of a run (sim, machine, host OS node, hmc node, VMM), and the
 * scenario runner that types a transcript's commands into it. */
#ifndef CHPSYNC_CLI_RUNNER_H
#define CHPSYNC_CLI_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/hmc.h"
#include "cli/scenario.h"
#include "sim/sim.h"

struct machine;
struct world;
struct node;
struct os;

struct run_opts {
	bool seed_set; /* --seed N: PRNG seed, equal-time events permuted */
	uint64_t seed;
	const char *trace;	/* --trace FILE, or NULL */
	const char *iocp;	/* --iocp FILE: overrides the scenario's deck */
	bool keep_workdir;	/* --keep-workdir */
	bool debug;		/* --debug or '#! debug': debug-only kernel lines in dmesg */
	FILE *err;		/* where "chpsync: ..." messages go (stderr) */
	bool trace_chrome;	/* --trace-format=chrome: the trace as Chrome JSON */
	const char *timeline;	/* --timeline FILE.svg|FILE.html, or NULL */
	const char *title;	/* the timeline's title (default: the scenario) */
	bool real_qemu;		/* --real-qemu: the host's qemu-system-s390x is the real one */
	const char *sysfs_dump; /* --sysfs-dump DIR: each OS node's /sys at the end */
};

#define RUN_DEFAULT_SEED 1
/* Guards against work that keeps the scheduler busy without end: a wait
 * gives up after this many events at one instant of simulated time, or
 * this many events in all (a few seconds of real time each). */
#define RUN_MAX_EVENTS_AT_ONE_TIME 1000000u
#define RUN_MAX_EVENTS		   20000000u

struct run_world {
	struct sim *sim;
	struct machine *machine;
	struct world *world;
	struct os *host;
	struct node *host_node, *hmc_node;
	struct vmm *vmm; /* qemu-system-s390x of the host node */
	FILE *trace;
	struct tl *tl;	/* the timeline recorder (--timeline, chrome trace) */
	FILE *timeline; /* --timeline FILE, opened before the run */
	bool timeline_html;
	char workdir[4096];
	bool keep_workdir;
	bool debug;			       /* every OS of the world logs its debug-only lines */
	char basedir[4096];		       /* relative paths of hmc commands start here */
	struct hmc hmc;			       /* context of the hmc node's programs */
	sim_time_t timeout;		       /* cap of simulated time per command */
	uint64_t max_events_still, max_events; /* RUN_MAX_EVENTS_* */
	/* Commands that did not end (deadlock, timeout), kept to be given
	 * one more chance to end before the world goes away. */
	struct proc **stuck;
	size_t nstuck;
	/* --real-qemu: the world behind chpsync serve, real QEMUs and guests
	 * (cli/realqemu.h); commands go through it. */
	struct realqemu *rq;
	/* Names of the nodes with an OS, in the order they came (host first). */
	char **osnodes;
	size_t nosnodes;
	int last_status; /* exit status of the last command that ended */
	uint64_t events; /* events run while waiting for commands */
};

/* Build and boot a world: seed, deck (NULL = built-in), base directory for
 * relative paths.  0, or -1 with "what is wrong" in err. */
int run_world_create(struct run_world *rw, const struct run_opts *o, uint64_t seed, bool permute,
		     const char *iocp, const char *basedir, char *err, size_t errlen);
/* Let the commands that did not end run on (with the same guards) and
 * release them; then free the world. */
void run_world_destroy(struct run_world *rw);
/* Write what the run recorded (the timeline, a Chrome trace).  0, or -1
 * after a message to o->err.  run_scenario() calls it itself. */
int run_world_finish(struct run_world *rw, const struct run_opts *o);

enum run_result {
	RUN_OK = 0,
	RUN_NO_NODE,  /* no such node */
	RUN_DEADLOCK, /* the event queue ran dry before the command ended */
	RUN_TIMEOUT,  /* rw->timeout of simulated time passed */
	RUN_LIVELOCK, /* too many events without an end (below) */
	RUN_NOMEM,
};

/* Run one command line on a node to its end and return the node's terminal
 * text since its last command (malloc'd, "\n"-terminated unless empty) in
 * *out.  An empty cmd only collects the terminal text.  On RUN_DEADLOCK /
 * RUN_TIMEOUT *out still holds what the command printed. */
enum run_result run_command(struct run_world *rw, const char *node, const char *cmd, char **out);
const char *run_result_str(enum run_result r);

/* Write /sys of every node with an OS that is still there to DIR/NODE/sys
 * (cli/sysfs_dump.h).  0, or -1 with err. */
int run_sysfs_dump(struct run_world *rw, const char *dir, char *err, size_t errlen);

/* Run a scenario and write its transcript to out (comments and prompts as
 * written, each command followed by its actual output).  0, or -1 after an
 * error message "chpsync: FILE:LINE: what is wrong" to o->err. */
int run_scenario(const struct scenario *s, const struct run_opts *o, FILE *out);

/* The built-in default scenario: the cover letter's example, as its input
 * lines only (comments and commands; every output line is computed). */
extern const char default_scenario_name[];
extern const char default_scenario_text[];

#endif
