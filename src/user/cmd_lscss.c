/* lscss: list subchannels, as s390-tools zconf/css/lscss.c does it, from
 * /sys/bus/css/devices (see ../shared/reference/s390-tools-cli.md §1). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"
#include "user/util_opt.h"
#include "user/util_rec.h"

#define CSS_DEVICES "/sys/bus/css/devices"

enum { OPT_AVAIL = 256, OPT_VPM, OPT_IO, OPT_CHSC, OPT_EADM, OPT_VFIO };

static const struct option lscss_longopts[] = {
	{"short", no_argument, NULL, 's'},     {"devtype", required_argument, NULL, 't'},
	{"devrange", no_argument, NULL, 'd'},  {"avail", no_argument, NULL, OPT_AVAIL},
	{"vpm", no_argument, NULL, OPT_VPM},   {"uppercase", no_argument, NULL, 'u'},
	{"io", no_argument, NULL, OPT_IO},     {"chsc", no_argument, NULL, OPT_CHSC},
	{"eadm", no_argument, NULL, OPT_EADM}, {"vfio", no_argument, NULL, OPT_VFIO},
	{"all", no_argument, NULL, 'a'},       {"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'v'},   {NULL, 0, NULL, 0},
};

static const char lscss_help[] =
	"Usage: lscss [OPTIONS] [RANGE]\n"
	"\n"
	"List information about available subchannels.\n"
	"\n"
	"RANGE\n"
	"   ID              Select single subchannel by ID, e.g. 0.0.004f or 4f\n"
	"   FROM-TO         Select range of subchannels between FROM and TO\n"
	"   ID1,ID2-ID3,... Select list of subchannels or subchannel ranges\n"
	"\n"
	"OPTIONS\n"
	" -s, --short                           Shorten IDs by removing leading '0.0.'\n"
	"                                       Note: only IDs beginning with '0.0.'\n"
	"                                       will be displayed in this case.\n"
	" -t, --devtype TYPE (DEVTYPE[/MODEL])  For IO subchannels, limit output to\n"
	"                                       devices of the given type\n"
	" -d, --devrange                        Indicate that RANGE refers to device\n"
	"                                       identifiers\n"
	"     --avail                           Show availability attribute of IO\n"
	"                                       devices\n"
	"     --vpm                             Show verified path mask\n"
	" -u, --uppercase                       Print values using uppercase\n"
	"     --io                              Show IO subchannels (default)\n"
	"     --chsc                            Show CHSC subchannels\n"
	"     --eadm                            Show EADM subchannels\n"
	"     --vfio                            Show VFIO subchannel information\n"
	" -a, --all                             Show subchannels of all types\n"
	" -h, --help                            Print this help, then exit\n"
	" -v, --version                         Print version information, then exit\n";

struct ccw_busid {
	unsigned cssid, ssid, devno;
};

struct id_range {
	struct ccw_busid from, to;
};

struct devtype_filter {
	unsigned type, model;
	bool any_model;
};

struct lscss {
	struct proc *p;
	struct sysfs *fs;
	bool shortid, devrange, avail, vpm, upper, io, chsc, eadm, vfio;
	struct id_range *ranges;
	int nranges;
	struct devtype_filter *types;
	int ntypes;
	bool have_types;
};

static bool all_xdigits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* libccw's bus-ID syntax: "xxxx" (0.0.xxxx) or "c.s.xxxx"; no 0x. */
static bool busid_parse(const char *s, struct ccw_busid *id)
{
	char a[8], b[8], c[8];
	int n = 0;

	if (strncasecmp(s, "0x", 2) == 0)
		return false;
	if (all_xdigits(s, 1, 4)) {
		id->cssid = id->ssid = 0;
		id->devno = (unsigned)strtoul(s, NULL, 16);
		return true;
	}
	if (sscanf(s, "%7[^.].%7[^.].%7s%n", a, b, c, &n) != 3 || s[n])
		return false;
	if (!all_xdigits(a, 1, 2) || !all_xdigits(b, 1, 1) || !all_xdigits(c, 1, 4))
		return false;
	id->cssid = (unsigned)strtoul(a, NULL, 16);
	id->ssid = (unsigned)strtoul(b, NULL, 16);
	id->devno = (unsigned)strtoul(c, NULL, 16);
	return true;
}

