/* Linux compatible disk layout: labels and VTOC (cdl.h). */
#include "dev/cdl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/eckd.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"

#define EBCDIC_BLANK 0x40

/* 3390 device constants in the format-4 DSCB (fdasd values). */
#define DS4_DEVTK 58786
#define DS4_DEVFG 0x30

/* DSCB field offsets (key included, 140 bytes; uapi asm/vtoc.h layout). */
#define DSCB_FMTID 44
#define DS1_DSSN   45
#define DS1_VOLSQ  51
#define DS1_NOEPV  59
#define DS1_SYSCD  62
#define DS1_DSORG  82
#define DS1_RECFM  84
#define DS1_BLKL   86
#define DS1_LRECL  88
#define DS1_DSIND  93
#define DS1_LSTAR  98
#define DS1_EXT1   105
#define DS4_HPCHR  45
#define DS4_DSREC  50
#define DS4_VTOCI  58
#define DS4_NOEXT  59
#define DS4_DEVCT  62
#define DS4_VTOCE  105
#define DS4_EFLVL  125
#define DS4_EFPTR  126
#define DS4_DCYL   132
#define DS4_DEVF2  138

static const char ebc_punct_a[] = " .<(+|&!$*);-/,%_>?:#@'=\"";
static const uint8_t ebc_punct_e[] = {0x40, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x5a, 0x5b,
				      0x5c, 0x5d, 0x5e, 0x60, 0x61, 0x6b, 0x6c, 0x6d, 0x6e,
				      0x6f, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f};

static uint8_t a2e(char c)
{
	const char *p;

	if (c >= '0' && c <= '9')
		return (uint8_t)(0xf0 + c - '0');
	if (c >= 'A' && c <= 'I')
		return (uint8_t)(0xc1 + c - 'A');
	if (c >= 'J' && c <= 'R')
		return (uint8_t)(0xd1 + c - 'J');
	if (c >= 'S' && c <= 'Z')
		return (uint8_t)(0xe2 + c - 'S');
	if (c >= 'a' && c <= 'i')
		return (uint8_t)(0x81 + c - 'a');
	if (c >= 'j' && c <= 'r')
		return (uint8_t)(0x91 + c - 'j');
	if (c >= 's' && c <= 'z')
		return (uint8_t)(0xa2 + c - 's');
	p = c ? strchr(ebc_punct_a, c) : NULL;
	return p ? ebc_punct_e[p - ebc_punct_a] : 0x6f;
}

static char e2a(uint8_t e)
{
	for (int c = 0x20; c < 0x7f; c++)
		if (a2e((char)c) == e && (c != '?' || e == 0x6f))
			return (char)c;
	return '.';
}

void cdl_to_ebcdic(uint8_t *out, const char *in, size_t n)
{
	size_t len = strlen(in);

	for (size_t i = 0; i < n; i++)
		out[i] = i < len ? a2e(in[i]) : EBCDIC_BLANK;
}

void cdl_from_ebcdic(char *out, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = e2a(in[i]);
	out[n] = 0;
}

bool cdl_volser_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CDL_VOLSER_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("@#$", s[i]))
			return false;
	return true;
}

