"""Fixtures for the black-box tests of check_dnsbl.

Every test talks only to servers started here on loopback ports:

* rbldnsd: the DNS block lists themselves (ip4set, ip6trie and dnset zones,
  error codes, parked answers, allow-lists, local copies of Spamhaus zone
  names, a fake DQS zone);
* ldns-testns: scripted answers rbldnsd cannot give (SERVFAIL, REFUSED,
  truncation, silence, wrong IDs) plus host and MX records of example.test;
* unbound: a recursive resolver with stub zones for both, for targets that
  need name resolution (hostnames, --mx), as users run the plugin.

Servers live for the whole session and are stopped by PID in teardown,
whatever the tests did.

Shared by the black-box tests of every plugin: binary_path / require_binary /
run_binary / Result (one runner for all four plugins; each plugin's own runner
adds only its secrets and defaults), check_bad_input, STATES and the perfdata
parser.  A plugin binary is $CHECK_<NAME> (CHECK_DNSBL, CHECK_MS_SMTP, ...), or
$BUILDDIR/plugins/<name> (BUILDDIR defaults to the repository root).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import ipaddress
import os
import pwd
import shlex
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import namedtuple

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
SERVERS_DIR = os.path.join(REPO_ROOT, "tests", "servers")
if SERVERS_DIR not in sys.path:
    sys.path.insert(0, SERVERS_DIR)
from testutil import STATE_NAMES, STATES, skip_missing, stop_process, wait_until  # noqa: E402,F401

# 26 characters, like a real Spamhaus DQS key; must never appear in any output.
DQS_KEY = "fakedqskey0123456789abcdef"

# A loopback address that nothing but our rbldnsd (port 53, when it can bind
# there) listens on; every --resolv-conf file names it, so a forgotten -s can
# never reach a real resolver.
RESOLV_ADDR = "127.77.0.1"

PERF_LABELS = ["listed", "targets_listed", "targets", "zones", "errors",
               "queries", "time"]

Result = namedtuple("Result", "code stdout stderr elapsed args")


# --------------------------------------------------------------------------
# the plugins (shared by the black-box tests of all four)
# --------------------------------------------------------------------------

def binary_path(name):
    """Path of plugin name (check_dnsbl, ...): $CHECK_<NAME>, or $BUILDDIR/plugins/<name>."""
    path = os.environ.get(name.upper())
    if path:
        return path
    builddir = os.environ.get("BUILDDIR", REPO_ROOT)
    return os.path.join(builddir, "plugins", name)


def require_binary(name):
    """binary_path(name); fail the test loudly if that binary was not built."""
    path = binary_path(name)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail("%s binary not found at %s (set %s or BUILDDIR)"
                    % (name, path, name.upper()))
    return path


def plugin_env(extra=None, unset=()):
    """Environment for a plugin: C locale, no host extra-opts config, none of the variables
    named in unset (any case), then the variables of extra."""
    drop = {"MP_CONFIG_FILE", "NAGIOS_CONFIG_PATH"}
    unset = {n.lower() for n in unset}
    env = {k: v for k, v in os.environ.items() if k not in drop and k.lower() not in unset}
    env["LC_ALL"] = "C"
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    if extra:
        env.update(extra)
    return env


def check_no_secret(r, secrets):
    """No string of secrets, in any case, in the run's stdout or stderr (or across both)."""
    out = (r.stdout + r.stderr).lower()
    for secret in secrets:
        if secret.lower() in out:
            where = [name for name, text in (("stdout", r.stdout), ("stderr", r.stderr))
                     if secret.lower() in text.lower()] or ["stdout+stderr"]
            raise AssertionError("secret %r leaked on %s of %r:\n--- stdout:\n%s--- stderr:\n%s"
                                 % (secret, "/".join(where), r.args, r.stdout[:6000],
                                    r.stderr[:3000]))


