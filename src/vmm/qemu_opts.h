/* qemu-system-s390x command line: the options chpsync's VMM understands,
 * parsed with QEMU's error messages. */
#ifndef CHPSYNC_VMM_QEMU_OPTS_H
#define CHPSYNC_VMM_QEMU_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/ids.h"
#include "vmm/vdev.h"

#define QEMU_PROG      "qemu-system-s390x"
#define VM_MAX_DEVICES 256
#define VM_DEFAULT_MEM (128ull << 20) /* QEMU's default -m */

enum vm_dev_kind {
	VM_DEV_VFIO_CCW,
	VM_DEV_VIRTIO_RNG,
	VM_DEV_VIRTIO_BALLOON,
};

struct vm_dev_opts {
	enum vm_dev_kind kind;
	struct ccw_id devno;
	bool has_devno;
	char sysfsdev[256];
	enum chpsync_policy chpsync;
	char arg[512]; /* the option argument, for error messages */
};

struct vm_opts {
	char name[32];
	bool sclp_chp_info;
	uint64_t mem;
	bool daemonize;
	int ndev;
	struct vm_dev_opts dev[VM_MAX_DEVICES];
};

/* Parse argv (argv[0] is the program).  0, or -1 with the whole message
 * ("qemu-system-s390x: -device foo: ...", possibly several lines, no
 * trailing newline) in err. */
int qemu_opts_parse(int argc, char **argv, struct vm_opts *o, char *err, size_t errlen);

/* "-m" sizes: a number with an optional k/M/G/T suffix (default M). */
int qemu_parse_size(const char *s, uint64_t *out);

#endif
