/* qemu-system-s390x options: what is accepted, and QEMU's messages for
 * what is not. */
#include <stdlib.h>

#include "t.h"
#include "vmm/qemu_opts.h"

static struct vm_opts opts;
static char err[1024];

static int parse(const char *line)
{
	char buf[2048], *argv[64];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 63; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	err[0] = 0;
	return qemu_opts_parse(argc, argv, &opts, err, sizeof(err));
}

TEST(opts_seed_command_line_parses)
{
	CHECK_EQ(
		parse("qemu-system-s390x -name guest -machine s390-ccw-virtio,sclp-chp-info=off "
		      "-device virtio-rng-ccw,devno=fe.0.0000 -device virtio-balloon-ccw,devno=fe.0.0001 "
		      "-device "
		      "vfio-ccw,sysfsdev=/sys/bus/mdev/devices/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920,"
		      "devno=0.0.3f3f,chpsync=lazy -daemonize"),
		0);
	CHECK_STR(opts.name, "guest");
	CHECK(!opts.sclp_chp_info);
	CHECK(opts.daemonize);
	CHECK_EQ(opts.ndev, 3);
	CHECK_EQ(opts.dev[0].kind, VM_DEV_VIRTIO_RNG);
	CHECK_EQ(opts.dev[1].kind, VM_DEV_VIRTIO_BALLOON);
	CHECK_EQ(opts.dev[1].devno.cssid, 0xfe);
	CHECK_EQ(opts.dev[2].kind, VM_DEV_VFIO_CCW);
	CHECK_EQ(opts.dev[2].devno.no, 0x3f3f);
	CHECK_EQ(opts.dev[2].chpsync, CHPSYNC_LAZY);
	CHECK_STR(opts.dev[2].sysfsdev,
		  "/sys/bus/mdev/devices/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920");
}

TEST(opts_defaults_are_eager_sclp_on_128m)
{
	CHECK_EQ(parse("qemu-system-s390x -device vfio-ccw,sysfsdev=/x/y"), 0);
	CHECK(opts.sclp_chp_info);
	CHECK_EQ(opts.mem, 128ull << 20);
	CHECK_EQ(opts.dev[0].chpsync, CHPSYNC_EAGER);
	CHECK(!opts.daemonize);
	CHECK_STR(opts.name, "guest");
}

TEST(opts_memory_sizes)
{
	CHECK_EQ(parse("q -m 512"), 0);
	CHECK_EQ(opts.mem, 512ull << 20);
	CHECK_EQ(parse("q -m 1G"), 0);
	CHECK_EQ(opts.mem, 1ull << 30);
	CHECK_EQ(parse("q -m size=64M"), 0);
	CHECK_EQ(opts.mem, 64ull << 20);
	CHECK_EQ(parse("q -m lots"), -1);
	CHECK(strstr(err, "qemu-system-s390x: -m lots: Parameter 'size' expects a non-negative "
			  "number below 2^64") == err);
	CHECK_EQ(parse("q -m 1M"), -1);
}

TEST(opts_unknown_option_is_invalid_option)
{
	CHECK_EQ(parse("q -frobnicate"), -1);
	CHECK_STR(err, "qemu-system-s390x: -frobnicate: invalid option");
	CHECK_EQ(parse("q stray"), -1);
	CHECK_STR(err, "qemu-system-s390x: stray: invalid option");
}

TEST(opts_missing_argument)
{
	CHECK_EQ(parse("q -name"), -1);
	CHECK_STR(err, "qemu-system-s390x: -name: requires an argument");
	CHECK_EQ(parse("q -device"), -1);
	CHECK_STR(err, "qemu-system-s390x: -device: requires an argument");
}

TEST(opts_unknown_device_model)
{
	CHECK_EQ(parse("q -device virtio-net-ccw"), -1);
	CHECK_STR(err, "qemu-system-s390x: -device virtio-net-ccw: 'virtio-net-ccw' is not a valid "
		       "device model name");
}

