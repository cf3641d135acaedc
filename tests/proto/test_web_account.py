"""Accounts on the web (issue 16, item 2): sign up under registration =
open | approval | closed with the name and password rules of every
door, change password (other sessions end), the member's language,
download my data, erase my account -- over real HTTPS with cookies and
form tokens, checked through NNTP and hearthmod as well."""

import json
import os
import re
import sqlite3
import unittest

from hearth_test import BAD_LOG_MARKERS, Hearthd, LineClient
from nntp_helpers import NNTPClient
from web_helpers import WebClient

PW = "correct horse battery"
NEWPW = "a brand new passphrase"
PROTOS = ("https", "nntp")


class ServerCase(unittest.TestCase):
    """One hearthd for the class; its log checked at the end."""

    extra_config = ""

    @classmethod
    def setUpClass(cls):
        cls.h = Hearthd("http_rate_per_second = 1000\nhttp_rate_burst = "
                        "1000\nlogin_max_failures = 20\n" + cls.extra_config,
                        PROTOS)
        cls.h.start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.h.stop()
        log = cls.h.log()
        for marker in BAD_LOG_MARKERS:
            assert marker not in log, "hearthd log:\n" + log[-4000:]
        assert rc == 0, "hearthd exit %s; log:\n%s" % (rc, log[-4000:])
        cls.h.cleanup()

    def db(self):
        return sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))

    def accounts(self):
        db = self.db()
        rows = [r[0] for r in db.execute("SELECT name FROM accounts")]
        db.close()
        return rows

    def nntp_login(self, user, pw):
        c = NNTPClient(LineClient(self.h.addr("nntp")))
        c.lc.readline()
        r = c.cmd("AUTHINFO USER " + user)
        if r.startswith("381"):
            r = c.cmd("AUTHINFO PASS " + pw)
        c.lc.close()
        return r[:3]

    def sign_up(self, b, name, pw, pw2=None, token=True):
        page = b.get("/signup")
        self.assertEqual(page.status, 200)
        fields = {"name": name, "password": pw,
                  "password2": pw if pw2 is None else pw2}
        if token:
            fields["csrf"] = page.csrf()
        return b.post("/signup", fields)

    def field_error(self, page, field):
        """The error written right after FIELD's input, or None."""
        m = re.search(r'<p class="error" id="%s-error" role="alert">'
                      r'([^<]*)</p>' % re.escape(field), page.text)
        if m is None:
            return None
        # The field points at it.
        self.assertRegex(page.text, r'id="%s"[^>]*aria-describedby="[^"]*'
                         r'%s-error"[^>]*aria-invalid="true"'
                         % (field, field))
        return m.group(1)


class SignUpOpen(ServerCase):

    def test_sign_up_signs_in_and_works_everywhere(self):
        b = WebClient(self.h)
        page = b.get("/signup")
        self.assertEqual(page.status, 200)
        self.assertEqual(page.header("Cache-Control"), "private, no-store")
        # Every field has its label.
        for f in ("name", "password", "password2"):
            self.assertIn('<label for="%s">' % f, page.text)
        r = self.sign_up(b, "newcomer", PW)
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(r.header("Location"), "/account")
        self.assertIn("hearth_session", b.cookies)
        # Nothing in the address says who it is.
        self.assertNotIn("newcomer", r.header("Location"))
        acct = b.get("/account")
        self.assertEqual(acct.status, 200)
        self.assertIn("<strong>newcomer</strong>", acct.text)
        # Every page links to it from the member's name.
        self.assertIn('<li class="me"><a href="/account">newcomer</a>',
                      b.get("/groups").text)
        self.assertIn("newcomer", self.accounts())
        # One account for every door.
        self.assertEqual(self.nntp_login("newcomer", PW), "281")
        # Signed in already: no second account from this browser.
        again = self.sign_up(b, "another", PW)
        self.assertEqual(again.status, 403)
        self.assertNotIn("another", self.accounts())

    def test_names_and_passwords_refused_with_the_reason(self):
        self.h.add_account("taken", PW)
        b = WebClient(self.h)
        cases = [
            ("1abc", PW, None, "name", "must start with a letter"),
            ("annaАнна", PW, None, "name", "mixes Latin and Cyrillic"),
            ("DrSmith", PW, None, "name", "doctor's title"),
            ("taken", PW, None, "name", "taken"),
            ("goodname", "short", None, "password", "at least 8"),
            ("goodname", PW, PW + "x", "password2", "differ"),
        ]
        for name, pw, pw2, field, words in cases:
            r = self.sign_up(b, name, pw, pw2)
            self.assertIn(r.status, (400, 409), (name, r.status))
            err = self.field_error(r, field)
            self.assertIsNotNone(err, (name, r.text[-3000:]))
            self.assertIn(words.lower(), err.lower(), (name, err))
            # The name stays in the form; a password never comes back.
            self.assertNotIn('value="%s"' % pw, r.text)
            self.assertNotIn("hearth_session", b.cookies)
        self.assertEqual(sorted(self.accounts()), ["taken"])
        # The same words in Russian for a Russian browser.
        ru = WebClient(self.h)
        page = ru.get("/signup", headers={"Accept-Language": "ru"})
        r = ru.post("/signup", {"csrf": page.csrf(), "name": "1abc",
                                "password": PW, "password2": PW},
                    headers={"Accept-Language": "ru"})
        self.assertEqual(r.status, 400)
        self.assertIn('lang="ru"', r.text)
        err = self.field_error(r, "name")
        self.assertRegex(err, "[а-яА-Я]")

    def test_csrf_missing_or_wrong_stores_nothing(self):
        b = WebClient(self.h)
        r = self.sign_up(b, "csrfless", PW, token=False)
        self.assertEqual(r.status, 403)
        page = b.get("/signup")
        r = b.post("/signup", {"csrf": "x" + page.csrf()[1:],
                               "name": "csrfwrong", "password": PW,
                               "password2": PW})
        self.assertEqual(r.status, 403)
        names = self.accounts()
        self.assertNotIn("csrfless", names)
        self.assertNotIn("csrfwrong", names)


