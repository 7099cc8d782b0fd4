/* Channel-path cmg, shared, chid and chid_external on an OS booted on a
 * machine whose deck has CMG=, SHARED and PCHID= (Linux chp_update_desc:
 * SCPD format 1 and SCMC, gated by the SCSC characteristics). */
#include <stdio.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/chsc.h"
#include "machine/machine.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "t.h"

static const char cmg_deck[] = "CHPID PATH=(CSS(0),30),SHARED,TYPE=FC,PCHID=390,CMG=2\n"
			       "CHPID PATH=(CSS(0),31),TYPE=FC,PCHID=392,CMG=3\n"
			       "CHPID PATH=(CSS(0),32),SHARED,TYPE=FC,PCHID=510\n"
			       "CHPID PATH=(CSS(0),34),SHARED,TYPE=FC,PCHID=580,CMG=2,"
			       "STATE=STANDBY\n"
			       "CHPID PATH=(CSS(0),fc),SHARED,TYPE=IQD,PCHID=702,CMG=3\n";

/* A CSS wrapper that can hide SCSC (as a VMM without it) and counts the
 * CHSC commands by code. */
static struct {
	const struct css_ops *real;
	struct storage *mem;
	bool no_scsc;
	int scmc, scpd_fmt1, scsc;
} cw;

static int cw_chsc(void *css, uint64_t addr)
{
	uint8_t *a = storage_ptr(cw.mem, addr, CHSC_AREA_SIZE);
	uint16_t code = a ? chsc_req_code(a) : 0;

	cw.scmc += code == CHSC_CODE_SCMC;
	cw.scsc += code == CHSC_CODE_SCSC;
	cw.scpd_fmt1 += code == CHSC_CODE_SCPD && (a[4] & 0x10);
	if (cw.no_scsc && code == CHSC_CODE_SCSC) {
		chsc_rsp_set(a, 8, CHSC_RSP_NOTSUPP);
		return 0;
	}
	return cw.real->chsc(css, addr);
}

struct cmg_world {
	struct sim *sim;
	struct machine *m;
	struct os *os;
	struct css_ops ops;
};

static bool booted(void *os)
{
	return os_booted(os);
}

static void world_init(struct cmg_world *w, bool no_scsc)
{
	struct machine_config mc = {.storage_size = 64u << 20, .workdir = t_tmpdir()};
	struct os_config oc = {.hostname = "host", .kernel_mem = 16u << 20};
	struct css_if css;
	char err[256] = "";

	memset(w, 0, sizeof(*w));
	memset(&cw, 0, sizeof(cw));
	w->sim = sim_new(5);
	w->m = machine_new(w->sim, &mc);
	CHECK(w->m != NULL);
	CHECK_EQ(machine_load_iocp_text(w->m, "cmg.iocp", cmg_deck, err, sizeof(err)), 0);
	css = machine_css(w->m);
	cw.real = css.ops;
	cw.mem = css.mem;
	cw.no_scsc = no_scsc;
	w->ops = *css.ops;
	w->ops.chsc = cw_chsc;
	css.ops = &w->ops;
	w->os = os_create(w->sim, css, &oc);
	CHECK(w->os != NULL);
	CHECK(sim_run_until(w->sim, booted, w->os));
}

static void world_fini(struct cmg_world *w)
{
	os_destroy(w->os);
	machine_free(w->m);
	sim_free(w->sim);
}

struct sys_io {
	struct os *os;
	char path[96];
	const char *text;
	char buf[128];
	int rc;
};

static void sys_io_fn(void *arg)
{
	struct sys_io *io = arg;

	if (io->text)
		io->rc = sysfs_write(io->os->sysfs, io->path, io->text);
	else
		io->rc = sysfs_read(io->os->sysfs, io->path, io->buf, sizeof(io->buf));
}

static bool task_done(void *t)
{
	return sim_task_done(t);
}

static void sys_run(struct cmg_world *w, struct sys_io *io)
{
	struct sim_task *t = sim_task_spawn(w->sim, "cmg", sys_io_fn, io);

	CHECK(sim_run_until(w->sim, task_done, t));
	sim_task_free(t);
}

