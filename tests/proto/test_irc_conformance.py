"""IRC core behaviours a conformance suite checks from outside (RFC
1459/2812 and the Modern IRC client documentation): each test drives a
real hearthd and asserts the exact reply, so a regression shows here
before any client notices it."""

import re
import unittest

from irc_helpers import IrcCase, numerics, parse


def cmds(lines):
    """The command (or numeric) of each line."""
    return [parse(l)[2] for l in lines]


# A host as a strict reader accepts it: no slash, no '@' or '!'.
HOST_RE = r"[0-9A-Za-z_:.-]+"


class Registration(IrcCase):

    def test_empty_realname_is_missing(self):
        # Modern IRC, USER: an empty parameter is a missing one.
        c = self.raw()
        c.send("NICK emptyreal")
        c.send("USER emptyreal 0 * :")
        lines = c.sync()
        self.assertNotIn("001", numerics(lines))
        self.assertEqual(lines, [":hearth.test 461 emptyreal USER :Not "
                                 "enough parameters"])
        c.send("USER emptyreal 0 * :Now Real")
        self.assertIn(" 001 emptyreal ", c.until(" 001 ")[-1])

    def test_utf8_username_still_registers(self):
        # A UTF-8 user name (a client sending its nick) is no reason to
        # refuse USER: the client registers under the stock ident ~u.
        for nick, user in (("utfuser", "\u043f\u0451\u0442\u0440"),
                           ("utfmix", "caf\u00e9"), ("utfbad", "@!:")):
            c = self.raw()
            c.send("NICK " + nick)
            c.send("USER %s 0 * :Real Name" % user)
            lines = c.until(" 001 ")
            self.assertNotIn("461", numerics(lines))
            self.assertIn(" 001 %s " % nick, lines[-1])
            c.sync()
            who = parse(c.cmd("WHOIS " + nick)[0])
            self.assertEqual((who[2], who[3][2]), ("311", "~u"))
            c.close()

    def test_anonymous_host_is_a_plain_host_name(self):
        a = self.client("hostchk")
        b = self.client("hostobs")
        line = b.cmd("WHO hostchk")[0]
        host = parse(line)[3][3]
        self.assertRegex(host, "^" + HOST_RE + "$")
        self.assertRegex(host, r"^anon\.[0-9a-f]{16}$")
        del a


class ServerPassword(IrcCase):
    """irc_password: PASS before NICK/USER (RFC 2812 section 3.1.1)."""

    extra_config = "irc_password = s3cret pass\n"

    def register(self, *lines):
        c = self.raw()
        for l in lines:
            c.send(l)
        return c

    def test_right_password(self):
        c = self.register("PASS :s3cret pass", "NICK pwok",
                          "USER pwok 0 * :x")
        self.assertIn(" 001 pwok ", c.until(" 001 ")[-1])

    def test_missing_wrong_or_late_password(self):
        for name, lines in (
                ("pwnone", ["NICK pwnone", "USER u 0 * :x"]),
                ("pwbad", ["PASS :s3cret passX", "NICK pwbad",
                           "USER u 0 * :x"]),
                ("pwlate", ["NICK pwlate", "USER u 0 * :x",
                            "PASS :s3cret pass"])):
            c = self.register(*lines)
            got = c.until(lambda l: l.startswith("ERROR "))
            self.assertEqual(got, [
                ":hearth.test 464 %s :Password incorrect" % name,
                "ERROR :Closing Link: %s (Bad password)" % name])
            self.assertTrue(c.is_closed())
        # The refused nick is free again.
        c = self.register("PASS :s3cret pass", "NICK pwbad",
                          "USER u 0 * :x")
        self.assertIn(" 001 pwbad ", c.until(" 001 ")[-1])


