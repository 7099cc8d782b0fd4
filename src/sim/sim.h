/* The deterministic discrete-event core: simulated clock, event queue, seeded
 * PRNG, tasks (processes that can block), trace log.
 *
 * One `struct sim` per world.  Nothing here reads the wall clock or creates
 * threads.  A run is a pure function of its inputs and the seed.
 *
 * Events: sim_at() schedules fn(arg) `delay` ns from now.  Events run in order
 * of (time, tie-break key, sequence number).  With tie-break permutation off
 * (the default) the key is 0, so equal-time events run in the order they were
 * scheduled (FIFO).  With sim_set_permute(sim, true) the key is a hash of the
 * event's sequence number and the seed, so each seed explores one
 * interleaving of equal-time events, reproducibly.
 *
 * Tasks: coroutines with their own stacks (switched by a small register-
 * saving routine on x86-64 and aarch64, by ucontext elsewhere) for code that
 * blocks in the middle: a shell command, a sysfs write that waits for a
 * channel program, `sleep`.
 * Only a task may call sim_sleep()/sim_wait(); event handlers (interrupt
 * handlers, device completions) must never block.  A task that blocks returns
 * control to the scheduler; it resumes from an event, so resumption order is
 * deterministic as well.
 */
#ifndef CHPSYNC_SIM_SIM_H
#define CHPSYNC_SIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t sim_time_t; /* nanoseconds of simulated time */

#define SIM_US 1000ull
#define SIM_MS 1000000ull
#define SIM_S  1000000000ull

struct sim;
struct sim_event;
struct sim_task;

typedef void (*sim_fn)(void *arg);

struct sim *sim_new(uint64_t seed);
/* Frees the scheduler, its pending events and its tasks.  Tasks that still
 * wait are dropped without touching the wait queues they are on: those
 * belong to objects that are gone by now (free everything that tasks may
 * wait on first, or end the tasks). */
void sim_free(struct sim *sim);
/* Call fn(arg) from sim_free(), once the tasks are gone and before the
 * event queue goes: the last word of an object that tasks may be blocked
 * in until the end of the run.  Callbacks run in the order registered.
 * 0, or -1 when out of memory (then nothing is registered). */
int sim_on_free(struct sim *sim, sim_fn fn, void *arg);
uint64_t sim_seed(const struct sim *sim);
void sim_set_permute(struct sim *sim, bool on);

sim_time_t sim_now(const struct sim *sim);

/* Schedule fn(arg) at now + delay.  The returned handle is valid until the
 * event has run or been cancelled. */
struct sim_event *sim_at(struct sim *sim, sim_time_t delay, sim_fn fn, void *arg);
/* Cancel a pending event (no-op for NULL). */
void sim_cancel(struct sim *sim, struct sim_event *ev);

/* Run the next event; false when the queue is empty. */
bool sim_step(struct sim *sim);
/* Run events until done(arg) is true (checked before each event) or the
 * queue is empty.  Returns done(arg).  Must not be called from a task. */
bool sim_run_until(struct sim *sim, bool (*done)(void *), void *arg);
/* Run until the queue is empty. */
void sim_run(struct sim *sim);
/* Run all events up to and including time t (then the clock reads t). */
void sim_run_to(struct sim *sim, sim_time_t t);
size_t sim_pending(const struct sim *sim);
/* Time of the next pending event in *t; false when the queue is empty (a
 * service pacing the world to wall time sleeps until then). */
bool sim_next_time(const struct sim *sim, sim_time_t *t);
/* True when an event scheduled now with zero delay would be the next to
 * run: permutation is off and no pending event is due at the current time.
 * An event handler may then do that work at once instead of scheduling it
 * (same order of effects, one event less). */
bool sim_next_is_mine(const struct sim *sim);

/* Seeded PRNG (xoshiro256** seeded by splitmix64 from the run's seed). */
uint64_t sim_rand(struct sim *sim);
/* Uniform in [0, n), n > 0. */
uint64_t sim_rand_below(struct sim *sim, uint64_t n);

/* ---- tasks ---- */

/* Create a task that starts running fn(arg) from an event at the current
 * time.  When fn returns the task is finished; its exit value is what fn
 * stored with sim_task_set_exit() (0 by default). */
