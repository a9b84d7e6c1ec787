"""jmrp_messages.py: Microsoft JMRP complaint messages for the check_jmrp tests,
made at test time (nothing is committed), and writers for Maildir and mbox.

Shapes follow docs/snds-facts.md section 8 (in /work/shared/docs):

* arf_report(): RFC 5965 multipart/report; report-type=feedback-report with a
  text/plain part, a message/feedback-report part (Feedback-Type, User-Agent,
  Version, Source-IP, Arrival-Date, Original-Mail-From, Original-Rcpt-To,
  Reported-Domain) and the original as message/rfc822 or, with
  headers_only=True, text/rfc822-headers.  Variants: redacted=True (no
  Original-Rcpt-To, Redacted-Address and a redacted To: in the original),
  source_ip=None (no Source-IP; give x_sender_ip to put X-Sender-IP into the
  original instead), IPv6 Source-IP (just pass one);
* legacy_report(): the Hotmail format until mid-2026: From staff@hotmail.com,
  Subject "complaint about message from <IPv4>", multipart/mixed with the
  original as message/rfc822 carrying X-HmXmrOriginalRecipient, X-Sender-IP
  and X-SID-PRA;
* non_complaint(): mail that lands in a JMRP mailbox but is no complaint
  (the JMRP welcome mail, a delivery status notification, a plain note);
* broken_message(): damaged complaints (missing MIME boundary, truncated
  report, no Feedback-Type, an invalid IP in a legacy subject, binary junk).

Every complainant address (Original-Rcpt-To, X-HmXmrOriginalRecipient, the
original's To:) contains RCPT_MARK, so a test can assert that no recipient
ever reaches the plugin's output.  Addresses and domains are from the
documentation ranges (RFC 5737 / RFC 3849 IPs, example.com/.net/.org and the
.example TLD).

Writers: Maildir (new/ and cur/, unique names, mtime = arrival via
os.utime), write_mbox() (mboxrd: "From " lines with asctime dates in UTC,
">From " escaping of body lines) and write_big_maildir() (100,000 files from
one byte template, fast, with its expected totals).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import email.utils
import itertools
import os
import time
from collections import namedtuple
from datetime import datetime, timezone

RCPT_MARK = "complainant"            # in every recipient address, never in output
FBL_ADDRESS = "jmrp-feedback@example.com"   # our own feedback-loop mailbox
HOTMAIL = "staff@hotmail.com"
ARF_USER_AGENT = "Microsoft JMRP/2.0"

_counter = itertools.count(1)
_HOST = "testhost"


def _epoch(when):
    """Seconds since the epoch for when (datetime, number or None = now)."""
    if when is None:
        return time.time()
    if isinstance(when, datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return when.timestamp()
    return float(when)


def rfc5322_date(when=None):
    """An RFC 5322 date for when (UTC)."""
    return email.utils.format_datetime(
        datetime.fromtimestamp(_epoch(when), timezone.utc))


def recipient(n=None):
    """A fresh complainant address (contains RCPT_MARK)."""
    return "%s.%d@outlook.example" % (RCPT_MARK, n if n is not None else next(_counter))


def message_id(domain="example.com", tag="orig"):
    """A unique Message-ID (with angle brackets)."""
    return "<%s.%d.%d@%s>" % (tag, int(time.time()), next(_counter), domain)


def _domain_of(addr):
    """The domain of an address (without brackets)."""
    return addr.strip("<>").rsplit("@", 1)[-1].lower()


def _join(lines, crlf):
    """Lines joined with LF or CRLF, with a final line end, as bytes."""
    eol = "\r\n" if crlf else "\n"
    return (eol.join(lines) + eol).encode("utf-8")


def original_headers(sender, rcpt, subject, msgid, ip, date, x_sender_ip=None,
                     legacy=False, redacted=False):
    """Header lines of the complained-about message as Microsoft attaches it."""
    hdrs = []
    if legacy:
        hdrs += ["X-HmXmrOriginalRecipient: <%s>" % rcpt,
                 "X-Reported-Via: Junk Mail Reporting Program"]
    if x_sender_ip:
        hdrs.append("X-Sender-IP: %s" % x_sender_ip)
    if legacy:
        hdrs.append("X-SID-PRA: %s" % sender)
        hdrs.append("X-SID-Result: PASS")
    hdrs += [
        "Received: from mail.%s (%s) by MW2NAM12FT012.mail.protection.outlook.example"
        % (_domain_of(sender), "[%s]" % ip if ip else "unknown"),
        "\twith Microsoft SMTP Server id 15.20.7000.1; %s" % date,
        "Authentication-Results: spf=pass (sender IP is %s) smtp.mailfrom=%s;"
        % (ip or "unknown", _domain_of(sender)),
        "\tdkim=pass (signature was verified) header.d=%s;" % _domain_of(sender),
        "Return-Path: <%s>" % sender,
        "From: \"Example Newsletter\" <%s>" % sender,
        "To: %s" % ("[redacted]" if redacted else "<%s>" % rcpt),
        "Subject: %s" % subject,
        "Date: %s" % date,
        "Message-ID: %s" % msgid,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=\"utf-8\"",
        "Content-Transfer-Encoding: 7bit",
    ]
    return hdrs


def _original_body():
    """Body lines of the original message (with a line that needs mbox escaping)."""
    return ["Hello,", "",
            "our spring offers are here. This line is long enough to look like",
            "a real newsletter paragraph and ends without anything special.",
            "",
            "From the team at Example: thanks for reading.",
            "",
            "To unsubscribe visit https://www.example.com/unsubscribe",
            ""]


Complaint = namedtuple("Complaint", "data ip sender domain subject message_id rcpt")


def arf_report(source_ip="192.0.2.10", sender="news@example.com", reported_domain=None,
               rcpt=None, subject="Spring offers", msgid=None, date=None,
               headers_only=False, redacted=False, x_sender_ip=None,
               feedback_type="abuse", report_from=HOTMAIL, crlf=False,
               with_reported_domain=True, report_msgid=None, source_ip_lines=None,
               original_ip=None, fb_extra=(), auth_results=None):
    """An RFC 5965 ARF complaint as bytes.

    source_ip=None leaves Source-IP out (x_sender_ip then puts the IP into the
    original's X-Sender-IP header); reported_domain defaults to the sender's
    domain; date (the report's and the original's Date) defaults to now;
    msgid is the original's Message-ID, report_msgid the report's own.
    source_ip_lines replaces the Source-IP field by these lines (comments,
    folding); original_ip is the address in the original's Received hop
    (default: the Source-IP); fb_extra are more feedback-report fields.
    """
    rcpt = rcpt or recipient()
    msgid = msgid or message_id(_domain_of(sender))
    date_s = rfc5322_date(date)
    domain = reported_domain or _domain_of(sender)
    boundary = "----=_Part_%d_%d" % (next(_counter), 1234567)
    ip_text = source_ip or x_sender_ip or "an unknown address"
    out = [
        "Return-Path: <>",
        "Received: from BN7NAM10HT123.mail.protection.outlook.example (2001:db8:f00::12)",
        "\tby mx.example.com with ESMTPS; %s" % date_s,
        "From: Outlook.com JMRP <%s>" % report_from,
        "To: <%s>" % FBL_ADDRESS,
        "Subject: Email abuse report",
        "Date: %s" % date_s,
        "Message-ID: %s" % (report_msgid or message_id("hotmail.com", "report")),
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=feedback-report;",
        "\tboundary=\"%s\"" % boundary,
        "",
        "This is a multi-part message in MIME format.",
        "",
        "--" + boundary,
        "Content-Type: text/plain; charset=\"us-ascii\"",
        "Content-Transfer-Encoding: 7bit",
        "",
        "This is an email abuse report for an email message received from IP",
        "%s on %s." % (ip_text, date_s),
        "For more information about this format please see",
        "https://www.rfc-editor.org/rfc/rfc5965.",
        "",
        "--" + boundary,
        "Content-Type: message/feedback-report",
        "",
        "Feedback-Type: %s" % feedback_type,
        "User-Agent: %s" % ARF_USER_AGENT,
        "Version: 1",
    ]
    if sender:
        out.append("Original-Mail-From: <%s>" % sender)
    if redacted:
        out.append("Redacted-Address: redacted@")
    else:
        out.append("Original-Rcpt-To: <%s>" % rcpt)
    out.append("Arrival-Date: %s" % date_s)
    if source_ip_lines:
        out += list(source_ip_lines)
    elif source_ip:
        out.append("Source-IP: %s" % source_ip)
    out += list(fb_extra)
    if with_reported_domain:
        out.append("Reported-Domain: %s" % domain)
    out += ["Authentication-Results: %s" % (auth_results or "outlook.example; spf=pass smtp.mailfrom=%s"
                                             % _domain_of(sender)), "", "--" + boundary]
    orig = original_headers(sender, rcpt, subject, msgid, original_ip or source_ip or x_sender_ip,
                            date_s, x_sender_ip=x_sender_ip, redacted=redacted)
    if headers_only:
        out += ["Content-Type: text/rfc822-headers", "Content-Disposition: inline", ""]
        out += orig
    else:
        out += ["Content-Type: message/rfc822", "Content-Disposition: inline", ""]
        out += orig + [""] + _original_body()
    out += ["", "--" + boundary + "--", ""]
    return _join(out, crlf)


def auth_failure_report(ip="192.0.2.10", failure="dmarc", sender="news@example.com", **kw):
    """An RFC 6591 authentication failure report (a DMARC, DKIM or SPF
    failure report): Feedback-Type auth-failure with its Auth-Failure field;
    the original's headers only, as DMARC reporters send them."""
    extra = ["Auth-Failure: %s" % failure, "Delivery-Result: reject"]
    if failure == "dkim":
        extra += ["DKIM-Domain: %s" % _domain_of(sender), "DKIM-Selector: s2026"]
    results = {"dmarc": "receiver.example; dmarc=fail (p=reject) header.from=%s",
               "dkim": "receiver.example; dkim=fail header.d=%s",
               "spf": "receiver.example; spf=fail smtp.mailfrom=%s"}[failure] % _domain_of(sender)
    return arf_report(ip, sender=sender, feedback_type="auth-failure", headers_only=True,
                      report_from="dmarc-reports@receiver.example", fb_extra=extra,
                      auth_results=results, **kw)


def cut_report(ip="192.0.2.10", where="original", **kw):
    """An ARF complaint cut off by its sender: where="original" cuts inside
    the attached original (the feedback part is complete), where="feedback"
    inside the feedback part. No closing boundary either way."""
    data = arf_report(ip, **kw).decode("utf-8")
    if where == "original":
        at = data.index("our spring offers") + 10
    elif where == "feedback":
        at = data.index("Arrival-Date:")
    else:
        raise ValueError("unknown cut %r" % where)
    return (data[:at] + "\n").encode("utf-8")


def legacy_report(ip="192.0.2.10", sender="news@example.com", rcpt=None,
                  subject="Spring offers", msgid=None, date=None, crlf=False,
                  x_sender_ip="same", report_msgid=None):
    """A legacy Hotmail JMRP complaint as bytes (x_sender_ip defaults to ip;
    msgid is the original's Message-ID, report_msgid the report's own)."""
    rcpt = rcpt or recipient()
    msgid = msgid or message_id(_domain_of(sender))
    date_s = rfc5322_date(date)
    if x_sender_ip == "same":
        x_sender_ip = ip
    boundary = "----=_NextPart_%03d_%04X" % (next(_counter) % 1000, 0x1F2E)
    out = [
        "Return-Path: <staff@hotmail.com>",
        "Received: from BAY0-XMR-100.phx.gbl.example ([2001:db8:f00::65])",
        "\tby mx.example.com with ESMTP; %s" % date_s,
        "X-HmXmrOriginalRecipient: <%s>" % FBL_ADDRESS,
        "From: <%s>" % HOTMAIL,
        "To: <%s>" % FBL_ADDRESS,
        "Subject: complaint about message from %s" % ip,
        "Date: %s" % date_s,
        "Message-ID: %s" % (report_msgid or message_id("phx.gbl.example", "report")),
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed;",
        "\tboundary=\"%s\"" % boundary,
        "",
        "This is a multi-part message in MIME format.",
        "",
        "--" + boundary,
        "Content-Type: text/plain; charset=\"iso-8859-1\"",
        "Content-Transfer-Encoding: 7bit",
        "",
        "",
        "--" + boundary,
        "Content-Type: message/rfc822",
        "Content-Disposition: inline",
        "",
    ]
    out += original_headers(sender, rcpt, subject, msgid, ip, date_s,
                            x_sender_ip=x_sender_ip, legacy=True)
    out += [""] + _original_body() + ["", "--" + boundary + "--", ""]
    return _join(out, crlf)


def non_complaint(kind="welcome", date=None, crlf=False, report_msgid=None):
    """A message that is no complaint: kind welcome, dsn or plain."""
    date_s = rfc5322_date(date)
    if kind == "welcome":
        return _join([
            "From: Junk Mail Reporting Program <%s>" % HOTMAIL,
            "To: <%s>" % FBL_ADDRESS,
            "Subject: Welcome to the Junk Mail Reporting Program",
            "Date: %s" % date_s,
            "Message-ID: %s" % (report_msgid or message_id("hotmail.com", "welcome")),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=\"us-ascii\"",
            "",
            "Thank you for enrolling in JMRP. Complaints about mail from your",
            "registered IP addresses will be sent to this mailbox.",
        ], crlf)
    if kind == "dsn":
        b = "dsn-%d" % next(_counter)
        return _join([
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>",
            "To: <%s>" % FBL_ADDRESS,
            "Subject: Undelivered Mail Returned to Sender",
            "Date: %s" % date_s,
            "Message-ID: %s" % message_id("mx.example.com", "dsn"),
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status;",
            "\tboundary=\"%s\"" % b,
            "",
            "--" + b,
            "Content-Type: text/plain",
            "",
            "Your message could not be delivered.",
            "",
            "--" + b,
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mx.example.com",
            "",
            "Final-Recipient: rfc822; nobody@example.org",
            "Action: failed",
            "Status: 5.1.1",
            "",
            "--" + b + "--",
        ], crlf)
    return _join([
        "From: Colleague <colleague@example.net>",
        "To: <%s>" % FBL_ADDRESS,
        "Subject: lunch?",
        "Date: %s" % date_s,
        "Message-ID: %s" % message_id("example.net", "plain"),
        "",
        "Shall we meet at noon?",
    ], crlf)


def broken_message(kind="no-boundary", ip="192.0.2.66", date=None):
    """A damaged complaint: no-boundary, truncated, no-feedback-type, bad-ip or junk."""
    if kind == "junk":
        return bytes(range(256)) * 4 + b"\n\x00\x00not a message\n"
    if kind == "bad-ip":
        data = legacy_report(ip="999.0.2.300", date=date, x_sender_ip=None)
        return data
    data = arf_report(source_ip=ip, date=date).decode("utf-8")
    if kind == "no-boundary":
        # the Content-Type names a boundary that never occurs in the body
        start = data.index("boundary=\"") + len("boundary=\"")
        end = data.index("\"", start)
        return (data[:start] + "nowhere-to-be-found" + data[end:]).encode("utf-8")
    if kind == "truncated":
        # cut before the feedback-report part: only the text part remains
        return data[:data.index("Content-Type: message/feedback-report")].encode("utf-8")
    if kind == "no-feedback-type":
        lines = [ln for ln in data.split("\n") if not ln.startswith(
            ("Feedback-Type:", "Source-IP:", "User-Agent:", "Version:"))]
        return "\n".join(lines).encode("utf-8")
    raise ValueError("unknown broken kind %r" % kind)


# --------------------------------------------------------------------------
# Maildir
# --------------------------------------------------------------------------

class Maildir:
    """A Maildir (new/, cur/, tmp/) that messages are written into directly."""

    def __init__(self, path):
        """Create path with new/, cur/ and tmp/ (existing ones are kept)."""
        self.path = os.path.abspath(path)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(self.path, sub), exist_ok=True)

    def unique_name(self, arrival):
        """A Maildir file name unique in this process: TIME.MusecPpidQn.host."""
        t = _epoch(arrival)
        return "%d.M%06dP%dQ%d.%s" % (int(t), int((t % 1) * 1e6), os.getpid(),
                                       next(_counter), _HOST)

    def add(self, data, arrival=None, folder="new", flags="", name=None):
        """Write data as one message with mtime = arrival; return its path.

        folder is "new" or "cur"; flags (e.g. "S" for seen) give cur/ files the
        ":2,FLAGS" suffix (cur/ files always get ":2," as delivery agents do).
        """
        t = _epoch(arrival)
        base = name or self.unique_name(t)
        if folder == "cur" and ":2," not in base:
            base += ":2," + "".join(sorted(flags))
        path = os.path.join(self.path, folder, base)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.utime(path, (t, t))
        return path

    def files(self):
        """Relative paths of every file below new/ and cur/, sorted."""
        out = []
        for sub in ("new", "cur"):
            for n in os.listdir(os.path.join(self.path, sub)):
                out.append(os.path.join(sub, n))
        return sorted(out)


