#!/bin/sh
# Real-guest 4 KB direct-read IOPS through the bridge (docs/real-qemu.md):
# a real Debian s390x guest under QEMU 7.2 (TCG) reads its chpsync DASD
# with O_DIRECT, A = 4 KiB reads, B = 64 KiB reads, interleaved rounds
# (A B A B ...), wall time of each dd as the guest's `time` reports it;
# prints requests per second, min/median/max.  Needs qemu-system-s390x and
# the guest image (make guest-image); says so and exits 0 without them.
# Usage: bench/real_qemu_iops.sh BUILD [ROUNDS [COUNT]]
build=${1:-build}
rounds=${2:-5}
count=${3:-1000}
command -v "${CHPSYNC_QEMU:-qemu-system-s390x}" >/dev/null 2>&1 ||
	{ echo "real_qemu_iops: no qemu-system-s390x, skipped"; exit 0; }
img=$(sh guest/mkimage.sh --print 2>/dev/null) ||
	{ echo "real_qemu_iops: no guest image (make guest-image), skipped"; exit 0; }
export CHPSYNC_GUEST_IMAGE="$img"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chpsync-iops-XXXXXX")
{
	echo "[root@host ~]# driverctl -b css set-override 0.0.013f vfio_ccw"
	echo "[root@host ~]# mdevctl start -u 6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920 -p 0.0.013f -t vfio_ccw-io"
	echo "[root@host ~]# qemu-system-s390x -name guest -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920,devno=0.0.3f3f -daemonize"
	echo "[root@guest ~]# chccwdev -e 3f3f"
	i=0
	while [ $i -lt "$rounds" ]; do
		echo "[root@guest ~]# time dd if=/dev/dasda of=/dev/null bs=4096 count=$count iflag=direct status=none"
		echo "[root@guest ~]# time dd if=/dev/dasda of=/dev/null bs=65536 count=$count iflag=direct status=none"
		i=$((i + 1))
	done
	echo "[root@guest ~]# poweroff"
} >"$tmp/iops.scenario"
"$build/chpsync" run --real-qemu "$tmp/iops.scenario" >"$tmp/out" 2>&1 ||
	{ echo "real_qemu_iops: the run failed"; tail -n 20 "$tmp/out"; rm -rf "$tmp"; exit 1; }
awk -v n="$count" '
	/bs=4096/ { k = "a" } /bs=65536/ { k = "b" }
	/^real/ { split($2, m, "m"); s = m[1] * 60 + $3; sub(/s$/, "", s); t = m[1] * 60 + substr($3, 1, length($3) - 1)
		  v[k, ++c[k]] = n / t }
	function stats(k,   i, j, x, a) {
		for (i = 1; i <= c[k]; i++) a[i] = v[k, i]
		for (i = 1; i <= c[k]; i++) for (j = i + 1; j <= c[k]; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
		return sprintf("%8.0f %8.0f %8.0f", a[1], a[int((c[k] + 1) / 2)], a[c[k]])
	}
	END {
		printf "real guest O_DIRECT reads through the bridge (%d rounds x %d reads, requests/s min/median/max)\n", c["a"], n
		printf "  4 KiB   %s\n", stats("a")
		printf "  64 KiB  %s\n", stats("b")
	}' "$tmp/out"
rm -rf "$tmp"
