"""The moderation queue as a moderators-only newsgroup (hearth.queue):
hidden from members exactly like a group that does not exist, one
article per open entry with stable numbers, its content, context,
reports, viewers and the author's history, and decisions taken by a
follow-up from the newsreader (audit-logged with the moderator)."""

import json
import unittest

from news_case import NewsCase


QUEUE = "hearth.queue"


class QueueGroup(NewsCase):

    def hold(self, c, subject, group="ask-a-doctor.oncology", body="Hi.\n",
             extra=()):
        return self.post_ok(c, group=group, subject=subject, body=body,
                            extra=extra)

    def entries(self):
        return {e["item_ref"]: int(e["id"]) for e in self.queue()}

    def follow_up(self, c, num, body, group=QUEUE):
        return c.post([("From", "Mod <mod@example.org>"),
                       ("Newsgroups", group),
                       ("Subject", "Re: queue entry"),
                       ("References", "<queue.%d@hearth.test>" % num)],
                      body)[1]

    def test_invisible_to_members(self):
        alice = self.member("alice")
        self.hold(alice, "A question")
        anon = self.client()
        for c in (alice, anon):
            _, groups = c.multi("LIST ACTIVE", "215")
            self.assertFalse(any(l.startswith(QUEUE) for l in groups))
            _, groups = c.multi("LIST NEWSGROUPS", "215")
            self.assertFalse(any(l.startswith(QUEUE) for l in groups))
            _, groups = c.multi("LIST COUNTS", "215")
            self.assertFalse(any(l.startswith(QUEUE) for l in groups))
            _, groups = c.multi("NEWGROUPS 19700101 000000 GMT", "231")
            self.assertFalse(any(l.startswith(QUEUE) for l in groups))
            # Exactly as for a group that does not exist.
            self.assertEqual(c.cmd("GROUP " + QUEUE),
                             c.cmd("GROUP hearth.nosuchgroup").replace(
                                 "hearth.nosuchgroup", QUEUE))
            self.assertEqual(c.code("GROUP " + QUEUE), "411")
            self.assertEqual(c.code("LISTGROUP " + QUEUE), "411")
            self.assertEqual(c.code("ARTICLE <queue.1@hearth.test>"), "430")
            self.assertEqual(c.code("HEAD <queue.1@hearth.test>"), "430")
        # Members posting there (a decision or anything) get 441 as for
        # a group that does not exist, and nothing is decided.
        r = self.follow_up(alice, 1, "approve\n")
        self.assertTrue(r.startswith("441 "), r)
        self.assertIn("no such newsgroup", r)
        r2 = alice.post([("From", "Alice <alice@example.org>"),
                         ("Newsgroups", "hearth.nosuchgroup"),
                         ("Subject", "x")], "x\n")[1]
        self.assertEqual(r.replace(QUEUE, "G"),
                         r2.replace("hearth.nosuchgroup", "G"))
        self.assertEqual(len(self.queue()), 1)

    def test_moderator_reads_and_decides_from_the_newsreader(self):
        alice = self.member("alice")
        bob = self.member("bob")
        parent = self.post_ok(bob, group="support.oncology",
                              subject="Fatigue after chemo")
        q1 = self.hold(alice, "Is fatigue normal?",
                       body="My question about fatigue.\nSecond line.\n")
        q2 = self.hold(alice, "Second question")
        q3 = self.hold(alice, "Third question",
                       extra=[("References", parent)])
        ids = self.entries()
        mod = self.member("mia", role="moderator")
        # Listed for moderators, with the entry ids as numbers.
        _, active = mod.multi("LIST ACTIVE", "215")
        line = [l for l in active if l.startswith(QUEUE + " ")]
        self.assertEqual(line, ["%s %d %d y" % (QUEUE, ids[q3], ids[q1])])
        _, desc = mod.multi("LIST NEWSGROUPS " + QUEUE, "215")
        self.assertEqual(len(desc), 1)
        self.assertEqual(mod.cmd("GROUP " + QUEUE), "211 3 %d %d %s" % (
            ids[q1], ids[q3], QUEUE))
        r, over = mod.multi("OVER %d-%d" % (ids[q1], ids[q3]), "224")
        self.assertEqual(len(over), 3)
        f = over[0].split("\t")
        self.assertEqual(int(f[0]), ids[q1])
        self.assertIn("[held] article by alice in ask-a-doctor.oncology",
                      f[1])
        self.assertIn("Is fatigue normal?", f[1])
        self.assertEqual(f[4], "<queue.%d@hearth.test>" % ids[q1])
        self.assertIn("Xref: hearth.test %s:%d" % (QUEUE, ids[q1]), f[8])
        _, hdr = mod.multi("HDR Subject %d" % ids[q2], "225")
        self.assertIn("Second question", hdr[0])
        # The article: content, context (thread), reports, viewers,
        # history and how to decide.
        _, art = mod.multi("ARTICLE %d" % ids[q3], "220")
        text = "\n".join(art)
        self.assertIn("Message-ID: <queue.%d@hearth.test>" % ids[q3], text)
        self.assertIn("Item: article " + q3, text)
        self.assertIn("Context:", text)
        self.assertIn("in reply to", text)
        self.assertIn("Fatigue after chemo", text)
        self.assertIn("Author's history:", text)
        self.assertIn("Seen by:", text)
        self.assertIn("approve [reason]", text)
        _, art = mod.multi("BODY <queue.%d@hearth.test>" % ids[q1], "222")
        text = "\n".join(art)
        self.assertIn("  | My question about fatigue.", text)
        self.assertIn("  | Second line.", text)
        # Reading it counts as having looked: hearthmod show says who.
        shown = self.mod("show", str(ids[q1])).stdout
        self.assertIn("mia", shown.split("seen by")[1])
        self.assertIn("[context]", shown)
        # NEXT/LAST walk the open entries.
        self.assertTrue(mod.cmd("STAT %d" % ids[q1]).startswith("223"))
        self.assertEqual(mod.cmd("NEXT").split()[1], str(ids[q2]))

        # approve by follow-up: the held post appears, the decision is
        # logged with the moderator as actor, the entry leaves the group.
        r = self.follow_up(mod, ids[q1],
                           "In article <queue.%d@hearth.test>, the queue "
                           "wrote:\n> Queue entry\n\napprove\n" % ids[q1])
        self.assertTrue(r.startswith("240 "), r)
        self.assertIn("approved", r)
        anon = self.client()
        self.assertEqual(anon.code("ARTICLE " + q1), "220")
        anon.lc.read_multiline()
        # Stable numbers: the others keep theirs, the decided one is gone.
        self.assertEqual(mod.cmd("GROUP " + QUEUE), "211 2 %d %d %s" % (
            ids[q2], ids[q3], QUEUE))
        self.assertEqual(mod.code("ARTICLE %d" % ids[q1]), "423")
        self.assertEqual(mod.code("ARTICLE <queue.%d@hearth.test>" %
                                  ids[q1]), "430")
        # reject needs a reason; an unknown word is refused; a decided
        # entry cannot be decided again.
        r = self.follow_up(mod, ids[q2], "reject\n")
        self.assertTrue(r.startswith("441 "), r)
        self.assertIn("reason", r)
        r = self.follow_up(mod, ids[q2], "maybe later\n")
        self.assertTrue(r.startswith("441 "), r)
        r = self.follow_up(mod, ids[q1], "approve\n")
        self.assertTrue(r.startswith("441 "), r)
        self.assertIn("already closed", r)
        r = self.follow_up(mod, ids[q2], "reject Please ask your care "
                           "team about doses\n")
        self.assertTrue(r.startswith("240 "), r)
        self.assertEqual(anon.code("ARTICLE " + q2), "430")
        # Crossposting a decision is refused.
        r = self.follow_up(mod, ids[q3], "dismiss\n",
                           group=QUEUE + ",support.oncology")
        self.assertTrue(r.startswith("441 "), r)
        r = self.follow_up(mod, ids[q3], "dismiss fine as it is\n")
        self.assertTrue(r.startswith("240 "), r)
        self.assertEqual(mod.cmd("GROUP " + QUEUE).split()[:2],
                         ["211", "0"])
        log = json.loads(self.mod("--json", "log").stdout)
        acts = [(e["actor"], e["action"], e["target"], e["reason"])
                for e in log]
        self.assertIn(("mia", "approve", q1, ""), acts)
        self.assertIn(("mia", "reject", q2,
                       "Please ask your care team about doses"), acts)
        self.assertIn(("mia", "dismiss", q3, "fine as it is"), acts)
        # The decisions were not stored as articles anywhere.
        db = self.db()
        self.assertEqual(db.execute(
            "SELECT count(*) FROM articles WHERE text LIKE '%approve%' "
            "OR text LIKE '%dismiss%'").fetchone(), (0,))
        db.close()

    def test_report_hide_from_the_newsreader(self):
        alice = self.member("alice")
        sam = self.member("sam")
        bad = self.post_ok(alice, group="support.ms", subject="Miracle cure")
        r = sam.post([("From", "Sam <sam@example.org>"),
                      ("Newsgroups", "hearth.report"),
                      ("Subject", "Re: Miracle cure"),
                      ("References", bad)], "Selling fake cures\n")[1]
        self.assertTrue(r.startswith("240 "), r)
        entry = self.entries()[bad]
        mod = self.member("mia", role="moderator")
        _, art = mod.multi("ARTICLE <queue.%d@hearth.test>" % entry, "220")
        text = "\n".join(art)
        self.assertIn("[report]", text)
        self.assertIn("Selling fake cures", text)
        r = self.follow_up(mod, entry, "hide selling fake cures\n")
        self.assertTrue(r.startswith("240 "), r)
        anon = self.client()
        self.assertEqual(anon.code("ARTICLE " + bad), "430")
        log = json.loads(self.mod("--json", "log", "--action",
                                  "hide").stdout)
        self.assertEqual([(e["actor"], e["target"]) for e in log],
                         [("mia", bad)])


if __name__ == "__main__":
    unittest.main(verbosity=2)
