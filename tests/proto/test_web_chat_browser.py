"""The web chat in a real browser (headless Chromium through Selenium,
browser.py): a member signs in on the web, opens a room's chat page,
sees what was said before (draft/chathistory), exchanges lines with an
IRC client in the same test, reports a message with the keyboard-usable
Report form, and the report is in `hearthmod queue`.  The page runs
under the server's Content-Security-Policy (only /chat.js runs; a
violation would stop the chat, and the console is checked).

Screenshots of the landing page and the chat page at phone (390x844)
and desktop (1280x900) widths go to the test's temporary directory, or
to $HEARTH_SCREENSHOT_DIR (see browser.py).
"""

import base64
import json
import os
import time
import unittest

import browser
from hearth_test import SCALE, HearthTestCase, LineClient
from irc_helpers import Irc

REASON = browser.unavailable()
PW = "correct horse battery"
ROOM = "#newly-diagnosed-oncology"


@unittest.skipIf(REASON, REASON)
class BrowserChat(HearthTestCase):
    protos = ("https", "irc", "nntps", "ircs")
    extra_config = ("http_rate_per_second = 1000\nhttp_rate_burst = 1000\n"
                    "rate_per_second = 1000\nrate_burst = 1000\n"
                    "timezone = Europe/Moscow\n")

    def setUp(self):
        super().setUp()
        self.h.add_account("anna", PW)
        self.h.add_account("boris", PW)
        # Anna reads Russian: her pages and the chat's texts are in it.
        r = self.h.hearthmod("account", "lang", "anna", "ru")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.shots = os.path.join(self.h.dir, "screenshots")
        self.base = "https://127.0.0.1:%d" % self.h.port("https")

    def boris(self):
        """Boris on plain IRC, signed in with SASL, in the room."""
        lc = LineClient(self.h.addr("irc"))
        self.clients.append(lc)
        c = Irc(lc)
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            ("\0boris\0" + PW).encode()).decode())
        c.until(" 903 ")
        c.send("NICK boris")
        c.send("USER boris 0 * :Boris")
        c.send("CAP END")
        c.until(" 001 ")
        c.cmd("JOIN " + ROOM)
        return c

    def wait(self, b, pred, what, timeout=15):
        end = time.time() + timeout * SCALE
        while time.time() < end:
            v = pred()
            if v:
                return v
            time.sleep(0.1)
        self.fail("timed out waiting for %s; page text:\n%s\nconsole:\n%s"
                  % (what, b.text, self.console(b)))

    def console(self, b):
        try:
            return "\n".join(e["message"] for e in
                             b.driver.get_log("browser"))
        except Exception:       # not every driver keeps the log
            return ""

    def log_items(self, b):
        return [li.text for li in b.driver.find_elements(
            "css selector", "#chat-log li")]

    def sign_in(self, b):
        b.get(self.base + "/signin")
        b.driver.find_element("id", "name").send_keys("anna")
        pw = b.driver.find_element("id", "password")
        pw.send_keys(PW)
        pw.submit()
        self.wait(b, lambda: "/signin" not in b.driver.current_url,
                  "the sign-in")

    def test_chat_with_an_irc_client_and_report(self):
        irc = self.boris()
        # Said before anna comes: she sees it as the room's history.
        irc.cmd("PRIVMSG %s :Hello from before the browser came" % ROOM)
        with browser.Browser(self.shots, browser.DESKTOP) as b:
            b.get(self.base + "/")
            self.assertIn("Welcome to", b.text)
            b.screenshot("landing-desktop")
            self.sign_in(b)
            b.get(self.base + "/")
            self.assertIn("Добро пожаловать", b.text)
            b.resize(browser.PHONE)
            b.get(self.base + "/")
            self.assertLessEqual(b.js(
                "return document.documentElement.scrollWidth"
                " - window.innerWidth;"), 0)
            b.screenshot("landing-phone")
            b.resize(browser.DESKTOP)
            b.get(self.base + "/")
            b.screenshot("landing-desktop-signed-in")

            # The room from the landing page's link.
            b.find_link(ROOM).click()
            self.assertTrue(b.driver.current_url.endswith(
                "/chat/newly-diagnosed-oncology"), b.driver.current_url)
            inp = b.driver.find_element("id", "chat-input")
            self.wait(b, inp.is_enabled, "the chat to join")
            self.wait(b, lambda: any("Hello from before the browser came"
                                     in t for t in self.log_items(b)),
                      "the room's history")
            # Boris sees anna join, over IRC.
            irc.until(lambda l: " JOIN " in l and l.startswith(":anna!"))

            # Anna writes from the browser (keyboard only: type, Enter).
            inp.send_keys("Hi, I was diagnosed last week")
            b.press_enter()
            line = irc.until(lambda l: "PRIVMSG " + ROOM in l and
                             "Hi, I was diagnosed last week" in l)[-1]
            self.assertTrue(line.startswith(":anna!"), line)
            self.wait(b, lambda: any("Hi, I was diagnosed last week" in t
                                     for t in self.log_items(b)),
                      "anna's own line (echo-message)")
            # Boris answers; anna sees it live.
            irc.cmd("PRIVMSG %s :Welcome, anna. We are here." % ROOM)
            self.wait(b, lambda: any("Welcome, anna. We are here." in t
                                     for t in self.log_items(b)),
                      "boris's answer")
            irc.cmd("PRIVMSG %s :You are all fools and cowards" % ROOM)
            bad = self.wait(b, lambda: [
                li for li in b.driver.find_elements(
                    "css selector", "#chat-log li")
                if "fools and cowards" in li.text], "the unkind line")[0]

            # Report it: the button, a reason, Send.
            msgid = bad.get_attribute("data-msgid")
            self.assertTrue(msgid)
            bad.find_element("css selector", "button.report").click()
            reason = bad.find_element("css selector", "form input")
            self.assertEqual(b.driver.switch_to.active_element, reason)
            reason.send_keys("insults members")
            b.press_enter()
            self.wait(b, lambda: any(
                "Helper" in t for t in self.log_items(b)
                if "fools" not in t), "Helper's answer to the report")
            q = json.loads(self.h.hearthmod("--json", "queue").stdout)
            (entry,) = [e for e in q if e["kind"] == "report"]
            self.assertEqual(entry["item_type"], "chat")
            self.assertEqual(entry["item_ref"], msgid)
            self.assertEqual(entry["author"], "boris")
            self.assertEqual(entry["location"], ROOM)
            self.assertEqual(entry["excerpt"],
                             "You are all fools and cowards")
            # The reason anna typed goes with it.
            r = self.h.hearthmod("show", entry["id"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("insults members", r.stdout)
            # History came as such, under its heading.
            self.assertEqual(b.driver.find_element(
                "css selector", "#chat-log li.sep").text, "Прежние сообщения")
            b.screenshot("chat-desktop")

            # Phone width: the chat fits, and still works.
            b.resize(browser.PHONE)
            b.get(b.driver.current_url)
            inp = b.driver.find_element("id", "chat-input")
            self.wait(b, inp.is_enabled, "the chat to join again")
            self.wait(b, lambda: any("We are here." in t
                                     for t in self.log_items(b)),
                      "history after the reload")
            self.assertLessEqual(b.js(
                "return document.documentElement.scrollWidth"
                " - window.innerWidth;"), 0)
            inp.send_keys("On my phone now")
            b.driver.find_element("id", "chat-send").click()
            irc.until(lambda l: "On my phone now" in l)
            b.screenshot("chat-phone")
            # The chat's texts were Russian (anna's language).
            self.assertIn("Отправить", b.driver.find_element(
                "id", "chat-send").text)
            # No CSP violation or script error on the way.
            console = self.console(b)
            self.assertNotIn("Content Security Policy", console)
            self.assertNotIn("Uncaught", console)
        for name in ("landing-desktop", "landing-phone", "chat-desktop",
                     "chat-phone"):
            path = os.path.join(os.environ.get("HEARTH_SCREENSHOT_DIR") or
                                self.shots, name + ".png")
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
