/* Structured output (json, json-seq, jsonl, pairs, csv) with the layout of
 * s390-tools' libutil util_fmt: see util_fmt.h. */
#include "user/util_fmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "user/node.h"

#define FMT_MAX_DEPTH 16

struct fmt_obj {
	char *name;
	bool list, row, prefix;
	unsigned index; /* members so far */
};

struct fmt_key {
	char *name;
	char *val; /* CSV cell, quoted as it will be printed */
	bool persist;
};

struct util_fmt {
	struct proc *p;
	enum util_fmt_type type;
	unsigned flags;
	struct util_fmt_meta meta;
	bool meta_done;
	const char *nl;
	struct fmt_obj objs[FMT_MAX_DEPTH];
	unsigned lvl;
	/* CSV */
	struct fmt_key *keys;
	size_t nkeys;
	bool csv_hdr, csv_data;
};

static const struct {
	const char *name;
	enum util_fmt_type type;
} fmt_names[] = {
	{"json", FMT_JSON},   {"json-seq", FMT_JSONSEQ}, {"jsonl", FMT_JSONL},
	{"pairs", FMT_PAIRS}, {"csv", FMT_CSV},
};

bool util_fmt_name_to_type(const char *name, enum util_fmt_type *type)
{
	for (size_t i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++) {
		if (strcasecmp(name, fmt_names[i].name) == 0) {
			*type = fmt_names[i].type;
			return true;
		}
	}
	return false;
}

static bool is_stream(const struct util_fmt *f)
{
	return f->type == FMT_JSONSEQ || f->type == FMT_JSONL;
}

/* ---- quoting ---- */

struct quoting {
	const char *doubled; /* characters written twice (CSV's "") */
	const char *esc;     /* pairs: character, letter after the backslash */
	char hex;	     /* 'u' (\u00XX) or 'x' (\xHH) for other bytes, or 0 */
	bool hex_high;	     /* bytes >= 0x80 escaped too (else as they are) */
};

static char *quote(const char *s, const struct quoting *q)
{
	size_t len = strlen(s), to = 0;
	char *out = malloc(len * 6 + 3);

	if (!out)
		return NULL;
	out[to++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *e = NULL;

		for (const char *m = q->esc; m && m[0] && m[1]; m += 2)
			if ((unsigned char)m[0] == c) {
				e = m;
				break;
			}
		if (q->doubled && strchr(q->doubled, c)) {
			out[to++] = (char)c;
			out[to++] = (char)c;
		} else if (e) {
			out[to++] = '\\';
			out[to++] = e[1];
		} else if (q->hex && (c < 0x20 || c == 0x7f || (c >= 0x80 && q->hex_high))) {
			to += (size_t)sprintf(out + to, q->hex == 'u' ? "\\u%04x" : "\\x%02x", c);
		} else {
			out[to++] = (char)c;
		}
	}
	out[to++] = '"';
	out[to] = '\0';
	return out;
}

/* RFC 8259: ", \ and the control characters are escaped; other bytes (UTF-8
 * text) are copied.  DEL is escaped as libutil does (\u007f, valid JSON). */
char *util_fmt_json_quote(const char *s)
{
	static const struct quoting q = {NULL, "\"\"\\\\\bb\ff\nn\rr\tt", 'u', false};

	return quote(s, &q);
}

/* libutil's pairs quoting: safe for a shell's eval of the line. */
char *util_fmt_pairs_quote(const char *s)
{
	static const struct quoting q = {NULL, "\"\"$$``\\\\\aa\bb\033e\ff\nn\rr\tt\vv", 'x', true};

	return quote(s, &q);
}

char *util_fmt_csv_quote(const char *s)
{
	static const struct quoting q = {"\"", NULL, 0, false};

	return quote(s, &q);
}

/* ---- output ---- */

static void out(struct util_fmt *f, const char *s)
{
	proc_write(f->p, s, strlen(s));
}

/* libutil's indent(): none for streams; JSON adds the depth. */
static void indent(struct util_fmt *f, unsigned off)
{
	unsigned num = off;

	if (is_stream(f))
		return;
	if (f->type == FMT_JSON && f->lvl > 0)
		num += f->lvl - 1;
	for (unsigned i = 0; i < num; i++)
		out(f, "  ");
}

static struct fmt_obj *cur(struct util_fmt *f, int off)
{
	int lvl = (int)f->lvl - 1 + off;

	return lvl < 0 ? NULL : &f->objs[lvl];
}

/* "a.b[2].c.key": the names of the enclosing objects (full: all, lists
 * with their index; else only FMT_PREFIX objects). */
