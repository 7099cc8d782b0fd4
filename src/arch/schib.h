/* PMCW (28 bytes) and SCHIB (52 bytes): zarch-css-formats.md §1.
 * Decoded form mirrors the byte layout; flag halfword and chars word keep the
 * architected masks so reserved bits survive a decode/encode round trip. */
#ifndef CHPSYNC_ARCH_SCHIB_H
#define CHPSYNC_ARCH_SCHIB_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/scsw.h"

#define PMCW_SIZE  28
#define SCHIB_SIZE 52

/* PMCW word 1, high halfword (bytes 4-5) */
#define PMCW_FLAGS_W1_RES01 0xc000 /* bits 0,1: reserved, MSCH operand exception */
#define PMCW_FLAGS_ISC	    0x3800
#define PMCW_FLAGS_BIT5	    0x0400 /* ignored by MSCH, stored as 0 */
#define PMCW_FLAGS_W1_RES67 0x0300 /* bits 6,7: reserved, MSCH operand exception */
#define PMCW_FLAGS_ENA	    0x0080
#define PMCW_FLAGS_LM	    0x0060
#define PMCW_FLAGS_MME	    0x0018
#define PMCW_FLAGS_MP	    0x0004
#define PMCW_FLAGS_TF	    0x0002
#define PMCW_FLAGS_DNV	    0x0001
#define PMCW_FLAGS_INVALID  (PMCW_FLAGS_W1_RES01 | PMCW_FLAGS_W1_RES67)
#define PMCW_ISC_SHIFT	    11

/* PMCW word 6 (bytes 0x18-0x1b) */
#define PMCW_CHARS_ST	   0x00e00000
#define PMCW_CHARS_MBFC	   0x00000004
#define PMCW_CHARS_XMWME   0x00000002
#define PMCW_CHARS_CSENSE  0x00000001
#define PMCW_CHARS_INVALID 0xff1ffff8
#define PMCW_ST_SHIFT	   21

#define SCHIB_OFF_SCSW	   0x1c
#define SCHIB_OFF_MBA	   0x28
#define SCHIB_OFF_MDA	   0x30

struct pmcw {
	uint32_t intparm;
	uint16_t flags;
	uint16_t devno;
	uint8_t lpm;
	uint8_t pnom;
	uint8_t lpum;
	uint8_t pim;
	uint16_t mbi;
	uint8_t pom;
	uint8_t pam;
	uint8_t chpid[8];
	uint32_t chars;
};

struct schib {
	struct pmcw pmcw;
	struct scsw scsw;
	uint64_t mba;
	uint32_t mda;
};

void pmcw_encode(const struct pmcw *p, uint8_t out[PMCW_SIZE]);
void pmcw_decode(const uint8_t in[PMCW_SIZE], struct pmcw *p);
void schib_encode(const struct schib *s, uint8_t out[SCHIB_SIZE]);
void schib_decode(const uint8_t in[SCHIB_SIZE], struct schib *s);

/* MSCH validity of a SCHIB image as fetched: 0 if valid, else nonzero
 * (operand exception): word-1 bits 0,1,6,7; word-6 reserved bits; XMWME
 * (not installed); LM = 11; MBFC with an MBA not 64-byte aligned. */
int schib_msch_invalid(const uint8_t in[SCHIB_SIZE]);

static inline unsigned pmcw_isc(const struct pmcw *p)
{
	return (p->flags & PMCW_FLAGS_ISC) >> PMCW_ISC_SHIFT;
}

#endif
