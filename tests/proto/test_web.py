"""The web door's foundation: cookie sessions, form tokens (CSRF),
methods, the page shell, the stylesheet, robots.txt and redirects to
HTTPS (issue 16)."""

import os
import socket
import sqlite3
import unittest
import xml.etree.ElementTree as ET

from hearth_test import HearthTestCase
from web_helpers import WebClient


class WebBase(HearthTestCase):
    protos = ("http", "https", "nntps", "ircs")
    extra_config = ("http_rate_per_second = 1000\nhttp_rate_burst = 1000\n"
                    "login_max_failures = 3\n")

    def setUp(self):
        super().setUp()
        self.h.add_account("anna", "correct horse battery")

    def db(self):
        return sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))


class Sessions(WebBase):

    def test_sign_in_sets_a_fresh_secure_session(self):
        b = WebClient(self.h)
        page = b.get("/signin")
        self.assertEqual(page.status, 200)
        self.assertEqual(page.header("Cache-Control"), "private, no-store")
        # A signed-out form: its own cookie, for the token.
        (fc,) = [c for c in b.set_cookies if c.startswith("hearth_form=")]
        for attr in ("Path=/", "HttpOnly", "SameSite=Lax", "Secure"):
            self.assertIn(attr, fc)
        token = page.csrf()
        self.assertTrue(token)
        # An attacker plants a session id before sign-in.
        planted = "A" * 43
        b.cookies["hearth_session"] = planted
        r = b.post("/signin", {"csrf": token, "name": "anna",
                               "password": "correct horse battery"})
        self.assertEqual(r.status, 303, r.text)
        self.assertEqual(r.header("Location"), "/groups")
        (sc,) = [c for c in b.set_cookies
                 if c.startswith("hearth_session=")]
        for attr in ("Path=/", "HttpOnly", "SameSite=Lax", "Secure",
                     "Max-Age="):
            self.assertIn(attr, sc)
        sid = b.cookies["hearth_session"]
        self.assertNotEqual(sid, planted)
        self.assertEqual(len(sid), 43)
        # Signed in: the name and a sign-out form on every page.
        home = b.get("/")
        self.assertEqual(home.status, 200)
        self.assertIn(">anna<", home.text)
        self.assertIn('action="/signout"', home.text)
        self.assertIn("private", home.header("Cache-Control"))
        # The planted id opens nothing.
        other = WebClient(self.h)
        other.cookies["hearth_session"] = planted
        self.assertNotIn(">anna<", other.get("/").text)
        # The store has a keyed hash of the id, never the id itself.
        db = self.db()
        rows = db.execute("SELECT hash FROM web_sessions").fetchall()
        db.close()
        self.assertEqual(len(rows), 1)
        self.assertNotIn(sid, rows[0][0])
        for name in os.listdir(self.h.dir):
            if name.startswith("hearth.db"):
                with open(os.path.join(self.h.dir, name), "rb") as f:
                    self.assertNotIn(sid.encode(), f.read(), name)

    def test_every_sign_in_makes_a_new_id(self):
        b = WebClient(self.h)
        self.assertEqual(b.sign_in("anna", "correct horse battery").status,
                         303)
        first = b.cookies["hearth_session"]
        self.assertEqual(b.sign_in("anna", "correct horse battery").status,
                         303)
        second = b.cookies["hearth_session"]
        self.assertNotEqual(first, second)
        # The old session ended with the new sign-in.
        old = WebClient(self.h)
        old.cookies["hearth_session"] = first
        self.assertNotIn(">anna<", old.get("/").text)

    def test_sign_out(self):
        b = WebClient(self.h)
        b.sign_in("anna", "correct horse battery")
        sid = b.cookies["hearth_session"]
        page = b.get("/")
        # Without the token: refused, still signed in.
        r = b.post("/signout", {})
        self.assertEqual(r.status, 403)
        self.assertIn(">anna<", b.get("/").text)
        r = b.post("/signout", {"csrf": page.csrf()})
        self.assertEqual(r.status, 303)
        self.assertNotIn("hearth_session", b.cookies)
        again = WebClient(self.h)
        again.cookies["hearth_session"] = sid
        self.assertNotIn(">anna<", again.get("/").text)
        self.assertIn('href="/signin"', again.get("/").text)

    def test_wrong_password_and_throttle(self):
        b = WebClient(self.h)
        r = b.sign_in("anna", "wrong")
        self.assertEqual(r.status, 403)
        self.assertIn("Wrong name or password", r.text)
        self.assertNotIn("hearth_session", b.cookies)
        # The name stays in the form, the password does not.
        self.assertIn('value="anna"', r.text)
        self.assertNotIn('value="wrong"', r.text)
        codes = [b.sign_in("anna", "wrong%d" % i).status for i in range(4)]
        self.assertIn(429, codes)
        # The same throttle as every other sign-in.
        r = b.sign_in("anna", "correct horse battery")
        self.assertEqual(r.status, 429)

    def test_password_change_ends_sessions(self):
        b = WebClient(self.h)
        b.sign_in("anna", "correct horse battery")
        self.assertIn(">anna<", b.get("/").text)
        r = self.h.hearthmod("account", "passwd", "anna", "--password-file",
                             "-", input="another long password\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(">anna<", b.get("/").text)

    def test_erasure_ends_sessions(self):
        b = WebClient(self.h)
        b.sign_in("anna", "correct horse battery")
        r = self.h.hearthmod("account", "erase", "anna", "--mode", "remove")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(">anna<", b.get("/").text)
        db = self.db()
        self.assertEqual(db.execute(
            "SELECT count(*) FROM web_sessions").fetchone()[0], 0)
        db.close()

    def test_plain_loopback_cookies_are_not_secure(self):
        b = WebClient(self.h, tls=False)
        self.assertEqual(b.sign_in("anna", "correct horse battery").status,
                         303)
        (sc,) = [c for c in b.set_cookies
                 if c.startswith("hearth_session=")]
        self.assertNotIn("Secure", sc)
        self.assertIn(">anna<", b.get("/").text)

    def test_next_stays_on_this_site(self):
        b = WebClient(self.h)
        r = b.sign_in("anna", "correct horse battery", "/groups/x?page=2")
        self.assertEqual(r.header("Location"), "/groups/x?page=2")
        for bad in ("//evil.example/", "https://evil.example/",
                    "/\\evil", "/a\r\nSet-Cookie: x=1"):
            r = b.sign_in("anna", "correct horse battery", bad)
            self.assertEqual(r.header("Location"), "/groups", bad)


class Forms(WebBase):

    def test_csrf_refused(self):
        b = WebClient(self.h)
        page = b.get("/signin")
        good = page.csrf()
        creds = {"name": "anna", "password": "correct horse battery"}
        # No token, a wrong one, two tokens, another browser's token.
        for fields in (creds, dict(creds, csrf="x" * 43),
                       dict(creds, csrf=good[:-1] + "A"
                            if good[-1] != "A" else good[:-1] + "B")):
            r = b.post("/signin", fields)
            self.assertEqual(r.status, 403, fields)
            self.assertIn("did not come from this site", r.text)
            self.assertTrue(r.text.startswith("<!DOCTYPE html>"))
        r = b.request("POST", "/signin", body=(
            "csrf=%s&csrf=%s&name=anna&password=correct+horse+battery" %
            (good, good)).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 403)
        other = WebClient(self.h)
        other.get("/signin")
        r = other.post("/signin", dict(creds, csrf=good))
        self.assertEqual(r.status, 403)
        # A cross-site page's POST (Origin of another site).
        r = b.post("/signin", dict(creds, csrf=good),
                   headers={"Origin": "https://evil.example"})
        self.assertEqual(r.status, 403)
        self.assertNotIn("hearth_session", b.cookies)
        # The real thing works, from our own origin.
        r = b.post("/signin", dict(creds, csrf=good), headers={
            "Origin": "https://%s:%d" % self.h.addr("https")})
        self.assertEqual(r.status, 303, r.text)

    def test_methods_and_bodies(self):
        b = WebClient(self.h)
        r = b.get("/signout")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "POST")
        r = b.request("DELETE", "/signin")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "GET, HEAD, POST")
        r = b.request("POST", "/", body=b"a=1", headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "GET, HEAD")
        r = b.request("POST", "/signin", body=b'{"name":"anna"}',
                      headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 415)
        page = b.get("/signin")
        for body in (b"csrf=%s&name=%%zz" % page.csrf().encode(),
                     b"&".join(b"f%d=1" % i for i in range(65)),
                     b"name=%C3%28"):
            r = b.request("POST", "/signin", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(r.status, 400, body[:40])


class Shell(WebBase):

    def test_page_shell(self):
        b = WebClient(self.h)
        r = b.get("/signin", headers={"Accept-Language": "ru"})
        text = r.text
        self.assertTrue(text.startswith("<!DOCTYPE html>"))
        root = ET.fromstring(text[len("<!DOCTYPE html>"):])
        self.assertEqual(root.get("lang"), "ru")
        self.assertIsNotNone(root.find(".//meta[@name='viewport']"))
        self.assertIsNotNone(root.find(".//main"))
        self.assertIsNotNone(root.find(".//nav"))
        self.assertIsNotNone(root.find(".//footer"))
        self.assertIn("Войти", text)
        # Labels for every field.
        for inp in root.iter("input"):
            if inp.get("type") != "hidden":
                self.assertIsNotNone(root.find(
                    ".//label[@for='%s']" % inp.get("id")))
        self.assertNotIn("<script", text)
        # The member's own language wins over the browser's.
        r = self.h.hearthmod("account", "lang", "anna", "ru")
        self.assertEqual(r.returncode, 0, r.stderr)
        b.sign_in("anna", "correct horse battery")
        r = b.get("/", headers={"Accept-Language": "en"})
        self.assertIn('<html lang="ru">', r.text)

    def test_stylesheet(self):
        b = WebClient(self.h)
        page = b.get("/").text
        import re
        href = re.search(r'<link rel="stylesheet" href="([^"]+)"',
                         page).group(1)
        self.assertTrue(href.startswith("/style.css?v="), href)
        r = b.get(href)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "text/css; charset=utf-8")
        self.assertIn("max-age=", r.header("Cache-Control"))
        self.assertGreaterEqual(int(r.header("Cache-Control")
                                    .split("max-age=")[1]), 86400)
        self.assertIn(":focus-visible", r.text)
        self.assertIn("@media", r.text)
        etag = r.header("ETag")
        r = b.get(href, headers={"If-None-Match": etag})
        self.assertEqual(r.status, 304)

    def test_security_headers(self):
        b = WebClient(self.h)
        for path in ("/", "/signin", "/groups"):
            r = b.get(path)
            csp = r.header("Content-Security-Policy")
            self.assertIn("default-src 'self'", csp)
            self.assertIn("frame-ancestors 'none'", csp)
            self.assertEqual(r.header("X-Frame-Options"), "DENY")
            self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")

    def test_banned_member_session_ends(self):
        b = WebClient(self.h)
        b.sign_in("anna", "correct horse battery")
        self.assertIn(">anna<", b.get("/").text)
        r = self.h.hearthmod("ban", "anna", "--reason", "test")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(">anna<", b.get("/").text)

    def test_robots(self):
        b = WebClient(self.h, tls=False)
        r = b.get("/robots.txt")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.text.startswith("User-agent: *\n"))
        for p in ("/signin", "/me/", "/t/"):
            self.assertIn("Disallow: %s\n" % p, r.text)

    def test_error_pages_are_html(self):
        b = WebClient(self.h)
        page = b.get("/signin")
        r = b.post("/signin", {"csrf": "nope"})
        self.assertEqual(r.status, 403)
        self.assertIn("<main", r.text)
        self.assertIn("no-store", r.header("Cache-Control"))


