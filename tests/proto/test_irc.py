"""IRC client protocol over real sockets: registration, CAP, every core
command and its numerics (RFC 1459/2812 as the Modern IRC documentation
describes them)."""

import re
import unittest

from irc_helpers import IrcCase, numerics, parse


class Registration(IrcCase):

    def test_welcome_burst_order(self):
        c = self.raw()
        c.send("NICK reg1")
        c.send("USER reg1 0 * :Reg One")
        lines = c.until(" 376 ")
        nums = numerics(lines)
        self.assertEqual(nums[:4], ["001", "002", "003", "004"])
        self.assertEqual(nums[4:7], ["005", "005", "005"])
        for n in ("251", "255", "265", "266", "375", "372", "376"):
            self.assertIn(n, nums)
        self.assertLess(nums.index("266"), nums.index("375"))
        welcome = lines[0]
        self.assertRegex(welcome, r"^:hearth\.test 001 reg1 :Welcome to the "
                         r"Hearth IRC Network, reg1!reg1@anon\.[0-9a-f]{16}$")
        isupport = " ".join(l for l in lines if " 005 " in l)
        for tok in ("CASEMAPPING=ascii", "CHANTYPES=#", "PREFIX=(ov)@+",
                    "CHANMODES=beI,k,l,imnstCRM", "NICKLEN=30",
                    "TOPICLEN=390", "MAXLIST=beI:100", "UTF8ONLY", "WHOX",
                    "MONITOR=100", "CHATHISTORY=100", "ELIST=CMNTU",
                    "NETWORK=Hearth", "STATUSMSG=@+", "EXCEPTS=e",
                    "INVEX=I", "BOT=B"):
            self.assertIn(" " + tok + " ", isupport)
        myinfo = parse(lines[3])[3]
        self.assertEqual(myinfo[1:], ["hearth.test", "hearthd-0.1.0", "Biorw",
                                      "CIMRbeiklmnostv", "Ibeklov"])

    def test_cap_end_holds_registration(self):
        c = self.raw()
        c.send("CAP LS 302")
        c.send("NICK reg2")
        c.send("USER reg2 0 * :x")
        lines = c.sync()
        self.assertTrue(any(" CAP * LS " in l for l in lines))
        self.assertNotIn("001", numerics(lines))
        c.send("CAP REQ :server-time")
        lines = c.sync()
        self.assertNotIn("001", numerics(lines))
        c.send("CAP END")
        self.assertIn(" 001 reg2 ", c.until(" 001 ")[-1])

    def test_irssi_empty_join_before_registration(self):
        c = self.raw()
        c.send("CAP LS 302")
        c.send("JOIN :")
        lines = c.sync()
        self.assertIn("451", numerics(lines))
        c.send("NICK reg3")
        c.send("USER reg3 0 * :x")
        c.send("CAP END")
        c.until(" 001 ")

    def test_commands_need_registration(self):
        c = self.raw()
        for cmd in ("PRIVMSG x :y", "JOIN #a", "WHOIS x", "FOO"):
            self.assertEqual(numerics(c.cmd(cmd)), ["451"])

    def test_user_errors(self):
        c = self.raw()
        self.assertEqual(numerics(c.cmd("USER onlyone")), ["461"])
        c = self.client("reg4")
        self.assertEqual(numerics(c.cmd("USER a 0 * :b")), ["462"])
        self.assertEqual(numerics(c.cmd("PASS secret")), ["462"])

    def test_unknown_command_and_ping(self):
        c = self.client("reg5")
        lines = c.cmd("FROBNICATE now")
        self.assertEqual(lines, [":hearth.test 421 reg5 FROBNICATE "
                                 ":Unknown command"])
        c.send("PING :a b c")
        self.assertEqual(c.readline(), ":hearth.test PONG hearth.test :a b c")
        c.send("PING token")
        self.assertEqual(c.readline(), ":hearth.test PONG hearth.test :token")
        self.assertEqual(numerics(c.cmd("PING")), ["461"])
        # A PONG and a client ERROR are accepted silently.
        self.assertEqual(c.cmd("PONG :x"), [])
        self.assertEqual(c.cmd("ERROR :whatever"), [])

    def test_quit(self):
        a = self.client("quit1")
        b = self.client("quit2")
        self.joined("#quitroom", a, b)
        a.send("QUIT :see you")
        self.assertEqual(a.readline(),
                         "ERROR :Closing Link: quit1 (Quit: see you)")
        self.assertTrue(a.is_closed())
        line = b.until(" QUIT ")[-1]
        self.assertRegex(line, r"^:quit1!quit1@\S+ QUIT :Quit: see you$")

    def test_long_line_and_bad_utf8(self):
        c = self.client("long1")
        self.assertEqual(numerics(c.cmd("PRIVMSG long1 :" + "x" * 600)),
                         ["417"])
        # Tags may add up to 4094 bytes to a normal line.
        lines = c.cmd("@+foo=" + "a" * 4000 + " PRIVMSG long1 :ok")
        self.assertTrue(any(l.endswith("PRIVMSG long1 :ok") for l in lines))
        c.lc.sendraw(b"PRIVMSG long1 :caf\xe9\r\n")
        lines = c.sync()
        self.assertEqual(lines, [":hearth.test FAIL PRIVMSG INVALID_UTF8 "
                                 ":Message rejected: it is not valid UTF-8"])


