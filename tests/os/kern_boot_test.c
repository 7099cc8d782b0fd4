/* Kernel model on the real machine and 3390: boot, /sys contents, online
 * sequence and its messages, channel-path configure/vary, bad input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/testdev.h"
#include "kern_fixture.h"
#include "os/dasd_priv.h"
#include "os/device_priv.h"
#include "machine/machine.h"
#include "os/cio.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "t.h"

static void check_attr(struct kf *f, const char *path, const char *want)
{
	int rc = -1;
	const char *got = kf_read(f, path, &rc);

	if (rc)
		t_fail(__FILE__, __LINE__, "read %s: %d", path, rc);
	CHECK_STR(got, want);
}

TEST(kern_boot_registers_subchannel_device_and_paths)
{
	struct kf f;
	char link[256];

	kf_init(&f, 20, 0, false);
	check_attr(&f, KF_SCH "/type", "0\n");
	check_attr(&f, KF_SCH "/chpids", "42 43 44 45 00 00 00 00 \n");
	check_attr(&f, KF_SCH "/dev_busid", "0.0.3f3f\n");
	check_attr(&f, KF_SCH "/driver_override", "(null)\n");
	CHECK(sysfs_readlink(f.os->sysfs, KF_SCH "/driver", link, sizeof(link)) > 0);
	CHECK(strstr(link, "io_subchannel") != NULL);
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 f0 ", 6));
	check_attr(&f, KF_DEV "/cutype", "3990/e9\n");
	CHECK(!strncmp(kf_read(&f, KF_DEV "/devtype", NULL), "3390/", 5));
	check_attr(&f, KF_DEV "/online", "0\n");
	check_attr(&f, KF_DEV "/availability", "good\n");
	check_attr(&f, KF_DEV "/discipline", "ECKD\n");
	CHECK(sysfs_readlink(f.os->sysfs, KF_DEV "/driver", link, sizeof(link)) > 0);
	CHECK(strstr(link, "dasd-eckd") != NULL);
	check_attr(&f, KF_CHP("42") "/status", "online\n");
	check_attr(&f, KF_CHP("42") "/type", "1b\n");
	check_attr(&f, KF_CHP("45") "/configure", "1\n");
	check_attr(&f, KF_CHP("42") "/cmg", "unknown\n");
	check_attr(&f, KF_CHP("42") "/shared", "unknown\n");
	CHECK(!sysfs_exists(f.os->sysfs, KF_CHP("46")));
	/* Nothing is printed on the console by boot. */
	CHECK_STR(f.console, "");
	kf_fini(&f);
}

static void check_link(struct kf *f, const char *path, const char *want)
{
	char link[256];
	int rc = sysfs_readlink(f->os->sysfs, path, link, sizeof(link));

	if (rc < 0)
		t_fail(__FILE__, __LINE__, "readlink %s: %d", path, rc);
	CHECK_STR(link, want);
}

/* The kernel's sysfs links are relative (kernfs_get_target_path walks up
 * to the common ancestor); the real lsdasd finds no DASD otherwise. */
TEST(kern_sysfs_links_are_relative_as_linux)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	check_link(&f, KF_SCH, "../../../devices/css0/0.0.013f");
	check_link(&f, KF_SCH "/driver", "../../../bus/css/drivers/io_subchannel");
	check_link(&f, "/sys/bus/css/drivers/io_subchannel/0.0.013f",
		   "../../../../devices/css0/0.0.013f");
	check_link(&f, KF_DEV, "../../../devices/css0/0.0.013f/0.0.3f3f");
	check_link(&f, KF_DEV "/driver", "../../../../bus/ccw/drivers/dasd-eckd");
	check_link(&f, "/sys/bus/ccw/drivers/dasd-eckd/0.0.3f3f",
		   "../../../../devices/css0/0.0.013f/0.0.3f3f");
	kf_fini(&f);
}

