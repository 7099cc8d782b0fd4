/* A node's /sys as a real directory tree (`chpsync run --sysfs-dump`). */
#ifndef CHPSYNC_CLI_SYSFS_DUMP_H
#define CHPSYNC_CLI_SYSFS_DUMP_H

#include <stddef.h>

struct sysfs;

/* Write /sys of fs under dir (created): directories, attributes as files
 * with the text a read gives (write-only ones empty, mode 0200; writable
 * ones 0644, others 0444), links with their target text.  Call from a
 * task: an attribute's show may wait (SCLP).  0, or -1 with err. */
int sysfs_dump(struct sysfs *fs, const char *dir, char *err, size_t errlen);

#endif
