/* Scenarios with the real QEMU and a real s390x Linux guest
 * (`chpsync run|check --real-qemu`, docs/real-qemu.md).
 *
 * The world runs behind a `chpsync serve` on a socket in its work
 * directory.  The host's `qemu-system-s390x ...` starts the system's QEMU
 * (or $CHPSYNC_QEMU) through the bridge, booting the guest image of
 * guest/mkimage.sh; the guest's prompt lines are typed into its console.
 * Host and hmc commands run with the world paced to wall time while a real
 * QEMU is attached.  Values of the real guest that cannot be stable are
 * masked (realqemu_mask): nothing else is changed.
 */
#ifndef CHPSYNC_CLI_REALQEMU_H
#define CHPSYNC_CLI_REALQEMU_H

#include <stddef.h>

#include "cli/runner.h"

struct realqemu;

/* Attach to a created world.  image: the directory with vmlinuz and
 * initrd.img.  NULL with "what is wrong" in err. */
struct realqemu *realqemu_new(struct run_world *rw, const char *image, char *err, size_t errlen);
/* End the real guests still running (SIGTERM), then the service. */
void realqemu_free(struct realqemu *rq);
/* Run one command line on a node (host, hmc, or a real guest) to its end;
 * as run_command(). */
enum run_result realqemu_command(struct realqemu *rq, const char *node, const char *cmd,
				 char **out);

/* The masking rule for a real guest's console text, in place: a kernel
 * log time stamp "[%5lu.%06lu]" at the start of a line becomes "[T]";
 * dd's summary ", S seconds, R" becomes ", T seconds, R/s"; carriage
 * returns are dropped.  A command after which QEMU ends (poweroff) has no
 * output: what the console prints on the way down races with QEMU's exit. */
void realqemu_mask(char *text);

/* The guest image directory: $CHPSYNC_GUEST_IMAGE, else what
 * `guest/mkimage.sh --print` reports for the cache; 0 or -1 with err. */
int realqemu_image(char *buf, size_t size, char *err, size_t errlen);

#endif
