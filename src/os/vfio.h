/* The vfio device interface the host OS offers a VMM process: the real uapi
 * of <linux/vfio.h> and <linux/vfio_ccw.h>, on simulated file descriptors.
 *
 * A VMM written against this file does what QEMU does on a real host:
 *   fd = vfio_open_device(host, "/sys/bus/mdev/devices/<uuid>", &err);
 *   vfio_ioctl(fd, VFIO_DEVICE_GET_INFO, &info);      (struct vfio_device_info)
 *   vfio_ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ...); (capability chain)
 *   vfio_ioctl(fd, VFIO_DEVICE_SET_IRQS, ...);        (eventfds from os_eventfd())
 *   vfio_dma_map(fd, vaddr, iova, size);              (VFIO_IOMMU_MAP_DMA)
 *   vfio_pwrite(fd, &io_region, sizeof, offset);      (start a channel program)
 *   vfio_pread(fd, &schib_region, 52, 2 << VFIO_CCW_OFFSET_SHIFT);
 * Return values follow the syscalls: >= 0 on success, -errno on failure
 * (the kernel's errno, e.g. -EINVAL for a bad offset or size).
 */
#ifndef CHPSYNC_OS_VFIO_H
#define CHPSYNC_OS_VFIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vfio.h>
#include <linux/vfio_ccw.h>

struct os;

#define VFIO_CCW_OFFSET_SHIFT 10

/* Open the vfio device of an mdev (the container, group and IOMMU setup are
 * folded into this call).  Returns a file descriptor number >= 0, or -errno
 * (-ENOENT no such mdev, -EBUSY already open). */
int vfio_open_device(struct os *host, const char *sysfsdev, int *err);
int vfio_close(struct os *host, int fd);
int vfio_ioctl(struct os *host, int fd, unsigned long request, void *arg);
ssize_t vfio_pread(struct os *host, int fd, void *buf, size_t count, uint64_t off);
ssize_t vfio_pwrite(struct os *host, int fd, const void *buf, size_t count, uint64_t off);
/* VFIO_IOMMU_MAP_DMA / UNMAP_DMA for the device's container: host storage
 * [vaddr, vaddr+size) appears to the device at [iova, iova+size). */
int vfio_dma_map(struct os *host, int fd, uint64_t vaddr, uint64_t iova, uint64_t size);
int vfio_dma_unmap(struct os *host, int fd, uint64_t iova, uint64_t size);

/* eventfd(2): a counter the kernel signals; the owner's handler runs from
 * a scheduler event after each signal (reads and resets the counter).
 * Returns an fd >= 0 or -errno. */
int os_eventfd(struct os *host, void (*handler)(void *ctx), void *ctx);
int os_eventfd_close(struct os *host, int fd);
/* Signal an eventfd (kernel side: eventfd_signal). */
void os_eventfd_signal(struct os *host, int fd);

/* Host storage for a VMM process (its guest RAM): mmap-like allocation in
 * the host's storage.  Returns the host absolute address or 0. */
uint64_t os_user_alloc(struct os *host, uint64_t size, uint64_t align);
void os_user_free(struct os *host, uint64_t addr);

#endif
