"""NNTP conformance defects found by an outside conformance run (issue
18): reply codes RFC 3977, RFC 4643, RFC 8054 and RFC 5537 ask for, and
held articles kept out of every reader path, over real sockets against a
real hearthd."""

import base64
import unittest
import zlib

from nntp_helpers import NNTPCase, PASSWORD, article_bytes


class Capabilities(NNTPCase):

    def test_argument_must_be_a_keyword(self):
        # RFC 3977 §5.2.2: 501 when the argument is not a keyword
        # (§9.8: a letter, then at least two letters, digits, . or -).
        c = self.client()
        for bad in ("1", "x", "ab", "!bad", "AUTH*", "9LIVES", "a_b"):
            self.assertEqual(c.cmd("CAPABILITIES " + bad)[:3], "501", bad)
        # A keyword (none is defined) is ignored: the usual list.
        for good in ("AUTOUPDATE", "abc", "x-Y.1"):
            r, caps = c.multi("CAPABILITIES " + good, "101")
            self.assertEqual(caps[0], "VERSION 2")
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("READER", caps)


class AuthinfoCapabilities(NNTPCase):

    def test_sasl_stays_after_authinfo(self):
        # RFC 4643 §2.2: after AUTHINFO only the AUTHINFO line goes.
        self.account("alice")
        c = self.client("nntps")
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("AUTHINFO USER SASL", caps)
        self.assertIn("SASL PLAIN SCRAM-SHA-256", caps)
        self.assertTrue(c.login("alice").startswith("281"))
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertFalse(any(l.startswith("AUTHINFO") for l in caps), caps)
        self.assertIn("SASL PLAIN SCRAM-SHA-256", caps)
        self.assertEqual(c.code("AUTHINFO USER alice"), "502")


class LineLength(NNTPCase):

    def test_command_line_too_long_is_501(self):
        # RFC 3977 §3.2.1: 512 octets with CRLF; past it, 501.
        c = self.client()
        c.lc.send("DATE " + "x" * 600)
        self.assertEqual(c.lc.readline(), "501 Command line too long")
        self.assertEqual(c.code("DATE"), "111")
        # A line that fits is read as a command as usual.
        self.assertEqual(c.code("GROUP " + "a" * 400), "411")


class TwoDigitYears(NNTPCase):

    def test_newgroups_and_newnews_since_1970(self):
        # RFC 3977 §7.3.2: "70" is 1970 (the closest century not in the
        # future), so every group and article is new since then.
        c = self.member("alice")
        mid = self.post_ok(c)
        r, four = c.multi("NEWGROUPS 19700101 000000", "231")
        self.assertIn("support.oncology", " ".join(four))
        r, two = c.multi("NEWGROUPS 700101 000000", "231")
        self.assertEqual(sorted(two), sorted(four))
        r, ids = c.multi("NEWNEWS support.* 700101 000000", "230")
        self.assertEqual(ids, [mid])
        # A year that is still to come this century is last century's:
        # "99" is 1999, not 2099, so the article is new since then too.
        r, ids = c.multi("NEWNEWS support.* 991231 235959", "230")
        self.assertEqual(ids, [mid])
        # Far in the future with four digits: nothing.
        r, ids = c.multi("NEWNEWS support.* 20990101 000000", "230")
        self.assertEqual(ids, [])
        r, none = c.multi("NEWGROUPS 20990101 000000", "231")
        self.assertEqual(none, [])


