/* IBM 3390 ECKD DASD behind a 3990-6 (or 2107) control unit, on a
 * Hercules-format CKD image (src/dev/ckd_image.c). */
#ifndef CHPSYNC_DEV_ECKD_H
#define CHPSYNC_DEV_ECKD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/ccwdev.h"

struct ckd_cache;
struct eckd_trkpool;
#include "sim/sim.h"

struct eckd_config {
	const char *image; /* first (or only) file of the volume */
	uint16_t cu_type;  /* 0x3990 (default) or 0x2107 */
	bool readonly;
	uint16_t devno;	    /* for RCD NED / GNEQ */
	bool fsync;	    /* fsync after each acknowledged write */
	sim_time_t latency; /* per data command (0 = zero-latency) */
	/* The control unit's timing (docs/timing.md; 0 = none): cmd_time for
	 * every command; a read of a track that is not in the cache waits
	 * stage_time, and a miss right after the track before it stages the
	 * next `prestage` tracks too (sequential prestaging).  Written tracks
	 * and read ones stay in the cache. */
	sim_time_t cmd_time;
	sim_time_t stage_time;
	unsigned prestage;
	/* Open image files share this descriptor cache (a machine's); NULL:
	 * the device keeps its own descriptors open. */
	struct ckd_cache *cache;
	/* Devices share this bound on their track buffers (a machine's); NULL:
	 * each device keeps the buffer its first command allocates. */
	struct eckd_trkpool *trkpool;
	/* A scratch volume (a work directory's): when the image does not
	 * exist, the device makes it, a sparse CDL volume of create_cyls
	 * cylinders with volser create_volser, the first time it needs it,
	 * without fsync and without a journal (nobody keeps it).  0: the
	 * image is the user's and must exist. */
	uint32_t create_cyls;
	const char *create_volser;
};

/* A bound on the track buffers of the devices that share it: when `max`
 * are taken, a device that needs one takes the buffer of the device that
 * used its own longest ago and is not in a start function (that device
 * reads its track again when it next needs it; writes go through to the
 * image, so nothing is lost).  Free it after every device using it. */
struct eckd_trkpool *eckd_trkpool_new(unsigned max);
void eckd_trkpool_free(struct eckd_trkpool *pool);
/* Track buffers held now. */
unsigned eckd_trkpool_count(const struct eckd_trkpool *pool);

/* Open the image and build the device.  NULL with "file: what is wrong" in
 * err when the image cannot be used. */
struct ccwdev *eckd_open(struct sim *sim, const struct eckd_config *cfg, char *err, size_t errlen);

/* The last image error the device met ("file: what is wrong"; "" if none),
 * e.g. after a unit check with equipment check or invalid track format. */
const char *eckd_error(struct ccwdev *dev);
/* Reads that missed the control unit's cache (stage_time > 0). */
uint64_t eckd_cache_misses(struct ccwdev *dev);
/* Cylinders of the opened volume. */
uint32_t eckd_cylinders(struct ccwdev *dev);

/* Create a Linux CDL volume image (IPL1, IPL2, VOL1 with volser, VTOC with
 * one partition spanning the volume) of `cyls` cylinders; sparse when the
 * image is large (docs/dasd.md).  0, or -1 with err. */
int eckd_create_image(const char *path, uint32_t cyls, const char *volser, bool sparse, char *err,
		      size_t errlen);
/* The same for a scratch volume: sparse, not synced. */
int eckd_create_scratch(const char *path, uint32_t cyls, const char *volser, char *err,
			size_t errlen);
/* A scratch volume's file holds its first ECKD_SCRATCH_TRACKS tracks (the
 * labels), the rest are holes.  eckd_scratch_track() builds track trk
 * (below ECKD_SCRATCH_TRACKS) of such a volume, as its file will hold it,
 * into a zeroed slot, for a volume whose eckd_scratch_valid() holds. */
#define ECKD_SCRATCH_TRACKS 2
bool eckd_scratch_valid(uint32_t cyls, const char *volser);
void eckd_scratch_track(uint32_t cyls, const char *volser, uint32_t trk, uint8_t *buf);

/* `chpsync dasd create|format|info|check ...`: the volume tool. */
int dasd_tool_main(int argc, char **argv);

#endif
