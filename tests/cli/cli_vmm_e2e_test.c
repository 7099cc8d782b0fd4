/* End to end: machine + host OS + vfio_ccw + qemu-system-s390x + guest OS,
 * the acceptance behaviours of issue #5 at unit-test speed. */
#include <errno.h>
#include <stdlib.h>

#include "machine/machine.h"
#include "cli/guest.h"
#include "os/os.h"
#include "user/progs.h"
#include "user/shell.h"
#include "t.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

#define UUID "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"
#define MDEV "/sys/bus/mdev/devices/" UUID

struct w {
	struct sim *sim;
	struct machine *m;
	struct os *host;
	struct world *world;
	struct node *hn;
	struct vmm *vmm; /* qemu-system-s390x of hn */
	struct guests guests;
};

static bool proc_is_done(void *p)
{
	return proc_done(p);
}

static bool booted(void *os)
{
	return os_booted(os);
}

/* The default deck plus test devices 3F40.. on subchannels 0140.. */
static const char two_dev_deck[] =
	"CHPID    PATH=(CSS(0),42),SHARED,TYPE=FC\n"
	"CHPID    PATH=(CSS(0),43),SHARED,TYPE=FC\n"
	"CHPID    PATH=(CSS(0),44),SHARED,TYPE=FC\n"
	"CHPID    PATH=(CSS(0),45),SHARED,TYPE=FC\n"
	"CNTLUNIT CUNUMBR=3F00,PATH=((CSS(0),42,43,44,45)),UNITADD=((00,256)),UNIT=3990\n"
	"IODEVICE ADDRESS=(3F3F,1),CUNUMBR=(3F00),UNIT=3390,SCH=013F,IMAGE='3f3f.3390'\n"
	"CNTLUNIT CUNUMBR=4000,PATH=((CSS(0),42,43)),UNITADD=((00,256)),UNIT=TEST\n"
	"IODEVICE ADDRESS=(4000,2),CUNUMBR=(4000),UNIT=TEST,SCH=0140\n";

static void w_up_deck(struct w *w, const char *deck);

static void w_up(struct w *w)
{
	w_up_deck(w, NULL);
}

static void w_up_deck(struct w *w, const char *deck)
{
	struct machine_config mc = {.workdir = t_tmpdir()};
	struct os_config oc = {.hostname = "host"};
	char err[256];

	w->sim = sim_new(1);
	w->m = machine_new(w->sim, &mc);
	if (deck ? machine_load_iocp_text(w->m, "test", deck, err, sizeof(err))
		 : machine_load_iocp(w->m, NULL, err, sizeof(err)))
		t_fail(__FILE__, __LINE__, "iocp: %s", err);
	w->host = os_create(w->sim, machine_css(w->m), &oc);
	w->world = world_new(w->sim);
	w->hn = world_add_node(w->world, "host", w->host);
	node_add_os_progs(w->hn);
	w->vmm = vmm_install(w->hn);
	w->guests = (struct guests){.world = w->world};
	guests_install(&w->guests, w->vmm);
	sim_run_until(w->sim, booted, w->host);
	free(node_take_output(w->hn));
}

static void w_down(struct w *w)
{
	world_free(w->world);
	vmm_free(w->vmm);
	os_destroy(w->host);
	machine_free(w->m);
	sim_free(w->sim);
}

/* Run a command line on a node to its end; its terminal output. */
static char *run(struct w *w, const char *node, const char *line, int *status)
{
	struct node *n = world_find_node(w->world, node);
	struct proc *p;
	char *out;

	if (!n)
		t_fail(__FILE__, __LINE__, "no node %s", node);
	p = node_run(n, line);
	sim_run_until(w->sim, proc_is_done, p);
	if (status)
		*status = proc_status(p);
	proc_free(p);
	out = node_take_output(n);
	return out ? out : calloc(1, 1);
}

static void run_ok(struct w *w, const char *node, const char *line)
{
	int st;
	char *out = run(w, node, line, &st);

	if (st)
		t_fail(__FILE__, __LINE__, "%s: %s: status %d: %s", node, line, st, out);
	free(out);
}

static void start_guest(struct w *w, const char *machine, const char *chpsync)
{
	char line[1024];
	struct node *g;

	run_ok(w, "host", "driverctl -b css set-override 0.0.013f vfio_ccw");
	run_ok(w, "host", "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io");
	snprintf(line, sizeof(line),
		 "qemu-system-s390x -name guest %s -device virtio-rng-ccw,devno=fe.0.0000 "
		 "-device virtio-balloon-ccw,devno=fe.0.0001 -device vfio-ccw,sysfsdev=" MDEV
		 ",devno=0.0.3f3f%s -daemonize",
		 machine, chpsync);
	run_ok(w, "host", line);
	g = world_find_node(w->world, "guest");
	CHECK(g != NULL);
	sim_run_until(w->sim, booted, node_os(g));
	free(node_take_output(g));
}