void cdl_norm_volser(char out[CDL_VOLSER_LEN + 1], const char *in)
{
	size_t i;

	for (i = 0; i < CDL_VOLSER_LEN && in[i]; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = 0;
}

/* IPL records as dasdfmt writes them (eckd-dasd.md §3.4). */
static const uint8_t ipl1_data[24] = {0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f,
				      0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t ipl2_head[44] = {
	0x07, 0x00, 0x3a, 0xb8, 0x40, 0x00, 0x00, 0x06, 0x31, 0x00, 0x3a, 0xbe, 0x40, 0x00, 0x00,
	0x05, 0x08, 0x00, 0x3a, 0xa0, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x20, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00};

void cdl_build_track0(uint8_t *buf, uint32_t trksize, const char *volser)
{
	uint8_t key[4], ipl2[144] = {0}, vol1[80];
	uint32_t pos = ckd_track_begin(buf, trksize, 0, 0);

	cdl_to_ebcdic(key, "IPL1", 4);
	ckd_track_add(buf, trksize, &pos, 0, 0, 1, 4, sizeof(ipl1_data), key, ipl1_data);
	cdl_to_ebcdic(key, "IPL2", 4);
	memcpy(ipl2, ipl2_head, sizeof(ipl2_head));
	ckd_track_add(buf, trksize, &pos, 0, 0, 2, 4, sizeof(ipl2), key, ipl2);
	/* VOL1: label id, volser, security byte, VTOC at CCHHR 0/1/1, the
	 * rest blank (struct vtoc_volume_label_cdl without the key). */
	cdl_to_ebcdic(key, "VOL1", 4);
	memset(vol1, EBCDIC_BLANK, sizeof(vol1));
	cdl_to_ebcdic(vol1, "VOL1", 4);
	cdl_to_ebcdic(vol1 + 4, volser, CDL_VOLSER_LEN);
	memcpy(vol1 + 11, (const uint8_t[]){0, 0, 0, 1, 1}, 5);
	ckd_track_add(buf, trksize, &pos, 0, 0, 3, 4, sizeof(vol1), key, vol1);
	for (int r = 4; r <= CDL_BLK_PER_TRK; r++)
		ckd_track_add(buf, trksize, &pos, 0, 0, (uint8_t)r, 0, CDL_BLKSIZE, NULL, NULL);
}

static void put_extent(uint8_t *p, uint32_t first, uint32_t last)
{
	p[0] = 0x01; /* extent on cylinder boundaries or tracks: "data set extent" */
	p[1] = 0;
	eckd_cchh_encode(p + 2, first, CKD_3390_HEADS);
	eckd_cchh_encode(p + 6, last, CKD_3390_HEADS);
}

static void build_f4(uint8_t *d, uint32_t cyls, bool f7, int f1_rec, int used)
{
	memset(d, 0x04, CDL_DSCB_KL);
	d[DSCB_FMTID] = 0xf4;
	memcpy(d + DS4_HPCHR, (const uint8_t[]){0, 0, 0, 1, (uint8_t)f1_rec}, 5);
	put_be16(d + DS4_DSREC, (uint16_t)(CDL_BLK_PER_TRK - used));
	d[DS4_VTOCI] = f7 ? 0xa0 : 0x00;
	d[DS4_NOEXT] = 1;
	put_be16(d + DS4_DEVCT, (uint16_t)(cyls > 65520 ? 0xfffe : cyls));
	put_be16(d + DS4_DEVCT + 2, CKD_3390_HEADS);
	put_be16(d + DS4_DEVCT + 4, DS4_DEVTK);
	d[DS4_DEVCT + 9] = DS4_DEVFG;
	d[DS4_DEVCT + 12] = CDL_BLK_PER_TRK;
	put_extent(d + DS4_VTOCE, 1, 1);
	if (f7) {
		d[DS4_EFLVL] = 0x07;
		memcpy(d + DS4_EFPTR, (const uint8_t[]){0, 0, 0, 1, 3}, 5);
	}
	put_be32(d + DS4_DCYL, cyls);
	d[DS4_DEVF2] = 0x40;
}

static void build_f1(uint8_t *d, const char *volser, uint32_t tracks)
{
	char dsn[CDL_DSCB_KL + 1];

	snprintf(dsn, sizeof(dsn), "LINUX.V%s.PART0001.NATIVE", volser);
	cdl_to_ebcdic(d, dsn, CDL_DSCB_KL);
	d[DSCB_FMTID] = 0xf1;
	cdl_to_ebcdic(d + DS1_DSSN, volser, CDL_VOLSER_LEN);
	put_be16(d + DS1_VOLSQ, 1);
	d[DS1_NOEPV] = 1;
	cdl_to_ebcdic(d + DS1_SYSCD, "IBM LINUX", 13);
	d[DS1_DSORG] = 0x40; /* physical sequential */
	d[DS1_RECFM] = 0x88; /* fixed, standard blocks */
	put_be16(d + DS1_BLKL, CDL_BLKSIZE);
	put_be16(d + DS1_LRECL, CDL_BLKSIZE);
	d[DS1_DSIND] = 0x80; /* last volume of the data set */
	put_extent(d + DS1_EXT1, 2, tracks - 1);
	/* Last block written (relative TTR): the whole partition holds data.
	 * Linux ignores it; Hercules' dasdseq stops there instead of running
	 * off the extent.  A relative track above 65535 does not fit: 0. */
	if (tracks - 3 <= 0xffff) {
		put_be16(d + DS1_LSTAR, (uint16_t)(tracks - 3));
		d[DS1_LSTAR + 2] = CDL_BLK_PER_TRK;
	}
}

void cdl_build_track1(uint8_t *buf, uint32_t trksize, uint32_t cyls, const char *volser)
{
	uint32_t pos = ckd_track_begin(buf, trksize, 0, 1);
	uint32_t tracks = cyls * CKD_3390_HEADS;
	uint8_t dscb[CDL_BLK_PER_TRK][CDL_DSCB_KL + CDL_DSCB_DL];
	bool f7 = tracks > 0xffff;
	int f1_rec = f7 ? 4 : 3;

	memset(dscb, 0, sizeof(dscb));
	build_f4(dscb[0], cyls, f7, f1_rec, f1_rec);
	/* One partition spans the volume: no free extents in F5 / F7. */
	memset(dscb[1], 0x05, 4);
	dscb[1][DSCB_FMTID] = 0xf5;
	if (f7) {
		memset(dscb[2], 0x07, 4);
		dscb[2][DSCB_FMTID] = 0xf7;
	}
	build_f1(dscb[f1_rec - 1], volser, tracks);
	for (int r = 0; r < CDL_BLK_PER_TRK; r++)
		ckd_track_add(buf, trksize, &pos, 0, 1, (uint8_t)(r + 1), CDL_DSCB_KL, CDL_DSCB_DL,
			      dscb[r], dscb[r] + CDL_DSCB_KL);
}

/* Find record `rec` of a track image; NULL if absent. */
static const uint8_t *find_rec(const uint8_t *trk, uint32_t trksize, uint8_t rec)
{
	uint32_t pos = CKD_HA_SIZE;

	while (!ckd_is_eot(trk, pos)) {
		if (trk[pos + 4] == rec)
			return trk + pos;
		pos = ckd_next_record(trk, trksize, pos);
		if (!pos)
			return NULL;
	}
	return NULL;
}

static int read_vol1(const uint8_t *trk0, uint32_t trksize, struct cdl_info *info, char *why,
		     size_t whylen)
{
	static const uint16_t dl[3] = {24, 144, 80};
	const uint8_t *c;
	uint8_t vol1[4];

	for (int r = 1; r <= 3; r++) {
		c = find_rec(trk0, trksize, (uint8_t)r);
		if (!c || c[5] != 4 || get_be16(c + 6) != dl[r - 1]) {
			snprintf(why, whylen, "track 0 R%d is not a CDL label record (KL 4, DL %u)",
				 r, dl[r - 1]);
			return -1;
		}
	}
	cdl_to_ebcdic(vol1, "VOL1", 4);
	if (memcmp(c + 8, vol1, 4) || memcmp(c + 12, vol1, 4)) {
		snprintf(why, whylen, "track 0 R3 has no VOL1 label");
		return -1;
	}
	cdl_from_ebcdic(info->volser, c + 16, CDL_VOLSER_LEN);
	for (int i = CDL_VOLSER_LEN - 1; i >= 0 && info->volser[i] == ' '; i--)
		info->volser[i] = 0;
	c = find_rec(trk0, trksize, 4);
	if (!c || c[5] != 0) {
		snprintf(why, whylen, "track 0 has no records following the VTOC");
		return -1;
	}
	info->blksize = get_be16(c + 6);
	info->cdl = true;
	return 0;
}

static int read_vtoc(const uint8_t *trk1, uint32_t trksize, uint32_t heads, struct cdl_info *info,
		     char *why, size_t whylen)
{
	const uint8_t *c = find_rec(trk1, trksize, 1);

	if (!c || c[5] != CDL_DSCB_KL || c[8 + DSCB_FMTID] != 0xf4) {
		snprintf(why, whylen, "track 1 R1 is not a format-4 DSCB (no VTOC)");
		return -1;
	}
	for (int r = 2; r <= CDL_BLK_PER_TRK; r++) {
		const uint8_t *d;
		uint8_t id;

		c = find_rec(trk1, trksize, (uint8_t)r);
		if (!c || c[5] != CDL_DSCB_KL || get_be16(c + 6) != CDL_DSCB_DL)
			break;
		d = c + 8;
		id = d[DSCB_FMTID];
		if (id == 0xf4 || id == 0xf5 || id == 0xf7 || id == 0xf9)
			continue;
		if (id != 0xf1 && id != 0xf8)
			break;
		struct cdl_part *p = &info->part[info->nparts++];

		cdl_from_ebcdic(p->dsname, d, CDL_DSCB_KL);
		for (int i = CDL_DSCB_KL - 1; i >= 0 && p->dsname[i] == ' '; i--)
			p->dsname[i] = 0;
		p->first_trk = get_be16(d + DS1_EXT1 + 2) * heads + get_be16(d + DS1_EXT1 + 4);
		p->last_trk = get_be16(d + DS1_EXT1 + 6) * heads + get_be16(d + DS1_EXT1 + 8);
	}
	return 0;
}

int cdl_read_labels(const uint8_t *trk0, const uint8_t *trk1, uint32_t trksize, uint32_t heads,
		    struct cdl_info *info, char *why, size_t whylen)
{
	memset(info, 0, sizeof(*info));
	if (read_vol1(trk0, trksize, info, why, whylen) < 0)
		return -1;
	return read_vtoc(trk1, trksize, heads, info, why, whylen);
}

/* ---- volume creation (eckd_create_image) ---- */

struct cdl_fill {
	uint32_t cyls;
	char volser[CDL_VOLSER_LEN + 1];
};

static void cdl_fill_track(void *ctx, uint32_t trk, uint8_t *buf)
{
	const struct cdl_fill *f = ctx;

	if (trk == 0)
		cdl_build_track0(buf, CKD_3390_TRKSIZE, f->volser);
	else if (trk == 1)
		cdl_build_track1(buf, CKD_3390_TRKSIZE, f->cyls, f->volser);
	else
		ckd_track_empty_cdl(buf, CKD_3390_TRKSIZE, trk / CKD_3390_HEADS,
				    trk % CKD_3390_HEADS);
}

static int create_volume(const char *path, uint32_t cyls, const char *volser, bool sparse,
			 bool scratch, char *err, size_t errlen)
{
	struct cdl_fill f = {.cyls = cyls};

	if (!volser || !cdl_volser_ok(volser)) {
		snprintf(err, errlen, "%s: invalid volume serial '%s' (1-6 of A-Z 0-9 @ # $)", path,
			 volser ? volser : "");
		return -1;
	}
	if (cyls < 1 || cyls > CKD_MAX_CYLS - 1) {
		snprintf(err, errlen, "%s: %u cylinders is out of range (1-%u)", path, cyls,
			 CKD_MAX_CYLS - 1);
		return -1;
	}
	cdl_norm_volser(f.volser, volser);
	/* Tracks 0 and 1 hold the labels; with sparse the rest stay holes. */
	return ckd_create(path, cyls, sparse ? ECKD_SCRATCH_TRACKS : UINT32_MAX, cdl_fill_track, &f,
			  scratch, err, errlen);
}

bool eckd_scratch_valid(uint32_t cyls, const char *volser)
{
	return volser && cdl_volser_ok(volser) && cyls >= 1 && cyls <= CKD_MAX_CYLS - 1;
}

void eckd_scratch_track(uint32_t cyls, const char *volser, uint32_t trk, uint8_t *buf)
{
	struct cdl_fill f = {.cyls = cyls};

	cdl_norm_volser(f.volser, volser);
	cdl_fill_track(&f, trk, buf);
}

int eckd_create_image(const char *path, uint32_t cyls, const char *volser, bool sparse, char *err,
		      size_t errlen)
{
	return create_volume(path, cyls, volser, sparse, false, err, errlen);
}

int eckd_create_scratch(const char *path, uint32_t cyls, const char *volser, char *err,
			size_t errlen)
{
	return create_volume(path, cyls, volser, true, true, err, errlen);
}
