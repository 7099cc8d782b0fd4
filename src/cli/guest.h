/* The world's assembler boots the guests of a VMM's VMs (cli/guest.c). */
#ifndef CHPSYNC_CLI_GUEST_H
#define CHPSYNC_CLI_GUEST_H

#include "arch/css_if.h"
#include "user/node.h"

struct vm;
struct vmm;

struct guests {
	struct world *world; /* where the guest nodes go */
	/* Optional: what a guest OS boots on instead of the VM's CSS (the
	 * timeline's css tap); NULL: the VM's own. */
	struct css_if (*tap)(void *ctx, struct css_if css, const char *name);
	void *tap_ctx;
};

/* From now on each VM m starts gets a guest OS node in gs->world (gs must
 * live as long as m). */
void guests_install(struct guests *gs, struct vmm *m);
/* The OS the assembler booted for vm, NULL if none. */
struct os *guest_os(const struct vm *vm);

#endif
