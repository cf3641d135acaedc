#!/usr/bin/env python3
"""HTTP benchmark: hearthd's cached documents beside nginx serving the
same bytes from a file, measured with wrk in the same run, in turns.
Loopback only, bounded in time.  Run by `make bench`.

Cases (BENCH_HTTP_CASES, comma-separated, picks some; all by default):
  feed          the cached 50-entry Atom feed        / nginx: its bytes
  feed_tls      the same over TLS                    / nginx over TLS
  thread        the web reader's page of a 20-article thread, cached
                                                     / nginx: its bytes
  thread_cold   that page made for every request (target 2,000/s)
  feed_cold     the feed made for every request

Cold: hearthd caches documents per (scheme, Host, path, reader); the
cold runs send a different Host header on every request (wrk Lua
script), so every request makes the document again from the database.

BENCH_HTTP_ROUNDS (default 3) runs every case that many times, hearthd
and nginx in turns (which of the two goes first alternates from round to
round); the table and summary.py show the medians.  Each server runs
pinned to one CPU and wrk to the other (tests/bench/pin.py; BENCH_PIN=0
turns it off).  BENCH_HTTP_STRACE=1
also counts each server's system calls under the same load (strace -c
-f on hearthd's process, on nginx's worker) and prints them per
response: the calls that write (writev, write, sendfile, sendmsg) and
all of them, for the cached cases (feed, feed_tls, thread).  strace slows a server down many times over, so its runs
give no rates; they are separate from the timed ones.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "proto"))
import hearth_test  # noqa: E402
from inn_harness import free_port  # noqa: E402
from hearth_test import Hearthd, LineClient  # noqa: E402
from nntp_helpers import NNTPClient  # noqa: E402

sys.path.insert(0, HERE)
from summary import record  # noqa: E402
import pin  # noqa: E402

DURATION = os.environ.get("BENCH_SECONDS", "5")
CONNS = os.environ.get("BENCH_CONNECTIONS", "16")
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "3"))
CASES = [c for c in os.environ.get(
    "BENCH_HTTP_CASES", "feed,feed_tls,thread,thread_cold,feed_cold"
).split(",") if c]
STRACE = os.environ.get("BENCH_HTTP_STRACE", "") not in ("", "0")

# Calls that put response bytes on the socket.
WRITE_CALLS = ("write", "writev", "sendfile", "sendfile64", "sendmsg",
               "sendto", "pwritev")


def post_thread(h, n=20):
    """A thread of N articles (a root and replies, nested by two) posted
    over NNTP; its root's Message-ID."""
    h.add_account("bench", "correct horse battery")
    c = NNTPClient(LineClient(h.addr("nntp")))
    c.lc.readline()
    assert c.login("bench", "correct horse battery").startswith("281")
    ids = []
    for i in range(n):
        hdrs = [("From", "bench <bench@example.org>"),
                ("Newsgroups", "support.oncology"),
                ("Subject", "Living with it, part %d" % i)]
        if ids:
            hdrs.append(("References", " ".join(ids[:1] +
                                                ids[max(1, i - 2):i])))
        r340, r = c.post(hdrs, "A story told at some length. " * 20 + "\n")
        assert r.startswith("240"), r
        ids.append(r.split()[-1])
    c.lc.close()
    return ids[0]


def cpu_seconds(pid):
    """User + system CPU seconds of PID (all its threads)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, script=None, duration=None, pid=None):
    """(requests/s, p50, p99, non-2xx/3xx, requests, server CPU
    microseconds per response) of one wrk run; PID is the server's."""
    d = duration or DURATION
    cmd = ["wrk", "-t1", "-c" + CONNS, "-d" + d + "s", "--latency"]
    if script:
        cmd += ["-s", script]
    cpu0 = cpu_seconds(pid) if pid else 0
    out = subprocess.run(cmd + [url], capture_output=True, text=True,
                         timeout=int(d) + 30).stdout
    cpu = cpu_seconds(pid) - cpu0 if pid else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    n = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (rps, p50, p99, int(non2xx.group(1)) if non2xx else 0, n,
            cpu * 1e6 / max(n, 1))


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def ms(t):
    """wrk's "137.00us" / "5.41ms" / "1.02s" in milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s)$", t)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]


def strace_run(pid, url, script=None):
    """Count PID's system calls (all its threads) under a short wrk run:
    (requests, {call: count})."""
    out = tempfile.mktemp(prefix="hearth-strace-")
    st = subprocess.Popen(["strace", "-c", "-f", "-q", "-o", out, "-p",
                           str(pid)], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        n = wrk(url, script, duration="3")[4]
    finally:
        st.send_signal(signal.SIGINT)
        st.wait(timeout=30)
    calls = {}
    with open(out) as f:
        for line in f:
            m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?"
                         r"(\w+)\s*$", line)
            if m and m.group(2) != "total":
                calls[m.group(2)] = int(m.group(1))
    os.unlink(out)
    return n, calls


def nginx_worker(master):
    """The pid of nginx's (single) worker process."""
    for _ in range(50):
        try:
            with open("/proc/%d/task/%d/children" % (master, master)) as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.1)
    return master


