"""dovecot.py: a real Debian Dovecot IMAP server as a private test instance.

running_dovecot(workdir, certs, populate) starts `dovecot -F -c CONF` (Debian
packages dovecot-core and dovecot-imapd) with its own configuration, runtime
and state directories under workdir, and stops it by PID at the end:

* IMAPS only: one inet listener on 127.0.0.1:PORT (ssl = required, the test
  certificate of testcerts.make_test_certs), the plain imap listener is off,
  protocols = imap, listen = 127.0.0.1; no POP3/LMTP/submission (not
  installed or not enabled), the internal services (auth, config, log,
  anvil, stats) listen only on UNIX sockets below base_dir;
* one user (USER / PASSWORD) in a passwd-file used as passdb (scheme PLAIN)
  and userdb; mail_location maildir:~/Maildir, so INBOX is
  HOME/Maildir/{new,cur} and a folder F is HOME/Maildir/.F (Maildir++);
* populate(maildir_path) is called before the start to write messages as
  Maildir files (see jmrp_messages.Maildir); Dovecot takes a maildir
  message's INTERNALDATE from the file's mtime (checked by
  Dovecot.internaldates() in the fixture self-test).

Quirks:

* Running as root (the CI case), Dovecot's master stays root, login
  processes run as dovenull and mail processes as the mail user.  The mail
  user here is nobody/nogroup (uid 65534, above first_valid_uid = 500) via the
  passwd-file's uid/gid fields, so the home tree is chowned to nobody and
  every directory on the way (workdir) must be world-searchable (0755).
* Not as root, every service runs as the invoking user: default_internal_user
  and default_login_user become that user, login chroots are switched off and
  first_valid_uid is lowered to that uid.
* The instance's name (instance_name) and state_dir are private, so nothing
  is registered in /var/lib/dovecot; log_path = /dev/stderr is captured in
  WORKDIR/dovecot.log.
* Opening a mailbox (even with EXAMINE) may create Dovecot's index files and
  dovecot-uidlist in the Maildir and move new/ files to cur/: the server owns
  that directory; tests check the IMAP flags, not the files.
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import contextlib
import imaplib
import grp
import os
import pwd
import signal
import socket
import ssl
import subprocess
import sys
import time

from testutil import free_tcp_port, wait_until

DOVECOT = "/usr/sbin/dovecot"
DOVECONF = "/usr/bin/doveconf"
USER = "jmrp"
PASSWORD = "Tr0ub4dor-jmrp-7q2x"     # distinctive: tests grep every output for it
INSTALL_HINT = ("Dovecot is needed for the check_jmrp IMAP tests: as root run\n"
                "  DEBIAN_FRONTEND=noninteractive apt-get install -y "
                "--no-install-recommends dovecot-core dovecot-imapd")


def installed():
    """Whether the dovecot binary and the imap service are installed."""
    return (os.access(DOVECOT, os.X_OK)
            and os.path.exists("/usr/lib/dovecot/imap")
            and os.path.exists("/usr/lib/dovecot/imap-login"))


class Dovecot:
    """A running private Dovecot instance."""

    def __init__(self, workdir, port, home, conf, ca_cert, proc, log):
        """Remember what tests need: address, account, paths, the process."""
        self.host = "127.0.0.1"
        self.port = port
        self.user = USER
        self.password = PASSWORD
        self.home = home
        self.maildir = os.path.join(home, "Maildir")
        self.conf = conf
        self.ca_cert = ca_cert
        self.proc = proc
        self.pid = proc.pid
        self.log = log
        self.workdir = workdir

    def url(self, mailbox="INBOX"):
        """The imaps:// URL of a mailbox."""
        return "imaps://%s:%d/%s" % (self.host, self.port, mailbox)

    def log_text(self):
        """The server log so far (for failure messages)."""
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def client(self, password=None):
        """A logged-in imaplib client that trusts the test CA."""
        ctx = ssl.create_default_context(cafile=self.ca_cert)
        c = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=ctx, timeout=10)
        c.login(self.user, password or self.password)
        return c

    def _examine(self, mailbox):
        """Client with mailbox opened read-only (EXAMINE)."""
        c = self.client()
        typ, data = c.select('"%s"' % mailbox, readonly=True)
        if typ != "OK":
            c.logout()
            raise RuntimeError("EXAMINE %s failed: %r" % (mailbox, data))
        return c

    def _fetch(self, mailbox, items):
        """UID FETCH 1:* items via EXAMINE; list of raw response entries."""
        c = self._examine(mailbox)
        try:
            typ, data = c.uid("FETCH", "1:*", items)
            if typ != "OK":
                raise RuntimeError("FETCH failed: %r" % data)
            return [d for d in data if d is not None]
        finally:
            c.logout()

    def flags(self, mailbox="INBOX"):
        """{uid: set of flags} read with EXAMINE and FETCH FLAGS (sets no flag)."""
        out = {}
        for d in self._fetch(mailbox, "(FLAGS)"):
            text = d.decode() if isinstance(d, bytes) else d[0].decode()
            uid = int(text.split("UID ", 1)[1].split()[0].rstrip(")"))
            fl = text.split("FLAGS (", 1)[1].split(")", 1)[0]
            out[uid] = set(fl.split())
        return out

    def uids_by_message_id(self, mailbox="INBOX"):
        """{Message-ID header of the message: uid} via BODY.PEEK (sets no flag)."""
        out = {}
        for d in self._fetch(mailbox, "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"):
            if not isinstance(d, tuple):
                continue
            meta = d[0].decode()
            uid = int(meta.split("UID ", 1)[1].split()[0].rstrip(")"))
            mid = d[1].decode().split(":", 1)[1].strip() if b":" in d[1] else ""
            out[mid] = uid
        return out

    def internaldates(self, mailbox="INBOX"):
        """{uid: INTERNALDATE as epoch seconds}."""
        out = {}
        for d in self._fetch(mailbox, "(INTERNALDATE)"):
            text = d.decode() if isinstance(d, bytes) else d[0].decode()
            uid = int(text.split("UID ", 1)[1].split()[0].rstrip(")"))
            t = imaplib.Internaldate2tuple(("(" + text.split("(", 1)[1]).encode())
            out[uid] = time.mktime(t)
        return out

    def master_pid(self):
        """PID of the Dovecot master from base_dir/master.pid, or None."""
        try:
            with open(os.path.join(self.workdir, "run", "master.pid")) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        """SIGTERM the reaper by PID (it passes the signal to the master and
        reaps every Dovecot process); SIGKILL both if they linger."""
        if self.proc.poll() is not None:
            return
        master = self.master_pid()
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            for pid in (master, self.pid):
                if pid:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            self.proc.wait(timeout=5)


