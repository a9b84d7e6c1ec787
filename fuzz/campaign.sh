#!/bin/bash
# campaign.sh: the long fuzzing run behind fuzz/results.md. Runs each TARGET in rounds of libFuzzer until the
# target's processes have used CPU_SECONDS of CPU time (user + system, measured by the shell, not the wall clock,
# so a loaded machine only makes the campaign longer), keeping the corpus it grows between rounds. Prints one
# tab-separated line per target: target, CPU seconds, executions, rounds, cov, ft, peak RSS MB, result.
# Usage: fuzz/campaign.sh CPU_SECONDS TARGET...
# Environment: FUZZ_BUILDDIR (default build-fuzz), FUZZ_CAMPAIGN_DIR (default $FUZZ_BUILDDIR/campaign: the grown
#   corpora, logs and artifacts). It builds with fuzz/run.sh's settings (run.sh 0 builds without fuzzing).
#   After a clean campaign, `fuzz/run.sh` with FUZZ_MERGE=1 or a manual `-merge=1` can fold the grown corpus
#   into fuzz/corpus/.
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
CPU_WANTED=${1:-}
case "$CPU_WANTED" in
'' | *[!0-9]*) echo "usage: fuzz/campaign.sh CPU_SECONDS TARGET..." >&2; exit 2 ;;
esac
shift
BUILD=${FUZZ_BUILDDIR:-$SRC/build-fuzz}
OUT=${FUZZ_CAMPAIGN_DIR:-$BUILD/campaign}
mkdir -p "$OUT"

# The build and the per-target settings (max_len, dictionary) are run.sh's: run it for 0 seconds on no target.
FUZZ_BUILDDIR="$BUILD" "$SRC/fuzz/run.sh" 0 none >/dev/null 2>&1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# settings: prints "max_len dict" for a target, read from run.sh's own functions.
settings() {
	bash -c "source <(sed -n '/^max_len()/,/^}/p;/^dict_for()/,/^}/p' '$SRC/fuzz/run.sh'); SRC='$SRC';
		echo \"\$(max_len $1) \$(dict_for $1)\""
}

# cpu_of: user + system seconds of a finished command, from GNU time's output file.
cpu_of() {
	awk '{ printf "%.0f", $1 + $2 }' "$1"
}

for t in "$@"; do
	bin="$BUILD/fuzz/$t"
	[ -x "$bin" ] || { printf '%s\t0\t0\t0\t-\t-\t-\tnot built\n' "$t"; continue; }
	read -r maxlen dict < <(settings "$t")
	seeds="$SRC/fuzz/corpus/$t"
	grown="$OUT/corpus/$t"
	work="$OUT/tmp/$t"
	mkdir -p "$grown" "$work" "$OUT/artifacts"
	cpu=0 execs=0 rounds=0 result=clean cov=- ft=- rss=0
	while [ "$cpu" -lt "$CPU_WANTED" ]; do
		left=$((CPU_WANTED - cpu))
		rounds=$((rounds + 1))
		log="$OUT/$t.round$rounds.log"
		# TMPDIR: the targets' scratch files; -max_total_time is wall time, so a round may use less CPU than
		# asked and the loop runs another.
		(cd "$work" && TMPDIR="$work" /usr/bin/time -f '%U %S' -o "$OUT/$t.time" "$bin" -max_total_time="$left" \
			-timeout=10 -rss_limit_mb=2048 -max_len="$maxlen" -print_final_stats=1 -seed="$rounds" \
			-artifact_prefix="$OUT/artifacts/$t-" ${dict:+-dict="$dict"} "$grown" "$seeds") >"$log" 2>&1
		rc=$?
		used=$(cpu_of "$OUT/$t.time")
		[ "$used" -lt 1 ] && used=1
		cpu=$((cpu + used))
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		execs=$((execs + ${n:-0}))
		r=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
		[ -n "$r" ] && [ "$r" -gt "$rss" ] && rss=$r
		done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
		if [ -n "$done_line" ]; then
			cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
			ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
		fi
		if [ $rc -ne 0 ]; then
			result="FINDING (exit $rc, $log)"
			break
		fi
	done
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$cpu" "$execs" "$rounds" "$cov" "$ft" "$rss" "$result"
done
