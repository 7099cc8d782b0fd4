/* md5sum FILE...: "<hex>  <name>" per file ("-" for stdin), GNU messages. */
#include <errno.h>
#include <string.h>

#include "user/cmds.h"
#include "user/md5.h"

/* Hashing costs CPU time: MD5 at about 650 MB/s (docs/timing.md). */
#define MD5_PS_PER_BYTE 1500

static int sum_one(struct proc *p, const char *name)
{
	struct uinput in;
	struct md5_ctx c;
	unsigned char buf[16384], d[16];
	long n;
	int err = uinput_open(p, name, &in), i;

	if (err) {
		proc_eprintf(p, "md5sum: %s: %s\n", name, strerror(-err));
		return 1;
	}
	md5_init(&c);
	while ((n = uinput_read(&in, buf, sizeof(buf))) > 0) {
		md5_update(&c, buf, (size_t)n);
		if (proc_cpu(p, (sim_time_t)n * MD5_PS_PER_BYTE / 1000) < 0) {
			n = -EINTR;
			break;
		}
	}
	uinput_close(&in);
	if (n < 0) {
		proc_eprintf(p, "md5sum: %s: %s\n", name, strerror((int)-n));
		return 1;
	}
	md5_final(&c, d);
	for (i = 0; i < 16; i++)
		proc_printf(p, "%02x", d[i]);
	proc_printf(p, "  %s\n", name);
	return 0;
}

int cmd_md5sum(struct proc *p, void *ctx, int argc, char **argv)
{
	int i, status = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			proc_eprintf(p,
				     "md5sum: invalid option -- '%c'\n"
				     "Try 'md5sum --help' for more information.\n",
				     argv[i][1]);
			return 1;
		}
	}
	if (argc < 2)
		return sum_one(p, "-");
	for (i = 1; i < argc; i++)
		status |= sum_one(p, argv[i]);
	return status;
}
