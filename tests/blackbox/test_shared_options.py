"""Shared option behaviour of all four plugins (common/options.c, extraopts.c, ini.c, optval.c, secret.c,
plugin.c), run against the built binaries.

- --extra-opts on a real shared ini file: only the asked section is read; other sections may hold long
  check_tcp send= strings, keys with spaces, lines without '='; no line limit; a 1 MiB file bound; an error
  inside the section is one line naming file and line, exit 3.
- Ini keys name options exactly (no getopt abbreviations); an unknown key is named, its value never shown.
- A value given to a secret option (-file variants included) never appears in any output; a secret file that
  cannot be read is one line naming the option (and "(from --extra-opts)").
- --help says how to give each secret (the generated "Secrets:" paragraph).
- Runtime errors (an unreadable ini file, a missing secret or CA file) are one line, without the usage.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re

import pytest

from conftest import first_line, require_binary, run_binary

# The four plugins: name, output prefix, arguments that get a run past its argument checks to the point where
# it reads its secret files (nothing is contacted before that).
PLUGINS = {
    "check_dnsbl": ("DNSBL", ["-H", "192.0.2.1", "--no-default-zones", "-z", "bl.example"]),
    "check_ms_smtp": ("MS_SMTP", ["-H", "127.0.0.1", "-p", "9"]),
    "check_snds": ("SNDS", []),
    "check_jmrp": ("JMRP", ["--imap=imaps://127.0.0.1:9/INBOX", "--imap-user=u"]),
}
NAMES = sorted(PLUGINS)

SECRET = "hunter2secret-0xC0FFEE"

# A 546-character check_tcp send= string, as Monitoring Plugins' own plugins.ini test file has one.
SEND = "send=" + "GET / HTTP/1.1\\r\\nHost: www.example.com\\r\\n" * 13
SEND = SEND[:546]
assert len(SEND) == 546


def prefix_of(name):
    """The first word of the plugin's output."""
    require_binary(name)
    return PLUGINS[name][0]


def run(name, args, secrets=(SECRET,), env=None):
    """Run plugin name; every run is checked for SECRET on stdout and stderr."""
    return run_binary(name, args, secrets=secrets, env=env)


def shared_ini(section_lines, name):
    """A shared plugins.ini: other programs' sections with what real files hold, then [name]."""
    return ("; a shared Monitoring Plugins ini file\n"
            "text before any section header\n"
            "[check_tcp]\n"
            + SEND + "\n"
            "expect = HTTP/1.1 200 OK\n"
            "[odd]\n"
            "some key = with a space\n"
            "a line without an equals sign\n"
            "   indented = continuation\n"
            "x = 1 ; inline comment\n"
            "[broken header\n"
            "[" + name + "]\n"
            + "".join(line + "\n" for line in section_lines)
            + "[check_http]\n"
            "url = /" + "x" * 5000 + "\n")


def one_line(r, prefix):
    """The run is exactly one UNKNOWN line (no usage), exit 3; returns that line."""
    text = "args %r, exit %d\n--- stdout:\n%s--- stderr:\n%s" % (r.args, r.code, r.stdout, r.stderr)
    assert r.code == 3, text
    assert r.stdout.count("\n") == 1 and r.stdout.endswith("\n"), text
    assert r.stdout.startswith(prefix + " UNKNOWN - "), text
    assert "Usage" not in r.stdout, text
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, text
    return r.stdout.rstrip("\n")


def secret_rows(name):
    """The secret options the plugin's --help "Secrets:" paragraph names: (file options, direct options)."""
    r = run(name, ["--help"])
    m = re.search(r"^Secrets:(.*?)(?:\n\n|\Z)", r.stdout, re.S | re.M)
    if not m:
        return [], []
    text = " ".join(m.group(1).split())
    opts = re.findall(r"--([a-z0-9-]+)=", text)
    files = sorted({o for o in opts if o.endswith("-file")})
    direct = sorted({o for o in opts if not o.endswith("-file")})
    return files, direct