TEST(kern_online_prints_linux_dasd_messages_and_creates_block_devices)
{
	struct kf f;
	char *log;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK(strstr(f.console, "dasd-eckd 0.0.3f3f: New DASD 3390/") != NULL);
	CHECK(strstr(f.console, "(CU 3990/01) with 20 cylinders, 15 heads, 224 sectors\n") != NULL);
	CHECK(strstr(f.console, "dasd-eckd 0.0.3f3f: DASD with 4 KB/block, 14400 KB total size, "
				"48 KB/track, compatible disk layout\n") != NULL);
	CHECK(strstr(f.console, " dasda:VOL1/  0X3F3F: dasda1\n") != NULL);
	/* A plain online has no path event: no "path operational" message. */
	CHECK(strstr(f.console, "has become operational") == NULL);
	check_attr(&f, KF_DEV "/online", "1\n");
	check_attr(&f, KF_SCH "/vpm", "f0\n");
	check_attr(&f, KF_DEV "/block/dasda/dev", "94:0\n");
	check_attr(&f, KF_DEV "/block/dasda/size", "28800\n");
	check_attr(&f, KF_DEV "/block/dasda/queue/hw_sector_size", "4096\n");
	CHECK(strncmp(kf_read(&f, KF_DEV "/uid", NULL), "\n", 1) != 0);
	/* dmesg has the lines with timestamps. */
	log = os_dmesg(f.os);
	CHECK(strstr(log, "] dasd-eckd 0.0.3f3f: New DASD") != NULL);
	CHECK(log[0] == '[');
	free(log);
	/* Offline again: the block device goes away, online reads 0. */
	kf_console_clear(&f);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "0\n"), 0);
	check_attr(&f, KF_DEV "/online", "0\n");
	CHECK(!sysfs_exists(f.os->sysfs, KF_DEV "/block/dasda"));
	CHECK_STR(f.console, "");
	/* And online once more: same name, same messages. */
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK(strstr(f.console, " dasda:VOL1/  0X3F3F: dasda1\n") != NULL);
	kf_fini(&f);
}

TEST(kern_configure_standby_clears_pam_and_configure_restores_it)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/configure", "0\n"), 0);
	check_attr(&f, KF_CHP("42") "/configure", "0\n");
	check_attr(&f, KF_CHP("42") "/status", "online\n");
	kf_run_for(&f, 10 * SIM_MS);
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 70 ", 6));
	check_attr(&f, KF_SCH "/vpm", "70\n");
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/configure", "1\n"), 0);
	check_attr(&f, KF_CHP("42") "/configure", "1\n");
	kf_run_for(&f, 10 * SIM_MS);
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 f0 ", 6));
	check_attr(&f, KF_SCH "/vpm", "f0\n");
	kf_fini(&f);
}

TEST(kern_vary_off_keeps_pam_and_drops_the_path_from_vpm)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/status", "off\n"), 0);
	kf_run_for(&f, 10 * SIM_MS);
	check_attr(&f, KF_CHP("42") "/status", "offline\n");
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 f0 ", 6));
	check_attr(&f, KF_SCH "/vpm", "70\n");
	/* Varying off twice is a no-op; on brings the path back. */
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/status", "0"), 0);
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/status", "on\n"), 0);
	kf_run_for(&f, 10 * SIM_MS);
	check_attr(&f, KF_CHP("42") "/status", "online\n");
	check_attr(&f, KF_SCH "/vpm", "f0\n");
	kf_fini(&f);
}

TEST(kern_bad_attribute_input_gets_einval)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/configure", "2\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/configure", "on\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/status", "maybe\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "2\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, KF_SCH "/driver_override",
			  "a_driver_name_that_is_far_too_long_for_the_kernel\n"),
		 -EINVAL);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers_probe", "zz\n"), -EINVAL);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers_probe", "0.0.0999\n"), -ENODEV);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers/io_subchannel/bind", "0.0.013f\n"), -EBUSY);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers/io_subchannel/unbind", "0.0.0001\n"), -ENODEV);
	/* Nothing changed. */
	check_attr(&f, KF_CHP("42") "/status", "online\n");
	check_attr(&f, KF_DEV "/online", "0\n");
	kf_fini(&f);
}

TEST(kern_unbind_removes_ccw_device_and_drivers_probe_rebinds)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers/io_subchannel/unbind", "0.0.013f\n"), 0);
	CHECK(!sysfs_exists(f.os->sysfs, KF_DEV));
	CHECK(!sysfs_exists(f.os->sysfs, KF_SCH "/driver"));
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers_probe", "0.0.013f\n"), 0);
	CHECK(sysfs_exists(f.os->sysfs, KF_DEV "/online"));
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	check_attr(&f, KF_DEV "/online", "1\n");
	kf_fini(&f);
}

