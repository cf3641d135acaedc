"""The web reader as a forum: every thread of a group reachable page
by page (not only the newest 5,000 articles'), read state that follows
the threads a member opened (with "mark all read"), hidden posts as a
placeholder wherever they hang, and times in each member's own zone."""

import calendar
import re
import unittest
import time
import xml.etree.ElementTree as ET

from nntp_helpers import PASSWORD, article_bytes
from test_web_reader import ReaderBase, thread_path, art_path

GROUP = "support.ms"


def subjects(text):
    return re.findall(r'<li(?: class="new")?><a href="/threads/[^"]*">'
                      r'([^<]*)</a>', text)


def last_page(text):
    m = re.search(r"Page (\d+) of (\d+)", text)
    return (int(m.group(1)), int(m.group(2))) if m else (1, 1)


class Paging(ReaderBase):

    def bulk(self, n, start):
        """N one-article threads in GROUP, newer than anything posted
        (written straight into the store while hearthd is stopped)."""
        self.h.stop()
        db = self.db()
        gid, high = db.execute("SELECT id, high FROM groups WHERE name = ?",
                               (GROUP,)).fetchone()
        rows, links = [], []
        for i in range(n):
            mid = "<bulk.%d@test.invalid>" % i
            head = ("From: Bulk <bulk@example.org>\r\nNewsgroups: %s\r\n"
                    "Subject: Bulk %05d\r\nMessage-ID: %s\r\n"
                    "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\n"
                    % (GROUP, i, mid)).encode()
            text = head + b"Bulk body.\r\n"
            rows.append((mid, start + i, len(head), len(text), 1, text,
                         "%s:%d" % (GROUP, high + 1 + i)))
        db.executemany("INSERT INTO articles (msgid, posted, header_len, "
                       "bytes, lines, text, xref) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?)", rows)
        for i in range(n):
            aid = db.execute("SELECT id FROM articles WHERE msgid = ?",
                             ("<bulk.%d@test.invalid>" % i,)).fetchone()[0]
            links.append((gid, high + 1 + i, aid))
        db.executemany("INSERT INTO group_articles (group_id, num, "
                       "article_id) VALUES (?, ?, ?)", links)
        db.execute("UPDATE groups SET high = high + ?, count = count + ? "
                   "WHERE id = ?", (n, n, gid))
        db.commit()
        db.close()
        self.h.start()

    def test_every_thread_reachable(self):
        alice = self.member("alice")
        bob = self.member("bob")
        old = self.post_ok(alice, group=GROUP, subject="The oldest thread",
                           body="Still here?\n")
        self.reply(bob, old, [], group=GROUP, subject="Re: The oldest "
                   "thread", body="Yes.\n")
        self.bulk(6000, int(time.time()) + 10)
        b = self.browser("alice")
        p1 = self.page(b, "/groups/" + GROUP)
        self.assertEqual(subjects(p1.text)[0], "Bulk 05999")
        self.assertEqual(len(subjects(p1.text)), 20)
        # 6,001 threads: 301 pages, the oldest thread on the last one.
        self.assertEqual(last_page(p1.text), (1, 301))
        self.assertIn('href="/groups/%s?page=2"' % GROUP, p1.text)
        p2 = self.page(b, "/groups/%s?page=2" % GROUP)
        self.assertEqual(subjects(p2.text)[0], "Bulk 05979")
        mid = self.page(b, "/groups/%s?page=251" % GROUP)
        self.assertEqual(subjects(mid.text)[0], "Bulk 00999")
        last = self.page(b, "/groups/%s?page=301" % GROUP)
        self.assertEqual(subjects(last.text), ["The oldest thread"])
        self.assertIn("2 messages", last.text)
        self.assertIn("by Alice", last.text)
        self.assertIn('href="/groups/%s?page=300"' % GROUP, last.text)
        self.assertNotIn("?page=302", last.text)
        self.assertIn("Yes.", self.page(b, thread_path(old)).text)
        self.page(b, "/groups/%s?page=302" % GROUP, 404)
        # The same for a visitor (the cached document).
        anon = self.browser()
        self.assertEqual(subjects(self.page(anon, "/groups/%s?page=301"
                                            % GROUP).text),
                         ["The oldest thread"])

    def test_a_reply_moves_its_thread_up(self):
        alice = self.member("alice")
        first = self.post_ok(alice, group=GROUP, subject="First")
        self.post_ok(alice, group=GROUP, subject="Second")
        b = self.browser()
        self.assertEqual(subjects(self.page(b, "/groups/" + GROUP).text),
                         ["Second", "First"])
        # A reply that names the thread with a folded References field.
        self.post_ok(alice, group=GROUP, subject="Re: First",
                     extra=[("References", "\r\n " + first)])
        text = self.page(self.browser(), "/groups/" + GROUP).text
        self.assertEqual(subjects(text), ["First", "Second"])
        self.assertIn("2 messages", text.split("Second")[0])


