/* The bridge: an LD_PRELOAD library that lets an unmodified
 * qemu-system-s390x use the vfio-ccw devices of a `chpsync serve`
 * (docs/real-qemu.md).  Active when CHPSYNC_SOCKET names the service's
 * socket; otherwise every call goes straight to libc.
 *
 * It takes the libc entry points QEMU 7.2 imports for its vfio-ccw work
 * (open64 __open64_2 openat64 open close ioctl pread64 __pread64_chk
 * pwrite64 fopen64 realpath __realpath_chk readlink memfd_create) and
 * answers:
 *   - sysfs look-ups under /sys/bus/css, /sys/bus/mdev, /sys/devices/css*
 *     from the host's sysfs (the mdev's iommu_group link is the bridge's:
 *     the service folds group and container into opening the device);
 *   - /dev/vfio/<group> and /dev/vfio/vfio: group and container fds held
 *     here (VFIO_GROUP_*, VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION,
 *     VFIO_SET_IOMMU, VFIO_IOMMU_GET_INFO, VFIO_IOMMU_MAP_DMA/UNMAP_DMA);
 *   - the device fd (VFIO_GROUP_GET_DEVICE_FD): a connection to the
 *     service; ioctls, preads and pwrites become its messages, with the
 *     byte order conversions of conv.h.  Guest RAM (a shared memfd) and
 *     the eventfds go to the service by SCM_RIGHTS.
 * Only the intercepted functions are exported; everything else is hidden.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "bridge/conv.h"
#include "cli/serve_proto.h"

#define EXPORT __attribute__((visibility("default")))

/* Group numbers the bridge hands out (far from a real host's). */
#define GROUP_BASE   7300
#define MAX_FILES    64
#define MAX_DMA	     16
#define REGION_SHIFT 10

enum kind { K_FREE, K_GROUP, K_CONTAINER, K_DEVICE };

struct dma {
	uint64_t vaddr, iova, size;
};

struct bfile {
	enum kind kind;
	int fd;
	int group;	    /* K_GROUP: its number; K_DEVICE: its group */
	int container;	    /* K_GROUP: the container fd it is set to, -1 */
	pthread_mutex_t io; /* K_DEVICE: one request at a time */
	uint16_t id;
};

struct group {
	char uuid[64];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct bfile files[MAX_FILES];
static struct group groups[MAX_FILES];
static int ngroups;
static struct dma dmas[MAX_DMA];
static int ndma;
static int sysfs_conn = -1;
static pthread_mutex_t sysfs_io = PTHREAD_MUTEX_INITIALIZER;

/* ---- libc underneath ---- */

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

#define REAL(ret, name, ...)                                  \
	static ret (*real_##name)(__VA_ARGS__);               \
	static ret (*get_##name(void))(__VA_ARGS__)           \
	{                                                     \
		if (!real_##name)                             \
			*(void **)&real_##name = next(#name); \
		return real_##name;                           \
	}

REAL(int, open64, const char *, int, ...)
REAL(int, open, const char *, int, ...)
REAL(int, __open64_2, const char *, int)
REAL(int, openat64, int, const char *, int, ...)
REAL(int, close, int)
REAL(int, ioctl, int, unsigned long, ...)
REAL(ssize_t, pread64, int, void *, size_t, off_t)
REAL(ssize_t, __pread64_chk, int, void *, size_t, off_t, size_t)
REAL(ssize_t, pwrite64, int, const void *, size_t, off_t)
REAL(FILE *, fopen64, const char *, const char *)
REAL(char *, realpath, const char *, char *)
REAL(char *, __realpath_chk, const char *, char *, size_t)
REAL(ssize_t, readlink, const char *, char *, size_t)
REAL(int, memfd_create, const char *, unsigned int)

static const char *socket_path(void)
{
	const char *p = getenv("CHPSYNC_SOCKET");

	return p && *p ? p : NULL;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(2, "chpsync bridge: ", 16) < 0 || write(2, line, (size_t)n) < 0)
		return;
}

/* ---- the service ---- */

static int sock_connect(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	const char *path = socket_path();
	struct chps_hdr h = {
		.id = 1, .command = CHPS_VERSION, .size = sizeof(h) + sizeof(struct chps_version)};
	struct chps_version v = {.major = CHPS_PROTO_MAJOR, .minor = CHPS_PROTO_MINOR};
	uint8_t buf[sizeof(h) + sizeof(v)];
	int fd;

	if (!path || strlen(path) >= sizeof(a.sun_path)) {
		errno = ENOENT;
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		say("cannot reach chpsync serve at %s: %s", path, strerror(e));
		get_close()(fd);
		errno = e;
		return -1;
	}
	v.pid = (uint32_t)getpid();
	snprintf(v.name, sizeof(v.name), "qemu-system-s390x");
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &v, sizeof(v));
	if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL) < 0 ||
	    recv(fd, buf, sizeof(buf), 0) < (ssize_t)sizeof(h)) {
		get_close()(fd);
		errno = EIO;
		return -1;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.error) {
		say("chpsync serve refused protocol %d.%d: %s", CHPS_PROTO_MAJOR, CHPS_PROTO_MINOR,
		    strerror((int)h.error));
		get_close()(fd);
		errno = (int)h.error;
		return -1;
	}
	return fd;
}

