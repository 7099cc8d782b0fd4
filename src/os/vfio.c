/* The vfio core of a host OS: a per-OS file table (vfio device fds and
 * eventfds), user storage for VMM processes, DMA mappings, the devices bus
 * drivers registered (os/vfio_dev.h), and the syscall-shaped entry points of
 * os/vfio.h, which dispatch to the device's ops.  The state hangs off the
 * OS (os->vfio); vfio_exit() frees it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "os/os.h"
#include "os/sysfs.h"
#include "os/vfio.h"
#include "os/vfio_dev.h"

/* fds 0-2 are the process's stdio.  The table grows on demand up to a
 * per-process limit, as RLIMIT_NOFILE bounds a real one (4 fds per
 * pass-through device: 16384 devices per host). */
#define VFIO_FD_FIRST	3
#define VFIO_FD_LIMIT	65536
#define VFIO_FD_GROW	64
#define USER_BLOCKS_MIN 16 /* the block table starts this big and doubles */
/* User storage is carved from the top of host storage downwards and never
 * below this floor (the kernel allocator works from the bottom up). */
#define USER_FLOOR (1ull << 20)

enum vfio_fd_kind {
	VFIO_FD_FREE,
	VFIO_FD_EVENTFD,
	VFIO_FD_DEVICE,
};

/* One open file.  Allocated on its own so that its address stays put while
 * the table grows: a pending eventfd event points at it. */
struct vfio_fd {
	enum vfio_fd_kind kind;
	struct os *os;
	/* eventfd */
	void (*handler)(void *ctx);
	void *ctx;
	uint64_t count;
	struct sim_event *ev;
	/* device */
	struct vfio_device *dev;
};

struct user_block {
	uint64_t addr;
	uint64_t size;
};

struct vfio_host {
	struct os *os;
	struct vfio_fd **fd; /* fd[i] NULL: free */
	int nfd;	     /* table size */
	int next_fd;	     /* no free fd below this one */
	struct user_block *ub;
	int nub, ubcap;
	struct vfio_device *devices; /* registered by the bus drivers */
	uint64_t scratch;	     /* bit bucket page of all programs */
};

/* The OS's vfio state (os->vfio), created on first use. */
static struct vfio_host *vfio_host_get(struct os *os, bool create)
{
	struct vfio_host *h = os->vfio;

	if (h || !create)
		return h;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->os = os;
	h->next_fd = VFIO_FD_FIRST;
	os->vfio = h;
	return h;
}

static struct vfio_fd *fd_get(struct os *os, int fd, enum vfio_fd_kind kind)
{
	struct vfio_host *h = vfio_host_get(os, false);
	struct vfio_fd *f;

	/* One unsigned compare for both ends: a negative fd is beyond any
	 * table, and the slots of fds 0-2 are never filled (fd_alloc starts
	 * at VFIO_FD_FIRST). */
	if (!h || (unsigned)fd >= (unsigned)h->nfd)
		return NULL;
	f = h->fd[fd];
	return f && f->kind == kind ? f : NULL;
}

/* Room for fd `want`: grow by half again (at least VFIO_FD_GROW slots). */
static int fd_table_grow(struct vfio_host *h, int want)
{
	int n = h->nfd + h->nfd / 2;
	struct vfio_fd **t;

	if (n < want + VFIO_FD_GROW)
		n = want + VFIO_FD_GROW;
	if (n > VFIO_FD_LIMIT)
		n = VFIO_FD_LIMIT;
	t = realloc(h->fd, (size_t)n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t + h->nfd, 0, (size_t)(n - h->nfd) * sizeof(*t));
	h->fd = t;
	h->nfd = n;
	return 0;
}

/* The lowest free fd, as open(2) hands out. */
static int fd_alloc(struct os *os, enum vfio_fd_kind kind)
{
	struct vfio_host *h = vfio_host_get(os, true);
	struct vfio_fd *f;
	int i;

	if (!h)
		return -ENOMEM;
	for (i = h->next_fd; i < h->nfd && h->fd[i]; i++)
		;
	if (i >= VFIO_FD_LIMIT)
		return -EMFILE;
	if (i >= h->nfd && fd_table_grow(h, i))
		return -ENOMEM;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->kind = kind;
	f->os = os;
	h->fd[i] = f;
	h->next_fd = i + 1;
	return i;
}

