#include "t.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct t_case *t_head, **t_tail = &t_head;
static jmp_buf t_jmp;
static char t_dir[256];

void t_register(struct t_case *c)
{
	*t_tail = c;
	t_tail = &c->next;
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	longjmp(t_jmp, 1);
}

/* One directory for the whole binary (named after the harness's pid, so
 * that every test's process finds the same one); removed at the end. */
const char *t_tmpdir(void)
{
	mkdir(t_dir, 0700);
	return t_dir;
}

/* The test's own process: 0 when it passed, 1 when a CHECK failed; a crash
 * ends it with the signal. */
static int run_one(struct t_case *c)
{
	if (setjmp(t_jmp) == 0) {
		c->fn();
		return 0;
	}
	return 1;
}

/* Each test runs in a process of its own (fork), so that what one test
 * leaves behind (memory, state, a crash) cannot reach the next; a crash or
 * a sanitizer's exit is a failure of that test. */
int main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	struct stat st;
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(t_dir, sizeof(t_dir), "%s/chpsync-test-%d", base ? base : "/tmp", (int)getpid());
	for (struct t_case *c = t_head; c; c = c->next) {
		int status;
		pid_t pid;

		if (argc > 1 && !strstr(c->name, argv[1]))
			continue;
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0)
			exit(run_one(c));
		while (waitpid(pid, &status, 0) < 0)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			passed++;
			continue;
		}
		if (WIFSIGNALED(status))
			printf("FAIL %s (crashed: %s)\n", c->name, strsignal(WTERMSIG(status)));
		else if (WEXITSTATUS(status) != 1)
			printf("FAIL %s (exit status %d)\n", c->name, WEXITSTATUS(status));
		else
			printf("FAIL %s\n", c->name);
		failed++;
	}
	if (stat(t_dir, &st) == 0) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", t_dir);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
