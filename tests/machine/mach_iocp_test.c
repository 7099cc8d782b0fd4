/* The IOCP deck: the built-in default, extensions, and bad decks. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/eckd.h"

#include "arch/senseid.h"
#include "mt.h"

static struct machine *new_machine(struct sim **sim)
{
	struct machine_config cfg = {.storage_size = 16 << 20, .workdir = t_tmpdir()};

	*sim = sim_new(1);
	return machine_new(*sim, &cfg);
}

TEST(default_deck_puts_the_3390_on_subchannel_013f_behind_chpids_42_to_45)
{
	struct sim *sim;
	struct machine *m = new_machine(&sim);
	struct css_if css = machine_css(m);
	char err[256] = "";
	struct schib sb;
	struct senseid id;
	struct irb irb;
	uint8_t *mem;

	CHECK_EQ(machine_load_iocp(m, NULL, err, sizeof(err)), 0);
	mem = machine_storage(m)->base;
	CHECK_EQ(css.ops->stsch(css.css, 0x0001013f, A_SCHIB), 0);
	schib_decode(mem + A_SCHIB, &sb);
	CHECK_EQ(sb.pmcw.devno, 0x3f3f);
	CHECK_EQ(sb.pmcw.pim, 0xf0);
	CHECK_EQ(sb.pmcw.pam, 0xf0);
	CHECK_EQ(sb.pmcw.pom, 0xff);
	CHECK_EQ(get_be32(sb.pmcw.chpid), 0x42434445);
	CHECK_EQ(css.ops->stsch(css.css, 0x0001013e, A_SCHIB), 0);
	CHECK_EQ(css.ops->stsch(css.css, 0x00010140, A_SCHIB), 3);
	/* Sense ID through the channel reaches the 3390. */
	sb.pmcw.flags |= PMCW_FLAGS_ENA;
	schib_encode(&sb, mem + A_SCHIB);
	CHECK_EQ(css.ops->msch(css.css, 0x0001013f, A_SCHIB), 0);
	{
		struct ccw1 c = {.cmd = CCW_CMD_SENSE_ID,
				 .flags = CCW_FLAG_SLI,
				 .count = 256,
				 .cda = A_DATA};
		struct orb o = {.ctrl0 = ORB_CTRL0_FMT, .lpm = 0xf0, .cpa = A_CCW};

		ccw1_encode(&c, mem + A_CCW);
		orb_encode(&o, mem + A_ORB);
	}
	CHECK_EQ(css.ops->ssch(css.css, 0x0001013f, A_ORB), 0);
	sim_run(sim);
	CHECK_EQ(css.ops->tsch(css.css, 0x0001013f, A_IRB), 0);
	irb_decode(mem + A_IRB, &irb);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(senseid_decode(mem + A_DATA, 256 - irb.scsw.count, &id), 0);
	CHECK_EQ(id.cu_type, 0x3990);
	CHECK_EQ(id.dev_type, 0x3390);
	machine_free(m);
	sim_free(sim);
}

TEST(deck_extensions_place_test_devices_by_sch_and_schset)
{
	struct sim *sim;
	struct machine *m = new_machine(&sim);
	struct css_if css = machine_css(m);
	char err[256] = "";
	struct schib sb;
	const char *deck = "* comment\n"
			   "\n"
			   "CHPID PATH=(CSS(0),10),TYPE=FC,PCHID=1C0,CMG=2\n"
			   "CHPID PATH=(CSS(0),11),TYPE=OSD,STATE=STANDBY\n"
			   "CNTLUNIT CUNUMBR=0100,PATH=((CSS(0),10,11)),\n"
			   "        UNITADD=((00,16)),UNIT=TEST\n"
			   "IODEVICE ADDRESS=(0100,4),CUNUMBR=(0100),UNIT=TEST,SCHSET=1,SCH=20\n"
			   "IODEVICE ADDRESS=(0104,1),CUNUMBR=(0100),UNIT=TEST   a comment\n";
	uint8_t *mem = machine_storage(m)->base;
	char *st;

	CHECK_EQ(machine_load_iocp_text(m, "t.deck", deck, err, sizeof(err)), 0);
	CHECK_EQ(css.ops->stsch(css.css, schid_word(1, 0x23), A_SCHIB), 0);
	schib_decode(mem + A_SCHIB, &sb);
	CHECK_EQ(sb.pmcw.devno, 0x0103);
	CHECK_EQ(sb.pmcw.pim, 0xc0);
	CHECK_EQ(sb.pmcw.pam, 0x80); /* 11 is standby */
	CHECK_EQ(css.ops->stsch(css.css, schid_word(0, 0), A_SCHIB), 0);
	schib_decode(mem + A_SCHIB, &sb);
	CHECK_EQ(sb.pmcw.devno, 0x0104);
	st = machine_status(m);
	CHECK(strstr(st, "0.10   1b    configured      up      no      01c0") != NULL);
	CHECK(strstr(st, "0.11   11    standby") != NULL);
	free(st);
	machine_free(m);
	sim_free(sim);
}

