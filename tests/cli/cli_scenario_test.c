/* Scenario parser: good files, and every kind of malformed one. */
#include <stdlib.h>

#include "cli/runner.h"
#include "cli/scenario.h"
#include "t.h"

static const char good[] = "# A scenario\n"
			   "#! seed 42\n"
			   "#! iocp decks/two.iocp\n"
			   "#! timeout 90s\n"
			   "\n"
			   "[root@host ~]# lschp\n"
			   "CHPID  Vary\n"
			   "\n"
			   "[    1.000] dmesg-like output line\n"
			   "# between\n"
			   "[root@guest /tmp]#   echo hi   \n"
			   "hi\n"
			   "[root@hmc ~]#\n"
			   "[root@hmc ~]# status\n";

TEST(cli_scenario_parses_items_and_directives)
{
	struct scenario s;
	char err[256];

	CHECK_EQ(scenario_parse(&s, "dir/x.scenario", good, err, sizeof(err)), 0);
	CHECK_EQ(s.nitems, 10);
	CHECK_EQ(s.ncommands, 4);
	CHECK(s.seed_set);
	CHECK_EQ(s.seed, 42);
	CHECK_STR(s.iocp, "dir/decks/two.iocp");
	CHECK_EQ(s.iocp_line, 3);
	CHECK_EQ(s.timeout, 90 * SIM_S);
	CHECK_EQ(s.items[4].kind, SCN_TEXT); /* blank line before the first command */
	CHECK_STR(s.items[4].text, "");
	CHECK_EQ(s.items[5].kind, SCN_COMMAND);
	CHECK_EQ(s.items[5].line, 6);
	CHECK_STR(s.items[5].node, "host");
	CHECK_STR(s.items[5].cmd, "lschp");
	CHECK_EQ(s.items[5].nexpect, 3);
	CHECK_STR(s.items[5].expect[1], "");
	CHECK_STR(s.items[5].expect[2], "[    1.000] dmesg-like output line");
	CHECK_STR(s.items[6].text, "# between");
	CHECK_STR(s.items[7].node, "guest");
	CHECK_STR(s.items[7].cmd, "echo hi");
	CHECK_STR(s.items[7].text, "[root@guest /tmp]#   echo hi   ");
	CHECK_EQ(s.items[7].nexpect, 1);
	CHECK_STR(s.items[8].node, "hmc");
	CHECK_STR(s.items[8].cmd, "");
	CHECK_EQ(s.items[8].nexpect, 0);
	CHECK_STR(s.items[9].cmd, "status");
	scenario_free(&s);
}

TEST(cli_scenario_crlf_reads_like_lf)
{
	struct scenario s;
	char err[256];

	CHECK_EQ(scenario_parse(&s, "x", "# c\r\n[root@host ~]# true\r\nout\r\nlast", err,
				sizeof(err)),
		 0);
	CHECK_EQ(s.nitems, 2);
	CHECK_STR(s.items[0].text, "# c");
	CHECK_STR(s.items[1].cmd, "true");
	CHECK_EQ(s.items[1].nexpect, 2);
	CHECK_STR(s.items[1].expect[0], "out");
	CHECK_STR(s.items[1].expect[1], "last");
	CHECK_STR(s.dir, "");
	scenario_free(&s);
}

/* Parse text that must fail with exactly this message. */
static void bad(const char *text, const char *want)
{
	struct scenario s;
	char err[256];

	CHECK_EQ(scenario_parse(&s, "t.scenario", text, err, sizeof(err)), -1);
	CHECK_STR(err, want);
	CHECK_EQ(s.nitems, 0);
}

TEST(cli_scenario_output_before_first_command)
{
	bad("# c\nhello\n[root@host ~]# ls\n",
	    "t.scenario:2: output line before the first command (expected a "
	    "'[root@NODE ~]# COMMAND' prompt or a '#' comment)");
	/* a dmesg-like line is output, and there is no command yet */
	bad("[   1.0] x\n", "t.scenario:1: output line before the first command (expected a "
			    "'[root@NODE ~]# COMMAND' prompt or a '#' comment)");
}

