/* The host's vfio file table and user storage: fds grow on demand (no fixed
 * table), the lowest free fd is handed out again, anything outside the
 * table or already closed is -EBADF, the per-process limit is -EMFILE, and
 * user allocations are not capped by a fixed table either. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfio.h"
#include "os/vfio_dev.h"
#include "sim/sim.h"
#include "t.h"
#include "vfio_fixture.h"

#define FD_LIMIT 65536 /* the per-process limit documented in os/vfio.c */

static void count_fire(void *ctx)
{
	(*(int *)ctx)++;
}

TEST(vfio_fd_outside_the_table_is_ebadf)
{
	struct vf *v = vf_new(false, 0);
	struct vfio_device_info di = {.argsz = sizeof(di)};
	char buf[8] = {0};
	int bad[] = {-1, 0, 1, 2, 1000, 1 << 20, FD_LIMIT, FD_LIMIT + 1, 0x7fffffff};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(vfio_close(v->host, bad[i]), -EBADF);
		CHECK_EQ(vfio_ioctl(v->host, bad[i], VFIO_DEVICE_GET_INFO, &di), -EBADF);
		CHECK_EQ(vfio_pread(v->host, bad[i], buf, 4, 0), -EBADF);
		CHECK_EQ(vfio_pwrite(v->host, bad[i], buf, 4, 0), -EBADF);
		CHECK_EQ(vfio_dma_map(v->host, bad[i], v->gbase, 0, 4096), -EBADF);
		CHECK_EQ(vfio_dma_unmap(v->host, bad[i], 0, 4096), -EBADF);
		CHECK_EQ(os_eventfd_close(v->host, bad[i]), -EBADF);
		os_eventfd_signal(v->host, bad[i]); /* ignored, no crash */
	}
	/* Wrong kind: a device fd is not an eventfd, an eventfd no device. */
	CHECK_EQ(os_eventfd_close(v->host, v->fd), -EBADF);
	CHECK_EQ(vfio_ioctl(v->host, v->io_efd, VFIO_DEVICE_GET_INFO, &di), -ENOTTY);
	CHECK_EQ(vfio_pread(v->host, v->io_efd, buf, 4, 0), -EBADF);
	/* Closed means closed, twice too. */
	int efd = os_eventfd(v->host, NULL, NULL);

	CHECK(efd > v->req_efd);
	CHECK_EQ(os_eventfd_close(v->host, efd), 0);
	CHECK_EQ(os_eventfd_close(v->host, efd), -EBADF);
	CHECK_EQ(vfio_close(v->host, efd), -EBADF);
	vf_free(v);
}

TEST(vfio_fd_lowest_free_is_reused)
{
	struct vf *v = vf_new(false, 0);
	int a, b, c, d;

	a = os_eventfd(v->host, NULL, NULL);
	b = os_eventfd(v->host, NULL, NULL);
	c = os_eventfd(v->host, NULL, NULL);
	CHECK_EQ(b, a + 1);
	CHECK_EQ(c, b + 1);
	CHECK_EQ(vfio_close(v->host, c), 0);
	CHECK_EQ(vfio_close(v->host, a), 0);
	CHECK_EQ(os_eventfd(v->host, NULL, NULL), a); /* lowest first */
	CHECK_EQ(os_eventfd(v->host, NULL, NULL), c);
	CHECK_EQ(os_eventfd(v->host, NULL, NULL), c + 1);
	/* The device fd too: close it and the next open gets its number. */
	d = v->fd;
	CHECK_EQ(vfio_close(v->host, d), 0);
	CHECK_EQ(vfio_pread(v->host, d, &a, 4, 0), -EBADF);
	v->fd = vfio_open_device(v->host, VF_SYSFSDEV, NULL);
	CHECK_EQ(v->fd, d);
	vf_free(v);
}

/* The table grows past any old fixed size while an eventfd signalled
 * before the growth is still pending: its handler must run once, on the
 * right context, after the table moved. */
