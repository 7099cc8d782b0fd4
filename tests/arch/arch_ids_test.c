/* Identifier formatting/parsing (libccw rules) and the GR1 subchannel-ID word. */
#include "t.h"

#include "arch/ids.h"

TEST(ccw_id_fmt_is_lowercase_with_4_digit_devno)
{
	struct ccw_id id = {0, 0, 0x13f};
	struct ccw_id id2 = {0xfe, 3, 0xabcd};
	char buf[16];

	CHECK_STR(ccw_id_fmt(&id, buf), "0.0.013f");
	CHECK_STR(ccw_id_fmt(&id2, buf), "fe.3.abcd");
}

TEST(chpid_fmt_is_cssid_dot_2_digits)
{
	struct chpid c = {0, 0x42};
	struct chpid c2 = {0, 0x05};
	char buf[8];

	CHECK_STR(chpid_fmt(&c, buf), "0.42");
	CHECK_STR(chpid_fmt(&c2, buf), "0.05");
}

struct id_case {
	const char *text;
	int ok;
	uint8_t cssid, ssid;
	uint16_t no;
};

TEST(ccw_id_parse_accept_reject_table)
{
	static const struct id_case cases[] = {
		{"013f", 1, 0, 0, 0x013f},
		{"13F", 1, 0, 0, 0x013f},
		{"0.0.013f", 1, 0, 0, 0x013f},
		{"3f3f", 1, 0, 0, 0x3f3f},
		{"1.2.3", 1, 1, 2, 0x0003},
		{"fe.3.ABCD", 1, 0xfe, 3, 0xabcd},
		{"0", 1, 0, 0, 0},
		{"0x013f", 0, 0, 0, 0},
		{"0X13f", 0, 0, 0, 0},
		{"0.0.0x13f", 0, 0, 0, 0},
		{"garbage", 0, 0, 0, 0},
		{"", 0, 0, 0, 0},
		{"12345", 0, 0, 0, 0},
		{"0.0.12345", 0, 0, 0, 0},
		{"100.0.0001", 0, 0, 0, 0},
		{"0.10.0001", 0, 0, 0, 0},
		{"0.0.013f ", 0, 0, 0, 0},
		{"0.0", 0, 0, 0, 0},
		{"0.0.", 0, 0, 0, 0},
		{"0..013f", 0, 0, 0, 0},
		{"-1", 0, 0, 0, 0},
		{"013g", 0, 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ccw_id id = {0xaa, 0xaa, 0xaaaa};
		int rc = ccw_id_parse(cases[i].text, &id);

		if (cases[i].ok != (rc == 0))
			t_fail(__FILE__, __LINE__, "\"%s\": rc %d", cases[i].text, rc);
		if (!cases[i].ok)
			continue;
		CHECK_EQ(id.cssid, cases[i].cssid);
		CHECK_EQ(id.ssid, cases[i].ssid);
		CHECK_EQ(id.no, cases[i].no);
	}
}

TEST(ccw_id_parse_then_fmt_round_trips)
{
	struct ccw_id id;
	char buf[16];

	CHECK_EQ(ccw_id_parse("0.1.00FF", &id), 0);
	CHECK_STR(ccw_id_fmt(&id, buf), "0.1.00ff");
}

TEST(chpid_parse_accept_reject_table)
{
	static const struct {
		const char *text;
		int ok;
		uint8_t cssid, id;
	} cases[] = {
		{"42", 1, 0, 0x42},   {"0.42", 1, 0, 0x42}, {"f", 1, 0, 0x0f},	 {"FF", 1, 0, 0xff},
		{"1.0a", 1, 1, 0x0a}, {"0x42", 0, 0, 0},    {"0.0x42", 0, 0, 0}, {"100", 0, 0, 0},
		{"0.100", 0, 0, 0},   {"", 0, 0, 0},	    {"0.", 0, 0, 0},	 {"zz", 0, 0, 0},
		{"42 ", 0, 0, 0},     {"0.0.42", 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct chpid c = {0xaa, 0xaa};
		int rc = chpid_parse(cases[i].text, &c);

		if (cases[i].ok != (rc == 0))
			t_fail(__FILE__, __LINE__, "\"%s\": rc %d", cases[i].text, rc);
		if (!cases[i].ok)
			continue;
		CHECK_EQ(c.cssid, cases[i].cssid);
		CHECK_EQ(c.id, cases[i].id);
	}
}

TEST(schid_word_encodes_ssid_and_one_bit)
{
	CHECK_EQ(schid_word(0, 0x0005), 0x00010005);
	CHECK_EQ(schid_word(1, 0x1234), 0x00031234);
	CHECK_EQ(schid_word(3, 0xffff), 0x0007ffff);
}

TEST(schid_word_decode_accepts_well_formed_words)
{
	uint8_t ssid = 9;
	uint16_t no = 9;

	CHECK_EQ(schid_word_decode(0x00031234, &ssid, &no), 0);
	CHECK_EQ(ssid, 1);
	CHECK_EQ(no, 0x1234);
}

TEST(schid_word_without_bit15_is_operand_exception)
{
	uint8_t ssid;
	uint16_t no;

	CHECK_EQ(schid_word_decode(0x0000ffff, &ssid, &no), -1);
}

TEST(schid_word_cssid_with_m0_is_operand_exception)
{
	uint8_t ssid;
	uint16_t no;

	CHECK_EQ(schid_word_decode(0x01010000, &ssid, &no), -1);
}

TEST(schid_word_reserved_bits_8_11_are_operand_exception)
{
	uint8_t ssid;
	uint16_t no;

	for (uint32_t bit = 0x00100000; bit <= 0x00800000; bit <<= 1)
		CHECK_EQ(schid_word_decode(0x00010000 | bit, &ssid, &no), -1);
}
