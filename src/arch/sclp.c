/* SCCB header codec (Linux drivers/s390/char/sclp.h layout). */
#include "arch/sclp.h"

#include <string.h>

#include "arch/bytes.h"

void sccb_header_encode(const struct sccb_header *h, uint8_t out[SCCB_HEADER_SIZE])
{
	put_be16(out, h->length);
	out[2] = h->function_code;
	out[3] = h->control_mask[0];
	out[4] = h->control_mask[1];
	out[5] = h->control_mask[2];
	put_be16(out + 6, h->response_code);
}

void sccb_header_decode(const uint8_t in[SCCB_HEADER_SIZE], struct sccb_header *h)
{
	h->length = get_be16(in);
	h->function_code = in[2];
	h->control_mask[0] = in[3];
	h->control_mask[1] = in[4];
	h->control_mask[2] = in[5];
	h->response_code = get_be16(in + 6);
}

static uint8_t chp_bit(uint8_t chpid)
{
	return (uint8_t)(0x80 >> (chpid % 8));
}

void sclp_chp_info_set(struct sclp_chp_info *info, uint8_t chpid, enum sclp_chp_state st)
{
	uint8_t bit = chp_bit(chpid), i = chpid / 8;

	info->recognized[i] &= (uint8_t)~bit;
	info->standby[i] &= (uint8_t)~bit;
	info->configured[i] &= (uint8_t)~bit;
	if (st == SCLP_CHP_NOT_RECOGNIZED)
		return;
	info->recognized[i] |= bit;
	if (st == SCLP_CHP_STANDBY)
		info->standby[i] |= bit;
	else if (st == SCLP_CHP_CONFIGURED)
		info->configured[i] |= bit;
}

enum sclp_chp_state sclp_chp_info_state(const struct sclp_chp_info *info, uint8_t chpid)
{
	uint8_t bit = chp_bit(chpid), i = chpid / 8;

	if (!(info->recognized[i] & bit))
		return SCLP_CHP_NOT_RECOGNIZED;
	if (info->configured[i] & bit)
		return SCLP_CHP_CONFIGURED;
	if (info->standby[i] & bit)
		return SCLP_CHP_STANDBY;
	return SCLP_CHP_RESERVED;
}

void sclp_chp_info_encode(const struct sclp_chp_info *info, uint8_t *sccb)
{
	memcpy(sccb + SCLP_CHP_INFO_OFF_RECOGNIZED, info->recognized, SCLP_CHP_INFO_MASK_SIZE);
	memcpy(sccb + SCLP_CHP_INFO_OFF_STANDBY, info->standby, SCLP_CHP_INFO_MASK_SIZE);
	memcpy(sccb + SCLP_CHP_INFO_OFF_CONFIGURED, info->configured, SCLP_CHP_INFO_MASK_SIZE);
	memset(sccb + SCLP_CHP_INFO_OFF_CCM, 0, SCLP_CHP_INFO_SCCB_SIZE - SCLP_CHP_INFO_OFF_CCM);
}

void sclp_chp_info_decode(const uint8_t *sccb, struct sclp_chp_info *info)
{
	memcpy(info->recognized, sccb + SCLP_CHP_INFO_OFF_RECOGNIZED, SCLP_CHP_INFO_MASK_SIZE);
	memcpy(info->standby, sccb + SCLP_CHP_INFO_OFF_STANDBY, SCLP_CHP_INFO_MASK_SIZE);
	memcpy(info->configured, sccb + SCLP_CHP_INFO_OFF_CONFIGURED, SCLP_CHP_INFO_MASK_SIZE);
}
