/* The zero-time fast paths of the channel (docs/timing.md): commands that
 * take no simulated time complete in the event that started them, and a
 * single direct data area is used in place.  The observable results must
 * be those of the event-per-command path. */
#include "mt.h"

static void zero_timing(struct mt *w)
{
	memset(machine_timing(w->m), 0, sizeof(struct machine_timing));
}

static void three_command_chain(struct mt *w)
{
	mt_ccw(w, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(w, 1, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(w, 2, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 256, A_DATA);
}

TEST(zero_time_chain_ends_in_the_start_event_with_the_usual_status)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	zero_timing(&w);
	three_command_chain(&w);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	CHECK_EQ(sim_pending(w.sim), 1);
	CHECK(sim_step(w.sim)); /* start: all three commands, status pending */
	CHECK_EQ(testdev_stats(w.dev)->cmds, 3);
	CHECK_EQ(w.nint, 0); /* the interruption is still its own event */
	sim_run(w.sim);
	CHECK_EQ(w.nint, 1);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 24);
	CHECK_EQ(irb.scsw.count, 256 - 7);
	CHECK_EQ(get_be16(mt_mem(&w, A_DATA + 1)), TESTDEV_CU_TYPE);
	CHECK_EQ(sim_now(w.sim), 0);
	mt_fini(&w);
}

static unsigned seen_cmds;
static void look(void *arg)
{
	seen_cmds = testdev_stats(arg)->cmds;
}

TEST(zero_time_chain_yields_to_an_event_due_at_the_same_time)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	zero_timing(&w);
	three_command_chain(&w);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	/* Scheduled after the start: runs after the first command, before
	 * the second, as with one event per command. */
	sim_at(w.sim, 0, look, w.dev);
	sim_run(w.sim);
	CHECK_EQ(seen_cmds, 1);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 3);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	mt_fini(&w);
}

TEST(zero_time_chain_of_a_hundred_thousand_commands_does_not_grow_the_stack)
{
	enum { N = 100000 };
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	zero_timing(&w);
	for (int i = 0; i < N - 1; i++)
		mt_ccw(&w, i, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	mt_ccw(&w, N - 1, CCW_CMD_NOOP, 0, 0, 0);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(testdev_stats(w.dev)->cmds, N);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl, 0x4007);
	CHECK_EQ(irb.scsw.cpa, A_CCW + 8 * N);
	mt_fini(&w);
}

TEST(zero_time_short_read_in_place_stores_only_what_the_device_sent)
{
	struct mt w;
	struct irb irb;
	size_t len;
	uint8_t *buf;

	mt_init(&w, 4, 0);
	zero_timing(&w);
	buf = testdev_buf(w.dev, &len);
	CHECK_EQ(len, 4096);
	memset(buf, 'x', len);
	memset(mt_mem(&w, A_DATA), '.', 8192);
	mt_ccw(&w, 0, CCW_CMD_READ, CCW_FLAG_SLI, 6000, A_DATA);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, 0);
	CHECK_EQ(irb.scsw.count, 6000 - 4096);
	CHECK_EQ(mt_mem(&w, A_DATA)[0], 'x');
	CHECK_EQ(mt_mem(&w, A_DATA)[4095], 'x');
	CHECK_EQ(mt_mem(&w, A_DATA)[4096], '.');
	CHECK_EQ(mt_mem(&w, A_DATA)[5999], '.');
	/* Without SLI the same read is an incorrect length. */
	mt_ccw(&w, 0, CCW_CMD_READ, 0, 6000, A_DATA);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_INCORR_LEN);
	mt_fini(&w);
}

TEST(zero_time_read_outside_storage_is_still_a_program_check)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	zero_timing(&w);
	mt_ccw(&w, 0, CCW_CMD_READ, CCW_FLAG_SLI, 4096, (16 << 20) - 100);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 0);
	mt_fini(&w);
}

/* A read stores its data as the device transfers it, in place (with the
 * default timing too): cleared in flight, it has stored what was
 * transferred, as a channel's data transfer that preceded the clear
 * signal would have (the architecture leaves such storage changed). */
