/* chpsync explore: the generator, each invariant's check (made to fail on
 * purpose by a real act), shrinking, the reproducer, and the runs of many
 * seeds (workers, shards, resume, results). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/explore.h"
#include "cli/runner.h"
#include "t.h"

static const char *scratch(const char *name)
{
	static char path[4][512];
	static int k;
	char cmd[1200];

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/explore-%s", t_tmpdir(), name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", path[k], path[k]);
	CHECK_EQ(system(cmd), 0);
	return path[k];
}

/* Two paths, one CU, three DASD: 0.0.1000 passed to g1 (eager), 0.0.1001
 * to g2 (lazy), 0.0.1002 the host's; one round with a write on each and
 * one link that fails under them and is repaired. */
static void small_plan(struct xp_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->seed = 7;
	snprintf(p->profile, sizeof(p->profile), "test");
	p->nchp = 2;
	p->chp[0].id = 0x50;
	p->chp[1].id = 0x51;
	p->ncu = 1;
	p->cu[0] = (struct xp_cu){.num = 0x1000, .nchp = 2, .chp = {0, 1}};
	p->ndev = 3;
	for (int i = 0; i < 3; i++)
		p->dev[i] = (struct xp_dev){.devno = (uint16_t)(0x1000 + i),
					    .sch = (uint16_t)i,
					    .guest = (int8_t)(i < 2 ? i : -1),
					    .policy = (uint8_t)(i == 1 ? XP_LAZY : XP_EAGER),
					    .base = 2048,
					    .nblk = 16};
	p->nguest = 2;
	p->nround = 1;
	p->nop = 3;
	for (int i = 0; i < 3; i++)
		p->op[i] = (struct xp_op){
			.dev = (uint8_t)i, .write = true, .direct = true, .off = 2, .n = 8};
	p->nfault = 1;
	p->fault[0] = (struct xp_fault){
		.kind = XF_LINK, .target = 0, .at = 100 * SIM_US, .heal = 900 * SIM_US};
	p->probe = true;
}

static struct xp_verdict run_plan(const struct xp_plan *p)
{
	struct xp_run_opts o = {.tmpdir = scratch("run")};
	struct xp_verdict v;

	CHECK_EQ(xp_run(p, &o, &v), 0);
	return v;
}

TEST(explore_plan_is_a_function_of_the_seed)
{
	const struct xp_profile *prof = xp_profile_find("default");
	struct xp_plan *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	char err[128];
	int differ = 0;

	CHECK(prof != NULL);
	for (uint64_t s = 1; s <= 200; s++) {
		CHECK_EQ(xp_generate(a, s, prof, NULL, XP_HOST_CHPSYNC, XP_VMM_CHPSYNC, err,
				     sizeof(err)),
			 0);
		CHECK_EQ(xp_generate(b, s, prof, NULL, XP_HOST_CHPSYNC, XP_VMM_CHPSYNC, err,
				     sizeof(err)),
			 0);
		CHECK(memcmp(a, b, sizeof(*a)) == 0);
		CHECK(a->nguest >= 1 && a->nguest <= 3);
		CHECK(a->nchp - a->ndeck >= 2 && a->nchp - a->ndeck <= 4);
		CHECK(a->nround >= 1 && a->nround <= 3);
		for (int i = 0; i < a->nop; i++) {
			CHECK(a->op[i].n >= 1 && a->op[i].n <= 32);
			CHECK(a->op[i].off + a->op[i].n <= a->dev[a->op[i].dev].nblk);
		}
		for (int i = 0; i < a->ndev; i++)
			CHECK(a->dev[i].guest < a->nguest);
		CHECK_EQ(xp_generate(b, s + 1000, prof, NULL, XP_HOST_CHPSYNC, XP_VMM_CHPSYNC, err,
				     sizeof(err)),
			 0);
		differ += memcmp(a, b, sizeof(*a)) != 0;
	}
	CHECK_EQ(differ, 200);
	free(a);
	free(b);
}