static char *prefixed(struct util_fmt *f, const char *key, bool full)
{
	size_t len = strlen(key) + 1;
	char *s, *o;

	for (unsigned i = 0; i < f->lvl; i++)
		len += (f->objs[i].name ? strlen(f->objs[i].name) : 0) + 16;
	s = malloc(len);
	if (!s)
		return NULL;
	o = s;
	*o = '\0';
	for (unsigned i = 0; i < f->lvl; i++) {
		const struct fmt_obj *ob = &f->objs[i];

		if (!full && !ob->prefix)
			continue;
		if (ob->name)
			o += sprintf(o, "%s%s", o != s ? "." : "", ob->name);
		if (ob->list && full)
			o += sprintf(o, "[%u]", ob->index ? ob->index - 1 : 0);
	}
	sprintf(o, "%s%s", o != s ? "." : "", key);
	return s;
}

static void json_obj_start(struct util_fmt *f, struct fmt_obj *parent, struct fmt_obj *ob)
{
	if (!parent && f->type == FMT_JSONSEQ)
		out(f, "\x1e"); /* RFC 7464 record separator */
	if (parent && parent->index > 0) {
		out(f, ",");
		out(f, f->nl);
	}
	indent(f, 0);
	if (parent && !parent->list && ob->name) {
		char *k = util_fmt_json_quote(ob->name);

		out(f, k ? k : "\"\"");
		out(f, ": ");
		free(k);
	}
	out(f, ob->list ? "[" : "{");
	out(f, f->nl);
}

static void json_obj_end(struct util_fmt *f, struct fmt_obj *parent, struct fmt_obj *ob)
{
	if (ob->index > 0)
		out(f, f->nl);
	indent(f, 0);
	out(f, ob->list ? "]" : "}");
	if (!parent)
		out(f, "\n");
}

static void json_map(struct util_fmt *f, struct fmt_obj *ob, unsigned mflags, const char *key,
		     const char *val)
{
	char *k = util_fmt_json_quote(key), *v = NULL;

	if (mflags & FMT_INVAL)
		val = "null";
	else if ((f->flags & FMT_QUOTEALL) || (mflags & FMT_QUOTE))
		v = util_fmt_json_quote(val);
	if (ob->index > 0) {
		out(f, ",");
		out(f, f->nl);
	}
	indent(f, 1);
	out(f, k ? k : "\"\"");
	out(f, ": ");
	out(f, v ? v : val);
	free(k);
	free(v);
}

static void pairs_map(struct util_fmt *f, unsigned mflags, const char *key, const char *val)
{
	char *k = prefixed(f, key, true), *v = NULL;

	if (mflags & FMT_INVAL)
		val = "";
	if ((f->flags & FMT_QUOTEALL) || (mflags & FMT_QUOTE))
		v = util_fmt_pairs_quote(val);
	indent(f, 0);
	out(f, k ? k : key);
	out(f, "=");
	out(f, v ? v : val);
	out(f, "\n");
	free(k);
	free(v);
}

static struct fmt_key *csv_key(struct util_fmt *f, const char *name, bool persist)
{
	struct fmt_key *k, *nk;

	for (size_t i = 0; i < f->nkeys; i++) {
		if (strcmp(f->keys[i].name, name) == 0) {
			f->keys[i].persist = persist;
			return &f->keys[i];
		}
	}
	nk = realloc(f->keys, (f->nkeys + 1) * sizeof(*nk));
	if (!nk)
		return NULL;
	f->keys = nk;
	k = &nk[f->nkeys];
	k->name = strdup(name);
	k->val = strdup("\"\"");
	k->persist = persist;
	if (!k->name || !k->val) {
		free(k->name);
		free(k->val);
		return NULL;
	}
	f->nkeys++;
	f->csv_hdr = true; /* a new column: the header again */
	return k;
}

static void csv_map(struct util_fmt *f, unsigned mflags, const char *key, const char *val)
{
	char *pk = prefixed(f, key, false), *v = NULL;
	struct fmt_key *k;

	if (mflags & FMT_INVAL)
		val = "";
	if ((f->flags & FMT_QUOTEALL) || (mflags & FMT_QUOTE))
		v = util_fmt_csv_quote(val);
	k = pk ? csv_key(f, pk, mflags & FMT_PERSIST) : NULL;
	if (k) {
		char *nv = strdup(v ? v : val);

		if (nv) {
			free(k->val);
			k->val = nv;
		}
		f->csv_data = true;
	}
	free(pk);
	free(v);
}

