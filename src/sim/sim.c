/* The deterministic discrete-event core: see sim.h and docs/determinism.md.
 *
 * Events live in a binary min-heap ordered by (time, key, seq).  Tasks are
 * coroutines on their own mmap'd stacks (see "Task switches" below); they
 * always run from the scheduler's stack (inside an event), and return to it
 * when they block or finish.
 */
#include "sim/sim.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define SIM_ASAN 1
#else
#define SIM_ASAN 0
#endif

#define TASK_STACK_SIZE (256 * 1024)

/* Task switches.  glibc's swapcontext()/setcontext() save and restore the
 * signal mask, a rt_sigprocmask system call on every switch (four per host
 * dd read, most of its system time).  The tasks never change the signal
 * mask, so on x86-64 and aarch64 a switch is sim_ctx_swap() below: the
 * callee-saved registers (and the floating-point control register(s)) go
 * on the current stack, its stack pointer into the old context, and the new
 * context's stack pointer is loaded and its registers taken back.  On other
 * machines, with a shadow stack (x86 CET, arm64 GCS), or when built with
 * -DSIM_UCONTEXT, ucontext does the switch. */
#if defined(SIM_UCONTEXT)
#define SIM_ASM_SWITCH 0
#elif defined(__x86_64__) && !(defined(__CET__) && (__CET__ & 2))
#define SIM_ASM_SWITCH 1
#elif defined(__aarch64__) && !defined(__ARM_FEATURE_GCS_DEFAULT)
#define SIM_ASM_SWITCH 1
#else
#define SIM_ASM_SWITCH 0
#endif

#if SIM_ASM_SWITCH
struct sim_ctx {
	void *sp; /* the saved registers are on the stack, from here up */
};
#else
struct sim_ctx {
	ucontext_t uc;
};
#endif

struct sim_event {
	sim_time_t time;
	uint64_t key;
	uint64_t seq;
	sim_fn fn;
	void *arg;
	size_t idx; /* position in the heap */
};

/* One per task: a task waits on at most one queue at a time. */
struct sim_waiter {
	struct sim_task *task;
	struct sim_waiter *prev, *next;
	struct sim_waitq *wq;
	struct sim_event *timeout_ev;
	bool woken;
};

struct sim_task {
	struct sim *sim;
	char *name;
	sim_fn fn;
	void *arg;
	void *data;
	int exit_code;
	bool done;
	bool intr;	/* interrupted (sim_task_interrupt) */
	bool intr_wait; /* blocked in an interruptible wait */
	struct sim_ctx ctx;
	uint8_t *map; /* guard page + stack, NULL once released */
	size_t map_size;
	struct sim_event *resume_ev;
	struct sim_waiter waiter;
	struct sim_task *prev, *next; /* all tasks of the sim */
	void *fake_stack;	      /* ASan fiber bookkeeping */
};

struct sim {
	uint64_t seed;
	bool permute;
	sim_time_t now;
	uint64_t seq;
	struct sim_event **heap;
	size_t nheap, capheap;
	/* Spent event handles kept for reuse: a malloc/free pair per event
	 * is a large part of an event's cost.  Off under ASan, so that a
	 * stale handle still shows up as a use after free. */
	struct sim_event *free_ev;
	uint64_t rng[4];

	struct sim_task *current;
	struct sim_task *tasks;
	struct sim_ctx sched_ctx;
	void *sched_fake_stack;
	const void *sched_stack_bottom;
	size_t sched_stack_size;

	char **lines;
	size_t nlines, caplines;
	bool keep;
	FILE *trace_file;
};

/* Programming errors end the run with SIGABRT.  raise() first rather than
 * abort(): it is not noreturn, so ASan does not try to unwind-unpoison a
 * coroutine stack it cannot see the bounds of. */
static void die(void)
{
	fflush(stderr);
	raise(SIGABRT);
	abort();
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fprintf(stderr, "sim: out of memory\n");
		abort();
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "sim: out of memory\n");
		abort();
	}
	return p;
}

/* ---- PRNG ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rand(struct sim *sim)
{
	uint64_t *s = sim->rng;
	uint64_t r = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Rejection sampling, so every value is equally likely. */
