/* Nodes, their terminals, and the shell that runs command lines on them.
 *
 * A command line runs in a sim task (the line's process).  A pipeline's
 * stages before the last run in tasks of their own, connected by bounded
 * in-memory pipes whose reader and writer block; the last stage runs in the
 * line's task.  `cmd &` starts the pipeline in a new task (a job) and goes
 * on.  Everything a process prints lands in the node's terminal at the
 * moment it is printed, interleaved with the OS console's lines.
 */
#include "os/shell.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/cmds.h"
#include "os/os.h"
#include "os/shell_priv.h"
#include "os/sysfs.h"
#include "os/vfs.h"

#define PIPE_SIZE 65536 /* Linux's default pipe capacity */

struct prog {
	char *name;
	prog_main fn;
	void *ctx;
	struct prog *next;
};

struct add_cb {
	void (*fn)(void *ctx, struct node *n);
	void *ctx;
	struct add_cb *next;
};

struct world {
	struct sim *sim;
	struct node *nodes;
	struct node *removed; /* kept until world_free: tasks may still run */
	struct add_cb *cbs;
};

/* ---- world and nodes ---- */

struct world *world_new(struct sim *sim)
{
	struct world *w = calloc(1, sizeof(*w));

	if (w)
		w->sim = sim;
	return w;
}

struct sim *world_sim(struct world *w)
{
	return w->sim;
}

static void proc_destroy(struct proc *p)
{
	if (p->task && sim_task_done(p->task))
		sim_task_free(p->task);
	free(p->sys_path);
	free(p->sys_buf);
	sh_line_put(p->line);
	free(p->text);
	free(p);
}

static void node_free(struct node *n)
{
	struct prog *pr, *prn;
	struct proc *p, *pn;

	if (n->os && n->os->console_ctx == n) {
		n->os->console = NULL;
		n->os->console_ctx = NULL;
	}
	for (pr = n->progs; pr; pr = prn) {
		prn = pr->next;
		free(pr->name);
		free(pr);
	}
	for (p = n->procs; p; p = pn) {
		pn = p->next;
		proc_destroy(p);
	}
	free(n->term);
	free(n->name);
	free(n);
}

void world_free(struct world *w)
{
	struct node *n, *nn;
	struct add_cb *c, *cn;

	if (!w)
		return;
	for (n = w->nodes; n; n = nn) {
		nn = n->next;
		node_free(n);
	}
	for (n = w->removed; n; n = nn) {
		nn = n->next;
		node_free(n);
	}
	for (c = w->cbs; c; c = cn) {
		cn = c->next;
		free(c);
	}
	free(w);
}

static void node_console(void *ctx, const char *text)
{
	node_write(ctx, text, strlen(text));
}

struct node *world_add_node(struct world *w, const char *name, struct os *os)
{
	struct node *n, **pp;
	struct add_cb *c;

	if (!name || !*name || world_find_node(w, name))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->os = os;
	n->w = w;
	n->next_pid = 1000;
	n->next_job = 1;
	for (pp = &w->nodes; *pp; pp = &(*pp)->next)
		;
	*pp = n;
	if (os) {
		os->console = node_console;
		os->console_ctx = n;
	}
	for (c = w->cbs; c; c = c->next)
		c->fn(c->ctx, n);
	return n;
}

struct node *world_find_node(struct world *w, const char *name)
{
	struct node *n;

