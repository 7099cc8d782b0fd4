/* IBM 3390 ECKD DASD: the channel commands (eckd-dasd.md §4).
 *
 * The device keeps, per path, the state of the start function in progress:
 * the Define Extent (file mask, extent), the Locate Record domain (operation,
 * records left, current track and record) and a prepared Read Subsystem
 * Data buffer.  A command that breaks the rules ends with unit check and
 * 32 bytes of 24-byte-compatible sense pending for that path.
 *
 * Data lives in the CKD image (ckd_image.c).  Reads go through a one-track
 * buffer; every write updates the buffer and is pwrite()n to the image
 * before exec() returns (write-through, docs/dasd.md "Durability").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/scsw.h"
#include "arch/senseid.h"
#include "arch/eckd.h"
#include "dev/eckd_priv.h"

#define NO_TRACK UINT32_MAX

static struct eckd *to_eckd(struct ccwdev *dev)
{
	return dev->priv;
}

/* ---- sense ---- */

static void unit_check(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, uint8_t b0,
		       uint8_t b1, uint8_t msg)
{
	uint32_t trk = p->trk < e->img.tracks ? p->trk : 0;
	uint32_t cyl = trk / e->img.heads, head = trk % e->img.heads;
	uint8_t *s = p->sense;

	memset(s, 0, ECKD_SENSE_LEN);
	s[0] = b0;
	s[1] = b1;
	if (cyl > 4095) {
		s[5] = 0xff;
		s[6] = 0xff;
	} else {
		s[5] = (uint8_t)cyl;
		s[6] = (uint8_t)((cyl >> 8) << 4 | head);
	}
	s[7] = msg; /* format 0 */
	s[27] = SNS27_24BYTE;
	put_be16(s + 29, (uint16_t)cyl);
	s[31] = (uint8_t)head;
	p->sense_valid = true;
	cmd->dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
}

static void cmd_reject(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, uint8_t msg)
{
	unit_check(e, p, cmd, SNS0_CMD_REJECT, 0, msg);
}

/* ---- track buffer ---- */

struct eckd_trkpool {
	unsigned max, n;
	struct eckd *head, *tail; /* devices holding a buffer, newest use first */
};

struct eckd_trkpool *eckd_trkpool_new(unsigned max)
{
	struct eckd_trkpool *pool = calloc(1, sizeof(*pool));

	if (pool)
		pool->max = max ? max : 1;
	return pool;
}

void eckd_trkpool_free(struct eckd_trkpool *pool)
{
	free(pool);
}

unsigned eckd_trkpool_count(const struct eckd_trkpool *pool)
{
	return pool->n;
}

static void pool_unlink(struct eckd_trkpool *pool, struct eckd *e)
{
	if (e->pool_prev)
		e->pool_prev->pool_next = e->pool_next;
	else
		pool->head = e->pool_next;
	if (e->pool_next)
		e->pool_next->pool_prev = e->pool_prev;
	else
		pool->tail = e->pool_prev;
	e->pool_prev = e->pool_next = NULL;
}

static void pool_push(struct eckd_trkpool *pool, struct eckd *e)
{
	e->pool_prev = NULL;
	e->pool_next = pool->head;
	if (pool->head)
		pool->head->pool_prev = e;
	else
		pool->tail = e;
	pool->head = e;
}

/* The device gives its buffer back (it is between start functions, or
 * going away); its next command that needs a track reads it again. */
static void trkbuf_release(struct eckd *e)
{
	struct eckd_trkpool *pool = e->cfg.trkpool;

	if (!e->trkbuf)
		return;
	if (pool) {
		pool_unlink(pool, e);
		pool->n--;
	}
	free(e->trkbuf);
	e->trkbuf = NULL;
	e->buf_trk = NO_TRACK;
	e->buf_frame = false;
	e->buf_lazy = false;
	e->buf_loaded = 0;
	e->buf_stamped = false;
	e->buf_hole = false;
}

/* The device has a track buffer, the pool's newest; -1 without memory.
 * A full pool takes the buffer of the device that used its own longest
 * ago and is not in a start function (all of them in one: past the
 * bound, as a buffer cannot be taken from a running program). */
static int trkbuf_get(struct eckd *e)
{
	struct eckd_trkpool *pool = e->cfg.trkpool;

	if (e->trkbuf) {
		if (pool && pool->head != e) {
			pool_unlink(pool, e);
			pool_push(pool, e);
		}
		return 0;
	}
	if (pool && pool->n >= pool->max) {
		struct eckd *v = pool->tail;

		while (v && v->busy)
			v = v->pool_prev;
		if (v)
			trkbuf_release(v);
	}
	e->trkbuf = malloc(e->img.trksize);
	if (!e->trkbuf)
		return -1;
	if (pool) {
		pool_push(pool, e);
		pool->n++;
	}
	return 0;
}

static void trace_err(struct eckd *e)
{
	if (e->sim)
		sim_trace(e->sim, "eckd", "%04x: %s", e->cfg.devno, e->err);
}

static void image_error(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	snprintf(e->err, sizeof(e->err), "%s", e->img.err);
	trace_err(e);
	e->buf_trk = NO_TRACK; /* the buffer may no longer match the file */
	if (strstr(e->err, "home address"))
		unit_check(e, p, cmd, 0, SNS1_INV_TRK_FMT, 0);
	else
		unit_check(e, p, cmd, SNS0_EQUIP_CHECK, SNS1_PERM_ERR, 0);
}

static bool bit(const struct eckd_bits *b, uint32_t trk)
{
	uint32_t l = trk / ECKD_LEAF_TRACKS, i = trk % ECKD_LEAF_TRACKS;

	return l < b->nleaf && b->leaf[l] && (b->leaf[l][i / 8] & (1u << (i % 8)));
}

/* Setting a bit may allocate its leaf; if that fails the bit stays clear,
 * which only costs a slower path (a track read whole, a hole written). */
static void set_bit(struct eckd *e, struct eckd_bits *b, uint32_t trk, bool on)
{
	uint32_t l = trk / ECKD_LEAF_TRACKS, i = trk % ECKD_LEAF_TRACKS;

	if (!on) {
		if (l < b->nleaf && b->leaf[l])
			b->leaf[l][i / 8] &= (uint8_t) ~(1u << (i % 8));
		return;
	}
	if (!b->leaf) {
		b->nleaf = e->img.tracks / ECKD_LEAF_TRACKS + 1;
		b->leaf = calloc(b->nleaf, sizeof(*b->leaf));
		if (!b->leaf)
			return;
	}
	if (!b->leaf[l] && !(b->leaf[l] = calloc(ECKD_LEAF_TRACKS / 8, 1)))
		return;
	b->leaf[l][i / 8] |= (uint8_t)(1u << (i % 8));
}

