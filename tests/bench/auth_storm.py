#!/usr/bin/env python3
"""A reader's DATE latency under a sign-in storm (issue 14, item 4).

STORM_CLIENTS (8) NNTP clients guess passwords for unknown names as fast
as the server answers, each from its own rotating loopback address (so
the per-address throttle does not stop them), while one reader sends
DATE every 20 ms.  hearthd runs with the production scrypt cost
(password_scrypt_log2n = 15).  Prints the reader's latency (median, p99,
max) and how many guesses were answered, refused as busy (403) or
throttled.  STORM_SECONDS (10) long.

    HEARTHD=build/server/hearthd HEARTH_SRCDIR=. python3 tests/bench/auth_storm.py
"""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "proto"))
from hearth_test import Hearthd, LineClient  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summary import record  # noqa: E402

SECONDS = float(os.environ.get("STORM_SECONDS", "10"))
CLIENTS = int(os.environ.get("STORM_CLIENTS", "8"))


def stormer(h, n, stop, counts, lock):
    k = 0
    while not stop.is_set():
        src = "127.%d.%d.%d" % (10 + n, (k // 200) % 250 + 1, k % 200 + 1)
        try:
            c = LineClient(h.addr("nntp"), source=src, timeout=30)
            c.readline()
            for _ in range(4):
                if stop.is_set():
                    break
                k += 1
                c.send("AUTHINFO USER nobody%d_%d" % (n, k))
                c.readline()
                c.send("AUTHINFO PASS guess%d" % k)
                r = c.readline()
                with lock:
                    key = r[:3] if not r.startswith("481 Too") else "thr"
                    counts[key] = counts.get(key, 0) + 1
            c.close()
        except (OSError, EOFError):
            with lock:
                counts["err"] = counts.get("err", 0) + 1
        k += 1


def loop_schedstat(pid):
    """The loop thread's (run ns, run-queue wait ns, slices), or None.

    Linux schedstat of hearthd's main thread: how long the loop waited
    for a CPU while it was ready to run -- what a scheduler adds to a
    reader's latency, and less at the mercy of the machine's other load
    than the wall-clock p99."""
    try:
        with open("/proc/%d/task/%d/schedstat" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()[:3]]
    except (OSError, ValueError):
        return None


def main():
    h = Hearthd("password_scrypt_log2n = 15\n"
                "rate_per_second = 100000\nrate_burst = 100000\n"
                "max_connections_per_ip = 1000\n", ("nntp",))
    h.start()
    try:
        reader = LineClient(h.addr("nntp"), timeout=30)
        reader.readline()
        stop = threading.Event()
        counts, lock = {}, threading.Lock()
        threads = [threading.Thread(target=stormer,
                                    args=(h, i, stop, counts, lock))
                   for i in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        st0 = loop_schedstat(h.proc.pid)
        lat = []
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            t0 = time.monotonic()
            reader.send("DATE")
            reader.readline()
            lat.append((time.monotonic() - t0) * 1000)
            time.sleep(0.02)
        st1 = loop_schedstat(h.proc.pid)
        stop.set()
        for t in threads:
            t.join()
        lat.sort()
        med = lat[len(lat) // 2]
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        record("auth.reader.p99_ms", p99)
        record("auth.target.p99_ms", 5)
        print("auth-storm: %d guessers, %.0f s, scrypt 2^15: reader DATE "
              "median %.1f ms, p99 %.1f ms, max %.1f ms (%d samples); "
              "guesses answered 481 %d, busy 403 %d, throttled %d, "
              "errors %d" % (CLIENTS, SECONDS, med, p99, lat[-1], len(lat),
                             counts.get("481", 0), counts.get("403", 0),
                             counts.get("thr", 0), counts.get("err", 0)))
        if st0 is not None and st1 is not None and st1[2] > st0[2]:
            wait = (st1[1] - st0[1]) / 1e6
            print("auth-storm: the loop thread waited for a CPU %.1f ms in "
                  "%d slices (%.3f ms each), ran %.1f ms" %
                  (wait, st1[2] - st0[2], wait / (st1[2] - st0[2]),
                   (st1[0] - st0[0]) / 1e6))
    finally:
        h.stop()
        h.cleanup()


if __name__ == "__main__":
    main()
