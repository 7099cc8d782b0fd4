#!/bin/sh
# A stand-in for qemu-system-s390x in tests/real_qemu.sh (needs no QEMU):
# a guest console that prompts as chpsync's guest image does (guest/profile)
# and behaves as its busybox shell can:
# * `poweroff` only signals init and returns, init prints its message, the
#   shell still prints its next prompt, then the machine goes down.  The
#   runner must take the command as ended when QEMU ends, not at that
#   prompt, and show nothing of what the console printed on the way down.
# * `sleep N &`: a background job whose end interrupts the shell's read of
#   the console (busybox ash's SIGCHLD handler has no SA_RESTART, and with
#   the echo off its line reader takes that as the end of input); with
#   `set -o ignoreeof` the shell says so and prompts again, unasked.  The
#   job ends N seconds later (the shell waits at its prompt: the notice
#   comes while the runner types nothing), or with N = 0 just as the next
#   line is typed (the notice and that prompt come after the line).  The
#   runner must not take that prompt for the end of a command.
# * An empty line: the shell prompts again (the runner types the newline).
# (docs/real-qemu.md)
unset LD_PRELOAD
prompt() { printf '\n@@chpsync-prompt %s@@\n[root@guest ~]# ' "$1"; }
wakeup() { printf '\nUse "exit" to leave shell.\n'; prompt 0; }
prompt 0
pending=
while IFS= read -r line; do
	if [ -n "$pending" ]; then
		wakeup
		pending=
	fi
	case $line in
	poweroff)
		echo "The system is going down NOW!"
		prompt 0
		sleep 0.2
		exit 0
		;;
	"") prompt 0 ;;
	"sleep 0 &") pending=1; prompt 0 ;;
	"sleep "*" &")
		n=${line#sleep }
		(sleep "${n% &}" && wakeup) &
		prompt 0
		;;
	"echo "*) echo "${line#echo }"; prompt 0 ;;
	*) echo "-sh: ${line%% *}: not found"; prompt 127 ;;
	esac
done
