/* Channel-program translation: the security boundary between a guest's
 * channel program and the host's channel subsystem.
 *
 * The guest's CCWs are fetched only through the VMM's DMA mappings (every
 * guest address is checked, nothing outside a mapping is read or written),
 * split into segments at TICs, and rewritten into host kernel memory as
 * format-1 CCWs whose data addresses are always host format-2 IDALs.  TICs
 * are pointed at the host copy of their target.  Limits are those of the
 * hardened kernel: 255 CCWs per segment, 16 segments per program.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/insn.h"
#include "os/vfio_ccw_private.h"

#define ADDR31_LIMIT 0x80000000ull

/* Pointer to guest [iova, iova+len) in host storage, or NULL when any byte
 * is outside the DMA mappings. */
static inline const uint8_t *cp_guest(const struct channel_program *cp, uint64_t iova, uint64_t len)
{
	uint64_t host;

	if (vfio_dma_xlate(cp->dma, iova, len, &host))
		return NULL;
	return storage_ptr(cp->m.mem, host, len);
}

static bool cp_fmt1(const struct channel_program *cp)
{
	return cp->orb.ctrl0 & ORB_CTRL0_FMT;
}

/* Host memory for CCWs and IDALs must be 31-bit addressable (CCW cda). */
static uint64_t cp_alloc(struct channel_program *cp, uint64_t size, uint64_t align)
{
	uint64_t a = cp->m.alloc(cp->m.ctx, size, align);

	if (a && (a + size > ADDR31_LIMIT || !storage_ok(cp->m.mem, a, size))) {
		cp->m.free(cp->m.ctx, a);
		return 0;
	}
	return a;
}

/* The segment (and index in it) holding the CCW at guest address iova. */
static struct ccwchain *cp_find_ccw(const struct channel_program *cp, uint64_t iova, int *idx)
{
	for (int i = 0; i < cp->nchains; i++) {
		struct ccwchain *c = cp->chain[i];

		if (iova >= c->iova && iova < c->iova + (uint64_t)c->len * CCW_SIZE) {
			*idx = (int)((iova - c->iova) / CCW_SIZE);
			return c;
		}
	}
	return NULL;
}

/* Fetch one segment: CCWs from iova while chaining (CC or CD) continues,
 * ending after the last CCW of the chain or a TIC out of the segment.  The
 * segment buffer of an earlier program is reused when there is one. */
static int ccwchain_fetch(struct channel_program *cp, uint64_t iova)
{
	bool fmt1 = cp_fmt1(cp);
	const uint8_t *p = NULL;
	struct ccwchain *c;

	if (cp->nchains == CCWCHAIN_COUNT_MAX)
		return -EINVAL;
	c = cp->chain[cp->nchains];
	if (!c) {
		c = malloc(sizeof(*c));
		if (!c)
			return -ENOMEM;
		cp->chain[cp->nchains] = c;
	}
	cp->nchains++;
	c->iova = iova;
	c->len = 0;
	c->host = 0;
	for (int n = 0;; n++) {
		uint64_t at = iova + (uint64_t)n * CCW_SIZE;
		struct cp_ccw *cc = &c->ccw[n];
		struct ccw1 *g = &cc->guest;

		if (n == CCWCHAIN_LEN_MAX)
			return -EINVAL;
		/* One translation per guest page: mappings are whole pages,
		 * and a CCW (8-byte aligned) never crosses a page. */
		if (!p || !(at & (VFIO_PAGE_SIZE - 1)))
			p = cp_guest(cp, at, VFIO_PAGE_SIZE - (at & (VFIO_PAGE_SIZE - 1)));
		else
			p += CCW_SIZE;
		if (!p)
			return -EFAULT;
		if (fmt1)
			ccw1_decode(p, g);
		else
			ccw0_decode(p, g);
		cc->kind = (uint8_t)ccw_kind(g->cmd, fmt1);
		cc->nidaw = 0;
		cc->nidal = 0;
		c->len = n + 1;
		/* A TIC back into this segment (Search; TIC *-8) continues
		 * it: the CCW after the TIC is reached by status modifier. */
		if (cc->kind == CCW_KIND_TIC) {
			cp->has_tic = true;
			if (g->cda < iova || g->cda >= iova + (uint64_t)c->len * CCW_SIZE)
				return 0;
			continue;
		}
		if (!(g->flags & (CCW_FLAG_CC | CCW_FLAG_CD)))
			return 0;
	}
}

