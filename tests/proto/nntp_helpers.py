"""Helpers shared by the NNTP black-box tests: a raw NNTP client on top
of hearth_test.LineClient and a test case with accounts ready."""

import os
import sqlite3

from hearth_test import HearthTestCase, LineClient, tls_client_context

FAST = "rate_per_second = 100000\nrate_burst = 100000\n"
PASSWORD = "correct horse battery"


def article_bytes(headers, body="Hello.\n"):
    """An article as CRLF lines, dot-stuffed, with the final dot line.
    HEADERS is a list of (name, value) or a dict."""
    if isinstance(headers, dict):
        headers = list(headers.items())
    lines = ["%s: %s" % (k, v) for k, v in headers] + [""]
    lines += body.split("\n")
    if lines[-1] == "":
        lines.pop()
    out = b""
    for l in lines:
        b = l.encode() if isinstance(l, str) else l
        if b.startswith(b"."):
            b = b"." + b
        out += b + b"\r\n"
    return out + b".\r\n"


class NNTPClient:
    """A thin NNTP client over LineClient that returns raw lines."""

    def __init__(self, lc):
        self.lc = lc

    def cmd(self, line):
        self.lc.send(line)
        return self.lc.readline()

    def code(self, line):
        return self.cmd(line)[:3]

    def multi(self, line, code):
        r = self.cmd(line)
        if not r.startswith(code):
            raise AssertionError("%s: expected %s, got %r" % (line, code, r))
        return r, self.lc.read_multiline()

    def raw_multi(self):
        """A dot-terminated block as raw bytes (still dot-stuffed)."""
        out = b""
        while True:
            while b"\n" not in self.lc.buf:
                data = self.lc.sock.recv(65536)
                if not data:
                    raise EOFError
                self.lc.buf += data
            line, self.lc.buf = self.lc.buf.split(b"\n", 1)
            if line == b".\r":
                return out
            out += line + b"\n"

    def login(self, user, password=PASSWORD):
        r = self.cmd("AUTHINFO USER " + user)
        if not r.startswith("381"):
            return r
        return self.cmd("AUTHINFO PASS " + password)

    def post(self, headers, body="Hello.\n"):
        """POST; returns (340 line, final line)."""
        r = self.cmd("POST")
        if not r.startswith("340"):
            return r, None
        self.lc.sendraw(article_bytes(headers, body))
        return r, self.lc.readline()


class NNTPCase(HearthTestCase):
    protos = ("nntp", "nntps")
    extra_config = FAST

    def client(self, proto="nntp"):
        return NNTPClient(self.nntp(proto))

    def account(self, name, role="member"):
        self.h.add_account(name, PASSWORD, role)

    def member(self, name="alice", role="member", proto="nntp"):
        """A logged-in client for a new account NAME."""
        self.account(name, role)
        c = self.client(proto)
        r = c.login(name)
        self.assertTrue(r.startswith("281"), r)
        return c

    def post_ok(self, c, group="support.oncology", subject="Hello",
                body="Hello.\n", extra=()):
        headers = [("From", "Alice <alice@example.org>"),
                   ("Newsgroups", group), ("Subject", subject)]
        headers += list(extra)
        r340, r = c.post(headers, body)
        self.assertTrue(r340.startswith("340"), r340)
        self.assertTrue(r is not None and r.startswith("240"), r)
        return r.split()[-1]    # the Message-ID

    def db(self):
        return sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
