"""Black-box tests of check_jmrp: Microsoft JMRP complaints counted in a
Maildir, an mbox or an IMAP mailbox of a real Dovecot.

Messages are made at test time by tests/servers/jmrp_messages.py (ARF and
legacy Hotmail reports, non-complaints, broken MIME); the IMAP server is a
private Dovecot instance (jmrp_fixtures.imap_server).  Arrival times are file
mtimes (Maildir), "From " lines (mbox) and INTERNALDATE (IMAP); the Date
headers of the messages are deliberately "now" wherever a window is tested,
so a plugin that used them would count too much.

Every complainant address contains jm.RCPT_MARK and every run's output is
checked not to contain it; the IMAP password is checked likewise, also in its
base64 SASL forms (jmrp_fixtures.SECRETS, checked by run_jmrp).
The binary is $CHECK_JMRP, or $BUILDDIR/plugins/check_jmrp.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import shutil
import sys
import tempfile
import time

import pytest

from conftest import STATES, check_bad_input, first_line, free_port, parse_perfdata, plugin_env
from jmrp_fixtures import (IMAP_FOLDER, IMAP_FOLDER_EXPECT,  # noqa: F401
                           IMAP_INBOX, IMAP_INBOX_EXPECT, IMAP_LARGE_FOLDER, dovecot,
                           IMAP_SPACE_FOLDER, IMAP_UTF8_FOLDER, REAL_SENDERS, REAL_SENDERS_EXPECT,
                           secret_forms, imap_password_file,
                           imap_server, jm, jmrp_certs, jmrp_plugin,
                           jmrp_workdir, run_jmrp, testcerts)

PERF_LABELS = ["complaints", "ips", "unparsed", "other_reports", "time"]
HOUR = 3600
DAY = 86400

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def check_clean(r):
    """No sanitizer report (recipient addresses and the password are checked
    in every run by run_jmrp)."""
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr


def check(r, state):
    """Exit code and first-line state, the fixed perfdata labels, clean
    output; return the perfdata {label: value}."""
    line = first_line(r.stdout)
    assert r.code == STATES[state], "expected %s, got exit %d:\n%s%s" % (
        state, r.code, r.stdout, r.stderr)
    assert line.startswith("JMRP %s - " % state), r.stdout
    check_clean(r)
    assert r.stderr == "", "everything belongs on stdout; stderr:\n" + r.stderr
    perf = parse_perfdata(line)
    assert list(perf) == PERF_LABELS, line
    assert perf["time"]["uom"] == "s", line
    return {k: v["value"] for k, v in perf.items()}


def check_source_error(r, *needles):
    """A source that cannot be read: exit 3, one clear 'JMRP UNKNOWN - ' line
    naming one of needles (case-insensitive)."""
    line = first_line(r.stdout)
    assert r.code == 3, "expected UNKNOWN, got %d:\n%s%s" % (r.code, r.stdout, r.stderr)
    assert line.startswith("JMRP UNKNOWN - "), r.stdout
    assert any(n.lower() in line.lower() for n in needles), \
        "first line should name one of %r: %r" % (needles, line)
    check_clean(r)


LINE_RE = re.compile(r"^\s*\\_ \[([A-Z]+)\] (.*)$")


def detail_lines(stdout):
    """(state, text) of every long-output line."""
    out = []
    for ln in stdout.splitlines()[1:]:
        m = LINE_RE.match(ln)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def ip_counts(stdout):
    """[(ip, k)] of the '<IP>: <k> complaints' lines, in output order."""
    out = []
    for _, text in detail_lines(stdout):
        m = re.match(r"^([0-9a-fA-F.:]+): (\d+) complaints?$", text)
        if m and (("." in m.group(1)) or (":" in m.group(1))):
            out.append((m.group(1), int(m.group(2))))
    return out


def sender_counts(stdout):
    """{domain: k} of the 'sender <domain>: <k> complaints' lines."""
    out = {}
    for _, text in detail_lines(stdout):
        m = re.match(r"^sender (\S+): (\d+) complaints?$", text)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def unparsed_lines(stdout):
    """(state, text) of the 'unparsed: ...' lines."""
    return [(s, t) for s, t in detail_lines(stdout) if t.startswith("unparsed: ")]


def summary_re(n, window, ips):
    """Regex of the start of the first line for n complaints and ips IPs."""
    return re.compile(r"^JMRP [A-Z]+ - %d complaints? in the last %s \(%d IPs?\)"
                      % (n, re.escape(window), ips))


# --------------------------------------------------------------------------
# a Maildir / mbox with known contents
# --------------------------------------------------------------------------

# name -> (generator, hours ago, folder, flags).  All Date headers say "now".
BASIC = {
    "arf_a": (lambda: jm.arf_report("192.0.2.10"), 1, "new", ""),
    "arf_b": (lambda: jm.arf_report("192.0.2.10"), 2, "new", ""),
    "arf_c": (lambda: jm.arf_report("192.0.2.10"), 3, "cur", "S"),
    "arf_headers_only": (lambda: jm.arf_report("192.0.2.10", headers_only=True), 4, "cur", ""),
    "legacy_a": (lambda: jm.legacy_report("198.51.100.7", sender="offers@example.net"),
                 5, "new", ""),
    "legacy_b": (lambda: jm.legacy_report("198.51.100.7", sender="offers@example.net"),
                 6, "cur", "RS"),
    "arf_xsender": (lambda: jm.arf_report(None, x_sender_ip="198.51.100.8",
                                          sender="bounce@mail.example.org",
                                          reported_domain="example.org"), 7, "new", ""),
    "arf_v6": (lambda: jm.arf_report("2001:db8::25", crlf=True), 8, "new", ""),
    "arf_redacted": (lambda: jm.arf_report("192.0.2.11", redacted=True), 9, "new", ""),
    "arf_old": (lambda: jm.arf_report("203.0.113.5"), 72, "new", ""),
    "legacy_old": (lambda: jm.legacy_report("203.0.113.5"), 50, "cur", "S"),
    "welcome": (lambda: jm.non_complaint("welcome"), 10, "new", ""),
    "broken": (lambda: jm.broken_message("no-boundary"), 11, "new", ""),
}
BASIC_EXPECT = {"complaints": 9, "ips": 5, "unparsed": 2,
                "by_ip": [("192.0.2.10", 4), ("198.51.100.7", 2)],
                "singles": {"198.51.100.8", "2001:db8::25", "192.0.2.11"},
                "senders": {"example.com": 6, "example.net": 2, "example.org": 1}}


def make_maildir(path, spec, now=None):
    """Write spec ({name: (gen, hours, folder, flags)}) as a Maildir; return
    (Maildir, {name: file name})."""
    now = time.time() if now is None else now
    md = jm.Maildir(path)
    names = {}
    for name, (gen, hours, folder, flags) in spec.items():
        p = md.add(gen(), now - hours * HOUR, folder=folder, flags=flags)
        names[name] = os.path.basename(p)
    return md, names


def make_mbox(path, spec, now=None):
    """Write spec as an mbox in arrival order (oldest first); return
    {name: 1-based message number}."""
    now = time.time() if now is None else now
    items = sorted(spec.items(), key=lambda kv: -kv[1][1])
    jm.write_mbox(path, [(gen(), now - hours * HOUR) for _, (gen, hours, _f, _fl) in items])
    return {name: i + 1 for i, (name, _) in enumerate(items)}


@pytest.fixture
def basic_maildir(tmp_path, jmrp_plugin):
    """A Maildir with the BASIC messages; yields (path, {name: file name})."""
    md, names = make_maildir(str(tmp_path / "Maildir"), BASIC)
    return md.path, names


@pytest.fixture
def basic_mbox(tmp_path, jmrp_plugin):
    """An mbox with the BASIC messages; yields (path, {name: number})."""
    path = str(tmp_path / "jmrp.mbox")
    numbers = make_mbox(path, BASIC)
    return path, numbers


UTC = {"TZ": "UTC"}


def check_basic_counts(r, window="24h"):
    """The BASIC expectations on a run's output."""
    perf = check(r, "OK")
    e = BASIC_EXPECT
    assert perf["complaints"] == e["complaints"], r.stdout
    assert perf["ips"] == e["ips"], r.stdout
    assert perf["unparsed"] == e["unparsed"], r.stdout
    line = first_line(r.stdout)
    assert summary_re(e["complaints"], window, e["ips"]).match(line), line
    assert "top 192.0.2.10: 4" in line, line
    assert "%d unparsed" % e["unparsed"] in line, line
    ips = ip_counts(r.stdout)
    assert ips[:2] == e["by_ip"], r.stdout
    assert {ip for ip, k in ips[2:]} == e["singles"], r.stdout
    assert all(k == 1 for _, k in ips[2:]), r.stdout
    assert "203.0.113.5" not in r.stdout, "an old complaint was counted:\n" + r.stdout
    assert sender_counts(r.stdout) == e["senders"], r.stdout
    return perf


# --------------------------------------------------------------------------
# Maildir
# --------------------------------------------------------------------------

def test_maildir_counts_both_formats_per_ip_and_sender(basic_maildir):
    path, names = basic_maildir
    r = run_jmrp(["-M", path])
    check_basic_counts(r)
    for state, _ in detail_lines(r.stdout):
        assert state in ("OK", "UNKNOWN"), r.stdout


def test_maildir_long_option_and_ip_lines_most_first(basic_maildir):
    path, _ = basic_maildir
    r = run_jmrp(["--maildir=" + path])
    check_basic_counts(r)
    ks = [k for _, k in ip_counts(r.stdout)]
    assert ks == sorted(ks, reverse=True), r.stdout