def main():
    if shutil.which("wrk") is None or shutil.which("nginx") is None:
        print("http bench: needs wrk and nginx (apt-get install wrk "
              "nginx-light)")
        return 1
    strace = STRACE and shutil.which("strace") is not None
    # wrk and this script on the client CPU, each server on the other.
    pin.client_self()
    hearth_test.WRAPPER = pin.server_prefix()
    if STRACE and not strace:
        print("http bench: no strace, no system call counts")
    h = Hearthd("http_rate_per_second = 1000000\n"
                "http_rate_burst = 1000000\nlog_level = warn\n"
                "rate_per_second = 100000\nrate_burst = 100000\n",
                protos=("http", "https", "ircs", "nntp")).start()
    tmp = tempfile.mkdtemp(prefix="hearth-bench-")
    nginx = None
    try:
        for i in range(50):
            r = h.hearthmod("event", "add", "--title",
                            "Patient school session %d: living well" % i,
                            "--starts", "2031-%02d-%02dT18:00Z"
                            % (i % 12 + 1, i % 28 + 1),
                            "--duration", "90m", "--room",
                            "#patient-school", "--description",
                            "Questions and answers with a specialist. " * 8)
            assert r.returncode == 0, r.stderr
        root = post_thread(h)
        port = h.port("http")
        feed = "http://127.0.0.1:%d/feeds/events.atom" % port
        sfeed = "https://127.0.0.1:%d/feeds/events.atom" % h.port("https")
        thread = "http://127.0.0.1:%d/threads/%s" % (port, root[1:-1])
        page = urllib.request.urlopen(thread).read()
        assert b"part 19" in page
        body = urllib.request.urlopen(feed).read()
        # nginx serving the same bytes as static files, with hearthd's
        # own certificate and key on its TLS port.
        www = os.path.join(tmp, "www")
        os.mkdir(www)
        with open(os.path.join(www, "events.atom"), "wb") as f:
            f.write(body)
        with open(os.path.join(www, "thread.html"), "wb") as f:
            f.write(page)
        cert = os.path.join(h.dir, "tls", "cert.pem")
        key = os.path.join(h.dir, "tls", "key.pem")
        np, nsp = free_port(), free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""daemon off; worker_processes 1; pid %s/nginx.pid;
error_log %s/error.log; events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nodelay on;
  types { application/atom+xml atom; text/html html; }
  client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;
  uwsgi_temp_path %s; scgi_temp_path %s;
  server { listen 127.0.0.1:%d; root %s; }
  server { listen 127.0.0.1:%d ssl; root %s;
    ssl_certificate %s; ssl_certificate_key %s; } }
