/* Issue 8.4: structured output is valid whatever the names in it hold: a
 * guest named g"x (its host name is in lschp's meta object), checked by a
 * JSON parser when python3 is there (else said skipped). */
#include <stdlib.h>
#include <string.h>

#include "cli/runner.h"
#include "user/node.h"
#include "t.h"

static bool have_python3(void)
{
	return system("python3 -c 'import json' >/dev/null 2>&1") == 0;
}

/* Every JSON text of `text` (split by sep: "" = one text) parses. */
static void check_json(const char *text, const char *how)
{
	char path[512], cmd[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/fmt.json", t_tmpdir());
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\n"
		 "t=open(sys.argv[1],encoding=\"utf-8\").read()\n"
		 "how=sys.argv[2]\n"
		 "parts=[t] if how==\"json\" else "
		 "[r for r in t.split(\"\\x1e\") if r] if how==\"seq\" else "
		 "[l for l in t.split(\"\\n\") if l]\n"
		 "objs=[json.loads(p) for p in parts]\n"
		 "assert objs[0][\"meta\"][\"host\"]==\"g\\\"x\", objs[0]\n' %s %s",
		 path, how);
	if (system(cmd) != 0)
		t_fail(__FILE__, __LINE__, "not valid JSON (%s):\n%s", how, text);
}

TEST(format_json_of_a_guest_named_with_a_quote_is_valid)
{
	struct run_world rw;
	struct run_opts ro = {.err = stderr};
	char err[256], *out = NULL;

	CHECK_EQ(run_world_create(&rw, &ro, 1, false, NULL, "", err, sizeof(err)), 0);
	CHECK_EQ(run_command(&rw, "host", "qemu-system-s390x -name 'g\"x' -daemonize", &out),
		 RUN_OK);
	free(out);
	CHECK_EQ(run_command(&rw, "g\"x", "lschp --format json", &out), RUN_OK);
	CHECK(strstr(out, "\"host\": \"g\\\"x\"") != NULL);
	if (have_python3())
		check_json(out, "json");
	else
		printf("  skipped: python3 not found, lschp --format json not parsed\n");
	free(out);
	CHECK_EQ(run_command(&rw, "g\"x", "lschp --format json-seq", &out), RUN_OK);
	if (have_python3())
		check_json(out, "seq");
	free(out);
	CHECK_EQ(run_command(&rw, "g\"x", "lschp --format jsonl", &out), RUN_OK);
	if (have_python3())
		check_json(out, "lines");
	free(out);
	CHECK_EQ(run_command(&rw, "g\"x", "lschp --format pairs | grep host", &out), RUN_OK);
	CHECK_STR(out, "meta.host=\"g\\\"x\"\n");
	free(out);
	CHECK_EQ(run_world_destroy(&rw), 0);
}
