/* See lineedit.h.  HAVE_READLINE is set by the Makefile when the readline
 * headers are there (Debian: libreadline-dev). */
#include "cli/lineedit.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#ifdef HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

struct lineedit {
	bool edit;
	int sigfd;
	lineedit_complete_fn complete;
	void *ctx;
	/* plain input: bytes read but not yet handed out */
	char *buf;
	size_t len, cap;
	size_t scanned; /* bytes of buf known to hold no newline */
	size_t lines;	/* lines handed out */
	bool eof, failed;
};

bool lineedit_failed(const struct lineedit *le)
{
	return le->failed;
}

bool lineedit_available(void)
{
#ifdef HAVE_READLINE
	return true;
#else
	return false;
#endif
}

/* A signal from the signalfd: SIGINT 2, or the terminating one. */
static int take_signal(struct lineedit *le)
{
	struct signalfd_siginfo si;
	int sig = 0;

	while (le->sigfd >= 0 && read(le->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (!sig || si.ssi_signo != SIGINT)
			sig = (int)si.ssi_signo;
	return sig;
}

/* Wait until stdin is readable (1) or a signal came (0, *sig set). */
static int wait_input(struct lineedit *le, int *sig)
{
	struct pollfd pf[2] = {{.fd = 0, .events = POLLIN}, {.fd = le->sigfd, .events = POLLIN}};

	for (;;) {
		int n = poll(pf, le->sigfd >= 0 ? 2 : 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1; /* let the read find out */
		if (le->sigfd >= 0 && (pf[1].revents & POLLIN)) {
			*sig = take_signal(le);
			if (*sig)
				return 0;
		}
		if (pf[0].revents)
			return 1;
	}
}

/* ---- plain lines (a pipe, a file, or no readline) ---- */

static char *plain_read(struct lineedit *le, const char *prompt, int *sig)
{
	if (prompt) {
		fputs(prompt, stdout);
		fflush(stdout);
	}
	for (;;) {
		char *nl = le->len > le->scanned
				   ? memchr(le->buf + le->scanned, '\n', le->len - le->scanned)
				   : NULL;
		char *line;
		ssize_t n;

		if (nl || (le->eof && le->len)) {
			size_t k = nl ? (size_t)(nl - le->buf) : le->len;

			line = strndup(le->buf, k);
			k += nl ? 1 : 0;
			memmove(le->buf, le->buf + k, le->len - k);
			le->len -= k;
			le->scanned = 0;
			le->lines++;
			return line;
		}
		le->scanned = le->len;
		if (le->eof)
			return NULL;
		/* A line that does not end (/dev/zero) would take all memory. */
		if (le->len >= LINEEDIT_MAX_LINE) {
			fprintf(stderr,
				"chpsync: standard input: line %zu is longer than %u MiB: not a "
				"command line\n",
				le->lines + 1, LINEEDIT_MAX_LINE >> 20);
			le->failed = le->eof = true;
			le->len = le->scanned = 0;
			return NULL;
		}
		*sig = 0;
		if (!wait_input(le, sig)) {
			if (*sig == SIGINT) {
				/* Ctrl-C at the prompt: drop what was typed. */
				*sig = 0;
				le->len = 0;
				if (prompt) {
					fputs("^C\n", stdout);
					fputs(prompt, stdout);
					fflush(stdout);
				}
				continue;
			}
			return NULL;
		}
		if (le->cap - le->len < 4096) {
			char *nb = realloc(le->buf, le->cap + 65536);

			if (!nb)
				return NULL;
			le->buf = nb;
			le->cap += 65536;
		}
		n = read(0, le->buf + le->len, le->cap - le->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			le->eof = true;
		else
			le->len += (size_t)n;
	}
}

/* ---- readline ---- */

#ifdef HAVE_READLINE
/* readline's callbacks take no context: the one line editor of the
 * process. */
static struct lineedit *rl_le;
static char *rl_got;
static bool rl_done_line;
static char **rl_cands;
static size_t rl_ncand, rl_next;

static void rl_on_line(char *line)
{
	rl_got = line;
	rl_done_line = true;
	/* No second prompt after the line: the caller prints output first. */
	rl_callback_handler_remove();
}

static char *rl_gen(const char *text, int state)
{
	(void)text;
	if (!state)
		rl_next = 0;
	if (rl_next < rl_ncand)
		return strdup(rl_cands[rl_next++]);
	return NULL;
}

static char **rl_complete_cb(const char *text, int start, int end)
{
	char **r;

	(void)end;
	rl_attempted_completion_over = 1; /* no file names */
	for (size_t i = 0; i < rl_ncand; i++)
		free(rl_cands[i]);
	free(rl_cands);
	rl_cands =
		rl_le->complete ? rl_le->complete(rl_le->ctx, rl_line_buffer, start, text) : NULL;
	rl_ncand = 0;
	while (rl_cands && rl_cands[rl_ncand])
		rl_ncand++;
	r = rl_completion_matches(text, rl_gen);
	return r;
}

static char *rl_read(struct lineedit *le, const char *prompt, int *sig)
{
	rl_got = NULL;
	rl_done_line = false;
	rl_callback_handler_install(prompt, rl_on_line);
	while (!rl_done_line) {
		*sig = 0;
		if (!wait_input(le, sig)) {
			if (*sig == SIGINT) {
				/* As bash: ^C, the line is dropped, a new prompt. */
				*sig = 0;
				rl_replace_line("", 0);
				fputs("^C", rl_outstream);
				rl_crlf();
				rl_on_new_line();
				rl_redisplay();
				continue;
			}
			rl_callback_handler_remove();
			rl_crlf();
			return NULL;
		}
		rl_callback_read_char();
	}
	return rl_got;
}
#endif

struct lineedit *lineedit_new(bool edit, int sigfd, lineedit_complete_fn complete, void *ctx)
{
	struct lineedit *le = calloc(1, sizeof(*le));

	if (!le)
		return NULL;
	le->edit = edit && lineedit_available();
	le->sigfd = sigfd;
	le->complete = complete;
	le->ctx = ctx;
#ifdef HAVE_READLINE
	if (le->edit) {
		rl_le = le;
		rl_readline_name = "chpsync";
		rl_catch_signals = 0;
		rl_catch_sigwinch = 0;
		rl_attempted_completion_function = rl_complete_cb;
		/* Words end at blanks and shell operators; ':' stays in a
		 * word (node prefixes, IDs are completed whole). */
		rl_completer_word_break_characters = " \t\n;&|<>()";
		using_history();
	}
#endif
	return le;
}

void lineedit_free(struct lineedit *le)
{
	if (!le)
		return;
#ifdef HAVE_READLINE
	if (le->edit) {
		for (size_t i = 0; i < rl_ncand; i++)
			free(rl_cands[i]);
		free(rl_cands);
		rl_cands = NULL;
		rl_ncand = 0;
		clear_history();
		rl_le = NULL;
	}
#endif
	free(le->buf);
	free(le);
}

char *lineedit_read(struct lineedit *le, const char *prompt, int *sig)
{
	*sig = 0;
#ifdef HAVE_READLINE
	if (le->edit)
		return rl_read(le, prompt, sig);
#endif
	return plain_read(le, prompt, sig);
}

void lineedit_add_history(struct lineedit *le, const char *line)
{
#ifdef HAVE_READLINE
	if (le->edit && *line)
		add_history(line);
#else
	(void)le;
	(void)line;
#endif
}
