/* Fuzz target: a hostile VMM against the host's vfio_ccw device (the uapi
 * of <linux/vfio.h> and <linux/vfio_ccw.h>, src/os/vfio.h): region reads
 * and writes of any size at any offset, every ioctl with any argsz and
 * contents, DMA maps, closes and reopens, garbage ORBs and channel programs
 * in guest storage, path events on the host in between.
 *
 * The world is tests/os/vfio_fixture.h's: one subchannel 0.0.013f (device
 * 3f3f on CHPIDs 42-45) bound to vfio_ccw, its mdev open, 1 MiB of guest
 * storage mapped at iova 0, eventfds for the I/O, CRW and request IRQs.
 *
 * Input: a setup byte (bit 0: a 3390 on an image rather than the test
 * device; bits 1-3: the device's latency; bit 4: equal-time events
 * permuted by the next byte as seed), then operations, each an opcode
 * byte and its operands (big-endian; see the OP_ list below).
 *
 * Invariants:
 *   - every call returns (no sanitizer report: the target gives each call
 *     a buffer of exactly the size it claims, so any access past argsz or
 *     count is an overflow);
 *   - the world never spends more than 2 million events in one step
 *     (a livelock) and every step is bounded in simulated time;
 *   - afterwards, with the host's paths restored, a new VMM opens the
 *     device, maps its storage, runs a Sense ID and gets one clean final
 *     interrupt with the right data, and the SCHIB region shows all paths. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "machine/machine.h"
#include "os/vfio.h"
#include "fuzz.h"
#include "os/vfio_fixture.h"

const char fuzz_target_name[] = "vfio";

#define INPUT_MAX  (64 * 1024)
#define MAX_OPS	   512
#define MAX_EVENTS 2000000
#define PROG	   0x1000u  /* channel programs: 256 CCW slots */
#define DATA	   0x10000u /* data */

enum {
	OP_REGION_WRITE, /* region u8, offset u16, len u16 (% 1024), data: pwrite at region << 10 + offset */
	OP_REGION_READ, /* region u8, offset u16, len u16 (% 1024): pread */
	OP_START_RAW,	/* orb[12]: an I/O region write with the start function */
	OP_START,	/* slot u8, lpm u8, flags u8: a well-formed ORB for the program at slot */
	OP_ASYNC,	/* command u8 (>= 8: a u32 follows): async region write (HSCH 1, CSCH 2) */
	OP_CCW,		/* slot u8, cmd u8, flags u8, count u16, cda u32: a format-1 CCW */
	OP_GUEST,	/* iova u32, len u16 (% 4096), data: guest storage */
	OP_RUN,		/* time u16: that many 100 us of simulated time */
	OP_IOCTL,	/* kind u8, argsz u16, ...: see do_ioctl() */
	OP_DMA,		/* map u8, iova u32, size u32, vaddr offset u32 */
	OP_CLOSE,	/* how u8: close the device fd; bit 0 reopen, bit 1 map, bit 2 irqs */
	OP_HOST,	/* what u8, chpid u8: a path or device event on the host */
	OP_EVENTFD,	/* which u8: close one of the VMM's eventfds */
	OP_COUNT
};

static const sim_time_t latencies[8] = {
	0, SIM_US, 100 * SIM_US, SIM_MS, 5 * SIM_MS, 20 * SIM_MS, 50 * SIM_MS, 200 * SIM_MS,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setup();
	return 0;
}

/* The answer of the last call, for FUZZ_VERBOSE. */
static long last_rc;

static void run(struct vf *v, sim_time_t ns)
{
	FUZZ_CHECK(fuzz_run_for(v->sim, ns, MAX_EVENTS),
		   "livelock: %d events without reaching %llu ns more of simulated time",
		   MAX_EVENTS, (unsigned long long)ns);
}

static void *zalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	FUZZ_CHECK(p, "out of memory");
	return p;
}

static int pick_fd(struct vf *v, struct fz *f)
{
	uint8_t c = fz_u8(f);

	switch (c % 6) {
	case 0:
		return v->io_efd;
	case 1:
		return v->crw_efd;
	case 2:
		return v->req_efd;
	case 3:
		return -1;
	case 4:
		return v->fd; /* not an eventfd */
	default:
		return (int)(int8_t)c;
	}
}

/* kind u8 % 6, argsz u16, then per kind:
 *   0 GET_INFO
 *   1 GET_REGION_INFO  index u32
 *   2 GET_IRQ_INFO     index u32
 *   3 SET_IRQS         flags u32, index u32, start u32, count u32, then
 *                      one fd choice u8 per data word (or bool bytes)
 *   4 RESET
 *   5 any request      request u32 */
