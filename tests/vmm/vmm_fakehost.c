#include "vmm_fakehost.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

static struct fake_host *the_host;

static struct fake_dev *dev_of(int fd)
{
	int i = fd - 100;

	if (!the_host || i < 0 || i >= FAKE_NDEV || !the_host->dev[i].open)
		return NULL;
	return &the_host->dev[i];
}

static int f_open(void *host, const char *path, int *err)
{
	(void)host;
	for (int i = 0; i < FAKE_NDEV; i++) {
		struct fake_dev *d = &the_host->dev[i];

		if (!d->exists || strcmp(d->path, path))
			continue;
		if (d->open)
			return *err = -EBUSY;
		d->open = true;
		return 100 + i;
	}
	return *err = -ENOENT;
}

static int f_close(void *host, int fd)
{
	struct fake_dev *d = dev_of(fd);

	(void)host;
	if (!d)
		return -EBADF;
	d->open = false;
	return 0;
}

static int region_info(struct fake_dev *d, struct vfio_region_info *ri)
{
	struct vfio_region_info_cap_type *t;
	uint32_t need = sizeof(*ri) + sizeof(*t);
	unsigned idx = ri->index;

	if (idx > 3 || (idx == 3 && d->no_crw_region))
		return -EINVAL;
	ri->offset = (uint64_t)idx << VFIO_CCW_OFFSET_SHIFT;
	ri->flags = VFIO_REGION_INFO_FLAG_READ | (idx <= 1 ? VFIO_REGION_INFO_FLAG_WRITE : 0);
	if (idx == 0) {
		ri->size = sizeof(struct ccw_io_region);
		return 0;
	}
	ri->size = idx == 1   ? sizeof(struct ccw_cmd_region)
		   : idx == 2 ? sizeof(struct ccw_schib_region)
			      : sizeof(struct ccw_crw_region);
	if (ri->argsz < need) {
		ri->argsz = need;
		return 0;
	}
	ri->flags |= VFIO_REGION_INFO_FLAG_CAPS;
	ri->cap_offset = sizeof(*ri);
	t = (void *)((uint8_t *)ri + sizeof(*ri));
	t->header.id = VFIO_REGION_INFO_CAP_TYPE;
	t->header.version = 1;
	t->header.next = 0;
	t->type = VFIO_REGION_TYPE_CCW;
	t->subtype = idx;
	return 0;
}

static int f_ioctl(void *host, int fd, unsigned long req, void *arg)
{
	struct fake_dev *d = dev_of(fd);

	(void)host;
	if (!d)
		return -EBADF;
	if (req == VFIO_DEVICE_GET_INFO) {
		struct vfio_device_info *i = arg;

		i->flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET;
		i->num_regions = d->no_crw_region ? 3 : 4;
		i->num_irqs = 3;
		return 0;
	}
	if (req == VFIO_DEVICE_GET_REGION_INFO)
		return region_info(d, arg);
	if (req == VFIO_DEVICE_GET_IRQ_INFO) {
		struct vfio_irq_info *ii = arg;

		if (ii->index > 2)
			return -EINVAL;
		ii->count = 1;
		ii->flags = VFIO_IRQ_INFO_EVENTFD;
		return 0;
	}
	if (req == VFIO_DEVICE_SET_IRQS) {
		struct vfio_irq_set *s = arg;
		int32_t efd;

		memcpy(&efd, s->data, sizeof(efd));
		if (s->index == VFIO_CCW_IO_IRQ_INDEX)
			d->io_efd = efd;
		else if (s->index == VFIO_CCW_CRW_IRQ_INDEX)
			d->crw_efd = efd;
		else
			d->req_efd = efd;
		return 0;
	}
	return -ENOTTY;
}

static ssize_t f_pread(void *host, int fd, void *buf, size_t n, uint64_t off)
{
	struct fake_dev *d = dev_of(fd);
	unsigned idx = (unsigned)(off >> VFIO_CCW_OFFSET_SHIFT);

	(void)host;
	if (!d)
		return -EBADF;
	if (idx == 0 && n == sizeof(d->io)) {
		memcpy(buf, &d->io, n);
		return (ssize_t)n;
	}
	if (idx == 2 && n == SCHIB_SIZE) {
		d->schib_reads++;
		schib_encode(&d->schib, buf);
		return (ssize_t)n;
	}
	if (idx == 3 && n == sizeof(struct ccw_crw_region)) {
		struct ccw_crw_region r = {0};

		if (d->ncrw) {
			r.crw = d->crwq[0];
			memmove(d->crwq, d->crwq + 1, sizeof(d->crwq[0]) * (size_t)(d->ncrw - 1));
			d->ncrw--;
		}
		memcpy(buf, &r, sizeof(r));
		return (ssize_t)n;
	}
	return -EINVAL;
}

