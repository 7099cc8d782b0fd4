/* The hmc node: the Hardware Management Console's actions on the machine,
 * as commands (activate, chp, status).  docs/scenario.md lists them. */
#ifndef CHPSYNC_CLI_HMC_H
#define CHPSYNC_CLI_HMC_H

struct node;
struct machine;

struct hmc {
	struct machine *m;
	const char *basedir; /* relative file names start here ("" = cwd) */
};

/* Register the hmc programs on node n.  h is their context: the caller
 * owns it and keeps it (and basedir) alive as long as the node. */
void hmc_install(struct node *n, struct hmc *h);

#endif
