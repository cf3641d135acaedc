"""The peering benchmark (make bench): hearthd beside INN's own innfeed ->
innd, in the same run (issue 17).

A source INN ("src", inn_server.Inn) takes N articles by TAKETHIS from
127.0.0.2 and feeds them on with its own innfeed, streaming, to one
receiver at a time:

  INN -> hearthd   innfeed -> hearthd (as the peer account "innfeed")
  INN -> INN       innfeed -> a second innd ("dst"), INN's own pairing

and then hearthd's feeder sends N articles it took from a peer on to
"dst":

  hearthd -> INN   hearthd's feeder (CHECK/TAKETHIS) -> innd

Articles per second are counted from the first article offered to the
source until the last one is readable at the receiver, for 1 KB and
10 KB articles; the source's intake is in every figure (it is the same
for both INN -> receivers rows).  For hearthd -> INN, the lag from an
article's acceptance at hearthd (one every 20 ms) to its arrival at INN
(polled every 10 ms) is given as p50/p99.

Environment as nntp_bench.py (HEARTHD, HEARTHMOD, HEARTH_SRCDIR;
PEER_BENCH_N, default 1000).  Needs root or news for innd; without inn2
it says so and stops.
"""

import os
import socket
import sys
import time

import hearth_test
import inn_server
import pin
from hearth_test import Hearthd, LineClient
from nntp_helpers import NNTPClient

N = int(os.environ.get("PEER_BENCH_N", "1000"))
PASS = "feeder-secret-42"
GROUP = "support.oncology"


def article(i, size, tag):
    mid = b"<%s.%d.%d@src.bench.test>" % (tag.encode(), size, i)
    head = (b"Path: src.bench.test!.POSTED!not-for-mail\r\n"
            b"From: Bench <bench@src.bench.test>\r\n"
            b"Newsgroups: " + GROUP.encode() + b"\r\n"
            b"Subject: bench " + str(i).encode() + b"\r\n"
            b"Message-ID: " + mid + b"\r\n"
            b"Date: " + time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                      time.gmtime()).encode() + b"\r\n\r\n")
    line = b"x" * 70 + b"\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return mid, head + body


def count_at(port, source=None):
    lc = LineClient(("127.0.0.1", port), timeout=30, source=source)
    try:
        lc.readline()
        r = NNTPClient(lc).cmd("GROUP " + GROUP)
        return int(r.split()[1]) if r.startswith("211") else 0
    finally:
        lc.close()


def wait_count(port, n, source=None, limit=120):
    deadline = time.time() + limit
    while time.time() < deadline:
        if count_at(port, source) >= n:
            return time.time()
        time.sleep(0.05)
    raise RuntimeError("only %d of %d arrived" % (count_at(port, source), n))


def source_inn(site, host_port, user=None):
    """A source INN whose innfeed feeds SITE at HOST_PORT."""
    src = inn_server.Inn([GROUP], "u", "pw")
    src.newsfeeds = ("ME:!*/!local::\n"
                     "innfeed!:!*:Tc,Wnm*:%s/innfeed\n"
                     "%s/%s:*,!junk:Tm:innfeed!\n"
                     % (inn_server.inn_harness.INNBIN, site, site))
    # innfeed keeps host-queue-highwater articles in memory per peer
    # and spills the rest to its backlog file, fed much later: the
    # benchmark keeps them all in memory, for both receivers alike.
    src.innfeed_conf = (
        "backlog-directory: innfeed\ninitial-sleep: 1\n"
        "host-queue-highwater: 1000000\nmax-queue-size: 100\n"
        "peer %s {\n  ip-name: 127.0.0.1\n  port-number: %d\n"
        "  max-connections: 1\n%s}\n"
        % (site, host_port, "  username: %s\n  password: %s\n"
           % (user, PASS) if user else ""))
    return src.start()


def dst_inn():
    """A receiving INN: peers from 127.0.0.1 (innfeed, hearthd's
    feeder), readers from 127.0.0.3."""
    dst = inn_server.inn_harness.Inn([GROUP], pathhost="dst.bench.test",
                                     prefix="hearth-bench-dst.")
    dst.incoming_conf = ("streaming: true\nmax-connections: 16\n"
                         "peer feeders {\n  hostname: \"127.0.0.1\"\n}\n")
    with pin.server_side():
        return dst.start()


def hearthd(receiver):
    """hearthd as the receiver (on the server CPU) or as the sender."""
    hearth_test.WRAPPER = pin.server_prefix() if receiver else []
    h = Hearthd("rate_per_second = 1000000\nrate_burst = 1000000\n"
                "nntp_reads_per_token = 10000\nnntp_peers = innfeed, src\n"
                "new_member_probation = 0\nprobation_days = 0\n"
                "log_level = info\nmax_connections_per_ip = 1000\n"
                "flood_messages = 0\nanonymous_read = yes\n",
                protos=("nntp",)).start()
    h.add_account("innfeed", PASS)
    h.add_account("src", PASS)
    return h


