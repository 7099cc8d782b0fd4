/* The shell's builtins: echo, sleep, wait, true, false, exit.  They run
 * in the command line's task with its I/O; sleep and wait block in
 * simulated time. */
#include <stdlib.h>
#include <string.h>

#include "user/node_priv.h"
#include "user/shell_priv.h"

static int builtin_echo(struct proc *p, int argc, char **argv)
{
	bool newline = true, escapes = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *f = argv[i] + 1;

		if (strspn(f, "neE") != strlen(f))
			break;
		for (; *f; f++) {
			if (*f == 'n')
				newline = false;
			else
				escapes = *f == 'e';
		}
	}
	for (; i < argc; i++) {
		const char *s = argv[i];

		if (!escapes) {
			proc_write(p, s, strlen(s));
		} else {
			for (; *s; s++) {
				char c = *s;

				if (c == '\\' && s[1]) {
					s++;
					c = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
				}
				proc_write(p, &c, 1);
			}
		}
		if (i + 1 < argc)
			proc_write(p, " ", 1);
	}
	if (newline)
		proc_write(p, "\n", 1);
	return 0;
}

/* GNU sleep's DURATION (NUMBER[smhd]) plus "ms", in simulated time. */
int sh_parse_duration(const char *s, sim_time_t *ns)
{
	char *end;
	double v, mult = 1e9;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	v = strtod(s, &end);
	if (end == s)
		return -1;
	if (strcmp(end, "ms") == 0)
		mult = 1e6;
	else if (strcmp(end, "m") == 0)
		mult = 60e9;
	else if (strcmp(end, "h") == 0)
		mult = 3600e9;
	else if (strcmp(end, "d") == 0)
		mult = 86400e9;
	else if (*end && strcmp(end, "s") != 0)
		return -1;
	if (!(v >= 0) || v * mult > 1e18)
		return -1;
	*ns = (sim_time_t)(v * mult + 0.5);
	return 0;
}

static int builtin_sleep(struct proc *p, int argc, char **argv)
{
	sim_time_t total = 0, ns;
	int i;

	if (argc < 2) {
		proc_eprintf(p,
			     "sleep: missing operand\nTry 'sleep --help' for more information.\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (sh_parse_duration(argv[i], &ns)) {
			proc_eprintf(p,
				     "sleep: invalid time interval '%s'\n"
				     "Try 'sleep --help' for more information.\n",
				     argv[i]);
			return 1;
		}
		total += ns;
	}
	/* Interruptible, as sleep(1) dies of a signal. */
	if (total && sim_sleep_intr(proc_sim(p), total) < 0)
		return 128 + proc_signalled(p);
	return 0;
}

/* bash's wait (non-interactive): see node_priv.h's job table. */
static int wait_one(struct proc *p, struct proc *top, const char *spec)
{
	struct node *n = p->n;
	bool is_job = spec[0] == '%';
	struct proc *j = NULL;
	char *end;
	long v;
	int status;

	v = strtol(spec + is_job, &end, 10);
	if (!*end && end != spec + is_job && v > 0 && v < 1000000000)
		j = is_job ? node_find_job(n, (int)v) : node_find_job_pid(n, (int)v);
	if (j) {
		while (!j->done && j != top)
			if (sim_wait_intr(proc_sim(p), &n->job_wq) < 0)
				return 128 + proc_signalled(p);
		if (j != top)
			j->released = true; /* out of the table; its PID's status stays */
		return j->status;
	}
	if (!is_job && !*end && end != spec && node_bgpid_status(n, (int)v, &status))
		return status;
	if (is_job)
		proc_eprintf(p, "-bash: wait: %s: no such job\n", spec);
	else if (strspn(spec, "0123456789") != strlen(spec) || !*spec)
		proc_eprintf(p, "-bash: wait: `%s': not a pid or valid job spec\n", spec);
	else
		proc_eprintf(p, "-bash: wait: pid %s is not a child of this shell\n", spec);
	return 127;
}

static int builtin_wait(struct proc *p, int argc, char **argv)
{
	struct node *n = p->n;
	struct proc *top = p;
	int i, status = 0;

	while (top->parent)
		top = top->parent;
	if (argc == 1) {
		/* a job's own `wait` must not wait for itself */
		while (node_jobs_except(n, top))
			if (sim_wait_intr(proc_sim(p), &n->job_wq) < 0)
				return 128 + proc_signalled(p);
		/* POSIX lets the shell forget them now, and bash does */
		node_forget_jobs(n, top);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		status = wait_one(p, top, argv[i]);
		if (proc_signalled(p))
			break;
	}
	return status;
}

static int builtin_exit(struct proc *p, int argc, char **argv)
{
	struct proc *top = p;
	int status = p->n->last_status;
	char *end;

	while (top->parent)
		top = top->parent;
	top->exit_line = true;
	if (argc > 1) {
		long v = strtol(argv[1], &end, 10);

		if (*end || end == argv[1]) {
			proc_eprintf(p, "-bash: exit: %s: numeric argument required\n", argv[1]);
			return 2;
		}
		status = (int)(v & 0xff);
	}
	return status;
}

int sh_run_builtin(struct proc *p, int argc, char **argv, bool *found)
{
	*found = true;
	if (strcmp(argv[0], "echo") == 0)
		return builtin_echo(p, argc, argv);
	if (strcmp(argv[0], "sleep") == 0)
		return builtin_sleep(p, argc, argv);
	if (strcmp(argv[0], "wait") == 0)
		return builtin_wait(p, argc, argv);
	if (strcmp(argv[0], "true") == 0)
		return 0;
	if (strcmp(argv[0], "false") == 0)
		return 1;
	if (strcmp(argv[0], "exit") == 0)
		return builtin_exit(p, argc, argv);
	*found = false;
	return 0;
}
