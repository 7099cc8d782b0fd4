/* chchp: vary, configure or set an attribute of channel paths, as
 * s390-tools zconf/chp/chchp.c (reference §3).  The writes go to
 * /sys/devices/css<c>/chp<c>.<id>/{status,configure,<key>} and block until
 * the kernel has done them (configure waits for the SCLP command). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"
#include "user/util_opt.h"

static const struct option chchp_longopts[] = {
	{"vary", required_argument, NULL, 'v'},	     {"configure", required_argument, NULL, 'c'},
	{"attribute", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},	     {NULL, 0, NULL, 0},
};

static const char chchp_help[] =
	"Usage: chchp [OPTIONS]\n"
	"\n"
	"Modify the state of channel-path CHPID. CHPID can be a single, hexadecimal\n"
	"channel-path identifier, a comma-separated list or a range of identifiers.\n"
	"\n"
	" -v, --vary VALUE           Logically vary channel-path to VALUE (1=on, 0=off)\n"
	" -c, --configure VALUE      Configure channel-path to VALUE (1=on, 0=standby)\n"
	" -a, --attribute KEY=VALUE  Set channel-path attribute KEY to VALUE\n"
	" -h, --help                 Print this help, then exit\n"
	" -V, --version              Print version information, then exit\n";

struct chchp {
	struct proc *p;
	struct sysfs *fs;
	char action; /* 'v', 'c' or 'a' */
	char key[64];
	char value[192];
};

/* One ID: "xx" (css 0) or "c.xx", hex, scanf-style (0x and uppercase ok). */
static bool chpid_parse(const char *s, unsigned *css, unsigned *id)
{
	char *end;
	const char *dot = strchr(s, '.');
	unsigned long v;

	*css = 0;
	if (dot) {
		v = strtoul(s, &end, 16);
		if (end != dot || end == s || v > 0xff)
			return false;
		*css = (unsigned)v;
		s = dot + 1;
	}
	v = strtoul(s, &end, 16);
	if (end == s || *end || v > 0xff || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return false;
	*id = (unsigned)v;
	return true;
}

/* 1 done, 0 skipped, -1 failed (exit 1 at once). */
static int change_one(struct chchp *c, unsigned css, unsigned id)
{
	char dir[96], path[192], buf[256];
	const char *attr;
	int n;

	snprintf(dir, sizeof(dir), "/sys/devices/css%x/chp%x.%x", css, css, id);
	if (!sysfs_is_dir(c->fs, dir))
		snprintf(dir, sizeof(dir), "/sys/devices/css%x/chp%x.%02x", css, css, id);
	if (!sysfs_is_dir(c->fs, dir)) {
		proc_printf(c->p, "Skipping unknown channel-path %x.%02x\n", css, id);
		return 0;
	}
	switch (c->action) {
	case 'v':
		attr = "status";
		proc_printf(c->p, "Vary %s %x.%02x... ", c->value[0] == '1' ? "online" : "offline",
			    css, id);
		break;
	case 'c':
		attr = "configure";
		proc_printf(c->p, "Configure %s %x.%02x... ",
			    c->value[0] == '1' ? "online" : "standby", css, id);
		break;
	default:
		attr = c->key;
		proc_printf(c->p, "Attribute %s=%s %x.%02x... ", c->key, c->value, css, id);
		break;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	if (!sysfs_exists(c->fs, path) || sysfs_is_dir(c->fs, path)) {
		proc_printf(c->p, "failed - no such attribute\n");
		return -1;
	}
	/* "attribute not writable" is chchp's answer when access(W_OK)
	 * fails; every command runs as root, which passes it for any file
	 * (CAP_DAC_OVERRIDE), so a read-only attribute fails at the write. */
	if (sysfs_write(c->fs, path, c->value) < 0) {
		proc_printf(c->p, "failed - write failed\n");
		return -1;
	}
	n = sysfs_read(c->fs, path, buf, sizeof(buf));
	if (n > 0)
		buf[strcspn(buf, "\n")] = '\0';
	if (n <= 0 || !buf[0]) {
		proc_printf(c->p, "failed - could not determine new attribute value\n");
		return -1;
	}
	/* status reads back "online"/"offline", not what was written */
	if (strcmp(attr, "status") != 0 && strcmp(buf, c->value) != 0) {
		proc_printf(c->p, "failed - attribute value not as expected\n");
		return -1;
	}
	proc_printf(c->p, "done.\n");
	return 1;
}

/* Walk FROM..TO (either direction) as upstream does: a range crossing a
 * css boundary steps the combined (css << 8 | id) number. */
static int change_range(struct chchp *c, unsigned long from, unsigned long to)
{
	long step = from <= to ? 1 : -1;
	unsigned long v;

	for (v = from;; v += (unsigned long)step) {
		if (change_one(c, (unsigned)(v >> 8), (unsigned)(v & 0xff)) < 0)
			return -1;
		if (v == to)
			return 0;
	}
}

static int for_each_chpid(struct chchp *c, char *list)
{
	char *item, *save = NULL;

	for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(item, '-');
		unsigned css1, id1, css2, id2;

		if (dash) {
			*dash = '\0';
			if (!dash[1])
				return util_prg_err(c->p, "chchp",
						    "Invalid channel-path identifier range %s",
						    item);
		}
		if (!chpid_parse(item, &css1, &id1)) {
			if (dash)
				*dash = '-';
			return util_prg_err(c->p, "chchp", "Invalid channel-path identifier '%s'",
					    item);
		}
		if (!dash) {
			if (change_one(c, css1, id1) < 0)
				return 1;
			continue;
		}
		if (!chpid_parse(dash + 1, &css2, &id2))
			return util_prg_err(c->p, "chchp", "Invalid channel-path identifier '%s'",
					    dash + 1);
		if (change_range(c, (unsigned long)css1 << 8 | id1, (unsigned long)css2 << 8 | id2))
			return 1;
	}
	return 0;
}

/* Check every operand before touching any path, as upstream parses the
 * whole list first. */
static int validate_list(struct chchp *c, const char *list)
{
	char *copy = strdup(list), *item, *save = NULL;
	int ret = 0;

	if (!copy)
		return 1;
	for (item = strtok_r(copy, ",", &save); item && !ret; item = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(item, '-');
		unsigned css, id;

		if (dash && !dash[1]) {
			*dash = '\0';
			ret = util_prg_err(c->p, "chchp",
					   "Invalid channel-path identifier range %s", item);
			break;
		}
		if (dash)
			*dash = '\0';
		if (!chpid_parse(item, &css, &id) || (dash && !chpid_parse(dash + 1, &css, &id))) {
			if (dash)
				*dash = '-';
			ret = util_prg_err(c->p, "chchp", "Invalid channel-path identifier '%s'",
					   item);
		}
	}
	free(copy);
	return ret;
}

static int set_action(struct chchp *c, int opt, const char *arg)
{
	const char *eq;

	if (c->action)
		return util_prg_err(c->p, "chchp",
				    "Only one of --vary, --configure or --attribute allowed");
	c->action = (char)opt;
	if (opt == 'v' || opt == 'c') {
		if (strcmp(arg, "0") != 0 && strcmp(arg, "1") != 0)
			return util_prg_err(c->p, "chchp",
					    "Invalid value for --%s (only 0 or 1 allowed)",
					    opt == 'v' ? "vary" : "configure");
		snprintf(c->value, sizeof(c->value), "%s", arg);
		return 0;
	}
	eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= sizeof(c->key))
		return util_prg_err(c->p, "chchp", "--attribute requires an argument");
	snprintf(c->key, sizeof(c->key), "%.*s", (int)(eq - arg), arg);
	snprintf(c->value, sizeof(c->value), "%s", eq + 1);
	return 0;
}