/* One request and its reply on connection fd.  The reply's payload goes to
 * out (at most outlen bytes; *got says how many).  Returns 0 or -errno. */
static int request(int fd, uint16_t *id, uint16_t cmd, const void *a, size_t alen, const void *b,
		   size_t blen, const int *fds, int nfds, void *out, size_t outlen, size_t *got)
{
	struct chps_hdr h = {
		.id = ++*id, .command = cmd, .size = (uint32_t)(sizeof(h) + alen + blen)};
	struct iovec iov[3] = {{&h, sizeof(h)}, {(void *)a, alen}, {(void *)b, blen}};
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(sizeof(int) * CHPS_MAX_FDS)];
	} ctl;
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = 3};
	static __thread uint8_t *rbuf;
	ssize_t n;

	if (h.size > CHPS_MSG_MAX || nfds > CHPS_MAX_FDS)
		return -EINVAL;
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	if (sendmsg(fd, &m, MSG_NOSIGNAL) < 0)
		return -errno;
	if (!rbuf && !(rbuf = malloc(CHPS_MSG_MAX)))
		return -ENOMEM;
	for (;;) {
		struct chps_hdr r;

		n = recv(fd, rbuf, CHPS_MSG_MAX, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)sizeof(r))
			return n < 0 ? -errno : -EIO; /* the service went away */
		memcpy(&r, rbuf, sizeof(r));
		if (r.id != h.id || !(r.flags & CHPS_F_REPLY))
			continue; /* a stale reply */
		if (r.error)
			return -(int)r.error;
		n -= (ssize_t)sizeof(r);
		if ((size_t)n > outlen)
			n = (ssize_t)outlen;
		if (out && n)
			memcpy(out, rbuf + sizeof(r), (size_t)n);
		if (got)
			*got = (size_t)n;
		return 0;
	}
}

/* A sysfs query on the bridge's own connection. */
static int sysfs_query(uint16_t cmd, const char *path, char *out, size_t outlen)
{
	static uint16_t id;
	size_t got = 0;
	int rc;

	if (strlen(path) > CHPS_PATH_MAX)
		return -ENAMETOOLONG;
	pthread_mutex_lock(&sysfs_io);
	if (sysfs_conn < 0)
		sysfs_conn = sock_connect();
	rc = sysfs_conn < 0 ? -ENOENT
			    : request(sysfs_conn, &id, cmd, path, strlen(path) + 1, NULL, 0, NULL,
				      0, out, outlen - 1, &got);
	pthread_mutex_unlock(&sysfs_io);
	if (rc < 0)
		return rc;
	out[got] = '\0';
	return (int)got;
}

/* Paths of the host's sysfs that the service answers. */
static bool chpsync_sysfs(const char *path)
{
	return socket_path() && path &&
	       (!strncmp(path, "/sys/bus/css/", 13) || !strncmp(path, "/sys/bus/mdev/", 14) ||
		!strncmp(path, "/sys/devices/css", 16));
}

/* ---- files ---- */

