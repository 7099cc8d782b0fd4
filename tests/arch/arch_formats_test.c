/* Byte-exact tests of the architected formats (zarch-css-formats.md). */
#include "t.h"

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/crw.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "arch/scsw.h"
#include "arch/senseid.h"

/* ---- SCSW ---- */

TEST(scsw_ctrl_4007_is_start_function_normal_ending)
{
	struct scsw s = {
		.flags = SCSW_FLAGS_FMT,
		.ctrl = SCSW_FCTL_START | SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND,
		.cpa = 0x1008,
		.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END,
	};
	const uint8_t want[SCSW_SIZE] = {0x00, 0x80, 0x40, 0x07, 0, 0, 0x10, 0x08, 0x0c, 0, 0, 0};
	uint8_t b[SCSW_SIZE];
	struct scsw d;

	scsw_encode(&s, b);
	CHECK_MEM(b, want, SCSW_SIZE);
	scsw_decode(want, &d);
	CHECK_EQ(d.ctrl & SCSW_FCTL_MASK, SCSW_FCTL_START);
	CHECK_EQ(d.ctrl & SCSW_ACTL_MASK, 0);
	CHECK_EQ(d.ctrl & SCSW_STCTL_MASK, 0x07);
	CHECK_EQ(d.dstat, 0x0c);
}

TEST(scsw_round_trip_every_field)
{
	const uint8_t in[SCSW_SIZE] = {0xf7, 0xff, 0x7f, 0xff, 0x7f, 0xee,
				       0xdd, 0xc8, 0xab, 0xcd, 0x12, 0x34};
	uint8_t out[SCSW_SIZE];
	struct scsw s;

	scsw_decode(in, &s);
	CHECK_EQ(s.flags, 0xf7ff);
	CHECK_EQ(scsw_cc(&s), 3);
	CHECK_EQ(s.cpa, 0x7feeddc8);
	CHECK_EQ(s.count, 0x1234);
	scsw_encode(&s, out);
	CHECK_MEM(in, out, SCSW_SIZE);
}

/* ---- PMCW / SCHIB ---- */

static const uint8_t pmcw_example[PMCW_SIZE] = {
	0x00, 0x00, 0x00, 0x00, 0x18, 0x81, 0x00, 0x01, 0x80, 0x00, 0x00, 0x80, 0x00, 0x00,
	0xff, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

TEST(pmcw_worked_example_qemu_devno_1_isc_3_enabled)
{
	struct pmcw p;
	uint8_t out[PMCW_SIZE];

	pmcw_decode(pmcw_example, &p);
	CHECK_EQ(pmcw_isc(&p), 3);
	CHECK(p.flags & PMCW_FLAGS_ENA);
	CHECK(p.flags & PMCW_FLAGS_DNV);
	CHECK_EQ(p.devno, 1);
	CHECK_EQ(p.lpm, 0x80);
	CHECK_EQ(p.pim, 0x80);
	CHECK_EQ(p.pom, 0xff);
	CHECK_EQ(p.pam, 0x80);
	CHECK_EQ(p.chars, 0);
	pmcw_encode(&p, out);
	CHECK_MEM(out, pmcw_example, PMCW_SIZE);
}

TEST(schib_round_trip_every_field)
{
	uint8_t in[SCHIB_SIZE], out[SCHIB_SIZE];
	struct schib s;

	for (int i = 0; i < SCHIB_SIZE; i++)
		in[i] = (uint8_t)(0x11 * i + 3);
	in[4] &= ~0x04; /* bit 5 is never stored */
	schib_decode(in, &s);
	CHECK_EQ(s.pmcw.intparm, get_be32(in));
	CHECK_EQ(s.pmcw.chpid[7], in[0x17]);
	CHECK_EQ(s.scsw.cpa, get_be32(in + 0x20));
	CHECK_EQ(s.mba, get_be64(in + 0x28));
	CHECK_EQ(s.mda, get_be32(in + 0x30));
	schib_encode(&s, out);
	CHECK_MEM(in, out, SCHIB_SIZE);
}

TEST(stsch_stores_pmcw_word1_bit5_as_zero)
{
	struct pmcw p = {.flags = PMCW_FLAGS_BIT5 | PMCW_FLAGS_ENA | PMCW_FLAGS_DNV};
	uint8_t out[PMCW_SIZE];

	pmcw_encode(&p, out);
	CHECK_EQ(out[4], 0x00);
	CHECK_EQ(out[5], 0x81);
}

static void schib_base(uint8_t b[SCHIB_SIZE])
{
	memset(b, 0, SCHIB_SIZE);
	memcpy(b, pmcw_example, PMCW_SIZE);
}

TEST(msch_valid_schib_is_accepted)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	CHECK_EQ(schib_msch_invalid(b), 0);
}

