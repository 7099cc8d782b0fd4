/* Shared parts of the fuzz targets (docs/fuzzing.md).
 *
 * Every target is a libFuzzer entry point, LLVMFuzzerTestOneInput(), with
 * LLVMFuzzerInitialize() for the work done once.  `make fuzz` links them
 * with libFuzzer under ASan + UBSan; `make check` links the same file with
 * tests/fuzz/replay.c (any compiler) and runs every corpus entry once.
 *
 * A target states its invariants with FUZZ_CHECK: a broken one aborts with
 * "fuzz: TARGET: what broke", which libFuzzer reports as a crash and the
 * replay driver as a failed entry.  The invariants every target keeps:
 *   - no sanitizer report (the sanitizers check that);
 *   - no hang past a bound: each target bounds simulated time and the
 *     number of events it lets run, and libFuzzer's -timeout bounds the
 *     rest;
 *   - the system under test still serves a good request afterwards.
 */
#ifndef CHPSYNC_TESTS_FUZZ_H
#define CHPSYNC_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/runner.h"
#include "sim/sim.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's name, for messages (each target defines it). */
extern const char fuzz_target_name[];

void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#define FUZZ_CHECK(cond, ...)                   \
	do {                                    \
		if (!(cond))                    \
			fuzz_fail(__VA_ARGS__); \
	} while (0)

/* Once per process: a private scratch directory (also exported as TMPDIR,
 * so that the runner's work directories land in it), stdout to /dev/null
 * (the programs under test print there).  Returns the directory. */
const char *fuzz_setup(void);
const char *fuzz_dir(void);
/* Remove everything below dir (not dir itself). */
void fuzz_empty_dir(const char *dir);
/* Write len bytes to dir/name (fuzz_fail on any error); returns the path in
 * a static buffer that the next call reuses. */
const char *fuzz_write_file(const char *dir, const char *name, const void *data, size_t len);
/* NUL-terminated malloc'd copy of the input. */
char *fuzz_strndup(const uint8_t *data, size_t size);
/* Copy the files dir/NAME.EXT of each source directory (relative to the
 * current directory; missing ones are skipped) into fuzz_dir(). */
void fuzz_copy_files(const char *const *dirs, const char *ext);

/* FUZZ_VERBOSE=1 in the environment: targets show on stderr what the
 * system under test answered (to read what a corpus entry does). */
bool fuzz_verbose(void);
/* Run a command on a node of a world built by the runner, show it when
 * verbose, and return its result. */
enum run_result fuzz_command(struct run_world *rw, const char *node, const char *cmd, char **out);

/* Run the world for `ns` of simulated time, or until `max_events` events
 * have run: returns false when the event bound cut it short (a livelock:
 * the world keeps busy without simulated time passing). */
bool fuzz_run_for(struct sim *sim, sim_time_t ns, uint64_t max_events);

/* A reader over the input: reads past the end give zeros. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline bool fz_more(const struct fz *f)
{
	return f->n > 0;
}

static inline uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t hi = fz_u8(f);

	return (uint16_t)(hi << 8 | fz_u8(f));
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint32_t hi = fz_u16(f);

	return hi << 16 | fz_u16(f);
}

/* Copy len bytes into buf, zero-filled past the end of the input. */
static inline void fz_bytes(struct fz *f, void *buf, size_t len)
{
	uint8_t *b = buf;

	for (size_t i = 0; i < len; i++)
		b[i] = fz_u8(f);
}

#endif
