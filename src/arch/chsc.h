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
 *            +0x10 response header; +0x18 descriptors.
 */
#ifndef CHPSYNC_ARCH_CHSC_H
#define CHPSYNC_ARCH_CHSC_H

#include <stdint.h>

#define CHSC_AREA_SIZE	   4096

#define CHSC_CODE_SCPD	   0x0002
#define CHSC_CODE_SSD	   0x0004

#define CHSC_RSP_OK	   0x0001
#define CHSC_RSP_INVALID   0x0003 /* request-block error */
#define CHSC_RSP_NOTSUPP   0x0004 /* command not provided */

#define CHSC_REQ_LEN	   0x0010 /* request length of SSD and SCPD */
#define CHSC_OFF_RSP	   0x10	  /* response header of SSD and SCPD */
#define CHSC_SSD_RSP_LEN   0x0028 /* response header .. fla[7] */
#define CHSC_SCPD_OFF_DATA 0x18	  /* first descriptor */
#define CHP_DESC0_SIZE	   8

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

#endif
