/* The image store's journal, descriptor cache and scratch volumes made on
 * first use (docs/dasd.md "Image files", "Durability"). */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dasd_util.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "t.h"

#define CEDE	0x0c
#define TRK	40
#define SLOT(t) (512 + (off_t)(t)*56832)

static void mkvol(const char *p)
{
	char err[600];

	if (eckd_create_image(p, 10, "JNL001", true, err, sizeof(err)) < 0)
		t_fail(__FILE__, __LINE__, "%s", err);
}

/* Track TRK as a standard track whose record 3 holds `fill`. */
static void build(uint8_t *buf, uint8_t fill)
{
	ckd_track_empty_cdl(buf, 56832, TRK / 15, TRK % 15);
	memset(buf + 5 + 16 + 2 * 4104 + 8, fill, 4096);
}

/* A writer that stops without closing: the write of TRK is acknowledged,
 * its journal entry is left behind as a crash leaves it. */
static void write_and_die(const char *p, const uint8_t *track)
{
	pid_t pid = fork();
	int status;

	CHECK(pid >= 0);
	if (pid == 0) {
		struct ckd_image img;
		char err[600];

		if (ckd_open(&img, p, false, err, sizeof(err)) < 0 ||
		    ckd_write(&img, TRK, 0, track, 56832) < 0)
			_exit(1);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void slot(const char *p, uint8_t *buf)
{
	int fd = open(p, O_RDONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, buf, 56832, SLOT(TRK)), 56832);
	close(fd);
}

static void tear(const char *p, off_t from, size_t n)
{
	uint8_t *z = calloc(1, n);
	int fd = open(p, O_WRONLY);

	CHECK(fd >= 0 && z);
	CHECK_EQ(pwrite(fd, z, n, from), (ssize_t)n);
	close(fd);
	free(z);
}

static const char *jpath(const char *p)
{
	static char b[600];

	snprintf(b, sizeof(b), "%s.journal", p);
	return b;
}

TEST(ckd_journal_entry_completes_a_torn_track_at_the_next_open)
{
	const char *p = dasd_tmp("jnl1.3390");
	const char *check[] = {"dasd", "check", p, NULL};
	uint8_t *want = malloc(56832), *got = malloc(56832);
	struct ckd_image img;
	char err[600], out[2048];
	struct ccwdev *d;

	mkvol(p);
	build(want, 0x77);
	write_and_die(p, want);
	CHECK_EQ(access(jpath(p), F_OK), 0);
	/* the image loses the second half of the track, as a torn write */
	tear(p, SLOT(TRK) + 28416, 28416);
	/* the tool checks the track as the journal has it, and says so */
	CHECK_EQ(dasd_tool(out, sizeof(out), check), 0);
	CHECK(strstr(out, ": ok,") != NULL);
	CHECK(strstr(out, "track 40 was being written") != NULL);
	/* a read-only open reads it that way and leaves the files alone */
	CHECK_EQ(ckd_open(&img, p, true, err, sizeof(err)), 0);
	CHECK_EQ(ckd_journal_pending(&img), TRK);
	CHECK_EQ(ckd_read_slot(&img, TRK, got), 0);
	CHECK_MEM(got, want, 56832);
	ckd_close(&img);
	CHECK_EQ(access(jpath(p), F_OK), 0);
	/* the device (read-write) writes it into the image, drops the journal */
	d = dasd_open(NULL, p, false);
	CHECK_EQ(access(jpath(p), F_OK), -1);
	slot(p, got);
	CHECK_MEM(got, want, 56832);
	d->ops->destroy(d);
	CHECK_EQ(dasd_tool(out, sizeof(out), check), 0);
	CHECK(strstr(out, "was being written") == NULL);
	free(want);
	free(got);
}

TEST(ckd_torn_journal_entry_is_not_applied)
{
	const char *p = dasd_tmp("jnl2.3390");
	const char *check[] = {"dasd", "check", p, NULL};
	uint8_t *want = malloc(56832), *got = malloc(56832), *hole = calloc(1, 56832);
	char out[2048];
	struct ccwdev *d;

	mkvol(p);
	build(want, 0x55);
	write_and_die(p, want);
	/* the crash came while the journal entry was written: its second
	 * half is missing, so the image was never touched */
	tear(jpath(p), 64 + 28416, 28416);
	tear(p, SLOT(TRK), 56832);
	CHECK_EQ(dasd_tool(out, sizeof(out), check), 0);
	CHECK(strstr(out, ": ok,") && !strstr(out, "was being written"));
	d = dasd_open(NULL, p, false);
	CHECK_EQ(access(jpath(p), F_OK), -1);
	slot(p, got);
	CHECK_MEM(got, hole, 56832); /* still the hole: a formatted-empty track */
	d->ops->destroy(d);
	free(want);
	free(got);
	free(hole);
}

TEST(ckd_clean_close_leaves_no_journal_and_scratch_volumes_none_at_all)
{
	const char *p = dasd_tmp("jnl3.3390"), *s = dasd_tmp("scratch3.3390");
	struct eckd_config cfg = {
		.image = s, .devno = 0x1234, .create_cyls = 20, .create_volser = "0X1234"};
	uint8_t buf[4096];
	char err[600];
	struct ccwdev *d;

	mkvol(p);
	d = dasd_open(NULL, p, false);
	memset(buf, 0x11, sizeof(buf));
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, TRK * 12 + 2, 1, buf), CEDE);
	CHECK_EQ(access(jpath(p), F_OK), 0);
	d->ops->destroy(d);
	CHECK_EQ(access(jpath(p), F_OK), -1);

	unlink(s);
	d = eckd_open(NULL, &cfg, err, sizeof(err));
	CHECK(d != NULL);
	CHECK_EQ(eckd_cylinders(d), 20);
	CHECK_EQ(access(s, F_OK), -1); /* not made until written */
	memset(buf, 0x5a, sizeof(buf));
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, TRK * 12 + 2, 1, buf), CEDE);
	CHECK_EQ(buf[0], 0);	       /* a hole: a formatted-empty track */
	CHECK_EQ(access(s, F_OK), -1); /* a read needs no file */
	memset(buf, 0x11, sizeof(buf));
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, TRK * 12 + 2, 1, buf), CEDE);
	CHECK_EQ(access(s, F_OK), 0);
	CHECK_EQ(access(jpath(s), F_OK), -1); /* scratch: no journal */
	d->ops->destroy(d);
	d = dasd_open(NULL, s, true);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, TRK * 12 + 2, 1, buf), CEDE);
	CHECK_EQ(buf[4095], 0x11);
	d->ops->destroy(d);
}

