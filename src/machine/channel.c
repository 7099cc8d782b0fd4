/* The channel: start, resume, halt and clear functions carried out in
 * simulated time.  Path selection (zarch-css-formats.md §8), CCW fetch and
 * checking, command and data chaining, TIC, IDAWs, SLI, skip, PCI, suspend,
 * residual count and incorrect length, status accumulation.  The device sees
 * one command with one contiguous buffer (dev/ccwdev.h).
 *
 * Events: SSCH -> [ssch_start] select path -> step: fetch CCWs, exec on the
 * device -> [ccw_fetch + device latency + data over the link] command done:
 * scatter, status, chain or end -> status pending -> [interrupt] I/O
 * interruption. */
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/insn.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "machine/machine_priv.h"

#define FMT0_LIMIT (1ull << 24)
#define FMT1_LIMIT (1ull << 31)

static void chn_step(struct machine *m, struct subchannel *s);

static bool fmt1(const struct subchannel *s)
{
	return s->scsw.flags & SCSW_FLAGS_FMT;
}

static uint64_t addr_limit(const struct subchannel *s)
{
	return fmt1(s) ? FMT1_LIMIT : FMT0_LIMIT;
}

void chn_free_io(struct machine *m, struct subchannel *s)
{
	if (!s->io)
		return;
	if (s->io->ev)
		sim_cancel(m->sim, s->io->ev);
	if (s->io->fev)
		sim_cancel(m->sim, s->io->fev);
	free(s->io->buf);
	free(s->io->seg);
	free(s->io);
	s->io = NULL;
}

static void dev_end(struct subchannel *s)
{
	struct sch_io *io = s->io;

	if (io->dev_selected && s->dev && s->dev->ops->end)
		s->dev->ops->end(s->dev, io->path);
	io->dev_selected = false;
	io->running = false;
}

static void cancel_ev(struct machine *m, struct sim_event **ev)
{
	if (*ev)
		sim_cancel(m->sim, *ev);
	*ev = NULL;
}

/* Status of the start function becomes pending.  Accumulates onto an
 * intermediate (PCI) status that the program has not yet cleared. */
static void end_start(struct machine *m, struct subchannel *s, uint8_t dstat, uint8_t cstat)
{
	struct sch_io *io = s->io;
	struct scsw *w = &s->scsw;

	if (s->dev && s->dev->ops->sense && (dstat & DEV_STAT_UNIT_CHECK) &&
	    (s->chars & PMCW_CHARS_CSENSE) && io->dev_selected) {
		int n;

		memset(io->ecw, 0, sizeof(io->ecw));
		n = s->dev->ops->sense(s->dev, io->path, io->ecw);

		if (n > 0) {
			io->erw |= ERW_S | (uint32_t)n << ERW_SCNT_SHIFT;
			w->flags |= SCSW_FLAGS_ECTL;
		}
	}
	dev_end(s);
	cancel_ev(m, &io->ev);
	w->dstat = dstat;
	w->cstat |= cstat;
	w->ctrl &= ~(SCSW_ACTL_START | SCSW_ACTL_RESUME | SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT |
		     SCSW_ACTL_SUSP);
	w->ctrl |= SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND;
	if ((dstat & ~(DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_STAT_MOD)) ||
	    (w->cstat & ~SCHN_STAT_PCI))
		w->ctrl |= SCSW_STCTL_ALERT;
	if (s->pnom)
		w->flags |= SCSW_FLAGS_PNO;
	css_make_pending(m, s);
}

/* A channel program check: the CPA points past the CCW at fault. */
static void program_check(struct machine *m, struct subchannel *s, uint64_t ccw)
{
	s->scsw.cpa = (uint32_t)(ccw + 8);
	s->scsw.count = 0;
	end_start(m, s, 0, SCHN_STAT_PROG_CHECK);
}

/* No path could be selected: deferred cc 3 (start function not
 * initiated), with N when paths were found not operational. */
static void not_operational(struct machine *m, struct subchannel *s)
{
	struct scsw *w = &s->scsw;

	s->io->running = false;
	w->ctrl &= ~(SCSW_ACTL_START | SCSW_ACTL_RESUME | SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT |
		     SCSW_ACTL_SUSP);
	w->flags = (uint16_t)((w->flags & ~SCSW_FLAGS_CC) | 3 << SCSW_CC_SHIFT);
	if (s->pnom)
		w->flags |= SCSW_FLAGS_PNO;
	w->ctrl |= SCSW_STCTL_ALERT | SCSW_STCTL_PEND;
	mtrace(m, "sch 0.%x.%04x: no operational path (pnom %02x), deferred cc 3", s->ssid,
	       s->sch_no, s->pnom);
	css_make_pending(m, s);
}