static bool busid_re(const char *s)
{
	const char *d1 = strchr(s, '.'), *d2;

	if (!d1 || d1 - s < 1 || d1 - s > 2)
		return false;
	d2 = strchr(d1 + 1, '.');
	if (!d2 || d2 - d1 != 2 || strlen(d2 + 1) != 4)
		return false;
	return all_xdigits(d2 + 1, 4, 4) && isxdigit((unsigned char)d1[1]) &&
	       isxdigit((unsigned char)s[0]) && (d1 - s == 1 || isxdigit((unsigned char)s[1]));
}

static bool uuid_re(const char *s)
{
	static const int len[] = {8, 4, 4, 4, 12};
	int i;

	for (i = 0; i < 5; i++) {
		int j;

		for (j = 0; j < len[i]; j++, s++)
			if (!isxdigit((unsigned char)*s))
				return false;
		if (*s != (i < 4 ? '-' : '\0'))
			return false;
		s++;
	}
	return true;
}

static long long busid_key(const struct ccw_busid *id)
{
	return ((long long)id->cssid << 24) | ((long long)id->ssid << 16) | id->devno;
}

static int parse_ranges(struct lscss *l, int argc, char **argv)
{
	size_t len = 1;
	char *all, *item, *save = NULL;
	int i, ret = 0;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	all = calloc(1, len);
	if (!all)
		return -1;
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(all, ",");
		strcat(all, argv[i]);
	}
	l->ranges = calloc(len, sizeof(*l->ranges));
	for (item = strtok_r(all, ", ", &save); item && l->ranges;
	     item = strtok_r(NULL, ", ", &save)) {
		struct id_range *r = &l->ranges[l->nranges];
		char *dash = strchr(item, '-');

		if (dash)
			*dash = '\0';
		if (!busid_parse(item, &r->from) ||
		    (dash && (!dash[1] || !busid_parse(dash + 1, &r->to)))) {
			const char *bad = (!dash || !busid_parse(item, &r->from) || !dash[1])
						  ? item
						  : dash + 1;

			ret = util_prg_err(l->p, "lscss", "Invalid ID specified: %s", bad);
			break;
		}
		if (!dash)
			r->to = r->from;
		l->nranges++;
	}
	free(all);
	return ret ? -1 : 0;
}

static bool in_ranges(const struct lscss *l, const char *id)
{
	struct ccw_busid b;
	int i;

	if (!l->nranges)
		return true;
	if (!busid_parse(id, &b))
		return false;
	for (i = 0; i < l->nranges; i++)
		if (busid_key(&b) >= busid_key(&l->ranges[i].from) &&
		    busid_key(&b) <= busid_key(&l->ranges[i].to))
			return true;
	return false;
}

static int parse_types(struct lscss *l, const char *arg)
{
	char *all = strdup(arg), *item, *save = NULL;
	int ret = 0;

	if (!all)
		return -1;
	l->have_types = true;
	l->types = calloc(strlen(arg) + 1, sizeof(*l->types));
	for (item = strtok_r(all, ",", &save); item && l->types;
	     item = strtok_r(NULL, ",", &save)) {
		struct devtype_filter *t = &l->types[l->ntypes];
		char *slash = strchr(item, '/');

		if (slash)
			*slash = '\0';
		if (strncasecmp(item, "0x", 2) == 0 || !all_xdigits(item, 1, 4) ||
		    (slash &&
		     (strncasecmp(slash + 1, "0x", 2) == 0 || !all_xdigits(slash + 1, 1, 2)))) {
			if (slash)
				*slash = '/';
			ret = util_prg_err(l->p, "lscss", "Invalid device type specified: %s",
					   item);
			break;
		}
		t->type = (unsigned)strtoul(item, NULL, 16);
		t->any_model = !slash;
		t->model = slash ? (unsigned)strtoul(slash + 1, NULL, 16) : 0;
		l->ntypes++;
	}
	free(all);
	return ret ? -1 : 0;
}

static bool type_matches(const struct lscss *l, const char *devtype)
{
	unsigned type = 0, model = 0;
	int i;

	if (!l->have_types)
		return true;
	if (sscanf(devtype, "%x/%x", &type, &model) != 2)
		type = model = 0;
	for (i = 0; i < l->ntypes; i++)
		if (l->types[i].type == type &&
		    (l->types[i].any_model || l->types[i].model == model))
			return true;
	return false;
}

static void upcase(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

/* Set a cell, upper-cased with -u. */
static void cell(struct lscss *l, struct util_rec *r, const char *key, const char *val)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s", val);
	if (l->upper)
		upcase(buf);
	util_rec_set(r, key, "%s", buf);
}

