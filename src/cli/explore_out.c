/* chpsync explore: what a run leaves behind: one JSON Lines record per
 * seed, the JUnit XML summary, and the reproducer of a failing seed (a
 * scenario with its decks, and the trace around the failure). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/explore.h"

/* ---- JSON ---- */

/* A JSON string (RFC 8259 escapes). */
void xp_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char *outcome(const struct xp_verdict *v)
{
	if (v->inv == XI_NONE)
		return "pass";
	return v->inv == XI_CRASH ? "crash" : "fail";
}

void xp_result_json(FILE *f, const struct xp_plan *p, const struct xp_verdict *v, const char *repro)
{
	fprintf(f, "{\"seed\":%llu,\"profile\":", (unsigned long long)p->seed);
	xp_json_str(f, p->profile);
	fprintf(f, ",\"host_driver\":\"%s\",\"vmm\":\"%s\",\"outcome\":\"%s\",\"invariant\":\"%s\"",
		p->host_driver == XP_HOST_UPSTREAM ? "upstream" : "chpsync",
		p->vmm == XP_VMM_QEMU ? "qemu" : "chpsync", outcome(v), xp_inv_name(v->inv));
	if (v->inv != XI_NONE) {
		fputs(",\"what\":", f);
		xp_json_str(f, v->what);
		fputs(",\"where\":", f);
		xp_json_str(f, v->where);
		fprintf(f, ",\"when_ns\":%llu,\"step\":%d", (unsigned long long)v->when, v->step);
		if (repro) {
			fputs(",\"reproducer\":", f);
			xp_json_str(f, repro);
		}
	}
	fprintf(f,
		",\"counts\":{\"guests\":%d,\"dasd\":%d,\"chpids\":%d,\"rounds\":%d,\"ops\":%d,"
		"\"faults\":%d,\"commands\":%d,\"ios\":%d,\"faults_applied\":%d,"
		"\"blocks_checked\":%d,\"events\":%llu,\"sim_ns\":%llu}}",
		p->nguest, p->ndev, p->nchp, p->nround, p->nop, p->nfault, v->commands, v->ios,
		v->faults, v->blocks_checked, (unsigned long long)v->events,
		(unsigned long long)v->sim_end);
}

/* ---- the reproducer ---- */

static int copy_file(const char *from, const char *to)
{
	char buf[8192];
	FILE *in = fopen(from, "r"), *out;
	size_t n;
	int rc = 0;

	if (!in)
		return -1;
	out = fopen(to, "w");
	if (!out) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	fclose(in);
	if (fclose(out))
		rc = -1;
	return rc;
}

static void plan_summary(FILE *f, const struct xp_plan *p)
{
	int lazy = 0, eager = 0, qemu = 0, host = 0;

	for (int i = 0; i < p->ndev; i++) {
		if (p->dev[i].guest < 0)
			host++;
		else if (p->dev[i].policy == XP_LAZY)
			lazy++;
		else if (p->dev[i].policy == XP_QEMU)
			qemu++;
		else
			eager++;
	}
	fprintf(f,
		"# Plan: %d guest%s, %d DASD (%d eager, %d lazy, %d qemu, %d the host's), %d "
		"CHPIDs, %d round%s, %d I/O operation%s, %d fault%s.\n",
		p->nguest, p->nguest == 1 ? "" : "s", p->ndev, eager, lazy, qemu, host, p->nchp,
		p->nround, p->nround == 1 ? "" : "s", p->nop, p->nop == 1 ? "" : "s", p->nfault,
		p->nfault == 1 ? "" : "s");
}

struct repro_ctx {
	const char *dir;
	unsigned long long seed;
	struct xp_run_opts *ro;
};

/* After the reproducer's run (in the child when isolated): the trace around
 * the failure, to DIR/fail-SEED.trace. */
static void write_trace(void *arg, const struct xp_verdict *v)
{
	struct repro_ctx *c = arg;
	char to[4200];
	FILE *f;

	(void)v;
	fflush(c->ro->transcript);
	if (!c->ro->trace_excerpt)
		return;
	snprintf(to, sizeof(to), "%s/fail-%llu.trace", c->dir, c->seed);
	f = fopen(to, "w");
	if (f) {
		fprintf(f, "# The world's trace up to the failure of seed %llu (last lines).\n",
			c->seed);
		fputs(c->ro->trace_excerpt, f);
		fclose(f);
	}
	free(c->ro->trace_excerpt);
	c->ro->trace_excerpt = NULL;
}

int xp_write_reproducer(const char *dir, const struct xp_plan *p, const struct xp_verdict *v,
			const struct xp_run_opts *o, char *path, size_t pathlen)
{
	struct xp_run_opts ro = *o;
	struct xp_verdict rv;
	unsigned long long seed = (unsigned long long)p->seed;
	struct repro_ctx ctx = {dir, seed, &ro};
	char from[4200], to[4200];
	FILE *f;
	int rc;

	snprintf(path, pathlen, "%s/fail-%llu.scenario", dir, seed);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "# chpsync explore, seed %llu, profile %s, host driver %s, VMM %s (shrunk).\n",
		seed, p->profile, p->host_driver == XP_HOST_UPSTREAM ? "upstream" : "chpsync",
		p->vmm == XP_VMM_QEMU ? "qemu" : "chpsync");
	fprintf(f, "# Invariant '%s' failed at %s, %.6f s of simulated time, command %d:\n",
		xp_inv_name(v->inv), v->where, (double)v->when / 1e9, v->step);
	fprintf(f, "#   %s\n", v->what);
	plan_summary(f, p);
	fprintf(f,
		"# Replay: chpsync run fail-%llu.scenario (its commands and output are the\n"
		"# failing run's, so `chpsync check` passes while the failure reproduces).\n"
		"# The line '# explore: ...' marks where the check failed; docs/explore.md.\n",
		seed);
	/* explore types its commands back to back: no think time. */
	fprintf(f, "#! iocp seed-%llu.iocp\n#! seed %llu\n#! timeout %llus\n#! think 0\n", seed,
		seed, (unsigned long long)(XP_CMD_TIMEOUT / SIM_S));
	if (p->host_driver == XP_HOST_UPSTREAM)
		fprintf(f, "#! host-driver upstream\n");
	/* the transcript, line by line: a run that crashes leaves what came
	 * before the crash */
	fflush(f);
	setvbuf(f, NULL, _IOLBF, 0);
	ro.transcript = f;
	ro.trace = true;
	ro.trace_excerpt = NULL;
	if (o->isolate) {
		rc = xp_run_forked(p, &ro, &rv, o->errpath, write_trace, &ctx);
	} else {
		rc = xp_run(p, &ro, &rv);
		write_trace(&ctx, &rv);
	}
	fseek(f, 0, SEEK_END);
	if (rc == 0 && (rv.inv != v->inv || strcmp(rv.what, v->what)))
		fprintf(f, "# Warning: this transcript's run ended differently: '%s' %s\n",
			xp_inv_name(rv.inv), rv.what);
	if (fclose(f))
		return -1;
	for (int k = 0; k <= p->ndeck; k++) {
		char name[64];

		if (k)
			snprintf(name, sizeof(name), "seed-%llu-add%d.iocp", seed, k);
		else
			snprintf(name, sizeof(name), "seed-%llu.iocp", seed);
		snprintf(from, sizeof(from), "%s/%s", o->tmpdir, name);
		snprintf(to, sizeof(to), "%s/%s", dir, name);
		if (copy_file(from, to) < 0)
			return -1;
	}
	return 0;
}
