/* Channel-program translation (vfio_ccw_cp.c) against a plain storage:
 * one rule per test.  Host storage 8 MiB; the guest window is host
 * [4 MiB, 5 MiB) mapped at iova 0; host kernel memory is a bump allocator
 * in [1 MiB, 2 MiB) that counts live allocations. */
#include <errno.h>
#include <stdlib.h>

#include "arch/bytes.h"
#include "os/vfio_ccw_private.h"
#include "sim/sim.h"
#include "t.h"

#define HOST_SIZE  (8u << 20)
#define GUEST_HOST (4u << 20)
#define GUEST_SIZE (1u << 20)
#define KMEM_START (1u << 20)
#define KMEM_END   (2u << 20)

struct cpt {
	struct storage *mem;
	struct vfio_dma_table dma;
	struct cp_mem m;
	struct channel_program cp;
	uint64_t next;
	int live;
};

static uint64_t cpt_alloc(void *ctx, uint64_t size, uint64_t align)
{
	struct cpt *t = ctx;
	uint64_t a = (t->next + align - 1) & ~(align - 1);

	if (a + size > KMEM_END)
		return 0;
	t->next = a + size;
	t->live++;
	return a;
}

static void cpt_free(void *ctx, uint64_t addr)
{
	struct cpt *t = ctx;

	(void)addr;
	t->live--;
}

static struct cpt *cpt_new(void)
{
	struct cpt *t = calloc(1, sizeof(*t));

	t->mem = storage_new(HOST_SIZE);
	t->m = (struct cp_mem){t->mem, cpt_alloc, cpt_free, t, 0};
	t->next = KMEM_START;
	CHECK_EQ(vfio_dma_table_map(&t->dma, t->mem, GUEST_HOST, 0, GUEST_SIZE), 0);
	return t;
}

static void cpt_done(struct cpt *t)
{
	cp_destroy(&t->cp);
	CHECK_EQ(t->live, 0);
	storage_free(t->mem);
	free(t);
}

static uint8_t *g(struct cpt *t, uint64_t iova)
{
	return t->mem->base + GUEST_HOST + iova;
}

static void put_ccw1(struct cpt *t, uint64_t iova, uint8_t cmd, uint8_t flags, uint16_t count,
		     uint32_t cda)
{
	struct ccw1 c = {cmd, flags, count, cda};

	ccw1_encode(&c, g(t, iova));
}

static struct ccw1 host_ccw(struct cpt *t, uint64_t haddr)
{
	struct ccw1 c;

	ccw1_decode(t->mem->base + haddr, &c);
	return c;
}

static uint64_t host_idaw(struct cpt *t, uint64_t idal, int i)
{
	return get_be64(t->mem->base + idal + (uint64_t)i * 8);
}

static struct orb orb_fmt1(uint32_t cpa)
{
	struct orb o = {0};

	o.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64;
	o.lpm = 0xff;
	o.cpa = cpa;
	return o;
}

static int translate(struct cpt *t, const struct orb *o)
{
	int rc = cp_init(&t->cp, &t->m, &t->dma, o);

	return rc ? rc : cp_prefetch(&t->cp);
}

TEST(vfio_cp_sense_id_gets_host_idal_into_mapped_storage)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0x800), h;
	struct ccw1 c;

	put_ccw1(t, 0x800, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 8, 0x1000);
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0x80, 0x1234, &h);
	CHECK(h.ctrl0 & ORB_CTRL0_FMT);
	CHECK(h.ctrl0 & ORB_CTRL0_C64);
	CHECK(!(h.ctrl0 & ORB_CTRL0_I2K));
	CHECK_EQ(h.lpm, 0x80);
	CHECK_EQ(h.intparm, 0x1234);
	CHECK(h.cpa >= KMEM_START && h.cpa < KMEM_END);
	c = host_ccw(t, h.cpa);
	CHECK_EQ(c.cmd, CCW_CMD_SENSE_ID);
	CHECK_EQ(c.flags, CCW_FLAG_SLI | CCW_FLAG_IDA);
	CHECK_EQ(c.count, 8);
	CHECK_EQ(host_idaw(t, c.cda, 0), GUEST_HOST + 0x1000);
	cpt_done(t);
}