TEST(explore_limits_bound_each_dimension)
{
	struct xp_limits lim = {.guests = {2, 2, true},
				.dasd = {5, 5, true},
				.chpids = {3, 3, true},
				.rounds = {2, 2, true},
				.ops = {3, 3, true},
				.faults = {0, 0, true},
				.blocks = {4, 4, true},
				.kinds = 1u << XF_VARY};
	struct xp_plan *p = malloc(sizeof(*p));
	char err[128];

	for (uint64_t s = 1; s <= 50; s++) {
		CHECK_EQ(xp_generate(p, s, xp_profile_find("paths"), &lim, XP_HOST_CHPSYNC,
				     XP_VMM_QEMU, err, sizeof(err)),
			 0);
		CHECK_EQ(p->nguest, 2);
		CHECK_EQ(p->ndev, 5);
		CHECK_EQ(p->nchp, 3);
		CHECK_EQ(p->nround, 2);
		CHECK(p->nop <= 6);
		for (int i = 0; i < p->nop; i++)
			CHECK_EQ(p->op[i].n, 4);
		CHECK_EQ(p->nfault, 0);
		for (int i = 0; i < p->ndev; i++)
			CHECK(p->dev[i].guest < 0 || p->dev[i].policy == XP_QEMU);
	}
	free(p);
}

TEST(explore_a_clean_plan_passes_every_check)
{
	struct xp_plan p;
	struct xp_verdict v;

	small_plan(&p);
	v = run_plan(&p);
	if (v.inv != XI_NONE)
		t_fail(__FILE__, __LINE__, "%s: %s", xp_inv_name(v.inv), v.what);
	CHECK_EQ(v.ios, 3);
	CHECK(v.blocks_checked >= 3 * 8 + 3 * 16);
}

/* Each check, made to fail by a real act (docs/explore.md, "Sabotage"). */
static void expect_sabotage(enum xp_inv inv, const char *needle)
{
	struct xp_plan p;
	struct xp_verdict v;

	small_plan(&p);
	p.sabotage = (uint8_t)inv;
	v = run_plan(&p);
	if (v.inv != inv || !strstr(v.what, needle))
		t_fail(__FILE__, __LINE__, "sabotage %s gave %s: %s", xp_inv_name(inv),
		       xp_inv_name(v.inv), v.what);
}

TEST(explore_data_check_fails_on_a_stray_write)
{
	expect_sabotage(XI_DATA, "holds generation 999");
}

TEST(explore_io_ends_check_fails_when_an_io_never_ends)
{
	/* the read waits for a path for ever (or, before the guest learnt to
	 * wait for its paths, failed at once): either way the check fails */
	expect_sabotage(XI_IO_ENDS, "");
}

TEST(explore_commands_check_fails_on_a_failing_command)
{
	expect_sabotage(XI_COMMANDS, "no such device: 0.0.ffff");
}

TEST(explore_converge_check_fails_when_a_guest_view_differs)
{
	expect_sabotage(XI_CONVERGE, "the guest sees 0.0.1001");
}

TEST(explore_bounds_check_fails_past_its_bound)
{
	expect_sabotage(XI_BOUNDS, "(bound 1)");
}

/* The bounds' count of host events a guest may hear of includes those on
 * the paths of its devices while it is off: a guest started right after
 * a link is repaired has opened its devices before the host handled the
 * machine's reports of the failure and the repair, and hears of both (the
 * oracle once counted them for running guests only; chpsync explore,
 * seed 341 of the default profile). */
