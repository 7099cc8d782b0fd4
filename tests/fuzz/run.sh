#!/bin/sh
# Fuzzes each target for a while (`make fuzz`; docs/fuzzing.md).
#   tests/fuzz/run.sh BUILD SECONDS "LIBFUZZER OPTIONS" TARGET...
# BUILD holds the fuzzers (BUILD/fuzz/fuzz_TARGET).  Each target starts
# from its seed corpus in tests/fuzz/corpus/TARGET (read only) and keeps
# what it finds in BUILD/corpus/TARGET; crashes, hangs and out-of-memory
# inputs go to BUILD/artifacts/TARGET/.  OPTIONS go to libFuzzer (e.g.
# "-fork=1 -ignore_crashes=1 -ignore_timeouts=1" to go on past a finding),
# and so do those in tests/fuzz/TARGET.options (one line), if any.
# Prints per target the executions and libFuzzer's coverage (edges "cov",
# features "ft") of the whole corpus afterwards, and exits 1 if any target
# found something: a crash, a hang past -timeout, running out of memory, a
# leak (slow inputs are only counted).
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
	# What this run leaves in $art: a name that was not there before, or
	# a file written again since (the same input found again).
	before="$build/fuzz-$t.before"
	ls "$art" >"$before"
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
	# Plain mode ends with stat:: lines; -fork=N prints "#EXECS: cov: ...".
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	[ -n "$rate" ] || rate=$(( ${execs:-0} / (secs > 0 ? secs : 1) ))
	# Coverage of the whole corpus (seeds and what was found), measured
	# the same way whatever the mode: one pass over it, no mutation
	# (FUZZ_CORPUS_COV=0: the fuzzer's last figure instead, as CI does).
	if [ "${FUZZ_CORPUS_COV:-1}" != 0 ]; then
		# An input of the corpus that fails here (one process for all)
		# is a finding too.
		TMPDIR="$tmp" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
			"$bin" -runs=0 -timeout=60 -rss_limit_mb=3072 \
			-artifact_prefix="$art/corpus-pass-" $topts "$corpus" \
			"tests/fuzz/corpus/$t" >"$log.cov" 2>&1
		covrc=$?
		cov="corpus $(grep -o 'INITED cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*' \
			"$log.cov" | tail -n 1 | sed 's/^INITED //')"
		if [ "$covrc" -ne 0 ] && [ "$rc" -eq 0 ]; then
			rc=$covrc
			log="$log.cov"
		fi
	else
		cov="last $(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*[/0-9a-zA-Z]*' "$log" |
			tail -n 1)"
	fi
	# crash-, timeout-, oom-, leak-: findings; slow-unit-: a note (also
	# as corpus-pass-slow-unit-, from the pass over the corpus).
	new=$({ ls "$art" | grep -vxF -f "$before"
		find "$art" -type f -newer "$build/fuzz-$t.stamp" -exec basename {} \;; } | sort -u)
	found=$(printf '%s\n' "$new" | grep -v -e '^$' -e 'slow-unit-' | wc -l)
	slow=$(printf '%s\n' "$new" | grep -c 'slow-unit-')
	line="$t: ${execs:-?} executions (${rate:-?}/s), $cov, $found finding(s), $slow slow input(s)"
	echo "$line"
	summary="$summary$line
"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		echo "FAIL fuzz $t: exit status $rc; the end of its log:"
		tail -n 40 "$log" | sed 's/^/  /'
		printf '%s\n' "$new" | grep -v -e '^$' -e 'slow-unit-' | sed "s|^|  found: $art/|"
		status=1
	fi
	rm -rf "$tmp"/chpsync-*
done
echo "== fuzz summary"
printf '%s' "$summary"
exit $status
