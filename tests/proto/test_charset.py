"""Charsets (issue 15, item 5): posts in KOI8-R, windows-1251 and other
declared charsets are stored exactly as posted and shown in UTF-8 in the
Atom feed, hearthmod (queue, show with the body) and hearth.queue;
undeclared 8-bit text that is not UTF-8 gets a 441 that says what to
set; the articles the server writes (announcements, hearth.queue) carry
non-ASCII headers as RFC 2047 words, folded, that decode to the words."""

import email.header
import json
import re

from irc_helpers import IrcCase
from news_case import ATOM, NewsCase
from nntp_helpers import PASSWORD

SUBJECT = "Как пережить первую химиотерапию: советы тем, кто только начинает"
NAME = "Мария Иванова"
BODY = "Здравствуйте! Завтра первая химия.\nБоюсь, но держусь.\n"


def b_word(text, charset):
    return email.header.Header(text, charset).encode()


def raw_article(headers, body):
    """CRLF lines (bytes), dot-stuffed, with the final dot line."""
    out = b""
    for k, v in headers:
        out += k.encode() + b": " + v + b"\r\n"
    out += b"\r\n"
    for line in body.split(b"\n")[:-1]:
        if line.startswith(b"."):
            line = b"." + line
        out += line + b"\r\n"
    return out + b".\r\n"


def unfold(lines, name):
    """The value of header NAME from a list of header lines, unfolded,
    and the lines it took."""
    out, taken, inside = None, [], False
    for l in lines:
        if l == "":
            break
        if inside and l[:1] in (" ", "\t"):
            out += l
            taken.append(l)
            continue
        inside = False
        if l.lower().startswith(name.lower() + ":"):
            out, inside = l[len(name) + 1:].lstrip(), True
            taken.append(l)
    return out, taken


def decoded(value):
    return str(email.header.make_header(email.header.decode_header(value)))


