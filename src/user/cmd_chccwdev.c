/* chccwdev: set ccw devices online/offline and set their attributes, as the
 * s390-tools zconf/chccwdev bash script does (reference §4), including its
 * quirks: the attribute value is the text between the first and second
 * '=', a failed online write prints "Failed (<errno text>)" and then still
 * polls `online` five times half a second apart before "Failed". */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"

#define CCW_DEVICES "/sys/bus/ccw/devices"
#define MAX_ATTRS   32
#define MAX_RETRIES 5

static const char chccwdev_usage[] =
	"Usage: chccwdev [<options>] <devices>\n"
	"\n"
	"<options>\n"
	" \t-a|--attribute <name>=<value>\n"
	" \t-e|--online\n"
	" \t\tTries to set the given device online.\n"
	" \t-f|--forceonline\n"
	" \t\tTries to force a device online if the device\n"
	" \t\tdriver supports this.\n"
	"  \t-d|--offline\n"
	"  \t\tTries to set the given device offline.\n"
	"  \t-s|--safeoffline\n"
	"  \t\tTries to set the given device offline waiting for all outstanding I/O. May "
	"block forever.\n"
	" \t-v|--version\n"
	" \t\tShow tools and command version.\n"
	"\n"
	"<devices>\n"
	" \t<bus ID>[-<busid>][,<busid>[-<busid>]] ...\n";

struct chccwdev {
	struct proc *p;
	struct sysfs *fs;
	int online; /* -1 no online action, 0 offline, 1 online */
	bool force, actionset;
	const char *onlineattr;
	int nattr;
	char name[MAX_ATTRS][64];
	char val[MAX_ATTRS][128];
	char pending[MAX_ATTRS][128]; /* per device: values still to store */
	char *busids;		      /* expanded, '\n'-separated */
	size_t blen, bcap;
};

static int incompatible(struct chccwdev *c)
{
	proc_eprintf(c->p, "chccwdev: Incompatible argument list.\n"
			   "Try 'chccwdev --help' for more information.\n");
	return -1;
}

static int set_attribute(struct chccwdev *c, const char *name, const char *val)
{
	int i;

	if (!val[0]) {
		proc_eprintf(c->p, "WARNING: Attribute[%s] has no value and will be ignored!\n",
			     name);
		return 0;
	}
	if (strcmp(name, "online") == 0) {
		int want = strcmp(val, "force") == 0 || strcmp(val, "1") == 0;

		if (c->online == !want)
			return incompatible(c);
		c->online = want;
		if (strcmp(val, "force") == 0)
			c->force = true;
		c->actionset = true;
		return 0;
	}
	if (strcmp(name, "safe_offline") == 0) {
		if (c->online == 1)
			return incompatible(c);
		c->online = 0;
		c->actionset = true;
		c->onlineattr = "safe_offline";
		return 0;
	}
	for (i = 0; i < c->nattr; i++)
		if (strcmp(c->name[i], name) == 0)
			break;
	if (i == MAX_ATTRS)
		return 0;
	snprintf(c->name[i], sizeof(c->name[i]), "%s", name);
	snprintf(c->val[i], sizeof(c->val[i]), "%s", val);
	if (i == c->nattr) {
		c->nattr++;
		c->actionset = true;
	}
	return 0;
}

/* `echo X | cut -d= -f1` and `-f2`: without '=' both are the whole text. */
static int attribute_arg(struct chccwdev *c, const char *arg)
{
	char name[64], val[128];
	const char *eq = strchr(arg, '=');

	if (!eq) {
		snprintf(name, sizeof(name), "%s", arg);
		snprintf(val, sizeof(val), "%s", arg);
	} else {
		const char *eq2 = strchr(eq + 1, '=');

		snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
		snprintf(val, sizeof(val), "%.*s",
			 (int)(eq2 ? (size_t)(eq2 - eq - 1) : strlen(eq + 1)), eq + 1);
	}
	return set_attribute(c, name, val);
}

static void busid_add(struct chccwdev *c, const char *id)
{
	size_t n = strlen(id);

	if (c->blen + n + 2 > c->bcap) {
		size_t cap = c->bcap ? c->bcap * 2 + n : 256 + n;
		char *b = realloc(c->busids, cap);

		if (!b)
			return;
		c->busids = b;
		c->bcap = cap;
	}
	memcpy(c->busids + c->blen, id, n);
	c->blen += n;
	c->busids[c->blen++] = '\n';
	c->busids[c->blen] = '\0';
}

