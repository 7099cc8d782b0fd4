/* lscss against a hand-built /sys (reference §1). */
#include <string.h>

#include "t.h"
#include "user_fixture.h"

#define IO_HDR                                                                     \
	"Device   Subchan.  DevType CU Type Use  PIM PAM POM  CHPIDs           \n" \
	"----------------------------------------------------------------------\n"

TEST(lscss_prints_io_table_like_the_seed)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "lscss"), IO_HDR
		  "0.0.3f3f 0.0.013f  3390/0c 3990/e9      f0  f0  ff   42434445 00000000\n");
	CHECK_EQ(f.status, 0);
	ufix_fini(&f);
}

TEST(lscss_use_column_says_yes_when_online)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_EQ(sysfs_write(f.os.sysfs, "/sys/bus/ccw/devices/0.0.3f3f/online", "1\n"), 0);
	CHECK_STR(ufix_run(&f, "lscss 13f"), IO_HDR
		  "0.0.3f3f 0.0.013f  3390/0c 3990/e9 yes  f0  f0  ff   42434445 00000000\n");
	ufix_fini(&f);
}

TEST(lscss_short_uppercase)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "lscss -s -u"), IO_HDR
		  "3F3F     013F      3390/0C 3990/E9      F0  F0  FF   42434445 00000000\n");
	ufix_fini(&f);
}

TEST(lscss_range_filters_subchannels)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "lscss 0.0.0000-0.0.0100"), IO_HDR);
	CHECK_STR(ufix_run(&f, "lscss 0.0.0100-0.0.0200"), IO_HDR
		  "0.0.3f3f 0.0.013f  3390/0c 3990/e9      f0  f0  ff   42434445 00000000\n");
	CHECK_STR(ufix_run(&f, "lscss -d 3f3f"), IO_HDR
		  "0.0.3f3f 0.0.013f  3390/0c 3990/e9      f0  f0  ff   42434445 00000000\n");
	CHECK_STR(ufix_run(&f, "lscss -d 13f"), IO_HDR);
	ufix_fini(&f);
}

TEST(lscss_devtype_filter)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "lscss -t 3390/0c"), IO_HDR
		  "0.0.3f3f 0.0.013f  3390/0c 3990/e9      f0  f0  ff   42434445 00000000\n");
	CHECK_STR(ufix_run(&f, "lscss -t 3380"), IO_HDR);
	CHECK_STR(ufix_run(&f, "lscss -t 0x3390"),
		  "lscss: Invalid device type specified: 0x3390\n");
	CHECK_EQ(f.status, 1);
	ufix_fini(&f);
}

TEST(lscss_invalid_id_and_options)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "lscss 0x13f"), "lscss: Invalid ID specified: 0x13f\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "lscss 13f-"), "lscss: Invalid ID specified: 13f\n");
	CHECK_STR(ufix_run(&f, "lscss --foo"),
		  "lscss: Invalid option '--foo'\nTry 'lscss --help' for more information.\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "lscss -st"), "lscss: Option '-st' requires an argument\n"
					     "Try 'lscss --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "lscss --short=1"),
		  "lscss: Invalid option '-s'\nTry 'lscss --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "lscss --dev"),
		  "lscss: Invalid option '--dev'\nTry 'lscss --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "lscss -x"),
		  "lscss: Invalid option '-x'\nTry 'lscss --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "lscss -t"), "lscss: Option '-t' requires an argument\n"
					    "Try 'lscss --help' for more information.\n");
	CHECK_STR(ufix_run(&f, "lscss --vfio --avail"),
		  "lscss: Invalid option combination: --vfio can not be used with --io, -d, -t or "
		  "--avail\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "lscss -a --vfio"),
		  "lscss: Invalid option combination: --vfio can not be used with --io, -d, -t or "
		  "--avail\n");
	ufix_fini(&f);
}

TEST(lscss_abbreviated_long_option_and_help)
{
	struct ufix f;
	const char *out;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "lscss --upp --sh"), IO_HDR
		  "3F3F     013F      3390/0C 3990/E9      F0  F0  FF   42434445 00000000\n");
	out = ufix_run(&f, "lscss --help");
	CHECK_EQ(f.status, 0);
	CHECK(strncmp(out, "Usage: lscss [OPTIONS] [RANGE]\n\nList information", 48) == 0);
	CHECK(strstr(out, " -v, --version                         Print version information, "
			  "then exit\n"));
	CHECK_STR(ufix_run(&f, "lscss -v"), "lscss version 2.43.0\nCopyright IBM Corp. 2017\n");
	ufix_fini(&f);
}