TEST(ckd_scratch_volume_that_cannot_be_made_fails_its_commands_naming_the_file)
{
	const char *s = "/nonexistent-chpsync-dir/x.3390";
	struct eckd_config cfg = {
		.image = s, .devno = 0x1234, .create_cyls = 20, .create_volser = "0X1234"};
	uint8_t buf[4096], sense[32];
	char err[600];
	struct ccwdev *d = eckd_open(NULL, &cfg, err, sizeof(err));

	CHECK(d != NULL);
	/* Reads are served without the file; the first write makes it. */
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 30, 1, buf), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 30, 1, buf), 0x0e);
	dasd_sense(d, 0x42, sense);
	CHECK_EQ(sense[0], 0x10); /* equipment check */
	CHECK(strstr(eckd_error(d), s) != NULL);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 30, 1, buf), 0x0e);
	d->ops->destroy(d);
}

static void scratch_fill(void *ctx, uint32_t trk, uint8_t *buf)
{
	eckd_scratch_track(20, "0X1234", trk, buf);
}

static int scratch_make(void *ctx, const char *path, char *err, size_t errlen)
{
	return eckd_create_scratch(path, 20, "0X1234", err, errlen);
}

TEST(ckd_scratch_image_reads_before_it_is_made_as_its_file_will_hold_it)
{
	const char *made = dasd_tmp("made5.3390"), *lazy = dasd_tmp("lazy5.3390");
	struct ckd_opts o = {.no_journal = true,
			     .create = scratch_make,
			     .create_cyls = 20,
			     .fill = scratch_fill,
			     .fill_tracks = ECKD_SCRATCH_TRACKS};
	static const uint32_t trks[] = {0, 1, 2, 15, 299};
	uint8_t *a = malloc(56832), *b = malloc(56832);
	struct ckd_image ma, la;
	char err[600];

	CHECK(a && b);
	CHECK_EQ(eckd_create_scratch(made, 20, "0X1234", err, sizeof(err)), 0);
	unlink(lazy);
	CHECK_EQ(ckd_open(&ma, made, true, err, sizeof(err)), 0);
	CHECK_EQ(ckd_open_opts(&la, lazy, &o, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(trks) / sizeof(trks[0]); i++) {
		memset(a, 1, 56832);
		memset(b, 2, 56832);
		CHECK_EQ(ckd_read_slot(&ma, trks[i], a), 0);
		CHECK_EQ(ckd_read_slot(&la, trks[i], b), 0);
		CHECK_MEM(b, a, 56832);
		CHECK_EQ(ckd_read_track(&la, trks[i], b), ckd_read_track(&ma, trks[i], a));
		CHECK_MEM(b, a, 56832);
		CHECK_EQ(ckd_slot_is_hole(&la, trks[i]), ckd_slot_is_hole(&ma, trks[i]));
		CHECK_EQ(ckd_read_range(&la, trks[i], 100, 5000, b), 0);
		CHECK_EQ(ckd_read_range(&ma, trks[i], 100, 5000, a), 0);
		CHECK_MEM(b, a, 5000);
	}
	CHECK_EQ(access(lazy, F_OK), -1); /* read, never made */
	build(a, 0x77);
	CHECK_EQ(ckd_write(&la, TRK, 0, a, 56832), 0);
	CHECK_EQ(access(lazy, F_OK), 0); /* the first write made it */
	CHECK_EQ(ckd_read_slot(&la, TRK, b), 0);
	CHECK_MEM(b, a, 56832);
	CHECK_EQ(ckd_read_slot(&la, 0, b), 0);
	CHECK_EQ(ckd_read_slot(&ma, 0, a), 0);
	CHECK_MEM(b, a, 56832);
	ckd_close(&la);
	ckd_close(&ma);
	free(a);
	free(b);
}

static int open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n - 1; /* the directory's own */
}

