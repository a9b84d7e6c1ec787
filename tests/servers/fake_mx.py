#!/usr/bin/python3
"""fake_mx.py: a scripted fake Microsoft MX for the check_ms_smtp black-box tests.

Usage:
    fake_mx.py --listen 127.0.0.1:PORT --script FILE.json [--cert C --key K]
               [--log LOG.jsonl] [--idle-timeout S] [--endless-limit BYTES]
    fake_mx.py --check --listen X:0 --script FILE.json   (validate only)

--listen also takes [::1]:PORT; PORT 0 picks a free port.  When the socket is
listening the server prints "READY PORT" (the real port) on stdout.  Each
connection is served in its own thread, so several connections, in sequence or
at once, are fine.  SIGTERM or SIGINT stops the server.

The script (JSON object) says what to answer at each stage.  Stages:

    banner ehlo ehlo_tls helo starttls mail rcpt data data_end rset quit
    noop vrfy unknown

("ehlo_tls" is the EHLO after STARTTLS; it falls back to "ehlo".  "unknown"
answers any other command.)  A stage's value is one of:

* a reply line, "550 5.7.1 ...";
* a list of lines, sent as a multi-line reply: every line but the last gets
  "NNN-", the last "NNN " (a line without a code takes the first line's code);
* "default": the Microsoft-like default for the stage;
* a hostile behaviour:
    "silence"      never answer (commands are still read and logged);
    "endless"      "NNN " then bytes without any newline, slowly, up to
                   --endless-limit (default 50 MB), then close;
    "garbage"      non-SMTP bytes including NUL and control bytes, then close;
    "close"        close the connection without answering;
    "reset"        abort the connection (TCP RST) without answering;
    "delay:S"      wait S seconds (float), then the default reply;
    "noehlo"       (EHLO only) 500 to EHLO, so the client must fall back to HELO;
* an object {"reply": ..., "delay": S, "after": A, "raw": [...]} where reply
  is any of the above, delay waits first, and after is what happens once the
  reply went out: "stay" (default), "close", "reset", "garbage", "silence",
  "endless".  "raw" sends the given lines verbatim (CRLF added), e.g. to
  send a malformed multi-line reply.

A 421 reply closes the connection after it is sent unless "after" says "stay".
After a 5xx banner the server answers QUIT with 221 and everything else with
503, as RFC 5321 says.  Out-of-order commands (MAIL before EHLO/HELO, RCPT
before an accepted MAIL, DATA without an accepted RCPT, STARTTLS twice) get
503 and are logged with "sequence_error": true.  A STARTTLS line in an EHLO
reply (default or scripted) is left out whenever STARTTLS is not on offer;
without --cert, STARTTLS is answered 454 (or as scripted, unless that is 220).
Plain text the client sent after STARTTLS, before the handshake, is dropped
and logged as a "tls_error".

In reply texts {ip} is the client's address as the server sees it, {host} the
front-end name ("host" key, default BN8NAM12FT123.eop-nam12.prod.protection.
outlook.com), {server} the banner name ("server" key, default
BN8NAM12FT123.mail.protection.outlook.com), {date} the current date in RFC 5322
form, {from_domain} the domain of the last MAIL FROM address.

Other top-level keys:
    "description", "facts": free text, ignored;
    "advertise_starttls": true/false: force the STARTTLS capability on or off
        (default: offered when --cert is given; never once in TLS);
    "require_tls": true: MAIL/RCPT/DATA in clear get 530 5.7.0;
    "trickle": true: send every reply in 7-byte pieces 3 ms apart;
    "connections": a list of objects with stage overrides for the 1st, 2nd,
        ... connection (later connections use the top-level stages only).

Every event is appended to --log as one JSON object per line:
    {"time", "conn", "event", "client", "client_port", "tls", ...}
with event "connect", "command" (plus "stage", "command" (absent for the
banner), "reply" (list of lines sent, or the behaviour's name),
"pipelined": whether more client bytes were already waiting when the
command was read), "message" (after DATA:
"size", "text" (first 64 KiB)), "tls" (handshake done: "version", "cipher"),
"tls_error", "disconnect" (plus "reason").
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time

from testutil import JsonlWriter, parse_listen

STAGES = ("banner", "ehlo", "ehlo_tls", "helo", "starttls", "mail", "rcpt",
          "data", "data_end", "rset", "quit", "noop", "vrfy", "unknown")
OTHER_KEYS = ("description", "facts", "host", "server", "advertise_starttls",
              "require_tls", "trickle", "connections")
KEYWORDS = ("silence", "endless", "garbage", "close", "reset", "noehlo",
            "default")
AFTER = ("stay", "close", "reset", "garbage", "silence", "endless")

DEFAULT_HOST = "BN8NAM12FT123.eop-nam12.prod.protection.outlook.com"
DEFAULT_SERVER = "BN8NAM12FT123.mail.protection.outlook.com"

DEFAULTS = {
    "banner": "220 {server} Microsoft ESMTP MAIL Service ready at {date}",
    "helo": "250 {server} Hello [{ip}]",
    "starttls": "220 2.0.0 SMTP server ready",
    "mail": "250 2.1.0 Sender OK",
    "rcpt": "250 2.1.5 Recipient OK",
    "data": "354 Start mail input; end with <CRLF>.<CRLF>",
    "data_end": "250 2.6.0 <{msgid}@{server}> [InternalId=1234567890123, "
                "Hostname={host}] Queued mail for delivery",
    "rset": "250 2.0.0 Resetting",
    "quit": "221 2.0.0 Service closing transmission channel",
    "noop": "250 2.0.0 OK",
    "vrfy": "252 2.1.5 Cannot VRFY user, but will accept message for delivery",
    "unknown": "500 5.3.3 Unrecognized command",
}
EHLO_CAPS = ["SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES",
             "STARTTLS", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"]
NOEHLO_REPLY = "500 5.3.3 Unrecognized command 'EHLO'"
NO_TLS_REPLY = "454 4.7.0 TLS not available due to local problem"
GARBAGE = (b"\x00\x01\x02\xff\xfe\x1b[2J\x07\x00garbage\x00\r\n"
           b"HTTP/1.0 400 Bad Request\r\n\x7f\x80\x81\x00\x1b]0;\x07\r\n"
           b"\x00\x00\xde\xad\xbe\xef\x00")
MAX_LINE = 8192
MAX_MESSAGE_LOG = 65536
CODE_RE = re.compile(r"^([0-9]{3})(?:[ -](.*))?$", re.S)


class ScriptError(Exception):
    """The script file is not valid."""


class Action:
    """What to do at one stage: reply lines and/or a hostile behaviour."""

    def __init__(self, kind="reply", lines=None, delay=0.0, after="stay",
                 raw=False):
        """kind: reply|default|silence|endless|garbage|close|reset|noehlo."""
        self.kind = kind
        self.lines = lines
        self.delay = delay
        self.after = after
        self.after_explicit = False
        self.raw = raw


def parse_lines(value, where):
    """Validate and normalise a reply given as a string or a list of lines."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or \
            not all(isinstance(x, str) for x in value):
        raise ScriptError("%s: a reply must be a string or a list of strings"
                          % where)
    m = CODE_RE.match(value[0])
    if not m:
        raise ScriptError("%s: reply %r does not start with a 3-digit code"
                          % (where, value[0]))
    code = m.group(1)
    texts = []
    for line in value:
        lm = CODE_RE.match(line)
        if lm:
            texts.append((lm.group(1), lm.group(2) or ""))
        else:
            texts.append((code, line))
    out = []
    for i, (c, t) in enumerate(texts):
        sep = " " if i == len(texts) - 1 else "-"
        out.append(c + sep + t if t or sep == "-" else c)
    return out


