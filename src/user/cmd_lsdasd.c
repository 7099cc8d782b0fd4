/* lsdasd: list DASDs from the devices bound to dasd-eckd/dasd-fba, as the
 * s390-tools zconf/lsdasd script (reference §5): default table, -a, -b,
 * -s, -u, -c, -l; -P lists no pairs (no copy relations are modelled); -H
 * says what the script says on a system without debugfs. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/sysfs.h"

static const char lsdasd_usage[] =
	"Usage: lsdasd <options> [<device>]\n"
	"\n"
	"<options> ::=\n"
	" \t-a|--offline\n"
	" \t\tInclude devices that are currently offline.\n"
	" \t-b|--base\n"
	" \t\tInclude only base devices.\n"
	" \t-h|--help\n"
	" \t\tPrint this text and exit.\n"
	" \t-s|--short\n"
	" \t\tStrip leading 0.0. from bus IDs.\n"
	" \t-u|--uid\n"
	" \t\tPrint and sort by uid.\n"
	" \t-c|--compat\n"
	" \t\tPrint old version of lsdasd output.\n"
	" \t-l|--long\n"
	" \t\tPrint extended information about DASDs.\n"
	" \t-H|--host-access-list\n"
	" \t\tPrint information about hosts accessing DASDs.\n"
	" \t-P|--copy-pairs\n"
	" \t\tPrint information about copy pairs.\n"
	" \t-v|--verbose\n"
	" \t\tFor compatibility/future use. Currently ignored.\n"
	" \t--version\n"
	" \t\tShow tools and command version.\n"
	"\n"
	"<device> ::= <bus ID>\n"
	" \tLimit output to one or more devices which are given as a bus ID.\n";

enum lsdasd_mode { M_NEW, M_OLD, M_LONG, M_UID, M_HOST, M_PAIRS };

struct dasd_row {
	char key[160]; /* sort key: length, key, bus ID */
	char *text;
};

struct lsdasd {
	struct proc *p;
	struct sysfs *fs;
	bool offline, base, shortid, uid;
	enum lsdasd_mode mode;
	char **filters;
	int nfilters;
	struct dasd_row *rows;
	int nrows;
};

struct dasd_info {
	char busid[64], dir[320];
	int online, alias, readonly, ese;
	char uid[128], discipline[32];
	char block[32], major[16], minor[16];
	unsigned long long size;
	bool have_size;
	char ssize[16];
};

static bool read_attr(struct lsdasd *l, const char *dir, const char *name, char *buf, size_t size)
{
	char path[512];
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = sysfs_read(l->fs, path, buf, size);
	if (n < 0) {
		buf[0] = '\0';
		return false;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static void row_add(struct lsdasd *l, const char *sortkey, const char *busid, const char *text)
{
	struct dasd_row *r = realloc(l->rows, (size_t)(l->nrows + 1) * sizeof(*r));

	if (!r)
		return;
	l->rows = r;
	r += l->nrows;
	snprintf(r->key, sizeof(r->key), "%04zu:%s:%s", strlen(sortkey), sortkey, busid);
	r->text = strdup(text);
	if (r->text)
		l->nrows++;
}

static int row_cmp(const void *a, const void *b)
{
	const struct dasd_row *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->text, y->text);
}

static void block_info(struct lsdasd *l, struct dasd_info *d)
{
	char path[400], **names, buf[64];
	int n, i;

	snprintf(path, sizeof(path), "%s/block", d->dir);
	n = sysfs_list(l->fs, path, &names);
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], "dasd", 4) == 0) {
			snprintf(d->block, sizeof(d->block), "%s", names[i]);
			break;
		}
	}
	sysfs_names_free(names, n);
	if (!d->block[0])
		return;
	snprintf(path, sizeof(path), "%s/block/%s", d->dir, d->block);
	if (read_attr(l, path, "dev", buf, sizeof(buf))) {
		char *colon = strchr(buf, ':');

		snprintf(d->major, sizeof(d->major), "%.*s", colon ? (int)(colon - buf) : 15, buf);
		snprintf(d->minor, sizeof(d->minor), "%.15s", colon ? colon + 1 : buf);
	}
	if (read_attr(l, path, "size", buf, sizeof(buf)) && buf[0]) {
		d->size = strtoull(buf, NULL, 10);
		d->have_size = true;
	}
	read_attr(l, path, "queue/hw_sector_size", d->ssize, sizeof(d->ssize));
}