static void bits_free(struct eckd_bits *b)
{
	for (uint32_t l = 0; l < b->nleaf; l++)
		free(b->leaf[l]);
	free(b->leaf);
	b->leaf = NULL;
	b->nleaf = 0;
}

bool eckd_bit(const struct eckd_bits *b, uint32_t trk)
{
	return bit(b, trk);
}

void eckd_bit_set(struct eckd *e, struct eckd_bits *b, uint32_t trk, bool on)
{
	set_bit(e, b, trk, on);
}

void eckd_bits_free(struct eckd_bits *b)
{
	bits_free(b);
}

/* Offset of the count of record r (1-12) on a standard track. */
static uint32_t std_rec_off(int r)
{
	return ECKD_STD_R1 + (uint32_t)(r - 1) * ECKD_STD_RECLEN;
}

/* Is the buffered track the standard Linux layout: R0 (DL 8, zero data)
 * and R1..R12 of KL 0 / DL 4096 with this track's CCHH, then EOT? */
static bool track_is_std(const struct eckd *e, uint32_t trk)
{
	static const uint8_t zero[CKD_R0_DL];
	const uint8_t *b = e->trkbuf;
	uint16_t cyl = (uint16_t)(trk / e->img.heads), head = (uint16_t)(trk % e->img.heads);

	for (int r = 0; r <= 12; r++) {
		const uint8_t *c = b + (r ? std_rec_off(r) : CKD_HA_SIZE);

		if (get_be16(c) != cyl || get_be16(c + 2) != head || c[4] != r || c[5] != 0 ||
		    get_be16(c + 6) != (r ? 4096 : CKD_R0_DL))
			return false;
	}
	return !memcmp(b + CKD_HA_SIZE + CKD_COUNT_SIZE, zero, CKD_R0_DL) &&
	       ckd_is_eot(b, std_rec_off(13));
}

/* Read the whole track into the buffer (and learn whether it is standard). */
static int load_full(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, uint32_t trk)
{
	int rc;

	e->buf_frame = false; /* the read overwrites the buffer, even when it fails */
	rc = ckd_read_track(&e->img, trk, e->trkbuf);
	if (rc < 0) {
		image_error(e, p, cmd);
		return -1;
	}
	e->reads++;
	e->buf_trk = trk;
	e->buf_lazy = false;
	e->buf_hole = rc == 1;
	set_bit(e, &e->hole, trk, rc == 1);
	set_bit(e, &e->std, trk, track_is_std(e, trk));
	return 0;
}

/* Lay out the standard track frame in the buffer: HA, R0 (8 zero bytes),
 * the counts of R1..R12 (KL 0, DL 4096) and the end-of-track marker.  The
 * CCHH fields are filled in by stamp_cchh(). */
static void build_std_frame(struct eckd *e)
{
	for (int r = 0; r <= 12; r++) {
		uint8_t *c = e->trkbuf + (r ? std_rec_off(r) : CKD_HA_SIZE);

		c[4] = (uint8_t)r;
		c[5] = 0;
		put_be16(c + 6, r ? 4096 : CKD_R0_DL);
	}
	e->trkbuf[0] = 0;
	memset(e->trkbuf + CKD_HA_SIZE + CKD_COUNT_SIZE, 0, CKD_R0_DL);
	memset(e->trkbuf + std_rec_off(13), 0xff, CKD_COUNT_SIZE);
	e->buf_frame = true;
}

/* The CCHH of the HA and of every count of a lazily buffered standard track
 * (load_track() leaves those of an earlier track: most commands look only
 * at a count's record number and lengths, which are the same on every
 * standard track).  Called before a count or the HA leaves the device. */
static void stamp_cchh(struct eckd *e)
{
	uint8_t cchh[ECKD_CCHH_SIZE];

	if (!e->buf_lazy || e->buf_stamped)
		return;
	eckd_cchh_encode(cchh, e->buf_trk, (uint16_t)e->img.heads);
	memcpy(e->trkbuf + 1, cchh, 4);
	memcpy(e->trkbuf + CKD_HA_SIZE, cchh, 4);
	for (int r = 1; r <= 12; r++)
		memcpy(e->trkbuf + std_rec_off(r), cchh, 4);
	e->buf_stamped = true;
}

/* Make trk the buffered track.  A track already seen to be standard is not
 * read: its layout is known, so the buffer keeps the standard frame (counts
 * without CCHH, see stamp_cchh()) and each record's data is read when a
 * command needs it (need_data, read_direct), so a 4 KB block costs one 4 KB
 * pread and moving to another standard track touches no buffer memory.
 * The device assumes it is the only writer of the image while open.
 * On an image error: unit check (invalid track format for a bad home
 * address, equipment check for an I/O error), and the file's message is
 * traced and kept for eckd_error(). */
static int load_track(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, uint32_t trk)
{
	p->trk = trk;
	if (e->buf_trk == trk) {
		trkbuf_get(e); /* the pool's newest (it has its buffer) */
		return 0;
	}
	if (trkbuf_get(e) < 0) {
		snprintf(e->img.err, sizeof(e->img.err), "%s: out of memory", e->cfg.image);
		image_error(e, p, cmd);
		return -1;
	}
	if (!bit(&e->std, trk))
		return load_full(e, p, cmd, trk);
	if (!e->buf_frame)
		build_std_frame(e);
	e->buf_trk = trk;
	e->buf_lazy = true;
	e->buf_stamped = false;
	e->buf_loaded = 0;
	e->buf_hole = bit(&e->hole, trk);
	return 0;
}

/* The data of the record whose count is at pos must be in the buffer. */
static int need_data(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, uint32_t pos)
{
	uint32_t r;

	if (!e->buf_lazy || pos < ECKD_STD_R1)
		return 0;
	r = (pos - ECKD_STD_R1) / ECKD_STD_RECLEN;
	if (e->buf_loaded & (1u << r))
		return 0;
	if (ckd_read_range(&e->img, e->buf_trk, pos + CKD_COUNT_SIZE, 4096,
			   e->trkbuf + pos + CKD_COUNT_SIZE) < 0) {
		image_error(e, p, cmd);
		return -1;
	}
	e->buf_loaded |= (uint16_t)(1u << r);
	return 0;
}

/* The whole track must be in the buffer (commands that change its layout
 * or transfer all of it). */
