/* Two worlds in one process share nothing: the same commands, interleaved
 * over two worlds, print what they print in one world alone. */
#include <stdlib.h>
#include <string.h>

#include "cli/runner.h"
#include "t.h"

#define UUID "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

static const char *const steps[][2] = {
	{"host", "driverctl -b css set-override 0.0.013f vfio_ccw"},
	{"host", "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io"},
	{"host",
	 "qemu-system-s390x -name guest -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/" UUID
	 ",devno=0.0.3f3f -daemonize"},
	{"guest", "chccwdev -e 3f3f"},
	{"guest", "dd if=/dev/urandom of=/dev/dasda1 bs=64k count=16 oflag=direct status=none"},
	{"host", "chchp -c 0 0.42"},
	{"hmc", "chp fail 0.43"},
	{"guest", "lscss; lschp; dmesg | tail -n 4"},
	{"guest", "dd if=/dev/dasda1 bs=64k count=16 status=none | md5sum"},
	{"host", "lscss; lschp"},
	{"guest", "poweroff"},
	{"host", "mdevctl stop -u " UUID},
	{"host", "driverctl unset-override css/0.0.013f; driverctl -b css list-overrides"},
	{"host", "dmesg | tail -n 6"},
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static void up(struct run_world *rw)
{
	struct run_opts ro = {.err = stderr};
	char err[256];

	memset(rw, 0, sizeof(*rw));
	if (run_world_create(rw, &ro, 1, false, NULL, "", err, sizeof(err)))
		t_fail(__FILE__, __LINE__, "run_world_create: %s", err);
}

TEST(two_worlds_in_one_process_share_nothing)
{
	struct run_world a, b, c;
	char *out_a[NSTEPS], *out_b;
	size_t i;

	up(&a);
	up(&b);
	for (i = 0; i < NSTEPS; i++) {
		CHECK_EQ(run_command(&a, steps[i][0], steps[i][1], &out_a[i]), RUN_OK);
		CHECK_EQ(run_command(&b, steps[i][0], steps[i][1], &out_b), RUN_OK);
		CHECK_STR(out_b, out_a[i]);
		free(out_b);
	}
	CHECK(strstr(out_a[8], "-\n") != NULL); /* md5sum printed a sum */
	run_world_destroy(&b);
	run_world_destroy(&a);
	/* and what one world alone prints */
	up(&c);
	for (i = 0; i < NSTEPS; i++) {
		CHECK_EQ(run_command(&c, steps[i][0], steps[i][1], &out_b), RUN_OK);
		CHECK_STR(out_b, out_a[i]);
		free(out_b);
		free(out_a[i]);
	}
	run_world_destroy(&c);
}