static struct bfile *file_get(int fd, enum kind k)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (files[i].kind != K_FREE && files[i].fd == fd &&
		    (k == K_FREE || files[i].kind == k))
			return &files[i];
	return NULL;
}

static struct bfile *file_new(int fd, enum kind k)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (files[i].kind == K_FREE) {
			memset(&files[i], 0, sizeof(files[i]));
			files[i].kind = k;
			files[i].fd = fd;
			files[i].container = -1;
			pthread_mutex_init(&files[i].io, NULL);
			return &files[i];
		}
	return NULL;
}

/* A real descriptor number for a bridge file. */
static int placeholder(void)
{
	return (int)syscall(SYS_memfd_create, "chpsync-vfio", MFD_CLOEXEC);
}

/* A descriptor whose content is `text` (sysfs attributes opened by QEMU). */
static int text_fd(const char *text, size_t len)
{
	int fd = (int)syscall(SYS_memfd_create, "chpsync-sysfs", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) < 0) {
		get_close()(fd);
		errno = EIO;
		return -1;
	}
	return fd;
}

static bool group_path(const char *path, int *g)
{
	char *end;
	long n;

	if (strncmp(path, "/dev/vfio/", 10) || !path[10])
		return false;
	n = strtol(path + 10, &end, 10);
	if (*end || n < GROUP_BASE || n >= GROUP_BASE + ngroups)
		return false;
	*g = (int)n;
	return true;
}

/* open() of a path the bridge answers: >= 0 fd, -1 with errno, or -2
 * when the path is not ours. */
static int bridge_open(const char *path, int flags)
{
	char text[8192];
	int g, fd, rc;

	if (!socket_path() || !path)
		return -2;
	pthread_mutex_lock(&lock);
	if (group_path(path, &g)) {
		fd = placeholder();
		if (fd >= 0 && !file_new(fd, K_GROUP)) {
			get_close()(fd);
			fd = -1;
			errno = EMFILE;
		}
		if (fd >= 0)
			file_get(fd, K_GROUP)->group = g;
		pthread_mutex_unlock(&lock);
		return fd;
	}
	if (!strcmp(path, "/dev/vfio/vfio") && ngroups) {
		fd = placeholder();
		if (fd >= 0 && !file_new(fd, K_CONTAINER)) {
			get_close()(fd);
			fd = -1;
			errno = EMFILE;
		}
		pthread_mutex_unlock(&lock);
		return fd;
	}
	pthread_mutex_unlock(&lock);
	if (!chpsync_sysfs(path))
		return -2;
	if ((flags & O_ACCMODE) != O_RDONLY) {
		errno = EACCES; /* writes to the host's sysfs are its administrator's */
		return -1;
	}
	rc = sysfs_query(CHPS_SYSFS_READ, path, text, sizeof(text));
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return text_fd(text, (size_t)rc);
}

EXPORT int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd = bridge_open(path, flags);
	va_list ap;

	if (fd != -2)
		return fd;
	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return get_open64()(path, flags, mode);
}

EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd = bridge_open(path, flags);
	va_list ap;

	if (fd != -2)
		return fd;
	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return get_open()(path, flags, mode);
}

EXPORT int __open64_2(const char *path, int flags)
{
	int fd = bridge_open(path, flags);

	return fd != -2 ? fd : get___open64_2()(path, flags);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd = path[0] == '/' ? bridge_open(path, flags) : -2;
	va_list ap;

	if (fd != -2)
		return fd;
	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return get_openat64()(dirfd, path, flags, mode);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	char text[8192];
	FILE *f;
	int rc;

	if (!chpsync_sysfs(path))
		return get_fopen64()(path, mode);
	if (mode[0] != 'r' || strchr(mode, '+')) {
		errno = EACCES;
		return NULL;
	}
	rc = sysfs_query(CHPS_SYSFS_READ, path, text, sizeof(text));
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	f = fmemopen(NULL, (size_t)rc + 1, "w+");
	if (!f)
		return NULL;
	if (fwrite(text, 1, (size_t)rc, f) != (size_t)rc) {
		fclose(f);
		errno = EIO;
		return NULL;
	}
	rewind(f);
	return f;
}

