/* The vfio_ccw driver end to end, with the test acting as the VMM: machine,
 * host OS, sysfs binding, mdev, the vfio uapi, real channel programs, path
 * events and every kind of bad input. */
#include <errno.h>
#include <stdlib.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/crw.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "dev/testdev.h"
#include "machine/machine.h"
#include "os/cio.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfio_ccw_private.h"
#include "t.h"
#include "vfio_fixture.h"

#define DATA 0x10000 /* guest data buffer */
#define PROG 0x1000  /* guest channel program */

static void check_final_ok(struct vf *v, uint32_t want_cpa)
{
	struct irb irb;

	vf_irb(v, &irb);
	CHECK_EQ(scsw_cc(&irb.scsw), 0);
	CHECK_EQ(irb.scsw.ctrl & SCSW_FCTL_START, SCSW_FCTL_START);
	CHECK_EQ(irb.scsw.ctrl & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT), 0);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_EQ(irb.scsw.cpa, want_cpa);
}

static void sense_id(struct vf *v)
{
	int n = v->io_count;

	memset(vf_guest(v, DATA), 0, 64);
	vf_put_ccw(v, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 64, DATA);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, n + 1));
	check_final_ok(v, PROG + 8);
	CHECK_EQ(vf_guest(v, DATA)[0], 0xff);
}

TEST(vfio_ccw_sense_id_runs_through_the_device)
{
	struct vf *v = vf_new(true, 0);

	sense_id(v);
	CHECK_EQ(get_be16(vf_guest(v, DATA + 1)), 0x3990);
	CHECK_EQ(get_be16(vf_guest(v, DATA + 4)), 0x3390);
	vf_free(v);
}

/* Define Extent (read or write, cylinders 0-19) + Locate Record (one
 * record) + Read Data / Write Update Data of 4096 bytes. */
static void eckd_program(struct vf *v, bool write, uint16_t cyl, uint16_t head, uint8_t rec)
{
	uint8_t *de = vf_guest(v, 0x2000), *lr = vf_guest(v, 0x2100);

	memset(de, 0, 16);
	de[0] = write ? 0x80 : 0x40;
	de[1] = 0xc0;
	put_be16(de + 12, 19);
	put_be16(de + 14, 14);
	memset(lr, 0, 16);
	lr[0] = write ? 0x01 : 0x06;
	lr[1] = 0x80;
	lr[3] = 1;
	put_be16(lr + 4, cyl);
	put_be16(lr + 6, head);
	put_be16(lr + 8, cyl);
	put_be16(lr + 10, head);
	lr[12] = rec;
	put_be16(lr + 14, 4096);
	vf_put_ccw(v, PROG, 0x63, CCW_FLAG_CC, 16, 0x2000);
	vf_put_ccw(v, PROG + 8, 0x47, CCW_FLAG_CC, 16, 0x2100);
	vf_put_ccw(v, PROG + 16, write ? 0x85 : 0x86, 0, 4096, DATA);
}

static void eckd_io(struct vf *v, bool write, uint16_t cyl, uint16_t head, uint8_t rec)
{
	int n = v->io_count;

	eckd_program(v, write, cyl, head, rec);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, n + 1));
	check_final_ok(v, PROG + 24);
}

TEST(vfio_ccw_eckd_write_then_read_back)
{
	struct vf *v = vf_new(true, 0);

	for (int i = 0; i < 4096; i++)
		vf_guest(v, DATA)[i] = (uint8_t)(i * 7 + 3);
	eckd_io(v, true, 2, 3, 1);
	memset(vf_guest(v, DATA), 0, 4096);
	eckd_io(v, false, 2, 3, 1);
	for (int i = 0; i < 4096; i++)
		CHECK_EQ(vf_guest(v, DATA)[i], (uint8_t)(i * 7 + 3));
	vf_free(v);
}

/* Each program takes one host block and gives it back at its final
 * interrupt; the bit-bucket page is the host's one shared page. */
TEST(vfio_ccw_programs_give_their_host_memory_back)
{
	struct vf *v = vf_new(true, 0);
	uint64_t scratch, probe;

	eckd_io(v, false, 2, 3, 1);
	scratch = vfio_host_scratch(v->host);
	CHECK(scratch != 0);
	probe = os_kmalloc(v->host, 256, 8);
	CHECK(probe != 0);
	os_kfree(v->host, probe);
	for (int i = 0; i < 20; i++)
		eckd_io(v, i & 1, 2, 3, 1);
	sense_id(v);
	CHECK_EQ(vfio_host_scratch(v->host), scratch);
	/* first fit: a block still held would have moved the probe */
	CHECK_EQ(os_kmalloc(v->host, 256, 8), probe);
	os_kfree(v->host, probe);
	vf_free(v);
}

TEST(vfio_ccw_format0_program_with_data_spanning_pages)
{
	struct vf *v = vf_new(false, 0);
	struct ccw1 c = {CCW_CMD_WRITE, 0, 3000, DATA + 0xf00};
	struct orb o = {0};
	uint8_t b[ORB_SIZE];
	struct irb irb;
	size_t len;

	for (int i = 0; i < 3000; i++)
		vf_guest(v, DATA + 0xf00)[i] = (uint8_t)i;
	ccw0_encode(&c, vf_guest(v, PROG));
	o.lpm = 0xff;
	o.cpa = PROG;
	orb_encode(&o, b);
	CHECK_EQ(vf_start_orb(v, b), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 1));
	vf_irb(v, &irb);
	CHECK_EQ(irb.scsw.cpa, PROG + 8);
	CHECK(!(irb.scsw.flags & SCSW_FLAGS_FMT));
	CHECK_EQ(irb.scsw.dstat & (DEV_STAT_CHN_END | DEV_STAT_DEV_END),
		 DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	uint8_t *buf = testdev_buf(v->dev, &len);
	for (int i = 0; i < 3000; i++)
		CHECK_EQ(buf[i], (uint8_t)i);
	vf_free(v);
}

