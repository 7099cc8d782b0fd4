/* See vfio_fixture.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/ccw.h"
#include "arch/crw.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "dev/eckd.h"
#include "dev/testdev.h"
#include "machine/machine.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "t.h"
#include "vfio_fixture.h"

#define VF_TIME_LIMIT (10 * SIM_S)

uint64_t vf_seed = 7;
bool vf_permute;
bool vf_upstream;

static void on_io(void *ctx)
{
	((struct vf *)ctx)->io_count++;
}

static void on_crw(void *ctx)
{
	((struct vf *)ctx)->crw_count++;
}

static void on_req(void *ctx)
{
	((struct vf *)ctx)->req_count++;
}

static bool os_up(void *arg)
{
	return os_booted(arg);
}

struct vf_job {
	struct vf *v;
	void (*fn)(void *);
	void *arg;
	struct sim_task *task;
};

static bool job_done(void *arg)
{
	return sim_task_done(((struct vf_job *)arg)->task);
}

void vf_task(struct vf *v, void (*fn)(void *), void *arg)
{
	struct vf_job j = {v, fn, arg, NULL};

	j.task = sim_task_spawn(v->sim, "vf", fn, arg);
	CHECK(sim_run_until(v->sim, job_done, &j));
	sim_task_free(j.task);
}

struct vf_write {
	struct vf *v;
	const char *path, *text;
	int rc;
};

static void do_write(void *arg)
{
	struct vf_write *w = arg;

	w->rc = sysfs_write(w->v->host->sysfs, w->path, w->text);
}

int vf_sysfs_write(struct vf *v, const char *path, const char *text)
{
	struct vf_write w = {v, path, text, 0};

	vf_task(v, do_write, &w);
	return w.rc;
}

static void add_device(struct vf *v, uint64_t latency)
{
	static const uint8_t chpids[4] = {0x42, 0x43, 0x44, 0x45};
	char err[256], path[512];

	if (v->eckd) {
		struct eckd_config cfg = {0};

		snprintf(path, sizeof(path), "%s/vfio.ckd", t_tmpdir());
		CHECK_EQ(eckd_create_image(path, 20, "VFIO01", true, err, sizeof(err)), 0);
		cfg.image = path;
		cfg.cu_type = 0x3990;
		cfg.devno = 0x3f3f;
		cfg.latency = latency;
		v->dev = eckd_open(v->sim, &cfg, err, sizeof(err));
	} else {
		struct testdev_config cfg = {0};

		cfg.latency = latency;
		v->dev = testdev_new(&cfg);
	}
	CHECK(v->dev != NULL);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(machine_add_chpid(v->m, chpids[i], 0x1b, false), 0);
	CHECK_EQ(machine_add_device(v->m, 0, 0x13f, 0x3f3f, chpids, 4, v->dev), 0x13f);
}

static void set_trigger(struct vf *v, uint32_t index, int efd)
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
	CHECK_EQ(vfio_ioctl(v->host, v->fd, VFIO_DEVICE_SET_IRQS, s), 0);
}

struct vf *vf_new(bool eckd, uint64_t latency)
{
	struct vf *v = calloc(1, sizeof(*v));
	struct machine_config mc = {0};
	struct os_config oc = {.hostname = "host", .upstream = vf_upstream};
	char drv[256];
	int err;

	v->eckd = eckd;
	v->sim = sim_new(vf_seed);
	sim_set_permute(v->sim, vf_permute);
	mc.storage_size = 64u << 20;
	mc.workdir = t_tmpdir();
	v->m = machine_new(v->sim, &mc);
	CHECK(v->m != NULL);
	add_device(v, latency);
	v->host = os_create(v->sim, machine_css(v->m), &oc);
	CHECK(v->host != NULL);
	CHECK(sim_run_until(v->sim, os_up, v->host));
	/* driverctl -b css set-override 0.0.013f vfio_ccw */
	CHECK_EQ(vf_sysfs_write(v, VF_SCH_DIR "/driver_override", "vfio_ccw\n"), 0);
	if (sysfs_readlink(v->host->sysfs, VF_SCH_DIR "/driver", drv, sizeof(drv)) > 0)
		CHECK_EQ(vf_sysfs_write(v, VF_SCH_DIR "/driver/unbind", "0.0.013f\n"), 0);
	CHECK_EQ(vf_sysfs_write(v, "/sys/bus/css/drivers_probe", "0.0.013f\n"), 0);
	CHECK(sysfs_readlink(v->host->sysfs, VF_SCH_DIR "/driver", drv, sizeof(drv)) > 0);
	CHECK(strstr(drv, "vfio_ccw") != NULL);
	/* mdevctl start -u UUID -p 0.0.013f -t vfio_ccw-io */
	CHECK_EQ(vf_sysfs_write(v, VF_SCH_DIR "/mdev_supported_types/vfio_ccw-io/create",
				VF_UUID "\n"),
		 0);
	v->fd = vfio_open_device(v->host, VF_SYSFSDEV, &err);
	CHECK(v->fd >= 0);
	CHECK_EQ(err, 0);
	v->gbase = os_user_alloc(v->host, VF_GUEST_SIZE, 1u << 20);
	CHECK(v->gbase != 0);
	CHECK_EQ(vfio_dma_map(v->host, v->fd, v->gbase, 0, VF_GUEST_SIZE), 0);
	v->io_efd = os_eventfd(v->host, on_io, v);
	v->crw_efd = os_eventfd(v->host, on_crw, v);
	v->req_efd = os_eventfd(v->host, on_req, v);
	set_trigger(v, VFIO_CCW_IO_IRQ_INDEX, v->io_efd);
	set_trigger(v, VFIO_CCW_CRW_IRQ_INDEX, v->crw_efd);
	set_trigger(v, VFIO_CCW_REQ_IRQ_INDEX, v->req_efd);
	return v;
}

