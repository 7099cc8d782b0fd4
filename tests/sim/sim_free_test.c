/* sim_on_free(): the last word of objects tasks may be blocked in. */
#include <stdlib.h>

#include "sim/sim.h"
#include "t.h"

struct holder {
	struct sim *sim;
	struct sim_waitq wq; /* a task waits here until the end */
	int *log, *n;
};

static void blocked_main(void *arg)
{
	struct holder *h = arg;

	for (;;)
		sim_wait(h->sim, &h->wq);
}

static void note_one(void *arg)
{
	struct holder *h = arg;

	h->log[(*h->n)++] = 1;
}

static void free_holder(void *arg)
{
	struct holder *h = arg;

	h->log[(*h->n)++] = 2;
	free(h);
}

TEST(on_free_callbacks_run_in_order_after_the_tasks_are_gone)
{
	struct sim *sim = sim_new(1);
	struct holder *h = calloc(1, sizeof(*h));
	int log[4] = {0}, n = 0;

	h->sim = sim;
	h->log = log;
	h->n = &n;
	CHECK(sim_task_spawn(sim, "blocked", blocked_main, h) != NULL);
	sim_run(sim);
	CHECK(h->wq.head != NULL); /* the task waits in the holder */
	CHECK_EQ(sim_on_free(sim, note_one, h), 0);
	CHECK_EQ(sim_on_free(sim, free_holder, h), 0);
	CHECK_EQ(n, 0);
	/* Under ASan, a task dropped after its holder was freed would be a
	 * use after free. */
	sim_free(sim);
	CHECK_EQ(n, 2);
	CHECK_EQ(log[0], 1);
	CHECK_EQ(log[1], 2);
}
