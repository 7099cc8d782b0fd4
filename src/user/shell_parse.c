/* The shell's command-line parser: words with '...' and "..." quoting and
 * backslash escapes, `#` comments, `;`, `&`, `&&`, `||`, `|`, and the
 * redirections `<`, `>`, `>>`, `2>`, `2>>`, `2>&1`. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/shell_priv.h"

enum tok_kind {
	T_WORD,
	T_SEMI,
	T_AMP,
	T_AND,
	T_OR,
	T_PIPE,
	T_IN,
	T_OUT,
	T_APPEND,
	T_ERR,
	T_ERRAPP,
	T_ERR2OUT,
	T_END
};

struct tok {
	enum tok_kind kind;
	char *word;
};

struct toks {
	struct tok *v;
	int n, cap;
};

static const char *const tok_text[] = {"",  ";",  "&",	"&&",  "||",   "|",	 "<",
				       ">", ">>", "2>", "2>>", "2>&1", "newline"};

static int toks_push(struct toks *t, enum tok_kind kind, char *word)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		struct tok *v = realloc(t->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].kind = kind;
	t->v[t->n].word = word;
	t->n++;
	return 0;
}

static void toks_free(struct toks *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].word);
	free(t->v);
}

/* Operator at p, or T_WORD if none; *len gets its length. */
static enum tok_kind op_at(const char *p, int *len)
{
	static const struct {
		const char *s;
		enum tok_kind k;
	} ops[] = {{"2>&1", T_ERR2OUT}, {"2>>", T_ERRAPP}, {"2>", T_ERR}, {"&&", T_AND},
		   {"||", T_OR},	{">>", T_APPEND},  {";", T_SEMI}, {"&", T_AMP},
		   {"|", T_PIPE},	{"<", T_IN},	   {">", T_OUT}};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].s);

		if (strncmp(p, ops[i].s, n) == 0) {
			*len = (int)n;
			return ops[i].k;
		}
	}
	return T_WORD;
}

/* Read one word starting at *pp; returns malloc'd text or NULL with err. */
static char *read_word(const char **pp, char *err, size_t errsize)
{
	const char *p = *pp;
	size_t cap = strlen(p) + 1, n = 0;
	char *w = malloc(cap);
	int dummy;

	if (!w)
		return NULL;
	while (*p && !isspace((unsigned char)*p)) {
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end)
				goto unterminated;
			memcpy(w + n, p + 1, (size_t)(end - p - 1));
			n += (size_t)(end - p - 1);
			p = end + 1;
		} else if (*p == '"') {
			const char *open = p++;

			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$'))
					p++;
				else if (p[0] == '$' && (p[1] == '?' || p[1] == '!')) {
					w[n++] = p[1] == '?' ? SH_MARK_STATUS : SH_MARK_LASTBG;
					p += 2;
					continue;
				}
				w[n++] = *p++;
			}
			if (!*p) {
				p = open; /* name the quote, not the end */
				goto unterminated;
			}
			p++;
		} else if (*p == '\\') {
			if (p[1])
				p++;
			w[n++] = *p++;
		} else if (p[0] == '$' && (p[1] == '?' || p[1] == '!')) {
			w[n++] = p[1] == '?' ? SH_MARK_STATUS : SH_MARK_LASTBG;
			p += 2;
		} else if (op_at(p, &dummy) != T_WORD && !(p[0] == '2' && n > 0)) {
			break;
		} else {
			w[n++] = *p++;
		}
	}
	w[n] = '\0';
	*pp = p;
	return w;
unterminated:
	snprintf(err, errsize, "unexpected EOF while looking for matching `%c'", *p);
	free(w);
	return NULL;
}

static int tokenize(const char *s, struct toks *t, char *err, size_t errsize)
{
	const char *p = s;

	for (;;) {
		enum tok_kind k;
		int len;
		char *w;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return toks_push(t, T_END, NULL);
		k = op_at(p, &len);
		if (k != T_WORD) {
			if (toks_push(t, k, NULL))
				return -1;
			p += len;
			continue;
		}
		w = read_word(&p, err, errsize);
		if (!w)
			return -1;
		if (toks_push(t, T_WORD, w)) {
			free(w);
			return -1;
		}
	}
}

static void cmd_free(struct sh_cmd *c)
{
	int i;

	for (i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->in_path);
	free(c->out_path);
	free(c->err_path);
}