static char *bridge_realpath(const char *path, char *resolved, size_t size)
{
	char out[CHPS_PATH_MAX + 1];
	int rc = sysfs_query(CHPS_SYSFS_REALPATH, path, out, sizeof(out));

	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	if (!resolved)
		return strdup(out);
	if ((size_t)rc >= size) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(resolved, out, (size_t)rc + 1);
	return resolved;
}

EXPORT char *realpath(const char *path, char *resolved)
{
	if (!chpsync_sysfs(path))
		return get_realpath()(path, resolved);
	return bridge_realpath(path, resolved, PATH_MAX);
}

EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
	if (!chpsync_sysfs(path))
		return get___realpath_chk()(path, resolved, resolvedlen);
	return bridge_realpath(path, resolved, resolvedlen);
}

/* <mdev>/iommu_group: each mdev its own group, numbered here. */
static int iommu_group_link(const char *path, char *buf, size_t size)
{
	char dir[CHPS_PATH_MAX + 1], real[CHPS_PATH_MAX + 1], probe[CHPS_PATH_MAX + 16], link[64];
	const char *base;
	size_t dl = strlen(path) - strlen("/iommu_group");
	int rc, g = -1, n;

	if (dl >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	rc = sysfs_query(CHPS_SYSFS_REALPATH, dir, real, sizeof(real));
	if (rc < 0)
		return rc;
	snprintf(probe, sizeof(probe), "%s/mdev_type", real);
	if (sysfs_query(CHPS_SYSFS_READLINK, probe, link, sizeof(link)) < 0)
		return -ENOENT; /* not an mdev */
	base = strrchr(real, '/') + 1;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < ngroups; i++)
		if (!strcmp(groups[i].uuid, base))
			g = i;
	if (g < 0 && ngroups < MAX_FILES && strlen(base) < sizeof(groups[0].uuid)) {
		g = ngroups++;
		snprintf(groups[g].uuid, sizeof(groups[g].uuid), "%s", base);
	}
	pthread_mutex_unlock(&lock);
	if (g < 0)
		return -ENOSPC;
	n = snprintf(link, sizeof(link), "../../../../kernel/iommu_groups/%d", GROUP_BASE + g);
	if ((size_t)n > size)
		n = (int)size;
	memcpy(buf, link, (size_t)n);
	return n;
}

EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	char out[CHPS_PATH_MAX + 1];
	size_t pl = strlen(path);
	int rc;

	if (!chpsync_sysfs(path))
		return get_readlink()(path, buf, size);
	if (pl > 12 && !strcmp(path + pl - 12, "/iommu_group"))
		rc = iommu_group_link(path, buf, size);
	else if ((rc = sysfs_query(CHPS_SYSFS_READLINK, path, out, sizeof(out))) >= 0) {
		if ((size_t)rc > size)
			rc = (int)size;
		memcpy(buf, out, (size_t)rc);
	}
	if (rc < 0) {
		errno = -rc == ENOENT || -rc == EINVAL ? -rc : EINVAL;
		return -1;
	}
	return rc;
}

EXPORT int memfd_create(const char *name, unsigned int flags)
{
	return get_memfd_create()(name, flags);
}

/* ---- guest memory ---- */

/* The memfd behind [vaddr, vaddr+size) of this process and the offset of
 * vaddr in it (/proc/self/maps, then the descriptor with that inode). */
static int memory_fd(uint64_t vaddr, uint64_t size, uint64_t *offset)
{
	FILE *f = get_fopen64()("/proc/self/maps", "r");
	char line[1024];
	unsigned long long lo, hi, off, ino = 0;
	int found = 0, fd = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char perms[8];
		unsigned dmaj, dmin;

		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &lo, &hi, perms, &off, &dmaj,
			   &dmin, &ino) != 7)
			continue;
		if (vaddr >= lo && vaddr + size <= hi && perms[3] == 's' && ino) {
			*offset = off + (vaddr - lo);
			found = 1;
			break;
		}
	}
	fclose(f);
	if (!found)
		return -1;
	for (int i = 3; i < 4096 && fd < 0; i++) {
		struct stat st;

		if (fstat(i, &st) == 0 && S_ISREG(st.st_mode) && st.st_ino == ino) {
			char p[64], t[128];
			ssize_t n;

			snprintf(p, sizeof(p), "/proc/self/fd/%d", i);
			n = get_readlink()(p, t, sizeof(t) - 1);
			if (n > 0 && !strncmp(t, "/memfd:", 7))
				fd = i;
		}
	}
	return fd;
}

