#!/bin/sh
# Regenerates the derived seed inputs in tests/fuzz/corpus/ (`make
# fuzz-seeds`): copies of the goldens and examples, their command lines,
# tiny volumes made by `chpsync dasd`, and the VMM and serve-client
# behaviours written in tests/fuzz/seedgen.c.  Hand-written seeds (named
# hand-*) and regression inputs (named regress-*) are left as they are.
#   tests/fuzz/mkseeds.sh BUILD
set -eu
build=$1
c=tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scenarios=$(ls tests/scenarios/*.scenario examples/*.scenario \
	../shared/scenarios/*.scenario 2>/dev/null || true)

mkdir -p $c/scenario $c/shell $c/iocp $c/ckd $c/vfio $c/serve
rm -f $c/scenario/golden-* $c/shell/golden-* $c/iocp/golden-* $c/ckd/vol-* $c/vfio/vmm-* \
	$c/serve/client-*

# Scenarios as written, and their command lines ("@NODE " for other nodes
# than the host), one input per scenario.  Their 64 MiB transfers become
# 2 MiB ones: the same commands and interleavings, at a thirtieth of the
# time (instrumented for fuzzing, the 64 MiB take tens of seconds).
small='s/bs=1M count=64/bs=1M count=2/g'
for s in $scenarios; do
	b=$(basename "$s" .scenario)
	sed "$small" "$s" >"$c/scenario/golden-$b.scenario"
	sed -n 's/^\[[a-z]*@\([a-z0-9_-]*\) [^]]*\]# *\(.*\)$/\1	\2/p' "$s" | sed "$small" |
		awk -F'\t' '{ if ($1 == "host") print $2; else print "@" $1 " " $2 }' \
			>"$c/shell/golden-$b.cmds"
done

# Decks as written, the built-in one (docs/iocp.md), and each example deck
# activated on top of the built-in one.
for d in tests/scenarios/*.iocp examples/*.iocp; do
	cp "$d" "$c/iocp/golden-$(basename "$d")"
done
awk '/^## The built-in default deck/ { on = 1; next }
     on && /^```$/ { if (n++) exit; next }
     on && n == 1' docs/iocp.md >"$c/iocp/golden-default.iocp"
for d in tests/scenarios/*.iocp examples/*.iocp; do
	{ cat "$c/iocp/golden-default.iocp"; echo "*ACTIVATE"; cat "$d"; } \
		>"$c/iocp/golden-default+$(basename "$d")"
done

# Volumes made by the volume tool, packed (tests/fuzz/ckd_pack.c).
chp="$build/chpsync"
pack="$build/tests/fuzz/ckd_pack"
"$chp" dasd create --full "$tmp/full.3390" 1 FULL01 >/dev/null
"$pack" "$tmp/full.3390" >"$c/ckd/vol-full-1cyl"
"$chp" dasd create --sparse "$tmp/sparse.3390" 3 SPARSE >/dev/null
"$pack" "$tmp/sparse.3390" >"$c/ckd/vol-sparse-3cyl"
"$chp" dasd create --full "$tmp/fmt.3390" 2 OLD001 >/dev/null
"$chp" dasd format --sparse --volser NEW001 "$tmp/fmt.3390" >/dev/null
"$pack" "$tmp/fmt.3390" >"$c/ckd/vol-reformatted-sparse-2cyl"
# A two-file volume (Hercules' file sequence: header byte 17 the file's
# number, bytes 18-19 its last cylinder, little-endian, 0 in the last
# file): cylinders 0-1 and 2 of a three-cylinder volume.
"$chp" dasd create --full "$tmp/three.3390" 3 TWOFIL >/dev/null
cyl=$((15 * 56832))
head -c $((512 + 2 * cyl)) "$tmp/three.3390" >"$tmp/two_1.3390"
{ head -c 512 "$tmp/three.3390"; tail -c "$cyl" "$tmp/three.3390"; } >"$tmp/two_2.3390"
printf '\001\001\000' | dd of="$tmp/two_1.3390" bs=1 seek=17 conv=notrunc status=none
printf '\002\000\000' | dd of="$tmp/two_2.3390" bs=1 seek=17 conv=notrunc status=none
"$chp" dasd check "$tmp/two_1.3390" >/dev/null
"$pack" "$tmp/two_1.3390" "$tmp/two_2.3390" >"$c/ckd/vol-two-files"

# VMM behaviours on the vfio uapi, clients of chpsync serve
# (tests/fuzz/seedgen.c).
mkdir "$tmp/vfio" "$tmp/serve"
"$build/tests/fuzz/seedgen" vfio "$tmp/vfio"
for f in "$tmp"/vfio/*; do
	cp "$f" "$c/vfio/vmm-$(basename "$f")"
done
"$build/tests/fuzz/seedgen" serve "$tmp/serve"
for f in "$tmp"/serve/*; do
	cp "$f" "$c/serve/client-$(basename "$f")"
done
echo "seeds: $(ls $c/scenario | wc -l) scenario, $(ls $c/shell | wc -l) shell," \
	"$(ls $c/iocp | wc -l) iocp, $(ls $c/ckd | wc -l) ckd, $(ls $c/vfio | wc -l) vfio," \
	"$(ls $c/serve | wc -l) serve"
