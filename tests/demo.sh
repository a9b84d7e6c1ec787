#!/bin/bash
# demo.sh: the newcomer command.  Installs what is missing (Debian, as root), builds, then shows every
# plugin answering OK, WARNING and CRITICAL against local counterparts on loopback, with no internet:
#   check_dnsbl    rbldnsd serving two demo block lists
#   check_ms_smtp  tests/servers/fake_mx.py, a scripted Microsoft-like MX (accept, S3140 block, throttle)
#   check_snds     tests/servers/snds_server.py, an HTTPS SNDS server with a throw-away test CA
#   check_jmrp     a complaint Maildir written by tests/demo/fixtures.py (ARF and legacy Hotmail reports)
# and finally the same checks as services of a real Icinga 2 node (own config and state directory, REST
# API on a loopback port, the shipped CheckCommands and apply rules), read back from its REST API as a table.
# Everything it starts is stopped by PID and its temp directory removed on exit.  It exits non-zero when a
# check does not give the state the demo expects, so tests/run-tests.sh runs it too.
# BUILDDIR=DIR uses the plugins built in DIR instead of building in build-demo/.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the source tree

PACKAGES="build-essential autoconf automake libtool pkg-config libldns-dev libjansson-dev
 libcurl4-openssl-dev libgmime-3.0-dev rbldnsd python3 openssl icinga2-bin icinga2-common"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get update -q && apt-get install -y -q --no-install-recommends $missing
fi

START=$SECONDS
if [ -n "${BUILDDIR:-}" ]; then
	BUILD=$(cd "$BUILDDIR" && pwd)
else
	BUILD="$SRC/build-demo"
	if [ ! -f "$BUILD/Makefile" ]; then
		echo "building the plugins in build-demo/ (once) ..."
		[ -x configure ] || autoreconf -fi >/dev/null 2>&1
		mkdir -p "$BUILD"
		(cd "$BUILD" && "$SRC/configure" >configure.out)
	fi
	make -C "$BUILD" -j"$(nproc)" >"$BUILD/make.out" 2>&1 || { tail -40 "$BUILD/make.out"; exit 1; }
fi
for p in check_dnsbl check_ms_smtp check_snds check_jmrp; do
	[ -x "$BUILD/plugins/$p" ] || { echo "$BUILD/plugins/$p was not built" >&2; exit 1; }
done

# ---------------------------------------------------------------------------------------------------------
# The counterparts, in one temp directory, stopped by PID on exit
# ---------------------------------------------------------------------------------------------------------
DATA=$(mktemp -d /tmp/mailrep-demo.XXXXXX)
chmod 755 "$DATA"
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	# icinga_demo.py stops its daemon itself; this is for an interrupted run
	pid=$(cat "$DATA/icinga/state/icinga2.pid" 2>/dev/null || true)
	if [ -n "$pid" ] && grep -q icinga2 "/proc/$pid/cmdline" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
	fi
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# spawn NAME COMMAND...: start a test server in the background, its stdout in $DATA/NAME.out
spawn() {
	local name=$1
	shift
	"$@" >"$DATA/$name.out" 2>"$DATA/$name.err" &
	PIDS+=($!)
}

# port_of NAME: wait for the "READY PORT" line of a server started by spawn; print the port
port_of() {
	local i
	for i in $(seq 200); do
		if grep -q '^READY ' "$DATA/$1.out" 2>/dev/null; then
			awk '/^READY /{print $2; exit}' "$DATA/$1.out"
			return 0
		fi
		sleep 0.1
	done
	echo "$1 did not start:" >&2
	cat "$DATA/$1.err" >&2
	return 1
}

"$PY" "$SRC/tests/demo/fixtures.py" "$DATA"
CERT="--cert $DATA/certs/server.crt --key $DATA/certs/server.key"
SERVERS="$SRC/tests/servers"
for s in accept_all:accept block_s3140:block throttle_4_7_650_s3113:throttle; do
	# shellcheck disable=SC2086
	spawn "mx-${s#*:}" "$PY" "$SERVERS/fake_mx.py" --listen 127.0.0.1:0 --script "$SERVERS/scripts/${s%%:*}.json" \
		$CERT --log "$DATA/mx-${s#*:}.jsonl"
