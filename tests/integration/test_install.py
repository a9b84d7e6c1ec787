"""make install and the Debian package.

* "make install DESTDIR=..." of the build tree puts the plugins, the zone catalogue and rules
  table, the example ini file, the Icinga include, the Nagios commands and (with help2man) a man
  page per plugin under the configured prefixes; "make uninstall" removes them again.
* dpkg-buildpackage builds the .deb from the make dist tarball with its build-time tests (make check,
  as a newcomer's plain "dpkg-buildpackage -us -uc -b" runs them), dpkg -i installs it, the
  installed plugins run (one against rbldnsd), icinga2 finds "include <mailrep-plugins>" in its
  own include directory, Debian's nagios4 layout picks up the Nagios commands; the package is
  purged again afterwards (unless it was installed before the test).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import os
import re
import shutil
import subprocess

import pytest

import mrint
from conftest import need

VERSION_RE = re.compile(r"AC_INIT\(\[mailrep-plugins\],\s*\[([^\]]+)\]")

# Perfdata labels of each plugin in their fixed order (README.md, interface.md): the man page's
# PERFORMANCE DATA section describes every one.
PERF_LABELS = {
    "check_dnsbl": ["listed", "targets_listed", "targets", "zones", "errors", "queries", "time"],
    "check_ms_smtp": ["time", "connect", "banner", "ehlo", "tls", "mail", "rcpt"],
    "check_snds": ["ips", "blocked", "green", "yellow", "red", "complaint_rate", "trap_hits", "rcpt",
                   "data", "recipients", "time"],
    "check_jmrp": ["complaints", "ips", "unparsed", "time"],
}

# Sections every man page has beyond --help (man/*.h2m and build-aux/man-icinga.sh).
MAN_SECTIONS = ["EXIT STATUS", "PERFORMANCE DATA", "ICINGA 2", "ENVIRONMENT", "FILES", "EXAMPLES",
                "SEE ALSO"]


def man_section(page, title):
    """The roff text of section title of a man page ("" when it has none)."""
    m = re.search(r'^\.SH "?%s"?\n(.*?)(?=^\.SH |\Z)' % re.escape(title), page, re.M | re.S)
    return m.group(1) if m else ""


def check_man_page(name, page, pkgdatadir):
    """The man page of plugin name has the extra sections with the plugin's own content."""
    for title in MAN_SECTIONS:
        assert man_section(page, title).strip(), "%s(8) has no %s section" % (name, title)
    perf = man_section(page, "PERFORMANCE DATA")
    tags = re.findall(r"^\.TP\n\.B (\S+)$", perf, re.M)
    assert tags == PERF_LABELS[name], (name, tags)
    status = man_section(page, "EXIT STATUS")
    assert re.findall(r"^\.B ([0-3]) \(", status, re.M) == ["0", "1", "2", "3"], status
    files = man_section(page, "FILES").replace("\\-", "-").replace("\\%", "")
    assert "/etc/nagios-plugins/mailrep-plugins.ini" in files
    assert "/etc/monitoring-plugins/monitoring-plugins.ini" in files  # the --extra-opts search path
    if name in ("check_dnsbl", "check_ms_smtp"):
        table = "dnsbl-zones.ini" if name == "check_dnsbl" else "ms-smtp-rules.ini"
        assert pkgdatadir + "/" + table in files, files
    icinga = man_section(page, "ICINGA 2").replace("\\-", "-").replace("\\%", "")
    short = name[len("check_"):]
    assert "mailrep-%s" % short.replace("_", "-") in icinga
    assert "vars.mailrep_%s_timeout" % short in icinga and "vars.mailrep_%s_extra_opts" % short in icinga
    assert "%pkgdatadir%" not in page and "%docdir%" not in page


def makefile_var(name):
    """A variable of the build tree's Makefile as configure set it (unexpanded)."""
    with open(os.path.join(mrint.builddir(), "Makefile")) as f:
        for line in f:
            m = re.match(r"^%s = (.*)$" % re.escape(name), line)
            if m:
                return m.group(1).strip()
    return None


