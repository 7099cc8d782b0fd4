/* The timeline as a Chrome trace-event file (JSON object format), which
 * Perfetto UI and chrome://tracing open: one process per layer of each
 * node (machine, host OS, each VM's VMM and guest OS, the hmc console),
 * commands and I/O as complete slices ("X"), everything else that happened
 * as instants ("i"), and each device's path masks per layer as counters
 * ("C", one series per CHPID).  Timestamps are microseconds of simulated
 * time with nanosecond decimals. */
#include <stdlib.h>
#include <string.h>

#include "arch/crw.h"
#include "cli/tl_priv.h"

enum { TID_EVENTS = 1, TID_COMMANDS = 2, TID_IO = 16 };

struct jw {
	FILE *f;
	bool first;
};

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void ts(FILE *f, const char *key, sim_time_t t)
{
	fprintf(f, ",\"%s\":%llu.%03llu", key, (unsigned long long)(t / 1000),
		(unsigned long long)(t % 1000));
}

static void begin(struct jw *w, const char *ph, const char *name, int pid, int tid)
{
	fputs(w->first ? "\n" : ",\n", w->f);
	w->first = false;
	fprintf(w->f, "{\"ph\":\"%s\",\"name\":", ph);
	jstr(w->f, name);
	fprintf(w->f, ",\"pid\":%d,\"tid\":%d", pid, tid);
}

static int pid_of(int layer, int node)
{
	return 1 + node * TL_NLAYER + layer;
}

static void meta(struct jw *w, const struct tl *tl, int layer, int node, bool console)
{
	char name[96];
	int pid = pid_of(layer, node);

	if (console)
		snprintf(name, sizeof(name), "%s console", tl->nodes[node]);
	else if (layer == TL_MACHINE)
		snprintf(name, sizeof(name), "machine");
	else if (layer == TL_VMM)
		snprintf(name, sizeof(name), "VMM (qemu-system-s390x -name %s)", tl->nodes[node]);
	else
		snprintf(name, sizeof(name), "%s OS (%s)", layer == TL_HOST ? "host" : "guest",
			 tl->nodes[node]);
	begin(w, "M", "process_name", pid, 0);
	fputs(",\"args\":{\"name\":", w->f);
	jstr(w->f, name);
	fputs("}}", w->f);
	begin(w, "M", "process_sort_index", pid, 0);
	fprintf(w->f, ",\"args\":{\"sort_index\":%d}}", layer * 100 + node);
	begin(w, "M", "thread_name", pid, TID_EVENTS);
	fputs(",\"args\":{\"name\":\"events\"}}", w->f);
	begin(w, "M", "thread_name", pid, TID_COMMANDS);
	fputs(",\"args\":{\"name\":\"commands\"}}", w->f);
	for (int g = 0; g < tl->ngroups; g++) {
		char tn[48];

		snprintf(tn, sizeof(tn), "I/O 0.%x.%04x", tl->groups[g].ssid, tl->groups[g].sch_no);
		begin(w, "M", "thread_name", pid, TID_IO + g);
		fputs(",\"args\":{\"name\":", w->f);
		jstr(w->f, tn);
		fputs("}}", w->f);
	}
}

/* Which process an event belongs to; commands go to their node's OS (or
 * the node's console when it has none). */
static int ev_pid(const struct tl *tl, const struct tl_ev *ev, bool *console)
{
	*console = false;
	if (ev->kind == TLE_CMD) {
		if (ev->node == 1)
			return pid_of(TL_HOST, 1);
		for (int g = 0; g < tl->ngroups; g++)
			if (tl->groups[g].pt && !strcmp(tl->groups[g].vm, tl->nodes[ev->node]))
				return pid_of(TL_GUEST, ev->node);
		*console = true;
		return pid_of(TL_MACHINE, ev->node);
	}
	return pid_of(ev->layer, ev->node);
}

static const char *instant_name(const struct tl_ev *ev)
{
	switch (ev->kind) {
	case TLE_CRW:
		return ev->layer == TL_MACHINE ? "CRW queued" : "STCRW";
	case TLE_CRW_LOST:
		return "CRW queue overflow";
	case TLE_MCHK:
		return "channel-report machine check";
	case TLE_STSCH:
		return "STSCH";
	case TLE_REGION:
		return "SCHIB region read";
	case TLE_VCRW:
		return "CRW region drained";
	default:
		return NULL;
	}
}

static void group_name(char *buf, size_t len, const struct tl *tl, int g)
{
	if (g < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "0.%x.%04x", tl->groups[g].ssid, tl->groups[g].sch_no);
}

