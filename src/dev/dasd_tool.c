/* The volume tool: chpsync dasd create|format|info|check (docs/dasd.md).
 *
 *   chpsync dasd create [--sparse|--full] [--force] IMAGE SIZE VOLSER
 *   chpsync dasd format [--sparse|--full] [--volser VOLSER] IMAGE
 *   chpsync dasd info IMAGE
 *   chpsync dasd check IMAGE
 *
 * SIZE is a 3390 model (3390-1, -2, -3, -9, -27, -54) or a cylinder count.
 * argv[0] is the tool's own name ("dasd"), argv[1] the subcommand.
 * Errors: "chpsync: what is wrong" on stderr and exit status 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev/cdl.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "dev/eckd_priv.h"

#define PROG "chpsync"
/* Volumes up to this size are written in full by default (every track a
 * real Hercules track); larger ones are sparse. */
#define DASD_FULL_MAX_CYLS 100

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static const char dasd_usage[] =
	"usage: chpsync dasd create [--sparse|--full] [--force] IMAGE SIZE VOLSER\n"
	"       chpsync dasd format [--sparse|--full] [--volser VOLSER] IMAGE\n"
	"       chpsync dasd info IMAGE\n"
	"       chpsync dasd check IMAGE\n"
	"SIZE: 3390-1, 3390-2, 3390-3, 3390-9, 3390-27, 3390-54 or a number of cylinders\n";

static const struct {
	const char *name;
	uint32_t cyls;
} dasd_models[] = {
	{"3390-1", 1113},  {"3390-2", 2226},   {"3390-3", 3339},
	{"3390-9", 10017}, {"3390-27", 32760}, {"3390-54", 65520},
};

static int parse_size(const char *s, uint32_t *cyls)
{
	char *end;
	unsigned long v;

	for (size_t i = 0; i < sizeof(dasd_models) / sizeof(dasd_models[0]); i++) {
		if (!strcmp(s, dasd_models[i].name)) {
			*cyls = dasd_models[i].cyls;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || s[0] == '-' || v < 1 || v > CKD_MAX_CYLS - 1)
		return -1;
	*cyls = (uint32_t)v;
	return 0;
}

/* Options shared by the subcommands. */
struct dasd_opts {
	int sparse; /* -1 default, 0 --full, 1 --sparse */
	bool force;
	const char *volser;
	const char *args[3];
	int nargs;
};

static int parse_opts(int argc, char **argv, struct dasd_opts *o, int maxargs)
{
	memset(o, 0, sizeof(*o));
	o->sparse = -1;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--sparse")) {
			o->sparse = 1;
		} else if (!strcmp(a, "--full")) {
			o->sparse = 0;
		} else if (!strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "--volser")) {
			if (++i == argc)
				return fail("dasd %s: --volser needs a value", argv[1]);
			o->volser = argv[i];
		} else if (a[0] == '-' && a[1]) {
			return fail("dasd %s: unknown option '%s'", argv[1], a);
		} else {
			if (o->nargs == maxargs)
				return fail("dasd %s: too many arguments ('%s')", argv[1], a);
			o->args[o->nargs++] = a;
		}
	}
	return 0;
}

static int dasd_create(int argc, char **argv)
{
	struct dasd_opts o;
	char err[600];
	uint32_t cyls;
	bool sparse;

	if (parse_opts(argc, argv, &o, 3))
		return 1;
	if (o.nargs != 3 || o.volser)
		return fail("dasd create: usage: chpsync dasd create [--sparse|--full] [--force] "
			    "IMAGE SIZE VOLSER");
	if (parse_size(o.args[1], &cyls) < 0)
		return fail("dasd create: invalid size '%s' (a 3390 model such as 3390-9, or "
			    "1-65535 cylinders)",
			    o.args[1]);
	if (!cdl_volser_ok(o.args[2]))
		return fail(
			"dasd create: invalid volume serial '%s' (1-6 characters A-Z 0-9 @ # $)",
			o.args[2]);
	if (!o.force && access(o.args[0], F_OK) == 0)
		return fail("dasd create: %s already exists (use --force to overwrite it)",
			    o.args[0]);
	sparse = o.sparse < 0 ? cyls > DASD_FULL_MAX_CYLS : o.sparse;
	if (eckd_create_image(o.args[0], cyls, o.args[2], sparse, err, sizeof(err)) < 0)
		return fail("%s", err);
	printf("%s: 3390 volume %s, %u cylinders, %s\n", o.args[0], o.args[2], cyls,
	       sparse ? "sparse" : "full");
	return 0;
}

