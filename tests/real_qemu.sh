#!/bin/sh
# The real QEMU and a real s390x Linux guest on chpsync's host
# (docs/real-qemu.md): the goldens in tests/real/ (chpsync check
# --real-qemu), and the differential of eager-config and vary-visible run
# with chpsync's own VMM and guest (sclp-chp-info=off, as QEMU) and with
# the real ones: the guest's lscss, lschp and lsdasd lines must differ
# exactly as tests/real/NAME.diff says (every line of it is explained in
# docs/differences.md; empty = identical).
# Installs qemu-system-misc when missing (as root), builds or reuses the
# guest image (guest/mkimage.sh); skips with the reason when either cannot
# be had.  Prints "real-qemu: N passed, N failed".
# Usage: tests/real_qemu.sh BUILD
build=$1
chpsync=$build/chpsync
pass=0
fail=0
skip() {
	echo "SKIP real-qemu tests: $* (only the stand-in for QEMU ran)"
	echo "real-qemu: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}
# The runner's side alone, with a stand-in for QEMU (runs everywhere).
fakeimg=$(mktemp -d) && touch "$fakeimg/vmlinuz" "$fakeimg/initrd.img"
for s in tests/real/fake/*.scenario; do
	if CHPSYNC_QEMU=tests/real/fake/qemu-console.sh CHPSYNC_GUEST_IMAGE=$fakeimg \
		"$chpsync" check --real-qemu "$s" >"$build/real.out" 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL $s"
		sed 's/^/  /' "$build/real.out" | head -n 60
		fail=$((fail + 1))
	fi
done
rm -rf "$fakeimg"
if [ "${CHPSYNC_SKIP_REAL_QEMU:-}" = 1 ]; then
	skip "CHPSYNC_SKIP_REAL_QEMU=1"
fi
if ! command -v "${CHPSYNC_QEMU:-qemu-system-s390x}" >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "real-qemu: installing qemu-system-misc (qemu-system-s390x)"
		apt-get -o DPkg::Lock::Timeout=900 install -y qemu-system-misc >"$build/apt.log" 2>&1 ||
			skip "qemu-system-misc cannot be installed (see $build/apt.log)"
	else
		skip "no qemu-system-s390x (apt-get install qemu-system-misc)"
	fi
fi
if ! img=$(sh guest/mkimage.sh 2>"$build/mkimage.log" | tail -n 1) || [ ! -f "$img/vmlinuz" ]; then
	skip "no guest image: $(tail -n 1 "$build/mkimage.log")"
fi
export CHPSYNC_GUEST_IMAGE="$img"

for s in tests/real/*.scenario; do
	if "$chpsync" check --real-qemu "$s" >"$build/real.out" 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL $s"
		sed 's/^/  /' "$build/real.out" | head -n 60
		fail=$((fail + 1))
	fi
done

# The guest's lscss/lschp/lsdasd commands and their output lines.
guest_views() {
	awk '
	/^\[[^]@]*@[^] ]* [^]]*\]# / {
		keep = ($0 ~ /^\[root@guest / && $0 ~ /(lscss|lschp|lsdasd)/)
		if (keep) print
		next
	}
	/^#/ { keep = 0; next }
	keep { sub(/[ \t]+$/, ""); print }
	' "$1"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chpsync-real-XXXXXX")
for n in eager-config vary-visible; do
	# QEMU has no SCLP channel-path information and the real guest needs
	# wall time, not 1 ms, to see a host vary: the same for both runs.
	sed -e 's/^\(\[root@host [^]]*\]# qemu-system-s390x .*\) -daemonize$/\1 -machine s390-ccw-virtio,sclp-chp-info=off -daemonize/' \
		-e 's/sleep 0\.001;/sleep 1;/' "tests/scenarios/$n.scenario" >"$tmp/$n.scenario"
	if ! "$chpsync" run "$tmp/$n.scenario" >"$tmp/own.txt" 2>&1 ||
		! "$chpsync" run --real-qemu "$tmp/$n.scenario" >"$tmp/real.txt" 2>&1; then
		echo "FAIL differential $n: a run failed"
		tail -n 20 "$tmp/own.txt" "$tmp/real.txt" | sed 's/^/  /'
		fail=$((fail + 1))
		continue
	fi
	guest_views "$tmp/own.txt" >"$tmp/own.views"
	guest_views "$tmp/real.txt" >"$tmp/real.views"
	diff -u --label "$n (chpsync's VMM and guest)" --label "$n (QEMU 7.2, Linux 6.1)" \
		"$tmp/own.views" "$tmp/real.views" >"$tmp/diff"
	if [ ! -s "$tmp/own.views" ] || ! diff -u "tests/real/$n.diff" "$tmp/diff" >"$tmp/dd"; then
		echo "FAIL differential $n: the differences are not the documented ones"
		sed 's/^/  /' "$tmp/dd" | head -n 60
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
rm -rf "$tmp"
echo "real-qemu: $pass passed, $fail failed"
[ "$fail" = 0 ]
