#include "dasd_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/bytes.h"
#include "arch/eckd.h"
#include "dev/eckd.h"
#include "t.h"

uint32_t dasd_len;
bool dasd_wanted_more;

void dasd_select(struct ccwdev *d, uint8_t path)
{
	CHECK_EQ(d->ops->select(d, path), 0);
}

void dasd_end(struct ccwdev *d, uint8_t path)
{
	d->ops->end(d, path);
}

uint8_t dasd_cmd(struct ccwdev *d, uint8_t path, uint8_t code, void *data, uint32_t count)
{
	static uint8_t none[1];
	struct ccwdev_cmd c = {.code = code, .data = data ? data : none, .count = count};

	d->ops->exec(d, path, &c);
	dasd_len = c.len;
	dasd_wanted_more = c.wanted_more;
	return c.dstat;
}

uint8_t dasd_one(struct ccwdev *d, uint8_t path, uint8_t code, void *data, uint32_t count)
{
	uint8_t st;

	dasd_select(d, path);
	st = dasd_cmd(d, path, code, data, count);
	dasd_end(d, path);
	return st;
}

void dasd_sense(struct ccwdev *d, uint8_t path, uint8_t s[32])
{
	memset(s, 0, 32);
	d->ops->sense(d, path, s);
}

void dasd_de(uint8_t de[16], uint8_t mask, uint8_t ga, uint32_t first_trk, uint32_t last_trk)
{
	struct eckd_de d = {.mask = mask, .ga = ga, .first_trk = first_trk, .last_trk = last_trk};

	eckd_de_encode(&d, 15, de);
}

void dasd_lr(uint8_t lr[16], uint8_t op, uint8_t aux, uint8_t count, uint32_t trk, uint8_t rec,
	     uint16_t tlf)
{
	struct eckd_lr l = {.op = op,
			    .aux = aux,
			    .count = count,
			    .seek_trk = trk,
			    .search_trk = trk,
			    .search_rec = rec,
			    .sector = ECKD_LR_SECTOR_NONE,
			    .tlf = tlf};

	eckd_lr_encode(&l, 15, lr);
}

uint8_t dasd_rw_blocks(struct ccwdev *d, uint8_t path, bool write, uint32_t blk, uint32_t n,
		       uint8_t *buf)
{
	uint8_t de[16], lr[16], st;
	uint32_t first = blk / 12, last = (blk + n - 1) / 12;

	dasd_de(de, write ? 0x80 : 0x40, 0xc0, first, last);
	dasd_lr(lr, write ? 0x01 : 0x06, 0x80, (uint8_t)n, first, (uint8_t)(blk % 12 + 1), 4096);
	dasd_select(d, path);
	st = dasd_cmd(d, path, 0x63, de, 16);
	if (st == 0x0c)
		st = dasd_cmd(d, path, 0x47, lr, 16);
	for (uint32_t i = 0; i < n && st == 0x0c; i++)
		st = dasd_cmd(d, path, write ? 0x85 : 0x86, buf + 4096 * i, 4096);
	dasd_end(d, path);
	return st;
}

const char *dasd_tmp(const char *name)
{
	static char bufs[8][512];
	static int i;
	char *b = bufs[i++ % 8];

	snprintf(b, 512, "%s/%s", t_tmpdir(), name);
	return b;
}

struct ccwdev *dasd_open(struct sim *sim, const char *image, bool readonly)
{
	struct eckd_config cfg = {.image = image, .devno = 0x3f3f, .readonly = readonly};
	char err[600] = "";
	struct ccwdev *d = eckd_open(sim, &cfg, err, sizeof(err));

	if (!d)
		t_fail(__FILE__, __LINE__, "eckd_open(%s): %s", image, err);
	return d;
}

static int capture(char *out, size_t outlen, const char *const *args, const char *cmd)
{
	char f[512];
	int status, fd;
	ssize_t n;
	pid_t pid;

	snprintf(f, sizeof(f), "%s/capture.txt", t_tmpdir());
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		if (cmd)
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		int argc = 0;

		while (args[argc])
			argc++;
		int rc = dasd_tool_main(argc, (char **)args);

		fflush(NULL);
		_exit(rc);
	}
	waitpid(pid, &status, 0);
	fd = open(f, O_RDONLY);
	n = fd < 0 ? 0 : read(fd, out, outlen - 1);
	out[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int dasd_tool(char *out, size_t outlen, const char *const *args)
{
	return capture(out, outlen, args, NULL);
}

int dasd_sh(char *out, size_t outlen, const char *cmd)
{
	return capture(out, outlen, NULL, cmd);
}
