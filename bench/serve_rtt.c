/* The cost of one request round trip on chpsync serve's device socket
 * (docs/real-qemu.md, "Figures"): a client process (as the bridge in QEMU)
 * sends requests to a service on a world with the vfio-ccw mdev of the
 * default deck.  A = REGION_READ of the SCHIB region (52 bytes: the host
 * driver does a real STSCH, what a guest STSCH costs QEMU), B = SYSFS_READ
 * of pimpampom (the socket and the dispatch alone).  Interleaved rounds
 * (A B A B ...), wall time per request (the client waits on the service:
 * CPU time of one side would miss the other), min/median/max.
 * Usage: serve_rtt [ROUNDS [REQUESTS]] (default 10 x 2000). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/runner.h"
#include "cli/serve.h"
#include "cli/serve_proto.h"
#include "rounds.h"

#define MDEV "/sys/bus/mdev/devices/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"

static int rq(int fd, uint16_t cmd, const void *p, size_t n, uint8_t *buf)
{
	static uint16_t id;
	struct chps_hdr h = {.id = ++id, .command = cmd, .size = (uint32_t)(sizeof(h) + n)};
	uint8_t msg[512];
	struct chps_hdr r;

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), p, n);
	if (send(fd, msg, h.size, 0) < 0 || recv(fd, buf, CHPS_MSG_MAX, 0) < (ssize_t)sizeof(r))
		return -1;
	memcpy(&r, buf, sizeof(r));
	return r.error ? -1 : 0;
}

static void client(const char *path, int rounds, int reqs)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct chps_version v = {.major = CHPS_PROTO_MAJOR, .name = "serve_rtt"};
	struct chps_region rg = {.offset = 2 << 10, .count = 52};
	static const char attr[] = "/sys/bus/css/devices/0.0.013f/pimpampom";
	uint8_t *buf = malloc(CHPS_MSG_MAX);
	struct rounds r = {0};
	double mina, meda, maxa, minb, medb, maxb;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	memcpy(a.sun_path, path, strlen(path) + 1);
	if (!buf || fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    rq(fd, CHPS_VERSION, &v, sizeof(v), buf) || rq(fd, CHPS_DEVICE_OPEN, MDEV, sizeof(MDEV), buf)) {
		fprintf(stderr, "serve_rtt: cannot open the device: %s\n", strerror(errno));
		exit(1);
	}
	for (int k = 0; k < rounds; k++) {
		double t0 = wall_seconds(), t1, t2;

		for (int i = 0; i < reqs; i++)
			if (rq(fd, CHPS_REGION_READ, &rg, sizeof(rg), buf))
				exit(1);
		t1 = wall_seconds();
		for (int i = 0; i < reqs; i++)
			if (rq(fd, CHPS_SYSFS_READ, attr, sizeof(attr), buf))
				exit(1);
		t2 = wall_seconds();
		rounds_add(&r, (t1 - t0) / reqs, (t2 - t1) / reqs);
	}
	rounds_stats(r.a, r.n, &mina, &meda, &maxa);
	rounds_stats(r.b, r.n, &minb, &medb, &maxb);
	printf("serve round trip (%d rounds x %d requests, wall us per request, min/median/max)\n",
	       rounds, reqs);
	printf("  REGION_READ SCHIB (host STSCH)   %6.1f %6.1f %6.1f\n", mina * 1e6, meda * 1e6,
	       maxa * 1e6);
	printf("  SYSFS_READ pimpampom             %6.1f %6.1f %6.1f\n", minb * 1e6, medb * 1e6,
	       maxb * 1e6);
	fflush(stdout);
	exit(0);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10, reqs = argc > 2 ? atoi(argv[2]) : 2000;
	struct run_opts ro = {.err = stderr};
	struct run_world rw;
	char err[512], path[108], *out = NULL;
	struct serve *s;
	pid_t pid;
	int st;

	if (rounds < 1 || reqs < 1)
		return fprintf(stderr, "usage: serve_rtt [ROUNDS [REQUESTS]]\n"), 2;
	if (run_world_create(&rw, &ro, 1, false, NULL, "", err, sizeof(err)) < 0)
		return fprintf(stderr, "serve_rtt: %s\n", err), 1;
	run_command(&rw, "host", "driverctl -b css set-override 0.0.013f vfio_ccw", &out);
	free(out);
	run_command(&rw, "host",
		    "mdevctl start -u 6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920 -p 0.0.013f -t vfio_ccw-io",
		    &out);
	free(out);
	if ((size_t)snprintf(path, sizeof(path), "%.90s/rtt.sock", rw.workdir) >= sizeof(path))
		return fprintf(stderr, "serve_rtt: work directory path too long\n"), 1;
	s = serve_new(&rw, path, NULL, err, sizeof(err));
	if (!s)
		return fprintf(stderr, "serve_rtt: %s\n", err), 1;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		client(path, rounds, reqs);
	while (waitpid(pid, &st, WNOHANG) == 0)
		serve_turn(s, NULL, 0, 1000000);
	serve_free(s);
	run_world_destroy(&rw);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