def snapshot_tree(path):
    """{relative path: (mode, size, mtime_ns, bytes)} of every entry below path
    (symlinks by their target text), to prove a run changed nothing."""
    out = {}
    for root, dirs, files in os.walk(path):
        for n in dirs + files:
            full = os.path.join(root, n)
            rel = os.path.relpath(full, path)
            st = os.lstat(full)
            if os.path.islink(full):
                out[rel] = ("link", os.readlink(full))
            elif n in files:
                with open(full, "rb") as f:
                    out[rel] = (st.st_mode, st.st_size, st.st_mtime_ns, f.read())
            else:
                out[rel] = (st.st_mode, "dir")
    return out


# --------------------------------------------------------------------------
# mbox
# --------------------------------------------------------------------------

def asctime_utc(when):
    """An asctime date ("Sat Nov 28 10:00:00 2026") for when, in UTC."""
    return time.asctime(time.gmtime(_epoch(when)))


def mbox_escape(data):
    """mboxrd escaping: a '>' before every body line matching ^>*From ."""
    out = []
    for line in data.split(b"\n"):
        stripped = line.lstrip(b">")
        if stripped.startswith(b"From "):
            line = b">" + line
        out.append(line)
    return b"\n".join(out)


def write_mbox(path, messages):
    """Write an mbox: messages is a list of (data, arrival[, envelope sender]).

    Each message gets a "From SENDER DATE" line (asctime, UTC), CRLF is turned
    into LF, body lines starting with "From " are escaped and every message
    ends with an empty line.  The file's mtime is left as it is.
    """
    with open(path, "wb") as f:
        for item in messages:
            data, arrival = item[0], item[1]
            sender = item[2] if len(item) > 2 else "staff@hotmail.com"
            data = data.replace(b"\r\n", b"\n")
            if not data.endswith(b"\n"):
                data += b"\n"
            f.write(("From %s %s\n" % (sender, asctime_utc(arrival))).encode("ascii"))
            f.write(mbox_escape(data[:-1]) + b"\n\n")
    return path


