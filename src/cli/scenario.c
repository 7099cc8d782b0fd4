/* Scenario parser (format: docs/scenario.md). */
#include "cli/scenario.h"

#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Copy a run of name characters into dst (size n); returns its length, or
 * -1 if it is empty or too long. */
static int take_name(const char *s, char *dst, size_t n)
{
	size_t len = 0;

	while (is_name_char(s[len]))
		len++;
	if (len == 0 || len >= n)
		return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return (int)len;
}

int prompt_parse(const char *line, struct prompt *p, const char **why)
{
	const char *s = line, *dir, *end;
	int len;

	*why = NULL;
	if (*s != '[')
		return 0;
	/* Only "[word@" announces a prompt: "[   12.345] ..." is output. */
	len = take_name(s + 1, p->user, sizeof(p->user));
	if (len < 0 || s[1 + len] != '@')
		return 0;
	s += 2 + len;
	len = take_name(s, p->node, sizeof(p->node));
	if (len < 0) {
		*why = "malformed prompt: expected a node name after '@'";
		return -1;
	}
	s += len;
	if (*s != ' ') {
		*why = "malformed prompt: expected ' DIR]# ' after the node name";
		return -1;
	}
	dir = ++s;
	end = strchr(dir, ']');
	if (!end || end == dir || (size_t)(end - dir) >= sizeof(p->dir)) {
		*why = "malformed prompt: expected 'DIR]# ' after the node name";
		return -1;
	}
	memcpy(p->dir, dir, end - dir);
	p->dir[end - dir] = '\0';
	if (end[1] != '#') {
		*why = "malformed prompt: expected '#' after ']' (only root prompts are supported)";
		return -1;
	}
	s = end + 2;
	if (*s && *s != ' ') {
		*why = "malformed prompt: expected a blank between ']#' and the command";
		return -1;
	}
	while (*s == ' ')
		s++;
	p->cmd = s;
	p->cmdlen = strlen(s);
	while (p->cmdlen && is_blank(s[p->cmdlen - 1]))
		p->cmdlen--;
	return 1;
}

int parse_duration(const char *s, sim_time_t *out)
{
	static const struct {
		const char *suffix;
		sim_time_t mult;
	} units[] = {{"", SIM_S}, {"s", SIM_S},	     {"ms", SIM_MS},	 {"us", SIM_US},
		     {"ns", 1},	  {"m", 60 * SIM_S}, {"h", 3600 * SIM_S}};
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		if (v == 0 || v > UINT64_MAX / units[i].mult)
			return -1;
		*out = v * units[i].mult;
		return 0;
	}
	return -1;
}

int parse_duration0(const char *s, sim_time_t *out)
{
	const char *u = s;

	while (*u == '0')
		u++;
	if (u != s && (*u < '0' || *u > '9') && *u != '.' &&
	    (!*u || !strcmp(u, "s") || !strcmp(u, "ms") || !strcmp(u, "us") || !strcmp(u, "ns") ||
	     !strcmp(u, "m") || !strcmp(u, "h"))) {
		*out = 0;
		return 0;
	}
	return parse_duration(s, out);
}

int parse_timing(const char *s, enum machine_timing_model *out)
{
	if (!strcmp(s, "ficon"))
		*out = MACHINE_TIMING_FICON;
	else if (!strcmp(s, "zero"))
		*out = MACHINE_TIMING_ZERO;
	else
		return -1;
	return 0;
}

char *read_file(const char *path, size_t *lenp, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (len > SCN_MAX_FILE) {
			snprintf(err, errlen, "%s: larger than %u MiB: not a scenario", path,
				 SCN_MAX_FILE >> 20);
			goto fail;
		}
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);

			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* ---- the parser ---- */

struct parser {
	struct scenario *s;
	int line;
	char *err;
	size_t errlen;
	size_t cap;	      /* allocated items */
	struct scn_item *cur; /* command whose output is being read, or NULL */
	bool think_set;	      /* the line is a '#! think' (value in think) */
	sim_time_t think;
};

