/* See kern_fixture.h. */
#include "kern_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/sclp.h"
#include "dev/eckd.h"
#include "dev/testdev.h"
#include "machine/machine.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "t.h"

#define KF_TIME_LIMIT (600 * SIM_S)

static void on_console(void *ctx, const char *text)
{
	struct kf *f = ctx;
	size_t n = strlen(text);

	if (f->conlen + n >= sizeof(f->console))
		n = sizeof(f->console) - f->conlen - 1;
	memcpy(f->console + f->conlen, text, n);
	f->conlen += n;
	f->console[f->conlen] = '\0';
}

void kf_console_clear(struct kf *f)
{
	f->conlen = 0;
	f->console[0] = '\0';
}

/* ---- a CSS wrapper whose SCLP cannot read channel-path information,
 * like a VMM with sclp-chp-info=off ---- */

static struct kf *wrap_of(void *css)
{
	return css;
}

struct sclp_fail {
	struct kf *f;
	uint64_t sccb;
};

static void sclp_fail_done(void *arg)
{
	struct sclp_fail *s = arg;

	s->f->up->service_signal(s->f->up->os, s->sccb);
	free(s);
}

static int w_servc(void *css, uint32_t cmdw, uint64_t sccb)
{
	struct kf *f = wrap_of(css);
	struct sclp_fail *s;
	uint8_t *p;

	if (!f->sclp_read_fails || cmdw != SCLP_CMDW_READ_CHPATH_INFORMATION)
		return f->real.ops->servc(f->real.css, cmdw, sccb);
	p = storage_ptr(f->real.mem, sccb, SCCB_HEADER_SIZE);
	if (!p)
		return 3;
	put_be16(p + 6, SCLP_RC_INVALID_SCLP_COMMAND);
	s = malloc(sizeof(*s));
	s->f = f;
	s->sccb = sccb;
	sim_at(f->sim, 10 * SIM_US, sclp_fail_done, s);
	return 0;
}

static void w_bind(void *css, const struct css_upcalls *up)
{
	struct kf *f = wrap_of(css);

	f->up = up;
	f->real.ops->bind(f->real.css, up);
}

#define FWD(name, ...)               \
	struct kf *f = wrap_of(css); \
	return f->real.ops->name(f->real.css, __VA_ARGS__)

/* Lazy path sync as a VMM does it: STSCH shows PNOM, one interruption
 * carries PNO; CRWs can be held back. */
static int w_stsch(void *css, uint32_t s, uint64_t a)
{
	struct kf *f = wrap_of(css);
	int cc;
	uint8_t *p = storage_ptr(f->real.mem, a, 52);

	if (f->gone_sch && s == f->gone_sch)
		return 3;
	cc = f->real.ops->stsch(f->real.css, s, a);
	if (cc == 0 && p && f->pnom)
		p[9] = f->pnom;
	if (cc == 0 && p && f->unplug_sch && s == f->unplug_sch)
		p[5] &= (uint8_t)~0x81; /* PMCW ENA, DNV */
	return cc;
}

static int w_tsch(void *css, uint32_t s, uint64_t a)
{
	struct kf *f = wrap_of(css);
	int cc = f->real.ops->tsch(f->real.css, s, a);
	uint8_t *p = storage_ptr(f->real.mem, a, 96);

	if (cc == 0 && p && f->pno_once) {
		p[1] |= 0x01; /* SCSW N */
		f->pno_once = false;
	}
	return cc;
}

static int w_stcrw(void *css, uint64_t a)
{
	struct kf *f = wrap_of(css);
	uint8_t *p;

	p = storage_ptr(f->real.mem, a, 4);
	if (p && f->ninject) {
		put_be32(p, f->inject[0]);
		memmove(f->inject, f->inject + 1, --f->ninject * sizeof(f->inject[0]));
		return 0;
	}
	if (!f->hold_crws)
		return f->real.ops->stcrw(f->real.css, a);
	if (p)
		memset(p, 0, 4);
	return 1;
}
static int w_msch(void *css, uint32_t s, uint64_t a)
{
	struct kf *f = wrap_of(css);
	uint8_t *p = storage_ptr(f->real.mem, a, 52);

	if (p && f->no_csense)
		p[0x1b] &= (uint8_t)~0x01; /* a CSS without concurrent sense */
	return f->real.ops->msch(f->real.css, s, a);
}
static int w_ssch(void *css, uint32_t s, uint64_t a)
{
	FWD(ssch, s, a);
}
static int w_csch(void *css, uint32_t s)
{
	FWD(csch, s);
}
static int w_hsch(void *css, uint32_t s)
{
	FWD(hsch, s);
}
static int w_xsch(void *css, uint32_t s)
{
	FWD(xsch, s);
}
static int w_rsch(void *css, uint32_t s)
{
	FWD(rsch, s);
}
static int w_tpi(void *css, uint64_t a)
{
	FWD(tpi, a);
}
static int w_chsc(void *css, uint64_t a)
{
	FWD(chsc, a);
}

static void w_isc(void *css, uint8_t mask)
{
	struct kf *f = wrap_of(css);

	f->real.ops->set_isc_mask(f->real.css, mask);
}

static struct css_if wrap_css(struct kf *f)
{
	struct css_if c;

	f->ops = (struct css_ops){w_stsch, w_msch, w_ssch,  w_tsch, w_csch,  w_hsch, w_xsch,
				  w_rsch,  w_tpi,  w_stcrw, w_chsc, w_servc, w_isc,  w_bind};
	c.ops = &f->ops;
	c.css = f;
	c.mem = f->real.mem;
	return c;
}

