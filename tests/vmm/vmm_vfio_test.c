/* The vfio-ccw pass-through device against a scripted host: region and
 * errno mapping as QEMU, and the lazy/eager path-sync policies. */
#include <errno.h>
#include <stdlib.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/ids.h"
#include "t.h"
#include "vmm_fakehost.h"

#define CRW_AT 0x2800

/* Devices: virtio-rng at sch 0, then the vfio-ccw devices at 1.. */
static void env_up(struct fake_env *e, int nvfio, enum chpsync_policy pol)
{
	struct vm_opts *o = fake_opts(nvfio, pol, true);

	fake_env_up(e, o, nvfio);
}

static void enable(struct fake_env *e, int no)
{
	struct schib sb;

	CHECK_EQ(fake_env_stsch(e, no, &sb), 0);
	sb.pmcw.flags |= PMCW_FLAGS_ENA | (3 << PMCW_ISC_SHIFT);
	sb.pmcw.lpm = sb.pmcw.pam;
	schib_encode(&sb, fake_env_at(e, SCHIB_AT));
	CHECK_EQ(vcss_ops.msch(e->css, schid_word(0, (uint16_t)no), SCHIB_AT), 0);
}

static int start(struct fake_env *e, int no)
{
	struct ccw1 c = {CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 256, 0x3000};
	struct orb o = {0};

	ccw1_encode(&c, fake_env_at(e, CCW_AT));
	o.intparm = 0x1000u + (uint32_t)no;
	o.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH;
	o.lpm = 0xf0;
	o.cpa = CCW_AT;
	orb_encode(&o, fake_env_at(e, ORB_AT));
	return vcss_ops.ssch(e->css, schid_word(0, (uint16_t)no), ORB_AT);
}

static int tsch(struct fake_env *e, int no, struct irb *irb)
{
	int cc = vcss_ops.tsch(e->css, schid_word(0, (uint16_t)no), IRB_AT);

	irb_decode(fake_env_at(e, IRB_AT), irb);
	return cc;
}

/* The host completes the channel program: CE+DE, LPUM in the ESW. */
static void host_completes(struct fake_env *e, int dev, uint8_t lpum, bool pno)
{
	struct irb irb;

	memset(&irb, 0, sizeof(irb));
	irb.scsw.flags = SCSW_FLAGS_FMT | SCSW_FLAGS_PFCH | (pno ? SCSW_FLAGS_PNO : 0);
	irb.scsw.ctrl = SCSW_FCTL_START | SCSW_STCTL_PRIM | SCSW_STCTL_SEC | SCSW_STCTL_PEND;
	irb.scsw.cpa = CCW_AT + 8;
	irb.scsw.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	irb.esw[0] = (uint32_t)lpum << 16;
	fake_io_done(e->host, dev, &irb);
	sim_run(e->sim);
}

static void host_path_change(struct fake_env *e, int dev, uint8_t pam, uint32_t crw)
{
	e->host->dev[dev].schib.pmcw.pam = pam;
	fake_crw(e->host, dev, crw);
}

TEST(vfio_realize_builds_guest_paths_from_the_schib_region)
{
	struct fake_env e;
	struct schib sb;
	uint8_t type;

	env_up(&e, 1, CHPSYNC_EAGER);
	CHECK_EQ(e.host->dev[0].schib_reads, 1);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.devno, 0x3f00);
	CHECK_EQ(sb.pmcw.pim, 0xf0);
	CHECK_EQ(sb.pmcw.pam, 0xf0);
	CHECK_EQ(sb.pmcw.pom, 0xff);
	CHECK_EQ(sb.pmcw.chpid[0], 0x42);
	CHECK_EQ(sb.pmcw.chpid[3], 0x45);
	CHECK(vcss_chpid_in_use(e.css, 0x43, &type, NULL));
	CHECK_EQ(type, 0x1b);
	CHECK_EQ(e.host->dev[0].dma_size, 64ull << 20);
	CHECK_EQ(e.host->dev[0].dma_vaddr, e.vm->mem_addr);
	fake_env_down(&e);
}

TEST(vfio_steady_state_guest_stsch_costs_no_host_stsch)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 1, CHPSYNC_EAGER);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(e.host->dev[0].schib_reads, 1); /* the realize read only */
	CHECK_EQ(vfio_ccw_dev_stats(e.vm->vfio[0])->guest_stsch, 100);
	CHECK_EQ(vfio_ccw_dev_stats(e.vm->vfio[0])->host_stsch, 0);
	fake_env_down(&e);
}

