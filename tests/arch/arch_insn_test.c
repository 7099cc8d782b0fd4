/* The I/O instruction rules both channel subsystems share (arch/insn.c)
 * and the SCLP channel-path information masks. */
#include <string.h>

#include "arch/bytes.h"
#include "arch/insn.h"
#include "arch/sclp.h"
#include "t.h"

TEST(insn_operand_alignment_and_range)
{
	struct storage *mem = storage_new(8192);
	uint8_t *p;

	CHECK(mem != NULL);
	CHECK_EQ(insn_operand(mem, 0x1000, 12, &p), 0);
	CHECK(p == mem->base + 0x1000);
	CHECK_EQ(insn_operand(mem, 0x1002, 12, &p), -PGM_SPECIFICATION);
	CHECK_EQ(insn_operand(mem, 8192 - 8, 12, &p), -PGM_ADDRESSING);
	storage_free(mem);
}

TEST(insn_fetch_orb_checks_the_orb)
{
	struct storage *mem = storage_new(8192);
	struct orb o = {.intparm = 0x12345678, .ctrl0 = ORB_CTRL0_FMT, .lpm = 0xf0, .cpa = 0x2000},
		   got;
	uint8_t *p = mem->base + 0x100;

	orb_encode(&o, p);
	CHECK_EQ(insn_fetch_orb(mem, 0x100, &got), 0);
	CHECK_EQ(got.intparm, 0x12345678);
	CHECK_EQ(got.lpm, 0xf0);
	CHECK_EQ(got.cpa, 0x2000);
	o.cpa = 0x80002000; /* bit 0 of the channel-program address */
	orb_encode(&o, p);
	CHECK_EQ(insn_fetch_orb(mem, 0x100, &got), -PGM_OPERAND);
	o.cpa = 0x2000;
	o.ctrl1 = ORB_CTRL1_MIDAW; /* no MIDAW facility */
	orb_encode(&o, p);
	CHECK_EQ(insn_fetch_orb(mem, 0x100, &got), -PGM_OPERAND);
	CHECK_EQ(insn_fetch_orb(mem, 0x102, &got), -PGM_SPECIFICATION);
	storage_free(mem);
}

TEST(insn_msch_takes_only_what_the_program_may_set)
{
	struct pmcw cur = {.intparm = 1,
			   .flags = PMCW_FLAGS_DNV,
			   .devno = 0x3f3f,
			   .lpm = 0x80,
			   .pim = 0xf0,
			   .pam = 0xf0,
			   .pom = 0xff},
		    n = {.intparm = 2,
			 .flags = 0xffff,
			 .devno = 0x1111,
			 .lpm = 0xc0,
			 .pim = 0x0f,
			 .pam = 0x0f,
			 .pom = 0x7f,
			 .mbi = 9,
			 .chars = 0xffffffff};

	CHECK(insn_msch_apply(&cur, &n)); /* MBFC set: the MBA is taken */
	CHECK_EQ(cur.intparm, 2);
	CHECK_EQ(cur.flags, PMCW_FLAGS_DNV | MSCH_PMCW_FLAGS);
	CHECK_EQ(cur.devno, 0x3f3f); /* not the program's */
	CHECK_EQ(cur.pim, 0xf0);
	CHECK_EQ(cur.pam, 0xf0);
	CHECK_EQ(cur.lpm, 0xc0);
	CHECK_EQ(cur.pom, 0x7f);
	CHECK_EQ(cur.mbi, 9);
	CHECK_EQ(cur.chars, MSCH_PMCW_CHARS);
	n.chars = 0;
	CHECK(!insn_msch_apply(&cur, &n));
	CHECK_EQ(cur.chars, 0);
}

TEST(insn_ssch_start_copies_the_orb_flags_into_the_scsw)
{
	struct orb o = {.ctrl0 = ORB_CTRL0_KEY | ORB_CTRL0_FMT | ORB_CTRL0_C64, .cpa = 0x4000};
	struct scsw w = {.dstat = 0xff, .count = 7};

	insn_ssch_start(&w, &o);
	CHECK_EQ(w.flags, ORB_CTRL0_KEY | ORB_CTRL0_FMT); /* not C64: not an SCSW bit */
	CHECK_EQ(w.ctrl, SCSW_FCTL_START | SCSW_ACTL_START);
	CHECK_EQ(w.cpa, 0x4000);
	CHECK_EQ(w.dstat, 0);
	CHECK_EQ(w.count, 0);
}

