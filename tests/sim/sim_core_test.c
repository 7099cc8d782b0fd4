/* Scheduler, tasks, PRNG and trace of src/sim.  CHECKs run only in the main
 * program: tasks record what they saw and the test checks it afterwards
 * (a failed CHECK longjmps, which must not happen on a task stack). */
#include "t.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/sim.h"

struct rec {
	struct sim *sim;
	int order[2048];
	sim_time_t when[2048];
	int n;
};

struct item {
	struct rec *rec;
	int id;
};

static void record(void *arg)
{
	struct item *it = arg;
	struct rec *r = it->rec;

	r->when[r->n] = sim_now(r->sim);
	r->order[r->n++] = it->id;
}

TEST(events_at_equal_time_run_in_fifo_order)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	struct item it[10];

	for (int i = 0; i < 10; i++) {
		it[i] = (struct item){&r, i};
		sim_at(sim, 5, record, &it[i]);
	}
	sim_run(sim);
	CHECK_EQ(r.n, 10);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(r.order[i], i);
	CHECK_EQ(sim_now(sim), 5);
	sim_free(sim);
}

TEST(events_run_in_time_order_and_advance_the_clock)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	static const sim_time_t delay[5] = {30, 10, 50, 20, 40};
	struct item it[5];

	for (int i = 0; i < 5; i++) {
		it[i] = (struct item){&r, i};
		sim_at(sim, delay[i], record, &it[i]);
	}
	CHECK_EQ(sim_pending(sim), 5);
	sim_run(sim);
	CHECK_EQ(r.order[0], 1);
	CHECK_EQ(r.order[1], 3);
	CHECK_EQ(r.order[2], 0);
	CHECK_EQ(r.order[3], 4);
	CHECK_EQ(r.order[4], 2);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(r.when[i], 10 * (i + 1));
	CHECK_EQ(sim_pending(sim), 0);
	sim_free(sim);
}

static void permuted_order(uint64_t seed, int out[16])
{
	struct sim *sim = sim_new(seed);
	struct rec r = {.sim = sim};
	struct item it[16];

	sim_set_permute(sim, true);
	for (int i = 0; i < 16; i++) {
		it[i] = (struct item){&r, i};
		sim_at(sim, 100, record, &it[i]);
	}
	/* An earlier-time event still goes first whatever the key. */
	struct item first = {&r, 99};
	sim_at(sim, 1, record, &first);
	sim_run(sim);
	for (int i = 0; i < 16; i++)
		out[i] = r.order[i + 1];
	if (r.order[0] != 99)
		out[0] = -1;
	sim_free(sim);
}

TEST(permutation_with_a_seed_is_reproducible_and_permutes)
{
	int a[16], b[16], c[16];
	int identity = 1, differs = 0;

	permuted_order(42, a);
	permuted_order(42, b);
	CHECK_MEM(a, b, sizeof(a));
	for (int i = 0; i < 16; i++)
		identity &= a[i] == i;
	CHECK(!identity);
	for (uint64_t seed = 1; seed < 8; seed++) {
		permuted_order(seed, c);
		CHECK(c[0] >= 0);
		differs |= memcmp(a, c, sizeof(a)) != 0;
	}
	CHECK(differs);
	/* Still a permutation: every event ran exactly once. */
	int seen[16] = {0};
	for (int i = 0; i < 16; i++)
		seen[a[i]]++;
	for (int i = 0; i < 16; i++)
		CHECK_EQ(seen[i], 1);
}

TEST(cancelled_event_never_runs)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	struct item it[3] = {{&r, 0}, {&r, 1}, {&r, 2}};
	struct sim_event *ev;

	sim_at(sim, 1, record, &it[0]);
	ev = sim_at(sim, 2, record, &it[1]);
	sim_at(sim, 3, record, &it[2]);
	sim_cancel(sim, ev);
	sim_cancel(sim, NULL);
	CHECK_EQ(sim_pending(sim), 2);
	sim_run(sim);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.order[0], 0);
	CHECK_EQ(r.order[1], 2);
	sim_free(sim);
}

/* A deep heap: 2,000 events at spread-out times, every third one then
 * cancelled wherever it sits (the last, the top, the middle of the heap),
 * and more scheduled as they run: the rest run once each, in (time,
 * schedule order). */
struct deep {
	struct sim *sim;
	sim_time_t time[3000];
	int n, nrun, bad, last;
	sim_time_t last_time;
};

static struct deep *the_deep;