TEST(vfio_missing_mdev_gives_qemu_message)
{
	struct fake_env e;
	struct vm_opts *o = fake_opts(1, CHPSYNC_EAGER, false);
	struct vmm_host h;
	char err[512];

	env_up(&e, 1, CHPSYNC_EAGER);
	snprintf(o->dev[0].sysfsdev, sizeof(o->dev[0].sysfsdev), "/sys/bus/mdev/devices/nope");
	snprintf(o->dev[0].arg, sizeof(o->dev[0].arg),
		 "vfio-ccw,sysfsdev=/sys/bus/mdev/devices/nope");
	h = fake_vmm_host(e.host);
	CHECK(vm_create_bare(&h, e.sim, o, err, sizeof(err)) == NULL);
	CHECK_STR(
		err,
		"qemu-system-s390x: -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/nope: "
		"vfio /sys/bus/mdev/devices/nope: no such host device: No such file or directory");
	fake_env_down(&e);
}

TEST(vfio_mdev_in_use_by_another_vm_is_busy)
{
	struct fake_env e;
	struct vm_opts *o = fake_opts(1, CHPSYNC_EAGER, false);
	struct vmm_host h;
	char err[512];

	env_up(&e, 1, CHPSYNC_EAGER);
	h = fake_vmm_host(e.host);
	CHECK(vm_create_bare(&h, e.sim, o, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "Device or resource busy"));
	fake_env_down(&e);
}

TEST(vfio_ssch_writes_guest_orb_to_the_io_region)
{
	struct fake_env e;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	CHECK_EQ(e.host->dev[0].nio_writes, 1);
	CHECK_EQ(e.host->dev[0].last_orb.cpa, CCW_AT);
	CHECK_EQ(e.host->dev[0].last_orb.lpm, 0xf0);
	CHECK_EQ(e.host->dev[0].last_orb.intparm, 0x1001);
	fake_env_down(&e);
}

TEST(vfio_ssch_errno_maps_to_cc_as_qemu)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	e.host->dev[0].io_ret = -EBUSY;
	CHECK_EQ(start(&e, 1), 2);
	e.host->dev[0].io_ret = -ENODEV;
	CHECK_EQ(start(&e, 1), 3);
	e.host->dev[0].io_ret = -EACCES;
	CHECK_EQ(start(&e, 1), 3);
	/* cc 3 means the host's path state moved: the next STSCH looks. */
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(e.host->dev[0].schib_reads, 2);
	e.host->dev[0].io_ret = -EFAULT;
	CHECK_EQ(start(&e, 1), 0);
	sim_run(e.sim);
	CHECK_EQ(e.g.io_irqs, 1);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_UNIT_EXCEP);
	fake_env_down(&e);
}

TEST(vfio_io_interrupt_delivers_host_irb_and_lpum)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x40, false);
	CHECK_EQ(e.g.io_irqs, 1);
	CHECK_EQ(e.g.last_intparm, 0x1001);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(irb_esw_lpum(&irb), 0x40);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.lpum, 0x40);
	/* An I/O interrupt may come with path news no CRW reports (a path
	 * that answers again): the next STSCH reads the host, once. */
	CHECK_EQ(e.host->dev[0].schib_reads, 2);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(e.host->dev[0].schib_reads, 2);
	fake_env_down(&e);
}

/* The case no CRW covers: the host's POM bit comes back when the device
 * answers on a path again; the guest's next STSCH after the interrupt
 * shows it, at one host STSCH per interrupt at most. */
TEST(vfio_io_interrupt_makes_next_stsch_see_pom_back)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	e.host->dev[0].schib.pmcw.pom = 0x7f;
	host_path_change(&e, 0, 0xf0, 0x04020042);
	sim_run(e.sim);
	enable(&e, 1);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pom, 0x7f);
	for (int i = 0; i < 3; i++) {
		uint64_t reads = e.host->dev[0].schib_reads;

		CHECK_EQ(start(&e, 1), 0);
		if (i == 1)
			e.host->dev[0].schib.pmcw.pom = 0xff; /* 0.42 answered */
		host_completes(&e, 0, 0x80, false);
		CHECK_EQ(tsch(&e, 1, &irb), 0);
		CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO));
		for (int k = 0; k < 4; k++)
			CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
		CHECK_EQ(e.host->dev[0].schib_reads, reads + 1);
		CHECK_EQ(sb.pmcw.pom, i ? 0xff : 0x7f);
		CHECK_EQ(sb.pmcw.lpum, 0x80);
	}
	CHECK_EQ(e.g.mchks, 1); /* the repair's CRW only */
	fake_env_down(&e);
}

