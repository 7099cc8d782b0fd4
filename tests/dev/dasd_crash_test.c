/* Crash consistency of the CKD image store: a process writing 4 KB blocks
 * at random places of a sparse volume (most first writes to a track fill a
 * hole, i.e. store the whole track) is killed with SIGKILL at random
 * instants, again and again on the same image.  After every kill:
 *   - `chpsync dasd check` says the image is ok (every track well formed);
 *   - every block whose write was acknowledged holds that data;
 *   - the block being written when the kill came holds the old or the new
 *     data, never a mix, and the other blocks of its track are untouched
 *     (a block never written reads back as zeros, not as an I/O error).
 * CHPSYNC_CRASH_ROUNDS=N runs N kills (default 25); CHPSYNC_CRASH_REPORT=1
 * prints the figures and counts problems instead of stopping at the first.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dasd_util.h"
#include "dev/eckd.h"
#include "t.h"

#define CRASH_CYLS   400
#define CRASH_FIRST  24		 /* track 2: the first data track */
#define CRASH_BLOCKS (4000 * 12) /* tracks 2 .. 4001 */
#define CEDE	     0x0c

struct note {
	uint32_t kind; /* 'B' before the write, 'D' when it was acknowledged */
	uint32_t blk;
	uint64_t seq;
};

static uint64_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 17;
}

/* The 4 KB of write `seq` to block `blk`: both are in every 16 bytes. */
static void stamp(uint8_t *buf, uint32_t blk, uint64_t seq)
{
	for (int i = 0; i < 4096; i += 16) {
		memcpy(buf + i, &seq, 8);
		memcpy(buf + i + 8, &blk, 4);
		memcpy(buf + i + 12, &i, 4);
	}
}

static void writer(const char *image, uint64_t seed, uint64_t seq, int fd)
{
	struct ccwdev *d = dasd_open(NULL, image, false);
	uint8_t buf[4096];

	for (;;) {
		struct note n = {'B', (uint32_t)(CRASH_FIRST + rnd(&seed) % CRASH_BLOCKS), ++seq};

		stamp(buf, n.blk, n.seq);
		if (write(fd, &n, sizeof(n)) != sizeof(n))
			_exit(5);
		if (dasd_rw_blocks(d, 0x42, true, n.blk, 1, buf) != CEDE) {
			uint8_t sn[32];

			dasd_sense(d, 0x42, sn);
			fprintf(stderr, "writer: block %u: %s sense %02x %02x %02x seq %llu\n",
				n.blk, eckd_error(d), sn[0], sn[1], sn[7],
				(unsigned long long)n.seq);
			_exit(6);
		}
		n.kind = 'D';
		if (write(fd, &n, sizeof(n)) != sizeof(n))
			_exit(5);
	}
}

struct crash_stats {
	int kills, writes, inflight_new, inflight_old, check_failed, bad_blocks, writer_failed;
	int torn_kills; /* kills after which a block of a written track was bad */
};

/* Which write a block holds: its seq, 0 for zeros, UINT64_MAX for
 * anything else (torn, or another block's data). */
static uint64_t holds(const uint8_t *buf, uint32_t blk)
{
	uint8_t want[4096];
	uint64_t seq;

	for (int i = 0; i < 4096; i++)
		if (buf[i])
			goto data;
	return 0;
data:
	memcpy(&seq, buf, 8);
	stamp(want, blk, seq);
	return memcmp(buf, want, 4096) ? UINT64_MAX : seq;
}

