/* ECKD parameter and record codecs: see eckd.h. */
#include "arch/eckd.h"

#include <string.h>

#include "arch/bytes.h"

void eckd_cchh_encode(uint8_t out[ECKD_CCHH_SIZE], uint32_t trk, uint16_t heads)
{
	put_be16(out, (uint16_t)(trk / heads));
	put_be16(out + 2, (uint16_t)(trk % heads));
}

uint32_t eckd_cchh_track(const uint8_t in[ECKD_CCHH_SIZE], uint16_t heads)
{
	return (uint32_t)get_be16(in) * heads + get_be16(in + 2);
}

int eckd_cchh_valid(const uint8_t in[ECKD_CCHH_SIZE], uint32_t cyls, uint16_t heads)
{
	return get_be16(in) < cyls && get_be16(in + 2) < heads;
}

void eckd_de_encode(const struct eckd_de *de, uint16_t heads, uint8_t out[ECKD_DE_SIZE])
{
	out[0] = de->mask;
	out[1] = de->ga;
	put_be16(out + 2, de->blksize);
	memcpy(out + 4, de->res, 3);
	out[7] = de->ga_ext;
	eckd_cchh_encode(out + 8, de->first_trk, heads);
	/* An extent of one track (as most are) costs one division, not two. */
	if (de->last_trk == de->first_trk)
		memcpy(out + 12, out + 8, ECKD_CCHH_SIZE);
	else
		eckd_cchh_encode(out + 12, de->last_trk, heads);
}

void eckd_de_decode(const uint8_t in[ECKD_DE_SIZE], uint16_t heads, struct eckd_de *de)
{
	de->mask = in[0];
	de->ga = in[1];
	de->blksize = get_be16(in + 2);
	memcpy(de->res, in + 4, 3);
	de->ga_ext = in[7];
	de->first_trk = eckd_cchh_track(in + 8, heads);
	de->last_trk = eckd_cchh_track(in + 12, heads);
}

void eckd_lr_encode(const struct eckd_lr *lr, uint16_t heads, uint8_t out[ECKD_LR_SIZE])
{
	out[0] = lr->op;
	out[1] = lr->aux;
	out[2] = lr->res;
	out[3] = lr->count;
	eckd_cchh_encode(out + 4, lr->seek_trk, heads);
	/* The search is on the seek track in every LR the dasd builds: one
	 * division, not two. */
	if (lr->search_trk == lr->seek_trk)
		memcpy(out + 8, out + 4, ECKD_CCHH_SIZE);
	else
		eckd_cchh_encode(out + 8, lr->search_trk, heads);
	out[12] = lr->search_rec;
	out[13] = lr->sector;
	put_be16(out + 14, lr->tlf);
}

void eckd_lr_decode(const uint8_t in[ECKD_LR_SIZE], uint16_t heads, struct eckd_lr *lr)
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
