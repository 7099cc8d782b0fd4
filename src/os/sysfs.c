/* The /sys tree of one OS instance: directories, attributes with show/store
 * callbacks, and symlinks.
 *
 * Sized for a real LPAR (tens of thousands of subchannels in one
 * directory), so every operation costs what it costs in Linux's kernfs, not
 * a walk of a directory: a directory finds a child by name through a hash
 * table of its own (chained, doubled as the directory grows; a directory
 * of a few entries keeps only its list), the name hash is kept in the node
 * and compared before the name, and a listing sorts the names once.  Links
 * are followed node by node, without building path strings. */
#include "os/sysfs.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum sysfs_kind { SYSFS_DIR, SYSFS_ATTR, SYSFS_LINK };

/* A directory with more children than this gets a hash table. */
#define SYSFS_LIST_MAX 8

struct sysfs_node {
	struct sysfs_node *parent;
	struct sysfs_node *next, *prev; /* siblings, in creation order */
	struct sysfs_node *hnext;	/* parent's hash chain */
	uint32_t hash;
	uint16_t len;
	uint8_t kind;
	union {
		struct { /* SYSFS_DIR */
			struct sysfs_node *first, *last;
			struct sysfs_node **tab; /* nbuckets chains, or NULL */
			uint32_t nbuckets, nchildren;
		} dir;
		struct { /* SYSFS_ATTR */
			const struct sysfs_attr_ops *ops;
			void *obj;
			long arg;
		} attr;
		char *target; /* SYSFS_LINK */
	} u;
	char name[];
};

struct sysfs {
	struct sysfs_node *root;
};

/* Symlink chains longer than this are loops (Linux: MAXSYMLINKS = 40). */
#define SYSFS_MAX_LINKS 40
#define SYSFS_PAGE	4096
#define SYSFS_NAME_MAX	255

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static struct sysfs_node *node_new(const char *name, size_t len, enum sysfs_kind kind)
{
	struct sysfs_node *n = calloc(1, sizeof(*n) + len + 1);

	if (!n)
		return NULL;
	memcpy(n->name, name, len);
	n->len = (uint16_t)len;
	n->hash = name_hash(name, len);
	n->kind = (uint8_t)kind;
	return n;
}

struct sysfs *sysfs_new(void)
{
	struct sysfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->root = node_new("", 0, SYSFS_DIR);
	if (!fs->root) {
		free(fs);
		return NULL;
	}
	fs->root->parent = fs->root;
	return fs;
}

static void node_free(struct sysfs_node *n)
{
	if (n->kind == SYSFS_DIR) {
		struct sysfs_node *c, *next;

		for (c = n->u.dir.first; c; c = next) {
			next = c->next;
			node_free(c);
		}
		free(n->u.dir.tab);
	} else if (n->kind == SYSFS_LINK) {
		free(n->u.target);
	}
	free(n);
}

void sysfs_free(struct sysfs *fs)
{
	if (!fs)
		return;
	node_free(fs->root);
	free(fs);
}

/* ---- a directory's children ---- */

static bool name_is(const struct sysfs_node *c, const char *name, size_t len, uint32_t h)
{
	return c->hash == h && c->len == len && !memcmp(c->name, name, len);
}

static struct sysfs_node *lookup(struct sysfs_node *dir, const char *name, size_t len)
{
	uint32_t h = name_hash(name, len);
	struct sysfs_node *c;

	if (dir->u.dir.tab) {
		for (c = dir->u.dir.tab[h & (dir->u.dir.nbuckets - 1)]; c; c = c->hnext)
			if (name_is(c, name, len, h))
				return c;
		return NULL;
	}
	for (c = dir->u.dir.first; c; c = c->next)
		if (name_is(c, name, len, h))
			return c;
	return NULL;
}

static void hash_in(struct sysfs_node *dir, struct sysfs_node *c)
{
	struct sysfs_node **b = &dir->u.dir.tab[c->hash & (dir->u.dir.nbuckets - 1)];

	c->hnext = *b;
	*b = c;
}

/* Give the directory a table of n buckets (a power of two) and hash every
 * child into it.  On allocation failure the old table (or the list) stays:
 * lookups stay correct, only slower. */
static void rehash(struct sysfs_node *dir, uint32_t n)
{
	struct sysfs_node **tab = calloc(n, sizeof(*tab)), *c;

	if (!tab)
		return;
	free(dir->u.dir.tab);
	dir->u.dir.tab = tab;
	dir->u.dir.nbuckets = n;
	for (c = dir->u.dir.first; c; c = c->next)
		hash_in(dir, c);
}

