"""Group commits synced off the event loop (issue 20, database_sync_full =
yes as shipped): a member's 240 still means the article is stored.

- kill -9 the moment the 300th 240 arrives, twenty posting at once: after
  restart every acknowledged article is served, numbers are contiguous.
- A reader that asks after a poster's 240 sees the article.
- STARTTLS and COMPRESS while posts are being synced: the layer change
  must not take replies held for the sync with it (they are written
  before the layer, in clear, then the session goes on encrypted or
  compressed)."""

import os
import signal
import sqlite3
import threading
import time
import unittest
import zlib

from hearth_test import Hearthd, LineClient, SCALE, tls_client_context
from nntp_helpers import FAST, PASSWORD, article_bytes

SYNC = FAST + "database_sync_full = yes\nauth_queue = 64\n"


def login(h, proto="nntp"):
    c = LineClient(h.addr(proto), tls=proto == "nntps", timeout=10)
    r = c.readline()
    assert r.startswith("200"), r
    c.send("AUTHINFO USER poster")
    c.readline()
    c.send("AUTHINFO PASS " + PASSWORD)
    r = c.readline()
    assert r.startswith("281"), r
    return c


def post(c, mid, n):
    """POST one article; the reply line (240 when stored)."""
    c.send("POST")
    r = c.readline()
    if not r.startswith("340"):
        return r
    c.sendraw(article_bytes(
        [("From", "Poster <poster@example.org>"),
         ("Newsgroups", "support.stroke"),
         ("Subject", "Synced %d" % n),
         ("Message-ID", mid)], "Article %d.\n" % n))
    return c.readline()


class Posters:
    """N threads posting as fast as their 240s come back."""

    def __init__(self, h, n, on_ack=None):
        self.acked, self.lock = [], threading.Lock()
        self.stop = False
        self.errors = []
        self.on_ack = on_ack
        self.conns = [login(h) for _ in range(n)]
        self.threads = [threading.Thread(target=self.run, args=(i, c))
                        for i, c in enumerate(self.conns)]

    def run(self, i, c):
        n = 0
        try:
            while not self.stop:
                n += 1
                mid = "<sync.%d.%d@example.org>" % (i, n)
                r = post(c, mid, n)
                if not r.startswith("240"):
                    self.errors.append(r)
                    return
                with self.lock:
                    self.acked.append(mid)
                    count = len(self.acked)
                if self.on_ack is not None:
                    self.on_ack(count)
        except (EOFError, ConnectionError, OSError):
            return

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def join(self):
        self.stop = True
        for t in self.threads:
            t.join()
        for c in self.conns:
            c.close()

    def count(self):
        with self.lock:
            return len(self.acked)

    def wait_for(self, n):
        deadline = time.time() + 30 * SCALE
        while self.count() < n and time.time() < deadline:
            time.sleep(0.005)
        return self.count() >= n


class SyncedPosts(unittest.TestCase):

    def test_kill9_right_after_acks(self):
        h = Hearthd(SYNC, protos=("nntp",)).start()
        h.add_account("poster", PASSWORD)
        target = 300
        pid = h.proc.pid

        def on_ack(count):
            # The 300th 240 just arrived: nothing after it is awaited.
            if count == target:
                os.kill(pid, signal.SIGKILL)

        p = Posters(h, 20, on_ack)
        try:
            p.start()
            p.wait_for(target)
            h.proc.wait(10 * SCALE)
            p.join()
            h.kill9()
            acked = list(p.acked)
            self.assertGreaterEqual(len(acked), target)
            db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
            self.assertEqual(db.execute("PRAGMA quick_check").fetchone(),
                             ("ok",))
            db.close()
            h.start()
            c = login(h)
            c.send("LISTGROUP support.stroke")
            r = c.readline()
            self.assertTrue(r.startswith("211"), r)
            nums = [int(n) for n in c.read_multiline()]
            self.assertEqual(nums, list(range(1, len(nums) + 1)))
            # Stored without a 240: at most the one each poster had
            # in flight.
            self.assertGreaterEqual(len(nums), len(acked))
            self.assertLessEqual(len(nums), len(acked) + 20)
            c.sendraw(b"".join(b"STAT %s\r\n" % m.encode() for m in acked))
            for m in acked:
                r = c.readline()
                self.assertTrue(r.startswith("223 0 " + m), r)
            c.close()
        finally:
            self.assertEqual(h.stop(), 0)
            h.cleanup()

    def test_reader_sees_what_was_acknowledged(self):
        h = Hearthd(SYNC, protos=("nntp",)).start()
        h.add_account("poster", PASSWORD)
        p = Posters(h, 8).start()
        reader = login(h)
        try:
            self.assertTrue(p.wait_for(20))
            for _ in range(50):
                with p.lock:
                    mid = p.acked[-1]
                reader.send("STAT " + mid)
                r = reader.readline()
                self.assertTrue(r.startswith("223 0 " + mid), r)
            self.assertEqual(p.errors, [])
        finally:
            p.join()
            reader.close()
            self.assertEqual(h.stop(), 0)
            h.cleanup()

    def test_starttls_while_posts_sync(self):
        h = Hearthd(SYNC, protos=("nntp",)).start()
        h.add_account("poster", PASSWORD)
        p = Posters(h, 8).start()
        try:
            self.assertTrue(p.wait_for(20))
            for i in range(30):
                c = LineClient(h.addr("nntp"), timeout=10)
                self.assertTrue(c.readline().startswith("200"))
                c.send("STARTTLS")
                self.assertEqual(c.readline(),
                                 "382 Continue with TLS negotiation")
                c.sock = tls_client_context().wrap_socket(
                    c.sock, server_hostname="hearth.test")
                c.send("AUTHINFO USER poster")
                self.assertTrue(c.readline().startswith("381"))
                c.send("AUTHINFO PASS " + PASSWORD)
                self.assertTrue(c.readline().startswith("281"))
                r = post(c, "<tls.%d@example.org>" % i, i)
                self.assertTrue(r.startswith("240"), r)
                c.send("STAT <tls.%d@example.org>" % i)
                self.assertTrue(c.readline().startswith("223"))
                c.close()
            self.assertGreater(p.count(), 20)
            self.assertEqual(p.errors, [])
        finally:
            p.join()
            self.assertEqual(h.stop(), 0)
            h.cleanup()

    def test_compress_while_posts_sync(self):
        h = Hearthd(SYNC, protos=("nntp", "nntps")).start()
        h.add_account("poster", PASSWORD)
        p = Posters(h, 8).start()
        try:
            self.assertTrue(p.wait_for(20))
            for i in range(30):
                c = login(h, "nntps")
                c.send("COMPRESS DEFLATE")
                self.assertEqual(c.readline(), "206 Compression active")
                sock = c.sock
                comp = zlib.compressobj(wbits=-15)
                decomp = zlib.decompressobj(wbits=-15)
                buf = c.buf if hasattr(c, "buf") else b""
                self.assertEqual(buf, b"")
                mid = "<zip.%d@example.org>" % i
                sock.sendall(comp.compress(b"STAT %s\r\n" % mid.encode())
                             + comp.flush(zlib.Z_SYNC_FLUSH))
                # Not posted yet: 430, compressed.
                while b"\r\n" not in buf:
                    data = sock.recv(65536)
                    self.assertTrue(data, "closed")
                    buf += decomp.decompress(data)
                self.assertTrue(buf.startswith(b"430"), buf)
                c.close()
            self.assertEqual(p.errors, [])
        finally:
            p.join()
            self.assertEqual(h.stop(), 0)
            h.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
