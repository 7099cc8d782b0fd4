/* Identifiers: subchannel IDs, device bus IDs, CHPIDs; the GR1 subchannel-ID
 * word of the I/O instructions.  Printed and parsed as Linux and s390-tools do. */
#ifndef CHPSYNC_ARCH_IDS_H
#define CHPSYNC_ARCH_IDS_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_SSID  3
#define MAX_SCHNO 0xffff
#define MAX_CHPID 0xff

/* Subchannel ID or device bus ID: cssid.ssid.number */
struct ccw_id {
	uint8_t cssid;
	uint8_t ssid;
	uint16_t no;
};

struct chpid {
	uint8_t cssid;
	uint8_t id;
};

/* "0.0.013f" (always 4 hex digits, lowercase).  buf must hold 16 bytes. */
char *ccw_id_fmt(const struct ccw_id *id, char buf[16]);
/* "0.42".  buf must hold 8 bytes. */
char *chpid_fmt(const struct chpid *c, char buf[8]);

/* Parse a bus/subchannel ID as s390-tools libccw does: 1-4 hex digits
 * (meaning 0.0.xxxx) or cssid(1-2 hex).ssid(1 hex).devno(1-4 hex); no 0x
 * prefix; nothing may follow.  Returns 0 or -1. */
int ccw_id_parse(const char *s, struct ccw_id *id);
/* Parse a CHPID: "42" or "0.42" (hex).  Returns 0 or -1. */
int chpid_parse(const char *s, struct chpid *c);

/* GR1 subchannel-ID word: 0x00010000 | ssid << 17 | sch_no (M = 0, cssid 0). */
static inline uint32_t schid_word(uint8_t ssid, uint16_t sch_no)
{
	return 0x00010000u | (uint32_t)ssid << 17 | sch_no;
}

/* Check a GR1 subchannel-ID word (§7.0): bit 15 must be 1; with M = 0 the
 * cssid must be 0; reserved bits 8-11 must be 0.  Returns 0 if valid and
 * fills ssid/sch_no, or -1 (operand exception). */
int schid_word_decode(uint32_t w, uint8_t *ssid, uint16_t *sch_no);

#endif