def thread_of(header):
    """The thread an article's header names: its first References
    entry (the field unfolded, its name in any case), else None."""
    text = header.decode("utf-8", "replace").replace("\r\n", "\n")
    text = re.sub(r"\n[ \t]", " ", text)
    m = re.search(r"^references:[ \t]*([^\n]*)", text, re.I | re.M)
    if not m:
        return None
    r = re.search(r"<[^<>\s]*>", m.group(1))
    return r.group(0) if r else None


class ThreadIndex(ReaderBase):
    """group_threads always equals the threads made again from the
    articles, through posts, crossposts, hiding, unhiding, cancelling
    and erasure; article_threads has every article's thread, however
    the article came (NNTP POST, the web's form, a peer's IHAVE or
    TAKETHIS).  Posting does not write the index: it is caught up
    before a page reads it (and on a timer), so check() reads a page
    first."""

    extra_config = ReaderBase.extra_config + "nntp_peers = peer1\n"

    RECOUNT = ("SELECT ga.group_id, t.root, count(*), max(t.posted), "
               "max(ga.num), coalesce(min(CASE WHEN t.is_root THEN ga.num "
               "END), min(ga.num)), max(t.is_root) FROM article_threads t "
               "JOIN group_articles ga ON ga.article_id = t.article_id "
               "WHERE t.root IS NOT NULL GROUP BY ga.group_id, t.root "
               "ORDER BY 1, 2")

    def check(self):
        self.page(self.browser(), "/groups")    # caught up
        db = self.db()
        done, top = db.execute("SELECT done, (SELECT max(id) FROM "
                               "articles) FROM thread_index").fetchone()
        self.assertEqual(done, top)
        # Each article's thread as the header says (C's scan = this).
        for aid, msgid, nbytes, hdr, root, is_root in db.execute(
                "SELECT a.id, a.msgid, a.bytes, substr(a.text, 1, "
                "a.header_len), t.root, t.is_root FROM articles a LEFT "
                "JOIN article_threads t ON t.article_id = a.id"):
            ref = thread_of(bytes(hdr or b""))
            want = None if nbytes == 0 else ref or msgid
            self.assertEqual((root, is_root), (want, int(ref is None)),
                             msgid)
        kept = db.execute("SELECT group_id, root, count, last, last_num, "
                          "head_num, have_root FROM group_threads "
                          "ORDER BY 1, 2").fetchall()
        again = db.execute(self.RECOUNT).fetchall()
        db.close()
        self.assertEqual(kept, again)
        return kept

    def test_triggers_keep_the_index(self):
        alice = self.member("alice")
        bob = self.member("bob")
        both = "support.oncology,support.ms"
        root = self.post_ok(alice, group=both, subject="Crossposted")
        r1 = self.reply(bob, root, [], group=both, body="One.\n")
        r2 = self.reply(alice, r1, [root], group=both, body="Two.\n")
        self.post_ok(bob, subject="Bob's own")
        self.assertEqual(len(self.check()), 3)
        self.assertEqual(self.mod("hide", "article", r1).returncode, 0)
        self.assertIn("2 messages", self.page(self.browser(),
                                              "/groups/support.ms").text)
        self.check()
        self.assertEqual(self.mod("unhide", "article", r1).returncode, 0)
        self.assertIn("3 messages", self.page(self.browser(),
                                              "/groups/support.ms").text)
        self.check()
        # The first article hidden: the thread is named by its oldest.
        self.assertEqual(self.mod("hide", "article", root).returncode, 0)
        text = self.page(self.browser(), "/groups/support.ms").text
        self.assertNotIn("Crossposted", text)
        self.assertIn(">Hello</a>", text)
        self.assertIn("2 messages", text)
        self.check()
        self.assertEqual(self.mod("unhide", "article", root).returncode, 0)
        self.check()
        r = self.mod("account", "erase", "bob", "--mode", "remove")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.check()
        r = self.mod("account", "erase", "alice", "--mode", "pseudonymize")
        self.assertEqual(r.returncode, 0, r.stderr)
        kept = self.check()
        self.assertTrue(kept)
        del r2

    def test_held_then_approved(self):
        """Held articles are indexed with no numbers; approving them
        adds them to their thread."""
        alice = self.member("alice")
        doc = "ask-a-doctor.oncology"
        q = self.post_ok(alice, group=doc, subject="A question")
        self.reply(alice, q, [], group=doc, subject="Re: A question",
                   body="More detail.\n")
        self.check()                    # indexed while held
        db = self.db()
        self.assertEqual(db.execute("SELECT count(*) FROM article_threads "
                                    "WHERE root = ?", (q,)).fetchone(),
                         (2,))
        self.assertEqual(db.execute("SELECT count(*) FROM group_threads "
                                    "WHERE root = ?", (q,)).fetchone(),
                         (0,))
        db.close()
        for e in self.queue():
            r = self.mod("approve", e["id"])
            self.assertEqual(r.returncode, 0, r.stderr)
        kept = self.check()
        self.assertEqual([r[2] for r in kept if r[1] == q], [2])
        text = self.page(self.browser(), "/groups/" + doc).text
        self.assertEqual(subjects(text), ["A question"])
        self.assertIn("2 messages", text)

    def test_every_way_in(self):
        """Articles from a reader's POST, the web's form and a peer's
        IHAVE and TAKETHIS land in their threads on the group page."""
        alice = self.member("alice")
        root = self.post_ok(alice, group=GROUP, subject="Ways in")
        # A reader's reply, References folded and in lower case.
        self.post_ok(alice, group=GROUP, subject="Re: Ways in",
                     extra=[("references", "\r\n\t" + root)])
        # The web's form: a new thread.
        b = self.browser("alice")
        form = self.page(b, "/post/" + GROUP)
        r = b.post("/post/" + GROUP, {"csrf": form.csrf(),
                                      "subject": "From the web",
                                      "body": "Typed in a browser.\n"})
        self.assertEqual(r.status, 200, r.text)
        # A peer's: IHAVE and TAKETHIS, replies to the root.
        self.account("peer1")
        peer = self.client()
        self.assertTrue(peer.login("peer1").startswith("281"))
        for n, verb in enumerate(("IHAVE", "TAKETHIS")):
            mid = "<peer.%d@far.example>" % n
            art = article_bytes([
                ("Path", "far.example!not-for-mail"),
                ("From", "Far <far@example.org>"),
                ("Newsgroups", GROUP),
                ("Subject", "Re: Ways in"),
                ("Message-ID", mid),
                ("Date", "Mon, 07 Dec 2026 10:00:00 +0000"),
                ("References", root)], "From afar.\n")
            if verb == "IHAVE":
                self.assertTrue(peer.cmd("IHAVE " + mid).startswith("335"))
                peer.lc.sendraw(art)
                self.assertTrue(peer.lc.readline().startswith("235"))
            else:
                peer.lc.sendraw(("TAKETHIS %s\r\n" % mid).encode() + art)
                self.assertTrue(peer.lc.readline().startswith("239"))
        text = self.page(self.browser(), "/groups/" + GROUP).text
        # The peers' replies came last: their thread is on top.
        self.assertEqual(subjects(text), ["Ways in", "From the web"])
        self.assertIn("4 messages", text)
        th = self.page(self.browser(), thread_path(root)).text
        self.assertEqual(th.count("From afar."), 2)
        kept = self.check()
        self.assertEqual(sorted(r[2] for r in kept
                                if r[1] == root), [4])


    def test_migration_fills_the_index(self):
        alice = self.member("alice")
        root = self.post_ok(alice, group=GROUP, subject="Before 23")
        self.reply(alice, root, [], group=GROUP, subject="Re: Before 23",
                   body="Old reply.\n")
        self.post_ok(alice, group=GROUP, subject="Also before")
        before = self.check()
        # The store as migration 22 left it, articles and all.
        self.h.stop()
        db = self.db()
        for t in ("group_threads_out", "group_threads_moved",
                  "article_threads_update"):
            db.execute("DROP TRIGGER %s" % t)
        for t in ("group_threads", "article_threads", "web_thread_read",
                  "thread_index"):
            db.execute("DROP TABLE %s" % t)
        db.execute("ALTER TABLE accounts DROP COLUMN timezone")
        db.execute("PRAGMA user_version = 22")
        db.commit()
        db.close()
        self.h.start()
        self.assertEqual(self.check(), before)
        text = self.page(self.browser(), "/groups/" + GROUP).text
        self.assertEqual(subjects(text), ["Also before", "Before 23"])
        self.assertIn("2 messages", text)


