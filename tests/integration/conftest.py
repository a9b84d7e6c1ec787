"""Fixtures of the integration tests: the test servers the suite's services run against.

* rbldnsd (tests/blackbox/conftest.py): block lists such as zen.test, bl2.test, bl3.test;
* postfix_mx and smtp_certs (tests/blackbox/smtp_fixtures.py): a real Postfix that blocks
  127.0.0.5 (S3140), throttles 127.0.0.6 and accepts 127.0.0.1, and the test CA;
* fake_mx_factory (same module): tests/servers/fake_mx.py with a scripted Microsoft reply;
* snds (here): tests/servers/snds_server.py over HTTPS with two SNDS accounts;
* write_jmrp_maildir (here): a JMRP complaint Maildir made with tests/servers/jmrp_messages.py.

All on loopback ports, stopped by PID at the end.  Helpers live in mrint.py.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import time

import pytest

import mrint

_bb = mrint.load_blackbox_conftest()

# Re-exported fixtures (pytest finds them by these names).
workdir = _bb.workdir
rbldnsd = _bb.rbldnsd

from smtp_fixtures import fake_mx_factory, postfix_mx, smtp_certs  # noqa: E402,F401
import jmrp_messages  # noqa: E402
import snds_data  # noqa: E402
import snds_server  # noqa: E402

# SNDS test accounts: key -> (section name, data rows, status rows).  The keys are secrets:
# the tests assert that none of them ever shows in Icinga, Nagios or NRPE output.
SNDS_DATE = "2026-11-27"
SNDS_DATE_LEGACY = "112726"
SNDS_ACCOUNTS = {
    "main": {
        "key": "c0ffee00-1111-4222-8333-444455556666",
        "rows": [snds_data.row("192.0.2.10"),
                 snds_data.row("192.0.2.11", filter="RED", complaint="0.5%")],
        "status": [snds_data.status("192.0.2.20")],
    },
    "second": {
        "key": "facade00-7777-4888-9999-aaaabbbbcccc",
        "rows": [snds_data.row("198.51.100.7", filter="YELLOW", complaint="< 0.1%")],
        "status": [],
    },
}


def snds_routes():
    """The snds_server routes of every test account (legacy key links)."""
    routes = {}
    for acc in SNDS_ACCOUNTS.values():
        routes["/snds/ipStatus.aspx?key=" + acc["key"]] = snds_data.legacy_status_csv(acc["status"])
        routes["/snds/data.aspx?key=%s&date=%s" % (acc["key"], SNDS_DATE_LEGACY)] = \
            snds_data.legacy_data_csv(acc["rows"])
    return routes


@pytest.fixture(scope="session")
def snds(smtp_certs):
    """The HTTPS SNDS test server with SNDS_ACCOUNTS; yields SndsServer."""
    base = mrint.public_dir("mailrep-it-snds.")
    srv = snds_server.start_snds_server(snds_routes(), base, cert=smtp_certs.server_cert,
                                        key=smtp_certs.server_key)
    try:
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(base, ignore_errors=True)


# The JMRP complaint mailbox of the Icinga and NRPE tests, in a 24h window: three complaints
# (two ARF reports about 192.0.2.10, a legacy Hotmail report about 198.51.100.7), one welcome
# mail (counted as unparsed, never changing the state) and one complaint from three days ago.
JMRP_EXPECT = {"complaints": 3, "ips": 2, "unparsed": 1, "top": "192.0.2.10"}


def write_jmrp_maildir(path, owner=None):
    """Write the JMRP test Maildir at path (arrival = file mtime); with owner (a user name) the
    tree is given to that user, as a delivery agent would.  Returns the Maildir's path."""
    now = time.time()
    md = jmrp_messages.Maildir(path)
    md.add(jmrp_messages.arf_report("192.0.2.10"), now - 3600)
    md.add(jmrp_messages.arf_report("192.0.2.10"), now - 2 * 3600, folder="cur", flags="S")
    md.add(jmrp_messages.legacy_report("198.51.100.7", sender="offers@example.net"),
           now - 3 * 3600)
    md.add(jmrp_messages.non_complaint("welcome"), now - 4 * 3600)
    md.add(jmrp_messages.arf_report("203.0.113.5"), now - 72 * 3600)
    if owner is not None:
        pw = __import__("pwd").getpwnam(owner)
        for root, dirs, files in os.walk(md.path):
            for n in [root] + [os.path.join(root, f) for f in files]:
                os.chown(n, pw.pw_uid, pw.pw_gid)
    return md.path


@pytest.fixture(scope="session")
def plugins():
    """{name: path} of the built plugins; fails when one is missing."""
    out = {}
    for name in mrint.PLUGINS:
        path = mrint.plugin_path(name)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            pytest.fail("%s not built at %s (set BUILDDIR)" % (name, path))
        out[name] = path
    return out


def need(*paths, root=False):
    """Skip the test when a daemon is missing (with the Debian package to install); under CI
    (where tests/run-tests.sh installs them all, as root) fail instead."""
    hints = {mrint.ICINGA2: "icinga2-bin icinga2-common", mrint.NAGIOS4: "nagios4-core",
             mrint.NRPE: "nagios-nrpe-server", mrint.CHECK_NRPE: "nagios-nrpe-plugin",
             "/etc/nagios-plugins/config/check_nrpe.cfg": "nagios-nrpe-plugin"}
    for p in paths:
        ok = os.access(p, os.X_OK) if not p.endswith(".cfg") else os.path.isfile(p)
        if not ok:
            mrint.skip_missing("%s is not installed (apt-get install %s)" % (p, hints.get(p, p)))
    if root and os.geteuid() != 0:
        mrint.skip_missing("needs root (daemons drop to their own users)")


@pytest.fixture
def tmp_public(tmp_path):
    """A temp directory that other users (nagios) can enter."""
    os.chmod(tmp_path, 0o755)
    parent = tmp_path.parent
    while str(parent).startswith("/tmp/pytest"):
        os.chmod(parent, 0o755)
        parent = parent.parent
    return str(tmp_path)
