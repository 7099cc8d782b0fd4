/* OS instance: creation and boot, the kernel log (dmesg ring + console),
 * and the kernel storage allocator over the CSS's storage. */
#include "os/os.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/kern_priv.h"
#include "os/syslog.h"
#include "os/sysfs.h"
#include "os/vfio_ccw.h"
#include "os/vfs.h"

/* Kernel storage starts above the first MiB (lowcore, prefix area). */
#define KMEM_BASE	  (1ull << 20)
#define KMEM_DEFAULT	  (256ull << 20)
#define OS_USERSPACE_BOOT (2 * SIM_S)

/* ---- kernel log ---- */

static void dmesg_add(struct os_priv *p, char *line)
{
	if (p->count == DMESG_MAX_LINES) {
		free(p->lines[p->first]);
		p->lines[p->first] = line;
		p->first = (p->first + 1) % DMESG_MAX_LINES;
		return;
	}
	p->lines[(p->first + p->count) % DMESG_MAX_LINES] = line;
	p->count++;
}

void os_printk_level(struct os *os, bool console, const char *fmt, va_list ap)
{
	char text[512];
	char *line;
	/* printk time is the kernel's own clock: time since its boot. */
	sim_time_t now = sim_now(os->sim) - (os->priv ? os->priv->boot_time : 0);
	unsigned long sec = (unsigned long)(now / SIM_S);
	unsigned long usec = (unsigned long)((now % SIM_S) / SIM_US);

	vsnprintf(text, sizeof(text), fmt, ap);
	/* Every kernel log line is also a world event of the trace. */
	if (sim_tracing(os->sim))
		sim_trace(os->sim, os->hostname, "%s", text);
	/* Each record keeps its level, as syslog(2) hands it out: console
	 * lines KERN_INFO, the others below the console loglevel KERN_DEBUG. */
	if (os->priv &&
	    asprintf(&line, "<%d>[%5lu.%06lu] %s", console ? 6 : 7, sec, usec, text) >= 0)
		dmesg_add(os->priv, line);
	if (console && os->console) {
		size_t n = strlen(text);

		if (n + 1 < sizeof(text)) {
			text[n] = '\n';
			text[n + 1] = '\0';
		}
		os->console(os->console_ctx, text);
	}
}

int os_iommu_group_alloc(struct os *os)
{
	struct os_priv *p = os->priv;
	size_t w;

	for (w = 0; w < p->iommu_words; w++)
		if (~p->iommu_ids[w])
			break;
	if (w == p->iommu_words) {
		uint64_t *n = realloc(p->iommu_ids, (w + 1) * sizeof(*n));

		if (!n)
			return -1; /* shown as group -1; nothing depends on it */
		n[w] = 0;
		p->iommu_ids = n;
		p->iommu_words = w + 1;
	}
	for (int b = 0; b < 64; b++) {
		if (!(p->iommu_ids[w] & (1ull << b))) {
			p->iommu_ids[w] |= 1ull << b;
			return (int)(w * 64) + b;
		}
	}
	return -1;
}

void os_iommu_group_free(struct os *os, int id)
{
	struct os_priv *p = os->priv;

	if (id >= 0 && (size_t)id / 64 < p->iommu_words)
		p->iommu_ids[id / 64] &= ~(1ull << (id % 64));
}

void os_printk(struct os *os, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	os_printk_level(os, true, fmt, ap);
	va_end(ap);
}

void os_printk_debug(struct os *os, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	os_printk_level(os, false, fmt, ap);
	va_end(ap);
}

void os_pr_debug(struct os *os, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (os->priv && os->priv->debug) {
		os_printk_level(os, false, fmt, ap);
	} else if (sim_tracing(os->sim)) {
		/* Not in dmesg, but still a world event of the trace. */
		char text[512];

		vsnprintf(text, sizeof(text), fmt, ap);
		sim_trace(os->sim, os->hostname, "%s", text);
	}
	va_end(ap);
}

void os_set_debug(struct os *os, int on)
{
	if (os && os->priv)
		os->priv->debug = on;
}

/* Length of a record's "<level>" prefix. */
static size_t level_len(const char *line)
{
	const char *q = line[0] == '<' ? strchr(line, '>') : NULL;

	return q ? (size_t)(q + 1 - line) : 0;
}