class Charsets(NewsCase):

    def post_raw(self, c, headers, body):
        r = c.cmd("POST")
        self.assertTrue(r.startswith("340"), r)
        data = raw_article(headers, body)
        c.lc.sendraw(data)
        return c.lc.readline(), data

    def entry_for(self, root, title):
        for e in root.iter(ATOM + "entry"):
            if e.find(ATOM + "title").text == title:
                return e
        self.fail("no entry titled %r in %s" % (
            title, [e.find(ATOM + "title").text for e in
                    root.iter(ATOM + "entry")]))

    def test_koi8r_and_cp1251_posts_show_in_the_feed(self):
        alice = self.member("alice")
        cases = [("koi8-r", "B"), ("windows-1251", "Q"),
                 ("ISO-8859-5", "B")]
        posted = {}
        for i, (cs, _) in enumerate(cases):
            subject = "%s (%s)" % (SUBJECT, cs)
            hdrs = [("From", (b_word(NAME, cs) +
                              " <alice@example.org>").encode()),
                    ("Newsgroups", b"support.oncology"),
                    ("Subject", b_word(subject, cs).encode()),
                    ("Message-ID", ("<cs%d@example.org>" % i).encode()),
                    ("MIME-Version", b"1.0"),
                    ("Content-Type", ("text/plain; charset=%s" %
                                      cs).encode()),
                    ("Content-Transfer-Encoding", b"8bit")]
            r, data = self.post_raw(alice, hdrs, BODY.encode(cs))
            self.assertTrue(r.startswith("240"), r)
            posted[cs] = (subject, data)
        # Stored exactly as posted: another member reads the same bytes.
        bob = self.member("bob")
        for i, (cs, _) in enumerate(cases):
            bob.lc.send("ARTICLE <cs%d@example.org>" % i)
            self.assertTrue(bob.lc.readline().startswith("220"))
            raw = bob.raw_multi()
            data = posted[cs][1][:-3]          # without ".\r\n"
            self.assertTrue(raw.endswith(data.split(b"\r\n\r\n", 1)[1]),
                            raw)
            self.assertIn(BODY.encode(cs).replace(b"\n", b"\r\n"), raw)
        root = self.feed("/feeds/groups/support.oncology.atom")
        for cs, _ in cases:
            e = self.entry_for(root, posted[cs][0])
            # The author is the account (a From: name is the poster's
            # own claim); the title and the text are the words.
            self.assertEqual(e.find(ATOM + "author/" + ATOM + "name").text,
                             "alice")
            content = e.find(ATOM + "content").text
            for line in BODY.splitlines():
                self.assertIn(line, content)
            self.assertNotIn("\ufffd", content)

    def test_quoted_printable_koi8r_body(self):
        alice = self.member("alice")
        qp = "".join("=%02X" % b for b in "Привет, мир".encode("koi8-r"))
        r, _ = self.post_raw(alice, [
            ("From", b"Alice <alice@example.org>"),
            ("Newsgroups", b"support.stroke"),
            ("Subject", b"qp test"),
            ("Content-Type", b'text/plain; charset="KOI8-R"'),
            ("Content-Transfer-Encoding", b"quoted-printable")],
            qp.encode() + b"=\n!\n")
        self.assertTrue(r.startswith("240"), r)
        root = self.feed("/feeds/groups/support.stroke.atom")
        e = self.entry_for(root, "qp test")
        self.assertIn("Привет, мир!", e.find(ATOM + "content").text)

    def test_held_cp1251_post_in_hearthmod_and_hearth_queue(self):
        alice = self.member("alice")
        long_subject = SUBJECT + " и что спросить у онколога до начала"
        r, _ = self.post_raw(alice, [
            ("From", (b_word(NAME, "windows-1251") +
                      " <alice@example.org>").encode()),
            ("Newsgroups", b"ask-a-doctor.oncology"),
            ("Subject", b_word(long_subject, "windows-1251").encode()),
            ("Content-Type", b"text/plain; charset=windows-1251")],
            BODY.encode("windows-1251"))
        self.assertTrue(r.startswith("240"), r)
        self.assertIn("held", r)
        entries = self.queue()
        self.assertEqual(len(entries), 1)
        # The listing shows the words, cut on a character if at all.
        ex = entries[0]["excerpt"]
        self.assertNotIn("=?", ex)
        self.assertTrue(long_subject.startswith(ex) or ex == long_subject,
                        ex)
        # hearthmod show: the subject and the body, in UTF-8.
        r = self.mod("show", entries[0]["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(long_subject[:40], r.stdout)
        self.assertNotIn("=?", r.stdout)
        for line in BODY.splitlines():
            self.assertIn(line, r.stdout)
        r = self.mod("--json", "show", entries[0]["id"])
        shown = json.loads(r.stdout)
        self.assertEqual([row["line"] for row in shown["content"]],
                         BODY.splitlines())
        # hearth.queue: the Subject is encoded words, folded, none cut.
        mod = self.member("mia", role="moderator")
        self.assertTrue(mod.cmd("GROUP hearth.queue").startswith("211 1"))
        _, art = mod.multi("ARTICLE %s" % entries[0]["id"], "220")
        value, taken = unfold(art, "Subject")
        for l in taken:
            self.assertLessEqual(len(l), 76, taken)
            self.assertTrue(all(ord(ch) < 128 for ch in l), l)
        words = decoded(value)
        self.assertIn("[held] article by alice in ask-a-doctor.oncology: ",
                      words)
        self.assertIn(long_subject[:30], words)
        self.assertNotIn("\ufffd", words)
        text = "\n".join(art)
        for line in BODY.splitlines():
            self.assertIn(line, text)
        # The author's notice in hearth.inbox names the post in words.
        r = alice.cmd("GROUP hearth.inbox")
        self.assertTrue(r.startswith("211 1 "), r)
        _, head = alice.multi("HEAD %s" % r.split()[2], "221")
        notice = decoded(unfold(head, "Subject")[0])
        self.assertTrue(notice.startswith("Waiting for a moderator: "),
                        notice)
        self.assertIn(long_subject[:30], notice)
        self.assertNotIn("\ufffd", notice)
        # The overview carries the Subject unfolded, on one line.
        _, over = mod.multi("OVER %s" % entries[0]["id"], "224")
        self.assertEqual(len(over), 1)
        self.assertEqual(decoded(over[0].split("\t")[1]), words)

    def test_undeclared_8bit_gets_441_saying_what_to_set(self):
        alice = self.member("alice")
        # A body in windows-1251 with no charset.
        r, _ = self.post_raw(alice, [
            ("From", b"Alice <alice@example.org>"),
            ("Newsgroups", b"support.ms"),
            ("Subject", b"no charset")], BODY.encode("windows-1251"))
        self.assertTrue(r.startswith("441 "), r)
        self.assertIn("body", r)
        self.assertIn("charset", r)
        self.assertIn("UTF-8", r)
        # A raw KOI8-R Subject: headers are UTF-8 or encoded words.
        r, _ = self.post_raw(alice, [
            ("From", b"Alice <alice@example.org>"),
            ("Newsgroups", b"support.ms"),
            ("Subject", "Привет".encode("koi8-r")),
            ("Content-Type", b"text/plain; charset=koi8-r")],
            BODY.encode("koi8-r"))
        self.assertTrue(r.startswith("441 "), r)
        self.assertIn("Subject", r)
        self.assertIn("UTF-8", r)
        self.assertIn("RFC 2047", r)
        # Declared, the same body is taken.
        r, _ = self.post_raw(alice, [
            ("From", b"Alice <alice@example.org>"),
            ("Newsgroups", b"support.ms"),
            ("Subject", b"declared"),
            ("Content-Type", b"text/plain; charset=windows-1251")],
            BODY.encode("windows-1251"))
        self.assertTrue(r.startswith("240"), r)

    def test_report_from_a_newsreader_in_cp1251(self):
        bob = self.member("bob")
        target = self.post_ok(bob, group="support.ms",
                              subject="Продаю чудо-таблетки")
        alice = self.member("alice")
        reason = "Это реклама, а не поддержка"
        body = ("Боб писал(а):\n> Продаю чудо-таблетки\n\n%s\n" %
                reason).encode("windows-1251")
        r, _ = self.post_raw(alice, [
            ("From", b"Alice <alice@example.org>"),
            ("Newsgroups", b"hearth.report"),
            ("Subject", b_word("Re: Продаю", "windows-1251").encode()),
            ("References", target.encode()),
            ("Content-Type", b"text/plain; charset=windows-1251")], body)
        self.assertTrue(r.startswith("240"), r)
        entries = self.queue()
        self.assertEqual([e["kind"] for e in entries], ["report"])
        r = self.mod("show", entries[0]["id"])
        self.assertIn(reason, r.stdout)
        self.assertNotIn("писал", r.stdout)
        self.assertNotIn("\ufffd", r.stdout)

    def test_announcement_subject_is_encoded_and_decodes(self):
        title = "Школа пациента: усталость после химиотерапии и что с ней делать"
        r = self.mod("event", "add", "--title", title,
                     "--starts", "2031-02-03T17:00Z", "--duration", "1h",
                     "--room", "#patient-school", "--group", "support.ms")
        self.assertEqual(r.returncode, 0, r.stderr)
        anon = self.client()
        self.assertTrue(anon.cmd("GROUP hearth.announce").startswith("211 1"))
        anon.lc.send("HEAD 1")
        self.assertTrue(anon.lc.readline().startswith("221"))
        raw = anon.raw_multi()
        # Every header line is ASCII and at most 76 characters.
        head = raw.decode("ascii").replace("\r\n", "\n").split("\n")
        value, taken = unfold(head, "Subject")
        self.assertGreater(len(taken), 1, taken)    # folded
        for l in taken:
            self.assertLessEqual(len(l), 76, taken)
        self.assertTrue(re.match(r"=\?UTF-8\?B\?", value), value)
        self.assertTrue(decoded(value).startswith(title), decoded(value))
        # The feed shows the words.
        root = self.feed("/feeds/groups/hearth.announce.atom")
        titles = [e.find(ATOM + "title").text
                  for e in root.iter(ATOM + "entry")]
        self.assertTrue(any(t.startswith(title) for t in titles), titles)


class HelperShowsWords(Charsets.__base__):
    """Helper QUEUE and SHOW over IRC: the words, never encoded words,
    every notice valid UTF-8 even where a long line is cut."""
    protos = ("nntp", "irc")
    raw = IrcCase.raw
    irc = IrcCase.client

    def helper(self, c, text):
        c.send("PRIVMSG Helper :" + text)
        lines = c.until(lambda l: l.startswith(":Helper!"))
        return [l.split(" :", 1)[1] for l in lines + c.sync()
                if l.startswith(":Helper!") and " NOTICE " in l]

    def test_queue_and_show_over_irc(self):
        self.account("mia", "moderator")
        alice = self.member("alice")
        subject = SUBJECT * 3          # past what one notice holds
        r = alice.cmd("POST")
        self.assertTrue(r.startswith("340"), r)
        alice.lc.sendraw(raw_article([
            ("From", b"Alice <alice@example.org>"),
            ("Newsgroups", b"ask-a-doctor.oncology"),
            ("Subject", b_word(subject, "koi8-r").encode()),
            ("Content-Type", b"text/plain; charset=koi8-r")],
            BODY.encode("koi8-r")))
        r = alice.lc.readline()
        self.assertTrue(r.startswith("240"), r)
        mia = self.irc("mia", sasl=("mia", PASSWORD))
        said = self.helper(mia, "QUEUE")
        row = [l for l in said if "excerpt=" in l]
        self.assertEqual(len(row), 1, said)
        self.assertIn("excerpt=" + SUBJECT[:20], row[0])
        self.assertNotIn("=?", row[0])
        entry = re.search(r"\bid=(\d+)", row[0]).group(1)
        said = self.helper(mia, "SHOW " + entry)
        text = "\n".join(said)
        self.assertIn("Excerpt: " + SUBJECT[:20], text)
        for line in BODY.splitlines():
            self.assertIn(line, text)
        self.assertNotIn("=?", text)
        self.assertNotIn("\ufffd", text)


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
