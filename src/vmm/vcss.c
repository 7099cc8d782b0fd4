/* The virtual channel subsystem: the I/O instructions a guest issues, their
 * condition codes and SCSW bookkeeping (zarch-css-formats.md §7), the
 * I/O-interruption queue and the CRW queue with its machine check.  The
 * backends (virtual devices, vfio-ccw pass-through) only do the device part.
 */
#include "vmm/vcss.h"

#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/crw.h"
#include "arch/ids.h"
#include "arch/insn.h"
#include "arch/irb.h"
#include "vmm/vcss_priv.h"

#define CRW_R_BIT	0x20000000u
#define CRW_SOURCE_MASK 0x0f00ffffu /* RSC and RSID */

static struct vcss *to_css(void *p)
{
	return p;
}

struct vcss *vcss_new(struct sim *sim, struct storage *guest_mem)
{
	struct vcss *css = calloc(1, sizeof(*css));

	if (!css)
		return NULL;
	css->sim = sim;
	css->mem = guest_mem;
	css->mchk_armed = true;
	return css;
}

void vcss_free(struct vcss *css)
{
	if (!css)
		return;
	vcss_stop(css);
	for (int i = 0; i < css->nsch; i++)
		free(css->sch[i]);
	free(css->sch);
	free(css);
}

void vcss_stop(struct vcss *css)
{
	css->stopped = true;
	sim_cancel(css->sim, css->irq_ev);
	css->irq_ev = NULL;
	sim_cancel(css->sim, css->mchk_ev);
	css->mchk_ev = NULL;
	sim_cancel(css->sim, css->sclp_ev);
	css->sclp_ev = NULL;
}

struct css_if vcss_css_if(struct vcss *css)
{
	struct css_if ci = {&vcss_ops, css, css->mem};

	return ci;
}

struct sim *vcss_sim(struct vcss *css)
{
	return css->sim;
}

struct storage *vcss_mem(struct vcss *css)
{
	return css->mem;
}

const struct vcss_stats *vcss_stats(const struct vcss *css)
{
	return &css->st;
}

struct vsch *vcss_add_sch(struct vcss *css, uint16_t devno, const struct vsch_ops *ops, void *priv)
{
	struct vsch *s, **n;

	if (css->nsch >= VCSS_MAX_SCH)
		return NULL;
	n = realloc(css->sch, sizeof(*n) * (size_t)(css->nsch + 1));
	if (!n)
		return NULL;
	css->sch = n;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->css = css;
	s->schno = (uint16_t)css->nsch;
	s->pmcw.flags = PMCW_FLAGS_DNV;
	s->pmcw.devno = devno;
	s->pmcw.pom = 0xff;
	s->ops = ops;
	s->priv = priv;
	css->sch[css->nsch++] = s;
	return s;
}

int vcss_nsch(const struct vcss *css)
{
	return css->nsch;
}

struct vsch *vcss_sch(struct vcss *css, int schno)
{
	return schno >= 0 && schno < css->nsch ? css->sch[schno] : NULL;
}

void vcss_add_chpid(struct vcss *css, uint8_t chpid, uint8_t type, bool virt)
{
	css->chp[chpid].in_use = true;
	css->chp[chpid].type = type;
	css->chp[chpid].virt = virt;
}

bool vcss_chpid_in_use(const struct vcss *css, uint8_t chpid, uint8_t *type, bool *virt)
{
	if (!css->chp[chpid].in_use)
		return false;
	if (type)
		*type = css->chp[chpid].type;
	if (virt)
		*virt = css->chp[chpid].virt;
	return true;
}

/* ---- I/O interruptions ---- */

static bool isc_enabled(const struct vcss *css, const struct vsch *s)
{
	return css->isc_mask & (0x80 >> pmcw_isc(&s->pmcw));
}

/* The oldest interruption request whose ISC is enabled. */
static struct vsch *next_irq(struct vcss *css)
{
	struct vsch *best = NULL;

