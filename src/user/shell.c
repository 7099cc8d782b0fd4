/* The shell that runs command lines on a node.
 *
 * A command line runs in a sim task (the line's process).  A pipeline's
 * stages before the last run in tasks of their own, connected by bounded
 * in-memory pipes whose reader and writer block; the last stage runs in the
 * line's task.  `cmd &` starts the pipeline in a new task (a job) and goes
 * on.  Everything a process prints lands in the node's terminal at the
 * moment it is printed, interleaved with the OS console's lines.
 */
#include "user/shell.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/sysfs.h"
#include "os/vfs.h"
#include "user/node_priv.h"
#include "user/pipe.h"
#include "user/shell_priv.h"

/* Replace $? and $! markers with their values.  Inside a background job
 * (a subshell in bash) $? is the job's own last status. */
static char *expand(const struct proc *p, const char *w)
{
	const struct node *n = p->n;
	size_t len = strlen(w) * 12 + 1;
	char *out = malloc(len), *o = out;
	const struct proc *j = p;
	int status;

	if (!out)
		return NULL;
	while (j && !j->job)
		j = j->parent;
	status = j ? j->job_status : n->last_status;
	for (; *w; w++) {
		if (*w == SH_MARK_STATUS)
			o += sprintf(o, "%d", status);
		else if (*w == SH_MARK_LASTBG)
			o += n->last_bg_pid ? sprintf(o, "%d", n->last_bg_pid) : 0;
		else
			*o++ = *w;
	}
	*o = '\0';
	return out;
}

static struct vfs_file *redirect_open(struct proc *p, const char *path, int flags)
{
	struct vfs *v = proc_vfs(p);
	struct vfs_file *f;
	int err = -ENOENT;

	f = v ? vfs_open(v, path, flags, &err) : NULL;
	if (!f) {
		if (!v)
			err = -EACCES;
		proc_eprintf(p, "-bash: %s: %s\n", path, strerror(-err));
	}
	return f;
}

/* Open `> /sys/...` as sysfs would for root: only existing attributes
 * with a store method can be opened for writing. */
static int sys_redirect(struct proc *p, const char *path)
{
	struct sysfs *fs = proc_sysfs(p);
	const char *err = NULL;

	if (!fs)
		err = "No such file or directory";
	else if (sysfs_is_dir(fs, path))
		err = "Is a directory";
	else if (sysfs_writable(fs, path))
		err = NULL;
	else if (sysfs_exists(fs, path))
		err = "Permission denied";
	else {
		char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;

		if (slash)
			*slash = '\0';
		err = dir && sysfs_is_dir(fs, dir[0] ? dir : "/") ? "Permission denied"
								  : "No such file or directory";
		free(dir);
	}
	if (err) {
		proc_eprintf(p, "-bash: %s: %s\n", path, err);
		return -1;
	}
	p->sys_path = strdup(path);
	p->sys_len = 0;
	return 0;
}

/* Store what a command wrote to a /sys attribute; 0 or -errno. */
static int sys_flush(struct proc *p)
{
	struct sysfs *fs = proc_sysfs(p);
	int ret = 0;

	if (!p->sys_path)
		return 0;
	if (p->sys_len && fs)
		ret = sysfs_write(fs, p->sys_path, p->sys_buf);
	free(p->sys_path);
	free(p->sys_buf);
	p->sys_path = p->sys_buf = NULL;
	p->sys_len = p->sys_cap = 0;
	return ret;
}

static bool is_sys_path(const char *path)
{
	return strncmp(path, "/sys/", 5) == 0;
}

static int setup_redirects(struct proc *p, const struct sh_cmd *c)
{
	if (c->in_path) {
		p->in_file = redirect_open(p, c->in_path, VFS_RD);
		if (!p->in_file)
			return -1;
	}
	if (c->out_path && is_sys_path(c->out_path)) {
		if (sys_redirect(p, c->out_path))
			return -1;
	} else if (c->out_path) {
		p->out_file = redirect_open(p, c->out_path,
					    VFS_WR | VFS_CREAT | (c->out_append ? 0 : VFS_TRUNC));
		if (!p->out_file)
			return -1;
		p->out_off = c->out_append ? vfs_size(p->out_file) : 0;
	}
	if (c->err_path) {
		p->err_file = redirect_open(p, c->err_path,
					    VFS_WR | VFS_CREAT | (c->err_append ? 0 : VFS_TRUNC));
		if (!p->err_file)
			return -1;
		p->err_off = c->err_append ? vfs_size(p->err_file) : 0;
	}
	p->err_to_out = c->err_to_out;
	return 0;
}

static void close_redirects(struct proc *p)
{
	sys_flush(p);
	vfs_close(p->in_file);
	vfs_close(p->out_file);
	vfs_close(p->err_file);
	p->in_file = p->out_file = p->err_file = NULL;
}

/* Run one simple command in the current task with p's I/O. */
static int run_cmd(struct proc *p, const struct sh_cmd *c)
{
	const struct prog *pr;
	const char *name;
	char **argv;
	int i, status = 0;
	bool found;

	if (setup_redirects(p, c)) {
		close_redirects(p);
		return 1;
	}
	if (c->argc == 0) {
		close_redirects(p);
		return 0;
	}
	argv = calloc((size_t)c->argc + 1, sizeof(*argv));
	if (!argv) {
		close_redirects(p);
		return 1;
	}
	for (i = 0; i < c->argc; i++) {
		argv[i] = expand(p, c->argv[i]);
		if (!argv[i])
			argv[i] = strdup("");
	}
	status = sh_run_builtin(p, c->argc, argv, &found);
	if (!found) {
		name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
		pr = node_find_prog(p->n, name);
		if (pr) {
			status = pr->fn(p, pr->ctx, c->argc, argv);
		} else if (strchr(argv[0], '/')) {
			proc_eprintf(p, "-bash: %s: No such file or directory\n", argv[0]);
			status = 127;
		} else {
			proc_eprintf(p, "-bash: %s: command not found\n", argv[0]);
			status = 127;
		}
	}
	/* A process ended by a signal has the status 128 + its number. */
	if (proc_signalled(p))
		status = 128 + proc_signalled(p);
	i = sys_flush(p);
	if (i < 0 && !proc_signalled(p)) {
		proc_eprintf(p, "%s%s: write error: %s\n", found ? "-bash: " : "", argv[0],
			     strerror(-i));
		status = 1;
	}
	for (i = 0; i < c->argc; i++)
		free(argv[i]);
	free(argv);
	close_redirects(p);
	return status;
}

