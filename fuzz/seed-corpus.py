#!/usr/bin/python3
"""seed-corpus.py: (re)writes the seed corpora under fuzz/corpus/<target>/ from the project's test fixtures
(tests/unit/jmrp-fixtures, tests/servers/scripts, tests/servers/snds_data.py, data/*.ini) and a few hand-made
inputs in each target's input layout (see the header comment of fuzz/<target>.c). Files found by fuzzing
(regressions) live in the same directories under names starting with "crash-" or "finding-" and are kept."""
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import hashlib
import json
import os
import sys

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SRC, "tests", "servers"))
import snds_data  # noqa: E402

CORPUS = os.path.join(SRC, "fuzz", "corpus")


def put(target, data):
    """Write one seed (named by its hash) into the corpus of target."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def read(path):
    """Bytes of a file under SRC."""
    with open(os.path.join(SRC, path), "rb") as f:
        return f.read()


def clean():
    """Remove the old seeds (never the regression inputs, never the DNS targets' seeds of seeds-dns.py)."""
    for p in glob.glob(os.path.join(CORPUS, "*", "seed-*")):
        if os.path.basename(os.path.dirname(p)) not in ("fuzz_dns_reply", "fuzz_mx"):
            os.unlink(p)


def smtp_replies():
    """Every scripted reply of the fake MX, as CRLF text per stage."""
    out = []
    for p in sorted(glob.glob(os.path.join(SRC, "tests/servers/scripts/*.json"))):
        with open(p) as f:
            script = json.load(f)
        for key, val in script.items():
            if key in ("description", "facts"):
                continue
            if isinstance(val, str):
                val = [val]
            lines = [v for v in val if isinstance(v, str)] if isinstance(val, list) else []
            if lines:
                text = "".join(l.replace("{ip}", "192.0.2.1").replace("{host}", "AM0EUR02FT001.eop.test") + "\r\n"
                               for l in lines)
                out.append((key, text))
    return out


def main():
    clean()
    for r in ["10", "10:", "~:10", "10:20", "@10:20", "-5:-1", "1e3", "0.5:1.5", "@~:0", "20:10", "1:1"]:
        put("fuzz_range", r)
    for a in ["192.0.2.1", "192.0.2.0/24", "2001:db8::1", "2001:db8::/32", "::ffff:192.0.2.1", "0.0.0.0/0",
              "::/0", "mail.example.com", "mail.example.com.", "EXAMPLE.org", "10.0.0.1/33"]:
        put("fuzz_addr", a)
    for ini in ["data/dnsbl-zones.ini", "data/ms-smtp-rules.ini"]:
        put("fuzz_ini", b"\x00" + read(ini))
        put("fuzz_ini", b"\x07" + read(ini))
    put("fuzz_ini", "\x05[check_dnsbl]\n  warning = 1 ; comment\nkey: value\n\xef\xbb\xbf")
    put("fuzz_ini", "\x08\xef\xbb\xbf[s]\r\nk=v\r\n;c\r\n#c\r\n[t]\r\n")
    put("fuzz_extra_opts", "check_fuzz\x00[check_fuzz]\nwarning=10\ncritical=20\nH=192.0.2.1\nverbose\n")
    put("fuzz_extra_opts", "\x00[check_fuzz]\n  timeout = 30\n[other]\nx=y\n")
    put("fuzz_extra_opts", "dnsbl\x00[dnsbl]\n[dnsbl]\nz=zen.spamhaus.org\n")
    put("fuzz_smtp_rules", read("data/ms-smtp-rules.ini"))
    put("fuzz_smtp_rules", "[rule x]\nstate = throttle\nstages = mail, rcpt\nmatch = S3140\nkind = block\n"
        "description = d\ndelist = https://sender.office.com\n")
    put("fuzz_dnsbl_catalogue", read("data/dnsbl-zones.ini"))
    put("fuzz_dnsbl_catalogue", "[zen.spamhaus.org]\ntype = ip\nipv6 = yes\nlisting = 127.0.0.[2..11]\n"
        "codes.127.0.0.2 = SBL\nseverity = warning\nspamhaus = zen\n")
    for stage, text in smtp_replies():
        put("fuzz_smtp_reply", b"\x07" + text.encode())
        put("fuzz_smtp_reply", b"\xff" + text.encode())
        put("fuzz_smtp_judge", bytes([5 + (len(text) % 6)]) + text.encode())
    for i, (stage, text) in enumerate(smtp_replies()[:40]):
        ok = "250 2.1.0 Sender OK\r\n"
        put("fuzz_smtp_session", bytes([i % 8]) + b"i220 mx.test ESMTP ready\r\n\x01oEHLO probe.example\r\n\x01"
            b"i250-mx.test\r\n250-SIZE 1000\r\n250 STARTTLS\r\n\x00" + text.encode() + b"\x01" + ok.encode()
            + b"\x01354 go\r\n\x01250 queued\r\n\x01250 reset\r\n\x01221 bye\r\n")
    put("fuzz_smtp_session", b"\x05nConnected to mx.test (198.51.100.25) port 25\n\x01i220 hi\r\n\x01oSTARTTLS\r\n"
        b"\x01i454 4.7.0 TLS not available\r\n")
    put("fuzz_smtp_session", b"\x01i220 hi\r\n\x01oEHLO x\r\n\x01i250 ok\r\n\x00250 ok\r\n\x01\x01250 ok\r\n")
    rows = [snds_data.row("192.0.2.1"), snds_data.row("192.0.2.2", filter="RED", complaint="0.5%", trap_hits=3),
            snds_data.row("2001:db8::1", filter="YELLOW", rcpt=None, complaint=None)]
    stat = [snds_data.status("192.0.2.0", "192.0.3.255"), snds_data.status("198.51.100.7", blocked="True")]
    bodies = [snds_data.legacy_data_csv(rows), snds_data.header_data_csv(rows), snds_data.json_data(rows),
              snds_data.json_data(rows, compact=True), snds_data.legacy_status_csv(stat), snds_data.json_status(stat),
              snds_data.SNDSLIB_SAMPLE_ROW + "\r\n", snds_data.OBJECT_MOVED_HTML, snds_data.SIGNIN_HTML,
              snds_data.SIGNIN_LIVE_HTML, "\ufeff" + snds_data.legacy_data_csv(rows[:1]), "", "  \r\n",
              '{"value": ' + snds_data.json_data(rows[:1]) + "}"]
    for i, b in enumerate(bodies):
        put("fuzz_snds_parse", bytes([i % 6]) + b.encode())
        types = ["text/csv", "application/json", "text/html; charset=utf-8", ""]
        put("fuzz_snds_classify", bytes([i % 16, i % 4]) + types[i % 4].encode() + b"\x00" + b.encode())
    for p in sorted(glob.glob(os.path.join(SRC, "tests/unit/jmrp-fixtures/*.eml"))):
        data = read(p)
        put("fuzz_jmrp_parse", data)
        # the first byte picks the piece size (and bit 7: every date in the window)
        put("fuzz_jmrp_mbox", bytes([0x80 | (len(data) % 97)]) + b"From MAILER-DAEMON Thu Nov 26 10:00:00 2026\n"
            + data.replace(b"\r\n", b"\n")
            + b"\nFrom staff@hotmail.com Fri Nov 27 11:00:00 2026\nSubject: x\n\n>From quoted\nbody\n")
        # Maildir records: [n|c]NAME\nCONTENT, split at NUL bytes
        put("fuzz_jmrp_maildir", b"n1700000000.M1P1.host\n" + data.replace(b"\x00", b"") + b"\x00"
            b"c1700000001.M2P1.host:2,S\nSubject: x\n\nnot a report\n\x00c1700000000.M1P1.host:2,S\nsame key\n")
    put("fuzz_jmrp_maildir", b"n \nSubject: a name that cleans to nothing\n\n\x00c:2,S\n\x00n\xff\xfe\t\x01\n\x00c%41\n")
    put("fuzz_jmrp_maildir", b"n" + b"x" * 300 + b"\nlong name\n\x00c.hidden\nskipped\n")
    for f in ["nameserver 192.0.2.53\nsearch example.org\noptions ndots:2\n",
              "# comment\n; comment\nnameserver 2001:db8::53\nnameserver fe80::1%eth0\nnameserver 10.0.0.1 # x\n",
              "domain example.org\n", "nameserver\n", "  nameserver\t[::1]\n",
              "0123456789abcdefghij-dqs-key\n", "secret with trailing blanks \t\r\nsecond line\n", "abc\n",
              "\n", "key\x01withcontrol\n"]:
        put("fuzz_files", f)
    put("fuzz_jmrp_state", "mailrep-jmrp-state 1\n1700/5\t1000\t2\t192.0.2.1\texample.com\t\t\n"
        "mbox:00ff:12\t2000\t1\t-\t-\t\t\ncur/x\t3000\t0\t-\t-\tcur/x\tno report part\n")
    put("fuzz_jmrp_state", "mailrep-jmrp-state 1\n17/1\t5000\t2\t2001:db8::1\t-\t\t\n")
    imap = [
        b"\x00* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 1700000000] UIDs valid\r\n* 3 EXISTS\r\nM1 OK [READ-ONLY] done\r\n",
        b"\x01* SEARCH 3 5 9 12 13\r\nM1 OK SEARCH completed\r\n",
        b"\x02* 1 FETCH (UID 1 INTERNALDATE \"26-Nov-2026 10:00:00 +0000\" RFC822.SIZE 1234)\r\n\x01"
        b"* 2 FETCH (RFC822.SIZE 99 UID 3 INTERNALDATE \"01-Jan-2027 00:00:00 -0500\")\r\nM1 OK FETCH done\r\n",
        b"\x03* 4 FETCH (UID 7 BODY[] {12}\r\nHello world!)\r\nM1 OK FETCH completed\r\n",
        b"\x0b* 4 FETCH (UID 7 BODY[] {5}\r\n\x01ab\x01c)\r\n\x01M1 OK done\r\n",
        b"\x07M1 NO [NONEXISTENT] Mailbox doesn't exist\r\n",
        b"\x04* BYE server shutting down\r\n",
    ]
    for i in imap:
        put("fuzz_imap", i)
    for s in ["zen.spamhaus.org", "zen.spamhaus.org=127.0.0.[2..11]", "bl.example=127.0.0.2:warning",
              "list.dnswl.org=127.0.[0..255].[1;2;3]", "127.0.0.2", "127.0.[0..1].[2..5]", "dbl.example:critical"]:
        put("fuzz_dnsbl_spec", s)
    put("fuzz_dnsbl_targets", "192.0.2.1\n198.51.100.0/30\n2001:db8::/126\nmail.example.com\n# comment\n\n"
        "  192.0.2.9  \nexample.org.\n")
    put("fuzz_dnsbl_targets", "10.0.0.0/8\n::1\n")
    for d in sorted(os.listdir(CORPUS)):
        print(d, len(os.listdir(os.path.join(CORPUS, d))))


if __name__ == "__main__":
    main()