/* Fetch the segment at cpa and, breadth first, every segment a TIC leads
 * to that is not already fetched. */
static int cp_fetch_all(struct channel_program *cp)
{
	int rc = ccwchain_fetch(cp, cp->orb.cpa);

	/* Without a TIC there is no other segment to fetch. */
	if (!cp->has_tic)
		return rc;
	for (int ci = 0; !rc && ci < cp->nchains; ci++) {
		struct ccwchain *c = cp->chain[ci];

		for (int i = 0; !rc && i < c->len; i++) {
			const struct ccw1 *g = &c->ccw[i].guest;
			int idx;

			if (c->ccw[i].kind != CCW_KIND_TIC)
				continue;
			/* A misaligned TIC target is a program check on
			 * hardware; it cannot be represented in the host copy. */
			if (g->cda & 7)
				rc = -EINVAL;
			else if (!cp_find_ccw(cp, g->cda, &idx))
				rc = ccwchain_fetch(cp, g->cda);
		}
	}
	return rc;
}

static int cp_chain_index(const struct channel_program *cp, const struct ccwchain *c)
{
	for (int i = 0; i < cp->nchains; i++)
		if (cp->chain[i] == c)
			return i;
	return -1;
}

/* Follow the program's straight-line flow (chaining and TICs, no
 * status-modifier skips) from the first CCW.  A cycle made only of TICs and
 * NOPs can never end and would occupy the channel forever: refuse it, as
 * Hercules program-checks a TIC loop without data transfer.  A cycle with
 * any device command (the classic Search ID; TIC *-8) may end by status
 * modifier and is accepted. */
static int cp_check_busy_loop(const struct channel_program *cp)
{
	int ci = 0, i = 0, step = 1, last_work = 0;

	/* Without a TIC the flow only moves forward: it ends. */
	if (!cp->has_tic)
		return 0;
	for (int k = 0; k < cp->nchains; k++)
		for (int j = 0; j < cp->chain[k]->len; j++)
			cp->chain[k]->ccw[j].mark = 0;
	for (;; step++) {
		struct cp_ccw *cc = &cp->chain[ci]->ccw[i];
		const struct ccw1 *g = &cc->guest;

		if (cc->mark)
			return last_work >= cc->mark ? 0 : -EINVAL;
		cc->mark = step;
		if (cc->kind == CCW_KIND_TIC) {
			const struct ccwchain *t = cp_find_ccw(cp, g->cda, &i);

			ci = t ? cp_chain_index(cp, t) : -1;
			if (ci < 0)
				return 0;
			continue;
		}
		if (g->cmd != CCW_CMD_NOOP)
			last_work = step;
		if (!(g->flags & (CCW_FLAG_CC | CCW_FLAG_CD)) || ++i >= cp->chain[ci]->len)
			return 0;
	}
}

static bool cp_same_mem(const struct cp_mem *a, const struct cp_mem *b)
{
	return a->mem == b->mem && a->alloc == b->alloc && a->free == b->free && a->ctx == b->ctx;
}

/* The program's block is kept for the next one when there is room. */
static void cp_release(struct channel_program *cp)
{
	if (cp->kmem && !cp->kept && cp->kmem_size <= CP_KEPT_MAX) {
		cp->kept = cp->kmem;
		cp->kept_size = cp->kmem_size;
		cp->kept_m = cp->m;
	} else if (cp->kmem) {
		cp->m.free(cp->m.ctx, cp->kmem);
	}
	cp->kmem = 0;
	cp->kmem_size = 0;
	cp->nchains = 0;
	if (cp->own_scratch)
		cp->m.free(cp->m.ctx, cp->scratch);
	cp->scratch = 0;
	cp->own_scratch = false;
	cp->initialized = false;
}

