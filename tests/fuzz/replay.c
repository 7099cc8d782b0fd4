/* Replays fuzz inputs through one target without libFuzzer: the target's
 * file linked with this main instead of libFuzzer's, by any compiler.
 * `make check` runs every corpus entry this way, each one a test.
 *
 *   replay_TARGET PATH...     files, or directories (every file in them)
 *
 * Each input runs in a child process, so that a crash or a broken
 * invariant fails that entry alone; an input that does not end within
 * FUZZ_REPLAY_TIMEOUT seconds (default 120) fails as a hang.  Prints
 * "FAIL TARGET/NAME (why)" per failure, then "N passed, N failed". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

static FILE *report;
static int passed, failed;
static unsigned timeout_s = 120;

static uint8_t *read_input(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	/* An exact-size buffer, so that ASan sees any read past the input. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	while (buf && done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	if (!buf || done != (size_t)st.st_size) {
		fprintf(stderr, "replay: %s: cannot read it\n", path);
		exit(2);
	}
	*len = done;
	return buf;
}

static void replay_one(const char *path)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int status;
	pid_t pid;

	fflush(report);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "replay: fork: %s\n", strerror(errno));
		exit(2);
	}
	if (pid == 0) {
		size_t len;
		uint8_t *data = read_input(path, &len);

		alarm(timeout_s);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		passed++;
		return;
	}
	failed++;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fprintf(report, "FAIL %s/%s (no end within %u s)\n", fuzz_target_name, name,
			timeout_s);
	else if (WIFSIGNALED(status))
		fprintf(report, "FAIL %s/%s (signal %d: %s)\n", fuzz_target_name, name,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		fprintf(report, "FAIL %s/%s (exit status %d)\n", fuzz_target_name, name,
			WEXITSTATUS(status));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_path(const char *path)
{
	struct stat st;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	DIR *d;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_one(path);
		return;
	}
	d = opendir(path);
	while (d && (e = readdir(d))) {
		char full[4096], **nv;

		if (e->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (stat(full, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		nv = realloc(names, (n + 1) * sizeof(*nv));
		if (!nv || !(nv[n] = strdup(full))) {
			fprintf(stderr, "replay: out of memory\n");
			exit(2);
		}
		names = nv;
		n++;
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		replay_one(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *t = getenv("FUZZ_REPLAY_TIMEOUT");
	int fd = dup(STDOUT_FILENO);

	/* The target sends stdout to /dev/null; the report keeps its own. */
	report = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!report) {
		fprintf(stderr, "replay: cannot duplicate stdout\n");
		return 2;
	}
	setvbuf(report, NULL, _IOLBF, 0);
	if (t && atoi(t) > 0)
		timeout_s = (unsigned)atoi(t);
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH...  (fuzz inputs or directories of them)\n",
			argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		replay_path(argv[i]);
	fprintf(report, "%d passed, %d failed\n", passed, failed);
	fclose(report);
	return failed ? 1 : 0;
}
