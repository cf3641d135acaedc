"""The web chat and the front door (issue 16, items 5 and 6), over real
HTTP(S) and IRC over WebSocket: the one-time chat token (works once,
expires, opens only its own account, needs the form token and a web
session), the chat page and its script under a strict
Content-Security-Policy, the room list, the landing page in Russian and
English with the hotline, the disclaimer, the groups and rooms linked
into the web reader and chat, the next event in local time, and the
client settings page.
"""

import base64
import json
import re
import time
import unittest

from hearth_test import HearthTestCase
from irc_helpers import Irc
from web_helpers import WebClient
from ws_client import WsClient

PW = "correct horse battery"


class ChatBase(HearthTestCase):
    protos = ("http", "https", "nntps", "irc", "ircs")
    extra_config = ("http_rate_per_second = 1000\nhttp_rate_burst = 1000\n"
                    "rate_per_second = 1000\nrate_burst = 1000\n"
                    "chat_token_lifetime = 2\n")

    def setUp(self):
        super().setUp()
        self.h.add_account("anna", PW)
        self.h.add_account("boris", PW)

    def signed_in(self, name="anna"):
        b = WebClient(self.h)
        r = b.sign_in(name, PW)
        self.assertEqual(r.status, 303, r.text)
        return b

    def chat_page(self, b, room="newly-diagnosed-oncology"):
        page = b.get("/chat/" + room)
        self.assertEqual(page.status, 200, page.text)
        m = re.search(r'data-csrf="([^"]+)"', page.text)
        self.assertTrue(m, page.text)
        return page, m.group(1)

    def token(self, b, csrf):
        r = b.post("/chat/token", {"csrf": csrf})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("Cache-Control"), "private, no-store")
        self.assertTrue(r.header("Content-Type").startswith(
            "application/json"))
        return json.loads(r.text)

    def ws_sasl(self, account, password):
        """SASL PLAIN over the WebSocket on the HTTPS listener: the
        numeric that answered (903 or 904) and the client."""
        ws = WsClient(self.h.addr("https"), tls=True,
                      subprotocols=["text.ircv3.net"])
        self.clients.append(ws)
        c = Irc(ws)
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        blob = base64.b64encode(("%s\0%s\0%s" % (account, account,
                                                 password)).encode())
        c.send("AUTHENTICATE " + blob.decode())
        line = c.until(lambda l: " 903 " in l or " 904 " in l)[-1]
        return (" 903 " in line), c


