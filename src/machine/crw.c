/* Channel reports: a bounded FIFO of CRWs, the overflow (R) bit, chaining,
 * and the channel-report-pending machine check.
 *
 * - The queue holds machine_config.crw_queue_len CRWs.  A report (one CRW,
 *   or a chain of several) that does not fit is lost whole; the next report
 *   that is queued carries R = 1 in its first CRW (QEMU's rule).
 * - A chain is queued with C = 1 on every CRW but the last.
 * - When a report is queued while the CSS is armed, a machine check is
 *   raised toward the bound OS after timing.crw and the CSS is disarmed;
 *   STCRW finding the queue empty re-arms it. */
#include <errno.h>
#include <stdlib.h>

#include "arch/bytes.h"
#include "machine/machine_priv.h"

int crw_init(struct machine *m)
{
	m->crwq = calloc(m->cfg.crw_queue_len, sizeof(*m->crwq));
	m->crw_armed = true;
	return m->crwq ? 0 : -ENOMEM;
}

void crw_free(struct machine *m)
{
	if (m->crw_ev)
		sim_cancel(m->sim, m->crw_ev);
	m->crw_ev = NULL;
	free(m->crwq);
	m->crwq = NULL;
}

static void crw_mchk(void *arg)
{
	struct machine *m = arg;

	m->crw_ev = NULL;
	if (!m->bound || !m->up.channel_report) {
		/* Nobody to take it: raise again when someone binds. */
		m->crw_armed = true;
		return;
	}
	m->up.channel_report(m->up.os);
}

static void crw_raise(struct machine *m)
{
	if (!m->crw_armed)
		return;
	m->crw_armed = false;
	m->crw_ev = sim_at(m->sim, m->timing.crw, crw_mchk, m);
}

void crw_rearm_on_bind(struct machine *m)
{
	if (m->bound && m->crw_count)
		crw_raise(m);
}

/* Ring index without a division (a divide per CRW was most of the fixed
 * cost of a CHPID event, bench/machine_fanout). */
static unsigned ring_idx(const struct machine *m, unsigned i)
{
	return i >= m->cfg.crw_queue_len ? i - m->cfg.crw_queue_len : i;
}

int crw_queue(struct machine *m, const struct crw *crws, int n)
{
	unsigned len = m->cfg.crw_queue_len;

	if (n <= 0)
		return -EINVAL;
	if (m->crw_count + (unsigned)n > len) {
		m->stats.crws_lost += (uint64_t)n;
		m->crw_oflw_pending = true;
		mtrace_ev(m, "crw-lost", (uint64_t)n, 0, "CRW queue full: %d report(s) lost", n);
		return -ENOSPC;
	}
	for (int i = 0; i < n; i++) {
		struct crw c = crws[i];

		c.chn = i < n - 1;
		c.oflw = i == 0 && m->crw_oflw_pending;
		m->crwq[ring_idx(m, m->crw_head + m->crw_count)] = crw_encode(&c);
		m->crw_count++;
		mtrace_ev(m, "crw", crw_encode(&c), 0, "CRW %08x queued", crw_encode(&c));
	}
	m->crw_oflw_pending = false;
	m->stats.crws_queued += (uint64_t)n;
	crw_raise(m);
	return 0;
}

int crw_stcrw(struct machine *m, uint64_t addr)
{
	uint8_t *p;

	if (addr & 3)
		return -PGM_SPECIFICATION;
	p = storage_ptr(m->mem, addr, CRW_SIZE);
	if (!p)
		return -PGM_ADDRESSING;
	if (!m->crw_count) {
		put_be32(p, 0);
		m->crw_armed = true;
		return 1;
	}
	put_be32(p, m->crwq[m->crw_head]);
	m->crw_head = ring_idx(m, m->crw_head + 1);
	m->crw_count--;
	return 0;
}
