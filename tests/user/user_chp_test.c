/* lschp and chchp against a hand-built /sys (reference §2, §3). */
#include <string.h>

#include "t.h"
#include "user_fixture.h"

#define CHP_HDR                                         \
	"CHPID  Vary  Cfg.  Type  Cmg  Shared  PCHID\n" \
	"===========================================\n"

TEST(lschp_table_matches_the_seed_layout)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "lschp"), CHP_HDR "0.42   1     3     1b    -    -      -     \n"
						 "0.43   1     3     1b    -    -      -     \n"
						 "0.44   1     3     1b    -    -      -     \n"
						 "0.45   1     3     1b    -    -      -     \n");
	CHECK_STR(ufix_run(&f, "lschp 43"),
		  CHP_HDR "0.43   1     3     1b    -    -      -     \n");
	CHECK_STR(ufix_run(&f, "lschp 0.99"), CHP_HDR);
	CHECK_EQ(f.status, 0);
	ufix_fini(&f);
}

TEST(lschp_sorts_numerically_and_formats_pchid)
{
	struct ufix f;

	ufix_init(&f);
	ufix_const(&f, "/sys/devices/css0/chp0.fc/status", "online\n");
	ufix_const(&f, "/sys/devices/css0/chp0.fc/configure", "1\n");
	ufix_const(&f, "/sys/devices/css0/chp0.fc/type", "24\n");
	ufix_const(&f, "/sys/devices/css0/chp0.fc/cmg", "3\n");
	ufix_const(&f, "/sys/devices/css0/chp0.fc/shared", "1\n");
	ufix_const(&f, "/sys/devices/css0/chp0.fc/chid", "0702\n");
	ufix_const(&f, "/sys/devices/css0/chp0.fc/chid_external", "0\n");
	ufix_const(&f, "/sys/devices/css0/chp0.30/status", "offline\n");
	ufix_const(&f, "/sys/devices/css0/chp0.30/configure", "0\n");
	ufix_const(&f, "/sys/devices/css0/chp0.30/type", "1b\n");
	ufix_const(&f, "/sys/devices/css0/chp0.30/chid", "0390\n");
	ufix_const(&f, "/sys/devices/css0/chp0.30/chid_external", "1\n");
	ufix_const(&f, "/sys/devices/css0/chp0.4/status", "online\n");
	CHECK_STR(ufix_run(&f, "lschp"), CHP_HDR "0.04   1     -     -     -    -      -     \n"
						 "0.30   0     0     1b    -    -       0390 \n"
						 "0.fc   1     1     24    3    1      (0702)\n");
	ufix_fini(&f);
}

TEST(lschp_errors)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "lschp 123"), "lschp: 123 is not a valid channel-path ID\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "lschp x.12"), "lschp: x.12 is not a valid channel-path ID\n");
	CHECK_STR(ufix_run(&f, "lschp 42 43"), "lschp: Too many arguments specified\n");
	CHECK_STR(
		ufix_run(&f, "lschp --format xml"),
		"lschp: Unknown format 'xml', supported formats: json json-seq jsonl pairs csv\n\n");
	CHECK_EQ(f.status, 1);
	/* upstream quirk: the value is the argv word */
	CHECK_STR(ufix_run(&f, "lschp --format=json"),
		  "lschp: Unknown format '--format=json', supported formats: json json-seq jsonl "
		  "pairs csv\n\n");
	CHECK_STR(ufix_run(&f, "lschp --format"), "lschp: Option '--format' requires an argument\n"
						  "Try 'lschp --help' for more information.\n");
	ufix_fini(&f);
}

TEST(lschp_format_json)
{
	struct ufix f;
	const char *out;

	ufix_init(&f);
	ufix_host_tree(&f);
	out = ufix_run(&f, "lschp --format json 42");
	CHECK_EQ(f.status, 0);
	CHECK_STR(out, "{\n  \"meta\": {\n    \"api_level\": 1,\n    \"version\": \"2.43.0\",\n"
		       "    \"host\": \"host\",\n    \"time_epoch\": 0,\n"
		       "    \"time\": \"1970-01-01 00:00:00+0000\"\n  },\n"
		       "  \"channel_paths\": [\n    {\n      \"chpid\": \"0.42\",\n"
		       "      \"vary\": 1,\n      \"cfg\": 3,\n      \"type\": 27,\n"
		       "      \"cmg\": null,\n      \"shared\": null,\n      \"pchid\": null\n"
		       "    }\n  ]\n}\n");
	out = ufix_run(&f, "lschp --format json 0.99");
	CHECK(strstr(out, "  \"channel_paths\": [\n  ]\n}\n"));
	ufix_fini(&f);
}

