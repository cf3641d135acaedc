"""The web reader as a forum in a real browser (headless Chromium
through Selenium, browser.py): a member signs in, pages back through a
group to its oldest thread by the "Older threads" link, opens it (the
group then shows it read), and chooses a time zone on the account page,
after which the group's times are in that zone."""

import calendar
import os
import time
import unittest

import browser
from news_case import NewsCase
from nntp_helpers import PASSWORD

REASON = browser.unavailable()
GROUP = "support.ms"


@unittest.skipIf(REASON, REASON)
class BrowserForum(NewsCase):
    protos = ("nntp", "https")

    def setUp(self):
        super().setUp()
        self.shots = os.path.join(self.h.dir, "screenshots")
        alice = self.member("alice")
        self.oldest = self.post_ok(alice, group=GROUP,
                                   subject="The very first thread",
                                   body="From long ago.\n")
        for i in range(44):
            self.post_ok(alice, group=GROUP, subject="Story %02d" % i)
        self.base = "https://127.0.0.1:%d" % self.h.port("https")

    def submit(self, b, action):
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait
        from selenium.common.exceptions import WebDriverException
        old = b.driver.find_element("tag name", "html")
        b.driver.find_element(
            "css selector", "main form[action='%s'] button[type=submit]"
            % action).click()

        def replaced(_driver):
            try:
                return EC.staleness_of(old)(_driver)
            except WebDriverException as e:
                if "does not belong to the document" in str(e):
                    return True
                raise
        WebDriverWait(b.driver, 20).until(replaced)

    def sign_in(self, b):
        b.get(self.base + "/signin")
        for fid, value in (("name", "alice"), ("password", PASSWORD)):
            e = b.driver.find_element("id", fid)
            e.clear()
            e.send_keys(value)
        self.submit(b, "/signin")

    def test_page_back_and_choose_a_zone(self):
        from selenium.webdriver.support.ui import Select
        with browser.Browser(self.shots, browser.DESKTOP) as b:
            self.sign_in(b)
            b.get(self.base + "/groups/" + GROUP)
            self.assertIn("Page 1 of 3", b.text)
            self.assertIn("Story 43", b.text)
            # Older, older: the oldest thread, on the last page.
            b.find_link("Older threads \u2192").click()
            self.assertIn("Page 2 of 3", b.text)
            b.find_link("Older threads \u2192").click()
            self.assertIn("Page 3 of 3", b.text)
            self.assertEqual(b.driver.find_elements(
                "link text", "Older threads \u2192"), [])
            b.screenshot("group-last-page-desktop")
            item = b.driver.find_element(
                "xpath", "//li[a[text()='The very first thread']]")
            self.assertEqual(item.get_attribute("class"), "new")
            b.find_link("The very first thread").click()
            self.assertIn("From long ago.", b.text)
            # Opened: no longer new; the others still are.
            b.driver.back()
            b.driver.refresh()
            item = b.driver.find_element(
                "xpath", "//li[a[text()='The very first thread']]")
            self.assertNotEqual(item.get_attribute("class"), "new")
            self.assertEqual(len(b.driver.find_elements(
                "css selector", "ul.threads li.new")), 4)
            # The time zone: chosen on the account page.
            b.find_link("\u2190 Newer threads").click()
            self.assertIn("Page 2 of 3", b.text)
            t = b.driver.find_element("css selector", "ul.threads time")
            iso = t.get_attribute("datetime")
            self.assertTrue(t.text.endswith(" UTC"), t.text)
            b.get(self.base + "/account")
            Select(b.driver.find_element("id", "tz")).select_by_value(
                "Asia/Yekaterinburg")
            self.submit(b, "/account/timezone")
            self.assertTrue(b.driver.current_url.endswith("/account"))
            self.assertEqual(Select(b.driver.find_element(
                "id", "tz")).first_selected_option.get_attribute("value"),
                "Asia/Yekaterinburg")
            b.screenshot("account-timezone-desktop")
            b.get(self.base + "/groups/%s?page=2" % GROUP)
            t = b.driver.find_element("css selector", "ul.threads time")
            self.assertEqual(t.get_attribute("datetime"), iso)
            when = time.gmtime(calendar.timegm(time.strptime(
                iso, "%Y-%m-%dT%H:%M:%SZ")) + 5 * 3600)
            self.assertEqual(t.text, time.strftime("%d.%m.%Y %H:%M ",
                                                   when) + "UTC+5")
            # Phone width: the pager and the form fit.
            b.resize(browser.PHONE)
            b.get(b.driver.current_url)
            overflow = b.js("return document.documentElement.scrollWidth"
                            " - window.innerWidth;")
            self.assertLessEqual(overflow, 0)
            b.screenshot("group-page-phone")


if __name__ == "__main__":
    unittest.main()
