/* CHSC request/response blocks and the SCCB header (Linux layouts). */
#include "t.h"

#include "arch/bytes.h"
#include "arch/chsc.h"
#include "arch/sclp.h"

static uint8_t area[CHSC_AREA_SIZE];

TEST(chsc_ssd_request_layout_matches_linux)
{
	struct chsc_ssd_req r = {.ssid = 2, .f_sch = 0x0005, .l_sch = 0x0007};
	const uint8_t want[16] = {0x00, 0x10, 0x00, 0x04, 0x00, 0x20, 0x00, 0x05,
				  0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00};
	struct chsc_ssd_req d;

	memset(area, 0xee, sizeof(area));
	chsc_ssd_req_encode(&r, area);
	CHECK_MEM(area, want, 16);
	CHECK_EQ(chsc_req_code(area), CHSC_CODE_SSD);
	CHECK_EQ(chsc_ssd_req_decode(area, &d), 0);
	CHECK_EQ(d.ssid, 2);
	CHECK_EQ(d.f_sch, 5);
	CHECK_EQ(d.l_sch, 7);
}

TEST(chsc_ssd_request_with_bad_header_or_reserved_bits_is_invalid)
{
	struct chsc_ssd_req r = {0}, d;

	chsc_ssd_req_encode(&r, area);
	area[1] = 0x20;
	CHECK_EQ(chsc_ssd_req_decode(area, &d), -1);
	chsc_ssd_req_encode(&r, area);
	area[3] = 0x02;
	CHECK_EQ(chsc_ssd_req_decode(area, &d), -1);
	chsc_ssd_req_encode(&r, area);
	area[4] = 0x80;
	CHECK_EQ(chsc_ssd_req_decode(area, &d), -1);
	chsc_ssd_req_encode(&r, area);
	area[9] = 0x01;
	CHECK_EQ(chsc_ssd_req_decode(area, &d), -1);
}

TEST(chsc_ssd_response_layout_and_round_trip)
{
	struct chsc_ssd_req q = {0, 0x10, 0x10};
	struct chsc_ssd_rsp r = {
		.code = CHSC_RSP_OK,
		.sch_valid = 1,
		.dev_valid = 1,
		.st = 0,
		.unit_addr = 0x3f,
		.devno = 0x013f,
		.path_mask = 0xc0,
		.fla_valid_mask = 0xc0,
		.sch = 0x10,
		.chpid = {0x40, 0x41},
		.fla = {0x1234, 0x5678},
	};
	struct chsc_ssd_rsp d;

	memset(area, 0, sizeof(area));
	chsc_ssd_req_encode(&q, area);
	chsc_ssd_rsp_encode(&r, area);
	CHECK_EQ(get_be16(area + 0x10), CHSC_SSD_RSP_LEN);
	CHECK_EQ(chsc_rsp_code(area), CHSC_RSP_OK);
	CHECK_EQ(area[0x18], 0xc0);
	CHECK_EQ(area[0x19], 0x3f);
	CHECK_EQ(get_be16(area + 0x1a), 0x013f);
	CHECK_EQ(area[0x1c], 0xc0);
	CHECK_EQ(get_be16(area + 0x1e), 0x10);
	CHECK_EQ(area[0x20], 0x40);
	CHECK_EQ(area[0x21], 0x41);
	CHECK_EQ(get_be16(area + 0x28), 0x1234);
	CHECK_EQ(get_be16(area + 0x2a), 0x5678);
	chsc_ssd_rsp_decode(area, &d);
	CHECK_MEM(&d, &r, sizeof(r));
}

TEST(chsc_ssd_response_subchannel_type_field)
{
	struct chsc_ssd_rsp r = {.code = 1, .sch_valid = 1, .st = 1}, d;

	memset(area, 0, sizeof(area));
	chsc_ssd_rsp_encode(&r, area);
	CHECK_EQ(area[0x18], 0x88);
	chsc_ssd_rsp_decode(area, &d);
	CHECK_EQ(d.st, 1);
	CHECK_EQ(d.dev_valid, 0);
}

