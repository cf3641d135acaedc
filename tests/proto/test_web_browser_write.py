"""Writing on the web in a real browser (headless Chromium through
Selenium, browser.py): a newcomer signs up, reads a thread, replies
(and an NNTP client sees the reply in the thread with the right
References), is held on probation and sees the notice, trips the crisis
phrase and sees the hotline, and reports a message that then shows in
`hearthmod queue`.  Screenshots at phone and desktop widths are saved
(see browser.py)."""

import os
import unittest
import urllib.parse

import browser
from news_case import NewsCase

REASON = browser.unavailable()
PW = "a long enough passphrase"
HOTLINE = "Call the support line 8-800-2000-122, day and night"
CRISIS = "some nights I want to die"


@unittest.skipIf(REASON, REASON)
class BrowserWriting(NewsCase):
    protos = ("nntp", "https")
    extra_config = NewsCase.extra_config + "hotline = %s\n" % HOTLINE

    def setUp(self):
        super().setUp()
        self.shots = os.path.join(self.h.dir, "screenshots")
        self.alice = self.member("alice")
        self.bob = self.member("bob")
        self.root = self.post_ok(self.alice, subject="Scared of the port",
                                 body="They put in a port tomorrow.\n")
        self.bobs = self.post_ok(self.bob, subject="Re: Scared of the port",
                                 body="Mine hurt for two days, then "
                                 "nothing.\n",
                                 extra=[("References", self.root)])
        self.base = "https://127.0.0.1:%d" % self.h.port("https")

    def fill(self, b, fields):
        for fid, value in fields.items():
            e = b.driver.find_element("id", fid)
            e.clear()
            e.send_keys(value)
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait
        old = b.driver.find_element("tag name", "html")
        # The form's own button (not the sign-out one in the header).
        b.driver.find_element(
            "css selector", "main form button[type=submit]").click()
        # The answer is a new page: the old <html> is gone.  While the
        # page is being replaced Chromium may answer "does not belong to
        # the document" instead of "stale": that is gone too.
        from selenium.common.exceptions import WebDriverException

        def replaced(_driver):
            try:
                return EC.staleness_of(old)(_driver)
            except WebDriverException as e:
                if "does not belong to the document" in str(e):
                    return True
                raise
        WebDriverWait(b.driver, 20).until(replaced)

    def msgid_from(self, b, link_text):
        href = b.find_link(link_text).get_attribute("href")
        path = urllib.parse.urlparse(href).path
        return urllib.parse.unquote(path.rsplit("/", 1)[1])

    def head(self, msgid):
        r, lines = self.alice.multi("HEAD " + msgid, "221")
        return {k.lower(): v for k, _, v in
                (l.partition(": ") for l in lines)}

    def test_sign_up_read_reply_held_crisis_report(self):
        with browser.Browser(self.shots, browser.PHONE) as b:
            # Sign up from the front door's link, on a phone.
            b.get(self.base + "/signup")
            self.assertIn("Sign up", b.driver.title)
            b.screenshot("signup-phone")
            self.fill(b, {"name": "newcomer", "password": PW,
                          "password2": PW})
            self.assertTrue(b.driver.current_url.endswith("/account"),
                            b.driver.current_url)
            self.assertIn("newcomer", b.text)

            # Read the thread by clicking.
            b.resize(browser.DESKTOP)
            b.get(self.base + "/groups")
            b.find_link("support.oncology").click()
            b.find_link("Scared of the port").click()
            self.assertIn("/threads/", b.driver.current_url)
            thread = b.driver.current_url
            self.assertIn("Mine hurt for two days", b.text)

            # Reply to bob's message, quoting it.
            links = b.driver.find_elements("link text", "Reply")
            self.assertEqual(len(links), 2)
            links[1].click()
            self.assertIn("Mine hurt for two days", b.text)
            b.driver.find_element("id", "quote").click()
            self.fill(b, {"body": "Thank you, that helps a lot."})
            self.assertIn("Your post is in the group", b.text)
            b.screenshot("reply-posted-desktop")
            reply = self.msgid_from(b, "See it")
            # The newsreader sees it in the thread.
            h = self.head(reply)
            self.assertEqual(h["references"],
                             "%s %s" % (self.root, self.bobs))
            self.assertEqual(h["subject"], "Re: Scared of the port")
            self.assertTrue(h["from"].startswith("newcomer <"), h)
            b.get(thread)
            self.assertIn("Thank you, that helps a lot.", b.text)
            b.screenshot("thread-with-reply-desktop")

            # On probation: the next story is held, and the page says so.
            r = self.mod("account", "probation", "newcomer", "1")
            self.assertEqual(r.returncode, 0, r.stderr)
            b.get(self.base + "/groups/support.oncology")
            b.find_link("Write a new story").click()
            self.fill(b, {"subject": "Hello everyone",
                          "body": "New here. Diagnosed last month."})
            self.assertIn("Waiting for a moderator", b.text)
            self.assertIn("new member on probation", b.text)
            notice = b.driver.find_element("css selector", ".notice.held")
            self.assertTrue(notice.is_displayed())
            b.screenshot("held-desktop")
            held = [e for e in self.queue() if e["kind"] == "held" and
                    e.get("author") == "newcomer"]
            self.assertEqual(len(held), 1, self.queue())

            # The crisis phrase: the hotline, first and visible, on a
            # phone.
            b.resize(browser.PHONE)
            b.get(self.base + "/post/support.oncology")
            self.fill(b, {"subject": "A bad night", "body": CRISIS})
            box = b.driver.find_element("css selector", "aside.hotline")
            self.assertTrue(box.is_displayed())
            self.assertIn(HOTLINE, box.text)
            # Above the fold: it starts within the first screen.
            top = b.js("return arguments[0].getBoundingClientRect().top;",
                       box)
            self.assertLess(top, browser.PHONE[1])
            b.screenshot("crisis-hotline-phone")
            crisis = [e for e in self.queue() if e["kind"] == "crisis"]
            self.assertTrue(crisis, self.queue())

            # Report alice's first message.
            b.resize(browser.DESKTOP)
            b.get(thread)
            b.driver.find_elements("link text", "Report")[0].click()
            self.assertIn("Report a message", b.text)
            self.fill(b, {"reason": "this looks like an advert"})
            self.assertIn("Report sent", b.text)
            b.screenshot("report-sent-desktop")
        out = self.mod("queue").stdout
        self.assertIn(self.root, out)
        (rep,) = [e for e in self.queue() if e["kind"] == "report"]
        self.assertEqual(rep["item_ref"], self.root)
        for name in ("signup-phone", "reply-posted-desktop", "held-desktop",
                     "crisis-hotline-phone", "report-sent-desktop"):
            path = os.path.join(os.environ.get("HEARTH_SCREENSHOT_DIR") or
                                self.shots, name + ".png")
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
