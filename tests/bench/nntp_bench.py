"""The NNTP benchmark (make bench): hearthd and INN in the same run.

A real hearthd on loopback and, when Debian's inn2 is installed, a private
INN instance (tests/bench/inn_server.py: innd on its own port forking one
nnrpd per reader, tradspool + tradindexed as Debian ships them, AUTHINFO
through ckpasswd) are driven by the same load client, clients/hearth-load,
scenario by scenario: each scenario runs against hearthd and then at once
against INN, so both columns see the same machine load.  The table gives
both figures, the ratio and the target of issue 3.  Without INN the INN
column holds the figures issue 3 quotes, labelled as not measured.

Environment: HEARTHD, HEARTHMOD, HEARTH_LOAD, HEARTH_SRCDIR (set by make
bench).  BENCH_SYNC_FULL=no: database_sync_full = no (default yes, as
shipped: fsync per post, issue 20).
BENCH_SECONDS (5): length of each 50-reader run.  BENCH_INN=no: do not
run INN.  BENCH_INN_BIG=no: skip INN's OVER
1-100000 (its 100,000 articles are fed by TAKETHIS, about a minute).
BENCH_KEEP=yes: keep INN's temporary tree.  See tests/bench/README.nntp.
"""

import os
import sqlite3
import subprocess
import sys
import time

import hearth_test
import inn_server
import pin
from hearth_test import Hearthd
from summary import record

LOAD = os.environ.get("HEARTH_LOAD", "clients/hearth-load")
SYNC = os.environ.get("BENCH_SYNC_FULL", "yes")
POSTERS = 20
INN_BIG = os.environ.get("BENCH_INN_BIG", "yes") != "no"
USER = "bench"
PASSWORD = "bench password"
POSTS = 2000
BIG = 100000
# ARTICLE one at a time on INN waits about 40 ms per article on the
# client's delayed ACK: 2,000 would take 90 s for the same steady rate.
INN_ARTICLE1 = 250
READ_SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))

# Issue 3's INN 2.7 figures, shown only when INN is not run here.
QUOTED = {"post": 1516, "article1": 23, "article64": 2163,
          "over2000": 0.071, "readers1": 1089, "readers8": 8034}

# key, label, unit, better, target ratio (hearthd against INN)
ROWS = [
    ("post", "POST 2,000 articles, one connection", "art/s", "higher", 1),
    ("post20", "POST 2,000 articles, 20 connections", "art/s", "higher",
     3),
    ("disk", "stored bytes per article byte", "", "lower", None),
    ("article1", "ARTICLE by number, 1 in flight", "art/s", "higher", 50),
    ("article64", "ARTICLE by number, 64 in flight", "art/s", "higher",
     1.5),
    ("over2000", "OVER 1-2000", "s", "lower", 1),
    ("readers1", "50 readers, 1 in flight each (total)", "art/s", "higher",
     1.5),
    ("readers8", "50 readers, 8 in flight each (total)", "art/s", "higher",
     1.5),
    ("over100000", "OVER 1-100000", "s", "lower", None),
    ("feed", "INN: 100,000 articles fed by TAKETHIS", "art/s", None,
     None),
]


class Figures(dict):
    """One server's figures; each is printed as soon as it is measured
    (a "# " line), so an interrupted run still shows what it got."""

    def __init__(self, server):
        super().__init__()
        self.server = server

    def __setitem__(self, key, value):
        print("# %-8s %-11s %.4f" % (self.server, key, value))
        sys.stdout.flush()
        super().__setitem__(key, value)


