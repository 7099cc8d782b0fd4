/* The real host for the VMM: the vfio device interface of os/vfio.h, the
 * host's sysfs, and process memory (os_user_alloc), on the host OS the
 * VMM's process runs on (the handle is its struct os). */
#include "vmm/vdev.h"

#include "arch/storage.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfio.h"

static int host_open_device(void *host, const char *sysfsdev, int *err)
{
	return vfio_open_device(host, sysfsdev, err);
}

static int host_close(void *host, int fd)
{
	return vfio_close(host, fd);
}

static int host_ioctl(void *host, int fd, unsigned long request, void *arg)
{
	return vfio_ioctl(host, fd, request, arg);
}

static ssize_t host_pread(void *host, int fd, void *buf, size_t count, uint64_t off)
{
	return vfio_pread(host, fd, buf, count, off);
}

static ssize_t host_pwrite(void *host, int fd, const void *buf, size_t count, uint64_t off)
{
	return vfio_pwrite(host, fd, buf, count, off);
}

static int host_dma_map(void *host, int fd, uint64_t vaddr, uint64_t iova, uint64_t size)
{
	return vfio_dma_map(host, fd, vaddr, iova, size);
}

static int host_dma_unmap(void *host, int fd, uint64_t iova, uint64_t size)
{
	return vfio_dma_unmap(host, fd, iova, size);
}

static int host_eventfd(void *host, void (*handler)(void *ctx), void *ctx)
{
	return os_eventfd(host, handler, ctx);
}

static int host_eventfd_close(void *host, int fd)
{
	return os_eventfd_close(host, fd);
}

/* The process's memory is host storage (os_user_alloc); the VMM sees it
 * through a window. */
static struct storage *host_mem_alloc(void *host, uint64_t size, uint64_t align, uint64_t *vaddr)
{
	struct os *os = host;
	uint64_t a = os_user_alloc(os, size, align);
	struct storage *w = a ? storage_window(os->css.mem, a, size) : NULL;

	if (a && !w)
		os_user_free(os, a);
	*vaddr = w ? a : 0;
	return w;
}

static void host_mem_free(void *host, struct storage *mem, uint64_t vaddr)
{
	storage_free(mem);
	os_user_free(host, vaddr);
}

static int host_sysfs_read(void *host, const char *path, char *buf, size_t size)
{
	struct os *os = host;

	return sysfs_read(os->sysfs, path, buf, size);
}

const struct vmm_host_ops vmm_host_linux = {
	.open_device = host_open_device,
	.close = host_close,
	.ioctl = host_ioctl,
	.pread = host_pread,
	.pwrite = host_pwrite,
	.dma_map = host_dma_map,
	.dma_unmap = host_dma_unmap,
	.eventfd = host_eventfd,
	.eventfd_close = host_eventfd_close,
	.mem_alloc = host_mem_alloc,
	.mem_free = host_mem_free,
	.sysfs_read = host_sysfs_read,
};