int cp_init(struct channel_program *cp, const struct cp_mem *m, const struct vfio_dma_table *dma,
	    const struct orb *orb)
{
	int rc;

	if (cp->initialized)
		return -EBUSY;
	/* Field by field: chain[] keeps the segment buffers for reuse. */
	cp->m = *m;
	cp->dma = dma;
	cp->orb = *orb;
	cp->nchains = 0;
	cp->blk = 0;
	cp->scratch = 0;
	cp->own_scratch = false;
	cp->has_tic = false;
	cp->kmem = 0;
	cp->kmem_size = 0;
	if (orb->ctrl0 & ORB_CTRL0_B)
		return -EOPNOTSUPP; /* transport mode */
	/* Suspend control: a suspended program needs RSCH, which the vfio
	 * interface cannot pass; it would stay suspended for ever. */
	if (orb->ctrl1 & ORB_CTRL1_MIDAW || orb->ctrl0 & ORB_CTRL0_SPND)
		return -EOPNOTSUPP;
	/* Reserved bits or an extended ORB would be an operand exception at
	 * the host's SSCH: refuse them here instead. */
	if (orb_invalid(orb) || (orb->ctrl1 & ORB_CTRL1_ORBX) || (orb->cpa & 7))
		return -EINVAL;
	cp->blk = (unsigned)idaw_block(orb->ctrl0);
	rc = cp_fetch_all(cp);
	if (!rc)
		rc = cp_check_busy_loop(cp);
	if (rc) {
		cp_release(cp);
		return rc;
	}
	cp->initialized = true;
	return 0;
}

/* Does this CCW move data between storage and the device? */
static bool ccw_moves_data(const struct cp_ccw *cc)
{
	const struct ccw1 *g = &cc->guest;
	enum ccw_kind k = cc->kind;

	if (g->count == 0 || k == CCW_KIND_INVALID || g->cmd == CCW_CMD_NOOP)
		return false;
	if ((g->flags & CCW_FLAG_SKIP) &&
	    (k == CCW_KIND_READ || k == CCW_KIND_READ_BACKWARD || k == CCW_KIND_SENSE))
		return false;
	return true;
}

/* Guest address of data piece i of a CCW with IDA: its guest IDAW. */
static inline int ccw_guest_idaw(struct channel_program *cp, const struct ccw1 *g, int i,
				 uint64_t *addr)
{
	unsigned sz = idaw_size(cp->orb.ctrl0);
	const uint8_t *p;

	if (!idal_aligned(g->cda, cp->orb.ctrl0))
		return -EINVAL;
	p = cp_guest(cp, (uint64_t)g->cda + (uint64_t)i * sz, sz);
	if (!p)
		return -EFAULT;
	return idaw_fetch(p, cp->orb.ctrl0, (unsigned)i, addr) ? -EINVAL : 0;
}

/* The data pieces of one CCW from the first, at guest address a: one IDAW
 * per guest block, each checked against the DMA mappings.  The pieces
 * after the first come from the guest's IDAL, or follow each other from
 * the first.  Out of line: the common CCW has one piece
 * (ccw_translate_data), and this walk's saved registers would cost it
 * more than its own work. */
static __attribute__((noinline)) int ccw_translate_pieces(struct channel_program *cp,
							  struct cp_ccw *cc, uint64_t a)
{
	const struct ccw1 *g = &cc->guest;
	bool ida = g->flags & CCW_FLAG_IDA;
	uint32_t left = g->count;
	int n = 0;

	while (left) {
		uint64_t len;
		int rc;

		if (n == CCW_IDAW_MAX)
			return -EINVAL;
		if (ida && n) {
			rc = ccw_guest_idaw(cp, g, n, &a);
			if (rc)
				return rc;
		}
		len = cp->blk - (a & (cp->blk - 1)); /* 4096 or 2048 */
		if (len > left)
			len = left;
		if (vfio_dma_xlate(cp->dma, a, len, &cc->piece[n].host))
			return -EFAULT;
		cc->piece[n++].guest = a;
		a += len;
		left -= (uint32_t)len;
	}
	cc->nidaw = (uint8_t)n;
	cc->nidal = (uint8_t)n;
	return 0;
}

/* The host IDAL of one CCW, computed before any host memory is taken.  Data
 * that ends inside the block of its first byte (a parameter block, a
 * block-aligned read of one block) is one piece, translated here; the
 * rest takes the general walk. */
static int ccw_translate_data(struct channel_program *cp, struct cp_ccw *cc)
{
	const struct ccw1 *g = &cc->guest;
	uint64_t a = g->cda;

	if (cc->kind == CCW_KIND_READ_BACKWARD)
		return -EOPNOTSUPP;
	if (g->flags & CCW_FLAG_IDA) {
		int rc = ccw_guest_idaw(cp, g, 0, &a);

		if (rc)
			return rc;
	}
	if (g->count > cp->blk - (a & (cp->blk - 1)))
		return ccw_translate_pieces(cp, cc, a);
	if (vfio_dma_xlate(cp->dma, a, g->count, &cc->piece[0].host))
		return -EFAULT;
	cc->piece[0].guest = a;
	cc->nidaw = 1;
	cc->nidal = 1;
	return 0;
}

