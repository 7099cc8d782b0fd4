/* Fuzz target: CKD image files (Hercules 3390 volumes, docs/dasd.md) as a
 * user hands them to chpsync: the image store's open, the volume tool
 * (`chpsync dasd info|check|format`), and the 3390 device on a running host
 * (the dasd driver reads its labels and partitions, dd reads and writes).
 *
 * Input: the image, packed (a real image is hundreds of KiB of mostly
 * zeros; tests/fuzz/ckd_pack.c packs one):
 *   'F' SIZE HEADER[512]            starts the next file of the volume
 *                                   (vol_1.3390, vol_2.3390, vol_3.3390):
 *                                   SIZE & 7 cylinders of 15 tracks of
 *                                   56832 bytes after the header, plus
 *                                   SIZE >> 3 bytes (a file that is not
 *                                   whole cylinders)
 *   TAG TRACK[2] OFF[2] LEN[2] DATA[LEN]
 *                                   (any TAG but 'F') writes DATA into the
 *                                   current file at 512 + TRACK * 56832 +
 *                                   OFF, as far as the file reaches
 * Numbers are big-endian; the rest of each file is zeros (sparse).
 *
 * Invariants:
 *   - the volume tool answers 0 or 1, and `check` passes only on an image
 *     that opens; after a `format` that succeeds, `check` passes;
 *   - the host boots on a deck with the image as device 3f3f (or the deck
 *     is refused naming the image); whatever 3f3f does, the host still
 *     reads the good volume 3f40 as before (same md5sum). */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/runner.h"
#include "dev/ckd_image.h"
#include "dev/eckd.h"
#include "fuzz.h"

const char fuzz_target_name[] = "ckd";

#define INPUT_MAX (512 * 1024)
#define MAX_FILES 3
#define CYL_BYTES ((uint64_t)CKD_3390_HEADS * CKD_3390_TRKSIZE)
#define GOOD_READ "dd if=/dev/dasda bs=4096 count=48 status=none | md5sum"

static struct run_opts opts;
static char imgdir[4096], first[4200], deck[4200], good_md5[256];

/* The host's work on the volume under test (3f3f); the good one (3f40)
 * goes online first, so it is dasda. */
static const char *const host_cmds[] = {
	"chccwdev -e 3f40",
	"chccwdev -e 3f3f",
	"lsdasd",
	"dd if=/dev/dasdb of=/dev/null bs=4096 count=64",
	"dd if=/dev/dasdb1 of=/dev/null bs=4096 count=16 skip=8",
	"dd if=/dev/zero of=/dev/dasdb bs=4096 count=3 seek=30",
	"dd if=/dev/dasdb bs=4096 count=3 skip=30 | md5sum",
	"chccwdev -d 3f3f",
};

static int tool(const char *sub, const char *arg1, const char *arg2, const char *image)
{
	char *argv[6] = {"dasd", (char *)sub};
	int argc = 2, saved, devnull, rc;

	if (arg1)
		argv[argc++] = (char *)arg1;
	if (arg2)
		argv[argc++] = (char *)arg2;
	argv[argc++] = (char *)image;
	argv[argc] = NULL;
	/* Its messages are the tool's business here; keep the fuzzer's log
	 * readable. */
	fflush(stderr);
	saved = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 2);
	rc = dasd_tool_main(argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(devnull);
	FUZZ_CHECK(rc == 0 || rc == 1, "chpsync dasd %s: exit status %d", sub, rc);
	return rc;
}

