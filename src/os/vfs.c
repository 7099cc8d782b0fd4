/* Files other than /sys: /dev nodes and an in-memory /tmp.
 *
 * /dev/urandom draws from the run's seeded PRNG, so `dd if=/dev/urandom`
 * writes the same bytes for the same seed.  Block devices get
 * read-modify-write for ranges that are not whole blocks, as the page cache
 * would do for a buffered write. */
#include "os/vfs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "os/os.h"
#include "sim/sim.h"

struct vfs_dev {
	char *name;
	const struct vfs_dev_ops *ops;
	void *priv;
	int opens;
	bool gone; /* unregistered while open */
	uint32_t hash;
	struct vfs_dev *next; /* hash chain */
};

struct vfs_tmpfile {
	char *name; /* without "/tmp/" */
	unsigned char *data;
	size_t len, cap;
	int opens;
	bool unlinked;
	struct vfs_tmpfile *next;
};

/* /tmp is a tmpfs: all its files together hold at most this much by
 * default (enough for a 64 MiB test file and its read-back copy several
 * times over), so a runaway `dd of=/tmp/x` ends with ENOSPC instead of
 * eating the simulator's memory. */
#define VFS_TMP_MAX (1ull << 30)

/* /dev is a hash table of names (a host with tens of thousands of DASDs
 * has twice as many nodes: disks and partitions); it doubles when it holds
 * two names per bucket. */
#define VFS_DEV_BUCKETS0 64

struct vfs {
	struct os *os;
	struct vfs_dev **devs; /* nbuckets chains */
	uint32_t nbuckets, ndevs;
	struct vfs_tmpfile *tmp;
	uint64_t tmp_max; /* bytes all /tmp files may hold together */
};

struct vfs_file {
	struct vfs *v;
	int flags;
	struct vfs_dev *dev;
	struct vfs_tmpfile *tf;
};

/* ---- the character devices every OS has ---- */

static ssize_t null_read(void *priv, void *buf, size_t len, uint64_t off)
{
	return 0;
}

static ssize_t null_write(void *priv, const void *buf, size_t len, uint64_t off)
{
	return (ssize_t)len;
}

static ssize_t zero_read(void *priv, void *buf, size_t len, uint64_t off)
{
	memset(buf, 0, len);
	return (ssize_t)len;
}

/* Generating random bytes is CPU work in the reader's task (Linux's ChaCha20
 * on z, about 400 MB/s: 2.5 ns per byte); a signal ends it (-EINTR). */
#define URANDOM_PS_PER_BYTE 2500

static ssize_t urandom_read(void *priv, void *buf, size_t len, uint64_t off)
{
	struct vfs *v = priv;
	unsigned char *p = buf;
	size_t i = 0;

	if (sim_current(v->os->sim) &&
	    sim_sleep_intr(v->os->sim, (sim_time_t)len * URANDOM_PS_PER_BYTE / 1000) < 0)
		return -EINTR;

	while (i < len) {
		uint64_t r = sim_rand(v->os->sim);
		size_t n = len - i < 8 ? len - i : 8;

		memcpy(p + i, &r, n);
		i += n;
	}
	return (ssize_t)len;
}

static uint64_t stream_size(void *priv)
{
	return UINT64_MAX;
}

/* No blksize: a character device (no call per read or write to learn it). */
static const struct vfs_dev_ops null_ops = {null_read, null_write, stream_size, NULL};
static const struct vfs_dev_ops zero_ops = {zero_read, null_write, stream_size, NULL};
static const struct vfs_dev_ops urandom_ops = {urandom_read, null_write, stream_size, NULL};

void vfs_set_tmp_max(struct vfs *v, uint64_t bytes)
{
	v->tmp_max = bytes;
}

