/* SCSW codec: zarch-css-formats.md §2. */
#include "arch/scsw.h"

#include "arch/bytes.h"

void scsw_encode(const struct scsw *s, uint8_t out[SCSW_SIZE])
{
	put_be16(out, s->flags);
	put_be16(out + 2, s->ctrl);
	put_be32(out + 4, s->cpa);
	out[8] = s->dstat;
	out[9] = s->cstat;
	put_be16(out + 10, s->count);
}

void scsw_decode(const uint8_t in[SCSW_SIZE], struct scsw *s)
{
	s->flags = get_be16(in);
	s->ctrl = get_be16(in + 2);
	s->cpa = get_be32(in + 4);
	s->dstat = in[8];
	s->cstat = in[9];
	s->count = get_be16(in + 10);
}
