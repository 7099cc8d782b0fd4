/* Nodes, processes and programs: what a scenario line runs on.
 *
 * A node is a named place to type commands ("host", "hmc", a guest's -name).
 * It has a program table and a terminal.  A command line runs as a process
 * (a sim task): the shell (user/shell.h) parses it and runs builtins or the
 * node's programs.  Everything a process prints, and every console line of
 * the node's OS, goes to the node's terminal in the order it happens; the
 * scenario runner takes the terminal's text after each command.
 */
#ifndef CHPSYNC_USER_NODE_H
#define CHPSYNC_USER_NODE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim/sim.h"

struct os;
struct sysfs;
struct vfs;
struct node;
struct proc;
struct world;

/* A program's main.  ctx is what was given at registration.  Returns the
 * exit status. */
typedef int (*prog_main)(struct proc *p, void *ctx, int argc, char **argv);

/* The set of nodes of a run; created by the scenario runner. */
struct world *world_new(struct sim *sim);
void world_free(struct world *w);
struct sim *world_sim(struct world *w);
/* Create a node.  os may be NULL (the hmc).  Returns NULL if the name is
 * taken.  For an OS node the node becomes the OS's console sink. */
struct node *world_add_node(struct world *w, const char *name, struct os *os);
struct node *world_find_node(struct world *w, const char *name);
/* The names of the world's nodes in the order they came (at most max;
 * returns how many there are), and of a node's programs, sorted (the
 * shell's builtins echo, sleep, wait, true, false, exit not included). */
size_t world_node_names(const struct world *w, const char **names, size_t max);
size_t node_prog_names(const struct node *n, const char **names, size_t max);
void world_remove_node(struct world *w, struct node *n);
/* Called whenever a node is added (the runner uses it to learn about
 * guests started by qemu-system-s390x). */
void world_on_add(struct world *w, void (*fn)(void *ctx, struct node *n), void *ctx);

const char *node_name(const struct node *n);
struct os *node_os(const struct node *n);
struct world *node_world(const struct node *n);
void node_add_prog(struct node *n, const char *name, prog_main fn, void *ctx);

/* A process started by node_run() (user/shell.h). */
bool proc_done(const struct proc *p);
int proc_status(const struct proc *p);
void proc_free(struct proc *p);
/* Terminal text produced since the last call (malloc'd; caller frees). */
char *node_take_output(struct node *n);
/* Append text to the terminal (console lines, program output). */
void node_write(struct node *n, const char *text, size_t len);
/* Number of background jobs still running on the node. */
int node_jobs(const struct node *n);

/* For programs. */
struct node *proc_node(const struct proc *p);
struct os *proc_os(const struct proc *p);
struct sim *proc_sim(const struct proc *p);
void proc_printf(struct proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void proc_eprintf(struct proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void proc_write(struct proc *p, const void *buf, size_t len);
/* stdin of a pipeline stage (NULL-safe): bytes read, 0 at EOF. */
long proc_read_stdin(struct proc *p, void *buf, size_t len);
/* True once the reader of the process's stdout pipe has gone.  Further
 * output is dropped; a program that would loop on writing should stop and
 * return PROC_SIGPIPE, the status of a process killed by SIGPIPE. */
bool proc_output_closed(const struct proc *p);
#define PROC_SIGPIPE 141

/* Signals.  proc_signal() sends `sig` (SIGINT, SIGTERM, SIGKILL) to p and
 * to the processes of its pipelines, not to the background jobs it started:
 * their interruptible waits end (sleep, wait, pipes, CPU time), their
 * system calls fail with -EINTR, and each ends with status 128 + sig,
 * printing nothing more.  A program that handles SIGINT (proc_catch_sigint,
 * as GNU dd does to print its statistics) still prints after it.  Waits in
 * the kernel (a read from a DASD) are not interrupted: the signal takes
 * effect when they are over, as in Linux. */
void proc_signal(struct proc *p, int sig);
/* For programs: the signal that is ending the process, 0 if none. */
int proc_signalled(const struct proc *p);
void proc_catch_sigint(struct proc *p);
/* The process computes for `ns` of simulated time (user-space CPU work,
 * docs/timing.md).  0, or -EINTR (sooner) when a signal ends it. */
int proc_cpu(struct proc *p, sim_time_t ns);
/* Kill every process of every node (SIGKILL): the end of a run. */
void world_kill_all(struct world *w);
/* Kill every process of one node (SIGKILL). */
void node_kill_all(struct node *n);
/* The same, except the process that calls it and its parents (a guest's
 * `poweroff` ends its own machine and returns 0). */
void node_kill_others(struct node *n);
/* Processes of the world that have not ended. */
size_t world_live_procs(const struct world *w);

/* What a program reaches of its node's kernel, as a Linux tool does through
 * system calls: the /sys tree, the other files (device nodes, /tmp),
 * uname's node name, and the kernel log (syslog(2), os/syslog.h).  On a node
 * without an OS (the hmc): NULL, "", -ENOSYS. */
struct sysfs *proc_sysfs(const struct proc *p);
struct vfs *proc_vfs(const struct proc *p);
const char *proc_hostname(const struct proc *p);
int proc_syslog(struct proc *p, int type, char *buf, int len);
/* read(2)/write(2) on a file of the node's vfs, with their CPU cost (one
 * system call plus the bytes copied, docs/timing.md): bytes, or -errno;
 * -EINTR when a signal ends the process. */
struct vfs_file;
ssize_t proc_pread(struct proc *p, struct vfs_file *f, void *buf, size_t len, uint64_t off);
ssize_t proc_pwrite(struct proc *p, struct vfs_file *f, const void *buf, size_t len, uint64_t off);
/* mmap(2) of anonymous memory: `len` bytes of process memory in the node's
 * storage, page aligned (what an O_DIRECT transfer's buffer must be, so
 * that the device moves the data straight to or from it).  NULL when there
 * is no room or no OS; proc_munmap(p, NULL) does nothing. */
void *proc_mmap(struct proc *p, size_t len);
void proc_munmap(struct proc *p, void *addr);

#endif
