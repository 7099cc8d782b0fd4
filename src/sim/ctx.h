/* Task context switch (private to src/sim).
 *
 * glibc's swapcontext()/setcontext() save and restore the signal mask, a
 * rt_sigprocmask system call on every switch (four per host dd read, most
 * of its system time).  The tasks never change the signal mask, so on
 * x86-64 and aarch64 a switch is sim_ctx_swap() (ctx_x86_64.S,
 * ctx_aarch64.S; the first frame of a task: ctx_frame.c): the callee-saved
 * registers (and the floating-point control register(s)) go on the current
 * stack, its stack pointer into the old context, and the new context's
 * stack pointer is loaded and its registers taken back.  On other machines,
 * with a shadow stack (x86 CET, arm64 GCS), or when built with
 * -DSIM_UCONTEXT, ucontext does the switch (ctx_ucontext.c).
 *
 * This header is also read by the assembler: there only the choice of
 * switch (SIM_ASM_SWITCH) is visible. */
#ifndef CHPSYNC_SIM_CTX_H
#define CHPSYNC_SIM_CTX_H

#if defined(SIM_UCONTEXT)
#define SIM_ASM_SWITCH 0
#elif defined(__x86_64__) && !(defined(__CET__) && (__CET__ & 2))
#define SIM_ASM_SWITCH 1
#elif defined(__aarch64__) && !defined(__ARM_FEATURE_GCS_DEFAULT)
#define SIM_ASM_SWITCH 1
#else
#define SIM_ASM_SWITCH 0
#endif

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#if !SIM_ASM_SWITCH
#include <ucontext.h>
#endif

struct sim_task;

#if SIM_ASM_SWITCH
struct sim_ctx {
	void *sp; /* the saved registers are on the stack, from here up */
};
#else
struct sim_ctx {
	ucontext_t uc;
};
#endif

/* Where a new task starts (task.c): runs the task's function, marks it
 * done and switches back to the scheduler for good. */
void sim_task_main(struct sim_task *t);

/* Prepare c so that the first switch to it runs sim_task_main(t) on the
 * stack [stack, stack + size). */
void sim_ctx_make(struct sim_ctx *c, uint8_t *stack, size_t size, struct sim_task *t);

#if SIM_ASM_SWITCH
void sim_ctx_swap(void **from_sp, void *to_sp) __attribute__((visibility("hidden")));
void sim_ctx_start(void) __attribute__((visibility("hidden")));

/* Save the running context in from, continue in to. */
static inline void sim_ctx_switch(struct sim_ctx *from, const struct sim_ctx *to)
{
	sim_ctx_swap(&from->sp, to->sp);
}
#else
void sim_ctx_switch(struct sim_ctx *from, const struct sim_ctx *to);
#endif
#endif /* __ASSEMBLER__ */

#endif
