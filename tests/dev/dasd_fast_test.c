/* The 3390's fast paths on tracks known to be standard (counts computed,
 * records read and written straight between the image and the channel,
 * CCHH stamped only when a count leaves the device) must behave exactly
 * like the slow path: every answer checked against a model of the volume. */
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "dasd_util.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "t.h"

#define CEDE 0x0c
#define UC   0x0e

static struct sim *fsim;

static struct ccwdev *fast_vol(const char *name)
{
	char err[600];
	const char *p = dasd_tmp(name);

	if (!fsim)
		fsim = sim_new(7);
	if (eckd_create_image(p, 10, "FAST01", false, err, sizeof(err)) < 0)
		t_fail(__FILE__, __LINE__, "%s", err);
	return dasd_open(fsim, p, false);
}

static void fast_sense(struct ccwdev *d, uint8_t path, uint8_t b0, uint8_t b1)
{
	uint8_t s[32];

	dasd_sense(d, path, s);
	CHECK_EQ(s[0], b0);
	CHECK_EQ(s[1], b1);
}

/* Read whole tracks once so the device learns they are standard. */
static void fast_learn(struct ccwdev *d, uint32_t first, uint32_t last)
{
	uint8_t blk[4096];

	for (uint32_t t = first; t <= last; t++)
		CHECK_EQ(dasd_rw_blocks(d, 0x42, false, t * 12, 1, blk), CEDE);
}

/* Read Count of records rec.. on trk, n of them, multitrack (0x92). */
static void fast_counts(struct ccwdev *d, uint32_t trk, uint8_t rec, int n, uint8_t (*c)[8])
{
	uint8_t de[16], lr[16];

	dasd_de(de, 0x40, 0xc0, trk, trk + 1);
	dasd_lr(lr, 0x06, 0x00, (uint8_t)n, trk, rec, 0);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	/* LR positions after the searched record's count: the first Read
	 * Count gives the next record's. */
	for (int i = 0; i < n; i++)
		CHECK_EQ(dasd_cmd(d, 0x42, 0x92, c[i], 8), CEDE);
	dasd_end(d, 0x42);
}

static void check_count(const uint8_t *c, uint32_t trk, uint8_t rec, uint16_t dl)
{
	CHECK_EQ(get_be16(c), trk / 15);
	CHECK_EQ(get_be16(c + 2), trk % 15);
	CHECK_EQ(c[4], rec);
	CHECK_EQ(c[5], 0);
	CHECK_EQ(get_be16(c + 6), dl);
}

TEST(eckd_fast_counts_ha_and_r0_name_the_track_they_are_on)
{
	struct ccwdev *d = fast_vol("fcnt.3390");
	uint8_t c[4][8], de[16], lr[16], ha[5], r0[16];
	static const uint32_t order[] = {40, 17, 41, 17, 40};

	fast_learn(d, 17, 42);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint32_t t = order[i];

		/* R11, R12, then on to the next track: R0, R1 */
		fast_counts(d, t, 10, 4, c);
		check_count(c[0], t, 11, 4096);
		check_count(c[1], t, 12, 4096);
		check_count(c[2], t + 1, 0, 8);
		check_count(c[3], t + 1, 1, 4096);
		dasd_de(de, 0x40, 0xc0, t, t);
		dasd_lr(lr, 0x56, 0x00, 2, t, 0, 0);
		dasd_select(d, 0x42);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x1a, ha, 5), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x16, r0, 16), CEDE);
		dasd_end(d, 0x42);
		CHECK_EQ(ha[0], 0);
		CHECK_EQ(get_be16(ha + 1), t / 15);
		CHECK_EQ(get_be16(ha + 3), t % 15);
		check_count(r0, t, 0, 8);
		for (int k = 8; k < 16; k++)
			CHECK_EQ(r0[k], 0);
	}
	d->ops->destroy(d);
}

