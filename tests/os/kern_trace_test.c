/* Kernel log lines are world events: each one is in the sim trace under
 * the OS's hostname, debug-only lines included (which dmesg leaves out). */
#include <stdlib.h>
#include <string.h>

#include "kern_fixture.h"
#include "os/os.h"
#include "t.h"

static bool trace_has(struct sim *sim, const char *text)
{
	for (size_t i = 0; i < sim_trace_count(sim); i++)
		if (strstr(sim_trace_line(sim, i), text))
			return true;
	return false;
}

TEST(kern_log_lines_are_trace_events_under_the_hostname)
{
	struct kf f;
	char *dmesg;

	kf_init(&f, 100, 0, false);
	os_printk(f.os, "a console line %d", 1);
	os_printk_debug(f.os, "a dmesg-only line %d", 2);
	os_pr_debug(f.os, "a debug-only line %d", 3);
	CHECK(trace_has(f.sim, "host: a console line 1"));
	CHECK(trace_has(f.sim, "host: a dmesg-only line 2"));
	CHECK(trace_has(f.sim, "host: a debug-only line 3"));
	dmesg = os_dmesg(f.os);
	CHECK(strstr(dmesg, "a dmesg-only line 2") != NULL);
	CHECK(strstr(dmesg, "a debug-only line 3") == NULL);
	free(dmesg);
	kf_fini(&f);
}
