"""Writing on the web (issue 16, item 3): a new story, a reply that is a
real article (newsreaders see it in the thread with the right
References), a report -- through the same sanctions, screening, holds,
probation, crisis safety net and notices as NNTP POST, over real HTTPS
with cookies and form tokens."""

import html
import json
import os
import re
import shutil
import sqlite3
import tempfile
import unittest
import urllib.parse

from hearth_test import BAD_LOG_MARKERS, SRCDIR, Hearthd, LineClient
from nntp_helpers import NNTPClient
from web_helpers import WebClient

PW = "correct horse battery"
HOTLINE = "Call the support line 8-800-2000-122, free, day and night"
CRISIS = "some nights I want to die"


PRIVATE = "circle.young-adults"


def seg(s):
    return urllib.parse.quote(s, safe="")


class WebPost(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # etc/groups.conf and a private group (a facilitated circle).
        cls.groups_dir = tempfile.mkdtemp(prefix="hearth-groups-")
        with open(os.path.join(SRCDIR, "etc/groups.conf")) as f:
            text = f.read()
        groups = os.path.join(cls.groups_dir, "groups.conf")
        with open(groups, "w") as f:
            f.write(text + "%s  open  private  A closed circle\n" % PRIVATE)
        cls.h = Hearthd(
            "groups_file = %s\n" % groups +
            "http_rate_per_second = 1000\nhttp_rate_burst = 1000\n"
            "rate_per_second = 1000\nrate_burst = 1000\n"
            "crisis_phrases_file = %s/etc/crisis-phrases.conf\n"
            "hotline = %s\n" % (SRCDIR, HOTLINE), ("https", "nntp"))
        cls.h.start()
        for name in ("anna", "bob", "proba", "crisis", "loud", "troll",
                     "rep", "csrf"):
            cls.h.add_account(name, PW)
        cls.h.hearthmod("account", "probation", "proba", "3")
        r = cls.h.hearthmod("group", "access", "add", PRIVATE, "anna")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        rc = cls.h.stop()
        log = cls.h.log()
        for marker in BAD_LOG_MARKERS:
            assert marker not in log, "hearthd log:\n" + log[-4000:]
        assert rc == 0, "hearthd exit %s; log:\n%s" % (rc, log[-4000:])
        cls.h.cleanup()
        shutil.rmtree(cls.groups_dir, True)

    def browser(self, name):
        b = WebClient(self.h)
        r = b.sign_in(name, PW)
        self.assertEqual(r.status, 303, r.text)
        return b

    def nntp(self, name=None):
        c = NNTPClient(LineClient(self.h.addr("nntp")))
        c.lc.readline()
        if name:
            self.assertTrue(c.login(name, PW).startswith("281"))
        self.addCleanup(c.lc.close)
        return c

    def web_post(self, b, group, subject, body, token=True):
        form = b.get("/post/" + seg(group))
        self.assertEqual(form.status, 200, form.text)
        fields = {"subject": subject, "body": body}
        if token:
            fields["csrf"] = form.csrf()
        return b.post("/post/" + seg(group), fields)

    def msgid_of(self, page):
        m = re.search(r'href="/articles/([^"]+)"', page.text)
        self.assertIsNotNone(m, page.text[-3000:])
        return urllib.parse.unquote(html.unescape(m.group(1)))

    def head(self, c, msgid):
        r, lines = c.multi("HEAD " + msgid, "221")
        out = {}
        for l in lines:
            k, _, v = l.partition(": ")
            out[k.lower()] = v
        return out

    def queue(self):
        r = self.h.hearthmod("--json", "queue")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def articles(self):
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        (n,) = db.execute("SELECT count(*) FROM articles").fetchone()
        db.close()
        return n

    def test_post_and_reply_are_real_articles_in_the_thread(self):
        anna = self.browser("anna")
        # The form has labels; a story needs a subject.
        form = anna.get("/post/support.oncology")
        for f in ("subject", "body"):
            self.assertIn('<label for="%s">' % f, form.text)
        r = anna.post("/post/support.oncology", {
            "csrf": form.csrf(), "subject": " ", "body": "words"})
        self.assertEqual(r.status, 400)
        self.assertIn('id="subject-error"', r.text)
        r = self.web_post(anna, "support.oncology", "Первый день химии",
                          "Сегодня был первый день. Страшно, но "
                          "держусь.\n")
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Your post is in the group", r.text)
        root = self.msgid_of(r)
        # A newsreader sees it under anna's name, no address of hers.
        bob = self.nntp("bob")
        h = self.head(bob, root)
        self.assertTrue(h["from"].startswith("anna <"), h)
        self.assertEqual(h["newsgroups"], "support.oncology")
        self.assertNotIn("references", h)
        # bob answers from his newsreader, anna from the web.
        r340, r = bob.post([("From", "Bob <bob@example.org>"),
                            ("Newsgroups", "support.oncology"),
                            ("Subject", "Re: chemo"),
                            ("References", root)], "Hold on.\n")
        self.assertTrue(r.startswith("240"), r)
        bobs = r.split()[-1]
        page = anna.get("/reply/" + seg(bobs))
        self.assertEqual(page.status, 200, page.text)
        self.assertIn("Hold on.", page.text)      # what she answers
        self.assertIn('<label for="quote">', page.text)
        r = anna.post("/reply/" + seg(bobs), {
            "csrf": page.csrf(), "subject": "", "body": "Thank you, Bob.",
            "quote": "1"})
        self.assertEqual(r.status, 200, r.text)
        reply = self.msgid_of(r)
        # In the same test: NNTP sees the reply in the thread.
        h = self.head(bob, reply)
        self.assertEqual(h["references"], "%s %s" % (root, bobs))
        self.assertEqual(h["subject"], "Re: chemo")
        self.assertTrue(h["from"].startswith("anna <"))
        r, lines = bob.multi("BODY " + reply, "222")
        text = "\n".join(lines)
        self.assertIn("> Hold on.", text)
        self.assertIn("Thank you, Bob.", text)
        self.assertEqual(bob.code("GROUP support.oncology"), "211")
        r, over = bob.multi("OVER 1-", "224")
        (row,) = [l for l in over if reply in l]
        self.assertEqual(row.split("\t")[5], "%s %s" % (root, bobs))
        # A reply to a message nobody may see: 404.
        self.assertEqual(anna.get("/reply/" + seg("<no@such>")).status,
                         404)

    def test_probation_holds_and_says_so(self):
        b = self.browser("proba")
        r = self.web_post(b, "support.diabetes", "Hello all",
                          "New here, hello.")
        self.assertEqual(r.status, 202, r.text)
        self.assertIn("Waiting for a moderator", r.text)
        self.assertIn("new member on probation", r.text)
        self.assertIn("Once approved it appears", r.text)
        # Not shown yet: no link to it; the queue has it.
        self.assertNotIn('href="/articles/', r.text)
        (e,) = [e for e in self.queue() if e["kind"] == "held" and
                "Hello all" in json.dumps(e, ensure_ascii=False)]
        msgid = e["item_ref"]
        # Nobody reads it yet.
        self.assertEqual(self.nntp("bob").code("HEAD " + msgid), "430")
        # The same notice a newsreader's held post gets (the inbox).
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        kinds = [k for (k,) in db.execute(
            "SELECT n.kind FROM notices n JOIN accounts a ON "
            "a.id = n.account_id WHERE a.name = 'proba'")]
        db.close()
        self.assertIn("held", kinds)

    def test_crisis_phrase_shows_the_hotline(self):
        b = self.browser("crisis")
        r = self.web_post(b, "support.oncology", "A hard week", CRISIS)
        self.assertIn(r.status, (200, 202), r.text)
        m = re.search(r'<aside class="hotline crisis" role="alert".*?'
                      r'</aside>', r.text, re.S)
        self.assertIsNotNone(m, r.text)
        self.assertIn(HOTLINE, m.group(0))
        # The hotline comes before anything else in the page's main.
        main = r.text.split("<main", 1)[1]
        self.assertLess(main.index("hotline"), main.index("<h1"))
        msgid = self.msgid_of(r)
        self.assertIn("crisis", [e["kind"] for e in self.queue()
                                 if e["item_ref"] == msgid])

    def test_report_reaches_the_queue(self):
        bob = self.nntp("bob")
        r340, r = bob.post([("From", "Bob <bob@example.org>"),
                            ("Newsgroups", "support.stroke"),
                            ("Subject", "Buy miracle pills")],
                           "Cheap pills here.\n")
        bad = r.split()[-1]
        b = self.browser("rep")
        page = b.get("/report/" + seg(bad))
        self.assertEqual(page.status, 200)
        self.assertIn('<label for="reason">', page.text)
        self.assertIn("optional", page.text)
        # Without the token nothing is reported.
        r = b.post("/report/" + seg(bad), {"reason": "spam"})
        self.assertEqual(r.status, 403)
        self.assertEqual([e for e in self.queue() if e["item_ref"] == bad],
                         [])
        r = b.post("/report/" + seg(bad), {"csrf": page.csrf(),
                                           "reason": "selling pills"})
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("has gone to the moderators", r.text)
        out = self.h.hearthmod("queue").stdout
        self.assertIn(bad, out)
        (e,) = [e for e in self.queue() if e["item_ref"] == bad]
        self.assertEqual(e["kind"], "report")
        # Reason optional.
        anna = self.browser("anna")
        page = anna.get("/report/" + seg(bad))
        r = anna.post("/report/" + seg(bad), {"csrf": page.csrf(),
                                              "reason": ""})
        self.assertEqual(r.status, 200, r.text)

    def test_csrf_missing_or_wrong_stores_nothing(self):
        b = self.browser("csrf")
        before = self.articles()
        r = self.web_post(b, "support.ms", "No token", "x", token=False)
        self.assertEqual(r.status, 403)
        form = b.get("/post/support.ms")
        tok = form.csrf()
        wrong = ("A" if tok[0] != "A" else "B") + tok[1:]
        r = b.post("/post/support.ms", {"csrf": wrong, "subject": "Wrong",
                                        "body": "x"})
        self.assertEqual(r.status, 403)
        # Another member's token does not fit this session.
        other = self.browser("bob").get("/post/support.ms").csrf()
        r = b.post("/post/support.ms", {"csrf": other, "subject": "Other",
                                        "body": "x"})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.articles(), before)
        # Signed out: to the sign-in page.
        anon = WebClient(self.h)
        self.assertEqual(anon.get("/post/support.ms").status, 303)

    def test_banned_and_muted_cannot_post(self):
        loud = self.browser("loud")
        troll = self.browser("troll")
        r = self.h.hearthmod("mute", "loud", "--reason", "flooding")
        self.assertEqual(r.returncode, 0, r.stderr)
        before = self.articles()
        r = self.web_post(loud, "support.ms", "Still here", "words")
        self.assertEqual(r.status, 403, r.text)
        self.assertIn("muted", r.text)
        self.assertIn("flooding", r.text)
        form = troll.get("/post/support.ms")
        r = self.h.hearthmod("ban", "troll", "--reason", "spam")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = troll.post("/post/support.ms", {"csrf": form.csrf(),
                                            "subject": "x", "body": "y"})
        self.assertNotEqual(r.status, 200)
        self.assertNotIn("Your post is in the group", r.text)
        self.assertEqual(self.articles(), before)
        # Not a group of theirs: the report group, an unknown one.
        anna = self.browser("anna")
        self.assertEqual(anna.get("/post/hearth.report").status, 404)
        self.assertEqual(anna.get("/post/no.such.group").status, 404)
        # Read-only: only moderators post there.
        r = self.web_post(anna, "hearth.announce", "News", "Hi")
        self.assertEqual(r.status, 403)
        self.assertIn("Only moderators post", r.text)

    def test_private_group_only_for_its_list(self):
        anna = self.browser("anna")
        bob = self.browser("bob")
        # Outside the list the group is not there at all.
        self.assertEqual(bob.get("/post/" + PRIVATE).status, 404)
        token = bob.get("/post/support.ms").csrf()
        r = bob.post("/post/" + PRIVATE, {"csrf": token, "subject": "In",
                                          "body": "let me in"})
        self.assertEqual(r.status, 404)
        self.assertNotIn(PRIVATE, r.text)
        # On the list: posted, and only the list reads it.
        r = self.web_post(anna, PRIVATE, "Our circle", "Only for us.")
        self.assertEqual(r.status, 200, r.text)
        msgid = self.msgid_of(r)
        self.assertEqual(bob.get("/reply/" + seg(msgid)).status, 404)
        self.assertEqual(bob.get("/report/" + seg(msgid)).status, 404)
        self.assertEqual(anna.get("/reply/" + seg(msgid)).status, 200)

    def test_hostile_names_and_subjects_are_escaped(self):
        bob = self.nntp("bob")
        r340, r = bob.post([
            ("From", '"<script>alert(1)</script>" <bob@example.org>'),
            ("Newsgroups", "support.stroke"),
            ("Subject", '<img src=x onerror=alert(2)> "quoted" & more')],
            "<b>bold</b> & <script>alert(3)</script>\n")
        self.assertTrue(r.startswith("240"), r)
        msgid = r.split()[-1]
        anna = self.browser("anna")
        for path in ("/reply/", "/report/"):
            page = anna.get(path + seg(msgid))
            self.assertEqual(page.status, 200)
            for raw in ("<script>", "<img", "<b>"):
                self.assertNotIn(raw, page.text, path)
            self.assertIn("&lt;img src=x", page.text)
        page = anna.get("/reply/" + seg(msgid))
        self.assertIn("&lt;script&gt;alert(3)", page.text)
        # A newsreader's address is never shown, only the name.
        r340, r = bob.post([("From", "Bob Real <bob.real@example.org>"),
                            ("Newsgroups", "support.stroke"),
                            ("Subject", "Mail me")], "Hi.\n")
        addr = r.split()[-1]
        for path in ("/reply/", "/report/"):
            page = anna.get(path + seg(addr))
            self.assertIn("Bob Real", page.text)
            self.assertNotIn("example.org", page.text)
        form = anna.get("/reply/" + seg(addr))
        r = anna.post("/reply/" + seg(addr), {
            "csrf": form.csrf(), "subject": "", "body": "Hello Bob.",
            "quote": "1"})
        self.assertEqual(r.status, 200, r.text)
        reply = self.msgid_of(r)
        r, lines = bob.multi("BODY " + reply, "222")
        self.assertEqual(lines[0], "Bob Real wrote:")
        self.assertNotIn("example.org", "\n".join(lines))


if __name__ == "__main__":
    unittest.main()