/* Try the device on one path.  A failed link, a device that is not
 * operational, or a select() refusal makes the path not operational for
 * this subchannel: POM bit off, PNOM bit on. */
static bool try_path(struct machine *m, struct subchannel *s, int i)
{
	uint8_t bit = (uint8_t)(0x80 >> i);
	uint8_t chpid = s->chpid[i];
	struct sch_io *io = s->io;

	io->tried |= bit;
	if (m->chp[chpid].failed || s->notoper || !s->dev ||
	    s->dev->ops->select(s->dev, chpid) != 0) {
		s->pom &= (uint8_t)~bit;
		s->pnom |= bit;
		return false;
	}
	s->lpum = bit;
	s->pom |= bit;
	io->path = chpid;
	io->pathbit = bit;
	io->dev_selected = true;
	return true;
}

/* Candidates are LPM & PAM & PIM, those with their POM bit on first (a
 * path whose POM bit is off is tried only when no other remains, which is
 * how it comes back after a repair). */
static bool select_path(struct machine *m, struct subchannel *s)
{
	uint8_t avail = s->lpm & s->pam & s->pim;

	s->io->tried = 0;
	for (;;) {
		uint8_t left = avail & (uint8_t)~s->io->tried;
		uint8_t cand = left & s->pom;

		if (!cand)
			cand = left;
		if (!cand)
			return false;
		for (int i = 0; i < 8; i++) {
			if ((cand & (0x80 >> i)) && try_path(m, s, i))
				return true;
			if (cand & (0x80 >> i))
				break;
		}
	}
}

static void start_ev(void *arg)
{
	struct sch_io *io = arg;
	struct machine *m = io->m;
	struct subchannel *s = io->s;
	struct scsw *w = &s->scsw;

	io->ev = NULL;
	w->ctrl &= ~(SCSW_ACTL_START | SCSW_ACTL_RESUME | SCSW_ACTL_SUSP);
	if (!select_path(m, s)) {
		not_operational(m, s);
		return;
	}
	io->running = true;
	w->ctrl |= SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT;
	/* ORB I: an initial-status interruption once the device has accepted
	 * the start (Z set, intermediate status). */
	if ((w->flags & SCSW_FLAGS_ISIC) && !(w->flags & SCSW_FLAGS_ZCC) &&
	    !(w->ctrl & SCSW_ACTL_SUSP)) {
		w->flags |= SCSW_FLAGS_ZCC;
		w->ctrl |= SCSW_STCTL_INTER | SCSW_STCTL_PEND;
		css_make_pending(m, s);
	}
	chn_step(m, s);
}

void chn_start(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;

	io->cmd_chained = false;
	io->running = false;
	io->ev = sim_at(m->sim, m->timing.ssch_start, start_ev, io);
}

void chn_resume(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;

	/* The suspended CCW is fetched again: the program has cleared its
	 * suspend flag if it wants the chain to go on.  The device was
	 * disconnected, so the first command is not command-chained. */
	io->cmd_chained = false;
	io->ev = sim_at(m->sim, m->timing.ssch_start, start_ev, io);
}

/* ---- CCW fetch ---- */

/* Fetch the CCW at *addr, following TICs (a TIC to a TIC is a program
 * check).  Returns the kind of the CCW fetched, or -1 with *addr = the CCW
 * at fault. */
static int fetch_follow(struct machine *m, struct subchannel *s, uint64_t *addr, struct ccw1 *c)
{
	bool f1 = fmt1(s), tic = false;
	uint64_t limit = f1 ? FMT1_LIMIT : FMT0_LIMIT;

	for (;;) {
		const uint8_t *p;
		enum ccw_kind kind;

		if ((*addr & 7) || *addr + CCW_SIZE > limit)
			return -1;
		p = storage_ptr(m->mem, *addr, CCW_SIZE);
		if (!p)
			return -1;
		if (f1)
			ccw1_decode(p, c);
		else
			ccw0_decode(p, c);
		kind = ccw_kind(c->cmd, f1);
		if (kind != CCW_KIND_TIC)
			return (int)kind;
		if (tic || (f1 && (c->flags || c->count)) || (c->cda & 7) ||
		    (f1 && (c->cda & 0x80000000u)))
			return -1;
		tic = true;
		*addr = c->cda;
	}
}

