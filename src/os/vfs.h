/* Files other than /sys: device nodes (/dev/zero, /dev/null, /dev/urandom,
 * block devices /dev/dasda, /dev/dasda1) and an in-memory /tmp for regular
 * files.  Reads and writes run in the calling task and may block. */
#ifndef CHPSYNC_OS_VFS_H
#define CHPSYNC_OS_VFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct os;
struct vfs;

struct vfs_dev_ops {
	/* Return bytes transferred (short only at the end of the device) or
	 * -errno.  Block devices need not be called with aligned ranges: the
	 * vfs does read-modify-write for partial blocks via the device's
	 * block size. */
	ssize_t (*read)(void *priv, void *buf, size_t len, uint64_t off);
	ssize_t (*write)(void *priv, const void *buf, size_t len, uint64_t off);
	uint64_t (*size)(void *priv);	 /* bytes; UINT64_MAX for a stream */
	unsigned (*blksize)(void *priv); /* NULL (or 0) for character devices */
};

struct vfs *vfs_new(struct os *os);
void vfs_free(struct vfs *v);
/* Size of /tmp: all its files together (default 1 GiB). */
void vfs_set_tmp_max(struct vfs *v, uint64_t bytes);

/* Register /dev/<name>.  0 or -EEXIST. */
int vfs_register_dev(struct vfs *v, const char *name, const struct vfs_dev_ops *ops, void *priv);
void vfs_unregister_dev(struct vfs *v, const char *name);

/* Open files for commands. */
struct vfs_file;
#define VFS_RD	  1
#define VFS_WR	  2
#define VFS_CREAT 4
#define VFS_TRUNC 8
/* O_DIRECT: on a block device, offsets and lengths must be multiples of
 * its block size (-EINVAL), and a buffer in the OS's storage
 * (os_umem_alloc) is where the device reads or writes, without a copy. */
#define VFS_DIRECT 16
struct vfs_file *vfs_open(struct vfs *v, const char *path, int flags, int *err);
ssize_t vfs_pread(struct vfs_file *f, void *buf, size_t len, uint64_t off);
ssize_t vfs_pwrite(struct vfs_file *f, const void *buf, size_t len, uint64_t off);
uint64_t vfs_size(struct vfs_file *f);
/* Set a regular file's length (zero-filled when growing); -EINVAL for
 * device nodes, -EBADF if not open for writing. */
int vfs_truncate(struct vfs_file *f, uint64_t len);
void vfs_close(struct vfs_file *f);
/* fcntl(F_SETFL) of O_DIRECT. */
void vfs_set_direct(struct vfs_file *f, bool on);

#endif