/* A CCW that moves no data still gets an IDAL, pointing at a host scratch
 * page: even a device that wrongly transferred would hit only that page. */
static void ccw_translate_nodata(struct channel_program *cp, struct cp_ccw *cc)
{
	cc->nidaw = 0;
	cc->nidal = cc->guest.count ? (uint8_t)((cc->guest.count + cp->blk - 1) / cp->blk) : 1;
}

/* First pass: everything that can fail on the guest's program. */
static int ccw_translate(struct channel_program *cp, struct cp_ccw *cc)
{
	if (cc->kind == CCW_KIND_TIC)
		return cp_find_ccw(cp, cc->guest.cda, &(int){0}) ? 0 : -EFAULT;
	if (ccw_moves_data(cc))
		return ccw_translate_data(cp, cc);
	ccw_translate_nodata(cp, cc);
	return 0;
}

/* Second pass: the host CCW at out, the place laid out for it, and its
 * IDAL at idal; returns where the next CCW's IDAL goes. */
static uint64_t ccw_write(struct channel_program *cp, const struct cp_ccw *cc, uint8_t *out,
			  uint64_t idal)
{
	uint8_t *base = cp->m.mem->base;
	struct ccw1 h = cc->guest;

	if (cc->kind == CCW_KIND_TIC) {
		int idx = 0;
		const struct ccwchain *t = cp_find_ccw(cp, h.cda, &idx);

		h.cmd = CCW_CMD_TIC;
		if (!cp_fmt1(cp)) {
			/* format 0 ignores a TIC's flags and count */
			h.flags = 0;
			h.count = 0;
		}
		h.cda = (uint32_t)(t->host + (uint64_t)idx * CCW_SIZE);
	} else {
		uint8_t *w = base + idal;

		/* The data pieces (nidal == nidaw), or every IDAW at the
		 * scratch page for a CCW that moves no data. */
		if (cc->nidaw)
			for (int k = 0; k < cc->nidaw; k++)
				put_be64(w + (uint64_t)k * IDAW2_SIZE, cc->piece[k].host);
		else
			for (int k = 0; k < cc->nidal; k++)
				put_be64(w + (uint64_t)k * IDAW2_SIZE, cp->scratch);
		h.flags |= CCW_FLAG_IDA;
		h.cda = (uint32_t)idal;
		idal += (uint64_t)cc->nidal * IDAW2_SIZE;
	}
	ccw1_encode(&h, out);
	return idal;
}

/* One host block of size bytes for the whole program: each segment's CCWs
 * plus a spare, then the IDALs (one allocation per I/O instead of one per
 * CCW); the IDALs are placed as they are written. */
static int cp_layout(struct channel_program *cp, uint64_t size)
{
	uint64_t at;

	if (cp->kept && (cp->kept_size < size || !cp_same_mem(&cp->kept_m, &cp->m))) {
		cp->kept_m.free(cp->kept_m.ctx, cp->kept);
		cp->kept = 0;
	}
	if (cp->kept) {
		/* Every byte of [kmem, kmem + size) is written below and by
		 * ccw_write: nothing of the old program is reachable. */
		cp->kmem = cp->kept;
		cp->kmem_size = cp->kept_size;
		cp->kept = 0;
	} else {
		cp->kmem = cp_alloc(cp, size, 8);
		if (!cp->kmem)
			return -ENOMEM;
		cp->kmem_size = size;
	}
	at = cp->kmem;
	for (int i = 0; i < cp->nchains; i++) {
		struct ccwchain *c = cp->chain[i];

		c->host = at;
		at += (uint64_t)(c->len + 1) * CCW_SIZE;
		/* The spare CCW after the segment stays zero (an invalid
		 * command): a status-modifier skip past the end of what we
		 * fetched ends in a channel program check, never in
		 * whatever kernel memory follows. */
		memset(cp->m.mem->base + at - CCW_SIZE, 0, CCW_SIZE);
	}
	return 0;
}

static int cp_get_scratch(struct channel_program *cp)
{
	if (cp->m.scratch) {
		cp->scratch = cp->m.scratch;
		return 0;
	}
	cp->scratch = cp_alloc(cp, VFIO_CCW_PAGE_SIZE, VFIO_CCW_PAGE_SIZE);
	cp->own_scratch = cp->scratch != 0;
	return cp->scratch ? 0 : -ENOMEM;
}