class Notice(IrcCase):
    """RFC 2812 section 3.3.2: never an automatic reply to a NOTICE."""

    def test_notice_errors_are_silent(self):
        a = self.client("noticer")
        b = self.client("noticee")
        a.cmd("JOIN #ntc")
        a.cmd("MODE #ntc +m")
        for line in ("NOTICE #nonexistent :hello", "NOTICE nobody :hi",
                     "NOTICE", "NOTICE noticee", "NOTICE noticee :",
                     "NOTICE a,b,c,d,e :too many"):
            self.assertEqual(b.cmd(line), [], line)
        # +n and +m refusals are silent too, and nothing is delivered.
        self.assertEqual(b.cmd("NOTICE #ntc :outside"), [])
        b.cmd("JOIN #ntc")
        a.sync()
        self.assertEqual(b.cmd("NOTICE #ntc :unvoiced"), [])
        self.assertEqual(a.sync(), [])

    def test_privmsg_errors_still_reply(self):
        a = self.client("privmsger")
        self.assertEqual(numerics(a.cmd("PRIVMSG #nonexistent :x")),
                         ["403"])
        self.assertEqual(numerics(a.cmd("PRIVMSG nobody :x")), ["401"])
        self.assertEqual(numerics(a.cmd("PRIVMSG privmsger :")), ["412"])


class Kick(IrcCase):

    def setUp(self):
        super().setUp()
        self.op = self.client("kop")
        self.bar = self.client("kbar")
        self.baz = self.client("kbaz")
        self.qux = self.client("kqux")
        self.joined("#kick", self.op, self.bar, self.baz, self.qux)

    def test_targmax_advertises_kick(self):
        c = self.raw()
        c.send("NICK ktarg")
        c.send("USER ktarg 0 * :x")
        isupport = " ".join(l for l in c.until(" 376 ") if " 005 " in l)
        self.assertIn("KICK:4,", isupport)

    def test_one_channel_many_users(self):
        self.op.cmd("KICK #kick kbar,kbaz :bye")
        got = [parse(l)[3] for l in self.qux.sync()]
        self.assertEqual(got, [["#kick", "kbar", "bye"],
                               ["#kick", "kbaz", "bye"]])

    def test_channel_user_pairs(self):
        self.op.cmd("KICK #kick,#kick kbar,kbaz :bye")
        got = [parse(l)[3] for l in self.qux.sync()]
        self.assertEqual(got, [["#kick", "kbar", "bye"],
                               ["#kick", "kbaz", "bye"]])

    def test_default_comment_is_kicker(self):
        # RFC 2812 section 3.2.8: without a comment, the kicker's nick.
        self.op.cmd("KICK #kick kbar")
        self.assertEqual(parse(self.baz.sync()[0])[3],
                         ["#kick", "kbar", "kop"])

    def test_mismatched_lists(self):
        self.op.cmd("JOIN #kick2")
        self.assertEqual(numerics(self.op.cmd("KICK #kick,#kick2 kbar")),
                         ["461"])
        self.assertEqual(self.qux.sync(), [])

    def test_errors(self):
        self.assertEqual(numerics(self.bar.cmd("KICK #kick kbaz")), ["482"])
        self.assertEqual(numerics(self.op.cmd("KICK #nokick kbar")),
                         ["403"])
        self.assertEqual(numerics(self.op.cmd("KICK #kick nobody")),
                         ["401"])
        self.client("kout")
        self.assertEqual(numerics(self.op.cmd("KICK #kick kout")), ["441"])


class ModeParams(IrcCase):

    def test_invalid_limit_and_key(self):
        a = self.client("mpop")
        a.cmd("JOIN #mp")
        for arg, shown in (("0", "0"), ("-1", "-1"), ("abc", "abc"),
                           ("", "*")):
            lines = a.cmd("MODE #mp +l :" + arg)
            self.assertEqual(len(lines), 1, lines)
            self.assertEqual(parse(lines[0])[2:], ("696", [
                "mpop", "#mp", "l", shown, "Invalid limit"]))
        # Modern IRC, key mode: ERR_INVALIDMODEPARAM, key not echoed.
        for key in ("passphrase with spaces", "long" * 100, ""):
            lines = a.cmd("MODE #mp +k :" + key)
            self.assertEqual(len(lines), 1, lines)
            self.assertEqual(parse(lines[0])[2:], ("696", [
                "mpop", "#mp", "k", "*", "Invalid key"]))
        b = self.client("mpother")
        self.assertEqual(cmds(b.cmd("JOIN #mp"))[0], "JOIN")


