#!/usr/bin/python3
"""icinga_demo.py: the Icinga 2 part of tests/demo.sh.

Usage: icinga_demo.py DATA_DIR BUILDDIR RBL_PORT MX_ACCEPT_PORT MX_BLOCK_PORT MX_THROTTLE_PORT
                      SNDS_URL

Runs one Icinga 2 node (the daemon of Debian's icinga2-bin) with its own configuration and state
below DATA_DIR/icinga (never /etc/icinga2): the REST API on a free 127.0.0.1 port with its own
API user, the shipped CheckCommands and templates (icinga-conf/mailrep-plugins), the shipped
apply rules (icinga-conf/examples/apply-rules.conf) and demo hosts whose host check is "dummy"
and whose variables point every service at the local counterparts tests/demo.sh started.  The
SNDS keys go into an ini file (DATA_DIR/mailrep-plugins.ini) that the services only name.

It asks the API to run every service now (reschedule-check), waits for the results, prints
them as a table (host!service, state, first line of output) and exits 1 when a service has not
the state the demo expects, or no result in time.  The daemon is stopped by its PID on the way
out (its PID file is DATA_DIR/icinga/state/icinga2.pid, for demo.sh's EXIT trap).

Helpers come from tests/integration/mrint.py (the integration tests start Icinga the same way).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import grp
import os
import pwd
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "integration"))
sys.path.insert(0, HERE)
import mrint  # noqa: E402
from fixtures import DATE, SNDS_ACCOUNTS  # noqa: E402

INCLUDE = os.path.join(mrint.CONF, "mailrep-plugins")
APPLY_RULES = os.path.join(mrint.CONF, "examples", "apply-rules.conf")
EHLO = "probe.mailrep.test"
RESULT_TIMEOUT = 60.0

# host!service -> the state the demo expects
EXPECTED = {
    "mail-clean!dnsbl": "OK",
    "mail-policy!dnsbl": "WARNING",
    "mail-listed!dnsbl": "CRITICAL",
    "out-accepted!dnsbl": "OK",
    "out-accepted!ms-smtp-127.0.0.1": "OK",
    "out-throttled!dnsbl": "OK",
    "out-throttled!ms-smtp-127.0.0.6": "WARNING",
    "out-blocked!dnsbl": "OK",
    "out-blocked!ms-smtp-127.0.0.5": "CRITICAL",
    "mail-platform!snds-clean": "OK",
    "mail-platform!snds-yellow": "WARNING",
    "mail-platform!snds-blocked": "CRITICAL",
    "mail-platform!jmrp-relaxed": "OK",
    "mail-platform!jmrp-normal": "WARNING",
    "mail-platform!jmrp-strict": "CRITICAL",
}


class DemoIcinga(mrint.Icinga):
    """mrint.Icinga, run as the user running the demo (root under tests/run-tests.sh)."""

    NODE = "mailrep-demo.test"

    def defines(self):
        """mrint's -D arguments with RunAsUser/RunAsGroup set to the current user and group."""
        user = pwd.getpwuid(os.geteuid()).pw_name
        group = grp.getgrgid(os.getegid()).gr_name
        out = super().defines()
        for i, arg in enumerate(out):
            if arg.startswith("RunAsUser="):
                out[i] = "RunAsUser=" + user
            elif arg.startswith("RunAsGroup="):
                out[i] = "RunAsGroup=" + group
        return out