/* ---- world ---- */

static bool os_up(void *arg)
{
	return os_booted(arg);
}

void kf_init(struct kf *f, uint32_t cyls, uint64_t latency, bool sclp_read_fails)
{
	kf_init_crwq(f, cyls, latency, sclp_read_fails, 0);
}

void kf_init_crwq(struct kf *f, uint32_t cyls, uint64_t latency, bool sclp_read_fails,
		  unsigned crw_queue_len)
{
	struct kf_opts o = {cyls, latency, sclp_read_fails, crw_queue_len, false, NULL, false,
			    0,	  false};

	kf_init_opts(f, &o);
}

void kf_init_opts(struct kf *f, const struct kf_opts *o)
{
	uint32_t cyls = o->cyls;
	static const uint8_t chpids[4] = {0x42, 0x43, 0x44, 0x45};
	struct machine_config mc = {0};
	struct os_config oc = {.hostname = "host", .kernel_mem = 64u << 20};
	struct eckd_config ec = {0};
	char err[512], path[512];
	int i;

	memset(f, 0, sizeof(*f));
	f->sclp_read_fails = o->sclp_read_fails;
	/* KF_SEED / KF_PERMUTE explore other interleavings by hand; the
	 * default run is fixed. */
	f->sim = sim_new(o->seed	     ? o->seed
			 : getenv("KF_SEED") ? strtoull(getenv("KF_SEED"), NULL, 0)
					     : 11);
	if (o->permute || getenv("KF_PERMUTE"))
		sim_set_permute(f->sim, true);
	mc.storage_size = 256u << 20;
	mc.crw_queue_len = o->crw_queue_len;
	mc.workdir = t_tmpdir();
	f->m = machine_new(f->sim, &mc);
	CHECK(f->m != NULL);
	if (o->image) {
		snprintf(path, sizeof(path), "%s", o->image);
	} else {
		snprintf(path, sizeof(path), "%s/kern_%u.3390", t_tmpdir(), cyls);
		CHECK_EQ(eckd_create_image(path, cyls, "0X3F3F", true, err, sizeof(err)), 0);
	}
	ec.image = path;
	ec.cu_type = 0x3990;
	ec.devno = 0x3f3f;
	ec.latency = o->latency;
	ec.readonly = o->readonly;
	f->dev = eckd_open(f->sim, &ec, err, sizeof(err));
	CHECK(f->dev != NULL);
	for (i = 0; i < 4; i++)
		CHECK_EQ(machine_add_chpid(f->m, chpids[i], 0x1b, false), 0);
	CHECK_EQ(machine_add_device(f->m, 0, 0x13f, 0x3f3f, chpids, 4, f->dev), 0x13f);
	if (o->testdev) {
		static const uint8_t tchp[2] = {0x50, 0x51};

		f->tdev = testdev_new(NULL);
		CHECK(f->tdev != NULL);
		CHECK_EQ(machine_add_chpid(f->m, 0x50, 0x1b, false), 0);
		CHECK_EQ(machine_add_chpid(f->m, 0x51, 0x1b, false), 0);
		CHECK_EQ(machine_add_device(f->m, 0, 0x140, 0x4000, tchp, 2, f->tdev), 0x140);
	}
	f->real = machine_css(f->m);
	f->os = os_create(f->sim, wrap_css(f), &oc);
	CHECK(f->os != NULL);
	f->os->console = on_console;
	f->os->console_ctx = f;
	CHECK(sim_run_until(f->sim, os_up, f->os));
}

void kf_fini(struct kf *f)
{
	os_destroy(f->os);
	machine_free(f->m);
	sim_free(f->sim);
}

struct kf_job {
	struct sim_task *task;
	sim_time_t until;
	struct sim *sim;
};

static bool job_done(void *arg)
{
	struct kf_job *j = arg;

	return sim_task_done(j->task) || sim_now(j->sim) > j->until;
}

void kf_task(struct kf *f, void (*fn)(void *), void *arg)
{
	struct kf_job j = {NULL, sim_now(f->sim) + KF_TIME_LIMIT, f->sim};

	j.task = sim_task_spawn(f->sim, "kf", fn, arg);
	sim_run_until(f->sim, job_done, &j);
	CHECK(sim_task_done(j.task));
	sim_task_free(j.task);
}

struct kf_io {
	struct kf *f;
	const char *path, *text;
	char buf[512];
	int rc;
};

static void do_write(void *arg)
{
	struct kf_io *io = arg;

	io->rc = sysfs_write(io->f->os->sysfs, io->path, io->text);
}

static void do_read(void *arg)
{
	struct kf_io *io = arg;

	io->rc = sysfs_read(io->f->os->sysfs, io->path, io->buf, sizeof(io->buf));
}

int kf_write(struct kf *f, const char *path, const char *text)
{
	struct kf_io io = {f, path, text, "", 0};

	kf_task(f, do_write, &io);
	return io.rc;
}

const char *kf_read(struct kf *f, const char *path, int *rc)
{
	static char out[512];
	struct kf_io io = {f, path, NULL, "", 0};

	kf_task(f, do_read, &io);
	if (rc)
		*rc = io.rc < 0 ? io.rc : 0;
	snprintf(out, sizeof(out), "%s", io.rc < 0 ? "" : io.buf);
	return out;
}

void kf_run_for(struct kf *f, uint64_t ns)
{
	sim_run_to(f->sim, sim_now(f->sim) + ns);
}
