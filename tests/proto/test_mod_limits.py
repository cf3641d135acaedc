"""New members' limits and the flood watch: room messages of a member on
probation wait for a moderator (approval delivers them and keeps them in
history); a new member's links and e-mail addresses over the limit hold
the NNTP post or the IRC message; flooding or repeating the same text
mutes the sender everywhere for a while (actor "system"), queues a
review and alerts the moderators -- and normal chat does none of it."""

import json
import os
import sqlite3
import time
import unittest

from hearth_test import LineClient
from irc_helpers import IrcCase, parse
from nntp_helpers import NNTPClient, article_bytes

PW = "correct horse battery"
CAPS = ("echo-message", "message-tags", "draft/chathistory", "batch",
        "server-time")


class Limits(IrcCase):
    protos = ("irc", "nntp")
    extra_config = ("probation_max_links = 2\nprobation_max_emails = 1\n"
                    "flood_messages = 0\nflood_repeats = 0\n")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name, role in (("modl", "moderator"), ("newpat", "member"),
                           ("sam", "member"), ("fresh", "member"),
                           ("veteran", "member"), ("drdee", "doctor")):
            cls.h.add_account(name, PW, role)
        r = cls.h.hearthmod("account", "probation", "newpat", "2")
        assert r.returncode == 0, r.stderr
        # An account made long ago is no longer new.
        db = sqlite3.connect(os.path.join(cls.h.dir, "hearth.db"))
        db.execute("UPDATE accounts SET created = created - 30 * 86400 "
                   "WHERE name = 'veteran'")
        db.commit()
        db.close()

    def queue(self):
        return json.loads(self.h.hearthmod("--json", "queue").stdout)

    def hears(self, c, text):
        return any(text in l for l in c.sync())

    def test_probation_holds_room_messages_until_approved(self):
        mod = self.client("modl", sasl=("modl", PW))
        mod.cmd("JOIN #moderators")
        pat = self.client("newpat", caps=CAPS, sasl=("newpat", PW))
        sam = self.client("sam", caps=CAPS, sasl=("sam", PW))
        self.joined("#newly-diagnosed-ms", pat, sam)
        lines = pat.cmd("PRIVMSG #newly-diagnosed-ms :hello, I am new here")
        note = [l for l in lines if " NOTE PRIVMSG MESSAGE_HELD " in l]
        self.assertEqual(len(note), 1, lines)
        held = note[0].split()[5]
        self.assertFalse(any(" PRIVMSG #newly-diagnosed-ms " in l
                             for l in lines), lines)
        self.assertTrue(any(l.startswith(":Helper!") and "waits for a "
                            "moderator" in l for l in lines))
        self.assertFalse(self.hears(sam, "I am new here"))
        self.assertIn("held for approval", mod.until(
            lambda l: "#moderators" in l and held in l)[-1])
        hist = sam.cmd("CHATHISTORY LATEST #newly-diagnosed-ms * 50")
        self.assertFalse(any("I am new here" in l for l in hist))
        entry = [e for e in self.queue() if e["item_ref"] == held][0]
        self.assertEqual((entry["kind"], entry["item_type"], entry["author"],
                          entry["location"]),
                         ("held", "chat", "newpat", "#newly-diagnosed-ms"))
        # The moderator sees the surrounding lines in SHOW.
        sam.cmd("PRIVMSG #newly-diagnosed-ms :welcome, whoever you are")
        mod.send("PRIVMSG Helper :SHOW %s" % entry["id"])
        shown = "\n".join(mod.until(lambda l: "End of entry" in l))
        self.assertIn("Context:", shown)
        self.assertIn("item", shown)
        self.assertIn("hello, I am new here", shown)
        self.assertIn("after", shown)
        self.assertIn("welcome, whoever you are", shown)
        self.assertIn("Seen by:", shown)
        # Approved: the room hears it (same msgid), history keeps it, and
        # the probation counts down.
        mod.send("PRIVMSG Helper :APPROVE %s" % entry["id"])
        got = sam.until(lambda l: "I am new here" in l)[-1]
        self.assertEqual(parse(got)[0]["msgid"], held)
        self.assertTrue(got.split(" ", 1)[1].startswith(":newpat!"))
        self.assertIn("I am new here", pat.until(
            lambda l: "I am new here" in l)[-1])
        hist = sam.cmd("CHATHISTORY LATEST #newly-diagnosed-ms * 50")
        self.assertTrue(any(held in l for l in hist))
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        self.assertEqual(db.execute("SELECT probation FROM accounts WHERE "
                                    "name = 'newpat'").fetchone(), (1,))
        db.close()
        # Rejected: the author hears why, the room never sees it.
        lines = pat.cmd("PRIVMSG #newly-diagnosed-ms :buy my supplements")
        second = [l for l in lines if "MESSAGE_HELD" in l][0].split()[5]
        entry2 = [e for e in self.queue() if e["item_ref"] == second][0]
        mod.send("PRIVMSG Helper :REJECT %s no selling here" % entry2["id"])
        told = pat.until(lambda l: "not published" in l)[-1]
        self.assertIn("no selling here", told)
        self.assertFalse(self.hears(sam, "supplements"))
        hist = sam.cmd("CHATHISTORY LATEST #newly-diagnosed-ms * 50")
        self.assertFalse(any("supplements" in l for l in hist))
        # Helper SHOW records who looked.
        r = self.h.hearthmod("show", str(entry["id"]))
        self.assertIn("modl", r.stdout.split("seen by")[1])

    def test_link_and_address_limits_irc(self):
        fresh = self.client("fresh", caps=CAPS, sasl=("fresh", PW))
        vet = self.client("veteran", caps=CAPS, sasl=("veteran", PW))
        doc = self.client("drdee", caps=CAPS, sasl=("drdee", PW))
        sam = self.client("sam2", caps=CAPS, sasl=("sam", PW))
        self.joined("#newly-diagnosed-oncology", fresh, vet, doc, sam)
        room = "#newly-diagnosed-oncology"
        # Under the limit: delivered.
        fresh.cmd("PRIVMSG %s :see https://example.org/a and "
                  "www.example.org/b" % room)
        self.assertTrue(self.hears(sam, "https://example.org/a"))
        # Over it: held, the sender told, the room hears nothing.
        lines = fresh.cmd("PRIVMSG %s :buy at http://a.example "
                          "http://b.example http://c.example" % room)
        self.assertTrue(any("MESSAGE_HELD" in l and "at most 2 links" in l
                            for l in lines), lines)
        self.assertFalse(self.hears(sam, "http://a.example"))
        lines = fresh.cmd("PRIVMSG %s :write to a@example.org or "
                          "b@example.org" % room)
        self.assertTrue(any("MESSAGE_HELD" in l and "e-mail" in l
                            for l in lines), lines)
        self.assertFalse(self.hears(sam, "a@example.org"))
        # Not new any more, or a doctor: no limits.
        vet.cmd("PRIVMSG %s :links http://a.example http://b.example "
                "http://c.example" % room)
        self.assertTrue(self.hears(sam, "links http://a.example"))
        doc.cmd("PRIVMSG %s :guides http://a.example http://b.example "
                "http://c.example" % room)
        self.assertTrue(self.hears(sam, "guides http://a.example"))
        held = [e for e in self.queue() if e["author"] == "fresh"]
        self.assertEqual(len(held), 2)

    def test_link_limits_nntp(self):
        def login(name):
            c = NNTPClient(LineClient(self.h.addr("nntp")))
            c.lc.readline()
            c.cmd("AUTHINFO USER " + name)
            self.assertTrue(c.cmd("AUTHINFO PASS " + PW).startswith("281"))
            return c

        def post(c, body, subject):
            c.cmd("POST")
            c.lc.sendraw(article_bytes([("From", "X <x@example.org>"),
                                        ("Newsgroups", "support.diabetes"),
                                        ("Subject", subject)], body))
            return c.lc.readline()

        fresh = login("fresh")
        r = post(fresh, "Useful: https://example.org/one\n> quoted "
                 "http://q.example http://r.example\n", "one link")
        self.assertTrue(r.startswith("240"), r)
        self.assertNotIn("held", r)
        r = post(fresh, "http://a.example http://b.example "
                 "http://c.example\n", "three links")
        self.assertTrue(r.startswith("240"), r)
        self.assertIn("held for a moderator: new members may include at "
                      "most 2 links", r)
        r = post(fresh, "mail me: a@example.org, b@example.org\n",
                 "two addresses")
        self.assertIn("held for a moderator: new members may include at "
                      "most 1 e-mail address", r)
        anon = NNTPClient(LineClient(self.h.addr("nntp")))
        anon.lc.readline()
        self.assertEqual(anon.code("ARTICLE " + r.split()[-1]), "430")
        r = post(login("veteran"), "http://a.example http://b.example "
                 "http://c.example\n", "veteran links")
        self.assertNotIn("held", r)


