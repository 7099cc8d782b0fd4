/* CHSC request/response codecs; layouts in chsc.h. */
#include "arch/chsc.h"

#include <string.h>

#include "arch/bytes.h"

#define SSD_SSID_MASK  0x0030 /* bits 10-11 of the halfword at +4 */
#define SSD_SSID_SHIFT 4
#define SSD_F_SCH_VAL  0x80
#define SSD_F_DEV_VAL  0x40
#define SSD_F_ST       0x38
#define SSD_ST_SHIFT   3

#define SCPD_M	       0x20000000u
#define SCPD_C	       0x10000000u
#define SCPD_FMT       0x0f000000u
#define SCPD_CSSID     0x00ff0000u
#define SCPD_RES1      0xc000f000u
#define SCPD_RFMT      0x00000f00u
#define SCPD_FIRST     0x000000ffu
#define SCPD_LAST      0x000000ffu

uint16_t chsc_req_length(const uint8_t *area)
{
	return get_be16(area);
}

uint16_t chsc_req_code(const uint8_t *area)
{
	return get_be16(area + 2);
}

static int rsp_off_ok(uint16_t len)
{
	return len >= 4 && len <= CHSC_AREA_SIZE - 4;
}

uint16_t chsc_rsp_code(const uint8_t *area)
{
	uint16_t len = chsc_req_length(area);

	return rsp_off_ok(len) ? get_be16(area + len + 2) : 0;
}

void chsc_rsp_set(uint8_t *area, uint16_t length, uint16_t code)
{
	uint16_t len = chsc_req_length(area);

	if (!rsp_off_ok(len))
		return;
	put_be16(area + len, length);
	put_be16(area + len + 2, code);
}

static void req_header(uint8_t *area, uint16_t code)
{
	memset(area, 0, CHSC_OFF_RSP);
	put_be16(area, CHSC_REQ_LEN);
	put_be16(area + 2, code);
}

static int req_header_ok(const uint8_t *area, uint16_t code)
{
	return chsc_req_length(area) == CHSC_REQ_LEN && chsc_req_code(area) == code;
}

void chsc_ssd_req_encode(const struct chsc_ssd_req *r, uint8_t *area)
{
	req_header(area, CHSC_CODE_SSD);
	put_be16(area + 4, (uint16_t)((r->ssid & 3) << SSD_SSID_SHIFT));
	put_be16(area + 6, r->f_sch);
	put_be16(area + 10, r->l_sch);
}

int chsc_ssd_req_decode(const uint8_t *area, struct chsc_ssd_req *r)
{
	uint16_t w1 = get_be16(area + 4);

	if (!req_header_ok(area, CHSC_CODE_SSD))
		return -1;
	if ((w1 & ~SSD_SSID_MASK) || get_be16(area + 8) || get_be32(area + 12))
		return -1;
	r->ssid = (uint8_t)((w1 & SSD_SSID_MASK) >> SSD_SSID_SHIFT);
	r->f_sch = get_be16(area + 6);
	r->l_sch = get_be16(area + 10);
	return 0;
}

void chsc_ssd_rsp_encode(const struct chsc_ssd_rsp *r, uint8_t *area)
{
	uint8_t *p = area + CHSC_OFF_RSP;

	memset(p, 0, CHSC_SSD_RSP_LEN);
	put_be16(p, CHSC_SSD_RSP_LEN);
	put_be16(p + 2, r->code);
	p[8] = (uint8_t)((r->sch_valid ? SSD_F_SCH_VAL : 0) | (r->dev_valid ? SSD_F_DEV_VAL : 0) |
			 ((r->st << SSD_ST_SHIFT) & SSD_F_ST));
	p[9] = r->unit_addr;
	put_be16(p + 10, r->devno);
	p[12] = r->path_mask;
	p[13] = r->fla_valid_mask;
	put_be16(p + 14, r->sch);
	memcpy(p + 16, r->chpid, 8);
	for (int i = 0; i < 8; i++)
		put_be16(p + 24 + 2 * i, r->fla[i]);
}

void chsc_ssd_rsp_decode(const uint8_t *area, struct chsc_ssd_rsp *r)
{
	const uint8_t *p = area + CHSC_OFF_RSP;

	r->code = get_be16(p + 2);
	r->sch_valid = !!(p[8] & SSD_F_SCH_VAL);
	r->dev_valid = !!(p[8] & SSD_F_DEV_VAL);
	r->st = (uint8_t)((p[8] & SSD_F_ST) >> SSD_ST_SHIFT);
	r->unit_addr = p[9];
	r->devno = get_be16(p + 10);
	r->path_mask = p[12];
	r->fla_valid_mask = p[13];
	r->sch = get_be16(p + 14);
	memcpy(r->chpid, p + 16, 8);
	for (int i = 0; i < 8; i++)
		r->fla[i] = get_be16(p + 24 + 2 * i);
}