class SignUpApproval(ServerCase):
    extra_config = "registration = approval\n"

    def test_pending_until_a_moderator_approves(self):
        b = WebClient(self.h)
        page = b.get("/signup")
        self.assertIn("moderator looks at every new account", page.text)
        r = self.sign_up(b, "waiting", PW)
        self.assertEqual(r.status, 202, r.text)
        self.assertIn("waits for a moderator", r.text)
        self.assertIn("sign in", r.text.lower())
        self.assertNotIn("hearth_session", b.cookies)
        q = json.loads(self.h.hearthmod("--json", "queue").stdout)
        (entry,) = [e for e in q if e["kind"] == "signup"]
        self.assertIn("waiting", json.dumps(entry))
        # Cannot sign in anywhere yet.
        self.assertEqual(b.sign_in("waiting", PW).status, 403)
        self.assertNotEqual(self.nntp_login("waiting", PW), "281")


class SignUpClosed(ServerCase):
    extra_config = "registration = closed\n"

    def test_closed_says_so_and_makes_nothing(self):
        b = WebClient(self.h)
        page = b.get("/signup")
        self.assertEqual(page.status, 200)
        self.assertIn("Sign-up is closed here", page.text)
        self.assertNotIn('name="password2"', page.text)
        token = b.get("/signin").csrf()
        r = b.post("/signup", {"csrf": token, "name": "nobody",
                               "password": PW, "password2": PW})
        self.assertEqual(r.status, 403)
        self.assertNotIn("nobody", self.accounts())


