/* The 3390 device: the commands Linux issues, one rule per test. */
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "dasd_util.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "t.h"

#define CEDE 0x0c
#define UC   0x0e

static struct sim *dsim;

static struct ccwdev *vol10(const char *name)
{
	char err[600];
	const char *p = dasd_tmp(name);

	if (!dsim)
		dsim = sim_new(1);
	if (eckd_create_image(p, 10, "LNX001", false, err, sizeof(err)) < 0)
		t_fail(__FILE__, __LINE__, "%s", err);
	return dasd_open(dsim, p, false);
}

static void check_sense(struct ccwdev *d, uint8_t path, uint8_t b0, uint8_t b1, uint8_t b7)
{
	uint8_t s[32];

	dasd_sense(d, path, s);
	CHECK_EQ(s[0], b0);
	CHECK_EQ(s[1], b1);
	CHECK_EQ(s[7], b7);
	CHECK_EQ(s[27], 0x80);
}

TEST(eckd_sense_id_is_3390_behind_3990_6)
{
	struct ccwdev *d = vol10("sid.3390");
	static const uint8_t want[20] = {0xff, 0x39, 0x90, 0xe9, 0x33, 0x90, 0x02,
					 0x00, 0x40, 0xfa, 0x01, 0x00, 0x41, 0x27,
					 0x00, 0x04, 0x42, 0x3e, 0x00, 0x60};
	uint8_t buf[256];

	CHECK_EQ(dasd_one(d, 0x42, 0xe4, buf, 256), CEDE);
	CHECK_EQ(dasd_len, 20);
	CHECK_MEM(buf, want, 20);
	CHECK_EQ(d->ops->devtype(d), 0x3390);
	d->ops->destroy(d);
}

TEST(eckd_large_volume_reports_model_0c_and_cu_model_1)
{
	char err[600];
	const char *p = dasd_tmp("big.3390");
	uint8_t rdc[64], sid[256];
	struct ccwdev *d;

	CHECK_EQ(eckd_create_image(p, 30051, "0X3F3F", true, err, sizeof(err)), 0);
	d = dasd_open(dsim, p, false);
	CHECK_EQ(dasd_one(d, 0x42, 0x64, rdc, 64), CEDE);
	CHECK_EQ(dasd_len, 64);
	CHECK_EQ(get_be16(rdc), 0x3990);
	CHECK_EQ(rdc[2] & 0x07, 1); /* "CU 3990/01" */
	CHECK_EQ(get_be16(rdc + 3), 0x3390);
	CHECK_EQ(rdc[5], 0x0c); /* "3390/0C" */
	CHECK_EQ(get_be16(rdc + 12), 30051);
	CHECK_EQ(get_be16(rdc + 14), 15);
	CHECK_EQ(rdc[16], 224);
	CHECK_EQ(get_be32(rdc + 60), 30051);
	CHECK_EQ(dasd_one(d, 0x43, 0xe4, sid, 256), CEDE);
	CHECK_EQ(sid[6], 0x0c);
	d->ops->destroy(d);
}

TEST(eckd_rcd_is_identical_on_every_path_with_ned_and_gneq)
{
	struct ccwdev *d = vol10("rcd.3390");
	uint8_t a[256], b[256];

	memset(a, 0xaa, sizeof(a));
	CHECK_EQ(dasd_one(d, 0x42, 0xfa, a, 256), CEDE);
	CHECK_EQ(dasd_len, 256);
	CHECK_EQ(dasd_one(d, 0x45, 0xfa, b, 256), CEDE);
	CHECK_MEM(a, b, 256);
	CHECK_EQ(a[0] >> 6, 3);			 /* NED */
	CHECK_EQ(a[1], 1);			 /* describing the device itself */
	CHECK_EQ(a[31], 0x3f);			 /* unit address */
	CHECK_EQ(a[224] >> 6, 2);		 /* GNEQ */
	CHECK_EQ(get_be16(a + 224 + 8), 0x3f20); /* SSID */
	d->ops->destroy(d);
}