static int need_track(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	if (!e->buf_lazy)
		return 0;
	return load_full(e, p, cmd, e->buf_trk);
}

/* Write bytes [off, off+len) of the buffered track to the image.  A track
 * synthesised from a hole is written whole, so the file then holds a real
 * Hercules track.  Callers bring in the whole track (need_track) before
 * changing a hole or the layout. */
static int store_track(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, uint32_t off,
		       uint32_t len)
{
	if (e->buf_hole) {
		off = 0;
		len = e->img.trksize;
	}
	if (ckd_write(&e->img, e->buf_trk, off, e->trkbuf + off, len) < 0) {
		image_error(e, p, cmd);
		return -1;
	}
	e->writes++;
	e->buf_hole = false;
	set_bit(e, &e->hole, e->buf_trk, false);
	return 0;
}

/* After a write that may change the layout: is the track still standard? */
static void relearn_layout(struct eckd *e)
{
	if (e->buf_trk != NO_TRACK)
		set_bit(e, &e->std, e->buf_trk, track_is_std(e, e->buf_trk));
}

static uint32_t next_pos(struct eckd *e, uint32_t pos)
{
	if (pos == 0)
		return CKD_HA_SIZE;
	return ckd_next_record(e->trkbuf, e->img.trksize, pos);
}

/* Move to the next track of the extent, positioned at its home address. */
static int advance_track(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	if (p->trk + 1 > p->de_last) {
		unit_check(e, p, cmd, 0, SNS1_FILE_PROT, 0);
		return -1;
	}
	if (load_track(e, p, cmd, p->trk + 1) < 0)
		return -1;
	p->pos = 0;
	p->phase = ECKD_AFTER_DATA;
	return 0;
}

/* Move on to the record after the current one.  At the end of the track a
 * multitrack (MT) command continues on the next track of the extent, after
 * R0; anything else finds no record.  0, or -1 after a unit check. */
static int advance(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, bool mt,
		   bool skip_r0)
{
	uint32_t next = next_pos(e, p->pos);

	if (!next) {
		unit_check(e, p, cmd, 0, SNS1_INV_TRK_FMT, 0);
		return -1;
	}
	if (!ckd_is_eot(e->trkbuf, next)) {
		p->pos = next;
		return 0;
	}
	if (!mt) {
		unit_check(e, p, cmd, 0, SNS1_NO_REC_FOUND, 0);
		return -1;
	}
	if (advance_track(e, p, cmd) < 0)
		return -1;
	p->pos = CKD_HA_SIZE;
	if (skip_r0)
		return advance(e, p, cmd, false, false);
	return 0;
}

/* ---- chain rules ---- */

static bool in_domain(struct eckd_path *p)
{
	return p->lr && p->lr_left > 0;
}

/* A data command inside a Locate Record domain whose operation allows it. */
static int domain_check(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd,
			const uint8_t *ops, int nops)
{
	if (!in_domain(p)) {
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return -1;
	}
	for (int i = 0; i < nops; i++)
		if (ECKD_LR_OP(p->lr_op) == ops[i])
			return 0;
	cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
	return -1;
}

static int write_check(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, bool format)
{
	uint8_t wc = p->de_mask & ECKD_DE_WR_MASK;

	if (e->cfg.readonly) {
		unit_check(e, p, cmd, SNS0_CMD_REJECT, SNS1_WRITE_INHIB, 0);
		return -1;
	}
	if (wc == ECKD_DE_WR_INHIBIT || (format && wc == ECKD_DE_WR_UPDATE)) {
		unit_check(e, p, cmd, 0, SNS1_FILE_PROT, 0);
		return -1;
	}
	return 0;
}

/* The current record for a read/write of its key or data. */
static uint8_t *data_record(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	bool mt = cmd->code & 0x80;

	if (p->phase == ECKD_AFTER_DATA && advance(e, p, cmd, mt, true) < 0)
		return NULL;
	if (p->pos == 0) { /* after HA orientation: the next record is R0 */
		p->pos = CKD_HA_SIZE;
	}
	p->phase = ECKD_AFTER_DATA;
	p->lr_left--;
	return e->trkbuf + p->pos;
}

static void transfer_in(struct ccwdev_cmd *cmd, const uint8_t *src, uint32_t n)
{
	uint32_t len = n < cmd->count ? n : cmd->count;

	memcpy(cmd->data, src, len);
	cmd->len = len;
	cmd->wanted_more = n > cmd->count;
}

/* ---- command handlers ---- */

typedef void (*eckd_handler)(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd);

static void do_noop(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
}

static void do_sense(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t s[ECKD_SENSE_LEN] = {0};

	if (p->sense_valid)
		memcpy(s, p->sense, sizeof(s));
	else
		s[27] = SNS27_24BYTE;
	p->sense_valid = false;
	transfer_in(cmd, s, sizeof(s));
}

static void do_sense_id(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t buf[SENSEID_MAX];

	transfer_in(cmd, buf, (uint32_t)eckd_sense_id(e, buf));
}

static void do_rdc(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t buf[64];

	eckd_rdc(e, buf);
	transfer_in(cmd, buf, sizeof(buf));
}

static void do_rcd(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t buf[256];

	eckd_rcd(e, buf);
	transfer_in(cmd, buf, sizeof(buf));
}

/* Path group and reserve commands are first in the chain, or follow a
 * Suspend Multipath Reconnection. */
static bool pg_first(struct eckd_path *p)
{
	return p->ncmds == 1 || (p->ncmds == 2 && p->prev_code == 0x5b);
}

static bool same_group(struct eckd *e, uint8_t a, uint8_t b)
{
	const struct eckd_path *pa = e->path[a], *pb = e->path[b];

	if (a == b)
		return true;
	return pa && pb && pa->pgstate == 0xc0 && pb->pgstate == 0xc0 &&
	       !memcmp(pa->pgid, pb->pgid, ECKD_PGID_LEN);
}

