"""Black-box tests of check_ms_smtp against a scripted fake Microsoft MX,
a real Postfix and a scripted DNS server, all on loopback.

Servers (see smtp_fixtures.py and tests/servers/fake_mx.py):

* fake_mx_factory: tests/servers/fake_mx.py with one JSON script per
  Microsoft reply or hostile behaviour; its JSON-lines log records every
  command the plugin sent (stage, TLS, pipelining, the message after DATA);
* postfix_mx: a separate Postfix instance with client-address rules
  (127.0.0.5 S3140, 127.0.0.6 throttle, 127.0.0.7 5.7.606 at RCPT TO);
* ms_dns (here): ldns-testns with MX and A records of *.mstest.test that
  point at 127.0.0.1 / 127.0.0.2, for the MX lookup.

Every run passes -e (so the plugin never looks up this host's own name) and
either -H with a loopback address or -s with the local DNS server plus a
loopback-only --resolv-conf, so no test can reach the internet.  The binary
is $CHECK_MS_SMTP, or $BUILDDIR/plugins/check_ms_smtp (conftest.binary_path).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import email.utils
import json
import os
import re
import shutil
import socket
import time
from datetime import datetime, timezone

import pytest

from conftest import (DQS_KEY, REPO_ROOT, STATES, _catch_all, _entry, check_bad_input,
                      dns_query, first_line, make_public_dir, parse_perfdata,
                      require_binary, run_binary, start_server, write_file)
from conftest import free_port as free_udp_tcp_port
from smtp_fixtures import (SCRIPTS_DIR, PostfixMx, fake_mx,  # noqa: F401
                           fake_mx_factory, postfix_mx, smtp_certs)
from testutil import free_tcp_port, skip_missing

PERF_LABELS = ["time", "connect", "banner", "ehlo", "tls", "mail", "rcpt"]
EHLO = "probe.mailrep.test"
DOMAIN = "hotmail.test"
BIND = "127.0.0.5"
FRONT_END = "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com"
CONSUMER_DELIST = "olcsupport.office.com"
EOP_DELIST = "sender.office.com"
SLACK = 0.5   # seconds a run may exceed -t (process start, ASan)
RESOLV_ADDR = "127.77.0.1"   # never serves anything but the check_dnsbl tests


# --------------------------------------------------------------------------
# running the plugin
# --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def ms_plugin():
    """The check_ms_smtp binary; fail loudly if it was not built."""
    return require_binary("check_ms_smtp")


def run_ms(args, timeout=30.0, env=None):
    """Run check_ms_smtp with args (-e EHLO added unless given); conftest.run_binary's Result."""
    args = [str(a) for a in args]
    if not any(a in ("-e", "--ehlo") or a.startswith("--ehlo=")
               for a in args):
        args = ["-e", EHLO] + args
    return run_binary("check_ms_smtp", args, env=env, timeout=timeout)


def probe(mx, *args, t=5, spamhaus=False):
    """Run the plugin against a fake MX or Postfix with -H/-p/-t; without
    spamhaus, --no-spamhaus-lookup (so that no block sends a DNS query to
    the resolvers of this host)."""
    extra = [] if spamhaus else ["--no-spamhaus-lookup"]
    return run_ms(["-H", mx.host, "-p", mx.port, "-t", t] + extra + list(args))


def check(r, state):
    """Assert exit code, first-line state word, stdout-only output and the
    fixed perfdata label set; return the perfdata {label: value}."""
    line = first_line(r.stdout)
    assert r.code == STATES[state], \
        "expected %s, got exit %d:\n%s%s" % (state, r.code, r.stdout, r.stderr)
    assert line.startswith("MS_SMTP %s - " % state), r.stdout
    assert r.stderr == "", "everything belongs on stdout; stderr:\n" + r.stderr
    perf = parse_perfdata(line)
    assert list(perf) == PERF_LABELS, line
    for label, p in perf.items():
        if p["value"] != "U":
            assert p["uom"] == "s", line
            assert p["value"] >= 0, line
    assert perf["time"]["value"] != "U", line
    return {k: v["value"] for k, v in perf.items()}


def check_clean_text(r):
    """The output holds no NUL, escape or other raw control bytes."""
    bad = [c for c in r.stdout if ord(c) < 32 and c not in "\n\t"]
    assert not bad, "control characters in output: %r" % r.stdout[:400]


def check_time_bound(r, t):
    """The run ended within -t plus a little slack."""
    assert r.elapsed <= t + SLACK, "took %.2fs with -t %s:\n%s" % (
        r.elapsed, t, r.stdout)


# --------------------------------------------------------------------------
# reading the fake MX log
# --------------------------------------------------------------------------

def dialogue(mx, conn=1):
    """The command records of one connection, after it ended."""
    assert mx.wait_disconnect(conn), "connection %d did not end" % conn
    return mx.commands(conn)


def stages_of(records):
    """Stage names of command records, in order."""
    return [r["stage"] for r in records]


def check_not_pipelined(mx):
    """No command was sent before the reply to the previous one."""
    piped = [r for r in mx.commands() if r.get("pipelined")]
    assert not piped, "pipelined commands: %r" % piped


def message_records(mx):
    """The messages the server received after DATA."""
    return [r for r in mx.records() if r["event"] == "message"]


def reply_ip(reply):
    """The address a reply text names ({ip} is the probe's): BIND, a
    literal IPv4/IPv6 address, or None."""
    if "{ip}" in reply:
        return BIND
    m = re.search(r"(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3}|"
                  r"[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7})(?![\w:])", reply)
    return m.group(1) if m else None


def script_reply(script, stage):
    """The raw reply text of stage in a scripts/*.json file ('' if none)."""
    with open(os.path.join(SCRIPTS_DIR, script + ".json")) as f:
        value = json.load(f).get(stage, "")
    if isinstance(value, dict):
        value = value.get("reply", value.get("raw", ""))
    if isinstance(value, list):
        value = " ".join(value)
    return value


# --------------------------------------------------------------------------
# every Microsoft reply at its stage
# --------------------------------------------------------------------------

# script, stage as named in the output, state, acceptable code tokens for the
# first line (any one), delisting text expected on the first line (or None),
# extra arguments.
RCPT = ["-r", "probe@hotmail.test"]
REPLIES = [
    ("block_s3140", "MAIL FROM", "CRITICAL", ["S3140"], CONSUMER_DELIST, []),
    ("block_as3140", "MAIL FROM", "CRITICAL", ["AS3140"], CONSUMER_DELIST, []),
    ("block_s3150", "MAIL FROM", "CRITICAL", ["S3150"], CONSUMER_DELIST, []),
    ("block_as3150", "MAIL FROM", "CRITICAL", ["AS3150"], CONSUMER_DELIST, []),
    ("block_s3140_multiline", "MAIL FROM", "CRITICAL", ["S3140"],
     CONSUMER_DELIST, []),
    ("block_s3140_after_starttls", "MAIL FROM", "CRITICAL", ["S3140"],
     CONSUMER_DELIST, []),
    ("hostile_trickled_replies", "MAIL FROM", "CRITICAL", ["S3140"],
     CONSUMER_DELIST, []),
    ("block_s3130_spamhaus", "MAIL FROM", "CRITICAL", ["S3130"], "spamhaus",
     []),
    ("eop_spamhaus_as16012611_at_mail", "MAIL FROM", "CRITICAL",
     ["AS16012611"], "spamhaus", []),
    ("eop_bad_helo_5_7_506_at_mail", "MAIL FROM", "CRITICAL", ["5.7.506"],
     None, []),
    ("eop_banned_ip_5_7_606_at_rcpt", "RCPT TO", "CRITICAL",
     ["5.7.606", "AS1430", "1430"], EOP_DELIST, RCPT),
    ("eop_banned_sender_5_7_511_at_rcpt", "RCPT TO", "CRITICAL",
     ["5.7.511", "AS8004", "8004"], "delist@messaging.microsoft.com", RCPT),
    ("eop_customer_block_5_7_513_at_rcpt", "RCPT TO", "CRITICAL",
     ["AS16012607", "5.7.513"], None, RCPT),
    ("legacy_sc001", "MAIL FROM", "CRITICAL", ["SC-001"], CONSUMER_DELIST, []),
    ("legacy_sc002", "MAIL FROM", "CRITICAL", ["SC-002"], CONSUMER_DELIST, []),
    ("legacy_sc003", "MAIL FROM", "CRITICAL", ["SC-003"], CONSUMER_DELIST, []),
    ("legacy_sc004", "MAIL FROM", "CRITICAL", ["SC-004"], CONSUMER_DELIST, []),
    ("legacy_dy001", "MAIL FROM", "CRITICAL", ["DY-001"], CONSUMER_DELIST, []),
    ("legacy_dy002", "MAIL FROM", "CRITICAL", ["DY-002"], CONSUMER_DELIST, []),
    ("legacy_ou001", "MAIL FROM", "CRITICAL", ["OU-001"], CONSUMER_DELIST, []),
    ("legacy_ou002", "MAIL FROM", "CRITICAL", ["OU-002"], CONSUMER_DELIST, []),
    ("legacy_sc001_named_ip", "MAIL FROM", "CRITICAL", ["SC-001"],
     CONSUMER_DELIST, []),
    ("legacy_ou002_bare_ipv6", "MAIL FROM", "CRITICAL", ["OU-002"],
     CONSUMER_DELIST, []),
    ("banner_554_no_service", "banner", "CRITICAL", ["554", "5.7.1"], None,
     []),
    ("banner_554_s3140", "banner", "CRITICAL", ["S3140"], CONSUMER_DELIST, []),
    ("banner_421_max_connections", "banner", "WARNING", ["421", "4.3.2"], None,
     []),
    ("legacy_rp001_at_banner", "banner", "WARNING", ["RP-001"], None, []),
    ("throttle_4_7_650_s775", "MAIL FROM", "WARNING", ["S775"], None, []),
    ("throttle_4_7_650_s3113", "MAIL FROM", "WARNING", ["S3113"], None, []),
    ("throttle_4_7_651_s3114", "MAIL FROM", "WARNING", ["S3114"], None, []),
    ("throttle_4_7_652_connections", "MAIL FROM", "WARNING", ["S3115"], None,
     []),
    ("throttle_4_7_500_as761_at_rcpt", "RCPT TO", "WARNING", ["AS761"], None,
     RCPT),
    ("busy_4_7_700_pfa", "MAIL FROM", "WARNING", ["4.7.700"], None, []),
    ("unknown_4xx_at_mail", "MAIL FROM", "WARNING", ["4.3.1", "452", "X1234"],
     None, []),
    ("unknown_5xx_at_mail", "MAIL FROM", "CRITICAL", ["5.6.0", "554", "X5678"],
     None, []),
    ("rcpt_mailbox_unavailable", "RCPT TO", "CRITICAL",
     ["5.5.0", "S2017062302", "550"], None, RCPT),
    ("auth_level_5_7_515_after_data", "end of data", "WARNING", ["5.7.515"],
     None, RCPT + ["--send"]),
]
SCRIPT_STAGE = {"MAIL FROM": "mail", "RCPT TO": "rcpt", "banner": "banner",
                "end of data": "data_end"}
