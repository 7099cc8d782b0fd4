/* ORB, command mode: the 12-byte form (what vfio-ccw passes) and the 32-byte
 * extended form (X = 1): zarch-css-formats.md §4. */
#ifndef CHPSYNC_ARCH_ORB_H
#define CHPSYNC_ARCH_ORB_H

#include <stdint.h>

#include "arch/bytes.h"

#define ORB_SIZE     12
#define ORB_EXT_SIZE 32

/* ctrl0: bytes 4-5 */
#define ORB_CTRL0_KEY  0xf000
#define ORB_CTRL0_SPND 0x0800
#define ORB_CTRL0_STR  0x0400
#define ORB_CTRL0_MOD  0x0200
#define ORB_CTRL0_SYNC 0x0100
#define ORB_CTRL0_FMT  0x0080
#define ORB_CTRL0_PFCH 0x0040
#define ORB_CTRL0_ISIC 0x0020
#define ORB_CTRL0_ALCC 0x0010
#define ORB_CTRL0_SSIC 0x0008
#define ORB_CTRL0_B    0x0004 /* transport mode: refused */
#define ORB_CTRL0_C64  0x0002 /* H: format-2 IDAWs */
#define ORB_CTRL0_I2K  0x0001 /* T: 2K format-2 IDAWs */
/* ctrl1: byte 7 */
#define ORB_CTRL1_ILS	  0x80
#define ORB_CTRL1_MIDAW	  0x40
#define ORB_CTRL1_INVALID 0x3e
#define ORB_CTRL1_ORBX	  0x01

struct orb {
	uint32_t intparm;
	uint16_t ctrl0;
	uint8_t lpm;
	uint8_t ctrl1;
	uint32_t cpa;
	/* extension, meaningful only with ORB_CTRL1_ORBX */
	uint8_t css_prio;
	uint8_t cu_prio;
};

/* Inline: the guest's, the VMM's and the host's start each pass one. */
static inline void orb_encode(const struct orb *o, uint8_t out[ORB_SIZE])
{
	put_be32(out, o->intparm);
	put_be16(out + 4, o->ctrl0);
	out[6] = o->lpm;
	out[7] = o->ctrl1;
	put_be32(out + 8, o->cpa);
}

static inline void orb_decode(const uint8_t in[ORB_SIZE], struct orb *o)
{
	o->intparm = get_be32(in);
	o->ctrl0 = get_be16(in + 4);
	o->lpm = in[6];
	o->ctrl1 = in[7];
	o->cpa = get_be32(in + 8);
	o->css_prio = 0;
	o->cu_prio = 0;
}
/* Decode the extension bytes 12-31 of a 32-byte ORB into o; returns nonzero
 * when a reserved extension field is set. */
int orb_decode_ext(const uint8_t in[ORB_EXT_SIZE], struct orb *o);
/* SSCH operand checks (§4.2): nonzero means operand exception.  Neither
 * transport mode nor the MIDAW facility is provided, so B and D are
 * operand exceptions like the reserved bits; so is CPA bit 0.  Inline:
 * every start passes it twice. */
static inline int orb_invalid(const struct orb *o)
{
	return (o->ctrl1 & (ORB_CTRL1_INVALID | ORB_CTRL1_MIDAW)) || (o->ctrl0 & ORB_CTRL0_B) ||
	       (o->cpa & 0x80000000u);
}

#endif