static int dma_to_device(struct bfile *d, const struct dma *m)
{
	struct chps_dma_map dm = {.iova = m->iova,
				  .size = m->size,
				  .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE};
	int mfd = memory_fd(m->vaddr, m->size, &dm.offset);
	int rc;

	if (mfd < 0) {
		say("guest RAM at 0x%llx is not a shared memfd: run QEMU with -object "
		    "memory-backend-memfd,id=ram,size=...,share=on -machine memory-backend=ram "
		    "(chpsync qemu adds it)",
		    (unsigned long long)m->vaddr);
		return -EFAULT;
	}
	pthread_mutex_lock(&d->io);
	rc = request(d->fd, &d->id, CHPS_DMA_MAP, &dm, sizeof(dm), NULL, 0, &mfd, 1, NULL, 0, NULL);
	pthread_mutex_unlock(&d->io);
	if (rc < 0)
		say("DMA map of guest RAM refused by chpsync serve: %s", strerror(-rc));
	return rc;
}

/* ---- ioctls ---- */

static int container_ioctl(struct bfile *c, unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return (uintptr_t)arg == VFIO_TYPE1_IOMMU || (uintptr_t)arg == VFIO_TYPE1v2_IOMMU;
	case VFIO_SET_IOMMU:
		if ((uintptr_t)arg != VFIO_TYPE1_IOMMU && (uintptr_t)arg != VFIO_TYPE1v2_IOMMU)
			return -EINVAL;
		return 0;
	case VFIO_IOMMU_GET_INFO: {
		struct vfio_iommu_type1_info *in = arg;
		size_t minsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes) + 8;

		if (in->argsz < minsz)
			return -EINVAL;
		in->flags = VFIO_IOMMU_INFO_PGSIZES;
		in->iova_pgsizes = 4096;
		if (in->argsz >= sizeof(*in))
			in->cap_offset = 0;
		return 0;
	}
	case VFIO_IOMMU_MAP_DMA: {
		struct vfio_iommu_type1_dma_map *dm = arg;
		struct dma m;
		int rc = 0;

		if (dm->argsz < sizeof(*dm))
			return -EINVAL;
		if (ndma == MAX_DMA)
			return -ENOSPC;
		m = (struct dma){dm->vaddr, dm->iova, dm->size};
		for (int i = 0; i < MAX_FILES && !rc; i++)
			if (files[i].kind == K_DEVICE)
				rc = dma_to_device(&files[i], &m);
		if (!rc)
			dmas[ndma++] = m;
		return rc;
	}
	case VFIO_IOMMU_UNMAP_DMA: {
		struct vfio_iommu_type1_dma_unmap *du = arg;
		struct chps_dma_unmap u;

		if (du->argsz < offsetof(struct vfio_iommu_type1_dma_unmap, size) + 8)
			return -EINVAL;
		u = (struct chps_dma_unmap){du->iova, du->size};
		for (int i = 0; i < MAX_FILES; i++)
			if (files[i].kind == K_DEVICE) {
				pthread_mutex_lock(&files[i].io);
				request(files[i].fd, &files[i].id, CHPS_DMA_UNMAP, &u, sizeof(u),
					NULL, 0, NULL, 0, NULL, 0, NULL);
				pthread_mutex_unlock(&files[i].io);
			}
		for (int i = 0; i < ndma;)
			if (dmas[i].iova >= du->iova &&
			    dmas[i].iova + dmas[i].size <= du->iova + du->size)
				dmas[i] = dmas[--ndma];
			else
				i++;
		return 0;
	}
	}
	return -ENOTTY;
}