def test_maildir_unparsed_are_counted_named_and_informational(basic_maildir):
    path, names = basic_maildir
    r = run_jmrp(["-M", path, "-w", "100", "-c", "200"])
    perf = check(r, "OK")
    assert perf["unparsed"] == 2
    lines = unparsed_lines(r.stdout)
    assert len(lines) == 2, r.stdout
    for state, text in lines:
        assert state == "UNKNOWN", r.stdout
    joined = "\n".join(t for _, t in lines)
    assert names["welcome"] in joined and names["broken"] in joined, r.stdout
    # a reason follows the name
    for _, text in lines:
        assert re.match(r"^unparsed: \S+: \S", text), text


def test_maildir_is_never_changed(basic_maildir):
    path, _ = basic_maildir
    before = jm.snapshot_tree(path)
    assert any(rel.startswith("new" + os.sep) for rel in before)
    for args in ([], ["-vvv"], ["--output-format=json"], ["--window=30d"]):
        r = run_jmrp(["-M", path] + args)
        assert r.code == 0, r.stdout + r.stderr
        after = jm.snapshot_tree(path)
        assert after == before, "the Maildir changed (%s): added %s, removed %s" % (
            args, sorted(set(after) - set(before)), sorted(set(before) - set(after)))


def test_maildir_new_only_and_cur_only_both_read(tmp_path, jmrp_plugin):
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    md.add(jm.arf_report("192.0.2.20"), now - HOUR, folder="new")
    md.add(jm.arf_report("192.0.2.21"), now - HOUR, folder="cur", flags="S")
    md.add(jm.arf_report("192.0.2.22"), now - HOUR, folder="cur", flags="")
    # a message still being delivered in tmp/ is not counted
    with open(os.path.join(md.path, "tmp", "%d.tmp.testhost" % now), "wb") as f:
        f.write(jm.arf_report("192.0.2.23"))
    r = run_jmrp(["-M", md.path])
    perf = check(r, "OK")
    assert perf["complaints"] == 3 and perf["ips"] == 3, r.stdout
    assert "192.0.2.23" not in r.stdout


def test_empty_maildir_is_ok_with_zero(tmp_path, jmrp_plugin):
    md = jm.Maildir(str(tmp_path / "empty"))
    r = run_jmrp(["-M", md.path])
    perf = check(r, "OK")
    assert perf == {"complaints": 0, "ips": 0, "unparsed": 0, "other_reports": 0, "time": perf["time"]}
    assert summary_re(0, "24h", 0).match(first_line(r.stdout)), r.stdout


def test_missing_maildir_is_unknown(tmp_path, jmrp_plugin):
    missing = str(tmp_path / "no-such-maildir")
    r = run_jmrp(["-M", missing])
    check_source_error(r, missing, "maildir", "no such")


def test_directory_without_new_and_cur_is_unknown(tmp_path, jmrp_plugin):
    d = tmp_path / "notamaildir"
    d.mkdir()
    (d / "file.txt").write_text("hello\n")
    r = run_jmrp(["-M", str(d)])
    check_source_error(r, str(d), "maildir", "new", "cur")


def test_dangling_symlink_counts_as_vanished_not_unparsed(basic_maildir):
    path, _ = basic_maildir
    os.symlink(os.path.join(path, "new", "gone-before-reading"),
               os.path.join(path, "new", "%d.M1P1Q1.vanished" % int(time.time())))
    r = run_jmrp(["-M", path])
    perf = check(r, "OK")
    assert perf["complaints"] == BASIC_EXPECT["complaints"], r.stdout
    assert perf["unparsed"] == BASIC_EXPECT["unparsed"], r.stdout
    assert "vanished" in r.stdout.lower(), r.stdout
    assert not any("vanished" in t for _, t in unparsed_lines(r.stdout)), r.stdout


def test_files_removed_during_a_scan_leave_a_valid_run(tmp_path, jmrp_plugin):
    """A thread deletes half the files while the plugin reads 20,000: the run
    stays valid, gone files are never unparsed, nothing is counted twice."""
    n = 20000
    md = jm.Maildir(str(tmp_path / "md"))
    data = jm.arf_report("192.0.2.30")
    now = time.time() - HOUR
    paths = []
    for i in range(n):
        p = os.path.join(md.path, "new", "%d.M%dP1Q%d.race" % (int(now), i, i))
        with open(p, "wb") as f:
            f.write(data)
        paths.append(p)
    victims = paths[1::2]
    removed = []

    def remove():
        """Delete the victims as fast as possible."""
        for p in victims:
            try:
                os.unlink(p)
                removed.append(p)
            except FileNotFoundError:
                pass

    r = run_jmrp(["-M", md.path, "-t", "60"], timeout=90, while_running=remove)
    perf = check(r, "OK")
    assert perf["unparsed"] == 0, r.stdout
    assert n - len(removed) <= perf["complaints"] <= n, (len(removed), r.stdout[:500])
    m = re.search(r"(\d+) (?:files? |messages? )?vanished|vanished\D{0,20}(\d+)", r.stdout)
    if m:
        vanished = int(m.group(1) or m.group(2))
        assert perf["complaints"] + vanished <= n, r.stdout[:500]


def test_messages_moved_to_cur_during_a_scan_count_once(tmp_path, jmrp_plugin):
    """A mail client moves every message from new/ to cur/ (adding ':2,S')
    while the plugin reads 20,000: none is counted twice."""
    n = 20000
    md = jm.Maildir(str(tmp_path / "md"))
    data = jm.arf_report("192.0.2.31")
    now = time.time() - HOUR
    names = []
    for i in range(n):
        name = "%d.M%dP1Q%d.move" % (int(now), i, i)
        with open(os.path.join(md.path, "new", name), "wb") as f:
            f.write(data)
        names.append(name)
    moved = []

    def move():
        """Move the messages to cur/ as fast as possible, once the plugin runs."""
        for name in names:
            os.rename(os.path.join(md.path, "new", name),
                      os.path.join(md.path, "cur", name + ":2,S"))
            moved.append(name)

    r = run_jmrp(["-M", md.path, "-t", "60"], timeout=90, while_running=move)
    perf = check(r, "OK")
    assert len(moved) == n
    assert perf["complaints"] <= n, "messages counted twice: %d of %d" % (perf["complaints"], n)
    assert perf["unparsed"] == 0, r.stdout


# --------------------------------------------------------------------------
# window
# --------------------------------------------------------------------------

WINDOW_HOURS = [0.5, 1.5, 5, 30, 72, 8 * 24]


@pytest.fixture
def window_maildir(tmp_path, jmrp_plugin):
    """One complaint each 30 min, 90 min, 5 h, 30 h, 3 d and 8 d ago, every
    Date header saying now; a distinct IP for each."""
    spec = {}
    for i, h in enumerate(WINDOW_HOURS):
        spec["m%d" % i] = ((lambda i=i: jm.arf_report("198.51.100.%d" % (100 + i))), h,
                           "new", "")
    md, _ = make_maildir(str(tmp_path / "md"), spec)
    return md.path


@pytest.mark.parametrize("window,expected", [
    ("1h", 1), ("2h", 2), ("120m", 2), ("3600", 1), ("7200s", 2), ("2d", 4),
    ("4d", 5), ("10d", 6), (None, 3)])
def test_window_counts_only_messages_that_arrived_inside_it(window_maildir, window, expected):
    args = ["-M", window_maildir] + (["--window=" + window] if window else [])
    r = run_jmrp(args)
    perf = check(r, "OK")
    assert perf["complaints"] == expected, r.stdout
    assert perf["ips"] == expected, r.stdout
    if window and window[-1] in "hd":
        assert " in the last %s " % window in first_line(r.stdout), r.stdout
    if window is None:
        assert " in the last 24h " in first_line(r.stdout), r.stdout
    for i, h in enumerate(WINDOW_HOURS):
        ip = "198.51.100.%d" % (100 + i)
        assert (ip in r.stdout) == (i < expected), (ip, r.stdout)


def test_old_unparsable_messages_are_not_counted(tmp_path, jmrp_plugin):
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    md.add(jm.arf_report("192.0.2.40"), now - HOUR)
    old = md.add(jm.broken_message("junk"), now - 5 * DAY)
    r = run_jmrp(["-M", md.path])
    perf = check(r, "OK")
    assert perf["complaints"] == 1 and perf["unparsed"] == 0, r.stdout
    assert os.path.basename(old) not in r.stdout


# --------------------------------------------------------------------------
# filters
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args,complaints,ips", [
    (["-H", "192.0.2.0/24"], 5, 2),
    (["-H", "192.0.2.10"], 4, 1),
    (["--ip=192.0.2.10/32"], 4, 1),
    (["-H", "2001:db8::/32"], 1, 1),
    (["-H", "2001:db8::25"], 1, 1),
    (["-H", "192.0.2.11", "-H", "198.51.100.0/24"], 4, 3),
    (["-H", "203.0.113.0/24"], 0, 0),
    (["--sender-domain=example.net"], 2, 1),
    (["--sender-domain", "example.org"], 1, 1),
    (["--sender-domain=example.com"], 6, 3),
    (["--sender-domain=example.net", "--sender-domain=example.org"], 3, 2),
    (["--sender-domain=example.edu"], 0, 0),
])
def test_filters_count_only_matching_complaints(basic_maildir, args, complaints, ips):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path] + args)
    perf = check(r, "OK")
    assert perf["complaints"] == complaints, r.stdout
    assert perf["ips"] == ips, r.stdout
    assert perf["unparsed"] == BASIC_EXPECT["unparsed"], r.stdout
    assert sum(k for _, k in ip_counts(r.stdout)) == complaints, r.stdout


