/* The /sys tree of one OS instance: directories, attributes with show/store
 * callbacks, and symlinks.  Children are kept sorted by name so that
 * listing is a walk; trees are small (tens of subchannels and paths). */
#include "os/sysfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum sysfs_kind { SYSFS_DIR, SYSFS_ATTR, SYSFS_LINK };

struct sysfs_node {
	char *name;
	enum sysfs_kind kind;
	struct sysfs_node *parent;
	struct sysfs_node *child; /* first child, sorted by name */
	struct sysfs_node *next;  /* next sibling */
	const struct sysfs_attr_ops *ops;
	void *obj;
	long arg;
	char *target;
};

struct sysfs {
	struct sysfs_node root;
};

/* Symlink chains longer than this are loops (Linux: MAXSYMLINKS = 40). */
#define SYSFS_MAX_LINKS 40
#define SYSFS_PAGE	4096

struct sysfs *sysfs_new(void)
{
	struct sysfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->root.kind = SYSFS_DIR;
	fs->root.parent = &fs->root;
	return fs;
}

static void node_free(struct sysfs_node *n)
{
	struct sysfs_node *c, *next;

	for (c = n->child; c; c = next) {
		next = c->next;
		node_free(c);
	}
	free(n->name);
	free(n->target);
	free(n);
}

void sysfs_free(struct sysfs *fs)
{
	struct sysfs_node *c, *next;

	if (!fs)
		return;
	for (c = fs->root.child; c; c = next) {
		next = c->next;
		node_free(c);
	}
	free(fs);
}

static struct sysfs_node *lookup(struct sysfs_node *dir, const char *name, size_t len)
{
	struct sysfs_node *c;

	for (c = dir->child; c; c = c->next)
		if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

/* Path of a node, for resolving relative link targets. */
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

static int resolve(struct sysfs *fs, const char *path, bool follow_last, int depth,
		   struct sysfs_node **out);

/* Continue a walk through link `l` with the rest of the path. */
static int follow(struct sysfs *fs, struct sysfs_node *l, const char *rest, bool follow_last,
		  int depth, struct sysfs_node **out)
{
	char dir[1024], *np;
	int ret;
	size_t n;

	if (depth >= SYSFS_MAX_LINKS)
		return -ELOOP;
	if (l->target[0] == '/')
		dir[0] = '\0';
	else
		node_path(l->parent, dir, sizeof(dir));
	n = strlen(dir) + strlen(l->target) + strlen(rest) + 4;
	np = malloc(n);
	if (!np)
		return -ENOMEM;
	snprintf(np, n, "%s%s%s%s%s", dir, l->target[0] == '/' ? "" : "/", l->target,
		 *rest ? "/" : "", rest);
	ret = resolve(fs, np, follow_last, depth + 1, out);
	free(np);
	return ret;
}

static int resolve(struct sysfs *fs, const char *path, bool follow_last, int depth,
		   struct sysfs_node **out)
{
	struct sysfs_node *cur = &fs->root, *c;
	const char *p = path;

	if (!path || path[0] != '/')
		return -ENOENT;
	for (;;) {
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		if (cur->kind != SYSFS_DIR)
			return -ENOTDIR;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			cur = cur->parent;
			p += len;
			continue;
		}
		c = lookup(cur, p, len);
		if (!c)
			return -ENOENT;
		p += len;
		while (*p == '/')
			p++;
		if (c->kind == SYSFS_LINK && (*p || follow_last))
			return follow(fs, c, p, follow_last, depth, out);
		cur = c;
	}
	*out = cur;
	return 0;
}

/* Split path into its parent directory (created if `create`) and last name. */
static int parent_of(struct sysfs *fs, const char *path, bool create, struct sysfs_node **dir,
		     const char **name)
{
	char *copy, *slash;
	int ret = 0;

	if (!path || path[0] != '/')
		return -EINVAL;
	slash = strrchr(path, '/');
	if (!slash[1])
		return -EINVAL;
	*name = slash + 1;
	copy = strndup(path, (size_t)(slash - path));
	if (!copy)
		return -ENOMEM;
	if (create && copy[0])
		ret = sysfs_mkdir(fs, copy);
	if (!ret)
		ret = resolve(fs, copy[0] ? copy : "/", true, 0, dir);
	if (!ret && (*dir)->kind != SYSFS_DIR)
		ret = -ENOTDIR;
	free(copy);
	return ret;
}

static struct sysfs_node *add_child(struct sysfs_node *dir, const char *name, enum sysfs_kind kind)
{
	struct sysfs_node *n = calloc(1, sizeof(*n)), **pp;

	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->kind = kind;
	n->parent = dir;
	for (pp = &dir->child; *pp && strcmp((*pp)->name, name) < 0; pp = &(*pp)->next)
		;
	n->next = *pp;
	*pp = n;
	return n;
}

/* mkdir -p: an existing directory is not an error. */
int sysfs_mkdir(struct sysfs *fs, const char *path)
{
	struct sysfs_node *cur = &fs->root, *c;
	const char *p = path;
	char name[256];

	if (!path || path[0] != '/')
		return -EINVAL;
	for (;;) {
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		len = strcspn(p, "/");
		if (len >= sizeof(name) || (len <= 2 && p[0] == '.' && (len == 1 || p[1] == '.')))
			return -EINVAL;
		memcpy(name, p, len);
		name[len] = '\0';
		c = lookup(cur, p, len);
		if (c && c->kind == SYSFS_LINK) {
			struct sysfs_node *t;
			char full[1024];

			node_path(c, full, sizeof(full));
			if (resolve(fs, full, true, 0, &t) || t->kind != SYSFS_DIR)
				return -EEXIST;
			c = t;
		} else if (c && c->kind != SYSFS_DIR) {
			return -EEXIST;
		} else if (!c) {
			c = add_child(cur, name, SYSFS_DIR);
			if (!c)
				return -ENOMEM;
		}
		cur = c;
		p += len;
	}
}

