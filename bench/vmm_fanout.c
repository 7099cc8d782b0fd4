/* Fan-out of one host channel-path event to many guests:
 * G guests x D pass-through devices, every device on CHPIDs 0.42 and 0.43
 * (so 0.42 can go without taking the devices down); `chchp -c 0 42` on the
 * host.  One row of figures: guests, devices per guest, how many guests'
 * views (their sysfs pimpampom, what lscss prints) show PAM without 0.42,
 * CPU and simulated time from the command to the last such view (the CPU
 * time without the benchmark's own looking at the views), CRWs
 * injected per guest (goal 1; upstream QEMU injects one per subchannel, D),
 * machine checks per guest, host/guest STSCH during the event, and host
 * STSCH per guest STSCH in steady state (goal 0).
 *
 * usage: vmm_fanout [GUESTS [DEVICES [eager|lazy]]]   (default 64 64 eager)
 * With "lazy" the devices use chpsync=lazy: the guests' views do not change
 * until the guests touch their devices; the row shows that contrast.
 *
 * Each pass-through device takes four host fds (device, I/O, CRW and
 * request eventfds); the host's fd table grows as needed (64 x 64 = 16384).
 * Most of the setup wall time is the host's boot scan of all 4 x 65536
 * subchannel numbers, which costs more the more subchannels exist.
 */
#include "cli/guest.h"
#include "rounds.h"
#include "vmm_world.h"

#include "arch/ids.h"
#include "os/sysfs.h"

static int G = 64, D = 64;
static const char *policy = "eager";

static char *make_deck(void)
{
	int n = G * D, ncu = (n + 255) / 256;
	size_t cap = 256 + (size_t)ncu * 256;
	char *deck = malloc(cap), *p = deck;

	p += sprintf(p, "CHPID    PATH=(CSS(0),42),SHARED,TYPE=FC\n"
			"CHPID    PATH=(CSS(0),43),SHARED,TYPE=FC\n");
	for (int c = 0; c < ncu; c++) {
		int cnt = n - c * 256 < 256 ? n - c * 256 : 256;

		p += sprintf(
			p,
			"CNTLUNIT CUNUMBR=%04X,PATH=((CSS(0),42,43)),UNITADD=((00,256)),UNIT=TEST\n",
			0x5000 + c);
		p += sprintf(p, "IODEVICE ADDRESS=(%04X,%d),CUNUMBR=(%04X),UNIT=TEST,SCH=%04X\n",
			     0x4000 + c * 256, cnt, 0x5000 + c, c * 256);
	}
	return deck;
}

static void uuid_of(int k, char *buf, size_t len)
{
	snprintf(buf, len, "%08x-0000-4000-8000-%012x", 0xc0ffee00u + (unsigned)k, k);
}

static void setup(struct bw *w)
{
	char line[256], uuid[40];

	for (int k = 0; k < G * D; k++) {
		uuid_of(k, uuid, sizeof(uuid));
		snprintf(line, sizeof(line), "driverctl -b css set-override 0.0.%04x vfio_ccw", k);
		bw_run(w, "host", line);
		snprintf(line, sizeof(line), "mdevctl start -u %s -p 0.0.%04x -t vfio_ccw-io", uuid,
			 k);
		bw_run(w, "host", line);
	}
	for (int g = 0; g < G; g++) {
		size_t cap = 128 + (size_t)D * 128;
		char *cmd = malloc(cap), *p = cmd;

		p += sprintf(p, "qemu-system-s390x -name g%02d -m 32", g);
		for (int d = 0; d < D; d++) {
			int k = g * D + d;

			uuid_of(k, uuid, sizeof(uuid));
			p += sprintf(p,
				     " -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/%s,"
				     "devno=0.0.%04x,chpsync=%s",
				     uuid, 0x4000 + k, policy);
		}
		sprintf(p, " -daemonize");
		bw_run(w, "host", cmd);
		free(cmd);
	}
	for (int g = 0; g < G; g++) {
		char name[16];

		snprintf(name, sizeof(name), "g%02d", g);
		bw_wait_booted(w, name);
	}
}

struct counts {
	uint64_t crws, mchks, guest_stsch, host_stsch;
};

static void count(struct vm *vm, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	c->crws = vcss_stats(vm->css)->crws_queued;
	c->mchks = vcss_stats(vm->css)->machine_checks;
	for (int i = 0; i < vm->nvfio; i++) {
		c->guest_stsch += vfio_ccw_dev_stats(vm->vfio[i])->guest_stsch;
		c->host_stsch += vfio_ccw_dev_stats(vm->vfio[i])->host_stsch;
	}
}

