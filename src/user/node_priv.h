/* Private to src/user: nodes, their programs and processes, for the shell
 * (shell.c, shell_builtin.c) and node.c. */
#ifndef CHPSYNC_USER_NODE_PRIV_H
#define CHPSYNC_USER_NODE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"
#include "user/node.h"

struct pipe;
struct sh_cmd;
struct sh_line;
struct vfs_file;

struct prog {
	char *name;
	prog_main fn;
	void *ctx;
	struct prog *next;
};

struct node {
	char *name;
	struct os *os;
	struct world *w;
	struct prog *progs;
	char *term;
	size_t term_len, term_cap;
	int last_status;
	int last_bg_pid;
	int next_pid;
	/* The statuses of background jobs that have ended, by PID, as bash
	 * keeps them for `wait PID` (the last NODE_MAX_BGPIDS; a plain
	 * `wait` forgets them). */
	struct node_bgpid {
		int pid, status;
	} * bgp;
	size_t nbgp;
	struct sim_waitq job_wq; /* woken when a job ends */
	struct proc *procs;	 /* every process of the node, for reaping */
	struct node *next;
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
	/* The signal that ends the process (0: none).  From then on it
	 * prints nothing, its system calls and interruptible waits fail with
	 * -EINTR, and its status is 128 + sig; except SIGINT to a program
	 * that handles it (catch_int), which may still print. */
	int sig;
	bool catch_int;
	struct proc *parent;
	struct proc *next;
};

#define NODE_MAX_BGPIDS 1024

/* The job table (bash's, non-interactive): a job stays in it, running or
 * ended, until `wait` takes it out (then it is released). */
int node_next_job(const struct node *n);
struct proc *node_find_job(const struct node *n, int job);
struct proc *node_find_job_pid(const struct node *n, int pid);
/* The remembered status of an ended job's PID: true and *status, or
 * false. */
bool node_bgpid_status(const struct node *n, int pid, int *status);
/* `wait` without operands: ended jobs leave the table, statuses are
 * forgotten. */
void node_forget_jobs(struct node *n, const struct proc *self);

/* The program registered under `name`, NULL if none. */
const struct prog *node_find_prog(const struct node *n, const char *name);
/* Jobs of the node still running, not counting `self`. */
int node_jobs_except(const struct node *n, const struct proc *self);
/* Free the processes nobody needs any more and whose tasks have ended. */
void node_reap(struct node *n);

/* A new process of node n (parent: the process whose task runs it, NULL
 * for a line or a job). */
struct proc *proc_new(struct node *n, struct proc *parent);
void proc_destroy(struct proc *p);
/* Mark a process ended with `status` and wake whoever waits for it. */
void proc_finish(struct proc *p, int status);
/* The task a process runs in (its own, or its parent's). */
struct sim_task *proc_task(const struct proc *p);

#endif
