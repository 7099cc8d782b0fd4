/* Scale benchmark: what a configuration of a real LPAR's size costs.
 *
 * Devices: a host with N devices (UNIT=TEST or UNIT=3390, every one on
 * CHPIDs 0.40 and 0.41) boots, runs `lscss` and `chchp -c 0 40` then
 * `chchp -c 1 40` (a CHPID used by every device), through the scenario
 * runner as `chpsync run` would.  N = 1,024, 4,096, 16,384, 65,536.
 *
 * Online: the same hosts with N 3390s (N up to --max-online, default
 * 16,384) run `chccwdev -e` of every device in place of `lscss`: each
 * device reads its label (from its scratch volume's labels built in
 * memory: no file is made) and keeps a track buffer, about 83 KB of peak
 * RSS per device (65,536 would take 5.4 GB).
 *
 * Guests: G guests (G = 1, 4, 16, 64, 256), each with one pass-through 3390
 * (driverctl, mdevctl start, qemu-system-s390x -daemonize at the default
 * -m, chpsync=eager), booted; then one host `chchp -c 0 42` and the CPU
 * time until every guest's view (its subchannel's PAM) shows 0.42 gone,
 * the benchmark's own look at the views taken out.
 *
 * Each row runs in a child process of its own, so that its CPU time (user
 * + system) and peak RSS (ru_maxrss) are its own.  Per-device (per-guest)
 * figures are divided by N (G); "ratio" is that figure over the one of the
 * smallest size of the same kind (1.00 = linear).  "KB/3390" is the peak
 * RSS a 3390 costs over a TEST device at the same N.
 *
 * Rounds: every size runs once per round, smallest first (interleaved:
 * a change of the machine's load hits the sizes of a round alike), and a
 * ratio is taken between two sizes of the same round; each figure is the
 * median over the rounds, ratios and totals with their minimum and
 * maximum.
 *
 * usage: scale [--rounds R] [--max-devices N] [--max-online N]
 *              [--max-guests G] [--only devices|guests] [--unit TEST|3390]
 * Defaults: 3 rounds, every size (65,536 devices, 256 guests).  On a tree
 * that is quadratic, cap the sizes (a size that fails says why and is not
 * run again; the larger ones are not run).  CPU time, not wall time: the
 * machine may be shared.
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/guest.h"
#include "cli/runner.h"
#include "machine/machine.h"
#include "os/os.h"
#include "user/node.h"
#include "user/shell.h"
#include "os/sysfs.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- the deck ---- */

static char deck_path[64];

static void write_deck(int n, bool dasd, const char *chpids)
{
	char dir[] = "/tmp/chpsync-scale-XXXXXX";
	FILE *f;

	if (!mkdtemp(dir))
		die("mkdtemp: %s", strerror(errno));
	snprintf(deck_path, sizeof(deck_path), "%s/scale.iocp", dir);
	f = fopen(deck_path, "w");
	if (!f)
		die("%s: %s", deck_path, strerror(errno));
	fprintf(f, "CHPID PATH=(CSS(0),%.2s),SHARED,TYPE=FC\n", chpids);
	fprintf(f, "CHPID PATH=(CSS(0),%.2s),SHARED,TYPE=FC\n", chpids + 3);
	for (int c = 0; c * 256 < n; c++) {
		int cnt = n - c * 256 < 256 ? n - c * 256 : 256;

		fprintf(f, "CNTLUNIT CUNUMBR=%04X,PATH=((CSS(0),%s)),UNITADD=((00,256)),UNIT=%s\n",
			0x8000 + c, chpids, dasd ? "3990" : "TEST");
		fprintf(f, "IODEVICE ADDRESS=(%04X,%d),CUNUMBR=(%04X),UNIT=%s,SCH=%04X\n", c * 256,
			cnt, 0x8000 + c, dasd ? "3390" : "TEST", c * 256);
	}
	fclose(f);
}

static void remove_deck(void)
{
	char *slash;

	unlink(deck_path);
	slash = strrchr(deck_path, '/');
	if (slash) {
		*slash = '\0';
		rmdir(deck_path);
	}
	deck_path[0] = '\0';
}

/* ---- one world through the runner ---- */

/* A child that fails (die) still removes its work directory and deck. */
static struct run_world *child_world;