static int group_ioctl(struct bfile *g, unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_GROUP_GET_STATUS: {
		struct vfio_group_status *st = arg;

		if (st->argsz < sizeof(*st))
			return -EINVAL;
		st->flags = VFIO_GROUP_FLAGS_VIABLE |
			    (g->container >= 0 ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
		return 0;
	}
	case VFIO_GROUP_SET_CONTAINER: {
		int cfd = *(int *)arg;

		if (!file_get(cfd, K_CONTAINER))
			return -EBADF;
		if (g->container >= 0)
			return -EBUSY;
		g->container = cfd;
		return 0;
	}
	case VFIO_GROUP_UNSET_CONTAINER:
		if (g->container < 0)
			return -EINVAL;
		g->container = -1;
		return 0;
	case VFIO_GROUP_GET_DEVICE_FD: {
		const char *name = arg;
		char path[CHPS_PATH_MAX + 1];
		struct chps_open o;
		struct bfile *d;
		int fd, rc;

		if (g->container < 0)
			return -EINVAL;
		if (strcmp(name, groups[g->group - GROUP_BASE].uuid))
			return -ENODEV;
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", name);
		fd = sock_connect();
		if (fd < 0)
			return -errno;
		d = file_new(fd, K_DEVICE);
		if (!d) {
			get_close()(fd);
			return -EMFILE;
		}
		d->group = g->group;
		rc = request(fd, &d->id, CHPS_DEVICE_OPEN, path, strlen(path) + 1, NULL, 0, NULL, 0,
			     &o, sizeof(o), NULL);
		for (int i = 0; i < ndma && !rc; i++)
			rc = dma_to_device(d, &dmas[i]);
		if (rc < 0) {
			say("open of %s on chpsync serve: %s", path, strerror(-rc));
			d->kind = K_FREE;
			get_close()(fd);
			return rc;
		}
		return fd;
	}
	}
	return -ENOTTY;
}

static size_t ioctl_argsz(unsigned long req, void *arg)
{
	uint32_t argsz;

	if (req == VFIO_DEVICE_RESET)
		return 0;
	memcpy(&argsz, arg, sizeof(argsz));
	return argsz;
}

static int device_ioctl(struct bfile *d, unsigned long req, void *arg)
{
	struct chps_ioctl io = {.request = (uint32_t)req};
	struct chps_ioctl_reply r;
	uint8_t *out;
	int fds[CHPS_MAX_FDS], nfds = 0;
	size_t got = 0;
	int rc;

	if (req != VFIO_DEVICE_GET_INFO && req != VFIO_DEVICE_GET_REGION_INFO &&
	    req != VFIO_DEVICE_GET_IRQ_INFO && req != VFIO_DEVICE_SET_IRQS &&
	    req != VFIO_DEVICE_RESET)
		return -ENOTTY;
	if (req != VFIO_DEVICE_RESET && !arg)
		return -EFAULT;
	io.argsz = (uint32_t)ioctl_argsz(req, arg);
	if (io.argsz > CHPS_MSG_MAX - 64)
		return -EINVAL;
	if (req == VFIO_DEVICE_SET_IRQS && io.argsz >= sizeof(struct vfio_irq_set)) {
		struct vfio_irq_set *is = arg;

		if ((is->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) == VFIO_IRQ_SET_DATA_EVENTFD &&
		    io.argsz >= sizeof(*is) + is->count * sizeof(int32_t))
			for (uint32_t i = 0; i < is->count && nfds < CHPS_MAX_FDS; i++) {
				int32_t v;

				memcpy(&v, is->data + i * sizeof(v), sizeof(v));
				if (v >= 0)
					fds[nfds++] = v;
			}
	}
	out = malloc(sizeof(r) + io.argsz + 1);
	if (!out)
		return -ENOMEM;
	pthread_mutex_lock(&d->io);
	rc = request(d->fd, &d->id, CHPS_DEVICE_IOCTL, &io, sizeof(io), arg, io.argsz, fds, nfds,
		     out, sizeof(r) + io.argsz, &got);
	pthread_mutex_unlock(&d->io);
	if (!rc && got >= sizeof(r)) {
		memcpy(&r, out, sizeof(r));
		if (r.argsz && req != VFIO_DEVICE_SET_IRQS)
			memcpy(arg, out + sizeof(r),
			       got - sizeof(r) < io.argsz ? got - sizeof(r) : io.argsz);
		rc = r.result;
	} else if (!rc) {
		rc = -EIO;
	}
	free(out);
	return rc;
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
	struct bfile *f;
	void *arg;
	va_list ap;
	int rc;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!socket_path())
		return get_ioctl()(fd, req, arg);
	pthread_mutex_lock(&lock);
	f = file_get(fd, K_FREE);
	if (!f) {
		pthread_mutex_unlock(&lock);
		return get_ioctl()(fd, req, arg);
	}
	if (f->kind == K_DEVICE) {
		pthread_mutex_unlock(&lock);
		rc = device_ioctl(f, req, arg);
	} else {
		rc = f->kind == K_GROUP ? group_ioctl(f, req, arg) : container_ioctl(f, req, arg);
		pthread_mutex_unlock(&lock);
	}
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return rc;
}

