/* Helpers shared by the node commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"
#include "os/vfs.h"

void sysfs_read_line(struct proc *p, const char *path, char *buf, size_t size)
{
	struct sysfs *fs = proc_sysfs(p);
	int n;

	buf[0] = '\0';
	if (!fs)
		return;
	n = sysfs_read(fs, path, buf, size);
	if (n < 0) {
		buf[0] = '\0';
		return;
	}
	buf[strcspn(buf, "\n")] = '\0';
}

int uinput_open(struct proc *p, const char *path, struct uinput *in)
{
	struct sysfs *fs = proc_sysfs(p);
	struct vfs *v = proc_vfs(p);
	int err = 0;

	memset(in, 0, sizeof(*in));
	in->p = p;
	if (strcmp(path, "-") == 0) {
		in->is_stdin = true;
		return 0;
	}
	if (!fs || !v)
		return -ENOENT;
	if (strncmp(path, "/sys/", 5) == 0 || strcmp(path, "/sys") == 0) {
		int n;

		if (sysfs_is_dir(fs, path))
			return -EISDIR;
		in->mem = malloc(4097);
		if (!in->mem)
			return -ENOMEM;
		n = sysfs_read(fs, path, in->mem, 4097);
		if (n < 0) {
			free(in->mem);
			in->mem = NULL;
			return n == -EACCES ? -EACCES : n;
		}
		in->memlen = (size_t)n;
		return 0;
	}
	in->f = vfs_open(v, path, VFS_RD, &err);
	return in->f ? 0 : err;
}

long uinput_read(struct uinput *in, void *buf, size_t len)
{
	ssize_t r;

	if (in->is_stdin)
		return proc_read_stdin(in->p, buf, len);
	if (in->mem) {
		size_t n = in->memlen - in->mempos < len ? in->memlen - in->mempos : len;

		memcpy(buf, in->mem + in->mempos, n);
		in->mempos += n;
		return (long)n;
	}
	r = proc_pread(in->p, in->f, buf, len, in->off);
	if (r > 0)
		in->off += (uint64_t)r;
	return (long)r;
}

void uinput_close(struct uinput *in)
{
	vfs_close(in->f);
	free(in->mem);
	memset(in, 0, sizeof(*in));
}