TEST(vfio_cp_format0_becomes_format1_with_2k_idaws)
{
	struct cpt *t = cpt_new();
	struct orb o = {0}, h;
	struct ccw1 c = {CCW_CMD_READ, CCW_FLAG_CC, 100, 0x3000};
	struct ccw1 n = {CCW_CMD_NOOP, 0, 1, 0};

	ccw0_encode(&c, g(t, 0x100));
	ccw0_encode(&n, g(t, 0x108));
	o.lpm = 0xff;
	o.cpa = 0x100;
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	CHECK(h.ctrl0 & ORB_CTRL0_FMT);
	CHECK(h.ctrl0 & ORB_CTRL0_C64);
	CHECK(h.ctrl0 & ORB_CTRL0_I2K); /* 2K blocks like the guest's format-1 IDAWs */
	c = host_ccw(t, h.cpa);
	CHECK_EQ(c.cmd, CCW_CMD_READ);
	CHECK_EQ(c.flags, CCW_FLAG_CC | CCW_FLAG_IDA);
	CHECK_EQ(c.count, 100);
	CHECK_EQ(host_idaw(t, c.cda, 0), GUEST_HOST + 0x3000);
	cpt_done(t);
}

TEST(vfio_cp_data_is_split_into_one_idaw_per_4k_block)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0), h;
	struct ccw1 c;

	put_ccw1(t, 0, CCW_CMD_READ, 0, 6000, 0x1f00);
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa);
	CHECK_EQ(host_idaw(t, c.cda, 0), GUEST_HOST + 0x1f00);
	CHECK_EQ(host_idaw(t, c.cda, 1), GUEST_HOST + 0x2000);
	CHECK_EQ(host_idaw(t, c.cda, 2), GUEST_HOST + 0x3000);
	CHECK_EQ(t->cp.chain[0]->ccw[0].nidaw, 3);
	cpt_done(t);
}

TEST(vfio_cp_guest_pages_in_two_mappings_get_their_own_host_addresses)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0), h;
	struct ccw1 c;

	/* iova 1M..1M+64K lives at host 6M: not contiguous with the first window */
	CHECK_EQ(vfio_dma_table_map(&t->dma, t->mem, 6u << 20, GUEST_SIZE, 0x10000), 0);
	put_ccw1(t, 0, CCW_CMD_WRITE, 0, 0x200, GUEST_SIZE - 0x100);
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa);
	CHECK_EQ(host_idaw(t, c.cda, 0), GUEST_HOST + GUEST_SIZE - 0x100);
	CHECK_EQ(host_idaw(t, c.cda, 1), 6u << 20);
	cpt_done(t);
}

/* A chain fetched across a guest page boundary: the CCWs after it come
 * from the next page's own mapping (not contiguous on the host), and a
 * chain that runs off the mapping is -EFAULT. */
TEST(vfio_cp_chain_across_pages_and_mappings_is_fetched_per_page)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0), h;
	uint64_t at = GUEST_SIZE - 8;

	CHECK_EQ(vfio_dma_table_map(&t->dma, t->mem, 6u << 20, GUEST_SIZE, 0x1000), 0);
	o.cpa = (uint32_t)at;
	put_ccw1(t, at, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	/* iova GUEST_SIZE.. is host 6M.. */
	put_be32(t->mem->base + (6u << 20),
		 (uint32_t)CCW_CMD_NOOP << 24 | (uint32_t)CCW_FLAG_CC << 16);
	put_be32(t->mem->base + (6u << 20) + 4, 0);
	put_be32(t->mem->base + (6u << 20) + 8, (uint32_t)CCW_CMD_BASIC_SENSE << 24 | 8);
	put_be32(t->mem->base + (6u << 20) + 12, 0x100);
	/* what lies at the host address right after the first window must
	 * not be read as the chain's second CCW */
	put_ccw1(t, GUEST_SIZE, CCW_CMD_WRITE, 0, 8, 0x100);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->cp.chain[0]->len, 3);
	CHECK_EQ(t->cp.chain[0]->ccw[1].guest.cmd, CCW_CMD_NOOP);
	CHECK_EQ(t->cp.chain[0]->ccw[2].guest.cmd, CCW_CMD_BASIC_SENSE);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	CHECK_EQ(host_ccw(t, h.cpa + 16).cmd, CCW_CMD_BASIC_SENSE);
	cp_trim(&t->cp);
	/* chaining on past the last mapped page */
	put_be32(t->mem->base + (6u << 20) + 0xff8,
		 (uint32_t)CCW_CMD_NOOP << 24 | (uint32_t)CCW_FLAG_CC << 16);
	o.cpa = (uint32_t)(GUEST_SIZE + 0xff8);
	CHECK_EQ(translate(t, &o), -EFAULT);
	cpt_done(t);
}

