/* PMCW / SCHIB codec and the MSCH operand checks: zarch-css-formats.md §1, §7.1. */
#include "arch/schib.h"

#include "arch/bytes.h"

#define PMCW_LM_RESERVED 0x0060 /* LM = 11 */

void pmcw_encode(const struct pmcw *p, uint8_t out[PMCW_SIZE])
{
	put_be32(out, p->intparm);
	/* STSCH always stores word-1 bit 5 as zero, whatever MSCH was given. */
	put_be16(out + 4, (uint16_t)(p->flags & ~PMCW_FLAGS_BIT5));
	put_be16(out + 6, p->devno);
	out[8] = p->lpm;
	out[9] = p->pnom;
	out[10] = p->lpum;
	out[11] = p->pim;
	put_be16(out + 12, p->mbi);
	out[14] = p->pom;
	out[15] = p->pam;
	for (int i = 0; i < 8; i++)
		out[16 + i] = p->chpid[i];
	put_be32(out + 24, p->chars);
}

void pmcw_decode(const uint8_t in[PMCW_SIZE], struct pmcw *p)
{
	p->intparm = get_be32(in);
	p->flags = get_be16(in + 4);
	p->devno = get_be16(in + 6);
	p->lpm = in[8];
	p->pnom = in[9];
	p->lpum = in[10];
	p->pim = in[11];
	p->mbi = get_be16(in + 12);
	p->pom = in[14];
	p->pam = in[15];
	for (int i = 0; i < 8; i++)
		p->chpid[i] = in[16 + i];
	p->chars = get_be32(in + 24);
}

void schib_encode(const struct schib *s, uint8_t out[SCHIB_SIZE])
{
	pmcw_encode(&s->pmcw, out);
	scsw_encode(&s->scsw, out + SCHIB_OFF_SCSW);
	put_be64(out + SCHIB_OFF_MBA, s->mba);
	put_be32(out + SCHIB_OFF_MDA, s->mda);
}

void schib_decode(const uint8_t in[SCHIB_SIZE], struct schib *s)
{
	pmcw_decode(in, &s->pmcw);
	scsw_decode(in + SCHIB_OFF_SCSW, &s->scsw);
	s->mba = get_be64(in + SCHIB_OFF_MBA);
	s->mda = get_be32(in + SCHIB_OFF_MDA);
}

/* Word-1 bit 5 is deliberately not checked: MSCH ignores it. */
int schib_msch_invalid(const uint8_t in[SCHIB_SIZE])
{
	uint16_t flags = get_be16(in + 4);
	uint32_t chars = get_be32(in + 24);

	if (flags & PMCW_FLAGS_INVALID)
		return 1;
	if ((flags & PMCW_FLAGS_LM) == PMCW_LM_RESERVED)
		return 1;
	if (chars & PMCW_CHARS_INVALID)
		return 1;
	/* The extended-measurement-word facility is not installed. */
	if (chars & PMCW_CHARS_XMWME)
		return 1;
	if ((chars & PMCW_CHARS_MBFC) && (get_be64(in + SCHIB_OFF_MBA) & 63))
		return 1;
	return 0;
}