class ReadState(ReaderBase):

    def counts(self, b):
        text = self.page(b, "/groups").text
        part = text.split('href="/groups/%s"' % GROUP)[1].split("</li>")[0]
        m = re.search(r'class="unread">(\d+) new<', part)
        return int(m.group(1)) if m else 0

    def test_opening_a_thread_reads_it(self):
        alice = self.member("alice")
        bob = self.member("bob")
        t1 = self.post_ok(bob, group=GROUP, subject="One")
        self.reply(bob, t1, [], group=GROUP, subject="Re: One")
        t2 = self.post_ok(bob, group=GROUP, subject="Two")
        b = self.browser("alice")
        self.assertEqual(self.counts(b), 3)
        # The group page reads nothing.
        grp = self.page(b, "/groups/" + GROUP)
        self.assertEqual(self.counts(b), 3)
        self.assertEqual(grp.text.count('<li class="new">'), 2)
        self.assertIn("2 new", grp.text)
        # Opening a thread reads that thread only.
        self.page(b, thread_path(t1))
        self.assertEqual(self.counts(b), 1)
        grp = self.page(b, "/groups/" + GROUP)
        self.assertEqual(grp.text.count('<li class="new">'), 1)
        self.assertIn('<li class="new"><a href="%s"' % thread_path(t2),
                      grp.text)
        # A new reply makes the thread new again, for that reply.
        self.reply(bob, t1, [], group=GROUP, subject="Re: One")
        self.assertEqual(self.counts(b), 2)
        self.assertIn("1 new", self.page(b, "/groups/" + GROUP).text)
        # Another member's state is their own.
        self.member("carol")
        self.assertEqual(self.counts(self.browser("carol")), 4)
        # Mark all read: a form with its token, then nothing new.
        r = b.post("/groups/" + GROUP, {"csrf": grp.csrf()})
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(r.header("Location"), "/groups/" + GROUP)
        self.assertEqual(self.counts(b), 0)
        self.assertNotIn('class="new"', self.page(b, "/groups/" +
                                                  GROUP).text)
        self.post_ok(bob, group=GROUP, subject="Three")
        self.assertEqual(self.counts(b), 1)
        # Without the token: refused, nothing changes.
        r = b.post("/groups/" + GROUP, {})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.counts(b), 1)
        # A visitor: no counts, no form, and cannot post it.
        anon = self.browser()
        text = self.page(anon, "/groups/" + GROUP).text
        self.assertNotIn('class="unread"', text)
        self.assertNotIn("Mark all read", text)
        page = anon.get("/signin")
        r = anon.post("/groups/" + GROUP, {"csrf": page.csrf()})
        self.assertEqual(r.status, 303)
        self.assertTrue(r.header("Location").startswith("/signin"))


