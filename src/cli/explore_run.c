/* chpsync explore: run a plan as scenario commands and check the
 * invariants (docs/explore.md).
 *
 * Everything the explorer does to the world is a command line on a node,
 * exactly as a scenario line; it only reads what the commands print (and,
 * for the bounds, counters that no command changes).  So the transcript of
 * a run, written as a scenario with the plan's seed and decks, replays it
 * byte for byte under `chpsync run`.
 *
 * The oracle.  Every 4 KiB block the workload writes carries a label at its
 * head and at its tail: "S <devno> <block> <generation>" ... "E <devno>
 * <block> <generation>", made by printf and read back through `tr -s ' '`
 * as one line per block.  For each block of each device's region the
 * oracle knows the last acknowledged generation and, after writes that
 * failed, the other generations the block may hold; a read that shows
 * anything else is a lost, duplicated, misplaced or torn write.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/explore.h"
#include "cli/runner.h"
#include "os/os.h"
#include "user/node.h"
#include "vmm/vmm.h"

#define STAMP_FMT  "'%%-4072s%%23s\\n'" /* in a format string */
#define MAX_REGION 128
#define MAX_ALT	   4

struct blk {
	uint16_t acked; /* last acknowledged generation */
	uint8_t nalt;	/* other generations a failed write may have left */
	bool any;	/* too many of those: any generation since acked */
	bool torn_ok;	/* a failed buffered write may have left it half done */
	uint16_t alt[MAX_ALT];
};

struct dst {
	bool exists;   /* defined in the machine (its deck was activated) */
	bool online;   /* online at its owner; name is valid */
	bool mdev;     /* pass-through: the mdev exists */
	bool attached; /* pass-through: the running guest has it */
	bool stamped;  /* the region carries generation 0 */
	char name[16];
	uint16_t gen;	 /* last generation written */
	unsigned detach; /* times it was taken away from its owner */
	struct blk blk[MAX_REGION];
};

struct opst {
	bool issued, reported, lost;
	int status;
	unsigned detach_at_issue;
	uint16_t gen;
};

struct xr {
	const struct xp_plan *p;
	struct xp_run_opts *o;
	struct xp_verdict *v;
	struct run_world rw;
	bool have_world;
	struct dst dev[XP_MAX_DEV];
	bool running[XP_MAX_GUEST];
	struct opst op[XP_MAX_OP];
	bool link_failed[XP_MAX_CHP], deconf[XP_MAX_CHP], varied[XP_MAX_CHP];
	bool healed[XP_MAX_FAULT];
	char *out; /* output of the last command */
	int status;
	bool failed;
	char deck[XP_MAX_DECK + 1][64];
	char chpname[XP_MAX_CHP][8];
	bool healing; /* after a failure: commands that change no verdict */
	/* bounds */
	struct vmm_vm_counts counts[XP_MAX_GUEST]; /* summed over the guest's lives */
	struct vmm_vm_counts last[XP_MAX_GUEST];   /* of its current life */
	uint64_t path_events[XP_MAX_GUEST];	   /* host events on its devices' paths */
	uint64_t visits_base, visits_due;	   /* cio's subchannel visits */
};

/* ---- verdicts ---- */

static void fail(struct xr *x, enum xp_inv inv, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct xr *x, enum xp_inv inv, const char *where, const char *fmt, ...)
{
	va_list ap;

	if (x->failed || x->healing)
		return;
	x->failed = true;
	x->v->inv = inv;
	x->v->step = x->v->commands;
	x->v->when = x->have_world ? sim_now(x->rw.sim) : 0;
	snprintf(x->v->where, sizeof(x->v->where), "%s", where);
	va_start(ap, fmt);
	vsnprintf(x->v->what, sizeof(x->v->what), fmt, ap);
	va_end(ap);
	/* a message may name a deck by its path in the scratch directory:
	 * keep the name only, so that results do not depend on where */
	for (char *t; x->o->tmpdir && (t = strstr(x->v->what, x->o->tmpdir));) {
		size_t n = strlen(x->o->tmpdir) + (t[strlen(x->o->tmpdir)] == '/');

		memmove(t, t + n, strlen(t + n) + 1);
	}
	if (x->o->transcript)
		fprintf(x->o->transcript, "# explore: invariant '%s' failed at %s: %s\n",
			xp_inv_name(inv), where, x->v->what);
}

/* ---- names ---- */

static const char *guest_name(int g)
{
	static const char *const n[XP_MAX_GUEST] = {"g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8"};
	return n[g];
}

static const char *owner_node(const struct xp_plan *p, int dev)
{
	return p->dev[dev].guest < 0 ? "host" : guest_name(p->dev[dev].guest);
}

static void uuid_of(const struct xp_dev *d, char *buf, size_t len)
{
	snprintf(buf, len, "5eed0000-0000-4000-8000-00000000%04x", d->sch);
}

static const char *policy_name(int pol)
{
	return pol == XP_LAZY ? "lazy" : pol == XP_QEMU ? "qemu" : "eager";
}

/* ---- commands ---- */

/* Note op completions "opN STATUS" printed by background jobs.  A job's
 * line may follow text that a foreground command printed without a newline
 * yet ("Configure standby 0.43... op2 0"), so the marker is looked for at
 * the end of each line, after a blank or at its start. */
static void scan_ops(struct xr *x, const char *out)
{
	for (const char *l = out; l && *l;) {
		const char *nl = strchr(l, '\n'), *end = nl ? nl : l + strlen(l), *m;
		unsigned id;
		int st, n = 0;

		for (m = end; m > l && m[-1] != ' '; m--)
			;
		/* m: the status; before it "opN " */
		while (m > l && m[-1] == ' ')
			m--;
		while (m > l && m[-1] != ' ')
			m--;
		if (sscanf(m, "op%u %d%n", &id, &st, &n) == 2 && m + n == end && id < XP_MAX_OP &&
		    x->op[id].issued && !x->op[id].reported) {
			x->op[id].reported = true;
			x->op[id].status = st;
		}
		l = nl ? nl + 1 : NULL;
	}
}

/* Run one command line on a node as a scenario line.  False when it did
 * not end (the verdict is then set: a command that never ends). */
