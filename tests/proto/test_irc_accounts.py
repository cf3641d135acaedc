"""Accounts on IRC: SASL PLAIN and EXTERNAL, draft/account-registration,
nick reservation, host cloaks (no IP is ever shown), verified doctors,
moderators as channel operators everywhere, +R and +M rooms."""

import base64
import signal
import hashlib
import os
import sqlite3
import ssl
import subprocess
import tempfile
import time
import unittest

from hearth_test import tls_client_context
from irc_helpers import IrcCase, numerics, parse


def b64(s):
    return base64.b64encode(s.encode()).decode()


class Sasl(IrcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("saslu", "sasl-password-1")
        cls.h.add_account("locky", "locky-password-1")

    def start(self, proto="irc", **kw):
        c = self.raw(proto, **kw)
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        return c

    def test_plain_success(self):
        c = self.start()
        self.assertEqual(c.cmd("AUTHENTICATE PLAIN"), ["AUTHENTICATE +"])
        lines = c.cmd("AUTHENTICATE " + b64("\0saslu\0sasl-password-1"))
        self.assertEqual(lines, [
            ":hearth.test 900 * *!*@member/saslu saslu :You are now logged "
            "in as saslu",
            ":hearth.test 903 * :SASL authentication successful"])
        self.assertEqual(numerics(c.cmd("AUTHENTICATE PLAIN")), ["907"])
        c.send("NICK sasl1")
        c.send("USER s 0 * :S")
        c.send("CAP END")
        self.assertIn("sasl1!s@member/saslu", c.until(" 001 ")[-1])
        lines = c.cmd("WHOIS sasl1")
        self.assertIn(":hearth.test 330 sasl1 sasl1 saslu :is logged in as",
                      lines)

    def test_plain_failures(self):
        c = self.start()
        c.cmd("AUTHENTICATE PLAIN")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " +
                                        b64("\0saslu\0wrong-password"))),
                         ["904"])
        c.cmd("AUTHENTICATE PLAIN")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " +
                                        b64("other\0saslu\0sasl-password-1"))),
                         ["904"])
        c.cmd("AUTHENTICATE PLAIN")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE *")), ["906"])
        self.assertEqual(c.cmd("AUTHENTICATE FOO"), [
            ":hearth.test 908 * PLAIN,SCRAM-SHA-256 :are available SASL "
            "mechanisms",
            ":hearth.test 904 * :SASL authentication failed"])
        c.cmd("AUTHENTICATE PLAIN")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE not*base64")), ["904"])
        # Chunks of 400 mean "more"; over 8 KiB in all is too long.
        c.cmd("AUTHENTICATE PLAIN")
        for _ in range(20):
            self.assertEqual(c.cmd("AUTHENTICATE " + "A" * 400), [])
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + "A" * 400)),
                         ["904"])
        # One parameter over 400 bytes is 905, "too long".
        c.cmd("AUTHENTICATE PLAIN")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + "A" * 401)),
                         ["905"])
        c.cmd("AUTHENTICATE PLAIN")
        self.assertEqual(c.cmd("AUTHENTICATE " + "QUFB" * 100), [])
        self.assertEqual(numerics(c.cmd("AUTHENTICATE +")), ["904"])

    def test_failed_logins_close_connection_not_account(self):
        c = self.start()
        for i in range(5):
            c.cmd("AUTHENTICATE PLAIN") if i < 4 else \
                c.send("AUTHENTICATE PLAIN")
            if i < 4:
                self.assertEqual(numerics(c.cmd(
                    "AUTHENTICATE " + b64("\0locky\0bad-password"))),
                    ["904"])
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + b64("\0locky\0bad-password"))
        lines = c.until(lambda l: l.startswith("ERROR"))
        self.assertIn("Too many failed logins", lines[-1])
        self.assertTrue(c.is_closed())
        # Sign-in throttling (auth.c) now refuses this account for the
        # window, with the same 904 as a wrong password; the account
        # itself is untouched and works again once the window passes
        # (test_moderation.Throttle waits that out).
        d = self.start()
        d.cmd("AUTHENTICATE PLAIN")
        self.assertEqual(numerics(d.cmd(
            "AUTHENTICATE " + b64("\0locky\0locky-password-1"))), ["904"])
        import sqlite3
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        self.assertEqual(db.execute("SELECT status FROM accounts WHERE "
                                    "name = 'locky'").fetchone(),
                         ("active",))
        db.close()

    def test_external_with_registered_certificate(self):
        tmp = tempfile.mkdtemp(prefix="hearth-cert-")
        key = os.path.join(tmp, "key.pem")
        crt = os.path.join(tmp, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-subj", "/CN=saslu", "-days", "2",
                        "-keyout", key, "-out", crt], check=True,
                       capture_output=True)
        with open(crt) as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        fp = hashlib.sha256(der).hexdigest()
        ctx = tls_client_context()
        ctx.load_cert_chain(crt, key)
        # Not registered yet: refused.
        c = self.start("ircs", ctx=ctx)
        self.assertEqual(c.cmd("AUTHENTICATE EXTERNAL"), ["AUTHENTICATE +"])
        self.assertEqual(numerics(c.cmd("AUTHENTICATE +")), ["904"])
        # An operator registers it (colon form, upper case accepted).
        colons = ":".join(fp[i:i + 2] for i in range(0, 64, 2)).upper()
        r = self.h.hearthmod("account", "cert", "add", "saslu", colons)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.h.hearthmod("account", "cert", "list", "saslu")
        self.assertIn(fp, r.stdout)
        # Nobody else can take the same certificate.
        self.h.add_account("saslother", "other-password-1")
        r = self.h.hearthmod("account", "cert", "add", "saslother", fp)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("registered already", r.stderr + r.stdout)
        r = self.h.hearthmod("account", "cert", "add", "saslu", "abc")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("SHA-256", r.stderr + r.stdout)
        c = self.start("ircs", ctx=ctx)
        c.cmd("AUTHENTICATE EXTERNAL")
        lines = c.cmd("AUTHENTICATE +")
        self.assertEqual(numerics(lines), ["900", "903"])
        self.assertIn(" saslu :You are now logged in as saslu", lines[0])
        # EXTERNAL needs TLS; a plain connection gets the mechanism list.
        p = self.start()
        self.assertEqual(numerics(p.cmd("AUTHENTICATE EXTERNAL")),
                         ["908", "904"])
        # Removed: refused again, and the audit log says who did what.
        r = self.h.hearthmod("account", "cert", "del", "saslu", fp)
        self.assertEqual(r.returncode, 0, r.stderr)
        c = self.start("ircs", ctx=ctx)
        c.cmd("AUTHENTICATE EXTERNAL")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE +")), ["904"])
        r = self.h.hearthmod("log", "--target", "saslu")
        self.assertIn("account.cert.add", r.stdout)
        self.assertIn("account.cert.del", r.stdout)
        # The member registers it again from the client, signed in with
        # a password over a connection that presents the certificate.
        c = self.start("ircs", ctx=ctx)
        c.cmd("AUTHENTICATE PLAIN")
        c.cmd("AUTHENTICATE " + b64("\0saslu\0sasl-password-1"))
        c.send("NICK certu")
        c.send("USER certu 0 * :c")
        c.send("CAP END")
        c.until(" 376 ")
        c.send("PRIVMSG Helper :CERT ADD")
        self.assertIn("Registered " + fp, c.until("Registered")[-1])
        c.send("PRIVMSG Helper :CERT LIST")
        self.assertIn(fp, "\n".join(c.until("End of certificates")))
        # Without a certificate there is nothing to add.
        p = self.start("ircs")
        p.cmd("AUTHENTICATE PLAIN")
        p.cmd("AUTHENTICATE " + b64("\0saslother\0other-password-1"))
        p.send("NICK certo")
        p.send("USER certo 0 * :c")
        p.send("CAP END")
        p.until(" 376 ")
        p.send("PRIVMSG Helper :CERT ADD")
        self.assertIn("client certificate", p.until("CERT ADD")[-1])
        e = self.start("ircs", ctx=ctx)
        e.cmd("AUTHENTICATE EXTERNAL")
        self.assertEqual(numerics(e.cmd("AUTHENTICATE +")), ["900", "903"])


