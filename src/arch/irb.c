/* IRB codec: zarch-css-formats.md §3. */
#include "arch/irb.h"

#include <string.h>

#include "arch/bytes.h"

void irb_encode(const struct irb *irb, uint8_t out[IRB_SIZE])
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

void irb_encode_status(const struct scsw *scsw, uint32_t esw0, uint32_t erw, const uint8_t *ecw,
		       uint8_t out[IRB_OFF_EMW])
{
	scsw_encode(scsw, out);
	put_be32(out + IRB_OFF_ESW, esw0);
	put_be32(out + IRB_OFF_ESW + 4, erw);
	memset(out + IRB_OFF_ESW + 8, 0, IRB_OFF_ECW - IRB_OFF_ESW - 8);
	if (ecw)
		memcpy(out + IRB_OFF_ECW, ecw, IRB_OFF_EMW - IRB_OFF_ECW);
	else
		memset(out + IRB_OFF_ECW, 0, IRB_OFF_EMW - IRB_OFF_ECW);
}

void irb_decode(const uint8_t in[IRB_SIZE], struct irb *irb)
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