# ---- --extra-opts on a shared file -----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_only_the_asked_section_is_read(name, tmp_path):
    """Other sections hold a 546-character send= line, keys with spaces and lines without '=': they never make
    the run fail; the asked section is read (its bad -t is reported as coming from the ini file)."""
    prefix = prefix_of(name)
    ini = tmp_path / "plugins.ini"
    ini.write_text(shared_ini(["timeout = 0"], name))
    r = run(name, ["--extra-opts=@%s" % ini] + PLUGINS[name][1])
    line = first_line(r.stdout)
    assert r.code == 3, r.stdout
    assert line.startswith(prefix + " UNKNOWN - -t/--timeout: invalid value '0'"), r.stdout
    assert line.endswith("(from --extra-opts)"), r.stdout
    # a good section: the file is accepted and the command line goes on (--version answers)
    ini.write_text(shared_ini(["timeout = 7", "verbose ="], name))
    r = run(name, ["--extra-opts=@%s" % ini, "--version"])
    assert r.code == 3 and re.match(r"^%s v\d" % name, r.stdout), r.stdout


@pytest.mark.parametrize("name", NAMES)
def test_default_section_and_named_section(name, tmp_path):
    """Without a section name the plugin's name is the section; a named section is read instead."""
    prefix = prefix_of(name)
    ini = tmp_path / "plugins.ini"
    ini.write_text(shared_ini(["timeout = 0"], name) + "[mine]\ntimeout-result = nonsense\n")
    r = run(name, ["--extra-opts=mine@%s" % ini] + PLUGINS[name][1])
    assert first_line(r.stdout).startswith(prefix + " UNKNOWN - --timeout-result: 'nonsense' is not"), r.stdout


@pytest.mark.parametrize("name", NAMES)
def test_error_inside_the_section_is_one_line_with_file_and_line(name, tmp_path):
    """A broken line of the asked section: one line naming the file and the line, exit 3, never the value."""
    prefix = prefix_of(name)
    ini = tmp_path / "plugins.ini"
    text = shared_ini(["timeout = 5", "odd key = " + SECRET], name)
    ini.write_text(text)
    lineno = text.split("\n").index("odd key = " + SECRET) + 1
    line = one_line(run(name, ["--extra-opts=@%s" % ini]), prefix)
    assert line == ("%s UNKNOWN - --extra-opts: %s line %d: invalid key name (letters, digits, '-' and '_', "
                    "starting with a letter or digit)" % (prefix, ini, lineno)), line
    text = shared_ini(["timeout = 5", SECRET], name)
    ini.write_text(text)
    line = one_line(run(name, ["--extra-opts=@%s" % ini]), prefix)
    assert "line %d: line without '='" % (text.split("\n").index(SECRET) + 1) in line, line


@pytest.mark.parametrize("name", NAMES)
def test_no_line_limit_in_the_section(name, tmp_path):
    """Long lines inside the asked section are fine: a 5000-character comment and a key padded to 3000
    characters (the run goes on to --version)."""
    prefix_of(name)
    ini = tmp_path / "plugins.ini"
    ini.write_text(shared_ini(["; " + "c" * 5000, "timeout = 7" + " " * 3000, "verbose ="], name))
    r = run(name, ["--extra-opts=@%s" % ini, "--version"])
    assert r.code == 3 and re.match(r"^%s v\d" % name, r.stdout), r.stdout[:300]


def test_long_value_is_read_whole(tmp_path):
    """A 3000-character value is read whole: --cafile=/./././... (a readable directory, however it is cut) is
    accepted; the same with a missing name at its end is refused, so the end was read."""
    prefix = prefix_of("check_ms_smtp")
    ini = tmp_path / "plugins.ini"
    path = "/" + "./" * 1500
    ini.write_text(shared_ini(["cafile = " + path], "check_ms_smtp"))
    r = run("check_ms_smtp", ["--extra-opts=@%s" % ini, "--version"])
    assert r.code == 3 and r.stdout.startswith("check_ms_smtp v"), r.stdout[:300]
    ini.write_text(shared_ini(["cafile = " + path + "nonexistent"], "check_ms_smtp"))
    line = one_line(run("check_ms_smtp", ["--extra-opts=@%s" % ini, "-H", "127.0.0.1"]), prefix)
    assert line == ("%s UNKNOWN - --cafile: cannot read '%s': No such file or directory (from --extra-opts)"
                    % (prefix, path[:64])), line


@pytest.mark.parametrize("name", NAMES)
def test_file_larger_than_one_mib_is_one_clear_line(name, tmp_path):
    """The memory is bounded by the file: more than 1 MiB is one line that says so."""
    prefix = prefix_of(name)
    ini = tmp_path / "big.ini"
    ini.write_text("[%s]\ntimeout = 5\n" % name + ("; padding\n" * 110000))
    line = one_line(run(name, ["--extra-opts=@%s" % ini]), prefix)
    assert line == "%s UNKNOWN - --extra-opts: %s: larger than 1048576 bytes" % (prefix, ini), line