THROTTLES = [x for x in REPLIES if x[2] == "WARNING" and
             not x[0].startswith(("unknown", "auth_level"))]


def test_every_reply_script_is_covered():
    """A new Microsoft reply script must get a row in REPLIES (or be a
    hostile/accept script covered elsewhere)."""
    covered = {x[0] for x in REPLIES} | {
        "accept_all", "accept_helo_fallback_noehlo", "accept_multiline_banner",
        "accept_no_starttls", "require_tls", "starttls_refused_454",
        "throttle_4_7_650_then_accept"}
    covered |= {x[0] for x in HOSTILE}
    scripts = {f[:-5] for f in os.listdir(SCRIPTS_DIR) if f.endswith(".json")}
    assert scripts - covered == set()


@pytest.mark.parametrize("script,stage,state,codes,delist,extra", REPLIES,
                         ids=[x[0] for x in REPLIES])
def test_microsoft_reply(ms_plugin, fake_mx_factory, script, stage, state,
                         codes, delist, extra):
    """State, code, stage, echoed IP, front end and delisting URL of every
    scripted Microsoft reply; then the dialogue ends with QUIT."""
    mx = fake_mx_factory(script)
    r = probe(mx, "-d", DOMAIN, "-b", BIND, *extra)
    perf = check(r, state)
    line = first_line(r.stdout)
    summary = line.split(" | ")[0]
    assert DOMAIN in summary, line
    assert any(c in summary for c in codes), \
        "first line should name one of %r: %s" % (codes, line)
    assert "at " + stage in summary, line
    reply = script_reply(script, SCRIPT_STAGE[stage])
    named = reply_ip(reply)
    if named == BIND:
        assert re.search(r"Microsoft saw \[%s\](?! \(sent)" % re.escape(BIND),
                         summary), line
    elif named:
        # the IP the reply names, with or without brackets, and the local one
        assert "Microsoft saw [%s] (sent from %s)" % (named, BIND) in summary, \
            line
    else:
        # no IP in the reply: the local address, never "Microsoft saw"
        assert "Microsoft saw" not in r.stdout, r.stdout
        assert "sent from %s (the reply names no IP)" % BIND in summary, line
    if "{host}" in reply:
        assert "front end " + FRONT_END in r.stdout, r.stdout
    if delist:
        assert "delist" in summary and delist in summary, line
    # the long output names the local address and shows the full reply
    assert "from %s" % BIND in r.stdout, r.stdout
    # perfdata: the stages after the rejected one were never reached
    if stage == "banner":
        assert [perf[x] for x in ("ehlo", "tls", "mail", "rcpt")] == ["U"] * 4
    elif stage == "MAIL FROM":
        assert perf["mail"] != "U" and perf["rcpt"] == "U", line
    elif stage == "RCPT TO":
        assert perf["mail"] != "U" and perf["rcpt"] != "U", line
    check_clean_text(r)
    # the log: what was sent after the rejection
    recs = dialogue(mx)
    st = stages_of(recs)
    assert all(not x.get("pipelined") for x in recs), recs
    assert all(x["client"] == BIND for x in recs), recs
    if stage == "banner":
        assert "mail" not in st and "rcpt" not in st, st
        return
    assert st[-1] == "quit", st
    rejected_at = st.index(SCRIPT_STAGE[stage])
    after = st[rejected_at + 1:]
    assert after == ["quit"] or after == ["rset", "quit"], st
    assert st.count("mail") == 1, st
    if stage == "MAIL FROM":
        assert "rcpt" not in st and "data" not in st, st
    if stage == "RCPT TO":
        assert "data" not in st, st


@pytest.mark.parametrize("script,stage,state,codes,delist,extra", THROTTLES,
                         ids=[x[0] for x in THROTTLES])
def test_throttling_with_throttle_state_critical(ms_plugin, fake_mx_factory,
                                                 script, stage, state, codes,
                                                 delist, extra):
    """--throttle-state=critical turns every throttling reply CRITICAL."""
    mx = fake_mx_factory(script)
    r = probe(mx, "-d", DOMAIN, "-b", BIND, "--throttle-state=critical",
              *extra)
    check(r, "CRITICAL")
    assert any(c in first_line(r.stdout) for c in codes), r.stdout


def test_throttle_state_ok_does_not_apply_to_unknown_replies(
        ms_plugin, fake_mx_factory):
    """--throttle-state touches throttling only: an unknown 4xx stays
    WARNING (never OK)."""
    mx = fake_mx_factory("unknown_4xx_at_mail")
    r = probe(mx, "-b", BIND, "--throttle-state=ok")
    check(r, "WARNING")


def test_bad_throttle_state(ms_plugin):
    """An invalid --throttle-state is bad input."""
    check_bad_input(run_ms(["-H", "127.0.0.1", "--throttle-state=purple"]), "MS_SMTP",
                    "throttle-state", "purple")


# --------------------------------------------------------------------------
# accepted dialogues: what is sent
# --------------------------------------------------------------------------

def test_clean_accept_without_rcpt_sends_mail_rset_quit(ms_plugin, fake_mx):
    """Without -r: EHLO, STARTTLS, EHLO, MAIL, RSET, QUIT; no RCPT/DATA."""
    r = probe(fake_mx, "-d", DOMAIN, "-b", BIND)
    perf = check(r, "OK")
    line = first_line(r.stdout)
    assert "%s accepts mail from %s" % (DOMAIN, BIND) in line, line
    assert "TLS" in line, line
    for label in ("connect", "banner", "ehlo", "tls", "mail"):
        assert perf[label] != "U", line
    assert perf["rcpt"] == "U", line
    recs = dialogue(fake_mx)
    assert stages_of(recs) == ["banner", "ehlo", "starttls", "ehlo_tls",
                               "mail", "rset", "quit"]
    assert recs[1]["command"] == "EHLO " + EHLO
    assert recs[4]["command"] == "MAIL FROM:<postmaster@%s>" % EHLO
    assert all(x["tls"] for x in recs[3:]), recs
    check_not_pipelined(fake_mx)
    assert not message_records(fake_mx)


