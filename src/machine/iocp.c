/* The IOCP-style deck (docs/iocp.md): ID, CHPID, CNTLUNIT and IODEVICE
 * statements, with chpsync's extensions SCH=, IMAGE=, STATE=, CMG= and
 * UNIT=TEST.  Every error is "FILE:LINE: what is wrong". */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dev/eckd.h"
#include "dev/testdev.h"
#include "machine/machine_priv.h"

#define MAX_ITEMS 32
/* A deck file is at most this long (a deck for the largest configuration
 * the machine takes is far smaller). */
#define IOCP_MAX_DECK (4u << 20)
#define MAX_CUS	      4096

#define DEFAULT_CYLS  30051

static const char default_deck[] =
	"* chpsync built-in I/O configuration: four FICON paths to a 3990,\n"
	"* one 3390 on host subchannel 0.0.013f.\n"
	"ID       MSG1='CHPSYNC DEFAULT'\n"
	"CHPID    PATH=(CSS(0),42),SHARED,TYPE=FC,PCHID=390,CMG=2\n"
	"CHPID    PATH=(CSS(0),43),SHARED,TYPE=FC,PCHID=391,CMG=2\n"
	"CHPID    PATH=(CSS(0),44),SHARED,TYPE=FC,PCHID=392,CMG=2\n"
	"CHPID    PATH=(CSS(0),45),SHARED,TYPE=FC,PCHID=393,CMG=2\n"
	"CNTLUNIT CUNUMBR=3F00,PATH=((CSS(0),42,43,44,45)),UNITADD=((00,256)),UNIT=3990\n"
	"IODEVICE ADDRESS=(3F3F,1),CUNUMBR=(3F00),UNIT=3390,SCH=013F,IMAGE='3f3f.3390'\n";

struct cu {
	uint16_t number;
	uint16_t unit; /* 0x3990, 0x2107, or 0 for any other */
	uint8_t chpid[8];
	int npaths;
	unsigned ua_first, ua_count;
};

struct deck {
	struct machine *m;
	const char *name;
	/* Directory of a deck read from a file: its relative IMAGE= names are
	 * files next to it, which must exist.  NULL for a deck given as text
	 * (the built-in one): IMAGE= is in the work directory, made if
	 * missing. */
	const char *basedir;
	int line;
	char *err;
	size_t errlen;
	struct cu *cus;
	int ncus;
	uint8_t devnos[MAX_SSID_COUNT][65536 / 8];
	/* What was installed before this deck (dynamic I/O reconfiguration
	 * reports what the deck adds). */
	uint8_t schs[MAX_SSID_COUNT][SCH_PER_SET / 8];
	bool chps[NR_CHPIDS];
};

struct item {
	char *key; /* upper-cased keyword */
	char *val; /* NULL for a flag such as SHARED */
};

static int fail(struct deck *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct deck *d, const char *fmt, ...)
{
	char msg[256], safe[1024];
	size_t n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The deck's own text may be anything: control characters and bytes
	 * outside printable ASCII are shown as \xHH, never sent to the
	 * terminal raw. */
	for (const unsigned char *c = (const unsigned char *)msg; *c && n + 5 < sizeof(safe); c++) {
		if (*c < 0x20 || *c > 0x7e)
			n += (size_t)snprintf(safe + n, sizeof(safe) - n, "\\x%02x", *c);
		else
			safe[n++] = (char)*c;
	}
	safe[n] = '\0';
	snprintf(d->err, d->errlen, "%s:%d: %s", d->name, d->line, safe);
	return -1;
}

/* ---- lexical helpers ---- */

