/* A sysfs-like attribute tree per OS instance (/sys/...).  The kernel side
 * creates directories, attributes and symlinks; the commands (lscss, chchp,
 * ...) only read and write attributes by path, as the real tools do.
 * Paths are absolute ("/sys/bus/css/devices/0.0.013f/pimpampom"). */
#ifndef CHPSYNC_OS_SYSFS_H
#define CHPSYNC_OS_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

struct sysfs;

/* show: write the attribute's text (with its trailing "\n") into buf (size
 * bytes); return the length or -errno.  store: parse buf (len bytes, as
 * written, usually with a trailing "\n"); return 0 or -errno.  store runs in
 * the writer's task and may block (e.g. chchp -c waits for SCLP). */
struct sysfs_attr_ops {
	int (*show)(void *obj, long arg, char *buf, size_t size);
	int (*store)(void *obj, long arg, const char *buf, size_t len);
};

struct sysfs *sysfs_new(void);
void sysfs_free(struct sysfs *fs);

/* Kernel side.  Parents are created as needed.  0 or -errno. */
int sysfs_mkdir(struct sysfs *fs, const char *path);
int sysfs_attr(struct sysfs *fs, const char *path, const struct sysfs_attr_ops *ops, void *obj,
	       long arg);
/* An absolute target is stored relative to the link's directory, as the
 * kernel's sysfs links are ("../../../devices/css0/0.0.013f"). */
int sysfs_symlink(struct sysfs *fs, const char *path, const char *target);
/* The same below a directory node, without walking from the root for each
 * entry (a driver creating a device's attributes): sysfs_mkdir_at makes
 * the plen bytes of path (relative to `at`, or absolute with at NULL) a
 * directory as mkdir -p does and returns it (NULL with -errno in *err);
 * the node stays valid until it or a parent is removed. */
struct sysfs_node;
struct sysfs_node *sysfs_mkdir_at(struct sysfs *fs, struct sysfs_node *at, const char *path,
				  size_t plen, int *err);
int sysfs_attr_at(struct sysfs *fs, struct sysfs_node *dir, const char *name,
		  const struct sysfs_attr_ops *ops, void *obj, long arg);
int sysfs_symlink_at(struct sysfs *fs, struct sysfs_node *dir, const char *name,
		     const char *target);
/* Remove a file, link or whole directory tree. */
int sysfs_remove(struct sysfs *fs, const char *path);

/* User side.  Links are followed (absolute or relative targets). */
/* Read: 0..n bytes into buf (NUL-terminated), or -errno (-ENOENT, -EISDIR,
 * -EACCES for write-only attributes). */
int sysfs_read(struct sysfs *fs, const char *path, char *buf, size_t size);
/* Write: 0 or -errno (-ENOENT, -EACCES read-only, or the store's error). */
int sysfs_write(struct sysfs *fs, const char *path, const char *text);
/* Sorted (byte order) names of a directory's entries; *names is a malloc'd
 * array of malloc'd strings, freed with sysfs_names_free (NULL when the
 * directory is empty).  count or -errno. */
int sysfs_list(struct sysfs *fs, const char *path, char ***names);
void sysfs_names_free(char **names, int n);
/* Link target text of a symlink, or -errno. */
int sysfs_readlink(struct sysfs *fs, const char *path, char *buf, size_t size);
bool sysfs_is_dir(struct sysfs *fs, const char *path);
bool sysfs_exists(struct sysfs *fs, const char *path);
/* Attribute has a store method. */
bool sysfs_writable(struct sysfs *fs, const char *path);

#endif
