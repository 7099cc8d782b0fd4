/* sysfs tree and vfs files as the commands see them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "user/md5.h"
#include "os/vfs.h"
#include "t.h"
#include "user_fixture.h"

static int wo_store(void *obj, long arg, const char *buf, size_t len)
{
	return 0;
}

static const struct sysfs_attr_ops wo_ops = {NULL, wo_store};

TEST(sysfs_links_resolve_relative_and_absolute)
{
	struct sysfs *fs = sysfs_new();
	char buf[64], **names;
	int n;

	CHECK_EQ(sysfs_mkdir(fs, "/sys/devices/css0/0.0.013f"), 0);
	CHECK_EQ(sysfs_mkdir(fs, "/sys/devices/css0/0.0.013f"), 0);
	CHECK_EQ(sysfs_symlink(fs, "/sys/bus/css/devices/0.0.013f",
			       "../../../devices/css0/0.0.013f"),
		 0);
	CHECK_EQ(sysfs_symlink(fs, "/sys/bus/css/devices/abs", "/sys/devices/css0"), 0);
	CHECK_EQ(sysfs_attr(fs, "/sys/devices/css0/0.0.013f/bind", &wo_ops, NULL, 0), 0);
	CHECK(sysfs_is_dir(fs, "/sys/bus/css/devices/0.0.013f"));
	CHECK(sysfs_is_dir(fs, "/sys/bus/css/devices/abs/0.0.013f"));
	CHECK(sysfs_exists(fs, "/sys/bus/css/devices/0.0.013f/../0.0.013f/bind"));
	CHECK(sysfs_writable(fs, "/sys/bus/css/devices/0.0.013f/bind"));
	CHECK_EQ(sysfs_read(fs, "/sys/bus/css/devices/0.0.013f/bind", buf, sizeof(buf)), -EACCES);
	CHECK_EQ(sysfs_read(fs, "/sys/bus/css/devices/0.0.013f", buf, sizeof(buf)), -EISDIR);
	CHECK_EQ(sysfs_read(fs, "/sys/nope", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(sysfs_write(fs, "/sys/nope", "1"), -ENOENT);
	/* Stored as the kernel writes links: relative. */
	CHECK_EQ(sysfs_readlink(fs, "/sys/bus/css/devices/abs", buf, sizeof(buf)), 21);
	CHECK_STR(buf, "../../../devices/css0");
	CHECK_EQ(sysfs_attr(fs, "/sys/devices/css0/0.0.013f/bind", &wo_ops, NULL, 0), -EEXIST);
	n = sysfs_list(fs, "/sys/bus/css/devices", &names);
	CHECK_EQ(n, 2);
	CHECK_STR(names[0], "0.0.013f");
	CHECK_STR(names[1], "abs");
	sysfs_names_free(names, n);
	CHECK_EQ(sysfs_remove(fs, "/sys/devices/css0"), 0);
	CHECK(!sysfs_exists(fs, "/sys/bus/css/devices/0.0.013f"));
	CHECK(sysfs_readlink(fs, "/sys/bus/css/devices/0.0.013f", buf, sizeof(buf)) > 0);
	CHECK_EQ(sysfs_remove(fs, "/sys/devices/css0"), -ENOENT);
	sysfs_free(fs);
}

TEST(sysfs_link_loop_is_eloop)
{
	struct sysfs *fs = sysfs_new();
	char buf[8];

	CHECK_EQ(sysfs_symlink(fs, "/a", "/b"), 0);
	CHECK_EQ(sysfs_symlink(fs, "/b", "/a"), 0);
	CHECK_EQ(sysfs_read(fs, "/a", buf, sizeof(buf)), -ELOOP);
	CHECK_EQ(sysfs_mkdir(fs, "relative"), -EINVAL);
	sysfs_free(fs);
}

