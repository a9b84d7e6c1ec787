"""snds_data.py: realistic Microsoft SNDS feed bodies for the check_snds tests.

Shapes follow docs/snds-facts.md (the dev docs in /work/shared/docs):

* legacy data.aspx: 14 fields, no header, no quoting, CRLF (legacy_data_csv; SNDSLIB_SAMPLE_ROW is
  the sample row of undersfx/sndslib's tests);
* 2026 data CSV with a header line, 11 columns, one date per period, "<0.1%" (header_data_csv);
* 2026 data JSON: an array of camelCase objects (json_data);
* legacy ipStatus.aspx: first_ip,last_ip,blocked,reason with "Yes" (or "True" in the 2026 CSV),
  inclusive ranges that may cross octet boundaries (legacy_status_csv); JSON status with
  "blocked": "true" (json_status);
* a 100,000-row feed in CSV and JSON with its expected totals (big_data_csv, big_data_json);
* HTML pages a broken link answers with: the IIS "Object moved" page (OBJECT_MOVED_HTML) and a
  Microsoft sign-in page (SIGNIN_HTML, SIGNIN_LIVE_HTML); and the empty body (EMPTY).

Everything is text (str); the server encodes it as UTF-8.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import json
from collections import namedtuple

EMPTY = ""

BLOCK_REASON = "Blocked due to user complaints or other evidence of spamming"
HARVEST_REASON = "E-mail address harvesting"

SNDSLIB_SAMPLE_ROW = ("1.1.1.1,12/31/2019 9:00 PM,9/29/2020 9:00 PM,47386,47386,47384,YELLOW,< 0.1%,"
                      "9/28/2020 9:08 PM,9/29/2020 8:09 PM,40,,,")

HEADER_COLUMNS = ["Ip Address", "Activity period", "RCPT commands", "DATA commands",
                  "Message recipients", "Filter result", "Complaint rate", "Trap message period",
                  "Trap hits", "JMR P1 Sender", "Comments"]

# One data row.  rcpt/data/recipients/trap_hits are ints or None (not reported: an empty field
# in CSV, a missing key in JSON); complaint is the feed's text ("< 0.1%", "0.5%") or None.
DataRow = namedtuple("DataRow", "ip start end rcpt data recipients filter complaint "
                                "trap_start trap_end trap_hits helo jmr comments")

# One status row: an inclusive range.
StatusRow = namedtuple("StatusRow", "first last blocked reason")


def row(ip, filter="GREEN", complaint="< 0.1%", rcpt=1000, data=None, recipients=None,
        trap_hits=None, trap_start=None, trap_end=None, start="11/26/2026 12:00 AM",
        end="11/27/2026 12:00 AM", helo="mail.example.test", jmr="", comments=""):
    """A DataRow with plausible defaults (data = rcpt - 2, recipients = data - 1; trap period set
    when trap_hits is given)."""
    if data is None and rcpt is not None:
        data = max(0, rcpt - 2)
    if recipients is None and data is not None:
        recipients = max(0, data - 1)
    if trap_hits is not None:
        trap_start = trap_start if trap_start is not None else "11/26/2026 3:08 AM"
        trap_end = trap_end if trap_end is not None else "11/26/2026 9:41 PM"
    return DataRow(ip, start, end, rcpt, data, recipients, filter, complaint,
                   trap_start or "", trap_end or "", trap_hits, helo, jmr, comments)


def status(first, last=None, reason=BLOCK_REASON, blocked="Yes"):
    """A StatusRow (last defaults to first)."""
    return StatusRow(first, last or first, blocked, reason)


def _num(value):
    """Text of an optional integer field."""
    return "" if value is None else str(value)


def legacy_data_line(r):
    """One legacy data.aspx line (14 fields, no CRLF)."""
    return ",".join([r.ip, r.start, r.end, _num(r.rcpt), _num(r.data), _num(r.recipients),
                     r.filter, r.complaint or "", r.trap_start, r.trap_end, _num(r.trap_hits),
                     r.helo, r.jmr, r.comments])


def legacy_data_csv(rows, eol="\r\n"):
    """A legacy data.aspx body: one line per row, CRLF after each, no header."""
    return "".join(legacy_data_line(r) + eol for r in rows)


def _compact_rate(text):
    """The 2026 spelling of a rate ("<0.1%" without the space)."""
    return None if text is None else text.replace("< ", "<")


def header_data_csv(rows, eol="\n"):
    """A 2026-style data CSV: header line, 11 columns, one date per period, "<0.1%"."""
    lines = [",".join(HEADER_COLUMNS)]
    for r in rows:
        lines.append(",".join([r.ip, r.start, _num(r.rcpt), _num(r.data), _num(r.recipients),
                               r.filter, _compact_rate(r.complaint) or "", r.trap_start,
                               _num(r.trap_hits), r.jmr, r.comments]))
    return eol.join(lines) + eol


def compact_data_csv(rows, eol="\r\n"):
    """Headerless data rows with one date per period: the 11 columns of header_data_csv, no header."""
    return header_data_csv(rows, eol).split(eol, 1)[1]


def json_data_objects(rows):
    """The rows as a list of camelCase dicts (unreported fields left out)."""
    out = []
    for r in rows:
        o = {"ipAddress": r.ip, "activityPeriod": r.start}
        for name, value in (("rcptCommands", r.rcpt), ("dataCommands", r.data),
                            ("messageRecipients", r.recipients)):
            if value is not None:
                o[name] = value
        o["filterResult"] = r.filter
        if r.complaint is not None:
            o["complaintRate"] = _compact_rate(r.complaint)
        if r.trap_hits is not None:
            o["trapMessagePeriod"] = r.trap_start
            o["trapHits"] = r.trap_hits
        o["jmrP1Sender"] = r.jmr
        o["comments"] = r.comments
        out.append(o)
    return out


def json_data(rows, compact=False):
    """A 2026-style JSON data body: an array of camelCase objects."""
    if compact:
        return json.dumps(json_data_objects(rows), separators=(",", ":"))
    return json.dumps(json_data_objects(rows), indent=2)


def legacy_status_csv(rows, eol="\r\n"):
    """A legacy ipStatus.aspx body: first_ip,last_ip,blocked,reason lines."""
    return "".join("%s,%s,%s,%s%s" % (s.first, s.last, s.blocked, s.reason, eol) for s in rows)


def json_status(rows):
    """A 2026-style JSON status body ("blocked" as the string "true")."""
    return json.dumps([{"beginningIpAddress": s.first, "endingIpAddress": s.last,
                        "blocked": "true" if s.blocked in ("Yes", "True", "true") else s.blocked,
                        "reason": s.reason} for s in rows], indent=2)


# --------------------------------------------------------------------------
# the big feed
# --------------------------------------------------------------------------

BIG_ROWS = 100000


def big_rows(n=BIG_ROWS):
    """n rows for distinct IPs 10.0.0.1 upwards; (list of DataRow, totals dict).

    Every 1000th row is RED and every 100th (otherwise) YELLOW; every 10th row reports trap hits
    (1..7), the others leave them empty; the complaint rate is "< 0.1%" except every 250th row
    (0.2%) and one row with 0.27%."""
    rows = []
    totals = {"ips": n, "green": 0, "yellow": 0, "red": 0, "rcpt": 0, "data": 0,
              "recipients": 0, "trap_hits": 0, "complaint_rate": 0.27}
    for i in range(n):
        v = i + 1
        ip = "10.%d.%d.%d" % ((v >> 16) & 255, (v >> 8) & 255, v & 255)
        if i % 1000 == 999:
            colour = "RED"
        elif i % 100 == 99:
            colour = "YELLOW"
        else:
            colour = "GREEN"
        totals[colour.lower()] += 1
        rcpt = 100 + i % 977
        data = rcpt - i % 3
        recipients = data - i % 2
        traps = (i % 7) + 1 if i % 10 == 0 else None
        if i == 4321:
            complaint = "0.27%"
        elif i % 250 == 0:
            complaint = "0.2%"
        else:
            complaint = "< 0.1%"
        rows.append(row(ip, filter=colour, complaint=complaint, rcpt=rcpt, data=data,
                        recipients=recipients, trap_hits=traps, helo="mta%d.example.test" % (i % 50)))
        totals["rcpt"] += rcpt
        totals["data"] += data
        totals["recipients"] += recipients
        totals["trap_hits"] += traps or 0
    return rows, totals


def big_data_csv(n=BIG_ROWS):
    """(legacy CSV body of big_rows(n), totals)."""
    rows, totals = big_rows(n)
    return legacy_data_csv(rows), totals


def big_data_json(n=BIG_ROWS):
    """(compact JSON body of big_rows(n), totals)."""
    rows, totals = big_rows(n)
    return json_data(rows, compact=True), totals


# --------------------------------------------------------------------------
# HTML pages a broken link answers with
# --------------------------------------------------------------------------

OBJECT_MOVED_HTML = (
    "<html><head><title>Object moved</title></head><body>\r\n"
    "<h2>Object moved to <a href=\"https://sendersupport.olc.protection.outlook.com/snds/"
    "data.aspx\">here</a>.</h2>\r\n</body></html>\r\n")

SIGNIN_HTML = """<!-- Copyright (C) Microsoft Corporation. All rights reserved. -->
<!DOCTYPE html>
<html dir="ltr" class="" lang="en">
<head>
    <title>Sign in to your account</title>
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
    <meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=2.0, user-scalable=yes">
    <meta name="robots" content="none">
    <link rel="prefetch" href="https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize">
    <script type="text/javascript">//<![CDATA[
