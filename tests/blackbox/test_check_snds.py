"""Black-box tests of check_snds against a scripted HTTPS server on loopback.

The server is tests/servers/snds_server.py (one per test, routes given by the test, TLS with the
test CA of tests/servers/testcerts.py); the feed bodies come from tests/servers/snds_data.py in the
shapes of snds-facts.md.  Every run passes --base-url pointing at loopback (or at a closed loopback
port), so no run can reach Microsoft.  The server's JSON log tells what the plugin asked for and
whether the bearer token matched (the token itself is never logged).

The key and the tokens are secrets: every run asserts that none of them (nor a distinctive part)
shows in stdout or stderr.

The binary is $CHECK_SNDS, or $BUILDDIR/plugins/check_snds (conftest.binary_path).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import json
import os
import re
import shutil
import socket
import sys
import tempfile

import pytest

from conftest import (REPO_ROOT, STATES, check_bad_input, first_line, parse_perfdata,
                      require_binary, run_binary)

SERVERS_DIR = os.path.join(REPO_ROOT, "tests", "servers")
if SERVERS_DIR not in sys.path:
    sys.path.insert(0, SERVERS_DIR)
import snds_data as D  # noqa: E402
import snds_server  # noqa: E402
import testcerts  # noqa: E402

PERF_LABELS = ["ips", "blocked", "green", "yellow", "red", "complaint_rate", "trap_hits", "rcpt",
               "data", "recipients", "time"]
COUNT_LABELS = ["ips", "blocked", "green", "yellow", "red"]
SLACK = 0.5   # seconds a run may exceed -t

# Secrets: GUID-like key as copied from the SNDS portal, JWT-like bearer tokens.
KEY = "c0ffee42-1d2e-4f3a-8b5c-6d7e8f9a0b1c"
OTHER_KEY = "deadbeef-0000-4111-8222-933344445555"     # a key the server does not know
TOKEN = ("eyJ0eXAiOiJKV1QiLCJub25jZSI6InNuZHMtdGVzdCJ9.eyJhdWQiOiJzbmRzLXRlc3QiLCJzdWIiOiJ0In0."
         "c2lnbmF0dXJl-SNDS_tok3n")
WRONG_TOKEN = "eyJhbGciOiJub25lIn0.ZXhwaXJlZC10b2tlbg.expired-9876543210_zz"


def _fragments():
    """Every secret plus its distinctive parts (a printed part of a secret is a leak too)."""
    out = [KEY, OTHER_KEY, TOKEN, WRONG_TOKEN]
    for k in (KEY, OTHER_KEY):
        out += [p for p in k.split("-") if len(p) >= 8]
    for t in (TOKEN, WRONG_TOKEN):
        out += [p for p in t.split(".") if len(p) >= 10]
        out += [t[:16], t[-16:]]
    return sorted(set(out))


SECRETS = _fragments()

DATE = "2026-11-27"
DAY0 = datetime.date(2026, 11, 27)

LEGACY_PREFIX = "/snds/"
REST_PREFIX = "/ip-domain-management-snds/"

GREEN3 = [D.row("192.0.2.10", rcpt=1000), D.row("192.0.2.11", rcpt=500),
          D.row("192.0.2.12", rcpt=200)]
GREEN3_TOTALS = {"ips": 3, "blocked": 0, "green": 3, "yellow": 0, "red": 0,
                 "rcpt": 1700, "data": 1694, "recipients": 1691}

# --------------------------------------------------------------------------
# paths and routes
# --------------------------------------------------------------------------

def day(back):
    """The date `back` days before DATE."""
    return DAY0 - datetime.timedelta(days=back)


def legacy_status_path(key=KEY):
    """The legacy IP status request."""
    return LEGACY_PREFIX + "ipStatus.aspx?key=" + key


def legacy_data_path(back=0, key=KEY, when=None):
    """The legacy data request for the day `back` days before DATE (or date `when`)."""
    when = when or day(back)
    return LEGACY_PREFIX + "data.aspx?key=%s&date=%s" % (key, when.strftime("%m%d%y"))


def rest_status_path():
    """The REST IP status request."""
    return REST_PREFIX + "api/report/status/ip"


def rest_data_path(back=0, when=None):
    """The REST data request for the day `back` days before DATE (or date `when`)."""
    return REST_PREFIX + "api/report/data/" + (when or day(back)).isoformat()


def resp(body, ctype=None, **kw):
    """A route response: a body text (or a dict, returned as is) with an optional content type."""
    if isinstance(body, dict):
        return body
    out = {"body": body}
    if ctype:
        out["content_type"] = ctype
    out.update(kw)
    return out


def legacy_routes(status=None, data=None, key=KEY):
    """Routes of the legacy feeds: status body/response (None: no route, so 404) and
    data {days back: body/response}."""
    routes = {}
    if status is not None:
        routes[legacy_status_path(key)] = resp(status)
    for back, body in (data or {}).items():
        routes[legacy_data_path(back, key)] = resp(body)
    return routes


def _rest_resp(body, token):
    """A REST response requiring the bearer token; JSON or CSV content type from the body."""
    r = dict(body) if isinstance(body, dict) else {"body": body}
    if "content_type" not in r and "body" in r:
        text = r["body"].lstrip()
        r["content_type"] = ("application/json; charset=utf-8" if text[:1] in ("[", "{")
                             else "text/csv; charset=utf-8")
    if token is not None:
        r.setdefault("bearer", token)
    return r


def rest_routes(status=None, data=None, token=TOKEN):
    """Routes of the REST feeds, every one requiring "Authorization: Bearer token"."""
    routes = {}
    if status is not None:
        routes[rest_status_path()] = _rest_resp(status, token)
    for back, body in (data or {}).items():
        routes[rest_data_path(back)] = _rest_resp(body, token)
    return routes


# --------------------------------------------------------------------------
# running the plugin
# --------------------------------------------------------------------------

# Taken out of the caller's environment (any case): no SNDS_KEY, proxy or CA bundle.
UNSET_ENV = ("SNDS_KEY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "CURL_CA_BUNDLE",
             "SSL_CERT_FILE", "SSL_CERT_DIR")


def run_snds(args, env=None, timeout=60.0):
    """Run check_snds with args, without UNSET_ENV; conftest.run_binary's Result, checked for
    SECRETS (every secret and distinctive part of one)."""
    return run_binary("check_snds", args, env=env, timeout=timeout, secrets=SECRETS,
                      unset=UNSET_ENV)


def explain(r):
    """A failure message showing the run."""
    return "args %r\nexit %d after %.2fs\n--- stdout:\n%s--- stderr:\n%s" % (
        r.args, r.code, r.elapsed, r.stdout[:6000], r.stderr[:3000])


def summary(r):
    """The first line's text between 'SNDS STATE - ' and the perfdata."""
    line = first_line(r.stdout)
    text = line.split(" - ", 1)[1] if " - " in line else line
    return text.split("|", 1)[0].strip()


def check_state(r, state):
    """Assert exit code, 'SNDS STATE - ' first line and stdout-only output (-v traces included)."""
    line = first_line(r.stdout)
    assert r.code == STATES[state], "expected %s\n%s" % (state, explain(r))
    assert line.startswith("SNDS %s - " % state), explain(r)
    assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, explain(r)
    assert r.stderr == "", "everything belongs on stdout\n" + explain(r)


def check_perf(r, state):
    """Assert the fixed perfdata labels in order with their units; return {label: value}.

    Counts are numbers except when the feed that gives them was not read (--feed), or the
    run failed (UNKNOWN: values may be U, the labels stay)."""
    line = first_line(r.stdout)
    perf = parse_perfdata(line)
    assert list(perf) == PERF_LABELS, "perfdata labels/order (11 labels always): %s" % line
    assert perf["time"]["uom"] == "s" and perf["time"]["value"] != "U", line
    assert perf["time"]["value"] >= 0, line
    if perf["complaint_rate"]["value"] != "U":
        assert perf["complaint_rate"]["uom"] == "%", line
    for label in PERF_LABELS:
        if label not in ("time", "complaint_rate"):
            assert perf[label]["uom"] == "", line
            v = perf[label]["value"]
            if v != "U":
                assert v == int(v) and v >= 0, line
    # A run that failed (UNKNOWN, or the --timeout-result state after a timeout) has no counts.
    if state != "UNKNOWN" and "in time" not in line:
        may_be_u = set()
        if "--feed=status" in r.args:
            may_be_u |= {"green", "yellow", "red"}
        if "--feed=data" in r.args:
            may_be_u |= {"blocked"}
        for label in COUNT_LABELS:
            if label not in may_be_u:
                assert perf[label]["value"] != "U", line
    return {k: v["value"] for k, v in perf.items()}


def check(r, state):
    """check_state and check_perf; return {label: value}."""
    check_state(r, state)
    return check_perf(r, state)


def check_unknown(r, *patterns):
    """UNKNOWN whose first line matches one of the regular expressions (case-insensitive), with
    the perfdata labels; return {label: value}."""
    check_state(r, "UNKNOWN")
    line = first_line(r.stdout)
    assert any(re.search(p, line, re.I) for p in patterns), \
        "first line should match one of %r\n%s" % (patterns, explain(r))
    return check_perf(r, "UNKNOWN")


def ip_lines(stdout):
    """[(state, ip, text)] of the long-output IP lines, in order."""
    out = []
    for line in stdout.split("\n")[1:]:
        m = re.match(r"^\s*\\_ \[(OK|WARNING|CRITICAL|UNKNOWN)\] (\d+\.\d+\.\d+\.\d+)(?:/\d+)?"
                     r"(?:-\d+\.\d+\.\d+\.\d+)?: ?(.*)$", line)
        if m:
            out.append((m.group(1), m.group(2), m.group(3)))
    return out


