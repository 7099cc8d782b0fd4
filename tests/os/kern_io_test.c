/* Block I/O through dasd on the machine while channel paths fail and come
 * back: every request completes exactly once on the remaining paths and
 * the data read back is what was written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "kern_fixture.h"
#include "machine/machine.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfs.h"
#include "t.h"

#define CHUNK (1u << 20)

struct rw_job {
	struct kf *f;
	const char *dev;
	uint8_t *buf;
	size_t len;
	bool write;
	long rc;
	struct vfs_file *fp; /* kept reachable while the job runs */
};

static void do_rw(void *arg)
{
	struct rw_job *j = arg;
	int err = 0;
	struct vfs_file *fp = vfs_open(j->f->os->vfs, j->dev, j->write ? VFS_WR : VFS_RD, &err);
	size_t off;

	j->fp = fp;
	j->rc = err;
	if (!fp)
		return;
	for (off = 0; off < j->len; off += CHUNK) {
		ssize_t n = j->write ? vfs_pwrite(fp, j->buf + off, CHUNK, off)
				     : vfs_pread(fp, j->buf + off, CHUNK, off);

		if (n != (ssize_t)CHUNK) {
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

static void fill(struct kf *f, uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t r = sim_rand(f->sim);

		memcpy(buf + i, &r, 8);
	}
}

static void check_attr(struct kf *f, const char *path, const char *want)
{
	int rc = -1;
	const char *got = kf_read(f, path, &rc);

	CHECK_EQ(rc, 0);
	CHECK_STR(got, want);
}

TEST(kern_write_survives_two_path_failures_and_repair)
{
	struct kf f;
	size_t len = 32u << 20;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct rw_job w, r;
	struct sim_task *t;
	char *log;

	kf_init(&f, 100, 20 * SIM_US, false);
	os_set_debug(f.os, 1); /* the path lines below are debug-only */
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	fill(&f, out, len);
	w = (struct rw_job){&f, "/dev/dasda1", out, len, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 15 * SIM_MS);
	CHECK(!sim_task_done(t));
	CHECK_EQ(machine_chp_fail(f.m, 0x42), 0);
	kf_run_for(&f, 15 * SIM_MS);
	CHECK(!sim_task_done(t));
	CHECK_EQ(machine_chp_fail(f.m, 0x43), 0);
	CHECK(sim_run_until(f.sim, task_done, t));
	sim_task_free(t);
	CHECK_EQ(w.rc, 0);
	check_attr(&f, KF_SCH "/vpm", "30\n");
	/* Read back on the two remaining paths. */
	r = (struct rw_job){&f, "/dev/dasda1", in, len, false, 0, NULL};
	kf_task(&f, do_rw, &r);
	CHECK_EQ(r.rc, 0);
	CHECK(memcmp(in, out, len) == 0);
	/* Repair: both paths are verified again. */
	CHECK_EQ(machine_chp_repair(f.m, 0x42), 0);
	CHECK_EQ(machine_chp_repair(f.m, 0x43), 0);
	kf_run_for(&f, 100 * SIM_MS);
	check_attr(&f, KF_SCH "/vpm", "f0\n");
	log = os_dmesg(f.os);
	CHECK(strstr(log, "dasd-eckd 0.0.3f3f: path 80 is no longer operational") != NULL);
	CHECK(strstr(log, "dasd-eckd 0.0.3f3f: path 40 is no longer operational") != NULL);
	free(log);
	/* The console stayed quiet: losing two of four paths is not news. */
	CHECK(strstr(f.console, "No verified channel paths") == NULL);
	free(out);
	free(in);
	kf_fini(&f);
}

TEST(kern_io_waits_for_a_path_when_all_are_gone)
{
	struct kf f;
	size_t len = 4u << 20;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct rw_job w, r;
	struct sim_task *t;
	int c;

	kf_init(&f, 100, 20 * SIM_US, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	kf_console_clear(&f);
	fill(&f, out, len);
	w = (struct rw_job){&f, "/dev/dasda1", out, len, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 2 * SIM_MS);
	for (c = 0x42; c <= 0x45; c++)
		CHECK_EQ(machine_chp_fail(f.m, (uint8_t)c), 0);
	kf_run_for(&f, 2 * SIM_S);
	/* No path: the device is disconnected (Linux: path verification
	 * finds none, cio tells dasd CIO_NO_PATH) and the write waits
	 * instead of failing. */
	CHECK(!sim_task_done(t));
	CHECK(strstr(f.console,
		     "dasd-eckd 0.0.3f3f: No operational channel path is left for the device\n") !=
	      NULL);
	check_attr(&f, KF_DEV "/availability", "no path\n");
	check_attr(&f, KF_DEV "/online", "1\n");
	CHECK_EQ(machine_chp_repair(f.m, 0x44), 0);
	CHECK(sim_run_until(f.sim, task_done, t));
	sim_task_free(t);
	CHECK_EQ(w.rc, 0);
	CHECK(strstr(f.console,
		     "dasd-eckd 0.0.3f3f: A channel path to the device has become operational\n") !=
	      NULL);
	check_attr(&f, KF_DEV "/availability", "good\n");
	r = (struct rw_job){&f, "/dev/dasda1", in, len, false, 0, NULL};
	kf_task(&f, do_rw, &r);
	CHECK_EQ(r.rc, 0);
	CHECK(memcmp(in, out, len) == 0);
	free(out);
	free(in);
	kf_fini(&f);
}

/* CDL: blocks 0-2 and 12-23 of the whole disk hold key+data records of
 * their real length; reads pad them with 0xE5 (what Linux returns). */
TEST(kern_cdl_special_blocks_read_padded)
{
	struct kf f;
	uint8_t *buf = malloc(CHUNK);
	struct rw_job r;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	r = (struct rw_job){&f, "/dev/dasda", buf, 0, false, 0, NULL};
	r.len = CHUNK;
	kf_task(&f, do_rw, &r);
	CHECK_EQ(r.rc, 0);
	/* Block 2: key "VOL1" + VOL1 label (84 bytes), then 0xE5. */
	CHECK_MEM(buf + 2 * 4096, "\xe5\xd6\xd3\xf1\xe5\xd6\xd3\xf1", 8);
	CHECK_EQ(buf[2 * 4096 + 84], 0xe5);
	CHECK_EQ(buf[2 * 4096 + 4095], 0xe5);
	/* Block 12: the format-4 DSCB (key of 0x04 bytes, id 0xF4). */
	CHECK_EQ(buf[12 * 4096], 0x04);
	CHECK_EQ(buf[12 * 4096 + 44], 0xf4);
	CHECK_EQ(buf[12 * 4096 + 140], 0xe5);
	free(buf);
	kf_fini(&f);
}

static void write_one(struct kf *f, const char *dev, long *rc)
{
	static uint8_t blk[CHUNK];
	struct rw_job w = {f, dev, blk, CHUNK, true, 0, NULL};

	kf_task(f, do_rw, &w);
	*rc = w.rc;
}

/* A write the device refuses (write inhibited) fails at once, with or
 * without concurrent sense: without it cio fetches the sense with BASIC
 * SENSE, so dasd sees the same sense and does not retry blindly. */
TEST(kern_write_to_readonly_volume_fails_with_sense)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		struct kf_opts o = {20, 0, false, 0, true, NULL, false, 0, false};
		struct kf f;
		uint64_t before;
		long rc;

		kf_init_opts(&f, &o);
		f.no_csense = pass == 1;
		CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
		before = machine_stats(f.m)->ssch;
		write_one(&f, "/dev/dasda1", &rc);
		CHECK(rc < 0);
		/* The write and (without concurrent sense) one BASIC SENSE. */
		CHECK(machine_stats(f.m)->ssch - before <= 2);
		kf_fini(&f);
	}
}

/* The device stops answering on every path: I/O waits for a path (as
 * Linux does) and does not hang forever: setting the device offline fails
 * the waiting I/O. */
TEST(kern_device_not_operational_io_waits_then_offline_fails_it)
{
	struct kf f;
	static uint8_t blk[CHUNK];
	struct rw_job w;
	struct sim_task *t;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, true), 0);
	w = (struct rw_job){&f, "/dev/dasda1", blk, CHUNK, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 2 * SIM_S);
	CHECK(!sim_task_done(t));
	check_attr(&f, KF_DEV "/availability", "no path\n");
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "0\n"), 0);
	CHECK(sim_run_until(f.sim, task_done, t));
	sim_task_free(t);
	CHECK(w.rc < 0);
	check_attr(&f, KF_DEV "/online", "0\n");
	kf_fini(&f);
}

