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
	if (i) /* the top only ever moves down */
		sift_up(sim, last->idx);
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

/* The next event to run, or NULL. */
static struct sim_event *peek(const struct sim *sim)
{
	struct sim_event *ev = sim->nheap ? sim->heap[0] : NULL;

	if (sim->now_head && (!ev || ev_before(sim->now_head, ev)))
		ev = sim->now_head;
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

struct sim_event *sim_at(struct sim *sim, sim_time_t delay, sim_fn fn, void *arg)
{
	struct sim_event *ev = ev_alloc(sim);

	ev->time = delay > UINT64_MAX - sim->now ? UINT64_MAX : sim->now + delay;
	ev->seq = sim->seq++;
	ev->key = 0;
	if (sim->permute) {
		uint64_t x = ev->seq ^ sim->seed;

		ev->key = sim_splitmix64(&x);
	}
	ev->fn = fn;
	ev->arg = arg;
	if (!delay && !sim->permute) {
		now_append(sim, ev);
		return ev;
	}
	if (sim->nheap == sim->capheap) {
		sim->capheap = sim->capheap ? 2 * sim->capheap : 64;
		sim->heap = sim_xrealloc(sim->heap, sim->capheap * sizeof(*sim->heap));
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
	ev_unqueue(sim, ev);
	ev_release(sim, ev);
}

size_t sim_pending(const struct sim *sim)
{
	return sim->nheap + sim->nnow;
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
		heap_remove(sim, 0);
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

bool sim_step(struct sim *sim)
{
	sim_no_task_context(sim, "sim_step");
	return step(sim);
}

bool sim_run_until(struct sim *sim, bool (*done)(void *), void *arg)
{
	sim_no_task_context(sim, "sim_run_until");
	for (;;) {
		if (done(arg))
			return true;
		if (!step(sim))
			return done(arg);
	}
}

void sim_run(struct sim *sim)
{
	sim_no_task_context(sim, "sim_run");
	while (step(sim))
		;
}

void sim_run_to(struct sim *sim, sim_time_t t)
{
	sim_no_task_context(sim, "sim_run_to");
	for (const struct sim_event *ev; (ev = peek(sim)) && ev->time <= t;)
		step(sim);
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
