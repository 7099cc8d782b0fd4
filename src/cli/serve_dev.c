/* `chpsync serve`: device connections.  Each message of a client becomes
 * the system call a VMM process makes on a real host (os/vfio.h); the
 * client's memory is mapped into host storage as its process memory, its
 * eventfds are signalled by the host driver.  Everything a client sends is
 * checked before it is used; a bad message gets an error reply and a line
 * in the log, and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/runner.h"
#include "cli/serve_priv.h"
#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfio.h"

#define PAGE 4096ull

static const char *cmd_name(unsigned c)
{
	switch (c) {
	case CHPS_VERSION:
		return "VERSION";
	case CHPS_DEVICE_OPEN:
		return "DEVICE_OPEN";
	case CHPS_DEVICE_IOCTL:
		return "DEVICE_IOCTL";
	case CHPS_REGION_READ:
		return "REGION_READ";
	case CHPS_REGION_WRITE:
		return "REGION_WRITE";
	case CHPS_DMA_MAP:
		return "DMA_MAP";
	case CHPS_DMA_UNMAP:
		return "DMA_UNMAP";
	case CHPS_SYSFS_READ:
		return "SYSFS_READ";
	case CHPS_SYSFS_READLINK:
		return "SYSFS_READLINK";
	case CHPS_SYSFS_REALPATH:
		return "SYSFS_REALPATH";
	case CHPS_CTL_RUN:
		return "CTL_RUN";
	}
	return "?";
}

/* ---- replies ---- */