/* awk's int(): the leading decimal number, 0 if none. */
static long awk_int(const char *s)
{
	return strtol(s, NULL, 10);
}

static bool hexword(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
			return false;
	return true;
}

/* Expand one ID; "" (and a message) if invalid. */
static bool expand_busid(struct chccwdev *c, const char *id, char *out, size_t size)
{
	char part[3][48] = {"", "", ""}, did[56];
	const char *css, *dsn;
	int n = 0;
	const char *s = id;

	if (!*id) {
		proc_eprintf(c->p, "\"\" is not a valid bus ID.\n");
		return false;
	}
	while (n < 3) {
		size_t len = strcspn(s, ".");

		snprintf(part[n++], sizeof(part[0]), "%.*s", (int)len, s);
		if (!s[len])
			break;
		s += len + 1;
	}
	css = n == 3 ? part[0] : "0";
	dsn = n == 3 ? part[1] : n == 2 ? part[0] : "0";
	snprintf(did, sizeof(did), "%.47s", part[n - 1]);
	while (strlen(did) < 4) {
		memmove(did + 1, did, strlen(did) + 1);
		did[0] = '0';
	}
	snprintf(out, size, "%s.%s.%s", css, dsn, did);
	if (awk_int(css) < 0 || awk_int(css) > 255 || awk_int(dsn) < 0 || awk_int(dsn) > 255 ||
	    strlen(did) > 4 || !hexword(did)) {
		proc_eprintf(c->p, "%s is not a valid bus ID.\n", out);
		return false;
	}
	return true;
}

static int expand_range(struct chccwdev *c, char *range)
{
	char from[160], to[160], *dash = strchr(range, '-'), *second, path[320];
	unsigned long f, t, i;
	bool found = false;
	size_t pre1, pre2;

	*dash = '\0';
	second = dash + 1;
	second[strcspn(second, "-")] = '\0';
	if (!expand_busid(c, range, from, sizeof(from)) || !expand_busid(c, second, to, sizeof(to)))
		return -1;
	pre1 = (size_t)(strrchr(from, '.') - from);
	pre2 = (size_t)(strrchr(to, '.') - to);
	if (pre1 != pre2 || strncmp(from, to, pre1) != 0) {
		proc_eprintf(c->p, "Invalid range (%s-%s)\n", from, to);
		return -1;
	}
	f = strtoul(from + pre1 + 1, NULL, 16);
	t = strtoul(to + pre2 + 1, NULL, 16);
	if (f > t) {
		proc_eprintf(c->p, "Invalid range order\n");
		return -1;
	}
	for (i = f; i <= t; i++) {
		char id[200], buf[64];

		snprintf(id, sizeof(id), "%.*s.%04lx", (int)pre1, from, i);
		snprintf(path, sizeof(path), CCW_DEVICES "/%s/devtype", id);
		if (sysfs_read(c->fs, path, buf, sizeof(buf)) > 0) {
			found = true;
			busid_add(c, id);
		}
	}
	if (!found) {
		proc_eprintf(c->p, "No Device in range (%s-%s) found\n", from, to);
		return -1;
	}
	return 0;
}

static int expand_list(struct chccwdev *c, const char *list)
{
	char *line = strdup(list), *w = line, *item;
	const char *r;
	int ret = 0;

	if (!line)
		return -1;
	for (r = list; *r; r++) /* lower-case, blanks removed */
		if (*r != ' ' && *r != '\t')
			*w++ = (char)tolower((unsigned char)*r);
	*w = '\0';
	item = line;
	while (line[0] && item && !ret) {
		char *comma = strchr(item, ',');
		char id[160];

		if (comma)
			*comma = '\0';
		if (strchr(item, '-'))
			ret = expand_range(c, item);
		else if (expand_busid(c, item, id, sizeof(id)))
			busid_add(c, id);
		else
			ret = -1;
		item = comma ? comma + 1 : NULL;
	}
	free(line);
	return ret;
}