/* Run the host's commands; returns the good volume's md5sum line. */
static void world(char *md5, size_t len)
{
	char err[2048], *out = NULL;
	struct run_world rw;
	enum run_result r;

	md5[0] = '\0';
	if (run_world_create(&rw, &opts, RUN_DEFAULT_SEED, false, deck, fuzz_dir(), err,
			     sizeof(err)) < 0) {
		/* An image the device cannot use: refused, naming it. */
		FUZZ_CHECK(strstr(err, first), "the deck was refused without naming the image: %s",
			   err);
		return;
	}
	rw.max_events_still = 400000;
	for (size_t i = 0; i < sizeof(host_cmds) / sizeof(host_cmds[0]); i++) {
		fuzz_command(&rw, "host", host_cmds[i], &out);
		free(out);
	}
	r = fuzz_command(&rw, "host", GOOD_READ, &out);
	FUZZ_CHECK(r == RUN_OK && out, "reading the good volume did not end: %s",
		   run_result_str(r));
	snprintf(md5, len, "%s", out);
	free(out);
	run_world_destroy(&rw);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512], path[4200], text[9000];

	fuzz_setup();
	opts.err = stderr;
	opts.max_events = 4000000;
	snprintf(imgdir, sizeof(imgdir), "%s/img", fuzz_dir());
	FUZZ_CHECK(mkdir(imgdir, 0700) == 0, "cannot create %s", imgdir);
	snprintf(first, sizeof(first), "%s/vol_1.3390", imgdir);
	snprintf(path, sizeof(path), "%s/good.3390", fuzz_dir());
	FUZZ_CHECK(eckd_create_image(path, 20, "GOOD01", true, err, sizeof(err)) == 0, "%s", err);
	snprintf(text, sizeof(text),
		 "CHPID    PATH=(CSS(0),42),SHARED,TYPE=FC\n"
		 "CHPID    PATH=(CSS(0),43),SHARED,TYPE=FC\n"
		 "CNTLUNIT CUNUMBR=3F00,PATH=((CSS(0),42,43)),UNITADD=((00,256)),UNIT=3990\n"
		 "IODEVICE ADDRESS=(3F3F,1),CUNUMBR=(3F00),UNIT=3390,IMAGE='%s'\n"
		 "IODEVICE ADDRESS=(3F40,1),CUNUMBR=(3F00),UNIT=3390,IMAGE='%s'\n",
		 first, path);
	snprintf(deck, sizeof(deck), "%s",
		 fuzz_write_file(fuzz_dir(), "ckd.iocp", text, strlen(text)));
	/* What the good volume reads as next to a good volume under test. */
	FUZZ_CHECK(eckd_create_image(first, 3, "TEST01", false, err, sizeof(err)) == 0, "%s", err);
	world(good_md5, sizeof(good_md5));
	FUZZ_CHECK(strlen(good_md5) > 32, "no md5sum of the good volume: \"%s\"", good_md5);
	return 0;
}

/* Write the packed image into imgdir; returns the number of files. */
static int unpack(struct fz *f)
{
	int fd = -1, nfiles = 0;
	uint64_t size = 0;

	fuzz_empty_dir(imgdir);
	while (fz_more(f)) {
		uint8_t tag = fz_u8(f);

		if (tag == 'F') {
			uint8_t sz = fz_u8(f), hdr[CKD_HDR_SIZE];
			char path[4200];

			fz_bytes(f, hdr, sizeof(hdr));
			if (fd >= 0)
				close(fd);
			fd = -1;
			if (nfiles == MAX_FILES)
				break;
			snprintf(path, sizeof(path), "%s/vol_%d.3390", imgdir, ++nfiles);
			fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
			FUZZ_CHECK(fd >= 0, "cannot create %s", path);
			size = CKD_HDR_SIZE + (sz & 7) * CYL_BYTES + (sz >> 3);
			FUZZ_CHECK(ftruncate(fd, (off_t)size) == 0 &&
					   pwrite(fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr),
				   "cannot write %s", path);
		} else {
			uint64_t trk = fz_u16(f), off = fz_u16(f), len = fz_u16(f), at;
			uint8_t *buf = malloc(len ? len : 1);

			FUZZ_CHECK(buf, "out of memory");
			fz_bytes(f, buf, len);
			at = CKD_HDR_SIZE + trk * CKD_3390_TRKSIZE + off;
			if (fd >= 0 && at < size) {
				if (len > size - at)
					len = size - at;
				FUZZ_CHECK(pwrite(fd, buf, len, (off_t)at) == (ssize_t)len,
					   "cannot write the image");
			}
			free(buf);
		}
	}
	if (fd >= 0)
		close(fd);
	return nfiles;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	struct ckd_image img;
	char err[600], md5[256];
	uint8_t *buf;
	bool opens;

	if (size > INPUT_MAX || unpack(&f) == 0)
		return 0;

	/* The image store: open, and read every track as the device would. */
	opens = ckd_open(&img, first, true, err, sizeof(err)) == 0;
	if (opens) {
		buf = malloc(img.trksize);
		FUZZ_CHECK(buf, "out of memory");
		for (uint32_t t = 0; t < img.tracks; t++)
			ckd_read_track(&img, t, buf);
		free(buf);
		ckd_close(&img);
	}

	/* The volume tool. */
	tool("info", NULL, NULL, first);
	FUZZ_CHECK(tool("check", NULL, NULL, first) == 1 || opens,
		   "dasd check passed an image that does not open");

	/* The device on a running host, next to a good volume. */
	if (opens) {
		world(md5, sizeof(md5));
		FUZZ_CHECK(!md5[0] || !strcmp(md5, good_md5),
			   "the good volume reads differently next to this one:\n%s\nwas\n%s", md5,
			   good_md5);
	}

	/* Formatting repairs whatever opens. */
	if (tool("format", "--volser", "FUZZ01", first) == 0)
		FUZZ_CHECK(tool("check", NULL, NULL, first) == 0,
			   "dasd check fails right after dasd format succeeded");
	return 0;
}
