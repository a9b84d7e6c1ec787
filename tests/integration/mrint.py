"""mrint.py: helpers of the integration tests (the real Icinga 2, Nagios 4 and NRPE daemons).

Paths: the built plugins are $BUILDDIR/plugins/check_* (BUILDDIR defaults to the repository
root); the shipped configuration is icinga-conf/ of this tree.  Every daemon runs as a child
process with its own configuration and state directories under a temp directory, listens on a
free loopback port only, and is stopped by its PID.

Fixtures of the black-box suite (rbldnsd, Postfix, certificates) are loaded from
tests/blackbox by file path under their own module names, so this directory's conftest.py and
tests/blackbox/conftest.py never clash as "conftest".
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import importlib.util
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
CONF = os.path.join(REPO_ROOT, "icinga-conf")
BLACKBOX = os.path.join(REPO_ROOT, "tests", "blackbox")
SERVERS = os.path.join(REPO_ROOT, "tests", "servers")

for _p in (BLACKBOX, SERVERS):
    if _p not in sys.path:
        sys.path.insert(0, _p)
from testutil import (STATE_NAMES, free_tcp_port, skip_missing,  # noqa: E402,F401
                      stop_process, wait_until)

ICINGA2 = "/usr/sbin/icinga2"
NAGIOS4 = "/usr/sbin/nagios4"
NRPE = "/usr/sbin/nrpe"
CHECK_NRPE = "/usr/lib/nagios/plugins/check_nrpe"

# The plugins the shipped Icinga/Nagios/NRPE configuration covers.
PLUGINS = ["check_dnsbl", "check_ms_smtp", "check_snds", "check_jmrp"]

# State names by exit code (testutil's one table).
STATES = STATE_NAMES


def load_blackbox_conftest():
    """tests/blackbox/conftest.py as module mailrep_blackbox_conftest (fixtures and helpers)."""
    name = "mailrep_blackbox_conftest"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.join(BLACKBOX, "conftest.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def builddir():
    """The build directory ($BUILDDIR, default the repository root)."""
    return os.environ.get("BUILDDIR", REPO_ROOT)


def plugin_dir():
    """Directory of the built plugins."""
    return os.path.join(builddir(), "plugins")


def plugin_path(name):
    """Path of one built plugin."""
    return os.path.join(plugin_dir(), name)


def public_dir(prefix):
    """A temp directory other users can enter (Icinga and NRPE checks run as other users)."""
    return load_blackbox_conftest().make_public_dir(prefix)


def write(path, text, mode=0o644):
    """Write text to path with mode; return path."""
    return load_blackbox_conftest().write_file(os.path.dirname(path), os.path.basename(path),
                                               text, mode)


def run(cmd, timeout=120, env=None, cwd=None):
    """Run a command; CompletedProcess with text stdout/stderr."""
    return subprocess.run([str(c) for c in cmd], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, env=env, cwd=cwd,
                          universal_newlines=True)


def wait_tcp(host, port, timeout=15.0, proc=None, what="server"):
    """Wait until host:port accepts connections; fail early when proc dies."""
    def accepts():
        """One connection attempt."""
        with socket.create_connection((host, port), timeout=0.5):
            return True
    wait_until(accepts, proc, timeout, "%s on %s:%d" % (what, host, port))


def parse_help_options(text):
    """Long option names of a --help text, in order (option lines only)."""
    names = []
    for line in text.splitlines():
        m = re.match(r"^  (?:-[A-Za-z0-9], )?--([a-z0-9][a-z0-9-]*)\S*$", line) or \
            re.match(r"^      --([a-z0-9][a-z0-9-]*)\S*$", line)
        if m:
            names.append(m.group(1))
    return names


# --------------------------------------------------------------------------
# Icinga 2
# --------------------------------------------------------------------------

class Icinga:
    """An Icinga 2 configuration and state tree under one temp directory.

    validate() runs "icinga2 daemon -C"; start() runs the daemon in the foreground as a child
    (as root with RunAsUser=root, so the test's temp files need no ownership games); the REST API
    listens on 127.0.0.1:api_port with a self-signed certificate whose CN is the node name."""

    NODE = "mailrep-it.test"

    def __init__(self, base=None, node=None):
        """Create the directory layout; node names the instance (default NODE)."""
        if node is not None:
            self.NODE = node
        self.base = base or public_dir("mailrep-icinga.")
        self.state = os.path.join(self.base, "state")
        os.makedirs(os.path.join(self.state, "certs"), exist_ok=True)
        self.proc = None
        self.api_port = None
        self.api_user = "mailrep-it"
        self.api_password = base64.b16encode(os.urandom(12)).decode()
        self.log_path = os.path.join(self.base, "icinga2.log")

    def defines(self):
        """-D arguments that move every path Icinga writes into the state directory."""
        s = self.state
        consts = {
            "DataDir": s, "LogDir": s, "CacheDir": s, "SpoolDir": s, "InitRunDir": s,
            "PidPath": os.path.join(s, "icinga2.pid"),
            "ObjectsPath": os.path.join(s, "icinga2.debug"),
            "VarsPath": os.path.join(s, "icinga2.vars"),
            "ModAttrPath": os.path.join(s, "modified-attributes.conf"),
            "RunAsUser": "root", "RunAsGroup": "root",
        }
        out = []
        for k, v in consts.items():
            out += ["-D", "%s=%s" % (k, v)]
        return out

    def path(self, name):
        """A path below the configuration directory."""
        return os.path.join(self.base, name)

    def validate(self, main_conf, include_dirs=()):
        """icinga2 daemon -C on main_conf; CompletedProcess (stdout holds the log)."""
        cmd = [ICINGA2, "daemon", "-C", "-c", main_conf] + self.defines()
        for d in include_dirs:
            cmd += ["-I", d]
        return run(cmd, timeout=120)

    def object_list(self, otype="Service"):
        """icinga2 object list of the last validation; {name: text block}."""
        res = run([ICINGA2, "object", "list", "--type", otype] + self.defines())
        objects = {}
        current = None
        for line in res.stdout.splitlines():
            m = re.match(r"^Object '(.*)' of type '%s':$" % otype, line)
            if m:
                current = m.group(1)
                objects[current] = ""
            elif current is not None:
                objects[current] += line + "\n"
        return objects

    def make_api_cert(self):
        """Self-signed API certificate for the node name (openssl); its path."""
        certs = os.path.join(self.state, "certs")
        key = os.path.join(certs, self.NODE + ".key")
        crt = os.path.join(certs, self.NODE + ".crt")
        res = run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                   "-subj", "/CN=" + self.NODE])
        if res.returncode != 0:
            raise RuntimeError("openssl failed: " + res.stderr)
        shutil.copy(crt, os.path.join(certs, "ca.crt"))
        return crt

    def api_objects_conf(self):
        """Endpoint, Zone, ApiListener, ApiUser, CheckerComponent for a one-node instance (and
        the API certificate they need)."""
        self.make_api_cert()
        return """\
object Endpoint "%(node)s" { }
object Zone "master" { endpoints = [ "%(node)s" ] }
""" % {"node": self.NODE} + self.api_listener_conf()

    def api_listener_conf(self, accept_config=False, accept_commands=False):
        """ApiListener on a free loopback port (api_port), the test's ApiUser and a
        CheckerComponent; the certificates must be in place (make_api_cert or the pki methods)."""
        self.api_port = free_tcp_port()
        return """\
object ApiListener "api" {
	bind_host = "127.0.0.1"
	bind_port = %(port)d
	accept_config = %(config)s
	accept_commands = %(commands)s
}
object ApiUser "%(user)s" { password = "%(pw)s"; permissions = [ "*" ] }
object CheckerComponent "checker" { }
""" % {"port": self.api_port, "user": self.api_user, "pw": self.api_password,
       "config": dsl(accept_config), "commands": dsl(accept_commands)}

    def pki(self, *args):
        """icinga2 pki with this instance's paths (the CA is state/ca); CompletedProcess, and
        RuntimeError when it fails."""
        res = run([ICINGA2, "pki"] + list(args) + self.defines())
        if res.returncode != 0:
            raise RuntimeError("icinga2 pki %s failed: %s%s" % (args[0], res.stdout, res.stderr))
        return res

    def make_ca(self):
        """A new cluster CA in this instance's state/ca (icinga2 pki new-ca); its directory."""
        self.pki("new-ca")
        return os.path.join(self.state, "ca")

    def sign_node(self, other):
        """A certificate for other's node name, signed by this instance's CA with
        "icinga2 pki sign-csr", put with the CA certificate into other's certs directory (what
        "icinga2 node setup" leaves on a node).  The key and CSR are P-256 from openssl:
        "icinga2 pki new-cert" makes RSA-4096 keys, which take seconds each on a busy machine."""
        certs = os.path.join(other.state, "certs")
        key, csr, crt = (os.path.join(certs, other.NODE + ext) for ext in (".key", ".csr", ".crt"))
        res = run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
                   "-subj", "/CN=" + other.NODE])
        if res.returncode != 0:
            raise RuntimeError("openssl failed: " + res.stderr)
        self.pki("sign-csr", "--csr", csr, "--cert", crt)
        shutil.copy(os.path.join(self.state, "ca", "ca.crt"), os.path.join(certs, "ca.crt"))
        return crt

    def endpoints(self):
        """{name: attrs} of the Endpoint objects, from the API (connected, ...)."""
        ans = self.api("GET", "/v1/objects/endpoints")
        return {r["name"]: r["attrs"] for r in ans["results"]}

    def start(self, main_conf, include_dirs=(), timeout=30.0):
        """Start the daemon and wait until the API answers."""
        cmd = [ICINGA2, "daemon", "-c", main_conf] + self.defines()
        for d in include_dirs:
            cmd += ["-I", d]
        with open(self.log_path, "wb") as logf:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        # URLError and SSLError are OSErrors: wait_until retries them
        wait_until(lambda: self.api("GET", "/v1/status/IcingaApplication") is not None,
                   self.proc, timeout, "icinga2 API", self.log_text, interval=0.2)

    def log_text(self, tail=6000):
        """The daemon's log so far: its last tail characters (for failure messages), or all of it
        with tail=None (to search it for secrets)."""
        try:
            with open(self.log_path, errors="replace") as f:
                text = f.read()
        except OSError:
            return ""
        return text if tail is None else text[-tail:]

    def api(self, method, path, body=None, timeout=10):
        """One REST API call; the decoded JSON answer."""
        ctx = ssl.create_default_context(cafile=os.path.join(self.state, "certs", "ca.crt"))
        ctx.check_hostname = False   # the certificate names the node, not 127.0.0.1
        req = urllib.request.Request("https://127.0.0.1:%d%s" % (self.api_port, path),
                                     method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        token = base64.b64encode(("%s:%s" % (self.api_user, self.api_password)).encode()).decode()
        req.add_header("Authorization", "Basic " + token)
        req.add_header("Accept", "application/json")
        if method != "GET":
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, context=ctx, timeout=timeout) as resp:
            return json.loads(resp.read().decode())

    def services(self):
        """{host!service: attrs} of every service, from the API."""
        ans = self.api("GET", "/v1/objects/services")
        return {r["name"]: r["attrs"] for r in ans["results"]}

    def stop(self):
        """Stop the daemon by PID."""
        if self.proc is not None:
            stop_process(self.proc, timeout=20)

    def cleanup(self):
        """Stop and remove the tree."""
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def icinga_base_conf(extra_includes=(), node=None, zone="master", plugin_dir=None):
    """The top of a test icinga2.conf: constants and the ITL as Debian's icinga2.conf has them
    (NodeName and ZoneName when node is given; PluginDir plugin_dir, default Debian's)."""
    lines = [
        'const PluginDir = "%s"' % (plugin_dir or "/usr/lib/nagios/plugins"),
        'const ManubulonPluginDir = "/usr/lib/nagios/plugins"',
        'const PluginContribDir = "/usr/lib/nagios/plugins"',
    ]
    if node:
        lines += ['const NodeName = "%s"' % node, 'const ZoneName = "%s"' % zone]
    lines += ["include <itl>", "include <plugins>", "include <plugins-contrib>",
              "include <manubulon>", "include <windows-plugins>", "include <nscp>"]
    lines += list(extra_includes)
    return "\n".join(lines) + "\n"