def ip_line(stdout, ip):
    """(state, text) of the long-output line of exactly this IP, or None."""
    found = [(s, t) for s, i, t in ip_lines(stdout) if i == ip]
    return found[0] if found else None


def data_dates(srv, legacy=True):
    """The dates (datetime.date) of the data requests the server saw, in order."""
    out = []
    for path in srv.paths():
        if legacy:
            m = re.search(r"data\.aspx\?.*date=(\d\d)(\d\d)(\d\d)", path)
            if m:
                out.append(datetime.date(2000 + int(m.group(3)), int(m.group(1)), int(m.group(2))))
        else:
            m = re.search(r"api/report/data/(\d{4})-(\d\d)-(\d\d)", path)
            if m:
                out.append(datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    return out


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def snds_plugin():
    """The check_snds binary; fail loudly if it was not built."""
    return require_binary("check_snds")


@pytest.fixture(scope="session")
def snds_certs():
    """Test CA and server certificates (see testcerts.py)."""
    d = tempfile.mkdtemp(prefix="snds-certs-")
    try:
        yield testcerts.make_test_certs(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def start_snds(tmp_path, snds_certs, snds_plugin):
    """start(routes, cert="server") -> SndsServer; cert is server, selfsigned, wrongname or
    expired.  Every server is stopped by PID after the test."""
    started = []

    def start(routes, cert="server"):
        c = getattr(snds_certs, cert + "_cert")
        k = getattr(snds_certs, cert + "_key")
        srv = snds_server.start_snds_server(routes, str(tmp_path), cert=c, key=k)
        started.append(srv)
        return srv
    yield start
    for srv in started:
        srv.stop()


@pytest.fixture
def key_file(tmp_path):
    """The key in a 0600 file (with a trailing newline, as editors save it)."""
    path = tmp_path / "snds.key"
    path.write_text(KEY + "\n")
    os.chmod(path, 0o600)
    return str(path)


@pytest.fixture
def token_file(tmp_path):
    """The bearer token in a 0600 file."""
    path = tmp_path / "snds.token"
    path.write_text(TOKEN + "\n")
    os.chmod(path, 0o600)
    return str(path)


@pytest.fixture
def legacy(start_snds, snds_certs, key_file):
    """run(routes_or_server, *args, date=DATE, t=10, key=True, cafile=True, env=None, cert=
    "server") -> (Result, SndsServer): the legacy API with --key-file, --base-url, --cafile."""
    def run(routes, *args, date=DATE, t=10, key=True, cafile=True, env=None, cert="server",
            timeout=None):
        srv = routes if isinstance(routes, snds_server.SndsServer) else start_snds(routes, cert)
        argv = []
        if key:
            argv += ["--key-file", key_file]
        argv += ["--base-url", srv.url(LEGACY_PREFIX)]
        if cafile:
            argv += ["--cafile", snds_certs.ca_cert]
        if date:
            argv += ["--date", date]
        if t is not None:
            argv += ["-t", t]
        r = run_snds(argv + list(args), env=env, timeout=timeout or (t or 10) + 30)
        return r, srv
    return run


@pytest.fixture
def rest(start_snds, snds_certs, token_file):
    """run(routes_or_server, *args, ...) -> (Result, SndsServer): the REST API with --token-file."""
    def run(routes, *args, date=DATE, t=10, token=True, env=None, timeout=None):
        srv = routes if isinstance(routes, snds_server.SndsServer) else start_snds(routes)
        argv = []
        if token:
            argv += ["--token-file", token_file]
        argv += ["--base-url", srv.url(REST_PREFIX), "--cafile", snds_certs.ca_cert]
        if date:
            argv += ["--date", date]
        if t is not None:
            argv += ["-t", t]
        r = run_snds(argv + list(args), env=env, timeout=timeout or (t or 10) + 30)
        return r, srv
    return run


@pytest.fixture(scope="module")
def big_feeds(tmp_path_factory):
    """The 100,000-row feed as files: {"csv": (path, totals), "json": (path, totals)}."""
    d = tmp_path_factory.mktemp("snds-big")
    out = {}
    for kind, make in (("csv", D.big_data_csv), ("json", D.big_data_json)):
        text, totals = make()
        path = d / ("big." + kind)
        path.write_text(text)
        out[kind] = (str(path), totals)
    return out


def closed_port():
    """A loopback TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------
# the legacy API: basics
# --------------------------------------------------------------------------

def test_legacy_three_green_ips_are_ok(legacy):
    r, srv = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}))
    perf = check(r, "OK")
    for label, value in GREEN3_TOTALS.items():
        assert perf[label] == value, "%s: %s" % (label, first_line(r.stdout))
    assert perf["trap_hits"] == "U", "no trap hits were reported: " + first_line(r.stdout)
    assert perf["complaint_rate"] != "U" and perf["complaint_rate"] <= 0.1
    assert re.search(r"\b3 IPs OK on 2026-11-27\b", summary(r)), explain(r)
    for row in GREEN3:
        assert ip_line(r.stdout, row.ip) and ip_line(r.stdout, row.ip)[0] == "OK", explain(r)
    assert re.search(r"data feed: 2026-11-27.*\b3 rows\b", r.stdout), explain(r)
    assert "every user can read" not in r.stdout
    paths = srv.paths()
    assert sorted(set(paths)) == sorted([legacy_data_path(0), legacy_status_path()]), paths
    assert all(q["authorization"] == "absent" for q in srv.requests())


def test_sndslib_sample_row_is_yellow_with_40_trap_hits(legacy):
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.SNDSLIB_SAMPLE_ROW + "\r\n"}))
    perf = check(r, "WARNING")
    assert (perf["ips"], perf["yellow"], perf["green"], perf["red"]) == (1, 1, 0, 0)
    assert (perf["rcpt"], perf["data"], perf["recipients"]) == (47386, 47386, 47384)
    assert perf["trap_hits"] == 40 and perf["complaint_rate"] <= 0.1
    assert "1.1.1.1" in summary(r) and "YELLOW" in summary(r), explain(r)


def test_header_csv_2026_shape_on_the_legacy_path(legacy):
    rows = GREEN3[:2] + [D.row("192.0.2.13", filter="YELLOW", trap_hits=4)]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.header_data_csv(rows)}))
    perf = check(r, "WARNING")
    assert (perf["ips"], perf["green"], perf["yellow"]) == (3, 2, 1)
    assert perf["rcpt"] == 2500 and perf["trap_hits"] == 4
    assert "192.0.2.13" in summary(r)


@pytest.mark.parametrize("api", ["legacy", "rest"])
def test_headerless_rows_with_one_date_per_period(legacy, rest, api):
    """11 columns without a header (no HELO, one date per period): read by their values, never refused
    as "bad message recipients"."""
    rows = [D.row("192.0.2.10", rcpt=1000), D.row("192.0.2.11", rcpt=500, trap_hits=3),
            D.row("192.0.2.13", filter="YELLOW", complaint="0.5%", rcpt=200,
                  comments="Abuse Reported, JMR Block")]
    body = D.compact_data_csv(rows)
    assert len(body.split("\r\n")[0].split(",")) == 11 and not body.startswith("Ip")
    if api == "legacy":
        r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: body}))
    else:
        r, _ = rest({rest_status_path(): resp(D.EMPTY), rest_data_path(0): resp(body, "text/csv")})
    perf = check(r, "CRITICAL")
    assert (perf["ips"], perf["green"], perf["yellow"]) == (3, 2, 1), explain(r)
    assert perf["rcpt"] == 1700 and perf["trap_hits"] == 3, explain(r)
    assert perf["complaint_rate"] == 0.5, explain(r)
    state, text = ip_line(r.stdout, "192.0.2.13")
    assert state == "CRITICAL" and "YELLOW" in text and "complaint rate 0.5%" in text, explain(r)
    assert "comment: Abuse Reported, JMR Block" in text, explain(r)
    assert "bad message recipients" not in r.stdout


def test_headerless_one_date_rows_with_a_bad_value_name_the_column(legacy):
    rows = [D.row("192.0.2.10"), D.row("192.0.2.11", filter="PURPLE")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.compact_data_csv(rows)}))
    check_unknown(r, r"line 2: bad filter result 'PURPLE'")


def test_comma_in_free_text_fields_is_tolerated(legacy):
    """Fields 12-14 are free text without quoting: a comma there must not break the row."""
    rows = [D.row("192.0.2.10", comments="Abuse Reported, JMR Block"),
            D.row("192.0.2.11", helo="mx, backup", jmr="bounce@example.test")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}))
    perf = check(r, "OK")
    assert perf["ips"] == 2 and perf["green"] == 2


def test_long_output_puts_problem_ips_first(legacy):
    rows = [D.row("192.0.2.1"), D.row("192.0.2.2"), D.row("192.0.2.3", filter="RED"),
            D.row("192.0.2.4", filter="YELLOW"), D.row("192.0.2.5")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}))
    perf = check(r, "CRITICAL")
    assert (perf["green"], perf["yellow"], perf["red"]) == (3, 1, 1)
    assert "192.0.2.3" in summary(r) and "RED" in summary(r), explain(r)
    states = [s for s, _, _ in ip_lines(r.stdout)]
    assert len(states) == 5, explain(r)
    assert states[:2] == ["CRITICAL", "WARNING"] and states[2:] == ["OK"] * 3, explain(r)
    # IPs of the same state stay in numerical order
    assert [i for _, i, _ in ip_lines(r.stdout)][2:] == ["192.0.2.1", "192.0.2.2", "192.0.2.5"], explain(r)


# --------------------------------------------------------------------------
# TLS
# --------------------------------------------------------------------------

def test_insecure_accepts_a_self_signed_certificate(legacy):
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                  "--insecure", cafile=False, cert="selfsigned")
    perf = check(r, "OK")
    assert perf["ips"] == 3


@pytest.mark.parametrize("api", ["legacy", "rest"])
def test_plain_http_base_url_is_refused_unless_insecure(snds_plugin, key_file, token_file, tmp_path, api):
    """Over http:// the key (legacy query string) or the token (REST header) would go unencrypted."""
    if api == "legacy":
        routes = legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)})
        argv, prefix = ["--key-file", key_file], LEGACY_PREFIX
    else:
        routes = rest_routes(status=D.json_status([]), data={0: D.json_data(GREEN3)})
        argv, prefix = ["--token-file", token_file], REST_PREFIX
    srv = snds_server.start_snds_server(routes, str(tmp_path))    # no certificate: plain HTTP
    try:
        argv += ["--date", DATE, "--base-url", srv.url(prefix)]
        assert srv.url(prefix).startswith("http://")
        r = run_snds(argv)
        check_bad_input(r, "SNDS", "http://")
        assert "unencrypted" in first_line(r.stdout), explain(r)
        assert srv.requests() == [], "nothing may be sent to an http:// URL"
        r = run_snds(argv + ["--insecure"])
        assert check(r, "OK")["ips"] == 3
    finally:
        srv.stop()


