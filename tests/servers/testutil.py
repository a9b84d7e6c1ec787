"""Helpers shared by the test servers and the test suites (black-box, servers, integration).

One copy each of what every suite needs around a server process: a free TCP port, waiting
until a server answers, the "READY PORT" line a scripted server prints once it listens, starting a scripted server
(fake_mx.py, snds_server.py) and the --listen and JSON-lines log code they share, stopping a
child by its PID, reading a JSON-lines log, skipping a test whose counterpart is not
installed, and the plugin states (STATES, STATE_NAMES).  Standard library only (pytest is imported where a test needs it), so the scripted
servers can import this module too.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import collections
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

# Plugin exit codes by state name, and the names by exit code (the Nagios plugin API).
STATES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
STATE_NAMES = {code: name for name, code in STATES.items()}


def free_tcp_port(host="127.0.0.1"):
    """A TCP port that is free on host (IPv4 or IPv6) right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def stop_process(proc, timeout=5.0):
    """SIGTERM a child by its PID, SIGKILL it if it lingers past timeout; reap it."""
    if proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def wait_until(probe, proc=None, timeout=10.0, what="server", log=None, interval=0.1):
    """Poll probe() until it returns a true value; return that value.  An OSError of probe counts
    as not ready yet.  RuntimeError when proc (a Popen, may be None) exits first or when timeout
    seconds pass; log (a callable giving the server's log text, may be None) ends its message."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("%s exited with %s%s" % (
                what, proc.returncode, ":\n" + log() if log is not None else ""))
        try:
            value = probe()
            if value:
                return value
        except OSError as e:
            last = e
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise RuntimeError("%s did not answer within %.0f s%s%s" % (
        what, timeout, " (%s)" % last if last is not None else "",
        ":\n" + log() if log is not None else ""))


def read_ready_line(proc, timeout):
    """The first stdout line of a starting server (b"READY PORT\\n" when it listens), as far
    as it came within timeout seconds or before the server closed stdout."""
    deadline = time.monotonic() + timeout
    line = b""
    while time.monotonic() < deadline and not line.endswith(b"\n"):
        r, _, _ = select.select([proc.stdout], [], [], 0.1)
        if r:
            chunk = os.read(proc.stdout.fileno(), 256)
            if not chunk:
                break
            line += chunk
    return line


class JsonlWriter:
    """Appends records to a JSON-lines file, one object per line, thread-safe (path None: no log)."""

    def __init__(self, path):
        """path may be None (records go nowhere)."""
        self.path = path
        self.lock = threading.Lock()

    def write(self, record):
        """Append one record (keys sorted, non-ASCII text as is), at once so tests read it live."""
        if not self.path:
            return
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with self.lock:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)


def parse_listen(text):
    """(host, port, family) of a --listen value HOST:PORT or [V6]:PORT; ValueError if malformed."""
    m = re.match(r"^\[([0-9A-Fa-f:.]+)\]:([0-9]+)$", text)
    if m:
        return m.group(1), int(m.group(2)), socket.AF_INET6
    m = re.match(r"^([^:\[\]]+):([0-9]+)$", text)
    if m:
        return m.group(1), int(m.group(2)), socket.AF_INET
    raise ValueError("bad --listen %r (HOST:PORT or [V6]:PORT)" % text)


# A scripted server started by start_scripted_server: the child, where it listens, its files.
ScriptedServer = collections.namedtuple(
    "ScriptedServer", "proc host port config_path log_path err_path")


def start_scripted_server(program, name, config_opt, config, workdir, cert=None, key=None,
                          host="127.0.0.1", extra_args=(), ready_timeout=10.0):
    """Start a scripted test server (fake_mx.py, snds_server.py) as a child on a free port of host
    and wait for its "READY PORT" line; return a ScriptedServer.

    The command line is: program --listen HOST:0 CONFIG_OPT CONFIG --log LOG [--cert C --key K]
    extra_args.  config is a path, or a dict written as JSON to a new file in workdir; LOG is a
    new NAME-*.jsonl file in workdir and the server's stderr goes to the .err file beside it.  A
    server that does not get ready is stopped and RuntimeError tells its stderr."""
    if isinstance(config, dict):
        fd, config_path = tempfile.mkstemp(prefix=name + "-", suffix=".json", dir=workdir)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(config, f, indent=1)
    else:
        config_path = config
    fd, log_path = tempfile.mkstemp(prefix=name + "-", suffix=".jsonl", dir=workdir)
    os.close(fd)
    err_path = log_path[:-len(".jsonl")] + ".err"
    listen = ("[%s]:0" if ":" in host else "%s:0") % host
    cmd = [sys.executable or "/usr/bin/python3", program, "--listen", listen,
           config_opt, config_path, "--log", log_path]
    if cert:
        cmd += ["--cert", cert, "--key", key or cert]
    cmd += list(extra_args)
    with open(err_path, "wb") as errf:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=errf)
    line = read_ready_line(proc, ready_timeout)
    if not line.startswith(b"READY "):
        stop_process(proc)
        proc.stdout.close()
        with open(err_path, encoding="utf-8", errors="replace") as f:
            err = f.read()
        raise RuntimeError("%s did not start (%r): %s" % (name, line, err))
    return ScriptedServer(proc, host, int(line.split()[1]), config_path, log_path, err_path)


def read_jsonl(path):
    """Every record of a JSON-lines log (empty list if the file does not exist yet)."""
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def skip_missing(reason):
    """Skip the test for a missing counterpart; under CI (CI set), where tests/run-tests.sh
    installs every counterpart, a missing one is a failure instead of a silent skip."""
    import pytest
    if os.environ.get("CI"):
        pytest.fail("%s (CI is set: tests/run-tests.sh should have installed it)" % reason,
                    pytrace=False)
    pytest.skip(reason)