class Tombstones(ReaderBase):

    def gone_items(self, text):
        root_el = ET.fromstring(text[len("<!DOCTYPE html>"):])
        return [li for li in root_el.iter("li")
                if li.find("./article[@class='post gone']") is not None]

    def test_lone_hidden_reply_is_a_placeholder(self):
        alice = self.member("alice")
        bob = self.member("bob")
        root = self.post_ok(alice, subject="Lone reply", body="Root.\n")
        good = self.reply(alice, root, [], body="A kind reply.\n")
        bad = self.reply(bob, good, [root], body="Secret words here\n")
        r = self.mod("hide", "article", bad, "--reason", "spam")
        self.assertEqual(r.returncode, 0, r.stderr)
        for b in (self.browser(), self.browser("alice"),
                  self.browser("bob")):
            th = self.page(b, thread_path(root))
            self.assertNotIn("Secret words", th.text)
            gone = self.gone_items(th.text)
            self.assertEqual(len(gone), 1)
            self.assertIn("hidden by a moderator",
                          ET.tostring(gone[0], "unicode"))
            # Where it was: under the reply it answered.
            root_el = ET.fromstring(th.text[len("<!DOCTYPE html>"):])
            tops = root_el.findall(".//main/ul/li")
            self.assertEqual(len(tops), 1)
            lvl2 = tops[0].findall("./ul/li")
            self.assertEqual(len(lvl2), 1)
            self.assertIn("A kind reply.", ET.tostring(lvl2[0], "unicode"))
            lvl3 = lvl2[0].findall("./ul/li")
            self.assertEqual(len(lvl3), 1)
            self.assertIsNotNone(lvl3[0].find("./article[@class='post "
                                              "gone']"))
            self.assertNotIn("Secret words", self.page(b, art_path(bad)).text)
        # In Russian for a reader who reads Russian.
        ru = self.browser()
        r = ru.get(thread_path(root), headers={"Accept-Language": "ru"})
        self.assertIn("Сообщение скрыто модератором", r.text)
        self.assertNotIn("Secret words", r.text)
        # The words stay in the store.
        db = self.db()
        text, status = db.execute("SELECT text, status FROM articles WHERE "
                                  "msgid = ?", (bad,)).fetchone()
        db.close()
        self.assertEqual(status, "hidden")
        self.assertIn(b"Secret words here", text)

    def test_lone_hidden_reply_to_the_root(self):
        alice = self.member("alice")
        bob = self.member("bob")
        root = self.post_ok(alice, subject="Short", body="Root.\n")
        bad = self.reply(bob, root, [], body="Rude words\n")
        self.assertEqual(self.mod("hide", "article", bad).returncode, 0)
        th = self.page(self.browser(), thread_path(root))
        self.assertNotIn("Rude words", th.text)
        self.assertEqual(len(self.gone_items(th.text)), 1)
        # Withdrawn by its author: said so, not blamed on moderators.
        c = self.client()
        self.assertTrue(c.login("alice").startswith("281"))
        reply = self.reply(c, root, [], body="Withdrawn later.\n")
        r, _ = c.post([("From", "Alice <alice@example.org>"),
                       ("Newsgroups", "support.oncology"),
                       ("Subject", "cmsg cancel " + reply),
                       ("Control", "cancel " + reply)], "cancel\n")
        th = self.page(self.browser(), thread_path(root))
        self.assertNotIn("Withdrawn later.", th.text)
        texts = [ET.tostring(g, "unicode") for g in
                 self.gone_items(th.text)]
        self.assertEqual(len(texts), 2)
        self.assertEqual(sum("hidden by a moderator" in t for t in texts),
                         1)
        self.assertEqual(sum("withdrawn by its author" in t for t in texts),
                         1)