TEST(msch_pmcw_word1_bit0_is_operand_exception)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	b[4] |= 0x80;
	CHECK(schib_msch_invalid(b));
}

TEST(msch_pmcw_word1_bit1_is_operand_exception)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	b[4] |= 0x40;
	CHECK(schib_msch_invalid(b));
}

TEST(msch_pmcw_word1_bit6_is_operand_exception)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	b[4] |= 0x02;
	CHECK(schib_msch_invalid(b));
}

TEST(msch_pmcw_word1_bit7_is_operand_exception)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	b[4] |= 0x01;
	CHECK(schib_msch_invalid(b));
}

TEST(msch_pmcw_word1_bit5_is_ignored)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	b[4] |= 0x04;
	CHECK_EQ(schib_msch_invalid(b), 0);
}

TEST(msch_pmcw_word6_reserved_bits_are_operand_exception)
{
	static const uint32_t bits[] = {0x80000000, 0x01000000, 0x00100000,
					0x00010000, 0x00000100, 0x00000008};
	uint8_t b[SCHIB_SIZE];

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		schib_base(b);
		put_be32(b + 24, bits[i]);
		CHECK(schib_msch_invalid(b));
	}
	/* ST is read-only, not reserved: MSCH ignores it. */
	schib_base(b);
	put_be32(b + 24, PMCW_CHARS_ST);
	CHECK_EQ(schib_msch_invalid(b), 0);
}

TEST(msch_xmwme_without_facility_is_operand_exception)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	put_be32(b + 24, PMCW_CHARS_XMWME);
	CHECK(schib_msch_invalid(b));
}

TEST(msch_limit_mode_11_is_operand_exception)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	b[5] |= 0x60;
	CHECK(schib_msch_invalid(b));
	schib_base(b);
	b[5] |= 0x20;
	CHECK_EQ(schib_msch_invalid(b), 0);
}

TEST(msch_mbfc_with_misaligned_mba_is_operand_exception)
{
	uint8_t b[SCHIB_SIZE];

	schib_base(b);
	put_be32(b + 24, PMCW_CHARS_MBFC);
	put_be64(b + SCHIB_OFF_MBA, 0x10020);
	CHECK(schib_msch_invalid(b));
	put_be64(b + SCHIB_OFF_MBA, 0x10040);
	CHECK_EQ(schib_msch_invalid(b), 0);
	/* Without MBFC the MBA is not looked at. */
	put_be32(b + 24, 0);
	put_be64(b + SCHIB_OFF_MBA, 0x10021);
	CHECK_EQ(schib_msch_invalid(b), 0);
}

/* ---- IRB ---- */

TEST(irb_round_trip_every_field)
{
	uint8_t in[IRB_SIZE], out[IRB_SIZE];
	struct irb irb;

	for (int i = 0; i < IRB_SIZE; i++)
		in[i] = (uint8_t)(7 * i + 1);
	irb_decode(in, &irb);
	CHECK_EQ(irb.esw[0], get_be32(in + IRB_OFF_ESW));
	CHECK_EQ(irb.esw[4], get_be32(in + IRB_OFF_ESW + 16));
	CHECK_EQ(irb.ecw[31], in[IRB_OFF_ECW + 31]);
	CHECK_EQ(irb.emw[7], get_be32(in + IRB_OFF_EMW + 28));
	irb_encode(&irb, out);
	CHECK_MEM(in, out, IRB_SIZE);
}