/* Lazy: a read prompted by an interrupt that finds the paths as they
 * were arms no PNO (else each path verification would ask for another);
 * one that finds news does, once. */
TEST(vfio_lazy_interrupt_read_arms_pno_only_on_news)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_LAZY);
	enable(&e, 1);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(start(&e, 1), 0);
		host_completes(&e, 0, 0x40, false);
		CHECK_EQ(tsch(&e, 1, &irb), 0);
		CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO));
		CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	}
	e.host->dev[0].schib.pmcw.pom = 0xbf; /* found not operational, no CRW */
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x80, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO));
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pom, 0xbf);
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x80, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(irb.scsw.flags & SCSW_FLAGS_PNO);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pnom, 0x40); /* in PIM and PAM, not in POM */
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x80, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO));
	fake_env_down(&e);
}

TEST(vfio_host_pno_in_irb_makes_next_stsch_read_the_host)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	e.host->dev[0].schib.pmcw.pnom = 0x80;
	host_completes(&e, 0, 0x40, true);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(irb.scsw.flags & SCSW_FLAGS_PNO);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pnom, 0x80);
	CHECK_EQ(e.host->dev[0].schib_reads, 2);
	fake_env_down(&e);
}

TEST(vfio_hsch_and_csch_go_to_the_async_region)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	CHECK_EQ(vcss_ops.hsch(e.css, schid_word(0, 1)), 0);
	CHECK_EQ(e.host->dev[0].last_async, VFIO_CCW_ASYNC_CMD_HSCH);
	/* The start reached the host: XSCH cannot withdraw it. */
	CHECK_EQ(vcss_ops.xsch(e.css, schid_word(0, 1)), 2);
	CHECK_EQ(vcss_ops.csch(e.css, schid_word(0, 1)), 0);
	CHECK_EQ(e.host->dev[0].last_async, VFIO_CCW_ASYNC_CMD_CSCH);
	CHECK_EQ(e.host->dev[0].nasync, 2);
	/* CSCH refused with -EBUSY: unit exception + interruption, cc 0. */
	e.host->dev[0].async_ret = -EBUSY;
	CHECK_EQ(vcss_ops.csch(e.css, schid_word(0, 1)), 0);
	sim_run(e.sim);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_UNIT_EXCEP);
	fake_env_down(&e);
}

TEST(vfio_hsch_busy_on_host_is_cc2_and_gone_is_cc3)
{
	struct fake_env e;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	e.host->dev[0].async_ret = -EBUSY;
	CHECK_EQ(vcss_ops.hsch(e.css, schid_word(0, 1)), 2);
	e.host->dev[0].async_ret = -ENODEV;
	CHECK_EQ(vcss_ops.hsch(e.css, schid_word(0, 1)), 3);
	fake_env_down(&e);
}

TEST(vfio_lazy_crw_changes_nothing_until_the_guest_stsch)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 1, CHPSYNC_LAZY);
	host_path_change(&e, 0, 0x70, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 0);			 /* no CRW for the guest */
	CHECK_EQ(e.host->dev[0].ncrw, 0);	 /* but the region was drained */
	CHECK_EQ(e.host->dev[0].schib_reads, 1); /* and nothing read yet */
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	CHECK_EQ(e.host->dev[0].schib_reads, 2);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(e.host->dev[0].schib_reads, 2); /* once per signal */
	fake_env_down(&e);
}

TEST(vfio_lazy_next_io_interrupt_carries_pno_and_pnom)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_LAZY);
	host_path_change(&e, 0, 0x70, 0x04060042);
	sim_run(e.sim);
	enable(&e, 1); /* its STSCH refreshes */
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x40, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(irb.scsw.flags & SCSW_FLAGS_PNO);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pnom, 0x80);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	/* Only once: the following I/O is plain. */
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x40, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO));
	fake_env_down(&e);
}

TEST(vfio_lazy_path_back_then_stsch_shows_f0)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 1, CHPSYNC_LAZY);
	host_path_change(&e, 0, 0x70, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	host_path_change(&e, 0, 0xf0, 0x04020042);
	sim_run(e.sim);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0xf0);
	fake_env_down(&e);
}

