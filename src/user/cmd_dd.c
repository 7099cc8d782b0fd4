/* dd: copy blocks between /dev nodes, /tmp files and stdin/stdout, with
 * GNU coreutils' operands, messages and final statistics.  The elapsed time
 * in the statistics is SIMULATED time (what the channel programs took),
 * so the line is deterministic. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/cmds.h"
#include "os/vfs.h"

struct dd {
	struct proc *p;
	const char *ifile, *ofile;
	uint64_t bs, count, skip, seek;
	bool have_count, notrunc, fullblock, quiet, noxfer;
	bool skip_bytes, seek_bytes; /* iflag=skip_bytes, oflag=seek_bytes */
	bool idirect, odirect;	     /* iflag=direct, oflag=direct: O_DIRECT */
	struct vfs_file *in, *out;
	uint64_t r_full, r_partial, w_full, w_partial, w_bytes;
	sim_time_t start;
};

/* Input and output start offsets in bytes. */
static uint64_t skip_off(const struct dd *d)
{
	return d->skip_bytes ? d->skip : d->skip * d->bs;
}

static uint64_t seek_off(const struct dd *d)
{
	return d->seek_bytes ? d->seek : d->seek * d->bs;
}

/* GNU multiplier suffixes: c w b, k K (1024), kB KB (1000), KiB, M MB MiB... */
static bool dd_number(const char *s, uint64_t *v)
{
	static const char letters[] = "KMGTPE";
	const char *l;
	char *end;
	unsigned long long n;
	uint64_t mult = 1;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (end == s || errno)
		return false;
	if (*end == 'c' && !end[1]) {
		mult = 1;
	} else if (*end == 'w' && !end[1]) {
		mult = 2;
	} else if (*end == 'b' && !end[1]) {
		mult = 512;
	} else if (*end) {
		char u = *end == 'k' ? 'K' : *end;
		uint64_t base = 1024;
		int i;

		l = strchr(letters, u);
		if (!l || !u)
			return false;
		if (strcmp(end + 1, "B") == 0)
			base = 1000;
		else if (end[1] && strcmp(end + 1, "iB") != 0)
			return false;
		for (i = 0; i <= l - letters; i++)
			mult *= base;
	}
	if (mult && n > UINT64_MAX / mult)
		return false;
	*v = n * mult;
	return true;
}

static int bad_usage(struct dd *d, const char *fmt, const char *arg)
{
	proc_eprintf(d->p, fmt, arg);
	proc_eprintf(d->p, "Try 'dd --help' for more information.\n");
	return 1;
}

static int dd_flags(struct dd *d, const char *key, const char *val)
{
	char *copy = strdup(val), *f, *save = NULL;
	int ret = 0;

	if (!copy)
		return 1;
	for (f = strtok_r(copy, ",", &save); f && !ret; f = strtok_r(NULL, ",", &save)) {
		if (strcmp(key, "conv") == 0) {
			if (strcmp(f, "notrunc") == 0)
				d->notrunc = true;
			else if (strcmp(f, "fsync") != 0 && strcmp(f, "fdatasync") != 0)
				ret = bad_usage(d, "dd: invalid conversion: '%s'\n", f);
		} else if (strcmp(key, "status") == 0) {
			if (strcmp(f, "none") == 0)
				d->quiet = true;
			else if (strcmp(f, "noxfer") == 0)
				d->noxfer = true;
			else if (strcmp(f, "progress") != 0)
				ret = bad_usage(d, "dd: invalid status level: '%s'\n", f);
		} else if (strcmp(f, "fullblock") == 0 && key[0] == 'i') {
			d->fullblock = true;
		} else if (strcmp(f, "skip_bytes") == 0 && key[0] == 'i') {
			d->skip_bytes = true;
		} else if (strcmp(f, "seek_bytes") == 0 && key[0] == 'o') {
			d->seek_bytes = true;
		} else if (strcmp(f, "direct") == 0) {
			if (key[0] == 'i')
				d->idirect = true;
			else
				d->odirect = true;
		} else if (strcmp(f, "sync") != 0 && strcmp(f, "dsync") != 0) {
			ret = bad_usage(d,
					key[0] == 'i' ? "dd: invalid input flag: '%s'\n"
						      : "dd: invalid output flag: '%s'\n",
					f);
		}
	}
	free(copy);
	return ret;
}

