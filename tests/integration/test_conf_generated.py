"""The shipped Icinga configuration matches the built plugins' --help.

icinga-conf/mailrep-plugins.d/{commands,templates}.conf and the Director basket are written by
icinga-conf/tools/mailrep-icinga-gen from each plugin's --help; these tests fail when the
committed files are stale, when a plugin option has no CheckCommand argument (and no reason to
be left out), or when a secret option became an Icinga variable.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import importlib.machinery
import importlib.util
import json
import os
import re

import pytest

import mrint

GEN = os.path.join(mrint.CONF, "tools", "mailrep-icinga-gen")
COMMANDS = os.path.join(mrint.CONF, "mailrep-plugins.d", "commands.conf")
BASKET = os.path.join(mrint.CONF, "director", "mailrep-plugins-basket.json")

COMMAND_OF = {"check_dnsbl": "mailrep-dnsbl", "check_ms_smtp": "mailrep-ms-smtp",
              "check_snds": "mailrep-snds", "check_jmrp": "mailrep-jmrp"}
SECRETS = {"check_dnsbl": ["dqs-key"], "check_ms_smtp": [], "check_snds": ["key"],
           "check_jmrp": []}
# An argument whose name says it carries a secret must read it from a file.
SECRET_WORD_RE = re.compile(r"(key|password|token)(-|$)")


def load_generator():
    """icinga-conf/tools/mailrep-icinga-gen as a module (it has no .py suffix)."""
    loader = importlib.machinery.SourceFileLoader("mailrep_icinga_gen", GEN)
    spec = importlib.util.spec_from_loader("mailrep_icinga_gen", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def command_blocks():
    """{command name: DSL text of its object} of commands.conf."""
    text = open(COMMANDS, encoding="utf-8").read()
    blocks = {}
    for m in re.finditer(r'^object CheckCommand "([^"]+)" \{\n(.*?)^\}', text, re.S | re.M):
        blocks[m.group(1)] = m.group(2)
    return blocks


def arguments_of(block):
    """{argument key: its DSL text} of one CheckCommand."""
    return {m.group(1): m.group(2)
            for m in re.finditer(r'^\t\t"(--[a-z0-9-]+)" = \{\n(.*?)^\t\t\}', block, re.S | re.M)}


def test_generated_files_are_current(plugins):
    """commands.conf, templates.conf and the basket are exactly what the generator makes from
    the built plugins' --help (re-run the generator after changing an option)."""
    res = mrint.run(["/usr/bin/python3", GEN, "--check", "--plugin-dir", mrint.plugin_dir()])
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_help_option_is_an_argument_or_left_out_with_a_reason(plugins):
    """Each long option of --help is a CheckCommand argument with the help text as description,
    or is named in a 'not offered' comment; secrets never are arguments."""
    blocks = command_blocks()
    text = open(COMMANDS, encoding="utf-8").read()
    for plugin, path in plugins.items():
        help_text = mrint.run([path, "--help"]).stdout
        options = mrint.parse_help_options(help_text)
        assert len(options) > 10, help_text
        args = arguments_of(blocks[COMMAND_OF[plugin]])
        for opt in options:
            if "--" + opt in args:
                assert "description = " in args["--" + opt], opt
                continue
            assert re.search(r"/\*   --%s is not offered: .+ \*/" % re.escape(opt), text), \
                "%s --%s is neither an argument nor left out with a reason" % (plugin, opt)
        for secret in SECRETS[plugin]:
            assert "--" + secret not in args, "%s --%s must not be an Icinga argument" % (plugin, secret)
        for arg in args:
            if SECRET_WORD_RE.search(arg):
                assert arg.endswith("-file"), "%s %s would put a secret into Icinga" % (plugin, arg)


def test_flags_use_set_if_and_repeatable_options_repeat_key(plugins):
    """--no-default-zones is a set_if flag, --zone repeats its key, --bind is required and
    defaults to $check_address$, --extra-opts is joined with '='."""
    dnsbl = command_blocks()["mailrep-dnsbl"]
    args = arguments_of(dnsbl)
    assert 'set_if = "$mailrep_dnsbl_no_default_zones$"' in args["--no-default-zones"]
    assert "repeat_key = true" in args["--zone"]
    assert 'separator = "="' in args["--extra-opts"]
    assert 'vars.mailrep_dnsbl_host = "$check_address$"' in dnsbl
    smtp = command_blocks()["mailrep-ms-smtp"]
    assert "required = true" in arguments_of(smtp)["--bind"]
    assert 'vars.mailrep_ms_smtp_bind = "$check_address$"' in smtp
    assert 'import "ipv4-or-ipv6"' in smtp


