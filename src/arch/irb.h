/* IRB (96 bytes) with ESW format 0 and the ERW: zarch-css-formats.md §3. */
#ifndef CHPSYNC_ARCH_IRB_H
#define CHPSYNC_ARCH_IRB_H

#include <stdint.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/scsw.h"

#define IRB_SIZE    96
#define IRB_OFF_ESW 0x0c
#define IRB_OFF_ECW 0x20
#define IRB_OFF_EMW 0x40

/* ESW format 0, word 0 (subchannel logout) */
#define ESW0_SUBLOG_ESF_MASK 0x7f000000
#define ESW0_SUBLOG_LPUM     0x00ff0000 /* LPUM byte (also formats 1-3) */
#define ESW0_SUBLOG_AR	     0x00008000
#define ESW0_SUBLOG_FVF	     0x00007c00
#define ESW0_SUBLOG_FVF_LPUM 0x00004000
#define ESW0_SUBLOG_FVF_TC   0x00002000
#define ESW0_SUBLOG_FVF_SC   0x00001000
#define ESW0_SUBLOG_FVF_DS   0x00000800
#define ESW0_SUBLOG_FVF_CCW  0x00000400
#define ESW0_SUBLOG_SA	     0x00000300
#define ESW0_SUBLOG_TC	     0x000000c0
#define ESW0_SUBLOG_D	     0x00000020
#define ESW0_SUBLOG_E	     0x00000010
#define ESW0_SUBLOG_A	     0x00000008
#define ESW0_SUBLOG_SEQ	     0x00000007

/* ERW (ESW word 1) */
#define ERW_L	       0x40000000
#define ERW_E	       0x20000000
#define ERW_A	       0x10000000
#define ERW_P	       0x08000000 /* path verification required */
#define ERW_T	       0x04000000
#define ERW_F	       0x02000000
#define ERW_S	       0x01000000 /* concurrent sense in ECW */
#define ERW_C	       0x00800000
#define ERW_R	       0x00400000
#define ERW_SCNT       0x003f0000 /* number of sense bytes, bits 10-15 */
#define ERW_SCNT_SHIFT 16

struct irb {
	struct scsw scsw;
	uint32_t esw[5];
	uint8_t ecw[32];
	uint32_t emw[8];
};

/* Inline: every I/O encodes or decodes an IRB five times (the host's and
 * the guest's interrupt, the vfio-ccw I/O region both ways, the VMM's
 * TSCH). */
static inline void irb_encode(const struct irb *irb, uint8_t out[IRB_SIZE])
{
	scsw_encode(&irb->scsw, out);
	/* two words at a time, unrolled: three IRBs pass each seam per I/O */
	put_be32x2(out + IRB_OFF_ESW, irb->esw);
	put_be32x2(out + IRB_OFF_ESW + 8, irb->esw + 2);
	put_be32(out + IRB_OFF_ESW + 16, irb->esw[4]);
	memcpy(out + IRB_OFF_ECW, irb->ecw, sizeof(irb->ecw));
	put_be32x2(out + IRB_OFF_EMW, irb->emw);
	put_be32x2(out + IRB_OFF_EMW + 8, irb->emw + 2);
	put_be32x2(out + IRB_OFF_EMW + 16, irb->emw + 4);
	put_be32x2(out + IRB_OFF_EMW + 24, irb->emw + 6);
}

static inline void irb_decode(const uint8_t in[IRB_SIZE], struct irb *irb)
{
	scsw_decode(in, &irb->scsw);
	get_be32x2(in + IRB_OFF_ESW, irb->esw);
	get_be32x2(in + IRB_OFF_ESW + 8, irb->esw + 2);
	irb->esw[4] = get_be32(in + IRB_OFF_ESW + 16);
	memcpy(irb->ecw, in + IRB_OFF_ECW, sizeof(irb->ecw));
	get_be32x2(in + IRB_OFF_EMW, irb->emw);
	get_be32x2(in + IRB_OFF_EMW + 8, irb->emw + 2);
	get_be32x2(in + IRB_OFF_EMW + 16, irb->emw + 4);
	get_be32x2(in + IRB_OFF_EMW + 24, irb->emw + 6);
}

/* What TSCH stores when no EMW applies (IRB bytes 0-63), without building
 * a struct irb: the SCSW, ESW words 0 and 1 (words 2-4 zero) and the ECW
 * (32 bytes, or zeros when ecw is NULL). */
void irb_encode_status(const struct scsw *scsw, uint32_t esw0, uint32_t erw, const uint8_t *ecw,
		       uint8_t out[IRB_OFF_EMW]);

static inline uint8_t irb_esw_lpum(const struct irb *irb)
{
	return (uint8_t)((irb->esw[0] & ESW0_SUBLOG_LPUM) >> 16);
}

#endif
