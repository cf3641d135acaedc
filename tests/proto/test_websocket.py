"""IRC over WebSocket (issue 16, item 4): the IRCv3 WebSocket
specification and RFC 6455 through the real server, with a WebSocket
client written from the RFC (ws_client.py): the subprotocols, the
opening handshake and its refusals, framing rules (masking,
fragmentation, control frames, message size, UTF-8), the close
handshake, and IRC's own limits applying to a member who came by
WebSocket as to any other.
"""

import socket
import struct
import time
import unittest

from hearth_test import BAD_LOG_MARKERS, SCALE, Hearthd, LineClient
from irc_helpers import Irc, parse
from ws_client import (BINARY, CLOSE, CONT, PING, PONG, TEXT,
                       HandshakeRefused, WsClient, frame, raw_request)

PROTOS = ("irc", "http", "https", "websocket", "websockets")


class WsCase(unittest.TestCase):
    """One hearthd per class; its log is checked at the end."""

    extra_config = ""
    extra_bytes = b""

    @classmethod
    def setUpClass(cls):
        cls.h = Hearthd(cls.extra_config, PROTOS)
        if cls.extra_bytes:
            with open(cls.h.conf, "ab") as f:
                f.write(cls.extra_bytes)
        cls.h.start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.h.stop()
        log = cls.h.log()
        for marker in BAD_LOG_MARKERS:
            assert marker not in log, "hearthd log:\n" + log[-4000:]
        assert rc == 0, "hearthd exit %s; log:\n%s" % (rc, log[-4000:])
        cls.h.cleanup()

    def setUp(self):
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()

    def ws(self, listener="http", path="/irc", **kw):
        """A WsClient after a successful handshake."""
        c = WsClient(self.h.addr(listener), path=path,
                     tls=listener in ("https", "websockets"), **kw)
        self.clients.append(c)
        return c

    def irc(self, nick, lc=None):
        """A registered IRC client over LC (default: plain IRC)."""
        if lc is None:
            lc = LineClient(self.h.addr("irc"))
            self.clients.append(lc)
        c = Irc(lc)
        c.send("NICK " + nick)
        c.send("USER %s 0 * :Test %s" % (nick, nick))
        welcome = c.until(" 001 ")[-1]
        c.sync()
        c.nick = nick
        c.welcome = welcome
        return c

    def refused(self, status, **kw):
        with self.assertRaises(HandshakeRefused) as cm:
            self.ws(**kw)
        self.assertEqual(cm.exception.status, status, cm.exception.body)
        return cm.exception


