/* Benchmark: cost of a CHPID event.  65,536 subchannels in set 0 all use
 * CHPID 42; 16 of them also use CHPID 43.  Configure off/on 42 touches
 * 65,536 subchannels, 43 touches 16: every CHPID event walks only that
 * CHPID's subchannel index, so the cost per affected subchannel is the
 * same for both.  The ratio of the totals is not 16/65536 = 1/4096,
 * because each event also has a fixed cost (CRW queued, machine check
 * event, STCRW drain) that is measured on CHPID 44, used by no subchannel:
 * total = fixed + n * per-subchannel.  Both ratios are printed: the raw one
 * of the totals and the one with the fixed cost taken out.  All three
 * events are measured in every round (CPU time), and each ratio is the
 * median of the per-round ratios with its minimum and maximum (rounds.h).
 *
 * usage: machine_fanout [ROUNDS]   (default 11) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "rounds.h"

static struct sim *bench_sim;

/* CPU ns per configure-off/on event pair, averaged over `n`. */
static double event_ns(struct machine *m, struct css_if *css, uint8_t chpid, int n,
		       uint64_t *visits)
{
	uint64_t v0 = machine_stats(m)->chp_event_sch_visits;
	double t0 = cpu_seconds();

	for (int i = 0; i < n; i++) {
		machine_chp_configure(m, chpid, false);
		machine_chp_configure(m, chpid, true);
		while (css->ops->stcrw(css->css, 0x1000) == 0)
			;
		sim_run(bench_sim);
	}
	*visits = (machine_stats(m)->chp_event_sch_visits - v0) / (uint64_t)n / 2;
	return (cpu_seconds() - t0) * 1e9 / n / 2;
}

int main(int argc, char **argv)
{
	struct machine_config cfg = {
		.storage_size = 1 << 20, .notrace = true, .timing = MACHINE_TIMING_ZERO};
	struct sim *sim = sim_new(1);
	struct machine *m = machine_new(sim, &cfg);
	struct css_if css = machine_css(m);
	int rounds = argc > 1 ? atoi(argv[1]) : 11;
	struct rounds per_sch = {0}, total = {0}, fixed = {0};
	uint64_t va = 0, vb = 0, v0;

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
	event_ns(m, &css, 0x44, 200000, &v0); /* warm-up */
	event_ns(m, &css, 0x42, 40, &va);
	for (int r = 0; r < rounds; r++) {
		double base = event_ns(m, &css, 0x44, 200000, &v0);
		double a = event_ns(m, &css, 0x42, 40, &va);
		double b = event_ns(m, &css, 0x43, 200000, &vb);

		/* A/B: per affected subchannel, 16 over all (1.00 = same) */
		rounds_add(&per_sch, (b - base) / (double)vb, (a - base) / (double)va);
		/* A/B: raw totals, all over 16 */
		rounds_add(&total, a, b);
		rounds_add(&fixed, base, 1.0);
	}
	printf("machine_fanout: 65,536 subchannels on CHPID 0.42, 16 of them also on 0.43; "
	       "CPU time of a configure off+on event, %d rounds\n",
	       rounds);
	printf("fanout_all_subchannels %llu, fanout_16_subchannels %llu\n", (unsigned long long)va,
	       (unsigned long long)vb);
	{
		double mn, md, mx;

		rounds_stats(fixed.a, fixed.n, &mn, &md, &mx);
		printf("fixed cost of an event (CRW, machine check, STCRW; no subchannel): %.1f ns "
		       "(min %.1f max %.1f)\n",
		       md, mn, mx);
		free(fixed.a);
		free(fixed.b);
	}
	rounds_report("total all / total 16", &total, 1e-3,
		      "us per event (A all, B 16; ideal 4096 less the fixed cost)");
	rounds_report("per-sch cost 16 vs all", &per_sch, 1,
		      "ns per affected subchannel (A 16, B all; 1.00 = same)");
	machine_free(m);
	sim_free(sim);
	return 0;
}