TEST(eckd_fast_search_misses_like_the_slow_path)
{
	struct ccwdev *d = fast_vol("fsearch.3390");
	uint8_t de[16], lr[16];

	for (int pass = 0; pass < 2; pass++) { /* first unlearned, then standard */
		dasd_de(de, 0x40, 0xc0, 30, 30);
		dasd_lr(lr, 0x06, 0x80, 1, 30, 13, 4096); /* no R13 on the track */
		dasd_select(d, 0x42);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), UC);
		dasd_end(d, 0x42);
		fast_sense(d, 0x42, 0, 0x08);
		dasd_lr(lr, 0x06, 0x80, 1, 30, 1, 4096);
		put_be16(lr + 10, 31 % 15); /* R1 of another head */
		dasd_select(d, 0x42);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), UC);
		dasd_end(d, 0x42);
		fast_sense(d, 0x42, 0, 0x08);
		fast_learn(d, 30, 30);
		fast_learn(d, 31, 31); /* and move the buffer away */
	}
	d->ops->destroy(d);
}

/* Update R0's data (8 bytes) of a standard track: the track is no longer
 * standard, and R0 reads back as written after the buffer moved on. */
TEST(eckd_fast_update_of_r0_data_is_kept)
{
	struct ccwdev *d = fast_vol("fr0.3390");
	uint8_t de[16], lr[16], r0[16], data[8] = {1, 2, 3, 4, 5, 6, 7, 8}, blk[4096];

	fast_learn(d, 50, 51);
	dasd_de(de, 0x80, 0xc0, 50, 50);
	dasd_lr(lr, 0x01, 0x80, 1, 50, 0, 8);
	dasd_select(d, 0x42);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x42, 0x05, data, 8), CEDE);
	dasd_end(d, 0x42);
	fast_learn(d, 51, 51);
	dasd_de(de, 0x40, 0xc0, 50, 50);
	dasd_lr(lr, 0x56, 0x00, 2, 50, 0, 0);
	dasd_select(d, 0x43);
	CHECK_EQ(dasd_cmd(d, 0x43, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x43, 0x47, lr, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x43, 0x1a, r0, 5), CEDE);
	CHECK_EQ(dasd_cmd(d, 0x43, 0x16, r0, 16), CEDE);
	dasd_end(d, 0x43);
	check_count(r0, 50, 0, 8);
	CHECK_MEM(r0 + 8, data, 8);
	/* the blocks of the track are still there */
	CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 50 * 12 + 3, 1, blk), CEDE);
	d->ops->destroy(d);
}

/* A record whose data the buffer holds (after a short read), then
 * rewritten whole (straight from the channel to the image): every later
 * read sees the new data, short or whole. */
TEST(eckd_fast_rewrite_of_a_buffered_record_is_read_back)
{
	struct ccwdev *d = fast_vol("fstale.3390");
	uint8_t de[16], lr[16], *w = malloc(4096), *r = malloc(4096);

	fast_learn(d, 60, 61);
	fast_learn(d, 60, 60);
	for (int round = 0; round < 2; round++) {
		dasd_de(de, 0x40, 0xc0, 60, 60);
		dasd_lr(lr, 0x06, 0x00, 1, 60, 4, 0);
		dasd_select(d, 0x42);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x86, r, 100), CEDE);
		dasd_end(d, 0x42);
		memset(w, 0x5a + round, 4096);
		CHECK_EQ(dasd_rw_blocks(d, 0x43, true, 60 * 12 + 3, 1, w), CEDE);
		memset(r, 0, 4096);
		if (round == 0) {
			CHECK_EQ(dasd_rw_blocks(d, 0x42, false, 60 * 12 + 3, 1, r), CEDE);
			CHECK_MEM(r, w, 4096);
			continue;
		}
		dasd_select(d, 0x42);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x63, de, 16), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x47, lr, 16), CEDE);
		CHECK_EQ(dasd_cmd(d, 0x42, 0x86, r, 100), CEDE);
		dasd_end(d, 0x42);
		CHECK_MEM(r, w, 100);
	}
	free(w);
	free(r);
	d->ops->destroy(d);
}

/* The model: the 4 KB blocks of tracks FAST_T0..FAST_T0+FAST_NT-1. */
#define FAST_T0 20
#define FAST_NT 3
#define FAST_NB (FAST_NT * 12)

struct fast_model {
	uint8_t blk[FAST_NB][4096];
};

static uint32_t fast_blkno(uint32_t i)
{
	return FAST_T0 * 12 + i; /* the test helpers' blocks start on track 0 */
}

