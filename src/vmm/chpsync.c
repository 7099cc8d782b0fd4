/* The registry of path-sync policies (one file per policy). */
#include "vmm/chpsync.h"

#include <errno.h>
#include <string.h>

static const struct chpsync_ops *const policies[NR_CHPSYNC_POLICIES] = {
	[CHPSYNC_EAGER] = &chpsync_eager_ops,
	[CHPSYNC_LAZY] = &chpsync_lazy_ops,
	[CHPSYNC_QEMU] = &chpsync_qemu_ops,
};

const struct chpsync_ops *chpsync_ops(enum chpsync_policy policy)
{
	return (unsigned)policy < NR_CHPSYNC_POLICIES ? policies[policy] : NULL;
}

int chpsync_policy_parse(const char *name, enum chpsync_policy *out)
{
	for (int i = 0; i < NR_CHPSYNC_POLICIES; i++) {
		if (!strcmp(policies[i]->name, name)) {
			*out = (enum chpsync_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}
