/* A host with one subchannel (0.0.013f, device 3f3f, CHPIDs 42-45) bound
 * to vfio_ccw through sysfs, an mdev, and a "VMM" holding the device fd,
 * 1 MiB of guest storage DMA-mapped at iova 0, and counting eventfds. */
#ifndef CHPSYNC_TESTS_VFIO_FIXTURE_H
#define CHPSYNC_TESTS_VFIO_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "os/vfio.h"

struct irb;
struct schib;

#define VF_UUID	      "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"
#define VF_SYSFSDEV   "/sys/bus/mdev/devices/" VF_UUID
#define VF_SCH_DIR    "/sys/devices/css0/0.0.013f"
#define VF_GUEST_SIZE (1u << 20)
#define VF_OFF(idx)   ((uint64_t)(idx) << VFIO_CCW_OFFSET_SHIFT)

struct vf {
	struct sim *sim;
	struct machine *m;
	struct os *host;
	struct ccwdev *dev; /* the device behind 0.0.013f */
	bool eckd;
	int fd;
	uint64_t gbase; /* host address of guest storage */
	int io_efd, crw_efd, req_efd;
	int io_count, crw_count, req_count;
};

/* Seed of the next vf_new() world and whether equal-time events run in a
 * seed-permuted order (default 7, off). */
extern uint64_t vf_seed;
extern bool vf_permute;
/* The next vf_new() host runs upstream Linux's vfio_ccw (os_config). */
extern bool vf_upstream;

/* eckd: a 3390 on a fresh image; otherwise the test device with the
 * given per-command latency. */
struct vf *vf_new(bool eckd, uint64_t latency);
void vf_free(struct vf *v);

/* Run fn(arg) in a task (sysfs writes may block) and wait for it. */
void vf_task(struct vf *v, void (*fn)(void *), void *arg);
int vf_sysfs_write(struct vf *v, const char *path, const char *text);
/* Run the world until the IO eventfd fired `n` times in total (or a
 * simulated-time limit passes); returns true if it did. */
bool vf_wait_io(struct vf *v, int n);
void vf_run_for(struct vf *v, uint64_t ns);

uint8_t *vf_guest(struct vf *v, uint64_t iova);
void vf_put_ccw(struct vf *v, uint64_t iova, uint8_t cmd, uint8_t flags, uint16_t count,
		uint32_t cda);
/* Write the I/O region with a start function: returns what pwrite did. */
long vf_start(struct vf *v, uint32_t cpa, uint8_t lpm);
long vf_start_orb(struct vf *v, const uint8_t orb[12]);
/* Read the IRB from the I/O region. */
void vf_irb(struct vf *v, struct irb *irb);
uint32_t vf_read_crw(struct vf *v);
void vf_read_schib(struct vf *v, struct schib *s);

#endif
