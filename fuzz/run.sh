#!/bin/bash
# run.sh: builds the libFuzzer targets of fuzz/ (configure --enable-fuzz CC=clang-14, make fuzz) and runs each for
# SECONDS (default 60) on its seed corpus fuzz/corpus/<target>/ with its dictionary; exits non-zero when any target
# finds a crash, a leak, a timeout (-timeout=10) or runs out of memory (-rss_limit_mb=2048).
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
# Environment: FUZZ_BUILDDIR (default build-fuzz in the source tree), CC (default clang-14),
#   FUZZ_SEED=N fixes libFuzzer's random seed (default 0: a new one each run; the test command uses 1, so that
#   its short run explores the same way each time and a new finding comes from a change, not from chance).
#   FUZZ_MERGE=1 merges what the run found into the committed corpus (new inputs are otherwise kept in a
#   scratch directory that is removed: CI runs never grow the corpus), FUZZ_JOBS (make -j, default 2).
# Findings are left in $FUZZ_BUILDDIR/fuzz-artifacts/ (crash-*, leak-*, timeout-*, oom-*).
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
BUILD=${FUZZ_BUILDDIR:-$SRC/build-fuzz}
CC=${CC:-clang-14}

case "$SECONDS_EACH" in
'' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

# max_len: the largest input worth trying for each target (bigger inputs only slow the search down).
max_len() {
	case $1 in
	fuzz_jmrp_parse | fuzz_jmrp_mbox) echo 65536 ;;
	fuzz_jmrp_maildir) echo 16384 ;;
	fuzz_smtp_rules | fuzz_dnsbl_catalogue | fuzz_ini | fuzz_extra_opts | fuzz_snds_parse | fuzz_snds_classify | \
		fuzz_imap | fuzz_smtp_session) echo 16384 ;;
	fuzz_range | fuzz_addr | fuzz_dnsbl_spec) echo 512 ;;
	*) echo 4096 ;;
	esac
}

# dict: fuzz/<target>.dict (or without the fuzz_ prefix) if there is one, else the dictionary of the target's protocol (none for some).
dict_for() {
	local d
	if [ -f "$SRC/fuzz/${1#fuzz_}.dict" ]; then
		echo "$SRC/fuzz/${1#fuzz_}.dict"
		return
	fi
	if [ -f "$SRC/fuzz/$1.dict" ]; then
		echo "$SRC/fuzz/$1.dict"
		return
	fi
	case $1 in
	fuzz_smtp_rules) d=smtp_rules ;;
	fuzz_smtp_*) d=smtp ;;
	fuzz_snds_*) d=snds ;;
	fuzz_jmrp_parse | fuzz_jmrp_mbox | fuzz_jmrp_maildir) d=arf ;;
	fuzz_imap) d=imap ;;
	fuzz_ini | fuzz_extra_opts | fuzz_dnsbl_catalogue) d=ini ;;
	fuzz_addr | fuzz_dnsbl_spec | fuzz_dnsbl_targets) d=addr ;;
	fuzz_range) d=range ;;
	*) d= ;;
	esac
	[ -n "$d" ] && [ -f "$SRC/fuzz/$d.dict" ] && echo "$SRC/fuzz/$d.dict"
}

echo "=== fuzz: build in $BUILD ($CC) ==="
if [ ! -f "$SRC/configure" ]; then
	(autoreconf -fi >/dev/null 2>&1 || autoreconf -fi) || exit 1
fi
mkdir -p "$BUILD"
if [ ! -f "$BUILD/Makefile" ] || ! grep -q '^FUZZ_MAIN = -f' "$BUILD/Makefile"; then
	(cd "$BUILD" && "$SRC/configure" -q --enable-fuzz CC="$CC" CFLAGS="-O1 -g" >configure.out) ||
		{ tail -30 "$BUILD/config.log"; exit 1; }
fi
make -C "$BUILD" -j"${FUZZ_JOBS:-2}" fuzz >"$BUILD/fuzz-make.out" 2>&1 || { tail -40 "$BUILD/fuzz-make.out"; exit 1; }

if [ $# -gt 0 ]; then
	TARGETS="$*"
else
	# The FUZZ_TARGETS variable ends at its first line without a continuation backslash.
	TARGETS=$(awk '/^FUZZ_TARGETS = /{on=1} on{print; if ($0 !~ /\\$/) exit}' "$SRC/Makefile.am" |
		grep -o 'fuzz/fuzz_[a-z0-9_]*' | sed 's|fuzz/||')
fi

ART="$BUILD/fuzz-artifacts"
mkdir -p "$ART"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/mrfuzz.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
# The targets write their scratch files (mbox, ini, state file) here.
export TMPDIR="$SCRATCH"
export ASAN_OPTIONS=${FUZZ_ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

failed=""
for t in $TARGETS; do
	bin="$BUILD/fuzz/$t"
	seeds="$SRC/fuzz/corpus/$t"
	# a corpus may also be named without the fuzz_ prefix
	[ ! -d "$seeds" ] && [ -d "$SRC/fuzz/corpus/${t#fuzz_}" ] && seeds="$SRC/fuzz/corpus/${t#fuzz_}"
	new="$SCRATCH/$t"
	[ -x "$bin" ] || { echo "fuzz: $t was not built"; failed="$failed $t"; continue; }
	mkdir -p "$new" "$seeds"
	dict=$(dict_for "$t")
	echo "=== fuzz: $t for ${SECONDS_EACH}s (max_len $(max_len "$t")${dict:+, dict ${dict#$SRC/}}) ==="
	# new inputs go to the scratch corpus (first directory); the committed seeds are only read
	(cd "$SCRATCH" && "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
		-print_final_stats=1 -seed="${FUZZ_SEED:-0}" -artifact_prefix="$ART/$t-" ${dict:+-dict="$dict"} \
		"$new" "$seeds") >"$ART/$t.log" 2>&1
	rc=$?
	grep -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$ART/$t.log" | tr '\n' ' '
	echo
	if [ $rc -ne 0 ]; then
		echo "fuzz: $t FAILED (exit $rc); log $ART/$t.log:"
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written|==[0-9]+==' "$ART/$t.log" | head -20
		failed="$failed $t"
	elif [ "${FUZZ_MERGE:-0}" = 1 ]; then
		"$bin" -merge=1 -max_len="$(max_len "$t")" "$seeds" "$new" >>"$ART/$t.log" 2>&1 ||
			{ echo "fuzz: merge of $t failed"; failed="$failed $t"; }
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: FAILED:$failed"
	exit 1
fi
echo "fuzz: every target ran ${SECONDS_EACH}s without a finding"