uint64_t sim_rand_below(struct sim *sim, uint64_t n)
{
	uint64_t floor, r;

	if (n == 0)
		return 0;
	floor = -n % n;
	do
		r = sim_rand(sim);
	while (r < floor);
	return r % n;
}

/* ---- life cycle ---- */

struct sim *sim_new(uint64_t seed)
{
	struct sim *sim = calloc(1, sizeof(*sim));
	uint64_t x = seed;

	if (!sim)
		return NULL;
	sim->seed = seed;
	sim->keep = true;
	for (int i = 0; i < 4; i++)
		sim->rng[i] = splitmix64(&x);
	return sim;
}

uint64_t sim_seed(const struct sim *sim)
{
	return sim->seed;
}

void sim_set_permute(struct sim *sim, bool on)
{
	sim->permute = on;
}

sim_time_t sim_now(const struct sim *sim)
{
	return sim->now;
}

static void no_task_context(const struct sim *sim, const char *fn)
{
	if (sim->current) {
		fprintf(stderr,
			"sim: %s() called from task \"%s\"; only the main program may run the scheduler\n",
			fn, sim->current->name);
		die();
	}
}

/* ---- event heap ---- */

static bool ev_before(const struct sim_event *a, const struct sim_event *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	if (a->key != b->key)
		return a->key < b->key;
	return a->seq < b->seq;
}

static void heap_set(struct sim *sim, size_t i, struct sim_event *ev)
{
	sim->heap[i] = ev;
	ev->idx = i;
}

static void sift_up(struct sim *sim, size_t i)
{
	struct sim_event *ev = sim->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ev_before(ev, sim->heap[parent]))
			break;
		heap_set(sim, i, sim->heap[parent]);
		i = parent;
	}
	heap_set(sim, i, ev);
}

static void sift_down(struct sim *sim, size_t i)
{
	struct sim_event *ev = sim->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct sim_event *best = ev;

		if (l < sim->nheap && ev_before(sim->heap[l], best)) {
			m = l;
			best = sim->heap[l];
		}
		if (r < sim->nheap && ev_before(sim->heap[r], best))
			m = r;
		if (m == i)
			break;
		heap_set(sim, i, sim->heap[m]);
		i = m;
	}
	heap_set(sim, i, ev);
}

static void heap_remove(struct sim *sim, size_t i)
{
	struct sim_event *last = sim->heap[--sim->nheap];

	if (i == sim->nheap)
		return;
	heap_set(sim, i, last);
	sift_down(sim, i);
	sift_up(sim, last->idx);
}

static struct sim_event *ev_alloc(struct sim *sim)
{
	struct sim_event *ev = sim->free_ev;

	if (!ev)
		return xmalloc(sizeof(*ev));
	sim->free_ev = ev->arg;
	return ev;
}

/* The free list is linked through `arg`. */
static void ev_release(struct sim *sim, struct sim_event *ev)
{
	if (SIM_ASAN) {
		free(ev);
		return;
	}
	ev->fn = NULL;
	ev->arg = sim->free_ev;
	sim->free_ev = ev;
}

struct sim_event *sim_at(struct sim *sim, sim_time_t delay, sim_fn fn, void *arg)
{
	struct sim_event *ev = ev_alloc(sim);

	ev->time = delay > UINT64_MAX - sim->now ? UINT64_MAX : sim->now + delay;
	ev->seq = sim->seq++;
	ev->key = 0;
	if (sim->permute) {
		uint64_t x = ev->seq ^ sim->seed;

		ev->key = splitmix64(&x);
	}
	ev->fn = fn;
	ev->arg = arg;
	if (sim->nheap == sim->capheap) {
		sim->capheap = sim->capheap ? 2 * sim->capheap : 64;
		sim->heap = xrealloc(sim->heap, sim->capheap * sizeof(*sim->heap));
	}
	sim->nheap++;
	heap_set(sim, sim->nheap - 1, ev);
	sift_up(sim, sim->nheap - 1);
	return ev;
}

void sim_cancel(struct sim *sim, struct sim_event *ev)
{
	if (!ev)
		return;
	heap_remove(sim, ev->idx);
	ev_release(sim, ev);
}