/* ---- data transfer through a CCW's data area ---- */

/* Move `len` bytes between buf and the data area of one CCW (direct or
 * through IDAWs).  With buf == NULL only the addresses are checked.
 * Returns 0 or -1 (channel program check). */
static int seg_xfer(struct machine *m, struct subchannel *s, const struct seg *g, uint8_t *buf,
		    uint32_t len, bool to_storage)
{
	struct sch_io *io = s->io;
	uint8_t *p;

	if (!len)
		return 0;
	if (!(g->flags & CCW_FLAG_IDA)) {
		if (fmt1(s) && (g->cda & 0x80000000u))
			return -1;
		if ((uint64_t)g->cda + len > addr_limit(s))
			return -1;
		p = storage_ptr(m->mem, g->cda, len);
		if (!p)
			return -1;
		if (buf)
			to_storage ? memcpy(p, buf, len) : memcpy(buf, p, len);
		return 0;
	}
	uint64_t bs = idaw_block(io->orb_ctrl0);
	unsigned isz = idaw_size(io->orb_ctrl0);
	uint32_t done = 0;

	if (!idal_aligned(g->cda, io->orb_ctrl0))
		return -1;
	for (uint64_t i = 0; done < len; i++) {
		const uint8_t *ip = storage_ptr(m->mem, g->cda + i * isz, isz);
		uint64_t a, n;

		if (!ip || idaw_fetch(ip, io->orb_ctrl0, (unsigned)i, &a))
			return -1;
		n = bs - (a & (bs - 1));
		if (n > len - done)
			n = len - done;
		p = storage_ptr(m->mem, a, n);
		if (!p)
			return -1;
		if (buf)
			to_storage ? memcpy(p, buf + done, n) : memcpy(buf + done, p, n);
		done += (uint32_t)n;
	}
	return 0;
}

static int seg_push(struct sch_io *io, uint64_t ccw, const struct ccw1 *c)
{
	if (io->nseg == io->seg_cap) {
		uint32_t cap = io->seg_cap ? io->seg_cap * 2 : 4;
		struct seg *n;

		if (cap > 255)
			return -1;
		n = realloc(io->seg, cap * sizeof(*n));
		if (!n)
			return -1;
		io->seg = n;
		io->seg_cap = cap;
	}
	io->seg[io->nseg++] = (struct seg){ccw, c->flags, c->count, c->cda};
	return 0;
}

static int buf_reserve(struct sch_io *io, uint32_t len)
{
	uint8_t *n;

	if (len <= io->bufcap)
		return 0;
	n = realloc(io->buf, len);
	if (!n)
		return -1;
	io->buf = n;
	io->bufcap = len;
	return 0;
}

/* PCI: an intermediate interruption when the CCW takes control; it never
 * stops the channel program. */
static void pci_status(struct machine *m, struct subchannel *s)
{
	s->scsw.cstat |= SCHN_STAT_PCI;
	s->scsw.ctrl |= SCSW_STCTL_INTER | SCSW_STCTL_PEND;
	css_make_pending(m, s);
}

static void suspend(struct machine *m, struct subchannel *s, uint64_t ccw)
{
	struct scsw *w = &s->scsw;

	dev_end(s);
	s->io->ccw_addr = ccw;
	w->cpa = (uint32_t)(ccw + 8);
	w->ctrl &= ~(SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT);
	w->ctrl |= SCSW_ACTL_SUSP;
	if (w->flags & SCSW_FLAGS_SSI)
		return;
	w->ctrl |= SCSW_STCTL_INTER | SCSW_STCTL_PEND;
	css_make_pending(m, s);
}

/* Collect the data-chained CCWs of one command, starting with `c` at
 * `addr`.  Returns 0, or -1 with *bad = the CCW at fault. */
static int gather_chain(struct machine *m, struct subchannel *s, uint64_t addr,
			const struct ccw1 *first, uint32_t *total, uint64_t *bad)
{
	struct sch_io *io = s->io;
	struct ccw1 c;

	/* The common case: one CCW, no data chaining. */
	if (!(first->flags & CCW_FLAG_CD) && io->seg_cap) {
		io->seg[0] = (struct seg){addr, first->flags, first->count, first->cda};
		io->nseg = 1;
		*total = first->count;
		return 0;
	}
	c = *first;
	io->nseg = 0;
	*total = 0;
	for (;;) {
		if (seg_push(io, addr, &c)) {
			*bad = addr;
			return -1;
		}
		*total += c.count;
		if (c.flags & CCW_FLAG_PCI && io->nseg > 1)
			pci_status(m, s);
		if (!(c.flags & CCW_FLAG_CD))
			return 0;
		addr += CCW_SIZE;
		if (fetch_follow(m, s, &addr, &c) < 0 || c.count == 0 ||
		    (c.flags & CCW_FLAG_MIDA)) {
			*bad = addr;
			return -1;
		}
	}
}