/* "0.0.f500" -> "f500" with -s; false if the row must be skipped. */
static bool short_id(const struct lscss *l, const char *id, char *out, size_t size)
{
	if (!l->shortid) {
		snprintf(out, size, "%s", id);
		return true;
	}
	if (strncmp(id, "0.0.", 4) != 0)
		return false;
	snprintf(out, size, "%s", id + 4);
	return true;
}

static int sch_type(struct lscss *l, const char *sch)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), CSS_DEVICES "/%s/type", sch);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	return buf[0] ? atoi(buf) : 0;
}

/* The ccw device child of a subchannel ("" if none). */
static void sch_ccwdev(struct lscss *l, const char *sch, char *dev, size_t size)
{
	char path[256], **names;
	int n, i;

	dev[0] = '\0';
	snprintf(path, sizeof(path), CSS_DEVICES "/%s", sch);
	n = sysfs_list(l->fs, path, &names);
	for (i = 0; i < n; i++) {
		char child[320];

		snprintf(child, sizeof(child), "%s/%s", path, names[i]);
		if (busid_re(names[i]) && sysfs_is_dir(l->fs, child)) {
			snprintf(dev, size, "%s", names[i]);
			break;
		}
	}
	sysfs_names_free(names, n);
}

/* PIM/PAM/POM/VPM/CHPIDs cells from the subchannel's attributes. */
static void path_cells(struct lscss *l, struct util_rec *r, const char *dir)
{
	char path[320], buf[128], out[32];
	unsigned m[3];
	int i, j;

	snprintf(path, sizeof(path), "%s/pimpampom", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	if (sscanf(buf, "%x %x %x", &m[0], &m[1], &m[2]) == 3) {
		static const char *const keys[] = {"pim", "pam", "pom"};

		for (i = 0; i < 3; i++) {
			snprintf(out, sizeof(out), l->upper ? "%02X" : "%02x", m[i] & 0xff);
			util_rec_set(r, keys[i], "%s", out);
		}
	}
	snprintf(path, sizeof(path), "%s/vpm", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	cell(l, r, "vpm", buf);
	snprintf(path, sizeof(path), "%s/chpids", dir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	for (i = 0, j = 0; buf[i] && j < 17; i++) {
		if (buf[i] == ' ')
			continue;
		if (j == 8)
			out[j++] = ' ';
		out[j++] = buf[i];
	}
	out[j] = '\0';
	cell(l, r, "chpids", out);
}

static void dev_cells(struct lscss *l, struct util_rec *r, const char *devdir)
{
	char path[320], buf[64];

	snprintf(path, sizeof(path), "%s/devtype", devdir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	cell(l, r, "devtype", strcmp(buf, "n/a") == 0 ? "0000/00" : buf);
	snprintf(path, sizeof(path), "%s/cutype", devdir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	cell(l, r, "cutype", buf);
	snprintf(path, sizeof(path), "%s/online", devdir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	cell(l, r, "use", atoi(buf) == 1 ? "yes" : "");
	snprintf(path, sizeof(path), "%s/availability", devdir);
	sysfs_read_line(l->p, path, buf, sizeof(buf));
	cell(l, r, "avail", buf);
}

static void io_row(struct lscss *l, struct util_rec *r, const char *sch)
{
	char dir[256], dev[256], devdir[520], path[544], id[256], schid[256], devtype[64];
	bool has_dev;

	snprintf(dir, sizeof(dir), CSS_DEVICES "/%s", sch);
	sch_ccwdev(l, sch, dev, sizeof(dev));
	has_dev = dev[0] != '\0';
	if (!has_dev && l->devrange)
		return;
	if (has_dev) {
		snprintf(devdir, sizeof(devdir), "%s/%s", dir, dev);
		snprintf(path, sizeof(path), "%s/devtype", devdir);
		sysfs_read_line(l->p, path, devtype, sizeof(devtype));
		if (!type_matches(l, strcmp(devtype, "n/a") == 0 ? "0000/00" : devtype))
			return;
	} else {
		/* -t: a subchannel without a device is of no type: skipped
		 * (upstream ignores fill_device_info()'s "skip entry" here
		 * and prints "(null)" cells; docs/commands.md). */
		if (l->have_types)
			return;
		snprintf(path, sizeof(path), "%s/dev_busid", dir);
		sysfs_read_line(l->p, path, dev, sizeof(dev));
	}
	if (!in_ranges(l, l->devrange ? dev : sch))
		return;
	if (!short_id(l, dev, id, sizeof(id)) || !short_id(l, sch, schid, sizeof(schid)))
		return;
	util_rec_clear(r);
	cell(l, r, "device", id);
	cell(l, r, "subchannel", schid);
	if (has_dev)
		dev_cells(l, r, devdir);
	path_cells(l, r, dir);
	util_rec_print(r, l->p);
}

/* Orphaned ccw devices, listed after the subchannels of every table. */
static void defunct_rows(struct lscss *l, struct util_rec *r, bool io)
{
	char **css, **devs, dir[256], devdir[320], id[64];
	int ncss, i;

	if (l->nranges && !l->devrange)
		return;
	ncss = sysfs_list(l->fs, "/sys/devices", &css);
	for (i = 0; i < ncss; i++) {
		int ndev, j;

		if (strncmp(css[i], "css", 3) != 0)
			continue;
		snprintf(dir, sizeof(dir), "/sys/devices/%s/defunct", css[i]);
		ndev = sysfs_list(l->fs, dir, &devs);
		for (j = 0; j < ndev; j++) {
			if (!busid_re(devs[j]) || !in_ranges(l, devs[j]))
				continue;
			if (!short_id(l, devs[j], id, sizeof(id)))
				continue;
			util_rec_clear(r);
			cell(l, r, "device", id);
			cell(l, r, "subchannel", "n/a");
			if (io) {
				snprintf(devdir, sizeof(devdir), "%s/%s", dir, devs[j]);
				dev_cells(l, r, devdir);
			}
			util_rec_print(r, l->p);
		}
		sysfs_names_free(devs, ndev);
	}
	sysfs_names_free(css, ncss);
}

static void driver_name(struct lscss *l, const char *sch, char *buf, size_t size)
{
	char path[256], link[256];
	const char *base;

	buf[0] = '\0';
	snprintf(path, sizeof(path), CSS_DEVICES "/%s/driver", sch);
	if (sysfs_readlink(l->fs, path, link, sizeof(link)) < 0)
		return;
	base = strrchr(link, '/');
	snprintf(buf, size, "%s", base ? base + 1 : link);
}

static void vfio_row(struct lscss *l, struct util_rec *r, const char *sch)
{
	char dir[256], drv[256], mdev[256] = "none", schid[256], **names;
	int n, i;

	driver_name(l, sch, drv, sizeof(drv));
	if (strcmp(drv, "vfio_ccw") != 0 || !in_ranges(l, sch))
		return;
	if (!short_id(l, sch, schid, sizeof(schid)))
		return;
	snprintf(dir, sizeof(dir), CSS_DEVICES "/%s", sch);
	n = sysfs_list(l->fs, dir, &names);
	for (i = 0; i < n; i++) {
		if (uuid_re(names[i])) {
			snprintf(mdev, sizeof(mdev), "%s", names[i]);
			break;
		}
	}
	sysfs_names_free(names, n);
	util_rec_clear(r);
	cell(l, r, "mdev", mdev);
	cell(l, r, "subchannel", schid);
	path_cells(l, r, dir);
	util_rec_print(r, l->p);
}

static void other_row(struct lscss *l, struct util_rec *r, const char *sch)
{
	char schid[64];

	if (l->have_types || l->devrange || !in_ranges(l, sch))
		return;
	if (!short_id(l, sch, schid, sizeof(schid)))
		return;
	util_rec_clear(r);
	cell(l, r, "device", "n/a");
	cell(l, r, "subchannel", schid);
	util_rec_print(r, l->p);
}

enum table { TAB_IO, TAB_CHSC, TAB_EADM, TAB_VFIO };

static struct util_rec *table_rec(struct lscss *l, enum table t)
{
	struct util_rec *r = util_rec_new('-');

	if (!r)
		return NULL;
	if (t == TAB_VFIO)
		util_rec_def(r, "mdev", "MDEV", 37);
	else
		util_rec_def(r, "device", "Device", 8);
	util_rec_def(r, "subchannel", "Subchan.", 9);
	if (t == TAB_CHSC || t == TAB_EADM)
		return r;
	if (t == TAB_IO) {
		util_rec_def(r, "devtype", "DevType", 7);
		util_rec_def(r, "cutype", "CU Type", 7);
		util_rec_def(r, "use", "Use", 4);
	}
	util_rec_def(r, "pim", "PIM", 3);
	util_rec_def(r, "pam", "PAM", 3);
	util_rec_def(r, "pom", "POM", l->vpm ? 3 : 4);
	if (l->vpm)
		util_rec_def(r, "vpm", "VPM", 3);
	util_rec_def(r, "chpids", "CHPIDs", 17);
	if (t == TAB_IO && l->avail)
		util_rec_def(r, "avail", "Avail.", 6);
	return r;
}

static void print_table(struct lscss *l, enum table t, char **schs, int n)
{
	struct util_rec *r = table_rec(l, t);
	int i;

	if (!r)
		return;
	util_rec_print_hdr(r, l->p);
	for (i = 0; i < n; i++) {
		int type = sch_type(l, schs[i]);

		if (t == TAB_IO && type == 0)
			io_row(l, r, schs[i]);
		else if (t == TAB_VFIO && type == 0)
			vfio_row(l, r, schs[i]);
		else if ((t == TAB_CHSC && type == 1) || (t == TAB_EADM && type == 3))
			other_row(l, r, schs[i]);
	}
	defunct_rows(l, r, t == TAB_IO);
	util_rec_free(r);
}

static void print_all(struct lscss *l)
{
	char **names;
	int n = sysfs_list(l->fs, CSS_DEVICES, &names), i, k = 0;

	/* keep only subchannel-named entries; the list is already sorted */
	for (i = 0; i < n; i++) {
		if (busid_re(names[i]))
			names[k++] = names[i];
		else
			free(names[i]);
	}
	n = n < 0 ? 0 : k;
	if (l->io) {
		if (l->chsc || l->eadm || l->vfio)
			proc_printf(l->p, "IO Subchannels and Devices:\n");
		print_table(l, TAB_IO, names, n);
	}
	if (l->chsc) {
		if (l->io || l->eadm || l->vfio)
			proc_printf(l->p, "\nCHSC Subchannels:\n");
		print_table(l, TAB_CHSC, names, n);
	}
	if (l->eadm) {
		if (l->chsc || l->io || l->vfio)
			proc_printf(l->p, "\nEADM Subchannels:\n");
		print_table(l, TAB_EADM, names, n);
	}
	if (l->vfio) {
		if (l->io || l->chsc || l->eadm)
			proc_printf(l->p, "\nI/O Subchannels used for VFIO:\n");
		print_table(l, TAB_VFIO, names, n);
	}
	sysfs_names_free(names, n);
}

static int lscss_opts(struct lscss *l, struct util_opt_res *res, const char **types)
{
	int i;

	for (i = 0; i < res->n; i++) {
		switch (res->v[i].val) {
		case 's':
			l->shortid = true;
			break;
		case 't':
			*types = res->v[i].arg;
			break;
		case 'd':
			l->devrange = true;
			break;
		case 'u':
			l->upper = true;
			break;
		case 'a':
			l->io = l->chsc = l->eadm = true;
			break;
		case OPT_AVAIL:
			l->avail = true;
			break;
		case OPT_VPM:
			l->vpm = true;
			break;
		case OPT_IO:
			l->io = true;
			break;
		case OPT_CHSC:
			l->chsc = true;
			break;
		case OPT_EADM:
			l->eadm = true;
			break;
		case OPT_VFIO:
			l->vfio = true;
			break;
		case 'h':
			proc_printf(l->p, "%s", lscss_help);
			return 0;
		case 'v':
			util_prg_version(l->p, "lscss", "2017");
			return 0;
		}
	}
	return -1;
}

int cmd_lscss(struct proc *p, void *ctx, int argc, char **argv)
{
	struct lscss l = {.p = p};
	struct util_opt_res res;
	const char *types = NULL;
	int ret = 1;

	if (!proc_sysfs(p))
		return util_prg_err(p, "lscss", "Could not find sysfs");
	l.fs = proc_sysfs(p);
	if (util_opt_parse(p, "lscss", argc, argv, "st:duahv", lscss_longopts, &res))
		return 1;
	if (lscss_opts(&l, &res, &types) == 0)
		return 0;
	if (l.vfio && (l.io || l.devrange || types || l.avail))
		return util_prg_err(p, "lscss",
				    "Invalid option combination: --vfio can not be "
				    "used with --io, -d, -t or --avail");
	if (!l.chsc && !l.eadm && !l.vfio)
		l.io = true;
	if (types && parse_types(&l, types))
		goto out;
	if (parse_ranges(&l, argc - res.optind, argv + res.optind))
		goto out;
	print_all(&l);
	ret = 0;
out:
	free(l.ranges);
	free(l.types);
	return ret;
}