/* Unbinding the I/O subchannel driver under a running write: the write
 * fails, nothing is used after it was freed (run under ASan). */
TEST(kern_unbind_under_io_fails_the_io_cleanly)
{
	struct kf f;
	size_t len = 8u << 20;
	uint8_t *buf = calloc(1, len);
	struct rw_job w;
	struct sim_task *t;

	kf_init(&f, 100, 20 * SIM_US, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	w = (struct rw_job){&f, "/dev/dasda1", buf, len, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 3 * SIM_MS);
	CHECK(!sim_task_done(t));
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers/io_subchannel/unbind", "0.0.013f\n"), 0);
	CHECK(sim_run_until(f.sim, task_done, t));
	sim_task_free(t);
	CHECK(w.rc < 0);
	CHECK(!sysfs_exists(f.os->sysfs, KF_DEV));
	free(buf);
	kf_fini(&f);
}

struct vary_job {
	struct kf *f;
	const char *path, *text;
	int rc;
};

static void do_vary(void *arg)
{
	struct vary_job *v = arg;

	v->rc = sysfs_write(v->f->os->sysfs, v->path, v->text);
}

/* Varying paths off under running I/O: I/O on the varied-off path is
 * terminated (cancel/halt/clear) and redone on the others; no request is
 * lost, none is done twice, the data is right. */
TEST(kern_vary_off_under_io_redrives_on_other_paths)
{
	struct kf f;
	size_t len = 16u << 20;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct rw_job w, r;
	struct vary_job v;
	struct sim_task *t, *vt;
	int i;

	kf_init(&f, 100, 20 * SIM_US, false);
	os_set_debug(f.os, 1); /* for the ERP line below */
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	fill(&f, out, len);
	w = (struct rw_job){&f, "/dev/dasda1", out, len, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	for (i = 0; i < 3; i++) {
		static const char *const chp[3] = {KF_CHP("42") "/status", KF_CHP("43") "/status",
						   KF_CHP("44") "/status"};

		kf_run_for(&f, 3 * SIM_MS + (uint64_t)i * 700 * SIM_US);
		CHECK(!sim_task_done(t));
		v = (struct vary_job){&f, chp[i], "off\n", -1};
		vt = sim_task_spawn(f.sim, "chchp", do_vary, &v);
		CHECK(sim_run_until(f.sim, task_done, vt));
		sim_task_free(vt);
		CHECK_EQ(v.rc, 0);
	}
	CHECK(sim_run_until(f.sim, task_done, t));
	sim_task_free(t);
	CHECK_EQ(w.rc, 0);
	{
		char *log = os_dmesg(f.os);

		/* The I/O running on each varied-off path was terminated. */
		CHECK(strstr(log, "try alternate lpm=70 (lpum=80 / opm=f0)") != NULL);
		free(log);
	}
	check_attr(&f, KF_SCH "/vpm", "10\n");
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 f0 ", 6));
	r = (struct rw_job){&f, "/dev/dasda1", in, len, false, 0, NULL};
	kf_task(&f, do_rw, &r);
	CHECK_EQ(r.rc, 0);
	CHECK(memcmp(in, out, len) == 0);
	free(out);
	free(in);
	kf_fini(&f);
}

/* A Hercules CKD image whose tracks hold only R0 (dasdinit's default):
 * not formatted for Linux. */
static void make_null_image(const char *path, uint32_t cyls)
{
	uint8_t hdr[512] = "CKD_P370";
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	uint32_t trk, trksize = 56832;

	CHECK(fd >= 0);
	hdr[8] = 15;
	hdr[12] = (uint8_t)trksize;
	hdr[13] = (uint8_t)(trksize >> 8);
	hdr[16] = 0x90;
	CHECK_EQ(pwrite(fd, hdr, sizeof(hdr), 0), 512);
	for (trk = 0; trk < cyls * 15; trk++) {
		uint8_t t[29] = {0};
		uint16_t cc = (uint16_t)(trk / 15), hh = (uint16_t)(trk % 15);

		t[1] = (uint8_t)(cc >> 8);
		t[2] = (uint8_t)cc;
		t[3] = (uint8_t)(hh >> 8);
		t[4] = (uint8_t)hh;
		memcpy(t + 5, t + 1, 4); /* R0 count: CCHH, R 0, KL 0, DL 8 */
		t[12] = 8;
		memset(t + 21, 0xff, 8);
		CHECK_EQ(pwrite(fd, t, sizeof(t), 512 + (off_t)trk * trksize), 29);
	}
	CHECK_EQ(ftruncate(fd, 512 + (off_t)cyls * 15 * trksize), 0);
	close(fd);
}

/* An unformatted volume goes online "unformatted": the message, a block
 * device of size 0, no partitions. */
TEST(kern_unformatted_volume_goes_online_without_partitions)
{
	char path[512];
	struct kf_opts o = {20, 0, false, 0, false, path, false, 0, false};
	struct kf f;

	snprintf(path, sizeof(path), "%s/null.3390", t_tmpdir());
	make_null_image(path, 20);
	kf_init_opts(&f, &o);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK(strstr(f.console, "dasd-eckd 0.0.3f3f: The DASD is not formatted\n") != NULL);
	CHECK(strstr(f.console, "DASD with") == NULL);
	CHECK(strstr(f.console, " dasda:") == NULL);
	check_attr(&f, KF_DEV "/status", "unformatted\n");
	check_attr(&f, KF_DEV "/block/dasda/size", "0\n");
	CHECK(!sysfs_exists(f.os->sysfs, KF_DEV "/block/dasda/dasda1"));
	kf_fini(&f);
}

/* The device answers again and the channel subsystem says so with a
 * subchannel report (RSC 3): cio verifies the paths, dasd gets them back
 * and the waiting write completes. */
TEST(kern_device_back_after_subchannel_crw_resumes_io)
{
	struct kf f;
	size_t len = CHUNK;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct rw_job w, r;
	struct sim_task *t;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, true), 0);
	fill(&f, out, len);
	w = (struct rw_job){&f, "/dev/dasda1", out, len, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 1 * SIM_S);
	CHECK(!sim_task_done(t));
	CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, false), 0);
	f.inject[0] = 0x0301013f; /* RSC 3, ERC 1 (available), subchannel 013f */
	f.ninject = 1;
	f.up->channel_report(f.up->os);
	CHECK(sim_run_until(f.sim, task_done, t));
	sim_task_free(t);
	CHECK_EQ(w.rc, 0);
	CHECK(strstr(f.console, "A channel path to the device has become operational") != NULL);
	r = (struct rw_job){&f, "/dev/dasda1", in, len, false, 0, NULL};
	kf_task(&f, do_rw, &r);
	CHECK_EQ(r.rc, 0);
	CHECK(memcmp(in, out, len) == 0);
	free(out);
	free(in);
	kf_fini(&f);
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

