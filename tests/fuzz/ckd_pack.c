/* Packs a CKD image (one file or a multi-file volume, first file first)
 * into the input format of the ckd fuzz target (tests/fuzz/fuzz_ckd.c):
 *
 *   ckd_pack FILE... > INPUT
 *
 * Each file becomes an 'F' record (its size and 512-byte header) and one
 * record per run of non-zero bytes in its tracks (runs closer than 64 bytes
 * are merged).  Only small files fit the format: at most 7 cylinders plus
 * 31 odd bytes.  Used by `make fuzz-seeds`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR	 512
#define TRKSIZE	 56832u
#define CYLBYTES (15u * TRKSIZE)
#define GAP	 64

static void put16(unsigned v)
{
	putchar((int)(v >> 8 & 0xff));
	putchar((int)(v & 0xff));
}

static void record(unsigned trk, unsigned off, const uint8_t *p, unsigned len)
{
	putchar('T');
	put16(trk);
	put16(off);
	put16(len);
	fwrite(p, 1, len, stdout);
}

static int pack(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;
	unsigned cyls, extra;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < HDR || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "ckd_pack: %s: cannot read it\n", path);
		return -1;
	}
	cyls = (unsigned)((size - HDR) / CYLBYTES);
	extra = (unsigned)((size - HDR) % CYLBYTES);
	if (cyls > 7 || extra > 31) {
		fprintf(stderr, "ckd_pack: %s: too big (at most 7 cylinders)\n", path);
		return -1;
	}
	buf = malloc((size_t)size);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "ckd_pack: %s: cannot read it\n", path);
		return -1;
	}
	fclose(f);
	putchar('F');
	putchar((int)(cyls | extra << 3));
	fwrite(buf, 1, HDR, stdout);
	/* Runs of non-zero bytes, track by track (a run never crosses a
	 * track: the offset field is 16 bits). */
	for (unsigned trk = 0; HDR + (long)trk * TRKSIZE < size; trk++) {
		const uint8_t *t = buf + HDR + (size_t)trk * TRKSIZE;
		unsigned tlen = size - HDR - (long)trk * TRKSIZE < TRKSIZE
					? (unsigned)(size - HDR - (long)trk * TRKSIZE)
					: TRKSIZE;
		unsigned i = 0;

		while (i < tlen) {
			unsigned start, end, zeros = 0;

			while (i < tlen && !t[i])
				i++;
			if (i == tlen)
				break;
			start = i;
			for (end = i; i < tlen && zeros < GAP; i++) {
				if (t[i]) {
					zeros = 0;
					end = i + 1;
				} else {
					zeros++;
				}
			}
			record(trk, start, t + start, end - start);
			i = end;
		}
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ckd_pack FILE... > INPUT\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (pack(argv[i]) < 0)
			return 1;
	return 0;
}
