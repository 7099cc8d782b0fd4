/* `chpsync shell` (docs/scenario.md, "shell"): a prompt on a world.
 *
 * A line is `[root@NODE ~]# CMD` or `NODE: CMD` (run on NODE, which becomes
 * the current node) or `CMD` (the current node).  This shell's own words
 * are `help`, `exit [N]`, `logout` and `#! think DURATION` lines.  On a
 * terminal, lines are edited with readline (history, completion of node
 * names, commands, CHPIDs and bus IDs; cli/lineedit.c); from a pipe or a
 * file each command is echoed as a prompt line, so the output is a
 * transcript.  SIGINT, SIGTERM and SIGHUP are read from a signalfd: Ctrl-C
 * interrupts the command that runs (or drops the line at the prompt), and
 * SIGTERM or SIGHUP end the session; either way the world is ended and its
 * work directory removed. */
#include "cli/shell.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/lineedit.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "user/node.h"

#define MAX_NAMES 512

static const char *const builtins[] = {"echo", "exit", "false", "sleep", "true", "wait"};

struct shell {
	struct run_world rw;
	const struct run_opts *o;
	bool interactive; /* a terminal: prompts, no echo of the commands */
	char cur[64];	  /* the current node */
	int status;	  /* of the last command */
	int sigfd;
	int quit_sig;  /* SIGTERM or SIGHUP received */
	bool got_intr; /* a Ctrl-C went to the command that ran */
};

static bool name_chars(const char *s, size_t n)
{
	return n &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") >= n;
}

/* "NODE: CMD": 1 with the node and the command, 0 if the line does not
 * start so. */
static int node_prefix(const char *line, char *node, size_t len, const char **cmd)
{
	size_t n = strcspn(line, ": \t");

	if (line[n] != ':' || !name_chars(line, n) || n >= len)
		return 0;
	memcpy(node, line, n);
	node[n] = '\0';
	*cmd = line + n + 1 + strspn(line + n + 1, " \t");
	return 1;
}

static void node_list(struct shell *sh, char *buf, size_t len)
{
	const char *names[MAX_NAMES];
	size_t n = world_node_names(sh->rw.world, names, MAX_NAMES), off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < MAX_NAMES && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", names[i]);
}

/* ---- help ---- */

static void print_words(const char *const *w, size_t n, size_t indent)
{
	size_t col = indent;

	printf("%*s", (int)indent, "");
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(w[i]) + (i ? 1 : 0);

		if (i && col + l > 78) {
			printf("\n%*s%s", (int)indent, "", w[i]);
			col = indent + l - 1;
			continue;
		}
		printf("%s%s", i ? " " : "", w[i]);
		col += l;
	}
	printf("\n");
}

static void shell_help(struct shell *sh)
{
	const char *names[MAX_NAMES], *progs[MAX_NAMES];
	size_t n = world_node_names(sh->rw.world, names, MAX_NAMES);

	printf("Nodes and their commands ('NODE: CMD' runs CMD on NODE and makes it the\n"
	       "current node; now: %s):\n",
	       sh->cur);
	for (size_t i = 0; i < n && i < MAX_NAMES; i++) {
		struct node *nd = world_find_node(sh->rw.world, names[i]);
		size_t k = nd ? node_prog_names(nd, progs, MAX_NAMES) : 0;

		printf("  %s%s\n", names[i],
		       !strcmp(names[i], "hmc") ? " (the machine's console)" : "");
		print_words(progs, k < MAX_NAMES ? k : MAX_NAMES, 4);
	}
	printf("On every node: ");
	print_words(builtins, sizeof(builtins) / sizeof(builtins[0]), 0);
	printf("This shell: help; exit [N] or logout (ends the run); '#! think DURATION'\n"
	       "(time between a prompt and its command, now %llu ms); Ctrl-C interrupts the\n"
	       "command that runs.  Shell syntax and the commands: docs/commands.md.\n",
	       (unsigned long long)(sh->rw.think / SIM_MS));
}

/* ---- completion ---- */

struct cands {
	char **v;
	size_t n, cap;
};

static void cand_add(struct cands *c, const char *text, const char *word)
{
	char **nv;

	if (strncmp(word, text, strlen(text)))
		return;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i], word))
			return;
	if (c->n + 2 > c->cap) {
		nv = realloc(c->v, (c->cap + 32) * sizeof(*nv));
		if (!nv)
			return;
		c->v = nv;
		c->cap += 32;
	}
	c->v[c->n] = strdup(word);
	if (c->v[c->n])
		c->n++;
	c->v[c->n] = NULL;
}

/* CHPIDs ("0.42", or "42" when that is how the word starts) and bus IDs
 * ("0.0.3f3f", "3f3f") as the node's OS sees them (the hmc: the host's). */
