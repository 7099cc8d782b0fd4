/* The vfio core's side for bus drivers (os/vfio.c): a driver registers a
 * vfio device with its ops, as Linux's drivers do with
 * vfio_register_emulated_iommu_dev(), and the core dispatches the VMM's
 * calls of os/vfio.h to it.  The core keeps what belongs to the open file
 * and its container: whether the device is open, its fd, and the IOMMU
 * mappings (VFIO_IOMMU_MAP_DMA). */
#ifndef CHPSYNC_OS_VFIO_DEV_H
#define CHPSYNC_OS_VFIO_DEV_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/storage.h"

struct os;

#define VFIO_DMA_MAX   64
#define VFIO_PAGE_SIZE 4096u /* of user storage and mappings */

/* ---- DMA mappings (VFIO_IOMMU_MAP_DMA of the device's container) ---- */

struct vfio_dma_map {
	uint64_t iova;	/* guest absolute address */
	uint64_t vaddr; /* host absolute address */
	uint64_t size;
};

struct vfio_dma_table {
	struct vfio_dma_map map[VFIO_DMA_MAX];
	int n;
};

/* Host address of [iova, iova+len) when it lies inside one mapping; -EFAULT
 * otherwise (len 0 is checked as 1 byte).  Inline: vfio-ccw translates
 * every CCW, IDAL and data block of every guest I/O through it, and the
 * table of a VMM is one mapping (its storage at IOVA 0), so a call cost
 * more than the check. */
static inline int vfio_dma_xlate(const struct vfio_dma_table *t, uint64_t iova, uint64_t len,
				 uint64_t *host)
{
	if (!len)
		len = 1;
	for (int i = 0; i < t->n; i++) {
		const struct vfio_dma_map *m = &t->map[i];
		uint64_t off = iova - m->iova;

		/* iova below the mapping wraps off above its size: no
		 * mapping reaches the top of the address space
		 * (vfio_dma_table_map refuses a wrap). */
		if (off < m->size && len <= m->size - off) {
			*host = m->vaddr + off;
			return 0;
		}
	}
	return -EFAULT;
}
int vfio_dma_table_map(struct vfio_dma_table *t, const struct storage *mem, uint64_t vaddr,
		       uint64_t iova, uint64_t size);
int vfio_dma_table_unmap(struct vfio_dma_table *t, uint64_t iova, uint64_t size);

struct vfio_device;

struct vfio_device_ops {
	/* The VMM opens the device: 0 or -errno. */
	int (*open_device)(struct vfio_device *v);
	/* The last close (or the device going away under its user). */
	void (*close_device)(struct vfio_device *v);
	ssize_t (*read)(struct vfio_device *v, void *buf, size_t count, uint64_t off);
	ssize_t (*write)(struct vfio_device *v, const void *buf, size_t count, uint64_t off);
	int (*ioctl)(struct vfio_device *v, unsigned long request, void *arg);
	/* [iova, iova+size) is about to be unmapped: stop using it. */
	void (*dma_unmap)(struct vfio_device *v, uint64_t iova, uint64_t size);
};

struct vfio_device {
	const struct vfio_device_ops *ops;
	struct os *os;
	char name[40]; /* what the VMM opens: the mdev's UUID */
	/* the core's */
	bool open;
	int fd;			   /* while open */
	struct vfio_dma_table dma; /* the container's mappings, while open */
	struct vfio_device *next;
};

/* Make v (ops, os and name set) openable.  0 or -EEXIST (the name is
 * taken) or -ENOMEM. */
int vfio_register_device(struct vfio_device *v);
/* v goes away: closed first if open (its fd dies with it). */
void vfio_unregister_device(struct vfio_device *v);
/* The registered device named `name`, NULL if none. */
struct vfio_device *vfio_find_device(struct os *os, const char *name);
/* The host's shared scratch page for channel programs (0: none). */
uint64_t vfio_host_scratch(struct os *os);
/* The core's state of an OS goes (after the drivers unregistered). */
void vfio_exit(struct os *os);

#endif
