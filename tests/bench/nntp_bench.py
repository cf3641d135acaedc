"""The NNTP benchmark (make bench): a real hearthd on loopback, driven by
clients/hearth-load.  Prints each figure and, for reference, the INN 2.7
figures the issue quotes (INN is not run here: see tests/bench/README).

Environment: HEARTHD, HEARTHMOD, HEARTH_LOAD, HEARTH_SRCDIR (set by make
bench).
BENCH_SYNC_FULL=yes runs with database_sync_full = yes (fsync per post).
"""

import os
import sqlite3
import subprocess
import sys
import time

from hearth_test import Hearthd

LOAD = os.environ.get("HEARTH_LOAD", "clients/hearth-load")
SYNC = os.environ.get("BENCH_SYNC_FULL", "no")
PASSWORD = "bench password"
POSTS = 2000
BIG = 100000

INN = {"post": 1516, "article1": 23, "article64": 2163, "over2000": 0.071,
       "readers1": 1089, "readers8": 8034}


def load(h, *args):
    cmd = [LOAD, "-p", str(h.port("nntp")), "-u", "bench", "-w",
           PASSWORD] + [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit("hearth-load %s failed: %s" % (args, r.stderr))
    return dict(kv.split("=") for kv in r.stdout.split())


def db_bytes(h):
    """Database size once the WAL is folded in."""
    db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (pages,) = db.execute("PRAGMA page_count").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    return pages * size


def bulk_insert(h, group, n):
    """N articles straight into GROUP while hearthd is stopped."""
    db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
    (gid,) = db.execute("SELECT id FROM groups WHERE name = ?",
                        (group,)).fetchone()
    (base,) = db.execute("SELECT coalesce(max(id), 0) FROM articles"
                         ).fetchone()
    body = ("Living with it one day at a time; thank you all for the kind "
            "words.\r\n" * 20)
    rows, links = [], []
    for i in range(1, n + 1):
        mid = "<bulk.%d@hearth.test>" % i
        hdr = ("Path: hearth.test!not-for-mail\r\nFrom: Load <load@example."
               "org>\r\nNewsgroups: %s\r\nSubject: Bulk article %d\r\n"
               "Message-ID: %s\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
               "\r\n" % (group, i, mid))
        text = (hdr + body).encode()
        rows.append((base + i, mid, len(hdr), len(text),
                     "%s:%d" % (group, i), text))
        links.append((gid, i, base + i))
    db.executemany("INSERT INTO articles (id, msgid, posted, status, "
                   "header_len, bytes, lines, xref, text) "
                   "VALUES (?, ?, 0, 'ok', ?, ?, 20, ?, ?)", rows)
    db.executemany("INSERT INTO group_articles VALUES (?, ?, ?)", links)
    db.execute("UPDATE groups SET high = ?, count = ? WHERE id = ?",
               (n, n, gid))
    db.commit()
    db.close()


def line(name, value, unit, inn=None, better="higher"):
    if inn is None:
        print("%-44s %12s %s" % (name, value, unit))
        return
    ratio = (value / inn) if better == "higher" else (inn / value)
    print("%-44s %12s %-10s INN %8s  ratio %.1fx" %
          (name, "%.4f" % value if unit == "s" else "%.1f" % value, unit,
           inn, ratio))


def main():
    h = Hearthd("rate_per_second = 1000000\nrate_burst = 1000000\n"
                "max_connections_per_ip = 1000\n"
                "log_level = info\ndatabase_sync_full = %s\n" % SYNC,
                protos=("nntp",)).start()
    try:
        h.add_account("bench", PASSWORD)
        before = db_bytes(h)
        print("hearthd benchmark, loopback, database_sync_full = %s" % SYNC)
        r = load(h, "post", POSTS, "support.oncology", 1500)
        line("POST 2,000 articles, one connection",
             float(r["per_second"]), "art/s", INN["post"])
        after = db_bytes(h)
        db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
        (raw,) = db.execute("SELECT sum(bytes) FROM articles").fetchone()
        db.close()
        line("database bytes per article byte", "%.2f" % ((after - before)
             / raw), "(target <= 1.5)")
        r = load(h, "article", "support.oncology", POSTS, 1)
        line("ARTICLE by number, 1 in flight", float(r["per_second"]),
             "art/s", INN["article1"])
        r = load(h, "article", "support.oncology", POSTS, 64)
        line("ARTICLE by number, 64 in flight", float(r["per_second"]),
             "art/s", INN["article64"])
        r = load(h, "over", "support.oncology", "1-%d" % POSTS)
        assert int(r["over_lines"]) == POSTS, r
        line("OVER 1-2000", float(r["over_seconds"]), "s",
             INN["over2000"], better="lower")
        r = load(h, "readers", "support.oncology", POSTS, 50, 1, 5)
        line("50 readers, 1 in flight each (total)",
             float(r["per_second"]), "art/s", INN["readers1"])
        r = load(h, "readers", "support.oncology", POSTS, 50, 8, 5)
        line("50 readers, 8 in flight each (total)",
             float(r["per_second"]), "art/s", INN["readers8"])
        h.stop()
        bulk_insert(h, "support.ms", BIG)
        h.start()
        r = load(h, "over", "support.ms", "1-%d" % BIG)
        assert int(r["over_lines"]) == BIG, r
        line("OVER 1-100000", float(r["over_seconds"]), "s")
    finally:
        h.stop()


if __name__ == "__main__":
    main()
