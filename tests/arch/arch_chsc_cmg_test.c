/* CHSC format-1 channel-path descriptions, store channel-measurement
 * characteristics (SCMC) and store channel-subsystem characteristics (SCSC):
 * byte vectors laid out as Linux's structs (cio/chsc.h, cio/chsc.c). */
#include <string.h>

#include "arch/bytes.h"
#include "arch/chsc.h"
#include "t.h"

static uint8_t area[CHSC_AREA_SIZE];

TEST(chp_desc1_layout_matches_linux_channel_path_desc_fmt1)
{
	struct chp_desc1 d = {.flags = 0x98,
			      .lsn = 0x01,
			      .desc = 0x1b,
			      .chpid = 0x42,
			      .esc = 0x03,
			      .chpp = 0x04,
			      .chid = 0x0390,
			      .mdc = 0x1234,
			      .r = 1,
			      .s = 0,
			      .f = 1};
	static const uint8_t want[CHP_DESC1_SIZE] = {
		0x98, 0x01, 0x1b, 0x42, 0x00, 0x00, 0x03, 0x04, /* +0 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* unused[2] */
		0x03, 0x90, 0x00, 0x00, 0x12, 0x34, 0x00, 0x05, /* chid, mdc, r s f */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* zeros[2] */
	};
	uint8_t out[CHP_DESC1_SIZE];
	struct chp_desc1 e;

	memset(out, 0xee, sizeof(out));
	chp_desc1_encode(&d, out);
	CHECK_MEM(out, want, CHP_DESC1_SIZE);
	chp_desc1_decode(want, &e);
	CHECK_EQ(e.flags & CHP_DESC1_CHID_VALID, CHP_DESC1_CHID_VALID);
	CHECK_EQ(e.flags & CHP_DESC1_CHID_EXTERNAL, CHP_DESC1_CHID_EXTERNAL);
	CHECK_EQ(e.desc, 0x1b);
	CHECK_EQ(e.chpid, 0x42);
	CHECK_EQ(e.esc, 3);
	CHECK_EQ(e.chpp, 4);
	CHECK_EQ(e.chid, 0x0390);
	CHECK_EQ(e.mdc, 0x1234);
	CHECK_EQ(e.r, 1);
	CHECK_EQ(e.s, 0);
	CHECK_EQ(e.f, 1);
}

TEST(scpd_format1_request_sets_rfmt_and_c_bits)
{
	struct chsc_scpd_req r = {.c = 1, .rfmt = 1, .first_chpid = 0x42, .last_chpid = 0x42};
	static const uint8_t want[16] = {0x00, 0x10, 0x00, 0x02, 0x10, 0x00, 0x01, 0x42,
					 0x00, 0x00, 0x00, 0x42, 0x00, 0x00, 0x00, 0x00};

	memset(area, 0, sizeof(area));
	chsc_scpd_req_encode(&r, area);
	CHECK_MEM(area, want, 16);
}

TEST(scmc_request_layout_and_round_trip)
{
	struct chsc_scmc_req r = {.first_chpid = 0x42, .last_chpid = 0x45}, d;
	static const uint8_t want[16] = {0x00, 0x10, 0x00, 0x22, 0x00, 0x00, 0x00, 0x42,
					 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x00, 0x00};

	memset(area, 0xff, sizeof(area));
	chsc_scmc_req_encode(&r, area);
	CHECK_MEM(area, want, 16);
	CHECK_EQ(chsc_scmc_req_decode(area, &d), 0);
	CHECK_EQ(d.first_chpid, 0x42);
	CHECK_EQ(d.last_chpid, 0x45);
}

