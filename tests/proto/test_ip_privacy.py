"""No client address in any output: every protocol talks from a
distinctive loopback address (127.45.67.89, and ::1 over IPv6), and no
byte of any reply -- to that client, to others watching it, to a
moderator's hearthmod -- holds the address in any usual spelling.  The
log and the database must not hold it either (keyed hashes only)."""

import base64
import os
import re
import socket
import ssl
import subprocess
import tempfile
import unittest

from hearth_test import (BAD_LOG_MARKERS, HEARTHMOD, SCALE, Hearthd,
                         LineClient, tls_client_context)
from irc_helpers import Irc
from nntp_helpers import NNTPClient, PASSWORD, article_bytes

V4 = "127.45.67.89"
V6 = "::1"


def spellings(addr):
    """The ways an address shows up in text."""
    if addr == V6:
        return [b"::1", b"0:0:0:0:0:0:0:1", b"00000000000000000000000000000001"]
    parts = [int(p) for p in addr.split(".")]
    n = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
    hexa = "%08x" % n
    return [addr.encode(), ("::ffff:" + addr).encode(),
            hexa.encode(), hexa.upper().encode(), str(n).encode(),
            "-".join(addr.split(".")).encode(),
            ".".join(reversed(addr.split("."))).encode(),
            ("::ffff:%s:%s" % (hexa[:4], hexa[4:])).encode()]


class Tap:
    """A socket that keeps a copy of everything it receives."""

    def __init__(self, sock, sink):
        self.sock = sock
        self.sink = sink

    def recv(self, n):
        data = self.sock.recv(n)
        self.sink.append(data)
        return data

    def sendall(self, data):
        return self.sock.sendall(data)

    def settimeout(self, t):
        return self.sock.settimeout(t)

    def close(self):
        return self.sock.close()


