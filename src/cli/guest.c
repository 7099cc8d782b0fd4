/* The guests of the world: when a VM has started, the world's assembler
 * boots the same OS model on the VM's virtual CSS (on the timeline's tap
 * when there is one) and makes it a node named by -name, with the node's
 * programs plus `poweroff`.  The VMM only says when; this file does it. */
#include "cli/guest.h"

#include <stdlib.h>
#include <string.h>

#include "os/os.h"
#include "user/progs.h"
#include "vmm/vmm.h"

struct vmm_guest {
	struct guests *gs;
	struct vm *vm;
	struct os *os;
	struct node *node; /* NULL once it left the world */
};

static int prog_poweroff(struct proc *p, void *ctx, int argc, char **argv)
{
	struct vmm_guest *g = ctx;

	(void)p, (void)argc, (void)argv;
	vmm_poweroff(g->vm);
	return 0;
}

static bool guest_name_ok(void *ctx, const char *name)
{
	struct guests *gs = ctx;

	return !world_find_node(gs->world, name);
}

static struct vmm_guest *guest_started(void *ctx, struct vm *vm, const char *name,
				       struct css_if css)
{
	struct guests *gs = ctx;
	struct os_config cfg = {.hostname = name};
	struct vmm_guest *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->gs = gs;
	g->vm = vm;
	if (gs->tap)
		css = gs->tap(gs->tap_ctx, css, name);
	g->os = os_create(world_sim(gs->world), css, &cfg);
	if (g->os)
		g->node = world_add_node(gs->world, name, g->os);
	if (!g->node) {
		os_destroy(g->os);
		free(g);
		return NULL;
	}
	node_add_os_progs(g->node);
	node_add_prog(g->node, "poweroff", prog_poweroff, g);
	return g;
}

/* The VM is gone (pkill, poweroff): so are the guest's CPUs.  Its
 * processes cannot run on, and nothing its kernel waits for will come: the
 * kernel is halted (its I/O fails, its waits end) and the processes are
 * killed, so that they end at once instead of waiting for ever. */
static void guest_stopped(void *ctx, struct vmm_guest *guest)
{
	struct vmm_guest *g = guest;

	(void)ctx;
	if (g->node) {
		world_remove_node(g->gs->world, g->node);
		node_kill_others(g->node);
	}
	os_halt(g->os);
	g->node = NULL;
}

static void guest_shutdown(void *ctx, struct vmm_guest *guest)
{
	struct vmm_guest *g = guest;

	(void)ctx;
	/* The end of a run, once its processes had their time to end: the
	 * VM stops with the run, and I/O still in flight by now (a start the
	 * host lost, as upstream's driver can) never ends: the guest kernel
	 * is halted as for a VM that was killed. */
	os_halt(g->os);
}

/* By now the world (and the guest's node) may be gone already. */
static void guest_freed(void *ctx, struct vmm_guest *guest)
{
	struct vmm_guest *g = guest;

	(void)ctx;
	os_destroy(g->os);
	free(g);
}

static const struct vmm_guest_ops guest_ops = {
	.name_ok = guest_name_ok,
	.started = guest_started,
	.stopped = guest_stopped,
	.shutdown = guest_shutdown,
	.freed = guest_freed,
};

void guests_install(struct guests *gs, struct vmm *m)
{
	vmm_set_guest_ops(m, &guest_ops, gs);
}

struct os *guest_os(const struct vm *vm)
{
	const struct vmm_guest *g = vmm_vm_guest(vm);

	return g ? g->os : NULL;
}
