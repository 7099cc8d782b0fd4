/* mdevctl start/stop/list/types: mediated devices through sysfs, with the
 * messages of mdevctl (Rust): errors are "Error: <message>" on stderr with
 * exit 1.  Devices are not persisted (no define/undefine: there is no /etc),
 * so `start` needs -p and -t, or it reports the missing definition. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"

#define MDEV_BASE "/sys/bus/mdev/devices"

struct mdevctl {
	struct proc *p;
	struct sysfs *fs;
	const char *uuid, *parent, *type;
	bool dumpjson, defined, verbose;
};

static int fail(struct mdevctl *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct mdevctl *m, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	proc_eprintf(m->p, "Error: %s\n", msg);
	return 1;
}

static bool uuid_valid(const char *s)
{
	static const int len[] = {8, 4, 4, 4, 12};
	int i, j;

	for (i = 0; i < 5; i++) {
		for (j = 0; j < len[i]; j++, s++)
			if (!isxdigit((unsigned char)*s))
				return false;
		if (*s != (i < 4 ? '-' : '\0'))
			return false;
		s++;
	}
	return true;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* The parent's mdev_supported_types: /sys/class/mdev_bus/<parent>, else
 * the parent's own bus entry (css subchannels). */
static bool types_dir(struct mdevctl *m, const char *parent, char *buf, size_t size)
{
	snprintf(buf, size, "/sys/class/mdev_bus/%s/mdev_supported_types", parent);
	if (sysfs_is_dir(m->fs, buf))
		return true;
	snprintf(buf, size, "/sys/bus/css/devices/%s/mdev_supported_types", parent);
	return sysfs_is_dir(m->fs, buf);
}

/* Parent and type of an active mdev from its links; false if not active. */
static bool mdev_info(struct mdevctl *m, const char *uuid, char *parent, char *type, size_t size)
{
	char path[256], link[256], *slash;

	snprintf(path, sizeof(path), MDEV_BASE "/%s", uuid);
	if (sysfs_readlink(m->fs, path, link, sizeof(link)) < 0)
		return false;
	slash = strrchr(link, '/');
	if (!slash)
		return false;
	*slash = '\0';
	slash = strrchr(link, '/');
	snprintf(parent, size, "%s", slash ? slash + 1 : link);
	snprintf(path, sizeof(path), MDEV_BASE "/%s/mdev_type", uuid);
	type[0] = '\0';
	if (sysfs_readlink(m->fs, path, link, sizeof(link)) >= 0) {
		slash = strrchr(link, '/');
		snprintf(type, size, "%s", slash ? slash + 1 : link);
	}
	return true;
}