static bool xcmd(struct xr *x, const char *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool xcmd(struct xr *x, const char *node, const char *fmt, ...)
{
	enum run_result r;
	char *cmd = NULL;
	va_list ap;
	int n;

	free(x->out);
	x->out = NULL;
	x->status = -1;
	if (x->failed && !x->healing)
		return false;
	va_start(ap, fmt);
	n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	if (x->o->transcript)
		fprintf(x->o->transcript, "[root@%s ~]# %s\n", node, cmd);
	sim_trace(x->rw.sim, "chpsync", "explore:%d: [%s] %s", x->v->commands + 1, node, cmd);
	r = run_command(&x->rw, node, cmd, &x->out);
	x->v->commands++;
	if (x->out && x->o->transcript)
		fputs(x->out, x->o->transcript);
	if (x->out)
		scan_ops(x, x->out);
	if (r != RUN_OK) {
		fail(x, XI_IO_ENDS, node, "'%.*s%s' did not complete (%s)", n > 100 ? 100 : n, cmd,
		     n > 100 ? "..." : "", run_result_str(r));
		free(cmd);
		return false;
	}
	x->status = x->rw.last_status;
	free(cmd);
	return true;
}

/* An administrative command that must succeed here. */
static bool admin(struct xr *x, const char *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool admin(struct xr *x, const char *node, const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	int n;
	bool ok;

	va_start(ap, fmt);
	n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	ok = xcmd(x, node, "%s", cmd);
	if (ok && x->status != 0) {
		char o[400];
		size_t k = 0;

		/* what it printed, on one line */
		for (const char *c = x->out ? x->out : ""; *c && k + 4 < sizeof(o); c++) {
			if (*c != '\n') {
				o[k++] = *c;
			} else if (c[1]) {
				memcpy(o + k, " | ", 3);
				k += 3;
			}
		}
		o[k] = '\0';
		fail(x, XI_COMMANDS, node, "'%.*s%s' failed with status %d: %s", n > 80 ? 80 : n,
		     cmd, n > 80 ? "..." : "", x->status, o);
		ok = false;
	}
	free(cmd);
	return ok;
}

/* ---- the oracle ---- */

static bool blk_accepts(const struct blk *b, unsigned gen, uint16_t maxgen)
{
	if (gen == b->acked)
		return true;
	if (b->any)
		return gen > b->acked && gen <= maxgen;
	for (int i = 0; i < b->nalt; i++)
		if (b->alt[i] == gen)
			return true;
	return false;
}

static void blk_maybe(struct blk *b, uint16_t gen, bool torn)
{
	b->torn_ok |= torn;
	if (b->any || gen == b->acked)
		return;
	for (int i = 0; i < b->nalt; i++)
		if (b->alt[i] == gen)
			return;
	if (b->nalt == MAX_ALT)
		b->any = true;
	else
		b->alt[b->nalt++] = gen;
}

static void blk_set(struct blk *b, uint16_t gen)
{
	memset(b, 0, sizeof(*b));
	b->acked = gen;
}

static void blk_describe(const struct blk *b, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%u", b->acked);

	if (b->any)
		snprintf(buf + n, len - (size_t)n, " or any later");
	for (int i = 0; i < b->nalt && !b->any && n < (int)len; i++)
		n += snprintf(buf + n, len - (size_t)n, " or %u", b->alt[i]);
}

/* printf arguments labelling blocks [first, first + n) with gen. */
static char *stamp_args(const struct xp_dev *d, unsigned first, unsigned n, unsigned gen)
{
	size_t cap = (size_t)n * 64 + 1, len = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	s[0] = '\0';
	for (unsigned b = first; b < first + n; b++)
		len += (size_t)snprintf(s + len, cap - len, " 'S %04x %u %u' 'E %04x %u %u'",
					d->devno, b, gen, d->devno, b, gen);
	return s;
}

/* Check what `tr -s ' '` printed for blocks [first, first + n) of dev.
 * Lines that are not labels (console messages) are skipped.  Returns
 * true when every block is as the oracle allows; collapses blocks whose
 * generation was uncertain to what was read. */
static bool check_blocks(struct xr *x, int dev, unsigned first, unsigned n, const char *out,
			 const char *node, const char *what)
{
	const struct xp_dev *d = &x->p->dev[dev];
	struct dst *ds = &x->dev[dev];
	unsigned got = 0;

	for (const char *l = out; l && *l && got < n;) {
		const char *nl = strchr(l, '\n');
		unsigned hd, hb, hg, td, tb, tg, b = first + got;
		struct blk *bk = &ds->blk[b - d->base];
		char exp[96];

		if (l[0] != 'S' || l[1] != ' ') {
			l = nl ? nl + 1 : NULL;
			continue;
		}
		x->v->blocks_checked++;
		blk_describe(bk, exp, sizeof(exp));
		if (sscanf(l, "S %x %u %u E %x %u %u", &hd, &hb, &hg, &td, &tb, &tg) != 6) {
			fail(x, XI_DATA, node,
			     "%s: block %u of 0.0.%04x holds '%.*s', not a label (expected "
			     "generation %s)",
			     what, b, d->devno, (int)(nl ? (size_t)(nl - l) : strlen(l)), l, exp);
			return false;
		}
		if (hd != d->devno || td != d->devno || hb != b || tb != b) {
			fail(x, XI_DATA, node,
			     "%s: block %u of 0.0.%04x holds block %u of 0.0.%04x (tail: %u of "
			     "0.0.%04x): a misplaced write",
			     what, b, d->devno, hb, hd, tb, td);
			return false;
		}
		if (!blk_accepts(bk, hg, ds->gen) || !blk_accepts(bk, tg, ds->gen)) {
			fail(x, XI_DATA, node,
			     "%s: block %u of 0.0.%04x holds generation %u (tail %u); the oracle "
			     "allows %s: %s",
			     what, b, d->devno, hg, tg, exp,
			     hg < bk->acked ? "an acknowledged write was lost"
					    : "a write that was not made shows");
			return false;
		}
		if (hg != tg && !bk->torn_ok) {
			fail(x, XI_DATA, node,
			     "%s: block %u of 0.0.%04x is torn: head generation %u, tail %u", what,
			     b, d->devno, hg, tg);
			return false;
		}
		if (hg == tg)
			blk_set(bk, (uint16_t)hg);
		got++;
		l = nl ? nl + 1 : NULL;
	}
	if (got < n) {
		const char *e = strstr(out ? out : "", "dd: error");

		/* a read that fails is an I/O error, not lost data */
		if (e)
			fail(x, XI_IO_ENDS, node,
			     "%s: reading %u blocks of 0.0.%04x from block %u failed (%.*s) while "
			     "the device stayed with its owner",
			     what, n, d->devno, first, (int)strcspn(e, "\n"), e);
		else
			fail(x, XI_DATA, node,
			     "%s: %u of %u blocks of 0.0.%04x from block %u came back", what, got,
			     n, d->devno, first);
		return false;
	}
	x->v->reads_checked++;
	return true;
}

/* Is the device usable by its owner now? */
static bool usable(const struct xr *x, int dev)
{
	const struct xp_dev *d = &x->p->dev[dev];
	const struct dst *s = &x->dev[dev];

	if (!s->exists || !s->online)
		return false;
	return d->guest < 0 || (x->running[d->guest] && s->attached);
}

/* Read blocks back in the foreground and check them. */
static bool verify(struct xr *x, int dev, unsigned off, unsigned n, const char *what)
{
	const struct xp_dev *d = &x->p->dev[dev];
	const char *node = owner_node(x->p, dev);

	if (!usable(x, dev) || !n)
		return true;
	if (!xcmd(x, node,
		  "dd if=/dev/%s bs=%u count=1 skip=%u iflag=direct,skip_bytes status=none | "
		  "tr -s ' '",
		  x->dev[dev].name, n * 4096, (d->base + off) * 4096))
		return false;
	return check_blocks(x, dev, d->base + off, n, x->out, node, what);
}

/* ---- device names ---- */

/* lsdasd on a node: note the block device of each device there. */
static bool learn_names(struct xr *x, const char *node)
{
	if (!admin(x, node, "lsdasd"))
		return false;
	for (const char *l = x->out; l && *l;) {
		const char *nl = strchr(l, '\n');
		unsigned devno;
		char status[16], name[16];

		if (sscanf(l, "0.0.%4x %15s %15s", &devno, status, name) == 3 &&
		    !strncmp(name, "dasd", 4)) {
			for (int i = 0; i < x->p->ndev; i++) {
				if (x->p->dev[i].devno != devno ||
				    strcmp(owner_node(x->p, i), node))
					continue;
				snprintf(x->dev[i].name, sizeof(x->dev[i].name), "%s", name);
				x->dev[i].online = !strcmp(status, "active");
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return true;
}

/* Write generation 0 over the region of each device that is usable and
 * not stamped yet. */
static bool stamp_regions(struct xr *x)
{
	for (int i = 0; i < x->p->ndev && !x->failed; i++) {
		const struct xp_dev *d = &x->p->dev[i];
		char *args;
		bool ok;

		if (x->dev[i].stamped || !usable(x, i))
			continue;
		args = stamp_args(d, d->base, d->nblk, 0);
		if (!args)
			return false;
		ok = admin(x, owner_node(x->p, i),
			   "printf " STAMP_FMT "%s | dd of=/dev/%s bs=%u count=1 seek=%u "
			   "oflag=direct,seek_bytes iflag=fullblock status=none",
			   args, x->dev[i].name, d->nblk * 4096, d->base * 4096);
		free(args);
		if (!ok)
			return false;
		x->dev[i].stamped = true;
		for (int b = 0; b < d->nblk; b++)
			blk_set(&x->dev[i].blk[b], 0);
	}
	return !x->failed;
}

/* Bring a node's devices online: chccwdev -e, then learn their names. */
static bool online(struct xr *x, const char *node, int only_deck)
{
	char list[1024];
	size_t len = 0;

	list[0] = '\0';
	for (int i = 0; i < x->p->ndev; i++) {
		const struct xp_dev *d = &x->p->dev[i];

		if (strcmp(owner_node(x->p, i), node) || !x->dev[i].exists)
			continue;
		if (d->guest >= 0 && !x->dev[i].attached)
			continue;
		if (only_deck >= 0 && d->deck != only_deck)
			continue;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%04x", len ? "," : "",
					d->devno);
	}
	if (!len)
		return true;
	return admin(x, node, "chccwdev -e %s", list) && learn_names(x, node);
}

/* ---- setup ---- */

static bool start_guest(struct xr *x, int g)
{
	char cmd[8192];
	size_t len;
	int ndev = 0;

	len = (size_t)snprintf(cmd, sizeof(cmd), "qemu-system-s390x -name %s", guest_name(g));
	if (x->p->guest[g].sclp_off)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len,
					" -M s390-ccw-virtio,sclp-chp-info=off");
	for (int i = 0; i < x->p->ndev; i++) {
		const struct xp_dev *d = &x->p->dev[i];
		char uuid[40];

		if (d->guest != g || !x->dev[i].mdev)
			continue;
		uuid_of(d, uuid, sizeof(uuid));
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len,
					" -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/%s,"
					"devno=0.0.%04x,chpsync=%s",
					uuid, d->devno, policy_name(d->policy));
		ndev++;
	}
	if (!ndev)
		return true; /* nothing to give it: it stays off */
	snprintf(cmd + len, sizeof(cmd) - len, " -daemonize");
	if (!admin(x, "host", "%s", cmd))
		return false;
	x->running[g] = true;
	for (int i = 0; i < x->p->ndev; i++)
		if (x->p->dev[i].guest == g && x->dev[i].mdev) {
			x->dev[i].attached = true;
			x->dev[i].online = false;
		}
	return online(x, guest_name(g), -1);
}

static bool mdev_start(struct xr *x, int i)
{
	const struct xp_dev *d = &x->p->dev[i];
	char uuid[40];

	uuid_of(d, uuid, sizeof(uuid));
	if (!admin(x, "host", "mdevctl start -u %s -p 0.0.%04x -t vfio_ccw-io", uuid, d->sch))
		return false;
	x->dev[i].mdev = true;
	return true;
}

static bool setup(struct xr *x)
{
	const struct xp_plan *p = x->p;

	for (int i = 0; i < p->ndev; i++)
		x->dev[i].exists = p->dev[i].deck == 0;
	for (int i = 0; i < p->ndev && !x->failed; i++) {
		if (p->dev[i].guest < 0 || p->dev[i].deck)
			continue;
		if (!admin(x, "host", "driverctl -b css set-override 0.0.%04x vfio_ccw",
			   p->dev[i].sch) ||
		    !mdev_start(x, i))
			return false;
	}
	for (int g = 0; g < p->nguest && !x->failed; g++)
		if (!start_guest(x, g))
			return false;
	if (!online(x, "host", 0))
		return false;
	return stamp_regions(x);
}

/* ---- faults ---- */

static const char *chp_str(struct xr *x, int c)
{
	snprintf(x->chpname[c], sizeof(x->chpname[c]), "%02x", x->p->chp[c].id);
	return x->chpname[c];
}

static void detach(struct xr *x, int dev)
{
	x->dev[dev].attached = false;
	x->dev[dev].online = false;
	x->dev[dev].detach++;
}

/* ---- bounds bookkeeping ---- */

/* Take in a running guest's counters (they go with the VM). */
static void sample_guest(struct xr *x, int g)
{
	struct vmm_vm_counts c;

	if (!x->running[g] || vmm_vm_counts(x->rw.vmm, guest_name(g), &c))
		return;
	x->last[g] = c;
}

/* A guest ends: what it counted is kept. */
static void bank_guest(struct xr *x, int g)
{
	uint64_t *sum = (uint64_t *)&x->counts[g], *cur = (uint64_t *)&x->last[g];

	sample_guest(x, g);
	for (size_t i = 0; i < sizeof(x->last[g]) / sizeof(uint64_t); i++)
		sum[i] += cur[i];
	memset(&x->last[g], 0, sizeof(x->last[g]));
}

static bool cu_has_chp(const struct xp_cu *cu, int chp)
{
	for (int i = 0; i < cu->nchp; i++)
		if (cu->chp[i] == chp)
			return true;
	return false;
}

/* A host event on a path: what the guests may hear of it and how many
 * subchannels cio has to visit for it (twice: a configure is reported by
 * SCLP's completion and by the machine's CRW).  A guest may hear of it
 * when it has a device on the path whose mdev exists: also while the
 * guest is off, since the host handles the machine's report a few
 * microseconds after the event, and a guest started at that instant has
 * opened the device by then (the host queues the report for it). */
static void note_path_event(struct xr *x, int chp)
{
	bool hit[XP_MAX_GUEST] = {false};

	for (int i = 0; i < x->p->ndev; i++) {
		const struct xp_dev *d = &x->p->dev[i];

		if (!x->dev[i].exists || !cu_has_chp(&x->p->cu[d->cu], chp))
			continue;
		x->visits_due += 2;
		if (d->guest >= 0 && (x->dev[i].attached || x->dev[i].mdev))
			hit[d->guest] = true;
	}
	for (int g = 0; g < x->p->nguest; g++)
		x->path_events[g] += hit[g];
}

static bool power_off(struct xr *x, int g)
{
	if (!x->running[g])
		return true;
	bank_guest(x, g);
	if (!admin(x, "host", "pkill -f 'name %s '", guest_name(g)))
		return false;
	x->running[g] = false;
	for (int i = 0; i < x->p->ndev; i++)
		if (x->p->dev[i].guest == g && x->dev[i].attached)
			detach(x, i);
	/* its operations in flight end with it */
	for (int k = 0; k < x->p->nop; k++)
		if (x->op[k].issued && !x->op[k].reported && x->p->dev[x->p->op[k].dev].guest == g)
			x->op[k].lost = true;
	return true;
}

static bool deck_activate(struct xr *x, int k)
{
	if (!admin(x, "hmc", "activate %s", x->deck[k]))
		return false;
	for (int i = 0; i < x->p->ndev; i++)
		if (x->p->dev[i].deck == k)
			x->dev[i].exists = true;
	for (int c = 0; c < x->p->nchp; c++)
		if (x->p->chp[c].deck == k)
			note_path_event(x, c);
	return true;
}

/* Let simulated time pass until `at` (a sleep at the HMC). */
static bool sleep_until(struct xr *x, sim_time_t at)
{
	sim_time_t now = sim_now(x->rw.sim), us;

	if (at <= now)
		return true;
	us = (at - now + SIM_US - 1) / SIM_US;
	return admin(x, "hmc", "sleep %llu.%06llu", (unsigned long long)(us / 1000000),
		     (unsigned long long)(us % 1000000));
}

/* Apply (heal = false) or undo (heal = true) a fault at its time. */
static bool fault_do(struct xr *x, int fi, bool heal, sim_time_t at)
{
	const struct xp_fault *f = &x->p->fault[fi];
	int t = f->target;
	char uuid[40];

	if (!sleep_until(x, at))
		return false;
	x->v->faults += !heal;
	if (f->kind == XF_LINK || f->kind == XF_CONFIG || f->kind == XF_VARY)
		note_path_event(x, t);
	switch (f->kind) {
	case XF_LINK:
		x->link_failed[t] = !heal;
		return admin(x, "hmc", "chp %s %s", heal ? "repair" : "fail", chp_str(x, t));
	case XF_CONFIG:
		x->deconf[t] = !heal;
		if (f->hmc)
			return admin(x, "hmc", "chp %s %s", heal ? "configure" : "deconfigure",
				     chp_str(x, t));
		return admin(x, "host", "chchp -c %d %s", heal, chp_str(x, t));
	case XF_VARY:
		x->varied[t] = !heal;
		return admin(x, "host", "chchp -v %d %s", heal, chp_str(x, t));
	case XF_NOTOPER:
		return admin(x, "hmc", "dev %s 0.0.%04x", heal ? "oper" : "notoper",
			     x->p->dev[t].sch);
	case XF_MDEV:
		if (heal)
			return x->dev[t].mdev || mdev_start(x, t);
		if (!x->dev[t].mdev)
			return true;
		uuid_of(&x->p->dev[t], uuid, sizeof(uuid));
		if (!admin(x, "host", "mdevctl stop -u %s", uuid))
			return false;
		x->dev[t].mdev = false;
		if (x->dev[t].attached)
			detach(x, t);
		return true;
	case XF_POWER:
		if (heal)
			return x->running[t] || start_guest(x, t);
		return power_off(x, t);
	case XF_ACTIVATE:
		return heal || deck_activate(x, t);
	}
	return true;
}

/* ---- a round ---- */

static bool issue_op(struct xr *x, int k)
{
	const struct xp_op *o = &x->p->op[k];
	const struct xp_dev *d = &x->p->dev[o->dev];
	struct dst *ds = &x->dev[o->dev];
	struct opst *s = &x->op[k];
	const char *node = owner_node(x->p, o->dev);
	unsigned first = d->base + o->off;
	char flags[64];
	bool ok;

	if (!usable(x, o->dev) || !ds->stamped)
		return true;
	s->issued = true;
	s->detach_at_issue = ds->detach;
	x->v->ios++;
	if (o->write) {
		char *args;
		unsigned bs = o->direct ? o->n * 4096u : o->bs;

		s->gen = ++ds->gen;
		args = stamp_args(d, first, o->n, s->gen);
		if (!args)
			return false;
		if (o->direct)
			snprintf(flags, sizeof(flags), "count=1 seek=%u oflag=direct,seek_bytes",
				 first * 4096);
		else
			snprintf(flags, sizeof(flags), "seek=%u", first * (4096 / bs));
		ok = xcmd(x, node,
			  "printf " STAMP_FMT "%s | dd of=/dev/%s bs=%u %s iflag=fullblock "
			  "status=none && echo op%d 0 || echo op%d $? &",
			  args, ds->name, bs, flags, k, k);
		free(args);
		return ok;
	}
	if (o->direct)
		return xcmd(x, node,
			    "dd if=/dev/%s of=/tmp/r%d bs=%u count=1 skip=%u "
			    "iflag=direct,skip_bytes status=none && echo op%d 0 || echo op%d $? &",
			    ds->name, k, o->n * 4096u, first * 4096, k, k);
	return xcmd(x, node,
		    "dd if=/dev/%s of=/tmp/r%d bs=%u count=%u skip=%u status=none && echo op%d "
		    "0 || echo op%d $? &",
		    ds->name, k, o->bs, o->n * (4096u / o->bs), first * (4096u / o->bs), k, k);
}

struct ev {
	sim_time_t at;
	int fault;
	bool heal;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->fault != y->fault)
		return x->fault - y->fault;
	return (int)x->heal - (int)y->heal;
}

/* The outcome of the round's operations, once every job has ended. */
static void settle_ops(struct xr *x, int r, bool *wrote)
{
	for (int k = 0; k < x->p->nop && !x->failed; k++) {
		const struct xp_op *o = &x->p->op[k];
		struct opst *s = &x->op[k];
		struct dst *ds = &x->dev[o->dev];
		const struct xp_dev *d = &x->p->dev[o->dev];
		bool documented;

		if (o->round != r || !s->issued)
			continue;
		if (!s->reported && !s->lost) {
			fail(x, XI_IO_ENDS, owner_node(x->p, o->dev),
			     "op%d (%s of %u blocks of 0.0.%04x) never reported its end", k,
			     o->write ? "write" : "read", o->n, d->devno);
			return;
		}
		documented = s->lost || ds->detach != s->detach_at_issue;
		if (s->reported && s->status != 0 && !documented) {
			fail(x, XI_IO_ENDS, owner_node(x->p, o->dev),
			     "op%d (%s of %u blocks at %u of 0.0.%04x) failed with status %d "
			     "while the device stayed with its owner",
			     k, o->write ? "write" : "read", o->n, d->base + o->off, d->devno,
			     s->status);
			return;
		}
		if (!o->write)
			continue;
		for (int b = o->off; b < o->off + o->n; b++) {
			if (s->reported && s->status == 0)
				blk_set(&ds->blk[b], s->gen);
			else
				blk_maybe(&ds->blk[b], s->gen, !o->direct);
		}
		wrote[k] = true;
	}
}

static bool run_round(struct xr *x, int r)
{
	const struct xp_plan *p = x->p;
	struct ev evs[2 * XP_MAX_FAULT];
	bool nodes[1 + XP_MAX_GUEST] = {false}, wrote[XP_MAX_OP] = {false};
	int nev = 0;
	sim_time_t t0, healed;

	/* the workload, in the background */
	for (int k = 0; k < p->nop && !x->failed; k++) {
		if (p->op[k].round != r)
			continue;
		if (!issue_op(x, k))
			return false;
		if (x->op[k].issued)
			nodes[p->dev[p->op[k].dev].guest + 1] = true;
	}
	/* the faults, at their times */
	t0 = sim_now(x->rw.sim);
	for (int i = 0; i < p->nfault; i++) {
		if (p->fault[i].round != r)
			continue;
		evs[nev++] = (struct ev){t0 + p->fault[i].at, i, false};
		if (p->fault[i].heal)
			evs[nev++] = (struct ev){t0 + p->fault[i].heal, i, true};
	}
	qsort(evs, (size_t)nev, sizeof(evs[0]), ev_cmp);
	for (int e = 0; e < nev && !x->failed; e++)
		if (!fault_do(x, evs[e].fault, evs[e].heal, evs[e].at))
			return false;
	/* the end of the round: everything comes back, the paths first (a
	 * guest that starts finds its devices on their paths) */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < p->nfault && !x->failed; i++)
			if (p->fault[i].round == r && !p->fault[i].heal &&
			    (p->fault[i].kind == XF_POWER) == pass && !fault_do(x, i, true, 0))
				return false;
	healed = sim_now(x->rw.sim);
	/* every job ends, soon after the last heal */
	for (int n = 0; n <= XP_MAX_GUEST && !x->failed; n++) {
		const char *node = n ? guest_name(n - 1) : "host";

		if (!nodes[n] || (n && !x->running[n - 1]))
			continue;
		if (!xcmd(x, node, "wait"))
			return false;
		if (sim_now(x->rw.sim) - healed > XP_IO_BOUND) {
			fail(x, XI_IO_ENDS, node,
			     "the I/O of round %d ended %.3f s after the last fault healed "
			     "(bound %.0f s)",
			     r + 1, (double)(sim_now(x->rw.sim) - healed) / 1e9,
			     (double)XP_IO_BOUND / 1e9);
			return false;
		}
	}
	settle_ops(x, r, wrote);
	/* reads: what the background reads got */
	for (int k = 0; k < p->nop && !x->failed; k++) {
		const struct xp_op *o = &p->op[k];
		const char *node = owner_node(p, o->dev);
		char what[64];

		if (o->round != r || o->write || !x->op[k].reported || x->op[k].status ||
		    x->dev[o->dev].detach != x->op[k].detach_at_issue || !usable(x, o->dev))
			continue;
		snprintf(what, sizeof(what), "op%d (read)", k);
		if (!xcmd(x, node, "tr -s ' ' < /tmp/r%d", k) ||
		    !check_blocks(x, o->dev, p->dev[o->dev].base + o->off, o->n, x->out, node,
				  what))
			return false;
	}
	/* writes: read them back */
	for (int k = 0; k < p->nop && !x->failed; k++) {
		char what[64];

		if (!wrote[k])
			continue;
		snprintf(what, sizeof(what), "after op%d (write)", k);
		if (!verify(x, p->op[k].dev, p->op[k].off, p->op[k].n, what))
			return false;
	}
	/* devices of a deck activated this round: the host takes them */
	for (int i = 0; i < p->nfault && !x->failed; i++)
		if (p->fault[i].round == r && p->fault[i].kind == XF_ACTIVATE &&
		    (!admin(x, "hmc", "sleep 1") || !online(x, "host", p->fault[i].target)))
			return false;
	/* guests that lost a device whose mdev is back: restart them */
	for (int g = 0; g < p->nguest && !x->failed; g++) {
		bool want = false;

		for (int i = 0; i < p->ndev; i++)
			want |= p->dev[i].guest == g && x->dev[i].mdev && !x->dev[i].attached;
		if (want && ((x->running[g] && !power_off(x, g)) || !start_guest(x, g)))
			return false;
	}
	if (!stamp_regions(x))
		return false;
	return !x->failed;
}

