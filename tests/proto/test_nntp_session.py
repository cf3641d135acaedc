"""NNTP session extensions over real sockets: AUTHINFO USER/PASS and SASL
PLAIN (RFC 4643), STARTTLS (RFC 4642/8143), nntplib over NNTPS and
STARTTLS, COMPRESS DEFLATE (RFC 8054), IHAVE and streaming for peers
(RFC 4644), and long replies that stay under the output cap."""

import base64
import os
import socket
import sqlite3
import ssl
import time
import unittest
import warnings
import zlib

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib

from hearth_test import LineClient, tls_client_context
from nntp_helpers import (NNTPCase, NNTPClient, FAST, PASSWORD,
                          article_bytes)


def plain(user, password, authz=""):
    return base64.b64encode(("%s\0%s\0%s" % (authz, user, password))
                            .encode()).decode()


class Authinfo(NNTPCase):

    def test_user_pass(self):
        self.account("alice")
        c = self.client()
        self.assertEqual(c.code("AUTHINFO PASS x"), "482")
        self.assertEqual(c.code("AUTHINFO USER alice"), "381")
        self.assertEqual(c.code("AUTHINFO PASS wrong password"), "481")
        self.assertEqual(c.code("AUTHINFO USER nobody"), "381")
        self.assertEqual(c.code("AUTHINFO PASS " + PASSWORD), "481")
        # The password is the rest of the line (it has spaces).
        r = c.login("alice")
        self.assertEqual(r, "281 Authentication accepted, welcome alice")
        self.assertEqual(c.code("AUTHINFO USER alice"), "502")
        self.assertEqual(c.code("AUTHINFO SASL PLAIN"), "502")
        self.assertEqual(c.code("STARTTLS"), "502")
        self.assertEqual(c.code("POST"), "340")
        c.lc.sendraw(b".\r\n")
        self.assertEqual(c.lc.readline()[:3], "441")
        log = self.h.log()
        self.assertIn("login account=alice", log)
        for secret in (PASSWORD, "wrong password", "horse"):
            self.assertNotIn(secret, log)

    def test_sasl_plain(self):
        self.account("alice")
        c = self.client()
        self.assertEqual(c.code("AUTHINFO SASL CRAM-MD5"), "503")
        self.assertEqual(c.code("AUTHINFO SASL PLAIN " +
                                plain("alice", "nope nope")), "481")
        self.assertEqual(c.code("AUTHINFO SASL PLAIN !!notbase64"), "504")
        self.assertEqual(c.cmd("AUTHINFO SASL PLAIN"), "383 =")
        self.assertEqual(c.code("*"), "481")
        self.assertEqual(c.cmd("AUTHINFO SASL PLAIN"), "383 =")
        self.assertEqual(c.code(plain("alice", PASSWORD)), "281")
        c2 = self.client()
        self.assertEqual(c2.code("AUTHINFO SASL PLAIN " +
                                 plain("alice", PASSWORD, "bob")), "481")
        self.assertEqual(c2.code("AUTHINFO SASL PLAIN " +
                                 plain("alice", PASSWORD, "alice")), "281")
        self.assertNotIn(PASSWORD, self.h.log())

    def test_failed_logins_close_the_connection(self):
        # A real account: an unknown one costs a full-strength scrypt of
        # the dummy hash per try, too slow under sanitizers.
        self.account("alice")
        c = self.client()
        for _ in range(4):
            c.cmd("AUTHINFO USER alice")
            self.assertEqual(c.code("AUTHINFO PASS guess"), "481")
        c.cmd("AUTHINFO USER alice")
        self.assertEqual(c.code("AUTHINFO PASS guess"), "400")
        self.assertTrue(c.lc.is_closed())


