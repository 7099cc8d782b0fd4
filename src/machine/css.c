/* The channel subsystem's I/O instructions (zarch-css-formats.md §7) and the
 * I/O-interruption queue.  Operands are checked in QEMU's order: specification
 * (alignment), access (addressing), operand, then the condition code.  The
 * functions themselves run asynchronously in channel.c. */
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/ids.h"
#include "arch/insn.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "machine/machine_priv.h"

/* ---- subchannel sets ---- */

struct subchannel *css_sch(struct machine *m, uint8_t ssid, uint16_t sch_no)
{
	struct sch_set *set = ssid < MAX_SSID_COUNT ? m->set[ssid] : NULL;
	struct sch_chunk *c;

	if (!set)
		return NULL;
	c = set->chunk[sch_no >> CHUNK_SHIFT];
	return c ? &c->sch[sch_no & (CHUNK_SIZE - 1)] : NULL;
}

struct subchannel *css_sch_key(struct machine *m, uint32_t key)
{
	return css_sch(m, (uint8_t)(key >> 16), (uint16_t)key);
}

/* The slot for a new subchannel; sets and chunks are allocated lazily so an
 * unused set costs one pointer. */
struct subchannel *css_sch_alloc(struct machine *m, uint8_t ssid, uint16_t sch_no)
{
	struct sch_set *set;
	struct sch_chunk **cp;
	struct subchannel *s;

	if (ssid >= MAX_SSID_COUNT)
		return NULL;
	if (!m->set[ssid]) {
		m->set[ssid] = calloc(1, sizeof(*set));
		if (!m->set[ssid])
			return NULL;
		m->set[ssid]->highest = -1;
	}
	set = m->set[ssid];
	cp = &set->chunk[sch_no >> CHUNK_SHIFT];
	if (!*cp) {
		*cp = calloc(1, sizeof(**cp));
		if (!*cp)
			return NULL;
	}
	s = &(*cp)->sch[sch_no & (CHUNK_SIZE - 1)];
	s->ssid = ssid;
	s->sch_no = sch_no;
	if (sch_no > set->highest)
		set->highest = sch_no;
	return s;
}

struct sch_io *sch_io(struct subchannel *s)
{
	return s->io;
}

/* A number at or below the highest installed one in its set is "provided"
 * (STSCH stores a SCHIB with V = 0 for it, as QEMU does, so that an OS that
 * enumerates until the first cc 3 sees every device); above it, cc 3. */
static bool css_provided(struct machine *m, uint8_t ssid, uint16_t sch_no)
{
	struct sch_set *set = m->set[ssid];

	return set && (int)sch_no <= set->highest;
}

static bool sch_operational(const struct subchannel *s)
{
	return s && s->installed && (s->pflags & PMCW_FLAGS_DNV) && (s->pflags & PMCW_FLAGS_ENA);
}

void css_free(struct machine *m)
{
	if (m->deliver_ev)
		sim_cancel(m->sim, m->deliver_ev);
	m->deliver_ev = NULL;
	for (int i = 0; i < MAX_SSID_COUNT; i++) {
		struct sch_set *set = m->set[i];

		if (!set)
			continue;
		for (unsigned c = 0; c < NR_CHUNKS; c++) {
			if (!set->chunk[c])
				continue;
			for (unsigned j = 0; j < CHUNK_SIZE; j++)
				chn_free_io(m, &set->chunk[c]->sch[j]);
			free(set->chunk[c]);
		}
		free(set);
		m->set[i] = NULL;
	}
}

/* ---- I/O-interruption requests ---- */

static void css_deliver(void *arg);

static unsigned sch_isc(const struct subchannel *s)
{
	return (s->pflags & PMCW_FLAGS_ISC) >> PMCW_ISC_SHIFT;
}

