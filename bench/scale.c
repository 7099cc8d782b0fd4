/* Scale benchmark: what a configuration of a real LPAR's size costs.
 *
 * Devices: a host with N devices (UNIT=TEST or UNIT=3390, every one on
 * CHPIDs 0.40 and 0.41) boots, runs `lscss` and `chchp -c 0 40` then
 * `chchp -c 1 40` (a CHPID used by every device), through the scenario
 * runner as `chpsync run` would.  N = 1,024, 4,096, 16,384, 65,536.
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
 * usage: scale [--max-devices N] [--max-guests G] [--only devices|guests]
 *              [--unit TEST|3390]
 * Defaults: every size (65,536 devices, 256 guests).  On a tree that is
 * quadratic, cap the sizes (a row that fails says why and the run goes
 * on).  CPU time, not wall time: the machine may be shared.
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
}

/* ---- one world through the runner ---- */

static void world_up(struct run_world *rw)
{
	struct run_opts o = {.err = stderr, .timing_set = true, .timing = MACHINE_TIMING_ZERO};
	char err[1024];

	if (run_world_create(rw, &o, 1, false, deck_path, ".", err, sizeof(err)) < 0)
		die("%s", err);
	rw->max_events = UINT64_MAX;
	rw->max_events_still = UINT64_MAX;
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

static void devices_child(int n, bool dasd, struct figures *fg)
{
	struct run_world rw;
	double t0 = cpu_now(), t1, t2, t3;

	write_deck(n, dasd, "40,41");
	world_up(&rw);
	t1 = cpu_now();
	run(&rw, "host", "lscss");
	t2 = cpu_now();
	run(&rw, "host", "chchp -c 0 40");
	run(&rw, "host", "chchp -c 1 40");
	t3 = cpu_now();
	run_world_destroy(&rw);
	remove_deck();
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
	run_world_destroy(&rw);
	remove_deck();
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

static int run_row(void (*fn)(int, bool, struct figures *), int n, bool dasd, struct row *r)
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
		fn(n, dasd, &fg);
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

static void guests_fn(int g, bool unused, struct figures *fg)
{
	guests_child(g, fg);
}

static void print_dev_row(const char *unit, const struct row *r, const struct row *first,
			  const struct row *test)
{
	double per = r->cpu / r->n * 1e6;

	if (!r->fg.ok) {
		printf("%-5s %6d  failed (CPU %.1f s, peak RSS %.0f MB before the failure)\n", unit,
		       r->n, r->cpu, r->rss_kb / 1024.0);
		return;
	}
	printf("%-5s %6d %8.2f %8.2f %8.2f %8.2f %9.1f %8.0f %7.1f %6.2f", unit, r->n,
	       r->fg.phase[0], r->fg.phase[1], r->fg.phase[2], r->cpu, r->rss_kb / 1024.0,
	       r->rss_kb * 1024.0 / r->n, per,
	       first && first->fg.ok ? per / (first->cpu / first->n * 1e6) : 1.0);
	if (test && test->fg.ok)
		printf(" %8.1f", (double)(r->rss_kb - test->rss_kb) / r->n);
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

int main(int argc, char **argv)
{
	static const int sizes[] = {1024, 4096, 16384, 65536};
	static const int gsizes[] = {1, 4, 16, 64, 256};
	int max_dev = 65536, max_g = 256;
	bool devices = true, guests = true, do_test = true, do_dasd = true;
	struct row test[4], dasd[4], gr[5];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--max-devices") && i + 1 < argc)
			max_dev = parse_int(argv[++i], 1, 65536);
		else if (!strcmp(argv[i], "--max-guests") && i + 1 < argc)
			max_g = parse_int(argv[++i], 1, 256);
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
			die("usage: scale [--max-devices N] [--max-guests G] [--only "
			    "devices|guests] [--unit TEST|3390]");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (devices) {
		bool test_failed = false, dasd_failed = false;

		printf("devices: boot + lscss + chchp -c 0/1 of a CHPID used by all (CPU seconds; "
		       "ratio = CPU per device / that at 1,024)\n");
		printf("%-5s %6s %8s %8s %8s %8s %9s %8s %7s %6s %8s\n", "unit", "N", "boot",
		       "lscss", "chchp", "total", "peak MB", "B/dev", "us/dev", "ratio", "KB/3390");
		for (int i = 0; i < 4 && sizes[i] <= max_dev; i++) {
			if (do_test && !test_failed) {
				test_failed = run_row(devices_child, sizes[i], false, &test[i]) < 0;
				print_dev_row("TEST", &test[i], &test[0], NULL);
			}
			if (do_dasd && !dasd_failed) {
				dasd_failed = run_row(devices_child, sizes[i], true, &dasd[i]) < 0;
				print_dev_row("3390", &dasd[i], &dasd[0],
					      test_failed || !do_test ? NULL : &test[i]);
			}
		}
	}
	if (guests) {
		printf("guests: G guests x 1 pass-through 3390 (default -m, chpsync=eager); setup "
		       "= host boot + G x (driverctl, mdevctl, qemu) + guest boots\n");
		printf("%6s %9s %8s %9s %10s %9s %8s %7s\n", "guests", "setup s", "peak MB",
		       "ms/guest", "ratio", "event ms", "probe ms", "total s");
		for (int i = 0; i < 5 && gsizes[i] <= max_g; i++) {
			struct row *r = &gr[i];
			double per;

			if (run_row(guests_fn, gsizes[i], true, r) < 0) {
				printf("%6d  failed (CPU %.1f s, peak RSS %.0f MB)\n", gsizes[i],
				       r->cpu, r->rss_kb / 1024.0);
				break;
			}
			per = r->fg.phase[0] / r->n * 1e3;
			printf("%6d %9.2f %8.1f %9.2f %10.2f %9.3f %8.3f %7.2f\n", r->n,
			       r->fg.phase[0], r->rss_kb / 1024.0, per,
			       per / (gr[0].fg.phase[0] / gr[0].n * 1e3), r->fg.phase[1] * 1e3,
			       r->fg.phase[2] * 1e3, r->cpu);
		}
	}
	return 0;
}
