/* CCW codecs and command classification: zarch-css-formats.md §5. */
#include "arch/ccw.h"

#include "arch/bytes.h"

/* Format 0 carries only a 24-bit address; higher bits of cda are dropped. */
void ccw0_encode(const struct ccw1 *c, uint8_t out[CCW_SIZE])
{
	out[0] = c->cmd;
	out[1] = (uint8_t)(c->cda >> 16);
	out[2] = (uint8_t)(c->cda >> 8);
	out[3] = (uint8_t)c->cda;
	out[4] = c->flags;
	out[5] = 0;
	put_be16(out + 6, c->count);
}

void ccw0_decode(const uint8_t in[CCW_SIZE], struct ccw1 *c)
{
	c->cmd = in[0];
	c->cda = (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
	c->flags = in[4];
	c->count = get_be16(in + 6);
}
