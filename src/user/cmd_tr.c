/* tr [-c] [-d] [-s] SET1 [SET2]: GNU coreutils tr on stdin.
 *
 * SETs: characters, escapes (\\ \a \b \f \n \r \t \v \NNN octal), ranges
 * a-z, classes [:alnum:] [:alpha:] [:blank:] [:cntrl:] [:digit:] [:graph:]
 * [:lower:] [:print:] [:punct:] [:space:] [:upper:] [:xdigit:].  Modes:
 * translate (SET2 padded with its last character), -d delete, -s squeeze
 * repeats of SET1 (or, with SET2, of SET2 after translating or deleting),
 * -c complement SET1.  Messages and exit codes as coreutils.  Not done:
 * [c*n] repeats and [=c=] equivalence classes.
 *
 * Scenarios use it to shorten padded records: tr -s ' '.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"

struct tr_set {
	unsigned char c[4096]; /* characters in order (for translation) */
	size_t n;
	bool in[256];
};

static const struct {
	const char *name;
	int (*fn)(int);
} classes[] = {
	{"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank}, {"cntrl", iscntrl},
	{"digit", isdigit}, {"graph", isgraph}, {"lower", islower}, {"print", isprint},
	{"punct", ispunct}, {"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit},
};

static void set_add(struct tr_set *s, unsigned char c)
{
	if (s->n < sizeof(s->c))
		s->c[s->n++] = c;
	s->in[c] = true;
}

/* One character of a SET at *pp, escapes decoded. */
static unsigned char set_char(const char **pp)
{
	static const char from[] = "\\abfnrtv", to[] = "\\\a\b\f\n\r\t\v";
	const char *p = *pp, *k;
	unsigned v = 0;
	int i;

	if (*p != '\\' || !p[1]) {
		*pp = p + 1;
		return (unsigned char)*p;
	}
	p++;
	if (*p >= '0' && *p <= '7') {
		for (i = 0; i < 3 && p[i] >= '0' && p[i] <= '7' && v * 8 + (p[i] - '0') < 256; i++)
			v = v * 8 + (unsigned)(p[i] - '0');
		*pp = p + i;
		return (unsigned char)v;
	}
	*pp = p + 1;
	k = strchr(from, *p);
	return k && *p ? (unsigned char)to[k - from] : (unsigned char)*p;
}

/* Parse a SET; 0 or -1 after printing coreutils' message. */
static int set_parse(struct proc *p, const char *str, struct tr_set *s)
{
	const char *q = str;

	memset(s, 0, sizeof(*s));
	while (*q) {
		unsigned char a, b;
		const char *save;

		if (q[0] == '[' && q[1] == ':') {
			const char *end = strstr(q + 2, ":]");
			size_t i, len = end ? (size_t)(end - q - 2) : 0;

			for (i = 0; end && i < sizeof(classes) / sizeof(classes[0]); i++)
				if (strlen(classes[i].name) == len &&
				    !strncmp(q + 2, classes[i].name, len))
					break;
			if (end && i < sizeof(classes) / sizeof(classes[0])) {
				for (int c = 0; c < 256; c++)
					if (classes[i].fn(c))
						set_add(s, (unsigned char)c);
				q = end + 2;
				continue;
			}
			if (end) {
				proc_eprintf(p, "tr: invalid character class '%.*s'\n", (int)len,
					     q + 2);
				return -1;
			}
		}
		a = set_char(&q);
		save = q;
		if (*q == '-' && q[1]) {
			q++;
			b = set_char(&q);
			if (b < a) {
				proc_eprintf(
					p,
					"tr: range-endpoints of '%c-%c' are in reverse collating "
					"sequence order\n",
					a, b);
				return -1;
			}
			for (unsigned c = a; c <= b; c++)
				set_add(s, (unsigned char)c);
			continue;
		}
		q = save;
		set_add(s, a);
	}
	return 0;
}

static void set_complement(struct tr_set *s)
{
	struct tr_set c;

	memset(&c, 0, sizeof(c));
	for (int i = 0; i < 256; i++)
		if (!s->in[i])
			set_add(&c, (unsigned char)i);
	*s = c;
}

static int tr_usage(struct proc *p, const char *msg, const char *arg, const char *note)
{
	proc_eprintf(p, msg, arg);
	if (note)
		proc_eprintf(p, "%s\n", note);
	proc_eprintf(p, "Try 'tr --help' for more information.\n");
	return 1;
}

int cmd_tr(struct proc *p, void *ctx, int argc, char **argv)
{
	bool del = false, squeeze = false, comp = false, translate;
	struct tr_set *s1, *s2 = NULL;
	unsigned char map[256], buf[4096], out[4096];
	int i, nsets, last = -1, status = 0;
	long n;

	(void)ctx;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'd')
				del = true;
			else if (*f == 's')
				squeeze = true;
			else if (*f == 'c' || *f == 'C')
				comp = true;
			else {
				char opt[2] = {*f, 0};

				return tr_usage(p, "tr: invalid option -- '%s'\n", opt, NULL);
			}
		}
	}
	nsets = argc - i;
	translate = !del && nsets == 2;
	if (nsets < 1)
		return tr_usage(p, "tr: missing operand%s\n", "", NULL);
	if (nsets == 1 && !del && !squeeze)
		return tr_usage(p, "tr: missing operand after '%s'\n", argv[i],
				"Two strings must be given when translating.");
	if (nsets == 1 && del && squeeze)
		return tr_usage(p, "tr: missing operand after '%s'\n", argv[i],
				"Two strings must be given when both deleting and squeezing "
				"repeats.");
	if (nsets > 2 || (nsets == 2 && del && !squeeze))
		return tr_usage(p, "tr: extra operand '%s'\n", argv[i + (nsets > 2 ? 2 : 1)],
				nsets == 2 ? "Only one string may be given when deleting without "
					     "squeezing repeats."
					   : NULL);
	s1 = malloc(sizeof(*s1));
	if (nsets == 2)
		s2 = malloc(sizeof(*s2));
	if (!s1 || (nsets == 2 && !s2)) {
		free(s1);
		return 1;
	}
	if (set_parse(p, argv[i], s1) < 0 || (s2 && set_parse(p, argv[i + 1], s2) < 0)) {
		status = 1;
		goto out;
	}
	if (comp)
		set_complement(s1);
	for (int c = 0; c < 256; c++)
		map[c] = (unsigned char)c;
	if (translate) {
		if (!s2->n) {
			proc_eprintf(p,
				     "tr: when not truncating set1, string2 must be non-empty\n");
			status = 1;
			goto out;
		}
		for (size_t k = 0; k < s1->n; k++)
			map[s1->c[k]] = s2->c[k < s2->n ? k : s2->n - 1];
	}
	while ((n = proc_read_stdin(p, buf, sizeof(buf))) > 0) {
		size_t o = 0;
		/* the set whose repeats are squeezed */
		const bool *sq = !squeeze ? NULL : (nsets == 2 ? s2->in : s1->in);

		for (long k = 0; k < n; k++) {
			int c = buf[k];

			if (del && s1->in[c])
				continue;
			c = map[c];
			if (sq && sq[c] && c == last)
				continue;
			last = c;
			out[o++] = (unsigned char)c;
		}
		proc_write(p, out, o);
		if (proc_output_closed(p)) {
			status = PROC_SIGPIPE;
			break;
		}
	}
out:
	free(s1);
	free(s2);
	return status;
}