def run_binary(name, args, env=None, timeout=30.0, secrets=(), user=None, unset=(),
               wrapper=(), while_running=None):
    """Run plugin name with args; Result(code, stdout, stderr, elapsed, args), checked by
    check_no_secret(secrets).

    env: variables added to plugin_env(), unset: variables taken out of it; user: a user name
    to run as (needs root); wrapper: a command the plugin's path and args are appended to
    ($MR_WRAP, split like a shell command, is put between wrapper and the plugin: tests/valgrind.sh);
    while_running: a callable run in a thread started once the plugin runs (joined after).
    A run past timeout seconds is killed and raises subprocess.TimeoutExpired."""
    args = [str(a) for a in args]
    # $MR_WRAP (e.g. tests/valgrind.sh's valgrind command) goes right before the plugin itself.
    mr_wrap = shlex.split(os.environ.get("MR_WRAP", ""))
    wrap_t = os.environ.get("MR_WRAP_T") if mr_wrap else None
    if wrap_t:  # a slow wrapper (valgrind) gets a longer -t: its runs are checked for memory, not time
        args = [wrap_t if i > 0 and args[i - 1] in ("-t", "--timeout") else
                ("--timeout=" + wrap_t if a.startswith("--timeout=") else a) for i, a in enumerate(args)]
        timeout += float(wrap_t)
    cmd = [str(w) for w in wrapper] + mr_wrap + [binary_path(name)] + args
    as_user = {}
    if user:
        pw = pwd.getpwnam(user)
        as_user = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
    start = time.monotonic()
    with subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=plugin_env(env, unset),
                          **as_user) as proc:
        helper = None
        if while_running is not None:
            helper = threading.Thread(target=while_running)
            helper.start()
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        finally:
            elapsed = time.monotonic() - start
            if helper is not None:
                helper.join()
    r = Result(proc.returncode, out.decode("utf-8", "replace"),
               err.decode("utf-8", "replace"), elapsed, args)
    check_no_secret(r, secrets)
    return r


def check_bad_input(r, prefix, *needles):
    """Bad arguments: exit 3, a 'PREFIX UNKNOWN - ' first line naming one of needles (any case),
    the usage of check_<prefix> after it, no sanitizer report."""
    text = "args %r, exit %d\n--- stdout:\n%s--- stderr:\n%s" % (
        r.args, r.code, r.stdout[:6000], r.stderr[:3000])
    line = first_line(r.stdout)
    assert r.code == 3, text
    assert line.startswith("%s UNKNOWN - " % prefix), text
    assert any(n.lower() in line.lower() for n in needles), \
        "first line should name one of %r\n%s" % (needles, text)
    rest = r.stdout.split("\n", 1)[1] if "\n" in r.stdout else ""
    assert "check_" + prefix.lower() in rest, "usage expected after the first line\n" + text
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, text


def run_plugin(args, timeout=30.0, env=None):
    """Run check_dnsbl with args; Result.  Every run is checked for the DQS key (whether the
    run was given it or not)."""
    return run_binary("check_dnsbl", args, env=env, timeout=timeout, secrets=[DQS_KEY])


def first_line(stdout):
    """The plugin's status line."""
    return stdout.split("\n", 1)[0]


