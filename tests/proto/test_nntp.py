"""NNTP reader protocol (RFC 3977 with errata 1524/2004), RFC 6048 LIST
extensions, posting rules, visibility, moderation and cancels, over real
sockets against a real hearthd."""

import base64
import re
import time
import unittest

from hearth_test import LineClient, tls_client_context
from nntp_helpers import NNTPCase, FAST, PASSWORD, article_bytes


class Session(NNTPCase):

    def test_greeting_and_capabilities(self):
        c = self.client()
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertEqual(caps[0], "VERSION 2")
        for cap in ("READER", "POST", "HDR", "OVER MSGID", "NEWNEWS",
                    "STARTTLS", "AUTHINFO USER SASL",
                    "SASL PLAIN SCRAM-SHA-256", "COMPRESS DEFLATE"):
            self.assertIn(cap, caps)
        lst = [l for l in caps if l.startswith("LIST ")][0].split()
        for kw in ("ACTIVE", "NEWSGROUPS", "OVERVIEW.FMT", "HEADERS",
                   "ACTIVE.TIMES", "DISTRIB.PATS", "COUNTS", "MODERATORS",
                   "MOTD", "SUBSCRIPTIONS", "DISTRIBUTIONS"):
            self.assertIn(kw, lst)
        self.assertNotIn("IHAVE", caps)
        self.assertNotIn("MODE-READER", caps)
        # After login: no AUTHINFO, no STARTTLS.
        self.account("alice")
        self.assertTrue(c.login("alice").startswith("281"))
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertFalse(any(l.startswith("AUTHINFO") for l in caps))
        self.assertNotIn("STARTTLS", caps)
        self.assertIn("READER", caps)

    def test_unknown_syntax_and_case(self):
        c = self.client()
        self.assertEqual(c.code("FROBNICATE"), "500")
        self.assertEqual(c.code(""), "500")
        self.assertEqual(c.code("GROUP"), "501")
        self.assertEqual(c.code("GROUP a b"), "501")
        self.assertEqual(c.code("DATE now"), "501")
        self.assertEqual(c.code("LIST FROBS"), "501")
        self.assertEqual(c.code("LIST OVERVIEW.FMT x"), "501")
        self.assertEqual(c.code("LIST HEADERS FOO"), "501")
        self.assertEqual(c.code("MODE WRITER"), "501")
        self.assertEqual(c.code("ARTICLE abc"), "501")
        self.assertEqual(c.code("ARTICLE <no-at-sign"), "501")
        self.assertEqual(c.code("OVER x-y"), "501")
        self.assertEqual(c.code("LISTGROUP support.oncology 1-x"), "501")
        self.assertEqual(c.code("NEWGROUPS 2024 000000"), "501")
        self.assertEqual(c.code("NEWGROUPS 20241301 000000"), "501")
        self.assertEqual(c.code("NEWGROUPS 20240101 000000 UTC"), "501")
        self.assertEqual(c.code("NEWNEWS * 20240101"), "501")
        self.assertEqual(c.code("COMPRESS GZIP"), "503")    # RFC 8054
        self.assertEqual(c.code("AUTHINFO FOO bar"), "501")
        self.assertEqual(c.code("group support.oncology"), "211")
        self.assertEqual(c.code("GrOuP support.oncology"), "211")
        self.assertEqual(c.code("mode reader"), "200")
        self.assertEqual(c.code("date"), "111")
        c.lc.send("X" * 600)
        self.assertEqual(c.lc.readline(), "501 Command line too long")
        self.assertEqual(c.code("DATE"), "111")

    def test_date_help_quit(self):
        c = self.client()
        r = c.cmd("DATE")
        self.assertRegex(r, r"^111 \d{14}$")
        self.assertLess(abs(time.mktime(time.strptime(r[4:], "%Y%m%d%H%M%S"))
                            - time.mktime(time.gmtime())), 60)
        r, lines = c.multi("HELP", "100")
        text = "\n".join(lines)
        for cmd in ("ARTICLE", "OVER", "AUTHINFO", "STARTTLS", "POST"):
            self.assertIn(cmd, text)
        self.assertEqual(c.code("MODE READER"), "200")
        self.assertTrue(c.cmd("QUIT").startswith("205"))
        self.assertTrue(c.lc.is_closed())


