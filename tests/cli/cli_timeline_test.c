/* The timeline: what it records of real runs (the letter's lazy example,
 * the eager scenario), that recording changes nothing in the run, that its
 * picture stays bounded, and the options' errors. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/runner.h"
#include "cli/tl_priv.h"
#include "t.h"

struct rec {
	struct run_world rw;
	struct scenario s;
	char *transcript;
};

/* Run a scenario with the recorder on (as `--timeline` does), command by
 * command as run_scenario() does, and keep the world for the checks. */
static void rec_run(struct rec *r, const char *name, const char *text)
{
	static char path[512];
	struct run_opts ro = {.err = stderr, .title = name};
	char err[256];
	size_t len = 0;
	FILE *out;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/t.svg", t_tmpdir());
	ro.timeline = path;
	CHECK_EQ(scenario_parse(&r->s, name, text, err, sizeof(err)), 0);
	CHECK_EQ(run_world_create(&r->rw, &ro, RUN_DEFAULT_SEED, false, NULL, "", err, sizeof(err)),
		 0);
	CHECK(r->rw.tl != NULL);
	out = open_memstream(&r->transcript, &len);
	for (size_t i = 0; i < r->s.nitems; i++) {
		const struct scn_item *it = &r->s.items[i];
		char *o = NULL;

		if (it->kind != SCN_COMMAND)
			continue;
		CHECK_EQ(run_command(&r->rw, it->node, it->cmd, &o), RUN_OK);
		fputs(o, out);
		free(o);
	}
	fclose(out);
	tl_detach(r->rw.tl);
}

static void rec_free(struct rec *r)
{
	run_world_destroy(&r->rw);
	scenario_free(&r->s);
	free(r->transcript);
}

static char *file_text(const char *path)
{
	char err[256], *s = read_file(path, NULL, err, sizeof(err));

	if (!s)
		t_fail(__FILE__, __LINE__, "%s", err);
	return s;
}

static long state(struct rec *r, const char *layer, uint8_t chpid, unsigned long long t,
		  unsigned long long *since)
{
	return tl_row_state(r->rw.tl, layer, 0x013f, chpid, t, since);
}

/* The letter's point: with chpsync=lazy the guest's row keeps the old PAM
 * after the machine and the host have lost path 0.42, while the VMM knows
 * there is news, until the guest touches the device (chccwdev -e). */
TEST(timeline_lazy_guest_row_stale_until_chccwdev)
{
	struct rec r;
	long long t_cfg, t_e, t_lscss;
	unsigned long long since;
	long st;

	rec_run(&r, default_scenario_name, default_scenario_text);
	t_cfg = tl_find_event(r.rw.tl, "chp", "machine", 0, NULL);
	t_lscss = tl_find_event(r.rw.tl, "cmd", NULL, (unsigned long long)t_cfg, "lscss 0002");
	t_e = tl_find_event(r.rw.tl, "cmd", NULL, 0, "chccwdev -e 3f3f");
	CHECK(t_cfg > 0 && t_lscss >= t_cfg && t_e >= t_lscss);
	/* the machine and the host: off at once */
	st = state(&r, "machine", 0x42, t_cfg, &since);
	CHECK_EQ(TS_CFG(st), 0);
	CHECK_EQ(since, t_cfg);
	st = state(&r, "host", 0x42, t_cfg, &since);
	CHECK(!(st & TS_PAM));
	CHECK_EQ(since, t_cfg);
	/* the VMM drained the CRW: dirty, still the old PAM */
	st = state(&r, "vmm", 0x42, t_e - 1, NULL);
	CHECK((st & TS_DIRTY) && (st & TS_PAM));
	CHECK(tl_find_event(r.rw.tl, "vcrw", "vmm", 0, NULL) >= t_cfg);
	/* the guest: PAM still on through the lscss that shows "no change" */
	st = state(&r, "guest", 0x42, t_e - 1, &since);
	CHECK((st & TS_PRESENT) && (st & TS_PAM));
	CHECK(since < (unsigned long long)t_cfg);
	/* ...and no machine check, no CRW reach the guest at all */
	CHECK_EQ(tl_find_event(r.rw.tl, "mchk", "guest", 0, NULL), -1);
	CHECK_EQ(tl_find_event(r.rw.tl, "crw", "guest", 0, NULL), -1);
	/* chccwdev -e: the guest's STSCH makes the VMM read the SCHIB region,
	 * and the guest's row turns at once, not before */
	st = state(&r, "guest", 0x42, t_e + SIM_MS, &since);
	CHECK(!(st & TS_PAM));
	CHECK(since >= (unsigned long long)t_e && since < (unsigned long long)t_e + 100 * SIM_US);
	CHECK(tl_find_event(r.rw.tl, "region", "vmm", (unsigned long long)t_e, NULL) <=
	      (long long)since);
	CHECK(tl_find_event(r.rw.tl, "stsch", "guest", (unsigned long long)t_e, NULL) <=
	      (long long)since);
	/* the other paths never changed colour: still PAM on */
	CHECK(state(&r, "guest", 0x43, t_e + SIM_MS, NULL) & TS_PAM);
	rec_free(&r);
}

