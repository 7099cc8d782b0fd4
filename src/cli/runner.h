/* The world of a run (sim, machine, host OS node, hmc node, VMM), and the
 * scenario runner that types a transcript's commands into it. */
#ifndef CHPSYNC_CLI_RUNNER_H
#define CHPSYNC_CLI_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/guest.h"
#include "cli/hmc.h"
#include "cli/scenario.h"
#include "machine/machine.h"
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
	bool upstream;		/* '#! host-driver upstream': the host as upstream Linux */
	FILE *err;		/* where "chpsync: ..." messages go (stderr) */
	bool trace_chrome;	/* --trace-format=chrome: the trace as Chrome JSON */
	const char *timeline;	/* --timeline FILE.svg|FILE.html, or NULL */
	const char *title;	/* the timeline's title (default: the scenario) */
	bool real_qemu;		/* --real-qemu: the host's qemu-system-s390x is the real one */
	const char *sysfs_dump; /* --sysfs-dump DIR: each OS node's /sys at the end */
	/* --timing ficon|zero (overrides '#! timing') */
	bool timing_set;
	enum machine_timing_model timing;
	/* --think DURATION (overrides every '#! think') */
	bool think_set;
	sim_time_t think;
};

#define RUN_DEFAULT_SEED 1
/* Guards against work that keeps the scheduler busy while simulated time
 * does not move on (a few seconds of real time each): a wait gives up after
 * this many events at one instant of simulated time, or when a window of
 * RUN_LIVELOCK_WINDOW events moved the clock by less than
 * RUN_LIVELOCK_MIN_TIME (an event per nanosecond or more often, for ten
 * million events: a world that busy is spinning, not working; a long
 * command, such as a read of a whole volume, moves the clock by
 * microseconds per event).  Work that moves the clock is bounded by the
 * time limit. */
#define RUN_MAX_EVENTS_AT_ONE_TIME 1000000u
#define RUN_LIVELOCK_WINDOW	   10000000u
#define RUN_LIVELOCK_MIN_TIME	   (10 * SIM_MS)
#define RUN_INTR_POLL		   1024u

struct run_world {
	struct sim *sim;
	struct machine *machine;
	struct world *world;
	struct os *host;
	struct node *host_node, *hmc_node;
	struct vmm *vmm;      /* qemu-system-s390x of the host node */
	struct guests guests; /* how its VMs' guests join the world */
	FILE *trace;
	struct tl *tl;	/* the timeline recorder (--timeline, chrome trace) */
	FILE *timeline; /* --timeline FILE, opened before the run */
	bool timeline_html;
	char workdir[4096];
	bool keep_workdir;
	bool debug;		   /* every OS of the world logs its debug-only lines */
	bool upstream;		   /* the host OS as upstream Linux (os_config.upstream) */
	char basedir[4096];	   /* relative paths of hmc commands start here */
	struct hmc hmc;		   /* context of the hmc node's programs */
	sim_time_t timeout;	   /* cap of simulated time per command */
	/* A person's moment between a prompt and the command typed at it
	 * (run_scenario and the shell set it; 0 for other users). */
	sim_time_t think;
	uint64_t max_events_still; /* RUN_MAX_EVENTS_AT_ONE_TIME */
	uint64_t max_events;	   /* events per wait in all (none: UINT64_MAX) */
	uint64_t livelock_window;  /* RUN_LIVELOCK_WINDOW */
	sim_time_t livelock_min_time;
	/* Commands that did not end (deadlock, timeout), kept to be ended
	 * before the world goes away. */
	struct proc **stuck;
	size_t nstuck;
	/* The command run_command() waits for, and a pending Ctrl-C for it
	 * (run_interrupt(), or intr_poll(intr_ctx) returning true: polled
	 * every RUN_INTR_POLL events while a command runs). */
	struct proc *fg;
	bool intr;
	bool (*intr_poll)(void *ctx);
	void *intr_ctx;
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
/* End the run: every process still running or waiting on any node is
 * killed (SIGKILL) and the world runs on until they have ended; I/O that
 * waits for what is not coming (a device with no path) is failed as the
 * system goes down.  Then the world is freed.  Returns the number of
 * processes that could not be ended (0 unless the model has a bug; they
 * are reported on stderr). */
size_t run_world_destroy(struct run_world *rw);
/* Ctrl-C at the terminal: the command run_command() is running gets
 * SIGINT; the world and the background jobs go on. */
void run_interrupt(struct run_world *rw);
/* Write what the run recorded (the timeline, a Chrome trace).  0, or -1
 * after a message to o->err.  run_scenario() calls it itself. */
int run_world_finish(struct run_world *rw, const struct run_opts *o);

enum run_result {
	RUN_OK = 0,
	RUN_NO_NODE,  /* no such node */
	RUN_DEADLOCK, /* the event queue ran dry before the command ended */
	RUN_TIMEOUT,  /* rw->timeout of simulated time passed (the command
		       * is then ended with SIGTERM, as timeout(1) does) */
	RUN_LIVELOCK, /* events keep coming but simulated time stands still */
	RUN_NOMEM,
};

/* Run one command line on a node to its end and return the node's terminal
 * text since its last command (malloc'd, "\n"-terminated unless empty) in
 * *out.  The command starts rw->think after the node's prompt is there
 * (the world runs on meanwhile).  An empty cmd only collects the terminal
 * text.  On RUN_DEADLOCK / RUN_TIMEOUT *out still holds what the command
 * printed. */
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
