/* ECKD (3390) channel-program parameters and formats: command codes, the
 * CCHH track address, Define Extent, Locate Record, the count field, and
 * the Read Device Characteristics answer.  Everyone who builds or reads
 * these bytes (the 3390 in dev/, the dasd driver in os/, the benchmarks,
 * the tests) goes through here.  Byte layouts: IBM 3990/9390 Storage
 * Control Reference; docs/dasd.md. */
#ifndef CHPSYNC_ARCH_ECKD_H
#define CHPSYNC_ARCH_ECKD_H

#include <stdint.h>
#include <string.h>

#include "arch/bytes.h"

/* Command codes. */
#define ECKD_CMD_READ_COUNT  0x12
#define ECKD_CMD_PSF	     0x27
#define ECKD_CMD_RSSD	     0x3e
#define ECKD_CMD_LOCATE	     0x47
#define ECKD_CMD_DEFINE_EXT  0x63
#define ECKD_CMD_RDC	     0x64
#define ECKD_CMD_WRITE_MT    0x85
#define ECKD_CMD_READ_MT     0x86
#define ECKD_CMD_WRITE_KD_MT 0x8d
#define ECKD_CMD_READ_KD_MT  0x8e

/* A track address: cylinder (bytes 0-1) and head (bytes 2-3). */
#define ECKD_CCHH_SIZE 4
/* Inline, as the DE and LR codecs: the dasd encodes one of each per
 * channel program. */
static inline void eckd_cchh_encode(uint8_t out[ECKD_CCHH_SIZE], uint32_t trk, uint16_t heads)
{
	put_be16(out, (uint16_t)(trk / heads));
	put_be16(out + 2, (uint16_t)(trk % heads));
}
/* The track number of a CCHH (no range check: see eckd_cchh_valid).
 * Inline, as the check: the 3390 checks three CCHHs per channel program. */
static inline uint32_t eckd_cchh_track(const uint8_t in[ECKD_CCHH_SIZE], uint16_t heads)
{
	return (uint32_t)get_be16(in) * heads + get_be16(in + 2);
}
/* Cylinder below cyls and head below heads. */
static inline int eckd_cchh_valid(const uint8_t in[ECKD_CCHH_SIZE], uint32_t cyls, uint16_t heads)
{
	return get_be16(in) < cyls && get_be16(in + 2) < heads;
}

/* Define Extent: 16 bytes (32 with the extended parameters, which are
 * zero here). */
#define ECKD_DE_SIZE	 16
#define ECKD_DE_EXT_SIZE 32
/* byte 0, file mask: write control (bits 0-1) */
#define ECKD_DE_WR_FORMAT  0x00 /* all but HA/R0 writes */
#define ECKD_DE_WR_INHIBIT 0x40 /* no writes (Linux: read) */
#define ECKD_DE_WR_UPDATE  0x80 /* update writes only (Linux: write) */
#define ECKD_DE_WR_ALL	   0xc0
#define ECKD_DE_WR_MASK	   0xc0
/* byte 1, global attributes */
#define ECKD_DE_GA_NORMAL 0xc0 /* normal cache replacement */
#define ECKD_DE_GA_BYPASS 0xc4 /* bypass cache */
/* byte 7, global attributes extended */
#define ECKD_DE_GAEXT_R0 0x04 /* may format R0 */

/* Two CCHHs of one parameter block.  When both are the same track (an
 * extent of one track, as most are; the search of every LR the dasd
 * builds, on its seek track) the second is a copy: one division, not two. */
static inline void eckd_cchh_encode_pair(uint8_t *a, uint32_t trk_a, uint8_t *b, uint32_t trk_b,
					 uint16_t heads)
{
	eckd_cchh_encode(a, trk_a, heads);
	if (trk_b == trk_a)
		memcpy(b, a, ECKD_CCHH_SIZE);
	else
		eckd_cchh_encode(b, trk_b, heads);
}

struct eckd_de {
	uint8_t mask;		      /* file mask */
	uint8_t ga;		      /* global attributes */
	uint16_t blksize;	      /* bytes 2-3 */
	uint8_t res[3];		      /* bytes 4-6, must be zero */
	uint8_t ga_ext;		      /* byte 7 */
	uint32_t first_trk, last_trk; /* bytes 8-11, 12-15 as CCHH */
};
static inline void eckd_de_encode(const struct eckd_de *de, uint16_t heads,
				  uint8_t out[ECKD_DE_SIZE])
{
	out[0] = de->mask;
	out[1] = de->ga;
	put_be16(out + 2, de->blksize);
	memcpy(out + 4, de->res, 3);
	out[7] = de->ga_ext;
	eckd_cchh_encode_pair(out + 8, de->first_trk, out + 12, de->last_trk, heads);
}
/* The tracks are decoded without a range check (eckd_cchh_valid).  Inline,
 * as the LR's decoder: the 3390 decodes one of each per channel program. */
static inline void eckd_de_decode(const uint8_t in[ECKD_DE_SIZE], uint16_t heads,
				  struct eckd_de *de)
{
	de->mask = in[0];
	de->ga = in[1];
	de->blksize = get_be16(in + 2);
	memcpy(de->res, in + 4, 3);
	de->ga_ext = in[7];
	de->first_trk = eckd_cchh_track(in + 8, heads);
	de->last_trk = eckd_cchh_track(in + 12, heads);
}