def parse_action(value, where):
    """Turn a stage's script value into an Action."""
    if isinstance(value, dict):
        unknown = set(value) - {"reply", "delay", "after", "raw"}
        if unknown:
            raise ScriptError("%s: unknown keys %s" % (where, sorted(unknown)))
        if "raw" in value:
            raw = value["raw"]
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list) or \
                    not all(isinstance(x, str) for x in raw):
                raise ScriptError("%s: raw must be a list of strings" % where)
            act = Action("reply", raw, raw=True)
        else:
            act = parse_action(value.get("reply", "default"), where)
        delay = value.get("delay", 0)
        if not isinstance(delay, (int, float)) or delay < 0:
            raise ScriptError("%s: delay must be a number >= 0" % where)
        act.delay += float(delay)
        after = value.get("after", "stay")
        if after not in AFTER:
            raise ScriptError("%s: after must be one of %s" % (where, AFTER))
        act.after = after
        act.after_explicit = "after" in value
        return act
    if isinstance(value, str):
        if value in KEYWORDS:
            return Action(value)
        if value.startswith("delay:"):
            try:
                secs = float(value[6:])
            except ValueError:
                raise ScriptError("%s: bad delay %r" % (where, value)) from None
            if secs < 0:
                raise ScriptError("%s: bad delay %r" % (where, value))
            return Action("default", delay=secs)
    return Action("reply", parse_lines(value, where))


