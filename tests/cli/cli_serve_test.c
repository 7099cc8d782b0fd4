/* chpsync serve: the device socket protocol against the real host model,
 * a working client (memory by fd, eventfds, a channel program whose data
 * lands in the client's own memory), and hostile clients: garbage,
 * truncation, wrong sizes, wrong or missing descriptors, a disconnect in
 * the middle of an I/O.  After each, the host is up and the next client
 * works. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "arch/ccw.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/scsw.h"
#include "cli/runner.h"
#include "cli/serve.h"
#include "cli/serve_proto.h"
#include "os/os.h"
#include "os/vfio.h"
#include "t.h"

#define UUID "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"
#define MDEV "/sys/bus/mdev/devices/" UUID
#define MEM  (1u << 20)

struct env {
	struct run_world rw;
	struct serve *s;
	char path[108];
	char *log;
	size_t loglen;
	FILE *logf;
};

static void env_up(struct env *e)
{
	struct run_opts ro = {.err = stderr};
	char err[256], *out = NULL;

	memset(e, 0, sizeof(*e));
	CHECK_EQ(run_world_create(&e->rw, &ro, 1, false, NULL, "", err, sizeof(err)), 0);
	CHECK_EQ(run_command(&e->rw, "host", "driverctl -b css set-override 0.0.013f vfio_ccw",
			     &out),
		 RUN_OK);
	free(out);
	CHECK_EQ(run_command(&e->rw, "host", "mdevctl start -u " UUID " -p 0.0.013f -t vfio_ccw-io",
			     &out),
		 RUN_OK);
	free(out);
	snprintf(e->path, sizeof(e->path), "%s/serve.sock", t_tmpdir());
	e->logf = open_memstream(&e->log, &e->loglen);
	e->s = serve_new(&e->rw, e->path, e->logf, err, sizeof(err));
	CHECK(e->s != NULL);
}

static void env_down(struct env *e)
{
	serve_free(e->s);
	run_world_destroy(&e->rw);
	fclose(e->logf);
	free(e->log);
}

static bool log_has(struct env *e, const char *what)
{
	fflush(e->logf);
	return e->log && strstr(e->log, what);
}

static int client(struct env *e)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0);
	memcpy(a.sun_path, e->path, strlen(e->path) + 1);
	CHECK_EQ(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	serve_turn(e->s, NULL, 0, 0); /* accept */
	return fd;
}

/* Send raw bytes (and descriptors), turn the service until a reply is
 * there; the reply's header in *h, payload into out.  Returns the payload
 * length. */
static size_t xfer_raw(struct env *e, int fd, const void *msg, size_t len, const int *fds, int nfds,
		       struct chps_hdr *h, void *out, size_t outlen)
{
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(sizeof(int) * 8)];
	} ctl;
	struct iovec iov = {(void *)msg, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	static uint8_t rbuf[CHPS_MSG_MAX];
	ssize_t n;

	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), fds, sizeof(int) * (size_t)nfds);
	}
	if (msg) /* NULL: only wait for the next message */
		CHECK(sendmsg(fd, &m, MSG_NOSIGNAL) == (ssize_t)len);
	for (int i = 0; i < 1000; i++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, 0) == 1)
			break;
		serve_turn(e->s, NULL, 0, 1000000);
	}
	n = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	CHECK(n >= (ssize_t)sizeof(*h));
	memcpy(h, rbuf, sizeof(*h));
	CHECK(h->flags & CHPS_F_REPLY);
	n -= (ssize_t)sizeof(*h);
	if (out)
		memcpy(out, rbuf + sizeof(*h), (size_t)n < outlen ? (size_t)n : outlen);
	return (size_t)n;
}

/* A request with payload a+b; returns the reply's error (0 = success). */
static int xfer(struct env *e, int fd, uint16_t cmd, const void *a, size_t alen, const void *b,
		size_t blen, const int *fds, int nfds, void *out, size_t outlen, size_t *got)
{
	static uint16_t id;
	uint8_t *msg = malloc(sizeof(struct chps_hdr) + alen + blen);
	struct chps_hdr h = {
		.id = ++id, .command = cmd, .size = (uint32_t)(sizeof(h) + alen + blen)};
	struct chps_hdr r;
	size_t n;

	memcpy(msg, &h, sizeof(h));
	if (alen)
		memcpy(msg + sizeof(h), a, alen);
	if (blen)
		memcpy(msg + sizeof(h) + alen, b, blen);
	n = xfer_raw(e, fd, msg, h.size, fds, nfds, &r, out, outlen);
	free(msg);
	CHECK_EQ(r.id, h.id);
	CHECK_EQ(r.command, cmd);
	if (got)
		*got = n;
	return (int)r.error;
}

