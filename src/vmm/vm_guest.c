/* The guest of a VM: the same OS model on the virtual CSS, as a node of
 * the world named by -name, with the node's programs plus `poweroff`. */
#include "vmm/vm.h"

#include <stdio.h>
#include <stdlib.h>

#include "os/os.h"
#include "user/progs.h"

static void guest_remove_node(struct vm *vm)
{
	world_remove_node(node_world(vm->guest_node), vm->guest_node);
}

static void guest_destroy(struct vm *vm)
{
	os_destroy(vm->guest);
	vm->guest = NULL;
}

static const struct vm_guest_ops guest_ops = {guest_remove_node, guest_destroy};

static int prog_poweroff(struct proc *p, void *ctx, int argc, char **argv)
{
	struct vm *vm = ctx;

	(void)p, (void)argc, (void)argv;
	vm_quit(vm);
	return 0;
}

struct vm *vm_create(const struct vmm_host *host, struct node *host_node, struct vm_opts *opts,
		     vmm_guest_css_fn guest_css, void *guest_css_ctx, char *err, size_t errlen)
{
	struct world *w = node_world(host_node);
	struct os_config cfg = {.hostname = opts->name};
	struct css_if css;
	struct vm *vm;

	if (world_find_node(w, opts->name)) {
		snprintf(err, errlen, "%s: -name %s: guest name '%s' is already in use", QEMU_PROG,
			 opts->name, opts->name);
		free(opts);
		return NULL;
	}
	vm = vm_create_bare(host, world_sim(w), opts, err, errlen);
	if (!vm)
		return NULL;
	vm->host_node = host_node;
	vm->guest_ops = &guest_ops;
	css = vcss_css_if(vm->css);
	if (guest_css)
		css = guest_css(guest_css_ctx, css, vm->opts->name);
	vm->guest = os_create(vm->sim, css, &cfg);
	if (vm->guest)
		vm->guest_node = world_add_node(w, opts->name, vm->guest);
	if (!vm->guest_node) {
		snprintf(err, errlen, "%s: cannot start the guest", QEMU_PROG);
		vm_free(vm);
		return NULL;
	}
	node_add_os_progs(vm->guest_node);
	node_add_prog(vm->guest_node, "poweroff", prog_poweroff, vm);
	return vm;
}
