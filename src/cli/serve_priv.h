/* Inside `chpsync serve`: the service and its connections. */
#ifndef CHPSYNC_CLI_SERVE_PRIV_H
#define CHPSYNC_CLI_SERVE_PRIV_H

#include <time.h>

#include "cli/serve.h"
#include "cli/serve_proto.h"
#include "sim/sim.h"

#define SERVE_IRQS    3	 /* VFIO_CCW_IO / CRW / REQ_IRQ_INDEX */
#define SERVE_DMA_MAX 64 /* mappings per connection (the host's table size) */

/* A client's memory, mapped into host storage. */
struct serve_map {
	uint64_t iova, size;
	uint64_t addr; /* host absolute address (os_user_alloc) */
};

/* A client's eventfd: the host's handle (os_eventfd) whose handler writes
 * the real one. */
struct serve_irq {
	int osfd;   /* -1: none */
	int realfd; /* the client's eventfd, received by SCM_RIGHTS */
	struct serve_conn *conn;
};

enum serve_role { ROLE_NEW, ROLE_DEVICE, ROLE_CONTROL };

struct serve_conn {
	struct serve *s;
	int sock;
	unsigned serial; /* for the log: "client N" */
	enum serve_role role;
	uint32_t pid; /* from CHPS_VERSION */
	char name[32];
	int devfd; /* host OS fd of the open vfio device, -1 */
	char dev[CHPS_PATH_MAX + 1];
	struct serve_irq irq[SERVE_IRQS];
	struct serve_map map[SERVE_DMA_MAX];
	int nmap;
	unsigned commands; /* control: commands still running for it */
	bool closing;	   /* disconnected; freed when no command refers to it */
	struct serve_conn *next;
};

struct serve_cmd {
	struct serve *s;
	char node[64];
	char *cmd;
	struct proc *proc; /* NULL: queued */
	serve_output_fn out;
	void *ctx;
	struct serve_cmd *next;
};

struct serve {
	struct run_world *rw;
	int lsock;
	char path[108];
	FILE *log;
	struct serve_conn *conns;
	unsigned serial;
	int attached; /* serve_attach() */
	/* Pacing: simulated time = sim_base + (wall - wall_base) while paced. */
	bool paced;
	sim_time_t sim_base;
	struct timespec wall_base;
	struct serve_cmd *cmds;
	serve_output_fn console;
	void *console_ctx;
	uint8_t *buf; /* one message */
};

void serve_log(struct serve *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read one message from c's socket and handle it; -1 when the peer has
 * gone (the caller closes the connection). */
int serve_conn_read(struct serve_conn *c);
/* Control connections: CHPS_CTL_RUN (serve.c). */
int serve_ctl_run(struct serve_conn *c, const struct chps_hdr *h, const uint8_t *p, size_t n);
int serve_send(struct serve_conn *c, const struct chps_hdr *req, uint32_t flags, uint32_t error,
	       const void *a, size_t alen, const void *b, size_t blen);

#endif