def test_clean_accept_with_rcpt(ms_plugin, fake_mx):
    """With -r: MAIL, RCPT, RSET, QUIT, all in TLS; no DATA."""
    r = probe(fake_mx, "-b", BIND, "-f", "monitor@sender.test",
              "-r", "probe@hotmail.test")
    perf = check(r, "OK")
    assert perf["rcpt"] != "U" and perf["mail"] != "U"
    recs = dialogue(fake_mx)
    assert stages_of(recs) == ["banner", "ehlo", "starttls", "ehlo_tls",
                               "mail", "rcpt", "rset", "quit"]
    assert recs[4]["command"] == "MAIL FROM:<monitor@sender.test>"
    assert recs[5]["command"] == "RCPT TO:<probe@hotmail.test>"
    assert all(x["tls"] for x in recs[3:]), recs
    check_not_pipelined(fake_mx)
    assert not message_records(fake_mx)


def test_send_delivers_a_dated_message(ms_plugin, fake_mx):
    """--send: DATA, a message with a current Date header, then QUIT."""
    r = probe(fake_mx, "-b", BIND, "-r", "probe@hotmail.test", "--send")
    check(r, "OK")
    recs = dialogue(fake_mx)
    st = stages_of(recs)
    assert st[:7] == ["banner", "ehlo", "starttls", "ehlo_tls", "mail",
                      "rcpt", "data"], st
    assert st[7] == "data_end" and st[-1] == "quit", st
    assert "mail" not in st[7:], st
    check_not_pipelined(fake_mx)
    msgs = message_records(fake_mx)
    assert len(msgs) == 1, msgs
    headers = msgs[0]["text"].split("\n\n", 1)[0]
    dates = [h for h in headers.split("\n") if h.lower().startswith("date:")]
    assert len(dates) == 1, headers
    when = email.utils.parsedate_to_datetime(dates[0].split(":", 1)[1].strip())
    assert when.tzinfo is not None, dates
    assert abs((datetime.now(timezone.utc) - when).total_seconds()) < 300, \
        dates


def test_send_after_rcpt_rejection_sends_no_data(ms_plugin, fake_mx_factory):
    """--send with a RCPT rejection: no DATA, QUIT."""
    mx = fake_mx_factory("eop_banned_ip_5_7_606_at_rcpt")
    r = probe(mx, "-b", BIND, "-r", "probe@hotmail.test", "--send")
    check(r, "CRITICAL")
    st = stages_of(dialogue(mx))
    assert "data" not in st and st[-1] == "quit", st
    assert not message_records(mx)


def test_mail_rejection_with_rcpt_sends_no_rcpt(ms_plugin, fake_mx_factory):
    """After a MAIL FROM rejection: QUIT, and no RCPT even with -r."""
    mx = fake_mx_factory("block_s3140")
    r = probe(mx, "-b", BIND, "-r", "probe@hotmail.test", "--send")
    check(r, "CRITICAL")
    st = stages_of(dialogue(mx))
    assert "rcpt" not in st and "data" not in st, st
    assert st[-1] == "quit", st
    check_not_pipelined(mx)


def test_bind_address_is_named_as_local_address(ms_plugin, fake_mx):
    """-b 127.0.0.5: the server sees it, and the output names it."""
    r = probe(fake_mx, "-b", BIND)
    check(r, "OK")
    assert BIND in first_line(r.stdout), r.stdout
    assert re.search(r"connect: 127\.0\.0\.1 from 127\.0\.0\.5", r.stdout), \
        r.stdout
    assert all(x["client"] == BIND for x in dialogue(fake_mx))


def test_without_bind_the_local_address_is_named(ms_plugin, fake_mx):
    """Without -b the output still names the source address used."""
    r = probe(fake_mx)
    check(r, "OK")
    assert "from 127.0.0.1" in r.stdout, r.stdout


def test_helo_fallback_when_ehlo_is_refused(ms_plugin, fake_mx_factory):
    """EHLO answered 500: the plugin falls back to HELO and goes on."""
    mx = fake_mx_factory("accept_helo_fallback_noehlo")
    r = probe(mx, "-b", BIND)
    check(r, "OK")
    st = stages_of(dialogue(mx))
    assert st[:3] == ["banner", "ehlo", "helo"], st
    assert "mail" in st and st[-1] == "quit", st
    helo = [x for x in mx.commands() if x["stage"] == "helo"][0]
    assert helo["command"] == "HELO " + EHLO


def test_multiline_banner_and_ehlo_are_parsed(ms_plugin, fake_mx_factory):
    """Long multi-line banner and EHLO replies; STARTTLS found among them."""
    mx = fake_mx_factory("accept_multiline_banner")
    r = probe(mx, "-b", BIND)
    perf = check(r, "OK")
    assert perf["tls"] != "U", r.stdout
    assert "starttls" in stages_of(dialogue(mx))


@pytest.mark.parametrize("script", ["block_s3140_multiline",
                                    "hostile_trickled_replies"])
def test_multiline_reply_is_joined(ms_plugin, fake_mx_factory, script):
    """A multi-line MAIL FROM reply is shown as one reply, its lines
    joined, and classified as a whole."""
    mx = fake_mx_factory(script)
    r = probe(mx, "-b", BIND)
    check(r, "CRITICAL")
    mail = [x for x in r.stdout.split("\n")
            if re.search(r"\\_ \[CRITICAL\] MAIL FROM", x)]
    assert len(mail) == 1, r.stdout
    assert re.search(r"550.5\.7\.1 Unfortunately, messages from "
                     r"\[127\.0\.0\.5\].*block list \(S3140\).*"
                     + re.escape(FRONT_END), mail[0]), mail[0]


def test_slow_banner_within_stage_timeout_is_fine(ms_plugin, fake_mx_factory):
    """A banner after 3 s is fine with -t 10 --stage-timeout 5."""
    mx = fake_mx_factory("hostile_delay_banner_3s")
    r = probe(mx, "--stage-timeout=5", t=10)
    perf = check(r, "OK")
    assert perf["banner"] >= 2.5, r.stdout


def test_stage_times_follow_server_delays(ms_plugin, fake_mx_factory):
    """Each stage's perfdata is the time of that stage's reply: delays of
    the EHLO, STARTTLS, MAIL and RCPT replies show where they belong."""
    mx = fake_mx_factory({"ehlo": "delay:0.4",
                          "starttls": {"reply": "default", "delay": 0.3},
                          "ehlo_tls": "default",
                          "mail": "delay:0.2", "rcpt": "delay:0.5"})
    r = probe(mx, "-r", "probe@hotmail.test", t=10)
    perf = check(r, "OK")
    line = first_line(r.stdout)
    assert perf["banner"] < 0.2, line
    assert 0.35 <= perf["ehlo"] < 0.9, line
    assert 0.25 <= perf["tls"] < 0.8, line
    assert 0.15 <= perf["mail"] < 0.4, line
    assert 0.45 <= perf["rcpt"] < 1.0, line
    assert perf["time"] >= 1.4, line


# --------------------------------------------------------------------------
# STARTTLS
# --------------------------------------------------------------------------

def test_starttls_never(ms_plugin, fake_mx):
    """--starttls=never: no STARTTLS, everything in clear, tls=U."""
    r = probe(fake_mx, "--starttls=never")
    perf = check(r, "OK")
    assert perf["tls"] == "U", r.stdout
    recs = dialogue(fake_mx)
    assert stages_of(recs) == ["banner", "ehlo", "mail", "rset", "quit"]
    assert not any(x["tls"] for x in recs)


def test_starttls_auto_without_offer_goes_on_in_clear(ms_plugin,
                                                      fake_mx_factory):
    """auto with no STARTTLS on offer: MAIL in clear, OK."""
    mx = fake_mx_factory("accept_no_starttls")
    r = probe(mx)
    perf = check(r, "OK")
    assert perf["tls"] == "U", r.stdout
    recs = dialogue(mx)
    assert "starttls" not in stages_of(recs)
    assert "mail" in stages_of(recs)


@pytest.mark.parametrize("script", ["accept_no_starttls",
                                    "starttls_refused_454"])
def test_starttls_require_without_tls_sends_nothing_in_clear(
        ms_plugin, fake_mx_factory, script):
    """require without a working STARTTLS: CRITICAL, no MAIL FROM."""
    mx = fake_mx_factory(script)
    r = probe(mx, "-b", BIND, "--starttls=require", "-r", "probe@hotmail.test")
    check(r, "CRITICAL")
    assert "STARTTLS" in first_line(r.stdout), r.stdout
    st = stages_of(dialogue(mx))
    assert "mail" not in st and "rcpt" not in st, st


def test_starttls_require_with_tls(ms_plugin, fake_mx_factory):
    """require against a server demanding TLS: OK, all in TLS."""
    mx = fake_mx_factory("require_tls")
    r = probe(mx, "--starttls=require", "-r", "probe@hotmail.test")
    check(r, "OK")
    recs = dialogue(mx)
    assert all(x["tls"] for x in recs if x["stage"] in ("mail", "rcpt"))
    assert not any(x.get("sequence_error") for x in recs), recs


