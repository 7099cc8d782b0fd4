/* What the whole stack costs per byte a guest reads, against reading the
 * same bytes of the image file directly.
 *
 * A 3390 on a fully written image (200 cylinders, every track in the page
 * cache after a warm-up) is passed through to a guest (driverctl, mdevctl,
 * qemu-system-s390x with the default -m) and set online there.  Rows, each
 * from interleaved rounds (A B A B ..., CPU time, median of the per-round
 * ratios A/B with min and max, see rounds.h):
 *
 *   read_4k_direct   A: guest `dd bs=4k count=N iflag=direct` of blocks on
 *                    standard tracks; B: N preads of 4 KB of the image at
 *                    those blocks' data.                    (goal <= 1.3)
 *   read_4k_memcpy   A as above; B: memcpy of the same 4 KB pieces from a
 *                    mapping of the image: the floor of one copy per byte.
 *   dd_1m_direct     A: guest `dd bs=1M count=64 iflag=direct` (64 MiB);
 *                    B: preads of 1 MiB over the file range that holds
 *                    those blocks (counts between the records included).
 *                                                           (goal <= 1.5)
 *   host_read_4k     A: the same 4 KB dd on the host itself (no VMM);
 *                    B: the preads.
 *
 * usage: guest_read [ROUNDS [N4K]]   (default 11 rounds, 10000 reads of 4 KB)
 * GUEST_READ_PROFILE=1 in the environment: only the guest's 4 KB reads,
 * ROUNDS times, nothing measured (for perf record).
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "rounds.h"
#include "vmm_world.h"

#define CYLS	   200
#define FIRST_BLK  24 /* track 2: the first standard track of a CDL volume */
#define MIB_BLOCKS 16384
#define MIB_FIRST  256 /* 1 MiB into the disk */
#define UUID	   "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

/* File offset of the data of disk block blk (4 KB, 12 per track). */
static off_t block_off(uint64_t blk)
{
	uint64_t trk = blk / 12, r = blk % 12;

	return CKD_HDR_SIZE + (off_t)trk * CKD_3390_TRKSIZE + 21 + (off_t)r * 4104 + 8;
}

static uint8_t buf[1 << 20];

static double preads_4k(int fd, long n)
{
	double t0 = cpu_seconds();

	for (long i = 0; i < n; i++)
		if (pread(fd, buf, 4096, block_off(FIRST_BLK + (uint64_t)i)) != 4096)
			bw_die("pread", "short read");
	return cpu_seconds() - t0;
}

static double memcpy_4k(const uint8_t *map, long n)
{
	double t0 = cpu_seconds();

	for (long i = 0; i < n; i++) {
		memcpy(buf, map + block_off(FIRST_BLK + (uint64_t)i), 4096);
		__asm__ volatile("" : : "r"(buf) : "memory");
	}
	return cpu_seconds() - t0;
}

static double preads_1m(int fd)
{
	off_t start = block_off(MIB_FIRST), end = block_off(MIB_FIRST + MIB_BLOCKS - 1) + 4096;
	double t0 = cpu_seconds();

	for (off_t off = start; off < end; off += sizeof(buf)) {
		size_t len = end - off < (off_t)sizeof(buf) ? (size_t)(end - off) : sizeof(buf);

		if (pread(fd, buf, len, off) != (ssize_t)len)
			bw_die("pread", "short read");
	}
	return cpu_seconds() - t0;
}

