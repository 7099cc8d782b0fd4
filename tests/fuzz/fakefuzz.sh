#!/bin/sh
# A stand-in for a libFuzzer binary, for tests/fuzz/check.sh's test of
# tests/fuzz/run.sh: prints what libFuzzer prints that run.sh reads, and
# leaves in the artifacts directory what FAKEFUZZ says it found.
prefix=""; pass=""
for a in "$@"; do
	case $a in
	-artifact_prefix=*) prefix=${a#-artifact_prefix=} ;;
	-runs=0) pass=1 ;;
	esac
done
if [ -n "$pass" ]; then
	echo "#3	INITED cov: 7 ft: 9 corp: 3/12b exec/s: 0 rss: 30Mb"
	case $FAKEFUZZ in
	"writes a slow unit in the corpus pass") : >"${prefix}slow-unit-1" ;;
	"crashes in the corpus pass") : >"${prefix}crash-1"; exit 1 ;;
	esac
	exit 0
fi
echo "#5	DONE   cov: 7 ft: 9 corp: 3/12b lim: 4 exec/s: 5 rss: 30Mb"
echo "stat::number_of_executed_units: 5"
echo "stat::average_exec_per_sec:     5"
case $FAKEFUZZ in
"writes a slow unit") : >"${prefix}slow-unit-1" ;;
"crashes") : >"${prefix}crash-1"; exit 1 ;;
"writes a timeout") : >"${prefix}timeout-1"; exit 70 ;;
esac
exit 0
