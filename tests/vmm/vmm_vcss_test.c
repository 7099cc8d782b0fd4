/* The virtual channel subsystem as a guest sees it, one architected rule
 * per test, on virtio-ccw devices. */
#include <stdlib.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/chsc.h"
#include "arch/crw.h"
#include "arch/ids.h"
#include "arch/sclp.h"
#include "arch/senseid.h"
#include "t.h"
#include "vmm_fakehost.h"

#define DATA_AT 0x3000
#define CHSC_AT 0x4000
#define SCCB_AT 0x6000

static void env_up(struct fake_env *e, int nvfio, enum chpsync_policy pol, bool sclp)
{
	struct vm_opts *o = fake_opts(nvfio, pol, true);

	o->sclp_chp_info = sclp;
	o->dev[o->ndev].kind = VM_DEV_VIRTIO_BALLOON;
	o->dev[o->ndev].has_devno = true;
	o->dev[o->ndev].devno.cssid = 0xfe;
	o->dev[o->ndev].devno.no = 0x0001;
	o->ndev++;
	fake_env_up(e, o, nvfio ? nvfio : 1);
}

static int enable(struct fake_env *e, int no, uint32_t intparm)
{
	struct schib sb;

	CHECK_EQ(fake_env_stsch(e, no, &sb), 0);
	sb.pmcw.flags |= PMCW_FLAGS_ENA | (3 << PMCW_ISC_SHIFT);
	sb.pmcw.intparm = intparm;
	schib_encode(&sb, fake_env_at(e, SCHIB_AT));
	return vcss_ops.msch(e->css, schid_word(0, (uint16_t)no), SCHIB_AT);
}

static int start(struct fake_env *e, int no, uint8_t cmd, uint8_t flags, uint16_t count,
		 uint8_t lpm)
{
	struct ccw1 c = {cmd, flags, count, DATA_AT};
	struct orb o = {0};

	ccw1_encode(&c, fake_env_at(e, CCW_AT));
	o.intparm = 0xcafe0000u | (uint32_t)no;
	o.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH;
	o.lpm = lpm;
	o.cpa = CCW_AT;
	orb_encode(&o, fake_env_at(e, ORB_AT));
	return vcss_ops.ssch(e->css, schid_word(0, (uint16_t)no), ORB_AT);
}

static int tsch(struct fake_env *e, int no, struct irb *irb)
{
	int cc = vcss_ops.tsch(e->css, schid_word(0, (uint16_t)no), IRB_AT);

	if (cc != 3)
		irb_decode(fake_env_at(e, IRB_AT), irb);
	return cc;
}

TEST(vcss_stsch_numbers_subchannels_in_device_order)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(fake_env_stsch(&e, 0, &sb), 0);
	CHECK(sb.pmcw.flags & PMCW_FLAGS_DNV);
	CHECK_EQ(sb.pmcw.devno, 0x0000);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.devno, 0x0001);
	fake_env_down(&e);
}

TEST(vcss_virtio_subchannel_is_on_chpid_00_with_pim_80)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(fake_env_stsch(&e, 0, &sb), 0);
	CHECK_EQ(sb.pmcw.pim, 0x80);
	CHECK_EQ(sb.pmcw.pam, 0x80);
	CHECK_EQ(sb.pmcw.pom, 0xff);
	CHECK_EQ(sb.pmcw.chpid[0], 0x00);
	fake_env_down(&e);
}

TEST(vcss_stsch_past_last_subchannel_is_cc3)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(fake_env_stsch(&e, 2, &sb), 3);
	/* Sets 1-3 are not enabled (no MSS): not provided. */
	CHECK_EQ(vcss_ops.stsch(e.css, schid_word(1, 0), SCHIB_AT), 3);
	fake_env_down(&e);
}

