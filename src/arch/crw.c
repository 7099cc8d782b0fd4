/* CRW codec: zarch-css-formats.md §6. */
#include "arch/crw.h"

#define CRW_S	 0x40000000u
#define CRW_R	 0x20000000u
#define CRW_C	 0x10000000u
#define CRW_RSC	 0x0f000000u
#define CRW_A	 0x00800000u
#define CRW_ERC	 0x003f0000u
#define CRW_RSID 0x0000ffffu

uint32_t crw_encode(const struct crw *c)
{
	uint32_t w = 0;

	if (c->slct)
		w |= CRW_S;
	if (c->oflw)
		w |= CRW_R;
	if (c->chn)
		w |= CRW_C;
	if (c->anc)
		w |= CRW_A;
	w |= (uint32_t)(c->rsc & 0x0f) << 24;
	w |= (uint32_t)(c->erc & 0x3f) << 16;
	w |= c->rsid;
	return w;
}

void crw_decode(uint32_t w, struct crw *c)
{
	c->slct = w & CRW_S;
	c->oflw = w & CRW_R;
	c->chn = w & CRW_C;
	c->anc = w & CRW_A;
	c->rsc = (uint8_t)((w & CRW_RSC) >> 24);
	c->erc = (uint8_t)((w & CRW_ERC) >> 16);
	c->rsid = (uint16_t)(w & CRW_RSID);
}
