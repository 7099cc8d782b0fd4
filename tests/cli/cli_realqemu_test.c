/* The masking rule of --real-qemu runs (cli/realqemu.h): only kernel time
 * stamps at line starts, dd's timing summary and carriage returns. */
#include <stdlib.h>

#include "cli/realqemu.h"
#include "t.h"

static void check_mask(const char *in, const char *want)
{
	char *s = strdup(in);

	realqemu_mask(s);
	CHECK_STR(s, want);
	free(s);
}

TEST(realqemu_mask_kernel_timestamps)
{
	check_mask("[   27.535932] dasd-eckd 0.0.3f3f: New DASD\r\n[12345.000001]  dasda:VOL1/\n",
		   "[T] dasd-eckd 0.0.3f3f: New DASD\n[T]  dasda:VOL1/\n");
}

TEST(realqemu_mask_leaves_everything_else)
{
	/* not a time stamp: too few digits, not at the line start, a prompt */
	check_mask("[1.5] x\nsee [    1.000000] y\n[root@guest ~]# lscss\n0.0.3f3f f0\n",
		   "[1.5] x\nsee [    1.000000] y\n[root@guest ~]# lscss\n0.0.3f3f f0\n");
	check_mask("", "");
	check_mask("no newline", "no newline");
}

TEST(realqemu_mask_dd_summary)
{
	check_mask("16+0 records in\n16+0 records out\n16777216 bytes (16.0MB) copied, 3.459431 seconds, "
		   "4.6MB/s\nnext\n",
		   "16+0 records in\n16+0 records out\n16777216 bytes (16.0MB) copied, T seconds, R/s\n"
		   "next\n");
}
