/* `chpsync run --sysfs-dump DIR`: a node's /sys written out as a real
 * directory tree (docs/real-qemu.md, "The real s390-tools on chpsync's
 * sysfs"). */
#include "cli/sysfs_dump.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/sysfs.h"

#define ATTR_MAX 65536

static int write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	if (len && write(fd, text, len) != (ssize_t)len) {
		int e = errno ? errno : EIO;

		close(fd);
		return -e;
	}
	return close(fd) < 0 ? -errno : 0;
}

static int dump_dir(struct sysfs *fs, const char *path, const char *out, char *buf, char *err,
		    size_t errlen)
{
	char **names = NULL;
	int n = sysfs_list(fs, path, &names), rc = 0;

	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-n));
		return -1;
	}
	if (mkdir(out, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		sysfs_names_free(names, n);
		return -1;
	}
	for (int i = 0; i < n && !rc; i++) {
		char *child = NULL, *dst = NULL;
		int k;

		if (asprintf(&child, "%s/%s", path, names[i]) < 0 ||
		    asprintf(&dst, "%s/%s", out, names[i]) < 0) {
			snprintf(err, errlen, "out of memory");
			free(child);
			rc = -1;
			break;
		}
		k = sysfs_readlink(fs, child, buf, ATTR_MAX);
		if (k >= 0) {
			/* the link as the kernel has it (relative or absolute) */
			if (symlink(buf, dst) < 0 && errno != EEXIST) {
				snprintf(err, errlen, "%s: %s", dst, strerror(errno));
				rc = -1;
			}
		} else if (sysfs_is_dir(fs, child)) {
			rc = dump_dir(fs, child, dst, buf, err, errlen);
		} else {
			/* an attribute: its text, or nothing when it cannot be
			 * read (write-only attributes are mode 0200 as in sysfs) */
			k = sysfs_read(fs, child, buf, ATTR_MAX);
			k = write_file(dst, k >= 0 ? buf : "", k >= 0 ? (size_t)k : 0,
				       k == -EACCES		   ? 0200
				       : sysfs_writable(fs, child) ? 0644
								   : 0444);
			if (k < 0) {
				snprintf(err, errlen, "%s: %s", dst, strerror(-k));
				rc = -1;
			}
		}
		free(child);
		free(dst);
	}
	sysfs_names_free(names, n);
	return rc;
}

int sysfs_dump(struct sysfs *fs, const char *dir, char *err, size_t errlen)
{
	char *buf = malloc(ATTR_MAX);
	int rc;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = dump_dir(fs, "/sys", dir, buf, err, errlen);
	free(buf);
	return rc;
}
