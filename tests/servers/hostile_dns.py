"""hostile_dns.py: a hostile DNS server on loopback for the black-box tests (tests/blackbox/test_hostile.py).

    python3 hostile_dns.py PORT MODE

UDP and TCP on 127.0.0.1:PORT.  MODE says how every question is answered:
  huge       a 65,000-byte UDP reply: the right id and question, then 4,000 A records (TCP: the same, framed)
  malformed  the right id, then random bytes (bad counts, compression loops, short records)
  flood      200 replies with unrelated ids for every question, never the real one; TCP: no answer
  loop       the right id and question, one answer whose name is a compression pointer to itself
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import random
import socket
import struct
import sys
import threading


def question_end(msg):
    """Offset just past the question section of msg (or len(msg) if it is broken)."""
    pos = 12
    while pos < len(msg) and msg[pos] != 0:
        pos += msg[pos] + 1
    return min(len(msg), pos + 5)


def reply(msg, mode, rnd):
    """The replies (a list of bytes) to the query msg in mode."""
    if len(msg) < 12:
        return []
    qid = msg[:2]
    q = msg[12:question_end(msg)]
    if mode == "huge":
        rr = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([127, 0, 0, 2])
        n = (65000 - 12 - len(q)) // len(rr)
        return [qid + struct.pack(">HHHHH", 0x8180, 1, n, 0, 0) + q + rr * n]
    if mode == "malformed":
        return [qid + struct.pack(">H", 0x8180) + os.urandom(rnd.randint(0, 600))]
    if mode == "flood":
        out = []
        for _ in range(200):
            other = struct.pack(">H", (int.from_bytes(qid, "big") + rnd.randint(1, 65535)) & 0xFFFF)
            out.append(other + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0) + q +
                       b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([127, 0, 0, 2]))
        return out
    if mode == "loop":
        ptr = 12 + len(q)
        return [qid + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0) + q +
                struct.pack(">H", 0xC000 | ptr) + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([127, 0, 0, 2])]
    return []


def serve_udp(sock, mode):
    """Answer every UDP question."""
    rnd = random.Random(1)
    while True:
        msg, peer = sock.recvfrom(65535)
        for r in reply(msg, mode, rnd):
            try:
                sock.sendto(r, peer)
            except OSError:
                pass


def serve_tcp_conn(conn, mode):
    """Answer the questions of one TCP connection (length-framed)."""
    rnd = random.Random(2)
    with conn:
        try:
            while True:
                head = conn.recv(2)
                if len(head) < 2:
                    return
                msg = conn.recv(struct.unpack(">H", head)[0])
                if mode == "flood":
                    continue
                for r in reply(msg, mode, rnd):
                    conn.sendall(struct.pack(">H", len(r) & 0xFFFF) + r)
        except OSError:
            return


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    udp.bind(("127.0.0.1", port))
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", port))
    tcp.listen(16)
    threading.Thread(target=serve_udp, args=(udp, mode), daemon=True).start()
    print("ready", flush=True)
    while True:
        conn, _ = tcp.accept()
        threading.Thread(target=serve_tcp_conn, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