def test_jmrp_command_counts_a_mailbox_with_the_password_only_in_a_file(plugins):
    """mailrep-jmrp: the three sources and the IMAP login are plain arguments, the password only
    as --imap-password-file; --ip and --sender-domain repeat their key, -v is a flag, --insecure
    is left out, and there is no address default (-H only narrows the count)."""
    jmrp = command_blocks()["mailrep-jmrp"]
    args = arguments_of(jmrp)
    for opt in ("maildir", "mbox", "imap", "imap-user", "imap-password-file", "window", "warning",
                "critical", "sent", "rate-warning", "rate-critical", "state-file", "cafile"):
        var = "mailrep_jmrp_" + opt.replace("-", "_")
        assert 'value = "$%s$"' % var in args["--" + opt], opt
        assert "repeat_key" not in args["--" + opt] and "required" not in args["--" + opt], opt
    for opt in ("ip", "sender-domain"):
        assert "repeat_key = true" in args["--" + opt], opt
    assert 'set_if = "$mailrep_jmrp_verbose$"' in args["--verbose"]
    assert "order = -1" in args["--extra-opts"] and 'separator = "="' in args["--extra-opts"]
    assert "--insecure" not in args and "--imap-password" not in args
    assert "$check_address$" not in jmrp and "ipv4-or-ipv6" not in jmrp
    assert 'command = [ PluginDir + "/check_jmrp" ]' in jmrp
    templates = open(os.path.join(mrint.CONF, "mailrep-plugins.d", "templates.conf")).read()
    m = re.search(r'^template Service "mailrep-jmrp-service" \{\n(.*?)^\}', templates, re.S | re.M)
    assert m and 'check_command = "mailrep-jmrp"' in m.group(1), templates
    assert "check_interval = 15m" in m.group(1), m.group(1)
    # the placeholders of the time before check_jmrp existed are gone everywhere
    for root, _, files in os.walk(mrint.CONF):
        for f in files:
            text = open(os.path.join(root, f), encoding="utf-8").read()
            assert "once the plugin is" not in text, os.path.join(root, f)


def test_generator_refuses_a_secret_option_as_an_argument():
    """A plugin whose --help grows a secret option (--imap-password=PASSWORD) makes the generator
    fail instead of writing it as a CheckCommand argument; listed in "skip" it is left out."""
    gen = load_generator()
    help_text = ("Usage:\n  check_x [options]\n\nOptions:\n"
                 "      --imap-password=PASSWORD\n      the IMAP password\n"
                 "      --imap-password-file=FILE\n      read the IMAP password from FILE\n")
    options = gen.parse_help(help_text)
    assert [o["long"] for o in options] == ["imap-password", "imap-password-file"]
    plugin = dict(gen.PLUGINS[-1], skip={})
    with pytest.raises(gen.HelpError, match="imap-password is a secret"):
        gen.offered(plugin, options)
    plugin["skip"] = {"imap-password": "a secret"}
    keep, skipped = gen.offered(plugin, options)
    assert [o["long"] for o in keep] == ["imap-password-file"]
    assert skipped == [("imap-password", "a secret")]


def test_director_basket_fields_and_lists_resolve():
    """Every Director command field names a data field whose variable the command uses, and every
    data-list field names a list in the basket."""
    basket = json.load(open(BASKET, encoding="utf-8"))
    assert set(basket) == {"Command", "ServiceTemplate", "DataList", "Datafield"}
    assert set(basket["Command"]) == set(COMMAND_OF.values())
    for name, cmd in basket["Command"].items():
        values = json.dumps(cmd["arguments"])
        assert cmd["fields"], name
        for field in cmd["fields"]:
            df = basket["Datafield"][str(field["datafield_id"])]
            assert "$%s$" % df["varname"] in values, (name, df["varname"])
            if df["datatype"].endswith("Datalist"):
                assert df["settings"]["datalist"] in basket["DataList"], df
        assert "--key" not in cmd["arguments"] and "--dqs-key" not in cmd["arguments"], name
        assert "--imap-password" not in cmd["arguments"], name
    for name, tpl in basket["ServiceTemplate"].items():
        assert tpl["check_command"] in basket["Command"], name