def test_without_cafile_the_test_ca_is_not_trusted(legacy):
    r, srv = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                    cafile=False)
    check_unknown(r, r"certificate")
    assert srv.requests() == [], "no request may be sent over an unverified connection"


@pytest.mark.parametrize("cert", ["selfsigned", "wrongname", "expired"])
def test_bad_server_certificates_are_unknown(legacy, cert):
    r, srv = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                    cert=cert)
    check_unknown(r, r"certificate")
    assert srv.requests() == []


# --------------------------------------------------------------------------
# the status feed: blocked IPs, ranges, numeric matching
# --------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["legacy-yes", "csv-true", "json", "json-as-text"])
def test_blocked_ip_is_critical_with_the_reason(legacy, shape):
    rows = [D.status("192.0.2.10")]
    if shape == "legacy-yes":
        body = D.legacy_status_csv(rows)
    elif shape == "csv-true":
        body = D.legacy_status_csv([r._replace(blocked="True") for r in rows])
    elif shape == "json":
        body = resp(D.json_status(rows), "application/json")
    else:
        body = resp(D.json_status(rows), "text/plain")
    r, _ = legacy(legacy_routes(status=body, data={0: D.legacy_data_csv(GREEN3)}))
    perf = check(r, "CRITICAL")
    assert perf["blocked"] == 1 and perf["ips"] == 3 and perf["green"] == 3
    s = summary(r)
    assert "192.0.2.10" in s and "blocked" in s.lower(), explain(r)
    assert D.BLOCK_REASON in s, explain(r)
    assert ip_lines(r.stdout)[0][:2] == ("CRITICAL", "192.0.2.10"), explain(r)


def test_blocked_ip_absent_from_the_data_feed_still_counts(legacy):
    r, _ = legacy(legacy_routes(status=D.legacy_status_csv([D.status("203.0.113.5",
                                                                        reason=D.HARVEST_REASON)]),
                                data={0: D.legacy_data_csv(GREEN3)}))
    perf = check(r, "CRITICAL")
    assert perf["blocked"] == 1
    assert "203.0.113.5" in summary(r) and D.HARVEST_REASON in summary(r), explain(r)


CROSSING = D.legacy_status_csv([D.status("1.1.255.250", "1.2.0.5")])
CROSSING_DATA = D.legacy_data_csv([D.row("1.1.255.249"), D.row("1.2.0.1"), D.row("1.2.0.6")])


@pytest.mark.parametrize("ip,state", [
    ("1.2.0.1", "CRITICAL"), ("1.1.255.250", "CRITICAL"), ("1.1.255.255", "CRITICAL"),
    ("1.2.0.0", "CRITICAL"), ("1.2.0.5", "CRITICAL"), ("1.2.0.6", "OK"), ("1.1.255.249", "OK")])
def test_ranges_crossing_an_octet_boundary_match_numerically(legacy, ip, state):
    r, _ = legacy(legacy_routes(status=CROSSING, data={0: CROSSING_DATA}), "-H", ip)
    perf = check(r, state)
    assert perf["blocked"] == (1 if state == "CRITICAL" else 0), first_line(r.stdout)
    if state == "CRITICAL":
        assert ip in summary(r), explain(r)


SUBSTRING_STATUS = D.legacy_status_csv([D.status("1.2.3.40")])
SUBSTRING_DATA = D.legacy_data_csv([D.row("1.2.3.4", rcpt=100), D.row("1.2.3.40", filter="RED"),
                                    D.row("11.2.3.4", filter="RED"), D.row("1.2.3.45", filter="RED")])


def test_ip_is_not_matched_as_a_substring(legacy):
    r, _ = legacy(legacy_routes(status=SUBSTRING_STATUS, data={0: SUBSTRING_DATA}), "-H", "1.2.3.4")
    perf = check(r, "OK")
    assert (perf["ips"], perf["blocked"], perf["red"], perf["green"]) == (1, 0, 0, 1)
    assert perf["rcpt"] == 100
    assert [i for _, i, _ in ip_lines(r.stdout)] == ["1.2.3.4"], explain(r)


def test_the_longer_address_is_judged_on_its_own_rows(legacy):
    r, _ = legacy(legacy_routes(status=SUBSTRING_STATUS, data={0: SUBSTRING_DATA}),
                  "-H", "1.2.3.40")
    perf = check(r, "CRITICAL")
    assert (perf["ips"], perf["blocked"], perf["red"]) == (1, 1, 1)


def test_cidr_selects_only_addresses_inside(legacy):
    rows = [D.row("192.0.2.7", filter="RED"), D.row("192.0.2.8", rcpt=10),
            D.row("192.0.2.9", filter="YELLOW", rcpt=20), D.row("192.0.2.10", rcpt=30),
            D.row("192.0.2.11", rcpt=40), D.row("192.0.2.12", filter="RED")]
    status = D.legacy_status_csv([D.status("192.0.2.12"), D.status("192.0.2.0", "192.0.2.7")])
    r, _ = legacy(legacy_routes(status=status, data={0: D.legacy_data_csv(rows)}),
                  "-H", "192.0.2.8/30")
    perf = check(r, "WARNING")
    assert (perf["ips"], perf["blocked"], perf["green"], perf["yellow"], perf["red"]) == \
        (4, 0, 3, 1, 0), first_line(r.stdout)
    assert perf["rcpt"] == 100
    assert "192.0.2.9" in summary(r)
    assert sorted(i for _, i, _ in ip_lines(r.stdout)) == \
        ["192.0.2.10", "192.0.2.11", "192.0.2.8", "192.0.2.9"], explain(r)


def test_several_h_options_add_up(legacy):
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3 + [
        D.row("192.0.2.20", filter="RED")])}), "-H", "192.0.2.11", "--ip=192.0.2.12")
    perf = check(r, "OK")
    assert (perf["ips"], perf["green"], perf["red"], perf["rcpt"]) == (2, 2, 0, 700)


@pytest.mark.parametrize("first,last,args,blocked", [
    ("192.0.2.0", "192.0.2.255", ["-H", "192.0.2.0/30"], 4),
    ("192.0.2.2", "192.0.2.255", ["-H", "192.0.2.0/30"], 2),
    ("192.0.2.0", "192.0.2.255", ["-H", "192.0.2.0/30", "-H", "192.0.2.0/31", "-H", "192.0.2.0/30"], 4),
    ("192.0.2.0", "192.0.2.255", ["-H", "192.0.2.0/30", "-H", "198.51.100.0/24", "-H", "2001:db8::/64"], 4),
    ("198.51.100.0", "198.51.100.255", [], 256),
], ids=["inside-a-30", "partly-inside", "nested-and-repeated-filters", "other-filters-elsewhere",
        "no-filter-whole-range"])
def test_blocked_perfdata_counts_only_addresses_the_filters_select(legacy, first, last, args, blocked):
    r, _ = legacy(legacy_routes(status=D.legacy_status_csv([D.status(first, last)]),
                                data={0: D.legacy_data_csv(GREEN3)}), *args)
    perf = check(r, "CRITICAL")
    assert perf["blocked"] == blocked, first_line(r.stdout)


@pytest.mark.parametrize("body", [D.EMPTY, "\r\n", "\n\n"])
def test_empty_status_feed_means_nothing_is_blocked(legacy, body):
    r, _ = legacy(legacy_routes(status=body, data={0: D.legacy_data_csv(GREEN3)}))
    perf = check(r, "OK")
    assert perf["blocked"] == 0 and perf["ips"] == 3


def test_blocked_state_option(legacy):
    r, _ = legacy(legacy_routes(status=D.legacy_status_csv([D.status("192.0.2.10")]),
                                data={0: D.legacy_data_csv(GREEN3)}), "--blocked-state=warning")
    perf = check(r, "WARNING")
    assert perf["blocked"] == 1 and "192.0.2.10" in summary(r)


def test_worst_ip_is_named_when_a_red_ip_beats_a_blocked_warning(legacy):
    rows = GREEN3 + [D.row("192.0.2.30", filter="RED")]
    r, _ = legacy(legacy_routes(status=D.legacy_status_csv([D.status("192.0.2.10")]),
                                data={0: D.legacy_data_csv(rows)}), "--blocked-state=warning")
    check(r, "CRITICAL")
    assert "192.0.2.30" in summary(r), explain(r)