class Reading(NNTPCase):

    def setUp(self):
        super().setUp()
        self.w = self.member("writer")
        self.ids = [self.post_ok(self.w, subject="Post %d" % i,
                                 body="Body %d\nline two\n" % i)
                    for i in range(1, 4)]

    def test_group_and_listgroup(self):
        c = self.client()
        self.assertEqual(c.cmd("GROUP support.oncology"),
                         "211 3 1 3 support.oncology")
        self.assertEqual(c.cmd("GROUP support.diabetes"),
                         "211 0 1 0 support.diabetes")
        self.assertEqual(c.code("GROUP no.such.group"), "411")
        self.assertEqual(c.code("LISTGROUP no.such.group"), "411")
        c2 = self.client()
        self.assertEqual(c2.code("LISTGROUP"), "412")
        r, nums = c.multi("LISTGROUP support.oncology", "211")
        self.assertEqual(r, "211 3 1 3 support.oncology list follows")
        self.assertEqual(nums, ["1", "2", "3"])
        self.assertEqual(c.multi("LISTGROUP support.oncology 2-", "211")[1],
                         ["2", "3"])
        self.assertEqual(c.multi("LISTGROUP support.oncology 1-2", "211")[1],
                         ["1", "2"])
        self.assertEqual(c.multi("LISTGROUP support.oncology 3", "211")[1],
                         ["3"])
        self.assertEqual(c.multi("LISTGROUP support.oncology 3-1", "211")[1],
                         [])
        # Without arguments: the selected group.
        self.assertEqual(c.multi("LISTGROUP", "211")[1], ["1", "2", "3"])
        # LISTGROUP selects the group and sets the current article.
        self.assertTrue(c.cmd("STAT").startswith("223 1 "))

    def test_article_head_body_stat(self):
        c = self.client()
        # No group selected: 412 for numbers and the current article.
        self.assertEqual(c.code("ARTICLE"), "412")
        self.assertEqual(c.code("ARTICLE 1"), "412")
        self.assertEqual(c.code("HEAD 1"), "412")
        self.assertEqual(c.code("NEXT"), "412")
        self.assertEqual(c.code("LAST"), "412")
        # Message-ids work without a group; the number is 0.
        r, lines = c.multi("ARTICLE " + self.ids[0], "220")
        self.assertEqual(r, "220 0 %s Article follows" % self.ids[0])
        self.assertIn("Body 1", lines)
        self.assertEqual(c.code("ARTICLE <nope@example.org>"), "430")
        self.assertEqual(c.code("STAT <nope@example.org>"), "430")
        # An empty group: 420 for the current article (errata 1524).
        self.assertEqual(c.code("GROUP support.diabetes"), "211")
        self.assertEqual(c.code("ARTICLE"), "420")
        self.assertEqual(c.code("NEXT"), "420")
        self.assertEqual(c.code("ARTICLE 1"), "423")
        c.cmd("GROUP support.oncology")
        r, lines = c.multi("ARTICLE", "220")
        self.assertEqual(r, "220 1 %s Article follows" % self.ids[0])
        r, head = c.multi("HEAD 2", "221")
        self.assertEqual(r, "221 2 %s Headers follow" % self.ids[1])
        self.assertNotIn("", head)
        self.assertIn("Subject: Post 2", head)
        self.assertIn("Message-ID: " + self.ids[1], head)
        r, body = c.multi("BODY 3", "222")
        self.assertEqual(body, ["Body 3", "line two"])
        self.assertEqual(c.cmd("STAT 2"), "223 2 %s Article exists"
                         % self.ids[1])
        # STAT n set the current article; STAT <id> does not.
        self.assertEqual(c.cmd("STAT"), "223 2 %s Article exists"
                         % self.ids[1])
        c.cmd("STAT " + self.ids[2])
        self.assertTrue(c.cmd("STAT").startswith("223 2 "))
        self.assertEqual(c.code("ARTICLE 4"), "423")
        self.assertEqual(c.code("BODY 0"), "423")
        r, full = c.multi("ARTICLE 3", "220")
        # ARTICLE is the header, an empty line and the body.
        self.assertEqual(full, head_of(c, 3) + [""] + body)

    def test_next_last(self):
        c = self.client()
        c.cmd("GROUP support.oncology")
        self.assertEqual(c.code("LAST"), "422")
        self.assertEqual(c.cmd("NEXT"), "223 2 %s Article exists"
                         % self.ids[1])
        self.assertEqual(c.cmd("NEXT"), "223 3 %s Article exists"
                         % self.ids[2])
        self.assertEqual(c.code("NEXT"), "421")
        self.assertEqual(c.cmd("LAST"), "223 2 %s Article exists"
                         % self.ids[1])
        self.assertTrue(c.cmd("HEAD").startswith("221 2 "))

    def test_over_and_xover(self):
        c = self.client()
        self.assertEqual(c.code("OVER"), "412")
        self.assertEqual(c.code("OVER 1-3"), "412")
        self.assertEqual(c.code("XOVER 1-3"), "412")
        r, fmt = c.multi("LIST OVERVIEW.FMT", "215")
        self.assertEqual(fmt, ["Subject:", "From:", "Date:", "Message-ID:",
                               "References:", ":bytes", ":lines",
                               "Xref:full"])
        c.cmd("GROUP support.diabetes")
        self.assertEqual(c.code("OVER"), "420")
        self.assertEqual(c.code("OVER 1-"), "423")
        c.cmd("GROUP support.oncology")
        r, rows = c.multi("OVER 1-3", "224")
        self.assertEqual(len(rows), 3)
        f = rows[1].split("\t")
        self.assertEqual(f[0], "2")
        self.assertEqual(f[1], "Post 2")
        self.assertEqual(f[2], "Alice <alice@example.org>")
        self.assertEqual(f[4], self.ids[1])
        c.lc.send("ARTICLE 2")
        c.lc.readline()
        raw = c.raw_multi()
        self.assertEqual(int(f[6]), len(raw))        # :bytes
        self.assertEqual(f[7], "2")                  # :lines
        self.assertEqual(f[8], "Xref: hearth.test support.oncology:2")
        self.assertEqual(len(c.multi("XOVER 2-", "224")[1]), 2)
        # ARTICLE 2 made article 2 the current one.
        self.assertEqual(c.multi("OVER", "224")[1][0].split("\t")[0], "2")
        r, rows = c.multi("OVER " + self.ids[2], "224")
        self.assertEqual(rows[0].split("\t")[0], "0")
        self.assertEqual(rows[0].split("\t")[4], self.ids[2])
        self.assertEqual(c.code("OVER <nope@example.org>"), "430")
        self.assertEqual(c.code("OVER 5-9"), "423")
        self.assertEqual(c.code("OVER 3-1"), "423")

    def test_hdr_and_xhdr(self):
        c = self.client()
        # slrn probes XHDR Path before selecting a group: 412, no hang.
        self.assertEqual(c.code("XHDR Path"), "412")
        self.assertEqual(c.code("HDR Subject"), "412")
        c.cmd("GROUP support.oncology")
        r, rows = c.multi("HDR Subject 1-", "225")
        self.assertEqual(rows, ["1 Post 1", "2 Post 2", "3 Post 3"])
        r, rows = c.multi("HDR subject 2", "225")
        self.assertEqual(rows, ["2 Post 2"])
        r, rows = c.multi("XHDR Subject 1-2", "221")
        self.assertEqual(rows, ["1 Post 1", "2 Post 2"])
        r, rows = c.multi("HDR :lines 1-", "225")
        self.assertEqual(rows, ["1 2", "2 2", "3 2"])
        r, rows = c.multi("HDR Path 3", "225")
        self.assertEqual(rows, ["3 hearth.test!.POSTED!not-for-mail"])
        r, rows = c.multi("HDR X-Not-There 1", "225")
        self.assertEqual(rows, ["1 "])
        r, rows = c.multi("HDR Subject " + self.ids[0], "225")
        self.assertEqual(rows, ["0 Post 1"])
        r, rows = c.multi("XHDR Subject " + self.ids[0], "221")
        self.assertEqual(rows, [self.ids[0] + " Post 1"])
        r, rows = c.multi("HDR Subject", "225")
        self.assertEqual(rows, ["1 Post 1"])
        self.assertEqual(c.code("HDR Subject 7-"), "423")
        self.assertEqual(c.code("HDR Subject <nope@example.org>"), "430")
        r, lines = c.multi("LIST HEADERS", "215")
        self.assertEqual(lines, [":", ":bytes", ":lines"])
        self.assertEqual(c.multi("LIST HEADERS MSGID", "215")[1][0], ":")

    def test_newnews_newgroups(self):
        c = self.client()
        r, ids = c.multi("NEWNEWS * 19990101 000000 GMT", "230")
        self.assertEqual(sorted(ids), sorted(self.ids))
        r, ids = c.multi("NEWNEWS support.*,!support.oncology 19990101 "
                         "000000", "230")
        self.assertEqual(ids, [])
        r, ids = c.multi("NEWNEWS * 20991231 235959", "230")
        self.assertEqual(ids, [])
        r, groups = c.multi("NEWGROUPS 19990101 000000 GMT", "231")
        names = [g.split()[0] for g in groups]
        self.assertIn("support.oncology", names)
        self.assertNotIn("support.autism.parents", names)
        self.assertIn("support.oncology 3 1 y", groups)
        r, groups = c.multi("NEWGROUPS 991231 235959", "231")
        self.assertEqual(len(groups), len(names))   # 1999, not 2099
        r, groups = c.multi("NEWGROUPS 20991231 235959", "231")
        self.assertEqual(groups, [])

    def test_dot_stuffing_both_ways(self):
        body = ".starts with a dot\n..two dots\n.\nend\n"
        mid = self.post_ok(self.w, body=body)
        c = self.client()
        c.lc.send("BODY " + mid)
        self.assertTrue(c.lc.readline().startswith("222"))
        raw = c.raw_multi()
        self.assertEqual(raw, b"..starts with a dot\r\n...two dots\r\n"
                         b"..\r\nend\r\n")
        r, lines = c.multi("BODY " + mid, "222")
        self.assertEqual(lines, body.split("\n")[:-1])

    def test_article_is_byte_identical(self):
        # Folded headers, odd spacing, UTF-8, trailing spaces, a long line.
        headers = [("From", "=?UTF-8?Q?Ren=C3=A9e?= <renee@example.org>"),
                   ("Newsgroups", "support.oncology"),
                   ("Subject", "Grüße aus Köln  "),
                   ("X-Folded", "first part\r\n\tsecond part"),
                   ("User-Agent", "test/1.0")]
        body = "Zeile 1   \n\n\tTab\nÄÖÜ\n" + "x" * 900 + "\n"
        r340, r = self.w.post(headers, body)
        self.assertTrue(r.startswith("240"), r)
        mid = r.split()[-1]
        c = self.client()
        c.lc.send("ARTICLE " + mid)
        c.lc.readline()
        first = c.raw_multi()
        c.lc.send("ARTICLE " + mid)
        c.lc.readline()
        self.assertEqual(c.raw_multi(), first)
        text = first.decode()
        sent = article_bytes(headers, body).decode()[:-3]
        # Everything the poster sent is there, byte for byte.
        hdr, _, sent_body = sent.partition("\r\n\r\n")
        for line in hdr.split("\r\n"):
            self.assertIn(line + "\r\n", text)
        self.assertTrue(text.endswith("\r\n\r\n" + sent_body))
        self.assertIn("X-Folded: first part\r\n\tsecond part\r\n", text)
        # And the stored text is exactly what is served, but for the
        # Xref field added as the last header field (as INN's reader).
        db = self.db()
        (stored,) = db.execute("SELECT text FROM articles WHERE msgid = ?",
                               (mid,)).fetchone()
        db.close()
        end = stored.index(b"\r\n\r\n") + 2
        xref = re.search(rb"\r\n(Xref: hearth\.test support\.oncology:"
                         rb"\d+\r\n)\r\n", first).group(1)
        self.assertEqual(re.sub(rb"(^|\n)\.", rb"\1", first),
                         stored[:end] + xref + stored[end:])