TEST(cli_scenario_output_after_comment)
{
	bad("[root@host ~]# ls\na\n# c\nb\n",
	    "t.scenario:4: output line after a comment (a command's expected output must "
	    "follow its prompt line directly)");
}

TEST(cli_scenario_malformed_prompts)
{
	bad("[root@host]# ls\n",
	    "t.scenario:1: malformed prompt: expected ' DIR]# ' after the node name");
	bad("[root@ ~]# ls\n", "t.scenario:1: malformed prompt: expected a node name after '@'");
	bad("[root@host ~]$ ls\n", "t.scenario:1: malformed prompt: expected '#' after ']' "
				   "(only root prompts are supported)");
	bad("[root@host ~]#ls\n",
	    "t.scenario:1: malformed prompt: expected a blank between ']#' and the command");
	bad("[root@host ~\n", "t.scenario:1: malformed prompt: expected 'DIR]# ' after the node "
			      "name");
	/* even inside a command's output a broken prompt is an error */
	bad("[root@host ~]# ls\n[root@guest~]# ls\n",
	    "t.scenario:2: malformed prompt: expected ' DIR]# ' after the node name");
}

TEST(cli_scenario_bad_directives)
{
	bad("#! colour blue\n[root@host ~]# ls\n",
	    "t.scenario:1: unknown directive 'colour' (known: iocp, seed, timeout, debug, "
	    "host-driver, varies, timing, think)");
	bad("#! host-driver linux\n[root@host ~]# ls\n",
	    "t.scenario:1: host-driver: 'linux' is not chpsync or upstream");
	bad("#! varies\n[root@host ~]# ls\n", "t.scenario:1: varies: expected an argument");
	bad("#! varies a(b\n[root@host ~]# ls\n",
	    "t.scenario:1: varies: bad regular expression 'a(b': Unmatched ( or \\(");
	bad("#! debug yes\n[root@host ~]# ls\n", "t.scenario:1: debug: takes no argument");
	bad("#! seed x12\n[root@host ~]# ls\n", "t.scenario:1: seed: 'x12' is not a number");
	bad("#! seed -1\n[root@host ~]# ls\n", "t.scenario:1: seed: '-1' is not a number");
	bad("#! seed 18446744073709551616\n[root@host ~]# ls\n",
	    "t.scenario:1: seed: '18446744073709551616' is out of range (0 to "
	    "18446744073709551615)");
	bad("#! seed 1\n#! seed 2\n[root@host ~]# ls\n", "t.scenario:2: seed given twice");
	/* Binary junk in the file is named, not written raw to the terminal. */
	bad("#! seed \x1b[2J\x01\xff\n[root@host ~]# ls\n",
	    "t.scenario:1: seed: '\\x1b[2J\\x01\\xff' is not a number");
	bad("#! fr\x07ob\n[root@host ~]# ls\n",
	    "t.scenario:1: unknown directive 'fr\\x07ob' (known: iocp, seed, timeout, debug, "
	    "host-driver, varies, timing, think)");
	bad("#! iocp\n[root@host ~]# ls\n", "t.scenario:1: iocp: expected exactly one argument");
	bad("#! iocp a b\n[root@host ~]# ls\n",
	    "t.scenario:1: iocp: expected exactly one argument");
	bad("#! timeout 0\n[root@host ~]# ls\n",
	    "t.scenario:1: timeout: '0' is not a duration (e.g. 90s, 500ms, 2h)");
	bad("#! timeout 5 days\n[root@host ~]# ls\n",
	    "t.scenario:1: timeout: expected exactly one argument");
	bad("#!\n[root@host ~]# ls\n",
	    "t.scenario:1: empty directive (expected '#! iocp FILE', '#! seed N', "
	    "'#! timeout DURATION', '#! debug', '#! host-driver NAME', '#! varies REGEX', "
	    "'#! timing ficon|zero' or '#! think DURATION')");
	bad("[root@host ~]# ls\n#! seed 3\n",
	    "t.scenario:2: directive 'seed' after the first command (directives must come "
	    "first)");
	bad("#! timing fast\n[root@host ~]# ls\n",
	    "t.scenario:1: timing: 'fast' is not ficon or zero");
	bad("#! timing zero\n#! timing ficon\n[root@host ~]# ls\n",
	    "t.scenario:2: timing given twice");
	bad("[root@host ~]# ls\n#! timing zero\n",
	    "t.scenario:2: directive 'timing' after the first command (directives must come "
	    "first)");
	bad("#! think soon\n[root@host ~]# ls\n",
	    "t.scenario:1: think: 'soon' is not a duration (e.g. 0, 2s, 500ms)");
	bad("#! think -1\n[root@host ~]# ls\n",
	    "t.scenario:1: think: '-1' is not a duration (e.g. 0, 2s, 500ms)");
	bad("#! think 0.5\n[root@host ~]# ls\n",
	    "t.scenario:1: think: '0.5' is not a duration (e.g. 0, 2s, 500ms)");
}