static bool kind_reads(uint8_t kind)
{
	return kind == CCW_KIND_READ || kind == CCW_KIND_SENSE || kind == CCW_KIND_READ_BACKWARD;
}

static void cmd_done(void *arg);

/* The storage an IDAW list addresses, when its pieces follow each other
 * (as those of every buffer an OS allocates do): one area the device may
 * use in place.  NULL when they do not, or when any IDAW is bad (the
 * general path then finds the program check).  The whole list: */
static __attribute__((noinline)) uint8_t *ida_area_pieces(struct machine *m, uint16_t orb_ctrl0,
							  uint32_t cda, uint32_t len)
{
	uint64_t bs = idaw_block(orb_ctrl0), first = 0, next = 0;
	unsigned isz = idaw_size(orb_ctrl0);
	uint32_t done = 0;

	if (!idal_aligned(cda, orb_ctrl0))
		return NULL;
	for (uint64_t i = 0; done < len; i++) {
		const uint8_t *ip = storage_ptr(m->mem, cda + i * isz, isz);
		uint64_t a, n;

		if (!ip || idaw_fetch(ip, orb_ctrl0, (unsigned)i, &a) || (i && a != next))
			return NULL;
		if (!i)
			first = a;
		n = bs - (a & (bs - 1));
		if (n > len - done)
			n = len - done;
		next = a + n;
		done += (uint32_t)n;
	}
	return storage_ptr(m->mem, first, len);
}

/* The common case first, inline: the first IDAW's block holds all the
 * data (every command of a 4 KB read, every parameter block), one IDAW
 * fetched and no loop.  Expanded once per IDAW format (ida_area()): with
 * the format a constant, the arch helpers fold to a few instructions. */
static inline __attribute__((always_inline)) uint8_t *
ida_first(struct machine *m, uint16_t orb_ctrl0, uint32_t cda, uint32_t len)
{
	uint64_t bs = idaw_block(orb_ctrl0), a;
	const uint8_t *ip;

	if (!len || !idal_aligned(cda, orb_ctrl0))
		return ida_area_pieces(m, orb_ctrl0, cda, len);
	ip = storage_ptr(m->mem, cda, idaw_size(orb_ctrl0));
	if (!ip || idaw_fetch(ip, orb_ctrl0, 0, &a))
		return NULL;
	if (bs - (a & (bs - 1)) >= len)
		return storage_ptr(m->mem, a, len);
	return ida_area_pieces(m, orb_ctrl0, cda, len);
}

static inline __attribute__((always_inline)) uint8_t *
ida_area(struct machine *m, uint16_t orb_ctrl0, uint32_t cda, uint32_t len)
{
	if (orb_ctrl0 & ORB_CTRL0_C64) /* format-2 IDAWs */
		return ida_first(m, orb_ctrl0 | ORB_CTRL0_C64, cda, len);
	return ida_first(m, orb_ctrl0 & ~ORB_CTRL0_C64, cda, len);
}

/* The data area of a command that the device may use in place (no copy
 * through the channel buffer): one CCW, no skip, a valid address or an
 * IDAW list of contiguous pieces.  A read then stores as the device
 * transfers, i.e. during the command's time rather than at its end, as a
 * channel does (a read halted or cleared in flight may have stored data).
 * NULL when the buffer is to be used. */
static uint8_t *direct_area(struct machine *m, struct subchannel *s)
{
	const struct seg *g = &s->io->seg[0];

	if (s->io->nseg != 1 || !g->count || (g->flags & CCW_FLAG_SKIP))
		return NULL;
	if (g->flags & CCW_FLAG_IDA)
		return ida_area(m, s->io->orb_ctrl0, g->cda, g->count);
	if (fmt1(s) && (g->cda & 0x80000000u))
		return NULL;
	if ((uint64_t)g->cda + g->count > addr_limit(s))
		return NULL;
	return storage_ptr(m->mem, g->cda, g->count);
}