/* The ESW and EMW go two words at a time: each word lands in its own
 * place, in order, and comes back the same. */
TEST(irb_every_esw_and_emw_word_in_place)
{
	uint8_t in[IRB_SIZE], out[IRB_SIZE];
	struct irb irb;

	for (int i = 0; i < IRB_SIZE; i++)
		in[i] = (uint8_t)(13 * i + 5);
	irb_decode(in, &irb);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(irb.esw[i], get_be32(in + IRB_OFF_ESW + 4 * i));
	for (int i = 0; i < 8; i++)
		CHECK_EQ(irb.emw[i], get_be32(in + IRB_OFF_EMW + 4 * i));
	memset(out, 0, sizeof(out));
	irb_encode(&irb, out);
	CHECK_MEM(in + IRB_OFF_ESW, out + IRB_OFF_ESW, IRB_SIZE - IRB_OFF_ESW);
}

TEST(irb_esw_lpum_is_esw_byte_1)
{
	uint8_t in[IRB_SIZE] = {0};
	struct irb irb;

	in[IRB_OFF_ESW + 1] = 0x40;
	irb_decode(in, &irb);
	CHECK_EQ(irb_esw_lpum(&irb), 0x40);
}

/* ---- ORB ---- */

TEST(orb_bytes_4_7_linux_cio_start_key)
{
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64, .lpm = 0x80};
	const uint8_t want[4] = {0x00, 0xc2, 0x80, 0x00};
	uint8_t b[ORB_SIZE];

	orb_encode(&o, b);
	CHECK_MEM(b + 4, want, 4);
}

TEST(orb_bytes_4_7_kut_sense_id)
{
	const uint8_t in[ORB_SIZE] = {0, 0, 0, 0, 0x00, 0xa0, 0x80, 0x00, 0, 0, 0, 0};
	struct orb o;

	orb_decode(in, &o);
	CHECK_EQ(o.ctrl0, ORB_CTRL0_ISIC | ORB_CTRL0_FMT);
	CHECK_EQ(o.lpm, 0x80);
	CHECK_EQ(o.ctrl1, 0);
	CHECK_EQ(orb_invalid(&o), 0);
}

TEST(orb_round_trip_every_field)
{
	const uint8_t in[ORB_SIZE] = {0xde, 0xad, 0xbe, 0xef, 0xf8, 0xfb,
				      0x5a, 0xc1, 0x7f, 0x00, 0x10, 0x08};
	uint8_t out[ORB_SIZE];
	struct orb o;

	orb_decode(in, &o);
	CHECK_EQ(o.intparm, 0xdeadbeef);
	CHECK_EQ(o.cpa, 0x7f001008);
	orb_encode(&o, out);
	CHECK_MEM(in, out, ORB_SIZE);
}

TEST(orb_all_ones_is_operand_exception)
{
	uint8_t in[ORB_SIZE];
	struct orb o;

	memset(in, 0xff, sizeof(in));
	orb_decode(in, &o);
	CHECK(orb_invalid(&o));
}

TEST(orb_b_bit_transport_mode_is_operand_exception)
{
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_B, .lpm = 0x80};

	CHECK(orb_invalid(&o));
}

TEST(orb_midaw_control_is_operand_exception)
{
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .lpm = 0x80, .ctrl1 = ORB_CTRL1_MIDAW};

	CHECK(orb_invalid(&o));
}

