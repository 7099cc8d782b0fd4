/* One OS model, two instances (host on the machine's CSS, guest on the VMM's
 * virtual CSS).  Everything below sees the channel subsystem only through
 * arch/css_if.h.  There is no "am I a guest" anywhere. */
#ifndef CHPSYNC_OS_OS_H
#define CHPSYNC_OS_OS_H

#include <stdarg.h>
#include <stdint.h>

#include "arch/css_if.h"
#include "sim/sim.h"

struct sysfs;
struct vfs;
struct vfio_host;
struct os_priv;

struct os_config {
	const char *hostname; /* "host", "guest", ... */
	uint64_t kernel_mem;  /* bytes of the storage reserved for kernel buffers (CCWs, data) */
	/* Upstream Linux instead of chpsync's design, for comparisons
	 * (`#! host-driver upstream`, explore --host-driver=upstream):
	 * vfio_ccw's chp_event as Linux's (no vary notification, PAM not
	 * masked by the vary state, one cancel/halt/clear on the last-used
	 * path and no final interrupt after a successful cancel, the guest's
	 * ORB LPM kept), and cio walking every subchannel for a path event.
	 * docs/explore.md, "Upstream as a comparison". */
	bool upstream;
};

struct os {
	char hostname[32];
	struct sim *sim;
	struct css_if css;	/* the channel subsystem this instance runs on */
	struct sysfs *sysfs;	/* /sys */
	struct vfs *vfs;	/* /dev, /tmp, /proc ... */
	struct vfio_host *vfio; /* the vfio core: open files, devices (src/os/vfio.c) */
	/* Console sink (the node's terminal), set by whoever owns the node. */
	void (*console)(void *ctx, const char *text);
	void *console_ctx;
	struct os_priv *priv;
};

/* Create an OS instance on `css` and boot it: bind upcalls, enable ISCs,
 * discover subchannels (STSCH over all subchannel sets), read channel-path
 * descriptions, register drivers (io_subchannel/ccw, dasd, vfio_ccw), build
 * /sys.  Boot runs from events; sim_run_until() the returned os's
 * os_booted() if you need it finished.  NULL on allocation failure. */
struct os *os_create(struct sim *sim, struct css_if css, const struct os_config *cfg);
int os_booted(const struct os *os);
/* fn(ctx) is called once, when boot completes (from the event that
 * completes it); one observer per OS, NULL to remove it. */
void os_on_booted(struct os *os, void (*fn)(void *ctx), void *ctx);
void os_destroy(struct os *os);
/* The system goes down: I/O that is queued or waits for a path that is
 * not coming fails with -EIO, and new I/O fails at once, so that every
 * task blocked in this kernel can end (the end of a run, after its
 * processes were killed).  os_destroy() follows. */
void os_shutdown(struct os *os);
/* The machine under the OS stopped for good (its VM was killed or powered
 * off): nothing the kernel waits for will come.  Every instruction finds
 * nothing (cc 3), I/O in flight or queued fails with -EIO, internal I/O and
 * SCLP requests end, no timer of cio or dasd runs again; the tasks blocked
 * in it can then end (the caller kills its processes).  os_destroy()
 * follows. */
void os_halt(struct os *os);

/* Subchannels cio visited to deliver channel-path events (chp.c): the
 * affected ones with chpsync's index, every one with `upstream`. */
uint64_t os_chp_event_visits(const struct os *os);

/* Kernel log: appends one line to the dmesg ring ("[  sec.usec] text") and
 * writes "text\n" to the console.  Like printk with KERN_INFO. */
void os_printk(struct os *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Kernel log line that goes to dmesg only (below the console loglevel). */
void os_printk_debug(struct os *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Debug-only line: what Linux keeps out of the kernel log (pr_debug, the
 * s390 debug feature: CIO_*_EVENT, DBF_*_EVENT).  Recorded in dmesg only
 * while the OS's debug switch is on (os_set_debug; off at creation). */
void os_pr_debug(struct os *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void os_set_debug(struct os *os, int on);
/* Copy the dmesg ring (all lines, "\n"-terminated) into a malloc'd string. */
char *os_dmesg(struct os *os);

/* Kernel storage allocator over css.mem: returns an absolute address of
 * `size` bytes aligned to `align` (a power of two), or 0 on exhaustion
 * (address 0 is never handed out). */
uint64_t os_kmalloc(struct os *os, uint64_t size, uint64_t align);
/* The same without clearing it (kmalloc, not kzalloc): for a buffer the
 * caller fills completely, e.g. one a device reads into. */
uint64_t os_kmalloc_nozero(struct os *os, uint64_t size, uint64_t align);
void os_kfree(struct os *os, uint64_t addr);
/* Pointer to kernel storage [addr, addr+len) in css.mem, NULL if outside. */
void *os_kptr(struct os *os, uint64_t addr, uint64_t len);
/* The absolute address of [p, p+len) if it lies in the OS's storage (a
 * buffer a device can address: process memory from os_umem_alloc), else 0. */
uint64_t os_storage_addr(struct os *os, const void *p, uint64_t len);
/* Process memory in the OS's storage (what mmap gives a process; the
 * buffer of an O_DIRECT transfer lives there, so that a channel program
 * can address it as Linux's dasd addresses the user's pages): `size`
 * bytes, page aligned, zero on first use.  NULL when there is no room. */
void *os_umem_alloc(struct os *os, uint64_t size);
void os_umem_free(struct os *os, void *p);
/* The range os_kmalloc() hands out ([base, base+size) of css.mem); other
 * users of the same storage (os_user_alloc) must stay outside it. */
void os_kmem_range(const struct os *os, uint64_t *base, uint64_t *size);

#endif