class Subprotocols(WsCase):
    """binary.ircv3.net, text.ircv3.net, none; registration and a room
    shared with a plain IRC client, on every listener that takes it."""

    def exchange(self, web, nick, room):
        plain = self.irc("plain" + nick)
        w = self.irc(nick, web)
        # The address is the TCP peer's, cloaked as for any member.
        self.assertEqual(w.welcome.split("@")[-1],
                         plain.welcome.split("@")[-1])
        for c in (plain, w):
            c.cmd("JOIN " + room)
        plain.sync()
        w.send("PRIVMSG %s :привет from the web" % room)
        got = plain.until(" PRIVMSG ")[-1]
        _, src, _, params = parse(got)
        self.assertTrue(src.startswith(nick + "!"), got)
        self.assertEqual(params, [room, "привет from the web"])
        plain.send("PRIVMSG %s :hello from irssi" % room)
        got = w.until(" PRIVMSG ")[-1]
        _, src, _, params = parse(got)
        self.assertTrue(src.startswith(plain.nick + "!"), got)
        self.assertEqual(params, [room, "hello from irssi"])
        w.send("QUIT :bye")
        self.assertIn("QUIT", plain.until(" QUIT ")[-1])
        # The goodbye is a close frame with 1000 after ERROR.
        self.assertEqual(web.close_code_after(), 1000)
        self.assertTrue(web.tcp_closed())

    def test_text(self):
        web = self.ws(subprotocols=["text.ircv3.net"])
        self.assertEqual(web.subprotocol, "text.ircv3.net")
        self.exchange(web, "webtext", "#ws-text")

    def test_binary(self):
        web = self.ws(subprotocols=["binary.ircv3.net"])
        self.assertEqual(web.subprotocol, "binary.ircv3.net")
        self.assertTrue(web.binary)
        self.exchange(web, "webbin", "#ws-bin")

    def test_none_is_text(self):
        web = self.ws()
        self.assertIsNone(web.subprotocol)
        self.exchange(web, "webnone", "#ws-none")

    def test_preference_order(self):
        a = self.ws(subprotocols=["binary.ircv3.net", "text.ircv3.net"])
        self.assertEqual(a.subprotocol, "binary.ircv3.net")
        b = self.ws(subprotocols=["text.ircv3.net", "binary.ircv3.net"])
        self.assertEqual(b.subprotocol, "text.ircv3.net")
        # Unknown ones are passed over; none left: no header, text.
        c = self.ws(subprotocols=["chat", "text.ircv3.net"])
        self.assertEqual(c.subprotocol, "text.ircv3.net")
        d = self.ws(subprotocols=["chat"])
        self.assertIsNone(d.subprotocol)

    def test_https_listener(self):
        web = self.ws("https", subprotocols=["text.ircv3.net"])
        self.exchange(web, "webtls", "#ws-tls")

    def test_own_listener(self):
        # Any path: web clients are configured with a bare URL.
        web = self.ws("websocket", path="/", subprotocols=["text.ircv3.net"])
        self.exchange(web, "webown", "#ws-own")
        web = self.ws("websockets", path="/webirc",
                      subprotocols=["binary.ircv3.net"])
        self.exchange(web, "webowntls", "#ws-owntls")

    def test_relayed_lines_fit_512(self):
        # RFC 2812 2.3 for what is relayed, whichever door: a 510-byte
        # line grows by its source and is cut to 510 bytes (and never
        # inside a character), over WebSocket and plain IRC alike.
        plain = self.irc("cutplain")
        web = self.ws(subprotocols=["text.ircv3.net"])
        w = self.irc("cutweb", web)
        for src, dst in ((w, plain), (plain, w)):
            prefix = "PRIVMSG %s :" % dst.nick
            src.send(prefix + "я" * ((510 - len(prefix)) // 2))
            got = dst.until(" PRIVMSG ")[-1]
            self.assertLessEqual(len(got.encode()), 510, got)
            self.assertGreater(len(got.encode()), 505, got)
            self.assertTrue(got.endswith("яя"), got)

    def test_http_still_http(self):
        # The rest of the HTTP listener is untouched.
        status, _, body = raw_request(
            self.h.addr("http"), "GET /healthz HTTP/1.1\r\nHost: x\r\n"
            "Connection: close\r\n\r\n")
        self.assertEqual(status, 200, body)


class Handshake(WsCase):
    """RFC 6455 §4.2: what is refused, with which HTTP error."""

    extra_config = "websocket_origins = https://kiwi.example.org " \
                   "https://gamja.example.net:8443\n"

    def test_wrong_version(self):
        e = self.refused(426, version="8")
        self.assertEqual(e.headers.get("sec-websocket-version"), "13")
        self.assertIn("Sec-WebSocket-Version", e.body)
        e = self.refused(426, version=None)
        self.assertEqual(e.headers.get("sec-websocket-version"), "13")

    def test_missing_or_bad_key(self):
        e = self.refused(400, key="")
        self.assertIn("Sec-WebSocket-Key", e.body)
        self.refused(400, key="c2hvcnQ=")           # 5 bytes
        self.refused(400, key="!!!!!!!!!!!!!!!!!!!!!!==")

    def test_not_an_upgrade(self):
        status, headers, body = raw_request(
            self.h.addr("http"), "GET /irc HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(status, 426, body)
        self.assertEqual(headers.get("upgrade"), "websocket")
        self.assertIn("WebSocket", body)
        status, _, body = raw_request(
            self.h.addr("websocket"), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(status, 426, body)
        # HTTP/1.0 cannot upgrade.
        self.refused(426, http="HTTP/1.0")

    def test_method(self):
        e = self.refused(405, method="POST")
        self.assertEqual(e.headers.get("allow"), "GET")

    def test_origin(self):
        host = "%s:%d" % self.h.addr("http")
        # Not listed: 403 before any upgrade.
        e = self.refused(403, origin="https://evil.example.com")
        self.assertIn("websocket_origins", e.body)
        self.refused(403, origin="null")
        self.refused(403, origin="http://kiwi.example.org")   # scheme
        self.refused(403, origin="https://gamja.example.net")  # port
        # The server's own page (the Host it was asked as), the listed
        # ones (default port or not, any case), and non-browsers.
        self.ws(origin="http://" + host)
        self.ws(origin="https://KIWI.example.org")
        self.ws(origin="https://kiwi.example.org:443")
        self.ws(origin="https://gamja.example.net:8443")
        self.ws()
        https = self.h.addr("https")
        self.ws("https", origin="https://%s:%d" % https)
        self.ws("https", origin="https://hearth.test:%d" % https[1])
        self.refused(403, listener="https",
                     origin="http://%s:%d" % https)


class AnyOrigin(WsCase):
    extra_config = "websocket_origins = *\n"

    def test_star(self):
        self.ws(origin="https://anything.example")


class Framing(WsCase):
    """RFC 6455 §5 as the server keeps it, and the IRC framing of the
    IRCv3 specification."""

    extra_bytes = b"motd = caf\xe9 \xf0\x9f\x98\x80 ok\n"

    def test_fragmented_message_with_ping_between(self):
        plain = self.irc("fragplain")
        web = self.ws(subprotocols=["text.ircv3.net"])
        self.irc("fragweb", web)
        for c in (plain,):
            c.cmd("JOIN #ws-frag")
        web.send("JOIN #ws-frag")
        web.send_frame(TEXT, b"PRIVMSG #ws-frag :one ", fin=False)
        web.send_frame(PING, b"are you there")
        web.send_frame(CONT, "два ".encode(), fin=False)
        web.send_frame(CONT, b"three", fin=True)
        got = plain.until(" PRIVMSG ")[-1]
        self.assertTrue(got.endswith(":one два three"), got)
        Irc(web).sync()
        self.assertEqual(web.pongs, [b"are you there"])

    def test_several_messages_one_write_and_trailing_crlf(self):
        web = self.ws()
        web.sendraw(frame(TEXT, b"NICK crlfweb\r\n") +
                    frame(TEXT, b"USER a 0 * :b\n"))
        web.read_until(lambda l: " 001 " in l)

    def test_line_inside_message(self):
        web = self.ws()
        web.send("NICK inner\r\nUSER a 0 * :b")
        self.assertEqual(web.close_code_after(), 1007)
        self.assertTrue(web.tcp_closed())

    def test_oversized_frame_1009(self):
        web = self.ws()
        self.irc("bigframe", web)
        # Announced far past the line cap: refused before its payload.
        web.sendraw(frame(TEXT, b"PRIVMSG #x :" + b"a" * 100,
                          length=1 << 20))
        self.assertEqual(web.close_code_after(), 1009)
        self.assertTrue(web.tcp_closed())

    def test_oversized_fragmented_1009(self):
        web = self.ws()
        self.irc("bigfrag", web)
        web.send_frame(TEXT, b"PRIVMSG #x :" + b"a" * 6000, fin=False)
        web.send_frame(CONT, b"b" * 6000, fin=False)
        self.assertEqual(web.close_code_after(), 1009)

    def test_long_line_same_as_plain(self):
        # A message as long as irc_max_line is a line: the line reader
        # and IRC answer it exactly as they answer a plain client.
        plain = self.irc("maxplain")
        web = self.ws()
        w = self.irc("maxweb", web)
        body = "PRIVMSG nobody :"
        line = body + "x" * (512 + 8191 - len(body))
        answers = [[parse(l)[2] for l in c.cmd(line)] for c in (plain, w)]
        self.assertTrue(answers[0], answers)
        self.assertEqual(answers[0], answers[1])

    def test_unmasked_frame_1002(self):
        web = self.ws()
        web.sendraw(frame(TEXT, b"NICK unmasked", mask=False))
        self.assertEqual(web.close_code_after(), 1002)
        self.assertTrue(web.tcp_closed())

    def test_control_frames(self):
        # Over 125 bytes, or fragmented: protocol errors.
        web = self.ws()
        web.send_frame(PING, b"p" * 126)
        self.assertEqual(web.close_code_after(), 1002)
        web = self.ws()
        web.send_frame(PING, b"p", fin=False)
        self.assertEqual(web.close_code_after(), 1002)
        # Reserved bits (no extension) and unknown opcodes.
        web = self.ws()
        web.send_frame(TEXT, b"NICK rsv", rsv=4)
        self.assertEqual(web.close_code_after(), 1002)
        web = self.ws()
        web.send_frame(3, b"x")
        self.assertEqual(web.close_code_after(), 1002)
        # A continuation with nothing to continue.
        web = self.ws()
        web.send_frame(CONT, b"x")
        self.assertEqual(web.close_code_after(), 1002)

    def test_invalid_utf8_text_frame_1007(self):
        web = self.ws(subprotocols=["text.ircv3.net"])
        web.send_frame(TEXT, b"NICK caf\xe9")
        self.assertEqual(web.close_code_after(), 1007)
        self.assertTrue(web.tcp_closed())

    def test_non_utf8_binary_frame_is_irc_business(self):
        # A binary message may hold any bytes; Hearth is UTF8ONLY, so
        # IRC answers as it does on a plain connection.
        web = self.ws(subprotocols=["binary.ircv3.net"])
        web.send(b"NICK caf\xe9")
        got = web.read_until(lambda l: "INVALID_UTF8" in l)[-1]
        self.assertIn("FAIL NICK INVALID_UTF8", got)
        plain = Irc(LineClient(self.h.addr("irc")))
        self.clients.append(plain.lc)
        plain.send(b"NICK caf\xe9")
        self.assertIn("FAIL NICK INVALID_UTF8",
                      plain.until("INVALID_UTF8")[-1])

    def test_server_non_utf8_in_text_mode(self):
        # The operator's MOTD has a Latin-1 byte: a text message gets
        # U+FFFD in its place, a binary one the bytes as they are.
        text = self.ws(subprotocols=["text.ircv3.net"])
        text.send("NICK motdtext")
        text.send("USER a 0 * :b")
        while True:
            op, payload = text.recv_message()
            self.assertEqual(op, TEXT)
            payload.decode("utf-8")         # never raises
            if b" 372 " in payload and b"caf" in payload:
                self.assertTrue(payload.endswith(
                    "caf\ufffd \U0001f600 ok".encode()), payload)
                break
        binary = self.ws(subprotocols=["binary.ircv3.net"])
        binary.send("NICK motdbin")
        binary.send("USER a 0 * :b")
        while True:
            op, payload = binary.recv_message()
            self.assertEqual(op, BINARY)
            if b" 372 " in payload and b"caf" in payload:
                self.assertTrue(payload.endswith(
                    "caf\xe9 ".encode("latin-1") +
                    "\U0001f600 ok".encode()), payload)
                break

    def test_client_close(self):
        plain = self.irc("closeplain")
        web = self.ws()
        w = self.irc("closeweb", web)
        plain.cmd("JOIN #ws-close")
        w.cmd("JOIN #ws-close")
        plain.sync()
        # A line, then the close at once: the line is still read.
        web.sendraw(frame(TEXT, b"PRIVMSG #ws-close :last words") +
                    frame(CLOSE, struct.pack("!H", 1000) + b"bye"))
        self.assertTrue(plain.until(" PRIVMSG ")[-1].endswith(
            ":last words"))
        fin, op, payload = web.recv_frame()
        while op != CLOSE:
            fin, op, payload = web.recv_frame()
        self.assertEqual(struct.unpack("!H", payload[:2])[0], 1000)
        self.assertTrue(web.tcp_closed())
        plain.until(lambda l: " QUIT " in l and "closeweb" in l)

    def test_frames_right_behind_the_request(self):
        # A client may send its first frames with the request.
        addr = self.h.addr("http")
        s = socket.create_connection(addr, timeout=5 * SCALE)
        self.clients.append(s)
        key = "dGhlIHNhbXBsZSBub25jZQ=="
        s.sendall(("GET /irc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n" % key).encode() +
                  frame(TEXT, b"NICK eager") + frame(TEXT, b"USER a 0 * :b"))
        c = WsClient.__new__(WsClient)
        c.sock, c.buf, c.binary, c.close_code, c.pongs = s, b"", False, \
            None, []
        status, headers, _ = c._read_head()
        self.assertEqual(status, 101)
        # RFC 6455's own example key and answer.
        self.assertEqual(headers["sec-websocket-accept"],
                         "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        c.read_until(lambda l: " 001 " in l)


class Limits(WsCase):
    """IRC's limits hold for a member who came by WebSocket: the idle
    (registration) timeout, the flood cut-off, the per-address cap and
    the line cap are the same as on a plain connection."""

    extra_config = ("idle_timeout = 5\nrate_per_second = 2\n"
                    "rate_burst = 5\nmax_connections_per_ip = 4\n")

    def test_idle_registration_timeout(self):
        # idle_timeout is 5 s: the sockets wait longer.
        plain = LineClient(self.h.addr("irc"), source="127.0.0.21",
                           timeout=20)
        self.clients.append(plain)
        web = self.ws(source="127.0.0.22", timeout=20)
        t0 = time.time()
        pl = plain.read_until(lambda l: l.startswith("ERROR"), 50)[-1]
        wl = web.read_until(lambda l: l.startswith("ERROR"), 50)[-1]
        self.assertIn("Registration timeout", pl)
        self.assertEqual(wl, pl)
        self.assertLess(time.time() - t0, 15 * SCALE)
        self.assertEqual(web.close_code_after(), 1000)
        self.assertTrue(plain.is_closed())

    def test_flood(self):
        plain = self.irc("floodplain",
                         LineClient(self.h.addr("irc"), source="127.0.0.31"))
        self.clients.append(plain.lc)
        web = self.ws(source="127.0.0.32")
        w = self.irc("floodweb", web)
        line = "PRIVMSG floodplain :" + "x" * 200
        lines = {}
        for c in (plain, w):
            try:
                for _ in range(400):
                    c.send(line)
            except OSError:
                pass
        for c in (plain, w):
            try:
                got = c.until(lambda l: l.startswith("ERROR"), 5000)[-1]
            except EOFError:
                got = "closed without ERROR"
            lines[c.nick] = got
        self.assertIn("Excess Flood", lines["floodplain"])
        self.assertIn("Excess Flood", lines["floodweb"])

    def test_per_address_limit(self):
        held = [self.ws(source="127.0.0.41") for _ in range(4)]
        self.assertEqual(len(held), 4)
        # The fifth from that address: refused before the handshake,
        # as any connection past max_connections_per_ip.
        e = self.refused(503, source="127.0.0.41")
        self.assertIn("Too many connections", e.body)
        c = LineClient(self.h.addr("irc"), source="127.0.0.41")
        self.clients.append(c)
        self.assertIn("Too many connections",
                      c.read_until(lambda l: l.startswith("ERROR"))[-1])
        # Another address is not affected.
        self.irc("otheraddr", self.ws(source="127.0.0.42"))


if __name__ == "__main__":
    unittest.main()