/* One delivery event, at the earliest time a queued request is ready. */
static void css_schedule_delivery(struct machine *m, sim_time_t at)
{
	sim_time_t now = sim_now(m->sim);

	if (at < now)
		at = now;
	if (m->deliver_ev) {
		if (m->deliver_at <= at)
			return;
		sim_cancel(m->sim, m->deliver_ev);
	}
	m->deliver_at = at;
	m->deliver_ev = sim_at(m->sim, at - now, css_deliver, m);
}

/* Status has become pending: queue an interruption request for the
 * subchannel's ISC, to be taken after the interrupt latency. */
void css_make_pending(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;
	unsigned isc = sch_isc(s);

	if (io->queued)
		return;
	io->queued = true;
	io->ready_at = sim_now(m->sim) + m->timing.interrupt;
	io->inext = NULL;
	io->iprev = m->itail[isc];
	if (m->itail[isc])
		m->itail[isc]->io->inext = s;
	else
		m->ihead[isc] = s;
	m->itail[isc] = s;
	m->ipend |= (uint8_t)(0x80 >> isc);
	css_schedule_delivery(m, io->ready_at);
}

/* Withdraw the interruption request (TSCH, TPI, clear). */
void css_withdraw(struct machine *m, struct subchannel *s)
{
	struct sch_io *io = s->io;
	unsigned isc = sch_isc(s);

	if (!io || !io->queued)
		return;
	if (io->iprev)
		io->iprev->io->inext = io->inext;
	else
		m->ihead[isc] = io->inext;
	if (io->inext)
		io->inext->io->iprev = io->iprev;
	else
		m->itail[isc] = io->iprev;
	if (!m->ihead[isc])
		m->ipend &= (uint8_t) ~(0x80 >> isc);
	io->queued = false;
	io->iprev = io->inext = NULL;
}

/* Highest-priority request (lowest ISC first) among the enabled ISCs;
 * `ready` limits it to requests whose latency has passed. */
/* The first ISC of bits (bit 0x80 >> isc): the lowest. */
static unsigned first_isc(unsigned bits)
{
	return (unsigned)__builtin_clz(bits) - 24;
}

static struct subchannel *css_next_request(struct machine *m, bool ready)
{
	/* Only the ISCs with a request that are enabled. */
	for (unsigned bits = m->ipend & m->isc_mask, isc; bits; bits &= ~(0x80u >> isc)) {
		struct subchannel *s = m->ihead[isc = first_isc(bits)];

		if (!ready || s->io->ready_at <= sim_now(m->sim))
			return s;
	}
	return NULL;
}

static void css_deliver(void *arg)
{
	struct machine *m = arg;
	struct subchannel *s;

	m->deliver_ev = NULL;
	if (!m->bound || !m->up.io_interrupt)
		return;
	while ((s = css_next_request(m, true))) {
		uint32_t word = io_int_word(sch_isc(s));

		css_withdraw(m, s);
		m->stats.interrupts++;
		m->up.io_interrupt(m->up.os, schid_word(s->ssid, s->sch_no), s->intparm, word);
	}
	/* Requests still waiting out their latency get their own event. */
	s = NULL;
	for (unsigned bits = m->ipend & m->isc_mask, isc; bits; bits &= ~(0x80u >> isc)) {
		struct subchannel *h = m->ihead[isc = first_isc(bits)];

		if (!s || h->io->ready_at < s->io->ready_at)
			s = h;
	}
	if (s)
		css_schedule_delivery(m, s->io->ready_at);
}

/* ---- operand helpers ---- */

/* Storage operand of `len` bytes at a word-aligned address. */
static int css_operand(struct machine *m, uint64_t addr, uint64_t len, uint8_t **p)
{
	return insn_operand(m->mem, addr, len, p);
}

