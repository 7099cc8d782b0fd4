/* SCLP: the SERVICE CALL command words and SCCBs the channel-path commands
 * use (Linux drivers/s390/char/sclp_cmd.c layouts). */
#ifndef CHPSYNC_ARCH_SCLP_H
#define CHPSYNC_ARCH_SCLP_H

#include <stdint.h>

#define SCLP_CMDW_READ_CHPATH_INFORMATION 0x00030001u
#define SCLP_CMDW_CONFIGURE_CHPATH	  0x000f0001u /* | chpid << 8 */
#define SCLP_CMDW_DECONFIGURE_CHPATH	  0x000e0001u /* | chpid << 8 */

/* Response codes */
#define SCLP_RC_NORMAL_READ_COMPLETION	 0x0010
#define SCLP_RC_NORMAL_COMPLETION	 0x0020
#define SCLP_RC_INVALID_SCLP_COMMAND	 0x01f0
#define SCLP_RC_INSUFFICIENT_SCCB_LENGTH 0x0300
/* do_chp_configure() in Linux treats 0x0020, 0x0120, 0x0440 and 0x0450 as
 * success; anything else is -EIO.  READ CHPATH INFORMATION wants 0x0010. */
#define SCLP_RC_CHP_NOT_RECOGNIZED 0x0440
#define SCLP_RC_CHP_ALREADY	   0x0450
#define SCLP_RC_CHP_IN_PROGRESS	   0x0120

#define SCCB_HEADER_SIZE	   8
#define SCLP_CHP_INFO_MASK_SIZE	   32
/* header(8) recognized[32] standby[32] configured[32] ccm reserved[6] cssid */
#define SCLP_CHP_INFO_SCCB_SIZE (SCCB_HEADER_SIZE + 3 * SCLP_CHP_INFO_MASK_SIZE + 8)
/* Offsets in struct chp_info_sccb; bit (0x80 >> (chpid % 8)) of byte chpid / 8. */
#define SCLP_CHP_INFO_OFF_RECOGNIZED 8
#define SCLP_CHP_INFO_OFF_STANDBY    40
#define SCLP_CHP_INFO_OFF_CONFIGURED 72
#define SCLP_CHP_INFO_OFF_CCM	     104
#define SCLP_CHP_INFO_OFF_CSSID	     111
/* struct chp_cfg_sccb: header(8) ccm reserved[6] cssid */
#define SCLP_CHP_CFG_SCCB_SIZE (SCCB_HEADER_SIZE + 8)

struct sccb_header {
	uint16_t length;
	uint8_t function_code;
	uint8_t control_mask[3];
	uint16_t response_code;
};

void sccb_header_encode(const struct sccb_header *h, uint8_t out[SCCB_HEADER_SIZE]);
void sccb_header_decode(const uint8_t in[SCCB_HEADER_SIZE], struct sccb_header *h);

/* READ CHANNEL-PATH INFORMATION's answer: three masks of 256 CHPIDs. */
struct sclp_chp_info {
	uint8_t recognized[SCLP_CHP_INFO_MASK_SIZE];
	uint8_t standby[SCLP_CHP_INFO_MASK_SIZE];
	uint8_t configured[SCLP_CHP_INFO_MASK_SIZE];
};
/* A CHPID's state as the masks tell it (Linux CHP_STATUS_*, the values of
 * chp0.xx/configure). */
enum sclp_chp_state {
	SCLP_CHP_STANDBY = 0,
	SCLP_CHP_CONFIGURED = 1,
	SCLP_CHP_RESERVED = 2, /* recognized, neither standby nor configured */
	SCLP_CHP_NOT_RECOGNIZED = 3,
};
void sclp_chp_info_set(struct sclp_chp_info *info, uint8_t chpid, enum sclp_chp_state st);
enum sclp_chp_state sclp_chp_info_state(const struct sclp_chp_info *info, uint8_t chpid);
/* The masks, CCM and CSSID (0) after the SCCB header of `sccb`
 * (SCLP_CHP_INFO_SCCB_SIZE bytes), and back. */
void sclp_chp_info_encode(const struct sclp_chp_info *info, uint8_t *sccb);
void sclp_chp_info_decode(const uint8_t *sccb, struct sclp_chp_info *info);

#endif