class EncryptionRequired(NNTPCase):
    extra_config = FAST + "allow_plaintext_auth_on_loopback = no\n"

    def test_483_in_clear_ok_over_tls(self):
        self.account("alice")
        c = self.client()
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("AUTHINFO", caps)
        self.assertNotIn("AUTHINFO USER SASL", caps)
        self.assertFalse(any(l.startswith("SASL") for l in caps), caps)
        self.assertEqual(c.code("AUTHINFO USER alice"), "483")
        self.assertEqual(c.code("AUTHINFO PASS " + PASSWORD), "483")
        self.assertEqual(c.code("AUTHINFO SASL PLAIN " +
                                plain("alice", PASSWORD)), "483")
        t = self.client("nntps")
        r, caps = t.multi("CAPABILITIES", "101")
        self.assertIn("AUTHINFO USER SASL", caps)
        self.assertNotIn("STARTTLS", caps)
        self.assertEqual(t.code("STARTTLS"), "502")
        self.assertTrue(t.login("alice").startswith("281"))

    def test_starttls_then_auth(self):
        self.account("alice")
        c = self.client()
        self.assertEqual(c.code("STARTTLS extra"), "501")
        self.assertEqual(c.cmd("STARTTLS"), "382 Continue with TLS "
                         "negotiation")
        c.lc.sock = tls_client_context().wrap_socket(
            c.lc.sock, server_hostname="hearth.test")
        # Capabilities are advertised afresh for the encrypted session.
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertNotIn("STARTTLS", caps)
        self.assertIn("AUTHINFO USER SASL", caps)
        self.assertEqual(c.code("STARTTLS"), "502")
        self.assertTrue(c.login("alice").startswith("281"))
        self.assertEqual(c.code("GROUP support.oncology"), "211")


class Nntplib(NNTPCase):

    def post_and_read(self, s):
        s.login("alice", PASSWORD)
        self.assertIn("READER", s.getcapabilities())
        lines = [b"From: Alice <alice@example.org>",
                 b"Newsgroups: support.stroke",
                 b"Subject: via nntplib", b"",
                 b".leading dot", b"body"]
        r = s.post(lines)
        self.assertTrue(r.startswith("240"), r)
        resp, count, first, last, name = s.group("support.stroke")
        self.assertEqual((count, first, last), (1, 1, 1))
        resp, info = s.article(1)
        self.assertIn(b".leading dot", info.lines)
        self.assertIn(b"Subject: via nntplib", info.lines)
        resp, overviews = s.over((1, 1))
        self.assertEqual(overviews[0][1]["subject"], "via nntplib")
        resp, groups = s.list("support.*")
        self.assertIn("support.stroke", [g.group for g in groups])
        resp, descs = s.descriptions("support.ms")
        self.assertTrue(descs)
        self.assertTrue(s.date())
        s.quit()

    def test_nntplib_over_nntps(self):
        self.account("alice")
        s = nntplib.NNTP_SSL("127.0.0.1", self.h.port("nntps"),
                             ssl_context=tls_client_context(),
                             readermode=False, timeout=10)
        self.post_and_read(s)

    def test_nntplib_over_starttls(self):
        self.account("alice")
        s = nntplib.NNTP("127.0.0.1", self.h.port("nntp"), timeout=10)
        s.starttls(tls_client_context())
        self.assertTrue(s.tls_on)
        self.assertNotIn("STARTTLS", s.getcapabilities())
        self.post_and_read(s)


class Compress(NNTPCase):

    def test_compress_deflate(self):
        self.account("alice")
        c = self.client("nntps")
        self.assertTrue(c.login("alice").startswith("281"))
        self.assertEqual(c.cmd("COMPRESS DEFLATE"), "206 Compression active")
        sock = c.lc.sock
        comp = zlib.compressobj(wbits=-15)
        decomp = zlib.decompressobj(wbits=-15)

        def send(line):
            sock.sendall(comp.compress(line.encode() + b"\r\n") +
                         comp.flush(zlib.Z_SYNC_FLUSH))

        buf = b""

        def readline():
            nonlocal buf
            while b"\r\n" not in buf:
                data = sock.recv(65536)
                self.assertTrue(data, "closed")
                buf += decomp.decompress(data)
            line, buf = buf.split(b"\r\n", 1)
            return line.decode()

        send("GROUP support.oncology")
        self.assertEqual(readline(), "211 0 1 0 support.oncology")
        send("CAPABILITIES")
        caps = []
        while True:
            l = readline()
            if l == ".":
                break
            caps.append(l)
        self.assertNotIn("COMPRESS DEFLATE", caps)
        send("COMPRESS DEFLATE")
        self.assertEqual(readline()[:3], "502")
        send("POST")
        self.assertEqual(readline()[:3], "340")
        sock.sendall(comp.compress(article_bytes({
            "From": "a@example.org", "Newsgroups": "support.oncology",
            "Subject": "compressed"}, "x\n" * 2000)) +
            comp.flush(zlib.Z_SYNC_FLUSH))
        self.assertEqual(readline()[:3], "240")
        send("BODY 1")
        self.assertEqual(readline()[:3], "222")
        body = []
        while True:
            l = readline()
            if l == ".":
                break
            body.append(l)
        self.assertEqual(body, ["x"] * 2000)
        send("QUIT")
        self.assertEqual(readline()[:3], "205")