TEST(md5_rfc1321_vectors)
{
	static const struct {
		const char *in, *hex;
	} v[] = {
		{"", "d41d8cd98f00b204e9800998ecf8427e"},
		{"abc", "900150983cd24fb0d6963f7d28e17f72"},
		{"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
		{"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		 "57edf4a22be3c955ac49da2e2107b67a"},
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct md5_ctx c;
		unsigned char d[16];
		char hex[33];
		int j;

		md5_init(&c);
		md5_update(&c, v[i].in, strlen(v[i].in));
		md5_final(&c, d);
		for (j = 0; j < 16; j++)
			snprintf(hex + 2 * j, 3, "%02x", d[j]);
		CHECK_STR(hex, v[i].hex);
	}
}

/* A 64 KiB block device with 4 KiB blocks that only takes whole blocks. */
struct blkdev {
	unsigned char data[65536];
	int calls;
};

static ssize_t blk_read(void *priv, void *buf, size_t len, uint64_t off)
{
	struct blkdev *b = priv;

	if (off % 4096 || len % 4096)
		return -EINVAL;
	memcpy(buf, b->data + off, len);
	b->calls++;
	return (ssize_t)len;
}

static ssize_t blk_write(void *priv, const void *buf, size_t len, uint64_t off)
{
	struct blkdev *b = priv;

	if (off % 4096 || len % 4096)
		return -EINVAL;
	memcpy(b->data + off, buf, len);
	b->calls++;
	return (ssize_t)len;
}

static uint64_t blk_size(void *priv)
{
	return 65536;
}

static unsigned blk_bs(void *priv)
{
	return 4096;
}

static const struct vfs_dev_ops blk_ops = {blk_read, blk_write, blk_size, blk_bs};

TEST(vfs_block_device_read_modify_write)
{
	struct ufix f;
	static struct blkdev b;
	struct vfs_file *fp;
	char buf[16];
	int err;

	ufix_init(&f);
	memset(&b, 0, sizeof(b));
	CHECK_EQ(vfs_register_dev(f.os.vfs, "dasda", &blk_ops, &b), 0);
	CHECK_EQ(vfs_register_dev(f.os.vfs, "dasda", &blk_ops, &b), -EEXIST);
	fp = vfs_open(f.os.vfs, "/dev/dasda", VFS_RD | VFS_WR, &err);
	CHECK(fp);
	CHECK_EQ(vfs_size(fp), 65536);
	CHECK_EQ(vfs_pwrite(fp, "hello", 5, 4094), 5);
	CHECK_MEM(b.data + 4094, "hello", 5);
	CHECK_EQ(vfs_pread(fp, buf, 5, 4094), 5);
	CHECK_MEM(buf, "hello", 5);
	CHECK_EQ(vfs_pread(fp, buf, 16, 65530), 6);
	CHECK_EQ(vfs_pread(fp, buf, 16, 65536), 0);
	CHECK_EQ(vfs_pwrite(fp, "x", 1, 65536), -ENOSPC);
	/* unregistered while open: I/O fails, the name is free again */
	vfs_unregister_dev(f.os.vfs, "dasda");
	CHECK_EQ(vfs_pread(fp, buf, 4, 0), -ENODEV);
	CHECK(vfs_open(f.os.vfs, "/dev/dasda", VFS_RD, &err) == NULL);
	CHECK_EQ(err, -ENOENT);
	vfs_close(fp);
	ufix_fini(&f);
}

TEST(dd_copies_through_block_device_and_reports_gnu_stats)
{
	struct ufix f;
	static struct blkdev b;

	ufix_init(&f);
	memset(&b, 0, sizeof(b));
	CHECK_EQ(vfs_register_dev(f.os.vfs, "dasda", &blk_ops, &b), 0);
	CHECK_STR(ufix_run(&f, "dd if=/dev/urandom of=/tmp/r bs=1k count=8"),
		  "8+0 records in\n8+0 records out\n8192 bytes (8.2 kB, 8.0 KiB) copied, "
		  "3.8112e-05 s, 215 MB/s\n");
	CHECK_EQ(f.status, 0);
	CHECK_STR(ufix_run(&f, "dd if=/tmp/r of=/dev/dasda bs=4096 seek=1 status=none"), "");
	CHECK_STR(ufix_run(&f, "cmp /tmp/r /dev/dasda -i 0 -n 4096 >/dev/null; echo $?"), "1\n");
	CHECK_STR(
		ufix_run(
			&f,
			"dd if=/dev/dasda bs=4k skip=1 count=2 status=none | cmp - /tmp/r; echo $?"),
		"0\n");
	CHECK_STR(ufix_run(&f, "dd if=/dev/dasda of=/tmp/x bs=100 count=3 skip=1"),
		  "3+0 records in\n3+0 records out\n300 bytes copied, 6.06e-06 s, 50 MB/s\n");
	CHECK_STR(ufix_run(&f, "dd if=/tmp/x of=/dev/null bs=512"),
		  "0+1 records in\n0+1 records out\n300 bytes copied, 4.06e-06 s, 74 MB/s\n");
	CHECK_STR(ufix_run(&f, "dd if=/dev/zero of=/dev/dasda bs=64k count=2"),
		  "dd: error writing '/dev/dasda': No space left on device\n"
		  "2+0 records in\n1+0 records out\n65536 bytes (66 kB, 64 KiB) copied, "
		  "2.3659e-05 s, 2.8 GB/s\n");
	CHECK_EQ(f.status, 1);
	ufix_fini(&f);
}

/* The md5sum line of 4 KiB of /dev/urandom in a world of `seed`. */
static void urandom_md5(uint64_t seed, char out[64])
{
	struct ufix f;

	ufix_init_seed(&f, seed);
	snprintf(out, 64, "%s",
		 ufix_run(&f, "dd if=/dev/urandom bs=1k count=4 status=none | md5sum"));
	ufix_fini(&f);
}

TEST(dd_urandom_is_deterministic_per_seed)
{
	char a[64], again[64], b[64], zeros[64];
	struct ufix f;

	urandom_md5(42, a);
	urandom_md5(42, again);
	urandom_md5(43, b);
	ufix_init(&f);
	snprintf(zeros, sizeof(zeros), "%s",
		 ufix_run(&f, "dd if=/dev/zero bs=1k count=4 status=none | md5sum"));
	ufix_fini(&f);
	CHECK_STR(again, a);	      /* the same seed, the same bytes */
	CHECK(strcmp(a, b) != 0);     /* another seed, other bytes */
	CHECK(strcmp(a, zeros) != 0); /* and not zeros */
	CHECK(strstr(a, "  -\n") != NULL);
}

TEST(dd_seek_truncates_regular_files_unless_notrunc)
{
	struct ufix f;

	ufix_init(&f);
	ufix_run(&f, "echo 0123456789 > /tmp/t");
	CHECK_STR(ufix_run(&f, "echo ab | dd of=/tmp/t bs=1 seek=4 status=none; cat /tmp/t"),
		  "0123ab\n");
	ufix_run(&f, "echo 0123456789 > /tmp/t");
	CHECK_STR(ufix_run(&f, "echo -n ab | dd of=/tmp/t bs=1 seek=4 conv=notrunc status=none; "
			       "cat /tmp/t"),
		  "0123ab6789\n");
	CHECK_STR(ufix_run(&f, "echo -n ab | dd of=/tmp/new bs=1 seek=3 status=none; "
			       "cmp /tmp/new /dev/zero"),
		  "/tmp/new /dev/zero differ: byte 4, line 1\n");
	ufix_fini(&f);
}

/* GNU iflag=skip_bytes / oflag=seek_bytes: skip= and seek= count bytes,
 * so one large block can start anywhere. */
TEST(dd_skip_and_seek_in_bytes)
{
	struct ufix f;

	ufix_init(&f);
	ufix_run(&f, "echo 0123456789 > /tmp/t");
	CHECK_STR(ufix_run(&f, "dd if=/tmp/t bs=4 count=1 skip=3 iflag=skip_bytes status=none"),
		  "3456");
	CHECK_STR(ufix_run(&f, "cat /tmp/t | dd bs=4 count=1 skip=5 iflag=skip_bytes status=none"),
		  "5678");
	CHECK_STR(ufix_run(&f, "echo -n ab | dd of=/tmp/t bs=8 seek=7 oflag=seek_bytes "
			       "conv=notrunc status=none; cat /tmp/t"),
		  "0123456ab9\n");
	CHECK_STR(ufix_run(&f, "dd if=/tmp/t bs=2 skip=1 oflag=skip_bytes status=none"),
		  "dd: invalid output flag: 'skip_bytes'\n"
		  "Try 'dd --help' for more information.\n");
	ufix_fini(&f);
}

TEST(dd_errors)
{
	struct ufix f;

	ufix_init(&f);
	CHECK_STR(ufix_run(&f, "dd foo"),
		  "dd: unrecognized operand 'foo'\nTry 'dd --help' for more information.\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "dd bs=12q"), "dd: invalid number: '12q'\n");
	CHECK_STR(ufix_run(&f, "dd bs=0"), "dd: invalid number: '0'\n");
	CHECK_STR(ufix_run(&f, "dd if=/tmp/none"),
		  "dd: failed to open '/tmp/none': No such file or directory\n");
	CHECK_STR(ufix_run(&f, "dd if=/dev/zero of=/etc/x count=1"),
		  "dd: failed to open '/etc/x': Permission denied\n");
	CHECK_STR(ufix_run(&f, "dd iflag=bogus"),
		  "dd: invalid input flag: 'bogus'\nTry 'dd --help' for more information.\n");
	CHECK_STR(ufix_run(&f,
			   "dd if=/dev/zero of=/dev/null bs=1M count=1 iflag=direct oflag=direct"),
		  "1+0 records in\n1+0 records out\n1048576 bytes (1.0 MB, 1.0 MiB) copied, "
		  "0.000211714 s, 5.0 GB/s\n");
	CHECK_STR(
		ufix_run(&f, "dd if=/dev/zero of=/dev/null bs=1KB count=1"),
		"1+0 records in\n1+0 records out\n1000 bytes (1.0 kB) copied, 2.2e-06 s, 455 MB/s\n");
	CHECK_STR(ufix_run(&f, "dd if=/dev/zero of=/dev/null bs=1KB count=1 status=noxfer"),
		  "1+0 records in\n1+0 records out\n");
	ufix_fini(&f);
}

TEST(cmp_md5sum_cat_messages)
{
	struct ufix f;

	ufix_init(&f);
	ufix_run(&f, "echo abc > /tmp/a; echo abd > /tmp/b; echo -n abc > /tmp/c");
	CHECK_STR(ufix_run(&f, "cmp /tmp/a /tmp/b"), "/tmp/a /tmp/b differ: byte 3, line 1\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "cmp /tmp/a /tmp/c"), "cmp: EOF on /tmp/c after byte 3, line 1\n");
	CHECK_STR(ufix_run(&f, "cmp /tmp/c /tmp/a"), "cmp: EOF on /tmp/c after byte 3, line 1\n");
	ufix_run(&f, "echo ab > /tmp/d; echo ab; echo x >> /tmp/d");
	CHECK_STR(ufix_run(&f, "echo ab | cmp - /tmp/d"), "cmp: EOF on - after byte 3, line 1\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "cmp /tmp/a /dev/null"), "cmp: EOF on /dev/null which is empty\n");
	CHECK_STR(ufix_run(&f, "cmp -s /tmp/a /tmp/b"), "");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "cmp /tmp/a /tmp/a"), "");
	CHECK_EQ(f.status, 0);
	CHECK_STR(ufix_run(&f, "cmp /tmp/a /tmp/zz"), "cmp: /tmp/zz: No such file or directory\n");
	CHECK_EQ(f.status, 2);
	CHECK_STR(ufix_run(&f, "md5sum /tmp/a /tmp/zz"),
		  "0bee89b07a248e27c83fc3d5951213c1  /tmp/a\n"
		  "md5sum: /tmp/zz: No such file or directory\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "cat /tmp"), "cat: /tmp: Is a directory\n");
	{
		char *log = os_dmesg(&f.os);

		CHECK(log);
		CHECK_STR(ufix_run(&f, "dmesg"), log);
		CHECK_EQ(f.status, 0);
		free(log);
	}
	CHECK_STR(ufix_run(&f, "dmesg -x"),
		  "dmesg: unrecognized option '-x'\nTry 'dmesg --help' for more information.\n");
	ufix_fini(&f);
}