/* Locate Record: 16 bytes. */
#define ECKD_LR_SIZE 16
/* byte 0: orientation (bits 0-1) and operation (bits 2-7) */
#define ECKD_LR_ORIENT(b)  ((b) >> 6)
#define ECKD_LR_OP(b)	   ((b)&0x3f)
#define ECKD_ORIENT_COUNT  0
#define ECKD_ORIENT_HA	   1
#define ECKD_ORIENT_DATA   2
#define ECKD_ORIENT_INDEX  3
#define ECKD_LR_OP_ORIENT  0x00
#define ECKD_LR_OP_WRITE   0x01
#define ECKD_LR_OP_FORMAT  0x03
#define ECKD_LR_OP_READ	   0x06
#define ECKD_LR_OP_RDTRKS  0x0c
#define ECKD_LR_OP_READANY 0x16
/* byte 1, auxiliary: bytes 14-15 hold a transfer length factor */
#define ECKD_LR_AUX_TLF	    0x80
#define ECKD_LR_SECTOR_NONE 0xff

struct eckd_lr {
	uint8_t op;	     /* byte 0: orientation << 6 | operation */
	uint8_t aux;	     /* byte 1 */
	uint8_t res;	     /* byte 2, must be zero */
	uint8_t count;	     /* byte 3: records (or tracks) */
	uint32_t seek_trk;   /* bytes 4-7 as CCHH */
	uint32_t search_trk; /* bytes 8-11 as CCHH */
	uint8_t search_rec;  /* byte 12: R of the search argument CCHHR */
	uint8_t sector;	     /* byte 13 */
	uint16_t tlf;	     /* bytes 14-15 */
};
static inline void eckd_lr_encode(const struct eckd_lr *lr, uint16_t heads,
				  uint8_t out[ECKD_LR_SIZE])
{
	out[0] = lr->op;
	out[1] = lr->aux;
	out[2] = lr->res;
	out[3] = lr->count;
	eckd_cchh_encode_pair(out + 4, lr->seek_trk, out + 8, lr->search_trk, heads);
	out[12] = lr->search_rec;
	out[13] = lr->sector;
	put_be16(out + 14, lr->tlf);
}
static inline void eckd_lr_decode(const uint8_t in[ECKD_LR_SIZE], uint16_t heads,
				  struct eckd_lr *lr)
{
	lr->op = in[0];
	lr->aux = in[1];
	lr->res = in[2];
	lr->count = in[3];
	lr->seek_trk = eckd_cchh_track(in + 4, heads);
	lr->search_trk = eckd_cchh_track(in + 8, heads);
	lr->search_rec = in[12];
	lr->sector = in[13];
	lr->tlf = get_be16(in + 14);
}

/* The count field of a record: CCHH, R, key length, data length. */
#define ECKD_COUNT_SIZE 8
struct eckd_count {
	uint16_t cyl, head;
	uint8_t rec;
	uint8_t kl;
	uint16_t dl;
};
void eckd_count_encode(const struct eckd_count *c, uint8_t out[ECKD_COUNT_SIZE]);
void eckd_count_decode(const uint8_t in[ECKD_COUNT_SIZE], struct eckd_count *c);

/* Read Device Characteristics: 64 bytes (the fields Linux's
 * dasd_eckd_characteristics names; the others are given as bytes). */
#define ECKD_RDC_SIZE 64
struct eckd_rdc {
	uint16_t cu_type;     /* 0-1 */
	uint8_t cu_model;     /* 2 */
	uint16_t dev_type;    /* 3-4 */
	uint8_t dev_model;    /* 5 */
	uint8_t features[4];  /* 6-9 */
	uint8_t dev_class;    /* 10 */
	uint8_t unit_type;    /* 11 */
	uint16_t cyls;	      /* 12-13 (0xfffe: see long_cyls) */
	uint16_t heads;	      /* 14-15 */
	uint8_t sectors;      /* 16 */
	uint32_t track_len;   /* 17-19 */
	uint16_t ha_r0;	      /* 20-21 */
	uint8_t formula;      /* 22 */
	uint8_t factors[5];   /* 23-27 */
	uint8_t res28[12];    /* 28-39 */
	uint8_t alt_codes[4]; /* 40-43 */
	uint16_t r0_max;      /* 44-45 */
	uint8_t res46;	      /* 46 */
	uint8_t track_set;    /* 47 */
	uint8_t factor7;      /* 48 */
	uint16_t factor8;     /* 49-50 */
	uint8_t res51[6];     /* 51-56 */
	uint8_t misc57;	      /* 57 */
	uint8_t res58[2];     /* 58-59 */
	uint32_t long_cyls;   /* 60-63 */
};
void eckd_rdc_encode(const struct eckd_rdc *r, uint8_t out[ECKD_RDC_SIZE]);
void eckd_rdc_decode(const uint8_t in[ECKD_RDC_SIZE], struct eckd_rdc *r);

#endif
