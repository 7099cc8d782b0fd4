/* The task switch by ucontext: the fallback for machines without an
 * assembly switch, with a shadow stack, or built with -DSIM_UCONTEXT. */
#include "sim/ctx.h"

#if !SIM_ASM_SWITCH
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* swapcontext() without the libc call: ASan's swapcontext interceptor warns
 * on first use even when the switches are annotated, so save with
 * getcontext() and jump with setcontext().  `back` tells the second return
 * of getcontext() (when someone switches back to `from`) from the first. */
__attribute__((noinline)) void sim_ctx_switch(struct sim_ctx *from, const struct sim_ctx *to)
{
	volatile bool back = false;

	getcontext(&from->uc);
	if (back)
		return;
	back = true;
	setcontext(&to->uc);
	fprintf(stderr, "sim: setcontext failed\n");
	abort();
}

static void task_main_uc(unsigned hi, unsigned lo)
{
	sim_task_main((struct sim_task *)(((uintptr_t)hi << 32) | (uintptr_t)lo));
}

/* Kept noinline: getcontext() "returns twice" as far as the compiler
 * knows, which would pessimise the caller's locals. */
__attribute__((noinline)) void sim_ctx_make(struct sim_ctx *c, uint8_t *stack, size_t size,
					    struct sim_task *t)
{
	uintptr_t p = (uintptr_t)t;

	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, (void (*)(void))task_main_uc, 2, (unsigned)(p >> 32), (unsigned)p);
}
#else
typedef int sim_ctx_ucontext_unused; /* the assembly switch is in use */
#endif
