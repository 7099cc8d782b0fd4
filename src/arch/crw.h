/* CRW (4 bytes): zarch-css-formats.md §6. */
#ifndef CHPSYNC_ARCH_CRW_H
#define CHPSYNC_ARCH_CRW_H

#include <stdbool.h>
#include <stdint.h>

#define CRW_SIZE	4

#define CRW_RSC_MONITOR 0x2
#define CRW_RSC_SCH	0x3
#define CRW_RSC_CPATH	0x4
#define CRW_RSC_CONFIG	0x9
#define CRW_RSC_CSS	0xb

#define CRW_ERC_EVENT	0x00
#define CRW_ERC_AVAIL	0x01
#define CRW_ERC_INIT	0x02
#define CRW_ERC_TERROR	0x03
#define CRW_ERC_IPARM	0x04
#define CRW_ERC_TERM	0x05
#define CRW_ERC_PERRN	0x06
#define CRW_ERC_PERRI	0x07
#define CRW_ERC_PMOD	0x08

struct crw {
	bool slct; /* S solicited */
	bool oflw; /* R overflow */
	bool chn;  /* C chaining */
	uint8_t rsc;
	bool anc; /* A ancillary */
	uint8_t erc;
	uint16_t rsid;
};

uint32_t crw_encode(const struct crw *c);
void crw_decode(uint32_t w, struct crw *c);

#endif