TEST(eckd_path_group_is_kept_per_path)
{
	struct ccwdev *d = vol10("pg.3390");
	uint8_t spid[12] = {0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, snid[12];

	CHECK_EQ(dasd_one(d, 0x42, 0x34, snid, 12), CEDE);
	CHECK_EQ(snid[0], 0x00); /* reset */
	CHECK_EQ(dasd_one(d, 0x42, 0xaf, spid, 12), CEDE);
	CHECK_EQ(dasd_one(d, 0x42, 0x34, snid, 12), CEDE);
	CHECK_EQ(snid[0], 0xc8); /* grouped, multipath */
	CHECK_MEM(snid + 1, spid + 1, 11);
	CHECK_EQ(dasd_one(d, 0x43, 0x34, snid, 12), CEDE);
	CHECK_EQ(snid[0], 0x00); /* the other path is still reset */
	/* a different PGID on a grouped path is rejected */
	spid[11] = 99;
	CHECK_EQ(dasd_one(d, 0x42, 0xaf, spid, 12), UC);
	check_sense(d, 0x42, 0x80, 0, 0x04);
	/* reserved function bits are rejected */
	spid[0] = 0x81;
	CHECK_EQ(dasd_one(d, 0x43, 0xaf, spid, 12), UC);
	/* resign */
	spid[0] = 0x40;
	CHECK_EQ(dasd_one(d, 0x42, 0xaf, spid, 12), CEDE);
	CHECK_EQ(dasd_one(d, 0x42, 0x34, snid, 12), CEDE);
	CHECK_EQ(snid[0], 0x00);
	d->ops->destroy(d);
}

TEST(eckd_snid_must_be_first_in_chain)
{
	struct ccwdev *d = vol10("pg2.3390");
	uint8_t buf[12];

	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x03, NULL, 0), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x34, buf, 12), UC);
	dasd_end(d, 0x42);
	check_sense(d, 0x42, 0x80, 0, 0x02);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x5b, NULL, 0), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x34, buf, 12), CEDE);
	dasd_end(d, 0x42);
	d->ops->destroy(d);
}

TEST(eckd_psf_feature_codes_and_unit_address_config)
{
	struct ccwdev *d = vol10("psf.3390");
	uint8_t psf[66] = {0x18}, data[512];

	psf[6] = 0x41;
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x27, psf, 12), CEDE);
	memset(data, 0xee, sizeof(data));
	CHECK_EQ(dasd_cmd(d, 0x42, 0x3e, data, 256), CEDE);
	CHECK_EQ(dasd_len, 256);
	CHECK_EQ(data[8], 0);
	dasd_end(d, 0x42);
	psf[6] = 0x0e;
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x27, psf, 12), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x3e, data, 512), CEDE);
	CHECK_EQ(data[2 * 0x3f], 0x01); /* base device at its unit address */
	dasd_end(d, 0x42);
	/* unsupported suborder: command reject, format 0 message 4 */
	psf[6] = 0x52;
	CHECK_EQ(dasd_one(d, 0x42, 0x27, psf, 12), UC);
	check_sense(d, 0x42, 0x80, 0, 0x04);
	/* Set Subsystem Characteristics is accepted, a short one is not */
	psf[0] = 0x1d;
	CHECK_EQ(dasd_one(d, 0x42, 0x27, psf, 66), CEDE);
	CHECK_EQ(dasd_one(d, 0x42, 0x27, psf, 20), UC);
	check_sense(d, 0x42, 0x80, 0, 0x03);
	/* RSSD without a preceding PSF */
	CHECK_EQ(dasd_one(d, 0x42, 0x3e, data, 256), UC);
	check_sense(d, 0x42, 0x80, 0, 0x02);
	d->ops->destroy(d);
}

