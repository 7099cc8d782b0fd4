/* Writes the seed inputs of the vfio fuzz target (tests/fuzz/fuzz_vfio.c)
 * into a directory: one file per VMM behaviour worth starting from, each a
 * readable list of operations here.  Used by `make fuzz-seeds`.
 *
 *   seeds_vfio DIR */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Keep in step with fuzz_vfio.c. */
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
		fprintf(stderr, "seeds_vfio: cannot write %s\n", path);
		return;
	}
	len = 0;
}

int main(int argc, char **argv)
{
	static const uint8_t pattern[64] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t idaws[16] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0};
	const char *dir = argc > 1 ? argv[1] : ".";

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
	return 0;
}
