#!/bin/sh
# `chpsync shell` on a terminal, typed into as a person would (tmux
# send-keys, capture-pane): completion of commands, node names and IDs,
# history, help, an unknown node, Ctrl-C on a running command and at the
# prompt, the prompt leaving a powered-off guest, `exit N`; then the same
# for SIGTERM and SIGHUP; no /tmp/chpsync-* work directory is left behind.
# Piped input: the exit status is the last command's.  Prints "N passed,
# N failed"; skips (and says why) without tmux or without readline.
# Usage: tests/shell_tmux.sh BUILD
build=$1
chpsync=$(cd "$(dirname "$build/chpsync")" && pwd)/chpsync
pass=0 failn=0
ok() { pass=$((pass + 1)); }
fail() { echo "FAIL shell: $*"; failn=$((failn + 1)); }
tmp=$(mktemp -d) || exit 1
sock=chpsync-test-$$
S="tmux -L $sock -f /dev/null"
cleanup() { $S kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# ---- piped input ----
printf 'true\nfalse\n' | TMPDIR=$tmp "$chpsync" shell --think 0 >/dev/null 2>&1
[ $? = 1 ] && ok || fail "piped input: status not the last command's"
printf 'false\n exit 5\necho no\n' | TMPDIR=$tmp "$chpsync" shell --think 0 >"$tmp/p.out" 2>&1
[ $? = 5 ] && ! grep -q '^no$' "$tmp/p.out" && ok || fail "' exit 5' did not leave with 5"
printf 'badnode: ls\n' | TMPDIR=$tmp "$chpsync" shell --think 0 >"$tmp/p.out" 2>&1
[ $? = 1 ] && grep -q "chpsync: no node 'badnode' (nodes: host, hmc)" "$tmp/p.out" && ok ||
	fail "an unknown node is not an error"
printf 'qemu-system-s390x -name g1 -daemonize\ng1: poweroff\necho back\n' |
	TMPDIR=$tmp "$chpsync" shell --think 0 >"$tmp/p.out" 2>&1
grep -q '^\[root@host ~\]# echo back$' "$tmp/p.out" && ok ||
	fail "the prompt stayed on a powered-off guest: $(tail -n 2 "$tmp/p.out")"

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP shell on a terminal: no tmux (apt-get install tmux)"
	echo "$pass passed, $failn failed"
	[ $failn = 0 ]; exit
fi
if ! ldd "$chpsync" 2>/dev/null | grep -q libreadline; then
	echo "SKIP line editing in chpsync shell: built without readline (apt-get install libreadline-dev)"
	echo "$pass passed, $failn failed"
	[ $failn = 0 ]; exit
fi

# Wait (at most 10 s) until the pane shows $1 (a fixed string; the pane's
# lines have no trailing blanks).
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		$S capture-pane -t cs -p >"$tmp/pane" 2>/dev/null
		grep -qF -- "$1" "$tmp/pane" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
keys() { $S send-keys -t cs "$@"; }
start() {
	rm -f "$tmp/rc"
	$S kill-server 2>/dev/null
	sleep 0.2
	$S new-session -d -s cs -x 100 -y 50 \
		"sh -c 'trap \"\" INT; TMPDIR=$tmp/w $chpsync shell --think 0 2>&1; echo rc=\$? >$tmp/rc; sleep 30'" ||
		{ sleep 1; $S new-session -d -s cs -x 100 -y 50 \
		"sh -c 'trap \"\" INT; TMPDIR=$tmp/w $chpsync shell --think 0 2>&1; echo rc=\$? >$tmp/rc; sleep 30'"; }
	wait_for '[root@host ~]#' || fail "no prompt"
}
rc_is() {
	i=0
	while [ ! -s "$tmp/rc" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(cat "$tmp/rc" 2>/dev/null)" = "rc=$1" ]
}
mkdir -p "$tmp/w"

start
# completion: a command, a node name, a command of that node, CHPIDs
keys 'lsch' Tab; keys Enter
wait_for 'CHPID  Vary  Cfg.' && ok || fail "Tab did not complete lsch to lschp"
keys 'hm' Tab 'sta' Tab Enter
wait_for '# hmc: status' && wait_for 'Subchannels' && ok ||
	fail "Tab did not complete hmc: and status"
keys 'chp fail 0.4' Tab Tab
wait_for '0.42  0.43  0.44  0.45' && ok || fail "Tab Tab did not list the CHPIDs"
keys C-u 'host: chccwdev -e 0.0.3f' Tab Enter
wait_for 'Setting device 0.0.3f3f online' && ok || fail "Tab did not complete the bus ID"
# history: Up twice is `hmc: status` again
keys C-l Up Up Enter
wait_for 'Subchannels' && ok || fail "Up did not bring back an earlier command"
keys C-l 'help' Enter
wait_for 'hmc (the machine' && wait_for 'lscss' && ok || fail "help does not list the nodes"
keys C-l 'nosuch: lschp' Enter
wait_for "chpsync: no node 'nosuch'" && ok || fail "unknown node not reported"
# Ctrl-C: the command ends with 130, the world goes on
keys C-l 'host: md5sum /dev/zero' Enter
sleep 0.5; keys C-c
keys 'echo $?' Enter
wait_for '130' && ok || fail "Ctrl-C did not end md5sum with 130"
keys 'lsdasd' Enter
wait_for 'dasda' && ok || fail "the world did not go on after Ctrl-C"
keys 'half typed' C-c
wait_for '^C' && ok || fail "Ctrl-C at the prompt"
keys 'exit 5' Enter
rc_is 5 && ok || fail "exit 5: $(cat "$tmp/rc" 2>/dev/null)"
$S kill-server 2>/dev/null

# SIGTERM under a running command, SIGHUP at the prompt: no work directory
# left, status 128 + the signal.
start
keys 'md5sum /dev/zero' Enter
sleep 0.5
pid=$(pgrep -f "^$chpsync shell")
[ -n "$pid" ] && kill -TERM $pid
rc_is 143 && ok || fail "SIGTERM: $(cat "$tmp/rc" 2>/dev/null)"
$S kill-server 2>/dev/null
start
pid=$(pgrep -f "^$chpsync shell")
[ -n "$pid" ] && kill -HUP $pid
rc_is 129 && ok || fail "SIGHUP: $(cat "$tmp/rc" 2>/dev/null)"
$S kill-server 2>/dev/null
left=$(ls "$tmp/w")
[ -z "$left" ] && ok || fail "work directories left behind: $left"
echo "$pass passed, $failn failed"
[ $failn = 0 ]