class Transit(NNTPCase):
    extra_config = FAST + "nntp_peers = peer1, peer2\n"

    def article(self, mid, groups="support.oncology", path="far.away"):
        return article_bytes([("Path", path),
                              ("From", "Far <far@example.org>"),
                              ("Newsgroups", groups),
                              ("Subject", "from a peer"),
                              ("Message-ID", mid),
                              ("Date", "Mon, 1 Jan 2024 10:00:00 +0000")],
                             "transit body\n")

    def test_ihave_and_streaming(self):
        anon = self.client()
        self.assertEqual(anon.code("IHAVE <a@far.away>"), "480")
        self.assertEqual(anon.code("CHECK <a@far.away>"), "480")
        self.assertEqual(anon.code("MODE STREAM"), "480")
        alice = self.member("alice")
        self.assertEqual(alice.code("IHAVE <a@far.away>"), "502")
        self.assertEqual(alice.code("MODE STREAM"), "502")
        # TAKETHIS from a non-peer: the article is read, then refused.
        alice.lc.send("TAKETHIS <t0@far.away>")
        alice.lc.sendraw(self.article("<t0@far.away>"))
        self.assertEqual(alice.lc.readline(), "439 <t0@far.away> Article "
                         "rejected")
        p = self.member("peer1")
        r, caps = p.multi("CAPABILITIES", "101")
        self.assertIn("IHAVE", caps)
        self.assertIn("STREAMING", caps)
        self.assertEqual(p.code("IHAVE bad"), "501")
        self.assertEqual(p.code("IHAVE <a@far.away>"), "335")
        p.lc.sendraw(self.article("<a@far.away>"))
        self.assertEqual(p.lc.readline(), "235 Article transferred OK")
        self.assertEqual(p.code("IHAVE <a@far.away>"), "435")
        # Wrong Message-ID in the article, and no carried group: 437.
        self.assertEqual(p.code("IHAVE <b@far.away>"), "335")
        p.lc.sendraw(self.article("<other@far.away>"))
        self.assertEqual(p.lc.readline()[:3], "437")
        self.assertEqual(p.code("IHAVE <c@far.away>"), "335")
        p.lc.sendraw(self.article("<c@far.away>", groups="alt.not.here"))
        self.assertEqual(p.lc.readline()[:3], "437")
        # Streaming, pipelined.
        self.assertEqual(p.cmd("MODE STREAM"), "203 Streaming permitted")
        p.lc.sendraw(b"CHECK <a@far.away>\r\nCHECK <s1@far.away>\r\n")
        self.assertEqual(p.lc.readline(), "438 <a@far.away> Article not "
                         "wanted")
        self.assertEqual(p.lc.readline(), "238 <s1@far.away> Send it")
        p.lc.sendraw(b"TAKETHIS <s1@far.away>\r\n" +
                     self.article("<s1@far.away>") +
                     b"TAKETHIS <s2@far.away>\r\n" +
                     self.article("<s2@far.away>") +
                     b"TAKETHIS <s1@far.away>\r\n" +
                     self.article("<s1@far.away>"))
        self.assertEqual(p.lc.readline(), "239 <s1@far.away> Article "
                         "transferred OK")
        self.assertEqual(p.lc.readline()[:3], "239")
        self.assertEqual(p.lc.readline(), "439 <s1@far.away> Article "
                         "rejected")
        r = anon.cmd("GROUP support.oncology")
        self.assertEqual(r, "211 3 1 3 support.oncology")
        r, head = anon.multi("HEAD <a@far.away>", "221")
        self.assertEqual(head[0], "Path: hearth.test!far.away")
        self.assertIn("Date: Mon, 1 Jan 2024 10:00:00 +0000", head)


