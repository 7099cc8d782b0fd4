/* The first frame of a task for the assembly switch (ctx_x86_64.S,
 * ctx_aarch64.S): what sim_ctx_swap() takes back on the first switch to it. */
#include "sim/ctx.h"

#include <string.h>

#if SIM_ASM_SWITCH && defined(__x86_64__)
/* The frame sim_ctx_swap() pops on the first switch to t: control words,
 * r15..r12, rbx, rbp, return address (sim_ctx_start), at the top of the
 * stack so that rsp is 16-byte aligned when sim_ctx_start runs. */
void sim_ctx_make(struct sim_ctx *c, uint8_t *stack, size_t size, struct sim_task *t)
{
	uint64_t *sp = (uint64_t *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
	uint32_t mxcsr;
	uint16_t fpucw;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fpucw));
	*--sp = (uintptr_t)sim_ctx_start;
	*--sp = 0;			  /* rbp: the end of the frame chain */
	*--sp = (uintptr_t)t;		  /* rbx */
	*--sp = (uintptr_t)sim_task_main; /* r12 */
	*--sp = 0;			  /* r13 */
	*--sp = 0;			  /* r14 */
	*--sp = 0;			  /* r15 */
	*--sp = (uint64_t)mxcsr << 32 | fpucw;
	c->sp = sp;
}
#elif SIM_ASM_SWITCH && defined(__aarch64__)
#define SIM_A64_FRAME 176 /* the frame of ctx_aarch64.S */

/* The frame sim_ctx_swap() loads on the first switch to t, at the top of
 * the stack (sp stays 16-byte aligned): x19 = t, x20 = sim_task_main, x29 = 0
 * (the end of the frame chain), x30 = sim_ctx_start, FPCR as now. */
void sim_ctx_make(struct sim_ctx *c, uint8_t *stack, size_t size, struct sim_task *t)
{
	uint64_t *sp = (uint64_t *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
	uint64_t fpcr;

	sp -= SIM_A64_FRAME / 8;
	memset(sp, 0, SIM_A64_FRAME);
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	sp[0] = (uintptr_t)t;
	sp[1] = (uintptr_t)sim_task_main;
	sp[11] = (uintptr_t)sim_ctx_start;
	sp[20] = fpcr;
	c->sp = sp;
}
#else
typedef int sim_ctx_frame_unused; /* ucontext: see ctx_ucontext.c */
#endif