	for (int i = 0; i < css->nsch; i++) {
		struct vsch *s = css->sch[i];

		if (s->irq_pending && isc_enabled(css, s) && (!best || s->irq_seq < best->irq_seq))
			best = s;
	}
	return best;
}

static void irq_deliver(void *arg);
static void withdraw_irq(struct vsch *s);

static void irq_kick(struct vcss *css)
{
	if (css->irq_ev || !css->npending || !css->bound || css->stopped || !css->up.io_interrupt)
		return;
	if (next_irq(css))
		css->irq_ev = sim_at(css->sim, VCSS_IRQ_LATENCY, irq_deliver, css);
}

static void irq_deliver(void *arg)
{
	struct vcss *css = arg;
	struct vsch *s;

	css->irq_ev = NULL;
	s = next_irq(css);
	if (!s)
		return;
	s->irq_pending = false;
	css->npending--;
	css->st.io_interrupts++;
	css->up.io_interrupt(css->up.os, schid_word(0, s->schno), s->pmcw.intparm,
			     io_int_word(pmcw_isc(&s->pmcw)));
	irq_kick(css);
}

void vcss_post_status(struct vsch *s)
{
	struct vcss *css = s->css;

	css->npending += !s->irq_pending;
	s->irq_pending = true;
	s->irq_seq = ++css->irq_seq;
	irq_kick(css);
}

void vcss_unplug(struct vsch *s)
{
	struct crw c = {.rsc = CRW_RSC_SCH, .erc = CRW_ERC_IPARM, .rsid = s->schno};

	s->pmcw.flags &= (uint16_t) ~(PMCW_FLAGS_ENA | PMCW_FLAGS_DNV);
	withdraw_irq(s);
	s->ops = NULL;
	s->priv = NULL;
	vcss_queue_crw(s->css, crw_encode(&c), false);
}

/* ---- channel reports ---- */

static void mchk_deliver(void *arg)
{
	struct vcss *css = arg;

	css->mchk_ev = NULL;
	css->st.machine_checks++;
	css->up.channel_report(css->up.os);
}

static void mchk_kick(struct vcss *css)
{
	if (!css->mchk_armed || !css->crw_count || css->mchk_ev || !css->bound || css->stopped ||
	    !css->up.channel_report)
		return;
	css->mchk_armed = false;
	css->mchk_ev = sim_at(css->sim, VCSS_MCHK_LATENCY, mchk_deliver, css);
}

static uint32_t *crw_at(struct vcss *css, int i)
{
	return &css->crw[(css->crw_head + i) % VCSS_CRW_QUEUE_LEN];
}

bool vcss_queue_crw(struct vcss *css, uint32_t crw, bool dedup)
{
	/* Only the newest queued report of the same source may absorb it:
	 * offline, online, offline must stay three reports. */
	for (int i = css->crw_count - 1; dedup && i >= 0; i--) {
		uint32_t q = *crw_at(css, i) & ~CRW_R_BIT;

		if ((q & CRW_SOURCE_MASK) != (crw & CRW_SOURCE_MASK))
			continue;
		if (q == (crw & ~CRW_R_BIT))
			return false;
		break;
	}
	if (css->crw_count == VCSS_CRW_QUEUE_LEN) {
		/* Full: the report is lost; the newest queued CRW tells the
		 * guest so (R bit), and the guest re-evaluates everything. */
		*crw_at(css, css->crw_count - 1) |= CRW_R_BIT;
		css->st.crws_overflowed++;
		return false;
	}
	*crw_at(css, css->crw_count) = crw;
	css->crw_count++;
	css->st.crws_queued++;
	mchk_kick(css);
	return true;
}

int vcss_crw_pending(const struct vcss *css)
{
	return css->crw_count;
}

/* ---- operand helpers ---- */

/* Subchannel from the GR1 word: 0 and *out set, 3 (not provided), or
 * -PGM_OPERAND for a malformed word. */