void sh_line_put(struct sh_line *l)
{
	int i, j;

	if (!l || --l->refs > 0)
		return;
	for (i = 0; i < l->npls; i++) {
		for (j = 0; j < l->pls[i].ncmds; j++)
			cmd_free(&l->pls[i].cmds[j]);
		free(l->pls[i].cmds);
	}
	free(l->pls);
	free(l);
}

static int syntax_error(const struct tok *t, char *err, size_t errsize)
{
	snprintf(err, errsize, "syntax error near unexpected token `%s'", tok_text[t->kind]);
	return -1;
}

/* One simple command: words and redirections, up to an operator. */
static int parse_cmd(struct tok *v, int *i, struct sh_cmd *c, char *err, size_t errsize)
{
	while (v[*i].kind == T_WORD || (v[*i].kind >= T_IN && v[*i].kind <= T_ERR2OUT)) {
		struct tok *t = &v[*i];
		char **slot = NULL;

		if (t->kind == T_WORD) {
			char **a = realloc(c->argv, (size_t)(c->argc + 2) * sizeof(*a));

			if (!a)
				return -1;
			c->argv = a;
			a[c->argc++] = t->word;
			a[c->argc] = NULL;
			t->word = NULL;
			(*i)++;
			continue;
		}
		if (t->kind == T_ERR2OUT) {
			c->err_to_out = true;
			(*i)++;
			continue;
		}
		if (v[*i + 1].kind != T_WORD)
			return syntax_error(&v[*i + 1], err, errsize);
		if (t->kind == T_IN)
			slot = &c->in_path;
		else if (t->kind == T_OUT || t->kind == T_APPEND)
			slot = &c->out_path, c->out_append = t->kind == T_APPEND;
		else
			slot = &c->err_path, c->err_append = t->kind == T_ERRAPP;
		free(*slot);
		*slot = v[*i + 1].word;
		v[*i + 1].word = NULL;
		*i += 2;
	}
	if (c->argc == 0 && !c->in_path && !c->out_path && !c->err_path)
		return syntax_error(&v[*i], err, errsize);
	return 0;
}

static int parse_pipeline(struct tok *v, int *i, struct sh_pipeline *pl, char *err, size_t errsize)
{
	for (;;) {
		struct sh_cmd *c = realloc(pl->cmds, (size_t)(pl->ncmds + 1) * sizeof(*c));

		if (!c)
			return -1;
		pl->cmds = c;
		memset(&c[pl->ncmds], 0, sizeof(*c));
		pl->ncmds++;
		if (parse_cmd(v, i, &c[pl->ncmds - 1], err, errsize))
			return -1;
		if (v[*i].kind != T_PIPE)
			return 0;
		(*i)++;
	}
}

static enum sh_sep sep_of(enum tok_kind k)
{
	switch (k) {
	case T_AMP:
		return SH_BG;
	case T_AND:
		return SH_AND;
	case T_OR:
		return SH_OR;
	default:
		return SH_SEQ;
	}
}

struct sh_line *sh_parse(const char *text, char *err, size_t errsize)
{
	struct toks t = {0};
	struct sh_line *l = calloc(1, sizeof(*l));
	int i = 0;

	err[0] = '\0';
	if (!l)
		return NULL;
	l->refs = 1;
	if (tokenize(text, &t, err, errsize))
		goto fail;
	while (t.v[i].kind != T_END) {
		struct sh_pipeline *pls = realloc(l->pls, (size_t)(l->npls + 1) * sizeof(*pls));
		enum tok_kind k;

		if (!pls)
			goto fail;
		l->pls = pls;
		memset(&pls[l->npls], 0, sizeof(*pls));
		l->npls++;
		if (parse_pipeline(t.v, &i, &pls[l->npls - 1], err, errsize))
			goto fail;
		k = t.v[i].kind;
		if (k == T_END)
			break;
		if (k != T_SEMI && k != T_AMP && k != T_AND && k != T_OR) {
			syntax_error(&t.v[i], err, errsize);
			goto fail;
		}
		pls[l->npls - 1].sep = sep_of(k);
		i++;
		if ((k == T_AND || k == T_OR) && t.v[i].kind == T_END) {
			syntax_error(&t.v[i], err, errsize);
			goto fail;
		}
	}
	toks_free(&t);
	return l;
fail:
	if (!err[0])
		snprintf(err, errsize, "out of memory");
	toks_free(&t);
	sh_line_put(l);
	return NULL;
}
