/* The machine: storage, channel subsystem, CHPIDs and devices of one world;
 * its configuration by hand (tests, benchmarks), HMC actions and status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "arch/ids.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "arch/schib.h"
#include "machine/machine_priv.h"

/* Host storage is address space, backed only where it is touched: room
 * for the host and, as a Linux host overcommits, for 256 guests at
 * qemu-system-s390x's default -m 128 with room to spare.  Where the
 * process's address space is limited (ulimit -v), the largest power of two
 * that is at most half the limit (the rest is for the program, its tasks
 * and its images), and less while that cannot be reserved, down to 512 MiB
 * (the host and a few such guests). */
#define DEFAULT_STORAGE (64ull << 30)
#define MIN_STORAGE	(512ull << 20)
#define DEFAULT_CRW_LEN 256
/* Track buffers of the 3390s (56 KB each): a device keeps the one its
 * first command takes until this many are held and another device needs
 * one (tens of thousands of DASDs set online keep only these). */
#define TRACK_BUFFERS 1024

/* The timing models (docs/timing.md has the figures and their sources).
 * FICON: a FICON Express16S channel path in command mode (the mode Linux
 * uses with a 3390 whose feature codes offer no zHPF) to a 3390 volume of
 * a cached storage system. */
static const struct machine_timing ficon_timing = {
	.ssch_start = 20 * SIM_US,
	.ccw_fetch = 1 * SIM_US,
	.interrupt = 2 * SIM_US,
	.sclp = 3 * SIM_MS,
	.crw = 10 * SIM_US,
	.link_rate = 1600000000ull, /* 16GFC: 1600 MB/s each way */
	.dasd_cmd = 20 * SIM_US,
	.dasd_stage = 200 * SIM_US,
	.dasd_prestage = 15, /* a cylinder */
};

/* ZERO: the device and the link cost nothing; the channel subsystem keeps
 * its own fixed costs. */
static const struct machine_timing zero_timing = {
	.ssch_start = 5 * SIM_US,
	.ccw_fetch = 1 * SIM_US,
	.interrupt = 2 * SIM_US,
	.sclp = 3 * SIM_MS,
	.crw = 10 * SIM_US,
};

static uint64_t default_storage(void)
{
	uint64_t size = DEFAULT_STORAGE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		while (size > MIN_STORAGE && size > rl.rlim_cur / 2)
			size /= 2;
	return size;
}

struct machine *machine_new(struct sim *sim, const struct machine_config *cfg)
{
	struct machine *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->sim = sim;
	if (cfg)
		m->cfg = *cfg;
	if (!m->cfg.storage_size)
		m->cfg.storage_size = default_storage();
	if (!m->cfg.crw_queue_len)
		m->cfg.crw_queue_len = DEFAULT_CRW_LEN;
	if (!m->cfg.workdir)
		m->cfg.workdir = ".";
	m->timing = m->cfg.timing == MACHINE_TIMING_ZERO ? zero_timing : ficon_timing;
	m->mem = storage_new(m->cfg.storage_size);
	while (!m->mem && !(cfg && cfg->storage_size) && m->cfg.storage_size > MIN_STORAGE) {
		m->cfg.storage_size /= 2;
		m->mem = storage_new(m->cfg.storage_size);
	}
	m->ckd_cache = ckd_cache_new(ckd_cache_default_max());
	m->trkpool = eckd_trkpool_new(TRACK_BUFFERS);
	if (!m->mem || !m->ckd_cache || !m->trkpool || crw_init(m)) {
		machine_free(m);
		return NULL;
	}
	return m;
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	if (m->sclp_ev)
		sim_cancel(m->sim, m->sclp_ev);
	css_free(m);
	chp_free(m);
	crw_free(m);
	for (size_t i = 0; i < m->ndevs; i++)
		if (m->devs[i]->ops->destroy)
			m->devs[i]->ops->destroy(m->devs[i]);
	free(m->devs);
	ckd_cache_free(m->ckd_cache);
	eckd_trkpool_free(m->trkpool);
	storage_free(m->mem);
	free(m);
}

struct machine_timing *machine_timing(struct machine *m)
{
	return &m->timing;
}

struct css_if machine_css(struct machine *m)
{
	return (struct css_if){.ops = &machine_css_ops, .css = m, .mem = m->mem};
}

struct storage *machine_storage(struct machine *m)
{
	return m->mem;
}

const struct machine_stats *machine_stats(struct machine *m)
{
	return &m->stats;
}

