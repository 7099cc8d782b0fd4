/* qemu-system-s390x option parsing.
 *
 * Supported: -name NAME (or guest=NAME), -machine/-M
 * s390-ccw-virtio[,sclp-chp-info=on|off], -device vfio-ccw,sysfsdev=PATH,
 * devno=C.S.DDDD[,chpsync=lazy|eager|qemu], -device virtio-rng-ccw[,devno=...],
 * -device virtio-balloon-ccw[,devno=...], -m SIZE, -daemonize, and the
 * no-op -nodefaults / -nographic / -enable-kvm.  Errors use QEMU's texts:
 * "qemu-system-s390x: OPTION ARG: message".
 */
#include "vmm/qemu_opts.h"

#include "vmm/chpsync.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A key=value list item of an option argument. */
struct kv {
	char key[64];
	char val[256];
	bool has_val;
};

static int fail(char *err, size_t len, const char *opt, const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int fail(char *err, size_t len, const char *opt, const char *arg, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (arg)
		n = snprintf(err, len, "%s: %s %s: ", QEMU_PROG, opt, arg);
	else
		n = snprintf(err, len, "%s: %s: ", QEMU_PROG, opt);
	if (n < 0 || (size_t)n >= len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Split "a,b=c,d=e" into items; the first item may be a bare value.
 * ",," is QEMU's escaped comma.  Returns the count or -1 if too long. */
static int split_kv(const char *s, struct kv *out, int max)
{
	int n = 0;

	while (*s) {
		struct kv *k;
		size_t kl = 0, vl = 0;
		bool in_val = false;

		if (n == max)
			return -1;
		k = &out[n++];
		memset(k, 0, sizeof(*k));
		for (; *s; s++) {
			if (*s == ',' && s[1] == ',') {
				s++;
			} else if (*s == ',') {
				s++;
				break;
			} else if (*s == '=' && !in_val) {
				in_val = true;
				k->has_val = true;
				continue;
			}
			if (in_val) {
				if (vl + 1 >= sizeof(k->val))
					return -1;
				k->val[vl++] = *s;
			} else {
				if (kl + 1 >= sizeof(k->key))
					return -1;
				k->key[kl++] = *s;
			}
		}
	}
	return n;
}

int qemu_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 20;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end) {
		switch (*end) {
		case 'b':
		case 'B':
			shift = 0;
			break;
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		case 't':
		case 'T':
			shift = 40;
			break;
		default:
			return -1;
		}
		if (end[1])
			return -1;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* QEMU's css bus-id syntax: cssid.ssid.devno, all hex, devno 4 digits. */
static int parse_busid(const char *s, struct ccw_id *id)
{
	unsigned cssid, ssid, devno;
	char tail;

	if (sscanf(s, "%2x.%1x.%4x%c", &cssid, &ssid, &devno, &tail) != 3)
		return -1;
	if (strlen(strrchr(s, '.') + 1) != 4 || ssid > MAX_SSID)
		return -1;
	id->cssid = (uint8_t)cssid;
	id->ssid = (uint8_t)ssid;
	id->no = (uint16_t)devno;
	return 0;
}

static int parse_on_off(const char *v, bool *out)
{
	if (!strcmp(v, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "off")) {
		*out = false;
		return 0;
	}
	return -1;
}

static int opt_machine(struct vm_opts *o, const char *arg, char *err, size_t len)
{
	struct kv kv[8];
	int n = split_kv(arg, kv, 8);

	if (n <= 0)
		return fail(err, len, "-machine", arg, "Invalid parameter '%s'", arg);
	for (int i = 0; i < n; i++) {
		const char *key = kv[i].key;

		if (!kv[i].has_val && i == 0) {
			/* "-machine NAME" is "-machine type=NAME" */
			memcpy(kv[0].val, kv[0].key, sizeof(kv[0].key));
			key = "type";
		}
		if (!strcmp(key, "type")) {
			if (strcmp(kv[i].val, "s390-ccw-virtio"))
				return fail(err, len, "-machine", arg,
					    "unsupported machine type: \"%s\"\n"
					    "Use -machine help to list supported machines",
					    kv[i].val);
		} else if (!strcmp(key, "sclp-chp-info")) {
			if (!kv[i].has_val || parse_on_off(kv[i].val, &o->sclp_chp_info))
				return fail(err, len, "-machine", arg,
					    "Parameter 'sclp-chp-info' expects 'on' or 'off'");
		} else {
			return fail(err, len, "-machine", arg, "Invalid parameter '%s'", key);
		}
	}
	return 0;
}

static int dev_prop(struct vm_dev_opts *d, const char *model, const struct kv *k, char *err,
		    size_t len)
{
	const char *a = d->arg;

	if (!strcmp(k->key, "devno")) {
		if (parse_busid(k->val, &d->devno))
			return fail(err, len, "-device", a,
				    "Property '%s.devno' doesn't take value '%s'", model, k->val);
		d->has_devno = true;
		return 0;
	}
	if (d->kind == VM_DEV_VFIO_CCW && !strcmp(k->key, "sysfsdev")) {
		if (strlen(k->val) >= sizeof(d->sysfsdev))
			return fail(err, len, "-device", a,
				    "Property 'vfio-ccw.sysfsdev' too long");
		strcpy(d->sysfsdev, k->val);
		return 0;
	}
	if (d->kind == VM_DEV_VFIO_CCW && !strcmp(k->key, "chpsync")) {
		if (chpsync_policy_parse(k->val, &d->chpsync))
			return fail(err, len, "-device", a,
				    "Parameter 'chpsync' does not accept value '%s'", k->val);
		return 0;
	}
	return fail(err, len, "-device", a, "Property '%s.%s' not found", model, k->key);
}

static bool devno_taken(const struct vm_opts *o, const struct ccw_id *id)
{
	for (int i = 0; i < o->ndev; i++)
		/* One css image for the guest: the device number alone must
		 * be unique. */
		if (o->dev[i].has_devno && o->dev[i].devno.ssid == id->ssid &&
		    o->dev[i].devno.no == id->no)
			return true;
	return false;
}

/* Checks QEMU does at realize time, done here so that nothing was opened. */
static int dev_check(const struct vm_opts *o, struct vm_dev_opts *d, char *err, size_t len)
{
	const char *a = d->arg;
	const struct ccw_id *id = &d->devno;

	if (d->kind == VM_DEV_VFIO_CCW && !d->sysfsdev[0])
		return fail(err, len, "-device", a,
			    "No provided host device\n"
			    "Use -device vfio-ccw,sysfsdev=PATH_TO_DEVICE");
	if (!d->has_devno)
		return 0;
	if (d->kind != VM_DEV_VFIO_CCW && id->cssid != 0xfe)
		return fail(err, len, "-device", a, "cssid %x not valid for virtio devices",
			    id->cssid);
	if (id->ssid != 0)
		return fail(err, len, "-device", a,
			    "Invalid cssid or ssid: cssid %x, ssid %x (only subchannel set 0)",
			    id->cssid, id->ssid);
	if (devno_taken(o, id))
		return fail(err, len, "-device", a, "Device %x.%x.%04x already exists", id->cssid,
			    id->ssid, id->no);
	return 0;
}

static int opt_device(struct vm_opts *o, const char *arg, char *err, size_t len)
{
	struct vm_dev_opts *d;
	struct kv kv[16];
	const char *model;
	int n;

	if (o->ndev == VM_MAX_DEVICES)
		return fail(err, len, "-device", arg, "too many devices");
	d = &o->dev[o->ndev];
	memset(d, 0, sizeof(*d));
	snprintf(d->arg, sizeof(d->arg), "%s", arg);
	n = split_kv(arg, kv, 16);
	if (n <= 0 || kv[0].has_val)
		return fail(err, len, "-device", arg, "Parameter 'driver' is missing");
	model = kv[0].key;
	if (!strcmp(model, "vfio-ccw"))
		d->kind = VM_DEV_VFIO_CCW;
	else if (!strcmp(model, "virtio-rng-ccw"))
		d->kind = VM_DEV_VIRTIO_RNG;
	else if (!strcmp(model, "virtio-balloon-ccw"))
		d->kind = VM_DEV_VIRTIO_BALLOON;
	else
		return fail(err, len, "-device", arg, "'%s' is not a valid device model name",
			    model);
	d->chpsync = CHPSYNC_EAGER;
	for (int i = 1; i < n; i++) {
		if (!kv[i].has_val)
			return fail(err, len, "-device", arg, "Expected '=' after parameter '%s'",
				    kv[i].key);
		if (dev_prop(d, model, &kv[i], err, len))
			return -1;
	}
	if (dev_check(o, d, err, len))
		return -1;
	o->ndev++;
	return 0;
}

static int opt_name(struct vm_opts *o, const char *arg, char *err, size_t len)
{
	struct kv kv[4];
	int n = split_kv(arg, kv, 4);
	const char *name = NULL;

	for (int i = 0; i < n; i++) {
		if (i == 0 && !kv[i].has_val)
			name = kv[i].key;
		else if (!strcmp(kv[i].key, "guest"))
			name = kv[i].val;
		else if (kv[i].has_val && !strcmp(kv[i].key, "debug-threads"))
			continue;
		else
			return fail(err, len, "-name", arg, "Invalid parameter '%s'", kv[i].key);
	}
	if (!name || !*name)
		return fail(err, len, "-name", arg, "Parameter 'guest' is missing");
	if (strlen(name) >= sizeof(o->name) || strpbrk(name, " \t/[]#"))
		return fail(err, len, "-name", arg, "invalid guest name '%s'", name);
	strcpy(o->name, name);
	return 0;
}

static int opt_mem(struct vm_opts *o, const char *arg, char *err, size_t len)
{
	uint64_t v;
	const char *s = arg;

	if (!strncmp(s, "size=", 5))
		s += 5;
	if (qemu_parse_size(s, &v))
		return fail(
			err, len, "-m", arg,
			"Parameter 'size' expects a non-negative number below 2^64\n"
			"Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
			"and exabytes, respectively.");
	if (v < (16ull << 20) || (v & ((1ull << 20) - 1)))
		return fail(err, len, "-m", arg,
			    "invalid RAM size: must be a multiple of 1M and at least 16M");
	o->mem = v;
	return 0;
}

int qemu_opts_parse(int argc, char **argv, struct vm_opts *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->sclp_chp_info = true;
	o->mem = VM_DEFAULT_MEM;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
		int rc;

		if (opt[0] != '-' || !opt[1])
			return fail(err, errlen, opt, NULL, "invalid option");
		if (opt[1] == '-')
			opt++; /* QEMU accepts --option as -option */
		if (!strcmp(opt, "-daemonize")) {
			o->daemonize = true;
			continue;
		}
		if (!strcmp(opt, "-nodefaults") || !strcmp(opt, "-nographic") ||
		    !strcmp(opt, "-enable-kvm"))
			continue;
		if (strcmp(opt, "-name") && strcmp(opt, "-machine") && strcmp(opt, "-M") &&
		    strcmp(opt, "-device") && strcmp(opt, "-m"))
			return fail(err, errlen, opt, NULL, "invalid option");
		if (!arg)
			return fail(err, errlen, opt, NULL, "requires an argument");
		i++;
		if (!strcmp(opt, "-name"))
			rc = opt_name(o, arg, err, errlen);
		else if (!strcmp(opt, "-device"))
			rc = opt_device(o, arg, err, errlen);
		else if (!strcmp(opt, "-m"))
			rc = opt_mem(o, arg, err, errlen);
		else
			rc = opt_machine(o, arg, err, errlen);
		if (rc)
			return -1;
	}
	if (!o->name[0])
		strcpy(o->name, "guest");
	return 0;
}