static int start(struct mdevctl *m)
{
	char uuid[40], dir[256], path[320], buf[32], parent[256], type[256];

	if (m->type && !m->parent)
		return fail(m, "can't provide type without parent");
	if (!m->type || !m->parent)
		return fail(m, "Device is insufficiently specified");
	if (m->uuid) {
		snprintf(uuid, sizeof(uuid), "%s", m->uuid);
	} else {
		uint64_t a = sim_rand(proc_sim(m->p)), b = sim_rand(proc_sim(m->p));

		/* a version-4 UUID from the run's PRNG */
		snprintf(uuid, sizeof(uuid), "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
			 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
			 (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
			 (unsigned long long)(b & 0xffffffffffffull));
	}
	lower(uuid);
	if (mdev_info(m, uuid, parent, type, sizeof(parent))) {
		if (strcmp(parent, m->parent) != 0)
			return fail(m, "Device exists under different parent");
		if (strcmp(type, m->type) != 0)
			return fail(m, "Device exists with different type");
		return fail(m, "Device already exists");
	}
	/* a parent is in the mdev_bus class only while its driver registered
	 * it (vfio_ccw bound) */
	if (!types_dir(m, m->parent, dir, sizeof(dir)))
		return fail(m, "Unable to find parent device '%s'", m->parent);
	snprintf(path, sizeof(path), "%s/%s", dir, m->type);
	if (!sysfs_is_dir(m->fs, path))
		return fail(m, "Parent %s does not support mdev type %s", m->parent, m->type);
	snprintf(path, sizeof(path), "%s/%s/available_instances", dir, m->type);
	sysfs_read_line(m->p, path, buf, sizeof(buf));
	if (atoi(buf) == 0)
		return fail(m, "No available instances of %s on %s", m->type, m->parent);
	snprintf(path, sizeof(path), "%s/%s/create", dir, m->type);
	if (sysfs_write(m->fs, path, uuid) < 0)
		return fail(m, "Failed to create mdev %s, type %s on %s", uuid, m->type, m->parent);
	if (!m->uuid)
		proc_printf(m->p, "%s\n", uuid);
	return 0;
}

static int stop(struct mdevctl *m)
{
	char path[256], parent[256], type[256], uuid[40];

	if (!m->uuid)
		return fail(m, "The following required arguments were not provided: --uuid <uuid>");
	snprintf(uuid, sizeof(uuid), "%s", m->uuid);
	lower(uuid);
	if (!mdev_info(m, uuid, parent, type, sizeof(parent)))
		return fail(m, "Mediated device %s is not active", uuid);
	snprintf(path, sizeof(path), MDEV_BASE "/%s/remove", uuid);
	if (sysfs_write(m->fs, path, "1") < 0)
		return fail(m, "Error removing device %s", uuid);
	return 0;
}

struct mdev_entry {
	char uuid[40], parent[256], type[256];
};

static int entry_cmp(const void *a, const void *b)
{
	const struct mdev_entry *x = a, *y = b;
	int c = strcmp(x->parent, y->parent);

	return c ? c : strcmp(x->uuid, y->uuid);
}

/* --dumpjson: serde_json's pretty printing of mdevctl's device map. */
static void list_json(struct mdevctl *m, const struct mdev_entry *e, int k)
{
	int i;

	if (m->uuid && k == 1) {
		proc_printf(m->p,
			    "{\n  \"mdev_type\": \"%s\",\n  \"start\": \"manual\",\n"
			    "  \"attrs\": []\n}\n",
			    e[0].type);
		return;
	}
	if (!k) {
		proc_printf(m->p, "[]\n");
		return;
	}
	proc_printf(m->p, "[\n  {\n");
	for (i = 0; i < k; i++) {
		bool first = i == 0 || strcmp(e[i].parent, e[i - 1].parent) != 0;
		bool last = i + 1 == k || strcmp(e[i].parent, e[i + 1].parent) != 0;

		if (first)
			proc_printf(m->p, "    \"%s\": [\n", e[i].parent);
		proc_printf(m->p,
			    "      {\n        \"%s\": {\n          \"mdev_type\": \"%s\",\n"
			    "          \"start\": \"manual\",\n          \"attrs\": []\n        }\n"
			    "      }%s\n",
			    e[i].uuid, e[i].type, last ? "" : ",");
		if (last)
			proc_printf(m->p, "    ]%s\n", i + 1 == k ? "" : ",");
	}
	proc_printf(m->p, "  }\n]\n");
}

static int list(struct mdevctl *m)
{
	struct mdev_entry *e;
	char **names;
	int n, i, k = 0;

	if (m->defined) {
		/* nothing is ever defined */
		proc_printf(m->p, m->dumpjson ? "[]\n" : "\n");
		return 0;
	}
	n = sysfs_list(m->fs, MDEV_BASE, &names);
	e = calloc(n > 0 ? (size_t)n : 1, sizeof(*e));
	for (i = 0; e && i < n; i++) {
		if (!uuid_valid(names[i]) || (m->uuid && strcasecmp(names[i], m->uuid) != 0))
			continue;
		if (!mdev_info(m, names[i], e[k].parent, e[k].type, sizeof(e[k].parent)))
			continue;
		if (m->parent && strcmp(m->parent, e[k].parent) != 0)
			continue;
		snprintf(e[k].uuid, sizeof(e[k].uuid), "%s", names[i]);
		k++;
	}
	sysfs_names_free(names, n);
	if (!e)
		return 1;
	qsort(e, (size_t)k, sizeof(*e), entry_cmp);
	if (m->dumpjson) {
		list_json(m, e, k);
	} else {
		for (i = 0; i < k; i++)
			proc_printf(m->p, "%s %s %s manual\n", e[i].uuid, e[i].parent, e[i].type);
		/* mdevctl prints the collected text with println!, so one more
		 * newline follows */
		proc_printf(m->p, "\n");
	}
	free(e);
	return 0;
}

static int types(struct mdevctl *m)
{
	char **parents, dir[256], path[400], buf[128];
	int np, i;

	np = sysfs_list(m->fs, "/sys/bus/css/devices", &parents);
	for (i = 0; i < np; i++) {
		char **t;
		int nt, j;

		if ((m->parent && strcmp(m->parent, parents[i]) != 0) ||
		    !types_dir(m, parents[i], dir, sizeof(dir)))
			continue;
		proc_printf(m->p, "%s\n", parents[i]);
		nt = sysfs_list(m->fs, dir, &t);
		for (j = 0; j < nt; j++) {
			proc_printf(m->p, "  %s\n", t[j]);
			snprintf(path, sizeof(path), "%s/%s/available_instances", dir, t[j]);
			sysfs_read_line(m->p, path, buf, sizeof(buf));
			proc_printf(m->p, "    Available instances: %s\n", buf);
			snprintf(path, sizeof(path), "%s/%s/device_api", dir, t[j]);
			sysfs_read_line(m->p, path, buf, sizeof(buf));
			proc_printf(m->p, "    Device API: %s\n", buf);
			snprintf(path, sizeof(path), "%s/%s/name", dir, t[j]);
			sysfs_read_line(m->p, path, buf, sizeof(buf));
			if (buf[0])
				proc_printf(m->p, "    Name: %s\n", buf);
		}
		sysfs_names_free(t, nt);
	}
	sysfs_names_free(parents, np);
	proc_printf(m->p, "\n");
	return 0;
}

static const char mdevctl_help[] = "mdevctl \n"
				   "A mediated device management utility for Linux\n"
				   "\n"
				   "USAGE:\n"
				   "    mdevctl <SUBCOMMAND>\n"
				   "\n"
				   "SUBCOMMANDS:\n"
				   "    list      List defined or active mediated devices\n"
				   "    start     Start a mediated device\n"
				   "    stop      Stop a mediated device\n"
				   "    types     List available mediated device types\n";

/* -u UUID, --uuid UUID, --uuid=UUID; likewise -p/--parent, -t/--type. */
static int parse_opts(struct mdevctl *m, int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq = strchr(a, '=');
		const char **slot = NULL;
		char key = 0;

		if (!strcmp(a, "-u") || !strncmp(a, "--uuid", 6))
			key = 'u', slot = &m->uuid;
		else if (!strcmp(a, "-p") || !strncmp(a, "--parent", 8))
			key = 'p', slot = &m->parent;
		else if (!strcmp(a, "-t") || !strncmp(a, "--type", 6))
			key = 't', slot = &m->type;
		else if (!strcmp(a, "--dumpjson"))
			m->dumpjson = true;
		else if (!strcmp(a, "-d") || !strcmp(a, "--defined"))
			m->defined = true;
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			m->verbose = true;
		else {
			proc_eprintf(m->p,
				     "error: Found argument '%s' which wasn't expected, or "
				     "isn't valid in this context\n",
				     a);
			return -1;
		}
		if (!slot)
			continue;
		if (a[1] == '-' && eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (!val) {
			proc_eprintf(m->p,
				     "error: The argument '--%s <%s>' requires a value but "
				     "none was supplied\n",
				     key == 'u'	  ? "uuid"
				     : key == 'p' ? "parent"
						  : "type",
				     key == 'u'	  ? "uuid"
				     : key == 'p' ? "parent"
						  : "type");
			return -1;
		}
		if (key == 'u' && !uuid_valid(val)) {
			proc_eprintf(m->p,
				     "error: Invalid value for '--uuid <uuid>': invalid UUID "
				     "'%s'\n",
				     val);
			return -1;
		}
		*slot = val;
	}
	return 0;
}

int cmd_mdevctl(struct proc *p, void *ctx, int argc, char **argv)
{
	struct mdevctl m = {.p = p};
	const char *sub = argc > 1 ? argv[1] : "";

	if (!proc_sysfs(p))
		return 1;
	m.fs = proc_sysfs(p);
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		proc_printf(p, "%s", mdevctl_help);
		return 0;
	}
	if (strcmp(sub, "start") && strcmp(sub, "stop") && strcmp(sub, "list") &&
	    strcmp(sub, "types")) {
		if (sub[0])
			proc_eprintf(p,
				     "error: Found argument '%s' which wasn't expected, or isn't "
				     "valid in this context\n",
				     sub);
		else
			proc_eprintf(p, "%s", mdevctl_help);
		return sub[0] ? 1 : 2;
	}
	if (parse_opts(&m, argc, argv))
		return 1;
	if (!strcmp(sub, "start"))
		return start(&m);
	if (!strcmp(sub, "stop"))
		return stop(&m);
	if (!strcmp(sub, "types"))
		return types(&m);
	return list(&m);
}