class Caps(IrcCase):

    def test_ls_302_values_and_plain_ls(self):
        c = self.raw()
        lines = c.cmd("CAP LS")
        self.assertEqual(len(lines), 1)
        caps = parse(lines[0])[3][-1].split()
        self.assertIn("sasl", caps)
        self.assertNotIn("sts", " ".join(caps))
        lines = c.cmd("CAP LS 302")
        caps = " ".join(parse(l)[3][-1] for l in lines).split()
        self.assertIn("sasl=PLAIN,EXTERNAL,SCRAM-SHA-256", caps)
        self.assertIn("sts=port=%d" % self.h.port("ircs"), caps)
        for cap in ("account-notify", "account-tag", "away-notify", "batch",
                    "cap-notify", "chghost", "draft/chathistory",
                    "draft/message-redaction", "echo-message",
                    "extended-join", "invite-notify", "labeled-response",
                    "message-tags", "multi-prefix", "server-time",
                    "setname", "userhost-in-names",
                    "draft/account-registration=before-connect,"
                    "custom-account-name,hearth/password=8-1024"):
            self.assertIn(cap, caps)

    def test_sts_on_tls_gives_duration(self):
        c = self.raw("ircs")
        lines = c.cmd("CAP LS 302")
        self.assertIn("sts=duration=0", " ".join(lines).split())

    def test_req_ack_nak_list(self):
        c = self.raw()
        c.send("CAP LS 302")
        lines = c.cmd("CAP REQ :multi-prefix server-time")
        self.assertEqual(lines[-1], ":hearth.test CAP * ACK "
                         ":multi-prefix server-time")
        lines = c.cmd("CAP REQ :server-time bogus-cap")
        self.assertEqual(lines, [":hearth.test CAP * NAK "
                                 ":server-time bogus-cap"])
        lines = c.cmd("CAP REQ :sts")
        self.assertIn(" NAK ", lines[0])
        lines = c.cmd("CAP LIST")
        enabled = parse(lines[0])[3][-1].split()
        self.assertEqual(sorted(enabled), ["cap-notify", "multi-prefix",
                                           "server-time"])
        c.cmd("CAP REQ :-multi-prefix")
        enabled = parse(c.cmd("CAP LIST")[0])[3][-1].split()
        self.assertNotIn("multi-prefix", enabled)
        self.assertEqual(numerics(c.cmd("CAP BLAH")), ["410"])
        self.assertEqual(numerics(c.cmd("CAP")), ["461"])
        c.send("NICK capper")
        c.send("USER capper 0 * :x")
        c.send("CAP END")
        c.until(" 001 capper ")
        c.sync()
        # After registration CAP REQ still works and targets the nick.
        self.assertEqual(c.cmd("CAP REQ :echo-message"),
                         [":hearth.test CAP capper ACK :echo-message"])


class Nicks(IrcCase):

    def test_nick_errors(self):
        c = self.client("nick1")
        self.assertEqual(numerics(c.cmd("NICK")), ["431"])
        self.assertEqual(numerics(c.cmd("NICK :")), ["431"])
        for bad in ("1abc", "-dash", "a:b", "#chan", "x" * 31, "a!b"):
            self.assertEqual(numerics(c.cmd("NICK " + bad)), ["432"], bad)
        self.client("Taken[x]")
        # Folding is names_fold() (issue 15): A-Z and Cyrillic capitals;
        # [ ] are no longer { } (CASEMAPPING=ascii).
        self.assertEqual(c.cmd("NICK TAKEN[X]"),
                         [":hearth.test 433 nick1 TAKEN[X] "
                          ":Nickname is already in use"])
        self.assertEqual(numerics(c.cmd("NICK taken{X}")), [])
        self.client("Таня")
        self.assertEqual(c.cmd("NICK ТАНЯ"),
                         [":hearth.test 433 taken{X} ТАНЯ "
                          ":Nickname is already in use"])

    def test_nick_in_use_before_registration(self):
        self.client("early")
        c = self.raw()
        lines = c.cmd("NICK EARLY")
        self.assertEqual(lines, [":hearth.test 433 * EARLY "
                                 ":Nickname is already in use"])

    def test_nick_change_seen_once_by_each(self):
        a = self.client("chg1")
        b = self.client("chg2")
        self.joined("#nickroom1", a, b)
        self.joined("#nickroom2", a, b)
        a.send("NICK chg1new")
        self.assertRegex(a.until(" NICK ")[-1],
                         r"^:chg1!chg1@\S+ NICK :chg1new$")
        lines = b.sync()
        self.assertEqual(len([l for l in lines if " NICK " in l]), 1)
        # Changing only the case is allowed.
        self.assertIn(" NICK :CHG1NEW", a.cmd("NICK CHG1NEW")[0])
        b.sync()
        self.assertEqual(b.cmd("ISON chg1new chg2 nobody"),
                         [":hearth.test 303 chg2 :CHG1NEW chg2"])