static int dd_operand(struct dd *d, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char key[16];
	uint64_t *num = NULL;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(key))
		return bad_usage(d, "dd: unrecognized operand '%s'\n", arg);
	snprintf(key, sizeof(key), "%.*s", (int)(eq - arg), arg);
	if (strcmp(key, "if") == 0) {
		d->ifile = eq + 1;
		return 0;
	}
	if (strcmp(key, "of") == 0) {
		d->ofile = eq + 1;
		return 0;
	}
	if (!strcmp(key, "iflag") || !strcmp(key, "oflag") || !strcmp(key, "conv") ||
	    !strcmp(key, "status"))
		return dd_flags(d, key, eq + 1);
	if (strcmp(key, "bs") == 0 || strcmp(key, "ibs") == 0 || strcmp(key, "obs") == 0)
		num = &d->bs;
	else if (strcmp(key, "count") == 0)
		num = &d->count, d->have_count = true;
	else if (strcmp(key, "skip") == 0 || strcmp(key, "iseek") == 0)
		num = &d->skip;
	else if (strcmp(key, "seek") == 0 || strcmp(key, "oseek") == 0)
		num = &d->seek;
	else
		return bad_usage(d, "dd: unrecognized operand '%s'\n", arg);
	if (!dd_number(eq + 1, num) || (num == &d->bs && *num == 0)) {
		proc_eprintf(d->p, "dd: invalid number: '%s'\n", eq + 1);
		return 1;
	}
	return 0;
}

/* gnulib human_readable with autoscale, round-to-nearest, SI or IEC. */
static void human(double v, bool iec, char *buf, size_t size)
{
	static const char *const si[] = {"", "k", "M", "G", "T", "P", "E"};
	static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
	double base = iec ? 1024 : 1000;
	int e = 0;

	while (v >= base && e < 6) {
		v /= base;
		e++;
	}
	if (e == 0) {
		snprintf(buf, size, "%.0f B", v);
		return;
	}
	if (v < 10 && (double)(long long)(v * 10 + 0.5) / 10 < 10) {
		snprintf(buf, size, "%.1f %sB", (double)(long long)(v * 10 + 0.5) / 10,
			 iec ? bin[e] : si[e]);
		return;
	}
	v = (double)(long long)(v + 0.5);
	if (v >= base && e < 6) {
		snprintf(buf, size, "1.0 %sB", iec ? bin[e + 1] : si[e + 1]);
		return;
	}
	snprintf(buf, size, "%.0f %sB", v, iec ? bin[e] : si[e]);
}

static void dd_stats(struct dd *d)
{
	char si[32], iec[32], rate[40];
	sim_time_t ns = sim_now(proc_sim(d->p)) - d->start;
	double secs = (double)ns / 1e9;

	if (d->quiet)
		return;
	proc_eprintf(d->p, "%llu+%llu records in\n%llu+%llu records out\n",
		     (unsigned long long)d->r_full, (unsigned long long)d->r_partial,
		     (unsigned long long)d->w_full, (unsigned long long)d->w_partial);
	if (d->noxfer)
		return;
	if (ns) {
		human((double)d->w_bytes / secs, false, rate, sizeof(rate) - 2);
		strcat(rate, "/s");
	} else {
		snprintf(rate, sizeof(rate), "Infinity B/s");
	}
	human((double)d->w_bytes, false, si, sizeof(si));
	human((double)d->w_bytes, true, iec, sizeof(iec));
	if (d->w_bytes < 1000)
		proc_eprintf(d->p, "%llu byte%s copied, %g s, %s\n", (unsigned long long)d->w_bytes,
			     d->w_bytes == 1 ? "" : "s", secs, rate);
	else if (d->w_bytes < 1024)
		proc_eprintf(d->p, "%llu bytes (%s) copied, %g s, %s\n",
			     (unsigned long long)d->w_bytes, si, secs, rate);
	else
		proc_eprintf(d->p, "%llu bytes (%s, %s) copied, %g s, %s\n",
			     (unsigned long long)d->w_bytes, si, iec, secs, rate);
}

static int dd_open(struct dd *d)
{
	struct vfs *v = proc_vfs(d->p);
	int err = 0, flags;

	if (d->ifile) {
		d->in = vfs_open(v, d->ifile, VFS_RD | (d->idirect ? VFS_DIRECT : 0), &err);
		if (!d->in) {
			proc_eprintf(d->p, "dd: failed to open '%s': %s\n", d->ifile,
				     strerror(-err));
			return 1;
		}
	}
	if (d->ofile) {
		flags = VFS_WR | VFS_CREAT | (d->odirect ? VFS_DIRECT : 0);
		d->out = vfs_open(v, d->ofile, flags, &err);
		if (!d->out) {
			proc_eprintf(d->p, "dd: failed to open '%s': %s\n", d->ofile,
				     strerror(-err));
			return 1;
		}
		/* GNU truncates a regular output file at the seek offset */
		if (!d->notrunc && strncmp(d->ofile, "/dev/", 5) != 0 &&
		    vfs_truncate(d->out, seek_off(d)) < 0) {
			proc_eprintf(d->p,
				     "dd: failed to truncate to %llu bytes in output file '%s'\n",
				     (unsigned long long)seek_off(d), d->ofile);
			return 1;
		}
	}
	return 0;
}

