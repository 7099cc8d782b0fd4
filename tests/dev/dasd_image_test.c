/* The Hercules CKD image store: validation, bad files, multi-file volumes,
 * the sparse extension, durability of acknowledged writes. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/bytes.h"
#include "dasd_util.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "t.h"

#define CEDE 0x0c
#define UC   0x0e

static void mk10(const char *p, bool sparse)
{
	char err[600];

	if (eckd_create_image(p, 10, "IMG001", sparse, err, sizeof(err)) < 0)
		t_fail(__FILE__, __LINE__, "%s", err);
}

static void patch(const char *p, off_t off, const void *data, size_t n)
{
	int fd = open(p, O_WRONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, data, n, off), (ssize_t)n);
	close(fd);
}

static void open_fails_named(const char *p, const char *named, const char *want1, const char *want2)
{
	struct eckd_config cfg = {.image = p};
	char err[600] = "";
	struct ccwdev *d = eckd_open(NULL, &cfg, err, sizeof(err));

	CHECK(d == NULL);
	if (!strstr(err, named) || !strstr(err, want1) || (want2 && !strstr(err, want2)))
		t_fail(__FILE__, __LINE__, "error \"%s\" lacks \"%s\"/\"%s\"", err, want1,
		       want2 ? want2 : "");
}

static void open_fails(const char *p, const char *want1, const char *want2)
{
	open_fails_named(p, p, want1, want2);
}

TEST(ckd_created_image_has_hercules_header_and_size)
{
	const char *p = dasd_tmp("hdr.3390");
	uint8_t h[20];
	struct stat st;
	int fd;

	mk10(p, false);
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_size, 512 + 150 * 56832);
	fd = open(p, O_RDONLY);
	CHECK_EQ(read(fd, h, 20), 20);
	close(fd);
	CHECK_MEM(h, "CKD_P370", 8);
	CHECK_MEM(h + 8, "\x0f\x00\x00\x00\x00\xde\x00\x00\x90\x00\x00\x00", 12);
}

TEST(ckd_truncated_image_is_refused_naming_the_file)
{
	const char *p = dasd_tmp("trunc.3390");

	mk10(p, false);
	CHECK_EQ(truncate(p, 512 + 149 * 56832 + 100), 0);
	open_fails(p, "truncated", NULL);
	CHECK_EQ(truncate(p, 300), 0);
	open_fails(p, "too short", NULL);
}

TEST(ckd_bad_magic_and_wrong_geometry_are_refused)
{
	const char *p = dasd_tmp("magic.3390");

	mk10(p, false);
	patch(p, 0, "NOTACKD!", 8);
	open_fails(p, "not a Hercules CKD image", NULL);
	patch(p, 0, "CKD_P370", 8);
	patch(p, 16, "\x80", 1); /* 3380 */
	open_fails(p, "not a 3390", NULL);
}

TEST(ckd_compressed_image_is_refused_with_conversion_hint)
{
	const char *p = dasd_tmp("comp.cckd");

	mk10(p, false);
	patch(p, 0, "CKD_C370", 8);
	open_fails(p, "dasdcopy", "cckd2ckd");
}

TEST(ckd_bad_home_address_on_track_0_fails_open)
{
	const char *p = dasd_tmp("ha0.3390");

	mk10(p, false);
	patch(p, 512 + 1, "\x12\x34", 2);
	open_fails(p, "track 0", "home address");
}

TEST(ckd_bad_home_address_is_invalid_track_format_on_read)
{
	const char *p = dasd_tmp("ha7.3390");
	uint8_t *buf = malloc(4096), s[32];
	struct ccwdev *d;

	mk10(p, false);
	patch(p, 512 + 7 * 56832 + 3, "\x00\x09", 2);
	d = dasd_open(NULL, p, false);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 7 * 12, 1, buf), UC);
	dasd_sense(d, 0x42, s);
	CHECK_EQ(s[1], 0x40);
	CHECK(strstr(eckd_error(d), p) != NULL);
	CHECK(strstr(eckd_error(d), "track 7") != NULL);
	/* other tracks still work */
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 8 * 12, 1, buf), CEDE);
	d->ops->destroy(d);
	free(buf);
}

TEST(ckd_record_running_past_track_end_is_invalid_track_format)
{
	const char *p = dasd_tmp("runon.3390");
	uint8_t *buf = malloc(4096), s[32];
	struct ccwdev *d;

	mk10(p, false);
	/* track 9 R1 claims a 65000-byte data area */
	patch(p, 512 + 9 * 56832 + 5 + 16 + 6, "\xfd\xe8", 2);
	d = dasd_open(NULL, p, false);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 9 * 12 + 1, 1, buf), UC);
	dasd_sense(d, 0x42, s);
	CHECK_EQ(s[1], 0x40);
	d->ops->destroy(d);
	free(buf);
}