static int sch_lookup(struct vcss *css, uint32_t schid, struct vsch **out)
{
	uint8_t ssid;
	uint16_t no;

	*out = NULL;
	if (schid_word_decode(schid, &ssid, &no))
		return -PGM_OPERAND;
	if (ssid != 0 || no >= css->nsch)
		return 3;
	*out = css->sch[no];
	return 0;
}

/* Word-aligned operand of len bytes in guest storage, or a program check. */
static int operand(struct vcss *css, uint64_t addr, uint64_t len, uint8_t **p)
{
	return insn_operand(css->mem, addr, len, p);
}

/* The first steps of an instruction with a subchannel ID and a storage
 * operand of len bytes, in QEMU's order: a bad ID word is an operand
 * exception, then the operand's alignment and address, then (MSCH) the
 * operand's validity, and last cc 3 for a subchannel not provided. */
static int sch_operand(struct vcss *css, uint32_t schid, uint64_t addr, uint64_t len,
		       int (*invalid)(const uint8_t *), struct vsch **s, uint8_t **p)
{
	int rc = sch_lookup(css, schid, s);
	int prc;

	if (rc < 0)
		return rc;
	prc = operand(css, addr, len, p);
	if (prc)
		return prc;
	if (invalid && invalid(*p))
		return -PGM_OPERAND;
	return rc;
}

/* A subchannel without a backend (device unplugged, VM quitting) is not
 * operational for every function. */
static bool not_oper(const struct vsch *s)
{
	return !s->ops || (~s->pmcw.flags & (PMCW_FLAGS_DNV | PMCW_FLAGS_ENA)) != 0;
}

static void withdraw_irq(struct vsch *s)
{
	s->css->npending -= s->irq_pending;
	s->irq_pending = false;
}

/* ---- the instructions ---- */

static int vcss_stsch(void *c, uint32_t schid, uint64_t addr)
{
	struct vcss *css = to_css(c);
	struct vsch *s;
	struct schib sb;
	uint8_t *p;
	int rc = sch_operand(css, schid, addr, SCHIB_SIZE, NULL, &s, &p);

	if (rc)
		return rc;
	css->st.stsch++;
	if (s->ops && s->ops->store)
		s->ops->store(s);
	sb.pmcw = s->pmcw;
	sb.pmcw.flags &= (uint16_t)~PMCW_FLAGS_BIT5;
	sb.scsw = s->scsw;
	sb.mba = s->mba;
	sb.mda = s->mda;
	schib_encode(&sb, p);
	return 0;
}

static int vcss_msch(void *c, uint32_t schid, uint64_t addr)
{
	struct vcss *css = to_css(c);
	struct vsch *s;
	struct schib n;
	uint8_t *p;
	int rc = sch_operand(css, schid, addr, SCHIB_SIZE, schib_msch_invalid, &s, &p);

	if (rc)
		return rc;
	css->st.msch++;
	if (!(s->pmcw.flags & PMCW_FLAGS_DNV))
		return 0;
	if (s->scsw.ctrl & SCSW_STCTL_PEND)
		return 1;
	if (s->scsw.ctrl & SCSW_FCTL_MASK)
		return 2;
	schib_decode(p, &n);
	if (insn_msch_apply(&s->pmcw, &n.pmcw))
		s->mba = n.mba;
	/* An enabled subchannel with status already pending interrupts now. */
	if (s->irq_pending)
		irq_kick(css);
	return 0;
}

static int vcss_ssch(void *c, uint32_t schid, uint64_t addr)
{
	struct vcss *css = to_css(c);
	struct vsch *s;
	struct orb orb;
	struct pmcw old_pmcw;
	struct scsw old_scsw;
	int rc = sch_lookup(css, schid, &s);
	int prc, cc;

	if (rc < 0)
		return rc;
	prc = insn_fetch_orb(css->mem, addr, &orb);
	if (prc)
		return prc;
	if (rc)
		return rc;
	css->st.ssch++;
	if (not_oper(s))
		return 3;
	if (s->scsw.ctrl & SCSW_STCTL_PEND)
		return 1;
	if (s->scsw.ctrl & SCSW_FCTL_MASK)
		return 2;
	old_pmcw = s->pmcw;
	old_scsw = s->scsw;
	s->pmcw.intparm = orb.intparm;
	s->pmcw.lpm = orb.lpm;
	s->pmcw.pnom = 0;
	insn_ssch_start(&s->scsw, &orb);
	cc = s->ops->start(s, &orb);
	if (cc) {
		s->pmcw = old_pmcw;
		s->scsw = old_scsw;
	}
	return cc;
}

