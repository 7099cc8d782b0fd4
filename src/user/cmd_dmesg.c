/* dmesg: print the kernel ring buffer ("[    s.us] text" lines). */
#include <stdlib.h>
#include <string.h>

#include "os/syslog.h"
#include "user/cmds.h"

int cmd_dmesg(struct proc *p, void *ctx, int argc, char **argv)
{
	char *log, *line, *end, *q;
	int n;

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
	/* As util-linux dmesg with the syslog(2) backend: size, read all,
	 * then print each record without its "<level>" prefix. */
	n = proc_syslog(p, SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	if (n < 0)
		return 1;
	log = malloc((size_t)n + 1);
	if (!log) {
		proc_eprintf(p, "dmesg: read kernel buffer failed: Cannot allocate memory\n");
		return 1;
	}
	n = proc_syslog(p, SYSLOG_ACTION_READ_ALL, log, n);
	if (n < 0) {
		proc_eprintf(p, "dmesg: read kernel buffer failed: %s\n", strerror(-n));
		free(log);
		return 1;
	}
	for (line = log; line < log + n; line = end + 1) {
		end = memchr(line, '\n', (size_t)(log + n - line));
		if (!end)
			end = log + n;
		if (*line == '<' && (q = memchr(line, '>', (size_t)(end - line))))
			line = q + 1;
		proc_write(p, line, (size_t)(end - line));
		if (end < log + n)
			proc_write(p, "\n", 1);
	}
	free(log);
	return 0;
}