@pytest.mark.parametrize("name", NAMES)
def test_unreadable_ini_file_is_one_line(name, tmp_path):
    """A missing ini file is a runtime error: one line, no usage."""
    prefix = prefix_of(name)
    missing = tmp_path / "missing.ini"
    line = one_line(run(name, ["--extra-opts=@%s" % missing]), prefix)
    assert line == "%s UNKNOWN - --extra-opts: %s: cannot open: No such file or directory" % (prefix, missing)


@pytest.mark.parametrize("name", NAMES)
def test_long_section_and_file_names_still_give_a_reason(name, tmp_path):
    """A section or file name of thousands of characters is quoted cut, so the one line still says what is wrong
    (found by fuzz_extra_opts: the message overflowed its buffer and the line ended after "--extra-opts: ")."""
    prefix = prefix_of(name)
    ini = tmp_path / "a.ini"
    ini.write_text("[other]\nx = 1\n")
    line = one_line(run(name, ["--extra-opts=%s@%s" % ("s" * 3000, ini)]), prefix)
    assert line == "%s UNKNOWN - --extra-opts: %s: section [%s...] not found" % (prefix, ini, "s" * 64), line
    deep = str(tmp_path) + "/" + "d/" * 1500 + "x.ini"
    line = one_line(run(name, ["--extra-opts=@" + deep]), prefix)
    assert line == "%s UNKNOWN - --extra-opts: %s...: cannot open: No such file or directory" % (prefix, deep[:200]), \
        line


# ---- exact keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_ini_keys_are_never_abbreviations(name, tmp_path):
    """'timeout-res' (an abbreviation getopt would take) and 'imap-password', 'token', 'key-f' (abbreviations
    of secret-file options) are unknown keys: one line naming the key, never the value."""
    prefix = prefix_of(name)
    ini = tmp_path / "plugins.ini"
    for key in ("timeout-res", "imap-password", "token", "key-f", "dqs-key-f", "password"):
        text = shared_ini(["timeout = 5", "%s = %s" % (key, SECRET)], name)
        ini.write_text(text)
        lineno = text.split("\n").index("%s = %s" % (key, SECRET)) + 1
        line = one_line(run(name, ["--extra-opts=@%s" % ini]), prefix)
        assert line == ("%s UNKNOWN - --extra-opts: %s line %d: '%s' in [%s] is no option of %s (keys are option "
                        "names written in full)" % (prefix, ini, lineno, key, name, name)), line


@pytest.mark.parametrize("name", NAMES)
def test_flag_with_value_and_option_without_value(name, tmp_path):
    """'verbose = x' (a flag) and 'timeout =' (needs a value) are named errors; the value is never shown."""
    prefix = prefix_of(name)
    ini = tmp_path / "plugins.ini"
    ini.write_text(shared_ini(["verbose = " + SECRET], name))
    line = one_line(run(name, ["--extra-opts=@%s" % ini]), prefix)
    assert "'verbose' takes no value" in line, line
    ini.write_text(shared_ini(["timeout ="], name))
    line = one_line(run(name, ["--extra-opts=@%s" % ini]), prefix)
    assert "'timeout' needs a value" in line, line


# ---- secrets -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_help_says_how_to_give_each_secret(name):
    """The generated Secrets paragraph names every secret option of the plugin, the 0640 root:nagios advice and
    the ini key; a secret given itself is said to show in the process list."""
    require_binary(name)
    r = run(name, ["--help"])
    files, direct = secret_rows(name)
    if name == "check_ms_smtp" and not files and not direct:
        assert "Secrets:" not in r.stdout
        return
    assert files or direct, r.stdout
    flat = " ".join(r.stdout.split())
    assert "chown root:nagios, chmod 0640" in flat, flat
    for opt in files:
        assert "--%s=FILE" % opt in flat
    if files:
        assert "'%s = FILE' in section [%s] of the --extra-opts file" % (files[0], name) in flat, flat
    for opt in direct:
        assert "--%s=" % opt in flat and "process list" in flat, flat
    para = re.search(r"^Secrets:(.*?)(?:\n\n|\Z)", r.stdout, re.S | re.M).group(1)
    assert "600" not in para, para


