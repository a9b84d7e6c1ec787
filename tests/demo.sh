#!/bin/bash
# demo.sh: the newcomer command. Installs what is missing, builds, starts a local rbldnsd on loopback and runs
# check_dnsbl so that real OK, WARNING and CRITICAL answers (and a resolver error) appear. No internet needed.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)

PACKAGES="build-essential autoconf automake libtool pkg-config libldns-dev libinih-dev libjansson-dev
 libcurl4-openssl-dev libgmime-3.0-dev rbldnsd"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q && apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -x build-demo/plugins/check_dnsbl ]; then
	autoreconf -fi >/dev/null 2>&1
	mkdir -p build-demo
	(cd build-demo && "$SRC/configure" >/dev/null && make -j"$(nproc)" >/dev/null)
fi
PLUGIN="$SRC/build-demo/plugins/check_dnsbl"

DATA=$(mktemp -d /tmp/mailrep-demo.XXXXXX)
chmod 755 "$DATA"
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
PORT=${DEMO_PORT:-53535}
rbldnsd -n -b 127.0.0.1/$PORT -p "$DATA/rbldnsd.pid" \
	block.demo.test:ip4set:"$DATA/block.zone" policy.demo.test:ip4set:"$DATA/policy.zone" &
RBL_PID=$!
trap 'kill $RBL_PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
sleep 1

run() {
	printf '\n$ check_dnsbl %s\n' "$*"
	set +e
	"$PLUGIN" "$@"
	printf '(exit %d)\n' $?
	set -e
}
Z="--no-default-zones -z block.demo.test -z policy.demo.test:warning -s 127.0.0.1:$PORT"
echo "rbldnsd serves block.demo.test (critical) and policy.demo.test (warning) on 127.0.0.1:$PORT"
run -H 192.0.2.1 $Z
run -H 198.51.100.7 $Z
run -H 192.0.2.99 $Z
run -H 192.0.2.254 $Z
run -H 192.0.2.64/28 $Z
