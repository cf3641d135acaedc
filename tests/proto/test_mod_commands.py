"""One moderation vocabulary: the same decision taken from the Helper
service (IRC), the admin socket (remote hearthmod over TLS) and a
hearth.queue follow-up lands identically in the audit log; all three
refuse a bad command with the same words; Helper's HELP and hearthmod's
help come from the same table."""

import json
import subprocess
import unittest

from hearth_test import HEARTHMOD, SCALE, LineClient
from irc_helpers import IrcCase
from nntp_helpers import NNTPCase, PASSWORD

QUEUE = "hearth.queue"
REASON = "Please ask your own care team about doses"


class OneVocabulary(NNTPCase):
    protos = ("nntp", "irc", "admins")

    # IRC clients as the IRC tests make them (SASL PLAIN, then NICK).
    raw = IrcCase.raw
    irc = IrcCase.client

    def setUp(self):
        super().setUp()
        self.account("mia", "moderator")
        self.alice = self.member("alice")

    def held(self, n):
        """N held questions of alice: their queue ids by Message-ID."""
        refs = [self.post_ok(self.alice, group="ask-a-doctor.oncology",
                             subject="Question %d" % i) for i in range(n)]
        q = json.loads(self.h.hearthmod("--json", "queue").stdout)
        ids = {e["item_ref"]: int(e["id"]) for e in q}
        return [(ref, ids[ref]) for ref in refs]

    def remote(self, *args):
        """hearthmod over the admins TLS listener, signed in as mia."""
        return subprocess.run(
            [HEARTHMOD, "--connect", "127.0.0.1:%d" % self.h.port("admins"),
             "--user", "mia", "--insecure", "--password-file", "-"]
            + list(args), input=PASSWORD + "\n", capture_output=True,
            text=True, timeout=30 * SCALE)

    def helper(self, c, text):
        """Say TEXT to Helper; the notices of its answer."""
        c.send("PRIVMSG Helper :" + text)
        lines = c.until(lambda l: l.startswith(":Helper!"))
        return [l.split(" :", 1)[1] for l in lines + c.sync()
                if l.startswith(":Helper!") and " NOTICE " in l]

    def follow_up(self, nntp, num, body):
        return nntp.post([("From", "Mia <mia@example.org>"),
                          ("Newsgroups", QUEUE),
                          ("Subject", "Re: queue entry"),
                          ("References", "<queue.%d@hearth.test>" % num)],
                         body)[1]

    def audit_rows(self, refs):
        """The audit rows about REFS, newest first, without their time
        and id."""
        log = json.loads(self.h.hearthmod("--json", "log").stdout)
        rows = {}
        for e in log:
            if e["target"] in refs:
                rows.setdefault(e["target"], []).append(
                    {k: v for k, v in e.items() if k not in ("id", "time")})
        return rows

    def decision(self, rows, ref):
        """The one decision about REF after its hold, target checked."""
        self.assertEqual(len(rows), 2, rows)
        self.assertEqual(rows[1], {"actor": "alice", "action": "hold",
                                   "target": ref,
                                   "reason": "ask-a-doctor.oncology"})
        shape = dict(rows[0])
        self.assertEqual(shape.pop("target"), ref)
        return shape

    def three_ways(self, helper_cmd, remote_args, followup_line):
        """Decide three held posts, one way each; their audit rows."""
        (r1, q1), (r2, q2), (r3, q3) = self.held(3)
        mia_irc = self.irc("mia", sasl=("mia", PASSWORD))
        mia_news = self.client()
        self.assertTrue(mia_news.login("mia").startswith("281"))
        said = self.helper(mia_irc, helper_cmd % q1)
        self.assertTrue(any("#%d" % q1 in l for l in said), said)
        r = self.remote(*[a % q2 if "%d" in a else a for a in remote_args])
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.follow_up(mia_news, q3, followup_line)
        self.assertTrue(r.startswith("240 "), r)
        rows = self.audit_rows((r1, r2, r3))
        self.assertEqual(sorted(rows), sorted((r1, r2, r3)), rows)
        return [rows[r1], rows[r2], rows[r3]], (r1, r2, r3)

    def test_reject_lands_identically_in_the_audit_log(self):
        rows, refs = self.three_ways(
            "REJECT %d " + REASON,
            ("reject", "%d", "--reason", REASON),
            "reject " + REASON + "\n")
        shapes = [self.decision(rs, ref) for ref, rs in zip(refs, rows)]
        self.assertEqual(shapes[0], {"actor": "mia", "action": "reject",
                                     "reason": REASON})
        self.assertEqual(shapes[0], shapes[1])
        self.assertEqual(shapes[1], shapes[2])
        # None of the three was published.
        anon = self.client()
        for ref in refs:
            self.assertEqual(anon.code("ARTICLE " + ref), "430")

    def test_approve_without_reason_lands_identically(self):
        rows, refs = self.three_ways("APPROVE %d", ("approve", "%d"),
                                     "approve\n")
        shapes = [self.decision(rs, ref) for ref, rs in zip(refs, rows)]
        self.assertEqual(shapes, [{"actor": "mia", "action": "approve",
                                   "reason": ""}] * 3)
        anon = self.client()
        for ref in refs:
            self.assertEqual(anon.code("ARTICLE " + ref), "220")
            anon.lc.read_multiline()

    def test_the_same_refusals_everywhere(self):
        (ref, q), = self.held(1)
        mia_irc = self.irc("mia", sasl=("mia", PASSWORD))
        mia_news = self.client()
        self.assertTrue(mia_news.login("mia").startswith("281"))
        said = self.helper(mia_irc, "REJECT %d" % q)
        self.assertIn("reject needs a reason", said[-1])
        r = self.remote("reject", str(q))
        self.assertEqual(r.returncode, 1)
        self.assertIn("reject needs a reason", r.stderr)
        r = self.follow_up(mia_news, q, "reject\n")
        self.assertTrue(r.startswith("441 "), r)
        self.assertIn("reject needs a reason", r)
        # The admin socket itself (no hearthmod checks in between).
        c = LineClient(self.h.addr("admins"), tls=True)
        self.clients.append(c)
        self.assertTrue(c.readline().startswith("201"))
        c.send("auth mia " + PASSWORD.replace(" ", "%20"))
        self.assertTrue(c.readline().startswith("281"))
        c.send("reject %d" % q)
        self.assertEqual(c.readline(), "401 reject needs a reason: "
                         "reject ID reason=TEXT")
        c.send("ban troll duration=forever")
        self.assertEqual(c.readline(), "401 duration must look like 30m, "
                         "12h, 7d or 2w")
        said = self.helper(mia_irc, "BAN")
        self.assertEqual(said[-1], "Usage: BAN <account|mask> [#room|group] "
                         "[duration] [reason]")
        c.send("ban")
        self.assertEqual(c.readline(), "400 Usage: ban ACCOUNT|MASK "
                         "[scope=#ROOM|GROUP] [duration=7d] [reason=TEXT]")
        c.send("approve %d colour=red" % q)
        self.assertEqual(c.readline(), '401 Unexpected argument '
                         '"colour=red"')
        r = self.follow_up(mia_news, q, "maybe later\n")
        self.assertIn('unknown decision "maybe": approve, reject <reason>, '
                      'dismiss or hide', r)
        # Nothing was decided by any of it.
        self.assertEqual(self.audit_rows((ref,)), {ref: [
            {"actor": "alice", "action": "hold", "target": ref,
             "reason": "ask-a-doctor.oncology"}]})

    def test_help_is_written_from_one_table(self):
        out = self.h.hearthmod("help")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, self.h.hearthmod("--help").stdout)
        self.assertIn("  reject ID --reason TEXT\n", out.stdout)
        mia_irc = self.irc("mia", sasl=("mia", PASSWORD))
        said = self.helper(mia_irc, "HELP")
        mod = said[said.index("For moderators:") + 1:]
        self.assertIn("REJECT <n> <reason> - refuse a held item or a "
                      "sign-up; the reason goes to the author", mod)
        # Every moderator command of Helper is one of hearthmod's, with
        # the same description.
        for line in mod:
            usage, desc = line.split(" - ", 1)
            name = usage.split()[0].lower()
            self.assertIn("\n  " + name + " ", "\n" + out.stdout.replace(
                "\n  " + name + "\n", "\n  " + name + " \n"), line)
            self.assertIn("      " + desc + "\n", out.stdout, line)
        # Members see no moderator commands.
        alice_irc = self.irc("alice", sasl=("alice", PASSWORD))
        self.assertNotIn("For moderators:", self.helper(alice_irc, "HELP"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