/* IsOnline: an unreadable or empty `online` counts as 0. */
static bool is_online(struct chccwdev *c, const char *dir, int want)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), "%s/online", dir);
	sysfs_read_line(c->p, path, buf, sizeof(buf));
	if (!buf[0])
		return want == 0;
	return atoi(buf) == want;
}

/* 1: no such attribute; 0: done (or left pending when !check). */
static int store_attribute(struct chccwdev *c, const char *dir, const char *busid, int i,
			   bool check)
{
	char path[320], buf[256], text[160];

	snprintf(path, sizeof(path), "%s/%s", dir, c->name[i]);
	if (!sysfs_exists(c->fs, path) || sysfs_is_dir(c->fs, path))
		return 1;
	if (!c->pending[i][0])
		return 0;
	sysfs_read(c->fs, path, buf, sizeof(buf)) < 0 ? (void)(buf[0] = '\0') : (void)0;
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, c->pending[i]) == 0) {
		proc_printf(c->p, "The %s attribute of %s already is %s\n", c->name[i], busid,
			    c->pending[i]);
		c->pending[i][0] = '\0';
		return 0;
	}
	proc_printf(c->p, "Setting %s attribute of %s to %s\n", c->name[i], busid, c->pending[i]);
	snprintf(text, sizeof(text), "%s\n", c->pending[i]);
	if (sysfs_write(c->fs, path, text) == 0) {
		c->pending[i][0] = '\0';
		return 0;
	}
	if (check) {
		proc_eprintf(c->p, "ERROR: Failed to set %s attribute of %s!\n", c->name[i], busid);
		return -1;
	}
	return 0;
}

static void print_write_error(struct chccwdev *c, const char *dir, int err)
{
	char path[320], devtype[64], cutype[64];

	proc_eprintf(c->p, "Failed (%s)\n", strerror(-err));
	snprintf(path, sizeof(path), "%s/driver", dir);
	if (sysfs_exists(c->fs, path))
		return;
	snprintf(path, sizeof(path), "%s/cutype", dir);
	sysfs_read_line(c->p, path, cutype, sizeof(cutype));
	snprintf(path, sizeof(path), "%s/devtype", dir);
	if (sysfs_read(c->fs, path, devtype, sizeof(devtype)) < 0)
		return;
	devtype[strcspn(devtype, "\n")] = '\0';
	proc_eprintf(c->p, "Note: No driver is attached to this device (DevType:%s CU Type:%s).\n",
		     strcmp(devtype, "n/a") == 0 ? "0000/00" : devtype, cutype);
}

static int set_online(struct chccwdev *c, const char *dir, const char *busid)
{
	char path[320];
	int retries = 0, err;

	if (is_online(c, dir, c->online)) {
		if (c->online)
			proc_eprintf(c->p, "WARNING: Device[%s] is already  online\n", busid);
		else
			proc_eprintf(c->p, "Device is already offline\n");
		return 0;
	}
	proc_printf(c->p, "Setting device %s %s\n", busid, c->online ? "online" : "offline");
	snprintf(path, sizeof(path), "%s/%s", dir, c->onlineattr);
	if (!sysfs_exists(c->fs, path)) {
		proc_eprintf(c->p, "%s attribute not available for  device[%s]\n", c->onlineattr,
			     busid);
		return -1;
	}
	err = sysfs_write(c->fs, path, c->force ? "force\n" : c->online ? "1\n" : "0\n");
	if (err < 0)
		print_write_error(c, dir, err);
	/* the script's workaround for drivers that go online asynchronously */
	while (!is_online(c, dir, c->online)) {
		if (retries == MAX_RETRIES) {
			proc_eprintf(c->p, "Failed\n");
			return -1;
		}
		/* the script's `sleep 0.5` */
		if (sim_sleep_intr(proc_sim(c->p), SIM_S / 2) < 0)
			return -1;
		retries++;
	}
	return 0;
}

