/* The timeline of a run: every layer's view of every path of every device
 * over simulated time, drawn as SVG (or an HTML page around it), and the
 * same events as a Chrome trace-event file (Perfetto, chrome://tracing).
 * docs/timeline.md has the picture's legend and the time axis.
 *
 * The recorder sees the world only from above, as the world assembler
 * does: the css interface of each OS (a tap between the OS and its CSS),
 * the sim's trace lines, and read-only views the layers offer (the
 * machine's CHPID and subchannel state, each OS's cio/sysfs view, the
 * VMM's pass-through devices).  No layer knows that it is being recorded,
 * and the run is the same with or without it (same transcript, same
 * trace). */
#ifndef CHPSYNC_CLI_TIMELINE_H
#define CHPSYNC_CLI_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arch/css_if.h"

struct sim;
struct machine;
struct world;
struct node;
struct os;
struct vmm;
struct tl;

/* A recorder on sim and machine; it observes the sim's trace from now on.
 * title: the picture's title (copied).  NULL on allocation failure. */
struct tl *tl_new(struct sim *sim, struct machine *m, const char *title);
/* Wrap an OS instance's css interface (before the OS is created on it);
 * `who` is the node's name.  Returns css itself when out of memory. */
struct css_if tl_tap(struct tl *tl, struct css_if css, const char *who);
/* The world to sample: nodes (guests appear there), the VMM, the host OS. */
void tl_attach(struct tl *tl, struct world *w, struct vmm *vmm, struct os *host);
/* Call between events (the runner calls it before each one): samples
 * every layer's state once an instant is over, so that each change is
 * stamped with the time of the event that made it (while only plain I/O
 * runs, at most every 10 us of simulated time; docs/timeline.md). */
void tl_between_events(struct tl *tl);
/* Sample every layer's state now. */
void tl_poll(struct tl *tl);
/* A command typed on a node starts / has ended. */
void tl_command_start(struct tl *tl, const char *node, const char *cmd);
void tl_command_end(struct tl *tl);
/* Write the picture (html: the SVG inside a page with hover details) or
 * the Chrome trace to f.  0, or -1 (out of memory, or a write error). */
int tl_write_svg(struct tl *tl, FILE *f, bool html);
int tl_write_chrome(struct tl *tl, FILE *f);
/* What --timeline FILE asks for by its name: 0 an SVG picture (.svg), 1
 * an HTML page (.html, .htm), -1 neither. */
int tl_file_kind(const char *path);
/* Stop observing (the world is going away); the model stays readable. */
void tl_detach(struct tl *tl);
void tl_free(struct tl *tl);

/* Figures for tests and benchmarks. */
struct tl_stats {
	size_t rows, segments, events, io_events;
	uint64_t polls; /* state samples taken */
};
void tl_stats(const struct tl *tl, struct tl_stats *st);

/* The state of one row at time t, for tests: layer "machine", "host",
 * "vmm" or "guest"; host subchannel number and CHPID pick the row.  Returns
 * the row's state bits (TS_* in tl_priv.h; 0 = absent), or -1 when there
 * is no such row.  *since gets the start of that state. */
long tl_row_state(const struct tl *tl, const char *layer, uint16_t host_sch, uint8_t chpid,
		  unsigned long long t, unsigned long long *since);
/* Time of the first event of `kind` ("cmd", "crw", "mchk", "stsch", "io", "pv",
 * "region", "vcrw") at `layer` at or after t whose text (commands) contains
 * `text` (NULL: any); -1 when none. */
long long tl_find_event(const struct tl *tl, const char *kind, const char *layer,
			unsigned long long t, const char *text);

#endif
