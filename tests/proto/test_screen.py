"""One screening, one verdict: the same words from the same member get
the same verdict from IRC and from NNTP -- held with the same reason,
the crisis hotline shown, the same queue entries -- and a peer's
unapproved article in a moderated group waits in the queue of this, its
home site (RFC 5537 §3.5)."""

import json
import os
import sqlite3

from hearth_test import LineClient, SRCDIR
from irc_helpers import IrcCase, parse
from nntp_helpers import NNTPClient, article_bytes

PW = "correct horse battery"
CAPS = ("echo-message", "message-tags")


class SameVerdict(IrcCase):
    protos = ("irc", "nntp")
    extra_config = ("crisis_phrases_file = %s/etc/crisis-phrases.conf\n"
                    "probation_max_links = 1\n"
                    "flood_messages = 0\nflood_repeats = 0\n" % SRCDIR)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name in ("proba", "fresh", "veteran"):
            cls.h.add_account(name, PW)
        r = cls.h.hearthmod("account", "probation", "proba", "5")
        assert r.returncode == 0, r.stderr
        db = sqlite3.connect(os.path.join(cls.h.dir, "hearth.db"))
        db.execute("UPDATE accounts SET created = created - 90 * 86400 "
                   "WHERE name = 'veteran'")
        db.commit()
        db.close()

    def queue_kinds(self, ref):
        q = json.loads(self.h.hearthmod("--json", "queue").stdout)
        return sorted(e["kind"] for e in q if e["item_ref"] == ref)

    def irc_say(self, who, text):
        """(verdict seen over IRC, reason, hotline shown, msgid)."""
        c = self.client(who, caps=CAPS, sasl=(who, PW))
        c.cmd("JOIN #newly-diagnosed-ms")
        lines = c.cmd("PRIVMSG #newly-diagnosed-ms :" + text)
        lines += c.sync()
        held = [l for l in lines if " NOTE PRIVMSG MESSAGE_HELD " in l]
        echo = [l for l in lines if " PRIVMSG #newly-diagnosed-ms :" in l
                and l.split(" PRIVMSG ")[0].find("!" + who + "@") > 0]
        hotline = any(l.startswith(":Helper!") and "You are not alone" in l
                      for l in lines)
        c.close()
        if held:
            msg = parse(held[0])[3]
            reason = msg[-1].split("waits for a moderator (", 1)[1]
            reason = reason.rsplit("); the room sees it", 1)[0]
            return "held", reason, hotline, msg[3]
        if echo:
            return "delivered", None, hotline, parse(echo[0])[0]["msgid"]
        return "refused", None, hotline, None

    def nntp_post(self, who, subject, text):
        """(verdict seen over NNTP, reason, hotline shown, msgid)."""
        lc = LineClient(self.h.addr("nntp"))
        self.clients.append(type("W", (), {"close": lc.close})())
        lc.readline()
        n = NNTPClient(lc)
        self.assertTrue(n.login(who, PW).startswith("281"))
        r340, r = n.post([("From", "Someone <s@example.org>"),
                          ("Newsgroups", "support.oncology"),
                          ("Subject", subject)], text + "\n")
        lc.close()
        self.assertTrue(r340.startswith("340"), r340)
        hotline = "You are not alone" in r
        if r.startswith("240") and "held for a moderator: " in r:
            reason = r.split("held for a moderator: ")[1].split(
                "; it appears once approved")[0]
            return "held", reason, hotline, r.split()[-1]
        if r.startswith("240"):
            return "delivered", None, hotline, r.split()[-1]
        return "refused", r, hotline, None

    def test_crisis_phrase_from_member_on_probation(self):
        text = "some nights I want to die"
        irc = self.irc_say("proba", text)
        news = self.nntp_post("proba", "A hard week", text)
        self.assertEqual(irc[:3], ("held", "new member on probation",
                                   True), irc)
        self.assertEqual(news[:3], irc[:3], news)
        # Both queued twice over: held for approval and crisis.
        self.assertEqual(self.queue_kinds(irc[3]), ["crisis", "held"])
        self.assertEqual(self.queue_kinds(news[3]), ["crisis", "held"])

    def test_links_over_a_new_members_limit(self):
        text = "see https://a.example/x and https://b.example/y"
        irc = self.irc_say("fresh", text)
        news = self.nntp_post("fresh", "Two links", text)
        self.assertEqual(irc[0], "held", irc)
        self.assertIn("at most 1 link", irc[1])
        self.assertEqual(news[:3], irc[:3], news)
        self.assertEqual(self.queue_kinds(irc[3]), ["held"])
        self.assertEqual(self.queue_kinds(news[3]), ["held"])

    def test_crisis_phrase_from_established_member_is_delivered(self):
        text = "Я не хочу жить больше"
        irc = self.irc_say("veteran", text)
        news = self.nntp_post("veteran", "Тяжело", text)
        self.assertEqual(irc[0:3], ("delivered", None, True), irc)
        self.assertEqual(news[:3], irc[:3], news)
        self.assertEqual(self.queue_kinds(irc[3]), ["crisis"])
        self.assertEqual(self.queue_kinds(news[3]), ["crisis"])
        # Links from an established member are not limited.
        text = "see https://a.example/x and https://b.example/y"
        self.assertEqual(self.irc_say("veteran", text)[:3],
                         ("delivered", None, False))
        self.assertEqual(self.nntp_post("veteran", "Links", text)[:3],
                         ("delivered", None, False))


class TransitVerdict(IrcCase):
    """A peer's article goes through the same screening: in a moderated
    group it needs an Approved header to be published; without one it
    is held for this site's moderators (RFC 5537 §3.5)."""
    protos = ("nntp",)
    extra_config = "nntp_peers = peer1\n"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("peer1", PW)

    def ihave(self, mid, extra=()):
        lc = LineClient(self.h.addr("nntp"))
        self.clients.append(type("W", (), {"close": lc.close})())
        lc.readline()
        n = NNTPClient(lc)
        self.assertTrue(n.login("peer1", PW).startswith("281"))
        self.assertEqual(n.code("IHAVE " + mid), "335")
        lc.sendraw(article_bytes(
            [("Path", "far.away"), ("From", "Far <far@example.org>"),
             ("Newsgroups", "ask-a-doctor.oncology"),
             ("Subject", "from a peer"), ("Message-ID", mid),
             ("Date", "Mon, 1 Jan 2024 10:00:00 +0000")] + list(extra),
            "transit body\n"))
        r = lc.readline()
        lc.close()
        return r

    def test_unapproved_peer_article_in_moderated_group_held(self):
        r = self.ihave("<t1@far.away>")
        self.assertEqual(r, "235 Article transferred OK")
        q = json.loads(self.h.hearthmod("--json", "queue").stdout)
        held = [e for e in q if e["item_ref"] == "<t1@far.away>"]
        self.assertEqual([e["kind"] for e in held], ["held"])
        self.assertIn("ask-a-doctor.oncology", held[0]["location"])
        # Not in the group until approved; offered again: had (435).
        lc = LineClient(self.h.addr("nntp"))
        self.clients.append(type("W", (), {"close": lc.close})())
        lc.readline()
        n = NNTPClient(lc)
        self.assertEqual(n.code("STAT <t1@far.away>"), "430")
        self.assertTrue(n.login("peer1", PW).startswith("281"))
        self.assertEqual(n.code("IHAVE <t1@far.away>"), "435")
        r = self.ihave("<t2@far.away>", [("Approved", "mods@far.away")])
        self.assertEqual(r, "235 Article transferred OK")
        self.assertEqual(n.code("STAT <t2@far.away>"), "223")


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
