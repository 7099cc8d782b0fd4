/* The vfio_ccw css driver: entry points the kernel core calls.
 *
 * vfio_ccw_init() registers the "vfio_ccw" css driver (it binds only through
 * driver_override, never by default) and creates /sys/bus/mdev/devices.
 * Call it once at boot, after the css bus exists and before any subchannel is
 * bound.  vfio_ccw_exit() releases the per-OS vfio state (open device fds,
 * eventfds, user allocations); call it from os_destroy() before the sysfs
 * tree and the subchannels are freed. */
#ifndef CHPSYNC_OS_VFIO_CCW_H
#define CHPSYNC_OS_VFIO_CCW_H

struct os;

int vfio_ccw_init(struct os *os);
void vfio_ccw_exit(struct os *os);

#endif