void chsc_scpd_req_encode(const struct chsc_scpd_req *r, uint8_t *area)
{
	uint32_t w = 0;

	req_header(area, CHSC_CODE_SCPD);
	if (r->m)
		w |= SCPD_M;
	if (r->c)
		w |= SCPD_C;
	w |= (uint32_t)(r->fmt & 0xf) << 24;
	w |= (uint32_t)r->cssid << 16;
	w |= (uint32_t)(r->rfmt & 0xf) << 8;
	w |= r->first_chpid;
	put_be32(area + 4, w);
	put_be32(area + 8, r->last_chpid);
}

int chsc_scpd_req_decode(const uint8_t *area, struct chsc_scpd_req *r)
{
	uint32_t w = get_be32(area + 4);
	uint32_t w2 = get_be32(area + 8);

	if (!req_header_ok(area, CHSC_CODE_SCPD))
		return -1;
	if ((w & SCPD_RES1) || (w2 & ~SCPD_LAST) || get_be32(area + 12))
		return -1;
	r->m = !!(w & SCPD_M);
	r->c = !!(w & SCPD_C);
	r->fmt = (uint8_t)((w & SCPD_FMT) >> 24);
	r->cssid = (uint8_t)((w & SCPD_CSSID) >> 16);
	r->rfmt = (uint8_t)((w & SCPD_RFMT) >> 8);
	r->first_chpid = (uint8_t)(w & SCPD_FIRST);
	r->last_chpid = (uint8_t)(w2 & SCPD_LAST);
	return 0;
}

void chp_desc0_encode(const struct chp_desc0 *d, uint8_t out[CHP_DESC0_SIZE])
{
	out[0] = d->flags;
	out[1] = d->lsn;
	out[2] = d->desc;
	out[3] = d->chpid;
	out[4] = d->swla;
	out[5] = d->zeroes;
	out[6] = d->chla;
	out[7] = d->chpp;
}

void chp_desc0_decode(const uint8_t in[CHP_DESC0_SIZE], struct chp_desc0 *d)
{
	d->flags = in[0];
	d->lsn = in[1];
	d->desc = in[2];
	d->chpid = in[3];
	d->swla = in[4];
	d->zeroes = in[5];
	d->chla = in[6];
	d->chpp = in[7];
}

/* Bytes 0-3 are laid out as in format 0. */
#define DESC1_OFF_ESC  6
#define DESC1_OFF_CHPP 7
#define DESC1_OFF_CHID 16
#define DESC1_OFF_MDC  20
#define DESC1_OFF_RSF  22
#define DESC1_R	       0x0004
#define DESC1_S	       0x0002
#define DESC1_F	       0x0001

void chp_desc1_encode(const struct chp_desc1 *d, uint8_t out[CHP_DESC1_SIZE])
{
	memset(out, 0, CHP_DESC1_SIZE);
	out[0] = d->flags;
	out[1] = d->lsn;
	out[2] = d->desc;
	out[3] = d->chpid;
	out[DESC1_OFF_ESC] = d->esc;
	out[DESC1_OFF_CHPP] = d->chpp;
	put_be16(out + DESC1_OFF_CHID, d->chid);
	put_be16(out + DESC1_OFF_MDC, d->mdc);
	put_be16(out + DESC1_OFF_RSF,
		 (uint16_t)((d->r ? DESC1_R : 0) | (d->s ? DESC1_S : 0) | (d->f ? DESC1_F : 0)));
}

void chp_desc1_decode(const uint8_t in[CHP_DESC1_SIZE], struct chp_desc1 *d)
{
	uint16_t rsf = get_be16(in + DESC1_OFF_RSF);

	d->flags = in[0];
	d->lsn = in[1];
	d->desc = in[2];
	d->chpid = in[3];
	d->esc = in[DESC1_OFF_ESC];
	d->chpp = in[DESC1_OFF_CHPP];
	d->chid = get_be16(in + DESC1_OFF_CHID);
	d->mdc = get_be16(in + DESC1_OFF_MDC);
	d->r = !!(rsf & DESC1_R);
	d->s = !!(rsf & DESC1_S);
	d->f = !!(rsf & DESC1_F);
}

/* ---- store channel-measurement characteristics ---- */

#define SCMC_CHPID     0x000000ffu
#define SCMC_NOT_VALID 0x80000000u
#define SCMC_SHARED    0x40000000u
#define SCMC_CMCV      0xf8000000u
#define SCMC_CMGQ      0x0000ff00u
#define SCMC_CMG       0x000000ffu

