"""SMTP counterpart servers for the check_ms_smtp black-box tests.

Import the fixtures into a conftest or test module:

    from smtp_fixtures import (smtp_certs, fake_mx_factory, fake_mx,
                               postfix_mx, read_log, commands)   # noqa: F401

Fixtures
--------
smtp_certs (session)
    testcerts.CertSet: a throw-away CA (ca_cert) and server certificates for
    localhost/127.0.0.1/::1 (server_cert/server_key), plus wrongname_*,
    expired_* and selfsigned_* variants, made with openssl in a temp dir.

fake_mx_factory (function)
    start(script, *, tls=True, cert=None, key=None, listen_host="127.0.0.1",
          extra_args=()) -> FakeMx
    Starts tests/servers/fake_mx.py with script (a name in
    tests/servers/scripts without ".json", a path, or a dict written to a
    temp file) on a free port of listen_host ("::1" for IPv6).  tls=True
    gives it the test server certificate (cert/key override it).  All
    servers started are stopped by PID when the test ends.

fake_mx (function)
    A FakeMx for one script chosen by indirect parametrization
    (@pytest.mark.parametrize("fake_mx", ["block_s3140"], indirect=True));
    default "accept_all".

postfix_mx (session)
    A real Debian Postfix (separate instance in a temp dir, smtpd on
    127.0.0.1:PORT only, STARTTLS with the test certificate, no delivery
    anywhere).  Client address rules (check_client_access, cidr):
        127.0.0.5 -> S3140 text at MAIL FROM (PostfixMx.S3140_REPLY; note
                     Postfix puts "<unknown[127.0.0.5]>: Client host
                     rejected: " before any access-map text)
        127.0.0.6 -> 451 4.7.650 throttle at MAIL FROM
        127.0.0.7 -> 550 5.7.606 banned sending IP at RCPT TO
        anything else (127.0.0.1) -> accepted
    Recipients probe@localhost and postmaster@localhost are accepted (and
    discarded); other local parts get 550 5.1.1; other domains 554 relay
    access denied.

FakeMx and PostfixMx unpack as (host, port, log_path).  FakeMx's log is the
JSON-lines log of fake_mx.py (see read_log/commands); PostfixMx's is the
Postfix maillog.

Without pytest (e.g. by hand): running_fake_mx(...) and running_postfix(...)
are context managers doing the same.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
SERVERS_DIR = os.path.join(REPO_ROOT, "tests", "servers")
SCRIPTS_DIR = os.path.join(SERVERS_DIR, "scripts")
FAKE_MX = os.path.join(SERVERS_DIR, "fake_mx.py")

if SERVERS_DIR not in sys.path:
    sys.path.insert(0, SERVERS_DIR)
import testcerts  # noqa: E402
from testutil import (free_tcp_port, read_jsonl,  # noqa: E402
                      start_scripted_server, stop_process, wait_until)

try:
    import pytest
except ImportError:  # usable by hand without pytest
    pytest = None

POSTFIX = "/usr/sbin/postfix"
POSTFIX_INSTALL_HINT = (
    "Postfix is needed for the check_ms_smtp tests: as root run\n"
    "  echo 'postfix postfix/main_mailer_type select No configuration' | "
    "debconf-set-selections\n"
    "  DEBIAN_FRONTEND=noninteractive apt-get install -y "
    "--no-install-recommends postfix")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def script_path(script, workdir=None):
    """Path of a fake_mx script given as a name, a path, or a dict."""
    if isinstance(script, dict):
        fd, path = tempfile.mkstemp(prefix="script-", suffix=".json",
                                    dir=workdir)
        with os.fdopen(fd, "w") as f:
            json.dump(script, f)
        return path
    if os.sep in script or script.endswith(".json"):
        return script
    return os.path.join(SCRIPTS_DIR, script + ".json")


def read_log(log_path):
    """All records of a fake_mx JSON-lines log (empty list if none yet)."""
    return read_jsonl(log_path)


def commands(log_path, conn=None):
    """The "command" records (client commands and the banner) of a log,
    optionally of one connection number only."""
    return [r for r in read_log(log_path)
            if r["event"] == "command" and (conn is None or r["conn"] == conn)]


def stop_pid(pid, timeout=5.0):
    """SIGTERM a process that is not our child (Postfix's master) by PID, wait up to
    timeout for it to go, then SIGKILL."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def wait_for_banner(host, port, timeout=15.0, source=None):
    """Connect until the server answers with a line; return that line."""
    def banner():
        """One connection: what the server sent first ("" if nothing)."""
        with socket.create_connection((host, port), timeout=2,
                                      source_address=source) as s:
            return s.recv(4096).decode("utf-8", "replace")
    return wait_until(banner, None, timeout,
                      "SMTP banner on %s:%d" % (host, port))


# --------------------------------------------------------------------------
# the fake Microsoft MX
# --------------------------------------------------------------------------

class FakeMx:
    """A running fake_mx.py; unpacks as (host, port, log_path)."""

    def __init__(self, host, port, log_path, proc, script):
        """Keep what tests need to reach, inspect and stop the server."""
        self.host = host
        self.port = port
        self.log_path = log_path
        self.proc = proc
        self.pid = proc.pid
        self.script = script

    def __iter__(self):
        """(host, port, log_path), so "host, port, log = mx" works."""
        return iter((self.host, self.port, self.log_path))

    def records(self):
        """Every log record so far."""
        return read_log(self.log_path)

    def commands(self, conn=None):
        """The command records so far (see commands())."""
        return commands(self.log_path, conn)

    def stages(self, conn=None):
        """The stages of the command records so far, in order."""
        return [r["stage"] for r in self.commands(conn)]

    def connections(self):
        """How many connections the server has seen so far."""
        return sum(1 for r in self.records() if r["event"] == "connect")

    def wait_disconnect(self, count=1, timeout=5.0):
        """Wait until count connections have ended (the log is written by
        the server thread, possibly just after the client exited)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = sum(1 for r in self.records() if r["event"] == "disconnect")
            if done >= count:
                return True
            time.sleep(0.02)
        return False

    def stop(self):
        """Stop the server by PID."""
        stop_process(self.proc)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


def start_fake_mx(script, workdir, certs=None, cert=None, key=None,
                  listen_host="127.0.0.1", extra_args=(), ready_timeout=10.0):
    """Start fake_mx.py on a free port of listen_host; return a FakeMx.

    certs: a CertSet whose server cert is used (unless cert/key are given);
    no certificate means no STARTTLS.  The server's stderr is the .err file
    beside its log in workdir."""
    if certs is not None and cert is None:
        cert, key = certs.server_cert, certs.server_key
    config = script if isinstance(script, dict) else script_path(script)
    srv = start_scripted_server(FAKE_MX, "fake_mx", "--script", config,
                                workdir, cert=cert, key=key,
                                host=listen_host, extra_args=extra_args,
                                ready_timeout=ready_timeout)
    return FakeMx(listen_host, srv.port, srv.log_path, srv.proc,
                  srv.config_path)


@contextlib.contextmanager
def running_fake_mx(script, certs=None, **kwargs):
    """Context manager: a fake MX in its own temp dir, stopped on exit."""
    workdir = tempfile.mkdtemp(prefix="fake_mx-")
    mx = start_fake_mx(script, workdir, certs=certs, **kwargs)
    try:
        yield mx
    finally:
        mx.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------
# real Postfix
# --------------------------------------------------------------------------

S3140_TEXT = ("Unfortunately, messages from [{ip}] weren't sent. Please contact "
              "your Internet service provider since part of their network is on "
              "our block list (S3140). You can also refer your provider to "
              "http://mail.live.com/mail/troubleshooting.aspx#errors.")


def _postfix_reply(action, ip):
    """The reply Postfix sends for an access-map action "NNN X.Y.Z text":
    Postfix always inserts "<client>: Client host rejected: " before the
    text (with smtpd_peername_lookup = no the client name is "unknown")."""
    code, dsn, text = action.split(" ", 2)
    return "%s %s <unknown[%s]>: Client host rejected: %s" % (code, dsn, ip,
                                                              text)


class PostfixMx:
    """A running test Postfix instance; unpacks as (host, port, log_path).

    *_ACTION is the access-map value, *_REPLY the full reply line a client
    gets (see _postfix_reply: Postfix adds its own prefix to the text)."""

    BLOCKED_IP = "127.0.0.5"
    THROTTLED_IP = "127.0.0.6"
    RCPT_BANNED_IP = "127.0.0.7"
    OK_IP = "127.0.0.1"
    MAILBOX = "probe@localhost"
    S3140_ACTION = "550 5.7.1 " + S3140_TEXT.format(ip=BLOCKED_IP)
    S3140_REPLY = _postfix_reply(S3140_ACTION, BLOCKED_IP)
    THROTTLE_ACTION = (
        "451 4.7.650 The mail server [%s] has been temporarily rate limited "
        "due to IP reputation. For e-mail delivery information, see "
        "https://aka.ms/postmaster (S775)" % THROTTLED_IP)
    THROTTLE_REPLY = _postfix_reply(THROTTLE_ACTION, THROTTLED_IP)
    RCPT_BANNED_ACTION = (
        "550 5.7.606 Access denied, banned sending IP [%s]. To request removal "
        "from this list please visit https://sender.office.com/ and follow the "
        "directions. AS(1430)" % RCPT_BANNED_IP)
    RCPT_BANNED_REPLY = _postfix_reply(RCPT_BANNED_ACTION, RCPT_BANNED_IP)

    def __init__(self, base, host, port, ca_cert):
        """base: the instance's temp dir (etc/, queue/, data/, maillog)."""
        self.base = base
        self.host = host
        self.port = port
        self.config_dir = os.path.join(base, "etc")
        self.queue_dir = os.path.join(base, "queue")
        self.log_path = os.path.join(base, "maillog")
        self.ca_cert = ca_cert

    def __iter__(self):
        """(host, port, log_path)."""
        return iter((self.host, self.port, self.log_path))

    def master_pid(self):
        """PID of this instance's master process, or None."""
        try:
            with open(os.path.join(self.queue_dir, "pid", "master.pid")) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def log_text(self):
        """The maillog so far."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


_MAIN_CF = """\
# Test instance for the mailrep-plugins black-box tests; never delivers.
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
maillog_file = {base}/maillog
maillog_file_prefixes = {base}
myhostname = mx.mailrep.test
mydomain = mailrep.test
myorigin = $myhostname
mydestination = localhost, $myhostname
mynetworks = 192.0.2.255/32
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
local_recipient_maps = inline:{{ probe=ok, postmaster=ok }}
local_transport = discard:test instance
default_transport = error:outbound delivery disabled in the test instance
relay_transport = error:outbound delivery disabled in the test instance
notify_classes =
biff = no
append_dot_mydomain = no
smtpd_banner = $myhostname ESMTP Postfix (mailrep test instance)
smtpd_peername_lookup = no
smtpd_delay_reject = no
smtpd_error_sleep_time = 0
smtpd_client_restrictions =
smtpd_helo_restrictions =
smtpd_sender_restrictions = check_client_access cidr:{etc}/sender_access.cidr
# Relay restrictions are checked before recipient restrictions, so the
# RCPT-stage client rule must come first here.
smtpd_relay_restrictions = check_client_access cidr:{etc}/rcpt_access.cidr,
    reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_tls_security_level = may
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
"""

_MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command
{host}:{port} inet n - n - - smtpd
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def _postfix(config_dir, *args, timeout=60):
    """Run the postfix command for this instance; return CompletedProcess."""
    return subprocess.run([POSTFIX, "-c", config_dir] + list(args),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)


def start_postfix(certs, host="127.0.0.1", port=None):
    """Configure and start a separate Postfix instance; return a PostfixMx."""
    if not os.path.exists(POSTFIX):
        raise RuntimeError(POSTFIX_INSTALL_HINT)
    if os.geteuid() != 0:
        raise RuntimeError("the test Postfix instance must be started as root")
    base = tempfile.mkdtemp(prefix="mailrep-postfix-")
    # mkdtemp makes the directory 0700; Postfix daemons run as the postfix
    # user and must be able to reach the queue below it.
    os.chmod(base, 0o755)
    etc = os.path.join(base, "etc")
    queue = os.path.join(base, "queue")
    data = os.path.join(base, "data")
    for d in (etc, queue, data):
        os.mkdir(d, 0o755)
    # The master's lock file lives in data_directory, which Postfix expects
    # to be owned by the mail owner ("postfix check" only warns, master fails).
    owner = pwd.getpwnam("postfix")
    os.chown(data, owner.pw_uid, owner.pw_gid)
    if port is None:
        port = free_tcp_port(host)
    with open(os.path.join(etc, "main.cf"), "w") as f:
        f.write(_MAIN_CF.format(queue=queue, data=data, base=base, etc=etc,
                                cert=certs.server_cert, key=certs.server_key))
    with open(os.path.join(etc, "master.cf"), "w") as f:
        f.write(_MASTER_CF.format(host=host, port=port))
    with open(os.path.join(etc, "sender_access.cidr"), "w") as f:
        f.write("%s/32 %s\n" % (PostfixMx.BLOCKED_IP, PostfixMx.S3140_ACTION))
        f.write("%s/32 %s\n" % (PostfixMx.THROTTLED_IP,
                                PostfixMx.THROTTLE_ACTION))
    with open(os.path.join(etc, "rcpt_access.cidr"), "w") as f:
        f.write("%s/32 %s\n" % (PostfixMx.RCPT_BANNED_IP,
                                PostfixMx.RCPT_BANNED_ACTION))
    pf = PostfixMx(base, host, port, certs.ca_cert)
    res = _postfix(etc, "start")
    if res.returncode != 0:
        out = res.stdout.decode("utf-8", "replace")
        _postfix(etc, "stop")
        raise RuntimeError("postfix start failed (%d): %s\n%s"
                           % (res.returncode, out, pf.log_text()))
    try:
        wait_for_banner(host, port)
    except RuntimeError:
        stop_postfix(pf, keep=True)
        raise RuntimeError("postfix did not answer on %s:%d; log:\n%s"
                           % (host, port, pf.log_text()))
    return pf


def stop_postfix(pf, keep=False):
    """Stop the instance (postfix stop, then its master PID); remove its dir."""
    pid = pf.master_pid()
    _postfix(pf.config_dir, "stop")
    if pid:
        # "postfix stop" has sent SIGTERM already; SIGKILL after 10 s
        stop_pid(pid, timeout=10)
    if not keep and not os.environ.get("MAILREP_KEEP_POSTFIX"):
        shutil.rmtree(pf.base, ignore_errors=True)


@contextlib.contextmanager
def running_postfix(certs, **kwargs):
    """Context manager: a test Postfix instance, stopped on exit."""
    pf = start_postfix(certs, **kwargs)
    try:
        yield pf
    finally:
        stop_postfix(pf)


# --------------------------------------------------------------------------
# pytest fixtures
# --------------------------------------------------------------------------

if pytest is not None:

    @pytest.fixture(scope="session")
    def smtp_certs():
        """Test CA and server certificates, made once per session."""
        d = tempfile.mkdtemp(prefix="mailrep-certs-")
        os.chmod(d, 0o755)
        try:
            yield testcerts.make_test_certs(d)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    @pytest.fixture
    def fake_mx_factory(tmp_path, smtp_certs):
        """start(script, tls=True, cert=None, key=None, listen_host=...,
        extra_args=()) -> FakeMx; every server is stopped after the test."""
        started = []

        def start(script, tls=True, cert=None, key=None,
                  listen_host="127.0.0.1", extra_args=()):
            """Start one fake MX for this test."""
            mx = start_fake_mx(script, str(tmp_path),
                               certs=smtp_certs if tls else None,
                               cert=cert, key=key, listen_host=listen_host,
                               extra_args=extra_args)
            started.append(mx)
            return mx

        yield start
        for mx in started:
            mx.stop()

    @pytest.fixture
    def fake_mx(request, fake_mx_factory):
        """A fake MX with STARTTLS and the script given by indirect
        parametrization (default accept_all)."""
        return fake_mx_factory(getattr(request, "param", "accept_all"))

    @pytest.fixture(scope="session")
    def postfix_mx(smtp_certs):
        """A real Postfix on a loopback port (see the module docstring)."""
        try:
            pf = start_postfix(smtp_certs)
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
        try:
            yield pf
        finally:
            stop_postfix(pf)
