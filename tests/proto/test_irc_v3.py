"""IRCv3 capabilities over real sockets: message-tags, msgid,
server-time, echo-message, labeled-response, batch, account-tag,
extended-join, away-notify, account-notify, chghost, setname,
multi-prefix, userhost-in-names, cap-notify, standard replies,
MONITOR."""

import re
import signal
import time
import unittest

from irc_helpers import TIME_RE, IrcCase, numerics, parse


class Tags(IrcCase):

    def test_server_time_msgid_echo(self):
        a = self.client("tg1", caps=("echo-message", "message-tags",
                                     "server-time"))
        b = self.client("tg2", caps=("message-tags",))
        c = self.client("tg3", caps=("server-time",))
        d = self.client("tg4")
        self.joined("#tgroom", a, b, c, d)
        echo = a.cmd("PRIVMSG #tgroom :tagged hello")
        self.assertEqual(len(echo), 1)
        tags, src, cmd, params = parse(echo[0])
        self.assertRegex(tags["time"], TIME_RE)
        self.assertTrue(tags["msgid"])
        self.assertEqual(params, ["#tgroom", "tagged hello"])
        tb = parse(b.sync()[0])[0]
        self.assertEqual(tb, {"msgid": tags["msgid"]})
        tc = parse(c.sync()[0])[0]
        self.assertEqual(tc, {"time": tags["time"]})
        self.assertFalse(d.sync()[0].startswith("@"))
        # Every message gets its own id.
        echo2 = a.cmd("PRIVMSG #tgroom :again")
        self.assertNotEqual(parse(echo2[0])[0]["msgid"], tags["msgid"])

    def test_client_tags_and_tagmsg(self):
        a = self.client("ct1", caps=("message-tags",))
        b = self.client("ct2", caps=("message-tags",))
        c = self.client("ct3")
        self.joined("#ctroom", a, b, c)
        a.cmd("@+draft/reply=abc;+example.org/x=a\\sb;zzz=drop "
              "PRIVMSG #ctroom :reply")
        tags = parse(b.sync()[0])[0]
        self.assertEqual(tags["+draft/reply"], "abc")
        self.assertEqual(tags["+example.org/x"], "a\\sb")
        self.assertNotIn("zzz", tags)
        self.assertFalse(c.sync()[0].startswith("@"))
        a.cmd("@+typing=active TAGMSG #ctroom")
        line = b.sync()[0]
        self.assertIn("+typing=active", line)
        self.assertTrue(line.endswith(" TAGMSG #ctroom"))
        self.assertEqual(c.sync(), [])
        a.cmd("@+typing=paused TAGMSG ct2")
        self.assertTrue(b.sync()[0].endswith(" TAGMSG ct2"))

    def test_account_tag_and_extended_join(self):
        self.h.add_account("tagacct", "tag-password-1")
        a = self.client("at1", caps=("account-tag", "extended-join"))
        b = self.client("at2", sasl=("tagacct", "tag-password-1"),
                        realname="Acct Person")
        a.cmd("JOIN #atroom")
        b.cmd("JOIN #atroom")
        line = a.sync()[0]
        tags, src, cmd, params = parse(line)
        self.assertEqual(params, ["#atroom", "tagacct", "Acct Person"])
        self.assertEqual(tags.get("account"), "tagacct")
        self.assertTrue(src.endswith("@member/tagacct"))
        b.cmd("PRIVMSG #atroom :signed")
        self.assertEqual(parse(a.sync()[0])[0]["account"], "tagacct")
        c = self.client("at3")
        c.cmd("JOIN #atroom")
        self.assertEqual(parse(a.sync()[0])[3], ["#atroom", "*",
                                                "Test at3"])

    def test_labeled_response(self):
        a = self.client("lb1", caps=("labeled-response", "batch",
                                     "echo-message", "message-tags"))
        self.client("lb2")
        lines = a.cmd("@label=one PONG :x")
        self.assertEqual(lines, ["@label=one :hearth.test ACK"])
        lines = a.cmd("@label=two PRIVMSG lb2 :hi")
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith("@label=two;msgid="))
        lines = a.cmd("@label=three WHOIS lb2")
        self.assertRegex(lines[0], r"^@label=three :hearth.test BATCH "
                         r"\+(\S+) labeled-response$")
        ref = lines[0].split("+")[1].split()[0]
        for l in lines[1:-1]:
            self.assertTrue(l.startswith("@batch=%s " % ref), l)
        self.assertEqual(lines[-1], ":hearth.test BATCH -" + ref)
        lines = a.cmd("@label=four NICK 1bad")
        self.assertEqual(parse(lines[0])[0], {"label": "four"})
        self.assertEqual(parse(lines[0])[2], "432")

    def test_standard_replies(self):
        a = self.client("sr1")
        lines = a.cmd("SETNAME :" + "x" * 200)
        self.assertEqual(lines, [":hearth.test FAIL SETNAME "
                                 "INVALID_REALNAME :Realname is not valid"])


