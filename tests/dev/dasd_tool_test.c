/* `chpsync dasd create|format|info|check` and interoperability with the
 * real Hercules utilities (Debian package `hercules`). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/bytes.h"
#include "dasd_util.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "t.h"

#define CEDE 0x0c

static char out[8192];

#define TOOL(...) dasd_tool(out, sizeof(out), (const char *const[]){"dasd", __VA_ARGS__, NULL})

static void has(const char *needle)
{
	if (!strstr(out, needle))
		t_fail(__FILE__, __LINE__, "output lacks \"%s\":\n%s", needle, out);
}

TEST(dasd_tool_create_info_check_small_volume)
{
	const char *p = dasd_tmp("t1.3390");
	struct stat st;

	CHECK_EQ(TOOL("create", p, "10", "lnx001"), 0);
	has("10 cylinders, full");
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_size, 512 + 150 * 56832);
	CHECK_EQ(TOOL("info", p), 0);
	has("3390/02, 10 cylinders, 15 heads, 150 tracks");
	has("volser:    LNX001");
	has("compatible disk layout, 4096 bytes/block, 7200 KB");
	has("partition: 1 LINUX.VLNX001.PART0001.NATIVE tracks 2-149");
	CHECK_EQ(TOOL("check", p), 0);
	has("ok, 150 tracks (150 read), volser LNX001, 1 partition");
}

TEST(dasd_tool_create_project_default_volume_is_sparse)
{
	const char *p = dasd_tmp("tbig.3390");
	struct stat st;

	CHECK_EQ(TOOL("create", p, "30051", "0X3F3F"), 0);
	has("sparse");
	CHECK_EQ(stat(p, &st), 0);
	CHECK((long long)st.st_blocks * 512 < 1024 * 1024);
	CHECK_EQ(TOOL("info", p), 0);
	has("3390/0C, 30051 cylinders");
	has("21636720 KB");
	has("LINUX.V0X3F3F.PART0001.NATIVE tracks 2-450764");
	CHECK_EQ(TOOL("check", p), 0);
	has("ok, 450765 tracks");
	unlink(p);
}

TEST(dasd_tool_models)
{
	const char *p = dasd_tmp("m.3390");

	CHECK_EQ(TOOL("create", "--sparse", p, "3390-9", "M9"), 0);
	CHECK_EQ(TOOL("info", p), 0);
	has("3390/0C, 10017 cylinders");
	CHECK_EQ(TOOL("create", "--sparse", "--force", p, "3390-3", "M3"), 0);
	CHECK_EQ(TOOL("info", p), 0);
	has("3390/0A, 3339 cylinders");
	unlink(p);
}

TEST(dasd_tool_bad_arguments)
{
	const char *p = dasd_tmp("bad.3390");

	CHECK_EQ(TOOL("create", p, "0", "V1"), 1);
	has("chpsync: dasd create: invalid size '0'");
	CHECK_EQ(TOOL("create", p, "3390-7", "V1"), 1);
	has("invalid size '3390-7'");
	CHECK_EQ(TOOL("create", p, "70000", "V1"), 1);
	CHECK_EQ(TOOL("create", p, "10", "TOOLONG1"), 1);
	has("chpsync: dasd create: invalid volume serial 'TOOLONG1'");
	CHECK_EQ(TOOL("create", p, "10"), 1);
	has("usage");
	CHECK_EQ(TOOL("create", "--bogus", p, "10", "V1"), 1);
	has("unknown option '--bogus'");
	CHECK_EQ(dasd_tool(out, sizeof(out), (const char *const[]){"dasd", NULL}), 1);
	has("chpsync: dasd: expected a subcommand");
	CHECK_EQ(TOOL("--help"), 0);
	has("chpsync dasd check IMAGE");
	CHECK_EQ(TOOL("frobnicate"), 1);
	has("chpsync: dasd: unknown subcommand 'frobnicate'");
	CHECK_EQ(TOOL("create", p, "10", "V1"), 0);
	CHECK_EQ(TOOL("create", p, "10", "V1"), 1);
	has("already exists");
	CHECK_EQ(TOOL("info", dasd_tmp("nonexistent.3390")), 1);
	has("nonexistent.3390: No such file or directory");
	/* A directory is not a volume: say so (it was "too short"). */
	CHECK_EQ(TOOL("info", "/tmp"), 1);
	has("chpsync: /tmp: Is a directory");
	CHECK_EQ(TOOL("check"), 1);
	has("usage");
	CHECK_EQ(TOOL("create", "/nonexistent-dir/x.3390", "10", "V1"), 1);
	has("chpsync: /nonexistent-dir/x.3390:");
}