# --------------------------------------------------------------------------
# the data feed: filter result, complaint rate, trap hits
# --------------------------------------------------------------------------

@pytest.mark.parametrize("colour,args,state", [
    ("GREEN", [], "OK"),
    ("YELLOW", [], "WARNING"),
    ("RED", [], "CRITICAL"),
    ("YELLOW", ["--yellow-state=ok"], "OK"),
    ("YELLOW", ["--yellow-state=critical"], "CRITICAL"),
    ("RED", ["--red-state=warning"], "WARNING"),
    ("RED", ["--red-state=ok"], "OK"),
    ("GREEN", ["--red-state=ok", "--yellow-state=critical"], "OK"),
])
def test_filter_result_maps_to_states(legacy, colour, args, state):
    rows = [D.row("192.0.2.20", filter=colour), D.row("192.0.2.21")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}), *args)
    perf = check(r, state)
    assert perf[colour.lower()] == (2 if colour == "GREEN" else 1), first_line(r.stdout)
    if state != "OK":
        assert "192.0.2.20" in summary(r) and colour in summary(r), explain(r)


@pytest.mark.parametrize("rate,args,state", [
    ("< 0.1%", [], "OK"),
    ("0.1%", [], "OK"),
    ("0.2%", [], "WARNING"),
    ("0.3%", [], "WARNING"),
    ("0.31%", [], "CRITICAL"),
    ("0.5%", [], "CRITICAL"),
    ("150%", [], "CRITICAL"),
    ("0.5%", ["--complaint-warning=1", "--complaint-critical=2"], "OK"),
    ("1.5%", ["--complaint-warning=1", "--complaint-critical=2"], "WARNING"),
    ("2.5%", ["--complaint-warning=1", "--complaint-critical=2"], "CRITICAL"),
    ("0.05%", ["--complaint-warning=0.01", "--complaint-critical=1"], "WARNING"),
])
def test_complaint_rate_thresholds(legacy, rate, args, state):
    rows = [D.row("192.0.2.30", complaint=rate), D.row("192.0.2.31", complaint="< 0.1%")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}), *args)
    perf = check(r, state)
    if rate.startswith("<"):
        assert perf["complaint_rate"] <= 0.1, first_line(r.stdout)
    else:
        # the other row says "< 0.1%": at most 0.1, so the maximum lies between these
        value = float(rate.rstrip("%"))
        assert value - 1e-9 <= perf["complaint_rate"] <= max(value, 0.1) + 1e-9, first_line(r.stdout)
    if state != "OK":
        s = summary(r)
        assert "192.0.2.30" in s and "complaint rate" in s.lower(), explain(r)
        assert rate.rstrip("%") in s, explain(r)


def test_complaint_summary_names_rate_and_limit(legacy):
    rows = [D.row("192.0.2.12", complaint="0.5%")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}))
    check(r, "CRITICAL")
    # spec example: "192.0.2.12 complaint rate 0.5% > 0.3%": the rate and the limit it broke
    assert re.search(r"192\.0\.2\.12\b.*complaint rate 0\.5 ?%.*\b0\.3\b", summary(r)), explain(r)


def test_complaint_rate_perfdata_is_the_maximum(legacy):
    rows = [D.row("192.0.2.30", complaint="0.2%"), D.row("192.0.2.31", complaint="0.25%"),
            D.row("192.0.2.32", complaint="< 0.1%")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}))
    perf = check(r, "WARNING")
    assert perf["complaint_rate"] == pytest.approx(0.25)


def test_2026_rate_spelling_without_space_is_a_floor(legacy):
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.header_data_csv(GREEN3)}))
    perf = check(r, "OK")
    assert perf["complaint_rate"] <= 0.1


def test_no_complaint_rate_reported_is_u(rest):
    rows = [D.row("192.0.2.30", complaint=None), D.row("192.0.2.31", complaint=None)]
    r, _ = rest(rest_routes(status=D.json_status([]), data={0: D.json_data(rows)}))
    perf = check(r, "OK")
    assert perf["complaint_rate"] == "U", first_line(r.stdout)


@pytest.mark.parametrize("hits,args,state", [
    (40, [], "OK"),
    (40, ["--trap-warning=5", "--trap-critical=20"], "CRITICAL"),
    (10, ["--trap-warning=5", "--trap-critical=20"], "WARNING"),
    (3, ["--trap-warning=5", "--trap-critical=20"], "OK"),
    (0, ["--trap-critical=0"], "OK"),
    (1, ["--trap-critical=0"], "CRITICAL"),
])
def test_trap_hit_thresholds(legacy, hits, args, state):
    rows = [D.row("192.0.2.40", trap_hits=hits), D.row("192.0.2.41")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}), *args)
    perf = check(r, state)
    assert perf["trap_hits"] == hits, first_line(r.stdout)
    if state != "OK":
        assert "192.0.2.40" in summary(r), explain(r)


def test_trap_hits_not_reported_are_u_never_zero(legacy):
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                  "--trap-critical=0", "--trap-warning=0")
    perf = check(r, "OK")     # missing trap fields are not hits
    assert perf["trap_hits"] == "U", first_line(r.stdout)
    assert not re.search(r"trap_hits=0\b", r.stdout)


def test_trap_hits_sum_only_reported_rows(legacy):
    rows = [D.row("192.0.2.40", trap_hits=40), D.row("192.0.2.41"), D.row("192.0.2.42", trap_hits=2)]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}))
    perf = check(r, "OK")
    assert perf["trap_hits"] == 42


def test_trap_hits_missing_from_json_and_header_csv_are_u(rest):
    r, _ = rest(rest_routes(status=D.json_status([]), data={0: D.json_data(GREEN3)}))
    assert check(r, "OK")["trap_hits"] == "U", first_line(r.stdout)
    r, _ = rest(rest_routes(status=D.json_status([]), data={0: D.header_data_csv(GREEN3)}))
    assert check(r, "OK")["trap_hits"] == "U", first_line(r.stdout)


# --------------------------------------------------------------------------
# -H and missing IPs
# --------------------------------------------------------------------------

def test_h_filters_the_data_and_the_sums(legacy):
    rows = GREEN3 + [D.row("192.0.2.20", filter="RED", complaint="0.9%", trap_hits=7)]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}),
                  "-H", "192.0.2.11")
    perf = check(r, "OK")
    assert (perf["ips"], perf["green"], perf["red"]) == (1, 1, 0)
    assert (perf["rcpt"], perf["data"], perf["recipients"]) == (500, 498, 497)
    assert perf["trap_hits"] == "U" and perf["complaint_rate"] <= 0.1
    assert "192.0.2.20" not in r.stdout


@pytest.mark.parametrize("args,state", [([], "OK"), (["--missing-state=warning"], "WARNING"),
                                        (["--missing-state=critical"], "CRITICAL")])
def test_missing_state_for_an_ip_absent_from_the_data(legacy, args, state):
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                  "-H", "192.0.2.10", "-H", "192.0.2.99", *args)
    check(r, state)
    line = ip_line(r.stdout, "192.0.2.99")
    assert line is not None and line[0] == state, explain(r)
    if state != "OK":
        assert "192.0.2.99" in summary(r), explain(r)


def test_missing_ip_that_is_blocked_is_still_blocked(legacy):
    r, _ = legacy(legacy_routes(status=D.legacy_status_csv([D.status("192.0.2.99")]),
                                data={0: D.legacy_data_csv(GREEN3)}), "-H", "192.0.2.99")
    perf = check(r, "CRITICAL")
    assert perf["blocked"] == 1


def test_missing_ip_blocked_without_a_reason_says_so(legacy):
    r, _ = legacy(legacy_routes(status=D.legacy_status_csv([D.status("192.0.2.99", reason="")]),
                                data={0: D.legacy_data_csv(GREEN3)}), "-H", "192.0.2.99")
    check(r, "CRITICAL")
    line = ip_line(r.stdout, "192.0.2.99")
    assert line is not None and line[1].endswith("blocked by Outlook.com: no reason given"), explain(r)
    assert summary(r).endswith("blocked by Outlook.com: no reason given"), explain(r)


# --------------------------------------------------------------------------
# dates and lookback
# --------------------------------------------------------------------------

@pytest.mark.parametrize("gap", ["404", "empty"])
def test_lookback_finds_data_two_days_before_the_date(legacy, gap):
    data = {2: D.legacy_data_csv(GREEN3)}
    if gap == "empty":
        data.update({0: D.EMPTY, 1: D.EMPTY})
    r, srv = legacy(legacy_routes(status=D.EMPTY, data=data))
    perf = check(r, "OK")
    assert perf["ips"] == 3
    assert "2026-11-25" in summary(r), explain(r)
    assert re.search(r"data feed: 2026-11-25", r.stdout), explain(r)
    dates = data_dates(srv)
    assert dates[0] == day(0), "the walk starts at --date: %r" % dates
    assert set(dates) == {day(0), day(1), day(2)}, "stops at the first day with data: %r" % dates


@pytest.mark.parametrize("gap", ["404", "empty"])
def test_nothing_within_lookback_is_unknown(legacy, gap):
    data = {2: D.legacy_data_csv(GREEN3)}
    if gap == "empty":
        data.update({0: D.EMPTY, 1: D.EMPTY})
    r, srv = legacy(legacy_routes(status=D.EMPTY, data=data), "--lookback=1")
    if gap == "empty":
        check_unknown(r, r"no data in the last 1 day")
    else:
        check_unknown(r, r"expired|unknown link")
    dates = data_dates(srv)
    assert dates and day(2) not in dates and min(dates) >= day(1), dates


