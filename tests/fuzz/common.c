/* See fuzz.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/runner.h"
#include "fuzz.h"
#include "t.h"

static char fuzz_tmp[4096];
static pid_t fuzz_tmp_owner;

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s: ", fuzz_target_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (ftw->level > 0)
		remove(path);
	return 0;
}

void fuzz_empty_dir(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_tmp(void)
{
	/* Only the process that made it (the replay driver's children exit
	 * too). */
	if (fuzz_tmp[0] && getpid() == fuzz_tmp_owner) {
		fuzz_empty_dir(fuzz_tmp);
		rmdir(fuzz_tmp);
	}
}

const char *fuzz_dir(void)
{
	return fuzz_setup();
}

const char *fuzz_setup(void)
{
	const char *base = getenv("TMPDIR");
	char cwd[2048];
	int fd;

	if (fuzz_tmp[0])
		return fuzz_tmp;
	if (!base || !*base)
		base = "/tmp";
	/* Absolute, so that paths made from it mean the same everywhere. */
	if (base[0] == '/')
		snprintf(fuzz_tmp, sizeof(fuzz_tmp), "%s/chpsync-fuzz-XXXXXX", base);
	else if (getcwd(cwd, sizeof(cwd)))
		snprintf(fuzz_tmp, sizeof(fuzz_tmp), "%s/%s/chpsync-fuzz-XXXXXX", cwd, base);
	else
		fuzz_fail("getcwd: %s", strerror(errno));
	if (!mkdtemp(fuzz_tmp))
		fuzz_fail("cannot create a scratch directory %s: %s", fuzz_tmp, strerror(errno));
	setenv("TMPDIR", fuzz_tmp, 1);
	fuzz_tmp_owner = getpid();
	atexit(remove_tmp);
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		fuzz_fail("cannot send stdout to /dev/null: %s", strerror(errno));
	close(fd);
	return fuzz_tmp;
}

const char *fuzz_write_file(const char *dir, const char *name, const void *data, size_t len)
{
	static char path[4096];
	const uint8_t *p = data;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		fuzz_fail("%s: %s", path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			fuzz_fail("%s: write: %s", path, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	close(fd);
	return path;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		fuzz_fail("out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_copy_files(const char *const *dirs, const char *ext)
{
	size_t elen = strlen(ext);

	for (; *dirs; dirs++) {
		DIR *d = opendir(*dirs);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			size_t nlen = strlen(e->d_name);
			char path[4096];
			FILE *f;

			if (nlen <= elen || strcmp(e->d_name + nlen - elen, ext))
				continue;
			snprintf(path, sizeof(path), "%s/%s", *dirs, e->d_name);
			f = fopen(path, "rb");
			if (f) {
				char buf[65536];
				size_t n = fread(buf, 1, sizeof(buf), f);

				fclose(f);
				fuzz_write_file(fuzz_dir(), e->d_name, buf, n);
			}
		}
		closedir(d);
	}
}

bool fuzz_verbose(void)
{
	const char *v = getenv("FUZZ_VERBOSE");

	return v && *v && strcmp(v, "0");
}

enum run_result fuzz_command(struct run_world *rw, const char *node, const char *cmd, char **out)
{
	enum run_result r = run_command(rw, node, cmd, out);

	if (fuzz_verbose())
		fprintf(stderr, "[%s]# %s\n%s%s%s", node, cmd, *out ? *out : "",
			r == RUN_OK ? "" : "(runner: ", r == RUN_OK ? "" : run_result_str(r));
	if (fuzz_verbose() && r != RUN_OK)
		fprintf(stderr, ")\n");
	return r;
}

struct bounded_run {
	bool reached;
	uint64_t events, max;
};

static void reached(void *arg)
{
	((struct bounded_run *)arg)->reached = true;
}

static bool bound_hit(void *arg)
{
	struct bounded_run *b = arg;

	return b->reached || b->events++ > b->max;
}

bool fuzz_run_for(struct sim *sim, sim_time_t ns, uint64_t max_events)
{
	struct bounded_run b = {false, 0, max_events};
	struct sim_event *ev = sim_at(sim, ns, reached, &b);

	sim_run_until(sim, bound_hit, &b);
	if (!b.reached) {
		sim_cancel(sim, ev);
		return false;
	}
	return true;
}

/* The test fixtures that the targets share with the unit tests (e.g.
 * tests/os/vfio_fixture.c) report a failed CHECK here. */
void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s: %s:%d: ", fuzz_target_name, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

const char *t_tmpdir(void)
{
	return fuzz_dir();
}
