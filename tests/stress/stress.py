#!/usr/bin/env python3
"""make stress: fault and load tests, bounded in time, loopback only.

  kill9     ROUNDS rounds of kill -9 at a random moment during mixed NNTP
            posting and IRC chatting; after each restart every article that
            got 240 and every message echoed to its sender is there, and
            PRAGMA integrity_check says ok.
  diskfull  the state directory on a small tmpfs (or under a file-size
            limit): DISKFULL_ROUNDS rounds of posting and chatting until
            the disk is full (temporary errors, nothing acked lost, the
            server recovers when space returns), then kill -9 while full.
  slowloris byte-at-a-time clients on NNTP, IRC and HTTP, a flood from one
            address and IDLE idle connections, while another client's
            round-trip stays under a bound and hearthd's RSS under a bound.

Prints its figures; exits non-zero on any failure.  STRESS_ROUNDS (20)
and STRESS_IDLE (10000) size it.
"""

import os
import random
import resource
import socket
import sqlite3
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "proto"))
from hearth_test import Hearthd, LineClient  # noqa: E402
from nntp_helpers import NNTPClient, article_bytes  # noqa: E402
from test_disk_full import run_disk_full  # noqa: E402

ROUNDS = int(os.environ.get("STRESS_ROUNDS", "20"))
DISKFULL_ROUNDS = int(os.environ.get("DISKFULL_ROUNDS", "5"))
IDLE = int(os.environ.get("STRESS_IDLE", "10000"))
PW = "stress password"
FAIL = []


def check(cond, what):
    if not cond:
        FAIL.append(what)
        print("FAIL:", what)


def poster(h, acked, stop):
    """Post until stopped or the server dies; record acknowledged ids."""
    try:
        lc = LineClient(h.addr("nntp"))
        n = NNTPClient(lc)
        lc.readline()
        n.login("poster", PW)
        i = 0
        while not stop.is_set():
            i += 1
            r = n.cmd("POST")
            if not r.startswith("340"):
                return
            lc.sendraw(article_bytes([("From", "P <p@example.org>"),
                                      ("Newsgroups", "support.ms"),
                                      ("Subject", "stress %d" % i)],
                                     "body %d\n" % i))
            r = lc.readline()
            if r.startswith("240"):
                acked.append(r.split()[-1])
    except (OSError, EOFError):
        return


def chatter(h, echoed, stop):
    try:
        lc = LineClient(h.addr("irc"))
        lc.send("CAP REQ :echo-message message-tags")
        lc.send("NICK chatter")
        lc.send("USER c 0 * :c")
        lc.send("CAP END")
        lc.read_until(lambda l: " 001 " in l)
        lc.send("JOIN #stroke-recovery")
        lc.read_until(lambda l: " 366 " in l)
        i = 0
        while not stop.is_set():
            i += 1
            lc.send("PRIVMSG #stroke-recovery :line %d" % i)
            line = lc.read_until(lambda l: "PRIVMSG #stroke-recovery "
                                 ":line %d" % i in l)[-1]
            for t in line[1:].split(" ", 1)[0].split(";"):
                if t.startswith("msgid="):
                    echoed.append(t[6:])
    except (OSError, EOFError, AssertionError):
        return


