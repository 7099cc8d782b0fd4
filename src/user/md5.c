/* MD5 from the RFC 1321 description: 64 steps in four rounds over each
 * 512-bit block, little-endian words, length in bits appended. */
#include "user/md5.h"

#include <string.h>

static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
	0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
	0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
	0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
	0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
	0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
	0xeb86d391,
};

static uint32_t rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One step: a = b + ((a + f(b,c,d) + word + constant) <<< shift). */
#define MD5_STEP(f, a, b, c, d, x, k, s) ((a) = (b) + rol((a) + f(b, c, d) + (x) + (k), (s)))
#define MD5_F(b, c, d)			 (((b) & (c)) | (~(b) & (d)))
#define MD5_G(b, c, d)			 (((d) & (b)) | (~(d) & (c)))
#define MD5_H(b, c, d)			 ((b) ^ (c) ^ (d))
#define MD5_I(b, c, d)			 ((c) ^ ((b) | ~(d)))

/* The four rounds written out, so that the compiler sees the message word
 * and shift of every step as constants (about twice as fast as a loop). */
static void md5_block(struct md5_ctx *ctx, const unsigned char *p)
{
	uint32_t w[16], a = ctx->h[0], b = ctx->h[1], c = ctx->h[2], d = ctx->h[3];
	const uint32_t *k = md5_k;

	for (int i = 0; i < 16; i++)
		w[i] = le32(p + 4 * i);
	for (int i = 0; i < 16; i += 4, k += 4) {
		MD5_STEP(MD5_F, a, b, c, d, w[i], k[0], 7);
		MD5_STEP(MD5_F, d, a, b, c, w[i + 1], k[1], 12);
		MD5_STEP(MD5_F, c, d, a, b, w[i + 2], k[2], 17);
		MD5_STEP(MD5_F, b, c, d, a, w[i + 3], k[3], 22);
	}
	for (int i = 0; i < 16; i += 4, k += 4) {
		MD5_STEP(MD5_G, a, b, c, d, w[(5 * i + 1) % 16], k[0], 5);
		MD5_STEP(MD5_G, d, a, b, c, w[(5 * i + 6) % 16], k[1], 9);
		MD5_STEP(MD5_G, c, d, a, b, w[(5 * i + 11) % 16], k[2], 14);
		MD5_STEP(MD5_G, b, c, d, a, w[(5 * i + 16) % 16], k[3], 20);
	}
	for (int i = 0; i < 16; i += 4, k += 4) {
		MD5_STEP(MD5_H, a, b, c, d, w[(3 * i + 5) % 16], k[0], 4);
		MD5_STEP(MD5_H, d, a, b, c, w[(3 * i + 8) % 16], k[1], 11);
		MD5_STEP(MD5_H, c, d, a, b, w[(3 * i + 11) % 16], k[2], 16);
		MD5_STEP(MD5_H, b, c, d, a, w[(3 * i + 14) % 16], k[3], 23);
	}
	for (int i = 0; i < 16; i += 4, k += 4) {
		MD5_STEP(MD5_I, a, b, c, d, w[(7 * i) % 16], k[0], 6);
		MD5_STEP(MD5_I, d, a, b, c, w[(7 * i + 7) % 16], k[1], 10);
		MD5_STEP(MD5_I, c, d, a, b, w[(7 * i + 14) % 16], k[2], 15);
		MD5_STEP(MD5_I, b, c, d, a, w[(7 * i + 21) % 16], k[3], 21);
	}
	ctx->h[0] += a;
	ctx->h[1] += b;
	ctx->h[2] += c;
	ctx->h[3] += d;
}

void md5_init(struct md5_ctx *c)
{
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
	c->len = 0;
	c->fill = 0;
}

void md5_update(struct md5_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->len += len;
	while (len) {
		size_t n = 64 - c->fill < len ? 64 - c->fill : len;

		if (c->fill == 0 && len >= 64) {
			md5_block(c, p);
			p += 64;
			len -= 64;
			continue;
		}
		memcpy(c->buf + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill == 64) {
			md5_block(c, c->buf);
			c->fill = 0;
		}
	}
}

void md5_final(struct md5_ctx *c, unsigned char out[16])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = {0x80};
	size_t padlen = c->fill < 56 ? 56 - c->fill : 120 - c->fill;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (unsigned char)(bits >> (8 * i));
	md5_update(c, pad, padlen + 8);
	for (i = 0; i < 16; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (8 * (i % 4)));
}