TEST(explore_bounds_count_events_a_guest_started_at_that_instant_hears_of)
{
	struct xp_plan p;
	struct xp_verdict v;

	small_plan(&p);
	p.nop = 0;
	p.probe = false;
	/* three eager devices in g1: a report per device, at different
	 * instants, so the eager batches do not coalesce them */
	p.nguest = 1;
	for (int i = 0; i < 3; i++) {
		p.dev[i].guest = 0;
		p.dev[i].policy = XP_EAGER;
	}
	p.nfault = 3;
	/* the host takes one device from g1 (one channel report of its
	 * own), g1 is off for the rest of the round; link 0.50 fails and is
	 * repaired at the round's end, the paths first, then g1 is started
	 * again */
	p.fault[0] = (struct xp_fault){.kind = XF_MDEV, .target = 2, .at = 50 * SIM_US};
	p.fault[1] = (struct xp_fault){.kind = XF_POWER, .target = 0, .at = 100 * SIM_US};
	p.fault[2] = (struct xp_fault){.kind = XF_LINK, .target = 0, .at = 200 * SIM_US};
	v = run_plan(&p);
	if (v.inv != XI_NONE)
		t_fail(__FILE__, __LINE__, "%s: %s", xp_inv_name(v.inv), v.what);
}

/* A lazy device's view after its touch is compared with the host's view
 * after that touch: the touch's own I/O (the disband of its path group
 * on every available path) may find a path the host had marked not
 * operational working again, and the host's POM changes with it (seed
 * 1029 of the default profile: configure off, link failure, configure on
 * while the link is down, repair; since the VMM tells the guest of the
 * repair, its path verification turns the bit on before the touch). */
TEST(explore_lazy_view_after_a_touch_is_the_host_view_after_it)
{
	struct xp_plan p;
	struct xp_verdict v;

	small_plan(&p);
	p.nop = 0;
	p.probe = false;
	p.nguest = 1;
	/* a lazy and an eager device in g1: the eager one's channel
	 * reports make g1 verify the lazy one's paths too */
	p.dev[0].policy = XP_LAZY;
	p.dev[1].guest = 0;
	p.dev[1].policy = XP_EAGER;
	p.nfault = 2;
	p.fault[0] = (struct xp_fault){.kind = XF_CONFIG, .target = 0, .at = 100 * SIM_US};
	p.fault[1] = (struct xp_fault){.kind = XF_LINK, .target = 0, .at = 200 * SIM_US};
	v = run_plan(&p);
	if (v.inv != XI_NONE)
		t_fail(__FILE__, __LINE__, "%s: %s", xp_inv_name(v.inv), v.what);
}

TEST(explore_signature_ignores_numbers_and_commands)
{
	struct xp_verdict a = {.inv = XI_IO_ENDS}, b = {.inv = XI_IO_ENDS};
	char sa[256], sb[256];

	snprintf(a.what, sizeof(a.what), "'wait' did not complete (deadlock: x)");
	snprintf(b.what, sizeof(b.what),
		 "'dd if=/dev/dasdb bs=4096' did not complete (deadlock: x)");
	xp_signature(&a, sa, sizeof(sa));
	xp_signature(&b, sb, sizeof(sb));
	CHECK_STR(sa, sb);
	snprintf(a.what, sizeof(a.what), "op3 (write of 12 blocks at 1030 of 0.0.1a00) failed");
	snprintf(b.what, sizeof(b.what), "op0 (write of 1 blocks at 99 of 0.0.2b01) failed");
	xp_signature(&a, sa, sizeof(sa));
	xp_signature(&b, sb, sizeof(sb));
	CHECK_STR(sa, sb);
	b.inv = XI_DATA;
	xp_signature(&b, sb, sizeof(sb));
	CHECK(strcmp(sa, sb) != 0);
}