def zones_conf(zones, global_zones=()):
    """Endpoint and Zone objects of a test cluster: zones is a list of (zone name, [(endpoint
    name, port or None)], parent or None); an endpoint with a port is connected to on
    127.0.0.1 by the nodes that reach out to it (its parent zone's)."""
    out = []
    for name, endpoints, parent in zones:
        for ep, port in endpoints:
            if port:
                out.append('object Endpoint "%s" { host = "127.0.0.1"; port = %d }' % (ep, port))
            else:
                out.append('object Endpoint "%s" { }' % ep)
        body = ["endpoints = %s" % dsl([ep for ep, _ in endpoints])]
        if parent:
            body.append("parent = %s" % dsl(parent))
        out.append('object Zone "%s" { %s }' % (name, "; ".join(body)))
    for name in global_zones:
        out.append('object Zone "%s" { global = true }' % name)
    return "\n".join(out) + "\n"


def dsl(value):
    """A Python value as Icinga 2 DSL text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$")
    if isinstance(value, (list, tuple)):
        return "[ " + ", ".join(dsl(v) for v in value) + " ]"
    if isinstance(value, dict):
        return "{ " + ", ".join("%s = %s" % (dsl(k), dsl(v)) for k, v in value.items()) + " }"
    raise TypeError(value)


# --------------------------------------------------------------------------
# Nagios and NRPE
# --------------------------------------------------------------------------

def nagios_main_cfg(base, cfg_files):
    """A minimal nagios.cfg validating cfg_files with Debian's sample objects; its path."""
    objects = "/etc/nagios4/objects"
    os.makedirs(os.path.join(base, "spool", "checkresults"), exist_ok=True)
    lines = ["log_file=%s/nagios.log" % base,
             "resource_file=%s" % write(os.path.join(base, "resource.cfg"),
                                        "$USER1$=%s\n" % plugin_dir()),
             "status_file=%s/status.dat" % base,
             "temp_file=%s/nagios.tmp" % base,
             "temp_path=%s" % base,
             "lock_file=%s/nagios.lock" % base,
             "state_retention_file=%s/retention.dat" % base,
             "check_result_path=%s/spool/checkresults" % base,
             "object_cache_file=%s/objects.cache" % base,
             "precached_object_file=%s/objects.precache" % base,
             "command_file=%s/nagios.cmd" % base,
             "nagios_user=root", "nagios_group=root",
             "illegal_macro_output_chars=`~$&|'\"<>",
             "check_external_commands=0"]
    for name in ("commands.cfg", "contacts.cfg", "timeperiods.cfg", "templates.cfg"):
        lines.append("cfg_file=%s/%s" % (objects, name))
    lines += ["cfg_file=%s" % f for f in cfg_files]
    return write(os.path.join(base, "nagios.cfg"), "\n".join(lines) + "\n")


