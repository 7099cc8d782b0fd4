/* Big-endian load/store helpers.  Every architected format is big-endian.
 *
 * One load or store and a byte swap each (memcpy of the whole field, which
 * compilers turn into a single move): a field stored byte by byte let the
 * compiler merge neighbouring fields into long shift-and-or chains. */
#ifndef CHPSYNC_ARCH_BYTES_H
#define CHPSYNC_ARCH_BYTES_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BE16(v) (v)
#define BE32(v) (v)
#define BE64(v) (v)
#else
#define BE16(v) __builtin_bswap16(v)
#define BE32(v) __builtin_bswap32(v)
#define BE64(v) __builtin_bswap64(v)
#endif

static inline uint16_t get_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return BE16(v);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return BE32(v);
}

static inline uint64_t get_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return BE64(v);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	v = BE16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	v = BE32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	v = BE64(v);
	memcpy(p, &v, sizeof(v));
}

#undef BE16
#undef BE32
#undef BE64

#endif
