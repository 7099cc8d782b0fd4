/* Writes the seed inputs of the binary fuzz targets into a directory: one
 * file per behaviour worth starting from, each a readable list of
 * operations here.  Used by `make fuzz-seeds`.
 *
 *   seedgen vfio DIR     a VMM on the vfio uapi (tests/fuzz/fuzz_vfio.c)
 *   seedgen serve DIR    a client of chpsync serve (tests/fuzz/fuzz_serve.c) */
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/serve_proto.h"

/* ---- vfio: keep in step with fuzz_vfio.c ---- */
enum {
	OP_REGION_WRITE,
	OP_REGION_READ,
	OP_START_RAW,
	OP_START,
	OP_ASYNC,
	OP_CCW,
	OP_GUEST,
	OP_RUN,
	OP_IOCTL,
	OP_DMA,
	OP_CLOSE,
	OP_HOST,
	OP_EVENTFD,
};
#define ECKD	1
#define LAT(i)	((i) << 1) /* 0, 1us, 100us, 1ms, 5ms, 20ms, 50ms, 200ms */
#define PERMUTE 16
#define DATA	0x10000u
#define SLI	0x20
#define CC	0x40
#define IDA	0x04
#define SUSPEND 0x02

static uint8_t buf[8192];
static size_t len;

static void u8(unsigned v)
{
	buf[len++] = (uint8_t)v;
}

static void u16(unsigned v)
{
	u8(v >> 8);
	u8(v);
}

static void u32(uint32_t v)
{
	u16(v >> 16);
	u16(v & 0xffff);
}

static void ccw(unsigned slot, unsigned cmd, unsigned flags, unsigned count, uint32_t cda)
{
	u8(OP_CCW);
	u8(slot);
	u8(cmd);
	u8(flags);
	u16(count);
	u32(cda);
}

static void start(unsigned slot, unsigned lpm, unsigned flags)
{
	u8(OP_START);
	u8(slot);
	u8(lpm);
	u8(flags);
}

static void run_100us(unsigned n)
{
	u8(OP_RUN);
	u16(n);
}

static void guest(uint32_t iova, const uint8_t *data, unsigned n)
{
	u8(OP_GUEST);
	u32(iova);
	u16(n);
	memcpy(buf + len, data, n);
	len += n;
}

static void async(unsigned cmd)
{
	u8(OP_ASYNC);
	u8(cmd);
}

static void host(unsigned what, unsigned chpid)
{
	u8(OP_HOST);
	u8(what);
	u8(chpid - 0x42);
}

static void region(int write, unsigned idx, unsigned off, unsigned n)
{
	u8(write ? OP_REGION_WRITE : OP_REGION_READ);
	u8(idx);
	u16(off);
	u16(n);
	if (write)
		for (unsigned i = 0; i < n; i++)
			u8(i * 13);
}

static void ioctl_(unsigned kind, unsigned argsz)
{
	u8(OP_IOCTL);
	u8(kind);
	u16(argsz);
}

static void set_irqs(unsigned argsz, uint32_t flags, uint32_t index, uint32_t start_,
		     uint32_t count, unsigned fd_choice)
{
	ioctl_(3, argsz);
	u32(flags);
	u32(index);
	u32(start_);
	u32(count);
	for (unsigned i = 16; i + 4 <= argsz; i += 4)
		u8(fd_choice);
}

static void sense_id(void)
{
	ccw(0, 0xe4, SLI, 64, DATA);
	start(0, 0xff, 0);
	run_100us(100);
}

/* Define Extent + Locate Record (1 record at cylinder 2 head 3) + data. */
static void eckd_program(int write)
{
	uint8_t de[16] = {write ? 0x80 : 0x40, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 19, 0, 14};
	uint8_t lr[16] = {write ? 0x01 : 0x06, 0x80, 0, 1, 0, 2, 0, 3, 0, 2, 0, 3, 1, 0, 0x10, 0};

	guest(0x2000, de, 16);
	guest(0x2100, lr, 16);
	ccw(0, 0x63, CC, 16, 0x2000);
	ccw(1, 0x47, CC, 16, 0x2100);
	ccw(2, write ? 0x85 : 0x86, 0, 4096, DATA);
}

