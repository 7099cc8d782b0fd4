/* Task context switch on x86-64 (see ctx.h). */
#include "sim/ctx.h"

#if SIM_ASM_SWITCH && defined(__x86_64__)
#ifdef __CET__
#include <cet.h> /* the GNU property note the compiler gives C objects */
#endif
/* sim_ctx_swap(&from->sp, to->sp): push rbp rbx r12-r15 and the x87/SSE
 * control words, save rsp, load the other rsp, pop the same and return
 * there.  sim_ctx_start: where a new task's first switch returns to; it
 * calls sim_task_main(rbx) (r12 holds sim_task_main) with rsp 16-byte
 * aligned, as the ABI wants before a call. */
.text
.p2align 4
.globl sim_ctx_swap
.hidden sim_ctx_swap
.type sim_ctx_swap, @function
sim_ctx_swap:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr 4(%rsp)
	fnstcw (%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	fldcw (%rsp)
	ldmxcsr 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
.size sim_ctx_swap, .-sim_ctx_swap
.p2align 4
.globl sim_ctx_start
.hidden sim_ctx_start
.type sim_ctx_start, @function
sim_ctx_start:
	movq %rbx, %rdi
	call *%r12
	ud2
.size sim_ctx_start, .-sim_ctx_start
#endif

.section .note.GNU-stack, "", %progbits
