#!/usr/bin/python3
"""snds_server.py: a scripted HTTPS server standing in for Microsoft SNDS in the check_snds tests.

Usage:
    snds_server.py --listen 127.0.0.1:0 --cert C --key K --routes ROUTES.json [--log LOG.jsonl]
                   [--endless-limit BYTES]

Without --cert the server speaks plain HTTP.  --listen takes HOST:PORT or [V6]:PORT; port 0 picks a
free port.  Once listening, the server prints "READY PORT" on stdout.  Every connection is served in
its own thread (TLS handshake included, so a client that never finishes it blocks nobody); HTTP/1.1
keep-alive works.  SIGTERM or SIGINT stops the server.

ROUTES.json is an object mapping request targets, path plus query string exactly as the plugin should
ask for them (e.g. "/snds/data.aspx?key=K&date=112726"), to a response.  (An object {"routes": {...}}
is accepted too.)  A request matches a route when the target is equal, or else when the path is equal
and the query holds the same parameters in any order (percent-decoded).  Unknown targets get a 404
HTML page, as IIS would send.  A response is an object:

    status        HTTP status, default 200 (302 when "redirect" is given)
    content_type  default "text/plain; charset=utf-8" ("application/json" with body_json)
    body          the body as text (UTF-8)
    body_file     or: a file holding the body (relative to the routes file's directory)
    body_json     or: any JSON value, sent serialized
    headers       extra response headers {name: value}
    bearer        require "Authorization: Bearer TOKEN"; a missing or different token gets 401
                  (with WWW-Authenticate) instead of this response
    redirect      the Location header (absolute URL or a path on this server)
    delay         seconds to wait before answering
    silence       true: read the request, never answer (until the client goes away)
    close         true: read the request, close the connection without any answer
    chunked       true: send the body with Transfer-Encoding: chunked (4 KiB pieces)
    endless       true: Transfer-Encoding: chunked and a body that never ends ("endless_chunk"
                  repeated, default a data CSV row) until the client closes or --endless-limit bytes
                  (default 256 MiB) went out
    endless_chunk the text repeated by "endless"

A bare string as response is short for {"body": STRING}.

Log (--log): one JSON object per line, appended as things happen:
    {"event": "request", "time", "client", "method", "path", "route" (the matched key or null),
     "status", "authorization": "absent" | "bearer" | "other", "token_ok": true/false (routes with
     "bearer") or null, "headers": {name: value} (all request headers except Authorization and
     Cookie, whose values are never written), "bytes": body bytes sent}
    {"event": "tls_error", "time", "client", "error"}
The log never holds a bearer token.

For tests in Python: SndsServer / start_snds_server() below start this script as a child process
(with testutil.start_scripted_server) and read its log (SndsServer.records()).
"""
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import json
import os
import select
import signal
import socket
import ssl
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from testutil import JsonlWriter, parse_listen, read_jsonl, start_scripted_server, stop_process

NOT_FOUND_HTML = (
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n"
    "<title>404 - File or directory not found.</title>\r\n</head>\r\n<body>\r\n"
    "<div id=\"header\"><h1>Server Error</h1></div>\r\n<div id=\"content\">\r\n"
    "<h2>404 - File or directory not found.</h2>\r\n"
    "<h3>The resource you are looking for might have been removed, had its name changed, "
    "or is temporarily unavailable.</h3>\r\n</div>\r\n</body>\r\n</html>\r\n")
UNAUTHORIZED_JSON = '{"error":{"code":"InvalidAuthenticationToken","message":"Access token is invalid."}}'
DEFAULT_ENDLESS_CHUNK = ("192.0.2.77,11/26/2026 12:00 AM,11/27/2026 12:00 AM,100,100,100,GREEN,"
                         "< 0.1%,,,,mail.example.test,,\r\n")
RESPONSE_KEYS = {"status", "content_type", "body", "body_file", "body_json", "headers", "bearer",
                 "redirect", "delay", "silence", "close", "chunked", "endless", "endless_chunk",
                 "description"}
HIDDEN_HEADERS = {"authorization", "cookie"}


class RouteError(Exception):
    """The routes file is not valid."""


# --------------------------------------------------------------------------
# routes
# --------------------------------------------------------------------------

def normalize_target(target):
    """(path, sorted query parameters) of a request target, percent-decoded."""
    parts = urllib.parse.urlsplit(target)
    path = urllib.parse.unquote(parts.path)
    query = tuple(sorted(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)))
    return path, query


