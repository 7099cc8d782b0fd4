/* Task switches: what a task has in registers, on its stack and in the
 * floating-point unit survives any number of switches, and a task's stack
 * is aligned as the ABI wants.  Tasks record; the main program checks. */
#include "t.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/sim.h"

struct sw_state {
	struct sim *sim;
	struct sim_waitq *peer_wq, *my_wq;
	int id;
	double fsum;
	uint64_t isum;
	char text[64];
	uintptr_t align;
	int depth;
};

/* Many live values across every block: they sit in callee-saved
 * registers, so a switch that lost one would change the sums. */
static void sw_worker(void *arg)
{
	struct sw_state *s = arg;
	uint64_t a = 1, b = 2, c = 3, d = 5, e = 7, f = 11;
	double x = 0.5, y = 1.25;

	for (int i = 0; i < 200; i++) {
		a = a * 3 + (uint64_t)s->id;
		b ^= a << 7;
		c += b >> 3;
		d = d * 5 + c;
		e += d ^ a;
		f = f * 7 + e;
		x = x * 1.0001 + (double)(i % 7);
		y = y / 1.5 + x;
		if (i % 2)
			sim_sleep(s->sim, (sim_time_t)(s->id + 1));
		else
			sim_wait_timeout(s->sim, s->my_wq, 3);
		sim_wake(s->sim, s->peer_wq);
	}
	s->isum = a + b + c + d + e + f;
	s->fsum = x + y;
	/* A varargs call with doubles: misaligned stacks fault in there. */
	snprintf(s->text, sizeof(s->text), "%.3f %g", x, y);
}

static void sw_expect(int id, uint64_t *isum, double *fsum, char *text, size_t len)
{
	uint64_t a = 1, b = 2, c = 3, d = 5, e = 7, f = 11;
	double x = 0.5, y = 1.25;

	for (int i = 0; i < 200; i++) {
		a = a * 3 + (uint64_t)id;
		b ^= a << 7;
		c += b >> 3;
		d = d * 5 + c;
		e += d ^ a;
		f = f * 7 + e;
		x = x * 1.0001 + (double)(i % 7);
		y = y / 1.5 + x;
	}
	*isum = a + b + c + d + e + f;
	*fsum = x + y;
	snprintf(text, len, "%.3f %g", x, y);
}

TEST(switch_keeps_registers_and_floating_point_of_interleaved_tasks)
{
	struct sim *sim = sim_new(3);
	struct sim_waitq wq[4] = {SIM_WAITQ_INIT, SIM_WAITQ_INIT, SIM_WAITQ_INIT, SIM_WAITQ_INIT};
	struct sw_state s[4];
	struct sim_task *t[4];

	for (int i = 0; i < 4; i++) {
		s[i] = (struct sw_state){
			.sim = sim, .id = i, .my_wq = &wq[i], .peer_wq = &wq[(i + 1) % 4]};
		t[i] = sim_task_spawn(sim, "sw", sw_worker, &s[i]);
		CHECK(t[i] != NULL);
	}
	sim_run(sim);
	for (int i = 0; i < 4; i++) {
		uint64_t isum;
		double fsum;
		char text[64];

		CHECK(sim_task_done(t[i]));
		sw_expect(i, &isum, &fsum, text, sizeof(text));
		CHECK_EQ(s[i].isum, isum);
		CHECK(s[i].fsum == fsum);
		CHECK_STR(s[i].text, text);
		sim_task_free(t[i]);
	}
	sim_free(sim);
}

static void sw_aligned(void *arg)
{
	struct sw_state *s = arg;
	_Alignas(32) unsigned char buf[64];

	buf[0] = 1;
	s->align = (uintptr_t)buf % 32;
	sim_sleep(s->sim, 1);
	s->align |= (uintptr_t)__builtin_frame_address(0) % 16;
}

TEST(switch_task_stack_is_aligned)
{
	struct sim *sim = sim_new(1);
	struct sw_state s = {.sim = sim, .align = 99};
	struct sim_task *t = sim_task_spawn(sim, "al", sw_aligned, &s);

	sim_run(sim);
	CHECK(sim_task_done(t));
	CHECK_EQ(s.align, 0);
	sim_free(sim);
}

/* Recursion that uses most of the task's 256 KB stack, blocking at the
 * bottom: the frames above survive the switches. */
static uint64_t sw_deep(struct sw_state *s, int n)
{
	volatile unsigned char pad[1024];

	pad[0] = (unsigned char)n;
	pad[1023] = (unsigned char)(n >> 1);
	if (n == 0) {
		sim_sleep(s->sim, 5);
		sim_sleep(s->sim, 5);
		return 0;
	}
	return sw_deep(s, n - 1) + pad[0] + pad[1023];
}

static void sw_deep_task(void *arg)
{
	struct sw_state *s = arg;

	s->isum = sw_deep(s, s->depth);
}

TEST(switch_keeps_deep_task_stacks)
{
	struct sim *sim = sim_new(1);
	struct sw_state s = {.sim = sim, .depth = 150};
	struct sim_task *t = sim_task_spawn(sim, "deep", sw_deep_task, &s);
	uint64_t want = 0;

	sim_run(sim);
	for (int n = 1; n <= 150; n++)
		want += (unsigned char)n + (unsigned char)(n >> 1);
	CHECK(sim_task_done(t));
	CHECK_EQ(s.isum, want);
	CHECK_EQ(sim_now(sim), 10);
	sim_free(sim);
}
