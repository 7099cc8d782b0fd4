/* CHSC: request/response blocks for store subchannel description (0x0004) and
 * store channel-path description (0x0002), Linux drivers/s390/cio/chsc.c
 * layouts.  A request block starts on a 4K boundary: header {u16 length,
 * u16 code}, request fields, then the response header at +length. */
#ifndef CHPSYNC_ARCH_CHSC_H
#define CHPSYNC_ARCH_CHSC_H

#include <stdint.h>

#define CHSC_AREA_SIZE 4096

#define CHSC_CODE_SCPD 0x0002
#define CHSC_CODE_SSD  0x0004

#define CHSC_RSP_OK       0x0001
#define CHSC_RSP_INVALID  0x0003 /* request-block error */
#define CHSC_RSP_NOTSUPP  0x0004 /* command not provided */

/* SSD request: length 0x0010, code 0x0004, ssid, first and last subchannel. */
struct chsc_ssd_req {
	uint8_t ssid;
	uint16_t f_sch;
	uint16_t l_sch;
};

/* SSD response for one subchannel (Linux struct chsc_ssd_area, response part). */
struct chsc_ssd_rsp {
	uint16_t code;         /* response code */
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

void chsc_ssd_req_encode(const struct chsc_ssd_req *r, uint8_t *area);
int chsc_ssd_req_decode(const uint8_t *area, struct chsc_ssd_req *r);
void chsc_ssd_rsp_encode(const struct chsc_ssd_rsp *r, uint8_t *area);
void chsc_ssd_rsp_decode(const uint8_t *area, struct chsc_ssd_rsp *r);
void chsc_scpd_req_encode(const struct chsc_scpd_req *r, uint8_t *area);
int chsc_scpd_req_decode(const uint8_t *area, struct chsc_scpd_req *r);

#endif
