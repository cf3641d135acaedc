"""More IRCv3 over real sockets, the extensions phones and modern
clients lean on: draft/read-marker, no-implicit-names, draft/pre-away."""

import unittest

from irc_helpers import IrcCase, numerics, parse


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


if __name__ == "__main__":
    unittest.main()