/* ---- the end: convergence and the whole data ---- */

struct view {
	bool found;
	unsigned pim, pam, pom, vpm;
	char chpids[32];
};

/* lscss --vpm rows (guest) -> view per device number. */
static void parse_lscss_vpm(const char *out, uint16_t devno, struct view *v)
{
	memset(v, 0, sizeof(*v));
	for (const char *l = out; l && *l;) {
		const char *nl = strchr(l, '\n');
		unsigned dn;
		char tok[12][24];
		int nt = 0;
		const char *q = l;

		while (nt < 12) {
			int n = 0;

			if (sscanf(q, "%23s%n", tok[nt], &n) != 1 || (nl && q + n > nl))
				break;
			q += n;
			nt++;
		}
		if (nt >= 7 && sscanf(tok[0], "0.0.%4x", &dn) == 1 && dn == devno) {
			v->found = true;
			sscanf(tok[nt - 6], "%x", &v->pim);
			sscanf(tok[nt - 5], "%x", &v->pam);
			sscanf(tok[nt - 4], "%x", &v->pom);
			sscanf(tok[nt - 3], "%x", &v->vpm);
			snprintf(v->chpids, sizeof(v->chpids), "%s %s", tok[nt - 2], tok[nt - 1]);
		}
		l = nl ? nl + 1 : NULL;
	}
}

