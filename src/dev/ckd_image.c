/* Hercules CKD image store: see ckd_image.h and docs/dasd.md. */
#include "dev/ckd_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
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

/* ---- the descriptor cache ---- */

struct ckd_cache {
	unsigned max, nopen;
	struct ckd_file *head, *tail; /* most recently used first */
};

unsigned ckd_cache_default_max(void)
{
	struct rlimit rl;
	rlim_t n = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		n = rl.rlim_cur / 4;
	return n < 16 ? 16 : n > 1024 ? 1024 : (unsigned)n;
}

struct ckd_cache *ckd_cache_new(unsigned max)
{
	struct ckd_cache *c = calloc(1, sizeof(*c));

	if (c)
		c->max = max ? max : 1;
	return c;
}

void ckd_cache_free(struct ckd_cache *c)
{
	free(c);
}

static void lru_unlink(struct ckd_cache *c, struct ckd_file *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		c->head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		c->tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_push(struct ckd_cache *c, struct ckd_file *f)
{
	f->lru_prev = NULL;
	f->lru_next = c->head;
	if (c->head)
		c->head->lru_prev = f;
	else
		c->tail = f;
	c->head = f;
}

/* Close a file's descriptor and mapping (it is opened again on use). */
static void file_shut(struct ckd_file *f)
{
	struct ckd_cache *c = f->img ? f->img->cache : NULL;

	if (f->fd < 0)
		return;
	if (f->map)
		munmap((void *)f->map, f->maplen);
	f->map = NULL;
	close(f->fd);
	f->fd = -1;
	if (c) {
		lru_unlink(c, f);
		c->nopen--;
	}
}

static int ckd_make(struct ckd_image *img);

/* The descriptor of a file, opened (and the least recently used file of
 * the cache closed) if need be.  -1 with img->err. */
static int file_fd(struct ckd_image *img, struct ckd_file *f, int extra_flags)
{
	struct ckd_cache *c = img->cache;
	int fd;

	if (f->fd >= 0) {
		if (c && c->head != f) {
			lru_unlink(c, f);
			lru_push(c, f);
		}
		return f->fd;
	}
	if (img->create) {
		if (ckd_make(img) < 0)
			return -1;
		if (f->fd >= 0)
			return file_fd(img, f, extra_flags);
	}
	if (img->dead)
		return -1; /* img->err says why */
	if (c && c->nopen >= c->max && c->tail)
		file_shut(c->tail);
	fd = open(f->path, (img->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | extra_flags, 0644);
	if (fd < 0) {
		snprintf(img->err, sizeof(img->err), "%s: %s", f->path, strerror(errno));
		return -1;
	}
	f->fd = fd;
	if (c) {
		lru_push(c, f);
		c->nopen++;
	}
	return fd;
}

/* The file mapped for reading; NULL (reads fall back to pread) if the
 * system will not map it. */
static const uint8_t *file_map(struct ckd_image *img, struct ckd_file *f)
{
	void *p;

	if (file_fd(img, f, 0) < 0)
		return NULL;
	if (f->map)
		return f->map;
	f->maplen = CKD_HDR_SIZE + (size_t)f->ntrks * img->trksize;
	p = mmap(NULL, f->maplen, PROT_READ, MAP_SHARED, f->fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	f->map = p;
	return f->map;
}

/* ---- opening ---- */

/* Open one file of the volume, check it and add it to img. */
static int ckd_add_file(struct ckd_image *img, const char *path, int *seq, uint32_t *highcyl,
			char *err, size_t errlen)
{
	struct ckd_file *f = &img->file[img->nfiles];
	uint8_t h[CKD_HDR_SIZE];
	struct stat st;
	uint64_t body;
	ssize_t n;
	int fd;

	fd = open(path, (img->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "%s: %s", path, strerror(EISDIR));
		goto fail;
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
	f->fd = -1;
	f->img = img;
	f->path = strdup(path);
	f->first_trk = img->tracks;
	f->ntrks = (uint32_t)(body / img->trksize);
	img->tracks += f->ntrks;
	img->nfiles++;
	if (!f->path) {
		seterr(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	/* The descriptor is kept (the first use needs it) if the cache has
	 * room; else it is opened again on use. */
	if (!img->cache || img->cache->nopen < img->cache->max) {
		f->fd = fd;
		if (img->cache) {
			lru_push(img->cache, f);
			img->cache->nopen++;
		}
	} else {
		close(fd);
	}
	return 0;
fail:
	close(fd);
	return -1;
}

/* ---- the journal ---- */

#define JNL_MAGIC "CKDJRNL1"
#define JNL_HDR	  64

/* Checksum of a journal entry: enough to tell a whole entry from one torn
 * by a crash (pieces of an older entry), not a cryptographic one. */
static uint64_t jnl_sum(const uint8_t *hdr, const uint8_t *data, uint32_t len)
{
	uint64_t h[4] = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull,
			 0x27d4eb2f165667c5ull};
	uint64_t w;
	uint32_t i = 0;

	for (int k = 0; k < 32; k += 8) {
		memcpy(&w, hdr + k, 8);
		h[k / 8] = (h[k / 8] ^ w) * 0x100000001b3ull;
	}
	for (; i + 32 <= len; i += 32)
		for (int k = 0; k < 4; k++) {
			memcpy(&w, data + i + 8 * k, 8);
			h[k] = (h[k] ^ w) * 0x100000001b3ull;
			h[k] ^= h[k] >> 29;
		}
	for (; i < len; i++)
		h[i % 4] = (h[i % 4] ^ data[i]) * 0x100000001b3ull;
	w = (uint64_t)len;
	for (int k = 0; k < 4; k++)
		w = (w ^ h[k] ^ (h[k] >> 31)) * 0x94d049bb133111ebull;
	return w ^ (w >> 32);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static struct ckd_journal *jnl_get(struct ckd_image *img)
{
	struct ckd_journal *j = img->jnl;
	size_t n;

	if (j)
		return j;
	j = calloc(1, sizeof(*j));
	n = strlen(img->file[0].path) + sizeof(".journal");
	if (j)
		j->f.path = malloc(n);
	if (!j || !j->f.path) {
		free(j);
		snprintf(img->err, sizeof(img->err), "%s: out of memory", img->file[0].path);
		return NULL;
	}
	snprintf(j->f.path, n, "%s.journal", img->file[0].path);
	j->f.fd = -1;
	j->f.img = img;
	img->jnl = j;
	return j;
}

/* Read the journal (if any): 1 with the valid entry's data in *data
 * (malloc'd), 0 when there is none, -1 with err on an I/O error. */
static int jnl_read(struct ckd_image *img, const char *path, uint32_t *trk, uint32_t *off,
		    uint32_t *len, uint8_t **data, char *err, size_t errlen)
{
	uint8_t hdr[JNL_HDR];
	uint8_t *d = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) || memcmp(hdr, JNL_MAGIC, 8) ||
	    get_le32(hdr + 28) != img->trksize)
		goto out;
	*trk = get_le32(hdr + 16);
	*off = get_le32(hdr + 20);
	*len = get_le32(hdr + 24);
	if (*trk >= img->tracks || *len == 0 || *len > img->trksize || *off > img->trksize - *len)
		goto out;
	d = malloc(*len);
	if (!d) {
		seterr(err, errlen, "%s: out of memory", path);
		rc = -1;
		goto out;
	}
	if (pread(fd, d, *len, JNL_HDR) != (ssize_t)*len ||
	    jnl_sum(hdr, d, *len) != get_le64(hdr + 32))
		goto out;
	*data = d;
	d = NULL;
	rc = 1;
out:
	free(d);
	close(fd);
	return rc;
}

/* Put a write into the journal (synced with fsync) before it goes into
 * the image. */
static int jnl_put(struct ckd_image *img, uint32_t trk, uint32_t off, const uint8_t *data,
		   uint32_t len)
{
	struct ckd_journal *j = jnl_get(img);
	uint8_t hdr[JNL_HDR] = {0};
	struct iovec iov[2] = {{hdr, sizeof(hdr)}, {(void *)data, len}};
	int fd;

	if (!j)
		return -1;
	fd = file_fd(img, &j->f, O_CREAT);
	if (fd < 0)
		return -1;
	j->used = true;
	memcpy(hdr, JNL_MAGIC, 8);
	put_le64(hdr + 8, ++j->seq);
	put_le32(hdr + 16, trk);
	put_le32(hdr + 20, off);
	put_le32(hdr + 24, len);
	put_le32(hdr + 28, img->trksize);
	put_le64(hdr + 32, jnl_sum(hdr, data, len));
	if (pwritev(fd, iov, 2, 0) != (ssize_t)(sizeof(hdr) + len) ||
	    (img->fsync && fdatasync(fd) < 0)) {
		snprintf(img->err, sizeof(img->err), "%s: journal write failed: %s", j->f.path,
			 strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* The image no longer needs the journal (every write in it is complete,
 * or the image is about to change otherwise): remove it. */
static void jnl_drop(struct ckd_image *img)
{
	struct ckd_journal *j = img->jnl;

	if (!j)
		return;
	file_shut(&j->f);
	if (j->used)
		unlink(j->f.path);
	j->used = false;
}

static int write_all(int fd, const uint8_t *buf, size_t len, off_t off);

/* At open: a valid entry left by a crash is applied to the image (and the
 * journal removed), or kept to be applied in memory by a read-only open. */
static int jnl_recover(struct ckd_image *img, char *err, size_t errlen)
{
	struct ckd_journal *j;
	uint32_t trk, off, len;
	uint8_t *data = NULL;
	struct ckd_file *f;
	char path[4200];
	int rc;

	snprintf(path, sizeof(path), "%s.journal", img->file[0].path);
	rc = jnl_read(img, path, &trk, &off, &len, &data, err, errlen);
	if (rc < 0)
		return -1;
	if (img->readonly) {
		if (rc == 1) {
			j = jnl_get(img);
			if (!j) {
				free(data);
				seterr(err, errlen, "%s", img->err);
				return -1;
			}
			j->pending = data;
			j->ptrk = trk;
			j->poff = off;
			j->plen = len;
		}
		return 0;
	}
	if (rc == 1) {
		for (f = img->file; f->first_trk + f->ntrks <= trk; f++)
			;
		rc = file_fd(img, f, 0) < 0
			     ? -1
			     : write_all(f->fd, data, len,
					 CKD_HDR_SIZE + (off_t)(trk - f->first_trk) * img->trksize +
						 off);
		if (rc == 0 && fdatasync(f->fd) < 0)
			rc = -1;
		free(data);
		if (rc < 0) {
			seterr(err, errlen, "%s: cannot apply the journal %s: %s", f->path, path,
			       strerror(errno ? errno : EIO));
			return -1;
		}
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

uint32_t ckd_journal_pending(const struct ckd_image *img)
{
	return img->jnl && img->jnl->pending ? img->jnl->ptrk : UINT32_MAX;
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

/* Open the files and check them: header chain, sizes, track 0. */
static int ckd_open_existing(struct ckd_image *img, const char *path, char *err, size_t errlen)
{
	uint8_t *buf;
	int rc;

	if (ckd_open_files(img, path, err, errlen) < 0)
		return -1;
	img->cyls = img->tracks / img->heads;
	if (img->cyls > CKD_MAX_CYLS) {
		seterr(err, errlen, "%s: %u cylinders, more than %u", path, img->cyls,
		       CKD_MAX_CYLS);
		return -1;
	}
	if (jnl_recover(img, err, errlen) < 0)
		return -1;
	/* Catch an unusable file now rather than at the first I/O. */
	buf = malloc(img->trksize);
	if (!buf) {
		seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = ckd_read_track(img, 0, buf);
	free(buf);
	if (rc < 0) {
		seterr(err, errlen, "%s", img->err);
		return -1;
	}
	return 0;
}

/* First use of an image made on first use: make the file, then open it
 * as any other. */
static int ckd_make(struct ckd_image *img)
{
	uint32_t cyls = img->cyls;
	char *path = img->file[0].path;
	int rc;

	img->file[0].path = NULL;
	img->nfiles = 0;
	img->tracks = 0;
	rc = img->create(img->create_ctx, path, img->err, sizeof(img->err));
	img->create = NULL;
	if (rc == 0)
		rc = ckd_open_files(img, path, img->err, sizeof(img->err));
	if (rc == 0 && (img->tracks / img->heads != cyls || img->nfiles != 1)) {
		snprintf(img->err, sizeof(img->err), "%s: made with %u cylinders, not %u", path,
			 img->tracks / img->heads, cyls);
		rc = -1;
	}
	if (rc < 0) { /* keep a usable shape: every later use fails */
		for (int i = 0; i < img->nfiles; i++) {
			file_shut(&img->file[i]);
			free(img->file[i].path);
		}
		img->file[0] = (struct ckd_file){.fd = -1, .img = img, .ntrks = cyls * img->heads};
		img->file[0].path = path;
		img->nfiles = 1;
		img->tracks = cyls * img->heads;
		img->dead = true;
		return -1;
	}
	free(path);
	return 0;
}

int ckd_open_opts(struct ckd_image *img, const char *path, const struct ckd_opts *o, char *err,
		  size_t errlen)
{
	memset(img, 0, sizeof(*img));
	img->readonly = o->readonly;
	img->journal = !o->readonly && !o->no_journal;
	img->cache = o->cache;
	img->file = calloc(CKD_MAXFILES, sizeof(*img->file));
	if (!img->file) {
		seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (o->create && access(path, F_OK) != 0 && errno == ENOENT) {
		if (o->create_cyls == 0 || o->create_cyls > CKD_MAX_CYLS - 1 || o->readonly) {
			seterr(err, errlen, "%s: cannot be made with %u cylinders", path,
			       o->create_cyls);
			goto fail;
		}
		img->file[0] = (struct ckd_file){.fd = -1, .img = img};
		img->file[0].path = strdup(path);
		if (!img->file[0].path) {
			seterr(err, errlen, "%s: out of memory", path);
			goto fail;
		}
		img->nfiles = 1;
		img->heads = CKD_3390_HEADS;
		img->trksize = CKD_3390_TRKSIZE;
		img->devtype = 0x90;
		img->cyls = o->create_cyls;
		img->tracks = img->cyls * img->heads;
		img->file[0].ntrks = img->tracks;
		img->sparse = true;
		img->create = o->create;
		img->create_ctx = o->create_ctx;
		img->fill = o->fill;
		img->fill_tracks = o->fill_tracks;
		return 0;
	}
	if (ckd_open_existing(img, path, err, errlen) == 0)
		return 0;
fail:
	ckd_close(img);
	return -1;
}

int ckd_open(struct ckd_image *img, const char *path, bool readonly, char *err, size_t errlen)
{
	struct ckd_opts o = {.readonly = readonly};

	return ckd_open_opts(img, path, &o, err, errlen);
}

void ckd_close(struct ckd_image *img)
{
	struct ckd_journal *j = img->jnl;

	/* Every write is complete: the journal is not needed any more. */
	jnl_drop(img);
	if (j) {
		free(j->pending);
		free(j->f.path);
		free(j);
		img->jnl = NULL;
	}
	for (int i = 0; img->file && i < img->nfiles; i++) {
		file_shut(&img->file[i]);
		free(img->file[i].path);
	}
	free(img->file);
	img->file = NULL;
	img->nfiles = 0;
}

/* ---- reading and writing ---- */

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

/* A read of an image not made yet (ckd_opts.fill): the bytes its file
 * will hold, built without the file. */
static int unmade_copy(struct ckd_image *img, uint32_t trk, uint32_t off, uint32_t len,
		       uint8_t *buf)
{
	uint8_t *slot;

	if (trk >= img->fill_tracks) {
		memset(buf, 0, len); /* a hole */
		return 0;
	}
	slot = calloc(1, img->trksize);
	if (!slot) {
		snprintf(img->err, sizeof(img->err), "%s: out of memory", img->file[0].path);
		return -1;
	}
	img->fill(img->create_ctx, trk, slot);
	memcpy(buf, slot + off, len);
	free(slot);
	return 0;
}

/* Copy [off, off+len) of track trk's slot into buf as stored: from the
 * mapping (one copy), else with pread; with a pending journal entry of a
 * read-only open laid over it. */
static int slot_copy(struct ckd_image *img, struct ckd_file *f, uint32_t trk, uint32_t off,
		     uint32_t len, uint8_t *buf)
{
	off_t at = ckd_slot_off(img, f, trk) + off;
	const uint8_t *map;
	struct ckd_journal *j = img->jnl;

	if (img->create && img->fill)
		return unmade_copy(img, trk, off, len, buf);
	map = file_map(img, f);

	if (map) {
		memcpy(buf, map + at, len);
	} else {
		ssize_t n;

		if (f->fd < 0)
			return -1; /* file_fd set img->err */
		n = pread(f->fd, buf, len, at);
		if (n != (ssize_t)len) {
			snprintf(img->err, sizeof(img->err), "%s: track %u: %s", f->path, trk,
				 n < 0 ? strerror(errno) : "short read (file truncated?)");
			return -1;
		}
	}
	if (j && j->pending && j->ptrk == trk && j->poff < off + len && off < j->poff + j->plen) {
		uint32_t lo = j->poff > off ? j->poff : off;
		uint32_t hi = j->poff + j->plen < off + len ? j->poff + j->plen : off + len;

		memcpy(buf + (lo - off), j->pending + (lo - j->poff), hi - lo);
	}
	return 0;
}

int ckd_read_slot(struct ckd_image *img, uint32_t trk, uint8_t *buf)
{
	struct ckd_file *f = ckd_file_of(img, trk);

	if (!f) {
		snprintf(img->err, sizeof(img->err),
			 "%s: track %u is beyond the volume (%u tracks)", img->file[0].path, trk,
			 img->tracks);
		return -1;
	}
	return slot_copy(img, f, trk, 0, img->trksize, buf);
}

int ckd_read_range(struct ckd_image *img, uint32_t trk, uint32_t off, uint32_t len, uint8_t *buf)
{
	struct ckd_file *f = ckd_file_of(img, trk);

	if (!f || off + len > img->trksize) {
		snprintf(img->err, sizeof(img->err), "%s: read beyond track %u", img->file[0].path,
			 trk);
		return -1;
	}
	return slot_copy(img, f, trk, off, len, buf);
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

	if (!img->sparse || !f || slot_copy(img, f, trk, 0, sizeof(ha), ha) < 0)
		return false;
	return all_zero(ha, sizeof(ha));
}

static int write_all(int fd, const uint8_t *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int ckd_write(struct ckd_image *img, uint32_t trk, uint32_t off, const uint8_t *data, uint32_t len)
{
	struct ckd_file *f = ckd_file_of(img, trk);
	int fd;

	if (!f || off + len > img->trksize) {
		snprintf(img->err, sizeof(img->err), "%s: write beyond track %u", img->file[0].path,
			 trk);
		return -1;
	}
	if (img->readonly) {
		snprintf(img->err, sizeof(img->err), "%s: opened read-only", f->path);
		return -1;
	}
	if (img->journal && jnl_put(img, trk, off, data, len) < 0)
		return -1;
	fd = file_fd(img, f, 0);
	if (fd < 0)
		return -1;
	errno = 0;
	if (write_all(fd, data, len, ckd_slot_off(img, f, trk) + off) < 0) {
		snprintf(img->err, sizeof(img->err), "%s: track %u: write failed: %s", f->path, trk,
			 strerror(errno ? errno : EIO));
		return -1;
	}
	if (img->fsync && fdatasync(fd) < 0) {
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

int ckd_create(const char *path, uint32_t cyls, uint32_t sparse_from,
	       void (*fill)(void *ctx, uint32_t trk, uint8_t *buf), void *ctx, bool scratch,
	       char *err, size_t errlen)
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
	if (!buf || write_all(fd, h, sizeof(h), 0) < 0)
		goto io_err;
	if (sparse && ftruncate(fd, CKD_HDR_SIZE + (off_t)tracks * CKD_3390_TRKSIZE) < 0)
		goto io_err;
	for (uint32_t t = 0; t < (sparse ? sparse_from : tracks); t++) {
		fill(ctx, t, buf);
		if (write_all(fd, buf, CKD_3390_TRKSIZE,
			      CKD_HDR_SIZE + (off_t)t * CKD_3390_TRKSIZE) < 0)
			goto io_err;
	}
	if (!scratch && fsync(fd) < 0)
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

/* The first track at or after trk that holds data in the files. */
static uint32_t next_stored(struct ckd_image *img, uint32_t trk)
{
	while (trk < img->tracks) {
		struct ckd_file *f = ckd_file_of(img, trk);
		off_t off = ckd_slot_off(img, f, trk), data;
		int fd;

		if (!img->sparse)
			return trk;
		fd = file_fd(img, f, 0);
		if (fd < 0)
			return trk; /* the read of this track reports it */
		data = lseek(fd, off, SEEK_DATA);
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

uint32_t ckd_next_data_track(struct ckd_image *img, uint32_t trk)
{
	uint32_t next = next_stored(img, trk), pending = ckd_journal_pending(img);

	/* A journaled write not yet in the image counts as data. */
	return pending >= trk && pending < next ? pending : next;
}

int ckd_punch(struct ckd_image *img, uint32_t first, uint32_t last)
{
	/* A journaled write replayed after the punch would undo it. */
	jnl_drop(img);
	for (uint32_t trk = first; trk <= last;) {
		struct ckd_file *f = ckd_file_of(img, trk);
		uint32_t end = f->first_trk + f->ntrks - 1;
		int fd = file_fd(img, f, 0);

		if (fd < 0)
			return -1;
		if (end > last)
			end = last;
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
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
	ssize_t n = -1;
	int fd = file_fd(img, &img->file[0], 0);

	if (sparse)
		memcpy(mark, CKD_SPARSE_MAGIC, strlen(CKD_SPARSE_MAGIC));
	if (fd >= 0)
		n = pwrite(fd, mark, sizeof(mark), CKD_SPARSE_OFF);
	if (n != (ssize_t)sizeof(mark) || fsync(fd) < 0) {
		snprintf(img->err, sizeof(img->err), "%s: cannot write the header: %s",
			 img->file[0].path, strerror(errno));
		return -1;
	}
	img->sparse = sparse;
	return 0;
}