static bool has_line(const char *out, const char *line)
{
	const char *p = strstr(out, line);

	return p && (p == out || p[-1] == '\n');
}

#define CHECK_LINE(out, line)                                                            \
	do {                                                                             \
		if (!has_line(out, line))                                                \
			t_fail(__FILE__, __LINE__, "no line \"%s\" in:\n%s", line, out); \
	} while (0)

TEST(e2e_guest_sees_passthrough_device_and_paths)
{
	struct w w;
	char *out;

	w_up(&w);
	start_guest(&w, "-machine s390-ccw-virtio,sclp-chp-info=off", "");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9      f0  f0  ff   42434445 00000000");
	free(out);
	/* A guest that has been up for a while: its boot-time SCLP read has
	 * expired, so lschp's first read fails ('-') and the rest use the
	 * zero-filled cache (3), as with QEMU. */
	run_ok(&w, "guest", "sleep 2");
	out = run(&w, "guest", "lschp", NULL);
	CHECK_LINE(out, "0.00   1     -     32    -    -      -");
	CHECK_LINE(out, "0.42   1     3     1b    -    -      -");
	CHECK_LINE(out, "0.45   1     3     1b    -    -      -");
	free(out);
	w_down(&w);
}

TEST(e2e_eager_configure_off_is_visible_at_once)
{
	struct w w;
	char *out;

	w_up(&w);
	start_guest(&w, "", "");
	run_ok(&w, "host", "chchp -c 0 42");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9      f0  70  ff   42434445 00000000");
	free(out);
	run_ok(&w, "guest", "sleep 2");
	out = run(&w, "guest", "lschp", NULL);
	CHECK_LINE(out, "0.42   1     0     1b    -    -      -");
	free(out);
	run_ok(&w, "host", "chchp -c 1 42");
	run_ok(&w, "guest", "sleep 2");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9      f0  f0  ff   42434445 00000000");
	free(out);
	out = run(&w, "guest", "lschp", NULL);
	CHECK_LINE(out, "0.42   1     1     1b    -    -      -");
	free(out);
	w_down(&w);
}

TEST(e2e_lazy_configure_off_waits_for_the_guest)
{
	struct w w;
	char *out;

	w_up(&w);
	start_guest(&w, "-machine s390-ccw-virtio,sclp-chp-info=off", ",chpsync=lazy");
	run_ok(&w, "host", "chchp -c 0 42");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9      f0  f0  ff   42434445 00000000");
	free(out);
	out = run(&w, "guest", "chccwdev -e 3f3f", NULL);
	CHECK_LINE(out, "dasd-eckd 0.0.3f3f: A channel path to the device has become operational");
	free(out);
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9 yes  f0  70  ff   42434445 00000000");
	free(out);
	run_ok(&w, "host", "chchp -c 1 42");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9 yes  f0  70  ff   42434445 00000000");
	free(out);
	run_ok(&w, "guest", "chccwdev -d 3f3f");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9      f0  f0  ff   42434445 00000000");
	free(out);
	w_down(&w);
}

TEST(e2e_guest_dasd_io_through_passthrough)
{
	struct w w;
	char *out;
	int st;

	w_up(&w);
	start_guest(&w, "", "");
	out = run(&w, "guest", "chccwdev -e 3f3f", &st);
	CHECK_EQ(st, 0);
	CHECK(strstr(out, "New DASD 3390/0C"));
	free(out);
	out = run(&w, "guest", "dd if=/dev/zero of=/dev/dasda1 bs=4k count=16 oflag=direct", &st);
	CHECK_EQ(st, 0);
	free(out);
	out = run(&w, "guest", "dd if=/dev/dasda1 of=/dev/null bs=4k count=16 iflag=direct", &st);
	CHECK_EQ(st, 0);
	free(out);
	w_down(&w);
}

/* O_DIRECT as Linux's dasd does it: the data moves between the device and
 * the process's own buffer (IDAWs address it; the host channel uses the
 * guest's pages in place, nothing goes through its buffer), offsets and
 * lengths must be whole 4 KB blocks, and GNU dd writes a final partial
 * block without O_DIRECT. */
