/* Text filters for scenarios: head, tail, grep, wc (the coreutils/GNU grep
 * subset documented in docs/commands.md, with their messages and exit
 * codes).  Input is read whole (files or stdin), output is line by line. */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"

/* Inputs larger than this are refused rather than buffered. */
#define TEXT_MAX (256u << 20)

struct text {
	char *buf;
	size_t len;
};

/* Read all of `path` ("-" = stdin).  0 or -errno. */
static int text_read(struct proc *p, const char *path, struct text *t)
{
	struct uinput in;
	size_t cap = 4096;
	long n;
	int err;

	t->len = 0;
	t->buf = malloc(cap);
	if (!t->buf)
		return -ENOMEM;
	err = uinput_open(p, path, &in);
	if (err) {
		free(t->buf);
		t->buf = NULL;
		return err;
	}
	for (;;) {
		if (cap - t->len < 4096) {
			char *nb = cap < TEXT_MAX ? realloc(t->buf, cap * 2) : NULL;

			if (!nb) {
				n = -EFBIG;
				break;
			}
			t->buf = nb;
			cap *= 2;
		}
		n = uinput_read(&in, t->buf + t->len, cap - t->len);
		if (n <= 0)
			break;
		t->len += (size_t)n;
	}
	uinput_close(&in);
	if (n < 0) {
		free(t->buf);
		t->buf = NULL;
		return (int)n;
	}
	return 0;
}

/* Start of the line after the one starting at `pos`, or t->len. */
static size_t next_line(const struct text *t, size_t pos)
{
	const char *nl = memchr(t->buf + pos, '\n', t->len - pos);

	return nl ? (size_t)(nl - t->buf) + 1 : t->len;
}

static size_t count_lines(const struct text *t)
{
	size_t n = 0;

	for (size_t pos = 0; pos < t->len; pos = next_line(t, pos))
		n++;
	return n;
}

static int bad_count(struct proc *p, const char *prog, const char *arg)
{
	proc_eprintf(p, "%s: invalid number of lines: '%s'\n", prog, arg);
	return 1;
}

/* Parse "-n N", "-nN", "-N", "--lines=N"; *from_start for tail's "+N".
 * Returns the index of the first operand, or -1 after an error message. */
static int parse_lines(struct proc *p, const char *prog, int argc, char **argv, long *lines,
		       bool *from_start)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i], *val = NULL;
		char *end;

		if (!strcmp(a, "--"))
			return i + 1;
		if (!strcmp(a, "-n")) {
			if (++i == argc) {
				proc_eprintf(p,
					     "%s: option requires an argument -- 'n'\n"
					     "Try '%s --help' for more information.\n",
					     prog, prog);
				return -1;
			}
			val = argv[i];
		} else if (!strncmp(a, "-n", 2)) {
			val = a + 2;
		} else if (!strncmp(a, "--lines=", 8)) {
			val = a + 8;
		} else if (a[1] >= '0' && a[1] <= '9') {
			val = a + 1;
		} else {
			proc_eprintf(p,
				     "%s: invalid option -- '%c'\n"
				     "Try '%s --help' for more information.\n",
				     prog, a[1], prog);
			return -1;
		}
		if (from_start)
			*from_start = val[0] == '+';
		errno = 0;
		*lines = strtol(val + (val[0] == '+'), &end, 10);
		if (!val[0] || *end || errno || *lines < 0) {
			bad_count(p, prog, val);
			return -1;
		}
	}
	return i;
}

/* Run fn over each operand (or stdin), GNU-style "==> name <==" headers
 * when there are several.  Returns the exit status. */
static int each_input(struct proc *p, const char *prog, int argc, char **argv, int first,
		      void (*fn)(struct proc *, const struct text *, long, bool), long lines,
		      bool from_start)
{
	char dash[] = "-"; /* an operand of its own, not shared state */
	char *only[] = {dash};
	char **files = first < argc ? argv + first : only;
	int nfiles = first < argc ? argc - first : 1, status = 0;

	for (int i = 0; i < nfiles; i++) {
		struct text t;
		int err = text_read(p, files[i], &t);

		if (err) {
			proc_eprintf(p, "%s: cannot open '%s' for reading: %s\n", prog, files[i],
				     strerror(-err));
			status = 1;
			continue;
		}
		if (nfiles > 1)
			proc_printf(p, "%s==> %s <==\n", i ? "\n" : "",
				    strcmp(files[i], "-") ? files[i] : "standard input");
		fn(p, &t, lines, from_start);
		free(t.buf);
	}
	return status;
}

