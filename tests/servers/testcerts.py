"""Test certificates for the SMTP test servers, made at test time with the
openssl command-line tool (Debian package openssl); nothing is committed.

make_test_certs(directory) writes, into directory:

* ca.crt / ca.key: a throw-away test CA ("mailrep test CA");
* server.crt / server.key: signed by that CA for localhost, 127.0.0.1 and ::1
  (serverAuth), the certificate the fake MX and Postfix present by default;
* wrongname.crt / wrongname.key: signed by the CA but only for
  mx.wrong-name.invalid (hostname mismatch);
* expired.crt / expired.key: signed by the CA for localhost, valid only in 2020;
* selfsigned.crt / selfsigned.key: self-signed for localhost (untrusted issuer).

All keys are P-256 EC keys without a passphrase, which keeps generation fast
(well under a second for the whole set).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
from collections import namedtuple

CertSet = namedtuple(
    "CertSet",
    "dir ca_cert ca_key server_cert server_key wrongname_cert wrongname_key "
    "expired_cert expired_key selfsigned_cert selfsigned_key")

OPENSSL = "openssl"

_SERVER_EXT = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = {san}
"""

_CA_CONF = """\
[ ca ]
default_ca = testca

[ testca ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
certificate = $dir/ca.crt
private_key = $dir/ca.key
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no

[ anything ]
commonName = supplied
"""


def _run(args, cwd):
    """Run one openssl command in cwd; raise RuntimeError with its output on failure."""
    proc = subprocess.run([OPENSSL] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise RuntimeError("openssl %s failed (%d): %s" % (
            " ".join(args), proc.returncode,
            proc.stdout.decode("utf-8", "replace")))


def _newkey_args():
    """openssl req arguments for a fresh unencrypted P-256 key."""
    return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _signed(d, name, cn, san, extra_ca_args):
    """Make name.key + name.crt for cn/san, signed by the CA in d via openssl ca."""
    ext = os.path.join(d, name + ".ext")
    with open(ext, "w") as f:
        f.write(_SERVER_EXT.format(san=san))
    _run(["req", "-new"] + _newkey_args() + [
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn], d)
    _run(["ca", "-batch", "-notext", "-config", "ca.cnf", "-in", name + ".csr",
          "-out", name + ".crt", "-extfile", name + ".ext"] + extra_ca_args, d)


def make_test_certs(directory):
    """Create the test CA and server certificates in directory; return a CertSet."""
    d = os.path.abspath(directory)
    os.makedirs(os.path.join(d, "newcerts"), exist_ok=True)
    with open(os.path.join(d, "index.txt"), "w"):
        pass
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write(_CA_CONF.format(dir=d))

    _run(["req", "-x509"] + _newkey_args() + [
        "-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
        "-subj", "/CN=mailrep test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)

    local_san = "DNS:localhost, IP:127.0.0.1, IP:::1"
    _signed(d, "server", "localhost", local_san, ["-days", "30"])
    _signed(d, "wrongname", "mx.wrong-name.invalid", "DNS:mx.wrong-name.invalid",
            ["-days", "30"])
    _signed(d, "expired", "localhost", local_san,
            ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"])

    _run(["req", "-x509"] + _newkey_args() + [
        "-keyout", "selfsigned.key", "-out", "selfsigned.crt", "-days", "30",
        "-subj", "/CN=localhost",
        "-addext", "subjectAltName=" + local_san,
        "-addext", "basicConstraints=critical,CA:FALSE"], d)

    p = lambda n: os.path.join(d, n)  # noqa: E731
    return CertSet(d, p("ca.crt"), p("ca.key"), p("server.crt"), p("server.key"),
                   p("wrongname.crt"), p("wrongname.key"),
                   p("expired.crt"), p("expired.key"),
                   p("selfsigned.crt"), p("selfsigned.key"))


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 2:
        sys.exit("usage: testcerts.py DIRECTORY")
    for field, value in make_test_certs(sys.argv[1])._asdict().items():
        print("%s=%s" % (field, value))
