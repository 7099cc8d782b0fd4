/* 4 KB random read and write rate of the 3390 through channel programs on
 * the machine layer (Define Extent + Locate Record + Read/Write Data, zero
 * simulated latency) against raw pread/pwrite of the same image file, in
 * the same run.  The image (100 cylinders, 85 MB) is in the page cache.
 *
 * Wall-clock time is used here only to report host speed; the simulation
 * itself stays deterministic.
 *
 * Output rows: dasd_read_4k_iops, raw_pread_4k_iops, read_ratio,
 * dasd_write_4k_iops, raw_pwrite_4k_iops, write_ratio (and `ratio`, the
 * read ratio, for the summary).  dev_read_4k_iops / dev_read_ratio drive
 * the same three commands through the device's ops directly, without the
 * channel subsystem, to show where the time goes.
 */
#include "dasd_chan.h"

/* File offset of block blk's data (track 2 on: 12 x 4096 after HA + R0). */
static off_t block_off(uint32_t blk)
{
	uint32_t trk = 2 + blk / 12, r = blk % 12;

	return 512 + (off_t)trk * 56832 + 5 + 16 + (off_t)r * 4104 + 8;
}

/* The same DE + LR + Read Data on the device's ops, no channel. */
static double run_dev(struct bench *b, const uint32_t *blks)
{
	static uint8_t buf[4096];
	double t0 = now();

	for (int i = 0; i < NOPS; i++) {
		uint8_t de[ECKD_DE_SIZE], lr[ECKD_LR_SIZE];
		struct ccwdev_cmd c[3] = {
			{.code = ECKD_CMD_DEFINE_EXT, .data = de, .count = ECKD_DE_SIZE},
			{.code = ECKD_CMD_LOCATE, .data = lr, .count = ECKD_LR_SIZE},
			{.code = ECKD_CMD_READ_MT, .data = buf, .count = 4096}};

		block_de_lr(false, blks[i], de, lr);
		b->dev->ops->select(b->dev, 0x43);
		for (int k = 0; k < 3; k++)
			b->dev->ops->exec(b->dev, 0x43, &c[k]);
		b->dev->ops->end(b->dev, 0x43);
		if (c[2].dstat != 0x0c)
			die("device read failed");
	}
	return NOPS / (now() - t0);
}

static double run_raw(int fd, bool write, const uint32_t *blks)
{
	static uint8_t buf[4096];
	double t0 = now();

	for (int i = 0; i < NOPS; i++) {
		ssize_t n = write ? pwrite(fd, buf, 4096, block_off(blks[i]))
				  : pread(fd, buf, 4096, block_off(blks[i]));

		if (n != 4096)
			die("raw I/O failed");
	}
	return NOPS / (now() - t0);
}

int main(void)
{
	char image[] = "/tmp/chpsync-bench-XXXXXX";
	char path[64], err[600];
	uint32_t *blks = malloc(NOPS * sizeof(*blks));
	double dr, rr, dw, rw, vr;
	struct bench b;
	int fd;

	if (!mkdtemp(image))
		die("mkdtemp failed");
	snprintf(path, sizeof(path), "%s/bench.3390", image);
	if (eckd_create_image(path, CYLS, "BENCH1", false, err, sizeof(err)) < 0)
		die(err);
	setup(&b, path);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die("open failed");
	for (int i = 0; i < NOPS; i++)
		blks[i] = (uint32_t)sim_rand_below(b.sim, BLOCKS);
	run_raw(fd, false, blks); /* warm the page cache */
	rr = run_raw(fd, false, blks);
	dr = run_dasd(&b, false, blks);
	vr = run_dev(&b, blks);
	rw = run_raw(fd, true, blks);
	dw = run_dasd(&b, true, blks);
	printf("dasd_read_4k_iops %.0f\n", dr);
	printf("raw_pread_4k_iops %.0f\n", rr);
	printf("read_ratio %.2f\n", dr / rr);
	printf("dev_read_4k_iops %.0f\n", vr);
	printf("dev_read_ratio %.2f\n", vr / rr);
	printf("dasd_write_4k_iops %.0f\n", dw);
	printf("raw_pwrite_4k_iops %.0f\n", rw);
	printf("write_ratio %.2f\n", dw / rw);
	printf("ratio %.2f\n", dr / rr);
	close(fd);
	unlink(path);
	rmdir(image);
	machine_free(b.m);
	sim_free(b.sim);
	free(blks);
	return 0;
}
