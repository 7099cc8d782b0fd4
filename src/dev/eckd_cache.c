/* The cache of the 3390's control unit, as far as timing goes
 * (docs/timing.md): which tracks a read finds in the cache and what one
 * that misses waits for.
 *
 * A storage system of the DS8000 class keeps the tracks it has read or had
 * written in its cache (tens to hundreds of GiB, more than a simulated run
 * touches), so here a track stays in the cache once it is there.  A read
 * of a track that is not stages it from the back end first (stage_time,
 * the "disconnect time" of the I/O).  A miss on the track after one that
 * is in the cache is taken for sequential access: the control unit stages
 * the next `prestage` tracks at the same time, so that a sequential read
 * finds them there.  Writes are fast writes: they go to cache and NVS and
 * never wait for the back end. */
#include "dev/eckd_priv.h"

sim_time_t eckd_cache_read(struct eckd *e, uint32_t trk)
{
	if (!e->cfg.stage_time || eckd_bit(&e->cached, trk))
		return 0;
	e->cache_misses++;
	/* The prestaged tracks come in with this one: on one subchannel no
	 * later read can reach them before they are there. */
	if (e->cfg.prestage && trk > 0 && eckd_bit(&e->cached, trk - 1))
		for (uint32_t t = trk + 1; t <= trk + e->cfg.prestage && t < e->img.tracks; t++)
			eckd_bit_set(e, &e->cached, t, true);
	eckd_bit_set(e, &e->cached, trk, true);
	return e->cfg.stage_time;
}

void eckd_cache_write(struct eckd *e, uint32_t trk)
{
	if (e->cfg.stage_time)
		eckd_bit_set(e, &e->cached, trk, true);
}