/* '#! timing' sets the model; '#! think' may come anywhere and holds from
 * its line on (the runner applies it in order). */
TEST(cli_scenario_timing_and_think_directives)
{
	static const char text[] = "#! timing zero\n"
				   "#! think 0\n"
				   "[root@host ~]# ls\n"
				   "#! think 500ms\n"
				   "[root@host ~]# ls\n"
				   "# plain comment\n"
				   "#! think 0s\n";
	struct scenario s;
	char err[256];

	CHECK_EQ(scenario_parse(&s, "t.scenario", text, err, sizeof(err)), 0);
	CHECK(s.timing_set);
	CHECK_EQ(s.timing, MACHINE_TIMING_ZERO);
	CHECK_EQ(s.nitems, 7);
	CHECK(!s.items[0].think_set);
	CHECK(s.items[1].think_set);
	CHECK_EQ(s.items[1].think, 0);
	CHECK(s.items[3].think_set);
	CHECK_EQ(s.items[3].think, 500 * SIM_MS);
	CHECK(!s.items[5].think_set);
	CHECK(s.items[6].think_set);
	CHECK_EQ(s.items[6].think, 0);
	scenario_free(&s);
	CHECK_EQ(scenario_parse(&s, "t.scenario", "[root@host ~]# ls\n", err, sizeof(err)), 0);
	CHECK(!s.timing_set);
	CHECK_EQ(s.timing, MACHINE_TIMING_FICON);
	scenario_free(&s);
}

TEST(cli_scenario_host_driver_directive)
{
	struct scenario s;
	char err[256];

	CHECK_EQ(scenario_parse(&s, "t.scenario", "#! host-driver upstream\n[root@host ~]# ls\n",
				err, sizeof(err)),
		 0);
	CHECK(s.upstream);
	scenario_free(&s);
	CHECK_EQ(scenario_parse(&s, "t.scenario", "#! host-driver chpsync\n[root@host ~]# ls\n",
				err, sizeof(err)),
		 0);
	CHECK(!s.upstream);
	scenario_free(&s);
}

TEST(cli_scenario_without_commands)
{
	bad("", "t.scenario: no commands (expected '[root@NODE ~]# COMMAND' lines)");
	bad("# only a comment\n\n",
	    "t.scenario: no commands (expected '[root@NODE ~]# COMMAND' lines)");
}

