/* ORB codec and SSCH operand checks: zarch-css-formats.md §4. */
#include "arch/orb.h"

#include "arch/bytes.h"

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
