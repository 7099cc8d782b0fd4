#!/bin/sh
# Debian's real s390-tools (2.16, s390x) on chpsync's own sysfs: each golden
# scenario runs with `--sysfs-dump`; then, for every node left at the end,
# lscss (plain, --vfio, -a, --avail, -u), lschp and lsdasd (plain, -l, -b)
# run twice: as chpsync's commands at the end of the scenario, and as the
# real programs on the dumped tree (ELF programs under qemu-s390x-static
# -L, scripts under bash, the tree bind-mounted on /sys in a private mount
# namespace).  The outputs must be identical once tests/s390tools.rules
# has turned chpsync's 2.43 output into what 2.16 prints; each rule is one
# difference between the versions, listed once in docs/differences.md.
# Installs qemu-user-static and gawk when missing (as root); takes the
# s390x packages from the guest image's cache (guest/mkimage.sh); skips
# with the reason when any of it cannot be had.
# Prints "s390-tools: N passed, N failed" (N = command runs compared).
# Usage: tests/s390tools.sh BUILD [SCENARIO...]
build=$1
shift
chpsync=$build/chpsync
skip() {
	echo "SKIP s390-tools comparison: $*"
	echo "s390-tools: 0 passed, 0 failed"
	exit 0
}
[ "${CHPSYNC_SKIP_S390TOOLS:-}" = 1 ] && skip "CHPSYNC_SKIP_S390TOOLS=1"
need=
command -v qemu-s390x-static >/dev/null 2>&1 || need="$need qemu-user-static"
command -v gawk >/dev/null 2>&1 || need="$need gawk"
if [ -n "$need" ]; then
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || skip "missing:$need"
	echo "s390-tools: installing$need"
	apt-get -o DPkg::Lock::Timeout=900 install -y $need >"$build/apt.log" 2>&1 ||
		skip "cannot install$need (see $build/apt.log)"
fi
unshare -m true 2>/dev/null || skip "no private mount namespace (unshare -m needs root)"
img=$(sh guest/mkimage.sh 2>"$build/mkimage.log" | tail -n 1) || skip "no s390x packages: $(tail -n 1 "$build/mkimage.log")"
debs=$(dirname "$img")/debs
# next to the image's cache, outside the build directory
root=$(dirname "$img")/s390x-root
stamp=$(ls "$debs"/s390-tools_*.deb "$debs"/libc6_*.deb 2>/dev/null | tr '\n' ' ')
[ -n "$stamp" ] || skip "no s390-tools or libc6 package in $debs"
if [ "$(cat "$root/.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$root"
	mkdir -p "$root"
	for d in $stamp; do dpkg-deb -x "$d" "$root" || skip "cannot unpack $d"; done
	echo "$stamp" >"$root/.stamp"
fi

cmds="lscss|lscss --vfio|lscss -a|lscss --avail|lscss -u|lschp|lsdasd|lsdasd -l|lsdasd -b"
# The real programs on a node's tree, all nine in one private mount
# namespace: output of command number i into DIR/real.i.
real_cmds() { # TREE DIR
	unshare -m sh -c '
		mount --bind "$1" /sys || exit 1
		root=$2 dir=$3 i=0
		echo "$4" | tr "|" "\n" | while read -r prog args; do
			i=$((i + 1))
			case "$prog" in
			lsdasd) bash "$root/sbin/lsdasd" $args ;;
			*) qemu-s390x-static -L "$root" "$root/sbin/$prog" $args ;;
			esac >"$dir/real.$i" 2>&1
		done' sh "$1" "$root" "$2" "$cmds"
}

if [ $# -eq 0 ]; then
	set -- tests/scenarios/*.scenario examples/*.scenario
	if [ -d ../shared/scenarios ]; then
		set -- "$@" ../shared/scenarios/*.scenario
	else
		echo "s390-tools: no ../shared beside the repository: its scenarios are not compared"
	fi
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chpsync-s390tools-XXXXXX")
pass=0
fail=0
ruled=0
for s in "$@"; do
	[ -f "$s" ] || continue
	name=$(basename "$s" .scenario)
	# Which nodes have an OS at the end: a first run with the dump.
	rm -rf "$tmp/d0" "$tmp/d"
	"$chpsync" run --sysfs-dump "$tmp/d0" "$s" >/dev/null 2>&1 || continue
	# the copy sits next to the original: relative '#! iocp' paths hold
	copy=$(mktemp "$(dirname "$s")/.s390tools-XXXXXX") || continue
	cp "$s" "$copy"
	nodes=$(ls "$tmp/d0")
	for n in $nodes; do
		echo "$cmds" | tr '|' '\n' | while read -r c; do
			printf '[root@%s ~]# %s\n' "$n" "$c"
		done
	done >>"$copy"
	"$chpsync" run --sysfs-dump "$tmp/d" "$copy" >"$tmp/out" 2>&1
	rc=$?
	rm -f "$copy"
	if [ $rc != 0 ]; then
		echo "FAIL $s: the run with the listing commands failed"
		sed 's/^/  /' "$tmp/out" | tail -n 5
		fail=$((fail + 1))
		continue
	fi
	for n in $nodes; do
		# The real programs' output depends on the tree alone: trees
		# met before (most hosts end alike) reuse it.
		h=$(cd "$tmp/d/$n/sys" && { find . -printf '%p %y %l %m\n' | LC_ALL=C sort;
			find . -type f -perm -0400 | LC_ALL=C sort | xargs cat; } | md5sum | cut -c1-32)
		if [ -d "$tmp/cache/$h" ]; then
			cp "$tmp/cache/$h"/real.* "$tmp/"
		else
			real_cmds "$tmp/d/$n/sys" "$tmp"
			mkdir -p "$tmp/cache/$h"
			cp "$tmp"/real.* "$tmp/cache/$h/"
		fi
		i=0
		echo "$cmds" | tr '|' '\n' | while read -r c; do
			i=$((i + 1))
			# chpsync's output: the lines after the last such prompt
			awk -v p="[root@$n ~]# $c" '
				$0 == p { grab = 1; out = ""; next }
				/^\[root@[^]]*\]# / { if (grab) { grab = 0; last = out } next }
				grab { sub(/[ \t]+$/, ""); out = out $0 "\n" }
				END { if (grab) last = out; printf "%s", last }' "$tmp/out" >"$tmp/own.raw"
			sed -f tests/s390tools.rules "$tmp/own.raw" >"$tmp/own"
			sed 's/[ \t]*$//' "$tmp/real.$i" >"$tmp/real"
			if cmp -s "$tmp/own" "$tmp/real"; then
				# a pass that needed a version rule counts apart
				if cmp -s "$tmp/own.raw" "$tmp/real"; then echo pass; else echo ruled; fi
			else
				echo "FAIL $name $n: $c" >&2
				diff -u --label "chpsync ($n: $c)" --label "s390-tools 2.16" "$tmp/own" "$tmp/real" |
					head -n 20 | sed 's/^/  /' >&2
				echo fail
			fi
		done
	done >"$tmp/res"
	pass=$((pass + $(grep -c '^pass$' "$tmp/res") + $(grep -c '^ruled$' "$tmp/res")))
	ruled=$((ruled + $(grep -c '^ruled$' "$tmp/res")))
	fail=$((fail + $(grep -c '^fail$' "$tmp/res")))
done
echo "s390-tools: $(ls "$tmp/cache" | wc -l) distinct trees"; rm -rf "$tmp"
echo "s390-tools: $ruled of the identical runs differed only by a 2.16/2.43 rule"
echo "s390-tools: $pass passed, $fail failed"
[ "$fail" = 0 ]