static void do_snid(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t buf[12];
	uint8_t path = p->chpid;

	if (!pg_first(p)) {
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	buf[0] = p->pgstate;
	if (p->pgstate == 0xc0 && p->multipath)
		buf[0] |= 0x08;
	if (e->reserved)
		buf[0] |= same_group(e, e->resv_path, path) ? 0x30 : 0x20;
	memcpy(buf + 1, p->pgid, ECKD_PGID_LEN);
	transfer_in(cmd, buf, sizeof(buf));
}

static bool pgid_zero(const uint8_t *pgid)
{
	for (int i = 0; i < ECKD_PGID_LEN; i++)
		if (pgid[i])
			return false;
	return true;
}

static void do_spid(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t fn, op;

	if (!pg_first(p)) {
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	if (cmd->count < 12) {
		cmd->wanted_more = true;
		cmd_reject(e, p, cmd, SNS7_COUNT_SMALL);
		return;
	}
	cmd->len = 12;
	fn = cmd->data[0];
	op = fn & 0x60;
	if ((fn & 0x1f) || op == 0x60) {
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	if (op == 0x20) { /* disband: every path of the group becomes ungrouped */
		for (int i = 0; i < ECKD_NPATHS; i++)
			if (e->path[i] && e->path[i]->pgstate == 0xc0 &&
			    !memcmp(e->path[i]->pgid, p->pgid, ECKD_PGID_LEN))
				e->path[i]->pgstate = 0x80;
		return;
	}
	if (op == 0x40) { /* resign: this path leaves the group */
		memset(p->pgid, 0, ECKD_PGID_LEN);
		p->pgstate = 0x00;
		p->multipath = false;
		return;
	}
	/* establish */
	if (pgid_zero(cmd->data + 1) ||
	    (p->pgstate == 0xc0 && memcmp(p->pgid, cmd->data + 1, ECKD_PGID_LEN))) {
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	memcpy(p->pgid, cmd->data + 1, ECKD_PGID_LEN);
	p->pgstate = 0xc0;
	p->multipath = fn & 0x80;
}

/* Reserve, Release, Unconditional Reserve: 32 bytes of sense data back. */
static void do_reserve(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t path = p->chpid;
	uint8_t s[ECKD_SENSE_LEN] = {0};

	if (cmd->code != 0x94 && (!pg_first(p) || p->de)) {
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	if (cmd->code == 0x94 && p->de) {
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	if (cmd->code == 0x94) {
		if (e->reserved && same_group(e, e->resv_path, path))
			e->reserved = false;
	} else {
		e->reserved = true;
		e->resv_path = path;
	}
	s[27] = SNS27_24BYTE;
	transfer_in(cmd, s, sizeof(s));
}

static uint32_t order_min_count(uint8_t order)
{
	switch (order) {
	case 0x18:
		return 12;
	case 0x1d:
		return 66;
	default:
		return 1;
	}
}

static void psf_prssd(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t sub = cmd->data[6];

	if (!p->rssd && !(p->rssd = malloc(512))) {
		unit_check(e, p, cmd, SNS0_EQUIP_CHECK, 0, 0);
		return;
	}
	memset(p->rssd, 0, 512);
	switch (sub) {
	case 0x41: /* feature codes: none, so Linux stays on DE + LR I/O */
		p->rssd_len = 256;
		break;
	case 0x0e: /* unit address configuration: one base device */
		p->rssd_len = 512;
		p->rssd[2 * (e->cfg.devno & 0xff)] = 0x01;
		p->rssd[2 * (e->cfg.devno & 0xff) + 1] = (uint8_t)e->cfg.devno;
		break;
	default:
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	p->rssd_ready = true;
}

static void do_psf(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint8_t order = cmd->count ? cmd->data[0] : 0;

	if (cmd->count < order_min_count(order)) {
		cmd->wanted_more = true;
		cmd->len = cmd->count;
		cmd_reject(e, p, cmd, SNS7_COUNT_SMALL);
		return;
	}
	cmd->len = cmd->count;
	if (cmd->data[1] != 0) { /* flags */
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	switch (order) {
	case 0x18:
		psf_prssd(e, p, cmd);
		return;
	case 0x1d: /* set subsystem characteristics: accepted, nothing to set */
		return;
	default:
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
	}
}

static void do_rssd(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	if (!p->rssd_ready) {
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	p->rssd_ready = false;
	transfer_in(cmd, p->rssd, p->rssd_len);
}

static uint32_t cchh_track(struct eckd *e, const uint8_t *cchh)
{
	return eckd_cchh_track(cchh, (uint16_t)e->img.heads);
}

static bool cchh_ok(struct eckd *e, const uint8_t *cchh)
{
	return eckd_cchh_valid(cchh, e->img.cyls, (uint16_t)e->img.heads);
}

static void do_define_extent(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	const uint8_t *d = cmd->data;
	struct eckd_de de;

	if (cmd->count < ECKD_DE_SIZE) {
		cmd->wanted_more = true;
		cmd->len = cmd->count;
		cmd_reject(e, p, cmd, SNS7_COUNT_SMALL);
		return;
	}
	cmd->len = cmd->count > 32 ? 32 : cmd->count;
	if (p->lr) {
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	eckd_de_decode(d, (uint16_t)e->img.heads, &de);
	if ((de.mask & 0x20) || (de.ga & 0xc0) != 0xc0 || de.res[0] || de.res[1] || de.res[2] ||
	    de.blksize > 57334 || !cchh_ok(e, d + 8) || !cchh_ok(e, d + 12)) {
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	if (de.first_trk > de.last_trk ||
	    (p->de && (p->de_mask != de.mask || p->de_ga != de.ga || p->de_first != de.first_trk ||
		       p->de_last != de.last_trk))) {
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	p->de = true;
	p->de_mask = de.mask;
	p->de_ga = de.ga;
	p->de_gaext = de.ga_ext;
	p->de_first = de.first_trk;
	p->de_last = de.last_trk;
}

/* Search the track for the record whose count starts with CCHHR.  On a
 * track known to be standard the counts are R0..R12 with the track's own
 * CCHH, so the record's place is computed, not searched for. */
static int search_record(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd,
			 const uint8_t *cchhr)
{
	uint32_t pos = CKD_HA_SIZE;

	if (bit(&e->std, e->buf_trk)) {
		if (get_be16(cchhr + 2) >= e->img.heads || cchh_track(e, cchhr) != e->buf_trk ||
		    cchhr[4] > 12) {
			unit_check(e, p, cmd, 0, SNS1_NO_REC_FOUND, 0);
			return -1;
		}
		p->pos = cchhr[4] ? std_rec_off(cchhr[4]) : CKD_HA_SIZE;
		return 0;
	}
	while (!ckd_is_eot(e->trkbuf, pos)) {
		if (!memcmp(e->trkbuf + pos, cchhr, 5)) {
			p->pos = pos;
			return 0;
		}
		pos = ckd_next_record(e->trkbuf, e->img.trksize, pos);
		if (!pos) {
			unit_check(e, p, cmd, 0, SNS1_INV_TRK_FMT, 0);
			return -1;
		}
	}
	unit_check(e, p, cmd, 0, SNS1_NO_REC_FOUND, 0);
	return -1;
}

static bool lr_params_ok(struct eckd *e, const uint8_t *d, const struct eckd_lr *lr)
{
	uint8_t op = ECKD_LR_OP(lr->op);

	if ((lr->aux & ~(ECKD_LR_AUX_TLF | 0x01)) || lr->res)
		return false;
	if (op != ECKD_LR_OP_ORIENT && op != ECKD_LR_OP_WRITE && op != ECKD_LR_OP_FORMAT &&
	    op != ECKD_LR_OP_READ && op != ECKD_LR_OP_RDTRKS && op != ECKD_LR_OP_READANY)
		return false;
	if ((op == ECKD_LR_OP_ORIENT) != (lr->count == 0))
		return false;
	if (lr->sector >= 224 && lr->sector != ECKD_LR_SECTOR_NONE)
		return false;
	return cchh_ok(e, d + 4);
}

static void do_locate_record(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	const uint8_t *d = cmd->data;
	struct eckd_lr lr;
	uint8_t op;
	uint32_t trk;

	if (cmd->count < ECKD_LR_SIZE) {
		cmd->wanted_more = true;
		cmd->len = cmd->count;
		cmd_reject(e, p, cmd, SNS7_COUNT_SMALL);
		return;
	}
	cmd->len = ECKD_LR_SIZE;
	if (!p->de || in_domain(p)) {
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	eckd_lr_decode(d, (uint16_t)e->img.heads, &lr);
	if (!lr_params_ok(e, d, &lr)) {
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	op = ECKD_LR_OP(lr.op);
	trk = lr.seek_trk;
	if (trk < p->de_first || trk > p->de_last) {
		p->trk = trk;
		unit_check(e, p, cmd, 0, SNS1_FILE_PROT, 0);
		return;
	}
	if ((op == ECKD_LR_OP_WRITE || op == ECKD_LR_OP_FORMAT) &&
	    write_check(e, p, cmd, op == ECKD_LR_OP_FORMAT))
		return;
	p->lr = true;
	p->lr_op = lr.op;
	p->lr_aux = lr.aux;
	p->lr_left = lr.count;
	p->tlf = lr.tlf;
	if (load_track(e, p, cmd, trk) < 0)
		return;
	p->rdtrk_first = true;
	p->pos = 0;
	p->phase = ECKD_AFTER_DATA;
	if (op == ECKD_LR_OP_RDTRKS || ECKD_LR_ORIENT(lr.op) == ECKD_ORIENT_HA ||
	    ECKD_LR_ORIENT(lr.op) == ECKD_ORIENT_INDEX)
		return;
	if (search_record(e, p, cmd, d + 8) < 0)
		return;
	/* Formatting writes the records after the one searched; reads and
	 * updates act on the record found. */
	p->phase = op == ECKD_LR_OP_FORMAT ? ECKD_AFTER_DATA : ECKD_AFTER_COUNT;
}

static const uint8_t ops_read[] = {ECKD_LR_OP_READ, ECKD_LR_OP_READANY};
static const uint8_t ops_write[] = {ECKD_LR_OP_WRITE};
static const uint8_t ops_format[] = {ECKD_LR_OP_FORMAT};
static const uint8_t ops_rdtrk[] = {ECKD_LR_OP_RDTRKS};

/* A whole 4 KB record of a lazily buffered standard track whose data is
 * not in the buffer goes straight from the image into the channel's
 * buffer (one copy less).  True when done (or failed with unit check). */
static bool read_direct(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, uint32_t dl)
{
	uint32_t r;

	if (!e->buf_lazy || p->pos < ECKD_STD_R1 || cmd->count < dl)
		return false;
	r = (p->pos - ECKD_STD_R1) / ECKD_STD_RECLEN;
	if (e->buf_loaded & (1u << r))
		return false;
	if (ckd_read_range(&e->img, e->buf_trk, p->pos + CKD_COUNT_SIZE, dl, cmd->data) < 0) {
		image_error(e, p, cmd);
		return true;
	}
	cmd->len = dl;
	return true;
}

static void do_read_data(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	bool key = (cmd->code & 0x7f) == 0x0e;
	uint8_t *c;
	uint32_t kl, dl;

	if (domain_check(e, p, cmd, ops_read, 2) < 0)
		return;
	cmd->latency += e->cfg.latency;
	c = data_record(e, p, cmd);
	if (!c)
		return;
	cmd->latency += eckd_cache_read(e, p->trk);
	kl = c[5];
	dl = get_be16(c + 6);
	if (dl == 0) { /* end-of-file record */
		cmd->dstat |= DEV_STAT_UNIT_EXCEP;
		return;
	}
	if (read_direct(e, p, cmd, dl))
		return;
	if (need_data(e, p, cmd, p->pos) < 0)
		return;
	transfer_in(cmd, key ? c + 8 : c + 8 + kl, key ? kl + dl : dl);
}

/* An update of a whole record of a lazily buffered standard track goes
 * from the channel's buffer straight to the image (write-through as ever,
 * one pwrite, no copy).  The buffer's copy of the record, if it had one, is
 * dropped, so a later read takes the record from the file.  True when done
 * (or failed with unit check). */
static bool write_direct(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd, uint32_t off,
			 uint32_t n)
{
	uint32_t r;

	if (!e->buf_lazy || e->buf_hole || p->pos < ECKD_STD_R1 || cmd->count < n)
		return false;
	r = (p->pos - ECKD_STD_R1) / ECKD_STD_RECLEN;
	e->buf_loaded &= (uint16_t) ~(1u << r);
	cmd->len = n;
	if (ckd_write(&e->img, e->buf_trk, off, cmd->data, n) < 0) {
		image_error(e, p, cmd);
		return true;
	}
	e->writes++;
	return true;
}

static void do_write_data(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	bool key = (cmd->code & 0x7f) == 0x0d;
	uint32_t kl, dl, off, n;
	uint8_t *c;

	if (domain_check(e, p, cmd, ops_write, 1) < 0 || write_check(e, p, cmd, false) < 0)
		return;
	cmd->latency += e->cfg.latency;
	c = data_record(e, p, cmd);
	if (!c)
		return;
	eckd_cache_write(e, p->trk);
	kl = c[5];
	dl = get_be16(c + 6);
	n = key ? kl + dl : dl;
	if (dl == 0) {
		cmd->dstat |= DEV_STAT_UNIT_EXCEP;
		return;
	}
	/* The transfer length factor must match the record being updated. */
	if ((p->lr_aux & ECKD_LR_AUX_TLF) && p->tlf != n) {
		unit_check(e, p, cmd, 0, SNS1_INV_TRK_FMT, 0);
		return;
	}
	off = p->pos + CKD_COUNT_SIZE + (key ? 0 : kl);
	if (write_direct(e, p, cmd, off, n))
		return;
	/* A hole is stored whole; R0's data decides whether the track is
	 * still standard, so the track must be in the buffer for both. */
	if ((e->buf_hole || p->pos < ECKD_STD_R1) && need_track(e, p, cmd) < 0)
		return;
	if (e->buf_lazy)
		e->buf_loaded |= (uint16_t)(1u << (p->pos - ECKD_STD_R1) / ECKD_STD_RECLEN);
	cmd->len = cmd->count < n ? cmd->count : n;
	cmd->wanted_more = cmd->count < n;
	memcpy(e->trkbuf + off, cmd->data, cmd->len);
	memset(e->trkbuf + off + cmd->len, 0, n - cmd->len); /* the CU pads short data */
	if (store_track(e, p, cmd, off, n) == 0 && p->pos < ECKD_STD_R1)
		relearn_layout(e);
}

static void do_read_count(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	if (domain_check(e, p, cmd, ops_read, 2) < 0)
		return;
	if (advance(e, p, cmd, cmd->code & 0x80, false) < 0)
		return;
	p->phase = ECKD_AFTER_COUNT;
	p->lr_left--;
	cmd->latency += eckd_cache_read(e, p->trk);
	stamp_cchh(e);
	transfer_in(cmd, e->trkbuf + p->pos, CKD_COUNT_SIZE);
}

static void do_read_ha(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	if (domain_check(e, p, cmd, ops_read, 2) < 0)
		return;
	if (p->pos != 0 && advance_track(e, p, cmd) < 0)
		return;
	p->pos = 0;
	p->phase = ECKD_AFTER_DATA;
	p->lr_left--;
	stamp_cchh(e);
	transfer_in(cmd, e->trkbuf, CKD_HA_SIZE);
}

static void do_read_r0(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	const uint8_t *c;

	if (domain_check(e, p, cmd, ops_read, 2) < 0)
		return;
	if (p->pos != 0 && advance_track(e, p, cmd) < 0)
		return;
	p->pos = CKD_HA_SIZE;
	p->phase = ECKD_AFTER_DATA;
	p->lr_left--;
	c = e->trkbuf + p->pos;
	if (ckd_is_eot(e->trkbuf, p->pos) || c[4] != 0) {
		unit_check(e, p, cmd, 0, SNS1_NO_REC_FOUND, 0);
		return;
	}
	stamp_cchh(e);
	transfer_in(cmd, c, CKD_COUNT_SIZE + c[5] + get_be16(c + 6));
}

/* Read Track: the count, key and data of every record after R0. */
static void do_read_track(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint32_t start, end;

	if (domain_check(e, p, cmd, ops_rdtrk, 1) < 0)
		return;
	cmd->latency += e->cfg.latency;
	if (!p->rdtrk_first && advance_track(e, p, cmd) < 0)
		return;
	p->rdtrk_first = false;
	p->lr_left--;
	cmd->latency += eckd_cache_read(e, p->trk);
	if (need_track(e, p, cmd) < 0)
		return;
	start = next_pos(e, CKD_HA_SIZE);
	if (!start) {
		unit_check(e, p, cmd, 0, SNS1_INV_TRK_FMT, 0);
		return;
	}
	for (end = start; !ckd_is_eot(e->trkbuf, end);) {
		end = ckd_next_record(e->trkbuf, e->img.trksize, end);
		if (!end) {
			unit_check(e, p, cmd, 0, SNS1_INV_TRK_FMT, 0);
			return;
		}
	}
	transfer_in(cmd, e->trkbuf + start, end - start);
}

/* Write CKD (0x1D) and Write CKD Next Track (0x9D): a new record after the
 * current one; the rest of the track is erased (EOT follows it). */
static void do_write_ckd(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint32_t at, n;
	uint8_t *c;

	if (domain_check(e, p, cmd, ops_format, 1) < 0 || write_check(e, p, cmd, true) < 0)
		return;
	cmd->latency += e->cfg.latency;
	if (cmd->count < CKD_COUNT_SIZE) {
		cmd->wanted_more = true;
		cmd_reject(e, p, cmd, SNS7_COUNT_SMALL);
		return;
	}
	if (cmd->code & 0x80) {
		if (advance_track(e, p, cmd) < 0)
			return;
		p->pos = CKD_HA_SIZE; /* after R0 */
	}
	if (p->pos == 0) { /* R0 is written by Write R0 only */
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	if (need_track(e, p, cmd) < 0)
		return;
	eckd_cache_write(e, p->trk);
	at = next_pos(e, p->pos);
	n = CKD_COUNT_SIZE + cmd->data[5] + get_be16(cmd->data + 6);
	if (!at || at + n + CKD_COUNT_SIZE > e->img.trksize) {
		unit_check(e, p, cmd, 0, SNS1_INV_TRK_FMT, 0);
		return;
	}
	c = e->trkbuf + at;
	cmd->len = cmd->count < n ? cmd->count : n;
	cmd->wanted_more = cmd->count < n;
	memcpy(c, cmd->data, cmd->len);
	memset(c + cmd->len, 0, n - cmd->len); /* key and data padded with zeros */
	memset(c + n, 0xff, CKD_COUNT_SIZE);
	p->pos = at;
	p->phase = ECKD_AFTER_DATA;
	p->lr_left--;
	if (store_track(e, p, cmd, at, n + CKD_COUNT_SIZE) == 0)
		relearn_layout(e);
}

static bool may_write_r0(const struct eckd_path *p)
{
	uint8_t wc = p->de_mask & ECKD_DE_WR_MASK;

	return wc == ECKD_DE_WR_ALL ||
	       (wc == ECKD_DE_WR_FORMAT && (p->de_gaext & ECKD_DE_GAEXT_R0));
}

static void do_write_r0(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	uint32_t n;
	uint8_t *c;

	if (domain_check(e, p, cmd, ops_format, 1) < 0 || write_check(e, p, cmd, true) < 0)
		return;
	if (!may_write_r0(p)) {
		unit_check(e, p, cmd, 0, SNS1_FILE_PROT, 0);
		return;
	}
	if (cmd->count < CKD_COUNT_SIZE) {
		cmd->wanted_more = true;
		cmd_reject(e, p, cmd, SNS7_COUNT_SMALL);
		return;
	}
	if (p->pos != 0 && advance_track(e, p, cmd) < 0)
		return;
	if (need_track(e, p, cmd) < 0)
		return;
	n = CKD_COUNT_SIZE + cmd->data[5] + get_be16(cmd->data + 6);
	if (cmd->data[4] != 0 || CKD_HA_SIZE + n + CKD_COUNT_SIZE > e->img.trksize) {
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	c = e->trkbuf + CKD_HA_SIZE;
	cmd->len = cmd->count < n ? cmd->count : n;
	cmd->wanted_more = cmd->count < n;
	memcpy(c, cmd->data, cmd->len);
	memset(c + cmd->len, 0, n - cmd->len);
	memset(c + n, 0xff, CKD_COUNT_SIZE);
	p->pos = CKD_HA_SIZE;
	p->phase = ECKD_AFTER_DATA;
	p->lr_left--;
	if (store_track(e, p, cmd, CKD_HA_SIZE, n + CKD_COUNT_SIZE) == 0)
		relearn_layout(e);
}

/* Write Home Address: the HA must name this track; R0 and all records go. */
static void do_write_ha(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	if (domain_check(e, p, cmd, ops_format, 1) < 0 || write_check(e, p, cmd, true) < 0)
		return;
	if ((p->de_mask & ECKD_DE_WR_MASK) != ECKD_DE_WR_ALL) {
		unit_check(e, p, cmd, 0, SNS1_FILE_PROT, 0);
		return;
	}
	if (cmd->count < CKD_HA_SIZE) {
		cmd->wanted_more = true;
		cmd_reject(e, p, cmd, SNS7_COUNT_SMALL);
		return;
	}
	if (p->pos != 0 && advance_track(e, p, cmd) < 0)
		return;
	if (need_track(e, p, cmd) < 0)
		return;
	cmd->len = CKD_HA_SIZE;
	if (cmd->data[0] != 0 || get_be16(cmd->data + 1) != p->trk / e->img.heads ||
	    get_be16(cmd->data + 3) != p->trk % e->img.heads) {
		cmd_reject(e, p, cmd, SNS7_INVALID_PARM);
		return;
	}
	memcpy(e->trkbuf, cmd->data, CKD_HA_SIZE);
	memset(e->trkbuf + CKD_HA_SIZE, 0xff, CKD_COUNT_SIZE);
	p->pos = 0;
	p->phase = ECKD_AFTER_DATA;
	p->lr_left--;
	if (store_track(e, p, cmd, 0, CKD_HA_SIZE + CKD_COUNT_SIZE) == 0)
		relearn_layout(e);
}

static void do_invalid(struct eckd *e, struct eckd_path *p, struct ccwdev_cmd *cmd)
{
	cmd_reject(e, p, cmd, SNS7_INVALID_CMD);
}

/* The command set, indexed by command code.  Anything not listed is
 * rejected (format 0 message 1). */
static const eckd_handler eckd_cmds[256] = {
	[0x03] = do_noop,	   /* No-op */
	[0x04] = do_sense,	   /* Sense */
	[0x05] = do_write_data,	   /* Write Data */
	[0x06] = do_read_data,	   /* Read Data */
	[0x0d] = do_write_data,	   /* Write Key and Data */
	[0x0e] = do_read_data,	   /* Read Key and Data */
	[0x12] = do_read_count,	   /* Read Count */
	[0x14] = do_reserve,	   /* Unconditional Reserve */
	[0x15] = do_write_r0,	   /* Write R0 */
	[0x16] = do_read_r0,	   /* Read R0 */
	[0x19] = do_write_ha,	   /* Write Home Address */
	[0x1a] = do_read_ha,	   /* Read Home Address */
	[0x1d] = do_write_ckd,	   /* Write CKD */
	[0x27] = do_psf,	   /* Perform Subsystem Function */
	[0x34] = do_snid,	   /* Sense Path Group ID */
	[0x3e] = do_rssd,	   /* Read Subsystem Data */
	[0x47] = do_locate_record, /* Locate Record */
	[0x5b] = do_noop,	   /* Suspend Multipath Reconnection */
	[0x63] = do_define_extent, /* Define Extent */
	[0x64] = do_rdc,	   /* Read Device Characteristics */
	[0x85] = do_write_data,	   /* Write Update Data (MT) */
	[0x86] = do_read_data,	   /* Read Data MT */
	[0x8d] = do_write_data,	   /* Write Update Key and Data (MT) */
	[0x8e] = do_read_data,	   /* Read Key and Data MT */
	[0x92] = do_read_count,	   /* Read Count MT */
	[0x94] = do_reserve,	   /* Release */
	[0x96] = do_read_r0,	   /* Read R0 MT */
	[0x9a] = do_read_ha,	   /* Read Home Address MT */
	[0x9d] = do_write_ckd,	   /* Write CKD Next Track */
	[0xaf] = do_spid,	   /* Set Path Group ID */
	[0xb4] = do_reserve,	   /* Reserve */
	[0xde] = do_read_track,	   /* Read Track */
	[0xe4] = do_sense_id,	   /* Sense ID */
	[0xfa] = do_rcd,	   /* Read Configuration Data */
};

static eckd_handler lookup(uint8_t code)
{
	return eckd_cmds[code] ? eckd_cmds[code] : do_invalid;
}

/* While the device is reserved to another path group it answers busy,
 * except to the commands that find or break the reservation. */
static bool held_off(struct eckd *e, uint8_t path, uint8_t code)
{
	if (!e->reserved || same_group(e, e->resv_path, path))
		return false;
	return code != 0x14 && code != 0x34 && code != 0x04;
}

/* ---- ccwdev ops ---- */

static void chain_reset(struct eckd_path *p)
{
	p->ncmds = 0;
	p->cur_code = 0;
	p->prev_code = 0;
	p->de = false;
	p->lr = false;
	p->lr_left = 0;
	p->rssd_ready = false;
	p->pos = 0;
	p->phase = ECKD_AFTER_DATA;
}

/* The state of a path, made when the path is first used. */
static struct eckd_path *get_path(struct eckd *e, uint8_t path)
{
	struct eckd_path *p = e->path[path];

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return NULL;
		p->chpid = path;
		p->phase = ECKD_AFTER_DATA;
		e->path[path] = p;
	}
	return p;
}

static int eckd_select(struct ccwdev *dev, uint8_t path)
{
	struct eckd_path *p = get_path(to_eckd(dev), path);

	if (!p)
		return -ENODEV; /* no memory for it: this path cannot be used */
	chain_reset(p);
	to_eckd(dev)->busy++;
	return 0;
}

/* Every command: see eckd_exec().  Out of line, so that the common case
 * there saves and restores no registers. */
static __attribute__((noinline)) void exec_cmd(struct eckd *e, uint8_t path, struct ccwdev_cmd *cmd)
{
	struct eckd_path *p = get_path(e, path);

	cmd->len = 0;
	cmd->wanted_more = false;
	cmd->latency = e->cfg.cmd_time;
	cmd->dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	if (!p) {
		cmd->dstat |= DEV_STAT_UNIT_CHECK;
		return;
	}
	if (held_off(e, path, cmd->code)) {
		cmd->dstat = DEV_STAT_BUSY;
		return;
	}
	p->ncmds++;
	p->prev_code = p->cur_code;
	p->cur_code = cmd->code;
	if (cmd->code != 0x3e && p->rssd_ready) {
		p->rssd_ready = false;
		cmd_reject(e, p, cmd, SNS7_INVALID_SEQ);
		return;
	}
	lookup(cmd->code)(e, p, cmd);
}

/* The common case, which exec_cmd() would handle the same way: the path
 * is known, the device not reserved (so nothing is held off) and no
 * Read Subsystem Data is due: count the command and run it. */
static void eckd_exec(struct ccwdev *dev, uint8_t path, struct ccwdev_cmd *cmd)
{
	struct eckd *e = to_eckd(dev);
	struct eckd_path *p = e->path[path];

	if (!p || e->reserved || p->rssd_ready) {
		exec_cmd(e, path, cmd);
		return;
	}
	cmd->len = 0;
	cmd->wanted_more = false;
	cmd->latency = e->cfg.cmd_time;
	cmd->dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	p->ncmds++;
	p->prev_code = p->cur_code;
	p->cur_code = cmd->code;
	lookup(cmd->code)(e, p, cmd);
}

static void eckd_end(struct ccwdev *dev, uint8_t path)
{
	struct eckd *e = to_eckd(dev);
	struct eckd_path *p = e->path[path];

	if (p)
		chain_reset(p);
	if (e->busy)
		e->busy--;
}

static int eckd_sense(struct ccwdev *dev, uint8_t path, uint8_t buf[32])
{
	struct eckd_path *p = to_eckd(dev)->path[path];

	if (!p || !p->sense_valid)
		return 0;
	memcpy(buf, p->sense, ECKD_SENSE_LEN);
	p->sense_valid = false;
	return ECKD_SENSE_LEN;
}

static uint16_t eckd_devtype(struct ccwdev *dev)
{
	return 0x3390;
}

static void eckd_destroy(struct ccwdev *dev)
{
	struct eckd *e = to_eckd(dev);

	ckd_close(&e->img);
	bits_free(&e->std);
	bits_free(&e->hole);
	bits_free(&e->cached);
	for (int i = 0; i < ECKD_NPATHS; i++) {
		if (e->path[i])
			free(e->path[i]->rssd);
		free(e->path[i]);
	}
	trkbuf_release(e);
	free(e->image_path);
	free(e);
}

static const struct ccwdev_ops eckd_ops = {
	.select = eckd_select,
	.exec = eckd_exec,
	.end = eckd_end,
	.sense = eckd_sense,
	.devtype = eckd_devtype,
	.destroy = eckd_destroy,
};

/* The first write of a scratch volume makes it (ckd_opts.create); until
 * then its reads are served from what it will hold (ckd_opts.fill), so
 * that setting thousands of them online makes no file. */
static int make_scratch(void *ctx, const char *path, char *err, size_t errlen)
{
	struct eckd *e = ctx;

	return eckd_create_scratch(path, e->cfg.create_cyls, e->create_volser, err, errlen);
}

static void scratch_fill(void *ctx, uint32_t trk, uint8_t *buf)
{
	struct eckd *e = ctx;

	eckd_scratch_track(e->cfg.create_cyls, e->create_volser, trk, buf);
}

struct ccwdev *eckd_open(struct sim *sim, const struct eckd_config *cfg, char *err, size_t errlen)
{
	struct ckd_opts o = {0};
	struct eckd *e;

	if (!cfg || !cfg->image) {
		snprintf(err, errlen, "no image file given");
		return NULL;
	}
	if (cfg->cu_type && cfg->cu_type != 0x3990 && cfg->cu_type != 0x2107) {
		snprintf(err, errlen, "%s: control unit type %04x is not 3990 or 2107", cfg->image,
			 cfg->cu_type);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errlen, "%s: out of memory", cfg->image);
		return NULL;
	}
	e->dev.ops = &eckd_ops;
	e->dev.priv = e;
	e->sim = sim;
	e->cfg = *cfg;
	e->cfg.cu_type = cfg->cu_type ? cfg->cu_type : 0x3990;
	e->image_path = strdup(cfg->image);
	e->cfg.image = e->image_path;
	e->cfg.create_volser = NULL;
	snprintf(e->create_volser, sizeof(e->create_volser), "%s",
		 cfg->create_volser ? cfg->create_volser : "SCRTCH");
	e->buf_trk = NO_TRACK;
	if (!e->image_path) {
		snprintf(err, errlen, "%s: out of memory", cfg->image);
		free(e);
		return NULL;
	}
	o.readonly = cfg->readonly;
	o.cache = cfg->cache;
	if (cfg->create_cyls) {
		o.no_journal = true;
		o.create = make_scratch;
		o.create_ctx = e;
		o.create_cyls = cfg->create_cyls;
		if (eckd_scratch_valid(cfg->create_cyls, e->create_volser)) {
			o.fill = scratch_fill;
			o.fill_tracks = ECKD_SCRATCH_TRACKS;
		}
	}
	if (ckd_open_opts(&e->img, cfg->image, &o, err, errlen) < 0) {
		free(e->image_path);
		free(e);
		return NULL;
	}
	e->img.fsync = cfg->fsync;
	e->model = eckd_model_for(e->img.cyls, &e->type_code);
	return &e->dev;
}

const char *eckd_error(struct ccwdev *dev)
{
	return to_eckd(dev)->err;
}

uint32_t eckd_cylinders(struct ccwdev *dev)
{
	return to_eckd(dev)->img.cyls;
}

uint64_t eckd_cache_misses(struct ccwdev *dev)
{
	return to_eckd(dev)->cache_misses;
}