TEST(vcss_bad_subchannel_id_word_is_operand_exception)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(vcss_ops.stsch(e.css, 0x0000ffff, SCHIB_AT), -PGM_OPERAND);
	CHECK_EQ(vcss_ops.tsch(e.css, 0x0000ffff, IRB_AT), -PGM_OPERAND);
	CHECK_EQ(vcss_ops.csch(e.css, 0x01010000), -PGM_OPERAND);
	fake_env_down(&e);
}

TEST(vcss_unaligned_operand_is_specification_exception)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(vcss_ops.stsch(e.css, schid_word(0, 0), SCHIB_AT + 2), -PGM_SPECIFICATION);
	CHECK_EQ(vcss_ops.stcrw(e.css, 1), -PGM_SPECIFICATION);
	CHECK_EQ(vcss_ops.chsc(e.css, CHSC_AT + 8), -PGM_SPECIFICATION);
	fake_env_down(&e);
}

TEST(vcss_operand_outside_guest_storage_is_addressing_exception)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(vcss_ops.stsch(e.css, schid_word(0, 0), e.mem->size - 4), -PGM_ADDRESSING);
	CHECK_EQ(vcss_ops.ssch(e.css, schid_word(0, 0), e.mem->size), -PGM_ADDRESSING);
	fake_env_down(&e);
}

TEST(vcss_msch_with_reserved_pmcw_bits_is_operand_exception)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(fake_env_stsch(&e, 0, &sb), 0);
	sb.pmcw.flags |= 0x8000;
	schib_encode(&sb, fake_env_at(&e, SCHIB_AT));
	CHECK_EQ(vcss_ops.msch(e.css, schid_word(0, 0), SCHIB_AT), -PGM_OPERAND);
	fake_env_down(&e);
}

TEST(vcss_ssch_on_disabled_subchannel_is_cc3)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(start(&e, 0, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 256, 0x80), 3);
	fake_env_down(&e);
}

TEST(vcss_virtio_sense_id_answers_cu_3832_with_device_id)
{
	struct fake_env e;
	struct irb irb;
	struct senseid id;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 0, 0x1234), 0);
	CHECK_EQ(start(&e, 0, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 256, 0x80), 0);
	sim_run(e.sim);
	CHECK_EQ(e.g.io_irqs, 1);
	CHECK_EQ(e.g.last_schid, schid_word(0, 0));
	CHECK_EQ(e.g.last_intparm, 0xcafe0000u);
	CHECK_EQ(e.g.last_word, 3u << IO_INT_WORD_ISC_SHIFT);
	CHECK_EQ(tsch(&e, 0, &irb), 0);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(irb.scsw.ctrl & SCSW_STCTL_MASK,
		 SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND);
	CHECK_EQ(irb.scsw.cpa, CCW_AT + 8);
	CHECK_EQ(senseid_decode(fake_env_at(&e, DATA_AT), 256 - irb.scsw.count, &id), 0);
	CHECK_EQ(id.cu_type, 0x3832);
	CHECK_EQ(id.cu_model, VIRTIO_ID_RNG);
	CHECK_EQ(id.dev_type, 0);
	/* Status was cleared by the first TSCH. */
	CHECK_EQ(tsch(&e, 0, &irb), 1);
	fake_env_down(&e);
}

TEST(vcss_virtio_rejects_path_grouping_with_command_reject_sense)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 1, 1), 0);
	CHECK_EQ(start(&e, 1, CCW_CMD_SET_PGID, CCW_FLAG_SLI, 12, 0x80), 0);
	sim_run(e.sim);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
	CHECK_EQ(start(&e, 1, CCW_CMD_BASIC_SENSE, CCW_FLAG_SLI, 32, 0x80), 0);
	sim_run(e.sim);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(fake_env_at(&e, DATA_AT)[0], 0x80);
	fake_env_down(&e);
}

