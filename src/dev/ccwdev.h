/* The device interface: how the machine's channel subsystem drives an I/O
 * device (control unit + device) on one of its paths.
 *
 * The channel fetches and checks CCWs, follows TIC, gathers/scatters data
 * through IDAWs and data chaining, and computes residual counts and
 * incorrect length.  The device sees one command at a time with one
 * contiguous buffer:
 *   - write-type command: data[0..count) holds the bytes from storage;
 *   - read-type or sense command: the device writes up to `count` bytes into
 *     data[] and says how many in `len`;
 *   - control command: data[0..count) holds the parameter bytes (e.g.
 *     Define Extent) when count > 0.
 * For a data-chained command, count is the sum of the chained CCWs' counts.
 *
 * A channel program on a device is bracketed by select() ... end(): select()
 * happens when the channel picks a path for a start function; end() when the
 * start function ends for any reason (normal end, unit check, halt, clear,
 * path failure), so the device drops its chain state (Define Extent / Locate
 * Record domain).
 *
 * `path` is the CHPID number the channel uses, so the device can keep
 * per-path state (path group IDs, sense of the path that got a unit check).
 */
#ifndef CHPSYNC_DEV_CCWDEV_H
#define CHPSYNC_DEV_CCWDEV_H

#include <stdbool.h>
#include <stdint.h>

struct ccwdev;

struct ccwdev_cmd {
	/* in */
	uint8_t code;
	uint8_t flags; /* CCW flags of the (last) CCW of this command */
	bool chained;  /* command-chained from the previous CCW */
	uint8_t *data; /* count bytes */
	uint32_t count;
	/* out */
	uint32_t len;	  /* bytes the device transferred (read) or took (write) */
	bool wanted_more; /* write/control: the device needed more than count bytes */
	uint8_t dstat;	  /* DEV_STAT_* (arch/scsw.h); CE|DE for a normal ending */
	uint64_t latency; /* ns of simulated time this command takes */
};

struct ccwdev_ops {
	/* A start function selects the device on `path`.  0, or -ENODEV when
	 * the device is not operational on that path (the channel then tries
	 * another path / reports not operational). */
	int (*select)(struct ccwdev *dev, uint8_t path);
	/* Execute one command (see above). */
	void (*exec)(struct ccwdev *dev, uint8_t path, struct ccwdev_cmd *cmd);
	/* The start function on `path` has ended. */
	void (*end)(struct ccwdev *dev, uint8_t path);
	/* Concurrent sense: copy up to 32 sense bytes pending for `path` after
	 * a unit check into buf and clear them; returns the byte count (0 if
	 * none). */
	int (*sense)(struct ccwdev *dev, uint8_t path, uint8_t buf[32]);
	/* Identity for Sense ID is served by exec(0xE4); this gives the
	 * machine the device type for its configuration checks (0x3390). */
	uint16_t (*devtype)(struct ccwdev *dev);
	void (*destroy)(struct ccwdev *dev);
};

struct ccwdev {
	const struct ccwdev_ops *ops;
	void *priv;
};

#endif
