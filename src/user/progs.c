/* The command table: the programs every OS node gets. */
#include "user/progs.h"

#include "user/cmds.h"

void node_add_os_progs(struct node *n)
{
	static const struct {
		const char *name;
		prog_main fn;
	} progs[] = {
		{"lscss", cmd_lscss},
		{"lschp", cmd_lschp},
		{"chchp", cmd_chchp},
		{"chccwdev", cmd_chccwdev},
		{"lsdasd", cmd_lsdasd},
		{"dmesg", cmd_dmesg},
		{"dd", cmd_dd},
		{"md5sum", cmd_md5sum},
		{"cmp", cmd_cmp},
		{"cat", cmd_cat},
		{"head", cmd_head},
		{"tail", cmd_tail},
		{"grep", cmd_grep},
		{"wc", cmd_wc},
		{"printf", cmd_printf},
		{"tr", cmd_tr},
		{"driverctl", cmd_driverctl},
		{"mdevctl", cmd_mdevctl},
	};
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		node_add_prog(n, progs[i].name, progs[i].fn, NULL);
}
