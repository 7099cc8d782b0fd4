/* The real host for the VMM: the vfio device interface of os/vfio.h, the
 * host's sysfs, and process memory (os_user_alloc). */
#include "vmm/vdev.h"

#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfio.h"

static int host_sysfs_read(struct os *host, const char *path, char *buf, size_t size)
{
	return sysfs_read(host->sysfs, path, buf, size);
}

const struct vmm_host_ops vmm_host_linux = {
	.open_device = vfio_open_device,
	.close = vfio_close,
	.ioctl = vfio_ioctl,
	.pread = vfio_pread,
	.pwrite = vfio_pwrite,
	.dma_map = vfio_dma_map,
	.dma_unmap = vfio_dma_unmap,
	.eventfd = os_eventfd,
	.eventfd_close = os_eventfd_close,
	.user_alloc = os_user_alloc,
	.user_free = os_user_free,
	.sysfs_read = host_sysfs_read,
};
