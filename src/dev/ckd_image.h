/* Hercules CKD image store (eckd-dasd.md §1; docs/dasd.md).
 *
 * A volume is one file or a multi-file set (name_1.3390, name_2.3390, ...),
 * each with the 512-byte CKD_DEVHDR followed by fixed-size track slots.
 * Tracks are read and written as whole trksize slots (or byte ranges of a
 * slot for updates).  Reads copy from a read-only mapping of the file (one
 * copy per byte, no system call); every write goes to the file with pwrite
 * before the call returns (write-through, through the journal below),
 * optionally followed by fdatasync.
 *
 * Sparse extension: a file whose header carries CKD_SPARSE_MAGIC at
 * CKD_SPARSE_OFF may leave track slots unwritten (file holes).  A slot that
 * reads back as all zeros in such a file is a formatted-empty CDL track:
 * HA, R0 and R1..R12 of KL 0 / DL 4096 (Hercules null-track format 2),
 * synthesised on read.  In any other file an all-zero slot is an error.
 */
#ifndef CHPSYNC_DEV_CKD_IMAGE_H
#define CHPSYNC_DEV_CKD_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CKD_HDR_SIZE	 512
#define CKD_3390_HEADS	 15
#define CKD_3390_TRKSIZE 56832
#define CKD_3390_R1MAX	 56664
#define CKD_MAXFILES	 27
#define CKD_MAX_CYLS	 65536
/* Cylinders per file when a volume is split to stay below 2 GiB. */
#define CKD_CYLS_PER_FILE 2519

#define CKD_HA_SIZE	  5
#define CKD_COUNT_SIZE	  8
#define CKD_R0_DL	  8

/* Our sparse marker lives in the header's reserved area, which Hercules
 * neither checks nor uses. */
#define CKD_SPARSE_OFF	 480
#define CKD_SPARSE_MAGIC "CHPSYNC-SPARSE-CDL-1"

/* Open image files are shared among all the images of one cache (a
 * machine's devices): at most `max` of them hold a descriptor (and a
 * mapping) at a time; the least recently used one is closed when another
 * is needed, and opened again by path when it is used again. */
struct ckd_cache;
struct ckd_cache *ckd_cache_new(unsigned max);
/* A bound from the process's descriptor limit (RLIMIT_NOFILE / 4, 16 to
 * 1024). */
unsigned ckd_cache_default_max(void);
/* Every image using the cache must be closed first. */
void ckd_cache_free(struct ckd_cache *c);

struct ckd_file {
	int fd; /* -1 while closed (not yet opened, or evicted) */
	char *path;
	uint32_t first_trk; /* first track held by this file */
	uint32_t ntrks;
	const uint8_t *map; /* read-only shared mapping of the file, or NULL */
	size_t maplen;
	struct ckd_image *img;
	struct ckd_file *lru_prev, *lru_next; /* in the cache while open */
};

/* Crash consistency (docs/dasd.md "Durability"): every write is first put
 * whole into the journal, IMAGE.journal (one entry: a header with track,
 * offset, length and a checksum, then the data), and only then into the
 * image.  A crash at any instant leaves a valid journal entry for a write
 * that may be torn in the image, or a torn journal entry for a write that
 * did not start there.  Opening the image read-write applies a valid
 * entry and removes the journal; a read-only open applies it in memory. */
struct ckd_journal {
	struct ckd_file f; /* IMAGE.journal */
	uint64_t seq;	   /* of the last entry written */
	bool used;	   /* written in this session: removed at close */
	uint8_t *pending;  /* read-only open: the valid entry's data */
	uint32_t ptrk, poff, plen;
};

struct ckd_image {
	struct ckd_file *file;
	int nfiles;
	uint32_t cyls, heads, trksize, tracks;
	uint8_t devtype; /* header byte 16: 0x90 for 3390 */
	bool readonly;
	bool sparse;		 /* the sparse extension is in effect */
	bool fsync;		 /* fdatasync after every write (and its journal entry) */
	bool journal;		 /* writes go through the journal (see above) */
	struct ckd_cache *cache; /* NULL: descriptors stay open until close */
	/* An image made on first use (ckd_open_opts with create): until
	 * then the file does not exist and nothing is open. */
	int (*create)(void *ctx, const char *path, char *err, size_t errlen);
	void *create_ctx;
	/* What the file will hold when made (ckd_opts.fill): reads before
	 * then are served from it. */
	void (*fill)(void *ctx, uint32_t trk, uint8_t *buf);
	uint32_t fill_tracks;
	bool dead;		 /* making it failed: every use fails */
	struct ckd_journal *jnl; /* allocated on the first write */
	char err[512];		 /* last error: "file: what is wrong" */
};