TEST(vcss_ssch_while_busy_is_cc2_and_while_status_pending_cc1)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 0, 1), 0);
	CHECK_EQ(start(&e, 0, CCW_CMD_NOOP, 0, 0, 0x80), 0);
	CHECK_EQ(start(&e, 0, CCW_CMD_NOOP, 0, 0, 0x80), 2);
	sim_run(e.sim);
	CHECK_EQ(start(&e, 0, CCW_CMD_NOOP, 0, 0, 0x80), 1);
	CHECK_EQ(tsch(&e, 0, &irb), 0);
	CHECK_EQ(start(&e, 0, CCW_CMD_NOOP, 0, 0, 0x80), 0);
	fake_env_down(&e);
}

TEST(vcss_ccw_address_outside_storage_is_program_check)
{
	struct fake_env e;
	struct irb irb;
	struct orb o = {0};

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 0, 1), 0);
	o.ctrl0 = ORB_CTRL0_FMT;
	o.lpm = 0x80;
	o.cpa = 0x7ffffff8u;
	orb_encode(&o, fake_env_at(&e, ORB_AT));
	CHECK_EQ(vcss_ops.ssch(e.css, schid_word(0, 0), ORB_AT), 0);
	sim_run(e.sim);
	CHECK_EQ(tsch(&e, 0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	fake_env_down(&e);
}

TEST(vcss_tic_to_tic_is_program_check_not_a_hang)
{
	struct fake_env e;
	struct irb irb;
	struct ccw1 tic = {CCW_CMD_TIC, 0, 0, CCW_AT};
	struct orb o = {0};

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 0, 1), 0);
	ccw1_encode(&tic, fake_env_at(&e, CCW_AT));
	o.ctrl0 = ORB_CTRL0_FMT;
	o.lpm = 0x80;
	o.cpa = CCW_AT;
	orb_encode(&o, fake_env_at(&e, ORB_AT));
	CHECK_EQ(vcss_ops.ssch(e.css, schid_word(0, 0), ORB_AT), 0);
	sim_run(e.sim);
	CHECK_EQ(tsch(&e, 0, &irb), 0);
	CHECK_EQ(irb.scsw.cstat, SCHN_STAT_PROG_CHECK);
	fake_env_down(&e);
}

TEST(vcss_orb_lpm_without_path_80_is_deferred_cc3)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 0, 1), 0);
	CHECK_EQ(start(&e, 0, CCW_CMD_NOOP, 0, 0, 0x40), 0);
	sim_run(e.sim);
	CHECK_EQ(tsch(&e, 0, &irb), 0);
	CHECK_EQ(scsw_cc(&irb.scsw), 3);
	fake_env_down(&e);
}

TEST(vcss_csch_clears_and_interrupts)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 0, 1), 0);
	CHECK_EQ(start(&e, 0, CCW_CMD_NOOP, 0, 0, 0x80), 0);
	CHECK_EQ(vcss_ops.csch(e.css, schid_word(0, 0)), 0);
	sim_run(e.sim);
	CHECK_EQ(e.g.io_irqs, 1);
	CHECK_EQ(tsch(&e, 0, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl & SCSW_FCTL_MASK, SCSW_FCTL_CLEAR);
	CHECK_EQ(irb.scsw.ctrl & SCSW_STCTL_MASK, SCSW_STCTL_PEND);
	fake_env_down(&e);
}

TEST(vcss_xsch_withdraws_a_start_not_yet_done)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 0, 1), 0);
	CHECK_EQ(start(&e, 0, CCW_CMD_NOOP, 0, 0, 0x80), 0);
	CHECK_EQ(vcss_ops.xsch(e.css, schid_word(0, 0)), 0);
	sim_run(e.sim);
	CHECK_EQ(e.g.io_irqs, 0); /* no interruption after a cancel */
	CHECK_EQ(tsch(&e, 0, &irb), 1);
	CHECK_EQ(irb.scsw.ctrl & SCSW_FCTL_MASK, 0);
	fake_env_down(&e);
}

