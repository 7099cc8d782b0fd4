/* Private to the shell (shell.c, shell_parse.c, shell_builtin.c): the
 * parsed command line, nodes and processes. */
#ifndef CHPSYNC_OS_SHELL_PRIV_H
#define CHPSYNC_OS_SHELL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/shell.h"
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

/* ---- nodes and processes (shell.c, shell_builtin.c) ---- */

struct prog;
struct vfs_file;

struct node {
	char *name;
	struct os *os;
	struct world *w;
	struct prog *progs;
	char *term;
	size_t term_len, term_cap;
	int last_status;
	int last_bg_pid;
	int next_pid, next_job;
	struct sim_waitq job_wq; /* woken when a job ends */
	struct proc *procs;	 /* every process of the node, for reaping */
	struct node *next;
};

struct pipe {
	unsigned char *buf;
	size_t head, len;
	bool write_closed, read_closed;
	struct sim_waitq wq;
	int refs;
};

struct proc {
	struct node *n;
	struct sim_task *task; /* NULL: runs in its parent's task */
	int pid, job;	       /* job: number for `wait %N`, 0 if not a job */
	int job_status;	       /* a job's $?: its own last pipeline's status */
	bool done, released;
	int status;
	struct sim_waitq done_wq;
	/* What the task runs: a whole line, or one pipeline (jobs, stages). */
	struct sh_line *line;
	int first, last; /* and-or list of the line a job runs */
	const struct sh_cmd *cmd;
	char parse_err[160];
	char *text;
	/* I/O */
	struct pipe *in, *out;
	struct vfs_file *in_file, *out_file, *err_file;
	/* `> /sys/...`: the output is collected and stored with one write,
	 * as `echo 1 > online` does with one write() system call */
	char *sys_path, *sys_buf;
	size_t sys_len, sys_cap;
	uint64_t in_off, out_off, err_off;
	bool err_to_out;
	bool epipe;	/* the stdout pipe's reader has gone */
	bool exit_line; /* `exit` ran: stop the rest of the line */
	struct proc *parent;
	struct proc *next;
};

/* Jobs of the node still running, not counting `self`. */
int sh_jobs_except(const struct node *n, const struct proc *self);
/* Mark a process ended with `status` and wake whoever waits for it. */
void sh_proc_finish(struct proc *p, int status);
/* Run argv[0] if it is a builtin (*found); returns its status. */
int sh_run_builtin(struct proc *p, int argc, char **argv, bool *found);

#endif
