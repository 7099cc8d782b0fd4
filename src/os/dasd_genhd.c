/* Block devices of a DASD (/dev/dasda, /dev/dasda1, ...) and partition
 * detection from the CDL volume label and VTOC (Linux block/partitions/
 * ibm.c): block 2 holds VOL1 with the VTOC pointer; format-1/8 DSCBs after
 * the format-4/5/7 ones describe the partitions by their first extent. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/bytes.h"
#include "os/dasd_priv.h"
#include "os/sysfs.h"
#include "os/vfs.h"

#define DASD_MAJOR	94
#define DSCB_FMTID	44  /* offset of DS1FMTID in key+data */
#define DSCB_EXT1_LOWER 107 /* DS1EXT1 lower CCHH */
#define DSCB_EXT1_UPPER 111 /* DS1EXT1 upper CCHH */

/* ---- block device operations (run in the caller's task) ---- */

/* What a failed request becomes for the reader or writer (Linux
 * __dasd_cleanup_cqr and blk_status_to_errno): a `timeout` -ETIMEDOUT,
 * `failfast` -ENOLINK, a device that went away -ENODEV, anything else an
 * I/O error.  A device that is still there is never "No such device". */
static int block_errno(const struct dasd_device *dev, int rc)
{
	switch (rc) {
	case -ETIMEDOUT:
	case -ENOLINK:
	case -ENOMEM:
		return rc;
	case -ENODEV:
		return dev->cdev ? -EIO : -ENODEV;
	default:
		return -EIO;
	}
}

static ssize_t bdev_rw(struct dasd_bdev *bd, bool write, void *buf, size_t len, uint64_t off)
{
	struct dasd_device *dev = bd->device;
	uint64_t size = bd->nblocks * DASD_BLKSIZE;
	size_t done = 0;
	int rc;

	if (!dev->cdev || !dev->online)
		return -ENODEV;
	/* A read-only disk (the readonly attribute): Linux's block layer
	 * refuses the write before any I/O (blkdev_write_iter: -EPERM). */
	if (write && dev->readonly)
		return -EPERM;
	if ((off % DASD_BLKSIZE) || (len % DASD_BLKSIZE))
		return -EINVAL;
	if (off >= size)
		return 0;
	if (len > size - off)
		len = (size_t)(size - off);
	while (done < len) {
		uint32_t n = (uint32_t)((len - done) / DASD_BLKSIZE);

		if (n > 256)
			n = 256;
		rc = dasd_eckd_rw(dev, write, bd->start + (off + done) / DASD_BLKSIZE, n,
				  (uint8_t *)buf + done);
		if (rc)
			return done ? (ssize_t)done : block_errno(dev, rc);
		done += (size_t)n * DASD_BLKSIZE;
	}
	return (ssize_t)done;
}

static ssize_t bdev_read(void *priv, void *buf, size_t len, uint64_t off)
{
	return bdev_rw(priv, false, buf, len, off);
}

static ssize_t bdev_write(void *priv, const void *buf, size_t len, uint64_t off)
{
	return bdev_rw(priv, true, (void *)buf, len, off);
}

static uint64_t bdev_size(void *priv)
{
	struct dasd_bdev *bd = priv;

	return bd->nblocks * DASD_BLKSIZE;
}

static unsigned bdev_blksize(void *priv)
{
	return DASD_BLKSIZE;
}

static const struct vfs_dev_ops dasd_bdev_ops = {
	.read = bdev_read,
	.write = bdev_write,
	.size = bdev_size,
	.blksize = bdev_blksize,
};

/* ---- sysfs block directory ---- */

enum blk_attr { BA_DEV, BA_SIZE, BA_HW_SECTOR, BA_RO };