TEST(e2e_guest_direct_io_moves_data_in_place_in_whole_blocks)
{
	const struct machine_stats *ms;
	uint64_t in_place, buffered;
	struct w w;
	char *out;
	int st;

	w_up(&w);
	ms = machine_stats(w.m);
	start_guest(&w, "", "");
	run_ok(&w, "guest", "chccwdev -e 3f3f");
	run_ok(&w, "guest", "dd if=/dev/urandom of=/tmp/a bs=4k count=64 status=none");
	in_place = ms->bytes_in_place;
	buffered = ms->bytes_buffered;
	run_ok(&w, "guest", "dd if=/tmp/a of=/dev/dasda1 bs=64k oflag=direct status=none");
	run_ok(&w, "guest", "dd if=/dev/dasda1 of=/tmp/b bs=128k count=2 iflag=direct status=none");
	CHECK_EQ(ms->bytes_buffered, buffered);
	CHECK(ms->bytes_in_place - in_place >= 2 * 64 * 4096);
	run_ok(&w, "guest", "cmp /tmp/a /tmp/b");
	out = run(&w, "guest", "dd if=/dev/dasda1 of=/dev/null bs=512 count=1 iflag=direct", &st);
	CHECK_EQ(st, 1);
	CHECK(strstr(out, "dd: error reading '/dev/dasda1': Invalid argument") != NULL);
	free(out);
	out = run(&w, "guest",
		  "dd if=/dev/dasda1 of=/dev/null bs=4k skip=1 count=1 "
		  "iflag=direct,skip_bytes status=none",
		  &st);
	CHECK_EQ(st, 1);
	CHECK(strstr(out, "Invalid argument") != NULL);
	free(out);
	/* 6000 bytes: one direct block, then 1904 bytes written as GNU dd
	 * does, without O_DIRECT (the kernel reads, patches, writes) */
	run_ok(&w, "guest", "dd if=/tmp/a of=/tmp/c bs=6000 count=1 status=none");
	run_ok(&w, "guest", "dd if=/tmp/c of=/dev/dasda1 bs=4k oflag=direct status=none");
	run_ok(&w, "guest", "dd if=/dev/dasda1 of=/tmp/d bs=6000 count=1 status=none");
	run_ok(&w, "guest", "cmp /tmp/c /tmp/d");
	w_down(&w);
}

TEST(e2e_poweroff_ends_the_vm_and_frees_the_mdev)
{
	struct w w;
	char *out;
	int st;

	w_up(&w);
	start_guest(&w, "", "");
	run_ok(&w, "guest", "poweroff");
	CHECK(world_find_node(w.world, "guest") == NULL);
	out = run(&w, "host",
		  "qemu-system-s390x -name guest2 -device vfio-ccw,sysfsdev=" MDEV " -daemonize",
		  &st);
	CHECK_EQ(st, 0);
	free(out);
	w_down(&w);
}

TEST(e2e_bad_mdev_is_a_qemu_error)
{
	struct w w;
	char *out;
	int st;

	w_up(&w);
	out = run(&w, "host",
		  "qemu-system-s390x -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/nope", &st);
	CHECK_EQ(st, 1);
	CHECK_STR(
		out,
		"qemu-system-s390x: -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/nope: "
		"vfio /sys/bus/mdev/devices/nope: no such host device: No such file or directory\n");
	free(out);
	CHECK(world_find_node(w.world, "guest") == NULL);
	w_down(&w);
}

TEST(e2e_eager_host_vary_off_is_visible_in_the_guest)
{
	struct w w;
	char *out;

	w_up(&w);
	start_guest(&w, "", "");
	run_ok(&w, "guest", "chccwdev -e 3f3f");
	run_ok(&w, "host", "chchp -v 0 43");
	/* chchp -v returns right after its sysfs write; the CRW reaches the
	 * guest microseconds later. */
	run_ok(&w, "guest", "sleep 0.001");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9 yes  f0  b0  ff   42434445 00000000");
	free(out);
	/* Vary off 0.42 too, the path the guest's I/O used so far: its I/O
	 * moves to 0.44/0.45 and never uses a varied-off path. */
	run_ok(&w, "host", "chchp -v 0 42");
	run_ok(&w, "guest", "sleep 0.001");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9 yes  f0  30  ff   42434445 00000000");
	free(out);
	for (int i = 0; i < 8; i++) {
		char line[128];
		struct vm *vm = vmm_vms(w.vmm);

		snprintf(line, sizeof(line),
			 "dd if=/dev/dasda of=/dev/null bs=4k count=1 skip=%d iflag=direct",
			 i * 97);
		run_ok(&w, "guest", line);
		CHECK(vfio_ccw_dev_sch(vm->vfio[0])->pmcw.lpum & 0x30);
	}
	run_ok(&w, "host", "chchp -v 1 42");
	run_ok(&w, "host", "chchp -v 1 43");
	run_ok(&w, "guest", "sleep 0.001");
	out = run(&w, "guest", "lscss 0002", NULL);
	CHECK_LINE(out, "0.0.3f3f 0.0.0002  3390/0c 3990/e9 yes  f0  f0  ff   42434445 00000000");
	free(out);
	w_down(&w);
}

