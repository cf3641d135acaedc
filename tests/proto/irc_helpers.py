"""Helpers for the IRC protocol tests: one hearthd per test class, IRC
clients that register, negotiate capabilities and synchronise with PING.
"""

import itertools
import re
import socket
import unittest

from hearth_test import (BAD_LOG_MARKERS, SCALE, Hearthd, LineClient,
                         tls_client_context)

_tokens = itertools.count(1)
TIME_RE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def parse(line):
    """Split a server line into (tags dict, source, command, params)."""
    tags = {}
    if line.startswith("@"):
        raw, line = line[1:].split(" ", 1)
        for item in raw.split(";"):
            k, _, v = item.partition("=")
            tags[k] = v
    source = None
    if line.startswith(":"):
        source, line = line[1:].split(" ", 1)
    if " :" in line:
        head, trailing = line.split(" :", 1)
        words = head.split()
        words.append(trailing)
    else:
        words = line.split()
    return tags, source, words[0], words[1:]


def numerics(lines):
    """The numerics (as strings) in LINES, in order."""
    out = []
    for l in lines:
        _, _, cmd, _ = parse(l)
        if cmd.isdigit():
            out.append(cmd)
    return out


class Irc:
    """An IRC client over a LineClient."""

    def __init__(self, lc):
        self.lc = lc
        self.nick = None

    def send(self, line):
        self.lc.send(line)

    def readline(self):
        return self.lc.readline()

    def sync(self):
        """Lines received until the server answered a PING of ours."""
        tok = "sync%d" % next(_tokens)
        self.send("PING :" + tok)
        lines = self.lc.read_until(
            lambda l: " PONG " in l and l.endswith(":" + tok))
        return lines[:-1]

    def cmd(self, line):
        """Send LINE and return what came back before a PING reply."""
        self.send(line)
        return self.sync()

    def until(self, pred, limit=2000):
        if isinstance(pred, str):
            s = pred
            pred = lambda l: s in l
        return self.lc.read_until(pred, limit)

    def is_closed(self, timeout=5):
        return self.lc.is_closed(timeout)

    def close(self):
        self.lc.close()


class IrcCase(unittest.TestCase):
    """One hearthd for the whole class (fast); logs checked at the end."""

    extra_config = ""
    protos = ("irc", "ircs")

    @classmethod
    def setUpClass(cls):
        cls.h = Hearthd(cls.extra_config + "rate_per_second = 1000\n"
                        "rate_burst = 1000\n", cls.protos)
        cls.h.start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.h.stop()
        log = cls.h.log()
        for marker in BAD_LOG_MARKERS:
            assert marker not in log, "hearthd log:\n" + log[-4000:]
        assert rc == 0, "hearthd exit %s; log:\n%s" % (rc, log[-4000:])

    def setUp(self):
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()

    def raw(self, proto="irc", **kw):
        lc = LineClient(self.h.addr(proto), tls=proto == "ircs", **kw)
        c = Irc(lc)
        self.clients.append(c)
        return c

    def client(self, nick, caps=(), proto="irc", user=None, realname=None,
               sasl=None, **kw):
        """A registered client; CAPS are requested during registration,
        SASL=(account, password) logs in with PLAIN first."""
        c = self.raw(proto, **kw)
        if caps or sasl:
            c.send("CAP LS 302")
            want = list(caps) + (["sasl"] if sasl else [])
            c.send("CAP REQ :" + " ".join(want))
            c.until(" ACK ")
        if sasl:
            import base64
            c.send("AUTHENTICATE PLAIN")
            c.until("AUTHENTICATE +")
            blob = base64.b64encode(("\0%s\0%s" % sasl).encode()).decode()
            c.send("AUTHENTICATE " + blob)
            c.until(" 903 ")
        c.send("NICK " + nick)
        c.send("USER %s 0 * :%s" % (user or nick, realname or "Test " + nick))
        if caps or sasl:
            c.send("CAP END")
        c.until(" 001 ")
        c.sync()
        c.nick = nick
        return c

    def joined(self, chan, *clients):
        """JOIN CHAN with each client and wait until all saw all joins."""
        for c in clients:
            c.cmd("JOIN " + chan)
        for c in clients:
            c.sync()
