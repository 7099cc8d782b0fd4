/* Read-only views of what the VMM holds for its pass-through devices (the
 * timeline samples them at every event).  They change nothing. */
#include <string.h>

#include "vmm/vfio_ccw_priv.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

static void dev_view(const struct vm *vm, const struct vm_dev_opts *o, const struct vfio_ccw_dev *d,
		     struct vmm_dev_view *v)
{
	const struct pmcw *p = &d->sch->pmcw;

	memset(v, 0, sizeof(*v));
	v->vm = vm->opts->name;
	v->sysfsdev = o->sysfsdev;
	v->guest_schno = d->sch->schno;
	v->guest_devno = p->devno;
	v->policy = d->pol->name;
	v->dirty = d->dirty;
	v->stale = d->stale;
	v->unplugged = d->unplugged;
	v->pim = p->pim;
	v->pam = p->pam;
	v->pom = p->pom;
	v->pnom = p->pnom;
	v->lpum = p->lpum;
	memcpy(v->chpid, p->chpid, sizeof(v->chpid));
	v->host_stsch = d->st.host_stsch;
	v->crws_read = d->st.crws_read;
	v->io_irqs = d->st.io_irqs;
	v->guest_stsch = d->st.guest_stsch;
}

int vmm_dev_views(const struct vmm *m, void (*fn)(void *ctx, const struct vmm_dev_view *v),
		  void *ctx)
{
	struct vmm_dev_view v;
	int n = 0;

	for (struct vm *vm = vmm_vms(m); vm; vm = vm->next) {
		int k = 0;

		if (!vm->running)
			continue;
		for (int i = 0; i < vm->opts->ndev && k < vm->nvfio; i++) {
			if (vm->opts->dev[i].kind != VM_DEV_VFIO_CCW)
				continue;
			dev_view(vm, &vm->opts->dev[i], vm->vfio[k++], &v);
			fn(ctx, &v);
			n++;
		}
	}
	return n;
}