static int perr(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *ps, const char *fmt, ...)
{
	int n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->s->name, ps->line);
	size_t len = (size_t)n;
	char msg[512];
	va_list ap;

	if (n < 0 || len >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The file's own text may be anything: control characters and bytes
	 * outside printable ASCII are shown as \xHH, never sent to the
	 * terminal raw. */
	for (const unsigned char *c = (const unsigned char *)msg; *c && len + 5 < ps->errlen; c++) {
		if (*c < 0x20 || *c > 0x7e)
			len += (size_t)snprintf(ps->err + len, ps->errlen - len, "\\x%02x", *c);
		else
			ps->err[len++] = (char)*c;
	}
	ps->err[len] = '\0';
	return -1;
}

static struct scn_item *new_item(struct parser *ps, enum scn_kind kind, const char *text)
{
	struct scenario *s = ps->s;
	struct scn_item *it;

	if (s->nitems == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 32;
		struct scn_item *ni = realloc(s->items, ncap * sizeof(*ni));

		if (!ni)
			return NULL;
		s->items = ni;
		ps->cap = ncap;
	}
	it = &s->items[s->nitems];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->line = ps->line;
	it->text = strdup(text);
	if (!it->text)
		return NULL;
	s->nitems++;
	return it;
}

static int add_expect(struct parser *ps, const char *text)
{
	struct scn_item *it = ps->cur;
	char **nv = realloc(it->expect, (it->nexpect + 1) * sizeof(*nv));

	if (!nv)
		return perr(ps, "out of memory");
	it->expect = nv;
	nv[it->nexpect] = strdup(text);
	if (!nv[it->nexpect])
		return perr(ps, "out of memory");
	it->nexpect++;
	return 0;
}

/* Resolve a path named in the scenario against the scenario's directory. */
static char *resolve(const struct scenario *s, const char *path)
{
	char *out;

	if (path[0] == '/' || !s->dir[0])
		return strdup(path);
	if (asprintf(&out, "%s/%s", s->dir, path) < 0)
		return NULL;
	return out;
}

static int directive_seed(struct parser *ps, const char *arg)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (!(end == arg || *end || *arg == '-') && errno == ERANGE)
		return perr(ps, "seed: '%s' is out of range (0 to 18446744073709551615)", arg);
	if (errno || end == arg || *end || *arg == '-')
		return perr(ps, "seed: '%s' is not a number", arg);
	if (ps->s->seed_set)
		return perr(ps, "seed given twice");
	ps->s->seed_set = true;
	ps->s->seed = v;
	return 0;
}

static int directive_iocp(struct parser *ps, const char *arg)
{
	if (ps->s->iocp)
		return perr(ps, "iocp given twice");
	ps->s->iocp = resolve(ps->s, arg);
	if (!ps->s->iocp)
		return perr(ps, "out of memory");
	ps->s->iocp_line = ps->line;
	return 0;
}

static int directive_timeout(struct parser *ps, const char *arg)
{
	if (parse_duration(arg, &ps->s->timeout) < 0)
		return perr(ps, "timeout: '%s' is not a duration (e.g. 90s, 500ms, 2h)", arg);
	return 0;
}

static int directive_debug(struct parser *ps, const char *arg)
{
	ps->s->debug = true;
	return 0;
}

static int directive_timing(struct parser *ps, const char *arg)
{
	if (ps->s->timing_set)
		return perr(ps, "timing given twice");
	if (parse_timing(arg, &ps->s->timing) < 0)
		return perr(ps, "timing: '%s' is not ficon or zero", arg);
	ps->s->timing_set = true;
	return 0;
}

/* The one directive allowed anywhere: it holds from its line on. */
static int directive_think(struct parser *ps, const char *arg)
{
	if (parse_duration0(arg, &ps->think) < 0)
		return perr(ps, "think: '%s' is not a duration (e.g. 0, 2s, 500ms)", arg);
	ps->think_set = true;
	return 0;
}