static uint32_t stcrw(struct fake_env *e, int *cc)
{
	*cc = vcss_ops.stcrw(e->css, CRW_AT);
	return get_be32(fake_env_at(e, CRW_AT));
}

TEST(vfio_eager_shared_chpid_event_costs_the_guest_one_crw)
{
	struct fake_env e;
	struct schib sb;
	int cc;

	env_up(&e, 3, CHPSYNC_EAGER);
	for (int i = 0; i < 3; i++)
		host_path_change(&e, i, 0x70, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 1);
	CHECK_EQ(stcrw(&e, &cc), 0x04060042u);
	CHECK_EQ(cc, 0);
	stcrw(&e, &cc);
	CHECK_EQ(cc, 1);
	CHECK_EQ(e.vm->st.crws_from_host, 3);
	CHECK_EQ(e.vm->st.crws_injected, 1);
	/* The views were refreshed with the CRW: STSCH is free now. */
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(fake_env_stsch(&e, 1 + i, &sb), 0);
		CHECK_EQ(sb.pmcw.pam, 0x70);
		CHECK_EQ(e.host->dev[i].schib_reads, 2);
	}
	fake_env_down(&e);
}

TEST(vfio_eager_distinct_events_stay_distinct)
{
	struct fake_env e;
	int cc;

	env_up(&e, 2, CHPSYNC_EAGER);
	host_path_change(&e, 0, 0x70, 0x04060042);
	host_path_change(&e, 1, 0x70, 0x04060042);
	e.host->dev[0].schib.pmcw.pam = 0x30;
	fake_crw(e.host, 0, 0x04060043);
	sim_run(e.sim);
	CHECK_EQ(stcrw(&e, &cc), 0x04060042u);
	CHECK_EQ(stcrw(&e, &cc), 0x04060043u);
	stcrw(&e, &cc);
	CHECK_EQ(cc, 1);
	fake_env_down(&e);
}

TEST(vfio_eager_refreshes_pim_and_chpids_too)
{
	struct fake_env e;
	struct schib sb;
	uint8_t type;

	env_up(&e, 1, CHPSYNC_EAGER);
	e.host->dev[0].schib.pmcw.pim = 0xf8;
	e.host->dev[0].schib.pmcw.pam = 0xf8;
	e.host->dev[0].schib.pmcw.chpid[4] = 0x50;
	fake_crw(e.host, 0, 0x04020050);
	sim_run(e.sim);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pim, 0xf8);
	CHECK_EQ(sb.pmcw.chpid[4], 0x50);
	CHECK(vcss_chpid_in_use(e.css, 0x50, &type, NULL));
	CHECK_EQ(type, 0x1b);
	fake_env_down(&e);
}

TEST(vfio_eager_crw_for_vary_keeps_its_ancillary_bit)
{
	struct fake_env e;
	int cc;

	env_up(&e, 1, CHPSYNC_EAGER);
	host_path_change(&e, 0, 0xb0, 0x04860043); /* A bit: host vary off */
	sim_run(e.sim);
	CHECK_EQ(stcrw(&e, &cc), 0x04860043u);
	fake_env_down(&e);
}

TEST(vfio_two_vms_sharing_a_chpid_each_get_the_event)
{
	struct fake_env e;
	struct vm_opts *o;
	struct vm *vm2;
	struct fake_guest g2 = {0};
	struct vmm_host h;
	char err[512];
	int cc;

	env_up(&e, 2, CHPSYNC_EAGER);
	/* VM 1 got fake-0 and fake-1; rebuild: VM 1 keeps fake-0 only. */
	vm_free(e.vm);
	o = fake_opts(1, CHPSYNC_EAGER, false);
	h = fake_vmm_host(e.host);
	e.vm = vm_create_bare(&h, e.sim, o, err, sizeof(err));
	CHECK(e.vm);
	e.css = e.vm->css;
	e.mem = e.vm->gmem;
	fake_guest_bind(e.css, &e.g);
	o = fake_opts(2, CHPSYNC_EAGER, false);
	memmove(&o->dev[0], &o->dev[1], sizeof(o->dev[0]));
	o->ndev = 1;
	vm2 = vm_create_bare(&h, e.sim, o, err, sizeof(err));
	CHECK(vm2);
	fake_guest_bind(vm2->css, &g2);
	host_path_change(&e, 0, 0x70, 0x04060042);
	host_path_change(&e, 1, 0x70, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 1);
	CHECK_EQ(g2.mchks, 1);
	CHECK_EQ(stcrw(&e, &cc), 0x04060042u);
	vm_free(vm2);
	fake_env_down(&e);
}