def test_server_demanding_tls_with_never_is_critical(ms_plugin,
                                                     fake_mx_factory):
    """--starttls=never against 530 at MAIL FROM: an unknown 5xx, CRITICAL."""
    mx = fake_mx_factory("require_tls")
    r = probe(mx, "--starttls=never")
    check(r, "CRITICAL")
    assert "MAIL FROM" in first_line(r.stdout), r.stdout


def test_tls_verify_with_test_ca(ms_plugin, fake_mx, smtp_certs):
    """--tls-verify --cafile with the test CA: verified TLS, OK."""
    r = probe(fake_mx, "--tls-verify", "--cafile", smtp_certs.ca_cert)
    perf = check(r, "OK")
    assert perf["tls"] != "U"
    assert all(x["tls"] for x in dialogue(fake_mx)
               if x["stage"] in ("mail", "rset", "quit"))


@pytest.mark.parametrize("kind", ["wrongname", "selfsigned", "expired",
                                  "untrusted_ca"])
def test_tls_verify_failure_is_unknown(ms_plugin, fake_mx_factory,
                                       smtp_certs, kind):
    """--tls-verify with a wrong-name, self-signed, expired or untrusted
    certificate: UNKNOWN naming TLS/certificate, nothing sent after."""
    if kind == "untrusted_ca":
        mx = fake_mx_factory("accept_all")
        args = ["--tls-verify"]   # the system store knows no test CA
    else:
        mx = fake_mx_factory("accept_all",
                             cert=getattr(smtp_certs, kind + "_cert"),
                             key=getattr(smtp_certs, kind + "_key"))
        args = ["--tls-verify", "--cafile", smtp_certs.ca_cert]
    r = probe(mx, *args)
    check(r, "UNKNOWN")
    line = first_line(r.stdout)
    assert re.search(r"TLS|certificate", line, re.I), line
    st = stages_of(dialogue(mx))
    assert "mail" not in st, st


def test_tls_verify_failure_with_require_is_critical(ms_plugin,
                                                     fake_mx_factory,
                                                     smtp_certs):
    """--starttls=require --tls-verify and a wrong-name certificate:
    CRITICAL, no MAIL FROM."""
    mx = fake_mx_factory("accept_all", cert=smtp_certs.wrongname_cert,
                         key=smtp_certs.wrongname_key)
    r = probe(mx, "--starttls=require", "--tls-verify", "--cafile",
              smtp_certs.ca_cert)
    check(r, "CRITICAL")
    assert re.search(r"TLS|certificate", first_line(r.stdout), re.I)
    assert "mail" not in stages_of(dialogue(mx))


def test_no_tls_verify_accepts_any_certificate(ms_plugin, fake_mx_factory,
                                               smtp_certs):
    """Without --tls-verify STARTTLS is opportunistic: a wrong-name
    certificate still gives an encrypted, OK probe."""
    mx = fake_mx_factory("accept_all", cert=smtp_certs.wrongname_cert,
                         key=smtp_certs.wrongname_key)
    r = probe(mx)
    perf = check(r, "OK")
    assert perf["tls"] != "U"
    assert all(x["tls"] for x in dialogue(mx) if x["stage"] == "mail")


def test_bad_cafile(ms_plugin):
    """An unreadable --cafile is a runtime error: one line naming the option and the file, no usage."""
    r = run_ms(["-H", "127.0.0.1", "--tls-verify", "--cafile", "/nonexistent/ca.pem"])
    assert r.code == 3, r.stdout
    assert r.stdout == ("MS_SMTP UNKNOWN - --cafile: cannot read '/nonexistent/ca.pem': "
                        "No such file or directory\n"), r.stdout


# --------------------------------------------------------------------------
# hostile servers
# --------------------------------------------------------------------------

# script, -t, extra args, state, regex the first line must match
HOSTILE = [
    ("hostile_silent_banner", 3, [], "UNKNOWN",
     r"no complete reply at banner"),
    ("hostile_silent_at_ehlo", 3, [], "UNKNOWN",
     r"no complete reply at EHLO"),
    ("hostile_silent_at_mail", 3, [], "UNKNOWN",
     r"no complete reply at MAIL FROM"),
    ("hostile_delay_banner_3s", 2, [], "UNKNOWN",
     r"no complete reply at banner"),
    ("hostile_delay_mail_3s", 2, [], "UNKNOWN",
     r"no complete reply at MAIL FROM"),
    ("hostile_endless_banner", 3, [], "UNKNOWN",
     r"(invalid reply|no complete reply|connection lost) at banner"),
    ("hostile_endless_ehlo", 3, [], "UNKNOWN",
     r"(invalid reply|no complete reply|connection lost) at EHLO"),
    ("hostile_endless_mail", 3, [], "UNKNOWN",
     r"(invalid reply|no complete reply|connection lost) at MAIL FROM"),
    ("hostile_garbage_banner", 3, [], "UNKNOWN",
     r"(invalid reply|connection lost) at banner"),
    ("hostile_garbage_at_mail", 3, [], "UNKNOWN",
     r"(invalid reply|connection lost) at MAIL FROM"),
    ("hostile_close_at_banner", 3, [], "UNKNOWN",
     r"connection lost at banner"),
    ("hostile_close_at_mail", 3, [], "UNKNOWN",
     r"connection lost at MAIL FROM"),
    ("hostile_reset_at_rcpt", 3, RCPT, "UNKNOWN",
     r"connection lost at RCPT TO"),
    ("hostile_multiline_unterminated", 3, [], "UNKNOWN",
     r"(connection lost|invalid reply) at MAIL FROM"),
    ("hostile_silent_after_starttls", 3, [], "UNKNOWN", r"TLS"),
    ("hostile_starttls_garbage", 3, [], "UNKNOWN", r"TLS"),
    ("hostile_starttls_then_close", 3, [], "UNKNOWN", r"TLS"),
]


@pytest.mark.parametrize("script,t,extra,state,pattern", HOSTILE,
                         ids=[x[0] for x in HOSTILE])
def test_hostile_server(ms_plugin, fake_mx_factory, script, t, extra, state,
                        pattern):
    """Every hostile behaviour ends within -t with valid, clean output that
    says what went wrong; nothing is sent after the failure but QUIT."""
    mx = fake_mx_factory(script)
    r = probe(mx, "-b", BIND, *extra, t=t)
    check_time_bound(r, t)
    perf = check(r, state)
    line = first_line(r.stdout)
    assert re.search(pattern, line), "expected /%s/ in: %s" % (pattern, line)
    check_clean_text(r)
    assert len(r.stdout) < 20000, "output too long (%d bytes)" % len(r.stdout)
    if "RCPT" not in pattern:
        assert perf["rcpt"] == "U", line
    st = stages_of(mx.commands())
    if "starttls" in script:
        # after a 220 to STARTTLS the silent server logs the ClientHello as
        # "commands"; only MAIL FROM must never show up
        assert "mail" not in st, st
    else:
        check_not_pipelined(mx)


def test_run_timeout_applies_timeout_result(ms_plugin, fake_mx_factory):
    """A stage timeout beyond -t: the run still ends within -t, with
    --timeout-result's state."""
    mx = fake_mx_factory("hostile_silent_banner")
    r = probe(mx, "--stage-timeout=30", "--timeout-result=critical", t=2)
    check_time_bound(r, 2)
    check(r, "CRITICAL")


def test_run_timeout_default_is_unknown(ms_plugin, fake_mx_factory):
    """Without --timeout-result, hitting -t is UNKNOWN."""
    mx = fake_mx_factory("hostile_silent_at_mail")
    r = probe(mx, "--stage-timeout=30", t=2)
    check_time_bound(r, 2)
    check(r, "UNKNOWN")


def test_connection_refused_is_unknown(ms_plugin):
    """A closed port: UNKNOWN naming the failed connect; stages are U."""
    port = free_tcp_port()
    r = run_ms(["-H", "127.0.0.1", "-p", port, "-b", BIND, "-t", 3])
    perf = check(r, "UNKNOWN")
    check_time_bound(r, 3)
    line = first_line(r.stdout)
    assert "connect" in line.lower(), line
    assert [perf[x] for x in ("banner", "ehlo", "tls", "mail", "rcpt")] == \
        ["U"] * 5, line


# --------------------------------------------------------------------------
# IPv6
# --------------------------------------------------------------------------

