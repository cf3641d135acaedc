"""More IRCv3 over real sockets, the extensions phones and modern
clients lean on: draft/read-marker, no-implicit-names, draft/pre-away,
draft/multiline, draft/event-playback, draft/metadata-2."""

import json
import os
import sqlite3
import unittest

from hearth_test import SRCDIR
from irc_helpers import IrcCase, numerics, parse

ML = ("draft/multiline", "batch", "message-tags")


def markreads(lines):
    """The parameters of each MARKREAD in LINES."""
    return [parse(l)[3] for l in lines if parse(l)[2] == "MARKREAD"]


class ReadMarker(IrcCase):

    def test_get_set_forward_only(self):
        a = self.client("rm1", caps=("draft/read-marker",))
        self.assertEqual(markreads(a.cmd("MARKREAD #nowhere")),
                         [["#nowhere", "*"]])
        ts = "2019-01-04T14:33:26.123Z"
        self.assertEqual(markreads(a.cmd("MARKREAD #rmroom timestamp=" + ts)),
                         [["#rmroom", "timestamp=" + ts]])
        self.assertEqual(markreads(a.cmd("MARKREAD #RMroom")),
                         [["#RMroom", "timestamp=" + ts]])
        # Older: the stored (newer) value comes back, unchanged.
        old = "2018-01-01T00:00:00.000Z"
        self.assertEqual(markreads(a.cmd("MARKREAD #rmroom timestamp=" +
                                         old)),
                         [["#rmroom", "timestamp=" + ts]])
        # A nick is a target too.
        self.assertEqual(markreads(a.cmd("MARKREAD somebody")),
                         [["somebody", "*"]])
        # The future is clamped to the present.
        line = a.cmd("MARKREAD #future timestamp=2999-01-01T00:00:00.000Z")
        self.assertNotIn("2999", markreads(line)[0][1])

    def test_errors(self):
        a = self.client("rm2", caps=("draft/read-marker",))
        fail = parse(a.cmd("MARKREAD")[0])
        self.assertEqual(fail[2:], ("FAIL", ["MARKREAD", "NEED_MORE_PARAMS",
                                             "Missing parameters"]))
        for bad in ("*", "timestamp=yesterday", "2019-01-04T14:33:26Z"):
            fail = parse(a.cmd("MARKREAD #x " + bad)[0])
            self.assertEqual(fail[2], "FAIL")
            self.assertEqual(fail[3][:2], ["MARKREAD", "INVALID_PARAMS"])
        fail = parse(a.cmd("MARKREAD bad,target")[0])
        self.assertEqual(fail[3][:2], ["MARKREAD", "INVALID_PARAMS"])

    def test_join_sends_marker_before_names_end(self):
        a = self.client("rm3", caps=("draft/read-marker",))
        lines = a.cmd("JOIN #rmjoin")
        cmds = [parse(l)[2] for l in lines]
        self.assertEqual(cmds[0], "JOIN")
        self.assertLess(cmds.index("MARKREAD"), cmds.index("366"))
        self.assertEqual(markreads(lines), [["#rmjoin", "*"]])
        ts = "2020-03-15T10:00:00.000Z"
        a.cmd("MARKREAD #rmjoin timestamp=" + ts)
        a.cmd("PART #rmjoin")
        self.assertEqual(markreads(a.cmd("JOIN #rmjoin")),
                         [["#rmjoin", "timestamp=" + ts]])
        # Without the capability: no MARKREAD at all.
        b = self.client("rm4")
        self.assertEqual(markreads(b.cmd("JOIN #rmjoin")), [])

    def test_account_markers_sync_and_persist(self):
        self.h.add_account("rmacct", "marker-password-1")
        s1 = self.client("rm5", caps=("draft/read-marker",),
                         sasl=("rmacct", "marker-password-1"))
        s2 = self.client("rm6", caps=("draft/read-marker",),
                         sasl=("rmacct", "marker-password-1"))
        s3 = self.client("rm7", sasl=("rmacct", "marker-password-1"))
        other = self.client("rm8", caps=("draft/read-marker",))
        ts = "2022-11-11T11:11:11.111Z"
        self.assertEqual(markreads(s1.cmd("MARKREAD #rmsync timestamp=" +
                                          ts)),
                         [["#rmsync", "timestamp=" + ts]])
        # The account's other connection with the cap follows...
        self.assertEqual(markreads(s2.sync()),
                         [["#rmsync", "timestamp=" + ts]])
        # ... one without it, and anyone else, hear nothing.
        self.assertEqual(markreads(s3.sync()), [])
        self.assertEqual(markreads(other.sync()), [])
        self.assertEqual(markreads(other.cmd("MARKREAD #rmsync")),
                         [["#rmsync", "*"]])
        # An older value changes nothing and is not broadcast.
        s1.cmd("MARKREAD #rmsync timestamp=2000-01-01T00:00:00.000Z")
        self.assertEqual(markreads(s2.sync()), [])
        for c in (s1, s2, s3):
            c.send("QUIT")
            self.assertTrue(c.is_closed())
        # A new connection of the account: kept in the database.
        s4 = self.client("rm9", caps=("draft/read-marker",),
                         sasl=("rmacct", "marker-password-1"))
        self.assertEqual(markreads(s4.cmd("JOIN #rmsync")),
                         [["#rmsync", "timestamp=" + ts]])