/* "#! varies REGEX": output lines that match are not compared by check
 * (what depends on the order of equal-time events, stated in the file). */
static int directive_varies(struct parser *ps, const char *arg)
{
	regex_t re;
	char **nv;
	int rc = regcomp(&re, arg, REG_EXTENDED | REG_NOSUB);

	if (rc) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		regfree(&re);
		return perr(ps, "varies: bad regular expression '%s': %s", arg, msg);
	}
	regfree(&re);
	nv = realloc(ps->s->varies, (ps->s->nvaries + 1) * sizeof(*nv));
	if (!nv)
		return perr(ps, "out of memory");
	ps->s->varies = nv;
	nv[ps->s->nvaries] = strdup(arg);
	if (!nv[ps->s->nvaries])
		return perr(ps, "out of memory");
	ps->s->nvaries++;
	return 0;
}

/* "#! host-driver chpsync|upstream": the host's vfio_ccw and cio as
 * chpsync designs them, or as upstream Linux has them (comparisons). */
static int directive_host_driver(struct parser *ps, const char *arg)
{
	if (strcmp(arg, "chpsync") && strcmp(arg, "upstream"))
		return perr(ps, "host-driver: '%s' is not chpsync or upstream", arg);
	ps->s->upstream = !strcmp(arg, "upstream");
	return 0;
}

/* "#! NAME ARG": settings of the run, before the first command. */
static int parse_directive(struct parser *ps, const char *text)
{
	static const struct {
		const char *name;
		int (*fn)(struct parser *ps, const char *arg);
		int nargs;
	} tab[] = {{"iocp", directive_iocp, 1},
		   {"seed", directive_seed, 1},
		   {"timeout", directive_timeout, 1},
		   {"debug", directive_debug, 0},
		   {"host-driver", directive_host_driver, 1},
		   {"varies", directive_varies, 2 /* the rest of the line */},
		   {"timing", directive_timing, 1},
		   {"think", directive_think, 1}};
	char name[32], arg[1024];
	const char *s = text + 2;
	size_t n = 0, a = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	while (*s && !is_blank(*s) && n < sizeof(name) - 1)
		name[n++] = *s++;
	name[n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	while (*s && a < sizeof(arg) - 1)
		arg[a++] = *s++;
	while (a && is_blank(arg[a - 1]))
		a--;
	arg[a] = '\0';
	if (!n)
		return perr(ps,
			    "empty directive (expected '#! iocp FILE', '#! seed N', "
			    "'#! timeout DURATION', '#! debug', '#! host-driver NAME', "
			    "'#! varies REGEX', '#! timing ficon|zero' or '#! think DURATION')");
	if (ps->s->ncommands && strcmp(name, "think"))
		return perr(ps,
			    "directive '%s' after the first command (directives must come first)",
			    name);
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcmp(name, tab[i].name))
			continue;
		if (!tab[i].nargs && a)
			return perr(ps, "%s: takes no argument", name);
		if (tab[i].nargs == 1 && (!a || strchr(arg, ' ') || strchr(arg, '\t')))
			return perr(ps, "%s: expected exactly one argument", name);
		if (tab[i].nargs == 2 && !a)
			return perr(ps, "%s: expected an argument", name);
		return tab[i].fn(ps, arg);
	}
	return perr(ps,
		    "unknown directive '%s' (known: iocp, seed, timeout, debug, host-driver, "
		    "varies, timing, think)",
		    name);
}

static int parse_command(struct parser *ps, const char *text, const struct prompt *p)
{
	struct scn_item *it = new_item(ps, SCN_COMMAND, text);

	if (!it)
		return perr(ps, "out of memory");
	it->node = strdup(p->node);
	it->cmd = strndup(p->cmd, p->cmdlen);
	if (!it->node || !it->cmd)
		return perr(ps, "out of memory");
	ps->s->ncommands++;
	ps->cur = it;
	return 0;
}

static bool all_blank(const char *s)
{
	while (is_blank(*s))
		s++;
	return *s == '\0';
}