class ListFilters(IrcCase):
    """ELIST=CMNTU (Modern IRC, ELIST parameter)."""

    def chans(self, c, arg):
        out = set()
        for l in c.cmd("LIST " + arg):
            _, _, cmd, params = parse(l)
            if cmd == "322" and params[1].startswith("#lf"):
                out.add(params[1])
        return out

    def test_filters(self):
        a = self.client("lfa")
        b = self.client("lfb")
        a.cmd("JOIN #lfchan1")
        a.cmd("JOIN #lfchan2")
        b.cmd("JOIN #lfchan2")
        a.cmd("TOPIC #lfchan1 :first")
        both = {"#lfchan1", "#lfchan2"}
        self.assertEqual(self.chans(b, "*an1"), {"#lfchan1"})
        self.assertEqual(self.chans(b, "#lfc*n2"), {"#lfchan2"})
        self.assertEqual(self.chans(b, "#lfch*"), both)
        self.assertEqual(self.chans(b, "!*an1"), {"#lfchan2"})
        self.assertEqual(self.chans(b, "!#lfch*"), set())
        self.assertEqual(self.chans(b, ">1"), {"#lfchan2"})
        self.assertEqual(self.chans(b, "<2"), {"#lfchan1"})
        self.assertEqual(self.chans(b, "<0"), set())
        self.assertEqual(self.chans(b, "C<10"), both)
        self.assertEqual(self.chans(b, "C>10"), set())
        self.assertEqual(self.chans(b, "C<0"), set())
        # Only channels with a topic have a topic time.
        self.assertEqual(self.chans(b, "T<10"), {"#lfchan1"})
        self.assertEqual(self.chans(b, "T>10"), set())
        self.assertEqual(self.chans(b, "#lfch*,>1"), {"#lfchan2"})


class HelpAndLinks(IrcCase):

    def test_help(self):
        a = self.client("helpme")
        for cmd in ("HELP", "HELPOP"):
            lines = a.cmd(cmd)
            got = [parse(l)[2:] for l in lines]
            self.assertEqual(got[0][0], "704")
            self.assertEqual(got[-1][0], "706")
            self.assertEqual({g[0] for g in got[1:-1]}, {"705"})
            self.assertEqual({tuple(g[1][:2]) for g in got},
                             {("helpme", "*")})
            self.assertIn("PRIVMSG", " ".join(g[1][2] for g in got))
            lines = a.cmd(cmd + " privmsg")
            got = [parse(l)[2:] for l in lines]
            self.assertEqual([g[0] for g in got], ["704", "705", "705",
                                                   "706"])
            self.assertEqual({tuple(g[1][:2]) for g in got},
                             {("helpme", "PRIVMSG")})
            self.assertEqual(a.cmd(cmd + " NOSUCHTHING"), [
                ":hearth.test 524 helpme NOSUCHTHING :No help available "
                "on this topic"])

    def test_links_is_one_server(self):
        a = self.client("linker")
        self.assertEqual(a.cmd("LINKS"), [
            ":hearth.test 365 linker * :End of /LINKS list"])


class BotMode(IrcCase):
    """IRCv3 bot mode, advertised as BOT=B."""

    def test_bot_mode(self):
        bot = self.client("botnick")
        self.assertEqual(bot.cmd("MODE botnick +B"), [
            ":botnick!botnick@" + self.host(bot) + " MODE botnick :+B"])
        self.assertEqual(numerics(bot.cmd("MODE botnick")), ["221"])
        self.assertEqual(parse(bot.cmd("MODE botnick")[0])[3][1], "+B")
        user = self.client("botuser", caps=("message-tags",))
        plain = self.client("botplain")
        bot.cmd("PRIVMSG botuser :beep boop")
        tags, _, cmd, params = parse(user.sync()[0])
        self.assertEqual((cmd, params), ("PRIVMSG", ["botuser",
                                                     "beep boop"]))
        self.assertIn("draft/bot", tags)
        self.assertIn("bot", tags)
        # Without message-tags there is no tag at all.
        bot.cmd("PRIVMSG botplain :beep")
        self.assertTrue(plain.sync()[0].startswith(":botnick!"))
        self.joined("#botchan", bot, user)
        bot.cmd("PRIVMSG #botchan :beep boop")
        self.assertIn("draft/bot", parse(user.sync()[0])[0])
        who = [parse(l)[3] for l in user.cmd("WHO #botchan")
               if " 352 " in l]
        flags = {p[5]: p[6] for p in who}
        self.assertIn("B", flags["botnick"])
        self.assertNotIn("B", flags["botuser"])
        whois = user.cmd("WHOIS botnick")
        self.assertIn(":hearth.test 335 botuser botnick :is a bot", whois)
        self.assertNotIn("335", numerics(user.cmd("WHOIS botuser")))
        bot.cmd("MODE botnick -B")
        bot.cmd("PRIVMSG botuser :human now")
        self.assertNotIn("draft/bot", parse(user.sync()[0])[0])

    def host(self, c):
        return parse(c.cmd("WHO " + c.nick)[0])[3][3]


