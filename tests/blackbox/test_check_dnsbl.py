"""Black-box tests of check_dnsbl against local rbldnsd, ldns-testns and unbound.

The zones and scripted answers are defined in conftest.py (RBL_ZONES,
testns_data()).  Every run points -s at a loopback server and passes
--resolv-conf with a loopback-only file, so no test can reach the internet.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import ipaddress
import json
import re
import socket

import pytest

from conftest import (DQS_KEY, PERF_LABELS, STATE_NAMES, STATES, a_values, check_bad_input,
                      dns_query, first_line, parse_perfdata, perf_values, run_plugin)

# fast per-query settings for runs that must wait for a silent server
FAST = ["--query-timeout=0.5", "--retries=1"]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def check_result(r, state):
    """Assert exit code, first-line state word, stdout-only output and the perfdata label set.

    Everything, a -vvv trace included, belongs on stdout: stderr must stay
    empty (so an ASan/UBSan report there fails the test too).
    """
    line = first_line(r.stdout)
    assert r.code == STATES[state], r.stdout + r.stderr
    assert line.startswith("DNSBL %s - " % state), r.stdout
    assert r.stderr == "", "everything belongs on stdout; stderr was:\n" + r.stderr
    perf = parse_perfdata(line)
    assert list(perf) == PERF_LABELS, line
    assert perf["time"]["uom"] == "s", line
    for label in PERF_LABELS[:-1]:
        assert perf[label]["uom"] == "", line
        assert perf[label]["value"] == int(perf[label]["value"]), line
    return perf_values(line)


def lines_with(stdout, text):
    """Output lines containing text."""
    return [ln for ln in stdout.splitlines() if text in ln]


def zone_line(stdout, zone):
    """The single long-output line of a zone result ('  \\_ [STATE] zone: ...')."""
    found = [ln for ln in stdout.splitlines()[1:]
             if re.match(r"^\s+\\_ \[[A-Z]+\] %s: " % re.escape(zone), ln)]
    assert found, "no zone line for %s in:\n%s" % (zone, stdout)
    return found[0]


@pytest.fixture
def dnsbl(plugin, servers):
    """Run the plugin against rbldnsd (server='rbl') or ldns-testns (server='testns').

    Adds -s, --resolv-conf and --no-default-zones unless told otherwise.
    """
    def run(*args, server="rbl", default_zones=False, timeout=60.0, env=None):
        pre = ["--resolv-conf=" + servers.resolv_conf]
        if server == "rbl":
            pre += ["-s", "127.0.0.1:%d" % servers.rbl]
        elif server == "testns":
            pre += ["-s", "127.0.0.1:%d" % servers.testns]
        elif server is not None:
            pre += ["-s", server]
        if not default_zones:
            pre.append("--no-default-zones")
        return run_plugin(pre + list(args), timeout=timeout, env=env)
    return run


# A catalogue in the plugin's zones-file format (ini, one [zone] per section).
ZONES_INI = """\
# black-box test catalogue
[zen.test]
type = ip
ipv6 = yes
code = 127.0.0.4 exploited machine
delist = http://delist.zen.test/form
description = ZEN-like local test list

[v6.test]
type = ip
ipv4 = no
ipv6 = yes

[dbl.test]
type = domain
"""


@pytest.fixture
def zones_file(tmp_files):
    """A --zones-file with zen.test (v4+v6), v6.test (v6 only) and dbl.test (domains)."""
    return tmp_files("zones.ini", ZONES_INI)


@pytest.fixture
def via_unbound(plugin, servers, unbound):
    """Run the plugin with the local unbound as its only resolver."""
    def run(*args, timeout=60.0):
        pre = ["--resolv-conf=" + servers.resolv_conf, "-s", "127.0.0.1:%d" % unbound,
               "--no-default-zones"]
        return run_plugin(pre + list(args), timeout=timeout)
    return run


def dead_port():
    """A loopback UDP port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# the fixtures themselves (no plugin needed)
# --------------------------------------------------------------------------

def test_fixture_rbldnsd_serves_listings_codes_and_txt(servers):
    p = servers.rbl
    assert a_values(dns_query(p, "2.0.0.127.zen.test")) == ["127.0.0.2"]
    assert dns_query(p, "1.0.0.127.zen.test").rcode == "NXDOMAIN"
    assert a_values(dns_query(p, "13.2.0.192.zen.test")) == ["127.0.0.2", "127.0.0.9"]
    txt = dns_query(p, "11.2.0.192.zen.test", "TXT").answers
    assert ("TXT", "Exploited host 192.0.2.11, see http://delist.zen.test/lookup?ip=192.0.2.11") in txt
    assert a_values(dns_query(p, "2.2.0.192.err.test")) == ["127.255.255.254"]
    assert a_values(dns_query(p, "2.2.0.192.parked.test")) == ["62.0.58.94"]
    assert a_values(dns_query(p, "2.2.0.192.one.test")) == ["127.0.0.1"]
    assert a_values(dns_query(p, "1.0.0.127.world.test")) == ["127.0.0.2"]
    assert dns_query(p, "2.0.0.127.notest.test").rcode == "NXDOMAIN"
    nib = ".".join(reversed(ipaddress.IPv6Address("2001:db8:dead::1").exploded.replace(":", "")))
    assert a_values(dns_query(p, nib + ".v6.test")) == ["127.0.0.3"]
    assert a_values(dns_query(p, "sub.evil.example.dbl.spamhaus.org")) == ["127.0.1.4"]
    assert a_values(dns_query(p, "6.2.0.192.%s.zen.dq.spamhaus.net" % DQS_KEY)) == ["127.0.0.4"]
    assert dns_query(p, "6.2.0.192.zen.spamhaus.org").rcode == "NXDOMAIN"


def test_fixture_testns_scripts_failures(servers):
    p = servers.testns
    assert dns_query(p, "2.2.0.192.servfail.test").rcode == "SERVFAIL"
    assert dns_query(p, "2.2.0.192.refused.test").rcode == "REFUSED"
    assert dns_query(p, "2.2.0.192.silent.test", timeout=0.5) is None
    udp = dns_query(p, "2.2.0.192.tc.test")
    assert udp.tc and udp.answers == []
    assert a_values(dns_query(p, "2.2.0.192.tc.test", tcp=True)) == ["127.0.0.2"]
    wrong = dns_query(p, "2.2.0.192.wrongid.test")
    assert not wrong.id_ok and a_values(wrong) == ["127.0.0.2"]
    assert a_values(dns_query(p, "2.2.0.192.lst.test")) == ["127.0.0.2"]
    assert dns_query(p, "3.2.0.192.lst.test").rcode == "NXDOMAIN"
    mx = dns_query(p, "example.test", "MX")
    assert sorted(v for _, v in mx.answers) == ["10 mx1.example.test", "20 mx2.example.test"]


def test_fixture_unbound_resolves_hosts_and_forwards_zones(servers, unbound):
    assert a_values(dns_query(unbound, "mail.example.test")) == ["192.0.2.2", "192.0.2.20"]
    assert dns_query(unbound, "mail.example.test", "AAAA").answers == [("AAAA", "2001:db8:dead::25")]
    assert a_values(dns_query(unbound, "2.2.0.192.zen.test")) == ["127.0.0.2"]
    assert dns_query(unbound, "99.2.0.192.zen.test").rcode == "NXDOMAIN"
    assert dns_query(unbound, "www.example.com").rcode == "REFUSED"


