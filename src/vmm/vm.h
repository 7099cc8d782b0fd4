/* A virtual machine: guest storage inside host storage, the virtual CSS,
 * its devices, the guest OS node, and the per-VM channel-path plumbing
 * (eager CRW coalescing, SCLP channel-path information).  Internal to the
 * VMM; tests and benchmarks use it for figures. */
#ifndef CHPSYNC_VMM_VM_H
#define CHPSYNC_VMM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"
#include "vmm/qemu_opts.h"
#include "vmm/vcss.h"
#include "vmm/vdev.h"
#include "vmm/vmm.h"

/* Eager: CRWs from several devices within this window become one batch,
 * so one host event costs the guest one CRW per (CHPID, event). */
#define VM_CRW_COALESCE_NS 0
#define VM_CRW_BATCH_MAX   64

struct vm;

struct vm_stats {
	uint64_t crws_from_host;  /* CRWs drained from all CRW regions (eager) */
	uint64_t crws_injected;	  /* CRWs queued to the guest */
	uint64_t crws_suppressed; /* repeats of a CHPID's last CRW without news */
	uint64_t sclp_chp_reads;  /* guest READ CHANNEL-PATH INFORMATION served */
};

struct vm {
	struct vm *next;
	struct vmm_host host;
	struct sim *sim;
	struct vm_opts *opts;
	uint64_t mem_addr; /* guest storage in host storage */
	struct storage *gmem;
	struct vcss *css;
	struct vdev_virtio **virtio;
	int nvirtio;
	struct vfio_ccw_dev **vfio;
	int nvfio;
	/* the guest the world's assembler booted on the virtual CSS */
	const struct vmm_guest_ops *guest_ops;
	void *guest_ctx;
	struct vmm_guest *guest;
	bool running;
	bool freeing;  /* vm_free: the guest's world may be gone */
	char *cmdline; /* argv joined by blanks (what `pkill -f` matches) */
	struct sim_waitq quit_wq;
	/* eager CRW batch */
	uint32_t batch[VM_CRW_BATCH_MAX];
	int nbatch;
	bool batch_lost;
	uint32_t last_crw[256]; /* last CRW injected per CHPID */
	/* the CRWs injected at one instant (inst_time) */
	sim_time_t inst_time;
	uint32_t inst_crw[VM_CRW_BATCH_MAX];
	int ninst;
	struct sim_event *flush_ev;
	/* SCLP channel-path information */
	struct sim_task *sclp_task;
	uint64_t sclp_sccb;
	struct vm_stats st;
};

/* The VM takes ownership of opts (malloc'd), also on failure.
 * Build the VM from parsed options: storage, vcss, devices in order, then
 * tell the guest ops it has started (the guest boots from events).  NULL
 * with a QEMU-style message (without the program prefix for device errors
 * already carrying it) in err. */
struct vm *vm_create(const struct vmm_host *host, struct sim *sim, struct vm_opts *opts,
		     const struct vmm_guest_ops *guest_ops, void *guest_ctx, char *err,
		     size_t errlen);
/* Build only storage, vcss and devices (no guest): for tests that drive
 * the css interface themselves. */
struct vm *vm_create_bare(const struct vmm_host *host, struct sim *sim, struct vm_opts *opts,
			  char *err, size_t errlen);
/* Power off: stop the virtual CSS, release the vfio devices, the guest
 * leaves the world.  Memory is kept until vm_free (guest tasks may still
 * run). */
void vm_quit(struct vm *vm);
void vm_free(struct vm *vm);

/* vm_chp.c */
void vm_crw_sink(void *ctx, struct vfio_ccw_dev *dev, uint32_t crw);
void vm_sclp_chp_info(void *ctx, struct vcss *css, uint64_t sccb);

struct vmm;
/* All VMs this VMM started (newest first). */
struct vm *vmm_vms(const struct vmm *m);

#endif
