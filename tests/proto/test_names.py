"""Names in Cyrillic and Latin, safely (issue 15, items 3 and 4): the
names table over IRC (NICK, USER, SETNAME, REGISTER), hearthmod and
NNTP From -- Cyrillic accepted, mixed scripts and lookalikes of names in
use refused, titles refused to those who lack the role and kept by
those who have it, a verified doctor's name kept for her; every refusal
with its reason."""

import base64
import unittest

from hearth_test import LineClient
from irc_helpers import IrcCase, numerics
from nntp_helpers import NNTPClient

PW = "a good long password"
DOCTOR = "Иванова"
MIXED = "М" + "a" + "ша"            # a Latin a among Cyrillic letters


def reply_text(lines, code):
    """The trailing text of the first CODE numeric in LINES."""
    for l in lines:
        if " %s " % code in l:
            return l.split(" :", 1)[1]
    raise AssertionError("no %s in %r" % (code, lines))


class NamesCase(IrcCase):
    protos = ("irc", "ircs", "nntp")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name in (DOCTOR, "Kate", "nina", "lena"):
            cls.h.add_account(name, PW)
        r = cls.h.hearthmod("account", "verify-doctor", DOCTOR,
                            "--specialty", "oncology")
        assert r.returncode == 0, r.stdout + r.stderr

    def nick(self, c, nick):
        """NICK: the 432 reason, or None when it was taken."""
        lines = c.cmd("NICK " + nick)
        if "432" in numerics(lines):
            return reply_text(lines, "432")
        self.assertTrue(any(" NICK " in l for l in lines), (nick, lines))
        return None

    def register(self, c, name):
        return " ".join(c.cmd("REGISTER %s * :%s" % (name, PW)))

    def news(self, account):
        c = NNTPClient(LineClient(self.h.addr("nntp")))
        self.assertTrue(c.lc.readline().startswith("200"))
        self.assertTrue(c.login(account, PW).startswith("281"))
        return c

    def post(self, c, from_):
        r340, r = c.post([("From", from_), ("Newsgroups", "support.ms"),
                          ("Subject", "hello")], "Hello all\n")
        c.lc.close()
        return r



