#!/bin/bash
# bench/run.sh [BUILDDIR] [BENCHMARK...] - benchmark the plugins against what users run otherwise.
#
# BENCHMARK is dnsbl (check_dnsbl against check_rbl and dnsperf), ms_smtp (check_ms_smtp
# against swaks), snds (check_snds against curl) or jmrp (check_jmrp against grep); none or
# "all" runs every one. Runs on Debian bookworm as root, installs what it needs with apt-get,
# starts its servers (rbldnsd, tests/servers/fake_mx.py, tests/servers/snds_server.py) on
# 127.0.0.1 only: nothing leaves the loopback interface. Prints a Markdown report and puts it
# into bench/results.md, replacing only the sections of the benchmarks that ran. See
# bench/README.md.
#
# BUILDDIR is the build tree holding plugins/check_* (default: the source tree).
# Environment knobs (defaults in brackets):
#   BENCH_PORT [53530]        UDP port of the local rbldnsd
#   BENCH_RUNS [20]           measured runs of each program in dnsbl benchmark 1 and ms_smtp
#   BENCH_WARMUP [2]          unmeasured runs of each before that
#   BENCH_TP_RUNS [5]         runs of dnsperf and of check_dnsbl in dnsbl benchmark 2
#   BENCH_CONCURRENCY [500]   dnsperf -q and check_dnsbl --concurrency
#   BENCH_RCVBUF [8388608]    rbldnsd's UDP receive buffer in bytes (0: leave rbldnsd's 64 KiB)
#   BENCH_SNDS_SIZES ["1000 10000 100000"]  rows of the SNDS data feeds
#   BENCH_SNDS_RUNS [5]       measured runs of check_snds and curl per feed size
#   BENCH_JMRP_MESSAGES [100000]  messages in the JMRP Maildir
#   BENCH_JMRP_RUNS [3]       measured runs of each check_jmrp and grep variant
#   BENCH_OUT [bench/results.md]
#   BENCH_NO_INSTALL=1        do not call apt-get
#   BENCH_KEEP=1              keep the work directory (zone files, every run's output)
#   BENCH_VALGRIND=0          skip the valgrind run even when valgrind is installed
#   BENCH_BIG=0               skip dnsbl benchmark 3 (a /16 x 20 zones in one run, about 40 s)
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
ALL_BENCHES="dnsbl ms_smtp snds jmrp"
ORIG_ARGS=("$@")
BUILDARG=$REPO
if [ $# -gt 0 ] && ! [[ " $ALL_BENCHES all " == *" $1 "* ]]; then BUILDARG=$1; shift; fi
BUILDDIR=$(cd "$BUILDARG" 2>/dev/null && pwd) || { echo "bench: no build directory $BUILDARG" >&2; exit 2; }
BENCHES=""
for b in "${@:-all}"; do
    case " $ALL_BENCHES all " in
        *" $b "*) ;;
        *) echo "bench: unknown benchmark '$b' (one of: $ALL_BENCHES all)" >&2; exit 2 ;;
    esac
    if [ "$b" = all ]; then BENCHES=$ALL_BENCHES; else BENCHES="$BENCHES $b"; fi
done
read -ra _b <<< "$BENCHES"
BENCHES="${_b[*]}"           # trimmed, one space apart
want() { [[ " $BENCHES " == *" $1 "* ]]; }
DNSBL="$BUILDDIR/plugins/check_dnsbl"
MS_SMTP="$BUILDDIR/plugins/check_ms_smtp"
SNDS="$BUILDDIR/plugins/check_snds"
JMRP="$BUILDDIR/plugins/check_jmrp"
SERVERS="$REPO/tests/servers"
SNDS_SIZES=${BENCH_SNDS_SIZES:-1000 10000 100000}
SNDS_RUNS=${BENCH_SNDS_RUNS:-5}
JMRP_MESSAGES=${BENCH_JMRP_MESSAGES:-100000}
JMRP_RUNS=${BENCH_JMRP_RUNS:-3}
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
    pkgs=(time python3 util-linux)
    if want dnsbl; then
        pkgs+=(rbldnsd dnsperf monitoring-plugins-contrib
               libnet-dns-perl libnet-ip-perl libmonitoring-plugin-perl libreadonly-perl
               libcapture-tiny-perl libdata-validate-domain-perl libdata-validate-ip-perl)
    fi
    # swaks needs Net::SSLeay for STARTTLS (only a Recommends of swaks)
    if want ms_smtp; then pkgs+=(swaks libnet-ssleay-perl openssl); fi
    if want snds; then pkgs+=(curl openssl); fi
    if want jmrp; then pkgs+=(grep); fi
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
need=(/usr/bin/time "$PY" unshare)
if want dnsbl; then need+=(rbldnsd dnsperf); fi
if want ms_smtp; then need+=(swaks openssl); fi
if want snds; then need+=(curl openssl); fi
for t in "${need[@]}"; do
    command -v "$t" >/dev/null || die "$t is missing (BENCH_NO_INSTALL set?)"