TEST(eckd_analysis_reads_cdl_counts)
{
	struct ccwdev *d = vol10("an.3390");
	uint8_t de[16], lr[16], c[4][8];
	static const uint8_t kl[4] = {4, 4, 4, 0};
	static const uint16_t dl[4] = {24, 144, 80, 4096};

	dasd_de(de, 0x40, 0xc4, 0, 1);
	dasd_lr(lr, 0x06, 0x00, 4, 0, 0, 0);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(dasd_cmd(d, 0x42, 0x12, c[i], 8), CEDE);
		CHECK_EQ(c[i][4], i + 1);
		CHECK_EQ(c[i][5], kl[i]);
		CHECK_EQ(get_be16(c[i] + 6), dl[i]);
	}
	dasd_lr(lr, 0x06, 0x00, 1, 1, 0, 0);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x12, c[0], 8), CEDE);
	CHECK_EQ(c[0][5], 44);
	CHECK_EQ(get_be16(c[0] + 6), 96);
	dasd_end(d, 0x42);
	d->ops->destroy(d);
}

TEST(eckd_block_write_then_read_across_tracks)
{
	struct ccwdev *d = vol10("rw.3390");
	uint8_t *w = malloc(4096 * 5), *r = malloc(4096 * 5);

	for (int i = 0; i < 4096 * 5; i++)
		w[i] = (uint8_t)(i * 7 + i / 4096);
	/* blocks 70..74: track 5 R11, R12, track 6 R1..R3 */
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 70, 5, w), CEDE);
	memset(r, 0, 4096 * 5);
	CHECK_EQ(dasd_rw_blocks(d, 0x43, false, 70, 5, r), CEDE);
	CHECK_MEM(r, w, 4096 * 5);
	free(w);
	free(r);
	d->ops->destroy(d);
}

TEST(eckd_cdl_special_blocks_read_with_key)
{
	struct ccwdev *d = vol10("key.3390");
	uint8_t de[16], lr[16], buf[84];
	static const uint8_t vol1[4] = {0xe5, 0xd6, 0xd3, 0xf1};
	static const uint8_t lnx[6] = {0xd3, 0xd5, 0xe7, 0xf0, 0xf0, 0xf1};

	dasd_de(de, 0x40, 0xc0, 0, 0);
	dasd_lr(lr, 0x06, 0x80, 1, 0, 3, 84);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x8e, buf, 84), CEDE);
	dasd_end(d, 0x42);
	CHECK_EQ(dasd_len, 84);
	CHECK_MEM(buf, vol1, 4);     /* key */
	CHECK_MEM(buf + 4, vol1, 4); /* label id */
	CHECK_MEM(buf + 8, lnx, 6);  /* volser LNX001 */
	d->ops->destroy(d);
}

TEST(eckd_locate_outside_extent_is_file_protected)
{
	struct ccwdev *d = vol10("fp.3390");
	uint8_t de[16], lr[16];

	dasd_de(de, 0x40, 0xc0, 2, 3);
	dasd_lr(lr, 0x06, 0x80, 1, 4, 1, 4096);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), UC);
	dasd_end(d, 0x42);
	check_sense(d, 0x42, 0x00, 0x04, 0);
	d->ops->destroy(d);
}

TEST(eckd_multitrack_read_past_extent_end_is_file_protected)
{
	struct ccwdev *d = vol10("fp2.3390");
	uint8_t de[16], lr[16], buf[4096];

	dasd_de(de, 0x40, 0xc0, 2, 2);
	dasd_lr(lr, 0x06, 0x80, 2, 2, 12, 4096);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x86, buf, 4096), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x86, buf, 4096), UC);
	dasd_end(d, 0x42);
	check_sense(d, 0x42, 0x00, 0x04, 0);
	d->ops->destroy(d);
}

TEST(eckd_write_under_read_only_file_mask_is_file_protected)
{
	struct ccwdev *d = vol10("fp3.3390");
	uint8_t de[16], lr[16];

	dasd_de(de, 0x40, 0xc0, 2, 2); /* inhibit all writes */
	dasd_lr(lr, 0x01, 0x80, 1, 2, 1, 4096);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), UC);
	dasd_end(d, 0x42);
	check_sense(d, 0x42, 0x00, 0x04, 0);
	d->ops->destroy(d);
}

