/* The simulated clock and the event queue: a binary min-heap ordered by
 * (time, key, seq), see sim.h for the tie-break; and beside it the list of
 * events due now that were scheduled with no delay while permutation is
 * off (FIFO: each has key 0 and a larger seq than every event before it,
 * so the list is in order and the next event is the lesser of its head
 * and the heap's top). */
#include "sim/sim.h"

#include <stdlib.h>

#include "sim/sim_priv.h"

void sim_set_permute(struct sim *sim, bool on)
{
	sim->permute = on;
}

sim_time_t sim_now(const struct sim *sim)
{
	return sim->now;
}

void sim_no_task_context(const struct sim *sim, const char *fn)
{
	if (sim->current) {
		fprintf(stderr,
			"sim: %s() called from task \"%s\"; only the main program may run the scheduler\n",
			fn, sim->current->name);
		sim_die();
	}
}

static inline void heap_set(struct sim *sim, size_t i, struct sim_event *ev)
{
	sim->heap[i] = ev;
	ev->idx = i;
}

/* Put ev into the hole at i, moving it up past the events it comes
 * before. */
static inline void sift_up(struct sim *sim, size_t i, struct sim_event *ev)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		struct sim_event *p = sim->heap[parent];

		if (!ev_before(ev, p))
			break;
		heap_set(sim, i, p);
		i = parent;
	}
	heap_set(sim, i, ev);
}

/* Put ev into the hole at i, moving it down past the events that come
 * before it. */
static inline void sift_down(struct sim *sim, size_t i, struct sim_event *ev)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct sim_event *best = ev;

		if (l < sim->nheap && ev_before(sim->heap[l], best)) {
			m = l;
			best = sim->heap[l];
		}
		if (r < sim->nheap && ev_before(sim->heap[r], best)) {
			m = r;
			best = sim->heap[r];
		}
		if (m == i)
			break;
		heap_set(sim, i, best);
		i = m;
	}
	heap_set(sim, i, ev);
}

static __attribute__((noinline)) void heap_grow(struct sim *sim)
{
	sim->capheap = sim->capheap ? 2 * sim->capheap : 64;
	sim->heap = sim_xrealloc(sim->heap, sim->capheap * sizeof(*sim->heap));
}

/* Every queued event with a delay comes through here and through
 * heap_pop_top, so both are inline in their callers (the heap is mostly
 * one or two events deep: the calls, not the sifting, were the cost). */
static inline void heap_push(struct sim *sim, struct sim_event *ev)
{
	if (sim->nheap == sim->capheap)
		heap_grow(sim);
	sift_up(sim, sim->nheap++, ev);
}

static inline struct sim_event *heap_pop_top(struct sim *sim)
{
	struct sim_event *top = sim->heap[0];

	if (--sim->nheap) /* the last event fills the hole at the top */
		sift_down(sim, 0, sim->heap[sim->nheap]);
	return top;
}

/* Any event (sim_cancel). */
static void heap_remove(struct sim *sim, size_t i)
{
	struct sim_event *last = sim->heap[--sim->nheap];

	if (i == sim->nheap)
		return;
	if (i && ev_before(last, sim->heap[(i - 1) / 2]))
		sift_up(sim, i, last);
	else
		sift_down(sim, i, last);
}

static void now_append(struct sim *sim, struct sim_event *ev)
{
	ev->idx = SIM_EV_NOW;
	ev->next = NULL;
	ev->prev = sim->now_tail;
	if (sim->now_tail)
		sim->now_tail->next = ev;
	else
		sim->now_head = ev;
	sim->now_tail = ev;
	sim->nnow++;
}

static void now_remove(struct sim *sim, struct sim_event *ev)
{
	if (ev->prev)
		ev->prev->next = ev->next;
	else
		sim->now_head = ev->next;
	if (ev->next)
		ev->next->prev = ev->prev;
	else
		sim->now_tail = ev->prev;
	sim->nnow--;
}

/* The next event to run, or NULL (the one done() is asked about counts). */
static struct sim_event *peek(const struct sim *sim)
{
	struct sim_event *ev = sim->nheap ? sim->heap[0] : NULL;

	if (sim->now_head && (!ev || ev_before(sim->now_head, ev)))
		ev = sim->now_head;
	if (sim->virt && (!ev || ev_before(sim->virt, ev)))
		ev = sim->virt;
	return ev;
}

static void ev_unqueue(struct sim *sim, struct sim_event *ev)
{
	if (ev->idx == SIM_EV_NOW)
		now_remove(sim, ev);
	else
		heap_remove(sim, ev->idx);
}

static struct sim_event *ev_alloc(struct sim *sim)
{
	struct sim_event *ev = sim->free_ev;

	if (!ev)
		return sim_xmalloc(sizeof(*ev));
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

static inline void ev_queue(struct sim *sim, struct sim_event *ev)
{
	if (ev->time == sim->now && !ev->key) {
		/* no delay, permutation off (a key is never 0 then in
		 * practice; the list stays in order whatever the case) */
		now_append(sim, ev);
		return;
	}
	heap_push(sim, ev);
}

/* sim_at's slow path: a first handle or a full heap.  Out of line and
 * tail-called, so that the common path is a leaf function that saves no
 * registers. */
static __attribute__((noinline, cold)) struct sim_event *
sim_at_grow(struct sim *sim, sim_time_t delay, sim_fn fn, void *arg)
{
	if (!sim->free_ev) {
		struct sim_event *ev = sim_xmalloc(sizeof(*ev));

		ev->arg = NULL;
		sim->free_ev = ev;
	}
	if (sim->nheap == sim->capheap)
		heap_grow(sim);
	return sim_at(sim, delay, fn, arg);
}

struct sim_event *sim_at(struct sim *sim, sim_time_t delay, sim_fn fn, void *arg)
{
	struct sim_event *ev = sim->free_ev;