def test_sender_domain_matches_subdomains_but_not_suffixes(tmp_path, jmrp_plugin):
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    # no Reported-Domain: the sender's domain decides
    md.add(jm.arf_report("192.0.2.50", sender="a@example.com", with_reported_domain=False),
           now - HOUR)
    md.add(jm.arf_report("192.0.2.51", sender="b@mail.example.com",
                         with_reported_domain=False), now - HOUR)
    md.add(jm.arf_report("192.0.2.52", sender="c@notexample.com",
                         with_reported_domain=False), now - HOUR)
    md.add(jm.arf_report("192.0.2.53", sender="d@example.com.evil.example",
                         with_reported_domain=False), now - HOUR)
    # a legacy report: the sender of the attached original
    md.add(jm.legacy_report("192.0.2.54", sender="e@news.example.com"), now - HOUR)
    r = run_jmrp(["-M", md.path, "--sender-domain=example.com"])
    perf = check(r, "OK")
    assert perf["complaints"] == 3, r.stdout
    found = {ip for ip, _ in ip_counts(r.stdout)}
    assert found == {"192.0.2.50", "192.0.2.51", "192.0.2.54"}, r.stdout
    r = run_jmrp(["-M", md.path, "--sender-domain=EXAMPLE.COM"])
    assert check(r, "OK")["complaints"] == 3, r.stdout


def test_reported_domain_counts_for_the_sender_filter(tmp_path, jmrp_plugin):
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    md.add(jm.arf_report("192.0.2.60", sender="bounce@esp.example.net",
                         reported_domain="brand.example.org"), now - HOUR)
    r = run_jmrp(["-M", md.path, "--sender-domain=brand.example.org"])
    assert check(r, "OK")["complaints"] == 1, r.stdout


def long_domain(tag, length):
    """A domain of length characters: labels of 50 'a's, then one of the
    rest; the label at offset 153 starts with tag, so two domains made with
    different tags differ only after character 100."""
    chars = ["a"] * length
    o = 0
    while length - o > 63:
        o += 50
        chars[o] = "."
        o += 1
    chars[153] = tag
    return "".join(chars)


def test_long_sender_domains_are_counted_filtered_and_named_whole(tmp_path, jmrp_plugin):
    """Sender domains of 215 characters that differ only after character 100
    are two senders, named whole; --sender-domain with one of them counts
    only its complaints, also when they come from the state file."""
    a, b = long_domain("x", 215), long_domain("y", 215)
    assert a[:153] == b[:153] and a != b
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    md.add(jm.arf_report("192.0.2.70", sender="news@" + a, with_reported_domain=False),
           now - HOUR)
    md.add(jm.legacy_report("192.0.2.71", sender="offers@" + a), now - 2 * HOUR)
    md.add(jm.arf_report("192.0.2.72", sender="news@" + b, with_reported_domain=False),
           now - 3 * HOUR)
    state = str(tmp_path / "jmrp.state")
    for run in range(2):  # the second run takes every message from the state file
        r = run_jmrp(["-M", md.path, "--state-file=" + state])
        assert check(r, "OK")["complaints"] == 3, r.stdout
        assert sender_counts(r.stdout) == {a: 2, b: 1}, r.stdout
        r = run_jmrp(["-M", md.path, "--state-file=" + state, "--sender-domain=" + a])
        perf = check(r, "OK")
        assert perf["complaints"] == 2 and perf["ips"] == 2, r.stdout
        assert ("sender %s: 2 complaints" % a) in [t for _, t in detail_lines(r.stdout)], r.stdout
        assert sender_counts(r.stdout) == {a: 2}, r.stdout
        assert {ip for ip, _ in ip_counts(r.stdout)} == {"192.0.2.70", "192.0.2.71"}, r.stdout
        r = run_jmrp(["-M", md.path, "--state-file=" + state, "--sender-domain=" + b.upper() + "."])
        perf = check(r, "OK")
        assert perf["complaints"] == 1, r.stdout
        assert sender_counts(r.stdout) == {b: 1}, r.stdout


def test_longest_sender_domain_is_accepted(tmp_path, jmrp_plugin):
    """253 characters (with or without the root's dot) is a domain."""
    d = long_domain("x", 253)
    md = jm.Maildir(str(tmp_path / "md"))
    md.add(jm.arf_report("192.0.2.73", sender="news@" + d), time.time() - HOUR)
    for arg in (d, d + "."):
        r = run_jmrp(["-M", md.path, "--sender-domain=" + arg])
        assert check(r, "OK")["complaints"] == 1, r.stdout
        assert sender_counts(r.stdout) == {d: 1}, r.stdout


@pytest.mark.parametrize("domain,needles", [
    (long_domain("x", 254), ("longer than 253",)),
    (long_domain("x", 253) + "..", ("longer than 253",)),
    ("a" * 64 + ".example.com", ("label longer than 63",)),
    ("example..com", ("empty label",)),
    (".example.com", ("empty label",)),
    ("example.com..", ("empty label",)),
], ids=["254-chars", "253-chars-two-dots", "label-64", "inner-empty-label", "leading-dot",
        "two-trailing-dots"])
def test_sender_domain_that_is_no_dns_name_is_refused(tmp_path, jmrp_plugin, domain, needles):
    """Too long (254 characters), an empty label or one over 63 characters:
    exit 3 with one clear line naming the problem, then the usage."""
    md = jm.Maildir(str(tmp_path / "md"))
    r = run_jmrp(["-M", md.path, "--sender-domain=" + domain])
    check_bad_input(r, "JMRP", *needles)
    line = first_line(r.stdout)
    assert "sender-domain" in line, line
    assert len(line) < 400 and "\r" not in line, line
    assert sum(1 for ln in r.stdout.splitlines() if "JMRP UNKNOWN" in ln) == 1, r.stdout


# --------------------------------------------------------------------------
# thresholds and rate
# --------------------------------------------------------------------------

@pytest.mark.parametrize("w,c,state", [
    ("10", "20", "OK"), ("9", "20", "OK"), ("5", "10", "WARNING"), ("8", "9", "WARNING"),
    ("2", "8", "CRITICAL"), ("0", "0", "CRITICAL"), ("~:20", "~:30", "OK")])
def test_count_thresholds(basic_maildir, w, c, state):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path, "-w", w, "-c", c])
    check(r, state)
    perf = parse_perfdata(first_line(r.stdout))
    assert perf["complaints"]["value"] == 9
    assert perf["complaints"]["warn"] == w and perf["complaints"]["crit"] == c, \
        first_line(r.stdout)


def test_warning_alone_and_long_options(basic_maildir):
    path, _ = basic_maildir
    check(run_jmrp(["-M", path, "--warning=8"]), "WARNING")
    check(run_jmrp(["-M", path, "--critical=8"]), "CRITICAL")
    check(run_jmrp(["-M", path, "--critical=9"]), "OK")


def test_no_thresholds_only_counts(basic_maildir):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path])
    check(r, "OK")
    perf = parse_perfdata(first_line(r.stdout))
    assert perf["complaints"]["warn"] == "" and perf["complaints"]["crit"] == ""


@pytest.mark.parametrize("sent,rw,rc,state", [
    (1000, "1", "2", "OK"),          # 0.9 %
    (1000, "0.5", "2", "WARNING"),
    (1000, "0.5", "0.8", "CRITICAL"),
    (900, "1", "2", "OK"),           # exactly 1 %: inside 0..1
    (100000, "0.01", "0.1", "OK"),   # 0.009 %
])
def test_rate_ranges_on_percent_of_sent(basic_maildir, sent, rw, rc, state):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path, "--sent=%d" % sent, "--rate-warning=" + rw,
                  "--rate-critical=" + rc])
    perf = check(r, state)
    assert perf["complaints"] == 9
    rate = [(s, t) for s, t in detail_lines(r.stdout) if t.startswith("rate: ")]
    assert len(rate) == 1, r.stdout
    assert rate[0][0] == state, r.stdout
    m = re.match(r"^rate: ([0-9.]+)%% of %d sent" % sent, rate[0][1])
    assert m, rate
    assert abs(float(m.group(1)) - 900.0 / sent) < 0.0051, rate


def test_rate_and_count_thresholds_worst_wins(basic_maildir):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path, "-w", "100", "-c", "200", "--sent=100",
                  "--rate-warning=5", "--rate-critical=8"])
    check(r, "CRITICAL")   # 9 %
    r = run_jmrp(["-M", path, "-w", "5", "-c", "200", "--sent=100000",
                  "--rate-warning=5", "--rate-critical=8"])
    check(r, "WARNING")


def test_sent_without_rate_ranges_shows_the_rate(basic_maildir):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path, "--sent=1000"])
    check(r, "OK")
    assert any(t.startswith("rate: ") for _, t in detail_lines(r.stdout)), r.stdout


def test_unparsed_never_change_the_state(tmp_path, jmrp_plugin):
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    for kind in ("no-boundary", "truncated", "junk"):
        md.add(jm.broken_message(kind), now - HOUR)
    for kind in ("welcome", "dsn", "plain"):
        md.add(jm.non_complaint(kind), now - HOUR)
    r = run_jmrp(["-M", md.path, "-w", "0", "-c", "0"])
    perf = check(r, "OK")
    assert perf["complaints"] == 0 and perf["unparsed"] == 6, r.stdout
    assert len(unparsed_lines(r.stdout)) == 6, r.stdout


