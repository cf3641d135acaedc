"""Reports that work for a person (issue 15, item 8).

irssi never shows msgids, so a member reports a nick: Helper REPORT
<nick> [reason] works for someone who spoke in a room and has left (the
server remembers who spoke, report_speaker_memory), and the moderators
see the reported lines with the lines around them from the room's
history: hearthmod show (text and JSON), Helper SHOW and the queue.
"""

import json
import re

from irc_helpers import IrcCase

PW = "correct horse battery"
ROOM = "#stroke-recovery"


class ReportGone(IrcCase):
    extra_config = "report_autohide_threshold = 0\n"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name, role in (("modq", "moderator"), ("pat", "member"),
                           ("troll", "member"), ("sam", "member")):
            cls.h.add_account(name, PW, role)

    def say(self, c, text):
        c.send("PRIVMSG %s :%s" % (ROOM, text))
        c.sync()

    def from_helper(self, c, what):
        return c.until(lambda l: l.startswith(":Helper!") and what in l)[-1]

    def test_report_a_nick_that_has_quit(self):
        pat = self.client("pat", sasl=("pat", PW))
        troll = self.client("troll", sasl=("troll", PW))
        sam = self.client("sam", sasl=("sam", PW))
        self.joined(ROOM, pat, troll, sam)
        self.say(pat, "good morning everyone")
        self.say(sam, "morning pat")
        self.say(troll, "your treatment is useless")
        self.say(pat, "that is not kind")
        self.say(troll, "stop your pills, they are poison")
        self.say(sam, "please ignore that")
        self.say(pat, "thank you sam")
        self.say(sam, "later lines are context too")
        troll.send("QUIT :bye")
        pat.until(lambda l: " QUIT " in l and l.startswith(":troll!"))
        # Gone, and no reason given: still reported.
        pat.send("PRIVMSG Helper :REPORT troll")
        said = self.from_helper(pat, "queue #")
        eid = re.search(r"queue #(\d+)", said).group(1)
        # A nick nobody heard: told so, with what would work.
        pat.send("PRIVMSG Helper :REPORT nobody_here spam")
        self.assertIn("I do not know nobody_here",
                      self.from_helper(pat, "nobody_here"))

        # hearthmod show: the entry, where, and the lines in context.
        r = self.h.hearthmod("show", eid)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout
        self.assertIn("item_type: user\nitem_ref: troll\nauthor: troll\n"
                      "location: %s\n" % ROOM, text)
        self.assertIn("excerpt: stop your pills, they are poison", text)
        ctx = text.split("[context]")[1].split("[reports]")[0]
        order = ["good morning everyone", "morning pat",
                 "your treatment is useless", "that is not kind",
                 "stop your pills, they are poison", "please ignore that",
                 "thank you sam", "later lines are context too"]
        pos = [ctx.find(t) for t in order]
        self.assertTrue(all(p >= 0 for p in pos), ctx)
        self.assertEqual(pos, sorted(pos), ctx)

        # The JSON view: the reported member's lines are the items.
        show = json.loads(self.h.hearthmod("--json", "show", eid).stdout)
        rows = show["context"]
        items = [c["text"] for c in rows if c["position"] == "item"]
        self.assertEqual(items, ["your treatment is useless",
                                 "stop your pills, they are poison"])
        self.assertIn("before", [c["position"] for c in rows])
        self.assertIn("between", [c["position"] for c in rows])
        self.assertIn("after", [c["position"] for c in rows])
        self.assertTrue(all("troll" in c["who"] for c in rows
                            if c["position"] == "item"))

        # A moderator on IRC sees the same.
        mod = self.client("modq", sasl=("modq", PW))
        mod.send("PRIVMSG Helper :SHOW " + eid)
        lines = mod.until(lambda l: "Reports:" in l)
        seen = "\n".join(lines)
        self.assertIn("your treatment is useless", seen)
        self.assertIn("that is not kind", seen)
        # Times people read are local, with the zone (UTC in tests).
        self.assertRegex(seen, r"Queued: \d\d\.\d\d\.\d{4} \d\d:\d\d UTC")
        # And the queue lists it with where and what was said.
        mod.send("PRIVMSG Helper :QUEUE")
        q = "\n".join(mod.until(lambda l: "troll" in l and ROOM in l))
        self.assertIn("they are poison", q)

    def test_report_online_nick_gets_context(self):
        ann = self.client("ann")
        bo = self.client("bo")
        self.h.add_account("vic", PW)
        vic = self.client("vic", sasl=("vic", PW))
        self.joined("#newly-diagnosed-ms", ann, bo, vic)
        ann.send("PRIVMSG #newly-diagnosed-ms :buy my miracle cure")
        vic.until("miracle cure")
        vic.send("PRIVMSG Helper :REPORT ann selling cures")
        eid = re.search(r"queue #(\d+)",
                        self.from_helper(vic, "queue #")).group(1)
        show = json.loads(self.h.hearthmod("--json", "show", eid).stdout)
        self.assertEqual([c["text"] for c in show["context"]
                          if c["position"] == "item"],
                         ["buy my miracle cure"])


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
