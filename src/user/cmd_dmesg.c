/* dmesg: print the kernel ring buffer ("[    s.us] text" lines). */
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/os.h"

int cmd_dmesg(struct proc *p, void *ctx, int argc, char **argv)
{
	char *log;

	if (argc > 1) {
		if (argv[1][0] == '-')
			proc_eprintf(p,
				     "dmesg: unrecognized option '%s'\n"
				     "Try 'dmesg --help' for more information.\n",
				     argv[1]);
		else
			proc_eprintf(p, "dmesg: bad usage\n"
					"Try 'dmesg --help' for more information.\n");
		return 1;
	}
	if (!proc_os(p))
		return 1;
	log = os_dmesg(proc_os(p));
	if (!log) {
		proc_eprintf(p, "dmesg: read kernel buffer failed: Cannot allocate memory\n");
		return 1;
	}
	proc_write(p, log, strlen(log));
	free(log);
	return 0;
}
