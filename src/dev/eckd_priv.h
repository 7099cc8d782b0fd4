/* Internals of the 3390 device (eckd.c, eckd_ids.c). */
#ifndef CHPSYNC_DEV_ECKD_PRIV_H
#define CHPSYNC_DEV_ECKD_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/ckd_image.h"
#include "dev/eckd.h"

#define ECKD_SENSE_LEN 32
#define ECKD_PGID_LEN  11
#define ECKD_NPATHS    256

/* Sense byte 0 */
#define SNS0_CMD_REJECT	 0x80
#define SNS0_INTERV_REQ	 0x40
#define SNS0_EQUIP_CHECK 0x10
#define SNS0_DATA_CHECK	 0x08
/* Sense byte 1 */
#define SNS1_PERM_ERR	  0x80
#define SNS1_INV_TRK_FMT  0x40
#define SNS1_NO_REC_FOUND 0x08
#define SNS1_FILE_PROT	  0x04
#define SNS1_WRITE_INHIB  0x02
/* Sense byte 7: format 0 messages */
#define SNS7_INVALID_CMD  0x01
#define SNS7_INVALID_SEQ  0x02
#define SNS7_COUNT_SMALL  0x03
#define SNS7_INVALID_PARM 0x04
/* Sense byte 27 */
#define SNS27_24BYTE 0x80

/* The standard Linux track: HA, R0 (8 data bytes), R1..R12 of KL 0 DL 4096. */
#define ECKD_STD_R1	(CKD_HA_SIZE + CKD_COUNT_SIZE + CKD_R0_DL)
#define ECKD_STD_RECLEN (CKD_COUNT_SIZE + 4096)

/* Where the next data command acts, relative to the record at `pos`. */
enum eckd_phase {
	ECKD_AFTER_COUNT, /* the record's count has been passed: data ops act on it */
	ECKD_AFTER_DATA,  /* the whole record has been passed: next op moves on */
};

/* Per path: path group and the state of the start function in progress.
 * Allocated when the path is first selected. */
struct eckd_path {
	uint8_t chpid;
	/* path group (SNID/SPID) */
	uint8_t pgid[ECKD_PGID_LEN];
	uint8_t pgstate; /* SNID byte 0 bits 0-1: 0x00 reset, 0x80 ungrouped, 0xc0 grouped */
	bool multipath;
	/* sense pending after a unit check on this path */
	uint8_t sense[ECKD_SENSE_LEN];
	bool sense_valid;
	/* chain state, dropped by end() */
	unsigned ncmds;
	uint8_t cur_code, prev_code;
	bool de;
	uint8_t de_mask, de_ga, de_gaext;
	uint32_t de_first, de_last;
	bool lr;
	uint8_t lr_op, lr_orient, lr_aux;
	uint32_t lr_left; /* records/tracks left in the domain */
	uint16_t tlf;
	uint32_t trk; /* current track */
	uint32_t pos; /* offset of the current record's count (0 = HA) */
	enum eckd_phase phase;
	bool rdtrk_first; /* next Read Track reads the located track */
	/* Prepare for Read Subsystem Data: what the next 0x3E returns
	 * (allocated by the first PSF) */
	uint8_t *rssd;
	uint32_t rssd_len;
	bool rssd_ready;
};

/* One bit per track, in leaves of ECKD_LEAF_TRACKS tracks allocated when
 * a bit in them is first set: an idle volume of any size costs nothing. */
#define ECKD_LEAF_TRACKS 32768
struct eckd_bits {
	uint8_t **leaf;
	uint32_t nleaf;
};

struct eckd {
	struct ccwdev dev;
	struct sim *sim;
	struct eckd_config cfg;
	char *image_path;
	struct ckd_image img;
	uint8_t model;	   /* Sense ID / RDC device model byte */
	uint8_t type_code; /* RDC byte 11 */
	/* one-track buffer shared by all paths (one start function at a time),
	 * allocated by the first command that needs a track */
	uint8_t *trkbuf;
	uint32_t buf_trk;      /* UINT32_MAX = empty */
	bool buf_hole;	       /* buffer synthesised from a hole of a sparse image */
	bool buf_lazy;	       /* standard track: counts built, data read on demand */
	uint16_t buf_loaded;   /* lazy: records (bit r-1) whose data is in the buffer */
	bool buf_frame;	       /* the buffer holds the standard track frame (load_track) */
	bool buf_stamped;      /* lazy: the HA and counts carry buf_trk's CCHH */
	unsigned busy;	       /* start functions in progress (select .. end) */
	struct eckd *pool_prev, *pool_next; /* cfg.trkpool's list, newest first */
	struct eckd_bits std;  /* per track: known to be the standard 12 x 4096 layout */
	struct eckd_bits hole; /* per track: a hole of a sparse image */
	/* reservation */
	bool reserved;
	uint8_t resv_path;
	struct eckd_path *path[ECKD_NPATHS]; /* by CHPID, NULL until selected */
	/* an image made on first use (eckd_config.create_cyls) */
	char create_volser[8];
	char err[512];
	/* the control unit's cache (eckd_cache.c): the tracks in it */
	struct eckd_bits cached;
	/* statistics */
	uint64_t reads, writes, cache_misses;
};

/* eckd.c: per-track bits */
bool eckd_bit(const struct eckd_bits *b, uint32_t trk);
void eckd_bit_set(struct eckd *e, struct eckd_bits *b, uint32_t trk, bool on);
void eckd_bits_free(struct eckd_bits *b);

/* eckd_cache.c: what a read of track trk waits for the cache (0 on a
 * hit); a write puts the track into the cache. */
sim_time_t eckd_cache_read(struct eckd *e, uint32_t trk);
void eckd_cache_write(struct eckd *e, uint32_t trk);

/* eckd_ids.c: identity data */
int eckd_sense_id(const struct eckd *e, uint8_t *out); /* returns length */
void eckd_rdc(const struct eckd *e, uint8_t out[64]);
void eckd_rcd(const struct eckd *e, uint8_t out[256]);
uint8_t eckd_model_for(uint32_t cyls, uint8_t *type_code);

#endif