/* lscss --vfio rows (host) -> view per subchannel. */
static void parse_lscss_vfio(const char *out, uint16_t sch, struct view *v)
{
	memset(v, 0, sizeof(*v));
	for (const char *l = out; l && *l;) {
		const char *nl = strchr(l, '\n');
		char uuid[48], c1[12], c2[12];
		unsigned s, pim, pam, pom;

		if (sscanf(l, "%47s 0.0.%4x %x %x %x %11s %11s", uuid, &s, &pim, &pam, &pom, c1,
			   c2) == 7 &&
		    s == sch) {
			v->found = true;
			v->pim = pim;
			v->pam = pam;
			v->pom = pom;
			snprintf(v->chpids, sizeof(v->chpids), "%s %s", c1, c2);
		}
		l = nl ? nl + 1 : NULL;
	}
}

/* lschp rows -> vary and cfg per CHPID ('-' = -1). */
static void parse_lschp(const char *out, int *vary, int *cfg)
{
	for (int i = 0; i < 256; i++)
		vary[i] = cfg[i] = -2;
	for (const char *l = out; l && *l;) {
		const char *nl = strchr(l, '\n');
		unsigned id;
		char v[8], c[8];

		if (sscanf(l, "0.%2x %7s %7s", &id, v, c) == 3 && id < 256) {
			vary[id] = v[0] == '-' ? -1 : atoi(v);
			cfg[id] = c[0] == '-' ? -1 : atoi(c);
		}
		l = nl ? nl + 1 : NULL;
	}
}