def parse_stages(obj, where, allow_other):
    """Parse a dict of stage -> action; return {stage: Action}."""
    if not isinstance(obj, dict):
        raise ScriptError("%s: must be a JSON object" % where)
    stages = {}
    for key, value in obj.items():
        if key in STAGES:
            stages[key] = parse_action(value, "%s.%s" % (where, key))
            if stages[key].kind == "noehlo" and key not in ("ehlo", "ehlo_tls"):
                raise ScriptError("%s.%s: noehlo is for EHLO only" % (where, key))
        elif not (allow_other and key in OTHER_KEYS):
            raise ScriptError("%s: unknown key %r" % (where, key))
    return stages


class Script:
    """A loaded, validated script."""

    def __init__(self, obj):
        """Validate obj (the parsed JSON) and keep what the sessions need."""
        self.stages = parse_stages(obj, "script", True)
        self.host = obj.get("host", DEFAULT_HOST)
        self.server = obj.get("server", DEFAULT_SERVER)
        self.advertise = obj.get("advertise_starttls")
        self.require_tls = bool(obj.get("require_tls", False))
        self.trickle = bool(obj.get("trickle", False))
        conns = obj.get("connections", [])
        if not isinstance(conns, list):
            raise ScriptError("script.connections: must be a list")
        self.per_conn = [parse_stages(c, "script.connections[%d]" % i, False)
                         for i, c in enumerate(conns)]
        for k in ("host", "server"):
            if not isinstance(obj.get(k, ""), str):
                raise ScriptError("script.%s: must be a string" % k)
        if self.advertise not in (None, True, False):
            raise ScriptError("script.advertise_starttls: must be a boolean")

    def stages_for(self, conn_no):
        """Stage actions for connection number conn_no (1-based)."""
        stages = dict(self.stages)
        if 1 <= conn_no <= len(self.per_conn):
            stages.update(self.per_conn[conn_no - 1])
        return stages


class Closed(Exception):
    """The session is over (client left, timeout, or we closed)."""


