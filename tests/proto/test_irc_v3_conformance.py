"""IRCv3 behaviours that the public conformance suite (irctest) checks,
each reproduced against a real hearthd: the command sent and the exact
reply asserted.  One test per behaviour that once differed."""

import base64
import re
import unittest

from irc_helpers import IrcCase, parse


def plain(authz, authc, password):
    raw = "\0".join((authz, authc, password)).encode()
    return base64.b64encode(raw).decode()


class Labels(IrcCase):

    def test_unknown_command_is_labeled(self):
        # labeled-response: the 421 of an unknown command carries the
        # label like any other reply.
        a = self.client("lbu1", caps=("batch", "labeled-response"))
        lines = a.cmd("@label=deadbeef NONEXISTENT_COMMAND")
        self.assertEqual(len(lines), 1)
        tags, _, cmd, params = parse(lines[0])
        self.assertEqual(cmd, "421")
        self.assertEqual(tags, {"label": "deadbeef"})
        self.assertEqual(params[:2], ["lbu1", "NONEXISTENT_COMMAND"])


    def test_invalid_utf8_refusal_is_labeled(self):
        # UTF8ONLY refusals answer a labeled line like any reply.
        a = self.client("lbu2", caps=("batch", "labeled-response",
                                      "echo-message"))
        a.cmd("JOIN #lburoom")
        a.lc.send(b"@label=xyz PRIVMSG #lburoom hi\xaa")
        tags, _, cmd, params = parse(a.sync()[0])
        self.assertEqual((tags, cmd), ({"label": "xyz"}, "FAIL"))
        self.assertEqual(params[:2], ["PRIVMSG", "INVALID_UTF8"])
        # A label that is not plain is left off rather than echoed.
        a.lc.send(b"@label=x\xaay PRIVMSG #lburoom hi\xaa")
        tags, _, cmd, _ = parse(a.sync()[0])
        self.assertEqual((tags, cmd), ({}, "FAIL"))


