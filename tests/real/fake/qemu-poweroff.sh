#!/bin/sh
# A stand-in for qemu-system-s390x in tests/real_qemu.sh (needs no QEMU):
# a guest console that prompts as chpsync's guest image does (guest/profile)
# and echoes, and whose `poweroff` behaves as busybox's can: poweroff only
# signals init and returns, init prints its message, the shell still prints
# its next prompt, then the machine goes down.  The runner must take the
# command as ended when QEMU ends, not at that prompt, and show nothing of
# what the console printed on the way down (docs/real-qemu.md).
unset LD_PRELOAD
prompt() { printf '\n@@chpsync-prompt %s@@\n[root@guest ~]# ' "$1"; }
prompt 0
while IFS= read -r line; do
	case $line in
	poweroff)
		echo "The system is going down NOW!"
		prompt 0
		sleep 0.2
		exit 0
		;;
	"echo "*) echo "${line#echo }"; prompt 0 ;;
	*) echo "-sh: ${line%% *}: not found"; prompt 127 ;;
	esac
done
