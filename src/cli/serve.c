/* `chpsync serve`: the service loop (sockets, pacing to wall time, commands
 * on the nodes), `chpsync serve` itself and `chpsync ctl`. */
#include "cli/serve.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/runner.h"
#include "cli/scenario.h"
#include "cli/serve_priv.h"
#include "user/node.h"
#include "user/shell.h"

/* Events run in one go before the loop looks at its sockets again. */
#define SERVE_EVENT_SLICE 20000
/* Longest sleep of the loop (it then re-reads the clock). */
#define SERVE_MAX_SLEEP_NS (100 * 1000000ll)

void serve_log(struct serve *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sim_trace(s->rw->sim, "serve", "%s", line);
	if (s->log) {
		fprintf(s->log, "chpsync serve: %s\n", line);
		fflush(s->log);
	}
}

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000ll + t->tv_nsec;
}

static int64_t wall_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

struct serve *serve_new(struct run_world *rw, const char *path, FILE *log, char *err, size_t errlen)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct serve *s;

	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long (at most %zu bytes)", path,
			 sizeof(a.sun_path) - 1);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->buf = malloc(CHPS_MSG_MAX))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->rw = rw;
	s->log = log;
	snprintf(s->path, sizeof(s->path), "%s", path);
	memcpy(a.sun_path, path, strlen(path) + 1);
	s->lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->lsock < 0)
		goto fail;
	unlink(path);
	if (bind(s->lsock, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s->lsock, 16) < 0)
		goto fail;
	/* A client that goes away while we write to it must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	return s;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (s->lsock >= 0)
		close(s->lsock);
	free(s->buf);
	free(s);
	return NULL;
}

static void cmd_free(struct serve_cmd *c)
{
	free(c->cmd);
	free(c);
}

void serve_free(struct serve *s)
{
	if (!s)
		return;
	while (s->conns)
		serve_conn_close(s->conns);
	while (s->cmds) {
		struct serve_cmd *c = s->cmds;

		s->cmds = c->next;
		if (c->proc)
			proc_free(c->proc);
		c->out(c->ctx, "", true, 130);
		cmd_free(c);
	}
	close(s->lsock);
	unlink(s->path);
	free(s->buf);
	free(s);
}

void serve_attach(struct serve *s, int delta)
{
	s->attached += delta;
	if (s->attached < 0)
		s->attached = 0;
}

int serve_devices(const struct serve *s)
{
	int n = 0;

	for (const struct serve_conn *c = s->conns; c; c = c->next)
		n += c->devfd >= 0;
	return n;
}

static bool want_paced(const struct serve *s)
{
	if (s->attached)
		return true;
	for (const struct serve_conn *c = s->conns; c; c = c->next)
		if (c->role == ROLE_DEVICE)
			return true;
	return false;
}

bool serve_paced(const struct serve *s)
{
	return want_paced(s);
}

void serve_console(struct serve *s, serve_output_fn out, void *ctx)
{
	s->console = out;
	s->console_ctx = ctx;
}

/* ---- commands ---- */

int serve_commands(const struct serve *s)
{
	int n = 0;

	for (const struct serve_cmd *c = s->cmds; c; c = c->next)
		n++;
	return n;
}

static bool node_busy(const struct serve *s, const char *node)
{
	for (const struct serve_cmd *c = s->cmds; c; c = c->next)
		if (c->proc && !strcmp(c->node, node))
			return true;
	return false;
}

int serve_command(struct serve *s, const char *node, const char *cmd, serve_output_fn out,
		  void *ctx)
{
	struct serve_cmd *c = calloc(1, sizeof(*c)), **pp;

	if (!c || !(c->cmd = strdup(cmd))) {
		free(c);
		return -ENOMEM;
	}
	if (!world_find_node(s->rw->world, node)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "chpsync: no node '%s'\n", node);
		out(ctx, msg, true, 127);
		cmd_free(c);
		return -ENOENT;
	}
	c->s = s;
	snprintf(c->node, sizeof(c->node), "%s", node);
	c->out = out;
	c->ctx = ctx;
	for (pp = &s->cmds; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	return 0;
}