TEST(vfio_cp_guest_format2_idal_is_translated)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0), h;
	struct ccw1 c;

	put_ccw1(t, 0, CCW_CMD_READ, CCW_FLAG_IDA, 5000, 0x400);
	put_be64(g(t, 0x400), 0x5800);
	put_be64(g(t, 0x408), 0x9000);
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa);
	CHECK_EQ(c.flags, CCW_FLAG_IDA);
	CHECK_EQ(host_idaw(t, c.cda, 0), GUEST_HOST + 0x5800);
	CHECK_EQ(host_idaw(t, c.cda, 1), GUEST_HOST + 0x9000);
	cpt_done(t);
}

TEST(vfio_cp_guest_format1_idal_uses_2k_blocks)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0), h;
	struct ccw1 c;

	o.ctrl0 &= (uint16_t)~ORB_CTRL0_C64;
	put_ccw1(t, 0, CCW_CMD_READ, CCW_FLAG_IDA, 3000, 0x400);
	put_be32(g(t, 0x400), 0x7c00);
	put_be32(g(t, 0x404), 0xa800);
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	CHECK(h.ctrl0 & ORB_CTRL0_I2K);
	c = host_ccw(t, h.cpa);
	CHECK_EQ(host_idaw(t, c.cda, 0), GUEST_HOST + 0x7c00);
	CHECK_EQ(host_idaw(t, c.cda, 1), GUEST_HOST + 0xa800);
	cpt_done(t);
}

TEST(vfio_cp_later_idaw_inside_a_block_is_refused)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);

	put_ccw1(t, 0, CCW_CMD_READ, CCW_FLAG_IDA, 5000, 0x400);
	put_be64(g(t, 0x400), 0x5800);
	put_be64(g(t, 0x408), 0x9010);
	CHECK_EQ(translate(t, &o), -EINVAL);
	cpt_done(t);
}

TEST(vfio_cp_ccw_outside_the_mapping_is_efault)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(GUEST_SIZE);

	CHECK_EQ(translate(t, &o), -EFAULT);
	o.cpa = GUEST_SIZE - 8; /* last CCW chains past the end */
	put_ccw1(t, GUEST_SIZE - 8, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	CHECK_EQ(translate(t, &o), -EFAULT);
	cpt_done(t);
}

TEST(vfio_cp_data_outside_or_crossing_the_mapping_is_efault)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);

	put_ccw1(t, 0, CCW_CMD_READ, 0, 16, 0x7ffffff0);
	CHECK_EQ(translate(t, &o), -EFAULT);
	put_ccw1(t, 0, CCW_CMD_WRITE, 0, 0x100, GUEST_SIZE - 0x80);
	CHECK_EQ(translate(t, &o), -EFAULT);
	/* guest storage must not have been written by a refused translation */
	CHECK_EQ(t->live, 0);
	cpt_done(t);
}

