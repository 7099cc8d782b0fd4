/* The rules of the I/O instructions that every channel subsystem applies
 * the same way, the machine's (machine/css.c) and the VMM's virtual one
 * (vmm/vcss.c): operand access, the ORB START SUBCHANNEL fetches and its
 * checks, what MODIFY SUBCHANNEL takes from the SCHIB, the start function
 * in the SCSW, what TEST SUBCHANNEL clears, the I/O-interruption code, and
 * the IDAWs of a channel program.  zarch-css-formats.md §§5-7. */
#ifndef CHPSYNC_ARCH_INSN_H
#define CHPSYNC_ARCH_INSN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch/css_if.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "arch/scsw.h"
#include "arch/storage.h"

/* A storage operand of len bytes at a word-aligned address: 0, or
 * -PGM_SPECIFICATION (alignment) / -PGM_ADDRESSING (outside storage). */
static inline int insn_operand(const struct storage *mem, uint64_t addr, uint64_t len, uint8_t **p)
{
	if (addr & 3)
		return -PGM_SPECIFICATION;
	*p = storage_ptr(mem, addr, len);
	return *p ? 0 : -PGM_ADDRESSING;
}

/* SSCH's ORB at addr: 12 bytes, 32 with the extension bit; 0, the
 * operand's program exception, or -PGM_OPERAND for an invalid ORB.
 * Inline, as insn_ssch_start(): every I/O passes two SSCHs (the guest's
 * and the host's). */
static inline int insn_fetch_orb(const struct storage *mem, uint64_t addr, struct orb *o)
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

/* MSCH: the PMCW fields the program may set. */
#define MSCH_PMCW_FLAGS \
	(PMCW_FLAGS_ISC | PMCW_FLAGS_ENA | PMCW_FLAGS_LM | PMCW_FLAGS_MME | PMCW_FLAGS_MP)
#define MSCH_PMCW_CHARS (PMCW_CHARS_MBFC | PMCW_CHARS_CSENSE)
/* Take them from the operand's PMCW n into cur.  True when the operand's
 * measurement-block address is to be taken too (format-1 MB). */
bool insn_msch_apply(struct pmcw *cur, const struct pmcw *n);

/* ORB key, S, F, P, I, A and U: the same bits in ORB word 1 and SCSW word 0. */
#define ORB_TO_SCSW_FLAGS                                                                   \
	(ORB_CTRL0_KEY | ORB_CTRL0_SPND | ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_ISIC | \
	 ORB_CTRL0_ALCC | ORB_CTRL0_SSIC)

/* SSCH accepted: the SCSW of the start function (ORB key, S, F, P, I, A
 * and U, which sit in the same bits of ORB word 1 and SCSW word 0). */
static inline void insn_ssch_start(struct scsw *w, const struct orb *o)
{
	memset(w, 0, sizeof(*w));
	w->flags = o->ctrl0 & ORB_TO_SCSW_FLAGS;
	w->ctrl = SCSW_FCTL_START | SCSW_ACTL_START;
	w->cpa = o->cpa;
}

/* TSCH with status pending: the clearing rules (§7.1).  True when the
 * status was final (not intermediate only), i.e. the functions ended. */
bool insn_tsch_clear(struct scsw *w);

/* The I/O-interruption code TPI stores: subchannel-ID word, interruption
 * parameter, and with lowcore (TPI with operand 0) the identification word
 * with the ISC.  8 or 12 bytes. */
#define IO_INT_CODE_LOWCORE 0xb8 /* where TPI with operand 0 stores it */
void io_int_code_encode(uint8_t *out, uint32_t schid_word, uint32_t intparm, unsigned isc,
			bool lowcore);
static inline uint32_t io_int_word(unsigned isc)
{
	return (uint32_t)isc << IO_INT_WORD_ISC_SHIFT;
}

/* IDAWs.  Their size and data-block size for the ORB's C64 and I2K bits. */
static inline unsigned idaw_size(uint16_t orb_ctrl0)
{
	return (orb_ctrl0 & ORB_CTRL0_C64) ? 8 : 4;
}
static inline uint64_t idaw_block(uint16_t orb_ctrl0)
{
	return (orb_ctrl0 & ORB_CTRL0_C64) && !(orb_ctrl0 & ORB_CTRL0_I2K) ? 4096 : 2048;
}
/* The data address in IDAW number i of a list (bytes at idaw): 0, or -1
 * when the IDAW is invalid (format 1 with bit 0 set, or not the first and
 * not on a block boundary).  The list's own alignment: idal_aligned(). */
static inline int idaw_fetch(const uint8_t *idaw, uint16_t orb_ctrl0, unsigned i, uint64_t *addr)
{
	bool fmt2 = orb_ctrl0 & ORB_CTRL0_C64;
	uint64_t a = fmt2 ? get_be64(idaw) : get_be32(idaw);

	if (!fmt2 && (a & 0x80000000u))
		return -1;
	/* Only the first IDAW may point inside a block. */
	if (i > 0 && (a & (idaw_block(orb_ctrl0) - 1)))
		return -1;
	*addr = a;
	return 0;
}
static inline bool idal_aligned(uint32_t cda, uint16_t orb_ctrl0)
{
	return (cda & (idaw_size(orb_ctrl0) - 1)) == 0;
}

#endif
