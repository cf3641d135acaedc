"""The HTTP document cache as a client sees it (issue 20): a body sent
again and again (from a file with sendfile() over plain HTTP, from
memory over TLS) is the same bytes every time, pipelined too; Date,
ETag, 304 and gzip as a good server answers; and the cache never hands
a member's page to someone else, and forgets a page when a post arrives
or is hidden."""

import base64
import email.utils
import gzip
import socket
import time
import urllib.parse

from news_case import NewsCase
from nntp_helpers import PASSWORD
from web_helpers import WebClient, tls_context


def thread_path(msgid):
    return "/threads/" + urllib.parse.quote(msgid[1:-1],
                                            safe="@!$&'()*+,;=:")


def read_response(f):
    """One response from a socket file: (status, headers, body)."""
    status = int(f.readline().split()[1])
    hdrs = {}
    while True:
        line = f.readline().decode("latin-1").rstrip("\r\n")
        if not line:
            break
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    body = f.read(int(hdrs.get("content-length", "0")))
    return status, hdrs, body


class CacheBase(NewsCase):
    protos = ("nntp", "http", "https")
    extra_config = NewsCase.extra_config + (
        "http_rate_per_second = 10000\nhttp_rate_burst = 10000\n")

    def get(self, path, headers=None, tls=False, method="GET"):
        b = WebClient(self.h, tls=tls)
        return b.request(method, path, headers=headers)

    def big_thread(self, n=12):
        """A thread whose page is well past 16 KiB; its root."""
        alice = self.member("alice")
        root = self.post_ok(alice, subject="Living with it",
                            body="A long story. " * 80 + "\n")
        for i in range(n):
            self.post_ok(alice, subject="Re: Living with it",
                         body=("Reply %d, at some length. " % i) * 40 + "\n",
                         extra=[("References", root)])
        return root


class SameBytes(CacheBase):

    def test_repeated_and_pipelined_responses_are_identical(self):
        root = self.big_thread()
        path = thread_path(root)
        first = self.get(path)
        self.assertEqual(first.status, 200)
        self.assertGreater(len(first.body), 16 * 1024)
        self.assertIn(b"Reply 11", first.body)
        # Sent again (from a file now, over plain HTTP), and over TLS.
        for _ in range(5):
            r = self.get(path)
            self.assertEqual(r.body, first.body)
            self.assertEqual(r.header("ETag"), first.header("ETag"))
        self.assertEqual(self.get(path, tls=True).body, first.body)
        # HEAD: the length GET sends, no body.
        r = self.get(path, method="HEAD")
        self.assertEqual(int(r.header("Content-Length")), len(first.body))
        self.assertEqual(r.body, b"")
        # Twenty pipelined requests on one connection, every other one
        # gzip: each answer whole and in order.
        s = socket.create_connection(self.h.addr("http"), timeout=10)
        reqs = b""
        for i in range(20):
            reqs += ("GET %s HTTP/1.1\r\nHost: hearth.test\r\n%s\r\n" % (
                path, "Accept-Encoding: gzip\r\n" if i % 2 else "")).encode()
        s.sendall(reqs)
        f = s.makefile("rb")
        for i in range(20):
            status, hdrs, body = read_response(f)
            self.assertEqual(status, 200)
            if i % 2:
                self.assertEqual(hdrs.get("content-encoding"), "gzip")
                body = gzip.decompress(body)
            self.assertEqual(body, first.body, "response %d" % i)
        s.close()

    def test_pipelined_over_tls_whole_and_in_order(self):
        """Over TLS the head goes out in one buffer with the body's
        first bytes: pipelined answers, long and short, HEAD among
        them, arrive whole and in order."""
        root = self.big_thread()
        paths = [thread_path(root), "/feeds/events.atom",
                 "/feeds/groups/support.oncology.atom"]

        def exchange(asked):
            """Send ASKED, (path, method, gzip) triples, pipelined on one
            TLS connection: the bodies, in order (None for HEAD)."""
            raw = socket.create_connection(self.h.addr("https"), timeout=10)
            s = tls_context().wrap_socket(raw)
            s.sendall(b"".join(
                ("%s %s HTTP/1.1\r\nHost: hearth.test\r\n%s\r\n" % (
                    method, p, "Accept-Encoding: gzip\r\n" if gz else "")
                 ).encode() for p, method, gz in asked))
            f = s.makefile("rb")
            out = []
            for i, (p, method, gz) in enumerate(asked):
                status = int(f.readline().split()[1])
                hdrs = {}
                while True:
                    line = f.readline().decode("latin-1").rstrip("\r\n")
                    if not line:
                        break
                    k, _, v = line.partition(":")
                    hdrs[k.strip().lower()] = v.strip()
                self.assertEqual(status, 200, "response %d" % i)
                if method == "HEAD":
                    out.append(None)
                    continue
                body = f.read(int(hdrs["content-length"]))
                self.assertEqual(hdrs.get("content-encoding") == "gzip", gz)
                out.append(gzip.decompress(body) if gz else body)
            f.close()
            s.close()
            return out

        want = dict(zip(paths, exchange([(p, "GET", False)
                                         for p in paths])))
        self.assertGreater(len(want[paths[0]]), 16 * 1024)
        self.assertLess(len(want[paths[1]]), 16 * 1024)
        asked = [(paths[i % 3], "HEAD" if i % 5 == 4 else "GET", i % 4 == 1)
                 for i in range(24)]
        for i, body in enumerate(exchange(asked)):
            if body is not None:
                self.assertEqual(body, want[asked[i][0]], "response %d" % i)

    def test_feed_bytes_stay_right_after_a_change(self):
        root = self.big_thread(8)
        path = "/feeds/groups/support.oncology.atom"
        old = [self.get(path).body for _ in range(3)]
        self.assertEqual(old[0], old[1])
        self.assertEqual(old[1], old[2])
        bob = self.member("bob")
        self.post_ok(bob, subject="Re: Living with it",
                     body="Fresh news from bob.\n",
                     extra=[("References", root)])
        new = self.get(path).body
        self.assertIn(b"Fresh news from bob", new)
        for _ in range(3):
            self.assertEqual(self.get(path).body, new)