/* Start queued commands whose node is free; pass output on; finish the
 * ended ones. */
static void commands_step(struct serve *s)
{
	for (struct serve_cmd **pp = &s->cmds; *pp;) {
		struct serve_cmd *c = *pp;
		struct node *n = world_find_node(s->rw->world, c->node);
		char *text;

		if (!n) { /* the node went away (a guest powered off) */
			*pp = c->next;
			if (c->proc)
				proc_free(c->proc);
			c->out(c->ctx, "", true, 255);
			cmd_free(c);
			continue;
		}
		if (!c->proc) {
			if (node_busy(s, c->node)) {
				pp = &c->next;
				continue;
			}
			/* What the node printed before goes to the console, or
			 * without one (a scenario) to this command, as in
			 * run_command(). */
			text = node_take_output(n);
			if (text && *text)
				(s->console ? s->console : c->out)(
					s->console ? s->console_ctx : c->ctx, text, false, 0);
			free(text);
			c->proc = node_run(n, c->cmd);
			if (!c->proc) {
				*pp = c->next;
				c->out(c->ctx, "chpsync: out of memory\n", true, 1);
				cmd_free(c);
				continue;
			}
		}
		text = node_take_output(n);
		if (proc_done(c->proc)) {
			*pp = c->next;
			c->out(c->ctx, text ? text : "", true, proc_status(c->proc));
			proc_free(c->proc);
			cmd_free(c);
		} else {
			if (text && *text)
				c->out(c->ctx, text, false, 0);
			pp = &c->next;
		}
		free(text);
	}
}

/* Console text of nodes without a running command. */
static void console_step(struct serve *s)
{
	static const char *const fixed[] = {"host", "hmc"};

	if (!s->console)
		return;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		struct node *n = world_find_node(s->rw->world, fixed[i]);
		char *text;

		if (!n || node_busy(s, fixed[i]))
			continue;
		for (struct serve_cmd *c = s->cmds; c; c = c->next)
			if (!strcmp(c->node, fixed[i]))
				goto next;
		text = node_take_output(n);
		if (text && *text)
			s->console(s->console_ctx, text, false, 0);
		free(text);
	next:;
	}
}

static bool any_running(const struct serve *s)
{
	for (const struct serve_cmd *c = s->cmds; c; c = c->next)
		if (c->proc)
			return true;
	return false;
}

/* ---- control connections ---- */

static void ctl_output(void *ctx, const char *text, bool final, int status)
{
	struct serve_conn *c = ctx;
	struct chps_hdr h = {.command = CHPS_CTL_RUN};
	size_t len = strlen(text), max = CHPS_MSG_MAX - sizeof(h) - sizeof(struct chps_ctl_done);

	while (len > max) {
		serve_send(c, &h, CHPS_F_MORE, 0, text, max, NULL, 0);
		text += max;
		len -= max;
	}
	if (final) {
		struct chps_ctl_done d = {.status = status};

		serve_send(c, &h, 0, 0, text, len, &d, sizeof(d));
		if (--c->commands == 0 && c->closing)
			free(c);
	} else if (len) {
		serve_send(c, &h, CHPS_F_MORE, 0, text, len, NULL, 0);
	}
}

int serve_ctl_run(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n)
{
	const char *node = (const char *)p, *cmd;
	size_t nl;
	int rc;

	if (c->commands) {
		serve_log(c->s, "client %u: CTL_RUN while a command runs (%s)", c->serial,
			  strerror(EBUSY));
		return serve_send(c, h, 0, EBUSY, NULL, 0, NULL, 0), -EBUSY;
	}
	nl = n ? strnlen(node, n) : 0;
	if (!n || nl == n || !nl || nl >= 64 || p[n - 1] != '\0' ||
	    memchr(p + nl + 1, '\0', n - nl - 1) != p + n - 1) {
		serve_log(c->s, "client %u: CTL_RUN: payload is not NODE\\0COMMAND\\0 (%s)",
			  c->serial, strerror(EINVAL));
		return serve_send(c, h, 0, EINVAL, NULL, 0, NULL, 0), -EINVAL;
	}
	cmd = node + nl + 1;
	c->commands++;
	rc = serve_command(c->s, node, cmd, ctl_output, c);
	return rc == -ENOENT ? 0 : rc;
}

