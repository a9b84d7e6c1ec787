"""The interface contract every plugin keeps (docs interface.md): --help and -V/--version.

One test each, parametrized over the four plugins, each run through its own runner (so each
plugin's secret checks apply to these runs too).  --help: exit 3, nothing on stderr, more than
20 lines, none over 80 columns, the version line, every long option of the plugin, plus what a
plugin must say besides (CONTRACTS[...].help_checks).  -V and --version: exit 3 and exactly
'check_NAME vX.Y.Z (mailrep-plugins X.Y.Z)'.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import re
from collections import namedtuple

import pytest

from conftest import require_binary, run_plugin
from jmrp_fixtures import run_jmrp
from test_check_ms_smtp import run_ms
from test_check_snds import run_snds

VERSION_RE = re.compile(r"^(check_[a-z_]+) v\d+\.\d+\.\d+ \(mailrep-plugins \d+\.\d+\.\d+\)$")

# name, runner, the long options --help must name, more checks of the --help text
Contract = namedtuple("Contract", "name run options help_checks")


def ms_smtp_help(text):
    """check_ms_smtp's --help warns against recipient harvesting (SC-002)."""
    flat = " ".join(text.split())
    assert "SC-002" in flat
    assert re.search(r"namespace mining|harvest", flat, re.I), flat


def snds_help(text):
    """check_snds's --help says that --key shows in the process list and that --insecure is
    for tests only."""
    assert re.search(r"process list|\bps\b", text), "--help must say --key shows in ps"
    at = text.index("--insecure")
    assert re.search(r"test", text[at:at + 300]), "--help must say --insecure is for tests only"


CONTRACTS = [
    Contract("check_dnsbl", run_plugin,
             ("--host", "--mx", "--targets-file", "--domain", "--max-targets", "--zone",
              "--allow-zone", "--zones-file", "--no-default-zones", "--list-zones",
              "--dqs-key", "--dqs-key-file", "--selftest", "--server", "--resolv-conf",
              "--query-timeout", "--retries", "--concurrency", "--rate", "--timeout",
              "--timeout-result", "--extra-opts", "--output-format", "--warning",
              "--critical", "--verbose", "--version"),
             None),
    Contract("check_ms_smtp", run_ms,
             ("--domain", "--host", "--port", "--bind", "--ehlo", "--from",
              "--rcpt", "--send", "--starttls", "--tls-verify", "--cafile",
              "--rules-file", "--throttle-state", "--server", "--timeout",
              "--output-format", "--warning", "--critical"),
             ms_smtp_help),
    Contract("check_snds", run_snds,
             ("--key-file", "--key", "--token-file", "--api", "--base-url", "--ip",
              "--feed", "--date", "--lookback", "--complaint-warning",
              "--complaint-critical", "--trap-warning", "--trap-critical", "--yellow-state",
              "--red-state", "--blocked-state", "--missing-state", "--cafile", "--insecure",
              "--max-size", "--output-format", "--timeout"),
             snds_help),
    Contract("check_jmrp", run_jmrp,
             ("--maildir", "--mbox", "--imap", "--imap-user", "--imap-password-file",
              "--cafile", "--insecure", "--window", "--ip", "--sender-domain", "--sent",
              "--rate-warning", "--rate-critical", "--state-file", "--max-details",
              "--warning", "--critical", "--timeout", "--extra-opts", "--output-format",
              "--verbose", "--version"),
             None),
]
IDS = [c.name for c in CONTRACTS]


def is_version_line(line, name):
    """Whether line is exactly name's version line."""
    m = VERSION_RE.match(line)
    return bool(m) and m.group(1) == name


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_help(contract):
    """--help: exit 3, stdout only, over 20 lines of at most 80 columns, the version line and
    every option, plus the plugin's own checks."""
    require_binary(contract.name)
    r = contract.run(["--help"])
    assert r.code == 3, r.stdout + r.stderr
    assert r.stderr == "", r.stderr
    lines = r.stdout.split("\n")
    assert len([ln for ln in lines if ln]) > 20, r.stdout
    too_long = [ln for ln in lines if len(ln) > 80]
    assert not too_long, too_long
    assert any(is_version_line(ln, contract.name) for ln in lines), \
        "version line expected in --help:\n" + r.stdout[:300]
    for opt in contract.options:
        assert opt in r.stdout, "--help lacks %s" % opt
    if contract.help_checks:
        contract.help_checks(r.stdout)


@pytest.mark.parametrize("opt", ["-V", "--version"])
@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_version(contract, opt):
    """-V and --version: exit 3 and the version line only."""
    require_binary(contract.name)
    r = contract.run([opt])
    assert r.code == 3, r.stdout + r.stderr
    assert is_version_line(r.stdout.strip(), contract.name), r.stdout
