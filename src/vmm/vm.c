/* VM lifecycle: guest storage (process memory of the VMM inside host
 * storage, DMA-mapped at IOVA 0 for every vfio-ccw device), the virtual
 * CSS, the devices in -device order, and the guest OS with its node. */
#include "vmm/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VM_MEM_ALIGN (1ull << 20)

static uint16_t free_devno(const struct vm_opts *o)
{
	for (unsigned no = 0; no <= 0xffff; no++) {
		bool used = false;

		for (int i = 0; i < o->ndev && !used; i++)
			used = o->dev[i].has_devno && o->dev[i].devno.no == no;
		if (!used)
			return (uint16_t)no;
	}
	return 0;
}

static int add_device(struct vm *vm, struct vm_dev_opts *d, char *err, size_t errlen)
{
	char msg[512];

	if (!d->has_devno) {
		d->devno.cssid = 0xfe;
		d->devno.no = free_devno(vm->opts);
		d->has_devno = true;
	}
	if (d->kind == VM_DEV_VFIO_CCW) {
		struct vfio_ccw_crw_sink sink = {vm_crw_sink, vm};
		struct vfio_ccw_dev *v;

		v = vfio_ccw_dev_realize(&vm->host, vm->css, d->sysfsdev, d->devno.no, d->chpsync,
					 vm->mem_addr, vm->gmem->size, &sink, msg, sizeof(msg));
		if (!v)
			goto fail;
		vm->vfio[vm->nvfio++] = v;
		return 0;
	}
	vm->virtio[vm->nvirtio] =
		vdev_virtio_new(vm->css, d->devno.no,
				d->kind == VM_DEV_VIRTIO_RNG ? VIRTIO_ID_RNG : VIRTIO_ID_BALLOON);
	if (!vm->virtio[vm->nvirtio]) {
		snprintf(msg, sizeof(msg), "no free subchannel");
		goto fail;
	}
	vm->nvirtio++;
	return 0;
fail:
	snprintf(err, errlen, "%s: -device %s: %s", QEMU_PROG, d->arg, msg);
	return -1;
}

struct vm *vm_create_bare(const struct vmm_host *host, struct sim *sim, struct vm_opts *opts,
			  char *err, size_t errlen)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		goto nomem;
	vm->host = *host;
	vm->sim = sim;
	vm->opts = opts;
	vm->virtio = calloc((size_t)opts->ndev + 1, sizeof(*vm->virtio));
	vm->vfio = calloc((size_t)opts->ndev + 1, sizeof(*vm->vfio));
	if (!vm->virtio || !vm->vfio)
		goto nomem;
	vm->gmem = host->ops->mem_alloc(host->ctx, opts->mem, VM_MEM_ALIGN, &vm->mem_addr);
	if (!vm->gmem) {
		snprintf(err, errlen,
			 "%s: cannot set up guest memory 's390.ram': Cannot allocate memory",
			 QEMU_PROG);
		goto fail;
	}
	vm->css = vcss_new(sim, vm->gmem);
	if (!vm->css)
		goto nomem;
	vm->running = true;
	if (opts->sclp_chp_info)
		vcss_set_chp_info(vm->css, vm_sclp_chp_info, vm);
	for (int i = 0; i < opts->ndev; i++)
		if (add_device(vm, &opts->dev[i], err, errlen))
			goto fail;
	return vm;
nomem:
	snprintf(err, errlen, "%s: out of memory", QEMU_PROG);
fail:
	vm_free(vm);
	return NULL;
}

void vm_quit(struct vm *vm)
{
	if (!vm->running)
		return;
	vm->running = false;
	vcss_stop(vm->css);
	sim_cancel(vm->sim, vm->flush_ev);
	vm->flush_ev = NULL;
	/* The host side goes now: the mdev is free for another VM. */
	for (int i = 0; i < vm->nvfio; i++)
		vfio_ccw_dev_free(vm->vfio[i]);
	vm->nvfio = 0;
	if (vm->guest && vm->guest_ops->stopped && !vm->freeing)
		vm->guest_ops->stopped(vm->guest_ctx, vm->guest);
	sim_wake(vm->sim, &vm->quit_wq);
}

void vm_free(struct vm *vm)
{
	if (!vm)
		return;
	/* By now the world (and the guest's node) may be gone already. */
	vm->freeing = true;
	free(vm->cmdline);
	vm->cmdline = NULL;
	if (vm->css)
		vm_quit(vm);
	for (int i = 0; i < vm->nvfio; i++)
		vfio_ccw_dev_free(vm->vfio[i]);
	for (int i = 0; i < vm->nvirtio; i++)
		vdev_virtio_free(vm->virtio[i]);
	if (vm->sclp_task && sim_task_done(vm->sclp_task))
		sim_task_free(vm->sclp_task);
	if (vm->guest && vm->guest_ops->freed)
		vm->guest_ops->freed(vm->guest_ctx, vm->guest);
	vcss_free(vm->css);
	if (vm->gmem)
		vm->host.ops->mem_free(vm->host.ctx, vm->gmem, vm->mem_addr);
	free(vm->virtio);
	free(vm->vfio);
	free(vm->opts);
	free(vm);
}

struct vm *vm_create(const struct vmm_host *host, struct sim *sim, struct vm_opts *opts,
		     const struct vmm_guest_ops *guest_ops, void *guest_ctx, char *err,
		     size_t errlen)
{
	struct vm *vm;

	if (guest_ops && guest_ops->name_ok && !guest_ops->name_ok(guest_ctx, opts->name)) {
		snprintf(err, errlen, "%s: -name %s: guest name '%s' is already in use", QEMU_PROG,
			 opts->name, opts->name);
		free(opts);
		return NULL;
	}
	vm = vm_create_bare(host, sim, opts, err, errlen);
	if (!vm || !guest_ops || !guest_ops->started)
		return vm;
	vm->guest_ops = guest_ops;
	vm->guest_ctx = guest_ctx;
	vm->guest = guest_ops->started(guest_ctx, vm, vm->opts->name, vcss_css_if(vm->css));
	if (!vm->guest) {
		snprintf(err, errlen, "%s: cannot start the guest", QEMU_PROG);
		vm_free(vm);
		return NULL;
	}
	return vm;
}

void vmm_poweroff(struct vm *vm)
{
	vm_quit(vm);
}

struct vmm_guest *vmm_vm_guest(const struct vm *vm)
{
	return vm->guest;
}
