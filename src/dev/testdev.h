/* A small test device behind the ccwdev interface, for tests and
 * benchmarks: Sense ID, NOP, Write/Read to an in-memory buffer, Basic Sense,
 * a configurable per-command latency (0 = zero-latency), and injectable
 * faults (unit check on the next command, not operational on a path). */
#ifndef CHPSYNC_DEV_TESTDEV_H
#define CHPSYNC_DEV_TESTDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/ccwdev.h"
#include "sim/sim.h"

#define TESTDEV_CU_TYPE		 0x3832
#define TESTDEV_DEV_TYPE	 0x0001
#define TESTDEV_SENSE_CMD_REJECT 0x80 /* sense byte 0 for an unknown command */

struct testdev_config {
	size_t bufsize;		    /* bytes Read returns and Write can take (default 4096) */
	sim_time_t latency;	    /* per command */
	uint16_t cu_type, dev_type; /* Sense ID (defaults above) */
	uint8_t cu_model, dev_model;
};

/* cfg may be NULL for the defaults. */
struct ccwdev *testdev_new(const struct testdev_config *cfg);

/* Knobs and counters (dev must come from testdev_new). */
void testdev_set_latency(struct ccwdev *dev, sim_time_t ns);
/* The next command ends with unit check; sense byte 0 = sense0. */
void testdev_fail_next(struct ccwdev *dev, uint8_t sense0);
/* select() on chpid answers -ENODEV while set. */
void testdev_set_path_notoper(struct ccwdev *dev, uint8_t chpid, bool notoper);
uint8_t *testdev_buf(struct ccwdev *dev, size_t *len);

struct testdev_stats {
	unsigned selects, ends, cmds;
	uint8_t last_path;
	uint8_t last_cmd;
	bool last_chained;
	uint32_t last_count;
};
const struct testdev_stats *testdev_stats(struct ccwdev *dev);

#endif