TEST(vfio_quit_closes_the_device_and_unmaps)
{
	struct fake_env e;

	env_up(&e, 1, CHPSYNC_EAGER);
	CHECK(e.host->dev[0].open);
	vm_quit(e.vm);
	CHECK(!e.host->dev[0].open);
	CHECK_EQ(e.host->dev[0].dma_size, 0);
	/* The guest subchannel is gone for the guest. */
	CHECK_EQ(vcss_ops.ssch(e.css, schid_word(0, 1), ORB_AT), 3);
	fake_env_down(&e);
}

TEST(vfio_eager_repeated_report_of_one_event_is_dropped)
{
	struct fake_env e;
	int cc;

	env_up(&e, 1, CHPSYNC_EAGER);
	/* The host reports a deconfigure twice (SCLP completion, then the
	 * machine's CRW): the second brings no news. */
	host_path_change(&e, 0, 0x70, 0x04060042);
	sim_run(e.sim);
	fake_crw(e.host, 0, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 1);
	CHECK_EQ(e.vm->st.crws_injected, 1);
	CHECK_EQ(e.vm->st.crws_suppressed, 1);
	CHECK_EQ(stcrw(&e, &cc), 0x04060042u);
	stcrw(&e, &cc);
	CHECK_EQ(cc, 1);
	fake_env_down(&e);
}

TEST(vfio_eager_offline_online_offline_are_three_events)
{
	struct fake_env e;

	env_up(&e, 1, CHPSYNC_EAGER);
	host_path_change(&e, 0, 0x70, 0x04060042);
	sim_run(e.sim);
	host_path_change(&e, 0, 0xf0, 0x04020042);
	sim_run(e.sim);
	host_path_change(&e, 0, 0x70, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(e.vm->st.crws_injected, 3);
	CHECK_EQ(vcss_crw_pending(e.css), 3);
	fake_env_down(&e);
}

TEST(vfio_eager_device_whose_crw_is_late_is_refreshed_with_the_first)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 2, CHPSYNC_EAGER);
	e.host->dev[1].schib.pmcw.pam = 0x70; /* its CRW has not come yet */
	host_path_change(&e, 0, 0x70, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(fake_env_stsch(&e, 2, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	fake_crw(e.host, 1, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(e.vm->st.crws_injected, 1);
	fake_env_down(&e);
}

TEST(vfio_host_request_unplugs_the_device_from_the_guest)
{
	struct fake_env e;
	struct schib sb;
	int cc;

	env_up(&e, 2, CHPSYNC_EAGER);
	enable(&e, 1);
	fake_req(e.host, 0);
	sim_run(e.sim);
	CHECK(!e.host->dev[0].open); /* given back */
	CHECK_EQ(e.host->dev[0].dma_size, 0);
	CHECK_EQ(e.g.mchks, 1);
	CHECK_EQ(stcrw(&e, &cc), 0x03040001u);	 /* RSC 3, ERC 4, subchannel 1 */
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0); /* still stored, but gone */
	CHECK(!(sb.pmcw.flags & PMCW_FLAGS_DNV));
	CHECK_EQ(start(&e, 1), 3);
	CHECK_EQ(fake_env_stsch(&e, 2, &sb), 0); /* the other device stays */
	CHECK(sb.pmcw.flags & PMCW_FLAGS_DNV);
	/* A late CRW for the unplugged device's CHPID changes nothing. */
	host_path_change(&e, 1, 0x70, 0x04060042);
	sim_run(e.sim);
	CHECK_EQ(fake_env_stsch(&e, 2, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	fake_env_down(&e);
}

/* Lazy, beyond the letter: a guest whose device has no path left (the
 * host refused its start with -ENODEV) gets the CRW that makes a path
 * available, refreshed and without a synthetic PNO on top; the guest whose
 * device still has paths gets nothing, as the letter says. */
TEST(vfio_lazy_forwards_a_path_back_to_a_guest_with_none_left)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;
	int cc;

	env_up(&e, 1, CHPSYNC_LAZY);
	enable(&e, 1);
	/* a path comes back while the guest still has paths: nothing */
	host_path_change(&e, 0, 0xf0, 0x04020042);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 0);
	/* no path left on the host: the guest's start gets cc 3 */
	e.host->dev[0].io_ret = -ENODEV;
	CHECK_EQ(start(&e, 1), 3);
	CHECK_EQ(e.g.mchks, 0);
	e.host->dev[0].io_ret = 0;
	/* a path-gone report is still the letter's: discarded */
	host_path_change(&e, 0, 0xf0, 0x04060044);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 0);
	/* the path back reaches the guest as a channel report */
	e.host->dev[0].schib.pmcw.pom = 0x4f;
	host_path_change(&e, 0, 0xf0, 0x04020043);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 1);
	CHECK_EQ(stcrw(&e, &cc), 0x04020043u);
	CHECK_EQ(cc, 0);
	int reads = e.host->dev[0].schib_reads;
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pom, 0x4f);		     /* refreshed with the CRW */
	CHECK_EQ(e.host->dev[0].schib_reads, reads); /* costs no host STSCH */
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x40, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO)); /* the CRW told it */
	/* lazy again: the next report is not forwarded */
	host_path_change(&e, 0, 0xf0, 0x04020044);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 1);
	fake_env_down(&e);
}