int cmd_chchp(struct proc *p, void *ctx, int argc, char **argv)
{
	struct chchp c = {.p = p};
	struct util_opt_res res;
	size_t len = 1;
	char *list;
	int i, ret;

	if (!proc_sysfs(p))
		return util_prg_err(p, "chchp", "Could not find sysfs");
	c.fs = proc_sysfs(p);
	if (util_opt_parse(p, "chchp", argc, argv, "v:c:a:hV", chchp_longopts, &res))
		return 1;
	for (i = 0; i < res.n; i++) {
		switch (res.v[i].val) {
		case 'h':
			proc_printf(p, "%s", chchp_help);
			return 0;
		case 'V':
			util_prg_version(p, "chchp", "2016, 2019");
			return 0;
		default:
			if (set_action(&c, res.v[i].val, res.v[i].arg))
				return 1;
		}
	}
	if (!c.action)
		return util_prg_err(p, "chchp",
				    "One of --vary, --configure or --attribute required");
	if (res.optind >= argc)
		return util_prg_err(p, "chchp", "Need to specify at least one channel-path ID");
	for (i = res.optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	list = calloc(1, len);
	if (!list)
		return 1;
	for (i = res.optind; i < argc; i++) {
		if (i > res.optind)
			strcat(list, ",");
		strcat(list, argv[i]);
	}
	ret = validate_list(&c, list);
	if (!ret)
		ret = for_each_chpid(&c, list);
	free(list);
	return ret;
}