class Sasl(IrcCase):

    def sasl_lines(self, account, password, chunks):
        """Log in with PLAIN sending CHUNKS(blob) as AUTHENTICATE
        lines; the numerics that came back."""
        c = self.raw()
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        c.send("AUTHENTICATE PLAIN")
        self.assertEqual(c.until("AUTHENTICATE"), ["AUTHENTICATE +"])
        for piece in chunks(plain(account, account, password)):
            c.send("AUTHENTICATE " + piece)
        return [parse(l)[2] for l in c.sync()]

    def test_plain_split_over_400(self):
        # sasl-3.1: payloads are sent in 400-byte pieces; a 300-byte
        # password makes a 424-byte payload, split 400 + 24.
        self.h.add_account("saslbig", "bar" * 100)
        blob = plain("saslbig", "saslbig", "bar" * 100)
        self.assertEqual(len(blob), 424)
        got = self.sasl_lines("saslbig", "bar" * 100,
                              lambda b: [b[:400], b[400:]])
        self.assertEqual(got, ["900", "903"])

    def test_plain_exactly_400_then_plus(self):
        # A payload of exactly 400 bytes is followed by "+".
        pw = "bar" * 94
        self.h.add_account("saslfour", pw)
        self.assertEqual(len(plain("saslfour", "saslfour", pw)), 400)
        got = self.sasl_lines("saslfour", pw, lambda b: [b, "+"])
        self.assertEqual(got, ["900", "903"])


    def test_plain_800_bytes_then_plus(self):
        # irctest testPlainLarge800: a 584-byte password makes an
        # 800-byte payload, two full pieces and "+".
        pw = "x" * 584
        self.h.add_account("sasl800", pw)
        self.assertEqual(len(plain("sasl800", "sasl800", pw)), 800)
        got = self.sasl_lines("sasl800", pw,
                              lambda b: [b[:400], b[400:], "+"])
        self.assertEqual(got, ["900", "903"])

    def test_payload_over_the_bound_is_904(self):
        # The pieces are collected up to a bound (8192 base64 bytes);
        # past it the exchange fails with 904, and a new one works.
        self.h.add_account("saslover", "saslover-password")
        got = self.sasl_lines("saslover", "x", lambda b: ["QUFB" * 100] * 21)
        self.assertEqual(got, ["904"])
        got = self.sasl_lines("saslover", "saslover-password",
                              lambda b: [b])
        self.assertEqual(got, ["900", "903"])

    def test_sasl_after_registration_900_903_then_host(self):
        # sasl-3.1: once registered, AUTHENTICATE ends with 900 then
        # 903; the new cloak (CHGHOST to a chghost client) only
        # follows them, and no 396 (as Ergo: CHGHOST alone).
        self.h.add_account("sasllate", "sasllate-password")
        c = self.client("latenick", caps=("sasl", "chghost"))
        old = c.cmd("WHOIS latenick")[0].split()[5]
        self.assertEqual(c.cmd("AUTHENTICATE PLAIN"), ["AUTHENTICATE +"])
        lines = c.cmd("AUTHENTICATE " + plain("", "sasllate",
                                              "sasllate-password"))
        self.assertEqual([parse(l)[2] for l in lines],
                         ["900", "903", "CHGHOST"])
        self.assertEqual(parse(lines[0])[3][1],
                         "latenick!latenick@" + old)
        self.assertEqual(parse(lines[2])[3], ["latenick",
                                              "member/sasllate"])
        got = c.cmd("WHOIS latenick")
        self.assertEqual(got[0].split()[5], "member/sasllate")

    def test_sasl_after_registration_then_authenticate_again(self):
        # sasl-3.2 re-authentication (irctest
        # testPlainPostRegistrationAndReAuthenticate): after 900 and
        # 903 nothing else is pending, so the answer to the next
        # AUTHENTICATE is the first line the client reads.  Hearth
        # answers 907 while logged in (as Ergo).  A client without
        # chghost gets no line at all about its new cloak.
        self.h.add_account("saslre", "saslre-password")
        c = self.client("renick", caps=("sasl",))
        self.assertEqual(c.cmd("AUTHENTICATE PLAIN"), ["AUTHENTICATE +"])
        lines = c.cmd("AUTHENTICATE " + plain("", "saslre",
                                              "saslre-password"))
        self.assertEqual([parse(l)[2] for l in lines], ["900", "903"])
        c.send("AUTHENTICATE PLAIN")
        first = parse(c.readline())
        self.assertEqual(first[2], "907")
        self.assertEqual(first[3][0], "renick")

