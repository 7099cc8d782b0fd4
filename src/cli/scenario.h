/* Scenario files: terminal transcripts (docs/scenario.md).
 *
 *   # a comment                        printed as-is by `run`
 *   #! iocp deck.iocp                  a directive (before the first command)
 *   [root@host ~]# lschp               a command on node "host"
 *   CHPID  Vary  Cfg.  Type ...        its expected output, up to the next
 *   ...                                prompt or comment line
 *
 * The parser keeps every line so that `run` reproduces the file exactly
 * when the actual output equals the expected output.
 */
#ifndef CHPSYNC_CLI_SCENARIO_H
#define CHPSYNC_CLI_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"
#include "sim/sim.h"

/* A prompt line "[USER@NODE DIR]# COMMAND", split up.  The pointers point
 * into the buffer given to prompt_parse(). */
struct prompt {
	char user[32];
	char node[64];
	char dir[128];
	const char *cmd; /* rest of the line after "]# " (may be empty) */
	size_t cmdlen;	 /* without trailing blanks */
};

/* 1 if line is a prompt line (filled into p), 0 if it is not one, -1 if it
 * looks like a prompt ("[word@") but is malformed (why in err). */
int prompt_parse(const char *line, struct prompt *p, const char **why);

enum scn_kind {
	SCN_TEXT,    /* comment, directive or blank line outside any output */
	SCN_COMMAND, /* prompt line + expected output */
};

struct scn_item {
	enum scn_kind kind;
	int line;   /* 1-based line number of text */
	char *text; /* the line as written, without newline (and CR) */
	/* SCN_COMMAND only: */
	char *node;
	char *cmd;     /* command line, trailing blanks removed */
	char **expect; /* expected output lines */
	size_t nexpect;
	/* SCN_TEXT: a '#! think DURATION' line (anywhere in the file): the
	 * think time from here on. */
	bool think_set;
	sim_time_t think;
};

#define SCN_DEFAULT_TIMEOUT (3600 * SIM_S) /* simulated time per command */
/* A person's moment between a prompt and the command typed at it
 * (docs/scenario.md, "Think time"). */
#define SCN_DEFAULT_THINK (2 * SIM_S)

struct scenario {
	char *name; /* file name used in messages */
	char *dir;  /* directory of the file, for relative paths */
	struct scn_item *items;
	size_t nitems;
	size_t ncommands;
	/* Directives. */
	char *iocp; /* #! iocp FILE (resolved against dir), or NULL */
	int iocp_line;
	bool seed_set; /* #! seed N */
	uint64_t seed;
	sim_time_t timeout; /* #! timeout DURATION, default SCN_DEFAULT_TIMEOUT */
	bool debug;	    /* #! debug: debug-only kernel lines go to dmesg */
	char **varies;	    /* #! varies REGEX: output lines check leaves out */
	size_t nvaries;
	bool upstream;	 /* #! host-driver upstream */
	bool timing_set; /* #! timing ficon|zero */
	enum machine_timing_model timing;
};

/* Parse scenario text.  name is used in messages and for relative paths.
 * 0, or -1 with "NAME:LINE: what is wrong" in err (s is then empty). */
int scenario_parse(struct scenario *s, const char *name, const char *text, char *err,
		   size_t errlen);
/* Read and parse a file.  0 or -1 with err. */
int scenario_load(struct scenario *s, const char *path, char *err, size_t errlen);
void scenario_free(struct scenario *s);

/* "90", "90s", "500ms", "2m", "1h" -> simulated ns.  0 or -1. */
int parse_duration(const char *s, sim_time_t *out);
/* The same, and a zero ("0", "0s", "0ms", ...) is allowed. */
int parse_duration0(const char *s, sim_time_t *out);
/* "ficon" or "zero".  0 or -1. */
int parse_timing(const char *s, enum machine_timing_model *out);

/* A scenario file is at most this long: more is not a transcript (and
 * /dev/zero would never end). */
#define SCN_MAX_FILE (16u << 20)

/* Read a whole file (at most SCN_MAX_FILE bytes) into a malloc'd
 * NUL-terminated string.  NULL with "path: strerror" or "path: larger than
 * 16 MiB: not a scenario" in err. */
char *read_file(const char *path, size_t *len, char *err, size_t errlen);

#endif
