/* A scripted host for VMM unit tests: vfio-ccw devices with the real uapi
 * regions and capability chain, whose SCHIB, CRW queue and I/O results the
 * test controls, so every policy path can be driven without the machine. */
#ifndef CHPSYNC_TESTS_VMM_FAKEHOST_H
#define CHPSYNC_TESTS_VMM_FAKEHOST_H

#include "arch/irb.h"
#include "os/vfio.h"
#include "vmm/vcss.h"
#include "vmm/vdev.h"
#include "vmm/vm.h"

#define FAKE_NDEV 80
#define FAKE_NEFD 256

struct fake_dev {
	char path[96];
	bool exists, open;
	struct schib schib;
	uint32_t crwq[32];
	int ncrw;
	int io_ret; /* -errno the next I/O region write returns (0 = ok) */
	int async_ret;
	int nio_writes, nasync;
	uint32_t last_async;
	struct orb last_orb;
	struct ccw_io_region io;
	int io_efd, crw_efd, req_efd;
	int schib_reads;
	bool no_crw_region;
	uint64_t dma_vaddr, dma_size;
};

struct fake_host {
	struct storage *mem; /* the host storage guest RAM is taken from */
	struct sim *sim;
	struct fake_dev dev[FAKE_NDEV];
	struct {
		void (*fn)(void *);
		void *ctx;
	} efd[FAKE_NEFD];
	int nefd;
	uint64_t next_user;
	int configure[256]; /* host SCLP state per CHPID, for sysfs configure */
	int sysfs_reads;
};

extern const struct vmm_host_ops fake_host_ops;

/* Create a host with ndev devices at /sys/bus/mdev/devices/fake-N, each
 * with PIM/PAM f0, POM ff, CHPIDs 42 43 44 45. */
struct fake_host *fake_host_new(struct sim *sim, int ndev);
void fake_host_free(struct fake_host *h);
struct vmm_host fake_vmm_host(struct fake_host *h);
/* Queue a CRW on device i and signal its CRW eventfd. */
void fake_crw(struct fake_host *h, int i, uint32_t crw);
/* The host asks for device i back (REQ interrupt). */
void fake_req(struct fake_host *h, int i);
/* Complete the I/O on device i with this IRB (SCSW etc.) and signal. */
void fake_io_done(struct fake_host *h, int i, const struct irb *irb);
/* Options for a VM with the given devices (malloc'd, for vm_create_bare). */
struct vm_opts *fake_opts(int nvfio, enum chpsync_policy pol, bool virtio_first);

/* A guest stand-in: counts upcalls. */
struct fake_guest {
	int io_irqs, mchks, sclp_done;
	uint32_t last_schid, last_intparm, last_word;
	uint64_t last_sccb;
};
void fake_guest_bind(struct vcss *css, struct fake_guest *g);

/* A VM on the scripted host with a fake guest bound to its virtual CSS:
 * the environment of the vcss and vfio tests. */
struct fake_env {
	struct sim *sim;
	struct fake_host *host;
	struct vm *vm;
	struct vcss *css;
	struct storage *mem;
	struct fake_guest g;
};

#define SCHIB_AT 0x1000 /* guest addresses of the instruction operands */
#define ORB_AT	 0x1100
#define IRB_AT	 0x1200
#define CCW_AT	 0x2000

/* Create the VM from opts (taken over) on a scripted host of nhost
 * devices; fails the test if the VM cannot be built. */
void fake_env_up(struct fake_env *e, struct vm_opts *o, int nhost);
void fake_env_down(struct fake_env *e);
/* Guest storage at a (one byte checked). */
uint8_t *fake_env_at(struct fake_env *e, uint64_t a);
/* Guest STSCH of subchannel 0.0.no into SCHIB_AT; decoded when cc 0. */
int fake_env_stsch(struct fake_env *e, int no, struct schib *sb);

#endif