class Flood(IrcCase):
    extra_config = ("flood_messages = 5\nflood_seconds = 10\n"
                    "flood_repeats = 3\nflood_repeat_seconds = 60\n"
                    "flood_mute = 2\n")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name, role in (("modf", "moderator"), ("calm", "member"),
                           ("spammy", "member"), ("parrot", "member"),
                           ("listener", "member")):
            cls.h.add_account(name, PW, role)

    def log(self):
        return json.loads(self.h.hearthmod("--json", "log").stdout)

    def test_normal_chat_is_not_muted(self):
        calm = self.client("calm", caps=CAPS, sasl=("calm", PW))
        ear = self.client("ear", sasl=("listener", PW))
        self.joined("#stroke-recovery", calm, ear)
        for i in range(5):
            lines = calm.cmd("PRIVMSG #stroke-recovery :line %d of my "
                             "story" % i)
            self.assertFalse(any("MUTED" in l or " 404 " in l
                                 for l in lines), lines)
        self.assertEqual(len([l for l in ear.sync() if "line " in l]), 5)
        # Short replies repeated are conversation, not spam; so is the
        # same longer text twice (five messages in all: the limit).
        for _ in range(3):
            ear.cmd("PRIVMSG calm :thanks!")
        for _ in range(2):
            ear.cmd("PRIVMSG calm :see you next week then")
        got = [l for l in calm.sync() if "thanks!" in l or "next week" in l]
        self.assertEqual(len(got), 5)
        self.assertFalse(any(e["actor"] == "system" and e["target"] in
                             ("calm", "listener") for e in self.log()))

    def test_flood_mutes_everywhere_then_lifts(self):
        mod = self.client("modf", sasl=("modf", PW))
        mod.cmd("JOIN #moderators")
        sp = self.client("spammy", caps=CAPS, sasl=("spammy", PW))
        ear = self.client("ear2", sasl=("listener", PW))
        self.joined("#newly-diagnosed-diabetes", sp, ear)
        for i in range(5):
            sp.cmd("PRIVMSG #newly-diagnosed-diabetes :msg %d" % i)
        lines = sp.cmd("PRIVMSG #newly-diagnosed-diabetes :msg 5")
        self.assertTrue(any("FAIL PRIVMSG MUTED" in l for l in lines), lines)
        self.assertTrue(any(l.startswith(":Helper!") and "muted" in l
                            for l in lines), lines)
        self.assertFalse(any("msg 5" in l for l in ear.sync()))
        alerts = "\n".join(mod.until(lambda l: "flagged for review" in l))
        self.assertIn("mute: account spammy (*) by system", alerts)
        # Muted in every room and towards members.
        self.assertTrue(any(" 404 " in l for l in sp.cmd(
            "PRIVMSG #newly-diagnosed-diabetes :still here")))
        self.assertTrue(any("MUTED" in l for l in sp.cmd(
            "PRIVMSG ear2 :psst")))
        q = json.loads(self.h.hearthmod("--json", "queue").stdout)
        self.assertTrue(any(e["kind"] == "report" and e["item_type"] ==
                            "user" and e["item_ref"] == "spammy" for e in q))
        acts = [(e["actor"], e["action"], e["target"]) for e in self.log()]
        self.assertIn(("system", "mute", "spammy"), acts)
        # The mute lifts by itself.
        deadline = time.time() + 20
        while time.time() < deadline:
            time.sleep(1)
            if not any(" 404 " in l for l in sp.cmd(
                    "PRIVMSG #newly-diagnosed-diabetes :back")):
                break
        else:
            self.fail("the automatic mute did not lift")
        self.assertTrue(any("back" in l for l in ear.sync()))
        acts = [(e["actor"], e["action"], e["target"]) for e in self.log()]
        self.assertIn(("expiry", "mute.expire", "spammy"), acts)

    def test_same_text_repeated_mutes(self):
        p = self.client("parrot", caps=CAPS, sasl=("parrot", PW))
        p.cmd("JOIN #newly-diagnosed-ms")
        p.cmd("JOIN #stroke-recovery")
        p.cmd("PRIVMSG #newly-diagnosed-ms :cheap pills at my site")
        p.cmd("PRIVMSG #stroke-recovery :cheap pills at my site")
        lines = p.cmd("PRIVMSG #newly-diagnosed-ms :cheap pills at my site")
        self.assertTrue(any("MUTED" in l and "the same text 3 times" in l
                            for l in lines), lines)
        acts = [(e["actor"], e["action"], e["target"]) for e in self.log()]
        self.assertIn(("system", "mute", "parrot"), acts)


if __name__ == "__main__":
    unittest.main(verbosity=2)