void vf_free(struct vf *v)
{
	if (v->fd >= 0)
		vfio_close(v->host, v->fd);
	os_eventfd_close(v->host, v->io_efd);
	os_eventfd_close(v->host, v->crw_efd);
	os_eventfd_close(v->host, v->req_efd);
	os_user_free(v->host, v->gbase);
	os_destroy(v->host);
	machine_free(v->m);
	sim_free(v->sim);
	free(v);
}

struct vf_wait {
	struct vf *v;
	int n;
	sim_time_t until;
};

static bool io_reached(void *arg)
{
	struct vf_wait *w = arg;

	return w->v->io_count >= w->n || sim_now(w->v->sim) > w->until;
}

bool vf_wait_io(struct vf *v, int n)
{
	struct vf_wait w = {v, n, sim_now(v->sim) + VF_TIME_LIMIT};

	sim_run_until(v->sim, io_reached, &w);
	return v->io_count >= n;
}

void vf_run_for(struct vf *v, uint64_t ns)
{
	sim_run_to(v->sim, sim_now(v->sim) + ns);
}

uint8_t *vf_guest(struct vf *v, uint64_t iova)
{
	return machine_storage(v->m)->base + v->gbase + iova;
}

void vf_put_ccw(struct vf *v, uint64_t iova, uint8_t cmd, uint8_t flags, uint16_t count,
		uint32_t cda)
{
	struct ccw1 c = {cmd, flags, count, cda};

	ccw1_encode(&c, vf_guest(v, iova));
}

long vf_start_orb(struct vf *v, const uint8_t orb[12])
{
	struct ccw_io_region r;
	struct scsw s = {0};

	memset(&r, 0, sizeof(r));
	memcpy(r.orb_area, orb, ORB_SIZE);
	s.ctrl = SCSW_FCTL_START;
	scsw_encode(&s, r.scsw_area);
	return vfio_pwrite(v->host, v->fd, &r, sizeof(r), VF_OFF(0));
}

long vf_start(struct vf *v, uint32_t cpa, uint8_t lpm)
{
	struct orb o = {0};
	uint8_t b[ORB_SIZE];

	o.intparm = 0xcafe;
	o.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64;
	o.lpm = lpm;
	o.cpa = cpa;
	orb_encode(&o, b);
	return vf_start_orb(v, b);
}

void vf_irb(struct vf *v, struct irb *irb)
{
	struct ccw_io_region r;

	CHECK_EQ(vfio_pread(v->host, v->fd, &r, sizeof(r), VF_OFF(0)), sizeof(r));
	irb_decode(r.irb_area, irb);
}

uint32_t vf_read_crw(struct vf *v)
{
	struct ccw_crw_region r;

	CHECK_EQ(vfio_pread(v->host, v->fd, &r, sizeof(r), VF_OFF(3)), sizeof(r));
	return r.crw;
}

void vf_read_schib(struct vf *v, struct schib *s)
{
	struct ccw_schib_region r;

	CHECK_EQ(vfio_pread(v->host, v->fd, &r, sizeof(r), VF_OFF(2)), sizeof(r));
	schib_decode(r.schib_area, s);
}
