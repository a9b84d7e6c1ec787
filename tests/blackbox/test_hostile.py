"""Hostile servers and files: each case ends within its bound, with bounded peak memory and a clear line.

Servers: tests/servers/hostile_dns.py (huge, malformed, flooding and self-pointing DNS replies); the
hostile SMTP scripts (test_check_ms_smtp.py::test_hostile_server), the endless chunked SNDS feed
(test_check_snds.py::test_endless_chunked_body_stops_at_max_size) and the 100,000-message Maildir
(test_check_jmrp.py) are tested where they were; here: DNS, files that are FIFOs or devices, and
an IMAP server that announces a 4 GiB literal.  The bounds are in tests/torture/README.md.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import resource
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import threading
import time

import pytest

from conftest import (DQS_KEY, REPO_ROOT, STATES, first_line, free_port, require_binary,
                      run_binary)

SLACK = 1.0          # seconds a run may take past -t (process start, output)
RSS_MB = 150         # peak RSS bound of one run (ASan: RSS_MB_ASAN)
RSS_MB_ASAN = 600
HOSTILE_DNS = os.path.join(REPO_ROOT, "tests", "servers", "hostile_dns.py")

_RUSAGE = r"""
import resource, subprocess, sys
p = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL)
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(p.returncode)
"""


def _asan(name):
    """Whether the plugin was built with AddressSanitizer."""
    with open(require_binary(name), "rb") as f:
        return b"__asan_init" in f.read()


def run_bounded(name, args, tmp_path, t, secrets=(), bound_s=None):
    """Run a plugin through the RSS wrapper; check the time and memory bounds and the status line;
    return (Result, peak RSS in MB)."""
    rss = str(tmp_path / ("rss.%d" % time.monotonic_ns()))
    r = run_binary(name, args, timeout=(bound_s or t) + 30, secrets=secrets,
                   wrapper=[sys.executable, "-c", _RUSAGE, rss])
    with open(rss) as f:
        mb = int(f.read()) / 1024.0
    limit = RSS_MB_ASAN if _asan(name) else RSS_MB
    what = "args %r: exit %d after %.2fs, %.0f MB\n%s%s" % (args, r.code, r.elapsed, mb, r.stdout[:3000],
                                                          r.stderr[:3000])
    assert r.elapsed <= (bound_s or t) + SLACK, what
    assert mb < limit, what
    assert r.code in (0, 1, 2, 3), what
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, what
    prefix = {"check_dnsbl": "DNSBL", "check_jmrp": "JMRP"}[name]
    assert first_line(r.stdout).startswith(prefix + " "), what
    print("%s %s: %.2fs, %.1f MB" % (name, args[-1] if args else "", r.elapsed, mb))
    return r, mb


@pytest.fixture
def hostile_dns(tmp_path):
    """start(mode) -> port of a hostile DNS server; stopped after the test."""
    procs = []

    def start(mode):
        port = free_port()
        p = subprocess.Popen([sys.executable, HOSTILE_DNS, str(port), mode], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(p)
        assert p.stdout.readline().strip() == b"ready"
        return port
    yield start
    for p in procs:
        p.kill()
        p.wait()


@pytest.mark.parametrize("mode", ["huge", "malformed", "flood", "loop"])
def test_hostile_dns_server(hostile_dns, tmp_path, mode):
    port = hostile_dns(mode)
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\n")
    args = ["--resolv-conf=" + str(resolv), "-s", "127.0.0.1:%d" % port, "--no-default-zones",
            "-H", "192.0.2.2", "-z", "zen.test", "-z", "zen.spamhaus.org", "--dqs-key", DQS_KEY,
            "-t", "3"]
    r, _ = run_bounded("check_dnsbl", args, tmp_path, 3, secrets=[DQS_KEY])
    line = first_line(r.stdout)
    print(mode, line)
    if mode == "huge":
        # a huge but well-formed answer is an answer: listed (its A records are all 127.0.0.2)
        assert r.code == STATES["CRITICAL"], r.stdout
    else:
        # nothing usable came back: no listing may be made up from garbage or foreign ids
        assert r.code == STATES["UNKNOWN"] or "listed" not in line.split("|")[0].replace(
            "not listed", ""), r.stdout


# --------------------------------------------------------------------------
# files that are FIFOs or devices
# --------------------------------------------------------------------------

def _special(tmp_path, kind):
    """A path of kind: fifo (nobody writes), zero / urandom (a device node: a copy made with mknod as
    root, so that nothing can replace the system's), or /proc/self/mem."""
    if kind == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
        return path
    if kind == "mem":
        return "/proc/self/mem"
    if os.geteuid() == 0:
        path = str(tmp_path / kind)
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 5 if kind == "zero" else 9))
        return path
    return "/dev/" + kind