static ssize_t f_pwrite(void *host, int fd, const void *buf, size_t n, uint64_t off)
{
	struct fake_dev *d = dev_of(fd);
	unsigned idx = (unsigned)(off >> VFIO_CCW_OFFSET_SHIFT);

	(void)host;
	if (!d)
		return -EBADF;
	if (idx == 0 && n == sizeof(d->io)) {
		d->nio_writes++;
		memcpy(&d->io, buf, n);
		orb_decode(d->io.orb_area, &d->last_orb);
		return d->io_ret ? d->io_ret : (ssize_t)n;
	}
	if (idx == 1 && n == sizeof(struct ccw_cmd_region)) {
		const struct ccw_cmd_region *c = buf;

		d->nasync++;
		d->last_async = c->command;
		return d->async_ret ? d->async_ret : (ssize_t)n;
	}
	return -EINVAL;
}

static int f_dma_map(void *host, int fd, uint64_t vaddr, uint64_t iova, uint64_t size)
{
	struct fake_dev *d = dev_of(fd);

	(void)host;
	if (!d || iova)
		return -EINVAL;
	d->dma_vaddr = vaddr;
	d->dma_size = size;
	return 0;
}

static int f_dma_unmap(void *host, int fd, uint64_t iova, uint64_t size)
{
	struct fake_dev *d = dev_of(fd);

	(void)host, (void)iova, (void)size;
	if (!d)
		return -EBADF;
	d->dma_size = 0;
	return 0;
}

static int f_eventfd(void *host, void (*fn)(void *), void *ctx)
{
	(void)host;
	if (the_host->nefd == FAKE_NEFD)
		return -EMFILE;
	the_host->efd[the_host->nefd].fn = fn;
	the_host->efd[the_host->nefd].ctx = ctx;
	return the_host->nefd++;
}

static int f_eventfd_close(void *host, int fd)
{
	(void)host;
	if (fd < 0 || fd >= the_host->nefd)
		return -EBADF;
	the_host->efd[fd].fn = NULL;
	return 0;
}

/* Process memory: a bump allocator over the fake host's own storage. */
static struct storage *f_mem_alloc(void *host, uint64_t size, uint64_t align, uint64_t *vaddr)
{
	struct fake_host *h = host;
	uint64_t a = (h->next_user + align - 1) & ~(align - 1);
	struct storage *w;

	if (!storage_ok(h->mem, a, size))
		return NULL;
	w = storage_window(h->mem, a, size);
	if (!w)
		return NULL;
	h->next_user = a + size;
	*vaddr = a;
	return w;
}

static void f_mem_free(void *host, struct storage *mem, uint64_t vaddr)
{
	(void)host, (void)vaddr;
	storage_free(mem);
}

static int f_sysfs_read(void *host, const char *path, char *buf, size_t size)
{
	unsigned chpid;
	char attr[32];

	(void)host;
	the_host->sysfs_reads++;
	if (sscanf(path, "/sys/devices/css0/chp0.%2x/%31s", &chpid, attr) != 2)
		return -ENOENT;
	if (!strcmp(attr, "type"))
		return snprintf(buf, size, "1b\n");
	if (!strcmp(attr, "configure"))
		return snprintf(buf, size, "%d\n", the_host->configure[chpid]);
	return -ENOENT;
}

const struct vmm_host_ops fake_host_ops = {
	.open_device = f_open,
	.close = f_close,
	.ioctl = f_ioctl,
	.pread = f_pread,
	.pwrite = f_pwrite,
	.dma_map = f_dma_map,
	.dma_unmap = f_dma_unmap,
	.eventfd = f_eventfd,
	.eventfd_close = f_eventfd_close,
	.mem_alloc = f_mem_alloc,
	.mem_free = f_mem_free,
	.sysfs_read = f_sysfs_read,
};

struct fake_host *fake_host_new(struct sim *sim, int ndev)
{
	struct fake_host *h = calloc(1, sizeof(*h));
	static const uint8_t chp[8] = {0x42, 0x43, 0x44, 0x45};

	h->sim = sim;
	h->mem = storage_new(1ull << 32);
	h->next_user = 16ull << 20;
	for (int c = 0; c < 256; c++)
		h->configure[c] = 1;
	for (int i = 0; i < ndev; i++) {
		struct fake_dev *d = &h->dev[i];

		d->exists = true;
		snprintf(d->path, sizeof(d->path), "/sys/bus/mdev/devices/fake-%d", i);
		d->schib.pmcw.flags = PMCW_FLAGS_DNV | PMCW_FLAGS_ENA;
		d->schib.pmcw.devno = (uint16_t)(0x1000 + i);
		d->schib.pmcw.pim = 0xf0;
		d->schib.pmcw.pam = 0xf0;
		d->schib.pmcw.pom = 0xff;
		memcpy(d->schib.pmcw.chpid, chp, 8);
		d->io_efd = d->crw_efd = d->req_efd = -1;
	}
	the_host = h;
	return h;
}

