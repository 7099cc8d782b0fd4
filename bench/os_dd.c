/* Host `dd` 4 KB direct reads from /dev/dasda through the whole host stack
 * (shell, vfs, dasd request queue, ccw device, cio, machine, 3390), in IOPS
 * of wall time, next to the device-level rate of the DASD benchmark's loop
 * (one channel program per block straight on the machine) in the same run,
 * on the same kind of image and with the same sequential block pattern.
 * Goal: dd IOPS / device-level IOPS >= 0.5.
 *
 * usage: os_dd [COUNT]   (default 100000 reads of 4 KB)
 */
#include "dasd_chan.h"
#include "vmm_world.h"

#define DEV_CYLS 100
#define DEV_RUN	 15000 /* blocks per dd run: less than the volume's 18000 */

/* The default deck's 3390, but on a fully written image of DEV_CYLS
 * cylinders like the device-level loop's (the default volume is sparse). */
static double host_dd_iops(long count, const char *image)
{
	char line[160], deck[512];
	struct bw w;
	double t0, dt;

	snprintf(deck, sizeof(deck),
		 "CHPID PATH=(CSS(0),42),SHARED,TYPE=FC\n"
		 "CHPID PATH=(CSS(0),43),SHARED,TYPE=FC\n"
		 "CNTLUNIT CUNUMBR=3F00,PATH=((CSS(0),42,43)),UNITADD=((00,256)),UNIT=3990\n"
		 "IODEVICE ADDRESS=(3F3F,1),CUNUMBR=(3F00),UNIT=3390,SCH=013F,IMAGE='%s'\n",
		 image);
	bw_up(&w, deck);
	bw_run(&w, "host", "chccwdev -e 3f3f");
	/* Warm-up: the image's first tracks into the page cache. */
	bw_run(&w, "host",
	       "dd if=/dev/dasda of=/dev/null bs=4k count=1000 iflag=direct status=none");
	/* Runs of at most one volume's worth of blocks (dd stops at the end of
	 * the device), count reads in all. */
	t0 = bw_wall();
	for (long done = 0, n; done < count; done += n) {
		n = count - done < DEV_RUN ? count - done : DEV_RUN;
		snprintf(line, sizeof(line),
			 "dd if=/dev/dasda of=/dev/null bs=4k count=%ld iflag=direct status=none",
			 n);
		bw_run(&w, "host", line);
	}
	dt = bw_wall() - t0;
	bw_down(&w);
	return dt > 0 ? (double)count / dt : 0;
}

static double device_iops(long count, const char *path)
{
	uint32_t *blks = malloc((size_t)count * sizeof(*blks));
	struct bench b;
	double t0, dt;

	if (!blks)
		die("out of memory");
	setup(&b, path);
	/* The same pattern as the dd runs: sequential blocks, runs of DEV_RUN
	 * from the start (so both sides get the device's track buffer). */
	for (long i = 0; i < count; i++)
		blks[i] = (uint32_t)(i % DEV_RUN);
	for (long i = 0; i < count && i < 1000; i++)
		block_io(&b, false, blks[i]);
	t0 = now();
	for (long i = 0; i < count; i++)
		block_io(&b, false, blks[i]);
	dt = now() - t0;
	machine_free(b.m);
	sim_free(b.sim);
	free(blks);
	return dt > 0 ? (double)count / dt : 0;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 100000;
	char dir[] = "/tmp/chpsync-bench-XXXXXX";
	char path[64], err[600];
	double dd, dev;

	if (count <= 0)
		die("usage: os_dd [COUNT]");
	if (!mkdtemp(dir))
		die("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/dd.3390", dir);
	if (eckd_create_image(path, DEV_CYLS, "0X3F3F", false, err, sizeof(err)) < 0)
		die(err);
	dev = device_iops(count, path);
	dd = host_dd_iops(count, path);
	unlink(path);
	rmdir(dir);
	printf("os_dd: %ld x 4 KB direct reads, IOPS of wall time\n", count);
	printf("host_dd_4k_iops %.0f\n", dd);
	printf("device_level_4k_iops %.0f\n", dev);
	printf("ratio %.2f   (goal >= 0.5)\n", dev > 0 ? dd / dev : 0);
	return 0;
}
