/* `chpsync shell`: command lines typed (or piped) into a world. */
#ifndef CHPSYNC_CLI_SHELL_H
#define CHPSYNC_CLI_SHELL_H

#include "cli/runner.h"

/* Build the world of o, read command lines from standard input until
 * `exit [N]`, `logout`, the end of the input, SIGTERM or SIGHUP, end the
 * world (its work directory goes too) and return the exit status: N, or
 * the last command's status (128 + the signal for a signal). */
int chpsync_shell(const struct run_opts *o);

#endif