static void csv_obj_end(struct util_fmt *f, struct fmt_obj *ob)
{
	if (!(ob->row || (f->lvl == 1 && f->csv_data)))
		return;
	if (f->csv_hdr) {
		for (size_t i = 0; i < f->nkeys; i++) {
			char *h = (f->flags & FMT_QUOTEALL) ? util_fmt_csv_quote(f->keys[i].name)
							    : NULL;

			if (i)
				out(f, ",");
			out(f, h ? h : f->keys[i].name);
			free(h);
		}
		out(f, "\n");
		f->csv_hdr = false;
	}
	for (size_t i = 0; i < f->nkeys; i++) {
		if (i)
			out(f, ",");
		out(f, f->keys[i].val);
	}
	out(f, "\n");
	f->csv_data = false;
	for (size_t i = 0; i < f->nkeys; i++) {
		if (!f->keys[i].persist) {
			char *e = strdup("\"\"");

			if (e) {
				free(f->keys[i].val);
				f->keys[i].val = e;
			}
		}
	}
}

/* ---- objects and pairs ---- */

static void obj_end(struct util_fmt *f)
{
	struct fmt_obj *ob, *parent;

	if (!f->lvl)
		return;
	ob = cur(f, 0);
	parent = cur(f, -1);
	if (f->type == FMT_JSON || is_stream(f))
		json_obj_end(f, parent, ob);
	else if (f->type == FMT_CSV)
		csv_obj_end(f, ob);
	f->lvl--;
	free(ob->name);
	memset(ob, 0, sizeof(*ob));
}

/* Every output starts with the tool's meta-data (libutil's convention):
 * an object "meta" inside the outer object (a record of its own in a
 * stream). */
static void emit_meta(struct util_fmt *f)
{
	const unsigned q = FMT_PERSIST | FMT_QUOTE, uq = FMT_PERSIST;

	f->meta_done = true;
	util_fmt_obj_start(f, 0, NULL);
	util_fmt_obj_start(f, FMT_PREFIX, "meta");
	util_fmt_pair(f, uq, "api_level", "%d", 1);
	util_fmt_pair(f, q, "version", "%s", f->meta.version ? f->meta.version : "");
	util_fmt_pair(f, q, "host", "%s", f->meta.host ? f->meta.host : "");
	util_fmt_pair(f, uq, "time_epoch", "%llu", f->meta.time_epoch);
	util_fmt_pair(f, q, "time", "%s", f->meta.time ? f->meta.time : "");
	obj_end(f);
	if (is_stream(f))
		obj_end(f);
}

void util_fmt_obj_start(struct util_fmt *f, unsigned oflags, const char *name)
{
	struct fmt_obj *parent, *ob;

	if (!(f->flags & FMT_NOMETA) && !f->meta_done && f->lvl == 0)
		emit_meta(f);
	if (f->lvl == FMT_MAX_DEPTH)
		return;
	f->lvl++;
	parent = cur(f, -1);
	ob = cur(f, 0);
	ob->name = name ? strdup(name) : NULL;
	ob->list = oflags & FMT_LIST;
	ob->row = oflags & FMT_ROW;
	ob->prefix = oflags & FMT_PREFIX;
	ob->index = 0;
	if (f->type == FMT_JSON || is_stream(f))
		json_obj_start(f, parent, ob);
	if (parent)
		parent->index++;
}

void util_fmt_obj_end(struct util_fmt *f)
{
	obj_end(f);
	/* the outer object that holds the meta object */
	if (f->lvl == 1 && f->meta_done && !is_stream(f))
		obj_end(f);
}

void util_fmt_pair(struct util_fmt *f, unsigned mflags, const char *key, const char *fmt, ...)
{
	struct fmt_obj *ob = cur(f, 0);
	va_list ap;
	char *val;
	int n;

	if (!ob)
		return;
	if (!(f->flags & FMT_KEEPINVAL) && (mflags & FMT_INVAL))
		return;
	va_start(ap, fmt);
	n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (f->type == FMT_JSON || is_stream(f))
		json_map(f, ob, mflags, key, val);
	else if (f->type == FMT_PAIRS)
		pairs_map(f, mflags, key, val);
	else
		csv_map(f, mflags, key, val);
	ob->index++;
	free(val);
}

struct util_fmt *util_fmt_new(struct proc *p, enum util_fmt_type type, unsigned flags,
			      const struct util_fmt_meta *meta)
{
	struct util_fmt *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->p = p;
	f->type = type;
	f->flags = flags;
	if (meta)
		f->meta = *meta;
	f->nl = type == FMT_JSONSEQ || type == FMT_JSONL ? "" : "\n";
	f->csv_hdr = true;
	return f;
}

void util_fmt_free(struct util_fmt *f)
{
	if (!f)
		return;
	while (f->lvl)
		util_fmt_obj_end(f);
	for (size_t i = 0; i < f->nkeys; i++) {
		free(f->keys[i].name);
		free(f->keys[i].val);
	}
	free(f->keys);
	free(f);
}
