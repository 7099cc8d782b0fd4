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
 * fills ssid/sch_no, or -1 (operand exception).  Inline: every layer's
 * I/O instructions and interruptions pass one. */
#define SCHID_CSSID 0xff000000u
#define SCHID_RES   0x00f00000u
#define SCHID_M	    0x00080000u
#define SCHID_SSID  0x00060000u
#define SCHID_ONE   0x00010000u

/* M = 1 (MCSS-E) is refused as well: this CSS never enables it, so only
 * css image 0 exists and an M = 1 word cannot name a subchannel in it. */
static inline int schid_word_decode(uint32_t w, uint8_t *ssid, uint16_t *sch_no)
{
	if (!(w & SCHID_ONE))
		return -1;
	if (w & SCHID_RES)
		return -1;
	if (w & SCHID_M)
		return -1;
	if (w & SCHID_CSSID)
		return -1;
	*ssid = (uint8_t)((w & SCHID_SSID) >> 17);
	*sch_no = (uint16_t)w;
	return 0;
}

#endif
