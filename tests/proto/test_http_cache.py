"""The HTTP document cache as a client sees it (issue 20): a body sent
again and again (from a file with sendfile() over plain HTTP, from
memory over TLS) is the same bytes every time, pipelined too; Date,
ETag, 304 and gzip as a good server answers; and the cache never hands
a member's page to someone else, and forgets a page when a post arrives
or is hidden."""

import base64
import email.utils
import gzip
import os
import socket
import threading
import time
import urllib.parse

from news_case import NewsCase
from nntp_helpers import PASSWORD
from web_helpers import WebClient, tls_context


def thread_path(msgid):
    return "/threads/" + urllib.parse.quote(msgid[1:-1],
                                            safe="@!$&'()*+,;=:")


def read_head(f):
    """A response's status line and fields: (status, headers)."""
    status = int(f.readline().split()[1])
    hdrs = {}
    while True:
        line = f.readline().decode("latin-1").rstrip("\r\n")
        if not line:
            break
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs


def read_response(f):
    """One response from a socket file: (status, headers, body)."""
    status, hdrs = read_head(f)
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
                status, hdrs = read_head(f)
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


class FilesInFlight(CacheBase):
    """A cached body sent from a file (a sealed memfd, sendfile()) stays
    the same bytes while responses holding it are still queued, after
    the page changed under them; old files are closed once the last
    response holding one is out."""

    HOST = "hearth.test"

    def request(self, path, gz=False, method="GET"):
        return ("%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (
            method, path, self.HOST,
            "Accept-Encoding: gzip\r\n" if gz else "")).encode()

    def fetch(self, path, gz=False):
        """One GET on a connection of its own: (ETag, body as sent)."""
        s = socket.create_connection(self.h.addr("http"), timeout=10)
        s.sendall(self.request(path, gz))
        status, hdrs, body = read_response(s.makefile("rb"))
        s.close()
        self.assertEqual(status, 200)
        self.assertEqual(hdrs.get("content-encoding") == "gzip", gz)
        return hdrs["etag"], body

    def version(self, path):
        """The page as it is now, plain and gzip, each sent twice (the
        second time from its file): {ETag: (plain body, sent length)}."""
        plain = self.fetch(path)
        self.assertEqual(self.fetch(path), plain)
        z = self.fetch(path, gz=True)
        self.assertEqual(self.fetch(path, gz=True), z)
        self.assertEqual(gzip.decompress(z[1]), plain[1])
        return {plain[0]: (plain[1], len(plain[1])),
                z[0]: (plain[1], len(z[1]))}

    def memfds(self):
        """hearthd's open memfds of documents."""
        d = "/proc/%d/fd" % self.h.proc.pid
        n = 0
        for fd in os.listdir(d):
            try:
                if "hearth-doc" in os.readlink(os.path.join(d, fd)):
                    n += 1
            except OSError:
                pass
        return n

    def slow_reader(self, path, n):
        """A connection that asks for PATH N times, pipelined (gzip and
        HEAD among them), and does not read yet: (socket, asked)."""
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(20)
        s.connect(self.h.addr("http"))
        asked = [(i % 3 == 1, "HEAD" if i % 7 == 6 else "GET")
                 for i in range(n)]
        s.sendall(b"".join(self.request(path, gz, m) for gz, m in asked))
        return s, asked

    def read_all(self, s, asked, versions):
        """Read every answer on S: whole, in order, each the bytes of the
        version its ETag names; the versions never go back.  The ETags
        seen, in order."""
        order = list(versions)
        f = s.makefile("rb")
        seen, last = [], 0
        for i, (gz, method) in enumerate(asked):
            status, hdrs = read_head(f)
            self.assertEqual(status, 200, "response %d" % i)
            tag = hdrs["etag"]
            self.assertIn(tag, versions, "response %d" % i)
            self.assertEqual(tag.endswith('-gz"'), gz, "response %d" % i)
            plain, length = versions[tag]
            self.assertEqual(int(hdrs["content-length"]), length,
                             "response %d" % i)
            if method == "GET":
                body = f.read(length)
                self.assertEqual(len(body), length, "response %d" % i)
                self.assertEqual(gzip.decompress(body) if gz else body,
                                 plain, "response %d" % i)
            k = order.index(tag) // 2
            self.assertGreaterEqual(k, last, "response %d" % i)
            last = k
            seen.append(tag)
        f.close()
        s.close()
        return seen

    def test_a_new_version_while_old_responses_are_queued(self):
        bob = self.member("bob")
        # Text that gzip cannot make small: the gzip variant is past
        # 16 KiB too, and a file of its own.
        root = self.post_ok(bob, subject="Living with it", body="\n".join(
            base64.b64encode(os.urandom(57)).decode()
            for _ in range(400)) + "\n")
        path = thread_path(root)
        versions = dict(self.version(path))
        self.assertGreater(min(len(b) for b, _ in versions.values()),
                           16 * 1024)
        self.assertEqual(self.memfds(), 2)
        # Answers the client does not read, more than the kernel's
        # socket buffer takes: the rest stay queued in the server,
        # holding the first version's files.
        with open("/proc/sys/net/ipv4/tcp_wmem") as f:
            wmem = int(f.read().split()[2])
        n = 3 * wmem // min(n for _, n in versions.values()) + 20
        s1, asked1 = self.slow_reader(path, n)
        time.sleep(0.5)
        self.post_ok(bob, subject="Re: Living with it",
                     body="A second version of the page.\n" * 20,
                     extra=[("References", root)])
        versions.update(self.version(path))
        s2, asked2 = self.slow_reader(path, n)
        time.sleep(0.5)
        self.post_ok(bob, subject="Re: Living with it",
                     body="A third version of the page.\n" * 20,
                     extra=[("References", root)])
        versions.update(self.version(path))
        self.assertEqual(len(versions), 6)
        # Each version's files are open while answers hold them.
        self.assertGreaterEqual(self.memfds(), 4)
        seen1 = self.read_all(s1, asked1, versions)
        seen2 = self.read_all(s2, asked2, versions)
        first, second = list(versions)[:2], list(versions)[2:4]
        self.assertIn(seen1[0], first)
        self.assertIn(seen2[0], second)
        # Everything read: only the current version's two files remain.
        deadline = time.time() + 5
        while self.memfds() > 2 and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.memfds(), 2)
        self.assertEqual(self.fetch(path)[0], list(versions)[4])

    def test_pipelined_requests_past_what_the_server_buffers(self):
        """More pipelined requests than the server reads ahead while the
        client reads nothing: the server stops reading its socket, and
        goes on as the answers are taken; every answer whole, in order."""
        root = self.big_thread()
        path = thread_path(root)
        versions = self.version(path)
        asked = [(i % 3 == 1, "HEAD" if i % 7 == 6 else "GET")
                 for i in range(2000)]
        reqs = b"".join(self.request(path, gz, m) for gz, m in asked)
        self.assertGreater(len(reqs), 128 * 1024)
        s = socket.create_connection(self.h.addr("http"), timeout=20)
        sender = threading.Thread(target=s.sendall, args=(reqs,))
        sender.start()
        time.sleep(0.5)
        seen = self.read_all(s, asked, versions)
        sender.join(10)
        self.assertFalse(sender.is_alive())
        self.assertEqual(len(seen), len(asked))

    def test_many_documents_keep_the_files_bounded(self):
        """More large documents than there may be files: every answer
        stays right (past the budget a body is sent from memory) and
        the server never holds more than its budget of files."""
        alice = self.member("alice")
        roots = [self.post_ok(alice, subject="Story %d" % i,
                              body=("Story %d, told at length. " % i) * 800
                              + "\n") for i in range(20)]
        bodies = {}
        for _round in range(3):
            for r in roots:
                for gz in (False, True):
                    tag, body = self.fetch(thread_path(r), gz)
                    if gz:
                        body = gzip.decompress(body)
                    self.assertIn(("Story %d, told" % roots.index(r))
                                  .encode(), body)
                    self.assertGreater(len(body), 16 * 1024)
                    bodies.setdefault((r, gz), body)
                    self.assertEqual(body, bodies[(r, gz)])
            self.assertLessEqual(self.memfds(), 16)
        self.assertGreater(self.memfds(), 0)


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