class OperSweep(IrcCase):
    """OPER and KILL as an outside suite drives them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("swop", "sweep-oper-pass", role="moderator")

    def test_oper_numerics_are_nick_and_text(self):
        a = self.client("swfail")
        for line in ("OPER swop not-the-pass", "OPER nosuchoper pass1234"):
            got = a.cmd(line)
            self.assertEqual(len(got), 1, got)
            self.assertEqual(parse(got[0])[2:],
                             ("464", ["swfail", "Password incorrect"]))
        self.assertEqual(numerics(a.cmd("OPER swop")), ["461"])
        got = a.cmd("OPER swop sweep-oper-pass")
        self.assertEqual(cmds(got), ["381", "MODE"])
        self.assertEqual(parse(got[1])[3], ["swfail", "+o"])

    def test_kill_without_reason(self):
        # Many servers take KILL <nick> alone; the reason is then the
        # operator's nick.
        op = self.client("swkiller")
        victim = self.client("swvictim")
        seen = self.client("swseen")
        self.joined("#swkill", victim, seen)
        self.assertEqual(numerics(victim.cmd("KILL swvictim")), ["481"])
        op.cmd("OPER swop sweep-oper-pass")
        self.assertEqual(op.cmd("KILL swvictim"), [])
        self.assertTrue(victim.is_closed())
        self.assertRegex(seen.until(" QUIT ")[-1],
                         r"^:swvictim!\S+ QUIT :Killed \(swkiller "
                         r"\(swkiller\)\)$")


class Wallops(IrcCase):
    """WALLOPS (RFC 2812 section 4.7, Modern IRC): operators only, to
    every client with user mode +w."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("wlop", "wallops-oper-pass", role="moderator")

    def test_wallops(self):
        op = self.client("wlsender")
        plain = self.client("wlplain")
        w = self.client("wlwatch")
        w2 = self.client("wlwatch2", caps=("server-time",))
        off = self.client("wloff")
        for c in (w, w2, off):
            self.assertEqual(cmds(c.cmd("MODE %s +w" % c.nick)), ["MODE"])
        off.cmd("MODE wloff -w")
        # Not an operator: 481, nobody hears it.
        got = plain.cmd("WALLOPS :not allowed")
        self.assertEqual(cmds(got), ["481"])
        self.assertEqual(w.sync(), [])
        self.assertEqual(cmds(op.cmd("OPER wlop wallops-oper-pass")),
                         ["381", "MODE"])
        self.assertEqual(numerics(op.cmd("WALLOPS")), ["461"])
        self.assertEqual(numerics(op.cmd("WALLOPS :")), ["461"])
        # The sender without +w is not echoed; +w clients get it.
        self.assertEqual(op.cmd("WALLOPS :server restarts at noon"), [])
        got = w.sync()
        self.assertEqual(len(got), 1, got)
        self.assertRegex(got[0], r"^:wlsender!\S+ WALLOPS :server restarts "
                         r"at noon$")
        got = w2.sync()
        self.assertEqual(len(got), 1, got)
        self.assertEqual(parse(got[0])[2:], ("WALLOPS",
                                             ["server restarts at noon"]))
        self.assertIn("time", parse(got[0])[0])
        self.assertEqual(plain.sync(), [])
        self.assertEqual(off.sync(), [])
        self.assertEqual(numerics(plain.cmd("HELP WALLOPS"))[0], "704")
        # With +w itself the operator hears its own.
        op.cmd("MODE wlsender +w")
        got = op.cmd("WALLOPS :again")
        self.assertEqual([parse(l)[2:] for l in got],
                         [("WALLOPS", ["again"])])


