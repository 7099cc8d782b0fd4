/* Kernel model, second pass: SCLP cache expiry on channel-path reports,
 * dynamic I/O reconfiguration, subchannels that go away, destroy while
 * booting, large requests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kern_fixture.h"
#include "dev/eckd.h"
#include "machine/machine.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfs.h"
#include "t.h"

static void check_attr(struct kf *f, const char *path, const char *want)
{
	int rc = -1;
	const char *got = kf_read(f, path, &rc);

	if (rc)
		t_fail(__FILE__, __LINE__, "read %s: %d", path, rc);
	CHECK_STR(got, want);
}

/* A channel-path report expires the one-second SCLP cache (the configure
 * state may have changed with it); without a report the cache holds for
 * its second, as in Linux. */
TEST(kern_chp_crw_expires_sclp_info_cache)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	check_attr(&f, KF_CHP("42") "/configure", "1\n");
	CHECK_EQ(machine_chp_configure(f.m, 0x42, false), 0);
	kf_run_for(&f, 1 * SIM_MS);
	check_attr(&f, KF_CHP("42") "/configure", "0\n");
	/* A change the OS is not told about stays hidden for the second. */
	f.hold_crws = true;
	CHECK_EQ(machine_chp_configure(f.m, 0x42, true), 0);
	kf_run_for(&f, 1 * SIM_MS);
	check_attr(&f, KF_CHP("42") "/configure", "0\n");
	kf_run_for(&f, 1 * SIM_S);
	check_attr(&f, KF_CHP("42") "/configure", "1\n");
	kf_fini(&f);
}

/* A machine with the default deck and a 20-cylinder 3390, no OS yet. */
static struct machine *bare_machine(struct sim *sim, struct ccwdev **dev)
{
	static const uint8_t chpids[4] = {0x42, 0x43, 0x44, 0x45};
	struct machine_config mc = {0};
	struct eckd_config ec = {0};
	struct machine *m;
	char err[256], path[512];
	int i;

	mc.storage_size = 64u << 20;
	mc.workdir = t_tmpdir();
	m = machine_new(sim, &mc);
	CHECK(m != NULL);
	snprintf(path, sizeof(path), "%s/r2_destroy.3390", t_tmpdir());
	CHECK_EQ(eckd_create_image(path, 20, "0X3F3F", true, err, sizeof(err)), 0);
	ec.image = path;
	ec.cu_type = 0x3990;
	ec.devno = 0x3f3f;
	ec.latency = 50 * SIM_US;
	*dev = eckd_open(sim, &ec, err, sizeof(err));
	CHECK(*dev != NULL);
	for (i = 0; i < 4; i++)
		CHECK_EQ(machine_add_chpid(m, chpids[i], 0x1b, false), 0);
	CHECK_EQ(machine_add_device(m, 0, 0x13f, 0x3f3f, chpids, 4, *dev), 0x13f);
	return m;
}

/* What an OS asks of its CSS: none of it may change once the OS is
 * destroyed (no interruption taken, no channel report read, no I/O). */
static uint64_t os_insns(struct machine *m)
{
	const struct machine_stats *st = machine_stats(m);

	return st->stsch + st->msch + st->ssch + st->tsch + st->csch + st->hsch + st->xsch +
	       st->rsch + st->stcrw + st->chsc + st->servc;
}

/* Trace lines of `who` from line `from` on. */
static size_t trace_lines_of(struct sim *sim, size_t from, const char *who)
{
	size_t n = 0, len = strlen(who);

	for (size_t i = from; i < sim_trace_count(sim); i++) {
		const char *l = strchr(sim_trace_line(sim, i), ' ');

		n += l && !strncmp(l + 1, who, len) && l[1 + len] == ':';
	}
	return n;
}

/* os_destroy while the OS is still booting (before init ran, and at
 * several points inside boot: SCLP read, Sense ID, the userspace sleep),
 * then the world goes on and is freed: no use after free (run under
 * ASan), and the destroyed OS takes no more interruptions. */
