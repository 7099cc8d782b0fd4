/* Helpers for the machine-layer tests: a small world (sim + machine + one
 * bound "OS" that records upcalls), and encoders that put architected
 * operands into host storage with the arch/ codecs. */
#ifndef CHPSYNC_TESTS_MACHINE_MT_H
#define CHPSYNC_TESTS_MACHINE_MT_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/crw.h"
#include "arch/ids.h"
#include "arch/irb.h"
#include "arch/orb.h"
#include "arch/schib.h"
#include "dev/testdev.h"
#include "machine/machine.h"
#include "t.h"

#define A_SCHIB 0x1000
#define A_ORB	0x1100
#define A_IRB	0x1200
#define A_CRW	0x1300
#define A_TPI	0x1310
#define A_CCW	0x2000
#define A_DATA	0x3000
#define A_CHSC	0x8000
#define A_SCCB	0xa000

struct mt {
	struct sim *sim;
	struct machine *m;
	struct css_if css;
	struct ccwdev *dev;
	int nint;
	uint32_t int_schid, int_parm, int_word;
	int nmchk;
	int nsig;
	uint64_t sig_sccb;
};

static void mt_io_int(void *os, uint32_t schid, uint32_t intparm, uint32_t word)
{
	struct mt *w = os;

	w->nint++;
	w->int_schid = schid;
	w->int_parm = intparm;
	w->int_word = word;
}

static void mt_mchk(void *os)
{
	((struct mt *)os)->nmchk++;
}

static void mt_sig(void *os, uint64_t sccb)
{
	struct mt *w = os;

	w->nsig++;
	w->sig_sccb = sccb;
}

static inline uint8_t *mt_mem(struct mt *w, uint64_t addr)
{
	return machine_storage(w->m)->base + addr;
}

/* A world with CHPIDs 42-45 (FC) and, unless npaths == 0, one test device
 * on subchannel 0.0.0000, devno 0x1234, using the first npaths CHPIDs. */
static inline void mt_init(struct mt *w, int npaths, unsigned crwq)
{
	static const uint8_t chps[4] = {0x42, 0x43, 0x44, 0x45};
	struct machine_config cfg = {
		.storage_size = 16 << 20, .crw_queue_len = crwq, .workdir = t_tmpdir()};
	struct css_upcalls up = {.os = w,
				 .io_interrupt = mt_io_int,
				 .channel_report = mt_mchk,
				 .service_signal = mt_sig};

	memset(w, 0, sizeof(*w));
	w->sim = sim_new(1);
	w->m = machine_new(w->sim, &cfg);
	CHECK(w->m != NULL);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(machine_add_chpid(w->m, chps[i], 0x1b, true), 0);
	w->css = machine_css(w->m);
	w->css.ops->bind(w->css.css, &up);
	w->css.ops->set_isc_mask(w->css.css, 0xff);
	if (npaths) {
		w->dev = testdev_new(NULL);
		CHECK_EQ(machine_add_device(w->m, 0, 0, 0x1234, chps, npaths, w->dev), 0);
	}
}

static inline void mt_fini(struct mt *w)
{
	machine_free(w->m);
	sim_free(w->sim);
}

#define SCH0 0x00010000u

static inline int mt_stsch(struct mt *w, uint32_t schid, struct schib *sb)
{
	int cc = w->css.ops->stsch(w->css.css, schid, A_SCHIB);

	if (cc == 0 && sb)
		schib_decode(mt_mem(w, A_SCHIB), sb);
	return cc;
}

static inline int mt_msch(struct mt *w, uint32_t schid, const struct schib *sb)
{
	schib_encode(sb, mt_mem(w, A_SCHIB));
	return w->css.ops->msch(w->css.css, schid, A_SCHIB);
}

/* Enable the subchannel with ISC 3 and intparm = its number. */
static inline void mt_enable(struct mt *w, uint32_t schid)
{
	struct schib sb;

	CHECK_EQ(mt_stsch(w, schid, &sb), 0);
	sb.pmcw.flags |= PMCW_FLAGS_ENA | 3 << PMCW_ISC_SHIFT;
	sb.pmcw.intparm = schid;
	CHECK_EQ(mt_msch(w, schid, &sb), 0);
}

static inline void mt_ccw(struct mt *w, int i, uint8_t cmd, uint8_t flags, uint16_t count,
			  uint32_t cda)
{
	struct ccw1 c = {.cmd = cmd, .flags = flags, .count = count, .cda = cda};

	ccw1_encode(&c, mt_mem(w, A_CCW + 8 * i));
}

static inline int mt_ssch_orb(struct mt *w, uint32_t schid, const struct orb *o)
{
	orb_encode(o, mt_mem(w, A_ORB));
	return w->css.ops->ssch(w->css.css, schid, A_ORB);
}

/* SSCH of the program at A_CCW, format 1, with `lpm`. */
static inline int mt_ssch(struct mt *w, uint32_t schid, uint8_t lpm)
{
	struct orb o = {.intparm = 0xfeed, .ctrl0 = ORB_CTRL0_FMT, .lpm = lpm, .cpa = A_CCW};

	return mt_ssch_orb(w, schid, &o);
}

static inline int mt_tsch(struct mt *w, uint32_t schid, struct irb *irb)
{
	int cc = w->css.ops->tsch(w->css.css, schid, A_IRB);

	if (cc != 3 && cc >= 0)
		irb_decode(mt_mem(w, A_IRB), irb);
	return cc;
}

static inline uint32_t mt_stcrw(struct mt *w, int *cc)
{
	*cc = w->css.ops->stcrw(w->css.css, A_CRW);
	return get_be32(mt_mem(w, A_CRW));
}

#endif