static void deep_ev(void *arg)
{
	struct deep *d = the_deep;
	int id = (int)(intptr_t)arg;

	if (d->time[id] != sim_now(d->sim) ||
	    (d->nrun &&
	     (d->time[id] < d->last_time || (d->time[id] == d->last_time && id < d->last))))
		d->bad++;
	d->nrun++;
	d->last = id;
	d->last_time = d->time[id];
	if (d->n < 3000 && sim_rand_below(d->sim, 2)) {
		sim_time_t delay = sim_rand_below(d->sim, 1000);

		d->time[d->n] = sim_now(d->sim) + delay;
		sim_at(d->sim, delay, deep_ev, (void *)(intptr_t)d->n);
		d->n++;
	}
}

TEST(deep_heap_with_cancels_anywhere_runs_in_time_then_schedule_order)
{
	static struct deep d;
	static struct sim_event *ev[2000];
	int cancelled = 0;

	d = (struct deep){.sim = sim_new(11)};
	the_deep = &d;
	for (int i = 0; i < 2000; i++) {
		sim_time_t delay = sim_rand_below(d.sim, 5000);

		d.time[i] = delay;
		ev[i] = sim_at(d.sim, delay, deep_ev, (void *)(intptr_t)i);
	}
	d.n = 2000;
	/* every third, in an order unrelated to the heap's */
	for (int k = 0; k < 2000; k++) {
		int i = k * 1231 % 2000;

		if (i % 3 == 0) {
			sim_cancel(d.sim, ev[i]);
			cancelled++;
		}
	}
	CHECK_EQ(sim_pending(d.sim), (size_t)(2000 - cancelled));
	sim_run(d.sim);
	CHECK_EQ(d.bad, 0);
	CHECK_EQ(d.nrun, d.n - cancelled);
	CHECK(d.n > 2500);
	sim_free(d.sim);
}

/* Events scheduled from handlers, half of them with no delay, some
 * cancelled: with permutation off they must run in (time, seq) order,
 * seq being the order of the sim_at() calls, each exactly once. */
struct mix {
	struct sim *sim;
	struct sim_event *ev[4000];
	sim_time_t time[4000];
	bool ran[4000], cancelled[4000];
	int n, nrun, last, bad;
	sim_time_t last_time;
};

static struct mix *the_mix;

static void mix_ev(void *arg);

static void mix_at(struct mix *m, sim_time_t delay)
{
	if (m->n == 4000)
		return;
	m->time[m->n] = sim_now(m->sim) + delay;
	m->ev[m->n] = sim_at(m->sim, delay, mix_ev, (void *)(intptr_t)m->n);
	m->n++;
}

static void mix_ev(void *arg)
{
	struct mix *m = the_mix;
	int id = (int)(intptr_t)arg;

	if (m->ran[id] || m->cancelled[id] || m->time[id] != sim_now(m->sim) ||
	    (m->nrun &&
	     (m->time[id] < m->last_time || (m->time[id] == m->last_time && id < m->last))))
		m->bad++;
	m->ran[id] = true;
	m->ev[id] = NULL;
	m->nrun++;
	m->last = id;
	m->last_time = m->time[id];
	for (uint64_t k = sim_rand_below(m->sim, 4); k; k--)
		mix_at(m, sim_rand_below(m->sim, 2) ? 0 : sim_rand_below(m->sim, 3));
	if (sim_rand_below(m->sim, 4) == 0) {
		int c = (int)sim_rand_below(m->sim, (uint64_t)m->n);

		if (m->ev[c]) {
			sim_cancel(m->sim, m->ev[c]);
			m->ev[c] = NULL;
			m->cancelled[c] = true;
		}
	}
}

TEST(no_delay_and_later_events_mixed_run_in_time_then_schedule_order)
{
	static struct mix m;
	int cancelled = 0;

	m = (struct mix){.sim = sim_new(7)};
	the_mix = &m;
	for (int i = 0; i < 4; i++)
		mix_at(&m, (sim_time_t)i % 2);
	while (sim_pending(m.sim)) {
		sim_time_t t;

		CHECK(sim_next_time(m.sim, &t));
		CHECK(t >= sim_now(m.sim));
		sim_step(m.sim);
	}
	CHECK_EQ(m.bad, 0);
	for (int i = 0; i < m.n; i++) {
		CHECK(m.ran[i] != m.cancelled[i]);
		cancelled += m.cancelled[i];
	}
	CHECK_EQ(m.nrun + cancelled, m.n);
	CHECK(m.n > 1000);
	CHECK(cancelled > 10);
	sim_free(m.sim);
}