static void stage_task(void *arg)
{
	struct proc *p = arg;
	int status = run_cmd(p, p->cmd);

	pipe_close_read(proc_sim(p), p->in);
	pipe_close_write(proc_sim(p), p->out);
	p->in = p->out = NULL;
	proc_finish(p, status);
}

/* Run a pipeline in the current task (the caller's process is `self`).
 * Returns the status of its last command. */
static int run_pipeline(struct proc *self, const struct sh_pipeline *pl)
{
	struct proc **stages = calloc((size_t)pl->ncmds, sizeof(*stages));
	struct pipe *prev = NULL;
	struct proc *last;
	int i, status;

	if (!stages)
		return 1;
	for (i = 0; i < pl->ncmds; i++) {
		struct proc *s = proc_new(self->n, self);
		struct pipe *pp = NULL;

		if (!s)
			break;
		stages[i] = s;
		s->cmd = &pl->cmds[i];
		s->in = prev;
		if (i + 1 < pl->ncmds) {
			pp = pipe_new();
			s->out = pp;
		} else {
			/* the last stage writes where the line writes */
			s->out = NULL;
		}
		prev = pp;
		if (i + 1 < pl->ncmds) {
			s->task = sim_task_spawn(
				proc_sim(self), pl->cmds[i].argv ? pl->cmds[i].argv[0] : "redirect",
				stage_task, s);
			sim_task_set_data(s->task, s);
		}
	}
	last = stages[pl->ncmds - 1];
	if (!last) {
		status = 1;
		goto out;
	}
	status = run_cmd(last, last->cmd);
	pipe_close_read(proc_sim(self), last->in);
	last->in = NULL;
	proc_finish(last, status);
	for (i = 0; i + 1 < pl->ncmds; i++)
		while (stages[i] && !stages[i]->done)
			sim_wait(proc_sim(self), &stages[i]->done_wq);
out:
	for (i = 0; i < pl->ncmds; i++)
		if (stages[i])
			stages[i]->released = true;
	free(stages);
	return status;
}

/* Run the and-or list pls[first..last] (joined by && and ||) in the
 * current task; returns the status of the last pipeline that ran. */
static int run_andor(struct proc *self, int first, int last)
{
	const struct sh_pipeline *pls = self->line->pls;
	int i, status = 0;

	/* A signal (Ctrl-C) ends the whole list, as in bash. */
	for (i = first; i <= last && !self->exit_line && !self->sig; i++) {
		if (i > first && ((pls[i - 1].sep == SH_AND && status != 0) ||
				  (pls[i - 1].sep == SH_OR && status == 0)))
			continue;
		status = run_pipeline(self, &pls[i]);
		/* a background job's statuses are not the shell's $? */
		if (self->job)
			self->job_status = status;
		else
			self->n->last_status = status;
	}
	return status;
}

static void job_task(void *arg)
{
	struct proc *j = arg;

	int status = run_andor(j, j->first, j->last);

	proc_finish(j, j->sig ? 128 + j->sig : status);
}

static void start_job(struct proc *self, int first, int last)
{
	struct node *n = self->n;
	struct proc *j = proc_new(n, NULL);

	if (!j)
		return;
	j->line = self->line;
	j->line->refs++;
	j->first = first;
	j->last = last;
	j->job = node_next_job(n);
	j->job_status = n->last_status; /* a subshell starts with the shell's $? */
	/* in the job table until `wait` takes it out */
	j->released = false;
	n->last_bg_pid = j->pid;
	j->task = sim_task_spawn(proc_sim(self), "job", job_task, j);
	sim_task_set_data(j->task, j);
}

static void line_task(void *arg)
{
	struct proc *p = arg;
	struct node *n = p->n;
	int i = 0;

	if (!p->line) {
		proc_eprintf(p, "-bash: %s\n", p->parse_err);
		n->last_status = 2;
		proc_finish(p, 2);
		return;
	}
	while (i < p->line->npls && !p->exit_line && !p->sig) {
		int last = i;

		/* an and-or list ends at `;`, `&` or the end of the line */
		while (last + 1 < p->line->npls &&
		       (p->line->pls[last].sep == SH_AND || p->line->pls[last].sep == SH_OR))
			last++;
		if (p->line->pls[last].sep == SH_BG) {
			start_job(p, i, last);
			n->last_status = 0;
		} else {
			run_andor(p, i, last);
		}
		i = last + 1;
	}
	if (p->sig)
		n->last_status = 128 + p->sig;
	proc_finish(p, n->last_status);
}

struct proc *node_run(struct node *n, const char *line)
{
	struct proc *p;

	node_reap(n);
	p = proc_new(n, NULL);
	if (!p)
		return NULL;
	p->text = strdup(line ? line : "");
	p->line = sh_parse(p->text ? p->text : "", p->parse_err, sizeof(p->parse_err));
	p->task = sim_task_spawn(proc_sim(p), "sh", line_task, p);
	sim_task_set_data(p->task, p);
	return p;
}