static int parse_hex(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || !isxdigit((unsigned char)*s))
		return -1;
	v = strtoul(s, &end, 16);
	if (*end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_dec(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Split `s` at top-level commas (outside parentheses and quotes). */
static int split(char *s, char **out, int max)
{
	int n = 0, depth = 0;
	bool quote = false;
	char *start = s;

	if (!*s)
		return 0;
	for (char *p = s;; p++) {
		if (*p == '\'')
			quote = !quote;
		else if (!quote && *p == '(')
			depth++;
		else if (!quote && *p == ')')
			depth--;
		if (*p && (*p != ',' || depth || quote))
			continue;
		if (n == max)
			return -1;
		out[n++] = start;
		if (!*p)
			return depth || quote ? -1 : n;
		*p = '\0';
		start = p + 1;
	}
}

/* Remove one pair of enclosing parentheses, if present. */
static char *unparen(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		s[n - 1] = '\0';
		return s + 1;
	}
	return s;
}

static int parse_items(struct deck *d, char *ops, struct item *it, int max)
{
	char *parts[MAX_ITEMS];
	int n = split(ops, parts, MAX_ITEMS);

	if (n < 0)
		return fail(d, "unbalanced parentheses or quotes, or too many operands");
	for (int i = 0; i < n && i < max; i++) {
		char *eq = strchr(parts[i], '=');

		it[i].val = NULL;
		if (eq) {
			*eq = '\0';
			it[i].val = eq + 1;
		}
		for (char *p = parts[i]; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		it[i].key = parts[i];
		if (!*it[i].key)
			return fail(d, "empty operand");
	}
	return n;
}

/* "CSS(0),42,43" or "42,43": the CHPID list of a PATH= operand. */
static int parse_paths(struct deck *d, char *v, uint8_t *chp, int max)
{
	char *parts[16];
	int n, k = 0;

	v = unparen(unparen(v));
	n = split(v, parts, 16);
	if (n <= 0)
		return fail(d, "PATH= needs at least one CHPID");
	for (int i = 0; i < n; i++) {
		unsigned id;

		if (!strncasecmp(parts[i], "CSS(", 4)) {
			if (i != 0 || strcmp(parts[i] + 4, "0)"))
				return fail(d, "only CSS(0) is supported in PATH=");
			continue;
		}
		if (parse_hex(parts[i], 0xff, &id))
			return fail(d, "bad CHPID '%s' in PATH=", parts[i]);
		if (k == max)
			return fail(d, "more than %d CHPIDs in PATH=", max);
		chp[k++] = (uint8_t)id;
	}
	if (!k)
		return fail(d, "PATH= needs at least one CHPID");
	return k;
}

static char *unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

/* ---- CHPID ---- */

static const struct {
	const char *name;
	uint8_t code;
} chp_types[] = {
	{"FC", 0x1b}, {"FCP", 0x25}, {"OSD", 0x11}, {"OSE", 0x10}, {"IQD", 0x24},
};

static int chp_type(const char *v)
{
	unsigned code;

	for (size_t i = 0; i < sizeof(chp_types) / sizeof(chp_types[0]); i++)
		if (!strcasecmp(v, chp_types[i].name))
			return chp_types[i].code;
	/* Extension: a raw type code, X'nn'. */
	if ((v[0] == 'X' || v[0] == 'x') && v[1] == '\'') {
		char buf[8];
		size_t n = strlen(v);

		if (n < 4 || n > 6 || v[n - 1] != '\'')
			return -1;
		memcpy(buf, v + 2, n - 3);
		buf[n - 3] = '\0';
		if (!parse_hex(buf, 0xff, &code))
			return (int)code;
	}
	return -1;
}

static int stmt_chpid(struct deck *d, struct item *it, int n)
{
	uint8_t ids[1];
	int type = -1, state = CHP_CFG_CONFIGURED, have_path = 0;
	unsigned chid = 0xffff, cmg = 0;
	bool shared = false;
	struct chp *c;

	for (int i = 0; i < n; i++) {
		const char *k = it[i].key;
		char *v = it[i].val;

		if (!strcmp(k, "SHARED") && !v) {
			shared = true;
		} else if (!v) {
			return fail(d, "CHPID: unknown operand %s", k);
		} else if (!strcmp(k, "PATH")) {
			if (parse_paths(d, v, ids, 1) < 0)
				return -1;
			have_path = 1;
		} else if (!strcmp(k, "TYPE")) {
			type = chp_type(v);
			if (type < 0)
				return fail(d, "CHPID: unknown TYPE=%s", v);
		} else if (!strcmp(k, "PCHID")) {
			if (parse_hex(v, 0xfff, &chid))
				return fail(d, "CHPID: bad PCHID=%s (3 hex digits)", v);
		} else if (!strcmp(k, "CMG")) {
			if (parse_dec(v, 3, &cmg))
				return fail(d, "CHPID: bad CMG=%s (0-3)", v);
		} else if (!strcmp(k, "STATE")) {
			if (!strcasecmp(v, "CONFIGURED"))
				state = CHP_CFG_CONFIGURED;
			else if (!strcasecmp(v, "STANDBY"))
				state = CHP_CFG_STANDBY;
			else if (!strcasecmp(v, "RESERVED"))
				state = CHP_CFG_RESERVED;
			else
				return fail(d, "CHPID: bad STATE=%s", v);
		} else if (!strcmp(k, "PARTITION") || !strcmp(k, "SWITCH")) {
			continue; /* accepted, no effect */
		} else {
			return fail(d, "CHPID: unknown keyword %s=", k);
		}
	}
	if (!have_path)
		return fail(d, "CHPID: PATH= is required");
	if (type < 0)
		return fail(d, "CHPID: TYPE= is required");
	if (machine_add_chpid(d->m, ids[0], (uint8_t)type, shared))
		return fail(d, "CHPID %02x is defined twice", ids[0]);
	c = &d->m->chp[ids[0]];
	c->cfg = (uint8_t)state;
	c->chid = (uint16_t)chid;
	c->cmg = (uint8_t)cmg;
	return 0;
}

/* ---- CNTLUNIT ---- */

static struct cu *find_cu(struct deck *d, unsigned number)
{
	for (int i = 0; i < d->ncus; i++)
		if (d->cus[i].number == number)
			return &d->cus[i];
	return NULL;
}

static int parse_unitadd(struct deck *d, char *v, struct cu *cu)
{
	char *parts[3];
	int n;

	v = unparen(unparen(v));
	n = split(v, parts, 3);
	if (n < 1 || n > 2 || parse_hex(parts[0], 0xff, &cu->ua_first))
		return fail(d, "CNTLUNIT: bad UNITADD=");
	cu->ua_count = 1;
	if (n == 2 && (parse_dec(parts[1], 256, &cu->ua_count) || !cu->ua_count))
		return fail(d, "CNTLUNIT: bad UNITADD= count");
	if (cu->ua_first + cu->ua_count > 256)
		return fail(d, "CNTLUNIT: UNITADD= range goes past FF");
	return 0;
}

static int stmt_cntlunit(struct deck *d, struct item *it, int n)
{
	struct cu cu = {.ua_first = 0, .ua_count = 256};
	bool have_num = false, have_unit = false;
	unsigned num;

	for (int i = 0; i < n; i++) {
		const char *k = it[i].key;
		char *v = it[i].val;

		if (!v)
			return fail(d, "CNTLUNIT: unknown operand %s", k);
		if (!strcmp(k, "CUNUMBR")) {
			if (parse_hex(unparen(v), 0xffff, &num))
				return fail(d, "CNTLUNIT: bad CUNUMBR=%s", v);
			cu.number = (uint16_t)num;
			have_num = true;
		} else if (!strcmp(k, "PATH")) {
			cu.npaths = parse_paths(d, v, cu.chpid, 8);
			if (cu.npaths < 0)
				return -1;
		} else if (!strcmp(k, "UNITADD")) {
			if (parse_unitadd(d, v, &cu))
				return -1;
		} else if (!strcmp(k, "UNIT")) {
			have_unit = true;
			cu.unit = !strcasecmp(v, "3990")   ? 0x3990
				  : !strcasecmp(v, "2107") ? 0x2107
							   : 0;
		} else if (!strcmp(k, "CUADD") || !strcmp(k, "LINK")) {
			continue;
		} else {
			return fail(d, "CNTLUNIT: unknown keyword %s=", k);
		}
	}
	if (!have_num || !cu.npaths || !have_unit)
		return fail(d, "CNTLUNIT: CUNUMBR=, PATH= and UNIT= are required");
	for (int i = 0; i < cu.npaths; i++)
		if (!d->m->chp[cu.chpid[i]].defined)
			return fail(d, "CNTLUNIT %04X: CHPID %02x is not defined", cu.number,
				    cu.chpid[i]);
	if (find_cu(d, cu.number))
		return fail(d, "CNTLUNIT %04X is defined twice", cu.number);
	if (d->ncus == MAX_CUS)
		return fail(d, "too many control units");
	d->cus[d->ncus++] = cu;
	return 0;
}

/* ---- IODEVICE ---- */

struct iodev {
	unsigned devno, count, unitadd, schset, sch;
	bool have_ua, have_sch;
	struct cu *cu;
	char unit[16];
	char *image;
};

static int parse_address(struct deck *d, char *v, struct iodev *io)
{
	char *parts[3];
	int n = split(unparen(v), parts, 3);

	if (n < 1 || n > 2 || parse_hex(parts[0], 0xffff, &io->devno))
		return fail(d, "IODEVICE: bad ADDRESS=");
	io->count = 1;
	if (n == 2 && (parse_dec(parts[1], 65536, &io->count) || !io->count))
		return fail(d, "IODEVICE: bad ADDRESS= count");
	if (io->devno + io->count > 0x10000)
		return fail(d, "IODEVICE: ADDRESS= range goes past FFFF");
	return 0;
}

static int iodev_operand(struct deck *d, struct iodev *io, const char *k, char *v)
{
	unsigned num;

	if (!v)
		return fail(d, "IODEVICE: unknown operand %s", k);
	if (!strcmp(k, "ADDRESS"))
		return parse_address(d, v, io);
	if (!strcmp(k, "CUNUMBR")) {
		v = unparen(v);
		if (strchr(v, ','))
			return fail(d, "IODEVICE: only one CUNUMBR is supported");
		if (parse_hex(v, 0xffff, &num))
			return fail(d, "IODEVICE: bad CUNUMBR=%s", v);
		io->cu = find_cu(d, num);
		if (!io->cu)
			return fail(d, "IODEVICE: CNTLUNIT %04X is not defined", num);
		return 0;
	}
	if (!strcmp(k, "UNIT")) {
		snprintf(io->unit, sizeof(io->unit), "%s", v);
		return 0;
	}
	if (!strcmp(k, "UNITADD")) {
		io->have_ua = true;
		return parse_hex(v, 0xff, &io->unitadd) ? fail(d, "IODEVICE: bad UNITADD=%s", v)
							: 0;
	}
	if (!strcmp(k, "SCHSET"))
		return parse_dec(v, MAX_SSID_COUNT - 1, &io->schset)
			       ? fail(d, "IODEVICE: bad SCHSET=%s (0-3)", v)
			       : 0;
	if (!strcmp(k, "SCH")) {
		io->have_sch = true;
		return parse_hex(v, 0xffff, &io->sch) ? fail(d, "IODEVICE: bad SCH=%s", v) : 0;
	}
	if (!strcmp(k, "IMAGE")) {
		io->image = unquote(v);
		if (!*io->image)
			return fail(d, "IODEVICE: empty IMAGE=");
		return 0;
	}
	if (!strcmp(k, "MODEL") || !strcmp(k, "PARTITION") || !strcmp(k, "STADET"))
		return 0;
	return fail(d, "IODEVICE: unknown keyword %s=", k);
}

static struct ccwdev *make_3390(struct deck *d, const struct iodev *io, unsigned devno)
{
	char path[4096], err[256], volser[8];
	const struct machine_timing *t = &d->m->timing;
	struct eckd_config cfg = {.cu_type = io->cu->unit,
				  .devno = (uint16_t)devno,
				  .cache = d->m->ckd_cache,
				  .trkpool = d->m->trkpool,
				  .cmd_time = t->dasd_cmd,
				  .stage_time = t->dasd_stage,
				  .prestage = t->dasd_prestage};
	const char *wd = d->m->cfg.workdir;
	struct ccwdev *dev;
	struct stat st;

	bool user_image = io->image && d->basedir;

	if (io->image && io->image[0] == '/')
		snprintf(path, sizeof(path), "%s", io->image);
	else if (user_image)
		snprintf(path, sizeof(path), "%s/%s", d->basedir, io->image);
	else if (io->image)
		snprintf(path, sizeof(path), "%s/%s", wd, io->image);
	else
		snprintf(path, sizeof(path), "%s/%04x.3390", wd, devno);
	if (stat(path, &st) != 0) {
		/* The user's own volume is never replaced by a blank one. */
		if (user_image) {
			fail(d, "IODEVICE %04X: %s: %s", devno, path, strerror(errno));
			return NULL;
		}
		/* A scratch volume in the work directory: the device makes
		 * it when it is first used (most devices of a large
		 * configuration never are), unsynced and unjournaled. */
		snprintf(volser, sizeof(volser), "0X%04X", devno);
		cfg.create_cyls = DEFAULT_CYLS;
		cfg.create_volser = volser;
	}
	cfg.image = path;
	dev = eckd_open(d->m->sim, &cfg, err, sizeof(err));
	if (!dev) {
		/* The device layer's message names the file; say which one if
		 * it does not. */
		if (strncmp(err, path, strlen(path)) == 0)
			fail(d, "IODEVICE %04X: %s", devno, err);
		else
			fail(d, "IODEVICE %04X: %s: %s", devno, path, err);
	}
	return dev;
}

static bool unit_3390(const char *unit)
{
	/* 3390B is the PAV base device: the same volume to us. */
	return !strcasecmp(unit, "3390") || !strcasecmp(unit, "3390B");
}

static struct ccwdev *make_dev(struct deck *d, const struct iodev *io, unsigned devno)
{
	if (unit_3390(io->unit))
		return make_3390(d, io, devno);
	return testdev_new(NULL);
}

static int iodev_check(struct deck *d, struct iodev *io)
{
	if (!io->cu || !io->unit[0] || !io->count)
		return fail(d, "IODEVICE: ADDRESS=, CUNUMBR= and UNIT= are required");
	if (!strcasecmp(io->unit, "3390A"))
		return fail(d, "IODEVICE: UNIT=3390A (PAV alias) is not supported");
	if (unit_3390(io->unit)) {
		if (!io->cu->unit)
			return fail(d, "IODEVICE: UNIT=3390 needs a 3990 or 2107 control unit");
	} else if (strcasecmp(io->unit, "TEST")) {
		return fail(d, "IODEVICE: unsupported UNIT=%s (3390 or TEST)", io->unit);
	}
	if (io->image && io->count != 1)
		return fail(d, "IODEVICE: IMAGE= needs ADDRESS=(xxxx,1)");
	if (!io->have_ua)
		io->unitadd = io->devno & 0xff;
	if (io->unitadd < io->cu->ua_first ||
	    io->unitadd + io->count > io->cu->ua_first + io->cu->ua_count)
		return fail(d,
			    "IODEVICE %04X: unit address %02X is outside the UNITADD= of "
			    "CNTLUNIT %04X",
			    io->devno, io->unitadd, io->cu->number);
	for (unsigned i = 0; i < io->count; i++) {
		unsigned dn = io->devno + i;

		if (d->devnos[io->schset][dn / 8] & (1u << (dn % 8)))
			return fail(d, "IODEVICE: device %04X is defined twice", dn);
	}
	return 0;
}

static int stmt_iodevice(struct deck *d, struct item *it, int n)
{
	struct iodev io = {0};

	for (int i = 0; i < n; i++)
		if (iodev_operand(d, &io, it[i].key, it[i].val))
			return -1;
	if (iodev_check(d, &io))
		return -1;
	for (unsigned i = 0; i < io.count; i++) {
		unsigned dn = io.devno + i;
		int sch = io.have_sch ? (int)(io.sch + i) : -1;
		struct ccwdev *dev;
		int rc;

		if (sch > MAX_SCHNO)
			return fail(d, "IODEVICE: SCH= range goes past FFFF");
		if (sch >= 0) {
			struct subchannel *s = css_sch(d->m, (uint8_t)io.schset, (uint16_t)sch);

			if (s && s->installed)
				return fail(d, "IODEVICE %04X: subchannel %x.%04x is already used",
					    dn, io.schset, sch);
		}
		dev = make_dev(d, &io, dn);
		if (!dev)
			return -1;
		rc = machine_add_device(d->m, (uint8_t)io.schset, sch, (uint16_t)dn, io.cu->chpid,
					io.cu->npaths, dev);
		if (rc < 0) {
			dev->ops->destroy(dev);
			return fail(d, "IODEVICE %04X: %s", dn,
				    rc == -ENOSPC ? "no free subchannel left in the set"
						  : strerror(-rc));
		}
		d->devnos[io.schset][dn / 8] |= (uint8_t)(1u << (dn % 8));
	}
	return 0;
}

/* ---- statements ---- */

static int statement(struct deck *d, char *text)
{
	struct item it[MAX_ITEMS];
	char *kw = text, *ops;
	int n;

	while (*text && !isspace((unsigned char)*text))
		text++;
	if (*text)
		*text++ = '\0';
	while (isspace((unsigned char)*text))
		text++;
	ops = text;
	/* Operands end at the first blank outside quotes; the rest is a
	 * comment, as in IOCP. */
	for (bool q = false; *text; text++) {
		if (*text == '\'')
			q = !q;
		if (!q && isspace((unsigned char)*text)) {
			*text = '\0';
			break;
		}
	}
	for (char *p = kw; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!strcmp(kw, "ID") || !strcmp(kw, "RESOURCE"))
		return 0;
	n = parse_items(d, ops, it, MAX_ITEMS);
	if (n < 0)
		return -1;
	if (!strcmp(kw, "CHPID"))
		return stmt_chpid(d, it, n);
	if (!strcmp(kw, "CNTLUNIT"))
		return stmt_cntlunit(d, it, n);
	if (!strcmp(kw, "IODEVICE"))
		return stmt_iodevice(d, it, n);
	return fail(d, "unknown statement %s", kw);
}

/* The meaningful part of a physical line: the statement keyword (first
 * line only) and the operands up to the first blank outside quotes.  What
 * follows is a comment, or IOCP's column-72 continuation mark. */
static char *operand_field(char *line, bool first)
{
	char *start = line + strspn(line, " \t");
	char *p = start;
	bool q = false;

	if (first) {
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
	}
	for (; *p; p++) {
		if (*p == '\'')
			q = !q;
		if (!q && isspace((unsigned char)*p)) {
			*p = '\0';
			break;
		}
	}
	return start;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Lines ending in ',' continue on the next line; '*' in column 1 starts
 * a comment line. */
static int parse_deck(struct deck *d, const char *text)
{
	char *copy = strdup(text), *stmt = NULL, *next;
	size_t stmt_len = 0;
	int rc = 0, lineno = 0, stmt_line = 0;

	if (!copy)
		return fail(d, "out of memory");
	for (char *line = copy; line && !rc; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		rstrip(line);
		if (line[0] == '*' || !line[strspn(line, " \t")])
			continue;
		if (!stmt)
			stmt_line = lineno;
		line = operand_field(line, !stmt);
		size_t n = strlen(line);
		char *grown = realloc(stmt, stmt_len + n + 1);

		if (!grown) {
			rc = fail(d, "out of memory");
			break;
		}
		stmt = grown;
		memcpy(stmt + stmt_len, line, n + 1);
		stmt_len += n;
		if (n && line[n - 1] == ',')
			continue;
		d->line = stmt_line;
		rc = statement(d, stmt);
		free(stmt);
		stmt = NULL;
		stmt_len = 0;
	}
	if (!rc && stmt) {
		d->line = stmt_line;
		rc = fail(d, "statement continues past the end of the deck");
	}
	free(stmt);
	free(copy);
	return rc;
}

/* Dynamic I/O reconfiguration on a running machine (an OS is bound): a
 * channel-path CRW, ERC 4 (installed parameters initialized: Linux brings
 * the path up), for each new configured CHPID, then a subchannel CRW, ERC 4, for each
 * subchannel that became installed, RSID = subchannel number, with a
 * chained second CRW carrying the ssid when it is not 0 (as QEMU's
 * hot-plug does, zarch-css-formats.md section 6).  Before an OS is bound
 * the configuration is simply what it will find at IPL. */
static void report_added(struct deck *d)
{
	struct machine *m = d->m;

	if (!m->bound)
		return;
	for (int i = 0; i < NR_CHPIDS; i++) {
		struct crw c = {.rsc = CRW_RSC_CPATH, .erc = CRW_ERC_IPARM, .rsid = (uint16_t)i};

		/* A path defined in standby has not come: it reports
		 * when it is configured (SCLP or HMC). */
		if (m->chp[i].defined && !d->chps[i] && m->chp[i].cfg == CHP_CFG_CONFIGURED)
			crw_queue(m, &c, 1);
	}
	for (int ss = 0; ss < MAX_SSID_COUNT; ss++) {
		struct sch_set *set = m->set[ss];

		for (int no = 0; set && no <= set->highest; no++) {
			struct subchannel *s = css_sch(m, (uint8_t)ss, (uint16_t)no);
			struct crw c[2] = {
				{.rsc = CRW_RSC_SCH, .erc = CRW_ERC_IPARM, .rsid = (uint16_t)no},
				{.rsc = CRW_RSC_SCH,
				 .erc = CRW_ERC_IPARM,
				 .rsid = (uint16_t)(ss << 4)},
			};

			if (!s || !s->installed || (d->schs[ss][no / 8] & (1u << (no % 8))))
				continue;
			crw_queue(m, c, ss ? 2 : 1);
		}
	}
}

static int load_deck(struct machine *m, const char *name, const char *basedir, const char *text,
		     char *err, size_t errlen)
{
	struct deck *d = calloc(1, sizeof(*d));
	int rc;

	if (!d) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	d->m = m;
	d->name = name;
	d->basedir = basedir;
	d->err = err;
	d->errlen = errlen;
	d->cus = calloc(MAX_CUS, sizeof(*d->cus));
	if (!d->cus) {
		free(d);
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	/* Devices already defined (an earlier deck) keep their numbers. */
	for (int ss = 0; ss < MAX_SSID_COUNT; ss++) {
		struct sch_set *set = m->set[ss];

		for (int no = 0; set && no <= set->highest; no++) {
			struct subchannel *s = css_sch(m, (uint8_t)ss, (uint16_t)no);

			if (s && s->installed) {
				d->devnos[ss][s->devno / 8] |= (uint8_t)(1u << (s->devno % 8));
				d->schs[ss][no / 8] |= (uint8_t)(1u << (no % 8));
			}
		}
	}
	for (int i = 0; i < NR_CHPIDS; i++)
		d->chps[i] = m->chp[i].defined;
	rc = parse_deck(d, text);
	/* Also after an error: what the deck added up to its bad line is
	 * installed and must be reported. */
	report_added(d);
	free(d->cus);
	free(d);
	return rc;
}

int machine_load_iocp_text(struct machine *m, const char *name, const char *text, char *err,
			   size_t errlen)
{
	return load_deck(m, name, NULL, text, err, errlen);
}

int machine_load_iocp(struct machine *m, const char *path, char *err, size_t errlen)
{
	FILE *f;
	char *text, *dir, *slash;
	long n;
	int rc;

	if (!path)
		return machine_load_iocp_text(m, "(built-in)", default_deck, err, errlen);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Read up to one byte past the cap (a device such as /dev/zero has
	 * no size and no end). */
	text = calloc(1, IOCP_MAX_DECK + 2);
	n = text ? (long)fread(text, 1, IOCP_MAX_DECK + 1, f) : 0;
	if (!text || ferror(f)) {
		snprintf(err, errlen, "%s: cannot read", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (n > IOCP_MAX_DECK) {
		snprintf(err, errlen, "%s: larger than %u MiB: not an I/O configuration deck", path,
			 IOCP_MAX_DECK >> 20);
		free(text);
		return -1;
	}
	if (memchr(text, '\0', (size_t)n)) {
		snprintf(err, errlen, "%s: not a text file", path);
		free(text);
		return -1;
	}
	dir = strdup(path);
	if (!dir) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(text);
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	rc = load_deck(m, path, dir, text, err, errlen);
	free(dir);
	free(text);
	return rc;
}
