#!/bin/sh
# Line coverage of the simulator's sources by each fuzz target's corpus
# (`make fuzz-cov`; docs/fuzzing.md): the replay drivers built with clang's
# source-based coverage replay the seeds and what `make fuzz` found, then
# llvm-cov counts the lines and functions they ran of the simulator code
# linked into the target, in all, and the lines per layer.
#   tests/fuzz/cov.sh COVBUILD FUZZBUILD TARGET...
cov=$1; fuzz=$2; shift 2
profdata=${LLVM_PROFDATA:-llvm-profdata}
llvmcov=${LLVM_COV:-llvm-cov}
for t in "$@"; do
	bin="$cov/tests/fuzz/replay_$t"
	prof="$cov/prof/$t"
	rm -rf "$prof"
	mkdir -p "$prof"
	dirs="tests/fuzz/corpus/$t"
	[ -d "$fuzz/corpus/$t" ] && dirs="$dirs $fuzz/corpus/$t"
	n=$(find $dirs -type f | wc -l)
	LLVM_PROFILE_FILE="$prof/%4m.profraw" "$bin" $dirs >/dev/null 2>&1
	"$profdata" merge -sparse "$prof"/*.profraw -o "$prof.profdata" || exit 1
	# Columns: file, regions, missed, cover, functions, missed, executed,
	# lines, missed lines, cover, ...
	"$llvmcov" report "$bin" -instr-profile="$prof.profdata" 2>/dev/null |
		awk -v t="$t" -v n="$n" '
		$1 ~ /^src\// { split($1, p, "/"); l = p[2];
			lines[l] += $8; missed[l] += $9; all += $8; miss += $9
			fn += $5; fmiss += $6 }
		END {
			printf "%s: %d inputs, %d of %d lines (%.1f%%), %d of %d functions (%.1f%%);",
				t, n, all - miss, all, all ? 100 * (all - miss) / all : 0,
				fn - fmiss, fn, fn ? 100 * (fn - fmiss) / fn : 0
			split("arch sim dev machine os user vmm cli", order, " ")
			for (i = 1; i <= 8; i++)
				if (lines[order[i]])
					printf " %s %.0f%%", order[i],
						100 * (lines[order[i]] - missed[order[i]]) / lines[order[i]]
			printf "\n"
		}'
done