class ReadMarkerRestart(IrcCase):

    def test_marker_survives_restart(self):
        self.h.add_account("rmkeep", "marker-password-2")
        a = self.client("rk1", caps=("draft/read-marker",),
                        sasl=("rmkeep", "marker-password-2"))
        ts = "2021-05-20T08:30:00.000Z"
        a.cmd("MARKREAD rk-friend timestamp=" + ts)
        a.close()
        self.clients.remove(a)
        self.assertEqual(self.h.stop(), 0)
        self.h.start()
        b = self.client("rk2", caps=("draft/read-marker",),
                        sasl=("rmkeep", "marker-password-2"))
        self.assertEqual(markreads(b.cmd("MARKREAD RK-Friend")),
                         [["RK-Friend", "timestamp=" + ts]])


class QuietReconnect(IrcCase):

    def test_no_implicit_names(self):
        a = self.client("ni1", caps=("no-implicit-names",))
        b = self.client("ni2")
        lines = a.cmd("JOIN #niroom")
        self.assertEqual(parse(lines[0])[2], "JOIN")
        self.assertNotIn("353", numerics(lines))
        self.assertNotIn("366", numerics(lines))
        # Others still get names, and an explicit NAMES still answers.
        lines = b.cmd("JOIN #niroom")
        self.assertIn("353", numerics(lines))
        self.assertIn("366", numerics(lines))
        a.sync()
        lines = a.cmd("NAMES #niroom")
        self.assertEqual(numerics(lines), ["353", "366"])
        self.assertIn("ni2", parse(lines[0])[3][-1])

    def register_raw(self, nick, caps, before):
        c = self.raw()
        c.send("CAP LS 302")
        if caps:
            c.send("CAP REQ :" + " ".join(caps))
            c.until(" ACK ")
        early = c.cmd(before)
        c.send("NICK " + nick)
        c.send("USER %s 0 * :Test %s" % (nick, nick))
        c.send("CAP END")
        c.until(" 001 ")
        c.sync()
        c.nick = nick
        return c, early

    def test_pre_away_star(self):
        watcher = self.client("pa0", caps=("away-notify",))
        watcher.cmd("MONITOR + pa1")
        c, early = self.register_raw("pa1", ("draft/pre-away",), "AWAY *")
        self.assertEqual(numerics(early), ["306"])
        # Registration still reported to MONITOR, and the client is away.
        self.assertIn("730", numerics(watcher.sync()))
        who = watcher.cmd("WHOIS pa1")
        self.assertIn("301", numerics(who))
        away = [parse(l)[3][-1] for l in who if parse(l)[2] == "301"][0]
        self.assertNotEqual(away, "*")
        self.assertTrue(away)
        reply = watcher.cmd("PRIVMSG pa1 :are you there")
        self.assertEqual(numerics(reply), ["301"])
        # Joining shows others it is away (away-notify).
        watcher.cmd("JOIN #paroom")
        c.cmd("JOIN #paroom")
        self.assertIn("AWAY", [parse(l)[2] for l in watcher.sync()])
        # Back, then away with a message after registration as usual.
        self.assertEqual(numerics(c.cmd("AWAY")), ["305"])
        self.assertEqual(parse(watcher.sync()[0])[2:], ("AWAY", []))
        self.assertEqual(numerics(c.cmd("AWAY :lunch")), ["306"])
        self.assertEqual(parse(watcher.sync()[0])[3], ["lunch"])

    def test_pre_away_message_and_refusals(self):
        c, early = self.register_raw("pa2", ("draft/pre-away",),
                                     "AWAY :on the train")
        self.assertEqual(numerics(early), ["306"])
        w = self.client("pa3")
        who = w.cmd("WHOIS pa2")
        self.assertIn("on the train",
                      [parse(l)[3][-1] for l in who if parse(l)[2] == "301"])
        # Without the capability AWAY must wait for registration.
        d, early = self.register_raw("pa4", (), "AWAY :too soon")
        self.assertEqual(numerics(early), ["451"])
        self.assertNotIn("301", numerics(w.cmd("WHOIS pa4")))


def send_batch(c, target, lines, ref="ml1", cmd="PRIVMSG", open_tags=""):
    """Send a draft/multiline batch: LINES of (text, concat)."""
    c.send("%sBATCH +%s draft/multiline %s" % (open_tags, ref, target))
    for text, concat in lines:
        c.send("@batch=%s%s %s %s :%s" % (
            ref, ";draft/multiline-concat" if concat else "", cmd, target,
            text))
    c.send("BATCH -" + ref)


PASTE = [("hello", False), ("how is ", False), ("everyone?", True),
         ("", False), ("bye", False)]
WHOLE = "hello\nhow is everyone?\n\nbye"