static void link_child(struct sysfs_node *dir, struct sysfs_node *c)
{
	c->parent = dir;
	c->prev = dir->u.dir.last;
	c->next = NULL;
	if (dir->u.dir.last)
		dir->u.dir.last->next = c;
	else
		dir->u.dir.first = c;
	dir->u.dir.last = c;
	dir->u.dir.nchildren++;
	if (dir->u.dir.tab && dir->u.dir.nchildren <= dir->u.dir.nbuckets)
		hash_in(dir, c);
	else if (dir->u.dir.nchildren > SYSFS_LIST_MAX)
		rehash(dir, dir->u.dir.tab ? 2 * dir->u.dir.nbuckets : 4 * SYSFS_LIST_MAX);
}

static void unlink_child(struct sysfs_node *c)
{
	struct sysfs_node *dir = c->parent;

	if (dir->u.dir.tab) {
		struct sysfs_node **pp = &dir->u.dir.tab[c->hash & (dir->u.dir.nbuckets - 1)];

		while (*pp && *pp != c)
			pp = &(*pp)->hnext;
		if (*pp)
			*pp = c->hnext;
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		dir->u.dir.first = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		dir->u.dir.last = c->prev;
	dir->u.dir.nchildren--;
}

static struct sysfs_node *add_child(struct sysfs_node *dir, const char *name, size_t len,
				    enum sysfs_kind kind)
{
	struct sysfs_node *n = node_new(name, len, kind);

	if (n)
		link_child(dir, n);
	return n;
}

/* ---- path walk ---- */

static int walk(struct sysfs *fs, struct sysfs_node *cur, const char *p, const char *end,
		bool follow_last, int *links, struct sysfs_node **out);

/* The node a link points at (its last component followed too). */
static int follow(struct sysfs *fs, struct sysfs_node *l, int *links, struct sysfs_node **out)
{
	const char *t = l->u.target;

	if (++*links > SYSFS_MAX_LINKS)
		return -ELOOP;
	return walk(fs, t[0] == '/' ? fs->root : l->parent, t, t + strlen(t), true, links, out);
}

/* Walk the components of [p, end) from cur ("." and ".." included; an
 * absolute path starts again at the root). */
static int walk(struct sysfs *fs, struct sysfs_node *cur, const char *p, const char *end,
		bool follow_last, int *links, struct sysfs_node **out)
{
	if (p < end && *p == '/')
		cur = fs->root;
	for (;;) {
		const char *c;
		struct sysfs_node *n;
		size_t len;
		int ret;

		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		if (cur->kind != SYSFS_DIR)
			return -ENOTDIR;
		c = memchr(p, '/', (size_t)(end - p));
		len = c ? (size_t)(c - p) : (size_t)(end - p);
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			cur = cur->parent;
			p += len;
			continue;
		}
		n = lookup(cur, p, len);
		if (!n)
			return -ENOENT;
		p += len;
		while (p < end && *p == '/')
			p++;
		if (n->kind == SYSFS_LINK && (p < end || follow_last)) {
			ret = follow(fs, n, links, &n);
			if (ret)
				return ret;
		}
		cur = n;
	}
	*out = cur;
	return 0;
}

static int resolve(struct sysfs *fs, const char *path, bool follow_last, struct sysfs_node **out)
{
	int links = 0;

	if (!path || path[0] != '/')
		return -ENOENT;
	return walk(fs, fs->root, path, path + strlen(path), follow_last, &links, out);
}

/* The directory that holds path's last component (created with `create`),
 * and that component. */
static int parent_of(struct sysfs *fs, const char *path, bool create, struct sysfs_node **dir,
		     const char **name)
{
	const char *slash;
	int links = 0, ret;

	if (!path || path[0] != '/')
		return -EINVAL;
	slash = strrchr(path, '/');
	if (!slash[1])
		return -EINVAL;
	*name = slash + 1;
	if (create) {
		*dir = sysfs_mkdir_at(fs, NULL, path, (size_t)(slash - path), &ret);
		return *dir ? 0 : ret;
	}
	ret = walk(fs, fs->root, path, slash, true, &links, dir);
	if (!ret && (*dir)->kind != SYSFS_DIR)
		ret = -ENOTDIR;
	return ret;
}

static int name_ok(const char *name, size_t len)
{
	if (!len || len > SYSFS_NAME_MAX || memchr(name, '/', len))
		return -EINVAL;
	if (len <= 2 && name[0] == '.' && (len == 1 || name[1] == '.'))
		return -EINVAL;
	return 0;
}

/* ---- kernel side ---- */