def load(port, *args):
    cmd = [LOAD, "-p", str(port), "-u", USER, "-w", PASSWORD] + \
        [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit("hearth-load %s (port %d) failed: %s" % (args, port,
                                                          r.stderr))
    out = dict(kv.split("=") for kv in r.stdout.split())
    if int(out.get("errors", 0)) != 0:
        sys.exit("hearth-load %s (port %d): %s" % (args, port, r.stdout))
    return out


def db_bytes(h):
    """Database size once the WAL is folded in."""
    db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (pages,) = db.execute("PRAGMA page_count").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    return pages * size


def db_article_bytes(h):
    db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
    (raw,) = db.execute("SELECT coalesce(sum(bytes), 0) FROM articles"
                        ).fetchone()
    db.close()
    return raw


BODY = ("Living with it one day at a time; thank you all for the kind "
        "words.\r\n" * 20)


def bulk_article(group, i):
    """The I-th bulk article of GROUP: (message-id, header, whole text)."""
    mid = "<bulk.%d@hearth.test>" % i
    hdr = ("Path: hearth.test!not-for-mail\r\nFrom: Load <load@example."
           "org>\r\nNewsgroups: %s\r\nSubject: Bulk article %d\r\n"
           "Message-ID: %s\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
           "\r\n" % (group, i, mid))
    return mid, hdr, (hdr + BODY).encode()


def bulk_insert(h, group, n):
    """N articles straight into GROUP while hearthd is stopped."""
    db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
    (gid,) = db.execute("SELECT id FROM groups WHERE name = ?",
                        (group,)).fetchone()
    (base,) = db.execute("SELECT coalesce(max(id), 0) FROM articles"
                         ).fetchone()
    rows, links = [], []
    for i in range(1, n + 1):
        mid, hdr, text = bulk_article(group, i)
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


def fmt(value, unit):
    if value is None:
        return "-"
    if unit == "s":
        return "%.4f s" % value
    if unit == "":
        return "%.2f" % value
    return "%.1f %s" % (value, unit)


def table(hearth, inn, inn_label, measured):
    """Both columns, the ratio (>1 means hearthd is better) and the
    target of issue 3 with whether this run met it."""
    print()
    print("%-40s %15s %15s %7s  %s" % ("scenario", "hearthd", inn_label,
                                      "ratio", "target (issues 3, 20)"))
    for key, label, unit, better, target in ROWS:
        h, i = hearth.get(key), inn.get(key)
        if h is None and i is None:
            continue
        ratio = ""
        goal = ""
        if h and i and better:
            r = h / i if better == "higher" else i / h
            ratio = "%.2fx" % r
            if target is not None:
                goal = ">= %gx" % target if key != "over2000" else \
                    "time <= INN's"
                goal += ": met" if r >= target else ": NOT met"
                if not measured:
                    goal += " (vs quoted)"
        if key == "disk" and h is not None:
            goal = "hearthd <= 1.5: %s" % ("met" if h <= 1.5 else
                                           "NOT met")
        print("%-40s %15s %15s %7s  %s" % (label, fmt(h, unit),
                                          fmt(i, unit), ratio, goal))


def machine():
    with open("/proc/loadavg") as f:
        la = " ".join(f.read().split()[:3])
    return "%d cores, load average %s" % (os.cpu_count(), la)


def start_inn():
    why = inn_server.unavailable()
    if why:
        return None, why
    inn = inn_server.Inn(["support.oncology", "support.ms"], USER,
                         PASSWORD)
    try:
        with pin.server_side():
            inn.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        inn.stop()
        inn.remove()
        return None, "INN did not start: %s" % e
    return inn, None


def main():
    # 50 readers sign in at once: more than auth_queue's default 32
    # checks may wait, and the scenarios measure reading, not a sign-in
    # storm (auth_storm.py does that), so the queue is made room for.
    # hearthd and innd each on the server CPU, hearth-load on the other.
    pin.client_self()
    hearth_test.WRAPPER = pin.server_prefix()
    h = Hearthd("rate_per_second = 1000000\nrate_burst = 1000000\n"
                "max_connections_per_ip = 1000\nauth_queue = 128\n"
                "log_level = info\ndatabase_sync_full = %s\n" % SYNC,
                protos=("nntp",)).start()
    inn, why = start_inn()
    hr, ir = Figures("hearthd"), Figures("INN")
    try:
        h.add_account(USER, PASSWORD)
        hp = h.port("nntp")
        print("NNTP benchmark, loopback; machine: %s"
              % machine())
        print(pin.describe())
        print("hearthd: database_sync_full = %s, AUTHINFO, rate limit "
              "lifted" % SYNC)
        if inn:
            print("%s (Debian inn2), same run, scenario by scenario after "
                  "hearthd:" % inn.version)
            print("  innd on 127.0.0.1:%d forks one nnrpd per reader; "
                  "tradspool articles, tradindexed" % inn.port)
            print("  overview, history dbz (Debian's defaults); AUTHINFO "
                  "via ckpasswd (SHA-512 crypt);")
            print("  changed from Debian's inn.conf: " + ", ".join(
                "%s %s" % (k, v.format(port="PORT")) for k, v, _ in
                inn_server.INN_CONF_CHANGES if k in
                ("nnrpdloadlimit", "nicekids", "maxconnections",
                 "addinjectionpostinghost", "artcutoff")))
        else:
            print("INN was NOT run (%s): its column is the INN 2.7 figures "
                  "issue 3 quotes, not measured here." % why)
        sys.stdout.flush()

        # POST, and the storage it took.
        before = db_bytes(h)
        r = load(hp, "post", POSTS, "support.oncology", 1500)
        hr["post"] = float(r["per_second"])
        record("nntp.hearthd.post", hr["post"])
        hr["disk"] = (db_bytes(h) - before) / db_article_bytes(h)
        if inn:
            disk0, raw0 = inn.disk_bytes()
            r = load(inn.port, "post", POSTS, "support.oncology", 1500)
            ir["post"] = float(r["per_second"])
            record("nntp.inn.post", ir["post"])
            disk1, raw1 = inn.disk_bytes()
            ir["disk"] = (disk1 - disk0) / (raw1 - raw0)
        # POST from 20 connections at once (issue 20: commits shared).
        r = load(hp, "post", POSTS, "support.oncology", 1500, POSTERS)
        hr["post20"] = float(r["per_second"])
        record("nntp.hearthd.post20", hr["post20"])
        if inn:
            r = load(inn.port, "post", POSTS, "support.oncology", 1500,
                     POSTERS)
            ir["post20"] = float(r["per_second"])
            record("nntp.inn.post20", ir["post20"])

        r = load(hp, "article", "support.oncology", POSTS, 1)
        hr["article1"] = float(r["per_second"])
        if inn:
            r = load(inn.port, "article", "support.oncology", INN_ARTICLE1,
                     1)
            ir["article1"] = float(r["per_second"])
        for port, res in ((hp, hr), (inn and inn.port, ir)):
            if not port:
                continue
            r = load(port, "article", "support.oncology", POSTS, 64)
            res["article64"] = float(r["per_second"])
        for port, res in ((hp, hr), (inn and inn.port, ir)):
            if not port:
                continue
            r = load(port, "over", "support.oncology", "1-%d" % POSTS)
            assert int(r["over_lines"]) == POSTS, r
            res["over2000"] = float(r["over_seconds"])
        for depth in (1, 8):
            for port, res in ((hp, hr), (inn and inn.port, ir)):
                if not port:
                    continue
                r = load(port, "readers", "support.oncology", POSTS, 50,
                         depth, READ_SECONDS)
                res["readers%d" % depth] = float(r["per_second"])

        # OVER over 100,000 articles: hearthd's are inserted into the
        # database while it is stopped; INN's are fed by TAKETHIS.
        h.stop()
        bulk_insert(h, "support.ms", BIG)
        h.start()
        r = load(h.port("nntp"), "over", "support.ms", "1-%d" % BIG)
        assert int(r["over_lines"]) == BIG, r
        hr["over100000"] = float(r["over_seconds"])
        h.stop()
        if inn and INN_BIG:
            arts = [(mid.encode(), text) for mid, _hdr, text in
                    (bulk_article("support.ms", i)
                     for i in range(1, BIG + 1))]
            t = time.time()
            got = inn.feed(arts)
            ir["feed"] = got / (time.time() - t)
            assert got == BIG, "innd accepted %d of %d" % (got, BIG)
            r = load(inn.port, "over", "support.ms", "1-%d" % BIG)
            assert int(r["over_lines"]) == BIG, r
            ir["over100000"] = float(r["over_seconds"])
    finally:
        h.stop()
        h.cleanup()
        if inn:
            inn.stop()
            inn.remove()

    if inn:
        table(hr, ir, inn.version, True)
        print("INN: ARTICLE 1 in flight over articles 1-%d (each waits on "
              "the delayed ACK, so the rate is steady);" % INN_ARTICLE1)
        print("  stored bytes: spool files, overview and history text on "
              "disk (blocks), without the")
        print("  preallocated dbz index; bulk load: TAKETHIS over one "
              "streaming connection.")
        if not INN_BIG:
            print("  OVER 1-100000 not run for INN (BENCH_INN_BIG=no).")
    else:
        table(hr, QUOTED, "INN (quoted)", False)
        print("INN column: issue 3's reference figures, not measured in "
              "this run.")
    print("hearthd's 100,000 articles for OVER are inserted into SQLite "
          "while it is stopped.")
    print("Ratios: hearthd / INN for rates, INN / hearthd for times and "
          "sizes (> 1: hearthd better).")


if __name__ == "__main__":
    main()
