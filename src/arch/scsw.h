/* SCSW, command mode (12 bytes): zarch-css-formats.md §2.
 * The decoded form keeps the two control halfwords as architected bit masks. */
#ifndef CHPSYNC_ARCH_SCSW_H
#define CHPSYNC_ARCH_SCSW_H

#include <stdint.h>

#include "arch/bytes.h"

#define SCSW_SIZE 12

/* flags: bytes 0-1 */
#define SCSW_FLAGS_KEY	0xf000
#define SCSW_FLAGS_SCTL 0x0800 /* S suspend control */
#define SCSW_FLAGS_ESWF 0x0400 /* L: format-0 ESW stored */
#define SCSW_FLAGS_CC	0x0300 /* deferred condition code */
#define SCSW_FLAGS_FMT	0x0080
#define SCSW_FLAGS_PFCH 0x0040
#define SCSW_FLAGS_ISIC 0x0020
#define SCSW_FLAGS_ALCC 0x0010
#define SCSW_FLAGS_SSI	0x0008 /* U */
#define SCSW_FLAGS_ZCC	0x0004
#define SCSW_FLAGS_ECTL 0x0002
#define SCSW_FLAGS_PNO	0x0001 /* N: path not operational */
#define SCSW_CC_SHIFT	8

/* ctrl: bytes 2-3 */
#define SCSW_FCTL_START	  0x4000
#define SCSW_FCTL_HALT	  0x2000
#define SCSW_FCTL_CLEAR	  0x1000
#define SCSW_FCTL_MASK	  0x7000
#define SCSW_ACTL_RESUME  0x0800
#define SCSW_ACTL_START	  0x0400 /* start pending */
#define SCSW_ACTL_HALT	  0x0200 /* halt pending */
#define SCSW_ACTL_CLEAR	  0x0100 /* clear pending */
#define SCSW_ACTL_SCH_ACT 0x0080
#define SCSW_ACTL_DEV_ACT 0x0040
#define SCSW_ACTL_SUSP	  0x0020
#define SCSW_ACTL_MASK	  0x0fe0
#define SCSW_STCTL_ALERT  0x0010
#define SCSW_STCTL_INTER  0x0008
#define SCSW_STCTL_PRIM	  0x0004
#define SCSW_STCTL_SEC	  0x0002
#define SCSW_STCTL_PEND	  0x0001
#define SCSW_STCTL_MASK	  0x001f

/* device status (byte 8) */
#define DEV_STAT_ATTENTION  0x80
#define DEV_STAT_STAT_MOD   0x40
#define DEV_STAT_CU_END	    0x20
#define DEV_STAT_BUSY	    0x10
#define DEV_STAT_CHN_END    0x08
#define DEV_STAT_DEV_END    0x04
#define DEV_STAT_UNIT_CHECK 0x02
#define DEV_STAT_UNIT_EXCEP 0x01

/* subchannel status (byte 9) */
#define SCHN_STAT_PCI		0x80
#define SCHN_STAT_INCORR_LEN	0x40
#define SCHN_STAT_PROG_CHECK	0x20
#define SCHN_STAT_PROT_CHECK	0x10
#define SCHN_STAT_CHN_DATA_CHK	0x08
#define SCHN_STAT_CHN_CTRL_CHK	0x04
#define SCHN_STAT_INTF_CTRL_CHK 0x02
#define SCHN_STAT_CHAIN_CHECK	0x01

struct scsw {
	uint16_t flags;
	uint16_t ctrl;
	uint32_t cpa;
	uint8_t dstat;
	uint8_t cstat;
	uint16_t count;
};

/* Codec (zarch-css-formats.md §2), inline: every layer's I/O path stores
 * and fetches SCSWs. */
static inline void scsw_encode(const struct scsw *s, uint8_t out[SCSW_SIZE])
{
	put_be16(out, s->flags);
	put_be16(out + 2, s->ctrl);
	put_be32(out + 4, s->cpa);
	out[8] = s->dstat;
	out[9] = s->cstat;
	put_be16(out + 10, s->count);
}

static inline void scsw_decode(const uint8_t in[SCSW_SIZE], struct scsw *s)
{
	s->flags = get_be16(in);
	s->ctrl = get_be16(in + 2);
	s->cpa = get_be32(in + 4);
	s->dstat = in[8];
	s->cstat = in[9];
	s->count = get_be16(in + 10);
}

static inline unsigned scsw_cc(const struct scsw *s)
{
	return (s->flags & SCSW_FLAGS_CC) >> SCSW_CC_SHIFT;
}

#endif
