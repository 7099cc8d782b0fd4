/* The css interface tap (css_tap.h). */
#include "cli/css_tap.h"

#include <stdio.h>
#include <stdlib.h>

struct css_tap {
	struct css_if inner;
	struct css_tap_observer obs;
	char who[32];
	bool detached;
	struct css_upcalls os_up; /* the OS's upcalls */
	struct css_upcalls up;	  /* ours, bound to the inner CSS */
};

#define INNER(t) ((t)->inner.ops)

static int seen(struct css_tap *t, enum css_insn insn, uint32_t schid, uint64_t addr, int cc)
{
	if (!t->detached && t->obs.insn)
		t->obs.insn(t->obs.ctx, t, insn, schid, addr, cc);
	return cc;
}

static int tap_stsch(void *css, uint32_t schid, uint64_t addr)
{
	struct css_tap *t = css;

	return seen(t, CSS_STSCH, schid, addr, INNER(t)->stsch(t->inner.css, schid, addr));
}

static int tap_msch(void *css, uint32_t schid, uint64_t addr)
{
	struct css_tap *t = css;

	return seen(t, CSS_MSCH, schid, addr, INNER(t)->msch(t->inner.css, schid, addr));
}

static int tap_ssch(void *css, uint32_t schid, uint64_t addr)
{
	struct css_tap *t = css;

	return seen(t, CSS_SSCH, schid, addr, INNER(t)->ssch(t->inner.css, schid, addr));
}

static int tap_tsch(void *css, uint32_t schid, uint64_t addr)
{
	struct css_tap *t = css;

	return seen(t, CSS_TSCH, schid, addr, INNER(t)->tsch(t->inner.css, schid, addr));
}

static int tap_csch(void *css, uint32_t schid)
{
	struct css_tap *t = css;

	return seen(t, CSS_CSCH, schid, 0, INNER(t)->csch(t->inner.css, schid));
}

static int tap_hsch(void *css, uint32_t schid)
{
	struct css_tap *t = css;

	return seen(t, CSS_HSCH, schid, 0, INNER(t)->hsch(t->inner.css, schid));
}

static int tap_xsch(void *css, uint32_t schid)
{
	struct css_tap *t = css;

	return seen(t, CSS_XSCH, schid, 0, INNER(t)->xsch(t->inner.css, schid));
}

static int tap_rsch(void *css, uint32_t schid)
{
	struct css_tap *t = css;

	return seen(t, CSS_RSCH, schid, 0, INNER(t)->rsch(t->inner.css, schid));
}

static int tap_tpi(void *css, uint64_t addr)
{
	struct css_tap *t = css;

	return seen(t, CSS_TPI, 0, addr, INNER(t)->tpi(t->inner.css, addr));
}

static int tap_stcrw(void *css, uint64_t addr)
{
	struct css_tap *t = css;

	return seen(t, CSS_STCRW, 0, addr, INNER(t)->stcrw(t->inner.css, addr));
}

static int tap_chsc(void *css, uint64_t addr)
{
	struct css_tap *t = css;

	return seen(t, CSS_CHSC, 0, addr, INNER(t)->chsc(t->inner.css, addr));
}

static int tap_servc(void *css, uint32_t cmdw, uint64_t sccb)
{
	struct css_tap *t = css;

	return seen(t, CSS_SERVC, cmdw, sccb, INNER(t)->servc(t->inner.css, cmdw, sccb));
}

static void tap_set_isc_mask(void *css, uint8_t mask)
{
	struct css_tap *t = css;

	INNER(t)->set_isc_mask(t->inner.css, mask);
}

static void up_io_interrupt(void *ctx, uint32_t schid, uint32_t intparm, uint32_t int_word)
{
	struct css_tap *t = ctx;

	if (!t->detached && t->obs.io_interrupt)
		t->obs.io_interrupt(t->obs.ctx, t, schid, intparm);
	if (t->os_up.io_interrupt)
		t->os_up.io_interrupt(t->os_up.os, schid, intparm, int_word);
}

static void up_channel_report(void *ctx)
{
	struct css_tap *t = ctx;

	if (!t->detached && t->obs.channel_report)
		t->obs.channel_report(t->obs.ctx, t);
	if (t->os_up.channel_report)
		t->os_up.channel_report(t->os_up.os);
}

static void up_service_signal(void *ctx, uint64_t sccb)
{
	struct css_tap *t = ctx;

	if (t->os_up.service_signal)
		t->os_up.service_signal(t->os_up.os, sccb);
}

/* The OS binds its upcalls: keep them, and bind ours (which pass every
 * upcall on) to the CSS below.  An upcall the OS leaves NULL stays NULL
 * below too, so the CSS sees the same binding it would have seen. */
static void tap_bind(void *css, const struct css_upcalls *up)
{
	struct css_tap *t = css;

	t->os_up = *up;
	t->up.os = t;
	t->up.io_interrupt = up->io_interrupt ? up_io_interrupt : NULL;
	t->up.channel_report = up->channel_report ? up_channel_report : NULL;
	t->up.service_signal = up->service_signal ? up_service_signal : NULL;
	INNER(t)->bind(t->inner.css, &t->up);
}

static const struct css_ops tap_ops = {
	.stsch = tap_stsch,
	.msch = tap_msch,
	.ssch = tap_ssch,
	.tsch = tap_tsch,
	.csch = tap_csch,
	.hsch = tap_hsch,
	.xsch = tap_xsch,
	.rsch = tap_rsch,
	.tpi = tap_tpi,
	.stcrw = tap_stcrw,
	.chsc = tap_chsc,
	.servc = tap_servc,
	.set_isc_mask = tap_set_isc_mask,
	.bind = tap_bind,
};

struct css_tap *css_tap_new(struct css_if inner, const struct css_tap_observer *obs,
			    const char *who)
{
	struct css_tap *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->inner = inner;
	t->obs = *obs;
	snprintf(t->who, sizeof(t->who), "%s", who);
	return t;
}

void css_tap_free(struct css_tap *t)
{
	free(t);
}

struct css_if css_tap_if(struct css_tap *t)
{
	return (struct css_if){.ops = &tap_ops, .css = t, .mem = t->inner.mem};
}

const char *css_tap_who(const struct css_tap *t)
{
	return t->who;
}

struct storage *css_tap_mem(const struct css_tap *t)
{
	return t->inner.mem;
}

void css_tap_detach(struct css_tap *t)
{
	t->detached = true;
}