class PlainRefused(IrcCase):
    extra_config = "allow_plaintext_auth_on_loopback = no\n"

    def test_no_passwords_in_clear(self):
        self.h.add_account("clearu", "clear-password-1")
        c = self.raw()
        self.assertEqual(c.cmd("AUTHENTICATE PLAIN"), [
            ":hearth.test 908 * EXTERNAL :are available SASL mechanisms",
            ":hearth.test 904 * :SASL authentication failed"])
        self.assertIn("TEMPORARILY_UNAVAILABLE",
                      c.cmd("REGISTER newone * long-password-1")[0])
        t = self.raw("ircs")
        self.assertEqual(t.cmd("AUTHENTICATE PLAIN"), ["AUTHENTICATE +"])
        self.assertEqual(numerics(t.cmd("AUTHENTICATE " +
                                        b64("\0clearu\0clear-password-1"))),
                         ["900", "903"])


class Register(IrcCase):

    def test_register_before_connect_then_login_anywhere(self):
        c = self.raw("ircs")
        c.send("CAP LS 302")
        c.send("CAP REQ :draft/account-registration")
        c.until(" ACK ")
        lines = c.cmd("REGISTER newbie * a-good-password")
        self.assertEqual(lines[0], ":hearth.test REGISTER SUCCESS newbie "
                         ":Account created; it works for the newsgroups "
                         "too")
        self.assertIn(" 900 * *!*@member/newbie newbie ", lines[1])
        self.assertIn("ALREADY_AUTHENTICATED",
                      c.cmd("REGISTER other * a-good-password")[0])
        c.send("NICK newbie")
        c.send("USER n 0 * :N")
        c.send("CAP END")
        c.until(" 001 newbie ")
        # The same account logs in on a new connection, and shows up in
        # the shared accounts table (hearthmod, NNTP).
        self.client("newbie2", sasl=("newbie", "a-good-password"))
        r = self.h.hearthmod("account", "list")
        self.assertIn("newbie", r.stdout)

    def test_register_errors(self):
        self.h.add_account("takenacct", "taken-password-1")
        c = self.raw()
        self.assertEqual(c.cmd("REGISTER * * a-good-password"), [
            ":hearth.test FAIL REGISTER NEED_NICK * :Send NICK first, or "
            "name the account"])
        lines = c.cmd("REGISTER takenacct * a-good-password")
        self.assertEqual(lines, [":hearth.test FAIL REGISTER ACCOUNT_EXISTS "
                                 "takenacct :That account name is taken"])
        self.assertIn("BAD_ACCOUNT_NAME",
                      c.cmd("REGISTER 9lives * a-good-password")[0])
        self.assertIn("WEAK_PASSWORD", c.cmd("REGISTER okname * short")[0])
        self.assertEqual(numerics(c.cmd("REGISTER onlyone")), ["461"])
        self.assertIn("INVALID_CODE", c.cmd("VERIFY okname 1234")[0])

    def test_register_star_after_taken_nick(self):
        # draft/account-registration: NEED_NICK is for a client that sent
        # no NICK; one whose NICK was refused as taken asked for a name
        # that is not free: ACCOUNT_EXISTS, and no account is made.
        self.client("grabbed")
        c = self.raw()
        c.send("CAP LS 302")
        c.send("CAP REQ :draft/account-registration")
        c.until(" ACK ")
        self.assertEqual(numerics(c.cmd("NICK grabbed")), ["433"])
        self.assertEqual(c.cmd("REGISTER * * a-good-password"), [
            ":hearth.test FAIL REGISTER ACCOUNT_EXISTS grabbed :That nick "
            "is taken; choose another or name the account"])
        self.assertNotIn("grabbed", self.h.hearthmod("account",
                                                     "list").stdout)
        # A free nick afterwards is what REGISTER * names.
        self.assertEqual(c.cmd("NICK freeone"), [])
        lines = c.cmd("REGISTER * * a-good-password")
        self.assertTrue(lines[0].startswith(
            ":hearth.test REGISTER SUCCESS freeone "), lines)
        # A nick refused at registration as an account's (reservation)
        # is not free either.
        self.h.add_account("heldacct", "held-password-1")
        d = self.raw()
        d.send("NICK heldacct")
        d.send("USER h 0 * :h")
        self.assertEqual(numerics(d.sync()), ["433"])
        self.assertEqual(d.cmd("REGISTER * * a-good-password"), [
            ":hearth.test FAIL REGISTER ACCOUNT_EXISTS heldacct :That nick "
            "is taken; choose another or name the account"])

    def test_registered_nick_is_held(self):
        self.h.add_account("heldnick", "held-password-1")
        c = self.raw()
        c.send("NICK heldnick")
        c.send("USER h 0 * :h")
        lines = c.sync()
        self.assertEqual(lines, [":hearth.test 433 * heldnick :Nickname is "
                                 "reserved by an account"])
        c.send("NICK heldnick_")
        c.until(" 001 heldnick_ ")
        c.sync()
        self.assertEqual(numerics(c.cmd("NICK HeldNick")), ["433"])
        d = self.client("heldnick", sasl=("heldnick", "held-password-1"))
        self.assertEqual(d.nick, "heldnick")


