/* cmp [-s] [-n LIMIT] [-i SKIP] FILE1 [FILE2]: GNU diffutils messages:
 * "a b differ: byte N, line M" (exit 1), "cmp: EOF on b after byte N,
 * line M" (exit 1), "cmp: EOF on b which is empty", trouble exit 2. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"

struct cmp_side {
	const char *name;
	struct uinput in;
	unsigned char buf[65536];
	long len, pos;
	bool eof;
};

static int side_byte(struct cmp_side *s)
{
	if (s->pos == s->len) {
		if (s->eof)
			return -1;
		s->len = uinput_read(&s->in, s->buf, sizeof(s->buf));
		s->pos = 0;
		if (s->len <= 0) {
			s->eof = true;
			return s->len < 0 ? -2 : -1;
		}
	}
	return s->buf[s->pos++];
}

static bool parse_num(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	*v = strtoull(s, &end, 10);
	return *end == '\0';
}

static int cmp_run(struct proc *p, struct cmp_side *a, struct cmp_side *b, bool silent,
		   unsigned long long limit, bool have_limit)
{
	unsigned long long byte = 0, line = 1;
	int last = -1;

	for (; !have_limit || byte < limit;) {
		int x = side_byte(a), y = side_byte(b);

		if (x == -2 || y == -2) {
			proc_eprintf(p, "cmp: %s: Input/output error\n",
				     x == -2 ? a->name : b->name);
			return 2;
		}
		if (x < 0 || y < 0) {
			struct cmp_side *s = x < 0 ? a : b;

			if (x < 0 && y < 0)
				return 0;
			if (!silent && byte == 0)
				proc_eprintf(p, "cmp: EOF on %s which is empty\n", s->name);
			else if (!silent)
				/* the line of the last byte read: a final newline
				 * does not open a new line */
				proc_eprintf(p, "cmp: EOF on %s after byte %llu, line %llu\n",
					     s->name, byte, line - (last == '\n'));
			return 1;
		}
		byte++;
		if (x != y) {
			if (!silent)
				proc_printf(p, "%s %s differ: byte %llu, line %llu\n", a->name,
					    b->name, byte, line);
			return 1;
		}
		if (x == '\n')
			line++;
		last = x;
	}
	return 0;
}

static int skip_bytes(struct cmp_side *s, unsigned long long n)
{
	while (n--)
		if (side_byte(s) < 0)
			break;
	return 0;
}

int cmd_cmp(struct proc *p, void *ctx, int argc, char **argv)
{
	struct cmp_side *a = calloc(2, sizeof(*a)), *b;
	const char *files[2] = {NULL, "-"};
	unsigned long long limit = 0, skip = 0;
	bool silent = false, have_limit = false;
	int i, nfiles = 0, ret = 2, err;

	if (!a)
		return 2;
	b = a + 1;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (strcmp(o, "-s") == 0 || strcmp(o, "--quiet") == 0 ||
		    strcmp(o, "--silent") == 0) {
			silent = true;
		} else if ((strcmp(o, "-n") == 0 || strcmp(o, "-i") == 0) && i + 1 < argc) {
			unsigned long long *v = o[1] == 'n' ? &limit : &skip;

			if (!parse_num(argv[++i], v)) {
				proc_eprintf(p, "cmp: invalid --%s value '%s'\n",
					     o[1] == 'n' ? "bytes" : "ignore-initial", argv[i]);
				goto usage;
			}
			have_limit |= o[1] == 'n';
		} else if (o[0] == '-' && o[1]) {
			proc_eprintf(p, "cmp: invalid option -- '%c'\n", o[1]);
			goto usage;
		} else if (nfiles < 2) {
			files[nfiles++] = o;
		} else {
			proc_eprintf(p, "cmp: extra operand '%s'\n", o);
			goto usage;
		}
	}
	if (nfiles == 0) {
		proc_eprintf(p, "cmp: missing operand after 'cmp'\n");
		goto usage;
	}
	a->name = files[0];
	b->name = files[1];
	err = uinput_open(p, a->name, &a->in);
	if (err) {
		proc_eprintf(p, "cmp: %s: %s\n", a->name, strerror(-err));
		goto out;
	}
	err = uinput_open(p, b->name, &b->in);
	if (err) {
		proc_eprintf(p, "cmp: %s: %s\n", b->name, strerror(-err));
		uinput_close(&a->in);
		goto out;
	}
	skip_bytes(a, skip);
	skip_bytes(b, skip);
	ret = cmp_run(p, a, b, silent, limit, have_limit);
	uinput_close(&a->in);
	uinput_close(&b->in);
out:
	free(a);
	return ret;
usage:
	proc_eprintf(p, "cmp: Try 'cmp --help' for more information.\n");
	free(a);
	return 2;
}