class Names(NamesCase):

    def test_cyrillic_nick_and_account(self):
        c = self.client("Маша", proto="ircs")
        whois = " ".join(c.cmd("WHOIS МАША"))
        self.assertIn(" 311 Маша Маша ", whois)
        self.assertIn("REGISTER SUCCESS Маша", self.register(c, "*"))
        # One account, whatever the case it is typed in.
        d = self.client("Маша2", proto="ircs", sasl=("маша", PW))
        self.assertIn("Маша", " ".join(d.cmd("WHOIS Маша2")))
        r = self.h.hearthmod("account", "add", "Мария", "--password-file",
                             "-", input=PW + "\n")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # The folding is Cyrillic too: the nick is taken in capitals.
        e = self.client("guest1")
        self.assertEqual(numerics(e.cmd("NICK МАША")), ["433"])

    def test_mixed_script_refused_with_reason(self):
        c = self.client("mix1", proto="ircs")
        why = self.nick(c, MIXED)
        self.assertIn("mixes Latin and Cyrillic", why)
        r = self.register(c, MIXED)
        self.assertIn("FAIL REGISTER BAD_ACCOUNT_NAME " + MIXED, r)
        self.assertIn("mixes Latin and Cyrillic", r)
        r = self.h.hearthmod("account", "add", MIXED, "--password-file",
                             "-", input=PW + "\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("mixes Latin and Cyrillic", r.stdout + r.stderr)
        # Before registration too: 432 with the reason, then a good nick.
        g = self.raw()
        g.send("NICK " + MIXED)
        g.send("USER g 0 * :g")
        lines = g.until(lambda l: " 432 " in l)
        self.assertIn("mixes Latin and Cyrillic", lines[-1])
        g.send("NICK Маша_гость")
        g.until(" 001 ")

    def test_confusables_refused(self):
        self.client("Toma")
        c = self.client("conf1", proto="ircs")
        # Cyrillic Тома looks like Latin Toma, a connected nick.
        self.assertIn("looks like a name already in use",
                      self.nick(c, "Тома"))
        # Кате looks like the account Kate; Iena like lena.
        self.assertIn("looks like a name", self.nick(c, "Кате"))
        self.assertIn("looks like a name", self.nick(c, "Iena"))
        r = self.register(c, "КАТЕ")
        self.assertIn("FAIL REGISTER BAD_ACCOUNT_NAME КАТЕ", r)
        self.assertIn("looks like a name already in use", r)
        r = self.h.hearthmod("account", "add", "КаТе", "--password-file",
                             "-", input=PW + "\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("(Kate)", r.stdout + r.stderr)
        r = self.h.hearthmod("account", "add", "Kaтe", "--password-file",
                             "-", input=PW + "\n")
        self.assertIn("mixes", r.stdout + r.stderr)
        r = self.h.hearthmod("account", "add", "Iena", "--password-file",
                             "-", input=PW + "\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("looks like a name already in use (lena)",
                      r.stdout + r.stderr)
        # A name that merely shares letters is fine.
        self.assertIsNone(self.nick(c, "Катя"))
        # The owner of Kate may use a lookalike of her own name.
        k = self.client("kate1", sasl=("Kate", PW))
        self.assertIsNone(self.nick(k, "КАТЕ"))

    def test_titles_in_nicks(self):
        nina = self.client("nina", caps=("setname",), sasl=("nina", PW))
        for nick, why in (("Др_Иванова", "verified doctors"),
                          ("DrPetrov", "verified doctors"),
                          ("ДОКТОР_Оля", "verified doctors"),
                          ("ВрачАнна", "verified doctors"),
                          ("TheModerator", "moderators"),
                          ("админ_Оля", "moderators"),
                          ("Иванова_2", "verified doctor's name"),
                          ("Д" + "o" + "ктор", "mixes Latin and Cyrillic")):
            got = self.nick(nina, nick)
            self.assertIsNotNone(got, nick)
            self.assertIn(why, got, nick)
        # Names that only look like titles to a substring match.
        for nick in ("doktor_zhivago", "staffeeva", "Дробышева", "Drew"):
            self.assertIsNone(self.nick(nina, nick), nick)
        lines = nina.cmd("SETNAME :Д" + "o" + "ктор Петров")
        self.assertIn("FAIL SETNAME INVALID_REALNAME", " ".join(lines))
        self.assertIn("verified doctors", " ".join(lines))
        lines = nina.cmd("SETNAME :" + DOCTOR)
        self.assertIn("verified doctor's name", " ".join(lines))
        lines = nina.cmd("SETNAME :Нина Петрова")
        self.assertFalse(any("FAIL" in l for l in lines), lines)

    def test_metadata_display_name(self):
        md = ("draft/metadata-2", "batch")
        nina = self.client("nina_md", caps=md, sasl=("nina", PW))
        for value, why in (("Д" + "o" + "ктор Нина", "verified doctors"),
                           (DOCTOR, "verified doctor's name"),
                           ("админ", "moderators")):
            line = nina.cmd("METADATA * SET display-name :" + value)[0]
            self.assertIn(" FAIL METADATA INVALID_VALUE ", line)
            self.assertIn(why, line)
        # A status is a sentence: a title inside it claims nothing.
        line = nina.cmd("METADATA * SET status :жду врача")[0]
        self.assertIn(" 761 ", line)
        doc = self.client("doc_md", caps=md, sasl=(DOCTOR, PW))
        line = doc.cmd("METADATA * SET display-name :Др. Иванова")[0]
        self.assertIn(" 761 ", line)

    def test_verified_doctor_keeps_her_title(self):
        doc = self.client("Др_Иванова", caps=("setname",),
                          sasl=(DOCTOR, PW))
        self.assertIn(" 311 Др_Иванова ",
                      " ".join(doc.cmd("WHOIS Др_Иванова")))
        lines = doc.cmd("SETNAME :Др. Иванова, онколог")
        self.assertFalse(any("FAIL" in l for l in lines), lines)
        self.assertIsNone(self.nick(doc, "ДокторИванова"))
        # A guest may not take her name or her title.
        g = self.raw()
        g.send("NICK Иванова1")
        g.send("USER g 0 * :Др. Иванова")
        lines = g.until(lambda l: " 432 " in l or " 001 " in l)
        self.assertIn(" 432 ", lines[-1])
        self.assertIn("verified doctor", lines[-1])
        self.assertTrue(any("real name is shown as your nick" in l and
                            "verified doctors" in l for l in lines), lines)
        g.send("NICK гость")
        g.until(" 001 ")
        whois = " ".join(g.cmd("WHOIS гость"))
        self.assertNotIn("Др. Иванова", whois)

    def test_helper_register_says_why(self):
        c = self.client("Оля[1]", proto="ircs")
        c.send("PRIVMSG Helper :REGISTER " + PW)
        line = c.until(lambda l: l.startswith(":Helper!") and
                       "account name" in l)[-1]
        self.assertIn("Use only Latin or Cyrillic letters", line)
        self.assertNotIn("SUCCESS", " ".join(c.sync()))

    def test_nntp_from_impersonation(self):
        for from_, why in (
                ("Др. Иванова <ivanova@example.org>", "verified doctors"),
                ('"Иванова" <i@example.org>', "verified doctor's name"),
                ("i@example.org (Иван" + "o" + "ва)",
                 "verified doctor's name"),
                ("=?UTF-8?B?%s?= <i@example.org>" % base64.b64encode(
                    "Д-р Иванова".encode()).decode(), "verified doctors"),
                ("Moderator Nina <n@example.org>", "moderators")):
            r = self.post(self.news("nina"), from_)
            self.assertTrue(r.startswith("441 "), (from_, r))
            self.assertIn(why, r, from_)
        r = self.post(self.news("nina"), "Нина <nina@example.org>")
        self.assertTrue(r.startswith("240 "), r)
        r = self.post(self.news("nina"), "doktor_zhivago <z@example.org>")
        self.assertTrue(r.startswith("240 "), r)
        r = self.post(self.news(DOCTOR), "Др. Иванова <iv@example.org>")
        self.assertTrue(r.startswith("240 "), r)


class AccountNames(NamesCase):
    """Accounts made with names a substring filter refused (own server:
    the names are then reserved as nicks)."""

    def test_account_names_with_titles(self):
        c = self.client("acct1", proto="ircs")
        r = self.register(c, "Др_Иванова")
        self.assertIn("FAIL REGISTER BAD_ACCOUNT_NAME Др_Иванова", r)
        self.assertIn("verified doctors", r)
        r = self.register(c, "DrPetrov")
        self.assertIn("FAIL REGISTER BAD_ACCOUNT_NAME DrPetrov", r)
        self.assertIn("verified doctors", r)
        self.assertIn("REGISTER SUCCESS doktor_zhivago",
                      self.register(c, "doktor_zhivago"))
        d = self.client("acct2", proto="ircs")
        self.assertIn("REGISTER SUCCESS staffeeva",
                      self.register(d, "staffeeva"))
        # An operator may make a doctor's account with her title.
        r = self.h.hearthmod("account", "add", "Др_Петров", "--role",
                             "doctor", "--password-file", "-",
                             input=PW + "\n")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.h.hearthmod("account", "add", "ДрСидоров",
                             "--password-file", "-", input=PW + "\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("verified doctors", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
