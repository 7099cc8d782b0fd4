/* SENSE ID data with CIWs: zarch-css-formats.md §9. */
#ifndef CHPSYNC_ARCH_SENSEID_H
#define CHPSYNC_ARCH_SENSEID_H

#include <stdint.h>

#define SENSEID_MAX	 256
#define SENSEID_MAX_CIWS 62

#define CIW_TYPE_RCD	 0x0
#define CIW_TYPE_SII	 0x1
#define CIW_TYPE_RNI	 0x2

struct ciw {
	uint8_t type;
	uint8_t cmd;
	uint16_t count;
};

struct senseid {
	uint16_t cu_type;
	uint8_t cu_model;
	uint16_t dev_type;
	uint8_t dev_model;
	int nciw;
	struct ciw ciw[SENSEID_MAX_CIWS];
};

/* Encode into out (SENSEID_MAX bytes); returns the number of meaningful bytes
 * (7 with no CIW, 8 + 4 * nciw otherwise). */
int senseid_encode(const struct senseid *s, uint8_t out[SENSEID_MAX]);
/* Decode `len` transferred bytes.  Returns 0, or -1 if fewer than 4 bytes or
 * byte 0 is not 0xff.  CIWs are read up to the first entry whose ET is not 01. */
int senseid_decode(const uint8_t *in, int len, struct senseid *s);

#endif