/* The host's view of a pass-through device, as its guest should see it:
 * the SCHIB region's PAM is PAM & the host's vary state. */
static unsigned host_pam(const struct xr *x, const struct view *h, const int *vary)
{
	unsigned pam = h->pam;
	unsigned c[8] = {0};

	sscanf(h->chpids, "%2x%2x%2x%2x %2x%2x%2x%2x", &c[0], &c[1], &c[2], &c[3], &c[4], &c[5],
	       &c[6], &c[7]);
	for (int i = 0; i < 8; i++)
		if ((h->pim & (0x80u >> i)) && vary[c[i]] == 0)
			pam &= ~(0x80u >> i);
	(void)x;
	return pam;
}

static bool views_equal(struct xr *x, int dev, const struct view *g, const struct view *h,
			const int *hvary, const char *when)
{
	const struct xp_dev *d = &x->p->dev[dev];
	unsigned want_pam = host_pam(x, h, hvary);

	if (!g->found || !h->found) {
		fail(x, XI_CONVERGE, guest_name(d->guest),
		     "%s: 0.0.%04x is missing from %s's lscss", when, d->devno,
		     g->found ? "the host" : "the guest");
		return false;
	}
	if (g->pim != h->pim || g->pam != want_pam || g->pom != h->pom ||
	    strcmp(g->chpids, h->chpids)) {
		fail(x, XI_CONVERGE, guest_name(d->guest),
		     "%s: the guest sees 0.0.%04x with PIM %02x PAM %02x POM %02x CHPIDs %s, the "
		     "host %02x %02x %02x %s (PAM & vary state)",
		     when, d->devno, g->pim, g->pam, g->pom, g->chpids, h->pim, want_pam, h->pom,
		     h->chpids);
		return false;
	}
	if (x->dev[dev].online && g->vpm != (g->pam & g->pom)) {
		fail(x, XI_CONVERGE, guest_name(d->guest),
		     "%s: 0.0.%04x is online with VPM %02x, but PAM & POM is %02x: a path was "
		     "not verified (or not given up)",
		     when, d->devno, g->vpm, g->pam & g->pom);
		return false;
	}
	return true;
}