class IpPrivacy(unittest.TestCase):

    def setUp(self):
        self.h = Hearthd("rate_per_second = 100000\nrate_burst = 100000\n"
                         "http_rate_per_second = 100000\n"
                         "http_rate_burst = 100000\n",
                         ("nntp", "nntps", "irc", "ircs", "http", "https",
                          "admins"), ipv6=True)
        self.h.start()
        self.seen = {}          # address -> received chunks
        self.clients = []
        self.h.add_account("watched", PASSWORD)
        self.h.add_account("watched6", PASSWORD)
        self.h.add_account("mod", PASSWORD, "moderator")
        self.h.add_account("boss", PASSWORD, "admin")

    def tearDown(self):
        for c in self.clients:
            c.close()
        rc = self.h.stop()
        log = self.h.log()
        for marker in BAD_LOG_MARKERS:
            self.assertNotIn(marker, log)
        self.assertEqual(rc, 0, log[-3000:])
        self.h.cleanup()

    def assertClean(self, data, addr, what):
        for s in spellings(addr):
            self.assertNotIn(s, data, "%s shows %r" % (what, s))

    def lc(self, proto, addr, observer=False):
        """A LineClient to PROTO from ADDR whose input is recorded under
        ADDR (or under "observer" for a client watching it)."""
        fam = socket.AF_INET6 if addr == V6 else socket.AF_INET
        c = LineClient(self.h.addr(proto, fam), tls=proto.endswith("s"),
                       family=fam, source=addr)
        self.assertEqual(c.sock.getsockname()[0], addr)
        c.sock = Tap(c.sock, self.seen.setdefault(
            "observer" if observer else addr, []))
        self.clients.append(c)
        return c

    def received(self, key):
        return b"".join(self.seen.get(key, []))

    # NNTP

    def nntp_session(self, proto, addr, name):
        c = NNTPClient(self.lc(proto, addr))
        c.lc.readline()
        c.multi("CAPABILITIES", "101")
        c.cmd("MODE READER")
        self.assertTrue(c.login(name).startswith("281"))
        c.multi("CAPABILITIES", "101")
        r, c2 = c.post([("From", "%s <%s@example.org>" % (name, name)),
                        ("Newsgroups", "support.oncology"),
                        ("Subject", "from %s over %s" % (name, proto))])
        self.assertTrue(c2.startswith("240"), c2)
        mid = c2.split()[-1]
        c.cmd("GROUP support.oncology")
        for cmd in ("ARTICLE", "HEAD"):
            c.multi("%s %s" % (cmd, mid), "22")
        c.multi("OVER " + mid, "224")
        for h in ("Path", "NNTP-Posting-Host", "X-Trace", "Injection-Info",
                  "X-Originating-IP", "Xref", "Message-ID"):
            c.multi("HDR %s %s" % (h, mid), "225")
        c.multi("LIST", "215")
        c.multi("HELP", "100")
        c.cmd("DATE")
        c.cmd("NOSUCHCOMMAND")
        c.cmd("QUIT")
        return mid

    def test_nntp(self):
        mids = []
        for proto in ("nntp", "nntps"):
            mids.append(self.nntp_session(proto, V4, "watched"))
            mids.append(self.nntp_session(proto, V6, "watched6"))
        # Someone else reads those articles in full.
        o = NNTPClient(self.lc("nntps", "127.0.0.1", observer=True))
        o.lc.readline()
        for mid in mids:
            o.multi("ARTICLE " + mid, "220")
        self.assertTrue(o.cmd("GROUP support.oncology").startswith("211"))
        o.multi("OVER 1-", "224")
        o.multi("NEWNEWS * 19990101 000000", "230")
        for addr in (V4, V6):
            self.assertClean(self.received(addr), addr, "NNTP replies")
            self.assertClean(self.received("observer"), addr,
                             "NNTP to a reader")

    # IRC

    def irc(self, proto, addr, nick, observer=False, caps=()):
        c = Irc(self.lc(proto, addr, observer))
        if caps:
            c.send("CAP LS 302")
            c.send("CAP REQ :" + " ".join(caps))
            c.until(" ACK ")
        c.send("NICK " + nick)
        c.send("USER %s 0 * :%s" % (nick, nick))
        if caps:
            c.send("CAP END")
        c.until(" 001 ")
        c.sync()
        return c

    def test_irc(self):
        caps = ("userhost-in-names", "chghost", "extended-join",
                "account-notify", "away-notify", "multi-prefix",
                "account-tag")
        o = self.irc("ircs", "127.0.0.1", "observer", True, caps)
        o.cmd("JOIN #ipcheck")
        for proto, addr, nick, acct in (("irc", V4, "w4plain", "watched"),
                                        ("ircs", V4, "w4tls", "watched"),
                                        ("irc", V6, "w6plain", "watched6"),
                                        ("ircs", V6, "w6tls", "watched6")):
            t = self.irc(proto, addr, nick, caps=caps)
            t.cmd("JOIN #ipcheck")
            o.sync()
            t.cmd("PRIVMSG #ipcheck :hello from " + nick)
            for c in (t, o):
                c.cmd("NAMES #ipcheck")
                c.cmd("WHO #ipcheck")
                c.cmd("WHO %s %%tcuihsnfdlaor,42" % nick)
                c.cmd("WHOIS " + nick)
                c.cmd("WHOIS %s %s" % (nick, nick))
                c.cmd("USERHOST " + nick)
                c.cmd("USERIP " + nick)
            # Signing in changes the cloak: CHGHOST to the watchers.
            t.cmd("PRIVMSG Helper :IDENTIFY %s %s" % (acct, PASSWORD))
            t.send("AUTHENTICATE PLAIN")
            t.cmd("NS IDENTIFY %s %s" % (acct, PASSWORD))
            t.cmd("AWAY :back soon")
            t.cmd("MODE " + nick)
            t.cmd("STATS u")
            t.cmd("STATS l")
            t.cmd("LUSERS")
            t.cmd("ADMIN")
            t.cmd("INFO")
            t.cmd("PRIVMSG Helper :REPORT %s :testing reports" % "observer")
            t.send("QUIT :bye")
            t.is_closed()
            o.sync()
            o.cmd("WHOWAS " + nick)
        # A login changes a live user's host: watchers get CHGHOST.
        t = self.irc("ircs", V4, "w4sasl", caps=caps)
        t.cmd("JOIN #ipcheck")
        t.cmd("REGISTER freshname * :a long enough password")
        o.sync()
        self.assertIn(b"CHGHOST", self.received("observer"))
        t.cmd("PRIVMSG #ipcheck :signed in now")
        o.sync()
        for addr in (V4, V6):
            self.assertClean(self.received(addr), addr, "IRC replies")
            self.assertClean(self.received("observer"), addr,
                             "IRC to other users")

    # HTTP

    def http(self, proto, addr, path, auth=None):
        fam = socket.AF_INET6 if addr == V6 else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(10 * SCALE)
        s.bind((addr, 0))
        s.connect(self.h.addr(proto, fam))
        if proto == "https":
            s = tls_client_context().wrap_socket(s,
                                                 server_hostname="hearth.test")
        req = "GET %s HTTP/1.1\r\nHost: hearth.test\r\nConnection: close\r\n" \
            % path
        if auth:
            req += "Authorization: Basic %s\r\n" % base64.b64encode(
                ("%s:%s" % auth).encode()).decode()
        s.sendall((req + "\r\n").encode())
        out = b""
        while True:
            try:
                d = s.recv(65536)
            except (ssl.SSLError, ConnectionResetError):
                break
            if not d:
                break
            out += d
        s.close()
        self.seen.setdefault(addr, []).append(out)
        return out

    def test_http(self):
        for addr, name in ((V4, "watched"), (V6, "watched6")):
            c = NNTPClient(self.lc("nntps", addr))
            c.lc.readline()
            self.assertTrue(c.login(name).startswith("281"))
            r, c2 = c.post([("From", "x@example.org"),
                            ("Newsgroups", "support.oncology"),
                            ("Subject", "feed me")])
            mid = c2.split()[-1]
            for proto in ("http", "https"):
                for path in ("/", "/healthz", "/events.ics",
                             "/feeds/events.atom",
                             "/feeds/groups/support.oncology.atom",
                             "/feeds/groups/support.oncology.rss",
                             "/feeds/threads/%s.atom" % mid[1:-1],
                             "/nope", "/feeds/groups/none.atom"):
                    self.assertIn(b"HTTP/1.1 ", self.http(proto, addr, path))
                for path in ("/me/export.json", "/me/articles.mbox",
                             "/feeds/groups/support.autism.parents.atom"):
                    body = self.http(proto, addr, path, (name, PASSWORD))
                    self.assertTrue(body.startswith(b"HTTP/1.1 200") or
                                    body.startswith(b"HTTP/1.1 403"), body)
                self.http(proto, addr, "/me/export.json", (name, "wrong!!"))
            self.assertClean(self.received(addr), addr, "HTTP")

    # What moderators see

    def remote(self, user, *args):
        r = subprocess.run(
            [HEARTHMOD, "--connect", "127.0.0.1:%d" % self.h.port("admins"),
             "--user", user, "--insecure", "--password-file", "-"] +
            list(args), input=PASSWORD + "\n", capture_output=True,
            text=True, timeout=30 * SCALE)
        return (r.stdout + r.stderr).encode()

    def test_moderators_and_exports(self):
        posted, nntp = {}, {}
        for addr, name in ((V4, "watched"), (V6, "watched6")):
            c = NNTPClient(self.lc("nntps", addr))
            c.lc.readline()
            self.assertTrue(c.login(name).startswith("281"))
            r, c2 = c.post([("From", "x@example.org"),
                            ("Newsgroups", "support.oncology"),
                            ("Subject", "to be reported")])
            posted[name] = c2.split()[-1]
            nntp[name] = c
        # Each reports the other's article, over NNTP and over IRC.
        for addr, name, other in ((V4, "watched", "watched6"),
                                  (V6, "watched6", "watched")):
            mid = posted[other]
            r, c3 = nntp[name].post([("From", "x@example.org"),
                                     ("Newsgroups", "hearth.report"),
                                     ("Subject", "Re: to be reported"),
                                     ("References", mid)],
                                    body="Please look.\n")
            self.assertIn("report", c3)
            self.assertTrue(c3.startswith("240"), c3)
            t = Irc(self.lc("ircs", addr))
            t.send("CAP LS 302")
            t.send("CAP REQ :sasl")
            t.until(" ACK ")
            t.send("AUTHENTICATE PLAIN")
            t.until("AUTHENTICATE +")
            t.send("AUTHENTICATE " + base64.b64encode(
                ("\0%s\0%s" % (name, PASSWORD)).encode()).decode())
            t.until(" 903 ")
            t.send("NICK " + name)
            t.send("USER x 0 * :x")
            t.send("CAP END")
            t.until(" 001 ")
            t.cmd("JOIN #ipcheck")
            t.cmd("PRIVMSG #ipcheck :something to report")
            t.cmd("PRIVMSG Helper :REPORT %s spam" % mid)
            t.cmd("PRIVMSG Helper :REPORT %s rude" % ("watched6" if
                                                     name == "watched"
                                                     else "watched"))
            t.cmd("PRIVMSG Helper :ACTIONS")
            t.cmd("PRIVMSG Helper :EXPORT")
        out = b""
        out += self.remote("mod", "queue")
        out += self.remote("mod", "--json", "queue")
        ids = re.findall(rb'"id":"(\d+)"', out)
        self.assertTrue(ids, out)
        for i in ids:
            out += self.remote("mod", "show", i.decode())
        # The shows hold the reports these clients made, both ways.
        self.assertIn(b"watched\tnntp\t", out)
        self.assertIn(b"watched6\tirc\t", out)
        out += self.remote("mod", "log")
        out += self.remote("mod", "--json", "log")
        out += self.remote("mod", "account", "list")
        out += self.remote("mod", "status")
        out += self.remote("mod", "sanctions")
        d = tempfile.mkdtemp(dir=self.h.dir)
        for name in ("watched", "watched6"):
            out += self.remote("boss", "account", "export", name, "--output",
                               d)
            for f in os.listdir(d):
                with open(os.path.join(d, f), "rb") as fh:
                    data = fh.read()
                out += data
                if f == "member.json":
                    self.assertIn(b"sign_ins", data)
        for addr in (V4, V6):
            self.assertClean(out, addr, "hearthmod output and exports")
            self.assertClean(self.received(addr), addr, "replies")
        # Nothing at rest either: the log, the database, its WAL.  (Only
        # the IPv4 address: the log names the server's own [::1]
        # listeners.)
        for addr in (V4,):
            self.assertClean(self.h.log().encode(), addr, "hearthd log")
            for f in os.listdir(self.h.dir):
                if f.startswith("hearth.db"):
                    with open(os.path.join(self.h.dir, f), "rb") as fh:
                        self.assertClean(fh.read(), addr, f)


if __name__ == "__main__":
    unittest.main()
