/* The VM's devices: virtio-ccw (virtual) and vfio-ccw (pass-through), and
 * the host interface the pass-through device uses. */
#ifndef CHPSYNC_VMM_VDEV_H
#define CHPSYNC_VMM_VDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmm/vcss.h"

struct os;

#define VIRTIO_CHPID	  0x00
#define VIRTIO_CHPID_TYPE 0x32
#define VIRTIO_ID_RNG	  4
#define VIRTIO_ID_BALLOON 5

struct vdev_virtio;
struct vdev_virtio *vdev_virtio_new(struct vcss *css, uint16_t devno, uint8_t virtio_id);
void vdev_virtio_free(struct vdev_virtio *d);

/* Everything the VMM asks of the host it runs on (the vfio device
 * interface of os/vfio.h, eventfds, process memory, sysfs), as a process
 * asks its kernel.  `host` is the ops' own handle: the VMM never looks
 * inside it, so the ops may lead to the simulated kernel (vmm_host_linux),
 * a test's scripted host driving the policies through every corner, or a
 * real or remote one. */
struct vmm_host_ops {
	int (*open_device)(void *host, const char *sysfsdev, int *err);
	int (*close)(void *host, int fd);
	int (*ioctl)(void *host, int fd, unsigned long request, void *arg);
	ssize_t (*pread)(void *host, int fd, void *buf, size_t count, uint64_t off);
	ssize_t (*pwrite)(void *host, int fd, const void *buf, size_t count, uint64_t off);
	int (*dma_map)(void *host, int fd, uint64_t vaddr, uint64_t iova, uint64_t size);
	int (*dma_unmap)(void *host, int fd, uint64_t iova, uint64_t size);
	int (*eventfd)(void *host, void (*handler)(void *ctx), void *ctx);
	int (*eventfd_close)(void *host, int fd);
	/* Process memory (the guest's RAM): `size` bytes aligned to `align`,
	 * returned as a storage the VMM reads and writes, and its address in
	 * the process (*vaddr, what dma_map takes).  NULL when there is none. */
	struct storage *(*mem_alloc)(void *host, uint64_t size, uint64_t align, uint64_t *vaddr);
	void (*mem_free)(void *host, struct storage *mem, uint64_t vaddr);
	int (*sysfs_read)(void *host, const char *path, char *buf, size_t size);
};
extern const struct vmm_host_ops vmm_host_linux;

struct vmm_host {
	const struct vmm_host_ops *ops;
	void *ctx; /* the ops' handle */
};

/* Path-sync policies (vmm/chpsync.h has their tables). */
enum chpsync_policy {
	CHPSYNC_EAGER = 0, /* the default */
	CHPSYNC_LAZY = 1,
	CHPSYNC_QEMU = 2, /* upstream QEMU's, for comparisons (chpsync_qemu.c) */
	NR_CHPSYNC_POLICIES
};

struct vfio_ccw_dev;

/* Where an eager device sends the CRWs it drains (the VM coalesces them). */
struct vfio_ccw_crw_sink {
	void (*crw)(void *ctx, struct vfio_ccw_dev *dev, uint32_t crw);
	void *ctx;
};

struct vfio_ccw_stats {
	uint64_t guest_stsch; /* guest STSCH on this subchannel */
	uint64_t host_stsch;  /* SCHIB region reads (each is a host STSCH) */
	uint64_t crws_read;   /* CRWs drained from the CRW region */
	uint64_t io_irqs;     /* I/O eventfd signals handled */
};

/* Realize a vfio-ccw device: open the mdev, check and map its regions,
 * wire its eventfds, DMA-map guest storage (host [vaddr, vaddr+size) at
 * IOVA 0), read the SCHIB region once and build the guest subchannel from
 * it.  NULL with a QEMU-style message in err on failure. */
struct vfio_ccw_dev *vfio_ccw_dev_realize(const struct vmm_host *host, struct vcss *css,
					  const char *sysfsdev, uint16_t devno,
					  enum chpsync_policy policy, uint64_t vaddr, uint64_t size,
					  const struct vfio_ccw_crw_sink *sink, char *err,
					  size_t errlen);
void vfio_ccw_dev_free(struct vfio_ccw_dev *d);

/* Read the SCHIB region (one host STSCH) and copy the path fields (PIM,
 * PAM, POM, PNOM, LPUM, CHPIDs) into the guest subchannel.  0 or -errno. */
int vfio_ccw_dev_refresh(struct vfio_ccw_dev *d);
bool vfio_ccw_dev_dirty(const struct vfio_ccw_dev *d);
bool vfio_ccw_dev_uses_chpid(const struct vfio_ccw_dev *d, uint8_t chpid);
/* A program of the guest found a path of CHPID not operational since the
 * guest was last told of the CHPID (vfio_ccw_dev_path_told). */
bool vfio_ccw_dev_path_failed(const struct vfio_ccw_dev *d, uint8_t chpid);
void vfio_ccw_dev_path_told(struct vfio_ccw_dev *d, uint8_t chpid);
struct vsch *vfio_ccw_dev_sch(struct vfio_ccw_dev *d);
/* The VM flushes a CRW batch: the device's policy refreshes it if it
 * wants (`named`: the batch names one of its CHPIDs).  True when its path
 * fields changed. */
bool vfio_ccw_dev_flush(struct vfio_ccw_dev *d, bool named);
const struct vfio_ccw_stats *vfio_ccw_dev_stats(const struct vfio_ccw_dev *d);

#endif
