"""The web reader in a real browser (headless Chromium through
Selenium): a visitor reads a thread by clicking from the group list,
the keyboard reaches every link, the focus is visible, and the pages fit
a phone.  Screenshots of a thread and the group list at phone and
desktop widths are saved (see browser.py)."""

import os
import unittest

import browser
from news_case import NewsCase

REASON = browser.unavailable()


@unittest.skipIf(REASON, REASON)
class BrowserReading(NewsCase):
    protos = ("nntp", "https")

    def setUp(self):
        super().setUp()
        self.shots = os.path.join(self.h.dir, "screenshots")
        alice = self.member("alice")
        bob = self.member("bob")
        self.root = self.post_ok(alice, subject="First chemo next week",
                                 body="What should I bring?\n")
        self.post_ok(bob, subject="Re: First chemo next week",
                     body="A warm blanket and something to read.\n",
                     extra=[("References", self.root)])
        self.base = "https://127.0.0.1:%d" % self.h.port("https")

    def test_read_a_thread_by_clicking(self):
        with browser.Browser(self.shots, browser.DESKTOP) as b:
            b.get(self.base + "/groups")
            self.assertIn("support.oncology", b.text)
            b.screenshot("groups-desktop")
            b.find_link("support.oncology").click()
            self.assertTrue(b.driver.current_url.endswith(
                "/groups/support.oncology"), b.driver.current_url)
            b.find_link("First chemo next week").click()
            self.assertIn("/threads/", b.driver.current_url)
            self.assertIn("A warm blanket and something to read.", b.text)
            self.assertIn("What should I bring?", b.text)
            # The hotline is on the page, visibly.
            hot = b.driver.find_element("css selector", "footer .hotline")
            self.assertTrue(hot.is_displayed())
            b.screenshot("thread-desktop")
            # The reply is nested inside the first article's item.
            nested = b.driver.find_elements(
                "css selector", "main ul.tree > li > ul.tree > li article")
            self.assertEqual(len(nested), 1)
            self.assertIn("warm blanket", nested[0].text)
            # Phone width: one column, nothing wider than the screen.
            b.resize(browser.PHONE)
            b.get(b.driver.current_url)
            overflow = b.js("return document.documentElement.scrollWidth"
                            " - window.innerWidth;")
            self.assertLessEqual(overflow, 0)
            b.screenshot("thread-phone")
            b.get(self.base + "/groups")
            b.screenshot("groups-phone")
        for name in ("groups-desktop", "thread-desktop", "thread-phone",
                     "groups-phone"):
            path = os.path.join(os.environ.get("HEARTH_SCREENSHOT_DIR") or
                                self.shots, name + ".png")
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_keyboard_reaches_the_links(self):
        with browser.Browser(self.shots, browser.DESKTOP) as b:
            b.get(self.base + "/groups")
            seen = []
            for _ in range(40):
                tag, what = b.tab()
                seen.append((tag, what))
                if what == "/groups/support.oncology":
                    break
            # First the skip link, then the navigation, then the groups.
            self.assertEqual(seen[0], ("A", "#main"))
            hrefs = [w for t, w in seen if t == "A"]
            self.assertIn("/groups", hrefs)
            self.assertIn("/signin", hrefs)
            self.assertEqual(hrefs[-1], "/groups/support.oncology")
            # The focus is visible (an outline, never removed).
            style = b.js("var s = getComputedStyle(document.activeElement);"
                         "return [s.outlineStyle, s.outlineWidth];")
            self.assertNotEqual(style[0], "none")
            self.assertNotEqual(style[1], "0px")
            # Enter follows the focused link; Tab goes on into the page.
            b.press_enter()
            self.assertTrue(b.driver.current_url.endswith(
                "/groups/support.oncology"))
            for _ in range(40):
                tag, what = b.tab()
                if what and what.startswith("/threads/"):
                    break
            self.assertTrue(what.startswith("/threads/"), what)
            b.press_enter()
            self.assertIn("A warm blanket", b.text)
            # The skip link jumps to the main content.
            b.get(self.base + "/groups")
            b.tab()
            b.press_enter()
            self.assertTrue(b.driver.current_url.endswith("#main"))


if __name__ == "__main__":
    unittest.main()
