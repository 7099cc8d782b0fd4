/* chpsync: run, check and explore scenarios on the simulated IBM Z.
 * The command line lives here (in libcli, so tests can call it); main.c
 * only calls chpsync_main(). */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/check.h"
#include "cli/explore.h"
#include "cli/runner.h"
#include "cli/scenario.h"
#include "cli/timeline.h"
#include "dev/eckd.h"
#include "cli/qemu_wrap.h"
#include "cli/serve.h"
#include "user/node.h"

#define CHPSYNC_VERSION "0.1"

static const char usage_text[] =
	"usage: chpsync run [OPTIONS] [FILE.scenario]\n"
	"       chpsync check [OPTIONS] FILE.scenario...\n"
	"       chpsync shell [OPTIONS]\n"
	"       chpsync explore [--profile NAME] [--seeds A-B] [--shard K/N] [--jobs N]\n"
	"                       [--out DIR] [--host-driver=chpsync|upstream] [--vmm=chpsync|qemu]\n"
	"       chpsync dasd create|format|info|check ...\n"
	"       chpsync serve [OPTIONS] [PRELUDE.scenario]\n"
	"       chpsync ctl SOCKET NODE 'COMMAND'\n"
	"       chpsync qemu [--socket PATH] QEMU-OPTIONS...\n"
	"       chpsync --help | --version\n"
	"\n"
	"  run      run a scenario (default: the cover letter's example) and print\n"
	"           its transcript with the actual output\n"
	"  check    run scenarios and compare with the expected output in them;\n"
	"           exit 1 with a unified diff on any difference\n"
	"  shell    type commands into a world: '[root@NODE ~]# CMD', 'NODE: CMD'\n"
	"           or 'CMD' (current node); end with 'exit' or EOF\n"
	"  explore  run many seeds of generated faults under I/O, check the\n"
	"           invariants, shrink each failure to a scenario (docs/explore.md)\n"
	"  dasd     the DASD volume image tool\n"
	"  serve    the machine and host OS as a service for real programs\n"
	"           (chpsync serve --help; docs/real-qemu.md)\n"
	"  ctl      run a command on a node of a running 'chpsync serve'\n"
	"  qemu     run the system's qemu-system-s390x on a 'chpsync serve'\n"
	"\n"
	"options:\n"
	"  --seed N         seed of the run's PRNG; also permutes equal-time events\n"
	"  --trace FILE     write the world's event log to FILE\n"
	"  --trace-format text|chrome\n"
	"                   chrome: the trace as Chrome trace-event JSON (Perfetto)\n"
	"  --timeline FILE  run, shell: draw every layer's view of every path over\n"
	"                   time as FILE.svg, or FILE.html with hover details\n"
	"  --iocp FILE      I/O configuration deck (overrides '#! iocp')\n"
	"  --timing ficon|zero\n"
	"                   the machine's timing model (default ficon; overrides\n"
	"                   '#! timing'); zero: the 3390 answers at once\n"
	"  --think DURATION time between a prompt and its command (default 2s;\n"
	"                   overrides '#! think')\n"
	"  --keep-workdir   keep the run's temporary work directory\n"
	"  --debug          debug-only kernel lines (Linux pr_debug, s390dbf) in dmesg\n"
	"  --real-qemu      run/check: the host's qemu-system-s390x starts the real QEMU\n"
	"                   and a real s390x Linux guest (docs/real-qemu.md)\n"
	"  --sysfs-dump DIR run: write each node's /sys to DIR/NODE/sys at the end\n"
	"  -v, --verbose    check: print PASS lines too\n"
	"\n"
	"Scenario format: docs/scenario.md\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("chpsync: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return 1;
}

struct cli {
	struct run_opts ro;
	bool verbose;
};

enum {
	OPT_SEED = 256,
	OPT_TRACE,
	OPT_IOCP,
	OPT_KEEP,
	OPT_DEBUG,
	OPT_TRACE_FORMAT,
	OPT_TIMELINE,
	OPT_TIMING,
	OPT_THINK,
	OPT_REAL_QEMU,
	OPT_SYSFS_DUMP,
};