def find_one(root, suffix):
    """The single installed file whose path ends with suffix."""
    hits = [p for p in glob.glob(os.path.join(root, "**", "*"), recursive=True)
            if p.endswith(suffix) and os.path.isfile(p)]
    assert len(hits) == 1, (suffix, hits)
    return hits[0]


def source_version():
    """The version in configure.ac."""
    with open(os.path.join(mrint.REPO_ROOT, "configure.ac")) as f:
        return VERSION_RE.search(f.read()).group(1)


def test_make_install_and_uninstall(tmp_path, plugins):
    """make install honours DESTDIR and puts every shipped file in its place; uninstall removes
    everything it installed."""
    dest = str(tmp_path / "stage")
    res = mrint.run(["make", "-C", mrint.builddir(), "install", "DESTDIR=" + dest], timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    libexec = makefile_var("libexecdir")
    for name in mrint.PLUGINS:
        path = find_one(dest, "/" + name)
        if not libexec.startswith("$"):
            assert path == dest + os.path.join(libexec, name), path
        assert os.access(path, os.X_OK)
        ver = mrint.run([path, "--version"])
        assert ver.returncode == 3 and ver.stdout.startswith(name + " v"), ver.stdout
    for suffix in ("/share/mailrep-plugins/dnsbl-zones.ini",
                   "/share/mailrep-plugins/ms-smtp-rules.ini",
                   "/share/doc/mailrep-plugins/examples/mailrep-plugins.ini.example",
                   "/share/doc/mailrep-plugins/examples/icinga2/apply-rules.conf",
                   "/share/doc/mailrep-plugins/examples/icinga2/split/zones.d/"
                   "global-templates/mailrep-split.conf",
                   "/share/doc/mailrep-plugins/examples/director/mailrep-plugins-basket.json",
                   "/share/doc/mailrep-plugins/examples/nrpe/mailrep-plugins.cfg",
                   "/share/icinga2/include/mailrep-plugins",
                   "/share/icinga2/include/mailrep-plugins.d/commands.conf",
                   "/share/icinga2/include/mailrep-plugins.d/templates.conf",
                   "/etc/nagios-plugins/config/mailrep-plugins.cfg"):
        find_one(dest, suffix)
    # the installed catalogue's directory is $(pkgdatadir), which the man pages name
    pkgdatadir = os.path.dirname(find_one(dest, "/share/mailrep-plugins/dnsbl-zones.ini"))[len(dest):]
    if makefile_var("HELP2MAN") not in (None, "no", ""):
        for name in mrint.PLUGINS:
            page = open(find_one(dest, "/man8/%s.8" % name)).read()
            assert re.search(r"^\.TH %s \"8\"" % name.upper(), page, re.M), page[:300]
            assert "\\-\\-timeout" in page and "\\-\\-extra\\-opts" in page
            # long-only options are option paragraphs, not text of the option before
            assert re.search(r"^\.HP\n\\fB\\-\\-timeout\\-result\\fR", page, re.M), name
            check_man_page(name, page, pkgdatadir)
        dnsbl = open(find_one(dest, "/man8/check_dnsbl.8")).read()
        assert re.search(r"^\.HP\n\\fB\\-\\-mx\\fR=", dnsbl, re.M)
    res = mrint.run(["make", "-C", mrint.builddir(), "uninstall", "DESTDIR=" + dest], timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    left = [p for p in glob.glob(os.path.join(dest, "**", "*"), recursive=True) if os.path.isfile(p)]
    assert left == [], left


def test_debian_changelog_version_is_the_source_version():
    """debian/changelog names the version of configure.ac (native package)."""
    with open(os.path.join(mrint.REPO_ROOT, "debian", "changelog")) as f:
        first = f.readline()
    m = re.match(r"^mailrep-plugins \(([^)]+)\) ", first)
    assert m and m.group(1) == source_version(), first


def unpacked_dist(dest):
    """make dist in the build tree, unpacked below dest: the release tarball's source tree."""
    res = mrint.run(["make", "-C", mrint.builddir(), "dist-gzip"], timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    tarball = os.path.join(mrint.builddir(), "mailrep-plugins-%s.tar.gz" % source_version())
    moved = os.path.join(dest, os.path.basename(tarball))
    shutil.move(tarball, moved)
    res = mrint.run(["tar", "-xzf", moved, "-C", dest])
    assert res.returncode == 0, res.stderr
    top = os.path.join(dest, "mailrep-plugins-%s" % source_version())
    # everything of icinga-conf/, debian/ and tests/integration/ made it into the tarball
    for sub in ("icinga-conf", "debian", os.path.join("tests", "integration")):
        for root, dirs, files in os.walk(os.path.join(mrint.REPO_ROOT, sub)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for f in files:
                rel = os.path.relpath(os.path.join(root, f), mrint.REPO_ROOT)
                if sub == "debian" and (rel.startswith("debian/tmp/") or
                                        rel.startswith("debian/mailrep-plugins/")):
                    continue
                assert os.path.isfile(os.path.join(top, rel)), "%s is not in make dist" % rel
    return top


def dpkg_installed(package):
    """Whether package is installed now."""
    res = mrint.run(["dpkg-query", "-W", "-f=${Status}", package])
    return res.returncode == 0 and "install ok installed" in res.stdout


@pytest.fixture
def built_deb(tmp_path):
    """The .deb built by dpkg-buildpackage from a copy of the tree; yields its path."""
    need("/usr/bin/dpkg-buildpackage", root=True)
    if not shutil.which("dh"):
        mrint.skip_missing("debhelper is not installed (apt-get install debhelper)")
    # Built from the release tarball, as a distribution would: this also proves that make dist
    # carries debian/ and everything the package installs.
    src = unpacked_dist(str(tmp_path))
    # With the build-time tests, as "dpkg-buildpackage -us -uc -b" runs them for a newcomer: this
    # catches Build-Depends that the tests need (ldnsutils for ldns-testns) and tests that only
    # pass in the developer's tree.
    env = dict(os.environ, DEB_BUILD_OPTIONS="parallel=%d" % min(os.cpu_count() or 2, 2),
               LC_ALL="C.UTF-8")
    env.pop("DEB_BUILD_PROFILES", None)
    res = mrint.run(["dpkg-buildpackage", "-us", "-uc", "-b"], timeout=1200, env=env, cwd=src)
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-5000:]
    out = res.stdout + res.stderr
    # dh_auto_test ran the unit tests, test_dns (ldns-testns) among them, and none failed
    assert re.search(r"^PASS: tests/unit/test_dns$", out, re.M), out[-5000:]
    assert re.search(r"^# FAIL: +0$", out, re.M) and re.search(r"^# ERROR: +0$", out, re.M), out[-5000:]
    debs = glob.glob(str(tmp_path / "mailrep-plugins_*.deb"))
    assert len(debs) == 1, debs
    yield debs[0]


def test_deb_builds_installs_and_the_plugins_run(built_deb, rbldnsd, tmp_path):
    """dpkg-buildpackage makes mailrep-plugins_<version>_<arch>.deb holding the plugins in
    /usr/lib/nagios/plugins, the Icinga and Nagios snippets and the man pages; dpkg -i installs
    it and the installed plugins work; Icinga and Nagios pick up the installed snippets."""
    name = os.path.basename(built_deb)
    assert name.startswith("mailrep-plugins_%s_" % source_version()), name
    contents = mrint.run(["dpkg-deb", "-c", built_deb]).stdout
    for path in ["./usr/lib/nagios/plugins/check_dnsbl", "./usr/lib/nagios/plugins/check_ms_smtp",
                 "./usr/lib/nagios/plugins/check_snds", "./usr/lib/nagios/plugins/check_jmrp",
                 "./usr/share/icinga2/include/mailrep-plugins",
                 "./usr/share/icinga2/include/mailrep-plugins.d/commands.conf",
                 "./etc/nagios-plugins/config/mailrep-plugins.cfg",
                 "./usr/share/mailrep-plugins/dnsbl-zones.ini",
                 "./usr/share/doc/mailrep-plugins/examples/mailrep-plugins.ini.example",
                 "./usr/share/doc/mailrep-plugins/examples/nrpe/mailrep-plugins.cfg",
                 "./usr/share/man/man8/check_dnsbl.8.gz",
                 "./usr/share/man/man8/check_jmrp.8.gz"]:
        assert re.search(r" %s$" % re.escape(path), contents, re.M), (path, contents)
    # dh_compress gzips README.Debian once it is larger than 4 kB
    assert re.search(r" \./usr/share/doc/mailrep-plugins/README\.Debian(\.gz)?$", contents, re.M), contents
    assert mrint.run(["dpkg-deb", "-f", built_deb, "Package"]).stdout.strip() == "mailrep-plugins"

    was_installed = dpkg_installed("mailrep-plugins")
    res = mrint.run(["dpkg", "-i", built_deb], timeout=300)
    try:
        assert res.returncode == 0, res.stdout + res.stderr
        assert dpkg_installed("mailrep-plugins")
        for plugin in mrint.PLUGINS:
            ver = mrint.run(["/usr/lib/nagios/plugins/" + plugin, "--version"])
            assert ver.returncode == 3, ver.stdout
            assert ver.stdout.strip() == "%s v%s (mailrep-plugins %s)" % (
                plugin, source_version(), source_version()), ver.stdout
        r = mrint.run(["/usr/lib/nagios/plugins/check_dnsbl", "-H", "192.0.2.2",
                       "--no-default-zones", "-z", "zen.test", "-s", "127.0.0.1:%d" % rbldnsd.port])
        assert r.returncode == 2 and r.stdout.startswith("DNSBL CRITICAL - 192.0.2.2 listed"), r.stdout
        conf = mrint.run(["dpkg-query", "-W", "-f=${Conffiles}", "mailrep-plugins"]).stdout
        assert "/etc/nagios-plugins/config/mailrep-plugins.cfg" in conf, conf
        need(mrint.ICINGA2)
        icinga = mrint.Icinga(str(tmp_path / "icinga"))
        os.makedirs(icinga.state, exist_ok=True)
        main = mrint.write(icinga.path("icinga2.conf"), mrint.icinga_base_conf(
            ["include <mailrep-plugins>",
             'object Host "h" { check_command = "mailrep-dnsbl"; address = "192.0.2.2" }']))
        val = icinga.validate(main)
        assert val.returncode == 0, val.stdout[-3000:]
        assert "/usr/share/icinga2/include/mailrep-plugins" in mrint.run(
            ["dpkg", "-L", "mailrep-plugins"]).stdout
        need(mrint.NAGIOS4)
        base = str(tmp_path / "nagios")
        os.makedirs(base)
        hostcheck = mrint.write(os.path.join(base, "h.cfg"),
                                "define command {\n command_name check-host-alive\n"
                                " command_line /bin/true\n}\n"
                                "define host {\n use linux-server\n host_name mail1\n"
                                " address 192.0.2.10\n}\n"
                                "define service {\n use generic-service\n host_name mail1\n"
                                " service_description DNSBL\n check_command check_dnsbl\n}\n")
        main = mrint.nagios_main_cfg(base, ["/etc/nagios-plugins/config/mailrep-plugins.cfg",
                                            hostcheck])
        val = mrint.run([mrint.NAGIOS4, "-v", main])
        assert val.returncode == 0, val.stdout[-3000:]
        if not shutil.which("man"):
            mrint.skip_missing("man is not installed (apt-get install man-db)")
        page = mrint.run(["man", "-w", "check_snds"])
        assert page.returncode == 0 and page.stdout.strip().endswith("check_snds.8.gz"), page
    finally:
        if not was_installed:
            subprocess.run(["dpkg", "--purge", "mailrep-plugins"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=300)