TEST(eckd_locate_without_define_extent_is_rejected)
{
	struct ccwdev *d = vol10("seq.3390");
	uint8_t lr[16], buf[4096];

	dasd_lr(lr, 0x06, 0x80, 1, 2, 1, 4096);
	CHECK_EQ(dasd_one(d, 0x42, 0x47, lr, 16), UC);
	check_sense(d, 0x42, 0x80, 0, 0x02);
	CHECK_EQ(dasd_one(d, 0x42, 0x86, buf, 4096), UC);
	check_sense(d, 0x42, 0x80, 0, 0x02);
	d->ops->destroy(d);
}

TEST(eckd_bad_define_extent_parameters_are_rejected)
{
	struct ccwdev *d = vol10("debad.3390");
	uint8_t de[16];

	dasd_de(de, 0x40, 0x00, 0, 1); /* global attributes not ECKD */
	CHECK_EQ(dasd_one(d, 0x42, 0x63, de, 16), UC);
	check_sense(d, 0x42, 0x80, 0, 0x04);
	dasd_de(de, 0x40, 0xc0, 5, 4); /* begin after end */
	CHECK_EQ(dasd_one(d, 0x42, 0x63, de, 16), UC);
	dasd_de(de, 0x40, 0xc0, 0, 150); /* beyond the volume */
	CHECK_EQ(dasd_one(d, 0x42, 0x63, de, 16), UC);
	CHECK_EQ(dasd_one(d, 0x42, 0x63, de, 8), UC); /* too short */
	check_sense(d, 0x42, 0x80, 0, 0x03);
	d->ops->destroy(d);
}

TEST(eckd_unknown_command_is_rejected_with_message_1)
{
	struct ccwdev *d = vol10("unk.3390");
	uint8_t buf[32];

	CHECK_EQ(dasd_one(d, 0x42, 0x95, buf, 32), UC);
	/* basic sense returns and clears it */
	CHECK_EQ(dasd_one(d, 0x42, 0x04, buf, 32), CEDE);
	CHECK_EQ(dasd_len, 32);
	CHECK_EQ(buf[0], 0x80);
	CHECK_EQ(buf[7], 0x01);
	CHECK_EQ(d->ops->sense(d, 0x42, buf), 0);
	d->ops->destroy(d);
}

TEST(eckd_sense_is_kept_for_the_path_that_got_the_unit_check)
{
	struct ccwdev *d = vol10("sp.3390");
	uint8_t buf[32];

	CHECK_EQ(dasd_one(d, 0x42, 0x95, buf, 32), UC);
	CHECK_EQ(d->ops->sense(d, 0x43, buf), 0);
	CHECK_EQ(d->ops->sense(d, 0x42, buf), 32);
	d->ops->destroy(d);
}

/* dasdfmt: DE 00 C4 + LR format + Write CKD x 12 per track (0x9D on the
 * next track), count fields only with the CU padding key and data. */