TEST(scmc_request_with_bad_header_or_reserved_bits_is_invalid)
{
	struct chsc_scmc_req r = {.first_chpid = 1, .last_chpid = 2}, d;
	/* length, code, reserved bits before first_chpid and last_chpid,
	 * the reserved fourth word */
	static const struct {
		unsigned off;
		uint8_t x;
	} bad[] = {{1, 0x08}, {3, 0x01}, {4, 0x80}, {6, 0x01}, {8, 0x01}, {10, 0x80}, {15, 0x01}};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		chsc_scmc_req_encode(&r, area);
		area[bad[i].off] ^= bad[i].x;
		CHECK_EQ(chsc_scmc_req_decode(area, &d), -1);
	}
	chsc_scmc_req_encode(&r, area);
	CHECK_EQ(chsc_scmc_req_decode(area, &d), 0);
}

TEST(scmc_entry_layout_matches_linux_scmc_area)
{
	struct chsc_scmc_req q = {0x42, 0x43};
	struct chsc_scmc_entry e = {.not_valid = 0,
				    .shared = 1,
				    .chpid = 0x43,
				    .cmcv = 0x1f,
				    .cmgq = 0x5a,
				    .cmg = 2,
				    .data = {0x11111111, 2, 3, 4, 0x55555555}};
	static const uint8_t want[CHSC_SCMC_ENTRY_SIZE] = {
		0x40, 0x00, 0x00, 0x43, 0xf8, 0x00, 0x5a, 0x02, 0x00, 0x00, 0x00,
		0x00, 0x11, 0x11, 0x11, 0x11, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x55, 0x55, 0x55, 0x55,
	};
	struct chsc_scmc_entry d;

	memset(area, 0, sizeof(area));
	chsc_scmc_req_encode(&q, area);
	chsc_scmc_entry_encode(&e, area, 1);
	/* Entry 1 starts at +0x18 + 32: Linux's not_valid..data fields start
	 * at +0x18 for the first CHPID, after the response header (+0x10)
	 * and its reserved word (zeroes2, +0x14). */
	CHECK_MEM(area + 0x38, want, CHSC_SCMC_ENTRY_SIZE);
	chsc_scmc_entry_decode(area, 1, &d);
	CHECK_EQ(d.not_valid, 0);
	CHECK_EQ(d.shared, 1);
	CHECK_EQ(d.chpid, 0x43);
	CHECK_EQ(d.cmcv, 0x1f);
	CHECK_EQ(d.cmgq, 0x5a);
	CHECK_EQ(d.cmg, 2);
	CHECK_EQ(d.data[0], 0x11111111u);
	CHECK_EQ(d.data[4], 0x55555555u);
	area[0x18] = 0x80;
	chsc_scmc_entry_decode(area, 0, &d);
	CHECK_EQ(d.not_valid, 1);
	CHECK_EQ(d.shared, 0);
}

TEST(scsc_response_bits_are_linux_fcs_secm_scmc)
{
	struct chsc_css_chars c = {.fcs = 1, .secm = 1, .scmc = 1}, d;

	memset(area, 0, sizeof(area));
	chsc_scsc_req_encode(area);
	CHECK_EQ(chsc_req_length(area), 0x10);
	CHECK_EQ(chsc_req_code(area), 0x10);
	CHECK_EQ(chsc_scsc_req_decode(area), 0);
	chsc_scsc_rsp_encode(&c, area);
	CHECK_EQ(get_be16(area + 0x10), 0x0ff0); /* up to the end of the page */
	CHECK_EQ(chsc_rsp_code(area), CHSC_RSP_OK);
	/* general_char bit 46: byte 5, 0x02; chsc_char bits 84, 86: byte 10,
	 * 0x08 and 0x02. */
	CHECK_EQ(area[0x18 + 5], 0x02);
	CHECK_EQ(area[0x810 + 10], 0x0a);
	for (unsigned i = 0x18; i < CHSC_AREA_SIZE; i++)
		if (i != 0x18 + 5 && i != 0x810 + 10)
			CHECK_EQ(area[i], 0);
	chsc_scsc_rsp_decode(area, &d);
	CHECK(d.fcs && d.secm && d.scmc);
	area[0x810 + 10] = 0x08;
	chsc_scsc_rsp_decode(area, &d);
	CHECK(d.fcs && d.secm && !d.scmc);
	area[0x4] = 1;
	CHECK_EQ(chsc_scsc_req_decode(area), -1);
}