static void sch_to_schib(const struct subchannel *s, struct schib *sb)
{
	memset(sb, 0, sizeof(*sb));
	if (!s || !s->installed)
		return;
	sb->pmcw.intparm = s->intparm;
	sb->pmcw.flags = s->pflags;
	sb->pmcw.devno = s->devno;
	sb->pmcw.lpm = s->lpm;
	sb->pmcw.pnom = s->pnom;
	sb->pmcw.lpum = s->lpum;
	sb->pmcw.pim = s->pim;
	sb->pmcw.mbi = s->mbi;
	sb->pmcw.pom = s->pom;
	sb->pmcw.pam = s->pam;
	memcpy(sb->pmcw.chpid, s->chpid, 8);
	sb->pmcw.chars = s->chars;
	sb->scsw = s->scsw;
	if (s->io && (s->chars & PMCW_CHARS_MBFC))
		sb->mba = s->io->mba;
}

/* ---- the instructions ---- */

static int css_stsch(void *css, uint32_t schid, uint64_t addr)
{
	struct machine *m = css;
	uint8_t *p, ssid;
	uint16_t no;
	struct schib sb;
	int rc = css_operand(m, addr, SCHIB_SIZE, &p);

	if (rc)
		return rc;
	if (schid_word_decode(schid, &ssid, &no))
		return -PGM_OPERAND;
	m->stats.stsch++;
	if (!css_provided(m, ssid, no))
		return 3;
	sch_to_schib(css_sch(m, ssid, no), &sb);
	schib_encode(&sb, p);
	return 0;
}

static int css_msch(void *css, uint32_t schid, uint64_t addr)
{
	struct machine *m = css;
	struct subchannel *s;
	struct schib sb;
	struct pmcw pm = {0};
	uint8_t *p, ssid;
	uint16_t no;
	bool mb;
	int rc = css_operand(m, addr, SCHIB_SIZE, &p);

	if (rc)
		return rc;
	if (schid_word_decode(schid, &ssid, &no) || schib_msch_invalid(p))
		return -PGM_OPERAND;
	m->stats.msch++;
	if (!css_provided(m, ssid, no))
		return 3;
	s = css_sch(m, ssid, no);
	if (!s || !s->installed)
		return 0; /* V = 0: cc 0, nothing changes */
	if (sch_status_pending(s))
		return 1;
	if (s->scsw.ctrl & SCSW_FCTL_MASK)
		return 2;
	schib_decode(p, &sb);
	pm.intparm = s->intparm;
	pm.flags = s->pflags;
	pm.lpm = s->lpm;
	pm.mbi = s->mbi;
	pm.pom = s->pom;
	pm.chars = s->chars;
	mb = insn_msch_apply(&pm, &sb.pmcw);
	s->intparm = pm.intparm;
	s->pflags = pm.flags;
	s->lpm = pm.lpm;
	s->mbi = pm.mbi;
	s->pom = pm.pom;
	s->chars = pm.chars;
	if (mb && s->io)
		s->io->mba = sb.mba;
	return 0;
}

static struct sch_io *sch_io_get(struct machine *m, struct subchannel *s)
{
	if (!s->io) {
		s->io = calloc(1, sizeof(*s->io));
		if (!s->io)
			return NULL;
		s->io->m = m;
		s->io->s = s;
	}
	return s->io;
}

static int css_ssch(void *css, uint32_t schid, uint64_t addr)
{
	struct machine *m = css;
	struct subchannel *s;
	struct sch_io *io;
	struct orb o;
	uint8_t ssid;
	uint16_t no;
	int rc = insn_fetch_orb(m->mem, addr, &o);

	if (rc)
		return rc;
	if (schid_word_decode(schid, &ssid, &no))
		return -PGM_OPERAND;
	m->stats.ssch++;
	s = css_sch(m, ssid, no);
	if (!sch_operational(s))
		return 3;
	if (sch_status_pending(s))
		return 1;
	if (s->scsw.ctrl & SCSW_FCTL_MASK)
		return 2;
	/* No path the program allows is available at all (Hercules; Linux
	 * handles this cc 3 by dropping the ORB's paths from its mask). */
	if (!(o.lpm & s->pam & s->pim))
		return 3;
	io = sch_io_get(m, s);
	if (!io)
		return 2;
	s->intparm = o.intparm;
	s->lpm = o.lpm;
	s->pnom = 0;
	insn_ssch_start(&s->scsw, &o);
	io->orb_ctrl0 = o.ctrl0;
	io->orb_ctrl1 = o.ctrl1;
	io->ccw_addr = o.cpa;
	io->last_ccw = o.cpa;
	/* The ECW is cleared when a concurrent sense fills it (end_start). */
	io->esw0 = io->erw = 0;
	chn_start(m, s);
	return 0;
}

