/* I/O instruction rules both channel subsystems share: see insn.h. */
#include "arch/insn.h"

#include <string.h>

#include "arch/bytes.h"
#include "arch/css_if.h"

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