done
if want dnsbl; then [ -x "$RBL" ] || die "$RBL is missing (package monitoring-plugins-contrib)"; fi

# ---------------------------------------------------------------- isolation
# check_rbl looks up the target's name (getnameinfo, glibc resolver): run everything in a
# private mount namespace whose /etc/hosts answers that lookup and whose /etc/resolv.conf
# points at 127.0.0.1, so no query can reach a real resolver. Without namespaces, a
# marked line is added to the real /etc/hosts and removed at exit.
if [ -z "${BENCH_IN_NS:-}" ]; then
    if unshare --mount --propagation private true 2>/dev/null; then
        BENCH_IN_NS=1 exec unshare --mount --propagation private "$0" "${ORIG_ARGS[@]}"
    fi
    say "no private mount namespace available: editing /etc/hosts for the run"
    BENCH_IN_NS=0
fi

WORK=$(mktemp -d /tmp/mailrep-bench.XXXXXX)
chmod 755 "$WORK"              # rbldnsd drops to user rbldns and must read the zones
mkdir "$WORK/out"
RBLDNSD_PID=""
SERVER_PIDS=()        # the servers this script started (each stopped by its PID)
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
    local rc=$? p
    for p in $RBLDNSD_PID "${SERVER_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
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

# ---------------------------------------------------------------- helpers
measure() {   # measure NAME RUN [--rss [--mem]] [--fresh=F] [VAR=VAL ...] -- CMD...: a row of NAME.tsv
    local name=$1 run=$2 row; shift 2
    row=$("$PY" "$BENCHPY" measure "$WORK/out/$name-$run" "$@")
    [ "$run" = warm ] || echo "$run $row" >> "$WORK/$name.tsv"
}
vq() { "$@" 2>/dev/null | head -n1 | tr -d '\r' || true; }
now() { date -u '+%Y-%m-%d %H:%M UTC'; }
machine_env() {  # machine_env START: when a benchmark started and the machine, as KEY=VALUE lines
    echo "DATE=$1"
    echo "NPROC=$(nproc)"
    echo "CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
    echo "KERNEL=$(uname -r)"
    # shellcheck disable=SC1091
    echo "OS=$(. /etc/os-release && echo "$PRETTY_NAME")"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }
# start_server NAME CMD...: start a test server that prints "READY PORT" when it listens;
# sets SERVER_PORT. Its stdout and stderr go to $WORK/NAME.out and $WORK/NAME.err.
start_server() {
    local name=$1 pid; shift
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
    pid=$!
    SERVER_PIDS+=("$pid")
    SERVER_PORT=""
    for _ in $(seq 1 300); do
        SERVER_PORT=$(sed -n 's/^READY \([0-9]*\)$/\1/p' "$WORK/$name.out")
        [ -n "$SERVER_PORT" ] && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name.err" >&2; die "$name did not start"; }
        sleep 0.1
    done
    die "$name did not report readiness"
}
CERTS_READY=0
certs() {        # the test CA and server certificate for 127.0.0.1 (once)
    if [ "$CERTS_READY" = 0 ]; then
        "$PY" "$BENCHPY" certs "$WORK/certs" > "$WORK/certs.env"
        CERTS_READY=1
    fi
    # shellcheck disable=SC1091
    . "$WORK/certs.env"
}

