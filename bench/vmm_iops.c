/* Guest 4 KB direct reads through vfio-ccw pass-through versus host-native
 * reads of the same 3390 (the built-in deck's 0.0.3f3f), in simulated time
 * (what the timing model says the stack costs) and in wall time (what the
 * simulator spends running each stack).
 * Goal: guest IOPS / host IOPS >= 0.7.
 *
 * usage: vmm_iops [COUNT]   (default 2000 reads of 4 KB)
 */
#include "vmm_world.h"

#define UUID "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

/* IOPS in simulated time (the timing model's view); *wall_iops gets the
 * same reads per second of wall time (the implementation's cost). */
static double read_iops(struct bw *w, const char *node, long count, double *wall_iops)
{
	char line[256];
	sim_time_t t0 = sim_now(w->sim), dt;
	double w0 = bw_wall(), wdt;

	snprintf(line, sizeof(line), "dd if=/dev/dasda of=/dev/null bs=4k count=%ld iflag=direct",
		 count);
	bw_run(w, node, line);
	dt = sim_now(w->sim) - t0;
	wdt = bw_wall() - w0;
	*wall_iops = wdt > 0 ? (double)count / wdt : 0;
	return dt ? (double)count * 1e9 / (double)dt : 0;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 2000;
	double wall0 = bw_wall(), host, guest, host_wall, guest_wall;
	const struct vfio_ccw_stats *st;
	struct vfio_ccw_stats before;
	struct bw w;

	if (count <= 0)
		bw_die("usage", "vmm_iops [COUNT]");
	bw_up(&w, NULL);
	bw_run(&w, "host", "chccwdev -e 3f3f");
	/* Warm-up over the same blocks, so that neither side pays the image
	 * file's cold page cache. */
	read_iops(&w, "host", count, &host_wall);
	host = read_iops(&w, "host", count, &host_wall);
	bw_run(&w, "host", "chccwdev -d 3f3f");
	bw_run(&w, "host", "driverctl -b css set-override 0.0.013f vfio_ccw");
	bw_run(&w, "host", "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io");
	bw_run(&w, "host",
	       "qemu-system-s390x -name guest -device vfio-ccw,sysfsdev="
	       "/sys/bus/mdev/devices/" UUID ",devno=0.0.3f3f -daemonize");
	bw_wait_booted(&w, "guest");
	bw_run(&w, "guest", "chccwdev -e 3f3f");
	st = vfio_ccw_dev_stats(vmm_vms(w.vmm)->vfio[0]);
	before = *st;
	guest = read_iops(&w, "guest", count, &guest_wall);
	printf("vmm_iops: %ld x 4 KB direct reads of 0.0.3f3f (simulated time)\n", count);
	printf("  host-native IOPS        %10.0f\n", host);
	printf("  guest pass-through IOPS %10.0f\n", guest);
	printf("  ratio guest/host        %10.3f   (goal >= 0.7)\n", host > 0 ? guest / host : 0);
	printf("same reads in wall time (the simulator's own cost):\n");
	printf("  host-native IOPS        %10.0f\n", host_wall);
	printf("  guest pass-through IOPS %10.0f\n", guest_wall);
	printf("  ratio guest/host        %10.3f\n", host_wall > 0 ? guest_wall / host_wall : 0);
	/* Each I/O interrupt makes the next guest STSCH read the host once;
	 * dasd does no STSCH per request, so this stays near 0. */
	printf("  during the guest reads: %llu I/O interrupts, %llu guest STSCH, %llu host STSCH\n",
	       (unsigned long long)(st->io_irqs - before.io_irqs),
	       (unsigned long long)(st->guest_stsch - before.guest_stsch),
	       (unsigned long long)(st->host_stsch - before.host_stsch));
	printf("  wall time               %10.2f s\n", bw_wall() - wall0);
	bw_down(&w);
	return 0;
}
