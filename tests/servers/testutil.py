"""Helpers shared by the test servers and the test suites (black-box, servers, integration).

One copy each of what every suite needs around a server process: a free TCP port, the
"READY PORT" line a scripted server prints once it listens, stopping a child by its PID,
reading a JSON-lines log, and skipping a test whose counterpart is not installed.
Standard library only (pytest is imported where a test needs it), so the scripted servers
can import this module too.
"""

import json
import os
import select
import signal
import socket
import subprocess
import time


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
