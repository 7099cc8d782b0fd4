/* The interactive shell's line input: GNU readline (line editing, history,
 * completion) when chpsync was built with it, plain lines otherwise.  It
 * waits for input and for the signals of a signalfd at once, so that a
 * signal at the prompt is seen without a handler. */
#ifndef CHPSYNC_CLI_LINEEDIT_H
#define CHPSYNC_CLI_LINEEDIT_H

#include <stdbool.h>

struct lineedit;

/* Completion: the candidates for the word `text` that starts at offset
 * `start` of `line`, a malloc'd NULL-terminated array of malloc'd strings
 * (NULL: none). */
typedef char **(*lineedit_complete_fn)(void *ctx, const char *line, int start, const char *text);

/* edit: use line editing (input and output on a terminal, and built
 * with it).  sigfd: a signalfd for SIGINT, SIGTERM and SIGHUP, or -1. */
struct lineedit *lineedit_new(bool edit, int sigfd, lineedit_complete_fn complete, void *ctx);
void lineedit_free(struct lineedit *le);
/* One line (malloc'd, without its newline), or NULL at the end of the
 * input or when *sig was set to a SIGTERM or SIGHUP that came meanwhile.
 * Ctrl-C (SIGINT) at the prompt drops the line typed so far, as bash
 * does. */
char *lineedit_read(struct lineedit *le, const char *prompt, int *sig);
void lineedit_add_history(struct lineedit *le, const char *line);
/* Plain input (a pipe or a file): a line longer than this (a scenario
 * file's limit) ends the input with an error on stderr ... */
#define LINEEDIT_MAX_LINE (16u << 20)
/* ... and then this is true. */
bool lineedit_failed(const struct lineedit *le);
/* Built with line editing (readline)? */
bool lineedit_available(void);

#endif