static int read_labels(struct ckd_image *img, struct cdl_info *info, char *why, size_t whylen)
{
	uint8_t *t0 = malloc(img->trksize), *t1 = malloc(img->trksize);
	int rc = -1;

	if (!t0 || !t1) {
		snprintf(why, whylen, "out of memory");
	} else if (ckd_read_track(img, 0, t0) < 0 || ckd_read_track(img, 1, t1) < 0) {
		snprintf(why, whylen, "%s", img->err);
	} else {
		rc = cdl_read_labels(t0, t1, img->trksize, img->heads, info, why, whylen);
	}
	free(t0);
	free(t1);
	return rc;
}

static int dasd_info(int argc, char **argv)
{
	struct ckd_image img;
	struct cdl_info info;
	struct dasd_opts o;
	char err[600], why[600];
	uint8_t model, code;

	if (parse_opts(argc, argv, &o, 1))
		return 1;
	if (o.nargs != 1 || o.volser || o.force || o.sparse >= 0)
		return fail("dasd info: usage: chpsync dasd info IMAGE");
	if (ckd_open(&img, o.args[0], true, err, sizeof(err)) < 0)
		return fail("%s", err);
	model = eckd_model_for(img.cyls, &code);
	printf("image:     %s (%d file%s, %s)\n", o.args[0], img.nfiles, img.nfiles > 1 ? "s" : "",
	       img.sparse ? "sparse" : "full");
	printf("device:    3390/%02X, %u cylinders, %u heads, %u tracks\n", model, img.cyls,
	       img.heads, img.tracks);
	if (read_labels(&img, &info, why, sizeof(why)) < 0) {
		printf("layout:    not a Linux CDL volume (%s)\n", why);
		ckd_close(&img);
		return 0;
	}
	printf("volser:    %s\n", info.volser);
	printf("layout:    compatible disk layout, %u bytes/block, %llu KB\n", info.blksize,
	       (unsigned long long)img.tracks * CDL_BLK_PER_TRK * info.blksize / 1024);
	for (int i = 0; i < info.nparts; i++)
		printf("partition: %d %s tracks %u-%u\n", i + 1, info.part[i].dsname,
		       info.part[i].first_trk, info.part[i].last_trk);
	ckd_close(&img);
	return 0;
}

/* Every track holding data must be a well-formed CKD track; holes of a
 * sparse image are formatted-empty tracks and need no reading. */
static int check_tracks(struct ckd_image *img, uint8_t *buf, uint32_t *nread)
{
	char why[300];

	*nread = 0;
	for (uint32_t t = ckd_next_data_track(img, 0); t < img->tracks;
	     t = ckd_next_data_track(img, t + 1)) {
		uint32_t cyl = t / img->heads, head = t % img->heads;
		int rc = ckd_read_slot(img, t, buf);

		if (rc == 0 && img->sparse && ckd_slot_is_hole(img, t))
			continue;
		if (rc < 0)
			return fail("%s", img->err);
		(*nread)++;
		if (ckd_check_track(buf, img->trksize, cyl, head, why, sizeof(why)) < 0)
			return fail("%s: track %u (cyl %u head %u): %s", img->file[0].path, t, cyl,
				    head, why);
	}
	return 0;
}