def test_damaged_reports_count_once_and_never_as_a_bogus_ip(tmp_path, jmrp_plugin):
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    md.add(jm.broken_message("bad-ip"), now - HOUR)
    md.add(jm.broken_message("no-feedback-type"), now - HOUR)
    r = run_jmrp(["-M", md.path])
    perf = check(r, "OK")
    assert perf["complaints"] + perf["unparsed"] == 2, r.stdout
    assert "999.0.2.300" not in "".join(ip for ip, _ in ip_counts(r.stdout)), r.stdout


# --------------------------------------------------------------------------
# max-details
# --------------------------------------------------------------------------

@pytest.fixture
def twelve_ips(tmp_path, jmrp_plugin):
    """IP 192.0.2.(100+i) with i+1 complaints, i = 0..11 (78 in all)."""
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    for i in range(12):
        for _ in range(i + 1):
            md.add(jm.arf_report("192.0.2.%d" % (100 + i)), now - HOUR)
    return md.path


def test_default_lists_the_ten_busiest_ips(twelve_ips):
    r = run_jmrp(["-M", twelve_ips])
    perf = check(r, "OK")
    assert perf["complaints"] == 78 and perf["ips"] == 12
    ips = ip_counts(r.stdout)
    assert ips == [("192.0.2.%d" % (100 + i), i + 1) for i in range(11, 1, -1)], r.stdout
    assert "top 192.0.2.111: 12" in first_line(r.stdout)


def test_max_details_limits_the_lists(twelve_ips):
    r = run_jmrp(["-M", twelve_ips, "--max-details=3"])
    check(r, "OK")
    assert ip_counts(r.stdout) == [("192.0.2.111", 12), ("192.0.2.110", 11),
                                   ("192.0.2.109", 10)], r.stdout


# --------------------------------------------------------------------------
# recipients
# --------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [[], ["-v"], ["-vv"], ["-vvv"], ["--output-format=json"],
                                   ["--output-format=one-line"],
                                   ["--sender-domain=example.com", "-vvv"]])
def test_recipient_addresses_never_appear(basic_maildir, extra):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path] + extra)
    assert r.code == 0, r.stdout + r.stderr
    check_clean(r)


# --------------------------------------------------------------------------
# mbox
# --------------------------------------------------------------------------

def test_mbox_counts_like_the_maildir(basic_mbox):
    path, numbers = basic_mbox
    r = run_jmrp(["--mbox=" + path], env=UTC)
    check_basic_counts(r)
    lines = unparsed_lines(r.stdout)
    assert len(lines) == 2, r.stdout
    for name in ("welcome", "broken"):
        assert any(re.search(r"\b%d\b" % numbers[name], t) for _, t in lines), \
            (name, numbers[name], r.stdout)


def test_mbox_is_opened_read_only(basic_mbox):
    path, _ = basic_mbox
    with open(path, "rb") as f:
        data = f.read()
    st = os.stat(path)
    r = run_jmrp(["--mbox", path, "-vvv"], env=UTC)
    assert r.code == 0, r.stdout
    check_clean(r)
    st2 = os.stat(path)
    with open(path, "rb") as f:
        assert f.read() == data
    assert (st2.st_mtime_ns, st2.st_size, st2.st_mode) == (st.st_mtime_ns, st.st_size,
                                                          st.st_mode)
    assert sorted(os.listdir(os.path.dirname(path))) == [os.path.basename(path)], \
        "the plugin left files next to the mbox (lock files?)"


def test_mbox_from_lines_decide_the_window(tmp_path, jmrp_plugin):
    now = time.time()
    path = str(tmp_path / "w.mbox")
    msgs = [(jm.arf_report("198.51.100.%d" % (100 + i)), now - h * HOUR)
            for i, h in enumerate(WINDOW_HOURS)]
    msgs.sort(key=lambda m: m[1])
    jm.write_mbox(path, msgs)
    for window, expected in (("1h", 1), ("2h", 2), ("2d", 4), (None, 3), ("10d", 6)):
        r = run_jmrp(["--mbox", path] + (["--window", window] if window else []), env=UTC)
        assert check(r, "OK")["complaints"] == expected, (window, r.stdout)


def test_mbox_escaped_from_lines_do_not_split_messages(tmp_path, jmrp_plugin):
    now = time.time()
    path = str(tmp_path / "esc.mbox")
    body = jm.arf_report("192.0.2.70")
    # two body lines that need escaping, one already quoted once
    body = body.replace(b"Hello,\n", b"Hello,\nFrom here on\n>From there on\n")
    jm.write_mbox(path, [(body, now - 2 * HOUR), (jm.arf_report("192.0.2.71"), now - HOUR)])
    with open(path, "rb") as f:
        text = f.read()
    assert b"\n>From here on\n>>From there on\n" in text
    r = run_jmrp(["--mbox", path], env=UTC)
    perf = check(r, "OK")
    assert perf["complaints"] == 2 and perf["unparsed"] == 0, r.stdout


def test_missing_mbox_is_unknown(tmp_path, jmrp_plugin):
    missing = str(tmp_path / "nothing.mbox")
    r = run_jmrp(["--mbox", missing])
    check_source_error(r, missing, "mbox", "no such")


def test_mbox_that_is_a_directory_is_unknown(tmp_path, jmrp_plugin):
    r = run_jmrp(["--mbox", str(tmp_path)])
    check_source_error(r, str(tmp_path), "mbox", "directory")


def test_unreadable_mbox_is_unknown(jmrp_plugin, jmrp_workdir):
    """A mode 0000 mbox; root reads it anyway, so then the plugin runs as nobody."""
    d = tempfile.mkdtemp(prefix="mbox-0000.", dir=jmrp_workdir)
    os.chmod(d, 0o755)
    path = os.path.join(d, "jmrp.mbox")
    make_mbox(path, BASIC)
    os.chmod(path, 0)
    try:
        r = run_jmrp(["--mbox", path], user="nobody" if os.geteuid() == 0 else None)
        check_source_error(r, path, "mbox", "permission")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_mbox_read_leaves_its_access_time(basic_mbox):
    """Mail clients take atime < mtime as "new mail": reading the mbox does not
    change its atime (O_NOATIME, which only the owner may use)."""
    path, _ = basic_mbox
    st = os.stat(path)
    os.utime(path, ns=(st.st_mtime_ns - 1000 * 10**9, st.st_mtime_ns))
    before = os.stat(path).st_atime_ns
    check_basic_counts(run_jmrp(["--mbox", path], env=UTC))
    assert os.stat(path).st_atime_ns == before, "reading the mbox updated its atime"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the plugin as another user")
def test_mbox_of_another_owner_is_read_without_noatime(jmrp_plugin, jmrp_workdir):
    """Someone who does not own the mbox may not ask for O_NOATIME (EPERM):
    the plugin opens it plainly and counts it."""
    d = tempfile.mkdtemp(prefix="mbox-other.", dir=jmrp_workdir)
    os.chmod(d, 0o755)
    path = os.path.join(d, "jmrp.mbox")
    make_mbox(path, BASIC)
    os.chmod(path, 0o644)
    try:
        check_basic_counts(run_jmrp(["--mbox", path], env=UTC, user="nobody"))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_empty_mbox_is_ok_with_zero(tmp_path, jmrp_plugin):
    path = tmp_path / "empty.mbox"
    path.write_bytes(b"")
    perf = check(run_jmrp(["--mbox", str(path)]), "OK")
    assert perf["complaints"] == 0 and perf["unparsed"] == 0


# --------------------------------------------------------------------------
# IMAP (real Dovecot)
# --------------------------------------------------------------------------

def imap_args(server, pwfile, mailbox="INBOX", cafile=True):
    """--imap/--imap-user/--imap-password-file[/--cafile] for the test server."""
    args = ["--imap=" + server.dovecot.url(mailbox), "--imap-user=" + server.dovecot.user,
            "--imap-password-file=" + pwfile]
    if cafile:
        args.append("--cafile=" + server.dovecot.ca_cert)
    return args


def without_recent(flags):
    """{uid: flags without \\Recent}."""
    return {u: set(f) - {"\\Recent"} for u, f in flags.items()}


def test_fixture_dovecot_internaldate_is_the_file_mtime(imap_server):
    dates = imap_server.dovecot.internaldates()
    for name, (gen, hours, folder, flags) in IMAP_INBOX.items():
        want = imap_server.started - hours * HOUR
        assert abs(dates[imap_server.uids[name]] - want) < 1.5, (name, dates)
    assert without_recent(imap_server.flags0)[imap_server.uids["arf_seen"]] == {"\\Seen"}
    assert without_recent(imap_server.flags0)[imap_server.uids["arf1"]] == set()


def test_imap_counts_both_formats(imap_server, imap_password_file):
    r = run_jmrp(imap_args(imap_server, imap_password_file))
    perf = check(r, "OK")
    e = IMAP_INBOX_EXPECT
    assert (perf["complaints"], perf["ips"], perf["unparsed"]) == (
        e["complaints"], e["ips"], e["unparsed"]), r.stdout
    assert dict(ip_counts(r.stdout)) == e["by_ip"], r.stdout
    assert "top 192.0.2.10: 4" in first_line(r.stdout)
    assert sender_counts(r.stdout) == {"example.com": 5, "example.net": 2}, r.stdout
    lines = unparsed_lines(r.stdout)
    assert len(lines) == 1, r.stdout
    assert re.search(r"\bUID %d\b|\b%d\b" % ((imap_server.uids["welcome"],) * 2),
                     lines[0][1]), (imap_server.uids, lines)


