/* Dynamic I/O reconfiguration: a deck activated on a running machine
 * reports what it adds with channel reports. */
#include "mt.h"

/* mt world (bound OS, CHPIDs 42-45, test device on 0.0.0000) plus a
 * first deck, activated before anything else happens. */
static const char add_deck[] =
	"CHPID PATH=(CSS(0),50),TYPE=FC\n"
	"CNTLUNIT CUNUMBR=5000,PATH=((CSS(0),50)),UNITADD=((00,16)),UNIT=TEST\n"
	"IODEVICE ADDRESS=(5000,1),CUNUMBR=(5000),UNIT=TEST,SCH=140\n"
	"IODEVICE ADDRESS=(5001,1),CUNUMBR=(5000),UNIT=TEST,SCHSET=1,SCH=7\n";

TEST(activate_on_a_running_machine_queues_chp_then_subchannel_crws)
{
	struct mt w;
	char err[256] = "";
	int cc;

	mt_init(&w, 1, 0);
	CHECK_EQ(machine_load_iocp_text(w.m, "add.deck", add_deck, err, sizeof(err)), 0);
	CHECK_EQ(w.nmchk, 0); /* never from inside the call */
	sim_run(w.sim);
	CHECK_EQ(w.nmchk, 1);
	/* New CHPID: RSC 4, ERC 4 (installed parameters initialized). */
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04040050);
	/* New subchannel 0.0.0140: RSC 3, ERC 4, RSID = sch number. */
	CHECK_EQ(mt_stcrw(&w, &cc), 0x03040140);
	/* 0.1.0007: C set, then the chained CRW with ssid << 4. */
	CHECK_EQ(mt_stcrw(&w, &cc), 0x13040007);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x03040010);
	CHECK_EQ(mt_stcrw(&w, &cc), 0);
	CHECK_EQ(cc, 1);
	/* The new subchannel is there for STSCH. */
	CHECK_EQ(mt_stsch(&w, schid_word(0, 0x140), NULL), 0);
	CHECK_EQ(mt_stsch(&w, schid_word(1, 7), NULL), 0);
	mt_fini(&w);
}

TEST(activate_reports_only_what_the_deck_adds)
{
	struct mt w;
	char err[256] = "";
	const char *again =
		"CHPID PATH=(CSS(0),51),TYPE=FC\n"
		"CHPID PATH=(CSS(0),53),TYPE=FC,STATE=STANDBY\n"
		"CNTLUNIT CUNUMBR=5100,PATH=((CSS(0),50,51)),UNITADD=((00,16)),UNIT=TEST\n"
		"IODEVICE ADDRESS=(5100,1),CUNUMBR=(5100),UNIT=TEST\n";
	int cc;

	mt_init(&w, 1, 0);
	CHECK_EQ(machine_load_iocp_text(w.m, "add.deck", add_deck, err, sizeof(err)), 0);
	sim_run(w.sim);
	while (mt_stcrw(&w, &cc))
		;
	CHECK_EQ(machine_load_iocp_text(w.m, "again.deck", again, err, sizeof(err)), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nmchk, 2);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04040051);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x03040141); /* the one after 0140 */
	CHECK_EQ(mt_stcrw(&w, &cc), 0);		 /* nothing for 53: standby */
	mt_fini(&w);
}

TEST(a_deck_that_fails_part_way_reports_what_it_added_before_the_bad_line)
{
	struct mt w;
	char err[256] = "";
	const char *deck = "CHPID PATH=(CSS(0),52),TYPE=FC\n"
			   "CHPID PATH=(CSS(0),52),TYPE=FC\n";
	int cc;

	mt_init(&w, 1, 0);
	CHECK_EQ(machine_load_iocp_text(w.m, "bad.deck", deck, err, sizeof(err)), -1);
	CHECK(strstr(err, "bad.deck:2:") != NULL);
	sim_run(w.sim);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04040052);
	CHECK_EQ(mt_stcrw(&w, &cc), 0);
	mt_fini(&w);
}

TEST(a_deck_loaded_before_an_os_is_bound_queues_no_crw)
{
	struct sim *sim = sim_new(1);
	struct machine_config cfg = {.storage_size = 16 << 20, .workdir = t_tmpdir()};
	struct machine *m = machine_new(sim, &cfg);
	struct css_if css = machine_css(m);
	char err[256] = "";

	CHECK_EQ(machine_load_iocp_text(m, "add.deck", add_deck, err, sizeof(err)), 0);
	sim_run(sim);
	CHECK_EQ(css.ops->stcrw(css.css, A_CRW), 1);
	CHECK_EQ(machine_stats(m)->crws_queued, 0);
	machine_free(m);
	sim_free(sim);
}