def test_lookback_never_goes_further_than_asked(legacy):
    r, srv = legacy(legacy_routes(status=D.EMPTY, data={0: D.EMPTY, 1: D.EMPTY, 2: D.EMPTY,
                                                         3: D.EMPTY, 4: D.EMPTY, 5: D.EMPTY}))
    check_unknown(r, r"no data in the last 3 days")
    dates = data_dates(srv)
    assert dates[0] == day(0) and day(1) in dates and day(2) in dates, dates
    assert min(dates) >= day(3) and max(dates) == day(0), dates


def test_404_on_every_day_names_both_causes(legacy):
    r, srv = legacy(legacy_routes(status=D.EMPTY), "--lookback=2")
    check_unknown(r, r"(expired|unknown).*no data|no data.*(expired|unknown)")
    dates = data_dates(srv)
    assert day(0) in dates and day(1) in dates, "walks back through --lookback: %r" % dates


def test_default_date_is_yesterday_utc(start_snds, snds_certs, key_file):
    today = datetime.datetime.now(datetime.timezone.utc).date()
    yesterday = today - datetime.timedelta(days=1)
    routes = {legacy_status_path(): resp(D.EMPTY)}
    for back in range(0, 4):
        routes[legacy_data_path(when=yesterday - datetime.timedelta(days=back))] = \
            resp(D.legacy_data_csv(GREEN3))
    srv = start_snds(routes)
    r = run_snds(["--key-file", key_file, "--base-url", srv.url(LEGACY_PREFIX),
                  "--cafile", snds_certs.ca_cert])
    check(r, "OK")
    dates = data_dates(srv)
    assert dates and dates[0] in (yesterday, today), dates
    assert dates[0].isoformat() in summary(r), explain(r)


# --------------------------------------------------------------------------
# HTTP errors and non-feeds
# --------------------------------------------------------------------------

IIS_500 = ("<!DOCTYPE html><html><head><title>Runtime Error</title></head><body>"
           "<h1>Server Error in '/' Application.</h1></body></html>")
HTTP_ERRORS = [(400, r"malformed key"), (401, r"rejected"), (403, r"rejected"),
               (500, r"\b500\b"), (503, r"\b503\b")]


@pytest.mark.parametrize("status,pattern", HTTP_ERRORS)
@pytest.mark.parametrize("feed", ["status", "data"])
def test_http_errors_are_unknown_with_the_likely_cause(legacy, feed, status, pattern):
    error = {"status": status, "body": IIS_500 if status >= 500 else "Bad request",
             "content_type": "text/html" if status >= 500 else "text/plain"}
    if feed == "status":
        routes = legacy_routes(status=error, data={0: D.legacy_data_csv(GREEN3)})
    else:
        routes = legacy_routes(status=D.EMPTY, data={b: error for b in range(4)})
    r, _ = legacy(routes)
    check_unknown(r, pattern)
    assert not re.search(r"HTML page", first_line(r.stdout)), "an error status is not a moved link"


def test_status_feed_404_is_unknown(legacy):
    r, _ = legacy(legacy_routes(data={0: D.legacy_data_csv(GREEN3)}))
    check_unknown(r, r"\b404\b|expired|unknown link")


HTML_CASES = [
    ("object-moved", D.OBJECT_MOVED_HTML, "text/html", r"HTML page"),
    ("object-moved-as-text", D.OBJECT_MOVED_HTML, "text/plain", r"HTML page"),
    ("sign-in", D.SIGNIN_HTML, "text/html; charset=utf-8", r"sign-in"),
    ("live-sign-in", D.SIGNIN_LIVE_HTML, "text/html", r"sign-in"),
]


@pytest.mark.parametrize("name,page,ctype,pattern", HTML_CASES, ids=[c[0] for c in HTML_CASES])
@pytest.mark.parametrize("feed", ["status", "data"])
def test_html_page_with_200_is_never_ok(legacy, feed, name, page, ctype, pattern):
    html = resp(page, ctype)
    if feed == "status":
        routes = legacy_routes(status=html, data={0: D.legacy_data_csv(GREEN3)})
    else:
        routes = legacy_routes(status=D.EMPTY, data={b: html for b in range(4)})
    r, _ = legacy(routes)
    check_unknown(r, pattern)


def test_redirect_to_a_sign_in_page_is_unknown(rest):
    login = "/consumers/oauth2/v2.0/authorize?client_id=a53a6cc1&response_type=code"
    routes = rest_routes(status=D.json_status([]))
    for b in range(4):
        routes[rest_data_path(b)] = {"redirect": login, "bearer": TOKEN}
    routes[login] = resp(D.SIGNIN_HTML, "text/html; charset=utf-8")
    r, srv = rest(routes)
    check_unknown(r, r"sign-in")
    assert login in srv.paths(), srv.paths()


@pytest.mark.parametrize("feed", ["status", "data"])
def test_body_over_max_size_is_unknown(legacy, feed):
    big = D.legacy_data_csv([D.row("192.0.2.%d" % i) for i in range(1, 60)])
    status_body = D.legacy_status_csv([D.status("198.51.100.%d" % i) for i in range(1, 60)])
    assert len(big) > 4096 and len(status_body) > 4096
    if feed == "status":
        routes = legacy_routes(status=status_body, data={0: D.legacy_data_csv(GREEN3)})
    else:
        routes = legacy_routes(status=D.EMPTY, data={0: big})
    r, _ = legacy(routes, "--max-size=4096")
    check_unknown(r, r"max-size|larger|too (large|big)|size")


def test_body_of_exactly_max_size_is_accepted(legacy):
    body = D.legacy_data_csv([D.row("192.0.2.%d" % i) for i in range(1, 21)])
    assert len(body) > 1024
    routes = legacy_routes(status=D.EMPTY, data={0: body})
    r, srv = legacy(routes, "--max-size=%d" % len(body))
    assert check(r, "OK")["ips"] == 20
    r, _ = legacy(srv, "--max-size=%d" % (len(body) - 1))
    check_unknown(r, r"max-size|larger|too (large|big)|size")


@pytest.mark.parametrize("feed", ["status", "data"])
def test_endless_chunked_body_stops_at_max_size(legacy, feed):
    endless = {"endless": True}
    if feed == "status":
        endless["endless_chunk"] = "198.51.100.1,198.51.100.1,Yes,%s\r\n" % D.BLOCK_REASON
        routes = legacy_routes(status=endless, data={0: D.legacy_data_csv(GREEN3)})
    else:
        routes = legacy_routes(status=D.EMPTY, data={0: endless})
    r, _ = legacy(routes, "--max-size=200000", t=10)
    check_unknown(r, r"max-size|larger|too (large|big)|size")
    assert r.elapsed <= 10 + SLACK


# --------------------------------------------------------------------------
# malformed feeds
# --------------------------------------------------------------------------

def _line(row_, **fields):
    """A legacy data line with some of the 14 fields replaced (by 0-based index)."""
    parts = D.legacy_data_line(row_).split(",")
    for idx, value in fields.items():
        parts[int(idx[1:])] = value
    return ",".join(parts)


GOOD = D.legacy_data_line(D.row("192.0.2.10"))
MALFORMED_DATA = [
    ("bad-rcpt", [GOOD, _line(D.row("192.0.2.11"), f3="abc"), GOOD], 2),
    ("bad-ip", [GOOD, GOOD, _line(D.row("192.0.2.12"), f0="192.0.2.999")], 3),
    ("few-fields", ["192.0.2.10,11/26/2026 12:00 AM,11/27/2026 12:00 AM,5,5"], 1),
    ("unknown-colour", [GOOD, _line(D.row("192.0.2.11"), f6="PURPLE")], 2),
    ("bad-rate", [GOOD, GOOD, GOOD, _line(D.row("192.0.2.13"), f7="lots")], 4),
    ("negative-count", [GOOD, _line(D.row("192.0.2.11"), f5="-5")], 2),
]


@pytest.mark.parametrize("name,lines,lineno", MALFORMED_DATA, ids=[m[0] for m in MALFORMED_DATA])
def test_malformed_data_row_is_unknown_naming_the_line(legacy, name, lines, lineno):
    body = "\r\n".join(lines) + "\r\n"
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: body}))
    check_unknown(r, r"\bline %d\b" % lineno)


MALFORMED_STATUS = [
    ("blocked-perhaps", "1.1.1.0,1.1.1.1,Yes,x\r\n2.2.2.2,2.2.2.2,Perhaps,y\r\n", 2),
    ("reversed-range", "1.1.1.5,1.1.1.1,Yes,%s\r\n" % D.BLOCK_REASON, 1),
    ("bad-address", "1.1.1.0,1.1.1.1,Yes,x\r\n3.3.3,3.3.3.3,Yes,y\r\n", 2),
]


@pytest.mark.parametrize("name,body,lineno", MALFORMED_STATUS, ids=[m[0] for m in MALFORMED_STATUS])
def test_malformed_status_row_is_unknown_naming_the_line(legacy, name, body, lineno):
    r, _ = legacy(legacy_routes(status=body, data={0: D.legacy_data_csv(GREEN3)}))
    check_unknown(r, r"\bline %d\b" % lineno)


@pytest.mark.parametrize("body", [
    D.json_data(GREEN3)[:-40],                    # truncated JSON
    "\x00\x01\x02garbage\xff\r\n",                # binary junk
    "{\"error\": \"something\"}",                  # JSON without rows
], ids=["truncated-json", "garbage", "json-object-without-rows"])
def test_unparsable_data_body_is_unknown(legacy, body):
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={b: body for b in range(4)}))
    check(r, "UNKNOWN")
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", r.stdout), "raw control bytes in the output"


# --------------------------------------------------------------------------
# redirects and network trouble
# --------------------------------------------------------------------------