static void save(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "seedgen: cannot write %s\n", path);
		return;
	}
	len = 0;
}

static void vfio_seeds(const char *dir)
{
	static const uint8_t pattern[64] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t idaws[16] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0};

	/* A Sense ID on the test device, and on the 3390. */
	u8(0);
	sense_id();
	save(dir, "sense-id");
	u8(ECKD);
	sense_id();
	save(dir, "eckd-sense-id");

	/* 3390: write a record, read it back. */
	u8(ECKD | LAT(3));
	guest(DATA, pattern, sizeof(pattern));
	eckd_program(1);
	start(0, 0xff, 2);
	run_100us(200);
	eckd_program(0);
	start(0, 0xff, 2);
	run_100us(200);
	save(dir, "eckd-write-read");

	/* Test device: write, then read with data chaining and an IDAW list
	 * (format-2 IDAWs, 4 KiB blocks). */
	u8(LAT(2));
	guest(DATA, pattern, sizeof(pattern));
	ccw(0, 0x01, CC, 512, DATA);
	ccw(1, 0x03, 0, 0, 0);
	start(0, 0xf0, 0);
	run_100us(50);
	guest(0x3000, idaws, sizeof(idaws));
	ccw(4, 0x02, IDA | 0x80, 6000, 0x3000);
	ccw(5, 0x02, SLI, 100, DATA + 0x4000);
	start(4, 0xff, 4);
	run_100us(50);
	save(dir, "chained-idal");

	/* Format-0 program with prefetch off. */
	u8(0);
	u8(OP_GUEST);
	u32(0x1000 + 8 * 8);
	u16(16);
	u8(0xe4);
	u8(0x01);
	u8(0x00);
	u8(0x00); /* format-0: cmd, addr[3] */
	u8(0x20);
	u8(0);
	u8(0);
	u8(64); /* flags, 0, count */
	u8(0x03);
	u8(0);
	u8(0);
	u8(0);
	u8(0);
	u8(0);
	u8(0);
	u8(1);
	start(8, 0xff, 1);
	run_100us(50);
	save(dir, "format0");

	/* A TIC loop that only a clear ends, and a halt. */
	u8(LAT(4));
	ccw(0, 0x03, CC, 0, 0);
	ccw(1, 0x08, 0, 0, 0x1000);
	start(0, 0xff, 0);
	run_100us(30);
	async(2);
	run_100us(100);
	ccw(0, 0x01, 0, 100, DATA);
	start(0, 0xff, 0);
	run_100us(1);
	async(1);
	run_100us(100);
	save(dir, "tic-loop-clear-halt");

	/* Suspend: the program stops at the S flag. */
	u8(LAT(2));
	ccw(0, 0x03, CC | SUSPEND, 0, 0);
	ccw(1, 0x03, 0, 0, 0);
	start(0, 0xff, 16);
	run_100us(50);
	async(2);
	run_100us(50);
	save(dir, "suspend");

	/* A path lost under running I/O: vary off, link failure, configure
	 * off, device not operational; then everything back. */
	u8(LAT(5));
	ccw(0, 0x01, 0, 512, DATA);
	start(0, 0x80, 0);
	run_100us(50);
	host(4, 0x42);
	run_100us(500);
	start(0, 0x70, 0);
	run_100us(10);
	host(0, 0x43);
	run_100us(500);
	start(0, 0x30, 0);
	run_100us(10);
	host(2, 0x44);
	run_100us(30000);
	host(6, 0x45);
	run_100us(1000);
	host(7, 0x45);
	host(5, 0x42);
	host(1, 0x43);
	host(3, 0x44);
	run_100us(30000);
	region(0, 3, 0, 4);
	region(0, 3, 0, 4);
	region(0, 2, 0, 52);
	save(dir, "paths-lost-under-io");

	/* Region accesses of odd sizes and offsets, writes to read-only
	 * regions, beyond the last region. */
	u8(0);
	region(0, 0, 0, 124);
	region(0, 0, 1, 124);
	region(0, 0, 24, 96);
	region(1, 0, 0, 123);
	region(1, 1, 0, 8);
	region(1, 1, 4, 4);
	region(0, 1, 0, 8);
	region(0, 2, 0, 52);
	region(0, 2, 51, 2);
	region(1, 2, 0, 52);
	region(0, 3, 0, 4);
	region(1, 3, 0, 4);
	region(0, 4, 0, 4);
	region(0, 255, 0xffff, 1);
	save(dir, "regions");

	/* ioctls: info, region info with and without room for the
	 * capability chain, IRQ info and set, reset, an unknown request. */
	u8(0);
	ioctl_(0, 16);
	ioctl_(0, 8);
	for (unsigned i = 0; i < 5; i++) {
		ioctl_(1, 32);
		u32(i);
		ioctl_(1, 256);
		u32(i);
	}
	ioctl_(2, 16);
	u32(0);
	ioctl_(2, 16);
	u32(3);
	set_irqs(20, 0x24, 0, 0, 1, 0); /* eventfd trigger, I/O */
	set_irqs(20, 0x24, 1, 0, 1, 3); /* fd -1: off */
	set_irqs(20, 0x22, 2, 0, 1, 1); /* bool trigger */
	set_irqs(16, 0x21, 0, 0, 0, 0); /* none trigger, count 0 */
	set_irqs(24, 0x24, 0, 0, 2, 0); /* count past the IRQ */
	set_irqs(20, 0x24, 0, 0, 1, 4); /* not an eventfd */
	ioctl_(4, 0);
	ioctl_(5, 64);
	u32(0x3b6e);
	sense_id();
	save(dir, "ioctls");

	/* DMA unmap under I/O, bad maps, remap. */
	u8(LAT(5));
	ccw(0, 0x01, 0, 100, DATA);
	start(0, 0xff, 0);
	run_100us(5);
	u8(OP_DMA);
	u8(0);
	u32(0);
	u32(1u << 20);
	u32(0);
	run_100us(500);
	sense_id();
	u8(OP_DMA);
	u8(1);
	u32(0);
	u32(1u << 20);
	u32(0);
	u8(OP_DMA);
	u8(1);
	u32(1u << 20);
	u32(4096);
	u32(1);
	sense_id();
	save(dir, "dma-unmap-under-io");

	/* The VMM closes the device under I/O and reopens it; closes its
	 * I/O eventfd; closes without reopening. */
	u8(LAT(6));
	ccw(0, 0x03, 0, 0, 0);
	start(0, 0xff, 0);
	run_100us(10);
	u8(OP_CLOSE);
	u8(7);
	run_100us(1000);
	sense_id();
	u8(OP_EVENTFD);
	u8(0);
	sense_id();
	ccw(0, 0x03, 0, 0, 0);
	start(0, 0xff, 0);
	u8(OP_CLOSE);
	u8(0);
	save(dir, "close-reopen");

	/* Garbage ORBs: key, transport mode, unused bits. */
	u8(PERMUTE);
	u8(42);
	ccw(0, 0x03, 0, 0, 0);
	u8(OP_START_RAW);
	for (int i = 0; i < 12; i++)
		u8(i == 4 ? 0xf0 : i == 5 ? 0x84 : i == 6 ? 0xff : i == 11 ? 0x01 : 0);
	run_100us(10);
	u8(OP_START_RAW);
	for (int i = 0; i < 12; i++)
		u8(i == 5 ? 0x04 : i == 6 ? 0xff : i == 10 ? 0x10 : 0);
	run_100us(10);
	u8(OP_START_RAW);
	for (int i = 0; i < 12; i++)
		u8(0xff);
	run_100us(10);
	save(dir, "garbage-orbs");
}