TEST(orb_reserved_ctrl1_bits_are_operand_exception)
{
	for (unsigned bit = 0x02; bit <= 0x20; bit <<= 1) {
		struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .lpm = 0x80, .ctrl1 = (uint8_t)bit};

		CHECK(orb_invalid(&o));
	}
	struct orb ok = {.ctrl0 = ORB_CTRL0_FMT, .ctrl1 = ORB_CTRL1_ILS | ORB_CTRL1_ORBX};
	CHECK_EQ(orb_invalid(&ok), 0);
}

TEST(orb_cpa_bit0_is_operand_exception)
{
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .lpm = 0x80, .cpa = 0x80001000};

	CHECK(orb_invalid(&o));
	o.cpa = 0x7ffff000;
	CHECK_EQ(orb_invalid(&o), 0);
}

TEST(orb_extension_reads_priorities_and_rejects_reserved)
{
	uint8_t b[ORB_EXT_SIZE] = {0};
	struct orb o = {0};

	b[12] = 0x05;
	b[14] = 0x09;
	CHECK_EQ(orb_decode_ext(b, &o), 0);
	CHECK_EQ(o.css_prio, 5);
	CHECK_EQ(o.cu_prio, 9);
	b[13] = 1;
	CHECK(orb_decode_ext(b, &o));
	b[13] = 0;
	b[31] = 1;
	CHECK(orb_decode_ext(b, &o));
}

/* ---- CCW ---- */

TEST(ccw1_round_trip)
{
	const uint8_t in[CCW_SIZE] = {0xe4, 0x20, 0x01, 0x00, 0x00, 0x12, 0x34, 0x50};
	uint8_t out[CCW_SIZE];
	struct ccw1 c;

	ccw1_decode(in, &c);
	CHECK_EQ(c.cmd, CCW_CMD_SENSE_ID);
	CHECK_EQ(c.flags, CCW_FLAG_SLI);
	CHECK_EQ(c.count, 256);
	CHECK_EQ(c.cda, 0x00123450);
	ccw1_encode(&c, out);
	CHECK_MEM(in, out, CCW_SIZE);
}

TEST(ccw0_has_24bit_address_flags_in_byte4_count_in_bytes6_7)
{
	const uint8_t in[CCW_SIZE] = {0x02, 0xab, 0xcd, 0xe8, 0x60, 0x00, 0x00, 0x50};
	uint8_t out[CCW_SIZE];
	struct ccw1 c;

	ccw0_decode(in, &c);
	CHECK_EQ(c.cmd, 0x02);
	CHECK_EQ(c.cda, 0xabcde8);
	CHECK_EQ(c.flags, CCW_FLAG_CC | CCW_FLAG_SLI);
	CHECK_EQ(c.count, 0x50);
	ccw0_encode(&c, out);
	CHECK_MEM(in, out, CCW_SIZE);
}

TEST(ccw_kind_from_command_code_low_bits)
{
	CHECK_EQ(ccw_kind(0x00, true), CCW_KIND_INVALID);
	CHECK_EQ(ccw_kind(0xf0, false), CCW_KIND_INVALID);
	CHECK_EQ(ccw_kind(0x01, true), CCW_KIND_WRITE);
	CHECK_EQ(ccw_kind(0x8d, true), CCW_KIND_WRITE);
	CHECK_EQ(ccw_kind(0x02, true), CCW_KIND_READ);
	CHECK_EQ(ccw_kind(0xfa, true), CCW_KIND_READ);
	CHECK_EQ(ccw_kind(0x03, true), CCW_KIND_CONTROL);
	CHECK_EQ(ccw_kind(0xaf, true), CCW_KIND_CONTROL);
	CHECK_EQ(ccw_kind(0x04, true), CCW_KIND_SENSE);
	CHECK_EQ(ccw_kind(0xe4, true), CCW_KIND_SENSE);
	CHECK_EQ(ccw_kind(0x0c, true), CCW_KIND_READ_BACKWARD);
}