static bool guest_all_lazy(const struct xp_plan *p, int g)
{
	for (int i = 0; i < p->ndev; i++)
		if (p->dev[i].guest == g && p->dev[i].policy != XP_LAZY)
			return false;
	return true;
}

/* Compare every running guest's view of its devices with the host's.
 * Eager (and QEMU) devices must match now; lazy devices after one touch
 * (offline and online again, as the letter shows), and a guest whose
 * devices are all lazy must not see a further host event before it. */
static bool converge(struct xr *x)
{
	const struct xp_plan *p = x->p;
	int hvary[256], hcfg[256];
	char *hlscss = NULL;
	bool ok = false;

	/* sabotage: a host event that a lazy guest cannot see yet, and the
	 * lazy device checked as if it were eager */
	for (int i = 0; i < p->ndev && p->sabotage == XI_CONVERGE; i++) {
		/* one path of two: the guest keeps a path (a guest with none
		 * left is told even under the lazy policy) */
		if (p->dev[i].policy != XP_LAZY || !usable(x, i) || p->dev[i].guest < 0 ||
		    p->cu[p->dev[i].cu].nchp < 2)
			continue;
		note_path_event(x, p->cu[p->dev[i].cu].chp[0]);
		if (!admin(x, "host", "chchp -c 0 %s", chp_str(x, p->cu[p->dev[i].cu].chp[0])))
			return false;
		x->deconf[p->cu[p->dev[i].cu].chp[0]] = true;
		break;
	}
	if (!admin(x, "hmc", "sleep 1") || !admin(x, "host", "lschp"))
		return false;
	parse_lschp(x->out, hvary, hcfg);
	if (!admin(x, "host", "lscss --vfio"))
		return false;
	hlscss = strdup(x->out ? x->out : "");
	if (!hlscss)
		return false;
	for (int g = 0; g < p->nguest && !x->failed; g++) {
		const char *gn = guest_name(g);
		int gvary[256], gcfg[256];

		if (!x->running[g])
			continue;
		if (!p->guest[g].sclp_off) {
			if (!admin(x, gn, "lschp"))
				goto out;
			parse_lschp(x->out, gvary, gcfg);
			for (int c = 0; c < 256; c++)
				if (gcfg[c] >= 0 && c != 0 && hcfg[c] != gcfg[c]) {
					fail(x, XI_CONVERGE, gn,
					     "lschp: CHPID 0.%02x has Cfg. %d in the guest, %d on "
					     "the host",
					     c, gcfg[c], hcfg[c]);
					goto out;
				}
		}
		if (!admin(x, gn, "lscss --vpm"))
			goto out;
		for (int i = 0; i < p->ndev; i++) {
			const struct xp_dev *d = &p->dev[i];
			struct view gv, hv;

			if (d->guest != g || !x->dev[i].attached ||
			    (d->policy == XP_LAZY && x->p->sabotage != XI_CONVERGE))
				continue;
			parse_lscss_vpm(x->out, d->devno, &gv);
			parse_lscss_vfio(hlscss, d->sch, &hv);
			if (!views_equal(x, i, &gv, &hv, hvary, "after quiescence"))
				goto out;
		}
	}
	/* lazy devices: one touch, then the host's view as it is after the
	 * touch (its I/O, the disband of the path group on every available
	 * path, may find a path the host had marked not operational working
	 * again: the host's POM changes with it) */
	for (int i = 0; i < p->ndev && !x->failed; i++) {
		const struct xp_dev *d = &p->dev[i];
		const char *gn;
		struct view gv, hv;

		if (d->guest < 0 || d->policy != XP_LAZY || !usable(x, i))
			continue;
		gn = guest_name(d->guest);
		if (!admin(x, gn, "chccwdev -d %04x", d->devno) || !admin(x, gn, "lscss --vpm"))
			goto out;
		x->dev[i].online = false;
		parse_lscss_vpm(x->out, d->devno, &gv);
		if (!admin(x, "host", "lscss --vfio"))
			goto out;
		parse_lscss_vfio(x->out, d->sch, &hv);
		if (!views_equal(x, i, &gv, &hv, hvary, "after one touch (chccwdev -d)"))
			goto out;
		if (!admin(x, gn, "chccwdev -e %04x", d->devno) || !learn_names(x, gn))
			goto out;
	}
	ok = !x->failed;
out:
	free(hlscss);
	return ok;
}

