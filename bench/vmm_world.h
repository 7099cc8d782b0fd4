/* A small world for the VMM benchmarks: machine from an IOCP deck (text),
 * host OS node with the VMM installed, commands run to their end.  Header
 * only: each benchmark source is built on its own. */
#ifndef CHPSYNC_BENCH_VMM_WORLD_H
#define CHPSYNC_BENCH_VMM_WORLD_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/guest.h"
#include "machine/machine.h"
#include "os/os.h"
#include "user/progs.h"
#include "user/shell.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

struct bw {
	struct sim *sim;
	struct machine *m;
	struct os *host;
	struct world *world;
	struct node *hn;
	struct vmm *vmm; /* qemu-system-s390x of hn */
	struct guests guests;
	char dir[64];
};

static inline bool bw_proc_done(void *p)
{
	return proc_done(p);
}

static inline bool bw_booted(void *os)
{
	return os_booted(os);
}

static inline void bw_die(const char *what, const char *detail)
{
	fprintf(stderr, "bench: %s: %s\n", what, detail);
	exit(1);
}

static inline void bw_up(struct bw *w, const char *deck)
{
	/* The simulator's own speed: the zero-latency machine. */
	struct machine_config mc = {.timing = MACHINE_TIMING_ZERO};
	struct os_config oc = {.hostname = "host"};
	char err[512];

	snprintf(w->dir, sizeof(w->dir), "/tmp/chpsync-bench-XXXXXX");
	if (!mkdtemp(w->dir))
		bw_die("mkdtemp", w->dir);
	mc.workdir = w->dir;
	w->sim = sim_new(1);
	sim_trace_keep(w->sim, false);
	w->m = machine_new(w->sim, &mc);
	if (deck ? machine_load_iocp_text(w->m, "bench", deck, err, sizeof(err))
		 : machine_load_iocp(w->m, NULL, err, sizeof(err)))
		bw_die("iocp", err);
	w->host = os_create(w->sim, machine_css(w->m), &oc);
	w->world = world_new(w->sim);
	w->hn = world_add_node(w->world, "host", w->host);
	node_add_os_progs(w->hn);
	w->vmm = vmm_install(w->hn);
	w->guests = (struct guests){.world = w->world};
	guests_install(&w->guests, w->vmm);
	sim_run_until(w->sim, bw_booted, w->host);
	free(node_take_output(w->hn));
}

static inline int bw_rm(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb, (void)flag, (void)f;
	return remove(path);
}

static inline void bw_down(struct bw *w)
{
	struct world *world = w->world;

	world_free(world);
	vmm_free(w->vmm);
	os_destroy(w->host);
	machine_free(w->m);
	sim_free(w->sim);
	nftw(w->dir, bw_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* Run a command line on a node to its end; exits on a non-zero status. */
static inline void bw_run(struct bw *w, const char *node, const char *line)
{
	struct node *n = world_find_node(w->world, node);
	struct proc *p;
	char *out;
	int st;

	if (!n)
		bw_die("no node", node);
	p = node_run(n, line);
	sim_run_until(w->sim, bw_proc_done, p);
	st = proc_done(p) ? proc_status(p) : -1;
	proc_free(p);
	out = node_take_output(n);
	if (st) {
		fprintf(stderr, "bench: %s: %s: status %d\n%s", node, line, st, out ? out : "");
		exit(1);
	}
	free(out);
}

static inline void bw_wait_booted(struct bw *w, const char *node)
{
	struct node *n = world_find_node(w->world, node);

	if (!n)
		bw_die("no node", node);
	sim_run_until(w->sim, bw_booted, node_os(n));
	free(node_take_output(n));
}

static inline double bw_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