static long dd_read(struct dd *d, unsigned char *buf, uint64_t *ioff)
{
	size_t got = 0;

	do {
		long n;

		if (d->in)
			n = (long)proc_pread(d->p, d->in, buf + got, d->bs - got, *ioff);
		else
			n = proc_read_stdin(d->p, buf + got, d->bs - got);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
		*ioff += (uint64_t)n;
	} while (got < d->bs && (d->fullblock || d->in));
	return (long)got;
}

static long dd_write(struct dd *d, const unsigned char *buf, size_t len, uint64_t *ooff)
{
	ssize_t n;

	if (!d->out) {
		proc_write(d->p, buf, len);
		if (proc_signalled(d->p))
			return -EINTR;
		return proc_output_closed(d->p) ? -EPIPE : (long)len;
	}
	/* GNU dd writes a final partial block without O_DIRECT. */
	if (d->odirect && len < d->bs)
		vfs_set_direct(d->out, false);
	n = proc_pwrite(d->p, d->out, buf, len, *ooff);
	if (n > 0)
		*ooff += (uint64_t)n;
	return (long)n;
}

/* Skip input blocks: seek on files and devices, read and drop on stdin
 * (skip_bytes: skip counts bytes; a last partial block is read short). */
static int dd_skip(struct dd *d, unsigned char *buf, uint64_t *ioff)
{
	uint64_t left = skip_off(d), bs = d->bs;

	if (d->in) {
		*ioff = left;
		return 0;
	}
	while (left) {
		long n;

		d->bs = left < bs ? left : bs;
		n = dd_read(d, buf, ioff);
		d->bs = bs;
		if (n <= 0)
			break;
		left -= (uint64_t)n < left ? (uint64_t)n : left;
	}
	return 0;
}

static int dd_copy(struct dd *d)
{
	/* With O_DIRECT the buffer is page-aligned process memory (GNU dd
	 * aligns it), which the device reads or writes itself. */
	bool mapped = d->idirect || d->odirect;
	unsigned char *buf = mapped ? proc_mmap(d->p, (size_t)d->bs) : NULL;

	if (!buf) {
		mapped = false;
		buf = malloc(d->bs);
	}
	uint64_t ioff = 0, ooff = seek_off(d), blocks = 0;
	int status = 0;

	if (!buf) {
		proc_eprintf(d->p, "dd: memory exhausted by input buffer of size %llu bytes\n",
			     (unsigned long long)d->bs);
		return 1;
	}
	dd_skip(d, buf, &ioff);
	while (!d->have_count || blocks < d->count) {
		long n = dd_read(d, buf, &ioff), w;

		/* A signal: SIGINT prints the statistics (GNU dd's handler),
		 * the others end it where it is. */
		if (n == -EINTR && proc_signalled(d->p))
			break;
		if (n < 0) {
			proc_eprintf(d->p, "dd: error reading '%s': %s\n",
				     d->ifile ? d->ifile : "standard input", strerror((int)-n));
			status = 1;
			break;
		}
		if (n == 0)
			break;
		blocks++;
		(uint64_t) n == d->bs ? d->r_full++ : d->r_partial++;
		w = dd_write(d, buf, (size_t)n, &ooff);
		if (w == -EPIPE) {
			/* killed by SIGPIPE: no message, no statistics */
			d->quiet = true;
			status = PROC_SIGPIPE;
			break;
		}
		if (w == -EINTR && proc_signalled(d->p))
			break;
		if (w < 0) {
			proc_eprintf(d->p, "dd: error writing '%s': %s\n",
				     d->ofile ? d->ofile : "standard output", strerror((int)-w));
			status = 1;
			break;
		}
		d->w_bytes += (uint64_t)w;
		(uint64_t) w == d->bs ? d->w_full++ : d->w_partial++;
	}
	if (mapped)
		proc_munmap(d->p, buf);
	else
		free(buf);
	return status;
}

int cmd_dd(struct proc *p, void *ctx, int argc, char **argv)
{
	struct dd d = {.p = p, .bs = 512};
	int i, status;

	if (!proc_vfs(p))
		return 1;
	/* GNU dd catches SIGINT to print its statistics before it dies. */
	proc_catch_sigint(p);
	for (i = 1; i < argc; i++)
		if (dd_operand(&d, argv[i]))
			return 1;
	if (dd_open(&d)) {
		vfs_close(d.in);
		return 1;
	}
	d.start = sim_now(proc_sim(p));
	status = dd_copy(&d);
	dd_stats(&d);
	vfs_close(d.in);
	vfs_close(d.out);
	return status;
}
