/* The simulated clock and the event queue: a binary min-heap ordered by
 * (time, key, seq); see sim.h for the tie-break. */
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
	sift_up(sim, last->idx);
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
	heap_remove(sim, ev->idx);
	ev_release(sim, ev);
}

size_t sim_pending(const struct sim *sim)
{
	return sim->nheap;
}

bool sim_next_time(const struct sim *sim, sim_time_t *t)
{
	if (!sim->nheap)
		return false;
	*t = sim->heap[0]->time;
	return true;
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

	sim_no_task_context(sim, "sim_step");
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
	sim_no_task_context(sim, "sim_run_until");
	for (;;) {
		if (done(arg))
			return true;
		if (!sim_step(sim))
			return done(arg);
	}
}

void sim_run(struct sim *sim)
{
	sim_no_task_context(sim, "sim_run");
	while (sim_step(sim))
		;
}

void sim_run_to(struct sim *sim, sim_time_t t)
{
	sim_no_task_context(sim, "sim_run_to");
	while (sim->nheap && sim->heap[0]->time <= t)
		sim_step(sim);
	if (sim->now < t)
		sim->now = t;
}

void sim_queue_free(struct sim *sim)
{
	for (size_t i = 0; i < sim->nheap; i++)
		free(sim->heap[i]);
	free(sim->heap);
	while (sim->free_ev) {
		struct sim_event *ev = sim->free_ev;

		sim->free_ev = ev->arg;
		free(ev);
	}
}
