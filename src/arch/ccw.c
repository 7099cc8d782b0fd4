/* CCW codecs and command classification: zarch-css-formats.md §5. */
#include "arch/ccw.h"

#include "arch/bytes.h"

void ccw1_encode(const struct ccw1 *c, uint8_t out[CCW_SIZE])
{
	out[0] = c->cmd;
	out[1] = c->flags;
	put_be16(out + 2, c->count);
	put_be32(out + 4, c->cda);
}

void ccw1_decode(const uint8_t in[CCW_SIZE], struct ccw1 *c)
{
	c->cmd = in[0];
	c->flags = in[1];
	c->count = get_be16(in + 2);
	c->cda = get_be32(in + 4);
}

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

enum ccw_kind ccw_kind(uint8_t cmd, bool fmt1)
{
	switch (cmd & 0x03) {
	case 0x01:
		return CCW_KIND_WRITE;
	case 0x02:
		return CCW_KIND_READ;
	case 0x03:
		return CCW_KIND_CONTROL;
	}
	switch (cmd & 0x0f) {
	case 0x04:
		return CCW_KIND_SENSE;
	case 0x0c:
		return CCW_KIND_READ_BACKWARD;
	case 0x08:
		/* Format 1 needs a zero high nibble for TIC; anything else
		 * ending in 1000 is an invalid command there. */
		if (fmt1 && cmd != CCW_CMD_TIC)
			return CCW_KIND_INVALID;
		return CCW_KIND_TIC;
	}
	return CCW_KIND_INVALID;
}
