/* /dev names at the size of a large host: every node is found by its name
 * among tens of thousands, a duplicate is refused, a node unregistered
 * while open stays behind its open file and its name can be taken again. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "os/vfs.h"
#include "t.h"

/* A node's size says which node it is. */
static ssize_t id_read(void *priv, void *buf, size_t len, uint64_t off)
{
	return 0;
}

static uint64_t id_size(void *priv)
{
	return (uint64_t)(uintptr_t)priv;
}

static unsigned id_blksize(void *priv)
{
	return 0;
}

static const struct vfs_dev_ops id_ops = {.read = id_read, .size = id_size, .blksize = id_blksize};

#define NODES 40000

static void node_name(char *buf, size_t len, const char *prefix, int i)
{
	snprintf(buf, len, "%s%d", prefix, i);
}

TEST(vfs_finds_each_of_forty_thousand_device_nodes_by_name)
{
	struct vfs *v = vfs_new(NULL);
	char name[32], path[40];
	int err = 0;

	CHECK(v != NULL);
	for (int i = 0; i < NODES; i++) {
		node_name(name, sizeof(name), i % 2 ? "dasd" : "sd", i);
		CHECK_EQ(vfs_register_dev(v, name, &id_ops, (void *)(uintptr_t)(i + 1)), 0);
	}
	CHECK_EQ(vfs_register_dev(v, "dasd1", &id_ops, NULL), -EEXIST);
	CHECK_EQ(vfs_register_dev(v, "zero", &id_ops, NULL), -EEXIST);
	for (int i = 0; i < NODES; i += 7) {
		struct vfs_file *f;

		node_name(name, sizeof(name), i % 2 ? "dasd" : "sd", i);
		snprintf(path, sizeof(path), "/dev/%s", name);
		f = vfs_open(v, path, VFS_RD, &err);
		CHECK(f != NULL);
		if (!f)
			break;
		CHECK_EQ(vfs_size(f), (uint64_t)(i + 1));
		vfs_close(f);
	}
	CHECK(vfs_open(v, "/dev/dasd0", VFS_RD, &err) == NULL); /* "sd0" exists, not this */
	CHECK_EQ(err, -ENOENT);
	/* Half of them go away and come back with other owners. */
	for (int i = 0; i < NODES; i += 2) {
		node_name(name, sizeof(name), "sd", i);
		vfs_unregister_dev(v, name);
	}
	CHECK(vfs_open(v, "/dev/sd4", VFS_RD, &err) == NULL);
	for (int i = 0; i < NODES; i += 2) {
		node_name(name, sizeof(name), "sd", i);
		CHECK_EQ(vfs_register_dev(v, name, &id_ops, (void *)(uintptr_t)(NODES + i)), 0);
	}
	for (int i = 0; i < NODES; i += 13) {
		struct vfs_file *f;

		snprintf(path, sizeof(path), "/dev/%s%d", i % 2 ? "dasd" : "sd", i);
		f = vfs_open(v, path, VFS_RD, &err);
		CHECK(f != NULL);
		if (!f)
			break;
		CHECK_EQ(vfs_size(f), (uint64_t)(i % 2 ? i + 1 : NODES + i));
		vfs_close(f);
	}
	vfs_free(v);
}

TEST(vfs_node_unregistered_while_open_stays_with_its_file_and_its_name_is_free)
{
	struct vfs *v = vfs_new(NULL);
	struct vfs_file *old, *cur;
	int err = 0;

	CHECK(v != NULL);
	for (int i = 0; i < 1000; i++) { /* enough to grow the table */
		char name[32];

		node_name(name, sizeof(name), "dasd", i);
		CHECK_EQ(vfs_register_dev(v, name, &id_ops, (void *)(uintptr_t)(i + 1)), 0);
	}
	old = vfs_open(v, "/dev/dasd500", VFS_RD, &err);
	CHECK(old != NULL);
	if (!old) {
		vfs_free(v);
		return;
	}
	vfs_unregister_dev(v, "dasd500");
	CHECK(vfs_open(v, "/dev/dasd500", VFS_RD, &err) == NULL);
	CHECK_EQ(err, -ENOENT);
	CHECK_EQ(vfs_size(old), 0); /* gone: no size */
	CHECK_EQ(vfs_register_dev(v, "dasd500", &id_ops, (void *)(uintptr_t)7777), 0);
	cur = vfs_open(v, "/dev/dasd500", VFS_RD, &err);
	CHECK(cur != NULL);
	if (cur)
		CHECK_EQ(vfs_size(cur), 7777);
	vfs_close(old); /* frees the old node, not the new one */
	if (cur) {
		CHECK_EQ(vfs_size(cur), 7777);
		vfs_close(cur);
	}
	cur = vfs_open(v, "/dev/dasd500", VFS_RD, &err);
	CHECK(cur != NULL);
	if (cur)
		vfs_close(cur);
	vfs_free(v);
}
