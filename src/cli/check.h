/* Comparing transcripts: line splitting that ignores trailing blanks, and a
 * unified diff (Myers' O((N+M)D) shortest edit script over lines). */
#ifndef CHPSYNC_CLI_CHECK_H
#define CHPSYNC_CLI_CHECK_H

#include <stddef.h>
#include <stdio.h>

struct lines {
	char **v;
	size_t n;
	size_t *no; /* 0-based line number in the text of each line (NULL: its index) */
};

/* Split text into lines, removing trailing blanks (space, tab, CR) from
 * each; a missing final newline does not matter.  0 or -1 (no memory). */
int lines_split(const char *text, struct lines *l);
void lines_free(struct lines *l);

/* Write a unified diff turning a into b, with `context` lines of context:
 * "--- name_a", "+++ name_b", then "@@ -l,n +l,n @@" hunks.  Writes
 * nothing when they are equal.  Returns the number of changed lines
 * (deleted + inserted), 0 when equal, -1 on allocation failure. */
long diff_unified(FILE *f, const char *name_a, const struct lines *a, const char *name_b,
		  const struct lines *b, int context);

/* Compare expected and actual transcripts of `file`; print the diff to f
 * with headers "--- FILE (expected)" and "+++ FILE (actual)".  Output lines
 * (neither prompts nor comments) that match one of the nvaries POSIX
 * extended regular expressions in varies are left out on both sides (hunk
 * line numbers stay those of the texts).  0 when equal, 1 when different,
 * -1 on allocation failure or a bad expression. */
int check_transcript(FILE *f, const char *file, const char *expected, const char *actual,
		     char *const *varies, size_t nvaries);

#endif