class Account(ServerCase):

    def signed_in(self, name, pw=PW):
        b = WebClient(self.h)
        r = b.sign_in(name, pw)
        self.assertEqual(r.status, 303, r.text)
        return b

    def test_change_password_ends_other_sessions(self):
        self.h.add_account("changer", PW)
        here = self.signed_in("changer")
        there = self.signed_in("changer")
        page = here.get("/account")
        for f in ("current", "new", "new2"):
            self.assertIn('<label for="%s">' % f, page.text)
        # A wrong current password: the error next to it, no change.
        r = here.post("/account/password", {
            "csrf": page.csrf(), "current": "wrong password",
            "new": NEWPW, "new2": NEWPW})
        self.assertEqual(r.status, 403)
        self.assertIn("not your password", self.field_error(r, "current"))
        self.assertEqual(self.nntp_login("changer", PW), "281")
        # A short new one: refused next to it.
        r = here.post("/account/password", {
            "csrf": page.csrf(), "current": PW, "new": "short",
            "new2": "short"})
        self.assertEqual(r.status, 400)
        self.assertIn("at least 8", self.field_error(r, "new"))
        # Without the token: refused, nothing changes.
        r = here.post("/account/password", {
            "current": PW, "new": NEWPW, "new2": NEWPW})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.nntp_login("changer", PW), "281")
        old_sid = here.cookies["hearth_session"]
        r = here.post("/account/password", {
            "csrf": page.csrf(), "current": PW, "new": NEWPW,
            "new2": NEWPW})
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Your password is changed", r.text)
        # This browser stays signed in with a new session id ...
        self.assertNotEqual(here.cookies["hearth_session"], old_sid)
        self.assertIn("<strong>changer</strong>",
                      here.get("/account").text)
        # ... the other one is signed out.
        self.assertEqual(there.get("/account").status, 303)
        self.assertEqual(self.nntp_login("changer", PW)[:1], "4")
        self.assertEqual(self.nntp_login("changer", NEWPW), "281")

    def test_language_is_the_members_everywhere(self):
        self.h.add_account("reader", PW)
        b = self.signed_in("reader")
        page = b.get("/account")
        self.assertIn('<label for="lang">', page.text)
        self.assertIn('<option value="ru" lang="ru">Русский</option>',
                      page.text)
        r = b.post("/account/language", {"csrf": page.csrf(),
                                         "lang": "ru"})
        self.assertEqual(r.status, 303)
        page = b.get("/account")
        self.assertIn('<html lang="ru"', page.text)
        self.assertIn("Смена пароля", page.text)
        self.assertNotIn("Change your password", page.text)
        # The same setting the other doors read.
        db = self.db()
        (lang,) = db.execute("SELECT lang FROM accounts WHERE name = "
                             "'reader'").fetchone()
        db.close()
        self.assertEqual(lang, "ru")
        r = b.post("/account/language", {"csrf": page.csrf(),
                                         "lang": "klingon"})
        self.assertEqual(r.status, 400)
        r = b.post("/account/language", {"csrf": page.csrf(),
                                         "lang": "default"})
        self.assertEqual(r.status, 303)
        self.assertIn("Change your password", b.get("/account").text)

    def test_download_my_data(self):
        self.h.add_account("keeper", PW)
        c = NNTPClient(LineClient(self.h.addr("nntp")))
        c.lc.readline()
        c.login("keeper", PW)
        r340, r = c.post([("From", "keeper <k@example.org>"),
                          ("Newsgroups", "support.diabetes"),
                          ("Subject", "My sugar diary")], "Day one.\n")
        self.assertTrue(r.startswith("240"), r)
        c.lc.close()
        b = self.signed_in("keeper")
        page = b.get("/account")
        r = b.post("/account/export", {"csrf": page.csrf(),
                                       "format": "json"})
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("attachment", r.header("Content-Disposition"))
        self.assertIn("no-store", r.header("Cache-Control"))
        data = json.loads(r.text)
        self.assertIn("keeper", json.dumps(data))
        r = b.post("/account/export", {"csrf": page.csrf(),
                                       "format": "mbox"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "application/mbox")
        self.assertIn("My sugar diary", r.text)
        self.assertIn("Day one.", r.text)
        # A GET is not the way, nor a POST without the token.
        self.assertEqual(b.get("/account/export").status, 405)
        self.assertEqual(b.post("/account/export",
                                {"format": "json"}).status, 403)
        # Signed out: to the sign-in page, nothing handed out.
        anon = WebClient(self.h)
        token = anon.get("/signin").csrf()
        r = anon.post("/account/export", {"csrf": token, "format": "json"})
        self.assertEqual(r.status, 303)
        self.assertNotIn("keeper", r.text)

    def test_erase_my_account(self):
        self.h.add_account("leaver", PW)
        b = self.signed_in("leaver")
        page = b.get("/account")
        self.assertIn('<label for="erase_password">', page.text)
        r = b.post("/account/erase", {"csrf": page.csrf(),
                                      "erase_password": "not it"})
        self.assertEqual(r.status, 403)
        self.assertIn("not your password",
                      self.field_error(r, "erase_password"))
        self.assertIn("leaver", self.accounts())
        r = b.post("/account/erase", {"csrf": page.csrf(),
                                      "erase_password": PW})
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Your account is erased", r.text)
        self.assertNotIn("hearth_session", b.cookies)
        self.assertNotIn("leaver", self.accounts())
        self.assertNotEqual(self.nntp_login("leaver", PW), "281")
        self.assertEqual(b.get("/account").status, 303)


if __name__ == "__main__":
    unittest.main()