/* A cc 3 the guest got for its own start is no news to it: the STSCH
 * after it reads the host, but arms no synthetic PNO (which would make
 * the guest's next channel program on a good path a path error). */
TEST(vfio_lazy_cc3_for_the_guests_own_start_arms_no_pno)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_LAZY);
	enable(&e, 1);
	e.host->dev[0].io_ret = -EACCES;
	CHECK_EQ(start(&e, 1), 3);
	e.host->dev[0].io_ret = 0;
	int reads = e.host->dev[0].schib_reads;
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(e.host->dev[0].schib_reads, reads + 1);
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x40, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO));
	fake_env_down(&e);
}

/* ---- chpsync=qemu: upstream QEMU, for comparisons ---- */

TEST(vfio_qemu_every_guest_stsch_reads_the_schib_region)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 1, CHPSYNC_QEMU);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(e.host->dev[0].schib_reads, 1 + 10);
	CHECK_EQ(vfio_ccw_dev_stats(e.vm->vfio[0])->host_stsch, 10);
	fake_env_down(&e);
}

TEST(vfio_qemu_passes_one_crw_per_subchannel)
{
	struct fake_env e;
	struct schib sb;
	int cc;

	env_up(&e, 3, CHPSYNC_QEMU);
	for (int i = 0; i < 3; i++)
		host_path_change(&e, i, 0x70, 0x04060042);
	sim_run(e.sim);
	/* three identical reports, as QEMU queues them (chpsync: one) */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(stcrw(&e, &cc), 0x04060042u);
	stcrw(&e, &cc);
	CHECK_EQ(cc, 1);
	CHECK_EQ(vcss_stats(e.css)->crws_queued, 3);
	/* and nothing refreshed behind the guest: its STSCH reads the host */
	CHECK_EQ(e.host->dev[0].schib_reads, 1);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pam, 0x70);
	CHECK_EQ(e.host->dev[0].schib_reads, 2);
	fake_env_down(&e);
}

TEST(vfio_qemu_keeps_pim_and_chpids_of_realize)
{
	struct fake_env e;
	struct schib sb;

	env_up(&e, 1, CHPSYNC_QEMU);
	e.host->dev[0].schib.pmcw.pim = 0xf8;
	e.host->dev[0].schib.pmcw.pam = 0xf8;
	e.host->dev[0].schib.pmcw.chpid[4] = 0x50;
	fake_crw(e.host, 0, 0x04020050);
	sim_run(e.sim);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pim, 0xf0); /* frozen at realize */
	CHECK_EQ(sb.pmcw.pam, 0xf8);
	CHECK_EQ(sb.pmcw.chpid[4], 0);
	fake_env_down(&e);
}

/* A path that went and came back before the guest looked: the refresh
 * finds every path available, and the next interruption must not carry a
 * PNO with nothing in PNOM (the guest would give up the path that program
 * ran on; with one path, the device: found by chpsync explore). */
TEST(vfio_lazy_paths_all_back_arm_no_pno)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_LAZY);
	host_path_change(&e, 0, 0x70, 0x04060042);
	host_path_change(&e, 0, 0xf0, 0x04020042);
	sim_run(e.sim);
	enable(&e, 1); /* its STSCH refreshes: PAM f0, PNOM 0 */
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x80, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO));
	fake_env_down(&e);
}

