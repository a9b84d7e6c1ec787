"""Fixtures for the check_jmrp black-box tests.

Import them into the test module:

    from jmrp_fixtures import (jmrp_plugin, jmrp_certs, imap_server,   # noqa: F401
                               imap_password_file, run_jmrp)

Fixtures
--------
jmrp_plugin (session)
    The binary (conftest.binary_path: $CHECK_JMRP, or
    $BUILDDIR/plugins/check_jmrp); fails the test when it is not built.

jmrp_certs (session)
    testcerts.CertSet made with openssl in a temp dir: the test CA (ca_cert)
    and a server certificate for localhost/127.0.0.1.

imap_server (session)
    A real Dovecot (tests/servers/dovecot.py): IMAPS on 127.0.0.1:PORT with
    the test certificate, user dovecot.USER / dovecot.PASSWORD, and these
    messages written as Maildir files before the start (arrival = file mtime
    = INTERNALDATE, relative to the session start):

    INBOX       ARF 192.0.2.10 x3 (new/, 1h/2h/3h ago), ARF 192.0.2.10 in
                cur/ already \\Seen (4h), legacy 198.51.100.7 x2 (5h/6h,
                sender example.net), ARF IPv6 2001:db8::25 (2h), an old ARF
                203.0.113.5 (3 days), the JMRP welcome mail (1h, unparsed)
                -> 24h: 7 complaints, 3 IPs, 1 unparsed
    Complaints  legacy 203.0.113.9 x2 (1h, 2h)
    Large       an ARF 192.0.2.77 of more than 8 MiB (1h, too large to read:
                unparsed), an ARF 192.0.2.78 (2h)
    Junk Reports            REAL_SENDERS (a name with a blank)
    Rapports ind\u00e9sirables an ARF 192.0.2.61 (1h; a non-ASCII name)

    Yields an ImapServer with .dovecot (dovecot.Dovecot: url(), client(),
    flags(), internaldates(), uids_by_message_id()), .uids ({name: UID}
    for the names in IMAP_INBOX) and .flags0 (INBOX flags before any test).
    Skips the tests when Dovecot is not installed.

imap_password_file (session)
    A 0600 file holding the password and a newline.

run_jmrp(args, ...) runs the plugin with conftest.run_binary and checks every
output for SECRETS: no IMAP password in any of its secret_forms, no
complainant address (jm.RCPT_MARK).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import os
import shutil
import sys
import time
from collections import namedtuple

import pytest

from conftest import REPO_ROOT, make_public_dir, require_binary, run_binary

SERVERS_DIR = os.path.join(REPO_ROOT, "tests", "servers")
if SERVERS_DIR not in sys.path:
    sys.path.insert(0, SERVERS_DIR)
import dovecot  # noqa: E402
import jmrp_messages as jm  # noqa: E402
import testcerts  # noqa: E402
from testutil import skip_missing  # noqa: E402


def secret_forms(user, password):
    """Every form in which an IMAP password may travel: as it is, and base64-encoded as SASL
    PLAIN sends it (without and with an authorization identity) and as AUTH=LOGIN does."""
    u, p = user.encode(), password.encode()
    return [password] + [base64.b64encode(b).decode()
                         for b in (b"\0" + u + b"\0" + p, u + b"\0" + u + b"\0" + p, p)]


# What no run may print: the IMAP password (dovecot.PASSWORD) in any form, and the complainant
# address (every one contains jm.RCPT_MARK).
SECRETS = secret_forms(dovecot.USER, dovecot.PASSWORD) + [jm.RCPT_MARK]


def run_jmrp(args, timeout=60.0, env=None, user=None, **kw):
    """Run check_jmrp with args (as user, a name, if given: needs root); conftest.run_binary's
    Result (more keywords go to it), checked for SECRETS."""
    return run_binary("check_jmrp", args, env=env, timeout=timeout, secrets=SECRETS, user=user,
                      **kw)


@pytest.fixture(scope="session")
def jmrp_plugin():
    """The check_jmrp binary; fail loudly if it was not built."""
    return require_binary("check_jmrp")


@pytest.fixture(scope="session")
def jmrp_workdir():
    """A world-searchable session temp dir (Dovecot's mail user must enter it)."""
    path = make_public_dir("check_jmrp_bb.")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def jmrp_certs(jmrp_workdir):
    """The test CA and localhost server certificate."""
    return testcerts.make_test_certs(os.path.join(jmrp_workdir, "certs"))


# name -> (generator, hours before the session start, folder, flags)
IMAP_INBOX = {
    "arf1": (lambda mid: jm.arf_report("192.0.2.10", report_msgid=mid), 1, "new", ""),
    "arf2": (lambda mid: jm.arf_report("192.0.2.10", report_msgid=mid), 2, "new", ""),
    "arf3": (lambda mid: jm.arf_report("192.0.2.10", headers_only=True, report_msgid=mid),
             3, "new", ""),
    "arf_seen": (lambda mid: jm.arf_report("192.0.2.10", report_msgid=mid), 4, "cur", "S"),
    "legacy1": (lambda mid: jm.legacy_report("198.51.100.7", sender="offers@example.net",
                                             report_msgid=mid), 5, "new", ""),
    "legacy2": (lambda mid: jm.legacy_report("198.51.100.7", sender="offers@example.net",
                                             report_msgid=mid), 6, "new", ""),
    "arf_v6": (lambda mid: jm.arf_report("2001:db8::25", report_msgid=mid, crlf=True),
               2, "new", ""),
    "arf_old": (lambda mid: jm.arf_report("203.0.113.5", report_msgid=mid), 72, "new", ""),
    "welcome": (lambda mid: jm.non_complaint("welcome", report_msgid=mid), 1, "new", ""),
}
IMAP_INBOX_EXPECT = {"complaints": 7, "ips": 3, "unparsed": 1,
                     "by_ip": {"192.0.2.10": 4, "198.51.100.7": 2, "2001:db8::25": 1}}
IMAP_FOLDER = "Complaints"
IMAP_FOLDER_EXPECT = {"complaints": 2, "ips": 1, "unparsed": 0,
                      "by_ip": {"203.0.113.9": 2}}
IMAP_LARGE_FOLDER = "Large"
IMAP_LARGE_BYTES = 9 * 1024 * 1024

# Reports that real senders make (issue 11), as {name: (generator, hours ago)}:
# originals cut off, authentication-failure (RFC 6591) and not-spam reports,
# Source-IP with a comment or folding whose original names another IP.
REAL_SENDERS = {
    "cut_original": (lambda: jm.cut_report("192.0.2.50"), 1),
    "cut_feedback": (lambda: jm.cut_report("192.0.2.59", where="feedback"), 1),
    "dmarc": (lambda: jm.auth_failure_report("192.0.2.51", "dmarc"), 2),
    "dkim": (lambda: jm.auth_failure_report("192.0.2.51", "dkim"), 2),
    "spf": (lambda: jm.auth_failure_report("192.0.2.51", "spf"), 2),
    "not_spam": (lambda: jm.arf_report("192.0.2.51", feedback_type="not-spam"), 3),
    "comment": (lambda: jm.arf_report("192.0.2.52", original_ip="203.0.113.77",
                                      source_ip_lines=["Source-IP: 192.0.2.52 (mail.example.com)"]), 3),
    "folded": (lambda: jm.arf_report("192.0.2.53", original_ip="203.0.113.77",
                                     source_ip_lines=["Source-IP:", "\t192.0.2.53", "\t(folded; mx.example.com)"]),
               4),
}
REAL_SENDERS_EXPECT = {"complaints": 3, "ips": 3, "unparsed": 1, "other_reports": 4,
                       "by_ip": {"192.0.2.50": 1, "192.0.2.52": 1, "192.0.2.53": 1}}
# IMAP mailboxes whose names need percent-encoding in the URL and quoting (and
# modified UTF-7) in IMAP: REAL_SENDERS in the first, one complaint in the other.
IMAP_SPACE_FOLDER = "Junk Reports"
IMAP_UTF8_FOLDER = "Rapports ind\u00e9sirables"


def large_arf(ip, size):
    """An ARF report of at least size bytes: the original's body padded with text lines."""
    data = jm.arf_report(ip)
    pad = (b"x" * 76 + b"\n") * (size // 77 + 1)
    data = data.replace(b"Hello,\n", b"Hello,\n" + pad, 1)
    assert len(data) >= size
    return data

ImapServer = namedtuple("ImapServer", "dovecot uids flags0 started")


def _imap_msgid(name):
    """The report Message-ID used for an IMAP_INBOX entry."""
    return "<imap-%s@jmrp.test>" % name


@pytest.fixture(scope="session")
def imap_server(jmrp_workdir, jmrp_certs):
    """A private Dovecot with the IMAP_INBOX messages; stopped by PID at the end."""
    if not dovecot.installed():
        skip_missing(dovecot.INSTALL_HINT)
    now = time.time()

    def populate(maildir):
        """Write INBOX and the Complaints folder."""
        md = jm.Maildir(maildir)
        for name, (gen, hours, folder, flags) in IMAP_INBOX.items():
            md.add(gen(_imap_msgid(name)), now - hours * 3600, folder=folder, flags=flags)
        folder = jm.Maildir(os.path.join(maildir, "." + IMAP_FOLDER))
        for h in (1, 2):
            folder.add(jm.legacy_report("203.0.113.9", sender="promo@example.org"),
                       now - h * 3600)
        large = jm.Maildir(os.path.join(maildir, "." + IMAP_LARGE_FOLDER))
        large.add(large_arf("192.0.2.77", IMAP_LARGE_BYTES), now - 3600)
        large.add(jm.arf_report("192.0.2.78"), now - 2 * 3600)
        # Dovecot keeps Maildir++ folder names in modified UTF-7 on disk
        spaced = jm.Maildir(os.path.join(maildir, "." + IMAP_SPACE_FOLDER))
        for gen, hours in REAL_SENDERS.values():
            spaced.add(gen(), now - hours * 3600)
        utf8 = jm.Maildir(os.path.join(maildir, ".Rapports ind&AOk-sirables"))
        utf8.add(jm.arf_report("192.0.2.61"), now - 3600)

    base = os.path.join(jmrp_workdir, "dovecot")
    os.mkdir(base)
    os.chmod(base, 0o755)
    server = dovecot.start_dovecot(base, jmrp_certs, populate)
    try:
        by_mid = server.uids_by_message_id()
        uids = {name: by_mid[_imap_msgid(name)] for name in IMAP_INBOX}
        yield ImapServer(server, uids, server.flags(), now)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def imap_password_file(jmrp_workdir):
    """The IMAP password in a 0600 file, newline-terminated as editors leave it."""
    path = os.path.join(jmrp_workdir, "imap.pw")
    with open(path, "w") as f:
        f.write(dovecot.PASSWORD + "\n")
    os.chmod(path, 0o600)
    return path