size_t sim_pending(const struct sim *sim)
{
	return sim->nheap;
}

bool sim_next_is_mine(const struct sim *sim)
{
	return !sim->permute && (!sim->nheap || sim->heap[0]->time > sim->now);
}

bool sim_step(struct sim *sim)
{
	struct sim_event *ev;
	sim_fn fn;
	void *arg;

	no_task_context(sim, "sim_step");
	if (!sim->nheap)
		return false;
	ev = sim->heap[0];
	heap_remove(sim, 0);
	sim->now = ev->time;
	fn = ev->fn;
	arg = ev->arg;
	/* The handle dies before the handler runs: it may schedule anew. */
	ev_release(sim, ev);
	fn(arg);
	return true;
}

bool sim_run_until(struct sim *sim, bool (*done)(void *), void *arg)
{
	no_task_context(sim, "sim_run_until");
	for (;;) {
		if (done(arg))
			return true;
		if (!sim_step(sim))
			return done(arg);
	}
}

void sim_run(struct sim *sim)
{
	no_task_context(sim, "sim_run");
	while (sim_step(sim))
		;
}

void sim_run_to(struct sim *sim, sim_time_t t)
{
	no_task_context(sim, "sim_run_to");
	while (sim->nheap && sim->heap[0]->time <= t)
		sim_step(sim);
	if (sim->now < t)
		sim->now = t;
}

/* ---- tasks ---- */

static void task_main(struct sim_task *t);

#if SIM_ASM_SWITCH
void sim_ctx_swap(void **from_sp, void *to_sp) __attribute__((visibility("hidden")));
void sim_ctx_start(void) __attribute__((visibility("hidden")));

static void ctx_switch(struct sim_ctx *from, const struct sim_ctx *to)
{
	sim_ctx_swap(&from->sp, to->sp);
}
#endif

#if SIM_ASM_SWITCH && defined(__x86_64__)
/* sim_ctx_swap(&from->sp, to->sp): push rbp rbx r12-r15 and the x87/SSE
 * control words, save rsp, load the other rsp, pop the same and return
 * there.  sim_ctx_start: where a new task's first switch returns to; it
 * calls task_main(rbx) (r12 holds task_main) with rsp 16-byte aligned, as
 * the ABI wants before a call. */
__asm__(".pushsection .text\n"
	".p2align 4\n"
	".globl sim_ctx_swap\n"
	".hidden sim_ctx_swap\n"
	".type sim_ctx_swap, @function\n"
	"sim_ctx_swap:\n"
	"\tpushq %rbp\n"
	"\tpushq %rbx\n"
	"\tpushq %r12\n"
	"\tpushq %r13\n"
	"\tpushq %r14\n"
	"\tpushq %r15\n"
	"\tsubq $8, %rsp\n"
	"\tstmxcsr 4(%rsp)\n"
	"\tfnstcw (%rsp)\n"
	"\tmovq %rsp, (%rdi)\n"
	"\tmovq %rsi, %rsp\n"
	"\tfldcw (%rsp)\n"
	"\tldmxcsr 4(%rsp)\n"
	"\taddq $8, %rsp\n"
	"\tpopq %r15\n"
	"\tpopq %r14\n"
	"\tpopq %r13\n"
	"\tpopq %r12\n"
	"\tpopq %rbx\n"
	"\tpopq %rbp\n"
	"\tret\n"
	".size sim_ctx_swap, .-sim_ctx_swap\n"
	".p2align 4\n"
	".globl sim_ctx_start\n"
	".hidden sim_ctx_start\n"
	".type sim_ctx_start, @function\n"
	"sim_ctx_start:\n"
	"\tmovq %rbx, %rdi\n"
	"\tcall *%r12\n"
	"\tud2\n"
	".size sim_ctx_start, .-sim_ctx_start\n"
	".popsection\n");

/* The frame sim_ctx_swap() pops on the first switch to t: control words,
 * r15..r12, rbx, rbp, return address (sim_ctx_start), at the top of the
 * stack so that rsp is 16-byte aligned when sim_ctx_start runs. */