# --------------------------------------------------------------------------
# listings
# --------------------------------------------------------------------------

def test_listed_address_is_critical_with_code_txt_and_delist_text(dnsbl):
    r = dnsbl("-H", "192.0.2.11", "-z", "zen.test")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["targets_listed"] == 1
    assert perf["targets"] == 1 and perf["zones"] == 1 and perf["errors"] == 0
    assert perf["queries"] >= 1
    line1 = first_line(r.stdout)
    assert "192.0.2.11" in line1 and "zen.test" in line1
    zl = zone_line(r.stdout, "zen.test")
    assert "[CRITICAL]" in zl and "listed" in zl and "127.0.0.4" in zl
    assert "Exploited host 192.0.2.11" in zl
    assert "http://delist.zen.test/lookup?ip=192.0.2.11" in zl


def test_long_output_has_a_target_line_and_zone_lines_below_it(dnsbl):
    r = dnsbl("-H", "192.0.2.11", "-z", "zen.test", "-z", "bl2.test")
    check_result(r, "CRITICAL")
    lines = r.stdout.splitlines()
    assert re.match(r"^\\_ \[CRITICAL\] 192\.0\.2\.11\b", lines[1]), r.stdout
    assert re.match(r"^\s+\\_ \[CRITICAL\] zen\.test: listed 127\.0\.0\.4", zone_line(r.stdout, "zen.test"))
    # a single target shows its not-listed zones too
    assert "not listed" in zone_line(r.stdout, "bl2.test")


def test_spamhaus_zone_given_with_z_explains_its_codes(dnsbl):
    r = dnsbl("-H", "192.0.2.11", "-z", "zen.spamhaus.org")
    check_result(r, "CRITICAL")
    zl = zone_line(r.stdout, "zen.spamhaus.org")
    assert "127.0.0.4" in zl and "XBL" in zl


def test_address_not_listed_anywhere_is_ok(dnsbl):
    r = dnsbl("-H", "192.0.2.99", "-z", "zen.test", "-z", "bl2.test")
    perf = check_result(r, "OK")
    assert perf["listed"] == 0 and perf["targets_listed"] == 0
    assert perf["targets"] == 1 and perf["zones"] == 2 and perf["errors"] == 0
    assert perf["queries"] >= 2
    assert "not listed" in first_line(r.stdout)


def test_address_listed_on_two_zones_counts_two_listings(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "zen.test", "-z", "bl2.test", "-z", "bl3.test")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 2 and perf["targets_listed"] == 1 and perf["zones"] == 3
    assert "listed" in zone_line(r.stdout, "zen.test")
    assert "listed" in zone_line(r.stdout, "bl2.test")


def test_every_a_record_of_one_answer_is_shown(dnsbl):
    r = dnsbl("-H", "192.0.2.13", "-z", "zen.test")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1
    zl = zone_line(r.stdout, "zen.test")
    assert "127.0.0.2" in zl and "127.0.0.9" in zl


def test_error_code_among_listing_codes_makes_the_answer_an_error(dnsbl):
    r = dnsbl("-H", "192.0.2.14", "-z", "zen.test")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1
    assert "127.255.255.254" in zone_line(r.stdout, "zen.test")


def test_ipv6_address_is_checked_on_ip6trie_zones(dnsbl, zones_file):
    r = dnsbl("--zones-file", zones_file, "-H", "2001:db8:dead::1")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 2 and perf["targets"] == 1 and perf["errors"] == 0
    assert "2001:db8:dead::1" in r.stdout
    assert "127.0.0.3" in zone_line(r.stdout, "v6.test")
    assert "IPv6 spam source 2001:db8:dead::1" in zone_line(r.stdout, "v6.test")
    assert "127.0.0.2" in zone_line(r.stdout, "zen.test")


def test_ipv6_address_not_listed_is_ok(dnsbl, zones_file):
    r = dnsbl("--zones-file", zones_file, "-H", "2001:db8:beef::1")
    perf = check_result(r, "OK")
    assert perf["listed"] == 0 and perf["errors"] == 0


def test_ipv6_address_without_any_ipv6_zone_is_unknown_not_ok(dnsbl, tmp_files):
    path = tmp_files("v4only.ini", "[zen.test]\ntype = ip\nipv4 = yes\nipv6 = no\n")
    r = dnsbl("--zones-file", path, "-H", "2001:db8:dead::1")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0
    assert "IPv6" in r.stdout


def test_zones_file_zone_shows_code_meaning_and_delist_url(dnsbl, zones_file):
    r = dnsbl("--zones-file", zones_file, "-H", "192.0.2.11")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["errors"] == 0
    zl = zone_line(r.stdout, "zen.test")
    assert "127.0.0.4" in zl and "exploited machine" in zl
    assert "delist: http://delist.zen.test/form" in zl


def test_cidr_range_counts_listed_addresses_in_perfdata(dnsbl):
    r = dnsbl("-H", "198.51.100.0/28", "-z", "zen.test", "-z", "bl2.test")
    perf = check_result(r, "CRITICAL")
    assert perf["targets"] == 16 and perf["zones"] == 2
    assert perf["listed"] == 4 and perf["targets_listed"] == 3 and perf["errors"] == 0
    assert perf["queries"] >= 32
    for addr in ("198.51.100.1", "198.51.100.5", "198.51.100.9"):
        assert any(re.match(r"^\\_ \[CRITICAL\] %s\b" % re.escape(addr), ln)
                   for ln in r.stdout.splitlines()), r.stdout
    # more than 10 targets: clean addresses get no line of their own
    assert not any(re.match(r"^\\_ \[OK\] 198\.51\.100\.2\b", ln) for ln in r.stdout.splitlines())


def test_range_at_max_targets_runs_and_one_more_is_refused(dnsbl):
    ok = dnsbl("-H", "198.51.100.0/28", "--max-targets=16", "-z", "zen.test")
    assert check_result(ok, "CRITICAL")["targets"] == 16
    r = dnsbl("-H", "198.51.100.0/28", "--max-targets=8", "-z", "zen.test")
    assert r.code == 3, r.stdout
    line = first_line(r.stdout)
    assert line.startswith("DNSBL UNKNOWN - "), r.stdout
    assert re.search(r"max-targets|\b16\b|\b8\b", line), line


def test_targets_file_with_comments_and_blank_lines(dnsbl, tmp_files):
    path = tmp_files("targets.txt", "# mail servers\n\n192.0.2.2\n192.0.2.3  \n"
                                    "# a small range\n198.51.100.4/30\n\n")
    r = dnsbl("-F", path, "-z", "zen.test")
    perf = check_result(r, "CRITICAL")
    assert perf["targets"] == 6
    assert perf["listed"] == 2 and perf["targets_listed"] == 2
    assert "192.0.2.2" in r.stdout and "198.51.100.5" in r.stdout


def test_range_of_a_slash_20_on_three_zones_gives_exact_counts(dnsbl):
    r = dnsbl("-H", "10.20.0.0/20", "-z", "zen.test", "-z", "bl2.test", "-z", "bl3.test",
              "-t", "60", timeout=90)
    assert r.elapsed < 60.5
    perf = check_result(r, "CRITICAL")
    assert perf["targets"] == 4096 and perf["zones"] == 3
    assert perf["listed"] == 7 and perf["targets_listed"] == 6 and perf["errors"] == 0
    assert perf["queries"] >= 3 * 4096


# --------------------------------------------------------------------------
# names: hosts, MX, domains (through the local recursive resolver)
# --------------------------------------------------------------------------