def multiline_of(lines):
    """(opening tags, target, [(text, concat)]) of the first
    draft/multiline batch in LINES."""
    ref = None
    out = []
    for l in lines:
        tags, src, cmd, params = parse(l)
        if cmd == "BATCH" and params[0].startswith("+") and \
                params[1] == "draft/multiline":
            ref, opening, target = params[0][1:], tags, params[2]
        elif cmd == "BATCH" and ref and params[0] == "-" + ref:
            return opening, target, out
        elif ref and tags.get("batch") == ref:
            out.append((params[-1], "draft/multiline-concat" in tags))
    return None


def joined_text(parts):
    text = ""
    for i, (t, concat) in enumerate(parts):
        text += t if concat or i == 0 else "\n" + t
    return text


class Multiline(IrcCase):

    def test_cap_value(self):
        c = self.raw()
        c.send("CAP LS 302")
        ls = " ".join(c.until(lambda l: " LS :" in l))
        self.assertIn("draft/multiline=max-bytes=4096,max-lines=100", ls)

    def test_relay_fallback_and_echo(self):
        a = self.client("ml1", caps=ML + ("echo-message", "labeled-response",
                                          "server-time"))
        b = self.client("ml2", caps=ML)
        c = self.client("ml3", caps=("message-tags",))
        d = self.client("ml4")
        self.joined("#mlroom", a, b, c, d)
        send_batch(a, "#mlroom", PASTE, open_tags="@label=L1;+draft/reply=x ")
        echo = a.sync()
        # The echo: one batch, the label on its opening line only.
        first = parse(echo[0])
        self.assertEqual(first[2], "BATCH")
        self.assertEqual(first[0].get("label"), "L1")
        self.assertEqual(sum("label=" in l for l in echo), 1)
        opening, target, parts = multiline_of(echo)
        self.assertEqual((target, parts), ("#mlroom", PASTE))
        msgid = opening["msgid"]
        # A multiline client gets the batch, one msgid on its opening.
        opening, target, parts = multiline_of(b.sync())
        self.assertEqual(parts, PASTE)
        self.assertEqual(opening["msgid"], msgid)
        self.assertEqual(opening["+draft/reply"], "x")
        self.assertEqual(joined_text(parts), WHOLE)
        # Others: the lines as separate messages, no blank one; only the
        # first carries the msgid, each the client tags.
        got = [parse(l) for l in c.sync()]
        self.assertEqual([p[3] for p in got],
                         [["#mlroom", t] for t in
                          ("hello", "how is ", "everyone?", "bye")])
        self.assertEqual(got[0][0].get("msgid"), msgid)
        self.assertEqual([p[0].get("msgid") for p in got[1:]],
                         [None, None, None])
        self.assertEqual([p[0].get("+draft/reply") for p in got],
                         ["x"] * 4)
        self.assertEqual([parse(l)[3][1] for l in d.sync()],
                         ["hello", "how is ", "everyone?", "bye"])
        # A private multiline message too.
        send_batch(a, "ml2", [("one", False), ("two", False)], ref="p1")
        a.sync()
        self.assertEqual(multiline_of(b.sync())[2],
                         [("one", False), ("two", False)])
        send_batch(a, "ml4", [("one", False), ("two", False)], ref="p2")
        a.sync()
        self.assertEqual([parse(l)[3] for l in d.sync()],
                         [["ml4", "one"], ["ml4", "two"]])

    def test_history_keeps_one_message(self):
        a = self.client("ml5", caps=ML)
        a.cmd("JOIN #mlhist")
        send_batch(a, "#mlhist", PASTE)
        a.sync()
        a.cmd("PRIVMSG #mlhist :after")
        h = self.client("ml6", caps=ML + ("draft/chathistory",
                                          "server-time"))
        h.cmd("JOIN #mlhist")
        lines = h.cmd("CHATHISTORY LATEST #mlhist * 10")
        outer = parse(lines[0])
        self.assertEqual(outer[3][1], "chathistory")
        opening, target, parts = multiline_of(lines)
        self.assertEqual(opening["batch"], outer[3][0][1:])
        self.assertEqual(joined_text(parts), WHOLE)
        msgid = opening["msgid"]
        # One message: the msgid pages like any other.
        after = h.cmd("CHATHISTORY AFTER #mlhist msgid=%s 10" % msgid)
        self.assertEqual([parse(l)[3][-1] for l in after
                          if parse(l)[2] == "PRIVMSG"], ["after"])
        before = h.cmd("CHATHISTORY BEFORE #mlhist msgid=%s 10" % msgid)
        self.assertEqual([l for l in before if "PRIVMSG" in l], [])
        # Without the cap: separate lines, the msgid on the first (the
        # stored text's lines: how the sender cut them is not kept).
        p = self.client("ml7", caps=("batch", "message-tags",
                                     "draft/chathistory"))
        p.cmd("JOIN #mlhist")
        lines = p.cmd("CHATHISTORY LATEST #mlhist * 10")
        msgs = [parse(l) for l in lines if parse(l)[2] == "PRIVMSG"]
        self.assertEqual([m[3][1] for m in msgs],
                         ["hello", "how is everyone?", "bye", "after"])
        self.assertEqual(msgs[0][0]["msgid"], msgid)
        self.assertNotIn("msgid", msgs[1][0])
        # A plain client joining gets the replay as notices, line by line.
        q = self.client("ml8")
        notes = [parse(l)[3][1] for l in q.cmd("JOIN #mlhist")
                 if parse(l)[2] == "NOTICE"]
        self.assertTrue(any(n.endswith("<ml5> how is everyone?") for n in notes),
                        notes)
        self.assertTrue(any(n.endswith("<ml5> bye") for n in notes))
        # Stored as one row: the whole text.
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        rows = db.execute("SELECT text FROM chat_messages WHERE msgid = ?",
                          (msgid,)).fetchall()
        db.close()
        self.assertEqual(rows, [(WHOLE,)])

    def test_limits_and_errors(self):
        a = self.client("ml9", caps=ML)
        b = self.client("ml10", caps=ML)
        self.joined("#mllim", a, b)
        send_batch(a, "#mllim", [("x", False)] * 101, ref="big")
        fails = [parse(l)[3] for l in a.sync() if parse(l)[2] == "FAIL"]
        self.assertEqual(fails, [["BATCH", "MULTILINE_MAX_LINES", "100",
                                  "Multiline batch max-lines exceeded"]])
        send_batch(a, "#mllim", [("y" * 450, False)] * 10, ref="wide")
        fails = [parse(l)[3][:3] for l in a.sync() if parse(l)[2] == "FAIL"]
        self.assertEqual(fails, [["BATCH", "MULTILINE_MAX_BYTES", "4096"]])
        # Exactly at the limits it goes.
        send_batch(a, "#mllim", [("z" * 400, False)] * 10 +
                   [("z" * 86, False)], ref="edge")
        self.assertEqual(a.sync(), [])
        self.assertEqual(len(multiline_of(b.sync())[2]), 11)
        send_batch(a, "#mllim", [("hi", False)], ref="tg")
        a.sync()
        b.sync()
        a.send("BATCH +t2 draft/multiline #mllim")
        a.send("@batch=t2 PRIVMSG #other :sneaky")
        a.send("BATCH -t2")
        fails = [parse(l)[3][:4] for l in a.sync() if parse(l)[2] == "FAIL"]
        self.assertEqual(fails, [["BATCH", "MULTILINE_INVALID_TARGET",
                                  "#mllim", "#other"]])
        # Blank lines only; a message of a batch never opened.
        send_batch(a, "#mllim", [("", False), ("", False)], ref="e")
        fails = [parse(l)[3][:2] for l in a.sync() if parse(l)[2] == "FAIL"]
        self.assertEqual(fails, [["BATCH", "MULTILINE_INVALID"]])
        fails = [parse(l)[3][:2] for l in
                 a.cmd("@batch=nope PRIVMSG #mllim :stray")]
        self.assertEqual(fails, [["BATCH", "MULTILINE_INVALID"]])
        # Another command inside the batch ends it; nothing was sent.
        a.send("BATCH +t3 draft/multiline #mllim")
        a.send("@batch=t3 PRIVMSG #mllim :half")
        lines = a.cmd("TOPIC #mllim")
        self.assertIn(["BATCH", "MULTILINE_INVALID"],
                      [parse(l)[3][:2] for l in lines])
        self.assertIn("331", numerics(lines))
        # Without the cap no batch opens.
        c = self.client("ml11")
        fails = [parse(l)[3][:2] for l in
                 c.cmd("BATCH +x draft/multiline #mllim")]
        self.assertEqual(fails, [["BATCH", "MULTILINE_INVALID"]])
        # None of it reached the other member.
        self.assertEqual(b.sync(), [])