/* ---- serve: keep in step with fuzz_serve.c ---- */

enum { S_MSG, S_RAW, S_RUN, S_RECONNECT, S_MEM };
/* Descriptor kinds. */
enum { FD_MEM, FD_EVENTFD, FD_PLAIN_MEMFD, FD_PIPE, FD_DEVNULL, FD_SMALL_MEMFD };

#define SMDEV "/sys/bus/mdev/devices/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

static void bytes(const void *p, size_t n)
{
	memcpy(buf + len, p, n);
	len += n;
}

/* A message: command, payload a + b, then descriptors (count, kinds). */
static void msg(unsigned cmd, const void *a, size_t alen, const void *b, size_t blen, int nfds,
		const int *kinds)
{
	u8(S_MSG);
	u8(cmd);
	u8(0);
	u16((unsigned)(alen + blen));
	if (alen)
		bytes(a, alen);
	if (blen)
		bytes(b, blen);
	u8((unsigned)nfds);
	for (int i = 0; i < nfds; i++)
		u8((unsigned)kinds[i]);
}

static void msg_how(unsigned cmd, unsigned how, unsigned wrong, const void *a, size_t alen)
{
	u8(S_MSG);
	u8(cmd);
	u8(how);
	u16((unsigned)alen);
	if (how & 1)
		u8(wrong);
	bytes(a, alen);
	u8(0);
}

