/* printf FORMAT [ARGUMENT]...: GNU coreutils printf (and bash's builtin,
 * which behaves the same for these conversions).
 *
 * Escapes in FORMAT: \\ \" \a \b \c (stop all output) \e \f \n \r \t \v
 * \NNN (1-3 octal digits) \xHH (1-2 hex digits).  Directives:
 * %[flags][width][.precision]conversion with flags "-+ #0", width and
 * precision as digits or '*', conversions d i o u x X c s b f F e E g G
 * and %%.  The format is reused as long as it consumes arguments; missing
 * arguments are "" or 0.  A number that is not one prints coreutils'
 * message, counts as what was converted, and makes the status 1.
 *
 * Scenarios use it to make data whose every block is known, e.g. 4 KiB
 * blocks that each carry their own label: printf '%-4072s%23s\n' A1 B1 A2 B2.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"

struct pf {
	struct proc *p;
	char buf[8192];
	size_t len;
	int status;
	bool stop; /* \c seen */
};

static void pf_flush(struct pf *f)
{
	if (f->len)
		proc_write(f->p, f->buf, f->len);
	f->len = 0;
}

static void pf_put(struct pf *f, const char *s, size_t n)
{
	while (n) {
		size_t k = sizeof(f->buf) - f->len;

		if (k > n)
			k = n;
		memcpy(f->buf + f->len, s, k);
		f->len += k;
		s += k;
		n -= k;
		if (f->len == sizeof(f->buf))
			pf_flush(f);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One backslash escape at s (after the backslash); writes the byte to *out
 * (or sets *stop for \c) and returns the characters consumed.  In a %b
 * argument, octal escapes are \0NNN (up to three digits after the 0). */
static size_t escape(bool *stop, const char *s, bool in_b, char *out, bool *emit)
{
	static const char from[] = "\\\"abefnrtv", to[] = "\\\"\a\b\033\f\n\r\t\v";
	const char *k;
	size_t i = 0;
	int v = 0;

	*emit = true;
	if (*s == 'c') {
		*stop = true;
		*emit = false;
		return 1;
	}
	if (*s == 'x' && hexval(s[1]) >= 0) {
		for (i = 1; i <= 2 && hexval(s[i]) >= 0; i++)
			v = v * 16 + hexval(s[i]);
		*out = (char)v;
		return i;
	}
	if (*s >= '0' && *s <= '7') {
		size_t max = 3;

		if (in_b && *s == '0') {
			i = 1;
			max = 4;
		}
		for (; i < max && s[i] >= '0' && s[i] <= '7'; i++)
			v = v * 8 + (s[i] - '0');
		*out = (char)v;
		return i;
	}
	if (*s && (k = strchr(from, *s)) != NULL) {
		*out = to[k - from];
		return 1;
	}
	/* Unknown escape: the backslash stays. */
	*out = '\\';
	return 0;
}

/* coreutils' numeric argument: a leading ' or " gives the next
 * character's value; anything else is strtoimax/strtoumax. */
/* Standard output on a terminal is line buffered: what ends a line is out
 * before a message on standard error. */
static void pf_flush_lines(struct pf *f)
{
	char *nl = memrchr(f->buf, '\n', f->len);
	size_t n = nl ? (size_t)(nl - f->buf) + 1 : 0;

	if (!n)
		return;
	proc_write(f->p, f->buf, n);
	memmove(f->buf, f->buf + n, f->len - n);
	f->len -= n;
}

static void num_error(struct pf *f, const char *arg, const char *end)
{
	f->status = 1;
	pf_flush_lines(f);
	if (end == arg)
		proc_eprintf(f->p, "printf: '%s': expected a numeric value\n", arg);
	else if (*end)
		proc_eprintf(f->p, "printf: '%s': value not completely converted\n", arg);
	else
		proc_eprintf(f->p, "printf: '%s': %s\n", arg, strerror(ERANGE));
}

static intmax_t arg_signed(struct pf *f, const char *arg)
{
	char *end;
	intmax_t v;

	if (!arg)
		return 0;
	if ((arg[0] == '\'' || arg[0] == '"') && arg[1])
		return (unsigned char)arg[1];
	errno = 0;
	v = strtoimax(arg, &end, 0);
	if (end == arg || *end || errno)
		num_error(f, arg, end);
	return v;
}

static uintmax_t arg_unsigned(struct pf *f, const char *arg)
{
	char *end;
	uintmax_t v;

	if (!arg)
		return 0;
	if ((arg[0] == '\'' || arg[0] == '"') && arg[1])
		return (unsigned char)arg[1];
	errno = 0;
	if (arg[strspn(arg, " \t")] == '-')
		v = (uintmax_t)strtoimax(arg, &end, 0);
	else
		v = strtoumax(arg, &end, 0);
	if (end == arg || *end || errno)
		num_error(f, arg, end);
	return v;
}

static long double arg_float(struct pf *f, const char *arg)
{
	char *end;
	long double v;

	if (!arg)
		return 0;
	if ((arg[0] == '\'' || arg[0] == '"') && arg[1])
		return (unsigned char)arg[1];
	errno = 0;
	v = strtold(arg, &end);
	if (end == arg || *end || errno)
		num_error(f, arg, end);
	return v;
}

/* Print one value with a C format spec built from the directive
 * ("%<flags>*.*<conv>", or "%<flags>*c"). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void put_spec(struct pf *f, const char *spec, int width, int prec, char conv,
		     const char *arg)
{
	intmax_t sv = 0;
	uintmax_t uv = 0;
	long double fv = 0;
	char small[256], *s = small;
	int n, c = arg ? (unsigned char)arg[0] : 0;

	if (strchr("di", conv))
		sv = arg_signed(f, arg);
	else if (strchr("ouxX", conv))
		uv = arg_unsigned(f, arg);
	else if (strchr("fFeEgGaA", conv))
		fv = arg_float(f, arg);
	for (int pass = 0; pass < 2; pass++) {
		size_t cap = pass ? (size_t)n + 1 : sizeof(small);

		if (pass) {
			s = malloc(cap);
			if (!s)
				return;
		}
		if (strchr("di", conv))
			n = snprintf(s, cap, spec, width, prec, sv);
		else if (strchr("ouxX", conv))
			n = snprintf(s, cap, spec, width, prec, uv);
		else if (strchr("fFeEgGaA", conv))
			n = snprintf(s, cap, spec, width, prec, fv);
		else if (conv == 'c')
			n = snprintf(s, cap, spec, width, c);
		else
			n = snprintf(s, cap, spec, width, prec, arg ? arg : "");
		if (n < 0 || (size_t)n < cap)
			break;
	}
	if (n > 0) {
		/* %c of an empty argument is a NUL byte: snprintf counts it */
		pf_put(f, s, (size_t)n);
	}
	if (s != small)
		free(s);
}
#pragma GCC diagnostic pop