/* dd of count blocks of bs bytes from disk block first (a multiple of bs). */
static double dd(struct bw *w, const char *node, unsigned bs, long count, uint64_t first)
{
	char line[200];
	double t0 = cpu_seconds();

	snprintf(line, sizeof(line),
		 "dd if=/dev/dasda of=/dev/null bs=%u count=%ld skip=%llu iflag=direct status=none",
		 bs, count, (unsigned long long)(first * 4096 / bs));
	bw_run(w, node, line);
	return cpu_seconds() - t0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 11;
	long n4k = argc > 2 ? atol(argv[2]) : 10000;
	char dir[] = "/tmp/chpsync-bench-XXXXXX", path[80], err[600], deck[600];
	struct rounds r = {0}, rm = {0}, r1 = {0}, rh = {0};
	struct bw w;
	uint8_t *map;
	size_t maplen;
	int fd;

	if (rounds < 1 || n4k < 1 || n4k > (CYLS * 15 - 2) * 12)
		bw_die("usage", "guest_read [ROUNDS [N4K]]");
	if (!mkdtemp(dir))
		bw_die("mkdtemp", dir);
	snprintf(path, sizeof(path), "%s/read.3390", dir);
	if (eckd_create_image(path, CYLS, "READ01", false, err, sizeof(err)) < 0)
		bw_die("image", err);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		bw_die("open", path);
	maplen = CKD_HDR_SIZE + (size_t)CYLS * 15 * CKD_3390_TRKSIZE;
	map = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		bw_die("mmap", path);
	snprintf(deck, sizeof(deck),
		 "CHPID PATH=(CSS(0),42),SHARED,TYPE=FC\n"
		 "CHPID PATH=(CSS(0),43),SHARED,TYPE=FC\n"
		 "CNTLUNIT CUNUMBR=3F00,PATH=((CSS(0),42,43)),UNITADD=((00,256)),UNIT=3990\n"
		 "IODEVICE ADDRESS=(3F3F,1),CUNUMBR=(3F00),UNIT=3390,SCH=013F,IMAGE='%s'\n",
		 path);
	bw_up(&w, deck);

	/* Host first (the device is the host's until it is handed over). */
	bw_run(&w, "host", "chccwdev -e 3f3f");
	dd(&w, "host", 4096, n4k, FIRST_BLK); /* warm-up: page cache, buffers */
	preads_4k(fd, n4k);
	for (int i = 0; i < rounds && !getenv("GUEST_READ_PROFILE"); i++) {
		double a = dd(&w, "host", 4096, n4k, FIRST_BLK);

		rounds_add(&rh, a, preads_4k(fd, n4k));
	}
	bw_run(&w, "host", "chccwdev -d 3f3f");
	bw_run(&w, "host", "driverctl -b css set-override 0.0.013f vfio_ccw");
	bw_run(&w, "host", "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io");
	bw_run(&w, "host",
	       "qemu-system-s390x -name guest -device vfio-ccw,sysfsdev="
	       "/sys/bus/mdev/devices/" UUID ",devno=0.0.3f3f -daemonize");
	bw_wait_booted(&w, "guest");
	bw_run(&w, "guest", "chccwdev -e 3f3f");
	dd(&w, "guest", 4096, n4k, FIRST_BLK);
	if (getenv("GUEST_READ_PROFILE")) { /* for perf: the guest's 4 KB reads alone */
		for (int i = 0; i < rounds; i++)
			dd(&w, "guest", 4096, n4k, FIRST_BLK);
		bw_down(&w);
		return 0;
	}
	dd(&w, "guest", 1 << 20, MIB_BLOCKS / 256, MIB_FIRST);
	preads_1m(fd);
	memcpy_4k(map, n4k);
	for (int i = 0; i < rounds; i++) {
		double a = dd(&w, "guest", 4096, n4k, FIRST_BLK);

		rounds_add(&r, a, preads_4k(fd, n4k));
		a = dd(&w, "guest", 4096, n4k, FIRST_BLK);
		rounds_add(&rm, a, memcpy_4k(map, n4k));
		a = dd(&w, "guest", 1 << 20, MIB_BLOCKS / 256, MIB_FIRST);
		rounds_add(&r1, a, preads_1m(fd));
	}
	printf("guest_read: %s, %d cylinders, page cache warm; A/B of CPU time\n", path, CYLS);
	rounds_report("read_4k_direct (goal 1.3)", &r, 1e6 / (double)n4k, "us per 4 KB");
	rounds_report("read_4k_memcpy (floor)", &rm, 1e6 / (double)n4k, "us per 4 KB");
	rounds_report("dd_1m_direct (goal 1.5)", &r1, 1e3, "ms per 64 MiB");
	rounds_report("host_read_4k", &rh, 1e6 / (double)n4k, "us per 4 KB");
	bw_down(&w);
	munmap(map, maplen);
	close(fd);
	unlink(path);
	rmdir(dir);
	return 0;
}
