/* CHSC SCMC (CMG, shared), SCPD format 1 (CHID) and SCSC, answered from the
 * IOCP deck's CMG=, SHARED, PCHID= and STATE=. */
#include "arch/chsc.h"
#include "machine/machine_priv.h"
#include "mt.h"

struct cw {
	struct sim *sim;
	struct machine *m;
	struct css_if css;
	uint8_t *area;
};

static const char cw_deck[] = "CHPID PATH=(CSS(0),30),SHARED,TYPE=FC,PCHID=390,CMG=2\n"
			      "CHPID PATH=(CSS(0),31),TYPE=FC,PCHID=392,CMG=3\n"
			      "CHPID PATH=(CSS(0),32),SHARED,TYPE=FC,PCHID=510\n"
			      "CHPID PATH=(CSS(0),34),SHARED,TYPE=FC,PCHID=580,CMG=2,"
			      "STATE=STANDBY\n"
			      "CHPID PATH=(CSS(0),fc),SHARED,TYPE=IQD,PCHID=702,CMG=3\n"
			      "CHPID PATH=(CSS(0),fd),SHARED,TYPE=IQD\n";

static void cw_init(struct cw *w)
{
	struct machine_config cfg = {.storage_size = 16 << 20, .workdir = t_tmpdir()};
	char err[256] = "";

	w->sim = sim_new(1);
	w->m = machine_new(w->sim, &cfg);
	CHECK_EQ(machine_load_iocp_text(w->m, "cmg.iocp", cw_deck, err, sizeof(err)), 0);
	w->css = machine_css(w->m);
	w->area = machine_storage(w->m)->base + A_CHSC;
	memset(w->area, 0, CHSC_AREA_SIZE);
}

static void cw_fini(struct cw *w)
{
	machine_free(w->m);
	sim_free(w->sim);
}

static void scmc(struct cw *w, uint8_t first, uint8_t last)
{
	struct chsc_scmc_req r = {first, last};

	memset(w->area, 0, CHSC_AREA_SIZE);
	chsc_scmc_req_encode(&r, w->area);
	CHECK_EQ(w->css.ops->chsc(w->css.css, A_CHSC), 0);
}

TEST(scmc_stores_cmg_and_shared_of_configured_chpids)
{
	struct cw w;
	struct chsc_scmc_entry e;

	cw_init(&w);
	scmc(&w, 0x30, 0x35);
	CHECK_EQ(chsc_rsp_code(w.area), CHSC_RSP_OK);
	CHECK_EQ(get_be16(w.area + 0x10), 8 + 6 * 32);
	chsc_scmc_entry_decode(w.area, 0, &e); /* 30: shared, CMG 2 */
	CHECK_EQ(e.not_valid, 0);
	CHECK_EQ(e.chpid, 0x30);
	CHECK_EQ(e.shared, 1);
	CHECK_EQ(e.cmg, 2);
	CHECK_EQ(e.cmcv, 0);
	chsc_scmc_entry_decode(w.area, 1, &e); /* 31: dedicated, CMG 3 */
	CHECK_EQ(e.not_valid, 0);
	CHECK_EQ(e.shared, 0);
	CHECK_EQ(e.cmg, 3);
	chsc_scmc_entry_decode(w.area, 2, &e); /* 32: no CMG= */
	CHECK_EQ(e.not_valid, 1);
	CHECK_EQ(e.chpid, 0x32);
	chsc_scmc_entry_decode(w.area, 3, &e); /* 33: not defined */
	CHECK_EQ(e.not_valid, 1);
	chsc_scmc_entry_decode(w.area, 4, &e); /* 34: standby */
	CHECK_EQ(e.not_valid, 1);
	CHECK_EQ(e.cmg, 0);
	cw_fini(&w);
}

TEST(scmc_follows_the_sclp_configure_state)
{
	struct cw w;
	struct chsc_scmc_entry e;

	cw_init(&w);
	w.m->chp[0x34].cfg = CHP_CFG_CONFIGURED;
	w.m->chp[0x30].cfg = CHP_CFG_STANDBY;
	scmc(&w, 0x30, 0x34);
	chsc_scmc_entry_decode(w.area, 4, &e);
	CHECK_EQ(e.not_valid, 0);
	CHECK_EQ(e.shared, 1);
	CHECK_EQ(e.cmg, 2);
	chsc_scmc_entry_decode(w.area, 0, &e);
	CHECK_EQ(e.not_valid, 1);
	cw_fini(&w);
}

TEST(scmc_bad_requests_are_request_block_errors)
{
	struct cw w;

	cw_init(&w);
	scmc(&w, 0x31, 0x30); /* first > last */
	CHECK_EQ(chsc_rsp_code(w.area), CHSC_RSP_INVALID);
	scmc(&w, 0x00, 0xff); /* 256 entries do not fit in the page */
	CHECK_EQ(chsc_rsp_code(w.area), CHSC_RSP_INVALID);
	scmc(&w, 0x00, 0x7e); /* 127 entries do: 0x18 + 127 * 32 <= 4096 */
	CHECK_EQ(chsc_rsp_code(w.area), CHSC_RSP_OK);
	scmc(&w, 0x30, 0x30);
	w.area[5] = 0x01; /* reserved bit in the first request word */
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	CHECK_EQ(chsc_rsp_code(w.area), CHSC_RSP_INVALID);
	cw_fini(&w);
}