/* The host ends a halt (or clear) the guest asked for with status of its
 * own: FC halt, status pending alone, device end. */
static void host_halt_done(struct fake_env *e, int dev, uint16_t fctl)
{
	struct irb irb;

	memset(&irb, 0, sizeof(irb));
	irb.scsw.flags = SCSW_FLAGS_FMT | SCSW_FLAGS_PFCH;
	irb.scsw.ctrl = fctl | SCSW_STCTL_PEND;
	irb.scsw.dstat = fctl == SCSW_FCTL_HALT ? DEV_STAT_DEV_END : 0;
	fake_io_done(e->host, dev, &irb);
	sim_run(e->sim);
}

static int set_enabled(struct fake_env *e, int no, bool on)
{
	struct schib sb;

	CHECK_EQ(fake_env_stsch(e, no, &sb), 0);
	if (on)
		sb.pmcw.flags |= PMCW_FLAGS_ENA;
	else
		sb.pmcw.flags &= (uint16_t)~PMCW_FLAGS_ENA;
	schib_encode(&sb, fake_env_at(e, SCHIB_AT));
	return vcss_ops.msch(e->css, schid_word(0, (uint16_t)no), SCHIB_AT);
}

/* The guest halts its start (cio giving up a lost path); on the host the
 * start ends before the halt arrives, so the host's IRB shows the start
 * alone, and the halt, performed on an idle subchannel, ends later with
 * status of its own.  A channel subsystem shows one status with FC start
 * and halt, and nothing after it: so does the VMM.  (Found by chpsync
 * explore: the halt's late status made the subchannel the guest had
 * disabled status pending, MSCH cc 1 for ever, and the guest's device
 * never came back.) */
TEST(vfio_start_status_that_overtook_the_guests_halt_ends_the_halt)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	CHECK_EQ(vcss_ops.hsch(e.css, schid_word(0, 1)), 0);
	host_completes(&e, 0, 0x80, false);
	CHECK_EQ(e.g.io_irqs, 1);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl & SCSW_FCTL_MASK, SCSW_FCTL_START | SCSW_FCTL_HALT);
	CHECK_EQ(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	CHECK_EQ(set_enabled(&e, 1, false), 0);
	host_halt_done(&e, 0, SCSW_FCTL_HALT);
	CHECK_EQ(e.g.io_irqs, 1);
	CHECK_EQ(set_enabled(&e, 1, true), 0);
	CHECK_EQ(tsch(&e, 1, &irb), 1);
	fake_env_down(&e);
}

/* The same halt's status while the guest's subchannel is still enabled:
 * it is over, no second status. */
TEST(vfio_late_status_of_an_overtaken_halt_is_not_presented)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	CHECK_EQ(vcss_ops.hsch(e.css, schid_word(0, 1)), 0);
	host_completes(&e, 0, 0x80, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	host_halt_done(&e, 0, SCSW_FCTL_HALT);
	CHECK_EQ(e.g.io_irqs, 1);
	CHECK_EQ(tsch(&e, 1, &irb), 1);
	/* a halt the host performs while the start runs ends it as usual */
	CHECK_EQ(start(&e, 1), 0);
	CHECK_EQ(vcss_ops.hsch(e.css, schid_word(0, 1)), 0);
	host_halt_done(&e, 0, SCSW_FCTL_START | SCSW_FCTL_HALT);
	CHECK_EQ(e.g.io_irqs, 2);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl & SCSW_FCTL_MASK, SCSW_FCTL_START | SCSW_FCTL_HALT);
	fake_env_down(&e);
}

/* After the guest's CSCH no status of the old function may come: the
 * start's status the host sent before the clear reached it is dropped,
 * the clear's own status is presented. */
TEST(vfio_start_status_after_the_guests_clear_is_dropped)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	CHECK_EQ(vcss_ops.csch(e.css, schid_word(0, 1)), 0);
	host_completes(&e, 0, 0x80, false);
	CHECK_EQ(e.g.io_irqs, 0);
	host_halt_done(&e, 0, SCSW_FCTL_CLEAR);
	CHECK_EQ(e.g.io_irqs, 1);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK_EQ(irb.scsw.ctrl & SCSW_FCTL_MASK, SCSW_FCTL_CLEAR);
	fake_env_down(&e);
}

