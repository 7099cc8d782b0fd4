#include "user_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/vfs.h"
#include "t.h"

#define UFIX_SLOTS 256

struct slot {
	char path[256];
	char text[256];
	int store_err;
};

static struct slot slots[UFIX_SLOTS];
static int nslots;
static char outbuf[65536];

static int slot_show(void *obj, long arg, char *buf, size_t size)
{
	struct slot *s = obj;

	return snprintf(buf, size, "%s", s->text);
}

static int slot_store(void *obj, long arg, const char *buf, size_t len)
{
	struct slot *s = obj;

	if (s->store_err)
		return s->store_err;
	if (len >= sizeof(s->text))
		return -EINVAL;
	memcpy(s->text, buf, len);
	s->text[len] = '\0';
	return 0;
}

static const struct sysfs_attr_ops const_ops = {slot_show, NULL};
static const struct sysfs_attr_ops rw_ops = {slot_show, slot_store};

static struct slot *new_slot(const char *path, const char *text)
{
	struct slot *s;

	CHECK(nslots < UFIX_SLOTS);
	s = &slots[nslots++];
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->text, sizeof(s->text), "%s", text);
	s->store_err = 0;
	return s;
}

void ufix_const(struct ufix *f, const char *path, const char *text)
{
	CHECK_EQ(sysfs_attr(f->os.sysfs, path, &const_ops, new_slot(path, text), 0), 0);
}

void ufix_rw(struct ufix *f, const char *path, const char *text)
{
	CHECK_EQ(sysfs_attr(f->os.sysfs, path, &rw_ops, new_slot(path, text), 0), 0);
}

const char *ufix_rw_value(struct ufix *f, const char *path)
{
	int i;

	for (i = nslots - 1; i >= 0; i--)
		if (strcmp(slots[i].path, path) == 0)
			return slots[i].text;
	return NULL;
}

void ufix_init(struct ufix *f)
{
	ufix_init_seed(f, 42);
}

void ufix_init_seed(struct ufix *f, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	nslots = 0;
	f->sim = sim_new(seed);
	f->os.sim = f->sim;
	snprintf(f->os.hostname, sizeof(f->os.hostname), "host");
	f->os.sysfs = sysfs_new();
	f->os.vfs = vfs_new(&f->os);
	f->w = world_new(f->sim);
	f->n = world_add_node(f->w, "host", &f->os);
	node_add_os_progs(f->n);
}

void ufix_fini(struct ufix *f)
{
	world_free(f->w);
	vfs_free(f->os.vfs);
	sysfs_free(f->os.sysfs);
	sim_free(f->sim);
}

static bool done_fn(void *arg)
{
	return proc_done(arg);
}

const char *ufix_run(struct ufix *f, const char *line)
{
	struct proc *p = node_run(f->n, line);
	char *out;

	CHECK(p);
	sim_run_until(f->sim, done_fn, p);
	CHECK(proc_done(p));
	f->status = proc_status(p);
	proc_free(p);
	out = node_take_output(f->n);
	snprintf(outbuf, sizeof(outbuf), "%s", out);
	free(out);
	return outbuf;
}

void ufix_host_tree(struct ufix *f)
{
	const char *sch = "/sys/devices/css0/0.0.013f";
	const char *dev = "/sys/devices/css0/0.0.013f/0.0.3f3f";
	char path[256];
	int i;

	ufix_const(f, "/sys/devices/css0/0.0.013f/type", "0\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/pimpampom", "f0 f0 ff\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/chpids", "42 43 44 45 00 00 00 00 \n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/dev_busid", "0.0.3f3f\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/vpm", "f0\n");
	ufix_rw(f, "/sys/devices/css0/0.0.013f/driver_override", "(null)\n");
	CHECK_EQ(sysfs_symlink(f->os.sysfs, "/sys/bus/css/devices/0.0.013f", sch), 0);
	CHECK_EQ(sysfs_symlink(f->os.sysfs, "/sys/devices/css0/0.0.013f/driver",
			       "../../../bus/css/drivers/io_subchannel"),
		 0);
	CHECK_EQ(sysfs_mkdir(f->os.sysfs, "/sys/bus/css/drivers/io_subchannel"), 0);
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/devtype", "3390/0c\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/cutype", "3990/e9\n");
	ufix_rw(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/online", "0\n");
	ufix_const(f, "/sys/devices/css0/0.0.013f/0.0.3f3f/availability", "good\n");
	CHECK_EQ(sysfs_symlink(f->os.sysfs, "/sys/bus/ccw/devices/0.0.3f3f", dev), 0);
	for (i = 0x42; i <= 0x45; i++) {
		snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/status", i);
		ufix_rw(f, path, "online\n");
		snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/configure", i);
		ufix_rw(f, path, "3\n");
		snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/type", i);
		ufix_const(f, path, "1b\n");
		snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/cmg", i);
		ufix_const(f, path, "unknown\n");
		snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/shared", i);
		ufix_const(f, path, "unknown\n");
		snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/chid", i);
		ufix_const(f, path, "");
	}
}
