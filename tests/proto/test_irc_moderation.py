"""Moderation in the IRC rooms: reports to the service nick, alerts in
the moderators' room, hiding chat messages, the safety net, mutes and
bans with expiry, warnings, a member's own actions, export and erasure
of chat, and one queue entry for an article reported from IRC and NNTP.
"""

import json
import os
import subprocess
import time

from hearth_test import HEARTHMOD, SCALE, SRCDIR
from irc_helpers import IrcCase, parse
from nntp_helpers import NNTPClient, article_bytes

PW = "correct horse battery"


class IrcModeration(IrcCase):
    protos = ("irc", "nntp")
    extra_config = ("crisis_phrases_file = %s/etc/crisis-phrases.conf\n"
                    "report_autohide_threshold = 0\n"
                    "event_reminder_minutes = 1\n" % SRCDIR)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name, role in (("modq", "moderator"), ("pat", "member"),
                           ("sam", "member"), ("kim", "member"),
                           ("olga", "member")):
            cls.h.add_account(name, PW, role)

    def mod(self, *args):
        return self.h.hearthmod(*args)

    def queue(self):
        r = self.mod("--json", "queue")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def say(self, c, chan, text):
        """PRIVMSG with echo-message: the msgid of what was stored."""
        c.send("PRIVMSG %s :%s" % (chan, text))
        line = c.until(lambda l: " PRIVMSG %s :%s" % (chan, text) in l
                       and ("!%s@" % c.nick) in l)[-1]
        return parse(line)[0]["msgid"]

    def notices_from_helper(self, c):
        return [parse(l)[3][-1] for l in c.sync()
                if l.startswith(":Helper!") and " NOTICE " in l]

    def test_report_hide_and_alert(self):
        mod = self.client("modq", sasl=("modq", PW))
        mod.cmd("JOIN #moderators")
        pat = self.client("pat", caps=("echo-message", "message-tags",
                                       "draft/chathistory", "batch",
                                       "server-time"), sasl=("pat", PW))
        sam = self.client("sam", sasl=("sam", PW))
        self.joined("#stroke-recovery", pat, sam)
        bad = self.say(pat, "#stroke-recovery", "buy miracle pills here")
        sam.send("PRIVMSG Helper :REPORT %s selling fake cures" % bad)
        reply = sam.until(lambda l: l.startswith(":Helper!"))[-1]
        self.assertIn("Thank you", reply)
        self.assertIn("the author is not told who reported", reply)
        alert = mod.until(lambda l: "#moderators" in l and "reported" in l)
        self.assertIn("chat %s reported" % bad, alert[-1])
        self.assertNotIn("sam", alert[-1])
        entry = [e for e in self.queue() if e["item_ref"] == bad][0]
        self.assertEqual((entry["kind"], entry["item_type"],
                          entry["author"]), ("report", "chat", "pat"))
        # A moderator hides it: gone from history, still in the database.
        mod.send("PRIVMSG Helper :HIDE %s spam" % bad)
        self.assertIn("hidden", mod.until(
            lambda l: l.startswith(":Helper!") and "hidden" in l)[-1])
        hist = pat.cmd("CHATHISTORY LATEST #stroke-recovery * 50")
        self.assertFalse(any(bad in l for l in hist), hist)
        import sqlite3
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        self.assertEqual(db.execute("SELECT hidden FROM chat_messages "
                                    "WHERE msgid = ?", (bad,)).fetchone(),
                         (1,))
        db.close()
        r = self.mod("unhide", "chat", bad)
        self.assertEqual(r.returncode, 0, r.stderr)
        hist = pat.cmd("CHATHISTORY LATEST #stroke-recovery * 50")
        self.assertTrue(any(bad in l for l in hist))
        # The author sees what happened to their words, not who reported.
        pat.send("PRIVMSG Helper :ACTIONS")
        lines = pat.until(lambda l: "End of list" in l)
        text = "\n".join(lines)
        self.assertIn("action=hide", text)
        self.assertNotIn("sam", text)

    def test_members_cannot_moderate(self):
        kim = self.client("kim", sasl=("kim", PW))
        for cmd in ("QUEUE", "SHOW 1", "APPROVE 1", "REJECT 1 x",
                    "DISMISS 1", "HIDE x", "UNHIDE x", "MUTE olga",
                    "UNMUTE olga", "BAN olga", "UNBAN olga", "WARN olga x",
                    "NOTE olga x", "LOG"):
            kim.send("PRIVMSG Helper :" + cmd)
            line = kim.until(lambda l: l.startswith(":Helper!"))[-1]
            self.assertIn("Only moderators", line, cmd)
        # The service nick cannot be taken.
        c = self.raw()
        c.send("NICK Helper")
        c.send("USER h 0 * :h")
        self.assertTrue(any(" 433 " in l or " 432 " in l
                            for l in c.until(lambda l: " 433 " in l or
                                             " 432 " in l)))

    def test_safety_net_english_and_russian(self):
        mod = self.client("modq2", sasl=("modq", PW))
        mod.cmd("JOIN #moderators")
        olga = self.client("olga", caps=("echo-message", "message-tags"),
                           sasl=("olga", PW))
        olga.cmd("JOIN #newly-diagnosed-ms")
        m1 = self.say(olga, "#newly-diagnosed-ms", "Я не хочу жить больше")
        notes = olga.until(lambda l: l.startswith(":Helper!"))
        self.assertIn("You are not alone", notes[-1])
        self.assertIn("emergency number", notes[-1])
        alert = mod.until(lambda l: "CRISIS" in l)
        self.assertIn(m1, alert[-1])
        m2 = self.say(olga, "#newly-diagnosed-ms", "sometimes I want to die")
        olga.until(lambda l: l.startswith(":Helper!"))
        kinds = [(e["kind"], e["item_ref"]) for e in self.queue()]
        self.assertIn(("crisis", m1), kinds)
        self.assertIn(("crisis", m2), kinds)
        self.assertEqual(kinds[0][0], "crisis")
        # Nothing deleted: the room heard both.
        plain = self.say(olga, "#newly-diagnosed-ms", "I want to diet")
        self.assertEqual(self.notices_from_helper(olga), [])
        del plain

    def test_mute_ban_expire_warn(self):
        mod = self.client("modq3", sasl=("modq", PW))
        kim = self.client("kim2", sasl=("kim", PW))
        self.joined("#newly-diagnosed-diabetes", mod, kim)
        mod.send("PRIVMSG Helper :MUTE kim #newly-diagnosed-diabetes 1h "
                 "cooling off")
        self.assertIn("mute", mod.until(lambda l: l.startswith(":Helper!"))
                      [-1])
        lines = kim.cmd("PRIVMSG #newly-diagnosed-diabetes :hello?")
        self.assertTrue(any(" 404 " in l for l in lines), lines)
        mod.send("PRIVMSG Helper :UNMUTE kim #newly-diagnosed-diabetes")
        mod.until(lambda l: l.startswith(":Helper!"))
        lines = kim.cmd("PRIVMSG #newly-diagnosed-diabetes :hello again")
        self.assertFalse(any(" 404 " in l for l in lines), lines)
        # A timed ban keeps them out, then lifts itself.
        r = self.mod("ban", "kim", "--scope", "#patient-school",
                     "--duration", "2s", "--reason", "test")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = kim.cmd("JOIN #patient-school")
        self.assertTrue(any(" 474 " in l for l in lines), lines)
        deadline = time.time() + 15 * SCALE
        joined = False
        while time.time() < deadline and not joined:
            time.sleep(1)
            joined = any(" JOIN " in l for l in
                         kim.cmd("JOIN #patient-school"))
        self.assertTrue(joined)
        # A warning reaches the member at once.
        mod.send("PRIVMSG Helper :WARN kim Please keep advice general")
        mod.until(lambda l: l.startswith(":Helper!"))
        note = kim.until(lambda l: l.startswith(":Helper!"))[-1]
        self.assertIn("Please keep advice general", note)
        log = json.loads(self.mod("--json", "log", "--target", "kim").stdout)
        actions = {e["action"] for e in log}
        self.assertTrue({"mute", "unmute", "ban", "ban.expire",
                         "warn"} <= actions, actions)
        self.assertTrue(all(e["actor"] in ("modq", "operator", "expiry")
                            for e in log))

    def test_server_ban_refuses_sign_in_and_room_modes_are_logged(self):
        self.h.add_account("vera", PW)
        r = self.mod("ban", "vera", "--reason", "threats")
        self.assertEqual(r.returncode, 0, r.stderr)
        c = self.raw()
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        import base64
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            ("\0vera\0" + PW).encode()).decode())
        lines = c.until(lambda l: l.startswith("ERROR"))
        self.assertIn("banned", lines[-1])
        self.assertTrue(c.is_closed())
        self.assertEqual(self.mod("unban", "vera").returncode, 0)
        vera = self.client("vera", sasl=("vera", PW))
        mod = self.client("modq5", sasl=("modq", PW))
        self.joined("#newly-diagnosed-oncology", mod, vera)
        mod.cmd("MODE #newly-diagnosed-oncology +b *!*@anon.*")
        log = json.loads(self.mod("--json", "log", "--action",
                                  "irc.mode").stdout)
        self.assertTrue(any(e["actor"] == "modq" and "+b" in e["reason"]
                            for e in log), log)

    def test_event_notice_and_reminder(self):
        import datetime
        self.h.add_account("ruth", PW)
        ruth = self.client("ruth", sasl=("ruth", PW))
        ruth.cmd("JOIN #patient-school")
        starts = (datetime.datetime.utcnow() +
                  datetime.timedelta(seconds=70)).strftime(
                      "%Y-%m-%dT%H:%M:%SZ")
        r = self.mod("event", "add", "--title", "Insulin pumps Q&A",
                     "--starts", starts, "--duration", "45m", "--room",
                     "#patient-school")
        self.assertEqual(r.returncode, 0, r.stderr)
        eid = r.stdout.split()[1]
        # Said in the room; the room's topic is its own (issue 15).
        lines = ruth.until(lambda l: "Coming up: Insulin pumps Q&A" in l)
        self.assertFalse(any(" TOPIC " in l for l in lines + ruth.sync()))
        ruth.send("PRIVMSG Helper :EVENTS")
        self.assertTrue(any("#%s Insulin pumps Q&A" % eid in l for l in
                            ruth.until("End of events")))
        ruth.send("PRIVMSG Helper :REMIND " + eid)
        self.assertIn("I will remind you", ruth.until(
            lambda l: l.startswith(":Helper!") and "remind" in l)[-1])
        ruth.cmd("PART #patient-school")
        # The reminder finds her outside the room, within the minute.
        ruth.lc.sock.settimeout(30 * SCALE)
        line = ruth.until(lambda l: "Reminder: Starting soon" in l)[-1]
        self.assertIn("Insulin pumps Q&A", line)

    def test_one_entry_for_irc_and_nntp_reports(self):
        # An article, reported from a newsreader and from IRC.
        from hearth_test import LineClient
        lc = LineClient(self.h.addr("nntp"))
        n = NNTPClient(lc)
        lc.readline()
        self.assertTrue(n.login("pat").startswith("281"))
        r340, r = n.post([("From", "Pat <p@example.org>"),
                          ("Newsgroups", "support.diabetes"),
                          ("Subject", "Stop your insulin!")], "Bad advice\n")
        art = r.split()[-1]
        lc2 = LineClient(self.h.addr("nntp"))
        n2 = NNTPClient(lc2)
        lc2.readline()
        self.assertTrue(n2.login("sam").startswith("281"))
        r340, r = n2.post([("From", "Sam <s@example.org>"),
                           ("Newsgroups", "hearth.report"),
                           ("Subject", "Re: report"), ("References", art)],
                          "Dangerous advice\n")
        self.assertTrue(r.startswith("240"), r)
        kim = self.client("kim3", sasl=("kim", PW))
        kim.send("PRIVMSG Helper :REPORT %s dangerous" % art)
        self.assertIn("Thank you", kim.until(
            lambda l: l.startswith(":Helper!"))[-1])
        entries = [e for e in self.queue() if e["item_ref"] == art]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["reports"], "2")
        # Approving the report from IRC (the article is fine) closes it.
        mod = self.client("modq4", sasl=("modq", PW))
        mod.send("PRIVMSG Helper :DISMISS %s checked, fine" % entries[0]["id"])
        self.assertIn("dismissed", mod.until(
            lambda l: l.startswith(":Helper!"))[-1])
        self.assertEqual([e for e in self.queue() if e["item_ref"] == art],
                         [])
        lc.close()
        lc2.close()

    def test_export_and_erase_chat(self):
        self.h.add_account("tess", PW)
        tess = self.client("tess", caps=("echo-message", "message-tags"),
                           sasl=("tess", PW))
        tess.cmd("JOIN #autism-parents")
        mid = self.say(tess, "#autism-parents", "our son started school")
        out = os.path.join(self.h.dir, "export-tess")
        os.mkdir(out)
        r = self.mod("account", "export", "tess", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "member.json")) as f:
            data = json.load(f)
        self.assertEqual([(m["msgid"], m["text"]) for m in
                          data["chat_messages"]],
                         [(mid, "our son started school")])
        # She erases her own account from IRC (remove mode here).
        r = self.mod("account", "role", "tess", "member")
        tess.send("PRIVMSG Helper :ERASE not my password")
        self.assertIn("nothing was erased", tess.until(
            lambda l: l.startswith(":Helper!"))[-1])
        tess.send("PRIVMSG Helper :ERASE " + PW)
        self.assertIn("Account erased", tess.until(
            lambda l: l.startswith(":Helper!"))[-1])
        self.assertTrue(tess.is_closed())
        import sqlite3
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        dump = "\n".join(db.iterdump())
        db.close()
        self.assertNotIn("tess", dump.lower())
        # (pseudonymize is the default: the words stay, unnamed)
        self.assertIn("our son started school", dump)