/* A disabled subchannel takes no status (MSCH would give cc 1 and TSCH
 * cc 3 for ever): unsolicited host status for it is dropped.  QEMU makes
 * it pending. */
TEST(vfio_host_status_for_a_disabled_guest_subchannel_is_dropped)
{
	struct fake_env e;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_EAGER);
	enable(&e, 1);
	CHECK_EQ(set_enabled(&e, 1, false), 0);
	host_halt_done(&e, 0, SCSW_FCTL_HALT);
	CHECK_EQ(e.g.io_irqs, 0);
	CHECK_EQ(set_enabled(&e, 1, true), 0);
	CHECK_EQ(tsch(&e, 1, &irb), 1);
	fake_env_down(&e);
}

/* lazy: a path found not operational by the guest's own program comes
 * with the host's PNO in that program's status; the guest has seen it, so
 * the STSCH after it (POM and PNOM changed) arms no PNO of the VMM's own on
 * top: that would name the path again on the guest's next program, on a
 * good path, and its path verification would start over and over (found
 * by chpsync explore: a lazy guest kept verifying until it declared the
 * device disconnected, with a path left). */
TEST(vfio_lazy_host_pno_seen_by_the_guest_arms_no_pno_of_its_own)
{
	struct fake_env e;
	struct schib sb;
	struct irb irb;

	env_up(&e, 1, CHPSYNC_LAZY);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	e.host->dev[0].schib.pmcw.pom = 0x7f;
	e.host->dev[0].schib.pmcw.pnom = 0x80;
	host_completes(&e, 0, 0x40, true);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(irb.scsw.flags & SCSW_FLAGS_PNO);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(sb.pmcw.pom, 0x7f);
	CHECK_EQ(sb.pmcw.pnom, 0x80);
	CHECK_EQ(start(&e, 1), 0);
	e.host->dev[0].schib.pmcw.pnom = 0;
	host_completes(&e, 0, 0x40, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(!(irb.scsw.flags & SCSW_FLAGS_PNO));
	/* news after it still arm one */
	host_path_change(&e, 0, 0xb0, 0x04060043);
	sim_run(e.sim);
	CHECK_EQ(fake_env_stsch(&e, 1, &sb), 0);
	CHECK_EQ(start(&e, 1), 0);
	host_completes(&e, 0, 0x40, false);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK(irb.scsw.flags & SCSW_FLAGS_PNO);
	fake_env_down(&e);
}

/* lazy: a program of the guest that ends in deferred cc 3 (no path of it
 * answered: the guest is left without a path, as a start the host refuses
 * with -ENODEV) makes the host's next report of a path coming back reach
 * the guest, also when the forwarded report before it did not help (the
 * guest's Sense ID on that path found the link still down).  Found by
 * chpsync explore: the guest waited for its recovery timer (30 s) with
 * every path repaired. */
TEST(vfio_lazy_deferred_cc3_forwards_the_next_path_back)
{
	struct fake_env e;
	struct irb irb, cc3;
	int cc;

	memset(&cc3, 0, sizeof(cc3));
	cc3.scsw.flags = (uint16_t)(3u << SCSW_CC_SHIFT);
	cc3.scsw.ctrl = SCSW_FCTL_START | SCSW_STCTL_ALERT | SCSW_STCTL_PEND;
	env_up(&e, 1, CHPSYNC_LAZY);
	enable(&e, 1);
	CHECK_EQ(start(&e, 1), 0);
	fake_io_done(e.host, 0, &cc3);
	sim_run(e.sim);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	CHECK_EQ(scsw_cc(&irb.scsw), 3);
	host_path_change(&e, 0, 0xf0, 0x04020042);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 1);
	CHECK_EQ(stcrw(&e, &cc), 0x04020042u);
	stcrw(&e, &cc); /* empty: re-arms the channel-report machine check */
	CHECK_EQ(cc, 1);
	/* the guest tries that path: the link is still down */
	CHECK_EQ(start(&e, 1), 0);
	fake_io_done(e.host, 0, &cc3);
	sim_run(e.sim);
	CHECK_EQ(tsch(&e, 1, &irb), 0);
	/* the next path back is forwarded too */
	host_path_change(&e, 0, 0xf0, 0x04020043);
	sim_run(e.sim);
	CHECK_EQ(e.g.mchks, 2);
	CHECK_EQ(stcrw(&e, &cc), 0x04020043u);
	fake_env_down(&e);
}
