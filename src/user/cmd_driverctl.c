/* driverctl: set or unset a device's driver override, as the driverctl
 * script does it through sysfs: write driver_override, unbind from the
 * current driver, write the device to drivers_probe.  Overrides are not
 * persisted (there is no /etc); --nosave is accepted. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"

struct driverctl {
	struct proc *p;
	struct sysfs *fs;
	const char *bus;
	bool probe, debug;
	const char *dev, *drv;
	char syspath[256];
	char busbuf[64]; /* the bus of a "bus/device" argument */
};

static void usage(struct proc *p)
{
	proc_printf(p,
		    "Usage: driverctl [OPTIONS...] {COMMAND}...\n"
		    "\n"
		    "Inspect or control default device driver bindings.\n"
		    "\n"
		    "Supported commands:\n"
		    "  set-override <device> <driver>    Make <driver> the default driver\n"
		    "                                    for <device>\n"
		    "  unset-override <device>           Remove any override for <device>\n"
		    "  load-override <device>            Load an override previously specified\n"
		    "                                    for <device>\n"
		    "  list-devices                      List all overridable devices\n"
		    "  list-overrides                    List all currently specified overrides\n"
		    "\n"
		    "Supported options:\n"
		    " -h --help             Show this help\n"
		    " -v --verbose --debug  Show verbose debug information\n"
		    " -b --bus <bus>        Work on bus <bus> (default pci)\n"
		    "    --noprobe          Do not reprobe when setting, unsetting, or\n"
		    "                       loading an override\n"
		    "    --nosave           Do not save changes when setting or unsetting\n"
		    "                       an override\n"
		    "\n");
}

static int error(struct driverctl *d, const char *msg, const char *arg)
{
	proc_eprintf(d->p, "driverctl: %s%s\n", msg, arg);
	return 1;
}

static void debug(struct driverctl *d, const char *msg, const char *arg)
{
	if (d->debug)
		proc_eprintf(d->p, "driverctl: %s%s\n", msg, arg);
}

static void link_base(struct driverctl *d, const char *path, char *buf, size_t size)
{
	char link[256];
	const char *b;

	buf[0] = '\0';
	if (sysfs_readlink(d->fs, path, link, sizeof(link)) < 0)
		return;
	b = strrchr(link, '/');
	snprintf(buf, size, "%s", b ? b + 1 : link);
}

static int unbind(struct driverctl *d)
{
	char path[320], name[256], text[160];

	snprintf(path, sizeof(path), "%s/driver", d->syspath);
	link_base(d, path, name, sizeof(name));
	if (!name[0]) {
		debug(d, "device not bound: ", d->dev);
		return 0;
	}
	debug(d, "unbinding previous driver ", name);
	snprintf(path, sizeof(path), "%s/driver/unbind", d->syspath);
	snprintf(text, sizeof(text), "%s\n", d->dev);
	if (sysfs_write(d->fs, path, text) < 0) {
		proc_eprintf(d->p, "driverctl: unbinding %s failed\n", d->dev);
		return 1;
	}
	return 0;
}

static int set_override(struct driverctl *d, const char *drv)
{
	char path[320], text[160];

	snprintf(path, sizeof(path), "%s/driver_override", d->syspath);
	if (!sysfs_exists(d->fs, path) || sysfs_is_dir(d->fs, path))
		return error(d, "device does not support driver override: ", d->dev);
	if (drv[0] && strcmp(drv, "none") != 0) {
		char mod[256];

		debug(d, "setting driver override for device: ", d->dev);
		/* modprobe stand-in: the driver must be registered on the bus */
		snprintf(mod, sizeof(mod), "/sys/bus/%s/drivers/%s", d->bus, drv);
		if (!sysfs_is_dir(d->fs, mod))
			return error(d, "no such module: ", drv);
	} else {
		debug(d, "unsetting driver override for ", d->dev);
	}
	if (unbind(d))
		return 1;
	snprintf(text, sizeof(text), "%s\n", drv);
	sysfs_write(d->fs, path, text);
	if (strcmp(drv, "none") != 0 && d->probe) {
		debug(d, "reprobing driver for ", d->dev);
		snprintf(path, sizeof(path), "/sys/bus/%s/drivers_probe", d->bus);
		snprintf(text, sizeof(text), "%s\n", d->dev);
		sysfs_write(d->fs, path, text);
		snprintf(path, sizeof(path), "%s/driver", d->syspath);
		if (!sysfs_exists(d->fs, path)) {
			proc_eprintf(d->p, "driverctl: failed to bind device %s to driver %s\n",
				     d->dev, drv);
			return 1;
		}
	}
	return 0;
}

