/* qemu-system-s390x as a program of the host node, and pkill to end it.
 *
 * `qemu-system-s390x ... -daemonize` returns 0 as soon as the VM exists:
 * the guest node is in the world and its OS boots from events shortly
 * after.  Without -daemonize the process runs until the guest powers off
 * (`poweroff` on the guest node) or is signalled (`pkill`), so scenarios
 * start it with `&`.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/node.h"
#include "vmm/vm.h"

/* The VMM state of one host node: the VMs its qemu-system-s390x started.
 * Its owner (who installed it) frees it. */
struct vmm {
	struct node *host;
	struct vm *vms;
	const struct vmm_guest_ops *guest_ops; /* vmm_set_guest_ops() */
	void *guest_ctx;
};

/* argv joined by single blanks, as /proc/PID/cmdline reads with NULs
 * turned into blanks (what pkill -f matches). */
static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int qemu_main(struct proc *p, void *ctx, int argc, char **argv)
{
	struct vmm *m = ctx;
	struct vmm_host host = {&vmm_host_linux, proc_os(p)};
	struct vm_opts *o = malloc(sizeof(*o));
	char err[1024];
	struct vm *vm;

	if (!o) {
		proc_eprintf(p, "%s: out of memory\n", QEMU_PROG);
		return 1;
	}
	if (qemu_opts_parse(argc, argv, o, err, sizeof(err))) {
		proc_eprintf(p, "%s\n", err);
		free(o);
		return 1;
	}
	vm = vm_create(&host, proc_sim(p), o, m->guest_ops, m->guest_ctx, err, sizeof(err));
	if (!vm) {
		proc_eprintf(p, "%s\n", err);
		return 1;
	}
	vm->next = m->vms;
	m->vms = vm;
	vm->cmdline = join_args(argc, argv);
	if (o->daemonize)
		return 0;
	/* A signal to the qemu process ends the VM, as pkill does. */
	while (vm->running)
		if (sim_wait_intr(proc_sim(p), &vm->quit_wq) < 0)
			vm_quit(vm);
	return 0;
}

/* The kernel's process name (comm): the program's base name, at most 15
 * characters ("qemu-system-s39"). */
#define TASK_COMM_LEN 16

static void vm_comm(char comm[TASK_COMM_LEN])
{
	size_t n = strlen(QEMU_PROG);

	if (n > TASK_COMM_LEN - 1)
		n = TASK_COMM_LEN - 1;
	memcpy(comm, QEMU_PROG, n);
	comm[n] = '\0';
}

static int pkill_usage(struct proc *p, const char *fmt, const char *arg)
{
	proc_eprintf(p, "pkill: ");
	proc_eprintf(p, fmt, arg);
	proc_eprintf(p, "\nTry `pkill --help' for more information.\n");
	return 2;
}

/* pkill [-SIGNAL] [-f] [-x] PATTERN (procps-ng): signal the processes of
 * this node whose name (or, with -f, whole command line) matches the
 * extended regular expression PATTERN.  The long-lived processes of a host
 * node are its VMs: SIGTERM, SIGINT, SIGHUP and SIGKILL end a VM as they
 * end QEMU (the guest node leaves, a foreground qemu-system-s390x
 * returns).  Exit 0 when something matched, 1 when nothing did, 2 on a
 * usage error. */
