/* Fuzz target: shell command lines on the nodes of a running world (the
 * shell's parser, its builtins, and every program's arguments).
 *
 * Input: lines.  "@NODE COMMAND" runs COMMAND on NODE (hmc, or a guest
 * that an earlier line started with qemu-system-s390x -name NODE); any
 * other line runs on the host.  The world is the built-in default one
 * (`chpsync run` without a deck), booted afresh for each input.
 *
 * Invariants:
 *   - every line ends within the runner's bounds (here tightened: 2 million
 *     events in all, 200000 at one instant, an hour of simulated time), or
 *     the runner gives it up with its result;
 *   - afterwards the host still runs `echo fuzz-alive` and prints it. */
#include <stdlib.h>
#include <string.h>

#include "cli/runner.h"
#include "fuzz.h"

const char fuzz_target_name[] = "shell";

#define INPUT_MAX (16 * 1024)
#define MAX_LINES 64

static struct run_opts opts;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setup();
	opts.err = stderr;
	opts.max_events = 2000000;
	return 0;
}

static void run_line(struct run_world *rw, char *line)
{
	const char *node = "host";
	char *out = NULL;

	if (line[0] == '@') {
		char *sp = strchr(line, ' ');

		node = line + 1;
		if (sp) {
			*sp = '\0';
			line = sp + 1;
		} else {
			line += strlen(line);
		}
	}
	fuzz_command(rw, node, line, &out);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *line, *next, err[1024], *out = NULL;
	struct run_world rw;
	enum run_result r;
	int n = 0;

	if (size > INPUT_MAX)
		return 0;
	text = fuzz_strndup(data, size);
	FUZZ_CHECK(run_world_create(&rw, &opts, RUN_DEFAULT_SEED, false, NULL, fuzz_dir(), err,
				    sizeof(err)) == 0,
		   "the default world did not come up: %s", err);
	rw.max_events_still = 200000;
	for (line = text; line && n < MAX_LINES; line = next, n++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		run_line(&rw, line);
	}
	r = fuzz_command(&rw, "host", "echo fuzz-alive", &out);
	FUZZ_CHECK(r == RUN_OK && out && strstr(out, "fuzz-alive\n"),
		   "the host did not answer echo afterwards: %s\n%s", run_result_str(r),
		   out ? out : "");
	free(out);
	run_world_destroy(&rw);
	free(text);
	return 0;
}