/* Events scheduled with no delay before permutation is switched on keep
 * their place (key 0) among those scheduled after. */
TEST(no_delay_events_keep_their_order_across_a_permutation_switch)
{
	struct sim *sim = sim_new(3);
	struct rec r = {.sim = sim};
	struct item it[3] = {{&r, 0}, {&r, 1}, {&r, 2}};

	sim_at(sim, 0, record, &it[0]);
	sim_at(sim, 0, record, &it[1]);
	sim_set_permute(sim, true);
	sim_at(sim, 0, record, &it[2]);
	CHECK_EQ(sim_pending(sim), 3);
	CHECK(!sim_next_is_mine(sim));
	sim_run(sim);
	CHECK_EQ(r.n, 3);
	/* key 0 sorts first; the permuted one (a non-zero key) after them */
	CHECK_EQ(r.order[0], 0);
	CHECK_EQ(r.order[1], 1);
	CHECK_EQ(r.order[2], 2);
	CHECK(sim_next_is_mine(sim) == false);
	sim_set_permute(sim, false);
	CHECK(sim_next_is_mine(sim));
	sim_free(sim);
}

static bool three_ran(void *arg)
{
	return ((struct rec *)arg)->n >= 3;
}

TEST(run_until_stops_when_the_condition_holds)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	struct item it[5];

	for (int i = 0; i < 5; i++) {
		it[i] = (struct item){&r, i};
		sim_at(sim, (sim_time_t)i, record, &it[i]);
	}
	CHECK(sim_run_until(sim, three_ran, &r));
	CHECK_EQ(r.n, 3);
	CHECK_EQ(sim_pending(sim), 2);
	sim_free(sim);
}

TEST(run_until_returns_false_when_the_queue_empties)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	struct item it = {&r, 0};

	sim_at(sim, 1, record, &it);
	CHECK(!sim_run_until(sim, three_ran, &r));
	CHECK_EQ(r.n, 1);
	sim_free(sim);
}

TEST(run_to_runs_events_up_to_and_including_t)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	struct item it[3] = {{&r, 0}, {&r, 1}, {&r, 2}};

	sim_at(sim, 10, record, &it[0]);
	sim_at(sim, 20, record, &it[1]);
	sim_at(sim, 21, record, &it[2]);
	sim_run_to(sim, 20);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(sim_now(sim), 20);
	sim_run_to(sim, 15);
	CHECK_EQ(sim_now(sim), 20);
	sim_run_to(sim, 1000);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(sim_now(sim), 1000);
	sim_free(sim);
}

/* ---- tasks ---- */

struct sleeper {
	struct rec *rec;
	int id;
	sim_time_t nap;
	int rounds;
};

static void sleeper_main(void *arg)
{
	struct sleeper *s = arg;

	for (int i = 0; i < s->rounds; i++) {
		sim_sleep(s->rec->sim, s->nap);
		struct item it = {s->rec, s->id};
		record(&it);
	}
	sim_task_set_exit(sim_current(s->rec->sim), 40 + s->id);
}

TEST(tasks_sleep_and_resume_in_deterministic_order)
{
	struct sim *sim = sim_new(7);
	struct rec r = {.sim = sim};
	struct sleeper s[3] = {{&r, 0, 30, 2}, {&r, 1, 20, 3}, {&r, 2, 30, 2}};
	struct sim_task *t[3];
	static const int want_id[] = {1, 0, 2, 1, 0, 2, 1};
	static const sim_time_t want_t[] = {20, 30, 30, 40, 60, 60, 60};

	for (int i = 0; i < 3; i++)
		t[i] = sim_task_spawn(sim, "sleeper", sleeper_main, &s[i]);
	CHECK(!sim_task_done(t[0]));
	sim_run(sim);
	CHECK_EQ(r.n, 7);
	for (int i = 0; i < 7; i++) {
		CHECK_EQ(r.order[i], want_id[i]);
		CHECK_EQ(r.when[i], want_t[i]);
	}
	for (int i = 0; i < 3; i++) {
		CHECK(sim_task_done(t[i]));
		CHECK_EQ(sim_task_exit(t[i]), 40 + i);
		CHECK_STR(sim_task_name(t[i]), "sleeper");
		sim_task_free(t[i]);
	}
	sim_free(sim);
}

struct waiter_arg {
	struct rec *rec;
	struct sim_waitq *wq;
	int id;
	sim_time_t timeout;
	bool result;
	bool in_task;
};