static int pkill_main(struct proc *p, void *ctx, int argc, char **argv)
{
	static const char *const sigs[] = {"TERM", "15", "KILL", "9", "INT", "2", "HUP", "1"};
	struct vmm *m = ctx;
	bool full = false, exact = false, any = false;
	const char *pattern = NULL;
	char comm[TASK_COMM_LEN];
	regex_t re;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool sig = false;

		if (a[0] != '-' || !a[1]) {
			if (pattern)
				return pkill_usage(p, "only one pattern can be provided%s", "");
			pattern = a;
			continue;
		}
		for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
			sig = sig || !strcmp(a + 1, sigs[k]) ||
			      (!strncmp(a + 1, "SIG", 3) && !strcmp(a + 4, sigs[k]));
		if (sig)
			continue;
		if (!strcmp(a, "-f") || !strcmp(a, "--full"))
			full = true;
		else if (!strcmp(a, "-x") || !strcmp(a, "--exact"))
			exact = true;
		else if (a[1] >= '0' && a[1] <= '9')
			return pkill_usage(p, "Unknown signal \"%s\".", a + 1);
		else
			return pkill_usage(p, "invalid option -- '%s'", a + 1);
	}
	if (!pattern)
		return pkill_usage(p, "no matching criteria specified%s", "");
	if (!full && strlen(pattern) > TASK_COMM_LEN - 1) {
		proc_eprintf(p,
			     "pkill: pattern that searches for process name longer than 15 "
			     "characters will result in zero matches\n"
			     "Try `pkill -f' option to match against the complete command line.\n");
		return 1;
	}
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		return pkill_usage(p, "cannot compile regular expression '%s'", pattern);
	for (struct vm *vm = m->vms; vm; vm = vm->next) {
		const char *subject;
		bool hit;

		if (!vm->running)
			continue;
		vm_comm(comm);
		subject = full && vm->cmdline ? vm->cmdline : comm;
		hit = exact ? !strcmp(subject, pattern) : !regexec(&re, subject, 0, NULL, 0);
		if (!hit)
			continue;
		any = true;
		vm_quit(vm);
	}
	regfree(&re);
	return any ? 0 : 1;
}

struct vmm *vmm_install(struct node *host)
{
	struct vmm *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->host = host;
	node_add_prog(host, "qemu-system-s390x", qemu_main, m);
	node_add_prog(host, "pkill", pkill_main, m);
	return m;
}

struct vm *vmm_vms(const struct vmm *m)
{
	return m ? m->vms : NULL;
}

void vmm_set_guest_ops(struct vmm *m, const struct vmm_guest_ops *ops, void *ctx)
{
	m->guest_ops = ops;
	m->guest_ctx = ctx;
}

int vmm_kill(struct vmm *m, const char *name)
{
	for (struct vm *vm = vmm_vms(m); vm; vm = vm->next) {
		if (vm->running && !strcmp(vm->opts->name, name)) {
			vm_quit(vm);
			return 0;
		}
	}
	return -ENOENT;
}

void vmm_shutdown(struct vmm *m)
{
	for (struct vm *vm = m ? m->vms : NULL; vm; vm = vm->next)
		if (vm->guest && vm->guest_ops->shutdown)
			vm->guest_ops->shutdown(vm->guest_ctx, vm->guest);
}

void vmm_free(struct vmm *m)
{
	if (!m)
		return;
	while (m->vms) {
		struct vm *vm = m->vms;

		m->vms = vm->next;
		vm_free(vm);
	}
	free(m);
}

int vmm_vm_counts(const struct vmm *m, const char *name, struct vmm_vm_counts *out)
{
	for (struct vm *vm = vmm_vms(m); vm; vm = vm->next) {
		const struct vcss_stats *cs;

		if (!vm->running || strcmp(vm->opts->name, name))
			continue;
		cs = vcss_stats(vm->css);
		memset(out, 0, sizeof(*out));
		out->crws_from_host = vm->st.crws_from_host;
		/* every CRW the guest's queue took: the VM's eager batches and
		 * a policy's own (qemu) */
		out->crws_injected = cs->crws_queued;
		out->crws_overflowed = cs->crws_overflowed;
		out->machine_checks = cs->machine_checks;
		for (int i = 0; i < vm->nvfio; i++) {
			const struct vfio_ccw_stats *st = vfio_ccw_dev_stats(vm->vfio[i]);

			out->guest_stsch += st->guest_stsch;
			out->host_stsch += st->host_stsch;
		}
		return 0;
	}
	return -ENOENT;
}