/* The lazy probe: a host event on a path of an all-lazy guest's device
 * changes nothing the guest sees until it touches the device. */
static bool probe_lazy(struct xr *x)
{
	const struct xp_plan *p = x->p;

	for (int g = 0; g < p->nguest && !x->failed; g++) {
		const char *gn = guest_name(g);
		char *before;
		int dev = -1, chp = -1;

		if (!x->running[g] || !guest_all_lazy(p, g))
			continue;
		/* a device with two paths available: take one */
		for (int i = 0; i < p->ndev && dev < 0; i++) {
			const struct xp_cu *cu = &p->cu[p->dev[i].cu];
			int avail = 0, first = -1;

			if (p->dev[i].guest != g || !usable(x, i))
				continue;
			for (int c = 0; c < cu->nchp; c++) {
				int ci = cu->chp[c];

				if (!x->link_failed[ci] && !x->deconf[ci] && !x->varied[ci]) {
					avail++;
					if (first < 0)
						first = ci;
				}
			}
			if (avail >= 2) {
				dev = i;
				chp = first;
			}
		}
		if (dev < 0)
			continue;
		if (!admin(x, gn, "lscss --vpm"))
			return false;
		before = strdup(x->out);
		if (!before)
			return false;
		note_path_event(x, chp);
		note_path_event(x, chp);
		if (!admin(x, "host", "chchp -c 0 %s", chp_str(x, chp)) ||
		    !admin(x, gn, "sleep 0.01; lscss --vpm")) {
			free(before);
			return false;
		}
		for (int i = 0; i < p->ndev; i++) {
			struct view a, b;

			if (p->dev[i].guest != g || !x->dev[i].attached)
				continue;
			parse_lscss_vpm(before, p->dev[i].devno, &a);
			parse_lscss_vpm(x->out, p->dev[i].devno, &b);
			if (a.pim != b.pim || a.pam != b.pam || a.pom != b.pom) {
				fail(x, XI_CONVERGE, gn,
				     "lazy: 0.0.%04x changed from PAM %02x POM %02x to PAM %02x POM "
				     "%02x after host 'chchp -c 0 %s' before the guest touched it",
				     p->dev[i].devno, a.pam, a.pom, b.pam, b.pom, chp_str(x, chp));
				free(before);
				return false;
			}
		}
		free(before);
		if (!admin(x, "host", "chchp -c 1 %s", chp_str(x, chp)))
			return false;
	}
	return !x->failed;
}

static bool final_data(struct xr *x)
{
	/* sabotage: a stray write of a label the oracle never issued */
	for (int i = 0; i < x->p->ndev && x->p->sabotage == XI_DATA; i++) {
		const struct xp_dev *d = &x->p->dev[i];

		if (!x->dev[i].stamped || !usable(x, i))
			continue;
		if (!admin(x, owner_node(x->p, i),
			   "printf " STAMP_FMT " 'S %04x %u 999' 'E %04x %u 999' | dd of=/dev/%s "
			   "bs=4096 seek=%u oflag=direct status=none",
			   d->devno, d->base, d->devno, d->base, x->dev[i].name, d->base))
			return false;
		break;
	}
	for (int i = 0; i < x->p->ndev && !x->failed; i++)
		if (x->dev[i].stamped && !verify(x, i, 0, x->p->dev[i].nblk, "final read"))
			return false;
	return !x->failed;
}

/* ---- bounds ---- */

/* The bounds (docs/explore.md): every channel report reached its guest
 * (no queue overflowed), a guest hears of a host event at most twice
 * whatever the number of its devices on the path (chpsync coalesces; QEMU
 * passes one CRW per subchannel), cio visits only the subchannels of the
 * path (Linux walks all of them), the events of the run stay within their
 * bound, and nothing is left running. */
static void check_bounds(struct xr *x)
{
	unsigned max_events = x->p->sabotage == XI_BOUNDS ? 1 : XP_MAX_EVENTS;
	uint64_t visits = os_chp_event_visits(x->rw.host) - x->visits_base;

	for (int g = 0; g < x->p->nguest && !x->failed; g++) {
		const struct vmm_vm_counts *c = &x->counts[g];
		uint64_t crws, lost, due = 2 * x->path_events[g] + 4;

		bank_guest(x, g);
		crws = c->crws_injected;
		lost = c->crws_overflowed;
		if (lost)
			fail(x, XI_BOUNDS, guest_name(g),
			     "%llu channel reports were lost to a full CRW queue (of %llu)",
			     (unsigned long long)lost, (unsigned long long)(crws + lost));
		else if (crws > due)
			fail(x, XI_BOUNDS, guest_name(g),
			     "%llu channel reports for %llu host events on its paths (bound %llu: "
			     "one per CHPID and event, not one per subchannel)",
			     (unsigned long long)crws, (unsigned long long)x->path_events[g],
			     (unsigned long long)due);
	}
	if (!x->failed && visits > x->visits_due)
		fail(x, XI_BOUNDS, "host",
		     "cio visited %llu subchannels for channel-path events; the paths' own "
		     "subchannels were %llu (bound: O(affected subchannels))",
		     (unsigned long long)visits, (unsigned long long)x->visits_due);
	if (x->rw.events > max_events)
		fail(x, XI_BOUNDS, "world", "%llu events in all (bound %u)",
		     (unsigned long long)x->rw.events, max_events);
	if (x->rw.nstuck)
		fail(x, XI_BOUNDS, "world", "%zu commands never ended", x->rw.nstuck);
	for (int n = 0; n <= x->p->nguest && !x->failed; n++) {
		const char *name = n ? guest_name(n - 1) : "host";
		struct node *nd = world_find_node(x->rw.world, name);

		if (nd && node_jobs(nd))
			fail(x, XI_BOUNDS, name, "%d background jobs still running at the end",
			     node_jobs(nd));
	}
}

/* ---- sabotage (tests) ---- */

/* Break io-ends (an I/O whose paths never come back), commands (a command
 * that cannot succeed) or sanitizer (a use after free) on purpose. */
