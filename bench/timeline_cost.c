/* What a timeline costs: a guest writes 64 MiB with O_DIRECT to its
 * pass-through 3390 while the HMC fails two of the four links (the I/O on
 * them ends and is retried on the others), run as a scenario without and
 * with --timeline, in interleaved rounds (A B A B ...).
 * Goals: the picture stays under 1 MB (equal segments merge, I/O is drawn
 * as merged runs), and recording adds under 20% to the run's CPU time.
 *
 * usage: timeline_cost [ROUNDS [MIB [BS]]]   (default 5 rounds, 64 MiB, bs=1M;
 *        bs=4k makes 16384 I/Os of 64 MiB instead of about 140)
 *
 * CPU time is user + system.  The run's work directory (the volume image
 * the guest writes) goes to /dev/shm when it exists, so that the figures
 * measure the simulator and not the disk (TMPDIR set by the caller wins);
 * the user time is printed too, since the timeline adds only user time.
 */
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/runner.h"
#include "cli/timeline.h"

#define UUID "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

static double now_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct figs {
	double wall[64], cpu[64], user[64];
	int n;
};

static double user_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
}

static void row(const char *name, struct figs *f)
{
	qsort(f->wall, f->n, sizeof(double), cmp_double);
	qsort(f->cpu, f->n, sizeof(double), cmp_double);
	qsort(f->user, f->n, sizeof(double), cmp_double);
	printf("  %-20s %7.1f %7.1f %7.1f  %7.1f %7.1f %7.1f  %7.1f %7.1f %7.1f\n", name,
	       f->wall[0], f->wall[f->n / 2], f->wall[f->n - 1], f->cpu[0], f->cpu[f->n / 2],
	       f->cpu[f->n - 1], f->user[0], f->user[f->n / 2], f->user[f->n - 1]);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* One run of the scenario; with `timeline` (and `trace`, Chrome format)
 * when not NULL.  Exits on a failed run: a figure of a broken run is no
 * figure. */
static void run_once(const struct scenario *s, const char *timeline, const char *trace,
		     struct figs *f)
{
	/* The simulator's cost: the zero-latency machine, commands typed
	 * without think time (the faults fall into the write). */
	struct run_opts ro = {.err = stderr,
			      .timeline = timeline,
			      .trace = trace,
			      .trace_chrome = trace != NULL,
			      .timing_set = true,
			      .timing = MACHINE_TIMING_ZERO,
			      .think_set = true};
	double w0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID), u0 = user_ms();
	FILE *out = fopen("/dev/null", "w");

	if (run_scenario(s, &ro, out) < 0) {
		fprintf(stderr, "timeline_cost: the scenario failed\n");
		exit(1);
	}
	fclose(out);
	if (f) {
		f->wall[f->n] = now_ms(CLOCK_MONOTONIC) - w0;
		f->cpu[f->n] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		f->user[f->n] = user_ms() - u0;
		f->n++;
	}
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	int mib = argc > 2 ? atoi(argv[2]) : 64;
	const char *bs = argc > 3 ? argv[3] : "1M";
	long count = mib * (1024L * 1024) / (strcmp(bs, "4k") ? 1024L * 1024 : 4096);
	char text[2048], err[256], svg[256], html[256], json[256];
	struct figs plain = {0}, tl = {0};
	struct scenario s;
	long svg_size, html_size, json_size;
	double overhead, overhead_min;

	if (rounds < 1 || rounds > 64 || mib < 1 || (strcmp(bs, "1M") && strcmp(bs, "4k"))) {
		fprintf(stderr, "usage: timeline_cost [ROUNDS (1-64) [MIB [1M|4k]]]\n");
		return 1;
	}
	snprintf(text, sizeof(text),
		 "[root@host ~]# driverctl -b css set-override 0.0.013f vfio_ccw\n"
		 "[root@host ~]# mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io\n"
		 "[root@host ~]# qemu-system-s390x -name guest -device vfio-ccw,sysfsdev="
		 "/sys/bus/mdev/devices/" UUID ",devno=0.0.3f3f -daemonize\n"
		 "[root@guest ~]# chccwdev -e 3f3f\n"
		 "[root@guest ~]# dd if=/dev/zero of=/dev/dasda1 bs=%s count=%ld oflag=direct "
		 "status=none &\n"
		 "[root@hmc ~]# sleep 0.004; chp fail 0.42\n"
		 "[root@hmc ~]# sleep 0.004; chp fail 0.43\n"
		 "[root@guest ~]# wait; echo dd exit status $?\n",
		 bs, count);
	if (scenario_parse(&s, "timeline-cost.scenario", text, err, sizeof(err)) < 0) {
		fprintf(stderr, "timeline_cost: %s\n", err);
		return 1;
	}
	if (!getenv("TMPDIR") && access("/dev/shm", W_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 1);
	snprintf(svg, sizeof(svg), "/tmp/chpsync-timeline-cost-%d.svg", (int)getpid());
	snprintf(html, sizeof(html), "/tmp/chpsync-timeline-cost-%d.html", (int)getpid());
	snprintf(json, sizeof(json), "/tmp/chpsync-timeline-cost-%d.json", (int)getpid());
	/* warm-up (page cache of the image file, allocator) */
	run_once(&s, NULL, NULL, NULL);
	for (int i = 0; i < rounds; i++) {
		run_once(&s, NULL, NULL, &plain);
		run_once(&s, svg, NULL, &tl);
	}
	run_once(&s, html, json, NULL);
	svg_size = file_size(svg);
	html_size = file_size(html);
	json_size = file_size(json);
	printf("timeline_cost: %d MiB guest write (dd bs=%s oflag=direct) through two link "
	       "failures,\n  %d rounds each, interleaved (ms; min median max)\n",
	       mib, bs, rounds);
	printf("  %-20s %23s  %23s  %23s\n", "run", "wall", "CPU (user+sys)", "user CPU");
	row("plain", &plain);
	row("--timeline FILE.svg", &tl);
	overhead_min = plain.cpu[0] > 0 ? (tl.cpu[0] - plain.cpu[0]) / plain.cpu[0] * 100 : 0;
	overhead = plain.cpu[plain.n / 2] > 0 ? (tl.cpu[tl.n / 2] - plain.cpu[plain.n / 2]) /
							plain.cpu[plain.n / 2] * 100
					      : 0;
	printf("  overhead, CPU          %+7.1f %% median, %+.1f %% min   (goal < 20 %%: %s)\n",
	       overhead, overhead_min, overhead < 20.0 ? "met" : "NOT MET");
	printf("  overhead, user CPU     %+7.1f ms median, %+.1f ms min\n",
	       tl.user[tl.n / 2] - plain.user[plain.n / 2], tl.user[0] - plain.user[0]);
	printf("  SVG                    %8ld bytes (goal < 1 MB: %s)\n", svg_size,
	       svg_size >= 0 && svg_size < 1000000 ? "met" : "NOT MET");
	printf("  HTML                   %8ld bytes\n", html_size);
	printf("  Chrome trace (JSON)    %8ld bytes (every I/O, not merged)\n", json_size);
	if (getenv("TIMELINE_COST_KEEP"))
		printf("  kept: %s %s %s\n", svg, html, json);
	else {
		unlink(svg);
		unlink(html);
		unlink(json);
	}
	scenario_free(&s);
	return 0;
}