/* Program check from chn_exec(): the program has ended. */
static bool exec_check(struct machine *m, struct subchannel *s, uint64_t ccw)
{
	program_check(m, s, ccw);
	return false;
}

/* Check (and for output, fetch) every data area of the command before
 * the device acts, so that a bad address never leaves a half-done command;
 * an input buffer starts zeroed.  0, or -1 with *bad = the CCW at fault. */
static int load_buffer(struct machine *m, struct subchannel *s, bool reads, uint32_t total,
		       uint64_t *bad)
{
	struct sch_io *io = s->io;
	uint32_t off = 0;

	if (buf_reserve(io, total ? total : 1)) {
		*bad = io->seg[0].ccw;
		return -1;
	}
	for (uint8_t i = 0; i < io->nseg; i++) {
		const struct seg *g = &io->seg[i];

		if (seg_xfer(m, s, g, reads ? NULL : io->buf + off, g->count, false)) {
			*bad = g->ccw;
			return -1;
		}
		off += g->count;
	}
	/* Input: the device fills what it transfers, and only that much
	 * is stored (no clearing of a buffer nobody reads). */
	return 0;
}

/* The command most programs are made of: one format-1 CCW, not a TIC,
 * with no flag but CC, SLI and IDA (an IDAW list of contiguous pieces),
 * whose data area the device can use in place.  Sets it up exactly as the general path in chn_exec() would, with
 * one decode and one address check; false, having changed nothing, when
 * the general path is to run (and find any error). */
static bool setup_simple(struct machine *m, struct subchannel *s, struct sch_io *io)
{
	uint64_t addr = io->ccw_addr;
	const uint8_t *p;
	struct ccw1 c;
	enum ccw_kind kind;
	uint8_t *data;

	if (!fmt1(s) || (addr & 7) || addr + CCW_SIZE > FMT1_LIMIT || !io->seg_cap)
		return false;
	p = storage_ptr(m->mem, addr, CCW_SIZE);
	if (!p)
		return false;
	ccw1_decode(p, &c);
	if ((c.flags & ~(CCW_FLAG_CC | CCW_FLAG_SLI | CCW_FLAG_IDA)) || !c.count)
		return false;
	kind = ccw_kind(c.cmd, true);
	if (kind == CCW_KIND_INVALID || kind == CCW_KIND_TIC)
		return false;
	if (c.flags & CCW_FLAG_IDA)
		data = ida_area(m, io->orb_ctrl0, c.cda, c.count);
	else if ((c.cda & 0x80000000u) || (uint64_t)c.cda + c.count > FMT1_LIMIT)
		return false;
	else
		data = storage_ptr(m->mem, c.cda, c.count);
	if (!data)
		return false;
	io->last_ccw = addr;
	io->seg[0] = (struct seg){addr, c.flags, c.count, c.cda};
	io->nseg = 1;
	io->cmd_kind = (uint8_t)kind;
	io->direct = true;
	io->cmd = (struct ccwdev_cmd){
		.code = c.cmd,
		.flags = c.flags,
		.chained = io->cmd_chained,
		.data = data,
		.count = c.count,
	};
	return true;
}

/* Fetch and set up the next command; false when the program ended (a
 * program check) or was suspended.  Out of line: its locals and spills
 * stay out of chn_step()'s frame when setup_simple() does the work. */
static __attribute__((noinline)) bool setup_cmd(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;
	uint64_t addr = io->ccw_addr, bad;
	struct ccw1 c;
	uint32_t total;
	uint8_t *direct;
	int kind = fetch_follow(m, s, &addr, &c);

	if (kind < 0)
		return exec_check(m, s, addr);
	io->last_ccw = addr;
	if (c.flags & CCW_FLAG_SUSPEND) {
		if (!(s->scsw.flags & SCSW_FLAGS_SCTL))
			return exec_check(m, s, addr);
		suspend(m, s, addr);
		return false;
	}
	if (kind == CCW_KIND_INVALID || (c.flags & CCW_FLAG_MIDA) || (!fmt1(s) && c.count == 0))
		return exec_check(m, s, addr);
	if (c.flags & CCW_FLAG_PCI)
		pci_status(m, s);
	if (gather_chain(m, s, addr, &c, &total, &bad))
		return exec_check(m, s, bad);
	direct = direct_area(m, s);
	if (!direct && load_buffer(m, s, kind_reads((uint8_t)kind), total, &bad))
		return exec_check(m, s, bad);
	io->cmd_kind = (uint8_t)kind;
	io->direct = direct != NULL;
	io->cmd = (struct ccwdev_cmd){
		.code = c.cmd,
		.flags = io->seg[io->nseg - 1].flags,
		.chained = io->cmd_chained,
		.data = direct ? direct : io->buf,
		.count = total,
	};
	return true;
}