TEST(vcss_interruption_waits_for_its_isc_to_be_enabled)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(enable(&e, 0, 7), 0);
	vcss_ops.set_isc_mask(e.css, 0x80); /* ISC 0 only; the device uses 3 */
	CHECK_EQ(start(&e, 0, CCW_CMD_NOOP, 0, 0, 0x80), 0);
	sim_run(e.sim);
	CHECK_EQ(e.g.io_irqs, 0);
	/* TPI honours the mask too. */
	CHECK_EQ(vcss_ops.tpi(e.css, DATA_AT), 0);
	vcss_ops.set_isc_mask(e.css, 0x10);
	CHECK_EQ(vcss_ops.tpi(e.css, DATA_AT), 1);
	CHECK_EQ(get_be32(fake_env_at(&e, DATA_AT)), schid_word(0, 0));
	CHECK_EQ(get_be32(fake_env_at(&e, DATA_AT) + 4), 0xcafe0000u); /* the ORB's */
	sim_run(e.sim);
	CHECK_EQ(e.g.io_irqs, 0); /* TPI took the request */
	fake_env_down(&e);
}

TEST(vcss_crw_raises_one_machine_check_until_stcrw_finds_queue_empty)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK(vcss_queue_crw(e.css, 0x04060042, false));
	CHECK(vcss_queue_crw(e.css, 0x04060043, false));
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 1);
	CHECK_EQ(vcss_ops.stcrw(e.css, DATA_AT), 0);
	CHECK_EQ(get_be32(fake_env_at(&e, DATA_AT)), 0x04060042);
	CHECK(vcss_queue_crw(e.css, 0x04020042, false));
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 1); /* not re-armed yet */
	CHECK_EQ(vcss_ops.stcrw(e.css, DATA_AT), 0);
	CHECK_EQ(vcss_ops.stcrw(e.css, DATA_AT), 0);
	CHECK_EQ(get_be32(fake_env_at(&e, DATA_AT)), 0x04020042);
	CHECK_EQ(vcss_ops.stcrw(e.css, DATA_AT), 1);
	CHECK_EQ(get_be32(fake_env_at(&e, DATA_AT)), 0);
	CHECK(vcss_queue_crw(e.css, 0x04060044, false));
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 2);
	fake_env_down(&e);
}

TEST(vcss_crw_overflow_sets_r_on_the_newest_crw)
{
	struct fake_env e;
	struct crw c;
	int n = 0;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	for (int i = 0; i < VCSS_CRW_QUEUE_LEN + 3; i++)
		vcss_queue_crw(e.css, 0x04060000u | (uint32_t)i, false);
	CHECK_EQ(vcss_crw_pending(e.css), VCSS_CRW_QUEUE_LEN);
	while (vcss_ops.stcrw(e.css, DATA_AT) == 0) {
		crw_decode(get_be32(fake_env_at(&e, DATA_AT)), &c);
		n++;
		CHECK_EQ(c.oflw, n == VCSS_CRW_QUEUE_LEN);
	}
	CHECK_EQ(n, VCSS_CRW_QUEUE_LEN);
	fake_env_down(&e);
}

TEST(vcss_identical_queued_crw_absorbs_a_duplicate)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK(vcss_queue_crw(e.css, 0x04060042, true));
	CHECK(!vcss_queue_crw(e.css, 0x04060042, true));
	CHECK(vcss_queue_crw(e.css, 0x04020042, true));
	CHECK_EQ(vcss_crw_pending(e.css), 2);
	fake_env_down(&e);
}

TEST(vcss_chsc_scpd_describes_chpid_00_type_32)
{
	struct fake_env e;
	struct chsc_scpd_req r = {0};
	struct chp_desc0 d;
	uint8_t *a;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	a = storage_ptr(e.mem, CHSC_AT, CHSC_AREA_SIZE);
	r.first_chpid = 0;
	r.last_chpid = 0xff;
	chsc_scpd_req_encode(&r, a);
	CHECK_EQ(vcss_ops.chsc(e.css, CHSC_AT), 0);
	CHECK_EQ(chsc_rsp_code(a), CHSC_RSP_OK);
	chp_desc0_decode(a + CHSC_SCPD_OFF_DATA, &d);
	CHECK_EQ(d.flags & 0x80, 0x80);
	CHECK_EQ(d.chpid, 0x00);
	CHECK_EQ(d.desc, 0x32);
	CHECK_EQ(get_be16(a + CHSC_OFF_RSP), 8 + CHP_DESC0_SIZE);
	fake_env_down(&e);
}

