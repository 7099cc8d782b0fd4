/* lschp: list channel paths from /sys/devices/css<X>/chp<X>.<id>, as
 * s390-tools zconf/chp/lschp.c (reference §2), with --format output. */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"
#include "user/util_fmt.h"
#include "user/util_opt.h"
#include "user/util_rec.h"

enum { OPT_FORMAT = 256 };

static const struct option lschp_longopts[] = {
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'v'},
	{"format", required_argument, NULL, OPT_FORMAT},
	{NULL, 0, NULL, 0},
};

static const char lschp_help[] =
	"Usage: lschp [OPTIONS]\n"
	"\n"
	"List information about available channel-paths.\n"
	"\n"
	" -h, --help           Print this help, then exit\n"
	" -v, --version        Print version information, then exit\n"
	"     --format FORMAT  Output format (json json-seq jsonl pairs csv)\n";

/* One channel path's cells; "-" cells become null in the formats. */
struct chp_row {
	char chpid[8];
	char vary[4];
	char cfg[16];
	char type[8];
	char cmg[16];
	char shared[16];
	char pchid[16];
	char chid[16];
	bool chid_external;
};

struct lschp {
	struct proc *p;
	struct sysfs *fs;
	bool formatted; /* --format given */
	enum util_fmt_type fmt;
	struct util_fmt *f;
	char filter[8];
};

