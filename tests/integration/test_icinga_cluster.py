"""Icinga 2 across nodes: the suite on a master and an agent (or satellite) on loopback.

Two icinga2 daemons run side by side, each with its own configuration, state, log and run
directories (mrint.Icinga), its own API port on 127.0.0.1 and its own certificate: "icinga2 pki new-ca"
on the master, a P-256 key and CSR per node (openssl; "icinga2 pki new-cert" would make
RSA-4096 keys, seconds each on a busy machine) signed by "icinga2 pki sign-csr" with the
master's CA.

* Agent (icinga-conf/examples/apply-rules.conf, agent-zones.conf, hosts.conf's pattern
  vars.agent_endpoint = name): the master holds the hosts in zones.d/master and the shipped
  apply rules in zones.d/global-templates; the ms-smtp-<ip> services run on the agent through
  command_endpoint against the scripted fake Microsoft MX (one accepting, one blocking with
  S3140), the dnsbl service of the same host runs on the master against rbldnsd.  The master's
  REST API gives back the states, and check_source names the node that ran each check.

The zones and endpoints are the examples' (master1.example.com, mail1.example.com), but the
Endpoint objects are written here with host 127.0.0.1 and the test's ports: the examples'
Endpoint hosts are documentation addresses, and a node connects to the hosts its Endpoint
objects name.  hosts.conf is never loaded (its hostalive checks ping documentation addresses);
the test's hosts follow it with dummy host checks.  Nothing leaves loopback.

* Satellite (icinga-conf/examples/split, its zones.d loaded as shipped): the master syncs the
  split function, the apply rule and the IP-space hosts to the satellite of zone satellite-eu,
  which runs check_dnsbl per /24 of its /22 against "the satellites' own resolver" on
  127.0.0.1:53 (rbldnsd serving check_dnsbl's built-in IP zones; the test is skipped, or fails
  under CI, when that port is taken).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import time

import pytest

import mrint
from conftest import need

EXAMPLES = os.path.join(mrint.CONF, "examples")

MASTER = "master1.example.com"      # the master of icinga-conf/examples/split/zones.conf
AGENT = "mail1.example.com"         # the agent of icinga-conf/examples/agent-zones.conf


@pytest.fixture
def cluster():
    """make(node) -> a fresh mrint.Icinga named node; every daemon is stopped by PID and its
    tree removed after the test, whatever the test did."""
    need(mrint.ICINGA2, root=True)
    nodes = []

    def make(node):
        """One more node of the test cluster."""
        inst = mrint.Icinga(node=node)
        nodes.append(inst)
        return inst

    try:
        yield make
    finally:
        for inst in reversed(nodes):
            inst.cleanup()


def base_conf(node, zone):
    """icinga2.conf top of one node: constants, ITL, PluginDir the build, and the shipped
    commands and templates the way icinga-conf/README.md says (include <mailrep-plugins>,
    found through -I icinga-conf)."""
    return mrint.icinga_base_conf(node=node, zone=zone, plugin_dir=mrint.plugin_dir()) + \
        "include <mailrep-plugins>\n"


def start_node(inst, text, include_zones=None):
    """Write inst's icinga2.conf (text, plus include_zones of a zones.d tree), validate it and
    start the daemon."""
    if include_zones:
        text += 'include_zones "mailrep-test", "%s"\n' % include_zones
    conf = mrint.write(inst.path("icinga2.conf"), text)
    res = inst.validate(conf, include_dirs=[mrint.CONF])
    assert res.returncode == 0, res.stdout[-4000:]
    inst.start(conf, include_dirs=[mrint.CONF])


def host_conf(name, zone, **variables):
    """A test host: dummy host check (never a ping), address on loopback, variables as given."""
    body = ['object Host "%s" {' % name, '\tcheck_command = "dummy"',
            '\taddress = "127.0.0.1"']
    if zone:
        body.append('\tzone = "%s"' % zone)
    for k, v in variables.items():
        body.append("\tvars.%s = %s" % (k, mrint.dsl(v)))
    return "\n".join(body + ["}"]) + "\n"


def wait_connected(master, node, timeout=30.0):
    """Wait until the master reports the endpoint node connected."""
    mrint.wait_until(lambda: master.endpoints().get(node, {}).get("connected"), master.proc,
                     timeout, "%s connected to %s" % (node, master.NODE), master.log_text,
                     interval=0.2)


def wait_for_results(master, expected_sources, since, timeout=45.0):
    """Reschedule every service on the master and poll its API until each named service has a
    check result newer than since from the node expected_sources names; the services."""
    ans = master.api("POST", "/v1/actions/reschedule-check",
                     {"type": "Service", "filter": "true", "force": True})
    assert ans["results"] and all(r["code"] == 200 for r in ans["results"]), ans
    deadline = time.monotonic() + timeout
    services = {}
    while time.monotonic() < deadline:
        services = master.services()
        done = [n for n, src in expected_sources.items()
                if (services.get(n, {}).get("last_check_result") or {}).get("execution_end", 0)
                >= since and services[n]["last_check_result"]["check_source"] == src]
        if len(done) == len(expected_sources):
            return services
        time.sleep(0.5)
    got = {n: (services.get(n, {}).get("last_check_result") or {}) for n in expected_sources}
    raise AssertionError("no result from the expected node within %.0f s: %s\n%s" % (
        timeout, {n: (r.get("check_source"), r.get("output")) for n, r in got.items()},
        master.log_text()))


def test_agent_runs_the_ms_smtp_probes_through_command_endpoint(cluster, plugins, rbldnsd,
                                                                 fake_mx_factory):
    """Master and agent: apply-rules.conf in the master's global-templates zone gives the
    agent's host one ms-smtp-<ip> service per sending IP with command_endpoint = the agent; the
    agent runs check_ms_smtp (bound to each IP) against the fake Microsoft MX and the master
    receives OK for the accepting MX and CRITICAL S3140 for the blocking one, check_source the
    agent.  The host's dnsbl service has no command_endpoint: the master runs it (rbldnsd lists
    127.0.0.2 on zen.test), check_source the master."""
    master = cluster(MASTER)
    agent = cluster(AGENT)
    master.make_ca()
    for node in (master, agent):
        master.sign_node(node)
    accepting = fake_mx_factory("accept_all")
    blocking = fake_mx_factory("block_s3140")

    # The agent (agent-zones.conf: its zone's parent is the master; accept_commands = true).
    agent_text = base_conf(AGENT, AGENT) + agent.api_listener_conf(accept_commands=True) + \
        mrint.zones_conf([("master", [(MASTER, None)], None),
                          (AGENT, [(AGENT, None)], "master")])
    start_node(agent, agent_text)

    # The master connects to the agent, as agent-zones.conf has it (Endpoint with host).
    zd = os.path.join(master.base, "zones.d")
    os.makedirs(os.path.join(zd, "master"))
    os.makedirs(os.path.join(zd, "global-templates"))
    shutil.copy(os.path.join(EXAMPLES, "apply-rules.conf"), os.path.join(zd, "global-templates"))
    smtp_vars = {"mailrep_ms_probe": True, "mailrep_ms_smtp_domain": ["hotmail.test"],
                 "mailrep_ms_smtp_rcpt": "probe-mailbox@hotmail.test",
                 "mailrep_ms_smtp_timeout": 10}
    dnsbl_vars = {"mailrep_dnsbl_no_default_zones": True, "mailrep_dnsbl_zone": ["zen.test"],
                  "mailrep_dnsbl_server": ["127.0.0.1:%d" % rbldnsd.port],
                  "mailrep_dnsbl_timeout": 10}
    hosts = [
        # hosts.conf's mail1: its own agent, two sending IPs with their EHLO names
        host_conf(AGENT, None, agent_endpoint=AGENT, mailrep_sender=True,
                  mailrep_sending_ips=["127.0.0.1", "127.0.0.2"],
                  mailrep_ehlo_names={"127.0.0.1": "mail1.example.com",
                                      "127.0.0.2": "mail1-b.example.com"},
                  mailrep_ms_smtp_host=accepting.host, mailrep_ms_smtp_port=accepting.port,
                  **smtp_vars, **dnsbl_vars),
        # a second host whose probe runs on the same agent, against a blocking MX
        host_conf("mail1-blocked", None, agent_endpoint=AGENT, mailrep_sender=True,
                  mailrep_sending_ips=["127.0.0.3"],
                  mailrep_ms_smtp_host=blocking.host, mailrep_ms_smtp_port=blocking.port,
                  **smtp_vars, **dnsbl_vars),
    ]
    mrint.write(os.path.join(zd, "master", "hosts.conf"), "".join(hosts))
    master_text = base_conf(MASTER, "master") + master.api_listener_conf() + \
        mrint.zones_conf([("master", [(MASTER, None)], None),
                          (AGENT, [(AGENT, agent.api_port)], "master")],
                         ["global-templates"])
    start_node(master, master_text, include_zones=zd)
    wait_connected(master, AGENT)

    since = time.time() - 1
    expected = {
        # service: (state, start of the output, node that ran it)
        AGENT + "!ms-smtp-127.0.0.1": (0, "MS_SMTP OK - hotmail.test accepts mail from 127.0.0.1",
                                       AGENT),
        AGENT + "!ms-smtp-127.0.0.2": (0, "MS_SMTP OK - hotmail.test accepts mail from 127.0.0.2",
                                       AGENT),
        "mail1-blocked!ms-smtp-127.0.0.3": (2, "MS_SMTP CRITICAL - hotmail.test: S3140", AGENT),
        AGENT + "!dnsbl": (2, "DNSBL CRITICAL - 127.0.0.2 listed on zen.test", MASTER),
        "mail1-blocked!dnsbl": (0, "DNSBL OK - 127.0.0.3 not listed", MASTER),
    }
    services = wait_for_results(master, {n: e[2] for n, e in expected.items()}, since)
    assert sorted(services) == sorted(expected), sorted(services)
    for name, (state, start, source) in expected.items():
        attrs = services[name]
        cr = attrs["last_check_result"]
        assert cr["output"].startswith(start), (name, cr["output"], cr["command"])
        assert cr["state"] == state and cr["exit_status"] == state, (name, cr["output"])
        assert cr["check_source"] == source, (name, cr["check_source"])
        assert attrs["command_endpoint"] == (AGENT if source == AGENT else ""), (name, attrs)
        assert attrs["zone"] == "master", (name, attrs["zone"])
    # the agent bound each probe to its sending IP and said EHLO with the IP's name
    for ip, ehlo in (("127.0.0.1", "mail1.example.com"), ("127.0.0.2", "mail1-b.example.com")):
        cmd = services[AGENT + "!ms-smtp-" + ip]["last_check_result"]["command"]
        assert cmd[0] == mrint.plugin_path("check_ms_smtp"), cmd
        assert cmd[cmd.index("--bind") + 1] == ip and cmd[cmd.index("--ehlo") + 1] == ehlo, cmd
    blocked = services["mail1-blocked!ms-smtp-127.0.0.3"]["last_check_result"]["output"]
    assert "[127.0.0.3]" in blocked, blocked


# --------------------------------------------------------------------------
# master and satellite: icinga-conf/examples/split
# --------------------------------------------------------------------------

SATELLITE = "sat-eu-1.example.com"  # a satellite of zone satellite-eu in examples/split
LISTED = "198.51.101.7"             # listed on zen.spamhaus.org by the test resolver


@pytest.fixture
def resolver_on_53():
    """rbldnsd on 127.0.0.1:53 serving every IP zone of check_dnsbl's built-in catalogue (all
    empty but zen.spamhaus.org, which lists LISTED): "the satellites' own resolver" that
    examples/split/zones.d/satellite-*/ipspace.conf name (127.0.0.1, port 53)."""
    bb = mrint.load_blackbox_conftest()
    if not bb.can_bind_udp("127.0.0.1", 53):
        mrint.skip_missing("127.0.0.1:53 is in use: the split example's resolver cannot be "
                           "stood in for")
    exe = shutil.which("rbldnsd") or "/usr/sbin/rbldnsd"
    if not os.access(exe, os.X_OK):
        mrint.skip_missing("rbldnsd is not installed (apt-get install rbldnsd)")
    catalogue = mrint.run([mrint.plugin_path("check_dnsbl"), "--list-zones"]).stdout
    zones, current = [], None
    for line in catalogue.splitlines():
        if line.startswith("["):
            current = line.strip("[]")
        elif current and line.replace(" ", "") == "ipv4=yes":
            zones.append(current)
    assert "zen.spamhaus.org" in zones, catalogue[:2000]
    base = mrint.public_dir("mailrep-it-rbl53.")
    args = []
    for zone in zones:
        data = bb.SOA + (":127.0.0.2:Listed, see https://check.spamhaus.org/\n%s\n" % LISTED
                         if zone == "zen.spamhaus.org" else "")
        bb.write_file(base, zone + ".v4", data)
        args.append("%s:ip4set:%s.v4" % (zone, zone))
    server = bb.start_server("rbldnsd", [exe, "-n", "-w", base, "-b", "127.0.0.1/53"] + args,
                             base, lambda: bb.dns_query(53, "7.101.51.198.zen.spamhaus.org",
                                                        timeout=0.3) is not None)
    try:
        yield zones
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_satellite_runs_its_split_ranges_and_the_master_gets_the_results(cluster, plugins,
                                                                         resolver_on_53):
    """Master and satellite with icinga-conf/examples/split as shipped: the master loads its
    zones.d (the split function and apply rule in global-templates, one IP-space host per
    satellite zone) and syncs it to sat-eu-1 (accept_config); the satellite cuts 198.51.100.0/22
    into four /24 services and runs check_dnsbl on them against its own resolver on 127.0.0.1;
    the master's API shows CRITICAL for the /24 with the listed address and OK for the other
    three, check_source the satellite, and no result for satellite-us, whose satellites are
    not running (the master does not run a child zone's checks)."""
    master = cluster(MASTER)
    sat = cluster(SATELLITE)
    master.make_ca()
    for node in (master, sat):
        master.sign_node(node)

    master_text = base_conf(MASTER, "master") + master.api_listener_conf() + \
        mrint.zones_conf([("master", [(MASTER, None)], None),
                          ("satellite-eu", [(SATELLITE, None)], "master"),
                          ("satellite-us", [("sat-us-1.example.com", None)], "master")],
                         ["global-templates"])
    start_node(master, master_text, include_zones=os.path.join(EXAMPLES, "split", "zones.d"))

    # The satellite connects to its parent and takes the zones' configuration from it.
    sat_text = base_conf(SATELLITE, "satellite-eu") + \
        sat.api_listener_conf(accept_config=True, accept_commands=True) + \
        mrint.zones_conf([("master", [(MASTER, master.api_port)], None),
                          ("satellite-eu", [(SATELLITE, None)], "master")],
                         ["global-templates"])
    start_node(sat, sat_text)

    pieces = ["ipspace-eu!dnsbl-198.51.%d.0_24" % n for n in (100, 101, 102, 103)]

    def synced():
        """The satellite has the four per-range services (after config sync and reload)."""
        return all(p in sat.services() for p in pieces)
    mrint.wait_until(synced, sat.proc, 40, "config sync to " + SATELLITE, sat.log_text,
                     interval=0.5)
    wait_connected(master, SATELLITE)

    since = time.time() - 1
    ans = sat.api("POST", "/v1/actions/reschedule-check",
                  {"type": "Service", "filter": "true", "force": True})
    assert sorted(r["code"] for r in ans["results"]) == [200] * len(pieces), ans
    deadline = time.monotonic() + 45
    while True:
        services = master.services()
        results = {p: (services.get(p, {}).get("last_check_result") or {}) for p in pieces}
        if all(r.get("execution_end", 0) >= since for r in results.values()):
            break
        assert time.monotonic() < deadline, (results, sat.log_text(), master.log_text())
        time.sleep(0.5)

    for p in pieces:
        cr = results[p]
        cidr = p.split("dnsbl-")[1].replace("_", "/")
        assert cr["check_source"] == SATELLITE, (p, cr["check_source"])
        assert services[p]["zone"] == "satellite-eu", services[p]["zone"]
        cmd = cr["command"]
        assert cmd[0] == mrint.plugin_path("check_dnsbl"), cmd
        assert cmd[cmd.index("--host") + 1] == cidr and "--zone" not in cmd, cmd
        assert cmd[cmd.index("--server") + 1] == "127.0.0.1", cmd
        perf = dict(x.split("=", 1) for x in cr["performance_data"])
        assert perf["targets"].split(";")[0] == "256", perf
        # every IP zone of the catalogue asked once per address, all at the test resolver
        # (plus the TXT reason of a listing)
        queries = int(perf["queries"].split(";")[0])
        assert queries == 256 * len(resolver_on_53) + int(perf["listed"].split(";")[0]), perf
        assert perf["errors"].split(";")[0] == "0", perf
        if cidr == "198.51.101.0/24":
            assert cr["state"] == 2 and cr["output"].startswith("DNSBL CRITICAL"), cr["output"]
            assert LISTED in cr["output"].splitlines()[0], cr["output"]
        else:
            assert cr["state"] == 0 and cr["output"].startswith("DNSBL OK"), (p, cr["output"])
    # satellite-us: the services exist on the master, but nobody in that zone runs them
    us = [n for n in services if n.startswith("ipspace-us!")]
    assert len(us) == 5, sorted(services)
    assert not any(services[n].get("last_check_result") for n in us), \
        {n: services[n]["last_check_result"] for n in us}
