/* The trace log of world events: "<time> <who>: <message>" lines, kept in
 * memory and/or written to a file as they happen. */
#include "sim/sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_priv.h"

static void trace_line(struct sim *sim, const char *who, const char *kind, uint64_t a, uint64_t b,
		       const char *fmt, va_list ap)
{
	char head[64], *msg, *line;
	va_list aq;
	int n;
	size_t len;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	msg = sim_xmalloc((size_t)n + 1);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);

	who = who ? who : "-";
	if (sim->observer) {
		struct sim_trace_rec r = {sim->now, who, kind, a, b, msg};

		sim->observer(sim->observer_ctx, &r);
	}
	if (!sim->trace_file && !sim->keep) {
		free(msg);
		return;
	}
	snprintf(head, sizeof(head), "%llu ", (unsigned long long)sim->now);
	len = strlen(head) + strlen(who) + 2 + (size_t)n + 1;
	line = sim_xmalloc(len);
	snprintf(line, len, "%s%s: %s", head, who, msg);
	free(msg);

	if (sim->trace_file) {
		fputs(line, sim->trace_file);
		fputc('\n', sim->trace_file);
	}
	if (!sim->keep) {
		free(line);
		return;
	}
	if (sim->nlines == sim->caplines) {
		sim->caplines = sim->caplines ? 2 * sim->caplines : 256;
		sim->lines = sim_xrealloc(sim->lines, sim->caplines * sizeof(*sim->lines));
	}
	sim->lines[sim->nlines++] = line;
}

void sim_trace(struct sim *sim, const char *who, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_line(sim, who, NULL, 0, 0, fmt, ap);
	va_end(ap);
}

void sim_trace_ev(struct sim *sim, const char *who, const char *kind, uint64_t a, uint64_t b,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_line(sim, who, kind, a, b, fmt, ap);
	va_end(ap);
}

void sim_trace_observe(struct sim *sim, void (*fn)(void *ctx, const struct sim_trace_rec *r),
		       void *ctx)
{
	sim->observer = fn;
	sim->observer_ctx = ctx;
}

bool sim_tracing(const struct sim *sim)
{
	return sim->keep || sim->trace_file || sim->observer;
}

void sim_trace_to(struct sim *sim, FILE *f)
{
	sim->trace_file = f;
}

void sim_trace_keep(struct sim *sim, bool keep)
{
	sim->keep = keep;
}

size_t sim_trace_count(const struct sim *sim)
{
	return sim->nlines;
}

const char *sim_trace_line(const struct sim *sim, size_t i)
{
	return i < sim->nlines ? sim->lines[i] : NULL;
}

void sim_trace_free(struct sim *sim)
{
	for (size_t i = 0; i < sim->nlines; i++)
		free(sim->lines[i]);
	free(sim->lines);
}
