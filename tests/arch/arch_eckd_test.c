/* ECKD parameter and record codecs: the bytes Linux's dasd_eckd builds. */
#include <string.h>

#include "arch/eckd.h"
#include "t.h"

TEST(eckd_cchh_of_a_track)
{
	uint8_t b[4];

	eckd_cchh_encode(b, 31, 15); /* cylinder 2, head 1 */
	CHECK_MEM(b, ((const uint8_t[]){0, 2, 0, 1}), 4);
	CHECK_EQ(eckd_cchh_track(b, 15), 31);
	CHECK(eckd_cchh_valid(b, 3, 15));
	CHECK(!eckd_cchh_valid(b, 2, 15));
	CHECK(!eckd_cchh_valid((const uint8_t[]){0, 0, 0, 15}, 3, 15));
}

TEST(eckd_define_extent_and_locate_record_bytes)
{
	/* a Linux 4 KB read of block 29: track 4 (2 + 29 / 12), record 6 */
	static const uint8_t de_want[16] = {0x40, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 4};
	static const uint8_t lr_want[16] = {0x06, 0x80, 0, 1, 0, 0,    0,    4,
					    0,	  0,	0, 4, 6, 0xff, 0x10, 0x00};
	struct eckd_de de = {.mask = ECKD_DE_WR_INHIBIT,
			     .ga = ECKD_DE_GA_NORMAL,
			     .first_trk = 4,
			     .last_trk = 4},
		       de2;
	struct eckd_lr lr = {.op = ECKD_LR_OP_READ,
			     .aux = ECKD_LR_AUX_TLF,
			     .count = 1,
			     .seek_trk = 4,
			     .search_trk = 4,
			     .search_rec = 6,
			     .sector = ECKD_LR_SECTOR_NONE,
			     .tlf = 4096},
		       lr2;
	uint8_t b[16];

	eckd_de_encode(&de, 15, b);
	CHECK_MEM(b, de_want, 16);
	eckd_de_decode(b, 15, &de2);
	CHECK_EQ(de2.mask, de.mask);
	CHECK_EQ(de2.ga, de.ga);
	CHECK_EQ(de2.first_trk, 4);
	CHECK_EQ(de2.last_trk, 4);
	eckd_lr_encode(&lr, 15, b);
	CHECK_MEM(b, lr_want, 16);
	eckd_lr_decode(b, 15, &lr2);
	CHECK_EQ(lr2.op, lr.op);
	CHECK_EQ(lr2.count, 1);
	CHECK_EQ(lr2.seek_trk, 4);
	CHECK_EQ(lr2.search_trk, 4);
	CHECK_EQ(lr2.search_rec, 6);
	CHECK_EQ(lr2.sector, 0xff);
	CHECK_EQ(lr2.tlf, 4096);
	CHECK_EQ(ECKD_LR_OP(0x86), 0x06);
	CHECK_EQ(ECKD_LR_ORIENT(0x86), ECKD_ORIENT_DATA);
}

TEST(eckd_define_extent_and_locate_record_keep_two_tracks_apart)
{
	/* an extent of tracks 14-16 crosses a cylinder (15 heads): CCHH
	 * 0/14 and 1/1; an LR seeking 14 and searching 16 likewise */
	static const uint8_t de_cchh[8] = {0, 0, 0, 14, 0, 1, 0, 1};
	struct eckd_de de = {.first_trk = 14, .last_trk = 16}, de2;
	struct eckd_lr lr = {.seek_trk = 14, .search_trk = 16}, lr2;
	uint8_t b[16];

	eckd_de_encode(&de, 15, b);
	CHECK_MEM(b + 8, de_cchh, 8);
	eckd_de_decode(b, 15, &de2);
	CHECK_EQ(de2.first_trk, 14);
	CHECK_EQ(de2.last_trk, 16);
	eckd_lr_encode(&lr, 15, b);
	CHECK_MEM(b + 4, de_cchh, 8);
	eckd_lr_decode(b, 15, &lr2);
	CHECK_EQ(lr2.seek_trk, 14);
	CHECK_EQ(lr2.search_trk, 16);
}

TEST(eckd_count_and_rdc_round_trip)
{
	struct eckd_count c = {.cyl = 0x1234, .head = 14, .rec = 3, .kl = 4, .dl = 80}, c2;
	struct eckd_rdc r = {.cu_type = 0x3990,
			     .cu_model = 0xe9,
			     .dev_type = 0x3390,
			     .dev_model = 0x0c,
			     .cyls = 0xfffe,
			     .heads = 15,
			     .sectors = 224,
			     .track_len = 58786,
			     .long_cyls = 262668},
			r2;
	uint8_t b[64];

	eckd_count_encode(&c, b);
	CHECK_MEM(b, ((const uint8_t[]){0x12, 0x34, 0, 14, 3, 4, 0, 80}), 8);
	eckd_count_decode(b, &c2);
	CHECK_EQ(c2.cyl, 0x1234);
	CHECK_EQ(c2.head, 14);
	CHECK_EQ(c2.rec, 3);
	CHECK_EQ(c2.kl, 4);
	CHECK_EQ(c2.dl, 80);
	memset(b, 0xaa, sizeof(b));
	eckd_rdc_encode(&r, b);
	CHECK_EQ(b[0], 0x39);
	CHECK_EQ(b[3], 0x33);
	CHECK_EQ(b[17], 0x00);
	CHECK_EQ(b[18], 0xe5); /* 58786 = 0x00e5a2 */
	CHECK_EQ(b[19], 0xa2);
	CHECK_MEM(b + 60, ((const uint8_t[]){0, 4, 0x02, 0x0c}), 4); /* 262668 */
	eckd_rdc_decode(b, &r2);
	CHECK_EQ(r2.cu_type, 0x3990);
	CHECK_EQ(r2.cu_model, 0xe9);
	CHECK_EQ(r2.dev_type, 0x3390);
	CHECK_EQ(r2.dev_model, 0x0c);
	CHECK_EQ(r2.cyls, 0xfffe);
	CHECK_EQ(r2.heads, 15);
	CHECK_EQ(r2.sectors, 224);
	CHECK_EQ(r2.track_len, 58786);
	CHECK_EQ(r2.long_cyls, 262668);
	CHECK_EQ(r2.res28[5], 0);
}