static void ids(struct shell *sh, struct node *nd, struct cands *c, const char *text)
{
	struct os *os = nd ? node_os(nd) : NULL;
	bool full = !strncmp(text, "0.", 2) || !*text;
	char **names, buf[32];
	int n;

	if (!os)
		os = sh->rw.host;
	n = sysfs_list(os->sysfs, "/sys/devices/css0", &names);
	for (int i = 0; i < n; i++) {
		if (strncmp(names[i], "chp0.", 5))
			continue;
		snprintf(buf, sizeof(buf), "%s", full ? names[i] + 3 : names[i] + 5);
		cand_add(c, text, buf);
	}
	if (n > 0)
		sysfs_names_free(names, n);
	n = sysfs_list(os->sysfs, "/sys/bus/ccw/devices", &names);
	for (int i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s",
			 full || strlen(names[i]) < 4 ? names[i] : names[i] + 4);
		cand_add(c, text, buf);
	}
	if (n > 0)
		sysfs_names_free(names, n);
}

static char **shell_complete(void *ctx, const char *line, int start, const char *text)
{
	struct shell *sh = ctx;
	const char *names[MAX_NAMES], *cmd;
	struct cands c = {0};
	int lead = (int)strspn(line, " \t"), cmdoff = lead;
	char node[64];
	struct node *nd;
	size_t n;

	snprintf(node, sizeof(node), "%s", sh->cur);
	if (node_prefix(line + lead, node, sizeof(node), &cmd))
		cmdoff = (int)(cmd - line);
	else
		snprintf(node, sizeof(node), "%s", sh->cur);
	nd = world_find_node(sh->rw.world, node);
	if (start <= lead) {
		/* The first word: a node prefix, one of this shell's words, or a
		 * command of the current node. */
		nd = world_find_node(sh->rw.world, sh->cur);
		n = world_node_names(sh->rw.world, names, MAX_NAMES);
		for (size_t i = 0; i < n && i < MAX_NAMES; i++) {
			char w[80];

			snprintf(w, sizeof(w), "%s:", names[i]);
			cand_add(&c, text, w);
		}
		cand_add(&c, text, "help");
		cand_add(&c, text, "logout");
	}
	if (start <= lead || start == cmdoff) {
		n = nd ? node_prog_names(nd, names, MAX_NAMES) : 0;
		for (size_t i = 0; i < n && i < MAX_NAMES; i++)
			cand_add(&c, text, names[i]);
		for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
			cand_add(&c, text, builtins[i]);
	} else {
		ids(sh, nd, &c, text);
	}
	return c.v;
}

/* ---- lines ---- */

/* "exit [N]" or "logout": true, with the status in *st (2 after a bad
 * argument, as bash). */
static bool is_exit(struct shell *sh, const char *s, int *st)
{
	size_t n = strcspn(s, " \t");
	const char *arg;
	char *end;
	long v;

	if (!(n == 4 && !strncmp(s, "exit", 4)) && !(n == 6 && !strncmp(s, "logout", 6)))
		return false;
	arg = s + n + strspn(s + n, " \t");
	*st = sh->status;
	if (!*arg)
		return true;
	v = strtol(arg, &end, 10);
	end += strspn(end, " \t");
	if (end == arg || *end) {
		fprintf(stderr, "chpsync: exit: %s: numeric argument required\n", arg);
		*st = 2;
		return true;
	}
	*st = (int)(v & 255);
	return true;
}

/* '#! think DURATION' sets the think time from there on, as in a scenario
 * (unless --think was given); other '#!' lines are comments here. */
static void shell_directive(struct shell *sh, const char *line)
{
	const char *a = line + 2;
	sim_time_t t;
	char arg[64];
	size_t n;

	a += strspn(a, " \t");
	if (strncmp(a, "think", 5) || !strchr(" \t", a[5]))
		return;
	a += 5 + strspn(a + 5, " \t");
	n = strcspn(a, " \t\r");
	if (n >= sizeof(arg))
		n = sizeof(arg) - 1;
	memcpy(arg, a, n);
	arg[n] = '\0';
	if (parse_duration0(arg, &t) < 0) {
		fprintf(stderr, "chpsync: think: '%s' is not a duration (e.g. 0, 2s, 500ms)\n",
			arg);
		return;
	}
	if (!sh->o->think_set)
		sh->rw.think = t;
}