static void waiter_main(void *arg)
{
	struct waiter_arg *w = arg;

	w->in_task = sim_current(w->rec->sim) != NULL;
	if (w->timeout)
		w->result = sim_wait_timeout(w->rec->sim, w->wq, w->timeout);
	else
		sim_wait(w->rec->sim, w->wq);
	struct item it = {w->rec, w->id};
	record(&it);
}

struct waker {
	struct sim *sim;
	struct sim_waitq *wq;
	bool in_event;
};

static void wake_ev(void *arg)
{
	struct waker *k = arg;

	k->in_event = sim_current(k->sim) == NULL;
	sim_wake(k->sim, k->wq);
}

TEST(wake_resumes_waiters_in_fifo_order)
{
	struct sim *sim = sim_new(3);
	struct rec r = {.sim = sim};
	struct sim_waitq wq = SIM_WAITQ_INIT;
	struct waiter_arg w[4];
	struct waker k = {sim, &wq, false};

	for (int i = 0; i < 4; i++) {
		w[i] = (struct waiter_arg){&r, &wq, i, 0, false, false};
		sim_task_spawn(sim, "w", waiter_main, &w[i]);
	}
	sim_at(sim, 100, wake_ev, &k);
	sim_run(sim);
	CHECK(k.in_event);
	CHECK_EQ(r.n, 4);
	for (int i = 0; i < 4; i++) {
		CHECK(w[i].in_task);
		CHECK_EQ(r.order[i], i);
		CHECK_EQ(r.when[i], 100);
	}
	CHECK(wq.head == NULL && wq.tail == NULL);
	sim_free(sim);
}

TEST(wait_timeout_returns_false_after_the_timeout)
{
	struct sim *sim = sim_new(3);
	struct rec r = {.sim = sim};
	struct sim_waitq wq = SIM_WAITQ_INIT;
	struct waiter_arg w = {&r, &wq, 5, 250, true, false};

	sim_task_spawn(sim, "w", waiter_main, &w);
	sim_run(sim);
	CHECK(!w.result);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.when[0], 250);
	CHECK(wq.head == NULL);
	sim_free(sim);
}

TEST(wait_timeout_returns_true_when_woken_first)
{
	struct sim *sim = sim_new(3);
	struct rec r = {.sim = sim};
	struct sim_waitq wq = SIM_WAITQ_INIT;
	struct waiter_arg w = {&r, &wq, 5, 250, false, false};
	struct waker k = {sim, &wq, false};

	sim_task_spawn(sim, "w", waiter_main, &w);
	sim_at(sim, 100, wake_ev, &k);
	sim_run(sim);
	CHECK(w.result);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.when[0], 100);
	/* The timeout was cancelled, so the clock stopped at the wake-up. */
	CHECK_EQ(sim_now(sim), 100);
	sim_free(sim);
}

struct chain {
	struct sim *sim;
	struct sim_waitq wq;
	int step;
	int seen[4];
};

static void chain_b(void *arg)
{
	struct chain *c = arg;

	c->seen[1] = c->step++;
	sim_sleep(c->sim, 5);
	sim_wake(c->sim, &c->wq); /* a task may wake others */
	c->seen[2] = c->step++;
}

static void chain_a(void *arg)
{
	struct chain *c = arg;

	c->seen[0] = c->step++;
	sim_task_spawn(c->sim, "b", chain_b, c); /* spawned tasks start at now */
	sim_wait(c->sim, &c->wq);
	c->seen[3] = c->step++;
}

TEST(task_may_spawn_and_wake_other_tasks)
{
	struct sim *sim = sim_new(1);
	struct chain c = {.sim = sim, .wq = SIM_WAITQ_INIT};

	sim_task_spawn(sim, "a", chain_a, &c);
	sim_run(sim);
	CHECK_EQ(c.step, 4);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(c.seen[i], i);
	CHECK_EQ(sim_now(sim), 5);
	sim_free(sim);
}

TEST(one_thousand_tasks_run_to_completion)
{
	struct sim *sim = sim_new(11);
	static struct rec r;
	static struct sleeper s[1000];
	struct sim_task *t[1000];

	memset(&r, 0, sizeof(r));
	r.sim = sim;
	for (int i = 0; i < 1000; i++) {
		s[i] = (struct sleeper){&r, i, (sim_time_t)(1 + i % 7), 2};
		t[i] = sim_task_spawn(sim, "many", sleeper_main, &s[i]);
		CHECK(t[i] != NULL);
	}
	sim_run(sim);
	CHECK_EQ(r.n, 2000);
	for (int i = 1; i < r.n; i++)
		CHECK(r.when[i - 1] <= r.when[i]);
	CHECK_EQ(r.when[r.n - 1], 14);
	for (int i = 0; i < 1000; i++) {
		CHECK(sim_task_done(t[i]));
		sim_task_free(t[i]);
	}
	sim_free(sim);
}