static int parse_seed(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

/* Options of run/check/shell; returns optind or -1 after an error. */
static int parse_opts(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"seed", required_argument, NULL, OPT_SEED},
		{"trace", required_argument, NULL, OPT_TRACE},
		{"iocp", required_argument, NULL, OPT_IOCP},
		{"keep-workdir", no_argument, NULL, OPT_KEEP},
		{"debug", no_argument, NULL, OPT_DEBUG},
		{"real-qemu", no_argument, NULL, OPT_REAL_QEMU},
		{"sysfs-dump", required_argument, NULL, OPT_SYSFS_DUMP},
		{"trace-format", required_argument, NULL, OPT_TRACE_FORMAT},
		{"timeline", required_argument, NULL, OPT_TIMELINE},
		{"timing", required_argument, NULL, OPT_TIMING},
		{"think", required_argument, NULL, OPT_THINK},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	opterr = 0;
	optind = 0; /* 0: GNU getopt starts afresh (chpsync_main may run again) */
	while ((opt = getopt_long(argc, argv, ":v", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_SEED:
			if (parse_seed(optarg, &c->ro.seed) < 0)
				return usage_error("--seed: '%s' is not a number", optarg), -1;
			c->ro.seed_set = true;
			break;
		case OPT_TRACE:
			c->ro.trace = optarg;
			break;
		case OPT_IOCP:
			c->ro.iocp = optarg;
			break;
		case OPT_KEEP:
			c->ro.keep_workdir = true;
			break;
		case OPT_DEBUG:
			c->ro.debug = true;
			break;
		case OPT_REAL_QEMU:
			c->ro.real_qemu = true;
			break;
		case OPT_SYSFS_DUMP:
			c->ro.sysfs_dump = optarg;
			break;
		case OPT_TRACE_FORMAT:
			if (!strcmp(optarg, "chrome"))
				c->ro.trace_chrome = true;
			else if (!strcmp(optarg, "text"))
				c->ro.trace_chrome = false;
			else
				return usage_error("--trace-format: '%s' is not text or chrome",
						   optarg),
				       -1;
			break;
		case OPT_TIMELINE:
			if (tl_file_kind(optarg) < 0)
				return usage_error("--timeline: '%s' does not end in .svg or .html",
						   optarg),
				       -1;
			c->ro.timeline = optarg;
			break;
		case OPT_TIMING:
			if (parse_timing(optarg, &c->ro.timing) < 0)
				return usage_error("--timing: '%s' is not ficon or zero", optarg),
				       -1;
			c->ro.timing_set = true;
			break;
		case OPT_THINK:
			if (parse_duration0(optarg, &c->ro.think) < 0)
				return usage_error(
					       "--think: '%s' is not a duration (e.g. 0, 2s, 500ms)",
					       optarg),
				       -1;
			c->ro.think_set = true;
			break;
		case 'v':
			c->verbose = true;
			break;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]), -1;
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]), -1;
		}
	}
	if (c->ro.trace_chrome && !c->ro.trace)
		return usage_error("--trace-format=%s needs --trace FILE", "chrome"), -1;
	return optind;
}

static int cmd_run(struct cli *c, int argc, char **argv)
{
	struct scenario s;
	char err[1024];
	int i = parse_opts(c, argc, argv), rc;

	if (i < 0)
		return 1;
	if (argc - i > 1)
		return usage_error("run: expected at most one scenario file, got '%s' too",
				   argv[i + 1]);
	if (i < argc)
		rc = scenario_load(&s, argv[i], err, sizeof(err));
	else
		rc = scenario_parse(&s, default_scenario_name, default_scenario_text, err,
				    sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "chpsync: %s\n", err);
		return 1;
	}
	rc = run_scenario(&s, &c->ro, stdout);
	scenario_free(&s);
	return rc < 0 ? 1 : 0;
}

/* Run one scenario file and compare.  0 pass, 1 fail. */
static int check_one(struct cli *c, const char *path)
{
	struct scenario s;
	char err[1024], *text, *actual = NULL;
	size_t alen = 0;
	FILE *mem;
	int rc = 1;

	text = read_file(path, NULL, err, sizeof(err));
	if (!text || scenario_load(&s, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "chpsync: %s\n", err);
		free(text);
		return 1;
	}
	mem = open_memstream(&actual, &alen);
	if (!mem) {
		fprintf(stderr, "chpsync: %s: out of memory\n", path);
		goto out;
	}
	rc = run_scenario(&s, &c->ro, mem) < 0;
	fclose(mem);
	if (!rc)
		rc = check_transcript(stdout, path, text, actual, s.varies, s.nvaries) != 0;
	if (!rc && c->verbose)
		printf("PASS %s\n", path);
	else if (rc)
		printf("FAIL %s\n", path);
out:
	free(actual);
	free(text);
	scenario_free(&s);
	return rc;
}

static int cmd_check(struct cli *c, int argc, char **argv)
{
	int i = parse_opts(c, argc, argv), failed = 0;

	if (i < 0)
		return 1;
	if (c->ro.timeline)
		return usage_error("check: %s", "--timeline is for run and shell");
	if (i >= argc)
		return usage_error("check: %s", "expected at least one scenario file");
	for (; i < argc; i++)
		failed += check_one(c, argv[i]);
	fflush(stdout);
	return failed ? 1 : 0;
}

/* ---- shell ---- */