int serve_send(struct serve_conn *c, const struct chps_hdr *req, uint32_t flags, uint32_t error,
	       const void *a, size_t alen, const void *b, size_t blen)
{
	struct chps_hdr h = {
		.id = req->id,
		.command = req->command,
		.size = (uint32_t)(sizeof(h) + alen + blen),
		.flags = CHPS_F_REPLY | flags,
		.error = error,
	};
	struct iovec iov[3] = {
		{&h, sizeof(h)},
		{(void *)a, alen},
		{(void *)b, blen},
	};
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = 3};

	if (c->sock < 0 || c->closing)
		return 0;
	/* A client that does not read its replies loses them, not us. */
	if (sendmsg(c->sock, &m, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

/* Log why a request is refused; returns -err (the caller replies). */
static int why(struct serve_conn *c, const struct chps_hdr *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int why(struct serve_conn *c, const struct chps_hdr *h, int err, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	serve_log(c->s, "client %u (%s pid %u): %s: %s (%s)", c->serial, c->name[0] ? c->name : "?",
		  c->pid, cmd_name(h->command), text, strerror(err));
	return -err;
}

/* Refuse a request: the log line saying why, and the error reply. */
#define refuse(c, h, err, ...) refused((c), (h), why((c), (h), (err), __VA_ARGS__))

static int refused(struct serve_conn *c, const struct chps_hdr *h, int rc)
{
	serve_send(c, h, 0, (uint32_t)-rc, NULL, 0, NULL, 0);
	return rc;
}

static int reply(struct serve_conn *c, const struct chps_hdr *h, const void *a, size_t alen,
		 const void *b, size_t blen)
{
	serve_send(c, h, 0, 0, a, alen, b, blen);
	return 0;
}

/* ---- descriptors ---- */

static void close_fds(int *fds, int nfds)
{
	for (int i = 0; i < nfds; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

static bool is_eventfd(int fd)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:[eventfd]");
}

/* ---- interrupts: the host's handle signals the client's eventfd ---- */

static void irq_fire(void *ctx)
{
	struct serve_irq *q = ctx;
	uint64_t one = 1;

	if (q->realfd >= 0 && write(q->realfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		serve_log(q->conn->s, "client %u: eventfd write: %s", q->conn->serial,
			  strerror(errno));
}

static void irq_release(struct serve_conn *c, struct serve_irq *q)
{
	struct os *host = c->s->rw->host;

	if (q->osfd >= 0)
		os_eventfd_close(host, q->osfd);
	if (q->realfd >= 0)
		close(q->realfd);
	q->osfd = q->realfd = -1;
}

/* ---- memory ---- */

static void map_release(struct serve_conn *c, struct serve_map *m)
{
	struct os *host = c->s->rw->host;
	uint8_t *p = storage_ptr(host->css.mem, m->addr, m->size);

	/* Host storage there is anonymous and zero again, as before. */
	if (p && mmap(p, m->size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
		serve_log(c->s, "client %u: cannot restore host storage at 0x%llx: %s", c->serial,
			  (unsigned long long)m->addr, strerror(errno));
	os_user_free(host, m->addr);
	*m = c->map[--c->nmap];
}

/* ---- the messages ---- */

static int do_version(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n)
{
	struct chps_version v, mine = {.major = CHPS_PROTO_MAJOR, .minor = CHPS_PROTO_MINOR};

	if (n != sizeof(v))
		return refuse(c, h, EINVAL, "payload of %zu bytes, expected %zu", n, sizeof(v));
	if (c->role != ROLE_NEW)
		return refuse(c, h, EPROTO, "VERSION twice");
	memcpy(&v, p, sizeof(v));
	v.name[sizeof(v.name) - 1] = '\0';
	c->pid = v.pid;
	snprintf(c->name, sizeof(c->name), "%s", v.name);
	mine.pid = (uint32_t)getpid();
	snprintf(mine.name, sizeof(mine.name), "chpsync");
	if (v.major != CHPS_PROTO_MAJOR) {
		serve_send(c, h, 0, EPROTONOSUPPORT, &mine, sizeof(mine), NULL, 0);
		serve_log(c->s, "client %u (%s pid %u): protocol %u.%u, not %u.x (%s)", c->serial,
			  c->name, c->pid, v.major, v.minor, CHPS_PROTO_MAJOR,
			  strerror(EPROTONOSUPPORT));
		return -EPROTONOSUPPORT;
	}
	c->role = ROLE_DEVICE;
	serve_log(c->s, "client %u: %s pid %u, protocol %u.%u", c->serial, c->name, c->pid, v.major,
		  v.minor);
	return reply(c, h, &mine, sizeof(mine), NULL, 0);
}

/* A NUL-terminated path of at most CHPS_PATH_MAX bytes filling the
 * payload exactly. */
static const char *payload_path(const uint8_t *p, size_t n)
{
	if (n < 2 || n > CHPS_PATH_MAX + 1 || p[n - 1] != '\0' || memchr(p, '\0', n) != p + n - 1 ||
	    p[0] != '/')
		return NULL;
	return (const char *)p;
}

static int do_open(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n)
{
	struct os *host = c->s->rw->host;
	struct vfio_device_info info = {.argsz = sizeof(info)};
	struct chps_open o;
	const char *path = payload_path(p, n);
	int fd, rc;

	if (!path)
		return refuse(c, h, EINVAL, "not a NUL-terminated absolute path");
	if (c->devfd >= 0)
		return refuse(c, h, EBUSY, "a device (%s) is already open on this connection",
			      c->dev);
	fd = vfio_open_device(host, path, NULL);
	if (fd < 0)
		return refuse(c, h, -fd, "open %s", path);
	/* An fd number the host handed out again means that an earlier
	 * client's device was closed under it (unbind): that one is gone. */
	for (struct serve_conn *o2 = c->s->conns; o2; o2 = o2->next)
		if (o2 != c && o2->devfd == fd) {
			serve_log(c->s, "client %u: its device %s was closed by the host",
				  o2->serial, o2->dev);
			o2->devfd = -1;
		}
	rc = vfio_ioctl(host, fd, VFIO_DEVICE_GET_INFO, &info);
	if (rc < 0) {
		vfio_close(host, fd);
		return refuse(c, h, -rc, "VFIO_DEVICE_GET_INFO of %s", path);
	}
	c->devfd = fd;
	snprintf(c->dev, sizeof(c->dev), "%s", path);
	serve_log(c->s, "client %u: opened %s", c->serial, path);
	o.num_regions = info.num_regions;
	o.num_irqs = info.num_irqs;
	return reply(c, h, &o, sizeof(o), NULL, 0);
}

/* VFIO_DEVICE_SET_IRQS with eventfds: each data entry >= 0 takes the next
 * descriptor; the host gets a handle of its own that signals it. */
static int set_irqs(struct serve_conn *c, const struct chps_hdr *h, uint8_t *arg, size_t argsz,
		    int *fds, int nfds)
{
	struct os *host = c->s->rw->host;
	struct vfio_irq_set is;
	struct serve_irq fresh[SERVE_IRQS];
	int used = 0, rc;

	if (argsz < sizeof(is))
		return why(c, h, EINVAL, "SET_IRQS: %zu bytes", argsz);
	memcpy(&is, arg, sizeof(is));
	if ((is.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) != VFIO_IRQ_SET_DATA_EVENTFD) {
		if (nfds)
			return why(c, h, EINVAL, "SET_IRQS without eventfds, but %d fds sent",
				   nfds);
		rc = vfio_ioctl(host, c->devfd, VFIO_DEVICE_SET_IRQS, arg);
		return rc;
	}
	if (is.index >= SERVE_IRQS || is.start > 1 || is.count > 1 || is.start + is.count > 1)
		return vfio_ioctl(host, c->devfd, VFIO_DEVICE_SET_IRQS, arg); /* its -EINVAL */
	if (argsz < sizeof(is) + is.count * sizeof(int32_t))
		return why(c, h, EINVAL, "SET_IRQS: %u eventfds in %zu bytes", is.count, argsz);
	for (unsigned i = 0; i < SERVE_IRQS; i++)
		fresh[i] = (struct serve_irq){.osfd = -1, .realfd = -1, .conn = c};
	for (unsigned i = 0; i < is.count; i++) {
		int32_t v;

		memcpy(&v, arg + sizeof(is) + i * sizeof(v), sizeof(v));
		if (v < 0)
			continue;
		if (used >= nfds) {
			close_fds(fds, nfds);
			return why(c, h, EBADF, "SET_IRQS: eventfd %d named but not sent", v);
		}
		if (!is_eventfd(fds[used])) {
			close_fds(fds, nfds);
			return why(c, h, EINVAL, "SET_IRQS: descriptor %d is not an eventfd", used);
		}
		fresh[i].realfd = fds[used];
		fds[used++] = -1;
	}
	if (used != nfds) {
		for (unsigned i = 0; i < SERVE_IRQS; i++)
			if (fresh[i].realfd >= 0)
				close(fresh[i].realfd);
		close_fds(fds, nfds);
		return why(c, h, EINVAL, "SET_IRQS: %d descriptors sent, %d named", nfds, used);
	}
	/* The host handle's handler finds the real fd through the
	 * connection's slot, which is filled only on success: stage it. */
	for (unsigned i = 0; i < is.count; i++) {
		struct serve_irq *slot = &c->irq[is.index + i];
		int32_t v;

		if (fresh[i].realfd < 0)
			continue;
		fresh[i].osfd = os_eventfd(host, irq_fire, slot);
		if (fresh[i].osfd < 0) {
			rc = fresh[i].osfd;
			goto undo;
		}
		v = fresh[i].osfd;
		memcpy(arg + sizeof(is) + i * sizeof(v), &v, sizeof(v));
	}
	rc = vfio_ioctl(host, c->devfd, VFIO_DEVICE_SET_IRQS, arg);
	if (rc < 0)
		goto undo;
	for (unsigned i = 0; i < is.count; i++) {
		struct serve_irq *slot = &c->irq[is.index + i];

		irq_release(c, slot);
		slot->osfd = fresh[i].osfd;
		slot->realfd = fresh[i].realfd;
		slot->conn = c;
	}
	return rc;
undo:
	for (unsigned i = 0; i < is.count; i++) {
		if (fresh[i].osfd >= 0)
			os_eventfd_close(host, fresh[i].osfd);
		if (fresh[i].realfd >= 0)
			close(fresh[i].realfd);
	}
	return rc;
}

static int do_ioctl(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n,
		    int *fds, int nfds)
{
	struct os *host = c->s->rw->host;
	struct chps_ioctl io;
	struct chps_ioctl_reply r;
	uint32_t uargsz;
	uint8_t *arg;
	int rc;

	if (n < sizeof(io))
		return refuse(c, h, EINVAL, "payload of %zu bytes", n);
	memcpy(&io, p, sizeof(io));
	if (io.argsz != n - sizeof(io))
		return refuse(c, h, EINVAL, "argsz %u but %zu bytes follow", io.argsz,
			      n - sizeof(io));
	if (c->devfd < 0)
		return refuse(c, h, EBADF, "no device open");
	if (io.request == VFIO_DEVICE_RESET) {
		if (io.argsz || nfds)
			return refuse(c, h, EINVAL, "RESET takes no argument");
		rc = vfio_ioctl(host, c->devfd, VFIO_DEVICE_RESET, NULL);
		if (rc < 0)
			return refuse(c, h, -rc, "VFIO_DEVICE_RESET");
		r = (struct chps_ioctl_reply){rc, 0};
		return reply(c, h, &r, sizeof(r), NULL, 0);
	}
	if (io.request != VFIO_DEVICE_GET_INFO && io.request != VFIO_DEVICE_GET_REGION_INFO &&
	    io.request != VFIO_DEVICE_GET_IRQ_INFO && io.request != VFIO_DEVICE_SET_IRQS)
		return refuse(c, h, ENOTTY, "request 0x%x is not a vfio device ioctl", io.request);
	if (io.request != VFIO_DEVICE_SET_IRQS && nfds)
		return refuse(c, h, EINVAL, "%d unexpected descriptors", nfds);
	if (io.argsz < sizeof(uint32_t))
		return refuse(c, h, EINVAL, "no argsz");
	memcpy(&uargsz, p + sizeof(io), sizeof(uargsz));
	/* The kernel reads and writes argsz bytes of the caller's struct:
	 * they must all have been sent. */
	if (uargsz > io.argsz)
		return refuse(c, h, EFAULT, "struct argsz %u, but only %u bytes sent", uargsz,
			      io.argsz);
	arg = calloc(1, io.argsz + 8);
	if (!arg)
		return refuse(c, h, ENOMEM, "out of memory");
	memcpy(arg, p + sizeof(io), io.argsz);
	if (io.request == VFIO_DEVICE_SET_IRQS)
		rc = set_irqs(c, h, arg, io.argsz, fds, nfds);
	else
		rc = vfio_ioctl(host, c->devfd, io.request, arg);
	if (rc < 0) {
		free(arg);
		/* set_irqs said why when the refusal was its own; the
		 * host's answers to a valid call are not logged */
		if (io.request == VFIO_DEVICE_SET_IRQS)
			return serve_send(c, h, 0, (uint32_t)-rc, NULL, 0, NULL, 0), rc;
		return refuse(c, h, -rc, "ioctl 0x%x", io.request);
	}
	r = (struct chps_ioctl_reply){rc, io.argsz};
	reply(c, h, &r, sizeof(r), arg, io.argsz);
	free(arg);
	return 0;
}

static int do_region(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n)
{
	struct os *host = c->s->rw->host;
	struct chps_region rg;
	bool write = h->command == CHPS_REGION_WRITE;
	ssize_t rc;

	if (n < sizeof(rg))
		return refuse(c, h, EINVAL, "payload of %zu bytes", n);
	memcpy(&rg, p, sizeof(rg));
	if (write ? rg.count != n - sizeof(rg) : n != sizeof(rg))
		return refuse(c, h, EINVAL, "count %u with %zu payload bytes", rg.count, n);
	if (rg.count > CHPS_MSG_MAX - sizeof(struct chps_hdr))
		return refuse(c, h, EINVAL, "count %u beyond the message size", rg.count);
	if (c->devfd < 0)
		return refuse(c, h, EBADF, "no device open");
	if (write) {
		struct chps_count cnt;

		rc = vfio_pwrite(host, c->devfd, p + sizeof(rg), rg.count, rg.offset);
		if (rc < 0)
			return serve_send(c, h, 0, (uint32_t)-rc, NULL, 0, NULL, 0), (int)rc;
		cnt.count = (uint64_t)rc;
		return reply(c, h, &cnt, sizeof(cnt), NULL, 0);
	} else {
		uint8_t *buf = malloc(rg.count ? rg.count : 1);

		if (!buf)
			return refuse(c, h, ENOMEM, "out of memory");
		rc = vfio_pread(host, c->devfd, buf, rg.count, rg.offset);
		if (rc < 0)
			serve_send(c, h, 0, (uint32_t)-rc, NULL, 0, NULL, 0);
		else
			reply(c, h, buf, (size_t)rc, NULL, 0);
		free(buf);
		return rc < 0 ? (int)rc : 0;
	}
}

static int do_dma_map(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n,
		      int *fds, int nfds)
{
	struct os *host = c->s->rw->host;
	struct chps_dma_map dm;
	struct serve_map *m;
	struct stat st;
	uint8_t *where;
	int seals, rc;

	if (n != sizeof(dm)) {
		close_fds(fds, nfds);
		return refuse(c, h, EINVAL, "payload of %zu bytes", n);
	}
	memcpy(&dm, p, sizeof(dm));
	if (nfds != 1) {
		close_fds(fds, nfds);
		return refuse(c, h, nfds ? EINVAL : EBADF, "%d descriptors, expected the memory's",
			      nfds);
	}
	if (c->devfd < 0) {
		close_fds(fds, nfds);
		return refuse(c, h, EBADF, "no device open");
	}
	if (!dm.size || (dm.iova | dm.size | dm.offset) & (PAGE - 1) ||
	    dm.offset + dm.size < dm.offset || dm.iova + dm.size < dm.iova) {
		close_fds(fds, nfds);
		return refuse(c, h, EINVAL, "iova 0x%llx size 0x%llx offset 0x%llx",
			      (unsigned long long)dm.iova, (unsigned long long)dm.size,
			      (unsigned long long)dm.offset);
	}
	if (c->nmap == SERVE_DMA_MAX) {
		close_fds(fds, nfds);
		return refuse(c, h, ENOSPC, "%d mappings already", SERVE_DMA_MAX);
	}
	/* The memory must stay as big as mapped: a file that could shrink
	 * would fault the host when it touches the missing pages. */
	seals = fcntl(fds[0], F_GET_SEALS);
	if (fstat(fds[0], &st) < 0 || !S_ISREG(st.st_mode) || seals < 0 ||
	    !(seals & F_SEAL_SHRINK)) {
		close_fds(fds, nfds);
		return refuse(c, h, EINVAL, "the memory is not a memfd sealed against shrinking");
	}
	if ((uint64_t)st.st_size < dm.offset + dm.size) {
		close_fds(fds, nfds);
		return refuse(c, h, EINVAL, "the memory has %lld bytes, not 0x%llx+0x%llx",
			      (long long)st.st_size, (unsigned long long)dm.offset,
			      (unsigned long long)dm.size);
	}
	m = &c->map[c->nmap];
	m->addr = os_user_alloc(host, dm.size, PAGE);
	if (!m->addr) {
		close_fds(fds, nfds);
		return refuse(c, h, ENOMEM, "no host storage for 0x%llx bytes",
			      (unsigned long long)dm.size);
	}
	m->iova = dm.iova;
	m->size = dm.size;
	c->nmap++;
	where = storage_ptr(host->css.mem, m->addr, m->size);
	if (!where || mmap(where, m->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fds[0],
			   (off_t)dm.offset) == MAP_FAILED) {
		rc = errno ? errno : EFAULT;
		close_fds(fds, nfds);
		os_user_free(host, m->addr);
		c->nmap--;
		return refuse(c, h, rc, "mmap of the memory");
	}
	close_fds(fds, nfds); /* the mapping keeps the memory */
	rc = vfio_dma_map(host, c->devfd, m->addr, dm.iova, dm.size);
	if (rc < 0) {
		map_release(c, m);
		return refuse(c, h, -rc, "VFIO_IOMMU_MAP_DMA iova 0x%llx size 0x%llx",
			      (unsigned long long)dm.iova, (unsigned long long)dm.size);
	}
	serve_log(c->s, "client %u: memory 0x%llx bytes at iova 0x%llx (host 0x%llx)", c->serial,
		  (unsigned long long)dm.size, (unsigned long long)dm.iova,
		  (unsigned long long)m->addr);
	return reply(c, h, NULL, 0, NULL, 0);
}

static int do_dma_unmap(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n)
{
	struct os *host = c->s->rw->host;
	struct chps_dma_unmap du;
	int rc;

	if (n != sizeof(du))
		return refuse(c, h, EINVAL, "payload of %zu bytes", n);
	memcpy(&du, p, sizeof(du));
	if (c->devfd < 0)
		return refuse(c, h, EBADF, "no device open");
	rc = vfio_dma_unmap(host, c->devfd, du.iova, du.size);
	if (rc < 0)
		return refuse(c, h, -rc, "VFIO_IOMMU_UNMAP_DMA");
	/* The mappings the host no longer has give their storage back. */
	for (int i = 0; i < c->nmap;) {
		struct serve_map *m = &c->map[i];

		if (m->iova >= du.iova && m->iova + m->size <= du.iova + du.size)
			map_release(c, m);
		else
			i++;
	}
	return reply(c, h, NULL, 0, NULL, 0);
}

/* dst = a + sep + b, or -ENAMETOOLONG. */
static int join(char *dst, size_t size, const char *a, const char *sep, const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);

	if (la + ls + lb >= size)
		return -ENAMETOOLONG;
	memmove(dst + la + ls, b, lb + 1);
	memcpy(dst + la, sep, ls);
	memmove(dst, a, la);
	return 0;
}

/* realpath(3) in the host's /sys: every component, links followed. */
static int sysfs_realpath(struct sysfs *fs, const char *path, char *out, size_t size)
{
	char cur[CHPS_PATH_MAX * 2], rest[CHPS_PATH_MAX * 2];
	int links = 0;

	snprintf(rest, sizeof(rest), "%s", path);
	cur[0] = '\0';
	while (rest[0]) {
		char *s = rest + strspn(rest, "/"), comp[256], tmp[CHPS_PATH_MAX * 2], link[512];
		size_t len = strcspn(s, "/");
		int n;

		if (!len)
			break;
		if (len >= sizeof(comp))
			return -ENAMETOOLONG;
		memcpy(comp, s, len);
		comp[len] = '\0';
		memmove(rest, s + len, strlen(s + len) + 1);
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *sl = strrchr(cur, '/');

			if (sl)
				*sl = '\0';
			continue;
		}
		if (join(tmp, sizeof(tmp), cur, "/", comp))
			return -ENAMETOOLONG;
		n = sysfs_readlink(fs, tmp, link, sizeof(link));
		if (n >= 0) {
			if (++links > 40)
				return -ELOOP;
			link[n < (int)sizeof(link) ? n : (int)sizeof(link) - 1] = '\0';
			if (join(tmp, sizeof(tmp), link, rest[0] ? "/" : "", rest))
				return -ENAMETOOLONG;
			memcpy(rest, tmp, strlen(tmp) + 1);
			if (link[0] == '/')
				cur[0] = '\0';
			continue;
		}
		if (!sysfs_exists(fs, tmp))
			return -ENOENT;
		memcpy(cur, tmp, strlen(tmp) + 1);
	}
	if (!cur[0])
		snprintf(cur, sizeof(cur), "/");
	if (strlen(cur) >= size)
		return -ENAMETOOLONG;
	snprintf(out, size, "%s", cur);
	return (int)strlen(out);
}

static int do_sysfs(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n)
{
	struct sysfs *fs = c->s->rw->host->sysfs;
	const char *path = payload_path(p, n);
	char buf[8192];
	int rc;

	if (!path)
		return refuse(c, h, EINVAL, "not a NUL-terminated absolute path");
	if (h->command == CHPS_SYSFS_READ)
		rc = sysfs_read(fs, path, buf, sizeof(buf));
	else if (h->command == CHPS_SYSFS_READLINK)
		rc = sysfs_readlink(fs, path, buf, sizeof(buf));
	else
		rc = sysfs_realpath(fs, path, buf, sizeof(buf));
	if (rc < 0) /* a look-up that finds nothing is no client error */
		return serve_send(c, h, 0, (uint32_t)-rc, NULL, 0, NULL, 0), rc;
	if (h->command == CHPS_SYSFS_READ)
		rc = (int)strnlen(buf, sizeof(buf));
	else if (rc >= (int)sizeof(buf))
		rc = sizeof(buf) - 1;
	return reply(c, h, buf, (size_t)rc, NULL, 0);
}

/* ---- entry points ---- */

int serve_conn_message(struct serve_conn *c, const void *buf, size_t len, int *fds, int nfds)
{
	struct chps_hdr h;
	const uint8_t *p = buf;
	size_t n;

	if (len < sizeof(h)) {
		struct chps_hdr none = {0};

		close_fds(fds, nfds);
		return refuse(c, &none, EPROTO, "message of %zu bytes, shorter than a header", len);
	}
	memcpy(&h, buf, sizeof(h));
	if (h.size != len) {
		close_fds(fds, nfds);
		return refuse(c, &h, EPROTO, "header says %u bytes, message has %zu", h.size, len);
	}
	if (h.flags & CHPS_F_REPLY || h.error) {
		close_fds(fds, nfds);
		return refuse(c, &h, EPROTO, "flags 0x%x error %u in a request", h.flags, h.error);
	}
	p += sizeof(h);
	n = len - sizeof(h);
	if (h.command != CHPS_VERSION && h.command != CHPS_CTL_RUN && c->role == ROLE_NEW) {
		close_fds(fds, nfds);
		return refuse(c, &h, EPROTO, "VERSION must come first");
	}
	if (nfds && h.command != CHPS_DMA_MAP &&
	    !(h.command == CHPS_DEVICE_IOCTL && c->role == ROLE_DEVICE)) {
		close_fds(fds, nfds);
		return refuse(c, &h, EINVAL, "%d unexpected descriptors", nfds);
	}
	if (c->role == ROLE_CONTROL && h.command != CHPS_CTL_RUN) {
		close_fds(fds, nfds);
		return refuse(c, &h, EPROTO, "a control connection only runs commands");
	}
	switch (h.command) {
	case CHPS_VERSION:
		return do_version(c, &h, p, n);
	case CHPS_DEVICE_OPEN:
		return do_open(c, &h, p, n);
	case CHPS_DEVICE_IOCTL: {
		int rc = do_ioctl(c, &h, p, n, fds, nfds);

		close_fds(fds, nfds);
		return rc;
	}
	case CHPS_REGION_READ:
	case CHPS_REGION_WRITE:
		return do_region(c, &h, p, n);
	case CHPS_DMA_MAP:
		if (c->role != ROLE_DEVICE) {
			close_fds(fds, nfds);
			return refuse(c, &h, EPROTO, "DMA_MAP on a control connection");
		}
		return do_dma_map(c, &h, p, n, fds, nfds);
	case CHPS_DMA_UNMAP:
		return do_dma_unmap(c, &h, p, n);
	case CHPS_SYSFS_READ:
	case CHPS_SYSFS_READLINK:
	case CHPS_SYSFS_REALPATH:
		return do_sysfs(c, &h, p, n);
	case CHPS_CTL_RUN:
		if (c->role == ROLE_DEVICE)
			return refuse(c, &h, EPROTO, "CTL_RUN on a device connection");
		c->role = ROLE_CONTROL;
		return serve_ctl_run(c, &h, p, n);
	default:
		return refuse(c, &h, ENOSYS, "unknown command %u", h.command);
	}
}

struct serve_conn *serve_conn_new(struct serve *s, int sock)
{
	struct serve_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->s = s;
	c->sock = sock;
	c->serial = ++s->serial;
	c->devfd = -1;
	for (int i = 0; i < SERVE_IRQS; i++)
		c->irq[i] = (struct serve_irq){.osfd = -1, .realfd = -1, .conn = c};
	c->next = s->conns;
	s->conns = c;
	return c;
}

/* Receive one packet; MSG_TRUNC and MSG_CTRUNC show what did not fit. */
int serve_conn_read(struct serve_conn *c)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * (CHPS_MAX_FDS + 4))];
	} ctl;
	struct iovec iov = {c->s->buf, CHPS_MSG_MAX};
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	int fds[CHPS_MAX_FDS + 4], nfds = 0;
	ssize_t n = recvmsg(c->sock, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT | MSG_TRUNC);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; CMSG_LEN((i + 1) * sizeof(int)) <= cm->cmsg_len; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (nfds < (int)(sizeof(fds) / sizeof(fds[0])))
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	if (n == 0 && !nfds)
		return -1; /* orderly shutdown */
	if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC) || nfds > CHPS_MAX_FDS) {
		struct chps_hdr h = {0};

		if (n >= (ssize_t)sizeof(h))
			memcpy(&h, c->s->buf, sizeof(h));
		close_fds(fds, nfds);
		refuse(c, &h, EMSGSIZE, "message of %zd bytes / %d descriptors is too large", n,
		       nfds);
		return 0;
	}
	serve_conn_message(c, c->s->buf, (size_t)n, fds, nfds);
	return 0;
}

void serve_conn_close(struct serve_conn *c)
{
	struct serve *s = c->s;
	struct os *host = s->rw->host;

	if (c->devfd >= 0) {
		/* As the exit of the VMM process: the device is released
		 * (a running program cleared), then its eventfds and memory. */
		serve_log(s, "client %u: gone, releasing %s", c->serial, c->dev);
		vfio_close(host, c->devfd);
		c->devfd = -1;
	}
	for (int i = 0; i < SERVE_IRQS; i++)
		irq_release(c, &c->irq[i]);
	while (c->nmap)
		map_release(c, &c->map[c->nmap - 1]);
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	c->closing = true;
	for (struct serve_conn **pp = &s->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (!c->commands)
		free(c);
}
