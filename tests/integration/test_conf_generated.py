"""The shipped Icinga configuration matches the built plugins' --help.

icinga-conf/mailrep-plugins.d/{commands,templates}.conf and the Director basket are written by
icinga-conf/tools/mailrep-icinga-gen from each plugin's --help; these tests fail when the
committed files are stale, when a plugin option has no CheckCommand argument (and no reason to
be left out), or when a secret option became an Icinga variable.
"""

import json
import os
import re

import mrint

GEN = os.path.join(mrint.CONF, "tools", "mailrep-icinga-gen")
COMMANDS = os.path.join(mrint.CONF, "mailrep-plugins.d", "commands.conf")
BASKET = os.path.join(mrint.CONF, "director", "mailrep-plugins-basket.json")

COMMAND_OF = {"check_dnsbl": "mailrep-dnsbl", "check_ms_smtp": "mailrep-ms-smtp",
              "check_snds": "mailrep-snds"}
SECRETS = {"check_dnsbl": ["dqs-key"], "check_ms_smtp": [], "check_snds": ["key"]}


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
    for name, tpl in basket["ServiceTemplate"].items():
        assert tpl["check_command"] in basket["Command"], name