/* ---- the loop ---- */

/* Run the world up to simulated time `t` (at most a slice of events). */
static void run_to(struct serve *s, sim_time_t t)
{
	struct sim *sim = s->rw->sim;
	sim_time_t next;

	for (int i = 0; i < SERVE_EVENT_SLICE; i++) {
		if (!sim_next_time(sim, &next) || next > t)
			break;
		sim_step(sim);
	}
	if (sim_now(sim) < t && (!sim_next_time(sim, &next) || next > t))
		sim_run_to(sim, t); /* no event left before t: the clock moves on */
}

/* Advance the world; return how long the loop may sleep (ns). */
static int64_t advance(struct serve *s)
{
	struct sim *sim = s->rw->sim;
	bool paced = want_paced(s);
	sim_time_t next;

	if (paced && !s->paced) { /* start following the clock from here */
		clock_gettime(CLOCK_MONOTONIC, &s->wall_base);
		s->sim_base = sim_now(sim);
	}
	s->paced = paced;
	if (paced) {
		int64_t el = wall_now() - ts_ns(&s->wall_base);
		sim_time_t target = s->sim_base + (sim_time_t)(el > 0 ? el : 0);

		run_to(s, target);
		if (!sim_next_time(sim, &next))
			return SERVE_MAX_SLEEP_NS;
		if (next <= target)
			return 0;
		return (int64_t)(next - target) < SERVE_MAX_SLEEP_NS ? (int64_t)(next - target)
								     : SERVE_MAX_SLEEP_NS;
	}
	/* Nothing real attached: a running command goes as fast as its
	 * events; otherwise the world stands still. */
	if (!any_running(s))
		return SERVE_MAX_SLEEP_NS;
	for (int i = 0; i < SERVE_EVENT_SLICE; i++) {
		if (!sim_step(sim))
			return SERVE_MAX_SLEEP_NS; /* waits for something outside */
		if (!any_running(s))
			break;
		/* A finished command ends the slice: its output goes out now. */
		bool done = false;

		for (struct serve_cmd *c = s->cmds; c; c = c->next)
			if (c->proc && proc_done(c->proc))
				done = true;
		if (done)
			break;
	}
	return 0;
}