int sysfs_attr(struct sysfs *fs, const char *path, const struct sysfs_attr_ops *ops, void *obj,
	       long arg)
{
	struct sysfs_node *dir, *n;
	const char *name;
	int ret;

	if (!ops)
		return -EINVAL;
	ret = parent_of(fs, path, true, &dir, &name);
	if (ret)
		return ret;
	if (lookup(dir, name, strlen(name)))
		return -EEXIST;
	n = add_child(dir, name, SYSFS_ATTR);
	if (!n)
		return -ENOMEM;
	n->ops = ops;
	n->obj = obj;
	n->arg = arg;
	return 0;
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

int sysfs_symlink(struct sysfs *fs, const char *path, const char *target)
{
	struct sysfs_node *dir, *n;
	const char *name;
	int ret;

	if (!target || !*target)
		return -EINVAL;
	ret = parent_of(fs, path, true, &dir, &name);
	if (ret)
		return ret;
	if (lookup(dir, name, strlen(name)))
		return -EEXIST;
	n = add_child(dir, name, SYSFS_LINK);
	if (!n)
		return -ENOMEM;
	n->target = target[0] == '/' ? relative_target(dir, target) : strdup(target);
	if (!n->target) {
		sysfs_remove(fs, path);
		return -ENOMEM;
	}
	return 0;
}

int sysfs_remove(struct sysfs *fs, const char *path)
{
	struct sysfs_node *n, **pp;
	int ret = resolve(fs, path, false, 0, &n);

	if (ret)
		return ret;
	if (n == &fs->root)
		return -EBUSY;
	for (pp = &n->parent->child; *pp != n; pp = &(*pp)->next)
		;
	*pp = n->next;
	node_free(n);
	return 0;
}

int sysfs_read(struct sysfs *fs, const char *path, char *buf, size_t size)
{
	struct sysfs_node *n;
	char *page;
	int ret = resolve(fs, path, true, 0, &n);

	if (ret)
		return ret;
	if (n->kind == SYSFS_DIR)
		return -EISDIR;
	if (!n->ops->show)
		return -EACCES;
	if (!size)
		return -EINVAL;
	page = calloc(1, SYSFS_PAGE + 1);
	if (!page)
		return -ENOMEM;
	/* Copy the callback: show may block, and the node may go meanwhile. */
	ret = n->ops->show(n->obj, n->arg, page, SYSFS_PAGE);
	if (ret >= 0) {
		if ((size_t)ret > SYSFS_PAGE)
			ret = SYSFS_PAGE;
		if ((size_t)ret >= size)
			ret = (int)size - 1;
		memcpy(buf, page, (size_t)ret);
		buf[ret] = '\0';
	}
	free(page);
	return ret;
}

int sysfs_write(struct sysfs *fs, const char *path, const char *text)
{
	struct sysfs_node *n;
	int (*store)(void *, long, const char *, size_t);
	void *obj;
	long arg;
	int ret = resolve(fs, path, true, 0, &n);

	if (ret)
		return ret;
	if (n->kind == SYSFS_DIR)
		return -EISDIR;
	if (!n->ops->store)
		return -EACCES;
	/* The store may block and may remove its own node (mdev "remove"),
	 * so nothing of the node is touched after the call. */
	store = n->ops->store;
	obj = n->obj;
	arg = n->arg;
	return store(obj, arg, text, strlen(text));
}

int sysfs_list(struct sysfs *fs, const char *path, char ***names)
{
	struct sysfs_node *n, *c;
	char **v;
	int count = 0, i = 0;
	int ret = resolve(fs, path, true, 0, &n);

	*names = NULL;
	if (ret)
		return ret;
	if (n->kind != SYSFS_DIR)
		return -ENOTDIR;
	for (c = n->child; c; c = c->next)
		count++;
	v = calloc((size_t)count + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (c = n->child; c; c = c->next) {
		v[i] = strdup(c->name);
		if (!v[i]) {
			sysfs_names_free(v, i);
			return -ENOMEM;
		}
		i++;
	}
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
	int ret = resolve(fs, path, false, 0, &n);

	if (ret)
		return ret;
	if (n->kind != SYSFS_LINK)
		return -EINVAL;
	if (!size)
		return -EINVAL;
	snprintf(buf, size, "%s", n->target);
	return (int)strlen(buf);
}

bool sysfs_is_dir(struct sysfs *fs, const char *path)
{
	struct sysfs_node *n;

	return resolve(fs, path, true, 0, &n) == 0 && n->kind == SYSFS_DIR;
}

bool sysfs_exists(struct sysfs *fs, const char *path)
{
	struct sysfs_node *n;

	return resolve(fs, path, true, 0, &n) == 0;
}

bool sysfs_writable(struct sysfs *fs, const char *path)
{
	struct sysfs_node *n;

	return resolve(fs, path, true, 0, &n) == 0 && n->kind == SYSFS_ATTR && n->ops->store;
}