# ================================================================ dnsbl
bench_dnsbl() {
    local start
    start=$(now)
    say "generating zone data and the query set in $WORK"
    "$PY" "$BENCHPY" gen "$WORK"
    find "$WORK" -maxdepth 1 -type f -exec chmod 644 {} +
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

    {
        echo "DATE=$start"
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
}

# ================================================================ ms_smtp
# check_ms_smtp against swaks, the same dialogue with the same local MX: EHLO, STARTTLS,
# EHLO, MAIL FROM, RCPT TO, QUIT (check_ms_smtp sends RSET before QUIT). Neither verifies the
# server certificate (check_ms_smtp only with --tls-verify, swaks only with --tls-verify).
bench_ms_smtp() {
    local i
    [ -x "$MS_SMTP" ] || die "no $MS_SMTP: build it first"
    certs
    cd "$WORK"
    say "ms_smtp: starting tests/servers/fake_mx.py (accept_all, STARTTLS) on 127.0.0.1"
    # shellcheck disable=SC2153  # SERVER_CERT and SERVER_KEY are set by certs
    start_server fake_mx "$PY" "$SERVERS/fake_mx.py" --listen 127.0.0.1:0 \
        --script "$SERVERS/scripts/accept_all.json" --cert "$SERVER_CERT" --key "$SERVER_KEY" \
        --log "$WORK/fake_mx.jsonl"
    local port=$SERVER_PORT
    local ehlo=probe.mailrep.test rcpt=probe@hotmail.test
    local plugin=("$MS_SMTP" -H 127.0.0.1 -p "$port" -e "$ehlo" -r "$rcpt" -t 10)
    local swaks=(swaks --server 127.0.0.1 --port "$port" --ehlo "$ehlo"
                 --from "postmaster@$ehlo" --to "$rcpt" --tls --quit-after RCPT --timeout 10)
    local load_start start
    load_start=$(load)
    start=$(now)
    say "ms_smtp: $WARMUP warm-up + $RUNS runs of each, alternating"
    for i in $(seq 1 "$WARMUP"); do
        measure smtp-plugin warm --rss --mem -- "${plugin[@]}"
        measure smtp-swaks warm --rss --mem -- "${swaks[@]}"
    done
    for i in $(seq -w 1 "$RUNS"); do
        measure smtp-plugin "$i" --rss --mem -- "${plugin[@]}"
        measure smtp-swaks "$i" --rss --mem -- "${swaks[@]}"
    done
    {
        machine_env "$start"
        echo "LOAD_START=$load_start"
        echo "LOAD_END=$(load)"
        echo "WARMUP=$WARMUP"
        echo "V_PLUGIN=$(vq "$MS_SMTP" --version)"
        echo "PLUGIN=$MS_SMTP"
        echo "V_SWAKS=$(vq swaks --version) (Debian $(dpkg-query -W -f '${Version}' swaks 2>/dev/null), perl $(perl -e 'printf "%vd", $^V'), Net::SSLeay $(perl -MNet::SSLeay -e 'print $Net::SSLeay::VERSION' 2>/dev/null))"
        echo "PLUGIN_ARGS=check_ms_smtp -H 127.0.0.1 -p PORT -e $ehlo -r $rcpt -t 10"
        echo "SWAKS_ARGS=swaks --server 127.0.0.1 --port PORT --ehlo $ehlo --from postmaster@$ehlo --to $rcpt --tls --quit-after RCPT --timeout 10"
        echo "CONNECTIONS=$(( (WARMUP + 10#$RUNS) * 6 ))"
    } > "$WORK/meta-ms_smtp.env"
}

# ================================================================ snds
# check_snds reading a legacy SNDS data feed of 1k, 10k and 100k rows from a local HTTPS
# server (tests/servers/snds_server.py, test CA) against curl fetching the same URL.
bench_snds() {
    local n i day path key=c0ffee42-1d2e-4f3a-8b5c-6d7e8f9a0b1c
    [ -x "$SNDS" ] || die "no $SNDS: build it first"
    certs
    cd "$WORK"
    say "snds: writing feeds of $SNDS_SIZES rows"
    # shellcheck disable=SC2086  # a list of sizes
    "$PY" "$BENCHPY" gen-snds "$WORK/snds" "$key" $SNDS_SIZES
    # shellcheck disable=SC1091
    . "$WORK/snds/snds-expected.env"
    printf '%s\n' "$key" > "$WORK/snds/key"
    chmod 600 "$WORK/snds/key"
    start_server snds_server "$PY" "$SERVERS/snds_server.py" --listen 127.0.0.1:0 \
        --cert "$SERVER_CERT" --key "$SERVER_KEY" --routes "$WORK/snds/routes.json" \
        --log "$WORK/snds_server.jsonl"
    local port=$SERVER_PORT base="https://127.0.0.1:$SERVER_PORT"
    local load_start start
    load_start=$(load)
    start=$(now)
    for n in $SNDS_SIZES; do
        day=SNDS_DATE_$n; path=SNDS_PATH_$n
        local plugin=("$SNDS" -k "$WORK/snds/key" --base-url "$base/snds/" --cafile "$CA_CERT"
                      --date "${!day}" --feed=data --max-size 268435456 -t 120 --max-details=5)
        local curl=(curl -sS -w '%{http_code} %{size_download}\n' --cacert "$CA_CERT"
                    "$base${!path}" -o /dev/null)
        say "snds: $n rows, 1 warm-up + $SNDS_RUNS runs of each"
        measure "snds-plugin-$n" warm --rss --mem -- "${plugin[@]}"
        measure "snds-curl-$n" warm --rss --mem -- "${curl[@]}"
        for i in $(seq -w 1 "$SNDS_RUNS"); do
            measure "snds-plugin-$n" "$i" --rss --mem -- "${plugin[@]}"
            measure "snds-curl-$n" "$i" --rss --mem -- "${curl[@]}"
        done
    done
    {
        machine_env "$start"
        echo "LOAD_START=$load_start"
        echo "LOAD_END=$(load)"
        echo "V_PLUGIN=$(vq "$SNDS" --version)"
        echo "PLUGIN=$SNDS"
        echo "V_CURL=$(vq curl --version)"
        echo "PLUGIN_ARGS=check_snds -k KEYFILE --base-url https://127.0.0.1:PORT/snds/ --cafile ca.crt --date DATE --feed=data --max-size 268435456 -t 120 --max-details=5"
        printf '%s\n' "CURL_ARGS=curl -sS -w '%{http_code} %{size_download}\\n' --cacert ca.crt 'https://127.0.0.1:PORT/snds/data.aspx?key=KEY&date=MMDDYY' -o /dev/null"
    } > "$WORK/meta-snds.env"
}

# ================================================================ jmrp
# check_jmrp over a Maildir of 100,000 JMRP complaints (tests/servers/jmrp_messages.py
# write_big_maildir) against grep reading every file of it; check_jmrp's first run without
# and with --state-file (a fresh state file each time), and a second run with --state-file.
bench_jmrp() {
    local i
    [ -x "$JMRP" ] || die "no $JMRP: build it first"
    cd "$WORK"
    say "jmrp: writing a Maildir of $JMRP_MESSAGES messages"
    "$PY" "$BENCHPY" gen-jmrp "$WORK/jmrp" "$JMRP_MESSAGES"
    local md="$WORK/jmrp/Maildir" state="$WORK/jmrp/state" state2="$WORK/jmrp/state2"
    local plugin=("$JMRP" -M "$md" -t 600 --max-details=5)
    local grep_cmd=(grep -r -c -F 'Feedback-Type:' "$md")
    local load_start start
    load_start=$(load)
    start=$(now)
    # one unmeasured pass each, so that every measured run finds the files in the page cache
    say "jmrp: warm-up, then $JMRP_RUNS runs of each variant"
    measure jmrp-grep warm -- "${grep_cmd[@]}"
    measure jmrp-state2 warm -- "${plugin[@]}" "--state-file=$state2"
    for i in $(seq -w 1 "$JMRP_RUNS"); do
        measure jmrp-grep "$i" --rss --mem -- "${grep_cmd[@]}"
        measure jmrp-first "$i" --rss --mem -- "${plugin[@]}"
        measure jmrp-state1 "$i" --rss --mem "--fresh=$state" -- "${plugin[@]}" "--state-file=$state"
        measure jmrp-state2 "$i" --rss --mem -- "${plugin[@]}" "--state-file=$state2"
    done
    {
        machine_env "$start"
        echo "LOAD_START=$load_start"
        echo "LOAD_END=$(load)"
        echo "V_PLUGIN=$(vq "$JMRP" --version)"
        echo "PLUGIN=$JMRP"
        echo "V_GREP=$(vq grep --version)"
        echo "MAILDIR_BYTES=$(du -sb "$md" | cut -f1)"
        echo "STATE_BYTES=$(stat -c %s "$state2" 2>/dev/null || echo 0)"
        echo "PLUGIN_ARGS=check_jmrp -M Maildir -t 600 --max-details=5"
        echo "GREP_ARGS=grep -r -c -F 'Feedback-Type:' Maildir"
    } > "$WORK/meta-jmrp.env"
}

# ================================================================ run and report
say "benchmarks: $BENCHES (build: $BUILDDIR)"
for b in $BENCHES; do
    case $b in
        dnsbl) bench_dnsbl ;;
        ms_smtp) bench_ms_smtp ;;
        snds) bench_snds ;;
        jmrp) bench_jmrp ;;
    esac
done
status=0
"$PY" "$BENCHPY" report "$WORK" > "$WORK/results.md" || status=$?
cat "$WORK/results.md"
"$PY" "$BENCHPY" splice "$OUT" "$WORK/results.md"
say "written to $OUT"
exit "$status"