struct vfs *vfs_new(struct os *os)
{
	struct vfs *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->os = os;
	v->tmp_max = VFS_TMP_MAX;
	v->nbuckets = VFS_DEV_BUCKETS0;
	v->devs = calloc(v->nbuckets, sizeof(*v->devs));
	if (!v->devs) {
		free(v);
		return NULL;
	}
	if (vfs_register_dev(v, "null", &null_ops, v) ||
	    vfs_register_dev(v, "zero", &zero_ops, v) ||
	    vfs_register_dev(v, "urandom", &urandom_ops, v)) {
		vfs_free(v);
		return NULL;
	}
	return v;
}

static void dev_free(struct vfs_dev *d)
{
	free(d->name);
	free(d);
}

static void tmp_free(struct vfs_tmpfile *t)
{
	free(t->name);
	free(t->data);
	free(t);
}

void vfs_free(struct vfs *v)
{
	struct vfs_dev *d, *dn;
	struct vfs_tmpfile *t, *tn;

	if (!v)
		return;
	for (uint32_t b = 0; b < v->nbuckets; b++)
		for (d = v->devs[b]; d; d = dn) {
			dn = d->next;
			dev_free(d);
		}
	for (t = v->tmp; t; t = tn) {
		tn = t->next;
		tmp_free(t);
	}
	free(v->devs);
	free(v);
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct vfs_dev *dev_find(struct vfs *v, const char *name)
{
	uint32_t h = name_hash(name);
	struct vfs_dev *d;

	for (d = v->devs[h & (v->nbuckets - 1)]; d; d = d->next)
		if (d->hash == h && !d->gone && strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* Twice the buckets; a failed allocation keeps the table as it is (only
 * longer chains). */
static void dev_grow(struct vfs *v)
{
	uint32_t n = 2 * v->nbuckets;
	struct vfs_dev **tab = calloc(n, sizeof(*tab)), *d, *dn;

	if (!tab)
		return;
	for (uint32_t b = 0; b < v->nbuckets; b++)
		for (d = v->devs[b]; d; d = dn) {
			dn = d->next;
			d->next = tab[d->hash & (n - 1)];
			tab[d->hash & (n - 1)] = d;
		}
	free(v->devs);
	v->devs = tab;
	v->nbuckets = n;
}

int vfs_register_dev(struct vfs *v, const char *name, const struct vfs_dev_ops *ops, void *priv)
{
	struct vfs_dev *d;

	if (!name || !*name || strchr(name, '/') || !ops || !ops->read || !ops->size)
		return -EINVAL;
	if (dev_find(v, name))
		return -EEXIST;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->name = strdup(name);
	if (!d->name) {
		free(d);
		return -ENOMEM;
	}
	d->ops = ops;
	d->priv = priv;
	d->hash = name_hash(name);
	if (v->ndevs >= 2 * v->nbuckets)
		dev_grow(v);
	d->next = v->devs[d->hash & (v->nbuckets - 1)];
	v->devs[d->hash & (v->nbuckets - 1)] = d;
	v->ndevs++;
	return 0;
}

static void dev_unlink(struct vfs *v, struct vfs_dev *d)
{
	struct vfs_dev **pp;

	for (pp = &v->devs[d->hash & (v->nbuckets - 1)]; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	v->ndevs--;
	dev_free(d);
}

/* An open file keeps the node; its I/O fails with -ENODEV (the device has
 * gone, e.g. set offline under a running dd). */
void vfs_unregister_dev(struct vfs *v, const char *name)
{
	struct vfs_dev *d = dev_find(v, name);

	if (!d)
		return;
	if (d->opens) {
		d->gone = true;
		return;
	}
	dev_unlink(v, d);
}

static struct vfs_tmpfile *tmp_find(struct vfs *v, const char *name)
{
	struct vfs_tmpfile *t;

	for (t = v->tmp; t; t = t->next)
		if (!t->unlinked && strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static struct vfs_tmpfile *tmp_create(struct vfs *v, const char *name)
{
	struct vfs_tmpfile *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->name = strdup(name);
	if (!t->name) {
		free(t);
		return NULL;
	}
	t->next = v->tmp;
	v->tmp = t;
	return t;
}

static int open_tmp(struct vfs *v, const char *name, int flags, struct vfs_file *f)
{
	struct vfs_tmpfile *t;

	if (!*name || strchr(name, '/'))
		return *name ? -ENOENT : -EISDIR;
	t = tmp_find(v, name);
	if (!t && !(flags & VFS_CREAT))
		return -ENOENT;
	if (!t)
		t = tmp_create(v, name);
	if (!t)
		return -ENOMEM;
	if ((flags & VFS_TRUNC) && (flags & VFS_WR))
		t->len = 0;
	t->opens++;
	f->tf = t;
	return 0;
}

struct vfs_file *vfs_open(struct vfs *v, const char *path, int flags, int *err)
{
	struct vfs_file *f;
	int ret = -ENOENT;

	if (!(flags & (VFS_RD | VFS_WR))) {
		*err = -EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	f->v = v;
	f->flags = flags;
	if (path && strncmp(path, "/dev/", 5) == 0) {
		f->dev = dev_find(v, path + 5);
		if (f->dev) {
			f->dev->opens++;
			ret = 0;
		} else if (flags & VFS_CREAT) {
			ret = -EACCES; /* /dev is not a place for regular files */
		}
	} else if (path && strncmp(path, "/tmp/", 5) == 0) {
		ret = open_tmp(v, path + 5, flags, f);
	} else if (path && (strcmp(path, "/tmp") == 0 || strcmp(path, "/dev") == 0 ||
			    strcmp(path, "/") == 0)) {
		ret = -EISDIR;
	} else if (path && (flags & VFS_CREAT) && path[0] == '/') {
		ret = -EACCES; /* only /tmp is writable for new files */
	}
	if (ret) {
		free(f);
		*err = ret;
		return NULL;
	}
	*err = 0;
	return f;
}

/* Partial-block access: read the covering blocks, patch, write back (out of
 * line: the whole-block path of dev_io keeps a small frame). */
static __attribute__((noinline)) ssize_t blk_rmw(struct vfs_dev *d, void *buf, const void *wbuf,
						 size_t len, uint64_t off)
{
	unsigned bs = d->ops->blksize(d->priv);
	uint64_t size = d->ops->size(d->priv);
	uint64_t start = off / bs * bs, end, span;
	unsigned char *tmp;
	ssize_t r;

	if (off >= size)
		return wbuf ? -ENOSPC : 0;
	if (len > size - off)
		len = (size_t)(size - off);
	end = (off + len + bs - 1) / bs * bs;
	if (end > size)
		end = size;
	span = end - start;
	tmp = malloc(span);
	if (!tmp)
		return -ENOMEM;
	r = d->ops->read(d->priv, tmp, span, start);
	if (r >= 0 && (uint64_t)r < span)
		r = -EIO;
	if (r >= 0 && wbuf) {
		memcpy(tmp + (off - start), wbuf, len);
		r = d->ops->write(d->priv, tmp, span, start);
		if (r >= 0 && (uint64_t)r < span)
			r = -EIO;
	} else if (r >= 0) {
		memcpy(buf, tmp + (off - start), len);
	}
	free(tmp);
	return r < 0 ? r : (ssize_t)len;
}

/* Every read or write of a device asks this once: a block size is a power
 * of two (a mask, not two 64-bit divisions), others are divided. */
static inline bool blk_aligned(struct vfs_dev *d, size_t len, uint64_t off)
{
	unsigned bs = d->ops->blksize ? d->ops->blksize(d->priv) : 0;

	if (bs == 0)
		return true;
	if (!(bs & (bs - 1)))
		return !((off | len) & (bs - 1));
	return off % bs == 0 && len % bs == 0;
}

/* direct: O_DIRECT, where a partial block is -EINVAL (before anything
 * else is looked at), not read, patched and written back. */
static ssize_t dev_io(struct vfs_dev *d, bool direct, void *buf, const void *wbuf, size_t len,
		      uint64_t off)
{
	uint64_t size;

	if (direct && !blk_aligned(d, len, off))
		return -EINVAL;
	if (d->gone)
		return -ENODEV;
	if (wbuf && !d->ops->write)
		return -EROFS;
	if (!direct && !blk_aligned(d, len, off))
		return blk_rmw(d, buf, wbuf, len, off);
	size = d->ops->size(d->priv);
	if (size != UINT64_MAX) {
		if (off >= size)
			return wbuf && len ? -ENOSPC : 0;
		if (len > size - off)
			len = (size_t)(size - off);
	}
	if (wbuf)
		return d->ops->write(d->priv, wbuf, len, off);
	return d->ops->read(d->priv, buf, len, off);
}

void vfs_set_direct(struct vfs_file *f, bool on)
{
	f->flags = on ? f->flags | VFS_DIRECT : f->flags & ~VFS_DIRECT;
}

ssize_t vfs_pread(struct vfs_file *f, void *buf, size_t len, uint64_t off)
{
	struct vfs_tmpfile *t = f->tf;

	if (!(f->flags & VFS_RD))
		return -EBADF;
	if (f->dev)
		return dev_io(f->dev, f->flags & VFS_DIRECT, buf, NULL, len, off);
	if (off >= t->len)
		return 0;
	if (len > t->len - off)
		len = (size_t)(t->len - off);
	memcpy(buf, t->data + off, len);
	return (ssize_t)len;
}

static uint64_t tmp_used(const struct vfs *v)
{
	const struct vfs_tmpfile *t;
	uint64_t sum = 0;

	for (t = v->tmp; t; t = t->next)
		if (!t->unlinked)
			sum += t->len;
	return sum;
}

/* A /tmp file's write, out of line: a device's write (every dd block to
 * /dev/null) goes on to the device without this one's stack frame. */
static __attribute__((noinline)) ssize_t tmp_pwrite(struct vfs_file *f, const void *buf, size_t len,
						    uint64_t off)
{
	struct vfs_tmpfile *t = f->tf;

	if (!len && off <= t->len)
		return 0;
	if (off + len > t->len && tmp_used(f->v) - t->len + off + len > f->v->tmp_max)
		return -ENOSPC;
	if (off + len > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		unsigned char *d;

		while (cap < off + len)
			cap *= 2;
		d = realloc(t->data, cap);
		if (!d)
			return -ENOMEM;
		t->data = d;
		t->cap = cap;
	}
	if (off > t->len)
		memset(t->data + t->len, 0, (size_t)(off - t->len));
	memcpy(t->data + off, buf, len);
	if (off + len > t->len)
		t->len = (size_t)(off + len);
	return (ssize_t)len;
}

ssize_t vfs_pwrite(struct vfs_file *f, const void *buf, size_t len, uint64_t off)
{
	if (!(f->flags & VFS_WR))
		return -EBADF;
	if (f->dev)
		return dev_io(f->dev, f->flags & VFS_DIRECT, NULL, buf, len, off);
	return tmp_pwrite(f, buf, len, off);
}

int vfs_truncate(struct vfs_file *f, uint64_t len)
{
	struct vfs_tmpfile *t = f->tf;

	if (!(f->flags & VFS_WR))
		return -EBADF;
	if (!t)
		return -EINVAL;
	if (len > t->len) {
		ssize_t r = vfs_pwrite(f, "", 0, len); /* grows and zero-fills */

		if (r < 0)
			return (int)r;
	}
	t->len = (size_t)len;
	return 0;
}

uint64_t vfs_size(struct vfs_file *f)
{
	if (f->dev)
		return f->dev->gone ? 0 : f->dev->ops->size(f->dev->priv);
	return f->tf->len;
}

void vfs_close(struct vfs_file *f)
{
	struct vfs_dev *d = f ? f->dev : NULL;

	if (!f)
		return;
	if (d && --d->opens == 0 && d->gone)
		dev_unlink(f->v, d);
	if (f->tf)
		f->tf->opens--;
	free(f);
}
