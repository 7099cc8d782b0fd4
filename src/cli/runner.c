/* The world of a run and the scenario runner.
 *
 * A run owns one sim, one machine (with its I/O configuration), the host OS
 * on node "host", the VMM installed there, and node "hmc".  Guests started by
 * qemu-system-s390x appear as further nodes.  A command runs the scheduler
 * until its process ends; it cannot hang chpsync: the wait stops when the
 * event queue runs dry (deadlock), when rw->timeout of simulated time has
 * passed (a sentinel event marks the limit), or when the event budgets run
 * out (livelock).
 */
#include "cli/runner.h"

#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/realqemu.h"
#include "cli/sysfs_dump.h"
#include "cli/timeline.h"
#include "machine/machine.h"
#include "os/os.h"
#include "user/progs.h"
#include "user/shell.h"
#include "vmm/vmm.h"

/* ---- waiting on the scheduler ---- */

struct wait {
	struct run_world *rw;
	bool (*cond)(void *arg);
	void *arg;
	bool timed_out, livelock;
	uint64_t events; /* events run so far */
	uint64_t still;	 /* events run since the clock last moved */
	uint64_t window; /* events run in the current window */
	uint64_t polls;	 /* events run, for rw->intr_poll */
	sim_time_t last, window_start;
};

static bool wait_done(void *arg)
{
	struct wait *wt = arg;
	struct run_world *rw = wt->rw;
	sim_time_t now = sim_now(rw->sim);

	tl_between_events(rw->tl);
	/* Ctrl-C: the foreground command gets SIGINT and the wait goes on
	 * until it has ended. */
	if (rw->intr_poll && rw->fg && ++wt->polls % RUN_INTR_POLL == 0 &&
	    rw->intr_poll(rw->intr_ctx))
		rw->intr = true;
	if (rw->intr) {
		rw->intr = false;
		if (rw->fg && !proc_done(rw->fg))
			proc_signal(rw->fg, SIGINT);
	}
	if (wt->cond(wt->arg) || wt->timed_out)
		return true;
	/* Work that does not let simulated time move on would keep chpsync
	 * busy for ever in real time: stop it.  Work that moves the clock
	 * (however long) ends at the time limit. */
	if (now != wt->last) {
		wt->last = now;
		wt->still = 0;
	}
	rw->events++;
	if (++wt->still > rw->max_events_still || ++wt->events > rw->max_events) {
		wt->livelock = true;
		return true;
	}
	if (++wt->window >= rw->livelock_window) {
		if (now - wt->window_start < rw->livelock_min_time) {
			wt->livelock = true;
			return true;
		}
		wt->window = 0;
		wt->window_start = now;
	}
	/* Only our own sentinel left: nothing can ever end the wait. */
	return sim_pending(rw->sim) <= 1;
}

static void wait_timer(void *arg)
{
	struct wait *wt = arg;

	wt->timed_out = true;
}

/* Run the scheduler until cond(arg), `limit` of simulated time, or a dry
 * queue. */
static enum run_result run_until_within(struct run_world *rw, bool (*cond)(void *), void *arg,
					sim_time_t limit)
{
	struct wait wt = {.rw = rw,
			  .cond = cond,
			  .arg = arg,
			  .last = sim_now(rw->sim),
			  .window_start = sim_now(rw->sim)};
	struct sim_event *ev;

	if (cond(arg))
		return RUN_OK;
	ev = sim_at(rw->sim, limit, wait_timer, &wt);
	sim_run_until(rw->sim, wait_done, &wt);
	if (!wt.timed_out)
		sim_cancel(rw->sim, ev);
	if (cond(arg))
		return RUN_OK;
	if (wt.livelock)
		return RUN_LIVELOCK;
	return wt.timed_out ? RUN_TIMEOUT : RUN_DEADLOCK;
}

/* ... up to the run's time limit per command. */
static enum run_result run_until(struct run_world *rw, bool (*cond)(void *), void *arg)
{
	return run_until_within(rw, cond, arg, rw->timeout);
}

/* ---- boot output ---- */

/* The console text of a booting OS scrolls by before anyone logs in; like
 * a transcript that starts at the login prompt, drop it when boot is done
 * (dmesg still has it). */
static void boot_done(void *node)
{
	free(node_take_output(node));
}

