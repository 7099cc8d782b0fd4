/* Kernel model, second pass: SCLP cache expiry on channel-path reports,
 * dynamic I/O reconfiguration, subchannels that go away, destroy while
 * booting, large requests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kern_fixture.h"
#include "dev/eckd.h"
#include "machine/machine.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "t.h"

static void check_attr(struct kf *f, const char *path, const char *want)
{
	int rc = -1;
	const char *got = kf_read(f, path, &rc);

	if (rc)
		t_fail(__FILE__, __LINE__, "read %s: %d", path, rc);
	CHECK_STR(got, want);
}

/* A channel-path report expires the one-second SCLP cache (the configure
 * state may have changed with it); without a report the cache holds for
 * its second, as in Linux. */
TEST(kern_chp_crw_expires_sclp_info_cache)
{
	struct kf f;

	kf_init(&f, 20, 0, false);
	check_attr(&f, KF_CHP("42") "/configure", "1\n");
	CHECK_EQ(machine_chp_configure(f.m, 0x42, false), 0);
	kf_run_for(&f, 1 * SIM_MS);
	check_attr(&f, KF_CHP("42") "/configure", "0\n");
	/* A change the OS is not told about stays hidden for the second. */
	f.hold_crws = true;
	CHECK_EQ(machine_chp_configure(f.m, 0x42, true), 0);
	kf_run_for(&f, 1 * SIM_MS);
	check_attr(&f, KF_CHP("42") "/configure", "0\n");
	kf_run_for(&f, 1 * SIM_S);
	check_attr(&f, KF_CHP("42") "/configure", "1\n");
	kf_fini(&f);
}

/* A machine with the default deck and a 20-cylinder 3390, no OS yet. */
static struct machine *bare_machine(struct sim *sim, struct ccwdev **dev)
{
	static const uint8_t chpids[4] = {0x42, 0x43, 0x44, 0x45};
	struct machine_config mc = {0};
	struct eckd_config ec = {0};
	struct machine *m;
	char err[256], path[512];
	int i;

	mc.storage_size = 64u << 20;
	mc.workdir = t_tmpdir();
	m = machine_new(sim, &mc);
	CHECK(m != NULL);
	snprintf(path, sizeof(path), "%s/r2_destroy.3390", t_tmpdir());
	CHECK_EQ(eckd_create_image(path, 20, "0X3F3F", true, err, sizeof(err)), 0);
	ec.image = path;
	ec.cu_type = 0x3990;
	ec.devno = 0x3f3f;
	ec.latency = 50 * SIM_US;
	*dev = eckd_open(sim, &ec, err, sizeof(err));
	CHECK(*dev != NULL);
	for (i = 0; i < 4; i++)
		CHECK_EQ(machine_add_chpid(m, chpids[i], 0x1b, false), 0);
	CHECK_EQ(machine_add_device(m, 0, 0x13f, 0x3f3f, chpids, 4, *dev), 0x13f);
	return m;
}

/* os_destroy while the OS is still booting (before init ran, and at
 * several points inside boot: SCLP read, Sense ID, the userspace sleep),
 * then the world goes on and is freed: no use after free (run under
 * ASan), and the destroyed OS takes no more interruptions. */
TEST(kern_destroy_while_booting_then_sim_free)
{
	static const uint64_t at[] = {0, 1, 20 * SIM_US, 200 * SIM_US, 2 * SIM_MS, SIM_S};
	size_t i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		struct sim *sim = sim_new(7);
		struct ccwdev *dev;
		struct machine *m = bare_machine(sim, &dev);
		struct os_config oc = {"host", 16u << 20};
		struct os *os = os_create(sim, machine_css(m), &oc);

		CHECK(os != NULL);
		if (at[i])
			sim_run_to(sim, sim_now(sim) + at[i]);
		CHECK(!os_booted(os));
		os_destroy(os);
		/* The machine keeps running: a path event after the OS is gone. */
		CHECK_EQ(machine_chp_configure(m, 0x42, false), 0);
		sim_run_to(sim, sim_now(sim) + 5 * SIM_S);
		machine_free(m);
		sim_free(sim);
	}
}
