"""A member erases their account: no trace of them is left in NNTP
ARTICLE/OVER, the feeds or the database, in both modes."""

import json
import re

from news_case import NewsCase, ATOM, AT


class Erase(NewsCase):

    def setup_member(self):
        alice = self.member("alice")
        bob = self.member("bob")
        r340, r = alice.post([("From", "Alice Smith <alice@example.org>"),
                              ("Newsgroups", "support.ms"),
                              ("Subject", "My MS story"),
                              ("Organization", "Smith family")],
                             "Diagnosed last spring; walking again.\n")
        self.assertTrue(r.startswith("240 "), r)
        a1 = r.split()[-1]
        r340, r = bob.post([("From", "Bob <bob@example.org>"),
                            ("Newsgroups", "support.ms"),
                            ("Subject", "Re: My MS story"),
                            ("References", a1)], "Glad to hear it.\n")
        self.assertTrue(r.startswith("240 "), r)
        b1 = r.split()[-1]
        alice.post([("From", "Alice Smith <alice@example.org>"),
                    ("Newsgroups", "hearth.report"),
                    ("Subject", "Re: report"), ("References", b1)],
                   "Please check this\n")
        self.mod("note", "alice", "Check on her next week")
        self.mod("ban", "alice", "--scope", "#stroke-recovery",
                 "--reason", "test")
        return alice, bob, a1, b1

    def dump(self):
        db = self.db()
        text = "\n".join(db.iterdump())
        db.close()
        return text

    def assert_no_trace(self, extra=()):
        dump = self.dump()
        for word in ("alice", "Smith") + tuple(extra):
            self.assertIsNone(re.search(word, dump, re.I),
                              "%r still in the database" % word)
        for path in ("/feeds/groups/support.ms.atom",
                     "/feeds/groups/support.ms.rss", "/"):
            status, body = self.get(path)
            self.assertNotIn(b"alice", body.lower())

    def test_pseudonymize(self):
        alice, bob, a1, b1 = self.setup_member()
        r = self.mod("account", "erase", "alice", "--mode", "pseudonymize")
        self.assertEqual(r.returncode, 0, r.stderr)
        anon = self.client()
        r, lines = anon.multi("ARTICLE " + a1, "220")
        text = "\n".join(lines)
        self.assertIn("From: Former member <former-member@invalid>", text)
        self.assertIn("Diagnosed last spring", text)
        self.assertNotIn("Organization", text)
        anon.cmd("GROUP support.ms")
        r, rows = anon.multi("OVER 1-2", "224")
        self.assertIn("Former member", rows[0])
        self.assert_no_trace()
        # Bob's reply keeps pointing at the same Message-ID.
        self.assertEqual(anon.code("ARTICLE " + b1), "220")
        anon.lc.read_multiline()
        # The account is gone; the erasure itself is in the audit log.
        c = self.client()
        self.assertTrue(c.login("alice").startswith("481"))
        log = json.loads(self.mod("--json", "log", "--action",
                                  "account.erase").stdout)
        self.assertEqual(len(log), 1)
        self.assertRegex(log[0]["target"], r"^account#\d+$")
        self.assertEqual(log[0]["reason"], "pseudonymize")

    def test_remove(self):
        alice, bob, a1, b1 = self.setup_member()
        r = self.mod("account", "erase", "alice", "--mode", "remove")
        self.assertEqual(r.returncode, 0, r.stderr)
        anon = self.client()
        self.assertEqual(anon.code("ARTICLE " + a1), "430")
        self.assertEqual(anon.cmd("GROUP support.ms"),
                         "211 1 2 2 support.ms")
        r, rows = anon.multi("OVER 1-2", "224")
        self.assertEqual(len(rows), 1)
        # (Bob's reply quotes her subject: his words, they stay.)
        self.assert_no_trace(extra=("walking again", "Smith family"))
        root = self.feed("/feeds/groups/support.ms.atom")
        self.assertEqual([e.get("ref") for e in root.iter(AT +
                         "deleted-entry")], ["news:" + a1[1:-1]])

    def test_unknown_and_default_mode(self):
        r = self.mod("account", "erase", "ghost")
        self.assertEqual(r.returncode, 1)
        self.account("carol")
        r = self.mod("account", "erase", "carol")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("pseudonymised", r.stdout)
        r = self.mod("account", "erase", "bob", "--mode", "shred")
        self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