TEST(kern_destroy_while_booting_then_sim_free)
{
	static const uint64_t at[] = {0, 1, 20 * SIM_US, 200 * SIM_US, 2 * SIM_MS, SIM_S};
	size_t i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		struct sim *sim = sim_new(7);
		struct ccwdev *dev;
		struct machine *m = bare_machine(sim, &dev);
		struct os_config oc = {.hostname = "host", .kernel_mem = 16u << 20};
		struct os *os = os_create(sim, machine_css(m), &oc);
		uint64_t insns;
		size_t lines;

		CHECK(os != NULL);
		if (at[i])
			sim_run_to(sim, sim_now(sim) + at[i]);
		CHECK(!os_booted(os));
		os_destroy(os);
		insns = os_insns(m);
		lines = sim_trace_count(sim);
		/* The machine keeps running: a path event after the OS is gone. */
		CHECK_EQ(machine_chp_configure(m, 0x42, false), 0);
		sim_run_to(sim, sim_now(sim) + 5 * SIM_S);
		CHECK_EQ(os_insns(m), insns);
		CHECK_EQ(machine_stats(m)->crws_queued, 1); /* for nobody */
		CHECK_EQ(trace_lines_of(sim, lines, "host"), 0);
		machine_free(m);
		sim_free(sim);
	}
}

/* Dynamic I/O reconfiguration: a deck activated on the running machine
 * adds a CHPID (channel report RSC 4, ERC 4) and two volumes, one in
 * subchannel set 1 (RSC 3, ERC 4, chained CRW with the ssid).  cio
 * registers the path and both subchannels, recognises the devices, and the
 * new volume goes online on the new path. */
TEST(kern_activate_adds_chpid_and_devices_at_run_time)
{
	static const char deck[] =
		"CHPID PATH=(CSS(0),50),SHARED,TYPE=FC\n"
		"CNTLUNIT CUNUMBR=5000,PATH=((CSS(0),50)),UNITADD=((00,256)),UNIT=2107\n"
		"IODEVICE ADDRESS=(5000,1),CUNUMBR=(5000),UNIT=3390,SCH=0140\n"
		"IODEVICE ADDRESS=(5001,1),CUNUMBR=(5000),UNIT=3390,SCHSET=1,SCH=0007\n";
	struct kf f;
	char err[256] = "";
	char *log;

	kf_init(&f, 20, 0, false);
	CHECK(!sysfs_exists(f.os->sysfs, KF_CHP("50")));
	CHECK_EQ(machine_load_iocp_text(f.m, "add.deck", deck, err, sizeof(err)), 0);
	kf_run_for(&f, 100 * SIM_MS);
	check_attr(&f, KF_CHP("50") "/status", "online\n");
	check_attr(&f, KF_CHP("50") "/type", "1b\n");
	check_attr(&f, KF_CHP("50") "/configure", "1\n");
	check_attr(&f, "/sys/bus/css/devices/0.0.0140/pimpampom", "80 80 ff\n");
	check_attr(&f, "/sys/bus/css/devices/0.0.0140/chpids", "50 00 00 00 00 00 00 00 \n");
	check_attr(&f, "/sys/bus/css/devices/0.1.0007/dev_busid", "0.1.5001\n");
	check_attr(&f, "/sys/bus/ccw/devices/0.0.5000/cutype", "2107/e8\n");
	check_attr(&f, "/sys/bus/ccw/devices/0.1.5001/online", "0\n");
	CHECK(!strncmp(kf_read(&f, "/sys/bus/ccw/devices/0.0.5000/devtype", NULL), "3390/", 5));
	/* The old device did not notice. */
	check_attr(&f, KF_SCH "/pimpampom", "f0 f0 ff\n");
	log = os_dmesg(f.os);
	CHECK(strstr(log, "crw_info : CRW reports slct=0, oflw=0, chn=0, rsc=4, anc=0, erc=4, "
			  "rsid=50") != NULL);
	CHECK(strstr(log, "crw_info : CRW reports slct=0, oflw=0, chn=1, rsc=3, anc=0, erc=4, "
			  "rsid=7") != NULL);
	free(log);
	CHECK_EQ(kf_write(&f, "/sys/bus/ccw/devices/0.0.5000/online", "1\n"), 0);
	CHECK(strstr(f.console, "dasd-eckd 0.0.5000: New DASD 3390/") != NULL);
	check_attr(&f, "/sys/bus/css/devices/0.0.0140/vpm", "80\n");
	kf_fini(&f);
}