TEST(ccw_tic_is_any_xxxx1000_in_format0_but_only_0x08_in_format1)
{
	CHECK_EQ(ccw_kind(0x08, false), CCW_KIND_TIC);
	CHECK_EQ(ccw_kind(0x18, false), CCW_KIND_TIC);
	CHECK_EQ(ccw_kind(0xf8, false), CCW_KIND_TIC);
	CHECK_EQ(ccw_kind(0x08, true), CCW_KIND_TIC);
	CHECK_EQ(ccw_kind(0x18, true), CCW_KIND_INVALID);
}

/* ---- CRW ---- */

TEST(crw_channel_path_offline_chpid_42)
{
	struct crw c = {.rsc = CRW_RSC_CPATH, .erc = CRW_ERC_PERRN, .rsid = 0x42};
	struct crw d;

	CHECK_EQ(crw_encode(&c), 0x04060042);
	crw_decode(0x04060042, &d);
	CHECK(!d.slct && !d.oflw && !d.chn && !d.anc);
	CHECK_EQ(d.rsc, CRW_RSC_CPATH);
	CHECK_EQ(d.erc, CRW_ERC_PERRN);
	CHECK_EQ(d.rsid, 0x42);
}

TEST(crw_subchannel_hotplug_0005)
{
	struct crw c = {.rsc = CRW_RSC_SCH, .erc = CRW_ERC_IPARM, .rsid = 5};

	CHECK_EQ(crw_encode(&c), 0x03040005);
}

TEST(crw_rchp_completion_is_solicited)
{
	struct crw d;

	crw_decode(0x44020000, &d);
	CHECK(d.slct);
	CHECK_EQ(d.rsc, CRW_RSC_CPATH);
	CHECK_EQ(d.erc, CRW_ERC_INIT);
	CHECK_EQ(d.rsid, 0);
	CHECK_EQ(crw_encode(&d), 0x44020000);
}

TEST(crw_chained_subchannel_report)
{
	struct crw d;

	crw_decode(0x13040005, &d);
	CHECK(d.chn);
	CHECK(!d.slct);
	CHECK_EQ(d.rsc, CRW_RSC_SCH);
	CHECK_EQ(d.erc, CRW_ERC_IPARM);
	CHECK_EQ(d.rsid, 5);
	CHECK_EQ(crw_encode(&d), 0x13040005);
}

TEST(crw_round_trip_all_flags)
{
	struct crw d;

	crw_decode(0x7fbfffff, &d);
	CHECK(d.slct && d.oflw && d.chn && d.anc);
	CHECK_EQ(crw_encode(&d), 0x7fbfffff);
}

/* ---- SENSE ID ---- */

static const uint8_t sid_3990_6[20] = {0xff, 0x39, 0x90, 0xe9, 0x33, 0x90, 0x0c, 0x00, 0x40, 0xfa,
				       0x01, 0x00, 0x41, 0x27, 0x00, 0x04, 0x42, 0x3e, 0x00, 0x60};

TEST(senseid_decode_3990_6_3390_with_three_ciws)
{
	struct senseid s;

	CHECK_EQ(senseid_decode(sid_3990_6, 20, &s), 0);
	CHECK_EQ(s.cu_type, 0x3990);
	CHECK_EQ(s.cu_model, 0xe9);
	CHECK_EQ(s.dev_type, 0x3390);
	CHECK_EQ(s.dev_model, 0x0c);
	CHECK_EQ(s.nciw, 3);
	CHECK_EQ(s.ciw[0].type, CIW_TYPE_RCD);
	CHECK_EQ(s.ciw[0].cmd, 0xfa);
	CHECK_EQ(s.ciw[0].count, 256);
	CHECK_EQ(s.ciw[1].type, CIW_TYPE_SII);
	CHECK_EQ(s.ciw[1].cmd, 0x27);
	CHECK_EQ(s.ciw[1].count, 4);
	CHECK_EQ(s.ciw[2].type, CIW_TYPE_RNI);
	CHECK_EQ(s.ciw[2].cmd, 0x3e);
	CHECK_EQ(s.ciw[2].count, 0x60);
}

