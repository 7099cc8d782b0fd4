/* Task context switch on aarch64 (see ctx.h). */
#include "sim/ctx.h"

#if SIM_ASM_SWITCH && defined(__aarch64__)
/* sim_ctx_swap(&from->sp, to->sp): x19-x30, d8-d15 and FPCR into a 176-byte
 * frame on the current stack, save sp, load the other sp, load the same
 * and return to its x30.  sim_ctx_start: where a new task's first switch
 * returns to; it calls sim_task_main(x19) (x20 holds sim_task_main).
 * "hint 34" is BTI C, a no-op where branch protection is off. */
.text
.p2align 4
.globl sim_ctx_swap
.hidden sim_ctx_swap
.type sim_ctx_swap, %function
sim_ctx_swap:
	hint 34
	sub sp, sp, #176
	stp x19, x20, [sp, #0]
	stp x21, x22, [sp, #16]
	stp x23, x24, [sp, #32]
	stp x25, x26, [sp, #48]
	stp x27, x28, [sp, #64]
	stp x29, x30, [sp, #80]
	stp d8, d9, [sp, #96]
	stp d10, d11, [sp, #112]
	stp d12, d13, [sp, #128]
	stp d14, d15, [sp, #144]
	mrs x9, fpcr
	str x9, [sp, #160]
	mov x9, sp
	str x9, [x0]
	mov sp, x1
	ldp x19, x20, [sp, #0]
	ldp x21, x22, [sp, #16]
	ldp x23, x24, [sp, #32]
	ldp x25, x26, [sp, #48]
	ldp x27, x28, [sp, #64]
	ldp x29, x30, [sp, #80]
	ldp d8, d9, [sp, #96]
	ldp d10, d11, [sp, #112]
	ldp d12, d13, [sp, #128]
	ldp d14, d15, [sp, #144]
	ldr x9, [sp, #160]
	msr fpcr, x9
	add sp, sp, #176
	ret
.size sim_ctx_swap, .-sim_ctx_swap
.p2align 4
.globl sim_ctx_start
.hidden sim_ctx_start
.type sim_ctx_start, %function
sim_ctx_start:
	hint 34
	mov x0, x19
	blr x20
	brk #0
.size sim_ctx_start, .-sim_ctx_start
#endif

.section .note.GNU-stack, "", %progbits
