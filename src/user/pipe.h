/* Pipes between the stages of a pipeline (private to src/user). */
#ifndef CHPSYNC_USER_PIPE_H
#define CHPSYNC_USER_PIPE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim.h"

struct pipe {
	unsigned char *buf;
	size_t head, len;
	bool write_closed, read_closed;
	struct sim_waitq wq;
	int refs;
};

/* A pipe with both ends open (two references), NULL on allocation failure. */
struct pipe *pipe_new(void);
void pipe_put(struct pipe *pp);
/* Writes all of buf, blocking (interruptibly) while the pipe is full: 0,
 * -EPIPE when the reader has gone (the rest is dropped, as a writer killed
 * by SIGPIPE would lose it), -EINTR when the writer is interrupted. */
int pipe_write(struct sim *sim, struct pipe *pp, const unsigned char *buf, size_t len);
/* Blocks (interruptibly) until data or end of file; bytes read, 0 at end
 * of file, -EINTR when the reader is interrupted. */
long pipe_read(struct sim *sim, struct pipe *pp, unsigned char *buf, size_t len);
/* Close one end (drops that end's reference and wakes the other side). */
void pipe_close_write(struct sim *sim, struct pipe *pp);
void pipe_close_read(struct sim *sim, struct pipe *pp);

#endif
