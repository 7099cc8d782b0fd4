/* CRWs, the channel-report machine check, SCLP and CHSC. */
#include "arch/chsc.h"
#include "arch/sclp.h"
#include "machine/machine_priv.h"
#include "mt.h"

TEST(stcrw_with_empty_queue_is_cc1_and_stores_zeros)
{
	struct mt w;
	int cc;

	mt_init(&w, 4, 0);
	put_be32(mt_mem(&w, A_CRW), 0xdeadbeef);
	CHECK_EQ(mt_stcrw(&w, &cc), 0);
	CHECK_EQ(cc, 1);
	mt_fini(&w);
}

TEST(stcrw_unaligned_operand_is_a_specification_exception)
{
	struct mt w;

	mt_init(&w, 4, 0);
	CHECK_EQ(w.css.ops->stcrw(w.css.css, A_CRW + 1), -PGM_SPECIFICATION);
	CHECK_EQ(w.css.ops->stcrw(w.css.css, A_CRW + 2), -PGM_SPECIFICATION);
	CHECK_EQ(w.css.ops->stcrw(w.css.css, 16 << 20), -PGM_ADDRESSING);
	mt_fini(&w);
}

TEST(stcrw_access_exception_leaves_the_crw_queued)
{
	struct mt w;
	int cc;

	mt_init(&w, 4, 0);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	CHECK_EQ(w.css.ops->stcrw(w.css.css, 16 << 20), -PGM_ADDRESSING);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04060042);
	CHECK_EQ(cc, 0);
	mt_fini(&w);
}

TEST(machine_check_is_raised_once_until_stcrw_finds_the_queue_empty)
{
	struct mt w;
	int cc;

	mt_init(&w, 4, 0);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	CHECK_EQ(w.nmchk, 0); /* never from inside the call */
	sim_run(w.sim);
	CHECK_EQ(w.nmchk, 1);
	CHECK_EQ(machine_chp_fail(w.m, 0x43), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nmchk, 1); /* not re-armed yet */
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04060042);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04060043);
	CHECK_EQ(mt_stcrw(&w, &cc), 0);
	CHECK_EQ(cc, 1);
	CHECK_EQ(machine_chp_repair(w.m, 0x42), 0);
	sim_run(w.sim);
	CHECK_EQ(w.nmchk, 2);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04020042);
	mt_fini(&w);
}

TEST(crw_overflow_loses_reports_and_sets_r_in_the_next_one)
{
	struct mt w;
	int cc;

	mt_init(&w, 4, 2);
	CHECK_EQ(machine_chp_fail(w.m, 0x42), 0);
	CHECK_EQ(machine_chp_fail(w.m, 0x43), 0);
	CHECK_EQ(machine_chp_fail(w.m, 0x44), 0); /* lost */
	CHECK_EQ(machine_stats(w.m)->crws_lost, 1);
	CHECK_EQ(machine_stats(w.m)->crws_queued, 2);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04060042);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04060043);
	CHECK_EQ(machine_chp_fail(w.m, 0x45), 0);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x24060045); /* R = 1 */
	CHECK_EQ(machine_chp_repair(w.m, 0x45), 0);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04020045); /* R only once */
	mt_fini(&w);
}

TEST(chained_crws_carry_c_on_all_but_the_last_and_are_lost_whole)
{
	struct mt w;
	struct crw c[2] = {{.rsc = CRW_RSC_SCH, .erc = CRW_ERC_IPARM, .rsid = 5},
			   {.rsc = CRW_RSC_SCH, .erc = CRW_ERC_IPARM, .rsid = 1 << 4}};
	int cc;

	mt_init(&w, 4, 3);
	CHECK_EQ(crw_queue(w.m, c, 2), 0);
	CHECK_EQ(crw_queue(w.m, c, 2), -ENOSPC); /* one slot left: the chain is lost whole */
	CHECK_EQ(mt_stcrw(&w, &cc), 0x13040005);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x03040010);
	CHECK_EQ(mt_stcrw(&w, &cc), 0);
	CHECK_EQ(cc, 1);
	mt_fini(&w);
}

/* ---- SCLP ---- */

static void sccb_init(struct mt *w, uint16_t len)
{
	struct sccb_header h = {.length = len};

	memset(mt_mem(w, A_SCCB), 0, 4096);
	sccb_header_encode(&h, mt_mem(w, A_SCCB));
}

static uint16_t sccb_rc(struct mt *w)
{
	struct sccb_header h;

	sccb_header_decode(mt_mem(w, A_SCCB), &h);
	return h.response_code;
}