TEST(vfio_ccw_device_info_regions_and_irqs)
{
	struct vf *v = vf_new(false, 0);
	struct vfio_device_info di = {.argsz = sizeof(di)};
	uint8_t buf[sizeof(struct vfio_region_info) + sizeof(struct vfio_region_info_cap_type)];
	struct vfio_region_info *ri = (struct vfio_region_info *)buf;
	struct vfio_region_info_cap_type cap;
	struct vfio_irq_info ii = {.argsz = sizeof(ii)};
	static const uint32_t sizes[4] = {124, 8, 52, 8};

	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_INFO, &di), 0);
	CHECK_EQ(di.flags, VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET);
	CHECK_EQ(di.num_regions, 4);
	CHECK_EQ(di.num_irqs, 3);
	di.argsz = 8;
	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_INFO, &di), -EINVAL);
	for (uint32_t i = 0; i < 4; i++) {
		memset(buf, 0, sizeof(buf));
		ri->argsz = sizeof(buf);
		ri->index = i;
		CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_REGION_INFO, ri), 0);
		CHECK_EQ(ri->offset, VF_OFF(i));
		CHECK_EQ(ri->size, sizes[i]);
		CHECK_EQ(!!(ri->flags & VFIO_REGION_INFO_FLAG_WRITE), i < 2);
		if (i == 0) {
			CHECK_EQ(ri->cap_offset, 0);
			continue;
		}
		CHECK(ri->flags & VFIO_REGION_INFO_FLAG_CAPS);
		CHECK_EQ(ri->cap_offset, sizeof(struct vfio_region_info));
		memcpy(&cap, buf + ri->cap_offset, sizeof(cap));
		CHECK_EQ(cap.header.id, VFIO_REGION_INFO_CAP_TYPE);
		CHECK_EQ(cap.header.next, 0);
		CHECK_EQ(cap.type, VFIO_REGION_TYPE_CCW);
		CHECK_EQ(cap.subtype, i);
	}
	/* too small for the capability: argsz says how much is needed */
	ri->argsz = sizeof(struct vfio_region_info);
	ri->index = 2;
	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_REGION_INFO, ri), 0);
	CHECK_EQ(ri->argsz, sizeof(buf));
	CHECK_EQ(ri->cap_offset, 0);
	ri->argsz = sizeof(buf);
	ri->index = 4;
	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_REGION_INFO, ri), -EINVAL);
	ri->argsz = 12;
	ri->index = 0;
	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_REGION_INFO, ri), -EINVAL);
	for (uint32_t i = 0; i < 3; i++) {
		ii.index = i;
		CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii), 0);
		CHECK_EQ(ii.count, 1);
		CHECK_EQ(ii.flags, VFIO_IRQ_INFO_EVENTFD);
	}
	ii.index = 3;
	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii), -EINVAL);
	CHECK_EQ(vfio_ioctl(v->host, v->fd, 0x1234, &ii), -ENOTTY);
	CHECK_EQ(vfio_ioctl(v->host, 999, VFIO_DEVICE_GET_INFO, &di), -EBADF);
	CHECK_EQ(vfio_ioctl(v->host, v->io_efd, VFIO_DEVICE_GET_INFO, &di), -ENOTTY);
	vf_free(v);
}

static int set_irqs(struct vf *v, uint32_t flags, uint32_t index, uint32_t start, uint32_t count,
		    int32_t data, uint32_t argsz)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + 4];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;

	s->argsz = argsz;
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	memcpy(s->data, &data, 4);
	return vfio_ioctl(v->host, v->fd, VFIO_DEVICE_SET_IRQS, s);
}

TEST(vfio_ccw_set_irqs_checks_like_vfio_core)
{
	struct vf *v = vf_new(false, 0);
	const uint32_t full = sizeof(struct vfio_irq_set) + 4, trig = VFIO_IRQ_SET_ACTION_TRIGGER;

	/* DATA_NONE / DATA_BOOL trigger fire the eventfd (loopback) */
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | trig, 0, 0, 1, 0, full), 0);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_BOOL | trig, 1, 0, 1, 1, full), 0);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_BOOL | trig, 1, 0, 1, 0, full), 0);
	vf_run_for(v, SIM_MS);
	CHECK_EQ(v->io_count, 1);
	CHECK_EQ(v->crw_count, 1);
	/* bad headers */
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | trig, 3, 0, 1, 0, full), -EINVAL);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | trig, 0, 1, 1, 0, full), -EINVAL);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | trig, 0, 0, 2, 0, full), -EINVAL);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | trig, 0, 0, 1, 0,
			  full),
		 -EINVAL);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE, 0, 0, 1, 0, full), -EINVAL);
	CHECK_EQ(set_irqs(v, 0x100 | VFIO_IRQ_SET_DATA_NONE | trig, 0, 0, 1, 0, full), -EINVAL);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 0, 1, v->io_efd, full - 4),
		 -EINVAL);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | trig, 0, 0, 1, 0, 8), -EINVAL);
	/* only trigger is supported, as upstream */
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, 0, 0, 1, 0, full),
		 -EINVAL);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 0, 0, 1, 0, full),
		 -EINVAL);
	/* bad eventfds */
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 0, 1, 777, full), -EBADF);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 0, 1, -5, full), -EINVAL);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 0, 1, v->fd, full), -EBADF);
	/* count 0 disables: no more IO signals */
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_NONE | trig, 0, 0, 0, 0, full), 0);
	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	vf_run_for(v, SIM_S);
	CHECK_EQ(v->io_count, 1);
	/* eventfd -1 also removes; a fresh one restores delivery */
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 0, 1, -1, full), 0);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 0, 1, v->io_efd, full), 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 2));
	vf_free(v);
}

