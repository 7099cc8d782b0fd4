/* The path-sync policy registry: every policy has a complete ops table
 * under its chpsync= name, and nothing else is a policy. */
#include <errno.h>

#include "t.h"
#include "vmm/chpsync.h"

TEST(chpsync_every_policy_has_a_complete_table)
{
	for (int i = 0; i < NR_CHPSYNC_POLICIES; i++) {
		const struct chpsync_ops *o = chpsync_ops((enum chpsync_policy)i);
		enum chpsync_policy back;

		CHECK(o != NULL);
		CHECK(o->name && o->name[0]);
		CHECK(o->on_crw && o->on_stsch && o->on_io_irq && o->on_flush);
		CHECK_EQ(chpsync_policy_parse(o->name, &back), 0);
		CHECK_EQ(back, i);
	}
	CHECK(chpsync_ops(NR_CHPSYNC_POLICIES) == NULL);
}

TEST(chpsync_names_are_the_letter_and_upstream)
{
	enum chpsync_policy p = NR_CHPSYNC_POLICIES;

	CHECK_EQ(chpsync_policy_parse("lazy", &p), 0);
	CHECK_EQ(p, CHPSYNC_LAZY);
	CHECK(chpsync_ops(p) == &chpsync_lazy_ops);
	CHECK_EQ(chpsync_policy_parse("eager", &p), 0);
	CHECK_EQ(p, CHPSYNC_EAGER);
	CHECK(chpsync_ops(p) == &chpsync_eager_ops);
	CHECK_EQ(chpsync_policy_parse("qemu", &p), 0);
	CHECK_EQ(p, CHPSYNC_QEMU);
	CHECK(chpsync_ops(p) == &chpsync_qemu_ops);
	CHECK_EQ(chpsync_policy_parse("fast", &p), -EINVAL);
	CHECK_EQ(chpsync_policy_parse("", &p), -EINVAL);
	CHECK_EQ(chpsync_policy_parse("Lazy", &p), -EINVAL);
}