class Impersonation(IrcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("drkim", PW)
        cls.h.hearthmod("account", "verify-doctor", "drkim", "--specialty",
                        "oncology")
        cls.h.add_account("nina", PW)

    def test_members_cannot_look_like_a_role(self):
        nina = self.client("nina", caps=("setname",), sasl=("nina", PW))
        for nick in ("Dr_Nina", "DrNina", "Doctor-Who", "Moderator2",
                     "hearth_staff"):
            lines = nina.cmd("NICK " + nick)
            self.assertTrue(any(" 432 " in l for l in lines), (nick, lines))
        self.assertFalse(any(" 432 " in l for l in nina.cmd("NICK Drew")))
        lines = nina.cmd("SETNAME :Dr. Nina Petrova")
        self.assertTrue(any("FAIL SETNAME INVALID_REALNAME" in l
                            for l in lines), lines)
        # An anonymous client cannot register as a doctor either.
        c = self.raw()
        c.send("NICK DrHouse")
        c.send("USER h 0 * :Dr. House")
        self.assertTrue(any(" 432 " in l for l in
                            c.until(lambda l: " 432 " in l)))
        c.send("NICK house")
        lines = c.until(lambda l: " 001 " in l)
        c.send("WHOIS house")
        whois = " ".join(c.until(lambda l: " 318 " in l))
        self.assertNotIn("Dr. House", whois)

    def test_verified_doctor_may(self):
        doc = self.client("Dr_Kim", sasl=("drkim", PW))
        lines = doc.cmd("WHOIS Dr_Kim")
        self.assertTrue(any(" 311 " in l and "Dr_Kim" in l for l in lines),
                        lines)


class OneIdentity(IrcCase):
    """Register from an IRC client without the capability, then use the
    same account for NNTP and for a members-only feed."""
    protos = ("irc", "nntp", "https")
    extra_config = "new_member_probation = 1\n"

    def test_register_on_irc_post_on_nntp_read_members_feed(self):
        import base64
        import http.client
        import ssl
        from hearth_test import LineClient
        c = self.client("newbie")
        c.send("PRIVMSG Helper :REGISTER a long enough password")
        lines = c.until(lambda l: l.startswith(":Helper!") and
                        "Welcome" in l)
        self.assertTrue(any(" 900 " in l for l in lines), lines)
        # The same account in a newsreader: first post held (probation).
        lc = LineClient(self.h.addr("nntp"))
        self.clients.append(type("W", (), {"close": lc.close})())
        n = NNTPClient(lc)
        lc.readline()
        self.assertTrue(n.login("newbie", "a long enough password")
                        .startswith("281"))
        r340, r = n.post([("From", "Newbie <n@example.org>"),
                          ("Newsgroups", "support.autism.parents"),
                          ("Subject", "Hello from a new parent")],
                         "Glad to be here\n")
        self.assertIn("held for a moderator", r)
        entry = json.loads(self.h.hearthmod("--json", "queue").stdout)[0]
        self.assertEqual((entry["kind"], entry["author"]),
                         ("held", "newbie"))
        self.assertEqual(self.h.hearthmod("approve", entry["id"])
                         .returncode, 0)
        # And a members-only feed with it, over HTTPS.
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.h.port("https"), timeout=10, context=ctx)
        conn.request("GET", "/feeds/groups/support.autism.parents.atom",
                     headers={"Authorization": "Basic " + base64.b64encode(
                         b"newbie:a long enough password").decode()})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        self.assertEqual(resp.status, 200)
        self.assertIn(b"Hello from a new parent", body)


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