/* The machine destroys the devices it was given, once each. */
int machine_own_dev(struct machine *m, struct ccwdev *dev)
{
	if (!dev)
		return 0;
	for (size_t i = m->ndevs; i-- > 0 && i + 8 >= m->ndevs;)
		if (m->devs[i] == dev)
			return 0;
	if (m->ndevs == m->devcap) {
		size_t cap = m->devcap ? m->devcap * 2 : 16;
		struct ccwdev **n = realloc(m->devs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->devs = n;
		m->devcap = cap;
	}
	m->devs[m->ndevs++] = dev;
	return 0;
}

static int next_free(struct machine *m, uint8_t ssid)
{
	struct sch_set *set = m->set[ssid];

	return set ? set->highest + 1 : 0;
}

int machine_add_device(struct machine *m, uint8_t ssid, int sch_no, uint16_t devno,
		       const uint8_t *chpids, int nchpids, struct ccwdev *dev)
{
	struct subchannel *s;

	if (ssid >= MAX_SSID_COUNT || nchpids < 1 || nchpids > 8 || sch_no > MAX_SCHNO)
		return -EINVAL;
	for (int i = 0; i < nchpids; i++)
		if (!m->chp[chpids[i]].defined)
			return -ENODEV;
	if (sch_no < 0)
		sch_no = next_free(m, ssid);
	if (sch_no > MAX_SCHNO)
		return -ENOSPC;
	s = css_sch(m, ssid, (uint16_t)sch_no);
	if (s && s->installed)
		return -EEXIST;
	s = css_sch_alloc(m, ssid, (uint16_t)sch_no);
	if (!s || machine_own_dev(m, dev))
		return -ENOMEM;
	s->installed = true;
	s->pflags = PMCW_FLAGS_DNV;
	s->devno = devno;
	s->dev = dev;
	s->pom = 0xff;
	for (int i = 0; i < nchpids; i++) {
		uint8_t bit = (uint8_t)(0x80 >> i);

		s->chpid[i] = chpids[i];
		s->pim |= bit;
		if (m->chp[chpids[i]].cfg == CHP_CFG_CONFIGURED)
			s->pam |= bit;
		if (chp_index_add(m, chpids[i], s))
			return -ENOMEM;
	}
	s->lpm = s->pim;
	return sch_no;
}

int machine_device_notoper(struct machine *m, uint8_t ssid, uint16_t sch_no, bool notoper)
{
	struct subchannel *s = css_sch(m, ssid, sch_no);

	if (!s || !s->installed)
		return -ENODEV;
	s->notoper = notoper;
	/* A device that drops off while connected ends the program with an
	 * interface-control check. */
	if (notoper && s->io && s->io->running)
		chn_path_lost(m, s);
	return 0;
}

/* ---- hmc status ---- */

static const char *cfg_name(uint8_t cfg)
{
	static const char *const n[] = {"standby", "configured", "reserved", "not-recognized"};

	return cfg < 4 ? n[cfg] : "?";
}

static const char *sch_state(const struct subchannel *s)
{
	uint16_t c = s->scsw.ctrl;

	if (c & SCSW_STCTL_PEND)
		return "status-pending";
	if (c & SCSW_ACTL_CLEAR)
		return "clear-pending";
	if (c & SCSW_ACTL_HALT)
		return "halt-pending";
	if (c & SCSW_ACTL_SUSP)
		return "suspended";
	if (c & (SCSW_ACTL_SCH_ACT | SCSW_ACTL_DEV_ACT))
		return "active";
	if (c & (SCSW_ACTL_START | SCSW_ACTL_RESUME))
		return "start-pending";
	return "idle";
}

static void status_chps(struct machine *m, FILE *f)
{
	fprintf(f, "CHPID  Type  Cfg             Link    Shared  PCHID  Subchannels\n");
	for (int i = 0; i < NR_CHPIDS; i++) {
		const struct chp *c = &m->chp[i];
		char chid[8] = "-";

		if (!c->defined)
			continue;
		if (c->chid != 0xffff)
			snprintf(chid, sizeof(chid), "%04x", c->chid);
		fprintf(f, "0.%02x   %02x    %-15s %-7s %-7s %-6s %u\n", i, c->type,
			cfg_name(c->cfg), c->failed ? "failed" : "up", c->shared ? "yes" : "no",
			chid, c->nsch);
	}
}

static void status_sch(const struct subchannel *s, FILE *f)
{
	fprintf(f, "%x.%x.%04x  0.%x.%04x  %02x  %02x  %02x  %02x  %02x   %02x    ", 0, s->ssid,
		s->sch_no, s->ssid, s->devno, s->pim, s->pam, s->pom, s->lpm, s->lpum, s->pnom);
	for (int i = 0; i < 8; i++)
		fprintf(f, "%02x%s", s->chpid[i], i == 3 ? " " : "");
	fprintf(f, "  %s%s\n", sch_state(s), s->notoper ? " notoper" : "");
}

/* Text of the hmc `status` command: the CHPIDs, then every installed
 * subchannel with its path masks and state (docs/iocp.md shows it). */
char *machine_status(struct machine *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	status_chps(m, f);
	fprintf(f, "Subchan.  Device    PIM PAM POM LPM LPUM PNOM  CHPIDs             State\n");
	for (int ss = 0; ss < MAX_SSID_COUNT; ss++) {
		struct sch_set *set = m->set[ss];

		for (int no = 0; set && no <= set->highest; no++) {
			const struct subchannel *s = css_sch(m, (uint8_t)ss, (uint16_t)no);

			if (s && s->installed)
				status_sch(s, f);
		}
	}
	fclose(f);
	return buf;
}