static void child_cleanup(void)
{
	if (child_world)
		run_world_destroy(child_world);
	child_world = NULL;
	if (deck_path[0])
		remove_deck();
}

static void world_up(struct run_world *rw)
{
	struct run_opts o = {.err = stderr, .timing_set = true, .timing = MACHINE_TIMING_ZERO};
	char err[1024];

	if (run_world_create(rw, &o, 1, false, deck_path, ".", err, sizeof(err)) < 0)
		die("%s", err);
	rw->max_events = UINT64_MAX;
	rw->max_events_still = UINT64_MAX;
	child_world = rw;
}

static void world_down(struct run_world *rw)
{
	child_world = NULL;
	run_world_destroy(rw);
	remove_deck();
}

static void run(struct run_world *rw, const char *node, const char *cmd)
{
	char *out = NULL;
	enum run_result r = run_command(rw, node, cmd, &out);

	if (r != RUN_OK)
		die("%s: %s: %s\n%.2000s", node, cmd, run_result_str(r), out ? out : "");
	free(out);
}

/* Figures a child sends back to the parent. */
struct figures {
	int ok;
	double phase[4]; /* CPU seconds */
	char why[200];
};

/* kind: 0 TEST, 1 3390, 2 3390 set online (`chccwdev -e` of every one in
 * place of `lscss`: each reads its label). */
static void devices_child(int n, int kind, struct figures *fg)
{
	struct run_world rw;
	double t0 = cpu_now(), t1, t2, t3;
	char cmd[64];

	write_deck(n, kind != 0, "40,41");
	world_up(&rw);
	t1 = cpu_now();
	if (kind == 2) {
		char *out = NULL, *p;
		int done = 0;

		snprintf(cmd, sizeof(cmd), "chccwdev -e 0.0.0000-0.0.%04x", n - 1);
		if (run_command(&rw, "host", cmd, &out) != RUN_OK || !out)
			die("host: %s: did not end", cmd);
		for (p = out; (p = strstr(p, "\nDone\n")); p += 5)
			done++;
		if (done != n) {
			p = strstr(out, "Failed");
			die("host: %s: %d of %d devices set online%s%.*s", cmd, done, n,
			    p ? "; " : "", p ? (int)strcspn(p, "\n") : 0, p ? p : "");
		}
		free(out);
	} else {
		run(&rw, "host", "lscss");
	}
	t2 = cpu_now();
	run(&rw, "host", "chchp -c 0 40");
	run(&rw, "host", "chchp -c 1 40");
	t3 = cpu_now();
	world_down(&rw);
	fg->phase[0] = t1 - t0;
	fg->phase[1] = t2 - t1;
	fg->phase[2] = t3 - t2;
	fg->phase[3] = cpu_now() - t3;
	fg->ok = 1;
}

/* The guest's one subchannel shows PAM without 0.42 (bit 0x80). */
static bool view_changed(struct vm *vm)
{
	char buf[32];
	unsigned pim, pam, pom;

	if (sysfs_read(guest_os(vm)->sysfs, "/sys/bus/css/devices/0.0.0000/pimpampom", buf,
		       sizeof(buf)) <= 0 ||
	    sscanf(buf, "%x %x %x", &pim, &pam, &pom) != 3)
		return false;
	return !(pam & 0x80);
}

