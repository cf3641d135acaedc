"""The notice x client table: every notice the server sends a member
(held, approved, rejected or hidden words, the crisis hotline, warnings,
mutes and bans and their end, event reminders) reaches them through both
doors from one service call: live from the IRC service nick when they
are connected, and as an article in their own newsgroup hearth.inbox,
which only they see (anonymous readers and other members find no such
group and no such articles).  Last, the real tin and slrn show the
inbox.
"""

import datetime
import email.header
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
import unittest

from hearth_test import SCALE, SRCDIR, LineClient
from irc_helpers import IrcCase, parse
from nntp_helpers import NNTPCase, NNTPClient, PASSWORD as PW
from test_nntp_clients import Tmux

HOTLINE = "Call the Hearth test line 8-800-000-00-00 at any hour."
HOST = "hearth.test"


def decoded(value):
    """A header value with its RFC 2047 words decoded."""
    return str(email.header.make_header(email.header.decode_header(value)))


class Inbox(IrcCase):
    protos = ("irc", "nntp")
    extra_config = ("crisis_phrases_file = %s/etc/crisis-phrases.conf\n"
                    "hotline = %s\n"
                    "report_autohide_threshold = 0\n"
                    "event_reminder_minutes = 1\n" % (SRCDIR, HOTLINE))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("modi", PW, "moderator")
        # Nobody ever sends "bystander" anything: their inbox stays empty.
        cls.h.add_account("bystander", PW)

    def setUp(self):
        super().setUp()
        self.news_clients = []

    def tearDown(self):
        for n in self.news_clients:
            n.lc.close()
        super().tearDown()

    # -- helpers ---------------------------------------------------------

    def mod(self, *args):
        r = self.h.hearthmod(*args)
        self.assertEqual(r.returncode, 0, (args, r.stdout, r.stderr))
        return r.stdout

    def member(self, name, caps=()):
        """A new member NAME, connected to IRC (signed in)."""
        self.h.add_account(name, PW)
        return self.client(name, caps=caps, sasl=(name, PW))

    def news(self, account=None):
        """An NNTP client, signed in as ACCOUNT unless None."""
        lc = LineClient(self.h.addr("nntp"))
        n = NNTPClient(lc)
        self.news_clients.append(n)
        self.assertTrue(lc.readline().startswith("200"))
        if account is not None:
            r = n.login(account, PW)
            self.assertTrue(r.startswith("281"), r)
        return n

    def post(self, n, group, subject, body="Hello.\n"):
        r340, r = n.post([("From", "Member <m@example.org>"),
                          ("Newsgroups", group), ("Subject", subject)], body)
        self.assertTrue(r is not None and r.startswith("240"), (r340, r))
        return r.split()[-1]

    def entry(self, ref):
        q = json.loads(self.mod("--json", "queue"))
        got = [e for e in q if e["item_ref"] == ref]
        self.assertTrue(got, q)
        return got[0]

    def inbox(self, account):
        """Every article in ACCOUNT's hearth.inbox, read over NNTP."""
        n = self.news(account)
        r = n.cmd("GROUP hearth.inbox")
        self.assertTrue(r.startswith("211 "), r)
        out = []
        if r.split()[1] == "0":
            return out
        r, nums = n.multi("LISTGROUP", "211")
        for num in nums:
            r, lines = n.multi("ARTICLE " + num, "220")
            blank = lines.index("")
            head = {}
            # Unfold (RFC 5322 2.2.3): a long encoded Subject is folded.
            unfolded = []
            for h in lines[:blank]:
                if h[:1] in (" ", "\t") and unfolded:
                    unfolded[-1] += h
                else:
                    unfolded.append(h)
            for h in unfolded:
                k, _, v = h.partition(": ")
                head[k.lower()] = v
            out.append({"num": int(num), "head": head,
                        "kind": head.get("x-hearth-notice"),
                        "subject": decoded(head["subject"]),
                        "body": " ".join(lines[blank + 1:])})
        n.lc.close()
        return out

    def from_inbox(self, account, kind, *texts, wait=0):
        """The one notice of KIND in ACCOUNT's inbox whose subject and
        body hold every one of TEXTS (polling up to WAIT seconds)."""
        deadline = time.time() + wait * SCALE
        while True:
            every = self.inbox(account)
            got = [m for m in every if m["kind"] == kind and
                   all(t in m["subject"] + "\n" + m["body"] for t in texts)]
            if got or time.time() >= deadline:
                break
            time.sleep(0.5)
        self.assertEqual(len(got), 1, "no %s notice with %r in %r" %
                         (kind, texts, every))
        m = got[0]
        # The article is the server's, in the inbox, readable as UTF-8.
        self.assertEqual(m["head"]["from"], "Hearth <noreply@%s>" % HOST)
        self.assertEqual(m["head"]["newsgroups"], "hearth.inbox")
        self.assertEqual(m["head"]["message-id"],
                         "<notice.%d@%s>" % (m["num"], HOST))
        self.assertEqual(m["head"]["content-type"],
                         "text/plain; charset=UTF-8")
        self.assertIn("date", m["head"])
        return m

    def from_helper(self, c, *texts):
        """The service's NOTICE to C holding every one of TEXTS."""
        line = c.until(lambda l: l.startswith(":Helper!") and
                       " NOTICE " in l and all(t in l for t in texts))[-1]
        return parse(line)[3][-1]

    def private(self, notices):
        """Nobody but the owner reads these notices."""
        other = self.news("bystander")
        r = other.cmd("GROUP hearth.inbox")
        self.assertTrue(r.startswith("211 0 "), r)
        anon = self.news()
        for m in notices:
            mid = "<notice.%d@%s>" % (m["num"], HOST)
            for cmd in ("ARTICLE", "HEAD", "BODY", "STAT"):
                self.assertEqual(other.code("%s %s" % (cmd, mid)), "430")
                self.assertEqual(anon.code("%s %s" % (cmd, mid)), "430")
            self.assertEqual(other.code("ARTICLE %d" % m["num"]), "423")
            self.assertEqual(other.code("OVER %d" % m["num"]), "423")
        self.assertEqual(anon.code("GROUP hearth.inbox"), "411")

    # -- where the inbox exists ------------------------------------------

    def test_anonymous_readers_have_no_inbox(self):
        self.h.add_account("anna", PW)
        self.mod("warn", "anna", "Please keep to the topic")
        anon = self.news()
        r, active = anon.multi("LIST ACTIVE", "215")
        self.assertFalse(any(l.startswith("hearth.inbox ") for l in active))
        self.assertTrue(any(l.startswith("support.oncology ")
                            for l in active))
        r, descs = anon.multi("LIST NEWSGROUPS", "215")
        self.assertFalse(any("hearth.inbox" in l for l in descs))
        r, counts = anon.multi("LIST COUNTS", "215")
        self.assertFalse(any("hearth.inbox" in l for l in counts))
        r, new = anon.multi("NEWGROUPS 19990101 000000 GMT", "231")
        self.assertFalse(any("hearth.inbox" in l for l in new))
        self.assertEqual(anon.code("GROUP hearth.inbox"), "411")
        self.assertEqual(anon.code("LISTGROUP hearth.inbox"), "411")
        self.assertEqual(anon.code("ARTICLE 1"), "412")
        # Her notice is there for her.
        m = self.from_inbox("anna", "warning", "Please keep to the topic")
        self.private([m])

    def test_member_reads_inbox_with_every_command(self):
        lena = self.member("lena")
        n = self.news("lena")
        # A question with a Cyrillic subject is held for a doctor.
        subject = "Вопрос о дозе"
        mid = self.post(n, "ask-a-doctor.oncology", subject)
        self.from_helper(lena, "waits for a moderator")
        self.mod("warn", "lena", "Second notice")
        self.from_helper(lena, "Second notice")
        # Listed (read-only) to her, with a description and counts.
        r, active = n.multi("LIST ACTIVE", "215")
        row = [l for l in active if l.startswith("hearth.inbox ")]
        self.assertEqual(len(row), 1, active)
        name, high, low, flag = row[0].split()
        self.assertEqual(flag, "n")
        self.assertLess(int(low), int(high))
        r, one = n.multi("LIST ACTIVE hearth.*", "215")
        self.assertTrue(any(l.startswith("hearth.inbox ") for l in one))
        r, descs = n.multi("LIST NEWSGROUPS hearth.inbox", "215")
        self.assertEqual(len(descs), 1)
        self.assertIn("only you", descs[0])
        r, counts = n.multi("LIST COUNTS hearth.inbox", "215")
        self.assertEqual(counts[0].split()[3], "2")
        r, new = n.multi("NEWGROUPS 19990101 000000 GMT", "231")
        self.assertTrue(any(l.startswith("hearth.inbox ") for l in new))
        r, new = n.multi("NEWGROUPS 20991231 000000 GMT", "231")
        self.assertFalse(any("hearth.inbox" in l for l in new))
        r = n.cmd("GROUP hearth.inbox")
        code, count, first, last, group = r.split()[:5]
        self.assertEqual((code, count, group), ("211", "2", "hearth.inbox"))
        first, last = int(first), int(last)
        r, nums = n.multi("LISTGROUP hearth.inbox", "211")
        self.assertEqual([int(x) for x in nums], [first, last])
        # The first one: the held question, its subject in RFC 2047.
        r, head = n.multi("HEAD %d" % first, "221")
        # Unfold (RFC 5322 2.2.3): a long encoded Subject is folded.
        unfolded = []
        for l in head:
            if l[:1] in (" ", "\t") and unfolded:
                unfolded[-1] += l
            else:
                unfolded.append(l)
        h = dict(l.split(": ", 1) for l in unfolded)
        self.assertTrue(h["Subject"].startswith("=?UTF-8?B?"), h)
        self.assertEqual(decoded(h["Subject"]),
                         "Waiting for a moderator: " + subject)
        self.assertTrue(r.startswith("221 %d <notice.%d@%s>" %
                                     (first, first, HOST)), r)
        r, body = n.multi("BODY %d" % first, "222")
        text = " ".join(body)
        self.assertIn("ask-a-doctor.oncology", text)
        self.assertIn(subject, text)
        self.assertIn("A moderator will look at it", text)
        mid1 = "<notice.%d@%s>" % (first, HOST)
        self.assertTrue(n.cmd("STAT %d" % first).startswith(
            "223 %d %s" % (first, mid1)))
        self.assertTrue(n.cmd("STAT " + mid1).startswith("223 "))
        r, art = n.multi("ARTICLE " + mid1, "220")
        self.assertIn("Newsgroups: hearth.inbox", art)
        self.assertTrue(n.cmd("NEXT").startswith("223 %d " % last))
        self.assertTrue(n.cmd("LAST").startswith("223 %d " % first))
        self.assertEqual(n.code("ARTICLE %d" % (last + 1000)), "423")
        self.assertEqual(n.code("ARTICLE <notice.999999@%s>" % HOST), "430")
        # Overview and header lists agree with the articles.
        for cmd, code in (("OVER", "224"), ("XOVER", "224")):
            r, rows = n.multi("%s %d-%d" % (cmd, first, last), code)
            self.assertEqual([int(x.split("\t")[0]) for x in rows],
                             [first, last])
            self.assertEqual(decoded(rows[0].split("\t")[1]),
                             "Waiting for a moderator: " + subject)
            self.assertEqual(rows[1].split("\t")[4],
                             "<notice.%d@%s>" % (last, HOST))
            self.assertIn("Xref: %s hearth.inbox:%d" % (HOST, last), rows[1])
        r, rows = n.multi("HDR Subject %d-" % first, "225")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1], "%d A message from the moderators" % last)
        r, rows = n.multi("XHDR Message-ID %d" % last, "221")
        self.assertEqual(rows, ["%d <notice.%d@%s>" % (last, last, HOST)])
        r, rows = n.multi("HDR X-Hearth-Notice " + mid1, "225")
        self.assertEqual(rows, ["0 held"])
        # Posting to it is refused, a follow-up included.
        r340, r = n.post([("From", "Lena <l@example.org>"),
                          ("Newsgroups", "hearth.inbox"),
                          ("Subject", "Re: notice"),
                          ("References", mid1)], "Thanks\n")
        self.assertTrue(r.startswith("441"), r)
        self.assertIn("takes no posts", r)
        r340, r = n.post([("From", "Lena <l@example.org>"),
                          ("Newsgroups", "support.oncology,hearth.inbox"),
                          ("Subject", "crosspost")], "x\n")
        self.assertTrue(r.startswith("441"), r)
        del mid

    # -- the notice x client table ---------------------------------------

    def test_held_post_then_approved(self):
        ira = self.member("ira")
        n = self.news("ira")
        mid = self.post(n, "ask-a-doctor.diabetes", "Insulin at night?")
        said = self.from_helper(ira, "waits for a moderator")
        self.assertIn("ask-a-doctor.diabetes", said)
        held = self.from_inbox("ira", "held", "ask-a-doctor.diabetes",
                               "Insulin at night?", "A moderator will look")
        self.assertEqual(held["subject"],
                         "Waiting for a moderator: Insulin at night?")
        self.mod("approve", str(self.entry(mid)["id"]))
        said = self.from_helper(ira, "approved")
        self.assertIn("Insulin at night?", said)
        ok = self.from_inbox("ira", "approved", "Insulin at night?",
                             "published")
        self.private([held, ok])

    def test_held_post_rejected_from_the_queue_group(self):
        vera = self.member("vera")
        n = self.news("vera")
        mid = self.post(n, "ask-a-doctor.neurology", "Double my dose?")
        self.from_helper(vera, "waits for a moderator")
        held = self.from_inbox("vera", "held", "Double my dose?")
        # A moderator decides from a newsreader: a follow-up in the queue.
        m = self.news("modi")
        qid = "<queue.%s@%s>" % (self.entry(mid)["id"], HOST)
        r340, r = m.post([("From", "Mod <m@example.org>"),
                          ("Newsgroups", "hearth.queue"),
                          ("Subject", "Re: entry"), ("References", qid)],
                         "reject please ask your own doctor about doses\n")
        self.assertTrue(r.startswith("240"), r)
        said = self.from_helper(vera, "not published")
        self.assertIn("please ask your own doctor about doses", said)
        no = self.from_inbox("vera", "rejected", "Double my dose?",
                             "was not published",
                             "please ask your own doctor about doses")
        self.private([held, no])

    def test_held_room_message_then_approved(self):
        self.h.add_account("tom", PW)
        self.mod("account", "probation", "tom", "1")
        tom = self.client("tom", caps=("echo-message", "message-tags"),
                          sasl=("tom", PW))
        tom.cmd("JOIN #stroke-recovery")
        lines = tom.cmd("PRIVMSG #stroke-recovery :first day home")
        note = [l for l in lines if " MESSAGE_HELD " in l]
        self.assertEqual(len(note), 1, lines)
        msgid = note[0].split()[5]
        said = [parse(l)[3][-1] for l in lines if l.startswith(":Helper!")]
        self.assertEqual(len(said), 1, lines)
        self.assertIn("Your message to #stroke-recovery waits for a "
                      "moderator", said[0])
        held = self.from_inbox("tom", "held", "#stroke-recovery",
                               "A moderator will look")
        self.mod("approve", str(self.entry(msgid)["id"]))
        self.from_helper(tom, "approved", "#stroke-recovery")
        ok = self.from_inbox("tom", "approved", "#stroke-recovery")
        self.private([held, ok])

    def test_hidden_post_and_message(self):
        rita = self.member("rita", caps=("echo-message", "message-tags"))
        n = self.news("rita")
        mid = self.post(n, "support.oncology", "Miracle cure found",
                        "Buy it here.\n")
        self.mod("hide", "article", mid, "--reason", "selling remedies")
        said = self.from_helper(rita, "hid")
        self.assertIn("selling remedies", said)
        self.assertIn("Miracle cure found", said)
        post = self.from_inbox("rita", "hidden", "Miracle cure found",
                               "selling remedies", "stay stored")
        # The words stay stored (hidden, not deleted).
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        self.assertEqual(db.execute("SELECT count(*) FROM articles WHERE "
                                    "msgid = ?", (mid,)).fetchone(), (1,))
        db.close()
        # A room message hidden from IRC by a moderator's Helper command.
        rita.cmd("JOIN #stroke-recovery")
        rita.send("PRIVMSG #stroke-recovery :cheap pills, message me")
        line = rita.until(lambda l: "cheap pills" in l)[-1]
        msgid = parse(line)[0]["msgid"]
        modi = self.client("modi1", sasl=("modi", PW))
        modi.send("PRIVMSG Helper :HIDE %s no advertising" % msgid)
        modi.until(lambda l: l.startswith(":Helper!"))
        self.from_helper(rita, "hid", "#stroke-recovery", "no advertising")
        msg = self.from_inbox("rita", "hidden", "#stroke-recovery",
                              "no advertising")
        self.private([post, msg])

    def test_crisis_words_from_a_newsreader(self):
        olga = self.member("olga")
        n = self.news("olga")
        r340, r = n.post([("From", "Olga <o@example.org>"),
                          ("Newsgroups", "support.ms"),
                          ("Subject", "Tired")],
                         "Some days I want to die.\n")
        self.assertTrue(r.startswith("240"), r)
        said = self.from_helper(olga, "You are not alone")
        self.assertIn(HOTLINE, said)
        m = self.from_inbox("olga", "crisis", HOTLINE, "You are not alone")
        self.assertEqual(m["subject"], "You are not alone")
        self.private([m])

    def test_crisis_words_said_in_a_room(self):
        yana = self.member("yana")
        yana.cmd("JOIN #newly-diagnosed-ms")
        yana.send("PRIVMSG #newly-diagnosed-ms :я не хочу жить")
        said = self.from_helper(yana, "You are not alone")
        self.assertIn(HOTLINE, said)
        # Exactly one word from the service (not the IRC text and a copy).
        self.assertEqual([l for l in yana.sync()
                          if l.startswith(":Helper!")], [])
        m = self.from_inbox("yana", "crisis", HOTLINE)
        self.private([m])

    def test_warning(self):
        gala = self.member("gala")
        out = self.mod("warn", "gala", "Please keep advice general")
        self.assertIn("delivered", out)
        said = self.from_helper(gala, "Please keep advice general")
        self.assertIn("A message from the moderators", said)
        m = self.from_inbox("gala", "warning", "Please keep advice general")
        # A long one comes in pieces, never cut inside a word, and reads
        # whole in the inbox (wrapped at spaces).
        words = " ".join("слово%d word%d" % (i, i) for i in range(40))
        self.mod("warn", "gala", words)
        pieces = []
        while not pieces or "word39" not in pieces[-1]:
            pieces.append(self.from_helper(gala))
        self.assertGreater(len(pieces), 1)
        self.assertEqual(" ".join(pieces),
                         "A message from the moderators: " + words)
        long = self.from_inbox("gala", "warning", words)
        self.assertEqual(long["body"].split(" -- ")[0].strip(),
                         "A message from the moderators: " + words)
        # Offline: it waits in the inbox.
        gala.send("QUIT :bye")
        self.assertTrue(gala.is_closed())
        out = self.mod("warn", "gala", "Second reminder about advice")
        self.assertIn("inbox", out)
        m2 = self.from_inbox("gala", "warning", "Second reminder")
        self.private([m, long, m2])

    def test_mutes_and_bans(self):
        nina = self.member("nina")
        self.mod("mute", "nina", "--scope", "#stroke-recovery",
                 "--duration", "1h", "--reason", "cooling off")
        said = self.from_helper(nina, "muted in #stroke-recovery")
        self.assertIn("cooling off", said)
        self.assertIn("until", said)
        muted = self.from_inbox("nina", "sanction",
                                "You are muted in #stroke-recovery",
                                "cooling off", " UTC")
        self.mod("unmute", "nina", "--scope", "#stroke-recovery")
        self.from_helper(nina, "mute in #stroke-recovery was lifted")
        lifted = self.from_inbox("nina", "lifted", "#stroke-recovery",
                                 "was lifted")
        self.mod("ban", "nina", "--scope", "#patient-school", "--reason",
                 "repeated spam")
        said = self.from_helper(nina, "banned from #patient-school")
        self.assertIn("no end date", said)
        banned = self.from_inbox("nina", "sanction", "banned from "
                                 "#patient-school", "repeated spam",
                                 "no end date")
        self.mod("unban", "nina", "--scope", "#patient-school")
        self.from_helper(nina, "ban from #patient-school was lifted")
        # A short mute ends by itself, and she hears that too.
        self.mod("mute", "nina", "--duration", "2s", "--reason", "pause")
        self.from_helper(nina, "muted everywhere")
        nina.lc.sock.settimeout(20 * SCALE)
        self.from_helper(nina, "mute has ended")
        ended = self.from_inbox("nina", "lifted", "mute has ended")
        kinds = [m["kind"] for m in self.inbox("nina")]
        self.assertEqual(kinds, ["sanction", "lifted", "sanction", "lifted",
                                 "sanction", "lifted"])
        self.private([muted, lifted, banned, ended])

    def test_event_reminder(self):
        zoe = self.member("zoe")
        starts = (datetime.datetime.utcnow() + datetime.timedelta(
            seconds=75)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = self.mod("event", "add", "--title", "Pump school",
                       "--starts", starts, "--duration", "30m", "--room",
                       "#patient-school")
        eid = out.split()[1]
        zoe.send("PRIVMSG Helper :REMIND " + eid)
        self.from_helper(zoe, "I will remind you")
        zoe.lc.sock.settimeout(40 * SCALE)
        said = self.from_helper(zoe, "Reminder: Starting soon")
        self.assertIn("Pump school", said)
        m = self.from_inbox("zoe", "reminder", "Pump school",
                            "#patient-school")
        self.assertEqual(m["subject"], "Reminder: Pump school")
        self.private([m])

    def test_export_and_erasure(self):
        self.h.add_account("ella", PW)
        self.mod("warn", "ella", "Mind the rules")
        out = os.path.join(self.h.dir, "export-ella")
        os.mkdir(out)
        self.mod("account", "export", "ella", "--output", out)
        with open(os.path.join(out, "member.json")) as f:
            data = json.load(f)
        self.assertEqual([(n["kind"], n["body"]) for n in data["notices"]],
                         [("warning", "A message from the moderators: "
                           "Mind the rules")])
        self.mod("account", "erase", "ella", "--mode", "remove")
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        self.assertEqual(db.execute("SELECT count(*) FROM notices WHERE "
                                    "body LIKE '%Mind the rules%'")
                         .fetchone(), (0,))
        db.close()


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class RealReaders(NNTPCase):
    """The real tin and slrn, signed in, list hearth.inbox and show the
    notice a held question left there (over NNTPS, as members use)."""

    SUBJECT = "When to test HbA1c"

    def setUp(self):
        super().setUp()
        self.account("alice")
        self.home = tempfile.mkdtemp(prefix="hearth-inbox-")
        self.app = None
        # A question to the doctors, from a newsreader: held.
        c = self.client()
        self.assertTrue(c.login("alice").startswith("281"))
        r340, r = c.post([("From", "Alice <alice@example.org>"),
                          ("Newsgroups", "ask-a-doctor.diabetes"),
                          ("Subject", self.SUBJECT)], "How often?\n")
        self.assertIn("held for a moderator", r)

    def tearDown(self):
        if self.app is not None:
            self.app.close()
        shutil.rmtree(self.home, ignore_errors=True)
        super().tearDown()

    def install(self, src, dst, *subst):
        with open(os.path.join(SRCDIR, "clients", src)) as f:
            text = f.read()
        for old, new in subst:
            self.assertIn(old, text)
            text = text.replace(old, new)
        path = os.path.join(self.home, dst)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        return path

    def env(self):
        return {"HOME": self.home, "TERM": "xterm", "LANG": "C.UTF-8",
                "PATH": "/usr/bin:/bin"}

    @unittest.skipUnless(shutil.which("tin"), "tin is not installed")
    def test_tin_shows_the_notice_in_hearth_inbox(self):
        os.makedirs(os.path.join(self.home, ".tin"))
        self.install("tin/tinrc", ".tin/tinrc",
                     ("you@example.org", "alice@example.org"))
        self.install("tin/newsauth", ".newsauth",
                     ("your password", PW), ("yourname", "alice"))
        self.app = Tmux("tininbox", ["tin", "-T", "-k", "-g", "127.0.0.1",
                                     "-p", str(self.h.port("nntps")), "-A",
                                     "-r"], self.env(), self.home)
        screen = self.app.wait(r"Group Selection")
        # "X   13     1  hearth.inbox ...": X marks a group without posting.
        m = re.search(r"^\S?\s*(\d+)\s+(\d+)\s+hearth\.inbox\s", screen,
                      re.M)
        self.assertTrue(m, screen)
        self.assertEqual(m.group(2), "1")
        self.app.keys(m.group(1), "Enter")
        time.sleep(0.3)
        self.app.keys("Enter")
        screen = self.app.wait(r"Waiting for a moderator: " + self.SUBJECT)
        self.assertIn("hearth.inbox", screen)
        self.app.keys("Enter")
        self.app.wait(r"A moderator will look at it")

    @unittest.skipUnless(shutil.which("slrn"), "slrn is not installed")
    def test_slrn_shows_the_notice_in_hearth_inbox(self):
        server = "snews://127.0.0.1:%d" % self.h.port("nntps")
        self.install("slrn/slrnrc", ".slrnrc",
                     ("snews://127.0.0.1:1563", server),
                     ('"yourname" ""', '"alice" "%s"' % PW),
                     ('"you"', '"alice"'))
        self.app = Tmux("slrninbox", ["slrn", "-h", server, "--create",
                                      "-f", os.path.join(self.home,
                                                         "newsrc")],
                        self.env(), self.home)
        self.app.wait(r"hearth\.inbox")
        self.app.keys("/")
        time.sleep(0.3)
        self.app.keys("hearth.inbox", "Enter")
        time.sleep(0.3)
        self.app.keys(" ")
        self.app.wait(r"Waiting for a moderator: " + self.SUBJECT)
        self.app.keys(" ")
        self.app.wait(r"A moderator will look at it")


if __name__ == "__main__":
    unittest.main(verbosity=2)
