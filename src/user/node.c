/* The world, its nodes and their terminals, and the processes that run on
 * them: what a program sees of the process it runs in (its output, its
 * stdin, the files of its node's OS).
 */
#include "user/node.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/os.h"
#include "os/syslog.h"
#include "os/vfs.h"
#include "user/node_priv.h"
#include "user/pipe.h"
#include "user/shell_priv.h"

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

void proc_destroy(struct proc *p)
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
	free(n->bgp);
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

size_t world_node_names(const struct world *w, const char **names, size_t max)
{
	size_t k = 0;

	for (const struct node *n = w->nodes; n; n = n->next) {
		if (k < max)
			names[k] = n->name;
		k++;
	}
	return k;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t node_prog_names(const struct node *n, const char **names, size_t max)
{
	size_t k = 0;

	for (const struct prog *p = n->progs; p; p = p->next) {
		if (k < max)
			names[k] = p->name;
		k++;
	}
	qsort(names, k < max ? k : max, sizeof(*names), cmp_name);
	return k;
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

const struct prog *node_find_prog(const struct node *n, const char *name)
{
	const struct prog *p;

	for (p = n->progs; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static void term_append(struct node *n, const char *text, size_t len)
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

/* The node's terminal.  A NUL byte is a fill character that a terminal
 * shows as nothing (ECMA-48): it is dropped, so the text stays a string
 * and binary output does not cut off what follows it. */
void node_write(struct node *n, const char *text, size_t len)
{
	for (;;) {
		const char *nul = memchr(text, '\0', len);
		size_t k = nul ? (size_t)(nul - text) : len;

		term_append(n, text, k);
		if (!nul)
			return;
		text += k + 1;
		len -= k + 1;
	}
}

char *node_take_output(struct node *n)
{
	char *s = n->term ? n->term : strdup("");

	n->term = NULL;
	n->term_len = n->term_cap = 0;
	return s;
}

int node_jobs_except(const struct node *n, const struct proc *self)
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
	return node_jobs_except(n, NULL);
}

/* Free the processes nobody needs any more and whose tasks have ended. */
void node_reap(struct node *n)
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

struct sysfs *proc_sysfs(const struct proc *p)
{
	return p->n->os ? p->n->os->sysfs : NULL;
}

struct vfs *proc_vfs(const struct proc *p)
{
	return p->n->os ? p->n->os->vfs : NULL;
}

const char *proc_hostname(const struct proc *p)
{
	return p->n->os ? p->n->os->hostname : "";
}

int proc_syslog(struct proc *p, int type, char *buf, int len)
{
	return p->n->os ? os_syslog(p->n->os, type, buf, len) : -ENOSYS;
}

/* ---- signals and CPU time ---- */

/* User-space cost (docs/timing.md): a read or write system call, and the
 * bytes it copies (10 GB/s). */
#define SYSCALL_NS	  1000
#define COPY_BYTES_PER_NS 10

struct sim_task *proc_task(const struct proc *p)
{
	for (; p; p = p->parent)
		if (p->task)
			return p->task;
	return NULL;
}

/* Dead: it prints nothing more. */
static bool proc_dead(const struct proc *p)
{
	return p->sig && !(p->sig == SIGINT && p->catch_int);
}

int proc_signalled(const struct proc *p)
{
	return p->sig;
}

void proc_catch_sigint(struct proc *p)
{
	p->catch_int = true;
}

static void signal_one(struct proc *q, int sig)
{
	if (q->done)
		return;
	if (!q->sig || sig == SIGKILL)
		q->sig = sig;
	if (q->task)
		sim_task_interrupt(q->task);
}

void proc_signal(struct proc *p, int sig)
{
	struct proc *q;

	for (q = p->n->procs; q; q = q->next) {
		const struct proc *a = q;

		while (a && a != p)
			a = a->parent;
		if (a)
			signal_one(q, sig);
	}
}

void node_kill_all(struct node *n)
{
	for (struct proc *q = n->procs; q; q = q->next)
		signal_one(q, SIGKILL);
}

/* Does q run in the current task, or is it the parent of one that does? */
static bool proc_is_caller(const struct proc *q)
{
	struct sim_task *cur = sim_current(q->n->w->sim);

	if (!cur)
		return false;
	for (const struct proc *p = q->n->procs; p; p = p->next) {
		struct sim_task *t = NULL;

		for (const struct proc *a = p; a && !t; a = a->parent)
			t = a->task;
		if (t != cur)
			continue;
		for (const struct proc *a = p; a; a = a->parent)
			if (a == q)
				return true;
	}
	return false;
}

void node_kill_others(struct node *n)
{
	for (struct proc *q = n->procs; q; q = q->next)
		if (!proc_is_caller(q))
			signal_one(q, SIGKILL);
}

void world_kill_all(struct world *w)
{
	for (struct node *n = w->nodes; n; n = n->next)
		node_kill_all(n);
	for (struct node *n = w->removed; n; n = n->next)
		node_kill_all(n);
}

static size_t node_live_procs(const struct node *n)
{
	size_t count = 0;

	for (const struct proc *q = n->procs; q; q = q->next)
		count += !q->done || (q->task && !sim_task_done(q->task));
	return count;
}

size_t world_live_procs(const struct world *w)
{
	size_t count = 0;

	for (const struct node *n = w->nodes; n; n = n->next)
		count += node_live_procs(n);
	for (const struct node *n = w->removed; n; n = n->next)
		count += node_live_procs(n);
	return count;
}

int proc_cpu(struct proc *p, sim_time_t ns)
{
	struct sim_task *t;

	if (p->sig)
		return -EINTR;
	if (!ns)
		return 0;
	/* Only in the process's own task (not from an event). */
	t = proc_task(p);
	return t ? sim_task_sleep_intr(t, ns) : 0;
}

/* A read or write system call: its entry costs SYSCALL_NS (and is where
 * a pending signal is noticed), the bytes it moved are copied after. */
static int syscall_enter(struct proc *p)
{
	return proc_cpu(p, SYSCALL_NS);
}

static ssize_t syscall_copied(struct proc *p, ssize_t r)
{
	if (r > 0)
		proc_cpu(p, (sim_time_t)r / COPY_BYTES_PER_NS);
	return r;
}

ssize_t proc_pread(struct proc *p, struct vfs_file *f, void *buf, size_t len, uint64_t off)
{
	if (syscall_enter(p) < 0)
		return -EINTR;
	return syscall_copied(p, vfs_pread(f, buf, len, off));
}

void *proc_mmap(struct proc *p, size_t len)
{
	struct os *os = proc_os(p);

	return os && len ? os_umem_alloc(os, len) : NULL;
}

void proc_munmap(struct proc *p, void *addr)
{
	struct os *os = proc_os(p);

	if (os && addr)
		os_umem_free(os, addr);
}

ssize_t proc_pwrite(struct proc *p, struct vfs_file *f, const void *buf, size_t len, uint64_t off)
{
	if (syscall_enter(p) < 0)
		return -EINTR;
	return syscall_copied(p, vfs_pwrite(f, buf, len, off));
}

static void out_write(struct proc *p, struct vfs_file *f, uint64_t *off, const void *buf,
		      size_t len)
{
	ssize_t r = proc_pwrite(p, f, buf, len, *off);

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

/* Output to the terminal costs nothing; to a pipe or a file it is a
 * write system call. */
void proc_write(struct proc *p, const void *buf, size_t len)
{
	if (!len || proc_dead(p))
		return;
	if (p->sys_path) {
		sys_append(p, buf, len);
	} else if (p->out_file) {
		out_write(p, p->out_file, &p->out_off, buf, len);
	} else if (p->out) {
		/* Once the reader has gone, output is dropped. */
		if (!p->epipe && syscall_enter(p) == 0) {
			int r = pipe_write(proc_sim(p), p->out, buf, len);

			if (r == -EPIPE)
				p->epipe = true;
			else if (r == 0)
				syscall_copied(p, (ssize_t)len);
		}
	} else {
		node_write(p->n, buf, len);
	}
}

static void proc_ewrite(struct proc *p, const char *buf, size_t len)
{
	if (proc_dead(p))
		return;
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
	if (!p->in_file && !p->in)
		return 0;
	if (syscall_enter(p) < 0)
		return -EINTR;
	if (!p->in_file)
		return syscall_copied(p, pipe_read(proc_sim(p), p->in, buf, len));
	r = syscall_copied(p, vfs_pread(p->in_file, buf, len, p->in_off));
	if (r > 0)
		p->in_off += (uint64_t)r;
	return r;
}

bool proc_output_closed(const struct proc *p)
{
	return p->epipe;
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

struct proc *proc_new(struct node *n, struct proc *parent)
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

static void bgpid_save(struct node *n, int pid, int status)
{
	struct node_bgpid *nb;

	if (n->nbgp == NODE_MAX_BGPIDS) {
		memmove(n->bgp, n->bgp + 1, (n->nbgp - 1) * sizeof(*n->bgp));
		n->nbgp--;
	}
	nb = realloc(n->bgp, (n->nbgp + 1) * sizeof(*nb));
	if (!nb)
		return;
	n->bgp = nb;
	nb[n->nbgp++] = (struct node_bgpid){pid, status};
}

void proc_finish(struct proc *p, int status)
{
	p->status = status;
	p->done = true;
	sim_wake(proc_sim(p), &p->done_wq);
	if (p->job) {
		bgpid_save(p->n, p->pid, status);
		sim_wake(proc_sim(p), &p->n->job_wq);
	}
}

/* ---- the job table ---- */

int node_next_job(const struct node *n)
{
	int max = 0;

	for (const struct proc *p = n->procs; p; p = p->next)
		if (p->job && !p->released && p->job > max)
			max = p->job;
	return max + 1;
}

struct proc *node_find_job(const struct node *n, int job)
{
	for (struct proc *p = n->procs; p; p = p->next)
		if (p->job == job && job && !p->released)
			return p;
	return NULL;
}

struct proc *node_find_job_pid(const struct node *n, int pid)
{
	for (struct proc *p = n->procs; p; p = p->next)
		if (p->job && p->pid == pid && !p->released)
			return p;
	return NULL;
}

bool node_bgpid_status(const struct node *n, int pid, int *status)
{
	for (size_t i = n->nbgp; i-- > 0;) {
		if (n->bgp[i].pid == pid) {
			*status = n->bgp[i].status;
			return true;
		}
	}
	return false;
}

void node_forget_jobs(struct node *n, const struct proc *self)
{
	for (struct proc *p = n->procs; p; p = p->next)
		if (p->job && p->done && p != self)
			p->released = true;
	free(n->bgp);
	n->bgp = NULL;
	n->nbgp = 0;
}
