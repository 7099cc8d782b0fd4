/* The css interface: how an OS instance talks to a channel subsystem.
 *
 * Implemented twice: by the machine's channel subsystem (src/machine/) for the
 * host OS, and by the VMM's virtual channel subsystem (src/vmm/) for a guest.
 * The OS (src/os/) is written only against this header, so it never knows
 * which one it runs on.
 *
 * Downward: the architected I/O instructions.  Storage operands are absolute
 * addresses in the storage the CSS was bound with (`mem`); the CSS reads and
 * writes the architected bytes there (SCHIB 52, ORB 12/32, IRB 96, CRW 4, ...)
 * exactly as the CPU would.  Each call returns the condition code (0-3), or a
 * negative program-interruption code (-PGM_*) when the instruction is
 * nullified/suppressed by a program exception.
 *
 * Upward: interruptions, delivered through the upcalls the OS registered with
 * bind().  They are always delivered from a scheduler event, never from inside
 * an instruction call, so the OS may issue instructions from its handlers.
 */
#ifndef CHPSYNC_ARCH_CSS_IF_H
#define CHPSYNC_ARCH_CSS_IF_H

#include <stdint.h>

#include "arch/storage.h"

/* Program-interruption codes */
#define PGM_OPERATION	  0x01
#define PGM_PRIVILEGED	  0x02
#define PGM_PROTECTION	  0x04
#define PGM_ADDRESSING	  0x05
#define PGM_SPECIFICATION 0x06
#define PGM_OPERAND	  0x15

/* Interruption-identification word (lowcore 0xC0): ISC in bits 2-4. */
#define IO_INT_WORD_ISC_SHIFT 27

struct css_upcalls {
	void *os;
	/* An I/O interruption was taken: the 12-byte interruption code
	 * (subchannel-ID word, interruption parameter, identification word).
	 * Only for ISCs enabled with set_isc_mask().  The interruption request
	 * is cleared; the subchannel stays status pending until TSCH. */
	void (*io_interrupt)(void *os, uint32_t schid, uint32_t intparm, uint32_t int_word);
	/* Channel-report-pending machine check: drain with STCRW.  Raised when
	 * a CRW is queued while the CSS is armed; re-armed by an STCRW that
	 * finds the queue empty. */
	void (*channel_report)(void *os);
	/* Service-signal external interruption: the SERVICE CALL whose SCCB is
	 * at `sccb` has completed. */
	void (*service_signal)(void *os, uint64_t sccb);
};

struct css_ops {
	int (*stsch)(void *css, uint32_t schid, uint64_t schib_addr);
	int (*msch)(void *css, uint32_t schid, uint64_t schib_addr);
	int (*ssch)(void *css, uint32_t schid, uint64_t orb_addr);
	int (*tsch)(void *css, uint32_t schid, uint64_t irb_addr);
	int (*csch)(void *css, uint32_t schid);
	int (*hsch)(void *css, uint32_t schid);
	int (*xsch)(void *css, uint32_t schid);
	int (*rsch)(void *css, uint32_t schid);
	/* TPI: addr != 0 stores 8 bytes (schid word, intparm) at addr;
	 * cc 1 = an interruption code was stored, cc 0 = none pending. */
	int (*tpi)(void *css, uint64_t addr);
	/* STCRW: cc 0 = a CRW stored and dequeued, cc 1 = none (zeros stored). */
	int (*stcrw)(void *css, uint64_t crw_addr);
	/* CHSC with the request block at addr (4K aligned): cc 0 = response
	 * stored; the response code is in the response header. */
	int (*chsc)(void *css, uint64_t addr);
	/* SERVICE CALL: cc 0 = accepted (completion via service_signal),
	 * cc 2 = busy, cc 3 = not operational. */
	int (*servc)(void *css, uint32_t cmdw, uint64_t sccb_addr);
	/* CR6 I/O-interruption subclass mask (bit 0x80 >> isc enables isc). */
	void (*set_isc_mask)(void *css, uint8_t mask);
	/* Register the OS's upcalls (replaces any earlier binding). */
	void (*bind)(void *css, const struct css_upcalls *up);
};

/* A bound channel subsystem as the OS sees it: the instructions, their
 * context, and the storage whose absolute addresses the operands use. */
struct css_if {
	const struct css_ops *ops;
	void *css;
	struct storage *mem;
};

#endif