static int dasd_check(int argc, char **argv)
{
	struct ckd_image img;
	struct cdl_info info;
	struct dasd_opts o;
	char err[600], why[600];
	uint32_t nread = 0;
	uint8_t *buf;
	int rc;

	if (parse_opts(argc, argv, &o, 1))
		return 1;
	if (o.nargs != 1 || o.volser || o.force || o.sparse >= 0)
		return fail("dasd check: usage: chpsync dasd check IMAGE");
	if (ckd_open(&img, o.args[0], true, err, sizeof(err)) < 0)
		return fail("%s", err);
	buf = malloc(img.trksize);
	rc = buf ? check_tracks(&img, buf, &nread) : fail("out of memory");
	free(buf);
	if (rc == 0 && read_labels(&img, &info, why, sizeof(why)) == 0) {
		for (int i = 0; i < info.nparts && rc == 0; i++)
			if (info.part[i].first_trk < 2 || info.part[i].last_trk >= img.tracks ||
			    info.part[i].first_trk > info.part[i].last_trk)
				rc = fail(
					"%s: partition %d (%s) tracks %u-%u lie outside the volume "
					"(2-%u)",
					o.args[0], i + 1, info.part[i].dsname,
					info.part[i].first_trk, info.part[i].last_trk,
					img.tracks - 1);
		if (rc == 0)
			printf("%s: ok, %u tracks (%u read), volser %s, %d partition%s\n",
			       o.args[0], img.tracks, nread, info.volser, info.nparts,
			       info.nparts == 1 ? "" : "s");
	} else if (rc == 0) {
		printf("%s: ok, %u tracks (%u read), no Linux CDL labels (%s)\n", o.args[0],
		       img.tracks, nread, why);
	}
	if (rc == 0 && ckd_journal_pending(&img) != UINT32_MAX)
		printf("%s: track %u was being written when the last writer stopped; checked as "
		       "its journal has it, which the next read-write open writes into the image\n",
		       o.args[0], ckd_journal_pending(&img));
	ckd_close(&img);
	return rc;
}

/* Write the CDL labels and empty tracks over an existing volume. */
static int format_volume(struct ckd_image *img, const char *volser, bool sparse)
{
	uint8_t *buf = malloc(img->trksize);
	int rc = -1;

	if (!buf) {
		snprintf(img->err, sizeof(img->err), "out of memory");
		return -1;
	}
	if (ckd_set_sparse(img, sparse) < 0)
		goto out;
	cdl_build_track0(buf, img->trksize, volser);
	if (ckd_write(img, 0, 0, buf, img->trksize) < 0)
		goto out;
	cdl_build_track1(buf, img->trksize, img->cyls, volser);
	if (ckd_write(img, 1, 0, buf, img->trksize) < 0)
		goto out;
	if (sparse) {
		rc = ckd_punch(img, 2, img->tracks - 1);
		goto out;
	}
	for (uint32_t t = 2; t < img->tracks; t++) {
		ckd_track_empty_cdl(buf, img->trksize, t / img->heads, t % img->heads);
		if (ckd_write(img, t, 0, buf, img->trksize) < 0)
			goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static int dasd_format(int argc, char **argv)
{
	char err[600], why[600], volser[CDL_VOLSER_LEN + 1];
	struct ckd_image img;
	struct cdl_info info;
	struct dasd_opts o;
	bool sparse;
	int rc;

	if (parse_opts(argc, argv, &o, 1))
		return 1;
	if (o.nargs != 1 || o.force)
		return fail("dasd format: usage: chpsync dasd format [--sparse|--full] "
			    "[--volser VOLSER] IMAGE");
	if (o.volser && !cdl_volser_ok(o.volser))
		return fail(
			"dasd format: invalid volume serial '%s' (1-6 characters A-Z 0-9 @ # $)",
			o.volser);
	if (ckd_open(&img, o.args[0], false, err, sizeof(err)) < 0)
		return fail("%s", err);
	if (o.volser) {
		cdl_norm_volser(volser, o.volser);
	} else if (read_labels(&img, &info, why, sizeof(why)) == 0) {
		memcpy(volser, info.volser, sizeof(volser));
	} else {
		ckd_close(&img);
		return fail("dasd format: %s has no volume label (%s); give --volser", o.args[0],
			    why);
	}
	sparse = o.sparse < 0 ? img.sparse : o.sparse;
	if (sparse && img.nfiles > 1) {
		ckd_close(&img);
		return fail("dasd format: %s: --sparse needs a single-file volume", o.args[0]);
	}
	rc = format_volume(&img, volser, sparse);
	if (rc < 0)
		fail("%s", img.err);
	else
		printf("%s: formatted, volser %s, %u cylinders, %s\n", o.args[0], volser, img.cyls,
		       sparse ? "sparse" : "full");
	ckd_close(&img);
	return rc < 0;
}

int dasd_tool_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} subs[] = {{"create", dasd_create},
		    {"format", dasd_format},
		    {"info", dasd_info},
		    {"check", dasd_check}};

	if (argc < 2) {
		fail("dasd: expected a subcommand (create, format, info, check)");
		fputs(dasd_usage, stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(dasd_usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc, argv);
	return fail("dasd: unknown subcommand '%s' (create, format, info, check)", argv[1]);
}