$Config={"urlLogin":"https://login.microsoftonline.com/consumers/login","sCanaryTokenName":"canary"};
//]]></script>
</head>
<body data-bind="defineGlobals: ServerData">
    <div id="lightbox"><div role="main">
        <div id="loginHeader" class="row title ext-title" role="heading">Sign in</div>
        <form name="f1" method="post" action="https://login.microsoftonline.com/common/login">
            <input type="email" name="loginfmt" placeholder="Email, phone, or Skype">
            <input type="submit" value="Next">
        </form>
    </div></div>
</body>
</html>
"""

SIGNIN_LIVE_HTML = """<!DOCTYPE html>
<html><head><title>Sign in to your Microsoft account</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body><form method="post" action="https://login.live.com/ppsecure/post.srf">
<div role="heading">Sign in</div><input type="email" name="loginfmt">
</form></body></html>
"""


if __name__ == "__main__":
    import sys
    what = sys.argv[1] if len(sys.argv) > 1 else "sample"
    if what == "big-csv":
        sys.stdout.write(big_data_csv()[0])
    elif what == "big-json":
        sys.stdout.write(big_data_json()[0])
    else:
        sys.stdout.write(legacy_data_csv([row("192.0.2.10"), row("192.0.2.11", filter="RED")]))
        sys.stdout.write(legacy_status_csv([status("1.1.255.250", "1.2.0.5")]))
