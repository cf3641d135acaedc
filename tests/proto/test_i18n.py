"""Russian first (issue 15): with the shipped `language = ru`, a member
goes through sign-up, Helper HELP, a held post, a crisis phrase, an
event reminder and a ban over IRC and NNTP, and reads Russian
everywhere: no English sentence (three ASCII words in a row outside
codes, nicks, commands and addresses) in any text the server wrote for
them.  A member who says LANGUAGE en reads English from then on; codes
and numerics never change.
"""

import datetime
import unittest
import re

import json
import os
import tempfile

from hearth_test import SCALE, SRCDIR
from irc_helpers import IrcCase, parse
import test_inbox
from nntp_helpers import PASSWORD as PW

# Three words of ASCII letters (with a lower-case letter: commands such
# as "SASL EXTERNAL" are upper case) in a row is an English sentence.
ENGLISH = re.compile(r"(?<![\w<@#/.-])(?:[A-Za-z]*[a-z][A-Za-z]*[,.;:!?']?"
                     r"\s+){2}[A-Za-z]*[a-z][A-Za-z]*(?![\w@>/.-])")


def english(text):
    """The English sentence in TEXT, or None."""
    # Addresses, message-ids, rooms and groups are names, not words.
    t = re.sub(r"<[^>]*>|https?://\S+|#[\w.-]+|\b[\w-]+(?:\.[\w-]+)+\b",
               " ", text)
    m = ENGLISH.search(t)
    return m.group(0) if m else None