TEST(sclp_read_channel_path_information_fills_the_masks)
{
	struct mt w;
	uint8_t *p;

	mt_init(&w, 4, 0);
	CHECK_EQ(machine_chp_configure(w.m, 0x43, false), 0);
	sccb_init(&w, SCLP_CHP_INFO_SCCB_SIZE);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_READ_CHPATH_INFORMATION, A_SCCB), 0);
	CHECK_EQ(w.nsig, 0);
	sim_run(w.sim);
	CHECK_EQ(w.nsig, 1);
	CHECK_EQ(w.sig_sccb, A_SCCB);
	CHECK_EQ(sccb_rc(&w), SCLP_RC_NORMAL_READ_COMPLETION);
	p = mt_mem(&w, A_SCCB + SCCB_HEADER_SIZE);
	CHECK_EQ(p[0x42 / 8], 0x3c);	  /* recognized 42-45 */
	CHECK_EQ(p[32 + 0x42 / 8], 0x10); /* standby 43 */
	CHECK_EQ(p[64 + 0x42 / 8], 0x2c); /* configured 42 44 45 */
	mt_fini(&w);
}

TEST(sclp_short_sccb_gets_insufficient_length)
{
	struct mt w;

	mt_init(&w, 4, 0);
	sccb_init(&w, 16);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_READ_CHPATH_INFORMATION, A_SCCB), 0);
	sim_run(w.sim);
	CHECK_EQ(sccb_rc(&w), SCLP_RC_INSUFFICIENT_SCCB_LENGTH);
	mt_fini(&w);
}

TEST(sclp_deconfigure_completes_then_queues_crw_erc6_and_clears_pam)
{
	struct mt w;
	struct schib sb;
	int cc;

	mt_init(&w, 4, 0);
	sccb_init(&w, 16);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_DECONFIGURE_CHPATH | 0x42 << 8, A_SCCB), 0);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0xf0); /* asynchronous */
	sim_run(w.sim);
	CHECK_EQ(sccb_rc(&w), SCLP_RC_NORMAL_COMPLETION);
	CHECK_EQ(w.nsig, 1);
	CHECK_EQ(w.nmchk, 1);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04060042);
	CHECK_EQ(mt_stcrw(&w, &cc), 0);
	mt_fini(&w);
}

TEST(sclp_configure_queues_crw_erc2_and_sets_pam)
{
	struct mt w;
	struct schib sb;
	int cc;

	mt_init(&w, 4, 0);
	CHECK_EQ(machine_chp_configure(w.m, 0x44, false), 0);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04060044);
	sccb_init(&w, 16);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_CONFIGURE_CHPATH | 0x44 << 8, A_SCCB), 0);
	sim_run(w.sim);
	CHECK_EQ(sccb_rc(&w), SCLP_RC_NORMAL_COMPLETION);
	CHECK_EQ(mt_stsch(&w, SCH0, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0xf0);
	CHECK_EQ(mt_stcrw(&w, &cc), 0x04020044);
	mt_fini(&w);
}

TEST(sclp_configure_of_a_configured_path_is_already_and_queues_nothing)
{
	struct mt w;
	int cc;

	mt_init(&w, 4, 0);
	sccb_init(&w, 16);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_CONFIGURE_CHPATH | 0x42 << 8, A_SCCB), 0);
	sim_run(w.sim);
	CHECK_EQ(sccb_rc(&w), SCLP_RC_CHP_ALREADY);
	CHECK_EQ(mt_stcrw(&w, &cc), 0);
	CHECK_EQ(cc, 1);
	sccb_init(&w, 16);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_CONFIGURE_CHPATH | 0x99 << 8, A_SCCB), 0);
	sim_run(w.sim);
	CHECK_EQ(sccb_rc(&w), SCLP_RC_CHP_NOT_RECOGNIZED);
	mt_fini(&w);
}

TEST(sclp_is_busy_cc2_while_a_request_is_outstanding)
{
	struct mt w;

	mt_init(&w, 4, 0);
	sccb_init(&w, 16);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_DECONFIGURE_CHPATH | 0x42 << 8, A_SCCB), 0);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_DECONFIGURE_CHPATH | 0x43 << 8, A_SCCB), 2);
	sim_run(w.sim);
	CHECK_EQ(w.css.ops->servc(w.css.css, 0x12345678, A_SCCB), 0);
	sim_run(w.sim);
	CHECK_EQ(sccb_rc(&w), SCLP_RC_INVALID_SCLP_COMMAND);
	CHECK_EQ(w.css.ops->servc(w.css.css, 0x12345678, A_SCCB + 4), -PGM_SPECIFICATION);
	CHECK_EQ(w.css.ops->servc(w.css.css, 0x12345678, 16 << 20), -PGM_ADDRESSING);
	mt_fini(&w);
}

TEST(sclp_completion_takes_the_sclp_latency)
{
	struct mt w;

	mt_init(&w, 4, 0);
	machine_timing(w.m)->sclp = 3 * SIM_MS;
	sccb_init(&w, 16);
	CHECK_EQ(w.css.ops->servc(w.css.css, SCLP_CMDW_DECONFIGURE_CHPATH | 0x42 << 8, A_SCCB), 0);
	sim_run_to(w.sim, 2 * SIM_MS);
	CHECK_EQ(w.nsig, 0);
	sim_run_to(w.sim, 3 * SIM_MS);
	CHECK_EQ(w.nsig, 1);
	mt_fini(&w);
}

