"""Icinga 2 (Debian's icinga2-bin) with the shipped configuration.

* "icinga2 daemon -C" validates icinga-conf with the ITL loaded: the CheckCommands, templates,
  apply rules, example hosts and the split-ranges example, and the objects it makes are the
  ones the examples promise (per-IP probes on the agent, one service per SNDS account, one
  JMRP service per complaint mailbox, one DNSBL service per range in the satellite zones).
* A live Icinga 2 instance runs the suite's services through the shipped commands, templates
  and apply rules against rbldnsd, a real Postfix, the fake Microsoft MX, the HTTPS SNDS
  server and a JMRP complaint Maildir; the tests read state, output and perfdata back over the
  REST API and from the PerfdataWriter, including CRITICAL and WARNING results, and check that
  no SNDS key and no complainant address reaches Icinga.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import json
import os
import shutil
import time

import pytest

import mrint
import jmrp_messages
from conftest import JMRP_EXPECT, SNDS_ACCOUNTS, SNDS_DATE, need, write_jmrp_maildir
from smtp_fixtures import PostfixMx

EXAMPLES = os.path.join(mrint.CONF, "examples")
INCLUDE = os.path.join(mrint.CONF, "mailrep-plugins")


def examples_tree(base):
    """zones.d-style copy of the examples: hosts in master, apply rules in global-templates."""
    zd = os.path.join(base, "zones.d")
    os.makedirs(os.path.join(zd, "master"))
    os.makedirs(os.path.join(zd, "global-templates"))
    shutil.copy(os.path.join(EXAMPLES, "hosts.conf"), os.path.join(zd, "master"))
    shutil.copy(os.path.join(EXAMPLES, "apply-rules.conf"), os.path.join(zd, "global-templates"))
    return zd


def validation_conf(icinga, with_include=True):
    """icinga2.conf loading everything shipped in icinga-conf the way the README says."""
    zd = examples_tree(icinga.base)
    split = os.path.join(EXAMPLES, "split")
    lines = [mrint.icinga_base_conf(node="master1.example.com"),
             'include "%s"' % os.path.join(split, "zones.conf"),
             'include "%s"' % os.path.join(EXAMPLES, "agent-zones.conf")]
    if with_include:
        lines.append('include "%s"' % INCLUDE)
    lines += ['include_zones "mailrep-examples", "%s"' % zd,
              'include_zones "mailrep-split", "%s"' % os.path.join(split, "zones.d")]
    return mrint.write(icinga.path("icinga2.conf"), "\n".join(lines) + "\n")


@pytest.fixture
def icinga():
    """A fresh Icinga 2 tree, stopped and removed after the test."""
    need(mrint.ICINGA2)
    inst = mrint.Icinga()
    try:
        yield inst
    finally:
        inst.cleanup()


def test_shipped_config_validates_with_the_itl(icinga):
    """icinga2 daemon -C accepts commands, templates, apply rules and both examples together
    with the whole ITL (no name clash with rbl or smtp)."""
    res = icinga.validate(validation_conf(icinga))
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr
    assert "Finished validating the configuration" in res.stdout
    assert "warning/" not in res.stdout, res.stdout

    services = icinga.object_list("Service")
    # a mail host's addresses on DNSBLs: one service for all of them
    dnsbl = services["mail1.example.com!dnsbl"]
    assert 'mailrep_dnsbl_host = [ "192.0.2.10", "192.0.2.11", "2001:db8::10" ]' in dnsbl
    # the Microsoft probe per sending IP, on the agent that owns it, with its EHLO name
    for ip, ehlo in (("192.0.2.10", "mail1.example.com"), ("192.0.2.11", "mail1-b.example.com"),
                     ("2001:db8::10", "mail1.example.com")):
        svc = services["mail1.example.com!ms-smtp-" + ip]
        assert 'command_endpoint = "mail1.example.com"' in svc, svc
        assert 'mailrep_ms_smtp_bind = "%s"' % ip in svc
        assert 'mailrep_ms_smtp_ehlo = "%s"' % ehlo in svc
    # SNDS once per account, the key only named by its ini section
    assert 'mailrep_snds_extra_opts = [ "snds_main@$mailrep_ini$" ]' in services["mail-platform!snds-main"]
    marketing = services["mail-platform!snds-marketing"]
    assert 'mailrep_snds_ip = [ "198.51.100.0/26" ]' in marketing
    assert len([s for s in services if s.startswith("mail-platform!snds-")]) == 2
    # JMRP once per complaint mailbox: the IMAP one only names its ini section, the local
    # Maildir names its source itself and runs on the agent of the host it is on
    main = services["mail-platform!jmrp-main"]
    assert 'mailrep_jmrp_extra_opts = [ "jmrp_main@$mailrep_ini$" ]' in main, main
    assert 'mailrep_jmrp_warning = "9"' in main and 'mailrep_jmrp_critical = "49"' in main
    assert 'check_command = "mailrep-jmrp"' in main and "command_endpoint = \"\"" in main, main
    local = services["mail1.example.com!jmrp-local"]
    assert 'mailrep_jmrp_maildir = "/var/vmail/example.com/jmrp-feedback/Maildir"' in local
    assert "mailrep_jmrp_extra_opts" not in local, local
    assert 'command_endpoint = "mail1.example.com"' in local, local
    assert sorted(s for s in services if "!jmrp-" in s) == ["mail-platform!jmrp-main",
                                                           "mail1.example.com!jmrp-local"]
    # split ranges: /22 -> four /24 in satellite-eu; /24 -> four /26 plus one IPv6 in satellite-us
    eu = sorted(s for s in services if s.startswith("ipspace-eu!"))
    assert eu == ["ipspace-eu!dnsbl-198.51.%d.0_24" % n for n in (100, 101, 102, 103)], eu
    us = sorted(s for s in services if s.startswith("ipspace-us!"))
    assert us == sorted(["ipspace-us!dnsbl-203.0.113.%d_26" % n for n in (0, 64, 128, 192)] +
                        ["ipspace-us!dnsbl-2001-db8-100--25"]), us
    assert 'zone = "satellite-eu"' in services["ipspace-eu!dnsbl-198.51.102.0_24"]
    assert 'mailrep_dnsbl_host = [ "198.51.102.0/24" ]' in services["ipspace-eu!dnsbl-198.51.102.0_24"]
    assert 'zone = "satellite-us"' in services["ipspace-us!dnsbl-203.0.113.64_26"]


def test_validation_fails_without_the_commands(icinga):
    """Negative control: the same configuration without include <mailrep-plugins> is rejected,
    so the validation above really loaded the shipped commands and templates."""
    res = icinga.validate(validation_conf(icinga, with_include=False))
    assert res.returncode != 0
    assert "mailrep-dnsbl-service" in res.stdout or "mailrep-ms-smtp-service" in res.stdout, \
        res.stdout[-3000:]


def test_split_keeps_unsplittable_ranges_whole_and_warns(icinga, plugins):
    """A range the split function cannot cut (too many pieces, not IPv4 CIDR) is logged and kept
    whole instead of vanishing (Icinga ignores errors in an apply rule's "for"), so its service
    shows check_dnsbl's UNKNOWN; a single string is taken as one range."""
    split_conf = os.path.join(EXAMPLES, "split", "zones.d", "global-templates",
                              "mailrep-split.conf")
    conf = mrint.write(icinga.path("icinga2.conf"), mrint.icinga_base_conf() +
                       'include "%s"\ninclude "%s"\n' % (INCLUDE, split_conf) +
                       'object Host "big" { check_command = "dummy"\n'
                       '  vars.mailrep_dnsbl_ranges = [ "10.0.0.0/8", "300.1.1.1/24" ] }\n'
                       'object Host "one" { check_command = "dummy"\n'
                       '  vars.mailrep_dnsbl_ranges = "192.0.2.0/25" }\n')
    res = icinga.validate(conf)
    assert res.returncode == 0, res.stdout[-3000:]
    assert "not splitting '10.0.0.0/8': /24 pieces would be more than 4096" in res.stdout
    assert "not splitting '300.1.1.1/24': bad octet" in res.stdout
    services = icinga.object_list("Service")
    assert sorted(services) == ["big!dnsbl-10.0.0.0_8", "big!dnsbl-300.1.1.1_24",
                                "one!dnsbl-192.0.2.0_25"], sorted(services)
    assert 'mailrep_dnsbl_host = [ "10.0.0.0/8" ]' in services["big!dnsbl-10.0.0.0_8"]
    # what that service then shows: UNKNOWN, not a silent gap
    r = mrint.run([plugins["check_dnsbl"], "-H", "10.0.0.0/8", "--no-default-zones", "-z",
                   "zen.test", "-s", "127.0.0.1:9", "-t", "5"])
    assert r.returncode == 3 and r.stdout.startswith("DNSBL UNKNOWN"), r.stdout


# --------------------------------------------------------------------------
# the live instance
# --------------------------------------------------------------------------

def live_conf(icinga, servers):
    """icinga2.conf of the live test: shipped commands, templates and apply rules, plus test
    hosts whose variables point the services at the local test servers."""
    rbl_port, pf, fake, fake6, snds, ini, ca, maildir = servers
    perf_dir = os.path.join(icinga.base, "perfdata")
    os.mkdir(perf_dir)
    node = icinga.NODE
    dnsbl_vars = {
        "mailrep_dnsbl_no_default_zones": True,
        "mailrep_dnsbl_zone": ["zen.test", "bl2.test:warning"],
        "mailrep_dnsbl_server": ["127.0.0.1:%d" % rbl_port],
        "mailrep_dnsbl_timeout": 10,
    }
    smtp_vars = {
        "mailrep_ms_smtp_domain": ["hotmail.test"],
        "mailrep_ms_smtp_rcpt": PostfixMx.MAILBOX,
        "mailrep_ms_smtp_timeout": 10,
    }

    def host(name, address, **variables):
        """One test host in zone master (the agent pattern needs a zone)."""
        body = ['object Host "%s" {' % name, '\tcheck_command = "dummy"', '\tzone = "master"',
                '\taddress = "%s"' % address]
        for k, v in {**dnsbl_vars, **variables}.items():
            body.append("\tvars.%s = %s" % (k, mrint.dsl(v)))
        body.append("}")
        return "\n".join(body)

    hosts = [
        host("dnsbl-listed", "192.0.2.2", mailrep_sender=True),
        host("dnsbl-warn", "192.0.2.3", mailrep_sender=True),
        host("dnsbl-clean", "192.0.2.99", mailrep_sender=True),
        # three sending IPs probed through a real Postfix, each on "the agent" (this node)
        host("mail-out", "127.0.0.1", mailrep_sender=True, mailrep_ms_probe=True,
             agent_endpoint=node,
             mailrep_sending_ips=[PostfixMx.OK_IP, PostfixMx.BLOCKED_IP, PostfixMx.THROTTLED_IP],
             mailrep_ehlo_names={ip: "probe.mailrep.test" for ip in
                                 (PostfixMx.OK_IP, PostfixMx.BLOCKED_IP, PostfixMx.THROTTLED_IP)},
             mailrep_ms_smtp_host=pf.host, mailrep_ms_smtp_port=pf.port,
             mailrep_ms_smtp_tls_verify=True, mailrep_ms_smtp_cafile=ca, **smtp_vars),
        # the fake Microsoft MX answering S3150 (a block of the sending IP's range)
        host("fake-ms", "127.0.0.1", mailrep_sender=True, mailrep_ms_probe=True,
             agent_endpoint=node, mailrep_ehlo_names={"127.0.0.1": "probe.mailrep.test"},
             mailrep_ms_smtp_host=fake.host, mailrep_ms_smtp_port=fake.port, **smtp_vars),
        # SNDS accounts, the keys only in the ini file; JMRP mailboxes: "main" reads its
        # Maildir from [jmrp_main] of the ini file, "direct" names it in Icinga and counts only
        # the complaints about 198.51.100.0/24 (--ip, an array)
        host("mail-platform", "127.0.0.1", mailrep_ini=ini,
             mailrep_snds_accounts={"main": {}, "second": {}},
             mailrep_jmrp_mailboxes={
                 "main": {"mailrep_jmrp_warning": "1", "mailrep_jmrp_critical": "5"},
                 "direct": {"mailrep_jmrp_maildir": maildir,
                            "mailrep_jmrp_ip": ["198.51.100.0/24"],
                            "mailrep_jmrp_critical": "0"}}),
    ]
    if fake6 is not None:
        # an IPv6 sending address: the command adds --ipv6 by itself (mailrep_ms_smtp_ipv6)
        hosts.append(host("mail-v6", "127.0.0.1", mailrep_ms_probe=True, mailrep_sender=True,
                          agent_endpoint=node, mailrep_sending_ips=["::1"],
                          mailrep_ms_smtp_host="::1", mailrep_ms_smtp_port=fake6.port,
                          mailrep_ehlo_names={"::1": "probe.mailrep.test"}, **smtp_vars))
    text = mrint.icinga_base_conf(node=node) + icinga.api_objects_conf() + """
include "%(include)s"
include "%(apply)s"

object PerfdataWriter "perfdata" {
	service_perfdata_path = "%(perf)s/service-perfdata"
	host_perfdata_path = "%(perf)s/host-perfdata"
	service_temp_path = "%(perf)s/service-perfdata.tmp"
	host_temp_path = "%(perf)s/host-perfdata.tmp"
	service_format_template = "SERVICE::$host.name$!$service.name$\\tSTATE::$service.state$\\tPERFDATA::$service.perfdata$"
	rotation_interval = 1s
}

%(hosts)s
""" % {"include": INCLUDE, "apply": os.path.join(EXAMPLES, "apply-rules.conf"),
       "perf": perf_dir, "hosts": "\n".join(hosts)}
    return mrint.write(icinga.path("icinga2.conf"), text), perf_dir


EXPECTED = {
    # service: (state, start of the output)
    "dnsbl-listed!dnsbl": (2, "DNSBL CRITICAL - 192.0.2.2 listed on zen.test"),
    "dnsbl-warn!dnsbl": (1, "DNSBL WARNING - 192.0.2.3 listed on bl2.test"),
    "dnsbl-clean!dnsbl": (0, "DNSBL OK - 192.0.2.99 not listed"),
    "mail-out!ms-smtp-127.0.0.1": (0, "MS_SMTP OK - hotmail.test accepts mail from 127.0.0.1"),
    "mail-out!ms-smtp-127.0.0.5": (2, "MS_SMTP CRITICAL - hotmail.test: S3140"),
    "mail-out!ms-smtp-127.0.0.6": (1, "MS_SMTP WARNING - hotmail.test: S775"),
    "fake-ms!ms-smtp-127.0.0.1": (2, "MS_SMTP CRITICAL - hotmail.test: S3150"),
    "mail-platform!snds-main": (2, "SNDS CRITICAL - 192.0.2.11: filter RED"),
    "mail-platform!snds-second": (1, "SNDS WARNING - 198.51.100.7: filter YELLOW"),
    "mail-platform!jmrp-main": (1, "JMRP WARNING - 3 complaints in the last 24h (2 IPs), "
                                   "top 192.0.2.10: 2, 1 unparsed"),
    "mail-platform!jmrp-direct": (2, "JMRP CRITICAL - 1 complaint in the last 24h (1 IP), "
                                     "top 198.51.100.7: 1"),
}


def wait_for_results(icinga, names, since, timeout=60.0):
    """Poll the API until every named service has a check result newer than since."""
    deadline = time.monotonic() + timeout
    services = {}
    while time.monotonic() < deadline:
        services = icinga.services()
        done = [n for n in names if services.get(n, {}).get("last_check_result")
                and services[n]["last_check_result"]["execution_end"] >= since]
        if len(done) == len(names):
            return services
        time.sleep(0.5)
    missing = [n for n in names if n not in services or not services[n].get("last_check_result")]
    raise AssertionError("no check result within %.0f s for %s (services: %s)\n%s" % (
        timeout, missing, sorted(services), icinga.log_text()))


def perfdata_lines(perf_dir, timeout=10.0):
    """{host!service: (state, perfdata)} from the PerfdataWriter files (rotated and current)."""
    deadline = time.monotonic() + timeout
    out = {}
    while time.monotonic() < deadline:
        out = {}
        for path in glob.glob(os.path.join(perf_dir, "service-perfdata*")):
            with open(path, errors="replace") as f:
                for line in f:
                    fields = dict(part.split("::", 1) for part in line.rstrip("\n").split("\t")
                                  if "::" in part)
                    if "SERVICE" in fields:
                        out[fields["SERVICE"]] = (fields.get("STATE"), fields.get("PERFDATA", ""))
        if all(n in out for n in EXPECTED):
            return out
        time.sleep(0.5)
    return out


def test_icinga_runs_the_services_against_the_test_servers(icinga, plugins, rbldnsd, postfix_mx,
                                                            fake_mx_factory, smtp_certs, snds,
                                                            tmp_public):
    """The shipped commands, templates and apply rules run in a live Icinga 2: DNSBL (rbldnsd),
    the Microsoft probe per sending IP via command_endpoint (Postfix, fake MX), SNDS per
    account (HTTPS test server) and JMRP per complaint mailbox (a Maildir); states, outputs and
    perfdata come back through the API and the PerfdataWriter, and no SNDS key and no
    complainant address reaches Icinga."""
    need(mrint.ICINGA2, root=True)
    fake = fake_mx_factory("block_s3150")
    fake6 = fake_mx_factory("accept_all", listen_host="::1") if rbldnsd.port6 else None
    expected = dict(EXPECTED)
    if fake6 is not None:
        expected["mail-v6!ms-smtp-::1"] = (0, "MS_SMTP OK - hotmail.test accepts mail from ::1")
    ini_lines = []
    for account, acc in SNDS_ACCOUNTS.items():
        ini_lines += ["[snds_%s]" % account, "key = " + acc["key"],
                      "base-url = " + snds.url("/snds/"), "cafile = " + smtp_certs.ca_cert,
                      "date = " + SNDS_DATE, ""]
    maildir = write_jmrp_maildir(os.path.join(tmp_public, "jmrp", "Maildir"))
    ini_lines += ["[jmrp_main]", "maildir = " + maildir, ""]
    ini = mrint.write(os.path.join(tmp_public, "mailrep-plugins.ini"), "\n".join(ini_lines), 0o600)
    conf, perf_dir = live_conf(icinga, (rbldnsd.port, postfix_mx, fake, fake6, snds, ini,
                                        smtp_certs.ca_cert, maildir))
    # The shipped PluginDir is /usr/lib/nagios/plugins: point it at the build.
    text = open(conf).read().replace('const PluginDir = "/usr/lib/nagios/plugins"',
                                     'const PluginDir = "%s"' % mrint.plugin_dir())
    mrint.write(conf, text)
    res = icinga.validate(conf)
    assert res.returncode == 0, res.stdout[-4000:]

    icinga.start(conf)
    since = time.time() - 1
    ans = icinga.api("POST", "/v1/actions/reschedule-check",
                     {"type": "Service", "filter": "true", "force": True})
    assert all(r["code"] == 200 for r in ans["results"]), ans
    services = wait_for_results(icinga, list(expected), since)

    for name, (state, start) in expected.items():
        cr = services[name]["last_check_result"]
        assert cr["output"].startswith(start), (name, cr["output"], cr["command"])
        assert cr["exit_status"] == state and cr["state"] == state, (name, cr["output"])
        assert cr["performance_data"], (name, cr)
    # the probes ran "on the agent": command_endpoint is set and the bound address is the IP
    for ip in (PostfixMx.OK_IP, PostfixMx.BLOCKED_IP, PostfixMx.THROTTLED_IP):
        attrs = services["mail-out!ms-smtp-" + ip]
        assert attrs["command_endpoint"] == icinga.NODE
        cmd = attrs["last_check_result"]["command"]
        assert cmd[cmd.index("--bind") + 1] == ip, cmd
        assert "--ipv6" not in cmd, cmd
    if fake6 is not None:
        cmd = services["mail-v6!ms-smtp-::1"]["last_check_result"]["command"]
        assert "--ipv6" in cmd and cmd[cmd.index("--bind") + 1] == "::1", cmd
    # Icinga's view of the perfdata: labels and values it parsed
    dnsbl_perf = services["dnsbl-listed!dnsbl"]["last_check_result"]["performance_data"]
    assert [p.split("=")[0] for p in dnsbl_perf] == ["listed", "targets_listed", "targets",
                                                   "zones", "errors", "queries", "time"], dnsbl_perf
    assert "listed=2" in dnsbl_perf and "zones=2" in dnsbl_perf, dnsbl_perf
    smtp_perf = services["mail-out!ms-smtp-127.0.0.5"]["last_check_result"]["performance_data"]
    assert "rcpt=U" in smtp_perf, smtp_perf
    jmrp_perf = services["mail-platform!jmrp-main"]["last_check_result"]["performance_data"]
    assert [p.split("=")[0] for p in jmrp_perf] == ["complaints", "ips", "unparsed", "other_reports",
                                                  "time"], jmrp_perf
    assert jmrp_perf[:3] == ["complaints=%d;1;5" % JMRP_EXPECT["complaints"],
                             "ips=%d" % JMRP_EXPECT["ips"],
                             "unparsed=%d" % JMRP_EXPECT["unparsed"]], jmrp_perf
    # JMRP: the ini section names the Maildir, the long output lists the IPs most first; the
    # other mailbox names its Maildir in Icinga and repeats --ip, with no ini section at all
    main = services["mail-platform!jmrp-main"]["last_check_result"]
    assert "--extra-opts=jmrp_main@%s" % ini in main["command"], main["command"]
    assert main["output"].splitlines()[1:3] == ["\\_ [OK] 192.0.2.10: 2 complaints",
                                                "\\_ [OK] 198.51.100.7: 1 complaint"], main["output"]
    direct = services["mail-platform!jmrp-direct"]["last_check_result"]
    cmd = direct["command"]
    assert not any(a.startswith("--extra-opts") for a in cmd), cmd
    assert cmd[cmd.index("--maildir") + 1] == maildir, cmd
    assert cmd[cmd.index("--ip") + 1] == "198.51.100.0/24", cmd
    assert direct["performance_data"][0] == "complaints=1;;0", direct["performance_data"]

    # the PerfdataWriter formats what Icinga parsed: state and normalised perfdata per service
    written = perfdata_lines(perf_dir)
    for name, (state, _) in EXPECTED.items():
        assert name in written, (name, sorted(written))
        assert written[name][0] == mrint.STATES[state], (name, written[name])
    assert "listed=2" in written["dnsbl-listed!dnsbl"][1], written["dnsbl-listed!dnsbl"]
    assert "red=1" in written["mail-platform!snds-main"][1], written["mail-platform!snds-main"]
    assert "complaints=3;1;5 " in written["mail-platform!jmrp-main"][1], \
        written["mail-platform!jmrp-main"]

    # secrets: the command lines name only the ini section, and no key is anywhere in Icinga
    for account in SNDS_ACCOUNTS:
        cmd = services["mail-platform!snds-" + account]["last_check_result"]["command"]
        assert "--extra-opts=snds_%s@%s" % (account, ini) in cmd, cmd
    everything = json.dumps(icinga.api("GET", "/v1/objects/services")) + \
        json.dumps(icinga.api("GET", "/v1/objects/hosts")) + icinga.log_text(tail=None)
    for path in glob.glob(os.path.join(perf_dir, "*")):
        everything += open(path, errors="replace").read()
    for acc in SNDS_ACCOUNTS.values():
        assert acc["key"] not in everything
    # the complaints' recipient addresses never leave the plugin
    assert jmrp_messages.RCPT_MARK not in everything
