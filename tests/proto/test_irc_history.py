"""Private-message history (stored when one end is logged in, read by
the ends' accounts, TARGETS, REDACT, private_history = no, restarts,
export and erasure).  Channel history: replay on JOIN (batch, or NOTICEs with the original
time), draft/chathistory paging, draft/message-redaction, rooms whose
history is off, room state across restarts, and no loss of an echoed
message across a kill -9."""

import json
import os
import sqlite3
import tempfile
import time
import unittest

from hearth_test import Hearthd, LineClient
from irc_helpers import TIME_RE, Irc, IrcCase, numerics, parse

ROOMS = """# Rooms for the history tests.
#histroom   on  +nt  History is kept here
#privmeet   off +nt  A private meetup: nothing is stored
#persist    on  +nt  Persistence test room
"""


def rooms_file():
    fd, path = tempfile.mkstemp(prefix="hearth-rooms-", suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(ROOMS)
    return path


def hist(c, line):
    """Send a CHATHISTORY command; return (batch header, messages)."""
    lines = c.cmd(line)
    if not lines or " BATCH +" not in lines[0]:
        return None, lines
    return lines[0], [l for l in lines[1:-1]]


def texts(msgs):
    return [parse(l)[3][-1] for l in msgs]


class Replay(IrcCase):
    extra_config = "rooms_file = %s\nirc_replay_lines = 5\n" % rooms_file()

    def test_replay_for_plain_batch_and_chathistory_clients(self):
        a = self.client("rp1", caps=("echo-message", "message-tags"))
        a.cmd("JOIN #histroom")
        ids = []
        for i in range(7):
            ids.append(parse(a.cmd("PRIVMSG #histroom :line %d" % i)[0])
                       [0]["msgid"])
        a.cmd("NOTICE #histroom :a notice")
        a.cmd("PRIVMSG #histroom :\x01ACTION waves\x01")
        # irssi and HexChat: NOTICEs from the server, time in the text.
        p = self.client("rp2")
        lines = p.cmd("JOIN #histroom")
        notices = [l for l in lines if " NOTICE #histroom " in l]
        self.assertEqual(len(notices), 7)
        self.assertEqual(notices[0], ":hearth.test NOTICE #histroom :--- "
                         "The last 5 messages before you joined ---")
        self.assertRegex(notices[1], r"^:hearth.test NOTICE #histroom "
                         r":\[\d\d\.\d\d\.\d{4} \d\d:\d\d UTC\] <rp1> line 4$")
        self.assertRegex(notices[4], r"\] -rp1- a notice$")
        self.assertRegex(notices[5], r"\] \* rp1 waves$")
        self.assertEqual(notices[6], ":hearth.test NOTICE #histroom :--- "
                         "End of history ---")
        # The NOTICEs come after the NAMES of the join.
        self.assertLess(numerics(lines).index("366") + 1,
                        lines.index(notices[0]) + 1)
        # server-time without batch: the original time as a tag too.
        s = self.client("rp3", caps=("server-time",))
        lines = [l for l in s.cmd("JOIN #histroom") if "<rp1> line 6" in l]
        self.assertRegex(parse(lines[0])[0]["time"], TIME_RE)
        # batch: the original messages with their msgid and time.
        b = self.client("rp4", caps=("batch", "server-time",
                                     "message-tags"))
        lines = b.cmd("JOIN #histroom")
        start = [i for i, l in enumerate(lines) if " BATCH +" in l][0]
        self.assertRegex(lines[start], r"^:hearth.test BATCH \+(\S+) "
                         r"chathistory #histroom$")
        ref = lines[start].split("+")[1].split()[0]
        body = lines[start + 1:start + 6]
        self.assertEqual(lines[start + 6], ":hearth.test BATCH -" + ref)
        tags, src, cmd, params = parse(body[0])
        self.assertEqual(tags["batch"], ref)
        self.assertEqual(tags["msgid"], ids[4])
        self.assertRegex(tags["time"], TIME_RE)
        self.assertTrue(src.startswith("rp1!rp1@"))
        self.assertEqual((cmd, params), ("PRIVMSG", ["#histroom", "line 4"]))
        # draft/chathistory clients ask for themselves: no replay.
        h = self.client("rp5", caps=("draft/chathistory", "batch"))
        lines = h.cmd("JOIN #histroom")
        self.assertFalse(any("BATCH" in l or "NOTICE" in l for l in lines))

    def test_history_off_room_stores_nothing(self):
        a = self.client("off1", caps=("echo-message",))
        a.cmd("JOIN #privmeet")
        self.assertEqual(len(a.cmd("PRIVMSG #privmeet :secret")), 1)
        b = self.client("off2", caps=("draft/chathistory", "batch"))
        lines = b.cmd("JOIN #privmeet")
        self.assertFalse(any("secret" in l for l in lines))
        head, msgs = hist(b, "CHATHISTORY LATEST #privmeet * 10")
        self.assertIsNotNone(head)
        self.assertEqual(msgs, [])
        c = self.client("off3")
        self.assertFalse(any("secret" in l
                             for l in c.cmd("JOIN #privmeet")))
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        n = db.execute("SELECT count(*) FROM chat_messages WHERE "
                       "text = 'secret'").fetchone()[0]
        db.close()
        self.assertEqual(n, 0)


class ChatHistory(IrcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        caps = ("draft/chathistory", "batch", "server-time", "message-tags",
                "echo-message")
        lc = LineClient(cls.h.addr("irc"))
        a = Irc(lc)
        cls.writer = a
        a.send("CAP LS 302")
        a.send("CAP REQ :" + " ".join(caps))
        a.send("NICK chw")
        a.send("USER chw 0 * :w")
        a.send("CAP END")
        a.until(" 376 ")
        a.cmd("JOIN #chroom")
        cls.ids = []
        cls.times = []
        for i in range(20):
            tags = parse(a.cmd("PRIVMSG #chroom :m%d" % i)[0])[0]
            cls.ids.append(tags["msgid"])
            cls.times.append(tags["time"])
            if i % 5 == 4:
                time.sleep(0.003)

    @classmethod
    def tearDownClass(cls):
        cls.writer.close()
        super().tearDownClass()

    def reader(self, nick):
        c = self.client(nick, caps=("draft/chathistory", "batch",
                                    "server-time", "message-tags"))
        c.cmd("JOIN #chroom")
        return c

    def test_latest_before_after(self):
        c = self.reader("chr1")
        head, msgs = hist(c, "CHATHISTORY LATEST #chroom * 5")
        self.assertRegex(head, r"^:hearth.test BATCH \+\S+ chathistory "
                         r"#chroom$")
        self.assertEqual(texts(msgs), ["m15", "m16", "m17", "m18", "m19"])
        self.assertEqual([parse(l)[0]["msgid"] for l in msgs], self.ids[15:])
        self.assertEqual([parse(l)[0]["time"] for l in msgs],
                         self.times[15:])
        _, msgs = hist(c, "CHATHISTORY BEFORE #chroom msgid=%s 3" %
                       self.ids[10])
        self.assertEqual(texts(msgs), ["m7", "m8", "m9"])
        _, msgs = hist(c, "CHATHISTORY AFTER #chroom msgid=%s 3" %
                       self.ids[10])
        self.assertEqual(texts(msgs), ["m11", "m12", "m13"])
        _, msgs = hist(c, "CHATHISTORY LATEST #chroom msgid=%s 100" %
                       self.ids[17])
        self.assertEqual(texts(msgs), ["m18", "m19"])
        _, msgs = hist(c, "CHATHISTORY AFTER #CHROOM timestamp=%s 100" %
                       self.times[-1])
        self.assertEqual(msgs, [])
        _, msgs = hist(c, "CHATHISTORY BEFORE #chroom "
                       "timestamp=2000-01-01T00:00:00.000Z 10")
        self.assertEqual(msgs, [])
        _, msgs = hist(c, "CHATHISTORY AFTER #chroom "
                       "timestamp=2000-01-01T00:00:00.000Z 2")
        self.assertEqual(texts(msgs), ["m0", "m1"])

    def test_around_between(self):
        c = self.reader("chr2")
        _, msgs = hist(c, "CHATHISTORY AROUND #chroom msgid=%s 4" %
                       self.ids[10])
        self.assertEqual(texts(msgs), ["m8", "m9", "m10", "m11"])
        _, msgs = hist(c, "CHATHISTORY BETWEEN #chroom msgid=%s msgid=%s "
                       "100" % (self.ids[3], self.ids[8]))
        self.assertEqual(texts(msgs), ["m4", "m5", "m6", "m7"])
        _, msgs = hist(c, "CHATHISTORY BETWEEN #chroom msgid=%s msgid=%s 2"
                       % (self.ids[3], self.ids[8]))
        self.assertEqual(texts(msgs), ["m4", "m5"])
        # Counted from the first reference, going backwards.
        _, msgs = hist(c, "CHATHISTORY BETWEEN #chroom msgid=%s msgid=%s 2"
                       % (self.ids[8], self.ids[3]))
        self.assertEqual(texts(msgs), ["m6", "m7"])

    def test_targets(self):
        c = self.reader("chr3")
        lines = c.cmd("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00"
                      ".000Z timestamp=2100-01-01T00:00:00.000Z 10")
        self.assertRegex(lines[0], r"BATCH \+\S+ draft/chathistory-targets$")
        # The time is bare, as in the message's time tag (irctest).
        self.assertRegex(lines[1], r"^@batch=\S+ :hearth.test CHATHISTORY "
                         r"TARGETS #chroom %s$" % TIME_RE)
        self.assertEqual(parse(lines[1])[3][2], self.times[-1])
        self.assertIn(" BATCH -", lines[2])
        # A target whose latest message is outside the window is not
        # listed, even with older messages inside it.
        lines = c.cmd("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00"
                      ".000Z timestamp=%s 10" % self.times[-1])
        self.assertEqual(len(lines), 2)

    def test_errors(self):
        c = self.reader("chr4")
        self.assertEqual(c.cmd("CHATHISTORY LATEST #other * 10"), [
            ":hearth.test FAIL CHATHISTORY INVALID_TARGET LATEST #other "
            ":Messages could not be retrieved"])
        o = self.client("chr5", caps=("draft/chathistory", "batch"))
        self.assertIn("INVALID_TARGET", o.cmd("CHATHISTORY LATEST #chroom "
                                              "* 10")[0])
        self.assertIn("INVALID_PARAMS", c.cmd("CHATHISTORY LATEST #chroom "
                                              "bogus 10")[0])
        self.assertIn("INVALID_PARAMS", c.cmd("CHATHISTORY BEFORE #chroom "
                                              "* 10")[0])
        self.assertIn("INVALID_PARAMS", c.cmd("CHATHISTORY LATEST #chroom "
                                              "* 0")[0])
        self.assertIn("INVALID_PARAMS", c.cmd("CHATHISTORY FOO #chroom "
                                              "* 10")[0])
        self.assertIn("NEED_MORE_PARAMS", c.cmd("CHATHISTORY LATEST "
                                                "#chroom")[0])
        self.assertEqual(numerics(c.cmd("CHATHISTORY")), ["461"])
        # A limit above CHATHISTORY=100 is clamped.
        _, msgs = hist(c, "CHATHISTORY LATEST #chroom * 1000")
        self.assertEqual(len(msgs), 20)
        # Direct messages are not kept: an empty batch.
        head, msgs = hist(c, "CHATHISTORY LATEST chw * 10")
        self.assertIsNotNone(head)
        self.assertEqual(msgs, [])
        # Without batch the lines come bare.
        p = self.client("chr6", caps=("draft/chathistory",))
        p.cmd("JOIN #chroom")
        lines = p.cmd("CHATHISTORY LATEST #chroom * 2")
        self.assertEqual([parse(l)[3][-1] for l in lines], ["m18", "m19"])


class Redaction(IrcCase):

    def test_redact(self):
        caps = ("draft/message-redaction", "echo-message", "message-tags",
                "draft/chathistory", "batch")
        a = self.client("rd1", caps=caps)
        b = self.client("rd2", caps=caps)
        c = self.client("rd3")
        self.joined("#rdroom", a, b, c)
        mid = parse(b.cmd("PRIVMSG #rdroom :oops, my phone number")[0])[0][
            "msgid"]
        keep = parse(b.cmd("PRIVMSG #rdroom :keep this")[0])[0]["msgid"]
        a.sync()
        c.sync()
        d = self.client("rd4", caps=caps)
        d.cmd("JOIN #rdroom")
        for x in (a, b, c):
            x.sync()
        self.assertEqual(d.cmd("REDACT #rdroom %s" % mid), [
            ":hearth.test FAIL REDACT REDACT_FORBIDDEN #rdroom %s :You may "
            "not redact this message" % mid])
        self.assertEqual(d.cmd("REDACT #rdroom nosuchid")[0],
                         ":hearth.test FAIL REDACT UNKNOWN_MSGID #rdroom "
                         "nosuchid :This message does not exist or is too "
                         "old")
        self.assertIn("INVALID_TARGET", d.cmd("REDACT #elsewhere %s" %
                                              mid)[0])
        lines = b.cmd("REDACT #rdroom %s :shared by mistake" % mid)
        self.assertRegex(lines[0], r"^:rd2!\S+ REDACT #rdroom %s "
                         r":shared by mistake$" % mid)
        self.assertIn("REDACT #rdroom " + mid, a.sync()[0])
        self.assertEqual(c.sync(), [])
        _, msgs = hist(a, "CHATHISTORY LATEST #rdroom * 10")
        self.assertEqual(texts(msgs), ["keep this"])
        # A channel operator may redact anyone's message.
        self.assertIn("REDACT #rdroom " + keep,
                      a.cmd("REDACT #rdroom %s" % keep)[0])
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        n = db.execute("SELECT count(*) FROM chat_messages WHERE msgid IN "
                       "(?, ?)", (mid, keep)).fetchone()[0]
        db.close()
        self.assertEqual(n, 0)
        e = self.client("rd5")
        self.assertFalse(any("phone" in l for l in e.cmd("JOIN #rdroom")))


class Restart(unittest.TestCase):

    def test_kill9_keeps_every_echoed_message(self):
        self.kill9_case("irc")

    def test_kill9_over_tls_keeps_every_message_seen(self):
        # TLS connections write at once; the group commit must hold
        # their output too, for the sender's echo and for other members.
        self.kill9_case("ircs")

    def kill9_case(self, proto):
        # A burst of 2000 lines: load, which the flood watch would mute.
        h = Hearthd("rate_per_second = 100000\nrate_burst = 100000\n"
                    "flood_messages = 0\n", ("irc", "ircs")).start()
        tls = proto == "ircs"
        seen = []
        rc = LineClient(h.addr(proto), tls=tls)
        r = Irc(rc)
        r.send("CAP REQ :message-tags")
        r.send("NICK watcher")
        r.send("USER watcher 0 * :w")
        r.send("CAP END")
        r.until(" 376 ")
        r.cmd("JOIN #newly-diagnosed-oncology")
        lc = LineClient(h.addr(proto), tls=tls)
        a = Irc(lc)
        a.send("CAP REQ :echo-message message-tags")
        a.send("NICK crash")
        a.send("USER crash 0 * :c")
        a.send("CAP END")
        a.until(" 376 ")
        a.cmd("JOIN #newly-diagnosed-oncology")
        burst = "".join("PRIVMSG #newly-diagnosed-oncology :msg %d\r\n" % i
                        for i in range(2000))
        lc.sendraw(burst.encode())
        echoed = []
        while len(echoed) < 150:
            tags, _, cmd, params = parse(a.readline())
            if cmd == "PRIVMSG":
                echoed.append((tags["msgid"], params[-1]))
        h.kill9()
        for client, got in ((a, echoed), (r, seen)):
            client.lc.sock.settimeout(0.5)
            try:
                while True:
                    tags, _, cmd, params = parse(client.readline())
                    if cmd == "PRIVMSG":
                        got.append((tags["msgid"], params[-1]))
            except Exception:
                pass
            client.close()
        self.assertGreater(len(seen), 0)
        echoed += seen
        self.assertLess(len(echoed), 2000, "the kill came too late")
        h2 = Hearthd(protos=("irc",), state_dir=h.dir).start()
        try:
            db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
            stored = dict(db.execute("SELECT msgid, text FROM "
                                     "chat_messages"))
            db.close()
            for msgid, text in echoed:
                self.assertEqual(stored.get(msgid), text)
            # And the restarted server replays them.
            lc = LineClient(h2.addr("irc"))
            b = Irc(lc)
            b.send("CAP REQ :draft/chathistory batch message-tags")
            b.send("NICK after")
            b.send("USER after 0 * :a")
            b.send("CAP END")
            b.until(" 376 ")
            b.cmd("JOIN #newly-diagnosed-oncology")
            _, msgs = hist(b, "CHATHISTORY LATEST "
                           "#newly-diagnosed-oncology * 1")
            self.assertEqual(len(msgs), 1)
            self.assertIn(parse(msgs[0])[0]["msgid"], stored)
            b.close()
        finally:
            self.assertEqual(h2.stop(), 0)

    def test_room_state_survives_restart(self):
        rf = rooms_file()
        cfg = "rooms_file = %s\n" % rf
        h = Hearthd(cfg, ("irc",)).start()
        h.add_account("roommod", "room-mod-password", role="moderator")
        try:
            lc = LineClient(h.addr("irc"))
            m = Irc(lc)
            import base64
            m.send("CAP REQ :sasl")
            m.send("AUTHENTICATE PLAIN")
            m.until("AUTHENTICATE +")
            m.send("AUTHENTICATE " + base64.b64encode(
                b"\0roommod\0room-mod-password").decode())
            m.until(" 903 ")
            m.send("NICK roommod")
            m.send("USER r 0 * :r")
            m.send("CAP END")
            m.until(" 376 ")
            names = [l for l in m.cmd("JOIN #persist") if " 353 " in l]
            self.assertIn("@roommod", names[0])
            m.cmd("TOPIC #persist :Kept across restarts")
            m.cmd("MODE #persist +ikl sesame 42")
            m.cmd("MODE #persist +b troll!*@*")
            m.cmd("MODE #persist +e friend!*@*")
            m.close()
        finally:
            self.assertEqual(h.stop(), 0)
        h2 = Hearthd(cfg, ("irc",), state_dir=h.dir).start()
        try:
            lc = LineClient(h2.addr("irc"))
            c = Irc(lc)
            c.send("NICK visitor")
            c.send("USER v 0 * :v")
            c.until(" 376 ")
            lines = c.cmd("TOPIC #persist")
            self.assertEqual(lines[0], ":hearth.test 332 visitor #persist "
                             ":Kept across restarts")
            self.assertRegex(lines[1], r" 333 visitor #persist "
                             r"roommod!r@staff/roommod \d+$")
            self.assertEqual(c.cmd("MODE #persist")[0],
                             ":hearth.test 324 visitor #persist +intkl 42")
            lines = c.cmd("MODE #persist +b")
            self.assertIn(" 367 visitor #persist troll!*@* ", lines[0])
            self.assertEqual(numerics(c.cmd("JOIN #persist")), ["475"])
            self.assertEqual(numerics(c.cmd("JOIN #persist sesame")),
                             ["473"])
            c.close()
        finally:
            self.assertEqual(h2.stop(), 0)
            os.unlink(rf)


DMCAPS = ("draft/chathistory", "batch", "server-time", "message-tags",
          "echo-message", "labeled-response", "draft/message-redaction")
PW = "dm-password-1"


def hm(line):
    """(msgid, time, target, text) of a PRIVMSG line, as irctest does."""
    tags, _, cmd, params = parse(line)
    return (tags.get("msgid"), tags.get("time"), params[0], params[-1])


def batch_msgs(c, line, target):
    """History of a CHATHISTORY command, checking its batch frame."""
    lines = c.cmd(line)
    assert lines, line
    m = parse(lines[0])
    assert m[2] == "BATCH" and m[3][1:] == ["chathistory", target], lines
    ref = m[3][0][1:]
    assert lines[-1].endswith("BATCH -" + ref), lines
    return [hm(l) for l in lines[1:-1] if " PRIVMSG " in l]


class PrivateHistory(IrcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for n in ("dma", "dmb", "dmc", "dmx", "dms", "dmt", "dmr1", "dmr2",
                  "dmu"):
            cls.h.add_account(n, PW)

    def login(self, nick, caps=DMCAPS):
        return self.client(nick, caps=caps, sasl=(nick, PW))

    def exchange(self, a, b, n=10):
        """Alternate N messages between A and B; the echoes, as irctest
        keeps them, after checking each delivery is identical."""
        echoes = []
        for i in range(n):
            src, dst = (a, b) if i % 2 == 0 else (b, a)
            echo = [l for l in src.cmd("PRIVMSG %s :message %d" %
                                       (dst.nick, i)) if " PRIVMSG " in l]
            got = [l for l in dst.sync() if " PRIVMSG " in l]
            self.assertEqual(len(echo), 1)
            self.assertEqual([hm(l) for l in got], [hm(echo[0])])
            echoes.append(hm(echo[0]))
            time.sleep(0.003)
        return echoes

    def check_paging(self, c, target, e):
        """Every subcommand, as irctest's private_chathistory cases."""
        self.assertEqual(batch_msgs(c, "CHATHISTORY LATEST %s * 20" %
                                    target, target), e)
        self.assertEqual(batch_msgs(c, "CHATHISTORY LATEST %s * 5" %
                                    target, target), e[-5:])
        self.assertEqual(batch_msgs(c, "CHATHISTORY LATEST %s msgid=%s 20"
                                    % (target, e[4][0]), target), e[5:])
        self.assertEqual(batch_msgs(c, "CHATHISTORY LATEST %s timestamp=%s "
                                    "20" % (target, e[4][1]), target), e[5:])
        self.assertEqual(batch_msgs(c, "CHATHISTORY BEFORE %s msgid=%s 20"
                                    % (target, e[6][0]), target), e[:6])
        self.assertEqual(batch_msgs(c, "CHATHISTORY BEFORE %s timestamp=%s "
                                    "2" % (target, e[6][1]), target), e[4:6])
        self.assertEqual(batch_msgs(c, "CHATHISTORY AFTER %s msgid=%s 20"
                                    % (target, e[3][0]), target), e[4:])
        self.assertEqual(batch_msgs(c, "CHATHISTORY AFTER %s timestamp=%s 3"
                                    % (target, e[3][1]), target), e[4:7])
        self.assertEqual(batch_msgs(c, "CHATHISTORY BETWEEN %s msgid=%s "
                                    "msgid=%s 3" % (target, e[0][0],
                                                    e[-1][0]), target),
                         e[1:4])
        self.assertEqual(batch_msgs(c, "CHATHISTORY BETWEEN %s msgid=%s "
                                    "msgid=%s 3" % (target, e[-1][0],
                                                    e[0][0]), target),
                         e[-4:-1])
        self.assertEqual(batch_msgs(c, "CHATHISTORY AROUND %s msgid=%s 3"
                                    % (target, e[7][0]), target), e[6:9])

    def test_dm_paged_from_both_sides(self):
        a = self.login("dma")
        b = self.login("dmb")
        e = self.exchange(a, b)
        # Both directions, from either end; the target in any case.
        self.check_paging(a, "dmb", e)
        self.check_paging(b, "dma", e)
        self.check_paging(b, "DMA", e)
        # Someone else's conversation stays theirs: dmx asking for dma
        # gets their own (empty) conversation with dma.
        x = self.login("dmx")
        self.assertEqual(batch_msgs(x, "CHATHISTORY LATEST dma * 20",
                                    "dma"), [])
        self.assertEqual(batch_msgs(x, "CHATHISTORY AFTER dmb msgid=%s 20"
                                    % e[0][0], "dmb"), [])
        # Nor can dmx redact or report it by its msgid.
        lines = x.cmd("REDACT dma %s" % e[0][0])
        self.assertEqual(parse(lines[0])[2:4], ("FAIL", ["REDACT",
                         "UNKNOWN_MSGID", "dma", e[0][0], lines[0].split(
                             " :", 1)[1]]))
        lines = x.cmd("PRIVMSG Helper :REPORT %s harassment" % e[0][0])
        self.assertIn("I do not know", lines[0])
        # Not logged in: nothing.
        anon = self.client("dmanon", caps=DMCAPS)
        self.assertEqual(batch_msgs(anon, "CHATHISTORY LATEST dma * 20",
                                    "dma"), [])

    def test_unregistered_peer(self):
        c = self.login("dmc")
        u = self.client("dmguest", caps=DMCAPS)
        e1 = [hm(l) for l in c.cmd("PRIVMSG dmguest :separate one")
              if " PRIVMSG " in l]
        self.assertEqual([hm(l) for l in u.sync() if " PRIVMSG " in l], e1)
        e2 = [hm(l) for l in u.cmd("PRIVMSG dmc :separate two")
              if " PRIVMSG " in l]
        self.assertEqual(len(e1 + e2), 2)
        self.assertEqual([hm(l) for l in c.sync() if " PRIVMSG " in l], e2)
        self.assertEqual(batch_msgs(c, "CHATHISTORY LATEST dmguest * 10",
                                    "dmguest"), e1 + e2)
        # The unregistered end reads nothing, not even its own words.
        self.assertEqual(batch_msgs(u, "CHATHISTORY LATEST dmc * 10",
                                    "dmc"), [])
        # Between two unregistered users nothing is stored.
        v = self.client("dmguest2", caps=DMCAPS)
        v.cmd("PRIVMSG dmguest :nobody keeps this")
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        n = db.execute("SELECT count(*) FROM chat_messages WHERE text = "
                       "'nobody keeps this'").fetchone()[0]
        db.close()
        self.assertEqual(n, 0)
        self.assertIn("nobody keeps this", " ".join(u.sync()))

    def test_messages_to_self(self):
        s = self.login("dms", caps=("draft/chathistory", "batch",
                                    "server-time", "message-tags",
                                    "labeled-response"))
        got = [hm(l) for l in s.cmd("PRIVMSG dms :to myself 1")
               if " PRIVMSG " in l]
        self.assertEqual(len(got), 1)
        s.cmd("CAP REQ echo-message")
        two = [l for l in s.cmd("PRIVMSG dms :to myself 2")
               if " PRIVMSG " in l]
        self.assertEqual(len(two), 2)
        self.assertEqual(hm(two[0]), hm(two[1]))
        three = [l for l in s.cmd("@label=xyz PRIVMSG dms :to myself 3")
                 if " PRIVMSG " in l]
        labeled = [l for l in three if parse(l)[0].get("label") == "xyz"]
        plain = [l for l in three if "label" not in parse(l)[0]]
        self.assertEqual((len(labeled), len(plain)), (1, 1))
        self.assertEqual(hm(labeled[0]), hm(plain[0]))
        # Stored once each.
        self.assertEqual(batch_msgs(s, "CHATHISTORY LATEST dms * 10", "dms"),
                         [got[0], hm(two[0]), hm(labeled[0])])

    def test_targets_lists_partners(self):
        t = self.login("dmt")
        r = self.login("dmr1")
        q = self.login("dmr2")
        t.cmd("JOIN #dmtroom")
        when = {}
        for target, peer in (("#dmtroom", None), ("dmr1", r),
                             ("dmr2", q)):
            echo = [l for l in t.cmd("PRIVMSG %s :hello" % target)
                    if " PRIVMSG " in l][0]
            when[target] = parse(echo)[0]["time"]
            time.sleep(0.003)
        lines = t.cmd("CHATHISTORY TARGETS timestamp=2020-01-01T00:00:00."
                      "000Z timestamp=2262-01-01T00:00:00.000Z 100")
        self.assertRegex(lines[0], r"BATCH \+\S+ draft/chathistory-targets$")
        got = [tuple(parse(l)[3][1:3]) for l in lines
               if " CHATHISTORY TARGETS " in l]
        self.assertEqual(got, [(k, when[k]) for k in ("#dmtroom", "dmr1",
                                                      "dmr2")])
        lines = t.cmd("CHATHISTORY TARGETS timestamp=%s timestamp=%s 100"
                      % (when["#dmtroom"], when["dmr2"]))
        self.assertEqual([parse(l)[3][1] for l in lines
                          if " CHATHISTORY TARGETS " in l], ["dmr1"])
        # The partner sees the conversation under the other name.
        lines = r.cmd("CHATHISTORY TARGETS timestamp=2020-01-01T00:00:00."
                      "000Z timestamp=2262-01-01T00:00:00.000Z 100")
        self.assertEqual([tuple(parse(l)[3][1:3]) for l in lines
                          if " CHATHISTORY TARGETS " in l],
                         [("dmt", when["dmr1"])])

    def test_redact_direct_message(self):
        a = self.login("dmu")
        b = self.login("dmx")
        echo = [l for l in a.cmd("PRIVMSG dmx :Private message")
                if " PRIVMSG " in l][0]
        msgid = parse(echo)[0]["msgid"]
        b.sync()
        keep = [l for l in b.cmd("PRIVMSG dmu :a reply") if " PRIVMSG " in l]
        a.sync()
        # The other end may not redact it.
        lines = b.cmd("REDACT dmu %s" % msgid)
        self.assertEqual(parse(lines[0])[3][:4], ["REDACT",
                                                  "REDACT_FORBIDDEN", "dmu",
                                                  msgid])
        lines = a.cmd("REDACT dmx %s" % msgid)
        self.assertEqual(len(lines), 1)
        self.assertRegex(lines[0], r"^(@\S+ )?:dmu!\S+ REDACT dmx %s$" %
                         msgid)
        lines = [l for l in b.sync() if " REDACT " in l]
        self.assertEqual(len(lines), 1)
        self.assertRegex(lines[0], r"^(@\S+ )?:dmu!\S+ REDACT dmx %s$" %
                         msgid)
        # Gone from both ends' history; the reply stays.
        self.assertEqual(batch_msgs(a, "CHATHISTORY LATEST dmx * 10", "dmx"),
                         [hm(keep[0])])
        self.assertEqual(batch_msgs(b, "CHATHISTORY LATEST dmu * 10", "dmu"),
                         [hm(keep[0])])

    def test_export_and_erasure(self):
        for mode in ("pseudonymize", "remove"):
            e1, e2 = "dmexp" + mode[0], "dmkeep" + mode[0]
            self.h.add_account(e1, PW)
            self.h.add_account(e2, PW)
            a = self.login(e1)
            b = self.login(e2)
            mine, theirs = "my words about chemo " + mode, "an answer " + mode
            a.cmd("PRIVMSG %s :%s" % (e2, mine))
            b.sync()
            b.cmd("PRIVMSG %s :%s" % (e1, theirs))
            a.sync()
            out = os.path.join(self.h.dir, "export-" + e1)
            os.mkdir(out)
            r = self.h.hearthmod("account", "export", e1, "--output", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, "member.json")) as f:
                data = json.load(f)
            self.assertEqual([(m["from"], m["to"], m["text"])
                              for m in data["private_messages"]],
                             [(e1, e2, mine), (e2, e1, theirs)])
            self.assertEqual(data["chat_messages"], [])
            a.close()
            r = self.h.hearthmod("account", "erase", e1, "--mode", mode)
            self.assertEqual(r.returncode, 0, r.stderr)
            db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
            rows = db.execute(
                "SELECT target, source, coalesce(account, ''), shown, text "
                "FROM chat_messages WHERE target LIKE '@%' AND "
                "(target LIKE ?1 OR text IN (?2, ?3))",
                ("%" + e2 + "%", mine, theirs)).fetchall()
            parties = db.execute("SELECT party, peer FROM dm_parties "
                                 "WHERE party LIKE ?1 OR peer LIKE ?1",
                                 ("%" + e1 + "%",)).fetchall()
            db.close()
            self.assertEqual(parties, [])
            self.assertNotIn(e1, repr(rows))
            texts_left = sorted(r[4] for r in rows)
            if mode == "remove":
                self.assertEqual(texts_left, [theirs])
            else:
                self.assertEqual(texts_left, sorted([mine, theirs]))
            # The partner's history no longer names the erased member...
            self.assertEqual(batch_msgs(b, "CHATHISTORY LATEST %s * 10" % e1,
                                        e1), [])
            # ...and whoever takes the name later reads nothing.
            c = self.client(e1, caps=DMCAPS + ("draft/account-registration",
                                               ))
            self.assertIn("SUCCESS", c.cmd("REGISTER %s * %s" % (e1, PW))[0])
            self.assertEqual(batch_msgs(c, "CHATHISTORY LATEST %s * 10" % e2,
                                        e2), [])


class PrivateHistoryOff(IrcCase):
    extra_config = "private_history = no\n"

    def test_nothing_stored(self):
        self.h.add_account("offa", PW)
        self.h.add_account("offb", PW)
        a = self.client("offa", caps=DMCAPS, sasl=("offa", PW))
        b = self.client("offb", caps=DMCAPS, sasl=("offb", PW))
        echo = [l for l in a.cmd("PRIVMSG offb :not kept")
                if " PRIVMSG " in l]
        self.assertEqual(len(echo), 1)
        self.assertEqual([hm(l) for l in b.sync() if " PRIVMSG " in l],
                         [hm(echo[0])])
        self.assertEqual(batch_msgs(a, "CHATHISTORY LATEST offb * 10",
                                    "offb"), [])
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        n = db.execute("SELECT count(*) FROM chat_messages WHERE target "
                       "LIKE '@%'").fetchone()[0]
        m = db.execute("SELECT count(*) FROM dm_parties").fetchone()[0]
        db.close()
        self.assertEqual((n, m), (0, 0))


class PrivateHistoryRestart(unittest.TestCase):

    def test_dm_survives_kill9(self):
        h = Hearthd("rate_per_second = 1000\nrate_burst = 1000\n",
                    ("irc",)).start()
        try:
            h.add_account("rsa", PW)
            h.add_account("rsb", PW)
            echoes = []
            # IrcCase's client helpers, on this test's own hearthd.
            cls = type("RC", (IrcCase,), {})
            cls.h = h
            tc = cls()
            tc.setUp()
            a = tc.client("rsa", caps=DMCAPS, sasl=("rsa", PW))
            b = tc.client("rsb", caps=DMCAPS, sasl=("rsb", PW))
            for i in range(5):
                echoes += [hm(l) for l in a.cmd("PRIVMSG rsb :kept %d" % i)
                           if " PRIVMSG " in l]
            b.sync()
            tc.tearDown()
            h.kill9()
            h2 = Hearthd("rate_per_second = 1000\nrate_burst = 1000\n",
                         ("irc",), state_dir=h.dir).start()
            try:
                cls.h = h2
                tc.setUp()
                b = tc.client("rsb", caps=DMCAPS, sasl=("rsb", PW))
                self.assertEqual(batch_msgs(b, "CHATHISTORY LATEST rsa * 10",
                                            "rsa"), echoes)
                tc.tearDown()
            finally:
                self.assertEqual(h2.stop(), 0)
        finally:
            h.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
