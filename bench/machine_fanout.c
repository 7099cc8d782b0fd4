/* Benchmark: cost of a CHPID event.  65,536 subchannels in set 0 all use
 * CHPID 42; 16 of them also use CHPID 43.  Configure off/on 42 touches
 * 65,536 subchannels, 43 touches 16: every CHPID event walks only that
 * CHPID's subchannel index, so the cost per affected subchannel is the
 * same for both.  The ratio of the totals is not 16/65536 = 1/4096,
 * because each event also has a fixed cost (CRW queued, machine check
 * event, STCRW drain) that is measured on CHPID 44, used by no subchannel:
 * total = fixed + n * per-subchannel.  Both ratios are printed: the raw one
 * of the totals and the one with the fixed cost taken out. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "machine/machine.h"

static struct sim *bench_sim;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per configure-off/on event pair, averaged over `rounds`. */
static double event_ns(struct machine *m, struct css_if *css, uint8_t chpid, int rounds,
		       uint64_t *visits)
{
	uint64_t v0 = machine_stats(m)->chp_event_sch_visits;
	double t0 = now_ns();

	for (int i = 0; i < rounds; i++) {
		machine_chp_configure(m, chpid, false);
		machine_chp_configure(m, chpid, true);
		while (css->ops->stcrw(css->css, 0x1000) == 0)
			;
		sim_run(bench_sim);
	}
	*visits = (machine_stats(m)->chp_event_sch_visits - v0) / (uint64_t)rounds / 2;
	return (now_ns() - t0) / rounds / 2;
}

int main(void)
{
	struct machine_config cfg = {
		.storage_size = 1 << 20, .notrace = true, .timing = MACHINE_TIMING_ZERO};
	struct sim *sim = sim_new(1);
	struct machine *m = machine_new(sim, &cfg);
	struct css_if css = machine_css(m);
	uint64_t va, vb, v0;
	double a, b, base;

	bench_sim = sim;
	sim_trace_keep(sim, false);
	machine_add_chpid(m, 0x44, 0x1b, true); /* used by no subchannel: the fixed cost */
	machine_add_chpid(m, 0x42, 0x1b, true);
	machine_add_chpid(m, 0x43, 0x1b, true);
	for (int i = 0; i < 65536; i++) {
		uint8_t both[2] = {0x42, 0x43};

		if (machine_add_device(m, 0, i, (uint16_t)i, both, i % 4096 == 0 ? 2 : 1, NULL) !=
		    i)
			return fprintf(stderr, "machine_fanout: add_device %d failed\n", i), 1;
	}
	base = event_ns(m, &css, 0x44, 200000, &v0);
	a = event_ns(m, &css, 0x42, 50, &va);
	b = event_ns(m, &css, 0x43, 200000, &vb);
	printf("fanout_fixed_ns_per_event %.1f (CRW queue + machine check + STCRW drain, "
	       "no subchannel)\n",
	       base);
	printf("fanout_all_subchannels %llu\n", (unsigned long long)va);
	printf("fanout_all_ns_per_event %.0f\n", a);
	printf("fanout_all_ns_per_affected_sch %.2f (total - fixed, per subchannel)\n",
	       (a - base) / (double)va);
	printf("fanout_16_subchannels %llu\n", (unsigned long long)vb);
	printf("fanout_16_ns_per_event %.1f\n", b);
	printf("fanout_16_ns_per_affected_sch %.2f (total - fixed, per subchannel)\n",
	       (b - base) / (double)vb);
	printf("fanout_total_ratio_16_over_all 1/%.0f (raw totals, fixed cost included)\n", a / b);
	printf("fanout_sch_ratio_16_over_all 1/%.0f (fixed cost taken out; ideal 1/4096)\n",
	       (a - base) / (b - base));
	printf("fanout_per_sch_cost_16_vs_all %.2f (1.00 = same cost per affected subchannel)\n",
	       ((b - base) / (double)vb) / ((a - base) / (double)va));
	printf("fanout_cost_ratio_16_over_all 1/%.0f raw, 1/%.0f without the fixed cost "
	       "(ideal 1/4096)\n",
	       a / b, (a - base) / (b - base));
	machine_free(m);
	sim_free(sim);
	return 0;
}