static void ctx_make(struct sim_ctx *c, uint8_t *stack, size_t size, struct sim_task *t)
{
	uint64_t *sp = (uint64_t *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
	uint32_t mxcsr;
	uint16_t fpucw;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fpucw));
	*--sp = (uintptr_t)sim_ctx_start;
	*--sp = 0;		      /* rbp: the end of the frame chain */
	*--sp = (uintptr_t)t;	      /* rbx */
	*--sp = (uintptr_t)task_main; /* r12 */
	*--sp = 0;		      /* r13 */
	*--sp = 0;		      /* r14 */
	*--sp = 0;		      /* r15 */
	*--sp = (uint64_t)mxcsr << 32 | fpucw;
	c->sp = sp;
}
#elif SIM_ASM_SWITCH && defined(__aarch64__)
/* sim_ctx_swap(&from->sp, to->sp): x19-x30, d8-d15 and FPCR into a 176-byte
 * frame on the current stack, save sp, load the other sp, load the same
 * and return to its x30.  sim_ctx_start: where a new task's first switch
 * returns to; it calls task_main(x19) (x20 holds task_main).  "hint 34" is
 * BTI C, a no-op where branch protection is off. */
#define SIM_A64_FRAME 176
__asm__(".pushsection .text\n"
	".p2align 4\n"
	".globl sim_ctx_swap\n"
	".hidden sim_ctx_swap\n"
	".type sim_ctx_swap, %function\n"
	"sim_ctx_swap:\n"
	"\thint 34\n"
	"\tsub sp, sp, #176\n"
	"\tstp x19, x20, [sp, #0]\n"
	"\tstp x21, x22, [sp, #16]\n"
	"\tstp x23, x24, [sp, #32]\n"
	"\tstp x25, x26, [sp, #48]\n"
	"\tstp x27, x28, [sp, #64]\n"
	"\tstp x29, x30, [sp, #80]\n"
	"\tstp d8, d9, [sp, #96]\n"
	"\tstp d10, d11, [sp, #112]\n"
	"\tstp d12, d13, [sp, #128]\n"
	"\tstp d14, d15, [sp, #144]\n"
	"\tmrs x9, fpcr\n"
	"\tstr x9, [sp, #160]\n"
	"\tmov x9, sp\n"
	"\tstr x9, [x0]\n"
	"\tmov sp, x1\n"
	"\tldp x19, x20, [sp, #0]\n"
	"\tldp x21, x22, [sp, #16]\n"
	"\tldp x23, x24, [sp, #32]\n"
	"\tldp x25, x26, [sp, #48]\n"
	"\tldp x27, x28, [sp, #64]\n"
	"\tldp x29, x30, [sp, #80]\n"
	"\tldp d8, d9, [sp, #96]\n"
	"\tldp d10, d11, [sp, #112]\n"
	"\tldp d12, d13, [sp, #128]\n"
	"\tldp d14, d15, [sp, #144]\n"
	"\tldr x9, [sp, #160]\n"
	"\tmsr fpcr, x9\n"
	"\tadd sp, sp, #176\n"
	"\tret\n"
	".size sim_ctx_swap, .-sim_ctx_swap\n"
	".p2align 4\n"
	".globl sim_ctx_start\n"
	".hidden sim_ctx_start\n"
	".type sim_ctx_start, %function\n"
	"sim_ctx_start:\n"
	"\thint 34\n"
	"\tmov x0, x19\n"
	"\tblr x20\n"
	"\tbrk #0\n"
	".size sim_ctx_start, .-sim_ctx_start\n"
	".popsection\n");

/* The frame sim_ctx_swap() loads on the first switch to t, at the top of
 * the stack (sp stays 16-byte aligned): x19 = t, x20 = task_main, x29 = 0
 * (the end of the frame chain), x30 = sim_ctx_start, FPCR as now. */