class RegisterAfterConnect(IrcCase):
    """irc_register_before_connect = no: sign-up only once connected
    (draft/account-registration without "before-connect")."""
    extra_config = "irc_register_before_connect = no\n"

    def test_register_needs_a_complete_connection(self):
        c = self.raw()
        c.send("CAP LS 302")
        ls = " ".join(c.until(" LS :"))
        self.assertIn("draft/account-registration=custom-account-name,", ls)
        self.assertNotIn("before-connect", ls)
        c.send("NICK early")
        self.assertEqual(c.cmd("REGISTER * * a-good-password"), [
            ":hearth.test FAIL REGISTER COMPLETE_CONNECTION_REQUIRED * "
            ":Finish connecting (NICK and USER) before signing up"])
        c.send("USER early 0 * :E")
        c.send("CAP END")
        c.until(" 001 early ")
        c.sync()
        lines = c.cmd("REGISTER * * a-good-password")
        self.assertIn(" REGISTER SUCCESS early ", lines[0])


class RegisterBehindPassword(IrcCase):
    """With a connection password, no sign-up before registration: it
    would make an account without the password."""
    extra_config = "irc_password = s3cret pass\n"

    def test_no_account_without_the_connection_password(self):
        c = self.raw()
        c.send("CAP LS 302")
        ls = " ".join(c.until(" LS :"))
        self.assertNotIn("before-connect", ls)
        c.send("NICK intruder")
        lines = c.cmd("REGISTER intruder * a-good-password")
        self.assertIn(" FAIL REGISTER COMPLETE_CONNECTION_REQUIRED "
                      "intruder ", lines[0])
        r = self.h.hearthmod("account", "list")
        self.assertNotIn("intruder", r.stdout)