def test_imap_other_mailbox_and_window(imap_server, imap_password_file):
    r = run_jmrp(imap_args(imap_server, imap_password_file, IMAP_FOLDER))
    perf = check(r, "OK")
    assert perf["complaints"] == 2 and perf["ips"] == 1, r.stdout
    assert dict(ip_counts(r.stdout)) == IMAP_FOLDER_EXPECT["by_ip"]
    r = run_jmrp(imap_args(imap_server, imap_password_file) + ["--window=4d"])
    assert check(r, "OK")["complaints"] == 8, r.stdout
    r = run_jmrp(imap_args(imap_server, imap_password_file) + ["--window=90m"])
    assert check(r, "OK")["complaints"] == 1, r.stdout


def test_imap_sets_no_flags(imap_server, imap_password_file):
    before = without_recent(imap_server.dovecot.flags())
    assert before == without_recent(imap_server.flags0)
    for extra in ([], ["-vvv"], ["--window=30d"], ["-H", "192.0.2.10"]):
        r = run_jmrp(imap_args(imap_server, imap_password_file) + extra)
        assert r.code == 0, r.stdout + r.stderr
        check_clean(r)
    after = without_recent(imap_server.dovecot.flags())
    assert after == before, "IMAP flags changed: %r -> %r" % (before, after)
    assert all("\\Seen" not in f for u, f in after.items()
               if u != imap_server.uids["arf_seen"]), after


def test_imap_thresholds_and_filters(imap_server, imap_password_file):
    base = imap_args(imap_server, imap_password_file)
    check(run_jmrp(base + ["-w", "5", "-c", "10"]), "WARNING")
    check(run_jmrp(base + ["-w", "2", "-c", "6"]), "CRITICAL")
    perf = check(run_jmrp(base + ["-H", "198.51.100.0/24", "-w", "5"]), "OK")
    assert perf["complaints"] == 2
    perf = check(run_jmrp(base + ["--sender-domain=example.net"]), "OK")
    assert perf["complaints"] == 2


def test_imap_password_never_printed_even_with_vvv(imap_server, imap_password_file):
    """The -vvv trace shows the IMAP dialogue but hides the login line, so
    neither the password nor its base64 SASL forms appear."""
    r = run_jmrp(imap_args(imap_server, imap_password_file) + ["-vvv"])
    check(r, "OK")
    trace = [ln for ln in r.stdout.splitlines() if ln.startswith("imap: ")]
    assert any("EXAMINE" in ln for ln in trace), r.stdout
    assert "imap: > (login, not shown)" in trace, r.stdout
    for form in secret_forms(dovecot.USER, dovecot.PASSWORD):
        assert form not in r.stdout + r.stderr, form


def test_imap_wrong_password_is_unknown_login_failure(imap_server, tmp_path):
    wrong = "Wr0ng-pass-zq81x"
    pw = tmp_path / "wrong.pw"
    pw.write_text(wrong + "\n")
    os.chmod(pw, 0o600)
    for extra in ([], ["-vvv"]):
        r = run_jmrp(imap_args(imap_server, str(pw)) + extra)
        check_source_error(r, "login", "authentication", "auth")
        for form in secret_forms(dovecot.USER, wrong):
            assert form not in r.stdout + r.stderr, (form, r.stdout + r.stderr)
        if extra:
            assert "imap: > (login, not shown)" in r.stdout.splitlines(), r.stdout


def check_real_senders(r):
    """The REAL_SENDERS expectations (issue 11) on a run's output."""
    perf = check(r, "OK")
    e = REAL_SENDERS_EXPECT
    assert {k: perf[k] for k in ("complaints", "ips", "unparsed", "other_reports")} == \
        {k: e[k] for k in ("complaints", "ips", "unparsed", "other_reports")}, r.stdout
    assert dict(ip_counts(r.stdout)) == e["by_ip"], r.stdout
    line = first_line(r.stdout)
    assert summary_re(3, "24h", 3).match(line), line
    assert ", 1 unparsed, 4 other reports |" in line, line
    others = [(s, t) for s, t in detail_lines(r.stdout) if "no junk complaint" in t]
    assert others == [("OK", "4 ARF reports that are no junk complaint (auth-failure: DMARC, DKIM "
                              "or SPF failure; not-spam; ...): not counted")], r.stdout
    # the complaint with a commented Source-IP goes to that IP, never to the
    # original's Received hop; the report with a cut feedback part is unparsed
    assert "203.0.113.77" not in r.stdout, r.stdout
    assert "192.0.2.51" not in r.stdout and "192.0.2.59" not in r.stdout, r.stdout
    [(state, text)] = unparsed_lines(r.stdout)
    assert "truncated" in text, r.stdout
    return perf


def test_imap_mailbox_names_with_blank_and_non_ascii(imap_server, imap_password_file):
    """Percent-encoded (RFC 5092) and raw names; quoted, and modified UTF-7
    for non-ASCII (RFC 3501 5.1.3), in EXAMINE."""
    for name in ("Junk%20Reports", "Junk Reports", "Junk%20%52eports"):
        r = run_jmrp(imap_args(imap_server, imap_password_file, name) + ["-vvv"])
        check_real_senders(r)
        assert any('EXAMINE "Junk Reports"' in ln for ln in r.stdout.splitlines()), r.stdout
    assert IMAP_SPACE_FOLDER == "Junk Reports"
    enc = IMAP_UTF8_FOLDER.encode("utf-8")
    url_name = "".join(chr(b) if 0x21 <= b < 0x7f else "%%%02X" % b for b in enc)
    assert url_name == "Rapports%20ind%C3%A9sirables"
    r = run_jmrp(imap_args(imap_server, imap_password_file, url_name) + ["-vvv"])
    perf = check(r, "OK")
    assert perf["complaints"] == 1 and dict(ip_counts(r.stdout)) == {"192.0.2.61": 1}, r.stdout
    assert any('EXAMINE "Rapports ind&AOk-sirables"' in ln for ln in r.stdout.splitlines()), r.stdout
    # a mailbox that does not exist is still a clear error
    check_source_error(run_jmrp(imap_args(imap_server, imap_password_file, "No%20Such%20Box")),
                       "EXAMINE")


@pytest.mark.parametrize("url_name,why", [
    ("Junk%2", "%XX"), ("Junk%zzReports", "%XX"), ("Junk%0AReports", "control character"),
    ("Junk%FFReports", "UTF-8"),
])
def test_imap_bad_mailbox_names_are_refused(imap_server, imap_password_file, url_name, why):
    check_source_error(run_jmrp(imap_args(imap_server, imap_password_file, url_name)), why)


def test_imap_without_cafile_fails_on_the_certificate(imap_server, imap_password_file):
    r = run_jmrp(imap_args(imap_server, imap_password_file, cafile=False))
    check_source_error(r, "certificate")


def test_imap_insecure_skips_verification(imap_server, imap_password_file):
    r = run_jmrp(imap_args(imap_server, imap_password_file, cafile=False) + ["--insecure"])
    assert check(r, "OK")["complaints"] == IMAP_INBOX_EXPECT["complaints"]


def test_imap_wrong_ca_fails_on_the_certificate(imap_server, imap_password_file, tmp_path):
    certs = testcerts.make_test_certs(str(tmp_path / "other-ca"))
    args = imap_args(imap_server, imap_password_file, cafile=False) + [
        "--cafile=" + certs.ca_cert]
    check_source_error(run_jmrp(args), "certificate")


def test_imap_connection_refused_is_unknown(imap_server, imap_password_file):
    port = free_port()
    args = ["--imap=imaps://127.0.0.1:%d/INBOX" % port, "--imap-user=jmrp",
            "--imap-password-file=" + imap_password_file,
            "--cafile=" + imap_server.dovecot.ca_cert, "-t", "5"]
    r = run_jmrp(args)
    check_source_error(r, "connect", "refused")


def test_imap_missing_mailbox_is_unknown(imap_server, imap_password_file):
    r = run_jmrp(imap_args(imap_server, imap_password_file, "NoSuchFolder"))
    check_source_error(r, "NoSuchFolder", "mailbox", "examine")


def test_imap_missing_password_file_is_unknown(imap_server, tmp_path):
    missing = str(tmp_path / "no.pw")
    r = run_jmrp(imap_args(imap_server, missing))
    check_source_error(r, missing, "password")


def test_imap_settings_from_extra_opts(imap_server, imap_password_file, tmp_path):
    ini = tmp_path / "plugins.ini"
    ini.write_text("[jmrp_mailbox]\nimap = %s\nimap-user = %s\nimap-password-file = %s\n"
                   "cafile = %s\n" % (imap_server.dovecot.url(), imap_server.dovecot.user,
                                      imap_password_file, imap_server.dovecot.ca_cert))
    r = run_jmrp(["--extra-opts=jmrp_mailbox@" + str(ini)])
    assert check(r, "OK")["complaints"] == IMAP_INBOX_EXPECT["complaints"], r.stdout