class Channels(IrcCase):

    def test_join_part_names(self):
        a = self.client("jp1")
        b = self.client("jp2")
        lines = a.cmd("JOIN #jproom")
        self.assertRegex(lines[0], r"^:jp1!jp1@\S+ JOIN #jproom$")
        self.assertEqual(lines[1:], [
            ":hearth.test 353 jp1 = #jproom :@jp1",
            ":hearth.test 366 jp1 #jproom :End of /NAMES list"])
        lines = b.cmd("JOIN #JPRoom")
        self.assertIn(" JOIN #jproom", lines[0])
        names = [l for l in lines if " 353 " in l][0]
        self.assertEqual(sorted(parse(names)[3][-1].split()), ["@jp1", "jp2"])
        self.assertIn(" JOIN #jproom", a.sync()[0])
        b.send("PART #jproom :bye now")
        self.assertRegex(a.until(" PART ")[-1],
                         r"^:jp2!jp2@\S+ PART #jproom :bye now$")
        self.assertEqual(numerics(b.cmd("PART #jproom")), ["442"])
        self.assertEqual(numerics(b.cmd("PART #nosuchroom")), ["403"])
        self.assertEqual(numerics(b.cmd("JOIN nohash")), ["403"])
        self.assertEqual(numerics(b.cmd("JOIN")), ["461"])
        self.assertEqual(b.cmd("NAMES #jproom"), [
            ":hearth.test 353 jp2 = #jproom :@jp1",
            ":hearth.test 366 jp2 #jproom :End of /NAMES list"])
        self.assertEqual(b.cmd("NAMES"),
                         [":hearth.test 366 jp2 * :End of /NAMES list"])

    def test_join_list_keys_and_zero(self):
        a = self.client("jl1")
        lines = a.cmd("JOIN #jla,#jlb,#jlc")
        self.assertEqual(len([l for l in lines if " JOIN " in l]), 3)
        a.cmd("MODE #jla +k sesame")
        b = self.client("jl2")
        self.assertEqual(numerics(b.cmd("JOIN #jla")), ["475"])
        lines = b.cmd("JOIN #jla,#jlb sesame,x")
        self.assertEqual(len([l for l in lines if " JOIN " in l]), 2)
        lines = a.cmd("JOIN 0")
        self.assertEqual(sorted(parse(l)[3][0] for l in lines
                                if " PART " in l), ["#jla", "#jlb", "#jlc"])
        self.assertEqual(numerics(a.cmd("PART #jla")), ["442"])

    def test_casemapping_channels(self):
        a = self.client("cm1")
        b = self.client("cm2")
        a.cmd("JOIN #Room[1]")
        lines = b.cmd("JOIN #ROOM[1]")
        self.assertIn("JOIN #Room[1]", lines[0])
        a.cmd("JOIN #Комната")
        lines = b.cmd("JOIN #КОМНАТА")
        self.assertIn("JOIN #Комната", lines[0])

    def test_topic(self):
        a = self.client("tp1")
        b = self.client("tp2")
        self.joined("#tproom", a, b)
        self.assertEqual(a.cmd("TOPIC #tproom"),
                         [":hearth.test 331 tp1 #tproom :No topic is set"])
        self.assertEqual(numerics(b.cmd("TOPIC #tproom :mine")), ["482"])
        a.send("TOPIC #tproom :Support for everyone")
        self.assertRegex(b.until(" TOPIC ")[-1],
                         r"^:tp1!\S+ TOPIC #tproom :Support for everyone$")
        lines = b.cmd("TOPIC #tproom")
        self.assertEqual(lines[0], ":hearth.test 332 tp2 #tproom "
                         ":Support for everyone")
        self.assertRegex(lines[1], r"^:hearth.test 333 tp2 #tproom "
                         r"tp1!tp1@\S+ \d+$")
        c = self.client("tp3")
        self.assertEqual(numerics(c.cmd("TOPIC #tproom :x")), ["442"])
        self.assertEqual(numerics(c.cmd("TOPIC #nope")), ["403"])
        a.cmd("MODE #tproom -t")
        b.sync()
        self.assertIn(" TOPIC #tproom :", b.cmd("TOPIC #tproom :")[0])
        self.assertEqual(numerics(b.cmd("TOPIC #tproom")), ["331"])

    def test_list(self):
        a = self.client("ls1")
        a.cmd("JOIN #lsbig")
        a.cmd("TOPIC #lsbig :Big room")
        b = self.client("ls2")
        b.cmd("JOIN #lsbig")
        a.cmd("JOIN #lssecret")
        a.cmd("MODE #lssecret +s")
        c = self.client("ls3")
        lines = c.cmd("LIST")
        self.assertEqual(lines[0], ":hearth.test 321 ls3 Channel "
                         ":Users  Name")
        self.assertEqual(lines[-1], ":hearth.test 323 ls3 :End of /LIST")
        rows = {parse(l)[3][1]: parse(l)[3] for l in lines if " 322 " in l}
        self.assertEqual(rows["#lsbig"][2], "2")
        self.assertEqual(rows["#lsbig"][3], "[+nt] Big room")
        self.assertNotIn("#lssecret", rows)
        self.assertIn("#newly-diagnosed-oncology", rows)
        rows = [parse(l)[3][1] for l in c.cmd("LIST >1") if " 322 " in l]
        self.assertEqual(rows, ["#lsbig"])
        rows = [parse(l)[3][1] for l in c.cmd("LIST #ls*") if " 322 " in l]
        self.assertEqual(rows, ["#lsbig"])
        self.assertIn("#lssecret", " ".join(a.cmd("LIST #ls*")))

    def test_modes_query_and_errors(self):
        a = self.client("md1")
        b = self.client("md2")
        self.joined("#mdroom", a, b)
        lines = a.cmd("MODE #mdroom")
        self.assertEqual(lines[0], ":hearth.test 324 md1 #mdroom +nt")
        self.assertRegex(lines[1], r"^:hearth.test 329 md1 #mdroom \d+$")
        self.assertEqual(numerics(b.cmd("MODE #mdroom +m")), ["482"])
        self.assertEqual(a.cmd("MODE #mdroom +Z"),
                         [":hearth.test 472 md1 Z :is unknown mode char "
                          "to me"])
        self.assertEqual(numerics(a.cmd("MODE #nope")), ["403"])
        c = self.client("md3")
        self.assertEqual(numerics(a.cmd("MODE #mdroom +o md3")), ["441"])
        self.assertEqual(numerics(a.cmd("MODE #mdroom +o nobody")), ["401"])
        a.send("MODE #mdroom +mlk 5 key")
        self.assertRegex(b.until(" MODE ")[-1],
                         r"^:md1!\S+ MODE #mdroom \+mlk 5 key$")
        a.sync()
        self.assertEqual(a.cmd("MODE #mdroom")[0],
                         ":hearth.test 324 md1 #mdroom +mnt"
                         "kl key 5".replace("mntkl", "mntkl"))
        # Outsiders do not see the key.
        self.assertEqual(c.cmd("MODE #mdroom")[0],
                         ":hearth.test 324 md3 #mdroom +mntkl 5")
        lines = a.cmd("MODE #mdroom -mlk key")
        self.assertRegex(lines[0], r"MODE #mdroom -mlk \*$")

    def test_op_voice_moderated(self):
        a = self.client("ov1", caps=("multi-prefix",))
        b = self.client("ov2")
        self.joined("#ovroom", a, b)
        a.cmd("MODE #ovroom +m")
        b.sync()
        self.assertEqual(b.cmd("PRIVMSG #ovroom :hi"),
                         [":hearth.test 404 ov2 #ovroom :Cannot send to "
                          "channel (+m)"])
        a.send("MODE #ovroom +v ov2")
        self.assertRegex(b.until(" MODE ")[-1], r"MODE #ovroom \+v ov2$")
        a.sync()
        b.send("PRIVMSG #ovroom :now I can")
        self.assertIn("PRIVMSG #ovroom :now I can", a.until("now I can")[-1])
        a.cmd("MODE #ovroom +o ov2")
        names = [l for l in a.cmd("NAMES #ovroom") if " 353 " in l][0]
        self.assertEqual(sorted(parse(names)[3][-1].split()),
                         ["@+ov2", "@ov1"])
        names = [l for l in b.cmd("NAMES #ovroom") if " 353 " in l][0]
        # Without multi-prefix only the highest prefix shows.
        self.assertEqual(sorted(parse(names)[3][-1].split()),
                         ["@ov1", "@ov2"])
        who = [l for l in a.cmd("WHO #ovroom") if " 352 " in l]
        flags = {parse(l)[3][5]: parse(l)[3][6] for l in who}
        self.assertEqual(flags, {"ov1": "H@", "ov2": "H@+"})

    def test_ban_except_invex_lists(self):
        a = self.client("bn1")
        a.cmd("JOIN #bnroom")
        lines = a.cmd("MODE #bnroom +b bn2")
        self.assertRegex(lines[0], r"MODE #bnroom \+b bn2!\*@\*$")
        lines = a.cmd("MODE #bnroom +b")
        self.assertRegex(lines[0], r"^:hearth.test 367 bn1 #bnroom "
                         r"bn2!\*@\* bn1!\S+ \d+$")
        self.assertEqual(lines[1], ":hearth.test 368 bn1 #bnroom "
                         ":End of channel ban list")
        b = self.client("bn2")
        self.assertEqual(numerics(b.cmd("JOIN #bnroom")), ["474"])
        a.cmd("MODE #bnroom +e *!bn2@*")
        lines = a.cmd("MODE #bnroom e")
        self.assertEqual(numerics(lines), ["348", "349"])
        self.assertIn(" JOIN ", b.cmd("JOIN #bnroom")[0])
        b.cmd("PART #bnroom")
        a.cmd("MODE #bnroom -e *!bn2@*")
        a.cmd("MODE #bnroom -b bn2!*@*")
        a.cmd("MODE #bnroom +iI bn2")
        self.assertEqual(numerics(a.cmd("MODE #bnroom I")), ["346", "347"])
        self.assertIn(" JOIN ", b.cmd("JOIN #bnroom")[0])
        c = self.client("bn3")
        self.assertEqual(numerics(c.cmd("JOIN #bnroom")), ["473"])

    def test_limit_and_invite(self):
        a = self.client("inv1", caps=("invite-notify",))
        b = self.client("inv2")
        w = self.client("inv4", caps=("invite-notify",))
        self.joined("#invroom", a, w)
        a.cmd("MODE #invroom +il 2")
        self.assertEqual(numerics(b.cmd("JOIN #invroom")), ["471"])
        a.cmd("MODE #invroom -l")
        self.assertEqual(numerics(b.cmd("JOIN #invroom")), ["473"])
        self.assertEqual(numerics(w.cmd("INVITE inv2 #invroom")), ["482"])
        self.assertEqual(a.cmd("INVITE inv2 #invroom"),
                         [":hearth.test 341 inv1 inv2 #invroom"])
        self.assertRegex(b.until(" INVITE ")[-1],
                         r"^:inv1!\S+ INVITE inv2 #invroom$")
        # invite-notify: the other members with the cap see it.
        self.assertRegex(w.until(" INVITE ")[-1],
                         r"^:inv1!\S+ INVITE inv2 #invroom$")
        self.assertEqual(b.cmd("INVITE"), [
            ":hearth.test 336 inv2 #invroom",
            ":hearth.test 337 inv2 :End of /INVITE list"])
        self.assertIn(" JOIN ", b.cmd("JOIN #invroom")[0])
        self.assertEqual(numerics(a.cmd("INVITE inv2 #invroom")), ["443"])
        self.assertEqual(numerics(a.cmd("INVITE nobody #invroom")), ["401"])
        c = self.client("inv3")
        self.assertEqual(numerics(c.cmd("INVITE inv1 #invroom")), ["442"])
        self.assertEqual(numerics(c.cmd("INVITE inv1")), ["461"])

    def test_kick(self):
        a = self.client("kk1")
        b = self.client("kk2")
        self.joined("#kkroom", a, b)
        self.assertEqual(numerics(b.cmd("KICK #kkroom kk1")), ["482"])
        self.assertEqual(numerics(a.cmd("KICK #kkroom nobody")), ["401"])
        c = self.client("kk3")
        self.assertEqual(numerics(a.cmd("KICK #kkroom kk3")), ["441"])
        self.assertEqual(numerics(c.cmd("KICK #kkroom kk1")), ["442"])
        self.assertEqual(numerics(c.cmd("KICK #nope kk1")), ["403"])
        a.send("KICK #kkroom kk2 :be kind")
        self.assertRegex(b.until(" KICK ")[-1],
                         r"^:kk1!\S+ KICK #kkroom kk2 :be kind$")
        self.assertEqual(numerics(b.cmd("PRIVMSG #kkroom :hi")), ["404"])

    def test_secret_and_noexternal(self):
        a = self.client("sc1")
        a.cmd("JOIN #scroom")
        a.cmd("MODE #scroom +s")
        b = self.client("sc2")
        self.assertEqual(numerics(b.cmd("NAMES #scroom")), ["366"])
        self.assertEqual(b.cmd("PRIVMSG #scroom :x"),
                         [":hearth.test 404 sc2 #scroom :Cannot send to "
                          "channel (+n)"])
        a.cmd("MODE #scroom -n")
        self.assertEqual(b.cmd("PRIVMSG #scroom :from outside"), [])
        self.assertIn("from outside", a.sync()[0])
        self.assertEqual(numerics(b.cmd("PRIVMSG #nope :x")), ["403"])