/* Fill d; false if the device is skipped (unreadable attributes). */
static bool dasd_read(struct lsdasd *l, struct dasd_info *d)
{
	char buf[64];

	if (!read_attr(l, d->dir, "online", buf, sizeof(buf)))
		return false;
	d->online = atoi(buf);
	if (!d->online && !l->offline)
		return false;
	if (!read_attr(l, d->dir, "alias", buf, sizeof(buf)))
		return false;
	d->alias = atoi(buf);
	if (!read_attr(l, d->dir, "uid", d->uid, sizeof(d->uid)))
		return false;
	if (!read_attr(l, d->dir, "readonly", buf, sizeof(buf)))
		return false;
	d->readonly = atoi(buf);
	if (!read_attr(l, d->dir, "discipline", d->discipline, sizeof(d->discipline)))
		return false;
	read_attr(l, d->dir, "ese", buf, sizeof(buf));
	d->ese = atoi(buf);
	if (d->online && !d->alias)
		block_info(l, d);
	else
		snprintf(d->block, sizeof(d->block), "%s", d->online ? "a" : "");
	return true;
}

static void fmt_new(struct lsdasd *l, struct dasd_info *d, const char *id, const char *key)
{
	char line[512], disc[48], mb[32] = "", blocks[32] = "", ssize[16];
	const char *active = "active";

	if (!d->online) {
		snprintf(line, sizeof(line), "%-8s  offline\n", id);
		row_add(l, key, id, line);
		return;
	}
	if (d->alias) {
		snprintf(line, sizeof(line), "%-8s  alias %26s\n", id, d->discipline);
		if (!l->base)
			row_add(l, key, id, line);
		return;
	}
	snprintf(ssize, sizeof(ssize), "%s", d->ssize);
	if (d->block[0] && d->have_size && d->size == 0) {
		active = "n/f";
		ssize[0] = '\0';
	} else if (d->block[0] && d->have_size) {
		unsigned long long ss = strtoull(d->ssize, NULL, 10);

		if (ss >= 512) {
			snprintf(blocks, sizeof(blocks), "%llu", d->size / (ss / 512));
		} else {
			snprintf(ssize, sizeof(ssize), "???");
			snprintf(blocks, sizeof(blocks), "???");
		}
		snprintf(mb, sizeof(mb), "%lluMB", d->size / 2048);
	}
	snprintf(disc, sizeof(disc), "%s%s", d->discipline, d->ese == 1 ? " (ESE)" : "");
	snprintf(line, sizeof(line), "%-8s  %-6s%-2s  %-8s  %-2s:%-2s   %-11s  %-4s   %-8s  %s\n",
		 id, active, d->readonly ? "(ro)" : "", d->block, d->major, d->minor, disc, ssize,
		 mb, blocks);
	row_add(l, key, id, line);
}

static void fmt_old(struct lsdasd *l, struct dasd_info *d, const char *id, const char *key)
{
	char line[512], tail[128];
	const char *uid = l->uid ? d->uid : "";

	if (!d->online || d->alias) {
		if (d->alias && l->base)
			return;
		snprintf(line, sizeof(line), "%s(%s)%s : %s\n", id, d->discipline, uid,
			 d->online ? "alias" : "offline");
		row_add(l, key, id, line);
		return;
	}
	if (!d->block[0] || !d->have_size) {
		snprintf(tail, sizeof(tail), "active");
	} else if (d->size == 0) {
		snprintf(tail, sizeof(tail), "n/f");
	} else {
		unsigned long long ss = strtoull(d->ssize, NULL, 10);

		if (ss >= 512)
			snprintf(tail, sizeof(tail), "active at blocksize %s, %llu blocks, %llu MB",
				 d->ssize, d->size / (ss / 512), d->size / 2048);
		else
			snprintf(tail, sizeof(tail), "active at blocksize ???, ??? blocks, %llu MB",
				 d->size / 2048);
	}
	snprintf(line, sizeof(line), "%s(%-4s)%s at (%3d:%3d) is %-7s%4s: %s\n", id, d->discipline,
		 uid, atoi(d->major), atoi(d->minor), d->block, d->readonly ? "(ro)" : "", tail);
	row_add(l, key, id, line);
}

