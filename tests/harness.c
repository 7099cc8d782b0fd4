#include "t.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
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

const char *t_tmpdir(void)
{
	if (!t_dir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(t_dir, sizeof(t_dir), "%s/chpsync-test-%d", base ? base : "/tmp",
			 (int)getpid());
		mkdir(t_dir, 0700);
	}
	return t_dir;
}

int main(int argc, char **argv)
{
	volatile int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct t_case *volatile c = t_head; c; c = c->next) {
		if (argc > 1 && !strstr(c->name, argv[1]))
			continue;
		if (setjmp(t_jmp) == 0) {
			c->fn();
			passed++;
		} else {
			printf("FAIL %s\n", c->name);
			failed++;
		}
	}
	if (t_dir[0]) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", t_dir);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