TEST(with_default_timing_a_read_cleared_in_flight_has_stored_what_it_transferred)
{
	struct mt w;
	struct irb irb;

	mt_init(&w, 4, 0);
	memset(testdev_buf(w.dev, NULL), 'x', 4096);
	memset(mt_mem(&w, A_DATA), '.', 4096);
	mt_ccw(&w, 0, CCW_CMD_READ, CCW_FLAG_SLI, 4096, A_DATA);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch(&w, SCH0, 0xf0), 0);
	/* After the start (5 us), inside the command's 1 us. */
	sim_run_to(w.sim, machine_timing(w.m)->ssch_start + 500);
	CHECK_EQ(testdev_stats(w.dev)->cmds, 1);
	CHECK_EQ(w.css.ops->csch(w.css.css, SCH0), 0);
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl & SCSW_FCTL_CLEAR, SCSW_FCTL_CLEAR);
	CHECK_EQ(irb.scsw.dstat, 0);
	CHECK_EQ(mt_mem(&w, A_DATA)[0], 'x');
	CHECK_EQ(mt_mem(&w, A_DATA)[4095], 'x');
	mt_fini(&w);
}

static void noop(void *arg)
{
	(void)arg;
}

TEST(sim_next_is_mine_only_when_nothing_else_is_due_now_and_order_is_fifo)
{
	struct sim *sim = sim_new(3);
	struct sim_event *ev;

	CHECK(sim_next_is_mine(sim));
	sim_at(sim, 10, noop, NULL);
	CHECK(sim_next_is_mine(sim));
	ev = sim_at(sim, 0, noop, NULL);
	CHECK(!sim_next_is_mine(sim));
	sim_cancel(sim, ev);
	CHECK(sim_next_is_mine(sim));
	sim_set_permute(sim, true);
	CHECK(!sim_next_is_mine(sim));
	sim_set_permute(sim, false);
	/* Reused handles (freelist) still cancel and run correctly. */
	for (int i = 0; i < 100; i++) {
		ev = sim_at(sim, 1, noop, NULL);
		sim_cancel(sim, ev);
	}
	CHECK_EQ(sim_pending(sim), 1);
	sim_run(sim);
	CHECK_EQ(sim_now(sim), 10);
	sim_free(sim);
}

/* A read through IDAWs: pieces that follow each other in storage (a
 * buffer an OS allocated) are one area the device fills in place, so a
 * clear in flight finds the data stored; scattered pieces go through the
 * channel buffer and are stored at the command's end, so it finds them
 * untouched.  Either way a completed read stores the same bytes. */
static void ida_read(bool contiguous, bool clear, uint8_t *first, uint8_t *last)
{
	struct orb o = {.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_C64, .lpm = 0xf0, .cpa = A_CCW};
	uint64_t b0 = 0x40800, b1 = contiguous ? 0x41000 : 0x60000; /* 2 KB each */
	struct mt w;
	struct irb irb;
	uint8_t *buf;

	mt_init(&w, 4, 0);
	buf = testdev_buf(w.dev, NULL);
	for (int i = 0; i < 4096; i++)
		buf[i] = (uint8_t)(i * 13 + 1);
	memset(mt_mem(&w, b0), '.', 2048);
	memset(mt_mem(&w, b1), '.', 2048);
	put_be64(mt_mem(&w, A_DATA), b0);
	put_be64(mt_mem(&w, A_DATA + 8), b1);
	mt_ccw(&w, 0, CCW_CMD_READ, CCW_FLAG_IDA | CCW_FLAG_SLI, 4096, A_DATA);
	mt_enable(&w, SCH0);
	CHECK_EQ(mt_ssch_orb(&w, SCH0, &o), 0);
	if (clear) {
		sim_run_to(w.sim, machine_timing(w.m)->ssch_start + 500);
		CHECK_EQ(w.css.ops->csch(w.css.css, SCH0), 0);
	}
	sim_run(w.sim);
	CHECK_EQ(mt_tsch(&w, SCH0, &irb), 0);
	if (!clear) {
		CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
		CHECK_MEM(mt_mem(&w, b0), buf, 2048);
		CHECK_MEM(mt_mem(&w, b1), buf + 2048, 2048);
	}
	*first = mt_mem(&w, b0)[0];
	*last = mt_mem(&w, b1)[2047];
	mt_fini(&w);
}

TEST(contiguous_idaws_are_used_in_place_scattered_ones_through_the_buffer)
{
	uint8_t f, l;

	ida_read(true, false, &f, &l);
	ida_read(false, false, &f, &l);
	ida_read(true, true, &f, &l);
	CHECK_EQ(f, 1);
	CHECK_EQ(l, (uint8_t)(4095 * 13 + 1));
	ida_read(false, true, &f, &l);
	CHECK_EQ(f, '.');
	CHECK_EQ(l, '.');
}