struct wr_job {
	struct kf *f;
	uint8_t *buf;
	size_t len;
	long rc;
	size_t chunk; /* bytes per write; 0: 64 KiB */
};

static void do_write_dasda(void *arg)
{
	struct wr_job *j = arg;
	int err = 0;
	struct vfs_file *fp = vfs_open(j->f->os->vfs, "/dev/dasda", VFS_WR, &err);
	size_t off, chunk = j->chunk ? j->chunk : 65536;

	j->rc = err;
	if (!fp)
		return;
	for (off = 0; off < j->len; off += chunk) {
		ssize_t n = vfs_pwrite(fp, j->buf + off, chunk, off);

		if (n != (ssize_t)chunk) {
			j->rc = n < 0 ? n : -1;
			break;
		}
	}
	vfs_close(fp);
}

static bool task_done(void *arg)
{
	return sim_task_done(arg);
}

/* A VMM unplugs a pass-through device: STSCH shows the subchannel without
 * a valid device (DNV 0) and a subchannel CRW follows.  cio removes the
 * ccw device and keeps the subchannel (Linux IO_SCH_UNREG_CDEV); plugged
 * again, the device is recognised anew (IO_SCH_ATTACH). */
TEST(kern_unplugged_device_is_removed_and_comes_back_when_plugged)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	f.unplug_sch = 0x0001013f;
	f.inject[0] = 0x0304013f; /* RSC 3, ERC 4, 0.0.013f */
	f.ninject = 1;
	f.up->channel_report(f.up->os);
	kf_run_for(&f, 10 * SIM_MS);
	CHECK(!sysfs_exists(f.os->sysfs, KF_DEV));
	CHECK(!sysfs_exists(f.os->sysfs, KF_SCH "/0.0.3f3f"));
	CHECK(sysfs_exists(f.os->sysfs, KF_SCH));
	CHECK_STR(f.console, ""); /* an offline device goes quietly */
	check_attr(&f, KF_SCH "/dev_busid", "none\n");
	/* Plugged again. */
	f.unplug_sch = 0;
	f.inject[0] = 0x0304013f;
	f.ninject = 1;
	f.up->channel_report(f.up->os);
	kf_run_for(&f, 10 * SIM_MS);
	check_attr(&f, KF_DEV "/online", "0\n");
	check_attr(&f, KF_SCH "/dev_busid", "0.0.3f3f\n");
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK(strstr(f.console, " dasda:VOL1/  0X3F3F: dasda1\n") != NULL);
	kf_fini(&f);
}

/* Unplugged while online and writing: the block device goes, the write
 * fails (it is not left waiting), nothing is completed twice. */
