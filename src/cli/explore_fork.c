/* chpsync explore: running a plan in a process of its own.
 *
 * A run that crashes, that a sanitizer stops, or that leaks, must cost only
 * its own verdict: the worker forks a child per run; the child runs the
 * plan, asks LeakSanitizer (in the ASan build) whether anything leaked, and
 * writes the verdict back through a pipe.  A child that dies instead is the
 * verdict 'sanitizer', with the signal and the first line of the report
 * from its standard error.  Forking per run also means that a world which
 * did not end cleanly can never disturb the next seed's run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/explore.h"

/* Present only when the program is linked with a sanitizer runtime. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static ssize_t read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, p + got, n - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* The line of a sanitizer report that says what it found ("ERROR: ..."),
 * or the last line of the child's stderr. */
static void report_line(const char *errpath, char *buf, size_t len)
{
	FILE *f = fopen(errpath, "r");
	char line[512];

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "ERROR: ") || strstr(line, "runtime error: ")) {
			snprintf(buf, len, "%.300s",
				 strstr(line, "ERROR: ") ? strstr(line, "ERROR: ") : line);
			break;
		}
		if (line[0])
			snprintf(buf, len, "%.300s", line);
	}
	fclose(f);
}

/* In the child: stderr to errpath, run, the leak check, the verdict. */
static void child(const struct xp_plan *p, struct xp_run_opts *o, int out, const char *errpath,
		  void (*after)(void *ctx, const struct xp_verdict *v), void *ctx)
{
	struct xp_verdict v;
	int fd = errpath ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;

	if (fd >= 0) {
		dup2(fd, 2);
		close(fd);
	}
	if (xp_run(p, o, &v) < 0)
		v.inv = XI_NINV;
	if (after)
		after(ctx, &v);
	fflush(NULL);
	if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check() &&
	    v.inv == XI_NONE) {
		v.inv = XI_CRASH;
		snprintf(v.what, sizeof(v.what),
			 "LeakSanitizer: the run leaked memory (see its log)");
		snprintf(v.where, sizeof(v.where), "world");
	}
	write_all(out, &v, sizeof(v));
	_exit(0);
}

int xp_run_forked(const struct xp_plan *p, struct xp_run_opts *o, struct xp_verdict *v,
		  const char *errpath, void (*after)(void *ctx, const struct xp_verdict *v),
		  void *ctx)
{
	int fds[2], status = 0;
	pid_t pid;
	ssize_t n;

	memset(v, 0, sizeof(*v));
	v->step = -1;
	if (pipe(fds) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child(p, o, fds[1], errpath, after, ctx);
	}
	close(fds[1]);
	n = read_all(fds[0], v, sizeof(*v));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(*v) && WIFEXITED(status) && !WEXITSTATUS(status))
		return v->inv == XI_NINV ? -1 : 0;
	/* it died: a crash, or a sanitizer that stopped it */
	memset(v, 0, sizeof(*v));
	v->inv = XI_CRASH;
	v->step = -1;
	snprintf(v->where, sizeof(v->where), "world");
	{
		char why[64], line[400] = "";

		if (WIFSIGNALED(status))
			snprintf(why, sizeof(why), "killed by signal %d (%s)", WTERMSIG(status),
				 strsignal(WTERMSIG(status)));
		else
			snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
		if (errpath)
			report_line(errpath, line, sizeof(line));
		snprintf(v->what, sizeof(v->what), "the run died (%s)%s%s", why,
			 line[0] ? ": " : "", line);
	}
	return 0;
}