static void scpd1(struct cw *w, uint8_t id, uint8_t rfmt, uint8_t c, struct chp_desc1 *d)
{
	struct chsc_scpd_req r = {.c = c, .rfmt = rfmt, .first_chpid = id, .last_chpid = id};

	memset(w->area, 0, CHSC_AREA_SIZE);
	chsc_scpd_req_encode(&r, w->area);
	CHECK_EQ(w->css.ops->chsc(w->css.css, A_CHSC), 0);
	CHECK_EQ(chsc_rsp_code(w->area), CHSC_RSP_OK);
	CHECK_EQ(get_be16(w->area + 0x10), 8 + CHP_DESC1_SIZE);
	chp_desc1_decode(w->area + CHSC_SCPD_OFF_DATA, d);
}

TEST(scpd_format1_carries_the_chid_and_whether_it_is_external)
{
	struct cw w;
	struct chp_desc1 d;

	cw_init(&w);
	scpd1(&w, 0x30, 1, 1, &d); /* as Linux asks (rfmt 1, c 1) */
	CHECK_EQ(d.flags, CHP_DESC_VALID | CHP_DESC1_CHID_VALID | CHP_DESC1_CHID_EXTERNAL);
	CHECK_EQ(d.desc, 0x1b);
	CHECK_EQ(d.chpid, 0x30);
	CHECK_EQ(d.chid, 0x390);
	scpd1(&w, 0x34, 0, 1, &d); /* older Linux (rfmt 0, c 1); standby */
	CHECK_EQ(d.flags, CHP_DESC_VALID | CHP_DESC1_CHID_VALID | CHP_DESC1_CHID_EXTERNAL);
	CHECK_EQ(d.chid, 0x580);
	scpd1(&w, 0xfc, 1, 0, &d); /* IQD: internal CHID */
	CHECK_EQ(d.flags, CHP_DESC_VALID | CHP_DESC1_CHID_VALID);
	CHECK_EQ(d.desc, 0x24);
	CHECK_EQ(d.chid, 0x702);
	scpd1(&w, 0xfd, 1, 1, &d); /* no PCHID= */
	CHECK_EQ(d.flags, CHP_DESC_VALID);
	CHECK_EQ(d.chid, 0);
	scpd1(&w, 0x33, 1, 1, &d); /* not defined */
	CHECK_EQ(d.flags, 0);
	cw_fini(&w);
}

TEST(scpd_without_c_and_rfmt_0_still_stores_format_0)
{
	struct cw w;
	struct chsc_scpd_req r = {.first_chpid = 0x30, .last_chpid = 0x31};
	struct chp_desc0 d;

	cw_init(&w);
	chsc_scpd_req_encode(&r, w.area);
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	CHECK_EQ(get_be16(w.area + 0x10), 8 + 2 * CHP_DESC0_SIZE);
	chp_desc0_decode(w.area + CHSC_SCPD_OFF_DATA + 8, &d);
	CHECK_EQ(d.flags, CHP_DESC_VALID);
	CHECK_EQ(d.chpid, 0x31);
	cw_fini(&w);
}

TEST(scsc_reports_fcs_secm_and_scmc)
{
	struct cw w;
	struct chsc_css_chars c;

	cw_init(&w);
	chsc_scsc_req_encode(w.area);
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	CHECK_EQ(chsc_rsp_code(w.area), CHSC_RSP_OK);
	chsc_scsc_rsp_decode(w.area, &c);
	CHECK(c.fcs && c.secm && c.scmc);
	chsc_scsc_req_encode(w.area);
	w.area[0xf] = 1; /* reserved request word */
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	CHECK_EQ(chsc_rsp_code(w.area), CHSC_RSP_INVALID);
	cw_fini(&w);
}

TEST(default_deck_paths_are_shared_cmg_2_on_pchids_0390_to_0393)
{
	struct machine_config cfg = {.storage_size = 16 << 20, .workdir = t_tmpdir()};
	struct cw w = {.sim = sim_new(1)};
	char err[256] = "";

	w.m = machine_new(w.sim, &cfg);
	CHECK_EQ(machine_load_iocp(w.m, NULL, err, sizeof(err)), 0);
	w.css = machine_css(w.m);
	w.area = machine_storage(w.m)->base + A_CHSC;
	for (uint8_t id = 0x42; id <= 0x45; id++) {
		struct chsc_scmc_entry e;
		struct chp_desc1 d;

		scmc(&w, id, id);
		chsc_scmc_entry_decode(w.area, 0, &e);
		CHECK_EQ(e.not_valid, 0);
		CHECK_EQ(e.shared, 1);
		CHECK_EQ(e.cmg, 2);
		scpd1(&w, id, 1, 1, &d);
		CHECK_EQ(d.chid, 0x390 + (id - 0x42));
		CHECK_EQ(d.flags & CHP_DESC1_CHID_EXTERNAL, CHP_DESC1_CHID_EXTERNAL);
	}
	cw_fini(&w);
}
