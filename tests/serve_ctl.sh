#!/bin/sh
# chpsync serve as its own process, driven by chpsync ctl (no QEMU needed):
# output and exit status of host and hmc commands, an unknown node, a
# command that waits in simulated-and-wall time, SIGTERM ends the service.
# Usage: tests/serve_ctl.sh BUILD
chpsync=$1/chpsync
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chpsync-serve-XXXXXX")
sock=$tmp/s.sock
status=0
fail() {
	echo "serve/ctl: $*"
	status=1
}
cat >"$tmp/prelude.scenario" <<'X'
[root@host ~]# driverctl -b css set-override 0.0.013f vfio_ccw
[root@host ~]# mdevctl start -u 6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920 -p 0.0.013f -t vfio_ccw-io
X
"$chpsync" serve --socket "$sock" "$tmp/prelude.scenario" </dev/null >"$tmp/serve.out" 2>&1 &
pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
out=$("$chpsync" ctl "$sock" host 'lscss --vfio 013f | tail -n 1')
[ "$out" = "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920  0.0.013f  f0  f0  ff   42434445 00000000" ] ||
	fail "lscss --vfio: '$out'"
out=$("$chpsync" ctl "$sock" host 'chchp -c 0 42')
[ $? = 0 ] && [ "$out" = "Configure standby 0.42... done." ] || fail "chchp -c 0 42: '$out'"
"$chpsync" ctl "$sock" host 'false'
[ $? = 1 ] || fail "false did not exit 1"
"$chpsync" ctl "$sock" hmc 'chp fail 99' >/dev/null 2>&1
[ $? != 0 ] || fail "hmc chp fail 99 succeeded"
"$chpsync" ctl "$sock" nosuch 'true' >/dev/null 2>&1
[ $? = 127 ] || fail "an unknown node is not status 127"
out=$("$chpsync" ctl "$sock" host 'sleep 2; echo slept')
[ "$out" = "slept" ] || fail "sleep: '$out'"
"$chpsync" ctl "$tmp/none.sock" host true 2>/dev/null
[ $? = 2 ] || fail "no service is not status 2"
kill -TERM $pid
wait $pid || fail "serve exited with $? on SIGTERM"
[ ! -e "$sock" ] || fail "the socket is still there"
grep -q "listening on $sock" "$tmp/serve.out" || fail "no 'listening' line"
[ $status = 0 ] || sed 's/^/  /' "$tmp/serve.out"
rm -rf "$tmp"
exit $status