/* TSCH's clearing rules (arch/insn.c); ended functions take their
 * extended status along. */
static void tsch_clear(struct vsch *s)
{
	if (!insn_tsch_clear(&s->scsw))
		return;
	memset(s->esw, 0, sizeof(s->esw));
	memset(s->ecw, 0, sizeof(s->ecw));
}

static int vcss_tsch(void *c, uint32_t schid, uint64_t addr)
{
	struct vcss *css = to_css(c);
	struct vsch *s;
	struct irb irb;
	uint8_t *p;
	int rc = sch_operand(css, schid, addr, IRB_SIZE, NULL, &s, &p);

	if (rc)
		return rc;
	css->st.tsch++;
	if (not_oper(s))
		return 3;
	/* Each field set once, not the whole IRB zeroed first. */
	irb.scsw = s->scsw;
	if (s->scsw.ctrl & SCSW_STCTL_PEND) {
		memcpy(irb.esw, s->esw, sizeof(irb.esw));
		memcpy(irb.ecw, s->ecw, sizeof(irb.ecw));
	} else {
		memset(irb.esw, 0, sizeof(irb.esw));
		memset(irb.ecw, 0, sizeof(irb.ecw));
	}
	memset(irb.emw, 0, sizeof(irb.emw));
	irb_encode(&irb, p);
	withdraw_irq(s);
	if (!(s->scsw.ctrl & SCSW_STCTL_PEND))
		return 1;
	tsch_clear(s);
	return 0;
}

static int vcss_csch(void *c, uint32_t schid)
{
	struct vcss *css = to_css(c);
	struct vsch *s;
	struct pmcw old_pmcw;
	struct scsw old_scsw;
	int rc = sch_lookup(css, schid, &s);
	int cc;

	if (rc)
		return rc;
	css->st.csch++;
	if (not_oper(s))
		return 3;
	old_pmcw = s->pmcw;
	old_scsw = s->scsw;
	withdraw_irq(s);
	s->scsw.ctrl = SCSW_FCTL_CLEAR | SCSW_ACTL_CLEAR;
	s->scsw.flags &= (uint16_t)~SCSW_FLAGS_PNO;
	s->pmcw.pom = 0xff;
	s->pmcw.pnom = 0;
	s->pmcw.lpum = 0;
	cc = s->ops->clear(s);
	if (cc) {
		s->pmcw = old_pmcw;
		s->scsw = old_scsw;
	}
	return cc;
}

static int vcss_hsch(void *c, uint32_t schid)
{
	struct vcss *css = to_css(c);
	struct vsch *s;
	struct scsw old_scsw;
	uint16_t stctl;
	int rc = sch_lookup(css, schid, &s);
	int cc;

	if (rc)
		return rc;
	css->st.hsch++;
	if (not_oper(s))
		return 3;
	stctl = s->scsw.ctrl & SCSW_STCTL_MASK;
	if ((stctl & SCSW_STCTL_PEND) &&
	    (stctl == SCSW_STCTL_PEND ||
	     (stctl & (SCSW_STCTL_ALERT | SCSW_STCTL_PRIM | SCSW_STCTL_SEC))))
		return 1;
	if (s->scsw.ctrl & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR))
		return 2;
	old_scsw = s->scsw;
	if (stctl == (SCSW_STCTL_INTER | SCSW_STCTL_PEND)) {
		s->scsw.ctrl &= (uint16_t)~SCSW_STCTL_MASK;
		withdraw_irq(s);
	}
	s->scsw.ctrl |= SCSW_FCTL_HALT | SCSW_ACTL_HALT;
	cc = s->ops->halt(s);
	if (cc)
		s->scsw = old_scsw;
	return cc;
}