class MultilineScreening(IrcCase):
    """The safety net, the link limit for new members and mutes judge a
    multiline message as one text."""

    extra_config = ("crisis_phrases_file = %s/etc/crisis-phrases.conf\n"
                    "probation_max_links = 1\n"
                    "flood_messages = 0\nflood_repeats = 0\n" % SRCDIR)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name in ("mlfresh", "mlvet", "mlmuted"):
            cls.h.add_account(name, "multiline-password")
        db = sqlite3.connect(os.path.join(cls.h.dir, "hearth.db"))
        db.execute("UPDATE accounts SET created = created - 90 * 86400 "
                   "WHERE name IN ('mlvet', 'mlmuted')")
        db.commit()
        db.close()

    def member(self, name):
        return self.client(name, caps=ML + ("echo-message",),
                           sasl=(name, "multiline-password"))

    def test_links_counted_over_the_whole_message(self):
        a = self.member("mlfresh")
        b = self.client("mlsee", caps=ML)
        c = self.client("mlplain")
        self.joined("#newly-diagnosed-ms", a, b, c)
        send_batch(a, "#newly-diagnosed-ms",
                   [("see https://a.example/x", False),
                    ("and https://b.example/y", False)])
        lines = a.sync() + a.sync()
        held = [l for l in lines if " MESSAGE_HELD " in l]
        self.assertEqual(len(held), 1, lines)
        self.assertEqual(b.sync(), [])
        q = json.loads(self.h.hearthmod("--json", "queue").stdout)
        entry = [e for e in q if e["author"] == "mlfresh"]
        self.assertEqual(len(entry), 1)
        self.assertEqual(self.h.hearthmod("approve", entry[0]["id"])
                         .returncode, 0)
        # Approved: delivered as the one message it was.
        got = b.until(lambda l: "BATCH -" in l)
        self.assertEqual(multiline_of(got)[2],
                         [("see https://a.example/x", False),
                          ("and https://b.example/y", False)])
        self.assertEqual(multiline_of(got)[0]["msgid"], entry[0]["item_ref"])
        plain = c.until(lambda l: "https://b.example" in l)
        self.assertEqual([parse(l)[3][1] for l in plain
                          if parse(l)[2] == "PRIVMSG"],
                         ["see https://a.example/x",
                          "and https://b.example/y"])

    def test_crisis_phrase_across_lines(self):
        a = self.member("mlvet")
        a.cmd("JOIN #newly-diagnosed-ms")
        send_batch(a, "#newly-diagnosed-ms",
                   [("some nights I want to ", False), ("die", True)])
        lines = a.sync() + a.sync()
        self.assertTrue(any(l.startswith(":Helper!") and
                            "You are not alone" in l for l in lines), lines)
        msgid = multiline_of(lines)[0]["msgid"]
        q = json.loads(self.h.hearthmod("--json", "queue").stdout)
        self.assertEqual([e["kind"] for e in q if e["item_ref"] == msgid],
                         ["crisis"])

    def test_muted_member_cannot_send_a_batch(self):
        a = self.member("mlmuted")
        b = self.client("mlother", caps=ML)
        self.joined("#newly-diagnosed-ms", a, b)
        r = self.h.hearthmod("mute", "mlmuted", "--reason", "pause")
        self.assertEqual(r.returncode, 0, r.stderr)
        a.sync()
        b.sync()
        send_batch(a, "#newly-diagnosed-ms", [("still", False),
                                              ("talking", False)])
        lines = a.sync()
        self.assertIn("404", numerics(lines))
        self.assertEqual(b.sync(), [])
        send_batch(a, "mlother", [("psst", False), ("hi", False)],
                   ref="dm")
        self.assertIn(["PRIVMSG", "MUTED"],
                      [parse(l)[3][:2] for l in a.sync()])
        self.assertEqual(b.sync(), [])