TEST(vfio_fd_table_grows_under_pending_signals)
{
	struct vf *v = vf_new(false, 0);
	enum { N = 20000 };
	int *fds = malloc(N * sizeof(*fds)), fired_early = 0, fired_late = 0, first;

	CHECK(fds != NULL);
	first = os_eventfd(v->host, count_fire, &fired_early);
	CHECK(first >= 3);
	os_eventfd_signal(v->host, first);
	os_eventfd_signal(v->host, first); /* coalesces */
	for (int i = 0; i < N; i++) {
		fds[i] = os_eventfd(v->host, count_fire, &fired_late);
		CHECK_EQ(fds[i], first + 1 + i);
	}
	os_eventfd_signal(v->host, fds[N - 1]);
	os_eventfd_signal(v->host, fds[N / 2]);
	vf_run_for(v, SIM_MS);
	CHECK_EQ(fired_early, 1);
	CHECK_EQ(fired_late, 2);
	/* Close a signalled one before it fires: its handler never runs. */
	os_eventfd_signal(v->host, fds[7]);
	CHECK_EQ(os_eventfd_close(v->host, fds[7]), 0);
	vf_run_for(v, SIM_MS);
	CHECK_EQ(fired_late, 2);
	CHECK_EQ(os_eventfd(v->host, NULL, NULL), fds[7]);
	/* The device still works with a big table around it. */
	CHECK_EQ(vfio_pread(v->host, v->fd, &first, 4, 0), 4);
	for (int i = 0; i < N; i++)
		CHECK_EQ(os_eventfd_close(v->host, fds[i]), 0);
	free(fds);
	vf_free(v); /* frees the table: ASan checks nothing leaks */
}

TEST(vfio_fd_limit_is_emfile)
{
	struct vf *v = vf_new(false, 0);
	int n = 0, fd, last = -1;

	while ((fd = os_eventfd(v->host, NULL, NULL)) >= 0) {
		last = fd;
		n++;
		CHECK(n <= FD_LIMIT);
	}
	CHECK_EQ(fd, -EMFILE);
	CHECK_EQ(last, FD_LIMIT - 1);
	CHECK_EQ(os_eventfd(v->host, NULL, NULL), -EMFILE);
	CHECK_EQ(vfio_open_device(v->host, VF_SYSFSDEV, NULL), -EBUSY); /* already open */
	CHECK_EQ(vfio_close(v->host, v->fd), 0);
	CHECK_EQ(os_eventfd(v->host, NULL, NULL), v->fd); /* the one free slot */
	CHECK_EQ(vfio_open_device(v->host, VF_SYSFSDEV, NULL), -EMFILE);
	CHECK_EQ(os_eventfd_close(v->host, v->fd), 0);
	CHECK_EQ(vfio_open_device(v->host, VF_SYSFSDEV, NULL), v->fd);
	vf_free(v);
}

/* More user allocations than any fixed table had (256), each its own
 * pages; freeing one lets the next allocation reuse its place. */
TEST(vfio_user_blocks_grow)
{
	struct vf *v = vf_new(false, 0);
	enum { N = 600 };
	uint64_t *a = malloc(N * sizeof(*a)), again;

	CHECK(a != NULL);
	for (int i = 0; i < N; i++) {
		a[i] = os_user_alloc(v->host, 4096, 4096);
		CHECK(a[i] != 0);
		CHECK_EQ(a[i] & 4095, 0);
		for (int j = 0; j < i; j++)
			CHECK(a[j] != a[i]);
	}
	/* Each block is DMA-mappable as user memory. */
	CHECK_EQ(vfio_dma_map(v->host, v->fd, a[N - 1], 1ull << 30, 4096), 0);
	CHECK_EQ(vfio_dma_unmap(v->host, v->fd, 1ull << 30, 4096), 0);
	os_user_free(v->host, a[N / 2]);
	CHECK_EQ(vfio_dma_map(v->host, v->fd, a[N / 2], 1ull << 30, 4096), -EFAULT);
	again = os_user_alloc(v->host, 4096, 4096);
	CHECK_EQ(again, a[N / 2]);
	CHECK_EQ(os_user_alloc(v->host, 0, 4096), 0);
	CHECK_EQ(os_user_alloc(v->host, 4096, 3 * 4096), 0); /* not a power of 2 */
	for (int i = 0; i < N; i++)
		os_user_free(v->host, a[i]);
	free(a);
	vf_free(v);
}

