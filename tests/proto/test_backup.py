"""hearthmod backup (issue 19): a consistent online copy taken while
members post, restored into a new state directory by the documented
procedure, holds every article acknowledged before the backup began,
accounts that can sign in, and feed tokens that still work."""

import http.client
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from hearth_test import SCALE, Hearthd, LineClient
from nntp_helpers import FAST, PASSWORD, NNTPClient

GROUP = "support.oncology"


def restore(backup, state):
    """The restore procedure of the README, step by step."""
    os.makedirs(state, mode=0o700, exist_ok=True)
    for f in ("hearth.db", "secret.key"):
        shutil.copy2(os.path.join(backup, f), os.path.join(state, f))
    shutil.copytree(os.path.join(backup, "tls"), os.path.join(state, "tls"))


class Writer(threading.Thread):
    """Posts articles one after another; records each acknowledged one
    with the time of its acknowledgement."""

    def __init__(self, h):
        super().__init__(daemon=True)
        self.c = NNTPClient(LineClient(h.addr("nntp"), timeout=20))
        self.c.lc.readline()
        r = self.c.login("alice")
        assert r.startswith("281"), r
        self.acked = []
        self.stop = threading.Event()
        self.error = None

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                subject = "Load %d" % n
                r340, r = self.c.post([("From", "Alice <a@example.org>"),
                                       ("Newsgroups", GROUP),
                                       ("Subject", subject)],
                                      "Article number %d.\n" % n)
                if r is not None and r.startswith("240"):
                    self.acked.append((time.time(), r.split()[-1],
                                       subject))
        except Exception as e:      # reported by the test
            self.error = e


class Backup(unittest.TestCase):

    def setUp(self):
        self.h = Hearthd(extra_config=FAST,
                         protos=("nntp", "http")).start()
        # Cleanups run even when setUp fails half-way.
        self.addCleanup(self.h.cleanup)
        self.addCleanup(self.h.stop)
        self.out = tempfile.mkdtemp(prefix="hearth-backup-")
        self.addCleanup(shutil.rmtree, self.out, True)
        self.restored = None
        self.h.add_account("alice", PASSWORD)

    def tearDown(self):
        if self.restored is not None:
            self.restored.stop()
            self.restored.cleanup()

    def feed(self, h, token):
        conn = http.client.HTTPConnection("127.0.0.1", h.port("http"),
                                          timeout=10 * SCALE)
        conn.request("GET", "/t/%s/feeds/groups/support.autism.parents.atom"
                     % token, headers={"Host": "hearth.test"})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, body

    def test_backup_under_write_load_and_restore(self):
        r = self.h.hearthmod("account", "feed-token", "alice", "new")
        self.assertEqual(r.returncode, 0, r.stderr)
        token = re.search(r"^token: ([A-Za-z0-9_-]{32})$", r.stdout,
                          re.M).group(1)
        self.assertEqual(self.feed(self.h, token)[0], 200)

        w = Writer(self.h)
        w.start()
        deadline = time.time() + 10 * SCALE
        while len(w.acked) < 20 and time.time() < deadline:
            time.sleep(0.05)
        began = time.time()
        dest = os.path.join(self.out, "b1")
        r = self.h.hearthmod("backup", "--output", dest)
        ended = time.time()
        time.sleep(0.3)         # and the load goes on after it
        w.stop.set()
        w.join(30)
        w.c.lc.close()
        self.assertIsNone(w.error)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("written to " + dest, r.stdout)
        before = [a for a in w.acked if a[0] < began]
        during = [a for a in w.acked if began <= a[0] <= ended]
        after = [a for a in w.acked if a[0] > ended]
        self.assertGreaterEqual(len(before), 20)
        self.assertTrue(after, "the load did not go on past the backup")
        print("acknowledged: %d before the backup, %d during, %d after"
              % (len(before), len(during), len(after)))

        # What is there, and every checksum holds.
        self.assertEqual(sorted(os.listdir(dest)),
                         ["INFO", "MANIFEST", "hearth.db", "secret.key",
                          "tls"])
        self.assertEqual(os.stat(dest).st_mode & 0o777, 0o700)
        self.assertEqual(os.stat(os.path.join(dest, "secret.key")).st_mode
                         & 0o777, 0o600)
        c = subprocess.run(["sha256sum", "--strict", "-c", "MANIFEST"],
                           cwd=dest, capture_output=True, text=True)
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
        self.assertEqual(c.stdout.count(": OK"), 5)
        db = sqlite3.connect(os.path.join(dest, "hearth.db"))
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0],
                         "ok")
        db.close()
        self.assertFalse(os.path.exists(os.path.join(dest, "hearth.db-wal")))

        # A second backup into the same directory is refused, clearly.
        r = self.h.hearthmod("backup", "--output", dest)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("give a new directory", r.stderr)

        # Restore into a new state directory and start from it.
        self.h.stop()
        state = tempfile.mkdtemp(prefix="hearth-restored-")
        restore(dest, state)
        self.restored = Hearthd(extra_config=FAST, protos=("nntp", "http"),
                                state_dir=state).start()
        c = NNTPClient(LineClient(self.restored.addr("nntp")))
        c.lc.readline()
        self.assertTrue(c.login("alice").startswith("281"))
        for _, mid, _ in before:
            self.assertTrue(c.cmd("STAT " + mid).startswith("223"), mid)
        # Each one written during the backup is there or not, whole.
        for _, mid, subject in during:
            r = c.cmd("HEAD " + mid)
            if r.startswith("221"):
                head = c.lc.read_multiline()
                self.assertIn("Subject: " + subject, head)
        c.lc.close()
        status, body = self.feed(self.restored, token)
        self.assertEqual(status, 200)
        self.assertEqual(self.feed(self.restored, "x" * 32)[0], 404)

    def test_backup_only_with_output_and_new_dir(self):
        r = self.h.hearthmod("backup")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--output DIR", r.stderr)
        os.mkdir(os.path.join(self.out, "taken"))
        r = self.h.hearthmod("backup", "--output",
                             os.path.join(self.out, "taken"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("File exists", r.stderr)


if __name__ == "__main__":
    unittest.main()
