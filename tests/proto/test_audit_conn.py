"""The connection layer under the outside audit (issue 14): a STARTTLS
command stream is never reordered or split (9) and closes as soon as
its last reply is out (10); IRC lines the parser refuses are answered,
never dropped in silence (8); one global cap on queued output drops
the largest non-reader first (12); the descriptor budget (1)."""

import os
import resource
import socket
import subprocess
import time
import unittest

from hearth_test import (HEARTHD, SCALE, WRAPPER, Hearthd, HearthTestCase,
                         LineClient, tls_client_context)


def starttls(c):
    """Upgrade NNTP LineClient C (greeting read) to TLS."""
    c.send("STARTTLS")
    line = c.readline()
    assert line.startswith("382 "), line
    c.sock = tls_client_context().wrap_socket(
        c.sock, server_hostname="hearth.test")


class StartTLSStream(HearthTestCase):
    protos = ("nntp",)
    extra_config = "rate_per_second = 1000000\nrate_burst = 1000000\n"

    def test_pipelined_commands_keep_their_order(self):
        """5,000 DATEs in 3,000-byte chunks right after STARTTLS: 5,000
        111 replies, none lost, none split into a 500."""
        c = self.nntp()
        starttls(c)
        n = 5000
        data = b"DATE\r\n" * n
        for i in range(0, len(data), 3000):
            c.sock.sendall(data[i:i + 3000])
        bad = []
        for i in range(n):
            line = c.readline()
            if not line.startswith("111 "):
                bad.append((i, line))
        self.assertEqual(bad, [])
        # Still in step: the next command gets its own reply.
        c.send("HELP")
        self.assertTrue(c.readline().startswith("100 "))

    def test_mixed_commands_in_order(self):
        """Different commands pipelined: each reply matches its command."""
        c = self.nntp()
        starttls(c)
        cmds = [b"DATE\r\n", b"MODE READER\r\n", b"GROUP no.such.group\r\n",
                b"XYZZY\r\n"]
        want = ["111 ", "20", "411 ", "500 "]
        data = b"".join(cmds) * 1000
        for i in range(0, len(data), 3000):
            c.sock.sendall(data[i:i + 3000])
        for i in range(4000):
            line = c.readline()
            self.assertTrue(line.startswith(want[i % 4]), (i, line))

    def test_quit_closes_at_once(self):
        """QUIT on a STARTTLS connection: EOF as soon as 205 is out."""
        c = self.nntp()
        starttls(c)
        c.send("DATE")
        self.assertTrue(c.readline().startswith("111 "))
        start = time.monotonic()
        c.send("QUIT")
        self.assertTrue(c.readline().startswith("205 "))
        self.assertTrue(c.is_closed(timeout=2 * SCALE))
        self.assertLess(time.monotonic() - start, 2 * SCALE)


class IrcRefusedLines(HearthTestCase):
    """Lines the IRC parser refuses get ERR_UNKNOWNERROR (400)."""
    protos = ("irc",)

    def sync(self, c, token):
        c.send("PING :" + token)
        return c.read_until(lambda l: "PONG" in l and token in l)

    def refused(self, c, raw, token):
        c.sendraw(raw + b"\r\n")
        lines = self.sync(c, token)
        return [l for l in lines if " 400 " in l]

    def test_each_refusal_is_answered(self):
        a = self.irc_register("alice")
        b = self.irc_register("bob")
        for who in (a, b):
            who.send("JOIN #refused")
            self.sync(who, "joined")
        cases = [
            (b"PRIVMSG #refused :before\0after", "PRIVMSG",
             "NUL or a bare CR"),
            (b"PRIVMSG #refused :bare\rcr", "PRIVMSG", "NUL or a bare CR"),
            (b"@=nokey PRIVMSG #refused :hi", "PRIVMSG",
             "malformed message tags"),
            (b"@;;; PRIVMSG #refused :hi", "PRIVMSG",
             "malformed message tags"),
            (b"@+a=b", "*", "no command"),
            (b":alice", "*", "no command"),
        ]
        for i, (raw, cmd, why) in enumerate(cases):
            got = self.refused(a, raw, "t%d" % i)
            self.assertEqual(len(got), 1, (raw, got))
            self.assertIn(" 400 alice %s :Message rejected: " % cmd, got[0])
            self.assertIn(why, got[0])
        # None of it reached the room.
        lines = self.sync(b, "room")
        self.assertEqual([l for l in lines if "PRIVMSG" in l], [])
        # A spaces-only line is ignored like an empty one.
        self.assertEqual(self.refused(a, b"   ", "blank"), [])

    def test_refusal_before_registration(self):
        c = self.connect("irc")
        c.sendraw(b"NICK x\0y\r\n")
        line = c.read_until(lambda l: " 400 " in l)[-1]
        self.assertIn(" 400 * NICK :Message rejected: it contains a NUL",
                      line)


if __name__ == "__main__":
    unittest.main()