done
# shellcheck disable=SC2086
spawn snds "$PY" "$SERVERS/snds_server.py" --listen 127.0.0.1:0 --routes "$DATA/snds/routes.json" $CERT \
	--log "$DATA/snds.jsonl"

cat >"$DATA/block.zone" <<'ZONE'
$SOA 0 ns.demo.test. hostmaster.demo.test. 0 1h 1h 2d 1h
$NS 1d ns.demo.test.
:127.0.0.2:Listed for spam, see https://block.demo.test/lookup?ip=$
127.0.0.2
192.0.2.66
:127.0.0.4:Exploited host $
192.0.2.99
:127.255.255.254:Error: open resolver
192.0.2.254
ZONE
cat >"$DATA/policy.zone" <<'ZONE'
$SOA 0 ns.demo.test. hostmaster.demo.test. 0 1h 1h 2d 1h
$NS 1d ns.demo.test.
:127.0.0.10:Dynamic address range $
127.0.0.2
198.51.100.0/24
ZONE
chmod 644 "$DATA"/*.zone
# a free UDP port on 127.0.0.1 (DEMO_PORT=N picks one)
RBL_PORT=${DEMO_PORT:-$("$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
spawn rbldnsd rbldnsd -n -b "127.0.0.1/$RBL_PORT" \
	block.demo.test:ip4set:"$DATA/block.zone" policy.demo.test:ip4set:"$DATA/policy.zone"

MX_ACCEPT=$(port_of mx-accept)
MX_BLOCK=$(port_of mx-block)
MX_THROTTLE=$(port_of mx-throttle)
SNDS_URL="https://127.0.0.1:$(port_of snds)/snds/"
# rbldnsd is ready when 127.0.0.2, the test entry every list has, shows as listed
for i in $(seq 100); do
	rc=0
	"$BUILD/plugins/check_dnsbl" -H 127.0.0.2 --no-default-zones -z block.demo.test -s "127.0.0.1:$RBL_PORT" \
		-t 1 >/dev/null || rc=$?
	[ "$rc" = 2 ] && break
	[ "$i" = 100 ] && { echo "rbldnsd does not answer on 127.0.0.1:$RBL_PORT:"; cat "$DATA/rbldnsd.err"; exit 1; }
	sleep 0.1
done

# ---------------------------------------------------------------------------------------------------------
# The plugins on the command line
# ---------------------------------------------------------------------------------------------------------
STATE_NAMES=(OK WARNING CRITICAL UNKNOWN)
RUNS=0
WRONG=()

heading() {
	printf '\n\n=== %s ===\n' "$1"
	shift
	printf '%s\n' "$@"
}

# check STATE PLUGIN ARGS...: print the command line, run the plugin, print its output and its state;
# note the run when the state is not STATE
check() {
	local want=$1 plugin=$2 rc state
	shift 2
	printf '\n$ %s %s\n' "$plugin" "$*"
	set +e
	LC_ALL=C "$BUILD/plugins/$plugin" "$@"
	rc=$?
	set -e
	state=${STATE_NAMES[$rc]:-"exit $rc"}
	RUNS=$((RUNS + 1))
	if [ "$state" = "$want" ]; then
		printf '(exit %d: %s)\n' "$rc" "$state"
	else
		printf '(exit %d: %s, but the demo expects %s)\n' "$rc" "$state" "$want"
		WRONG+=("$plugin $*")
	fi
}

cd "$DATA"   # short relative paths in the command lines below

heading "check_dnsbl: DNS block lists" \
	"rbldnsd on 127.0.0.1:$RBL_PORT serves block.demo.test (a listing is critical) and policy.demo.test" \
	"(a listing is only a warning).  For 192.0.2.254 block.demo.test answers 127.255.255.254, the code of a" \
	"list refusing the resolver: a zone error (UNKNOWN on that zone), not a listing."
Z="--no-default-zones -z block.demo.test -z policy.demo.test:warning -s 127.0.0.1:$RBL_PORT"
# shellcheck disable=SC2086
{
	check OK check_dnsbl -H 192.0.2.1 $Z
	check WARNING check_dnsbl -H 198.51.100.7 $Z
	check CRITICAL check_dnsbl -H 192.0.2.99 $Z
	check OK check_dnsbl -H 192.0.2.254 $Z
	check CRITICAL check_dnsbl -H 192.0.2.64/28 $Z
}

heading "check_ms_smtp: the Microsoft SMTP probe" \
	"tests/servers/fake_mx.py plays Microsoft's MX with STARTTLS: it accepts on port $MX_ACCEPT, blocks with" \
	"S3140 on port $MX_BLOCK and throttles (4.7.650) on port $MX_THROTTLE.  -b is the sending IP probed."
M="-H 127.0.0.1 -d hotmail.test -e probe.mailrep.test -r probe@hotmail.test"
# shellcheck disable=SC2086
{
	check OK check_ms_smtp $M -p "$MX_ACCEPT" -b 127.0.0.1
	check CRITICAL check_ms_smtp $M -p "$MX_BLOCK" -b 127.0.0.5
	check WARNING check_ms_smtp $M -p "$MX_THROTTLE" -b 127.0.0.6
}

heading "check_snds: Microsoft SNDS" \
	"tests/servers/snds_server.py answers over HTTPS (certificate of a throw-away test CA, certs/ca.crt) for" \
	"three SNDS accounts; each key is in a file (snds/*.key) and never printed."
S="--base-url $SNDS_URL --cafile certs/ca.crt --date 2026-11-27"
# shellcheck disable=SC2086
{
	check OK check_snds -k snds/clean.key $S
	check WARNING check_snds -k snds/yellow.key $S
	check CRITICAL check_snds -k snds/blocked.key $S
}

heading "check_jmrp: JMRP complaints" \
	"jmrp/Maildir holds, in the last 24 hours, 3 ARF reports about 192.0.2.10, 2 legacy Hotmail reports about" \
	"198.51.100.7 and the JMRP welcome mail (no complaint: unparsed); one older report is outside the window."
check OK check_jmrp -M jmrp/Maildir -w 10 -c 20
check WARNING check_jmrp -M jmrp/Maildir -w 3 -c 10
check CRITICAL check_jmrp -M jmrp/Maildir -w 2 -c 4
check OK check_jmrp -M jmrp/Maildir -H 198.51.100.0/24 -w 2 -c 4

# ---------------------------------------------------------------------------------------------------------
# The same checks in Icinga 2
# ---------------------------------------------------------------------------------------------------------
heading "Icinga 2: the same checks as services" \
	"One Icinga 2 node with its own config and state in $DATA/icinga (not /etc/icinga2), its REST API on a" \
	"loopback port, the shipped CheckCommands (icinga-conf/mailrep-plugins) and apply rules" \
	"(icinga-conf/examples/apply-rules.conf); hosts are dummy-checked and their variables point at the" \
	"servers above.  Every service is run at once (reschedule-check) and read back from /v1/objects/services."
echo
ICINGA_OK=yes
rc=0
"$PY" "$SRC/tests/demo/icinga_demo.py" "$DATA" "$BUILD" "$RBL_PORT" "$MX_ACCEPT" "$MX_BLOCK" "$MX_THROTTLE" \
	"$SNDS_URL" || rc=$?
[ "$rc" -ge 128 ] && exit "$rc"   # interrupted
[ "$rc" = 0 ] || ICINGA_OK=no

printf '\n\n=== done in %d s ===\n' $((SECONDS - START))
if [ ${#WRONG[@]} -gt 0 ] || [ "$ICINGA_OK" != yes ]; then
	for w in "${WRONG[@]}"; do
		echo "unexpected state: $w"
	done
	[ "$ICINGA_OK" = yes ] || echo "unexpected state in Icinga (see the table above)"
	exit 1
fi
echo "$RUNS plugin runs and every Icinga service gave the state the demo expects."