class ChatToken(ChatBase):

    def test_token_signs_in_once(self):
        b = self.signed_in()
        _, csrf = self.chat_page(b)
        t = self.token(b, csrf)
        self.assertEqual(t["account"], "anna")
        self.assertRegex(t["token"], r"^[A-Za-z0-9_-]{43}$")
        ok, c = self.ws_sasl("anna", t["token"])
        self.assertTrue(ok)
        c.send("NICK anna")
        c.send("USER web 0 * :anna")
        c.send("CAP END")
        c.until(" 001 ")
        c.send("JOIN #newly-diagnosed-oncology")
        c.until(" 366 ")
        # Spent: the same token never opens the account again.
        ok, _ = self.ws_sasl("anna", t["token"])
        self.assertFalse(ok)
        self.assertIn("auth: chat token taken account=anna", self.h.log())
        self.assertNotIn(t["token"], self.h.log())

    def test_token_is_for_irc_only(self):
        b = self.signed_in()
        _, csrf = self.chat_page(b)
        t = self.token(b, csrf)
        # As an HTTP Basic password it is no password at all ...
        hdr = "Basic " + base64.b64encode(
            ("anna:" + t["token"]).encode()).decode()
        r = WebClient(self.h).get("/me/export.json",
                                  headers={"Authorization": hdr})
        self.assertIn(r.status, (401, 403))
        # ... nor on NNTP, and it is not spent by trying.
        n = self.nntp("nntps")
        n.send("AUTHINFO USER anna")
        n.readline()
        n.send("AUTHINFO PASS " + t["token"])
        self.assertTrue(n.readline().startswith("481"))
        ok, _ = self.ws_sasl("anna", t["token"])
        self.assertTrue(ok)

    def test_token_expires(self):
        b = self.signed_in()
        _, csrf = self.chat_page(b)
        t = self.token(b, csrf)
        time.sleep(3.2)     # chat_token_lifetime = 2
        ok, _ = self.ws_sasl("anna", t["token"])
        self.assertFalse(ok)

    def test_token_is_bound_to_its_account(self):
        b = self.signed_in("anna")
        _, csrf = self.chat_page(b)
        t = self.token(b, csrf)
        ok, _ = self.ws_sasl("boris", t["token"])
        self.assertFalse(ok)
        # Still anna's, and still unspent.
        ok, _ = self.ws_sasl("anna", t["token"])
        self.assertTrue(ok)

    def test_token_needs_the_form_token_and_a_session(self):
        b = self.signed_in()
        _, csrf = self.chat_page(b)
        r = b.post("/chat/token", {})
        self.assertEqual(r.status, 403)
        self.assertNotIn('"token"', r.text)
        r = b.post("/chat/token", {"csrf": "A" * 43})
        self.assertEqual(r.status, 403)
        # A cross-site page: refused even with the right token.
        r = b.post("/chat/token", {"csrf": csrf},
                   headers={"Origin": "https://evil.example"})
        self.assertEqual(r.status, 403)
        self.assertNotIn('"token"', r.text)
        # Only POST.
        r = b.get("/chat/token")
        self.assertEqual(r.status, 405)
        # Signed out: a form token of a signed-out visitor gets nothing.
        anon = WebClient(self.h)
        form = anon.get("/signin")
        r = anon.post("/chat/token", {"csrf": form.csrf()})
        self.assertEqual(r.status, 403)
        self.assertNotIn('"token"', r.text)
        # HTTP Basic is no web session either.
        hdr = "Basic " + base64.b64encode(("anna:" + PW).encode()).decode()
        r = anon.post("/chat/token", {"csrf": form.csrf()},
                      headers={"Authorization": hdr})
        self.assertEqual(r.status, 403)

    def test_a_wrong_token_counts_as_a_failed_sign_in(self):
        # The same throttle as passwords: after login_max_failures (5)
        # from this address for this name, even a good token is refused.
        b = self.signed_in()
        _, csrf = self.chat_page(b)
        t = self.token(b, csrf)
        for i in range(6):
            ok, c = self.ws_sasl("anna", "B" * 43)
            self.assertFalse(ok)
        ok, _ = self.ws_sasl("anna", t["token"])
        self.assertFalse(ok, "a throttled address must not sign in")


