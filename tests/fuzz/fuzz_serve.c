/* Fuzz target: the `chpsync serve` device protocol (src/cli/serve_proto.h)
 * from a hostile client: any message, header, size, payload and
 * descriptors, in any order, with the world running in between.
 *
 * The world is the default one with 0.0.013f bound to vfio_ccw and its mdev
 * created (as `chpsync serve` with the usual prelude).  Messages go through
 * serve_conn_message() on a connection whose socket is one end of a
 * socketpair; the target reads the replies from the other end.  Simulated
 * time moves only when the input says so, by events, never by the wall
 * clock, so that an input replays the same.
 *
 * Input: operations, an opcode byte and its operands:
 *   0 message     command u8, how u8 (bit 0 a wrong size u8 follows,
 *                 bit 1 the reply flag, bit 2 an error), payload length
 *                 u16 (% 8192), payload, descriptors (below)
 *   1 raw         length u16 (% 8192), bytes, descriptors
 *   2 run         u16 milliseconds of simulated time
 *   3 reconnect   the client disconnects; a new one connects
 *   4 memory      offset u32, length u16 (% 4096), bytes: the client's
 *                 memory (its memfd), e.g. channel programs
 * Descriptors: a count u8 (% 6) and one kind u8 each: the client's memory
 * (a memfd sealed against shrinking), a new eventfd, an unsealed memfd, a
 * pipe, /dev/null, a small sealed memfd.
 *
 * Invariants:
 *   - every reply is a whole message with the reply flag; a refused
 *     message (serve_conn_message < 0) got a reply with that error;
 *   - no descriptor is leaked: after the client is gone, the process has
 *     as many open descriptors as before it came;
 *   - the world never spends 2 million events in one step;
 *   - afterwards a good client opens the device, maps its memory, and a
 *     Sense ID lands in that memory with a clean final interrupt. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arch/irb.h"
#include "arch/orb.h"
#include "cli/serve.h"
#include "cli/serve_proto.h"
#include "fuzz.h"
#include "os/vfio.h"

const char fuzz_target_name[] = "serve";

#define INPUT_MAX  (64 * 1024)
#define MAX_OPS	   256
#define MAX_EVENTS 2000000
#define MEM	   (1u << 20)
#define UUID	   "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"
#define MDEV	   "/sys/bus/mdev/devices/" UUID

struct client {
	struct run_world rw;
	struct serve *s;
	struct serve_conn *c;
	int sock;  /* the client's end */
	int memfd; /* its memory */
	uint8_t *mem;
	uint16_t id;
	int32_t last_error; /* of the last reply read */
	uint16_t last_id;
};

static struct run_opts opts;
static FILE *log_null;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setup();
	opts.err = stderr;
	opts.max_events = 4000000;
	log_null = fopen("/dev/null", "w");
	FUZZ_CHECK(log_null, "cannot open /dev/null");
	return 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own */
}

static void run(struct client *cl, sim_time_t ns)
{
	FUZZ_CHECK(fuzz_run_for(cl->rw.sim, ns, MAX_EVENTS),
		   "livelock: %d events without reaching %llu ns more of simulated time",
		   MAX_EVENTS, (unsigned long long)ns);
	/* Commands of a control connection make progress here; with a
	 * device open the service would follow the wall clock instead. */
	if (!serve_devices(cl->s))
		serve_turn(cl->s, NULL, 0, 0);
}