/* The 8 CHPIDs whose bit is set in mask, packed left, blanks after. */
static void path_list(const char chp[8][4], unsigned mask, char *out, size_t size)
{
	const char *slot[8];
	int i, j = 0;

	for (i = 0; i < 8; i++)
		slot[i] = " ";
	for (i = 0; i < 8; i++)
		if (mask & (0x80u >> i))
			slot[j++] = chp[i];
	snprintf(out, size, "%s %s %s %s %s %s %s %s", slot[0], slot[1], slot[2], slot[3], slot[4],
		 slot[5], slot[6], slot[7]);
}

static void fmt_long(struct lsdasd *l, struct dasd_info *d, const char *id, const char *key)
{
	static const char *const path_labels[] = {
		"paths_installed: \t\t\t",
		"paths_in_use: \t\t\t",
		"paths_non_preferred: \t\t\t",
		"paths_invalid_cabling: \t\t",
		"paths_cuir_quiesced: \t\t\t",
		"paths_invalid_hpf_characteristics: \t",
		"paths_error_threshold_exceeded: \t",
	};
	char *text = calloc(1, 8192), buf[128], chpbuf[64], chp[8][4], list[64];
	unsigned pim = 0, m[6] = {0}, masks[7];
	size_t n = 0;
	int i;
	bool online = d->online && !d->alias;

	if (!text)
		return;
	if (d->alias && l->base) {
		free(text);
		return;
	}
#define ADD(...) (n += (size_t)snprintf(text + n, 8192 - n, __VA_ARGS__))
	if (online && d->block[0] && d->have_size && d->size)
		ADD("%s/%s/%s:%s\n", id, d->block, d->major, d->minor);
	else if (online)
		ADD("%s/%s/%s%s\n", id, d->block, d->major, d->minor);
	else
		ADD("%s\n", id);
	ADD("  status:\t\t\t\t%s\n", !d->online					     ? "offline"
				     : d->alias					     ? "alias"
				     : (d->block[0] && d->have_size && d->size == 0) ? "n/f"
										     : "active");
	if (d->online) {
		ADD("  type: \t\t\t\t%s%s\n", d->discipline, d->ese == 1 ? " (ESE)" : "");
	}
	if (online) {
		unsigned long long ss = strtoull(d->ssize, NULL, 10);
		bool sized = d->block[0] && d->have_size && d->size;

		ADD("  blksz:\t\t\t\t%s\n", sized ? d->ssize : "");
		if (sized && ss >= 512)
			ADD("  size: \t\t\t\t%lluMB\n  blocks:\t\t\t\t%llu\n", d->size / 2048,
			    d->size / (ss / 512));
		else
			ADD("  size: \t\t\t\t\n  blocks:\t\t\t\t\n");
		read_attr(l, d->dir, "extent_pool/extent_size", buf, sizeof(buf));
		ADD("  extent_size:\t\t\t\t%s\n", buf);
		read_attr(l, d->dir, "capacity/logical_capacity", buf, sizeof(buf));
		ADD("  logical_capacity:\t\t\t%s\n", buf);
		read_attr(l, d->dir, "capacity/space_allocated", buf, sizeof(buf));
		ADD("  space_allocated:\t\t\t%s\n", buf);
	}
	read_attr(l, d->dir, "use_diag", buf, sizeof(buf));
	ADD("  use_diag:\t\t\t\t%s\n", buf);
	ADD("  readonly:\t\t\t\t%d\n", d->readonly);
	read_attr(l, d->dir, "eer_enabled", buf, sizeof(buf));
	ADD("  eer_enabled:\t\t\t\t%s\n", buf);
	read_attr(l, d->dir, "erplog", buf, sizeof(buf));
	ADD("  erplog:\t\t\t\t%s\n", buf);
	read_attr(l, d->dir, "hpf", buf, sizeof(buf));
	ADD("  hpf:\t\t\t\t\t%s\n", buf);
	ADD("  uid:  \t\t\t\t%s\n", d->uid);
	if (d->online) {
		read_attr(l, d->dir, "fc_security", buf, sizeof(buf));
		ADD("  fc_security: \t\t\t\t%s\n", buf);
	}
	memset(chp, 0, sizeof(chp));
	read_attr(l, d->dir, "../chpids", chpbuf, sizeof(chpbuf));
	for (i = 0; i < 8 && (size_t)i * 3 < strlen(chpbuf); i++)
		sscanf(chpbuf + i * 3, "%2s", chp[i]);
	read_attr(l, d->dir, "../pimpampom", buf, sizeof(buf));
	sscanf(buf, "%x", &pim);
	read_attr(l, d->dir, "path_masks", buf, sizeof(buf));
	sscanf(buf, "%x %x %x %x %x %x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
	/* order: installed, in use, non-preferred, cabling, cuir, hpf, ifcc */
	masks[0] = pim;
	masks[1] = m[0];
	masks[2] = m[1];
	masks[3] = m[2];
	masks[4] = m[3];
	masks[5] = m[4];
	masks[6] = m[5];
	for (i = 0; i < 7; i++) {
		path_list((const char(*)[4])chp, masks[i], list, sizeof(list));
		ADD("  %s%s\n", path_labels[i], list);
	}
	if (d->online)
		ADD("  copy_pairs:\t\t\t\t\n");
	ADD("\n");
#undef ADD
	row_add(l, key, id, text);
	free(text);
}

static void fmt_uid(struct lsdasd *l, struct dasd_info *d, const char *id)
{
	char line[512];

	if (d->alias && l->base)
		return;
	snprintf(line, sizeof(line), "%-8s  %-10s  %s\n", id,
		 !d->online ? "offline"
		 : d->alias ? "alias"
			    : d->block,
		 d->uid);
	row_add(l, d->uid, id, line);
}

static bool filtered_out(struct lsdasd *l, const char *busid)
{
	int i;

	if (!l->nfilters)
		return false;
	for (i = 0; i < l->nfilters; i++)
		if (strcmp(l->filters[i], busid) == 0)
			return false;
	return true;
}

static void one_device(struct lsdasd *l, const char *drvdir, const char *busid)
{
	struct dasd_info d = {0};
	const char *id = busid;

	snprintf(d.busid, sizeof(d.busid), "%s", busid);
	snprintf(d.dir, sizeof(d.dir), "%s/%s", drvdir, busid);
	if (filtered_out(l, busid) || !sysfs_is_dir(l->fs, d.dir) || !dasd_read(l, &d))
		return;
	if (l->shortid && strrchr(busid, '.'))
		id = strrchr(busid, '.') + 1;
	switch (l->mode) {
	case M_OLD:
		fmt_old(l, &d, id, l->uid ? d.uid : d.block);
		break;
	case M_LONG:
		fmt_long(l, &d, id, d.block);
		break;
	case M_UID:
		fmt_uid(l, &d, id);
		break;
	default:
		fmt_new(l, &d, id, d.block);
		break;
	}
}

static void collect(struct lsdasd *l)
{
	static const char *const drivers[] = {"/sys/bus/ccw/drivers/dasd-eckd",
					      "/sys/bus/ccw/drivers/dasd-fba"};
	size_t k;

	for (k = 0; k < 2; k++) {
		char **names;
		int n = sysfs_list(l->fs, drivers[k], &names), i;

		for (i = 0; i < n; i++) {
			char path[256], link[256];

			snprintf(path, sizeof(path), "%s/%s", drivers[k], names[i]);
			if (sysfs_readlink(l->fs, path, link, sizeof(link)) >= 0)
				one_device(l, drivers[k], names[i]);
		}
		sysfs_names_free(names, n);
	}
}

static void pad4(const char *devno, char *out, size_t size)
{
	size_t len = strlen(devno);

	snprintf(out, size, "%.*s%s", (int)(len < 4 ? 4 - len : 0), "0000", devno);
}

/* Bus-ID operand: xxxx or c.s.xxxx; the device number is padded to 4
 * digits, the case is kept (the script matches case-sensitively, so an
 * upper-case ID never matches). */
static bool filter_add(struct lsdasd *l, const char *arg)
{
	char a[8], b[8], c[8], dev[16], norm[48];
	char **f;
	int n = 0;

	if (strlen(arg) >= 1 && strlen(arg) <= 4 &&
	    strspn(arg, "0123456789abcdefABCDEF") == strlen(arg)) {
		pad4(arg, dev, sizeof(dev));
		snprintf(norm, sizeof(norm), "0.0.%s", dev);
	} else if (sscanf(arg, "%2[0-9a-fA-F].%2[0-9a-fA-F].%4[0-9a-fA-F]%n", a, b, c, &n) == 3 &&
		   !arg[n]) {
		pad4(c, dev, sizeof(dev));
		snprintf(norm, sizeof(norm), "%s.%s.%s", a, b, dev);
	} else {
		return false;
	}
	f = realloc(l->filters, (size_t)(l->nfilters + 1) * sizeof(*f));
	if (!f)
		return true;
	l->filters = f;
	f[l->nfilters] = strdup(norm);
	if (f[l->nfilters])
		l->nfilters++;
	return true;
}

static int parse(struct lsdasd *l, int argc, char **argv)
{
	bool lng = false, uid = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-a") || !strcmp(a, "--offline"))
			l->offline = true;
		else if (!strcmp(a, "-b") || !strcmp(a, "--base"))
			l->base = true;
		else if (!strcmp(a, "-s") || !strcmp(a, "--short"))
			l->shortid = true;
		else if (!strcmp(a, "-u") || !strcmp(a, "--uid"))
			uid = true;
		else if (!strcmp(a, "-c") || !strcmp(a, "--compat"))
			l->mode = M_OLD;
		else if (!strcmp(a, "-l") || !strcmp(a, "--long"))
			lng = true;
		else if (!strcmp(a, "-H") || !strcmp(a, "--host-access-list"))
			l->mode = M_HOST;
		else if (!strcmp(a, "-P") || !strcmp(a, "--copy-pairs"))
			l->mode = M_PAIRS;
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			proc_printf(l->p, "%s", lsdasd_usage);
			return 1;
		} else if (!strcmp(a, "--version")) {
			proc_printf(l->p, "lsdasd: version %s\nCopyright IBM Corp. 2003, 2017\n",
				    S390_TOOLS_RELEASE);
			return 1;
		} else if (a[0] == '-') {
			proc_printf(l->p,
				    "lsdasd: Invalid option %s\n"
				    "Try 'lsdasd --help' for more information.\n",
				    a);
			return -1;
		} else if (!filter_add(l, a)) {
			proc_printf(l->p, "lsdasd: ERROR: %s no device format\n", a);
			return -1;
		}
	}
	if (lng && uid) {
		proc_printf(l->p, "lsdasd: ERROR: invalid options specified\n");
		return -1;
	}
	l->uid = uid;
	if (lng)
		l->mode = M_LONG;
	else if (uid && (l->mode == M_NEW || l->mode == M_HOST))
		l->mode = M_UID; /* the script's order: uid before host */
	return 0;
}