TEST(ckd_devices_share_a_bounded_descriptor_cache)
{
	struct ckd_cache *c = ckd_cache_new(4);
	struct ccwdev *d[24];
	uint8_t buf[4096];
	int base = open_fds();

	CHECK(c && base > 0);
	for (int i = 0; i < 24; i++) {
		char name[32], err[600];
		struct eckd_config cfg = {.devno = 0x100, .cache = c};

		snprintf(name, sizeof(name), "cache%d.3390", i);
		cfg.image = dasd_tmp(name);
		mkvol(cfg.image);
		d[i] = eckd_open(NULL, &cfg, err, sizeof(err));
		CHECK(d[i] != NULL);
		CHECK(open_fds() <= base + 4);
	}
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 24; i++) {
			memset(buf, i + round, sizeof(buf));
			CHECK_EQ(dasd_rw_blocks(d[i], 0x42, true, TRK * 12 + round, 1, buf), CEDE);
			CHECK(open_fds() <= base + 4);
		}
	for (int i = 0; i < 24; i++) {
		for (int round = 0; round < 3; round++) {
			CHECK_EQ(dasd_rw_blocks(d[i], 0x42, false, TRK * 12 + round, 1, buf), CEDE);
			CHECK_EQ(buf[100], i + round);
		}
		d[i]->ops->destroy(d[i]);
	}
	CHECK_EQ(open_fds(), base);
	ckd_cache_free(c);
}

/* Track buffers are bounded machine-wide: a device that is not in a
 * start function gives its buffer up to another device when the pool is
 * full (its next command reads the track again), one in a start function
 * never does. */
TEST(eckd_track_buffers_are_bounded_and_never_taken_from_a_running_program)
{
	struct eckd_trkpool *pool = eckd_trkpool_new(4);
	struct ccwdev *d[24];
	uint8_t buf[4096], de[16], lr[16];

	CHECK(pool != NULL);
	for (int i = 0; i < 24; i++) {
		char name[32], err[600];
		struct eckd_config cfg = {.devno = 0x100, .trkpool = pool};

		snprintf(name, sizeof(name), "pool%d.3390", i);
		cfg.image = dasd_tmp(name);
		mkvol(cfg.image);
		d[i] = eckd_open(NULL, &cfg, err, sizeof(err));
		CHECK(d[i] != NULL);
	}
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 24; i++) {
			memset(buf, i + round, sizeof(buf));
			CHECK_EQ(dasd_rw_blocks(d[i], 0x42, true, TRK * 12 + round, 1, buf), CEDE);
			CHECK(eckd_trkpool_count(pool) <= 4);
		}
	/* Device 0 located its record and waits in its program while 23
	 * others take buffers: its buffer stays, its read is right. */
	dasd_de(de, 0x40, 0xc0, TRK, TRK);
	dasd_lr(lr, 0x06, 0x80, 1, TRK, 2, 4096);
	dasd_select(d[0], 0x42);
	CHECK_EQ(dasd_cmd(d[0], 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d[0], 0x42, 0x47, lr, 16), CEDE);
	for (int i = 1; i < 24; i++) {
		CHECK_EQ(dasd_rw_blocks(d[i], 0x42, false, TRK * 12 + 1, 1, buf), CEDE);
		CHECK_EQ(buf[100], i + 1);
		CHECK(eckd_trkpool_count(pool) <= 4);
	}
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(dasd_cmd(d[0], 0x42, 0x86, buf, 4096), CEDE);
	CHECK_EQ(buf[100], 1);
	dasd_end(d[0], 0x42);
	for (int i = 0; i < 24; i++) {
		CHECK_EQ(dasd_rw_blocks(d[i], 0x42, false, TRK * 12, 1, buf), CEDE);
		CHECK_EQ(buf[100], i);
		d[i]->ops->destroy(d[i]);
	}
	CHECK_EQ(eckd_trkpool_count(pool), 0);
	eckd_trkpool_free(pool);
}