class Nrpe:
    """An NRPE server on a loopback port with its own configuration, stopped by PID."""

    def __init__(self, base, command_lines):
        """Write nrpe.cfg (the given command[...] lines) below base."""
        self.base = base
        self.port = free_tcp_port()
        self.cfg = write(os.path.join(base, "nrpe.cfg"), "\n".join([
            "pid_file=%s/nrpe.pid" % base,
            "server_address=127.0.0.1",
            "server_port=%d" % self.port,
            "nrpe_user=nagios",
            "nrpe_group=nagios",
            "allowed_hosts=127.0.0.1",
            "dont_blame_nrpe=0",
            "allow_bash_command_substitution=0",
            "command_timeout=30",
            "connection_timeout=30",
            "disable_syslog=1",
            "debug=0",
        ] + list(command_lines)) + "\n")
        self.proc = None

    def start(self):
        """Run nrpe -f (foreground) and wait for the port."""
        self.proc = subprocess.Popen([NRPE, "-c", self.cfg, "-f"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        wait_tcp("127.0.0.1", self.port, proc=self.proc, what="nrpe")

    def query(self, command, v2=False, timeout=40):
        """check_nrpe -c command; CompletedProcess."""
        cmd = [CHECK_NRPE, "-H", "127.0.0.1", "-p", str(self.port), "-t", "30", "-c", command]
        if v2:
            cmd.insert(1, "-2")
        return run(cmd, timeout=timeout)

    def stop(self):
        """Stop the server by PID."""
        if self.proc is not None:
            stop_process(self.proc, timeout=10)
