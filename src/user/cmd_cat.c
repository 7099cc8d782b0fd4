/* cat FILE...: concatenate to stdout (GNU messages; no options). */
#include <string.h>

#include "user/cmds.h"

int cmd_cat(struct proc *p, void *ctx, int argc, char **argv)
{
	static const char *const dash[] = {"-", NULL};
	const char *const *files = argc > 1 ? (const char *const *)argv + 1 : dash;
	char buf[4096];
	int status = 0;

	for (; *files; files++) {
		struct uinput in;
		long n;
		int err;

		if ((*files)[0] == '-' && (*files)[1]) {
			proc_eprintf(p,
				     "cat: invalid option -- '%c'\n"
				     "Try 'cat --help' for more information.\n",
				     (*files)[1]);
			return 1;
		}
		err = uinput_open(p, *files, &in);
		if (err) {
			proc_eprintf(p, "cat: %s: %s\n", *files, strerror(-err));
			status = 1;
			continue;
		}
		while ((n = uinput_read(&in, buf, sizeof(buf))) > 0) {
			proc_write(p, buf, (size_t)n);
			if (proc_output_closed(p) || proc_signalled(p)) {
				uinput_close(&in);
				return PROC_SIGPIPE;
			}
		}
		if (n < 0) {
			proc_eprintf(p, "cat: %s: %s\n", *files, strerror((int)-n));
			status = 1;
		}
		uinput_close(&in);
	}
	return status;
}
