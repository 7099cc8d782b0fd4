/* CHSC: request/response blocks for store subchannel description (0x0004) and
 * store channel-path description (0x0002), Linux drivers/s390/cio/chsc.c and
 * chsc.h layouts (checked against struct chsc_ssd_area and struct chsc_scpd).
 * A request block starts on a 4K boundary: header {u16 length, u16 code},
 * request fields, then the response header {u16 length, u16 code} at +length
 * (0x10 for both commands here), one reserved word, then the response data.
 *
 * SSD area:  +0x04 u16: bits 10-11 = ssid; +0x06 f_sch; +0x0a l_sch;
 *            +0x10 response header; +0x18 flags (0x80 sch_valid, 0x40
 *            dev_valid, 0x38 st); +0x19 unit_addr; +0x1a devno; +0x1c
 *            path_mask; +0x1d fla_valid_mask; +0x1e sch; +0x20 chpid[8];
 *            +0x28 fla[8].
 * SCPD area: +0x04 word: bits 2 m, 3 c, 4-7 fmt, 8-15 cssid, 20-23 rfmt,
 *            24-31 first_chpid; +0x08 word: bits 24-31 last_chpid;
 *            +0x10 response header; +0x18 descriptors (format 0: 8 bytes,
 *            format 1: 32 bytes each).  Linux asks for format 1 with
 *            rfmt 1 and c 1 (older kernels: rfmt 0, c 1).
 * SCMC area (store channel-measurement characteristics, 0x0022, Linux
 *            chsc_get_channel_measurement_chars): +0x04 word: bits 24-31
 *            first_chpid; +0x08 word: bits 24-31 last_chpid; +0x10
 *            response header; +0x18 one 32-byte entry per CHPID: word 0
 *            bit 0 not_valid, bit 1 shared, bits 24-31 chpid; word 1 bits
 *            0-4 cmcv, 16-23 cmgq, 24-31 cmg; word 2 reserved; words 3-7
 *            the five characteristics (valid per cmcv bit 0x80 >> (i + 3)).
 * SCSC area (store channel-subsystem characteristics, 0x0010, Linux
 *            chsc_determine_css_characteristics): request words 1-3 zero;
 *            +0x10 response header; +0x18 general characteristics (510
 *            words, bit 46 fcs); +0x810 CHSC characteristics (508 words,
 *            bit 84 secm, bit 86 scmc).  Bits count from the first byte's
 *            MSB (asm/css_chars.h, cio/chsc.h struct css_chsc_char).
 */
#ifndef CHPSYNC_ARCH_CHSC_H
#define CHPSYNC_ARCH_CHSC_H

#include <stdint.h>

#define CHSC_AREA_SIZE	   4096

#define CHSC_CODE_SCPD	   0x0002
#define CHSC_CODE_SSD	   0x0004
#define CHSC_CODE_SCSC	   0x0010
#define CHSC_CODE_SCMC	   0x0022

#define CHSC_RSP_OK	   0x0001
#define CHSC_RSP_INVALID   0x0003 /* request-block error */
#define CHSC_RSP_NOTSUPP   0x0004 /* command not provided */

#define CHSC_REQ_LEN	   0x0010 /* request length of SSD and SCPD */
#define CHSC_OFF_RSP	   0x10	  /* response header of SSD and SCPD */
#define CHSC_SSD_RSP_LEN   0x0028 /* response header .. fla[7] */
#define CHSC_SCPD_OFF_DATA 0x18	  /* first descriptor */
#define CHP_DESC0_SIZE	   8
#define CHP_DESC1_SIZE	   32

/* Descriptor flags (byte 0) that Linux reads. */
#define CHP_DESC_VALID		  0x80 /* chp_new: descriptor valid */
#define CHP_DESC1_CHID_VALID	  0x10 /* chp_chid_show */
#define CHP_DESC1_CHID_EXTERNAL	  0x08 /* chp_chid_external_show */

#define CHSC_SCMC_OFF_DATA	  0x18
#define CHSC_SCMC_ENTRY_SIZE	  32
#define CHSC_NR_MEASUREMENT_CHARS 5

#define CHSC_SCSC_OFF_GENERAL	  0x18
#define CHSC_SCSC_OFF_CHSC	  (0x18 + 510 * 4)
#define CHSC_SCSC_RSP_LEN	  (8 + (510 + 508) * 4)
/* Characteristic bit numbers (MSB of the first byte = bit 0). */
#define CSS_GENERAL_FCS 46
#define CSS_CHSC_SECM	84
#define CSS_CHSC_SCMC	86

/* SSD request: length 0x0010, code 0x0004, ssid, first and last subchannel. */
struct chsc_ssd_req {
	uint8_t ssid;
	uint16_t f_sch;
	uint16_t l_sch;
};

