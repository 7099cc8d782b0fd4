/* 4 KB random read and write cost of the 3390 through channel programs on
 * the machine layer (Define Extent + Locate Record + Read/Write Data, zero
 * simulated latency) against raw pread/pwrite of the same image file.  The
 * image (100 cylinders, 85 MB) is in the page cache.
 *
 * Both sides run in every round, one after the other (A B A B ..., see
 * rounds.h), on the same random blocks, and each row is the median of the
 * per-round ratios with its minimum and maximum, in CPU time:
 *   read_ratio   pread time / dasd time (= dasd IOPS / pread IOPS)
 *   dev_read_ratio  the same three commands through the device's ops
 *                directly, without the channel subsystem (where the time
 *                goes)
 *   write_ratio  pwrite time / dasd time; the device's writes go through
 *                the image's journal first (docs/dasd.md "Durability"), so
 *                each costs two writes of the file
 *
 * usage: dasd_io [ROUNDS [OPS]]   (default 11 rounds of 20000 operations)
 */
#include "dasd_chan.h"
#include "rounds.h"

/* File offset of block blk's data (track 2 on: 12 x 4096 after HA + R0). */
static off_t block_off(uint32_t blk)
{
	uint32_t trk = 2 + blk / 12, r = blk % 12;

	return 512 + (off_t)trk * 56832 + 5 + 16 + (off_t)r * 4104 + 8;
}

/* The same DE + LR + Read Data on the device's ops, no channel. */
static double run_dev(struct bench *b, const uint32_t *blks, int n)
{
	static uint8_t buf[4096];
	double t0 = cpu_seconds();

	for (int i = 0; i < n; i++) {
		uint8_t de[ECKD_DE_SIZE], lr[ECKD_LR_SIZE];
		struct ccwdev_cmd c[3] = {{.code = ECKD_CMD_DEFINE_EXT, .data = de, .count = 16},
					  {.code = ECKD_CMD_LOCATE, .data = lr, .count = 16},
					  {.code = ECKD_CMD_READ_MT, .data = buf, .count = 4096}};

		block_de_lr(false, blks[i], de, lr);
		b->dev->ops->select(b->dev, 0x43);
		for (int k = 0; k < 3; k++)
			b->dev->ops->exec(b->dev, 0x43, &c[k]);
		b->dev->ops->end(b->dev, 0x43);
		if (c[2].dstat != 0x0c)
			die("device read failed");
	}
	return cpu_seconds() - t0;
}

static double run_raw(int fd, bool write, const uint32_t *blks, int n)
{
	static uint8_t buf[4096];
	double t0 = cpu_seconds();

	for (int i = 0; i < n; i++) {
		ssize_t r = write ? pwrite(fd, buf, 4096, block_off(blks[i]))
				  : pread(fd, buf, 4096, block_off(blks[i]));

		if (r != 4096)
			die("raw I/O failed");
	}
	return cpu_seconds() - t0;
}

static double run_chan(struct bench *b, bool write, const uint32_t *blks, int n)
{
	double t0 = cpu_seconds();

	for (int i = 0; i < n; i++)
		block_io(b, write, blks[i]);
	return cpu_seconds() - t0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 11, n = argc > 2 ? atoi(argv[2]) : 20000;
	char image[] = "/tmp/chpsync-bench-XXXXXX";
	char path[64], err[600];
	struct rounds rr = {0}, rd = {0}, rw = {0};
	uint32_t *blks;
	struct bench b;
	int fd;

	if (rounds < 1 || n < 1)
		die("usage: dasd_io [ROUNDS [OPS]]");
	blks = malloc((size_t)n * sizeof(*blks));
	if (!blks || !mkdtemp(image))
		die("setup failed");
	snprintf(path, sizeof(path), "%s/bench.3390", image);
	if (eckd_create_image(path, CYLS, "BENCH1", false, err, sizeof(err)) < 0)
		die(err);
	setup(&b, path);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die("open failed");
	for (int i = 0; i < n; i++)
		blks[i] = (uint32_t)sim_rand_below(b.sim, BLOCKS);
	run_raw(fd, false, blks, n); /* warm the page cache and the device */
	run_chan(&b, false, blks, n);
	for (int r = 0; r < rounds; r++) {
		double raw = run_raw(fd, false, blks, n);

		rounds_add(&rr, raw, run_chan(&b, false, blks, n));
		raw = run_raw(fd, false, blks, n);
		rounds_add(&rd, raw, run_dev(&b, blks, n));
		raw = run_raw(fd, true, blks, n);
		rounds_add(&rw, raw, run_chan(&b, true, blks, n));
	}
	printf("dasd_io: %d rounds of %d random 4 KB operations; A/B = pread(pwrite) CPU time / "
	       "3390 CPU time (= 3390 IOPS / raw IOPS)\n",
	       rounds, n);
	rounds_report("read_ratio", &rr, 1e6 / n, "us per op (A pread, B dasd)");
	rounds_report("dev_read_ratio", &rd, 1e6 / n, "us per op (A pread, B device ops)");
	rounds_report("write_ratio (journaled)", &rw, 1e6 / n, "us per op (A pwrite, B dasd)");
	close(fd);
	machine_free(b.m);
	sim_free(b.sim);
	unlink(path);
	rmdir(image);
	free(blks);
	return 0;
}
