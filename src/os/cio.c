/* The I/O instruction wrappers drivers use, and the I/O interruption
 * handler (TSCH, then the subchannel driver's irq callback).  Return values
 * follow Linux drivers/s390/cio/cio.c: cc or -errno. */
#include <errno.h>
#include <string.h>

#include "arch/orb.h"
#include "arch/schib.h"
#include "os/kern_priv.h"

static struct css_if *css_of(struct subchannel *sch)
{
	return &sch->os->css;
}

bool css_sch_is_valid(const struct schib *s)
{
	unsigned st = (s->pmcw.chars & PMCW_CHARS_ST) >> PMCW_ST_SHIFT;

	/* An I/O subchannel without a valid device number is not usable. */
	return st != 0 || (s->pmcw.flags & PMCW_FLAGS_DNV);
}

int cio_update_schib(struct subchannel *sch)
{
	struct css_if *css = css_of(sch);
	const uint8_t *p;
	struct schib s;
	int cc;

	cc = css->ops->stsch(css->css, sch->schid_word, sch->schib_addr);
	if (cc)
		return -ENODEV;
	p = storage_ptr(css->mem, sch->schib_addr, SCHIB_SIZE);
	if (!p)
		return -ENODEV;
	schib_decode(p, &s);
	sch->schib = s;
	if (!css_sch_is_valid(&s))
		return -EACCES; /* no valid device (DNV 0): Linux css_sch_is_valid */
	return 0;
}

/* MSCH with the cached SCHIB; the caller has set the fields to change. */
static int cio_commit(struct subchannel *sch, const struct schib *s)
{
	struct css_if *css = css_of(sch);
	uint8_t *p = storage_ptr(css->mem, sch->schib_addr, SCHIB_SIZE);
	int cc;

	if (!p)
		return -EFAULT;
	schib_encode(s, p);
	cc = css->ops->msch(css->css, sch->schid_word, sch->schib_addr);
	switch (cc) {
	case 0:
		return 0;
	case 1:
	case 2:
		return -EBUSY;
	case 3:
		return -ENODEV;
	default:
		return -EINVAL; /* program exception: our SCHIB was malformed */
	}
}

int cio_enable_subchannel(struct subchannel *sch, uint32_t intparm, uint8_t isc)
{
	struct sch_priv *sp = sch_priv(sch);
	struct schib s;
	int ret, retry;

	/* STSCH first: this is where a guest picks up fresh path masks. */
	if (cio_update_schib(sch))
		return -ENODEV;
	for (retry = 0; retry < 5; retry++) {
		s = sch->schib;
		s.pmcw.flags &= (uint16_t) ~(PMCW_FLAGS_ISC | PMCW_FLAGS_BIT5 | PMCW_FLAGS_MME);
		s.pmcw.flags |= PMCW_FLAGS_ENA | (uint16_t)((isc & 7) << PMCW_ISC_SHIFT);
		s.pmcw.intparm = intparm;
		/* Concurrent sense: sense bytes arrive in the IRB with the unit check. */
		s.pmcw.chars = (s.pmcw.chars & PMCW_CHARS_ST) | PMCW_CHARS_CSENSE;
		ret = cio_commit(sch, &s);
		if (ret == -ENODEV || ret == -EINVAL)
			return ret;
		if (cio_update_schib(sch))
			return -ENODEV;
		if (!ret && (sch->schib.pmcw.flags & PMCW_FLAGS_ENA)) {
			sp->enabled = true;
			sp->isc = isc;
			sp->intparm = intparm;
			return 0;
		}
	}
	return -EBUSY;
}

int cio_disable_subchannel(struct subchannel *sch)
{
	struct sch_priv *sp = sch_priv(sch);
	struct schib s;
	int ret;

	if (cio_update_schib(sch))
		return -ENODEV;
	if (sch->schib.scsw.ctrl & SCSW_ACTL_MASK)
		return -EBUSY; /* I/O still running: the caller must quiesce first */
	if (!(sch->schib.pmcw.flags & PMCW_FLAGS_ENA)) {
		sp->enabled = false;
		return 0;
	}
	s = sch->schib;
	s.pmcw.flags &= (uint16_t) ~(PMCW_FLAGS_ENA | PMCW_FLAGS_BIT5);
	ret = cio_commit(sch, &s);
	if (ret)
		return ret;
	cio_update_schib(sch);
	sp->enabled = false;
	return 0;
}