def test_redirects_within_the_bound_are_followed(legacy):
    routes = {
        legacy_status_path(): {"redirect": "/moved/snds/status", "status": 301},
        "/moved/snds/status": {"redirect": "/final/status", "status": 302},
        "/final/status": resp(D.EMPTY),
        legacy_data_path(0): {"redirect": "/final/data", "status": 302},
        "/final/data": resp(D.legacy_data_csv(GREEN3)),
    }
    r, srv = legacy(routes)
    perf = check(r, "OK")
    assert perf["ips"] == 3
    assert "/final/status" in srv.paths() and "/final/data" in srv.paths()


def test_endless_redirect_loop_is_unknown(legacy):
    routes = {legacy_status_path(): resp(D.EMPTY),
              "/loop/a": {"redirect": "/loop/b"}, "/loop/b": {"redirect": "/loop/a"}}
    for b in range(4):
        routes[legacy_data_path(b)] = {"redirect": "/loop/a"}
    r, srv = legacy(routes)
    check_unknown(r, r"redirect")
    assert len(srv.paths()) < 200, "the redirect chain must be bounded"


def test_redirect_to_object_moved_page_is_unknown(legacy):
    routes = {legacy_status_path(): resp(D.EMPTY), "/moved": resp(D.OBJECT_MOVED_HTML, "text/html")}
    for b in range(4):
        routes[legacy_data_path(b)] = {"redirect": "/moved", "status": 302}
    r, _ = legacy(routes)
    check_unknown(r, r"HTML page")


@pytest.mark.parametrize("feed", ["status", "data"])
def test_server_that_never_answers_is_unknown_within_the_timeout(legacy, feed):
    silent = {"silence": True}
    if feed == "status":
        routes = legacy_routes(status=silent, data={0: D.legacy_data_csv(GREEN3)})
    else:
        routes = legacy_routes(status=D.EMPTY, data={b: silent for b in range(4)})
    r, _ = legacy(routes, t=3)
    check_unknown(r, r"time(d)?[ -]?out")
    assert r.elapsed <= 3 + SLACK, "took %.2fs with -t 3" % r.elapsed


def test_handshake_that_never_completes_is_unknown_within_the_timeout(key_file, snds_certs):
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(16)    # accepted by the kernel, never by anyone: no TLS handshake
        port = lsock.getsockname()[1]
        r = run_snds(["--key-file", key_file, "--cafile", snds_certs.ca_cert, "--date", DATE,
                      "--base-url", "https://127.0.0.1:%d/snds/" % port, "-t", 2])
    check_unknown(r, r"time(d)?[ -]?out")
    assert r.elapsed <= 2 + SLACK, "took %.2fs with -t 2" % r.elapsed


def test_timeout_result_option_sets_the_state(legacy):
    r, _ = legacy(legacy_routes(status={"silence": True}, data={0: D.legacy_data_csv(GREEN3)}),
                  "--timeout-result=critical", t=2)
    check_state(r, "CRITICAL")
    check_perf(r, "UNKNOWN")      # a feed was cut off by the timeout: counts may be U
    assert r.elapsed <= 2 + SLACK


def test_slow_answer_within_the_timeout_is_fine(legacy):
    r, _ = legacy(legacy_routes(status=resp(D.EMPTY, delay=1.0),
                                data={0: resp(D.legacy_data_csv(GREEN3), delay=1.0)}), t=10)
    assert check(r, "OK")["ips"] == 3


def test_connection_closed_without_answer_is_unknown(legacy):
    r, _ = legacy(legacy_routes(status={"close": True}, data={0: D.legacy_data_csv(GREEN3)}))
    check(r, "UNKNOWN")


def test_connection_refused_is_unknown(key_file, snds_certs):
    r = run_snds(["--key-file", key_file, "--cafile", snds_certs.ca_cert, "--date", DATE,
                  "--base-url", "https://127.0.0.1:%d/snds/" % closed_port(), "-t", 5])
    check_unknown(r, r"connect|refused")


# --------------------------------------------------------------------------
# big feeds
# --------------------------------------------------------------------------

def _check_big(r, totals):
    """Totals of the 100,000-row feed in perfdata."""
    perf = check(r, "CRITICAL")
    for label in ("ips", "green", "yellow", "red", "rcpt", "data", "recipients", "trap_hits"):
        assert perf[label] == totals[label], "%s: %s" % (label, first_line(r.stdout))
    assert perf["blocked"] == 0
    assert perf["complaint_rate"] == pytest.approx(totals["complaint_rate"])


def test_100000_row_csv_feed(legacy, big_feeds):
    path, totals = big_feeds["csv"]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: {"body_file": path}}), t=60,
                  timeout=120)
    _check_big(r, totals)


def test_100000_row_json_feed(rest, big_feeds):
    path, totals = big_feeds["json"]
    r, _ = rest(rest_routes(status=D.json_status([]),
                            data={0: {"body_file": path, "content_type": "application/json"}}),
                t=60, timeout=120)
    _check_big(r, totals)


# --------------------------------------------------------------------------
# REST API and API selection
# --------------------------------------------------------------------------

def test_rest_json_feeds_with_bearer_token(rest):
    r, srv = rest(rest_routes(status=D.json_status([]), data={0: D.json_data(GREEN3)}))
    perf = check(r, "OK")
    for label, value in GREEN3_TOTALS.items():
        assert perf[label] == value, "%s: %s" % (label, first_line(r.stdout))
    reqs = srv.requests()
    assert sorted({q["path"] for q in reqs}) == sorted([rest_data_path(0), rest_status_path()])
    assert all(q["token_ok"] is True for q in reqs), reqs
    assert "2026-11-27" in summary(r)


def test_rest_blocked_range_from_json_status(rest):
    r, _ = rest(rest_routes(status=D.json_status([D.status("192.0.2.10", "192.0.2.20")]),
                            data={0: D.json_data(GREEN3)}), "-H", "192.0.2.11")
    perf = check(r, "CRITICAL")
    assert perf["blocked"] == 1 and D.BLOCK_REASON in summary(r)


def test_rest_header_csv_data(rest):
    rows = GREEN3 + [D.row("192.0.2.13", filter="RED", complaint="0.4%")]
    r, _ = rest(rest_routes(status=D.json_status([]), data={0: D.header_data_csv(rows)}))
    perf = check(r, "CRITICAL")
    assert (perf["ips"], perf["red"]) == (4, 1)
    assert perf["complaint_rate"] == pytest.approx(0.4)


def test_rest_lookback_over_404(rest):
    r, srv = rest(rest_routes(status=D.json_status([]), data={2: D.json_data(GREEN3)}))
    check(r, "OK")
    assert "2026-11-25" in summary(r)
    assert set(data_dates(srv, legacy=False)) == {day(0), day(1), day(2)}


def test_rest_wrong_token_is_rejected(rest, tmp_path):
    bad = tmp_path / "wrong.token"
    bad.write_text(WRONG_TOKEN + "\n")
    os.chmod(bad, 0o600)
    r, srv = rest(rest_routes(status=D.json_status([]), data={0: D.json_data(GREEN3)}),
                  "--token-file", str(bad), token=False)
    check_unknown(r, r"rejected")
    assert srv.requests() and all(q["token_ok"] is False for q in srv.requests())


def test_api_auto_uses_rest_when_a_token_is_given(start_snds, snds_certs, key_file, token_file):
    srv = start_snds(dict(rest_routes(status=D.json_status([]), data={0: D.json_data(GREEN3)}),
                          **legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)})))
    r = run_snds(["--key-file", key_file, "--token-file", token_file, "--date", DATE,
                  "--base-url", srv.url(REST_PREFIX), "--cafile", snds_certs.ca_cert])
    check(r, "OK")
    paths = srv.paths()
    assert paths and all(p.startswith(REST_PREFIX + "api/report/") for p in paths), paths
    assert all(KEY not in p for p in paths), "the key does not belong in REST requests"


def test_api_legacy_forced_with_a_token_present(start_snds, snds_certs, key_file, token_file):
    srv = start_snds(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}))
    r = run_snds(["--key-file", key_file, "--token-file", token_file, "--api=legacy",
                  "--date", DATE, "--base-url", srv.url(LEGACY_PREFIX),
                  "--cafile", snds_certs.ca_cert])
    check(r, "OK")
    assert sorted(set(srv.paths())) == sorted([legacy_data_path(0), legacy_status_path()])
    assert all(q["authorization"] == "absent" for q in srv.requests()), \
        "the bearer token must not be sent to the legacy endpoint"


def test_api_rest_without_token_is_unknown(start_snds, snds_certs, key_file):
    srv = start_snds(rest_routes(status=D.json_status([]), data={0: D.json_data(GREEN3)}))
    r = run_snds(["--key-file", key_file, "--api=rest", "--date", DATE,
                  "--base-url", srv.url(REST_PREFIX), "--cafile", snds_certs.ca_cert])
    assert r.code == 3 and first_line(r.stdout).startswith("SNDS UNKNOWN - "), explain(r)


# --------------------------------------------------------------------------
# feed selection
# --------------------------------------------------------------------------

def test_feed_status_only_reads_no_data(legacy):
    r, srv = legacy(legacy_routes(status=D.legacy_status_csv([D.status("192.0.2.10")])),
                    "--feed=status")
    perf = check(r, "CRITICAL")
    assert perf["blocked"] == 1
    assert all("ipStatus.aspx" in p for p in srv.paths()), srv.paths()


def test_feed_status_only_with_nothing_blocked_is_ok(legacy):
    r, srv = legacy(legacy_routes(status=D.EMPTY), "--feed=status", "-H", "192.0.2.10")
    perf = check(r, "OK")
    assert perf["blocked"] == 0
    assert not any("data.aspx" in p for p in srv.paths())