""" % ((tmp,) * 7 + (np, www, nsp, www, cert, key)))
        nginx = subprocess.Popen(pin.server_cmd(["nginx", "-c", conf,
                                                 "-p", tmp]),
                                 stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        nfeed = "http://127.0.0.1:%d/events.atom" % np
        nsfeed = "https://127.0.0.1:%d/events.atom" % nsp
        nthread = "http://127.0.0.1:%d/thread.html" % np
        assert urllib.request.urlopen(nthread).read() == page
        lua = os.path.join(tmp, "cold.lua")
        with open(lua, "w") as f:
            f.write("counter = 0\nrequest = function()\n"
                    "  counter = counter + 1\n"
                    "  wrk.headers['Host'] = 'h' .. counter .. '.test'\n"
                    "  return wrk.format(nil)\nend\n")
        # (case, [(row name, summary key, url, wrk script)]), hearthd
        # then the anchor, one after the other.
        table = {
            "feed": [("hearthd cached feed", "http.hearthd.cached", feed,
                      None),
                     ("nginx static feed, same bytes", "http.nginx.static",
                      nfeed, None)],
            "feed_tls": [("hearthd cached feed, TLS",
                          "http.hearthd.tls_cached", sfeed, None),
                         ("nginx static feed, TLS",
                          "http.nginx.tls_static", nsfeed, None)],
            "thread": [("hearthd cached thread page",
                        "http.hearthd.thread_cached", thread, None),
                       ("nginx static thread page, same bytes",
                        "http.nginx.thread_static", nthread, None)],
            "thread_cold": [("hearthd cold thread page",
                             "http.hearthd.thread_cold", thread, lua)],
            "feed_cold": [("hearthd cold 50-entry feed",
                           "http.hearthd.cold", feed, lua)],
        }
        hpid, npid = h.proc.pid, nginx_worker(nginx.pid)
        results = {}
        for rnd in range(ROUNDS):
            for case in CASES:
                # hearthd and its anchor in turns, the first of the two
                # alternating from round to round.
                runs = table[case] if rnd % 2 == 0 else table[case][::-1]
                for name, key, url, script in runs:
                    res = wrk(url, script, pid=npid if key.startswith(
                        "http.nginx") else hpid)
                    record(key + ".rps", res[0])
                    record(key + ".p99_ms", ms(res[2]))
                    record(key + ".cpu_us", res[5])
                    results.setdefault(name, []).append(res)
        record("http.target.thread_cold_rps", 2000)
        print("\nHTTP benchmark (%d-byte Atom feed, 50 entries; %d-byte "
              "thread page, 20 articles; wrk -t1 -c%s -d%ss; %d round%s, "
              "hearthd and nginx in turns)"
              % (len(body), len(page), CONNS, DURATION, ROUNDS,
                 "" if ROUNDS == 1 else "s"))
        print(pin.describe())
        print("%-38s %10s %9s %9s %7s %7s  %s" % (
            "case (medians)", "requests/s", "p50", "p99", "CPU us",
            "errors", "requests/s of each round"))
        for case in CASES:
            for name, _key, _url, _script in table[case]:
                rs = results[name]
                print("%-38s %10.0f %7.3fms %7.3fms %7.1f %7d  %s" % (
                    name, median([r[0] for r in rs]),
                    median([ms(r[1]) for r in rs]),
                    median([ms(r[2]) for r in rs]),
                    median([r[5] for r in rs]), sum(r[3] for r in rs),
                    " ".join("%.0f" % r[0] for r in rs)))
        print("(CPU us: the server's CPU time per response, user and "
              "system, from /proc; errors: non-2xx/3xx, all rounds)")
        if strace:
            print("\nSystem calls per response (strace -c -f, 3 s of "
                  "wrk -c%s; no rates: strace slows each server)" % CONNS)
            print("%-38s %8s %8s %8s  %s" % ("case", "writes", "reads",
                                             "all", "calls per response"))
            for case in CASES:
                if case not in ("feed", "feed_tls", "thread"):
                    continue
                for name, key, url, script in table[case]:
                    pid = npid if key.startswith("http.nginx") else hpid
                    n, calls = strace_run(pid, url, script)
                    w = sum(v for k, v in calls.items() if k in WRITE_CALLS)
                    rd = sum(v for k, v in calls.items()
                             if k in ("read", "readv", "recvfrom",
                                      "recvmsg"))
                    tot = sum(calls.values())
                    record(key + ".syscalls_per_response", tot / max(n, 1))
                    record(key + ".writes_per_response", w / max(n, 1))
                    print("%-38s %8.2f %8.2f %8.2f  %s" % (
                        name, w / max(n, 1), rd / max(n, 1),
                        tot / max(n, 1), " ".join(
                            "%s=%.2f" % (k, v / max(n, 1))
                            for k, v in sorted(calls.items()))))
        return 0
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait()
        h.stop()
        h.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