static bool sabotage_early(struct xr *x)
{
	const struct xp_plan *p = x->p;

	if (p->sabotage == XI_COMMANDS)
		return admin(x, "host", "driverctl -b css set-override 0.0.ffff vfio_ccw");
	if (p->sabotage == XI_CRASH) {
		char *volatile stale = malloc(16);

		free(stale);
		stale[0] = 1; /* a sanitizer report in the ASan build */
		abort();      /* and a crash in any build */
	}
	if (p->sabotage != XI_IO_ENDS)
		return true;
	for (int i = 0; i < p->ndev; i++) {
		const struct xp_cu *cu = &p->cu[p->dev[i].cu];
		const char *node = owner_node(p, i);

		if (!usable(x, i))
			continue;
		for (int c = 0; c < cu->nchp; c++) {
			if (!admin(x, "hmc", "chp fail %s", chp_str(x, cu->chp[c])))
				return false;
			x->link_failed[cu->chp[c]] = true;
		}
		if (!xcmd(x, node, "dd if=/dev/%s of=/dev/null bs=4096 count=1 iflag=direct &",
			  x->dev[i].name) ||
		    !xcmd(x, node, "wait"))
			return false;
		fail(x, XI_IO_ENDS, node, "a read with no path left ended: %.200s",
		     x->out ? x->out : "");
		return false;
	}
	return true;
}

/* After a failure: give every path back (outside the transcript), so that
 * commands still waiting for one can end before the world goes away. */
static void heal_all(struct xr *x)
{
	FILE *t = x->o->transcript;
	int commands = x->v->commands;

	x->o->transcript = NULL;
	x->healing = true;
	for (int c = 0; c < x->p->nchp; c++) {
		if (x->link_failed[c])
			xcmd(x, "hmc", "chp repair %s", chp_str(x, c));
		if (x->deconf[c])
			xcmd(x, "hmc", "chp configure %s", chp_str(x, c));
		if (x->varied[c])
			xcmd(x, "host", "chchp -v 1 %s", chp_str(x, c));
	}
	x->healing = false;
	x->o->transcript = t;
	x->v->commands = commands;
}

/* ---- the run ---- */

static int write_decks(struct xr *x)
{
	for (int k = 0; k <= x->p->ndeck; k++) {
		char path[4200], *text = xp_deck_text(x->p, k);
		FILE *f;

		if (!text)
			return -1;
		if (k)
			snprintf(x->deck[k], sizeof(x->deck[k]), "seed-%llu-add%d.iocp",
				 (unsigned long long)x->p->seed, k);
		else
			snprintf(x->deck[k], sizeof(x->deck[k]), "seed-%llu.iocp",
				 (unsigned long long)x->p->seed);
		snprintf(path, sizeof(path), "%s/%s", x->o->tmpdir, x->deck[k]);
		f = fopen(path, "w");
		if (!f || fputs(text, f) < 0 || fclose(f)) {
			free(text);
			return -1;
		}
		free(text);
	}
	return 0;
}

int xp_run(const struct xp_plan *p, struct xp_run_opts *o, struct xp_verdict *v)
{
	struct xr *x = calloc(1, sizeof(*x));
	struct run_opts ro = {.err = stderr, .upstream = p->host_driver == XP_HOST_UPSTREAM};
	char err[1024], path[4200];
	int rc = 0;
	size_t left;

	memset(v, 0, sizeof(*v));
	v->step = -1;
	if (!x) {
		snprintf(v->what, sizeof(v->what), "out of memory");
		return -1;
	}
	x->p = p;
	x->o = o;
	x->v = v;
	if (write_decks(x) < 0) {
		snprintf(v->what, sizeof(v->what), "cannot write the decks in %s: %s", o->tmpdir,
			 strerror(errno));
		free(x);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", o->tmpdir, x->deck[0]);
	if (run_world_create(&x->rw, &ro, p->seed, true, path, o->tmpdir, err, sizeof(err)) < 0) {
		snprintf(v->what, sizeof(v->what), "%.500s", err);
		free(x);
		return -1;
	}
	x->have_world = true;
	x->rw.timeout = XP_CMD_TIMEOUT;
	sim_trace_keep(x->rw.sim, o->trace);
	if (setup(x) && sabotage_early(x)) {
		x->visits_base = os_chp_event_visits(x->rw.host);
		for (int r = 0; r < p->nround && !x->failed; r++)
			run_round(x, r);
		if (!x->failed)
			converge(x);
		if (!x->failed && p->probe)
			probe_lazy(x);
		if (!x->failed)
			final_data(x);
		if (!x->failed)
			check_bounds(x);
	}
	if (x->failed)
		heal_all(x);
	if (o->trace && x->failed) {
		size_t n = sim_trace_count(x->rw.sim), from = n > 60 ? n - 60 : 0, len = 0;
		char *s = NULL;
		FILE *f = open_memstream(&s, &len);

		for (size_t i = from; f && i < n; i++)
			fprintf(f, "%s\n", sim_trace_line(x->rw.sim, i));
		if (f)
			fclose(f);
		o->trace_excerpt = s;
	}
	v->events = x->rw.events;
	v->sim_end = sim_now(x->rw.sim);
	free(x->out);
	/* processes the end of the run could not end are leaked tasks */
	left = run_world_destroy(&x->rw);
	x->have_world = false;
	if (left && !x->failed)
		fail(x, XI_BOUNDS, "world",
		     "%zu processes could not be ended at the end of the run (leaked tasks)", left);
	free(x);
	return rc;
}

/* ---- decks ---- */

char *xp_deck_text(const struct xp_plan *p, int k)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	if (!k)
		fprintf(f, "ID       MSG1='EXPLORE SEED %llu'\n", (unsigned long long)p->seed);
	else
		fprintf(f, "* Added by hmc activate (deck %d of seed %llu).\n", k,
			(unsigned long long)p->seed);
	for (int i = 0; i < p->nchp; i++)
		if (p->chp[i].deck == k)
			fprintf(f, "CHPID    PATH=(CSS(0),%02X),SHARED,TYPE=FC\n", p->chp[i].id);
	for (int c = 0; c < p->ncu; c++) {
		const struct xp_cu *cu = &p->cu[c];
		if (cu->deck != k)
			continue;
		fprintf(f, "CNTLUNIT CUNUMBR=%04X,PATH=((CSS(0)", cu->num);
		for (int i = 0; i < cu->nchp; i++)
			fprintf(f, ",%02X", p->chp[cu->chp[i]].id);
		fprintf(f, ")),UNITADD=((00,256)),UNIT=%s\n", cu->is2107 ? "2107" : "3990");
		for (int i = 0; i < p->ndev; i++)
			if (p->dev[i].cu == c)
				fprintf(f,
					"IODEVICE ADDRESS=(%04X,1),CUNUMBR=(%04X),UNIT=3390,SCH=%04X\n",
					p->dev[i].devno, cu->num, p->dev[i].sch);
	}
	fclose(f);
	return s;
}
