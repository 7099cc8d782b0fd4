/* The shared option parser and error path (see util_opt.h). */
#include "user/util_opt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "user/node.h"

static void try_help(struct proc *p, const char *prog)
{
	proc_eprintf(p, "Try '%s --help' for more information.\n", prog);
}

/* The option as libutil names it: a missing argument names the argv word
 * (optind - 1); an invalid option names "-x" when getopt set optopt, else
 * the argv word of the long option. */
static void opt_word(char **argv, int ind, int c, int optopt_, char *buf, size_t size)
{
	const char *w = ind > 0 ? argv[ind - 1] : "";

	if (c == '?' && optopt_)
		snprintf(buf, size, "-%c", optopt_);
	else
		snprintf(buf, size, "%s", w);
}

int util_opt_parse(struct proc *p, const char *prog, int argc, char **argv, const char *shortopts,
		   const struct option *longopts, struct util_opt_res *r)
{
	char spec[128], word[256];
	int c;

	snprintf(spec, sizeof(spec), ":%s", shortopts);
	memset(r, 0, sizeof(*r));
	optind = 0; /* full re-initialisation of glibc's getopt */
	opterr = 0;
	while ((c = getopt_long(argc, argv, spec, longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			opt_word(argv, optind, c, optopt, word, sizeof(word));
			if (c == '?')
				proc_eprintf(p, "%s: Invalid option '%s'\n", prog, word);
			else
				proc_eprintf(p, "%s: Option '%s' requires an argument\n", prog,
					     word);
			try_help(p, prog);
			return -1;
		}
		if (r->n == UTIL_OPT_MAX) {
			proc_eprintf(p, "%s: Too many options\n", prog);
			return -1;
		}
		r->v[r->n].val = c;
		r->v[r->n].arg = optarg;
		r->v[r->n].word = argv[optind - 1];
		r->n++;
	}
	r->optind = optind;
	return 0;
}

int util_prg_err(struct proc *p, const char *prog, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	proc_eprintf(p, "%s: %s\n", prog, msg);
	return 1;
}

void util_prg_version(struct proc *p, const char *prog, const char *years)
{
	proc_printf(p, "%s version %s\nCopyright IBM Corp. %s\n", prog, S390_TOOLS_RELEASE, years);
}