static void ctx_make(struct sim_ctx *c, uint8_t *stack, size_t size, struct sim_task *t)
{
	uint64_t *sp = (uint64_t *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
	uint64_t fpcr;

	sp -= SIM_A64_FRAME / 8;
	memset(sp, 0, SIM_A64_FRAME);
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	sp[0] = (uintptr_t)t;
	sp[1] = (uintptr_t)task_main;
	sp[11] = (uintptr_t)sim_ctx_start;
	sp[20] = fpcr;
	c->sp = sp;
}
#else
/* swapcontext() without the libc call: ASan's swapcontext interceptor warns
 * on first use even when the switches are annotated, so save with
 * getcontext() and jump with setcontext().  `back` tells the second return
 * of getcontext() (when someone switches back to `from`) from the first. */
static __attribute__((noinline)) void ctx_switch(struct sim_ctx *from, const struct sim_ctx *to)
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
	task_main((struct sim_task *)(((uintptr_t)hi << 32) | (uintptr_t)lo));
}

/* Kept noinline: getcontext() "returns twice" as far as the compiler
 * knows, which would pessimise the caller's locals. */
static __attribute__((noinline)) void ctx_make(struct sim_ctx *c, uint8_t *stack, size_t size,
					       struct sim_task *t)
{
	uintptr_t p = (uintptr_t)t;

	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, (void (*)(void))task_main_uc, 2, (unsigned)(p >> 32), (unsigned)p);
}
#endif

static void task_release_stack(struct sim_task *t)
{
	if (!t->map)
		return;
#if SIM_ASAN
	/* Frames left on the stack keep their redzones poisoned; clear them
	 * so a later mapping at the same address starts clean. */
	__asan_unpoison_memory_region(t->map, t->map_size);
#endif
	munmap(t->map, t->map_size);
	t->map = NULL;
}

/* Scheduler side: run t until it blocks or finishes. */
static void task_switch_in(struct sim *sim, struct sim_task *t)
{
	sim->current = t;
#if SIM_ASAN
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	__sanitizer_start_switch_fiber(&sim->sched_fake_stack, t->map + page, t->map_size - page);
#endif
	ctx_switch(&sim->sched_ctx, &t->ctx);
#if SIM_ASAN
	__sanitizer_finish_switch_fiber(sim->sched_fake_stack, NULL, NULL);
#endif
	sim->current = NULL;
	if (t->done)
		task_release_stack(t);
}

/* Task side: give control back to the scheduler until resumed. */
static void task_switch_out(struct sim *sim, struct sim_task *t)
{
#if SIM_ASAN
	__sanitizer_start_switch_fiber(&t->fake_stack, sim->sched_stack_bottom,
				       sim->sched_stack_size);
#endif
	ctx_switch(&t->ctx, &sim->sched_ctx);
#if SIM_ASAN
	__sanitizer_finish_switch_fiber(t->fake_stack, &sim->sched_stack_bottom,
					&sim->sched_stack_size);
#endif
}

static void task_run(void *arg)
{
	struct sim_task *t = arg;

	t->resume_ev = NULL;
	task_switch_in(t->sim, t);
}

static void task_main(struct sim_task *t)
{
	struct sim *sim = t->sim;

#if SIM_ASAN
	__sanitizer_finish_switch_fiber(NULL, &sim->sched_stack_bottom, &sim->sched_stack_size);
#endif
	t->fn(t->arg);
	t->done = true;
#if SIM_ASAN
	/* NULL: this fiber is finished, its fake stack may go. */
	__sanitizer_start_switch_fiber(NULL, sim->sched_stack_bottom, sim->sched_stack_size);
#endif
	/* Nothing switches back to a finished task. */
	ctx_switch(&t->ctx, &sim->sched_ctx);
	abort();
}

struct sim_task *sim_task_spawn(struct sim *sim, const char *name, sim_fn fn, void *arg)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct sim_task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->sim = sim;
	t->name = strdup(name ? name : "task");
	t->fn = fn;
	t->arg = arg;
	t->waiter.task = t;
	t->map_size = TASK_STACK_SIZE + page;
	t->map = mmap(NULL, t->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (t->map == MAP_FAILED || !t->name) {
		if (t->map != MAP_FAILED)
			munmap(t->map, t->map_size);
		free(t->name);
		free(t);
		return NULL;
	}
	/* Guard page below the stack: an overflow faults instead of
	 * scribbling over a neighbour. */
	mprotect(t->map, page, PROT_NONE);
#if SIM_ASAN
	/* A fresh mapping may sit where an old stack left shadow poison. */
	__asan_unpoison_memory_region(t->map + page, TASK_STACK_SIZE);
#endif
	ctx_make(&t->ctx, t->map + page, TASK_STACK_SIZE, t);

	t->next = sim->tasks;
	if (sim->tasks)
		sim->tasks->prev = t;
	sim->tasks = t;
	t->resume_ev = sim_at(sim, 0, task_run, t);
	return t;
}