def times(text):
    """(datetime attribute, shown text) of every <time> on a page."""
    return re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', text)


def shown(iso, hours, zone):
    """What an ISO UTC time looks like HOURS east of UTC, named ZONE."""
    t = time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
    s = time.gmtime(calendar.timegm(t) + hours * 3600)
    return time.strftime("%d.%m.%Y %H:%M ", s) + zone


class TimeZones(ReaderBase):

    def set_zone(self, b, zone, status=303):
        page = self.page(b, "/account")
        r = b.post("/account/timezone", {"csrf": page.csrf(), "tz": zone})
        self.assertEqual(r.status, status, r.text[:300])
        return r

    def test_member_chooses_a_zone(self):
        alice = self.member("alice")
        self.member("bob")
        self.post_ok(alice, group=GROUP, subject="When?")
        path = "/groups/" + GROUP
        anon = self.browser()
        first = self.page(anon, path)
        (iso, text), = times(first.text)
        self.assertEqual(text, shown(iso, 0, "UTC"))
        a = self.browser("alice")
        acct = self.page(a, "/account")
        self.assertIn('<select name="tz" id="tz">', acct.text)
        self.assertIn('<option value="default" selected="selected">'
                      "The community&apos;s (UTC)</option>".replace(
                          "&apos;", "'"), acct.text)
        r = self.set_zone(a, "Asia/Vladivostok")
        self.assertEqual(r.header("Location"), "/account")
        acct = self.page(a, "/account")
        self.assertIn('<option value="Asia/Vladivostok" '
                      'selected="selected">', acct.text)
        for p in (path, "/groups"):
            page = self.page(a, p)
            self.assertEqual(page.header("Cache-Control"),
                             "private, no-store")
            for iso, text in times(page.text):
                self.assertEqual(text, shown(iso, 10, "UTC+10"))
        self.assertEqual(times(self.page(a, path).text)[0][1],
                         shown(iso, 10, "UTC+10"))
        # Everyone else: the community's zone, the cached page too.
        for b in (self.browser("bob"), anon, self.browser()):
            r = self.page(b, path)
            self.assertEqual(times(r.text)[0][1], shown(iso, 0, "UTC"))
        # The visitor's cached page never answers for the member.
        r = a.get(path, headers={"If-None-Match": first.header("ETag")})
        self.assertEqual(r.status, 200)
        self.assertEqual(times(r.text)[0][1], shown(iso, 10, "UTC+10"))
        # A zone with a name of its own.
        self.set_zone(a, "Europe/Moscow")
        self.assertEqual(times(self.page(a, path).text)[0][1],
                         shown(iso, 3, "MSK"))
        # Bad names: refused, nothing changes.
        for bad in ("Mars/Olympus", "../../etc/passwd", "/etc/localtime",
                    "Europe/Moscow\n", "x" * 300):
            self.set_zone(a, bad, 400)
        self.assertEqual(times(self.page(a, path).text)[0][1],
                         shown(iso, 3, "MSK"))
        # Back to the community's; audited.
        self.set_zone(a, "default")
        self.assertEqual(times(self.page(a, path).text)[0][1],
                         shown(iso, 0, "UTC"))
        db = self.db()
        rows = db.execute("SELECT reason FROM audit_log WHERE action = "
                          "'timezone' ORDER BY id").fetchall()
        zone = db.execute("SELECT timezone FROM accounts WHERE name = "
                          "'alice'").fetchone()[0]
        db.close()
        self.assertIsNone(zone)
        self.assertEqual(len(rows), 3)
        # Signed out: no form to post.
        anon_acct = anon.get("/signin")
        r = anon.post("/account/timezone", {"csrf": anon_acct.csrf(),
                                            "tz": "UTC"})
        self.assertEqual(r.status, 303)
        self.assertTrue(r.header("Location").startswith("/signin"))


if __name__ == "__main__":
    unittest.main()