/* libutil's util_fmt (s390-tools 2.43) as lschp calls it: pairs name the
 * row object ("entry") and quote invalid values as ""; csv quotes every
 * value, has no meta columns, and repeats its header when a new key
 * appears (pchid for a path without a CHID, chid and chid_external for one
 * with). */
TEST(lschp_format_pairs_csv_jsonseq)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	ufix_const(&f, "/sys/devices/css0/chp0.46/status", "online\n");
	ufix_const(&f, "/sys/devices/css0/chp0.46/configure", "1\n");
	ufix_const(&f, "/sys/devices/css0/chp0.46/type", "1b\n");
	ufix_const(&f, "/sys/devices/css0/chp0.46/cmg", "2\n");
	ufix_const(&f, "/sys/devices/css0/chp0.46/shared", "1\n");
	ufix_const(&f, "/sys/devices/css0/chp0.46/chid", "0394\n");
	ufix_const(&f, "/sys/devices/css0/chp0.46/chid_external", "1\n");
	CHECK_STR(ufix_run(&f, "lschp --format csv"),
		  "\"chpid\",\"vary\",\"cfg\",\"type\",\"cmg\",\"shared\",\"pchid\"\n"
		  "\"0.42\",\"1\",\"3\",\"27\",\"\",\"\",\"\"\n"
		  "\"0.43\",\"1\",\"3\",\"27\",\"\",\"\",\"\"\n"
		  "\"0.44\",\"1\",\"3\",\"27\",\"\",\"\",\"\"\n"
		  "\"0.45\",\"1\",\"3\",\"27\",\"\",\"\",\"\"\n"
		  "\"chpid\",\"vary\",\"cfg\",\"type\",\"cmg\",\"shared\",\"pchid\",\"chid\","
		  "\"chid_external\"\n"
		  "\"0.46\",\"1\",\"1\",\"27\",\"2\",\"1\",\"\",\"916\",\"true\"\n");
	CHECK_STR(
		ufix_run(&f, "lschp --format pairs 43"),
		"meta.api_level=1\nmeta.version=\"2.43.0\"\nmeta.host=\"host\"\nmeta.time_epoch=0\n"
		"meta.time=\"1970-01-01 00:00:00+0000\"\n"
		"channel_paths[0].entry.chpid=\"0.43\"\n"
		"channel_paths[0].entry.vary=1\nchannel_paths[0].entry.cfg=3\n"
		"channel_paths[0].entry.type=27\nchannel_paths[0].entry.cmg=\"\"\n"
		"channel_paths[0].entry.shared=\"\"\nchannel_paths[0].entry.pchid=\"\"\n");
	CHECK_STR(
		ufix_run(&f, "lschp --format pairs 46"),
		"meta.api_level=1\nmeta.version=\"2.43.0\"\nmeta.host=\"host\"\nmeta.time_epoch=0\n"
		"meta.time=\"1970-01-01 00:00:00+0000\"\n"
		"channel_paths[0].entry.chpid=\"0.46\"\n"
		"channel_paths[0].entry.vary=1\nchannel_paths[0].entry.cfg=1\n"
		"channel_paths[0].entry.type=27\nchannel_paths[0].entry.cmg=2\n"
		"channel_paths[0].entry.shared=1\nchannel_paths[0].entry.chid=916\n"
		"channel_paths[0].entry.chid_external=true\n");
	CHECK_STR(ufix_run(&f, "lschp --format json-seq 0.99"),
		  "\x1e{\"meta\": {\"api_level\": 1,\"version\": \"2.43.0\",\"host\": \"host\","
		  "\"time_epoch\": 0,\"time\": \"1970-01-01 00:00:00+0000\"}}\n\x1e[]\n");
	CHECK_STR(ufix_run(&f, "lschp --format jsonl 45"),
		  "{\"meta\": {\"api_level\": 1,\"version\": \"2.43.0\",\"host\": \"host\","
		  "\"time_epoch\": 0,\"time\": \"1970-01-01 00:00:00+0000\"}}\n"
		  "[{\"chpid\": \"0.45\",\"vary\": 1,\"cfg\": 3,\"type\": 27,\"cmg\": null,"
		  "\"shared\": null,\"pchid\": null}]\n");
	ufix_fini(&f);
}