static void do_ioctl(struct vf *v, struct fz *f)
{
	uint8_t kind = fz_u8(f) % 6;
	uint32_t argsz = fz_u16(f), size;
	unsigned long req;
	uint8_t *buf;

	switch (kind) {
	case 0: {
		struct vfio_device_info *i;

		size = argsz > sizeof(*i) ? argsz : sizeof(*i);
		i = zalloc(size);
		i->argsz = argsz;
		last_rc = vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_INFO, i);
		free(i);
		return;
	}
	case 1: {
		struct vfio_region_info *r;

		size = argsz > sizeof(*r) ? argsz : sizeof(*r);
		r = zalloc(size);
		r->argsz = argsz;
		r->index = fz_u32(f);
		last_rc = vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_REGION_INFO, r);
		free(r);
		return;
	}
	case 2: {
		struct vfio_irq_info *q;

		size = argsz > sizeof(*q) ? argsz : sizeof(*q);
		q = zalloc(size);
		q->argsz = argsz;
		q->index = fz_u32(f);
		last_rc = vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_IRQ_INFO, q);
		free(q);
		return;
	}
	case 3: {
		struct vfio_irq_set *s;

		size = argsz > sizeof(*s) ? argsz : sizeof(*s);
		s = zalloc(size);
		s->argsz = argsz;
		s->flags = fz_u32(f);
		s->index = fz_u32(f);
		s->start = fz_u32(f);
		s->count = fz_u32(f);
		buf = (uint8_t *)s + sizeof(*s);
		if (s->flags & VFIO_IRQ_SET_DATA_BOOL) {
			fz_bytes(f, buf, size - sizeof(*s));
		} else {
			for (size_t o = 0; o + 4 <= size - sizeof(*s); o += 4) {
				int32_t fd = pick_fd(v, f);

				memcpy(buf + o, &fd, 4);
			}
		}
		last_rc = vfio_ioctl(v->host, v->fd, VFIO_DEVICE_SET_IRQS, s);
		free(s);
		return;
	}
	case 4:
		last_rc = vfio_ioctl(v->host, v->fd, VFIO_DEVICE_RESET, NULL);
		return;
	default:
		req = fz_u32(f);
		buf = zalloc(argsz > 4 ? argsz : 4);
		memcpy(buf, &argsz, 4);
		last_rc = vfio_ioctl(v->host, v->fd, req, buf);
		free(buf);
		return;
	}
}

static void set_irq(struct vf *v, uint32_t index, int efd)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;
	int32_t fd = efd;

	s->argsz = sizeof(buf);
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = index;
	s->start = 0;
	s->count = 1;
	memcpy(s->data, &fd, sizeof(fd));
	vfio_ioctl(v->host, v->fd, VFIO_DEVICE_SET_IRQS, s);
}

static void do_close(struct vf *v, struct fz *f)
{
	uint8_t how = fz_u8(f);

	if (v->fd >= 0)
		vfio_close(v->host, v->fd);
	v->fd = -1;
	if (!(how & 1))
		return;
	v->fd = vfio_open_device(v->host, VF_SYSFSDEV, NULL);
	if (v->fd < 0)
		return;
	if (how & 2)
		vfio_dma_map(v->host, v->fd, v->gbase, 0, VF_GUEST_SIZE);
	if (how & 4) {
		set_irq(v, VFIO_CCW_IO_IRQ_INDEX, v->io_efd);
		set_irq(v, VFIO_CCW_CRW_IRQ_INDEX, v->crw_efd);
		set_irq(v, VFIO_CCW_REQ_IRQ_INDEX, v->req_efd);
	}
}

static const char *chp_status(uint8_t chpid)
{
	static char path[64];

	snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/status", chpid);
	return path;
}

static void do_host(struct vf *v, struct fz *f)
{
	uint8_t what = fz_u8(f) % 8, chpid = 0x42 + fz_u8(f) % 4;

	switch (what) {
	case 0:
		machine_chp_fail(v->m, chpid);
		break;
	case 1:
		machine_chp_repair(v->m, chpid);
		break;
	case 2:
		machine_chp_configure(v->m, chpid, false);
		break;
	case 3:
		machine_chp_configure(v->m, chpid, true);
		break;
	case 4:
		vf_sysfs_write(v, chp_status(chpid), "off\n");
		break;
	case 5:
		vf_sysfs_write(v, chp_status(chpid), "on\n");
		break;
	case 6:
		machine_device_notoper(v->m, 0, 0x13f, true);
		break;
	default:
		machine_device_notoper(v->m, 0, 0x13f, false);
		break;
	}
}