TEST(vfio_ccw_region_accesses_of_every_wrong_size_and_offset_are_einval)
{
	struct vf *v = vf_new(false, 0);
	static const uint32_t sizes[4] = {124, 8, 52, 8};
	uint8_t buf[2048];

	memset(buf, 0, sizeof(buf));
	for (uint32_t r = 0; r < 4; r++) {
		for (uint32_t pos = 0; pos <= sizes[r] + 2; pos++) {
			for (uint32_t n = 0; n <= sizes[r] + 2; n++) {
				long rd = vfio_pread(v->host, v->fd, buf, n, VF_OFF(r) + pos);
				long wr;

				if (pos + n <= sizes[r])
					CHECK_EQ(rd, n);
				else
					CHECK_EQ(rd, -EINVAL);
				if (r >= 2 || pos != 0 || n != sizes[r]) {
					wr = vfio_pwrite(v->host, v->fd, buf, n, VF_OFF(r) + pos);
					CHECK_EQ(wr, -EINVAL);
				}
			}
		}
	}
	/* beyond the last region, far away, and wrapping offsets */
	CHECK_EQ(vfio_pread(v->host, v->fd, buf, 4, VF_OFF(4)), -EINVAL);
	CHECK_EQ(vfio_pread(v->host, v->fd, buf, 4, ~0ull), -EINVAL);
	CHECK_EQ(vfio_pwrite(v->host, v->fd, buf, 124, VF_OFF(1000)), -EINVAL);
	CHECK_EQ(vfio_pread(v->host, v->fd, buf, (size_t)-1, 0), -EINVAL);
	CHECK_EQ(vfio_pread(v->host, v->fd, NULL, 4, 0), -EFAULT);
	CHECK_EQ(vfio_pread(v->host, 55, buf, 4, 0), -EBADF);
	/* the device still works */
	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 1));
	vf_free(v);
}

static long io_region_ret(struct vf *v)
{
	struct ccw_io_region r;

	CHECK_EQ(vfio_pread(v->host, v->fd, &r, sizeof(r), 0), sizeof(r));
	return (int32_t)r.ret_code;
}

TEST(vfio_ccw_bad_channel_programs_get_their_error_and_the_next_io_works)
{
	struct vf *v = vf_new(false, 0);
	uint8_t orb[ORB_SIZE];

	vf_put_ccw(v, PROG, CCW_CMD_READ, 0, 100, VF_GUEST_SIZE + 0x1000);
	CHECK_EQ(vf_start(v, PROG, 0xff), -EFAULT);
	CHECK_EQ(io_region_ret(v), -EFAULT);
	CHECK_EQ(vf_start(v, VF_GUEST_SIZE, 0xff), -EFAULT); /* CCWs outside */
	vf_put_ccw(v, PROG, CCW_CMD_READ, CCW_FLAG_IDA, 100, 0x3000);
	put_be64(vf_guest(v, 0x3000), 0xdead0000ull);
	CHECK_EQ(vf_start(v, PROG, 0xff), -EFAULT); /* IDAW outside */
	vf_put_ccw(v, PROG, CCW_CMD_TIC, 0, 0, PROG);
	for (int i = 0; i < 256; i++)
		vf_put_ccw(v, 0x8000 + (uint64_t)i * 8, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	CHECK_EQ(vf_start(v, 0x8000, 0xff), -EINVAL); /* over-long chain */
	memset(orb, 0xff, sizeof(orb));
	CHECK_EQ(vf_start_orb(v, orb), -EOPNOTSUPP); /* garbage ORB */
	memset(orb, 0, sizeof(orb));
	orb[7] = 0x3e;
	CHECK_EQ(vf_start_orb(v, orb), -EINVAL);
	CHECK_EQ(vf_start(v, PROG + 4, 0xff), -EINVAL); /* misaligned CPA */
	/* A halt function through the I/O region is not supported. */
	{
		struct ccw_io_region r;
		struct scsw s = {0};

		memset(&r, 0, sizeof(r));
		s.ctrl = SCSW_FCTL_HALT;
		scsw_encode(&s, r.scsw_area);
		CHECK_EQ(vfio_pwrite(v->host, v->fd, &r, sizeof(r), 0), -EOPNOTSUPP);
	}
	CHECK_EQ(v->io_count, 0);
	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 1));
	check_final_ok(v, PROG + 8);
	vf_free(v);
}

TEST(vfio_ccw_second_start_while_pending_is_ebusy)
{
	struct vf *v = vf_new(false, 10 * SIM_MS);

	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK_EQ(vf_start(v, PROG, 0xff), -EBUSY);
	CHECK(vf_wait_io(v, 1));
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 2));
	vf_free(v);
}

static long async_cmd(struct vf *v, uint32_t command)
{
	struct ccw_cmd_region c = {command, 0};

	return vfio_pwrite(v->host, v->fd, &c, sizeof(c), VF_OFF(1));
}