TEST(cli_scenario_load_errors)
{
	struct scenario s;
	char err[256], path[512];
	FILE *f;

	CHECK_EQ(scenario_load(&s, "/nonexistent/x.scenario", err, sizeof(err)), -1);
	CHECK_STR(err, "/nonexistent/x.scenario: No such file or directory");
	snprintf(path, sizeof(path), "%s/nul.scenario", t_tmpdir());
	f = fopen(path, "wb");
	CHECK(f != NULL);
	fwrite("[root@host ~]# ls\nab\0c\n", 1, 23, f);
	fclose(f);
	CHECK_EQ(scenario_load(&s, path, err, sizeof(err)), -1);
	CHECK(strstr(err, "nul.scenario:2: NUL byte (not a text file)") != NULL);
}

TEST(cli_prompt_parse_fields)
{
	struct prompt p;
	const char *why;

	CHECK_EQ(prompt_parse("[root@guest-1.x ~/d]# ls -l  ", &p, &why), 1);
	CHECK_STR(p.user, "root");
	CHECK_STR(p.node, "guest-1.x");
	CHECK_STR(p.dir, "~/d");
	CHECK_EQ(p.cmdlen, 5);
	CHECK_EQ(prompt_parse("plain", &p, &why), 0);
	CHECK_EQ(prompt_parse("[ 0.1] x", &p, &why), 0);
	CHECK_EQ(prompt_parse("[x] y", &p, &why), 0);
	CHECK_EQ(prompt_parse("[root@host ~]# ", &p, &why), 1);
	CHECK_EQ(p.cmdlen, 0);
	CHECK_EQ(prompt_parse("[root@host ~]#", &p, &why), 1);
	CHECK_EQ(p.cmdlen, 0);
}

TEST(cli_parse_duration_units)
{
	sim_time_t t;

	CHECK_EQ(parse_duration("90", &t), 0);
	CHECK_EQ(t, 90 * SIM_S);
	CHECK_EQ(parse_duration("500ms", &t), 0);
	CHECK_EQ(t, 500 * SIM_MS);
	CHECK_EQ(parse_duration("2h", &t), 0);
	CHECK_EQ(t, 7200 * SIM_S);
	CHECK_EQ(parse_duration("3m", &t), 0);
	CHECK_EQ(t, 180 * SIM_S);
	CHECK_EQ(parse_duration("1x", &t), -1);
	CHECK_EQ(parse_duration("-1", &t), -1);
	CHECK_EQ(parse_duration("", &t), -1);
	CHECK_EQ(parse_duration("99999999999999999999h", &t), -1);
	CHECK_EQ(parse_duration("0", &t), -1);
	CHECK_EQ(parse_duration0("0", &t), 0);
	CHECK_EQ(t, 0);
	CHECK_EQ(parse_duration0("000ms", &t), 0);
	CHECK_EQ(t, 0);
	CHECK_EQ(parse_duration0("2s", &t), 0);
	CHECK_EQ(t, 2 * SIM_S);
	CHECK_EQ(parse_duration0("0x", &t), -1);
	CHECK_EQ(parse_duration0("", &t), -1);
}

/* The built-in default must stay the input of the cover letter's golden
 * (tests/scenarios/seed-example.scenario, the copy of the letter's
 * transcript): same comments and prompt lines in the same order. */
TEST(cli_default_scenario_is_the_golden_input)
{
	struct scenario def, gold;
	char err[256];

	CHECK_EQ(scenario_load(&gold, "tests/scenarios/seed-example.scenario", err, sizeof(err)),
		 0);
	CHECK_EQ(scenario_parse(&def, default_scenario_name, default_scenario_text, err,
				sizeof(err)),
		 0);
	CHECK_EQ(def.nitems, gold.nitems);
	CHECK_EQ(def.ncommands, gold.ncommands);
	for (size_t i = 0; i < def.nitems; i++) {
		CHECK_STR(def.items[i].text, gold.items[i].text);
		CHECK_EQ(def.items[i].nexpect, 0);
	}
	scenario_free(&def);
	scenario_free(&gold);
}
