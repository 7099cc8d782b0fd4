/* ORB codec and SSCH operand checks: zarch-css-formats.md §4. */
#include "arch/orb.h"

#include "arch/bytes.h"

#define ORB_CPA_BIT0 0x80000000u

void orb_encode(const struct orb *o, uint8_t out[ORB_SIZE])
{
	put_be32(out, o->intparm);
	put_be16(out + 4, o->ctrl0);
	out[6] = o->lpm;
	out[7] = o->ctrl1;
	put_be32(out + 8, o->cpa);
}

void orb_decode(const uint8_t in[ORB_SIZE], struct orb *o)
{
	o->intparm = get_be32(in);
	o->ctrl0 = get_be16(in + 4);
	o->lpm = in[6];
	o->ctrl1 = in[7];
	o->cpa = get_be32(in + 8);
	o->css_prio = 0;
	o->cu_prio = 0;
}

/* Bytes 12-31: CSS priority (12), CU priority (14); 13, 15 and 16-31 are
 * reserved. */
int orb_decode_ext(const uint8_t in[ORB_EXT_SIZE], struct orb *o)
{
	int bad = in[13] != 0 || in[15] != 0;

	o->css_prio = in[12];
	o->cu_prio = in[14];
	for (int i = 16; i < ORB_EXT_SIZE; i++)
		bad |= in[i] != 0;
	return bad;
}

/* Neither transport mode nor the MIDAW facility is provided, so B and D
 * are operand exceptions like the reserved bits. */
int orb_invalid(const struct orb *o)
{
	if (o->ctrl1 & ORB_CTRL1_INVALID)
		return 1;
	if (o->ctrl0 & ORB_CTRL0_B)
		return 1;
	if (o->ctrl1 & ORB_CTRL1_MIDAW)
		return 1;
	if (o->cpa & ORB_CPA_BIT0)
		return 1;
	return 0;
}