def inn_to(receiver, size):
    """INN's innfeed -> hearthd or -> a second innd: articles/s."""
    if receiver == "hearthd":
        h = hearthd(True)
        port, site, user, src_of = h.port("nntp"), "hearth.bench", \
            "innfeed", None
    else:
        h = dst_inn()
        port, site, user, src_of = h.port, "dst.bench.test", None, \
            "127.0.0.3"
    src = source_inn(site, port, user)
    try:
        # One article first, so innfeed's connection is up.
        src.feed([article(N, size, receiver)])
        wait_count(port, 1, src_of)
        arts = [article(i, size, receiver) for i in range(N)]
        t0 = time.time()
        took = src.feed(arts)
        if took != N:
            raise RuntimeError("the source INN took %d of %d: %s" % (
                took, N, src.log_tail()))
        t1 = wait_count(port, N + 1, src_of)
        return N / (t1 - t0)
    finally:
        src.stop()
        src.remove()
        if receiver == "hearthd":
            h.stop()
            h.cleanup()
        else:
            h.stop()
            h.remove()


def take(h, arts):
    """Feed ARTS to hearthd as the peer "src", TAKETHIS, 200 in flight."""
    s = socket.create_connection(("127.0.0.1", h.port("nntp")))
    f = s.makefile("rb")
    f.readline()
    s.sendall(b"AUTHINFO USER src\r\nAUTHINFO PASS %s\r\nMODE STREAM\r\n"
              % PASS.encode())
    for _ in range(3):
        f.readline()
    sent = answered = 0
    while answered < len(arts):
        batch = []
        while sent < len(arts) and sent - answered < 200:
            mid, text = arts[sent]
            batch.append(b"TAKETHIS %s\r\n%s.\r\n" % (mid, text))
            sent += 1
        if batch:
            s.sendall(b"".join(batch))
        f.readline()
        answered += 1
    s.close()


def hearth_to_inn(size):
    """hearthd's feeder -> innd: articles/s, and the lag of one article
    at a time (p50, p99 in ms)."""
    h = hearthd(False)
    dst = dst_inn()
    try:
        r = h.hearthmod("peer", "add", "dst", "127.0.0.1:%d" % dst.port,
                        "plain", "path=dst.bench.test", "maxsize=100000")
        assert r.returncode == 0, r.stderr + r.stdout
        arts = [article(i, size, "hearth") for i in range(N)]
        t0 = time.time()
        take(h, arts)
        t1 = wait_count(dst.port, N, "127.0.0.3")
        rate = N / (t1 - t0)
        lags = []
        for i in range(50):
            mid, text = article(i, size, "lag")
            take(h, [(mid, text)])
            t = time.time()
            while True:
                lc = LineClient(("127.0.0.1", dst.port), timeout=30,
                                source="127.0.0.3")
                lc.readline()
                ok = NNTPClient(lc).code("STAT " + mid.decode()) == "223"
                lc.close()
                if ok:
                    break
                time.sleep(0.01)
            lags.append((time.time() - t) * 1000)
            time.sleep(0.02)
        lags.sort()
        return rate, lags[len(lags) // 2], lags[int(len(lags) * 0.99)]
    finally:
        h.stop()
        h.cleanup()
        dst.stop()
        dst.remove()


def main():
    why = inn_server.unavailable()
    if why:
        print("peering benchmark NOT run: %s" % why)
        return 0
    # The receiver (hearthd or innd) on the server CPU; the sender (the
    # source INN with its innfeed, or hearthd's feeder with what feeds
    # it) and this script on the client CPU.
    pin.client_self()
    print("Peering benchmark, loopback, %d articles each, %d cores" %
          (N, os.cpu_count()))
    print(pin.describe() + "; receivers on the server CPU, senders on "
          "the client CPU")
    print("%-34s %10s %10s" % ("", "1 KB", "10 KB"))
    for label, fn in (("INN innfeed -> hearthd (art/s)",
                       lambda s: inn_to("hearthd", s)),
                      ("INN innfeed -> innd (art/s)",
                       lambda s: inn_to("inn", s))):
        row = [fn(size) for size in (1024, 10240)]
        print("%-34s %10.0f %10.0f" % (label, row[0], row[1]))
        sys.stdout.flush()
    res = [hearth_to_inn(size) for size in (1024, 10240)]
    print("%-34s %10.0f %10.0f" % ("hearthd feeder -> innd (art/s)",
                                   res[0][0], res[1][0]))
    print("%-34s %10s %10s" % ("  lag post -> at innd p50/p99 (ms)",
                               "%.0f/%.0f" % res[0][1:],
                               "%.0f/%.0f" % res[1][1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