/* Linux caches SCLP channel-path information for a second and starts the
 * interval even when the read fails: the first read gets -EIO ("-" in
 * lschp), the next ones within the second see the empty cache (3). */
TEST(kern_sclp_chp_info_cache_failure_semantics)
{
	struct kf f;
	int rc;

	kf_init(&f, 20, 0, true);
	/* Paths were registered from the subchannel descriptions. */
	CHECK(sysfs_exists(f.os->sysfs, KF_CHP("42") "/configure"));
	kf_run_for(&f, 2 * SIM_S);
	kf_read(&f, KF_CHP("42") "/configure", &rc);
	CHECK_EQ(rc, -EIO);
	check_attr(&f, KF_CHP("43") "/configure", "3\n");
	check_attr(&f, KF_CHP("44") "/configure", "3\n");
	kf_run_for(&f, 1100 * SIM_MS);
	kf_read(&f, KF_CHP("44") "/configure", &rc);
	CHECK_EQ(rc, -EIO);
	check_attr(&f, KF_CHP("42") "/configure", "3\n");
	kf_fini(&f);
}

TEST(kern_kmalloc_is_aligned_disjoint_and_reusable)
{
	struct kf f;
	uint64_t a, b, c, base, size;

	kf_init(&f, 20, 0, false);
	os_kmem_range(f.os, &base, &size);
	a = os_kmalloc(f.os, 100, 4096);
	b = os_kmalloc(f.os, 100, 8);
	CHECK(a && b);
	CHECK_EQ(a % 4096, 0);
	CHECK(a >= base && a + 100 <= base + size);
	CHECK(b + 100 <= a || a + 100 <= b);
	CHECK_EQ(os_kmalloc(f.os, 1, 3), 0);
	CHECK_EQ(os_kmalloc(f.os, size + 1, 8), 0);
	os_kfree(f.os, a);
	c = os_kmalloc(f.os, 100, 4096);
	CHECK_EQ(c, a);
	os_kfree(f.os, b);
	os_kfree(f.os, c);
	os_kfree(f.os, 12345); /* not allocated: ignored */
	kf_fini(&f);
}

/* A block device's requests are all alike: the storage of the last one
 * freed is handed to the next of the same size, zeroed as os_kmalloc
 * hands it out; one with a data buffer, or of another size, is not. */
TEST(kern_dasd_request_storage_is_reused_and_zeroed)
{
	struct kf f;
	struct subchannel *sch;
	struct ccw_device *cdev;
	struct dasd_device *dev;
	struct dasd_ccw_req *a, *b, *c;
	uint64_t mem;
	uint8_t *p;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	sch = css_get_subchannel(f.os, (struct ccw_id){0, 0, 0x013f});
	CHECK(sch != NULL);
	cdev = ccw_device_from_sch(sch);
	CHECK(cdev && cdev->drvdata);
	dev = cdev->drvdata;
	a = dasd_alloc_request(dev, 96, 0);
	CHECK(a != NULL);
	mem = a->mem;
	p = dasd_kptr(dev, mem, 96);
	CHECK(p != NULL);
	memset(p, 0xa5, 96);
	a->retries = -7;
	a->have_irb = true;
	dasd_free_request(a);
	b = dasd_alloc_request(dev, 96, 0);
	CHECK(b != NULL);
#ifndef __SANITIZE_ADDRESS__
	CHECK_EQ(b->mem, mem);
#endif
	p = dasd_kptr(dev, b->mem, 96);
	for (int i = 0; i < 96; i++)
		CHECK_EQ(p[i], 0);
	CHECK(!b->have_irb);
	CHECK_EQ(b->retries, DASD_RETRIES);
	CHECK_EQ(b->status, DASD_CQR_FILLED);
	CHECK(b->id != 0);
	c = dasd_alloc_request(dev, 96, 0); /* while b lives: its own */
	CHECK(c && c->mem != b->mem);
	dasd_free_request(b);
	dasd_free_request(c);
	b = dasd_alloc_request(dev, 200, 0); /* another size: its own */
	CHECK(b && b->mem != mem);
	c = dasd_alloc_request(dev, 96, 256); /* with data: its own */
	CHECK(c && c->data);
	dasd_free_request(b);
	dasd_free_request(c);
	kf_fini(&f);
}