TEST(eckd_dasdfmt_writes_tracks_the_device_can_read)
{
	struct ccwdev *d = vol10("fmt.3390");
	uint8_t de[16], lr[16], cnt[8], c[8], *blk = calloc(1, 4096);
	uint8_t *trk = malloc(CKD_3390_TRKSIZE);
	char why[200];

	/* invalidate track 2: R1 with KL 0 DL 0 */
	dasd_de(de, 0x00, 0xc4, 2, 3);
	de[7] = 0x04;
	dasd_lr(lr, 0x03, 0x80, 1, 2, 0, 4096);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	memcpy(cnt, (uint8_t[]){0, 0, 0, 2, 1, 0, 0, 0}, 8);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x1d, cnt, 8), CEDE);
	dasd_end(d, 0x42);
	/* reading block 24 (track 2 R1) now ends in unit exception (EOF) */
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 24, 1, blk), CEDE | 0x01);
	/* reading R2 finds no record */
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 25, 1, blk), UC);
	check_sense(d, 0x42, 0x00, 0x08, 0);
	/* format tracks 2 and 3 */
	dasd_lr(lr, 0x03, 0x80, 24, 2, 0, 4096);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	for (int t = 2; t <= 3; t++) {
		for (int r = 1; r <= 12; r++) {
			put_be16(c, 0);
			put_be16(c + 2, (uint16_t)t);
			c[4] = (uint8_t)r;
			c[5] = 0;
			put_be16(c + 6, 4096);
			CHECK_EQ(dasd_cmd(d, 0x42, (t == 3 && r == 1) ? 0x9d : 0x1d, c, 8), CEDE);
			CHECK(dasd_wanted_more); /* the channel's SLI suppresses the IL */
		}
	}
	dasd_end(d, 0x42);
	d->ops->destroy(d);
	/* the image holds two well-formed 12 x 4096 tracks */
	struct ckd_image img;
	char err[600];

	CHECK_EQ(ckd_open(&img, dasd_tmp("fmt.3390"), true, err, sizeof(err)), 0);
	for (uint32_t t = 2; t <= 3; t++) {
		CHECK_EQ(ckd_read_track(&img, t, trk), 0);
		CHECK_EQ(ckd_check_track(trk, img.trksize, 0, t, why, sizeof(why)), 0);
		CHECK_EQ(trk[5 + 16 + 11 * 4104 + 4], 12);
	}
	ckd_close(&img);
	free(trk);
	free(blk);
}

TEST(eckd_unformatted_track_gives_no_record_found)
{
	struct ccwdev *d = vol10("nrf.3390");
	uint8_t de[16], lr[16], ha[5] = {0, 0, 0, 0, 4}, r0[16] = {0, 0, 0, 4, 0, 0, 0, 8}, c[8];

	/* Write HA + R0 leaves an empty track (Hercules null track format 1) */
	dasd_de(de, 0xc0, 0xc4, 4, 4);
	dasd_lr(lr, 0x43, 0x00, 2, 4, 0, 0); /* HA orientation, format write */
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x19, ha, 5), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x15, r0, 16), CEDE);
	dasd_end(d, 0x42);
	/* analysis-style Read Count after R0: no record found */
	dasd_de(de, 0x40, 0xc4, 4, 4);
	dasd_lr(lr, 0x06, 0x00, 1, 4, 0, 0);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x12, c, 8), UC);
	dasd_end(d, 0x42);
	check_sense(d, 0x42, 0x00, 0x08, 0);
	/* and a block read: the LR search does not find R1 */
	uint8_t *blk = calloc(1, 4096);

	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 48, 1, blk), UC);
	free(blk);
	check_sense(d, 0x42, 0x00, 0x08, 0);
	d->ops->destroy(d);
}

TEST(eckd_read_track_returns_all_records_after_r0)
{
	struct ccwdev *d = vol10("rt.3390");
	uint8_t de[16], lr[16], *buf = malloc(60000);

	dasd_de(de, 0x40, 0xc0, 0, 0);
	dasd_lr(lr, 0x0c, 0x00, 1, 0, 0, 0);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0xde, buf, 60000), CEDE);
	dasd_end(d, 0x42);
	/* R1 (4+24) + R2 (4+144) + R3 (4+80) + 9 x 4096, each with a count */
	CHECK_EQ(dasd_len, 12 * 8 + 28 + 148 + 84 + 9 * 4096);
	CHECK_EQ(buf[4], 1);
	free(buf);
	d->ops->destroy(d);
}

