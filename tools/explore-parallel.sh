#!/bin/sh
# chpsync explore over many machines with GNU parallel (docs/explore.md,
# "Many machines"): the seeds are cut into SHARDS shards, GNU parallel runs
# one `chpsync explore --shard K/SHARDS` per job slot (here, or on the
# machines given with --sshlogin), and `chpsync explore --merge` puts the
# shards' results together: the same results.jsonl as one run of all the
# seeds on one machine.
#
# Usage: tools/explore-parallel.sh [-j SLOTS] [-S SSHLOGINS] [-c CHPSYNC] SHARDS OUT
#                                  [explore options: --profile, --seeds, ...]
#   -j SLOTS      job slots per machine (default: GNU parallel's, one per core)
#   -S SSHLOGINS  GNU parallel's --sshlogin, e.g. ':,4/host1,4/host2' (':' is
#                 this machine); OUT must then be on a file system the
#                 machines share, and CHPSYNC a path valid on each of them
#   -c CHPSYNC    the chpsync program (default: chpsync in PATH)
# Each shard runs with --jobs 1: GNU parallel gives the cores out.
set -e
slots=
login=
chpsync=chpsync
while getopts j:S:c: opt; do
	case $opt in
	j) slots=$OPTARG ;;
	S) login=$OPTARG ;;
	c) chpsync=$OPTARG ;;
	*) echo "usage: $0 [-j SLOTS] [-S SSHLOGINS] [-c CHPSYNC] SHARDS OUT [explore options]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { echo "usage: $0 [-j SLOTS] [-S SSHLOGINS] [-c CHPSYNC] SHARDS OUT [explore options]" >&2; exit 2; }
shards=$1
out=$2
shift 2
command -v parallel >/dev/null 2>&1 || { echo "$0: GNU parallel is not installed (apt-get install parallel)" >&2; exit 2; }
mkdir -p "$out"
# one job per shard; a shard that finds a failure exits 1, which is not an
# error of the run (--halt never), the merge below tells
set +e
parallel --will-cite --halt never ${slots:+--jobs "$slots"} ${login:+--sshlogin "$login"} \
	"$chpsync" explore --quiet --jobs 1 --shard {}/"$shards" --out "$out/shard-{}" "$@" \
	::: $(seq 1 "$shards")
set -e
"$chpsync" explore --merge --out "$out" "$out"/shard-*