struct kblk {
	uint64_t a, n;
};

static int kblk_cmp(const void *x, const void *y)
{
	const struct kblk *a = x, *b = y;

	return a->a < b->a ? -1 : a->a > b->a;
}

/* Random allocations and frees of 8 bytes to 300 KB with alignments up to
 * 64 KB: every block is aligned, inside the range, disjoint from every
 * other live block and zeroed; once all is freed again the buddies have
 * merged, so the largest block of the start is there again. */
TEST(kern_kmalloc_random_blocks_stay_disjoint_and_merge_back)
{
	struct kf f;
	struct kblk live[600], sorted[600];
	uint64_t base, size, big, seed = 12345;
	int n = 0;

	kf_init(&f, 20, 0, false);
	os_kmem_range(f.os, &base, &size);
	/* the largest block the range holds is free at the start */
	for (big = 1ull << 40; big; big >>= 1) {
		uint64_t a = os_kmalloc_nozero(f.os, big, 4096);

		if (a) {
			os_kfree(f.os, a);
			break;
		}
	}
	CHECK(big >= size / 4);
	for (int step = 0; step < 20000; step++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		if (n && (n == 600 || (seed >> 60) < 7)) {
			int k = (int)((seed >> 20) % (uint64_t)n);
			uint8_t *p = os_kptr(f.os, live[k].a, live[k].n);

			memset(p, 0xa5, live[k].n); /* dirty: the next owner gets zeros */
			os_kfree(f.os, live[k].a);
			live[k] = live[--n];
		} else {
			uint64_t sz = (seed >> 33) % ((seed >> 62) ? 2048 : 300 * 1024) + 1;
			uint64_t al = 1ull << ((seed >> 8) % 17);
			uint64_t a = os_kmalloc(f.os, sz, al);
			const uint8_t *p;

			CHECK(a != 0);
			CHECK_EQ(a % al, 0);
			CHECK(a >= base && a + sz <= base + size);
			p = os_kptr(f.os, a, sz);
			for (uint64_t i = 0; i < sz; i += 97)
				CHECK_EQ(p[i], 0);
			live[n++] = (struct kblk){a, sz};
		}
		if (step % 1000 == 0 || n == 600) {
			memcpy(sorted, live, (size_t)n * sizeof(*sorted));
			qsort(sorted, (size_t)n, sizeof(*sorted), kblk_cmp);
			for (int i = 1; i < n; i++)
				CHECK(sorted[i - 1].a + sorted[i - 1].n <= sorted[i].a);
		}
	}
	while (n)
		os_kfree(f.os, live[--n].a);
	CHECK(os_kmalloc_nozero(f.os, big, 4096) != 0);
	kf_fini(&f);
}

/* The letter's lazy sync, seen by the OS: a path went away without a
 * channel report; enabling the subchannel (STSCH) shows the new PAM, the
 * first interruption carries PNO, so cio verifies once more, reports the
 * path as available, and dasd's path worker finds the device had no
 * operational path yet: "A channel path ... has become operational" comes
 * before "New DASD". */
static void pno_online_case(uint64_t seed, bool permute)
{
	struct kf_opts o = {20, 0, false, 0, false, NULL, false, seed, permute};
	struct kf f;
	const char *op, *nd;

	kf_init_opts(&f, &o);
	f.hold_crws = true;
	CHECK_EQ(machine_chp_configure(f.m, 0x42, false), 0);
	kf_run_for(&f, 10 * SIM_MS);
	/* The OS did not notice: its cached SCHIB still says f0. */
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 f0 ", 6));
	f.pnom = 0x80;
	f.pno_once = true;
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	op = strstr(f.console,
		    "dasd-eckd 0.0.3f3f: A channel path to the device has become operational\n");
	nd = strstr(f.console, "dasd-eckd 0.0.3f3f: New DASD");
	CHECK(op != NULL && nd != NULL);
	CHECK(op < nd);
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 70 ", 6));
	check_attr(&f, KF_SCH "/vpm", "70\n");
	/* Offline after the path came back: disabling does STSCH first. */
	CHECK_EQ(machine_chp_configure(f.m, 0x42, true), 0);
	f.pnom = 0;
	kf_run_for(&f, 10 * SIM_MS);
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 70 ", 6));
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "0\n"), 0);
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 f0 ", 6));
	kf_fini(&f);
}