/* ---- CHSC ---- */

TEST(chsc_ssd_stores_the_chpids_of_a_subchannel)
{
	struct mt w;
	struct chsc_ssd_req req = {.ssid = 0, .f_sch = 0, .l_sch = 0};
	struct chsc_ssd_rsp rsp;

	mt_init(&w, 4, 0);
	memset(mt_mem(&w, A_CHSC), 0, 4096);
	chsc_ssd_req_encode(&req, mt_mem(&w, A_CHSC));
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	chsc_ssd_rsp_decode(mt_mem(&w, A_CHSC), &rsp);
	CHECK_EQ(rsp.code, CHSC_RSP_OK);
	CHECK(rsp.sch_valid);
	CHECK_EQ(rsp.devno, 0x1234);
	CHECK_EQ(rsp.path_mask, 0xf0);
	CHECK_EQ(rsp.chpid[0], 0x42);
	CHECK_EQ(rsp.chpid[3], 0x45);
	mt_fini(&w);
}

TEST(chsc_scpd_stores_the_channel_path_type)
{
	struct mt w;
	struct chsc_scpd_req req = {.first_chpid = 0x41, .last_chpid = 0x43};
	struct chp_desc0 d;

	mt_init(&w, 4, 0);
	memset(mt_mem(&w, A_CHSC), 0, 4096);
	chsc_scpd_req_encode(&req, mt_mem(&w, A_CHSC));
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	CHECK_EQ(chsc_rsp_code(mt_mem(&w, A_CHSC)), CHSC_RSP_OK);
	chp_desc0_decode(mt_mem(&w, A_CHSC + CHSC_SCPD_OFF_DATA), &d);
	CHECK_EQ(d.flags & 0x80, 0); /* 41 not defined */
	chp_desc0_decode(mt_mem(&w, A_CHSC + CHSC_SCPD_OFF_DATA + 8), &d);
	CHECK_EQ(d.flags & 0x80, 0x80);
	CHECK_EQ(d.desc, 0x1b);
	CHECK_EQ(d.chpid, 0x42);
	mt_fini(&w);
}

TEST(chsc_unknown_command_is_not_provided_and_bad_area_is_an_exception)
{
	struct mt w;

	mt_init(&w, 4, 0);
	memset(mt_mem(&w, A_CHSC), 0, 4096);
	put_be16(mt_mem(&w, A_CHSC), 0x10);
	put_be16(mt_mem(&w, A_CHSC + 2), 0x0077);
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	CHECK_EQ(chsc_rsp_code(mt_mem(&w, A_CHSC)), CHSC_RSP_NOTSUPP);
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC + 8), -PGM_SPECIFICATION);
	CHECK_EQ(w.css.ops->chsc(w.css.css, 16 << 20), -PGM_ADDRESSING);
	mt_fini(&w);
}

TEST(chsc_scpd_format1_stores_the_chid)
{
	struct mt w = {0};
	struct chsc_scpd_req req = {.rfmt = 1, .first_chpid = 0x42, .last_chpid = 0x43};
	char err[256];
	struct sim *sim = sim_new(1);
	struct machine_config cfg = {.storage_size = 1 << 20};
	struct machine *m = machine_new(sim, &cfg);
	uint8_t *area;

	CHECK_EQ(machine_load_iocp_text(m, "d",
					"CHPID PATH=(CSS(0),42),TYPE=FC,PCHID=1C0\n"
					"CHPID PATH=(CSS(0),43),TYPE=FC\n",
					err, sizeof(err)),
		 0);
	w.css = machine_css(m);
	area = machine_storage(m)->base + A_CHSC;
	chsc_scpd_req_encode(&req, area);
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	CHECK_EQ(chsc_rsp_code(area), CHSC_RSP_OK);
	area += CHSC_SCPD_OFF_DATA;
	CHECK_EQ(area[0], 0x98); /* valid, CHID valid, external (a PCHID) */
	CHECK_EQ(area[2], 0x1b);
	CHECK_EQ(area[3], 0x42);
	CHECK_EQ(get_be16(area + 16), 0x01c0);
	CHECK_EQ(area[32], 0x80); /* 43: no CHID */
	CHECK_EQ(area[32 + 3], 0x43);
	req.rfmt = 2;
	chsc_scpd_req_encode(&req, area - CHSC_SCPD_OFF_DATA);
	CHECK_EQ(w.css.ops->chsc(w.css.css, A_CHSC), 0);
	CHECK_EQ(chsc_rsp_code(area - CHSC_SCPD_OFF_DATA), CHSC_RSP_INVALID);
	machine_free(m);
	sim_free(sim);
}