int cp_prefetch(struct channel_program *cp)
{
	uint64_t size = 0, idal;
	const struct ccwchain *last;
	int rc;

	if (!cp->initialized)
		return -EINVAL;
	/* The first pass also counts the block's size (the segments' CCWs
	 * and spares, the IDALs) instead of walking the program again. */
	rc = cp_get_scratch(cp);
	for (int i = 0; !rc && i < cp->nchains; i++) {
		struct ccwchain *c = cp->chain[i];

		size += (uint64_t)(c->len + 1) * CCW_SIZE;
		for (int j = 0; !rc && j < c->len; j++) {
			rc = ccw_translate(cp, &c->ccw[j]);
			size += (uint64_t)c->ccw[j].nidal * IDAW2_SIZE;
		}
	}
	if (!rc)
		rc = cp_layout(cp, size);
	if (rc) {
		cp_release(cp);
		return rc;
	}
	/* The IDALs follow the last segment and its spare, in program order. */
	last = cp->chain[cp->nchains - 1];
	idal = last->host + (uint64_t)(last->len + 1) * CCW_SIZE;
	for (int i = 0; i < cp->nchains; i++) {
		const struct ccwchain *c = cp->chain[i];
		uint8_t *out = cp->m.mem->base + c->host;

		for (int j = 0; j < c->len; j++, out += CCW_SIZE)
			idal = ccw_write(cp, &c->ccw[j], out, idal);
	}
	return 0;
}

void cp_get_orb(const struct channel_program *cp, uint8_t lpm, uint32_t intparm, struct orb *out)
{
	*out = cp->orb;
	out->intparm = intparm;
	out->ctrl0 |= ORB_CTRL0_FMT | ORB_CTRL0_C64;
	if (cp->blk == 2048)
		out->ctrl0 |= ORB_CTRL0_I2K;
	else
		out->ctrl0 &= (uint16_t)~ORB_CTRL0_I2K;
	out->ctrl1 &= (uint8_t)~ORB_CTRL1_ORBX;
	out->lpm = lpm;
	out->cpa = (uint32_t)cp->chain[0]->host;
	out->css_prio = 0;
	out->cu_prio = 0;
}

void cp_update_scsw(const struct channel_program *cp, struct scsw *scsw)
{
	uint64_t cpa = scsw->cpa;
	bool found = false;

	if (!cp->initialized) {
		scsw->cpa = 0; /* never hand a host address to the guest */
		return;
	}
	if (cp_fmt1(cp))
		scsw->flags |= SCSW_FLAGS_FMT;
	else
		scsw->flags &= (uint16_t)~SCSW_FLAGS_FMT;
	if (!cpa)
		return;
	/* After the last CCW of a segment the CPA points one CCW beyond it. */
	for (int i = 0; i < cp->nchains && !found; i++) {
		const struct ccwchain *c = cp->chain[i];

		if (c->host && cpa >= c->host && cpa <= c->host + (uint64_t)c->len * CCW_SIZE) {
			scsw->cpa = (uint32_t)(c->iova + (cpa - c->host));
			found = true;
		}
	}
	/* Never hand a host address to the guest. */
	if (!found)
		scsw->cpa = 0;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

bool cp_iova_pinned(const struct channel_program *cp, uint64_t iova, uint64_t size)
{
	if (!cp->initialized)
		return false;
	for (int i = 0; i < cp->nchains; i++) {
		const struct ccwchain *c = cp->chain[i];

		if (ranges_overlap(c->iova, (uint64_t)c->len * CCW_SIZE, iova, size))
			return true;
		for (int j = 0; j < c->len; j++)
			for (int k = 0; k < c->ccw[j].nidaw; k++)
				if (ranges_overlap(c->ccw[j].piece[k].guest -
							   c->ccw[j].piece[k].guest % cp->blk,
						   cp->blk, iova, size))
					return true;
	}
	return false;
}

void cp_free(struct channel_program *cp)
{
	if (cp->initialized || cp->nchains || cp->kmem || cp->own_scratch)
		cp_release(cp);
}

void cp_trim(struct channel_program *cp)
{
	cp_free(cp);
	if (cp->kept)
		cp->kept_m.free(cp->kept_m.ctx, cp->kept);
	cp->kept = 0;
	cp->kept_size = 0;
}

void cp_destroy(struct channel_program *cp)
{
	cp_trim(cp);
	for (int i = 0; i < CCWCHAIN_COUNT_MAX; i++) {
		free(cp->chain[i]);
		cp->chain[i] = NULL;
	}
}