def _have_ipv6_loopback():
    """Whether ::1 can be bound."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _have_ipv6_loopback(), reason="no IPv6 loopback")
def test_ipv6_probe(ms_plugin, fake_mx_factory):
    """-6 -H ::1 -b ::1 against a fake MX on [::1]."""
    mx = fake_mx_factory("block_s3140", listen_host="::1")
    r = probe(mx, "-6", "-b", "::1")
    check(r, "CRITICAL")
    assert "Microsoft saw [::1]" in first_line(r.stdout), r.stdout
    assert dialogue(mx)[0]["client"] == "::1"


# --------------------------------------------------------------------------
# time thresholds
# --------------------------------------------------------------------------

def test_critical_time_threshold(ms_plugin, fake_mx):
    """-c 0.000001 on an accepting server: CRITICAL, thresholds in perfdata."""
    r = probe(fake_mx, "-c", "0.000001")
    check(r, "CRITICAL")
    perf = parse_perfdata(first_line(r.stdout))
    assert perf["time"]["crit"] != "", first_line(r.stdout)


def test_warning_time_threshold(ms_plugin, fake_mx):
    """-w 0.000001 -c 100: WARNING."""
    r = probe(fake_mx, "-w", "0.000001", "-c", "100")
    check(r, "WARNING")


def test_generous_time_thresholds_are_ok(ms_plugin, fake_mx):
    """-w 100 -c 200: OK, and the ranges show in the time perfdata."""
    r = probe(fake_mx, "-w", "100", "-c", "200")
    check(r, "OK")
    perf = parse_perfdata(first_line(r.stdout))
    assert float(perf["time"]["warn"]) == 100, first_line(r.stdout)
    assert float(perf["time"]["crit"]) == 200, first_line(r.stdout)


def test_time_threshold_does_not_hide_a_block(ms_plugin, fake_mx_factory):
    """A block with a generous -w stays CRITICAL with its code."""
    mx = fake_mx_factory("block_s3140")
    r = probe(mx, "-w", "100")
    check(r, "CRITICAL")
    assert "S3140" in first_line(r.stdout)


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------

BAD_INPUT = [
    (["--bind", "not-an-address"], ["bind", "not-an-address"]),
    (["-b", "127.0.0.300"], ["bind", "127.0.0.300"]),
    (["--from", "no-at-sign"], ["from", "no-at-sign"]),
    (["-f", "a b@example.test"], ["from"]),
    (["--rcpt", "<x@y.test>"], ["rcpt", "<x@y.test>"]),
    (["-r", "user@"], ["rcpt", "user@"]),
    (["--send"], ["--send", "rcpt"]),
    (["--starttls=maybe"], ["starttls", "maybe"]),
    (["-p", "70000"], ["port", "70000"]),
    (["--frobnicate"], ["frobnicate"]),
    (["-t", "soon"], ["timeout", "soon"]),
    (["--output-format=xml"], ["output-format", "xml"]),
    (["-w", "1:0"], ["warning", "1:0"]),
    (["-d", "bad domain"], ["domain", "bad domain"]),
    (["-d", "example..test"], ["domain", "example..test", "empty label"]),
    (["-d", "a" * 64 + ".test"], ["domain", "label longer than 63"]),
    (["-H", "mx..example.test"], ["host", "mx..example.test", "empty label"]),
    (["--ehlo", "probe host"], ["EHLO", "probe host", "only letters"]),
]


@pytest.mark.parametrize("args,needles", BAD_INPUT,
                         ids=[" ".join(x[0]) for x in BAD_INPUT])
def test_bad_input(ms_plugin, fake_mx, args, needles):
    """Bad arguments: exit 3, the reason on the first line, the usage; no
    connection is made."""
    r = probe(fake_mx, *args)
    check_bad_input(r, "MS_SMTP", *needles)
    time.sleep(0.1)
    assert fake_mx.connections() == 0


RULE_OK = """\
[rule my-rule]
state = warning
pattern = Unexpected error while processing
kind = custom kind
description = a custom rule for the tests
"""

BAD_RULES = [
    ("broken-regex", "[rule broken]\nstate = critical\npattern = (unclosed\n"
     "kind = x\n", ["pattern", "compile", "line 3"]),
    ("unknown-key", RULE_OK + "colour = red\n", ["colour"]),
    ("bad-state", RULE_OK.replace("state = warning", "state = purple"),
     ["purple"]),
    ("no-pattern", "[rule empty]\nstate = critical\nkind = x\n",
     ["pattern"]),
    ("bad-stage", RULE_OK + "stages = lunch\n", ["lunch"]),
    ("bad-section", "[zone x]\nstate = critical\npattern = x\n", ["zone"]),
]


@pytest.mark.parametrize("name,text,needles", BAD_RULES,
                         ids=[x[0] for x in BAD_RULES])
def test_bad_rules_file(ms_plugin, fake_mx, tmp_path, name, text, needles):
    """A rules file with an error: exit 3 naming it, no connection."""
    path = tmp_path / (name + ".ini")
    path.write_text(text)
    r = probe(fake_mx, "--rules-file", str(path))
    check_bad_input(r, "MS_SMTP", *needles)
    assert fake_mx.connections() == 0


def test_missing_rules_file(ms_plugin, fake_mx):
    """A missing rules file: exit 3 naming the file."""
    r = probe(fake_mx, "--rules-file", "/nonexistent/rules.ini")
    check_bad_input(r, "MS_SMTP", "/nonexistent/rules.ini")
    assert fake_mx.connections() == 0


# --------------------------------------------------------------------------
# --rules-file replaces the table
# --------------------------------------------------------------------------

def test_rules_file_custom_rule(ms_plugin, fake_mx_factory, tmp_path):
    """A custom rule makes a normally unknown (CRITICAL) reply WARNING."""
    path = tmp_path / "rules.ini"
    path.write_text(RULE_OK)
    mx = fake_mx_factory("unknown_5xx_at_mail")
    r = probe(mx, "--rules-file", str(path))
    check(r, "WARNING")
    assert "custom kind" in first_line(r.stdout), r.stdout
    assert "a custom rule for the tests" in r.stdout
    # the built-in table alone calls it CRITICAL
    r = probe(mx)
    check(r, "CRITICAL")


def test_rules_file_replaces_builtin_table(ms_plugin, fake_mx_factory,
                                           tmp_path):
    """With --rules-file the built-in rules are gone: S3140 is just an
    unknown permanent reply (CRITICAL, no consumer-block delisting)."""
    path = tmp_path / "rules.ini"
    path.write_text(RULE_OK)
    mx = fake_mx_factory("block_s3140")
    r = probe(mx, "--rules-file", str(path))
    check(r, "CRITICAL")
    line = first_line(r.stdout)
    assert "consumer block" not in line and CONSUMER_DELIST not in line, line


def test_rules_file_stages_limit_a_rule(ms_plugin, fake_mx_factory, tmp_path):
    """A rule for RCPT TO does not apply to a MAIL FROM reply."""
    path = tmp_path / "rules.ini"
    path.write_text(RULE_OK + "stages = rcpt\n")
    mx = fake_mx_factory("unknown_5xx_at_mail")
    r = probe(mx, "--rules-file", str(path))
    check(r, "CRITICAL")
    assert "custom kind" not in first_line(r.stdout)


def test_rules_file_throttle_rule_follows_throttle_state(
        ms_plugin, fake_mx_factory, tmp_path):
    """state = throttle in a custom rule follows --throttle-state."""
    path = tmp_path / "rules.ini"
    path.write_text("[rule mine]\nstate = throttle\npattern = Insufficient "
                    "system resources\nkind = my throttle\n")
    mx = fake_mx_factory("unknown_4xx_at_mail")
    r = probe(mx, "--rules-file", str(path), "--throttle-state=critical")
    check(r, "CRITICAL")
    assert "my throttle" in first_line(r.stdout)
    r = probe(mx, "--rules-file", str(path))
    check(r, "WARNING")


def test_builtin_rules_file_loads(ms_plugin, fake_mx_factory):
    """data/ms-smtp-rules.ini given as --rules-file behaves as the default."""
    mx = fake_mx_factory("block_s3140")
    r = probe(mx, "-b", BIND, "--rules-file",
              os.path.join(REPO_ROOT, "data", "ms-smtp-rules.ini"))
    check(r, "CRITICAL")
    assert "S3140" in first_line(r.stdout)
    assert CONSUMER_DELIST in first_line(r.stdout)


# --------------------------------------------------------------------------
# output formats (--help and --version: test_contract.py)
# --------------------------------------------------------------------------

def test_one_line_output(ms_plugin, fake_mx_factory):
    """--output-format=one-line: the first line with perfdata only."""
    mx = fake_mx_factory("block_s3140")
    r = probe(mx, "-b", BIND, "--output-format=one-line")
    check(r, "CRITICAL")
    assert r.stdout.rstrip("\n").count("\n") == 0, r.stdout
    assert "S3140" in r.stdout


def test_json_output(ms_plugin, fake_mx_factory):
    """--output-format=json: the whole result tree."""
    mx = fake_mx_factory("block_s3140")
    r = probe(mx, "-b", BIND, "--output-format=json")
    assert r.code == 2, r.stdout
    doc = json.loads(r.stdout)
    assert doc["prefix"] == "MS_SMTP"
    assert doc["state"] == "CRITICAL" and doc["exit_code"] == 2
    assert "S3140" in doc["summary"]
    assert [p["label"] for p in doc["perfdata"]] == PERF_LABELS
    perf = {p["label"]: p for p in doc["perfdata"]}
    assert perf["rcpt"]["value"] is None
    assert isinstance(perf["mail"]["value"], (int, float))
    texts = []

    def walk(subs):
        """Collect every subcheck text."""
        for s in subs:
            texts.append(s["text"])
            walk(s.get("subchecks") or [])
    walk(doc["subchecks"])
    assert any("MAIL FROM" in t and "550 5.7.1" in t for t in texts), texts
    assert any("front end " + FRONT_END in t for t in texts), texts


def test_long_output_shows_each_stage(ms_plugin, fake_mx):
    """Multi-line output: one line per reached stage under the domain."""
    r = probe(fake_mx, "-r", "probe@hotmail.test")
    check(r, "OK")
    for stage in ("connect:", "banner", "EHLO", "STARTTLS", "MAIL FROM",
                  "RCPT TO", "RSET", "QUIT"):
        assert re.search(r"^\s*\\_ \[OK\] .*" + re.escape(stage), r.stdout,
                         re.M), stage


def test_vvv_traces_the_dialogue_after_the_output(ms_plugin, fake_mx):
    """-vvv: after the plugin output, one "smtp: " line per command, reply
    and libcurl note, without line ends or control bytes."""
    r = probe(fake_mx, "-vvv", "-r", "probe@hotmail.test")
    check(r, "OK")
    lines = r.stdout.split("\n")
    trace = [ln for ln in lines if ln.startswith("smtp: ")]
    assert trace, r.stdout
    assert lines.index(trace[0]) > 0, r.stdout
    for want in ("smtp: > EHLO " + EHLO, "smtp: > STARTTLS",
                 "smtp: > MAIL FROM:<postmaster@%s>" % EHLO,
                 "smtp: > RCPT TO:<probe@hotmail.test>", "smtp: > RSET",
                 "smtp: > QUIT", "smtp: < 250 2.1.5 Recipient OK"):
        assert want in trace, (want, r.stdout)
    assert any(ln.startswith("smtp: < 220 ") for ln in trace), r.stdout
    assert any(ln.startswith("smtp: * ") for ln in trace), r.stdout
    assert not any(re.search(r"[\x00-\x1f\x7f]", ln) for ln in trace), \
        r.stdout


# --------------------------------------------------------------------------
# MX lookup against a local scripted DNS server
# --------------------------------------------------------------------------

MS_ZONE = "mstest.test"


def ms_dns_data():
    """ldns-testns data for *.mstest.test."""
    soa = ("%s. 60 IN SOA ns.testns.test. hostmaster.testns.test. "
           "1 3600 600 86400 60" % MS_ZONE)
    d = "; check_ms_smtp black-box test data for ldns-testns\n$TTL 60\n"
    hosts = {"low": "127.0.0.1", "high": "127.0.0.1", "live": "127.0.0.1",
             "dead": "127.0.0.2"}
    for name, addr in hosts.items():
        fqdn = "%s.%s." % (name, MS_ZONE)
        d += _entry("opcode qtype qname", "QR AA NOERROR", fqdn + " IN A",
                    [fqdn + " 60 IN A " + addr])
        d += _entry("opcode qname", "QR AA NOERROR", fqdn + " IN AAAA",
                    authority=[soa], adjust="copy_id copy_query")
    mx = {
        # preference 20 listed first: the plugin must sort
        "order": [(20, "high"), (10, "low")],
        # the preferred MX refuses connections (nothing on 127.0.0.2)
        "fallback": [(10, "dead"), (20, "live")],
        "single": [(10, "low")],
        "hotmail": [(10, "low")],
        "outlook": [(10, "low")],
    }
    for name, rrs in mx.items():
        fqdn = "%s.%s." % (name, MS_ZONE)
        d += _entry("opcode qtype qname", "QR AA NOERROR", fqdn + " IN MX",
                    [fqdn + " 60 IN MX %d %s.%s." % (p, h, MS_ZONE)
                     for p, h in rrs])
    nullmx = "nullmx.%s." % MS_ZONE
    d += _entry("opcode qtype qname", "QR AA NOERROR", nullmx + " IN MX",
                [nullmx + " 60 IN MX 0 ."])
    # nomx: exists, but has neither MX nor A
    d += _entry("opcode qname", "QR AA NOERROR", "nomx.%s. IN A" % MS_ZONE,
                authority=[soa], adjust="copy_id copy_query")
    d += _catch_all(MS_ZONE, "NXDOMAIN")
    # the Spamhaus lookup through this server: SERVFAIL
    d += _catch_all("zen.spamhaus.org", "SERVFAIL")
    return d


@pytest.fixture(scope="session")
def ms_dns():
    """ldns-testns serving ms_dns_data(); yields (port, resolv.conf path)."""
    exe = shutil.which("ldns-testns")
    if not exe:
        skip_missing("ldns-testns is not installed (apt-get install ldnsutils)")
    workdir = make_public_dir("check_ms_smtp_dns.")
    try:
        datafile = write_file(workdir, "ms.data", ms_dns_data())
        resolv = write_file(workdir, "resolv.conf",
                            "nameserver %s\n" % RESOLV_ADDR)
        port = free_udp_tcp_port("0.0.0.0")
        server = start_server(
            "ldns-testns-ms", [exe, "-p", str(port), datafile], workdir,
            lambda: dns_query(port, "low." + MS_ZONE, timeout=0.3) is not None)
        try:
            yield port, resolv
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def mx_probe(ms_dns, mx_port, *args, t=5):
    """Run the plugin with the local DNS server and no -H (and no Spamhaus
    lookup: the scripted server knows no Spamhaus zone)."""
    port, resolv = ms_dns
    return run_ms(["-s", "127.0.0.1:%d" % port, "--resolv-conf", resolv,
                   "--query-timeout=1", "--retries=1", "-p", mx_port,
                   "-t", t, "--no-spamhaus-lookup"] + list(args))


def test_ms_dns_fixture_serves(ms_dns):
    """The scripted server answers the MX and A questions."""
    port = ms_dns[0]
    a = dns_query(port, "order." + MS_ZONE, "MX")
    assert a is not None and a.rcode == "NOERROR"
    assert sorted(v for t, v in a.answers if t == "MX") == \
        ["10 low.%s" % MS_ZONE, "20 high.%s" % MS_ZONE]
    a = dns_query(port, "dead." + MS_ZONE, "A")
    assert [v for t, v in a.answers if t == "A"] == ["127.0.0.2"]
    assert dns_query(port, "nx." + MS_ZONE, "MX").rcode == "NXDOMAIN"


def test_mx_lookup_reaches_the_mx(ms_plugin, ms_dns, fake_mx_factory):
    """-d DOMAIN -s DNS: the probe goes to the MX host's address."""
    mx = fake_mx_factory("block_s3140")
    r = mx_probe(ms_dns, mx.port, "-d", "single." + MS_ZONE, "-b", BIND)
    check(r, "CRITICAL")
    line = first_line(r.stdout)
    assert line.split(" - ", 1)[1].startswith("single.%s: S3140" % MS_ZONE), \
        line
    assert "via low.%s [127.0.0.1]:%d" % (MS_ZONE, mx.port) in r.stdout, \
        r.stdout
    assert mx.connections() == 1