static void run_line(struct shell *sh, const char *line)
{
	char node[64], nodes[512], *cmd = NULL, *out = NULL;
	const char *why, *rest;
	struct prompt p;
	enum run_result r;
	int k = prompt_parse(line, &p, &why);

	if (k < 0) {
		fprintf(stderr, "chpsync: %s\n", why);
		sh->status = 1;
		return;
	}
	if (k > 0) {
		snprintf(node, sizeof(node), "%s", p.node);
		cmd = strndup(p.cmd, p.cmdlen);
	} else if (node_prefix(line, node, sizeof(node), &rest)) {
		cmd = strdup(rest);
	} else {
		snprintf(node, sizeof(node), "%s", sh->cur);
		cmd = strdup(line);
	}
	if (!cmd)
		return;
	if (!sh->interactive)
		printf("[root@%s ~]# %s\n", node, cmd);
	fflush(stdout);
	if (!world_find_node(sh->rw.world, node)) {
		node_list(sh, nodes, sizeof(nodes));
		fprintf(stderr, "chpsync: no node '%s' (nodes: %s)\n", node, nodes);
		sh->status = 1;
		free(cmd);
		return;
	}
	sh->got_intr = false;
	r = run_command(&sh->rw, node, cmd, &out);
	/* As bash after a job ended by Ctrl-C: the prompt on a line of its
	 * own (the terminal has echoed ^C). */
	if (sh->interactive && sh->got_intr && (!out || !*out))
		putchar('\n');
	if (out)
		fputs(out, stdout);
	fflush(stdout);
	if (r == RUN_OK || r == RUN_TIMEOUT)
		sh->status = sh->rw.last_status;
	else
		sh->status = 1;
	if (r != RUN_OK)
		fprintf(stderr, "chpsync: %s: %s\n", node, run_result_str(r));
	if (r != RUN_NO_NODE)
		snprintf(sh->cur, sizeof(sh->cur), "%s", node);
	free(out);
	free(cmd);
}

/* The runner polls this while a command runs: Ctrl-C interrupts it;
 * SIGTERM or SIGHUP interrupt it too and end the session. */
static bool shell_poll(void *ctx)
{
	struct shell *sh = ctx;
	struct signalfd_siginfo si;
	bool got = false;

	while (read(sh->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP)
			sh->quit_sig = (int)si.ssi_signo;
		else
			sh->got_intr = true;
		got = true;
	}
	return got;
}

int chpsync_shell(const struct run_opts *o)
{
	struct shell *sh = calloc(1, sizeof(*sh));
	sigset_t sigs, old_mask;
	struct lineedit *le;
	char err[1024], prompt[96], *line;
	int rc, sig, st = 0;
	bool done = false;

	if (!sh) {
		fprintf(stderr, "chpsync: out of memory\n");
		return 1;
	}
	sh->o = o;
	sh->interactive = isatty(0);
	snprintf(sh->cur, sizeof(sh->cur), "host");
	/* The signals first: one that comes while the world is built must not
	 * leave its work directory behind. */
	/* Ctrl-C is ours even when the program that started us ignores it
	 * (a script's trap): an ignored signal never reaches a signalfd. */
	signal(SIGINT, SIG_DFL);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &old_mask);
	sh->sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (run_world_create(&sh->rw, o, o->seed_set ? o->seed : RUN_DEFAULT_SEED, o->seed_set,
			     o->iocp, "", err, sizeof(err)) < 0) {
		fprintf(stderr, "chpsync: %s\n", err);
		rc = 1;
		goto out;
	}
	sh->rw.think = o->think_set ? o->think : SCN_DEFAULT_THINK;
	if (sh->sigfd >= 0) {
		sh->rw.intr_poll = shell_poll;
		sh->rw.intr_ctx = sh;
	}
	le = lineedit_new(sh->interactive && isatty(1), sh->sigfd, shell_complete, sh);
	while (!done && le && !sh->quit_sig) {
		const char *s;

		/* A guest that was powered off leaves: back to the host. */
		if (!world_find_node(sh->rw.world, sh->cur))
			snprintf(sh->cur, sizeof(sh->cur), "host");
		snprintf(prompt, sizeof(prompt), "[root@%s ~]# ", sh->cur);
		line = lineedit_read(le, sh->interactive ? prompt : NULL, &sig);
		if (!line) {
			if (sig)
				sh->quit_sig = sig;
			break;
		}
		line[strcspn(line, "\r")] = '\0';
		s = line + strspn(line, " \t");
		if (line[0] == '#') {
			if (!sh->interactive)
				printf("%s\n", line);
			if (line[1] == '!')
				shell_directive(sh, line);
		} else if (is_exit(sh, s, &st)) {
			lineedit_add_history(le, line);
			done = true;
		} else if (!strcmp(s, "help") || !strncmp(s, "help ", 5)) {
			lineedit_add_history(le, line);
			shell_help(sh);
			sh->status = 0;
		} else {
			lineedit_add_history(le, line);
			run_line(sh, s);
		}
		free(line);
	}
	if (sh->interactive && !done)
		putchar('\n');
	rc = done ? st : sh->status;
	if (le && lineedit_failed(le))
		rc = 1;
	lineedit_free(le);
	if (sh->quit_sig)
		rc = 128 + sh->quit_sig;
	sh->rw.intr_poll = NULL;
	if (run_world_finish(&sh->rw, o) < 0 && !rc)
		rc = 1;
	run_world_destroy(&sh->rw);
out:
	if (sh->sigfd >= 0)
		close(sh->sigfd);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	free(sh);
	return rc;
}