	for (n = w->nodes; n; n = n->next)
		if (strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

void world_remove_node(struct world *w, struct node *n)
{
	struct node **pp;

	for (pp = &w->nodes; *pp && *pp != n; pp = &(*pp)->next)
		;
	if (!*pp)
		return;
	*pp = n->next;
	if (n->os && n->os->console_ctx == n) {
		n->os->console = NULL;
		n->os->console_ctx = NULL;
	}
	n->os = NULL;
	n->next = w->removed;
	w->removed = n;
}

void world_on_add(struct world *w, void (*fn)(void *ctx, struct node *n), void *ctx)
{
	struct add_cb *c = calloc(1, sizeof(*c)), **pp;

	if (!c)
		return;
	c->fn = fn;
	c->ctx = ctx;
	for (pp = &w->cbs; *pp; pp = &(*pp)->next)
		;
	*pp = c;
}

const char *node_name(const struct node *n)
{
	return n->name;
}

struct os *node_os(const struct node *n)
{
	return n->os;
}

struct world *node_world(const struct node *n)
{
	return n->w;
}

/* A later registration of the same name replaces the earlier one. */
void node_add_prog(struct node *n, const char *name, prog_main fn, void *ctx)
{
	struct prog *p;

	for (p = n->progs; p; p = p->next) {
		if (strcmp(p->name, name) == 0) {
			p->fn = fn;
			p->ctx = ctx;
			return;
		}
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->name = strdup(name);
	if (!p->name) {
		free(p);
		return;
	}
	p->fn = fn;
	p->ctx = ctx;
	p->next = n->progs;
	n->progs = p;
}

void node_add_os_progs(struct node *n)
{
	static const struct {
		const char *name;
		prog_main fn;
	} progs[] = {
		{"lscss", cmd_lscss},
		{"lschp", cmd_lschp},
		{"chchp", cmd_chchp},
		{"chccwdev", cmd_chccwdev},
		{"lsdasd", cmd_lsdasd},
		{"dmesg", cmd_dmesg},
		{"dd", cmd_dd},
		{"md5sum", cmd_md5sum},
		{"cmp", cmd_cmp},
		{"cat", cmd_cat},
		{"head", cmd_head},
		{"tail", cmd_tail},
		{"grep", cmd_grep},
		{"wc", cmd_wc},
		{"printf", cmd_printf},
		{"tr", cmd_tr},
		{"driverctl", cmd_driverctl},
		{"mdevctl", cmd_mdevctl},
	};
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		node_add_prog(n, progs[i].name, progs[i].fn, NULL);
}

static const struct prog *prog_find(const struct node *n, const char *name)
{
	const struct prog *p;

	for (p = n->progs; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

void node_write(struct node *n, const char *text, size_t len)
{
	if (n->term_len + len + 1 > n->term_cap) {
		size_t cap = n->term_cap ? n->term_cap : 4096;
		char *t;

		while (cap < n->term_len + len + 1)
			cap *= 2;
		t = realloc(n->term, cap);
		if (!t)
			return;
		n->term = t;
		n->term_cap = cap;
	}
	memcpy(n->term + n->term_len, text, len);
	n->term_len += len;
	n->term[n->term_len] = '\0';
}

char *node_take_output(struct node *n)
{
	char *s = n->term ? n->term : strdup("");

	n->term = NULL;
	n->term_len = n->term_cap = 0;
	return s;
}

int sh_jobs_except(const struct node *n, const struct proc *self)
{
	const struct proc *p;
	int count = 0;

	for (p = n->procs; p; p = p->next)
		if (p->job && !p->done && p != self)
			count++;
	return count;
}

int node_jobs(const struct node *n)
{
	return sh_jobs_except(n, NULL);
}

/* Free the processes nobody needs any more and whose tasks have ended. */
static void node_reap(struct node *n)
{
	struct proc **pp = &n->procs;

	while (*pp) {
		struct proc *p = *pp;

		if (p->released && p->done && (!p->task || sim_task_done(p->task))) {
			*pp = p->next;
			proc_destroy(p);
		} else {
			pp = &p->next;
		}
	}
}

/* ---- pipes ---- */

static struct pipe *pipe_new(void)
{
	struct pipe *pp = calloc(1, sizeof(*pp));

	if (!pp)
		return NULL;
	pp->buf = malloc(PIPE_SIZE);
	if (!pp->buf) {
		free(pp);
		return NULL;
	}
	pp->refs = 2;
	return pp;
}

static void pipe_put(struct pipe *pp)
{
	if (pp && --pp->refs == 0) {
		free(pp->buf);
		free(pp);
	}
}

/* Writes all of buf unless the reader has gone (then the rest is dropped,
 * as a writer killed by SIGPIPE would lose it).  Returns false then. */
static bool pipe_write(struct sim *sim, struct pipe *pp, const unsigned char *buf, size_t len)
{
	while (len) {
		size_t n, tail;

		while (!pp->read_closed && pp->len == PIPE_SIZE)
			sim_wait(sim, &pp->wq);
		if (pp->read_closed)
			return false;
		n = PIPE_SIZE - pp->len;
		if (n > len)
			n = len;
		tail = (pp->head + pp->len) % PIPE_SIZE;
		if (n > PIPE_SIZE - tail)
			n = PIPE_SIZE - tail;
		memcpy(pp->buf + tail, buf, n);
		pp->len += n;
		buf += n;
		len -= n;
		sim_wake(sim, &pp->wq);
	}
	return true;
}

static long pipe_read(struct sim *sim, struct pipe *pp, unsigned char *buf, size_t len)
{
	size_t n;

	while (!pp->write_closed && pp->len == 0)
		sim_wait(sim, &pp->wq);
	n = pp->len < len ? pp->len : len;
	if (n > PIPE_SIZE - pp->head)
		n = PIPE_SIZE - pp->head;
	memcpy(buf, pp->buf + pp->head, n);
	pp->head = (pp->head + n) % PIPE_SIZE;
	pp->len -= n;
	if (n)
		sim_wake(sim, &pp->wq);
	return (long)n;
}

static void pipe_close_write(struct sim *sim, struct pipe *pp)
{
	if (!pp)
		return;
	pp->write_closed = true;
	sim_wake(sim, &pp->wq);
	pipe_put(pp);
}

static void pipe_close_read(struct sim *sim, struct pipe *pp)
{
	if (!pp)
		return;
	pp->read_closed = true;
	sim_wake(sim, &pp->wq);
	pipe_put(pp);
}

/* ---- process I/O, for programs ---- */

struct node *proc_node(const struct proc *p)
{
	return p->n;
}

struct os *proc_os(const struct proc *p)
{
	return p->n->os;
}

struct sim *proc_sim(const struct proc *p)
{
	return p->n->w->sim;
}

static void out_write(struct proc *p, struct vfs_file *f, uint64_t *off, const void *buf,
		      size_t len)
{
	ssize_t r = vfs_pwrite(f, buf, len, *off);

	if (r > 0)
		*off += (uint64_t)r;
}

static void sys_append(struct proc *p, const void *buf, size_t len)
{
	if (p->sys_len + len + 1 > p->sys_cap) {
		size_t cap = p->sys_cap ? p->sys_cap * 2 : 256;
		char *b;

		while (cap < p->sys_len + len + 1)
			cap *= 2;
		b = realloc(p->sys_buf, cap);
		if (!b)
			return;
		p->sys_buf = b;
		p->sys_cap = cap;
	}
	memcpy(p->sys_buf + p->sys_len, buf, len);
	p->sys_len += len;
	p->sys_buf[p->sys_len] = '\0';
}

void proc_write(struct proc *p, const void *buf, size_t len)
{
	if (!len)
		return;
	if (p->sys_path)
		sys_append(p, buf, len);
	else if (p->out_file)
		out_write(p, p->out_file, &p->out_off, buf, len);
	else if (p->out && !p->epipe)
		p->epipe = !pipe_write(proc_sim(p), p->out, buf, len);
	else
		node_write(p->n, buf, len);
}

static void proc_ewrite(struct proc *p, const char *buf, size_t len)
{
	if (p->err_to_out)
		proc_write(p, buf, len);
	else if (p->err_file)
		out_write(p, p->err_file, &p->err_off, buf, len);
	else
		node_write(p->n, buf, len);
}

static void proc_vprintf(struct proc *p, bool err, const char *fmt, va_list ap)
{
	char small[512], *s = small;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		s = malloc((size_t)n + 1);
		if (!s)
			return;
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	}
	if (err)
		proc_ewrite(p, s, (size_t)n);
	else
		proc_write(p, s, (size_t)n);
	if (s != small)
		free(s);
}

void proc_printf(struct proc *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	proc_vprintf(p, false, fmt, ap);
	va_end(ap);
}

void proc_eprintf(struct proc *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	proc_vprintf(p, true, fmt, ap);
	va_end(ap);
}

long proc_read_stdin(struct proc *p, void *buf, size_t len)
{
	ssize_t r;

	if (!p || !len)
		return 0;
	if (!p->in_file)
		return p->in ? pipe_read(proc_sim(p), p->in, buf, len) : 0;
	r = vfs_pread(p->in_file, buf, len, p->in_off);
	if (r > 0)
		p->in_off += (uint64_t)r;
	return r;
}

bool proc_output_closed(const struct proc *p)
{
	return p->epipe;
}

bool proc_has_stdin(const struct proc *p)
{
	return p && (p->in || p->in_file);
}

bool proc_done(const struct proc *p)
{
	return p->done;
}

int proc_status(const struct proc *p)
{
	return p->status;
}

/* The caller lets go; the process is freed once its task has ended. */
void proc_free(struct proc *p)
{
	if (!p)
		return;
	p->released = true;
	node_reap(p->n);
}

static struct proc *proc_new(struct node *n, struct proc *parent)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->n = n;
	p->pid = n->next_pid++;
	p->parent = parent;
	p->next = n->procs;
	n->procs = p;
	return p;
}

void sh_proc_finish(struct proc *p, int status)
{
	p->status = status;
	p->done = true;
	sim_wake(proc_sim(p), &p->done_wq);
	if (p->job)
		sim_wake(proc_sim(p), &p->n->job_wq);
}

/* ---- running commands ---- */

/* Replace $? and $! markers with their values.  Inside a background job
 * (a subshell in bash) $? is the job's own last status. */
static char *expand(const struct proc *p, const char *w)
{
	const struct node *n = p->n;
	size_t len = strlen(w) * 12 + 1;
	char *out = malloc(len), *o = out;
	const struct proc *j = p;
	int status;

	if (!out)
		return NULL;
	while (j && !j->job)
		j = j->parent;
	status = j ? j->job_status : n->last_status;
	for (; *w; w++) {
		if (*w == SH_MARK_STATUS)
			o += sprintf(o, "%d", status);
		else if (*w == SH_MARK_LASTBG)
			o += n->last_bg_pid ? sprintf(o, "%d", n->last_bg_pid) : 0;
		else
			*o++ = *w;
	}
	*o = '\0';
	return out;
}

static struct vfs_file *redirect_open(struct proc *p, const char *path, int flags)
{
	struct vfs *v = p->n->os ? p->n->os->vfs : NULL;
	struct vfs_file *f;
	int err = -ENOENT;

	f = v ? vfs_open(v, path, flags, &err) : NULL;
	if (!f) {
		if (!v)
			err = -EACCES;
		proc_eprintf(p, "-bash: %s: %s\n", path, strerror(-err));
	}
	return f;
}

/* Open `> /sys/...` as sysfs would for root: only existing attributes
 * with a store method can be opened for writing. */
static int sys_redirect(struct proc *p, const char *path)
{
	struct sysfs *fs = p->n->os ? p->n->os->sysfs : NULL;
	const char *err = NULL;

	if (!fs)
		err = "No such file or directory";
	else if (sysfs_is_dir(fs, path))
		err = "Is a directory";
	else if (sysfs_writable(fs, path))
		err = NULL;
	else if (sysfs_exists(fs, path))
		err = "Permission denied";
	else {
		char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;

		if (slash)
			*slash = '\0';
		err = dir && sysfs_is_dir(fs, dir[0] ? dir : "/") ? "Permission denied"
								  : "No such file or directory";
		free(dir);
	}
	if (err) {
		proc_eprintf(p, "-bash: %s: %s\n", path, err);
		return -1;
	}
	p->sys_path = strdup(path);
	p->sys_len = 0;
	return 0;
}

/* Store what a command wrote to a /sys attribute; 0 or -errno. */
static int sys_flush(struct proc *p)
{
	struct sysfs *fs = p->n->os ? p->n->os->sysfs : NULL;
	int ret = 0;

	if (!p->sys_path)
		return 0;
	if (p->sys_len && fs)
		ret = sysfs_write(fs, p->sys_path, p->sys_buf);
	free(p->sys_path);
	free(p->sys_buf);
	p->sys_path = p->sys_buf = NULL;
	p->sys_len = p->sys_cap = 0;
	return ret;
}

static bool is_sys_path(const char *path)
{
	return strncmp(path, "/sys/", 5) == 0;
}

static int setup_redirects(struct proc *p, const struct sh_cmd *c)
{
	if (c->in_path) {
		p->in_file = redirect_open(p, c->in_path, VFS_RD);
		if (!p->in_file)
			return -1;
	}
	if (c->out_path && is_sys_path(c->out_path)) {
		if (sys_redirect(p, c->out_path))
			return -1;
	} else if (c->out_path) {
		p->out_file = redirect_open(p, c->out_path,
					    VFS_WR | VFS_CREAT | (c->out_append ? 0 : VFS_TRUNC));
		if (!p->out_file)
			return -1;
		p->out_off = c->out_append ? vfs_size(p->out_file) : 0;
	}
	if (c->err_path) {
		p->err_file = redirect_open(p, c->err_path,
					    VFS_WR | VFS_CREAT | (c->err_append ? 0 : VFS_TRUNC));
		if (!p->err_file)
			return -1;
		p->err_off = c->err_append ? vfs_size(p->err_file) : 0;
	}
	p->err_to_out = c->err_to_out;
	return 0;
}

static void close_redirects(struct proc *p)
{
	sys_flush(p);
	vfs_close(p->in_file);
	vfs_close(p->out_file);
	vfs_close(p->err_file);
	p->in_file = p->out_file = p->err_file = NULL;
}

/* Run one simple command in the current task with p's I/O. */
static int run_cmd(struct proc *p, const struct sh_cmd *c)
{
	const struct prog *pr;
	const char *name;
	char **argv;
	int i, status = 0;
	bool found;

	if (setup_redirects(p, c)) {
		close_redirects(p);
		return 1;
	}
	if (c->argc == 0) {
		close_redirects(p);
		return 0;
	}
	argv = calloc((size_t)c->argc + 1, sizeof(*argv));
	if (!argv) {
		close_redirects(p);
		return 1;
	}
	for (i = 0; i < c->argc; i++) {
		argv[i] = expand(p, c->argv[i]);
		if (!argv[i])
			argv[i] = strdup("");
	}
	status = sh_run_builtin(p, c->argc, argv, &found);
	if (!found) {
		name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
		pr = prog_find(p->n, name);
		if (pr) {
			status = pr->fn(p, pr->ctx, c->argc, argv);
		} else if (strchr(argv[0], '/')) {
			proc_eprintf(p, "-bash: %s: No such file or directory\n", argv[0]);
			status = 127;
		} else {
			proc_eprintf(p, "-bash: %s: command not found\n", argv[0]);
			status = 127;
		}
	}
	i = sys_flush(p);
	if (i < 0) {
		proc_eprintf(p, "%s%s: write error: %s\n", found ? "-bash: " : "", argv[0],
			     strerror(-i));
		status = 1;
	}
	for (i = 0; i < c->argc; i++)
		free(argv[i]);
	free(argv);
	close_redirects(p);
	return status;
}

static void stage_task(void *arg)
{
	struct proc *p = arg;
	int status = run_cmd(p, p->cmd);

	pipe_close_read(proc_sim(p), p->in);
	pipe_close_write(proc_sim(p), p->out);
	p->in = p->out = NULL;
	sh_proc_finish(p, status);
}

/* Run a pipeline in the current task (the caller's process is `self`).
 * Returns the status of its last command. */
static int run_pipeline(struct proc *self, const struct sh_pipeline *pl)
{
	struct proc **stages = calloc((size_t)pl->ncmds, sizeof(*stages));
	struct pipe *prev = NULL;
	struct proc *last;
	int i, status;

	if (!stages)
		return 1;
	for (i = 0; i < pl->ncmds; i++) {
		struct proc *s = proc_new(self->n, self);
		struct pipe *pp = NULL;

		if (!s)
			break;
		stages[i] = s;
		s->cmd = &pl->cmds[i];
		s->in = prev;
		if (i + 1 < pl->ncmds) {
			pp = pipe_new();
			s->out = pp;
		} else {
			/* the last stage writes where the line writes */
			s->out = NULL;
		}
		prev = pp;
		if (i + 1 < pl->ncmds) {
			s->task = sim_task_spawn(
				proc_sim(self), pl->cmds[i].argv ? pl->cmds[i].argv[0] : "redirect",
				stage_task, s);
			sim_task_set_data(s->task, s);
		}
	}
	last = stages[pl->ncmds - 1];
	if (!last) {
		status = 1;
		goto out;
	}
	status = run_cmd(last, last->cmd);
	pipe_close_read(proc_sim(self), last->in);
	last->in = NULL;
	sh_proc_finish(last, status);
	for (i = 0; i + 1 < pl->ncmds; i++)
		while (stages[i] && !stages[i]->done)
			sim_wait(proc_sim(self), &stages[i]->done_wq);
out:
	for (i = 0; i < pl->ncmds; i++)
		if (stages[i])
			stages[i]->released = true;
	free(stages);
	return status;
}

/* Run the and-or list pls[first..last] (joined by && and ||) in the
 * current task; returns the status of the last pipeline that ran. */
static int run_andor(struct proc *self, int first, int last)
{
	const struct sh_pipeline *pls = self->line->pls;
	int i, status = 0;

	for (i = first; i <= last && !self->exit_line; i++) {
		if (i > first && ((pls[i - 1].sep == SH_AND && status != 0) ||
				  (pls[i - 1].sep == SH_OR && status == 0)))
			continue;
		status = run_pipeline(self, &pls[i]);
		/* a background job's statuses are not the shell's $? */
		if (self->job)
			self->job_status = status;
		else
			self->n->last_status = status;
	}
	return status;
}

static void job_task(void *arg)
{
	struct proc *j = arg;

	sh_proc_finish(j, run_andor(j, j->first, j->last));
}

static void start_job(struct proc *self, int first, int last)
{
	struct node *n = self->n;
	struct proc *j = proc_new(n, NULL);

	if (!j)
		return;
	j->line = self->line;
	j->line->refs++;
	j->first = first;
	j->last = last;
	j->job = n->next_job++;
	j->job_status = n->last_status; /* a subshell starts with the shell's $? */
	j->released = true;
	n->last_bg_pid = j->pid;
	j->task = sim_task_spawn(proc_sim(self), "job", job_task, j);
	sim_task_set_data(j->task, j);
}

static void line_task(void *arg)
{
	struct proc *p = arg;
	struct node *n = p->n;
	int i = 0;

	if (!p->line) {
		proc_eprintf(p, "-bash: %s\n", p->parse_err);
		n->last_status = 2;
		sh_proc_finish(p, 2);
		return;
	}
	while (i < p->line->npls && !p->exit_line) {
		int last = i;

		/* an and-or list ends at `;`, `&` or the end of the line */
		while (last + 1 < p->line->npls &&
		       (p->line->pls[last].sep == SH_AND || p->line->pls[last].sep == SH_OR))
			last++;
		if (p->line->pls[last].sep == SH_BG) {
			start_job(p, i, last);
			n->last_status = 0;
		} else {
			run_andor(p, i, last);
		}
		i = last + 1;
	}
	sh_proc_finish(p, n->last_status);
}

struct proc *node_run(struct node *n, const char *line)
{
	struct proc *p;

	node_reap(n);
	p = proc_new(n, NULL);
	if (!p)
		return NULL;
	p->text = strdup(line ? line : "");
	p->line = sh_parse(p->text ? p->text : "", p->parse_err, sizeof(p->parse_err));
	p->task = sim_task_spawn(proc_sim(p), "sh", line_task, p);
	sim_task_set_data(p->task, p);
	return p;
}