int serve_turn(struct serve *s, struct pollfd *extra, int nextra, int64_t max_wait_ns)
{
	struct pollfd pfd[64 + 8];
	struct serve_conn *idx[64 + 8];
	int n = 0, rc;
	int64_t sleep_ns;
	struct timespec ts;

	commands_step(s);
	sleep_ns = advance(s);
	commands_step(s);
	console_step(s);
	if (sleep_ns > max_wait_ns)
		sleep_ns = max_wait_ns;
	if (sleep_ns < 0)
		sleep_ns = 0;
	for (int i = 0; i < nextra && n < 8; i++)
		pfd[n++] = extra[i];
	pfd[n] = (struct pollfd){.fd = s->lsock, .events = POLLIN};
	idx[n++] = NULL;
	for (struct serve_conn *c = s->conns; c && n < (int)(sizeof(pfd) / sizeof(pfd[0]));
	     c = c->next) {
		pfd[n] = (struct pollfd){.fd = c->sock, .events = POLLIN};
		idx[n++] = c;
	}
	ts.tv_sec = sleep_ns / 1000000000ll;
	ts.tv_nsec = sleep_ns % 1000000000ll;
	rc = ppoll(pfd, (nfds_t)n, &ts, NULL);
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < nextra && i < 8; i++)
		extra[i].revents = pfd[i].revents;
	if (!rc)
		return 0;
	/* Requests act at the simulated time of their arrival. */
	if (want_paced(s))
		advance(s);
	for (int i = nextra < 8 ? nextra : 8; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (!idx[i]) {
			int fd = accept4(s->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (fd >= 0 && !serve_conn_new(s, fd))
				close(fd);
			continue;
		}
		/* Every message that is there, then a hang-up if any. */
		for (int k = 0; k < 64; k++) {
			int r;

			if (!(pfd[i].revents & POLLIN))
				break;
			r = serve_conn_read(idx[i]);
			if (r < 0) {
				pfd[i].revents = POLLHUP;
				break;
			}
			struct pollfd again = {.fd = idx[i]->sock, .events = POLLIN};

			if (poll(&again, 1, 0) <= 0 || !(again.revents & POLLIN)) {
				pfd[i].revents = again.revents;
				break;
			}
		}
		if (pfd[i].revents & (POLLHUP | POLLERR)) {
			if (idx[i]->role == ROLE_DEVICE || idx[i]->devfd >= 0)
				serve_log(s, "client %u (%s pid %u): disconnected", idx[i]->serial,
					  idx[i]->name, idx[i]->pid);
			serve_conn_close(idx[i]);
		}
	}
	commands_step(s);
	return 0;
}

/* ---- chpsync serve ---- */

static const char serve_usage[] =
	"usage: chpsync serve [--socket PATH] [--iocp FILE] [--trace FILE] [--seed N]\n"
	"                     [--debug] [PRELUDE.scenario]\n"
	"  Runs the machine and host OS as a service: QEMU through the bridge\n"
	"  (chpsync qemu) opens the host's vfio-ccw devices on PATH (default\n"
	"  ./chpsync.sock); `chpsync ctl PATH NODE 'COMMAND'` runs a command.\n"
	"  Lines on standard input run on the nodes: '[root@NODE ~]# CMD',\n"
	"  'NODE: CMD' or 'CMD' (current node).  PRELUDE.scenario's commands\n"
	"  run first (e.g. driverctl and mdevctl start).  Ends with 'exit' on\n"
	"  standard input or SIGINT/SIGTERM (at EOF it goes on without a terminal).\n";

struct term {
	struct serve *s;
	char cur[64];
	bool tty, waiting;
};

static void term_prompt(struct term *t)
{
	if (t->tty) {
		printf("[root@%s ~]# ", t->cur);
		fflush(stdout);
	}
}

static void term_output(void *ctx, const char *text, bool final, int status)
{
	struct term *t = ctx;

	fputs(text, stdout);
	fflush(stdout);
	if (final) {
		t->waiting = false;
		term_prompt(t);
	}
}

