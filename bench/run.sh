#!/bin/bash
# bench/run.sh [BUILDDIR] - benchmark check_dnsbl against check_rbl and dnsperf.
#
# Runs on Debian bookworm as root, installs what it needs with apt-get, starts one rbldnsd
# on 127.0.0.1 and sends every DNS query there (nothing leaves the loopback interface).
# Prints a Markdown table and writes it to bench/results.md. See bench/README.md.
#
# BUILDDIR is the build tree holding plugins/check_dnsbl (default: the source tree).
# Environment knobs (defaults in brackets):
#   BENCH_PORT [53530]        UDP port of the local rbldnsd
#   BENCH_RUNS [20]           measured runs of each plugin in benchmark 1
#   BENCH_WARMUP [2]          unmeasured runs of each before that
#   BENCH_TP_RUNS [5]         runs of dnsperf and of check_dnsbl in benchmark 2
#   BENCH_CONCURRENCY [500]   dnsperf -q and check_dnsbl --concurrency
#   BENCH_RCVBUF [8388608]    rbldnsd's UDP receive buffer in bytes (0: leave rbldnsd's 64 KiB)
#   BENCH_OUT [bench/results.md]
#   BENCH_NO_INSTALL=1        do not call apt-get
#   BENCH_KEEP=1              keep the work directory (zone files, every run's output)
#   BENCH_VALGRIND=0          skip the valgrind run even when valgrind is installed
#   BENCH_BIG=0               skip benchmark 3 (a /16 x 20 zones in one run, about 40 s)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
BUILDDIR=$(cd "${1:-$REPO}" 2>/dev/null && pwd) || { echo "bench: no build directory ${1:-$REPO}" >&2; exit 2; }
DNSBL="$BUILDDIR/plugins/check_dnsbl"
RBL=/usr/lib/nagios/plugins/check_rbl
PORT=${BENCH_PORT:-53530}
RUNS=${BENCH_RUNS:-20}
WARMUP=${BENCH_WARMUP:-2}
TP_RUNS=${BENCH_TP_RUNS:-5}
CONC=${BENCH_CONCURRENCY:-500}
RCVBUF=${BENCH_RCVBUF:-8388608}
OUT=${BENCH_OUT:-$HERE/results.md}
PY=/usr/bin/python3
BENCHPY="$HERE/bench.py"
HOSTS_MARK="# mailrep-plugins bench/run.sh"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

[ "$(id -u)" = 0 ] || die "run me as root (apt-get, rbldnsd's user switch, a private mount namespace)"

# ---------------------------------------------------------------- packages
# Installed outside the private namespace: apt-get needs the real resolver.
if [ -z "${BENCH_IN_NS:-}" ] && [ "${BENCH_NO_INSTALL:-0}" != 1 ]; then
    pkgs=(rbldnsd dnsperf time python3 util-linux monitoring-plugins-contrib
          libnet-dns-perl libnet-ip-perl libmonitoring-plugin-perl libreadonly-perl
          libcapture-tiny-perl libdata-validate-domain-perl libdata-validate-ip-perl)
    missing=()
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # check_rbl's Perl modules are only Recommends of monitoring-plugins-contrib:
        # they are named above, so --no-install-recommends keeps the rest out.
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi
for t in rbldnsd dnsperf /usr/bin/time "$PY" unshare; do
    command -v "$t" >/dev/null || die "$t is missing (BENCH_NO_INSTALL set?)"
done
[ -x "$RBL" ] || die "$RBL is missing (package monitoring-plugins-contrib)"

# ---------------------------------------------------------------- isolation
# check_rbl looks up the target's name (getnameinfo, glibc resolver): run everything in a
# private mount namespace whose /etc/hosts answers that lookup and whose /etc/resolv.conf
# points at 127.0.0.1, so no query can reach a real resolver. Without namespaces, a
# marked line is added to the real /etc/hosts and removed at exit.
if [ -z "${BENCH_IN_NS:-}" ]; then
    if unshare --mount --propagation private true 2>/dev/null; then
        BENCH_IN_NS=1 exec unshare --mount --propagation private "$0" "$@"
    fi
    say "no private mount namespace available: editing /etc/hosts for the run"
    BENCH_IN_NS=0