TEST(kern_unplug_under_io_fails_the_write_and_removes_the_disk)
{
	struct kf f;
	struct wr_job w;
	struct sim_task *t;
	size_t len = 4u << 20;

	kf_init(&f, 20, 20 * SIM_US, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	w = (struct wr_job){&f, calloc(1, len), len, 0, 0};
	t = sim_task_spawn(f.sim, "dd", do_write_dasda, &w);
	kf_run_for(&f, 2 * SIM_MS);
	CHECK(!sim_task_done(t));
	f.unplug_sch = 0x0001013f;
	f.inject[0] = 0x0304013f;
	f.ninject = 1;
	f.up->channel_report(f.up->os);
	CHECK(sim_run_until(f.sim, task_done, t));
	sim_task_free(t);
	CHECK(w.rc < 0);
	CHECK(strstr(f.console, "dasd-eckd 0.0.3f3f: No operational channel path is left for the "
				"device\n") != NULL);
	CHECK(!sysfs_exists(f.os->sysfs, KF_DEV));
	{
		int err = 0;

		CHECK(vfs_open(f.os->vfs, "/dev/dasda", VFS_RD, &err) == NULL);
		CHECK(err < 0);
	}
	free(w.buf);
	kf_fini(&f);
}

/* A subchannel that is gone altogether (STSCH cc 3) is unregistered with
 * its device (IO_SCH_UNREG). */
TEST(kern_subchannel_gone_is_unregistered)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	f.gone_sch = 0x0001013f;
	f.inject[0] = 0x0304013f;
	f.ninject = 1;
	f.up->channel_report(f.up->os);
	kf_run_for(&f, 10 * SIM_MS);
	CHECK(!sysfs_exists(f.os->sysfs, KF_DEV));
	CHECK(!sysfs_exists(f.os->sysfs, KF_SCH));
	CHECK(!sysfs_exists(f.os->sysfs, "/sys/devices/css0/0.0.013f"));
	kf_fini(&f);
}

/* Block I/O goes in requests of up to 190 blocks (Linux
 * DASD_ECKD_MAX_BLOCKS): a 64 MiB write in 1 MiB pieces is about two
 * channel programs per MiB (190 + 66 blocks), not four (64-block
 * requests) or 256 (one per block). */
TEST(kern_block_io_uses_large_requests)
{
	struct kf f;
	struct wr_job w;
	uint64_t before, n;

	kf_init(&f, 100, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	w = (struct wr_job){&f, calloc(1, 64u << 20), 64u << 20, 0, 1u << 20};
	before = machine_stats(f.m)->ssch;
	kf_task(&f, do_write_dasda, &w);
	CHECK_EQ(w.rc, 0);
	n = machine_stats(f.m)->ssch - before;
	/* 63 x 2 programs, plus the first MiB: CDL blocks 0-2 and 12-23 one
	 * at a time, 3-11 in one, 24-255 in two. */
	CHECK_EQ(n, 63 * 2 + 3 + 1 + 12 + 2);
	free(w.buf);
	kf_fini(&f);
}

/* After `chp fail` under I/O, dmesg has what Linux logs: the channel
 * reports (printk KERN_DEBUG) and no debug-feature lines; those appear
 * only with the debug switch on. */
TEST(kern_dmesg_after_path_failure_has_linux_lines_only)
{
	struct kf f;
	struct wr_job w;
	struct sim_task *t;
	char *log;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		kf_init(&f, 100, 20 * SIM_US, false);
		os_set_debug(f.os, pass);
		CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
		w = (struct wr_job){&f, calloc(1, 8u << 20), 8u << 20, 0, 1u << 20};
		t = sim_task_spawn(f.sim, "dd", do_write_dasda, &w);
		kf_run_for(&f, 3 * SIM_MS);
		CHECK(!sim_task_done(t));
		CHECK_EQ(machine_chp_fail(f.m, 0x42), 0);
		CHECK(sim_run_until(f.sim, task_done, t));
		sim_task_free(t);
		CHECK_EQ(w.rc, 0);
		log = os_dmesg(f.os);
		CHECK(strstr(log, "] crw_info : CRW reports slct=0, oflw=0, chn=0, rsc=4, anc=0, "
				  "erc=6, rsid=42\n") != NULL);
		CHECK_EQ(strstr(log, "cio: chpid 0.42 offline") != NULL, pass);
		CHECK_EQ(strstr(log, "path 80 is no longer operational") != NULL, pass);
		CHECK_EQ(strstr(log, "boot complete") != NULL, 0); /* before the switch */
		CHECK(strstr(log, "No verified channel paths") == NULL);
		free(log);
		free(w.buf);
		kf_fini(&f);
	}
}
