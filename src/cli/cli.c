/* chpsync: run, check and explore scenarios on the simulated IBM Z.
 * The command line lives here (in libcli, so tests can call it); main.c
 * only calls chpsync_main(). */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
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
#include "cli/shell.h"
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

/* 0, -1 (not a number) or -2 (a number out of range). */
static int parse_seed(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end || *s == '-')
		return -1;
	if (errno == ERANGE)
		return -2;
	if (errno)
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
			switch (parse_seed(optarg, &c->ro.seed)) {
			case -1:
				return usage_error("--seed: '%s' is not a number", optarg), -1;
			case -2:
				return usage_error("--seed: '%s' is out of range (0 to "
						   "18446744073709551615)",
						   optarg),
				       -1;
			}
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

static int cmd_shell(struct cli *c, int argc, char **argv)
{
	int i = parse_opts(c, argc, argv);

	if (i < 0)
		return 1;
	if (i < argc)
		return usage_error("shell: unexpected argument '%s'", argv[i]);
	if (!c->ro.title)
		c->ro.title = "chpsync shell";
	return chpsync_shell(&c->ro);
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