def test_feed_data_only_reads_no_status(legacy):
    r, srv = legacy(legacy_routes(status=D.legacy_status_csv([D.status("192.0.2.10")]),
                                  data={0: D.legacy_data_csv(GREEN3)}), "--feed=data")
    perf = check(r, "OK")
    # the status feed was not read: whether anything is blocked is unknown, not zero
    assert perf["blocked"] == "U" and perf["ips"] == 3
    assert all("data.aspx" in p for p in srv.paths()), srv.paths()


# --------------------------------------------------------------------------
# output formats
# --------------------------------------------------------------------------

def test_perfdata_labels_units_and_order(legacy):
    rows = [D.row("192.0.2.10", complaint="0.2%", trap_hits=3)]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}))
    check(r, "WARNING")
    perf = parse_perfdata(first_line(r.stdout))
    assert list(perf) == PERF_LABELS
    assert perf["complaint_rate"]["uom"] == "%" and perf["time"]["uom"] == "s"
    assert all(perf[k]["uom"] == "" for k in PERF_LABELS if k not in ("complaint_rate", "time"))
    assert "|" not in "\n".join(r.stdout.split("\n")[1:]), "perfdata only on the first line"


def test_failure_perfdata_keeps_the_thresholds(legacy):
    """A failed run has every value U but time, and the same thresholds as a run that worked."""
    r, _ = legacy(legacy_routes(status={"status": 500}, data={0: D.legacy_data_csv(GREEN3)}),
                  "--trap-warning=5", "--trap-critical=20")
    check_unknown(r, r"\b500\b")
    perf = parse_perfdata(first_line(r.stdout))
    assert all(perf[k]["value"] == "U" for k in PERF_LABELS if k != "time"), first_line(r.stdout)
    assert (perf["complaint_rate"]["warn"], perf["complaint_rate"]["crit"]) == ("0.1", "0.3"), \
        first_line(r.stdout)
    assert (perf["trap_hits"]["warn"], perf["trap_hits"]["crit"]) == ("5", "20"), first_line(r.stdout)


def test_one_line_output(legacy):
    r, _ = legacy(legacy_routes(status=D.legacy_status_csv([D.status("192.0.2.10")]),
                                data={0: D.legacy_data_csv(GREEN3)}), "--output-format=one-line")
    perf = check(r, "CRITICAL")
    assert r.stdout.strip() == first_line(r.stdout) and r.stdout.count("\n") <= 1, explain(r)
    assert perf["blocked"] == 1


def test_json_output_holds_the_result_tree(legacy):
    r, _ = legacy(legacy_routes(status=D.legacy_status_csv([D.status("192.0.2.10")]),
                                data={0: D.legacy_data_csv(GREEN3)}), "--output-format=json")
    assert r.code == 2 and r.stderr == "", explain(r)
    doc = json.loads(r.stdout)
    assert doc["prefix"] == "SNDS" and doc["state"] == "CRITICAL" and doc["exit_code"] == 2
    assert "192.0.2.10" in doc["summary"]
    assert [p["label"] for p in doc["perfdata"]] == PERF_LABELS
    perf = {p["label"]: p["value"] for p in doc["perfdata"]}
    assert perf["blocked"] == 1 and perf["ips"] == 3
    subs = [s for s in doc["subchecks"] if s["text"].startswith("192.0.2.10")]
    assert subs and subs[0]["state"] == "CRITICAL", doc["subchecks"]
    oks = [s for s in doc["subchecks"] if s["text"].startswith("192.0.2.11")]
    assert oks and oks[0]["state"] == "OK"


def test_json_output_of_a_failure(legacy):
    r, _ = legacy(legacy_routes(status={"status": 403, "body": "Forbidden"},
                                data={0: D.legacy_data_csv(GREEN3)}), "--output-format=json")
    assert r.code == 3, explain(r)
    doc = json.loads(r.stdout)
    assert doc["state"] == "UNKNOWN" and re.search(r"rejected", doc["summary"], re.I), doc
    assert [p["label"] for p in doc["perfdata"]] == PERF_LABELS


# --------------------------------------------------------------------------
# the key, the token and secrets
# --------------------------------------------------------------------------

def test_key_on_the_command_line(legacy):
    r, srv = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                    "--key=" + KEY, key=False)
    assert check(r, "OK")["ips"] == 3
    assert legacy_data_path(0) in srv.paths()


def test_key_from_the_environment(legacy):
    r, srv = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                    key=False, env={"SNDS_KEY": KEY})
    assert check(r, "OK")["ips"] == 3
    assert legacy_status_path() in srv.paths()


def test_unknown_key_is_unknown_and_not_printed(legacy):
    r, srv = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                    "--key", OTHER_KEY, key=False)
    check(r, "UNKNOWN")
    assert any(OTHER_KEY in p for p in srv.paths()), "the given key was used"


def test_key_file_readable_by_others_gets_a_warning_line(legacy, tmp_path):
    loose = tmp_path / "loose.key"
    loose.write_text(KEY + "\n")
    os.chmod(loose, 0o644)
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}),
                  "--key-file", str(loose), key=False)
    check(r, "OK")
    lines = [ln for ln in r.stdout.split("\n")[1:] if "every user can read" in ln]
    assert lines, explain(r)
    assert "[WARNING]" in lines[0] and "--key-file" in lines[0], lines[0]
    assert str(loose) not in r.stdout, "the file name of a secret option is never shown"


def test_token_file_readable_by_others_gets_a_warning_line(rest, tmp_path):
    loose = tmp_path / "loose.token"
    loose.write_text(TOKEN)
    os.chmod(loose, 0o604)
    r, _ = rest(rest_routes(status=D.json_status([]), data={0: D.json_data(GREEN3)}),
                "--token-file", str(loose), token=False)
    check(r, "OK")
    lines = [ln for ln in r.stdout.split("\n")[1:] if "every user can read" in ln]
    assert lines and "[WARNING]" in lines[0] and "--token-file" in lines[0], explain(r)
    assert str(loose) not in r.stdout, "the file name of a secret option is never shown"
    # root:nagios 0640 is the documented advice: no warning
    os.chmod(loose, 0o640)
    r, _ = rest(rest_routes(status=D.json_status([]), data={0: D.json_data(GREEN3)}),
                "--token-file", str(loose), token=False)
    check(r, "OK")
    assert "every user can read" not in r.stdout, explain(r)


def _secret_scenarios():
    """(id, kind, routes builder, extra args, expected state) for the -vvv leak test."""
    data = D.legacy_data_csv(GREEN3)
    return [
        ("legacy-ok", "legacy", lambda: legacy_routes(status=D.EMPTY, data={0: data}), [], "OK"),
        ("legacy-blocked", "legacy", lambda: legacy_routes(
            status=D.legacy_status_csv([D.status("192.0.2.10")]), data={0: data}), [], "CRITICAL"),
        ("legacy-401", "legacy", lambda: legacy_routes(status={"status": 401, "body": "no"},
                                                       data={0: data}), [], "UNKNOWN"),
        ("legacy-404-all", "legacy", lambda: legacy_routes(status=D.EMPTY), ["--lookback=1"],
         "UNKNOWN"),
        ("legacy-html", "legacy", lambda: legacy_routes(
            status=D.EMPTY, data={b: resp(D.OBJECT_MOVED_HTML, "text/html") for b in range(4)}),
         [], "UNKNOWN"),
        ("legacy-redirect-loop", "legacy", lambda: dict(
            {legacy_status_path(): {"redirect": legacy_status_path() + "&x=1"},
             legacy_status_path() + "&x=1": {"redirect": legacy_status_path()}},
            **legacy_routes(data={0: data})), [], "UNKNOWN"),
        ("legacy-malformed", "legacy", lambda: legacy_routes(
            status=D.EMPTY, data={0: "192.0.2.1,broken\r\n"}), [], "UNKNOWN"),
        ("legacy-timeout", "legacy", lambda: legacy_routes(status={"silence": True},
                                                           data={0: data}), ["-t", "2"], "UNKNOWN"),
        ("legacy-tls-failure", "legacy-nocafile", lambda: legacy_routes(status=D.EMPTY,
                                                                        data={0: data}), [], "UNKNOWN"),
        ("legacy-json-format", "legacy", lambda: legacy_routes(status={"status": 500},
                                                               data={0: data}),
         ["--output-format=json"], "UNKNOWN"),
        ("legacy-key-argv-500", "legacy-argv", lambda: legacy_routes(
            status=D.EMPTY, data={b: {"status": 500} for b in range(4)}), [], "UNKNOWN"),
        ("legacy-key-env", "legacy-env", lambda: legacy_routes(status=D.EMPTY, data={0: data}),
         [], "OK"),
        ("rest-ok", "rest", lambda: rest_routes(status=D.json_status([]),
                                                data={0: D.json_data(GREEN3)}), [], "OK"),
        ("rest-wrong-token", "rest-wrong", lambda: rest_routes(
            status=D.json_status([]), data={0: D.json_data(GREEN3)}), [], "UNKNOWN"),
        ("rest-sign-in", "rest", lambda: rest_routes(
            status=resp(D.SIGNIN_HTML, "text/html"), data={0: D.json_data(GREEN3)}), [],
         "UNKNOWN"),
    ]


SECRET_SCENARIOS = _secret_scenarios()


@pytest.mark.parametrize("name,kind,make_routes,args,state", SECRET_SCENARIOS,
                         ids=[s[0] for s in SECRET_SCENARIOS])