def load_routes(path):
    """Read and check the routes file; return {target: response dict}."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if isinstance(doc, dict) and isinstance(doc.get("routes"), dict):
        doc = doc["routes"]
    if not isinstance(doc, dict):
        raise RouteError("the routes file must hold a JSON object")
    base = os.path.dirname(os.path.abspath(path))
    routes = {}
    for target, resp in doc.items():
        if not target.startswith("/"):
            raise RouteError("route %r does not start with /" % target)
        if isinstance(resp, str):
            resp = {"body": resp}
        if not isinstance(resp, dict):
            raise RouteError("route %r: the response must be an object or a string" % target)
        unknown = set(resp) - RESPONSE_KEYS
        if unknown:
            raise RouteError("route %r: unknown keys %s" % (target, sorted(unknown)))
        if sum(k in resp for k in ("body", "body_file", "body_json")) > 1:
            raise RouteError("route %r: give only one of body, body_file, body_json" % target)
        resp = dict(resp)
        if "body_file" in resp:
            bf = resp["body_file"]
            resp["body_file"] = bf if os.path.isabs(bf) else os.path.join(base, bf)
            if not os.path.isfile(resp["body_file"]):
                raise RouteError("route %r: no file %s" % (target, resp["body_file"]))
        routes[target] = resp
    return routes


def match_route(routes, normalized, target):
    """The key of the route matching target (exactly, else by normalized form), or None."""
    if target in routes:
        return target
    want = normalize_target(target)
    for key, norm in normalized.items():
        if norm == want:
            return key
    return None


# --------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------

class SndsHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server that does the TLS handshake in the connection's own thread."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, family, routes, ssl_ctx, logger, endless_limit):
        """Bind addr (family AF_INET or AF_INET6) and keep the configuration (logger: a
        testutil.JsonlWriter)."""
        self.address_family = family
        self.routes = routes
        self.normalized = {k: normalize_target(k) for k in routes}
        self.ssl_ctx = ssl_ctx
        self.logger = logger
        self.endless_limit = endless_limit
        super().__init__(addr, SndsHandler)

    def log(self, record):
        """Append one record to the log, with the current time."""
        self.logger.write(dict(record, time=round(time.time(), 3)))

    def finish_request(self, request, client_address):
        """Wrap the connection in TLS (if configured), then serve it."""
        if self.ssl_ctx is not None:
            try:
                request.settimeout(15)
                request = self.ssl_ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                self.log({"event": "tls_error", "client": client_address[0],
                                   "error": str(e)})
                try:
                    request.close()
                except OSError:
                    pass
                return
        self.RequestHandlerClass(request, client_address, self)

    def handle_error(self, request, client_address):
        """Connection errors (client went away) are normal here: stay quiet."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, OSError)):
            return
        super().handle_error(request, client_address)


class SndsHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests as the routes say."""

    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    timeout = 30

    def log_message(self, fmt, *args):
        """No access log on stderr (the JSON log has everything)."""

    def do_GET(self):
        """Serve GET."""
        self.serve()

    def do_POST(self):
        """Serve POST (the body is read and ignored)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > 0:
            self.rfile.read(min(length, 1 << 20))
        self.serve()

    def do_HEAD(self):
        """Serve HEAD like GET (the body goes out too; nobody should send HEAD)."""
        self.serve()

    # ----------------------------------------------------------------

    def auth_info(self, resp):
        """("absent"|"bearer"|"other", token_ok or None) of this request."""
        value = self.headers.get("Authorization")
        if value is None:
            kind = "absent"
        elif value.startswith("Bearer "):
            kind = "bearer"
        else:
            kind = "other"
        if resp is None or "bearer" not in resp:
            return kind, None
        return kind, (kind == "bearer" and value[len("Bearer "):] == resp["bearer"])

    def record(self, key, status, auth, token_ok, sent):
        """Write the request's log record."""
        headers = {}
        for name, value in self.headers.items():
            if name.lower() in HIDDEN_HEADERS:
                continue
            headers[name] = value
        self.server.log({
            "event": "request", "client": self.client_address[0], "method": self.command,
            "path": self.path, "route": key, "status": status, "authorization": auth,
            "token_ok": token_ok, "headers": headers, "bytes": sent})

    def send_body(self, status, content_type, body, extra_headers=None, chunked=False):
        """Send a complete response; return the body bytes sent."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if chunked:
            for i in range(0, len(body), 4096):
                piece = body[i:i + 4096]
                self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)
        self.wfile.flush()
        return len(body)

    def wait_for_client_close(self):
        """Block until the client closes the connection (used by "silence")."""
        self.close_connection = True
        sock = self.connection
        sock.settimeout(None)
        while True:
            try:
                r, _, _ = select.select([sock], [], [], 1.0)
                if r:
                    data = sock.recv(4096)
                    if not data:
                        return
            except (OSError, ValueError, ssl.SSLError):
                return

    def send_endless(self, status, content_type, resp):
        """A chunked body that never ends; return the bytes sent."""
        chunk = resp.get("endless_chunk", DEFAULT_ENDLESS_CHUNK).encode("utf-8")
        piece = chunk * max(1, 16384 // max(1, len(chunk)))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = 0
        self.close_connection = True
        try:
            while sent < self.server.endless_limit:
                self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                sent += len(piece)
        except (OSError, ssl.SSLError):
            pass
        return sent

    def serve(self):
        """Find the route and answer."""
        routes = self.server.routes
        key = match_route(routes, self.server.normalized, self.path)
        resp = routes.get(key) if key is not None else None
        auth, token_ok = self.auth_info(resp)
        if resp is None:
            sent = self.send_body(404, "text/html", NOT_FOUND_HTML.encode("utf-8"))
            self.record(None, 404, auth, None, sent)
            return
        if resp.get("delay"):
            time.sleep(float(resp["delay"]))
        if "bearer" in resp and not token_ok:
            sent = self.send_body(401, "application/json", UNAUTHORIZED_JSON.encode("utf-8"),
                                  {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            self.record(key, 401, auth, token_ok, sent)
            return
        if resp.get("silence"):
            self.record(key, None, auth, token_ok, 0)
            self.wait_for_client_close()
            return
        if resp.get("close"):
            self.record(key, None, auth, token_ok, 0)
            self.close_connection = True
            return
        status = int(resp.get("status", 302 if "redirect" in resp else 200))
        headers = dict(resp.get("headers", {}))
        if "redirect" in resp:
            headers["Location"] = resp["redirect"]
        if "body_json" in resp:
            body = json.dumps(resp["body_json"]).encode("utf-8")
            ctype = resp.get("content_type", "application/json; charset=utf-8")
        elif "body_file" in resp:
            with open(resp["body_file"], "rb") as f:
                body = f.read()
            ctype = resp.get("content_type", "text/plain; charset=utf-8")
        else:
            body = resp.get("body", "").encode("utf-8")
            ctype = resp.get("content_type", "text/plain; charset=utf-8")
        if resp.get("endless"):
            self.record(key, status, auth, token_ok, None)
            self.send_endless(status, ctype, resp)
            return
        sent = self.send_body(status, ctype, body, headers, bool(resp.get("chunked")))
        self.record(key, status, auth, token_ok, sent)


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------

def main(argv=None):
    """Run the server until SIGTERM/SIGINT."""
    ap = argparse.ArgumentParser(description="scripted SNDS-like HTTPS server for tests")
    ap.add_argument("--listen", required=True, help="HOST:PORT or [V6]:PORT (port 0 = any)")
    ap.add_argument("--cert", help="server certificate (PEM); without it plain HTTP")
    ap.add_argument("--key", help="private key of --cert (PEM)")
    ap.add_argument("--routes", required=True, help="routes file (JSON)")
    ap.add_argument("--log", help="JSON-lines request log")
    ap.add_argument("--endless-limit", type=int, default=256 << 20,
                    help="bytes after which an endless body stops")
    args = ap.parse_args(argv)
    try:
        routes = load_routes(args.routes)
    except (OSError, ValueError, RouteError) as e:
        print("snds_server: bad routes file: %s" % e, file=sys.stderr)
        return 2
    ctx = None
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key or args.cert)
    try:
        host, port, family = parse_listen(args.listen)
    except ValueError as e:
        print("snds_server: %s" % e, file=sys.stderr)
        return 2
    server = SndsHTTPServer((host, port), family, routes, ctx, JsonlWriter(args.log),
                            args.endless_limit)

    def stop(_sig, _frame):
        """Leave serve_forever by raising in the main thread."""
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


# --------------------------------------------------------------------------
# helpers for tests (the server runs as a child process)
# --------------------------------------------------------------------------

class SndsServer:
    """A running snds_server.py child process."""

    def __init__(self, proc, host, port, log_path, routes_path, tls, err_path=None):
        """Keep what tests need to reach, inspect and stop the server."""
        self.err_path = err_path
        self.proc = proc
        self.pid = proc.pid
        self.host = host
        self.port = port
        self.log_path = log_path
        self.routes_path = routes_path
        self.tls = tls

    def url(self, prefix="/"):
        """https://HOST:PORT + prefix (http:// without TLS)."""
        scheme = "https" if self.tls else "http"
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "%s://%s:%d%s" % (scheme, host, self.port, prefix)

    def records(self):
        """All log records so far."""
        return read_jsonl(self.log_path)

    def requests(self):
        """The request records so far."""
        return [r for r in self.records() if r["event"] == "request"]

    def paths(self):
        """The request targets so far, in order."""
        return [r["path"] for r in self.requests()]

    def stop(self):
        """SIGTERM by PID, SIGKILL if it lingers."""
        stop_process(self.proc)
        if self.proc.stdout:
            self.proc.stdout.close()

    def stderr_text(self):
        """What the server wrote on stderr (tracebacks), for failure messages."""
        try:
            with open(self.err_path, encoding="utf-8", errors="replace") as f:
                return f.read()[-4000:]
        except (OSError, TypeError):
            return ""


def start_snds_server(routes, workdir, cert=None, key=None, host="127.0.0.1",
                      extra_args=(), ready_timeout=10.0):
    """Write routes (a dict) to workdir, start the server on a free port; return a SndsServer."""
    srv = start_scripted_server(os.path.abspath(__file__), "snds", "--routes", routes, workdir,
                                cert=cert, key=key, host=host, extra_args=extra_args,
                                ready_timeout=ready_timeout)
    return SndsServer(srv.proc, host, srv.port, srv.log_path, srv.config_path, bool(cert),
                      srv.err_path)


if __name__ == "__main__":
    sys.exit(main())
