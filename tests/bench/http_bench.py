#!/usr/bin/env python3
"""HTTP benchmark: a cached feed, a cold regeneration of a 50-entry feed,
the web reader's page of a 20-article thread (cached and cold), and the
feed's bytes as a static file from nginx, measured with wrk in the same
run.  Loopback only, bounded in time.  Run by `make bench`.

Cold regeneration: hearthd caches documents per (scheme, Host, path);
the cold run sends a different Host header on every request (wrk Lua
script), so every request regenerates the feed from the database.
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
from hearth_test import Hearthd, LineClient  # noqa: E402
from nntp_helpers import NNTPClient  # noqa: E402


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

DURATION = os.environ.get("BENCH_SECONDS", "5")
CONNS = os.environ.get("BENCH_CONNECTIONS", "16")


def wrk(url, script=None):
    cmd = ["wrk", "-t1", "-c" + CONNS, "-d" + DURATION + "s", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True,
                         timeout=int(DURATION) + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(non2xx.group(1)) if non2xx else 0


def main():
    if shutil.which("wrk") is None or shutil.which("nginx") is None:
        print("http bench: needs wrk and nginx (apt-get install wrk "
              "nginx-light)")
        return 1
    h = Hearthd("http_rate_per_second = 1000000\n"
                "http_rate_burst = 1000000\nlog_level = warn\n"
                "rate_per_second = 100000\nrate_burst = 100000\n",
                protos=("http", "ircs", "nntp")).start()
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
        url = "http://127.0.0.1:%d/feeds/events.atom" % port
        thread = "http://127.0.0.1:%d/threads/%s" % (port, root[1:-1])
        page = urllib.request.urlopen(thread).read()
        assert b"part 19" in page
        body = urllib.request.urlopen(url).read()
        # nginx serving the same bytes as a static file.
        www = os.path.join(tmp, "www")
        os.mkdir(www)
        with open(os.path.join(www, "events.atom"), "wb") as f:
            f.write(body)
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""daemon off; worker_processes 1; pid %s/nginx.pid;
error_log %s/error.log; events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nodelay on;
  client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;
  uwsgi_temp_path %s; scgi_temp_path %s;
  server { listen 127.0.0.1:18099; root %s;
    location / { default_type application/atom+xml; } } }
""" % ((tmp,) * 7 + (www,)))
        nginx = subprocess.Popen(["nginx", "-c", conf, "-p", tmp],
                                 stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        lua = os.path.join(tmp, "cold.lua")
        with open(lua, "w") as f:
            f.write("counter = 0\nrequest = function()\n"
                    "  counter = counter + 1\n"
                    "  wrk.headers['Host'] = 'h' .. counter .. '.test'\n"
                    "  return wrk.format(nil)\nend\n")
        cpu0 = os.times()
        results = [
            ("hearthd cached feed", wrk(url)),
            ("hearthd cold 50-entry feed", wrk(url, lua)),
            ("hearthd cached thread page", wrk(thread)),
            ("hearthd cold thread page", wrk(thread, lua)),
            ("nginx static file, same bytes",
             wrk("http://127.0.0.1:18099/events.atom")),
        ]
        del cpu0
        print("\nHTTP benchmark (%d-byte Atom feed, 50 entries; %d-byte "
              "thread page, 20 articles; wrk -t1 -c%s -d%ss; client and "
              "servers share 2 cores)"
              % (len(body), len(page), CONNS, DURATION))
        print("%-32s %12s %10s %10s %8s" % ("case", "requests/s", "p50",
                                            "p99", "errors"))
        for name, (rps, p50, p99, bad) in results:
            print("%-32s %12.0f %10s %10s %8d" % (name, rps, p50, p99, bad))
        ratio = results[0][1][0] / results[4][1][0]
        print("cached feed / nginx static: %.2f" % ratio)
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