/* Every device of the guest shows PAM 40 (0.42 gone) in its sysfs. */
static bool guest_view_changed(struct vm *vm)
{
	char path[80], buf[32];

	for (int s = 0; s < vm->nvfio; s++) {
		unsigned pim, pam, pom;

		snprintf(path, sizeof(path), "/sys/bus/css/devices/0.0.%04x/pimpampom", s);
		if (sysfs_read(guest_os(vm)->sysfs, path, buf, sizeof(buf)) <= 0 ||
		    sscanf(buf, "%x %x %x", &pim, &pam, &pom) != 3 || (pam & 0x80))
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct counts *before, after;
	struct vm *vms[256];
	struct bw w;
	struct proc *p;
	double wall0, wall_boot, wall_setup, cpu0, cpu_ev = 0, probe = 0;
	sim_time_t t0, t_views = 0;
	uint64_t crw_min = UINT64_MAX, crw_max = 0, mchk_max = 0, ev_host = 0, ev_guest = 0;
	uint64_t st_host = 0, st_guest = 0;
	int nvm = 0, done = 0;
	char *deck;

	if (argc > 1)
		G = atoi(argv[1]);
	if (argc > 2)
		D = atoi(argv[2]);
	if (argc > 3)
		policy = argv[3];
	if (G < 1 || G > 256 || D < 1 || G * D > 0x4000 ||
	    (strcmp(policy, "eager") && strcmp(policy, "lazy")))
		bw_die("usage",
		       "vmm_fanout [GUESTS(1-256) [DEVICES]] with GUESTS*DEVICES <= 16384");
	wall0 = bw_wall();
	deck = make_deck();
	bw_up(&w, deck);
	free(deck);
	wall_boot = bw_wall() - wall0;
	setup(&w);
	wall_setup = bw_wall() - wall0;
	for (struct vm *vm = vmm_vms(w.vmm); vm; vm = vm->next)
		vms[nvm++] = vm;
	before = calloc((size_t)nvm, sizeof(*before));
	for (int i = 0; i < nvm; i++)
		count(vms[i], &before[i]);

	/* The event: CPU time from the command to the moment the last
	 * guest's view has changed, without what looking at the views costs
	 * (the views are looked at only when the clock moves, and that time
	 * is taken out). */
	cpu0 = cpu_seconds();
	t0 = sim_now(w.sim);
	p = node_run(w.hn, "chchp -c 0 42");
	while (!(proc_done(p) && done == nvm)) {
		sim_time_t now = sim_now(w.sim);
		double q0;

		if (proc_done(p) && now - t0 > 2 * SIM_S)
			break; /* lazy: the views wait for the guests */
		if (!sim_step(w.sim))
			break;
		if (sim_now(w.sim) == now)
			continue;
		q0 = cpu_seconds();
		while (done < nvm && guest_view_changed(vms[done]))
			done++;
		probe += cpu_seconds() - q0;
		if (done == nvm && !t_views) {
			t_views = sim_now(w.sim) - t0;
			cpu_ev = cpu_seconds() - cpu0 - probe;
		}
	}
	if (!proc_done(p) || proc_status(p) != 0)
		bw_die("event", "chchp -c 0 42 failed");
	proc_free(p);
	free(node_take_output(w.hn));
	sim_run_to(w.sim, sim_now(w.sim) + SIM_S); /* let everything settle */
	for (int i = 0; i < nvm; i++) {
		count(vms[i], &after);
		uint64_t crws = after.crws - before[i].crws;

		crw_min = crws < crw_min ? crws : crw_min;
		crw_max = crws > crw_max ? crws : crw_max;
		if (after.mchks - before[i].mchks > mchk_max)
			mchk_max = after.mchks - before[i].mchks;
		ev_host += after.host_stsch - before[i].host_stsch;
		ev_guest += after.guest_stsch - before[i].guest_stsch;
		before[i] = after;
	}

	/* Steady state: every guest STSCHes every subchannel ten times. */
	for (int i = 0; i < nvm; i++) {
		uint64_t buf = os_kmalloc(guest_os(vms[i]), 64, 8);

		for (int r = 0; r < 10; r++)
			for (int s = 0; s < vcss_nsch(vms[i]->css); s++)
				vcss_ops.stsch(vms[i]->css, schid_word(0, (uint16_t)s), buf);
		os_kfree(guest_os(vms[i]), buf);
		count(vms[i], &after);
		st_host += after.host_stsch - before[i].host_stsch;
		st_guest += after.guest_stsch - before[i].guest_stsch;
	}

	printf("vmm_fanout: %d guests x %d pass-through devices (%d subchannels on CHPIDs "
	       "0.42+0.43), chpsync=%s\n",
	       G, D, G * D, policy);
	printf("setup wall: host boot %.2f s, %d mdevs + %d guest boots %.2f s\n", wall_boot, G * D,
	       G, wall_setup - wall_boot);
	printf("%-6s %6s %9s %8s %9s %8s %9s %9s %10s %12s %18s\n", "policy", "guests", "dev/guest",
	       "views", "cpu-ms", "sim-ms", "CRW/guest", "upstream", "mchk/guest", "event h/g",
	       "steady h/g STSCH");
	printf("%-6s %6d %9d %5d/%-2d ", policy, nvm, D, done, nvm);
	if (done == nvm)
		printf("%9.3f %8.3f ", cpu_ev * 1e3, (double)t_views / 1e6);
	else
		printf("%9s %8s ", "-", "> 2000");
	printf("%4llu-%-4llu %9d %10llu %5llu/%-6llu %7.4f (%llu/%llu)\n",
	       (unsigned long long)crw_min, (unsigned long long)crw_max, D,
	       (unsigned long long)mchk_max, (unsigned long long)ev_host,
	       (unsigned long long)ev_guest, st_guest ? (double)st_host / (double)st_guest : 0.0,
	       (unsigned long long)st_host, (unsigned long long)st_guest);
	printf("(views: guests whose sysfs pimpampom shows 0.42 gone; cpu/sim: from chchp to the "
	       "last such guest, CPU time without the %.3f ms the benchmark spent looking at the "
	       "views;\n CRW/guest: min-max injected; upstream: one CRW per subchannel; steady: 10 "
	       "STSCH rounds, goal 0)\n",
	       probe * 1e3);
	free(before);
	bw_down(&w);
	return 0;
}