TEST(vcss_chsc_ssd_describes_a_subchannel)
{
	struct fake_env e;
	struct chsc_ssd_req r = {0, 1, 1};
	struct chsc_ssd_rsp rsp;
	uint8_t *a;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	a = storage_ptr(e.mem, CHSC_AT, CHSC_AREA_SIZE);
	chsc_ssd_req_encode(&r, a);
	CHECK_EQ(vcss_ops.chsc(e.css, CHSC_AT), 0);
	chsc_ssd_rsp_decode(a, &rsp);
	CHECK_EQ(rsp.code, CHSC_RSP_OK);
	CHECK(rsp.sch_valid);
	CHECK_EQ(rsp.devno, 0x0001);
	CHECK_EQ(rsp.path_mask, 0x80);
	fake_env_down(&e);
}

TEST(vcss_chsc_unknown_command_is_not_provided)
{
	struct fake_env e;
	uint8_t *a;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	a = storage_ptr(e.mem, CHSC_AT, CHSC_AREA_SIZE);
	put_be16(a, 0x0010);
	put_be16(a + 2, 0x0031);
	CHECK_EQ(vcss_ops.chsc(e.css, CHSC_AT), 0);
	CHECK_EQ(chsc_rsp_code(a), CHSC_RSP_NOTSUPP);
	fake_env_down(&e);
}

static void sccb_init(struct fake_env *e, uint16_t len)
{
	struct sccb_header h = {len, 0, {0}, 0};
	uint8_t *p = storage_ptr(e->mem, SCCB_AT, 4096);

	memset(p, 0, 4096);
	sccb_header_encode(&h, p);
}

TEST(vcss_sclp_chp_info_off_answers_invalid_command_like_qemu)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, false);
	sccb_init(&e, 4096);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, SCCB_AT), 0);
	sim_run(e.sim);
	CHECK_EQ(e.g.sclp_done, 1);
	CHECK_EQ(get_be16(fake_env_at(&e, SCCB_AT) + 6), SCLP_RC_INVALID_SCLP_COMMAND);
	fake_env_down(&e);
}

TEST(vcss_sclp_configure_chpath_is_not_recognized_even_with_chp_info)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	sccb_init(&e, 4096);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_DECONFIGURE_CHPATH | 0x4200, SCCB_AT), 0);
	sim_run(e.sim);
	CHECK_EQ(get_be16(fake_env_at(&e, SCCB_AT) + 6), SCLP_RC_INVALID_SCLP_COMMAND);
	fake_env_down(&e);
}

TEST(vcss_sclp_second_call_while_busy_is_cc2)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, false);
	sccb_init(&e, 4096);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, SCCB_AT), 0);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, SCCB_AT), 2);
	sim_run(e.sim);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, SCCB_AT), 0);
	fake_env_down(&e);
}

TEST(vcss_sclp_chp_info_on_reflects_host_configure_state)
{
	struct fake_env e;
	uint8_t *p;

	env_up(&e, 1, CHPSYNC_EAGER, true);
	e.host->configure[0x42] = 0;
	sccb_init(&e, 4096);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, SCCB_AT), 0);
	sim_run(e.sim);
	p = fake_env_at(&e, SCCB_AT);
	CHECK_EQ(e.g.sclp_done, 1);
	CHECK_EQ(get_be16(p + 6), SCLP_RC_NORMAL_READ_COMPLETION);
	/* 0x00 (virtual) and 0x42-0x45 recognized; 0x42 standby. */
	CHECK_EQ(p[SCLP_CHP_INFO_OFF_RECOGNIZED + 0], 0x80);
	CHECK_EQ(p[SCLP_CHP_INFO_OFF_RECOGNIZED + 8], 0x3c);
	CHECK_EQ(p[SCLP_CHP_INFO_OFF_STANDBY + 8], 0x20);
	CHECK_EQ(p[SCLP_CHP_INFO_OFF_CONFIGURED + 8], 0x1c);
	CHECK_EQ(p[SCLP_CHP_INFO_OFF_CONFIGURED + 0], 0x80);
	fake_env_down(&e);
}

