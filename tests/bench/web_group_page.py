"""How long a signed-in member's group page takes on a big group
(session 8, the web reader as a forum): ARTICLES articles (default
20,000) in threads of five are written straight into the store, then
the account page (a floor: the request itself), the group list (its
unread counts), then the group's first, a middle and the last page
are fetched ROUNDS times each over HTTPS; the median of each is
printed.  Run from the
build directory with tests/proto on PYTHONPATH, e.g.

    HEARTHD=server/hearthd PYTHONPATH=../tests/proto \\
        python3 ../tests/bench/web_group_page.py

(HEARTHD may name an older hearthd to compare.)"""

import os
import statistics
import sys
import time
import unittest

from test_web_reader import ReaderBase

GROUP = "support.ms"
ARTICLES = int(os.environ.get("ARTICLES", "20000"))
ROUNDS = int(os.environ.get("ROUNDS", "15"))


class GroupPage(ReaderBase):

    def fill(self):
        self.h.stop()
        db = self.db()
        gid, high = db.execute("SELECT id, high FROM groups WHERE name = ?",
                               (GROUP,)).fetchone()
        now = int(time.time()) - ARTICLES
        rows = []
        for i in range(ARTICLES):
            mid = "<b.%d@bench.invalid>" % i
            root = "<b.%d@bench.invalid>" % (i - i % 5)
            refs = "" if i % 5 == 0 else "References: %s\r\n" % root
            head = ("From: Bench <b@example.org>\r\nNewsgroups: %s\r\n"
                    "Subject: Thread %05d\r\nMessage-ID: %s\r\n%s"
                    "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\n"
                    % (GROUP, i - i % 5, mid, refs)).encode()
            text = head + b"Words.\r\n" * 20
            rows.append((mid, now + i, len(head), len(text), 20, text,
                         "%s:%d" % (GROUP, high + 1 + i)))
        db.executemany("INSERT INTO articles (msgid, posted, header_len, "
                       "bytes, lines, text, xref) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("INSERT INTO group_articles (group_id, num, article_id) "
                   "SELECT ?, ? + CAST(substr(msgid, 4, instr(msgid, '@') "
                   "- 4) AS INTEGER), id FROM articles WHERE msgid LIKE "
                   "'<b.%@bench.invalid>'", (gid, high + 1))
        db.execute("UPDATE groups SET high = high + ?, count = count + ? "
                   "WHERE id = ?", (ARTICLES, ARTICLES, gid))
        db.commit()
        db.close()
        self.h.start()

    def test_group_page(self):
        self.member("alice")
        self.fill()
        b = self.browser("alice")
        pages = (ARTICLES // 5 + 19) // 20
        paths = ["/account", "/groups"] + ["/groups/%s?page=%d" % (
            GROUP, page) for page in (1, pages // 2, pages)]
        for path in paths:
            ms = []
            for _ in range(ROUNDS):
                t = time.perf_counter()
                r = b.get(path)
                ms.append((time.perf_counter() - t) * 1000)
            print("%-28s HTTP %d, median %.1f ms (min %.1f)" %
                  (path, r.status, statistics.median(ms), min(ms)),
                  file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