def test_listing_through_a_recursive_resolver(via_unbound):
    r = via_unbound("-H", "192.0.2.2", "-z", "zen.test", "-z", "bl2.test")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 2 and perf["errors"] == 0


@pytest.mark.parametrize("option", ["-H", "--mx"])
def test_hostname_target_checks_every_a_and_aaaa_address(via_unbound, zones_file, option):
    """-H NAME checks every address of NAME; so does --mx NAME when NAME has no
    MX records (RFC 5321 5.1: the host itself receives the mail)."""
    r = via_unbound("--zones-file", zones_file, option, "mail.example.test")
    perf = check_result(r, "CRITICAL")
    assert perf["targets"] == 3 and perf["errors"] == 0
    # 192.0.2.2 on zen.test; 2001:db8:dead::25 on zen.test and v6.test
    assert perf["listed"] == 3 and perf["targets_listed"] == 2
    for addr in ("192.0.2.2", "192.0.2.20", "2001:db8:dead::25"):
        assert "%s (mail.example.test)" % addr in r.stdout, r.stdout


def test_mx_domain_checks_every_address_of_every_mx_host(via_unbound, zones_file):
    r = via_unbound("--zones-file", zones_file, "--mx", "example.test")
    perf = check_result(r, "CRITICAL")
    assert perf["targets"] == 3 and perf["errors"] == 0
    assert perf["listed"] == 1 and perf["targets_listed"] == 1
    assert "192.0.2.11 (mx1.example.test)" in r.stdout
    assert "192.0.2.21 (mx2.example.test)" in r.stdout
    assert "2001:db8:beef::21 (mx2.example.test)" in r.stdout


@pytest.mark.parametrize("domain,reason", [
    ("nullmx.example.test", "nullmx.example.test has a null MX: it accepts no mail"),
    ("nosuch.example.test", "nosuch.example.test does not exist (NXDOMAIN)"),
])
def test_mx_domain_without_mail_hosts_is_unknown_with_the_reason(via_unbound, domain, reason):
    r = via_unbound("-z", "zen.test", "--mx", domain)
    assert r.code == 3, r.stdout
    assert first_line(r.stdout).startswith("DNSBL UNKNOWN - "), r.stdout
    assert reason in r.stdout, r.stdout


def test_hostname_that_does_not_resolve_is_unknown(via_unbound):
    r = via_unbound("-H", "nosuch.example.test", "-z", "zen.test")
    assert r.code == 3, r.stdout
    assert first_line(r.stdout).startswith("DNSBL UNKNOWN - ")
    assert "nosuch.example.test" in r.stdout


@pytest.mark.parametrize("zone", ["dbl.test", "dbl.spamhaus.org"])
@pytest.mark.parametrize("domain,state,code", [
    ("bad.example", "CRITICAL", "127.0.1.2"),
    ("www.evil.example", "CRITICAL", "127.0.1.4"),
    ("good.example", "OK", None),
])
def test_domain_target_on_a_domain_zone(dnsbl, zones_file, zone, domain, state, code):
    """dbl.test comes from a zones file (type = domain); dbl.spamhaus.org is given
    with -z and becomes a domain zone through the built-in Spamhaus knowledge."""
    zones = ["--zones-file", zones_file] if zone == "dbl.test" else ["-z", zone]
    r = dnsbl(*zones, "--domain", domain)
    perf = check_result(r, state)
    assert perf["targets"] == 1 and perf["errors"] == 0
    assert perf["listed"] == (1 if code else 0)
    assert domain in r.stdout
    if code:
        assert code in zone_line(r.stdout, zone)


# --------------------------------------------------------------------------
# verdict rules: errors are never listings
# --------------------------------------------------------------------------

@pytest.mark.parametrize("zone,word", [("servfail.test", "SERVFAIL"), ("refused.test", "REFUSED")])
def test_error_rcode_is_a_zone_error_not_a_listing(dnsbl, zone, word):
    r = dnsbl("-H", "192.0.2.2", "-z", zone, server="testns")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1
    zl = zone_line(r.stdout, zone)
    assert word in zl and "[UNKNOWN]" in zl


def test_silent_server_is_a_timeout_error(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "silent.test", "-t", "10", *FAST, server="testns")
    assert r.elapsed < 10.5
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1
    assert re.search(r"time[ds ]*out|no (reply|answer)", zone_line(r.stdout, "silent.test"), re.I)


def test_reply_with_wrong_id_is_ignored(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "wrongid.test", "-t", "10", *FAST, server="testns")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1


def test_truncated_udp_answer_is_retried_over_tcp(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "tc.test", "-t", "10", server="testns")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["errors"] == 0


@pytest.mark.parametrize("zone,target", [("err.test", "192.0.2.2"), ("zen.spamhaus.org", "192.0.2.4")])
def test_public_resolver_code_is_an_error_with_resolver_advice(dnsbl, zone, target):
    r = dnsbl("-H", target, "-z", zone)
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1
    zl = zone_line(r.stdout, zone)
    assert "127.255.255.254" in zl and "error" in zl.lower() and "resolver" in zl.lower()
    assert "listed 127.255.255.254" not in zl


@pytest.mark.parametrize("zone,target,code", [
    ("err.test", "192.0.2.3", "127.255.255.252"),
    ("err.test", "192.0.2.4", "127.255.255.255"),
    ("zen.spamhaus.org", "192.0.2.5", "127.255.255.252"),
])
def test_error_codes_in_127_255_255_are_errors(dnsbl, zone, target, code):
    r = dnsbl("-H", target, "-z", zone)
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1
    assert code in zone_line(r.stdout, zone)


def test_answer_outside_127_is_an_error_shown_raw(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "parked.test")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1
    zl = zone_line(r.stdout, "parked.test")
    assert "62.0.58.94" in zl and "error" in zl.lower()


def test_answer_127_0_0_1_is_an_error(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "one.test")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1
    assert "127.0.0.1" in zone_line(r.stdout, "one.test")


def test_zone_error_beside_a_clean_answer_keeps_ok(dnsbl):
    r = dnsbl("-H", "192.0.2.99", "-z", "zen.test", "-z", "parked.test")
    perf = check_result(r, "OK")
    assert perf["listed"] == 0 and perf["errors"] == 1
    assert "62.0.58.94" in r.stdout


def test_code_outside_zone_codes_is_not_a_listing_and_shown_with_verbose(dnsbl):
    r = dnsbl("-v", "-H", "192.0.2.2", "-z", "rep.test=127.0.0.[10..13]")
    perf = check_result(r, "OK")
    assert perf["listed"] == 0 and perf["errors"] == 0
    assert "127.0.0.17" in r.stdout
    assert "listed 127.0.0.17" not in r.stdout


@pytest.mark.parametrize("verbose", [[], ["-v"]])
@pytest.mark.parametrize("target", ["192.0.2.0/29", "192.0.2.0/28"])
def test_code_outside_zone_codes_in_a_range_is_shown_with_verbose_only(dnsbl, target, verbose):
    # 192.0.2.2 answers 127.0.0.17 (outside the codes), 192.0.2.3 127.0.0.11 (a listing)
    r = dnsbl("-H", target, "-z", "rep.test=127.0.0.[10..13]", *verbose)
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["errors"] == 0
    lines = r.stdout.splitlines()
    other = [k for k, ln in enumerate(lines) if "answered 127.0.0.17 outside the listing codes" in ln]
    if not verbose:
        assert other == [], r.stdout
        return
    assert len(other) == 1, r.stdout
    assert lines[other[0] - 1].startswith("\\_ [OK] 192.0.2.2: "), r.stdout
    assert lines[other[0]].startswith("  \\_ [OK] rep.test: "), r.stdout