TEST(vfio_ccw_async_clear_ends_a_running_program)
{
	struct vf *v = vf_new(false, 50 * SIM_MS);
	struct irb irb;

	CHECK_EQ(async_cmd(v, 4), -EINVAL);
	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	vf_run_for(v, SIM_MS);
	CHECK_EQ(async_cmd(v, VFIO_CCW_ASYNC_CMD_CSCH), sizeof(struct ccw_cmd_region));
	CHECK(vf_wait_io(v, 1));
	vf_irb(v, &irb);
	CHECK(irb.scsw.ctrl & SCSW_FCTL_CLEAR);
	vf_run_for(v, SIM_S);
	CHECK_EQ(v->io_count, 1);
	/* back to IDLE: a new program runs */
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 2));
	vf_free(v);
}

TEST(vfio_ccw_schib_region_is_a_fresh_stsch)
{
	struct vf *v = vf_new(false, 0);
	struct schib s;

	vf_read_schib(v, &s);
	CHECK_EQ(s.pmcw.devno, 0x3f3f);
	CHECK_EQ(s.pmcw.pim, 0xf0);
	CHECK_EQ(s.pmcw.pam, 0xf0);
	CHECK_EQ(s.pmcw.chpid[0], 0x42);
	CHECK(s.pmcw.flags & PMCW_FLAGS_ENA);
	uint64_t before = machine_stats(v->m)->stsch;
	vf_read_schib(v, &s);
	vf_read_schib(v, &s);
	CHECK_EQ(machine_stats(v->m)->stsch, before + 2);
	CHECK_EQ(machine_chp_configure(v->m, 0x43, false), 0);
	vf_read_schib(v, &s);
	CHECK_EQ(s.pmcw.pam, 0xb0);
	vf_free(v);
}

TEST(vfio_ccw_vary_off_and_on_reach_the_vmm)
{
	struct vf *v = vf_new(false, 0);
	struct schib s;
	struct crw c;
	uint32_t w;

	CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.42/status", "off\n"), 0);
	vf_run_for(v, SIM_MS);
	CHECK(v->crw_count >= 1);
	w = vf_read_crw(v);
	CHECK_EQ(w, 0x04860042); /* RSC 4, A, ERC 6, CHPID 42 */
	crw_decode(w, &c);
	CHECK(c.anc);
	CHECK_EQ(vf_read_crw(v), 0);
	vf_read_schib(v, &s);
	CHECK_EQ(s.pmcw.pam, 0x70); /* host-logical availability */
	/* guest I/O restricted to the varied-off path is refused */
	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0x80), -EACCES);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 1));
	CHECK_EQ(testdev_stats(v->dev)->last_path != 0x42, 1);
	CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.42/status", "on\n"), 0);
	vf_run_for(v, SIM_MS);
	CHECK_EQ(vf_read_crw(v), 0x04820042);
	vf_read_schib(v, &s);
	CHECK_EQ(s.pmcw.pam, 0xf0);
	vf_free(v);
}

TEST(vfio_ccw_configure_off_and_on_queue_channel_path_crws)
{
	struct vf *v = vf_new(false, 0);
	struct schib s;

	CHECK_EQ(machine_chp_configure(v->m, 0x42, false), 0);
	vf_run_for(v, 2 * SIM_S);
	CHECK_EQ(vf_read_crw(v), 0x04060042);
	vf_read_schib(v, &s);
	CHECK_EQ(s.pmcw.pam, 0x70);
	CHECK_EQ(machine_chp_configure(v->m, 0x42, true), 0);
	vf_run_for(v, 2 * SIM_S);
	CHECK_EQ(vf_read_crw(v), 0x04020042);
	vf_read_schib(v, &s);
	CHECK_EQ(s.pmcw.pam, 0xf0);
	vf_free(v);
}

TEST(vfio_ccw_crw_queue_overflow_sets_the_r_bit)
{
	struct vf *v = vf_new(false, 0);
	struct crw c;
	int n = 0;
	uint32_t w, last = 0;

	for (int i = 0; i < 12; i++) {
		CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.43/status", "off\n"), 0);
		CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.43/status", "on\n"), 0);
	}
	while ((w = vf_read_crw(v)) != 0) {
		last = w;
		n++;
	}
	CHECK_EQ(n, 16);
	crw_decode(last, &c);
	CHECK(c.oflw);
	/* the first report after the overflow carries R too */
	CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.43/status", "off\n"), 0);
	crw_decode(vf_read_crw(v), &c);
	CHECK(c.oflw);
	CHECK_EQ(c.erc, CRW_ERC_PERRN);
	CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.43/status", "on\n"), 0);
	crw_decode(vf_read_crw(v), &c);
	CHECK(!c.oflw);
	vf_free(v);
}

/* A path lost under a running program: the VMM always gets one final
 * interrupt, and a retry on the remaining paths completes the write once. */
