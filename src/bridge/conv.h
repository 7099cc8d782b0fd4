/* Byte order between QEMU's vfio-ccw code on a little-endian host and a
 * vfio-ccw host driver as on s390 (docs/real-qemu.md, "Byte order").
 *
 * QEMU's hw/vfio/ccw.c was written for a big-endian host: it memcpy()s its
 * own structs into and out of the regions.  On x86 those are little-endian
 * where the s390 kernel's regions are big-endian (architected):
 *
 *   I/O region, written: orb_area and scsw_area are QEMU's native ORB and
 *     SCSW structs -> converted to architected big-endian bytes;
 *   I/O region, read: irb_area is architected (QEMU swaps it itself) -> as is;
 *   SCHIB region, read: QEMU reads a native SCHIB struct (it uses the path
 *     masks, and the SCSW flags as a native u16) -> every multi-byte field
 *     converted to native;
 *   CRW region, read: the host's native u32 architected CRW word; QEMU reads
 *     it as two native u16 (flags, rsid) -> the halves are stored as such;
 *   async region and every ret_code: native integers on both sides -> as is.
 *
 * On a big-endian host every conversion is the identity.  Each function
 * converts the fields that lie wholly inside the access [off, off+len) of
 * region `region` (offsets relative to the region's start); bytes of a
 * field cut by the access are left alone.
 */
#ifndef CHPSYNC_BRIDGE_CONV_H
#define CHPSYNC_BRIDGE_CONV_H

#include <stddef.h>
#include <stdint.h>

#define BRIDGE_REGION_IO    0
#define BRIDGE_REGION_ASYNC 1
#define BRIDGE_REGION_SCHIB 2
#define BRIDGE_REGION_CRW   3

/* Data QEMU writes, before it goes to the host. */
void bridge_conv_write(int region, uint64_t off, uint8_t *buf, size_t len);
/* Data the host returned, before QEMU sees it. */
void bridge_conv_read(int region, uint64_t off, uint8_t *buf, size_t len);

#endif
