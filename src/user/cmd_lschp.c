/* lschp: list channel paths from /sys/devices/css<X>/chp<X>.<id>, as
 * s390-tools zconf/chp/lschp.c (reference §2), with --format output. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"
#include "user/util_opt.h"
#include "user/util_rec.h"

enum { OPT_FORMAT = 256 };

enum lschp_fmt { FMT_TABLE, FMT_JSON, FMT_JSON_SEQ, FMT_JSONL, FMT_PAIRS, FMT_CSV };

static const char *const fmt_names[] = {"", "json", "json-seq", "jsonl", "pairs", "csv"};

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
	enum lschp_fmt fmt;
	char filter[8];
	int nrows;
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
		snprintf(r->cmg, sizeof(r->cmg), "%-3s", "-");
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

/* One key/value of the structured formats (libutil util_fmt): strings are
 * quoted, numbers are not, "-" cells are invalid (null in JSON, empty in
 * pairs and CSV). */
struct fmt_pair {
	const char *key;
	char val[48];
	bool quote, inval;
};

static void pair_num(struct fmt_pair *f, const char *key, const char *cell, int base)
{
	char tmp[16];
	char *end;
	unsigned long v;

	snprintf(tmp, sizeof(tmp), "%s", cell);
	tmp[strcspn(tmp, " ")] = '\0';
	v = strtoul(tmp, &end, base);
	f->key = key;
	f->quote = false;
	f->inval = !tmp[0] || *end;
	snprintf(f->val, sizeof(f->val), "%lu", v);
}

static void pair_str(struct fmt_pair *f, const char *key, const char *val, bool quote)
{
	f->key = key;
	f->quote = quote;
	f->inval = false;
	snprintf(f->val, sizeof(f->val), "%s", val);
}

static int row_pairs(const struct chp_row *r, struct fmt_pair *f)
{
	int n = 0;

	pair_str(&f[n++], "chpid", r->chpid, true);
	pair_num(&f[n++], "vary", r->vary, 10);
	pair_num(&f[n++], "cfg", r->cfg, 10);
	pair_num(&f[n++], "type", r->type, 16);
	pair_num(&f[n++], "cmg", r->cmg, 16);
	pair_num(&f[n++], "shared", r->shared, 16);
	if (r->chid[0]) {
		pair_num(&f[n++], "chid", r->chid, 16);
		pair_str(&f[n++], "chid_external", r->chid_external ? "true" : "false", false);
	} else {
		pair_num(&f[n++], "pchid", "-", 16);
	}
	return n;
}

/* Tool meta-data: every util_fmt output starts with it.  Time is the
 * simulated clock (epoch 0 at the start of the run). */
static int meta_pairs(struct lschp *l, struct fmt_pair *f)
{
	unsigned long long secs = sim_now(proc_sim(l->p)) / SIM_S;
	char buf[48];

	pair_str(&f[0], "api_level", "1", false);
	pair_str(&f[1], "version", S390_TOOLS_RELEASE, true);
	pair_str(&f[2], "host", proc_hostname(l->p), true);
	snprintf(buf, sizeof(buf), "%llu", secs);
	pair_str(&f[3], "time_epoch", buf, false);
	snprintf(buf, sizeof(buf), "1970-01-01 %02llu:%02llu:%02llu+0000", secs / 3600 % 24,
		 secs / 60 % 60, secs % 60);
	pair_str(&f[4], "time", buf, true);
	return 5;
}

static void json_value(struct proc *p, const struct fmt_pair *f)
{
	if (f->inval)
		proc_printf(p, "null");
	else if (f->quote)
		proc_printf(p, "\"%s\"", f->val);
	else
		proc_printf(p, "%s", f->val);
}

/* An object of pairs.  Pretty JSON: members on lines indented by `ind`
 * blanks, the closing brace by ind - 2; compact (json-seq, jsonl): one
 * line, members separated by "," as util_fmt does with an empty newline. */
static void json_object(struct lschp *l, const char *name, const struct fmt_pair *f, int n, int ind)
{
	bool pretty = l->fmt == FMT_JSON;
	int i;

	if (pretty)
		proc_printf(l->p, "%*s", ind - 2, "");
	if (name)
		proc_printf(l->p, "\"%s\": ", name);
	proc_printf(l->p, "{%s", pretty ? "\n" : "");
	for (i = 0; i < n; i++) {
		if (i)
			proc_printf(l->p, ",%s", pretty ? "\n" : "");
		proc_printf(l->p, "%*s\"%s\": ", pretty ? ind : 0, "", f[i].key);
		json_value(l->p, &f[i]);
	}
	if (pretty)
		proc_printf(l->p, "\n%*s", ind - 2, "");
	proc_printf(l->p, "}");
}

