/* The command table: the programs of an OS node (src/user/cmd_*.c). */
#ifndef CHPSYNC_USER_PROGS_H
#define CHPSYNC_USER_PROGS_H

#include "user/node.h"

/* Programs every OS node gets (lscss, lschp, chchp, chccwdev, lsdasd,
 * dmesg, dd, md5sum, cmp, cat, head, tail, grep, wc, driverctl, mdevctl). */
void node_add_os_progs(struct node *n);

#endif
