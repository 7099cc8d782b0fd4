/* `chpsync qemu`: the real qemu-system-s390x through the bridge. */
#ifndef CHPSYNC_CLI_QEMU_WRAP_H
#define CHPSYNC_CLI_QEMU_WRAP_H

#include <stdbool.h>
#include <stddef.h>

/* The QEMU binary: $CHPSYNC_QEMU, else qemu-system-s390x (from PATH). */
const char *qemu_binary(void);
/* The bridge library next to the running chpsync binary.  0 or -errno. */
int qemu_bridge_path(char *buf, size_t size);
/* QEMU's argv (malloc'd, NULL-terminated): the binary, argv[0..argc), and
 * the shared RAM backend of the -m size.  Its length, or -1 with err. */
int qemu_wrap_argv(int argc, char **argv, char ***out, char *err, size_t errlen);
/* LD_PRELOAD and CHPSYNC_SOCKET for the QEMU about to be started (in this
 * process's environment).  0, or -1 with err. */
int qemu_wrap_env(const char *socket, char *err, size_t errlen);
/* `chpsync qemu ARGS` (argv[0] = "qemu"): execs QEMU; the status on error. */
int qemu_main(int argc, char **argv);

#endif
