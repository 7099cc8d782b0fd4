/* Scenarios with the real QEMU and a real guest (see realqemu.h). */
#include "cli/realqemu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/qemu_wrap.h"
#include "cli/serve.h"
#include "user/node.h"

#define MARK	    "@@chpsync-prompt "
#define WAKEUP	    "Use \"exit\" to leave shell."
#define BOOT_LIMIT  (240ll * 1000000000ll) /* wall ns for a guest to boot */
#define CMD_LIMIT   (900ll * 1000000000ll) /* wall ns at most per command */
#define START_LIMIT (60ll * 1000000000ll)  /* wall ns for QEMU to come up */

struct rguest {
	struct realqemu *rq;
	char name[64];
	pid_t pid;
	int in, out, err; /* pipes: console in, console out, QEMU's stderr */
	char *buf;	  /* console text not yet taken */
	size_t len, cap;
	char *ebuf; /* stderr text not yet taken */
	size_t elen, ecap;
	bool eof, exited, booted;
	int status;
	struct rguest *next;
};

struct realqemu {
	struct run_world *rw;
	struct serve *s;
	char sock[108];
	char image[PATH_MAX];
	struct rguest *guests;
};

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000ll + t.tv_nsec;
}

int realqemu_image(char *buf, size_t size, char *err, size_t errlen)
{
	const char *img = getenv("CHPSYNC_GUEST_IMAGE"), *cache = getenv("CHPSYNC_GUEST_CACHE");
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char k[PATH_MAX + 16];
	int n;

	if (img && *img)
		n = snprintf(buf, size, "%s", img);
	else if (cache && *cache)
		n = snprintf(buf, size, "%s/image", cache);
	else if (xdg && *xdg)
		n = snprintf(buf, size, "%s/chpsync/guest/image", xdg);
	else
		n = snprintf(buf, size, "%s/.cache/chpsync/guest/image", home ? home : "");
	if (n < 0 || (size_t)n >= size) {
		snprintf(err, errlen, "guest image path too long");
		return -1;
	}
	snprintf(k, sizeof(k), "%s/vmlinuz", buf);
	if (access(k, R_OK)) {
		snprintf(err, errlen,
			 "no real guest image in %s (build it with 'make guest-image')", buf);
		return -1;
	}
	return 0;
}

/* ---- the mask ---- */