bool sim_task_done(const struct sim_task *t)
{
	return t->done;
}

int sim_task_exit(const struct sim_task *t)
{
	return t->exit_code;
}

void sim_task_set_exit(struct sim_task *t, int code)
{
	t->exit_code = code;
}

const char *sim_task_name(const struct sim_task *t)
{
	return t->name;
}

struct sim_task *sim_current(const struct sim *sim)
{
	return sim->current;
}

void sim_task_set_data(struct sim_task *t, void *data)
{
	t->data = data;
}

void *sim_task_data(const struct sim_task *t)
{
	return t->data;
}

static void waiter_unlink(struct sim_waiter *w)
{
	struct sim_waitq *wq = w->wq;

	if (!wq)
		return;
	if (w->prev)
		w->prev->next = w->next;
	else
		wq->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		wq->tail = w->prev;
	w->prev = w->next = NULL;
	w->wq = NULL;
}

/* Drop a task whether or not it finished: its pending wake-ups go too,
 * and (unlink) its place on the queue it waits on. */
static void task_destroy(struct sim *sim, struct sim_task *t, bool unlink)
{
	if (sim->current == t) {
		fprintf(stderr, "sim: task \"%s\" tried to free itself\n", t->name);
		die();
	}
	sim_cancel(sim, t->resume_ev);
	sim_cancel(sim, t->waiter.timeout_ev);
	if (unlink)
		waiter_unlink(&t->waiter);
	task_release_stack(t);
	if (t->prev)
		t->prev->next = t->next;
	else
		sim->tasks = t->next;
	if (t->next)
		t->next->prev = t->prev;
	free(t->name);
	free(t);
}

void sim_task_free(struct sim_task *t)
{
	if (t)
		task_destroy(t->sim, t, true);
}

/* Blocking is a programming error outside a task: there is no context to
 * return to, so fail loudly instead of corrupting the scheduler. */
static struct sim_task *need_task(struct sim *sim, const char *fn)
{
	if (!sim->current) {
		fprintf(stderr,
			"sim: %s() called outside a task (event handlers and the main program must not block)\n",
			fn);
		die();
	}
	return sim->current;
}

void sim_sleep(struct sim *sim, sim_time_t ns)
{
	struct sim_task *t = need_task(sim, "sim_sleep");

	t->resume_ev = sim_at(sim, ns, task_run, t);
	task_switch_out(sim, t);
}

static void waitq_add(struct sim_waitq *wq, struct sim_waiter *w)
{
	w->wq = wq;
	w->woken = false;
	w->next = NULL;
	w->prev = wq->tail;
	if (wq->tail)
		wq->tail->next = w;
	else
		wq->head = w;
	wq->tail = w;
}

void sim_wait(struct sim *sim, struct sim_waitq *wq)
{
	struct sim_task *t = need_task(sim, "sim_wait");

	waitq_add(wq, &t->waiter);
	task_switch_out(sim, t);
}

static void wait_timed_out(void *arg)
{
	struct sim_task *t = arg;

	t->waiter.timeout_ev = NULL;
	waiter_unlink(&t->waiter);
	t->waiter.woken = false;
	task_switch_in(t->sim, t);
}

bool sim_wait_timeout(struct sim *sim, struct sim_waitq *wq, sim_time_t timeout)
{
	struct sim_task *t = need_task(sim, "sim_wait_timeout");

	waitq_add(wq, &t->waiter);
	t->waiter.timeout_ev = sim_at(sim, timeout, wait_timed_out, t);
	task_switch_out(sim, t);
	return t->waiter.woken;
}

