/* Host `dd` 4 KB direct reads from /dev/dasda through the whole host stack
 * (shell, vfs, dasd request queue, ccw device, cio, machine, 3390) next to
 * the device-level loop of the DASD benchmark (one channel program per
 * block straight on the machine), on the same image and the same
 * sequential blocks.  Both run in every round (A B A B ..., rounds.h), in
 * CPU time; the row is the median of the per-round ratios
 * device time / dd time (= dd IOPS / device-level IOPS) with min and max.
 * Goal: >= 0.5.
 *
 * usage: os_dd [ROUNDS [COUNT]]   (default 7 rounds of 15000 reads of 4 KB)
 */
#include "dasd_chan.h"
#include "rounds.h"
#include "vmm_world.h"

#define DEV_CYLS 100
#define DEV_RUN	 15000 /* blocks per dd run: less than the volume's 18000 */

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	long count = argc > 2 ? atol(argv[2]) : DEV_RUN;
	char dir[] = "/tmp/chpsync-bench-XXXXXX";
	char path[64], err[600], deck[512], line[160];
	struct rounds r = {0};
	struct bench b;
	struct bw w;

	if (rounds < 1 || count <= 0 || count > DEV_RUN)
		die("usage: os_dd [ROUNDS [COUNT (1-15000)]]");
	if (!mkdtemp(dir))
		die("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/dd.3390", dir);
	if (eckd_create_image(path, DEV_CYLS, "0X3F3F", false, err, sizeof(err)) < 0)
		die(err);
	setup(&b, path);
	/* The default deck's 3390, on the same fully written image. */
	snprintf(deck, sizeof(deck),
		 "CHPID PATH=(CSS(0),42),SHARED,TYPE=FC\n"
		 "CHPID PATH=(CSS(0),43),SHARED,TYPE=FC\n"
		 "CNTLUNIT CUNUMBR=3F00,PATH=((CSS(0),42,43)),UNITADD=((00,256)),UNIT=3990\n"
		 "IODEVICE ADDRESS=(3F3F,1),CUNUMBR=(3F00),UNIT=3390,SCH=013F,IMAGE='%s'\n",
		 path);
	bw_up(&w, deck);
	bw_run(&w, "host", "chccwdev -e 3f3f");
	snprintf(line, sizeof(line),
		 "dd if=/dev/dasda of=/dev/null bs=4k count=%ld skip=24 iflag=direct status=none",
		 count);
	/* Warm-up of both: the image's pages, the device's per-track bits. */
	bw_run(&w, "host", line);
	for (long i = 0; i < count; i++)
		block_io(&b, false, (uint32_t)i);
	for (int k = 0; k < rounds; k++) {
		double t0 = cpu_seconds(), dev, dd;

		for (long i = 0; i < count; i++)
			block_io(&b, false, (uint32_t)i);
		dev = cpu_seconds() - t0;
		t0 = cpu_seconds();
		bw_run(&w, "host", line);
		dd = cpu_seconds() - t0;
		rounds_add(&r, dev, dd);
	}
	printf("os_dd: %d rounds of %ld x 4 KB direct reads (A device-level loop, B host dd)\n",
	       rounds, count);
	rounds_report("dd/device IOPS (goal 0.5)", &r, 1e6 / (double)count, "us per read");
	bw_down(&w);
	machine_free(b.m);
	sim_free(b.sim);
	unlink(path);
	rmdir(dir);
	return 0;
}