def test_no_secret_in_verbose_output(start_snds, snds_certs, key_file, token_file, tmp_path,
                                     name, kind, make_routes, args, state):
    srv = start_snds(make_routes())
    argv = ["-vvv", "--date", DATE]
    env = None
    if kind.startswith("legacy"):
        argv += ["--base-url", srv.url(LEGACY_PREFIX)]
        if kind == "legacy-argv":
            argv += ["--key", KEY]
        elif kind == "legacy-env":
            env = {"SNDS_KEY": KEY}
        else:
            argv += ["--key-file", key_file]
        if kind != "legacy-nocafile":
            argv += ["--cafile", snds_certs.ca_cert]
    else:
        tf = token_file
        if kind == "rest-wrong":
            tf = str(tmp_path / "wrong.token")
            with open(tf, "w") as f:
                f.write(WRONG_TOKEN + "\n")
            os.chmod(tf, 0o600)
        argv += ["--base-url", srv.url(REST_PREFIX), "--token-file", tf,
                 "--cafile", snds_certs.ca_cert]
    if "-t" not in args:
        argv += ["-t", "10"]
    r = run_snds(argv + list(args), env=env)
    if "--output-format=json" in args:
        assert r.code == STATES[state], explain(r)
        json.loads(r.stdout)
    else:
        check(r, state)
    assert srv.requests() or kind == "legacy-nocafile", "the scenario reached the server"
    # The trace shows the requests with the secret masked; without a trace this test proves nothing.
    if kind != "legacy-nocafile" and "--output-format=json" not in args:    # no request / no trace
        marker = "key=***" if kind.startswith("legacy") else "Authorization: Bearer ***"
        assert marker in r.stdout, "no masked request in the -vvv trace\n" + explain(r)


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------

BAD_ARGS = [
    ("no-key-no-token", [], ["key", "token"]),
    ("bad-date", ["--date=2026-13-45"], ["date"]),
    ("date-format", ["--date=27.11.2026"], ["date"]),
    ("negative-lookback", ["--lookback=-1"], ["lookback"]),
    ("lookback-text", ["--lookback=abc"], ["lookback"]),
    ("complaint-range", ["--complaint-warning=abc"], ["complaint"]),
    ("complaint-inverted", ["--complaint-critical=5:1"], ["complaint"]),
    ("trap-range", ["--trap-critical=x"], ["trap"]),
    ("feed", ["--feed=everything"], ["feed"]),
    ("api", ["--api=soap"], ["api"]),
    ("yellow-state", ["--yellow-state=purple"], ["yellow"]),
    ("missing-state", ["--missing-state=maybe"], ["missing"]),
    ("key-chars", ["--key=not a key!"], ["--key"]),
    ("bad-ip", ["-H", "not-an-ip"], ["not-an-ip"]),
    ("bad-cidr", ["-H", "192.0.2.0/33"], ["192.0.2.0/33"]),
    ("max-size", ["--max-size=abc"], ["max-size"]),
    ("output-format", ["--output-format=xml"], ["format", "xml"]),
    ("unknown-option", ["--bogus-option"], ["bogus"]),
]


@pytest.mark.parametrize("name,args,needles", BAD_ARGS, ids=[b[0] for b in BAD_ARGS])
def test_bad_arguments(snds_plugin, key_file, name, args, needles):
    argv = ["--base-url", "https://127.0.0.1:%d/snds/" % closed_port(), "--date", DATE]
    if name != "no-key-no-token" and not any(a.startswith(("--key-file", "--token-file", "--key="))
                                              for a in args):
        argv += ["--key-file", key_file]
    r = run_snds(argv + args)
    check_bad_input(r, "SNDS", *needles)


# --------------------------------------------------------------------------
# runtime errors are one line; messages name the option; '@' ranges; precision; singular forms
# --------------------------------------------------------------------------

RUNTIME_ERRORS = [
    ("key-file-missing", ["--key-file=/nonexistent/snds.key"], ["--key-file"]),
    ("token-file-missing", ["--token-file=/nonexistent/snds.token"],
     ["--token-file"]),
    ("key-file-is-a-directory", ["--key-file=/"], ["--key-file"]),
]


@pytest.mark.parametrize("name,args,needles", RUNTIME_ERRORS, ids=[e[0] for e in RUNTIME_ERRORS])
def test_runtime_errors_are_one_line_without_usage(snds_plugin, name, args, needles):
    """A missing or unreadable key or token file is no argument error: one UNKNOWN line (NRPE shows
    it whole), the perfdata labels, no usage."""
    r = run_snds(["--base-url", "https://127.0.0.1:%d/snds/" % closed_port(), "--date", DATE] + args)
    assert r.code == 3, explain(r)
    assert r.stdout.count("\n") == 1 and r.stdout.endswith("\n"), explain(r)
    assert "Usage" not in r.stdout and "check_snds" not in r.stdout, explain(r)
    line = first_line(r.stdout)
    assert line.startswith("SNDS UNKNOWN - "), explain(r)
    for n in needles:
        assert n in line, explain(r)
    assert list(parse_perfdata(line)) == PERF_LABELS, explain(r)


def test_bad_key_in_the_key_file_is_one_line_and_not_printed(snds_plugin, tmp_path):
    bad = tmp_path / "bad.key"
    bad.write_text("not a key but a sentence\n")
    os.chmod(bad, 0o600)
    r = run_snds(["--key-file", str(bad), "--base-url", "https://127.0.0.1:%d/snds/" % closed_port(),
                  "--date", DATE])
    assert r.code == 3 and r.stdout.count("\n") == 1, explain(r)
    assert "--key-file" in r.stdout and "sentence" not in r.stdout, explain(r)


@pytest.mark.parametrize("origin", ["argv", "extra-opts"])
def test_no_selected_ip_in_the_feeds_names_the_option_whatever_its_origin(legacy, tmp_path, origin):
    """-H from the command line or ip= from the ini file: the message names --ip/-H neutrally."""
    if origin == "argv":
        extra = ["-H", "203.0.113.0/24"]
    else:
        ini = tmp_path / "plugins.ini"
        ini.write_text("[check_snds]\nip = 203.0.113.0/24\n")
        extra = ["--extra-opts=check_snds@%s" % ini]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(GREEN3)}), *extra,
                  "--missing-state=critical")
    check(r, "OK")
    assert summary(r).startswith("none of the --ip/-H addresses or ranges is in the feeds"), explain(r)
    assert "-H found" not in r.stdout


def test_inside_range_says_it_alerts_inside(legacy):
    rows = [D.row("192.0.2.10", complaint="0.5%"), D.row("192.0.2.11", complaint="1.5%")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}),
                  "--complaint-warning=10", "--complaint-critical=@0.2:1")
    perf = check(r, "CRITICAL")
    state, text = ip_line(r.stdout, "192.0.2.10")
    assert state == "CRITICAL", explain(r)
    assert "complaint rate 0.5% (inside the alerting critical range @0.2:1)" in text, explain(r)
    assert ip_line(r.stdout, "192.0.2.11")[0] == "OK", explain(r)
    assert "complaint_rate=1.5%;10;@0.2:1 " in first_line(r.stdout), explain(r)
    assert perf["complaint_rate"] == 1.5


def test_numbers_keep_their_precision(legacy):
    rows = [D.row("192.0.2.10", complaint="0.1234567%", trap_hits=700)]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}),
                  "--complaint-warning=@0.1234567:0.1234568", "--complaint-critical=10",
                  "--trap-critical=657.8210567")
    check(r, "CRITICAL")
    text = ip_line(r.stdout, "192.0.2.10")[1]
    assert "complaint rate 0.1234567% (inside the alerting warning range @0.1234567:0.1234568)" in text, \
        explain(r)
    assert "trap hits 700 (outside the critical range 657.8210567)" in text, explain(r)
    line = first_line(r.stdout)
    assert re.search(r"complaint_rate=[0-9.]+%;@0\.1234567:0\.1234568;10 ", line), explain(r)
    assert "trap_hits=700;;657.8210567 " in line, explain(r)
    assert "657.821057" not in line.replace("657.8210567", ""), explain(r)


def test_singular_forms(legacy):
    rows = [D.row("192.0.2.10", rcpt=3, data=2, recipients=1), D.row("192.0.2.11"),
            D.row("192.0.2.12")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}), "--max-details=2",
                  "--lookback=1")
    check(r, "OK")
    assert ip_line(r.stdout, "192.0.2.10")[1].endswith(", 1 recipient"), explain(r)
    assert "\\_ [OK] 1 more IP not shown (--max-details)" in r.stdout, explain(r)
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows[:1])}))
    assert re.search(r"\b1 IP OK on 2026-11-27\b", summary(r)), explain(r)
    assert "data feed: 2026-11-27, CSV, 1 row\n" in r.stdout, explain(r)
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={}), "--lookback=1")
    check_unknown(r, r"for the day asked")
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.EMPTY}), "--lookback=1")
    check_unknown(r, r"no data in the last 1 day \(--lookback\)")


def test_complaint_rate_keeps_its_digits(legacy):
    # issue 11: a rate from the feed keeps every digit in the perfdata (0.2345678901 is not 0.234568);
    # the measured time= keeps at most 6 decimals
    rows = [D.row("192.0.2.30", complaint="0.2345678901%"), D.row("192.0.2.31", complaint="< 0.1%")]
    r, _ = legacy(legacy_routes(status=D.EMPTY, data={0: D.legacy_data_csv(rows)}))
    check(r, "WARNING")
    assert re.search(r"(^|\s)'?complaint_rate'?=0\.2345678901%;", r.stdout), explain(r)
    assert re.search(r"(^|\s)'?time'?=\d+(\.\d{1,6})?s(;|\s|$)", r.stdout), explain(r)
