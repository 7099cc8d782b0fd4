/* CCW formats 0 and 1, flags, command codes, IDAWs: zarch-css-formats.md §5. */
#ifndef CHPSYNC_ARCH_CCW_H
#define CHPSYNC_ARCH_CCW_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/bytes.h"

#define CCW_SIZE	       8

#define CCW_FLAG_CD	       0x80
#define CCW_FLAG_CC	       0x40
#define CCW_FLAG_SLI	       0x20
#define CCW_FLAG_SKIP	       0x10
#define CCW_FLAG_PCI	       0x08
#define CCW_FLAG_IDA	       0x04
#define CCW_FLAG_SUSPEND       0x02
#define CCW_FLAG_MIDA	       0x01

#define CCW_CMD_WRITE	       0x01
#define CCW_CMD_READ	       0x02
#define CCW_CMD_NOOP	       0x03
#define CCW_CMD_BASIC_SENSE    0x04
#define CCW_CMD_TIC	       0x08
#define CCW_CMD_SENSE_PGID     0x34
#define CCW_CMD_SUSPEND_RECONN 0x5b
#define CCW_CMD_RDC	       0x64
#define CCW_CMD_RELEASE	       0x94
#define CCW_CMD_SET_PGID       0xaf
#define CCW_CMD_SENSE_ID       0xe4
#define CCW_CMD_RCD	       0xfa

/* Decoded CCW, always in format-1 shape. */
struct ccw1 {
	uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	uint32_t cda;
};

/* Inline: every layer's channel-program path encodes and decodes CCWs. */
static inline void ccw1_encode(const struct ccw1 *c, uint8_t out[CCW_SIZE])
{
	out[0] = c->cmd;
	out[1] = c->flags;
	put_be16(out + 2, c->count);
	put_be32(out + 4, c->cda);
}

static inline void ccw1_decode(const uint8_t in[CCW_SIZE], struct ccw1 *c)
{
	c->cmd = in[0];
	c->flags = in[1];
	c->count = get_be16(in + 2);
	c->cda = get_be32(in + 4);
}
/* Format 0: 24-bit data address, flags in byte 4, count in bytes 6-7. */
void ccw0_encode(const struct ccw1 *c, uint8_t out[CCW_SIZE]);
void ccw0_decode(const uint8_t in[CCW_SIZE], struct ccw1 *c);

enum ccw_kind {
	CCW_KIND_INVALID, /* low nibble 0 */
	CCW_KIND_WRITE,
	CCW_KIND_READ,
	CCW_KIND_CONTROL,
	CCW_KIND_SENSE,
	CCW_KIND_TIC,
	CCW_KIND_READ_BACKWARD,
};
/* Command type from the command code; fmt0 treats any xxxx1000 as TIC, fmt1
 * only exactly 0x08. */
static inline enum ccw_kind ccw_kind(uint8_t cmd, bool fmt1)
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

/* IDAWs: format 1 (4 bytes, 2K blocks) or format 2 (8 bytes, 4K or 2K). */
#define IDAW1_SIZE 4
#define IDAW2_SIZE 8

#endif