/* Read every reply that is there and check its framing. */
static void drain(struct client *cl)
{
	static uint8_t buf[CHPS_MSG_MAX + 64];
	struct chps_hdr h;
	ssize_t n;

	while ((n = recv(cl->sock, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		FUZZ_CHECK((size_t)n >= sizeof(h), "a reply of %zd bytes", n);
		memcpy(&h, buf, sizeof(h));
		FUZZ_CHECK(h.size == (uint32_t)n && (h.flags & CHPS_F_REPLY) && n <= CHPS_MSG_MAX,
			   "a bad reply: size %u in %zd bytes, flags 0x%x", h.size, n, h.flags);
		cl->last_error = (int32_t)h.error;
		cl->last_id = h.id;
	}
}

static void connect_client(struct client *cl)
{
	int sv[2];

	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair: %s",
		   strerror(errno));
	cl->sock = sv[1];
	cl->c = serve_conn_new(cl->s, sv[0]);
	FUZZ_CHECK(cl->c, "out of memory");
}

static void disconnect_client(struct client *cl)
{
	if (!cl->c)
		return;
	serve_conn_close(cl->c);
	cl->c = NULL;
	close(cl->sock);
	cl->sock = -1;
}

static int sealed_memfd(size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	FUZZ_CHECK(fd >= 0 && ftruncate(fd, (off_t)size) == 0 &&
			   fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0,
		   "memfd: %s", strerror(errno));
	return fd;
}

/* Descriptors for a message: the service takes them over. */
static int make_fds(struct client *cl, struct fz *f, int *fds)
{
	int n = fz_u8(f) % 6, p[2];

	for (int i = 0; i < n; i++) {
		switch (fz_u8(f) % 6) {
		case 0:
			fds[i] = dup(cl->memfd);
			break;
		case 1:
			fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			break;
		case 2:
			fds[i] = memfd_create("plain", MFD_CLOEXEC);
			if (fds[i] >= 0 && ftruncate(fds[i], MEM) < 0)
				fuzz_fail("ftruncate: %s", strerror(errno));
			break;
		case 3:
			FUZZ_CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
			close(p[1]);
			fds[i] = p[0];
			break;
		case 4:
			fds[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
			break;
		default:
			fds[i] = sealed_memfd(4096);
			break;
		}
		FUZZ_CHECK(fds[i] >= 0, "no descriptor: %s", strerror(errno));
	}
	return n;
}

/* Hand a message to the service; check that a refusal was answered. */
static int deliver(struct client *cl, const uint8_t *msg, size_t len, int *fds, int nfds)
{
	struct chps_hdr h = {0};
	int rc;

	cl->last_error = -1;
	rc = serve_conn_message(cl->c, msg, len, fds, nfds);
	drain(cl);
	if (len >= sizeof(h))
		memcpy(&h, msg, sizeof(h));
	if (fuzz_verbose())
		fprintf(stderr, "message %u (%zu bytes, %d fds) -> %d (reply error %d)\n",
			h.command, len, nfds, rc, cl->last_error);
	FUZZ_CHECK(rc <= 0, "serve_conn_message answered %d", rc);
	FUZZ_CHECK(rc == 0 || (cl->last_error == -rc && (len < sizeof(h) || cl->last_id == h.id)),
		   "refused with %d but the last reply says error %d id %u", rc, cl->last_error,
		   cl->last_id);
	return rc;
}

static void op_message(struct client *cl, struct fz *f, bool raw)
{
	struct chps_hdr h = {0};
	uint8_t *msg;
	size_t plen, len;
	int fds[8], nfds;

	if (raw) {
		len = fz_u16(f) % 8192;
		msg = calloc(1, len ? len : 1);
		FUZZ_CHECK(msg, "out of memory");
		fz_bytes(f, msg, len);
	} else {
		uint8_t how;

		h.command = fz_u8(f);
		how = fz_u8(f);
		plen = fz_u16(f) % 8192;
		len = sizeof(h) + plen;
		h.id = ++cl->id;
		h.size = (uint32_t)len;
		if (how & 1)
			h.size ^= fz_u8(f);
		if (how & 2)
			h.flags |= CHPS_F_REPLY;
		if (how & 4)
			h.error = EIO;
		msg = malloc(len);
		FUZZ_CHECK(msg, "out of memory");
		memcpy(msg, &h, sizeof(h));
		fz_bytes(f, msg + sizeof(h), plen);
	}
	nfds = make_fds(cl, f, fds);
	deliver(cl, msg, len, fds, nfds);
	free(msg);
}

static void do_op(struct client *cl, struct fz *f)
{
	switch (fz_u8(f) % 5) {
	case 0:
		op_message(cl, f, false);
		break;
	case 1:
		op_message(cl, f, true);
		break;
	case 2:
		run(cl, fz_u16(f) * SIM_MS);
		break;
	case 3:
		disconnect_client(cl);
		connect_client(cl);
		break;
	default: {
		uint32_t off = fz_u32(f) % MEM;
		size_t len = fz_u16(f) % 4096;

		if (len > MEM - off)
			len = MEM - off;
		fz_bytes(f, cl->mem + off, len);
		break;
	}
	}
}

/* A well-formed request; returns the reply's error. */
static int request(struct client *cl, uint16_t cmd, const void *a, size_t alen, const void *b,
		   size_t blen, int fd)
{
	struct chps_hdr h = {.id = ++cl->id, .command = cmd};
	uint8_t msg[512];
	int fds[1] = {fd};

	h.size = (uint32_t)(sizeof(h) + alen + blen);
	FUZZ_CHECK(h.size <= sizeof(msg), "request too long");
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), a, alen);
	if (blen)
		memcpy(msg + sizeof(h) + alen, b, blen);
	deliver(cl, msg, h.size, fds, fd >= 0);
	return cl->last_error;
}