def test_code_inside_zone_codes_is_a_listing(dnsbl):
    r = dnsbl("-H", "192.0.2.3", "-z", "rep.test=127.0.0.[10..13]")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1
    assert "127.0.0.11" in zone_line(r.stdout, "rep.test")


@pytest.mark.parametrize("spec,target,state", [
    ("zen.test=127.0.0.[2..3]", "192.0.2.11", "OK"),        # answers .4
    ("zen.test=127.0.0.[2..3]", "192.0.2.2", "CRITICAL"),   # answers .2
    ("zen.test=127.0.0.4", "192.0.2.11", "CRITICAL"),
    ("zen.test=127.0.0.[2;4;10]", "192.0.2.12", "CRITICAL"),  # answers .10
    ("zen.test=127.0.0.[2;4]", "192.0.2.12", "OK"),
    ("zen.test=127.0.0.[2..11]", "192.0.2.12", "CRITICAL"),
])
def test_zone_codes_select_which_answers_are_listings(dnsbl, spec, target, state):
    r = dnsbl("-H", target, "-z", spec)
    perf = check_result(r, state)
    assert perf["listed"] == (1 if state == "CRITICAL" else 0)
    assert perf["errors"] == 0


@pytest.mark.parametrize("target,state", [("192.0.2.3", "WARNING"), ("192.0.2.2", "CRITICAL")])
def test_warning_severity_zone_gives_warning(dnsbl, target, state):
    # 192.0.2.3 is listed on bl2.test only; 192.0.2.2 on both
    r = dnsbl("-H", target, "-z", "bl2.test:warning", "-z", "zen.test")
    check_result(r, state)


def test_warning_severity_combines_with_codes(dnsbl):
    r = dnsbl("-H", "192.0.2.11", "-z", "zen.test=127.0.0.[2..11]:warning")
    assert check_result(r, "WARNING")["listed"] == 1


def test_listing_wins_over_a_timed_out_zone(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "lst.test", "-z", "silent.test", "-t", "10", *FAST,
              server="testns")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["errors"] == 1
    assert "listed" in zone_line(r.stdout, "lst.test")


def test_all_zones_erroring_is_unknown(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "servfail.test", "-z", "refused.test", "-z", "silent.test",
              "-t", "10", *FAST, server="testns")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 3
    assert "no usable answer" in r.stdout


@pytest.mark.parametrize("thresholds,target,state", [
    (["-w", "0", "-c", "1"], "192.0.2.99", "OK"),        # 0 listings
    (["-w", "0", "-c", "1"], "192.0.2.11", "WARNING"),   # 1 listing
    (["-w", "0", "-c", "1"], "192.0.2.2", "CRITICAL"),   # 2 listings
    (["-w", "0", "-c", "2"], "192.0.2.2", "WARNING"),    # 2 is inside 0:2
    (["-c", "1"], "192.0.2.11", "OK"),                   # ranges alone decide
    (["-w", "1"], "192.0.2.2", "WARNING"),
])
def test_thresholds_apply_to_the_number_of_listing_zones(dnsbl, thresholds, target, state):
    r = dnsbl("-H", target, "-z", "zen.test", "-z", "bl2.test", *thresholds)
    check_result(r, state)


def test_thresholds_override_zone_severity(dnsbl):
    r = dnsbl("-H", "192.0.2.3", "-z", "bl2.test:warning", "-z", "zen.test", "-c", "0")
    check_result(r, "CRITICAL")


@pytest.mark.parametrize("thresholds", [[], ["-w", "0", "-c", "0"]])
def test_allow_list_listing_never_raises_the_state(dnsbl, thresholds):
    r = dnsbl("-H", "192.0.2.40", "--allow-zone", "wl.test", "-z", "zen.test", *thresholds)
    perf = check_result(r, "OK")
    assert perf["errors"] == 0
    zl = zone_line(r.stdout, "wl.test")
    assert "[OK]" in zl and "allow" in zl.lower() and "127.0.10.2" in zl


def test_allow_list_listings_cost_no_txt_query(dnsbl):
    # 192.0.2.40 and .41 are allow-listed, none is on zen.test: 2 x 16 A queries and
    # no TXT query (its text is never shown for an allow-list)
    r = dnsbl("-H", "192.0.2.32/28", "--allow-zone", "wl.test", "-z", "zen.test")
    perf = check_result(r, "OK")
    assert perf["targets"] == 16 and perf["listed"] == 0 and perf["errors"] == 0
    assert perf["queries"] == 32, first_line(r.stdout)


def test_allow_list_does_not_hide_a_block_listing(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "--allow-zone", "wl.test", "-z", "zen.test")
    assert check_result(r, "CRITICAL")["listed"] == 1


# --------------------------------------------------------------------------
# --selftest
# --------------------------------------------------------------------------

def test_selftest_marks_zone_without_test_entries_broken(dnsbl):
    # notest.test lists 192.0.2.2 but lacks 127.0.0.2: broken, never a listing
    r = dnsbl("--selftest", "-H", "192.0.2.2", "-z", "zen.test", "-z", "notest.test")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1
    broken = lines_with(r.stdout, "notest.test")
    assert broken and all("listed 127" not in ln for ln in broken), r.stdout
    assert any("[UNKNOWN]" in ln and "broken" in ln for ln in broken), r.stdout


def test_selftest_marks_zone_listing_127_0_0_1_broken(dnsbl):
    r = dnsbl("--selftest", "-H", "192.0.2.99", "-z", "world.test")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0
    assert any("broken" in ln for ln in lines_with(r.stdout, "world.test")), r.stdout


def test_selftest_passes_healthy_zones(dnsbl):
    r = dnsbl("--selftest", "-H", "192.0.2.11", "-z", "zen.test", "-z", "bl2.test")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["zones"] == 2
    assert "broken" not in r.stdout


def test_selftest_probes_each_zone_with_entries_of_its_kind(dnsbl, zones_file):
    # zen.test: v4 and v6 entries; v6.test: ::ffff:7f00:2 only; dbl.test: test.dbl.test
    r = dnsbl("--selftest", "--zones-file", zones_file, "-H", "2001:db8:dead::1",
              "--domain", "bad.example")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 3 and perf["targets_listed"] == 2
    assert "broken" not in r.stdout


def test_selftest_passes_healthy_domain_zone(dnsbl):
    r = dnsbl("--selftest", "--domain", "bad.example", "-z", "dbl.spamhaus.org")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1
    assert "broken" not in r.stdout


# --------------------------------------------------------------------------
# Spamhaus DQS: key rewriting, and the key is a secret
# --------------------------------------------------------------------------

# run_plugin (conftest.py) fails every run that shows the DQS key; a -vvv trace
# shows where it was masked
MASKED_DQS_ZONE = ".***.zen.dq.spamhaus.net"


def test_dqs_key_rewrites_spamhaus_zone_to_dqs_zone(dnsbl):
    # 192.0.2.6 is listed on the DQS zone only
    r = dnsbl("-H", "192.0.2.6", "-z", "zen.spamhaus.org", "--dqs-key", DQS_KEY)
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["errors"] == 0
    assert "127.0.0.4" in r.stdout


