/* Fuzz target: IOCP decks (docs/iocp.md), the machine's I/O configuration
 * as a user writes it.
 *
 * Input: a deck, optionally followed by a line starting with "*ACTIVATE"
 * and a second deck.  The first deck goes through the runner as a
 * scenario's `#! iocp` deck would: the machine loads it, the host OS boots
 * on it.  The second one is activated on the running machine from the hmc
 * node (dynamic I/O: new paths and devices reach the booted host).
 *
 * Sandbox: every '/' of the input becomes '_', so that IMAGE= names stay
 * in the scratch directory, next to the deck, where one small volume,
 * vol.3390, lies for decks to name.
 *
 * Invariants:
 *   - a deck is either refused with "FILE:LINE: what is wrong" or the host
 *     boots on it (within the runner's time bounds and 20 million events);
 *   - afterwards the host lists its channel paths and subchannels (lschp,
 *     lscss), and the hmc's activate ends, whatever it said. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/runner.h"
#include "dev/eckd.h"
#include "fuzz.h"

const char fuzz_target_name[] = "iocp";

#define INPUT_MAX (64 * 1024)
#define ACTIVATE  "*ACTIVATE"

static struct run_opts opts;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[4200], err[512];

	fuzz_setup();
	opts.err = stderr;
	opts.max_events = 20000000; /* per command, and for the boot */
	snprintf(path, sizeof(path), "%s/vol.3390", fuzz_dir());
	FUZZ_CHECK(eckd_create_image(path, 2, "VOL001", true, err, sizeof(err)) == 0, "%s", err);
	return 0;
}

/* The command must end; what it prints is the deck's business. */
static void must_end(struct run_world *rw, const char *node, const char *cmd)
{
	char *out = NULL;
	enum run_result r = fuzz_command(rw, node, cmd, &out);

	FUZZ_CHECK(r == RUN_OK, "[%s] %s did not end: %s\n%s", node, cmd, run_result_str(r),
		   out ? out : "");
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *second = NULL, err[2048];
	char boot[4096];
	struct run_world rw;
	size_t plen;

	if (size > INPUT_MAX)
		return 0;
	text = fuzz_strndup(data, size);
	for (char *p = text; *p; p++)
		if (*p == '/')
			*p = '_';
	if (!strncmp(text, ACTIVATE, strlen(ACTIVATE)))
		second = text;
	else if ((second = strstr(text, "\n" ACTIVATE)))
		second++;
	if (second)
		fuzz_write_file(fuzz_dir(), "activate.iocp", second, strlen(second));
	snprintf(boot, sizeof(boot), "%s",
		 fuzz_write_file(fuzz_dir(), "boot.iocp", text,
				 second ? (size_t)(second - text) : strlen(text)));
	free(text);

	if (run_world_create(&rw, &opts, RUN_DEFAULT_SEED, false, boot, fuzz_dir(), err,
			     sizeof(err)) < 0) {
		/* Refused: with the deck's name and line. */
		if (fuzz_verbose())
			fprintf(stderr, "refused: %s\n", err);
		plen = strlen(boot);
		FUZZ_CHECK(!strncmp(err, boot, plen) && err[plen] == ':',
			   "a deck was refused without FILE:LINE: %s", err);
		return 0;
	}
	must_end(&rw, "host", "lschp; lscss");
	if (second) {
		must_end(&rw, "hmc", "activate activate.iocp");
		/* The channel reports reach the host: it still lists them. */
		must_end(&rw, "host", "sleep 1; lschp; lscss");
	}
	run_world_destroy(&rw);
	return 0;
}