/* A terminal line: '[root@NODE DIR]# CMD', 'NODE: CMD' or 'CMD'. */
static void term_line(struct term *t, char *line)
{
	struct prompt p;
	const char *why, *cmd = line + strspn(line, " \t");
	char node[64];
	int k = prompt_parse(line, &p, &why);
	char *owned = NULL;

	snprintf(node, sizeof(node), "%s", t->cur);
	if (k < 0) {
		fprintf(stderr, "chpsync: %s\n", why);
		term_prompt(t);
		return;
	}
	if (k > 0) {
		snprintf(node, sizeof(node), "%s", p.node);
		cmd = owned = strndup(p.cmd, p.cmdlen);
	} else {
		const char *colon = strchr(line, ':');
		size_t nl = colon ? (size_t)(colon - line) : 0;

		if (colon && nl && nl < sizeof(node) &&
		    strspn(line,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") ==
			    nl) {
			char nm[64];

			memcpy(nm, line, nl);
			nm[nl] = '\0';
			if (world_find_node(t->s->rw->world, nm)) {
				snprintf(node, sizeof(node), "%s", nm);
				cmd = colon + 1 + strspn(colon + 1, " \t");
			}
		}
	}
	if (!cmd || !*cmd) {
		free(owned);
		term_prompt(t);
		return;
	}
	if (world_find_node(t->s->rw->world, node))
		snprintf(t->cur, sizeof(t->cur), "%s", node);
	t->waiting = true;
	serve_command(t->s, node, cmd, term_output, t);
	free(owned);
}

static void console_output(void *ctx, const char *text, bool final, int status)
{
	fputs(text, stdout);
	fflush(stdout);
}

static int run_prelude(struct run_world *rw, const char *path)
{
	struct scenario sc;
	char err[1024];
	int rc = 0;

	if (scenario_load(&sc, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "chpsync: %s\n", err);
		return -1;
	}
	rw->timeout = sc.timeout;
	for (size_t i = 0; i < sc.nitems; i++) {
		const struct scn_item *it = &sc.items[i];
		char *out = NULL;
		enum run_result r;

		if (it->kind != SCN_COMMAND)
			continue;
		printf("%s\n", it->text);
		r = run_command(rw, it->node, it->cmd, &out);
		if (out)
			fputs(out, stdout);
		free(out);
		if (r != RUN_OK) {
			fprintf(stderr, "chpsync: %s:%d: %s\n", path, it->line, run_result_str(r));
			rc = -1;
			break;
		}
	}
	fflush(stdout);
	scenario_free(&sc);
	return rc;
}

int serve_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, 's'},
		{"iocp", required_argument, NULL, 'i'},
		{"trace", required_argument, NULL, 't'},
		{"seed", required_argument, NULL, 'S'},
		{"debug", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct run_opts ro = {.err = stderr};
	const char *path = "chpsync.sock";
	struct run_world rw;
	struct term t = {.cur = "host"};
	struct serve *s;
	char err[1024], lbuf[4096];
	size_t llen = 0;
	bool in_open = true, stop = false;
	sigset_t sigs;
	int opt, sfd;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 'i':
			ro.iocp = optarg;
			break;
		case 't':
			ro.trace = optarg;
			break;
		case 'S': {
			char *end;

			errno = 0;
			ro.seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || *optarg == '-') {
				fprintf(stderr, "chpsync: --seed: '%s' is not a number\n%s", optarg,
					serve_usage);
				return 1;
			}
			ro.seed_set = true;
			break;
		}
		case 'd':
			ro.debug = true;
			break;
		case 'h':
			fputs(serve_usage, stdout);
			return 0;
		case ':':
			fprintf(stderr, "chpsync: option '%s' needs an argument\n%s",
				argv[optind - 1], serve_usage);
			return 1;
		default:
			fprintf(stderr, "chpsync: unknown option '%s'\n%s", argv[optind - 1],
				serve_usage);
			return 1;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "chpsync: serve: one prelude scenario at most\n%s", serve_usage);
		return 1;
	}
	if (run_world_create(&rw, &ro, ro.seed_set ? ro.seed : RUN_DEFAULT_SEED, ro.seed_set,
			     ro.iocp, "", err, sizeof(err)) < 0) {
		fprintf(stderr, "chpsync: %s\n", err);
		return 1;
	}
	if (optind < argc && run_prelude(&rw, argv[optind]) < 0) {
		run_world_destroy(&rw);
		return 1;
	}
	s = serve_new(&rw, path, stderr, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "chpsync: %s\n", err);
		run_world_destroy(&rw);
		return 1;
	}
	t.s = s;
	t.tty = isatty(0);
	serve_console(s, console_output, NULL);
	/* SIGINT and SIGTERM end the service between two turns (a signalfd:
	 * no handler, no process-wide flag). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	fprintf(stderr, "chpsync serve: listening on %s\n", path);
	term_prompt(&t);
	while (!stop) {
		struct pollfd ext[2] = {{.fd = in_open ? 0 : -1, .events = POLLIN},
					{.fd = sfd, .events = POLLIN}};
		struct pollfd in;

		if (serve_turn(s, ext, 2, SERVE_MAX_SLEEP_NS) < 0) {
			fprintf(stderr, "chpsync: serve: poll: %s\n", strerror(errno));
			break;
		}
		if (ext[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) /* consumed */
				fprintf(stderr, "chpsync serve: %s, ending\n", strsignal((int)si.ssi_signo));
			break;
		}
		in = ext[0];
		if (in.revents & (POLLIN | POLLHUP)) {
			ssize_t r = read(0, lbuf + llen, sizeof(lbuf) - 1 - llen);

			if (r <= 0) {
				in_open = false; /* the service goes on */
				continue;
			}
			llen += (size_t)r;
			for (;;) {
				char *nl = memchr(lbuf, '\n', llen);
				size_t k;

				if (!nl) {
					if (llen == sizeof(lbuf) - 1)
						llen = 0; /* an overlong line is dropped */
					break;
				}
				*nl = '\0';
				k = (size_t)(nl - lbuf) + 1;
				if (nl > lbuf && nl[-1] == '\r')
					nl[-1] = '\0';
				if (!strcmp(lbuf, "exit") || !strcmp(lbuf, "logout"))
					stop = true;
				else if (lbuf[0] != '#')
					term_line(&t, lbuf);
				else
					term_prompt(&t);
				memmove(lbuf, lbuf + k, llen - k);
				llen -= k;
			}
		}
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
	serve_free(s);
	run_world_destroy(&rw);
	return 0;
}

