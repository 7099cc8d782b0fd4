/* A css interface that forwards every call to another one and tells an
 * observer what crossed the seam: each instruction (after it ran, with its
 * condition code; the operand bytes are in the storage the instruction
 * used) and each interruption delivered upward (before the OS handles it).
 *
 * The world assembler puts one between an OS instance and its channel
 * subsystem; neither side can tell (the same calls, in the same order, with
 * the same operands).  Nothing in the layers below knows about it. */
#ifndef CHPSYNC_CLI_CSS_TAP_H
#define CHPSYNC_CLI_CSS_TAP_H

#include <stdint.h>

#include "arch/css_if.h"

enum css_insn {
	CSS_STSCH,
	CSS_MSCH,
	CSS_SSCH,
	CSS_TSCH,
	CSS_CSCH,
	CSS_HSCH,
	CSS_XSCH,
	CSS_RSCH,
	CSS_TPI,
	CSS_STCRW,
	CSS_CHSC,
	CSS_SERVC,
};

struct css_tap;

struct css_tap_observer {
	void *ctx;
	/* schid: the subchannel-ID word (0 for TPI, STCRW, CHSC, SERVC);
	 * addr: the storage operand (for SERVC the SCCB; the command word
	 * is in schid). */
	void (*insn)(void *ctx, struct css_tap *t, enum css_insn insn, uint32_t schid,
		     uint64_t addr, int cc);
	void (*io_interrupt)(void *ctx, struct css_tap *t, uint32_t schid, uint32_t intparm);
	void (*channel_report)(void *ctx, struct css_tap *t);
};

/* NULL on allocation failure.  `who` names the OS instance for the
 * observer (copied, up to 31 characters). */
struct css_tap *css_tap_new(struct css_if inner, const struct css_tap_observer *obs,
			    const char *who);
void css_tap_free(struct css_tap *t);
/* The interface to hand to the OS instead of `inner`. */
struct css_if css_tap_if(struct css_tap *t);
const char *css_tap_who(const struct css_tap *t);
struct storage *css_tap_mem(const struct css_tap *t);
/* Stop reporting (the observer is going away); calls still pass. */
void css_tap_detach(struct css_tap *t);

#endif