TEST(e2e_two_guests_sharing_a_chpid_both_see_the_event)
{
	struct w w;
	struct vm *vm;
	char *out;

	w_up_deck(&w, two_dev_deck);
	run_ok(&w, "host", "driverctl -b css set-override 0.0.0140 vfio_ccw");
	run_ok(&w, "host", "driverctl -b css set-override 0.0.0141 vfio_ccw");
	run_ok(&w, "host",
	       "mdevctl start -u 11111111-1111-1111-1111-111111111111 -p 0.0.0140 -t vfio_ccw-io");
	run_ok(&w, "host",
	       "mdevctl start -u 22222222-2222-2222-2222-222222222222 -p 0.0.0141 -t vfio_ccw-io");
	run_ok(&w, "host",
	       "qemu-system-s390x -name g1 -m 64 -device vfio-ccw,sysfsdev="
	       "/sys/bus/mdev/devices/11111111-1111-1111-1111-111111111111,devno=0.0.4000 -daemonize");
	run_ok(&w, "host",
	       "qemu-system-s390x -name g2 -m 64 -device vfio-ccw,sysfsdev="
	       "/sys/bus/mdev/devices/22222222-2222-2222-2222-222222222222,devno=0.0.4001 -daemonize");
	sim_run_until(w.sim, booted, node_os(world_find_node(w.world, "g1")));
	sim_run_until(w.sim, booted, node_os(world_find_node(w.world, "g2")));
	run_ok(&w, "host", "chchp -c 0 42");
	for (vm = vmm_vms(w.vmm); vm; vm = vm->next) {
		CHECK_EQ(vcss_stats(vm->css)->crws_queued, 1);
		CHECK_EQ(vcss_stats(vm->css)->machine_checks, 1);
	}
	out = run(&w, "g1", "lscss", NULL);
	CHECK(strstr(out, "0.0.4000 0.0.0000"));
	CHECK(strstr(out, " c0  40  ff   42430000 00000000"));
	free(out);
	out = run(&w, "g2", "lscss", NULL);
	CHECK(strstr(out, " c0  40  ff   42430000 00000000"));
	free(out);
	w_down(&w);
}

TEST(e2e_guest_stsch_in_steady_state_costs_no_host_stsch)
{
	struct w w;
	const struct vfio_ccw_stats *st;
	struct vm *vm;

	w_up(&w);
	start_guest(&w, "", "");
	vm = vmm_vms(w.vmm);
	st = vfio_ccw_dev_stats(vm->vfio[0]);
	CHECK(st->guest_stsch > 0); /* the guest's boot scan (and its sense ID) */
	CHECK(st->host_stsch <= st->io_irqs);
	run_ok(&w, "guest", "chccwdev -e 3f3f");
	run_ok(&w, "guest", "chccwdev -d 3f3f");
	run_ok(&w, "guest", "lscss");
	CHECK(st->guest_stsch > 2);
	/* With I/O: at most one host STSCH per I/O interrupt. */
	CHECK(st->io_irqs > 0);
	CHECK(st->host_stsch <= st->io_irqs);
	/* Without I/O: none at all. */
	uint64_t host = st->host_stsch, guest = st->guest_stsch;
	uint64_t buf = os_kmalloc(guest_os(vm), 64, 8);

	for (int i = 0; i < 50; i++)
		CHECK_EQ(vcss_ops.stsch(vm->css,
					schid_word(0, vfio_ccw_dev_sch(vm->vfio[0])->schno), buf),
			 0);
	os_kfree(guest_os(vm), buf);
	run_ok(&w, "guest", "lscss");
	CHECK(st->guest_stsch >= guest + 50);
	CHECK_EQ(st->host_stsch, host);
	w_down(&w);
}