TEST(ckd_random_garbage_tracks_never_crash)
{
	const char *p = dasd_tmp("fuzz.3390");
	struct sim *sim = sim_new(7);
	uint8_t *buf = malloc(4096 * 12), junk[64];
	struct ccwdev *d;

	mk10(p, false);
	for (int i = 0; i < 200; i++) {
		uint64_t t = 2 + sim_rand_below(sim, 148);
		uint64_t off = sim_rand_below(sim, 56832 - sizeof(junk));

		for (size_t j = 0; j < sizeof(junk); j++)
			junk[j] = (uint8_t)sim_rand(sim);
		patch(p, 512 + (off_t)t * 56832 + (off_t)off, junk, 1 + sim_rand_below(sim, 64));
	}
	d = dasd_open(sim, p, false);
	for (uint32_t t = 2; t < 150; t++) {
		uint8_t st = dasd_rw_blocks(d, 0x42, false, t * 12, 12, buf);

		CHECK(st == CEDE || st == UC || st == (CEDE | 0x01));
	}
	d->ops->destroy(d);
	sim_free(sim);
	free(buf);
}

/* Two files: cylinders 0-2 (seq 1, highcyl 2) and 3-4 (seq 2, highcyl 0). */
TEST(ckd_multi_file_volume_opens_and_reads_both_files)
{
	const char *a = dasd_tmp("mf_1.3390"), *b = dasd_tmp("mf_2.3390"),
		   *one = dasd_tmp("mf.3390");
	uint8_t *buf = malloc(4096), *w = malloc(4096);
	struct ccwdev *d;
	char cmd[2048];

	mk10(one, false);
	snprintf(
		cmd, sizeof(cmd),
		"head -c $((512 + 45*56832)) %s > %s && "
		"{ head -c 512 %s; tail -c +$((512 + 45*56832 + 1)) %s | head -c $((30*56832)); } > %s",
		one, a, one, one, b);
	CHECK_EQ(system(cmd), 0);
	patch(a, 17, "\x01\x02\x00", 3);
	patch(b, 17, "\x02\x00\x00", 3);
	d = dasd_open(NULL, a, false);
	CHECK_EQ(eckd_cylinders(d), 5);
	memset(w, 0x5a, 4096);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 50 * 12 + 3, 1, w), CEDE); /* cyl 3 head 5 */
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 50 * 12 + 3, 1, buf), CEDE);
	CHECK_MEM(buf, w, 4096);
	d->ops->destroy(d);
	/* the write landed in the second file */
	int fd = open(b, O_RDONLY);

	CHECK_EQ(pread(fd, buf, 4096, 512 + 5 * 56832 + 5 + 16 + 3 * 4104 + 8), 4096);
	close(fd);
	CHECK_MEM(buf, w, 4096);
	/* a second file out of sequence is named */
	patch(b, 17, "\x03", 1);
	open_fails_named(a, b, "file sequence number 3", NULL);
	/* a third file is missing: named */
	patch(b, 17, "\x02\x04\x00", 3);
	open_fails_named(a, a, "mf_3.3390", "missing");
	free(buf);
	free(w);
}

TEST(ckd_sparse_30051_cylinder_volume_costs_little_disk)
{
	const char *p = dasd_tmp("sp30051.3390");
	struct stat st;
	char err[600];

	CHECK_EQ(eckd_create_image(p, 30051, "0X3F3F", true, err, sizeof(err)), 0);
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_size, 512 + 30051LL * 15 * 56832);
	CHECK((long long)st.st_blocks * 512 < 1024 * 1024);
	unlink(p);
}

