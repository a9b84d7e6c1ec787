"""Self-test of snds_server.py (the fake SNDS for the check_snds tests) and of snds_data.py:
TLS with the test CA, route matching, 404, bearer check and its log, redirects, chunked and endless
bodies, silence, and the shapes of the generated feeds.
Run: /usr/bin/python3 -m pytest -p no:cacheprovider tests/servers/test_snds_server.py
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import http.client
import io
import json
import os
import shutil
import socket
import ssl
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import snds_data  # noqa: E402
import snds_server  # noqa: E402
import testcerts  # noqa: E402

KEY = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.c2VsZnRlc3Q.selftest-token_0123"


@pytest.fixture(scope="module")
def certs():
    """Test CA and server certificates."""
    d = tempfile.mkdtemp(prefix="snds-selftest-certs-")
    try:
        yield testcerts.make_test_certs(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def server(tmp_path, certs):
    """start(routes, tls=True, cert=None, key=None) -> SndsServer, stopped after the test."""
    started = []

    def start(routes, tls=True, cert=None, key=None, extra_args=()):
        if tls and cert is None:
            cert, key = certs.server_cert, certs.server_key
        srv = snds_server.start_snds_server(routes, str(tmp_path), cert=cert if tls else None,
                                            key=key, extra_args=extra_args)
        started.append(srv)
        return srv
    yield start
    for srv in started:
        srv.stop()


def conn(srv, certs, timeout=5):
    """An HTTPS connection trusting only the test CA."""
    ctx = ssl.create_default_context(cafile=certs.ca_cert)
    return http.client.HTTPSConnection(srv.host, srv.port, context=ctx, timeout=timeout)


def get(srv, certs, path, headers=None, timeout=5):
    """(status, headers, body bytes) of one GET."""
    c = conn(srv, certs, timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def test_serves_a_route_over_tls_trusted_by_the_test_ca(server, certs):
    path = "/snds/ipStatus.aspx?key=" + KEY
    srv = server({path: {"body": "1.1.1.0,1.1.1.1,Yes,x\r\n"}})
    status, headers, body = get(srv, certs, path)
    assert status == 200 and body == b"1.1.1.0,1.1.1.1,Yes,x\r\n"
    assert headers["Content-Type"].startswith("text/plain")
    assert headers["Content-Length"] == str(len(body))
    recs = srv.requests()
    assert len(recs) == 1 and recs[0]["path"] == path and recs[0]["status"] == 200
    assert recs[0]["route"] == path and recs[0]["authorization"] == "absent"


def test_default_tls_context_rejects_the_test_certificate(server):
    srv = server({"/x": "x"})
    ctx = ssl.create_default_context()
    c = http.client.HTTPSConnection(srv.host, srv.port, context=ctx, timeout=5)
    with pytest.raises(ssl.SSLCertVerificationError):
        c.request("GET", "/x")
    c.close()
    time.sleep(0.2)
    assert any(r["event"] == "tls_error" for r in srv.records())


def test_self_signed_certificate_fails_with_the_ca_and_works_unverified(server, certs):
    srv = server({"/x": "hello"}, cert=certs.selfsigned_cert, key=certs.selfsigned_key)
    with pytest.raises(ssl.SSLCertVerificationError):
        get(srv, certs, "/x")
    ctx = ssl._create_unverified_context()
    c = http.client.HTTPSConnection(srv.host, srv.port, context=ctx, timeout=5)
    c.request("GET", "/x")
    assert c.getresponse().read() == b"hello"
    c.close()


def test_unknown_path_is_an_iis_like_404(server, certs):
    srv = server({"/snds/data.aspx?key=%s&date=112726" % KEY: "row"})
    status, headers, body = get(srv, certs, "/snds/data.aspx?key=%s&date=112626" % KEY)
    assert status == 404 and b"404 - File or directory not found" in body
    assert headers["Content-Type"] == "text/html"
    assert srv.requests()[0]["route"] is None


def test_query_parameters_match_in_any_order(server, certs):
    srv = server({"/snds/data.aspx?key=%s&date=112726" % KEY: "row"})
    status, _, body = get(srv, certs, "/snds/data.aspx?date=112726&key=%s" % KEY)
    assert status == 200 and body == b"row"


def test_bearer_token_is_checked_and_never_logged(server, certs):
    path = "/ip-domain-management-snds/api/report/status/ip"
    srv = server({path: {"bearer": TOKEN, "body_json": []}})
    status, headers, _ = get(srv, certs, path)
    assert status == 401 and "Bearer" in headers["WWW-Authenticate"]
    status, _, _ = get(srv, certs, path, {"Authorization": "Bearer wrong"})
    assert status == 401
    status, headers, body = get(srv, certs, path, {"Authorization": "Bearer " + TOKEN})
    assert status == 200 and json.loads(body) == []
    assert headers["Content-Type"].startswith("application/json")
    recs = srv.requests()
    assert [(r["authorization"], r["token_ok"], r["status"]) for r in recs] == [
        ("absent", False, 401), ("bearer", False, 401), ("bearer", True, 200)]
    with open(srv.log_path) as f:
        log = f.read()
    assert TOKEN not in log and "wrong" not in log
    assert all("Authorization" not in r["headers"] for r in recs)


def test_redirect_chain_and_loop(server, certs):
    srv = server({"/a": {"redirect": "/b", "status": 301}, "/b": {"redirect": "/c"},
                  "/c": "final", "/loop1": {"redirect": "/loop2"}, "/loop2": {"redirect": "/loop1"}})
    status, headers, _ = get(srv, certs, "/a")
    assert status == 301 and headers["Location"] == "/b"
    status, headers, _ = get(srv, certs, "/b")
    assert status == 302 and headers["Location"] == "/c"
    assert get(srv, certs, "/loop2")[1]["Location"] == "/loop1"


def test_body_file_and_chunked_body(server, certs, tmp_path):
    body = snds_data.legacy_data_csv([snds_data.row("192.0.2.%d" % i) for i in range(1, 200)])
    (tmp_path / "feed.csv").write_text(body)
    srv = server({"/f": {"body_file": str(tmp_path / "feed.csv")},
                  "/c": {"body": body, "chunked": True}})
    assert get(srv, certs, "/f")[2] == body.encode()
    status, headers, got = get(srv, certs, "/c")
    assert headers.get("Transfer-Encoding") == "chunked" and got == body.encode()


def test_endless_body_keeps_coming_until_the_client_leaves(server, certs):
    srv = server({"/e": {"endless": True}})
    c = conn(srv, certs)
    c.request("GET", "/e")
    r = c.getresponse()
    assert r.getheader("Transfer-Encoding") == "chunked"
    got = 0
    while got < 2 << 20:
        got += len(r.read(65536))
    c.close()
    assert got >= 2 << 20


def test_silence_never_answers_and_close_hangs_up(server, certs):
    srv = server({"/s": {"silence": True}, "/c": {"close": True}})
    start = time.monotonic()
    with pytest.raises((socket.timeout, TimeoutError)):
        get(srv, certs, "/s", timeout=1)
    assert time.monotonic() - start < 3
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        get(srv, certs, "/c")


def test_delay_waits_before_answering(server, certs):
    srv = server({"/d": {"delay": 0.6, "body": "late"}})
    start = time.monotonic()
    assert get(srv, certs, "/d")[2] == b"late"
    assert time.monotonic() - start >= 0.6


def test_a_stalled_handshake_does_not_block_other_clients(server, certs):
    srv = server({"/x": "ok"})
    with socket.create_connection((srv.host, srv.port)):
        assert get(srv, certs, "/x")[2] == b"ok"


def test_plain_http_without_cert(server):
    srv = server({"/x": {"status": 500, "body": "oops"}}, tls=False)
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=5)
    c.request("GET", "/x")
    r = c.getresponse()
    assert r.status == 500 and r.read() == b"oops"
    c.close()
    assert srv.url("/snds/").startswith("http://127.0.0.1:")


def test_bad_routes_file_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="unknown keys"):
        snds_server.start_snds_server({"/x": {"bdy": "typo"}}, str(tmp_path))


# --------------------------------------------------------------------------
# generated feeds
# --------------------------------------------------------------------------

def test_legacy_data_rows_have_14_fields_and_crlf():
    text = snds_data.legacy_data_csv([snds_data.row("192.0.2.1", trap_hits=3),
                                      snds_data.row("192.0.2.2")])
    lines = text.split("\r\n")
    assert lines[-1] == "" and len(lines) == 3
    assert all(len(line.split(",")) == 14 for line in lines[:2])
    assert lines[1].split(",")[10] == ""          # trap hits not reported
    assert len(snds_data.SNDSLIB_SAMPLE_ROW.split(",")) == 14


def test_header_csv_and_json_shapes():
    rows = [snds_data.row("192.0.2.10", complaint="< 0.1%")]
    rec = list(csv.reader(io.StringIO(snds_data.header_data_csv(rows))))
    assert rec[0] == snds_data.HEADER_COLUMNS and len(rec[1]) == 11 and rec[1][6] == "<0.1%"
    doc = json.loads(snds_data.json_data(rows))
    assert doc[0]["ipAddress"] == "192.0.2.10" and "trapHits" not in doc[0]
    st = json.loads(snds_data.json_status([snds_data.status("192.0.2.10", "192.0.2.20")]))
    assert st[0]["blocked"] == "true" and st[0]["endingIpAddress"] == "192.0.2.20"


def test_big_feed_totals_match_the_rows():
    rows, totals = snds_data.big_rows(2000)
    assert len({r.ip for r in rows}) == 2000 == totals["ips"]
    assert totals["red"] == 2 and totals["yellow"] == 18 and totals["green"] == 1980
    assert totals["rcpt"] == sum(r.rcpt for r in rows)
    assert totals["trap_hits"] == sum(r.trap_hits or 0 for r in rows)
    text, _ = snds_data.big_data_json(2000)
    assert len(json.loads(text)) == 2000