static int list_devices(struct driverctl *d, bool overrides_only)
{
	char dir[128], **names, path[384], over[128], drv[256];
	int n, i, found = 0;

	snprintf(dir, sizeof(dir), "/sys/bus/%s/devices", d->bus);
	n = sysfs_list(d->fs, dir, &names);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/driver_override", dir, names[i]);
		if (!sysfs_exists(d->fs, path))
			continue;
		sysfs_read_line(d->p, path, over, sizeof(over));
		if (overrides_only && strcmp(over, "(null)") == 0)
			continue;
		found++;
		snprintf(path, sizeof(path), "%s/%s/driver", dir, names[i]);
		link_base(d, path, drv, sizeof(drv));
		proc_printf(d->p, "%s %s%s\n", names[i], drv[0] ? drv : "(none)",
			    !overrides_only && strcmp(over, "(null)") != 0 ? " [*]" : "");
	}
	sysfs_names_free(names, n);
	if (!found)
		return error(d, "No overridable devices found. Kernel too old?", "");
	return 0;
}

/* Resolve the device's /sys/bus/<bus>/devices link. */
static int find_device(struct driverctl *d)
{
	char link[256];
	const char *slash = strchr(d->dev, '/');

	if (slash) {
		snprintf(d->busbuf, sizeof(d->busbuf), "%.*s", (int)(slash - d->dev), d->dev);
		d->bus = d->busbuf;
		d->dev = slash + 1;
	}
	snprintf(d->syspath, sizeof(d->syspath), "/sys/bus/%s/devices/%s", d->bus, d->dev);
	if (sysfs_readlink(d->fs, d->syspath, link, sizeof(link)) < 0)
		return error(d, "no such device: ", d->dev);
	return 0;
}

int cmd_driverctl(struct proc *p, void *ctx, int argc, char **argv)
{
	struct driverctl d = {.p = p, .bus = "pci", .probe = true};
	const char *cmd = NULL;
	int i, nargs;

	if (!proc_sysfs(p))
		return 1;
	d.fs = proc_sysfs(p);
	for (i = 1; i < argc && !cmd; i++) {
		const char *a = argv[i];

		nargs = argc - i;
		if (!strcmp(a, "--noprobe")) {
			d.probe = false;
		} else if (!strcmp(a, "--nosave")) {
			continue;
		} else if (!strcmp(a, "--debug") || !strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			d.debug = true;
		} else if (!strcmp(a, "-b") || !strcmp(a, "--bus")) {
			d.bus = i + 1 < argc ? argv[++i] : "";
		} else if (a[0] == '-') {
			usage(p);
			return 0;
		} else if (!strcmp(a, "set-override")) {
			if (nargs != 3)
				goto bad;
			cmd = a;
			d.dev = argv[i + 1];
			d.drv = argv[i + 2];
		} else if (!strcmp(a, "unset-override") || !strcmp(a, "load-override")) {
			if (nargs != 2)
				goto bad;
			cmd = a;
			d.dev = argv[i + 1];
		} else if (!strcmp(a, "list-devices") || !strcmp(a, "list-overrides")) {
			if (nargs > 2)
				goto bad;
			if (nargs == 2 && strcmp(argv[i + 1], "all") != 0)
				return error(&d, "device type must be one of: all", "");
			cmd = a;
		} else {
			goto bad;
		}
	}
	if (!cmd)
		goto bad;
	if (d.dev && find_device(&d))
		return 1;
	if (!strcmp(cmd, "set-override"))
		return set_override(&d, d.drv);
	if (!strcmp(cmd, "unset-override"))
		return set_override(&d, "");
	if (!strcmp(cmd, "load-override"))
		return 1; /* nothing was saved */
	return list_devices(&d, !strcmp(cmd, "list-overrides"));
bad:
	usage(p);
	return 1;
}