/* An OS destroyed while a write waits for a path (a guest powered off):
 * the world goes on; nothing runs into the freed OS (ASan run). */
TEST(kern_destroy_with_blocked_io_leaves_world_running)
{
	struct kf f;
	static uint8_t buf[CHUNK];
	static struct rw_job w; /* the task never ends: its file stays open */
	struct sim_task *t;
	uint64_t insns;
	size_t lines;
	int c;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	for (c = 0x42; c <= 0x45; c++)
		CHECK_EQ(machine_chp_fail(f.m, (uint8_t)c), 0);
	kf_run_for(&f, 10 * SIM_MS);
	w = (struct rw_job){&f, "/dev/dasda1", buf, CHUNK, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 1 * SIM_S);
	CHECK(!sim_task_done(t));
	os_destroy(f.os);
	f.os = NULL;
	insns = os_insns(f.m);
	lines = sim_trace_count(f.sim);
	for (c = 0x42; c <= 0x45; c++)
		CHECK_EQ(machine_chp_repair(f.m, (uint8_t)c), 0);
	kf_run_for(&f, 1 * SIM_S);
	CHECK(!sim_task_done(t)); /* never woken: its OS is gone */
	/* and the OS took nothing from the machine: no interruption, no
	 * channel report, no I/O for the write */
	CHECK_EQ(os_insns(f.m), insns);
	CHECK_EQ(trace_lines_of(f.sim, lines, "host"), 0);
	kf_fini(&f);
}

