#!/bin/sh
# chpsync explore in make check (docs/explore.md):
#  1. a sweep of every profile over SEEDS seeds (default 200): every failure
#     must be of a family listed in tests/explore-open.txt (open bugs the
#     explorer found), anything else fails the sweep with its reproducer;
#  2. upstream as a comparison: with --host-driver=upstream the explorer
#     finds, within the first 400 seeds of the default profile, the hang of
#     a cancelled start, and the reproducer's `chpsync run` shows it;
#  3. the GNU parallel recipe (tools/explore-parallel.sh, local job slots):
#     its merged results are those of one run of the same seeds.  GNU
#     parallel is installed with apt-get when possible, else skipped.
# Usage: tests/explore.sh BUILD [SEEDS].  Prints FAIL/SKIP lines and ends with
# "N passed, N failed".
build=$1
seeds=${2:-200}
chpsync=$(cd "$(dirname "$build/chpsync")" && pwd)/chpsync
dir=$build/explore-test
open=$(pwd)/tests/explore-open.txt
p=0
f=0
pass() { p=$((p + 1)); }
fail() { echo "FAIL explore: $*"; f=$((f + 1)); }
skip() { echo "SKIP explore: $*"; }
rm -rf "$dir"
mkdir -p "$dir"

# 1. the sweep
for prof in default paths lifecycle wide io; do
	out=$dir/$prof
	"$chpsync" explore --quiet --profile "$prof" --seeds 1-"$seeds" --no-shrink \
		--out "$out" >/dev/null 2>&1
	total=$(grep -c '"seed"' "$out/results.jsonl" 2>/dev/null)
	if [ "${total:-0}" -ne "$seeds" ]; then
		fail "$prof: $total of $seeds seeds have a result"
		continue
	fi
	known=0
	bad=0
	grep -v '"outcome":"pass"' "$out/results.jsonl" >"$out/failed" || true
	while IFS= read -r line; do
		inv=$(printf '%s\n' "$line" | sed -n 's/.*"invariant":"\([a-z-]*\)".*/\1/p')
		what=$(printf '%s\n' "$line" | sed -n 's/.*"what":"\(.*\)","where".*/\1/p' |
			sed 's/\\"/"/g')
		seed=$(printf '%s\n' "$line" | sed -n 's/^{"seed":\([0-9]*\),.*/\1/p')
		ok=0
		while IFS="	" read -r finv pat; do
			case $finv in ''|'#'*) continue ;; esac
			[ "$finv" = "$inv" ] && printf '%s\n' "$what" | grep -Eq -- "$pat" && ok=1
		done <"$open"
		if [ $ok = 1 ]; then
			known=$((known + 1))
		else
			bad=$((bad + 1))
			fail "$prof seed $seed: '$inv' $what (reproducer $out/fail-$seed.scenario)"
		fi
	done <"$out/failed"
	echo "explore $prof: $seeds seeds, $((total - known - bad)) passed, $known known open bugs, $bad new failures"
	[ $bad = 0 ] && pass
done

# 2. upstream's hang
up=$dir/upstream
found=
for from in 1 51 101 151 201 251 301 351; do
	# fifty seeds at a time (the run resumes), until one hangs that way
	"$chpsync" explore --quiet --host-driver=upstream --seeds 1-$((from + 49)) --no-shrink \
		--out "$up" >/dev/null 2>&1
	for s in $(grep '"invariant":"io-ends","what":"'"'"'wait'"'"' did not complete' \
		"$up/results.jsonl" 2>/dev/null | sed -n 's/^{"seed":\([0-9]*\),.*/\1/p'); do
		[ -f "$up/r-$s.out" ] && continue
		(cd "$up" && "$chpsync" run --trace "t-$s.trace" "fail-$s.scenario" >"r-$s.out" 2>&1)
		if grep -q "start cancelled: no interrupt will come" "$up/t-$s.trace" &&
			grep -q "command did not complete" "$up/r-$s.out"; then
			found=$s
			break
		fi
	done
	[ -n "$found" ] && break
done
if [ -n "$found" ]; then
	echo "explore upstream: found as expected: with the upstream host driver seed $found hangs on a cancelled start ($up/fail-$found.scenario)"
	pass
	# The run still ends cleanly: the end of the run fails the guest's
	# start that never ends, so its processes end.
	if grep -q "internal error" "$up/r-$found.out"; then
		fail "upstream: the run of seed $found did not end cleanly: $(grep 'internal error' "$up/r-$found.out")"
	else
		pass
	fi
else
	fail "upstream: no hang of a cancelled start within seeds 1-400"
fi

# 3. GNU parallel
have_parallel() {
	command -v parallel >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "explore: installing parallel for the GNU parallel recipe"
		apt-get -o DPkg::Lock::Timeout=900 install -y -q parallel >"$dir/apt.log" 2>&1 ||
			{ apt-get -q update >/dev/null 2>&1 &&
			  apt-get -o DPkg::Lock::Timeout=900 install -y -q parallel >"$dir/apt.log" 2>&1; }
	fi
	command -v parallel >/dev/null 2>&1
}
if have_parallel; then
	"$chpsync" explore --quiet --seeds 1-12 --no-shrink --jobs 2 --out "$dir/one" \
		>/dev/null 2>&1
	sh tools/explore-parallel.sh -j 2 -c "$chpsync" 3 "$dir/par" --seeds 1-12 --no-shrink \
		>"$dir/par.out" 2>&1
	if [ -s "$dir/one/results.jsonl" ] &&
		cmp -s "$dir/one/results.jsonl" "$dir/par/results.jsonl" &&
		cmp -s "$dir/one/junit.xml" "$dir/par/junit.xml"; then
		pass
	else
		fail "GNU parallel: the merged results differ from one run's ($dir/par)"
	fi
else
	skip "GNU parallel is not installed and cannot be (apt-get install parallel)"
fi
echo "$p passed, $f failed"
[ $f = 0 ]