static void guests_child(int g, struct figures *fg)
{
	struct run_world rw;
	struct vm *vms[256];
	struct proc *p;
	char line[512], uuid[40];
	double t0 = cpu_now(), t1, t2, t3, probe = 0;
	int nvm = 0, done = 0;

	write_deck(g, true, "42,43");
	world_up(&rw);
	for (int k = 0; k < g; k++) {
		snprintf(uuid, sizeof(uuid), "%08x-0000-4000-8000-%012x", 0x5ca1e000u + (unsigned)k,
			 k);
		snprintf(line, sizeof(line), "driverctl -b css set-override 0.0.%04x vfio_ccw", k);
		run(&rw, "host", line);
		snprintf(line, sizeof(line), "mdevctl start -u %s -p 0.0.%04x -t vfio_ccw-io", uuid,
			 k);
		run(&rw, "host", line);
		snprintf(line, sizeof(line),
			 "qemu-system-s390x -name g%03d -device vfio-ccw,sysfsdev="
			 "/sys/bus/mdev/devices/%s,devno=0.0.%04x,chpsync=eager -daemonize",
			 k, uuid, k);
		run(&rw, "host", line);
	}
	for (int k = 0; k < g; k++) {
		snprintf(line, sizeof(line), "g%03d", k);
		run(&rw, line, "");
	}
	t1 = cpu_now();
	for (struct vm *vm = vmm_vms(rw.vmm); vm && nvm < 256; vm = vm->next)
		vms[nvm++] = vm;
	if (nvm != g)
		die("%d guests running, expected %d", nvm, g);

	/* The event: CPU time until the last guest's view has changed, less
	 * what looking at the views cost. */
	t2 = cpu_now();
	p = node_run(rw.host_node, "chchp -c 0 42");
	while (done < nvm) {
		sim_time_t now = sim_now(rw.sim);
		double q0;

		if (!sim_step(rw.sim))
			break;
		if (sim_now(rw.sim) == now)
			continue;
		q0 = cpu_now();
		while (done < nvm && view_changed(vms[done]))
			done++;
		probe += cpu_now() - q0;
	}
	t3 = cpu_now();
	if (done < nvm)
		die("only %d of %d guests' views changed", done, nvm);
	while (!proc_done(p) && sim_step(rw.sim))
		;
	proc_free(p);
	free(node_take_output(rw.host_node));
	fg->phase[0] = t1 - t0;
	fg->phase[1] = t3 - t2 - probe;
	fg->phase[2] = probe;
	t0 = cpu_now();
	world_down(&rw);
	fg->phase[3] = cpu_now() - t0;
	fg->ok = 1;
}

/* ---- rows ---- */

struct row {
	int n;
	struct figures fg;
	double cpu; /* user + system of the child */
	long rss_kb;
};

static int run_row(void (*fn)(int, int, struct figures *), int n, int kind, struct row *r)
{
	int fds[2], st;
	struct rusage ru;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->n = n;
	if (pipe(fds) < 0)
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		struct figures fg = {0};

		close(fds[0]);
		atexit(child_cleanup);
		fn(n, kind, &fg);
		if (write(fds[1], &fg, sizeof(fg)) != sizeof(fg))
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &r->fg, sizeof(r->fg)) != sizeof(r->fg))
		r->fg.ok = 0;
	close(fds[0]);
	if (wait4(pid, &st, 0, &ru) < 0)
		die("wait4: %s", strerror(errno));
	r->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	r->rss_kb = ru.ru_maxrss;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		r->fg.ok = 0;
	return r->fg.ok ? 0 : -1;
}

static void guests_fn(int g, int unused, struct figures *fg)
{
	guests_child(g, fg);
}

/* Median, minimum and maximum of n values (v is sorted in place). */
struct mmm {
	double min, med, max;
};

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static struct mmm stats(double *v, int n)
{
	struct mmm m;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	m.min = v[0];
	m.max = v[n - 1];
	m.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return m;
}

#define MAX_ROUNDS 15

/* One size of one kind over every round: rows[k] is round k's. */
struct series {
	int n, nok;
	bool failed;
	struct row rows[MAX_ROUNDS];
};

/* CPU per device (or per guest) in round k. */
static double per_unit(const struct series *s, int k, bool setup_only)
{
	const struct row *r = &s->rows[k];

	return (setup_only ? r->fg.phase[0] : r->cpu) / r->n;
}

static void print_mmm(const char *fmt, struct mmm m)
{
	char a[32], b[32], c[32];

	snprintf(a, sizeof(a), fmt, m.med);
	snprintf(b, sizeof(b), fmt, m.min);
	snprintf(c, sizeof(c), fmt, m.max);
	printf(" %s (%s-%s)", a, b, c);
}