/* Strings are escaped: JSON per RFC 8259, pairs as libutil does (a line a
 * shell can eval), CSV with "" (a host name may hold any of them). */
TEST(lschp_format_escapes_strings)
{
	struct ufix f;
	const char *out;

	ufix_init(&f);
	ufix_host_tree(&f);
	snprintf(f.os.hostname, sizeof(f.os.hostname), "g\"x\\$`\t\x01\xc3\xa9");
	out = ufix_run(&f, "lschp --format json 42");
	CHECK(strstr(out, "    \"host\": \"g\\\"x\\\\$`\\t\\u0001\xc3\xa9\",\n") != NULL);
	out = ufix_run(&f, "lschp --format pairs 42");
	CHECK(strstr(out, "meta.host=\"g\\\"x\\\\\\$\\`\\t\\x01\\xc3\\xa9\"\n") != NULL);
	ufix_fini(&f);
}

TEST(chchp_configure_writes_configure_and_reports_done)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "chchp -c 0 42"), "Configure standby 0.42... done.\n");
	CHECK_EQ(f.status, 0);
	CHECK_STR(ufix_rw_value(&f, "/sys/devices/css0/chp0.42/configure"), "0");
	CHECK_STR(ufix_run(&f, "chchp -c 1 0.42"), "Configure online 0.42... done.\n");
	CHECK_STR(ufix_run(&f, "chchp -v 0 42-44"),
		  "Vary offline 0.42... done.\nVary offline 0.43... done.\n"
		  "Vary offline 0.44... done.\n");
	CHECK_STR(ufix_rw_value(&f, "/sys/devices/css0/chp0.44/status"), "0");
	CHECK_STR(ufix_run(&f, "chchp -v 1 46-44"),
		  "Skipping unknown channel-path 0.46\nVary online 0.45... done.\n"
		  "Vary online 0.44... done.\n");
	CHECK_EQ(f.status, 0);
	ufix_fini(&f);
}

TEST(chchp_attribute_failures_stop_at_once)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "chchp -a foo=1 42,43"),
		  "Attribute foo=1 0.42... failed - no such attribute\n");
	CHECK_EQ(f.status, 1);
	/* chchp asks access(W_OK), which root passes for any file; the write
	 * to a read-only attribute then fails (s390-tools zconf/chp/chchp.c). */
	CHECK_STR(ufix_run(&f, "chchp -a type=1 42"),
		  "Attribute type=1 0.42... failed - write failed\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "chchp -a configure=1 42"), "Attribute configure=1 0.42... done.\n");
	ufix_fini(&f);
}

TEST(chchp_argument_errors)
{
	struct ufix f;

	ufix_init(&f);
	ufix_host_tree(&f);
	CHECK_STR(ufix_run(&f, "chchp -c 2 42"),
		  "chchp: Invalid value for --configure (only 0 or 1 allowed)\n");
	CHECK_EQ(f.status, 1);
	CHECK_STR(ufix_run(&f, "chchp -v on 42"),
		  "chchp: Invalid value for --vary (only 0 or 1 allowed)\n");
	CHECK_STR(ufix_run(&f, "chchp -v 1 -c 1 42"),
		  "chchp: Only one of --vary, --configure or --attribute allowed\n");
	CHECK_STR(ufix_run(&f, "chchp 42"),
		  "chchp: One of --vary, --configure or --attribute required\n");
	CHECK_STR(ufix_run(&f, "chchp -c 1"),
		  "chchp: Need to specify at least one channel-path ID\n");
	CHECK_STR(ufix_run(&f, "chchp -a foo 42"), "chchp: --attribute requires an argument\n");
	CHECK_STR(ufix_run(&f, "chchp -c 1 42-"),
		  "chchp: Invalid channel-path identifier range 42\n");
	CHECK_STR(ufix_run(&f, "chchp -c 1 42,xyz"),
		  "chchp: Invalid channel-path identifier 'xyz'\n");
	CHECK_STR(ufix_run(&f, "chchp -c 1 100"), "chchp: Invalid channel-path identifier '100'\n");
	CHECK_EQ(f.status, 1);
	/* nothing was written by the rejected lines */
	CHECK_STR(ufix_rw_value(&f, "/sys/devices/css0/chp0.42/configure"), "3\n");
	ufix_fini(&f);
}
