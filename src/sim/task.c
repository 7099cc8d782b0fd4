/* Tasks: coroutines on their own mmap'd stacks (the switch: ctx.h).  They
 * always run from the scheduler's stack (inside an event), and return to it
 * when they block or finish.  Wait queues and sleeping. */
#include "sim/sim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#include "sim/sim_priv.h"

#define TASK_STACK_SIZE (256 * 1024)

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
	sim_ctx_switch(&sim->sched_ctx, &t->ctx);
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
	sim_ctx_switch(&t->ctx, &sim->sched_ctx);
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

void sim_task_main(struct sim_task *t)
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
	sim_ctx_switch(&t->ctx, &sim->sched_ctx);
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
	sim_ctx_make(&t->ctx, t->map + page, TASK_STACK_SIZE, t);

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

/* Drop a task whether or not it finished: its pending wake-ups go too. */
void sim_task_destroy(struct sim *sim, struct sim_task *t, bool unlink)
{
	if (sim->current == t) {
		fprintf(stderr, "sim: task \"%s\" tried to free itself\n", t->name);
		sim_die();
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
		sim_task_destroy(t->sim, t, true);
}

/* Blocking is a programming error outside a task: there is no context to
 * return to, so fail loudly instead of corrupting the scheduler. */
static struct sim_task *need_task(struct sim *sim, const char *fn)
{
	if (!sim->current) {
		fprintf(stderr,
			"sim: %s() called outside a task (event handlers and the main program must not block)\n",
			fn);
		sim_die();
	}
	return sim->current;
}

void sim_sleep(struct sim *sim, sim_time_t ns)
{
	struct sim_task *t = need_task(sim, "sim_sleep");

	if (!sim_resume_at(sim, t, ns, task_run))
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
		if (w->timeout_ev) { /* (a sim_wait has none) */
			sim_cancel(sim, w->timeout_ev);
			w->timeout_ev = NULL;
		}
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

static inline __attribute__((always_inline)) int sleep_intr(struct sim *sim, struct sim_task *t,
							    sim_time_t ns)
{
	if (t->intr)
		return -EINTR;
	t->intr_wait = true;
	if (!sim_resume_at(sim, t, ns, task_run))
		task_switch_out(sim, t);
	t->intr_wait = false;
	return t->intr ? -EINTR : 0;
}

int sim_sleep_intr(struct sim *sim, sim_time_t ns)
{
	return sleep_intr(sim, need_task(sim, "sim_sleep_intr"), ns);
}

int sim_task_sleep_intr(struct sim_task *t, sim_time_t ns)
{
	struct sim *sim = t->sim;

	if (sim->current != t)
		return 0;
	return sleep_intr(sim, t, ns);
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