static void print_dev_series(const char *unit, const struct series *s, const struct series *base,
			     const struct series *test)
{
	double v[MAX_ROUNDS], ratio[MAX_ROUNDS];
	long rss = 0, trss = 0;
	int nr = 0;

	if (s->failed) {
		const struct row *r = &s->rows[s->nok];

		printf("%-5s %6d  failed (CPU %.1f s, peak RSS %.0f MB before the failure)\n", unit,
		       s->n, r->cpu, r->rss_kb / 1024.0);
		return;
	}
	printf("%-5s %6d", unit, s->n);
	for (int p = 0; p < 3; p++) {
		for (int k = 0; k < s->nok; k++)
			v[k] = s->rows[k].fg.phase[p];
		printf(" %7.2f", stats(v, s->nok).med);
	}
	for (int k = 0; k < s->nok; k++) {
		v[k] = s->rows[k].cpu;
		if (s->rows[k].rss_kb > rss)
			rss = s->rows[k].rss_kb;
	}
	print_mmm("%.2f", stats(v, s->nok));
	printf(" %7.1f %6.0f", rss / 1024.0, rss * 1024.0 / s->n);
	for (int k = 0; k < s->nok; k++)
		v[k] = per_unit(s, k, false) * 1e6;
	printf(" %5.1f", stats(v, s->nok).med);
	/* The per-device ratio of each round: this size over the base size
	 * measured in the same round. */
	for (int k = 0; k < s->nok && k < base->nok; k++)
		ratio[nr++] = per_unit(s, k, false) / per_unit(base, k, false);
	if (nr)
		print_mmm("%.2f", stats(ratio, nr));
	if (test && !test->failed) {
		for (int k = 0; k < test->nok; k++)
			if (test->rows[k].rss_kb > trss)
				trss = test->rows[k].rss_kb;
		printf(" %6.1f", (double)(rss - trss) / s->n);
	}
	printf("\n");
}

static int parse_int(const char *s, int lo, int hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < lo || v > hi)
		die("scale: bad number '%s' (%d-%d)", s, lo, hi);
	return (int)v;
}

static struct series test[4], dasd[4], online[4], gr[5];