/* ---- chpsync ctl ---- */

int ctl_main(int argc, char **argv)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct chps_hdr h = {.id = 1, .command = CHPS_CTL_RUN};
	size_t nl, cl;
	uint8_t *msg;
	int fd, status = -1;

	if (argc != 4) {
		fprintf(stderr, "usage: chpsync ctl SOCKET NODE 'COMMAND'\n");
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(a.sun_path)) {
		fprintf(stderr, "chpsync: %s: socket path too long\n", argv[1]);
		return 2;
	}
	nl = strlen(argv[2]);
	cl = strlen(argv[3]);
	if (sizeof(h) + nl + cl + 2 > CHPS_MSG_MAX) {
		fprintf(stderr, "chpsync: ctl: command too long\n");
		return 2;
	}
	memcpy(a.sun_path, argv[1], strlen(argv[1]) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "chpsync: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	msg = malloc(CHPS_MSG_MAX);
	if (!msg)
		return 2;
	h.size = (uint32_t)(sizeof(h) + nl + cl + 2);
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), argv[2], nl + 1);
	memcpy(msg + sizeof(h) + nl + 1, argv[3], cl + 1);
	if (send(fd, msg, h.size, MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "chpsync: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (;;) {
		ssize_t n = recv(fd, msg, CHPS_MSG_MAX, 0);
		struct chps_hdr r;
		size_t tail;

		if (n < (ssize_t)sizeof(r)) {
			fprintf(stderr, "chpsync: %s: the service went away\n", argv[1]);
			break;
		}
		memcpy(&r, msg, sizeof(r));
		if (r.error) {
			fprintf(stderr, "chpsync: ctl: %s\n", strerror((int)r.error));
			break;
		}
		if (r.flags & CHPS_F_MORE) {
			fwrite(msg + sizeof(r), 1, (size_t)n - sizeof(r), stdout);
			continue;
		}
		tail = (size_t)n - sizeof(r);
		if (tail < sizeof(struct chps_ctl_done)) {
			fprintf(stderr, "chpsync: ctl: short final reply\n");
			break;
		}
		fwrite(msg + sizeof(r), 1, tail - sizeof(struct chps_ctl_done), stdout);
		{
			struct chps_ctl_done d;

			memcpy(&d, msg + n - sizeof(d), sizeof(d));
			status = d.status;
		}
		break;
	}
	fflush(stdout);
	free(msg);
	close(fd);
	return status < 0 ? 2 : status > 255 ? 255 : status;
}
