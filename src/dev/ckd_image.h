/* Hercules CKD image store (eckd-dasd.md §1; docs/dasd.md).
 *
 * A volume is one file or a multi-file set (name_1.3390, name_2.3390, ...),
 * each with the 512-byte CKD_DEVHDR followed by fixed-size track slots.
 * Tracks are read and written as whole trksize slots (or byte ranges of a
 * slot for updates); every write goes to the file with pwrite before the
 * call returns (write-through), optionally followed by fsync.
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

struct ckd_file {
	int fd;
	char *path;
	uint32_t first_trk; /* first track held by this file */
	uint32_t ntrks;
};

struct ckd_image {
	struct ckd_file file[CKD_MAXFILES];
	int nfiles;
	uint32_t cyls, heads, trksize, tracks;
	uint8_t devtype; /* header byte 16: 0x90 for 3390 */
	bool readonly;
	bool sparse;   /* the sparse extension is in effect */
	bool fsync;    /* fsync after every write */
	char err[512]; /* last error: "file: what is wrong" */
};

/* Open and validate a volume given its (first) file.  0, or -1 with err. */
int ckd_open(struct ckd_image *img, const char *path, bool readonly, char *err, size_t errlen);
void ckd_close(struct ckd_image *img);

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
 * (formatted-empty CDL tracks); otherwise every track is written.
 * 0, or -1 with err. */
int ckd_create(const char *path, uint32_t cyls, uint32_t sparse_from,
	       void (*fill)(void *ctx, uint32_t trk, uint8_t *buf), void *ctx, char *err,
	       size_t errlen);

#endif
