#!/bin/sh
# build-dns.sh: builds the DNS fuzz targets (fuzz_dns_reply, fuzz_mx) with clang-14, libFuzzer, ASan and UBSan,
# linking the project's own objects from an instrumented build in BUILDDIR (default build-fuzz-dns).
# Usage: fuzz/build-dns.sh [BUILDDIR]   (run from the source tree; the targets land in BUILDDIR/fuzz/)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build-fuzz-dns}
cc=${CC:-clang-14}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
mkdir -p "$out/fuzz"
cd "$out"
if [ ! -f Makefile ]; then
	[ -f "$src/configure" ] || (cd "$src" && autoreconf -fi >/dev/null 2>&1)
	"$src/configure" -q CC="$cc" CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $san" \
		LDFLAGS="$san"
fi
make -s -j2 common/libmailrep.a
ldns_libs=$(pkg-config --libs ldns 2>/dev/null || echo -lldns)
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer $san -I$src -I$out"
dnsbl="$src/plugins/dnsbl/dnsbl_judge.c $src/plugins/dnsbl/dnsbl_parse_spamhaus.c \
	$src/plugins/dnsbl/dnsbl_parse_codes.c $src/plugins/dnsbl/dnsbl_parse_zone.c"
# shellcheck disable=SC2086
$cc $flags -o fuzz/fuzz_dns_reply "$src/fuzz/fuzz_dns_reply.c" $dnsbl common/libmailrep.a $ldns_libs -lm
# shellcheck disable=SC2086
$cc $flags -o fuzz/fuzz_mx "$src/fuzz/fuzz_mx.c" common/libmailrep.a $ldns_libs -lm
echo "built $out/fuzz/fuzz_dns_reply $out/fuzz/fuzz_mx"