def test_without_dqs_key_the_public_zone_name_is_queried(dnsbl):
    r = dnsbl("-H", "192.0.2.6", "-z", "zen.spamhaus.org")
    assert check_result(r, "OK")["listed"] == 0


@pytest.mark.parametrize("extra", [
    ["-vvv"],
    ["--output-format=json"],
    ["--output-format=one-line"],
    ["-vvv", "--output-format=json"],
])
def test_dqs_key_never_appears_in_output(dnsbl, extra):
    r = dnsbl("-H", "192.0.2.6", "-H", "192.0.2.99", "-z", "zen.spamhaus.org",
              "--dqs-key", DQS_KEY, *extra)
    assert r.code == 2, r.stdout
    if extra == ["-vvv"]:
        assert MASKED_DQS_ZONE in r.stdout, r.stdout


def test_dqs_key_never_appears_in_error_output(dnsbl):
    # an error zone beside the DQS zone: error texts must not leak the key either
    r = dnsbl("-vvv", "-H", "192.0.2.6", "-z", "zen.spamhaus.org", "-z", "parked.test",
              "--dqs-key", DQS_KEY)
    assert r.code == 2, r.stdout
    assert MASKED_DQS_ZONE in r.stdout, r.stdout


def test_dqs_key_file_rewrites_and_stays_secret(dnsbl, tmp_files):
    path = tmp_files("dqs.key", DQS_KEY + "\n", mode=0o600)
    r = dnsbl("-vvv", "-H", "192.0.2.6", "-z", "zen.spamhaus.org", "--dqs-key-file", path)
    assert check_result(r, "CRITICAL")["listed"] == 1
    assert MASKED_DQS_ZONE in r.stdout, r.stdout


def test_dqs_key_from_extra_opts_rewrites_and_stays_secret(dnsbl, tmp_files):
    ini = tmp_files("plugins.ini", "[check_dnsbl]\ndqs-key = %s\n" % DQS_KEY, mode=0o600)
    r = dnsbl("-vvv", "--extra-opts=@" + ini, "-H", "192.0.2.6", "-z", "zen.spamhaus.org")
    assert check_result(r, "CRITICAL")["listed"] == 1
    assert MASKED_DQS_ZONE in r.stdout, r.stdout


def test_dqs_key_rewrites_domain_list_too(dnsbl):
    r = dnsbl("--domain", "dqsonly.example", "-z", "dbl.spamhaus.org", "--dqs-key", DQS_KEY)
    assert check_result(r, "CRITICAL")["listed"] == 1


@pytest.mark.parametrize("key", [DQS_KEY, DQS_KEY.upper()])
@pytest.mark.parametrize("extra", [[], ["-vvv"], ["--output-format=json"], ["-vvv", "--output-format=json"]])
def test_dqs_key_in_a_zone_name_is_masked(dnsbl, key, extra):
    # run_plugin fails the test if the key shows in any case
    r = dnsbl("-H", "192.0.2.6", "-z", key + ".zen.dq.spamhaus.net", *extra)
    assert r.code == 2, r.stdout
    assert "***.zen.dq.spamhaus.net" in r.stdout, r.stdout


@pytest.mark.parametrize("args", [
    ["--list-zones"],
    ["-H", "192.0.2.6"],
    ["-H", "192.0.2.6", "-z", DQS_KEY + ".zen.dq.spamhaus.net:fatal"],
    ["-H", "192.0.2.6", "--allow-zone", DQS_KEY.upper() + ".zen.dq.spamhaus.net=bad"],
])
def test_dqs_key_in_a_zones_file_or_bad_spec_is_masked(dnsbl, tmp_files, args):
    path = tmp_files("dqs-zones.ini", "[%s.zen.dq.spamhaus.net]\ntype = ip\n" % DQS_KEY.upper())
    r = dnsbl("--zones-file", path, *args)
    assert "***.zen.dq.spamhaus.net" in r.stdout, r.stdout


def test_malformed_dqs_key_is_refused_without_echoing_it(dnsbl):
    bad = "shortsecretkey42"
    r = dnsbl("-H", "192.0.2.6", "-z", "zen.spamhaus.org", "--dqs-key", bad)
    check_bad_input(r, "DNSBL", "dqs")
    assert bad not in r.stdout + r.stderr


# --------------------------------------------------------------------------
# resolvers, failover, timeouts
# --------------------------------------------------------------------------

def test_failover_from_dead_server_to_working_one(dnsbl, servers):
    r = dnsbl("-s", "127.0.0.1:%d" % dead_port(), "-s", "127.0.0.1:%d" % servers.rbl,
              "-H", "192.0.2.2", "-z", "zen.test", "--query-timeout=1", "-t", "10", server=None)
    assert r.elapsed < 10.5
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["errors"] == 0


def test_ipv6_server_address_with_port(dnsbl, servers):
    if not servers.rbl6:
        pytest.skip("no IPv6 loopback")
    r = dnsbl("-s", "[::1]:%d" % servers.rbl6, "-H", "192.0.2.2", "-z", "zen.test", server=None)
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["errors"] == 0


def test_server_option_replaces_resolv_conf_nameservers(dnsbl, servers):
    # resolv.conf names rbldnsd (which lists 192.0.2.2 on zen.test); -s names
    # ldns-testns, which never answers for zen.test: only -s may be asked
    if not servers.resolv_conf_served:
        pytest.skip("rbldnsd could not bind 127.77.0.1:53")
    r = dnsbl("-H", "192.0.2.2", "-z", "zen.test", "-t", "10", *FAST, server="testns")
    perf = check_result(r, "UNKNOWN")
    assert perf["listed"] == 0 and perf["errors"] == 1


def test_nameserver_from_resolv_conf_is_used_without_s(dnsbl, servers):
    if not servers.resolv_conf_served:
        pytest.skip("rbldnsd could not bind 127.77.0.1:53")
    r = dnsbl("-H", "192.0.2.2", "-z", "zen.test", server=None)
    assert check_result(r, "CRITICAL")["listed"] == 1


@pytest.mark.parametrize("opts,code", [
    (["-t", "3"], 3),                                   # default: UNKNOWN
    (["-t", "3", "--timeout-result=critical"], 2),
    (["-t", "3", "--timeout-result=1"], 1),
    (["-t", "3:warning"], 1),
    (["-t", "3", "--timeout-result=ok"], 0),
])
def test_timeout_result_sets_the_state(dnsbl, opts, code):
    r = dnsbl("-H", "192.0.2.2", "-z", "silent.test", "--query-timeout=2.5", "--retries=3",
              *opts, server="testns", timeout=20)
    assert r.elapsed < 3.5, r.elapsed
    assert r.code == code, r.stdout
    assert first_line(r.stdout).startswith("DNSBL %s" % STATE_NAMES[code]), r.stdout


def test_huge_range_cut_off_by_t_still_gives_the_real_result_within_t(dnsbl):
    # 16.7 million targets x 9 zones: only a small part is asked within -t; what
    # is left after the deadline must not cost time per target and zone (such work
    # took longer than the 0.3 s between the run's deadline and the hard timeout)
    zones = ["zen.test", "bl2.test", "bl3.test", "err.test", "parked.test", "one.test",
             "rep.test", "notest.test", "zen.spamhaus.org"]
    args = [a for z in zones for a in ("-z", z)]
    r = dnsbl("-H", "10.0.0.0/8", "--max-targets=16777216", "-t", "3", *args, timeout=20)
    # the hard timeout fires at -t: without its line the result came in time; the
    # process may take a little longer to end (a sanitizer build's exit checks)
    assert "plugin timed out" not in r.stdout, r.stdout
    assert r.elapsed < 4.0, r.elapsed
    perf = check_result(r, "UNKNOWN")
    assert perf["targets"] == 16777216 and perf["zones"] == 9
    assert perf["errors"] > 150000000, first_line(r.stdout)
    assert "timed out with" in first_line(r.stdout), r.stdout