@pytest.mark.parametrize("kind", ["fifo", "zero", "urandom", "mem"])
def test_extra_opts_file_that_is_special(tmp_path, kind):
    """--extra-opts reads at most 1 MiB; a FIFO nobody writes is bounded by the command line's -t, which
    is read before the options are (and its state applies)."""
    path = _special(tmp_path, kind)
    args = ["--extra-opts=dnsbl@" + path, "-H", "127.0.0.2", "--no-default-zones", "-z", "zen.test",
            "-s", "127.0.0.1:1", "-t", "2"]
    r, _ = run_bounded("check_dnsbl", args, tmp_path, 2)
    assert r.code == 3, r.stdout
    line = first_line(r.stdout)
    assert ("timed out after 2 seconds" in line) if kind == "fifo" else ("--extra-opts" in line), line
    if kind == "fifo":
        r, _ = run_bounded("check_dnsbl", args[:-1] + ["2:critical"], tmp_path, 2)
        assert r.code == STATES["CRITICAL"], r.stdout
        r, _ = run_bounded("check_dnsbl", args[:-2] + ["--timeout=1", "--timeout-result=warning"], tmp_path, 1)
        assert r.code == STATES["WARNING"] and "timed out after 1 second" in r.stdout, r.stdout


@pytest.mark.parametrize("kind", ["fifo", "zero", "urandom", "mem"])
def test_resolv_conf_that_is_special(tmp_path, kind):
    """--resolv-conf reads at most 64 KiB of a file (a device gave getline gigabytes before), and a FIFO
    nobody writes is bounded by -t."""
    path = _special(tmp_path, kind)
    args = ["-H", "127.0.0.2", "--no-default-zones", "-z", "zen.test", "--resolv-conf", path, "-t", "2"]
    r, _ = run_bounded("check_dnsbl", args, tmp_path, 2)
    assert r.code == 3, r.stdout
    line = first_line(r.stdout)
    assert ("timed out after 2 seconds" in line) if kind == "fifo" else ("--resolv-conf" in line), line


@pytest.mark.parametrize("kind", ["fifo", "zero", "urandom", "mem"])
def test_jmrp_state_file_that_is_special(tmp_path, kind):
    """A state file that is no regular file is ignored with a note and never replaced."""
    sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "servers"))
    import jmrp_messages as jm
    md = jm.Maildir(str(tmp_path / "Maildir"))
    md.add(jm.arf_report("192.0.2.10"), time.time() - 3600)
    path = _special(tmp_path, kind)
    before = os.lstat(path)
    r, _ = run_bounded("check_jmrp", ["-M", md.path, "--state-file=" + path, "-t", "5"], tmp_path, 5)
    assert r.code == STATES["WARNING"] or r.code == STATES["OK"], r.stdout
    assert "complaints=1" in first_line(r.stdout), r.stdout
    if kind != "mem":
        assert "not a regular file" in r.stdout, r.stdout
        after = os.lstat(path)
        assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode), "state file replaced"
        assert after.st_ino == before.st_ino, "state file replaced"


# --------------------------------------------------------------------------
# IMAP: a literal of 4 GiB
# --------------------------------------------------------------------------

