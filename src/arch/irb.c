/* IRB codec: zarch-css-formats.md §3. */
#include "arch/irb.h"

#include <string.h>

#include "arch/bytes.h"

void irb_encode(const struct irb *irb, uint8_t out[IRB_SIZE])
{
	scsw_encode(&irb->scsw, out);
	for (int i = 0; i < 5; i++)
		put_be32(out + IRB_OFF_ESW + 4 * i, irb->esw[i]);
	memcpy(out + IRB_OFF_ECW, irb->ecw, sizeof(irb->ecw));
	for (int i = 0; i < 8; i++)
		put_be32(out + IRB_OFF_EMW + 4 * i, irb->emw[i]);
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
	for (int i = 0; i < 5; i++)
		irb->esw[i] = get_be32(in + IRB_OFF_ESW + 4 * i);
	memcpy(irb->ecw, in + IRB_OFF_ECW, sizeof(irb->ecw));
	for (int i = 0; i < 8; i++)
		irb->emw[i] = get_be32(in + IRB_OFF_EMW + 4 * i);
}
