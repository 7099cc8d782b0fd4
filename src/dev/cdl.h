/* Linux compatible disk layout (CDL) on a 3390 with 4 KB blocks, as dasdfmt
 * + `fdasd -a` leave it (eckd-dasd.md §3): track 0 = IPL1, IPL2, VOL1 +
 * 9 data blocks; track 1 = VTOC (F4, F5, [F7], F1 of the one partition,
 * empty DSCBs); every other track = 12 x 4096-byte records. */
#ifndef CHPSYNC_DEV_CDL_H
#define CHPSYNC_DEV_CDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CDL_BLKSIZE	4096
#define CDL_BLK_PER_TRK 12
#define CDL_DSCB_KL	44
#define CDL_DSCB_DL	96
#define CDL_VOLSER_LEN	6

void cdl_to_ebcdic(uint8_t *out, const char *in, size_t n);   /* pads with EBCDIC blanks */
void cdl_from_ebcdic(char *out, const uint8_t *in, size_t n); /* NUL-terminates out[n] */

/* Is s a valid volume serial (1-6 of A-Z 0-9 @ # $)?  Lowercase is accepted
 * and folded by cdl_norm_volser. */
bool cdl_volser_ok(const char *s);
void cdl_norm_volser(char out[CDL_VOLSER_LEN + 1], const char *in);

/* Build track 0 or 1 of a CDL volume of `cyls` cylinders into buf
 * (trksize bytes). */
void cdl_build_track0(uint8_t *buf, uint32_t trksize, const char *volser);
void cdl_build_track1(uint8_t *buf, uint32_t trksize, uint32_t cyls, const char *volser);

/* What cdl_read_labels found on a volume. */
struct cdl_part {
	char dsname[CDL_DSCB_KL + 1];
	uint32_t first_trk, last_trk;
};

struct cdl_info {
	bool cdl; /* track 0 has the CDL IPL1/IPL2/VOL1 records */
	char volser[CDL_VOLSER_LEN + 1];
	uint32_t blksize; /* DL of track 0 R4 */
	int nparts;
	struct cdl_part part[CDL_BLK_PER_TRK];
};

/* Decode track 0 and track 1 images (as read from the image).  0, or -1
 * with the first problem named in why. */
int cdl_read_labels(const uint8_t *trk0, const uint8_t *trk1, uint32_t trksize, uint32_t heads,
		    struct cdl_info *info, char *why, size_t whylen);

#endif