class EventPlayback(IrcCase):

    def history(self, c, chan):
        lines = c.cmd("CHATHISTORY LATEST %s * 50" % chan)
        return [l for l in lines if parse(l)[2] != "BATCH"]

    def test_events_in_history_for_those_who_ask(self):
        a = self.client("ev1", caps=("message-tags", "server-time"))
        a.cmd("JOIN #evroom")
        b = self.client("ev2")
        b.cmd("JOIN #evroom")
        b.cmd("PRIVMSG #evroom :hello")
        topic = [parse(l) for l in a.cmd("TOPIC #evroom :new topic")
                 if parse(l)[2] == "TOPIC"][0]
        a.cmd("MODE #evroom +v ev2")
        b.cmd("PART #evroom :bye")
        c = self.client("ev3")
        c.cmd("JOIN #evroom")
        a.cmd("KICK #evroom ev3 :out")
        d = self.client("ev4")
        d.cmd("JOIN #evroom")
        d.send("QUIT :gone")
        self.assertTrue(d.is_closed())
        a.cmd("PRIVMSG #evroom :last")
        e = self.client("ev5", caps=("draft/chathistory", "batch",
                                     "draft/event-playback", "message-tags",
                                     "server-time"))
        e.cmd("JOIN #evroom")
        got = [parse(l) for l in self.history(e, "#evroom")]
        self.assertEqual([(p[1].split("!")[0], p[2], p[3]) for p in got], [
            ("ev1", "JOIN", ["#evroom"]),
            ("ev2", "JOIN", ["#evroom"]),
            ("ev2", "PRIVMSG", ["#evroom", "hello"]),
            ("ev1", "TOPIC", ["#evroom", "new topic"]),
            ("ev1", "MODE", ["#evroom", "+v", "ev2"]),
            ("ev2", "PART", ["#evroom", "bye"]),
            ("ev3", "JOIN", ["#evroom"]),
            ("ev1", "KICK", ["#evroom", "ev3", "out"]),
            ("ev4", "JOIN", ["#evroom"]),
            ("ev4", "QUIT", ["Quit: gone"]),
            ("ev1", "PRIVMSG", ["#evroom", "last"]),
            ("ev5", "JOIN", ["#evroom"])])
        # As it went out live: the same msgid and time.
        self.assertEqual(got[3][2], "TOPIC")
        self.assertEqual((got[3][0]["msgid"], got[3][0]["time"]),
                         (topic[0]["msgid"], topic[0]["time"]))
        # Each with its msgid and time; hosts are cloaks, never addresses.
        self.assertEqual(len({p[0]["msgid"] for p in got}), len(got))
        self.assertTrue(all("time" in p[0] for p in got))
        self.assertTrue(all(p[1].split("@")[1].startswith("anon.")
                            for p in got))
        # Paging counts the events too.
        first = got[3][0]["msgid"]
        after = [parse(l) for l in e.cmd(
            "CHATHISTORY AFTER #evroom msgid=%s 2" % first)
            if parse(l)[2] != "BATCH"]
        self.assertEqual([p[2] for p in after], ["MODE", "PART"])
        # extended-join clients get the JOIN as they know it.
        x = self.client("ev6", caps=("draft/chathistory", "batch",
                                     "draft/event-playback",
                                     "extended-join"))
        x.cmd("JOIN #evroom")
        joins = [parse(l)[3] for l in self.history(x, "#evroom")
                 if parse(l)[2] == "JOIN"]
        self.assertEqual(joins[0], ["#evroom", "*", "Test ev1"])
        # Without event-playback: the messages only.
        f = self.client("ev7", caps=("draft/chathistory", "batch"))
        f.cmd("JOIN #evroom")
        self.assertEqual([(parse(l)[2], parse(l)[3][-1])
                          for l in self.history(f, "#evroom")],
                         [("PRIVMSG", "hello"), ("PRIVMSG", "last")])
        # A plain client's replay on JOIN: messages only as well.
        g = self.client("ev8")
        notes = [parse(l)[3][-1] for l in g.cmd("JOIN #evroom")
                 if parse(l)[2] == "NOTICE" and "<" in parse(l)[3][-1]]
        self.assertEqual(len(notes), 2, notes)
        # TARGETS goes by the last message, not the last event.
        t = e.cmd("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
                  "timestamp=2999-01-01T00:00:00.000Z 10")
        when = [parse(l)[3][2] for l in t if parse(l)[2] == "CHATHISTORY"]
        self.assertEqual(when, [got[10][0]["time"]])

    def test_kept_tagmsg(self):
        """A TAGMSG that asks to be kept (+draft/persist) or is a reaction
        comes back by CHATHISTORY, with its tags and msgid, to clients
        with event-playback (irctest testChathistoryTagmsg); a typing
        notification is not kept; others never see kept ones."""
        self.h.add_account("tagacct1", "tag-password-1")
        self.h.add_account("tagacct2", "tag-password-2")
        caps = ("message-tags", "echo-message", "server-time")
        a = self.client("tag1", caps=caps,
                        sasl=("tagacct1", "tag-password-1"))
        b = self.client("tag2", caps=caps,
                        sasl=("tagacct2", "tag-password-2"))
        a.cmd("JOIN #tagroom")
        b.cmd("JOIN #tagroom")
        sent = {}
        for tag in ("+draft/persist", "+draft/react=x", "+typing=active"):
            echo = [parse(l) for l in a.cmd("@%s TAGMSG #tagroom" % tag)
                    if parse(l)[2] == "TAGMSG"]
            self.assertEqual(len(echo), 1, tag)
            sent[tag.split("=")[0]] = echo[0][0]["msgid"]
        dm = [parse(l) for l in a.cmd("@+draft/persist;+x=1 TAGMSG tag2")
              if parse(l)[2] == "TAGMSG"][0][0]["msgid"]
        e = self.client("tag3", caps=("draft/chathistory", "batch",
                                      "draft/event-playback") + caps)
        e.cmd("JOIN #tagroom")
        got = [parse(l) for l in self.history(e, "#tagroom")
               if parse(l)[2] == "TAGMSG"]
        self.assertEqual([p[0]["msgid"] for p in got],
                         [sent["+draft/persist"], sent["+draft/react"]])
        self.assertEqual(got[1][0]["+draft/react"], "x")
        self.assertEqual(got[0][3], ["#tagroom"])
        # Without event-playback: none.
        f = self.client("tag4", caps=("draft/chathistory", "batch") + caps)
        f.cmd("JOIN #tagroom")
        self.assertEqual([l for l in self.history(f, "#tagroom")
                          if parse(l)[2] == "TAGMSG"], [])
        # Private: kept for the pair, shown with the nick it went to.
        a2 = self.client("tag5", caps=("draft/chathistory", "batch",
                                       "draft/event-playback") + caps,
                         sasl=("tagacct1", "tag-password-1"))
        got = [parse(l) for l in self.history(a2, "tag2")
               if parse(l)[2] == "TAGMSG"]
        self.assertEqual([(p[0]["msgid"], p[0]["+x"], p[3]) for p in got],
                         [(dm, "1", ["tag2"])])

    def test_pseudonymized_member_leaves_no_events(self):
        self.h.add_account("evacct", "event-password-1")
        a = self.client("eva", sasl=("evacct", "event-password-1"))
        a.cmd("JOIN #everase")
        a.cmd("PRIVMSG #everase :my words stay")
        a.cmd("PART #everase")
        a.send("QUIT")
        self.assertTrue(a.is_closed())
        r = self.h.hearthmod("account", "erase", "evacct", "--mode",
                             "pseudonymize")
        self.assertEqual(r.returncode, 0, r.stderr)
        e = self.client("evb", caps=("draft/chathistory", "batch",
                                     "draft/event-playback"))
        e.cmd("JOIN #everase")
        got = [parse(l) for l in self.history(e, "#everase")]
        self.assertEqual([(p[2], p[3][-1]) for p in got],
                         [("PRIVMSG", "my words stay"),
                          ("JOIN", "#everase")])
        self.assertNotIn("evacct", " ".join(p[1] for p in got))