TEST(kern_pno_during_online_reverifies_and_reports_path_operational)
{
	pno_online_case(0, false);
}

/* The order of the messages does not hang on how equal-time events are
 * ordered. */
TEST(kern_pno_online_message_order_under_permuted_interleavings)
{
	uint64_t seed;

	for (seed = 1; seed <= 6; seed++)
		pno_online_case(seed, true);
}

/* Channel reports lost to a full CRW queue: the overflow report makes cio
 * evaluate every subchannel, which finds the changed path masks. */
TEST(kern_crw_overflow_reevaluates_subchannels)
{
	struct kf f;

	kf_init_crwq(&f, 20, 0, false, 1);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	f.hold_crws = true;
	CHECK_EQ(machine_chp_configure(f.m, 0x43, false), 0);
	CHECK_EQ(machine_chp_configure(f.m, 0x44, false), 0);
	CHECK_EQ(machine_chp_configure(f.m, 0x45, false), 0);
	kf_run_for(&f, 10 * SIM_MS);
	check_attr(&f, KF_SCH "/vpm", "f0\n");
	f.hold_crws = false;
	f.up->channel_report(f.up->os); /* the machine check, delivered now */
	kf_run_for(&f, 100 * SIM_MS);
	CHECK(!strncmp(kf_read(&f, KF_SCH "/pimpampom", NULL), "f0 80 ", 6));
	check_attr(&f, KF_SCH "/vpm", "80\n");
	CHECK(machine_stats(f.m)->crws_lost > 0);
	kf_fini(&f);
}

static void crw_report(struct kf *f, const uint32_t *crws, int n)
{
	memcpy(f->inject, crws, (size_t)n * sizeof(*crws));
	f->ninject = n;
	f->up->channel_report(f->up->os);
	kf_run_for(f, 10 * SIM_MS);
}