/* When the data of the command just executed has crossed the path's link:
 * `ready` (the CU has done its part) plus the transfer at the link's rate,
 * after the transfers already on that link in the same direction. */
static sim_time_t link_done(struct machine *m, struct sch_io *io, sim_time_t ready)
{
	uint64_t rate = m->timing.link_rate, len = io->cmd.len;
	sim_time_t *free_at, start;

	if (!rate || !len)
		return ready;
	free_at = &m->chp[io->path].link_free[kind_reads(io->cmd_kind)];
	start = ready > *free_at ? ready : *free_at;
	*free_at = start + (len * SIM_S + rate - 1) / rate;
	return *free_at;
}

/* Fetch and start the next command of the channel program.  True when
 * the command is done at once and the caller is to process its completion
 * (see chn_step); false when that was scheduled or the program ended. */
static bool chn_exec(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;
	sim_time_t delay;

	if (!setup_simple(m, s, io) && !setup_cmd(m, s))
		return false;
	s->dev->ops->exec(s->dev, io->path, &io->cmd);
	if (io->direct)
		m->stats.bytes_in_place += io->cmd.len;
	else
		m->stats.bytes_buffered += io->cmd.len;
	delay = m->timing.ccw_fetch + io->cmd.latency;
	if (m->timing.link_rate)
		delay = link_done(m, io, sim_now(m->sim) + delay) - sim_now(m->sim);
	/* Zero time and nothing else due now: the completion event would
	 * run next anyway, so save scheduling it. */
	if (!delay && sim_next_is_mine(m->sim))
		return true;
	io->ev = sim_at(m->sim, delay, cmd_done, io);
	return false;
}

/* Where the transfer of `done` bytes ended: the segment index and the
 * residual count of that CCW. */
static uint8_t end_seg(const struct sch_io *io, uint32_t done, uint16_t *residual)
{
	uint8_t k;

	for (k = 0; k + 1 < io->nseg; k++) {
		if (done <= io->seg[k].count)
			break;
		done -= io->seg[k].count;
	}
	if (done > io->seg[k].count)
		done = io->seg[k].count;
	*residual = (uint16_t)(io->seg[k].count - done);
	return k;
}

static void scatter(struct machine *m, struct subchannel *s, uint32_t len)
{
	struct sch_io *io = s->io;
	uint32_t off = 0;

	for (uint8_t i = 0; i < io->nseg && off < len; i++) {
		const struct seg *g = &io->seg[i];
		uint32_t n = g->count < len - off ? g->count : len - off;

		/* Skip: the data is taken from the device but not stored. */
		if (!(g->flags & CCW_FLAG_SKIP))
			seg_xfer(m, s, g, io->buf + off, n, true);
		off += n;
	}
}

static bool incorrect_length(const struct subchannel *s, const struct sch_io *io, uint8_t k,
			     uint32_t done, uint32_t total)
{
	const struct seg *g = &io->seg[k];
	const struct seg *last = &io->seg[io->nseg - 1];
	bool il = false;

	if (done < total)
		/* SLI is ignored on a CCW that chains data onward. */
		il = !(g->flags & CCW_FLAG_SLI) || (g->flags & CCW_FLAG_CD);
	if (io->cmd.wanted_more)
		il = il || !(last->flags & CCW_FLAG_SLI);
	/* Immediate commands: format 0 never reports IL; format 1 only
	 * without the ORB's incorrect-length-suppression mode. */
	if (il && io->cmd_kind == CCW_KIND_CONTROL && done == 0) {
		if (!fmt1(s) || (io->orb_ctrl1 & ORB_CTRL1_ILS))
			il = false;
	}
	return il;
}

/* Command chaining; status modifier skips one CCW. */
static bool chain_on(struct sch_io *io, const struct seg *last, uint8_t dstat)
{
	io->ccw_addr = last->ccw + CCW_SIZE;
	if (dstat & DEV_STAT_STAT_MOD)
		io->ccw_addr += CCW_SIZE;
	io->cmd_chained = true;
	return true;
}

/* The end of a command that did not simply chain on: input through the
 * channel buffer stored, residual count, incorrect length, then chaining
 * or the end of the program.  Kept out of line so that the common case in
 * cmd_complete() stays a few instructions. */