def head_of(c, n):
    return c.multi("HEAD %d" % n, "221")[1]


class Lists(NNTPCase):

    def test_list_variants(self):
        c = self.client()
        r, active = c.multi("LIST", "215")
        names = [l.split()[0] for l in active]
        self.assertIn("support.oncology", names)
        self.assertIn("support.oncology 0 1 y", active)
        self.assertIn("ask-a-doctor.oncology 0 1 m", active)
        self.assertIn("hearth.announce 0 1 n", active)
        # Members-only and private groups are not listed without login.
        self.assertNotIn("support.autism.parents", names)
        self.assertNotIn("hearth.report", names)
        self.assertEqual(c.multi("LIST ACTIVE", "215")[1], active)
        r, some = c.multi("LIST ACTIVE support.*", "215")
        self.assertTrue(all(l.startswith("support.") for l in some))
        self.assertEqual(len(some), 5)
        r, some = c.multi("LIST ACTIVE support.*,!support.oncology*", "215")
        self.assertEqual(len(some), 3)
        r, descs = c.multi("LIST NEWSGROUPS support.stroke", "215")
        self.assertEqual(descs, ["support.stroke\tStroke survivors, "
                                 "recovery and rehabilitation"])
        r, times = c.multi("LIST ACTIVE.TIMES support.ms", "215")
        self.assertRegex(times[0], r"^support\.ms \d+ \S+$")
        r, counts = c.multi("LIST COUNTS support.ms", "215")
        self.assertEqual(counts, ["support.ms 0 1 0 y"])
        r, mods = c.multi("LIST MODERATORS", "215")
        self.assertIn("ask-a-doctor.oncology:moderators@hearth.test", mods)
        r, motd = c.multi("LIST MOTD", "215")
        self.assertTrue(any("crisis" in l for l in motd))
        r, subs = c.multi("LIST SUBSCRIPTIONS", "215")
        self.assertIn("support.oncology", subs)
        self.assertNotIn("hearth.report", subs)
        r, pats = c.multi("LIST DISTRIB.PATS", "215")
        self.assertEqual(pats, ["10:*:hearth"])
        r, dists = c.multi("LIST DISTRIBUTIONS", "215")
        self.assertEqual(dists[0].split("\t")[0], "hearth")
        self.assertEqual(c.code("LIST ACTIVE [unclosed"), "501")
        self.assertEqual(c.code("LIST MOTD extra"), "501")

    def test_logged_in_lists_more(self):
        c = self.member("alice")
        names = [l.split()[0] for l in c.multi("LIST", "215")[1]]
        self.assertIn("support.autism.parents", names)
        self.assertIn("hearth.report", names)
        m = self.member("mod", role="moderator")
        r, active = m.multi("LIST ACTIVE hearth.announce", "215")
        self.assertEqual(active, ["hearth.announce 0 1 y"])