def test_targets_the_deadline_cut_off_are_unanswered_not_without_zone(dnsbl):
    # --rate=50 with -t 1 reaches about 40 of the 192 queries: the later
    # targets were never asked, yet every zone applies to them
    r = dnsbl("-H", "198.51.100.0/26", "-z", "zen.test", "-z", "bl2.test", "-z", "bl3.test",
              "--rate=50", "-t", "1", "--timeout-result=warning", "--max-details=100")
    perf = check_result(r, "CRITICAL")
    assert perf["errors"] > 0 and "timed out" in first_line(r.stdout)
    assert "no configured zone" not in r.stdout
    last = [ln for ln in r.stdout.splitlines() if ln.startswith("\\_ ") and "198.51.100.63:" in ln]
    # the numbers agree with the errors perfdata: never "(0 errors)"
    assert last == ["\\_ [WARNING] 198.51.100.63: no usable answer from any zone (3 queries unanswered)"], r.stdout


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args,needles", [
    (["-H", "192.0.2.256"], ["192.0.2.256"]),
    (["-H", "192.0.2.1/28"], ["192.0.2.1/28"]),
    (["-H", "192.0.2.0/33"], ["192.0.2.0/33"]),
    (["-H", "2001:db8::/129"], ["2001:db8::/129"]),
    (["-H", "192.0.2.1", "-z", "zen.test:fatal"], ["zen.test:fatal", "--zone", "-z"]),
    (["-H", "192.0.2.1", "-z", "bad..zone"], ["bad..zone", "--zone", "-z", "empty label"]),
    (["-H", "mail..example.test"], ["mail..example.test", "empty label"]),
    (["-H", "mail.example.test!"], ["mail.example.test!", "only letters"]),
    (["--mx", "x" * 64 + ".test"], ["invalid domain name", "label longer than 63"]),
    (["-H", "192.0.2.1", "-z", "zen.test=127.0.0.[2..x]"], ["127.0.0.[2..x]", "--zone", "-z"]),
    (["-H", "192.0.2.1", "-z", "zen.test=300.0.0.2"], ["300.0.0.2", "--zone", "-z"]),
    (["-H", "192.0.2.1", "-z", "zen.test=127.0.0.[2;4"], ["127.0.0.[2;4", "--zone", "-z"]),
    (["-H", "192.0.2.1", "--allow-zone", "wl.test=abc"], ["abc", "--allow-zone"]),
    (["-H", "192.0.2.1", "--frobnicate"], ["frobnicate"]),
    (["-H", "192.0.2.1", "-w", "garbage"], ["garbage", "--warning", "-w"]),
    (["-H", "192.0.2.1", "-c", "20:10"], ["20:10", "--critical", "-c"]),
    (["-H", "192.0.2.1", "--timeout-result=maybe"], ["maybe", "--timeout-result"]),
    (["-H", "192.0.2.1", "-t", "soon"], ["soon", "--timeout", "-t"]),
    (["-H", "192.0.2.1", "--output-format=xml"], ["xml", "--output-format"]),
    (["-H", "192.0.2.1", "--max-targets=lots"], ["lots", "--max-targets"]),
    (["-H", "192.0.2.1", "--query-timeout=-1"], ["-1", "--query-timeout"]),
    (["-H", "192.0.2.1", "-s", "127.0.0.1:99999"], ["99999", "--server", "-s"]),
    ([], ["target"]),
])
def test_bad_input_is_unknown_naming_the_problem(dnsbl, args, needles):
    zones = [] if any(a in ("-z", "--allow-zone") for a in args) else ["-z", "zen.test"]
    r = dnsbl(*(zones + args))
    check_bad_input(r, "DNSBL", *needles)


@pytest.mark.parametrize("args,option,path,why", [
    (["-F", "/nonexistent/dnsbl-targets.txt"], "--targets-file", "/nonexistent/dnsbl-targets.txt", "cannot open"),
    (["-H", "192.0.2.1", "--targets-file=/nonexistent/t.txt", "-H", "192.0.2.2"], "--targets-file",
     "/nonexistent/t.txt", "cannot open"),
    (["-H", "192.0.2.1", "-F", "/"], "--targets-file", "/", "read error"),
    (["-H", "192.0.2.1", "--zones-file", "/nonexistent/zones.ini"], "--zones-file", "/nonexistent/zones.ini",
     "cannot open"),
])
def test_unreadable_file_is_one_line_naming_the_option(dnsbl, args, option, path, why):
    # issue 11: a file that cannot be read is a runtime error: one line naming the option and the file, no usage
    r = dnsbl("-z", "zen.test", *args)
    assert r.code == 3 and r.stdout.count("\n") == 1, r.stdout
    assert r.stdout.startswith("DNSBL UNKNOWN - %s: %s: %s" % (option, path, why)), r.stdout


def test_bad_zones_file_is_unknown_naming_the_file(dnsbl, tmp_files):
    path = tmp_files("zones.ini", "[zen.test]\nthis line has no equals sign\n")
    r = dnsbl("-H", "192.0.2.1", "--zones-file", path)
    check_bad_input(r, "DNSBL", path, "zones.ini")


@pytest.mark.parametrize("text", [
    "[other_section]\nzone = zen.test\n",        # the requested section is missing
    "[check_dnsbl]\nzone zen.test\n",            # a line without '='
])
def test_bad_extra_opts_ini_is_unknown(dnsbl, tmp_files, text):
    path = tmp_files("bad.ini", text)
    r = dnsbl("--extra-opts=@" + path, "-H", "192.0.2.2", "-z", "zen.test")
    # an ini file that cannot be used is a runtime error: one line naming the file, no usage
    assert r.code == 3 and r.stdout.count("\n") == 1, r.stdout
    assert r.stdout.startswith("DNSBL UNKNOWN - --extra-opts: " + path), r.stdout


# --------------------------------------------------------------------------
# --extra-opts, --list-zones, --help, --version, output formats
# --------------------------------------------------------------------------

def test_extra_opts_section_provides_servers_and_zones(dnsbl, servers, tmp_files):
    path = tmp_files("plugins.ini",
                     "# local lists\n[dnsbl_local]\nserver = 127.0.0.1:%d\n"
                     "zone = zen.test\nzone = bl2.test\nno-default-zones =\n" % servers.rbl)
    r = dnsbl("--extra-opts=dnsbl_local@" + path, "-H", "192.0.2.2", server=None,
              default_zones=True)
    perf = check_result(r, "CRITICAL")
    assert perf["zones"] == 2 and perf["listed"] == 2


def test_extra_opts_default_section_is_plugin_name_and_repeats_accumulate(dnsbl, servers, tmp_files):
    path = tmp_files("plugins.ini", "[check_dnsbl]\nzone = zen.test\n")
    r = dnsbl("--extra-opts=@" + path, "-z", "bl2.test", "-H", "192.0.2.2")
    perf = check_result(r, "CRITICAL")
    assert perf["zones"] == 2 and perf["listed"] == 2