TEST(eckd_read_home_address_and_r0)
{
	struct ccwdev *d = vol10("ha.3390");
	uint8_t de[16], lr[16], ha[5], r0[16];

	dasd_de(de, 0x40, 0xc0, 17, 17);
	dasd_lr(lr, 0x56, 0x00, 2, 17, 0, 0); /* HA orientation, read any */
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x1a, ha, 5), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x16, r0, 16), CEDE);
	dasd_end(d, 0x42);
	CHECK_EQ(get_be16(ha + 1), 1);
	CHECK_EQ(get_be16(ha + 3), 2);
	CHECK_EQ(dasd_len, 16);
	CHECK_EQ(r0[4], 0);
	CHECK_EQ(get_be16(r0 + 6), 8);
	d->ops->destroy(d);
}

TEST(eckd_reserve_holds_off_other_path_groups)
{
	struct ccwdev *d = vol10("rsv.3390");
	uint8_t spid[12] = {0x80, 1}, buf[32];

	CHECK_EQ(dasd_one(d, 0x42, 0xaf, spid, 12), CEDE);
	CHECK_EQ(dasd_one(d, 0x43, 0xaf, spid, 12), CEDE);
	spid[1] = 2;
	CHECK_EQ(dasd_one(d, 0x44, 0xaf, spid, 12), CEDE);
	CHECK_EQ(dasd_one(d, 0x42, 0xb4, buf, 32), CEDE);
	CHECK_EQ(dasd_len, 32);
	/* same group, other path: allowed; other group: busy */
	CHECK_EQ(dasd_one(d, 0x43, 0x03, NULL, 0), CEDE);
	CHECK_EQ(dasd_one(d, 0x44, 0x03, NULL, 0), 0x10);
	CHECK_EQ(dasd_one(d, 0x44, 0x34, buf, 12), CEDE);
	CHECK_EQ(buf[0] & 0x30, 0x20); /* reserved to another group */
	CHECK_EQ(dasd_one(d, 0x43, 0x34, buf, 12), CEDE);
	CHECK_EQ(buf[0] & 0x30, 0x30);
	/* unconditional reserve steals it; release frees it */
	CHECK_EQ(dasd_one(d, 0x44, 0x14, buf, 32), CEDE);
	CHECK_EQ(dasd_one(d, 0x42, 0x03, NULL, 0), 0x10);
	CHECK_EQ(dasd_one(d, 0x44, 0x94, buf, 32), CEDE);
	CHECK_EQ(dasd_one(d, 0x42, 0x03, NULL, 0), CEDE);
	d->ops->destroy(d);
}

TEST(eckd_read_only_device_rejects_writes)
{
	char err[600];
	const char *p = dasd_tmp("ro.3390");
	uint8_t *buf = calloc(1, 4096);
	struct ccwdev *d;

	CHECK_EQ(eckd_create_image(p, 10, "RO0001", false, err, sizeof(err)), 0);
	d = dasd_open(dsim, p, true);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 30, 1, buf), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 30, 1, buf), UC);
	check_sense(d, 0x42, 0x80, 0x02, 0);
	free(buf);
	d->ops->destroy(d);
}

TEST(eckd_write_update_with_wrong_length_factor_is_invalid_track_format)
{
	struct ccwdev *d = vol10("tlf.3390");
	uint8_t de[16], lr[16], buf[4096] = {0};

	dasd_de(de, 0x80, 0xc0, 5, 5);
	dasd_lr(lr, 0x01, 0x80, 1, 5, 1, 2048);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x85, buf, 2048), UC);
	dasd_end(d, 0x42);
	check_sense(d, 0x42, 0x00, 0x40, 0);
	d->ops->destroy(d);
}

/* The device reads known-standard tracks record by record; a layout change
 * through Write CKD must still be seen after the track left the buffer. */
TEST(eckd_layout_change_on_a_revisited_track_is_seen)
{
	struct ccwdev *d = vol10("lazy.3390");
	uint8_t de[16], lr[16], cnt[8] = {0, 0, 0, 6, 1, 0, 0, 0}, *blk = malloc(4096);

	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 6 * 12 + 4, 1, blk), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 7 * 12, 1, blk), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 6 * 12 + 2, 1, blk), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 7 * 12, 1, blk), CEDE);
	dasd_de(de, 0x00, 0xc4, 6, 6);
	dasd_lr(lr, 0x03, 0x80, 1, 6, 0, 4096);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x1d, cnt, 8), CEDE);
	dasd_end(d, 0x42);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 7 * 12, 1, blk), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 6 * 12, 1, blk), CEDE | 0x01);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 7 * 12, 1, blk), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 6 * 12 + 1, 1, blk), UC);
	free(blk);
	d->ops->destroy(d);
}

