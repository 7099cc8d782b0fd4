/* Structured output as s390-tools' libutil util_fmt (2.43) writes it, for
 * the tools that have --format: JSON (pretty), JSON text sequences (RFC
 * 7464), JSON lines, key=value pairs, and CSV.  The calls follow libutil's:
 * objects and lists nest (util_fmt_obj_start/_end), values are pairs of an
 * object (util_fmt_pair).  The first object of the output is preceded by the
 * tool's meta-data unless FMT_NOMETA.
 *
 * What each format makes of it (libutil/util_fmt.c):
 *  - json: 2-blank indentation, `"key": value`, members separated by ",\n";
 *    the meta object and the caller's top-level objects are members of one
 *    outer object.  Strings are escaped per RFC 8259 (", \, control
 *    characters as \b \f \n \r \t or \u00XX; other bytes as they are).
 *  - json-seq, jsonl: no newlines inside a record; the meta object is a
 *    record of its own; json-seq puts RS (0x1e) before each record.
 *  - pairs: one `prefix.key=value` line per pair; the prefix names every
 *    enclosing object (lists with their [index]); FMT_QUOTE values are
 *    double-quoted with \" \$ \` \\ \a \b \e \f \n \r \t \v and \xHH for
 *    other non-printable bytes; invalid values are empty ("" when quoted).
 *  - csv: a header row of the keys seen so far (again whenever a new key
 *    appears) and one row per FMT_ROW object; keys of FMT_PREFIX objects are
 *    prefixed; with FMT_QUOTEALL every value and header is quoted ("" inside
 *    doubled); invalid values are empty; a key a row does not set is "".
 */
#ifndef CHPSYNC_USER_UTIL_FMT_H
#define CHPSYNC_USER_UTIL_FMT_H

#include <stdbool.h>

struct proc;
struct util_fmt;

enum util_fmt_type { FMT_JSON, FMT_JSONSEQ, FMT_JSONL, FMT_PAIRS, FMT_CSV };

/* util_fmt_new flags */
#define FMT_NOMETA    0x01u /* no meta object */
#define FMT_QUOTEALL  0x02u /* quote every value */
#define FMT_KEEPINVAL 0x04u /* keep invalid values (else they are left out) */

/* object flags */
#define FMT_LIST   0x10u /* a list: its members are unnamed */
#define FMT_ROW	   0x20u /* one CSV row */
#define FMT_PREFIX 0x40u /* its name prefixes its keys in CSV */

/* pair flags */
#define FMT_QUOTE   0x100u /* a string */
#define FMT_INVAL   0x200u /* no valid value */
#define FMT_PERSIST 0x400u /* CSV: the value stays for the following rows */

/* The tool's meta-data (all strings are printed as given). */
struct util_fmt_meta {
	const char *version;
	const char *host;
	unsigned long long time_epoch;
	const char *time; /* "YYYY-MM-DD HH:MM:SS+ZZZZ" */
};

/* Name to type ("json", "json-seq", "jsonl", "pairs", "csv", any case);
 * false for an unknown name. */
bool util_fmt_name_to_type(const char *name, enum util_fmt_type *type);

struct util_fmt *util_fmt_new(struct proc *p, enum util_fmt_type type, unsigned flags,
			      const struct util_fmt_meta *meta);
/* Ends what is still open and frees. */
void util_fmt_free(struct util_fmt *f);
void util_fmt_obj_start(struct util_fmt *f, unsigned oflags, const char *name);
void util_fmt_obj_end(struct util_fmt *f);
void util_fmt_pair(struct util_fmt *f, unsigned mflags, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The quoting of each format, for other writers of JSON (mdevctl) and for
 * tests: a malloc'd copy of s in double quotes, escaped; NULL when out of
 * memory. */
char *util_fmt_json_quote(const char *s);
char *util_fmt_pairs_quote(const char *s);
char *util_fmt_csv_quote(const char *s);

#endif