TEST(insn_tsch_clear_intermediate_and_final)
{
	struct scsw w = {.flags = SCSW_FLAGS_ZCC | SCSW_FLAGS_PNO,
			 .ctrl = SCSW_FCTL_START | SCSW_ACTL_SCH_ACT | SCSW_STCTL_INTER |
				 SCSW_STCTL_PEND,
			 .cstat = SCHN_STAT_PCI};

	/* intermediate (a PCI): the function goes on, the PCI is consumed */
	CHECK(!insn_tsch_clear(&w));
	CHECK_EQ(w.flags, SCSW_FLAGS_PNO);
	CHECK_EQ(w.ctrl, SCSW_FCTL_START | SCSW_ACTL_SCH_ACT);
	CHECK_EQ(w.cstat, 0);
	/* final: the function ends */
	w.ctrl = SCSW_FCTL_START | SCSW_ACTL_START | SCSW_STCTL_PRIM | SCSW_STCTL_SEC |
		 SCSW_STCTL_PEND;
	CHECK(insn_tsch_clear(&w));
	CHECK_EQ(w.ctrl, 0);
	CHECK_EQ(w.flags, 0);
	/* intermediate with halt under suspend: the function field is cleared */
	w.ctrl = SCSW_FCTL_START | SCSW_FCTL_HALT | SCSW_ACTL_SUSP | SCSW_STCTL_INTER |
		 SCSW_STCTL_PEND;
	CHECK(!insn_tsch_clear(&w));
	CHECK_EQ(w.ctrl, SCSW_ACTL_SUSP);
	/* intermediate with start under suspend: resume pending and N go */
	w.flags = SCSW_FLAGS_PNO;
	w.ctrl = SCSW_FCTL_START | SCSW_ACTL_SUSP | SCSW_ACTL_RESUME | SCSW_STCTL_INTER |
		 SCSW_STCTL_PEND;
	CHECK(!insn_tsch_clear(&w));
	CHECK_EQ(w.ctrl, SCSW_FCTL_START | SCSW_ACTL_SUSP);
	CHECK_EQ(w.flags, 0);
}

TEST(io_interruption_code_and_idaws)
{
	uint8_t b[12], w[8];
	uint64_t a;

	memset(b, 0xee, sizeof(b));
	io_int_code_encode(b, 0x0001013f, 0xcafe, 3, false);
	CHECK_EQ(get_be32(b), 0x0001013f);
	CHECK_EQ(get_be32(b + 4), 0xcafe);
	CHECK_EQ(b[8], 0xee); /* TPI with an operand stores 8 bytes */
	io_int_code_encode(b, 0x0001013f, 0xcafe, 3, true);
	CHECK_EQ(get_be32(b + 8), 3u << 27);
	CHECK_EQ(io_int_word(7), 0x38000000);

	CHECK_EQ(idaw_size(0), 4);
	CHECK_EQ(idaw_size(ORB_CTRL0_C64), 8);
	CHECK_EQ(idaw_block(0), 2048);
	CHECK_EQ(idaw_block(ORB_CTRL0_C64), 4096);
	CHECK_EQ(idaw_block(ORB_CTRL0_C64 | ORB_CTRL0_I2K), 2048);
	CHECK(idal_aligned(0x1004, 0));
	CHECK(!idal_aligned(0x1004, ORB_CTRL0_C64));
	put_be32(w, 0x80001000); /* format 1: bit 0 must be zero */
	CHECK_EQ(idaw_fetch(w, 0, 0, &a), -1);
	put_be32(w, 0x1234);
	CHECK_EQ(idaw_fetch(w, 0, 0, &a), 0); /* the first may start inside a block */
	CHECK_EQ(a, 0x1234);
	CHECK_EQ(idaw_fetch(w, 0, 1, &a), -1); /* the others may not */
	put_be64(w, 0x100001000ull);
	CHECK_EQ(idaw_fetch(w, ORB_CTRL0_C64, 1, &a), 0);
	CHECK_EQ(a, 0x100001000ull);
	CHECK_EQ(idaw_fetch(w, ORB_CTRL0_C64 | ORB_CTRL0_I2K, 2, &a), 0);
	put_be64(w, 0x100001800ull);
	CHECK_EQ(idaw_fetch(w, ORB_CTRL0_C64, 1, &a), -1);
	CHECK_EQ(idaw_fetch(w, ORB_CTRL0_C64 | ORB_CTRL0_I2K, 1, &a), 0);
}

TEST(sclp_chp_info_masks)
{
	struct sclp_chp_info info = {0}, back;
	uint8_t sccb[SCLP_CHP_INFO_SCCB_SIZE];

	sclp_chp_info_set(&info, 0x42, SCLP_CHP_CONFIGURED);
	sclp_chp_info_set(&info, 0x43, SCLP_CHP_STANDBY);
	sclp_chp_info_set(&info, 0x44, SCLP_CHP_RESERVED);
	sclp_chp_info_set(&info, 0x45, SCLP_CHP_CONFIGURED);
	sclp_chp_info_set(&info, 0x45, SCLP_CHP_NOT_RECOGNIZED);
	memset(sccb, 0xee, sizeof(sccb));
	sclp_chp_info_encode(&info, sccb);
	CHECK_EQ(sccb[0], 0xee);				/* the header is not the codec's */
	CHECK_EQ(sccb[SCLP_CHP_INFO_OFF_RECOGNIZED + 8], 0x38); /* 42 43 44 */
	CHECK_EQ(sccb[SCLP_CHP_INFO_OFF_STANDBY + 8], 0x10);	/* 43 */
	CHECK_EQ(sccb[SCLP_CHP_INFO_OFF_CONFIGURED + 8], 0x20); /* 42 */
	CHECK_EQ(sccb[SCLP_CHP_INFO_OFF_CSSID], 0);
	sclp_chp_info_decode(sccb, &back);
	CHECK_EQ(sclp_chp_info_state(&back, 0x42), SCLP_CHP_CONFIGURED);
	CHECK_EQ(sclp_chp_info_state(&back, 0x43), SCLP_CHP_STANDBY);
	CHECK_EQ(sclp_chp_info_state(&back, 0x44), SCLP_CHP_RESERVED);
	CHECK_EQ(sclp_chp_info_state(&back, 0x45), SCLP_CHP_NOT_RECOGNIZED);
	CHECK_EQ(sclp_chp_info_state(&back, 0x00), SCLP_CHP_NOT_RECOGNIZED);
}