TEST(sim_free_releases_unfinished_tasks)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	struct sim_waitq wq = SIM_WAITQ_INIT;
	struct waiter_arg w[3];
	struct sleeper s = {&r, 9, 1000, 1};

	for (int i = 0; i < 3; i++) {
		w[i] = (struct waiter_arg){&r, &wq, i, i == 2 ? 500 : 0, false, false};
		sim_task_spawn(sim, "stuck", waiter_main, &w[i]);
	}
	sim_task_spawn(sim, "sleepy", sleeper_main, &s);
	sim_run_to(sim, 10);
	CHECK_EQ(r.n, 0);
	CHECK_EQ(sim_pending(sim), 2);
	sim_free(sim); /* LeakSanitizer checks the rest under make ASAN=1 */
}

TEST(task_data_and_current)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	struct sleeper s = {&r, 0, 1, 1};
	struct sim_task *t = sim_task_spawn(sim, "d", sleeper_main, &s);
	int x;

	CHECK(sim_current(sim) == NULL);
	sim_task_set_data(t, &x);
	CHECK(sim_task_data(t) == &x);
	CHECK_EQ(sim_task_exit(t), 0);
	sim_run(sim);
	CHECK_EQ(sim_task_exit(t), 40);
	sim_free(sim);
}

static int child_status(void (*fn)(void))
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		fn();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

static void sleep_outside_task(void)
{
	struct sim *sim = sim_new(1);

	sim_sleep(sim, 1);
}

static void wait_in_event_handler_ev(void *arg)
{
	struct sim_waitq wq = SIM_WAITQ_INIT;

	sim_wait(arg, &wq);
}

static void wait_in_event_handler(void)
{
	struct sim *sim = sim_new(1);

	sim_at(sim, 0, wait_in_event_handler_ev, sim);
	sim_run(sim);
}

static void run_from_task_main(void *arg)
{
	sim_run(arg);
}

static void run_from_task(void)
{
	struct sim *sim = sim_new(1);

	sim_task_spawn(sim, "bad", run_from_task_main, sim);
	sim_run(sim);
}

TEST(blocking_outside_a_task_aborts)
{
	int st = child_status(sleep_outside_task);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	st = child_status(wait_in_event_handler);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

TEST(running_the_scheduler_from_a_task_aborts)
{
	int st = child_status(run_from_task);

	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT)
		t_fail(__FILE__, __LINE__, "child status 0x%x", st);
}

/* ---- PRNG ---- */

TEST(prng_is_reproducible_per_seed)
{
	struct sim *a = sim_new(1234), *b = sim_new(1234), *c = sim_new(1235);
	int same_c = 1;

	CHECK_EQ(sim_seed(a), 1234);
	for (int i = 0; i < 100; i++) {
		uint64_t x = sim_rand(a);

		CHECK(x == sim_rand(b));
		same_c &= x == sim_rand(c);
	}
	CHECK(!same_c);
	sim_free(a);
	sim_free(b);
	sim_free(c);
}

TEST(prng_seed_0_is_not_degenerate)
{
	struct sim *a = sim_new(0);
	uint64_t x = sim_rand(a), y = sim_rand(a);

	CHECK(x != 0 || y != 0);
	CHECK(x != y);
	sim_free(a);
}

TEST(prng_rand_below_stays_in_range_and_covers_it)
{
	struct sim *a = sim_new(99);
	int hits[6] = {0};

	for (int i = 0; i < 600; i++) {
		uint64_t v = sim_rand_below(a, 6);

		CHECK(v < 6);
		hits[v]++;
	}
	for (int i = 0; i < 6; i++)
		CHECK(hits[i] > 50);
	CHECK_EQ(sim_rand_below(a, 1), 0);
	sim_free(a);
}

/* ---- trace ---- */

static void trace_ev(void *arg)
{
	sim_trace(arg, "chp0.42", "vary %s", "offline");
}