static void print_rows(struct lsdasd *l)
{
	int i;

	if (!l->nrows)
		return;
	qsort(l->rows, (size_t)l->nrows, sizeof(*l->rows), row_cmp);
	for (i = 0; i < l->nrows; i++) {
		proc_printf(l->p, "%s", l->rows[i].text);
		free(l->rows[i].text);
	}
}

int cmd_lsdasd(struct proc *p, void *ctx, int argc, char **argv)
{
	struct lsdasd l = {.p = p};
	int r, i;

	if (!proc_sysfs(p))
		return 1;
	l.fs = proc_sysfs(p);
	r = parse(&l, argc, argv);
	if (r) {
		r = r < 0;
		goto out;
	}
	/* -H: the script's host() looks for debugfs (there is none) for each
	 * listed device, in a pipeline's subshell: its `exit 1` ends that
	 * subshell at the first device, and the script exits 0. */
	if (l.mode == M_HOST) {
		collect(&l);
		if (l.nrows)
			proc_eprintf(p, "lsdasd: No debugfs mount point found\n");
		for (i = 0; i < l.nrows; i++)
			free(l.rows[i].text);
		goto out;
	}
	if (l.mode == M_NEW)
		proc_printf(p,
			    "Bus-ID    Status    Name      Device  Type         BlkSz  Size      "
			    "Blocks\n");
	else if (l.mode == M_UID)
		proc_printf(p, "Bus-ID    Name      UID\n");
	else if (l.mode == M_PAIRS)
		proc_printf(p, "Bus-ID    Role       Name      Paired devices\n");
	if (l.mode == M_NEW || l.mode == M_UID || l.mode == M_PAIRS)
		proc_printf(p, "========================================================"
			       "========================\n");
	if (l.mode != M_PAIRS)
		collect(&l);
	print_rows(&l);
out:
	for (i = 0; i < l.nfilters; i++)
		free(l.filters[i]);
	free(l.filters);
	free(l.rows);
	return r;
}