static void hello(struct env *e, int fd)
{
	struct chps_version v = {.major = CHPS_PROTO_MAJOR, .pid = 42, .name = "test"}, r;

	CHECK_EQ(xfer(e, fd, CHPS_VERSION, &v, sizeof(v), NULL, 0, NULL, 0, &r, sizeof(r), NULL),
		 0);
	CHECK_EQ(r.major, CHPS_PROTO_MAJOR);
}

static int open_dev(struct env *e, int fd)
{
	struct chps_open o;

	return xfer(e, fd, CHPS_DEVICE_OPEN, MDEV, sizeof(MDEV), NULL, 0, NULL, 0, &o, sizeof(o),
		    NULL);
}

/* A client that can open the device and ask for its info. */
static void next_client_works(struct env *e)
{
	struct chps_ioctl io = {VFIO_DEVICE_GET_INFO, sizeof(struct vfio_device_info)};
	struct vfio_device_info info = {.argsz = sizeof(info)};
	uint8_t out[64];
	struct chps_ioctl_reply r;
	int fd = client(e);

	hello(e, fd);
	CHECK_EQ(open_dev(e, fd), 0);
	CHECK_EQ(xfer(e, fd, CHPS_DEVICE_IOCTL, &io, sizeof(io), &info, sizeof(info), NULL, 0, out,
		      sizeof(out), NULL),
		 0);
	memcpy(&r, out, sizeof(r));
	memcpy(&info, out + sizeof(r), sizeof(info));
	CHECK_EQ(r.result, 0);
	CHECK(info.flags & VFIO_DEVICE_FLAGS_CCW);
	CHECK_EQ(info.num_regions, 4);
	close(fd);
	serve_turn(e->s, NULL, 0, 0);
	CHECK_EQ(serve_devices(e->s), 0);
}