static int count_in(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

/* crw.c + chp.c: solicited reports are ignored, ERC 6 is CHP_OFFLINE,
 * ERC 2 CHP_ONLINE, an unknown ERC is logged, more than two chained CRWs
 * are drained without being handled. */
TEST(kern_crw_rules)
{
	struct kf f;
	char *log;

	kf_init(&f, 20, 0, false);
	os_set_debug(f.os, 1); /* the cio lines counted below are debug-only */
	crw_report(&f, (const uint32_t[]){0x44060042}, 1); /* S=1: ignored */
	crw_report(&f, (const uint32_t[]){0x04060043}, 1); /* PERRN 0.43 */
	crw_report(&f, (const uint32_t[]){0x04020043}, 1); /* INIT 0.43 */
	crw_report(&f, (const uint32_t[]){0x04030044}, 1); /* TERROR: unknown */
	/* Linux hands a chain's first two CRWs to the handler (which acts
	 * on the first) and logs each further one with three warnings. */
	crw_report(&f, (const uint32_t[]){0x14060044, 0x14060045, 0x04060045}, 3);
	log = os_dmesg(f.os);
	CHECK_EQ(count_in(log, "cio: chpid 0.42 offline"), 0);
	CHECK_EQ(count_in(log, "cio: chpid 0.43 offline"), 1);
	CHECK_EQ(count_in(log, "cio: chpid 0.43 online"), 1);
	CHECK_EQ(count_in(log, "Don't know how to handle erc=3"), 1);
	CHECK_EQ(count_in(log,
			  "crw_collect_info: Code does not support more than two chained crws; "
			  "please report to linux390@de.ibm.com!"),
		 1);
	CHECK_EQ(count_in(log, "crw_collect_info: crw reports slct=0, oflw=0, chn=0, rsc=4, anc=0, "
			       "erc=6, rsid=45"),
		 1);
	CHECK_EQ(count_in(log, "crw_collect_info: This was crw number 2 in the chain"), 1);
	CHECK_EQ(count_in(log, "cio: chpid 0.44 offline"), 1);
	CHECK_EQ(count_in(log, "cio: chpid 0.45 offline"), 0);
	free(log);
	/* An unknown CHPID coming online is registered. */
	crw_report(&f, (const uint32_t[]){0x04020050}, 1);
	CHECK(sysfs_exists(f.os->sysfs, KF_CHP("50") "/status"));
	kf_fini(&f);
}

static int count_events[4];
static uint8_t count_last_chpid;

static int count_probe(struct subchannel *sch)
{
	return 0;
}

static int count_chp_event(struct subchannel *sch, struct chp_link *link, enum chp_event_kind ev)
{
	count_events[ev]++;
	count_last_chpid = link->chpid.id;
	return 0;
}

static const struct css_driver count_driver = {
	.name = "kern_count",
	.probe = count_probe,
	.chp_event = count_chp_event,
};

/* Channel-path events reach the drivers of the subchannels that use the
 * CHPID, and only those (the CHPID -> subchannel index). */
TEST(kern_chp_events_reach_only_subchannels_on_that_chpid)
{
	struct kf_opts o = {20, 0, false, 0, false, NULL, true, 0, false};
	struct kf f;
	char link[256];

	memset(count_events, 0, sizeof(count_events));
	kf_init_opts(&f, &o);
	/* The test device was recognised; no ccw driver wants it. */
	check_attr(&f, "/sys/bus/ccw/devices/0.0.4000/cutype", "3832/00\n");
	CHECK(!sysfs_exists(f.os->sysfs, "/sys/bus/ccw/devices/0.0.4000/driver"));
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	CHECK_EQ(css_driver_register(f.os, &count_driver), 0);
	CHECK_EQ(css_driver_register(f.os, &count_driver), -EEXIST);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/devices/0.0.0140/driver_override", "kern_count\n"), 0);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers/io_subchannel/unbind", "0.0.0140\n"), 0);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers_probe", "0.0.0140\n"), 0);
	CHECK(sysfs_readlink(f.os->sysfs, "/sys/bus/css/devices/0.0.0140/driver", link,
			     sizeof(link)) > 0);
	CHECK(strstr(link, "kern_count") != NULL);
	CHECK(sysfs_exists(f.os->sysfs, "/sys/bus/css/drivers/kern_count/0.0.0140"));
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/status", "off\n"), 0);
	CHECK_EQ(kf_write(&f, KF_CHP("42") "/status", "on\n"), 0);
	CHECK_EQ(count_events[CHP_VARY_OFF] + count_events[CHP_VARY_ON], 0);
	CHECK_EQ(kf_write(&f, KF_CHP("51") "/status", "off\n"), 0);
	CHECK_EQ(count_events[CHP_VARY_OFF], 1);
	CHECK_EQ(count_last_chpid, 0x51);
	CHECK_EQ(kf_write(&f, KF_CHP("50") "/configure", "0\n"), 0);
	kf_run_for(&f, 10 * SIM_MS);
	/* Once from the SCLP completion, once from the machine's CRW. */
	CHECK(count_events[CHP_OFFLINE] >= 1);
	CHECK_EQ(count_last_chpid, 0x50);
	/* 0.51 is varied off: physical events for it are not passed on. */
	CHECK_EQ(machine_chp_fail(f.m, 0x51), 0);
	kf_run_for(&f, 10 * SIM_MS);
	CHECK_EQ(count_last_chpid, 0x50);
	/* Subchannel 0.0.013f did not notice any of it. */
	check_attr(&f, KF_SCH "/vpm", "f0\n");
	kf_fini(&f);
}

static bool tdev_match(const struct ccw_device *cdev)
{
	return cdev->senseid.cu_type == TESTDEV_CU_TYPE;
}

static const struct ccw_driver tdev_driver = {
	.name = "kern_tdev",
	.match = tdev_match,
};

/* A device that rejects SENSE PATH GROUP ID is verified with NOP per path;
 * a path on which the device does not answer stays out of vpm. */