class PasswordMinLength(IrcCase):
    """password_min_length: what REGISTER, SASL sign-in with the new
    account, Helper and the draft/account-registration value say, and
    a reload that changes it (CAP NEW)."""

    extra_config = "password_min_length = 6\n"

    def cap_value(self, c):
        lines = c.cmd("CAP LS 302")
        caps = " ".join(parse(l)[3][-1] for l in lines).split()
        return [x for x in caps
                if x.startswith("draft/account-registration=")]

    def test_register_and_sasl_follow_the_setting(self):
        c = self.raw()
        self.assertEqual(self.cap_value(c), [
            "draft/account-registration=before-connect,"
            "custom-account-name,hearth/password=6-1024"])
        c.send("CAP REQ :draft/account-registration")
        c.until(" ACK ")
        lines = c.cmd("REGISTER shortpw * sesam")
        self.assertEqual(len(lines), 1)
        self.assertRegex(lines[0], r"^:hearth\.test FAIL REGISTER "
                         r"WEAK_PASSWORD shortpw :.*at least 6 characters")
        lines = c.cmd("REGISTER shortpw * sesame")
        self.assertEqual(lines[0], ":hearth.test REGISTER SUCCESS shortpw "
                         ":Account created; it works for the newsgroups "
                         "too")
        # The 6-character password signs in with SASL PLAIN elsewhere.
        d = self.client("shortpw", sasl=("shortpw", "sesame"))
        self.assertIn("shortpw", d.cmd("WHOIS shortpw")[0])

    def test_helper_tells_the_minimum(self):
        c = self.client("pwhelp")
        lines = c.cmd("PRIVMSG Helper :HELP")
        reg = [l for l in lines if ":REGISTER <password>" in l]
        self.assertEqual(len(reg), 1)
        self.assertIn("a password has 6 to 1024 characters", reg[0])
        lines = c.cmd("PRIVMSG Helper :REGISTER")
        self.assertIn("Passwords need at least 6 characters", lines[0])
        # Helper REGISTER takes a 6-character password.
        lines = c.cmd("PRIVMSG Helper :REGISTER abcdef")
        self.assertNotIn("at least", " ".join(lines))
        r = self.h.hearthmod("account", "list")
        self.assertIn("pwhelp", r.stdout)

    def test_reload_changes_value_and_rule(self):
        a = self.client("pwnew", caps=("draft/account-registration",))
        with open(self.h.conf) as f:
            good = f.read()
        try:
            self.h.write_config(good + "password_min_length = 10\n")
            self.h.signal(signal.SIGHUP)
            line = a.until(" CAP pwnew ")[-1]
            self.assertEqual(line, ":hearth.test CAP pwnew NEW "
                             ":draft/account-registration=before-connect,"
                             "custom-account-name,hearth/password=10-1024")
            c = self.raw()
            self.assertIn("WEAK_PASSWORD",
                          c.cmd("REGISTER tenpw * sesame1")[0])
            self.assertIn("SUCCESS",
                          c.cmd("REGISTER tenpw * sesame1234")[0])
        finally:
            self.h.write_config(good)
            self.h.signal(signal.SIGHUP)
            a.until(" CAP pwnew ")