TEST(dasd_tool_check_names_the_first_bad_track)
{
	const char *p = dasd_tmp("chk.3390");
	int fd;

	CHECK_EQ(TOOL("create", p, "10", "CHK001"), 0);
	fd = open(p, O_WRONLY);
	/* track 33 (cyl 2 head 3): R5 runs past the end of the track */
	CHECK_EQ(pwrite(fd, "\xff\xf0", 2, 512 + 33 * 56832 + 5 + 16 + 4 * 4104 + 6), 2);
	/* track 40: bad home address (reported second, so not at all) */
	CHECK_EQ(pwrite(fd, "\x07", 1, 512 + 40 * 56832 + 2), 1);
	close(fd);
	CHECK_EQ(TOOL("check", p), 1);
	has("chk.3390: track 33 (cyl 2 head 3): record 5 (R5, KL 0 DL 65520) runs past the track "
	    "end");
	CHECK(strstr(out, "track 40") == NULL);
	CHECK_EQ(truncate(p, 1000), 0);
	CHECK_EQ(TOOL("check", p), 1);
	has("truncated");
}

TEST(dasd_tool_format_relabels_and_empties_the_volume)
{
	const char *p = dasd_tmp("tfmt.3390");
	uint8_t *w = malloc(4096), *r = malloc(4096), *z = calloc(1, 4096);
	struct ccwdev *d;

	CHECK_EQ(TOOL("create", "--sparse", p, "200", "OLD001"), 0);
	d = dasd_open(NULL, p, false);
	memset(w, 0x42, 4096);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 1000, 1, w), CEDE);
	d->ops->destroy(d);
	CHECK_EQ(TOOL("format", "--volser", "NEW001", p), 0);
	has("formatted, volser NEW001, 200 cylinders, sparse");
	CHECK_EQ(TOOL("info", p), 0);
	has("volser:    NEW001");
	d = dasd_open(NULL, p, false);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 1000, 1, r), CEDE);
	CHECK_MEM(r, z, 4096);
	d->ops->destroy(d);
	/* --full materialises every track; the volser is kept */
	CHECK_EQ(TOOL("format", "--full", p), 0);
	has("formatted, volser NEW001, 200 cylinders, full");
	CHECK_EQ(TOOL("check", p), 0);
	has("ok, 3000 tracks (3000 read)");
	CHECK_EQ(TOOL("info", p), 0);
	has("(1 file, full)");
	CHECK_EQ(TOOL("format", "--volser", "BAD VOL", p), 1);
	has("invalid volume serial");
	free(w);
	free(r);
	free(z);
}

/* ---- Hercules, the real peer ---- */

static void need_hercules(void)
{
	int rc = dasd_sh(out, sizeof(out),
			 "command -v dasdinit >/dev/null || (apt-get update -qq && "
			 "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hercules) "
			 ">/dev/null 2>&1; command -v dasdinit && command -v dasdls && "
			 "command -v dasdseq");

	if (rc != 0)
		t_fail(__FILE__, __LINE__,
		       "the Hercules utilities (Debian package 'hercules') are not installed and "
		       "could not be installed: %s",
		       out);
}

TEST(dasd_hercules_dasdinit_linux_image_opens_and_labels_read)
{
	const char *p = dasd_tmp("lnx.3390");
	char cmd[1200];
	uint8_t de[16], lr[16], buf[84], c[8];
	static const uint8_t volser[6] = {0xd3, 0xd5, 0xe7, 0xf0, 0xf0, 0xf1}; /* LNX001 */
	struct ccwdev *d;

	need_hercules();
	snprintf(cmd, sizeof(cmd), "dasdinit -linux %s 3390 LNX001 10", p);
	CHECK_EQ(dasd_sh(out, sizeof(out), cmd), 0);
	d = dasd_open(NULL, p, false);
	/* Linux's label read: block 2 = track 0 R3 with key */
	dasd_de(de, 0x40, 0xc0, 0, 0);
	dasd_lr(lr, 0x06, 0x80, 1, 0, 3, 84);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x8e, buf, 84), CEDE);
	dasd_end(d, 0x42);
	CHECK_MEM(buf + 8, volser, 6);
	/* the VTOC track starts with a format-4 DSCB of 44/96 */
	dasd_de(de, 0x40, 0xc4, 0, 1);
	dasd_lr(lr, 0x06, 0x00, 1, 1, 0, 0);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x12, c, 8), CEDE);
	dasd_end(d, 0x42);
	CHECK_EQ(c[5], 44);
	CHECK_EQ(get_be16(c + 6), 96);
	d->ops->destroy(d);
	CHECK_EQ(TOOL("info", p), 0);
	has("volser:    LNX001");
	CHECK_EQ(TOOL("check", p), 0);
}

