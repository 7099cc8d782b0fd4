/* Interleaved rounds for the ratio benchmarks: both sides of a ratio are
 * measured one after the other in every round (A B A B ...), so that a
 * change of machine load hits both alike, and the figure is the median of
 * the per-round ratios, printed with their minimum and maximum.  Times are
 * CPU time of the process (user + system) unless a benchmark says
 * otherwise: on a shared machine wall time measures the neighbours. */
#ifndef CHPSYNC_BENCH_ROUNDS_H
#define CHPSYNC_BENCH_ROUNDS_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct rounds {
	int n, cap;
	double *a, *b; /* seconds of each side per round */
};

static inline void rounds_add(struct rounds *r, double a, double b)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->a = realloc(r->a, (size_t)r->cap * sizeof(*r->a));
		r->b = realloc(r->b, (size_t)r->cap * sizeof(*r->b));
		if (!r->a || !r->b) {
			fprintf(stderr, "bench: out of memory\n");
			exit(1);
		}
	}
	r->a[r->n] = a;
	r->b[r->n] = b;
	r->n++;
}

static inline int rounds_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* Median, minimum and maximum of v[0..n) (v is sorted in place). */
static inline void rounds_stats(double *v, int n, double *min, double *med, double *max)
{
	qsort(v, (size_t)n, sizeof(*v), rounds_cmp);
	*min = v[0];
	*max = v[n - 1];
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Prints "NAME  ratio med (min-max)  A med  B med" where the ratio is
 * A/B per round; `unit` scales the per-side figures (e.g. 1e6 / ops for
 * microseconds per op).  Returns the median ratio. */
static inline double rounds_report(const char *name, struct rounds *r, double unit,
				   const char *unit_name)
{
	double *ratio = malloc((size_t)r->n * sizeof(*ratio));
	double rmin, rmed, rmax, amin, amed, amax, bmin, bmed, bmax;

	if (!ratio || !r->n)
		return 0;
	for (int i = 0; i < r->n; i++)
		ratio[i] = r->b[i] > 0 ? r->a[i] / r->b[i] : 0;
	rounds_stats(ratio, r->n, &rmin, &rmed, &rmax);
	rounds_stats(r->a, r->n, &amin, &amed, &amax);
	rounds_stats(r->b, r->n, &bmin, &bmed, &bmax);
	printf("%-28s ratio %6.2f (min %.2f max %.2f, %d rounds)   A %9.2f  B %9.2f %s\n", name,
	       rmed, rmin, rmax, r->n, amed * unit, bmed * unit, unit_name);
	free(ratio);
	free(r->a);
	free(r->b);
	r->a = r->b = NULL;
	r->n = r->cap = 0;
	return rmed;
}

#endif
