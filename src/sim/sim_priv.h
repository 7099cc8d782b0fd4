/* Private to src/sim: the scheduler's objects, shared by its files
 * (sim.c life cycle, queue.c clock and event queue, task.c tasks and wait
 * queues, ctx_*.c/S the context switch, rand.c PRNG, trace.c trace log). */
#ifndef CHPSYNC_SIM_SIM_PRIV_H
#define CHPSYNC_SIM_SIM_PRIV_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/ctx.h"
#include "sim/sim.h"

#ifdef __SANITIZE_ADDRESS__
#define SIM_ASAN 1
#else
#define SIM_ASAN 0
#endif

struct sim_event {
	sim_time_t time;
	uint64_t key;
	uint64_t seq;
	sim_fn fn;
	void *arg;
	size_t idx;		       /* position in the heap, SIM_EV_NOW on the list of now */
	struct sim_event *prev, *next; /* on the list of now */
};

#define SIM_EV_NOW SIZE_MAX

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
	/* Events due now, scheduled with no delay while permutation is off:
	 * they come after everything already due now and in the order they
	 * were scheduled, so a list keeps them in (time, key, seq) order
	 * without heap work (most events of an I/O are of this kind). */
	struct sim_event *now_head, *now_tail;
	size_t nnow;
	/* The loop that runs events now (sim_run_until, sim_run_to, sim_run;
	 * none under sim_step alone): a task's sleep whose resume event would
	 * be the very next one that loop takes goes on without it
	 * (sim_resume_at). */
	enum { SIM_LOOP_NONE, SIM_LOOP_UNTIL, SIM_LOOP_TO, SIM_LOOP_ALL } loop;
	bool (*loop_done)(void *);
	void *loop_arg;
	sim_time_t loop_to;
	bool loop_asked; /* done() was asked about the next event already */
	bool loop_stop;	 /* ... and said stop */
	/* That resume event while done() is asked about it: pending
	 * (sim_pending, sim_next_time, sim_cancel see it), not queued. */
	struct sim_event *virt;
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
	void (*observer)(void *ctx, const struct sim_trace_rec *r);
	void *observer_ctx;

	struct sim_on_free *on_free, **on_free_tail; /* sim_on_free() */
};

struct sim_on_free {
	sim_fn fn;
	void *arg;
	struct sim_on_free *next;
};

/* Programming errors end the run with SIGABRT.  raise() first rather than
 * abort(): it is not noreturn, so ASan does not try to unwind-unpoison a
 * coroutine stack it cannot see the bounds of. */
static inline void sim_die(void)
{
	fflush(stderr);
	raise(SIGABRT);
	abort();
}

static inline void *sim_xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fprintf(stderr, "sim: out of memory\n");
		abort();
	}
	return p;
}

static inline void *sim_xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "sim: out of memory\n");
		abort();
	}
	return p;
}

/* splitmix64: seeds the PRNG (rand.c) and makes the permuted tie-break
 * keys (queue.c). */
static inline uint64_t sim_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* queue.c: end the run unless called outside every task; free the queue. */
void sim_no_task_context(const struct sim *sim, const char *fn);
void sim_queue_free(struct sim *sim);
/* The queue's order: (time, key, seq). */
static inline bool ev_before(const struct sim_event *a, const struct sim_event *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	if (a->key != b->key)
		return a->key < b->key;
	return a->seq < b->seq;
}

/* Stamp ev as scheduled now for now + delay (it takes its seq). */
static inline void ev_stamp(struct sim *sim, sim_time_t delay, struct sim_event *ev)
{
	ev->time = delay > UINT64_MAX - sim->now ? UINT64_MAX : sim->now + delay;
	ev->seq = sim->seq++;
	ev->key = 0;
	if (sim->permute) {
		uint64_t x = ev->seq ^ sim->seed;

		ev->key = sim_splitmix64(&x);
	}
}

/* Would the running loop take v (stamped just now) as its next event? */
static inline bool sim_next_for_loop(const struct sim *sim, const struct sim_event *v)
{
	if (sim->loop == SIM_LOOP_NONE || sim->virt || sim->now_head)
		return false; /* (the list of now holds older events due now) */
	if (sim->loop == SIM_LOOP_TO && v->time > sim->loop_to)
		return false;
	return !sim->nheap || ev_before(v, sim->heap[0]);
}

/* queue.c: queue the resume event fn(t) stamped in v (t->resume_ev is
 * its handle). */
void sim_resume_queue(struct sim *sim, struct sim_task *t, const struct sim_event *v, sim_fn fn);

/* Schedule the resume event of task t, fn(t) at now + delay, as sim_at()
 * does (t->resume_ev is the handle) and return false: the task switches
 * out.  But when that event would be the next one the running loop takes,
 * do what the loop does up to running it (ask its done() with the event
 * pending) and, when the loop would run it, move the clock to its time and
 * return true: the task goes on as if resumed.  When done() has cancelled
 * the event meanwhile (interrupting t), t->resume_ev is what resumes t
 * instead, and false is returned.
 *
 * A task's sleep is the commonest event there is (every system call of a
 * process costs simulated CPU time), and mostly nothing else is due before
 * it ends.  Queueing its resume event, switching to the scheduler and back
 * is then work without effect: the same events run in the same order with
 * the same seq numbers (so the same permuted tie-breaks), and the loop's
 * done() is asked the same questions in the same states.  Inline in the
 * sleeps of task.c: it is most of their work. */
static inline __attribute__((always_inline)) bool sim_resume_at(struct sim *sim, struct sim_task *t,
								sim_time_t delay, sim_fn fn)
{
	struct sim_event v;

	/* Only the order fields: the handler and argument matter once the
	 * event is queued (the pending event that done() may see or cancel
	 * is never run from v). */
	ev_stamp(sim, delay, &v);
	if (!sim_next_for_loop(sim, &v))
		goto queue;
	if (sim->loop == SIM_LOOP_UNTIL) {
		/* The loop asks done() before each event, outside every
		 * task, with the event pending. */
		struct sim_task *cur = sim->current;
		bool stop;

		sim->virt = &v;
		t->resume_ev = &v;
		sim->current = NULL;
		stop = sim->loop_done(sim->loop_arg);
		sim->current = cur;
		sim->loop_asked = true;
		sim->loop_stop = stop;
		if (!sim->virt)
			return false; /* cancelled: t->resume_ev resumes t */
		sim->virt = NULL;
		t->resume_ev = NULL;
		/* Still the next event unless done() scheduled another (each
		 * takes a seq; a cancel only ever leaves v ahead). */
		if (stop || (sim->seq != v.seq + 1 && !sim_next_for_loop(sim, &v)))
			goto queue;
		sim->loop_asked = false;
	}
	sim->now = v.time;
	return true;
queue:
	sim_resume_queue(sim, t, &v, fn);
	return false;
}

/* rand.c: seed the generator from the run's seed. */
void sim_rand_seed(struct sim *sim, uint64_t seed);
/* task.c: drop a task whether or not it finished; unlink: take it off the
 * wait queue it is on (not from sim_free: the queue's owner may be gone). */
void sim_task_destroy(struct sim *sim, struct sim_task *t, bool unlink);
/* trace.c: free the kept lines. */
void sim_trace_free(struct sim *sim);

#endif