TEST(dasd_hercules_reads_our_volume_and_blocks)
{
	const char *p = dasd_tmp("ours.3390");
	const char *dsn = "LINUX.VOURS01.PART0001.NATIVE";
	const uint32_t nblk = 148 * 12;
	uint8_t *w = malloc(4096 * 12), *got;
	char cmd[1200];
	struct ccwdev *d;
	struct stat st;
	int fd;

	need_hercules();
	CHECK_EQ(TOOL("create", p, "10", "OURS01"), 0);
	snprintf(cmd, sizeof(cmd), "dasdls %s", p);
	CHECK_EQ(dasd_sh(out, sizeof(out), cmd), 0);
	has("VOLSER=OURS01");
	has(dsn);
	/* write the first and last tracks of the partition through the device */
	d = dasd_open(NULL, p, false);
	for (int i = 0; i < 4096 * 12; i++)
		w[i] = (uint8_t)(i * 13 + (i >> 12));
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 24, 12, w), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 149 * 12, 12, w), CEDE);
	d->ops->destroy(d);
	snprintf(cmd, sizeof(cmd), "cd %s && dasdseq %s %s", t_tmpdir(), p, dsn);
	CHECK_EQ(dasd_sh(out, sizeof(out), cmd), 0);
	has("dasdseq wrote 1776 records");
	snprintf(cmd, sizeof(cmd), "%s/%s", t_tmpdir(), dsn);
	CHECK_EQ(stat(cmd, &st), 0);
	CHECK_EQ(st.st_size, (off_t)nblk * 4096);
	got = malloc((size_t)st.st_size);
	fd = open(cmd, O_RDONLY);
	CHECK_EQ(read(fd, got, (size_t)st.st_size), st.st_size);
	close(fd);
	CHECK_MEM(got, w, 4096 * 12);
	CHECK_MEM(got + (size_t)(nblk - 12) * 4096, w, 4096 * 12);
	free(got);
	free(w);
}

/* The labels of a sparse volume are real tracks: Hercules lists them. */
TEST(dasd_hercules_lists_sparse_project_volume)
{
	const char *p = dasd_tmp("hsparse.3390");
	char cmd[1200];

	need_hercules();
	CHECK_EQ(TOOL("create", p, "30051", "0X3F3F"), 0);
	snprintf(cmd, sizeof(cmd), "dasdls %s", p);
	CHECK_EQ(dasd_sh(out, sizeof(out), cmd), 0);
	has("VOLSER=0X3F3F");
	has("LINUX.V0X3F3F.PART0001.NATIVE");
	unlink(p);
}

/* A default dasdinit volume is not Linux-formatted: its empty tracks hold
 * only R0, which the device reports as "no record found". */
TEST(dasd_hercules_plain_dasdinit_image_reads_as_unformatted)
{
	const char *p = dasd_tmp("plain.3390");
	uint8_t *blk = malloc(4096), s[32];
	char cmd[1200];
	struct ccwdev *d;

	need_hercules();
	snprintf(cmd, sizeof(cmd), "dasdinit %s 3390 PLN001 10", p);
	CHECK_EQ(dasd_sh(out, sizeof(out), cmd), 0);
	CHECK_EQ(TOOL("info", p), 0);
	has("not a Linux CDL volume (track 0 has no records following the VTOC)");
	CHECK_EQ(TOOL("check", p), 0);
	d = dasd_open(NULL, p, false);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 24, 1, blk), 0x0e);
	dasd_sense(d, 0x42, s);
	CHECK_EQ(s[1], 0x08);
	d->ops->destroy(d);
	free(blk);
}

TEST(dasd_tool_check_finds_a_partition_outside_the_volume)
{
	const char *p = dasd_tmp("part.3390");
	int fd;

	CHECK_EQ(TOOL("create", p, "10", "PRT001"), 0);
	fd = open(p, O_WRONLY);
	/* track 1 R3 (the format-1 DSCB): DS1EXT1 upper cylinder 255 */
	CHECK_EQ(pwrite(fd, "\x00\xff", 2, 512 + 56832 + 21 + 2 * 148 + 8 + 105 + 6), 2);
	close(fd);
	CHECK_EQ(TOOL("check", p), 1);
	has("partition 1 (LINUX.VPRT001.PART0001.NATIVE) tracks 2-3839 lie outside the volume "
	    "(2-149)");
}