static __attribute__((noinline)) bool cmd_end(struct machine *m, struct subchannel *s,
					      uint32_t done)
{
	struct sch_io *io = s->io;
	const struct seg *last = &io->seg[io->nseg - 1];
	uint32_t total = io->cmd.count;
	uint8_t dstat = io->cmd.dstat, k;
	uint16_t residual;
	bool il;

	if (!io->direct && kind_reads(io->cmd_kind))
		scatter(m, s, done);
	k = end_seg(io, done, &residual);
	il = incorrect_length(s, io, k, done, total);
	io->last_ccw = io->seg[k].ccw;
	if (!il && (dstat & ~DEV_STAT_STAT_MOD) == (DEV_STAT_CHN_END | DEV_STAT_DEV_END) &&
	    (last->flags & CCW_FLAG_CC))
		return chain_on(io, last, dstat);
	s->scsw.cpa = (uint32_t)(io->seg[k].ccw + CCW_SIZE);
	s->scsw.count = residual;
	end_start(m, s, dstat, il ? SCHN_STAT_INCORR_LEN : 0);
	return false;
}

/* The command in flight is done: scatter, residual, incorrect length;
 * true when the program chains to its next command.  A command that moved
 * all its data, asked for no more and ended normally has no incorrect
 * length and ended at its last CCW with residual 0: it chains or ends
 * without the walk. */
static inline __attribute__((always_inline)) bool cmd_complete(struct machine *m,
							       struct subchannel *s)
{
	struct sch_io *io = s->io;
	const struct seg *last = &io->seg[io->nseg - 1];
	uint32_t total = io->cmd.count;
	uint32_t done = io->cmd.len < total ? io->cmd.len : total;
	uint8_t dstat = io->cmd.dstat;

	if ((io->direct || !kind_reads(io->cmd_kind)) && done == total && !io->cmd.wanted_more &&
	    (dstat & ~DEV_STAT_STAT_MOD) == (DEV_STAT_CHN_END | DEV_STAT_DEV_END)) {
		io->last_ccw = last->ccw;
		if (last->flags & CCW_FLAG_CC)
			return chain_on(io, last, dstat);
		/* The program's last command: residual count 0. */
		s->scsw.cpa = (uint32_t)(last->ccw + CCW_SIZE);
		s->scsw.count = 0;
		end_start(m, s, dstat, 0);
		return false;
	}
	return cmd_end(m, s, done);
}

/* Run the channel program from its next CCW for as long as commands
 * complete at once (a loop, not recursion: a long zero-time chain must not
 * grow the stack). */
static void chn_step(struct machine *m, struct subchannel *s)
{
	while (chn_exec(m, s) && cmd_complete(m, s))
		;
}

/* A command's time is over.  cmd_complete() is inline here and in
 * chn_step(): one call and one frame fewer per command. */
static void cmd_done(void *arg)
{
	struct sch_io *io = arg;

	io->ev = NULL;
	if (cmd_complete(io->m, io->s))
		chn_step(io->m, io->s);
}

/* ---- path loss under a running channel program ---- */

/* The link under the program broke: the program ends with an
 * interface-control check; the ESW is format 0 with the LPUM valid. */
void chn_path_lost(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;

	if (!io || !io->running)
		return;
	cancel_ev(m, &io->ev);
	mtrace(m, "sch 0.%x.%04x: channel program on chpid 0.%02x ended: IFCC", s->ssid, s->sch_no,
	       io->path);
	s->scsw.cpa = (uint32_t)(io->last_ccw + CCW_SIZE);
	s->scsw.flags |= SCSW_FLAGS_ESWF;
	io->esw0 = (uint32_t)s->lpum << 16 | ESW0_SUBLOG_FVF_LPUM | 0x40 /* TC 01 */;
	end_start(m, s, 0, SCHN_STAT_INTF_CTRL_CHK);
}

/* ---- cancel (XSCH) ---- */

void chn_cancel(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;

	cancel_ev(m, &io->ev);
	if (io->dev_selected)
		dev_end(s);
	s->scsw.ctrl &= ~(SCSW_FCTL_START | SCSW_ACTL_START | SCSW_ACTL_RESUME | SCSW_ACTL_SUSP);
	s->scsw.dstat = 0;
	s->scsw.cstat = 0;
}

/* ---- halt ---- */

static uint8_t first_path(const struct subchannel *s)
{
	uint8_t avail = s->pim & s->pam;

	for (int i = 0; i < 8; i++)
		if (avail & (0x80 >> i))
			return (uint8_t)(0x80 >> i);
	return 0;
}

