#!/usr/bin/python3
"""fixtures.py: the files tests/demo.sh serves and reads, written into its temp directory.

Usage: fixtures.py DIR

Writes, below DIR (nothing leaves the machine, nothing is downloaded):
* certs/: a throw-away test CA and a server certificate for 127.0.0.1 (tests/servers/testcerts.py);
* snds/routes.json: the answers of the local SNDS server (tests/servers/snds_server.py) for three
  SNDS accounts on the legacy key links, for the day DATE; snds/<account>.key: their keys (0600):
    clean    two GREEN addresses                      -> OK
    yellow   198.51.100.7 with filter result YELLOW   -> WARNING
    blocked  192.0.2.20 blocked (ipStatus), RED data  -> CRITICAL
* jmrp/Maildir: a JMRP complaint mailbox (tests/servers/jmrp_messages.py) with, in the last 24 h,
  three ARF reports about 192.0.2.10 and two legacy Hotmail reports about 198.51.100.7, the JMRP
  welcome mail (not a complaint) and, older than the window, one ARF report about 203.0.113.5.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVERS = os.path.join(os.path.dirname(HERE), "servers")
sys.path.insert(0, SERVERS)
import jmrp_messages  # noqa: E402
import snds_data  # noqa: E402
import testcerts  # noqa: E402

DATE = "2026-11-27"            # --date of every SNDS run
DATE_LEGACY = "112726"         # the same day as the legacy data link spells it

# account -> key, data rows, status rows (the keys are demo values, not real SNDS keys)
SNDS_ACCOUNTS = {
    "clean": ("5eed0000-1111-4222-8333-444455550001",
              [snds_data.row("192.0.2.10", rcpt=1200), snds_data.row("192.0.2.11", rcpt=800)],
              []),
    "yellow": ("5eed0000-1111-4222-8333-444455550002",
               [snds_data.row("192.0.2.12", rcpt=900),
                snds_data.row("198.51.100.7", filter="YELLOW", complaint="< 0.1%", rcpt=400)],
               []),
    "blocked": ("5eed0000-1111-4222-8333-444455550003",
                [snds_data.row("192.0.2.20", filter="RED", complaint="0.5%", rcpt=300,
                               trap_hits=12)],
                [snds_data.status("192.0.2.20")]),
}


def write_certs(base):
    """The test CA and server certificate in base/certs."""
    d = os.path.join(base, "certs")
    os.makedirs(d)
    testcerts.make_test_certs(d)


def write_snds(base):
    """routes.json and one key file per account in base/snds."""
    d = os.path.join(base, "snds")
    os.makedirs(d)
    routes = {}
    for account, (key, rows, status) in SNDS_ACCOUNTS.items():
        routes["/snds/ipStatus.aspx?key=" + key] = snds_data.legacy_status_csv(status)
        routes["/snds/data.aspx?key=%s&date=%s" % (key, DATE_LEGACY)] = \
            snds_data.legacy_data_csv(rows)
        path = os.path.join(d, account + ".key")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key + "\n")
    with open(os.path.join(d, "routes.json"), "w") as f:
        json.dump(routes, f, indent=1)


def write_jmrp(base):
    """The complaint Maildir in base/jmrp/Maildir (arrival = file mtime)."""
    now = time.time()
    md = jmrp_messages.Maildir(os.path.join(base, "jmrp", "Maildir"))
    for hours in (1, 2):
        md.add(jmrp_messages.arf_report("192.0.2.10"), now - hours * 3600)
    md.add(jmrp_messages.arf_report("192.0.2.10"), now - 3 * 3600, folder="cur", flags="S")
    for hours in (4, 6):
        md.add(jmrp_messages.legacy_report("198.51.100.7", sender="offers@example.net"),
               now - hours * 3600)
    md.add(jmrp_messages.non_complaint("welcome"), now - 5 * 3600)
    md.add(jmrp_messages.arf_report("203.0.113.5"), now - 72 * 3600)


def main():
    """Write everything below the directory given."""
    if len(sys.argv) != 2:
        sys.exit("usage: fixtures.py DIR")
    base = os.path.abspath(sys.argv[1])
    write_certs(base)
    write_snds(base)
    write_jmrp(base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