static void do_op_body(struct vf *v, struct fz *f, uint8_t op);

static const char *const op_names[OP_COUNT] = {
	"region-write", "region-read", "start-raw", "start", "async", "ccw",	 "guest",
	"run",		"ioctl",       "dma",	    "close", "host",  "eventfd",
};

static void show(struct vf *v, uint8_t op)
{
	struct ccw_io_region r;
	struct irb irb;

	if (!fuzz_verbose())
		return;
	fprintf(stderr, "%-12s -> %ld", op_names[op], last_rc);
	if (op == OP_RUN && v->fd >= 0 &&
	    vfio_pread(v->host, v->fd, &r, sizeof(r), 0) == (ssize_t)sizeof(r)) {
		irb_decode(r.irb_area, &irb);
		fprintf(stderr, "  (%d interrupts; IRB ctrl %04x cpa %08x dstat %02x cstat %02x)",
			v->io_count, irb.scsw.ctrl, irb.scsw.cpa, irb.scsw.dstat, irb.scsw.cstat);
	}
	fputc('\n', stderr);
}

static void do_op(struct vf *v, struct fz *f)
{
	uint8_t op = fz_u8(f) % OP_COUNT;

	last_rc = 0;
	do_op_body(v, f, op);
	show(v, op);
}

static void do_op_body(struct vf *v, struct fz *f, uint8_t op)
{

	switch (op) {
	case OP_REGION_WRITE:
	case OP_REGION_READ: {
		uint64_t off = (uint64_t)fz_u8(f) << VFIO_CCW_OFFSET_SHIFT;
		size_t len;
		uint8_t *buf;

		off += fz_u16(f);
		len = fz_u16(f) % 1024;
		buf = zalloc(len);
		if (op == OP_REGION_WRITE) {
			fz_bytes(f, buf, len);
			last_rc = vfio_pwrite(v->host, v->fd, buf, len, off);
		} else {
			last_rc = vfio_pread(v->host, v->fd, buf, len, off);
		}
		free(buf);
		return;
	}
	case OP_START_RAW: {
		uint8_t orb[ORB_SIZE];

		fz_bytes(f, orb, sizeof(orb));
		last_rc = vf_start_orb(v, orb);
		return;
	}
	case OP_START: {
		uint32_t slot = fz_u8(f);
		uint8_t lpm = fz_u8(f), flags = fz_u8(f);
		struct orb o = {0};
		uint8_t b[ORB_SIZE];

		o.intparm = 0xf0220000 | slot;
		o.ctrl0 = (flags & 1 ? 0 : ORB_CTRL0_FMT) | (flags & 2 ? ORB_CTRL0_PFCH : 0) |
			  (flags & 4 ? ORB_CTRL0_C64 : 0) | (flags & 8 ? ORB_CTRL0_I2K : 0) |
			  (flags & 16 ? ORB_CTRL0_SPND : 0);
		o.lpm = lpm;
		o.cpa = PROG + slot * 8;
		orb_encode(&o, b);
		last_rc = vf_start_orb(v, b);
		return;
	}
	case OP_ASYNC: {
		struct ccw_cmd_region c = {0};

		c.command = fz_u8(f);
		if (c.command >= 8)
			c.command = fz_u32(f);
		last_rc = vfio_pwrite(v->host, v->fd, &c, sizeof(c), 1ull << VFIO_CCW_OFFSET_SHIFT);
		return;
	}
	case OP_CCW: {
		uint32_t slot = fz_u8(f);
		uint8_t cmd = fz_u8(f), flags = fz_u8(f);
		uint16_t count = fz_u16(f);

		vf_put_ccw(v, PROG + slot * 8, cmd, flags, count, fz_u32(f));
		return;
	}
	case OP_GUEST: {
		uint32_t iova = fz_u32(f) % VF_GUEST_SIZE;
		size_t len = fz_u16(f) % 4096;

		if (len > VF_GUEST_SIZE - iova)
			len = VF_GUEST_SIZE - iova;
		fz_bytes(f, vf_guest(v, iova), len);
		return;
	}
	case OP_RUN:
		run(v, fz_u16(f) * 100 * SIM_US);
		return;
	case OP_IOCTL:
		do_ioctl(v, f);
		return;
	case OP_DMA: {
		uint8_t map = fz_u8(f);
		uint64_t iova = fz_u32(f), size = fz_u32(f), voff = fz_u32(f);

		if (map & 1)
			last_rc = vfio_dma_map(v->host, v->fd, v->gbase + voff, iova, size);
		else
			last_rc = vfio_dma_unmap(v->host, v->fd, iova, size);
		return;
	}
	case OP_CLOSE:
		do_close(v, f);
		return;
	case OP_HOST:
		do_host(v, f);
		return;
	default: {
		int *efd[3] = {&v->io_efd, &v->crw_efd, &v->req_efd};
		int *e = efd[fz_u8(f) % 3];

		last_rc = os_eventfd_close(v->host, *e);
		return;
	}
	}
}