/* SSD response for one subchannel (Linux struct chsc_ssd_area, response part). */
struct chsc_ssd_rsp {
	uint16_t code; /* response code */
	uint8_t sch_valid;
	uint8_t dev_valid;
	uint8_t st;
	uint8_t unit_addr;
	uint16_t devno;
	uint8_t path_mask;
	uint8_t fla_valid_mask;
	uint16_t sch;
	uint8_t chpid[8];
	uint16_t fla[8];
};

/* SCPD request: length 0x0010, code 0x0002, m, c, fmt, cssid, rfmt,
 * first_chpid, last_chpid. */
struct chsc_scpd_req {
	uint8_t m, c, fmt, cssid, rfmt;
	uint8_t first_chpid;
	uint8_t last_chpid;
};

/* Channel-path description format 0 (8 bytes per CHPID). */
struct chp_desc0 {
	uint8_t flags;
	uint8_t lsn;
	uint8_t desc; /* channel-path type */
	uint8_t chpid;
	uint8_t swla;
	uint8_t zeroes;
	uint8_t chla;
	uint8_t chpp;
};

/* Channel-path description format 1 (32 bytes, Linux struct
 * channel_path_desc_fmt1): bytes 0-3 as format 0, +6 esc, +7 chpp, +16
 * chid, +20 mdc, +22 bits 13-15 r, s, f. */
struct chp_desc1 {
	uint8_t flags;
	uint8_t lsn;
	uint8_t desc;
	uint8_t chpid;
	uint8_t esc;
	uint8_t chpp;
	uint16_t chid;
	uint16_t mdc;
	uint8_t r, s, f;
};

/* SCMC request: length 0x0010, code 0x0022, first and last CHPID. */
struct chsc_scmc_req {
	uint8_t first_chpid;
	uint8_t last_chpid;
};

/* One SCMC response entry. */
struct chsc_scmc_entry {
	uint8_t not_valid;
	uint8_t shared;
	uint8_t chpid;
	uint8_t cmcv; /* 5 bits */
	uint8_t cmgq;
	uint8_t cmg;
	uint32_t data[CHSC_NR_MEASUREMENT_CHARS];
};

/* The SCSC characteristics Linux's channel-path code tests. */
struct chsc_css_chars {
	uint8_t fcs;  /* general bit 46: SCPD format-1 (c bit) facility */
	uint8_t secm; /* CHSC bit 84: set channel monitor */
	uint8_t scmc; /* CHSC bit 86: store channel-measurement chars */
};

/* The request decoders return 0, or -1 when the header's length or code is
 * not the one of that command or a reserved request field is set (the CSS
 * then answers CHSC_RSP_INVALID). */
void chsc_ssd_req_encode(const struct chsc_ssd_req *r, uint8_t *area);
int chsc_ssd_req_decode(const uint8_t *area, struct chsc_ssd_req *r);
/* Writes the response header (length CHSC_SSD_RSP_LEN, r->code) and data. */
void chsc_ssd_rsp_encode(const struct chsc_ssd_rsp *r, uint8_t *area);
void chsc_ssd_rsp_decode(const uint8_t *area, struct chsc_ssd_rsp *r);
void chsc_scpd_req_encode(const struct chsc_scpd_req *r, uint8_t *area);
int chsc_scpd_req_decode(const uint8_t *area, struct chsc_scpd_req *r);

void chsc_scmc_req_encode(const struct chsc_scmc_req *r, uint8_t *area);
int chsc_scmc_req_decode(const uint8_t *area, struct chsc_scmc_req *r);
/* The i-th entry of the SCMC response data. */
void chsc_scmc_entry_encode(const struct chsc_scmc_entry *e, uint8_t *area, unsigned i);
void chsc_scmc_entry_decode(const uint8_t *area, unsigned i, struct chsc_scmc_entry *e);
void chsc_scsc_req_encode(uint8_t *area);
int chsc_scsc_req_decode(const uint8_t *area);
/* Stores the response header (CHSC_SCSC_RSP_LEN, OK) and the data, with
 * only the bits of c set. */
void chsc_scsc_rsp_encode(const struct chsc_css_chars *c, uint8_t *area);
void chsc_scsc_rsp_decode(const uint8_t *area, struct chsc_css_chars *c);

/* Request header of any CHSC area. */
uint16_t chsc_req_code(const uint8_t *area);
uint16_t chsc_req_length(const uint8_t *area);
/* Response header at area + request length (0 if the request length would
 * put it outside the area). */
uint16_t chsc_rsp_code(const uint8_t *area);
/* Store a response header (length, code) after the request. */
void chsc_rsp_set(uint8_t *area, uint16_t length, uint16_t code);

/* SCPD format-0 descriptors: the i-th descriptor of the response data. */
void chp_desc0_encode(const struct chp_desc0 *d, uint8_t out[CHP_DESC0_SIZE]);
void chp_desc0_decode(const uint8_t in[CHP_DESC0_SIZE], struct chp_desc0 *d);
void chp_desc1_encode(const struct chp_desc1 *d, uint8_t out[CHP_DESC1_SIZE]);
void chp_desc1_decode(const uint8_t in[CHP_DESC1_SIZE], struct chp_desc1 *d);

#endif
