#!/bin/sh
# run-dns.sh: runs one DNS fuzz target until it has used CPU_SECONDS of CPU time (not wall time: the machine may be
# shared), in sessions of at most 120 s on one growing work corpus, and prints the totals. Exits non-zero on a
# finding (its input is left in BUILDDIR/art/). Usage: fuzz/run-dns.sh TARGET CPU_SECONDS [BUILDDIR]
#   TARGET: dns_reply or mx (seeds: fuzz/corpus/TARGET)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
t=$1
want=$2
out=${3:-$src/build-fuzz-dns}
cd "$out"
mkdir -p "work/$t" art
cpu=0
execs=0
session=0
while [ "$(echo "$cpu < $want" | bc)" = 1 ]; do
	session=$((session + 1))
	left=$(echo "$want - $cpu" | bc)
	wall=120
	[ "$(echo "$left < 120" | bc)" = 1 ] && wall=$(echo "$left / 1 + 1" | bc)
	rc=0
	/usr/bin/time -f "%U %S" -o "time-$t.txt" "./fuzz/fuzz_$t" -max_total_time="$wall" -artifact_prefix=art/ \
		-print_final_stats=1 "work/$t" "$src/fuzz/corpus/$t" >"run-$t-$session.log" 2>&1 || rc=$?
	used=$(awk '{print $1 + $2}' "time-$t.txt" | tail -1)
	cpu=$(echo "$cpu + $used" | bc)
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "run-$t-$session.log")
	execs=$((execs + ${n:-0}))
	if [ "$rc" != 0 ]; then
		echo "finding in session $session (exit $rc): see $out/run-$t-$session.log and $out/art/"
		exit 1
	fi
done
final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "run-$t-$session.log" | tail -1)
echo "target=$t sessions=$session cpu_seconds=$cpu executions=$execs final: $final"