class Validators(CacheBase):

    def test_date_etag_304_and_gzip(self):
        root = self.big_thread(4)
        path = thread_path(root)
        r = self.get(path)
        self.assertEqual(r.status, 200)
        # Date: an IMF-fixdate, now.
        when = email.utils.parsedate_to_datetime(r.header("Date"))
        self.assertTrue(r.header("Date").endswith(" GMT"))
        self.assertLess(abs(when.timestamp() - time.time()), 5)
        etag = r.header("ETag")
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        self.assertEqual(r.header("Vary"),
                         "Accept-Encoding, Accept-Language, Cookie")
        # The gzip variant: its own tag, the same page.
        z = self.get(path, {"Accept-Encoding": "gzip"})
        self.assertEqual(z.header("Content-Encoding"), "gzip")
        self.assertEqual(z.header("ETag"), etag[:-1] + '-gz"')
        self.assertEqual(gzip.decompress(z.body), r.body)
        self.assertEqual(int(z.header("Content-Length")), len(z.body))
        # 304 for either tag when it is the copy the client can hold;
        # a weak comparison, as If-None-Match asks for.
        for hdrs, tag in (({"If-None-Match": etag}, etag),
                          ({"If-None-Match": "W/" + etag}, etag),
                          ({"If-None-Match": '"x", ' + z.header("ETag"),
                            "Accept-Encoding": "gzip"}, z.header("ETag")),
                          # A gzip client holding the plain copy: 304
                          # naming that copy.
                          ({"If-None-Match": etag,
                            "Accept-Encoding": "gzip"}, etag),
                          ({"If-None-Match": "*"}, etag)):
            n = self.get(path, hdrs)
            self.assertEqual(n.status, 304, hdrs)
            self.assertEqual(n.body, b"")
            self.assertEqual(n.header("ETag"), tag, hdrs)
            self.assertIsNotNone(n.header("Date"))
            self.assertEqual(n.header("Cache-Control"), "public, no-cache")
        # The gzip tag from a client that takes no gzip: the whole page.
        n = self.get(path, {"If-None-Match": z.header("ETag")})
        self.assertEqual(n.status, 200)
        self.assertEqual(n.body, r.body)
        # If-Modified-Since: 304 at Last-Modified, 200 before it.
        lm = r.header("Last-Modified")
        self.assertEqual(self.get(path, {"If-Modified-Since": lm}).status,
                         304)
        self.assertEqual(self.get(path, {
            "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status,
            200)
        # A feed: cached by others for a while, varies by encoding only.
        f = self.get("/feeds/groups/support.oncology.atom",
                     {"Accept-Encoding": "gzip"})
        self.assertEqual(f.header("Vary"), "Accept-Encoding")
        self.assertRegex(f.header("Cache-Control"), r"^public, max-age=\d+$")
        self.assertEqual(f.header("Content-Encoding"), "gzip")


class Isolation(CacheBase):

    def test_a_members_page_is_never_served_to_a_visitor(self):
        alice = self.member("alice")
        msgid = self.post_ok(alice, group="support.autism.parents",
                             subject="Nights are hard",
                             body="Sleep tips welcome.\n")
        path = thread_path(msgid)
        b = WebClient(self.h, tls=True)
        r = b.sign_in("alice", PASSWORD)
        self.assertEqual(r.status, 303, r.text)
        for _ in range(3):
            r = b.get(path)
            self.assertEqual(r.status, 200)
            self.assertIn("Sleep tips welcome.", r.text)
            self.assertEqual(r.header("Cache-Control"), "private, no-store")
            self.assertIsNone(r.header("ETag"))
        # A visitor on the same address, plain or TLS, gzip or not:
        # never the member's page.
        for tls in (False, True):
            for hdrs in ({}, {"Accept-Encoding": "gzip"}):
                v = self.get(path, hdrs, tls=tls)
                self.assertEqual(v.status, 404, v.text[:200])
                self.assertNotIn(b"Sleep tips", v.body)
        g = self.get("/groups/support.autism.parents")
        self.assertEqual(g.status, 303)
        self.assertNotIn(b"Nights are hard", self.get("/groups").body)
        # Another member's view of a public page is theirs alone too.
        self.account("bob")
        pub = self.post_ok(alice, subject="Public one", body="Hello all.\n")
        bob = WebClient(self.h, tls=True)
        self.assertEqual(bob.sign_in("bob", PASSWORD).status, 303)
        a1 = b.get(thread_path(pub))
        b1 = bob.get(thread_path(pub))
        self.assertIn("alice", a1.text)
        self.assertIn("bob", b1.text)
        self.assertNotIn('value="bob"', a1.text)
        self.assertNotIn(">bob<", a1.text.split("<main")[0])
        self.assertNotIn(">alice<", b1.text.split("<main")[0])
        # The visitor's copy names no one.
        v = self.get(thread_path(pub), tls=True)
        head = v.text.split("<main")[0]
        self.assertNotIn(">alice<", head)
        self.assertNotIn(">bob<", head)
        self.assertIn("public", v.header("Cache-Control"))

    def test_a_members_only_feed_is_per_reader(self):
        # A members-only group: its feed needs a reader who signs in.
        alice = self.member("alice")
        self.post_ok(alice, group="support.autism.parents",
                     subject="Members only story", body="Inside.\n")
        path = "/feeds/groups/support.autism.parents.atom"
        auth = {"Authorization": "Basic " + base64.b64encode(
            ("alice:" + PASSWORD).encode()).decode()}
        for _ in range(2):
            m = self.get(path, auth, tls=True)
            self.assertEqual(m.status, 200, m.text[:200])
            self.assertIn(b"Members only story", m.body)
            self.assertIn("private", m.header("Cache-Control"))
        for tls in (False, True):
            v = self.get(path, tls=tls)
            self.assertNotIn(b"Members only story", v.body)
            self.assertIn(v.status, (401, 403, 404))


class Invalidation(CacheBase):

    def test_new_post_and_hidden_post_change_the_cached_page(self):
        alice = self.member("alice")
        bob = self.member("bob")
        root = self.post_ok(alice, subject="Diet questions",
                            body="What do you eat?\n")
        path = thread_path(root)
        first = self.get(path)
        again = self.get(path)
        self.assertEqual(again.header("ETag"), first.header("ETag"))
        bad = self.post_ok(bob, subject="Re: Diet questions",
                           body="Buy my miracle cure\n",
                           extra=[("References", root)])
        # A new post: a new page at once, for plain and gzip readers.
        for hdrs in ({}, {"Accept-Encoding": "gzip"}):
            r = self.get(path, dict(hdrs, **{
                "If-None-Match": first.header("ETag")}))
            self.assertEqual(r.status, 200)
            body = gzip.decompress(r.body) if hdrs else r.body
            self.assertIn(b"miracle cure", body)
        shown = self.get(path)
        r = self.mod("hide", "article", bad, "--reason", "spam")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Hidden: gone from the page, the old tag no longer current.
        for tls in (False, True):
            r = self.get(path, {"If-None-Match": shown.header("ETag")},
                         tls=tls)
            self.assertEqual(r.status, 200)
            self.assertNotIn(b"miracle cure", r.body)
            self.assertIn(b"What do you eat?", r.body)
        feed = self.get("/feeds/groups/support.oncology.atom")
        self.assertNotIn(b"miracle cure", feed.body)


if __name__ == "__main__":
    import unittest
    unittest.main()
