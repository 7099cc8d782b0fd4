/* One table printer for every listing command, after s390-tools'
 * libutil/util_rec ("wide" format): column titles left-justified and padded
 * to the column width, columns joined by one blank, a separator line as long
 * as the header, every cell padded (the last one too), long values push the
 * following columns right. */
#ifndef CHPSYNC_USER_UTIL_REC_H
#define CHPSYNC_USER_UTIL_REC_H

struct proc;
struct util_rec;

/* fill: the separator character ('-' for lscss, '=' for lschp). */
struct util_rec *util_rec_new(char fill);
void util_rec_free(struct util_rec *r);
/* Define the next column. */
void util_rec_def(struct util_rec *r, const char *key, const char *title, int width);
/* Set a cell of the current row (an undefined key is ignored). */
void util_rec_set(struct util_rec *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Clear every cell of the current row. */
void util_rec_clear(struct util_rec *r);
void util_rec_print_hdr(struct util_rec *r, struct proc *p);
void util_rec_print_sep(struct util_rec *r, struct proc *p);
void util_rec_print(struct util_rec *r, struct proc *p);

#endif