def test_mx_preference_order(ms_plugin, ms_dns, fake_mx_factory):
    """The MX with the lowest preference is tried first."""
    mx = fake_mx_factory("accept_all")
    r = mx_probe(ms_dns, mx.port, "-d", "order." + MS_ZONE)
    check(r, "OK")
    assert "via low.%s" % MS_ZONE in r.stdout, r.stdout
    assert "via high.%s" % MS_ZONE not in r.stdout, r.stdout
    assert mx.connections() == 1


def test_mx_fallback_when_first_refuses(ms_plugin, ms_dns, fake_mx_factory):
    """The preferred MX refuses connections: the next one is probed."""
    mx = fake_mx_factory("accept_all")
    r = mx_probe(ms_dns, mx.port, "-d", "fallback." + MS_ZONE)
    check(r, "OK")
    assert "via live.%s" % MS_ZONE in r.stdout, r.stdout
    assert mx.connections() == 1


@pytest.mark.parametrize("name", ["nx", "nomx", "nullmx"])
def test_domain_without_mx_is_unknown(ms_plugin, ms_dns, fake_mx, name):
    """NXDOMAIN, no MX and no address, or a null MX: UNKNOWN naming the
    domain; nothing is connected to."""
    domain = "%s.%s" % (name, MS_ZONE)
    r = mx_probe(ms_dns, fake_mx.port, "-d", domain)
    perf = check(r, "UNKNOWN")
    assert domain in first_line(r.stdout), r.stdout
    assert [perf[x] for x in PERF_LABELS[1:]] == ["U"] * 6, r.stdout
    assert fake_mx.connections() == 0