def test_imap_state_file_second_run_same_counts(imap_server, imap_password_file, tmp_path):
    state = tmp_path / "state" / "jmrp.state"
    state.parent.mkdir()
    args = imap_args(imap_server, imap_password_file) + ["--state-file=" + str(state)]
    p1 = check(run_jmrp(args), "OK")
    assert state.exists() and state.stat().st_size > 0
    p2 = check(run_jmrp(args), "OK")
    for k in ("complaints", "ips", "unparsed"):
        assert p1[k] == p2[k] == IMAP_INBOX_EXPECT[k], (p1, p2)
    assert jm.RCPT_MARK.encode() not in state.read_bytes()
    assert dovecot.PASSWORD.encode() not in state.read_bytes()


SESSION_RE = re.compile(r"imap\(%s\).*Disconnected: .*body_count=(\d+) body_bytes=(\d+)"
                        % re.escape(dovecot.USER))


def run_counting_bodies(server, args):
    """Run check_jmrp against server; (Result, body_count, body_bytes) of its
    IMAP session, from the 'Disconnected' line Dovecot logs for it."""
    def sessions():
        with open(server.dovecot.log, errors="replace") as f:
            return SESSION_RE.findall(f.read())
    before = len(sessions())
    r = run_jmrp(args)
    deadline = time.monotonic() + 5
    while len(sessions()) <= before and time.monotonic() < deadline:
        time.sleep(0.05)
    done = sessions()
    assert len(done) == before + 1, "no single session logged:\n" + server.dovecot.log_text()
    return r, int(done[-1][0]), int(done[-1][1])


def body_fetches(stdout):
    """The BODY.PEEK commands in the -vvv trace."""
    return [ln for ln in stdout.splitlines() if ln.startswith("imap: > ") and "BODY.PEEK" in ln]


def test_imap_bodies_are_fetched_only_for_messages_in_the_window(imap_server, imap_password_file):
    """The search asks from the day before; the window is then checked on
    INTERNALDATE before any body is fetched."""
    args = imap_args(imap_server, imap_password_file) + ["--window=90m", "-vvv"]
    r, bodies, _ = run_counting_bodies(imap_server, args)
    perf = check(r, "OK")
    assert (perf["complaints"], perf["unparsed"]) == (1, 1), r.stdout
    assert bodies == 2
    assert len(body_fetches(r.stdout)) == 2, r.stdout


def test_imap_state_file_second_run_fetches_no_body(imap_server, imap_password_file, tmp_path):
    """With a state file, a second run asks only for the metadata of the
    messages: Dovecot serves no body at all."""
    state = str(tmp_path / "jmrp.state")
    args = imap_args(imap_server, imap_password_file) + ["--state-file=" + state, "-vvv"]
    in_window = IMAP_INBOX_EXPECT["complaints"] + IMAP_INBOX_EXPECT["unparsed"]
    r, bodies, _ = run_counting_bodies(imap_server, args)
    p1 = check(r, "OK")
    assert bodies == in_window, bodies
    r, bodies, body_bytes = run_counting_bodies(imap_server, args)
    p2 = check(r, "OK")
    assert (bodies, body_bytes) == (0, 0)
    assert any("RFC822.SIZE" in ln for ln in r.stdout.splitlines()
               if ln.startswith("imap: > ")), r.stdout
    assert body_fetches(r.stdout) == [], r.stdout
    for k in ("complaints", "ips", "unparsed"):
        assert p1[k] == p2[k] == IMAP_INBOX_EXPECT[k], (p1, p2)
    assert dict(ip_counts(r.stdout)) == IMAP_INBOX_EXPECT["by_ip"], r.stdout


def test_imap_message_too_large_is_unparsed_not_fetched(imap_server, imap_password_file):
    """A message over 8 MiB is listed as unparsed ("larger than 8388608
    bytes") from its RFC822.SIZE, never downloaded; the others are counted."""
    args = imap_args(imap_server, imap_password_file, IMAP_LARGE_FOLDER)
    r, bodies, body_bytes = run_counting_bodies(imap_server, args)
    perf = check(r, "OK")
    assert (perf["complaints"], perf["unparsed"]) == (1, 1), r.stdout
    assert dict(ip_counts(r.stdout)) == {"192.0.2.78": 1}, r.stdout
    lines = unparsed_lines(r.stdout)
    assert len(lines) == 1 and re.match(r"^unparsed: UID \d+: larger than 8388608 bytes$",
                                        lines[0][1]), r.stdout
    assert bodies == 1 and body_bytes < 1024 * 1024, (bodies, body_bytes)


# --------------------------------------------------------------------------
# state file
# --------------------------------------------------------------------------

def test_state_file_second_run_gives_the_same_counts(basic_maildir, tmp_path):
    path, _ = basic_maildir
    sdir = tmp_path / "state"
    sdir.mkdir()
    state = sdir / "jmrp.state"
    r1 = run_jmrp(["-M", path, "--state-file=" + str(state)])
    p1 = check_basic_counts(r1)
    assert state.is_file() and state.stat().st_size > 0
    assert os.listdir(sdir) == ["jmrp.state"], "temporary files left: %r" % os.listdir(sdir)
    r2 = run_jmrp(["-M", path, "--state-file=" + str(state)])
    p2 = check_basic_counts(r2)
    for k in ("complaints", "ips", "unparsed"):
        assert p1[k] == p2[k]
    assert ip_counts(r1.stdout) == ip_counts(r2.stdout)
    assert sender_counts(r1.stdout) == sender_counts(r2.stdout)
    assert len(unparsed_lines(r2.stdout)) == 2, r2.stdout
    assert os.listdir(sdir) == ["jmrp.state"], os.listdir(sdir)


def test_state_file_holds_no_recipient(basic_maildir, tmp_path):
    path, _ = basic_maildir
    state = tmp_path / "jmrp.state"
    check(run_jmrp(["-M", path, "--state-file=" + str(state)]), "OK")
    assert jm.RCPT_MARK.encode() not in state.read_bytes()


def test_state_file_follows_new_and_removed_messages(basic_maildir, tmp_path):
    path, names = basic_maildir
    state = str(tmp_path / "jmrp.state")
    check_basic_counts(run_jmrp(["-M", path, "--state-file=" + state]))
    md = jm.Maildir(path)
    md.add(jm.arf_report("192.0.2.10"), time.time() - 60)
    os.unlink(os.path.join(path, "new", names["legacy_a"]))
    r = run_jmrp(["-M", path, "--state-file=" + state])
    perf = check(r, "OK")
    assert perf["complaints"] == BASIC_EXPECT["complaints"], r.stdout
    ips = dict(ip_counts(r.stdout))
    assert ips["192.0.2.10"] == 5 and ips["198.51.100.7"] == 1, r.stdout


def test_state_file_is_replaced_atomically(basic_maildir, tmp_path):
    """The state file is replaced by rename: a new inode each run, never
    truncated in place (a hard link to the old one keeps the old content)."""
    path, _ = basic_maildir
    state = tmp_path / "jmrp.state"
    check(run_jmrp(["-M", path, "--state-file=" + str(state)]), "OK")
    old = tmp_path / "old-link"
    os.link(state, old)
    content = old.read_bytes()
    jm.Maildir(path).add(jm.arf_report("192.0.2.99"), time.time() - 60)
    check(run_jmrp(["-M", path, "--state-file=" + str(state)]), "OK")
    assert os.stat(state).st_ino != os.stat(old).st_ino, "state file rewritten in place"
    assert old.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == ["Maildir", "jmrp.state", "old-link"]


@pytest.mark.parametrize("garbage", [
    b"\x00\x01\x02garbage{{{[[[\n" * 20,
    b"",
    b"not a state file\n",
    b'{"version": 99, "entries": "nonsense"}\n',
])
def test_corrupt_state_file_is_ignored(basic_maildir, tmp_path, garbage):
    path, _ = basic_maildir
    state = tmp_path / "jmrp.state"
    state.write_bytes(garbage)
    r = run_jmrp(["-M", path, "--state-file=" + str(state)])
    check_basic_counts(r)
    assert state.read_bytes() != garbage or garbage == b"", "state file not rewritten"
    r2 = run_jmrp(["-M", path, "--state-file=" + str(state)])
    check_basic_counts(r2)


# --------------------------------------------------------------------------
# reports as real senders make them (issue 11)
# --------------------------------------------------------------------------

@pytest.fixture
def real_senders_maildir(tmp_path, jmrp_plugin):
    md = jm.Maildir(str(tmp_path / "Maildir"))
    now = time.time()
    for gen, hours in REAL_SENDERS.values():
        md.add(gen(), now - hours * HOUR)
    return md.path


def test_real_senders_in_maildir(real_senders_maildir, tmp_path):
    check_real_senders(run_jmrp(["-M", real_senders_maildir]))
    # the kinds survive the state file: the second run reads every one from it
    state = str(tmp_path / "jmrp.state")
    for _ in range(2):
        check_real_senders(run_jmrp(["-M", real_senders_maildir, "--state-file=" + state]))


def test_real_senders_in_mbox(tmp_path, jmrp_plugin):
    path = str(tmp_path / "jmrp.mbox")
    now = time.time()
    jm.write_mbox(path, [(gen(), now - hours * HOUR)
                         for gen, hours in sorted(REAL_SENDERS.values(), key=lambda gh: -gh[1])])
    check_real_senders(run_jmrp(["--mbox=" + path]))


def test_other_reports_never_enter_count_or_rate(real_senders_maildir):
    """3 complaints of 1000 sent: 0.3 %; the 4 other reports would make it 0.7 %."""
    r = run_jmrp(["-M", real_senders_maildir, "-w", "3", "-c", "4", "--sent=1000",
                  "--rate-warning=0.5"])
    perf = check(r, "OK")
    assert perf["complaints"] == 3 and perf["other_reports"] == 4, r.stdout
    assert ", rate 0.3%" in first_line(r.stdout), r.stdout
    r = run_jmrp(["-M", real_senders_maildir, "-H", "192.0.2.51"])
    perf = check(r, "OK")
    assert (perf["complaints"], perf["other_reports"]) == (0, 4), r.stdout