def _fake_imap(port, stop, ctx):
    """An IMAP server over TLS (ctx) that logs anyone in and answers FETCH with a 4 GiB literal it then
    trickles (64 KiB at a time until the client goes)."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(4)
    srv.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        try:
            conn.settimeout(5)
            conn = ctx.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):
            conn.close()
            continue
        threading.Thread(target=_imap_conn, args=(conn, stop), daemon=True).start()
    srv.close()


def _imap_conn(conn, stop):
    """One IMAP session of _fake_imap."""
    f = conn.makefile("rb")
    try:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile ready\r\n")
        while not stop.is_set():
            line = f.readline()
            if not line:
                return
            parts = line.split(b" ", 2)
            tag = parts[0]
            cmd = parts[1].upper() if len(parts) > 1 else b""
            if cmd in (b"LOGIN", b"AUTHENTICATE", b"CAPABILITY", b"NOOP", b"LOGOUT", b"CLOSE"):
                if cmd == b"CAPABILITY":
                    conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
                conn.sendall(tag + b" OK done\r\n")
            elif cmd in (b"SELECT", b"EXAMINE"):
                conn.sendall(b"* 1 EXISTS\r\n* OK [UIDVALIDITY 1] x\r\n" + tag + b" OK [READ-ONLY] done\r\n")
            elif cmd in (b"SEARCH", b"UID") and b"SEARCH" in line.upper():
                conn.sendall(b"* SEARCH 1\r\n" + tag + b" OK done\r\n")
            elif b"FETCH" in line.upper():
                conn.sendall(b"* 1 FETCH (UID 1 RFC822.SIZE 4294967296 INTERNALDATE "
                             b"\"01-Jan-2030 00:00:00 +0000\" BODY[] {4294967296}\r\n")
                chunk = b"X" * 65536
                while not stop.is_set():
                    conn.sendall(chunk)
            else:
                conn.sendall(tag + b" OK done\r\n")
    except OSError:
        return
    finally:
        conn.close()


def test_imap_literal_of_four_gib(tmp_path):
    import testcerts
    certs = testcerts.make_test_certs(str(tmp_path / "certs"))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certs.server_cert, certs.server_key)
    port = free_port()
    stop = threading.Event()
    th = threading.Thread(target=_fake_imap, args=(port, stop, ctx), daemon=True)
    th.start()
    pw = tmp_path / "pw"
    pw.write_text("hostile-imap-password\n")
    os.chmod(pw, 0o600)
    try:
        r, _ = run_bounded("check_jmrp", ["--imap=imaps://127.0.0.1:%d/INBOX" % port, "--imap-user=u",
                                          "--imap-password-file=" + str(pw), "--cafile", certs.ca_cert, "-t", "5"],
                           tmp_path, 5, secrets=["hostile-imap-password"])
    finally:
        stop.set()
        th.join(5)
    assert r.code == 3, r.stdout
    assert "4294967296" not in r.stdout or "too large" in r.stdout.lower() or "size" in r.stdout.lower(), r.stdout
    print(first_line(r.stdout))


# --------------------------------------------------------------------------
# a 2 GiB message, a million-file Maildir
# --------------------------------------------------------------------------

TWO_GIB = 2 << 30


def _jm():
    """The complaint builders of tests/servers/jmrp_messages.py."""
    sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "servers"))
    import jmrp_messages
    return jmrp_messages


def test_mbox_with_a_two_gib_message(tmp_path):
    """An mbox whose first message is 2 GiB of one line (a sparse file of NUL bytes): the splitter keeps no
    line whole, so memory stays bounded; the message is unparsed as too large, and the complaint after it
    counts. The deadline is checked while one message is read, so a short -t still ends on time."""
    jm = _jm()
    now = time.time()
    path = str(tmp_path / "big.mbox")
    with open(path, "wb") as f:
        f.write(("From a@example.org %s\nSubject: huge\n\n" % jm.asctime_utc(now - 7200)).encode())
        f.seek(TWO_GIB, os.SEEK_CUR)
        f.write(b"\n\n")
    tail = str(tmp_path / "tail.mbox")
    jm.write_mbox(tail, [(jm.arf_report("192.0.2.10"), now - 3600)])
    with open(path, "ab") as f, open(tail, "rb") as t:
        f.write(t.read())
    assert os.path.getsize(path) > TWO_GIB
    r, mb = run_bounded("check_jmrp", ["--mbox", path, "-t", "60", "--max-details=3"], tmp_path, 60)
    line = first_line(r.stdout)
    assert "complaints=1" in line and "unparsed=1" in line, r.stdout
    assert "larger than 8388608 bytes" in r.stdout, r.stdout
    r, mb = run_bounded("check_jmrp", ["--mbox", path, "-t", "1"], tmp_path, 1)
    if r.code == 3:
        assert "timed out" in first_line(r.stdout), r.stdout


def test_maildir_with_a_two_gib_message(tmp_path):
    """A Maildir file of 2 GiB (sparse) is read up to the 8 MiB bound only: unparsed as too large."""
    jm = _jm()
    md = jm.Maildir(str(tmp_path / "Maildir"))
    md.add(jm.arf_report("192.0.2.10"), time.time() - 3600)
    big = md.add(b"Subject: huge\n\n", time.time() - 3600, folder="cur")
    with open(big, "r+b") as f:
        f.truncate(TWO_GIB)
    os.utime(big, (time.time() - 3600, time.time() - 3600))
    r, mb = run_bounded("check_jmrp", ["-M", md.path, "-t", "10"], tmp_path, 10)
    line = first_line(r.stdout)
    assert "complaints=1" in line and "unparsed=1" in line, r.stdout
    assert "larger than 8388608 bytes" in r.stdout, r.stdout


def test_maildir_with_a_million_files(tmp_path):
    """A million empty files in new/: the run ends within -t with a clear line and bounded memory (one 64-bit hash
    of each key is kept, to count a message met twice once). With a long -t it reads them all; with -t 2 it stops
    on time."""
    d = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (d / sub).mkdir(parents=True)
    new = str(d / "new")
    for i in range(1000000):
        os.close(os.open("%s/%d.M%dP1.hostile" % (new, 1700000000 + i, i), os.O_CREAT | os.O_WRONLY, 0o600))
    try:
        r, mb = run_bounded("check_jmrp", ["-M", str(d), "-t", "2"], tmp_path, 2)
        assert r.code == 3 and "timed out after" in first_line(r.stdout), r.stdout[:500]
        if not _asan("check_jmrp"):
            r, mb = run_bounded("check_jmrp", ["-M", str(d), "-t", "120", "--max-details=2"], tmp_path, 120)
            assert "unparsed=1000000" in first_line(r.stdout), r.stdout[:500]
    finally:
        shutil.rmtree(str(d), ignore_errors=True)