# --------------------------------------------------------------------------
# a 100,000-message Maildir
# --------------------------------------------------------------------------

BigExpect = namedtuple("BigExpect", "total complaints old unparsed ips top_ip top_count "
                                    "senders")

BIG_PREFIXES = ("192.0.2.", "198.51.100.", "203.0.113.")


def _big_ip(i):
    """The source IP of message i of the big Maildir: 600 addresses in turn."""
    return "%s%d" % (BIG_PREFIXES[i % 3], (i // 3) % 200 + 1)


def write_big_maildir(path, n=100000, now=None, old_every=50, unparsed_every=1000,
                      top_ip="203.0.113.250", top_extra=400):
    """Fill path with n messages fast (one byte template, os.write per file).

    Message i is: unparsed (a welcome mail) when i % unparsed_every == 7; old
    (mtime three days before now) when i % old_every == 3; otherwise an ARF
    complaint of about 2.5 kB from _big_ip(i), or from top_ip for the first
    top_extra complaint slots.  Half go to new/, half to cur/ (seen).  Returns
    a BigExpect with the totals for a 24h window.
    """
    now = time.time() if now is None else now
    md = Maildir(path)
    tmpl = arf_report(source_ip="@@IP@@", sender="news@mail.example.com",
                      reported_domain="example.com", rcpt="%s.@@N@@@outlook.example" % RCPT_MARK,
                      msgid="<big.@@N@@@example.com>", date=now - 3600)
    # pad the original with a realistic block of DKIM-like header text
    pad = b"X-Padding: " + b"abcdefghij" * 90 + b"\n"
    tmpl = tmpl.replace(b"MIME-Version: 1.0\nContent-Type: text/plain",
                        pad + b"MIME-Version: 1.0\nContent-Type: text/plain", 1)
    welcome = non_complaint("welcome", date=now - 3600)
    old_t = now - 3 * 86400
    new_dir = os.path.join(md.path, "new")
    cur_dir = os.path.join(md.path, "cur")
    counts = {}
    complaints = old = unparsed = 0
    extra_left = top_extra
    pid = os.getpid()
    base_t = int(now) - 7200
    for i in range(n):
        is_old = i % old_every == 3
        if i % unparsed_every == 7:
            data = welcome
            unparsed += 0 if is_old else 1
        else:
            if extra_left > 0 and not is_old:
                ip = top_ip
                extra_left -= 1
            else:
                ip = _big_ip(i)
            data = tmpl.replace(b"@@IP@@", ip.encode()).replace(b"@@N@@", str(i).encode())
            if is_old:
                old += 1
            else:
                complaints += 1
                counts[ip] = counts.get(ip, 0) + 1
        if i % 2:
            p = os.path.join(cur_dir, "%d.M%dP%dQ%d.big:2,S" % (base_t, i, pid, i))
        else:
            p = os.path.join(new_dir, "%d.M%dP%dQ%d.big" % (base_t, i, pid, i))
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.close(fd)
        if is_old:
            os.utime(p, (old_t, old_t))
    top = max(counts.items(), key=lambda kv: kv[1])
    return BigExpect(n, complaints, old, unparsed, len(counts), top[0], top[1],
                     {"example.com": complaints})


if __name__ == "__main__":
    import sys
    sys.stdout.buffer.write(arf_report())
    sys.stdout.buffer.write(b"\n=====\n")
    sys.stdout.buffer.write(legacy_report())