static void fd_release(struct os *os, int fd)
{
	struct vfio_host *h = vfio_host_get(os, false);

	if (!h || fd < VFIO_FD_FIRST || fd >= h->nfd || !h->fd[fd])
		return;
	free(h->fd[fd]);
	h->fd[fd] = NULL;
	if (fd < h->next_fd)
		h->next_fd = fd;
}

/* ---- eventfds ---- */

static void eventfd_fire(void *arg)
{
	struct vfio_fd *e = arg;

	e->ev = NULL;
	if (e->kind != VFIO_FD_EVENTFD || !e->count)
		return;
	e->count = 0;
	if (e->handler)
		e->handler(e->ctx);
}

int os_eventfd(struct os *host, void (*handler)(void *ctx), void *ctx)
{
	int fd = fd_alloc(host, VFIO_FD_EVENTFD);
	struct vfio_fd *e;

	if (fd < 0)
		return fd;
	e = fd_get(host, fd, VFIO_FD_EVENTFD);
	e->handler = handler;
	e->ctx = ctx;
	return fd;
}

int os_eventfd_close(struct os *host, int fd)
{
	struct vfio_fd *e = fd_get(host, fd, VFIO_FD_EVENTFD);

	if (!e)
		return -EBADF;
	sim_cancel(host->sim, e->ev);
	fd_release(host, fd);
	return 0;
}

/* Signals coalesce like an eventfd counter: one handler run per batch. */
void os_eventfd_signal(struct os *host, int fd)
{
	struct vfio_fd *e = fd_get(host, fd, VFIO_FD_EVENTFD);

	if (!e)
		return;
	e->count++;
	if (!e->ev)
		e->ev = sim_at(host->sim, 0, eventfd_fire, e);
}

int vfio_eventfd_check(struct os *os, int fd)
{
	return fd_get(os, fd, VFIO_FD_EVENTFD) ? 0 : -EBADF;
}

/* ---- user storage ---- */