class RussianFirst(IrcCase):
    protos = ("irc", "ircs", "nntp", "http")
    extra_config = ("language = ru\n"
                    "crisis_phrases_file = %s/etc/crisis-phrases.conf\n"
                    "report_autohide_threshold = 0\n"
                    "event_reminder_minutes = 1\n" % SRCDIR)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("modi", PW, "moderator")
        cls.h.add_account("bystander", PW)

    def setUp(self):
        super().setUp()
        self.news_clients = []

    def tearDown(self):
        for n in self.news_clients:
            n.lc.close()
        super().tearDown()

    # The inbox tests' helpers (test_inbox.py), as they are.
    mod = test_inbox.Inbox.mod
    member = test_inbox.Inbox.member
    news = test_inbox.Inbox.news
    post = test_inbox.Inbox.post
    inbox = test_inbox.Inbox.inbox
    from_inbox = test_inbox.Inbox.from_inbox
    from_helper = test_inbox.Inbox.from_helper

    def helper(self, c, text):
        lines = c.cmd("PRIVMSG Helper :" + text)
        return [parse(l)[3][-1] for l in lines
                if l.startswith(":Helper!") and " NOTICE " in l]

    def assertRussian(self, text):
        """TEXT has Cyrillic and no English sentence."""
        self.assertIsNone(english(text), text)
        self.assertRegex(text, "[А-Яа-яЁё]")

    # -- the checker itself ---------------------------------------------

    def test_checker_finds_english(self):
        self.assertEqual(english("Your message waits for a moderator"),
                         "Your message waits")
        self.assertIsNone(english("Ваше сообщение в #patient-school ждёт "
                                  "модератора (SASL EXTERNAL)"))
        self.assertIsNone(english("<a1@hearth.test> ask-a-doctor.diabetes"))
        self.assertIsNotNone(english("Вы не одни. You are not alone."))

    # -- the walk -------------------------------------------------------

    def test_signup_and_help_in_russian(self):
        c = self.raw("ircs")
        c.send("NICK masha")
        c.send("USER masha 0 * :Masha")
        lines = c.until(" 376 ")
        motd = [parse(l)[3][-1] for l in lines if " 372 " in l]
        self.assertIn("- Добро пожаловать в Hearth.", motd)
        for t in motd:
            self.assertRussian(t)
        # 001 keeps its code; its text is Russian.
        welcome = [l for l in lines if " 001 " in l][0]
        self.assertIn("Добро пожаловать в сеть", welcome)
        c.sync()
        said = self.helper(c, "РЕГИСТРАЦИЯ :" + PW)
        said = said or [self.from_helper(c, "masha")]
        self.assertTrue(any("Добро пожаловать, masha" in s for s in said),
                        said)
        for s in said:
            self.assertRussian(s)
        # HELP by its Russian name, in any case, and by its English one.
        for word in ("ПОМОЩЬ", "помощь", "HELP"):
            lines = self.helper(c, word)
            self.assertGreater(len(lines), 10, lines)
            self.assertIn("ПОМОЩЬ (HELP) — этот список", lines)
            self.assertTrue(any(l.startswith("ЯЗЫК (LANGUAGE) ru|en")
                                for l in lines), lines)
            for l in lines:
                self.assertRussian(l)
        said = self.helper(c, "ЧТОТО")
        self.assertEqual(said, ["Не знаю команду ЧТОТО; напишите ПОМОЩЬ."])
        # A numeric's text is Russian, its code and parameters are not.
        r = c.cmd("WHOIS nobody-here")
        self.assertTrue(any(" 401 masha nobody-here :Нет такого ника" in l
                            for l in r), r)

    def test_held_post_crisis_over_nntp_and_irc(self):
        lena = self.member("lena")
        n = self.news("lena")
        # Replies after the code are Russian; codes stay.
        self.assertEqual(n.cmd("GROUP no.such.group"),
                         "411 Нет такой группы")
        r340, r = n.post([("From", "Лена <l@example.org>"),
                          ("Newsgroups", "ask-a-doctor.diabetes"),
                          ("Subject", "Инсулин на ночь?")], "Вопрос.\n")
        self.assertTrue(r.startswith("240 "), r)
        self.assertIn("ждёт модератора: модерируемая группа", r)
        self.assertRussian(r)
        said = self.from_helper(lena, "ждёт модератора")
        self.assertIn("Ваш пост «Инсулин на ночь?» в ask-a-doctor.diabetes",
                      said)
        self.assertRussian(said)
        held = self.from_inbox("lena", "held", "Инсулин на ночь?",
                               "Модератор скоро посмотрит")
        self.assertEqual(held["subject"], "Ждёт модератора: Инсулин на ночь?")
        self.assertRussian(held["body"].split(" -- ")[0])
        # The crisis phrase, said in a room: the hotline in Russian.
        r = lena.cmd("JOIN #newly-diagnosed-ms")
        self.assertTrue(any(" 332 lena #newly-diagnosed-ms :Недавно узнали "
                            "о рассеянном склерозе" in l for l in r), r)
        r, lines = n.multi("LIST NEWSGROUPS support.*", "215")
        self.assertIn("support.diabetes\tЖизнь с диабетом 1-го и 2-го типа",
                      lines)
        lena.send("PRIVMSG #newly-diagnosed-ms :я не хочу жить")
        said = self.from_helper(lena, "Вы не одни")
        self.assertIn("номеру экстренной помощи", said)
        self.assertIn("Модераторы уже знают", said)
        self.assertRussian(said)
        m = self.from_inbox("lena", "crisis", "Вы не одни")
        self.assertEqual(m["subject"], "Вы не одни")
        self.assertRussian(m["body"].split(" -- ")[0])

    def test_event_reminder_and_ban(self):
        vera = self.member("vera")
        starts = (datetime.datetime.utcnow() + datetime.timedelta(
            seconds=75)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = self.mod("event", "add", "--title", "Школа помпы",
                       "--starts", starts, "--duration", "30m", "--room",
                       "#patient-school")
        eid = out.split()[1]
        # The announcement is written in the operator's language.
        n = self.news("vera")
        r = n.cmd("GROUP hearth.announce")
        self.assertTrue(r.startswith("211 "), r)
        r, lines = n.multi("ARTICLE " + r.split()[3], "220")
        body = "\n".join(lines[lines.index("") + 1:])
        self.assertIn("Запланировано новое событие.", body)
        self.assertIn("Где: комната IRC #patient-school", body)
        self.assertIsNone(english(body.split("\n-- \n")[0]), body)
        said = self.helper(vera, "НАПОМНИТЬ " + eid)
        self.assertTrue(any("Напомню вам за 1 минуту до начала события №" + eid in s
                            for s in said), said)
        vera.lc.sock.settimeout(40 * SCALE)
        said = self.from_helper(vera, "Напоминание: скоро начнётся")
        self.assertIn("Школа помпы", said)
        self.assertRussian(said)
        m = self.from_inbox("vera", "reminder", "Школа помпы")
        self.assertEqual(m["subject"], "Напоминание: Школа помпы")
        vera.lc.sock.settimeout(5 * SCALE)
        # A ban and its end.
        self.mod("ban", "vera", "--scope", "#patient-school", "--reason",
                 "повторный спам")
        said = self.from_helper(vera, "Вам закрыт доступ в #patient-school")
        self.assertIn("без срока окончания", said)
        self.assertIn("повторный спам", said)
        self.assertRussian(said)
        m = self.from_inbox("vera", "sanction", "повторный спам")
        self.assertEqual(m["subject"], "Вам закрыт доступ в #patient-school")
        self.mod("unban", "vera", "--scope", "#patient-school")
        said = self.from_helper(vera, "Блокировка в #patient-school снята")
        self.assertRussian(said)

    def test_doctor_badge_in_russian(self):
        self.h.add_account("drivanova", PW)
        self.mod("account", "verify-doctor", "drivanova", "--specialty",
                 "oncology")
        self.client("drivanova", sasl=("drivanova", PW))
        asker = self.member("asker")
        r = asker.cmd("WHOIS drivanova")
        self.assertTrue(any(" 320 asker drivanova :— проверенный врач "
                            "(онкология)" in l for l in r), r)

    # -- the landing page ------------------------------------------------

    def landing(self, accept_language=None):
        import http.client
        c = http.client.HTTPConnection(*self.h.addr("http"), timeout=5)
        hdrs = {} if accept_language is None else {
            "Accept-Language": accept_language}
        c.request("GET", "/", headers=hdrs)
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        self.assertEqual(r.status, 200)
        return r, body

    def test_landing_page_in_the_visitors_language(self):
        r, body = self.landing()
        self.assertIn('<html lang="ru">', body)
        self.assertIn("Как подключиться", body)
        # The shipped group descriptions and room topics, too.
        self.assertIn("Жизнь с диабетом 1-го и 2-го типа", body)
        self.assertIn("Восстановление после инсульта", body)
        self.assertIn("Accept-Language", r.getheader("Vary"))
        r, body = self.landing("en-US,en;q=0.9,ru;q=0.5")
        self.assertIn('<html lang="en">', body)
        self.assertIn("How to connect", body)
        self.assertNotIn("Как подключиться", body)
        # q-values decide; a language without a catalogue is skipped.
        r, body = self.landing("ru;q=0.2, en;q=0.8")
        self.assertIn('<html lang="en">', body)
        r, body = self.landing("de-DE, ru;q=0.7, en;q=0.3")
        self.assertIn('<html lang="ru">', body)
        r, body = self.landing("de")
        self.assertIn('<html lang="ru">', body)
        self.assertIn("Группы поддержки", body)
        r, body = self.landing("en;q=0")
        self.assertIn('<html lang="ru">', body)
        # Feeds are shared: the operator's language.
        import http.client
        c = http.client.HTTPConnection(*self.h.addr("http"), timeout=5)
        c.request("GET", "/feeds/events.atom")
        feed = c.getresponse().read().decode()
        c.close()
        self.assertIn("События Hearth: школы пациентов и встречи", feed)

    # -- English on request --------------------------------------------

    def test_language_en_reads_english(self):
        tom = self.member("tom")
        said = self.helper(tom, "ЯЗЫК")
        self.assertTrue(any("Ваш язык: ru" in s for s in said), said)
        said = self.helper(tom, "LANGUAGE xx")
        self.assertTrue(any("Я не говорю на языке «xx»" in s for s in said),
                        said)
        said = self.helper(tom, "LANGUAGE en")
        self.assertEqual(said, ["From now on I speak to you in English."])
        lines = self.helper(tom, "HELP")
        self.assertIn("HELP - this list", lines)
        self.mod("warn", "tom", "Please keep advice general")
        said = self.from_helper(tom, "Please keep advice general")
        self.assertIn("A message from the moderators", said)
        # NNTP follows the account too.
        n = self.news("tom")
        self.assertEqual(n.cmd("GROUP no.such.group"),
                         "411 No such newsgroup")
        # The export shows it; hearthmod sets it back.
        with tempfile.TemporaryDirectory() as d:
            self.mod("account", "export", "tom", "--output", d)
            with open(os.path.join(d, "member.json")) as f:
                self.assertEqual(json.load(f)["account"]["language"], "en")
        out = self.mod("account", "lang", "tom", "ru")
        self.assertIn("ru", out)
        said = self.helper(tom, "HELP")
        self.assertIn("ПОМОЩЬ (HELP) — этот список", said)
        r = self.h.hearthmod("account", "lang", "tom", "klingon")
        self.assertNotEqual(r.returncode, 0)
        r = self.h.hearthmod("account", "lang", "nobody-x", "en")
        self.assertNotEqual(r.returncode, 0)
        # The Russian word for English works too.
        said = self.helper(tom, "ЯЗЫК английский")
        self.assertEqual(said, ["From now on I speak to you in English."])
        # A guest chooses for this connection only.
        guest = self.client("guest1")
        self.assertEqual(self.helper(guest, "LANGUAGE en"),
                         ["From now on I speak to you in English."])
        r = guest.cmd("WHOIS nobody-here")
        self.assertTrue(any(":No such nick/channel" in l for l in r), r)
        other = self.client("guest2")
        r = other.cmd("WHOIS nobody-here")
        self.assertTrue(any(":Нет такого ника" in l for l in r), r)
        # IRCv3 draft/languages (as Ergo): offered, then chosen per
        # connection over the account's.
        c = self.raw()
        r = c.cmd("CAP LS 302")
        caps = " ".join(parse(l)[3][-1] for l in r).split()
        self.assertIn("draft/languages=2,en,ru", caps)
        r = c.cmd("LANGUAGE de fr")
        self.assertTrue(any(" 982 * de fr :Эти языки сервер не "
                            "поддерживает." in l for l in r), r)
        r = c.cmd("LANGUAGE de ~en")
        self.assertTrue(any(" 687 * en :Language preferences have been "
                            "set." in l for l in r), r)
        r = c.cmd("LANGUAGE en ru de")
        self.assertTrue(any(" 981 * 2 :" in l for l in r), r)
        c.send("NICK langcap")
        c.send("USER l 0 * :L")
        c.send("CAP END")
        r = c.until(" 001 ")
        self.assertIn("Welcome to the Hearth IRC Network", r[-1])
        # Anonymous readers get the operator's language.
        anon = self.news()
        self.assertEqual(anon.cmd("GROUP no.such.group"),
                         "411 Нет такой группы")



class Reload(unittest.TestCase):
    """The catalogues are read again on SIGHUP: one taken away means
    English, put back means Russian, without a restart."""

    def test_catalogues_reloaded_on_sighup(self):
        import shutil
        import signal
        import time
        from hearth_test import Hearthd, LOCALE_DIR, LineClient
        tmp = tempfile.mkdtemp(prefix="hearth-locale-")
        for f in ("en.mo", "ru.mo"):
            shutil.copy(os.path.join(LOCALE_DIR, f), tmp)
        h = Hearthd("language = ru\nlocale_dir = %s\n" % tmp,
                    protos=("nntp",)).start()
        try:
            def group_reply():
                lc = LineClient(h.addr("nntp"))
                lc.readline()
                lc.send("GROUP no.such.group")
                r = lc.readline()
                lc.close()
                return r

            def reload(n):
                h.signal(signal.SIGHUP)
                deadline = time.time() + 10 * SCALE
                while h.log().count("configuration and TLS certificate "
                                    "reloaded") < n:
                    self.assertLess(time.time(), deadline)
                    time.sleep(0.05)

            self.assertEqual(group_reply(), "411 Нет такой группы")
            os.unlink(os.path.join(tmp, "ru.mo"))
            reload(1)
            self.assertEqual(group_reply(), "411 No such newsgroup")
            self.assertIn("no catalogue for it", h.log())
            shutil.copy(os.path.join(LOCALE_DIR, "ru.mo"), tmp)
            reload(2)
            self.assertEqual(group_reply(), "411 Нет такой группы")
        finally:
            self.assertEqual(h.stop(), 0)
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main(verbosity=2)