def test_list_zones_prints_default_catalogue_with_spamhaus_zen(plugin, servers):
    r = run_plugin(["--resolv-conf=" + servers.resolv_conf, "--list-zones"])
    assert r.code == 3, r.stdout
    assert "zen.spamhaus.org" in r.stdout


def test_list_zones_shows_the_zones_that_would_be_used(plugin, servers):
    r = run_plugin(["--resolv-conf=" + servers.resolv_conf, "--list-zones",
                    "--no-default-zones", "-z", "zen.test", "--allow-zone", "wl.test"])
    assert r.code == 3, r.stdout
    assert "zen.test" in r.stdout and "wl.test" in r.stdout
    assert "zen.spamhaus.org" not in r.stdout


def test_verbose_trace_keeps_the_status_line_first(dnsbl):
    r = dnsbl("-vvv", "-H", "192.0.2.2", "-z", "zen.test")
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1


def test_one_line_format_prints_only_the_status_line(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-H", "192.0.2.99", "-z", "zen.test", "-z", "bl2.test",
              "--output-format=one-line")
    perf = check_result(r, "CRITICAL")
    assert r.stdout.count("\n") <= 1 and r.stdout.strip() == first_line(r.stdout)
    assert perf["listed"] == 2 and perf["targets"] == 2 and perf["targets_listed"] == 1


def test_json_format_holds_the_whole_result_tree(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "zen.test", "-z", "bl2.test", "-z", "bl3.test",
              "--output-format=json")
    assert r.code == 2 and r.stderr == ""
    doc = json.loads(r.stdout)
    assert doc["prefix"] == "DNSBL" and doc["state"] == "CRITICAL" and doc["exit_code"] == 2
    assert "192.0.2.2" in doc["summary"]
    assert [p["label"] for p in doc["perfdata"]] == PERF_LABELS
    perf = {p["label"]: p for p in doc["perfdata"]}
    assert perf["listed"]["value"] == 2 and perf["targets"]["value"] == 1
    assert perf["zones"]["value"] == 3 and perf["time"]["uom"] == "s"
    targets = [s for s in doc["subchecks"] if s["text"].startswith("192.0.2.2")]
    assert len(targets) == 1 and targets[0]["state"] == "CRITICAL"
    zones = {s["text"].split(":")[0]: s for s in targets[0]["subchecks"]}
    assert zones["zen.test"]["state"] == "CRITICAL" and "listed" in zones["zen.test"]["text"]
    assert zones["bl2.test"]["state"] == "CRITICAL"
    assert zones["bl3.test"]["state"] == "OK" and "not listed" in zones["bl3.test"]["text"]


def test_json_marks_zone_errors_informational(dnsbl):
    r = dnsbl("-H", "192.0.2.2", "-z", "lst.test", "-z", "servfail.test",
              "--output-format=json", server="testns")
    assert r.code == 2, r.stdout
    doc = json.loads(r.stdout)
    perf = {p["label"]: p["value"] for p in doc["perfdata"]}
    assert perf["listed"] == 1 and perf["errors"] == 1
    target = [s for s in doc["subchecks"] if s["text"].startswith("192.0.2.2")][0]
    err = [s for s in target["subchecks"] if s["text"].startswith("servfail.test")][0]
    assert err["state"] == "UNKNOWN" and err["informational"] is True
    assert "SERVFAIL" in err["text"]


# --------------------------------------------------------------------------
# issue 11: zone kinds, allow-list-only runs, Spamhaus and Microsoft, messages
# --------------------------------------------------------------------------

V6_LISTED = "2001:db8:dead::1"


@pytest.mark.parametrize("flag", ["ipv6", "IPv6", "ip"])
def test_zone_kind_flag_adds_an_ipv6_list(dnsbl, flag):
    # v6.test is no catalogue zone: without a flag it is an IPv4 list
    r = dnsbl("-z", "v6.test:" + flag, "-H", V6_LISTED)
    perf = check_result(r, "CRITICAL")
    assert perf["listed"] == 1 and perf["zones"] == 1
    assert "127.0.0.3" in zone_line(r.stdout, "v6.test")


def test_zone_without_kind_flag_stays_an_ipv4_list(dnsbl):
    r = dnsbl("-z", "v6.test", "-H", V6_LISTED)
    check_result(r, "UNKNOWN")
    assert "no configured zone lists IPv6 addresses" in first_line(r.stdout)


def test_zone_kind_ipv6_is_not_asked_about_ipv4(dnsbl):
    # zen.test lists 192.0.2.2, but as an IPv6-only list it is not asked about it
    r = dnsbl("-z", "zen.test:ipv6", "-z", "bl3.test", "-H", "192.0.2.2")
    perf = check_result(r, "OK")
    assert perf["queries"] == 1 and perf["listed"] == 0


def test_zone_kind_ip_asks_about_both_families(dnsbl):
    r = dnsbl("-z", "zen.test:ip", "-H", "192.0.2.2", "-H", V6_LISTED)
    perf = check_result(r, "CRITICAL")
    assert perf["targets_listed"] == 2 and perf["queries"] == 2 + 2  # two A, two TXT


@pytest.mark.parametrize("spec", [
    "dbl.test:domain",
    "dbl.test=127.0.1.[2..99]:domain:warning",
    "dbl.test:warning:domain:warning",           # flags in any order, the same one twice
    "dbl.test:WARNING:Domain",
])
def test_zone_kind_flag_adds_a_domain_list(dnsbl, spec):
    r = dnsbl("-z", spec, "--domain", "bad.example")
    state = "WARNING" if "warning" in spec.lower() else "CRITICAL"
    perf = check_result(r, state)
    assert perf["listed"] == 1
    assert "127.0.1.2" in zone_line(r.stdout, "dbl.test")


def test_domain_zone_answers_codes_outside_its_codes_as_no_listing(dnsbl):
    # *.evil.example answers 127.0.1.4, outside 127.0.1.[2..3]
    r = dnsbl("-z", "dbl.test=127.0.1.[2..3]:domain", "--domain", "x.evil.example")
    assert check_result(r, "OK")["listed"] == 0


def test_domain_zone_without_flag_is_not_asked_about_a_domain(dnsbl):
    r = dnsbl("-z", "dbl.test", "--domain", "bad.example")
    check_result(r, "UNKNOWN")
    assert "no domain-based zone is configured" in first_line(r.stdout)


def test_catalogue_zone_keeps_its_kind_unless_a_flag_says_otherwise(dnsbl, zones_file):
    # v6.test is IPv6-only in the zones file: -z with a severity keeps that kind
    r = dnsbl("--zones-file", zones_file, "-z", "v6.test:warning", "-H", V6_LISTED, "-H", "192.0.2.2")
    check_result(r, "CRITICAL")
    assert "127.0.0.3" in zone_line(r.stdout, "v6.test") and "[WARNING]" in zone_line(r.stdout, "v6.test")
    # a kind flag turns zen.test (v4 and v6 in the file) into an IPv6-only list
    # (no zone of the run is left for IPv4 then)
    r = dnsbl("--zones-file", zones_file, "-z", "zen.test:ipv6", "-H", "192.0.2.2")
    perf = check_result(r, "UNKNOWN")
    assert perf["queries"] == 0 and "no configured zone lists IPv4 addresses" in first_line(r.stdout)


