"""Sign-up by operator approval (registration = approval | closed): a
pending account in the queue after held posts, that cannot sign in
anywhere and looks like no account at all, activated or removed by a
moderator's decision (audit-logged; the applicant hears it)."""

import base64
import http.client
import json
import ssl
import unittest

from hearth_test import LineClient
from irc_helpers import IrcCase
from nntp_helpers import NNTPClient, article_bytes

PW = "correct horse battery"
NEWPW = "a-good-password"


class SignupApproval(IrcCase):
    protos = ("irc", "ircs", "nntp", "https")
    extra_config = ("registration = approval\n"
                    # Throttling is test_signup's; here sign-ins fail on
                    # purpose more often than login_max_failures.
                    "login_max_failures = 100\n")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("modq", PW, "moderator")
        cls.h.add_account("pat", PW, "member")

    def queue(self):
        r = self.h.hearthmod("--json", "queue")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def nntp_login(self, user, pw):
        c = NNTPClient(LineClient(self.h.addr("nntp")))
        c.lc.readline()         # greeting
        r = c.cmd("AUTHINFO USER " + user)
        if r.startswith("381"):
            r = c.cmd("AUTHINFO PASS " + pw)
        c.lc.close()
        return r

    def sasl(self, user, pw):
        c = self.raw()
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            ("\0%s\0%s" % (user, pw)).encode()).decode())
        line = c.until(lambda l: " 903 " in l or " 904 " in l)[-1]
        return line.split()[1]

    def http_basic(self, user, pw):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", self.h.port("https"),
                                           timeout=10, context=ctx)
        conn.request("GET", "/me/export.json", headers={
            "Authorization": "Basic " + base64.b64encode(
                ("%s:%s" % (user, pw)).encode()).decode()})
        r = conn.getresponse()
        r.read()
        conn.close()
        return r.status

    def test_approval_flow(self):
        mod = self.client("modq", sasl=("modq", PW))
        mod.cmd("JOIN #moderators")
        # A held post first, to see the sign-up queued after it.
        nn = NNTPClient(LineClient(self.h.addr("nntp")))
        nn.lc.readline()        # greeting
        nn.cmd("AUTHINFO USER pat")
        r = nn.cmd("AUTHINFO PASS " + PW)
        self.assertTrue(r.startswith("281"), r)
        nn.cmd("POST")
        nn.lc.sendraw(article_bytes([("From", "Pat <pat@example.org>"),
                                     ("Newsgroups", "ask-a-doctor.oncology"),
                                     ("Subject", "held one")]))
        self.assertTrue(nn.lc.readline().startswith("240"))
        nn.lc.close()

        app = self.client("newbie", caps=("draft/account-registration",))
        lines = app.cmd("REGISTER newbie * " + NEWPW)
        self.assertTrue(lines[0].startswith(
            ":hearth.test REGISTER VERIFICATION_REQUIRED newbie :"), lines)
        self.assertFalse(any(" 900 " in l for l in lines))
        alert = mod.until(lambda l: "#moderators" in l and "newbie" in l)
        self.assertIn("asks to join", alert[-1])
        kinds = [(e["kind"], e["item_ref"]) for e in self.queue()]
        self.assertEqual(kinds[-1], ("signup", "newbie"))
        self.assertEqual(kinds[0][0], "held")
        # A second sign-up through the Helper, for clients without
        # draft/account-registration.
        helpy = self.client("helpy")
        helpy.send("PRIVMSG Helper :REGISTER " + NEWPW)
        note = helpy.until(lambda l: l.startswith(":Helper!") and
                           "moderator approves" in l)
        self.assertIn("helpy", note[-1])

        # Pending accounts cannot sign in anywhere, and look exactly like
        # accounts that do not exist.
        for proto_check in (self.sasl, self.nntp_login, self.http_basic):
            self.assertEqual(proto_check("newbie", NEWPW),
                             proto_check("ghostacct", NEWPW), proto_check)
        self.assertEqual(self.sasl("newbie", NEWPW), "904")
        self.assertTrue(self.nntp_login("newbie", NEWPW).startswith("481"))
        self.assertEqual(self.http_basic("newbie", NEWPW), 401)
        # Its name is not reserved as a nick either (as for no account).
        other = self.raw()
        other.send("NICK helpy2")
        other.send("USER x 0 * :x")
        other.until(" 001 ")
        self.assertFalse(any(" 433 " in l or " 432 " in l
                             for l in other.cmd("NICK newbie2")))

        entries = {e["item_ref"]: e["id"] for e in self.queue()}
        # Approve from IRC: activated, the applicant is told and signed
        # in, the account works for NNTP.
        mod.send("PRIVMSG Helper :APPROVE %s" % entries["newbie"])
        self.assertIn("approved", mod.until(
            lambda l: l.startswith(":Helper!") and "#%s" %
            entries["newbie"] in l)[-1])
        got = app.until(lambda l: " 900 " in l)
        self.assertTrue(any("approved your account" in l for l in got), got)
        self.assertTrue(self.nntp_login("newbie", NEWPW).startswith("281"))
        self.assertEqual(self.sasl("newbie", NEWPW), "903")
        # Reject from hearthmod: the pending account goes, the reason is
        # kept in the log, the applicant hears it.
        r = self.h.hearthmod("reject", str(entries["helpy"]), "--reason",
                             "one account per person")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("one account per person", helpy.until(
            lambda l: "not accepted" in l)[-1])
        accounts = self.h.hearthmod("account", "list").stdout
        self.assertNotIn("helpy", accounts)
        self.assertIn("newbie member active", accounts)
        log = json.loads(self.h.hearthmod("--json", "log").stdout)
        acts = [(e["actor"], e["action"], e["target"], e["reason"])
                for e in log]
        self.assertIn(("modq", "approve", "newbie", ""), acts)
        self.assertIn(("operator", "reject", "helpy",
                       "one account per person"), acts)
        self.assertIn(("newbie", "account.register", "newbie",
                       "irc, waiting for approval"), acts)
        # A sign-up is approved or rejected, never hidden or dismissed.
        self.assertEqual(self.queue()[-1]["kind"], "held")


class SignupClosed(IrcCase):
    extra_config = "registration = closed\n"

    def test_closed(self):
        c = self.raw()
        ls = c.cmd("CAP LS 302")
        self.assertFalse(any("draft/account-registration" in l for l in ls))
        c.send("CAP END")
        c.send("NICK shut")
        c.send("USER s 0 * :s")
        c.until(" 001 ")
        c.sync()
        self.assertEqual(c.cmd("REGISTER shut * " + NEWPW)[0],
                         ":hearth.test FAIL REGISTER DISALLOWED shut :Sign-up "
                         "is closed here; the operators make accounts")
        c.send("PRIVMSG Helper :REGISTER " + NEWPW)
        self.assertIn("No account was made", c.until(
            lambda l: "No account was made" in l)[-1])
        r = self.h.hearthmod("account", "list")
        self.assertNotIn("shut", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