class Compress(NNTPCase):

    def test_unknown_algorithm_is_503(self):
        # RFC 8054 §2.2.2: 503 for an algorithm the server lacks.
        c = self.client()
        self.assertEqual(c.code("COMPRESS XYZ"), "503")
        self.assertEqual(c.code("COMPRESS GZIP"), "503")
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("COMPRESS DEFLATE", caps)

    def test_no_authinfo_user_after_compress(self):
        # RFC 8054 §2.2.2: after COMPRESS, AUTHINFO USER is not offered
        # and answers 502; SASL still signs in.
        self.account("alice")
        c = self.client("nntps")
        self.assertEqual(c.cmd("COMPRESS DEFLATE"), "206 Compression active")
        sock = c.lc.sock
        comp = zlib.compressobj(wbits=-15)
        decomp = zlib.decompressobj(wbits=-15)
        buf = b""

        def send(line):
            sock.sendall(comp.compress(line.encode() + b"\r\n") +
                         comp.flush(zlib.Z_SYNC_FLUSH))

        def readline():
            nonlocal buf
            while b"\r\n" not in buf:
                data = sock.recv(65536)
                self.assertTrue(data, "closed")
                buf += decomp.decompress(data)
            line, buf = buf.split(b"\r\n", 1)
            return line.decode()

        def caps():
            send("CAPABILITIES")
            self.assertEqual(readline()[:3], "101")
            out = []
            while True:
                l = readline()
                if l == ".":
                    return out
                out.append(l)

        got = caps()
        self.assertFalse(any(l.startswith("AUTHINFO") and "USER" in l
                             for l in got), got)
        self.assertIn("AUTHINFO SASL", got)
        self.assertIn("SASL PLAIN SCRAM-SHA-256", got)
        send("AUTHINFO USER alice")
        self.assertEqual(readline()[:3], "502")
        send("AUTHINFO PASS " + PASSWORD)
        self.assertEqual(readline()[:3], "482")
        ir = base64.b64encode(b"\0alice\0" + PASSWORD.encode()).decode()
        send("AUTHINFO SASL PLAIN " + ir)
        self.assertEqual(readline()[:3], "281")
        got = caps()
        self.assertFalse(any(l.startswith("AUTHINFO") for l in got), got)
        send("QUIT")
        self.assertEqual(readline()[:3], "205")


class InjectedAlready(NNTPCase):

    def refused(self, c, extra):
        headers = [("From", "Alice <alice@example.org>"),
                   ("Newsgroups", "support.oncology"),
                   ("Subject", "Hello")] + extra
        r340, r = c.post(headers)
        self.assertTrue(r340.startswith("340"), r340)
        self.assertTrue(r.startswith("441 "), (extra, r))
        return r

    def test_proto_article_injected_already_is_441(self):
        # RFC 5537 §3.5: an injecting agent refuses, not rewrites.
        c = self.member("alice")
        r = self.refused(c, [("Injection-Info", "elsewhere.example")])
        self.assertIn("Injection-Info", r)
        r = self.refused(c, [("Xref", "elsewhere.example misc.test:1")])
        self.assertIn("Xref", r)
        for path in ("elsewhere.example!.POSTED!not-for-mail",
                     "elsewhere.example!.POSTED.192.0.2.1!not-for-mail",
                     "a!b!.POSTED"):
            r = self.refused(c, [("Path", path)])
            self.assertIn(".POSTED", r)
        # Nothing of these was stored.
        self.assertEqual(c.cmd("GROUP support.oncology"),
                         "211 0 1 0 support.oncology")
        # A Path without the diagnostic is still replaced, as before
        # (INN's strippath), by this site's identity and ".POSTED".
        mid = self.post_ok(c, extra=[("Path", "x!POSTED.not!y")])
        r, head = c.multi("HEAD " + mid, "221")
        self.assertEqual(head[0], "Path: hearth.test!.POSTED!not-for-mail")


class HeldArticles(NNTPCase):

    def test_moderator_cannot_read_a_held_article_by_msgid(self):
        # A held article answers as an unknown one for everyone, a
        # moderator included; moderators see it in hearth.queue.
        alice = self.member("alice")
        mod = self.member("mod", role="moderator")
        q = self.post_ok(alice, group="ask-a-doctor.oncology",
                         subject="Question")
        for cmd in ("STAT", "ARTICLE", "HEAD", "BODY"):
            self.assertEqual(mod.code("%s %s" % (cmd, q)), "430", cmd)
            self.assertEqual(alice.code("%s %s" % (cmd, q)), "430", cmd)
        self.assertEqual(mod.code("OVER " + q), "430")
        r = mod.cmd("GROUP hearth.queue")
        self.assertTrue(r.startswith("211 1 "), r)
        num = r.split()[2]
        r, art = mod.multi("ARTICLE " + num, "220")
        self.assertIn("Item: article " + q, "\n".join(art))
        # Approved, it is published and readable as any other.
        r340, r = mod.post([("From", "Alice <alice@example.org>"),
                            ("Newsgroups", "ask-a-doctor.oncology"),
                            ("Subject", "Question"),
                            ("Message-ID", q),
                            ("Approved", "mod@hearth.test")])
        self.assertEqual(r, "240 Article received OK " + q)
        self.assertTrue(mod.cmd("STAT " + q).startswith("223 0 " + q))