static int vcss_xsch(void *c, uint32_t schid)
{
	struct vcss *css = to_css(c);
	struct vsch *s;
	uint16_t ctrl;
	int rc = sch_lookup(css, schid, &s);
	int cc;

	if (rc)
		return rc;
	css->st.xsch++;
	if (not_oper(s))
		return 3;
	ctrl = s->scsw.ctrl;
	if (ctrl & SCSW_STCTL_MASK)
		return 1;
	if ((ctrl & SCSW_FCTL_MASK) != SCSW_FCTL_START ||
	    !(ctrl & (SCSW_ACTL_START | SCSW_ACTL_RESUME | SCSW_ACTL_SUSP)) ||
	    (ctrl & SCSW_ACTL_SCH_ACT) || !s->ops->cancel)
		return 2;
	cc = s->ops->cancel(s);
	if (cc == 0) {
		s->scsw.ctrl &= (uint16_t) ~(SCSW_FCTL_START | SCSW_ACTL_START | SCSW_ACTL_RESUME |
					     SCSW_ACTL_SUSP);
		s->scsw.dstat = 0;
		s->scsw.cstat = 0;
	}
	return cc;
}

static int vcss_rsch(void *c, uint32_t schid)
{
	struct vcss *css = to_css(c);
	struct vsch *s;
	int rc = sch_lookup(css, schid, &s);

	if (rc)
		return rc;
	css->st.rsch++;
	if (not_oper(s))
		return 3;
	if (s->scsw.ctrl & SCSW_STCTL_PEND)
		return 1;
	/* No backend suspends a channel program, so there is nothing to
	 * resume: "not applicable". */
	return 2;
}

static int vcss_tpi(void *c, uint64_t addr)
{
	struct vcss *css = to_css(c);
	uint64_t where = addr ? addr : IO_INT_CODE_LOWCORE;
	uint64_t len = addr ? 8 : 12;
	struct vsch *s;
	uint8_t *p;
	int prc = operand(css, where, len, &p);

	if (prc)
		return prc;
	css->st.tpi++;
	s = next_irq(css);
	if (!s)
		return 0;
	io_int_code_encode(p, schid_word(0, s->schno), s->pmcw.intparm, pmcw_isc(&s->pmcw), !addr);
	withdraw_irq(s);
	return 1;
}

static int vcss_stcrw(void *c, uint64_t addr)
{
	struct vcss *css = to_css(c);
	uint8_t *p;
	int prc = operand(css, addr, CRW_SIZE, &p);

	if (prc)
		return prc;
	css->st.stcrw++;
	if (!css->crw_count) {
		put_be32(p, 0);
		css->mchk_armed = true;
		return 1;
	}
	put_be32(p, *crw_at(css, 0));
	css->crw_head = (css->crw_head + 1) % VCSS_CRW_QUEUE_LEN;
	css->crw_count--;
	return 0;
}

static void vcss_set_isc_mask(void *c, uint8_t mask)
{
	struct vcss *css = to_css(c);

	css->isc_mask = mask;
	irq_kick(css);
}

static void vcss_bind(void *c, const struct css_upcalls *up)
{
	struct vcss *css = to_css(c);

	css->up = *up;
	css->bound = true;
	irq_kick(css);
	mchk_kick(css);
}

const struct css_ops vcss_ops = {
	.stsch = vcss_stsch,
	.msch = vcss_msch,
	.ssch = vcss_ssch,
	.tsch = vcss_tsch,
	.csch = vcss_csch,
	.hsch = vcss_hsch,
	.xsch = vcss_xsch,
	.rsch = vcss_rsch,
	.tpi = vcss_tpi,
	.stcrw = vcss_stcrw,
	.chsc = vcss_chsc,
	.servc = vcss_servc,
	.set_isc_mask = vcss_set_isc_mask,
	.bind = vcss_bind,
};