class NoCtcp(IrcCase):

    def test_no_ctcp_mode(self):
        # +C (Modern IRC): a CTCP other than ACTION to the channel gets
        # 404 and reaches nobody; ACTION and plain text still pass; a
        # CTCP NOTICE is dropped without a reply.
        op = self.client("ncop")
        u = self.client("ncuser")
        self.joined("#ncroom", op, u)
        self.assertIn("imnstCRM", " ".join(u.cmd("VERSION")))
        u.cmd("PRIVMSG #ncroom :\x01PING 1\x01")
        self.assertEqual(parse(op.sync()[0])[3][1], "\x01PING 1\x01")
        got = op.cmd("MODE #ncroom +C")
        self.assertEqual(parse(got[0])[2:], ("MODE", ["#ncroom", "+C"]))
        u.sync()
        self.assertEqual(u.cmd("PRIVMSG #ncroom :\x01ACTION waves\x01"), [])
        self.assertEqual([parse(l)[3][1] for l in op.sync()],
                         ["\x01ACTION waves\x01"])
        got = u.cmd("PRIVMSG #ncroom :\x01VERSION\x01")
        self.assertEqual(len(got), 1, got)
        self.assertEqual(parse(got[0])[2:4], ("404", ["ncuser", "#ncroom",
                         "Cannot send to channel (+C: no CTCP)"]))
        self.assertEqual(u.cmd("NOTICE #ncroom :\x01PING 2\x01"), [])
        # Operators are held to it too.
        self.assertEqual(numerics(op.cmd("PRIVMSG #ncroom :\x01PING 3\x01")),
                         ["404"])
        u.cmd("PRIVMSG #ncroom :plain words")
        got = [parse(l)[3][1] for l in op.sync()]
        self.assertEqual(got, ["plain words"])
        self.assertIn("C", parse(op.cmd("MODE #ncroom")[0])[3][2])
        op.cmd("MODE #ncroom -C")
        u.sync()
        self.assertEqual(u.cmd("PRIVMSG #ncroom :\x01PING 4\x01"), [])


class WhoisInvisible(IrcCase):
    """RFC 2812 3.1.5: user mode 'i'.  WHOIS lists an invisible user's
    channels only to those who share them (secret ones only to members)."""

    def channels(self, c, nick):
        return [parse(l)[3][2] for l in c.cmd("WHOIS " + nick)
                if parse(l)[2] == "319"]

    def test_invisible_user_channels(self):
        inv = self.client("swinv")
        other = self.client("swother")
        inv.cmd("JOIN #swpub")
        inv.cmd("JOIN #swboth")
        self.assertEqual(self.channels(other, "swinv"),
                         ["@#swpub @#swboth"])
        self.assertEqual(inv.cmd("MODE swinv +i")[0].split(" ", 1)[1],
                         "MODE swinv :+i")
        self.assertEqual(self.channels(other, "swinv"), [])
        other.cmd("JOIN #swboth")
        self.assertEqual(self.channels(other, "swinv"), ["@#swboth"])
        # The user always sees all their own channels.
        self.assertEqual(self.channels(inv, "swinv"),
                         ["@#swpub @#swboth"])
        inv.cmd("MODE swinv -i")
        self.assertEqual(self.channels(other, "swinv"),
                         ["@#swpub @#swboth"])

    def test_secret_channel_hidden(self):
        a = self.client("swsec")
        b = self.client("swsecq")
        a.cmd("JOIN #swsecret")
        a.cmd("MODE #swsecret +s")
        self.assertEqual(self.channels(b, "swsec"), [])
        b.cmd("JOIN #swsecret")
        self.assertEqual(self.channels(b, "swsec"), ["@#swsecret"])