class ChatPage(ChatBase):

    def test_page_and_script_under_csp(self):
        b = self.signed_in()
        page, csrf = self.chat_page(b)
        csp = page.header("Content-Security-Policy")
        self.assertTrue(csp)
        self.assertIn("script-src 'self'", csp)
        self.assertIn("connect-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertIn('data-room="#newly-diagnosed-oncology"', page.text)
        # The session cookie's value is nowhere in the page.
        self.assertNotIn(b.cookies["hearth_session"], page.text)
        self.assertIn('aria-live="polite"', page.text)
        self.assertIn('<label for="chat-input">', page.text)
        # Our own script only, no inline script.
        scripts = re.findall(r"<script[^>]*>", page.text)
        self.assertEqual(len(scripts), 1, scripts)
        src = re.search(r'src="(/chat\.js\?v=[0-9a-f]+)"', scripts[0])
        self.assertTrue(src, scripts)
        self.assertNotRegex(page.text, r"<script[^>]*>[^<]")
        js = b.get(src.group(1))
        self.assertEqual(js.status, 200)
        self.assertTrue(js.header("Content-Type").startswith(
            "text/javascript"))
        self.assertIn("AUTHENTICATE PLAIN", js.text)
        self.assertIn("CHATHISTORY LATEST", js.text)
        self.assertIn("REPORT ", js.text)
        self.assertNotIn("http://", js.text)
        self.assertNotIn("https://", js.text)
        css = re.search(r'href="(/chat\.css\?v=[0-9a-f]+)"', page.text)
        self.assertTrue(css)
        self.assertEqual(b.get(css.group(1)).status, 200)

    def test_page_in_russian(self):
        b = self.signed_in()
        page = b.get("/chat/newly-diagnosed-oncology",
                     headers={"Accept-Language": "ru"})
        self.assertEqual(page.status, 200)
        self.assertIn('lang="ru"', page.text)
        self.assertIn("Отправить", page.text)
        self.assertIn("Пожаловаться", page.text)

    def test_signed_out_and_unknown_rooms(self):
        anon = WebClient(self.h)
        page = anon.get("/chat/newly-diagnosed-oncology")
        self.assertEqual(page.status, 200)
        self.assertNotIn("data-csrf", page.text)
        self.assertNotIn("<script", page.text)
        self.assertIn('href="/signin"', page.text)
        self.assertEqual(anon.get("/chat/no-such-room").status, 404)
        # The moderators' room is secret (+s): neither listed nor open.
        self.assertEqual(anon.get("/chat/moderators").status, 404)
        rooms = anon.get("/chat")
        self.assertEqual(rooms.status, 200)
        self.assertIn('href="/chat/newly-diagnosed-oncology"', rooms.text)
        self.assertNotIn("moderators", rooms.text)


class Landing(ChatBase):
    extra_config = ChatBase.extra_config + (
        "timezone = Europe/Moscow\n"
        "hotline = Crisis line: 8-800-2000-122 (free, 24/7)\n")

    def add_event(self):
        starts = time.strftime("%Y-%m-%dT%H:%M",
                               time.gmtime(time.time() + 3 * 86400))
        r = self.h.hearthmod("event", "add", "--title", "Patient school",
                             "--room", "#patient-school", "--starts",
                             starts + "Z", "--duration", "60m")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_landing_in_english(self):
        self.add_event()
        page = WebClient(self.h).get("/", headers={"Accept-Language": "en"})
        self.assertEqual(page.status, 200)
        t = page.text
        self.assertIn('lang="en"', t)
        self.assertIn("Welcome to", t)
        self.assertIn("8-800-2000-122", t)
        self.assertIn("is not", t)
        self.assertIn('href="/signup"', t)
        self.assertIn('href="/signin"', t)
        self.assertIn('href="/groups/', t)
        self.assertIn('href="/chat/newly-diagnosed-oncology"', t)
        self.assertIn('href="/clients"', t)
        self.assertIn("Europe/Moscow", t)
        self.assertIn("Content-Security-Policy",
                      [k for k, _ in page.headers])
        # The web first: a group's name opens it in the browser.
        self.assertRegex(t, r'<li><a href="/groups/support\.ms">')
        self.assertIn("How to connect", t)

    def test_landing_in_russian(self):
        page = WebClient(self.h).get("/", headers={
            "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
        self.assertEqual(page.status, 200)
        t = page.text
        self.assertIn('lang="ru"', t)
        self.assertIn("Добро пожаловать", t)
        self.assertIn("8-800-2000-122", t)
        self.assertIn("Создать учётную запись", t)
        self.assertIn("не заменяет", t)
        self.assertIn("Своя программа для групп или IRC", t)
        self.assertIn("Как подключиться", t)

    def test_clients_page(self):
        page = WebClient(self.h).get("/clients",
                                     headers={"Accept-Language": "en"})
        self.assertEqual(page.status, 200)
        t = page.text
        for name in ("tin", "slrn", "Thunderbird", "irssi", "WeeChat",
                     "HexChat"):
            self.assertIn("<h3>%s</h3>" % name, t)
        self.assertIn(str(self.h.port("nntps")), t)
        self.assertIn(str(self.h.port("ircs")), t)
        self.assertIn("SASL", t)
        ru = WebClient(self.h).get("/clients",
                                   headers={"Accept-Language": "ru"})
        self.assertIn("Своя программа", ru.text)


if __name__ == "__main__":
    unittest.main()
