"""POST's cost, not part of `make bench` (RESULTS.md, session 9).

  cg:   hearthd's instructions per article under callgrind: a 300- and
        a 1,300-article run over one posting connection, the difference
        divided by 1,000 (IDLE=S waits S seconds before stopping, so
        idle-time work such as the web's thread index is counted too);
  wall: 2,000 articles over 20 connections, hearthd on CPU 1 and
        hearth-load on CPU 0.

Run from a build directory, with nothing else busy on the machine:

    python3 ../tests/bench/post_cost.py cg|wall [LABEL]

HEARTHD, HEARTHMOD, HEARTH_LOCALE_DIR default to this build's; the
callgrind files are left in $TMPDIR as hearth-cg-LABEL-N.out.
"""
import glob
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.getcwd()
os.environ.setdefault("HEARTHD", BUILD + "/server/hearthd")
os.environ.setdefault("HEARTHMOD", BUILD + "/moderation/hearthmod")
os.environ.setdefault("HEARTH_SRCDIR", os.path.dirname(os.path.dirname(HERE)))
os.environ.setdefault("HEARTH_LOCALE_DIR", BUILD + "/po")
sys.path.insert(0, os.path.join(HERE, "..", "proto"))
import hearth_test  # noqa: E402
from hearth_test import Hearthd  # noqa: E402

LOAD = BUILD + "/clients/hearth-load"
CONF = ("rate_per_second = 1000000\nrate_burst = 1000000\n"
        "max_connections_per_ip = 1000\nauth_queue = 128\n"
        "log_level = info\ndatabase_sync_full = yes\n")
TMP = tempfile.gettempdir()


def run(n, conns, wrapper, client_prefix):
    """Post N articles over CONNS connections to a fresh hearthd."""
    hearth_test.WRAPPER = wrapper
    h = Hearthd(CONF, protos=("nntp",)).start()
    try:
        h.add_account("bench", "bench password")
        r = subprocess.run(client_prefix + [
            LOAD, "-p", str(h.port("nntp")), "-u", "bench", "-w",
            "bench password", "post", str(n), "support.oncology", "1500",
            str(conns)], capture_output=True, text=True, timeout=900)
        out = r.stdout.strip()
        time.sleep(float(os.environ.get("IDLE", "0")))
    finally:
        h.stop()
        h.cleanup()
    return out


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "cg"
    label = sys.argv[2] if len(sys.argv) > 2 else "x"
    if mode == "wall":
        print(label, run(2000, 20, ["taskset", "-c", "1"],
                         ["taskset", "-c", "0"]))
        return
    ir = {}
    for n in (300, 1300):
        pat = os.path.join(TMP, "hearth-cg-run.%p")
        for f in glob.glob(pat.replace("%p", "*")):
            os.unlink(f)
        out = run(n, 1, ["valgrind", "--tool=callgrind",
                         "--callgrind-out-file=" + pat], [])
        f = glob.glob(pat.replace("%p", "*"))[0]
        for line in open(f):
            if line.startswith(("summary:", "totals:")):
                ir[n] = int(line.split()[1])
        keep = os.path.join(TMP, "hearth-cg-%s-%d.out" % (label, n))
        os.rename(f, keep)
        print(n, out, "Ir", ir[n], keep, flush=True)
    print("%s: %.1fk instructions per article"
          % (label, (ir[1300] - ir[300]) / 1000 / 1000.0))


if __name__ == "__main__":
    main()