TEST(eckd_revisited_track_reads_back_every_record)
{
	struct ccwdev *d = vol10("lazy2.3390");
	uint8_t *w = malloc(4096 * 12), *r = malloc(4096 * 12);

	for (int i = 0; i < 4096 * 12; i++)
		w[i] = (uint8_t)(i * 3 + i / 4096);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 9 * 12, 12, w), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 10 * 12, 1, r), CEDE);
	/* a partial update of one record, then everything read back */
	memset(w + 4096 * 5, 0xee, 4096);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, true, 9 * 12 + 5, 1, w + 4096 * 5), CEDE);
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 10 * 12, 1, r), CEDE);
	for (int b = 0; b < 12; b++)
		CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 9 * 12 + b, 1, r + 4096 * b), CEDE);
	CHECK_MEM(r, w, 4096 * 12);
	free(w);
	free(r);
	d->ops->destroy(d);
}

TEST(eckd_2107_control_unit_identity)
{
	char err[600];
	const char *p = dasd_tmp("cu2107.3390");
	struct eckd_config cfg = {.image = p, .cu_type = 0x2107, .devno = 0x0200};
	uint8_t sid[256], rdc[64];
	struct ccwdev *d;

	CHECK_EQ(eckd_create_image(p, 3339, "CU2107", true, err, sizeof(err)), 0);
	d = eckd_open(NULL, &cfg, err, sizeof(err));
	CHECK(d != NULL);
	CHECK_EQ(dasd_one(d, 0x10, 0xe4, sid, 256), CEDE);
	CHECK_EQ(get_be16(sid + 1), 0x2107);
	CHECK_EQ(sid[3], 0xe8);
	CHECK_EQ(sid[6], 0x0a); /* 3390-3 */
	CHECK_EQ(dasd_one(d, 0x10, 0x64, rdc, 64), CEDE);
	CHECK_EQ(get_be16(rdc), 0x2107);
	CHECK_EQ(rdc[11], 0x24);
	d->ops->destroy(d);
	cfg.cu_type = 0x3880;
	CHECK(eckd_open(NULL, &cfg, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "3990 or 2107") != NULL);
}

/* cio's "force online" of a boxed device: Unconditional Reserve chained to
 * Release, each 32 bytes without SLI. */
TEST(eckd_force_online_chain_steals_and_releases)
{
	struct ccwdev *d = vol10("force.3390");
	uint8_t spid[12] = {0x80, 7}, buf[32];

	CHECK_EQ(dasd_one(d, 0x42, 0xaf, spid, 12), CEDE);
	CHECK_EQ(dasd_one(d, 0x42, 0xb4, buf, 32), CEDE);
	CHECK_EQ(dasd_one(d, 0x43, 0x03, NULL, 0), 0x10);
	dasd_select(d, 0x43);
	CHECK_EQ(dasd_cmd(d, 0x43, 0x14, buf, 32), CEDE);
	CHECK_EQ(dasd_len, 32);
	CHECK_EQ(dasd_cmd(d, 0x43, 0x94, buf, 32), CEDE);
	CHECK_EQ(dasd_len, 32);
	dasd_end(d, 0x43);
	CHECK_EQ(dasd_one(d, 0x43, 0x03, NULL, 0), CEDE);
	CHECK_EQ(dasd_one(d, 0x42, 0x03, NULL, 0), CEDE);
	d->ops->destroy(d);
}

/* Random commands with random parameters never crash the device and always
 * end with a status the channel understands. */
