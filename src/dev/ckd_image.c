/* Hercules CKD image store: see ckd_image.h and docs/dasd.md. */
#include "dev/ckd_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/bytes.h"

static const uint8_t ckd_eot[CKD_COUNT_SIZE] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The name of file `seq` (1-based) of a multi-file volume: the character
 * before the first '.' of the last component (or the last character) is the
 * sequence character, '1'..'9' then 'A'.. (Hercules' convention). */
static char *ckd_seq_name(const char *first, int seq)
{
	char *name = strdup(first);
	char *base, *dot, *p;

	if (!name)
		return NULL;
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	dot = strchr(base, '.');
	p = dot ? dot - 1 : base + strlen(base) - 1;
	if (p < base) {
		free(name);
		return NULL;
	}
	*p = (char)(seq <= 9 ? '0' + seq : 'A' + seq - 10);
	return name;
}

static const char *ckd_compressed_hint =
	"compressed CKD image (%.8s) is not supported; convert it first, e.g. "
	"'dasdcopy %s plain.3390' or 'cckd2ckd'";

/* Check a file's 512-byte header; fills heads/trksize/devtype/seq/highcyl. */
static int ckd_check_header(const char *path, const uint8_t *h, struct ckd_image *img, int *seq,
			    uint32_t *highcyl, char *err, size_t errlen)
{
	if (!memcmp(h, "CKD_C370", 8) || !memcmp(h, "CKD_C064", 8) || !memcmp(h, "CKD_S370", 8) ||
	    !memcmp(h, "CKD_S064", 8)) {
		char msg[300];

		snprintf(msg, sizeof(msg), ckd_compressed_hint, (const char *)h, path);
		seterr(err, errlen, "%s: %s", path, msg);
		return -1;
	}
	if (memcmp(h, "CKD_P370", 8) && memcmp(h, "CKD_P064", 8)) {
		seterr(err, errlen,
		       "%s: not a Hercules CKD image (device header id is not CKD_P370)", path);
		return -1;
	}
	if (h[16] != 0x90 || get_le32(h + 8) != CKD_3390_HEADS ||
	    get_le32(h + 12) != CKD_3390_TRKSIZE) {
		seterr(err, errlen,
		       "%s: not a 3390 image (devtype 0x%02x, %u heads, %u bytes/track; want 0x90, "
		       "15, "
		       "56832)",
		       path, h[16], get_le32(h + 8), get_le32(h + 12));
		return -1;
	}
	img->heads = CKD_3390_HEADS;
	img->trksize = CKD_3390_TRKSIZE;
	img->devtype = h[16];
	*seq = h[17];
	*highcyl = get_le16(h + 18);
	return 0;
}

/* Open one file of the volume and add it to img. */
static int ckd_add_file(struct ckd_image *img, const char *path, int *seq, uint32_t *highcyl,
			char *err, size_t errlen)
{
	struct ckd_file *f = &img->file[img->nfiles];
	uint8_t h[CKD_HDR_SIZE];
	struct stat st;
	uint64_t body;
	ssize_t n;
	int fd;

	fd = open(path, img->readonly ? O_RDONLY : O_RDWR);
	if (fd < 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = pread(fd, h, sizeof(h), 0);
	if (n != (ssize_t)sizeof(h) || fstat(fd, &st) < 0) {
		seterr(err, errlen, "%s: too short for a CKD device header (512 bytes)", path);
		goto fail;
	}
	if (ckd_check_header(path, h, img, seq, highcyl, err, errlen) < 0)
		goto fail;
	body = (uint64_t)st.st_size - CKD_HDR_SIZE;
	if (body % img->trksize || body / img->trksize % img->heads || body == 0) {
		seterr(err, errlen,
		       "%s: file size %lld is not the 512-byte header plus whole cylinders of %u-byte "
		       "tracks (truncated?)",
		       path, (long long)st.st_size, img->trksize);
		goto fail;
	}
	if (img->nfiles == 0 &&
	    !memcmp(h + CKD_SPARSE_OFF, CKD_SPARSE_MAGIC, strlen(CKD_SPARSE_MAGIC)))
		img->sparse = true;
	f->fd = fd;
	f->path = strdup(path);
	f->first_trk = img->tracks;
	f->ntrks = (uint32_t)(body / img->trksize);
	img->tracks += f->ntrks;
	img->nfiles++;
	return 0;
fail:
	close(fd);
	return -1;
}

/* Walk the files of a multi-file volume (header fileseq 1, 2, ...; highcyl
 * is the last cylinder of each file, 0 in the last one). */
static int ckd_open_files(struct ckd_image *img, const char *path, char *err, size_t errlen)
{
	uint32_t highcyl;
	int seq;

	if (ckd_add_file(img, path, &seq, &highcyl, err, errlen) < 0)
		return -1;
	if (seq == 0 || highcyl == 0)
		return 0;
	for (;;) {
		uint32_t last = img->tracks / img->heads - 1;
		struct ckd_file *f = &img->file[img->nfiles - 1];
		char *name;
		int rc, nseq;

		if (highcyl != last) {
			seterr(err, errlen,
			       "%s: header high cylinder %u but the file ends at cylinder %u",
			       f->path, highcyl, last);
			return -1;
		}
		if (img->nfiles == CKD_MAXFILES) {
			seterr(err, errlen, "%s: more than %d files in the volume", path,
			       CKD_MAXFILES);
			return -1;
		}
		name = ckd_seq_name(path, seq + 1);
		if (!name || access(name, F_OK) != 0) {
			/* Hercules accepts a lone file with seq 1 and its own
			 * last cylinder as highcyl. */
			if (seq == 1 && img->nfiles == 1) {
				free(name);
				return 0;
			}
			seterr(err, errlen, "%s: next file of the volume %s is missing", path,
			       name ? name : "?");
			free(name);
			return -1;
		}
		rc = ckd_add_file(img, name, &nseq, &highcyl, err, errlen);
		free(name);
		if (rc < 0)
			return -1;
		if (nseq != seq + 1) {
			seterr(err, errlen, "%s: file sequence number %d, expected %d",
			       img->file[img->nfiles - 1].path, nseq, seq + 1);
			return -1;
		}
		seq = nseq;
		if (highcyl == 0)
			return 0;
	}
}

int ckd_open(struct ckd_image *img, const char *path, bool readonly, char *err, size_t errlen)
{
	uint8_t *buf;
	int rc;

	memset(img, 0, sizeof(*img));
	img->readonly = readonly;
	if (ckd_open_files(img, path, err, errlen) < 0)
		goto fail;
	img->cyls = img->tracks / img->heads;
	if (img->cyls > CKD_MAX_CYLS) {
		seterr(err, errlen, "%s: %u cylinders, more than %u", path, img->cyls,
		       CKD_MAX_CYLS);
		goto fail;
	}
	/* Catch an unusable file now rather than at the first I/O. */
	buf = malloc(img->trksize);
	if (!buf) {
		seterr(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	rc = ckd_read_track(img, 0, buf);
	free(buf);
	if (rc < 0) {
		seterr(err, errlen, "%s", img->err);
		goto fail;
	}
	return 0;
fail:
	ckd_close(img);
	return -1;
}

void ckd_close(struct ckd_image *img)
{
	for (int i = 0; i < img->nfiles; i++) {
		close(img->file[i].fd);
		free(img->file[i].path);
	}
	img->nfiles = 0;
}

static struct ckd_file *ckd_file_of(struct ckd_image *img, uint32_t trk)
{
	for (int i = 0; i < img->nfiles; i++) {
		struct ckd_file *f = &img->file[i];

		if (trk >= f->first_trk && trk < f->first_trk + f->ntrks)
			return f;
	}
	return NULL;
}

static off_t ckd_slot_off(const struct ckd_image *img, const struct ckd_file *f, uint32_t trk)
{
	return CKD_HDR_SIZE + (off_t)(trk - f->first_trk) * img->trksize;
}

int ckd_read_slot(struct ckd_image *img, uint32_t trk, uint8_t *buf)
{
	struct ckd_file *f = ckd_file_of(img, trk);
	ssize_t n;

	if (!f) {
		snprintf(img->err, sizeof(img->err),
			 "%s: track %u is beyond the volume (%u tracks)", img->file[0].path, trk,
			 img->tracks);
		return -1;
	}
	n = pread(f->fd, buf, img->trksize, ckd_slot_off(img, f, trk));
	if (n != (ssize_t)img->trksize) {
		snprintf(img->err, sizeof(img->err), "%s: track %u: %s", f->path, trk,
			 n < 0 ? strerror(errno) : "short read (file truncated?)");
		return -1;
	}
	return 0;
}

int ckd_read_range(struct ckd_image *img, uint32_t trk, uint32_t off, uint32_t len, uint8_t *buf)
{
	struct ckd_file *f = ckd_file_of(img, trk);
	ssize_t n;

	if (!f || off + len > img->trksize) {
		snprintf(img->err, sizeof(img->err), "%s: read beyond track %u", img->file[0].path,
			 trk);
		return -1;
	}
	n = pread(f->fd, buf, len, ckd_slot_off(img, f, trk) + off);
	if (n != (ssize_t)len) {
		snprintf(img->err, sizeof(img->err), "%s: track %u: %s", f->path, trk,
			 n < 0 ? strerror(errno) : "short read (file truncated?)");
		return -1;
	}
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

int ckd_read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf)
{
	uint32_t cyl = trk / img->heads, head = trk % img->heads;

	if (ckd_read_slot(img, trk, buf) < 0)
		return -1;
	/* Only a hole starts with 13 zero bytes: a real R0 count has DL 8. */
	if (img->sparse && all_zero(buf, 13) && all_zero(buf, img->trksize)) {
		ckd_track_empty_cdl(buf, img->trksize, cyl, head);
		return 1;
	}
	if (buf[0] != 0 || get_be16(buf + 1) != cyl || get_be16(buf + 3) != head) {
		snprintf(
			img->err, sizeof(img->err),
			"%s: track %u (cyl %u head %u): invalid home address %02x %02x%02x %02x%02x",
			ckd_file_of(img, trk)->path, trk, cyl, head, buf[0], buf[1], buf[2], buf[3],
			buf[4]);
		return -1;
	}
	return 0;
}

bool ckd_slot_is_hole(struct ckd_image *img, uint32_t trk)
{
	struct ckd_file *f = ckd_file_of(img, trk);
	uint8_t ha[13];

	if (!img->sparse || !f)
		return false;
	if (pread(f->fd, ha, sizeof(ha), ckd_slot_off(img, f, trk)) != (ssize_t)sizeof(ha))
		return false;
	return all_zero(ha, sizeof(ha));
}

int ckd_write(struct ckd_image *img, uint32_t trk, uint32_t off, const uint8_t *data, uint32_t len)
{
	struct ckd_file *f = ckd_file_of(img, trk);
	ssize_t n;

	if (!f || off + len > img->trksize) {
		snprintf(img->err, sizeof(img->err), "%s: write beyond track %u", img->file[0].path,
			 trk);
		return -1;
	}
	if (img->readonly) {
		snprintf(img->err, sizeof(img->err), "%s: opened read-only", f->path);
		return -1;
	}
	n = pwrite(f->fd, data, len, ckd_slot_off(img, f, trk) + off);
	if (n != (ssize_t)len) {
		snprintf(img->err, sizeof(img->err), "%s: track %u: write failed: %s", f->path, trk,
			 n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	if (img->fsync && fdatasync(f->fd) < 0) {
		snprintf(img->err, sizeof(img->err), "%s: fdatasync: %s", f->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- track images ---- */

static void put_count(uint8_t *p, uint32_t cyl, uint32_t head, uint8_t rec, uint8_t kl, uint16_t dl)
{
	put_be16(p, (uint16_t)cyl);
	put_be16(p + 2, (uint16_t)head);
	p[4] = rec;
	p[5] = kl;
	put_be16(p + 6, dl);
}

uint32_t ckd_track_begin(uint8_t *buf, uint32_t trksize, uint32_t cyl, uint32_t head)
{
	memset(buf, 0, trksize);
	buf[0] = 0;
	put_be16(buf + 1, (uint16_t)cyl);
	put_be16(buf + 3, (uint16_t)head);
	put_count(buf + CKD_HA_SIZE, cyl, head, 0, 0, CKD_R0_DL);
	memcpy(buf + CKD_HA_SIZE + CKD_COUNT_SIZE + CKD_R0_DL, ckd_eot, sizeof(ckd_eot));
	return CKD_HA_SIZE + CKD_COUNT_SIZE + CKD_R0_DL;
}

int ckd_track_add(uint8_t *buf, uint32_t trksize, uint32_t *pos, uint32_t cyl, uint32_t head,
		  uint8_t rec, uint8_t kl, uint16_t dl, const uint8_t *key, const uint8_t *data)
{
	uint32_t p = *pos;

	if (p + CKD_COUNT_SIZE + kl + dl + CKD_COUNT_SIZE > trksize)
		return -1;
	put_count(buf + p, cyl, head, rec, kl, dl);
	p += CKD_COUNT_SIZE;
	if (key)
		memcpy(buf + p, key, kl);
	else
		memset(buf + p, 0, kl);
	p += kl;
	if (data)
		memcpy(buf + p, data, dl);
	else
		memset(buf + p, 0, dl);
	p += dl;
	memcpy(buf + p, ckd_eot, sizeof(ckd_eot));
	*pos = p;
	return 0;
}

void ckd_track_empty_cdl(uint8_t *buf, uint32_t trksize, uint32_t cyl, uint32_t head)
{
	uint32_t pos = ckd_track_begin(buf, trksize, cyl, head);

	for (int r = 1; r <= 12; r++)
		ckd_track_add(buf, trksize, &pos, cyl, head, (uint8_t)r, 0, 4096, NULL, NULL);
}

bool ckd_is_eot(const uint8_t *buf, uint32_t pos)
{
	return !memcmp(buf + pos, ckd_eot, sizeof(ckd_eot));
}

uint32_t ckd_next_record(const uint8_t *buf, uint32_t trksize, uint32_t pos)
{
	uint32_t next;

	if (pos + CKD_COUNT_SIZE > trksize)
		return 0;
	next = pos + CKD_COUNT_SIZE + buf[pos + 5] + get_be16(buf + pos + 6);
	if (next + CKD_COUNT_SIZE > trksize)
		return 0;
	return next;
}

int ckd_check_track(const uint8_t *buf, uint32_t trksize, uint32_t cyl, uint32_t head, char *why,
		    size_t whylen)
{
	uint32_t pos = CKD_HA_SIZE;
	int n = 0;

	if (buf[0] != 0 || get_be16(buf + 1) != cyl || get_be16(buf + 3) != head) {
		seterr(why, whylen, "invalid home address %02x %02x%02x %02x%02x", buf[0], buf[1],
		       buf[2], buf[3], buf[4]);
		return -1;
	}
	if (ckd_is_eot(buf, pos)) {
		seterr(why, whylen, "no record zero");
		return -1;
	}
	if (buf[pos + 4] != 0) {
		seterr(why, whylen, "first record is R%u, not record zero", buf[pos + 4]);
		return -1;
	}
	while (!ckd_is_eot(buf, pos)) {
		uint32_t next = ckd_next_record(buf, trksize, pos);

		if (!next) {
			seterr(why, whylen, "record %d (R%u, KL %u DL %u) runs past the track end",
			       n, buf[pos + 4], buf[pos + 5], get_be16(buf + pos + 6));
			return -1;
		}
		pos = next;
		n++;
	}
	return 0;
}

/* ---- creation ---- */

static int ckd_write_all(int fd, const uint8_t *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int ckd_create(const char *path, uint32_t cyls, uint32_t sparse_from,
	       void (*fill)(void *ctx, uint32_t trk, uint8_t *buf), void *ctx, char *err,
	       size_t errlen)
{
	bool sparse = sparse_from < cyls * CKD_3390_HEADS;

	uint32_t tracks = cyls * CKD_3390_HEADS;
	uint8_t h[CKD_HDR_SIZE] = {0};
	uint8_t *buf = NULL;
	int fd, rc = -1;

	if (cyls == 0 || cyls > CKD_MAX_CYLS) {
		seterr(err, errlen, "%s: %u cylinders is out of range (1-%u)", path, cyls,
		       CKD_MAX_CYLS);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	memcpy(h, "CKD_P370", 8);
	put_le32(h + 8, CKD_3390_HEADS);
	put_le32(h + 12, CKD_3390_TRKSIZE);
	h[16] = 0x90;
	if (sparse)
		memcpy(h + CKD_SPARSE_OFF, CKD_SPARSE_MAGIC, strlen(CKD_SPARSE_MAGIC));
	buf = malloc(CKD_3390_TRKSIZE);
	if (!buf || ckd_write_all(fd, h, sizeof(h), 0) < 0)
		goto io_err;
	if (sparse && ftruncate(fd, CKD_HDR_SIZE + (off_t)tracks * CKD_3390_TRKSIZE) < 0)
		goto io_err;
	for (uint32_t t = 0; t < (sparse ? sparse_from : tracks); t++) {
		fill(ctx, t, buf);
		if (ckd_write_all(fd, buf, CKD_3390_TRKSIZE,
				  CKD_HDR_SIZE + (off_t)t * CKD_3390_TRKSIZE) < 0)
			goto io_err;
	}
	if (fsync(fd) < 0)
		goto io_err;
	rc = 0;
	goto out;
io_err:
	seterr(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
out:
	free(buf);
	close(fd);
	return rc;
}

/* ---- sparse images ---- */

uint32_t ckd_next_data_track(struct ckd_image *img, uint32_t trk)
{
	while (trk < img->tracks) {
		struct ckd_file *f = ckd_file_of(img, trk);
		off_t off = ckd_slot_off(img, f, trk), data;

		if (!img->sparse)
			return trk;
		data = lseek(f->fd, off, SEEK_DATA);
		if (data < 0 && errno != ENXIO)
			return trk; /* no SEEK_DATA here: look at every track */
		if (data < 0) {	    /* nothing but holes to the end of this file */
			trk = f->first_trk + f->ntrks;
			continue;
		}
		if (data < off + (off_t)img->trksize)
			return trk;
		trk = f->first_trk + (uint32_t)((data - CKD_HDR_SIZE) / img->trksize);
	}
	return img->tracks;
}

int ckd_punch(struct ckd_image *img, uint32_t first, uint32_t last)
{
	for (uint32_t trk = first; trk <= last;) {
		struct ckd_file *f = ckd_file_of(img, trk);
		uint32_t end = f->first_trk + f->ntrks - 1;

		if (end > last)
			end = last;
		if (fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      ckd_slot_off(img, f, trk),
			      (off_t)(end - trk + 1) * img->trksize) < 0) {
			snprintf(img->err, sizeof(img->err), "%s: cannot punch holes: %s", f->path,
				 strerror(errno));
			return -1;
		}
		trk = end + 1;
	}
	return 0;
}

int ckd_set_sparse(struct ckd_image *img, bool sparse)
{
	uint8_t mark[32] = {0};
	ssize_t n;

	if (sparse)
		memcpy(mark, CKD_SPARSE_MAGIC, strlen(CKD_SPARSE_MAGIC));
	n = pwrite(img->file[0].fd, mark, sizeof(mark), CKD_SPARSE_OFF);
	if (n != (ssize_t)sizeof(mark) || fsync(img->file[0].fd) < 0) {
		snprintf(img->err, sizeof(img->err), "%s: cannot write the header: %s",
			 img->file[0].path, strerror(errno));
		return -1;
	}
	img->sparse = sparse;
	return 0;
}