struct sysfs_node *sysfs_mkdir_at(struct sysfs *fs, struct sysfs_node *at, const char *path,
				  size_t plen, int *err)
{
	struct sysfs_node *cur = at ? at : fs->root, *c;
	const char *p = path, *end = path + plen;
	int dummy, links;

	if (!err)
		err = &dummy;
	*err = -EINVAL;
	if (!path || (!at && plen && path[0] != '/') || cur->kind != SYSFS_DIR)
		return NULL;
	for (;;) {
		const char *slash;
		size_t len;

		while (p < end && *p == '/')
			p++;
		if (p == end)
			return cur;
		slash = memchr(p, '/', (size_t)(end - p));
		len = slash ? (size_t)(slash - p) : (size_t)(end - p);
		if (name_ok(p, len) < 0) {
			*err = -EINVAL;
			return NULL;
		}
		c = lookup(cur, p, len);
		if (c && c->kind == SYSFS_LINK) {
			links = 0;
			if (follow(fs, c, &links, &c) || c->kind != SYSFS_DIR) {
				*err = -EEXIST;
				return NULL;
			}
		} else if (c && c->kind != SYSFS_DIR) {
			*err = -EEXIST;
			return NULL;
		} else if (!c) {
			c = add_child(cur, p, len, SYSFS_DIR);
			if (!c) {
				*err = -ENOMEM;
				return NULL;
			}
		}
		cur = c;
		p += len;
	}
}

/* mkdir -p: an existing directory is not an error. */
int sysfs_mkdir(struct sysfs *fs, const char *path)
{
	int err;

	if (!path || path[0] != '/')
		return -EINVAL;
	return sysfs_mkdir_at(fs, NULL, path, strlen(path), &err) ? 0 : err;
}

int sysfs_attr_at(struct sysfs *fs, struct sysfs_node *dir, const char *name,
		  const struct sysfs_attr_ops *ops, void *obj, long arg)
{
	size_t len = strlen(name);
	struct sysfs_node *n;

	if (!ops || !dir || dir->kind != SYSFS_DIR || name_ok(name, len) < 0)
		return -EINVAL;
	if (lookup(dir, name, len))
		return -EEXIST;
	n = add_child(dir, name, len, SYSFS_ATTR);
	if (!n)
		return -ENOMEM;
	n->u.attr.ops = ops;
	n->u.attr.obj = obj;
	n->u.attr.arg = arg;
	return 0;
}

int sysfs_attr(struct sysfs *fs, const char *path, const struct sysfs_attr_ops *ops, void *obj,
	       long arg)
{
	struct sysfs_node *dir;
	const char *name;
	int ret;

	if (!ops)
		return -EINVAL;
	ret = parent_of(fs, path, true, &dir, &name);
	return ret ? ret : sysfs_attr_at(fs, dir, name, ops, obj, arg);
}

/* Path of a directory node ("" for the root). */
static void node_path(const struct sysfs_node *n, char *buf, size_t size)
{
	size_t len;

	if (n->parent == n) {
		buf[0] = '\0';
		return;
	}
	node_path(n->parent, buf, size);
	len = strlen(buf);
	if (len + 1 < size)
		snprintf(buf + len, size - len, "/%s", n->name);
}

/* The text of a link in `dir` to the absolute path `target`, relative as
 * the kernel writes it (kernfs: one "../" per level from the link's
 * directory up to the common ancestor, then the rest of the target). */
static char *relative_target(const struct sysfs_node *dir, const char *target)
{
	char from[1024], *out;
	const char *f = from, *t = target, *rest;
	size_t ups = 0, len;

	node_path(dir, from, sizeof(from));
	/* Skip the common leading components. */
	for (;;) {
		const char *fe, *te;

		while (*f == '/')
			f++;
		while (*t == '/')
			t++;
		fe = f + strcspn(f, "/");
		te = t + strcspn(t, "/");
		if (fe == f || fe - f != te - t || memcmp(f, t, fe - f) != 0)
			break;
		f = fe;
		t = te;
	}
	rest = t;
	for (; *f; f += strcspn(f, "/")) {
		while (*f == '/')
			f++;
		if (*f)
			ups++;
	}
	len = ups * 3 + strlen(rest) + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < ups; i++)
		strcat(out, "../");
	strcat(out, rest);
	len = strlen(out);
	if (len && out[len - 1] == '/')
		out[len - 1] = '\0';
	if (!*out)
		strcpy(out, ".");
	return out;
}