class QuitAndWhoisDefaults(IrcCase):

    def test_quit_without_message_is_the_nick(self):
        # RFC 2812 3.1.7: the default quit message is the nickname.
        a = self.client("swquit")
        b = self.client("swquitw")
        self.joined("#swquit", a, b)
        a.send("QUIT")
        self.assertEqual(a.until("ERROR ")[-1],
                         "ERROR :Closing Link: swquit (swquit)")
        self.assertRegex(b.until(" QUIT ")[-1],
                         r"^:swquit!\S+ QUIT :swquit$")
        c = self.client("swquit2")
        self.joined("#swquit", c)
        b.sync()
        c.send("QUIT :later")
        self.assertRegex(b.until(" QUIT ")[-1],
                         r"^:swquit2!\S+ QUIT :Quit: later$")

    def test_whois_without_nick(self):
        # RFC 2812 3.6.2 lists ERR_NONICKNAMEGIVEN for WHOIS.
        a = self.client("swwhois")
        self.assertEqual(a.cmd("WHOIS"),
                         [":hearth.test 431 swwhois :No nickname given"])


class LimitAndWhowas(IrcCase):

    def test_limit_is_bypassed_by_invite(self):
        # Modern IRC, client limit mode: an INVITE lets a user join
        # despite the limit; lowering it below the count keeps members.
        op = self.client("swlop")
        u2 = self.client("swl2")
        u3 = self.client("swl3")
        self.joined("#swlim", op, u2)
        self.assertEqual(parse(op.cmd("MODE #swlim +l 1")[0])[3],
                         ["#swlim", "+l", "1"])
        self.assertEqual(u3.cmd("JOIN #swlim"), [
            ":hearth.test 471 swl3 #swlim :Cannot join channel (+l)"])
        u2.cmd("PRIVMSG #swlim :still here")
        self.assertEqual(parse(op.sync()[0])[3], ["#swlim", "still here"])
        op.cmd("INVITE swl3 #swlim")
        u3.sync()
        self.assertEqual(cmds(u3.cmd("JOIN #swlim"))[0], "JOIN")

    def test_whowas_newest_first_and_count(self):
        # RFC 2812 3.6.3: newest entry first; a count limits the replies,
        # a non-positive one does not.
        q = self.client("swwq")
        for user in ("swfirst", "swsecond"):
            c = self.client("swgone", user=user, realname="Realname")
            c.send("QUIT")
            self.assertTrue(c.is_closed())
        def users(line):
            return [parse(l)[3][2] for l in q.cmd(line)
                    if parse(l)[2] == "314"]
        self.assertEqual(users("WHOWAS swgone"), ["swsecond", "swfirst"])
        self.assertEqual(users("WHOWAS swgone 1"), ["swsecond"])
        self.assertEqual(users("WHOWAS swgone 0"), ["swsecond", "swfirst"])
        self.assertEqual(users("WHOWAS swgone -1"),
                         ["swsecond", "swfirst"])
        self.assertEqual(cmds(q.cmd("WHOWAS swgone 1"))[-1], "369")


class NamesSeveral(IrcCase):

    def test_names_several_channels(self):
        # NAMES #a,#b (TARGMAX NAMES:4): the 353s of each channel, then
        # one 366 naming the list, as RFC 1459/2812 servers do; unknown
        # and secret channels are only named in the 366.
        a = self.client("nms1")
        b = self.client("nms2")
        a.cmd("JOIN #nmsa")
        a.cmd("JOIN #nmsb")
        b.cmd("JOIN #nmsb")
        a.cmd("JOIN #nmssecret")
        a.cmd("MODE #nmssecret +s")
        isupport = " ".join(b.cmd("VERSION"))
        self.assertIn("NAMES:4,", isupport)
        got = [parse(l)[2:] for l in
               b.cmd("NAMES #nmsa,#nmsb,#nmsnone,#nmssecret")]
        self.assertEqual(got, [
            ("353", ["nms2", "=", "#nmsa", "@nms1"]),
            ("353", ["nms2", "=", "#nmsb", "@nms1 nms2"]),
            ("366", ["nms2", "#nmsa,#nmsb,#nmsnone,#nmssecret",
                     "End of /NAMES list"])])
        # Past TARGMAX the rest is ignored; one channel is as before.
        got = [parse(l)[2:] for l in b.cmd("NAMES #x1,#x2,#x3,#x4,#nmsa")]
        self.assertEqual(got, [("366", ["nms2", "#x1,#x2,#x3,#x4",
                                        "End of /NAMES list"])])
        got = [parse(l)[2] for l in b.cmd("NAMES #nmsb")]
        self.assertEqual(got, ["353", "366"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