class Extban(IrcCase):
    """EXTBAN=,am: a:account (IRCv3 account-extban) and m:mask (mute),
    in the b, e and I lists."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("extbob", "extbob-password")

    def bob(self, nick="xbob"):
        return self.client(nick, sasl=("extbob", "extbob-password"))

    def test_isupport(self):
        c = self.client("xbcheck")
        tokens = " ".join(c.cmd("VERSION")).split()
        self.assertIn("EXTBAN=,am", tokens)
        self.assertIn("ACCOUNTEXTBAN=a", tokens)

    def test_account_extban_join(self):
        op = self.client("xbop1")
        op.cmd("JOIN #xbacct")
        got = op.cmd("MODE #xbacct +b a:EXTBOB")
        self.assertEqual(parse(got[0])[2:], ("MODE", ["#xbacct", "+b",
                                                       "a:EXTBOB"]))
        b = self.bob()
        self.assertEqual(parse(b.cmd("JOIN #xbacct")[0])[2], "474")
        # A nick is not an account: an anonymous "extbob" gets in.
        anon = self.client("extbobnick")
        op.cmd("MODE #xbacct +b a:extbobnick")
        self.assertEqual(parse(anon.cmd("JOIN #xbacct")[0])[2], "JOIN")
        op.cmd("MODE #xbacct -b a:extbob")
        self.assertEqual(parse(b.cmd("JOIN #xbacct")[0])[2], "JOIN")
        # An exception by account beats a ban of everyone.
        op.cmd("JOIN #xbexc")
        op.cmd("MODE #xbexc +b *!*@*")
        self.assertEqual(parse(b.cmd("JOIN #xbexc")[0])[2], "474")
        op.cmd("MODE #xbexc +e a:extbob")
        self.assertEqual(parse(b.cmd("JOIN #xbexc")[0])[2], "JOIN")
        # An invite exception by account opens +i.
        op.cmd("JOIN #xbinv")
        op.cmd("MODE #xbinv +i")
        self.assertEqual(parse(b.cmd("JOIN #xbinv")[0])[2], "473")
        op.cmd("MODE #xbinv +I a:ext*")
        self.assertEqual(parse(b.cmd("JOIN #xbinv")[0])[2], "JOIN")

    def test_mute_extban(self):
        op = self.client("xmop")
        op.cmd("JOIN #xbmute")
        op.cmd("MODE #xbmute +b m:XMBAR")
        bar = self.client("xmbar", user="evan")
        # Muted, not banned: the join works.
        self.assertEqual(parse(bar.cmd("JOIN #xbmute")[0])[2], "JOIN")
        op.sync()
        got = bar.cmd("MODE #xbmute +b")
        self.assertEqual(parse(got[0])[2:4][1][:3],
                         ["xmbar", "#xbmute", "m:XMBAR!*@*"])
        got = bar.cmd("PRIVMSG #xbmute :hi")
        self.assertEqual(parse(got[0])[2:], ("404", ["xmbar", "#xbmute",
                         "Cannot send to channel (+b m:)"]))
        self.assertEqual(bar.cmd("NOTICE #xbmute :hi"), [])
        self.assertEqual(op.sync(), [])
        # Voice speaks through a mute, as through +m.
        op.cmd("MODE #xbmute +v xmbar")
        bar.sync()
        self.assertEqual(bar.cmd("PRIVMSG #xbmute :voiced"), [])
        self.assertIn("voiced", op.sync()[0])
        op.cmd("MODE #xbmute -v xmbar")
        bar.sync()
        self.assertEqual(parse(bar.cmd("PRIVMSG #xbmute :x")[0])[2], "404")
        # An m: exception lifts the mute.
        op.cmd("MODE #xbmute +e m:*!evan@*")
        bar.sync()
        self.assertEqual(bar.cmd("PRIVMSG #xbmute :excepted"), [])
        self.assertIn("excepted", op.sync()[0])
        op.cmd("MODE #xbmute -e m:*!evan@*")
        # -b in another case lifts it.
        op.cmd("MODE #xbmute -b m:xmbar!*@*")
        bar.sync()
        self.assertEqual(bar.cmd("PRIVMSG #xbmute :free again"), [])
        self.assertIn("free again", op.sync()[0])
        # A ban lifted by a plain exception: the mute beside it holds
        # (exceptions are by kind; only an m: one lifts a mute).
        op.cmd("MODE #xbmute +beb *!evan@* *!evan@* m:xmbar")
        bar.sync()
        got = bar.cmd("PRIVMSG #xbmute :x")
        self.assertEqual(parse(got[0])[3][2], "Cannot send to channel "
                         "(+b m:)", got)
        op.cmd("MODE #xbmute -beb *!evan@* *!evan@* m:xmbar")
        # Unknown or empty extbans are refused.
        for mask in ("z:foo", "a:", "m:"):
            got = op.cmd("MODE #xbmute +b " + mask)
            self.assertEqual(parse(got[0])[2], "696", (mask, got))


RENAME_CAPS = ("draft/channel-rename", "draft/chathistory", "batch")


class ChannelRename(IrcCase):
    """draft/channel-rename: RENAME for operators; the others see PART
    and JOIN; history, the room record and room sanctions follow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("rnmod", "rnmod-password", role="moderator")
        cls.h.add_account("rnmember", "rnmember-password")

    def history(self, c, chan):
        return [parse(l)[3][-1] for l in
                c.cmd("CHATHISTORY LATEST %s * 10" % chan)
                if " PRIVMSG " in l]

    def test_rename_and_fallback(self):
        bar = self.client("rnbar", caps=RENAME_CAPS)
        baz = self.client("rnbaz")
        self.joined("#rnold", bar, baz)
        bar.cmd("PRIVMSG #rnold :said before the rename")
        baz.sync()
        # Not an operator: 482.
        self.assertEqual(parse(baz.cmd("RENAME #rnold #rnnew")[0])[2],
                         "482")
        got = bar.cmd("RENAME #rnold #rnnew :tidy up")
        self.assertEqual(len(got), 1, got)
        self.assertEqual(parse(got[0])[1].split("!")[0], "rnbar")
        self.assertEqual(parse(got[0])[2:], ("RENAME", ["#rnold", "#rnnew",
                                                         "tidy up"]))
        got = [parse(l) for l in baz.sync()]
        self.assertEqual([(g[1].split("!")[0], g[2], g[3]) for g in got[:2]],
                         [("rnbaz", "PART", ["#rnold", "Channel renamed: "
                                              "tidy up"]),
                          ("rnbaz", "JOIN", ["#rnnew"])])
        self.assertEqual([(g[2], g[3][2:]) for g in got[2:]],
                         [("353", ["#rnnew", "@rnbar rnbaz"]),
                          ("366", ["End of /NAMES list"])])
        # The channel lives under the new name only, history included.
        self.assertEqual(baz.cmd("PRIVMSG #rnnew :after"), [])
        self.assertEqual(parse(baz.cmd("PRIVMSG #rnold :x")[0])[2], "403")
        bar.sync()
        self.assertEqual(self.history(bar, "#rnnew"),
                         ["said before the rename", "after"])
        # A taken name, a bad one, an unknown channel.
        other = self.client("rnother")
        other.cmd("JOIN #rntaken")
        got = parse(bar.cmd("RENAME #rnnew #rntaken")[0])
        self.assertEqual((got[2], got[3][:4]), ("FAIL", [
            "RENAME", "CHANNEL_NAME_IN_USE", "#rnnew", "#rntaken"]))
        got = parse(bar.cmd("RENAME #rnnew no-hash")[0])
        self.assertEqual((got[2], got[3][:2]), ("FAIL", ["RENAME",
                                                         "CANNOT_RENAME"]))
        self.assertEqual(parse(bar.cmd("RENAME #rnnone #rnx")[0])[2], "403")
        # A change of case is a rename too.
        got = bar.cmd("RENAME #rnnew #RnNew")
        self.assertEqual(parse(got[0])[2:], ("RENAME", ["#rnnew", "#RnNew"]))
        self.assertIn(" JOIN #RnNew", " ".join(baz.sync()))

    def test_invite_follows_the_rename(self):
        op = self.client("rninvop", caps=RENAME_CAPS)
        guest = self.client("rnguest")
        op.cmd("JOIN #rninv")
        op.cmd("MODE #rninv +i")
        op.cmd("INVITE rnguest #rninv")
        guest.sync()
        op.cmd("RENAME #rninv #rninv2")
        self.assertEqual(parse(guest.cmd("JOIN #rninv2")[0])[2], "JOIN")

    def test_registered_room_moves_with_its_sanctions(self):
        # A room of rooms.conf: only a moderator renames it; a room mute
        # keeps holding under the new name; its record and history
        # survive a restart under the new name.
        member = self.client("rnmem", sasl=("rnmember",
                                            "rnmember-password"))
        member.cmd("JOIN #patient-school")
        mod = self.client("rnmodnick", caps=RENAME_CAPS,
                          sasl=("rnmod", "rnmod-password"))
        mod.cmd("JOIN #patient-school")
        mod.cmd("PRIVMSG #patient-school :a line to keep")
        member.sync()
        got = parse(member.cmd("RENAME #patient-school #patient-class")[0])
        self.assertEqual(got[2], "482")
        r = self.h.hearthmod("mute", "rnmember", "--scope", "#patient-school")
        self.assertEqual(r.returncode, 0, r.stderr)
        member.sync()
        got = parse(mod.cmd("RENAME #moderators #mods")[0])
        self.assertEqual(got[3][:2], ["RENAME", "CANNOT_RENAME"])
        got = mod.cmd("RENAME #patient-school #patient-class :clearer")
        self.assertEqual(parse(got[0])[2:], ("RENAME", [
            "#patient-school", "#patient-class", "clearer"]))
        self.assertIn(" JOIN #patient-class", " ".join(member.sync()))
        got = member.cmd("PRIVMSG #patient-class :still muted?")
        self.assertEqual(parse(got[0])[2], "404", got)
        self.assertEqual(self.history(mod, "#patient-class"),
                         ["a line to keep"])
        member.close()
        mod.close()
        self.assertEqual(self.h.stop(), 0)
        self.h.start()
        c = self.client("rnafter", caps=RENAME_CAPS)
        got = c.cmd("JOIN #patient-class")
        self.assertIn("332", [parse(l)[2] for l in got])
        self.assertEqual(self.history(c, "#patient-class"),
                         ["a line to keep"])


