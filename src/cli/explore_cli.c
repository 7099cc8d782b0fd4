/* chpsync explore [OPTIONS]: many seeds, a process per worker.
 *
 * The parent hands out seeds one at a time to N worker processes over a
 * pipe each and collects one result record per seed; a worker that dies
 * (a crash, a sanitizer report) costs only its seed, which is recorded as
 * such, and a new worker takes its place.  Each seed's result depends on
 * the seed and the options only, so the records are the same whatever the
 * number of workers; results.jsonl is rewritten in seed order at the end.
 * A run that was interrupted resumes: the seeds already in results.jsonl
 * are not run again (the options must be the same, see explore.json).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/explore.h"

void xp_json_str(FILE *f, const char *s);

struct xopts {
	const struct xp_profile *prof;
	uint64_t first, last;
	int shard_k, shard_n;
	int jobs;
	const char *out;
	enum xp_host_driver hd;
	enum xp_vmm vmm;
	struct xp_limits lim;
	bool shrink;
	int shrink_runs;
	int sabotage; /* tests: break this invariant on purpose (hidden option) */
	const char *tmpdir;
	bool progress, quiet;
};

static int xusage(const char *fmt, const char *arg)
{
	fprintf(stderr, "chpsync explore: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'chpsync explore --help' for more information.\n");
	return 2;
}

static const char explore_help[] =
	"usage: chpsync explore [OPTIONS]\n"
	"\n"
	"Run seeds: generate a topology, a workload and a fault schedule from each\n"
	"seed, run it, check the invariants (data, io-ends, commands, converge,\n"
	"bounds, sanitizer), and shrink every failure to a scenario that replays it.\n"
	"Exit 0 when no invariant failed, 1 when one did, 2 on a usage error.\n"
	"\n"
	"  --profile NAME        a documented mix (--list-profiles); default 'default'\n"
	"  --seeds A-B           the seeds to run (default 1-100); also --seeds N\n"
	"  --shard K/N           only the seeds whose index in A-B is K-1 modulo N\n"
	"  --jobs N              worker processes (default: the online CPUs)\n"
	"  --out DIR             results.jsonl, junit.xml, fail-SEED.scenario (default\n"
	"                        explore-out); a run into a DIR that has results resumes\n"
	"  --host-driver=chpsync|upstream  the host vfio_ccw's chp_event (upstream:\n"
	"                        as Linux; a cancelled I/O can stay pending for ever)\n"
	"  --vmm=chpsync|qemu    the VMM's path sync (qemu: as QEMU, every guest STSCH\n"
	"                        reads the SCHIB region, CRWs passed one by one)\n"
	"  --guests A-B, --dasd A-B, --chpids A-B, --rounds A-B, --ops A-B,\n"
	"  --faults A-B, --blocks A-B   bound a dimension (replaces the profile's)\n"
	"  --kinds LIST          fault kinds: link,configure,vary,mdev,power,activate\n"
	"  --no-shrink           write the reproducer unshrunk\n"
	"  --shrink-runs N       runs a shrink may take (default 300)\n"
	"  --tmpdir DIR          scratch space of the runs (default $TMPDIR, else\n"
	"                        /dev/shm when there is one, else /tmp)\n"
	"  --list-profiles       print the profiles and exit\n"
	"  -q, --quiet           no progress line and no per-failure report\n"
	"\n"
	"docs/explore.md: what each check means, reading a report, replaying, many\n"
	"machines (GNU parallel, Slurm).\n";

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*v = n;
	return 0;
}

/* "A-B" or "N" */
static int parse_range64(const char *s, uint64_t *a, uint64_t *b)
{
	char buf[64], *dash;

	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (dash) {
		*dash = '\0';
		if (parse_u64(buf, a) < 0 || parse_u64(dash + 1, b) < 0 || *b < *a)
			return -1;
		return 0;
	}
	if (parse_u64(buf, a) < 0)
		return -1;
	*b = *a;
	return 0;
}