char *os_dmesg(struct os *os)
{
	struct os_priv *p = os->priv;
	size_t len = 1, i;
	char *s, *q;

	if (!p)
		return calloc(1, 1); /* an OS without a kernel log (test fixtures) */
	for (i = 0; i < p->count; i++)
		len += strlen(p->lines[(p->first + i) % DMESG_MAX_LINES]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	q = s;
	for (i = 0; i < p->count; i++) {
		const char *l = p->lines[(p->first + i) % DMESG_MAX_LINES];
		size_t skip = level_len(l), n = strlen(l) - skip;

		memcpy(q, l + skip, n);
		q[n] = '\n';
		q += n + 1;
	}
	*q = '\0';
	return s;
}

int os_syslog(struct os *os, int type, char *buf, int len)
{
	struct os_priv *p = os->priv;
	size_t i, first, total = 0, n;

	if (type != SYSLOG_ACTION_READ_ALL && type != SYSLOG_ACTION_SIZE_BUFFER)
		return -EINVAL;
	if (!p)
		return 0; /* an OS without a kernel log (test fixtures) */
	for (i = 0; i < p->count; i++)
		total += strlen(p->lines[(p->first + i) % DMESG_MAX_LINES]) + 1;
	if (type == SYSLOG_ACTION_SIZE_BUFFER)
		return total > INT_MAX ? INT_MAX : (int)total;
	if (!buf || len < 0)
		return -EINVAL;
	/* The newest records that fit, oldest first. */
	for (first = 0; first < p->count && total > (size_t)len; first++)
		total -= strlen(p->lines[(p->first + first) % DMESG_MAX_LINES]) + 1;
	for (i = first, n = 0; i < p->count; i++) {
		const char *l = p->lines[(p->first + i) % DMESG_MAX_LINES];
		size_t ll = strlen(l);

		memcpy(buf + n, l, ll);
		buf[n + ll] = '\n';
		n += ll + 1;
	}
	return (int)n;
}

/* ---- kernel storage (the allocator is kmem.c) ---- */

void *os_kptr(struct os *os, uint64_t addr, uint64_t len)
{
	return storage_ptr(os->css.mem, addr, len);
}

uint64_t os_storage_addr(struct os *os, const void *p, uint64_t len)
{
	const struct storage *m = os->css.mem;
	const uint8_t *b = p;

	if (!m || !m->base || !p || b < m->base || (uint64_t)(b - m->base) > m->size ||
	    len > m->size - (uint64_t)(b - m->base))
		return 0;
	return (uint64_t)(b - m->base);
}

void os_kmem_range(const struct os *os, uint64_t *base, uint64_t *size)
{
	*base = os->priv->kbase;
	*size = os->priv->ksize;
}

/* ---- boot ---- */

static void os_bind_upcalls(struct os *os)
{
	struct css_upcalls *up = &os->priv->up;

	up->os = os;
	up->io_interrupt = cio_io_interrupt;
	up->channel_report = crw_machine_check;
	up->service_signal = sclp_service_signal;
	os->css.ops->bind(os->css.css, up);
}

/* After os_destroy the CSS may still have interruptions to deliver (the
 * machine outlives a guest's VMM only briefly, a test may keep running):
 * they go nowhere. */
static void null_io_interrupt(void *os, uint32_t schid, uint32_t intparm, uint32_t int_word)
{
}

static void null_channel_report(void *os)
{
}

static void null_service_signal(void *os, uint64_t sccb)
{
}

static const struct css_upcalls null_upcalls = {
	.io_interrupt = null_io_interrupt,
	.channel_report = null_channel_report,
	.service_signal = null_service_signal,
};

static void os_unbind_upcalls(struct os *os)
{
	if (os->css.ops && os->css.ops->bind)
		os->css.ops->bind(os->css.css, &null_upcalls);
}

/* Tasks blocked on this OS (a dd waiting for a path when its guest was
 * powered off) sit on wait queues inside it, and the scheduler touches
 * those when it frees the tasks.  Such an OS is kept, inert (upcalls
 * unbound, nothing woken), until the scheduler has freed its tasks
 * (os_free_buried, from sim_free). */

static bool os_has_waiters(struct os *os)
{
	struct os_priv *p = os->priv;

	return p->sclp_wq.head || p->cfg_wq.head || ccw_has_waiters(os) || dasd_has_waiters(os) ||
	       (p->init_task && !sim_task_done(p->init_task));
}

/* An OS destroyed while it boots: the init task belongs to the OS, so it
 * goes with it (its stack and its place on whatever wait queue or timer it
 * is blocked on), and the OS can then be freed like a booted one.  Not
 * from inside init itself: a task cannot free itself. */
static void os_stop_init(struct os *os)
{
	struct os_priv *p = os->priv;

	if (!p->init_task || sim_task_done(p->init_task) || sim_current(os->sim) == p->init_task)
		return;
	sim_task_free(p->init_task);
	p->init_task = NULL;
}

static void os_teardown(struct os *os);

/* The channel subsystem of a buried OS, once the run is over: the machine
 * (or the VMM) under it may be gone, so every instruction finds nothing
 * (cc 3) and there is no storage to reach. */
static int gone_insn(void *css, uint32_t schid, uint64_t addr)
{
	return 3;
}

static int gone_sch_op(void *css, uint32_t schid)
{
	return 3;
}

static int gone_stcrw(void *css, uint64_t addr)
{
	return 1; /* no CRW */
}

static int gone_tpi(void *css, uint64_t addr)
{
	return 0; /* no interruption pending */
}

static int gone_chsc(void *css, uint64_t addr)
{
	return 3;
}

static int gone_servc(void *css, uint32_t cmdw, uint64_t sccb)
{
	return 3;
}

static void gone_isc(void *css, uint8_t mask)
{
}

static void gone_bind(void *css, const struct css_upcalls *up)
{
}

static const struct css_ops gone_css_ops = {
	.stsch = gone_insn,
	.msch = gone_insn,
	.ssch = gone_insn,
	.tsch = gone_insn,
	.csch = gone_sch_op,
	.hsch = gone_sch_op,
	.xsch = gone_sch_op,
	.rsch = gone_sch_op,
	.tpi = gone_tpi,
	.stcrw = gone_stcrw,
	.chsc = gone_chsc,
	.servc = gone_servc,
	.set_isc_mask = gone_isc,
	.bind = gone_bind,
};

/* The scheduler's tasks are gone, and so may be the CSS under the OS:
 * what the OS still points to of them is not touched. */
static void os_free_buried(void *arg)
{
	struct os *os = arg;
	struct os_priv *p = os->priv;

	p->tasks_gone = true;
	os->css = (struct css_if){&gone_css_ops, NULL, &p->gone_mem};
	os_teardown(os);
}

static void os_bury(struct os *os)
{
	/* Out of memory: the OS stays, unfreed, rather than freed under its
	 * waiters. */
	sim_on_free(os->sim, os_free_buried, os);
	os->console = NULL;
	os_pr_debug(os, "%s: destroyed with tasks still waiting; kept", os->hostname);
}

/* The init task: what Linux does between start_kernel and the first shell.
 * It runs as a task because reading SCLP information and recognising
 * devices wait for interruptions. */
static void os_init_task(void *arg)
{
	struct os *os = arg;

	chp_init(os); /* SCLP channel-path information, crw handler */
	css_init(os); /* scan subchannels, register, probe drivers */
	/* The rest of boot (initramfs, systemd, getty) until someone can log
	 * in.  It matters: the SCLP channel-path cache of chp_init() has long
	 * expired when the first command runs, as on a real system. */
	sim_sleep(os->sim, OS_USERSPACE_BOOT);
	os->priv->booted = true;
	os_pr_debug(os, "%s: boot complete", os->hostname);
	if (os->priv->booted_fn)
		os->priv->booted_fn(os->priv->booted_ctx);
}

static void kmem_setup(struct os *os, const struct os_config *cfg)
{
	struct os_priv *p = os->priv;
	uint64_t memsz = os->css.mem ? os->css.mem->size : 0;
	uint64_t want = cfg && cfg->kernel_mem ? cfg->kernel_mem : KMEM_DEFAULT;

	p->kbase = KMEM_BASE;
	if (memsz <= KMEM_BASE * 2) {
		p->kbase = 4096;
		p->ksize = memsz > 8192 ? memsz - 4096 : 0;
		return;
	}
	if (want > (memsz - KMEM_BASE) / 2 && !(cfg && cfg->kernel_mem))
		want = (memsz - KMEM_BASE) / 2;
	if (want > memsz - KMEM_BASE)
		want = memsz - KMEM_BASE;
	p->ksize = want;
}

struct os *os_create(struct sim *sim, struct css_if css, const struct os_config *cfg)
{
	struct os *os = calloc(1, sizeof(*os));

	if (!os)
		return NULL;
	os->priv = calloc(1, sizeof(*os->priv));
	if (!os->priv)
		goto fail;
	os->sim = sim;
	os->css = css;
	os->priv->boot_time = sim_now(sim);
	snprintf(os->hostname, sizeof(os->hostname), "%s",
		 cfg && cfg->hostname ? cfg->hostname : "localhost");
	os->priv->upstream = cfg && cfg->upstream;
	kmem_setup(os, cfg);
	if (kmem_init(os, os->priv->kbase, os->priv->ksize))
		goto fail;
	os->sysfs = sysfs_new();
	if (!os->sysfs)
		goto fail;
	os->vfs = vfs_new(os);
	if (!os->vfs)
		goto fail;
	/* Linux's banner (KERN_NOTICE) names the release; ours is chpsync. */
	os_printk_debug(os, "Linux version chpsync");
	os_bind_upcalls(os);
	/* Linux enables the ISCs it uses; we take every ISC. */
	css.ops->set_isc_mask(css.css, 0xff);
	if (ccw_bus_init(os) || dasd_init(os))
		goto fail;
	if (css_driver_register(os, &io_subchannel_driver))
		goto fail;
	if (vfio_ccw_init(os))
		goto fail;
	os->priv->init_task = sim_task_spawn(sim, "init", os_init_task, os);
	return os;
fail:
	os_destroy(os);
	return NULL;
}

int os_booted(const struct os *os)
{
	return os && os->priv && os->priv->booted;
}

void os_shutdown(struct os *os)
{
	if (!os || !os->priv || os->priv->dying)
		return;
	dasd_shutdown(os);
}

void os_halt(struct os *os)
{
	struct os_priv *p;

	if (!os || !(p = os->priv) || p->dying || p->halted)
		return;
	p->halted = true;
	os_unbind_upcalls(os);
	/* The storage stays (its owner frees it after os_destroy). */
	os->css.ops = &gone_css_ops;
	os->css.css = NULL;
	os_pr_debug(os, "%s: halted: the machine under it is gone", os->hostname);
	dasd_halt(os);
	ccw_bus_halt(os);
	sim_wake(os->sim, &p->sclp_wq);
}

void os_on_booted(struct os *os, void (*fn)(void *ctx), void *ctx)
{
	os->priv->booted_fn = fn;
	os->priv->booted_ctx = ctx;
}

void os_destroy(struct os *os)
{
	struct os_priv *p;

	if (!os)
		return;
	p = os->priv;
	if (p) {
		/* From here on nobody is woken and nothing is scheduled: tasks
		 * still blocked on this OS must not run into freed memory. */
		p->dying = true;
		os_unbind_upcalls(os);
		os_stop_init(os);
		if (os_has_waiters(os)) {
			os_bury(os);
			return;
		}
	}
	os_teardown(os);
}

static void os_teardown(struct os *os)
{
	struct os_priv *p = os->priv;
	size_t i;

	if (p) {
		if (os->vfs)
			vfio_ccw_exit(os);
		css_exit(os); /* unbinds drivers: ccw devices, dasd */
		dasd_exit(os);
		ccw_bus_exit(os);
		chp_exit(os);
		if (p->init_task && !p->tasks_gone && sim_task_done(p->init_task))
			sim_task_free(p->init_task);
		for (i = 0; i < p->count; i++)
			free(p->lines[(p->first + i) % DMESG_MAX_LINES]);
		kmem_exit(os);
		free(p->iommu_ids);
		free(p);
	}
	if (os->vfs)
		vfs_free(os->vfs);
	if (os->sysfs)
		sysfs_free(os->sysfs);
	free(os);
}