TEST(e2e_paths_lost_under_guest_write_complete_on_the_last_path)
{
	struct w w;
	struct proc *bg;
	char *out;
	int st;

	w_up(&w);
	start_guest(&w, "", "");
	run_ok(&w, "guest", "chccwdev -e 3f3f");
	run_ok(&w, "guest", "dd if=/dev/urandom of=/tmp/data bs=1M count=8");
	bg = node_run(world_find_node(w.world, "guest"),
		      "dd if=/tmp/data of=/dev/dasda1 bs=1M count=8 oflag=direct");
	/* Three of the four links fail while the write runs. */
	for (uint8_t chp = 0x42; chp <= 0x44; chp++) {
		sim_run_to(w.sim, sim_now(w.sim) + 200 * SIM_US);
		CHECK(!proc_done(bg));
		CHECK_EQ(machine_chp_fail(w.m, chp), 0);
	}
	sim_run_until(w.sim, proc_is_done, bg);
	CHECK(proc_done(bg));
	CHECK_EQ(proc_status(bg), 0);
	proc_free(bg);
	free(node_take_output(world_find_node(w.world, "guest")));
	run_ok(&w, "guest", "dd if=/dev/dasda1 of=/tmp/back bs=1M count=8 iflag=direct");
	out = run(&w, "guest", "cmp /tmp/data /tmp/back", &st);
	CHECK_EQ(st, 0);
	free(out);
	/* One report per lost link reached the guest. */
	CHECK_EQ(vmm_vms(w.vmm)->st.crws_injected, 3);
	w_down(&w);
}

TEST(e2e_foreground_qemu_runs_until_the_guest_powers_off)
{
	struct w w;

	w_up(&w);
	run_ok(&w, "host", "driverctl -b css set-override 0.0.013f vfio_ccw");
	run_ok(&w, "host", "qemu-system-s390x -name fg -m 64 -device virtio-rng-ccw &");
	while (!world_find_node(w.world, "fg") && sim_step(w.sim))
		;
	CHECK(world_find_node(w.world, "fg") != NULL);
	sim_run_until(w.sim, booted, node_os(world_find_node(w.world, "fg")));
	CHECK_EQ(node_jobs(w.hn), 1);
	run_ok(&w, "fg", "poweroff");
	run_ok(&w, "host", "wait");
	CHECK_EQ(node_jobs(w.hn), 0);
	CHECK(world_find_node(w.world, "fg") == NULL);
	w_down(&w);
}

TEST(e2e_guest_name_in_use_is_refused)
{
	struct w w;
	char *out;
	int st;

	w_up(&w);
	run_ok(&w, "host", "driverctl -b css set-override 0.0.013f vfio_ccw");
	run_ok(&w, "host", "qemu-system-s390x -name g -m 64 -daemonize");
	out = run(&w, "host", "qemu-system-s390x -name g -m 64 -daemonize", &st);
	CHECK_EQ(st, 1);
	CHECK_STR(out, "qemu-system-s390x: -name g: guest name 'g' is already in use\n");
	free(out);
	sim_run_until(w.sim, booted, node_os(world_find_node(w.world, "g")));
	w_down(&w);
}

TEST(e2e_guest_lscss_shows_virtio_devices_harmlessly)
{
	struct w w;
	char *out;

	w_up(&w);
	start_guest(&w, "", "");
	out = run(&w, "guest", "lscss", NULL);
	CHECK_LINE(out, "0.0.0000 0.0.0000  0000/00 3832/04      80  80  ff   00000000 00000000");
	CHECK_LINE(out, "0.0.0001 0.0.0001  0000/00 3832/05      80  80  ff   00000000 00000000");
	free(out);
	w_down(&w);
}

TEST(e2e_vmm_kill_ends_a_daemonized_vm)
{
	struct w w;

	w_up(&w);
	start_guest(&w, "", "");
	CHECK_EQ(vmm_kill(w.vmm, "nope"), -ENOENT);
	CHECK_EQ(vmm_kill(w.vmm, "guest"), 0);
	CHECK(world_find_node(w.world, "guest") == NULL);
	CHECK_EQ(vmm_kill(w.vmm, "guest"), -ENOENT);
	/* The mdev is free again. */
	run_ok(&w, "host", "mdevctl stop -u " UUID);
	w_down(&w);
}

TEST(e2e_guest_memory_larger_than_the_host_is_refused)
{
	struct w w;
	char *out;
	int st;

	w_up(&w);
	out = run(&w, "host", "qemu-system-s390x -name big -m 64G -daemonize", &st);
	CHECK_EQ(st, 1);
	CHECK_STR(
		out,
		"qemu-system-s390x: cannot set up guest memory 's390.ram': Cannot allocate memory\n");
	free(out);
	CHECK(world_find_node(w.world, "big") == NULL);
	w_down(&w);
}