struct sim_task *sim_task_spawn(struct sim *sim, const char *name, sim_fn fn, void *arg);
bool sim_task_done(const struct sim_task *t);
int sim_task_exit(const struct sim_task *t);
void sim_task_set_exit(struct sim_task *t, int code);
const char *sim_task_name(const struct sim_task *t);
/* Free a finished task (tasks are not freed automatically). */
void sim_task_free(struct sim_task *t);
/* The running task, or NULL in event context. */
struct sim_task *sim_current(const struct sim *sim);
/* Per-task user pointer (e.g. the process the task runs). */
void sim_task_set_data(struct sim_task *t, void *data);
void *sim_task_data(const struct sim_task *t);

/* Block the current task for `ns` of simulated time. */
void sim_sleep(struct sim *sim, sim_time_t ns);

/* Wait queue: a task blocks in sim_wait() until sim_wake() is called on the
 * queue (from an event or another task).  Always re-check the condition:
 *     while (!cond) sim_wait(sim, &wq);
 */
struct sim_waitq {
	struct sim_waiter *head, *tail;
};
#define SIM_WAITQ_INIT     \
	{                  \
		NULL, NULL \
	}
void sim_wait(struct sim *sim, struct sim_waitq *wq);
/* Like sim_wait() but gives up after `timeout` ns; returns false on timeout. */
bool sim_wait_timeout(struct sim *sim, struct sim_waitq *wq, sim_time_t timeout);
/* Make every task waiting on wq runnable (they resume from events at now). */
void sim_wake(struct sim *sim, struct sim_waitq *wq);

/* ---- interrupting a task (what a signal is to a process) ----
 *
 * sim_sleep(), sim_wait() and sim_wait_timeout() are uninterruptible
 * (Linux's TASK_UNINTERRUPTIBLE: a signal waits until they are over).  The
 * _intr forms are interruptible: they return -EINTR at once when the task
 * is interrupted while it waits, or already was.  An interrupt stays
 * pending for the rest of the task's life: a task that has been told to
 * stop never blocks interruptibly again. */
void sim_task_interrupt(struct sim_task *t);
bool sim_task_interrupted(const struct sim_task *t);
/* 0 after the whole sleep, -EINTR when interrupted. */
int sim_sleep_intr(struct sim *sim, sim_time_t ns);
/* The same for task t when it is the running task; called from anywhere
 * else (an event, another task) it returns 0 at once and no time passes
 * (a process's CPU time, charged only in its own task). */
int sim_task_sleep_intr(struct sim_task *t, sim_time_t ns);
/* 0 when woken by sim_wake(), -EINTR when interrupted. */
int sim_wait_intr(struct sim *sim, struct sim_waitq *wq);

/* ---- trace log of world events ---- */

/* Record "<time> <who>: <message>".  Kept in memory (for tests) and, when a
 * file is set, written there as it happens. */
void sim_trace(struct sim *sim, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same line from a trace point that also names what happened: `kind` a
 * short word of the layer's own ("crw", "chp", ...) and up to two numbers
 * whose meaning the kind defines (docs/timeline.md lists them). */
void sim_trace_ev(struct sim *sim, const char *who, const char *kind, uint64_t a, uint64_t b,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A world event as an observer gets it: the line's parts, kind NULL (and
 * a, b zero) for a plain sim_trace() line. */
struct sim_trace_rec {
	sim_time_t time;
	const char *who;
	const char *kind;
	uint64_t a, b;
	const char *text;
};
/* One observer per sim (NULL removes it); it is called for every trace line
 * as it happens, whether lines are kept or written, and must not touch the
 * scheduler.  With an observer, sim_tracing() is true. */
void sim_trace_observe(struct sim *sim, void (*fn)(void *ctx, const struct sim_trace_rec *r),
		       void *ctx);
void sim_trace_to(struct sim *sim, FILE *f);
/* Stop keeping lines in memory (long runs, benchmarks). */
void sim_trace_keep(struct sim *sim, bool keep);
size_t sim_trace_count(const struct sim *sim);
/* True when trace lines are kept in memory or written to a file (callers
 * may skip formatting otherwise). */
bool sim_tracing(const struct sim *sim);
const char *sim_trace_line(const struct sim *sim, size_t i);

#endif