/* A new client does what QEMU does for a Sense ID. */
static void good_client(struct client *cl)
{
	struct chps_version v = {.major = CHPS_PROTO_MAJOR, .pid = 1, .name = "good"};
	struct chps_dma_map dm = {.iova = 0, .size = MEM, .flags = 3};
	struct vfio_irq_set is = {sizeof(is) + 4,
				  VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				  VFIO_CCW_IO_IRQ_INDEX, 0, 1};
	/* The data entry 0: the descriptor travels beside the message. */
	const int32_t data = 0;
	uint8_t set[sizeof(is) + 4];
	struct chps_ioctl io = {VFIO_DEVICE_SET_IRQS, sizeof(set)};
	struct chps_region rg = {.offset = 0, .count = sizeof(struct ccw_io_region)};
	struct orb o = {
		.intparm = 1, .ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH, .lpm = 0xff, .cpa = 0x1000};
	struct ccw_io_region r = {0};
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), err;
	struct pollfd p = {.fd = efd, .events = POLLIN};
	uint64_t val;
	int i;

	FUZZ_CHECK(efd >= 0, "eventfd: %s", strerror(errno));
	connect_client(cl);
	FUZZ_CHECK(request(cl, CHPS_VERSION, &v, sizeof(v), NULL, 0, -1) == 0,
		   "a good client's VERSION is refused");
	err = request(cl, CHPS_DEVICE_OPEN, MDEV, sizeof(MDEV), NULL, 0, -1);
	FUZZ_CHECK(err == 0, "a good client cannot open the device: %s", strerror(err));
	err = request(cl, CHPS_DMA_MAP, &dm, sizeof(dm), NULL, 0, dup(cl->memfd));
	FUZZ_CHECK(err == 0, "a good client cannot map its memory: %s", strerror(err));
	memcpy(set, &is, sizeof(is));
	memcpy(set + sizeof(is), &data, 4);
	err = request(cl, CHPS_DEVICE_IOCTL, &io, sizeof(io), set, sizeof(set), dup(efd));
	FUZZ_CHECK(err == 0, "a good client cannot set its I/O eventfd: %s", strerror(err));

	memset(cl->mem + 0x2000, 0, 64);
	memcpy(cl->mem + 0x1000, "\xe4\x20\x00\x20\x00\x00\x20\x00", 8); /* Sense ID */
	orb_encode(&o, r.orb_area);
	r.scsw_area[2] = 0x40; /* start function */
	err = request(cl, CHPS_REGION_WRITE, &rg, sizeof(rg), &r, sizeof(r), -1);
	FUZZ_CHECK(err == 0, "a good start is refused: %s", strerror(err));
	for (i = 0; i < 10000 && poll(&p, 1, 0) != 1; i++)
		run(cl, SIM_MS);
	FUZZ_CHECK(i < 10000 && read(efd, &val, sizeof(val)) == sizeof(val),
		   "no interrupt for a good Sense ID");
	/* The IRB, read as QEMU does. */
	{
		struct chps_hdr h = {.id = ++cl->id, .command = CHPS_REGION_READ};
		uint8_t msg[sizeof(h) + sizeof(rg)], rep[512];
		struct irb irb;
		ssize_t n;

		h.size = sizeof(msg);
		memcpy(msg, &h, sizeof(h));
		memcpy(msg + sizeof(h), &rg, sizeof(rg));
		FUZZ_CHECK(serve_conn_message(cl->c, msg, sizeof(msg), NULL, 0) == 0,
			   "a good client cannot read the I/O region");
		n = recv(cl->sock, rep, sizeof(rep), MSG_DONTWAIT);
		FUZZ_CHECK(n == (ssize_t)(sizeof(h) + sizeof(r)), "I/O region reply of %zd bytes",
			   n);
		memcpy(&r, rep + sizeof(h), sizeof(r));
		irb_decode(r.irb_area, &irb);
		FUZZ_CHECK(irb.scsw.dstat == 0x0c && irb.scsw.cstat == 0 && irb.scsw.cpa == 0x1008,
			   "a good Sense ID ends badly: dstat %02x cstat %02x cpa %08x",
			   irb.scsw.dstat, irb.scsw.cstat, irb.scsw.cpa);
	}
	FUZZ_CHECK(cl->mem[0x2000] == 0xff && cl->mem[0x2001] == 0x39,
		   "Sense ID data did not land in the client's memory");
	disconnect_client(cl);
	close(efd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	struct client cl = {.sock = -1};
	char err[512], *out = NULL, sock[4200];
	int base;

	if (size > INPUT_MAX)
		return 0;
	FUZZ_CHECK(run_world_create(&cl.rw, &opts, RUN_DEFAULT_SEED, false, NULL, fuzz_dir(), err,
				    sizeof(err)) == 0,
		   "the default world did not come up: %s", err);
	fuzz_command(&cl.rw, "host", "driverctl -b css set-override 0.0.013f vfio_ccw", &out);
	free(out);
	fuzz_command(&cl.rw, "host", "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io", &out);
	free(out);
	snprintf(sock, sizeof(sock), "%s/serve.sock", fuzz_dir());
	cl.s = serve_new(&cl.rw, sock, log_null, err, sizeof(err));
	FUZZ_CHECK(cl.s, "serve_new: %s", err);
	cl.memfd = sealed_memfd(MEM);
	cl.mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED, cl.memfd, 0);
	FUZZ_CHECK(cl.mem != MAP_FAILED, "mmap: %s", strerror(errno));
	base = count_fds();

	connect_client(&cl);
	for (int i = 0; i < MAX_OPS && fz_more(&f); i++)
		do_op(&cl, &f);
	disconnect_client(&cl);
	run(&cl, SIM_S);
	FUZZ_CHECK(count_fds() == base, "%d descriptors open after the client left, %d before",
		   count_fds(), base);

	good_client(&cl);
	serve_free(cl.s);
	munmap(cl.mem, MEM);
	close(cl.memfd);
	run_world_destroy(&cl.rw);
	return 0;
}