/* chchp -c 0 under running I/O (SCLP deconfigure): same guarantees. */
TEST(kern_configure_standby_under_io_keeps_data)
{
	struct kf f;
	size_t len = 8u << 20;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct rw_job w, r;
	struct vary_job v;
	struct sim_task *t, *vt;

	kf_init(&f, 100, 20 * SIM_US, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	fill(&f, out, len);
	w = (struct rw_job){&f, "/dev/dasda1", out, len, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 3 * SIM_MS);
	v = (struct vary_job){&f, KF_CHP("42") "/configure", "0\n", -1};
	vt = sim_task_spawn(f.sim, "chchp", do_vary, &v);
	CHECK(sim_run_until(f.sim, task_done, vt));
	sim_task_free(vt);
	CHECK_EQ(v.rc, 0);
	CHECK(sim_run_until(f.sim, task_done, t));
	sim_task_free(t);
	CHECK_EQ(w.rc, 0);
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 70 ", 6));
	check_attr(&f, KF_SCH "/vpm", "70\n");
	r = (struct rw_job){&f, "/dev/dasda1", in, len, false, 0, NULL};
	kf_task(&f, do_rw, &r);
	CHECK_EQ(r.rc, 0);
	CHECK(memcmp(in, out, len) == 0);
	free(out);
	free(in);
	kf_fini(&f);
}

/* A device not operational at boot is not registered as a ccw device;
 * when it answers and a subchannel report comes, it is recognised. */
TEST(kern_device_not_operational_at_boot_recognised_later)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	/* Take it away and make cio see it gone, then probe again. */
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers/io_subchannel/unbind", "0.0.013f\n"), 0);
	CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, true), 0);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers_probe", "0.0.013f\n"), 0);
	CHECK(!sysfs_exists(f.os->sysfs, KF_DEV));
	CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, false), 0);
	f.inject[0] = 0x0301013f;
	f.ninject = 1;
	f.up->channel_report(f.up->os);
	kf_run_for(&f, 100 * SIM_MS);
	CHECK(sysfs_exists(f.os->sysfs, KF_DEV "/online"));
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	check_attr(&f, KF_DEV "/online", "1\n");
	kf_fini(&f);
}