def test_dns_server_not_answering_is_unknown(ms_plugin, fake_mx):
    """A DNS server that never answers: UNKNOWN within -t."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))   # bound, never read: no ICMP either
        port = silent.getsockname()[1]
        resolv_dir = make_public_dir("check_ms_smtp_resolv.")
        try:
            resolv = write_file(resolv_dir, "resolv.conf",
                                "nameserver %s\n" % RESOLV_ADDR)
            r = mx_probe((port, resolv), fake_mx.port, "-d",
                         "single." + MS_ZONE, t=3)
        finally:
            shutil.rmtree(resolv_dir, ignore_errors=True)
    check_time_bound(r, 3)
    check(r, "UNKNOWN")
    assert "single." + MS_ZONE in first_line(r.stdout)
    assert fake_mx.connections() == 0


def test_two_domains_worst_state_wins(ms_plugin, ms_dns, fake_mx_factory):
    """-d twice: each domain is probed; the blocked one sets the state."""
    mx = fake_mx_factory({"connections": [
        {}, {"mail": "550 5.7.1 Unfortunately, messages from [{ip}] weren't "
                     "sent. Please contact your Internet service provider "
                     "since part of their network is on our block list "
                     "(S3140). [{host}]"}]})
    r = mx_probe(ms_dns, mx.port, "-d", "hotmail." + MS_ZONE,
                 "-d", "outlook." + MS_ZONE, "-b", BIND)
    check(r, "CRITICAL")
    line = first_line(r.stdout)
    assert "outlook.%s: S3140" % MS_ZONE in line, line
    assert re.search(r"^\\_ \[OK\] hotmail\.%s" % re.escape(MS_ZONE),
                     r.stdout, re.M), r.stdout
    assert re.search(r"^\\_ \[CRITICAL\] outlook\.%s" % re.escape(MS_ZONE),
                     r.stdout, re.M), r.stdout
    assert mx.connections() == 2


# --------------------------------------------------------------------------
# the real Postfix
# --------------------------------------------------------------------------

def postfix_tls_logged(pf, ip, timeout=5.0):
    """Whether the maillog shows a TLS session from ip."""
    needle = "TLS connection established from unknown[%s]" % ip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in pf.log_text():
            return True
        time.sleep(0.1)
    return False


def test_postfix_blocked_ip_is_s3140(ms_plugin, postfix_mx):
    """127.0.0.5 gets the S3140 text behind Postfix's own prefix:
    CRITICAL, S3140, MAIL FROM, the IP, delisting; over STARTTLS."""
    r = probe(postfix_mx, "-d", DOMAIN, "-b", PostfixMx.BLOCKED_IP,
              "-r", PostfixMx.MAILBOX, "--tls-verify", "--cafile",
              postfix_mx.ca_cert)
    perf = check(r, "CRITICAL")
    line = first_line(r.stdout)
    assert "S3140" in line and "at MAIL FROM" in line, line
    assert "Microsoft saw [127.0.0.5]" in line, line
    assert CONSUMER_DELIST in line, line
    assert perf["tls"] != "U" and perf["rcpt"] == "U", line
    assert "Client host rejected" in r.stdout   # the full reply is shown
    assert postfix_tls_logged(postfix_mx, PostfixMx.BLOCKED_IP)


def test_postfix_accepts_127_0_0_1(ms_plugin, postfix_mx):
    """127.0.0.1 is accepted by the real Postfix: OK over TLS."""
    r = probe(postfix_mx, "-d", DOMAIN, "-b", PostfixMx.OK_IP,
              "-r", PostfixMx.MAILBOX, "--starttls=require", "--tls-verify",
              "--cafile", postfix_mx.ca_cert)
    perf = check(r, "OK")
    assert "accepts mail from 127.0.0.1" in first_line(r.stdout), r.stdout
    assert perf["tls"] != "U" and perf["rcpt"] != "U"
    assert postfix_tls_logged(postfix_mx, PostfixMx.OK_IP)


def test_postfix_throttled_ip_is_warning(ms_plugin, postfix_mx):
    """127.0.0.6 gets 451 4.7.650: WARNING (critical with the option)."""
    r = probe(postfix_mx, "-b", PostfixMx.THROTTLED_IP)
    check(r, "WARNING")
    assert "S775" in first_line(r.stdout), r.stdout
    r = probe(postfix_mx, "-b", PostfixMx.THROTTLED_IP,
              "--throttle-state=critical")
    check(r, "CRITICAL")


def test_postfix_rcpt_ban_is_critical(ms_plugin, postfix_mx):
    """127.0.0.7 gets 5.7.606 at RCPT TO: CRITICAL, sender.office.com."""
    r = probe(postfix_mx, "-b", PostfixMx.RCPT_BANNED_IP,
              "-r", PostfixMx.MAILBOX)
    perf = check(r, "CRITICAL")
    line = first_line(r.stdout)
    assert "at RCPT TO" in line and EOP_DELIST in line, line
    assert "127.0.0.7" in line, line
    assert perf["rcpt"] != "U", line


def test_postfix_send_delivers(ms_plugin, postfix_mx):
    """--send to Postfix's discard mailbox: OK; the maillog shows it queued."""
    before = postfix_mx.log_text().count("to=<%s>" % PostfixMx.MAILBOX)
    r = probe(postfix_mx, "-b", PostfixMx.OK_IP, "-r", PostfixMx.MAILBOX,
              "--send")
    check(r, "OK")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if postfix_mx.log_text().count("to=<%s>" % PostfixMx.MAILBOX) > before:
            break
        time.sleep(0.1)
    else:
        pytest.fail("no delivery in the maillog:\n" + postfix_mx.log_text())


# --------------------------------------------------------------------------
# Spamhaus ZEN lookup after a block (issue 11)
# --------------------------------------------------------------------------
#
# conftest's rbldnsd serves the real zone names zen.spamhaus.org and
# DQS_KEY.zen.dq.spamhaus.net on loopback, so the plugin asks them through
# the DNS group's -s, under the names it uses in production (no zone
# override exists).  Listed there: 127.0.0.2 (SBL); 192.0.2.4 answers the
# open-resolver error code 127.255.255.254; 192.0.2.6 is listed (XBL) on the
# DQS zone only; 127.0.0.5 (BIND) is not listed.

S3140_NAMING = ("550 5.7.1 Unfortunately, messages from [%s] weren't sent. "
                "Please contact your Internet service provider since part of "
                "their network is on our block list (S3140). [{host}]")
SPAMHAUS_DELIST = "check.spamhaus.org"


def zen_probe(mx, dns_port, *args, t=6):
    """A probe with the Spamhaus lookup on, asking the DNS server on
    127.0.0.1:dns_port (and nothing else: loopback-only resolv.conf)."""
    return probe(mx, "-s", "127.0.0.1:%d" % dns_port, "--query-timeout=1",
                 "--retries=0", *args, t=t, spamhaus=True)


def zen_lines(r):
    """The long-output lines about Spamhaus ZEN (not the first line)."""
    return [ln for ln in r.stdout.split("\n")[1:] if "Spamhaus ZEN" in ln]


@pytest.fixture
def silent_dns():
    """A UDP socket that never answers; yields (port, datagrams read so
    far as a callable)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)

        def received():
            n = 0
            while True:
                try:
                    s.recv(4096)
                    n += 1
                except BlockingIOError:
                    return n
        yield s.getsockname()[1], received


def test_spamhaus_listed_ip_says_delist_there_first(ms_plugin, rbldnsd,
                                                    fake_mx_factory):
    """S3140 for 127.0.0.2, which ZEN lists: CRITICAL, and the output says
    that Microsoft's form will not help until Spamhaus delists."""
    mx = fake_mx_factory("block_s3140")
    r = zen_probe(mx, rbldnsd.port, "-b", "127.0.0.2")
    check(r, "CRITICAL")
    line = first_line(r.stdout)
    assert "Spamhaus ZEN lists 127.0.0.2" in line, line
    assert "Microsoft's form will not help" in line, line
    zl = zen_lines(r)
    assert len(zl) == 1 and "[CRITICAL]" in zl[0], r.stdout
    assert "SBL" in zl[0] and "127.0.0.2)" in zl[0], zl
    assert SPAMHAUS_DELIST in zl[0], zl


