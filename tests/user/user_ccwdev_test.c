/* chccwdev and lsdasd against a hand-built /sys (reference §4, §5). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "user_fixture.h"

static int online_calls;

/* An online attribute that, like the ccw device, adds the block device
 * on the way up and prints a kernel line on the console. */
static int online_show(void *obj, long arg, char *buf, size_t size)
{
	struct ufix *f = obj;

	return snprintf(buf, size, "%d\n",
			sysfs_exists(f->os.sysfs, "/sys/bus/ccw/devices/0.0.3f3f/block"));
}

static int size_show(void *obj, long arg, char *buf, size_t size)
{
	return snprintf(buf, size, "%s\n", (const char *)obj);
}

static const struct sysfs_attr_ops text_ops = {size_show, NULL};

static int online_store(void *obj, long arg, const char *buf, size_t len)
{
	struct ufix *f = obj;
	const char *b = "/sys/devices/css0/0.0.013f/0.0.3f3f/block/dasda";

	online_calls++;
	if (arg)
		return (int)arg;
	if (buf[0] == '1' || strncmp(buf, "force", 5) == 0) {
		f->os.console(f->os.console_ctx, "dasd-eckd 0.0.3f3f: New DASD 3390/0C\n");
		sysfs_mkdir(f->os.sysfs, b);
		sysfs_attr(f->os.sysfs, "/sys/devices/css0/0.0.013f/0.0.3f3f/block/dasda/dev",
			   &text_ops, "94:0", 0);
		sysfs_attr(f->os.sysfs, "/sys/devices/css0/0.0.013f/0.0.3f3f/block/dasda/size",
			   &text_ops, "43273440", 0);
		sysfs_attr(f->os.sysfs,
			   "/sys/devices/css0/0.0.013f/0.0.3f3f/block/dasda/queue/hw_sector_size",
			   &text_ops, "4096", 0);
		return 0;
	}
	if (buf[0] == '0') {
		sysfs_remove(f->os.sysfs, "/sys/devices/css0/0.0.013f/0.0.3f3f/block");
		return 0;
	}
	return -EINVAL;
}

static const struct sysfs_attr_ops online_ops = {online_show, online_store};