static void pairs_line(struct proc *p, const char *prefix, const struct fmt_pair *f)
{
	if (f->inval)
		proc_printf(p, "%s%s=\n", prefix, f->key);
	else if (f->quote)
		proc_printf(p, "%s%s=\"%s\"\n", prefix, f->key, f->val);
	else
		proc_printf(p, "%s%s=%s\n", prefix, f->key, f->val);
}

static void csv_value(struct proc *p, const struct fmt_pair *f, bool first)
{
	proc_printf(p, "%s", first ? "" : ",");
	if (!f->inval)
		proc_printf(p, f->quote ? "\"%s\"" : "%s", f->val);
}

/* Before the first path: the meta object and the list's opening. */
static void fmt_begin(struct lschp *l)
{
	struct fmt_pair m[5];
	int n = meta_pairs(l, m), i;

	switch (l->fmt) {
	case FMT_JSON:
		proc_printf(l->p, "{\n");
		json_object(l, "meta", m, n, 4);
		proc_printf(l->p, ",\n  \"channel_paths\": [\n");
		break;
	case FMT_JSON_SEQ:
	case FMT_JSONL:
		/* the meta-data is a record of its own */
		proc_printf(l->p, "%s{", l->fmt == FMT_JSON_SEQ ? "\x1e" : "");
		json_object(l, "meta", m, n, 4);
		proc_printf(l->p, "}\n%s[", l->fmt == FMT_JSON_SEQ ? "\x1e" : "");
		break;
	case FMT_PAIRS:
		for (i = 0; i < n; i++)
			pairs_line(l->p, "meta.", &m[i]);
		break;
	default:
		break;
	}
}

static void fmt_end(struct lschp *l)
{
	if (l->fmt == FMT_JSON)
		proc_printf(l->p, "%s  ]\n}\n", l->nrows ? "\n" : "");
	else if (l->fmt == FMT_JSON_SEQ || l->fmt == FMT_JSONL)
		proc_printf(l->p, "]\n");
}

static void emit_row(struct lschp *l, const struct chp_row *r, struct util_rec *rec)
{
	struct fmt_pair f[10], m[5];
	char prefix[48];
	int n, nm, i;

	if (l->fmt == FMT_TABLE) {
		util_rec_set(rec, "chpid", "%s", r->chpid);
		util_rec_set(rec, "vary", "%s", r->vary);
		util_rec_set(rec, "cfg", "%s", r->cfg);
		util_rec_set(rec, "type", "%s", r->type);
		util_rec_set(rec, "cmg", "%s", r->cmg);
		util_rec_set(rec, "shared", "%s", r->shared);
		util_rec_set(rec, "pchid", "%s", r->pchid);
		util_rec_print(rec, l->p);
		l->nrows++;
		return;
	}
	n = row_pairs(r, f);
	switch (l->fmt) {
	case FMT_JSON:
		proc_printf(l->p, "%s", l->nrows ? ",\n" : "");
		json_object(l, NULL, f, n, 6);
		break;
	case FMT_JSON_SEQ:
	case FMT_JSONL:
		proc_printf(l->p, "%s", l->nrows ? "," : "");
		json_object(l, NULL, f, n, 0);
		break;
	case FMT_PAIRS:
		snprintf(prefix, sizeof(prefix), "channel_paths[%d].", l->nrows);
		for (i = 0; i < n; i++)
			pairs_line(l->p, prefix, &f[i]);
		break;
	case FMT_CSV:
		/* the meta-data is repeated in every row */
		nm = meta_pairs(l, m);
		if (!l->nrows) {
			for (i = 0; i < nm; i++)
				proc_printf(l->p, "%s\"meta.%s\"", i ? "," : "", m[i].key);
			for (i = 0; i < n; i++)
				proc_printf(l->p, ",\"%s\"", f[i].key);
			proc_printf(l->p, "\n");
		}
		for (i = 0; i < nm; i++)
			csv_value(l->p, &m[i], i == 0);
		for (i = 0; i < n; i++)
			csv_value(l->p, &f[i], false);
		proc_printf(l->p, "\n");
		break;
	default:
		break;
	}
	l->nrows++;
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
	if (n <= 0)
		return;
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
	if (l->fmt == FMT_TABLE)
		util_rec_print_hdr(rec, l->p);
	else
		fmt_begin(l);
	n = sysfs_list(l->fs, "/sys/devices", &names);
	for (i = 0; i < n; i++)
		if (css_name(names[i]))
			list_css(l, names[i], rec);
	sysfs_names_free(names, n);
	fmt_end(l);
	util_rec_free(rec);
}

static int set_format(struct lschp *l, const char *word)
{
	int i;

	for (i = 1; i < (int)(sizeof(fmt_names) / sizeof(fmt_names[0])); i++) {
		if (strcmp(word, fmt_names[i]) == 0) {
			l->fmt = (enum lschp_fmt)i;
			return 0;
		}
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
