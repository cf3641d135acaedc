"""Moderation of articles end to end, and the news feeds: held posts
approved or rejected from hearthmod, reports from a newsreader, auto-hide,
hide/unhide with tombstones in feeds, the crisis safety net, members-only
feeds over HTTPS with Basic auth, doctor and thread feeds."""

import base64
import http.client
import json
import os
import ssl
import subprocess
import xml.etree.ElementTree as ET

from hearth_test import SRCDIR
from nntp_helpers import NNTPCase, PASSWORD

from news_case import ATOM, AT, THR, NewsCase  # noqa: F401


class HeldPosts(NewsCase):

    def test_approve_and_reject_from_hearthmod(self):
        alice = self.member("alice")
        anon = self.client()
        q1 = self.post_ok(alice, group="ask-a-doctor.oncology",
                          subject="Is fatigue normal after chemo?")
        q2 = self.post_ok(alice, group="ask-a-doctor.oncology",
                          subject="Second question")
        entries = self.queue()
        self.assertEqual([(e["kind"], e["item_ref"]) for e in entries],
                         [("held", q1), ("held", q2)])
        self.assertEqual(entries[0]["author"], "alice")
        self.assertEqual(entries[0]["location"], "ask-a-doctor.oncology")
        r = self.mod("approve", entries[0]["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.mod("reject", entries[1]["id"])
        self.assertEqual(r.returncode, 1)          # a reason is required
        self.assertIn("needs a reason", r.stderr)
        r = self.mod("reject", entries[1]["id"], "--reason",
                     "Please ask your own care team about doses")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(anon.cmd("GROUP ask-a-doctor.oncology"),
                         "211 1 1 1 ask-a-doctor.oncology")
        self.assertEqual(anon.code("ARTICLE " + q1), "220")
        anon.lc.read_multiline()
        self.assertEqual(anon.code("ARTICLE " + q2), "430")
        self.assertEqual(self.queue(), [])
        log = json.loads(self.mod("--json", "log").stdout)
        actions = [(e["action"], e["target"]) for e in log]
        self.assertIn(("approve", q1), actions)
        self.assertIn(("reject", q2), actions)
        # Decided entries cannot be decided again.
        r = self.mod("approve", entries[0]["id"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("already closed", r.stderr)

    def test_probation_counts_down(self):
        alice = self.member("alice")
        r = self.mod("account", "probation", "alice", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Sessions read the account at sign-in: sign in again.
        alice = self.client()
        self.assertTrue(alice.login("alice").startswith("281"))
        first = self.post_ok(alice, group="support.oncology")
        anon = self.client()
        self.assertEqual(anon.code("ARTICLE " + first), "430")
        entry = self.queue()[0]
        self.assertEqual((entry["kind"], entry["item_ref"]), ("held", first))
        self.assertEqual(self.mod("approve", entry["id"]).returncode, 0)
        self.assertEqual(anon.code("ARTICLE " + first), "220")
        anon.lc.read_multiline()
        alice = self.client()
        self.assertTrue(alice.login("alice").startswith("281"))
        second = self.post_ok(alice, group="support.oncology")
        self.assertEqual(anon.code("ARTICLE " + second), "220")
        anon.lc.read_multiline()
        r = self.mod("account", "probation", "ghost", "2")
        self.assertEqual(r.returncode, 1)

    def test_from_name_cannot_claim_a_role(self):
        alice = self.member("alice")
        r340, r = alice.post([("From", "Dr. Alice <alice@example.org>"),
                              ("Newsgroups", "support.ms"),
                              ("Subject", "advice")], "Take this\n")
        self.assertTrue(r.startswith("441 "), r)
        self.assertIn("verified doctors", r)
        r340, r = alice.post([("From", "Alice <dr.alice@example.org>"),
                              ("Newsgroups", "support.ms"),
                              ("Subject", "fine")], "Hello\n")
        self.assertTrue(r.startswith("240 "), r)

    def test_held_reply_says_so(self):
        alice = self.member("alice")
        r340, r = alice.post([("From", "Alice <alice@example.org>"),
                              ("Newsgroups", "ask-a-doctor.neurology"),
                              ("Subject", "MS and heat")], "Hello\n")
        self.assertTrue(r.startswith("240 "), r)
        self.assertIn("held for a moderator", r)
        self.assertTrue(r.split()[-1].startswith("<"))


class Reports(NewsCase):
    extra_config = NewsCase.extra_config + "report_autohide_threshold = 2\n"

    def report(self, c, target, reason):
        r340, r = c.post([("From", "R <r@example.org>"),
                          ("Newsgroups", "hearth.report"),
                          ("Subject", "Re: report"),
                          ("References", target)], reason + "\n")
        self.assertTrue(r.startswith("240 "), r)
        return r

    def test_reports_merge_autohide_and_unhide(self):
        spam = self.member("spammer")
        bad = self.post_ok(spam, group="support.ms",
                           subject="Miracle cure, click here")
        good = self.post_ok(spam, group="support.ms", subject="Later post")
        r1 = self.member("reader1")
        r2 = self.member("reader2")
        ack = self.report(r1, bad, "Selling fake cures")
        self.assertIn("the author is not told who reported", ack)
        # A duplicate report by the same member is acknowledged, not added.
        self.assertIn("already reported", self.report(r1, bad, "again"))
        entries = self.queue()
        self.assertEqual(len(entries), 1)
        self.assertEqual((entries[0]["kind"], entries[0]["item_ref"],
                          entries[0]["reports"]), ("report", bad, "1"))
        self.assertEqual(entries[0]["author"], "spammer")
        anon = self.client()
        self.assertEqual(anon.code("ARTICLE " + bad), "220")
        anon.lc.read_multiline()
        # The second reporter reaches the threshold: hidden for review.
        self.report(r2, bad, "spam")
        self.assertEqual(anon.code("ARTICLE " + bad), "430")
        self.assertEqual(anon.cmd("GROUP support.ms"),
                         "211 1 2 2 support.ms")
        r, rows = anon.multi("OVER 1-2", "224")
        self.assertEqual(len(rows), 1)
        self.assertIn(good, rows[0])
        # The hidden article is a tombstone in the group feed.
        root = self.feed("/feeds/groups/support.ms.atom")
        gone = [e.get("ref") for e in root.iter(AT + "deleted-entry")]
        self.assertEqual(gone, ["news:" + bad[1:-1]])
        titles = [e.find(ATOM + "title").text
                  for e in root.iter(ATOM + "entry")]
        self.assertEqual(titles, ["Later post"])
        # Still in the database and in the audit log.
        db = self.db()
        self.assertEqual(db.execute("SELECT status FROM articles WHERE "
                                    "msgid = ?", (bad,)).fetchone(),
                         ("hidden",))
        db.close()
        entries = self.queue()
        self.assertEqual(entries[0]["reports"], "2")
        show = json.loads(self.mod("--json", "show", entries[0]["id"]).stdout)
        self.assertEqual(sorted(r["reporter"] for r in show["reports"]),
                         ["reader1", "reader2"])
        # Unhide puts it back under the same number.
        r = self.mod("unhide", "article", bad, "--reason", "false alarm")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(anon.cmd("GROUP support.ms"),
                         "211 2 1 2 support.ms")
        self.assertTrue(anon.cmd("STAT 1").startswith("223 1 " + bad))
        root = self.feed("/feeds/groups/support.ms.atom")
        self.assertEqual(list(root.iter(AT + "deleted-entry")), [])
        # The reporters are not revealed to members through the group.
        self.assertEqual(anon.code("GROUP hearth.report"), "411")

    def test_hide_from_hearthmod(self):
        alice = self.member("alice")
        a = self.post_ok(alice, group="support.stroke", subject="Hi")
        r = self.mod("hide", "article", a, "--reason", "personal data")
        self.assertEqual(r.returncode, 0, r.stderr)
        anon = self.client()
        self.assertEqual(anon.code("ARTICLE " + a), "430")
        r = self.mod("hide", "article", a)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not visible", r.stderr)
        e = json.loads(self.mod("--json", "log", "--action", "hide")
                       .stdout)[0]
        self.assertEqual((e["actor"], e["target"], e["reason"]),
                         ("operator", a, "personal data"))


class SafetyNet(NewsCase):

    def test_crisis_phrases_english_and_russian(self):
        alice = self.member("alice")
        r340, r = alice.post([("From", "Alice <alice@example.org>"),
                              ("Newsgroups", "support.oncology"),
                              ("Subject", "tonight")],
                             "Some nights I just want to die.\n")
        self.assertTrue(r.startswith("240 "), r)
        self.assertIn("You are not alone.", r)
        self.assertIn("emergency number", r)
        msgid = r.split()[-1]
        boris = self.member("boris")
        r340, r2 = boris.post([("From", "Boris <b@example.org>"),
                               ("Newsgroups", "support.ms"),
                               ("Subject", "тяжело")],
                              "Я больше не хочу жить.\n")
        self.assertIn("You are not alone.", r2)
        # Nothing is deleted: the posts are readable; the queue has them
        # first, ahead of an ordinary held post.
        held = self.post_ok(alice, group="ask-a-doctor.oncology")
        anon = self.client()
        self.assertEqual(anon.code("ARTICLE " + msgid), "220")
        anon.lc.read_multiline()
        kinds = [(e["kind"], e["item_ref"]) for e in self.queue()]
        self.assertEqual(kinds[:2], [("crisis", msgid),
                                     ("crisis", r2.split()[-1])])
        self.assertEqual(kinds[2], ("held", held))
        # An ordinary post gets the ordinary reply.
        r340, r3 = alice.post([("From", "Alice <alice@example.org>"),
                               ("Newsgroups", "support.oncology"),
                               ("Subject", "diet")],
                              "I want to diet after treatment.\n")
        self.assertNotIn("not alone", r3)


class Feeds(NewsCase):

    def test_group_feed_validates_and_threads(self):
        alice = self.member("alice")
        root_id = self.post_ok(alice, group="support.diabetes",
                               subject="<b>Pump</b> ]]> & tips",
                               body="Line one\n<script>x</script>\n")
        reply = self.post_ok(alice, group="support.diabetes",
                             subject="Re: Pump tips",
                             extra=[("References", root_id)])
        root = self.feed("/feeds/groups/support.diabetes.atom")
        entries = list(root.iter(ATOM + "entry"))
        self.assertEqual(len(entries), 2)
        newest = entries[0]
        self.assertEqual(newest.find(ATOM + "id").text,
                         "news:" + reply[1:-1])
        self.assertEqual(newest.find(THR + "in-reply-to").get("ref"),
                         "news:" + root_id[1:-1])
        oldest = entries[1]
        self.assertEqual(oldest.find(ATOM + "title").text,
                         "<b>Pump</b> ]]> & tips")
        self.assertIn("<script>x</script>",
                      oldest.find(ATOM + "content").text)
        # The author is the account, never the From address.
        self.assertEqual(oldest.find(ATOM + "author/" + ATOM + "name").text,
                         "alice")
        self.assertNotIn(b"alice@example.org",
                         self.get("/feeds/groups/support.diabetes.atom")[1])
        # RSS too, parsed by feedparser.
        import feedparser
        status, body = self.get("/feeds/groups/support.diabetes.rss")
        self.assertEqual(status, 200)
        d = feedparser.parse(body)
        self.assertFalse(d.bozo, d.get("bozo_exception"))
        self.assertEqual(len(d.entries), 2)
        # The thread feed holds the root and its reply.
        t = self.feed("/feeds/threads/%s.atom" % root_id[1:-1])
        self.assertEqual(len(list(t.iter(ATOM + "entry"))), 2)
        self.assertEqual(self.get("/feeds/threads/nope@x.atom")[0], 404)
        self.assertEqual(self.get("/feeds/groups/no.such.atom")[0], 404)

    def test_paging_rfc5005(self):
        alice = self.member("alice")
        for i in range(55):
            self.post_ok(alice, group="stories.general", subject="s%d" % i)
        root = self.feed("/feeds/groups/stories.general.atom")
        self.assertEqual(len(list(root.iter(ATOM + "entry"))), 50)
        prev = [l.get("href") for l in root.iter(ATOM + "link")
                if l.get("rel") == "prev-archive"]
        self.assertEqual(len(prev), 1)
        path = prev[0].split("127.0.0.1:%d" % self.h.port("http"))[1]
        older = self.feed(path)
        titles = [e.find(ATOM + "title").text
                  for e in older.iter(ATOM + "entry")]
        self.assertEqual(titles, ["s4", "s3", "s2", "s1", "s0"])
        nxt = [l.get("href") for l in older.iter(ATOM + "link")
               if l.get("rel") == "next-archive"]
        self.assertTrue(nxt[0].endswith("/feeds/groups/stories.general."
                                        "atom"))
        self.assertEqual(self.get("/feeds/groups/stories.general.atom"
                                  "?before=x")[0], 400)

    def test_members_only_needs_login_over_tls(self):
        alice = self.member("alice")
        a = self.post_ok(alice, group="support.autism.parents",
                         subject="Sensory overload at school")
        path = "/feeds/groups/support.autism.parents.atom"
        self.assertEqual(self.get(path)[0], 404)
        self.assertEqual(self.get(path, tls=True)[0], 404)
        status, _ = self.get(path, tls=True, auth=("alice", "wrong pass"))
        self.assertEqual(status, 401)
        root = self.feed(path, tls=True, auth=("alice", PASSWORD))
        self.assertEqual(root.find(ATOM + "entry/" + ATOM + "title").text,
                         "Sensory overload at school")
        # Never in public listings.
        self.assertNotIn(b"autism.parents", self.get("/")[1])
        self.assertNotIn(a.encode(), self.get(
            "/feeds/groups/support.oncology.atom")[1])

    def test_doctor_feed_carries_the_role(self):
        self.account("drkim")
        self.mod("account", "verify-doctor", "drkim", "--specialty",
                 "endocrinology")
        doc = self.client()
        self.assertTrue(doc.login("drkim").startswith("281"))
        self.post_ok(doc, group="ask-a-doctor.diabetes",
                     subject="About HbA1c targets")
        root = self.feed("/feeds/doctors/drkim.atom")
        e = root.find(ATOM + "entry")
        self.assertEqual(e.find(ATOM + "title").text, "About HbA1c targets")
        role = e.find(ATOM + "author/{urn:hearth:feed:1}role").text
        self.assertEqual(role, "verified doctor (endocrinology)")
        self.assertEqual(self.get("/feeds/doctors/alice.atom")[0], 404)

    def test_new_post_changes_the_etag(self):
        alice = self.member("alice")
        self.post_ok(alice, group="support.stroke", subject="one")
        conn = http.client.HTTPConnection("127.0.0.1", self.h.port("http"))
        conn.request("GET", "/feeds/groups/support.stroke.atom")
        r = conn.getresponse()
        r.read()
        etag = r.getheader("ETag")
        conn.request("GET", "/feeds/groups/support.stroke.atom",
                     headers={"If-None-Match": etag})
        r = conn.getresponse()
        r.read()
        self.assertEqual(r.status, 304)
        self.post_ok(alice, group="support.stroke", subject="two")
        conn.request("GET", "/feeds/groups/support.stroke.atom",
                     headers={"If-None-Match": etag})
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn(b"two", r.read())
        conn.close()


class Export(NewsCase):

    def test_export_contains_exactly_the_members_data(self):
        import mailbox
        import tempfile
        alice = self.member("alice")
        bob = self.member("bob")
        a1 = self.post_ok(alice, group="support.ms", subject="Mine one",
                          body="From the start I felt tired.\nok\n")
        a2 = self.post_ok(alice, group="ask-a-doctor.neurology",
                          subject="Held question")
        b1 = self.post_ok(bob, group="support.ms", subject="Bob's post")
        alice.post([("From", "A <a@example.org>"),
                    ("Newsgroups", "hearth.report"),
                    ("Subject", "Re: Bob's post"), ("References", b1)],
                   "Unkind words\n")
        out = tempfile.mkdtemp(prefix="hearth-export-", dir=self.h.dir)
        r = self.mod("account", "export", "alice", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "member.json")) as f:
            data = json.load(f)
        self.assertEqual(data["account"]["name"], "alice")
        ids = [a["message_id"] for a in data["articles"]]
        # Her three posts (the report too), none of Bob's.
        self.assertIn(a1, ids)
        self.assertIn(a2, ids)
        self.assertNotIn(b1, ids)
        states = {a["message_id"]: a["state"] for a in data["articles"]}
        self.assertEqual(states[a2], "held")
        self.assertEqual([(r["item_ref"], r["reason"])
                          for r in data["reports_filed"]],
                         [(b1, "Unkind words")])
        self.assertTrue(all(len(s["ip_hash"]) == 64
                            for s in data["sign_ins"]))
        self.assertNotIn("127.0.0.1", json.dumps(data))
        box = mailbox.mbox(os.path.join(out, "articles.mbox"))
        msgs = {m["Message-ID"]: m for m in box}
        self.assertEqual(set(msgs), set(ids))
        # mboxrd: a body line "From ..." is stored as ">From ..."; a
        # reader removes one ">" (Python's mailbox leaves it).
        import re
        body = re.sub(r"(?m)^>(>*From )", r"\1", msgs[a1].get_payload())
        self.assertEqual(body, "From the start I felt tired.\nok\n")
        # The member gets the same over HTTPS, and only their own.
        status, body = self.get("/me/export.json", tls=True,
                                auth=("alice", PASSWORD))
        self.assertEqual(status, 200)
        mine = json.loads(body)
        self.assertEqual(sorted(a["message_id"] for a in mine["articles"]),
                         sorted(ids))
        self.assertEqual(self.get("/me/export.json", tls=True)[0], 401)
        status, body = self.get("/me/articles.mbox", tls=True,
                                auth=("bob", PASSWORD))
        self.assertEqual(status, 200)
        self.assertIn(b1.encode(), body)
        self.assertNotIn(a1.encode(), body)
        r = self.mod("account", "export", "ghost", "--output", out)
        self.assertEqual(r.returncode, 1)


class EventAnnouncements(NewsCase):

    def test_event_posted_to_announce_group(self):
        r = self.mod("event", "add", "--title", "Patient school: fatigue",
                     "--starts", "2031-02-03T17:00Z", "--duration", "1h",
                     "--room", "#patient-school", "--capacity", "30",
                     "--facilitator", "drkim", "--group", "support.ms")
        self.assertEqual(r.returncode, 0, r.stderr)
        eid = r.stdout.split()[1]
        anon = self.client()
        self.assertEqual(anon.cmd("GROUP hearth.announce"),
                         "211 1 1 1 hearth.announce")
        r, lines = anon.multi("ARTICLE 1", "220")
        text = "\n".join(lines)
        self.assertIn("Subject: Patient school: fatigue - 03.02.2031 "
                      "17:00 UTC", text)
        self.assertIn("Where: the IRC room #patient-school", text)
        self.assertIn("Facilitator: drkim", text)
        self.assertIn("at most 30 participants", text)
        self.assertEqual(self.mod("event", "cancel", eid).returncode, 0)
        r, lines = anon.multi("HEAD 2", "221")
        self.assertIn("Subject: Cancelled: Patient school: fatigue - "
                      "03.02.2031 17:00 UTC", lines)
        # The announcements feed shows both.
        root = self.feed("/feeds/groups/hearth.announce.atom")
        self.assertEqual(len(list(root.iter(ATOM + "entry"))), 2)


class HostileFeeds(NewsCase):

    def test_control_chars_bad_bytes_and_rtl_stay_well_formed(self):
        alice = self.member("alice")
        # Latin-1 body (declared), a control character in a header
        # encoded word, an RTL override and CDATA/script tricks.
        body = (b"caf\xe9 \x1b[31mred\x1b[0m ]]> <script>alert(1)</script>"
                b"\r\n\xe2\x80\xaeevil\r\n")
        lc = alice.lc
        r = alice.cmd("POST")
        self.assertTrue(r.startswith("340"), r)
        lc.sendraw(b"From: Alice <alice@example.org>\r\n"
                   b"Newsgroups: support.stroke\r\n"
                   b"Subject: =?UTF-8?Q?bad_=E2=80=AEeliart?= ]]> <b>\r\n"
                   b"Content-Type: text/plain; charset=ISO-8859-1\r\n"
                   b"\r\n" + body + b".\r\n")
        r = lc.readline()
        self.assertTrue(r.startswith("240"), r)
        for path in ("/feeds/groups/support.stroke.atom",
                     "/feeds/groups/support.stroke.rss"):
            status, raw = self.get(path)
            self.assertEqual(status, 200)
            root = ET.fromstring(raw)          # well-formed XML
            self.assertNotIn(b"<script>", raw)
            self.assertNotIn(b"\x1b", raw)
            self.assertNotIn("\u202e".encode(), raw)
            raw.decode("utf-8")                # valid UTF-8 throughout
            del root
        root = self.feed("/feeds/groups/support.stroke.atom")
        content = root.find(ATOM + "entry/" + ATOM + "content").text
        self.assertIn("<script>alert(1)</script>", content)
        # The encoded-word Subject is decoded, its override shown.
        self.assertEqual(root.find(ATOM + "entry/" + ATOM + "title").text,
                         "bad [U+202E]eliart ]]> <b>")
        self.assertIn("[U+202E]evil", content)
        import feedparser
        d = feedparser.parse(self.get("/feeds/groups/support.stroke.rss")[1])
        self.assertFalse(d.bozo, d.get("bozo_exception"))


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