void realqemu_mask(char *text)
{
	char *w = text;

	for (char *r = text; *r;) {
		/* a line starts at r */
		char *nl = strchr(r, '\n');
		size_t len = nl ? (size_t)(nl - r) + 1 : strlen(r);
		char *end = r + len, *c;

		if (r[0] == '[') {
			char *p = r + 1 + strspn(r + 1, " ");
			size_t d = strspn(p, "0123456789");

			if (d && p[d] == '.' && strspn(p + d + 1, "0123456789") == 6 &&
			    p[d + 7] == ']') {
				memcpy(w, "[T]", 3);
				w += 3;
				r = p + d + 8;
			}
		}
		c = strstr(r, " copied, ");
		for (; r < end; r++) {
			if (*r == '\r')
				continue;
			if (c && r == c + 9 && strstr(r, " seconds, ") &&
			    strstr(r, " seconds, ") < end) {
				const char *t = "T seconds, R/s";

				memcpy(w, t, strlen(t));
				w += strlen(t);
				r = end - (end[-1] == '\n') - 1;
				continue;
			}
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* ---- real guests ---- */

static struct rguest *guest_find(struct realqemu *rq, const char *name)
{
	for (struct rguest *g = rq->guests; g; g = g->next)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

static void append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = (*cap ? *cap * 2 : 4096);
		char *nb;

		while (nc < *len + n + 1)
			nc *= 2;
		nb = realloc(*buf, nc);
		if (!nb)
			return;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static void guest_read(struct rguest *g)
{
	char tmp[8192];
	ssize_t n = -1;

	while (g->out >= 0 && (n = read(g->out, tmp, sizeof(tmp))) > 0)
		append(&g->buf, &g->len, &g->cap, tmp, (size_t)n);
	if (g->out >= 0 && n == 0) {
		close(g->out);
		g->out = -1;
		g->eof = true;
	}
	while (g->err >= 0 && (n = read(g->err, tmp, sizeof(tmp))) > 0)
		append(&g->ebuf, &g->elen, &g->ecap, tmp, (size_t)n);
	if (g->err >= 0 && n == 0) {
		close(g->err);
		g->err = -1;
	}
}

static void guest_reap(struct rguest *g)
{
	int st;

	if (g->exited || waitpid(g->pid, &st, WNOHANG) != g->pid)
		return;
	guest_read(g);
	g->exited = true;
	g->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	serve_attach(g->rq->s, -1);
}

/* One turn of the service, reading what the real QEMUs print. */
static void turn(struct realqemu *rq, int64_t max_ns)
{
	struct pollfd ext[8];
	struct rguest *gs[8];
	int n = 0;

	for (struct rguest *g = rq->guests; g && n < 7; g = g->next) {
		if (g->out >= 0) {
			ext[n] = (struct pollfd){.fd = g->out, .events = POLLIN};
			gs[n++] = g;
		}
		if (g->err >= 0) {
			ext[n] = (struct pollfd){.fd = g->err, .events = POLLIN};
			gs[n++] = g;
		}
	}
	serve_turn(rq->s, ext, n, max_ns);
	for (int i = 0; i < n; i++)
		if (ext[i].revents)
			guest_read(gs[i]);
	for (struct rguest *g = rq->guests; g; g = g->next)
		if (g->eof || g->out < 0)
			guest_reap(g);
}

static void guest_free(struct rguest *g)
{
	if (g->in >= 0)
		close(g->in);
	if (g->out >= 0)
		close(g->out);
	if (g->err >= 0)
		close(g->err);
	free(g->buf);
	free(g->ebuf);
	free(g);
}

static void guest_remove(struct realqemu *rq, struct rguest *g)
{
	for (struct rguest **pp = &rq->guests; *pp; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	guest_free(g);
}

/* The marker line "@@chpsync-prompt S@@" and the prompt after it: where
 * the marker starts (with the newline before it), the status, and where
 * the text after the prompt begins; NULL when not (yet) there. */
static char *find_prompt(char *buf, int *status, char **after)
{
	for (char *m = strstr(buf, MARK); m; m = strstr(m + 1, MARK)) {
		char *end, *q;
		long st = strtol(m + strlen(MARK), &end, 10);

		if (strncmp(end, "@@", 2))
			continue;
		q = strstr(end, "]# ");
		if (!q)
			return NULL; /* the prompt is still coming */
		*status = (int)st;
		*after = q + 3;
		/* the newline that starts PS1 */
		while (m > buf && (m[-1] == '\r'))
			m--;
		if (m > buf && m[-1] == '\n')
			m--;
		while (m > buf && (m[-1] == '\r'))
			m--;
		return m;
	}
	return NULL;
}

/* Drop what the guest's shell prints when a signal interrupted its read
 * of the console, a background job having ended while it waited at its
 * prompt: busybox ash with the echo off reads its input with fgets(),
 * which fails on EINTR (its handlers have no SA_RESTART), and takes that
 * as the end of input; with `set -o ignoreeof` (guest/profile) it prints
 * "\nUse "exit" to leave shell.\n", the jobs' notices, and its prompt
 * again.  That prompt ends no command.  The notice line and the marked
 * prompt after it go; what came between them (the jobs' notices) stays. */
static void drop_wakeups(struct rguest *g)
{
	char *from = g->buf;

	while (from) {
		char *n = strstr(from, WAKEUP), *ps, *end, *q, *cut;
		size_t nl;

		if (!n)
			return;
		nl = strlen(WAKEUP);
		/* the notice is a line of its own */
		if ((n > g->buf && n[-1] != '\n') || (n[nl] != '\n' && n[nl] != '\r')) {
			from = n + 1;
			continue;
		}
		ps = strstr(n, MARK);
		if (!ps)
			return; /* its prompt is still coming */
		strtol(ps + strlen(MARK), &end, 10);
		q = strncmp(end, "@@", 2) ? NULL : strstr(end, "]# ");
		if (!q)
			return;
		/* the prompt: from the newline that starts PS1 */
		while (ps > n && ps[-1] == '\r')
			ps--;
		if (ps > n && ps[-1] == '\n')
			ps--;
		while (ps > n && ps[-1] == '\r')
			ps--;
		q += 3;
		memmove(ps, q, g->len - (size_t)(q - g->buf) + 1);
		g->len -= (size_t)(q - ps);
		/* the notice: with the newline before it, through its own */
		cut = n + nl + strspn(n + nl, "\r");
		if (*cut == '\n')
			cut++;
		if (n > g->buf && n[-1] == '\n') {
			n--;
			while (n > g->buf && n[-1] == '\r')
				n--;
		}
		memmove(n, cut, g->len - (size_t)(cut - g->buf) + 1);
		g->len -= (size_t)(cut - n);
		from = n;
		sim_trace(
			g->rq->rw->sim, g->name,
			"the shell's read was interrupted at its prompt: notice and prompt dropped");
	}
}

/* Wait for the guest's prompt; the text before it in *out (masked).  1:
 * prompt seen, 0: QEMU ended, -1: time limit. */
static int wait_prompt(struct rguest *g, int64_t limit_ns, char **out, int *status)
{
	int64_t t0 = now_ns();

	for (;;) {
		char *after, *m;

		drop_wakeups(g);
		m = g->buf ? find_prompt(g->buf, status, &after) : NULL;

		if (m) {
			size_t rest = g->len - (size_t)(after - g->buf);

			*out = strndup(g->buf, (size_t)(m - g->buf));
			memmove(g->buf, after, rest + 1);
			g->len = rest;
			return 1;
		}
		if (g->exited || (g->eof && now_ns() - t0 > 2000000000ll)) {
			*out = g->buf ? strndup(g->buf, g->len) : strdup("");
			g->len = 0;
			*status = g->exited ? g->status : 0;
			return 0;
		}
		if (now_ns() - t0 > limit_ns) {
			*out = g->buf ? strndup(g->buf, g->len) : strdup("");
			g->len = 0;
			return -1;
		}
		turn(g->rq, 20000000);
	}
}

static char *newline_terminated(char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *r;

	if (!s || !n || s[n - 1] == '\n')
		return s;
	r = realloc(s, n + 2);
	if (!r)
		return s;
	r[n] = '\n';
	r[n + 1] = '\0';
	return r;
}

/* A command line that powers the guest off: `poweroff` or `halt` as its
 * only word (QEMU runs with -no-reboot, so `reboot` ends it too). */
static bool powers_off(const char *cmd)
{
	static const char *const words[] = {"poweroff", "halt", "reboot"};
	size_t n;

	cmd += strspn(cmd, " \t");
	n = strcspn(cmd, " \t");
	if (cmd[n + strspn(cmd + n, " \t")])
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !strncmp(cmd, words[i], n))
			return true;
	return false;
}

static enum run_result guest_command(struct realqemu *rq, struct rguest *g, const char *cmd,
				     char **out)
{
	char *text = NULL;
	size_t n = strlen(cmd);
	int64_t limit;
	int st = 0, k;

	if (!g->booted) {
		k = wait_prompt(g, BOOT_LIMIT, &text, &st);
		free(text); /* boot messages scroll by before the prompt */
		text = NULL;
		if (k <= 0) {
			*out = newline_terminated(g->buf ? strndup(g->buf, g->len) : strdup(""));
			if (g->ebuf)
				fprintf(stderr, "%s", g->ebuf);
			return k < 0 ? RUN_TIMEOUT : RUN_NO_NODE;
		}
		g->booted = true;
	}
	/* an empty line too: the shell prompts again, as chpsync's own does */
	if (g->in < 0 || (n && write(g->in, cmd, n) != (ssize_t)n) || write(g->in, "\n", 1) != 1) {
		*out = strdup("");
		return RUN_NO_NODE;
	}
	limit = CMD_LIMIT < (int64_t)rq->rw->timeout ? CMD_LIMIT : (int64_t)rq->rw->timeout;
	k = wait_prompt(g, limit, &text, &st);
	/* busybox's poweroff only signals init and returns, so the shell may
	 * print its next prompt before init has ended it: the command is over
	 * when QEMU is, not at that prompt (unless the command failed). */
	while (k == 1 && text && st == 0 && powers_off(cmd)) {
		free(text);
		text = NULL;
		k = wait_prompt(g, limit, &text, &st);
	}
	if (!text)
		return RUN_NOMEM;
	realqemu_mask(text);
	if (k == 0) {
		/* QEMU ended (poweroff): what the console printed on the way
		 * down races with QEMU's exit, so it is not kept. */
		text[0] = '\0';
		guest_remove(rq, g);
	}
	*out = newline_terminated(text);
	return k < 0 ? RUN_TIMEOUT : RUN_OK;
}

/* ---- the host's qemu-system-s390x ---- */

/* "0.0.3f3f" -> "fe.0.3f3f": QEMU shows its default image 0xfe to a guest
 * without MCSS-E as css 0; a device in css 0 would be invisible there. */
static char *device_opt(const char *v)
{
	char *o = malloc(strlen(v) + 8), *w = o;
	const char *r = v;

	if (!o)
		return NULL;
	*w = '\0';
	while (*r) {
		size_t len = strcspn(r, ",");

		if (!strncmp(r, "chpsync=", 8)) {
			/* chpsync's own path-sync policy: not QEMU's */
		} else {
			if (w != o)
				*w++ = ',';
			if (!strncmp(r, "devno=0.", 8)) {
				memcpy(w, "devno=fe.", 9);
				w += 9;
				memcpy(w, r + 8, len - 8);
				w += len - 8;
			} else {
				memcpy(w, r, len);
				w += len;
			}
		}
		r += len;
		if (*r == ',')
			r++;
		*w = '\0';
	}
	return o;
}

static char *machine_opt(const char *v)
{
	char *o = malloc(strlen(v) + 1), *w = o;
	const char *r = v;

	if (!o)
		return NULL;
	*w = '\0';
	while (*r) {
		size_t len = strcspn(r, ",");

		if (strncmp(r, "sclp-chp-info=", 14)) { /* chpsync's own property */
			if (w != o)
				*w++ = ',';
			memcpy(w, r, len);
			w += len;
		}
		r += len;
		if (*r == ',')
			r++;
		*w = '\0';
	}
	return o;
}

struct argv_b {
	char **v;
	int n, cap;
};

static void push(struct argv_b *a, char *s)
{
	if (a->n + 2 > a->cap) {
		int nc = a->cap ? a->cap * 2 : 32;
		char **nv = realloc(a->v, (size_t)nc * sizeof(*nv));

		if (!nv) {
			free(s);
			return;
		}
		a->v = nv;
		a->cap = nc;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void argv_free(char **v)
{
	for (int i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The real QEMU's options for a scenario's qemu-system-s390x line. */
static int translate(struct realqemu *rq, int argc, char **argv, char *name, size_t namelen,
		     struct argv_b *a)
{
	bool machine = false, mem = false, accel = false;
	char *app;

	snprintf(name, namelen, "guest");
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "-daemonize"))
			continue;
		if (v && !strcmp(o, "-name")) {
			snprintf(name, namelen, "%.*s", (int)strcspn(v, ","), v);
		} else if (v && (!strcmp(o, "-machine") || !strcmp(o, "-M"))) {
			char *m = machine_opt(v);

			machine = true;
			if (m && *m) {
				push(a, strdup(o));
				push(a, m);
			} else {
				free(m);
			}
			i++;
			continue;
		} else if (v && !strcmp(o, "-device") && !strncmp(v, "vfio-ccw", 8)) {
			push(a, strdup(o));
			push(a, device_opt(v));
			i++;
			continue;
		} else if (!strcmp(o, "-m")) {
			mem = true;
		} else if (!strcmp(o, "-accel")) {
			accel = true;
		}
		push(a, strdup(o));
		if (v && o[0] == '-' && strcmp(o, "-nodefaults") && strcmp(o, "-no-reboot") &&
		    strcmp(o, "-nographic") && strcmp(o, "-S")) {
			push(a, strdup(v));
			i++;
		}
	}
	if (!machine) {
		push(a, strdup("-machine"));
		push(a, strdup("s390-ccw-virtio"));
	}
	if (!accel) {
		push(a, strdup("-accel"));
		push(a, strdup("tcg"));
	}
	if (!mem) {
		push(a, strdup("-m"));
		push(a, strdup("512"));
	}
	push(a, strdup("-nodefaults"));
	push(a, strdup("-no-reboot"));
	push(a, strdup("-display"));
	push(a, strdup("none"));
	push(a, strdup("-serial"));
	push(a, strdup("stdio"));
	push(a, strdup("-monitor"));
	push(a, strdup("none"));
	push(a, strdup("-kernel"));
	if (asprintf(&app, "%s/vmlinuz", rq->image) < 0)
		return -1;
	push(a, app);
	push(a, strdup("-initrd"));
	if (asprintf(&app, "%s/initrd.img", rq->image) < 0)
		return -1;
	push(a, app);
	push(a, strdup("-append"));
	if (asprintf(&app, "console=ttysclp0 quiet chpsync.name=%s", name) < 0)
		return -1;
	push(a, app);
	return 0;
}

static int spawn(struct realqemu *rq, char **argv, struct rguest *g, char *err, size_t errlen)
{
	int in[2], out[2], er[2];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(er, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		char e[256];

		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(er[1], 2);
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* dies with chpsync */
		signal(SIGPIPE, SIG_DFL);
		if (qemu_wrap_env(rq->sock, e, sizeof(e)) < 0) {
			fprintf(stderr, "chpsync: %s\n", e);
			_exit(127);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "chpsync: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(er[1]);
	g->pid = pid;
	g->in = in[1];
	g->out = out[0];
	g->err = er[0];
	fcntl(g->out, F_SETFL, O_NONBLOCK);
	fcntl(g->err, F_SETFL, O_NONBLOCK);
	return 0;
}

static int real_qemu_prog(struct proc *p, void *ctx, int argc, char **argv)
{
	struct realqemu *rq = ctx;
	struct argv_b a = {0};
	char name[64], err[512], **qv = NULL;
	struct rguest *g;
	int devs = serve_devices(rq->s), n;
	int64_t t0;

	if (translate(rq, argc, argv, name, sizeof(name), &a) < 0 || !a.v) {
		proc_eprintf(p, "qemu-system-s390x: out of memory\n");
		argv_free(a.v);
		return 1;
	}
	if (guest_find(rq, name) || world_find_node(rq->rw->world, name)) {
		proc_eprintf(p, "qemu-system-s390x: a VM named '%s' runs already\n", name);
		argv_free(a.v);
		return 1;
	}
	n = qemu_wrap_argv(a.n, a.v, &qv, err, sizeof(err));
	argv_free(a.v);
	if (n < 0) {
		proc_eprintf(p, "chpsync: %s\n", err);
		return 1;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		argv_free(qv);
		return 1;
	}
	g->rq = rq;
	g->in = g->out = g->err = -1;
	snprintf(g->name, sizeof(g->name), "%s", name);
	sim_trace(proc_sim(p), "realqemu", "starting %s for guest %s", qv[0], name);
	if (spawn(rq, qv, g, err, sizeof(err)) < 0) {
		proc_eprintf(p, "chpsync: %s\n", err);
		argv_free(qv);
		free(g);
		return 1;
	}
	argv_free(qv);
	g->next = rq->guests;
	rq->guests = g;
	serve_attach(rq->s, 1);
	/* As -daemonize: back when the VM runs (its devices opened or its
	 * console speaking), or with QEMU's error when it ends first. */
	t0 = now_ns();
	while (!g->exited && !g->len && serve_devices(rq->s) == devs && now_ns() - t0 < START_LIMIT)
		sim_sleep(proc_sim(p), 5 * SIM_MS);
	if (g->exited) {
		int st = g->status;

		if (g->ebuf)
			proc_write(p, g->ebuf, g->elen);
		guest_remove(rq, g);
		return st ? st : 1;
	}
	return 0;
}

/* What QEMU wrote to its stderr meanwhile (e.g. "vfio-ccw: write I/O
 * region failed with errno=13" while paths fail): into the trace, and on
 * chpsync's stderr with --debug. */
static void qemu_stderr(struct realqemu *rq, struct rguest *g)
{
	char *line = g->ebuf;

	if (!g->elen)
		return;
	while (line && *line) {
		size_t n = strcspn(line, "\n");

		sim_trace(rq->rw->sim, g->name, "qemu: %.*s", (int)n, line);
		if (rq->rw->debug)
			fprintf(stderr, "%s: %.*s\n", g->name, (int)n, line);
		line += n + (line[n] == '\n');
	}
	g->elen = 0;
	g->ebuf[0] = '\0';
}

/* ---- commands ---- */

struct cmd_out {
	char *text;
	size_t len, cap;
	bool done;
	int status;
};

static void collect(void *ctx, const char *text, bool final, int status)
{
	struct cmd_out *o = ctx;

	append(&o->text, &o->len, &o->cap, text, strlen(text));
	if (final) {
		o->done = true;
		o->status = status;
	}
}

enum run_result realqemu_command(struct realqemu *rq, const char *node, const char *cmd, char **out)
{
	struct rguest *g = guest_find(rq, node);
	struct cmd_out o = {0};
	int64_t t0 = now_ns();

	*out = NULL;
	for (struct rguest *x = rq->guests; x; x = x->next)
		qemu_stderr(rq, x);
	if (g)
		return guest_command(rq, g, cmd, out);
	if (!world_find_node(rq->rw->world, node))
		return RUN_NO_NODE;
	if (serve_command(rq->s, node, cmd, collect, &o) < 0 && !o.done) {
		free(o.text);
		return RUN_NOMEM;
	}
	while (!o.done) {
		if (now_ns() - t0 > CMD_LIMIT && serve_paced(rq->s)) {
			*out = newline_terminated(o.text ? o.text : strdup(""));
			return RUN_TIMEOUT;
		}
		turn(rq, serve_paced(rq->s) ? 20000000 : 0);
	}
	*out = newline_terminated(o.text ? o.text : strdup(""));
	return *out ? RUN_OK : RUN_NOMEM;
}

struct realqemu *realqemu_new(struct run_world *rw, const char *image, char *err, size_t errlen)
{
	struct realqemu *rq = calloc(1, sizeof(*rq));

	if (!rq) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rq->rw = rw;
	snprintf(rq->image, sizeof(rq->image), "%s", image);
	if ((size_t)snprintf(rq->sock, sizeof(rq->sock), "%s/serve.sock", rw->workdir) >=
	    sizeof(rq->sock)) {
		snprintf(err, errlen, "work directory path too long for a socket");
		free(rq);
		return NULL;
	}
	rq->s = serve_new(rw, rq->sock, rw->debug ? stderr : NULL, err, errlen);
	if (!rq->s) {
		free(rq);
		return NULL;
	}
	node_add_prog(rw->host_node, "qemu-system-s390x", real_qemu_prog, rq);
	return rq;
}

void realqemu_free(struct realqemu *rq)
{
	int64_t t0;

	if (!rq)
		return;
	for (struct rguest *g = rq->guests; g; g = g->next)
		if (!g->exited)
			kill(g->pid, SIGTERM);
	t0 = now_ns();
	while (rq->guests) {
		struct rguest *g = rq->guests;

		turn(rq, 10000000);
		if (g->exited) {
			guest_remove(rq, g);
		} else if (now_ns() - t0 > 10000000000ll) {
			kill(g->pid, SIGKILL);
			waitpid(g->pid, NULL, 0);
			serve_attach(rq->s, -1);
			guest_remove(rq, g);
		}
	}
	serve_free(rq->s);
	free(rq);
}