int main(int argc, char **argv)
{
	static const int sizes[] = {1024, 4096, 16384, 65536};
	static const int gsizes[] = {1, 4, 16, 64, 256};
	int max_dev = 65536, max_g = 256, max_on = 16384, rounds = 3, nsz = 0, ngs = 0;
	bool devices = true, guests = true, do_test = true, do_dasd = true;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--max-devices") && i + 1 < argc)
			max_dev = parse_int(argv[++i], 1, 65536);
		else if (!strcmp(argv[i], "--max-online") && i + 1 < argc)
			max_on = parse_int(argv[++i], 0, 65536);
		else if (!strcmp(argv[i], "--max-guests") && i + 1 < argc)
			max_g = parse_int(argv[++i], 1, 256);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = parse_int(argv[++i], 1, MAX_ROUNDS);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			i++;
			devices = !strcmp(argv[i], "devices");
			guests = !strcmp(argv[i], "guests");
			if (!devices && !guests)
				die("scale: --only devices|guests");
		} else if (!strcmp(argv[i], "--unit") && i + 1 < argc) {
			i++;
			do_test = !strcasecmp(argv[i], "test");
			do_dasd = !strcmp(argv[i], "3390");
			if (!do_test && !do_dasd)
				die("scale: --unit TEST|3390");
		} else
			die("usage: scale [--rounds R] [--max-devices N] [--max-online N] "
			    "[--max-guests G] [--only devices|guests] [--unit TEST|3390]");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (nsz < 4 && sizes[nsz] <= max_dev)
		nsz++;
	while (ngs < 5 && gsizes[ngs] <= max_g)
		ngs++;
	/* Interleaved rounds: every round runs every size once (smallest
	 * first), so that a change of the machine's load hits all sizes of a
	 * round alike; a size that failed is not run again. */
	for (int i = 0; i < nsz; i++) {
		test[i].n = dasd[i].n = sizes[i];
		test[i].failed = !devices || !do_test;
		dasd[i].failed = !devices || !do_dasd;
		online[i].n = sizes[i];
		online[i].failed = !devices || !do_dasd || sizes[i] > max_on;
	}
	for (int i = 0; i < ngs; i++) {
		gr[i].n = gsizes[i];
		gr[i].failed = !guests;
	}
	for (int k = 0; k < rounds; k++) {
		fprintf(stderr, "scale: round %d of %d\n", k + 1, rounds);
		for (int i = 0; i < nsz; i++) {
			struct series *ss[3] = {&test[i], &dasd[i], &online[i]};

			for (int u = 0; u < 3; u++) {
				struct series *s = ss[u];

				if (s->failed || (i && ss[u][-1].failed))
					continue;
				if (run_row(devices_child, s->n, u, &s->rows[s->nok]) < 0)
					s->failed = true;
				else
					s->nok++;
			}
		}
		for (int i = 0; i < ngs; i++) {
			if (gr[i].failed || (i && gr[i - 1].failed))
				continue;
			if (run_row(guests_fn, gr[i].n, 1, &gr[i].rows[gr[i].nok]) < 0)
				gr[i].failed = true;
			else
				gr[i].nok++;
		}
	}
	if (devices) {
		printf("devices: boot + lscss + chchp -c 0/1 of a CHPID used by all; %d interleaved "
		       "rounds, CPU seconds (median of boot, lscss, chchp; total median (min-max)); "
		       "ratio = CPU per device / that at %d in the same round, median (min-max)\n",
		       rounds, sizes[0]);
		printf("%-5s %6s %7s %7s %7s %18s %7s %6s %5s %17s %6s\n", "unit", "N", "boot",
		       "lscss", "chchp", "total s", "peak MB", "B/dev", "us/dv", "ratio",
		       "KB/3390");
		for (int i = 0; i < nsz; i++) {
			if (do_test && (!i || !test[i - 1].failed))
				print_dev_series("TEST", &test[i], &test[0], NULL);
			if (do_dasd && (!i || !dasd[i - 1].failed))
				print_dev_series("3390", &dasd[i], &dasd[0],
						 do_test ? &test[i] : NULL);
		}
	}
	if (devices && do_dasd && max_on >= sizes[0]) {
		printf("online: boot + chccwdev -e of every 3390 (each reads its label) + chchp -c "
		       "0/1; the same rounds and figures\n");
		printf("%-5s %6s %7s %7s %7s %18s %7s %6s %5s %17s\n", "unit", "N", "boot",
		       "online", "chchp", "total s", "peak MB", "B/dev", "us/dv", "ratio");
		for (int i = 0; i < nsz && online[i].n <= max_on; i++)
			if (!i || !online[i - 1].failed)
				print_dev_series("3390", &online[i], &online[0], NULL);
	}
	if (guests) {
		printf("guests: G guests x 1 pass-through 3390 (default -m, chpsync=eager); setup "
		       "= host boot + G x (driverctl, mdevctl, qemu) + guest boots; %d interleaved "
		       "rounds, median (min-max)\n",
		       rounds);
		printf("%6s %8s %8s %8s %17s %22s %8s\n", "guests", "setup s", "peak MB",
		       "ms/guest", "ratio", "event ms", "probe ms");
		for (int i = 0; i < ngs && (!i || !gr[i - 1].failed); i++) {
			struct series *s = &gr[i];
			double v[MAX_ROUNDS], ratio[MAX_ROUNDS];
			long rss = 0;
			int nr = 0;

			if (s->failed) {
				const struct row *r = &s->rows[s->nok];

				printf("%6d  failed (CPU %.1f s, peak RSS %.0f MB)\n", s->n, r->cpu,
				       r->rss_kb / 1024.0);
				break;
			}
			for (int k = 0; k < s->nok; k++) {
				v[k] = s->rows[k].fg.phase[0];
				if (s->rows[k].rss_kb > rss)
					rss = s->rows[k].rss_kb;
			}
			printf("%6d %8.2f %8.1f", s->n, stats(v, s->nok).med, rss / 1024.0);
			for (int k = 0; k < s->nok; k++)
				v[k] = per_unit(s, k, true) * 1e3;
			printf(" %8.2f", stats(v, s->nok).med);
			for (int k = 0; k < s->nok && k < gr[0].nok; k++)
				ratio[nr++] = per_unit(s, k, true) / per_unit(&gr[0], k, true);
			print_mmm("%.2f", stats(ratio, nr));
			for (int k = 0; k < s->nok; k++)
				v[k] = s->rows[k].fg.phase[1] * 1e3;
			print_mmm("%.3f", stats(v, s->nok));
			for (int k = 0; k < s->nok; k++)
				v[k] = s->rows[k].fg.phase[2] * 1e3;
			printf(" %8.3f\n", stats(v, s->nok).med);
		}
	}
	return 0;
}