/* Store what TSCH stores: the SCSW, the ESW and the ECW (IRB words 0-15;
 * the EMW is never stored), straight into the operand with
 * irb_encode_status() instead of through a zeroed struct irb and a 96-byte
 * scratch copy: this runs once per I/O. */
static void tsch_store(const struct subchannel *s, uint8_t *p)
{
	const struct sch_io *io = s->io;
	uint32_t esw0 = (uint32_t)s->lpum << 16, erw = 0;

	if (io) {
		if (s->scsw.flags & SCSW_FLAGS_ESWF)
			esw0 = io->esw0;
		erw = io->erw;
	}
	irb_encode_status(&s->scsw, esw0, erw, (erw & ERW_S) ? io->ecw : NULL, p);
}

/* TSCH clearing rules (arch/insn.c), then the interruption request goes. */
static void tsch_clear(struct machine *m, struct subchannel *s)
{
	bool halt = s->scsw.ctrl & SCSW_FCTL_HALT;

	insn_tsch_clear(&s->scsw);
	css_withdraw(m, s);
	if (halt)
		chn_halt_ended(m, s);
}

static int css_tsch(void *css, uint32_t schid, uint64_t addr)
{
	struct machine *m = css;
	struct subchannel *s;
	uint8_t *p, ssid;
	uint16_t no;
	int rc;

	if (schid_word_decode(schid, &ssid, &no))
		return -PGM_OPERAND;
	/* The EMW is never stored (no extended-measurement facility), so
	 * the operand is the 64 bytes of SCSW, ESW and ECW. */
	rc = css_operand(m, addr, IRB_OFF_EMW, &p);
	if (rc)
		return rc;
	m->stats.tsch++;
	s = css_sch(m, ssid, no);
	if (!sch_operational(s))
		return 3;
	tsch_store(s, p);
	if (!sch_status_pending(s))
		return 1;
	tsch_clear(m, s);
	return 0;
}

static int css_sch_op(struct machine *m, uint32_t schid, struct subchannel **sp)
{
	uint8_t ssid;
	uint16_t no;

	if (schid_word_decode(schid, &ssid, &no))
		return -PGM_OPERAND;
	*sp = css_sch(m, ssid, no);
	if (!sch_operational(*sp))
		return 3;
	if (!sch_io_get(m, *sp))
		return 2;
	return 0;
}

static int css_csch(void *css, uint32_t schid)
{
	struct machine *m = css;
	struct subchannel *s;
	int rc = css_sch_op(m, schid, &s);

	m->stats.csch++;
	if (rc)
		return rc;
	chn_clear(m, s);
	return 0;
}

static int css_hsch(void *css, uint32_t schid)
{
	struct machine *m = css;
	struct subchannel *s;
	uint16_t sc;
	int rc = css_sch_op(m, schid, &s);

	m->stats.hsch++;
	if (rc)
		return rc;
	sc = s->scsw.ctrl & SCSW_STCTL_MASK;
	if ((sc & SCSW_STCTL_PEND) &&
	    (sc == SCSW_STCTL_PEND || (sc & (SCSW_STCTL_ALERT | SCSW_STCTL_PRIM | SCSW_STCTL_SEC))))
		return 1;
	if (s->scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR))
		return 2;
	chn_halt(m, s);
	return 0;
}

