"""Allocation-failure (torture) tests: one representative run per plugin against the local servers,
rerun with the Nth allocation failing (tests/torture/failmalloc.c, an LD_PRELOAD shim built here).

For each plugin the driver first counts the allocations of the run (after main starts): all of them,
and those made directly by the plugin binary (the project's own code, common/ included: it is linked
in).  Then:

* every one of the binary's own allocations is failed in turn (MR_FAIL_ALLOC_OWN=1..own);
* of all allocations (libc, libcurl, OpenSSL, ldns, GMime, ...) a sample of SAMPLE numbers spread
  evenly over 1..total is failed (MR_FAIL_ALLOC=N); MR_TORTURE_FULL=1 fails every N instead.

A run with a failed allocation must end with a valid first line ("PREFIX STATE - ...") and either
exit 3 UNKNOWN (a failed own allocation: the line says "out of memory"), or, when the allocation
belonged to a library that recovers (or was not needed), the baseline result.  No run may crash,
hang, print a sanitizer report (ASan leak check included, in the sanitizer build) or a secret.
An allocation made by libglib (g_malloc aborts by design) or libldns (ldns_pkt_new does not check
its lists: a crash found by this test, not ours to fix) is never failed; the shim reports it.

The shim and ASan: the shim comes first in LD_PRELOAD and hands every allocation on to the next
allocator (dlsym RTLD_NEXT), which in the sanitizer build is ASan's, so ASan still sees and
leak-checks every block; ASan's link-order check is switched off (verify_asan_link_order=0).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from conftest import (DQS_KEY, REPO_ROOT, first_line, require_binary, run_binary,
                      skip_missing)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jmrp_fixtures  # noqa: E402
from jmrp_fixtures import jmrp_plugin  # noqa: E402,F401
from smtp_fixtures import fake_mx_factory, smtp_certs  # noqa: E402,F401
import snds_server  # noqa: E402
import snds_data as D  # noqa: E402
import testcerts  # noqa: E402
import jmrp_messages as jm  # noqa: E402

SHIM_SRC = os.path.join(REPO_ROOT, "tests", "torture", "failmalloc.c")
SAMPLE = int(os.environ.get("MR_TORTURE_SAMPLE", "40"))
FULL = os.environ.get("MR_TORTURE_FULL", "") not in ("", "0")
STATE_RE = re.compile(r"^[A-Z_]+ (OK|WARNING|CRITICAL|UNKNOWN) - \S")


def _is_asan(path):
    """Whether the binary was built with AddressSanitizer."""
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


@pytest.fixture(scope="session")
def failmalloc(tmp_path_factory):
    """The shim, compiled from tests/torture/failmalloc.c."""
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc:
        skip_missing("no C compiler for tests/torture/failmalloc.c")
    out = str(tmp_path_factory.mktemp("failmalloc") / "failmalloc.so")
    subprocess.run([cc, "-O1", "-g", "-fno-omit-frame-pointer", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-o", out,
                    SHIM_SRC, "-ldl"], check=True)
    return out


class Torture:
    """Runs one plugin's representative run with and without a failing allocation."""

    def __init__(self, name, args, shim, tmp, secrets=(), unset=(), timeout=60.0):
        self.name, self.args, self.shim, self.tmp = name, args, shim, tmp
        self.secrets, self.unset, self.timeout = list(secrets), unset, timeout
        self.asan = _is_asan(require_binary(name))
        self.report = os.path.join(str(tmp), "alloc.report")

    def run(self, **fail):
        """Run once; (Result, (total, own, failed, skipped))."""
        env = {"LD_PRELOAD": self.shim, "MR_ALLOC_REPORT": self.report}
        if self.asan:
            env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "detect_leaks=1") + \
                ":verify_asan_link_order=0"
        for k, v in fail.items():
            env[k] = str(v)
        if os.path.exists(self.report):
            os.unlink(self.report)
        r = run_binary(self.name, self.args, env=env, timeout=self.timeout,
                       secrets=self.secrets, unset=self.unset)
        counts = (0, 0, 0, 0)
        if os.path.exists(self.report):
            with open(self.report) as f:
                counts = tuple(int(x) for x in f.read().split())
        return r, counts

    def sweep(self, baseline_code, baseline_line):
        """Fail each own allocation and a sample of all; return a summary dict."""
        r, (total, own, _, _) = self.run()
        assert r.code == baseline_code, (r.stdout, r.stderr)
        assert total > 0 and own > 0, "the shim counted nothing: %r" % ((total, own),)
        plan = [("MR_FAIL_ALLOC_OWN", n) for n in range(1, own + 1)]
        if FULL:
            nums = range(1, total + 1)
        else:
            step = max(1, total // SAMPLE)
            nums = sorted(set(range(1, total + 1, step)) | {1, total})
        plan += [("MR_FAIL_ALLOC", n) for n in nums]
        first = int(os.environ.get("MR_TORTURE_FIRST_OWN", "1"))
        plan = [(v, n) for v, n in plan if v != "MR_FAIL_ALLOC_OWN" or n >= first]
        only = os.environ.get("MR_TORTURE_ONLY")  # e.g. "MR_FAIL_ALLOC=5641": rerun one finding
        if only:
            plan = [(v, int(n)) for v, n in (x.split("=") for x in only.split(","))]
        stats = {"total": total, "own": own, "runs": 0, "oom": 0, "normal": 0, "other_unknown": 0,
                 "skipped_lib": 0, "not_reached": 0}
        start = time.monotonic()
        for var, n in plan:
            r, (_, _, failed, skipped) = self.run(**{var: n})
            stats["runs"] += 1
            try:
                self.judge(r, var, n, failed, skipped, stats, baseline_code, baseline_line)
            except AssertionError as e:
                tr, _ = self.run(MR_ALLOC_TRACE=1, **{var: n})
                raise AssertionError("%s\n--- stack of the failed allocation:\n%s"
                                     % (e, tr.stderr[-4000:])) from None
        stats["seconds"] = round(time.monotonic() - start, 1)
        print("%s alloc torture%s: %r" % (self.name, " (ASan)" if self.asan else "", stats))
        return stats

    @staticmethod
    def judge(r, var, n, failed, skipped, stats, baseline_code, baseline_line):
        """Check one run with allocation var=n failing; count it in stats."""
        if var == "MR_FAIL_ALLOC" and _library_leak(r.stderr):
            # OpenSSL's and glibc's regcomp's own error paths leak after their allocation failed:
            # not the project's (no frame of the plugin in any leak stack); recorded, not failed.
            stats["lib_leak"] = stats.get("lib_leak", 0) + 1
            r = r._replace(code=3 if first_line(r.stdout).split(" ")[1:2] == ["UNKNOWN"]
                           else baseline_code, stderr="")
        what = "%s=%d: exit %d\n--- stdout:\n%s--- stderr:\n%s" % (
            var, n, r.code, r.stdout[:3000], r.stderr[:3000])
        assert r.code in (0, 1, 2, 3), "crash or sanitizer exit " + what
        assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, what
        line = first_line(r.stdout)
        assert STATE_RE.match(line), "no valid status line " + what
        if skipped:
            stats["skipped_lib"] += 1
            return
        if not failed:
            stats["not_reached"] += 1
            return
        if r.code == baseline_code and _same(line, baseline_line):
            stats["normal"] += 1
        elif r.code == 3 and "memory" in line.lower():
            stats["oom"] += 1
        else:
            # A library that reports its own failure in its own words (e.g. a TLS error).
            assert var == "MR_FAIL_ALLOC", "own allocation failed without an OOM line " + what
            assert r.code == 3, "a failed library allocation changed the verdict " + what
            stats["other_unknown"] += 1


def _library_leak(stderr):
    """Whether every leak of an ASan report was allocated with no frame of the plugin binary (or of
    common/, plugins/) on its stack: a library's own leak."""
    if "LeakSanitizer" not in stderr or "AddressSanitizer: " in stderr.replace("SUMMARY: AddressSanitizer", ""):
        return False
    frames = [ln for ln in stderr.splitlines() if re.match(r"\s+#\d+ ", ln)]
    return bool(frames) and not any(re.search(r"/plugins/check_|/common/|/plugins/\w+/", ln)
                                    for ln in frames)


def _same(line, base):
    """Two status lines equal up to the values of timing perfdata (seconds differ from run to run)."""
    strip = re.compile(r"(=[0-9.]+s|=U)(?=\s|$)")
    return strip.sub("=T", line) == strip.sub("=T", base)


def test_alloc_failure_check_dnsbl(failmalloc, servers, tmp_path):
    args = ["--resolv-conf=" + servers.resolv_conf, "-s", "127.0.0.1:%d" % servers.rbl,
            "--no-default-zones", "-H", "192.0.2.2", "-z", "zen.test", "-z", "bl2.test",
            "-z", "zen.spamhaus.org", "--dqs-key", DQS_KEY, "-t", "10"]
    t = Torture("check_dnsbl", args, failmalloc, tmp_path, secrets=[DQS_KEY])
    base, _ = t.run()
    assert base.code == 2, base.stdout
    t.sweep(base.code, first_line(base.stdout))


def test_alloc_failure_check_ms_smtp(failmalloc, fake_mx_factory, smtp_certs, tmp_path):
    mx = fake_mx_factory("block_s3140")
    args = ["-e", "mail.example.test", "-H", mx.host, "-p", mx.port, "-t", "10",
            "--cafile", smtp_certs.ca_cert]
    t = Torture("check_ms_smtp", args, failmalloc, tmp_path)
    base, _ = t.run()
    assert base.code == 2, base.stdout
    t.sweep(base.code, first_line(base.stdout))


def test_alloc_failure_check_snds(failmalloc, tmp_path):
    from test_check_snds import DATE, GREEN3, KEY, LEGACY_PREFIX, SECRETS, UNSET_ENV, legacy_routes
    require_binary("check_snds")
    certs = testcerts.make_test_certs(str(tmp_path / "certs"))
    key = tmp_path / "snds.key"
    key.write_text(KEY + "\n")
    os.chmod(key, 0o600)
    status = "198.51.100.1,198.51.100.1,Yes,%s\r\n" % D.BLOCK_REASON
    routes = legacy_routes(status=status, data={0: D.legacy_data_csv(GREEN3)})
    srv = snds_server.start_snds_server(routes, str(tmp_path), cert=certs.server_cert,
                                        key=certs.server_key)
    try:
        args = ["--key-file", str(key), "--base-url", srv.url(LEGACY_PREFIX), "--cafile",
                certs.ca_cert, "--date", DATE, "-t", "10"]
        t = Torture("check_snds", args, failmalloc, tmp_path, secrets=SECRETS, unset=UNSET_ENV)
        base, _ = t.run()
        assert base.code == 2 and base.stdout.startswith("SNDS CRITICAL"), base.stdout
        t.sweep(base.code, first_line(base.stdout))
    finally:
        srv.stop()


def test_alloc_failure_check_jmrp(failmalloc, jmrp_plugin, tmp_path):  # noqa: F811
    md = jm.Maildir(str(tmp_path / "Maildir"))
    now = time.time()
    md.add(jm.arf_report("192.0.2.10"), now - 3600)
    md.add(jm.legacy_report("198.51.100.7", sender="offers@example.net"), now - 7200)
    md.add(b"From: someone\r\nSubject: hello\r\n\r\nnot a complaint\r\n", now - 600)
    state = str(tmp_path / "jmrp.state")
    args = ["-M", md.path, "--state-file=" + state, "-w", "1", "-c", "5"]
    t = Torture("check_jmrp", args, failmalloc, tmp_path, secrets=jmrp_fixtures.SECRETS)
    base, _ = t.run()
    assert base.code == 1, base.stdout
    os.unlink(state)
    # Without a state file every run reads the whole Maildir (a failed save must not matter).
    t.args = ["-M", md.path, "-w", "1", "-c", "5"]
    base, _ = t.run()
    t.sweep(base.code, first_line(base.stdout))