TEST(vfio_cp_idaw_or_idal_outside_the_mapping_is_efault)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);

	put_ccw1(t, 0, CCW_CMD_READ, CCW_FLAG_IDA, 100, 0x400);
	put_be64(g(t, 0x400), 0x123456789ull);
	CHECK_EQ(translate(t, &o), -EFAULT);
	put_ccw1(t, 0, CCW_CMD_READ, CCW_FLAG_IDA, 100, GUEST_SIZE + 0x1000);
	CHECK_EQ(translate(t, &o), -EFAULT);
	put_ccw1(t, 0, CCW_CMD_READ, CCW_FLAG_IDA, 100, 0x404); /* misaligned IDAL */
	CHECK_EQ(translate(t, &o), -EINVAL);
	cpt_done(t);
}

TEST(vfio_cp_chain_of_255_is_accepted_256_refused)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);

	for (int i = 0; i < 256; i++)
		put_ccw1(t, (uint64_t)i * 8, CCW_CMD_NOOP, i < 254 ? CCW_FLAG_CC : 0, 0, 0);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->cp.chain[0]->len, 255);
	cp_free(&t->cp);
	put_ccw1(t, 254 * 8, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	CHECK_EQ(translate(t, &o), -EINVAL);
	cpt_done(t);
}

TEST(vfio_cp_tic_back_into_the_segment_points_at_the_host_copy)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0x100), h;
	struct ccw1 c;

	put_ccw1(t, 0x100, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	put_ccw1(t, 0x108, CCW_CMD_READ, CCW_FLAG_CC, 10, 0x2000);
	put_ccw1(t, 0x110, CCW_CMD_TIC, 0, 0, 0x108);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->cp.nchains, 1);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa + 16);
	CHECK_EQ(c.cmd, CCW_CMD_TIC);
	CHECK_EQ(c.cda, h.cpa + 8);
	cpt_done(t);
}

TEST(vfio_cp_tic_forward_fetches_a_new_segment)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0x100), h;
	struct ccw1 c;

	put_ccw1(t, 0x100, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	put_ccw1(t, 0x108, CCW_CMD_TIC, 0, 0, 0x8000);
	put_ccw1(t, 0x8000, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, 0x3000);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->cp.nchains, 2);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa + 8);
	CHECK_EQ(c.cda, t->cp.chain[1]->host);
	c = host_ccw(t, t->cp.chain[1]->host);
	CHECK_EQ(c.cmd, CCW_CMD_SENSE_ID);
	cpt_done(t);
}

TEST(vfio_cp_seventeen_segments_are_refused)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);

	for (int i = 0; i < 15; i++)
		put_ccw1(t, (uint64_t)i * 0x100, CCW_CMD_TIC, 0, 0, (uint32_t)(i + 1) * 0x100);
	put_ccw1(t, 15 * 0x100, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(translate(t, &o), 0); /* 16 segments: 15 TICs + the end */
	CHECK_EQ(t->cp.nchains, 16);
	cp_free(&t->cp);
	put_ccw1(t, 15 * 0x100, CCW_CMD_TIC, 0, 0, 16 * 0x100);
	put_ccw1(t, 16 * 0x100, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(translate(t, &o), -EINVAL);
	cpt_done(t);
}

TEST(vfio_cp_tic_loop_without_a_device_command_is_refused)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0x200);

	put_ccw1(t, 0x200, CCW_CMD_TIC, 0, 0, 0x200); /* TIC to itself */
	CHECK_EQ(translate(t, &o), -EINVAL);
	put_ccw1(t, 0x200, CCW_CMD_TIC, 0, 0, 0x300); /* ping-pong */
	put_ccw1(t, 0x300, CCW_CMD_TIC, 0, 0, 0x200);
	CHECK_EQ(translate(t, &o), -EINVAL);
	put_ccw1(t, 0x200, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0); /* NOP; TIC *-8 */
	put_ccw1(t, 0x208, CCW_CMD_TIC, 0, 0, 0x200);
	CHECK_EQ(translate(t, &o), -EINVAL);
	put_ccw1(t, 0x1f8, CCW_CMD_SENSE_ID, CCW_FLAG_CC, 8, 0x3000); /* work before */
	o.cpa = 0x1f8;
	CHECK_EQ(translate(t, &o), -EINVAL);
	cpt_done(t);
}