static int blk_show(void *obj, long arg, char *buf, size_t size)
{
	struct dasd_bdev *bd = obj;
	struct dasd_device *dev = bd->device;
	int minor = dev->devindex * 4 + (bd == &dev->bdev ? 0 : (int)(bd - dev->pbdev) + 1);

	switch (arg) {
	case BA_DEV:
		return snprintf(buf, size, "%d:%d\n", DASD_MAJOR, minor);
	case BA_SIZE:
		return snprintf(buf, size, "%llu\n",
				(unsigned long long)(bd->nblocks * (DASD_BLKSIZE / 512)));
	case BA_HW_SECTOR:
		return snprintf(buf, size, "%d\n", DASD_BLKSIZE);
	case BA_RO:
		return snprintf(buf, size, "%d\n", dev->readonly ? 1 : 0);
	}
	return -EINVAL;
}

static const struct sysfs_attr_ops blk_ops = {.show = blk_show};

static void blk_sysfs_add(struct dasd_device *dev, struct dasd_bdev *bd, const char *dir)
{
	struct sysfs *fs = dev->os->sysfs;
	char path[200];

	sysfs_mkdir(fs, dir);
	snprintf(path, sizeof(path), "%s/dev", dir);
	sysfs_attr(fs, path, &blk_ops, bd, BA_DEV);
	snprintf(path, sizeof(path), "%s/size", dir);
	sysfs_attr(fs, path, &blk_ops, bd, BA_SIZE);
	snprintf(path, sizeof(path), "%s/ro", dir);
	sysfs_attr(fs, path, &blk_ops, bd, BA_RO);
}

/* ---- partition detection ---- */

static uint64_t cchh_to_trk(const struct dasd_device *dev, const uint8_t *p)
{
	return (uint64_t)get_be16(p) * dev->heads + get_be16(p + 2);
}

/* Append " dasdaN" entries to line; returns the number of partitions. */
static int scan_vtoc(struct dasd_device *dev, const uint8_t *label, uint8_t *blk, char *line,
		     size_t len)
{
	uint64_t b = cchh_to_trk(dev, label + 11) * DASD_RECS_PER_TRACK + label[15] + 1;
	int n = 0;

	for (; b < 2 * DASD_RECS_PER_TRACK && n < DASD_MAX_PARTS; b++) {
		uint8_t id;

		if (dasd_eckd_rw(dev, false, b, 1, blk))
			break;
		id = blk[DSCB_FMTID];
		if (id == 0xf4 || id == 0xf5 || id == 0xf7 || id == 0xf9)
			continue;
		if (id != 0xf1 && id != 0xf8)
			break;
		dev->part[n].start = cchh_to_trk(dev, blk + DSCB_EXT1_LOWER) * DASD_RECS_PER_TRACK;
		dev->part[n].nblocks =
			(cchh_to_trk(dev, blk + DSCB_EXT1_UPPER) + 1) * DASD_RECS_PER_TRACK -
			dev->part[n].start;
		if (dev->part[n].start + dev->part[n].nblocks > dev->blocks ||
		    !dev->part[n].nblocks)
			continue; /* an extent outside the volume is ignored */
		snprintf(dev->part[n].name, sizeof(dev->part[n].name), "%s%d", dev->name, n + 1);
		snprintf(line + strlen(line), len - strlen(line), " %s", dev->part[n].name);
		n++;
	}
	return n;
}

static void dasd_scan_partitions(struct dasd_device *dev)
{
	uint8_t *blk = calloc(1, DASD_BLKSIZE);
	char line[256], name[8];

	dev->nparts = 0;
	if (!blk)
		return;
	snprintf(line, sizeof(line), " %s:", dev->name);
	if (dasd_eckd_rw(dev, false, 2, 1, blk) == 0 && !memcmp(blk, "\xe5\xd6\xd3\xf1", 4) &&
	    !memcmp(blk + 4, "\xe5\xd6\xd3\xf1", 4)) {
		ebcdic_to_ascii(name, blk + 8, 6);
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "VOL1/%8s:", name);
		dev->nparts = scan_vtoc(dev, blk + 4, blk, line, sizeof(line));
	} else if (!dev->cdl) {
		/* LDL: an "LNX1" label in block 2 names the volume; without
		 * one Linux says "(nonl)".  Either way one partition follows
		 * the label block. */
		const char *tail = line + strlen(line);
		size_t room = sizeof(line) - strlen(line);

		if (!memcmp(blk, "\xd3\xd5\xe7\xf1", 4)) {
			ebcdic_to_ascii(name, blk + 4, 6);
			snprintf((char *)tail, room, "LNX1/%8s:", name);
		} else {
			snprintf((char *)tail, room, "(nonl)");
		}
		dev->part[0].start = 3;
		dev->part[0].nblocks = dev->blocks - 3;
		snprintf(dev->part[0].name, sizeof(dev->part[0].name), "%s1", dev->name);
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s",
			 dev->part[0].name);
		dev->nparts = 1;
	}
	free(blk);
	os_printk(dev->os, "%s", line);
}

