#!/bin/sh
# The fuzzing part of `make check` (docs/fuzzing.md):
#   - every entry of tests/fuzz/corpus/TARGET/ (seeds and regress-* inputs
#     of crashes and hangs found) replayed through its target by the plain
#     replay driver, one test each;
#   - `make fuzz` keeps the project's flags when CFLAGS is given: the
#     compile and link lines (make -n) still carry the include path, the
#     language level and the sanitizers, plus what was given.
# Prints "FAIL ..." lines and one line "N passed, N failed".
#   tests/fuzz/check.sh BUILD
build=$1
passed=0; failed=0
for dir in tests/fuzz/corpus/*/; do
	t=$(basename "$dir")
	bin="$build/tests/fuzz/replay_$t"
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz/$t: no replay driver $bin"; failed=$((failed + 1)); continue
	fi
	out=$("$bin" "$dir" 2>&1)
	printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
	line=$(printf '%s\n' "$out" | grep '^[0-9]* passed, [0-9]* failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL fuzz/$t: the replay driver crashed"; failed=$((failed + 1)); continue
	fi
	p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
	echo "fuzz/$t: $p corpus entries replayed, $f failed"
	passed=$((passed + p)); failed=$((failed + f))
done

# make -n: only prints the commands (no clang needed).  Run it as a fresh
# make, not as part of the make that runs this script.
flags_test() {
	name=$1; shift
	lines=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -B "$@" 2>&1)
	for want in -Isrc -std=c11 -DCHPSYNC_FLAGS_TEST; do
		if ! printf '%s\n' "$lines" | grep -q -- " -c .*$want\|$want.* -c "; then
			echo "FAIL $name: no $want in the compile lines"; failed=$((failed + 1)); return
		fi
	done
	passed=$((passed + 1))
}
mk="$build/mkflags"
flags_test "make CFLAGS=... keeps the project's flags" \
	BUILD="$mk" CFLAGS=-DCHPSYNC_FLAGS_TEST "$mk/arch/ids.o"
flags_test "make fuzz CFLAGS=... keeps the project's flags" \
	FUZZ=1 CC=clang BUILD="$mk" CFLAGS=-DCHPSYNC_FLAGS_TEST "$mk/fuzz/fuzz_iocp"
lines=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -B FUZZ=1 CC=clang BUILD="$mk" \
	CFLAGS=-DCHPSYNC_FLAGS_TEST "$mk/fuzz/fuzz_iocp" 2>&1)
if printf '%s\n' "$lines" | grep -q -- '-fsanitize=fuzzer-no-link,address,undefined.* -c ' &&
	printf '%s\n' "$lines" | grep -q -- "-fsanitize=address,undefined -fsanitize=fuzzer -o $mk/fuzz/fuzz_iocp"; then
	passed=$((passed + 1))
else
	echo "FAIL make fuzz: the sanitizer and libFuzzer flags are missing"; failed=$((failed + 1))
fi

# tests/fuzz/run.sh's accounting, with a stand-in for a libFuzzer binary
# (tests/fuzz/fakefuzz.sh: no clang needed): what it leaves in the
# artifacts directory, in the fuzzing run or in the pass over the corpus,
# is a finding (crash-, timeout-, oom-, leak-) or only a note (slow-unit-,
# whatever the prefix), and run.sh's exit status says so.
runsh_test() {
	mode=$1 want_found=$2 want_slow=$3 want_rc=$4
	fb="$build/fakefuzz"
	rm -rf "$fb"
	mkdir -p "$fb/fuzz" "$fb/artifacts/fake"
	cp tests/fuzz/fakefuzz.sh "$fb/fuzz/fuzz_fake"
	chmod +x "$fb/fuzz/fuzz_fake"
	# an artifact of an earlier run is not counted again
	: >"$fb/artifacts/fake/crash-earlier"
	out=$(FAKEFUZZ="$mode" sh tests/fuzz/run.sh "$fb" 1 "" fake 2>&1)
	rc=$?
	want="fake: 5 executions (5/s), corpus cov: 7 ft: 9 corp: 3/12b, $want_found finding(s), $want_slow slow input(s)"
	if ! printf '%s\n' "$out" | grep -qxF "$want" || [ "$rc" -ne "$want_rc" ]; then
		echo "FAIL run.sh with a fuzzer that $mode: exit status $rc (want $want_rc), want \"$want\", got:"
		printf '%s\n' "$out" | sed 's/^/  /'
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
	rm -rf "$fb"
}
runsh_test "finds nothing" 0 0 0
runsh_test "writes a slow unit" 0 1 0
runsh_test "writes a slow unit in the corpus pass" 0 1 0
runsh_test "crashes" 1 0 1
runsh_test "crashes in the corpus pass" 1 0 1
runsh_test "writes a timeout" 1 0 1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