/* The text of /sys/devices/css0/chp0.<id>/<attr> ("" when empty). */
static const char *attr(struct cmg_world *w, const char *id, const char *name)
{
	static struct sys_io io;

	memset(&io, 0, sizeof(io));
	io.os = w->os;
	snprintf(io.path, sizeof(io.path), "/sys/devices/css0/chp0.%s/%s", id, name);
	sys_run(w, &io);
	CHECK(io.rc >= 0);
	return io.buf;
}

static void chp_configure(struct cmg_world *w, const char *id, const char *v)
{
	struct sys_io io = {.os = w->os, .text = v};

	snprintf(io.path, sizeof(io.path), "/sys/devices/css0/chp0.%s/configure", id);
	sys_run(w, &io);
	CHECK(io.rc >= 0);
}

TEST(host_paths_show_cmg_shared_and_chid_as_linux)
{
	struct cmg_world w;

	world_init(&w, false);
	CHECK_EQ(cw.scsc, 1); /* once, at boot */
	CHECK_STR(attr(&w, "30", "cmg"), "2\n");
	CHECK_STR(attr(&w, "30", "shared"), "1\n");
	CHECK_STR(attr(&w, "30", "chid"), "0390\n");
	CHECK_STR(attr(&w, "30", "chid_external"), "1\n");
	CHECK_STR(attr(&w, "31", "cmg"), "3\n");
	CHECK_STR(attr(&w, "31", "shared"), "0\n");
	CHECK_STR(attr(&w, "31", "chid"), "0392\n");
	/* no CMG=: measurement characteristics not valid */
	CHECK_STR(attr(&w, "32", "cmg"), "unknown\n");
	CHECK_STR(attr(&w, "32", "shared"), "unknown\n");
	CHECK_STR(attr(&w, "32", "chid"), "0510\n");
	/* standby: no measurements, but the CHID is known */
	CHECK_STR(attr(&w, "34", "configure"), "0\n");
	CHECK_STR(attr(&w, "34", "cmg"), "unknown\n");
	CHECK_STR(attr(&w, "34", "chid"), "0580\n");
	/* HiperSockets: an internal CHID */
	CHECK_STR(attr(&w, "fc", "type"), "24\n");
	CHECK_STR(attr(&w, "fc", "cmg"), "3\n");
	CHECK_STR(attr(&w, "fc", "chid"), "0702\n");
	CHECK_STR(attr(&w, "fc", "chid_external"), "0\n");
	world_fini(&w);
}

TEST(configure_on_and_off_refresh_cmg_and_shared)
{
	struct cmg_world w;
	int before;

	world_init(&w, false);
	before = cw.scmc;
	chp_configure(&w, "34", "1");
	CHECK(cw.scmc > before);
	CHECK_STR(attr(&w, "34", "configure"), "1\n");
	CHECK_STR(attr(&w, "34", "cmg"), "2\n");
	CHECK_STR(attr(&w, "34", "shared"), "1\n");
	/* Linux chsc_chp_offline updates the description too. */
	chp_configure(&w, "30", "0");
	CHECK_STR(attr(&w, "30", "configure"), "0\n");
	CHECK_STR(attr(&w, "30", "cmg"), "unknown\n");
	CHECK_STR(attr(&w, "30", "shared"), "unknown\n");
	CHECK_STR(attr(&w, "30", "chid"), "0390\n");
	chp_configure(&w, "30", "1");
	CHECK_STR(attr(&w, "30", "cmg"), "2\n");
	world_fini(&w);
}

TEST(without_scsc_no_format1_or_scmc_is_asked_and_all_is_unknown)
{
	struct cmg_world w;

	world_init(&w, true);
	CHECK_EQ(cw.scsc, 1);
	CHECK_EQ(cw.scmc, 0);
	CHECK_EQ(cw.scpd_fmt1, 0);
	CHECK_STR(attr(&w, "30", "type"), "1b\n");
	CHECK_STR(attr(&w, "30", "cmg"), "unknown\n");
	CHECK_STR(attr(&w, "30", "shared"), "unknown\n");
	CHECK_STR(attr(&w, "30", "chid"), "");
	CHECK_STR(attr(&w, "30", "chid_external"), "");
	world_fini(&w);
}
