#!/usr/bin/python3
"""seeds-dns.py: writes the seed corpora of the DNS fuzz targets (fuzz/corpus/dns_reply, fuzz/corpus/mx): small
valid replies to the targets' fixed questions, built by hand from RFC 1035 wire format."""
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import struct
import sys


def name(n):
    """Wire form of a dotted name."""
    out = b""
    for label in n.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner, rtype, rdata, ttl=60):
    """One resource record; owner is wire bytes (a name or a compression pointer)."""
    return owner + struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata


def reply(qname, qtype, answers=(), rcode=0, tc=False, qid=0x1234):
    """A reply with one question and the answer records."""
    flags = 0x8580 | rcode | (0x0200 if tc else 0)
    head = struct.pack(">HHHHHH", qid, flags, 1, len(answers), 0, 0)
    return head + name(qname) + struct.pack(">HH", qtype, 1) + b"".join(answers)


A, MX, TXT, CNAME, AAAA = 1, 15, 16, 5, 28
PTR = b"\xc0\x0c"  # compression pointer to the question name


def txt(*strings):
    return b"".join(bytes([len(s)]) + s for s in strings)


def main(top):
    q = "2.0.0.127.zen.example"
    dns = {
        "a-listed": reply(q, A, [rr(PTR, A, bytes([127, 0, 0, 2]))]),
        "a-two": reply(q, A, [rr(PTR, A, bytes([127, 0, 0, 3])), rr(PTR, A, bytes([127, 0, 0, 10]))]),
        "a-error-code": reply(q, A, [rr(PTR, A, bytes([127, 0, 1, 2]))]),
        "a-outside": reply(q, A, [rr(PTR, A, bytes([62, 0, 58, 94]))]),
        "a-public-resolver": reply(q, A, [rr(PTR, A, bytes([127, 255, 255, 254]))]),
        "a-cname": reply(q, A, [rr(PTR, CNAME, name("x.example")), rr(name("x.example"), A, bytes([127, 0, 0, 4]))]),
        "a-nxdomain": reply(q, A, rcode=3),
        "a-servfail": reply(q, A, rcode=2),
        "a-truncated": reply(q, A, tc=True),
        "a-nodata": reply(q, A),
        "a-wrong-id": reply(q, A, [rr(PTR, A, bytes([127, 0, 0, 2]))], qid=0x4321),
        "txt": reply(q, TXT, [rr(PTR, TXT, txt(b"Listed by SBL, see ", b"https://example/sbl"))]),
        "txt-two": reply(q, TXT, [rr(PTR, TXT, txt(b"one")), rr(PTR, TXT, txt(b"two\0nul"))]),
        "mx": reply(q, MX, [rr(PTR, MX, struct.pack(">H", 10) + name("a.example"))]),
    }
    m = "mx.example"
    mx = {
        "two-hosts": reply(m, MX, [rr(PTR, MX, struct.pack(">H", 20) + b"\1b" + PTR),
                                   rr(PTR, MX, struct.pack(">H", 10) + b"\1a" + PTR)]),
        "null-mx": reply(m, MX, [rr(PTR, MX, struct.pack(">H", 0) + b"\0")]),
        "no-mx": reply(m, MX),
        "nxdomain": reply(m, MX, rcode=3),
        "servfail": reply(m, MX, rcode=2),
        "truncated": reply(m, MX, tc=True),
        "a-in-mx": reply(m, MX, [rr(PTR, A, bytes([192, 0, 2, 1]))]),
        "many": reply(m, MX, [rr(PTR, MX, struct.pack(">H", 50 - i) + bytes([2]) + b"h%d" % i + PTR)
                              for i in range(10)]),
    }
    for sub, seeds in (("dns_reply", dns), ("mx", mx)):
        d = os.path.join(top, "corpus", sub)
        os.makedirs(d, exist_ok=True)
        for k, v in seeds.items():
            with open(os.path.join(d, "seed-" + k), "wb") as f:
                f.write(v)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