static int css_xsch(void *css, uint32_t schid)
{
	struct machine *m = css;
	struct subchannel *s;
	uint16_t ctrl;
	int rc = css_sch_op(m, schid, &s);

	m->stats.xsch++;
	if (rc)
		return rc;
	ctrl = s->scsw.ctrl;
	if (ctrl & SCSW_STCTL_MASK)
		return 1;
	if ((ctrl & SCSW_FCTL_MASK) != SCSW_FCTL_START ||
	    !(ctrl & (SCSW_ACTL_START | SCSW_ACTL_RESUME | SCSW_ACTL_SUSP)) ||
	    (ctrl & SCSW_ACTL_SCH_ACT))
		return 2;
	chn_cancel(m, s);
	return 0;
}

static int css_rsch(void *css, uint32_t schid)
{
	struct machine *m = css;
	struct subchannel *s;
	uint16_t ctrl;
	int rc = css_sch_op(m, schid, &s);

	m->stats.rsch++;
	if (rc)
		return rc;
	ctrl = s->scsw.ctrl;
	if (ctrl & SCSW_STCTL_PEND)
		return 1;
	if ((ctrl & SCSW_FCTL_MASK) != SCSW_FCTL_START || !(ctrl & SCSW_ACTL_SUSP) ||
	    (ctrl & (SCSW_ACTL_RESUME | SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT)) ||
	    !(s->scsw.flags & SCSW_FLAGS_SCTL))
		return 2;
	s->scsw.ctrl |= SCSW_ACTL_RESUME;
	s->pnom = 0;
	chn_resume(m, s);
	return 0;
}

static int css_tpi(void *css, uint64_t addr)
{
	struct machine *m = css;
	struct subchannel *s;
	uint8_t *p;
	uint64_t len = addr ? 8 : 12;
	int rc;

	if (addr) {
		rc = css_operand(m, addr, len, &p);
	} else {
		p = storage_ptr(m->mem, IO_INT_CODE_LOWCORE, len);
		rc = p ? 0 : -PGM_ADDRESSING;
	}
	if (rc)
		return rc;
	s = css_next_request(m, false);
	if (!s)
		return 0;
	css_withdraw(m, s);
	io_int_code_encode(p, schid_word(s->ssid, s->sch_no), s->intparm, sch_isc(s), !addr);
	return 1;
}

static int css_stcrw(void *css, uint64_t addr)
{
	struct machine *m = css;

	m->stats.stcrw++;
	return crw_stcrw(m, addr);
}

static int css_chsc(void *css, uint64_t addr)
{
	struct machine *m = css;

	m->stats.chsc++;
	return chsc_do(m, addr);
}

static int css_servc(void *css, uint32_t cmdw, uint64_t sccb)
{
	struct machine *m = css;

	m->stats.servc++;
	return sclp_servc(m, cmdw, sccb);
}

static void css_kick(struct machine *m)
{
	if (css_next_request(m, false))
		css_schedule_delivery(m, sim_now(m->sim));
}

static void css_set_isc_mask(void *css, uint8_t mask)
{
	struct machine *m = css;

	m->isc_mask = mask;
	css_kick(m);
}

static void css_bind(void *css, const struct css_upcalls *up)
{
	struct machine *m = css;

	m->bound = up != NULL;
	if (up)
		m->up = *up;
	else
		memset(&m->up, 0, sizeof(m->up));
	css_kick(m);
	crw_rearm_on_bind(m);
}

const struct css_ops machine_css_ops = {
	.stsch = css_stsch,
	.msch = css_msch,
	.ssch = css_ssch,
	.tsch = css_tsch,
	.csch = css_csch,
	.hsch = css_hsch,
	.xsch = css_xsch,
	.rsch = css_rsch,
	.tpi = css_tpi,
	.stcrw = css_stcrw,
	.chsc = css_chsc,
	.servc = css_servc,
	.set_isc_mask = css_set_isc_mask,
	.bind = css_bind,
};