class Visibility(NNTPCase):

    def test_members_and_private_groups(self):
        alice = self.member("alice")
        mid = self.post_ok(alice, group="support.autism.parents")
        anon = self.client()
        self.assertEqual(anon.code("GROUP support.autism.parents"), "411")
        self.assertEqual(anon.code("ARTICLE " + mid), "430")
        self.assertEqual(anon.code("OVER " + mid), "430")
        r, ids = anon.multi("NEWNEWS * 19990101 000000", "230")
        self.assertNotIn(mid, ids)
        self.assertEqual(alice.cmd("GROUP support.autism.parents"),
                         "211 1 1 1 support.autism.parents")
        self.assertEqual(alice.code("ARTICLE " + mid), "220")
        alice.lc.read_multiline()
        # hearth.report: members post, only moderators read.
        rid = self.post_ok(alice, group="hearth.report", subject="Report")
        self.assertEqual(alice.code("GROUP hearth.report"), "502")
        self.assertEqual(alice.code("ARTICLE " + rid), "430")
        self.assertEqual(anon.code("GROUP hearth.report"), "411")
        mod = self.member("mod", role="moderator")
        self.assertEqual(mod.code("GROUP hearth.report"), "211")
        self.assertEqual(mod.code("ARTICLE 1"), "220")
        mod.lc.read_multiline()