TEST(ckd_sparse_hole_reads_as_empty_cdl_track_and_write_materialises_it)
{
	const char *p = dasd_tmp("sp.3390");
	uint8_t *buf = malloc(56832), *zero = calloc(1, 4096 * 12), *w = malloc(4096);
	struct ckd_image img;
	struct ccwdev *d;
	char err[600], why[200];

	mk10(p, true);
	d = dasd_open(NULL, p, false);
	memset(buf, 0x11, 4096 * 12);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 20 * 12, 12, buf), CEDE);
	CHECK_MEM(buf, zero, 4096 * 12);
	memset(w, 0x77, 4096);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 20 * 12 + 5, 1, w), CEDE);
	d->ops->destroy(d);
	CHECK_EQ(ckd_open(&img, p, true, err, sizeof(err)), 0);
	CHECK(img.sparse);
	CHECK(!ckd_slot_is_hole(&img, 20));
	CHECK(ckd_slot_is_hole(&img, 21));
	/* the written track is a real Hercules track in the file */
	CHECK_EQ(ckd_read_slot(&img, 20, buf), 0);
	CHECK_EQ(ckd_check_track(buf, img.trksize, 1, 5, why, sizeof(why)), 0);
	CHECK_MEM(buf + 5 + 16 + 5 * 4104 + 8, w, 4096);
	/* holes are skipped (up to file-system block granularity) */
	CHECK(ckd_next_data_track(&img, 3) >= 19 && ckd_next_data_track(&img, 3) <= 20);
	CHECK_EQ(ckd_next_data_track(&img, 22), 150);
	ckd_close(&img);
	free(buf);
	free(zero);
	free(w);
}

TEST(ckd_all_zero_slot_without_sparse_marker_is_an_error)
{
	const char *p = dasd_tmp("zero.3390");
	uint8_t *z = calloc(1, 56832), *buf = malloc(4096), s[32];
	struct ccwdev *d;

	mk10(p, false);
	patch(p, 512 + 30 * 56832, z, 56832);
	d = dasd_open(NULL, p, false);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 30 * 12, 1, buf), UC);
	dasd_sense(d, 0x42, s);
	CHECK_EQ(s[1], 0x40);
	d->ops->destroy(d);
	free(z);
	free(buf);
}

/* A write is in the file before the device presents CE/DE: a process
 * killed right after the acknowledgement loses nothing. */
TEST(ckd_acknowledged_write_survives_sigkill)
{
	const char *p = dasd_tmp("dur.3390");
	uint8_t *w = malloc(4096 * 3), *r = malloc(4096 * 3);
	int status;
	pid_t pid;

	mk10(p, false);
	for (int i = 0; i < 4096 * 3; i++)
		w[i] = (uint8_t)(i ^ (i >> 8) ^ 0x3c);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct eckd_config cfg = {.image = p, .devno = 0x3f3f};
		char err[600];
		struct ccwdev *d = eckd_open(NULL, &cfg, err, sizeof(err));

		if (!d || dasd_rw_blocks(d, 0x42, true, 100, 3, w) != CEDE)
			_exit(3);
		raise(SIGKILL);
		_exit(4);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	struct ccwdev *d = dasd_open(NULL, p, false);

	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 100, 3, r), CEDE);
	CHECK_MEM(r, w, 4096 * 3);
	d->ops->destroy(d);
	free(w);
	free(r);
}

TEST(ckd_fsync_mode_writes_through)
{
	const char *p = dasd_tmp("fs.3390");
	struct eckd_config cfg = {.image = p, .fsync = true};
	uint8_t *w = malloc(4096), *r = malloc(4096);
	char err[600];
	struct ccwdev *d;
	int fd;

	mk10(p, true);
	d = eckd_open(NULL, &cfg, err, sizeof(err));
	CHECK(d != NULL);
	memset(w, 0xa5, 4096);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 40, 1, w), CEDE);
	fd = open(p, O_RDONLY);
	CHECK_EQ(pread(fd, r, 4096, 512 + 3 * 56832 + 5 + 16 + 4 * 4104 + 8), 4096);
	close(fd);
	CHECK_MEM(r, w, 4096);
	d->ops->destroy(d);
	free(w);
	free(r);
}

TEST(ckd_sparse_hole_revisited_then_written_keeps_other_records_empty)
{
	const char *p = dasd_tmp("sp2.3390");
	uint8_t *buf = malloc(56832), *zero = calloc(1, 4096), *w = malloc(4096);
	struct ccwdev *d;
	char why[200];
	int fd;

	mk10(p, true);
	d = dasd_open(NULL, p, false);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 30 * 12, 1, buf), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 31 * 12, 1, buf), CEDE);
	memset(w, 0x99, 4096);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 30 * 12 + 7, 1, w), CEDE);
	d->ops->destroy(d);
	fd = open(p, O_RDONLY);
	CHECK_EQ(pread(fd, buf, 56832, 512 + 30 * 56832), 56832);
	close(fd);
	CHECK_EQ(ckd_check_track(buf, 56832, 2, 0, why, sizeof(why)), 0);
	CHECK_MEM(buf + 5 + 16 + 7 * 4104 + 8, w, 4096);
	for (int r = 0; r < 12; r++)
		if (r != 7)
			CHECK_MEM(buf + 5 + 16 + r * 4104 + 8, zero, 4096);
	free(buf);
	free(zero);
	free(w);
}
