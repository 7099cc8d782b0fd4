/* The timeline's model, shared by the recorder (tl_record.c) and the
 * writers (tl_svg.c, tl_chrome.c).  docs/timeline.md describes what is
 * recorded and how it is drawn.
 *
 * Rows: one per (device, CHPID, layer).  A row is a list of segments; a
 * segment starts when the row's sampled state differs from the one before
 * (equal states merge).  Events: what happened at one instant (a CRW, a
 * machine check, STSCH, a command, a trace line) or over a span (an I/O
 * from SSCH to its final interruption, a command from typed to done). */
#ifndef CHPSYNC_CLI_TL_PRIV_H
#define CHPSYNC_CLI_TL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/css_tap.h"
#include "cli/timeline.h"
#include "sim/sim.h"

enum tl_layer { TL_MACHINE, TL_HOST, TL_VMM, TL_GUEST, TL_NLAYER };

/* Row state bits (one CHPID of one device, as one layer holds it). */
#define TS_PRESENT   0x0001u /* the layer has this subchannel/path at all */
#define TS_PIM	     0x0002u
#define TS_PAM	     0x0004u
#define TS_POM	     0x0008u
#define TS_LPM	     0x0010u /* OS: logical path mask (paths I/O may use) */
#define TS_OPM	     0x0020u /* OS: operational per vary state */
#define TS_VPM	     0x0040u /* OS: verified */
#define TS_VARY	     0x0080u /* OS: channel path varied online (lschp Vary 1) */
#define TS_LINK	     0x0100u /* machine: physical link failed */
#define TS_DIRTY     0x0200u /* VMM: the host signalled news not yet read */
#define TS_STALE     0x0400u /* VMM: an I/O interrupt since the last read */
#define TS_GONE	     0x1000u /* machine: device not operational; VMM: unplugged */
#define TS_INUSE     0x2000u /* OS: the subchannel is enabled (in use) */
#define TS_CFG_SHIFT 14	     /* 3 bits: SCLP state + 1 (0 = unknown) */
#define TS_CFG(s)    ((int)(((s) >> TS_CFG_SHIFT) & 7) - 1)

struct tl_seg {
	sim_time_t t;
	uint32_t state;
};

struct tl_row {
	int group;
	uint8_t chpid;
	uint8_t layer;
	struct tl_seg *seg;
	size_t nseg, cap;
};

enum tl_ev_kind {
	TLE_CMD,      /* a command typed: node, text, [t, t_end] */
	TLE_CRW,      /* machine: queued; OS: stored by STCRW (a = CRW word) */
	TLE_CRW_LOST, /* machine CRW queue overflow (a = reports lost) */
	TLE_MCHK,     /* channel-report machine check taken by an OS */
	TLE_STSCH,    /* OS STSCH (a = pim<<16 | pam<<8 | pom, b = cc) */
	TLE_IO,	      /* SSCH to final interruption (a = ORB LPM, b = 1st command) */
	TLE_PV,	      /* path verification I/O (single path SENSE/SET PGID or NOP) */
	TLE_REGION,   /* VMM read the SCHIB region (a host STSCH) */
	TLE_VCRW,     /* VMM drained CRWs from the CRW region (a = how many) */
	TLE_CHP,      /* machine channel-path event (text) */
	TLE_MASK,     /* masks of a device at a layer changed (counter sample) */
	TLE_LOG,      /* any other trace line (text) */
};

struct tl_ev {
	sim_time_t t, t_end;
	uint8_t kind;
	uint8_t layer;
	int16_t node;  /* index in tl->nodes */
	int16_t group; /* -1: not about one device */
	int16_t chpid; /* -1: every path of the group at this layer */
	uint32_t a, b;
	char *text;
};

/* One device: a subchannel of the host (machine and host OS rows) and,
 * while it is passed through, the VM's view of it (VMM and guest rows). */
struct tl_group {
	uint8_t ssid;
	uint16_t sch_no;
	uint16_t devno;
	int nchp;
	uint8_t chpid[8];
	int row[8][TL_NLAYER]; /* -1 until first sampled */
	/* pass-through, as last seen */
	bool pt;
	char vm[32];
	uint16_t guest_schno, guest_devno;
	char policy[16];		/* chpsync= */
	uint64_t host_stsch, crws_read; /* VMM counters at the last poll */
	bool seen;			/* in this poll's VMM views */
	uint32_t masks[TL_NLAYER];	/* last TLE_MASK value per layer */
	/* What each layer's rows were last computed from: a poll that finds
	 * the same inputs does not touch the rows. */
	uint8_t raw[TL_NLAYER][48];
	int node; /* the VM's node index */
	/* an I/O started by SSCH, per OS layer, until its interruption */
	struct tl_io {
		bool open;
		bool pv;
		sim_time_t t;
		uint8_t lpm, cmd;
	} io[TL_NLAYER];
};

/* mdev path -> host subchannel, resolved once through host sysfs. */
struct tl_mdev {
	char *sysfsdev;
	int group;
};

struct tl {
	struct sim *sim;
	struct machine *machine;
	struct world *world;
	struct vmm *vmm;
	struct os *host;
	char *title;
	struct css_tap **taps; /* [0] is the host's */
	int ntaps;
	struct tl_group *groups;
	int ngroups;
	struct tl_row *rows;
	size_t nrows;
	struct tl_ev *evs;
	size_t nev, evcap;
	char **nodes;
	int nnodes;
	struct tl_mdev *mdevs;
	int nmdevs;
	int open_cmd;	   /* index of the command running, -1 none */
	bool ready;	   /* world attached */
	bool discover;	   /* look for new devices at the next poll */
	sim_time_t last_t; /* time of the last poll */
	uint64_t polls;	   /* samples taken */
	bool urgent;	   /* something besides plain I/O happened since */
	bool nomem;
};

/* While only plain I/O happens (SSCH, a final status of channel end and
 * device end), the state is sampled at most every TL_IO_SAMPLE of simulated
 * time, and at the end of any instant followed by that much quiet: a change
 * an I/O makes (a path's POM regained, the VMM's stale mark) may be stamped
 * up to this late.  Anything else is sampled at the end of its instant. */
#define TL_IO_SAMPLE (10 * SIM_US)

/* tl_record.c */
int tl_node(struct tl *tl, const char *name);
struct tl_ev *tl_ev_add(struct tl *tl, enum tl_ev_kind kind, int layer, int node, int group,
			int chpid);
const char *tl_layer_name(int layer);

/* tl_axis.c: the time axis (docs/timeline.md, "Time axis"). */
struct tl_axis {
	sim_time_t *knot; /* times with a fixed x, ascending */
	double *x;
	size_t n;
	double x0, width;
	sim_time_t t0, t1;
};
void tl_axis_build(struct tl_axis *ax, const struct tl *tl, double x0, double width);
double tl_axis_x(const struct tl_axis *ax, sim_time_t t);
void tl_axis_free(struct tl_axis *ax);
/* "4.006132 s", "+10 µs": into buf. */
void tl_fmt_time(char *buf, size_t len, sim_time_t t);
void tl_fmt_span(char *buf, size_t len, sim_time_t d);

/* tl_svg.c, tl_chrome.c */
int tl_write_svg_file(struct tl *tl, FILE *f, bool html);
int tl_write_chrome_file(struct tl *tl, FILE *f);

#endif
