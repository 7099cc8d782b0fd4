/* The wire protocol of `chpsync serve` (docs/real-qemu.md): vfio-user-like
 * framing on an AF_UNIX SOCK_SEQPACKET socket, one message per packet,
 * little or big endian as the machine is (client and server share it).
 *
 * Every message starts with struct chps_hdr; `size` is the whole message
 * (header + payload) and must equal the packet's length.  A reply carries
 * the request's id and command, CHPS_F_REPLY, and in `error` 0 or a
 * positive errno (then the payload is empty unless said otherwise).
 * File descriptors travel as SCM_RIGHTS ancillary data of the request that
 * names them.
 *
 * A connection is either a device connection (the first message is
 * CHPS_VERSION; it may then open one vfio device, whose life is the
 * connection's: a disconnect releases it as Linux does when the VMM
 * process exits) or a control connection (CHPS_CTL_RUN).  Sysfs queries
 * are allowed on a device connection with or without an open device.
 *
 * This header is shared with the bridge (src/bridge/), which QEMU loads.
 */
#ifndef CHPSYNC_CLI_SERVE_PROTO_H
#define CHPSYNC_CLI_SERVE_PROTO_H

#include <stdint.h>

#define CHPS_PROTO_MAJOR 1
#define CHPS_PROTO_MINOR 0

/* Largest message either side sends or accepts (header included). */
#define CHPS_MSG_MAX (64 * 1024)
/* Most descriptors one message may carry. */
#define CHPS_MAX_FDS 4
/* Longest path in a request (without the NUL). */
#define CHPS_PATH_MAX 1024

struct chps_hdr {
	uint16_t id;	  /* chosen by the requester, echoed in the reply */
	uint16_t command; /* enum chps_command */
	uint32_t size;	  /* header + payload bytes */
	uint32_t flags;	  /* CHPS_F_* */
	uint32_t error;	  /* replies: 0 or errno */
};

#define CHPS_F_REPLY 0x1 /* this is a reply */
#define CHPS_F_MORE  0x2 /* CTL_RUN output: more messages follow */

enum chps_command {
	/* payload struct chps_version both ways; the reply gives the
	 * server's version.  A major version other than the server's is
	 * refused with EPROTONOSUPPORT. */
	CHPS_VERSION = 1,
	/* payload: NUL-terminated sysfs path of an mdev
	 * ("/sys/bus/mdev/devices/<uuid>").  Reply: struct chps_open. */
	CHPS_DEVICE_OPEN = 2,
	/* payload: struct chps_ioctl, then the uapi struct (argsz bytes,
	 * argsz being its first __u32).  VFIO_DEVICE_SET_IRQS with
	 * DATA_EVENTFD carries one SCM_RIGHTS eventfd for each data entry
	 * >= 0, in order.  Reply: struct chps_ioctl_reply, then the struct as
	 * the kernel left it (argsz bytes). */
	CHPS_DEVICE_IOCTL = 3,
	/* payload: struct chps_region.  Reply: the bytes read (count or
	 * fewer), or error. */
	CHPS_REGION_READ = 4,
	/* payload: struct chps_region, then count bytes.  Reply:
	 * struct chps_count (bytes written), or error. */
	CHPS_REGION_WRITE = 5,
	/* payload: struct chps_dma_map and one SCM_RIGHTS descriptor of the
	 * VMM's memory (a memfd sealed against shrinking): [offset,
	 * offset+size) of it appears at [iova, iova+size) for the device. */
	CHPS_DMA_MAP = 6,
	/* payload: struct chps_dma_unmap. */
	CHPS_DMA_UNMAP = 7,
	/* payload: NUL-terminated absolute path in the host's /sys.  Reply:
	 * the attribute's text / the link's target / the resolved path. */
	CHPS_SYSFS_READ = 8,
	CHPS_SYSFS_READLINK = 9,
	CHPS_SYSFS_REALPATH = 10,
	/* Control: payload "NODE\0COMMAND\0".  Replies: any number of
	 * CHPS_F_MORE messages with output text, then one final reply whose
	 * payload is struct chps_ctl_done (output before it). */
	CHPS_CTL_RUN = 16,
};

struct chps_version {
	uint16_t major, minor;
	uint32_t pid;  /* the client process, for the server's log */
	char name[32]; /* client program, NUL-terminated */
};

struct chps_open {
	uint32_t num_regions, num_irqs; /* of VFIO_DEVICE_GET_INFO */
};

struct chps_ioctl {
	uint32_t request; /* VFIO_DEVICE_GET_INFO, ..._REGION_INFO, ..._IRQ_INFO,
			     ..._SET_IRQS, ..._RESET */
	uint32_t argsz;	  /* bytes of the uapi struct that follow (0 for RESET) */
};

struct chps_ioctl_reply {
	int32_t result; /* the ioctl's return value (>= 0) */
	uint32_t argsz; /* bytes of the struct that follow */
};

struct chps_region {
	uint64_t offset; /* VFIO_CCW_OFFSET_SHIFT: region N at N KiB */
	uint32_t count;
	uint32_t pad;
};

struct chps_count {
	uint64_t count;
};

struct chps_dma_map {
	uint64_t iova;
	uint64_t size;
	uint64_t offset; /* into the descriptor */
	uint32_t flags;	 /* VFIO_DMA_MAP_FLAG_READ | _WRITE */
	uint32_t pad;
};

struct chps_dma_unmap {
	uint64_t iova;
	uint64_t size;
};

struct chps_ctl_done {
	int32_t status; /* the command's exit status */
	uint32_t pad;
};

#endif