MD = ("draft/metadata-2", "batch")


def metas(lines):
    """(target, key, value or None) of each METADATA line."""
    out = []
    for l in lines:
        tags, src, cmd, params = parse(l)
        if cmd == "METADATA":
            out.append((params[0], params[1],
                        params[3] if len(params) > 3 else None))
    return out


class Metadata(IrcCase):

    extra_config = ("crisis_phrases_file = %s/etc/crisis-phrases.conf\n"
                    "probation_max_links = 1\n" % SRCDIR)

    def test_cap_value_and_own_values(self):
        c = self.raw()
        c.send("CAP LS 302")
        ls = " ".join(c.until(lambda l: " LS :" in l))
        self.assertIn("draft/metadata-2=max-subs=10,max-keys=4,"
                      "max-value-bytes=256", ls)
        a = self.client("md1", caps=MD)
        self.assertEqual(parse(a.cmd("METADATA * SET display-name :Anna K")[0])
                         [2:], ("761", ["md1", "*", "display-name", "*",
                                        "Anna K"]))
        got = a.cmd("METADATA * GET display-name pronouns Bad$key")
        self.assertEqual([parse(l)[2] for l in got],
                         ["BATCH", "761", "766", "FAIL", "BATCH"])
        self.assertEqual(parse(got[3])[3][:3],
                         ["METADATA", "INVALID_KEY", "Bad$key"])
        self.assertEqual(parse(got[2])[3][:3], ["md1", "*", "pronouns"])
        got = a.cmd("METADATA md1 LIST")
        self.assertEqual([parse(l)[3] for l in got if parse(l)[2] == "761"],
                         [["md1", "md1", "display-name", "*", "Anna K"]])
        # Deleting: the key without a value, then it is not set.
        self.assertEqual(parse(a.cmd("METADATA * SET display-name")[0])[2:],
                         ("761", ["md1", "*", "display-name", "*"]))
        self.assertEqual(parse(a.cmd("METADATA * SET display-name")[0])[2],
                         "768")

    def test_only_allowed_keys_and_bounded_values(self):
        a = self.client("md2", caps=MD)
        b = self.client("md3", caps=MD)
        def fail(line):
            p = parse(a.cmd(line)[0])
            self.assertEqual(p[2], "FAIL", line)
            return p[3][1]
        self.assertEqual(fail("METADATA * SET homepage :https://x.example"),
                         "KEY_NO_PERMISSION")
        self.assertEqual(fail("METADATA * SET $bad :x"), "INVALID_KEY")
        self.assertEqual(fail("METADATA * SET display-name :" + "x" * 65),
                         "INVALID_VALUE")
        self.assertEqual(fail("METADATA * SET avatar :http://plain.example/a"),
                         "INVALID_VALUE")
        self.assertEqual(fail("METADATA * SET status :tab\there"),
                         "INVALID_VALUE")
        self.assertEqual(fail("METADATA md3 SET status :not mine"),
                         "KEY_NO_PERMISSION")
        self.assertEqual(fail("METADATA md3 CLEAR"), "KEY_NO_PERMISSION")
        self.assertEqual(fail("METADATA nobody-here GET status"),
                         "INVALID_TARGET")
        self.assertEqual(fail("METADATA * EXPLODE"), "INVALID_SUBCOMMAND")
        # A role claimed in a guest's name is refused, like in a nick.
        self.assertEqual(fail("METADATA * SET display-name :Doctor Who"),
                         "INVALID_VALUE")
        self.assertEqual(fail("METADATA * SET status :moderator here"),
                         "INVALID_VALUE")
        self.assertEqual(parse(a.cmd("METADATA * SET avatar "
                                     ":https://img.example/a.png")[0])[2],
                         "761")
        self.assertEqual(parse(a.cmd("METADATA * SET pronouns :she/her")[0])
                         [2], "761")

    def test_subscriptions_and_notifications(self):
        a = self.client("md4", caps=MD)
        b = self.client("md5", caps=MD)
        c = self.client("md6", caps=MD)
        d = self.client("md7")
        a.cmd("METADATA * SET status :at the clinic")
        got = b.cmd("METADATA * SUB status display-name Weird.Key $no")
        self.assertEqual([parse(l)[3] for l in got if parse(l)[2] == "770"],
                         [["md5", "status", "display-name", "weird.key"]])
        self.assertIn(["METADATA", "INVALID_KEY", "$no", "Invalid key"],
                      [parse(l)[3] for l in got if parse(l)[2] == "FAIL"])
        self.assertEqual(parse(b.cmd("METADATA * SUBS")[0])[3],
                         ["md5", "status", "display-name", "weird.key"])
        # Joining: the joiner gets the members' values it follows...
        a.cmd("JOIN #mdroom")
        got = b.cmd("JOIN #mdroom")
        self.assertIn(("md4", "status", "at the clinic"), metas(got))
        # ... and a change reaches those who follow the key.
        c.cmd("JOIN #mdroom")
        d.cmd("JOIN #mdroom")
        b.sync()
        a.cmd("METADATA * SET status :home again")
        self.assertEqual(metas(b.sync()), [("md4", "status", "home again")])
        self.assertEqual(metas(c.sync()), [])
        self.assertEqual(d.sync(), [])
        a.cmd("METADATA * SET pronouns :they")
        self.assertEqual(metas(b.sync()), [])
        a.cmd("METADATA * CLEAR")
        self.assertEqual(metas(b.sync()), [("md4", "status", None)])
        # SYNC of the channel, UNSUB, too many subscriptions.
        a.cmd("METADATA * SET display-name :Ann")
        b.sync()
        got = b.cmd("METADATA #mdroom SYNC")
        self.assertEqual(metas(got), [("md4", "display-name", "Ann")])
        self.assertEqual(parse(got[0])[3][1], "metadata")
        self.assertEqual(parse(b.cmd("METADATA * UNSUB status")[0])[3],
                         ["md5", "status"])
        keys = " ".join("k%d" % i for i in range(12))
        got = c.cmd("METADATA * SUB " + keys)
        self.assertIn(["METADATA", "TOO_MANY_SUBS", "k10",
                       "Too many subscriptions"],
                      [parse(l)[3] for l in got])
        self.assertEqual(len(parse(c.cmd("METADATA * SUBS")[0])[3]), 11)

    def test_account_values_persist_and_follow_the_account(self):
        self.h.add_account("mdacct", "metadata-password")
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        db.execute("UPDATE accounts SET created = created - 90 * 86400 "
                   "WHERE name = 'mdacct'")
        db.commit()
        db.close()
        a = self.client("md8", caps=MD, sasl=("mdacct", "metadata-password"))
        a2 = self.client("md9", caps=MD, sasl=("mdacct", "metadata-password"))
        w = self.client("md10", caps=MD)
        w.cmd("METADATA * SUB display-name")
        for c in (a, a2, w):
            c.cmd("JOIN #mdacct")
        w.sync()
        a.cmd("METADATA * SET display-name :Masha")
        # The other connection shows the same value, and is told so.
        self.assertEqual(sorted(metas(w.sync())),
                         [("md8", "display-name", "Masha"),
                          ("md9", "display-name", "Masha")])
        self.assertEqual(metas(a.sync()), [])
        got = w.cmd("METADATA md9 GET display-name")
        self.assertEqual([parse(l)[3][-1] for l in got
                          if parse(l)[2] == "761"], ["Masha"])
        a.send("QUIT")
        a2.send("QUIT")
        self.assertTrue(a.is_closed() and a2.is_closed())
        # A new connection of the account: the value is kept, and sent
        # after registration in a metadata batch.
        c = self.raw()
        c.send("CAP LS 302")
        c.send("CAP REQ :draft/metadata-2 batch sasl")
        c.until(" ACK ")
        import base64
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            b"\0mdacct\0metadata-password").decode())
        c.until(" 903 ")
        c.send("NICK md11")
        c.send("USER md11 0 * :x")
        c.send("CAP END")
        got = c.until(lambda l: " BATCH -" in l)
        self.assertEqual([parse(l)[3] for l in got if parse(l)[2] == "761"],
                         [["md11", "md11", "display-name", "*", "Masha"]])
        # The member's export carries them.
        out = os.path.join(self.h.dir, "export-mdacct")
        os.mkdir(out)
        r = self.h.hearthmod("account", "export", "mdacct", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "member.json")) as f:
            self.assertEqual(json.load(f)["profile"],
                             {"display-name": "Masha"})
        # Erasure takes the values with the account.
        self.assertEqual(self.h.hearthmod("account", "erase", "mdacct",
                                          "--mode", "remove").returncode, 0)
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        self.assertEqual(db.execute(
            "SELECT count(*) FROM account_metadata").fetchone(), (0,))
        db.close()

    def test_screened_like_words(self):
        self.h.add_account("mdnew", "metadata-password")
        a = self.client("md12", caps=MD, sasl=("mdnew", "metadata-password"))
        # A crisis phrase is never stopped: the hotline comes.
        got = a.cmd("METADATA * SET status :I want to die")
        got += a.sync()
        self.assertIn("761", numerics(got))
        self.assertTrue(any(l.startswith(":Helper!") and
                            "You are not alone" in l for l in got), got)
        q = json.loads(self.h.hearthmod("--json", "queue").stdout)
        self.assertIn("crisis", [e["kind"] for e in q
                                 if e["author"] == "mdnew"])
        # A new member's links past the limit are refused.
        p = parse(a.cmd("METADATA * SET status :see https://a.example and "
                        "https://b.example")[0])
        self.assertEqual(p[3][:2], ["METADATA", "INVALID_VALUE"])
        # Muted: no profile changes either.
        self.assertEqual(self.h.hearthmod("mute", "mdnew").returncode, 0)
        a.sync()
        p = parse(a.cmd("METADATA * SET pronouns :he")[0])
        self.assertEqual(p[3][:2], ["METADATA", "KEY_NO_PERMISSION"])


if __name__ == "__main__":
    unittest.main()
