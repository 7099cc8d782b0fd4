/* The VMM: qemu-system-s390x as a program on the host node.  It reaches the
 * host only through the vfio device interface (os/vfio.h); the guest it
 * starts runs the same OS model (os/) on the VMM's virtual channel subsystem
 * and appears as a new node of the world, named by -name. */
#ifndef CHPSYNC_VMM_VMM_H
#define CHPSYNC_VMM_VMM_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/css_if.h"

struct node;
struct vmm;

/* Install `qemu-system-s390x` and `pkill` on a host node.  Guests it starts
 * are added to node_world(host).  Returns the VMM (its VMs), which the
 * caller frees with vmm_free(); NULL when out of memory. */
struct vmm *vmm_install(struct node *host);

/* Terminate the VM named `name` that this VMM started (what SIGTERM to its
 * qemu-system-s390x does): the guest node leaves the world, the vfio
 * devices are closed, a foreground qemu-system-s390x returns.  0, or
 * -ENOENT when there is no such running VM. */
int vmm_kill(struct vmm *m, const char *name);

/* The guests go down with the run (each guest OS loses its machine): I/O
 * that waits for what is not coming fails, in flight or not, so that their
 * processes can end. */
void vmm_shutdown(struct vmm *m);
/* What the VMM holds for one pass-through device of a running VM: the
 * guest subchannel's path fields (filled from the SCHIB region at its last
 * read), whether the host signalled news since (dirty: a CRW, a PNO, a
 * cc 3; stale: an I/O interrupt), and its counters. */
struct vmm_dev_view {
	const char *vm;	      /* -name */
	const char *sysfsdev; /* the mdev passed through */
	uint16_t guest_schno, guest_devno;
	const char *policy; /* chpsync= */
	bool dirty, stale, unplugged;
	uint8_t pim, pam, pom, pnom, lpum;
	uint8_t chpid[8];
	uint64_t host_stsch; /* SCHIB region reads */
	uint64_t crws_read;  /* CRWs drained from the CRW region */
	uint64_t io_irqs, guest_stsch;
};
/* Call fn for each pass-through device of each running VM of this VMM
 * (VMs newest first, devices in -device order).  Read-only; the view is
 * valid during the call.  Returns the number of devices. */
int vmm_dev_views(const struct vmm *m, void (*fn)(void *ctx, const struct vmm_dev_view *v),
		  void *ctx);

/* A VM's guest is not the VMM's.  The VMM exports the VM's virtual CSS
 * (the css interface) and says when a VM has started and stopped; whoever
 * assembles the world boots an OS on that CSS and makes it a node
 * (cli/guest.c).  Without guest ops a VM runs without a guest. */
struct vm;
struct vmm_guest; /* the assembler's, opaque to the VMM */
struct vmm_guest_ops {
	/* Before a VM is built: false when `name` (-name) cannot be used;
	 * qemu then fails ("guest name '...' is already in use"). */
	bool (*name_ok)(void *ctx, const char *name);
	/* The VM has started: boot a guest named `name` on css, the VM's
	 * virtual CSS.  The guest, kept for the calls below; NULL when it
	 * cannot start (qemu fails: "cannot start the guest"). */
	struct vmm_guest *(*started)(void *ctx, struct vm *vm, const char *name, struct css_if css);
	/* The VM has stopped (power off, signal): the guest leaves the
	 * world; it is freed later (tasks may still run in it).  Not called
	 * for a VM freed while it runs (its world is gone by then). */
	void (*stopped)(void *ctx, struct vmm_guest *guest);
	/* The system goes down (the end of a run): the guest's I/O ends. */
	void (*shutdown)(void *ctx, struct vmm_guest *guest);
	/* The VM's memory goes: free the guest. */
	void (*freed)(void *ctx, struct vmm_guest *guest);
};
void vmm_set_guest_ops(struct vmm *m, const struct vmm_guest_ops *ops, void *ctx);
/* What `poweroff` in a guest does: its VM stops. */
void vmm_poweroff(struct vm *vm);
/* The guest the assembler started for vm, NULL if none. */
struct vmm_guest *vmm_vm_guest(const struct vm *vm);

/* Free the VMs (guest OS instances, virtual CSSs, device state) and the
 * VMM.  Call after world_free() of the host's world and before the host OS
 * is destroyed (open vfio devices are closed on the host).  Guest nodes
 * live in the world until world_free, so their OS must outlive it. */
void vmm_free(struct vmm *m);

/* Counters of the running VM named NAME (statistics only: reading them
 * changes nothing), for tests, benchmarks and chpsync explore's bounds. */
struct vmm_vm_counts {
	uint64_t crws_from_host;  /* CRWs drained from the devices' CRW regions */
	uint64_t crws_injected;	  /* CRWs queued to the guest */
	uint64_t crws_overflowed; /* CRWs lost to a full guest queue (R bit) */
	uint64_t machine_checks;  /* channel-report machine checks */
	uint64_t guest_stsch;	  /* the guest's STSCH on pass-through devices */
	uint64_t host_stsch;	  /* SCHIB-region reads (host STSCH) */
};
/* 0, or -ENOENT when no VM of that name runs. */
int vmm_vm_counts(const struct vmm *m, const char *name, struct vmm_vm_counts *out);

#endif
