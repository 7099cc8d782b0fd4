/* 3390 identity: Sense ID, Read Device Characteristics, Read Configuration
 * Data (eckd-dasd.md §4.2-4.4).  The values are those of a 3390 behind a
 * 3990-6 (or a 2107), so Linux prints "New DASD 3390/0C (CU 3990/01)" and
 * lscss shows "3390/0c 3990/e9". */
#include <stdio.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/eckd.h"
#include "arch/senseid.h"
#include "dev/cdl.h"
#include "dev/eckd_priv.h"

/* 3390 geometry constants shared by every model (Hercules dasdtab.c). */
#define R3390_SECTORS 224
#define R3390_TRKLEN  58786
#define R3390_HAR0    1428
#define R3390_R0MAX   57326
#define R3390_RPS     0x7708

struct cu_model {
	uint16_t type;
	uint8_t model;
	uint8_t features[4]; /* RDC bytes 6-9 */
	uint16_t rni_count;  /* Sense ID RNI CIW count */
};

static const struct cu_model cu_3990_6 = {0x3990, 0xe9, {0x50, 0x00, 0x10, 0x96}, 0x60};
static const struct cu_model cu_2107 = {0x2107, 0xe8, {0x52, 0x80, 0x10, 0xb7}, 0x1a0};

static const struct cu_model *cu_of(const struct eckd *e)
{
	return e->cfg.cu_type == 0x2107 ? &cu_2107 : &cu_3990_6;
}

/* The model byte Hercules reports for a plain "3390" of this size: the
 * first model whose primary + alternate cylinders hold the volume. */
uint8_t eckd_model_for(uint32_t cyls, uint8_t *type_code)
{
	static const struct {
		uint32_t max_cyls;
		uint8_t model, code;
	} tab[] = {{1114, 0x02, 0x26}, {2227, 0x06, 0x27}, {3340, 0x0a, 0x24}};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (cyls <= tab[i].max_cyls) {
			*type_code = tab[i].code;
			return tab[i].model;
		}
	}
	*type_code = 0x32;
	return 0x0c;
}

int eckd_sense_id(const struct eckd *e, uint8_t *out)
{
	const struct cu_model *cu = cu_of(e);
	struct senseid s = {
		.cu_type = cu->type,
		.cu_model = cu->model,
		.dev_type = 0x3390,
		.dev_model = e->model,
		.nciw = 3,
		.ciw = {{CIW_TYPE_RCD, 0xfa, 256},
			{CIW_TYPE_SII, 0x27, 4},
			{CIW_TYPE_RNI, 0x3e, cu->rni_count}},
	};

	return senseid_encode(&s, out);
}

void eckd_rdc(const struct eckd *e, uint8_t out[64])
{
	const struct cu_model *cu = cu_of(e);
	uint32_t cyls = e->img.cyls;
	struct eckd_rdc r = {
		.cu_type = cu->type,
		.cu_model = cu->model,
		.dev_type = 0x3390,
		.dev_model = e->model,
		.dev_class = 0x20, /* DASD */
		.unit_type = e->type_code,
		.cyls = (uint16_t)(cyls > 65520 ? 0xfffe : cyls),
		.heads = (uint16_t)e->img.heads,
		.sectors = R3390_SECTORS,
		.track_len = R3390_TRKLEN,
		.ha_r0 = R3390_HAR0,
		.formula = 2, /* capacity formula 2: f1..f6 */
		.factors = {34, 19, 9, 6, 116},
		.alt_codes = {e->type_code, e->type_code, 0x15 /* 3990-6 */, 0x02},
		.r0_max = R3390_R0MAX,
		.track_set = 0x01,
		.factor7 = 6,
		.factor8 = R3390_RPS,
		.res51 = {0x0f, 0x00, 0x7f, 0x40},
		.misc57 = 0xff, /* "disk array": no alternate-track probing */
		.long_cyls = cyls,
	};

	memcpy(r.features, cu->features, 4);
	eckd_rdc_encode(&r, out);
}

/* One node-element descriptor (struct dasd_ned). */
static void rcd_ned(uint8_t *d, uint8_t flags, uint8_t type, uint8_t cls, const char *dtype,
		    const char *model, const char *serial, uint8_t id, uint8_t ua)
{
	d[0] = flags;
	d[1] = type;
	d[2] = cls;
	cdl_to_ebcdic(d + 4, dtype, 6);
	cdl_to_ebcdic(d + 10, model, 3);
	cdl_to_ebcdic(d + 13, "IBM", 3);
	cdl_to_ebcdic(d + 16, "75", 2);
	cdl_to_ebcdic(d + 18, serial, 12);
	d[30] = id;
	d[31] = ua;
}

/* The same 256 bytes on every path: the serial, SSID and unit address come
 * from the device number, so Linux sees one device UID on all paths. */
void eckd_rcd(const struct eckd *e, uint8_t out[256])
{
	const struct cu_model *cu = cu_of(e);
	uint16_t devno = e->cfg.devno;
	uint8_t lss = (uint8_t)(devno >> 8), ua = (uint8_t)devno;
	char serial[13], cutype[7], cumodel[4], model[4];
	uint8_t *g = out + 224;

	snprintf(serial, sizeof(serial), "0000000%05X", (unsigned)devno);
	snprintf(cutype, sizeof(cutype), "00%04X", (unsigned)cu->type);
	snprintf(cumodel, sizeof(cumodel), "0%02X", (unsigned)cu->model);
	snprintf(model, sizeof(model), "0%02X", (unsigned)e->model);
	memset(out, 0, 256);
	rcd_ned(out + 0, 0xdc, 0x01, 0x01, "003390", model, serial, lss, ua);  /* the device */
	rcd_ned(out + 32, 0xd4, 0x02, 0x00, "003390", model, serial, lss, ua); /* string */
	rcd_ned(out + 64, 0xd0, 0x00, 0x00, cutype, cumodel, serial, lss, 0); /* storage director */
	rcd_ned(out + 96, 0xf0, 0x00, 0x00, cutype, cumodel, serial, lss, 0); /* subsystem token */
	out[96 + 3] = 0x01;
	/* GNEQ: 30 s timeout, SSID, preferred path access. */
	g[0] = 0x80;
	g[6] = 0x1e;
	put_be16(g + 8, (uint16_t)(devno & ~0x1f));
	g[10] = 0x80;
	g[17] = 0x00; /* no zHPF */
	g[18] = 0x03;
	g[31] = ua;
}
