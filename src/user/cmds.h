/* The programs of an OS node (src/user/cmd_*.c), registered by
 * node_add_os_progs() (progs.c).  Private to src/user. */
#ifndef CHPSYNC_USER_CMDS_H
#define CHPSYNC_USER_CMDS_H

#include <stdbool.h>
#include <stdint.h>

#include "user/node.h"

/* The s390-tools release the C tools' --version prints. */
#define S390_TOOLS_RELEASE "2.43.0"

int cmd_lscss(struct proc *p, void *ctx, int argc, char **argv);
int cmd_lschp(struct proc *p, void *ctx, int argc, char **argv);
int cmd_chchp(struct proc *p, void *ctx, int argc, char **argv);
int cmd_chccwdev(struct proc *p, void *ctx, int argc, char **argv);
int cmd_lsdasd(struct proc *p, void *ctx, int argc, char **argv);
int cmd_dmesg(struct proc *p, void *ctx, int argc, char **argv);
int cmd_dd(struct proc *p, void *ctx, int argc, char **argv);
int cmd_md5sum(struct proc *p, void *ctx, int argc, char **argv);
int cmd_cmp(struct proc *p, void *ctx, int argc, char **argv);
int cmd_cat(struct proc *p, void *ctx, int argc, char **argv);
int cmd_head(struct proc *p, void *ctx, int argc, char **argv);
int cmd_tail(struct proc *p, void *ctx, int argc, char **argv);
int cmd_grep(struct proc *p, void *ctx, int argc, char **argv);
int cmd_wc(struct proc *p, void *ctx, int argc, char **argv);
int cmd_printf(struct proc *p, void *ctx, int argc, char **argv);
int cmd_tr(struct proc *p, void *ctx, int argc, char **argv);
int cmd_driverctl(struct proc *p, void *ctx, int argc, char **argv);
int cmd_mdevctl(struct proc *p, void *ctx, int argc, char **argv);

/* First line of a sysfs attribute without its newline ("" if missing or
 * unreadable), as s390-tools' util_file_read_line. */
void sysfs_read_line(struct proc *p, const char *path, char *buf, size_t size);

/* Reading a named input the way coreutils tools do: "-" is stdin, /dev/ files
 * and /tmp/ files go through the vfs, /sys/ files through sysfs_read. */
struct vfs_file;
struct uinput {
	struct proc *p;
	struct vfs_file *f;
	uint64_t off;
	bool is_stdin;
	char *mem; /* a /sys attribute's text */
	size_t memlen, mempos;
};
/* 0 or -errno. */
int uinput_open(struct proc *p, const char *path, struct uinput *in);
/* Bytes read, 0 at EOF, -errno. */
long uinput_read(struct uinput *in, void *buf, size_t len);
void uinput_close(struct uinput *in);

#endif