static void s_run(unsigned ms)
{
	u8(S_RUN);
	u16(ms);
}

static void hello(void)
{
	struct chps_version v = {.major = CHPS_PROTO_MAJOR, .pid = 7, .name = "seed"};

	msg(CHPS_VERSION, &v, sizeof(v), NULL, 0, 0, NULL);
}

static void open_dev(void)
{
	msg(CHPS_DEVICE_OPEN, SMDEV, sizeof(SMDEV), NULL, 0, 0, NULL);
}

static void map_mem(uint64_t iova, uint64_t size, int kind)
{
	struct chps_dma_map dm = {.iova = iova, .size = size, .flags = 3};

	msg(CHPS_DMA_MAP, &dm, sizeof(dm), NULL, 0, kind >= 0, &kind);
}

static void ioctl_msg(uint32_t request, const void *arg, uint32_t argsz, int nfds, const int *kinds)
{
	struct chps_ioctl io = {request, argsz};

	msg(CHPS_DEVICE_IOCTL, &io, sizeof(io), arg, argsz, nfds, kinds);
}

static void set_irq(unsigned index, int kind)
{
	struct vfio_irq_set is = {sizeof(is) + 4,
				  VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index, 0,
				  1};
	uint8_t set[sizeof(is) + 4] = {0}; /* data entry 0: the descriptor beside */

	memcpy(set, &is, sizeof(is));
	ioctl_msg(VFIO_DEVICE_SET_IRQS, set, sizeof(set), kind >= 0, &kind);
}

static void region_msg(unsigned cmd, uint64_t off, uint32_t count, const void *data)
{
	struct chps_region rg = {.offset = off, .count = count};

	msg(cmd, &rg, sizeof(rg), data, data ? count : 0, 0, NULL);
}

/* A format-1 CCW into the client's memory at `at`. */
static void mem_ccw(uint32_t at, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
	uint8_t c[8] = {cmd,
			flags,
			(uint8_t)(count >> 8),
			(uint8_t)count,
			(uint8_t)(cda >> 24),
			(uint8_t)(cda >> 16),
			(uint8_t)(cda >> 8),
			(uint8_t)cda};

	u8(S_MEM);
	u32(at);
	u16(8);
	bytes(c, 8);
}

/* The I/O region with a start of the program at cpa. */
static void start_msg(uint32_t cpa)
{
	struct ccw_io_region r;

	memset(&r, 0, sizeof(r));
	r.orb_area[4] = 0x00;	     /* key 0, no suspend */
	r.orb_area[5] = 0x80 | 0x40; /* format 1, prefetch */
	r.orb_area[6] = 0xff;	     /* LPM */
	r.orb_area[8] = (uint8_t)(cpa >> 24);
	r.orb_area[9] = (uint8_t)(cpa >> 16);
	r.orb_area[10] = (uint8_t)(cpa >> 8);
	r.orb_area[11] = (uint8_t)cpa;
	r.scsw_area[2] = 0x40; /* start function */
	region_msg(CHPS_REGION_WRITE, 0, sizeof(r), &r);
}

static void good_io(void)
{
	hello();
	open_dev();
	map_mem(0, 1u << 20, FD_MEM);
	set_irq(VFIO_CCW_IO_IRQ_INDEX, FD_EVENTFD);
	set_irq(VFIO_CCW_CRW_IRQ_INDEX, FD_EVENTFD);
	mem_ccw(0x1000, 0xe4, 0x20, 32, 0x2000);
	start_msg(0x1000);
	s_run(10);
	region_msg(CHPS_REGION_READ, 0, sizeof(struct ccw_io_region), NULL);
}

