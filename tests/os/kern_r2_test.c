/* Kernel model, second pass: SCLP cache expiry on channel-path reports,
 * dynamic I/O reconfiguration, subchannels that go away, destroy while
 * booting, large requests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kern_fixture.h"
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