@pytest.mark.parametrize("script", ["block_s3150", "block_s3130_spamhaus"])
def test_spamhaus_not_listed(ms_plugin, rbldnsd, fake_mx_factory, script):
    """S3150 or a Spamhaus reply for 127.0.0.5, which ZEN does not list:
    the block stays CRITICAL and the output says ZEN does not list it."""
    mx = fake_mx_factory(script)
    r = zen_probe(mx, rbldnsd.port, "-b", BIND)
    check(r, "CRITICAL")
    assert "Spamhaus ZEN does not list it" in first_line(r.stdout), r.stdout
    zl = zen_lines(r)
    assert len(zl) == 1 and "[OK]" in zl[0], r.stdout
    assert "Spamhaus ZEN does not list %s" % BIND in zl[0], zl


def test_spamhaus_looks_up_the_ip_the_reply_names(ms_plugin, rbldnsd,
                                                  fake_mx_factory):
    """The reply names 127.0.0.2 (the IP behind NAT) while the probe comes
    from 127.0.0.5: the lookup is for the named IP."""
    mx = fake_mx_factory({"mail": S3140_NAMING % "127.0.0.2"})
    r = zen_probe(mx, rbldnsd.port, "-b", BIND)
    check(r, "CRITICAL")
    line = first_line(r.stdout)
    assert "Microsoft saw [127.0.0.2] (sent from %s)" % BIND in line, line
    assert "Spamhaus ZEN lists 127.0.0.2" in line, line


def test_spamhaus_error_code_is_an_error_not_a_listing(ms_plugin, rbldnsd,
                                                       fake_mx_factory):
    """ZEN answers 127.255.255.254 (open resolver) for 192.0.2.4: said as
    an error with its meaning, never as a listing."""
    mx = fake_mx_factory({"mail": S3140_NAMING % "192.0.2.4"})
    r = zen_probe(mx, rbldnsd.port, "-b", BIND)
    check(r, "CRITICAL")
    line = first_line(r.stdout)
    assert "Spamhaus ZEN lookup failed" in line, line
    assert "lists" not in line, line
    zl = zen_lines(r)
    assert len(zl) == 1, r.stdout
    assert "127.255.255.254" in zl[0] and "resolver" in zl[0], zl
    assert "this is no listing" in zl[0], zl
    assert "[CRITICAL]" not in zl[0], zl


def test_spamhaus_dqs_key_file(ms_plugin, rbldnsd, fake_mx_factory,
                               tmp_path):
    """--dqs-key-file: the query goes to KEY.zen.dq.spamhaus.net, where
    192.0.2.6 is listed (the public zone does not list it); the key
    appears nowhere, not even at -vvv."""
    key = tmp_path / "dqs.key"
    key.write_text(DQS_KEY + "\n")
    os.chmod(key, 0o600)
    mx = fake_mx_factory({"mail": S3140_NAMING % "192.0.2.6"})
    r = zen_probe(mx, rbldnsd.port, "-b", BIND)
    check(r, "CRITICAL")
    assert "Spamhaus ZEN does not list it" in first_line(r.stdout), r.stdout
    for extra in ([], ["-vvv"]):
        r = zen_probe(mx, rbldnsd.port, "-b", BIND, "--dqs-key-file",
                      str(key), *extra)
        assert r.code == 2, r.stdout
        assert "Spamhaus ZEN lists 192.0.2.6" in first_line(r.stdout), \
            r.stdout
        assert "XBL" in r.stdout, r.stdout
        assert DQS_KEY not in r.stdout and DQS_KEY not in r.stderr


def test_spamhaus_bad_dqs_key_file_is_one_line(ms_plugin, fake_mx,
                                               tmp_path):
    """A key file that holds no DQS key: UNKNOWN, one line naming
    --dqs-key-file, without its content or name; no connection."""
    key = tmp_path / "hunter2secret"
    key.write_text("hunter2secret\n")
    os.chmod(key, 0o600)
    r = probe(fake_mx, "-b", BIND, "--dqs-key-file", str(key), spamhaus=True)
    assert r.code == 3, r.stdout
    assert r.stdout.startswith("MS_SMTP UNKNOWN - --dqs-key-file"), r.stdout
    assert r.stdout.count("\n") == 1, r.stdout
    assert "hunter2secret" not in r.stdout, r.stdout
    time.sleep(0.1)
    assert fake_mx.connections() == 0


def test_spamhaus_servfail_is_an_error(ms_plugin, ms_dns, fake_mx_factory):
    """A resolver answering SERVFAIL for the ZEN name: an error, not a
    listing; the block stays CRITICAL."""
    mx = fake_mx_factory("block_s3140")
    r = zen_probe(mx, ms_dns[0], "-b", BIND)
    check(r, "CRITICAL")
    zl = zen_lines(r)
    assert len(zl) == 1 and "SERVFAIL" in zl[0], r.stdout
    assert "Spamhaus ZEN lookup failed" in first_line(r.stdout), r.stdout


def test_spamhaus_timeout_is_bounded_by_t(ms_plugin, fake_mx_factory,
                                          silent_dns):
    """A resolver that never answers: one query, the run ends within -t,
    the block stays CRITICAL and the lookup is said to have failed."""
    port, received = silent_dns
    mx = fake_mx_factory("block_s3140")
    r = probe(mx, "-b", BIND, "-s", "127.0.0.1:%d" % port,
              "--query-timeout=5", "--retries=0", t=3, spamhaus=True)
    check_time_bound(r, 3)
    check(r, "CRITICAL")
    assert "Spamhaus ZEN lookup failed" in first_line(r.stdout), r.stdout
    assert received() == 1


@pytest.mark.parametrize("script,args", [
    ("block_s3140", ["--no-spamhaus-lookup"]),
    ("throttle_4_7_650_s775", []),
    ("legacy_sc002", []),
    ("accept_all", []),
])
def test_no_spamhaus_lookup(ms_plugin, fake_mx_factory, silent_dns, script,
                            args):
    """--no-spamhaus-lookup, throttling, a block that is no Spamhaus matter
    and an accepted probe send no query and say nothing about Spamhaus."""
    port, received = silent_dns
    mx = fake_mx_factory(script)
    r = probe(mx, "-b", BIND, "-s", "127.0.0.1:%d" % port, *args,
              spamhaus=True)
    assert r.code in (0, 1, 2), r.stdout
    assert "Spamhaus ZEN" not in r.stdout, r.stdout
    assert received() == 0


# --------------------------------------------------------------------------
# --timeout-result applies to every timeout, stage timeouts included
# --------------------------------------------------------------------------

@pytest.mark.parametrize("script,stage", [
    ("hostile_silent_banner", "banner"),
    ("hostile_silent_at_mail", "MAIL FROM"),
])
@pytest.mark.parametrize("how", [["--timeout-result=critical"],
                                 ["--timeout-result=2"]])
def test_stage_timeout_takes_timeout_result(ms_plugin, fake_mx_factory,
                                            script, stage, how):
    """An MX that never answers a stage within --stage-timeout: CRITICAL
    with --timeout-result=critical, not UNKNOWN; the line says which
    stage."""
    mx = fake_mx_factory(script)
    r = probe(mx, "-b", BIND, "--stage-timeout=1", *how, t=5)
    check(r, "CRITICAL")
    assert "no complete reply at %s" % stage in first_line(r.stdout), r.stdout


def test_stage_timeout_with_t_state(ms_plugin, fake_mx_factory):
    """-t SECONDS:STATE sets the state of a stage timeout too."""
    mx = fake_mx_factory("hostile_silent_banner")
    r = probe(mx, "-b", BIND, "--stage-timeout=1", t="5:warning")
    check(r, "WARNING")
    assert "no complete reply at banner" in first_line(r.stdout), r.stdout


# --------------------------------------------------------------------------
# an address this host does not own
# --------------------------------------------------------------------------

@pytest.mark.parametrize("addr,extra", [("192.0.2.1", []),
                                        ("203.0.113.77", ["-r", "p@x.test"])])
def test_bind_address_not_on_this_host(ms_plugin, fake_mx, addr, extra):
    """-b with an address no interface has (a missing command_endpoint):
    one line saying so with the fix, exit 3, no [?] fields; nothing
    reaches the MX."""
    r = probe(fake_mx, "-b", addr, *extra)
    check(r, "UNKNOWN")
    line = first_line(r.stdout)
    assert r.stdout.count("\n") == 1, r.stdout
    assert "-b/--bind %s is not an address of this host" % addr in line, line
    assert "command_endpoint" in line, line
    assert "[?]" not in r.stdout and "filtered" not in line, line
    time.sleep(0.1)
    assert fake_mx.connections() == 0


def test_refused_connection_shows_no_unknown_fields(ms_plugin):
    """A refused connection names host and port without "[?]"."""
    port = free_tcp_port()
    r = run_ms(["-H", "127.0.0.1", "-p", port, "-b", BIND, "-t", 3,
                "--no-spamhaus-lookup"])
    check(r, "UNKNOWN")
    assert "[?]" not in r.stdout, r.stdout
    assert "via 127.0.0.1:%d from %s" % (port, BIND) in r.stdout, r.stdout
