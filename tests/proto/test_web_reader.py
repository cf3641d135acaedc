"""The web reader (issue 16, part 1): groups, threads as trees, one
article at a stable address, under the same visibility rules as NNTP
and the feeds; hostile text escaped on every page; cache and robots
headers."""

import atexit
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from hearth_test import SRCDIR
from news_case import ATOM, NewsCase
from nntp_helpers import PASSWORD
from web_helpers import WebClient

PRIVATE = "circle.web"
# The hostile texts of the feed tests (test_http.py), and more.
HOSTILE_TITLE = ("School <script>alert(1)</script> ]]> & \"quotes\" "
                 "\u202eevil\u202c end")
HOSTILE_BODY = ("Hi </div><img src=x onerror=alert(1)> and "
                "<script>alert('b')</script> &amp; ]]> done\n")
HOSTILE_NAME = "Eve <script>alert(3)</script>"


def _groups_file():
    d = tempfile.mkdtemp(prefix="hearth-groups-")
    atexit.register(shutil.rmtree, d, True)
    with open(os.path.join(SRCDIR, "etc/groups.conf")) as f:
        text = f.read()
    text += "%s  open  private  A closed circle\n" % PRIVATE
    p = os.path.join(d, "groups.conf")
    with open(p, "w") as f:
        f.write(text)
    return p


def art_path(msgid):
    return "/articles/" + urllib.parse.quote(msgid[1:-1], safe="@!$&'()*+,;=:")


def thread_path(msgid):
    return "/threads/" + urllib.parse.quote(msgid[1:-1], safe="@!$&'()*+,;=:")


class ReaderBase(NewsCase):
    protos = ("nntp", "http", "https")
    extra_config = NewsCase.extra_config + "groups_file = %s\n" % \
        _groups_file()

    def browser(self, name=None, tls=True):
        b = WebClient(self.h, tls=tls)
        if name is not None:
            r = b.sign_in(name, PASSWORD)
            self.assertEqual(r.status, 303, r.text)
        return b

    def page(self, b, path, status=200):
        r = b.get(path)
        self.assertEqual(r.status, status, "%s: %s" % (path, r.text[:300]))
        if status == 200:
            self.assertTrue(r.text.startswith("<!DOCTYPE html>"))
            ET.fromstring(r.text[len("<!DOCTYPE html>"):])  # well-formed
            self.assertIn('class="hotline"', r.text)
            self.assertNotIn("<script", r.text)
        return r

    def reply(self, c, parent, refs, group="support.oncology",
              subject="Re: Hello", body="A reply.\n"):
        return self.post_ok(c, group=group, subject=subject, body=body,
                            extra=[("References", " ".join(refs + [parent]))])