static void on_node_added(void *ctx, struct node *n)
{
	struct run_world *rw = ctx;

	if (rw->debug && node_os(n))
		os_set_debug(node_os(n), 1);
	if (node_os(n)) {
		char **nv = realloc(rw->osnodes, (rw->nosnodes + 1) * sizeof(*nv));

		if (nv) {
			rw->osnodes = nv;
			nv[rw->nosnodes] = strdup(node_name(n));
			if (nv[rw->nosnodes])
				rw->nosnodes++;
		}
	}
	if (node_os(n) && !os_booted(node_os(n)))
		os_on_booted(node_os(n), boot_done, n);
}

static bool os_is_booted(void *arg)
{
	return os_booted(arg);
}

/* ---- the world ---- */

static int make_workdir(struct run_world *rw, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(rw->workdir, sizeof(rw->workdir), "%s/chpsync-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(rw->workdir)) {
		snprintf(err, errlen, "cannot create a work directory in %s: %s",
			 tmp && *tmp ? tmp : "/tmp", strerror(errno));
		rw->workdir[0] = '\0';
		return -1;
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_workdir(struct run_world *rw)
{
	if (!rw->workdir[0])
		return;
	if (rw->keep_workdir) {
		fprintf(stderr, "chpsync: work directory kept: %s\n", rw->workdir);
		return;
	}
	if (nftw(rw->workdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "chpsync: cannot remove %s: %s\n", rw->workdir, strerror(errno));
}

static int open_trace(struct run_world *rw, const char *path, bool chrome, char *err, size_t errlen)
{
	if (!path)
		return 0;
	rw->trace = fopen(path, "w");
	if (!rw->trace) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* A Chrome trace is written at the end, from the recorder. */
	if (!chrome)
		sim_trace_to(rw->sim, rw->trace);
	sim_trace_keep(rw->sim, false);
	return 0;
}

/* The output files open before the run, so that a bad path fails at once. */
static int open_timeline(struct run_world *rw, const struct run_opts *o, char *err, size_t errlen)
{
	if (!o->timeline)
		return 0;
	rw->timeline_html = tl_file_kind(o->timeline) == 1;
	rw->timeline = fopen(o->timeline, "w");
	if (!rw->timeline) {
		snprintf(err, errlen, "%s: %s", o->timeline, strerror(errno));
		return -1;
	}
	return 0;
}

static int start_recorder(struct run_world *rw, const struct run_opts *o, char *err, size_t errlen)
{
	if (!o->timeline && !(o->trace && o->trace_chrome))
		return 0;
	rw->tl = tl_new(rw->sim, rw->machine, o->title ? o->title : "chpsync");
	if (!rw->tl) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int build_machine(struct run_world *rw, const struct run_opts *o, const char *iocp,
			 char *err, size_t errlen)
{
	struct machine_config mc = {.workdir = rw->workdir, .timing = o->timing};

	rw->machine = machine_new(rw->sim, &mc);
	if (!rw->machine) {
		struct rlimit rl;

		/* Its storage is address space (README.md, "Memory"). */
		if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			snprintf(err, errlen,
				 "cannot create the machine: not enough address space "
				 "(ulimit -v is %llu kB; chpsync needs 1 GiB or more: ulimit -v "
				 "1048576)",
				 (unsigned long long)rl.rlim_cur / 1024);
		else
			snprintf(err, errlen, "cannot create the machine (out of memory)");
		return -1;
	}
	return machine_load_iocp(rw->machine, iocp, err, errlen);
}

/* Each guest OS boots on a tap of its virtual CSS (the timeline's view). */
static struct css_if tap_guest(void *ctx, struct css_if css, const char *name)
{
	return tl_tap(ctx, css, name);
}

static int build_nodes(struct run_world *rw, char *err, size_t errlen)
{
	struct os_config oc = {.hostname = "host", .upstream = rw->upstream};

	rw->world = world_new(rw->sim);
	if (!rw->world)
		goto nomem;
	world_on_add(rw->world, on_node_added, rw);
	rw->host = os_create(rw->sim,
			     rw->tl ? tl_tap(rw->tl, machine_css(rw->machine), "host")
				    : machine_css(rw->machine),
			     &oc);
	if (!rw->host)
		goto nomem;
	rw->host_node = world_add_node(rw->world, "host", rw->host);
	rw->hmc_node = world_add_node(rw->world, "hmc", NULL);
	if (!rw->host_node || !rw->hmc_node)
		goto nomem;
	node_add_os_progs(rw->host_node);
	rw->vmm = vmm_install(rw->host_node);
	rw->guests = (struct guests){rw->world, rw->tl ? tap_guest : NULL, rw->tl};
	if (rw->vmm)
		guests_install(&rw->guests, rw->vmm);
	tl_attach(rw->tl, rw->world, rw->vmm, rw->host);
	rw->hmc.m = rw->machine;
	rw->hmc.basedir = rw->basedir;
	hmc_install(rw->hmc_node, &rw->hmc);
	return 0;
nomem:
	snprintf(err, errlen, "cannot create the host (out of memory)");
	return -1;
}

int run_world_create(struct run_world *rw, const struct run_opts *o, uint64_t seed, bool permute,
		     const char *iocp, const char *basedir, char *err, size_t errlen)
{
	enum run_result r;

	memset(rw, 0, sizeof(*rw));
	rw->timeout = SCN_DEFAULT_TIMEOUT;
	rw->max_events_still = RUN_MAX_EVENTS_AT_ONE_TIME;
	rw->max_events = o->max_events ? o->max_events : UINT64_MAX;
	rw->livelock_window = RUN_LIVELOCK_WINDOW;
	rw->livelock_min_time = RUN_LIVELOCK_MIN_TIME;
	rw->keep_workdir = o->keep_workdir;
	rw->debug = o->debug;
	rw->upstream = o->upstream;
	snprintf(rw->basedir, sizeof(rw->basedir), "%s", basedir ? basedir : "");
	rw->sim = sim_new(seed);
	if (!rw->sim) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sim_set_permute(rw->sim, permute);
	if (open_trace(rw, o->trace, o->trace_chrome, err, errlen) < 0 ||
	    open_timeline(rw, o, err, errlen) < 0 || make_workdir(rw, err, errlen) < 0 ||
	    build_machine(rw, o, iocp, err, errlen) < 0 || start_recorder(rw, o, err, errlen) < 0 ||
	    build_nodes(rw, err, errlen) < 0)
		goto fail;
	r = run_until(rw, os_is_booted, rw->host);
	if (r != RUN_OK) {
		snprintf(err, errlen, "the host OS did not finish booting (%s)", run_result_str(r));
		goto fail;
	}
	return 0;
fail:
	run_world_destroy(rw);
	return -1;
}

static bool all_ended(void *arg)
{
	struct run_world *rw = arg;

	return world_live_procs(rw->world) == 0;
}

/* Simulated time the end of a run may take: killed processes end at once
 * unless they wait in the kernel, whose I/O ends in milliseconds. */
#define RUN_END_LIMIT (60 * SIM_S)

/* A task abandoned in the middle would leave what its frames hold (and
 * its place on wait queues of objects about to be freed): end every
 * process first.  Killed, they end at their next interruptible wait or
 * system call; what still waits in a kernel for I/O that is not coming
 * (a device without a path) gets it failed as the system goes down. */
static size_t end_processes(struct run_world *rw)
{
	size_t left;

	world_kill_all(rw->world);
	run_until_within(rw, all_ended, rw, RUN_END_LIMIT);
	if (world_live_procs(rw->world)) {
		vmm_shutdown(rw->vmm);
		os_shutdown(rw->host);
		run_until_within(rw, all_ended, rw, RUN_END_LIMIT);
	}
	for (size_t i = 0; i < rw->nstuck; i++)
		proc_free(rw->stuck[i]);
	free(rw->stuck);
	rw->stuck = NULL;
	rw->nstuck = 0;
	left = world_live_procs(rw->world);
	if (left)
		fprintf(stderr,
			"chpsync: internal error: %zu process%s could not be ended at the end "
			"of the run\n",
			left, left == 1 ? "" : "es");
	return left;
}

int run_world_finish(struct run_world *rw, const struct run_opts *o)
{
	int rc = 0;

	if (!rw->tl)
		return 0;
	tl_detach(rw->tl);
	if (rw->timeline) {
		if (tl_write_svg(rw->tl, rw->timeline, rw->timeline_html) < 0) {
			fprintf(o->err, "chpsync: %s: cannot write the timeline\n", o->timeline);
			rc = -1;
		}
		if (fclose(rw->timeline) != 0 && !rc) {
			fprintf(o->err, "chpsync: %s: %s\n", o->timeline, strerror(errno));
			rc = -1;
		}
		rw->timeline = NULL;
	}
	if (rw->trace && o->trace_chrome) {
		if (tl_write_chrome(rw->tl, rw->trace) < 0) {
			fprintf(o->err, "chpsync: %s: cannot write the trace\n", o->trace);
			rc = -1;
		}
	}
	return rc;
}

size_t run_world_destroy(struct run_world *rw)
{
	size_t left = 0;

	tl_detach(rw->tl);
	if (rw->world)
		left = end_processes(rw);
	/* Nodes first (their processes and terminals), then the OS they run,
	 * the machine under it, and the scheduler everything lives on. */
	if (rw->world) {
		world_free(rw->world);
		/* The VMs (guest OS, virtual CSS, vfio devices) after their
		 * nodes, before the host OS their vfio devices are open on. */
		vmm_free(rw->vmm);
	}
	if (rw->host)
		os_destroy(rw->host);
	if (rw->machine)
		machine_free(rw->machine);
	if (rw->sim)
		sim_free(rw->sim);
	if (rw->trace)
		fclose(rw->trace);
	if (rw->timeline)
		fclose(rw->timeline);
	tl_free(rw->tl);
	remove_workdir(rw);
	for (size_t i = 0; i < rw->nosnodes; i++)
		free(rw->osnodes[i]);
	free(rw->osnodes);
	memset(rw, 0, sizeof(*rw));
	return left;
}

void run_interrupt(struct run_world *rw)
{
	rw->intr = true;
}

/* ---- commands ---- */

const char *run_result_str(enum run_result r)
{
	switch (r) {
	case RUN_OK:
		return "ok";
	case RUN_NO_NODE:
		return "no such node";
	case RUN_DEADLOCK:
		return "the command waits for something that nothing in the simulated world is "
		       "going to do (no event is left)";
	case RUN_TIMEOUT:
		return "the time limit of simulated time was reached; the command was ended "
		       "(SIGTERM)";
	case RUN_LIVELOCK:
		return "events keep coming but simulated time does not move on";
	case RUN_NOMEM:
		return "out of memory";
	}
	return "?";
}

struct node_wait {
	struct run_world *rw;
	const char *name;
};

static bool node_exists(void *arg)
{
	struct node_wait *nw = arg;

	return world_find_node(nw->rw->world, nw->name) != NULL;
}

static bool proc_is_done(void *arg)
{
	return proc_done(arg);
}

/* The node's terminal text, ending in a newline so that the next prompt
 * starts a line of its own. */
static char *take_output(struct node *n)
{
	char *s = node_take_output(n);
	size_t len;

	if (!s)
		return strdup("");
	len = strlen(s);
	if (len && s[len - 1] != '\n') {
		char *ns = realloc(s, len + 2);

		if (!ns) {
			free(s);
			return NULL;
		}
		ns[len] = '\n';
		ns[len + 1] = '\0';
		s = ns;
	}
	return s;
}

/* A node a scenario names may be on its way (a guest being started):
 * wait for it, then for its OS to finish booting, like an administrator
 * waiting for the login prompt. */
static enum run_result find_node(struct run_world *rw, const char *name, struct node **np)
{
	struct node_wait nw = {rw, name};
	enum run_result r;
	struct node *n;

	r = run_until(rw, node_exists, &nw);
	if (r != RUN_OK)
		return RUN_NO_NODE;
	n = world_find_node(rw->world, name);
	if (node_os(n)) {
		r = run_until(rw, os_is_booted, node_os(n));
		if (r != RUN_OK)
			return r;
	}
	*np = n;
	return RUN_OK;
}

static bool never(void *arg)
{
	return false;
}

/* The moment a person takes between a prompt and the command typed at it:
 * the world runs on (I/O completes, reports arrive, timers fire). */
static enum run_result think(struct run_world *rw)
{
	sim_time_t until = sim_now(rw->sim) + rw->think;
	enum run_result r;

	if (!rw->think)
		return RUN_OK;
	r = run_until_within(rw, never, NULL, rw->think);
	if (r == RUN_LIVELOCK)
		return r;
	/* Nothing was due any more: the clock still moves on. */
	if (sim_now(rw->sim) < until)
		sim_run_to(rw->sim, until);
	return RUN_OK;
}

static void keep_stuck(struct run_world *rw, struct proc *p)
{
	struct proc **nv = realloc(rw->stuck, (rw->nstuck + 1) * sizeof(*nv));

	if (!nv) {
		proc_free(p); /* released: the node frees it when it ends */
		return;
	}
	rw->stuck = nv;
	nv[rw->nstuck++] = p;
}

enum run_result run_command(struct run_world *rw, const char *name, const char *cmd, char **out)
{
	enum run_result r;
	struct node *n;
	struct proc *p;

	*out = NULL;
	if (rw->rq)
		return realqemu_command(rw->rq, name, cmd, out);
	r = find_node(rw, name, &n);
	if (r == RUN_OK)
		r = think(rw);
	if (r != RUN_OK)
		return r;
	tl_command_start(rw->tl, name, cmd);
	if (*cmd) {
		p = node_run(n, cmd);
		if (!p)
			return RUN_NOMEM;
		rw->fg = p;
		rw->intr = false;
		r = run_until(rw, proc_is_done, p);
		if (r == RUN_TIMEOUT) {
			/* As timeout(1): SIGTERM, and a moment to end. */
			proc_signal(p, SIGTERM);
			run_until_within(rw, proc_is_done, p, SIM_S);
		}
		rw->fg = NULL;
		if (proc_done(p)) {
			rw->last_status = proc_status(p);
			proc_free(p);
		} else {
			keep_stuck(rw, p);
		}
	}
	tl_command_end(rw->tl);
	*out = take_output(n);
	if (!*out)
		return RUN_NOMEM;
	return r;
}

/* ---- sysfs dump ---- */

struct dump_job {
	struct sysfs *fs;
	char *dir;
	char err[512];
	int rc;
	bool done;
};

static void dump_task(void *arg)
{
	struct dump_job *j = arg;

	j->rc = sysfs_dump(j->fs, j->dir, j->err, sizeof(j->err));
	j->done = true;
}

static bool dump_done(void *arg)
{
	return ((struct dump_job *)arg)->done;
}

int run_sysfs_dump(struct run_world *rw, const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < rw->nosnodes; i++) {
		struct node *n = world_find_node(rw->world, rw->osnodes[i]);
		struct dump_job j = {0};
		struct sim_task *t;
		char *nd = NULL;

		if (!n || !node_os(n))
			continue; /* a guest that has gone */
		if (asprintf(&nd, "%s/%s", dir, rw->osnodes[i]) < 0 ||
		    asprintf(&j.dir, "%s/sys", nd) < 0 ||
		    (mkdir(nd, 0755) < 0 && errno != EEXIST)) {
			snprintf(err, errlen, "%s: %s", nd ? nd : dir,
				 strerror(errno ? errno : ENOMEM));
			free(nd);
			free(j.dir);
			return -1;
		}
		j.fs = node_os(n)->sysfs;
		t = sim_task_spawn(rw->sim, "sysfs-dump", dump_task, &j);
		if (!t || run_until(rw, dump_done, &j) != RUN_OK) {
			snprintf(err, errlen, "%s: the dump did not end", nd);
			free(nd);
			free(j.dir);
			return -1;
		}
		sim_task_free(t);
		free(nd);
		free(j.dir);
		if (j.rc < 0) {
			snprintf(err, errlen, "%s", j.err);
			return -1;
		}
	}
	return 0;
}

/* ---- scenarios ---- */

static void fmt_duration(char *buf, size_t len, sim_time_t t)
{
	if (t % (3600 * SIM_S) == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(t / (3600 * SIM_S)));
	else if (t % (60 * SIM_S) == 0)
		snprintf(buf, len, "%llum", (unsigned long long)(t / (60 * SIM_S)));
	else if (t % SIM_S == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(t / SIM_S));
	else
		snprintf(buf, len, "%llums", (unsigned long long)(t / SIM_MS));
}

static void command_error(const struct scenario *s, const struct scn_item *it,
			  const struct run_opts *o, enum run_result r)
{
	char dur[32];

	switch (r) {
	case RUN_NO_NODE:
		fprintf(o->err,
			"chpsync: %s:%d: no node '%s' (nodes: host, hmc, and each guest by its "
			"-name)\n",
			s->name, it->line, it->node);
		break;
	case RUN_TIMEOUT:
		fmt_duration(dur, sizeof(dur), s->timeout);
		fprintf(o->err,
			"chpsync: %s:%d: command did not complete within %s of simulated time\n",
			s->name, it->line, dur);
		break;
	case RUN_DEADLOCK:
		fprintf(o->err,
			"chpsync: %s:%d: command did not complete: it waits for something that "
			"nothing in the simulated world is going to do (no event is left; for "
			"example I/O to a device without a usable channel path)\n",
			s->name, it->line);
		break;
	case RUN_LIVELOCK:
		fprintf(o->err,
			"chpsync: %s:%d: command did not complete: events keep coming but "
			"simulated time does not move on (%u events at one instant, or %u "
			"within %llu ms)\n",
			s->name, it->line, RUN_MAX_EVENTS_AT_ONE_TIME, RUN_LIVELOCK_WINDOW,
			(unsigned long long)(RUN_LIVELOCK_MIN_TIME / SIM_MS));
		break;
	default:
		fprintf(o->err, "chpsync: %s:%d: %s\n", s->name, it->line, run_result_str(r));
	}
}

static int run_items(struct run_world *rw, const struct scenario *s, const struct run_opts *o,
		     FILE *out)
{
	for (size_t i = 0; i < s->nitems; i++) {
		const struct scn_item *it = &s->items[i];
		enum run_result r;
		char *text = NULL;

		fprintf(out, "%s\n", it->text);
		if (it->think_set && !o->think_set)
			rw->think = it->think;
		if (it->kind != SCN_COMMAND)
			continue;
		sim_trace(rw->sim, "chpsync", "%s:%d: [%s] %s", s->name, it->line, it->node,
			  it->cmd);
		r = run_command(rw, it->node, it->cmd, &text);
		if (text)
			fputs(text, out);
		free(text);
		if (r != RUN_OK) {
			fflush(out);
			command_error(s, it, o, r);
			return -1;
		}
	}
	return 0;
}

int run_scenario(const struct scenario *s, const struct run_opts *o, FILE *out)
{
	struct run_world rw;
	uint64_t seed = o->seed_set ? o->seed : s->seed_set ? s->seed : RUN_DEFAULT_SEED;
	const char *iocp = o->iocp ? o->iocp : s->iocp;
	struct run_opts opts = *o;
	char err[1024], title[512];
	int rc;

	opts.debug = o->debug || s->debug;
	opts.upstream = o->upstream || s->upstream;
	if (!o->timing_set && s->timing_set)
		opts.timing = s->timing;
	if (!opts.title) {
		snprintf(title, sizeof(title), "chpsync run %s", s->name);
		opts.title = title;
	}
	o = &opts;
	if (run_world_create(&rw, o, seed, o->seed_set || s->seed_set, iocp, s->dir, err,
			     sizeof(err)) < 0) {
		if (!o->iocp && s->iocp)
			fprintf(o->err, "chpsync: %s:%d: %s\n", s->name, s->iocp_line, err);
		else
			fprintf(o->err, "chpsync: %s: %s\n", s->name, err);
		return -1;
	}
	rw.timeout = s->timeout;
	rw.think = o->think_set ? o->think : SCN_DEFAULT_THINK;
	if (o->real_qemu) {
		char image[4096];

		if (realqemu_image(image, sizeof(image), err, sizeof(err)) < 0 ||
		    !(rw.rq = realqemu_new(&rw, image, err, sizeof(err)))) {
			fprintf(o->err, "chpsync: %s: --real-qemu: %s\n", s->name, err);
			run_world_destroy(&rw);
			return -1;
		}
	}
	rc = run_items(&rw, s, o, out);
	fflush(out);
	if (!rc && o->sysfs_dump && run_sysfs_dump(&rw, o->sysfs_dump, err, sizeof(err)) < 0) {
		fprintf(o->err, "chpsync: %s: --sysfs-dump: %s\n", s->name, err);
		rc = -1;
	}
	realqemu_free(rw.rq);
	rw.rq = NULL;
	/* What was recorded is written also when a command failed: that is
	 * when a picture of the run helps most. */
	if (run_world_finish(&rw, o) < 0)
		rc = -1;
	/* A process the end of the run could not end is a bug of the model
	 * (reported by run_world_destroy): the run fails. */
	if (run_world_destroy(&rw))
		rc = -1;
	return rc;
}
