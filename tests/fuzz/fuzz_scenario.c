/* Fuzz target: scenario files through the runner (`chpsync run FILE`).
 *
 * Input: the text of a scenario file.  The target adds one last command,
 * `[root@host ~]# echo fuzz-alive`, writes the file into its scratch
 * directory (where copies of the example decks lie, so that `#! iocp` and
 * the hmc's `activate` find them) and runs it as `chpsync run` does.
 *
 * Invariants:
 *   - the run ends (the runner's bounds on simulated time, and 4 million
 *     events per command) with a transcript, or with
 *     "chpsync: FILE:LINE: what is wrong";
 *   - when the scenario got as far as the added command, the host answered
 *     it: a fuzzed scenario may fail, but it must not leave the host unable
 *     to run a command (a time cap below a second aside, which may cut off
 *     even echo). */
#include <stdlib.h>
#include <string.h>

#include "cli/runner.h"
#include "cli/scenario.h"
#include "fuzz.h"

const char fuzz_target_name[] = "scenario";

#define INPUT_MAX (64 * 1024)
/* Events per command: a command that needs more (a whole-volume read
 * 4 bytes at a time moves the clock, so the runner would let it go on for
 * hours of real time) is stopped as a livelock. */
#define MAX_EVENTS 4000000
#define ALIVE_CMD  "echo fuzz-alive"
#define ALIVE_LINE "\n[root@host ~]# " ALIVE_CMD "\n"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const decks[] = {"tests/scenarios", "examples", NULL};

	fuzz_setup();
	fuzz_copy_files(decks, ".iocp");
	return 0;
}

/* The added command is the scenario's last item (an input with a NUL byte
 * ends where the NUL is, and then it is not there). */
static const struct scn_item *alive_item(const struct scenario *s)
{
	const struct scn_item *it = s->nitems ? &s->items[s->nitems - 1] : NULL;

	if (it && it->kind == SCN_COMMAND && !strcmp(it->node, "host") &&
	    !strcmp(it->cmd, ALIVE_CMD))
		return it;
	return NULL;
}

static void check_alive(const struct scenario *s, int rc, const char *out, const char *err)
{
	const struct scn_item *it = alive_item(s);
	const char *tail;
	char where[64];

	if (!it)
		return;
	if (rc == 0) {
		tail = strstr(out, "]# " ALIVE_CMD "\n");
		while (tail && strstr(tail + 1, "]# " ALIVE_CMD "\n"))
			tail = strstr(tail + 1, "]# " ALIVE_CMD "\n");
		FUZZ_CHECK(tail && strstr(tail, "\nfuzz-alive\n"),
			   "the host did not answer echo after the scenario:\n%s", out);
		return;
	}
	/* The run stopped: not at the added command, unless a time cap below
	 * a second stopped it there. */
	snprintf(where, sizeof(where), ":%d: ", it->line);
	FUZZ_CHECK(!strstr(err, where) ||
			   (s->timeout < SIM_S && strstr(err, "did not complete within")),
		   "the host did not answer echo after the scenario: %s", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run_opts o = {0};
	struct scenario s;
	char *text, *out = NULL, *err = NULL, perr[1024];
	size_t outlen = 0, errlen = 0;
	const char *path;
	FILE *fout, *ferr;
	int rc;

	if (size > INPUT_MAX)
		return 0;
	text = malloc(size + sizeof(ALIVE_LINE));
	if (!text)
		return 0;
	memcpy(text, data, size);
	memcpy(text + size, ALIVE_LINE, sizeof(ALIVE_LINE));
	path = fuzz_write_file(fuzz_dir(), "fuzz.scenario", text, size + strlen(ALIVE_LINE));
	free(text);

	if (scenario_load(&s, path, perr, sizeof(perr)) < 0) {
		FUZZ_CHECK(!strncmp(perr, path, strlen(path)) && perr[strlen(path)] == ':',
			   "a scenario was refused without FILE:LINE: %s", perr);
		return 0;
	}
	fout = open_memstream(&out, &outlen);
	ferr = open_memstream(&err, &errlen);
	FUZZ_CHECK(fout && ferr, "out of memory");
	o.err = ferr;
	o.max_events = MAX_EVENTS;
	rc = run_scenario(&s, &o, fout);
	fclose(fout);
	fclose(ferr);
	FUZZ_CHECK(rc == 0 || !strncmp(err, "chpsync: ", 9),
		   "a failed run without \"chpsync: ...\": rc %d, \"%s\"", rc, err);
	check_alive(&s, rc, out, err);
	free(out);
	free(err);
	scenario_free(&s);
	return 0;
}