class Reading(ReaderBase):

    def test_read_a_thread_from_the_group_list(self):
        alice = self.member("alice")
        bob = self.member("bob")
        root = self.post_ok(alice, subject="First chemo next week",
                            body="What should I bring?\n")
        r1 = self.reply(bob, root, [], body="A warm blanket.\n")
        r2 = self.reply(alice, r1, [root], body="Thank you!\n")
        b = self.browser()
        groups = self.page(b, "/groups")
        self.assertIn('href="/groups/support.oncology"', groups.text)
        self.assertIn("Living with cancer", groups.text)
        # Members-only, private and the report group: not for visitors.
        for g in ("support.autism.parents", PRIVATE, "hearth.report"):
            self.assertNotIn(g, groups.text)
        # Stored, but asked again each time: a sign-in changes the page.
        self.assertEqual(groups.header("Cache-Control"), "public, no-cache")
        self.assertIn("Cookie", groups.header("Vary"))
        r = b.get("/groups", headers={"If-None-Match": groups.header("ETag")})
        self.assertEqual(r.status, 304)
        self.assertIsNone(groups.header("X-Robots-Tag"))
        grp = self.page(b, "/groups/support.oncology")
        self.assertIn('href="%s"' % thread_path(root).replace("&", "&amp;"),
                      grp.text)
        self.assertIn("First chemo next week", grp.text)
        self.assertIn("3 messages", grp.text)
        self.assertIn('href="/feeds/groups/support.oncology.atom"',
                      grp.text)
        th = self.page(b, thread_path(root))
        root_el = ET.fromstring(th.text[len("<!DOCTYPE html>"):])
        # A tree: the second reply nests inside the first.
        tops = root_el.findall(".//main/ul/li")
        self.assertEqual(len(tops), 1)
        lvl2 = tops[0].findall("./ul/li")
        self.assertEqual(len(lvl2), 1)
        lvl3 = lvl2[0].findall("./ul/li")
        self.assertEqual(len(lvl3), 1)
        self.assertIn("Thank you!", ET.tostring(lvl3[0], "unicode"))
        self.assertIn("A warm blanket.", th.text)
        self.assertIn(">bob<", th.text)
        # One article, at its own address.
        art = self.page(b, art_path(r2))
        self.assertIn("Thank you!", art.text)
        self.assertIn('href="/groups/support.oncology"', art.text)
        self.assertIn('href="%s"' % art_path(r1), art.text)   # parent
        self.assertIn("news:" + r2[1:-1], art.text)
        # Bad and unknown ids.
        self.page(b, "/articles/nobody@nowhere", 404)
        self.page(b, "/threads/nobody@nowhere", 404)
        self.page(b, "/groups/no.such.group", 404)

    def test_deep_and_forged_threads(self):
        alice = self.member("alice")
        root = self.post_ok(alice, subject="Deep", body="Level 0.\n")
        chain = [root]
        for i in range(1, 15):
            chain.append(self.reply(alice, chain[-1], chain[:-1],
                                    body="Level %d.\n" % i))
        # Two articles that name each other as parent: the loop is
        # broken, both are shown, nothing hangs.
        self.post_ok(alice, subject="Loop", body="Loop a.\n",
                     extra=[("Message-ID", "<loop-a@example.org>"),
                            ("References", root + " <loop-b@example.org>")])
        self.post_ok(alice, subject="Loop", body="Loop b.\n",
                     extra=[("Message-ID", "<loop-b@example.org>"),
                            ("References", root + " <loop-a@example.org>")])
        b = self.page(self.browser(), thread_path(root))
        for i in range(15):
            self.assertIn("Level %d." % i, b.text)
        self.assertIn("Loop a.", b.text)
        self.assertIn("Loop b.", b.text)
        el = ET.fromstring(b.text[len("<!DOCTYPE html>"):])

        def depth(node):
            kids = [depth(c) for c in node]
            return (node.tag == "ul") + (max(kids) if kids else 0)
        # Nesting stops at eight levels below the first article.
        self.assertEqual(depth(el.find(".//main")), 9)

    def test_feed_entries_link_to_the_article_page(self):
        alice = self.member("alice")
        msgid = self.post_ok(alice, subject="Linked")
        root = self.feed("/feeds/groups/support.oncology.atom")
        e = [e for e in root.iter(ATOM + "entry")
             if e.find(ATOM + "title").text == "Linked"][0]
        links = {l.get("rel"): l.get("href")
                 for l in e.findall(ATOM + "link")}
        self.assertEqual(links["related"], "news:" + msgid[1:-1])
        u = urllib.parse.urlsplit(links["alternate"])
        self.assertEqual(u.path, art_path(msgid))
        r = self.page(self.browser(tls=False), u.path)
        self.assertIn("Linked", r.text)

    def test_paging_newest_first(self):
        alice = self.member("alice")
        for i in range(25):
            self.post_ok(alice, group="support.ms", subject="Thread %02d" % i)
        b = self.browser()
        p1 = self.page(b, "/groups/support.ms")
        subjects = re.findall(r">Thread (\d\d)<", p1.text)
        self.assertEqual(len(subjects), 20)
        self.assertEqual(subjects[0], "24")
        self.assertIn('href="/groups/support.ms?page=2"', p1.text)
        p2 = self.page(b, "/groups/support.ms?page=2")
        self.assertEqual(re.findall(r">Thread (\d\d)<", p2.text),
                         ["04", "03", "02", "01", "00"])
        self.assertIn('href="/groups/support.ms"', p2.text)
        self.page(b, "/groups/support.ms?page=3", 404)
        self.page(b, "/groups/support.ms?page=0", 400)
        self.page(b, "/groups/support.ms?page=9223372036854775807", 404)
        self.page(b, "/groups/support.ms?page=9223372036854775808", 400)

    def test_doctor_badge(self):
        self.account("drkim")
        self.mod("account", "verify-doctor", "drkim", "--specialty",
                 "endocrinology")
        doc = self.client()
        self.assertTrue(doc.login("drkim").startswith("281"))
        msgid = self.post_ok(doc, group="ask-a-doctor.diabetes",
                             subject="About HbA1c targets")
        b = self.browser()
        for path in (thread_path(msgid), art_path(msgid)):
            r = self.page(b, path)
            self.assertIn('<span class="badge">verified doctor '
                          '(endocrinology)</span>', r.text)
        # A member cannot forge it.
        alice = self.member("alice")
        fake = self.post_ok(alice, subject="Trust me",
                            extra=[("X-Hearth-Verified", "verified doctor")])
        self.assertNotIn('class="badge"', self.page(b, art_path(fake)).text)

    def test_unread_counts_for_a_member(self):
        alice = self.member("alice")
        self.post_ok(alice, group="support.stroke", subject="one")
        self.post_ok(alice, group="support.stroke", subject="two")
        b = self.browser("alice")
        def new_in_stroke():
            text = self.page(b, "/groups").text
            part = text.split('href="/groups/support.stroke"')[1]
            part = part.split("</li>")[0]
            m = re.search(r'class="unread">(\d+) new<', part)
            return int(m.group(1)) if m else 0
        self.assertEqual(new_in_stroke(), 2)
        # Seeing the group's page reads nothing; "mark all read" does
        # (opening threads: test_web_forum.py).
        grp = self.page(b, "/groups/support.stroke")
        self.assertEqual(new_in_stroke(), 2)
        r = b.post("/groups/support.stroke", {"csrf": grp.csrf()})
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(new_in_stroke(), 0)
        self.post_ok(alice, group="support.stroke", subject="three")
        self.assertEqual(new_in_stroke(), 1)
        # Visitors see no counts.
        self.assertNotIn('class="unread"', self.page(self.browser(),
                                                     "/groups").text)


