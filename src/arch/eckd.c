/* ECKD parameter and record codecs: see eckd.h. */
#include "arch/eckd.h"

#include <string.h>

#include "arch/bytes.h"

void eckd_count_encode(const struct eckd_count *c, uint8_t out[ECKD_COUNT_SIZE])
{
	put_be16(out, c->cyl);
	put_be16(out + 2, c->head);
	out[4] = c->rec;
	out[5] = c->kl;
	put_be16(out + 6, c->dl);
}

void eckd_count_decode(const uint8_t in[ECKD_COUNT_SIZE], struct eckd_count *c)
{
	c->cyl = get_be16(in);
	c->head = get_be16(in + 2);
	c->rec = in[4];
	c->kl = in[5];
	c->dl = get_be16(in + 6);
}

void eckd_rdc_encode(const struct eckd_rdc *r, uint8_t out[ECKD_RDC_SIZE])
{
	put_be16(out, r->cu_type);
	out[2] = r->cu_model;
	put_be16(out + 3, r->dev_type);
	out[5] = r->dev_model;
	memcpy(out + 6, r->features, 4);
	out[10] = r->dev_class;
	out[11] = r->unit_type;
	put_be16(out + 12, r->cyls);
	put_be16(out + 14, r->heads);
	out[16] = r->sectors;
	out[17] = (uint8_t)(r->track_len >> 16);
	put_be16(out + 18, (uint16_t)r->track_len);
	put_be16(out + 20, r->ha_r0);
	out[22] = r->formula;
	memcpy(out + 23, r->factors, 5);
	memcpy(out + 28, r->res28, 12);
	memcpy(out + 40, r->alt_codes, 4);
	put_be16(out + 44, r->r0_max);
	out[46] = r->res46;
	out[47] = r->track_set;
	out[48] = r->factor7;
	put_be16(out + 49, r->factor8);
	memcpy(out + 51, r->res51, 6);
	out[57] = r->misc57;
	memcpy(out + 58, r->res58, 2);
	put_be32(out + 60, r->long_cyls);
}

void eckd_rdc_decode(const uint8_t in[ECKD_RDC_SIZE], struct eckd_rdc *r)
{
	r->cu_type = get_be16(in);
	r->cu_model = in[2];
	r->dev_type = get_be16(in + 3);
	r->dev_model = in[5];
	memcpy(r->features, in + 6, 4);
	r->dev_class = in[10];
	r->unit_type = in[11];
	r->cyls = get_be16(in + 12);
	r->heads = get_be16(in + 14);
	r->sectors = in[16];
	r->track_len = (uint32_t)in[17] << 16 | get_be16(in + 18);
	r->ha_r0 = get_be16(in + 20);
	r->formula = in[22];
	memcpy(r->factors, in + 23, 5);
	memcpy(r->res28, in + 28, 12);
	memcpy(r->alt_codes, in + 40, 4);
	r->r0_max = get_be16(in + 44);
	r->res46 = in[46];
	r->track_set = in[47];
	r->factor7 = in[48];
	r->factor8 = get_be16(in + 49);
	memcpy(r->res51, in + 51, 6);
	r->misc57 = in[57];
	memcpy(r->res58, in + 58, 2);
	r->long_cyls = get_be32(in + 60);
}