int cio_start_orb(struct subchannel *sch, const struct orb *orb)
{
	struct css_if *css = css_of(sch);
	uint8_t *p = storage_ptr(css->mem, sch->orb_addr, ORB_SIZE);
	int cc;

	if (!p)
		return -EFAULT;
	orb_encode(orb, p);
	cc = css->ops->ssch(css->css, sch->schid_word, sch->orb_addr);
	switch (cc) {
	case 0:
		sch->schib.scsw.ctrl |= SCSW_ACTL_START;
		return 0;
	case 1:
	case 2:
		return -EBUSY;
	case 3:
		/* Linux cio_start_handle_notoper: drop the tried paths. */
		if (orb->lpm)
			sch->lpm &= (uint8_t)~orb->lpm;
		else
			sch->lpm = 0;
		if (cio_update_schib(sch))
			return -ENODEV;
		return sch->lpm ? -EACCES : -ENODEV;
	default:
		return -EINVAL;
	}
}

int cio_halt(struct subchannel *sch)
{
	struct css_if *css = css_of(sch);
	int cc = css->ops->hsch(css->css, sch->schid_word);

	switch (cc) {
	case 0:
		sch->schib.scsw.ctrl |= SCSW_ACTL_HALT;
		return 0;
	case 1:
	case 2:
		return -EBUSY;
	case 3:
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

int cio_clear(struct subchannel *sch)
{
	struct css_if *css = css_of(sch);
	int cc = css->ops->csch(css->css, sch->schid_word);

	switch (cc) {
	case 0:
		sch->schib.scsw.ctrl |= SCSW_ACTL_CLEAR;
		return 0;
	case 3:
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

int cio_cancel(struct subchannel *sch)
{
	struct css_if *css = css_of(sch);
	int cc = css->ops->xsch(css->css, sch->schid_word);

	switch (cc) {
	case 0:
		cio_update_schib(sch);
		return 0;
	case 1:
		return -EBUSY;
	case 2:
		return -EINVAL; /* not start pending: halt or clear instead */
	default:
		return -ENODEV;
	}
}

int cio_cancel_halt_clear(struct subchannel *sch, int *iretry)
{
	uint16_t actl;
	int ret;

	if (cio_update_schib(sch))
		return -ENODEV;
	if (!(sch->schib.pmcw.flags & PMCW_FLAGS_ENA))
		return 0;
	actl = sch->schib.scsw.ctrl & SCSW_ACTL_MASK;
	/* Stage 1: cancel a start that has not reached the device yet. */
	if (!(actl & (SCSW_ACTL_HALT | SCSW_ACTL_CLEAR))) {
		ret = cio_cancel(sch);
		if (ret != -EINVAL)
			return ret;
		*iretry = 3;
	}
	/* Stage 2: halt, a few times. */
	if (!(actl & SCSW_ACTL_CLEAR)) {
		if (*iretry) {
			*iretry -= 1;
			ret = cio_halt(sch);
			if (ret != -EBUSY)
				return ret == 0 ? -EBUSY : ret;
		}
		*iretry = 255;
	}
	/* Stage 3: clear. */
	if (*iretry) {
		*iretry -= 1;
		ret = cio_clear(sch);
		return ret == 0 ? -EBUSY : ret;
	}
	return -EIO;
}

/* I/O interruption: TSCH into the subchannel's IRB buffer and hand the
 * IRB to the driver.  Runs from a scheduler event; never blocks. */
void cio_io_interrupt(void *osv, uint32_t schid, uint32_t intparm, uint32_t int_word)
{
	struct os *os = osv;
	struct subchannel *sch = css_find_by_word(os, schid);
	struct css_if *css = &os->css;
	const uint8_t *p;
	int cc;

	(void)intparm;
	(void)int_word;
	if (!sch) {
		/* Clear the status so that the subchannel does not stay
		 * pending forever; nobody owns it. */
		os_pr_debug(os, "cio: interrupt for unknown subchannel %08x", schid);
		if (osp(os)->scratch_irb)
			css->ops->tsch(css->css, schid, osp(os)->scratch_irb);
		return;
	}
	cc = css->ops->tsch(css->css, sch->schid_word, sch->irb_addr);
	if (cc == 3) {
		css_evaluate_subchannel(os, sch->schid.ssid, sch->schid.no);
		return;
	}
	if (cc != 0)
		return; /* not status pending any more (e.g. cleared) */
	p = storage_ptr(css->mem, sch->irb_addr, IRB_SIZE);
	if (!p)
		return;
	irb_decode(p, &sch->irb);
	/* Keep the cached SCSW current, like Linux does after TSCH. */
	sch->schib.scsw = sch->irb.scsw;
	if (sch->driver && sch->driver->irq)
		sch->driver->irq(sch);
}
