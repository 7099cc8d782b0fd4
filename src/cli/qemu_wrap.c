/* `chpsync qemu`: run the system's qemu-system-s390x (or $CHPSYNC_QEMU)
 * with the bridge preloaded and guest RAM in a shared memfd, so that its
 * vfio-ccw devices are served by a `chpsync serve` (docs/real-qemu.md). */
#include "cli/qemu_wrap.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_RAM (128ull << 20) /* QEMU's default for s390-ccw-virtio */

/* QEMU's -m size: a number with an optional suffix (no suffix: MiB). */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1ull << 20;

	if (!strncmp(s, "size=", 5))
		s += 5;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		mul = 1ull << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mul = 1ull << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mul = 1ull << 30;
		end++;
		break;
	case 't':
	case 'T':
		mul = 1ull << 40;
		end++;
		break;
	case 'b':
	case 'B':
		mul = 1;
		end++;
		break;
	}
	if (*end && *end != ',')
		return -1;
	if (!v || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

const char *qemu_binary(void)
{
	const char *q = getenv("CHPSYNC_QEMU");

	return q && *q ? q : "qemu-system-s390x";
}

int qemu_bridge_path(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(buf, size, "%s/libchpsync-bridge.so", exe) >= size)
		return -ENAMETOOLONG;
	return access(buf, R_OK) ? -ENOENT : 0;
}

int qemu_wrap_argv(int argc, char **argv, char ***out, char *err, size_t errlen)
{
	uint64_t ram = DEFAULT_RAM;
	bool have_m = false;
	char **v;
	int n = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-m") || !strcmp(a, "--m")) {
			if (i + 1 >= argc || parse_size(argv[i + 1], &ram) < 0) {
				snprintf(err, errlen, "-m: cannot read the memory size '%s'",
					 i + 1 < argc ? argv[i + 1] : "");
				return -1;
			}
			have_m = true;
			i++;
		} else if (!strcmp(a, "-object") && i + 1 < argc &&
			   strstr(argv[i + 1], "id=chpsync-ram")) {
			snprintf(err, errlen, "the id chpsync-ram is the wrapper's own");
			return -1;
		}
	}
	v = calloc((size_t)argc + 8, sizeof(*v));
	if (!v)
		goto nomem;
	v[n++] = strdup(qemu_binary());
	for (int i = 0; i < argc; i++)
		v[n++] = strdup(argv[i]);
	if (!have_m) {
		v[n++] = strdup("-m");
		if (asprintf(&v[n++], "%" PRIu64 "M", ram >> 20) < 0)
			goto nomem;
	}
	v[n++] = strdup("-object");
	if (asprintf(&v[n++], "memory-backend-memfd,id=chpsync-ram,size=%" PRIu64 ",share=on",
		     ram) < 0)
		goto nomem;
	v[n++] = strdup("-machine");
	v[n++] = strdup("memory-backend=chpsync-ram");
	for (int i = 0; i < n; i++)
		if (!v[i])
			goto nomem;
	*out = v;
	return n;
nomem:
	if (v)
		for (int i = 0; i < n; i++)
			free(v[i]);
	free(v);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int qemu_wrap_env(const char *socket, char *err, size_t errlen)
{
	char so[PATH_MAX], abs[PATH_MAX], *pre = NULL;
	const char *old = getenv("LD_PRELOAD");
	int rc = qemu_bridge_path(so, sizeof(so));

	if (rc < 0) {
		snprintf(err, errlen, "the bridge %s: %s", so, strerror(-rc));
		return -1;
	}
	if (socket[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)) ||
		    (size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, socket) >= sizeof(abs)) {
			snprintf(err, errlen, "%s: path too long", socket);
			return -1;
		}
		socket = abs;
	}
	if (asprintf(&pre, "%s%s%s", so, old && *old ? ":" : "", old && *old ? old : "") < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	setenv("LD_PRELOAD", pre, 1);
	setenv("CHPSYNC_SOCKET", socket, 1);
	free(pre);
	return 0;
}

int qemu_main(int argc, char **argv)
{
	const char *socket = getenv("CHPSYNC_SOCKET");
	char err[512], **v;
	int i = 1;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: chpsync qemu [--socket PATH] QEMU-OPTIONS...\n"
		       "  Runs %s with the bridge (LD_PRELOAD) so that its -device\n"
		       "  vfio-ccw,sysfsdev=/sys/bus/mdev/devices/UUID devices are the host's\n"
		       "  of a 'chpsync serve' on PATH (default $CHPSYNC_SOCKET, else\n"
		       "  ./chpsync.sock); guest RAM becomes a shared memfd. $CHPSYNC_QEMU\n"
		       "  names another QEMU binary.\n",
		       qemu_binary());
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--socket")) {
		socket = argv[2];
		i = 3;
	}
	if (!socket || !*socket)
		socket = "chpsync.sock";
	if (access(socket, F_OK)) {
		fprintf(stderr, "chpsync: qemu: %s: %s (is 'chpsync serve --socket %s' running?)\n",
			socket, strerror(errno), socket);
		return 1;
	}
	if (qemu_wrap_env(socket, err, sizeof(err)) < 0 ||
	    qemu_wrap_argv(argc - i, argv + i, &v, err, sizeof(err)) < 0) {
		fprintf(stderr, "chpsync: qemu: %s\n", err);
		return 1;
	}
	execvp(v[0], v);
	fprintf(stderr, "chpsync: qemu: %s: %s\n", v[0], strerror(errno));
	return 127;
}