	if (__builtin_expect(!ev || sim->nheap == sim->capheap, 0))
		return sim_at_grow(sim, delay, fn, arg);
	sim->free_ev = ev->arg;
	ev_stamp(sim, delay, ev);
	ev->fn = fn;
	ev->arg = arg;
	ev_queue(sim, ev);
	return ev;
}

/* sim_resume_at's other way: the resume event queued after all. */
void sim_resume_queue(struct sim *sim, struct sim_task *t, const struct sim_event *v, sim_fn fn)
{
	struct sim_event *ev = ev_alloc(sim);

	ev->time = v->time;
	ev->key = v->key;
	ev->seq = v->seq;
	ev->fn = fn;
	ev->arg = t;
	ev_queue(sim, ev);
	t->resume_ev = ev;
}

void sim_cancel(struct sim *sim, struct sim_event *ev)
{
	if (!ev)
		return;
	if (ev == sim->virt) {
		sim->virt = NULL;
		return;
	}
	ev_unqueue(sim, ev);
	ev_release(sim, ev);
}

size_t sim_pending(const struct sim *sim)
{
	return sim->nheap + sim->nnow + (sim->virt ? 1 : 0);
}

bool sim_next_time(const struct sim *sim, sim_time_t *t)
{
	const struct sim_event *ev = peek(sim);

	if (!ev)
		return false;
	*t = ev->time;
	return true;
}

bool sim_next_is_mine(const struct sim *sim)
{
	const struct sim_event *ev = peek(sim);

	return !sim->permute && (!ev || ev->time > sim->now);
}

/* Take the next event off the queue and run it; false when there is none. */
static inline __attribute__((always_inline)) bool step(struct sim *sim)
{
	struct sim_event *ev = sim->nheap ? sim->heap[0] : NULL;
	sim_fn fn;
	void *arg;

	if (sim->now_head && (!ev || ev_before(sim->now_head, ev))) {
		ev = sim->now_head;
		sim->now_head = ev->next;
		if (ev->next)
			ev->next->prev = NULL;
		else
			sim->now_tail = NULL;
		sim->nnow--;
	} else if (ev) {
		heap_pop_top(sim);
	} else {
		return false;
	}
	sim->now = ev->time;
	fn = ev->fn;
	arg = ev->arg;
	/* The handle dies before the handler runs: it may schedule anew. */
	ev_release(sim, ev);
	fn(arg);
	return true;
}

struct loop_save {
	int loop;
	bool (*done)(void *);
	void *arg;
	sim_time_t to;
	bool asked, stop;
};

static void loop_enter(struct sim *sim, struct loop_save *ls, int loop)
{
	*ls = (struct loop_save){sim->loop,    sim->loop_done,	sim->loop_arg,
				 sim->loop_to, sim->loop_asked, sim->loop_stop};
	sim->loop = loop;
	sim->loop_asked = sim->loop_stop = false;
}

static void loop_leave(struct sim *sim, const struct loop_save *ls)
{
	sim->loop = ls->loop;
	sim->loop_done = ls->done;
	sim->loop_arg = ls->arg;
	sim->loop_to = ls->to;
	sim->loop_asked = ls->asked;
	sim->loop_stop = ls->stop;
}

bool sim_step(struct sim *sim)
{
	struct loop_save ls;
	bool r;

	sim_no_task_context(sim, "sim_step");
	/* One event and no more: no sleep goes on past it. */
	loop_enter(sim, &ls, SIM_LOOP_NONE);
	r = step(sim);
	loop_leave(sim, &ls);
	return r;
}

bool sim_run_until(struct sim *sim, bool (*done)(void *), void *arg)
{
	struct loop_save ls;
	bool r;

	sim_no_task_context(sim, "sim_run_until");
	loop_enter(sim, &ls, SIM_LOOP_UNTIL);
	sim->loop_done = done;
	sim->loop_arg = arg;
	for (;;) {
		if (sim->loop_asked) {
			/* A sleeping task asked done() about this event. */
			sim->loop_asked = false;
			if (sim->loop_stop) {
				r = true;
				break;
			}
		} else if (done(arg)) {
			r = true;
			break;
		}
		if (!step(sim)) {
			r = done(arg);
			break;
		}
	}
	loop_leave(sim, &ls);
	return r;
}

void sim_run(struct sim *sim)
{
	struct loop_save ls;

	sim_no_task_context(sim, "sim_run");
	loop_enter(sim, &ls, SIM_LOOP_ALL);
	while (step(sim))
		;
	loop_leave(sim, &ls);
}

void sim_run_to(struct sim *sim, sim_time_t t)
{
	struct loop_save ls;

	sim_no_task_context(sim, "sim_run_to");
	loop_enter(sim, &ls, SIM_LOOP_TO);
	sim->loop_to = t;
	for (const struct sim_event *ev; (ev = peek(sim)) && ev->time <= t;)
		step(sim);
	loop_leave(sim, &ls);
	if (sim->now < t)
		sim->now = t;
}

void sim_queue_free(struct sim *sim)
{
	for (size_t i = 0; i < sim->nheap; i++)
		free(sim->heap[i]);
	free(sim->heap);
	while (sim->now_head) {
		struct sim_event *ev = sim->now_head;

		sim->now_head = ev->next;
		free(ev);
	}
	while (sim->free_ev) {
		struct sim_event *ev = sim->free_ev;

		sim->free_ev = ev->arg;
		free(ev);
	}
}
