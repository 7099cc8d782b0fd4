/* The shared table printer (see util_rec.h). */
#include "user/util_rec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/node.h"

#define REC_MAX_COLS 16
#define REC_CELL     128

struct rec_col {
	const char *key;
	const char *title;
	int width;
	char val[REC_CELL];
};

struct util_rec {
	char fill;
	int ncols;
	struct rec_col col[REC_MAX_COLS];
};

struct util_rec *util_rec_new(char fill)
{
	struct util_rec *r = calloc(1, sizeof(*r));

	if (r)
		r->fill = fill;
	return r;
}

void util_rec_free(struct util_rec *r)
{
	free(r);
}

void util_rec_def(struct util_rec *r, const char *key, const char *title, int width)
{
	struct rec_col *c;

	if (r->ncols == REC_MAX_COLS)
		return;
	c = &r->col[r->ncols++];
	c->key = key;
	c->title = title;
	c->width = width;
	c->val[0] = '\0';
}

static struct rec_col *col_find(struct util_rec *r, const char *key)
{
	int i;

	for (i = 0; i < r->ncols; i++)
		if (strcmp(r->col[i].key, key) == 0)
			return &r->col[i];
	return NULL;
}

void util_rec_set(struct util_rec *r, const char *key, const char *fmt, ...)
{
	struct rec_col *c = col_find(r, key);
	va_list ap;

	if (!c)
		return;
	va_start(ap, fmt);
	vsnprintf(c->val, sizeof(c->val), fmt, ap);
	va_end(ap);
}

void util_rec_clear(struct util_rec *r)
{
	int i;

	for (i = 0; i < r->ncols; i++)
		r->col[i].val[0] = '\0';
}

static void print_cells(struct util_rec *r, struct proc *p, bool titles)
{
	int i;

	for (i = 0; i < r->ncols; i++)
		proc_printf(p, "%s%-*s", i ? " " : "", r->col[i].width,
			    titles ? r->col[i].title : r->col[i].val);
	proc_printf(p, "\n");
}

void util_rec_print_sep(struct util_rec *r, struct proc *p)
{
	char line[REC_MAX_COLS * (REC_CELL + 1) + 2];
	int i, len = 0;

	for (i = 0; i < r->ncols; i++)
		len += r->col[i].width + (i ? 1 : 0);
	if (len > (int)sizeof(line) - 2)
		len = (int)sizeof(line) - 2;
	memset(line, r->fill, (size_t)len);
	line[len] = '\n';
	line[len + 1] = '\0';
	proc_write(p, line, (size_t)len + 1);
}

void util_rec_print_hdr(struct util_rec *r, struct proc *p)
{
	print_cells(r, p, true);
	util_rec_print_sep(r, p);
}

void util_rec_print(struct util_rec *r, struct proc *p)
{
	print_cells(r, p, false);
}