TEST(trace_lines_are_time_who_message)
{
	struct sim *sim = sim_new(1);
	char buf[256] = {0};
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	sim_trace_to(sim, f);
	sim_trace(sim, "host", "boot %d", 1);
	sim_at(sim, 1500, trace_ev, sim);
	sim_run(sim);
	CHECK_EQ(sim_trace_count(sim), 2);
	CHECK_STR(sim_trace_line(sim, 0), "0 host: boot 1");
	CHECK_STR(sim_trace_line(sim, 1), "1500 chp0.42: vary offline");
	CHECK(sim_trace_line(sim, 2) == NULL);
	fclose(f);
	CHECK_STR(buf, "0 host: boot 1\n1500 chp0.42: vary offline\n");
	sim_free(sim);
}

TEST(trace_keep_off_stops_storing_lines)
{
	struct sim *sim = sim_new(1);

	for (int i = 0; i < 1000; i++)
		sim_trace(sim, "x", "line %d", i);
	CHECK_EQ(sim_trace_count(sim), 1000);
	CHECK_STR(sim_trace_line(sim, 999), "0 x: line 999");
	sim_trace_keep(sim, false);
	sim_trace(sim, "x", "dropped");
	CHECK_EQ(sim_trace_count(sim), 1000);
	sim_free(sim);
}

/* ---- interrupting tasks (signals) ---- */

struct intr_arg {
	struct sim *sim;
	struct sim_waitq *wq;
	int kind; /* 0 sleep_intr, 1 wait_intr, 2 plain wait, then sleep_intr */
	int rc, rc2;
	sim_time_t at, at2;
};

static void intr_main(void *arg)
{
	struct intr_arg *a = arg;

	if (a->kind == 0) {
		a->rc = sim_sleep_intr(a->sim, SIM_S);
	} else if (a->kind == 1) {
		a->rc = sim_wait_intr(a->sim, a->wq);
	} else {
		sim_wait(a->sim, a->wq);
		a->rc = 0;
	}
	a->at = sim_now(a->sim);
	/* Still interrupted: the next interruptible wait does not block. */
	a->rc2 = sim_sleep_intr(a->sim, SIM_S);
	a->at2 = sim_now(a->sim);
}

struct intr_ev {
	struct sim_task *t;
};

static void intr_ev(void *arg)
{
	struct intr_ev *e = arg;

	sim_task_interrupt(e->t);
}

TEST(interrupt_ends_an_interruptible_sleep_or_wait_at_once)
{
	for (int kind = 0; kind < 2; kind++) {
		struct sim *sim = sim_new(1);
		struct sim_waitq wq = SIM_WAITQ_INIT;
		struct intr_arg a = {sim, &wq, kind, 1, 1, 0, 0};
		struct intr_ev e = {sim_task_spawn(sim, "t", intr_main, &a)};

		sim_at(sim, 10, intr_ev, &e);
		sim_run(sim);
		CHECK(sim_task_done(e.t));
		CHECK(sim_task_interrupted(e.t));
		CHECK_EQ(a.rc, -EINTR);
		CHECK_EQ(a.at, 10);
		CHECK_EQ(a.rc2, -EINTR);
		CHECK_EQ(a.at2, 10);
		/* The waiter left the queue; its sleep event went too. */
		CHECK(wq.head == NULL && wq.tail == NULL);
		CHECK_EQ(sim_now(sim), 10);
		sim_task_free(e.t);
		sim_free(sim);
	}
}

/* Linux's TASK_UNINTERRUPTIBLE: a signal waits until the wait is over. */
TEST(interrupt_leaves_an_uninterruptible_wait_alone)
{
	struct sim *sim = sim_new(1);
	struct sim_waitq wq = SIM_WAITQ_INIT;
	struct intr_arg a = {sim, &wq, 2, 1, 1, 0, 0};
	struct intr_ev e = {sim_task_spawn(sim, "t", intr_main, &a)};
	struct waker k = {sim, &wq, false};

	sim_at(sim, 10, intr_ev, &e);
	sim_at(sim, 500, wake_ev, &k);
	sim_run(sim);
	CHECK_EQ(a.rc, 0);
	CHECK_EQ(a.at, 500);
	CHECK_EQ(a.rc2, -EINTR);
	CHECK_EQ(a.at2, 500);
	sim_task_free(e.t);
	sim_free(sim);
}

/* sim_task_sleep_intr: the task sleeps only when it is the one running. */
struct tsleep {
	struct sim *sim;
	struct sim_task *a, *b;
	int rc_own, rc_other, rc_event, rc_intr;
	sim_time_t own_at, other_at, event_at, intr_at;
};

