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

/* Two consecutive big-endian words to and from a uint32_t[2]: one 64-bit
 * load or store and a byte swap for the pair (the swap of the 64-bit value
 * also swaps the two words, which the rotation puts back).  For the runs of
 * words in an IRB, which every I/O passes at each seam. */
static inline void get_be32x2(const uint8_t *p, uint32_t w[2])
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
	v = BE64(v);
	v = v >> 32 | v << 32;
#endif
	memcpy(w, &v, sizeof(v));
}

static inline void put_be32x2(uint8_t *p, const uint32_t w[2])
{
	uint64_t v;

	memcpy(&v, w, sizeof(v));
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
	v = v >> 32 | v << 32;
	v = BE64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

#undef BE16
#undef BE32
#undef BE64

#endif