/* ---- regions ---- */

static struct bfile *device_of(int fd)
{
	struct bfile *f;

	if (!socket_path())
		return NULL;
	pthread_mutex_lock(&lock);
	f = file_get(fd, K_DEVICE);
	pthread_mutex_unlock(&lock);
	return f;
}

static ssize_t device_pread(struct bfile *d, void *buf, size_t count, off_t off)
{
	struct chps_region rg = {.offset = (uint64_t)off, .count = (uint32_t)count};
	size_t got = 0;
	int rc;

	if (off < 0 || count > CHPS_MSG_MAX - 64) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&d->io);
	rc = request(d->fd, &d->id, CHPS_REGION_READ, &rg, sizeof(rg), NULL, 0, NULL, 0, buf, count,
		     &got);
	pthread_mutex_unlock(&d->io);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	bridge_conv_read((int)((uint64_t)off >> REGION_SHIFT),
			 (uint64_t)off & ((1u << REGION_SHIFT) - 1), buf, got);
	return (ssize_t)got;
}

EXPORT ssize_t pread64(int fd, void *buf, size_t count, off_t off)
{
	struct bfile *d = device_of(fd);

	return d ? device_pread(d, buf, count, off) : get_pread64()(fd, buf, count, off);
}

EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t count, off_t off, size_t buflen)
{
	struct bfile *d = device_of(fd);

	if (!d)
		return get___pread64_chk()(fd, buf, count, off, buflen);
	if (count > buflen)
		abort(); /* what the fortified libc does */
	return device_pread(d, buf, count, off);
}

EXPORT ssize_t pwrite64(int fd, const void *buf, size_t count, off_t off)
{
	struct bfile *d = device_of(fd);
	struct chps_region rg = {.offset = (uint64_t)off, .count = (uint32_t)count};
	struct chps_count cnt = {0};
	uint8_t *copy;
	int rc;

	if (!d)
		return get_pwrite64()(fd, buf, count, off);
	if (off < 0 || count > CHPS_MSG_MAX - 64) {
		errno = EINVAL;
		return -1;
	}
	copy = malloc(count ? count : 1);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(copy, buf, count);
	bridge_conv_write((int)((uint64_t)off >> REGION_SHIFT),
			  (uint64_t)off & ((1u << REGION_SHIFT) - 1), copy, count);
	pthread_mutex_lock(&d->io);
	rc = request(d->fd, &d->id, CHPS_REGION_WRITE, &rg, sizeof(rg), copy, count, NULL, 0, &cnt,
		     sizeof(cnt), NULL);
	pthread_mutex_unlock(&d->io);
	free(copy);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return (ssize_t)cnt.count;
}

EXPORT int close(int fd)
{
	struct bfile *f = NULL;

	if (socket_path()) {
		pthread_mutex_lock(&lock);
		f = file_get(fd, K_FREE);
		if (f) {
			if (f->kind == K_CONTAINER)
				for (int i = 0; i < MAX_FILES; i++)
					if (files[i].kind == K_GROUP && files[i].container == fd)
						files[i].container = -1;
			f->kind = K_FREE; /* the device's connection closes: released */
		}
		pthread_mutex_unlock(&lock);
	}
	return get_close()(fd);
}
