/* driverctl and mdevctl on a fake css bus whose stores act like the
 * kernel's: driver_override + unbind + drivers_probe, mdev create/remove. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "user_fixture.h"

#define SCH  "/sys/devices/css0/0.0.013f"
#define TYPE SCH "/mdev_supported_types/vfio_ccw-io"

struct fakecss {
	struct sysfs *fs;
	char override[32];
	char mdev[64];
};

static struct fakecss fc;

static int text_show(void *obj, long arg, char *buf, size_t size)
{
	return snprintf(buf, size, "%s\n", (const char *)obj);
}

static const struct sysfs_attr_ops text_ops = {text_show, NULL};

static int over_show(void *obj, long arg, char *buf, size_t size)
{
	return snprintf(buf, size, "%s\n", fc.override[0] ? fc.override : "(null)");
}

static int over_store(void *obj, long arg, const char *buf, size_t len)
{
	snprintf(fc.override, sizeof(fc.override), "%.*s", (int)strcspn(buf, "\n"), buf);
	return 0;
}

static int avail_show(void *obj, long arg, char *buf, size_t size)
{
	return snprintf(buf, size, "%d\n", fc.mdev[0] ? 0 : 1);
}

static int remove_store(void *obj, long arg, const char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), SCH "/%s", fc.mdev);
	sysfs_remove(fc.fs, path);
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", fc.mdev);
	sysfs_remove(fc.fs, path);
	fc.mdev[0] = '\0';
	return 0;
}

static const struct sysfs_attr_ops remove_ops = {NULL, remove_store};

static int create_store(void *obj, long arg, const char *buf, size_t len)
{
	char path[256], target[256];

	if (fc.mdev[0])
		return -ENOSPC;
	snprintf(fc.mdev, sizeof(fc.mdev), "%.*s", (int)strcspn(buf, "\n"), buf);
	snprintf(path, sizeof(path), SCH "/%s/remove", fc.mdev);
	sysfs_attr(fc.fs, path, &remove_ops, NULL, 0);
	snprintf(path, sizeof(path), SCH "/%s/mdev_type", fc.mdev);
	sysfs_symlink(fc.fs, path, "../mdev_supported_types/vfio_ccw-io");
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", fc.mdev);
	snprintf(target, sizeof(target), "../../../devices/css0/0.0.013f/%s", fc.mdev);
	sysfs_symlink(fc.fs, path, target);
	return 0;
}

static const struct sysfs_attr_ops create_ops = {NULL, create_store};
static const struct sysfs_attr_ops avail_ops = {avail_show, NULL};

static void bind(const char *drv)
{
	char target[128];

	snprintf(target, sizeof(target), "../../../bus/css/drivers/%s", drv);
	sysfs_symlink(fc.fs, SCH "/driver", target);
	if (strcmp(drv, "vfio_ccw") == 0) {
		sysfs_attr(fc.fs, TYPE "/create", &create_ops, NULL, 0);
		sysfs_attr(fc.fs, TYPE "/available_instances", &avail_ops, NULL, 0);
		sysfs_attr(fc.fs, TYPE "/name", &text_ops, "I/O subchannel (Non-QDIO)", 0);
		sysfs_attr(fc.fs, TYPE "/device_api", &text_ops, "vfio-ccw", 0);
	} else {
		sysfs_mkdir(fc.fs, SCH "/0.0.3f3f");
	}
}

static int unbind_store(void *obj, long arg, const char *buf, size_t len)
{
	if (!sysfs_exists(fc.fs, SCH "/driver"))
		return -ENODEV;
	sysfs_remove(fc.fs, SCH "/driver");
	sysfs_remove(fc.fs, SCH "/mdev_supported_types");
	sysfs_remove(fc.fs, SCH "/0.0.3f3f");
	return 0;
}

static int probe_store(void *obj, long arg, const char *buf, size_t len)
{
	if (sysfs_exists(fc.fs, SCH "/driver"))
		return 0;
	bind(fc.override[0] ? fc.override : "io_subchannel");
	return 0;
}

static const struct sysfs_attr_ops over_ops = {over_show, over_store};
static const struct sysfs_attr_ops unbind_ops = {NULL, unbind_store};
static const struct sysfs_attr_ops probe_ops = {NULL, probe_store};

static void fake_css(struct ufix *f)
{
	memset(&fc, 0, sizeof(fc));
	fc.fs = f->os.sysfs;
	ufix_const(f, SCH "/type", "0\n");
	ufix_const(f, SCH "/pimpampom", "f0 f0 ff\n");
	ufix_const(f, SCH "/chpids", "42 43 44 45 00 00 00 00 \n");
	ufix_const(f, SCH "/dev_busid", "0.0.3f3f\n");
	CHECK_EQ(sysfs_attr(fc.fs, SCH "/driver_override", &over_ops, NULL, 0), 0);
	CHECK_EQ(sysfs_symlink(fc.fs, "/sys/bus/css/devices/0.0.013f",
			       "../../../devices/css0/0.0.013f"),
		 0);
	CHECK_EQ(sysfs_attr(fc.fs, "/sys/bus/css/drivers/io_subchannel/unbind", &unbind_ops, NULL,
			    0),
		 0);
	CHECK_EQ(sysfs_attr(fc.fs, "/sys/bus/css/drivers/vfio_ccw/unbind", &unbind_ops, NULL, 0),
		 0);
	CHECK_EQ(sysfs_attr(fc.fs, "/sys/bus/css/drivers_probe", &probe_ops, NULL, 0), 0);
	CHECK_EQ(sysfs_mkdir(fc.fs, "/sys/bus/mdev/devices"), 0);
	bind("io_subchannel");
}

#define UUID "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

TEST(seed_step0_driverctl_mdevctl_lscss_vfio)
{
	struct ufix f;

	ufix_init(&f);
	fake_css(&f);
	CHECK_STR(ufix_run(&f, "driverctl -b css set-override 0.0.013f vfio_ccw"), "");
	CHECK_EQ(f.status, 0);
	CHECK_STR(fc.override, "vfio_ccw");
	CHECK_STR(ufix_run(&f, "driverctl -b css list-overrides"), "0.0.013f vfio_ccw\n");
	CHECK_STR(ufix_run(&f, "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io"), "");
	CHECK_EQ(f.status, 0);
	CHECK_STR(ufix_run(&f, "mdevctl list"), UUID " 0.0.013f vfio_ccw-io manual\n\n");
	CHECK_STR(ufix_run(&f, "mdevctl list --dumpjson"),
		  "[\n  {\n    \"0.0.013f\": [\n      {\n        \"" UUID "\": {\n"
		  "          \"mdev_type\": \"vfio_ccw-io\",\n          \"start\": \"manual\",\n"
		  "          \"attrs\": []\n        }\n      }\n    ]\n  }\n]\n");
	CHECK_STR(ufix_run(&f, "mdevctl list -u " UUID " --dumpjson"),
		  "{\n  \"mdev_type\": \"vfio_ccw-io\",\n  \"start\": \"manual\",\n"
		  "  \"attrs\": []\n}\n");
	CHECK_STR(
		ufix_run(&f, "lscss --vfio 013f"),
		"MDEV                                  Subchan.  PIM PAM POM  CHPIDs           \n"
		"------------------------------------------------------------------------------\n" UUID
		"  0.0.013f  f0  f0  ff   42434445 00000000\n");
	CHECK_STR(ufix_run(&f, "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io"),
		  "Error: Device already exists\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "mdevctl stop -u " UUID), "");
	CHECK_STR(ufix_run(&f, "mdevctl list"), "\n");
	CHECK_STR(ufix_run(&f, "mdevctl stop -u " UUID),
		  "Error: Mediated device " UUID " is not active\n");
	CHECK_STR(ufix_run(&f, "driverctl -b css unset-override 0.0.013f"), "");
	CHECK_EQ(f.status, 0);
	CHECK_STR(fc.override, "");
	CHECK(sysfs_is_dir(f.os.sysfs, SCH "/0.0.3f3f"));
	CHECK_STR(ufix_run(&f, "driverctl -b css list-devices"), "0.0.013f io_subchannel\n");
	ufix_fini(&f);
}

TEST(driverctl_errors)
{
	struct ufix f;
	const char *out;

	ufix_init(&f);
	fake_css(&f);
	CHECK_STR(ufix_run(&f, "driverctl -b css set-override 0.0.0999 vfio_ccw"),
		  "driverctl: no such device: 0.0.0999\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "driverctl -b css set-override 0.0.013f nodrv"),
		  "driverctl: no such module: nodrv\n");
	out = ufix_run(&f, "driverctl -b css set-override 0.0.013f");
	CHECK(strncmp(out, "Usage: driverctl [OPTIONS...] {COMMAND}...\n", 43) == 0);
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "driverctl -b css list-overrides"),
		  "driverctl: No overridable devices found. Kernel too old?\n");
	ufix_fini(&f);
}

TEST(mdevctl_errors)
{
	struct ufix f;

	ufix_init(&f);
	fake_css(&f);
	CHECK_STR(ufix_run(&f, "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io"),
		  "Error: Unable to find parent device '0.0.013f'\n");
	CHECK_EQ(f.status, 1);
	ufix_run(&f, "driverctl -b css set-override 0.0.013f vfio_ccw");
	CHECK_STR(ufix_run(&f, "mdevctl start -u " UUID " -p 0.0.013f -t foo"),
		  "Error: Parent 0.0.013f does not support mdev type foo\n");
	CHECK_STR(ufix_run(&f, "mdevctl start -u " UUID),
		  "Error: Device is insufficiently specified\n");
	CHECK_STR(ufix_run(&f, "mdevctl start -u " UUID " -t vfio_ccw-io"),
		  "Error: can't provide type without parent\n");
	CHECK_STR(ufix_run(&f, "mdevctl start -u xyz -p 0.0.013f -t vfio_ccw-io"),
		  "error: Invalid value for '--uuid <uuid>': invalid UUID 'xyz'\n");
	CHECK_STR(ufix_run(&f, "mdevctl bogus"),
		  "error: Found argument 'bogus' which wasn't expected, or isn't valid in this "
		  "context\n");
	/* without -u a UUID is generated from the run's PRNG and printed */
	CHECK(strlen(ufix_run(&f, "mdevctl start -p 0.0.013f -t vfio_ccw-io")) == 37);
	CHECK_EQ(f.status, 0);
	CHECK_STR(ufix_run(&f, "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io"),
		  "Error: No available instances of vfio_ccw-io on 0.0.013f\n");
	ufix_fini(&f);
}