/* ---- add / remove ---- */

void dasd_name_format(int devindex, char *buf, size_t size)
{
	char letters[8];
	int n = 0;
	size_t len;

	/* dasda..dasdz, then dasdaa..dasdzz, dasdaaa..: bijective base 26,
	 * found last letter first. */
	do {
		letters[n++] = (char)('a' + devindex % 26);
		devindex = devindex / 26 - 1;
	} while (devindex >= 0 && n < (int)sizeof(letters));
	len = (size_t)snprintf(buf, size, "dasd");
	while (n > 0 && len + 1 < size)
		buf[len++] = letters[--n];
	buf[len] = '\0';
}

int dasd_genhd_add(struct dasd_device *dev)
{
	char dir[200];
	int i, rc;

	if (dev->devindex < 0) {
		rc = dasd_devindex(dev->os, dev->busid);
		if (rc < 0)
			return rc;
		dev->devindex = rc;
	}
	if (dev->devindex >= DASD_PER_MAJOR)
		return -EBUSY; /* no minor left for it */
	dasd_name_format(dev->devindex, dev->name, sizeof(dev->name));
	dev->bdev.device = dev;
	dev->bdev.start = 0;
	dev->bdev.nblocks = dev->blocks;
	snprintf(dev->bdev.name, sizeof(dev->bdev.name), "%s", dev->name);
	dev->online = true; /* block I/O below needs it */
	rc = vfs_register_dev(dev->os->vfs, dev->name, &dasd_bdev_ops, &dev->bdev);
	if (rc) {
		dev->online = false;
		return rc;
	}
	snprintf(dir, sizeof(dir), "%s/block/%s", dev->cdev->dir, dev->name);
	blk_sysfs_add(dev, &dev->bdev, dir);
	snprintf(dir, sizeof(dir), "%s/block/%s/queue/hw_sector_size", dev->cdev->dir, dev->name);
	sysfs_attr(dev->os->sysfs, dir, &blk_ops, &dev->bdev, BA_HW_SECTOR);
	if (dev->formatted)
		dasd_scan_partitions(dev);
	for (i = 0; i < dev->nparts; i++) {
		struct dasd_bdev *pb = &dev->pbdev[i];

		pb->device = dev;
		pb->start = dev->part[i].start;
		pb->nblocks = dev->part[i].nblocks;
		memcpy(pb->name, dev->part[i].name, sizeof(pb->name));
		vfs_register_dev(dev->os->vfs, pb->name, &dasd_bdev_ops, pb);
		snprintf(dir, sizeof(dir), "%s/block/%s/%s", dev->cdev->dir, dev->name, pb->name);
		blk_sysfs_add(dev, pb, dir);
	}
	return 0;
}

void dasd_genhd_remove(struct dasd_device *dev)
{
	char dir[200];
	int i;

	if (!dev->name[0])
		return;
	for (i = 0; i < dev->nparts; i++)
		vfs_unregister_dev(dev->os->vfs, dev->pbdev[i].name);
	vfs_unregister_dev(dev->os->vfs, dev->name);
	if (dev->cdev) {
		snprintf(dir, sizeof(dir), "%s/block", dev->cdev->dir);
		sysfs_remove(dev->os->sysfs, dir);
	}
	dev->nparts = 0;
	dev->name[0] = '\0';
}