void sim_wake(struct sim *sim, struct sim_waitq *wq)
{
	while (wq->head) {
		struct sim_waiter *w = wq->head;
		struct sim_task *t = w->task;

		waiter_unlink(w);
		w->woken = true;
		sim_cancel(sim, w->timeout_ev);
		w->timeout_ev = NULL;
		t->resume_ev = sim_at(sim, 0, task_run, t);
	}
}

/* ---- interrupts ---- */

void sim_task_interrupt(struct sim_task *t)
{
	struct sim *sim = t->sim;

	if (t->done)
		return;
	t->intr = true;
	if (!t->intr_wait)
		return;
	/* Take it off its queue or its timer and let it run now. */
	waiter_unlink(&t->waiter);
	sim_cancel(sim, t->waiter.timeout_ev);
	t->waiter.timeout_ev = NULL;
	sim_cancel(sim, t->resume_ev);
	t->intr_wait = false;
	t->resume_ev = sim_at(sim, 0, task_run, t);
}

bool sim_task_interrupted(const struct sim_task *t)
{
	return t->intr;
}

int sim_sleep_intr(struct sim *sim, sim_time_t ns)
{
	struct sim_task *t = need_task(sim, "sim_sleep_intr");

	if (t->intr)
		return -EINTR;
	t->intr_wait = true;
	t->resume_ev = sim_at(sim, ns, task_run, t);
	task_switch_out(sim, t);
	t->intr_wait = false;
	return t->intr ? -EINTR : 0;
}

int sim_wait_intr(struct sim *sim, struct sim_waitq *wq)
{
	struct sim_task *t = need_task(sim, "sim_wait_intr");

	if (t->intr)
		return -EINTR;
	t->intr_wait = true;
	waitq_add(wq, &t->waiter);
	task_switch_out(sim, t);
	t->intr_wait = false;
	return t->intr && !t->waiter.woken ? -EINTR : 0;
}

/* ---- trace ---- */

void sim_trace(struct sim *sim, const char *who, const char *fmt, ...)
{
	char head[64], *msg, *line;
	va_list ap;
	int n;
	size_t len;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);

	snprintf(head, sizeof(head), "%llu ", (unsigned long long)sim->now);
	who = who ? who : "-";
	len = strlen(head) + strlen(who) + 2 + (size_t)n + 1;
	line = xmalloc(len);
	snprintf(line, len, "%s%s: %s", head, who, msg);
	free(msg);

	if (sim->trace_file) {
		fputs(line, sim->trace_file);
		fputc('\n', sim->trace_file);
	}
	if (!sim->keep) {
		free(line);
		return;
	}
	if (sim->nlines == sim->caplines) {
		sim->caplines = sim->caplines ? 2 * sim->caplines : 256;
		sim->lines = xrealloc(sim->lines, sim->caplines * sizeof(*sim->lines));
	}
	sim->lines[sim->nlines++] = line;
}

bool sim_tracing(const struct sim *sim)
{
	return sim->keep || sim->trace_file;
}

void sim_trace_to(struct sim *sim, FILE *f)
{
	sim->trace_file = f;
}

void sim_trace_keep(struct sim *sim, bool keep)
{
	sim->keep = keep;
}

size_t sim_trace_count(const struct sim *sim)
{
	return sim->nlines;
}

const char *sim_trace_line(const struct sim *sim, size_t i)
{
	return i < sim->nlines ? sim->lines[i] : NULL;
}

void sim_free(struct sim *sim)
{
	if (!sim)
		return;
	no_task_context(sim, "sim_free");
	/* The queues of tasks still waiting belong to objects freed before
	 * the scheduler: leave them alone. */
	while (sim->tasks)
		task_destroy(sim, sim->tasks, false);
	for (size_t i = 0; i < sim->nheap; i++)
		free(sim->heap[i]);
	free(sim->heap);
	while (sim->free_ev) {
		struct sim_event *ev = sim->free_ev;

		sim->free_ev = ev->arg;
		free(ev);
	}
	for (size_t i = 0; i < sim->nlines; i++)
		free(sim->lines[i]);
	free(sim->lines);
	free(sim);
}
