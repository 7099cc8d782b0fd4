#!/bin/sh
# Seed sweep: every scenario given must pass `chpsync check --seed N` for
# each N in 1..COUNT (a scenario that ships holds for any seed).  Runs up
# to JOBS checks at once (default 4: a run mostly waits for its volume
# images).  Prints one line per scenario and "sweep: S scenarios x COUNT
# seeds, F failed"; exit 1 on any failure, with the first failing seed's
# diff.  Usage: tests/seed_sweep.sh CHPSYNC COUNT FILE.scenario...
chpsync=$1; count=$2; shift 2
jobs=${SWEEP_JOBS:-4}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0; total=0; nscen=0
for s in "$@"; do
	nscen=$((nscen + 1))
	seq 1 "$count" | xargs -P "$jobs" -I{} sh -c \
		'"$1" check --seed {} "$2" >"$3/{}.out" 2>&1 || echo {} >>"$3/failed"' \
		sh "$chpsync" "$s" "$tmp"
	if [ -s "$tmp/failed" ]; then
		n=$(wc -l <"$tmp/failed"); first=$(sort -n "$tmp/failed" | head -n 1)
		echo "FAIL $s: $n of $count seeds (first: --seed $first)"
		sed 's/^/  /' "$tmp/$first.out" | head -n 40
		total=$((total + n)); status=1
	else
		echo "$s: $count seeds"
	fi
	rm -f "$tmp"/*
done
echo "sweep: $nscen scenarios x $count seeds, $total failed"
exit $status