/* Room for one more block in the growable table. */
static int user_blocks_reserve(struct vfio_host *h)
{
	struct user_block *t;
	int n;

	if (h->nub < h->ubcap)
		return 0;
	n = h->ubcap ? 2 * h->ubcap : USER_BLOCKS_MIN;
	t = realloc(h->ub, (size_t)n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	h->ub = t;
	h->ubcap = n;
	return 0;
}

/* First fit from the top: the blocks are kept sorted by address, highest
 * first, so one walk visits every gap once. */
uint64_t os_user_alloc(struct os *host, uint64_t size, uint64_t align)
{
	struct vfio_host *h = vfio_host_get(host, true);
	uint64_t top = host->css.mem->size;

	if (!h || !size || size > top)
		return 0;
	if (align < VFIO_PAGE_SIZE)
		align = VFIO_PAGE_SIZE;
	if (align & (align - 1))
		return 0;
	size = (size + VFIO_PAGE_SIZE - 1) & ~(uint64_t)(VFIO_PAGE_SIZE - 1);
	for (int i = 0; i <= h->nub; i++) {
		const struct user_block *b = i < h->nub ? &h->ub[i] : NULL;
		uint64_t floor = b ? b->addr + b->size : USER_FLOOR;
		uint64_t a = top >= size ? (top - size) & ~(align - 1) : 0;

		if (top >= size && a >= floor && a >= USER_FLOOR) {
			if (user_blocks_reserve(h))
				return 0;
			memmove(&h->ub[i + 1], &h->ub[i], (size_t)(h->nub - i) * sizeof(*h->ub));
			/* Fresh pages read as zero (os_user_free drops them);
			 * no memset, so a large guest costs only what it
			 * touches. */
			h->ub[i] = (struct user_block){a, size};
			h->nub++;
			return a;
		}
		if (!b)
			break;
		top = b->addr;
	}
	return 0;
}

void os_user_free(struct os *host, uint64_t addr)
{
	struct vfio_host *h = vfio_host_get(host, false);

	if (!h)
		return;
	for (int i = 0; i < h->nub; i++) {
		if (h->ub[i].addr == addr) {
			uint8_t *p = storage_ptr(host->css.mem, addr, h->ub[i].size);

			/* Like munmap + a later mmap: the next user of these
			 * pages sees zeros, and the memory goes back now. */
			if (p && madvise(p, h->ub[i].size, MADV_DONTNEED))
				memset(p, 0, h->ub[i].size);
			h->nub--;
			memmove(&h->ub[i], &h->ub[i + 1], (size_t)(h->nub - i) * sizeof(*h->ub));
			return;
		}
	}
}

void *os_umem_alloc(struct os *os, uint64_t size)
{
	uint64_t a = os->css.mem ? os_user_alloc(os, size, VFIO_PAGE_SIZE) : 0;

	return a ? os_kptr(os, a, size) : NULL;
}

void os_umem_free(struct os *os, void *p)
{
	uint64_t a = p ? os_storage_addr(os, p, 1) : 0;

	if (a)
		os_user_free(os, a);
}

/* Is [a, a+size) inside one allocation of the VMM processes?  Only their
 * own memory can be DMA-mapped (VFIO pins user pages), never the host
 * kernel's, where the translated programs live. */
static bool user_owns(struct os *os, uint64_t a, uint64_t size)
{
	const struct vfio_host *h = vfio_host_get(os, false);

	for (int i = 0; h && i < h->nub; i++) {
		const struct user_block *b = &h->ub[i];

		if (a >= b->addr && a - b->addr < b->size && size <= b->size - (a - b->addr))
			return true;
	}
	return false;
}

/* ---- DMA mapping table ---- */

static bool page_aligned(uint64_t v)
{
	return !(v & (VFIO_PAGE_SIZE - 1));
}

int vfio_dma_table_map(struct vfio_dma_table *t, const struct storage *mem, uint64_t vaddr,
		       uint64_t iova, uint64_t size)
{
	if (!size || !page_aligned(vaddr) || !page_aligned(iova) || !page_aligned(size))
		return -EINVAL;
	if (iova + size < iova || vaddr + size < vaddr)
		return -EINVAL;
	if (!storage_ok(mem, vaddr, size))
		return -EFAULT;
	for (int i = 0; i < t->n; i++) {
		const struct vfio_dma_map *m = &t->map[i];

		if (iova < m->iova + m->size && m->iova < iova + size)
			return -EEXIST;
	}
	if (t->n == VFIO_DMA_MAX)
		return -ENOSPC;
	t->map[t->n++] = (struct vfio_dma_map){iova, vaddr, size};
	return 0;
}

/* Remove every mapping inside [iova, iova+size); a mapping only partly
 * inside cannot be split (-EINVAL, as type1 v2 IOMMUs answer). */
int vfio_dma_table_unmap(struct vfio_dma_table *t, uint64_t iova, uint64_t size)
{
	if (!size || !page_aligned(iova) || !page_aligned(size) || iova + size < iova)
		return -EINVAL;
	for (int i = 0; i < t->n; i++) {
		const struct vfio_dma_map *m = &t->map[i];
		bool inside = m->iova >= iova && m->iova + m->size <= iova + size;

		if (!inside && iova < m->iova + m->size && m->iova < iova + size)
			return -EINVAL;
	}
	for (int i = 0; i < t->n;) {
		const struct vfio_dma_map *m = &t->map[i];

		if (m->iova >= iova && m->iova + m->size <= iova + size)
			t->map[i] = t->map[--t->n];
		else
			i++;
	}
	return 0;
}

/* ---- devices ---- */

int vfio_register_device(struct vfio_device *v)
{
	struct vfio_host *h = vfio_host_get(v->os, true);

	if (!h)
		return -ENOMEM;
	if (vfio_find_device(v->os, v->name))
		return -EEXIST;
	v->open = false;
	v->fd = -1;
	v->next = h->devices;
	h->devices = v;
	return 0;
}

struct vfio_device *vfio_find_device(struct os *os, const char *name)
{
	struct vfio_host *h = vfio_host_get(os, false);

	for (struct vfio_device *v = h ? h->devices : NULL; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

/* The last close of an open device: the driver's, then the core's. */
static void device_close(struct vfio_device *v)
{
	v->ops->close_device(v);
	memset(&v->dma, 0, sizeof(v->dma));
	v->open = false;
	v->fd = -1;
}

void vfio_unregister_device(struct vfio_device *v)
{
	struct vfio_host *h = vfio_host_get(v->os, false);

	if (v->open) {
		int fd = v->fd; /* the close forgets it */
		struct vfio_fd *f = fd_get(v->os, fd, VFIO_FD_DEVICE);

		device_close(v);
		if (f && f->dev == v)
			fd_release(v->os, fd);
	}
	for (struct vfio_device **pp = h ? &h->devices : NULL; pp && *pp; pp = &(*pp)->next) {
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	}
	v->next = NULL;
}

/* ---- the device fd ---- */

static struct vfio_device *dev_get(struct os *os, int fd)
{
	struct vfio_fd *f = fd_get(os, fd, VFIO_FD_DEVICE);

	return f ? f->dev : NULL;
}

/* sysfsdev: /sys/bus/mdev/devices/<uuid> or the mdev's directory under
 * its parent subchannel; the last component names the device. */
int vfio_open_device(struct os *host, const char *sysfsdev, int *err)
{
	const char *name = sysfsdev ? strrchr(sysfsdev, '/') : NULL;
	struct vfio_device *v;
	int fd, rc;

	rc = -ENOENT;
	if (!name || !sysfs_exists(host->sysfs, sysfsdev))
		goto out;
	v = vfio_find_device(host, name + 1);
	if (!v)
		goto out;
	rc = -EBUSY;
	if (v->open)
		goto out;
	rc = fd = fd_alloc(host, VFIO_FD_DEVICE);
	if (fd < 0)
		goto out;
	memset(&v->dma, 0, sizeof(v->dma));
	rc = v->ops->open_device(v);
	if (rc) {
		fd_release(host, fd);
		goto out;
	}
	fd_get(host, fd, VFIO_FD_DEVICE)->dev = v;
	v->open = true;
	v->fd = fd;
	rc = fd;
out:
	if (err)
		*err = rc < 0 ? rc : 0;
	return rc;
}

int vfio_close(struct os *host, int fd)
{
	struct vfio_device *v = dev_get(host, fd);

	if (!v)
		return os_eventfd_close(host, fd);
	device_close(v);
	fd_release(host, fd);
	return 0;
}

int vfio_ioctl(struct os *host, int fd, unsigned long request, void *arg)
{
	struct vfio_device *v = dev_get(host, fd);

	if (!v)
		return fd_get(host, fd, VFIO_FD_EVENTFD) ? -ENOTTY : -EBADF;
	if (!arg && request != VFIO_DEVICE_RESET)
		return -EFAULT;
	return v->ops->ioctl(v, request, arg);
}

ssize_t vfio_pread(struct os *host, int fd, void *buf, size_t count, uint64_t off)
{
	struct vfio_device *v = dev_get(host, fd);

	if (!v)
		return -EBADF;
	if (!buf && count)
		return -EFAULT;
	return v->ops->read(v, buf, count, off);
}

ssize_t vfio_pwrite(struct os *host, int fd, const void *buf, size_t count, uint64_t off)
{
	struct vfio_device *v = dev_get(host, fd);

	if (!v)
		return -EBADF;
	if (!buf && count)
		return -EFAULT;
	return v->ops->write(v, buf, count, off);
}

int vfio_dma_map(struct os *host, int fd, uint64_t vaddr, uint64_t iova, uint64_t size)
{
	struct vfio_device *v = dev_get(host, fd);

	if (!v)
		return -EBADF;
	if (size && !user_owns(host, vaddr, size))
		return -EFAULT;
	return vfio_dma_table_map(&v->dma, host->css.mem, vaddr, iova, size);
}

int vfio_dma_unmap(struct os *host, int fd, uint64_t iova, uint64_t size)
{
	struct vfio_device *v = dev_get(host, fd);
	struct vfio_dma_table probe;

	if (!v)
		return -EBADF;
	/* Validate first so a refused unmap never resets the device. */
	probe = v->dma;
	if (vfio_dma_table_unmap(&probe, iova, size))
		return -EINVAL;
	v->ops->dma_unmap(v, iova, size);
	return vfio_dma_table_unmap(&v->dma, iova, size);
}

/* One page for the whole host: it only ever receives what a device wrongly
 * transfers for a CCW that moves no data, and nobody reads it, so the
 * devices can share it instead of each program taking (and zeroing) its
 * own.  0 when there is no memory for it. */
uint64_t vfio_host_scratch(struct os *os)
{
	struct vfio_host *h = vfio_host_get(os, true);

	if (!h)
		return 0;
	if (!h->scratch)
		h->scratch = os_kmalloc(os, VFIO_PAGE_SIZE, VFIO_PAGE_SIZE);
	return h->scratch;
}

/* ---- teardown ---- */

void vfio_exit(struct os *os)
{
	struct vfio_host *h = vfio_host_get(os, false);

	if (!h)
		return;
	while (h->devices)
		vfio_unregister_device(h->devices);
	for (int i = 0; i < h->nfd; i++) {
		if (h->fd[i] && h->fd[i]->kind == VFIO_FD_EVENTFD)
			sim_cancel(os->sim, h->fd[i]->ev);
		free(h->fd[i]);
	}
	free(h->fd);
	free(h->ub);
	os_kfree(os, h->scratch);
	os->vfio = NULL;
	free(h);
}
