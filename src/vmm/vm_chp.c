/* Per-VM channel-path plumbing.
 *
 * Eager CRW coalescing: every eager vfio-ccw device hands the CRWs it drains
 * to its VM.  The VM collects them for VM_CRW_COALESCE_NS, then refreshes
 * the path fields of every device concerned (one host STSCH each) and
 * queues each distinct CRW once (an identical CRW still waiting in the
 * guest's queue absorbs it too; one that only repeats the last CRW of its
 * CHPID without any path change is dropped).  So a host event on a CHPID shared by N
 * pass-through devices costs the guest one CRW and one machine check, and
 * the guest's following STSCHs cost the host nothing.
 *
 * SCLP READ CHANNEL-PATH INFORMATION (sclp-chp-info=on): answered from the
 * host's configure state, read as QEMU reads host facts, from host sysfs
 * (/sys/devices/css0/chp0.XX/configure), in a task because that read may
 * wait for the host's own SCLP.  Virtual CHPIDs are configured.
 */
#include "vmm/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/crw.h"
#include "arch/sclp.h"

static bool batch_names_chpid_of(const struct vm *vm, struct vfio_ccw_dev *d)
{
	for (int i = 0; i < vm->nbatch; i++) {
		struct crw c;

		crw_decode(vm->batch[i], &c);
		if (c.rsc == CRW_RSC_CPATH && vfio_ccw_dev_uses_chpid(d, (uint8_t)c.rsid))
			return true;
	}
	return false;
}

/* A guest program found a path of the CHPID not operational since the
 * guest was last told of it. */
static bool chpid_failed_since(const struct vm *vm, uint8_t chpid)
{
	for (int i = 0; i < vm->nvfio; i++)
		if (vfio_ccw_dev_path_failed(vm->vfio[i], chpid))
			return true;
	return false;
}

/* Let every device's policy refresh it (eager: one that was signalled or
 * uses a CHPID the batch reports; its own CRW may still be on the way;
 * chpsync_eager.c), then inject each CRW
 * unless it repeats the last one injected for its CHPID, no device's
 * paths changed and no program of the guest found a path of that CHPID
 * not operational since: the host reports one event once per subchannel
 * and sometimes twice per subchannel (SCLP completion and the machine's
 * own CRW); the guest needs it once.  But a link repaired after the CHPID
 * was configured on while its link was down changes no path field (the
 * POM bit comes back only when a program uses the path again), and its
 * report repeats the configure's: the guest, whose path verification
 * found the path not operational in between, must hear of it, or it
 * waits for its recovery timer with every path back. */
static void flush_batch(void *arg)
{
	struct vm *vm = arg;
	bool changed = false;

	vm->flush_ev = NULL;
	for (int i = 0; i < vm->nvfio; i++) {
		struct vfio_ccw_dev *d = vm->vfio[i];

		changed |= vfio_ccw_dev_flush(d, batch_names_chpid_of(vm, d));
	}
	for (int i = 0; i < vm->nbatch; i++) {
		uint32_t crw = vm->batch[i];
		struct crw c;
		uint32_t *last;

		crw_decode(crw, &c);
		last = c.rsc == CRW_RSC_CPATH ? &vm->last_crw[c.rsid & 0xff] : NULL;
		if (last && *last == crw && !changed && !vm->batch_lost &&
		    !chpid_failed_since(vm, (uint8_t)c.rsid)) {
			vm->st.crws_suppressed++;
			continue;
		}
		/* Reports were lost on the way: tell the guest (R bit). */
		if (vm->batch_lost && i == vm->nbatch - 1)
			crw |= 0x20000000u;
		if (last) {
			*last = crw;
			for (int k = 0; k < vm->nvfio; k++)
				vfio_ccw_dev_path_told(vm->vfio[k], (uint8_t)c.rsid);
		}
		if (vcss_queue_crw(vm->css, crw, true))
			vm->st.crws_injected++;
	}
	vm->nbatch = 0;
	vm->batch_lost = false;
}

void vm_crw_sink(void *ctx, struct vfio_ccw_dev *dev, uint32_t crw)
{
	struct vm *vm = ctx;
	int i;

	(void)dev; /* already marked dirty by the device */
	vm->st.crws_from_host++;
	if (!vm->running)
		return;
	for (i = 0; i < vm->nbatch; i++)
		if (vm->batch[i] == crw)
			break;
	if (i == vm->nbatch) {
		if (vm->nbatch < VM_CRW_BATCH_MAX)
			vm->batch[vm->nbatch++] = crw;
		else
			vm->batch_lost = true;
	}
	if (!vm->flush_ev)
		vm->flush_ev = sim_at(vm->sim, VM_CRW_COALESCE_NS, flush_batch, vm);
}

/* The host's SCLP state of a CHPID: 0 standby, 1 configured, 2 reserved,
 * 3 not recognized (also when the host cannot tell). */
static int host_configure(struct vm *vm, unsigned chpid)
{
	char path[64], buf[16];

	snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/configure", chpid);
	if (vm->host.ops->sysfs_read(vm->host.ctx, path, buf, sizeof(buf)) <= 0)
		return 3;
	if (buf[0] < '0' || buf[0] > '3')
		return 3;
	return buf[0] - '0';
}

static void chp_info_task(void *arg)
{
	struct vm *vm = arg;
	struct sclp_chp_info info = {0};
	uint64_t sccb = vm->sclp_sccb;
	uint8_t *p;

	for (unsigned id = 0; id < 256; id++) {
		bool virt;
		int state;

		if (!vcss_chpid_in_use(vm->css, (uint8_t)id, NULL, &virt))
			continue;
		state = virt ? SCLP_CHP_CONFIGURED : host_configure(vm, id);
		sclp_chp_info_set(&info, (uint8_t)id, (enum sclp_chp_state)state);
	}
	p = storage_ptr(vm->gmem, sccb, SCLP_CHP_INFO_SCCB_SIZE);
	if (p)
		sclp_chp_info_encode(&info, p);
	vm->st.sclp_chp_reads++;
	vcss_sclp_complete(vm->css, sccb, SCLP_RC_NORMAL_READ_COMPLETION);
}

void vm_sclp_chp_info(void *ctx, struct vcss *css, uint64_t sccb)
{
	struct vm *vm = ctx;

	(void)css;
	if (vm->sclp_task && sim_task_done(vm->sclp_task)) {
		sim_task_free(vm->sclp_task);
		vm->sclp_task = NULL;
	}
	if (vm->sclp_task) {
		/* Cannot happen: the vcss takes one SERVICE CALL at a time. */
		vcss_sclp_complete(vm->css, sccb, SCLP_RC_INVALID_SCLP_COMMAND);
		return;
	}
	vm->sclp_sccb = sccb;
	vm->sclp_task = sim_task_spawn(vm->sim, "qemu-sclp", chp_info_task, vm);
}