TEST(vcss_sclp_short_sccb_is_insufficient_length)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	sccb_init(&e, 16);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, SCCB_AT), 0);
	sim_run(e.sim);
	CHECK_EQ(get_be16(fake_env_at(&e, SCCB_AT) + 6), SCLP_RC_INSUFFICIENT_SCCB_LENGTH);
	fake_env_down(&e);
}

TEST(vcss_dedup_keeps_offline_online_offline)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK(vcss_queue_crw(e.css, 0x04060042, true));
	CHECK(vcss_queue_crw(e.css, 0x04020042, true));
	CHECK(vcss_queue_crw(e.css, 0x04060042, true));
	CHECK(!vcss_queue_crw(e.css, 0x04060042, true));
	CHECK(vcss_queue_crw(e.css, 0x04060043, true));
	CHECK_EQ(vcss_crw_pending(e.css), 4);
	fake_env_down(&e);
}

TEST(vcss_chsc_request_length_leaving_no_room_is_operand_exception)
{
	struct fake_env e;
	uint8_t *a;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	a = storage_ptr(e.mem, CHSC_AT, CHSC_AREA_SIZE);
	memset(a, 0, CHSC_AREA_SIZE);
	put_be16(a, 0x0ffc);
	put_be16(a + 2, CHSC_CODE_SSD);
	CHECK_EQ(vcss_ops.chsc(e.css, CHSC_AT), -PGM_OPERAND);
	put_be16(a, 0x0004);
	CHECK_EQ(vcss_ops.chsc(e.css, CHSC_AT), -PGM_OPERAND);
	fake_env_down(&e);
}

TEST(vcss_chsc_ssd_with_reserved_bits_is_request_error)
{
	struct fake_env e;
	struct chsc_ssd_req r = {0, 0, 0};
	uint8_t *a;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	a = storage_ptr(e.mem, CHSC_AT, CHSC_AREA_SIZE);
	memset(a, 0, CHSC_AREA_SIZE);
	chsc_ssd_req_encode(&r, a);
	a[8] = 0xff; /* reserved */
	CHECK_EQ(vcss_ops.chsc(e.css, CHSC_AT), 0);
	CHECK_EQ(chsc_rsp_code(a), CHSC_RSP_INVALID);
	fake_env_down(&e);
}

TEST(vcss_servc_bad_sccb_is_program_exception)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, SCCB_AT + 4),
		 -PGM_SPECIFICATION);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, e.mem->size),
		 -PGM_ADDRESSING);
	sccb_init(&e, 4);
	CHECK_EQ(vcss_ops.servc(e.css, SCLP_CMDW_READ_CHPATH_INFORMATION, SCCB_AT),
		 -PGM_SPECIFICATION);
	CHECK_EQ(e.g.sclp_done, 0);
	fake_env_down(&e);
}

TEST(vcss_tsch_and_stcrw_outside_storage_are_addressing_exceptions)
{
	struct fake_env e;

	env_up(&e, 0, CHPSYNC_EAGER, true);
	CHECK_EQ(vcss_ops.tsch(e.css, schid_word(0, 0), e.mem->size - 8), -PGM_ADDRESSING);
	vcss_queue_crw(e.css, 0x04060042, false);
	CHECK_EQ(vcss_ops.stcrw(e.css, e.mem->size), -PGM_ADDRESSING);
	/* Suppressed: the CRW is still there. */
	CHECK_EQ(vcss_crw_pending(e.css), 1);
	fake_env_down(&e);
}