/* One random operation on block i (and maybe its neighbours), checked. */
static void fast_step(struct ccwdev *d, struct fast_model *m, struct sim *s, uint8_t *buf)
{
	uint32_t i = (uint32_t)sim_rand_below(s, FAST_NB), n = 1 + (uint32_t)sim_rand_below(s, 3);
	uint8_t path = sim_rand_below(s, 2) ? 0x42 : 0x43, de[16], lr[16];
	uint32_t trk = FAST_T0 + i / 12, cnt;
	int kind = (int)sim_rand_below(s, 5);

	if (i + n > FAST_NB)
		n = FAST_NB - i;
	switch (kind) {
	case 0: /* full-block writes */
		for (uint32_t k = 0; k < n * 4096; k++)
			buf[k] = (uint8_t)sim_rand(s);
		CHECK_EQ(dasd_rw_blocks(d, path, true, fast_blkno(i), n, buf), CEDE);
		memcpy(m->blk[i], buf, n * 4096);
		return;
	case 1: /* full-block reads */
		CHECK_EQ(dasd_rw_blocks(d, path, false, fast_blkno(i), n, buf), CEDE);
		CHECK_MEM(buf, m->blk[i], n * 4096);
		return;
	}
	/* short transfers of one record: the CU pads a short write with
	 * zeros; a short read gets the record's first bytes (incorrect
	 * length, which the channel suppresses with SLI) */
	cnt = 1 + (uint32_t)sim_rand_below(s, 4095);
	dasd_de(de, kind == 2 ? 0x80 : 0x40, 0xc0, trk, trk);
	dasd_lr(lr, kind == 2 ? 0x01 : 0x06, 0x00, 1, trk, (uint8_t)(i % 12 + 1), 0);
	dasd_select(d, path);
	CHECK_EQ(dasd_cmd(d, path, 0x63, de, 16), CEDE);
	CHECK_EQ(dasd_cmd(d, path, 0x47, lr, 16), CEDE);
	if (kind == 2) {
		for (uint32_t k = 0; k < cnt; k++)
			buf[k] = (uint8_t)sim_rand(s);
		CHECK_EQ(dasd_cmd(d, path, 0x85, buf, cnt), CEDE);
		memcpy(m->blk[i], buf, cnt);
		memset(m->blk[i] + cnt, 0, 4096 - cnt);
	} else {
		CHECK_EQ(dasd_cmd(d, path, kind == 3 ? 0x86 : 0x8e, buf, cnt), CEDE);
		CHECK_EQ(dasd_len, cnt);
		CHECK(dasd_wanted_more);
		CHECK_MEM(buf, m->blk[i], cnt);
	}
	dasd_end(d, path);
}

TEST(eckd_fast_random_block_io_matches_a_model_and_the_file)
{
	const char *img = dasd_tmp("frand.3390");
	struct ccwdev *d = fast_vol("frand.3390");
	struct fast_model *m = calloc(1, sizeof(*m));
	uint8_t *buf = malloc(3 * 4096), *trk = malloc(CKD_3390_TRKSIZE);
	struct sim *s = sim_new(42);
	struct ckd_image ci;
	char err[600];

	for (int k = 0; k < 4000; k++)
		fast_step(d, m, s, buf);
	d->ops->destroy(d);
	/* Write-through: the file holds every block, in a valid track. */
	CHECK_EQ(ckd_open(&ci, img, true, err, sizeof(err)), 0);
	for (uint32_t t = 0; t < FAST_NT; t++) {
		CHECK_EQ(ckd_read_track(&ci, FAST_T0 + t, trk), 0);
		CHECK_EQ(ckd_check_track(trk, ci.trksize, (FAST_T0 + t) / 15, (FAST_T0 + t) % 15,
					 err, sizeof(err)),
			 0);
		for (int r = 1; r <= 12; r++)
			CHECK_MEM(trk + 5 + 16 + (r - 1) * 4104 + 8, m->blk[t * 12 + r - 1], 4096);
	}
	ckd_close(&ci);
	/* and a new device reads the model back */
	d = dasd_open(s, img, true);
	for (uint32_t i = 0; i < FAST_NB; i += 3) {
		CHECK_EQ(dasd_rw_blocks(d, 0x42, false, fast_blkno(i), 3, buf), CEDE);
		CHECK_MEM(buf, m->blk[i], 3 * 4096);
	}
	d->ops->destroy(d);
	sim_free(s);
	free(trk);
	free(buf);
	free(m);
}
