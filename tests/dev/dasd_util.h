/* Helpers for the DASD tests: run commands on a device path, build the
 * Define Extent / Locate Record parameters Linux uses, make images. */
#ifndef CHPSYNC_TESTS_DASD_UTIL_H
#define CHPSYNC_TESTS_DASD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/ccwdev.h"
#include "sim/sim.h"

/* The outcome of the last dasd_cmd(). */
extern uint32_t dasd_len;
extern bool dasd_wanted_more;

/* One command on `path` within the chain opened by dasd_select(). */
uint8_t dasd_cmd(struct ccwdev *d, uint8_t path, uint8_t code, void *data, uint32_t count);
void dasd_select(struct ccwdev *d, uint8_t path);
void dasd_end(struct ccwdev *d, uint8_t path);
/* A single-command channel program (select, exec, end). */
uint8_t dasd_one(struct ccwdev *d, uint8_t path, uint8_t code, void *data, uint32_t count);
/* Sense bytes pending on path (concurrent sense); zeros if none. */
void dasd_sense(struct ccwdev *d, uint8_t path, uint8_t s[32]);

void dasd_de(uint8_t de[16], uint8_t mask, uint8_t ga, uint32_t first_trk, uint32_t last_trk);
void dasd_lr(uint8_t lr[16], uint8_t op, uint8_t aux, uint8_t count, uint32_t trk, uint8_t rec,
	     uint16_t tlf);

/* Read / write `n` 4 KB blocks (n <= 12*...) starting at block `blk` with
 * the Linux channel program DE + LR + n x (0x86 | 0x85).  Returns the dstat
 * of the failing or last command. */
uint8_t dasd_rw_blocks(struct ccwdev *d, uint8_t path, bool write, uint32_t blk, uint32_t n,
		       uint8_t *buf);

/* Path of a scratch file in the test directory (one of 8 rotating buffers). */
const char *dasd_tmp(const char *name);
/* Open a device on an image (asserts success). */
struct ccwdev *dasd_open(struct sim *sim, const char *image, bool readonly);
/* Run `chpsync dasd ...` (dasd_tool_main) in a child with stdout and stderr
 * captured into out (NUL-terminated); returns the exit status. */
int dasd_tool(char *out, size_t outlen, const char *const *args);
/* Run a shell command with output captured; returns the exit status. */
int dasd_sh(char *out, size_t outlen, const char *cmd);

#endif