static void tsleep_a(void *arg)
{
	struct tsleep *s = arg;

	s->rc_own = sim_task_sleep_intr(s->a, 5);
	s->own_at = sim_now(s->sim);
	sim_task_interrupt(s->a);
	s->rc_intr = sim_task_sleep_intr(s->a, 5);
	s->intr_at = sim_now(s->sim);
}

static void tsleep_b(void *arg)
{
	struct tsleep *s = arg;

	/* a is not the running task: no time passes for anyone */
	s->rc_other = sim_task_sleep_intr(s->a, 1000);
	s->other_at = sim_now(s->sim);
}

static void tsleep_ev(void *arg)
{
	struct tsleep *s = arg;

	s->rc_event = sim_task_sleep_intr(s->b, 1000);
	s->event_at = sim_now(s->sim);
}

TEST(task_sleep_intr_sleeps_only_in_the_running_task)
{
	static struct tsleep s;

	s = (struct tsleep){.sim = sim_new(1), .rc_other = 1, .rc_event = 1};
	s.a = sim_task_spawn(s.sim, "a", tsleep_a, &s);
	s.b = sim_task_spawn(s.sim, "b", tsleep_b, &s);
	sim_at(s.sim, 2, tsleep_ev, &s);
	sim_run(s.sim);
	CHECK_EQ(s.rc_own, 0);
	CHECK_EQ(s.own_at, 5);
	CHECK_EQ(s.rc_other, 0);
	CHECK_EQ(s.other_at, 0);
	CHECK_EQ(s.rc_event, 0);
	CHECK_EQ(s.event_at, 2);
	CHECK_EQ(s.rc_intr, -EINTR);
	CHECK_EQ(s.intr_at, 5);
	CHECK_EQ(sim_now(s.sim), 5);
	sim_task_free(s.a);
	sim_task_free(s.b);
	sim_free(s.sim);
}

TEST(interruptible_sleep_that_is_not_interrupted_sleeps_in_full)
{
	struct sim *sim = sim_new(1);
	struct intr_arg a = {sim, NULL, 0, 1, 1, 0, 0};
	struct sim_task *t = sim_task_spawn(sim, "t", intr_main, &a);

	sim_run(sim);
	CHECK_EQ(a.rc, 0);
	CHECK_EQ(a.at, SIM_S);
	CHECK_EQ(a.rc2, 0);
	CHECK_EQ(a.at2, 2 * SIM_S);
	CHECK(!sim_task_interrupted(t));
	sim_task_free(t);
	sim_free(sim);
}

/* sim_free releases tasks that still wait, without touching the queues
 * they wait on: those belong to objects freed before the scheduler. */
TEST(sim_free_does_not_touch_the_queues_of_waiting_tasks)
{
	struct sim *sim = sim_new(1);
	struct rec r = {.sim = sim};
	struct sim_waitq *wq = malloc(sizeof(*wq));
	struct waiter_arg w[2];
	unsigned char copy[sizeof(*wq)];

	CHECK(wq != NULL);
	*wq = (struct sim_waitq)SIM_WAITQ_INIT;
	for (int i = 0; i < 2; i++) {
		w[i] = (struct waiter_arg){&r, wq, i, 0, false, false};
		sim_task_spawn(sim, "stuck", waiter_main, &w[i]);
	}
	sim_run(sim);
	CHECK(wq->head != NULL);
	/* The queue's owner is gone: its memory now holds something else. */
	memset(wq, 0xa5, sizeof(*wq));
	memcpy(copy, wq, sizeof(copy));
	sim_free(sim);
	CHECK_MEM(wq, copy, sizeof(copy));
	free(wq);
}

/* ---- a sleep with nothing due before its end goes on in the task ----
 * Whatever the scheduler does with it, the loops must see what they would
 * see with the sleep's resume event queued: done() asked before every
 * event with that event pending, sim_step one event, sim_run_to no event
 * after its time. */

struct napper {
	struct sim *sim;
	int naps, done_naps;
	sim_time_t ns, at[16];
	int rc[16];
};

static void napper_main(void *arg)
{
	struct napper *n = arg;

	for (int i = 0; i < n->naps; i++) {
		n->rc[i] = sim_sleep_intr(n->sim, n->ns);
		n->at[i] = sim_now(n->sim);
		n->done_naps = i + 1;
	}
}

struct asker {
	struct sim *sim;
	struct napper *n;
	struct sim_task *t;
	int calls, stop_at, intr_at;
	size_t pending[32];
	sim_time_t now[32], next[32];
	int naps[32];
};

