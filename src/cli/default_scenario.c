/* The built-in default scenario of `chpsync run`: the cover letter's example
 * (tests/scenarios/seed-example.scenario), input lines only.  Every
 * output line of the transcript is computed by running the world; the
 * comments and prompt lines are printed as written.  tests/cli checks that
 * these lines equal the input lines of the shared golden. */
#include "cli/runner.h"

const char default_scenario_name[] = "seed-example.scenario";

const char default_scenario_text[] =
	"# The example of the cover letter (../seed/), as a runnable transcript.\n"
	"#\n"
	"# Hardware: the built-in default I/O configuration: CHPIDs 0.42-0.45 (FICON,\n"
	"# type 1b), a 3990-6 control unit, and a 3390 DASD with 30051 cylinders whose\n"
	"# host subchannel is 0.0.013f; its backing image carries volume label 0X3F3F\n"
	"# and one partition.\n"
	"#\n"
	"# The VMM runs the device with chpsync=lazy (the letter's design) and without\n"
	"# SCLP channel-path information (as the letter's VMM), so the guest's view of\n"
	"# its paths changes only when the guest itself touches the device.\n"
	"# Compared line by line; trailing blanks are not compared.\n"
	"#\n"
	"# 0. Prepare a vfio subchannel on the host.\n"
	"[root@host ~]# driverctl -b css set-override 0.0.013f vfio_ccw\n"
	"[root@host ~]# mdevctl start -u 6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920 -p 0.0.013f -t vfio_ccw-io\n"
	"[root@host ~]# lscss --vfio 013f\n"
	"# 1. Pass the subchannel through to a guest as device 0.0.3f3f.\n"
	"[root@host ~]# qemu-system-s390x -name guest -machine s390-ccw-virtio,sclp-chp-info=off -device virtio-rng-ccw,devno=fe.0.0000 -device virtio-balloon-ccw,devno=fe.0.0001 -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920,devno=0.0.3f3f,chpsync=lazy -daemonize\n"
	"# 2. Start the guest and check the device and path information.\n"
	"[root@guest ~]# lscss 0002\n"
	"[root@guest ~]# lschp\n"
	"# 3. On the host, configure off one path.\n"
	"[root@host ~]# chchp -c 0 42\n"
	"# 4. On the guest, check the status: no change until the guest uses the device.\n"
	"[root@guest ~]# lscss 0002\n"
	"[root@guest ~]# chccwdev -e 3f3f\n"
	"[root@guest ~]# lscss 0002\n"
	"# 5. On the host, configure the path on again.\n"
	"[root@host ~]# chchp -c 1 42\n"
	"# 6. On the guest, check again: no change until the guest touches the device.\n"
	"[root@guest ~]# lscss 0002\n"
	"[root@guest ~]# chccwdev -d 3f3f\n"
	"[root@guest ~]# lscss 0002\n";