fi

WORK=$(mktemp -d /tmp/mailrep-bench.XXXXXX)
chmod 755 "$WORK"              # rbldnsd drops to user rbldns and must read the zones
mkdir "$WORK/out"
RBLDNSD_PID=""
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
    local rc=$?
    if [ -n "$RBLDNSD_PID" ]; then
        kill "$RBLDNSD_PID" 2>/dev/null || true
        wait "$RBLDNSD_PID" 2>/dev/null || true
    fi
    if [ "$BENCH_IN_NS" = 0 ]; then
        # rewrite in place: /etc/hosts may be a mount point that cannot be renamed over
        grep -vF "$HOSTS_MARK" /etc/hosts > "$WORK/hosts.orig" || true
        cat "$WORK/hosts.orig" > /etc/hosts || true
    fi
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        say "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "generating zone data and the query set in $WORK"
"$PY" "$BENCHPY" gen "$WORK"
chmod 644 "$WORK"/*
# shellcheck disable=SC1091
. "$WORK/expected.env"
hostline="$SINGLE_IP bench-target.bench.test $HOSTS_MARK"
if [ "$BENCH_IN_NS" = 1 ]; then
    { cat /etc/hosts; echo "$hostline"; } > "$WORK/hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$WORK/resolv.conf"
    mount --bind "$WORK/hosts" /etc/hosts
    mount --bind "$WORK/resolv.conf" /etc/resolv.conf
else
    echo "$hostline" >> /etc/hosts
fi

# ---------------------------------------------------------------- rbldnsd
zonespec=()
for k in $(seq 1 "$ALL_ZONES"); do
    zonespec+=("bench$k.test:ip4set:$WORK/bench$k.zone")
done
say "starting rbldnsd on 127.0.0.1/$PORT with $ALL_ZONES zones"
# -n foreground, -4 IPv4 only, -a no authority section, -c 0 no reload checks
rbldnsd -n -4 -a -c 0 -b "127.0.0.1/$PORT" "${zonespec[@]}" > "$WORK/rbldnsd.log" 2>&1 &
RBLDNSD_PID=$!
for _ in $(seq 1 300); do
    grep -q ' started ' "$WORK/rbldnsd.log" && break
    kill -0 "$RBLDNSD_PID" 2>/dev/null || { cat "$WORK/rbldnsd.log" >&2; RBLDNSD_PID="";
                                             die "rbldnsd did not start (port $PORT busy?)"; }
    sleep 0.1
done
grep -q ' started ' "$WORK/rbldnsd.log" || die "rbldnsd did not report readiness"
# rbldnsd fixes SO_RCVBUF at 64 KiB: with 500 queries in flight the kernel drops some
# before rbldnsd reads them. Raise it from outside (the socket is shared, not copied).
RCVBUF_NOTE="rbldnsd's own 64 KiB setting"
if [ "$RCVBUF" != 0 ]; then
    if sizes=$("$PY" "$BENCHPY" rcvbuf "$RBLDNSD_PID" "$PORT" "$RCVBUF"); then
        RCVBUF_NOTE="raised from ${sizes% *} to ${sizes#* } bytes (kernel-reported)"
    else
        say "could not raise rbldnsd's receive buffer; expect drops at high concurrency"
    fi
fi

# ---------------------------------------------------------------- helpers
measure() {   # measure NAME RUN [--rss [--mem]] [VAR=VAL ...] -- CMD...: one row of NAME.tsv
    local name=$1 run=$2 row; shift 2
    row=$("$PY" "$BENCHPY" measure "$WORK/out/$name-$run" "$@")
    [ "$run" = warm ] || echo "$run $row" >> "$WORK/$name.tsv"
}
zone_args_dnsbl() { local k; for k in $(seq 1 "$1"); do printf -- '-z\0bench%d.test\0' "$k"; done; }
zone_args_rbl() { local k; for k in $(seq 1 "$1"); do printf -- '-s\0bench%d.test\0' "$k"; done; }
mapfile -d '' Z30_DNSBL < <(zone_args_dnsbl "$SINGLE_ZONES")
mapfile -d '' Z30_RBL < <(zone_args_rbl "$SINGLE_ZONES")
mapfile -d '' Z20_DNSBL < <(zone_args_dnsbl "$RANGE_ZONES")

HAVE_DNSBL=0
if [ -x "$DNSBL" ]; then HAVE_DNSBL=1; else say "no $DNSBL: check_dnsbl parts skipped"; fi
DNSBL_1=("$DNSBL" -H "$SINGLE_IP" --no-default-zones "${Z30_DNSBL[@]}" -s "127.0.0.1:$PORT")
# check_rbl uses Net::DNS::Resolver, which reads RES_NAMESERVERS and RES_OPTIONS (any
# resolver attribute, so port:N works) after /etc/resolv.conf; HOME and the working
# directory are the empty work dir so no ~/.resolv.conf or ./.resolv.conf interferes.
RBL_ENV=(RES_NAMESERVERS=127.0.0.1 "RES_OPTIONS=port:$PORT" "HOME=$WORK")
RBL_1=("$RBL" -H "$SINGLE_IP" "${Z30_RBL[@]}")
DNSPERF=(dnsperf -s 127.0.0.1 -p "$PORT" -d "$WORK/queries.txt" -c 1 -q "$CONC" -b 4096 -t 5)
DNSBL_2=("$DNSBL" -H "$RANGE" --no-default-zones "${Z20_DNSBL[@]}" -s "127.0.0.1:$PORT"
         "--concurrency=$CONC" -t 300 --max-targets 65536)
cd "$WORK"

# ---------------------------------------------------------------- benchmark 1
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "benchmark 1: $SINGLE_IP x $SINGLE_ZONES zones, $WARMUP warm-up + $RUNS runs each"
for i in $(seq 1 "$WARMUP"); do
    if [ "$HAVE_DNSBL" = 1 ]; then measure single-dnsbl warm --rss --mem -- "${DNSBL_1[@]}"; fi
    measure single-rbl warm --rss --mem "${RBL_ENV[@]}" -- "${RBL_1[@]}"
done
for i in $(seq -w 1 "$RUNS"); do
    if [ "$HAVE_DNSBL" = 1 ]; then measure single-dnsbl "$i" --rss --mem -- "${DNSBL_1[@]}"; fi
    measure single-rbl "$i" --rss --mem "${RBL_ENV[@]}" -- "${RBL_1[@]}"
done
# Floors: what starting a program (and loading its libraries) costs without a check
floor() {     # floor NAME [VAR=VAL ...] -- CMD...: RSS and private memory of one run
    local name=$1; shift
    "$PY" "$BENCHPY" measure "$WORK/out/floor-$name" --rss --mem "$@" \
        > "$WORK/floor-$name.row" 2>/dev/null || true
}
floor true -- /bin/true
floor rbl-version "${RBL_ENV[@]}" -- "$RBL" --version
if [ "$HAVE_DNSBL" = 1 ]; then floor dnsbl-version -- "$DNSBL" --version; fi
if [ "$HAVE_DNSBL" = 1 ] && [ "${BENCH_VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
    say "valgrind memcheck and massif, one run of check_dnsbl each"
    valgrind --leak-check=full --error-exitcode=99 "${DNSBL_1[@]}" \
        > /dev/null 2> "$WORK/valgrind-memcheck.txt" || true
    valgrind --tool=massif --massif-out-file="$WORK/massif.out" "${DNSBL_1[@]}" \
        > /dev/null 2>&1 || true
    errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$WORK/valgrind-memcheck.txt")
    heap=$(sed -n 's/.*total heap usage: \(.*\)$/\1/p' "$WORK/valgrind-memcheck.txt")
    peak=$(sed -n 's/^mem_heap_B=//p' "$WORK/massif.out" 2>/dev/null | sort -n | tail -1)
    echo "memcheck ${errs:-?} errors, heap ${heap:-?}; massif peak heap ${peak:-?} bytes" \
        > "$WORK/valgrind-single.txt"
fi

# ---------------------------------------------------------------- benchmark 2
say "benchmark 2: $RANGE x $RANGE_ZONES zones = $RANGE_QUERIES queries, $TP_RUNS runs each"
measure tp-dnsperf warm -- "${DNSPERF[@]}"
if [ "$HAVE_DNSBL" = 1 ]; then measure tp-dnsbl warm --rss -- "${DNSBL_2[@]}"; fi
for i in $(seq -w 1 "$TP_RUNS"); do
    measure tp-dnsperf "$i" -- "${DNSPERF[@]}"
    if [ "$HAVE_DNSBL" = 1 ]; then measure tp-dnsbl "$i" --rss -- "${DNSBL_2[@]}"; fi
done

# ---------------------------------------------------------------- benchmark 3
DNSBL_3=("$DNSBL" -H "$BIG_RANGE" --no-default-zones "${Z20_DNSBL[@]}" -s "127.0.0.1:$PORT"
         "--concurrency=$CONC" -t 300 --max-targets 65536)
if [ "$HAVE_DNSBL" = 1 ] && [ "${BENCH_BIG:-1}" != 0 ]; then
    say "benchmark 3: $BIG_RANGE x $RANGE_ZONES zones = $BIG_QUERIES queries in one run"
    measure big-dnsbl 1 --rss -- "${DNSBL_3[@]}"
fi

# ---------------------------------------------------------------- report
vq() { "$@" 2>/dev/null | head -n1 | tr -d '\r' || true; }
{
    echo "DATE=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "LOAD_START=$LOAD_START"
    echo "LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "NPROC=$(nproc)"
    echo "CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
    echo "KERNEL=$(uname -r)"
    # shellcheck disable=SC1091
    echo "OS=$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "DNSBL=$DNSBL"
    if [ "$HAVE_DNSBL" = 1 ]; then echo "V_DNSBL=$(vq "$DNSBL" --version)"; else echo "V_DNSBL=not built"; fi
    echo "V_RBL=$(vq "$RBL" --version) (monitoring-plugins-contrib $(dpkg-query -W -f '${Version}' monitoring-plugins-contrib 2>/dev/null))"
    echo "V_PERL=$(perl -e 'printf "%vd", $^V')"
    echo "V_NETDNS=$(perl -MNet::DNS -e 'print $Net::DNS::VERSION')"
    echo "V_RBLDNSD=$(dpkg-query -W -f '${Version}' rbldnsd 2>/dev/null)"
    echo "V_DNSPERF=$(dpkg-query -W -f '${Version}' dnsperf 2>/dev/null)"
    echo "RCVBUF_NOTE=$RCVBUF_NOTE"
    echo "PORT=$PORT"
    echo "WARMUP=$WARMUP"
    echo "DNSPERF_ARGS=${DNSPERF[*]/#$WORK\//}"
    echo "DNSBL_BIG_ARGS=check_dnsbl -H $BIG_RANGE --no-default-zones -z bench1.test ... -z bench$RANGE_ZONES.test -s 127.0.0.1:$PORT --concurrency=$CONC -t 300 --max-targets 65536"
    echo "DNSBL_TP_ARGS=check_dnsbl -H $RANGE --no-default-zones -z bench1.test ... -z bench$RANGE_ZONES.test -s 127.0.0.1:$PORT --concurrency=$CONC -t 300 --max-targets 65536"
} > "$WORK/meta.env"
status=0
"$PY" "$BENCHPY" report "$WORK" > "$WORK/results.md" || status=$?
cat "$WORK/results.md"
cp "$WORK/results.md" "$OUT"
say "written to $OUT"
exit "$status"