/* The device answers again without any channel report (nothing tells the
 * OS): Linux's recovery timer looks at a disconnected device after 3 s
 * (then 30 s, then every 300 s), finds it with Sense ID, verifies its
 * paths and the waiting write completes. */
TEST(kern_disconnected_device_comes_back_by_the_recovery_timer)
{
	struct kf f;
	static uint8_t blk[CHUNK], back[CHUNK];
	struct rw_job w, r;
	struct sim_task *t;
	sim_time_t t0;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	for (size_t i = 0; i < sizeof(blk); i++)
		blk[i] = (uint8_t)(i * 7 + 3);
	CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, true), 0);
	w = (struct rw_job){&f, "/dev/dasda1", blk, CHUNK, true, 0, NULL};
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 1 * SIM_S);
	CHECK(!sim_task_done(t));
	check_attr(&f, KF_DEV "/availability", "no path\n");
	CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, false), 0);
	t0 = sim_now(f.sim);
	CHECK(sim_run_until(f.sim, task_done, t));
	CHECK(sim_now(f.sim) - t0 <= 3 * SIM_S);
	sim_task_free(t);
	CHECK_EQ(w.rc, 0);
	check_attr(&f, KF_DEV "/availability", "good\n");
	CHECK(strstr(f.console,
		     "dasd-eckd 0.0.3f3f: A channel path to the device has become operational\n") !=
	      NULL);
	r = (struct rw_job){&f, "/dev/dasda1", back, CHUNK, false, 0, NULL};
	kf_task(&f, do_rw, &r);
	CHECK_EQ(r.rc, 0);
	CHECK(memcmp(blk, back, CHUNK) == 0);
	kf_fini(&f);
}