static void bad_deck(const char *deck, const char *want)
{
	struct sim *sim;
	struct machine *m = new_machine(&sim);
	char err[256] = "";

	CHECK_EQ(machine_load_iocp_text(m, "bad.deck", deck, err, sizeof(err)), -1);
	if (strcmp(err, want))
		t_fail(__FILE__, __LINE__, "got \"%s\", want \"%s\"", err, want);
	machine_free(m);
	sim_free(sim);
}

#define CHP "CHPID PATH=(CSS(0),42),TYPE=FC\n"
#define CU  "CNTLUNIT CUNUMBR=1000,PATH=((CSS(0),42)),UNITADD=((00,16)),UNIT=3990\n"

TEST(bad_iocp_decks_name_file_line_and_what_is_wrong)
{
	bad_deck("FOO BAR=1\n", "bad.deck:1: unknown statement FOO");
	bad_deck(CHP CHP, "bad.deck:2: CHPID 42 is defined twice");
	bad_deck("CHPID PATH=(CSS(0),42),TYPE=XYZ\n", "bad.deck:1: CHPID: unknown TYPE=XYZ");
	bad_deck("CHPID PATH=(CSS(1),42),TYPE=FC\n",
		 "bad.deck:1: only CSS(0) is supported in PATH=");
	bad_deck("CHPID PATH=(CSS(0),4G2),TYPE=FC\n", "bad.deck:1: bad CHPID '4G2' in PATH=");
	bad_deck("CHPID TYPE=FC\n", "bad.deck:1: CHPID: PATH= is required");
	bad_deck("CHPID PATH=(CSS(0),42),TYPE=FC,COLOR=RED\n",
		 "bad.deck:1: CHPID: unknown keyword COLOR=");
	bad_deck("CHPID PATH=((CSS(0),42),TYPE=FC\n",
		 "bad.deck:1: unbalanced parentheses or quotes, or too many operands");
	bad_deck("\n\n" CU, "bad.deck:3: CNTLUNIT 1000: CHPID 42 is not defined");
	bad_deck(CHP CU CU, "bad.deck:3: CNTLUNIT 1000 is defined twice");
	bad_deck(CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(2000),UNIT=3390\n",
		 "bad.deck:3: IODEVICE: CNTLUNIT 2000 is not defined");
	bad_deck(CHP CU "IODEVICE ADDRESS=(1020,1),CUNUMBR=(1000),UNIT=TEST\n",
		 "bad.deck:3: IODEVICE 1020: unit address 20 is outside the UNITADD= of "
		 "CNTLUNIT 1000");
	bad_deck(CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=3480\n",
		 "bad.deck:3: IODEVICE: unsupported UNIT=3480 (3390 or TEST)");
	bad_deck(CHP CU "IODEVICE ADDRESS=(1000,2),CUNUMBR=(1000),UNIT=3390,IMAGE='x'\n",
		 "bad.deck:3: IODEVICE: IMAGE= needs ADDRESS=(xxxx,1)");
	bad_deck(CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=TEST\n"
			"IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=TEST\n",
		 "bad.deck:4: IODEVICE: device 1000 is defined twice");
	bad_deck(CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=TEST,SCH=5\n"
			"IODEVICE ADDRESS=(1001,1),CUNUMBR=(1000),UNIT=TEST,SCH=5\n",
		 "bad.deck:4: IODEVICE 1001: subchannel 0.0005 is already used");
	bad_deck(CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=TEST,SCHSET=4\n",
		 "bad.deck:3: IODEVICE: bad SCHSET=4 (0-3)");
	bad_deck(CHP "CNTLUNIT CUNUMBR=1000,PATH=((CSS(0),42)),UNIT=TEST\n"
		     "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=3390\n",
		 "bad.deck:3: IODEVICE: UNIT=3390 needs a 3990 or 2107 control unit");
	bad_deck(CHP "CNTLUNIT CUNUMBR=1000,\n", "bad.deck:2: statement continues past the end "
						 "of the deck");
	bad_deck(CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=3390A\n",
		 "bad.deck:3: IODEVICE: UNIT=3390A (PAV alias) is not supported");
	bad_deck(CHP CU "IODEVICE ADDRESS=(FFFF,2),CUNUMBR=(1000),UNIT=TEST\n",
		 "bad.deck:3: IODEVICE: ADDRESS= range goes past FFFF");
	/* Binary junk is named, not written raw to the terminal: control
	 * characters and bytes above 0x7e as \xHH. */
	bad_deck(CHP "\x01\x02\xff\xfe\x1b[2J junk\n",
		 "bad.deck:2: unknown statement \\x01\\x02\\xff\\xfe\\x1b[2J");
}

TEST(missing_deck_file_is_reported_with_its_name)
{
	struct sim *sim;
	struct machine *m = new_machine(&sim);
	char err[256] = "";

	CHECK_EQ(machine_load_iocp(m, "/nonexistent/x.deck", err, sizeof(err)), -1);
	CHECK_STR(err, "/nonexistent/x.deck: No such file or directory");
	machine_free(m);
	sim_free(sim);
}

