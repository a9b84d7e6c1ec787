"""Self-test of the SMTP test servers: fake_mx.py answers as its scripts say,
the catalogue scripts carry replies the Microsoft rules classify, the test
certificates verify (or fail) as intended, and the test Postfix instance
applies its client rules.  Run: /usr/bin/python3 -m pytest tests/servers
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import json
import os
import re
import smtplib
import socket
import ssl
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "blackbox"))
sys.path.insert(0, HERE)

import fake_mx as fake_mx_mod  # noqa: E402
from smtp_fixtures import (SCRIPTS_DIR, fake_mx, fake_mx_factory,  # noqa: E402
                           postfix_mx, smtp_certs)

# The fixtures are imported so that pytest finds them here (no conftest.py:
# tests/blackbox's modules import "conftest" by name).
FIXTURES = (fake_mx, fake_mx_factory, postfix_mx, smtp_certs)

BLOCKED = "127.0.0.5"
FRONT_END = "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com"

# Classification patterns of microsoft-smtp-facts.md section 3.
CONSUMER = r"^5[0-9][0-9][ -]5\.7\.1 .*on our block list( \((A?S[0-9]+)\))?"
LEGACY = r"^550[ -](SC-00[1-4]|DY-00[12]|OU-00[12])"
DNSBL = r"blocked using Spamhaus"
EOP = (r"5\.7\.6(0[6-9]|[1-3][0-9]|4[0-9]) Access denied, banned sending IP|"
       r"5\.7\.511 Access denied, banned sender|5\.7\.513 .*Customer Block list")
FIXABLE = r"5\.7\.506 Access denied, bad HELO"
THROTTLE = (r"^4[0-9][0-9][ -]4\.7\.65[0-2] |rate limited due to IP reputation|"
            r"exceeded the maximum number of connections|^421[ -]RP-00[1-3]|"
            r"^4[0-9][0-9][ -]4\.7\.(5[0-9][0-9]|6[0-9][0-9]|8[5-9][0-9]) |"
            r"Server busy\. Please try again later|4\.7\.700 PFA agent busy")
INFO = r"5\.7\.515 .*authentication level"
ANY_RULE = "|".join("(%s)" % p for p in (CONSUMER, LEGACY, DNSBL, EOP, FIXABLE,
                                         THROTTLE, INFO))
CODE_RE = r"\((A?S[0-9]+)\)|AS\(([0-9]+)\)"
FRONT_RE = r"\[([A-Z0-9]+\.[A-Za-z0-9-]+\.prod\.(protection\.)?outlook\.com)"


def joined(code, msg):
    """A reply as the rules see it: code and lines joined with spaces."""
    return "%d %s" % (code, msg.decode("utf-8", "replace").replace("\n", " "))


def tls_context(certs):
    """A client TLS context trusting only the test CA."""
    return ssl.create_default_context(cafile=certs.ca_cert)


def client(mx, src=BLOCKED, timeout=5):
    """An smtplib client from source address src to a server."""
    return smtplib.SMTP(mx.host, mx.port, source_address=(src, 0),
                        timeout=timeout, local_hostname="probe.example")


def probe(mx, certs, upto, tls=True, src=BLOCKED):
    """EHLO, STARTTLS, EHLO, MAIL, RCPT (as far as upto); return the reply
    (code, message) of the stage upto, then RSET and QUIT."""
    s = client(mx, src)
    try:
        s.ehlo()
        if tls:
            assert s.starttls(context=tls_context(certs))[0] == 220
            s.ehlo()
        reply = s.mail("postmaster@probe.example")
        if upto == "rcpt":
            assert reply[0] == 250, reply
            reply = s.rcpt("someone@hotmail.com")
        s.rset()
        s.quit()
    finally:
        s.close()
    return reply


# --------------------------------------------------------------------------
# scripts
# --------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(SCRIPTS_DIR,
                                                               "*.json"))),
                         ids=os.path.basename)
def test_every_script_is_valid(path):
    with open(path) as f:
        obj = json.load(f)
    assert obj.get("description")
    fake_mx_mod.Script(obj)


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(SCRIPTS_DIR,
                                                               "*.json"))),
                         ids=os.path.basename)
def test_every_script_survives_a_full_probe(path, fake_mx_factory, smtp_certs):
    """Whatever the script does, the server itself must not fail."""
    mx = fake_mx_factory(path)
    try:
        s = client(mx, timeout=0.3)
        s.ehlo()
        if s.has_extn("starttls"):
            s.starttls(context=tls_context(smtp_certs))
            s.ehlo()
        s.mail("postmaster@probe.example")
        s.rcpt("someone@hotmail.com")
        s.data(b"Subject: t\r\n\r\nx\r\n")
        s.rset()
        s.quit()
    except (smtplib.SMTPException, OSError):
        pass
    time.sleep(0.05)
    assert mx.proc.poll() is None
    assert not [r for r in mx.records()
                if "server error" in r.get("reason", "")]
    assert mx.records()[0]["event"] == "connect"


@pytest.mark.parametrize("bad", [
    {"mail": "hello"}, {"mial": "250 ok"}, {"mail": {"after": "explode"}},
    {"rcpt": "noehlo"}, {"banner": "delay:x"}, {"connections": [{"x": 1}]},
])
def test_invalid_scripts_are_refused(bad):
    with pytest.raises(fake_mx_mod.ScriptError):
        fake_mx_mod.Script(bad)


# script -> (stage, pattern its reply must match, Microsoft code or None)
CATALOGUE = {
    "block_s3140": ("mail", CONSUMER, "S3140"),
    "block_s3150": ("mail", CONSUMER, "S3150"),
    "block_as3140": ("mail", CONSUMER, "AS3140"),
    "block_as3150": ("mail", CONSUMER, "AS3150"),
    "block_s3140_multiline": ("mail", CONSUMER, "S3140"),
    "block_s3130_spamhaus": ("mail", DNSBL, "S3130"),
    "throttle_4_7_650_s775": ("mail", THROTTLE, "S775"),
    "throttle_4_7_650_s3113": ("mail", THROTTLE, "S3113"),
    "throttle_4_7_651_s3114": ("mail", THROTTLE, "S3114"),
    "throttle_4_7_652_connections": ("mail", THROTTLE, "S3115"),
    "throttle_4_7_500_as761_at_rcpt": ("rcpt", THROTTLE, "AS761"),
    "busy_4_7_700_pfa": ("mail", THROTTLE, None),
    "legacy_sc001": ("mail", LEGACY, None),
    "legacy_sc002": ("mail", LEGACY, None),
    "legacy_sc003": ("mail", LEGACY, None),
    "legacy_sc004": ("mail", LEGACY, None),
    "legacy_dy001": ("mail", LEGACY, None),
    "legacy_dy002": ("mail", LEGACY, None),
    "legacy_ou001": ("mail", LEGACY, None),
    "legacy_ou002": ("mail", LEGACY, None),
    "eop_banned_ip_5_7_606_at_rcpt": ("rcpt", EOP, "1430"),
    "eop_banned_sender_5_7_511_at_rcpt": ("rcpt", EOP, "8004"),
    "eop_customer_block_5_7_513_at_rcpt": ("rcpt", EOP, "AS16012607"),
    "eop_spamhaus_as16012611_at_mail": ("mail", DNSBL, "AS16012611"),
    "eop_bad_helo_5_7_506_at_mail": ("mail", FIXABLE, None),
}


@pytest.mark.parametrize("script", sorted(CATALOGUE))
def test_catalogue_reply_comes_at_its_stage_and_matches_the_rules(
        script, fake_mx_factory, smtp_certs):
    stage, pattern, code = CATALOGUE[script]
    mx = fake_mx_factory(script)
    text = joined(*probe(mx, smtp_certs, stage))
    assert re.search(pattern, text, re.I), text
    if code:
        m = re.search(CODE_RE, text)
        assert m and code in (m.group(1), m.group(2)), text
    if not script.startswith("legacy_"):
        assert re.search(FRONT_RE, text).group(1) == FRONT_END
    with open(os.path.join(SCRIPTS_DIR, script + ".json")) as f:
        if "{ip}" in json.dumps(json.load(f)[stage]):
            assert BLOCKED in text


@pytest.mark.parametrize("script", ["unknown_4xx_at_mail",
                                    "unknown_5xx_at_mail"])
def test_unknown_replies_match_no_rule(script, fake_mx_factory, smtp_certs):
    code, msg = probe(fake_mx_factory(script), smtp_certs, "mail")
    assert str(code)[0] == script[8]
    assert not re.search(ANY_RULE, joined(code, msg), re.I)


# --------------------------------------------------------------------------
# fake_mx behaviour
# --------------------------------------------------------------------------

def test_accept_all_full_dialogue_is_logged(fake_mx_factory, smtp_certs):
    mx = fake_mx_factory("accept_all")
    host, port, log_path = mx
    s = client(mx)
    code, msg = s.ehlo()
    assert code == 250 and b"[127.0.0.5]" in msg and b"STARTTLS" in msg
    assert s.starttls(context=tls_context(smtp_certs))[0] == 220
    code, msg = s.ehlo()
    assert code == 250 and b"STARTTLS" not in msg
    assert s.mail("postmaster@probe.example")[0] == 250
    assert s.rcpt("someone@hotmail.com")[0] == 250
    assert s.rset()[0] == 250
    assert s.quit()[0] == 221
    assert mx.wait_disconnect()
    cmds = mx.commands()
    assert [c["stage"] for c in cmds] == ["banner", "ehlo", "starttls",
                                          "ehlo_tls", "mail", "rcpt", "rset",
                                          "quit"]
    assert {c["client"] for c in cmds} == {BLOCKED}
    assert [c["tls"] for c in cmds if c["stage"] in ("mail", "rcpt")] == [True, True]
    assert cmds[4]["command"] == "mail FROM:<postmaster@probe.example>"
    assert not any(c["pipelined"] for c in cmds)
    assert cmds[0]["reply"][0].startswith(
        "220 BN8NAM12FT123.mail.protection.outlook.com Microsoft ESMTP MAIL "
        "Service ready at ")
    tls = [r for r in mx.records() if r["event"] == "tls"]
    assert tls and tls[0]["version"] in ("TLSv1.2", "TLSv1.3")


def test_multiline_reply_has_continuation_lines(fake_mx_factory, smtp_certs):
    mx = fake_mx_factory("block_s3140_multiline")
    code, msg = probe(mx, smtp_certs, "mail")
    assert code == 550 and msg.count(b"\n") == 2
    sent = [c for c in mx.commands() if c["stage"] == "mail"][0]["reply"]
    assert [x[:4] for x in sent] == ["550-", "550-", "550 "]


def test_trickled_replies_still_parse(fake_mx_factory, smtp_certs):
    code, msg = probe(fake_mx_factory("hostile_trickled_replies", tls=False),
                      smtp_certs, "mail", tls=False)
    assert code == 550 and b"(S3140)" in msg


def test_noehlo_forces_helo_fallback(fake_mx_factory):
    mx = fake_mx_factory("accept_helo_fallback_noehlo")
    s = client(mx)
    assert s.ehlo()[0] == 500
    assert s.helo()[0] == 250
    assert s.mail("a@probe.example")[0] == 250
    s.quit()


def test_silent_banner_sends_nothing(fake_mx_factory):
    mx = fake_mx_factory("hostile_silent_banner")
    with socket.create_connection((mx.host, mx.port), timeout=0.5) as sock:
        with pytest.raises(socket.timeout):
            sock.recv(100)


def test_silence_at_mail_logs_but_never_answers(fake_mx_factory):
    mx = fake_mx_factory("hostile_silent_at_mail", tls=False)
    s = client(mx, timeout=0.5)
    s.ehlo()
    with pytest.raises((socket.timeout, smtplib.SMTPServerDisconnected)):
        s.mail("a@probe.example")
    s.close()
    time.sleep(0.1)
    assert mx.commands()[-1]["stage"] == "mail"
    assert mx.commands()[-1]["reply"] == "silence"


def test_endless_banner_has_no_newline(fake_mx_factory):
    mx = fake_mx_factory("hostile_endless_banner")
    with socket.create_connection((mx.host, mx.port), timeout=5) as sock:
        data = b""
        while len(data) < 300000:
            data += sock.recv(65536)
    assert data.startswith(b"220 ") and b"\n" not in data


def test_garbage_banner_has_nul_bytes_then_eof(fake_mx_factory):
    mx = fake_mx_factory("hostile_garbage_banner")
    with socket.create_connection((mx.host, mx.port), timeout=5) as sock:
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    assert b"\x00" in data and not re.match(rb"^[0-9]{3}[ -]", data)


@pytest.mark.parametrize("script", ["hostile_close_at_mail",
                                    "hostile_multiline_unterminated"])
def test_connection_ends_at_mail(script, fake_mx_factory):
    s = client(fake_mx_factory(script, tls=False))
    s.ehlo()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        s.mail("a@probe.example")


def test_garbage_at_mail_is_no_reply_then_eof(fake_mx_factory):
    mx = fake_mx_factory("hostile_garbage_at_mail", tls=False)
    with socket.create_connection((mx.host, mx.port), timeout=5) as sock:
        f = sock.makefile("rb")
        f.readline()
        sock.sendall(b"HELO probe.example\r\n")
        f.readline()
        sock.sendall(b"MAIL FROM:<a@b.example>\r\n")
        data = f.read()
    assert b"\x00" in data and not re.match(rb"^[0-9]{3}[ -]", data)


def test_reset_at_rcpt(fake_mx_factory):
    s = client(fake_mx_factory("hostile_reset_at_rcpt", tls=False))
    s.ehlo()
    s.mail("a@probe.example")
    with pytest.raises((ConnectionResetError, smtplib.SMTPServerDisconnected)):
        s.rcpt("b@hotmail.com")


def test_delay_then_default_reply(fake_mx_factory):
    mx = fake_mx_factory({"description": "d", "mail": "delay:0.6",
                          "rcpt": {"delay": 0.3, "reply": "451 4.7.500 later"}},
                         tls=False)
    s = client(mx)
    s.ehlo()
    t = time.monotonic()
    assert s.mail("a@probe.example") == (250, b"2.1.0 Sender OK")
    assert time.monotonic() - t >= 0.55
    t = time.monotonic()
    assert s.rcpt("b@hotmail.com") == (451, b"4.7.500 later")
    assert time.monotonic() - t >= 0.25
    s.quit()


def test_421_banner_closes(fake_mx_factory):
    mx = fake_mx_factory("legacy_rp001_at_banner")
    with pytest.raises(smtplib.SMTPConnectError) as err:
        client(mx)
    assert err.value.smtp_code == 421
    assert b"RP-001" in err.value.smtp_error and b"127.0.0.5" in err.value.smtp_error


def test_554_banner_then_503_until_quit(fake_mx_factory):
    mx = fake_mx_factory("banner_554_no_service")
    with socket.create_connection((mx.host, mx.port), timeout=5) as sock:
        f = sock.makefile("rb")
        assert f.readline().startswith(b"554 5.7.1 ")
        sock.sendall(b"EHLO probe.example\r\n")
        assert f.readline().startswith(b"503 ")
        sock.sendall(b"QUIT\r\n")
        assert f.readline().startswith(b"221 ")


def test_per_connection_override_then_accept(fake_mx_factory, smtp_certs):
    mx = fake_mx_factory("throttle_4_7_650_then_accept")
    assert probe(mx, smtp_certs, "mail")[0] == 451
    assert probe(mx, smtp_certs, "mail")[0] == 250
    assert mx.connections() == 2


def test_require_tls_refuses_mail_in_clear(fake_mx_factory, smtp_certs):
    mx = fake_mx_factory("require_tls")
    assert probe(mx, smtp_certs, "mail", tls=False)[0] == 530
    assert probe(mx, smtp_certs, "mail", tls=True)[0] == 250


def test_no_cert_no_starttls(fake_mx_factory):
    s = client(fake_mx_factory("accept_all", tls=False))
    assert b"STARTTLS" not in s.ehlo()[1]
    s.quit()
    s = client(fake_mx_factory({"description": "d", "advertise_starttls": True},
                               tls=False))
    assert b"STARTTLS" in s.ehlo()[1]
    assert s.docmd("STARTTLS")[0] == 454
    s.quit()


def test_starttls_refused(fake_mx_factory):
    s = client(fake_mx_factory("starttls_refused_454"))
    s.ehlo()
    assert s.docmd("STARTTLS")[0] == 454
    s.quit()


def test_starttls_garbage_breaks_handshake(fake_mx_factory, smtp_certs):
    s = client(fake_mx_factory("hostile_starttls_garbage"))
    s.ehlo()
    with pytest.raises((ssl.SSLError, OSError)):
        s.starttls(context=tls_context(smtp_certs))


def test_data_message_is_logged_and_5_7_515_names_domain(fake_mx_factory):
    mx = fake_mx_factory("auth_level_5_7_515_after_data", tls=False)
    s = client(mx)
    s.ehlo()
    s.mail("probe@sender.example")
    s.rcpt("box@hotmail.com")
    code, msg = s.data(b"Subject: probe\r\n\r\n.leading dot\r\nbody\r\n")
    assert code == 550 and re.search(INFO, joined(code, msg))
    assert b"[sender.example]" in msg
    s.quit()
    mx.wait_disconnect()
    message = [r for r in mx.records() if r["event"] == "message"][0]
    assert message["text"] == "Subject: probe\n\n.leading dot\nbody"
    assert "data" in mx.stages() and "data_end" in mx.stages()


def test_pipelined_commands_are_flagged(fake_mx_factory):
    mx = fake_mx_factory("accept_all", tls=False)
    with socket.create_connection((mx.host, mx.port), timeout=5) as sock:
        f = sock.makefile("rb")
        f.readline()
        sock.sendall(b"HELO probe.example\r\n")
        f.readline()
        sock.sendall(b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@hotmail.com>\r\n")
        f.readline()
        f.readline()
        sock.sendall(b"QUIT\r\n")
        f.readline()
    mx.wait_disconnect()
    flags = {c["stage"]: c["pipelined"] for c in mx.commands()}
    assert flags["mail"] is True and flags["rcpt"] is False
    assert flags["helo"] is False


def test_ipv6_listener_echoes_v6_address(fake_mx_factory):
    mx = fake_mx_factory("block_s3140", tls=False, listen_host="::1")
    s = smtplib.SMTP("::1", mx.port, timeout=5, local_hostname="probe.example")
    s.ehlo()
    code, msg = s.mail("a@probe.example")
    assert code == 550 and b"[::1]" in msg
    s.quit()


def test_fake_mx_fixture_defaults_to_accept_all(fake_mx, smtp_certs):
    assert probe(fake_mx, smtp_certs, "rcpt")[0] == 250
    assert fake_mx.script.endswith("accept_all.json")



@pytest.mark.parametrize("fake_mx", ["block_s3150"], indirect=True)
def test_indirect_parameter_selects_script(fake_mx, smtp_certs):
    assert b"(S3150)" in probe(fake_mx, smtp_certs, "mail")[1]


# --------------------------------------------------------------------------
# certificates
# --------------------------------------------------------------------------

@pytest.mark.parametrize("which, reason", [
    ("wrongname", "Hostname mismatch"),
    ("expired", "certificate has expired"),
    ("selfsigned", "self-signed certificate"),
])
def test_bad_certificates_fail_verification(which, reason, fake_mx_factory,
                                            smtp_certs):
    mx = fake_mx_factory("accept_all",
                         cert=getattr(smtp_certs, which + "_cert"),
                         key=getattr(smtp_certs, which + "_key"))
    s = smtplib.SMTP("localhost", mx.port, timeout=5)
    s.ehlo()
    with pytest.raises(ssl.SSLCertVerificationError) as err:
        s.starttls(context=tls_context(smtp_certs))
    assert reason in str(err.value)


# --------------------------------------------------------------------------
# real Postfix
# --------------------------------------------------------------------------

def test_postfix_blocks_127_0_0_5_at_mail_with_s3140(postfix_mx, smtp_certs):
    code, msg = probe(postfix_mx, smtp_certs, "mail", src=postfix_mx.BLOCKED_IP)
    text = joined(code, msg)
    assert text == postfix_mx.S3140_REPLY
    assert re.search(CONSUMER, text, re.I)
    assert re.search(CODE_RE, text).group(1) == "S3140"


def test_postfix_accepts_127_0_0_1_over_verified_tls(postfix_mx, smtp_certs):
    s = client(postfix_mx, src=postfix_mx.OK_IP)
    assert b"STARTTLS" in s.ehlo()[1]
    assert s.starttls(context=tls_context(smtp_certs))[0] == 220
    assert s.sock.version() in ("TLSv1.2", "TLSv1.3")
    s.ehlo()
    assert s.mail("postmaster@probe.example")[0] == 250
    assert s.rcpt(postfix_mx.MAILBOX)[0] == 250
    assert s.rcpt("nobody@localhost")[0] == 550
    assert s.rcpt("someone@hotmail.com")[0] == 554  # never relays
    assert s.data(b"Subject: t\r\n\r\nx\r\n")[0] == 250
    s.quit()


def test_postfix_throttle_and_rcpt_ban(postfix_mx, smtp_certs):
    assert joined(*probe(postfix_mx, smtp_certs, "mail",
                         src=postfix_mx.THROTTLED_IP)) == postfix_mx.THROTTLE_REPLY
    assert joined(*probe(postfix_mx, smtp_certs, "rcpt",
                         src=postfix_mx.RCPT_BANNED_IP)) == \
        postfix_mx.RCPT_BANNED_REPLY