def test_help_says_how_to_give_the_password(jmrp_plugin):
    """--help names --imap-password-file and its ini key, and never sends the
    user to an 'imap-password' key (an abbreviation of the -file option)."""
    r = run_jmrp(["--help"])
    assert r.code == 3, r.stdout
    text = " ".join(r.stdout.split())
    assert "--imap-password-file=FILE" in text, r.stdout
    assert "imap-password-file = FILE" in text, r.stdout
    assert "Give the password in a file or with --extra-opts" not in text, r.stdout
    assert not re.search(r"imap-password(?!-file)", r.stdout), r.stdout


# Maildir file names whose key (the part before ':') is empty, blank, holds
# a tab or bytes that are no UTF-8, or differs from another only in such bytes
# (issue 12: a name that cleaned to an empty key made a state file the next
# run refused as corrupt).
ODD_NAMES = [":2,S", " ", "\t", "a b", "a\tb", "a\x01b", "caf\xe9", "caf?", "x" * 250]


def test_state_file_round_trip_with_odd_maildir_names(tmp_path, jmrp_plugin):
    md = jm.Maildir(str(tmp_path / "Maildir"))
    now = time.time()
    paths = []
    for i, name in enumerate(ODD_NAMES):
        folder = "cur" if ":2," in name else "new"
        paths.append(md.add(jm.arf_report("192.0.2.%d" % (i + 1)), now - HOUR,
                            folder=folder, name=os.fsencode(name).decode("utf-8", "surrogateescape")))
    n = len(ODD_NAMES)
    sdir = tmp_path / "state"
    sdir.mkdir()
    state = sdir / "jmrp.state"
    r1 = run_jmrp(["-M", md.path, "--state-file=" + str(state)])
    perf = check(r1, "OK")
    assert perf["complaints"] == n and perf["ips"] == n and perf["unparsed"] == 0, r1.stdout
    assert "state file" not in r1.stdout, r1.stdout
    data = state.read_bytes()
    lines = data.split(b"\n")
    assert lines[0] == b"mailrep-jmrp-state 1" and lines[-1] == b"", data
    assert len(lines) == n + 2, data
    for ln in lines[1:-1]:
        key = ln.split(b"\t")[0]
        assert key and all(0x21 <= b <= 0x7e for b in key), ln
    # The next runs must take every message from the state file: a complaint
    # turned into junk on disk (same name, same mtime) stays a complaint.
    for p in paths:
        st = os.stat(p)
        with open(p, "wb") as f:
            f.write(b"Subject: no longer a report\n\nhello\n")
        os.utime(p, (st.st_atime, st.st_mtime))
    for _ in range(2):
        r = run_jmrp(["-M", md.path, "--state-file=" + str(state)])
        perf = check(r, "OK")
        assert perf["complaints"] == n and perf["unparsed"] == 0, r.stdout
        assert "state file" not in r.stdout, "false notice:\n" + r.stdout
        assert sorted(state.read_bytes().split(b"\n")) == sorted(lines)
    assert os.listdir(sdir) == ["jmrp.state"], os.listdir(sdir)


def test_state_file_bad_line_costs_only_its_message(basic_maildir, tmp_path):
    """A damaged line is skipped with a note; every other message still comes
    from the state file, and the next save drops the damage."""
    path, names = basic_maildir
    state = tmp_path / "jmrp.state"
    check_basic_counts(run_jmrp(["-M", path, "--state-file=" + str(state)]))
    lines = state.read_bytes().split(b"\n")
    lines.insert(2, b"\t1\t2\t-\t-\t\t")   # the empty key of issue 12
    state.write_bytes(b"\n".join(lines))
    # a message still known from the state file is counted from it: make one
    # unreadable as a complaint on disk to tell
    victim = os.path.join(path, "new", names["arf_a"])
    st = os.stat(victim)
    with open(victim, "wb") as f:
        f.write(b"Subject: x\n\nx\n")
    os.utime(victim, (st.st_atime, st.st_mtime))
    r = run_jmrp(["-M", path, "--state-file=" + str(state)])
    check_basic_counts(r)
    assert any("1 bad line skipped (line 3)" in t for _, t in detail_lines(r.stdout)), r.stdout
    r = run_jmrp(["-M", path, "--state-file=" + str(state)])
    check_basic_counts(r)
    assert "state file" not in r.stdout, r.stdout


def test_truncated_state_file_is_ignored(basic_maildir, tmp_path):
    path, _ = basic_maildir
    state = tmp_path / "jmrp.state"
    check(run_jmrp(["-M", path, "--state-file=" + str(state)]), "OK")
    data = state.read_bytes()
    state.write_bytes(data[:len(data) // 2])
    check_basic_counts(run_jmrp(["-M", path, "--state-file=" + str(state)]))


def test_state_file_of_another_mailbox_does_not_leak_counts(basic_maildir, tmp_path):
    path, _ = basic_maildir
    state = str(tmp_path / "jmrp.state")
    check_basic_counts(run_jmrp(["-M", path, "--state-file=" + state]))
    other = jm.Maildir(str(tmp_path / "other"))
    other.add(jm.arf_report("198.51.100.200"), time.time() - HOUR)
    perf = check(run_jmrp(["-M", other.path, "--state-file=" + state]), "OK")
    assert perf["complaints"] == 1 and perf["unparsed"] == 0


# --------------------------------------------------------------------------
# 100,000 messages
# --------------------------------------------------------------------------

_RUSAGE_WRAPPER = r"""
import resource, subprocess, sys
out = sys.argv[1]
p = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL)
with open(out, "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(p.returncode)
"""


def _is_asan(path):
    """Whether the binary was built with AddressSanitizer."""
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def test_hundred_thousand_messages_in_one_run_with_bounded_memory(tmp_path, jmrp_plugin):
    path = str(tmp_path / "big")
    expect = jm.write_big_maildir(path, n=100000)
    assert len(os.listdir(os.path.join(path, "new"))) + \
        len(os.listdir(os.path.join(path, "cur"))) == 100000
    rss_file = str(tmp_path / "rss")
    env = None
    asan = _is_asan(jmrp_plugin)
    if asan:
        env = {"ASAN_OPTIONS": plugin_env().get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16"}
    r = run_jmrp(["-M", path, "-t", "120", "--max-details=5"], timeout=150, env=env,
                 wrapper=[sys.executable, "-c", _RUSAGE_WRAPPER, rss_file])
    perf = check(r, "OK")
    assert perf["complaints"] == expect.complaints, (expect, first_line(r.stdout))
    assert perf["unparsed"] == expect.unparsed, (expect, first_line(r.stdout))
    assert perf["ips"] == expect.ips, (expect, first_line(r.stdout))
    assert "top %s: %d" % (expect.top_ip, expect.top_count) in first_line(r.stdout), \
        (expect, first_line(r.stdout))
    assert len(ip_counts(r.stdout)) == 5, r.stdout[:2000]
    with open(rss_file) as f:
        maxrss_mb = int(f.read()) / 1024.0
    bound = 400 if asan else 200
    assert maxrss_mb < bound, "peak RSS %.0f MB (bound %d MB)" % (maxrss_mb, bound)
    print("100k maildir: %.1fs, peak RSS %.1f MB%s" % (r.elapsed, maxrss_mb,
                                                       " (ASan)" if asan else ""))
    shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------
# output formats (--help and --version: test_contract.py)
# --------------------------------------------------------------------------

def test_one_line_format(basic_maildir):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path, "--output-format=one-line"])
    perf = check(r, "OK")
    assert r.stdout.rstrip("\n").count("\n") == 0, r.stdout
    assert perf["complaints"] == 9


def test_json_format(basic_maildir):
    path, _ = basic_maildir
    r = run_jmrp(["-M", path, "--output-format=json", "-w", "5", "-c", "10"])
    assert r.code == 1, r.stdout
    check_clean(r)
    doc = json.loads(r.stdout)
    assert doc["prefix"] == "JMRP" and doc["state"] == "WARNING" and doc["exit_code"] == 1
    assert "9 complaints" in doc["summary"]
    assert [p["label"] for p in doc["perfdata"]] == PERF_LABELS
    perf = {p["label"]: p for p in doc["perfdata"]}
    assert perf["complaints"]["value"] == 9 and perf["ips"]["value"] == 5
    assert perf["unparsed"]["value"] == 2 and perf["time"]["uom"] == "s"
    texts = [s["text"] for s in doc["subchecks"]]
    assert any(t.startswith("192.0.2.10: 4 complaint") for t in texts), texts
    assert any(t.startswith("sender example.com: 6") for t in texts), texts
    unp = [s for s in doc["subchecks"] if s["text"].startswith("unparsed: ")]
    assert len(unp) == 2 and all(s["state"] == "UNKNOWN" for s in unp), unp


# --------------------------------------------------------------------------
# bad arguments
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args,needles", [
    ([], ("source", "maildir", "mbox", "imap")),
    (["-M", "@MD", "--mbox", "@MB"], ("one", "source", "mbox", "maildir")),
    (["-M", "@MD", "--imap=imaps://127.0.0.1/INBOX", "--imap-user=u",
      "--imap-password-file=@PW"], ("one", "source", "imap", "maildir")),
    (["-M", "@MD", "--window=10x"], ("window",)),
    (["-M", "@MD", "--window=-1h"], ("window",)),
    (["-M", "@MD", "--window=abc"], ("window",)),
    (["-M", "@MD", "--window="], ("window",)),
    (["-M", "@MD", "-H", "192.0.2.0/33"], ("192.0.2.0/33", "ip", "cidr")),
    (["-M", "@MD", "-H", "300.1.2.3"], ("300.1.2.3", "ip", "address")),
    (["-M", "@MD", "-H", "2001:db8::/129"], ("2001:db8::/129", "ip", "cidr")),
    (["-M", "@MD", "--rate-warning=1"], ("sent", "rate")),
    (["-M", "@MD", "--rate-critical=1"], ("sent", "rate")),
    (["-M", "@MD", "--sent=abc", "--rate-warning=1"], ("sent",)),
    (["-M", "@MD", "--sent=-5", "--rate-warning=1"], ("sent",)),
    (["-M", "@MD", "-w", "abc"], ("warning", "range")),
    (["-M", "@MD", "-c", "5:1"], ("critical", "range")),
    (["-M", "@MD", "--max-details=-1"], ("max-details",)),
    (["-M", "@MD", "--output-format=xml"], ("output-format", "format")),
    (["--imap=imaps://127.0.0.1/INBOX", "--imap-password-file=@PW"], ("user", "imap")),
    (["--imap=imaps://127.0.0.1/INBOX", "--imap-user=u"], ("password", "imap")),
    (["--imap=imap://127.0.0.1/INBOX", "--imap-user=u", "--imap-password-file=@PW"],
     ("imaps", "imap", "url")),
    (["--imap=http://127.0.0.1/", "--imap-user=u", "--imap-password-file=@PW"],
     ("imaps", "imap", "url")),
    (["-M", "@MD", "--no-such-option"], ("no-such-option", "option", "unrecognized")),
    (["-M", "@MD", "stray-positional"], ("stray-positional", "argument")),
])
def test_bad_arguments_exit_3_with_usage(tmp_path, jmrp_plugin, args, needles):
    md = jm.Maildir(str(tmp_path / "md"))
    mb = tmp_path / "x.mbox"
    mb.write_bytes(b"")
    pw = tmp_path / "pw"
    pw.write_text("secret-not-used\n")
    subst = {"@MD": md.path, "@MB": str(mb), "@PW": str(pw)}
    real = []
    for a in args:
        for k, v in subst.items():
            a = a.replace(k, v)
        real.append(a)
    r = run_jmrp(real)
    check_bad_input(r, "JMRP", *needles)