class Notify(IrcCase):

    def test_away_notify(self):
        a = self.client("an1", caps=("away-notify",))
        b = self.client("an2")
        self.joined("#anroom", a, b)
        b.cmd("AWAY :brb")
        self.assertRegex(a.sync()[0], r"^:an2!\S+ AWAY :brb$")
        b.cmd("AWAY")
        self.assertRegex(a.sync()[0], r"^:an2!\S+ AWAY$")
        c = self.client("an3")
        c.cmd("AWAY :gone")
        c.cmd("JOIN #anroom")
        lines = a.sync()
        self.assertIn(" JOIN #anroom", lines[0])
        self.assertRegex(lines[1], r"^:an3!\S+ AWAY :gone$")
        self.assertEqual(len(b.sync()), 1)

    def test_account_notify_and_chghost(self):
        a = self.client("cg1", caps=("account-notify", "chghost"))
        b = self.client("cg2", caps=("extended-join",))
        c = self.client("cg3", caps=("chghost",))
        self.joined("#cgroom", a, b, c)
        a.sync()
        b.sync()
        old = [parse(l)[3][3] for l in b.cmd("WHOIS cg3") if " 311 " in l]
        lines = c.cmd("REGISTER cgacct * long-enough-pw")
        self.assertIn(":hearth.test REGISTER SUCCESS cgacct :", lines[0])
        self.assertRegex(lines[1], r"^:cg3!cg3@%s CHGHOST cg3 "
                         r"member/cgacct$" % re.escape(old[0]))
        self.assertIn(" 396 cg3 member/cgacct ", lines[2])
        self.assertIn(" 900 cg3 cg3!cg3@member/cgacct cgacct ", lines[3])
        got = a.sync()
        self.assertRegex(got[0], r"CHGHOST cg3 member/cgacct$")
        self.assertEqual(got[1], ":cg3!cg3@member/cgacct ACCOUNT cgacct")
        got = b.sync()
        self.assertEqual(got[0], ":cg3!cg3@%s QUIT :Changing host" % old[0])
        self.assertEqual(got[1], ":cg3!cg3@member/cgacct JOIN #cgroom "
                         "cgacct :Test cg3")

    def test_setname(self):
        a = self.client("sn1", caps=("setname",))
        b = self.client("sn2", caps=("setname",))
        c = self.client("sn3")
        self.joined("#snroom", a, b, c)
        lines = a.cmd("SETNAME :New Real Name")
        self.assertRegex(lines[0], r"^:sn1!\S+ SETNAME :New Real Name$")
        self.assertIn("SETNAME :New Real Name", b.sync()[0])
        self.assertEqual(c.sync(), [])
        self.assertIn("New Real Name", " ".join(c.cmd("WHOIS sn1")))

    def test_multi_prefix_userhost_in_names(self):
        a = self.client("mp1", caps=("multi-prefix", "userhost-in-names"))
        a.cmd("JOIN #mproom")
        a.cmd("MODE #mproom +v mp1")
        names = [l for l in a.cmd("NAMES #mproom") if " 353 " in l][0]
        self.assertRegex(parse(names)[3][-1], r"^@\+mp1!mp1@anon\.\w+$")
        self.assertIn(" 319 mp1 mp1 :@+#mproom",
                      " ".join(a.cmd("WHOIS mp1")))

    def test_cap_notify_implicit_with_302(self):
        c = self.raw()
        c.cmd("CAP LS 302")
        self.assertIn("cap-notify", c.cmd("CAP LIST")[0])

    def test_cap_new_and_del_on_reload(self):
        # Closing sign-up withdraws draft/account-registration (CAP DEL,
        # and it is no longer enabled); opening it offers it again (CAP
        # NEW with its value).  A client without cap-notify hears nothing.
        a = self.client("cn1", caps=("draft/account-registration",))
        b = self.raw()
        b.send("CAP LS")
        b.send("NICK cn2")
        b.send("USER cn2 0 * :c")
        b.send("CAP END")
        b.until(" 001 ")
        b.sync()
        with open(self.h.conf) as f:
            good = f.read()
        try:
            for conf, want in ((good + "registration = closed\n", "DEL"),
                               (good, "NEW")):
                self.h.write_config(conf)
                self.h.signal(signal.SIGHUP)
                line = a.until(" CAP cn1 ")[-1]
                self.assertRegex(line, r"^:hearth\.test CAP cn1 %s "
                                 r":draft/account-registration" % want)
                if want == "DEL":
                    self.assertNotIn("draft/account-registration",
                                     a.cmd("CAP LIST")[0])
                else:
                    self.assertIn("=before-connect", line)
            self.assertFalse(any(" CAP " in l for l in b.sync()))
        finally:
            self.h.write_config(good)

    def test_monitor(self):
        a = self.client("mo1")
        lines = a.cmd("MONITOR + mo2,mo3")
        self.assertEqual(lines, [":hearth.test 731 mo1 :mo2,mo3"])
        b = self.client("mo2")
        self.assertRegex(a.sync()[0], r"^:hearth.test 730 mo1 "
                         r":mo2!mo2@anon\.\w+$")
        lines = a.cmd("MONITOR L")
        self.assertEqual(lines, [":hearth.test 732 mo1 :mo2,mo3",
                                 ":hearth.test 733 mo1 :End of MONITOR "
                                 "list"])
        lines = a.cmd("MONITOR S")
        self.assertEqual(numerics(lines), ["730", "731"])
        b.cmd("NICK mo2b")
        self.assertEqual(a.sync(), [":hearth.test 731 mo1 :mo2"])
        b.send("QUIT")
        b.is_closed()
        a.cmd("MONITOR - mo3")
        self.assertEqual(a.cmd("MONITOR L"),
                         [":hearth.test 732 mo1 :mo2",
                          ":hearth.test 733 mo1 :End of MONITOR list"])
        a.cmd("MONITOR C")
        self.assertEqual(numerics(a.cmd("MONITOR L")), ["733"])
        many = ",".join("m%d" % i for i in range(102))
        lines = a.cmd("MONITOR + " + many)
        self.assertEqual(numerics(lines)[0], "734")
        self.assertTrue(lines[0].endswith(" 734 mo1 100 m100,m101 :Monitor list is full."))
        self.assertEqual(numerics(a.cmd("MONITOR +")), ["461"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
