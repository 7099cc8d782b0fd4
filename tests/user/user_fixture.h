/* Shared fixture of the userland tests: an OS-less struct os with a
 * hand-built /sys, and a node to run command lines on. */
#ifndef CHPSYNC_TESTS_USER_FIXTURE_H
#define CHPSYNC_TESTS_USER_FIXTURE_H

#include "os/os.h"
#include "user/progs.h"
#include "user/shell.h"
#include "os/sysfs.h"

struct ufix {
	struct sim *sim;
	struct os os;
	struct world *w;
	struct node *n;
	int status;
};

void ufix_init(struct ufix *f);
/* The same with the run's seed (ufix_init: 42). */
void ufix_init_seed(struct ufix *f, uint64_t seed);
void ufix_fini(struct ufix *f);
/* Run a line to completion; returns the terminal output (static buffer,
 * valid until the next call); the status is in f->status. */
const char *ufix_run(struct ufix *f, const char *line);
/* A constant attribute (show returns text) and a writable one that keeps
 * what was written (store copies into a fixture slot). */
void ufix_const(struct ufix *f, const char *path, const char *text);
void ufix_rw(struct ufix *f, const char *path, const char *text);
/* Last text written to a ufix_rw attribute. */
const char *ufix_rw_value(struct ufix *f, const char *path);
/* Typical host tree: subchannel 0.0.013f with dasd 0.0.3f3f, chpids 42-45. */
void ufix_host_tree(struct ufix *f);

#endif