class NoAnonymous(NNTPCase):
    extra_config = FAST + "anonymous_read = no\n"

    def test_reading_needs_login(self):
        c = self.client()
        for cmd in ("GROUP support.oncology", "ARTICLE <a@b.c>", "OVER",
                    "LISTGROUP support.oncology", "NEXT", "HDR Subject",
                    "XOVER", "NEWNEWS * 20000101 000000", "POST"):
            self.assertEqual(c.code(cmd), "480", cmd)
        self.assertEqual(c.code("LIST"), "215")
        c.lc.read_multiline()
        self.account("alice")
        self.assertTrue(c.login("alice").startswith("281"))
        self.assertEqual(c.code("GROUP support.oncology"), "211")


class Posting(NNTPCase):
    extra_config = FAST + "max_article_size = 4096\n"

    def test_post_needs_login(self):
        c = self.client()
        self.assertEqual(c.code("POST"), "480")

    def test_post_adds_headers_without_addresses(self):
        c = self.member("alice")
        r340 = c.cmd("POST")
        m = re.match(r"^340 .*(<[^>]+@hearth\.test>)$", r340)
        self.assertTrue(m, r340)
        suggested = m.group(1)
        c.lc.sendraw(article_bytes({"From": "Alice <alice@example.org>",
                                    "Newsgroups": "support.oncology",
                                    "Subject": "Hi",
                                    "NNTP-Posting-Host": "10.1.2.3",
                                    "X-Trace": "from 10.1.2.3",
                                    "Path": "forged!path"}))
        r = c.lc.readline()
        self.assertEqual(r, "240 Article received OK " + suggested)
        r, head = c.multi("HEAD " + suggested, "221")
        text = "\n".join(head)
        # RFC 5537 §3.2.1: injected here, no poster's address.
        self.assertEqual(head[0], "Path: hearth.test!.POSTED!not-for-mail")
        self.assertIn("Message-ID: " + suggested, head)
        self.assertRegex(text, r"\nDate: \w{3}, \d\d \w{3} \d{4} ")
        self.assertRegex(text, r"\nInjection-Date: ")
        self.assertIn('Injection-Info: hearth.test; mail-complaints-to='
                      '"abuse@hearth.test"', head)
        for bad in ("127.0.0.1", "10.1.2.3", "posting-host",
                    "NNTP-Posting-Host", "X-Trace", "forged"):
            self.assertNotIn(bad, text)
        # The poster's own Message-ID and Date are kept.
        mid = self.post_ok(c, extra=[("Message-ID", "<own.1@example.org>"),
                                     ("Date", "Mon, 1 Jan 2024 10:00:00 "
                                      "+0100")])
        self.assertEqual(mid, "<own.1@example.org>")
        r, head = c.multi("HEAD <own.1@example.org>", "221")
        self.assertIn("Date: Mon, 1 Jan 2024 10:00:00 +0100", head)
        self.assertEqual(sum(1 for h in head if h.startswith("Date:")), 1)

    def test_rejections_say_why(self):
        c = self.member("alice")
        ok = {"From": "Alice <alice@example.org>",
              "Newsgroups": "support.oncology", "Subject": "Hi"}

        def post(headers, body="Hello.\n"):
            r340, r = c.post(headers, body)
            self.assertTrue(r340.startswith("340"))
            return r

        r = post({k: v for k, v in ok.items() if k != "From"})
        self.assertTrue(r.startswith("441 ") and "From" in r, r)
        r = post({k: v for k, v in ok.items() if k != "Subject"})
        self.assertTrue(r.startswith("441 ") and "Subject" in r, r)
        r = post(dict(ok, Newsgroups="not a group"))
        self.assertTrue(r.startswith("441 ") and "Newsgroups" in r, r)
        r = post(dict(ok, Newsgroups="no.such.group"))
        self.assertEqual(r, '441 Posting failed: no such newsgroup '
                         '"no.such.group"')
        r = post(dict(ok, Newsgroups="hearth.announce"))
        self.assertIn("read-only", r)
        self.assertTrue(r.startswith("441 "))
        r = post(dict(ok, From="nobody"))
        self.assertTrue(r.startswith("441 ") and "From" in r, r)
        r = post(dict(ok, Date="yesterday"))
        self.assertTrue(r.startswith("441 ") and "Date" in r, r)
        r = post(ok, body="x" * 5000 + "\n")
        self.assertEqual(r, "441 Posting failed: the article is too large")
        r340 = c.cmd("POST")
        c.lc.sendraw(b"From: a@b.c\r\nNewsgroups: support.oncology\r\n"
                     b"Subject: \xff\xfe\r\n\r\nx\r\n.\r\n")
        r = c.lc.readline()
        self.assertTrue(r.startswith("441 ") and "UTF-8" in r, r)
        r = post(dict(ok, Control="newgroup alt.evil"))
        self.assertTrue(r.startswith("441 ") and "cancel" in r, r)
        # UTF-8 and RFC 2047 headers are fine.
        self.post_ok(c, subject="Grüße, ça va?")
        self.post_ok(c, subject="=?UTF-8?B?R3LDvMOfZQ==?=")
        # A duplicate Message-ID is refused.
        self.post_ok(c, extra=[("Message-ID", "<dup@example.org>")])
        r = post(dict(ok, **{"Message-ID": "<dup@example.org>"}))
        self.assertTrue(r.startswith("441 ") and "exists" in r, r)
        # The connection still works after all that.
        self.assertEqual(c.code("DATE"), "111")

    def test_long_data_line_is_refused_not_fatal(self):
        c = self.member("alice")
        c.cmd("POST")
        c.lc.sendraw(b"From: a@b.c\r\nNewsgroups: support.oncology\r\n"
                     b"Subject: long\r\n\r\n" + b"y" * 70000 + b"\r\n.\r\n")
        r = c.lc.readline()
        self.assertTrue(r.startswith("441 "), r)
        self.assertEqual(c.code("DATE"), "111")

    def test_crosspost_keeps_per_group_numbers(self):
        c = self.member("alice")
        self.post_ok(c, group="support.oncology")
        self.post_ok(c, group="support.oncology")
        x = self.post_ok(c, group="support.oncology,support.stroke")
        self.assertEqual(c.cmd("GROUP support.stroke"),
                         "211 1 1 1 support.stroke")
        self.assertTrue(c.cmd("STAT 1").startswith("223 1 " + x))
        self.assertEqual(c.cmd("GROUP support.oncology"),
                         "211 3 1 3 support.oncology")
        self.assertTrue(c.cmd("STAT 3").startswith("223 3 " + x))
        r, rows = c.multi("OVER 3", "224")
        self.assertEqual(rows[0].split("\t")[8], "Xref: hearth.test "
                         "support.oncology:3 support.stroke:1")
        r, rows = c.multi("XHDR Xref 3", "221")
        self.assertEqual(rows, ["3 hearth.test support.oncology:3 "
                                "support.stroke:1"])
        db = self.db()
        (n,) = db.execute("SELECT count(*) FROM articles").fetchone()
        db.close()
        self.assertEqual(n, 3)      # stored once


