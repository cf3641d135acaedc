"""A kill -9 during a 1,000-article posting run loses no article that got
a 240: after restart every acknowledged article is served and the group's
numbers are contiguous.  The same with eight posters at once, whose
articles share commits (issue 20's group commit for POST)."""

import os
import random
import sqlite3
import threading
import time
import unittest

from hearth_test import Hearthd, LineClient, SCALE
from nntp_helpers import FAST, PASSWORD, article_bytes

TOTAL = 1000
KILLS = 3


class Kill9(unittest.TestCase):

    def connect(self, h):
        c = LineClient(h.addr("nntp"), timeout=10)
        self.assertTrue(c.readline().startswith("200"))
        c.send("AUTHINFO USER poster")
        c.readline()
        c.send("AUTHINFO PASS " + PASSWORD)
        self.assertTrue(c.readline().startswith("281"))
        return c

    def test_kill9_during_posting_run(self):
        h = Hearthd(FAST, protos=("nntp",)).start()
        h.add_account("poster", PASSWORD)
        rnd = random.Random()
        acked = []
        attempt = 0
        kills = 0
        try:
            while len(acked) < TOTAL:
                c = self.connect(h)
                kill_at = (len(acked) + rnd.randint(50, 300)
                           if kills < KILLS else None)
                try:
                    while len(acked) < TOTAL:
                        attempt += 1
                        mid = "<crash.%d@example.org>" % attempt
                        c.send("POST")
                        self.assertTrue(c.readline().startswith("340"))
                        c.sendraw(article_bytes(
                            [("From", "Poster <poster@example.org>"),
                             ("Newsgroups", "support.stroke"),
                             ("Subject", "Crash test %d" % attempt),
                             ("Message-ID", mid)],
                            "Article number %d.\n" % attempt))
                        if len(acked) == kill_at:
                            # Its reply not read yet: the server is busy
                            # with this very article when it dies.
                            time.sleep(rnd.random() * 0.002)
                            h.kill9()
                            kills += 1
                            break
                        r = c.readline()
                        self.assertTrue(r.startswith("240"), r)
                        acked.append(mid)
                except (EOFError, ConnectionError):
                    pass
                c.close()
                if h.proc.poll() is not None:
                    h.start()
            self.assertEqual(kills, KILLS)

            db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
            self.assertEqual(db.execute("PRAGMA quick_check").fetchone(),
                             ("ok",))
            db.close()
            c = self.connect(h)
            c.send("LISTGROUP support.stroke")
            r = c.readline()
            self.assertTrue(r.startswith("211"), r)
            nums = [int(n) for n in c.read_multiline()]
            # Contiguous, and at most one unacknowledged per kill.
            self.assertEqual(nums, list(range(1, len(nums) + 1)))
            self.assertGreaterEqual(len(nums), TOTAL)
            self.assertLessEqual(len(nums), TOTAL + KILLS)
            print("%d acknowledged, %d stored, %d kills" %
                  (len(acked), len(nums), kills))
            # Every acknowledged article is there, pipelined STATs.
            c.sendraw(b"".join(b"STAT %s\r\n" % m.encode() for m in acked))
            for m in acked:
                r = c.readline()
                self.assertTrue(r.startswith("223 0 " + m), r)
            c.close()
        finally:
            self.assertEqual(h.stop(), 0)

    def test_kill9_with_posters_at_once(self):
        h = Hearthd(FAST + "auth_queue = 64\n", protos=("nntp",)).start()
        h.add_account("poster", PASSWORD)
        acked, lock = [], threading.Lock()
        conns = [self.connect(h) for _ in range(8)]

        def poster(i, c):
            n = 0
            try:
                while True:
                    n += 1
                    mid = "<many.%d.%d@example.org>" % (i, n)
                    c.send("POST")
                    if not c.readline().startswith("340"):
                        return
                    c.sendraw(article_bytes(
                        [("From", "Poster <poster@example.org>"),
                         ("Newsgroups", "support.stroke"),
                         ("Subject", "Many %d %d" % (i, n)),
                         ("Message-ID", mid)], "Poster %d, %d.\n" % (i, n)))
                    r = c.readline()
                    if not r.startswith("240"):
                        return
                    with lock:
                        acked.append(mid)
            except (EOFError, ConnectionError, OSError):
                return

        threads = [threading.Thread(target=poster, args=(i, c))
                   for i, c in enumerate(conns)]
        try:
            for t in threads:
                t.start()
            deadline = time.time() + 30 * SCALE
            while len(acked) < 400 and time.time() < deadline:
                time.sleep(0.01)
            h.kill9()
            for t in threads:
                t.join()
            for c in conns:
                c.close()
            self.assertGreaterEqual(len(acked), 400)
            h.start()
            c = self.connect(h)
            c.send("LISTGROUP support.stroke")
            r = c.readline()
            self.assertTrue(r.startswith("211"), r)
            nums = [int(n) for n in c.read_multiline()]
            self.assertEqual(nums, list(range(1, len(nums) + 1)))
            # Unacknowledged ones stored: at most one per poster.
            self.assertGreaterEqual(len(nums), len(acked))
            self.assertLessEqual(len(nums), len(acked) + len(conns))
            c.sendraw(b"".join(b"STAT %s\r\n" % m.encode() for m in acked))
            for m in acked:
                r = c.readline()
                self.assertTrue(r.startswith("223 0 " + m), r)
            c.close()
        finally:
            self.assertEqual(h.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