static void serve_seeds(const char *dir)
{
	struct chps_hdr h = {.id = 7, .command = CHPS_VERSION, .size = 100};
	struct chps_version v = {.major = CHPS_PROTO_MAJOR + 1};
	struct vfio_region_info ri = {.argsz = 64};
	struct vfio_device_info di = {.argsz = sizeof(di)};
	struct vfio_irq_info ii = {.argsz = sizeof(ii)};
	uint8_t reg[124] = {0};
	int kinds[6] = {FD_MEM, FD_EVENTFD, FD_PLAIN_MEMFD, FD_PIPE, FD_DEVNULL, FD_SMALL_MEMFD};

	/* A client that runs a Sense ID into its own memory. */
	good_io();
	save(dir, "sense-id");

	/* Garbage: shorter than a header, a header saying more, a reply
	 * flag, an error, anything before VERSION, an unknown command, a
	 * wrong VERSION, a foreign major version. */
	u8(S_RAW);
	u16(5);
	bytes("\1\2\3\4\5", 5);
	u8(0);
	u8(S_RAW);
	u16(sizeof(h));
	bytes(&h, sizeof(h));
	u8(0);
	msg_how(CHPS_VERSION, 2, 0, NULL, 0);
	msg_how(CHPS_VERSION, 4, 0, NULL, 0);
	msg_how(CHPS_VERSION, 1, 3, NULL, 0);
	open_dev();
	hello();
	msg(99, NULL, 0, NULL, 0, 0, NULL);
	msg(CHPS_VERSION, "\1\2\3\4\5", 5, NULL, 0, 0, NULL);
	u8(S_RECONNECT);
	msg(CHPS_VERSION, &v, sizeof(v), NULL, 0, 0, NULL);
	save(dir, "garbage");

	/* Wrong sizes and paths. */
	hello();
	region_msg(CHPS_REGION_READ, 0, 124, NULL); /* no device yet */
	msg(CHPS_DEVICE_OPEN, "relative", 9, NULL, 0, 0, NULL);
	msg(CHPS_DEVICE_OPEN, "/sys/bus/mdev/devices/none", 27, NULL, 0, 0, NULL);
	msg(CHPS_DEVICE_OPEN, SMDEV, sizeof(SMDEV) - 1, NULL, 0, 0, NULL); /* no NUL */
	open_dev();
	open_dev();
	{
		struct chps_region rg = {.offset = 0, .count = 124};

		msg(CHPS_REGION_WRITE, &rg, sizeof(rg), reg, 100, 0, NULL);
		msg(CHPS_REGION_READ, &rg, 8, NULL, 0, 0, NULL);
	}
	region_msg(CHPS_REGION_WRITE, 0, 24, reg);
	region_msg(CHPS_REGION_READ, 4 << 10, 4, NULL);
	region_msg(CHPS_REGION_READ, 3 << 10, 4, NULL);
	region_msg(CHPS_REGION_READ, 2 << 10, 52, NULL);
	region_msg(CHPS_REGION_READ, ~0ull, 0xffffffff, NULL);
	ioctl_msg(VFIO_DEVICE_GET_REGION_INFO, &ri, 8, 0, NULL);
	ioctl_msg(VFIO_DEVICE_GET_REGION_INFO, &ri, 4, 0, NULL);
	ioctl_msg(0x3b00, NULL, 0, 0, NULL);
	save(dir, "wrong-sizes");

	/* ioctls as QEMU makes them. */
	hello();
	open_dev();
	ioctl_msg(VFIO_DEVICE_GET_INFO, &di, sizeof(di), 0, NULL);
	for (uint32_t i = 0; i < 5; i++) {
		ri.index = i;
		ri.argsz = sizeof(ri);
		ioctl_msg(VFIO_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), 0, NULL);
		ri.argsz = 64;
		{
			uint8_t big[64] = {0};

			memcpy(big, &ri, sizeof(ri));
			ioctl_msg(VFIO_DEVICE_GET_REGION_INFO, big, 64, 0, NULL);
		}
	}
	for (uint32_t i = 0; i < 4; i++) {
		ii.index = i;
		ioctl_msg(VFIO_DEVICE_GET_IRQ_INFO, &ii, sizeof(ii), 0, NULL);
	}
	ioctl_msg(VFIO_DEVICE_RESET, NULL, 0, 0, NULL);
	save(dir, "ioctls");

	/* Descriptors: missing, of the wrong kind, too many, where none
	 * belong; then the right ones. */
	hello();
	open_dev();
	map_mem(0, 1u << 20, -1);
	map_mem(0, 1000, FD_MEM);
	map_mem(0, 1u << 20, FD_PLAIN_MEMFD);
	map_mem(0, 1u << 20, FD_PIPE);
	map_mem(0, 1u << 20, FD_SMALL_MEMFD);
	map_mem(0, 1u << 20, FD_DEVNULL);
	msg(CHPS_DMA_MAP, NULL, 0, NULL, 0, 5, kinds);
	msg(CHPS_VERSION, NULL, 0, NULL, 0, 1, kinds);
	set_irq(VFIO_CCW_IO_IRQ_INDEX, -1);
	set_irq(VFIO_CCW_IO_IRQ_INDEX, FD_DEVNULL);
	set_irq(VFIO_CCW_REQ_IRQ_INDEX, FD_EVENTFD);
	map_mem(0, 1u << 20, FD_MEM);
	map_mem(0, 1u << 20, FD_MEM);
	{
		struct chps_dma_unmap um = {.iova = 0, .size = 4096};

		msg(CHPS_DMA_UNMAP, &um, sizeof(um), NULL, 0, 0, NULL);
		um.size = 1u << 20;
		msg(CHPS_DMA_UNMAP, &um, sizeof(um), NULL, 0, 0, NULL);
	}
	save(dir, "descriptors");

	/* A disconnect in the middle of an I/O, then a new client. */
	hello();
	open_dev();
	map_mem(0, 1u << 20, FD_MEM);
	set_irq(VFIO_CCW_IO_IRQ_INDEX, FD_EVENTFD);
	mem_ccw(0x1000, 0x03, 0x40, 0, 0);
	mem_ccw(0x1008, 0xe4, 0x20, 32, 0x2000);
	start_msg(0x1000);
	u8(S_RECONNECT);
	good_io();
	save(dir, "disconnect-mid-io");

	/* Sysfs look-ups, good and bad. */
	hello();
	msg(CHPS_SYSFS_READ, "/sys/devices/css0/0.0.013f/pimpampom", 37, NULL, 0, 0, NULL);
	msg(CHPS_SYSFS_READLINK, SMDEV "/driver", sizeof(SMDEV "/driver"), NULL, 0, 0, NULL);
	msg(CHPS_SYSFS_REALPATH, SMDEV, sizeof(SMDEV), NULL, 0, 0, NULL);
	msg(CHPS_SYSFS_READ, "/sys/../etc/passwd", 19, NULL, 0, 0, NULL);
	msg(CHPS_SYSFS_READ, "sys", 4, NULL, 0, 0, NULL);
	msg(CHPS_SYSFS_READ, "/sys/bus/css/devices", 21, NULL, 0, 0, NULL);
	save(dir, "sysfs");

	/* Control connections: a command, one while it runs, bad payloads,
	 * a node that does not exist, a device request on it. */
	msg(CHPS_CTL_RUN, "host\0lscss", 11, NULL, 0, 0, NULL);
	msg(CHPS_CTL_RUN, "host\0lschp", 11, NULL, 0, 0, NULL);
	s_run(100);
	msg(CHPS_CTL_RUN, "hmc\0chp fail 0.43", 18, NULL, 0, 0, NULL);
	s_run(100);
	msg(CHPS_CTL_RUN, "host", 4, NULL, 0, 0, NULL);
	msg(CHPS_CTL_RUN, "nonode\0ls", 10, NULL, 0, 0, NULL);
	open_dev();
	u8(S_RECONNECT);
	hello();
	msg(CHPS_CTL_RUN, "host\0lscss", 11, NULL, 0, 0, NULL);
	save(dir, "control");
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "vfio") && strcmp(argv[1], "serve"))) {
		fprintf(stderr, "usage: seedgen vfio|serve DIR\n");
		return 2;
	}
	if (!strcmp(argv[1], "vfio"))
		vfio_seeds(argv[2]);
	else
		serve_seeds(argv[2]);
	return 0;
}