def test_password_file_content_is_never_echoed_in_errors(tmp_path, jmrp_plugin):
    """The password file is read and the connection fails (nothing listens):
    the error and the -vvv trace of the attempt never show the password."""
    pw = tmp_path / "pw"
    pw.write_text(dovecot.PASSWORD + "\n")
    os.chmod(pw, 0o600)
    r = run_jmrp(["--imap=imaps://127.0.0.1:%d/INBOX" % free_port(), "--imap-user=" + dovecot.USER,
                  "--imap-password-file=" + str(pw), "-vvv", "-t", "5"])
    check_source_error(r, "connect", "refused")
    assert any(ln.startswith("imap: ") for ln in r.stdout.splitlines()), \
        "no -vvv trace of the connection attempt:\n" + r.stdout


def test_state_file_keeps_a_message_read_by_a_mail_client(basic_maildir, tmp_path):
    """A mail client moving new/NAME to cur/NAME:2,S between runs changes
    nothing: the message is counted once, under the same IP."""
    path, names = basic_maildir
    state = str(tmp_path / "jmrp.state")
    r1 = run_jmrp(["-M", path, "--state-file=" + state])
    check_basic_counts(r1)
    for name in ("arf_a", "legacy_a", "welcome"):
        os.rename(os.path.join(path, "new", names[name]),
                  os.path.join(path, "cur", names[name] + ":2,S"))
    r2 = run_jmrp(["-M", path, "--state-file=" + state])
    check_basic_counts(r2)
    assert ip_counts(r1.stdout) == ip_counts(r2.stdout)


def test_long_utf8_labels_are_cut_at_a_character_boundary(tmp_path, jmrp_plugin):
    """An unparsed message whose Maildir name is long UTF-8 text is listed
    with its name cut between characters, never inside one (the renderer
    would show the cut character's bytes as '?'), also when the name comes
    back from the state file; the output stays valid UTF-8."""
    md = jm.Maildir(str(tmp_path / "md"))
    name = "%d.M1P1Q1.host" % int(time.time()) + "\u00e9" * 60
    with open(os.path.join(md.path, "new", name), "wb") as f:
        f.write(jm.non_complaint("welcome"))
    os.utime(os.path.join(md.path, "new", name), (time.time() - HOUR,) * 2)
    state = str(tmp_path / "jmrp.state")
    for args in ([], ["--state-file=" + state], ["--state-file=" + state],
                 ["--output-format=json"]):
        r = run_jmrp(["-M", md.path] + args)
        assert r.code == 0, r.stdout
        text = r.stdout
        assert "\ufffd" not in text, text  # a byte that is no UTF-8
        if args == ["--output-format=json"]:
            assert json.loads(text)["perfdata"][2]["value"] == 1
        else:
            lines = unparsed_lines(text)
            assert len(lines) == 1, text
            label = lines[0][1][len("unparsed: "):].split(": ", 1)[0]
            assert label.startswith("new/" + name[:30]) and label.endswith("\u00e9"), label


def test_unparsed_list_order_is_the_same_with_a_state_file(tmp_path, jmrp_plugin):
    """Unparsed messages are listed in the order they are met, whether they
    were parsed in this run or taken from the state file."""
    now = time.time()
    md = jm.Maildir(str(tmp_path / "md"))
    for i in range(12):
        md.add(jm.non_complaint("welcome" if i % 2 else "plain"), now - HOUR - i)
    state = str(tmp_path / "jmrp.state")
    plain = unparsed_lines(run_jmrp(["-M", md.path]).stdout)
    assert len(plain) == 12
    for run in range(2):  # the second run takes every message from the state file
        r = run_jmrp(["-M", md.path, "--state-file=" + state])
        assert check(r, "OK")["unparsed"] == 12
        assert unparsed_lines(r.stdout) == plain, (run, r.stdout)


def test_mbox_state_file_follows_messages_not_their_offsets(tmp_path, jmrp_plugin):
    """With --state-file, deleting an earlier message of the mbox leaves the
    later ones counted as themselves: B's IP is counted, never A's (whose
    cached result once sat at B's new offset)."""
    now = time.time()
    path = str(tmp_path / "ab.mbox")
    a = (jm.arf_report("192.0.2.81"), now - 2 * HOUR)
    b = (jm.legacy_report("198.51.100.82"), now - HOUR)
    state = str(tmp_path / "jmrp.state")
    jm.write_mbox(path, [a, b])
    r = run_jmrp(["--mbox", path, "--state-file=" + state], env=UTC)
    assert dict(ip_counts(r.stdout)) == {"192.0.2.81": 1, "198.51.100.82": 1}, r.stdout
    jm.write_mbox(path, [b])
    r = run_jmrp(["--mbox", path, "--state-file=" + state], env=UTC)
    perf = check(r, "OK")
    assert perf["complaints"] == 1, r.stdout
    assert dict(ip_counts(r.stdout)) == {"198.51.100.82": 1}, r.stdout
    # a message added later is parsed, the cached one still counted
    jm.write_mbox(path, [b, (jm.arf_report("203.0.113.83"), now - 60)])
    r = run_jmrp(["--mbox", path, "--state-file=" + state], env=UTC)
    assert dict(ip_counts(r.stdout)) == {"198.51.100.82": 1, "203.0.113.83": 1}, r.stdout


def test_state_file_is_saved_when_a_run_times_out(tmp_path, jmrp_plugin):
    """A mailbox too large for one run's -t: each timed-out run still saves
    what it parsed (and keeps what earlier runs parsed), so later runs catch
    up and one finally counts everything."""
    path = str(tmp_path / "big")
    expect = jm.write_big_maildir(path, n=20000)
    state = tmp_path / "jmrp.state"
    args = ["-M", path, "--state-file=" + str(state), "-t", "1"]
    # The readers check the deadline at every message, so even under ASan the run stops within the 150 ms the soft
    # deadline leaves before the hard one at -t 1, and saves.
    r = run_jmrp(args)
    assert r.code == 3 and "timed out after" in first_line(r.stdout), \
        "the first run should time out:\n" + r.stdout[:500]
    check_clean(r)
    assert state.is_file(), "a timed-out run saved no state file"
    lines = len(state.read_bytes().splitlines())
    assert lines > 1, state.read_bytes()[:500]
    for _ in range(200):
        r = run_jmrp(args)
        now = len(state.read_bytes().splitlines())
        if r.code != 3:
            break
        assert "timed out after" in first_line(r.stdout), r.stdout[:500]
        # a run on a busy machine may not get past the cached messages, but never loses any
        assert now >= lines, "a timed-out run lost state: %d -> %d lines" % (lines, now)
        lines = now
    perf = check(r, "OK")
    assert (perf["complaints"], perf["unparsed"], perf["ips"]) == (
        expect.complaints, expect.unparsed, expect.ips), (expect, first_line(r.stdout))
    assert now == 1 + expect.complaints + expect.unparsed