def kill9_rounds():
    h = Hearthd("database_sync_full = yes\nrate_per_second = 100000\n"
                "rate_burst = 100000\n", protos=("nntp", "irc"))
    h.start()
    h.add_account("poster", PW)
    acked, echoed = [], []
    rnd = random.Random(1)
    t0 = time.time()
    for r in range(ROUNDS):
        stop = threading.Event()
        ts = [threading.Thread(target=poster, args=(h, acked, stop)),
              threading.Thread(target=chatter, args=(h, echoed, stop))]
        for t in ts:
            t.start()
        time.sleep(0.2 + rnd.random() * 0.6)
        h.kill9()
        stop.set()
        for t in ts:
            t.join(10)
        h.start()
    db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
    ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    arts = {m for (m,) in db.execute("SELECT msgid FROM articles")}
    chat = {m for (m,) in db.execute("SELECT msgid FROM chat_messages")}
    nums = [n for (n,) in db.execute(
        "SELECT num FROM group_articles ga JOIN groups g ON "
        "g.id = ga.group_id WHERE g.name = 'support.ms' ORDER BY num")]
    db.close()
    lost_a = [m for m in acked if m not in arts]
    lost_c = [m for m in echoed if m not in chat]
    print("kill9: %d rounds in %.1f s, %d articles acknowledged (%d lost), "
          "%d chat lines echoed (%d lost), integrity_check=%s"
          % (ROUNDS, time.time() - t0, len(acked), len(lost_a),
             len(echoed), len(lost_c), ok))
    check(ok == "ok", "integrity_check after kill -9")
    check(not lost_a, "acknowledged articles lost: %r" % lost_a[:5])
    check(not lost_c, "echoed chat lines lost: %r" % lost_c[:5])
    check(nums == list(range(1, len(nums) + 1)),
          "article numbers not contiguous")
    h.stop()
    h.cleanup()


def disk_full():
    try:
        run_disk_full(rounds=DISKFULL_ROUNDS, size_kb=65536, free_kb=4096,
                      kill9=True)
    except AssertionError as e:
        check(False, "disk full: %s" % e)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def rtt(h):
    """One NNTP DATE round trip from a fresh client, in ms."""
    lc = LineClient(h.addr("nntp"))
    lc.readline()
    t = time.time()
    lc.send("DATE")
    lc.readline()
    ms = (time.time() - t) * 1000
    lc.close()
    return ms


def abuse():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    h = Hearthd("max_connections_per_ip = 100000\nmax_connections = 100000\n"
                "log_level = warn\n", protos=("nntp", "irc", "http"))
    h.start()
    rss0 = rss_kb(h.proc.pid)
    worst = 0.0
    socks = []
    # Slowloris: half lines, one byte at a time, on every protocol.
    for proto in ("nntp", "irc", "http"):
        for _ in range(50):
            s = socket.create_connection(h.addr(proto))
            s.setblocking(False)
            socks.append(s)
    for i in range(20):
        for s in socks:
            try:
                s.send(b"GET / HTTP/1.1\r\nX-Slow: "[i:i + 1] or b"x")
            except OSError:
                pass
        worst = max(worst, rtt(h))
    # A flood from one address: many commands, never reading.
    fl = socket.create_connection(h.addr("irc"))
    fl.setblocking(False)
    payload = b"PING :flood\r\n" * 2000
    for _ in range(200):
        try:
            fl.send(payload)
        except OSError:
            break
        worst = max(worst, rtt(h)) if _ % 50 == 0 else worst
    # Idle connections.
    idle = []
    for _ in range(IDLE):
        try:
            idle.append(socket.create_connection(h.addr("irc")))
        except OSError:
            break
    worst = max(worst, rtt(h))
    rss1 = rss_kb(h.proc.pid)
    print("abuse: 150 slowloris, 1 flood, %d idle: worst other-client "
          "round trip %.1f ms, RSS %d -> %d KiB" % (len(idle), worst, rss0,
                                                     rss1))
    check(len(idle) == IDLE, "could open only %d idle connections"
          % len(idle))
    check(worst < 500, "round trip under abuse %.1f ms" % worst)
    check(rss1 - rss0 < 64 * 1024, "RSS grew by %d KiB" % (rss1 - rss0))
    for s in socks + idle + [fl]:
        s.close()
    check(h.stop() == 0, "hearthd exit status after abuse")
    h.cleanup()


if __name__ == "__main__":
    kill9_rounds()
    disk_full()
    abuse()
    print("stress: %d failure(s)" % len(FAIL))
    sys.exit(1 if FAIL else 0)