def test_builtin_catalogue_kind_applies_to_a_zone_given_with_z(dnsbl):
    # dbl.spamhaus.org is a domain list in the built-in catalogue, even with --no-default-zones
    r = dnsbl("-z", "dbl.spamhaus.org", "--domain", "bad.example")
    assert check_result(r, "CRITICAL")["listed"] == 1


def test_allow_zone_takes_kind_flags(dnsbl):
    # wl.test as an IPv6-only allow-list is not asked about an IPv4 address
    r = dnsbl("--allow-zone", "wl.test:ipv6", "-z", "zen.test", "-H", "192.0.2.40")
    perf = check_result(r, "OK")
    assert perf["queries"] == 1
    assert "allow-listed" not in r.stdout


@pytest.mark.parametrize("spec,needle", [
    ("v6.test:ipv5", "unknown flag 'ipv5'"),
    ("v6.test:ipv4:domain", "two kinds"),
    ("v6.test:ipv4:ipv6", "':ip'"),
    ("v6.test:warning:critical", "two severities"),
    ("v6.test:", "empty flag"),
    ("v6.test::ipv6", "empty flag"),
])
def test_bad_zone_flag_is_one_clear_line(dnsbl, spec, needle):
    for opt in ("-z", "--allow-zone"):
        r = dnsbl(opt, spec, "-H", V6_LISTED)
        check_bad_input(r, "DNSBL", spec)
        line = first_line(r.stdout)
        assert needle in line and opt in line, r.stdout
        assert "warning, critical, ipv4, ipv6, ip or domain" in line or "unknown flag" not in needle


def test_allow_list_only_run_is_ok_for_an_unlisted_target(dnsbl):
    r = dnsbl("--allow-zone", "wl.test", "-H", "192.0.2.99")
    perf = check_result(r, "OK")
    assert perf["errors"] == 0 and perf["zones"] == 1
    assert first_line(r.stdout).startswith("DNSBL OK - 192.0.2.99 not listed on 1 zone |"), r.stdout


def test_allow_list_only_run_range_mixes_listed_and_unlisted(dnsbl):
    r = dnsbl("--allow-zone", "wl.test", "-H", "192.0.2.40/29")
    perf = check_result(r, "OK")
    assert perf["targets"] == 8 and perf["listed"] == 0 and perf["errors"] == 0
    assert len(lines_with(r.stdout, "allow-listed")) >= 2


def test_allow_list_only_run_with_an_error_is_still_unknown(dnsbl, servers):
    r = dnsbl("--allow-zone", "servfail.test", "-H", "192.0.2.99", server="testns")
    perf = check_result(r, "UNKNOWN")
    assert perf["errors"] == 1


MICROSOFT_FORM = "https://olcsupport.office.com/"


def test_spamhaus_listing_names_microsoft_and_the_order_of_delisting(dnsbl):
    r = dnsbl("-z", "zen.spamhaus.org", "-H", "192.0.2.2")
    check_result(r, "CRITICAL")
    zl = zone_line(r.stdout, "zen.spamhaus.org")
    assert "Microsoft" in zl and MICROSOFT_FORM in zl, zl
    spamhaus = zl.index("check.spamhaus.org", zl.index("Spamhaus first"))
    assert spamhaus < zl.index(MICROSOFT_FORM), zl


def test_spamhaus_dqs_listing_names_microsoft_too(dnsbl):
    r = dnsbl("-z", "zen.spamhaus.org", "--dqs-key", DQS_KEY, "-H", "192.0.2.6")
    check_result(r, "CRITICAL")
    assert MICROSOFT_FORM in zone_line(r.stdout, "zen.spamhaus.org")


def test_other_listings_and_spamhaus_errors_do_not_name_microsoft(dnsbl):
    r = dnsbl("-z", "zen.test", "-z", "zen.spamhaus.org", "-H", "192.0.2.11", "-H", "192.0.2.4")
    check_result(r, "CRITICAL")
    assert MICROSOFT_FORM not in zone_line(r.stdout, "zen.test")
    err = [ln for ln in r.stdout.splitlines() if "zen.spamhaus.org: error" in ln]
    assert err and all("Microsoft" not in ln for ln in err), r.stdout
    # a domain listing is no IP listing: no Microsoft note
    r = dnsbl("-z", "dbl.spamhaus.org", "--domain", "bad.example")
    check_result(r, "CRITICAL")
    assert "Microsoft" not in r.stdout


def test_bad_key_in_dqs_key_file_names_the_option_not_the_key(dnsbl, tmp_files):
    bad = "shortkey" + "x" * 10
    path = tmp_files("dqs.key", bad + "\n", mode=0o600)
    r = dnsbl("-H", "192.0.2.6", "-z", "zen.spamhaus.org", "--dqs-key-file", path)
    assert r.code == 3 and r.stdout.count("\n") == 1, r.stdout
    line = first_line(r.stdout)
    assert line == "DNSBL UNKNOWN - --dqs-key-file: the file holds no Spamhaus DQS key (26 letters or digits)", line
    # a secret option's value (the file name may be the key typed in the wrong place) is never printed
    assert bad not in r.stdout and path not in r.stdout and "--dqs-key:" not in line


def test_missing_dqs_key_file_is_one_line(dnsbl):
    r = dnsbl("-H", "192.0.2.6", "-z", "zen.spamhaus.org", "--dqs-key-file", "/nonexistent/dqs.key")
    assert r.code == 3 and r.stdout.count("\n") == 1, r.stdout
    assert "--dqs-key-file" in r.stdout and "/nonexistent/dqs.key" not in r.stdout


def test_single_target_timeout_summary_agrees_with_perfdata(dnsbl):
    # silent.test never answers; -t cuts the only query off
    r = dnsbl("-z", "silent.test", "-H", "192.0.2.2", "-t", "1", "--query-timeout=5", server="testns")
    perf = check_result(r, "UNKNOWN")
    line = first_line(r.stdout)
    assert perf["errors"] == 1, line
    assert "0 errors" not in r.stdout and "(1 query unanswered)" in line, line
    assert "timed out with 1 query unanswered" in line, line
    assert "timeout: 1 query not answered within 1 second (-t)" in r.stdout, r.stdout


def test_single_target_zone_error_summary_agrees_with_perfdata(dnsbl):
    r = dnsbl("-z", "silent.test", "-H", "192.0.2.2", *FAST, server="testns")
    perf = check_result(r, "UNKNOWN")
    line = first_line(r.stdout)
    assert perf["errors"] == 1 and "(1 zone error)" in line, line


def test_singular_forms(dnsbl):
    r = dnsbl("-z", "zen.test", "-H", "192.0.2.2")
    assert "192.0.2.2: listed on 1 of 1 zone\n" in r.stdout, r.stdout
    r = dnsbl("-z", "zen.test", "-z", "err.test", "-H", "192.0.2.2", "-H", "192.0.2.77")
    check_result(r, "CRITICAL")
    assert "1 zone error" in first_line(r.stdout) and "1 zone errors" not in r.stdout, r.stdout
    # five notable targets in the /28 (four listings, one error), four shown
    r = dnsbl("-z", "zen.test", "-H", "192.0.2.0/28", "--max-details=4")
    check_result(r, "CRITICAL")
    assert "\\_ [OK] 1 more target not shown (--max-details)" in r.stdout, r.stdout
    assert "zen.test: 1 target without usable answer" in r.stdout, r.stdout
    wrong = re.findall(r"(?<![=\d.])1 (?:zones|zone errors|errors|queries|targets|seconds)\b", r.stdout)
    assert not wrong, r.stdout