TEST(lscss_vpm_avail_and_sections)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(
		ufix_run(&f, "lscss --vpm --avail"),
		"Device   Subchan.  DevType CU Type Use  PIM PAM POM VPM CHPIDs            Avail.\n"
		"--------------------------------------------------------------------------------\n"
		"0.0.3f3f 0.0.013f  3390/0c 3990/e9      f0  f0  ff  f0  42434445 00000000 good  \n");
	CHECK_STR(ufix_run(&f, "lscss --chsc --eadm"),
		  "\nCHSC Subchannels:\nDevice   Subchan. \n------------------\n"
		  "\nEADM Subchannels:\nDevice   Subchan. \n------------------\n");
	ufix_fini(&f);
}

TEST(lscss_vfio_lists_mdev_of_vfio_bound_subchannels)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(
		ufix_run(&f, "lscss --vfio"),
		"MDEV                                  Subchan.  PIM PAM POM  CHPIDs           \n"
		"------------------------------------------------------------------------------\n");
	CHECK_EQ(sysfs_remove(f.os.sysfs, "/sys/devices/css0/0.0.013f/0.0.3f3f"), 0);
	CHECK_EQ(sysfs_remove(f.os.sysfs, "/sys/devices/css0/0.0.013f/driver"), 0);
	CHECK_EQ(sysfs_symlink(f.os.sysfs, "/sys/devices/css0/0.0.013f/driver",
			       "../../../bus/css/drivers/vfio_ccw"),
		 0);
	CHECK_EQ(sysfs_mkdir(f.os.sysfs,
			     "/sys/devices/css0/0.0.013f/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"),
		 0);
	CHECK_STR(
		ufix_run(&f, "lscss --vfio 013f"),
		"MDEV                                  Subchan.  PIM PAM POM  CHPIDs           \n"
		"------------------------------------------------------------------------------\n"
		"6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920  0.0.013f  f0  f0  ff   42434445 00000000\n");
	/* without its ccw device the I/O table shows dev_busid */
	CHECK_STR(ufix_run(&f, "lscss"), IO_HDR
		  "0.0.3f3f 0.0.013f                       f0  f0  ff   42434445 00000000\n");
	/* -t limits the table to devices of a type: a subchannel without a
	 * device is not one (upstream prints it with "(null)" cells, because
	 * it drops fill_device_info()'s "skip entry" for such subchannels). */
	CHECK_STR(ufix_run(&f, "lscss -t 3390"), IO_HDR);
	CHECK_STR(
		ufix_run(&f, "lscss -t 3390 --avail --vpm"),
		"Device   Subchan.  DevType CU Type Use  PIM PAM POM VPM CHPIDs            Avail.\n"
		"--------------------------------------------------------------------------------\n");
	ufix_fini(&f);
}

TEST(lscss_chsc_eadm_rows_and_defunct_devices)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	ufix_const(&f, "/sys/devices/css0/0.0.ff00/type", "1\n");
	ufix_const(&f, "/sys/devices/css0/0.0.ff40/type", "3\n");
	CHECK_EQ(sysfs_symlink(f.os.sysfs, "/sys/bus/css/devices/0.0.ff00",
			       "/sys/devices/css0/0.0.ff00"),
		 0);
	CHECK_EQ(sysfs_symlink(f.os.sysfs, "/sys/bus/css/devices/0.0.ff40",
			       "/sys/devices/css0/0.0.ff40"),
		 0);
	ufix_const(&f, "/sys/devices/css0/defunct/0.0.4711/devtype", "3390/0a\n");
	ufix_const(&f, "/sys/devices/css0/defunct/0.0.4711/cutype", "3990/e9\n");
	ufix_const(&f, "/sys/devices/css0/defunct/0.0.4711/online", "0\n");
	CHECK_STR(ufix_run(&f, "lscss --chsc --eadm"),
		  "\nCHSC Subchannels:\nDevice   Subchan. \n------------------\n"
		  "n/a      0.0.ff00 \n0.0.4711 n/a      \n"
		  "\nEADM Subchannels:\nDevice   Subchan. \n------------------\n"
		  "n/a      0.0.ff40 \n0.0.4711 n/a      \n");
	CHECK_STR(ufix_run(&f, "lscss"), IO_HDR
		  "0.0.3f3f 0.0.013f  3390/0c 3990/e9      f0  f0  ff   42434445 00000000\n"
		  "0.0.4711 n/a       3390/0a 3990/e9                                    \n");
	/* a subchannel RANGE hides defunct devices; -d hides CHSC/EADM rows */
	CHECK_STR(ufix_run(&f, "lscss --chsc ff00"),
		  "Device   Subchan. \n------------------\nn/a      0.0.ff00 \n");
	CHECK_STR(ufix_run(&f, "lscss --chsc -d 0-ffff"),
		  "Device   Subchan. \n------------------\n0.0.4711 n/a      \n");
	ufix_fini(&f);
}