static void lost_path(bool vary, uint64_t when)
{
	struct vf *v = vf_new(false, 20 * SIM_MS);
	struct irb irb;
	size_t len;

	for (int i = 0; i < 512; i++)
		vf_guest(v, DATA)[i] = (uint8_t)(i ^ 0x5a);
	vf_put_ccw(v, PROG, CCW_CMD_WRITE, 0, 512, DATA);
	CHECK_EQ(vf_start(v, PROG, 0x80), sizeof(struct ccw_io_region));
	vf_run_for(v, when);
	if (vary)
		CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.42/status", "off\n"), 0);
	else
		CHECK_EQ(machine_chp_fail(v->m, 0x42), 0);
	CHECK(vf_wait_io(v, 1));
	vf_irb(v, &irb);
	CHECK(irb.scsw.ctrl & SCSW_STCTL_PEND);
	CHECK_EQ(irb.scsw.ctrl & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT), 0);
	CHECK_EQ(irb.scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR), 0);
	if (vary) {
		/* host-initiated end of the start: deferred cc 3, never a
		 * halt the guest did not ask for */
		CHECK_EQ(scsw_cc(&irb.scsw), 3);
		CHECK_EQ(irb.scsw.cpa, 0);
	} else {
		/* the machine ends it itself: interface-control check */
		CHECK_EQ(irb.scsw.cstat, SCHN_STAT_INTF_CTRL_CHK);
		CHECK_EQ(irb.scsw.cpa, PROG + 8);
	}
	vf_run_for(v, SIM_S);
	CHECK_EQ(v->io_count, 1); /* exactly one final interrupt */
	/* the guest retries on its other paths */
	CHECK_EQ(vf_start(v, PROG, 0x70), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 2));
	check_final_ok(v, PROG + 8);
	uint8_t *buf = testdev_buf(v->dev, &len);
	for (int i = 0; i < 512; i++)
		CHECK_EQ(buf[i], (uint8_t)(i ^ 0x5a));
	vf_free(v);
}

TEST(vfio_ccw_vary_off_under_running_io_ends_it)
{
	lost_path(true, 5 * SIM_MS);
}

TEST(vfio_ccw_vary_off_before_the_start_gives_deferred_cc3)
{
	lost_path(true, 0);
}

TEST(vfio_ccw_link_failure_under_running_io_ends_it)
{
	lost_path(false, 5 * SIM_MS);
}

/* ---- upstream Linux (os_config.upstream), for chpsync explore's
 * comparisons: the behaviours chpsync's design changes ---- */

TEST(vfio_ccw_upstream_vary_tells_the_vmm_nothing)
{
	struct vf *v;
	struct schib s;

	vf_upstream = true;
	v = vf_new(false, 0);
	CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.42/status", "off\n"), 0);
	vf_run_for(v, SIM_MS);
	CHECK_EQ(v->crw_count, 0);
	CHECK_EQ(vf_read_crw(v), 0);
	vf_read_schib(v, &s);
	CHECK_EQ(s.pmcw.pam, 0xf0); /* the hardware's: 0.42 looks available */
	/* and a guest LPM naming only the varied-off path is taken as it is */
	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0x80), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 1));
	CHECK_EQ(testdev_stats(v->dev)->last_path, 0x42);
	CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.42/status", "on\n"), 0);
	vf_run_for(v, SIM_MS);
	CHECK_EQ(vf_read_crw(v), 0);
	vf_free(v);
	vf_upstream = false;
}

/* The hang: the path the last I/O used is varied off while the next start
 * is still pending; upstream's one cancel (XSCH) succeeds and no interrupt
 * ever comes, so the VMM's (the guest's) request stays pending for ever. */
TEST(vfio_ccw_upstream_cancelled_start_stays_pending_for_ever)
{
	struct vf *v;

	vf_upstream = true;
	v = vf_new(false, 20 * SIM_MS);
	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0x80), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 1)); /* LPUM 0.42 */
	CHECK_EQ(vf_start(v, PROG, 0x80), sizeof(struct ccw_io_region));
	CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.42/status", "off\n"), 0);
	CHECK(!vf_wait_io(v, 2));
	CHECK_EQ(v->io_count, 1);
	/* the device stays busy with it: the next start is refused */
	CHECK_EQ(vf_start(v, PROG, 0x70), -EBUSY);
	vf_free(v);
	vf_upstream = false;
}

/* A halt that upstream issues for a running program reaches the VMM as a
 * halt the guest never asked for (chpsync: a deferred cc 3). */
TEST(vfio_ccw_upstream_halt_reaches_the_vmm_as_a_halt)
{
	struct vf *v;
	struct irb irb;

	vf_upstream = true;
	v = vf_new(false, 20 * SIM_MS);
	vf_put_ccw(v, PROG, CCW_CMD_WRITE, 0, 512, DATA);
	CHECK_EQ(vf_start(v, PROG, 0x80), sizeof(struct ccw_io_region));
	vf_run_for(v, 5 * SIM_MS);
	CHECK_EQ(vf_sysfs_write(v, "/sys/devices/css0/chp0.42/status", "off\n"), 0);
	CHECK(vf_wait_io(v, 1));
	vf_irb(v, &irb);
	CHECK(irb.scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR));
	vf_free(v);
	vf_upstream = false;
}

/* The same races under 16 seed-permuted orders of equal-time events. */
TEST(vfio_ccw_lost_path_under_permuted_event_orders)
{
	vf_permute = true;
	for (uint64_t seed = 1; seed <= 16; seed++) {
		vf_seed = seed;
		lost_path(true, 5 * SIM_MS);
		lost_path(true, 0);
		lost_path(true, 5 * SIM_US);
		lost_path(false, 5 * SIM_MS);
	}
	vf_permute = false;
	vf_seed = 7;
}