static bool asker_done(void *arg)
{
	struct asker *a = arg;
	sim_time_t next = 0;

	if (a->calls < 32) {
		a->pending[a->calls] = sim_pending(a->sim);
		a->now[a->calls] = sim_now(a->sim);
		a->next[a->calls] = sim_next_time(a->sim, &next) ? next : 0;
		a->naps[a->calls] = a->n->done_naps;
	}
	a->calls++;
	if (sim_current(a->sim))
		a->stop_at = -100; /* done() must run outside every task */
	if (a->calls == a->intr_at)
		sim_task_interrupt(a->t);
	return a->calls == a->stop_at || sim_task_done(a->t);
}

TEST(run_until_asks_done_before_each_sleep_ends_as_if_it_were_queued)
{
	struct sim *sim = sim_new(1);
	struct napper n = {sim, 6, 0, 5, {0}, {0}};
	struct asker a = {sim, &n, NULL, 0, 4, 0, {0}, {0}, {0}, {0}};

	a.t = sim_task_spawn(sim, "napper", napper_main, &n);
	CHECK(sim_run_until(sim, asker_done, &a));
	/* asked before the start, before the ends of naps 1 and 2, and
	 * stopped before the end of nap 3 */
	CHECK_EQ(a.calls, 4);
	CHECK_EQ(n.done_naps, 2);
	CHECK_EQ(sim_now(sim), 10);
	CHECK_EQ(sim_pending(sim), 1);
	for (int i = 1; i < 4; i++) {
		CHECK_EQ(a.pending[i], 1);
		CHECK_EQ(a.now[i], 5 * (sim_time_t)(i - 1));
		CHECK_EQ(a.next[i], 5 * (sim_time_t)i);
		CHECK_EQ(a.naps[i], i - 1);
	}
	a.stop_at = 0;
	CHECK(sim_run_until(sim, asker_done, &a));
	CHECK(sim_task_done(a.t));
	CHECK_EQ(a.calls, 4 + 5); /* before the ends of naps 3 to 6, after the end */
	CHECK_EQ(sim_now(sim), 30);
	for (int i = 0; i < 6; i++) {
		CHECK_EQ(n.at[i], 5 * (sim_time_t)(i + 1));
		CHECK_EQ(n.rc[i], 0);
	}
	sim_task_free(a.t);
	sim_free(sim);
}

TEST(done_may_interrupt_a_sleep_it_is_asked_about)
{
	struct sim *sim = sim_new(1);
	struct napper n = {sim, 3, 0, 5, {0}, {0}};
	struct asker a = {sim, &n, NULL, 0, 0, 3, {0}, {0}, {0}, {0}};

	a.t = sim_task_spawn(sim, "napper", napper_main, &n);
	CHECK(sim_run_until(sim, asker_done, &a));
	/* interrupted while asked about the end of nap 2 (at 5): it ends
	 * at once, and so does nap 3 */
	CHECK_EQ(n.rc[0], 0);
	CHECK_EQ(n.at[0], 5);
	CHECK_EQ(n.rc[1], -EINTR);
	CHECK_EQ(n.at[1], 5);
	CHECK_EQ(n.rc[2], -EINTR);
	CHECK_EQ(n.at[2], 5);
	CHECK(sim_task_done(a.t));
	sim_task_free(a.t);
	sim_free(sim);
}

TEST(step_and_run_to_never_run_a_sleep_past_their_end)
{
	struct sim *sim = sim_new(1);
	struct napper n = {sim, 6, 0, 5, {0}, {0}};
	struct sim_task *t = sim_task_spawn(sim, "napper", napper_main, &n);

	CHECK(sim_step(sim)); /* the start: into nap 1 */
	CHECK_EQ(n.done_naps, 0);
	CHECK(sim_step(sim));
	CHECK_EQ(n.done_naps, 1);
	CHECK_EQ(sim_now(sim), 5);
	CHECK_EQ(sim_pending(sim), 1);
	sim_run_to(sim, 17);
	CHECK_EQ(n.done_naps, 3);
	CHECK_EQ(sim_now(sim), 17);
	CHECK_EQ(sim_pending(sim), 1);
	sim_run_to(sim, 20); /* an end at the limit itself is run */
	CHECK_EQ(n.done_naps, 4);
	sim_run(sim);
	CHECK(sim_task_done(t));
	CHECK_EQ(sim_now(sim), 30);
	sim_task_free(t);
	sim_free(sim);
}