/* A bus driver of our own: the vfio core hands every call of os/vfio.h to
 * the ops the device registered, and keeps open, fd and mappings itself. */
struct toy {
	struct vfio_device vdev;
	int opens, closes, reads, writes, ioctls, unmaps;
};

static struct toy *toy_of(struct vfio_device *v)
{
	return (struct toy *)v; /* vdev is the first member */
}

static int toy_open(struct vfio_device *v)
{
	toy_of(v)->opens++;
	return 0;
}

static void toy_close(struct vfio_device *v)
{
	toy_of(v)->closes++;
}

static ssize_t toy_read(struct vfio_device *v, void *buf, size_t n, uint64_t off)
{
	toy_of(v)->reads++;
	memset(buf, 0x5a, n);
	return (ssize_t)n;
}

static ssize_t toy_write(struct vfio_device *v, const void *buf, size_t n, uint64_t off)
{
	toy_of(v)->writes++;
	return off == 0 ? (ssize_t)n : -EINVAL;
}

static int toy_ioctl(struct vfio_device *v, unsigned long req, void *arg)
{
	toy_of(v)->ioctls++;
	return req == VFIO_DEVICE_RESET ? 0 : -ENOTTY;
}

static void toy_unmap(struct vfio_device *v, uint64_t iova, uint64_t size)
{
	toy_of(v)->unmaps++;
}

static const struct vfio_device_ops toy_ops = {toy_open,  toy_close, toy_read,
					       toy_write, toy_ioctl, toy_unmap};

TEST(vfio_core_dispatches_to_the_registered_device_ops)
{
	struct vf *v = vf_new(false, 0);
	struct toy t = {.vdev = {.ops = &toy_ops, .os = v->host, .name = "toy-0"}};
	uint8_t b[8];
	uint64_t mem = os_user_alloc(v->host, 8192, 4096);
	int fd;

	CHECK_EQ(sysfs_mkdir(v->host->sysfs, "/sys/bus/mdev/devices/toy-0"), 0);
	CHECK_EQ(vfio_register_device(&t.vdev), 0);
	CHECK_EQ(vfio_register_device(&t.vdev), -EEXIST); /* the name is taken */
	CHECK(vfio_find_device(v->host, "toy-0") == &t.vdev);
	fd = vfio_open_device(v->host, "/sys/bus/mdev/devices/toy-0", NULL);
	CHECK(fd >= 0);
	CHECK(t.vdev.open);
	CHECK_EQ(t.vdev.fd, fd);
	CHECK_EQ(vfio_open_device(v->host, "/sys/bus/mdev/devices/toy-0", NULL), -EBUSY);
	CHECK_EQ(vfio_pread(v->host, fd, b, sizeof(b), 0), 8);
	CHECK_EQ(b[7], 0x5a);
	CHECK_EQ(vfio_pwrite(v->host, fd, b, sizeof(b), 4), -EINVAL);
	CHECK_EQ(vfio_ioctl(v->host, fd, VFIO_DEVICE_RESET, NULL), 0);
	CHECK_EQ(vfio_dma_map(v->host, fd, mem, 0, 8192), 0);
	CHECK_EQ(t.vdev.dma.n, 1);
	CHECK_EQ(vfio_dma_unmap(v->host, fd, 0, 8192), 0);
	CHECK_EQ(t.vdev.dma.n, 0);
	CHECK_EQ(t.opens, 1);
	CHECK_EQ(t.reads, 1);
	CHECK_EQ(t.writes, 1);
	CHECK_EQ(t.ioctls, 1);
	CHECK_EQ(t.unmaps, 1);
	/* The device goes away under its user: closed, its fd is dead. */
	vfio_unregister_device(&t.vdev);
	CHECK_EQ(t.closes, 1);
	CHECK(!t.vdev.open);
	CHECK_EQ(vfio_pread(v->host, fd, b, sizeof(b), 0), -EBADF);
	CHECK(vfio_find_device(v->host, "toy-0") == NULL);
	CHECK_EQ(vfio_open_device(v->host, "/sys/bus/mdev/devices/toy-0", NULL), -ENOENT);
	os_user_free(v->host, mem);
	vf_free(v);
}