class Messages(IrcCase):

    def test_privmsg_notice_user_and_channel(self):
        a = self.client("msg1")
        b = self.client("msg2")
        self.assertEqual(a.cmd("PRIVMSG msg2 :hello there"), [])
        self.assertRegex(b.readline(),
                         r"^:msg1!msg1@\S+ PRIVMSG msg2 :hello there$")
        a.cmd("NOTICE MSG2 :a notice")
        self.assertRegex(b.readline(), r"^:msg1!\S+ NOTICE msg2 :a notice$")
        self.joined("#msgroom", a, b)
        self.assertEqual(a.cmd("PRIVMSG #msgroom :to all"), [])
        self.assertRegex(b.readline(), r"PRIVMSG #msgroom :to all$")
        lines = a.cmd("PRIVMSG msg2,#msgroom :both")
        self.assertEqual(lines, [])
        got = b.sync()
        self.assertEqual(len(got), 2)
        self.assertEqual(numerics(a.cmd("PRIVMSG nobody :x")), ["401"])
        self.assertEqual(a.cmd("PRIVMSG"), [":hearth.test 411 msg1 :No "
                                            "recipient given (PRIVMSG)"])
        self.assertEqual(numerics(a.cmd("PRIVMSG msg2")), ["412"])
        self.assertEqual(numerics(a.cmd("PRIVMSG msg2 :")), ["412"])
        self.assertEqual(numerics(a.cmd("PRIVMSG a,b,c,d,e :x"))[-1], "407")

    def test_pipelined_fanout_keeps_order_per_member(self):
        """Room lines and replies pipelined in one packet: every member
        gets the lines in order, whatever bytes its capabilities make of
        them, and the sender's echoes and PONGs interleave as sent (the
        fan-out's shared copy and each member's own replies)."""
        a = self.client("fo1", caps=("echo-message", "server-time"))
        b = self.client("fo2")
        c = self.client("fo3", caps=("server-time",))
        d = self.client("fo4")
        self.joined("#forder", a, b, c, d)
        out, want = [], []
        for i in range(12):
            out.append("PRIVMSG #forder :line %d" % i)
            want.append("line %d" % i)
            if i % 4 == 3:
                out.append("PING :mid%d" % i)
                want.append("PONG mid%d" % i)
        a.lc.sendraw(("\r\n".join(out) + "\r\n").encode())
        got = [l for l in a.sync() if " PRIVMSG " in l or " PONG " in l]
        seen = []
        for l in got:
            if " PONG " in l:
                seen.append("PONG " + l.rsplit(":", 1)[1])
            else:
                self.assertRegex(l, r"^@time=\S+ :fo1!\S+ PRIVMSG #forder "
                                 r":line \d+$")
                seen.append(l.split(" :", 1)[1].split(" :", 1)[1])
        self.assertEqual(seen, want)
        lines = [w for w in want if not w.startswith("PONG")]
        for m, tagged in ((b, False), (c, True), (d, False)):
            got = m.until("line 11")
            got = [l for l in got if " PRIVMSG " in l]
            self.assertEqual([l.rsplit(" :", 1)[1] for l in got], lines)
            for l in got:
                self.assertEqual(l.startswith("@time="), tagged, l)

    def test_statusmsg(self):
        a = self.client("st1")
        b = self.client("st2")
        c = self.client("st3")
        self.joined("#stroom", a, b, c)
        a.cmd("MODE #stroom +v st2")
        b.sync()
        c.sync()
        c.cmd("PRIVMSG @#stroom :ops only")
        self.assertIn("PRIVMSG @#stroom :ops only", a.sync()[0])
        self.assertEqual(b.sync(), [])
        c.cmd("PRIVMSG +#stroom :voiced and ops")
        self.assertEqual(len(a.sync()), 1)
        self.assertEqual(len(b.sync()), 1)

    def test_away(self):
        a = self.client("aw1")
        b = self.client("aw2")
        self.assertEqual(a.cmd("AWAY :at the clinic"),
                         [":hearth.test 306 aw1 :You have been marked as "
                          "being away"])
        lines = b.cmd("PRIVMSG aw1 :hi")
        self.assertEqual(lines, [":hearth.test 301 aw2 aw1 :at the clinic"])
        self.assertEqual(b.cmd("NOTICE aw1 :hi"), [])
        lines = b.cmd("WHOIS aw1")
        self.assertIn(":hearth.test 301 aw2 aw1 :at the clinic", lines)
        self.assertEqual(b.cmd("USERHOST aw1")[0].split(":")[-1][:5],
                         "aw1=-")
        self.assertEqual(numerics(a.cmd("AWAY")), ["305"])