/* One pass over the format.  Returns the number of arguments used, or -1
 * after an error that ends printf. */
static int one_pass(struct pf *f, const char *fmt, char **args, int nargs)
{
	int used = 0;

	for (const char *c = fmt; *c && !f->stop;) {
		char spec[32], *o, conv, flags[8];
		int width = 0, prec = -1, nf = 0;
		bool have_prec = false;
		const char *arg;

		if (*c == '\\') {
			if (c[1]) {
				char ch;
				bool emit;
				size_t k = escape(&f->stop, c + 1, false, &ch, &emit);

				if (emit)
					pf_put(f, &ch, 1);
				c += 1 + k;
			} else {
				pf_put(f, c, 1);
				c++;
			}
			continue;
		}
		if (*c != '%') {
			size_t n = strcspn(c, "%\\");

			pf_put(f, c, n);
			c += n;
			continue;
		}
		if (c[1] == '%') {
			pf_put(f, "%", 1);
			c += 2;
			continue;
		}
		const char *start = c++;

		while (*c && strchr("-+ #0'", *c)) {
			if (*c != '\'' && nf < (int)sizeof(flags) - 1 && !memchr(flags, *c, nf))
				flags[nf++] = *c;
			c++;
		}
		flags[nf] = '\0';
		if (*c == '*') {
			arg = used < nargs ? args[used] : NULL;
			used += used < nargs;
			width = (int)arg_signed(f, arg);
			c++;
		} else {
			while (*c >= '0' && *c <= '9') {
				width = width * 10 + (*c - '0');
				c++;
			}
		}
		if (*c == '.') {
			c++;
			have_prec = true;
			prec = 0;
			if (*c == '*') {
				arg = used < nargs ? args[used] : NULL;
				used += used < nargs;
				prec = (int)arg_signed(f, arg);
				c++;
			} else {
				while (*c >= '0' && *c <= '9')
					prec = prec * 10 + (*c - '0'), c++;
			}
		}
		/* length modifiers are accepted and ignored, as coreutils */
		while (*c && strchr("hlLqjzt", *c))
			c++;
		conv = *c;
		if (!conv || !strchr("diouxXcsbfFeEgGaA", conv)) {
			pf_flush_lines(f);
			proc_eprintf(f->p, "printf: %.*s: invalid conversion specification\n",
				     (int)(c - start + (conv != 0)), start);
			f->status = 1;
			return -1;
		}
		c++;
		arg = used < nargs ? args[used] : NULL;
		used += used < nargs;
		if (conv == 'b') {
			/* %b: the argument with escapes, then width/precision */
			size_t n = arg ? strlen(arg) : 0, el = 0;
			char *esc = malloc(n + 1);
			bool stop = false;

			if (!esc)
				return -1;
			for (size_t i = 0; i < n && !stop;) {
				char ch;
				bool emit;

				if (arg[i] != '\\' || i + 1 >= n) {
					esc[el++] = arg[i++];
					continue;
				}
				i++;
				i += escape(&stop, arg + i, true, &ch, &emit);
				if (emit)
					esc[el++] = ch;
			}
			esc[el] = '\0';
			if (stop)
				f->stop = true;
			if (!have_prec || prec < 0 || prec > (int)el)
				prec = (int)el;
			bool left = strchr(flags, '-') != NULL || width < 0;
			int pad = (width < 0 ? -width : width) - prec;

			for (; !left && pad > 0; pad--)
				pf_put(f, " ", 1);
			pf_put(f, esc, (size_t)prec);
			for (; left && pad > 0; pad--)
				pf_put(f, " ", 1);
			free(esc);
			continue;
		}
		o = spec;
		o += sprintf(o, "%%%s*", flags);
		if (conv == 'c') {
			sprintf(o, "c");
		} else {
			o += sprintf(o, ".*");
			if (strchr("diouxX", conv))
				sprintf(o, "j%c", conv);
			else if (conv == 's')
				sprintf(o, "s");
			else
				sprintf(o, "L%c", conv);
			if (!have_prec)
				prec = -1;
		}
		/* A '-' width from '*' means left-justified, as in C. */
		put_spec(f, spec, width, prec, conv, arg);
	}
	return used;
}

int cmd_printf(struct proc *p, void *ctx, int argc, char **argv)
{
	struct pf f = {.p = p};
	int i = 2;

	(void)ctx;
	if (argc > 1 && !strcmp(argv[1], "--")) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		proc_eprintf(p, "printf: missing operand\n"
				"Try 'printf --help' for more information.\n");
		return 1;
	}
	for (;;) {
		int used = one_pass(&f, argv[1], argv + i, argc - i);

		if (used < 0 || f.stop)
			break;
		i += used;
		if (used == 0 || i >= argc || proc_output_closed(p))
			break;
	}
	pf_flush(&f);
	if (i < argc && i == 2 && !f.stop)
		proc_eprintf(p, "printf: warning: ignoring excess arguments, starting with '%s'\n",
			     argv[i]);
	if (proc_output_closed(p))
		return PROC_SIGPIPE;
	return f.status;
}