def write(path, text, mode=0o644):
    """Write text to path with mode; return path."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def host(name, address, variables):
    """One demo host: check_command dummy, the given custom variables."""
    body = ['object Host "%s" {' % name, '\tcheck_command = "dummy"',
            '\taddress = "%s"' % address]
    for key, value in variables.items():
        body.append("\tvars.%s = %s" % (key, mrint.dsl(value)))
    return "\n".join(body + ["}"])


def write_ini(data, snds_url):
    """The ini file the SNDS services read their section from (key, base URL, CA, date)."""
    lines = []
    for account, (key, _rows, _status) in SNDS_ACCOUNTS.items():
        lines += ["[snds_%s]" % account, "key = " + key, "base-url = " + snds_url,
                  "cafile = " + os.path.join(data, "certs", "ca.crt"), "date = " + DATE, ""]
    return write(os.path.join(data, "mailrep-plugins.ini"), "\n".join(lines), 0o600)


def write_conf(icinga, data, rbl_port, mx_ports, snds_url):
    """icinga2.conf: the one-node API setup, the shipped include and apply rules, the hosts."""
    dnsbl = {"mailrep_sender": True, "mailrep_dnsbl_no_default_zones": True,
             "mailrep_dnsbl_zone": ["block.demo.test", "policy.demo.test:warning"],
             "mailrep_dnsbl_server": ["127.0.0.1:%d" % rbl_port]}

    def sender(ip, port):
        """A host sending from ip, probed at the fake Microsoft MX on port."""
        return dict(dnsbl, mailrep_ms_probe=True, mailrep_sending_ips=[ip],
                    mailrep_ehlo_names={ip: EHLO}, mailrep_ms_smtp_host="127.0.0.1",
                    mailrep_ms_smtp_port=port, mailrep_ms_smtp_domain=["hotmail.test"],
                    mailrep_ms_smtp_rcpt="probe@hotmail.test")

    maildir = os.path.join(data, "jmrp", "Maildir")
    hosts = [
        host("mail-clean", "192.0.2.1", dnsbl),
        host("mail-policy", "198.51.100.7", dnsbl),
        host("mail-listed", "192.0.2.99", dnsbl),
        host("out-accepted", "127.0.0.1", sender("127.0.0.1", mx_ports[0])),
        host("out-blocked", "127.0.0.5", sender("127.0.0.5", mx_ports[1])),
        host("out-throttled", "127.0.0.6", sender("127.0.0.6", mx_ports[2])),
        host("mail-platform", "127.0.0.1", {
            "mailrep_ini": write_ini(data, snds_url),
            "mailrep_snds_accounts": {account: {} for account in SNDS_ACCOUNTS},
            "mailrep_jmrp_mailboxes": {
                name: {"mailrep_jmrp_maildir": maildir, "mailrep_jmrp_warning": w,
                       "mailrep_jmrp_critical": c}
                for name, w, c in (("relaxed", "10", "20"), ("normal", "3", "10"),
                                   ("strict", "2", "4"))}}),
    ]
    text = (mrint.icinga_base_conf(node=icinga.NODE).replace(
                'const PluginDir = "/usr/lib/nagios/plugins"',
                'const PluginDir = "%s"' % mrint.plugin_dir())
            + icinga.api_objects_conf()
            + 'include "%s"\ninclude "%s"\n\n' % (INCLUDE, APPLY_RULES)
            + "\n".join(hosts) + "\n")
    return write(icinga.path("icinga2.conf"), text)


def wait_for_results(icinga, since):
    """{host!service: attrs} once every expected service has a result newer than since."""
    deadline = time.monotonic() + RESULT_TIMEOUT
    services = {}
    while time.monotonic() < deadline:
        services = icinga.services()
        done = [n for n in EXPECTED if (services.get(n, {}).get("last_check_result") or {})
                .get("execution_end", 0) >= since]
        if len(done) == len(EXPECTED):
            break
        time.sleep(0.3)
    return services


def table(services):
    """Print host!service, state and the first output line of every service; return the
    number of services without the expected state."""
    names = list(EXPECTED) + sorted(set(services) - set(EXPECTED))
    width = max(len(n) for n in names)
    print("%-*s  %-8s  %s" % (width, "host!service", "state", "first line of output"))
    print("%s  %s  %s" % ("-" * width, "-" * 8, "-" * 20))
    wrong = 0
    for name in names:
        cr = services.get(name, {}).get("last_check_result") or {}
        state = mrint.STATES.get(int(cr["state"]), "?") if cr else "(none)"
        line = cr.get("output", "").split("\n", 1)[0].rstrip()
        if len(line) > 110:
            line = line[:107] + "..."
        mark = ""
        if name in EXPECTED and state != EXPECTED[name]:
            mark, wrong = "   <-- expected %s" % EXPECTED[name], wrong + 1
        elif name not in EXPECTED:
            mark, wrong = "   <-- not expected", wrong + 1
        print("%-*s  %-8s  %s%s" % (width, name, state, line, mark))
    return wrong


def main():
    """Configure, validate, start, reschedule, wait, print, stop."""
    if len(sys.argv) != 8:
        sys.exit(__doc__.split("\n\n")[1])
    data, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    rbl_port = int(sys.argv[3])
    mx_ports = [int(p) for p in sys.argv[4:7]]
    snds_url = sys.argv[7]
    os.environ["BUILDDIR"] = build
    icinga = DemoIcinga(os.path.join(data, "icinga"))
    os.makedirs(icinga.base, exist_ok=True)
    conf = write_conf(icinga, data, rbl_port, mx_ports, snds_url)
    print("$ icinga2 daemon -c %s  (own state dir, API on 127.0.0.1:%d)"
          % (os.path.relpath(conf, data), icinga.api_port))
    res = icinga.validate(conf)
    if res.returncode != 0:
        print("icinga2 rejected the configuration:\n" + res.stdout[-4000:] + res.stderr)
        return 1
    try:
        t0 = time.monotonic()
        icinga.start(conf)
        since = time.time() - 1
        icinga.api("POST", "/v1/actions/reschedule-check",
                   {"type": "Service", "filter": "true", "force": True})
        services = wait_for_results(icinga, since)
        print("(Icinga started, ran %d services and answered over its REST API in %.1f s)\n"
              % (len(services), time.monotonic() - t0))
        print("GET https://127.0.0.1:%d/v1/objects/services (API user %s), as a table:\n"
              % (icinga.api_port, icinga.api_user))
        wrong = table(services)
    finally:
        icinga.stop()
    if wrong:
        print("\n%d Icinga service(s) without the expected state; the icinga2 log ends:\n%s"
              % (wrong, icinga.log_text(3000)))
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:   # the daemon was stopped on the way out
        sys.exit(130)
