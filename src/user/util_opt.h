/* One option parser for the C-style tools, on getopt_long, with
 * s390-tools' libutil error texts:
 *   prog: Invalid option '-x'
 *   prog: Option '--format' requires an argument
 *   Try 'prog --help' for more information.
 * Options are collected in one go (getopt's state is global; a command
 * may block later, and another command's task may then parse its own). */
#ifndef CHPSYNC_USER_UTIL_OPT_H
#define CHPSYNC_USER_UTIL_OPT_H

#include <getopt.h>

struct proc;

#define UTIL_OPT_MAX 64

struct util_opt_item {
	int val;
	char *arg;  /* optarg */
	char *word; /* argv word that ended the option (argv[optind - 1]) */
};

struct util_opt_res {
	int n;
	struct util_opt_item v[UTIL_OPT_MAX];
	int optind; /* first operand; argv is permuted (operands last) */
};

/* shortopts without a leading ':' (added here).  0 on success, -1 after
 * printing the error (the caller exits 1). */
int util_opt_parse(struct proc *p, const char *prog, int argc, char **argv, const char *shortopts,
		   const struct option *longopts, struct util_opt_res *r);
/* "prog: message\n" on stderr; returns 1 (the exit status). */
int util_prg_err(struct proc *p, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "prog version X\nCopyright IBM Corp. YEARS\n". */
void util_prg_version(struct proc *p, const char *prog, const char *years);

#endif
