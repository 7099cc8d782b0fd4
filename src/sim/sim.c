/* The deterministic discrete-event core: see sim.h and docs/determinism.md.
 * This file: a sim's life cycle.  The rest, one file per concern: queue.c
 * (clock and event queue), task.c (tasks and wait queues), ctx_*.c/.S (the
 * context switch), rand.c (PRNG), trace.c (trace log).
 */
#include "sim/sim.h"

#include <stdlib.h>

#include "sim/sim_priv.h"

struct sim *sim_new(uint64_t seed)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	if (!sim)
		return NULL;
	sim->seed = seed;
	sim->keep = true;
	sim_rand_seed(sim, seed);
	return sim;
}

uint64_t sim_seed(const struct sim *sim)
{
	return sim->seed;
}

void sim_free(struct sim *sim)
{
	if (!sim)
		return;
	sim_no_task_context(sim, "sim_free");
	/* The queues of tasks still waiting belong to objects that may be
	 * freed already: leave them alone. */
	while (sim->tasks)
		sim_task_destroy(sim, sim->tasks, false);
	while (sim->on_free) {
		struct sim_on_free *c = sim->on_free;

		sim->on_free = c->next;
		if (!sim->on_free)
			sim->on_free_tail = &sim->on_free;
		c->fn(c->arg);
		free(c);
	}
	sim_queue_free(sim);
	sim_trace_free(sim);
	free(sim);
}

int sim_on_free(struct sim *sim, sim_fn fn, void *arg)
{
	struct sim_on_free *c = malloc(sizeof(*c));

	if (!c)
		return -1;
	c->fn = fn;
	c->arg = arg;
	c->next = NULL;
	if (!sim->on_free_tail)
		sim->on_free_tail = &sim->on_free;
	*sim->on_free_tail = c;
	sim->on_free_tail = &c->next;
	return 0;
}
