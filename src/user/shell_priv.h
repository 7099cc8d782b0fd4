/* Private to the shell (shell.c, shell_parse.c, shell_builtin.c): the
 * parsed command line and the builtins. */
#ifndef CHPSYNC_USER_SHELL_PRIV_H
#define CHPSYNC_USER_SHELL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "user/node.h"
#include "sim/sim.h"

/* Markers the tokenizer leaves for expansions done when a command runs
 * (`false; echo $?` must see the status of `false`). */
#define SH_MARK_STATUS '\x01' /* $? */
#define SH_MARK_LASTBG '\x02' /* $! */

struct sh_cmd {
	char **argv; /* raw words, with markers */
	int argc;
	char *in_path;	/* < */
	char *out_path; /* > or >> */
	bool out_append;
	char *err_path; /* 2> or 2>> */
	bool err_append;
	bool err_to_out; /* 2>&1 */
};

enum sh_sep { SH_SEQ, SH_BG, SH_AND, SH_OR };

struct sh_pipeline {
	struct sh_cmd *cmds;
	int ncmds;
	enum sh_sep sep; /* what follows this pipeline */
};

struct sh_line {
	struct sh_pipeline *pls;
	int npls;
	int refs; /* the line's process and each background job */
};

/* Parse a command line.  NULL with *err set to a bash-like message
 * ("syntax error near unexpected token `|'") on a syntax error. */
struct sh_line *sh_parse(const char *text, char *err, size_t errsize);
void sh_line_put(struct sh_line *l);

/* Run argv[0] if it is a builtin (*found); returns its status. */
int sh_run_builtin(struct proc *p, int argc, char **argv, bool *found);
/* GNU sleep-style DURATION (NUMBER[smhd] or NUMBER"ms"); 0 or -1. */
int sh_parse_duration(const char *s, sim_time_t *ns);

#endif
