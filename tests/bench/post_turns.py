"""POST in turns on fresh databases, not part of `make bench` (RESULTS.md,
session 10).

Each round posts N articles over CONNS connections to a freshly started
hearthd (a new database, as `make bench` has) for every LABEL=BINARY
given, then to one INN started once (INN=no skips it); hearthd and innd
on the server CPU, hearth-load on the client CPU (tests/bench/pin.py),
database_sync_full = yes.  Prints every figure and the medians.

Run from a build directory, holding the machine's job slots:

    python3 ../tests/bench/post_turns.py ROUNDS N CONNS LABEL=BINARY...

e.g. `... 4 2000 1 old=OLD/server/hearthd new=server/hearthd`.
"""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.getcwd()
os.environ.setdefault("HEARTHMOD", BUILD + "/moderation/hearthmod")
os.environ.setdefault("HEARTH_SRCDIR", os.path.dirname(os.path.dirname(HERE)))
os.environ.setdefault("HEARTH_LOCALE_DIR", BUILD + "/po")
sys.path.insert(0, os.path.join(HERE, "..", "proto"))
sys.path.insert(0, HERE)
import hearth_test  # noqa: E402
import inn_server  # noqa: E402
import pin  # noqa: E402
from hearth_test import Hearthd  # noqa: E402

LOAD = BUILD + "/clients/hearth-load"
CONF = ("rate_per_second = 1000000\nrate_burst = 1000000\n"
        "max_connections_per_ip = 1000\nauth_queue = 128\n"
        "log_level = info\ndatabase_sync_full = yes\n")


def post(port, n, conns):
    """Articles per second of N posts over CONNS connections to PORT."""
    args = ["post", n, "support.oncology", 1500] + \
        ([conns] if conns > 1 else [])
    r = subprocess.run([LOAD, "-p", str(port), "-u", "bench", "-w",
                        "bench password"] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=600)
    out = dict(kv.split("=") for kv in r.stdout.split())
    if r.returncode != 0 or int(out.get("errors", 0)) != 0:
        sys.exit("hearth-load: %s %s" % (r.stdout, r.stderr))
    return float(out["per_second"])


def main():
    rounds, n, conns = (int(a) for a in sys.argv[1:4])
    bins = [a.split("=", 1) for a in sys.argv[4:]]
    pin.client_self()
    hearth_test.WRAPPER = pin.server_prefix()
    inn = None
    if os.environ.get("INN", "yes") != "no" and not inn_server.unavailable():
        inn = inn_server.Inn(["support.oncology", "support.ms"], "bench",
                             "bench password")
        with pin.server_side():
            inn.start()
    res = {label: [] for label, _ in bins}
    if inn:
        res["INN"] = []
    try:
        for r in range(rounds):
            for label, path in bins:
                hearth_test.HEARTHD = path
                h = Hearthd(CONF, protos=("nntp",)).start()
                try:
                    h.add_account("bench", "bench password")
                    res[label].append(post(h.port("nntp"), n, conns))
                finally:
                    h.stop()
                    h.cleanup()
                print(r, label, res[label][-1], flush=True)
            if inn:
                res["INN"].append(post(inn.port, n, conns))
                print(r, "INN", res["INN"][-1], flush=True)
    finally:
        if inn:
            inn.stop()
            inn.remove()
    for label, got in res.items():
        print("%-8s %d conn(s): %s, median %.0f" % (
            label, conns, " / ".join("%.0f" % x for x in got),
            statistics.median(got)))


if __name__ == "__main__":
    main()
