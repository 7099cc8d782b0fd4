/* SENSE ID data codec: zarch-css-formats.md §9, eckd-dasd.md §4.2. */
#include "arch/senseid.h"

#include <string.h>

#include "arch/bytes.h"

#define CIW_ET_MASK 0xc0
#define CIW_ET_CIW  0x40
#define CIW_CT_MASK 0x0f

int senseid_encode(const struct senseid *s, uint8_t out[SENSEID_MAX])
{
	int n = s->nciw;

	if (n < 0)
		n = 0;
	if (n > SENSEID_MAX_CIWS)
		n = SENSEID_MAX_CIWS;
	memset(out, 0, SENSEID_MAX);
	out[0] = 0xff;
	put_be16(out + 1, s->cu_type);
	out[3] = s->cu_model;
	put_be16(out + 4, s->dev_type);
	out[6] = s->dev_model;
	for (int i = 0; i < n; i++) {
		uint8_t *c = out + 8 + 4 * i;

		c[0] = CIW_ET_CIW | (s->ciw[i].type & CIW_CT_MASK);
		c[1] = s->ciw[i].cmd;
		put_be16(c + 2, s->ciw[i].count);
	}
	/* Without CIWs the reserved byte 7 is not part of the data (Hercules). */
	return n ? 8 + 4 * n : 7;
}

int senseid_decode(const uint8_t *in, int len, struct senseid *s)
{
	uint8_t buf[SENSEID_MAX] = {0};

	memset(s, 0, sizeof(*s));
	if (len < 4 || in[0] != 0xff)
		return -1;
	if (len > SENSEID_MAX)
		len = SENSEID_MAX;
	/* Bytes that were not transferred read as zero. */
	memcpy(buf, in, (size_t)len);
	s->cu_type = get_be16(buf + 1);
	s->cu_model = buf[3];
	s->dev_type = get_be16(buf + 4);
	s->dev_model = buf[6];
	for (int i = 0; i < SENSEID_MAX_CIWS; i++) {
		const uint8_t *c = buf + 8 + 4 * i;

		if (8 + 4 * (i + 1) > len || (c[0] & CIW_ET_MASK) != CIW_ET_CIW)
			break;
		s->ciw[i].type = c[0] & CIW_CT_MASK;
		s->ciw[i].cmd = c[1];
		s->ciw[i].count = get_be16(c + 2);
		s->nciw = i + 1;
	}
	return 0;
}
