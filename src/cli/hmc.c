/* hmc node programs: what an operator does on the HMC/SE of the machine.
 *
 *   activate FILE          load an I/O configuration (IOCP deck)
 *   chp fail|repair ID     physical link failure / repair of a channel path
 *   chp configure|deconfigure ID
 *                          SE-initiated configure on / off (no SCCB)
 *   status                 the machine's state
 *
 * They act on the machine directly (machine/machine.h): the host OS learns
 * about the change only the architected way, by CRWs and machine checks.
 */
#include "cli/hmc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/ids.h"
#include "machine/machine.h"
#include "user/node.h"

static int activate_main(struct proc *p, void *ctx, int argc, char **argv)
{
	struct hmc *h = ctx;
	char err[512], *path = NULL;
	int rc;

	if (argc != 2) {
		proc_eprintf(p, "activate: expected one IOCP file\nusage: activate FILE.iocp\n");
		return 1;
	}
	if (argv[1][0] == '/' || !h->basedir[0])
		path = strdup(argv[1]);
	else if (asprintf(&path, "%s/%s", h->basedir, argv[1]) < 0)
		path = NULL;
	if (!path) {
		proc_eprintf(p, "activate: out of memory\n");
		return 1;
	}
	rc = machine_load_iocp(h->m, path, err, sizeof(err));
	free(path);
	if (rc < 0) {
		proc_eprintf(p, "activate: %s\n", err);
		return 1;
	}
	proc_printf(p, "Activate %s... done.\n", argv[1]);
	return 0;
}

static int chp_configure(struct machine *m, uint8_t chpid)
{
	return machine_chp_configure(m, chpid, true);
}

static int chp_deconfigure(struct machine *m, uint8_t chpid)
{
	return machine_chp_configure(m, chpid, false);
}

static const struct chp_action {
	const char *name;
	const char *done;
	const char *already; /* the path is in that state already */
	int (*fn)(struct machine *m, uint8_t chpid);
} chp_actions[] = {
	{"fail", "link failed", "the link has already failed", machine_chp_fail},
	{"repair", "link repaired", "the link is up: nothing to repair", machine_chp_repair},
	{"configure", "configured", "the channel path is already configured", chp_configure},
	{"deconfigure", "deconfigured", "the channel path is already in standby", chp_deconfigure},
};

static int chp_usage(struct proc *p, const char *what)
{
	proc_eprintf(p, "chp: %s\nusage: chp fail|repair|configure|deconfigure CHPID\n", what);
	return 1;
}

static int chp_main(struct proc *p, void *ctx, int argc, char **argv)
{
	struct hmc *h = ctx;
	const struct chp_action *a = NULL;
	struct chpid c;
	char id[8];
	int rc;

	if (argc != 3)
		return chp_usage(p, "expected an action and a CHPID");
	for (size_t i = 0; i < sizeof(chp_actions) / sizeof(chp_actions[0]); i++)
		if (!strcmp(argv[1], chp_actions[i].name))
			a = &chp_actions[i];
	if (!a) {
		proc_eprintf(p, "chp: unknown action '%s'\n", argv[1]);
		return chp_usage(p, "expected fail, repair, configure or deconfigure");
	}
	if (chpid_parse(argv[2], &c) < 0) {
		proc_eprintf(p, "chp: '%s' is not a CHPID (e.g. 0.42 or 42)\n", argv[2]);
		return 1;
	}
	chpid_fmt(&c, id);
	if (c.cssid != 0) {
		proc_eprintf(p, "chp: %s: the machine has only channel subsystem 0\n", id);
		return 1;
	}
	rc = a->fn(h->m, c.id);
	if (rc < 0) {
		proc_eprintf(p, "chp: %s: %s\n", id,
			     rc == -ENOENT     ? "no such channel path"
			     : rc == -EALREADY ? a->already
					       : strerror(-rc));
		return 1;
	}
	proc_printf(p, "Channel path %s %s.\n", id, a->done);
	return 0;
}

static int status_main(struct proc *p, void *ctx, int argc, char **argv)
{
	struct hmc *h = ctx;
	char *s;

	if (argc != 1) {
		proc_eprintf(p, "status: no arguments expected\nusage: status\n");
		return 1;
	}
	s = machine_status(h->m);
	if (!s) {
		proc_eprintf(p, "status: out of memory\n");
		return 1;
	}
	proc_write(p, s, strlen(s));
	free(s);
	return 0;
}

void hmc_install(struct node *n, struct hmc *h)
{
	node_add_prog(n, "activate", activate_main, h);
	node_add_prog(n, "chp", chp_main, h);
	node_add_prog(n, "status", status_main, h);
}