TEST(vfio_ccw_dma_unmap_under_io_resets_and_the_device_recovers)
{
	struct vf *v = vf_new(false, 20 * SIM_MS);

	CHECK_EQ(vfio_dma_unmap(v->host, v->fd, 0, 4096 + 1), -EINVAL);
	CHECK_EQ(vfio_dma_unmap(v->host, v->fd, 0, 4096), -EINVAL); /* would split */
	CHECK_EQ(vfio_dma_map(v->host, v->fd, v->gbase, 0, 4096), -EEXIST);
	CHECK_EQ(vfio_dma_map(v->host, v->fd, v->gbase + 1, VF_GUEST_SIZE, 4096), -EINVAL);
	CHECK_EQ(vfio_dma_map(v->host, v->fd, 1ull << 40, VF_GUEST_SIZE, 4096), -EFAULT);
	/* host kernel memory is not the VMM's to map */
	CHECK_EQ(vfio_dma_map(v->host, v->fd, 1u << 20, VF_GUEST_SIZE, 4096), -EFAULT);
	CHECK_EQ(vfio_dma_map(v->host, v->fd, v->gbase + VF_GUEST_SIZE - 4096, VF_GUEST_SIZE, 8192),
		 -EFAULT);
	vf_put_ccw(v, PROG, CCW_CMD_WRITE, 0, 100, DATA);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	vf_run_for(v, SIM_MS);
	CHECK_EQ(vfio_dma_unmap(v->host, v->fd, 0, VF_GUEST_SIZE), 0);
	vf_run_for(v, SIM_S);
	CHECK_EQ(vf_start(v, PROG, 0xff), -EFAULT); /* nothing mapped now */
	CHECK_EQ(vfio_dma_map(v->host, v->fd, v->gbase, 0, VF_GUEST_SIZE), 0);
	int n = v->io_count;
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, n + 1));
	check_final_ok(v, PROG + 8);
	vf_free(v);
}

TEST(vfio_ccw_reset_keeps_the_device_usable)
{
	struct vf *v = vf_new(false, 0);

	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_RESET, NULL), 0);
	sense_id(v);
	vf_free(v);
}

/* A task writing "1" to the mdev's remove attribute. */
struct remover {
	struct vf *v;
	struct sim_task *task;
	int rc;
};

static void remove_task(void *arg)
{
	struct remover *r = arg;

	r->rc = sysfs_write(r->v->host->sysfs, VF_SYSFSDEV "/remove", "1\n");
}

