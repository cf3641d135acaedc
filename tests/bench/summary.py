#!/usr/bin/env python3
"""The figures of issue 20 side by side: hearthd, the anchor, the ratio.

Each part of `make bench` records what it measured with record() (or, in
irc-bench.sh, by appending its key=value lines) to the file named by
BENCH_SUMMARY; `python3 summary.py FILE` then prints one table with
every figure of the issue, its anchor (InspIRCd, ngircd, INN, nginx)
beside it, the ratio (> 1: hearthd better, whichever way the figure
goes) and the target.  A figure measured more than once (the IRC rooms
are measured BENCH_REPEAT times in turns) shows its median.
"""

import os
import sys


def record(key, value):
    """Append KEY=VALUE to $BENCH_SUMMARY when it is set."""
    path = os.environ.get("BENCH_SUMMARY")
    if not path:
        return
    with open(path, "a") as f:
        f.write("%s=%s\n" % (key, value))


def load(path):
    vals = {}
    with open(path) as f:
        for line in f:
            key, sep, v = line.strip().partition("=")
            if not sep:
                continue
            try:
                x = float(v)
            except ValueError:
                continue	# a list (hearth-ircload's slow_at_s), not a figure
            vals.setdefault(key, []).append(x)
    return {k: sorted(v)[len(v) // 2] if len(v) % 2 else
            (sorted(v)[len(v) // 2 - 1] + sorted(v)[len(v) // 2]) / 2
            for k, v in vals.items()}


ROOMS = (("1->100", "s1.m100"), ("10->100", "s10.m100"),
         ("1->1000", "s1.m1000"), ("10->1000", "s10.m1000"))


def rows():
    """(figure, hearthd key, [(anchor, key)], unit, better, target)."""
    out = []
    for name, room in ROOMS:
        k = "fanout.%s.saturation.deliveries_per_cpu_second" % room
        out.append(("IRC %s deliveries per server CPU-s" % name,
                    "irc.hearthd." + k, [("InspIRCd", "irc.inspircd." + k)],
                    "", "higher", 1.2))
    for name, room in ROOMS[0], ROOMS[2]:
        k = "fanout.%s.rate.latency_p99_ms" % room
        out.append(("IRC p99 at 100 msg/s, %s" % name, "irc.hearthd." + k,
                    [("InspIRCd", "irc.inspircd." + k),
                     ("ngircd", "irc.ngircd." + k)], "ms", "lower", 1.0))
    k = "idle.tls.bytes_per_connection"
    out.append(("idle TLS connection", "irc.hearthd." + k,
                [("InspIRCd", "irc.inspircd." + k),
                 ("ngircd", "irc.ngircd." + k)], "B", "lower", 1.0))
    k = "storm.listen_drops"
    out.append(("connect storm: SYN drops (nstat, whole machine)",
                "irc.hearthd." + k, [("InspIRCd", "irc.inspircd." + k)],
                "", "zero", None))
    k = "storm.seconds"
    out.append(("connect storm: seconds", "irc.hearthd." + k,
                [("InspIRCd", "irc.inspircd." + k)], "s", "lower", None))
    out.append(("NNTP POST, 1 connection", "nntp.hearthd.post",
                [("INN", "nntp.inn.post")], "/s", "higher", 1.0))
    out.append(("NNTP POST, 20 connections", "nntp.hearthd.post20",
                [("INN", "nntp.inn.post20")], "/s", "higher", 3.0))
    out.append(("HTTP cached feed, requests/s", "http.hearthd.cached.rps",
                [("nginx", "http.nginx.static.rps")], "/s", "higher", 1.0))
    out.append(("HTTP cached feed, p99", "http.hearthd.cached.p99_ms",
                [("nginx", "http.nginx.static.p99_ms")], "ms", "lower",
                1.0))
    out.append(("HTTPS cached feed, requests/s",
                "http.hearthd.tls_cached.rps",
                [("nginx", "http.nginx.tls_static.rps")], "/s", "higher",
                1.0))
    out.append(("HTTPS cached feed, p99", "http.hearthd.tls_cached.p99_ms",
                [("nginx", "http.nginx.tls_static.p99_ms")], "ms", "lower",
                1.0))
    out.append(("HTTP cached thread page, requests/s",
                "http.hearthd.thread_cached.rps",
                [("nginx", "http.nginx.thread_static.rps")], "/s", "higher",
                0.8))
    out.append(("HTTP cached thread page, p99",
                "http.hearthd.thread_cached.p99_ms",
                [("nginx", "http.nginx.thread_static.p99_ms")], "ms",
                "lower", 1.0))
    out.append(("HTTP cold thread page, requests/s",
                "http.hearthd.thread_cold.rps",
                [("(2,000/s)", "http.target.thread_cold_rps")], "/s",
                "higher", 1.0))
    out.append(("HTTP cached feed, CPU us per response",
                "http.hearthd.cached.cpu_us",
                [("nginx", "http.nginx.static.cpu_us")], "us", "lower",
                None))
    out.append(("HTTP cached feed, system calls per response",
                "http.hearthd.cached.syscalls_per_response",
                [("nginx", "http.nginx.static.syscalls_per_response")], "",
                "lower", None))
    out.append(("reader p99 in a sign-in storm (median of rounds)",
                "auth.reader.p99_ms",
                [("(5 ms)", "auth.target.p99_ms")], "ms", "lower", 1.0))
    out.append(("  the loop's run-queue wait in 10 s",
                "auth.loop.runq_wait_ms", [], "ms", "lower", None))
    out.append(("  a member's sign-in in the storm", "auth.member.signin_ms",
                [], "ms", "lower", None))
    return out


def fmt(v, unit):
    if v is None:
        return "-"
    if unit in ("ms", "s", "us"):
        return "%.3g %s" % (v, unit)
    return "%.0f%s" % (v, " B" if unit == "B" else "")


def table(vals, out=sys.stdout):
    print("\nIssue 20 figures (same run; ratio > 1: hearthd better)",
          file=out)
    print("%-48s %12s %22s %7s  %s" % ("figure", "hearthd", "anchor",
                                       "ratio", "target"), file=out)
    for name, hkey, anchors, unit, better, target in rows():
        h = vals.get(hkey)
        if not anchors:
            print("%-48s %12s" % (name, fmt(h, unit)), file=out)
            continue
        first = True
        for aname, akey in anchors:
            a = vals.get(akey)
            ratio = goal = ""
            if h is not None and a is not None and better != "zero":
                if better == "higher":
                    r = h / a if a else float("inf")
                else:
                    r = a / h if h else float("inf")
                ratio = "%.2fx" % r
                if target is not None and first:
                    goal = ">= %gx: %s" % (target, "met" if r >= target
                                           else "NOT met")
            elif better == "zero" and h is not None and first:
                goal = "0: %s" % ("met" if h == 0 else "NOT met")
            print("%-48s %12s %22s %7s  %s" % (
                name if first else "", fmt(h, unit) if first else "",
                "%s %s" % (aname, fmt(a, unit)), ratio, goal), file=out)
            first = False


def main():
    if len(sys.argv) != 2 or not os.path.exists(sys.argv[1]):
        print("usage: summary.py RESULTS", file=sys.stderr)
        return 1
    table(load(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