class ManyFields(NNTPCase):
    """The stored text is the poster's fields plus those the server
    adds (Path, Message-ID, Date, Injection-Date, Injection-Info): at
    most 500 in all, as the article parser takes."""

    def test_fields_added_count_toward_the_limit(self):
        c = self.member("alice")

        def headers(n):
            h = {"From": "Alice <alice@example.org>",
                 "Newsgroups": "support.oncology", "Subject": "Fields"}
            h.update(("X-F%d" % i, "v") for i in range(n - 3))
            return h

        # 495 of the poster's and 5 added: 500.
        r340, r = c.post(headers(495), "Five hundred.\n")
        self.assertTrue(r.startswith("240 "), r)
        mid = r.split()[-1]
        r, head = c.multi("HEAD " + mid, "221")
        # And the Xref field, written when read.
        self.assertEqual(len(head), 501)
        self.assertTrue(head[-1].startswith("Xref: "), head[-1])
        self.assertEqual(head[0], "Path: hearth.test!.POSTED!not-for-mail")
        r, body = c.multi("BODY " + mid, "222")
        self.assertEqual(body, ["Five hundred."])
        # One more is refused, and nothing is stored.
        r340, r = c.post(headers(496), "One too many.\n")
        self.assertTrue(r.startswith("441 ") and "Too many headers" in r,
                        r)
        mid = r340.split()[-1]
        self.assertEqual(c.code("STAT " + mid), "430")
        self.assertEqual(c.code("DATE"), "111")