class Queries(IrcCase):

    def test_whois(self):
        a = self.client("wi1", realname="Real Name")
        b = self.client("wi2")
        a.cmd("JOIN #wiroom")
        lines = b.cmd("WHOIS wi1")
        self.assertRegex(lines[0], r"^:hearth.test 311 wi2 wi1 wi1 "
                         r"anon\.[0-9a-f]{16} \* :Real Name$")
        self.assertIn(":hearth.test 319 wi2 wi1 :@#wiroom", lines)
        self.assertIn(":hearth.test 312 wi2 wi1 hearth.test :Hearth", lines)
        self.assertTrue(any(re.match(r"^:hearth.test 317 wi2 wi1 \d+ \d+ "
                                     r":seconds idle, signon time$", l)
                            for l in lines))
        self.assertEqual(lines[-1], ":hearth.test 318 wi2 wi1 "
                         ":End of /WHOIS list")
        self.assertNotIn("127.0.0.1", " ".join(lines))
        self.assertEqual(b.cmd("WHOIS nobody"), [
            ":hearth.test 401 wi2 nobody :No such nick/channel",
            ":hearth.test 318 wi2 nobody :End of /WHOIS list"])
        self.assertEqual(numerics(b.cmd("WHOIS hearth.test wi1"))[-1], "318")
        self.assertEqual(numerics(b.cmd("WHOIS")), ["431"])
        t = self.client("wi3", proto="ircs")
        self.assertIn(":hearth.test 671 wi2 wi3 :is using a secure "
                      "connection", b.cmd("WHOIS wi3"))

    def test_who_and_whox(self):
        a = self.client("wh1", realname="Who One")
        b = self.client("wh2")
        self.joined("#whroom", a, b)
        lines = b.cmd("WHO #whroom")
        rows = [parse(l)[3] for l in lines if " 352 " in l]
        self.assertEqual(len(rows), 2)
        row = [r for r in rows if r[5] == "wh1"][0]
        self.assertEqual(row[:3], ["wh2", "#whroom", "wh1"])
        self.assertRegex(row[3], r"^anon\.[0-9a-f]{16}$")
        self.assertEqual(row[4:7], ["hearth.test", "wh1", "H@"])
        self.assertEqual(row[7], "0 Who One")
        self.assertEqual(lines[-1], ":hearth.test 315 wh2 #whroom "
                         ":End of WHO list")
        lines = b.cmd("WHO wh1 %tcuihsnfdlaor,42")
        f = parse(lines[0])[3]
        self.assertEqual(lines[0].split()[1], "354")
        self.assertEqual(f[1:8], ["42", "*", "wh1", "255.255.255.255",
                                  f[5], "hearth.test", "wh1"])
        self.assertEqual(f[8:10], ["H", "0"])
        self.assertEqual(f[11:], ["0", "n/a", "Who One"])
        lines = b.cmd("WHO wh1 %na")
        self.assertEqual(parse(lines[0])[3][1:], ["wh1", "0"])
        a.cmd("MODE wh1 +i")
        c = self.client("wh3")
        lines = c.cmd("WHO wh*")
        self.assertEqual(sorted(parse(l)[3][5] for l in lines
                                if " 352 " in l), ["wh2", "wh3"])
        self.assertEqual(len([l for l in c.cmd("WHO #whroom")
                              if " 352 " in l]), 1)

    def test_whowas(self):
        a = self.client("ww1", realname="Gone Now")
        b = self.client("ww2")
        a.send("QUIT")
        a.is_closed()
        lines = b.cmd("WHOWAS ww1")
        self.assertRegex(lines[0], r"^:hearth.test 314 ww2 ww1 ww1 "
                         r"anon\.\w+ \* :Gone Now$")
        self.assertEqual(parse(lines[1])[2], "312")
        self.assertEqual(lines[-1], ":hearth.test 369 ww2 ww1 "
                         ":End of WHOWAS")
        self.assertEqual(numerics(b.cmd("WHOWAS never")), ["406", "369"])
        self.assertEqual(numerics(b.cmd("WHOWAS")), ["461"])

    def test_ison_userhost(self):
        a = self.client("ih1")
        b = self.client("ih2")
        self.assertEqual(a.cmd("ISON ih1 IH2 nope"),
                         [":hearth.test 303 ih1 :ih1 ih2"])
        self.assertEqual(a.cmd("ISON :ih2 nope"),
                         [":hearth.test 303 ih1 :ih2"])
        lines = a.cmd("USERHOST ih1 ih2 nope")
        self.assertRegex(lines[0], r"^:hearth.test 302 ih1 :ih1=\+ih1@anon\."
                         r"\w+ ih2=\+ih2@anon\.\w+$")
        self.assertEqual(numerics(a.cmd("USERHOST")), ["461"])
        self.assertEqual(numerics(a.cmd("ISON")), ["461"])

    def test_user_modes(self):
        a = self.client("um1")
        self.client("um2")
        self.assertEqual(a.cmd("MODE um1 +i"), [":um1!um1@%s MODE um1 :+i" %
                                                self.host_of(a, "um1")])
        self.assertEqual(a.cmd("MODE um1"), [":hearth.test 221 um1 +i"])
        self.assertEqual(a.cmd("MODE um1 +i"), [])
        self.assertEqual(numerics(a.cmd("MODE um2 +i")), ["502"])
        self.assertEqual(numerics(a.cmd("MODE um2")), ["502"])
        self.assertEqual(numerics(a.cmd("MODE um1 +Q")), ["501"])
        self.assertEqual(numerics(a.cmd("MODE um1 +o")), [])
        self.assertEqual(numerics(a.cmd("MODE nobody")), ["401"])
        self.assertIn("MODE um1 :-i", a.cmd("MODE um1 -i")[0])

    def host_of(self, c, nick):
        return parse([l for l in c.cmd("WHOIS " + nick)
                      if " 311 " in l][0])[3][3]

    def test_server_queries(self):
        a = self.client("sq1")
        lines = a.cmd("MOTD")
        self.assertEqual(lines[0], ":hearth.test 375 sq1 :- hearth.test "
                         "Message of the day - ")
        self.assertEqual(lines[-1], ":hearth.test 376 sq1 "
                         ":End of /MOTD command.")
        self.assertIn("emergency", " ".join(lines))
        self.assertEqual(numerics(a.cmd("MOTD other.server")), ["402"])
        nums = numerics(a.cmd("LUSERS"))
        self.assertEqual(nums[0], "251")
        for n in ("254", "255", "265", "266"):
            self.assertIn(n, nums)
        lines = a.cmd("VERSION")
        self.assertRegex(lines[0], r"^:hearth.test 351 sq1 hearthd-\S+ "
                         r"hearth.test :")
        self.assertEqual(numerics(lines)[1:], ["005", "005", "005"])
        lines = a.cmd("TIME")
        self.assertRegex(lines[0], r"^:hearth.test 391 sq1 hearth.test "
                         r"\d+ :\w+")
        self.assertEqual(numerics(a.cmd("ADMIN")),
                         ["256", "257", "258", "259"])
        nums = numerics(a.cmd("INFO"))
        self.assertEqual(nums[-1], "374")
        self.assertIn("371", nums)