TEST(vfio_cp_search_loop_is_accepted)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0x200), h;
	struct ccw1 c;

	/* Search ID Equal; TIC *-8; Read Data: ends by status modifier */
	put_ccw1(t, 0x200, 0x31, CCW_FLAG_CC, 5, 0x3000);
	put_ccw1(t, 0x208, CCW_CMD_TIC, 0, 0, 0x200);
	put_ccw1(t, 0x210, 0x06, 0, 4096, 0x4000);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->cp.nchains, 1);
	CHECK_EQ(t->cp.chain[0]->len, 3); /* the Read after the TIC is fetched */
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa + 16);
	CHECK_EQ(c.cmd, 0x06);
	CHECK_EQ(host_idaw(t, c.cda, 0), GUEST_HOST + 0x4000);
	c = host_ccw(t, h.cpa + 24); /* spare slot: invalid command */
	CHECK_EQ(c.cmd, 0);
	cpt_done(t);
}

TEST(vfio_cp_misaligned_cpa_or_tic_target_is_einval)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0x204);

	CHECK_EQ(translate(t, &o), -EINVAL);
	o.cpa = 0x200;
	put_ccw1(t, 0x200, CCW_CMD_TIC, 0, 0, 0x302);
	CHECK_EQ(translate(t, &o), -EINVAL);
	cpt_done(t);
}

TEST(vfio_cp_garbage_orbs_are_refused)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);

	put_ccw1(t, 0, CCW_CMD_NOOP, 0, 0, 0);
	o.ctrl0 |= ORB_CTRL0_B;
	CHECK_EQ(translate(t, &o), -EOPNOTSUPP);
	o = orb_fmt1(0);
	o.ctrl1 = ORB_CTRL1_MIDAW;
	CHECK_EQ(translate(t, &o), -EOPNOTSUPP);
	o = orb_fmt1(0);
	o.ctrl0 |= ORB_CTRL0_SPND;
	CHECK_EQ(translate(t, &o), -EOPNOTSUPP);
	o = orb_fmt1(0);
	o.ctrl1 = 0x3e;
	CHECK_EQ(translate(t, &o), -EINVAL);
	o = orb_fmt1(0);
	o.ctrl1 = ORB_CTRL1_ORBX;
	CHECK_EQ(translate(t, &o), -EINVAL);
	o = orb_fmt1(0x80000000u);
	CHECK(translate(t, &o) < 0);
	cpt_done(t);
}

TEST(vfio_cp_read_backward_with_data_is_not_supported)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);

	put_ccw1(t, 0, 0x0c, 0, 100, 0x2000);
	CHECK_EQ(translate(t, &o), -EOPNOTSUPP);
	cpt_done(t);
}

TEST(vfio_cp_ccw_without_data_transfer_points_at_scratch)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0), h;
	struct ccw1 c;

	put_ccw1(t, 0, CCW_CMD_NOOP, CCW_FLAG_CC, 5000, 0x7ffff000);
	put_ccw1(t, 8, CCW_CMD_READ, CCW_FLAG_SKIP, 100, 0x7ffff000);
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa);
	CHECK_EQ(host_idaw(t, c.cda, 0), t->cp.scratch);
	CHECK_EQ(host_idaw(t, c.cda, 1), t->cp.scratch);
	c = host_ccw(t, h.cpa + 8);
	CHECK_EQ(host_idaw(t, c.cda, 0), t->cp.scratch);
	cpt_done(t);
}

TEST(vfio_cp_update_scsw_gives_the_guest_its_own_ccw_address)
{
	struct cpt *t = cpt_new();
	struct orb o = {0}, h;
	struct scsw s = {0};
	struct ccw1 c = {CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0};

	o.cpa = 0x100; /* format 0 */
	ccw0_encode(&c, g(t, 0x100));
	c.flags = 0;
	ccw0_encode(&c, g(t, 0x108));
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	s.flags = SCSW_FLAGS_FMT;
	s.cpa = h.cpa + 16; /* one past the last CCW */
	cp_update_scsw(&t->cp, &s);
	CHECK_EQ(s.cpa, 0x110);
	CHECK(!(s.flags & SCSW_FLAGS_FMT));
	s.cpa = 0x7000; /* not ours: never passed on */
	cp_update_scsw(&t->cp, &s);
	CHECK_EQ(s.cpa, 0);
	cpt_done(t);
}