class Visibility(ReaderBase):

    def test_members_only_needs_a_session(self):
        alice = self.member("alice")
        msgid = self.post_ok(alice, group="support.autism.parents",
                             subject="Sleep at night")
        anon = self.browser()
        r = anon.get("/groups/support.autism.parents")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"),
                         "/signin?next=/groups/support.autism.parents")
        # Signing in there comes back to the group.
        page = anon.get(r.header("Location"))
        self.assertIn('name="next" value="/groups/support.autism.parents"',
                      page.text)
        r = anon.post("/signin", {"csrf": page.csrf(), "name": "alice",
                                  "password": PASSWORD,
                                  "next": "/groups/support.autism.parents"})
        self.assertEqual(r.header("Location"),
                         "/groups/support.autism.parents")
        anon = self.browser()
        self.page(anon, thread_path(msgid), 404)
        self.page(anon, art_path(msgid), 404)
        # A query comes back whole.
        r = anon.get("/groups/support.autism.parents?page=1&x=%C3%A9")
        self.assertEqual(r.header("Location"), "/signin?next=/groups/"
                         "support.autism.parents%3Fpage%3D1%26x%3D%25C3%25A9")
        page = anon.get(r.header("Location"))
        self.assertIn('name="next" value="/groups/support.autism.parents'
                      '?page=1&amp;x=%C3%A9"', page.text)
        self.assertNotIn("Sleep at night", anon.get("/groups").text)
        b = self.browser("alice")
        self.assertIn("support.autism.parents", self.page(b, "/groups").text)
        for path in ("/groups/support.autism.parents", thread_path(msgid),
                     art_path(msgid)):
            r = self.page(b, path)
            self.assertIn("Sleep at night", r.text)
            self.assertEqual(r.header("Cache-Control"), "private, no-store")
            self.assertEqual(r.header("X-Robots-Tag"), "noindex, nofollow")
            self.assertIn('<meta name="robots" content="noindex, nofollow"/>',
                          r.text)
        # A public page read by a member is still not for shared caches.
        r = self.page(b, "/groups/support.oncology")
        self.assertIn("private", r.header("Cache-Control"))

    def test_private_group_is_404_outside_its_list(self):
        self.account("facil")
        r = self.h.hearthmod("group", "access", "add", PRIVATE, "facil")
        self.assertEqual(r.returncode, 0, r.stderr)
        facil = self.client()
        self.assertTrue(facil.login("facil").startswith("281"))
        msgid = self.post_ok(facil, group=PRIVATE, subject="Our circle",
                             body="Only for us.\n")
        self.account("bob")
        self.account("mia", role="moderator")
        paths = ("/groups/" + PRIVATE, thread_path(msgid), art_path(msgid))
        # Anyone outside the list: 404, signed in or not (no sign-in
        # page, which would say the group exists).
        for b in (self.browser(), self.browser("bob")):
            for path in paths:
                self.page(b, path, 404)
            self.assertNotIn(PRIVATE, self.page(b, "/groups").text)
            self.assertNotIn("Our circle", self.page(
                b, "/groups/support.oncology").text)
        # On the list, and moderators: readable, never cached, noindex.
        for name in ("facil", "mia"):
            b = self.browser(name)
            self.assertIn(PRIVATE, self.page(b, "/groups").text)
            for path in paths:
                r = self.page(b, path)
                self.assertIn("Our circle", r.text)
                self.assertEqual(r.header("X-Robots-Tag"),
                                 "noindex, nofollow")
                self.assertIn("no-store", r.header("Cache-Control"))
        # Taken off the list: 404 again.
        r = self.h.hearthmod("group", "access", "remove", PRIVATE, "facil")
        self.assertEqual(r.returncode, 0, r.stderr)
        b = self.browser("facil")
        for path in paths:
            self.page(b, path, 404)

    def test_hidden_article_is_a_tombstone(self):
        alice = self.member("alice")
        bob = self.member("bob")
        root = self.post_ok(alice, subject="Diet questions",
                            body="What do you eat?\n")
        bad = self.reply(bob, root, [], body="Buy my miracle cure\n")
        good = self.reply(alice, bad, [root], body="Please do not.\n")
        r = self.mod("hide", "article", bad, "--reason", "spam")
        self.assertEqual(r.returncode, 0, r.stderr)
        b = self.browser()
        th = self.page(b, thread_path(root))
        self.assertNotIn("miracle cure", th.text)
        self.assertIn("hidden by a moderator", th.text)
        # The reply still hangs under the tombstone.
        root_el = ET.fromstring(th.text[len("<!DOCTYPE html>"):])
        gone = [li for li in root_el.iter("li")
                if li.find("./article[@class='post gone']") is not None]
        self.assertEqual(len(gone), 1)
        self.assertIn("Please do not.", ET.tostring(gone[0], "unicode"))
        r = self.page(b, art_path(bad))
        self.assertNotIn("miracle cure", r.text)
        self.assertIn("hidden by a moderator", r.text)
        self.assertIn("Please do not.", self.page(b, art_path(good)).text)

    def test_erased_members(self):
        alice = self.member("alice")
        bob = self.member("bob")
        root = self.post_ok(bob, subject="Bob asks", body="Question.\n")
        self.reply(alice, root, [], body="Alice answers.\n")
        r = self.mod("account", "erase", "alice", "--mode", "pseudonymize")
        self.assertEqual(r.returncode, 0, r.stderr)
        th = self.page(self.browser(), thread_path(root))
        self.assertIn("Alice answers.", th.text)
        self.assertNotIn(">alice<", th.text)
        self.assertIn(">Former member<", th.text)
        r = self.mod("account", "erase", "bob", "--mode", "remove")
        self.assertEqual(r.returncode, 0, r.stderr)
        th = self.browser().get(thread_path(root))
        self.assertNotIn("Question.", th.text)
        self.assertNotIn(">bob<", th.text)

    def test_hostile_text_is_escaped_everywhere(self):
        alice = self.member("alice")
        root = self.post_ok(alice, subject=HOSTILE_TITLE, body=HOSTILE_BODY)
        # A peer's article: the display name from From.
        c = self.client()
        self.assertTrue(c.login("alice").startswith("281"))
        rep = self.post_ok(alice, subject="Re: " + HOSTILE_TITLE,
                           body=HOSTILE_BODY,
                           extra=[("References", root)])
        db = self.db()
        text, hlen = db.execute("SELECT text, header_len FROM articles "
                                "WHERE msgid = ?", (rep,)).fetchone()
        old = b"From: Alice <alice@example.org>"
        new = ('From: "%s" <eve@example.org>' % HOSTILE_NAME).encode()
        self.assertIn(old, text[:hlen])
        text = text.replace(old, new, 1)
        db.execute("UPDATE articles SET author_id = NULL, text = ?, "
                   "header_len = ?, bytes = ? WHERE msgid = ?",
                   (text, hlen + len(new) - len(old), len(text), rep))
        db.commit()
        db.close()
        for b in (self.browser(), self.browser("alice")):
            for path in ("/groups", "/groups/support.oncology",
                         thread_path(root), art_path(root), art_path(rep)):
                r = self.page(b, path)
                self.assertNotIn("<img", r.text, path)
                self.assertNotIn("alert(1)</script>", r.text, path)
                self.assertNotIn("</div><", r.text.split("<main")[1]
                                 .split('class="body">')[0], path)
            self.assertIn("School &lt;script&gt;alert(1)&lt;/script&gt;",
                          self.page(b, thread_path(root)).text)
            body = self.page(b, art_path(rep)).text
            self.assertIn("&lt;img src=x onerror=alert(1)&gt;", body)
            self.assertIn("Eve &lt;script&gt;alert(3)&lt;/script&gt;",
                          body)
            self.assertNotIn("eve@example.org", body)


if __name__ == "__main__":
    unittest.main()