class Moderation(NNTPCase):

    def test_held_until_approved(self):
        alice = self.member("alice")
        mod = self.member("mod", role="moderator")
        anon = self.client()
        q = self.post_ok(alice, group="ask-a-doctor.oncology",
                         subject="Question")
        # Held: 240 for the poster, invisible to readers.
        self.assertEqual(anon.cmd("GROUP ask-a-doctor.oncology"),
                         "211 0 1 0 ask-a-doctor.oncology")
        self.assertEqual(anon.code("ARTICLE " + q), "430")
        self.assertEqual(alice.code("ARTICLE " + q), "430")
        # Not published: a moderator too gets 430 by message-id (the
        # held article is read in hearth.queue).
        self.assertEqual(mod.code("ARTICLE " + q), "430")
        db = self.db()
        self.assertEqual(db.execute("SELECT count(*) FROM holds")
                         .fetchone(), (1,))
        db.close()
        # A member's own Approved: header does not publish.
        f = self.post_ok(alice, group="ask-a-doctor.oncology",
                         extra=[("Approved", "alice@example.org")])
        self.assertEqual(anon.code("ARTICLE " + f), "430")
        # The moderator approves by reposting it with Approved:.
        hdrs = [("From", "Alice <alice@example.org>"),
                ("Newsgroups", "ask-a-doctor.oncology"),
                ("Subject", "Question"), ("Message-ID", q),
                ("Approved", "mod@hearth.test")]
        r340, r = mod.post(hdrs, "Hello.\n")
        self.assertEqual(r, "240 Article received OK " + q)
        self.assertEqual(anon.cmd("GROUP ask-a-doctor.oncology"),
                         "211 1 1 1 ask-a-doctor.oncology")
        self.assertEqual(anon.code("ARTICLE " + q), "220")
        anon.lc.read_multiline()
        # A moderator's own post with Approved: publishes at once.
        a = self.post_ok(mod, group="ask-a-doctor.oncology",
                         extra=[("Approved", "mod@hearth.test")])
        self.assertTrue(anon.cmd("STAT 2").startswith("223 2 " + a))
        db = self.db()
        self.assertEqual(db.execute("SELECT count(*) FROM holds")
                         .fetchone(), (1,))        # alice's forged one
        self.assertEqual(db.execute("SELECT count(*) FROM audit_log WHERE "
                                    "action = 'approve'").fetchone(), (1,))
        db.close()
        # Only moderators post to read-only groups.
        self.post_ok(mod, group="hearth.announce", subject="News")

    def test_doctor_badge_set_by_server_only(self):
        self.account("drhouse", role="doctor")
        self.h.hearthmod("account", "role", "drhouse", "doctor",
                         "--specialty", "oncology")
        doc = self.client()
        self.assertTrue(doc.login("drhouse").startswith("281"))
        alice = self.member("alice")
        # A doctor answers in a moderated group directly, with the badge.
        d = self.post_ok(doc, group="ask-a-doctor.oncology")
        r, head = doc.multi("HEAD " + d, "221")
        self.assertIn("X-Hearth-Verified: verified doctor (oncology)", head)
        # A member cannot forge it: it is stripped.
        m = self.post_ok(alice, extra=[("X-Hearth-Verified",
                                        "verified doctor (surgery)")])
        r, head = alice.multi("HEAD " + m, "221")
        self.assertFalse(any("X-Hearth-Verified" in h for h in head), head)
        r, rows = alice.multi("HDR X-Hearth-Verified " + d, "225")
        self.assertEqual(rows, ["0 verified doctor (oncology)"])