static int parse_line(struct parser *ps, const char *text)
{
	struct prompt p;
	const char *why;
	int r = prompt_parse(text, &p, &why);

	if (r > 0)
		return parse_command(ps, text, &p);
	if (text[0] == '#') {
		struct scn_item *it;

		ps->cur = NULL;
		ps->think_set = false;
		if (text[1] == '!' && parse_directive(ps, text) < 0)
			return -1;
		it = new_item(ps, SCN_TEXT, text);
		if (!it)
			return perr(ps, "out of memory");
		it->think_set = ps->think_set;
		it->think = ps->think;
		return 0;
	}
	if (r < 0)
		return perr(ps, "%s", why);
	if (ps->cur)
		return add_expect(ps, text);
	if (all_blank(text))
		return new_item(ps, SCN_TEXT, text) ? 0 : perr(ps, "out of memory");
	if (!ps->s->ncommands)
		return perr(ps, "output line before the first command (expected a "
				"'[root@NODE ~]# COMMAND' prompt or a '#' comment)");
	return perr(ps, "output line after a comment (a command's expected output must follow "
			"its prompt line directly)");
}

static int set_name(struct scenario *s, const char *name)
{
	const char *slash = strrchr(name, '/');

	s->name = strdup(name);
	s->dir = slash ? strndup(name, slash == name ? 1 : (size_t)(slash - name)) : strdup("");
	return s->name && s->dir ? 0 : -1;
}

int scenario_parse(struct scenario *s, const char *name, const char *text, char *err, size_t errlen)
{
	struct parser ps = {.s = s, .err = err, .errlen = errlen};
	const char *pos = text;
	char *buf = NULL;
	size_t bufcap = 0;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->timeout = SCN_DEFAULT_TIMEOUT;
	if (set_name(s, name) < 0) {
		snprintf(err, errlen, "%s: out of memory", name);
		scenario_free(s);
		return -1;
	}
	while (*pos && rc == 0) {
		const char *nl = strchr(pos, '\n');
		size_t len = nl ? (size_t)(nl - pos) : strlen(pos);
		size_t adv = nl ? len + 1 : len;

		ps.line++;
		if (len + 1 > bufcap) {
			char *nb = realloc(buf, len + 1);

			if (!nb) {
				rc = perr(&ps, "out of memory");
				break;
			}
			buf = nb;
			bufcap = len + 1;
		}
		memcpy(buf, pos, len);
		/* A CRLF file reads like an LF one. */
		if (len && buf[len - 1] == '\r')
			len--;
		buf[len] = '\0';
		rc = parse_line(&ps, buf);
		pos += adv;
	}
	free(buf);
	if (rc == 0 && !s->ncommands) {
		snprintf(err, errlen, "%s: no commands (expected '[root@NODE ~]# COMMAND' lines)",
			 name);
		rc = -1;
	}
	if (rc < 0)
		scenario_free(s);
	return rc;
}

int scenario_load(struct scenario *s, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = read_file(path, &len, err, errlen);
	int rc;

	memset(s, 0, sizeof(*s));
	if (!text)
		return -1;
	if (memchr(text, '\0', len)) {
		int line = 1;

		for (const char *c = text; *c; c++)
			line += *c == '\n';
		snprintf(err, errlen, "%s:%d: NUL byte (not a text file)", path, line);
		free(text);
		return -1;
	}
	rc = scenario_parse(s, path, text, err, errlen);
	free(text);
	return rc;
}

void scenario_free(struct scenario *s)
{
	for (size_t i = 0; i < s->nitems; i++) {
		struct scn_item *it = &s->items[i];

		free(it->text);
		free(it->node);
		free(it->cmd);
		for (size_t j = 0; j < it->nexpect; j++)
			free(it->expect[j]);
		free(it->expect);
	}
	free(s->items);
	free(s->name);
	free(s->dir);
	free(s->iocp);
	for (size_t i = 0; i < s->nvaries; i++)
		free(s->varies[i]);
	free(s->varies);
	memset(s, 0, sizeof(*s));
}