# Runs dovecot -F as a child of a small Python process that is a child
# subreaper (prctl PR_SET_CHILD_SUBREAPER): on SIGTERM it passes the signal to
# the Dovecot master and then reaps every descendant (the master exits
# without waiting for its children, which would otherwise be left as zombies
# of PID 1).  argv[1:] is the dovecot command line.
_REAPER = r"""
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
def term(sig, frame):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
signal.signal(signal.SIGTERM, term)
signal.signal(signal.SIGINT, term)
status = 0
while True:
    try:
        done, st = os.waitpid(-1, 0)
    except ChildProcessError:
        break
    except InterruptedError:
        continue
    if done == pid:
        status = os.waitstatus_to_exitcode(st)
sys.exit(status if status >= 0 else 128 - status)
"""


def _config(d, port, cert, key, passwd_file, as_root, me):
    """The dovecot.conf text of the instance."""
    lines = [
        "# private test instance, written by tests/servers/dovecot.py",
        "instance_name = mailrep-jmrp-%d" % port,
        "protocols = imap",
        "listen = 127.0.0.1",
        "base_dir = %s/run" % d,
        "state_dir = %s/state" % d,
        "log_path = /dev/stderr",
        "info_log_path = /dev/stderr",
        "log_timestamp = \"%Y-%m-%d %H:%M:%S \"",
        "auth_verbose = yes",
        "ssl = required",
        "ssl_cert = <%s" % cert,
        "ssl_key = <%s" % key,
        "ssl_min_protocol = TLSv1.2",
        "disable_plaintext_auth = yes",
        "auth_mechanisms = plain login",
        "mail_location = maildir:~/Maildir",
        "mail_privileged_group =",
        "passdb {",
        "  driver = passwd-file",
        "  args = scheme=PLAIN username_format=%%u %s" % passwd_file,
        "}",
        "userdb {",
        "  driver = passwd-file",
        "  args = username_format=%%u %s" % passwd_file,
        "}",
        "service imap-login {",
        "  inet_listener imap {",
        "    port = 0",
        "  }",
        "  inet_listener imaps {",
        "    address = 127.0.0.1",
        "    port = %d" % port,
        "    ssl = yes",
        "  }",
    ]
    if not as_root:
        lines += ["  chroot =", "  user = %s" % me]
    lines += ["}"]
    if as_root:
        lines += ["first_valid_uid = 500"]
    else:
        lines += ["default_internal_user = %s" % me,
                  "default_login_user = %s" % me,
                  "default_internal_group = %s" % grp.getgrgid(os.getgid()).gr_name,
                  "first_valid_uid = %d" % min(os.getuid(), 500),
                  "service anvil {", "  chroot =", "}",
                  "service imap-urlauth-login {", "  chroot =", "}",
                  "service pop3-login {", "  chroot =", "}",
                  "service submission-login {", "  chroot =", "}",
                  "service auth {", "  user = %s" % me, "}"]
    return "\n".join(lines) + "\n"