@pytest.mark.parametrize("name", NAMES)
def test_secret_file_value_never_shown_from_command_line(name):
    """A secret given where its file name belongs: one line naming the option, never the value."""
    prefix = prefix_of(name)
    files, _ = secret_rows(name)
    if not files:
        pytest.skip("%s has no secret file option" % name)
    for opt in files:
        r = run(name, PLUGINS[name][1] + ["--%s=%s" % (opt, SECRET)])
        line = one_line(r, prefix)
        # the perfdata that a plugin adds to its failure line may follow
        assert re.match(r"^%s UNKNOWN - (-[a-z]/)?--%s: cannot open the file given: No such file or directory"
                        r"( \|.*)?$" % (prefix, opt), line), line


@pytest.mark.parametrize("name", NAMES)
def test_secret_file_value_never_shown_from_ini(name, tmp_path):
    """The same from an ini file: the message ends with "(from --extra-opts)"."""
    prefix = prefix_of(name)
    files, _ = secret_rows(name)
    if not files:
        pytest.skip("%s has no secret file option" % name)
    ini = tmp_path / "plugins.ini"
    for opt in files:
        ini.write_text(shared_ini(["%s = %s" % (opt, SECRET)], name))
        r = run(name, ["--extra-opts=@%s" % ini] + PLUGINS[name][1])
        line = one_line(r, prefix)
        assert re.match(r"^%s UNKNOWN - (-[a-z]/)?--%s: cannot open the file given: No such file or directory "
                        r"\(from --extra-opts\)( \|.*)?$" % (prefix, opt), line), line


@pytest.mark.parametrize("name", NAMES)
def test_direct_secret_values_never_shown(name, tmp_path):
    """A bad secret given itself (--key, --dqs-key), on the command line or in the ini file: never shown."""
    prefix_of(name)
    _, direct = secret_rows(name)
    if not direct:
        pytest.skip("%s has no secret given itself" % name)
    ini = tmp_path / "plugins.ini"
    for opt in direct:
        for bad in (SECRET + "!", SECRET):
            r = run(name, PLUGINS[name][1] + ["--%s=%s" % (opt, bad)])
            assert r.code == 3, r.stdout
            ini.write_text(shared_ini(["%s = %s" % (opt, bad)], name))
            r = run(name, ["--extra-opts=@%s" % ini] + PLUGINS[name][1])
            assert r.code == 3, r.stdout


@pytest.mark.parametrize("name", NAMES)
def test_unreadable_secret_file_kinds(name, tmp_path):
    """A directory, an empty file and a symbolic link given as a secret file: one line naming the option and
    the reason, never the path."""
    prefix = prefix_of(name)
    files, _ = secret_rows(name)
    if not files:
        pytest.skip("%s has no secret file option" % name)
    empty = tmp_path / "empty.key"
    empty.write_text("")
    os.chmod(empty, 0o640)
    link = tmp_path / "link.key"
    link.symlink_to(empty)
    for path, why in ((tmp_path, "not a regular file"), (empty, "first line of the file given is empty"),
                      (link, "symbolic link")):
        r = run(name, PLUGINS[name][1] + ["--%s=%s" % (files[0], path)], secrets=(SECRET, str(tmp_path)))
        line = one_line(r, prefix)
        assert why in line and "--%s" % files[0] in line, line


# ---- file options ----------------------------------------------------------------------------------------


def test_unreadable_cafile_is_one_line():
    """--cafile of check_ms_smtp must be readable: a missing one is a runtime error, one line, no usage."""
    prefix = prefix_of("check_ms_smtp")
    line = one_line(run("check_ms_smtp", ["-H", "127.0.0.1", "--cafile=/nonexistent/ca.pem"]), prefix)
    assert line == ("%s UNKNOWN - --cafile: cannot read '/nonexistent/ca.pem': No such file or directory"
                    % prefix), line


@pytest.mark.parametrize("name", NAMES)
def test_argument_errors_still_print_the_usage(name):
    """Bad arguments keep their answer: the line, then the usage."""
    prefix = prefix_of(name)
    r = run(name, ["--timeout-result=maybe"])
    assert r.code == 3
    assert first_line(r.stdout).startswith(prefix + " UNKNOWN - --timeout-result: 'maybe' is not"), r.stdout
    assert "Usage:" in r.stdout