TEST(vfio_ccw_mdev_sysfs_lifecycle)
{
	struct remover rm = {NULL, NULL, 1};
	struct vf *v = vf_new(false, 0);
	const char *type = VF_SCH_DIR "/mdev_supported_types/vfio_ccw-io";
	char buf[128], path[256];
	int err;

	rm.v = v;
	snprintf(path, sizeof(path), "%s/available_instances", type);
	CHECK(sysfs_read(v->host->sysfs, path, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "0\n");
	snprintf(path, sizeof(path), "%s/name", type);
	CHECK(sysfs_read(v->host->sysfs, path, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "I/O subchannel (Non-QDIO)\n");
	snprintf(path, sizeof(path), "%s/device_api", type);
	CHECK(sysfs_read(v->host->sysfs, path, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "vfio-ccw\n");
	CHECK(sysfs_readlink(v->host->sysfs, VF_SCH_DIR "/" VF_UUID "/mdev_type", buf,
			     sizeof(buf)) > 0);
	CHECK_STR(buf, "../mdev_supported_types/vfio_ccw-io");
	CHECK(sysfs_readlink(v->host->sysfs, VF_SYSFSDEV, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "../../../devices/css0/0.0.013f/" VF_UUID);
	snprintf(path, sizeof(path), "%s/devices/" VF_UUID, type);
	CHECK(sysfs_readlink(v->host->sysfs, path, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "../../../" VF_UUID);
	CHECK(sysfs_is_dir(v->host->sysfs, VF_SYSFSDEV));
	snprintf(path, sizeof(path), "%s/create", type);
	CHECK_EQ(vf_sysfs_write(v, path, "not-a-uuid\n"), -EINVAL);
	CHECK_EQ(vf_sysfs_write(v, path, VF_UUID), -EEXIST);
	CHECK_EQ(vf_sysfs_write(v, path, "11111111-2222-3333-4444-555555555555"), -EUSERS);
	/* open twice, remove while open */
	CHECK_EQ(vfio_open_device(v->host, VF_SYSFSDEV, &err), -EBUSY);
	CHECK_EQ(err, -EBUSY);
	CHECK_EQ(vfio_open_device(v->host, "/sys/bus/mdev/devices/nope", NULL), -ENOENT);
	/* remove of an open mdev blocks, asking the VMM to let go at once and
	 * again every 10 s, until the device is closed; then it proceeds */
	rm.task = sim_task_spawn(v->sim, "remove", remove_task, &rm);
	vf_run_for(v, 25 * SIM_S);
	CHECK(!sim_task_done(rm.task));
	CHECK_EQ(v->req_count, 3);
	CHECK(sysfs_exists(v->host->sysfs, VF_SYSFSDEV));
	CHECK_EQ(vf_sysfs_write(v, VF_SYSFSDEV "/remove", "2\n"), -EINVAL);
	CHECK_EQ(vfio_close(v->host, v->fd), 0);
	v->fd = -1;
	vf_run_for(v, SIM_MS);
	CHECK(sim_task_done(rm.task));
	CHECK_EQ(rm.rc, 0);
	sim_task_free(rm.task);
	CHECK(!sysfs_exists(v->host->sysfs, VF_SYSFSDEV));
	snprintf(path, sizeof(path), "%s/available_instances", type);
	CHECK(sysfs_read(v->host->sysfs, path, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "1\n");
	/* create again, open, then unbind the subchannel under the open fd */
	snprintf(path, sizeof(path), "%s/create", type);
	CHECK_EQ(vf_sysfs_write(v, path, "6DFD3EC5-E8B3-4E18-A6FE-57BC9ECEB920\n"), 0);
	v->fd = vfio_open_device(v->host, VF_SYSFSDEV, NULL);
	CHECK(v->fd >= 0);
	/* a remove waiting for the VMM when the subchannel goes away ends
	 * with -ENODEV (and frees nothing twice: ASan) */
	rm.rc = 1;
	rm.task = sim_task_spawn(v->sim, "remove", remove_task, &rm);
	vf_run_for(v, SIM_MS);
	CHECK(!sim_task_done(rm.task));
	CHECK_EQ(vf_sysfs_write(v, "/sys/bus/css/drivers/vfio_ccw/unbind", "0.0.013f\n"), 0);
	vf_run_for(v, SIM_MS);
	CHECK(sim_task_done(rm.task));
	CHECK_EQ(rm.rc, -ENODEV);
	sim_task_free(rm.task);
	CHECK(!sysfs_exists(v->host->sysfs, VF_SYSFSDEV));
	CHECK(!sysfs_exists(v->host->sysfs, VF_SCH_DIR "/mdev_supported_types"));
	CHECK_EQ(vfio_pread(v->host, v->fd, buf, 4, 0), -EBADF);
	v->fd = -1;
	vf_free(v);
}

struct close_job {
	struct vf *v;
	int rc;
};

static void do_close(void *arg)
{
	struct close_job *j = arg;

	j->rc = vfio_close(j->v->host, j->v->fd);
}

TEST(vfio_ccw_close_in_a_task_quiesces_a_running_program)
{
	struct vf *v = vf_new(false, 50 * SIM_MS);
	struct close_job j = {v, 1};
	struct schib s;

	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	vf_run_for(v, SIM_MS);
	vf_task(v, do_close, &j);
	CHECK_EQ(j.rc, 0);
	/* the subchannel is quiet and disabled */
	struct subchannel *sch = css_get_subchannel(v->host, (struct ccw_id){0, 0, 0x13f});
	CHECK(sch != NULL);
	CHECK_EQ(cio_update_schib(sch), 0);
	CHECK(!(sch->schib.pmcw.flags & PMCW_FLAGS_ENA));
	CHECK_EQ(sch->schib.scsw.ctrl & (SCSW_ACTL_MASK | SCSW_STCTL_PEND), 0);
	v->fd = vfio_open_device(v->host, VF_SYSFSDEV, NULL);
	CHECK(v->fd >= 0);
	CHECK_EQ(vfio_dma_map(v->host, v->fd, v->gbase, 0, VF_GUEST_SIZE), 0);
	vf_read_schib(v, &s);
	CHECK(s.pmcw.flags & PMCW_FLAGS_ENA);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 1,
			  v->io_efd, sizeof(struct vfio_irq_set) + 4),
		 0);
	int n = v->io_count;
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, n + 1));
	check_final_ok(v, PROG + 8);
	vf_free(v);
}

TEST(vfio_ccw_close_from_an_event_finishes_when_the_interrupt_comes)
{
	struct vf *v = vf_new(false, 50 * SIM_MS);

	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	vf_run_for(v, SIM_MS);
	CHECK_EQ(vfio_close(v->host, v->fd), 0);
	/* reopened at once: usable as soon as the outstanding interrupt is in */
	v->fd = vfio_open_device(v->host, VF_SYSFSDEV, NULL);
	CHECK(v->fd >= 0);
	CHECK_EQ(vfio_dma_map(v->host, v->fd, v->gbase, 0, VF_GUEST_SIZE), 0);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 1,
			  v->io_efd, sizeof(struct vfio_irq_set) + 4),
		 0);
	vf_run_for(v, SIM_S);
	int n = v->io_count;
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, n + 1));
	check_final_ok(v, PROG + 8);
	vf_free(v);
}

/* A hostile VMM: random ORBs and random channel programs in guest storage
 * through the device.  Every write gets 0 or a documented error, every
 * accepted program ends with exactly one final interrupt (the guest may
 * clear a runaway one), and the device stays usable. */
TEST(vfio_ccw_fuzz_hostile_vmm)
{
	struct vf *v = vf_new(false, 0);
	struct sim *r = sim_new(99);
	int accepted = 0;

	for (int round = 0; round < 400; round++) {
		uint8_t orb[ORB_SIZE];
		long rc;

		for (int i = 0; i < 32; i++) {
			uint64_t a = PROG + sim_rand_below(r, 0x100) * 8;

			put_be32(vf_guest(v, a), (uint32_t)sim_rand(r));
			put_be32(vf_guest(v, a + 4),
				 sim_rand_below(r, 2) ? (uint32_t)sim_rand(r)
						      : (uint32_t)sim_rand_below(r, VF_GUEST_SIZE));
		}
		for (int i = 0; i < ORB_SIZE; i++)
			orb[i] = (uint8_t)sim_rand(r);
		if (sim_rand_below(r, 2)) {
			orb[5] &= 0xfb; /* mostly command mode */
			orb[7] = 0;
			put_be32(orb + 8, PROG + (uint32_t)sim_rand_below(r, 0x100) * 8);
		}
		int n = v->io_count;

		rc = vf_start_orb(v, orb);
		CHECK(rc == (long)sizeof(struct ccw_io_region) || rc == -EINVAL || rc == -EFAULT ||
		      rc == -EOPNOTSUPP || rc == -EACCES || rc == -ENOMEM);
		if (rc < 0)
			continue;
		accepted++;
		/* wait for the final interrupt (PCI gives intermediate ones) */
		struct irb irb;
		bool final = false;
		int seen = n;

		for (int k = 1; k < 64 && !final; k++) {
			if (!vf_wait_io(v, seen + 1)) {
				/* runaway program: the guest clears it */
				CHECK_EQ(async_cmd(v, VFIO_CCW_ASYNC_CMD_CSCH),
					 sizeof(struct ccw_cmd_region));
				continue;
			}
			seen = v->io_count;
			vf_irb(v, &irb);
			/* no host address ever reaches the guest */
			CHECK(irb.scsw.cpa == 0 || irb.scsw.cpa < VF_GUEST_SIZE);
			final = !(irb.scsw.ctrl &
				  (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT | SCSW_ACTL_SUSP));
			if (irb.scsw.ctrl & SCSW_ACTL_SUSP)
				CHECK_EQ(async_cmd(v, VFIO_CCW_ASYNC_CMD_CSCH),
					 sizeof(struct ccw_cmd_region));
		}
		CHECK(final);
	}
	CHECK(accepted > 0);
	sim_free(r);
	sense_id(v);
	vf_free(v);
}