class History(IrcCase):

    def test_invalid_target_names_subcommand(self):
        # chathistory: FAIL CHATHISTORY INVALID_TARGET <sub> <target>.
        a = self.client("hit1", caps=("batch", "draft/chathistory"))
        b = self.client("hit2")
        b.cmd("JOIN #hitroom")
        for target in ("#hit-nowhere", "#hitroom"):
            lines = a.cmd("CHATHISTORY LATEST %s * 10" % target)
            self.assertEqual(len(lines), 1)
            _, _, cmd, params = parse(lines[0])
            self.assertEqual(cmd, "FAIL")
            self.assertEqual(params[:4], ["CHATHISTORY", "INVALID_TARGET",
                                          "LATEST", target])


class Monitor(IrcCase):

    def test_readding_reports_status_again(self):
        # monitor: every target of "MONITOR +" gets 730 or 731, also
        # one that was already on the list.
        a = self.client("mra1")
        self.client("mra2")
        self.assertEqual([parse(l)[2] for l in a.cmd("MONITOR + mra2")],
                         ["730"])
        lines = a.cmd("MONITOR + mra2,mra3")
        got = sorted((parse(l)[2], parse(l)[3][1]) for l in lines)
        self.assertEqual(len(got), 2, lines)
        self.assertEqual(got[0][0], "730")
        self.assertTrue(got[0][1].startswith("mra2!"))
        self.assertEqual(got[1], ("731", "mra3"))

    def test_extended_monitor(self):
        # extended-monitor: a watcher sharing no channel gets AWAY,
        # SETNAME and ACCOUNT of a monitored nick when it has the
        # matching cap too; without extended-monitor, nothing.
        self.h.add_account("xmacct", "xmacct-password")
        w = self.client("xmw1", caps=("extended-monitor", "away-notify",
                                      "setname", "account-notify"))
        n = self.client("xmw2", caps=("away-notify", "setname",
                                      "account-notify"))
        w.cmd("MONITOR + xmt1")
        n.cmd("MONITOR + xmt1")
        t = self.client("xmt1", caps=("setname", "sasl"))
        self.assertEqual(parse(w.sync()[0])[2], "730")
        self.assertEqual(parse(n.sync()[0])[2], "730")
        t.cmd("AWAY :afk")
        t.cmd("SETNAME :new name")
        t.cmd("AWAY")
        t.cmd("AUTHENTICATE PLAIN")
        t.cmd("AUTHENTICATE " + plain("", "xmacct", "xmacct-password"))
        got = [parse(l) for l in w.sync()]
        self.assertEqual([(g[1].split("!")[0], g[2], g[3]) for g in got], [
            ("xmt1", "AWAY", ["afk"]), ("xmt1", "SETNAME", ["new name"]),
            ("xmt1", "AWAY", []), ("xmt1", "ACCOUNT", ["xmacct"])])
        self.assertEqual(n.sync(), [])


class AccountTag(IrcCase):

    def test_invite_carries_account(self):
        # account-tag: every message a logged-in user sends, INVITE
        # included, and nothing else for a client with only that cap.
        self.h.add_account("atinv", "atinv-password")
        a = self.client("ati1", caps=("account-tag",))
        b = self.client("ati2", sasl=("atinv", "atinv-password"))
        b.cmd("JOIN #atiroom")
        b.cmd("INVITE ati1 #atiroom")
        tags, src, cmd, params = parse(a.sync()[0])
        self.assertEqual(cmd, "INVITE")
        self.assertEqual(params, ["ati1", "#atiroom"])
        self.assertEqual(tags, {"account": "atinv"})


if __name__ == "__main__":
    unittest.main()
