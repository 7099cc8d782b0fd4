/* Pipes between the stages of a pipeline: a bounded in-memory buffer whose
 * reader and writer block in simulated time. */
#include "user/pipe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PIPE_SIZE 65536 /* Linux's default pipe capacity */

struct pipe *pipe_new(void)
{
	struct pipe *pp = calloc(1, sizeof(*pp));

	if (!pp)
		return NULL;
	pp->buf = malloc(PIPE_SIZE);
	if (!pp->buf) {
		free(pp);
		return NULL;
	}
	pp->refs = 2;
	return pp;
}

void pipe_put(struct pipe *pp)
{
	if (pp && --pp->refs == 0) {
		free(pp->buf);
		free(pp);
	}
}

int pipe_write(struct sim *sim, struct pipe *pp, const unsigned char *buf, size_t len)
{
	while (len) {
		size_t n, tail;

		while (!pp->read_closed && pp->len == PIPE_SIZE)
			if (sim_wait_intr(sim, &pp->wq) < 0)
				return -EINTR;
		if (pp->read_closed)
			return -EPIPE;
		n = PIPE_SIZE - pp->len;
		if (n > len)
			n = len;
		tail = (pp->head + pp->len) % PIPE_SIZE;
		if (n > PIPE_SIZE - tail)
			n = PIPE_SIZE - tail;
		memcpy(pp->buf + tail, buf, n);
		pp->len += n;
		buf += n;
		len -= n;
		sim_wake(sim, &pp->wq);
	}
	return 0;
}

long pipe_read(struct sim *sim, struct pipe *pp, unsigned char *buf, size_t len)
{
	size_t n;

	while (!pp->write_closed && pp->len == 0)
		if (sim_wait_intr(sim, &pp->wq) < 0)
			return -EINTR;
	n = pp->len < len ? pp->len : len;
	if (n > PIPE_SIZE - pp->head)
		n = PIPE_SIZE - pp->head;
	memcpy(buf, pp->buf + pp->head, n);
	pp->head = (pp->head + n) % PIPE_SIZE;
	pp->len -= n;
	if (n)
		sim_wake(sim, &pp->wq);
	return (long)n;
}

void pipe_close_write(struct sim *sim, struct pipe *pp)
{
	if (!pp)
		return;
	pp->write_closed = true;
	sim_wake(sim, &pp->wq);
	pipe_put(pp);
}

void pipe_close_read(struct sim *sim, struct pipe *pp)
{
	if (!pp)
		return;
	pp->read_closed = true;
	sim_wake(sim, &pp->wq);
	pipe_put(pp);
}