TEST(explore_shrink_keeps_the_failure_and_drops_the_rest)
{
	struct xp_plan p;
	struct xp_verdict v;
	struct xp_run_opts o = {.tmpdir = scratch("shrink")};
	char before[256], after[256];

	small_plan(&p);
	p.sabotage = XI_DATA;
	/* more to take away: a second round of reads and a vary */
	p.nround = 2;
	p.op[p.nop++] = (struct xp_op){.round = 1, .dev = 2, .direct = true, .off = 0, .n = 4};
	p.fault[p.nfault++] =
		(struct xp_fault){.round = 1, .kind = XF_VARY, .target = 1, .at = 10 * SIM_US};
	CHECK_EQ(xp_run(&p, &o, &v), 0);
	CHECK_EQ(v.inv, XI_DATA);
	xp_signature(&v, before, sizeof(before));
	xp_shrink(&p, &o, v.inv, &v, 200);
	xp_signature(&v, after, sizeof(after));
	CHECK_STR(after, before);
	CHECK_EQ(p.nround, 1);
	CHECK_EQ(p.nfault, 0);
	CHECK_EQ(p.nop, 0);
	CHECK_EQ(p.nguest, 0 + (p.dev[0].guest >= 0));
	CHECK_EQ(p.ndev, 1);
}

/* The reproducer is a scenario whose run gives the same transcript. */
TEST(explore_reproducer_replays_under_chpsync_run)
{
	struct xp_plan p;
	struct xp_verdict v;
	const char *dir = scratch("repro");
	struct xp_run_opts o = {.tmpdir = scratch("repro-tmp")};
	char path[600], err[256], *text, *out = NULL, *body;
	size_t len = 0;
	struct scenario s;
	struct run_opts ro = {0};
	FILE *f;

	small_plan(&p);
	p.sabotage = XI_DATA;
	CHECK_EQ(xp_run(&p, &o, &v), 0);
	CHECK_EQ(xp_write_reproducer(dir, &p, &v, &o, path, sizeof(path)), 0);
	text = read_file(path, NULL, err, sizeof(err));
	CHECK(text != NULL);
	CHECK(strstr(text, "#! seed 7\n") != NULL);
	CHECK(strstr(text, "# explore: invariant 'data' failed at g1: final read") != NULL);
	CHECK_EQ(scenario_load(&s, path, err, sizeof(err)), 0);
	f = open_memstream(&out, &len);
	ro.err = stderr;
	CHECK_EQ(run_scenario(&s, &ro, f), 0);
	fclose(f);
	/* chpsync run prints the file back: the same commands, the same output */
	body = strstr(text, "[root@");
	CHECK(body != NULL);
	CHECK(strstr(out, body) != NULL);
	scenario_free(&s);
	free(out);
	free(text);
}

/* ---- many seeds ---- */