/* Upstream's design, improved: the eager guest's row changes within
 * microseconds of the machine's, through a CRW and a machine check, without
 * the guest touching the device. */
TEST(timeline_eager_guest_row_changes_within_microseconds)
{
	char *text = file_text("tests/scenarios/eager-config.scenario");
	struct rec r;
	long long t_cfg, t_mchk, t_crw, t_on;
	unsigned long long since;
	long st;

	rec_run(&r, "eager-config.scenario", text);
	t_cfg = tl_find_event(r.rw.tl, "chp", "machine", 0, NULL);
	CHECK(t_cfg > 0);
	st = state(&r, "guest", 0x42, t_cfg + 100 * SIM_US, &since);
	CHECK((st & TS_PRESENT) && !(st & TS_PAM));
	CHECK(since >= (unsigned long long)t_cfg &&
	      since <= (unsigned long long)t_cfg + 20 * SIM_US);
	t_mchk = tl_find_event(r.rw.tl, "mchk", "guest", (unsigned long long)t_cfg, NULL);
	t_crw = tl_find_event(r.rw.tl, "crw", "guest", (unsigned long long)t_cfg, NULL);
	CHECK(t_mchk >= t_cfg && t_mchk <= (long long)since);
	CHECK(t_crw >= t_mchk && t_crw <= (long long)since);
	/* no guest command ran in between */
	CHECK(tl_find_event(r.rw.tl, "cmd", NULL, (unsigned long long)t_cfg, NULL) == -1 ||
	      tl_find_event(r.rw.tl, "cmd", NULL, (unsigned long long)t_cfg, NULL) >
		      (long long)since);
	/* and back: configure on reaches the guest the same way */
	t_on = tl_find_event(r.rw.tl, "chp", "machine", (unsigned long long)t_cfg + 1, NULL);
	st = state(&r, "guest", 0x42, t_on + 100 * SIM_US, &since);
	CHECK(st & TS_PAM);
	CHECK(since >= (unsigned long long)t_on && since <= (unsigned long long)t_on + 20 * SIM_US);
	rec_free(&r);
	free(text);
}

struct res {
	int rc;
	char *out, *err;
};

/* chpsync_main with stdout and stderr captured (as cli_main_test does). */
static struct res cli(int argc, char **argv)
{
	char po[512], pe[512];
	int so, se, fo, fe;
	struct res r;

	snprintf(po, sizeof(po), "%s/tl.out", t_tmpdir());
	snprintf(pe, sizeof(pe), "%s/tl.err", t_tmpdir());
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fo, 1);
	dup2(fe, 2);
	r.rc = chpsync_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	r.out = file_text(po);
	r.err = file_text(pe);
	return r;
}

static void res_free(struct res *r)
{
	free(r->out);
	free(r->err);
}

/* Recording only reads: the same transcript and the same trace lines with
 * and without the recorder. */
TEST(timeline_recording_changes_nothing)
{
	char a[600], b[600], c[600];
	char *argv1[] = {"chpsync", "run", "--trace", a, NULL};
	char *argv2[] = {"chpsync", "run", "--trace", b, "--timeline", c, NULL};
	struct res r1, r2;
	char *ta, *tb;

	snprintf(a, sizeof(a), "%s/plain.trace", t_tmpdir());
	snprintf(b, sizeof(b), "%s/tl.trace", t_tmpdir());
	snprintf(c, sizeof(c), "%s/tl.svg", t_tmpdir());
	r1 = cli(4, argv1);
	r2 = cli(6, argv2);
	CHECK_EQ(r1.rc, 0);
	CHECK_EQ(r2.rc, 0);
	CHECK_STR(r2.err, "");
	CHECK(strstr(r1.out, "Setting device 0.0.3f3f offline") != NULL);
	CHECK_STR(r1.out, r2.out);
	ta = file_text(a);
	tb = file_text(b);
	CHECK(strlen(ta) > 1000);
	CHECK_STR(ta, tb);
	free(ta);
	free(tb);
	res_free(&r1);
	res_free(&r2);
}