static int parse_range(const char *s, struct xp_range *r, int lo, int hi)
{
	uint64_t a, b;

	if (parse_range64(s, &a, &b) < 0 || a < (uint64_t)lo || b > (uint64_t)hi)
		return -1;
	r->lo = (int)a;
	r->hi = (int)b;
	r->set = true;
	return 0;
}

static int parse_kinds(const char *s, unsigned *out)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	*out = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; k < XF_NKINDS; k++)
			if (!strcmp(tok, xp_fault_name((enum xp_fault_kind)k)))
				break;
		if (k == XF_NKINDS || k == XF_NOTOPER)
			return -1;
		*out |= 1u << k;
	}
	return *out ? 0 : -1;
}

enum {
	O_PROFILE = 256,
	O_SEEDS,
	O_SHARD,
	O_JOBS,
	O_OUT,
	O_HD,
	O_VMM,
	O_GUESTS,
	O_DASD,
	O_CHPIDS,
	O_ROUNDS,
	O_OPS,
	O_FAULTS,
	O_BLOCKS,
	O_KINDS,
	O_NOSHRINK,
	O_SHRINKRUNS,
	O_LIST,
	O_HELP,
	O_SABOTAGE,
	O_TMPDIR,
};

static int parse_args(struct xopts *x, int argc, char **argv)
{
	static const struct option lo[] = {
		{"profile", required_argument, NULL, O_PROFILE},
		{"seeds", required_argument, NULL, O_SEEDS},
		{"shard", required_argument, NULL, O_SHARD},
		{"jobs", required_argument, NULL, O_JOBS},
		{"out", required_argument, NULL, O_OUT},
		{"host-driver", required_argument, NULL, O_HD},
		{"vmm", required_argument, NULL, O_VMM},
		{"guests", required_argument, NULL, O_GUESTS},
		{"dasd", required_argument, NULL, O_DASD},
		{"chpids", required_argument, NULL, O_CHPIDS},
		{"rounds", required_argument, NULL, O_ROUNDS},
		{"ops", required_argument, NULL, O_OPS},
		{"faults", required_argument, NULL, O_FAULTS},
		{"blocks", required_argument, NULL, O_BLOCKS},
		{"kinds", required_argument, NULL, O_KINDS},
		{"no-shrink", no_argument, NULL, O_NOSHRINK},
		{"shrink-runs", required_argument, NULL, O_SHRINKRUNS},
		{"list-profiles", no_argument, NULL, O_LIST},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, O_HELP},
		{"sabotage", required_argument, NULL, O_SABOTAGE},
		{"tmpdir", required_argument, NULL, O_TMPDIR},
		{NULL, 0, NULL, 0},
	};
	uint64_t a, b;
	int opt;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":q", lo, NULL)) != -1) {
		switch (opt) {
		case O_PROFILE:
			x->prof = xp_profile_find(optarg);
			if (!x->prof)
				return xusage("no profile '%s' (--list-profiles)", optarg);
			break;
		case O_SEEDS:
			if (parse_range64(optarg, &x->first, &x->last) < 0)
				return xusage("--seeds: '%s' is not A-B", optarg);
			break;
		case O_SHARD:
			if (sscanf(optarg, "%d/%d", &x->shard_k, &x->shard_n) != 2 ||
			    x->shard_n < 1 || x->shard_k < 1 || x->shard_k > x->shard_n)
				return xusage("--shard: '%s' is not K/N with 1 <= K <= N", optarg);
			break;
		case O_JOBS:
			if (parse_u64(optarg, &a) < 0 || a < 1 || a > 1024)
				return xusage("--jobs: '%s' is not a number from 1 to 1024",
					      optarg);
			x->jobs = (int)a;
			break;
		case O_OUT:
			x->out = optarg;
			break;
		case O_HD:
			if (!strcmp(optarg, "chpsync"))
				x->hd = XP_HOST_CHPSYNC;
			else if (!strcmp(optarg, "upstream"))
				x->hd = XP_HOST_UPSTREAM;
			else
				return xusage("--host-driver: '%s' is not chpsync or upstream",
					      optarg);
			break;
		case O_VMM:
			if (!strcmp(optarg, "chpsync"))
				x->vmm = XP_VMM_CHPSYNC;
			else if (!strcmp(optarg, "qemu"))
				x->vmm = XP_VMM_QEMU;
			else
				return xusage("--vmm: '%s' is not chpsync or qemu", optarg);
			break;
		case O_GUESTS:
			if (parse_range(optarg, &x->lim.guests, 1, XP_MAX_GUEST) < 0)
				return xusage("--guests: '%s' is not A-B within 1-8", optarg);
			break;
		case O_DASD:
			if (parse_range(optarg, &x->lim.dasd, 1, 64) < 0)
				return xusage("--dasd: '%s' is not A-B within 1-64", optarg);
			break;
		case O_CHPIDS:
			if (parse_range(optarg, &x->lim.chpids, 2, 8) < 0)
				return xusage("--chpids: '%s' is not A-B within 2-8", optarg);
			break;
		case O_ROUNDS:
			if (parse_range(optarg, &x->lim.rounds, 1, XP_MAX_ROUND) < 0)
				return xusage("--rounds: '%s' is not A-B within 1-8", optarg);
			break;
		case O_OPS:
			if (parse_range(optarg, &x->lim.ops, 0, 24) < 0)
				return xusage("--ops: '%s' is not A-B within 0-24", optarg);
			break;
		case O_FAULTS:
			if (parse_range(optarg, &x->lim.faults, 0, 12) < 0)
				return xusage("--faults: '%s' is not A-B within 0-12", optarg);
			break;
		case O_BLOCKS:
			if (parse_range(optarg, &x->lim.blocks, 1, XP_MAX_BLOCKS) < 0)
				return xusage("--blocks: '%s' is not A-B within 1-64", optarg);
			break;
		case O_KINDS:
			if (parse_kinds(optarg, &x->lim.kinds) < 0)
				return xusage(
					"--kinds: '%s' is not a list of link, configure, vary, "
					"mdev, power, activate",
					optarg);
			break;
		case O_NOSHRINK:
			x->shrink = false;
			break;
		case O_SHRINKRUNS:
			if (parse_u64(optarg, &b) < 0 || b > 100000)
				return xusage("--shrink-runs: '%s' is not a number", optarg);
			x->shrink_runs = (int)b;
			break;
		case O_LIST:
			for (const struct xp_profile *p = xp_profiles; p->name; p++)
				printf("%-10s %s\n", p->name, p->doc);
			return 0;
		case O_HELP:
			fputs(explore_help, stdout);
			return 0;
		case 'q':
			x->quiet = true;
			break;
		case O_SABOTAGE:
			x->sabotage = xp_inv_from_name(optarg);
			if (x->sabotage == XI_NINV || x->sabotage == XI_NONE)
				return xusage("--sabotage: '%s' is not an invariant", optarg);
			break;
		case O_TMPDIR:
			x->tmpdir = optarg;
			break;
		case ':':
			return xusage("option '%s' needs an argument", argv[optind - 1]);
		default:
			return xusage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return xusage("unexpected argument '%s'", argv[optind]);
	return -1; /* go on */
}

/* ---- one seed ---- */

struct seed_result {
	uint64_t seed;
	enum xp_inv inv;
	char line[4096]; /* the JSON record */
	char report[2048];
};

static void copy_log(const char *from, const char *to)
{
	char buf[8192];
	FILE *in = fopen(from, "r"), *out = in ? fopen(to, "w") : NULL;
	size_t n;

	while (out && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	if (out)
		fclose(out);
	if (in)
		fclose(in);
}

static void run_seed(const struct xopts *x, const char *tmpdir, uint64_t seed,
		     struct seed_result *res)
{
	struct xp_plan *p = malloc(sizeof(*p));
	char errpath[4200], repro[4200] = "", err[256], *line = NULL;
	struct xp_run_opts ro = {.tmpdir = tmpdir, .isolate = true, .errpath = errpath};
	struct xp_verdict v;
	size_t len = 0;
	FILE *f;
	int runs = 0;

	memset(res, 0, sizeof(*res));
	res->seed = seed;
	if (!p)
		return;
	/* every run in a child process of its own, its stderr kept */
	snprintf(errpath, sizeof(errpath), "%s/run.err", tmpdir);
	xp_generate(p, seed, x->prof, &x->lim, x->hd, x->vmm, err, sizeof(err));
	p->sabotage = (uint8_t)x->sabotage;
	if (xp_run_forked(p, &ro, &v, errpath, NULL, NULL) < 0) {
		snprintf(res->line, sizeof(res->line),
			 "{\"seed\":%llu,\"outcome\":\"error\",\"what\":\"%s\"}",
			 (unsigned long long)seed, "the world could not be built");
		res->inv = XI_NINV;
		free(p);
		return;
	}
	res->inv = v.inv;
	if (v.inv == XI_CRASH) {
		char to[4300];

		/* the report of the first run, before shrinking runs more */
		snprintf(to, sizeof(to), "%s/fail-%llu.log", x->out, (unsigned long long)seed);
		copy_log(errpath, to);
	}
	if (v.inv != XI_NONE) {
		struct xp_verdict first = v;

		if (x->shrink)
			runs = xp_shrink(p, &ro, v.inv, &v, x->shrink_runs);
		if (xp_write_reproducer(x->out, p, &v, &ro, repro, sizeof(repro)) < 0)
			snprintf(repro, sizeof(repro), "(could not write: %s)", strerror(errno));
		/* (a long report is cut at the buffer: the return value says so,
		 * and using it keeps -Wformat-truncation quiet at -O1) */
		if (snprintf(res->report, sizeof(res->report),
			     "seed %llu: invariant '%s' failed at %s, %.6f s: %s\n"
			     "  first seen as: %s\n  shrunk in %d runs to %d guest(s), %d DASD, %d "
			     "fault(s), %d I/O; reproducer %s\n",
			     (unsigned long long)seed, xp_inv_name(v.inv), v.where,
			     (double)v.when / 1e9, v.what, first.what, runs, p->nguest, p->ndev,
			     p->nfault, p->nop, repro) >= (int)sizeof(res->report))
			res->report[sizeof(res->report) - 2] = '\n';
	}
	f = open_memstream(&line, &len);
	if (f) {
		const char *base = strrchr(repro, '/');

		xp_result_json(f, p, &v, repro[0] ? (base ? base + 1 : repro) : NULL);
		fclose(f);
		snprintf(res->line, sizeof(res->line), "%s", line);
		free(line);
	}
	free(p);
}

/* ---- workers ---- */

struct worker {
	pid_t pid;
	int to, from; /* seed pipe (write end), result pipe (read end) */
	bool busy;
	uint64_t seed;
	char log[4200];
};

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t k = read(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void worker_main(const struct xopts *x, int in, int out, const char *log)
{
	char tmpl[4096];
	const char *tmp = getenv("TMPDIR");
	uint64_t seed;
	struct seed_result *res = malloc(sizeof(*res));
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	/* a worker's stderr (sanitizer reports) goes to its log */
	if (fd >= 0) {
		dup2(fd, 2);
		close(fd);
	}
	if (x->tmpdir)
		tmp = x->tmpdir;
	else if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	/* the worlds' work directories (DASD images) go there too */
	setenv("TMPDIR", tmp, 1);
	snprintf(tmpl, sizeof(tmpl), "%s/chpsync-explore-XXXXXX", tmp);
	if (!res || !mkdtemp(tmpl))
		_exit(3);
	while (read_all(in, &seed, sizeof(seed)) == 0) {
		/* mark the seed in the log, so a crash report names it */
		fprintf(stderr, "chpsync explore: seed %llu\n", (unsigned long long)seed);
		fflush(stderr);
		run_seed(x, tmpl, seed, res);
		if (write_all(out, res, sizeof(*res)) < 0)
			break;
	}
	rm_tree(tmpl);
	free(res);
	_exit(0);
}

/* Start worker idx of all[n]; it closes its siblings' pipe ends (else a
 * worker would never see the end of its seed pipe). */
static int worker_start(const struct xopts *x, struct worker *all, int n, int idx)
{
	struct worker *w = &all[idx];
	int a[2], b[2];

	snprintf(w->log, sizeof(w->log), "%s/.worker-%d.log", x->out, idx);
	if (pipe(a) < 0 || pipe(b) < 0)
		return -1;
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (w->pid == 0) {
		for (int i = 0; i < n; i++)
			if (i != idx && all[i].pid > 0) {
				close(all[i].to);
				close(all[i].from);
			}
		close(a[1]);
		close(b[0]);
		worker_main(x, a[0], b[1], w->log);
	}
	close(a[0]);
	close(b[1]);
	w->to = a[1];
	w->from = b[0];
	w->busy = false;
	return 0;
}

static void worker_stop(struct worker *w)
{
	int st;

	if (w->pid <= 0)
		return;
	close(w->to);
	close(w->from);
	waitpid(w->pid, &st, 0);
	w->pid = 0;
}

/* ---- results ---- */

struct results {
	char **line; /* by seed index */
	enum xp_inv *inv;
	uint64_t n, done, failed;
};

static uint64_t seed_of(const struct xopts *x, uint64_t i)
{
	return x->first + i;
}

static bool in_shard(const struct xopts *x, uint64_t i)
{
	return x->shard_n <= 1 || (int)(i % (uint64_t)x->shard_n) == x->shard_k - 1;
}

/* The options that determine the results (explore.json): resuming with
 * other ones would mix two experiments. */
static void options_json(FILE *f, const struct xopts *x)
{
	fprintf(f, "{\"profile\":\"%s\",\"host_driver\":\"%s\",\"vmm\":\"%s\"", x->prof->name,
		x->hd == XP_HOST_UPSTREAM ? "upstream" : "chpsync",
		x->vmm == XP_VMM_QEMU ? "qemu" : "chpsync");
	fprintf(f, ",\"limits\":[%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%u]", x->lim.guests.lo,
		x->lim.guests.hi, x->lim.dasd.lo, x->lim.dasd.hi, x->lim.chpids.lo,
		x->lim.chpids.hi, x->lim.rounds.lo, x->lim.rounds.hi, x->lim.ops.lo, x->lim.ops.hi,
		x->lim.faults.lo, x->lim.faults.hi, x->lim.blocks.lo, x->lim.blocks.hi,
		x->lim.kinds);
	fprintf(f, ",\"shrink\":%s,\"sabotage\":\"%s\"}\n", x->shrink ? "true" : "false",
		xp_inv_name((enum xp_inv)x->sabotage));
}

static int check_options_file(const struct xopts *x)
{
	char path[4200], *want = NULL, have[4096];
	size_t len = 0;
	FILE *f = open_memstream(&want, &len);
	int rc = 0;

	if (!f)
		return -1;
	options_json(f, x);
	fclose(f);
	snprintf(path, sizeof(path), "%s/explore.json", x->out);
	f = fopen(path, "r");
	if (f) {
		size_t n = fread(have, 1, sizeof(have) - 1, f);

		have[n] = '\0';
		fclose(f);
		if (strcmp(have, want)) {
			fprintf(stderr,
				"chpsync explore: %s holds results of other options (%s); use another "
				"--out\n",
				x->out, path);
			rc = -1;
		}
	} else {
		f = fopen(path, "w");
		if (!f || fputs(want, f) < 0 || fclose(f)) {
			fprintf(stderr, "chpsync explore: %s: %s\n", path, strerror(errno));
			rc = -1;
		}
	}
	free(want);
	return rc;
}

/* Records already in results.jsonl (an interrupted run): keep them. */
static void load_results(const struct xopts *x, struct results *r)
{
	char path[4200], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.jsonl", x->out);
	f = fopen(path, "r");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long seed;
		char inv[32] = "";
		const char *q;

		if (sscanf(line, "{\"seed\":%llu,", &seed) != 1 || seed < x->first ||
		    seed > x->last || r->line[seed - x->first])
			continue;
		line[strcspn(line, "\n")] = '\0';
		q = strstr(line, "\"invariant\":\"");
		if (q)
			sscanf(q + 13, "%31[^\"]", inv);
		if (!strstr(line, "\"outcome\":\"pass\"") &&
		    !strstr(line, "\"outcome\":\"fail\"") && !strstr(line, "\"outcome\":\"crash\""))
			continue; /* errors run again */
		r->line[seed - x->first] = strdup(line);
		r->inv[seed - x->first] = xp_inv_from_name(inv);
		r->done++;
		r->failed += r->inv[seed - x->first] != XI_NONE;
	}
	free(line);
	fclose(f);
}

static FILE *open_append(const struct xopts *x)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/results.jsonl", x->out);
	return fopen(path, "a");
}

static void record(const struct xopts *x, struct results *r, FILE *app, uint64_t seed,
		   const char *line, enum xp_inv inv, const char *report)
{
	uint64_t i = seed - x->first;

	if (r->line[i])
		return;
	r->line[i] = strdup(line);
	r->inv[i] = inv;
	r->done++;
	r->failed += inv != XI_NONE;
	if (app) {
		fprintf(app, "%s\n", line);
		fflush(app);
	}
	if (inv != XI_NONE && report && *report && !x->quiet) {
		if (x->progress)
			fputs("\r\033[K", stderr);
		fputs(report, stdout);
		fflush(stdout);
	}
}

/* A worker died in the middle of a seed: the seed is a crash. */
static void record_crash(const struct xopts *x, struct results *r, FILE *app, struct worker *w,
			 int status)
{
	char line[4096], report[6000], log[4200], dst[4200], why[64];
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
	snprintf(log, sizeof(log), "%s", w->log);
	snprintf(dst, sizeof(dst), "%s/fail-%llu.log", x->out, (unsigned long long)w->seed);
	rename(log, dst);
	if (f) {
		fprintf(f,
			"{\"seed\":%llu,\"profile\":\"%s\",\"outcome\":\"crash\",\"invariant\":"
			"\"sanitizer\",\"what\":",
			(unsigned long long)w->seed, x->prof->name);
		snprintf(report, sizeof(report),
			 "the worker running it died (%s); its stderr is "
			 "fail-%llu.log",
			 why, (unsigned long long)w->seed);
		xp_json_str(f, report);
		fprintf(f, "}");
		fclose(f);
	}
	snprintf(line, sizeof(line), "%s", s ? s : "");
	free(s);
	snprintf(report, sizeof(report),
		 "seed %llu: invariant 'sanitizer' failed: the worker died "
		 "(%s); see %s\n",
		 (unsigned long long)w->seed, why, dst);
	record(x, r, app, w->seed, line, XI_CRASH, report);
}

static void progress(const struct xopts *x, const struct results *r, uint64_t total,
		     struct timespec *t0)
{
	struct timespec now;
	double el, rate;

	if (!x->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	el = (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
	rate = el > 0 ? (double)r->done / el : 0;
	fprintf(stderr, "\r\033[Kexplore %s: %llu/%llu seeds, %llu failed, %.1f seeds/s",
		x->prof->name, (unsigned long long)r->done, (unsigned long long)total,
		(unsigned long long)r->failed, rate);
	if (rate > 0 && r->done < total)
		fprintf(stderr, ", %.0f s left", (double)(total - r->done) / rate);
	fflush(stderr);
}

static int write_final(const struct xopts *x, const struct results *r)
{
	char path[4200], tmp[4300];
	FILE *f;
	uint64_t tests = 0, fails = 0;

	snprintf(path, sizeof(path), "%s/results.jsonl", x->out);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	for (uint64_t i = 0; i < r->n; i++)
		if (r->line[i])
			fprintf(f, "%s\n", r->line[i]);
	if (fclose(f) || rename(tmp, path))
		return -1;
	snprintf(path, sizeof(path), "%s/junit.xml", x->out);
	f = fopen(path, "w");
	if (!f)
		return -1;
	for (uint64_t i = 0; i < r->n; i++)
		if (r->line[i]) {
			tests++;
			fails += r->inv[i] != XI_NONE;
		}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<testsuites>\n<testsuite name=\"chpsync explore %s\" tests=\"%llu\" "
		"failures=\"%llu\" errors=\"0\">\n",
		x->prof->name, (unsigned long long)tests, (unsigned long long)fails);
	for (uint64_t i = 0; i < r->n; i++) {
		const char *l = r->line[i], *w;
		char what[600] = "";

		if (!l)
			continue;
		fprintf(f, "  <testcase classname=\"explore.%s\" name=\"seed %llu\"", x->prof->name,
			(unsigned long long)seed_of(x, i));
		if (r->inv[i] == XI_NONE) {
			fprintf(f, "/>\n");
			continue;
		}
		w = strstr(l, "\"what\":\"");
		if (w)
			sscanf(w + 8, "%599[^\"]", what);
		fprintf(f, ">\n    <failure type=\"%s\" message=\"", xp_inv_name(r->inv[i]));
		for (const char *c = what; *c; c++) {
			if (*c == '<')
				fputs("&lt;", f);
			else if (*c == '>')
				fputs("&gt;", f);
			else if (*c == '&')
				fputs("&amp;", f);
			else if (*c == '"')
				fputs("&quot;", f);
			else
				fputc(*c, f);
		}
		fprintf(f, "\"/>\n  </testcase>\n");
	}
	fprintf(f, "</testsuite>\n</testsuites>\n");
	return fclose(f) ? -1 : 0;
}

int cmd_explore_main(int argc, char **argv)
{
	struct xopts x = {
		.first = 1, .last = 100, .out = "explore-out", .shrink = true, .shrink_runs = 300};
	struct results r = {0};
	struct worker *w = NULL;
	struct timespec t0;
	uint64_t next = 0, total = 0;
	FILE *app = NULL;
	int rc, nw, busy = 0, sfd;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	sigset_t sigs, old_sigs;
	bool interrupted = false;

	x.prof = xp_profile_find("default");
	x.jobs = ncpu > 0 ? (int)ncpu : 1;
	rc = parse_args(&x, argc, argv);
	if (rc >= 0)
		return rc;
	if (x.last - x.first >= 100000000ull)
		return xusage("--seeds: '%s' is more than 100000000 seeds", "A-B");
	if (mkdir(x.out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "chpsync explore: %s: %s\n", x.out, strerror(errno));
		return 2;
	}
	if (check_options_file(&x) < 0)
		return 2;
	x.progress = !x.quiet && isatty(2);
	r.n = x.last - x.first + 1;
	r.line = calloc(r.n, sizeof(*r.line));
	r.inv = calloc(r.n, sizeof(*r.inv));
	if (!r.line || !r.inv)
		return 2;
	load_results(&x, &r);
	for (uint64_t i = 0; i < r.n; i++)
		total += in_shard(&x, i);
	app = open_append(&x);
	nw = x.jobs;
	w = calloc((size_t)nw, sizeof(*w));
	if (!w || !app) {
		fprintf(stderr, "chpsync explore: %s: %s\n", x.out, strerror(errno));
		return 2;
	}
	/* SIGINT and SIGTERM through a signalfd: the run stops handing out
	 * seeds, ends its workers and writes what it has (resumable); the
	 * workers inherit the blocked signals and never stop half-way */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGPIPE);
	sigprocmask(SIG_BLOCK, &sigs, &old_sigs);
	sigdelset(&sigs, SIGPIPE);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* count only this shard's seeds */
	r.done = r.failed = 0;
	for (uint64_t i = 0; i < r.n; i++)
		if (r.line[i] && in_shard(&x, i)) {
			r.done++;
			r.failed += r.inv[i] != XI_NONE;
		}
	for (int i = 0; i < nw; i++)
		if (worker_start(&x, w, nw, i) < 0) {
			fprintf(stderr, "chpsync explore: cannot start a worker: %s\n",
				strerror(errno));
			return 2;
		}
	for (;;) {
		struct pollfd pf[1025];

		/* hand out seeds to idle workers */
		for (int i = 0; i < nw && !interrupted; i++) {
			if (w[i].busy || w[i].pid <= 0)
				continue;
			while (next < r.n && (r.line[next] || !in_shard(&x, next)))
				next++;
			if (next >= r.n)
				break;
			w[i].seed = seed_of(&x, next++);
			if (write_all(w[i].to, &w[i].seed, sizeof(w[i].seed)) < 0)
				continue;
			w[i].busy = true;
			busy++;
		}
		progress(&x, &r, total, &t0);
		if (!busy)
			break;
		for (int i = 0; i < nw; i++) {
			pf[i].fd = w[i].busy ? w[i].from : -1;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		pf[nw] = (struct pollfd){.fd = sfd, .events = POLLIN};
		if (poll(pf, (nfds_t)nw + 1, 1000) < 0 && errno != EINTR)
			break;
		if (pf[nw].revents & POLLIN) {
			/* stop: the seeds in flight are run again on resume */
			interrupted = true;
			for (int i = 0; i < nw; i++)
				if (w[i].pid > 0)
					kill(w[i].pid, SIGKILL);
			break;
		}
		for (int i = 0; i < nw; i++) {
			struct seed_result res;

			if (!w[i].busy || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			w[i].busy = false;
			busy--;
			if (read_all(w[i].from, &res, sizeof(res)) == 0) {
				record(&x, &r, app, res.seed, res.line, res.inv, res.report);
				continue;
			}
			/* the worker died with this seed */
			{
				int st = 0;

				close(w[i].to);
				close(w[i].from);
				waitpid(w[i].pid, &st, 0);
				w[i].pid = 0;
				record_crash(&x, &r, app, &w[i], st);
				if (!interrupted && worker_start(&x, w, nw, i) < 0)
					w[i].pid = 0;
			}
		}
	}
	for (int i = 0; i < nw; i++)
		worker_stop(&w[i]);
	if (x.progress)
		fputs("\n", stderr);
	fclose(app);
	if (write_final(&x, &r) < 0)
		fprintf(stderr, "chpsync explore: cannot write the results in %s: %s\n", x.out,
			strerror(errno));
	for (int i = 0; i < nw; i++)
		unlink(w[i].log);
	if (!x.quiet)
		printf("explore %s: %llu seeds, %llu failed%s (results in %s/results.jsonl)\n",
		       x.prof->name, (unsigned long long)r.done, (unsigned long long)r.failed,
		       interrupted ? ", interrupted (run again to resume)" : "", x.out);
	rc = r.failed ? 1 : 0;
	if (interrupted)
		rc = 130;
	for (uint64_t i = 0; i < r.n; i++)
		free(r.line[i]);
	free(r.line);
	free(r.inv);
	free(w);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old_sigs, NULL);
	return rc;
}