/* Guest memory: a sealed memfd of MEM bytes, mapped here too. */
static int guest_mem(uint8_t **p)
{
	int fd = memfd_create("guest", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	CHECK(fd >= 0);
	CHECK_EQ(ftruncate(fd, MEM), 0);
	CHECK_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	*p = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(*p != MAP_FAILED);
	return fd;
}

static int dma_map(struct env *e, int fd, int memfd, uint64_t iova, uint64_t size)
{
	struct chps_dma_map dm = {.iova = iova, .size = size, .flags = 3};

	return xfer(e, fd, CHPS_DMA_MAP, &dm, sizeof(dm), NULL, 0, &memfd, memfd >= 0, NULL, 0,
		    NULL);
}

static int set_eventfd(struct env *e, int fd, unsigned index, int efd)
{
	struct {
		struct vfio_irq_set s;
		int32_t fd;
	} is = {{sizeof(is), VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1},
		efd};
	struct chps_ioctl io = {VFIO_DEVICE_SET_IRQS, sizeof(is)};
	uint8_t out[64];

	return xfer(e, fd, CHPS_DEVICE_IOCTL, &io, sizeof(io), &is, sizeof(is), &efd, efd >= 0, out,
		    sizeof(out), NULL);
}

/* The I/O region for a start: format-1 ORB at CPA `cpa`, SCSW start. */
static void io_region(uint8_t r[124], uint32_t cpa)
{
	struct orb o = {.intparm = 0x11223344,
			.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH,
			.lpm = 0xff,
			.cpa = cpa};

	memset(r, 0, 124);
	orb_encode(&o, r);
	r[12 + 2] = 0x40; /* SCSW ctrl: start function */
}

static void ccw1(uint8_t *p, uint8_t cmd, uint8_t flags, uint16_t count, uint32_t cda)
{
	p[0] = cmd;
	p[1] = flags;
	p[2] = (uint8_t)(count >> 8);
	p[3] = (uint8_t)count;
	p[4] = (uint8_t)(cda >> 24);
	p[5] = (uint8_t)(cda >> 16);
	p[6] = (uint8_t)(cda >> 8);
	p[7] = (uint8_t)cda;
}

static bool wait_eventfd(struct env *e, int efd)
{
	for (int i = 0; i < 2000; i++) {
		struct pollfd p = {.fd = efd, .events = POLLIN};
		uint64_t v;

		if (poll(&p, 1, 0) == 1)
			return read(efd, &v, sizeof(v)) == sizeof(v);
		serve_turn(e->s, NULL, 0, 1000000);
	}
	return false;
}

static int region_write(struct env *e, int fd, uint64_t off, const void *data, uint32_t count)
{
	struct chps_region rg = {.offset = off, .count = count};
	struct chps_count c;

	return xfer(e, fd, CHPS_REGION_WRITE, &rg, sizeof(rg), data, count, NULL, 0, &c, sizeof(c),
		    NULL);
}

static int region_read(struct env *e, int fd, uint64_t off, void *data, uint32_t count)
{
	struct chps_region rg = {.offset = off, .count = count};

	return xfer(e, fd, CHPS_REGION_READ, &rg, sizeof(rg), NULL, 0, NULL, 0, data, count, NULL);
}

TEST(serve_client_runs_sense_id_into_its_own_memory)
{
	struct env e;
	uint8_t *mem, reg[124];
	int fd, memfd, efd;
	struct irb irb;

	env_up(&e);
	fd = client(&e);
	hello(&e, fd);
	CHECK_EQ(open_dev(&e, fd), 0);
	CHECK_EQ(serve_devices(e.s), 1);
	CHECK(serve_paced(e.s));
	memfd = guest_mem(&mem);
	CHECK_EQ(dma_map(&e, fd, memfd, 0, MEM), 0);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK_EQ(set_eventfd(&e, fd, VFIO_CCW_IO_IRQ_INDEX, efd), 0);
	/* Sense ID at 0x1000 into 0x2000 */
	ccw1(mem + 0x1000, 0xe4, 0x20, 32, 0x2000);
	io_region(reg, 0x1000);
	CHECK_EQ(region_write(&e, fd, 0, reg, sizeof(reg)), 0);
	CHECK(wait_eventfd(&e, efd));
	CHECK_EQ(region_read(&e, fd, 0, reg, sizeof(reg)), 0);
	irb_decode(reg + 24, &irb);
	CHECK_EQ(irb.scsw.dstat, 0x0c); /* channel end, device end */
	CHECK_EQ(irb.scsw.cpa, 0x1008);
	/* The device wrote into the client's memfd: no copy. */
	CHECK_EQ(mem[0x2000], 0xff);
	CHECK_EQ(mem[0x2001], 0x39);
	CHECK_EQ(mem[0x2002], 0x90);
	CHECK_EQ(mem[0x2004], 0x33);
	CHECK_EQ(mem[0x2005], 0x90);
	close(fd);
	serve_turn(e.s, NULL, 0, 0);
	CHECK(log_has(&e, "gone, releasing " MDEV));
	CHECK(!serve_paced(e.s));
	next_client_works(&e);
	munmap(mem, MEM);
	close(memfd);
	close(efd);
	env_down(&e);
}

TEST(serve_garbage_and_truncation_are_refused)
{
	struct env e;
	uint8_t junk[5] = {1, 2, 3, 4, 5}, big[CHPS_MSG_MAX + 64] = {0};
	struct chps_hdr h, r;
	int fd;

	env_up(&e);
	fd = client(&e);
	xfer_raw(&e, fd, junk, sizeof(junk), NULL, 0, &r, NULL, 0);
	CHECK_EQ(r.error, EPROTO);
	CHECK(log_has(&e, "shorter than a header"));
	/* a header that says more than came */
	h = (struct chps_hdr){.id = 7, .command = CHPS_VERSION, .size = 100};
	xfer_raw(&e, fd, &h, sizeof(h), NULL, 0, &r, NULL, 0);
	CHECK_EQ(r.error, EPROTO);
	CHECK_EQ(r.id, 7);
	/* a reply flag in a request */
	h = (struct chps_hdr){
		.id = 8, .command = CHPS_VERSION, .size = sizeof(h), .flags = CHPS_F_REPLY};
	xfer_raw(&e, fd, &h, sizeof(h), NULL, 0, &r, NULL, 0);
	CHECK_EQ(r.error, EPROTO);
	/* larger than any message */
	h = (struct chps_hdr){.id = 9, .command = CHPS_VERSION, .size = sizeof(big)};
	memcpy(big, &h, sizeof(h));
	xfer_raw(&e, fd, big, sizeof(big), NULL, 0, &r, NULL, 0);
	CHECK_EQ(r.error, EMSGSIZE);
	/* anything before VERSION */
	CHECK_EQ(
		xfer(&e, fd, CHPS_DEVICE_OPEN, MDEV, sizeof(MDEV), NULL, 0, NULL, 0, NULL, 0, NULL),
		EPROTO);
	/* an unknown command, a wrong VERSION size, a foreign major version */
	hello(&e, fd);
	CHECK_EQ(xfer(&e, fd, 99, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL), ENOSYS);
	CHECK_EQ(xfer(&e, fd, CHPS_VERSION, junk, sizeof(junk), NULL, 0, NULL, 0, NULL, 0, NULL),
		 EINVAL);
	close(fd);
	fd = client(&e);
	{
		struct chps_version v = {.major = CHPS_PROTO_MAJOR + 1};

		CHECK_EQ(xfer(&e, fd, CHPS_VERSION, &v, sizeof(v), NULL, 0, NULL, 0, NULL, 0, NULL),
			 EPROTONOSUPPORT);
	}
	close(fd);
	next_client_works(&e);
	env_down(&e);
}

TEST(serve_wrong_sizes_are_refused)
{
	struct env e;
	uint8_t reg[124] = {0}, out[256];
	struct chps_region rg = {.offset = 0, .count = 124};
	struct chps_ioctl io = {VFIO_DEVICE_GET_REGION_INFO, 8};
	struct vfio_region_info ri = {.argsz = 64};
	int fd;

	env_up(&e);
	fd = client(&e);
	hello(&e, fd);
	/* no device yet */
	CHECK_EQ(region_read(&e, fd, 0, reg, 124), EBADF);
	CHECK_EQ(xfer(&e, fd, CHPS_DEVICE_OPEN, "relative", 9, NULL, 0, NULL, 0, NULL, 0, NULL),
		 EINVAL);
	CHECK_EQ(xfer(&e, fd, CHPS_DEVICE_OPEN, "/sys/bus/mdev/devices/none", 27, NULL, 0, NULL, 0,
		      NULL, 0, NULL),
		 ENOENT);
	CHECK_EQ(open_dev(&e, fd), 0);
	CHECK_EQ(open_dev(&e, fd), EBUSY);
	/* count and payload disagree */
	CHECK_EQ(xfer(&e, fd, CHPS_REGION_WRITE, &rg, sizeof(rg), reg, 100, NULL, 0, NULL, 0, NULL),
		 EINVAL);
	CHECK_EQ(xfer(&e, fd, CHPS_REGION_READ, &rg, 8, NULL, 0, NULL, 0, NULL, 0, NULL), EINVAL);
	/* the host's own answers: a partial I/O region write, beyond region 3 */
	CHECK_EQ(region_write(&e, fd, 0, reg, 24), EINVAL);
	CHECK_EQ(region_read(&e, fd, 4 << 10, reg, 4), EINVAL);
	/* an ioctl whose struct says it is bigger than what was sent */
	CHECK_EQ(xfer(&e, fd, CHPS_DEVICE_IOCTL, &io, sizeof(io), &ri, 8, NULL, 0, out, sizeof(out),
		      NULL),
		 EFAULT);
	io.argsz = 4;
	CHECK_EQ(xfer(&e, fd, CHPS_DEVICE_IOCTL, &io, sizeof(io), &ri, 8, NULL, 0, out, sizeof(out),
		      NULL),
		 EINVAL);
	io = (struct chps_ioctl){0x3b00, 0};
	CHECK_EQ(xfer(&e, fd, CHPS_DEVICE_IOCTL, &io, sizeof(io), NULL, 0, NULL, 0, out,
		      sizeof(out), NULL),
		 ENOTTY);
	CHECK(log_has(&e, "argsz"));
	close(fd);
	next_client_works(&e);
	env_down(&e);
}

static int open_fds(void)
{
	int n = 0;

	for (int i = 0; i < 1024; i++)
		n += fcntl(i, F_GETFD) >= 0;
	return n;
}

TEST(serve_wrong_or_missing_descriptors_are_refused)
{
	struct env e;
	uint8_t *mem, buf[8];
	int fd, memfd, pfd[2], plain, small, efd, before;

	env_up(&e);
	fd = client(&e);
	hello(&e, fd);
	CHECK_EQ(open_dev(&e, fd), 0);
	memfd = guest_mem(&mem);
	CHECK_EQ(pipe(pfd), 0);
	plain = memfd_create("plain", MFD_CLOEXEC);
	CHECK_EQ(ftruncate(plain, MEM), 0);
	small = memfd_create("small", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	CHECK_EQ(ftruncate(small, 4096), 0);
	CHECK_EQ(fcntl(small, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	before = open_fds();
	CHECK_EQ(dma_map(&e, fd, -1, 0, MEM), EBADF);	   /* no memory fd */
	CHECK_EQ(dma_map(&e, fd, pfd[0], 0, MEM), EINVAL); /* a pipe */
	CHECK_EQ(dma_map(&e, fd, plain, 0, MEM), EINVAL);  /* could shrink */
	CHECK_EQ(dma_map(&e, fd, small, 0, MEM), EINVAL);  /* too small */
	CHECK_EQ(dma_map(&e, fd, memfd, 0, 1000), EINVAL); /* not page sized */
	CHECK_EQ(set_eventfd(&e, fd, 0, -1), 0);	   /* -1: none, fine */
	{						   /* an eventfd named but not sent */
		struct {
			struct vfio_irq_set s;
			int32_t fd;
		} is = {{sizeof(is), VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0,
			 1},
			5};
		struct chps_ioctl io = {VFIO_DEVICE_SET_IRQS, sizeof(is)};

		CHECK_EQ(xfer(&e, fd, CHPS_DEVICE_IOCTL, &io, sizeof(io), &is, sizeof(is), NULL, 0,
			      buf, sizeof(buf), NULL),
			 EBADF);
	}
	CHECK_EQ(set_eventfd(&e, fd, 0, pfd[1]), EINVAL); /* not an eventfd */
	/* descriptors with a request that takes none */
	CHECK_EQ(xfer(&e, fd, CHPS_SYSFS_READ, "/sys/bus/css/devices/0.0.013f/pimpampom", 40, NULL,
		      0, &memfd, 1, buf, sizeof(buf), NULL),
		 EINVAL);
	/* every refused descriptor was closed by the service */
	CHECK_EQ(open_fds(), before);
	CHECK(log_has(&e, "not a memfd sealed against shrinking"));
	CHECK(log_has(&e, "not an eventfd"));
	efd = eventfd(0, EFD_CLOEXEC);
	CHECK_EQ(set_eventfd(&e, fd, 9, efd), EINVAL); /* no such irq */
	CHECK_EQ(dma_map(&e, fd, memfd, 0, MEM), 0);
	CHECK_EQ(dma_map(&e, fd, memfd, 0, MEM), EEXIST);
	close(fd);
	next_client_works(&e);
	munmap(mem, MEM);
	close(memfd);
	close(efd);
	close(pfd[0]);
	close(pfd[1]);
	close(plain);
	close(small);
	env_down(&e);
}

TEST(serve_nothing_outside_the_clients_mapping)
{
	struct env e;
	uint8_t *mem, reg[124];
	struct os *host;
	uint8_t *hostmem;
	int fd, memfd;

	env_up(&e);
	host = e.rw.host;
	hostmem = host->css.mem->base;
	fd = client(&e);
	hello(&e, fd);
	CHECK_EQ(open_dev(&e, fd), 0);
	memfd = guest_mem(&mem);
	/* only the first half is the device's */
	CHECK_EQ(dma_map(&e, fd, memfd, 0, MEM / 2), 0);
	ccw1(mem + 0x1000, 0xe4, 0x20, 32, MEM / 2 + 0x100);
	io_region(reg, 0x1000);
	CHECK_EQ(region_write(&e, fd, 0, reg, sizeof(reg)), EFAULT);
	CHECK_EQ(mem[MEM / 2 + 0x100], 0);
	/* a CCW outside the mapping */
	io_region(reg, MEM / 2 + 0x2000);
	CHECK_EQ(region_write(&e, fd, 0, reg, sizeof(reg)), EFAULT);
	close(fd);
	serve_turn(e.s, NULL, 0, 0);
	/* the host storage of the mapping is zero again (the memfd is not) */
	mem[0] = 0x5a;
	{
		bool zero = true;

		for (uint64_t a = host->css.mem->size - MEM; a < host->css.mem->size; a += 4096)
			zero &= hostmem[a] == 0;
		CHECK(zero);
	}
	next_client_works(&e);
	munmap(mem, MEM);
	close(memfd);
	env_down(&e);
}

TEST(serve_disconnect_in_the_middle_of_an_io)
{
	struct env e;
	uint8_t *mem, reg[124];
	int fd, memfd, efd;

	env_up(&e);
	fd = client(&e);
	hello(&e, fd);
	CHECK_EQ(open_dev(&e, fd), 0);
	memfd = guest_mem(&mem);
	CHECK_EQ(dma_map(&e, fd, memfd, 0, MEM), 0);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK_EQ(set_eventfd(&e, fd, VFIO_CCW_IO_IRQ_INDEX, efd), 0);
	/* a long program: 64 Sense IDs chained */
	for (int i = 0; i < 64; i++)
		ccw1(mem + 0x1000 + 8 * i, 0xe4, i < 63 ? 0x60 : 0x20, 32, 0x4000 + 64 * i);
	io_region(reg, 0x1000);
	CHECK_EQ(region_write(&e, fd, 0, reg, sizeof(reg)), 0);
	close(fd); /* the VMM exits while the channel runs the program */
	for (int i = 0; i < 50; i++)
		serve_turn(e.s, NULL, 0, 1000000);
	CHECK(log_has(&e, "gone, releasing"));
	CHECK_EQ(serve_devices(e.s), 0);
	/* the host is fine and the device can be had again */
	next_client_works(&e);
	{
		char *out = NULL;

		CHECK_EQ(run_command(&e.rw, "host", "lscss --vfio 013f", &out), RUN_OK);
		CHECK(strstr(out, "0.0.013f  f0  f0  ff") != NULL);
		free(out);
	}
	munmap(mem, MEM);
	close(memfd);
	close(efd);
	env_down(&e);
}

TEST(serve_sysfs_lookups)
{
	struct env e;
	char out[256];
	size_t got;
	int fd;

	env_up(&e);
	fd = client(&e);
	hello(&e, fd);
	CHECK_EQ(xfer(&e, fd, CHPS_SYSFS_READ, "/sys/bus/css/devices/0.0.013f/pimpampom", 40, NULL,
		      0, NULL, 0, out, sizeof(out), &got),
		 0);
	CHECK_EQ(got, 9);
	CHECK(!memcmp(out, "f0 f0 ff\n", 9));
	CHECK_EQ(xfer(&e, fd, CHPS_SYSFS_REALPATH, MDEV, sizeof(MDEV), NULL, 0, NULL, 0, out,
		      sizeof(out), &got),
		 0);
	out[got] = '\0';
	CHECK_STR(out, "/sys/devices/css0/0.0.013f/" UUID);
	CHECK_EQ(xfer(&e, fd, CHPS_SYSFS_READ, "/sys/no/such", 13, NULL, 0, NULL, 0, out,
		      sizeof(out), NULL),
		 ENOENT);
	CHECK_EQ(xfer(&e, fd, CHPS_SYSFS_READ, "/sys/x", 5, NULL, 0, NULL, 0, out, sizeof(out),
		      NULL),
		 EINVAL); /* no NUL */
	close(fd);
	env_down(&e);
}

TEST(serve_control_runs_commands)
{
	struct env e;
	uint8_t buf[4096];
	struct chps_hdr h;
	struct chps_ctl_done d;
	size_t n;
	int fd;

	env_up(&e);
	fd = client(&e);
	{
		static const char p[] = "host\0echo hi; false";
		struct chps_hdr q = {.id = 3,
				     .command = CHPS_CTL_RUN,
				     .size = (uint32_t)(sizeof(q) + sizeof(p))};
		uint8_t msg[sizeof(q) + sizeof(p)];

		memcpy(msg, &q, sizeof(q));
		memcpy(msg + sizeof(q), p, sizeof(p));
		n = xfer_raw(&e, fd, msg, sizeof(msg), NULL, 0, &h, buf, sizeof(buf));
		while (h.flags & CHPS_F_MORE)
			n = xfer_raw(&e, fd, NULL, 0, NULL, 0, &h, buf, sizeof(buf));
		CHECK_EQ(h.error, 0);
		CHECK_EQ(n, 3 + sizeof(d));
		CHECK(!memcmp(buf, "hi\n", 3));
		memcpy(&d, buf + 3, sizeof(d));
		CHECK_EQ(d.status, 1);
	}
	{
		static const char p[] = "host";
		struct chps_hdr q = {.id = 4,
				     .command = CHPS_CTL_RUN,
				     .size = (uint32_t)(sizeof(q) + sizeof(p))};
		uint8_t msg[sizeof(q) + sizeof(p)];

		memcpy(msg, &q, sizeof(q));
		memcpy(msg + sizeof(q), p, sizeof(p));
		xfer_raw(&e, fd, msg, sizeof(msg), NULL, 0, &h, buf, sizeof(buf));
		CHECK_EQ(h.error, EINVAL);
	}
	close(fd);
	env_down(&e);
}

/* A control connection (one that has run a command) is refused a device
 * request, and the descriptors that came with it are closed, not kept
 * (found by fuzzing: tests/fuzz/corpus/serve/
 * regress-control-connection-dma-map-leaks-descriptors). */
TEST(serve_control_connection_refuses_dma_map_and_closes_its_descriptors)
{
	static const char p[] = "host\0true";
	struct chps_hdr q = {
		.id = 5, .command = CHPS_CTL_RUN, .size = (uint32_t)(sizeof(q) + sizeof(p))};
	uint8_t msg[sizeof(q) + sizeof(p)], buf[256], *mem;
	struct chps_hdr h;
	struct env e;
	int fd, memfd, before;

	env_up(&e);
	fd = client(&e);
	memcpy(msg, &q, sizeof(q));
	memcpy(msg + sizeof(q), p, sizeof(p));
	xfer_raw(&e, fd, msg, sizeof(msg), NULL, 0, &h, buf, sizeof(buf));
	while (h.flags & CHPS_F_MORE)
		xfer_raw(&e, fd, NULL, 0, NULL, 0, &h, buf, sizeof(buf));
	CHECK_EQ(h.error, 0);
	memfd = guest_mem(&mem);
	before = open_fds();
	CHECK_EQ(dma_map(&e, fd, memfd, 0, MEM), EPROTO);
	CHECK_EQ(dma_map(&e, fd, memfd, 0, MEM), EPROTO);
	CHECK_EQ(open_fds(), before);
	CHECK(log_has(&e, "a control connection only runs commands"));
	close(fd);
	next_client_works(&e);
	munmap(mem, MEM);
	close(memfd);
	env_down(&e);
}

struct done_flag {
	bool done;
	int status;
	char text[512];
};

static void on_done(void *ctx, const char *text, bool final, int status)
{
	struct done_flag *d = ctx;

	strncat(d->text, text, sizeof(d->text) - strlen(d->text) - 1);
	if (final) {
		d->done = true;
		d->status = status;
	}
}

/* mdevctl stop while a VM holds the device waits (the service goes on):
 * the host driver signals the client's request eventfd, the client lets
 * go (disconnects, as QEMU unplugs), and only then the command ends. */
TEST(serve_mdevctl_stop_waits_for_the_client)
{
	struct env e;
	struct done_flag d = {0};
	int fd, req, turns = 0;

	env_up(&e);
	fd = client(&e);
	hello(&e, fd);
	CHECK_EQ(open_dev(&e, fd), 0);
	req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK_EQ(set_eventfd(&e, fd, VFIO_CCW_REQ_IRQ_INDEX, req), 0);
	CHECK_EQ(serve_command(e.s, "host", "mdevctl stop -u " UUID, on_done, &d), 0);
	CHECK(wait_eventfd(&e, req)); /* the host asks for the device back */
	for (int i = 0; i < 20; i++)
		serve_turn(e.s, NULL, 0, 1000000);
	CHECK(!d.done); /* still waiting: the VM holds the device */
	CHECK_EQ(serve_commands(e.s), 1);
	close(fd); /* the VM lets go */
	while (!d.done && turns++ < 2000)
		serve_turn(e.s, NULL, 0, 1000000);
	CHECK(d.done);
	CHECK_EQ(d.status, 0);
	CHECK_EQ(serve_devices(e.s), 0);
	close(req);
	env_down(&e);
}
