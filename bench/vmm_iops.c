/* Guest 4 KB direct reads through vfio-ccw pass-through versus host-native
 * reads of a 3390 of the same kind, in simulated time (what the timing
 * model says the stack costs; goal: guest IOPS / host IOPS >= 0.7) and in
 * CPU time (what the simulator spends running each stack).
 *
 * Two 3390s on the same CHPIDs: 0.0.3f3f stays with the host (its dasda),
 * 0.0.3f40 (subchannel 0.0.0140) is passed through to the guest.  Every
 * round runs the host's dd and then the guest's (A B A B ..., see
 * rounds.h) over the same blocks; each ratio is the median of the per-round
 * ratios with its minimum and maximum.
 *
 * usage: vmm_iops [ROUNDS [COUNT]]   (default 7 rounds of 20000 reads of 4 KB)
 */
#include "rounds.h"
#include "vmm_world.h"

#define UUID "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

static const char deck[] =
	"CHPID    PATH=(CSS(0),42),SHARED,TYPE=FC\n"
	"CHPID    PATH=(CSS(0),43),SHARED,TYPE=FC\n"
	"CNTLUNIT CUNUMBR=3F00,PATH=((CSS(0),42,43)),UNITADD=((00,256)),UNIT=3990\n"
	"IODEVICE ADDRESS=(3F3F,2),CUNUMBR=(3F00),UNIT=3390,SCH=013F\n";

/* One dd of `count` 4 KB direct reads: simulated seconds and CPU seconds. */
static void read_run(struct bw *w, const char *node, long count, double *sim_s, double *cpu_s)
{
	char line[256];
	sim_time_t t0 = sim_now(w->sim);
	double c0 = cpu_seconds();

	snprintf(line, sizeof(line),
		 "dd if=/dev/dasda of=/dev/null bs=4k count=%ld skip=24 iflag=direct status=none",
		 count);
	bw_run(w, node, line);
	*cpu_s = cpu_seconds() - c0;
	*sim_s = (double)(sim_now(w->sim) - t0) / 1e9;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	long count = argc > 2 ? atol(argv[2]) : 20000;
	double wall0 = bw_wall(), hs, hc, gs, gc;
	struct rounds rsim = {0}, rcpu = {0};
	const struct vfio_ccw_stats *st;
	struct vfio_ccw_stats before;
	struct bw w;

	if (rounds < 1 || count <= 0)
		bw_die("usage", "vmm_iops [ROUNDS [COUNT]]");
	bw_up(&w, deck);
	bw_run(&w, "host", "chccwdev -e 3f3f");
	bw_run(&w, "host", "driverctl -b css set-override 0.0.0140 vfio_ccw");
	bw_run(&w, "host", "mdevctl start -u " UUID " -p 0.0.0140 -t vfio_ccw-io");
	bw_run(&w, "host",
	       "qemu-system-s390x -name guest -device vfio-ccw,sysfsdev="
	       "/sys/bus/mdev/devices/" UUID ",devno=0.0.3f40 -daemonize");
	bw_wait_booted(&w, "guest");
	bw_run(&w, "guest", "chccwdev -e 3f40");
	/* Warm-up: the images' pages, the devices' buffers. */
	read_run(&w, "host", count, &hs, &hc);
	read_run(&w, "guest", count, &gs, &gc);
	st = vfio_ccw_dev_stats(vmm_vms(w.vmm)->vfio[0]);
	before = *st;
	for (int r = 0; r < rounds; r++) {
		read_run(&w, "host", count, &hs, &hc);
		read_run(&w, "guest", count, &gs, &gc);
		/* A/B = host time / guest time = guest IOPS / host IOPS */
		rounds_add(&rsim, hs, gs);
		rounds_add(&rcpu, hc, gc);
	}
	printf("vmm_iops: %d rounds of %ld x 4 KB direct reads, host 0.0.3f3f / guest 0.0.3f40\n",
	       rounds, count);
	rounds_report("simulated guest/host IOPS", &rsim, 1e6 / (double)count,
		      "us per read (A host, B guest; goal >= 0.7)");
	rounds_report("CPU guest/host IOPS", &rcpu, 1e6 / (double)count,
		      "us per read (A host, B guest)");
	/* Each I/O interrupt makes the next guest STSCH read the host once;
	 * dasd does no STSCH per request, so this stays near 0. */
	printf("during the guest reads: %llu I/O interrupts, %llu guest STSCH, %llu host STSCH; "
	       "wall %.2f s\n",
	       (unsigned long long)(st->io_irqs - before.io_irqs),
	       (unsigned long long)(st->guest_stsch - before.guest_stsch),
	       (unsigned long long)(st->host_stsch - before.host_stsch), bw_wall() - wall0);
	bw_down(&w);
	return 0;
}
