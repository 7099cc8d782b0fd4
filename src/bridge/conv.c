/* Byte order conversions of the bridge (see conv.h). */
#include "bridge/conv.h"

#include <string.h>

struct field {
	uint16_t off, size;
};

/* QEMU's ORB (intparm, ctrl0, lpm, ctrl1, cpa) at orb_area (0) and SCSW
 * (flags, ctrl, cpa, dstat, cstat, count) at scsw_area (12). */
static const struct field io_write_fields[] = {
	{0, 4}, {4, 2}, {8, 4}, {12, 2}, {14, 2}, {16, 4}, {22, 2},
};

/* QEMU's SCHIB: PMCW (intparm, flags, devno, lpm pnom lpum pim, mbi, pom
 * pam, chpid[8], chars), SCSW at 28, mba (u64) at 40, mda[4] at 48. */
static const struct field schib_fields[] = {
	{0, 4}, {4, 2}, {6, 2}, {12, 2}, {24, 4}, {28, 2}, {30, 2}, {32, 4}, {38, 2}, {40, 8},
};

static int little_endian(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

static void swap(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		uint8_t t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

static int inside(uint64_t off, size_t len, const struct field *f)
{
	return f->off >= off && f->off + f->size <= off + len;
}

static void swap_fields(const struct field *f, size_t n, uint64_t off, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (inside(off, len, &f[i]))
			swap(buf + (f[i].off - off), f[i].size);
}

void bridge_conv_write(int region, uint64_t off, uint8_t *buf, size_t len)
{
	if (!little_endian())
		return;
	if (region == BRIDGE_REGION_IO)
		swap_fields(io_write_fields, sizeof(io_write_fields) / sizeof(io_write_fields[0]),
			    off, buf, len);
}

void bridge_conv_read(int region, uint64_t off, uint8_t *buf, size_t len)
{
	if (!little_endian())
		return;
	if (region == BRIDGE_REGION_SCHIB) {
		swap_fields(schib_fields, sizeof(schib_fields) / sizeof(schib_fields[0]), off, buf,
			    len);
	} else if (region == BRIDGE_REGION_CRW) {
		static const struct field crw = {0, 4};
		uint32_t w;
		uint16_t flags, rsid;

		if (!inside(off, len, &crw))
			return;
		/* The native word 0xFFFFRRRR becomes native {0xFFFF, 0xRRRR}. */
		memcpy(&w, buf + (crw.off - off), 4);
		flags = (uint16_t)(w >> 16);
		rsid = (uint16_t)w;
		memcpy(buf + (crw.off - off), &flags, 2);
		memcpy(buf + (crw.off - off) + 2, &rsid, 2);
	}
}