/* The refusals of the FSM table, state by state (states that the VMM
 * cannot reach on its own are entered directly). */
TEST(vfio_ccw_fsm_table_refusals)
{
	static const struct {
		enum vfio_ccw_state state;
		long io, async;
	} rows[] = {
		{VFIO_CCW_STATE_STANDBY, -EIO, -EIO},
		{VFIO_CCW_STATE_CP_PROCESSING, -EAGAIN, -EAGAIN},
		{VFIO_CCW_STATE_NOT_OPER, -EIO, -EIO},
	};
	struct vf *v = vf_new(false, 0);
	struct subchannel *sch = css_get_subchannel(v->host, (struct ccw_id){0, 0, 0x13f});
	struct vfio_ccw_private *p = sch->drvdata;

	CHECK_EQ(p->state, VFIO_CCW_STATE_IDLE);
	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		p->state = rows[i].state;
		CHECK_EQ(vf_start(v, PROG, 0xff), rows[i].io);
		CHECK_EQ(async_cmd(v, VFIO_CCW_ASYNC_CMD_HSCH), rows[i].async);
		CHECK_EQ(p->state, rows[i].state);
	}
	p->state = VFIO_CCW_STATE_IDLE;
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	CHECK(vf_wait_io(v, 1));
	vf_free(v);
}

TEST(vfio_ccw_not_oper_under_running_io_still_ends_it_for_the_vmm)
{
	struct vf *v = vf_new(false, 50 * SIM_MS);
	struct subchannel *sch = css_get_subchannel(v->host, (struct ccw_id){0, 0, 0x13f});
	struct vfio_ccw_private *p = sch->drvdata;
	struct irb irb;

	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	vf_run_for(v, SIM_MS);
	vfio_ccw_fsm_event(p, VFIO_CCW_EVENT_NOT_OPER);
	CHECK_EQ(p->state, VFIO_CCW_STATE_NOT_OPER);
	CHECK(vf_wait_io(v, 1));
	vf_irb(v, &irb);
	CHECK_EQ(scsw_cc(&irb.scsw), 3);
	CHECK(!p->cp.initialized);
	CHECK_EQ(vf_start(v, PROG, 0xff), -EIO);
	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_RESET, NULL), -EINVAL);
	vf_run_for(v, SIM_S); /* the hardware's own end is swallowed */
	CHECK_EQ(v->io_count, 1);
	vf_free(v);
}

/* A reset that cannot wait for the running program (no task: the VMM's
 * unmap on unplug) leaves the close outstanding and the reopen pending; the
 * VMM then closes the device.  That close cancels the reopen and nothing
 * else: once the program's final interrupt is in, the subchannel is
 * disabled and the device can be opened again (a new mdev user, as after
 * `mdevctl stop` with I/O in flight). */
TEST(vfio_ccw_close_after_a_reset_that_could_not_wait_keeps_the_device)
{
	struct vf *v = vf_new(false, 50 * SIM_MS);
	struct subchannel *sch = css_get_subchannel(v->host, (struct ccw_id){0, 0, 0x13f});
	struct vfio_ccw_private *p = sch->drvdata;

	vf_put_ccw(v, PROG, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(vf_start(v, PROG, 0xff), sizeof(struct ccw_io_region));
	vf_run_for(v, SIM_MS);
	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_RESET, NULL), 0);
	CHECK_EQ(vfio_close(v->host, v->fd), 0);
	CHECK(p->state != VFIO_CCW_STATE_NOT_OPER);
	vf_run_for(v, SIM_S);
	CHECK_EQ(p->state, VFIO_CCW_STATE_STANDBY);
	CHECK_EQ(cio_update_schib(sch), 0);
	CHECK(!(sch->schib.pmcw.flags & PMCW_FLAGS_ENA));
	v->fd = vfio_open_device(v->host, VF_SYSFSDEV, NULL);
	CHECK(v->fd >= 0);
	CHECK_EQ(vfio_dma_map(v->host, v->fd, v->gbase, 0, VF_GUEST_SIZE), 0);
	CHECK_EQ(set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 1,
			  v->io_efd, sizeof(struct vfio_irq_set) + 4),
		 0);
	v->io_count = 0;
	sense_id(v);
	vf_free(v);
}
