/* The shell: runs a command line on a node (words, quotes, `;`, `&`,
 * `&&`, `||`, `|`, redirections, `$?`, `$!`), with its builtins (echo,
 * sleep, wait, true, false, exit) and the node's programs. */
#ifndef CHPSYNC_USER_SHELL_H
#define CHPSYNC_USER_SHELL_H

#include "user/node.h"

/* Start a command line on the node.  Returns the process (a task), which
 * ends when the whole line has ended (for `cmd &` at once, leaving a job). */
struct proc *node_run(struct node *n, const char *line);

#endif