/* chpsync explore ARGS, its messages to /dev/null. */
static int explore(const char *args)
{
	char *argv[40], buf[1024];
	int argc = 0, rc, saved = dup(2), null = open("/dev/null", O_WRONLY);

	snprintf(buf, sizeof(buf), "explore -q %s", args);
	for (char *t = strtok(buf, " "); t && argc < 39; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	fflush(NULL);
	dup2(null, 2);
	rc = cmd_explore_main(argc, argv);
	fflush(NULL);
	dup2(saved, 2);
	close(saved);
	close(null);
	return rc;
}

static char *slurp(const char *dir, const char *name)
{
	char path[700], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return read_file(path, NULL, err, sizeof(err));
}

static int by_seed(const void *x, const void *y)
{
	unsigned long long a = strtoull(*(char *const *)x + 8, NULL, 10);
	unsigned long long b = strtoull(*(char *const *)y + 8, NULL, 10);

	return a < b ? -1 : a > b;
}

/* The JSON lines of two result files, in seed order. */
static char *merge_by_seed(const char *c, const char *d)
{
	char *all = malloc(strlen(c) + strlen(d) + 1), *lines[64], *out, *save = NULL;
	size_t n = 0, o = 0;

	strcpy(all, c);
	strcat(all, d);
	out = malloc(strlen(all) + 2);
	for (char *l = strtok_r(all, "\n", &save); l && n < 64; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l; /* "{\"seed\":N,..." */
	qsort(lines, n, sizeof(lines[0]), by_seed);
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(out + o, "%s\n", lines[i]);
	out[o] = '\0';
	free(all);
	return out;
}

TEST(explore_results_do_not_depend_on_workers_shards_or_resume)
{
	const char *one = scratch("jobs1"), *two = scratch("jobs2");
	const char *s1 = scratch("shard1"), *s2 = scratch("shard2");
	char args[700], *a, *b, *c, *d, *merged;
	int rc1, rc2;

	snprintf(args, sizeof(args), "--seeds 1-6 --jobs 1 --no-shrink --out %s", one);
	rc1 = explore(args);
	snprintf(args, sizeof(args), "--seeds 1-6 --jobs 2 --no-shrink --out %s", two);
	rc2 = explore(args);
	CHECK_EQ(rc1, rc2);
	a = slurp(one, "results.jsonl");
	b = slurp(two, "results.jsonl");
	CHECK(a && b);
	CHECK_STR(a, b);
	CHECK_EQ((long)strlen(a) > 0, 1);
	/* two shards: their records together are the whole run's */
	snprintf(args, sizeof(args), "--seeds 1-6 --shard 1/2 --jobs 1 --no-shrink --out %s", s1);
	explore(args);
	snprintf(args, sizeof(args), "--seeds 1-6 --shard 2/2 --jobs 2 --no-shrink --out %s", s2);
	explore(args);
	c = slurp(s1, "results.jsonl");
	d = slurp(s2, "results.jsonl");
	CHECK(c && d);
	merged = merge_by_seed(c, d);
	CHECK_STR(merged, a);
	free(merged);
	free(c);
	free(d);
	/* resume: the records there are kept, only the rest runs */
	snprintf(args, sizeof(args), "--seeds 1-6 --jobs 2 --no-shrink --out %s", two);
	CHECK_EQ(explore(args), rc1);
	c = slurp(two, "results.jsonl");
	CHECK_STR(c, a);
	free(c);
	free(a);
	free(b);
	a = slurp(one, "junit.xml");
	CHECK(a && strstr(a, "<testsuite name=\"chpsync explore default\" tests=\"6\""));
	free(a);
}

TEST(explore_a_crashing_seed_is_recorded_and_the_run_goes_on)
{
	const char *dir = scratch("crash");
	char args[700], *r;

	snprintf(args, sizeof(args), "--seeds 3-4 --jobs 1 --sabotage sanitizer --out %s", dir);
	CHECK_EQ(explore(args), 1);
	r = slurp(dir, "results.jsonl");
	CHECK(r != NULL);
	CHECK(strstr(r, "{\"seed\":3,") && strstr(r, "{\"seed\":4,"));
	CHECK(strstr(r, "\"outcome\":\"crash\",\"invariant\":\"sanitizer\""));
	CHECK(strstr(r, "the run died (") != NULL);
	free(r);
	/* the run's stderr, and the transcript up to the crash */
	r = slurp(dir, "fail-3.log");
	CHECK(r != NULL);
	free(r);
	r = slurp(dir, "fail-3.scenario");
	CHECK(r && strstr(r, "[root@host ~]# ") != NULL);
	free(r);
}

TEST(explore_usage_errors)
{
	const char *dir = scratch("usage");
	char args[700];

	CHECK_EQ(explore("--seeds 5-2"), 2);
	CHECK_EQ(explore("--shard 3/2"), 2);
	CHECK_EQ(explore("--profile nosuch"), 2);
	CHECK_EQ(explore("--host-driver=linux"), 2);
	CHECK_EQ(explore("--kinds link,warp"), 2);
	CHECK_EQ(explore("--dasd 0-70"), 2);
	/* resuming into a directory of other options is refused */
	snprintf(args, sizeof(args), "--seeds 1 --no-shrink --out %s", dir);
	explore(args);
	snprintf(args, sizeof(args), "--seeds 1 --no-shrink --profile paths --out %s", dir);
	CHECK_EQ(explore(args), 2);
}
