"""Nagios 4 and NRPE (Debian's nagios4-core, nagios-nrpe-server, nagios-nrpe-plugin).

* "nagios4 -v" validates the shipped command definitions and the example services with
  Debian's sample objects.
* An NRPE server started with the shipped command[...] lines (fixed arguments, dont_blame_nrpe=0)
  answers check_nrpe with the plugins' states and output, reading the per-agent settings (the
  JMRP complaint Maildir among them) and the SNDS key from the ini file as the nagios user; over
  NRPE v2 packets the one-line commands arrive whole while the multi-line output is cut at 1024
  bytes.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil

import pytest

import mrint
import jmrp_messages
from conftest import JMRP_EXPECT, SNDS_ACCOUNTS, SNDS_DATE, need, write_jmrp_maildir
from smtp_fixtures import PostfixMx

NAGIOS_CFG = os.path.join(mrint.CONF, "nagios", "mailrep-plugins.cfg")
NAGIOS_EXAMPLE = os.path.join(mrint.CONF, "nagios", "mailrep-services.cfg.example")
NRPE_CFG = os.path.join(mrint.CONF, "nrpe", "mailrep-plugins.cfg")
SHIPPED_PLUGIN_DIR = "/usr/lib/nagios/plugins/"
SHIPPED_INI = "/etc/nagios-plugins/mailrep-plugins.ini"


def nagios_validate(base, extra_files):
    """nagios4 -v over the shipped files plus extra_files; CompletedProcess."""
    # check-host-alive comes from monitoring-plugins-basic (ping.cfg) on a real system
    hostcheck = mrint.write(os.path.join(base, "hostcheck.cfg"),
                            "define command {\n    command_name check-host-alive\n"
                            "    command_line /bin/true\n}\n")
    files = [NAGIOS_CFG, NAGIOS_EXAMPLE, "/etc/nagios-plugins/config/check_nrpe.cfg", hostcheck]
    return mrint.run([mrint.NAGIOS4, "-v", mrint.nagios_main_cfg(base, files + list(extra_files))])


def test_nagios_validates_the_shipped_objects(tmp_public):
    """nagios4 -v accepts the command definitions and the example hosts and services (one per
    command, check_jmrp_mailbox included)."""
    need(mrint.NAGIOS4, "/etc/nagios-plugins/config/check_nrpe.cfg")
    res = nagios_validate(tmp_public, [])
    assert res.returncode == 0, res.stdout[-3000:]
    assert "Things look okay" in res.stdout
    assert re.search(r"Checked 5 services", res.stdout), res.stdout
    # every command of the shipped file was read
    names = re.findall(r"command_name\s+(\S+)", open(NAGIOS_CFG).read())
    assert names == ["check_dnsbl", "check_dnsbl_ini", "check_ms_smtp", "check_snds_account",
                     "check_jmrp_mailbox"]
    example = open(NAGIOS_EXAMPLE).read()
    assert re.search(r"^\s+check_command\s+check_jmrp_mailbox!jmrp_main!", example, re.M)


def test_nagios_jmrp_command_line_runs_the_plugin(tmp_public, plugins):
    """check_jmrp_mailbox's command line, with $USER1$ and the ini path of this test, reads the
    mailbox named by the ini section and passes $ARG2$ on: WARNING for the test Maildir."""
    maildir = write_jmrp_maildir(os.path.join(tmp_public, "Maildir"))
    ini = mrint.write(os.path.join(tmp_public, "mailrep-plugins.ini"),
                      "[jmrp_main]\nmaildir = %s\n" % maildir, 0o600)
    line = re.search(r"command_name\s+check_jmrp_mailbox\n\s+command_line\s+(.*)\n",
                     open(NAGIOS_CFG).read()).group(1)
    line = line.replace("$USER1$", mrint.plugin_dir()).replace(SHIPPED_INI, ini)
    line = line.replace("$ARG1$", "jmrp_main").replace("$ARG2$", "-w 1 -c 5")
    res = mrint.run(["/bin/sh", "-c", line])
    assert res.returncode == 1, res.stdout + res.stderr
    assert res.stdout.startswith("JMRP WARNING - %d complaints" % JMRP_EXPECT["complaints"]), \
        res.stdout
    assert jmrp_messages.RCPT_MARK not in res.stdout


def test_nagios_rejects_a_service_with_an_unknown_command(tmp_public):
    """Negative control: the same validation fails for a service whose command is not defined,
    so the run above really checked the services against the shipped commands."""
    need(mrint.NAGIOS4, "/etc/nagios-plugins/config/check_nrpe.cfg")
    bad = mrint.write(os.path.join(tmp_public, "bad.cfg"),
                      "define service {\n    use generic-service\n    host_name mail1\n"
                      "    service_description broken\n    check_command check_dnsbl_typo!x\n}\n")
    res = nagios_validate(tmp_public, [bad])
    assert res.returncode != 0
    assert "check_dnsbl_typo" in res.stdout, res.stdout[-3000:]


# --------------------------------------------------------------------------
# NRPE
# --------------------------------------------------------------------------

def shipped_nrpe_lines(plugin_dir, ini):
    """The shipped command[...] lines with the plugin directory and ini path of this test."""
    text = open(NRPE_CFG).read()
    lines = [l for l in text.splitlines() if l.startswith("command[")]
    out = []
    for line in lines:
        assert SHIPPED_PLUGIN_DIR in line and SHIPPED_INI in line, line
        out.append(line.replace(SHIPPED_PLUGIN_DIR, plugin_dir + "/").replace(SHIPPED_INI, ini))
    return out


@pytest.fixture
def nrpe(tmp_public, plugins, rbldnsd, postfix_mx, smtp_certs, snds):
    """NRPE with the shipped commands, the plugins copied where user nagios can run them, and an
    ini file root:nagios 0640 as the README says; yields the running Nrpe."""
    need(mrint.NRPE, mrint.CHECK_NRPE, root=True)
    pdir = os.path.join(tmp_public, "plugins")
    os.mkdir(pdir)
    os.chmod(pdir, 0o755)
    for name, path in plugins.items():
        shutil.copy2(path, os.path.join(pdir, name))
    maildir = write_jmrp_maildir(os.path.join(tmp_public, "jmrp", "Maildir"), owner="nagios")
    acc = SNDS_ACCOUNTS["main"]
    ini = mrint.write(os.path.join(tmp_public, "mailrep-plugins.ini"), "\n".join([
        "[nrpe_dnsbl]",
        "host = 10.20.0.0/20",
        "host = 198.51.100.0/28",
        "no-default-zones =",
        "zone = zen.test",
        "zone = bl2.test",
        "zone = bl3.test",
        "server = 127.0.0.1:%d" % rbldnsd.port,
        "",
        "[nrpe_ms_smtp]",
        "host = %s" % postfix_mx.host,
        "port = %d" % postfix_mx.port,
        "bind = %s" % PostfixMx.THROTTLED_IP,
        "ehlo = probe.mailrep.test",
        "domain = hotmail.test",
        "rcpt = %s" % PostfixMx.MAILBOX,
        "",
        "[nrpe_snds]",
        "key = " + acc["key"],
        "base-url = " + snds.url("/snds/"),
        "cafile = " + smtp_certs.ca_cert,
        "date = " + SNDS_DATE,
        "",
        "[nrpe_jmrp]",
        "maildir = " + maildir,
        "warning = 1",
        "critical = 5",
        ""]), 0o640)
    os.chown(ini, 0, __import__("grp").getgrnam("nagios").gr_gid)
    server = mrint.Nrpe(tmp_public, shipped_nrpe_lines(pdir, ini))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_shipped_nrpe_lines_have_fixed_arguments():
    """No $ARGn$, no dont_blame_nrpe, every plugin has a one-line and a long command."""
    text = open(NRPE_CFG).read()
    assert "$ARG" not in text and not re.search(r"^\s*dont_blame_nrpe", text, re.M)
    names = re.findall(r"^command\[([a-z_]+)\]=", text, re.M)
    assert names == ["check_dnsbl", "check_dnsbl_long", "check_ms_smtp", "check_ms_smtp_long",
                     "check_snds", "check_snds_long", "check_jmrp", "check_jmrp_long"], names
    for line in text.splitlines():
        if line.startswith("command[") and "_long]" not in line:
            assert line.endswith("--output-format=one-line"), line


def test_nrpe_answers_with_state_and_output(nrpe):
    """check_nrpe gets each plugin's exit code and its status line with perfdata; the one-line
    commands send one line, the *_long commands the whole tree; no key in any answer."""
    expect = {"check_dnsbl": (2, "DNSBL CRITICAL - "), "check_ms_smtp": (1, "MS_SMTP WARNING - "),
              "check_snds": (2, "SNDS CRITICAL - "),
              "check_jmrp": (1, "JMRP WARNING - %d complaints" % JMRP_EXPECT["complaints"])}
    for command, (state, prefix) in expect.items():
        short = nrpe.query(command)
        assert short.returncode == state, (command, short.stdout, short.stderr)
        assert short.stdout.startswith(prefix), short.stdout
        assert short.stdout.count("\n") == 1 and "|" in short.stdout, short.stdout
        assert "\\_ [" not in short.stdout
        full = nrpe.query(command + "_long")
        assert full.returncode == state, (command, full.stdout)
        assert full.stdout.startswith(prefix)
        assert full.stdout.count("\n") > 1 and "\\_ [" in full.stdout, full.stdout
        for acc in SNDS_ACCOUNTS.values():
            assert acc["key"] not in short.stdout + full.stdout
        assert jmrp_messages.RCPT_MARK not in short.stdout + full.stdout
    assert "S775" in nrpe.query("check_ms_smtp").stdout
    # JMRP read the Maildir as the nagios user: counts and perfdata with the ini's thresholds
    jmrp = nrpe.query("check_jmrp").stdout
    assert "| complaints=%d;1;5 ips=%d unparsed=%d other_reports=0 time=" % (
        JMRP_EXPECT["complaints"], JMRP_EXPECT["ips"], JMRP_EXPECT["unparsed"]) in jmrp, jmrp
    assert "\\_ [OK] %s: 2 complaints" % JMRP_EXPECT["top"] in nrpe.query("check_jmrp_long").stdout


def test_nrpe_v2_cuts_multi_line_output_but_not_one_line(nrpe):
    """Over NRPE v2 packets (check_nrpe -2) the multi-line answer of a range stops at 1024 bytes,
    losing targets, while the one-line command arrives whole, perfdata included."""
    full = nrpe.query("check_dnsbl_long")
    assert len(full.stdout.encode()) > 1100, "the test range must give more than 1024 bytes"
    cut = nrpe.query("check_dnsbl_long", v2=True)
    assert cut.returncode == 2
    assert len(cut.stdout.encode()) <= 1025, len(cut.stdout)
    assert full.stdout.rstrip("\n").splitlines()[-1] not in cut.stdout
    one_v2 = nrpe.query("check_dnsbl", v2=True)
    one_v4 = nrpe.query("check_dnsbl")
    assert one_v2.returncode == 2 and one_v2.stdout.count("\n") == 1
    labels = lambda out: re.findall(r" ([a-z_]+)=", out.split("|", 1)[1])  # noqa: E731
    assert labels(one_v2.stdout) == labels(one_v4.stdout) == \
        ["listed", "targets_listed", "targets", "zones", "errors", "queries", "time"]
    assert re.search(r" time=[0-9.]+s\n$", one_v2.stdout), one_v2.stdout
