/* I/O instruction rules both channel subsystems share: see insn.h. */
#include "arch/insn.h"

#include <string.h>

#include "arch/bytes.h"
#include "arch/css_if.h"

int insn_fetch_orb(const struct storage *mem, uint64_t addr, struct orb *o)
{
	uint8_t *p;
	int rc = insn_operand(mem, addr, ORB_SIZE, &p);

	if (rc)
		return rc;
	orb_decode(p, o);
	if (o->ctrl1 & ORB_CTRL1_ORBX) {
		rc = insn_operand(mem, addr, ORB_EXT_SIZE, &p);
		if (rc)
			return rc;
		if (orb_decode_ext(p, o))
			return -PGM_OPERAND;
	}
	return orb_invalid(o) ? -PGM_OPERAND : 0;
}

bool insn_msch_apply(struct pmcw *cur, const struct pmcw *n)
{
	cur->intparm = n->intparm;
	cur->flags = (uint16_t)((cur->flags & ~MSCH_PMCW_FLAGS) | (n->flags & MSCH_PMCW_FLAGS));
	cur->lpm = n->lpm;
	cur->mbi = n->mbi;
	cur->pom = n->pom;
	cur->chars = (cur->chars & ~MSCH_PMCW_CHARS) | (n->chars & MSCH_PMCW_CHARS);
	return (n->chars & PMCW_CHARS_MBFC) != 0;
}

/* ORB key, S, F, P, I, A and U: the same bits in ORB word 1 and SCSW word 0. */
#define ORB_TO_SCSW_FLAGS                                                                   \
	(ORB_CTRL0_KEY | ORB_CTRL0_SPND | ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_ISIC | \
	 ORB_CTRL0_ALCC | ORB_CTRL0_SSIC)

void insn_ssch_start(struct scsw *w, const struct orb *o)
{
	memset(w, 0, sizeof(*w));
	w->flags = o->ctrl0 & ORB_TO_SCSW_FLAGS;
	w->ctrl = SCSW_FCTL_START | SCSW_ACTL_START;
	w->cpa = o->cpa;
}

bool insn_tsch_clear(struct scsw *w)
{
	uint16_t sc = w->ctrl & SCSW_STCTL_MASK;
	bool final = sc != (SCSW_STCTL_INTER | SCSW_STCTL_PEND);

	if (!final) {
		w->flags &= (uint16_t)~SCSW_FLAGS_ZCC;
		if ((w->ctrl & SCSW_FCTL_HALT) && (w->ctrl & SCSW_ACTL_SUSP))
			w->ctrl &= (uint16_t)~SCSW_FCTL_MASK;
		if ((w->ctrl & SCSW_FCTL_START) && (w->ctrl & SCSW_ACTL_SUSP)) {
			if (w->ctrl & SCSW_FCTL_HALT) {
				w->ctrl &= (uint16_t) ~(SCSW_ACTL_RESUME | SCSW_ACTL_START |
							SCSW_ACTL_HALT | SCSW_ACTL_CLEAR |
							SCSW_ACTL_SUSP);
			} else {
				w->ctrl &= (uint16_t)~SCSW_ACTL_RESUME;
				w->flags &= (uint16_t)~SCSW_FLAGS_PNO;
			}
		}
		/* The PCI that this interruption reported is consumed. */
		w->cstat &= (uint8_t)~SCHN_STAT_PCI;
	} else {
		w->ctrl &= (uint16_t) ~(SCSW_FCTL_MASK | SCSW_ACTL_RESUME | SCSW_ACTL_START |
					SCSW_ACTL_HALT | SCSW_ACTL_CLEAR | SCSW_ACTL_SUSP);
		w->flags &= (uint16_t)~SCSW_FLAGS_PNO;
	}
	w->ctrl &= (uint16_t)~SCSW_STCTL_MASK;
	return final;
}

void io_int_code_encode(uint8_t *out, uint32_t schid_word, uint32_t intparm, unsigned isc,
			bool lowcore)
{
	put_be32(out, schid_word);
	put_be32(out + 4, intparm);
	if (lowcore)
		put_be32(out + 8, io_int_word(isc));
}