static void halt_ev(void *arg)
{
	struct sch_io *io = arg;
	struct machine *m = io->m;
	struct subchannel *s = io->s;
	struct scsw *w = &s->scsw;
	uint16_t ac = w->ctrl;
	bool active = ac & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT);
	bool start_pend = (ac & (SCSW_ACTL_START | SCSW_ACTL_RESUME)) && !active;
	bool susp = ac & SCSW_ACTL_SUSP;

	io->fev = NULL;
	if ((w->ctrl & SCSW_STCTL_PEND) && (w->ctrl & (SCSW_STCTL_PRIM | SCSW_STCTL_ALERT))) {
		/* The start function ended before the halt signal: its
		 * status stands and the halt function just completes. */
		w->ctrl &= ~SCSW_ACTL_HALT;
		return;
	}
	cancel_ev(m, &io->ev);
	if (io->dev_selected)
		dev_end(s);
	w->ctrl &= ~(SCSW_ACTL_HALT | SCSW_ACTL_START | SCSW_ACTL_RESUME | SCSW_ACTL_SCH_ACT |
		     SCSW_ACTL_DEV_ACT | SCSW_ACTL_SUSP);
	w->ctrl |= SCSW_STCTL_PEND;
	w->dstat = (active || !(start_pend || susp)) ? DEV_STAT_DEV_END : 0;
	w->cstat &= SCHN_STAT_PCI;
	if (active) {
		w->ctrl |= SCSW_STCTL_PRIM | SCSW_STCTL_SEC;
		w->cpa = (uint32_t)(io->last_ccw + CCW_SIZE);
	} else if (susp) {
		w->cpa = (uint32_t)(io->ccw_addr + CCW_SIZE);
	}
	if (start_pend || susp) {
		/* The start function was not (or no longer) in progress
		 * at the device: deferred cc 1. */
		w->flags = (uint16_t)((w->flags & ~SCSW_FLAGS_CC) | 1 << SCSW_CC_SHIFT);
		w->ctrl |= SCSW_STCTL_ALERT;
	}
	s->lpum = io->pathbit && active ? io->pathbit : first_path(s);
	css_make_pending(m, s);
}

void chn_halt(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;
	struct scsw *w = &s->scsw;

	/* An intermediate status alone, with the program running, is
	 * superseded by the halt. */
	if ((w->ctrl & SCSW_STCTL_MASK) == (SCSW_STCTL_INTER | SCSW_STCTL_PEND) &&
	    (w->ctrl & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT))) {
		w->ctrl &= ~SCSW_STCTL_MASK;
		css_withdraw(m, s);
	}
	w->ctrl |= SCSW_FCTL_HALT | SCSW_ACTL_HALT;
	io->fev = sim_at(m->sim, m->timing.ssch_start, halt_ev, io);
}

/* The status of the start function became pending before the halt signal
 * went out, and TSCH took it: the halt function is cleared with the others
 * (the TSCH clearing rules), so it is over and its signal is not sent.
 * Without this the signal would still come and make the subchannel status
 * pending on its own, after whoever took the status had disabled it. */
void chn_halt_ended(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;

	if (io && io->fev && !(s->scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)))
		cancel_ev(m, &io->fev);
}

/* ---- clear ---- */

static void clear_ev(void *arg)
{
	struct sch_io *io = arg;
	struct machine *m = io->m;
	struct subchannel *s = io->s;
	struct scsw *w = &s->scsw;

	io->fev = NULL;
	if (io->dev_selected)
		dev_end(s);
	memset(w, 0, sizeof(*w));
	w->ctrl = SCSW_FCTL_CLEAR | SCSW_STCTL_PEND;
	s->lpum = first_path(s);
	css_make_pending(m, s);
}

/* Everything in progress stops now (no status of the old function can
 * become pending after CSCH); the clear signal completes later. */
void chn_clear(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;

	cancel_ev(m, &io->ev);
	cancel_ev(m, &io->fev);
	css_withdraw(m, s);
	io->running = false;
	s->scsw.ctrl = SCSW_FCTL_CLEAR | SCSW_ACTL_CLEAR;
	s->scsw.flags &= ~SCSW_FLAGS_PNO;
	s->pom = 0xff;
	s->pnom = 0;
	s->lpum = 0;
	io->esw0 = io->erw = 0;
	io->fev = sim_at(m->sim, m->timing.ssch_start, clear_ev, io);
}