static int one_device(struct chccwdev *c, const char *busid)
{
	char dir[256];
	int i, r;

	snprintf(dir, sizeof(dir), CCW_DEVICES "/%s", busid);
	if (!sysfs_exists(c->fs, dir)) {
		proc_printf(c->p, "Device %s not found\n", busid);
		return -1;
	}
	for (i = 0; i < c->nattr; i++)
		memcpy(c->pending[i], c->val[i], sizeof(c->pending[i]));
	if (c->online >= 0) {
		for (i = 0; i < c->nattr; i++) {
			r = store_attribute(c, dir, busid, i, false);
			if (r > 0 && is_online(c, dir, 1)) {
				proc_eprintf(c->p, "ERROR: Device[%s] has no attribute %s!\n",
					     busid, c->name[i]);
				return -1;
			}
		}
		if (set_online(c, dir, busid))
			return -1;
	}
	for (i = 0; i < c->nattr; i++) {
		r = store_attribute(c, dir, busid, i, true);
		if (r < 0)
			return -1;
		if (r > 0) {
			proc_eprintf(c->p, "ERROR: Device[%s] has no attribute %s!\n", busid,
				     c->name[i]);
			return -1;
		}
	}
	proc_printf(c->p, "Done\n");
	return 0;
}

static int parse_args(struct chccwdev *c, int argc, char **argv, char **list, size_t *llen)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = 0;

		if (strcmp(a, "-a") == 0 || strcmp(a, "--attribute") == 0) {
			r = attribute_arg(c, i + 1 < argc ? argv[++i] : "");
		} else if (strncmp(a, "-a", 2) == 0) {
			r = attribute_arg(c, a + 2);
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			proc_printf(c->p, "%s", chccwdev_usage);
			return 1;
		} else if (strcmp(a, "-e") == 0 || strcmp(a, "--online") == 0) {
			r = set_attribute(c, "online", "1");
		} else if (strcmp(a, "-f") == 0 || strcmp(a, "--forceonline") == 0) {
			r = set_attribute(c, "online", "force");
		} else if (strcmp(a, "-d") == 0 || strcmp(a, "--offline") == 0) {
			r = set_attribute(c, "online", "0");
		} else if (strcmp(a, "-s") == 0 || strcmp(a, "--safeoffline") == 0) {
			r = set_attribute(c, "safe_offline", "0");
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
			proc_printf(c->p, "chccwdev: version %s\nCopyright IBM Corp. 2003, 2017\n",
				    S390_TOOLS_RELEASE);
			return 1;
		} else if (a[0] == '-') {
			proc_eprintf(c->p,
				     "chccwdev: Invalid option %s\n"
				     "Try 'chccwdev --help' for more information.\n",
				     a);
			return -1;
		} else {
			char *l = realloc(*list, *llen + strlen(a) + 2);

			if (!l)
				return -1;
			*list = l;
			if (*llen)
				l[(*llen)++] = ',';
			memcpy(l + *llen, a, strlen(a) + 1);
			*llen += strlen(a);
		}
		if (r)
			return -1;
	}
	return 0;
}

int cmd_chccwdev(struct proc *p, void *ctx, int argc, char **argv)
{
	struct chccwdev *c = calloc(1, sizeof(*c));
	char *list = NULL, *id, *save = NULL;
	size_t llen = 0;
	int ret = 1, r;

	if (!c)
		return 1;
	c->p = p;
	c->online = -1;
	c->onlineattr = "online";
	if (!proc_sysfs(p)) {
		proc_eprintf(p, "ERROR: chccwdev requires sysfs support!\n");
		goto out;
	}
	c->fs = proc_sysfs(p);
	r = parse_args(c, argc, argv, &list, &llen);
	if (r) {
		ret = r > 0 ? 0 : 1;
		goto out;
	}
	if (list && expand_list(c, list)) {
		proc_eprintf(p, "ERROR: Evaluation of bus IDs failed!\n");
		proc_printf(p, "\n");
		goto out;
	}
	if (!c->busids) {
		proc_printf(p, "%s\n", chccwdev_usage);
		proc_eprintf(p, "No bus ID given!\n");
		goto out;
	}
	if (!c->actionset) {
		proc_printf(p, "%s\n", chccwdev_usage);
		proc_eprintf(p, "No action specified. Please use a valid action switch.\n");
		goto out;
	}
	for (id = strtok_r(c->busids, "\n", &save); id; id = strtok_r(NULL, "\n", &save))
		if (one_device(c, id))
			goto out;
	ret = 0;
out:
	free(list);
	free(c->busids);
	free(c);
	return ret;
}