TEST(chsc_scpd_request_layout_matches_linux)
{
	struct chsc_scpd_req r = {.m = 0,
				  .c = 1,
				  .fmt = 0,
				  .cssid = 0,
				  .rfmt = 1,
				  .first_chpid = 0x40,
				  .last_chpid = 0x42};
	const uint8_t want[16] = {0x00, 0x10, 0x00, 0x02, 0x10, 0x00, 0x01, 0x40,
				  0x00, 0x00, 0x00, 0x42, 0x00, 0x00, 0x00, 0x00};
	struct chsc_scpd_req d;

	memset(area, 0xee, sizeof(area));
	chsc_scpd_req_encode(&r, area);
	CHECK_MEM(area, want, 16);
	CHECK_EQ(chsc_scpd_req_decode(area, &d), 0);
	CHECK_MEM(&d, &r, sizeof(r));
}

TEST(chsc_scpd_request_round_trip_all_fields)
{
	struct chsc_scpd_req r = {1, 1, 0xf, 0xfe, 0xf, 0x01, 0xff}, d;

	chsc_scpd_req_encode(&r, area);
	CHECK_EQ(get_be32(area + 4), 0x3ffe0f01);
	CHECK_EQ(chsc_scpd_req_decode(area, &d), 0);
	CHECK_MEM(&d, &r, sizeof(r));
}

TEST(chsc_scpd_request_reserved_bits_are_invalid)
{
	struct chsc_scpd_req r = {0}, d;

	chsc_scpd_req_encode(&r, area);
	area[4] = 0x80;
	CHECK_EQ(chsc_scpd_req_decode(area, &d), -1);
	chsc_scpd_req_encode(&r, area);
	area[6] = 0x10;
	CHECK_EQ(chsc_scpd_req_decode(area, &d), -1);
	chsc_scpd_req_encode(&r, area);
	area[10] = 0x01;
	CHECK_EQ(chsc_scpd_req_decode(area, &d), -1);
}

TEST(chsc_response_header_follows_request_length)
{
	struct chsc_scpd_req r = {0};
	struct chp_desc0 cd = {.flags = 0x80, .desc = 0x11, .chpid = 0x42}, dd;

	memset(area, 0, sizeof(area));
	chsc_scpd_req_encode(&r, area);
	chsc_rsp_set(area, 0x0008 + 8, CHSC_RSP_OK);
	CHECK_EQ(get_be16(area + 0x10), 0x10);
	CHECK_EQ(chsc_rsp_code(area), CHSC_RSP_OK);
	chp_desc0_encode(&cd, area + CHSC_SCPD_OFF_DATA);
	CHECK_EQ(get_be32(area + CHSC_SCPD_OFF_DATA), 0x80001142);
	chp_desc0_decode(area + CHSC_SCPD_OFF_DATA, &dd);
	CHECK_MEM(&dd, &cd, sizeof(cd));
	/* A request length that would put the response outside the area. */
	put_be16(area, 0xfffe);
	CHECK_EQ(chsc_rsp_code(area), 0);
}

TEST(sccb_header_layout_and_round_trip)
{
	struct sccb_header h = {.length = SCLP_CHP_INFO_SCCB_SIZE,
				.function_code = 0x80,
				.control_mask = {1, 2, 3},
				.response_code = SCLP_RC_NORMAL_READ_COMPLETION};
	const uint8_t want[8] = {0x00, 0x70, 0x80, 0x01, 0x02, 0x03, 0x00, 0x10};
	uint8_t b[SCCB_HEADER_SIZE];
	struct sccb_header d;

	CHECK_EQ(SCLP_CHP_INFO_SCCB_SIZE, 112);
	sccb_header_encode(&h, b);
	CHECK_MEM(b, want, 8);
	sccb_header_decode(b, &d);
	CHECK_MEM(&d, &h, sizeof(h));
}

TEST(sclp_configure_command_word_carries_chpid_in_byte_2)
{
	CHECK_EQ(SCLP_CMDW_CONFIGURE_CHPATH | 0x42u << 8, 0x000f4201u);
	CHECK_EQ(SCLP_CMDW_DECONFIGURE_CHPATH | 0x42u << 8, 0x000e4201u);
	CHECK_EQ(SCLP_CHP_INFO_OFF_CSSID + 1, SCLP_CHP_INFO_SCCB_SIZE);
}