TEST(vfio_cp_knows_which_guest_pages_it_uses)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0x100);

	put_ccw1(t, 0x100, CCW_CMD_READ, 0, 100, 0x5000);
	CHECK_EQ(translate(t, &o), 0);
	CHECK(cp_iova_pinned(&t->cp, 0, 0x1000));
	CHECK(cp_iova_pinned(&t->cp, 0x5000, 0x1000));
	CHECK(!cp_iova_pinned(&t->cp, 0x6000, 0x10000));
	cpt_done(t);
}

/* The segment buffers of one program are reused by the next: nothing of
 * the earlier program (its data pieces, its IDAL) survives into it. */
TEST(vfio_cp_reused_segment_forgets_the_previous_program)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0x100);
	struct ccwchain *first;
	struct orb h;
	struct ccw1 c;

	put_ccw1(t, 0x100, CCW_CMD_READ, CCW_FLAG_CC, 0x3000, 0x5000);
	put_ccw1(t, 0x108, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(translate(t, &o), 0);
	first = t->cp.chain[0];
	CHECK_EQ(first->ccw[0].nidaw, 3);
	cp_free(&t->cp);
	CHECK_EQ(t->live, 1); /* the program's block, kept for the next */
	put_ccw1(t, 0x100, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->live, 2); /* that block and this program's scratch page */
	CHECK(t->cp.chain[0] == first);
	CHECK_EQ(t->cp.chain[0]->len, 1);
	CHECK_EQ(t->cp.chain[0]->ccw[0].nidaw, 0);
	CHECK(!cp_iova_pinned(&t->cp, 0x5000, 0x3000));
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa);
	CHECK_EQ(c.cmd, CCW_CMD_NOOP);
	CHECK_EQ(host_idaw(t, c.cda, 0), t->cp.scratch);
	/* the spare CCW after the one-CCW segment is zero again */
	c = host_ccw(t, h.cpa + 8);
	CHECK_EQ(c.cmd, 0);
	cpt_done(t);
}

/* The host block of a program is kept for the next program (at most one,
 * of at most CP_KEPT_MAX bytes), too small a one is given back, and
 * cp_trim returns it: nothing is held once the device is closed. */
TEST(vfio_cp_host_block_is_kept_for_the_next_program_and_trimmed)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);
	struct orb h;
	uint64_t cpa;

	t->m.scratch = 0x1ff000;
	put_ccw1(t, 0, CCW_CMD_READ, 0, 0x800, 0x2000);
	CHECK_EQ(translate(t, &o), 0);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	cpa = h.cpa;
	cp_free(&t->cp);
	CHECK_EQ(t->live, 1);
	/* the same shape again: the same block, nothing allocated */
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->live, 1);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	CHECK_EQ(h.cpa, cpa);
	CHECK_EQ(host_ccw(t, h.cpa).cmd, CCW_CMD_READ);
	CHECK_EQ(host_ccw(t, h.cpa + 8).cmd, 0);
	cp_free(&t->cp);
	/* a larger program: the kept block is too small, it goes back */
	put_ccw1(t, 0, CCW_CMD_READ, CCW_FLAG_CC, 0x800, 0x2000);
	put_ccw1(t, 8, CCW_CMD_READ, CCW_FLAG_CC, 0x800, 0x3000);
	put_ccw1(t, 16, CCW_CMD_READ, 0, 0x800, 0x4000);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->live, 1);
	cp_get_orb(&t->cp, 0xff, 0, &h);
	CHECK(h.cpa != cpa);
	cp_trim(&t->cp);
	CHECK_EQ(t->live, 0);
	/* a block larger than CP_KEPT_MAX is not kept */
	for (int i = 0; i < 200; i++)
		put_ccw1(t, 8 * (uint64_t)i, CCW_CMD_READ, i < 199 ? CCW_FLAG_CC : 0, 0x2000,
			 0x2000);
	CHECK_EQ(translate(t, &o), 0);
	CHECK(t->cp.kmem_size > CP_KEPT_MAX);
	cp_free(&t->cp);
	CHECK_EQ(t->live, 0);
	cpt_done(t);
}