static bool node_prefix(struct run_world *rw, const char *line, char *node, size_t len,
			const char **cmd)
{
	const char *colon = strchr(line, ':');
	size_t n;

	if (!colon || colon == line || (size_t)(colon - line) >= len)
		return false;
	n = colon - line;
	memcpy(node, line, n);
	node[n] = '\0';
	if (strspn(node, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != n)
		return false;
	if (!world_find_node(rw->world, node))
		return false;
	*cmd = colon + 1 + strspn(colon + 1, " \t");
	return true;
}

static void shell_line(struct run_world *rw, char *line, char *cur, size_t curlen, bool interactive)
{
	char node[64], *cmd = NULL, *out = NULL;
	const char *why, *rest;
	struct prompt p;
	enum run_result r;
	int k = prompt_parse(line, &p, &why);

	if (k < 0) {
		fprintf(stderr, "chpsync: %s\n", why);
		return;
	}
	if (k > 0) {
		snprintf(node, sizeof(node), "%s", p.node);
		cmd = strndup(p.cmd, p.cmdlen);
	} else if (node_prefix(rw, line, node, sizeof(node), &rest)) {
		cmd = strdup(rest);
	} else {
		snprintf(node, sizeof(node), "%s", cur);
		cmd = strdup(line + strspn(line, " \t"));
	}
	if (!cmd)
		return;
	if (!interactive)
		printf("[root@%s ~]# %s\n", node, cmd);
	fflush(stdout);
	r = run_command(rw, node, cmd, &out);
	if (out)
		fputs(out, stdout);
	fflush(stdout);
	if (r != RUN_OK)
		fprintf(stderr, "chpsync: %s: %s\n", node, run_result_str(r));
	if (r != RUN_NO_NODE)
		snprintf(cur, curlen, "%s", node);
	free(out);
	free(cmd);
}

/* '#! think DURATION' in the input sets the think time from there on, as
 * in a scenario (unless --think was given); other '#!' lines are
 * comments here. */
static void shell_directive(struct run_world *rw, const struct run_opts *o, const char *line)
{
	const char *a = line + 2;
	sim_time_t t;
	char arg[64];
	size_t n;

	if (strncmp(line, "#!", 2))
		return;
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
	if (!o->think_set)
		rw->think = t;
}

/* Ctrl-C at the terminal interrupts the command that runs (SIGINT to its
 * processes), not chpsync and not the world.  SIGINT is blocked and read
 * from a signalfd, which the runner polls while it waits for a command
 * (no handler, no process-wide flag). */
static bool shell_sigint(void *ctx)
{
	struct signalfd_siginfo si;
	bool got = false;

	while (read(*(int *)ctx, &si, sizeof(si)) == (ssize_t)sizeof(si))
		got = true;
	return got;
}

static int cmd_shell(struct cli *c, int argc, char **argv)
{
	int i = parse_opts(c, argc, argv);
	bool interactive = isatty(0);
	sigset_t sigint, old_mask;
	struct run_world rw;
	int sfd;
	char err[1024], cur[64] = "host", *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (i < 0)
		return 1;
	if (i < argc)
		return usage_error("shell: unexpected argument '%s'", argv[i]);
	if (!c->ro.title)
		c->ro.title = "chpsync shell";
	if (run_world_create(&rw, &c->ro, c->ro.seed_set ? c->ro.seed : RUN_DEFAULT_SEED,
			     c->ro.seed_set, c->ro.iocp, "", err, sizeof(err)) < 0) {
		fprintf(stderr, "chpsync: %s\n", err);
		return 1;
	}
	rw.think = c->ro.think_set ? c->ro.think : SCN_DEFAULT_THINK;
	sigemptyset(&sigint);
	sigaddset(&sigint, SIGINT);
	sigprocmask(SIG_BLOCK, &sigint, &old_mask);
	sfd = signalfd(-1, &sigint, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd >= 0) {
		rw.intr_poll = shell_sigint;
		rw.intr_ctx = &sfd;
	}
	for (;;) {
		/* A Ctrl-C at the prompt is not for the next command. */
		if (sfd >= 0)
			shell_sigint(&sfd);
		if (interactive) {
			printf("[root@%s ~]# ", cur);
			fflush(stdout);
		}
		n = getline(&line, &cap, stdin);
		if (n < 0)
			break;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (line[0] == '#') {
			if (!interactive)
				printf("%s\n", line);
			shell_directive(&rw, &c->ro, line);
			continue;
		}
		/* Leaving the terminal, as at a login shell. */
		if (!strcmp(line, "exit") || !strcmp(line, "logout"))
			break;
		shell_line(&rw, line, cur, sizeof(cur), interactive);
	}
	if (interactive)
		putchar('\n');
	free(line);
	rw.intr_poll = NULL;
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	i = run_world_finish(&rw, &c->ro);
	run_world_destroy(&rw);
	return i < 0 ? 1 : 0;
}

int chpsync_main(int argc, char **argv)
{
	struct cli c = {.ro = {.err = stderr}};

	if (argc < 2)
		return usage_error("%s", "expected a command (run, check, shell, explore, dasd)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("chpsync %s\n", CHPSYNC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(&c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(&c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "shell"))
		return cmd_shell(&c, argc - 1, argv + 1);
	if (!strcmp(argv[1], "explore"))
		return cmd_explore_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "serve"))
		return serve_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ctl"))
		return ctl_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "qemu"))
		return qemu_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "dasd"))
		return dasd_tool_main(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", argv[1]);
}