class LongReplies(NNTPCase):
    """Legitimate readers must never hit the output cap: long replies go
    out in chunks, and pipelined commands wait while output drains."""
    extra_config = FAST + ("output_cap = 65536\n"
                           "max_article_size = 400000\n")
    N = 3000

    def setUp(self):
        # Fill the database directly while hearthd is stopped, then start.
        super().setUp()
        self.h.stop()
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        (gid,) = db.execute("SELECT id FROM groups WHERE name = "
                            "'support.ms'").fetchone()
        rows = []
        for i in range(1, self.N + 1):
            mid = "<bulk.%d@hearth.test>" % i
            hdr = ("Path: hearth.test!not-for-mail\r\nFrom: b@example.org"
                   "\r\nNewsgroups: support.ms\r\nSubject: Bulk %d\r\n"
                   "Message-ID: %s\r\n\r\n" % (i, mid))
            text = (hdr + "line\r\n" * 40).encode()
            rows.append((i, mid, len(hdr), len(text), text))
        db.executemany("INSERT INTO articles (id, msgid, posted, status, "
                       "header_len, bytes, lines, text) VALUES "
                       "(?, ?, 0, 'ok', ?, ?, 40, ?)", rows)
        db.executemany("INSERT INTO group_articles VALUES (?, ?, ?)",
                       [(gid, i, i) for i in range(1, self.N + 1)])
        db.execute("UPDATE groups SET high = ?, count = ? WHERE id = ?",
                   (self.N, self.N, gid))
        db.commit()
        db.close()
        self.h.start()

    def test_big_over_listgroup_and_pipelined_articles(self):
        c = self.client()
        self.assertEqual(c.cmd("GROUP support.ms"),
                         "211 %d 1 %d support.ms" % (self.N, self.N))
        r, rows = c.multi("OVER 1-", "224")
        self.assertEqual(len(rows), self.N)
        self.assertEqual([int(r.split("\t")[0]) for r in rows],
                         list(range(1, self.N + 1)))
        r, nums = c.multi("LISTGROUP support.ms", "211")
        self.assertEqual(len(nums), self.N)
        r, rows = c.multi("XHDR Message-ID 1-", "221")
        self.assertEqual(len(rows), self.N)
        # 500 pipelined ARTICLEs (about 200 KB each 70) and a big HDR on
        # a header outside the overview, all while reading slowly.
        c.lc.sendraw(b"".join(b"ARTICLE %d\r\n" % i
                              for i in range(1, 501)) +
                     b"HDR Path 1-\r\nDATE\r\n")
        time.sleep(0.5)
        for i in range(1, 501):
            r = c.lc.readline()
            self.assertTrue(r.startswith("220 %d " % i), r)
            self.assertEqual(len(c.lc.read_multiline()), 46)
        r = c.lc.readline()
        self.assertTrue(r.startswith("225"), r)
        self.assertEqual(len(c.lc.read_multiline()), self.N)
        self.assertEqual(c.lc.readline()[:3], "111")
        self.assertNotIn("output cap", self.h.log())

    def test_article_bigger_than_output_cap(self):
        c = self.member("alice")
        body = "".join("line %d of a long story\n" % i
                       for i in range(12000))
        mid = self.post_ok(c, group="support.ms", body=body)
        r, lines = c.multi("BODY " + mid, "222")
        self.assertEqual(lines, body.split("\n")[:-1])
        # ARTICLE, sent in pieces too: this site's Xref is the last
        # header field, once, and the body follows whole.
        r, lines = c.multi("ARTICLE " + mid, "220")
        end = lines.index("")
        self.assertTrue(lines[end - 1].startswith(
            "Xref: hearth.test support.ms:"), lines[end - 1])
        self.assertEqual(sum(l.startswith("Xref: ") for l in lines), 1)
        self.assertEqual(lines[end + 1:], body.split("\n")[:-1])
        self.assertNotIn("output cap", self.h.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