TEST(ckd_sigkill_at_random_instants_leaves_every_track_old_or_new)
{
	const char *p = dasd_tmp("crash.3390");
	const char *rounds_env = getenv("CHPSYNC_CRASH_ROUNDS");
	bool report = getenv("CHPSYNC_CRASH_REPORT") != NULL;
	int rounds = rounds_env ? atoi(rounds_env) : 25;
	uint64_t *model = calloc(CRASH_BLOCKS + CRASH_FIRST, sizeof(*model));
	uint64_t seed = 20240607, seq = 0;
	struct crash_stats st = {0};
	char err[600], out[4096];

	CHECK(model != NULL);
	CHECK_EQ(eckd_create_image(p, CRASH_CYLS, "CRASH1", true, err, sizeof(err)), 0);
	for (int round = 0; round < rounds; round++) {
		const char *check[] = {"dasd", "check", p, NULL};
		struct timespec ts = {0, (long)(1000000 + rnd(&seed) % 12000000)};
		struct note n, inflight = {0};
		uint32_t touched[4096];
		int fds[2], status, ntouched = 0, bad_before;
		struct ccwdev *d;
		pid_t pid;

		CHECK_EQ(pipe(fds), 0);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			writer(p, seed + (uint64_t)round, seq, fds[1]);
		}
		close(fds[1]);
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
			st.writer_failed++;
			if (!report)
				t_fail(__FILE__, __LINE__, "writer ended with status 0x%x", status);
		}
		/* The writer's notes: acknowledged writes, and the one in
		 * flight (a 'B' without its 'D'). */
		while (read(fds[0], &n, sizeof(n)) == sizeof(n)) {
			if (n.kind == 'B') {
				inflight = n;
				if (ntouched < 4096)
					touched[ntouched++] = n.blk;
			} else {
				model[n.blk] = n.seq;
				inflight.kind = 0;
				st.writes++;
			}
			seq = n.seq;
		}
		close(fds[0]);
		st.kills++;

		/* The volume tool's verdict comes first, before anything
		 * opens the image for writing. */
		if (dasd_tool(out, sizeof(out), check) != 0 || !strstr(out, ": ok,")) {
			st.check_failed++;
			if (!report)
				t_fail(__FILE__, __LINE__, "round %d: dasd check: %s", round, out);
		}
		d = dasd_open(NULL, p, false);
		bad_before = st.bad_blocks;
		for (int i = 0; i < ntouched; i++) {
			uint32_t first = touched[i] / 12 * 12;
			uint8_t buf[4096];

			for (uint32_t b = first; b < first + 12; b++) {
				uint8_t ds = dasd_rw_blocks(d, 0x42, false, b, 1, buf);
				uint64_t got = ds == CEDE ? holds(buf, b) : UINT64_MAX;

				if (inflight.kind && b == inflight.blk &&
				    (got == inflight.seq || got == model[b])) {
					if (got == inflight.seq) {
						st.inflight_new++;
						model[b] = got;
					} else {
						st.inflight_old++;
					}
					inflight.kind = 0;
					continue;
				}
				if (got == model[b])
					continue;
				st.bad_blocks++;
				if (!report)
					t_fail(__FILE__, __LINE__,
					       "round %d: block %u (track %u record %u): dstat %02x, "
					       "holds %lld, want %llu%s",
					       round, b, b / 12, b % 12 + 1, ds, (long long)got,
					       (unsigned long long)model[b],
					       inflight.blk == b ? " or the write in flight" : "");
				model[b] = got == UINT64_MAX ? 0 : got;
			}
		}
		d->ops->destroy(d);
		st.torn_kills += st.bad_blocks > bad_before;
	}
	if (report)
		fprintf(stderr,
			"crash: %d kills, %d acknowledged writes, in flight at the kill: %d new "
			"%d old; %d kills left bad blocks (%d in all); dasd check failed %d times; "
			"the writer met a bad track %d times\n",
			st.kills, st.writes, st.inflight_new, st.inflight_old, st.torn_kills,
			st.bad_blocks, st.check_failed, st.writer_failed);
	CHECK_EQ(st.check_failed, 0);
	CHECK_EQ(st.bad_blocks, 0);
	CHECK_EQ(st.writer_failed, 0);
	free(model);
	unlink(p);
}