class Cancels(NNTPCase):

    def test_cancel_only_by_author_or_moderator(self):
        alice = self.member("alice")
        bob = self.member("bob")
        mod = self.member("mod", role="moderator")
        a1 = self.post_ok(alice, subject="one")
        a2 = self.post_ok(alice, subject="two")
        b1 = self.post_ok(bob, subject="bob's")

        def cancel(c, target, from_="Alice <alice@example.org>"):
            return c.post({"From": from_, "Newsgroups": "support.oncology",
                           "Subject": "cmsg cancel " + target,
                           "Control": "cancel " + target}, "cancel\n")[1]

        # From: is not identity: bob claims to be alice.
        r = cancel(bob, a1)
        self.assertTrue(r.startswith("441 ") and "own" in r, r)
        self.assertTrue(cancel(alice, a1).startswith("240"))
        self.assertEqual(bob.code("ARTICLE " + a1), "430")
        self.assertEqual(bob.cmd("GROUP support.oncology"),
                         "211 2 2 3 support.oncology")
        self.assertEqual(bob.code("ARTICLE 1"), "423")
        self.assertTrue(cancel(mod, b1).startswith("240"))
        r = cancel(alice, "<nope@example.org>")
        self.assertTrue(r.startswith("441 "), r)
        # Still in the database, for the audit log.
        db = self.db()
        self.assertEqual(db.execute(
            "SELECT status FROM articles WHERE msgid = ?", (a1,)).fetchone(),
            ("cancelled",))
        self.assertEqual(db.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'cancel'")
            .fetchone(), (2,))
        db.close()
        # Supersedes: by the author replaces; by someone else is refused.
        r340, r = bob.post({"From": "b@example.org",
                            "Newsgroups": "support.oncology",
                            "Subject": "hijack", "Supersedes": a2})
        self.assertTrue(r.startswith("441 ") and "supersede" in r, r)
        a3 = self.post_ok(alice, subject="two (fixed)",
                          extra=[("Supersedes", a2)])
        self.assertEqual(bob.code("ARTICLE " + a2), "430")
        self.assertEqual(bob.code("ARTICLE " + a3), "220")
        bob.lc.read_multiline()
        self.assertEqual(bob.cmd("GROUP support.oncology"),
                         "211 1 4 4 support.oncology")


if __name__ == "__main__":
    unittest.main(verbosity=2)