def parse_perfdata(line):
    """Perfdata of a status line: {label: {value, uom, warn, crit, min, max}}.

    value is a float, or the string "U".  Raises ValueError on syntax errors,
    so a malformed perfdata part fails the test that looks at it.
    """
    if "|" not in line:
        raise ValueError("no perfdata in %r" % line)
    text = line.split("|", 1)[1].strip()
    out = {}
    pos = 0
    while pos < len(text):
        if text[pos] == " ":
            pos += 1
            continue
        if text[pos] == "'":
            end = pos + 1
            label = ""
            while True:
                q = text.index("'", end)
                label += text[end:q]
                if q + 1 < len(text) and text[q + 1] == "'":
                    label += "'"
                    end = q + 2
                    continue
                pos = q + 1
                break
            if text[pos] != "=":
                raise ValueError("bad perfdata near %r" % text[pos:])
            pos += 1
        else:
            eq = text.index("=", pos)
            label = text[pos:eq]
            pos = eq + 1
        sp = text.find(" ", pos)
        if sp < 0:
            sp = len(text)
        fields = text[pos:sp].split(";")
        pos = sp
        raw = fields[0]
        num = raw.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%")
        uom = raw[len(num):]
        if raw == "U":
            value, uom = "U", ""
        else:
            value = float(num)
        rest = fields[1:] + [""] * (4 - len(fields[1:]))
        out[label] = {"value": value, "uom": uom, "warn": rest[0],
                      "crit": rest[1], "min": rest[2], "max": rest[3]}
    return out


def perf_values(line):
    """Perfdata of a status line as {label: value}."""
    return {k: v["value"] for k, v in parse_perfdata(line).items()}


# --------------------------------------------------------------------------
# a tiny DNS client (readiness probes and fixture self-checks)
# --------------------------------------------------------------------------

QTYPES = {"A": 1, "NS": 2, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN",
          4: "NOTIMP", 5: "REFUSED"}

DnsAnswer = namedtuple("DnsAnswer", "id_ok rcode tc answers")


def _encode_name(name):
    """Wire form of a domain name."""
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def _decode_name(msg, pos):
    """Read a possibly compressed name at pos; return (name, next position)."""
    labels = []
    end = None
    for _ in range(128):
        length = msg[pos]
        if length >= 0xC0:
            if end is None:
                end = pos + 2
            pos = ((length & 0x3F) << 8) | msg[pos + 1]
            continue
        pos += 1
        if length == 0:
            break
        labels.append(msg[pos:pos + length].decode("ascii", "replace"))
        pos += length
    return ".".join(labels), (end if end is not None else pos)


def dns_query(port, name, qtype="A", host="127.0.0.1", tcp=False, timeout=1.0):
    """Ask one question; return DnsAnswer or None when nothing answered."""
    qid = int.from_bytes(os.urandom(2), "big") | 1
    query = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    query += _encode_name(name) + struct.pack(">HH", QTYPES[qtype], 1)
    try:
        if tcp:
            with socket.create_connection((host, port), timeout=timeout) as s:
                s.sendall(struct.pack(">H", len(query)) + query)
                buf = b""
                while len(buf) < 2 or len(buf) < 2 + struct.unpack(">H", buf[:2])[0]:
                    chunk = s.recv(65535)
                    if not chunk:
                        return None
                    buf += chunk
                msg = buf[2:]
        else:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(timeout)
                s.sendto(query, (host, port))
                msg, _ = s.recvfrom(65535)
    except (socket.timeout, ConnectionError, OSError):
        return None
    rid, flags, qd, an, _ns, _ar = struct.unpack(">HHHHHH", msg[:12])
    pos = 12
    for _ in range(qd):
        _, pos = _decode_name(msg, pos)
        pos += 4
    answers = []
    for _ in range(an):
        _, pos = _decode_name(msg, pos)
        rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", msg[pos:pos + 10])
        pos += 10
        rdata = msg[pos:pos + rdlen]
        if rtype == 1:
            answers.append(("A", socket.inet_ntoa(rdata)))
        elif rtype == 28:
            answers.append(("AAAA", str(ipaddress.IPv6Address(rdata))))
        elif rtype == 16:
            strings, i = [], 0
            while i < len(rdata):
                strings.append(rdata[i + 1:i + 1 + rdata[i]].decode("utf-8", "replace"))
                i += 1 + rdata[i]
            answers.append(("TXT", "".join(strings)))
        elif rtype == 15:
            pref = struct.unpack(">H", rdata[:2])[0]
            exch, _ = _decode_name(msg, pos + 2)
            answers.append(("MX", "%d %s" % (pref, exch)))
        else:
            answers.append((str(rtype), rdata.hex()))
        pos += rdlen
    return DnsAnswer(rid == qid, RCODES.get(flags & 0xF, str(flags & 0xF)),
                     bool(flags & 0x0200), answers)