static void head_one(struct proc *p, const struct text *t, long lines, bool unused)
{
	size_t pos = 0;

	for (long n = 0; n < lines && pos < t->len; n++)
		pos = next_line(t, pos);
	proc_write(p, t->buf, pos);
}

static void tail_one(struct proc *p, const struct text *t, long lines, bool from_start)
{
	size_t total = count_lines(t), skip, pos = 0;

	if (from_start)
		skip = lines > 0 ? (size_t)lines - 1 : 0;
	else
		skip = total > (size_t)lines ? total - (size_t)lines : 0;
	for (size_t n = 0; n < skip && pos < t->len; n++)
		pos = next_line(t, pos);
	proc_write(p, t->buf + pos, t->len - pos);
}

int cmd_head(struct proc *p, void *ctx, int argc, char **argv)
{
	long lines = 10;
	int first = parse_lines(p, "head", argc, argv, &lines, NULL);

	if (first < 0)
		return 1;
	return each_input(p, "head", argc, argv, first, head_one, lines, false);
}

int cmd_tail(struct proc *p, void *ctx, int argc, char **argv)
{
	long lines = 10;
	bool from_start = false;
	int first = parse_lines(p, "tail", argc, argv, &lines, &from_start);

	if (first < 0)
		return 1;
	return each_input(p, "tail", argc, argv, first, tail_one, lines, from_start);
}

/* grep -o: every non-empty match of the line on a line of its own. */
static void print_matches(struct proc *p, const char *name, const char *line, regex_t *re,
			  const char *fixed, bool icase)
{
	const char *s = line;

	while (*s || s == line) {
		size_t off, len;

		if (re) {
			regmatch_t m;

			if (regexec(re, s, 1, &m, s == line ? 0 : REG_NOTBOL))
				return;
			off = (size_t)m.rm_so;
			len = (size_t)(m.rm_eo - m.rm_so);
		} else {
			const char *h = icase ? strcasestr(s, fixed) : strstr(s, fixed);

			if (!h || !*fixed)
				return;
			off = (size_t)(h - s);
			len = strlen(fixed);
		}
		if (len) {
			if (name)
				proc_printf(p, "%s:", name);
			proc_write(p, s + off, len);
			proc_write(p, "\n", 1);
		}
		s += off + (len ? len : 1);
		if (s > line + strlen(line))
			return;
	}
}

/* grep [-v] [-c] [-i] [-q] [-o] [-E|-F] PATTERN [FILE...]: exit 0 when a line was
 * selected, 1 when none, 2 on an error. */
