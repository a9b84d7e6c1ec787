#!/bin/bash
# run-tests.sh: the test command. On Debian bookworm as root: install what is missing, build with -Werror,
# run the test servers' self-tests, the C unit tests, the black-box tests, the demo (tests/demo.sh) and the
# integration tests against local servers, then the unit and black-box tests again under ASan+UBSan, every fuzz
# target for 10 s (fuzz/run.sh), then distcheck.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
PY=/usr/bin/python3
JOBS=$(nproc 2>/dev/null || echo 2)

PACKAGES="build-essential autoconf automake libtool pkg-config help2man
 libldns-dev libjansson-dev libcurl4-openssl-dev libcmocka-dev
 libgmime-3.0-dev python3 python3-pytest rbldnsd ldnsutils unbound postfix openssl ca-certificates dovecot-core dovecot-imapd man-db
 icinga2-bin icinga2-common nagios4-core nagios-nrpe-server nagios-nrpe-plugin
 debhelper dh-autoreconf dpkg-dev fakeroot locales clang-14 libfuzzer-14-dev"

step() { printf '\n=== %s ===\n' "$*"; }

install_packages() {
	local missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		step "apt-get install$missing"
		export DEBIAN_FRONTEND=noninteractive
		# Postfix is only a test counterpart: install it without configuring a system mail server.
		echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
		apt-get update -q
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $missing
	fi
	# A locale whose decimal point is ',': the unit tests check that numbers ignore the process locale.
	if ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
		step "localedef de_DE.UTF-8"
		localedef -i de_DE -c -f UTF-8 de_DE.UTF-8
	fi
	# The Debian services of the test counterparts are not wanted: tests start their own instances.
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now unbound postfix dovecot icinga2 nagios4 nagios-nrpe-server >/dev/null 2>&1 || true
	fi
}

# build_and_test NAME CFLAGS LDFLAGS: out-of-tree build in build-NAME, unit tests, black-box tests.
build_and_test() {
	local name=$1 cflags=$2 ldflags=$3 dir="$SRC/build-$1"
	step "build ($name)"
	rm -rf "$dir" && mkdir -p "$dir"
	(cd "$dir" && "$SRC/configure" --enable-werror CFLAGS="$cflags" LDFLAGS="$ldflags" >configure.out) ||
		{ tail -50 "$dir/config.log"; return 1; }
	make -C "$dir" -j"$JOBS" >"$dir/make.out" 2>&1 || { tail -60 "$dir/make.out"; return 1; }
	make -C "$dir" lint
	step "unit tests ($name)"
	make -C "$dir" -j"$JOBS" check >"$dir/check.out" 2>&1 || { cat "$dir"/tests/unit/*.log; tail -40 "$dir/check.out"; return 1; }
	grep -E '^(# |PASS|FAIL|ERROR)' "$dir/check.out" || true
	step "black-box tests ($name)"
	BUILDDIR="$dir" "$PY" -m pytest -q -p no:cacheprovider "$SRC/tests/blackbox"
}

install_packages
# Everything the tests need is installed now: a missing counterpart (skip_missing, need(), the comma
# locale of test_util) is a failure, not a skip.  CI only has this meaning in tests/.
export CI=${CI:-1}
step "self-tests of the test servers (fake MX, Postfix, SNDS server)"
"$PY" -m pytest -q -p no:cacheprovider "$SRC/tests/servers"
step "autoreconf"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87

build_and_test werror "-O2 -g" ""
step "demo: tests/demo.sh with the -Werror build (fails when a plugin or Icinga gives another state)"
BUILDDIR="$SRC/build-werror" "$SRC/tests/demo.sh" >"$SRC/build-werror/demo.out" 2>&1 ||
	{ cat "$SRC/build-werror/demo.out"; exit 1; }
tail -2 "$SRC/build-werror/demo.out"
step "integration tests: icinga2, nagios4, NRPE, make install, the .deb"
BUILDDIR="$SRC/build-werror" "$PY" -m pytest -q -p no:cacheprovider "$SRC/tests/integration"
SAN="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
build_and_test sanitize "$SAN" "$SAN"

step "fuzz: fuzz/run.sh 10 (every libFuzzer target for 10 s under ASan+UBSan, clang-14)"
rm -rf "$SRC/build-fuzz"
FUZZ_SEED=1 FUZZ_BUILDDIR="$SRC/build-fuzz" "$SRC/fuzz/run.sh" 10

step "make distcheck"
make -C "$SRC/build-werror" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >"$SRC/build-werror/distcheck.out" 2>&1 ||
	{ tail -60 "$SRC/build-werror/distcheck.out"; exit 1; }
tail -4 "$SRC/build-werror/distcheck.out"
step "all tests passed"