static void counters(struct jw *w, const struct tl *tl, const struct tl_ev *ev, int pid)
{
	static const char *const names[] = {"PIM", "PAM", "POM", NULL};
	const struct tl_group *gr = &tl->groups[ev->group];
	char gn[16], cn[48];

	group_name(gn, sizeof(gn), tl, ev->group);
	for (int k = 0; names[k]; k++) {
		uint8_t mask = (uint8_t)(ev->a >> (24 - 8 * k));

		snprintf(cn, sizeof(cn), "%s %s", gn, names[k]);
		begin(w, "C", cn, pid, 0);
		ts(w->f, "ts", ev->t);
		fputs(",\"args\":{", w->f);
		/* one series per CHPID, in the machine's PIM order */
		for (int i = 0; i < gr->nchp; i++)
			fprintf(w->f, "%s\"0.%02x\":%d", i ? "," : "", gr->chpid[i],
				!!(mask & (0x80 >> i)));
		fputs("}}", w->f);
	}
	if (ev->layer == TL_VMM) {
		snprintf(cn, sizeof(cn), "%s news not read", gn);
		begin(w, "C", cn, pid, 0);
		ts(w->f, "ts", ev->t);
		fprintf(w->f, ",\"args\":{\"dirty\":%u}}", ev->a & 1);
	} else if (ev->layer != TL_MACHINE) {
		snprintf(cn, sizeof(cn), "%s VPM", gn);
		begin(w, "C", cn, pid, 0);
		ts(w->f, "ts", ev->t);
		fputs(",\"args\":{", w->f);
		for (int i = 0; i < gr->nchp; i++)
			fprintf(w->f, "%s\"0.%02x\":%d", i ? "," : "", gr->chpid[i],
				!!(ev->a & (0x80 >> i)));
		fputs("}}", w->f);
	}
}

static void event(struct jw *w, const struct tl *tl, const struct tl_ev *ev)
{
	char gn[16], buf[64];
	bool console;
	int pid = ev_pid(tl, ev, &console);
	const char *name;

	group_name(gn, sizeof(gn), tl, ev->group);
	switch (ev->kind) {
	case TLE_CMD:
		begin(w, "X", ev->text, pid, TID_COMMANDS);
		ts(w->f, "ts", ev->t);
		ts(w->f, "dur", ev->t_end - ev->t);
		fputs(",\"args\":{\"node\":", w->f);
		jstr(w->f, tl->nodes[ev->node]);
		fputs("}}", w->f);
		return;
	case TLE_IO:
	case TLE_PV:
		begin(w, "X", ev->kind == TLE_PV ? "path verification" : "I/O", pid,
		      TID_IO + ev->group);
		ts(w->f, "ts", ev->t);
		ts(w->f, "dur", ev->t_end - ev->t);
		fprintf(w->f,
			",\"args\":{\"subchannel\":\"%s\",\"lpm\":\"%02x\",\"command\":\"%02x\","
			"\"status\":\"%04x\",\"chpid\":",
			gn, ev->a, ev->b >> 16, ev->b & 0xffff);
		if (ev->chpid >= 0)
			fprintf(w->f, "\"0.%02x\"}}", ev->chpid);
		else
			fputs("null}}", w->f);
		return;
	case TLE_MASK:
		counters(w, tl, ev, pid);
		return;
	case TLE_LOG:
	case TLE_CHP:
		begin(w, "i", ev->text ? ev->text : "", pid, TID_EVENTS);
		ts(w->f, "ts", ev->t);
		fputs(",\"s\":\"t\"}", w->f);
		return;
	}
	name = instant_name(ev);
	if (!name)
		return;
	begin(w, "i", name, pid, TID_EVENTS);
	ts(w->f, "ts", ev->t);
	fprintf(w->f, ",\"s\":\"t\",\"args\":{\"subchannel\":\"%s\"", gn);
	if (ev->chpid >= 0)
		fprintf(w->f, ",\"chpid\":\"0.%02x\"", ev->chpid);
	switch (ev->kind) {
	case TLE_CRW:
		snprintf(buf, sizeof(buf), "%08x", ev->a);
		fputs(",\"crw\":", w->f);
		jstr(w->f, buf);
		break;
	case TLE_STSCH:
	case TLE_REGION:
		fprintf(w->f, ",\"pim\":\"%02x\",\"pam\":\"%02x\",\"pom\":\"%02x\"",
			ev->a >> 16 & 0xff, ev->a >> 8 & 0xff, ev->a & 0xff);
		break;
	case TLE_VCRW:
	case TLE_CRW_LOST:
		fprintf(w->f, ",\"count\":%u", ev->a);
		break;
	}
	fputs("}}", w->f);
}

int tl_write_chrome_file(struct tl *tl, FILE *f)
{
	struct jw w = {f, true};
	/* which (layer, node) processes occur, and which are consoles */
	size_t np = (size_t)tl->nnodes * TL_NLAYER + 1;
	unsigned char *used = calloc(np, 1);

	if (!used)
		return -1;
	for (size_t i = 0; i < tl->nev; i++) {
		bool console;
		int pid = ev_pid(tl, &tl->evs[i], &console);

		used[pid - 1] |= console ? 2 : 1;
	}
	fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"title\":", f);
	jstr(f, tl->title);
	fputs(",\"clock\":\"simulated time\"},\n\"traceEvents\":[", f);
	for (int node = 0; node < tl->nnodes; node++)
		for (int l = 0; l < TL_NLAYER; l++) {
			unsigned char u = used[pid_of(l, node) - 1];

			if (u)
				meta(&w, tl, l, node, !(u & 1));
		}
	for (size_t i = 0; i < tl->nev; i++)
		event(&w, tl, &tl->evs[i]);
	fputs("\n]}\n", f);
	free(used);
	return ferror(f) ? -1 : 0;
}
