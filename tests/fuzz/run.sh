#!/bin/sh
# Fuzzes each target for a while (`make fuzz`; docs/fuzzing.md).
#   tests/fuzz/run.sh BUILD SECONDS "LIBFUZZER OPTIONS" TARGET...
# BUILD holds the fuzzers (BUILD/fuzz/fuzz_TARGET).  Each target starts from
# its seed corpus in tests/fuzz/corpus/TARGET (read only) and keeps what it
# finds in BUILD/corpus/TARGET; crashes, hangs and out-of-memory inputs go
# to BUILD/artifacts/TARGET/.  Per-target libFuzzer options may sit in
# tests/fuzz/TARGET.options (one line).  Prints one summary line per target
# and exits 1 if any target found something.
build=$1; secs=$2; opts=$3; shift 3
status=0
summary=""
tmp="$build/tmp"
for t in "$@"; do
	bin="$build/fuzz/fuzz_$t"
	corpus="$build/corpus/$t"
	art="$build/artifacts/$t"
	log="$build/fuzz-$t.log"
	mkdir -p "$corpus" "$art" "$tmp"
	touch "$build/fuzz-$t.stamp"
	topts=""
	[ -f "tests/fuzz/$t.options" ] && topts=$(cat "tests/fuzz/$t.options")
	dict=""
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	echo "== fuzz $t: $secs s (log: $log)"
	# -timeout: a single input that runs longer is a hang; the targets'
	# own bounds should end any input long before.
	TMPDIR="$tmp" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
		"$bin" -max_total_time="$secs" -timeout=60 -rss_limit_mb=3072 \
		-print_final_stats=1 -artifact_prefix="$art/" $dict $topts $opts \
		"$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -n 1)
	found=$(find "$art" -type f -newer "$build/fuzz-$t.stamp" | wc -l)
	line="$t: ${execs:-?} executions (${rate:-?}/s), $cov, $found artifact(s)"
	echo "$line"
	summary="$summary$line
"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		echo "FAIL fuzz $t: exit status $rc; the end of its log:"
		tail -n 40 "$log" | sed 's/^/  /'
		find "$art" -type f -newer "$build/fuzz-$t.stamp" | sed 's/^/  found: /'
		status=1
	fi
	rm -rf "$tmp"/chpsync-*
done
echo "== fuzz summary"
printf '%s' "$summary"
exit $status
