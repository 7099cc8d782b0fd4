/* `chpsync serve`: a world's machine and host OS as a service for real
 * programs (docs/real-qemu.md).
 *
 * The service listens on one AF_UNIX SOCK_SEQPACKET socket
 * (cli/serve_proto.h).  Device connections open the host's vfio-ccw
 * mdevs through the host OS's vfio uapi (os/vfio.h): ioctls, region
 * reads and writes, DMA maps of the VMM's memory (its memfd is mapped into
 * host storage, no copies), interrupts as the client's real eventfds.
 * Control connections run commands on the world's nodes.
 *
 * Time: while anything real is attached (a device connection, or a real
 * process the runner started) simulated time follows the monotonic clock;
 * otherwise it stands still, and a command on a node runs to its end as in
 * a scenario run (as fast as the events go).  A served run is therefore not
 * reproducible; scenario runs without real clients stay so.
 */
#ifndef CHPSYNC_CLI_SERVE_H
#define CHPSYNC_CLI_SERVE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct run_world;
struct serve;
struct serve_conn;

/* Create the service on an existing world, listening on `path` (an
 * existing socket file there is replaced).  log gets one line per client
 * event and per protocol error.  NULL with "what is wrong" in err. */
struct serve *serve_new(struct run_world *rw, const char *path, FILE *log, char *err,
			size_t errlen);
/* Close every connection (releasing what each holds, as at a disconnect),
 * the listening socket, and remove the socket file. */
void serve_free(struct serve *s);

/* One turn of the service: advance the world (paced to wall time when
 * anything real is attached), wait at most max_wait_ns of wall time for
 * the sockets and the `extra` descriptors (their revents are filled), and
 * handle what arrived.  0, or -1 when poll fails. */
int serve_turn(struct serve *s, struct pollfd *extra, int nextra, int64_t max_wait_ns);

/* Real processes the caller started (a real QEMU before it connects)
 * count as attached: simulated time then follows wall time. */
void serve_attach(struct serve *s, int delta);
bool serve_paced(const struct serve *s);
/* Number of device connections with an open device. */
int serve_devices(const struct serve *s);

/* Commands on nodes (the terminal and `chpsync ctl`): started at once when
 * no other command runs on that node, else queued.  `done` is called with
 * the command's output text so far (final=false: more follows) and, at
 * the end, its exit status. */
typedef void (*serve_output_fn)(void *ctx, const char *text, bool final, int status);
int serve_command(struct serve *s, const char *node, const char *cmd, serve_output_fn out,
		  void *ctx);
/* Commands started or queued and not yet ended. */
int serve_commands(const struct serve *s);
/* Console text of nodes with no command running goes here (NULL: kept). */
void serve_console(struct serve *s, serve_output_fn out, void *ctx);

/* ---- the device protocol, for tests and fuzzing ---- */

/* A connection on socket `sock` (the service owns and closes it). */
struct serve_conn *serve_conn_new(struct serve *s, int sock);
/* Handle one message (buf, len) that arrived with descriptors fds[0..nfds)
 * on connection c; the service takes ownership of the descriptors (it
 * closes those it does not keep).  Replies go to c's socket.  0 when the
 * message was valid, -errno when it was refused (a reply with that error
 * was sent).  Never touches memory outside buf and the client's mappings. */
int serve_conn_message(struct serve_conn *c, const void *buf, size_t len, int *fds, int nfds);
/* What a disconnect does: release the device and everything the
 * connection holds, then free it. */
void serve_conn_close(struct serve_conn *c);

/* Run `chpsync serve ARGS` (argv[0] = "serve"); the exit status. */
int serve_main(int argc, char **argv);
/* Run `chpsync ctl SOCKET NODE COMMAND`; the command's exit status. */
int ctl_main(int argc, char **argv);

#endif