TEST(opts_unknown_property)
{
	CHECK_EQ(parse("q -device vfio-ccw,sysfsdev=/a,foo=1"), -1);
	CHECK_STR(err, "qemu-system-s390x: -device vfio-ccw,sysfsdev=/a,foo=1: Property "
		       "'vfio-ccw.foo' not found");
	CHECK_EQ(parse("q -device virtio-rng-ccw,chpsync=lazy"), -1);
	CHECK_STR(err, "qemu-system-s390x: -device virtio-rng-ccw,chpsync=lazy: Property "
		       "'virtio-rng-ccw.chpsync' not found");
}

TEST(opts_bad_chpsync_value)
{
	CHECK_EQ(parse("q -device vfio-ccw,sysfsdev=/a,chpsync=fast"), -1);
	CHECK_STR(err, "qemu-system-s390x: -device vfio-ccw,sysfsdev=/a,chpsync=fast: Parameter "
		       "'chpsync' does not accept value 'fast'");
}

TEST(opts_bad_devno)
{
	CHECK_EQ(parse("q -device vfio-ccw,sysfsdev=/a,devno=3f3f"), -1);
	CHECK_STR(err, "qemu-system-s390x: -device vfio-ccw,sysfsdev=/a,devno=3f3f: Property "
		       "'vfio-ccw.devno' doesn't take value '3f3f'");
	CHECK_EQ(parse("q -device vfio-ccw,sysfsdev=/a,devno=0.4.3f3f"), -1);
	CHECK_EQ(parse("q -device virtio-rng-ccw,devno=0.0.0001"), -1);
	CHECK_STR(err, "qemu-system-s390x: -device virtio-rng-ccw,devno=0.0.0001: cssid 0 not "
		       "valid for virtio devices");
}

TEST(opts_duplicate_devno)
{
	CHECK_EQ(parse("q -device virtio-rng-ccw,devno=fe.0.0001 -device "
		       "virtio-balloon-ccw,devno=fe.0.0001"),
		 -1);
	CHECK_STR(err, "qemu-system-s390x: -device virtio-balloon-ccw,devno=fe.0.0001: Device "
		       "fe.0.0001 already exists");
}

TEST(opts_vfio_needs_sysfsdev)
{
	CHECK_EQ(parse("q -device vfio-ccw,devno=0.0.1234"), -1);
	CHECK(strstr(err,
		     "qemu-system-s390x: -device vfio-ccw,devno=0.0.1234: No provided host device") ==
	      err);
}

TEST(opts_machine_type_and_parameters)
{
	CHECK_EQ(parse("q -M s390-ccw-virtio"), 0);
	CHECK_EQ(parse("q -machine type=s390-ccw-virtio,sclp-chp-info=on"), 0);
	CHECK(opts.sclp_chp_info);
	CHECK_EQ(parse("q -machine pc"), -1);
	CHECK(strstr(err, "qemu-system-s390x: -machine pc: unsupported machine type: \"pc\"") ==
	      err);
	CHECK_EQ(parse("q -machine s390-ccw-virtio,foo=bar"), -1);
	CHECK_STR(err,
		  "qemu-system-s390x: -machine s390-ccw-virtio,foo=bar: Invalid parameter 'foo'");
	CHECK_EQ(parse("q -machine s390-ccw-virtio,sclp-chp-info=maybe"), -1);
	CHECK_STR(err, "qemu-system-s390x: -machine s390-ccw-virtio,sclp-chp-info=maybe: Parameter "
		       "'sclp-chp-info' expects 'on' or 'off'");
}

TEST(opts_name_forms)
{
	CHECK_EQ(parse("q -name guest=g2,debug-threads=on"), 0);
	CHECK_STR(opts.name, "g2");
	CHECK_EQ(parse("q -name a/b"), -1);
	CHECK_EQ(parse("q -name guest=g,bogus=1"), -1);
	CHECK_STR(err, "qemu-system-s390x: -name guest=g,bogus=1: Invalid parameter 'bogus'");
}

TEST(opts_escaped_comma_in_path)
{
	CHECK_EQ(parse("q -device vfio-ccw,sysfsdev=/a,,b"), 0);
	CHECK_STR(opts.dev[0].sysfsdev, "/a,b");
}
