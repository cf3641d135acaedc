"""A real browser for the web door's tests: headless Chromium driven
through Selenium (Debian's chromium, chromium-driver, python3-selenium;
./quickstart test installs them).

    reason = browser.unavailable()      # None, or why not (skip then)
    with browser.Browser(shots_dir, size=browser.PHONE) as b:
        b.get(url); b.find_link("support.oncology").click()
        b.screenshot("group-phone")

Screenshots go to SHOTS_DIR (the test's temporary directory), or to
$HEARTH_SCREENSHOT_DIR when set, so a run can keep them.
"""

import os
import shutil
import tempfile

PHONE = (390, 844)      # a common phone's CSS pixels
DESKTOP = (1280, 900)


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def unavailable():
    """None when a browser can be driven here, else the reason."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "python3-selenium is not installed"
    if _chromium() is None:
        return "chromium is not installed"
    if shutil.which("chromedriver") is None:
        return "chromium-driver (chromedriver) is not installed"
    return None


class Browser:
    """One headless Chromium window of SIZE (width, height)."""

    def __init__(self, shots_dir, size=DESKTOP):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        self.shots_dir = os.environ.get("HEARTH_SCREENSHOT_DIR") or shots_dir
        os.makedirs(self.shots_dir, exist_ok=True)
        self.profile = tempfile.mkdtemp(prefix="hearth-chromium-")
        opts = Options()
        opts.binary_location = _chromium()
        for a in ("--headless=new", "--disable-gpu", "--no-sandbox",
                  "--disable-dev-shm-usage", "--ignore-certificate-errors",
                  "--no-first-run", "--disable-extensions",
                  "--disable-background-networking",
                  "--user-data-dir=" + self.profile,
                  "--window-size=%d,%d" % size, "--lang=en-US"):
            opts.add_argument(a)
        opts.accept_insecure_certs = True
        self.driver = webdriver.Chrome(
            service=Service(shutil.which("chromedriver")), options=opts)
        self.driver.set_page_load_timeout(30)
        self.resize(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, True)

    def resize(self, size):
        """Make the page's viewport SIZE (CSS pixels)."""
        self.driver.set_window_size(*size)
        w, h = self.driver.execute_script(
            "return [window.innerWidth, window.innerHeight];") or size
        # Window chrome takes room in some versions: grow to fit.
        if (w, h) != tuple(size) and w and h:
            self.driver.set_window_size(size[0] + size[0] - w,
                                        size[1] + size[1] - h)

    def get(self, url):
        self.driver.get(url)

    @property
    def text(self):
        return self.driver.find_element("tag name", "body").text

    def find_link(self, text):
        return self.driver.find_element("link text", text)

    def focused(self):
        """(tag, href or text) of the element that has the focus."""
        return self.driver.execute_script(
            "var e = document.activeElement; return [e.tagName, "
            "e.getAttribute('href') || e.textContent];")

    def tab(self, shift=False):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        ac = ActionChains(self.driver)
        if shift:
            ac.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT)
        else:
            ac.send_keys(Keys.TAB)
        ac.perform()
        return self.focused()

    def press_enter(self):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        ActionChains(self.driver).send_keys(Keys.ENTER).perform()

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def screenshot(self, name):
        path = os.path.join(self.shots_dir, name + ".png")
        self.driver.save_screenshot(path)
        return path