struct ckd_opts {
	bool readonly;
	bool no_journal;	 /* a scratch image: no journal */
	struct ckd_cache *cache; /* shared descriptor cache, or NULL */
	/* When the file does not exist: it is made by create(ctx, path, ...)
	 * the first time the image is used, as a single sparse file of
	 * create_cyls cylinders. */
	int (*create)(void *ctx, const char *path, char *err, size_t errlen);
	void *create_ctx;
	uint32_t create_cyls;
	/* With create: what the made file will hold, so that reading the
	 * volume needs no file until its first write (or other change):
	 * tracks below fill_tracks as fill(create_ctx, trk, slot) builds
	 * them (the whole slot of trksize bytes), every other track a hole.
	 * NULL: the first use of any kind makes the file. */
	void (*fill)(void *ctx, uint32_t trk, uint8_t *buf);
	uint32_t fill_tracks;
};

/* Open and validate a volume given its (first) file.  0, or -1 with err. */
int ckd_open(struct ckd_image *img, const char *path, bool readonly, char *err, size_t errlen);
int ckd_open_opts(struct ckd_image *img, const char *path, const struct ckd_opts *o, char *err,
		  size_t errlen);
void ckd_close(struct ckd_image *img);
/* A read-only open found a journal entry not yet in the image: its track,
 * or UINT32_MAX. */
uint32_t ckd_journal_pending(const struct ckd_image *img);

/* Read track `trk` (whole slot, trksize bytes) into buf and check its home
 * address.  0, or -1 with img->err. */
int ckd_read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf);
/* Read the raw slot without interpretation.  0, or -1 with img->err. */
int ckd_read_slot(struct ckd_image *img, uint32_t trk, uint8_t *buf);
/* Read len bytes at offset off of track trk's slot, as stored (a hole
 * reads as zeros).  0, or -1 with img->err. */
int ckd_read_range(struct ckd_image *img, uint32_t trk, uint32_t off, uint32_t len, uint8_t *buf);
/* Write len bytes at offset off of track trk's slot (write-through).
 * 0, or -1 with img->err. */
int ckd_write(struct ckd_image *img, uint32_t trk, uint32_t off, const uint8_t *data, uint32_t len);
/* Is the slot of `trk` a hole (never written) in a sparse image? */
bool ckd_slot_is_hole(struct ckd_image *img, uint32_t trk);

/* Sparse images: the first track at or after trk whose slot holds data
 * (img->tracks if none); every track when the image is not sparse. */
uint32_t ckd_next_data_track(struct ckd_image *img, uint32_t trk);
/* Turn tracks first..last back into holes (formatted-empty tracks). */
int ckd_punch(struct ckd_image *img, uint32_t first, uint32_t last);
/* Set or clear the sparse marker in the header. */
int ckd_set_sparse(struct ckd_image *img, bool sparse);

/* Build track images.  Each returns the used length (up to and including
 * the end-of-track marker); the rest of the slot is zero-filled. */
uint32_t ckd_track_begin(uint8_t *buf, uint32_t trksize, uint32_t cyl, uint32_t head);
/* Append a record at *pos (pos indexes buf); writes the EOT after it. */
int ckd_track_add(uint8_t *buf, uint32_t trksize, uint32_t *pos, uint32_t cyl, uint32_t head,
		  uint8_t rec, uint8_t kl, uint16_t dl, const uint8_t *key, const uint8_t *data);
/* Null-track format 2: R0 + R1..R12 of KL 0 / DL 4096. */
void ckd_track_empty_cdl(uint8_t *buf, uint32_t trksize, uint32_t cyl, uint32_t head);

/* Walk the records of a track image: returns the offset of the count field
 * after the record whose count is at `pos`, or 0 if that record does not fit
 * in the slot. */
uint32_t ckd_next_record(const uint8_t *buf, uint32_t trksize, uint32_t pos);
/* Is there an end-of-track marker at pos? */
bool ckd_is_eot(const uint8_t *buf, uint32_t pos);
/* Check the structure of a track image (HA, record chain, EOT).  0, or -1
 * with a description in why. */
int ckd_check_track(const uint8_t *buf, uint32_t trksize, uint32_t cyl, uint32_t head, char *why,
		    size_t whylen);

/* Create a single-file volume: header + `cyls` cylinders.  fill(trk, buf)
 * builds each track.  When sparse_from is below the track count, the file
 * gets the sparse marker and tracks from sparse_from on are left as holes
 * (formatted-empty CDL tracks); otherwise every track is written.  The
 * file is synced before the call returns unless `scratch` (a work file
 * nobody keeps).  0, or -1 with err. */
int ckd_create(const char *path, uint32_t cyls, uint32_t sparse_from,
	       void (*fill)(void *ctx, uint32_t trk, uint8_t *buf), void *ctx, bool scratch,
	       char *err, size_t errlen);

#endif