static void read_row(struct lschp *l, unsigned css, unsigned id, const char *dir, struct chp_row *r)
{
	char path[400], buf[64];

	snprintf(r->chpid, sizeof(r->chpid), "%x.%02x", css, id & 0xff);
	snprintf(path, sizeof(path), "%s/status", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	snprintf(r->vary, sizeof(r->vary), "%s",
		 strcmp(buf, "online") == 0    ? "1"
		 : strcmp(buf, "offline") == 0 ? "0"
					       : "-");
	snprintf(path, sizeof(path), "%s/configure", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	snprintf(r->cfg, sizeof(r->cfg), "%.15s", buf[0] ? buf : "-");
	snprintf(path, sizeof(path), "%s/type", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	if (buf[0])
		snprintf(r->type, sizeof(r->type), "%02lx", strtoul(buf, NULL, 16) & 0xff);
	else
		snprintf(r->type, sizeof(r->type), "-");
	snprintf(path, sizeof(path), "%s/cmg", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	if (!buf[0] || strcmp(buf, "unknown") == 0)
		snprintf(r->cmg, sizeof(r->cmg), "-");
	else
		snprintf(r->cmg, sizeof(r->cmg), "%-3lx", strtoul(buf, NULL, 0));
	snprintf(path, sizeof(path), "%s/shared", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	if (!buf[0] || strcmp(buf, "unknown") == 0)
		snprintf(r->shared, sizeof(r->shared), "-");
	else
		snprintf(r->shared, sizeof(r->shared), "%-6lx", strtoul(buf, NULL, 0));
	snprintf(path, sizeof(path), "%s/chid_external", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	r->chid_external = strcmp(buf, "1") == 0;
	snprintf(path, sizeof(path), "%s/chid", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	snprintf(r->chid, sizeof(r->chid), "%.8s", buf);
	if (!buf[0])
		snprintf(r->pchid, sizeof(r->pchid), "-");
	else if (r->chid_external)
		snprintf(r->pchid, sizeof(r->pchid), " %4.8s ", buf);
	else
		snprintf(r->pchid, sizeof(r->pchid), "(%4.8s)", buf);
}

/* The formats (s390-tools zconf/chp/lschp.c, fmt_rec_print_formatted): one
 * FMT_ROW object "entry" per path; a "-" cell is an invalid (quoted) value;
 * the PCHID cell becomes chid (decimal) and chid_external; chpid is a
 * string, type a hex number shown in decimal, the others numbers. */
static void fmt_row(struct lschp *l, const struct chp_row *r)
{
	static const struct {
		const char *key;
		size_t off;
	} num[] = {
		{"vary", offsetof(struct chp_row, vary)},
		{"cfg", offsetof(struct chp_row, cfg)},
		{"type", offsetof(struct chp_row, type)},
		{"cmg", offsetof(struct chp_row, cmg)},
		{"shared", offsetof(struct chp_row, shared)},
	};

	util_fmt_obj_start(l->f, FMT_ROW, "entry");
	util_fmt_pair(l->f, FMT_QUOTE, "chpid", "%s", r->chpid);
	for (size_t i = 0; i < sizeof(num) / sizeof(num[0]); i++) {
		const char *cell = (const char *)r + num[i].off;

		if (strcmp(cell, "-") == 0)
			util_fmt_pair(l->f, FMT_QUOTE | FMT_INVAL, num[i].key, "%s", "");
		else if (strcmp(num[i].key, "type") == 0)
			util_fmt_pair(l->f, 0, num[i].key, "%d", (int)strtol(cell, NULL, 16));
		else
			util_fmt_pair(l->f, 0, num[i].key, "%d", atoi(cell));
	}
	if (strcmp(r->pchid, "-") == 0) {
		util_fmt_pair(l->f, FMT_QUOTE | FMT_INVAL, "pchid", "%s", "");
	} else {
		util_fmt_pair(l->f, 0, "chid", "%d", (int)strtol(r->chid, NULL, 16));
		util_fmt_pair(l->f, 0, "chid_external", "%s", r->chid_external ? "true" : "false");
	}
	util_fmt_obj_end(l->f);
}

static void emit_row(struct lschp *l, const struct chp_row *r, struct util_rec *rec)
{
	if (l->f) {
		fmt_row(l, r);
		return;
	}
	util_rec_set(rec, "chpid", "%s", r->chpid);
	util_rec_set(rec, "vary", "%s", r->vary);
	util_rec_set(rec, "cfg", "%s", r->cfg);
	util_rec_set(rec, "type", "%s", r->type);
	util_rec_set(rec, "cmg", "%s", r->cmg);
	util_rec_set(rec, "shared", "%s", r->shared);
	util_rec_set(rec, "pchid", "%s", r->pchid);
	util_rec_print(rec, l->p);
}

static unsigned long chp_num(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? strtoul(dot + 1, NULL, 16) : 0;
}

static int chp_cmp(const void *a, const void *b)
{
	unsigned long x = chp_num(*(char *const *)a), y = chp_num(*(char *const *)b);

	return x < y ? -1 : x > y;
}

static void list_css(struct lschp *l, const char *css, struct util_rec *rec)
{
	char dir[64], prefix[16], chpdir[320], **names;
	unsigned cssid = (unsigned)strtoul(css + 3, NULL, 16), id;
	int n, i;

	snprintf(dir, sizeof(dir), "/sys/devices/%s", css);
	snprintf(prefix, sizeof(prefix), "chp%x.", cssid);
	n = sysfs_list(l->fs, dir, &names);
	if (n <= 0) {
		sysfs_names_free(names, 0); /* an empty directory has a list too */
		return;
	}
	qsort(names, (size_t)n, sizeof(*names), chp_cmp);
	for (i = 0; i < n; i++) {
		struct chp_row r;
		unsigned c;

		if (strncmp(names[i], prefix, strlen(prefix)) != 0 ||
		    sscanf(names[i], "chp%x.%x", &c, &id) != 2)
			continue;
		snprintf(chpdir, sizeof(chpdir), "%s/%s", dir, names[i]);
		read_row(l, cssid, id, chpdir, &r);
		if (!l->filter[0] || strcmp(r.chpid, l->filter) == 0)
			emit_row(l, &r, rec);
	}
	sysfs_names_free(names, n);
}

static bool css_name(const char *s)
{
	size_t n = strlen(s);

	return strncmp(s, "css", 3) == 0 && n >= 4 && n <= 5 && isxdigit((unsigned char)s[3]) &&
	       (n == 4 || isxdigit((unsigned char)s[4]));
}

static void lschp_print(struct lschp *l)
{
	struct util_rec *rec = util_rec_new('=');
	char **names;
	int n, i;

	if (!rec)
		return;
	util_rec_def(rec, "chpid", "CHPID", 6);
	util_rec_def(rec, "vary", "Vary", 5);
	util_rec_def(rec, "cfg", "Cfg.", 5);
	util_rec_def(rec, "type", "Type", 5);
	util_rec_def(rec, "cmg", "Cmg", 4);
	util_rec_def(rec, "shared", "Shared", 6);
	util_rec_def(rec, "pchid", " PCHID", 6);
	if (l->formatted) {
		/* Time is the simulated clock (epoch 0 at the start of the run). */
		unsigned long long secs = sim_now(proc_sim(l->p)) / SIM_S;
		char when[48];
		struct util_fmt_meta meta = {S390_TOOLS_RELEASE, proc_hostname(l->p), secs, when};

		snprintf(when, sizeof(when), "1970-01-01 %02llu:%02llu:%02llu+0000",
			 secs / 3600 % 24, secs / 60 % 60, secs % 60);
		/* lschp's fmt_init: CSV without meta-data, every value quoted */
		l->f = util_fmt_new(
			l->p, l->fmt,
			FMT_KEEPINVAL | (l->fmt == FMT_CSV ? FMT_NOMETA | FMT_QUOTEALL : 0), &meta);
		if (!l->f) {
			util_rec_free(rec);
			return;
		}
		util_fmt_obj_start(l->f, FMT_LIST, "channel_paths");
	} else {
		util_rec_print_hdr(rec, l->p);
	}
	n = sysfs_list(l->fs, "/sys/devices", &names);
	for (i = 0; i < n; i++)
		if (css_name(names[i]))
			list_css(l, names[i], rec);
	sysfs_names_free(names, n);
	if (l->f) {
		util_fmt_obj_end(l->f);
		util_fmt_free(l->f);
		l->f = NULL;
	}
	util_rec_free(rec);
}

static int set_format(struct lschp *l, const char *word)
{
	if (util_fmt_name_to_type(word, &l->fmt)) {
		l->formatted = true;
		return 0;
	}
	proc_eprintf(l->p,
		     "lschp: Unknown format '%s', supported formats: json json-seq jsonl pairs "
		     "csv\n\n",
		     word);
	return -1;
}

static int parse_chpid(struct lschp *l, const char *arg)
{
	switch (strlen(arg)) {
	case 1:
		snprintf(l->filter, sizeof(l->filter), "0.0%s", arg);
		break;
	case 2:
		snprintf(l->filter, sizeof(l->filter), "0.%s", arg);
		break;
	case 4:
		snprintf(l->filter, sizeof(l->filter), "%s", arg);
		break;
	default:
		return util_prg_err(l->p, "lschp", "%s is not a valid channel-path ID", arg);
	}
	if (!isdigit((unsigned char)l->filter[0]) || l->filter[1] != '.' ||
	    !isxdigit((unsigned char)l->filter[2]) || !isxdigit((unsigned char)l->filter[3]))
		return util_prg_err(l->p, "lschp", "%s is not a valid channel-path ID", l->filter);
	return 0;
}

int cmd_lschp(struct proc *p, void *ctx, int argc, char **argv)
{
	struct lschp l = {.p = p};
	struct util_opt_res res;
	int i;

	if (!proc_sysfs(p))
		return util_prg_err(p, "lschp", "Could not find sysfs");
	l.fs = proc_sysfs(p);
	if (util_opt_parse(p, "lschp", argc, argv, "hv", lschp_longopts, &res))
		return 1;
	for (i = 0; i < res.n; i++) {
		switch (res.v[i].val) {
		case 'h':
			proc_printf(p, "%s", lschp_help);
			return 0;
		case 'v':
			util_prg_version(p, "lschp", "2016, 2019");
			return 0;
		case OPT_FORMAT:
			/* upstream quirk: the value is the argv word, so
			 * "--format=json" is an unknown format */
			if (set_format(&l, res.v[i].word))
				return 1;
			break;
		}
	}
	if (argc - res.optind > 1)
		return util_prg_err(p, "lschp", "Too many arguments specified");
	if (argc - res.optind == 1 && parse_chpid(&l, argv[res.optind]))
		return 1;
	lschp_print(&l);
	return 0;
}