void chsc_scmc_req_encode(const struct chsc_scmc_req *r, uint8_t *area)
{
	req_header(area, CHSC_CODE_SCMC);
	put_be32(area + 4, r->first_chpid);
	put_be32(area + 8, r->last_chpid);
}

int chsc_scmc_req_decode(const uint8_t *area, struct chsc_scmc_req *r)
{
	uint32_t w1 = get_be32(area + 4);
	uint32_t w2 = get_be32(area + 8);

	if (!req_header_ok(area, CHSC_CODE_SCMC))
		return -1;
	if ((w1 & ~SCMC_CHPID) || (w2 & ~SCMC_CHPID) || get_be32(area + 12))
		return -1;
	r->first_chpid = (uint8_t)w1;
	r->last_chpid = (uint8_t)w2;
	return 0;
}

static uint8_t *scmc_entry(const uint8_t *area, unsigned i)
{
	return (uint8_t *)area + CHSC_SCMC_OFF_DATA + i * CHSC_SCMC_ENTRY_SIZE;
}

void chsc_scmc_entry_encode(const struct chsc_scmc_entry *e, uint8_t *area, unsigned i)
{
	uint8_t *p = scmc_entry(area, i);
	uint32_t w0 = e->chpid;
	uint32_t w1 = (uint32_t)(e->cmcv & 0x1f) << 27 | (uint32_t)e->cmgq << 8 | e->cmg;

	if (e->not_valid)
		w0 |= SCMC_NOT_VALID;
	if (e->shared)
		w0 |= SCMC_SHARED;
	memset(p, 0, CHSC_SCMC_ENTRY_SIZE);
	put_be32(p, w0);
	put_be32(p + 4, w1);
	for (int k = 0; k < CHSC_NR_MEASUREMENT_CHARS; k++)
		put_be32(p + 12 + 4 * k, e->data[k]);
}

void chsc_scmc_entry_decode(const uint8_t *area, unsigned i, struct chsc_scmc_entry *e)
{
	const uint8_t *p = scmc_entry(area, i);
	uint32_t w0 = get_be32(p);
	uint32_t w1 = get_be32(p + 4);

	e->not_valid = !!(w0 & SCMC_NOT_VALID);
	e->shared = !!(w0 & SCMC_SHARED);
	e->chpid = (uint8_t)(w0 & SCMC_CHPID);
	e->cmcv = (uint8_t)((w1 & SCMC_CMCV) >> 27);
	e->cmgq = (uint8_t)((w1 & SCMC_CMGQ) >> 8);
	e->cmg = (uint8_t)(w1 & SCMC_CMG);
	for (int k = 0; k < CHSC_NR_MEASUREMENT_CHARS; k++)
		e->data[k] = get_be32(p + 12 + 4 * k);
}

/* ---- store channel-subsystem characteristics ---- */

void chsc_scsc_req_encode(uint8_t *area)
{
	req_header(area, CHSC_CODE_SCSC);
}

int chsc_scsc_req_decode(const uint8_t *area)
{
	if (!req_header_ok(area, CHSC_CODE_SCSC))
		return -1;
	if (get_be32(area + 4) || get_be32(area + 8) || get_be32(area + 12))
		return -1;
	return 0;
}

static void bit_put(uint8_t *p, unsigned bit, uint8_t on)
{
	if (on)
		p[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

static uint8_t bit_get(const uint8_t *p, unsigned bit)
{
	return !!(p[bit / 8] & (0x80 >> (bit % 8)));
}

void chsc_scsc_rsp_encode(const struct chsc_css_chars *c, uint8_t *area)
{
	uint8_t *p = area + CHSC_OFF_RSP;

	memset(p, 0, CHSC_AREA_SIZE - CHSC_OFF_RSP);
	put_be16(p, CHSC_SCSC_RSP_LEN);
	put_be16(p + 2, CHSC_RSP_OK);
	bit_put(area + CHSC_SCSC_OFF_GENERAL, CSS_GENERAL_FCS, c->fcs);
	bit_put(area + CHSC_SCSC_OFF_CHSC, CSS_CHSC_SECM, c->secm);
	bit_put(area + CHSC_SCSC_OFF_CHSC, CSS_CHSC_SCMC, c->scmc);
}

void chsc_scsc_rsp_decode(const uint8_t *area, struct chsc_css_chars *c)
{
	c->fcs = bit_get(area + CHSC_SCSC_OFF_GENERAL, CSS_GENERAL_FCS);
	c->secm = bit_get(area + CHSC_SCSC_OFF_CHSC, CSS_CHSC_SECM);
	c->scmc = bit_get(area + CHSC_SCSC_OFF_CHSC, CSS_CHSC_SCMC);
}