/* A shared scratch page (the host's) is used as given and never freed. */
TEST(vfio_cp_shared_scratch_page_is_used_and_kept)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);
	struct orb h;
	struct ccw1 c;

	t->m.scratch = 0x1ff000;
	put_ccw1(t, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(t->live, 1); /* the program's block only */
	cp_get_orb(&t->cp, 0xff, 0, &h);
	c = host_ccw(t, h.cpa);
	CHECK_EQ(host_idaw(t, c.cda, 0), 0x1ff000);
	cpt_done(t);
}

TEST(vfio_cp_refuses_a_second_init)
{
	struct cpt *t = cpt_new();
	struct orb o = orb_fmt1(0);

	put_ccw1(t, 0, CCW_CMD_NOOP, 0, 0, 0);
	CHECK_EQ(translate(t, &o), 0);
	CHECK_EQ(cp_init(&t->cp, &t->m, &t->dma, &o), -EBUSY);
	cpt_done(t);
}

/* Random channel programs (addresses biased toward the window's edges):
 * the translator never crashes, answers only documented errors, only
 * points the device into mapped storage or its own memory, and frees
 * everything. */
TEST(vfio_cp_fuzz_random_programs)
{
	struct cpt *t = cpt_new();
	struct sim *sim = sim_new(42);
	int ok = 0;

	for (int round = 0; round < 3000; round++) {
		struct orb o = {0};
		struct orb h;

		for (int i = 0; i < 64; i++) {
			uint64_t a = sim_rand_below(sim, 0x1000) & ~7ull;
			uint32_t w[2] = {(uint32_t)sim_rand(sim), (uint32_t)sim_rand(sim)};

			if (sim_rand_below(sim, 2))
				w[1] = (uint32_t)sim_rand_below(sim, GUEST_SIZE + 0x2000) & ~7u;
			put_be32(g(t, a), w[0]);
			put_be32(g(t, a + 4), w[1]);
		}
		o.ctrl0 = (uint16_t)sim_rand(sim);
		o.ctrl1 = sim_rand_below(sim, 4) ? 0 : (uint8_t)sim_rand(sim);
		o.cpa = (uint32_t)sim_rand_below(sim, 0x1000) & ~7u;
		int rc = translate(t, &o);

		CHECK(rc == 0 || rc == -EINVAL || rc == -EFAULT || rc == -EOPNOTSUPP ||
		      rc == -ENOMEM);
		if (rc == 0) {
			ok++;
			cp_get_orb(&t->cp, 0x80, 0, &h);
			for (int ci = 0; ci < t->cp.nchains; ci++) {
				struct ccwchain *c = t->cp.chain[ci];

				for (int j = 0; j < c->len; j++) {
					struct ccw1 hc = host_ccw(t, c->host + (uint64_t)j * 8);

					if (hc.cmd == CCW_CMD_TIC) {
						CHECK(hc.cda >= KMEM_START && hc.cda < KMEM_END);
						continue;
					}
					CHECK(hc.flags & CCW_FLAG_IDA);
					int n = c->ccw[j].nidaw ? c->ccw[j].nidaw : 1;

					for (int k = 0; k < n; k++) {
						uint64_t a = host_idaw(t, hc.cda, k);

						CHECK(a == t->cp.scratch ||
						      (a >= GUEST_HOST &&
						       a < GUEST_HOST + GUEST_SIZE));
					}
				}
			}
		}
		cp_trim(&t->cp);
		CHECK_EQ(t->live, 0);
		t->next = KMEM_START;
	}
	CHECK(ok > 0);
	sim_free(sim);
	cpt_done(t);
}
