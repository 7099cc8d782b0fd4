/* Channel paths: the CHPID table, its SCLP state (configured / standby /
 * reserved / not recognized), the physical link state, and the index of the
 * subchannels that use each CHPID.  Every CHPID event walks only that index,
 * so it costs O(subchannels on the CHPID), never a walk over all of them.
 *
 * What an event does (docs/timing.md has the latencies):
 *   configure   PAM bit on in each subchannel of the CHPID; CRW RSC 4 ERC 2.
 *   deconfigure PAM bit off; a channel program running on the path is ended
 *               with an interface-control check (the channel path is reset);
 *               CRW RSC 4 ERC 6.
 *   link fail   the path stays configured (PAM unchanged) but every
 *               selection on it fails (POM off, PNOM on, N / deferred cc 3);
 *               a running program on it ends with IFCC; CRW RSC 4 ERC 6.
 *   repair      CRW RSC 4 ERC 2; POM bits come back as selections succeed.
 * CRWs are reported only for a configured CHPID (a standby path was never
 * made known to the program as available). */
#include <errno.h>
#include <stdlib.h>

#include "machine/machine_priv.h"

int chp_index_add(struct machine *m, uint8_t chpid, struct subchannel *s)
{
	struct chp *c = &m->chp[chpid];

	if (c->nsch == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 16;
		uint32_t *n = realloc(c->sch, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->sch = n;
		c->cap = cap;
	}
	c->sch[c->nsch++] = sch_key(s);
	return 0;
}

uint8_t chp_mask_of(const struct subchannel *s, uint8_t chpid)
{
	for (int i = 0; i < 8; i++)
		if ((s->pim & (0x80 >> i)) && s->chpid[i] == chpid)
			return (uint8_t)(0x80 >> i);
	return 0;
}

void chp_free(struct machine *m)
{
	for (int i = 0; i < NR_CHPIDS; i++) {
		free(m->chp[i].sch);
		m->chp[i].sch = NULL;
	}
}

int machine_add_chpid(struct machine *m, uint8_t chpid, uint8_t type, bool shared)
{
	struct chp *c = &m->chp[chpid];

	if (c->defined)
		return -EEXIST;
	c->defined = true;
	c->type = type;
	c->shared = shared;
	c->cfg = CHP_CFG_CONFIGURED;
	c->chid = 0xffff;
	return 0;
}

static void chp_trace(struct machine *m, uint8_t chpid, const char *what)
{
	mtrace_ev(m, "chp", chpid, 0, "chp 0.%02x %s (%u subchannels)", chpid, what,
		  m->chp[chpid].nsch);
}

static void chp_report(struct machine *m, uint8_t chpid, uint8_t erc)
{
	struct crw c = {.rsc = CRW_RSC_CPATH, .erc = erc, .rsid = chpid};

	crw_queue(m, &c, 1);
}

/* Running programs on `chpid` lose their link. */
static void chp_break_io(struct machine *m, struct chp *c, uint8_t chpid)
{
	for (uint32_t i = 0; i < c->nsch; i++) {
		struct subchannel *s = css_sch_key(m, c->sch[i]);

		m->stats.chp_event_sch_visits++;
		if (s->io && s->io->running && s->io->path == chpid)
			chn_path_lost(m, s);
	}
}

/* Configure (on) or deconfigure a path: PAM follows, CRW reported. */
void chp_set_cfg(struct machine *m, uint8_t chpid, bool on)
{
	struct chp *c = &m->chp[chpid];

	c->cfg = on ? CHP_CFG_CONFIGURED : CHP_CFG_STANDBY;
	chp_trace(m, chpid, on ? "configured" : "deconfigured");
	for (uint32_t i = 0; i < c->nsch; i++) {
		struct subchannel *s = css_sch_key(m, c->sch[i]);
		uint8_t bit = chp_mask_of(s, chpid);

		m->stats.chp_event_sch_visits++;
		if (on) {
			s->pam |= bit;
			continue;
		}
		s->pam &= (uint8_t)~bit;
		if (s->io && s->io->running && s->io->path == chpid)
			chn_path_lost(m, s);
	}
	chp_report(m, chpid, on ? CRW_ERC_INIT : CRW_ERC_PERRN);
}

int machine_chp_configure(struct machine *m, uint8_t chpid, bool on)
{
	struct chp *c = &m->chp[chpid];

	if (!c->defined || c->cfg == CHP_CFG_NOT_RECOGNIZED)
		return -ENOENT;
	if ((c->cfg == CHP_CFG_CONFIGURED) == on)
		return -EALREADY;
	chp_set_cfg(m, chpid, on);
	return 0;
}

int machine_chp_fail(struct machine *m, uint8_t chpid)
{
	struct chp *c = &m->chp[chpid];

	if (!c->defined)
		return -ENOENT;
	if (c->failed)
		return -EALREADY;
	c->failed = true;
	chp_trace(m, chpid, "link failed");
	chp_break_io(m, c, chpid);
	if (c->cfg == CHP_CFG_CONFIGURED)
		chp_report(m, chpid, CRW_ERC_PERRN);
	return 0;
}

int machine_chp_repair(struct machine *m, uint8_t chpid)
{
	struct chp *c = &m->chp[chpid];

	if (!c->defined)
		return -ENOENT;
	if (!c->failed)
		return -EALREADY;
	c->failed = false;
	chp_trace(m, chpid, "link repaired");
	if (c->cfg == CHP_CFG_CONFIGURED)
		chp_report(m, chpid, CRW_ERC_INIT);
	return 0;
}