class Privacy(IrcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("drwho", "doctor-password-1")
        cls.h.hearthmod("account", "role", "drwho", "doctor",
                        "--specialty", "Oncology")
        cls.h.add_account("moddy", "moddy-password-1", role="moderator")
        cls.h.add_account("plainm", "plainm-password-1")

    def test_cloaks_never_show_ip(self):
        seen = []
        a = self.client("cl1", caps=("userhost-in-names", "extended-join"))
        b = self.client("cl2")
        d = self.client("cl3", sasl=("drwho", "doctor-password-1"))
        m = self.client("cl4", sasl=("plainm", "plainm-password-1"))
        self.joined("#clroom", a, b, d, m)
        for c in (a, b, d, m):
            for q in ("WHOIS cl1", "WHOIS cl2", "WHOIS cl3", "WHO #clroom",
                      "WHO cl1 %tcuihsnfdlar", "NAMES #clroom",
                      "USERHOST cl1 cl2 cl3 cl4", "WHOWAS cl1"):
                seen.extend(c.cmd(q))
        text = "\n".join(seen)
        self.assertNotIn("127.0.0.1", text)
        self.assertNotIn("localhost", text.replace("hearth.test", ""))
        h1 = [parse(l)[3][3] for l in b.cmd("WHOIS cl1") if " 311 " in l][0]
        h2 = [parse(l)[3][3] for l in a.cmd("WHOIS cl2") if " 311 " in l][0]
        # The same address gives the same keyed-hash cloak.
        self.assertRegex(h1, r"^anon\.[0-9a-f]{16}$")
        self.assertEqual(h1, h2)
        lines = a.cmd("WHOIS cl3")
        self.assertEqual([parse(l)[3][3] for l in lines if " 311 " in l],
                         ["doctor/oncology/drwho"])
        self.assertIn(":hearth.test 320 cl1 cl3 :is a verified doctor "
                      "(Oncology)", lines)
        self.assertIn("cl4!cl4@member/plainm", " ".join(a.cmd(
            "NAMES #clroom")))

    def test_cloak_key_survives_restart_and_role_change_chghost(self):
        a = self.client("rc1", caps=("chghost",))
        b = self.client("rc2", sasl=("plainm", "plainm-password-1"))
        self.joined("#rcroom", a, b)
        r = self.h.hearthmod("account", "role", "plainm", "doctor",
                             "--specialty", "Neurology")
        self.assertEqual(r.returncode, 0, r.stderr)
        line = a.until(" CHGHOST ")[-1]
        self.assertRegex(line, r"^:rc2!rc2@member/plainm CHGHOST rc2 "
                         r"doctor/neurology/plainm$")
        self.assertIn(" 396 rc2 doctor/neurology/plainm ",
                      b.until(" 396 ")[-1])
        self.h.hearthmod("account", "role", "plainm", "member")

    def test_verify_doctor_reaches_a_live_session(self):
        # Verifying a doctor is a role change like any other: the
        # signed-in session gets its new cloak at once, no reconnect.
        a = self.client("vd1", caps=("chghost",))
        b = self.client("vd2", sasl=("plainm", "plainm-password-1"))
        self.joined("#vdroom", a, b)
        r = self.h.hearthmod("account", "verify-doctor", "plainm",
                             "--specialty", "oncology")
        self.assertEqual(r.returncode, 0, r.stderr)
        line = a.until(" CHGHOST ")[-1]
        self.assertRegex(line, r"^:vd2!vd2@member/plainm CHGHOST vd2 "
                         r"doctor/oncology/plainm$")
        self.assertIn(" 396 vd2 doctor/oncology/plainm ",
                      b.until(" 396 ")[-1])
        self.h.hearthmod("account", "role", "plainm", "member")

    def test_moderator_is_op_everywhere(self):
        a = self.client("mu1")
        a.cmd("JOIN #newly-diagnosed-ms")
        a.cmd("JOIN #modadhoc")
        m = self.client("moddy", sasl=("moddy", "moddy-password-1"))
        lines = m.cmd("JOIN #newly-diagnosed-ms")
        names = [l for l in lines if " 353 " in l][0]
        self.assertIn("@moddy", parse(names)[3][-1].split())
        got = a.sync()
        self.assertIn(" JOIN #newly-diagnosed-ms", got[0])
        self.assertEqual(got[1], ":hearth.test MODE #newly-diagnosed-ms "
                         "+o moddy")
        m.cmd("JOIN #modadhoc")
        self.assertIn("+o moddy", a.sync()[1])
        # A member in a registered room is no operator.
        self.assertEqual(numerics(a.cmd("TOPIC #newly-diagnosed-ms :x")),
                         ["482"])
        self.assertIn(" TOPIC ", m.cmd("KICK #newly-diagnosed-ms mu1 "
                                       ":test") and
                      m.cmd("TOPIC #newly-diagnosed-ms :Be gentle")[0])
        self.assertIn("is a Hearth moderator", " ".join(a.cmd(
            "WHOIS moddy")))

    def test_registered_only_rooms(self):
        a = self.client("ro1")
        self.assertEqual(a.cmd("JOIN #autism-parents"), [
            ":hearth.test 477 ro1 #autism-parents :You need to be logged in "
            "to an account to join this channel (+R)"])
        m = self.client("ro2", sasl=("moddy", "moddy-password-1"))
        m.cmd("JOIN #roroom")
        m.cmd("MODE #roroom +M")
        a.cmd("JOIN #roroom")
        m.sync()
        self.assertEqual(a.cmd("PRIVMSG #roroom :hi"), [
            ":hearth.test 404 ro1 #roroom :Cannot send to channel (+M)"])
        b = self.client("ro3", sasl=("plainm", "plainm-password-1"))
        self.assertIn(" JOIN #autism-parents", b.cmd(
            "JOIN #autism-parents")[0])
        b.cmd("JOIN #roroom")
        self.assertEqual(b.cmd("PRIVMSG #roroom :hi"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