def _chown_tree(path, uid, gid):
    """chown -R path to uid:gid."""
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for n in dirs + files:
            os.chown(os.path.join(root, n), uid, gid, follow_symlinks=False)


def start_dovecot(workdir, certs, populate=None, ready_timeout=15.0):
    """Configure and start a private Dovecot in workdir (must be 0755 when
    root); populate(maildir) writes the messages first.  Returns a Dovecot."""
    if not installed():
        raise RuntimeError(INSTALL_HINT)
    d = os.path.abspath(workdir)
    as_root = os.geteuid() == 0
    me = pwd.getpwuid(os.getuid()).pw_name
    for sub in ("run", "state"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
        os.chmod(os.path.join(d, sub), 0o755)
    home = os.path.join(d, "home", USER)
    os.makedirs(os.path.join(home, "Maildir"), exist_ok=True)
    os.chmod(os.path.join(d, "home"), 0o755)
    if populate is not None:
        populate(os.path.join(home, "Maildir"))
    if as_root:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        _chown_tree(home, uid, gid)
    else:
        uid, gid = os.getuid(), os.getgid()
    passwd_file = os.path.join(d, "passwd")
    with open(passwd_file, "w") as f:
        f.write("%s:{PLAIN}%s:%d:%d::%s::\n" % (USER, PASSWORD, uid, gid, home))
    # auth runs as the internal user (dovecot): the test password file is world-readable
    os.chmod(passwd_file, 0o644)
    port = free_tcp_port()
    conf = os.path.join(d, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(_config(d, port, certs.server_cert, certs.server_key, passwd_file,
                        as_root, me))
    check = subprocess.run([DOVECONF, "-c", conf, "-n"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    if check.returncode != 0:
        raise RuntimeError("doveconf rejected %s:\n%s" % (conf, check.stdout.decode()))
    log = os.path.join(d, "dovecot.log")
    with open(log, "wb") as logf:
        proc = subprocess.Popen([sys.executable or "/usr/bin/python3", "-c", _REAPER,
                                 DOVECOT, "-F", "-c", conf], cwd=d,
                                stdin=subprocess.DEVNULL, stdout=logf,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Dovecot(d, port, home, conf, certs.ca_cert, proc, log)

    def greets():
        """Whether an IMAPS connection gets the "* OK" greeting."""
        ctx = ssl.create_default_context(cafile=certs.ca_cert)
        with socket.create_connection((server.host, port), timeout=2) as s:
            with ctx.wrap_socket(s, server_hostname="localhost") as t:
                return t.recv(200).startswith(b"* OK")
    try:
        wait_until(greets, proc, ready_timeout, "dovecot on %d" % port, server.log_text)
    except RuntimeError:
        server.stop()
        raise
    return server


@contextlib.contextmanager
def running_dovecot(workdir, certs, populate=None):
    """Context manager: a started Dovecot, stopped by PID on exit."""
    server = start_dovecot(workdir, certs, populate)
    try:
        yield server
    finally:
        server.stop()


if __name__ == "__main__":
    # by hand: python3 dovecot.py DIR  -> starts an empty instance until Ctrl-C
    import sys
    import testcerts
    base = sys.argv[1]
    os.makedirs(base, exist_ok=True)
    os.chmod(base, 0o755)
    cs = testcerts.make_test_certs(os.path.join(base, "certs"))
    with running_dovecot(base, cs) as dv:
        print("imaps://127.0.0.1:%d/INBOX user %s password %s (CA %s)"
              % (dv.port, dv.user, dv.password, dv.ca_cert))
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
