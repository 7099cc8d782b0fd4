/* The ECKD discipline (Linux dasd_eckd.c): configuration data per path,
 * device characteristics, the online sequence and its messages, disk
 * layout analysis, and the channel programs for block I/O:
 *   DE + LR + N x (0x86 read | 0x85 write), format-1 CCWs, format-2 IDAWs;
 *   CDL special blocks (track 0 R1-R3, track 1) one at a time with
 *   LR(count 1) + 0x8E/0x8D and their real record length. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/bytes.h"
#include "arch/ccw.h"
#include "arch/eckd.h"
#include "os/dasd_priv.h"

/* ---- EBCDIC (the characters labels and RCD use) ---- */

void ebcdic_to_ascii(char *out, const uint8_t *in, size_t n)
{
	static const char upper[3][10] = {
		{0, 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'},
		{0, 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R'},
		{0, 0, 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z'},
	};
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = in[i], hi = c >> 4, lo = c & 0xf;
		char a = '.';

		if (c == 0x40 || c == 0x00)
			a = ' ';
		else if (hi == 0xf && lo <= 9)
			a = (char)('0' + lo);
		else if (hi >= 0xc && hi <= 0xe && lo <= 9 && upper[hi - 0xc][lo])
			a = upper[hi - 0xc][lo];
		else if (hi >= 0x8 && hi <= 0xa && lo <= 9 && upper[hi - 0x8][lo])
			a = (char)(upper[hi - 0x8][lo] - 'A' + 'a');
		else if (c == 0x4b)
			a = '.';
		else if (c == 0x60)
			a = '-';
		else if (c == 0x7b)
			a = '#';
		else if (c == 0x7c)
			a = '@';
		else if (c == 0x5b)
			a = '$';
		out[i] = a;
	}
	out[n] = '\0';
}

/* ---- channel program building ---- */

struct cp_builder {
	uint8_t *k;		  /* the request's storage, NULL when not addressable */
	uint64_t mem;		  /* its address */
	uint64_t ccw, idaw, parm; /* next free addresses */
};

/* The CCWs, IDAWs and parameter bytes all lie in the request's storage
 * (cpb_size() sized it for them), so it is translated to a kernel pointer
 * once here rather than once for each of them. */
static void cpb_init(struct cp_builder *b, struct dasd_ccw_req *cqr, int nccw, int nidaw)
{
	b->k = dasd_kptr(cqr->device, cqr->mem, cqr->memsize);
	b->mem = cqr->mem;
	b->ccw = cqr->mem;
	b->idaw = cqr->mem + (uint64_t)nccw * CCW_SIZE;
	b->parm = b->idaw + (uint64_t)nidaw * IDAW2_SIZE;
}

static uint8_t *cpb_ptr(const struct cp_builder *b, uint64_t addr)
{
	return b->k ? b->k + (addr - b->mem) : NULL;
}

static uint64_t cpb_size(int nccw, int nidaw, int parm_bytes)
{
	return (uint64_t)nccw * CCW_SIZE + (uint64_t)nidaw * IDAW2_SIZE + (uint64_t)parm_bytes;
}

/* A CCW whose data is `len` bytes at `addr`, through one format-2 IDAW
 * when ida is set (the data never crosses a 4K boundary here).  Always
 * inline: with its arguments constants the flags fold, and the builder
 * stays in registers instead of being reloaded after every store. */
static inline __attribute__((always_inline)) void
cpb_ccw(struct cp_builder *b, uint8_t cmd, uint8_t flags, uint16_t count, uint64_t addr, bool ida)
{
	struct ccw1 c = {.cmd = cmd, .flags = flags, .count = count, .cda = (uint32_t)addr};
	uint8_t *p;

	if (ida) {
		p = cpb_ptr(b, b->idaw);
		if (p)
			put_be64(p, addr);
		c.flags |= CCW_FLAG_IDA;
		c.cda = (uint32_t)b->idaw;
		b->idaw += IDAW2_SIZE;
	}
	p = cpb_ptr(b, b->ccw);
	if (p)
		ccw1_encode(&c, p);
	b->ccw += CCW_SIZE;
}

/* Parameter bytes (DE, LR, PSF) in the request's storage. */
static uint64_t cpb_parm(struct cp_builder *b, const uint8_t *bytes, size_t len)
{
	uint64_t a = b->parm;
	uint8_t *p = cpb_ptr(b, a);

	if (p)
		memcpy(p, bytes, len);
	b->parm += (len + 7) & ~(size_t)7;
	return a;
}

static void build_de(uint8_t de[ECKD_DE_SIZE], const struct dasd_device *dev, uint8_t mask,
		     uint8_t attr, uint32_t first_trk, uint32_t last_trk)
{
	struct eckd_de d = {.mask = mask, .ga = attr, .first_trk = first_trk, .last_trk = last_trk};

	eckd_de_encode(&d, (uint16_t)dev->heads, de);
}

/* 3390 sector of record `rec` with `reclen` key+data bytes (Linux
 * recs_per_track/locate_record arithmetic). */
static uint8_t eckd_sector(uint32_t rec, uint32_t reclen)
{
	uint32_t dn = (reclen + 6 + 231) / 232;
	uint32_t d = 9 + (reclen + 6 * (dn + 1) + 33) / 34;

	return (uint8_t)((49 + (rec - 1) * (10 + d)) / 8);
}

static void build_lr(uint8_t lr[ECKD_LR_SIZE], const struct dasd_device *dev, uint8_t op,
		     uint8_t aux, uint8_t count, uint32_t trk, uint8_t rec, uint8_t sector,
		     uint16_t tlf)
{
	struct eckd_lr l = {.op = op,
			    .aux = aux,
			    .count = count,
			    .seek_trk = trk,
			    .search_trk = trk,
			    .search_rec = rec,
			    .sector = sector,
			    .tlf = tlf};

	eckd_lr_encode(&l, (uint16_t)dev->heads, lr);
}

/* ---- single-CCW helpers for the online sequence ---- */

static struct dasd_ccw_req *single_ccw_req(struct dasd_device *dev, uint8_t cmd, uint8_t flags,
					   uint16_t count, uint64_t datasize)
{
	struct dasd_ccw_req *cqr = dasd_alloc_request(dev, cpb_size(1, 1, 0), datasize);
	struct cp_builder b;

	if (!cqr)
		return NULL;
	cpb_init(&b, cqr, 1, 1);
	cpb_ccw(&b, cmd, flags, count, cqr->data, true);
	return cqr;
}

/* UID from configuration data: vendor.serial.ssid.unit_address. */
static void rcd_uid(const uint8_t *rcd, char *uid, size_t len)
{
	const uint8_t *ned = NULL, *gneq = NULL;
	char vendor[4], serial[15];
	int i;

	uid[0] = '\0';
	for (i = 0; i < 8; i++) {
		const uint8_t *d = rcd + 32 * i;

		if ((d[0] & 0xc0) == 0xc0 && d[1] == 1 && !ned)
			ned = d;
		else if ((d[0] & 0xc0) == 0x80 && !gneq)
			gneq = d;
	}
	if (!ned || !gneq)
		return;
	ebcdic_to_ascii(vendor, ned + 13, 3);
	ebcdic_to_ascii(serial, ned + 16, 14);
	snprintf(uid, len, "%s.%s.%04x.%02x", vendor, serial, get_be16(gneq + 8), ned[31]);
}

int dasd_eckd_read_conf_path(struct dasd_device *dev, uint8_t path, char *uid, size_t uidlen)
{
	const struct ciw *ciw = ccw_device_get_ciw(dev->cdev, CIW_TYPE_RCD);
	struct dasd_ccw_req *cqr;
	uint8_t *buf;
	int rc;

	uid[0] = '\0';
	if (!ciw || ciw->count < 256)
		return -EOPNOTSUPP;
	cqr = single_ccw_req(dev, ciw->cmd, 0, 256, 256);
	if (!cqr)
		return -ENOMEM;
	buf = dasd_kptr(dev, cqr->data, 256);
	if (buf)
		memcpy(buf, "\xe5\xf1\x4b\xf0", 4); /* "V1.0": we read virtual SNEQs */
	cqr->lpm = path;
	cqr->verify_path = true;
	cqr->immediate = true;
	rc = dasd_sleep_on(cqr);
	if (rc == 0 && buf)
		rcd_uid(buf, uid, uidlen);
	dasd_free_request(cqr);
	return rc;
}

/* Configuration data on every available path (Linux dasd_eckd_read_conf). */
static int eckd_read_conf(struct dasd_device *dev)
{
	uint8_t paths = ccw_device_get_path_mask(dev->cdev), ok = 0, m;
	char uid[80];

	for (m = 0x80; m; m >>= 1) {
		if (!(paths & m))
			continue;
		if (dasd_eckd_read_conf_path(dev, m, uid, sizeof(uid)))
			continue;
		if (dev->uid[0] && uid[0] && strcmp(uid, dev->uid)) {
			dasd_dev_info(dev,
				      "Not all channel paths lead to the same device, path %02X "
				      "leads to device %s instead of %s",
				      m, uid, dev->uid);
			continue;
		}
		if (!dev->uid[0])
			snprintf(dev->uid, sizeof(dev->uid), "%s", uid);
		ok |= m;
	}
	if (!ok)
		return -EIO;
	if (!dev->opm)
		dev->opm = ok;
	else
		dev->opm |= ok;
	return 0;
}

static int eckd_read_rdc(struct dasd_device *dev)
{
	struct dasd_ccw_req *cqr = single_ccw_req(dev, CCW_CMD_RDC, 0, 64, 64);
	const uint8_t *r;
	int rc;

	if (!cqr)
		return -ENOMEM;
	rc = dasd_sleep_on(cqr);
	r = dasd_kptr(dev, cqr->data, 64);
	if (rc == 0 && r) {
		struct eckd_rdc rdc;

		memcpy(dev->rdc, r, ECKD_RDC_SIZE);
		dev->rdc_valid = true;
		eckd_rdc_decode(r, &rdc);
		dev->cyls = rdc.cyls == 0xfffe ? rdc.long_cyls : rdc.cyls;
		dev->heads = rdc.heads;
		dev->sectors = rdc.sectors;
	}
	dasd_free_request(cqr);
	if (!rc && (!dev->heads || !dev->cyls))
		rc = -EINVAL;
	return rc;
}

/* PSF with a parameter block, optionally followed by RSSD reading `rlen`. */
static int eckd_psf(struct dasd_device *dev, const uint8_t *parm, uint16_t plen, uint16_t rlen)
{
	struct dasd_ccw_req *cqr = dasd_alloc_request(dev, cpb_size(2, 1, plen), rlen ? rlen : 8);
	struct cp_builder b;
	uint64_t pa;
	int rc;

	if (!cqr)
		return -ENOMEM;
	cpb_init(&b, cqr, 2, 1);
	pa = b.parm;
	cpb_parm(&b, parm, plen);
	cpb_ccw(&b, ECKD_CMD_PSF, rlen ? CCW_FLAG_CC : 0, plen, pa, false);
	if (rlen)
		cpb_ccw(&b, ECKD_CMD_RSSD, 0, rlen, cqr->data, true);
	rc = dasd_sleep_on(cqr);
	dasd_free_request(cqr);
	return rc;
}

static void eckd_subsystem_setup(struct dasd_device *dev)
{
	uint8_t ssc[66] = {0x1d};
	uint8_t prssd[12] = {0x18};
	int rc;

	ssc[6] = 0xc0;
	if (eckd_psf(dev, ssc, sizeof(ssc), 0))
		dasd_dev_debug(dev, "Set subsystem characteristics failed");
	prssd[6] = 0x41;
	rc = eckd_psf(dev, prssd, sizeof(prssd), 256);
	if (rc)
		dasd_dev_info(dev, "Reading device feature codes failed with rc=%d", rc);
}

/* ---- disk layout analysis ---- */

enum layout { LAYOUT_CDL, LAYOUT_LDL, LAYOUT_UNFORMATTED, LAYOUT_UNKNOWN, LAYOUT_IOERR };

static enum layout eckd_analysis(struct dasd_device *dev)
{
	struct dasd_ccw_req *cqr = dasd_alloc_request(dev, cpb_size(8, 5, 48), 40);
	struct eckd_count c[5];
	struct cp_builder b;
	uint8_t de[16], lr[16];
	uint64_t a;
	const uint8_t *d;
	int i, rc;

	if (!cqr)
		return LAYOUT_IOERR;
	cpb_init(&b, cqr, 8, 5);
	build_de(de, dev, ECKD_DE_WR_INHIBIT, ECKD_DE_GA_BYPASS, 0, 1);
	a = cpb_parm(&b, de, 16);
	cpb_ccw(&b, ECKD_CMD_DEFINE_EXT, CCW_FLAG_CC, 16, a, false);
	build_lr(lr, dev, ECKD_LR_OP_READ, 0, 4, 0, 0, 0, 0);
	a = cpb_parm(&b, lr, 16);
	cpb_ccw(&b, ECKD_CMD_LOCATE, CCW_FLAG_CC, 16, a, false);
	for (i = 0; i < 4; i++)
		cpb_ccw(&b, ECKD_CMD_READ_COUNT, CCW_FLAG_CC, 8, cqr->data + 8 * i, true);
	build_lr(lr, dev, ECKD_LR_OP_READ, 0, 1, 1, 0, 0, 0);
	a = cpb_parm(&b, lr, 16);
	cpb_ccw(&b, ECKD_CMD_LOCATE, CCW_FLAG_CC, 16, a, false);
	cpb_ccw(&b, ECKD_CMD_READ_COUNT, 0, 8, cqr->data + 32, true);
	cqr->no_retry = true;
	rc = dasd_sleep_on(cqr);
	d = dasd_kptr(dev, cqr->data, 40);
	if (rc || !d) {
		bool nrf = cqr->have_irb && (cqr->irb.scsw.dstat & DEV_STAT_UNIT_CHECK) &&
			   (cqr->irb.esw[1] & ERW_S) && (cqr->irb.ecw[1] & 0x08);

		dasd_free_request(cqr);
		return nrf ? LAYOUT_UNFORMATTED : LAYOUT_IOERR;
	}
	for (i = 0; i < 5; i++)
		eckd_count_decode(d + ECKD_COUNT_SIZE * i, &c[i]);
	dasd_free_request(cqr);
	if (c[0].kl == 4 && c[0].dl == 24 && c[0].rec == 1 && c[1].kl == 4 && c[1].dl == 144 &&
	    c[1].rec == 2 && c[2].kl == 4 && c[2].dl == 80 && c[2].rec == 3 && !c[0].cyl &&
	    !c[0].head) {
		if (c[3].kl || c[3].dl != DASD_BLKSIZE)
			return LAYOUT_UNKNOWN;
		if (c[3].rec == 1)
			dasd_dev_info(dev, "Track 0 has no records following the VTOC");
		return LAYOUT_CDL;
	}
	for (i = 0; i < 5; i++)
		if (c[i].kl || c[i].dl != DASD_BLKSIZE)
			return LAYOUT_UNKNOWN;
	return LAYOUT_LDL;
}

/* ---- block I/O ---- */

static bool cdl_special(const struct dasd_device *dev, uint64_t blk)
{
	return dev->cdl &&
	       (blk < 3 || (blk >= DASD_RECS_PER_TRACK && blk < 2 * DASD_RECS_PER_TRACK));
}

static uint16_t cdl_reclen(uint64_t blk)
{
	static const uint16_t trk0[3] = {4 + 24, 4 + 144, 4 + 80};

	return blk < 3 ? trk0[blk] : 44 + 96;
}

static int eckd_rw_special(struct dasd_device *dev, bool write, uint64_t blk, uint8_t *buf)
{
	struct dasd_ccw_req *cqr = dasd_alloc_request(dev, cpb_size(3, 1, 32), DASD_BLKSIZE);
	uint16_t reclen = cdl_reclen(blk);
	uint32_t trk = (uint32_t)(blk / DASD_RECS_PER_TRACK);
	uint8_t rec = (uint8_t)(blk % DASD_RECS_PER_TRACK + 1);
	struct cp_builder b;
	uint8_t de[16], lr[16], *data;
	uint64_t a;
	int rc;

	if (!cqr)
		return -ENOMEM;
	data = dasd_kptr(dev, cqr->data, DASD_BLKSIZE);
	if (!data) {
		dasd_free_request(cqr);
		return -EFAULT;
	}
	if (write)
		memcpy(data, buf, reclen);
	cpb_init(&b, cqr, 3, 1);
	build_de(de, dev, write ? ECKD_DE_WR_UPDATE : ECKD_DE_WR_INHIBIT, ECKD_DE_GA_NORMAL, trk,
		 trk);
	a = cpb_parm(&b, de, 16);
	cpb_ccw(&b, ECKD_CMD_DEFINE_EXT, CCW_FLAG_CC, 16, a, false);
	build_lr(lr, dev, write ? ECKD_LR_OP_WRITE : ECKD_LR_OP_READ, 0x80, 1, trk, rec,
		 eckd_sector(rec, reclen), reclen);
	a = cpb_parm(&b, lr, 16);
	cpb_ccw(&b, ECKD_CMD_LOCATE, CCW_FLAG_CC, 16, a, false);
	cpb_ccw(&b, write ? ECKD_CMD_WRITE_KD_MT : ECKD_CMD_READ_KD_MT, 0, reclen, cqr->data, true);
	rc = dasd_sleep_on_block(cqr);
	if (rc == 0 && !write) {
		memcpy(buf, data, reclen);
		memset(buf + reclen, 0xe5, DASD_BLKSIZE - reclen);
	}
	dasd_free_request(cqr);
	return rc;
}

/* A run of whole blocks.  A buffer in the OS's storage (process memory
 * of an O_DIRECT transfer) is where the channel program's IDAWs point, so
 * the device moves the data straight to or from it, as Linux's dasd does
 * with the user's pages; any other buffer goes through a kernel buffer
 * (not cleared: the transfer fills it). */
static int eckd_rw_run(struct dasd_device *dev, bool write, uint64_t blk, uint32_t n, uint8_t *buf)
{
	uint64_t len = (uint64_t)n * DASD_BLKSIZE;
	uint64_t user = os_storage_addr(dev->os, buf, len);
	struct dasd_ccw_req *cqr = dasd_alloc_request(dev, cpb_size(2 + (int)n, (int)n, 32), 0);
	uint32_t first_trk = (uint32_t)(blk / DASD_RECS_PER_TRACK);
	uint32_t last_trk = (uint32_t)((blk + n - 1) / DASD_RECS_PER_TRACK);
	uint8_t rec = (uint8_t)(blk % DASD_RECS_PER_TRACK + 1);
	struct cp_builder b;
	uint8_t de[16], lr[16], *data = NULL;
	uint64_t a, at;
	uint32_t i;
	int rc;

	if (!cqr)
		return -ENOMEM;
	if (!user) {
		cqr->data = os_kmalloc_nozero(dev->os, len, 4096);
		data = cqr->data ? dasd_kptr(dev, cqr->data, len) : NULL;
		if (!data) {
			rc = cqr->data ? -EFAULT : -ENOMEM;
			dasd_free_request(cqr);
			return rc;
		}
		if (write)
			memcpy(data, buf, (size_t)len);
	}
	at = user ? user : cqr->data;
	cpb_init(&b, cqr, 2 + (int)n, (int)n);
	build_de(de, dev, write ? ECKD_DE_WR_UPDATE : ECKD_DE_WR_INHIBIT, ECKD_DE_GA_NORMAL,
		 first_trk, last_trk);
	a = cpb_parm(&b, de, 16);
	cpb_ccw(&b, ECKD_CMD_DEFINE_EXT, CCW_FLAG_CC, 16, a, false);
	build_lr(lr, dev, write ? ECKD_LR_OP_WRITE : ECKD_LR_OP_READ, 0x80, (uint8_t)n, first_trk,
		 rec, eckd_sector(rec, DASD_BLKSIZE), DASD_BLKSIZE);
	a = cpb_parm(&b, lr, 16);
	cpb_ccw(&b, ECKD_CMD_LOCATE, CCW_FLAG_CC, 16, a, false);
	for (i = 0; i < n; i++)
		cpb_ccw(&b, write ? ECKD_CMD_WRITE_MT : ECKD_CMD_READ_MT,
			i + 1 < n ? CCW_FLAG_CC : 0, DASD_BLKSIZE, at + (uint64_t)i * DASD_BLKSIZE,
			true);
	rc = dasd_sleep_on_block(cqr);
	if (rc == 0 && !write && data)
		memcpy(buf, data, (size_t)len);
	dasd_free_request(cqr);
	return rc;
}

int dasd_eckd_rw(struct dasd_device *dev, bool write, uint64_t blk, uint32_t n, uint8_t *buf)
{
	/* A read-only block device: Linux's block layer refuses the write
	 * (blkdev_write_iter: -EPERM). */
	if (write && dev->readonly)
		return -EPERM;
	if (blk + n > dev->blocks || blk + n < blk)
		return -EINVAL;
	while (n) {
		uint32_t run = 0;
		int rc;

		if (cdl_special(dev, blk)) {
			rc = eckd_rw_special(dev, write, blk, buf);
			run = 1;
		} else {
			/* blk itself is not special: the run starts with it */
			run = 1;
			while (run < n && run < DASD_MAX_BLOCKS && !cdl_special(dev, blk + run))
				run++;
			rc = eckd_rw_run(dev, write, blk, run, buf);
		}
		if (rc)
			return rc;
		blk += run;
		n -= run;
		buf += (size_t)run * DASD_BLKSIZE;
	}
	return 0;
}

/* ---- online ---- */

int dasd_eckd_online(struct dasd_device *dev)
{
	struct eckd_rdc r;
	enum layout lay;
	int rc;

	/* dasd_eckd_check_characteristics: its failures go to the debug
	 * feature; dasd_generic_set_online warns with the result. */
	rc = eckd_read_conf(dev);
	if (rc) {
		dasd_dev_debug(dev, "Read configuration data returned error %d", rc);
		goto failed;
	}
	rc = eckd_read_rdc(dev);
	if (rc) {
		dasd_dev_debug(dev, "Read device characteristic failed, rc=%d", rc);
		rc = -EIO;
		goto failed;
	}
	eckd_subsystem_setup(dev);
	eckd_rdc_decode(dev->rdc, &r);
	dasd_dev_info(dev,
		      "New DASD %04X/%02X (CU %04X/%02X) with %u cylinders, %u heads, %u sectors%s",
		      r.dev_type, r.dev_model, r.cu_type, r.cu_model & 0x07, dev->cyls, dev->heads,
		      dev->sectors, "" /* no read-only hardware: the feature is not it */);
	dev->blocks = (uint64_t)dev->cyls * dev->heads * DASD_RECS_PER_TRACK;
	lay = eckd_analysis(dev);
	switch (lay) {
	case LAYOUT_UNFORMATTED:
		/* Online in "unformatted" state: a block device of size 0
		 * (lsdasd shows n/f) until someone formats it. */
		dasd_dev_info(dev, "The DASD is not formatted");
		dev->formatted = false;
		dev->blocks = 0;
		return dasd_genhd_add(dev);
	case LAYOUT_IOERR:
		dasd_dev_info(dev, "Detecting the DASD disk layout failed because of an I/O error");
		return -EIO;
	case LAYOUT_UNKNOWN:
		dasd_dev_info(dev, "The disk layout of the DASD is not supported");
		return -EMEDIUMTYPE;
	default:
		break;
	}
	dev->formatted = true;
	dev->cdl = lay == LAYOUT_CDL;
	dasd_dev_info(dev, "DASD with %u KB/block, %lu KB total size, %u KB/track, %s",
		      DASD_BLKSIZE / 1024, (unsigned long)(dev->blocks * (DASD_BLKSIZE / 1024)),
		      DASD_RECS_PER_TRACK * DASD_BLKSIZE / 1024,
		      dev->cdl ? "compatible disk layout" : "linux disk layout");
	return dasd_genhd_add(dev);
failed:
	dasd_dev_info(dev, "Setting the DASD online with discipline ECKD failed with rc=%d", rc);
	return rc;
}
