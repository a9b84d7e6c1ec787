#!/bin/bash
# valgrind.sh: run a representative subset of the black-box tests with every plugin run under valgrind
# memcheck (conftest.run_binary puts $MR_WRAP before the plugin).  Exits non-zero on any valgrind error or
# definitely lost block (--error-exitcode makes the plugin exit 99, which fails its test; the logs are
# checked again at the end).  Usage: BUILDDIR=build-x tests/valgrind.sh [extra pytest args]
# The subset (each plugin's main scenarios; timing tests are left out: valgrind is 20-50x slower) is
# listed in tests/torture/README.md.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
BUILDDIR=${BUILDDIR:-$SRC/build-werror}
export BUILDDIR
LOGDIR=$(mktemp -d /tmp/mr-valgrind.XXXXXX)
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 1; }
export MR_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --log-file=$LOGDIR/vg.%p.log"
# -t of every run becomes 60 s (conftest.run_binary): TLS under valgrind takes longer than the tests' -t 5.
export MR_WRAP_T=${MR_WRAP_T:-60}
BB=$SRC/tests/blackbox
rc=0
/usr/bin/python3 -m pytest -q -p no:cacheprovider --basetemp="$LOGDIR/pytest1" "$@" \
	"$BB/test_check_dnsbl.py" -k "listed or txt or dqs_key or ipv6 or mx" || rc=$?
/usr/bin/python3 -m pytest -q -p no:cacheprovider --basetemp="$LOGDIR/pytest2" "$@" \
	"$BB/test_check_ms_smtp.py::test_microsoft_reply" "$BB/test_check_ms_smtp.py::test_clean_accept_with_rcpt" \
	"$BB/test_check_ms_smtp.py::test_send_delivers_a_dated_message" \
	"$BB/test_check_snds.py::test_legacy_three_green_ips_are_ok" \
	"$BB/test_check_snds.py::test_sndslib_sample_row_is_yellow_with_40_trap_hits" \
	"$BB/test_check_snds.py::test_header_csv_2026_shape_on_the_legacy_path" \
	"$BB/test_check_snds.py::test_long_output_puts_problem_ips_first" \
	"$BB/test_check_jmrp.py::test_maildir_counts_both_formats_per_ip_and_sender" \
	"$BB/test_check_jmrp.py::test_mbox_counts_like_the_maildir" \
	"$BB/test_check_jmrp.py::test_imap_counts_both_formats" \
	"$BB/test_check_jmrp.py::test_corrupt_state_file_is_ignored" || rc=$?
# A log with content is a valgrind report (-q prints nothing for a clean run).
bad=$(find "$LOGDIR" -maxdepth 1 -name 'vg.*.log' -size +0 | sort)
runs=$(find "$LOGDIR" -maxdepth 1 -name 'vg.*.log' | wc -l)
if [ -n "$bad" ]; then
	for f in $bad; do echo "=== $f"; head -60 "$f"; done
	rc=1
fi
echo "valgrind: $runs plugin runs, $(echo "$bad" | grep -c . || true) with reports; logs in $LOGDIR"
exit $rc