/* Equal states merge: a row has a segment per change, not per sample. */
TEST(timeline_rows_merge_equal_states)
{
	struct rec r;
	struct tl_stats st;

	rec_run(&r, default_scenario_name, default_scenario_text);
	tl_stats(r.rw.tl, &st);
	/* 1 device x 4 CHPIDs x 4 layers */
	CHECK_EQ(st.rows, 16);
	for (size_t i = 0; i < r.rw.tl->nrows; i++) {
		const struct tl_row *row = &r.rw.tl->rows[i];

		for (size_t k = 1; k < row->nseg; k++) {
			CHECK(row->seg[k].state != row->seg[k - 1].state);
			CHECK(row->seg[k].t > row->seg[k - 1].t);
		}
	}
	CHECK(st.segments < 200);
	rec_free(&r);
}

/* The picture names every row and marker the run had. */
TEST(timeline_svg_has_rows_markers_and_commands)
{
	struct rec r;
	char *svg = NULL;
	size_t len = 0;
	FILE *f;

	rec_run(&r, default_scenario_name, default_scenario_text);
	f = open_memstream(&svg, &len);
	CHECK_EQ(tl_write_svg(r.rw.tl, f, false), 0);
	fclose(f);
	CHECK(!strncmp(svg, "<?xml", 5));
	CHECK(strstr(svg, "data-layer=\"machine\" data-chpid=\"0.42\"") != NULL);
	CHECK(strstr(svg, "data-layer=\"guest\" data-chpid=\"0.45\"") != NULL);
	CHECK(strstr(svg, "data-layer=\"vmm\" data-chpid=\"0.43\"") != NULL);
	CHECK(strstr(svg, "chpsync=lazy") != NULL);
	CHECK(strstr(svg, "guest# chccwdev -e 3f3f") != NULL);
	CHECK(strstr(svg, "CRW queued at ") != NULL);
	CHECK(strstr(svg, "CRW region drained at ") != NULL);
	CHECK(strstr(svg, "SCHIB region read (a host STSCH) at ") != NULL);
	CHECK(strstr(svg, "channel-report machine check at ") != NULL);
	CHECK(strstr(svg, "path-verification I/O") != NULL);
	CHECK(strstr(svg, "dirty: the host signalled news not yet read") != NULL);
	CHECK(strstr(svg, "machine +3") != NULL); /* the guest's lag: 3 ms */
	free(svg);
	svg = NULL;
	f = open_memstream(&svg, &len);
	CHECK_EQ(tl_write_svg(r.rw.tl, f, true), 0);
	fclose(f);
	CHECK(!strncmp(svg, "<!DOCTYPE html>", 15));
	CHECK(strstr(svg, "<svg ") != NULL);
	/* self-contained: nothing fetched from anywhere */
	CHECK(strstr(svg, "src=") == NULL && strstr(svg, "href=") == NULL &&
	      strstr(svg, "@import") == NULL && strstr(svg, "url(http") == NULL);
	free(svg);
	rec_free(&r);
}

TEST(timeline_option_errors)
{
	char bad[600];
	char *a1[] = {"chpsync", "run", "--timeline", "x.png", NULL};
	char *a2[] = {"chpsync", "run", "--trace-format=xml", NULL};
	char *a3[] = {"chpsync", "run", "--trace-format=chrome", NULL};
	char *a4[] = {"chpsync", "check", "--timeline", "x.svg", "a.scenario", NULL};
	char *a5[] = {"chpsync", "run", "--timeline", bad, NULL};
	struct res r;

	r = cli(4, a1);
	CHECK_EQ(r.rc, 1);
	CHECK(!strncmp(r.err, "chpsync: --timeline: 'x.png' does not end in .svg or .html\n", 59));
	res_free(&r);
	r = cli(3, a2);
	CHECK_EQ(r.rc, 1);
	CHECK(!strncmp(r.err, "chpsync: --trace-format: 'xml' is not text or chrome\n", 52));
	res_free(&r);
	r = cli(3, a3);
	CHECK_EQ(r.rc, 1);
	CHECK(!strncmp(r.err, "chpsync: --trace-format=chrome needs --trace FILE\n", 50));
	res_free(&r);
	r = cli(5, a4);
	CHECK_EQ(r.rc, 1);
	CHECK(!strncmp(r.err, "chpsync: check: --timeline is for run and shell\n", 48));
	res_free(&r);
	/* a path that cannot be written fails before anything runs */
	snprintf(bad, sizeof(bad), "%s/no/such/dir/t.svg", t_tmpdir());
	r = cli(4, a5);
	CHECK_EQ(r.rc, 1);
	CHECK_STR(r.out, "");
	CHECK(strstr(r.err, "no/such/dir/t.svg: No such file or directory") != NULL);
	res_free(&r);
}