def a_values(answer):
    """The A values of a DnsAnswer, sorted."""
    return sorted(v for t, v in answer.answers if t == "A")


# --------------------------------------------------------------------------
# process handling
# --------------------------------------------------------------------------

def free_port(host="127.0.0.1"):
    """A port free for both UDP and TCP on host."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((host, 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind((host, port))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free port found")


def free_port6():
    """A free UDP port on ::1, or None without IPv6 loopback."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
            return s.getsockname()[1]
    except OSError:
        return None


def can_bind_udp(host, port):
    """Whether host:port/udp can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


class Server:
    """A server process started by a fixture and stopped by its PID."""

    def __init__(self, name, cmd, workdir):
        self.name = name
        self.cmd = cmd
        self.log = os.path.join(workdir, name + ".log")
        with open(self.log, "wb") as logf:
            self.proc = subprocess.Popen(cmd, cwd=workdir, stdin=subprocess.DEVNULL,
                                         stdout=logf, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.pid = self.proc.pid

    def alive(self):
        """Whether the process still runs."""
        return self.proc.poll() is None

    def log_text(self):
        """The server's output so far (for failure messages)."""
        try:
            with open(self.log, "r", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def wait_ready(self, probe, timeout=10.0):
        """Poll probe() until it is true; fail with the log if the server dies or never answers."""
        wait_until(probe, self.proc, timeout, self.name, self.log_text)

    def stop(self):
        """SIGTERM by PID, then SIGKILL if it lingers; reap it."""
        stop_process(self.proc)


def start_server(name, cmd, workdir, probe, timeout=10.0):
    """Start a server and wait until probe() succeeds; stop it again on failure."""
    server = Server(name, cmd, workdir)
    try:
        server.wait_ready(probe, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def make_public_dir(prefix):
    """A temp directory readable by other users (rbldnsd drops to user rbldns)."""
    path = tempfile.mkdtemp(prefix=prefix)
    os.chmod(path, 0o755)
    return path


def write_file(directory, name, text, mode=0o644):
    """Write text to directory/name with mode; return the path."""
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


# --------------------------------------------------------------------------
# rbldnsd zone data
# --------------------------------------------------------------------------

SOA = ("$SOA 0 ns.rbl.test. hostmaster.rbl.test. 0 1h 1h 2d 1h\n"
       "$NS 1d ns.rbl.test.\n"
       "$TTL 60\n")

# zone name -> list of (dataset type, file name, contents)
RBL_ZONES = {
    # A ZEN-like list: RFC 5782 entries, several codes, TXT with $, two A
    # records in one answer (192.0.2.13), a listing mixed with an error
    # code (192.0.2.14), a /28 with three listings, part of a /20.
    "zen.test": [
        ("ip4set", "zen.test.v4", SOA + """\
:127.0.0.2:Listed on zen.test, see http://delist.zen.test/lookup?ip=$
127.0.0.2
192.0.2.2
192.0.2.11 :127.0.0.4:Exploited host $, see http://delist.zen.test/lookup?ip=$
192.0.2.12 :127.0.0.10:Policy range $, see http://delist.zen.test/pbl?ip=$
192.0.2.13 :127.0.0.2:Spam source $
192.0.2.13 :127.0.0.9:Hijacked network $
192.0.2.14 :127.0.0.2:Spam source $
192.0.2.14 :127.255.255.254:Error: open resolver
198.51.100.1
198.51.100.5
198.51.100.9
10.20.1.0/30
"""),
        ("ip6trie", "zen.test.v6", SOA + """\
:127.0.0.2:Listed on zen.test, see http://delist.zen.test/lookup?ip=$
::ffff:7f00:2
2001:db8:dead::/48
"""),
    ],
    # IPv6-only list.
    "v6.test": [
        ("ip6trie", "v6.test.v6", SOA + """\
:127.0.0.2:IPv6 listing $
::ffff:7f00:2
2001:db8:dead::/48 :127.0.0.3:IPv6 spam source $
"""),
    ],
    "bl2.test": [
        ("ip4set", "bl2.test.v4", SOA + """\
:127.0.0.2:Listed on bl2.test: $
127.0.0.2
192.0.2.2
192.0.2.3
198.51.100.5
10.20.1.2
10.20.15.255
"""),
    ],
    "bl3.test": [
        ("ip4set", "bl3.test.v4", SOA + """\
:127.0.0.2:Listed on bl3.test: $
127.0.0.2
10.20.8.8
"""),
    ],
    # Error codes in 127.255.255.0/24.
    "err.test": [
        ("ip4set", "err.test.v4", SOA + """\
:127.0.0.2:test entry
127.0.0.2
192.0.2.2 :127.255.255.254:Error: open resolver; https://check.err.test/returnc/pub
192.0.2.3 :127.255.255.252:Error: typo in the zone name
192.0.2.4 :127.255.255.255:Error: too many queries
"""),
    ],
    # A hijacked / parked zone answering outside 127/8.
    "parked.test": [
        ("ip4set", "parked.test.v4", SOA + """\
:62.0.58.94:parked
127.0.0.0/24
192.0.2.0/24
198.51.100.0/24
"""),
    ],
    # A zone answering 127.0.0.1 (URIBL-style refusal).
    "one.test": [
        ("ip4set", "one.test.v4", SOA + """\
:127.0.0.1:Query refused
192.0.2.0/24
"""),
    ],
    # Mailspike rep-like: .17 good reputation, .11 bad.
    "rep.test": [
        ("ip4set", "rep.test.v4", SOA + """\
127.0.0.2 :127.0.0.2:test entry
192.0.2.2 :127.0.0.17:Good reputation H2
192.0.2.3 :127.0.0.11:Bad reputation L4
"""),
    ],
    # dnswl-like allow-list.
    "wl.test": [
        ("ip4set", "wl.test.v4", SOA + """\
:127.0.10.2:Allow-listed: $
127.0.0.2
192.0.2.40
192.0.2.41
"""),
    ],
    # A list without the RFC 5782 entries (fails --selftest).
    "notest.test": [
        ("ip4set", "notest.test.v4", SOA + """\
:127.0.0.2:Listed on notest.test: $
192.0.2.2
192.0.2.40
"""),
    ],
    # A list that lists the whole world, 127.0.0.1 included (fails --selftest).
    "world.test": [
        ("ip4set", "world.test.v4", SOA + """\
:127.0.0.2:Everything is listed
0.0.0.0/1
128.0.0.0/1
"""),
    ],
    # A domain list (dnset) with the RFC 5782 test.ZONE entry.
    "dbl.test": [
        ("dnset", "dbl.test.dn", SOA + """\
:127.0.1.2:Spam domain $
test
bad.example
*.evil.example :127.0.1.4:Phishing domain $
"""),
    ],
    # Local copies of Spamhaus zone names (the plugin knows Spamhaus codes).
    "zen.spamhaus.org": [
        ("ip4set", "zen.spamhaus.org.v4", SOA + """\
:127.0.0.2:https://check.spamhaus.org/sbl/query/SBL1
127.0.0.2
192.0.2.2
192.0.2.4 :127.255.255.254:Error: open resolver; https://check.spamhaus.org/returnc/pub/
192.0.2.5 :127.255.255.252:Error: typo in the zone name
192.0.2.11 :127.0.0.4:https://check.spamhaus.org/query/ip/$
"""),
    ],
    "dbl.spamhaus.org": [
        ("dnset", "dbl.spamhaus.org.dn", SOA + """\
:127.0.1.2:https://check.spamhaus.org/query/domain/$
test
bad.example
*.evil.example :127.0.1.4:https://check.spamhaus.org/query/domain/$
"""),
    ],
    # The DQS zones answer differently from the public-mirror names above,
    # so a listing proves the key rewriting happened.
    DQS_KEY + ".zen.dq.spamhaus.net": [
        ("ip4set", "dqs.zen.v4", SOA + """\
:127.0.0.2:https://check.spamhaus.org/sbl/query/SBL2
127.0.0.2
192.0.2.2
192.0.2.6 :127.0.0.4:https://check.spamhaus.org/query/ip/$
"""),
    ],
    DQS_KEY + ".dbl.dq.spamhaus.net": [
        ("dnset", "dqs.dbl.dn", SOA + """\
:127.0.1.2:https://check.spamhaus.org/query/domain/$
test
dqsonly.example
"""),
    ],
}


# --------------------------------------------------------------------------
# ldns-testns data (scripted answers)
# --------------------------------------------------------------------------

def _entry(match, reply, question, answer=(), authority=(), adjust="copy_id"):
    """One ldns-testns entry."""
    lines = ["ENTRY_BEGIN", "MATCH " + match]
    if adjust:
        lines.append("ADJUST " + adjust)
    lines += ["REPLY " + reply, "SECTION QUESTION", question]
    if answer:
        lines.append("SECTION ANSWER")
        lines += list(answer)
    if authority:
        lines.append("SECTION AUTHORITY")
        lines += list(authority)
    lines.append("ENTRY_END")
    return "\n".join(lines) + "\n"


def _catch_all(zone, rcode, adjust="copy_id copy_query"):
    """An entry answering every name below zone (any type) with rcode."""
    return _entry("opcode subdomain", "QR AA " + rcode, zone + ". IN A",
                  authority=() if rcode in ("SERVFAIL", "REFUSED") else
                  [zone + ". 60 IN SOA ns.testns.test. hostmaster.testns.test. 1 3600 600 86400 60"],
                  adjust=adjust)


def _listing(zone, rev, code="127.0.0.2", txt=None):
    """A and TXT entries of one listed name."""
    name = "%s.%s." % (rev, zone)
    out = _entry("opcode qtype qname", "QR AA NOERROR", name + " IN A",
                 [name + " 60 IN A " + code])
    out += _entry("opcode qtype qname", "QR AA NOERROR", name + " IN TXT",
                  [name + ' 60 IN TXT "%s"' % (txt or "Listed on " + zone)])
    return out


def testns_data():
    """The ldns-testns data file."""
    soa = "example.test. 60 IN SOA ns.testns.test. hostmaster.testns.test. 1 3600 600 86400 60"
    d = "; check_dnsbl black-box test data for ldns-testns\n$TTL 60\n"
    # lst.test: an ordinary listing zone on the scripted server.
    d += _listing("lst.test", "2.0.0.127")
    d += _listing("lst.test", "2.2.0.192", txt="Listed on lst.test, see http://lst.test/?192.0.2.2")
    d += _catch_all("lst.test", "NXDOMAIN")
    # servfail.test / refused.test: every name answers that rcode.
    d += _catch_all("servfail.test", "SERVFAIL")
    d += _catch_all("refused.test", "REFUSED")
    # tc.test: 192.0.2.2 truncated over UDP, listed over TCP.
    name = "2.2.0.192.tc.test."
    d += _entry("opcode qtype qname UDP", "QR AA TC NOERROR", name + " IN A")
    d += _entry("opcode qtype qname TCP", "QR AA NOERROR", name + " IN A",
                [name + " 60 IN A 127.0.0.2"])
    d += _entry("opcode qtype qname", "QR AA NOERROR", name + " IN TXT",
                [name + ' 60 IN TXT "Listed on tc.test (answer over TCP)"'])
    d += _catch_all("tc.test", "NXDOMAIN")
    # wrongid.test: answers that would be listings, but with ID 0.
    name = "2.2.0.192.wrongid.test."
    d += _entry("opcode qtype qname", "QR AA NOERROR", name + " IN A",
                [name + " 60 IN A 127.0.0.2"], adjust="")
    d += _catch_all("wrongid.test", "NXDOMAIN", adjust="copy_query")
    # silent.test: no entry at all, so no reply.
    # example.test: hosts and MX for -H hostname and --mx.
    hosts = {
        "mail.example.test.": (["192.0.2.2", "192.0.2.20"], ["2001:db8:dead::25"]),
        "mx1.example.test.": (["192.0.2.11"], []),
        "mx2.example.test.": (["192.0.2.21"], ["2001:db8:beef::21"]),
    }
    for host, (v4, v6) in hosts.items():
        for qtype, values in (("A", v4), ("AAAA", v6)):
            d += _entry("opcode qtype qname", "QR AA NOERROR", host + " IN " + qtype,
                        [host + " 60 IN %s %s" % (qtype, v) for v in values],
                        authority=[] if values else [soa])
    d += _entry("opcode qtype qname", "QR AA NOERROR", "example.test. IN MX",
                ["example.test. 60 IN MX 10 mx1.example.test.",
                 "example.test. 60 IN MX 20 mx2.example.test."])
    # mail.example.test has addresses but no MX (the host itself receives mail);
    # nullmx.example.test says it accepts no mail (RFC 7505).
    d += _entry("opcode qtype qname", "QR AA NOERROR", "mail.example.test. IN MX",
                authority=[soa])
    d += _entry("opcode qtype qname", "QR AA NOERROR", "nullmx.example.test. IN MX",
                ["nullmx.example.test. 60 IN MX 0 ."])
    d += _entry("opcode qname", "QR AA NOERROR", "example.test. IN A",
                authority=[soa], adjust="copy_id copy_query")
    d += _catch_all("example.test", "NXDOMAIN")
    return d


TESTNS_ZONES = ["lst.test", "servfail.test", "refused.test", "tc.test",
                "wrongid.test", "silent.test", "example.test"]


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------

Servers = namedtuple("Servers", "rbl rbl6 testns resolv_conf resolv_conf_served workdir")
Rbl = namedtuple("Rbl", "port port6 on_53")


@pytest.fixture(scope="session")
def workdir():
    """A session temp directory, removed at the end."""
    path = make_public_dir("check_dnsbl_bb.")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def rbldnsd(workdir):
    """rbldnsd serving RBL_ZONES on 127.0.0.1:PORT, [::1]:PORT6 and RESOLV_ADDR:53 (the last two if possible); yields Rbl."""
    exe = shutil.which("rbldnsd") or "/usr/sbin/rbldnsd"
    if not os.access(exe, os.X_OK):
        skip_missing("rbldnsd is not installed (apt-get install rbldnsd)")
    datadir = os.path.join(workdir, "rbldnsd")
    os.mkdir(datadir)
    os.chmod(datadir, 0o755)
    zone_args = []
    for zone, datasets in RBL_ZONES.items():
        for dtype, fname, text in datasets:
            write_file(datadir, fname, text)
            zone_args.append("%s:%s:%s" % (zone, dtype, fname))
    port = free_port()
    binds = ["-b", "127.0.0.1/%d" % port]
    on_53 = can_bind_udp(RESOLV_ADDR, 53)
    if on_53:
        binds += ["-b", "%s/53" % RESOLV_ADDR]
    port6 = free_port6()
    if port6:
        binds += ["-b", "::1/%d" % port6]
    cmd = [exe, "-n", "-w", datadir] + binds + zone_args
    # -w changes into datadir: the zone files are given relative to it.
    server = start_server("rbldnsd", cmd, workdir,
                          lambda: dns_query(port, "2.0.0.127.zen.test", timeout=0.3) is not None)
    try:
        yield Rbl(port, port6, on_53)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def testns(workdir):
    """ldns-testns with testns_data() on a free port (wildcard address); yields the port."""
    exe = shutil.which("ldns-testns")
    if not exe:
        skip_missing("ldns-testns is not installed (apt-get install ldnsutils)")
    datafile = write_file(workdir, "testns.data", testns_data())
    port = free_port("0.0.0.0")
    server = start_server("ldns-testns", [exe, "-p", str(port), datafile], workdir,
                          lambda: dns_query(port, "2.2.0.192.lst.test", timeout=0.3) is not None)
    try:
        yield port
    finally:
        server.stop()


@pytest.fixture(scope="session")
def unbound(workdir, rbldnsd, testns):
    """unbound as a local recursive resolver with stub zones for both servers; yields its port."""
    exe = shutil.which("unbound") or "/usr/sbin/unbound"
    if not os.access(exe, os.X_OK):
        skip_missing("unbound is not installed (apt-get install unbound)")
    rbl_port = rbldnsd.port
    udir = os.path.join(workdir, "unbound")
    os.mkdir(udir)
    port = free_port()
    conf = ["server:",
            "  interface: 127.0.0.1",
            "  port: %d" % port,
            "  do-ip6: no",
            "  do-not-query-localhost: no",
            "  username: \"\"",
            "  chroot: \"\"",
            "  directory: \"%s\"" % udir,
            "  pidfile: \"%s\"" % os.path.join(udir, "unbound.pid"),
            "  use-syslog: no",
            "  logfile: \"\"",
            "  verbosity: 1",
            "  num-threads: 1",
            "  qname-minimisation: no",
            "  module-config: \"iterator\"",
            "  access-control: 127.0.0.0/8 allow",
            # never recurse to the internet: refuse everything but the stubs
            "  local-zone: \".\" refuse",
            "  local-zone: \"test.\" nodefault"]
    stubs = [(z, rbl_port) for z in RBL_ZONES] + [(z, testns) for z in TESTNS_ZONES]
    for zone, _ in stubs:
        conf.append("  local-zone: \"%s.\" transparent" % zone)
    conf += ["remote-control:", "  control-enable: no"]
    for zone, zport in stubs:
        conf += ["stub-zone:", "  name: \"%s.\"" % zone, "  stub-addr: 127.0.0.1@%d" % zport]
    conffile = write_file(udir, "unbound.conf", "\n".join(conf) + "\n")
    check = subprocess.run(["unbound-checkconf", conffile], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT) if shutil.which("unbound-checkconf") else None
    if check is not None and check.returncode != 0:
        raise RuntimeError("unbound.conf rejected:\n" + check.stdout.decode())
    server = start_server("unbound", [exe, "-d", "-c", conffile], workdir,
                          lambda: dns_query(port, "mail.example.test", timeout=0.5) is not None,
                          timeout=15)
    try:
        yield port
    finally:
        server.stop()


@pytest.fixture(scope="session")
def servers(workdir, rbldnsd, testns):
    """Ports of rbldnsd and ldns-testns plus a --resolv-conf file that names only loopback."""
    resolv = write_file(workdir, "resolv.conf", "nameserver %s\n" % RESOLV_ADDR)
    return Servers(rbldnsd.port, rbldnsd.port6, testns, resolv, rbldnsd.on_53, workdir)


@pytest.fixture(scope="session")
def plugin():
    """The check_dnsbl binary; fail loudly if it was not built."""
    return require_binary("check_dnsbl")


@pytest.fixture
def tmp_files(tmp_path):
    """Write small files for one test: tmp_files(name, text, mode=0o644) -> path."""
    def make(name, text, mode=0o644):
        path = tmp_path / name
        path.write_text(text)
        os.chmod(path, mode)
        return str(path)
    return make