static void dasd_tree(struct ufix *f, long online_err)
{
	const char *dev = "/sys/devices/css0/0.0.013f/0.0.3f3f";

	ufix_const(f, "/sys/devices/css0/0.0.013f/type", "0\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/pimpampom", "f0 f0 ff\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/chpids", "42 43 44 45 00 00 00 00 \n");
	CHECK_EQ(sysfs_symlink(f->os.sysfs, "/sys/bus/css/devices/0.0.013f",
			       "/sys/devices/css0/0.0.013f"),
		 0);
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/devtype", "3390/0c\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/cutype", "3990/e9\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/alias", "0\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/uid", "IBM.750000000ABC01.0001.3f\n");
	ufix_rw(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/readonly", "0\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/discipline", "ECKD\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/use_diag", "0\n");
	CHECK_EQ(sysfs_attr(f->os.sysfs, "/sys/devices/css0/0.0.013f/0.0.3f3f/online", &online_ops,
			    f, online_err),
		 0);
	CHECK_EQ(sysfs_symlink(f->os.sysfs, "/sys/bus/ccw/devices/0.0.3f3f", dev), 0);
	CHECK_EQ(sysfs_symlink(f->os.sysfs, "/sys/bus/ccw/drivers/dasd-eckd/0.0.3f3f",
			       "../../../../devices/css0/0.0.013f/0.0.3f3f"),
		 0);
	CHECK_EQ(sysfs_symlink(f->os.sysfs, "/sys/devices/css0/0.0.013f/0.0.3f3f/driver",
			       "../../../../bus/ccw/drivers/dasd-eckd"),
		 0);
}

TEST(chccwdev_online_prints_kernel_lines_between)
{
	struct ufix f;

	ufix_init(&f);
	dasd_tree(&f, 0);
	CHECK_STR(ufix_run(&f, "chccwdev -e 3f3f"),
		  "Setting device 0.0.3f3f online\ndasd-eckd 0.0.3f3f: New DASD 3390/0C\nDone\n");
	CHECK_EQ(f.status, 0);
	CHECK_STR(ufix_run(&f, "chccwdev -e 0.0.3f3f"),
		  "WARNING: Device[0.0.3f3f] is already  online\nDone\n");
	CHECK_STR(ufix_run(&f, "chccwdev -d 3F3F"), "Setting device 0.0.3f3f offline\nDone\n");
	CHECK_STR(ufix_run(&f, "chccwdev -d 3f3f"), "Device is already offline\nDone\n");
	ufix_fini(&f);
}

TEST(shell_echo_into_sysfs_attributes)
{
	struct ufix f;

	ufix_init(&f);
	dasd_tree(&f, 0);
	CHECK_STR(ufix_run(&f, "echo 1 > /sys/bus/ccw/devices/0.0.3f3f/online"),
		  "dasd-eckd 0.0.3f3f: New DASD 3390/0C\n");
	CHECK_EQ(f.status, 0);
	CHECK_STR(ufix_run(&f, "cat /sys/bus/ccw/devices/0.0.3f3f/online"), "1\n");
	CHECK_STR(ufix_run(&f, "echo bad > /sys/bus/ccw/devices/0.0.3f3f/online"),
		  "-bash: echo: write error: Invalid argument\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "echo 1 > /sys/bus/ccw/devices/0.0.3f3f/devtype"),
		  "-bash: /sys/bus/ccw/devices/0.0.3f3f/devtype: Permission denied\n");
	CHECK_STR(ufix_run(&f, "echo 1 > /sys/bus/ccw/devices/0.0.3f3f/new"),
		  "-bash: /sys/bus/ccw/devices/0.0.3f3f/new: Permission denied\n");
	CHECK_STR(ufix_run(&f, "echo 1 > /sys/nope/x"),
		  "-bash: /sys/nope/x: No such file or directory\n");
	CHECK_STR(ufix_run(&f, "echo 0 > /sys/bus/ccw/devices/0.0.3f3f/online; cat "
			       "/sys/bus/ccw/devices/0.0.3f3f/online"),
		  "0\n");
	ufix_fini(&f);
}

TEST(chccwdev_attribute_then_online)
{
	struct ufix f;

	ufix_init(&f);
	dasd_tree(&f, 0);
	CHECK_STR(ufix_run(&f, "chccwdev -a readonly=1 -e 3f3f"),
		  "Setting readonly attribute of 0.0.3f3f to 1\nSetting device 0.0.3f3f online\n"
		  "dasd-eckd 0.0.3f3f: New DASD 3390/0C\nDone\n");
	CHECK_STR(ufix_rw_value(&f, "/sys/devices/css0/0.0.013f/0.0.3f3f/readonly"), "1\n");
	CHECK_STR(ufix_run(&f, "chccwdev -a readonly=1 3f3f"),
		  "The readonly attribute of 0.0.3f3f already is 1\nDone\n");
	CHECK_STR(ufix_run(&f, "chccwdev -a bogus=1 3f3f"),
		  "ERROR: Device[0.0.3f3f] has no attribute bogus!\n");
	CHECK_EQ(f.status, 1);
	ufix_fini(&f);
}

TEST(chccwdev_errors)
{
	struct ufix f;
	const char *out;

	ufix_init(&f);
	dasd_tree(&f, 0);
	CHECK_STR(ufix_run(&f, "chccwdev -e 1234"), "Device 0.0.1234 not found\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "chccwdev -e 12345"),
		  "0.0.12345 is not a valid bus ID.\nERROR: Evaluation of bus IDs failed!\n\n");
	CHECK_STR(ufix_run(&f, "chccwdev -e 0.0.3f00-0.0.3f10"),
		  "No Device in range (0.0.3f00-0.0.3f10) found\n"
		  "ERROR: Evaluation of bus IDs failed!\n\n");
	CHECK_STR(ufix_run(&f, "chccwdev -e 3f40-3f00"),
		  "Invalid range order\nERROR: Evaluation of bus IDs failed!\n\n");
	CHECK_STR(ufix_run(&f, "chccwdev -e -d 3f3f"),
		  "chccwdev: Incompatible argument list.\n"
		  "Try 'chccwdev --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "chccwdev -x 3f3f"),
		  "chccwdev: Invalid option -x\nTry 'chccwdev --help' for more information.\n");
	out = ufix_run(&f, "chccwdev 3f3f");
	CHECK(strstr(out, "Usage: chccwdev [<options>] <devices>\n"));
	CHECK(strstr(out, "\nNo action specified. Please use a valid action switch.\n"));
	CHECK_EQ(f.status, 1);
	out = ufix_run(&f, "chccwdev -e");
	CHECK(strstr(out, "\nNo bus ID given!\n"));
	CHECK_STR(ufix_run(&f, "chccwdev -a readonly= 3f3f"),
		  "WARNING: Attribute[readonly] has no value and will be ignored!\n"
		  "Usage: chccwdev [<options>] <devices>\n\n<options>\n"
		  " \t-a|--attribute <name>=<value>\n"
		  " \t-e|--online\n \t\tTries to set the given device online.\n"
		  " \t-f|--forceonline\n \t\tTries to force a device online if the device\n"
		  " \t\tdriver supports this.\n"
		  "  \t-d|--offline\n  \t\tTries to set the given device offline.\n"
		  "  \t-s|--safeoffline\n  \t\tTries to set the given device offline waiting for "
		  "all outstanding I/O. May block forever.\n"
		  " \t-v|--version\n \t\tShow tools and command version.\n\n<devices>\n"
		  " \t<bus ID>[-<busid>][,<busid>[-<busid>]] ...\n\n"
		  "No action specified. Please use a valid action switch.\n");
	ufix_fini(&f);
}

TEST(chccwdev_failed_online_write_polls_then_fails)
{
	struct ufix f;
	sim_time_t t0;

	ufix_init(&f);
	dasd_tree(&f, -EIO);
	t0 = sim_now(f.sim);
	CHECK_STR(ufix_run(&f, "chccwdev -e 3f3f"),
		  "Setting device 0.0.3f3f online\nFailed (Input/output error)\nFailed\n");
	CHECK_EQ(f.status, 1);
	/* five half-second polls, as the script does */
	CHECK_EQ(sim_now(f.sim) - t0, 5 * SIM_S / 2);
	ufix_fini(&f);
}

#define DASD_HDR                                                                       \
	"Bus-ID    Status    Name      Device  Type         BlkSz  Size      Blocks\n" \
	"================================================================================\n"

TEST(lsdasd_lists_online_devices_and_offline_with_a)
{
	struct ufix f;

	ufix_init(&f);
	dasd_tree(&f, 0);
	CHECK_STR(ufix_run(&f, "lsdasd"), DASD_HDR);
	CHECK_STR(ufix_run(&f, "lsdasd -a"), DASD_HDR "0.0.3f3f  offline\n");
	ufix_run(&f, "chccwdev -e 3f3f");
	CHECK_STR(ufix_run(&f, "lsdasd"),
		  DASD_HDR "0.0.3f3f  active    dasda     94:0    ECKD         4096   21129MB   "
			   "5409180\n");
	CHECK_STR(ufix_run(&f, "lsdasd -s 3f3f"),
		  DASD_HDR "3f3f      active    dasda     94:0    ECKD         4096   21129MB   "
			   "5409180\n");
	CHECK_STR(ufix_run(&f, "lsdasd 3F3F"), DASD_HDR);
	CHECK_STR(
		ufix_run(&f, "lsdasd -u"),
		"Bus-ID    Name      UID\n"
		"================================================================================\n"
		"0.0.3f3f  dasda       IBM.750000000ABC01.0001.3f\n");
	CHECK_STR(ufix_run(&f, "lsdasd -c"),
		  "0.0.3f3f(ECKD) at ( 94:  0) is dasda      : active at blocksize 4096, 5409180 "
		  "blocks, 21129 MB\n");
	ufix_fini(&f);
}

TEST(lsdasd_long_and_errors)
{
	struct ufix f;
	const char *out;

	ufix_init(&f);
	dasd_tree(&f, 0);
	ufix_run(&f, "chccwdev -e 3f3f");
	out = ufix_run(&f, "lsdasd -l");
	CHECK(strncmp(out, "0.0.3f3f/dasda/94:0\n  status:\t\t\t\tactive\n  type: \t\t\t\tECKD\n",
		      57) == 0);
	CHECK(strstr(out, "  paths_installed: \t\t\t42 43 44 45        \n"));
	CHECK(strstr(out, "  uid:  \t\t\t\tIBM.750000000ABC01.0001.3f\n"));
	CHECK_STR(ufix_run(&f, "lsdasd -l -u"), "lsdasd: ERROR: invalid options specified\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "lsdasd -q"),
		  "lsdasd: Invalid option -q\nTry 'lsdasd --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "lsdasd 12345"), "lsdasd: ERROR: 12345 no device format\n");
	ufix_fini(&f);
}

/* lsdasd -H: the script looks for debugfs from the per-device function it
 * runs in a pipeline, so the message comes once, for the first listed
 * device, and the script still exits 0; no listed device, no message. */
TEST(lsdasd_host_access_list_without_debugfs)
{
	struct ufix f;

	ufix_init(&f);
	dasd_tree(&f, 0);
	CHECK_STR(ufix_run(&f, "lsdasd -H; echo $?"), "0\n");
	CHECK_STR(ufix_run(&f, "lsdasd -H -a; echo $?"),
		  "lsdasd: No debugfs mount point found\n0\n");
	ufix_run(&f, "chccwdev -e 3f3f");
	CHECK_STR(ufix_run(&f, "lsdasd -H; echo $?"), "lsdasd: No debugfs mount point found\n0\n");
	CHECK_STR(ufix_run(&f, "lsdasd -H 0.0.4000; echo $?"), "0\n");
	/* -u wins over -H in the script (the UID table) */
	CHECK(strncmp(ufix_run(&f, "lsdasd -H -u"), "Bus-ID    Name      UID\n", 24) == 0);
	ufix_fini(&f);
}