TEST(eckd_random_channel_programs_end_cleanly)
{
	struct ccwdev *d = vol10("fuzz.3390");
	struct sim *sim = sim_new(11);
	static const uint8_t codes[] = {0x03, 0x04, 0x05, 0x06, 0x0d, 0x0e, 0x12, 0x15, 0x16,
					0x19, 0x1a, 0x1d, 0x27, 0x34, 0x3e, 0x47, 0x63, 0x64,
					0x85, 0x86, 0x8d, 0x8e, 0x92, 0x9d, 0xde, 0xe4, 0xfa};
	uint8_t *buf = malloc(65536), s[32];

	for (int prog = 0; prog < 3000; prog++) {
		uint8_t path = (uint8_t)(0x40 + sim_rand_below(sim, 4));
		int n = 1 + (int)sim_rand_below(sim, 6);

		dasd_select(d, path);
		for (int i = 0; i < n; i++) {
			uint8_t code = sim_rand_below(sim, 8)
					       ? codes[sim_rand_below(sim, sizeof(codes))]
					       : (uint8_t)sim_rand(sim);
			uint32_t count = (uint32_t)sim_rand_below(sim, 5000);
			uint8_t st;

			for (uint32_t k = 0; k < count; k++)
				buf[k] = (uint8_t)sim_rand(sim);
			/* valid-looking DE / LR now and then */
			if (code == 0x63 && sim_rand_below(sim, 2)) {
				dasd_de(buf, 0x80, 0xc0, 0, 149);
				count = 16;
			}
			if (code == 0x47 && sim_rand_below(sim, 2)) {
				dasd_lr(buf, sim_rand_below(sim, 2) ? 0x06 : 0x03, 0x80,
					(uint8_t)sim_rand_below(sim, 30),
					(uint32_t)sim_rand_below(sim, 150),
					(uint8_t)sim_rand_below(sim, 14), 4096);
				count = 16;
			}
			st = dasd_cmd(d, path, code, buf, count);
			CHECK(st == CEDE || st == UC || st == (CEDE | 0x01) || st == 0x10);
			CHECK(dasd_len <= count);
			if (st != CEDE)
				break;
		}
		dasd_end(d, path);
		d->ops->sense(d, path, s);
	}
	free(buf);
	sim_free(sim);
	d->ops->destroy(d);
	/* whatever was written, the image is still structurally sound */
	char out[4096];
	const char *args[] = {"dasd", "check", dasd_tmp("fuzz.3390"), NULL};

	CHECK_EQ(dasd_tool(out, sizeof(out), args), 0);
}

TEST(eckd_configured_latency_applies_to_data_commands_only)
{
	char err[600];
	const char *p = dasd_tmp("lat.3390");
	struct eckd_config cfg = {.image = p, .latency = 250 * SIM_US};
	uint8_t de[16], lr[16], buf[4096];
	struct ccwdev_cmd c[3] = {{.code = 0x63, .data = de, .count = 16},
				  {.code = 0x47, .data = lr, .count = 16},
				  {.code = 0x86, .data = buf, .count = 4096}};
	struct ccwdev *d;

	CHECK_EQ(eckd_create_image(p, 10, "LAT001", false, err, sizeof(err)), 0);
	d = eckd_open(NULL, &cfg, err, sizeof(err));
	CHECK(d != NULL);
	CHECK_STR(eckd_error(d), "");
	dasd_de(de, 0x40, 0xc0, 3, 3);
	dasd_lr(lr, 0x06, 0x80, 1, 3, 1, 4096);
	dasd_select(d, 0x42);
	for (int i = 0; i < 3; i++) {
		d->ops->exec(d, 0x42, &c[i]);
		CHECK_EQ(c[i].dstat, CEDE);
	}
	dasd_end(d, 0x42);
	CHECK_EQ(c[0].latency, 0);
	CHECK_EQ(c[1].latency, 0);
	CHECK_EQ(c[2].latency, 250 * SIM_US);
	d->ops->destroy(d);
}