TEST(senseid_encode_length_is_8_plus_4_per_ciw)
{
	struct senseid s;
	uint8_t out[SENSEID_MAX];

	senseid_decode(sid_3990_6, 20, &s);
	CHECK_EQ(senseid_encode(&s, out), 20);
	CHECK_MEM(out, sid_3990_6, 20);
	CHECK_EQ(out[20], 0);
}

TEST(senseid_encode_without_ciws_is_7_bytes)
{
	struct senseid s = {.cu_type = 0x3832, .dev_type = 0x0000};
	uint8_t out[SENSEID_MAX];

	CHECK_EQ(senseid_encode(&s, out), 7);
	CHECK_EQ(out[0], 0xff);
	CHECK_EQ(out[1], 0x38);
	CHECK_EQ(out[2], 0x32);
}

TEST(senseid_decode_rejects_fewer_than_4_bytes)
{
	struct senseid s;

	CHECK_EQ(senseid_decode(sid_3990_6, 3, &s), -1);
	CHECK_EQ(senseid_decode(sid_3990_6, 4, &s), 0);
	CHECK_EQ(s.cu_type, 0x3990);
	CHECK_EQ(s.dev_type, 0);
	CHECK_EQ(s.nciw, 0);
}

TEST(senseid_decode_rejects_byte0_not_ff)
{
	uint8_t b[20];
	struct senseid s;

	memcpy(b, sid_3990_6, sizeof(b));
	b[0] = 0x00;
	CHECK_EQ(senseid_decode(b, 20, &s), -1);
}

TEST(senseid_ciws_end_at_first_non_ciw_entry)
{
	uint8_t b[20];
	struct senseid s;

	memcpy(b, sid_3990_6, sizeof(b));
	b[12] = 0x81; /* ET = 10 */
	CHECK_EQ(senseid_decode(b, 20, &s), 0);
	CHECK_EQ(s.nciw, 1);
}

TEST(senseid_ciws_end_at_end_of_transferred_data)
{
	struct senseid s;

	CHECK_EQ(senseid_decode(sid_3990_6, 18, &s), 0);
	CHECK_EQ(s.nciw, 2);
	CHECK_EQ(senseid_decode(sid_3990_6, 7, &s), 0);
	CHECK_EQ(s.nciw, 0);
	CHECK_EQ(s.dev_model, 0x0c);
}

/* irb_encode_status lays out IRB bytes 0-63 exactly as irb_encode does for
 * an IRB with only ESW words 0-1 and the ECW set, and writes nothing past
 * byte 63 (the EMW is not stored). */
TEST(irb_encode_status_matches_irb_encode_for_the_first_64_bytes)
{
	struct irb irb;
	uint8_t full[IRB_SIZE], part[IRB_SIZE];

	memset(&irb, 0, sizeof(irb));
	irb.scsw.flags = SCSW_FLAGS_ESWF | 0x0080;
	irb.scsw.ctrl = 0x4017;
	irb.scsw.cpa = 0x1238;
	irb.scsw.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
	irb.esw[0] = 0x00804000;
	irb.esw[1] = ERW_S | 32 << ERW_SCNT_SHIFT;
	for (int i = 0; i < 32; i++)
		irb.ecw[i] = (uint8_t)(i + 1);
	irb_encode(&irb, full);
	memset(part, 0xaa, sizeof(part));
	irb_encode_status(&irb.scsw, irb.esw[0], irb.esw[1], irb.ecw, part);
	CHECK_MEM(part, full, IRB_OFF_EMW);
	for (int i = IRB_OFF_EMW; i < IRB_SIZE; i++)
		CHECK_EQ(part[i], 0xaa);
	irb_encode_status(&irb.scsw, 0, 0, NULL, part);
	for (int i = IRB_OFF_ESW; i < IRB_OFF_EMW; i++)
		CHECK_EQ(part[i], 0);
}