TEST(kern_nop_path_verification_without_path_groups)
{
	struct kf_opts o = {20, 0, false, 0, false, NULL, true, 0, false};
	struct kf f;

	kf_init_opts(&f, &o);
	CHECK_EQ(ccw_driver_register(f.os, &tdev_driver), 0);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers/io_subchannel/unbind", "0.0.0140\n"), 0);
	CHECK_EQ(kf_write(&f, "/sys/bus/css/drivers_probe", "0.0.0140\n"), 0);
	CHECK(sysfs_exists(f.os->sysfs, "/sys/bus/ccw/drivers/kern_tdev/0.0.4000"));
	testdev_set_path_notoper(f.tdev, 0x50, true);
	CHECK_EQ(kf_write(&f, "/sys/bus/ccw/devices/0.0.4000/online", "1\n"), 0);
	check_attr(&f, "/sys/bus/css/devices/0.0.0140/vpm", "40\n");
	testdev_set_path_notoper(f.tdev, 0x50, false);
	CHECK_EQ(kf_write(&f, KF_CHP("50") "/status", "off\n"), 0);
	CHECK_EQ(kf_write(&f, KF_CHP("50") "/status", "on\n"), 0);
	kf_run_for(&f, 10 * SIM_MS);
	check_attr(&f, "/sys/bus/css/devices/0.0.0140/vpm", "c0\n");
	CHECK_EQ(kf_write(&f, "/sys/bus/ccw/devices/0.0.4000/online", "0\n"), 0);
	check_attr(&f, "/sys/bus/ccw/devices/0.0.4000/online", "0\n");
	kf_fini(&f);
}

static bool os_up(void *os)
{
	return os_booted(os);
}

/* A kernel's log timestamps count from its own boot (Linux's printk time is
 * the local clock since boot): an OS that boots 5 s into the run starts at
 * [    0.000000], not at the time of the world. */
TEST(kern_dmesg_time_starts_at_this_kernels_boot)
{
	struct sim *sim = sim_new(1);
	struct machine_config mc = {.storage_size = 64 << 20, .timing = MACHINE_TIMING_ZERO};
	struct machine *m = machine_new(sim, &mc);
	struct os_config oc = {.hostname = "late"};
	struct os *os;
	char *log;

	sim_run_to(sim, 5 * SIM_S + 123 * SIM_US);
	os = os_create(sim, machine_css(m), &oc);
	CHECK(os != NULL);
	sim_run_until(sim, os_up, os);
	log = os_dmesg(os);
	CHECK(log != NULL);
	CHECK(!strncmp(log, "[    0.000000] Linux version chpsync\n", 36));
	free(log);
	os_destroy(os);
	machine_free(m);
	sim_free(sim);
}

/* Linux's dasd names: dasda..dasdz (index 0-25), dasdaa..dasdzz (to 701),
 * dasdaaa..dasdzzz (to 18277), then four letters. */
TEST(kern_dasd_name_of_each_device_index)
{
	static const struct {
		int index;
		const char *name;
	} t[] = {{0, "dasda"},	   {25, "dasdz"},      {26, "dasdaa"},	    {27, "dasdab"},
		 {51, "dasdaz"},   {52, "dasdba"},     {701, "dasdzz"},	    {702, "dasdaaa"},
		 {703, "dasdaab"}, {18277, "dasdzzz"}, {18278, "dasdaaaa"}, {262143, "dasdnwtl"}};
	char name[16];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		dasd_name_format(t[i].index, name, sizeof(name));
		CHECK_STR(name, t[i].name);
	}
}

/* The devmap: a bus ID gets the next device index the first time it is
 * seen and keeps it, however many there are (a host sets tens of thousands
 * of DASDs online; the map is a hash, as Linux's). */
TEST(kern_dasd_devindex_is_first_seen_order_and_kept)
{
	enum { N = 20000 };
	char busid[16];
	struct kf f;
	int first;

	kf_init(&f, 20, 0, false);
	CHECK_EQ(kf_write(&f, KF_DEV "/online", "1\n"), 0);
	first = dasd_devindex(f.os, "0.0.3f3f");
	CHECK_EQ(first, 0);
	for (int i = 0; i < N; i++) {
		snprintf(busid, sizeof(busid), "0.%x.%04x", 1 + (i >> 16), i & 0xffff);
		CHECK_EQ(dasd_devindex(f.os, busid), first + 1 + i);
	}
	for (int i = N - 1; i >= 0; i -= 7) {
		snprintf(busid, sizeof(busid), "0.%x.%04x", 1 + (i >> 16), i & 0xffff);
		CHECK_EQ(dasd_devindex(f.os, busid), first + 1 + i);
	}
	CHECK_EQ(dasd_devindex(f.os, "0.0.3f3f"), first);
	kf_fini(&f);
}