class Session:
    """One client connection."""

    def __init__(self, server, sock, addr, conn_no):
        """server: the Server; sock: the accepted socket."""
        self.server = server
        self.sock = sock
        self.conn_no = conn_no
        ip = addr[0]
        if ip.startswith("::ffff:") and "." in ip:
            ip = ip[7:]
        self.ip = ip
        self.port = addr[1]
        self.stages = server.script.stages_for(conn_no)
        self.tls = False
        self.buf = bytearray()
        self.greeted = False
        self.mail_ok = False
        self.rcpts = 0
        self.from_domain = "unknown"
        self.silenced = False
        self.banner_rejected = False
        self.msg_counter = 0

    # ---- logging and substitution ------------------------------------

    def log(self, event, **fields):
        """Write one log record about this connection."""
        rec = {"time": round(time.time(), 6), "conn": self.conn_no,
               "event": event, "client": self.ip, "client_port": self.port,
               "tls": self.tls}
        rec.update(fields)
        self.server.logger.write(rec)

    def subst(self, text):
        """Replace the {placeholders} of a reply line."""
        date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        msgid = "%08X%04d" % (int(time.time()) & 0xFFFFFFFF, self.msg_counter)
        for key, val in (("{ip}", self.ip), ("{host}", self.server.script.host),
                         ("{server}", self.server.script.server),
                         ("{date}", date), ("{from_domain}", self.from_domain),
                         ("{msgid}", msgid)):
            text = text.replace(key, val)
        return text

    # ---- socket I/O ----------------------------------------------------

    def send(self, data):
        """Send bytes, trickled if the script says so."""
        try:
            if self.server.script.trickle:
                for i in range(0, len(data), 7):
                    self.sock.sendall(data[i:i + 7])
                    time.sleep(0.003)
            else:
                self.sock.sendall(data)
        except OSError as e:
            raise Closed("send failed: %s" % e) from None

    def readline(self):
        """Read one line (without CR LF); return (text, pipelined)."""
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                raw = bytes(self.buf[:nl])
                del self.buf[:nl + 1]
                if raw.endswith(b"\r"):
                    raw = raw[:-1]
                return raw.decode("utf-8", "replace"), len(self.buf) > 0
            if len(self.buf) > MAX_LINE:
                raise Closed("line too long")
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise Closed("idle timeout") from None
            except OSError as e:
                raise Closed("recv failed: %s" % e) from None
            if not data:
                raise Closed("client closed")
            self.buf += data

    def close(self, reset=False):
        """Close the socket; reset=True aborts it with a TCP RST."""
        try:
            if reset:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     struct.pack("ii", 1, 0))
            else:
                self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass

    # ---- behaviours ----------------------------------------------------

    def endless(self, code):
        """Send "code " and then bytes without newline, bounded, then close."""
        self.send(code.encode() + b" ")
        chunk = b"X" * 16384
        sent = 0
        limit = self.server.endless_limit
        try:
            while sent < limit:
                self.sock.sendall(chunk)
                sent += len(chunk)
                time.sleep(0.005)
        except OSError:
            pass
        raise Closed("endless done (%d bytes)" % sent)

    def do_action(self, stage, command, pipelined, default_lines, extra=None):
        """Carry out the action for stage; return the reply code sent or None."""
        act = self.stages.get(stage)
        if stage == "ehlo_tls" and act is None:
            act = self.stages.get("ehlo")
        if act is None:
            act = Action("default")
        rec = {"stage": stage, "pipelined": pipelined}
        if command is not None:
            rec["command"] = command
        if extra:
            rec.update(extra)
        if self.silenced:
            self.log("command", **rec, reply="silence")
            return None
        if act.delay:
            time.sleep(act.delay)
        kind = act.kind
        lines = None
        if kind == "default":
            lines = default_lines
        elif kind == "reply":
            lines = act.lines
        elif kind == "noehlo":
            lines = [NOEHLO_REPLY]
        if lines is None:
            self.log("command", **rec, reply=kind)
            self.hostile(kind, default_lines)
            return None
        if stage in ("ehlo", "ehlo_tls") and kind == "reply" and not act.raw:
            lines = self.filter_starttls(lines)
        lines = [self.subst(x) for x in lines]
        self.log("command", **rec, reply=lines)
        self.send("".join(x + "\r\n" for x in lines).encode("utf-8"))
        code = lines[-1][:3] if lines else ""
        after = act.after
        if code == "421" and not act.after_explicit:
            after = "close"
        if after != "stay":
            self.hostile(after, default_lines)
        return code

    def hostile(self, kind, default_lines):
        """Carry out a hostile behaviour (may raise Closed)."""
        if kind == "silence":
            self.silenced = True
            return
        if kind == "endless":
            code = (default_lines[-1][:3] if default_lines else "250")
            self.endless(code)
        if kind == "garbage":
            self.send(GARBAGE)
            self.close()
            raise Closed("garbage sent")
        if kind == "close":
            self.close()
            raise Closed("closed by script")
        if kind == "reset":
            self.close(reset=True)
            raise Closed("reset by script")

    def filter_starttls(self, lines):
        """Drop the STARTTLS capability when it must not be offered."""
        if self.offer_starttls():
            return lines
        kept = [x for x in lines if x[4:].strip().upper() != "STARTTLS"]
        if not kept:
            return lines
        return parse_lines(kept, "ehlo") if len(kept) != len(lines) else lines

    def offer_starttls(self):
        """Whether EHLO offers STARTTLS now."""
        if self.tls:
            return False
        adv = self.server.script.advertise
        if adv is not None:
            return adv
        return self.server.tls_ctx is not None

    def default_ehlo(self):
        """Microsoft-like EHLO reply lines."""
        caps = [c for c in EHLO_CAPS
                if c != "STARTTLS" or self.offer_starttls()]
        return parse_lines(["250 {server} Hello [{ip}]"] + caps, "ehlo")

    # ---- the dialogue ------------------------------------------------

    def run(self):
        """Serve the connection until it ends."""
        self.log("connect")
        reason = "?"
        try:
            code = self.do_action("banner", None, False,
                                  [DEFAULTS["banner"]])
            if code and code[0] == "5":
                self.banner_rejected = True
            while True:
                line, pipelined = self.readline()
                self.command(line, pipelined)
        except Closed as e:
            reason = str(e)
        except Exception as e:  # keep serving other connections
            reason = "server error: %r" % (e,)
            print("fake_mx: connection %d: %r" % (self.conn_no, e),
                  file=sys.stderr)
        finally:
            self.close()
            self.log("disconnect", reason=reason)

    def reply_fixed(self, stage, command, pipelined, line, **extra):
        """Send a fixed (non-scripted) reply, e.g. a sequence error."""
        if self.silenced:
            self.log("command", stage=stage, command=command,
                     pipelined=pipelined, reply="silence", **extra)
            return
        line = self.subst(line)
        self.log("command", stage=stage, command=command, pipelined=pipelined,
                 reply=[line], **extra)
        self.send((line + "\r\n").encode("utf-8"))

    def command(self, line, pipelined):
        """Handle one command line."""
        verb = line.split(" ", 1)[0].upper()
        if self.banner_rejected:
            if verb == "QUIT":
                self.reply_fixed("quit", line, pipelined,
                                 "221 2.0.0 Service closing transmission channel")
                self.close()
                raise Closed("quit")
            self.reply_fixed(verb.lower() if verb.lower() in STAGES else "unknown",
                             line, pipelined, "503 5.5.1 Bad sequence of commands",
                             sequence_error=True)
            return
        if verb == "EHLO":
            stage = "ehlo_tls" if self.tls else "ehlo"
            code = self.do_action(stage, line, pipelined, self.default_ehlo())
            self.after_hello(code)
        elif verb == "HELO":
            code = self.do_action("helo", line, pipelined, [DEFAULTS["helo"]])
            self.after_hello(code)
        elif verb == "STARTTLS":
            self.starttls(line, pipelined)
        elif verb == "MAIL":
            self.mail(line, pipelined)
        elif verb == "RCPT":
            self.rcpt(line, pipelined)
        elif verb == "DATA":
            self.data(line, pipelined)
        elif verb == "RSET":
            code = self.do_action("rset", line, pipelined, [DEFAULTS["rset"]])
            if code and code[0] == "2":
                self.mail_ok = False
                self.rcpts = 0
        elif verb == "QUIT":
            self.do_action("quit", line, pipelined, [DEFAULTS["quit"]])
            if not self.silenced:
                self.close()
                raise Closed("quit")
        elif verb == "NOOP":
            self.do_action("noop", line, pipelined, [DEFAULTS["noop"]])
        elif verb == "VRFY":
            self.do_action("vrfy", line, pipelined, [DEFAULTS["vrfy"]])
        else:
            self.do_action("unknown", line, pipelined, [DEFAULTS["unknown"]])

    def after_hello(self, code):
        """Update the state after an EHLO/HELO reply."""
        if code and code[0] == "2":
            self.greeted = True
            self.mail_ok = False
            self.rcpts = 0

    def needs_tls(self, stage, line, pipelined):
        """Answer 530 when the script requires TLS and we are in clear."""
        if self.server.script.require_tls and not self.tls:
            self.reply_fixed(stage, line, pipelined,
                             "530 5.7.0 Must issue a STARTTLS command first",
                             sequence_error=True)
            return True
        return False

    def starttls(self, line, pipelined):
        """STARTTLS: reply, then the TLS handshake on a 220."""
        if self.tls:
            self.reply_fixed("starttls", line, pipelined,
                             "503 5.5.1 TLS already active", sequence_error=True)
            return
        if not self.greeted:
            self.reply_fixed("starttls", line, pipelined,
                             "503 5.5.2 Send hello first", sequence_error=True)
            return
        if self.server.tls_ctx is None:
            # Without a certificate no handshake is possible, whatever the
            # script says (advertise_starttls may still offer it).
            act = self.stages.get("starttls")
            if act is not None and act.kind == "reply" and \
                    act.lines[-1][:3] == "220":
                self.reply_fixed("starttls", line, pipelined, NO_TLS_REPLY)
            else:
                self.do_action("starttls", line, pipelined, [NO_TLS_REPLY])
            return
        code = self.do_action("starttls", line, pipelined,
                              [DEFAULTS["starttls"]])
        if code != "220" or self.silenced:
            return
        if self.buf:
            self.log("tls_error", error="plaintext after STARTTLS discarded",
                     bytes=len(self.buf))
            self.buf.clear()
        try:
            self.sock = self.server.tls_ctx.wrap_socket(self.sock,
                                                        server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.log("tls_error", error=str(e))
            raise Closed("TLS handshake failed: %s" % e) from None
        self.tls = True
        self.greeted = False
        self.mail_ok = False
        self.rcpts = 0
        self.log("tls", version=self.sock.version(),
                 cipher=(self.sock.cipher() or ("?",))[0])

    def mail(self, line, pipelined):
        """MAIL FROM."""
        if not self.greeted:
            self.reply_fixed("mail", line, pipelined,
                             "503 5.5.2 Send hello first", sequence_error=True)
            return
        if self.needs_tls("mail", line, pipelined):
            return
        m = re.search(r"<([^>]*)>", line)
        addr = m.group(1) if m else ""
        self.from_domain = addr.rpartition("@")[2] if "@" in addr else "unknown"
        code = self.do_action("mail", line, pipelined, [DEFAULTS["mail"]])
        if code and code[0] == "2":
            self.mail_ok = True
            self.rcpts = 0

    def rcpt(self, line, pipelined):
        """RCPT TO."""
        if self.needs_tls("rcpt", line, pipelined):
            return
        if not self.mail_ok:
            self.reply_fixed("rcpt", line, pipelined,
                             "503 5.5.1 Need mail command", sequence_error=True)
            return
        code = self.do_action("rcpt", line, pipelined, [DEFAULTS["rcpt"]])
        if code and code[0] == "2":
            self.rcpts += 1

    def data(self, line, pipelined):
        """DATA, the message, and the reply after the final dot."""
        if self.needs_tls("data", line, pipelined):
            return
        if not self.rcpts:
            self.reply_fixed("data", line, pipelined,
                             "503 5.5.1 Need rcpt command", sequence_error=True)
            return
        code = self.do_action("data", line, pipelined, [DEFAULTS["data"]])
        if code != "354":
            return
        size = 0
        kept = []
        kept_len = 0
        while True:
            text, _ = self.readline()
            if text == ".":
                break
            if text.startswith("."):
                text = text[1:]
            size += len(text.encode("utf-8")) + 2
            if kept_len < MAX_MESSAGE_LOG:
                kept.append(text)
                kept_len += len(text) + 1
        self.log("message", size=size, text="\n".join(kept)[:MAX_MESSAGE_LOG])
        self.msg_counter += 1
        code = self.do_action("data_end", ".", len(self.buf) > 0,
                              [DEFAULTS["data_end"]], {"size": size})
        self.mail_ok = False
        self.rcpts = 0


class Server:
    """Listening socket plus shared state."""

    def __init__(self, args):
        """Load the script, build the TLS context, bind the socket."""
        with open(args.script, encoding="utf-8") as f:
            self.script = Script(json.load(f))
        self.logger = JsonlWriter(args.log)
        self.endless_limit = args.endless_limit
        self.idle_timeout = args.idle_timeout
        self.tls_ctx = None
        if args.cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(args.cert, args.key or args.cert)
            self.tls_ctx = ctx
        host, port, family = parse_listen(args.listen)
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(32)
        self.port = self.sock.getsockname()[1]
        self.count = 0

    def serve(self):
        """Accept connections forever, one thread each."""
        while True:
            conn, addr = self.sock.accept()
            conn.settimeout(self.idle_timeout)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.count += 1
            sess = Session(self, conn, addr, self.count)
            threading.Thread(target=sess.run, daemon=True,
                             name="conn-%d" % self.count).start()


def main(argv=None):
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description="scripted fake Microsoft MX")
    ap.add_argument("--listen", required=True, help="HOST:PORT or [V6]:PORT")
    ap.add_argument("--script", required=True, help="JSON script")
    ap.add_argument("--cert", help="PEM certificate for STARTTLS")
    ap.add_argument("--key", help="PEM private key for STARTTLS")
    ap.add_argument("--log", help="append JSON lines here")
    ap.add_argument("--idle-timeout", type=float, default=120.0,
                    help="seconds to wait for a client command (default 120)")
    ap.add_argument("--endless-limit", type=int, default=50 * 1024 * 1024,
                    help="bytes an 'endless' reply sends at most (50 MiB)")
    ap.add_argument("--check", action="store_true",
                    help="only validate the script and exit")
    args = ap.parse_args(argv)
    if args.check:
        try:
            with open(args.script, encoding="utf-8") as f:
                Script(json.load(f))
        except (OSError, ValueError, ScriptError) as e:
            print("fake_mx: %s: %s" % (args.script, e), file=sys.stderr)
            return 2
        return 0
    try:
        server = Server(args)
    except (OSError, ValueError, ScriptError, ssl.SSLError) as e:
        print("fake_mx: %s" % e, file=sys.stderr)
        return 2

    def stop(signum, frame):
        """Leave the accept loop on SIGTERM/SIGINT."""
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY %d" % server.port, flush=True)
    try:
        server.serve()
    except SystemExit:
        pass
    os._exit(0)  # daemon threads may be blocked in sleep/sendall


if __name__ == "__main__":
    sys.exit(main())
