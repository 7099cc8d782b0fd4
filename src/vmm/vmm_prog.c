/* qemu-system-s390x as a program of the host node.
 *
 * `qemu-system-s390x ... -daemonize` returns 0 as soon as the VM exists:
 * the guest node is in the world and its OS boots from events shortly
 * after.  Without -daemonize the process runs until the guest powers off
 * (`poweroff` on the guest node), so scenarios start it with `&`.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/shell.h"
#include "vmm/vm.h"

/* The VMM state of one host node: the VMs its qemu-system-s390x started.
 * A small registry so that vmm_vms() and vmm_cleanup() can find them. */
struct vmm {
	struct node *host;
	struct world *world;
	struct vm *vms;
	struct vmm *next;
};

static struct vmm *vmm_list;

static int qemu_main(struct proc *p, void *ctx, int argc, char **argv)
{
	struct vmm *m = ctx;
	struct vmm_host host = {&vmm_host_linux, proc_os(p)};
	struct vm_opts *o = malloc(sizeof(*o));
	char err[1024];
	struct vm *vm;

	if (!o) {
		proc_eprintf(p, "%s: out of memory\n", QEMU_PROG);
		return 1;
	}
	if (qemu_opts_parse(argc, argv, o, err, sizeof(err))) {
		proc_eprintf(p, "%s\n", err);
		free(o);
		return 1;
	}
	vm = vm_create(&host, proc_node(p), o, err, sizeof(err));
	if (!vm) {
		proc_eprintf(p, "%s\n", err);
		return 1;
	}
	vm->next = m->vms;
	m->vms = vm;
	if (o->daemonize)
		return 0;
	while (vm->running)
		sim_wait(proc_sim(p), &vm->quit_wq);
	return 0;
}

void vmm_install(struct node *host)
{
	struct vmm *m = calloc(1, sizeof(*m));

	if (!m)
		return;
	m->host = host;
	m->world = node_world(host);
	m->next = vmm_list;
	vmm_list = m;
	node_add_prog(host, "qemu-system-s390x", qemu_main, m);
}

struct vm *vmm_vms(struct node *host)
{
	for (struct vmm *m = vmm_list; m; m = m->next)
		if (m->host == host)
			return m->vms;
	return NULL;
}

int vmm_kill(struct node *host, const char *name)
{
	for (struct vm *vm = vmm_vms(host); vm; vm = vm->next) {
		if (vm->running && !strcmp(vm->opts->name, name)) {
			vm_quit(vm);
			return 0;
		}
	}
	return -ENOENT;
}

void vmm_cleanup(struct world *w)
{
	struct vmm **pp = &vmm_list;

	while (*pp) {
		struct vmm *m = *pp;

		if (m->world != w) {
			pp = &m->next;
			continue;
		}
		*pp = m->next;
		while (m->vms) {
			struct vm *vm = m->vms;

			m->vms = vm->next;
			vm_free(vm);
		}
		free(m);
	}
}