def outside_address():
    """An address of this machine that is not loopback, or None."""
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("192.0.2.1", 9))
        a = s.getsockname()[0]
        s.close()
    except OSError:
        return None
    return None if a.startswith("127.") else a


class Redirects(HearthTestCase):
    protos = ("https",)
    extra_config = ("http_rate_per_second = 1000\nhttp_rate_burst = 1000\n"
                    "listen = http=0.0.0.0:0\n")

    def test_plain_http_goes_to_https_except_feeds_and_loopback(self):
        addr = outside_address()
        if addr is None:
            self.skipTest("no address of this machine but loopback")
        port = self.h.port("http")
        b = WebClient(self.h, tls=False, addr=(addr, port))
        https = self.h.port("https")
        r = b.get("/signin?page=2")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("Location"),
                         "https://%s:%d/signin?page=2" % (addr, https))
        r = b.get("/")
        self.assertEqual(r.status, 301)
        r = b.post("/signin", {"name": "x"})
        self.assertEqual(r.status, 308)
        self.assertEqual(r.header("Location"),
                         "https://%s:%d/signin" % (addr, https))
        # Feeds and the health check stay on plain HTTP.
        self.assertEqual(b.get("/feeds/events.atom").status, 200)
        self.assertEqual(b.get("/healthz").status, 200)
        self.assertEqual(b.get("/robots.txt").status, 200)
        # Loopback (tests, a local proxy) is not redirected.
        lb = WebClient(self.h, tls=False, addr=("127.0.0.1", port))
        self.assertEqual(lb.get("/").status, 200)


if __name__ == "__main__":
    unittest.main()