/* The dasd request policy while no path is left (Linux dasd sysfs
 * attributes): by default a block write waits; with `failfast` it fails
 * at once with ENOLINK (BLK_STS_TRANSPORT), with `timeout` after that
 * many seconds with ETIMEDOUT, and a request that runs out of `retries`
 * fails with EIO.  Never ENODEV: the device is still there. */
static long write_while_notoper(const char *attr, const char *val, sim_time_t *took)
{
	struct kf f;
	static uint8_t blk[CHUNK];
	struct rw_job w;
	struct sim_task *t;
	sim_time_t t0;
	long rc;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	if (attr) {
		char path[128];

		snprintf(path, sizeof(path), KF_DEV "/%s", attr);
		CHECK_EQ(kf_write(&f, path, val), 0);
	}
	CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, true), 0);
	w = (struct rw_job){&f, "/dev/dasda1", blk, CHUNK, true, 0, NULL};
	t0 = sim_now(f.sim);
	t = sim_task_spawn(f.sim, "dd", do_rw, &w);
	kf_run_for(&f, 20 * SIM_S);
	*took = sim_now(f.sim) - t0;
	if (!sim_task_done(t)) {
		/* disconnected: "no device" now that the recovery timer has
		 * looked for it (Sense ID sets the logical paths from PAM) */
		check_attr(&f, KF_DEV "/availability", "no device\n");
		check_attr(&f, KF_DEV "/online", "1\n");
		/* the path comes back: the write completes */
		CHECK_EQ(machine_device_notoper(f.m, 0, 0x13f, false), 0);
		CHECK(sim_run_until(f.sim, task_done, t));
		CHECK_EQ(w.rc, 0);
		rc = 1;
	} else {
		rc = w.rc;
	}
	sim_task_free(t);
	kf_fini(&f);
	return rc;
}

TEST(kern_dasd_policy_while_no_path_is_left)
{
	sim_time_t took;

	CHECK_EQ(write_while_notoper(NULL, NULL, &took), 1); /* waits, then completes */
	CHECK_EQ(write_while_notoper("failfast", "1\n", &took), -ENOLINK);
	CHECK_EQ(write_while_notoper("timeout", "2\n", &took), -ETIMEDOUT);
	CHECK_EQ(write_while_notoper("retries", "1\n", &took), -EIO);
}

TEST(kern_dasd_policy_attributes)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	check_attr(&f, KF_DEV "/expires", "300\n");
	check_attr(&f, KF_DEV "/retries", "256\n");
	check_attr(&f, KF_DEV "/timeout", "0\n");
	check_attr(&f, KF_DEV "/failfast", "0\n");
	CHECK_EQ(kf_write(&f, KF_DEV "/expires", "30\n"), 0);
	check_attr(&f, KF_DEV "/expires", "30\n");
	CHECK_EQ(kf_write(&f, KF_DEV "/expires", "0\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_DEV "/expires", "40000001\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_DEV "/retries", "32769\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_DEV "/retries", "-1\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_DEV "/failfast", "2\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_DEV "/failfast", "yes\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_DEV "/timeout", "\n"), -EINVAL);
	check_attr(&f, KF_DEV "/retries", "256\n");
	kf_fini(&f);
}