class Operators(IrcCase):
    extra_config = ""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("opmod", "moderator-pass", role="moderator")
        cls.h.add_account("opmember", "member-pass")

    def test_oper_and_kill(self):
        a = self.client("killer")
        b = self.client("victim")
        w = self.client("witness")
        self.joined("#oproom", b, w)
        self.assertEqual(numerics(a.cmd("KILL victim :spam")), ["481"])
        self.assertEqual(numerics(a.cmd("OPER opmod wrong-pass")), ["464"])
        self.assertEqual(numerics(a.cmd("OPER opmember member-pass")),
                         ["491"])
        lines = a.cmd("OPER opmod moderator-pass")
        self.assertEqual(lines[0], ":hearth.test 381 killer :You are now "
                         "an IRC operator")
        self.assertIn("MODE killer :+o", lines[1])
        self.assertIn("252", numerics(a.cmd("LUSERS")))
        self.assertIn(" 313 ", " ".join(w.cmd("WHOIS killer")))
        self.assertEqual(numerics(a.cmd("KILL nobody :x")), ["401"])
        self.assertEqual(numerics(a.cmd("KILL hearth.test :x")), ["483"])
        a.send("KILL victim :spamming the room")
        self.assertIn("KILL victim :spamming the room", b.readline())
        self.assertTrue(b.readline().startswith("ERROR :Closing Link: "
                                                "victim (Killed"))
        self.assertTrue(b.is_closed())
        self.assertRegex(w.until(" QUIT ")[-1],
                         r"QUIT :Killed \(killer \(spamming the room\)\)$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