int cmd_grep(struct proc *p, void *ctx, int argc, char **argv)
{
	bool invert = false, count = false, icase = false, quiet = false, ere = false,
	     fixed = false, only = false, any = false;
	int i, status = 0, nfiles;
	char dash[] = "-"; /* an operand of its own, not shared state */
	char *stdin_only[] = {dash};
	char **files;
	regex_t re;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *o = argv[i] + 1; *o; o++) {
			switch (*o) {
			case 'v':
				invert = true;
				break;
			case 'c':
				count = true;
				break;
			case 'i':
				icase = true;
				break;
			case 'q':
				quiet = true;
				break;
			case 'E':
				ere = true;
				break;
			case 'F':
				fixed = true;
				break;
			case 'o':
				only = true;
				break;
			default:
				proc_eprintf(p,
					     "grep: invalid option -- '%c'\n"
					     "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
					     "Try 'grep --help' for more information.\n",
					     *o);
				return 2;
			}
		}
	}
	if (i == argc) {
		proc_eprintf(p, "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
				"Try 'grep --help' for more information.\n");
		return 2;
	}
	const char *pattern = argv[i++];

	if (!fixed) {
		int rc = regcomp(&re, pattern,
				 (only ? 0 : REG_NOSUB) | (ere ? REG_EXTENDED : 0) |
					 (icase ? REG_ICASE : 0));

		if (rc) {
			char msg[128];

			regerror(rc, &re, msg, sizeof(msg));
			proc_eprintf(p, "grep: %s\n", msg);
			regfree(&re);
			return 2;
		}
	}
	files = i < argc ? argv + i : stdin_only;
	nfiles = i < argc ? argc - i : 1;
	for (int f = 0; f < nfiles; f++) {
		const char *name = strcmp(files[f], "-") ? files[f] : "(standard input)";
		struct text t;
		long matches = 0;
		int err = text_read(p, files[f], &t);

		if (err) {
			proc_eprintf(p, "grep: %s: %s\n", files[f], strerror(-err));
			status = 2;
			continue;
		}
		for (size_t pos = 0, end; pos < t.len; pos = end) {
			size_t len;
			char *line;
			bool hit;

			end = next_line(&t, pos);
			len = end - pos - (t.buf[end - 1] == '\n');
			line = strndup(t.buf + pos, len);
			if (!line)
				break;
			if (fixed)
				hit = icase ? strcasestr(line, pattern) != NULL
					    : strstr(line, pattern) != NULL;
			else
				hit = regexec(&re, line, 0, NULL, 0) == 0;
			if (hit == invert) {
				free(line);
				continue;
			}
			matches++;
			if (quiet || count || (only && invert)) {
				free(line);
				continue;
			}
			if (only) {
				print_matches(p, nfiles > 1 ? name : NULL, line, fixed ? NULL : &re,
					      pattern, icase);
				free(line);
				continue;
			}
			free(line);
			if (nfiles > 1)
				proc_printf(p, "%s:", name);
			proc_write(p, t.buf + pos, len);
			proc_write(p, "\n", 1);
		}
		if (count) {
			if (nfiles > 1)
				proc_printf(p, "%s:", name);
			proc_printf(p, "%ld\n", matches);
		}
		any = any || matches;
		free(t.buf);
	}
	if (!fixed)
		regfree(&re);
	if (status)
		return quiet && any ? 0 : status;
	return any ? 0 : 1;
}

/* wc [-l] [-w] [-c] [FILE...]: one count alone is printed without padding
 * for a single input; several counts are right-aligned in GNU's width 7. */
int cmd_wc(struct proc *p, void *ctx, int argc, char **argv)
{
	bool l = false, w = false, c = false;
	char dash[] = "-"; /* an operand of its own, not shared state */
	char *only[] = {dash};
	char **files;
	int i, nfiles, ncounts, status = 0;
	unsigned long tl = 0, tw = 0, tc = 0;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'l')
				l = true;
			else if (*o == 'w')
				w = true;
			else if (*o == 'c')
				c = true;
			else {
				proc_eprintf(p,
					     "wc: invalid option -- '%c'\n"
					     "Try 'wc --help' for more information.\n",
					     *o);
				return 1;
			}
		}
	}
	if (!l && !w && !c)
		l = w = c = true;
	ncounts = l + w + c;
	files = i < argc ? argv + i : only;
	nfiles = i < argc ? argc - i : 1;
	for (int f = 0; f < nfiles + (nfiles > 1); f++) {
		unsigned long nl = 0, nw = 0, nc;
		const char *name = f < nfiles ? files[f] : "total";
		int width = ncounts == 1 && nfiles == 1 ? 1 : 7;

		if (f < nfiles) {
			struct text t;
			bool inword = false;
			int err = text_read(p, files[f], &t);

			if (err) {
				proc_eprintf(p, "wc: %s: %s\n", files[f], strerror(-err));
				status = 1;
				continue;
			}
			nc = t.len;
			for (size_t k = 0; k < t.len; k++) {
				char ch = t.buf[k];
				bool space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' ||
					     ch == '\v' || ch == '\f';

				nl += ch == '\n';
				nw += !space && !inword;
				inword = !space;
			}
			free(t.buf);
			tl += nl, tw += nw, tc += nc;
		} else {
			nl = tl, nw = tw, nc = tc;
		}
		const char *sep = "";

		if (l) {
			proc_printf(p, "%*lu", width, nl);
			sep = " ";
		}
		if (w) {
			proc_printf(p, "%s%*lu", sep, width, nw);
			sep = " ";
		}
		if (c)
			proc_printf(p, "%s%*lu", sep, width, nc);
		if (strcmp(name, "-"))
			proc_printf(p, " %s", name);
		proc_printf(p, "\n");
	}
	return status;
}
