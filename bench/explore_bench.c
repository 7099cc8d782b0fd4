/* chpsync explore: seeds per second per core for each profile, and how a
 * run scales from one worker to two on this machine.
 *
 * Per profile: SEEDS seeds (default 20) generated and run in this process
 * (the same xp_run a worker's child does, without the fork), CPU time of the
 * process; the row gives seeds/s per core and CPU ms per seed, with the
 * share of seeds that failed a check (a failing seed costs its shrinking
 * in a real run, not here).
 *
 * Scaling: `chpsync explore --jobs 1` and `--jobs 2` over the same 2*SEEDS
 * seeds of the default profile (--no-shrink), in interleaved rounds (A B A B);
 * wall time, since that is what more workers buy, with its min/median/max
 * over the rounds, and the speed-up.  On a machine that others share the wall
 * times measure the neighbours too; the CPU figures above do not.
 *
 * Usage: explore_bench [SEEDS [ROUNDS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/explore.h"
#include "rounds.h"

static double children_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void profile_row(const struct xp_profile *prof, int seeds, const char *tmp)
{
	struct xp_plan *p = malloc(sizeof(*p));
	struct xp_run_opts o = {.tmpdir = tmp};
	struct xp_verdict v;
	char err[128];
	int failed = 0;
	double t0, t;

	if (!p)
		exit(1);
	t0 = cpu_seconds();
	for (int s = 1; s <= seeds; s++) {
		xp_generate(p, (uint64_t)s, prof, NULL, XP_HOST_CHPSYNC, XP_VMM_CHPSYNC, err,
			    sizeof(err));
		if (xp_run(p, &o, &v) == 0 && v.inv != XI_NONE)
			failed++;
	}
	t = cpu_seconds() - t0;
	printf("explore_%s_seeds_per_s_per_core %.1f  (%.1f ms CPU per seed, %d seeds, %d failed)\n",
	       prof->name, seeds / t, 1e3 * t / seeds, seeds, failed);
	free(p);
}

/* chpsync explore --jobs N over seeds 1..n; wall seconds. */
static double run_jobs(const char *chpsync, int jobs, int n, const char *out)
{
	char cmd[2048];
	double t0 = wall_seconds();

	snprintf(cmd, sizeof(cmd),
		 "rm -rf '%s' && '%s' explore -q --no-shrink --jobs %d --seeds 1-%d --out '%s' "
		 ">/dev/null 2>&1",
		 out, chpsync, jobs, n, out);
	if (system(cmd) == -1)
		exit(1);
	return wall_seconds() - t0;
}

int main(int argc, char **argv)
{
	int seeds = argc > 1 ? atoi(argv[1]) : 20, nrounds = argc > 2 ? atoi(argv[2]) : 3;
	const char *chpsync = getenv("CHPSYNC") ? getenv("CHPSYNC") : "build/chpsync";
	char tmp[] = "/tmp/chpsync-bench-explore-XXXXXX", out[256], cmd[512];
	struct rounds r = {0};
	double min1, med1, max1, min2, med2, max2, cpu0;

	if (seeds < 1 || nrounds < 1 || !mkdtemp(tmp)) {
		fprintf(stderr, "usage: explore_bench [SEEDS [ROUNDS]]\n");
		return 2;
	}
	setenv("TMPDIR", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", 1);
	for (const struct xp_profile *p = xp_profiles; p->name; p++)
		profile_row(p, seeds, tmp);
	if (access(chpsync, X_OK) != 0) {
		printf("explore_scaling skipped: no %s (set CHPSYNC)\n", chpsync);
		return 0;
	}
	snprintf(out, sizeof(out), "%s/out", tmp);
	cpu0 = children_cpu();
	for (int i = 0; i < nrounds; i++) {
		double a = run_jobs(chpsync, 1, 2 * seeds, out);
		double b = run_jobs(chpsync, 2, 2 * seeds, out);

		rounds_add(&r, a, b);
	}
	rounds_stats(r.a, r.n, &min1, &med1, &max1);
	rounds_stats(r.b, r.n, &min2, &med2, &max2);
	printf("explore_default_wall_s_jobs1 %.2f  (min %.2f max %.2f, %d seeds, %d rounds)\n",
	       med1, min1, max1, 2 * seeds, nrounds);
	printf("explore_default_wall_s_jobs2 %.2f  (min %.2f max %.2f)\n", med2, min2, max2);
	printf("explore_default_speedup_2_workers %.2f\n", med1 / med2);
	printf("explore_default_cpu_ms_per_seed_in_runs %.1f  (workers, forks and runs, all rounds)\n",
	       1e3 * (children_cpu() - cpu0) / (2.0 * nrounds * 2 * seeds));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) == -1)
		return 1;
	return 0;
}