static void on_io(void *ctx)
{
	((struct vf *)ctx)->io_count++;
}

static void on_other(void *ctx)
{
}

/* The host's paths back as they were, then a new VMM on the device. */
static void good_vmm(struct vf *v)
{
	struct ccw_schib_region sr;
	struct schib s;
	struct irb irb;
	int n;

	machine_device_notoper(v->m, 0, 0x13f, false);
	for (uint8_t c = 0x42; c <= 0x45; c++) {
		machine_chp_repair(v->m, c);
		machine_chp_configure(v->m, c, true);
	}
	run(v, 2 * SIM_S);
	for (uint8_t c = 0x42; c <= 0x45; c++)
		vf_sysfs_write(v, chp_status(c), "on\n");
	run(v, SIM_S);

	/* The old VMM goes away: its fd and eventfds close. */
	if (v->fd >= 0)
		vfio_close(v->host, v->fd);
	os_eventfd_close(v->host, v->io_efd);
	os_eventfd_close(v->host, v->crw_efd);
	os_eventfd_close(v->host, v->req_efd);
	run(v, SIM_S);

	v->fd = vfio_open_device(v->host, VF_SYSFSDEV, NULL);
	FUZZ_CHECK(v->fd >= 0, "a new VMM cannot open the device: %d", v->fd);
	FUZZ_CHECK(vfio_dma_map(v->host, v->fd, v->gbase, 0, VF_GUEST_SIZE) == 0,
		   "a new VMM cannot map its storage");
	v->io_count = 0;
	v->io_efd = os_eventfd(v->host, on_io, v);
	v->crw_efd = os_eventfd(v->host, on_other, v);
	v->req_efd = os_eventfd(v->host, on_other, v);
	set_irq(v, VFIO_CCW_IO_IRQ_INDEX, v->io_efd);
	set_irq(v, VFIO_CCW_CRW_IRQ_INDEX, v->crw_efd);
	set_irq(v, VFIO_CCW_REQ_IRQ_INDEX, v->req_efd);

	memset(vf_guest(v, DATA), 0, 64);
	vf_put_ccw(v, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 64, DATA);
	n = (int)vf_start(v, PROG, 0xff);
	FUZZ_CHECK(n == (int)sizeof(struct ccw_io_region), "a good start is refused: %d", n);
	FUZZ_CHECK(vf_wait_io(v, 1), "no interrupt for a good Sense ID");
	vf_irb(v, &irb);
	FUZZ_CHECK(scsw_cc(&irb.scsw) == 0 &&
			   !(irb.scsw.ctrl & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT)) &&
			   irb.scsw.dstat == (DEV_STAT_CHN_END | DEV_STAT_DEV_END) &&
			   irb.scsw.cstat == 0 && irb.scsw.cpa == PROG + 8,
		   "a good Sense ID ends badly: ctrl %04x dstat %02x cstat %02x cpa %08x",
		   irb.scsw.ctrl, irb.scsw.dstat, irb.scsw.cstat, irb.scsw.cpa);
	FUZZ_CHECK(vf_guest(v, DATA)[0] == 0xff, "Sense ID data did not arrive");
	run(v, SIM_S);
	FUZZ_CHECK(v->io_count == 1, "%d interrupts for one Sense ID", v->io_count);
	FUZZ_CHECK(vfio_pread(v->host, v->fd, &sr, sizeof(sr), 2ull << VFIO_CCW_OFFSET_SHIFT) ==
			   (ssize_t)sizeof(sr),
		   "the SCHIB region does not read");
	schib_decode(sr.schib_area, &s);
	FUZZ_CHECK(s.pmcw.pim == 0xf0 && s.pmcw.pam == 0xf0,
		   "the paths did not come back: PIM %02x PAM %02x", s.pmcw.pim, s.pmcw.pam);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	uint8_t setup;
	struct vf *v;

	if (size > INPUT_MAX)
		return 0;
	setup = fz_u8(&f);
	vf_permute = setup & 16;
	vf_seed = vf_permute ? fz_u8(&f) : 7;
	v = vf_new(setup & 1, latencies[setup >> 1 & 7]);
	for (int i = 0; i < MAX_OPS && fz_more(&f); i++)
		do_op(v, &f);
	good_vmm(v);
	vf_free(v);
	return 0;
}
