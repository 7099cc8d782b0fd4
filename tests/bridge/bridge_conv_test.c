/* The bridge's byte order conversions, fixed by byte vectors (what QEMU 7.2
 * on x86 writes or expects, and what the s390 host driver has). */
#include "bridge/conv.h"
#include "t.h"

static int little(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

/* The ORB QEMU wrote for the guest's Sense ID (observed: intparm
 * 0x02415000, ctrl 0x00c2, lpm c0, cpa 0x01fca028) and its SCSW with the
 * start function (ctrl 0x4000 as a native u16). */
TEST(bridge_io_region_orb_and_scsw_become_big_endian)
{
	uint8_t r[124] = {
		0x00, 0x50, 0x41, 0x02, 0xc2, 0x00, 0xc0, 0x00, 0x28, 0xa0, 0xfc, 0x01, /* ORB */
		0x80, 0x00, 0x00, 0x40, 0x28, 0xa0, 0xfc, 0x01, 0x0c, 0x00, 0x20, 0x00, /* SCSW */
	};
	static const uint8_t want[24] = {
		0x02, 0x41, 0x50, 0x00, 0x00, 0xc2, 0xc0, 0x00, 0x01, 0xfc, 0xa0, 0x28,
		0x00, 0x80, 0x40, 0x00, 0x01, 0xfc, 0xa0, 0x28, 0x0c, 0x00, 0x00, 0x20,
	};

	r[120] = 0x11; /* ret_code: native on both sides */
	bridge_conv_write(BRIDGE_REGION_IO, 0, r, sizeof(r));
	if (!little())
		return;
	CHECK_MEM(r, want, sizeof(want));
	CHECK_EQ(r[120], 0x11);
	for (int i = 24; i < 120; i++)
		CHECK_EQ(r[i], 0);
}

TEST(bridge_io_region_irb_read_is_unchanged)
{
	uint8_t r[124], copy[124];

	for (int i = 0; i < 124; i++)
		r[i] = copy[i] = (uint8_t)(i * 7);
	bridge_conv_read(BRIDGE_REGION_IO, 0, r, sizeof(r));
	CHECK_MEM(r, copy, sizeof(r));
}

/* The host's native u32 CRW word 0x04060042 (RSC 4, ERC 6, RSID 0x42):
 * QEMU reads {u16 flags = 0x0406, u16 rsid = 0x0042}. */
TEST(bridge_crw_region_is_two_native_halfwords)
{
	uint32_t w = 0x04060042;
	uint8_t r[8] = {0};
	uint16_t flags, rsid;

	memcpy(r, &w, 4);
	bridge_conv_read(BRIDGE_REGION_CRW, 0, r, sizeof(r));
	memcpy(&flags, r, 2);
	memcpy(&rsid, r + 2, 2);
	CHECK_EQ(flags, 0x0406);
	CHECK_EQ(rsid, 0x0042);
	if (little()) {
		static const uint8_t want[8] = {0x06, 0x04, 0x42, 0x00, 0, 0, 0, 0};

		CHECK_MEM(r, want, 8);
	}
	/* an empty queue reads as 0 */
	memset(r, 0, sizeof(r));
	bridge_conv_read(BRIDGE_REGION_CRW, 0, r, sizeof(r));
	for (int i = 0; i < 8; i++)
		CHECK_EQ(r[i], 0);
}

/* An architected SCHIB (devno 3f3f, PIM f0 PAM 70 POM ff, CHPIDs 42-45,
 * SCSW with PNO) becomes QEMU's native struct: the masks are bytes, the
 * SCSW flags a native u16 with PNO = 0x0001. */
TEST(bridge_schib_region_becomes_native)
{
	uint8_t r[52] = {
		0x00, 0x00, 0x00, 0x01,				/* intparm */
		0x00, 0x80, 0x3f, 0x3f,				/* flags (DNV), devno */
		0x80, 0x00, 0x80, 0xf0,				/* lpm pnom lpum pim */
		0x12, 0x34, 0xff, 0x70,				/* mbi, pom, pam */
		0x42, 0x43, 0x44, 0x45, 0,    0,    0,	  0,	/* chpids */
		0x00, 0x00, 0x00, 0x06,				/* chars */
		0x00, 0x01, 0x40, 0x17,				/* SCSW flags (PNO), ctrl */
		0x00, 0x00, 0x10, 0x08, 0x0c, 0x00, 0x00, 0x18, /* cpa, dstat cstat count */
		0,    0,    0,	  0,	0,    0,    0x20, 0x00, /* mba */
		0,    0,    0,	  0,				/* mda */
	};
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	bridge_conv_read(BRIDGE_REGION_SCHIB, 0, r, sizeof(r));
	if (!little())
		return;
	memcpy(&u32, r, 4);
	CHECK_EQ(u32, 1);
	memcpy(&u16, r + 4, 2);
	CHECK_EQ(u16, 0x0080);
	memcpy(&u16, r + 6, 2);
	CHECK_EQ(u16, 0x3f3f);
	CHECK_EQ(r[8], 0x80); /* bytes stay */
	CHECK_EQ(r[11], 0xf0);
	memcpy(&u16, r + 12, 2);
	CHECK_EQ(u16, 0x1234);
	CHECK_EQ(r[14], 0xff);
	CHECK_EQ(r[15], 0x70);
	CHECK_EQ(r[16], 0x42);
	CHECK_EQ(r[19], 0x45);
	memcpy(&u32, r + 24, 4);
	CHECK_EQ(u32, 6);
	memcpy(&u16, r + 28, 2);
	CHECK_EQ(u16 & 0x0001, 1); /* SCSW_FLAGS_MASK_PNO as QEMU tests it */
	memcpy(&u16, r + 30, 2);
	CHECK_EQ(u16, 0x4017);
	memcpy(&u32, r + 32, 4);
	CHECK_EQ(u32, 0x1008);
	CHECK_EQ(r[36], 0x0c);
	memcpy(&u16, r + 38, 2);
	CHECK_EQ(u16, 0x18);
	memcpy(&u64, r + 40, 8);
	CHECK_EQ(u64, 0x2000);
}

/* A read that cuts a field leaves that field's bytes alone. */
TEST(bridge_partial_access_converts_whole_fields_only)
{
	uint8_t r[3] = {0x00, 0x01, 0x40};

	/* bytes 28..30 of the SCHIB: flags (28-29) whole, ctrl (30-31) cut */
	bridge_conv_read(BRIDGE_REGION_SCHIB, 28, r, sizeof(r));
	if (!little())
		return;
	CHECK_EQ(r[0], 0x01);
	CHECK_EQ(r[1], 0x00);
	CHECK_EQ(r[2], 0x40);
}

/* The async region's command and the SCHIB/CRW regions written: as is. */
TEST(bridge_async_region_is_native)
{
	uint8_t r[8] = {1, 0, 0, 0, 0, 0, 0, 0}, copy[8];

	memcpy(copy, r, 8);
	bridge_conv_write(BRIDGE_REGION_ASYNC, 0, r, 8);
	CHECK_MEM(r, copy, 8);
	bridge_conv_read(BRIDGE_REGION_ASYNC, 0, r, 8);
	CHECK_MEM(r, copy, 8);
}