void fake_host_free(struct fake_host *h)
{
	storage_free(h->mem);
	if (the_host == h)
		the_host = NULL;
	free(h);
}

struct vmm_host fake_vmm_host(struct fake_host *h)
{
	struct vmm_host v = {&fake_host_ops, h};

	return v;
}

static void signal_efd(struct fake_host *h, int efd)
{
	if (efd >= 0 && efd < h->nefd && h->efd[efd].fn)
		sim_at(h->sim, SIM_US, h->efd[efd].fn, h->efd[efd].ctx);
}

void fake_crw(struct fake_host *h, int i, uint32_t crw)
{
	struct fake_dev *d = &h->dev[i];

	d->crwq[d->ncrw++] = crw;
	signal_efd(h, d->crw_efd);
}

void fake_req(struct fake_host *h, int i)
{
	signal_efd(h, h->dev[i].req_efd);
}

void fake_io_done(struct fake_host *h, int i, const struct irb *irb)
{
	struct fake_dev *d = &h->dev[i];
	uint8_t lpum = irb_esw_lpum(irb);

	/* As the CSS does: the SCHIB's LPUM is the path the ESW names. */
	if (lpum)
		d->schib.pmcw.lpum = lpum;
	irb_encode(irb, d->io.irb_area);
	signal_efd(h, d->io_efd);
}

struct vm_opts *fake_opts(int nvfio, enum chpsync_policy pol, bool virtio_first)
{
	struct vm_opts *o = calloc(1, sizeof(*o));

	o->mem = 64ull << 20;
	o->sclp_chp_info = true;
	snprintf(o->name, sizeof(o->name), "guest");
	if (virtio_first) {
		o->dev[o->ndev].kind = VM_DEV_VIRTIO_RNG;
		o->dev[o->ndev].has_devno = true;
		o->dev[o->ndev].devno.cssid = 0xfe;
		o->dev[o->ndev].devno.no = 0;
		o->ndev++;
	}
	for (int i = 0; i < nvfio; i++) {
		struct vm_dev_opts *d = &o->dev[o->ndev++];

		d->kind = VM_DEV_VFIO_CCW;
		d->has_devno = true;
		d->devno.no = (uint16_t)(0x3f00 + i);
		d->chpsync = pol;
		snprintf(d->sysfsdev, sizeof(d->sysfsdev), "/sys/bus/mdev/devices/fake-%d", i);
		snprintf(d->arg, sizeof(d->arg), "vfio-ccw,sysfsdev=/sys/bus/mdev/devices/fake-%d",
			 i);
	}
	return o;
}

static void g_io(void *os, uint32_t schid, uint32_t intparm, uint32_t word)
{
	struct fake_guest *g = os;

	g->io_irqs++;
	g->last_schid = schid;
	g->last_intparm = intparm;
	g->last_word = word;
}

static void g_mchk(void *os)
{
	((struct fake_guest *)os)->mchks++;
}

static void g_sclp(void *os, uint64_t sccb)
{
	struct fake_guest *g = os;

	g->sclp_done++;
	g->last_sccb = sccb;
}

void fake_guest_bind(struct vcss *css, struct fake_guest *g)
{
	struct css_upcalls up = {g, g_io, g_mchk, g_sclp};

	vcss_ops.bind(css, &up);
	vcss_ops.set_isc_mask(css, 0xff);
}

void fake_env_up(struct fake_env *e, struct vm_opts *o, int nhost)
{
	struct vmm_host h;
	char err[512];

	memset(e, 0, sizeof(*e));
	e->sim = sim_new(1);
	e->host = fake_host_new(e->sim, nhost);
	h = fake_vmm_host(e->host);
	e->vm = vm_create_bare(&h, e->sim, o, err, sizeof(err));
	if (!e->vm)
		t_fail(__FILE__, __LINE__, "vm_create_bare: %s", err);
	e->css = e->vm->css;
	e->mem = e->vm->gmem;
	fake_guest_bind(e->css, &e->g);
}

void fake_env_down(struct fake_env *e)
{
	vm_free(e->vm);
	fake_host_free(e->host);
	sim_free(e->sim);
}

uint8_t *fake_env_at(struct fake_env *e, uint64_t a)
{
	return storage_ptr(e->mem, a, 1);
}

int fake_env_stsch(struct fake_env *e, int no, struct schib *sb)
{
	int cc = vcss_ops.stsch(e->css, schid_word(0, (uint16_t)no), SCHIB_AT);

	if (cc == 0)
		schib_decode(fake_env_at(e, SCHIB_AT), sb);
	return cc;
}