TEST(unusable_image_is_reported_at_the_iodevice_line)
{
	struct sim *sim;
	struct machine *m = new_machine(&sim);
	char err[256] = "", path[512], deck[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/garbage.3390", t_tmpdir());
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("not a ckd image\n", f);
	fclose(f);
	snprintf(deck, sizeof(deck),
		 CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=3390,IMAGE='%s'\n", path);
	CHECK_EQ(machine_load_iocp_text(m, "img.deck", deck, err, sizeof(err)), -1);
	CHECK(strncmp(err, "img.deck:3: ", 12) == 0);
	machine_free(m);
	sim_free(sim);
}

TEST(iocp_column_72_continuation_marks_and_comments_are_ignored)
{
	struct sim *sim;
	struct machine *m = new_machine(&sim);
	char err[256] = "";
	const char *deck =
		"         CHPID PATH=(CSS(0),50),SHARED,                                X\n"
		"               PARTITION=((LP1,LP2)),TYPE=FC                  first path\n"
		"         CNTLUNIT CUNUMBR=5000,PATH=((CSS(0),50)),                     *\n"
		"               UNITADD=((00,256)),UNIT=2107\n"
		"         IODEVICE ADDRESS=(5000,2),CUNUMBR=(5000),UNIT=TEST\n";

	CHECK_EQ(machine_load_iocp_text(m, "c72.deck", deck, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_EQ(machine_css(m).ops->stsch(m, schid_word(0, 1), A_SCHIB), 0);
	CHECK_EQ(get_be16(machine_storage(m)->base + A_SCHIB + 6), 0x5001);
	machine_free(m);
	sim_free(sim);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* A relative IMAGE= names a file next to the deck, as users expect: the
 * deck's volume is used, not a blank one made in the run's work directory
 * (which is the machine's workdir, elsewhere). */
TEST(iocp_relative_image_is_resolved_against_the_decks_directory)
{
	struct sim *sim;
	struct machine *m = new_machine(&sim);
	char err[512] = "", dir[256], path[512], deck[512];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/deckdir", t_tmpdir());
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/vol.3390", dir);
	CHECK_EQ(eckd_create_image(path, 10, "MYVOL1", true, err, sizeof(err)), 0);
	snprintf(deck, sizeof(deck), "%s/rel.iocp", dir);
	write_file(deck, CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=3390,"
				"IMAGE='vol.3390'\n");
	CHECK_EQ(machine_load_iocp(m, deck, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	/* Nothing was made in the work directory. */
	snprintf(path, sizeof(path), "%s/vol.3390", t_tmpdir());
	CHECK(stat(path, &st) != 0);
	/* The device is the 10-cylinder volume next to the deck. */
	CHECK_EQ(machine_css(m).ops->stsch(m, schid_word(0, 0), A_SCHIB), 0);
	CHECK_EQ(get_be16(machine_storage(m)->base + A_SCHIB + 6), 0x1000);
	machine_free(m);
	sim_free(sim);
}

/* A deck that names an image which is missing, truncated or garbage is an
 * error naming the file; nothing is created in its place. */
TEST(iocp_missing_or_bad_image_next_to_the_deck_is_an_error_naming_it)
{
	struct sim *sim;
	struct machine *m;
	char err[512] = "", dir[256], path[320], deck[320], want[1024];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/deckdir2", t_tmpdir());
	mkdir(dir, 0700);
	snprintf(deck, sizeof(deck), "%s/d.iocp", dir);
	/* missing */
	m = new_machine(&sim);
	write_file(deck, CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=3390,"
				"IMAGE='missing.3390'\n");
	CHECK_EQ(machine_load_iocp(m, deck, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:3: IODEVICE 1000: %s/missing.3390: No such file or directory", deck, dir);
	CHECK_STR(err, want);
	snprintf(path, sizeof(path), "%s/missing.3390", dir);
	CHECK(stat(path, &st) != 0);
	machine_free(m);
	sim_free(sim);
	/* garbage */
	m = new_machine(&sim);
	snprintf(path, sizeof(path), "%s/garbage.3390", dir);
	write_file(path, "not a ckd image\n");
	write_file(deck, CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=3390,"
				"IMAGE='garbage.3390'\n");
	CHECK_EQ(machine_load_iocp(m, deck, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: IODEVICE 1000: %s", deck, path);
	CHECK(strncmp(err, want, strlen(want)) == 0);
	machine_free(m);
	sim_free(sim);
	/* truncated: a valid image cut short */
	m = new_machine(&sim);
	snprintf(path, sizeof(path), "%s/cut.3390", dir);
	CHECK_EQ(eckd_create_image(path, 10, "CUT001", false, err, sizeof(err)), 0);
	CHECK_EQ(truncate(path, 4096), 0);
	write_file(deck, CHP CU "IODEVICE ADDRESS=(1000,1),CUNUMBR=(1000),UNIT=3390,"
				"IMAGE='cut.3390'\n");
	CHECK_EQ(machine_load_iocp(m, deck, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: IODEVICE 1000: %s", deck, path);
	CHECK(strncmp(err, want, strlen(want)) == 0);
	machine_free(m);
	sim_free(sim);
}