int sysfs_symlink_at(struct sysfs *fs, struct sysfs_node *dir, const char *name, const char *target)
{
	size_t len = strlen(name);
	struct sysfs_node *n;

	if (!target || !*target || !dir || dir->kind != SYSFS_DIR || name_ok(name, len) < 0)
		return -EINVAL;
	if (lookup(dir, name, len))
		return -EEXIST;
	n = add_child(dir, name, len, SYSFS_LINK);
	if (!n)
		return -ENOMEM;
	n->u.target = target[0] == '/' ? relative_target(dir, target) : strdup(target);
	if (!n->u.target) {
		unlink_child(n);
		node_free(n);
		return -ENOMEM;
	}
	return 0;
}

int sysfs_symlink(struct sysfs *fs, const char *path, const char *target)
{
	struct sysfs_node *dir;
	const char *name;
	int ret;

	if (!target || !*target)
		return -EINVAL;
	ret = parent_of(fs, path, true, &dir, &name);
	return ret ? ret : sysfs_symlink_at(fs, dir, name, target);
}

int sysfs_remove(struct sysfs *fs, const char *path)
{
	struct sysfs_node *n;
	int ret = resolve(fs, path, false, &n);

	if (ret)
		return ret;
	if (n == fs->root)
		return -EBUSY;
	unlink_child(n);
	node_free(n);
	return 0;
}

/* ---- user side ---- */

int sysfs_read(struct sysfs *fs, const char *path, char *buf, size_t size)
{
	struct sysfs_node *n;
	char page[SYSFS_PAGE + 1];
	int ret = resolve(fs, path, true, &n);

	if (ret)
		return ret;
	if (n->kind == SYSFS_DIR)
		return -EISDIR;
	if (!n->u.attr.ops->show)
		return -EACCES;
	if (!size)
		return -EINVAL;
	/* Like Linux, show fills a page of its own (it may block, and the
	 * node may go meanwhile: nothing of it is used after the call). */
	ret = n->u.attr.ops->show(n->u.attr.obj, n->u.attr.arg, page, SYSFS_PAGE);
	if (ret >= 0) {
		if ((size_t)ret > SYSFS_PAGE)
			ret = SYSFS_PAGE;
		if ((size_t)ret >= size)
			ret = (int)size - 1;
		memcpy(buf, page, (size_t)ret);
		buf[ret] = '\0';
	}
	return ret;
}

int sysfs_write(struct sysfs *fs, const char *path, const char *text)
{
	struct sysfs_node *n;
	int (*store)(void *, long, const char *, size_t);
	void *obj;
	long arg;
	int ret = resolve(fs, path, true, &n);

	if (ret)
		return ret;
	if (n->kind == SYSFS_DIR)
		return -EISDIR;
	if (!n->u.attr.ops->store)
		return -EACCES;
	/* The store may block and may remove its own node (mdev "remove"),
	 * so nothing of the node is touched after the call. */
	store = n->u.attr.ops->store;
	obj = n->u.attr.obj;
	arg = n->u.attr.arg;
	return store(obj, arg, text, strlen(text));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sysfs_list(struct sysfs *fs, const char *path, char ***names)
{
	struct sysfs_node *n, *c;
	char **v;
	int count, i = 0;
	int ret = resolve(fs, path, true, &n);

	*names = NULL;
	if (ret)
		return ret;
	if (n->kind != SYSFS_DIR)
		return -ENOTDIR;
	count = (int)n->u.dir.nchildren;
	if (!count)
		return 0; /* nothing to free: *names stays NULL */
	v = calloc((size_t)count + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (c = n->u.dir.first; c; c = c->next) {
		v[i] = strdup(c->name);
		if (!v[i]) {
			sysfs_names_free(v, i);
			return -ENOMEM;
		}
		i++;
	}
	qsort(v, (size_t)count, sizeof(*v), name_cmp);
	*names = v;
	return count;
}

void sysfs_names_free(char **names, int n)
{
	int i;

	if (!names)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int sysfs_readlink(struct sysfs *fs, const char *path, char *buf, size_t size)
{
	struct sysfs_node *n;
	int ret = resolve(fs, path, false, &n);

	if (ret)
		return ret;
	if (n->kind != SYSFS_LINK)
		return -EINVAL;
	if (!size)
		return -EINVAL;
	snprintf(buf, size, "%s", n->u.target);
	return (int)strlen(buf);
}

bool sysfs_is_dir(struct sysfs *fs, const char *path)
{
	struct sysfs_node *n;

	return resolve(fs, path, true, &n) == 0 && n->kind == SYSFS_DIR;
}

bool sysfs_exists(struct sysfs *fs, const char *path)
{
	struct sysfs_node *n;

	return resolve(fs, path, true, &n) == 0;
}

bool sysfs_writable(struct sysfs *fs, const char *path)
{
	struct sysfs_node *n;

	return resolve(fs, path, true, &n) == 0 && n->kind == SYSFS_ATTR && n->u.attr.ops->store;
}