class XrefOnRead(NNTPCase):
    """RFC 5536 §3.2.14: the Xref a reader gets names this site and the
    article's numbers here; INN's reader serves it in ARTICLE and HEAD
    as the last header field, and counts it in :bytes."""

    def test_article_and_head_carry_xref(self):
        c = self.member("alice")
        self.post_ok(c, group="support.oncology")
        x = self.post_ok(c, group="support.oncology,support.stroke",
                         body="one\ntwo\n")
        want = "Xref: hearth.test support.oncology:2 support.stroke:1"
        r, head = c.multi("HEAD " + x, "221")
        self.assertEqual(head[-1], want)
        self.assertEqual([h for h in head if h.startswith("Xref:")],
                         [want])
        c.cmd("GROUP support.stroke")
        r, art = c.multi("ARTICLE 1", "220")
        self.assertEqual(art[art.index("") - 1], want)
        self.assertEqual(art[art.index(""):], ["", "one", "two"])
        r, head = c.multi("HEAD 1", "221")
        self.assertEqual(head[-1], want)
        # BODY is the body alone.
        r, body = c.multi("BODY 1", "222")
        self.assertEqual(body, ["one", "two"])
        # HDR and OVER say the same; :bytes is what ARTICLE sent.
        r, rows = c.multi("HDR Xref 1", "225")
        self.assertEqual(rows, ["1 " + want[len("Xref: "):]])
        r, rows = c.multi("OVER 1", "224")
        f = rows[0].split("\t")
        self.assertEqual(f[8], want)
        c.lc.send("ARTICLE 1")
        c.lc.readline()
        raw = c.raw_multi()
        self.assertIn(("\r\n" + want + "\r\n\r\n").encode(), raw)
        self.assertEqual(int(f[6]), len(raw))
        r, rows = c.multi("HDR :bytes 1", "225")
        self.assertEqual(rows, ["1 %d" % len(raw)])


class Xpat(NNTPCase):
    """XPAT (RFC 2980 §2.9), which INN's reader offers and tin and slrn
    use when offered: the XHDR lines whose value matches a wildmat."""

    def test_xpat_as_inn(self):
        c = self.member("alice")
        self.assertEqual(c.code("XPAT Subject 1 *"), "412")
        a = self.post_ok(c, subject="Walking again")
        self.post_ok(c, subject="Sleep after chemo")
        b = self.post_ok(c, subject="walking poles",
                         group="support.oncology,support.stroke")
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("XPAT", caps)
        c.cmd("GROUP support.oncology")
        r, rows = c.multi("XPAT Subject 1- *alking*", "221")
        self.assertEqual(rows, ["1 Walking again", "3 walking poles"])
        # Case counts; the rest of the line is one pattern.
        r, rows = c.multi("XPAT Subject 1-3 W*", "221")
        self.assertEqual(rows, ["1 Walking again"])
        r, rows = c.multi("XPAT Subject 1- Sleep after*", "221")
        self.assertEqual(rows, ["2 Sleep after chemo"])
        # One wildmat: "," and "!" are no list here, as in INN.
        r, rows = c.multi("XPAT Subject 1- nothing,*", "221")
        self.assertEqual(rows, [])
        # Any header, and Xref; by message-id the id leads the line.
        r, rows = c.multi("XPAT Newsgroups 1- *stroke*", "221")
        self.assertEqual(rows, ["3 support.oncology,support.stroke"])
        r, rows = c.multi("XPAT Xref 3 *stroke:1", "221")
        self.assertEqual(rows, ["3 hearth.test support.oncology:3 "
                                "support.stroke:1"])
        r, rows = c.multi("XPAT Subject %s W*" % a, "221")
        self.assertEqual(rows, ["%s Walking again" % a])
        r, rows = c.multi("XPAT Subject %s W*" % b, "221")
        self.assertEqual(rows, [])
        # A range with no article is an empty list (INN), not 423.
        r, rows = c.multi("XPAT Subject 7-9 *", "221")
        self.assertEqual(rows, [])
        self.assertEqual(c.code("XPAT Subject <nope@example.org> *"), "430")
        self.assertEqual(c.code("XPAT Subject 1-x *"), "501")
        self.assertEqual(c.code("XPAT Subject 1"), "501")
        self.assertEqual(c.code("XPAT Subject"), "501")


if __name__ == "__main__":
    unittest.main()
