/* Read-only views of the machine's state for whoever assembles a world
 * (the timeline samples them at every event).  They change nothing: no
 * statistics, no trace line, no event. */
#include <errno.h>
#include <string.h>

#include "arch/schib.h"
#include "machine/machine_priv.h"

int machine_chp_view(struct machine *m, uint8_t chpid, struct machine_chp_view *v)
{
	const struct chp *c = &m->chp[chpid];

	memset(v, 0, sizeof(*v));
	if (!c->defined)
		return -ENOENT;
	v->type = c->type;
	v->cfg = c->cfg;
	v->link_failed = c->failed;
	v->nsch = c->nsch;
	return 0;
}

int machine_sch_view(struct machine *m, uint8_t ssid, uint16_t sch_no, struct machine_sch_view *v)
{
	const struct subchannel *s = css_sch(m, ssid, sch_no);

	memset(v, 0, sizeof(*v));
	if (!s || !s->installed)
		return -ENODEV;
	v->dnv = s->pflags & PMCW_FLAGS_DNV;
	v->devno = s->devno;
	v->pim = s->pim;
	v->pam = s->pam;
	v->pom = s->pom;
	v->pnom = s->pnom;
	v->lpum = s->lpum;
	memcpy(v->chpid, s->chpid, sizeof(v->chpid));
	v->notoper = s->notoper;
	if (s->io && s->io->running) {
		v->io_running = true;
		v->io_path = s->io->path;
	}
	return 0;
}
