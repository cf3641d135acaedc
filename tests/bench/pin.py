#!/usr/bin/env python3
"""CPU pinning for `make bench`, shared by every bench script (issue 20:
"each server pinned to one core, the load client to the other").

BENCH_PIN=0 turns it off; by default it is on when this process may run
on two CPUs or more.  The server under test (hearthd and every anchor:
InspIRCd, ngircd, INN, nginx) runs on BENCH_SERVER_CPU, the load client
(wrk, hearth-load, hearth-ircload, the Python loaders) on
BENCH_CLIENT_CPU; by default the server gets the CPU that takes the
storage interrupts (storage_cpu(); else the first this process may
use) and the load client another.  Servers are started under `taskset -c` (util-linux), so a
server sizes its thread pools from the one CPU it has (hearthd's
auth_threads from sched_getaffinity, like nproc); a server already
started by a harness (innd) is started inside pin.server_side(), so it
and what it forks inherit the mask.

From Python: `import pin`, then pin.client_self() at the start (the
script and what it spawns run on the client CPU), pin.server_cmd(argv)
for a server's command line, `with pin.server_side():` around a
harness that starts one, pin.describe() for the line the output and RESULTS.md carry.
From sh: `eval "$(python3 pin.py sh)"` sets PIN_SERVER and PIN_CLIENT
(command prefixes, empty when off) and PIN_DESC.
"""

import contextlib
import os
import shlex
import shutil
import sys


def _allowed():
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return list(range(os.cpu_count() or 1))


def _cpus():
    """(server CPU, client CPU), or None when pinning is off."""
    if os.environ.get("BENCH_PIN", "") in ("0", "no", "off"):
        return None
    # Remember the CPUs this process could use before client_self()
    # narrowed them, so that a child script computes the same pair.
    saved = os.environ.get("BENCH_PIN_CPUS")
    if saved:
        cpus = [int(c) for c in saved.split(",")]
    else:
        cpus = _allowed()
        os.environ["BENCH_PIN_CPUS"] = ",".join(str(c) for c in cpus)
    if len(cpus) < 2 or shutil.which("taskset") is None:
        return None
    srv = int(os.environ.get("BENCH_SERVER_CPU", storage_cpu(cpus)))
    cli = int(os.environ.get("BENCH_CLIENT_CPU",
                             cpus[1] if cpus[1] != srv else cpus[0]))
    return srv, cli


# Interrupt names of storage queues in /proc/interrupts: virtio-blk
# ("virtio1-req.0"), NVMe ("nvme0q1"), AHCI/SATA, SCSI.
STORAGE_IRQ = ("-req.", "nvme", "ahci", "ata_piix", "virtio_scsi",
               "megasas", "mpt")


def storage_cpu(cpus):
    """The CPU of CPUS that takes the most storage interrupts, else the
    first.  A server that syncs its writes (hearthd's fdatasync) is woken
    by the disk's completion interrupt: on the CPU that takes it the
    wake-up is local, elsewhere it costs an inter-processor interrupt
    per sync.  Measured here (issue 20, session 8): POST over one
    connection with fsync, server pinned to the CPU without the
    interrupts 1,219-1,449 art/s, to the CPU with them 1,693-1,786, not
    pinned 1,676-1,864.  Every server of a comparison runs on the same
    CPU, so the choice favours none of them; it is the placement an
    operator (or irqbalance) gives a database server."""
    try:
        with open("/proc/interrupts") as f:
            head = f.readline().split()
            counts = [0] * len(head)
            for line in f:
                if not any(k in line for k in STORAGE_IRQ):
                    continue
                fields = line.split()[1:1 + len(head)]
                for i, v in enumerate(fields):
                    if v.isdigit():
                        counts[i] += int(v)
        cols = [int(h[3:]) for h in head if h.startswith("CPU")]
        best = max((counts[i], -cols[i]) for i in range(len(cols))
                   if cols[i] in cpus)
        if best[0] > 0:
            return -best[1]
    except (OSError, ValueError):
        pass
    return cpus[0]


def enabled():
    return _cpus() is not None


def server_cmd(argv):
    """ARGV started on the server CPU."""
    c = _cpus()
    return (["taskset", "-c", str(c[0])] if c else []) + list(argv)


def client_cmd(argv):
    """ARGV started on the client CPU."""
    c = _cpus()
    return (["taskset", "-c", str(c[1])] if c else []) + list(argv)


def server_prefix():
    return server_cmd([])


def client_self():
    """Run this process (and what it starts from now on, unless started
    with server_cmd) on the client CPU."""
    c = _cpus()
    if c:
        os.sched_setaffinity(0, {c[1]})


@contextlib.contextmanager
def server_side():
    """What this thread starts inside the block (a server started by a
    harness, innd) starts on the server CPU; afterwards the thread is
    back on the client CPU."""
    c = _cpus()
    if c:
        os.sched_setaffinity(0, {c[0]})
    try:
        yield
    finally:
        if c:
            os.sched_setaffinity(0, {c[1]})


def server_pid(pid):
    """Move every thread of the running process PID to the server CPU."""
    c = _cpus()
    if not c:
        return
    try:
        tids = [int(t) for t in os.listdir("/proc/%d/task" % pid)]
    except OSError:
        tids = [pid]
    for t in tids:
        try:
            os.sched_setaffinity(t, {c[0]})
        except OSError:
            pass


def describe():
    c = _cpus()
    if not c:
        why = ("BENCH_PIN=0" if os.environ.get("BENCH_PIN", "") in
               ("0", "no", "off") else "fewer than 2 CPUs or no taskset")
        return "pinning: off (%s); servers and load clients share %d CPUs" \
            % (why, len(_allowed()))
    return ("pinning: each server on CPU %d (the one taking the storage "
            "interrupts, if any), load clients on CPU %d "
            "(taskset -c; BENCH_PIN=0 turns it off)" % c)


def main(argv):
    if argv[1:] == ["sh"]:
        print("PIN_SERVER=%s" % shlex.quote(" ".join(server_prefix())))
        print("PIN_CLIENT=%s" % shlex.quote(" ".join(client_cmd([]))))
        print("PIN_DESC=%s" % shlex.quote(describe()))
        print("BENCH_PIN_CPUS=%s; export BENCH_PIN_CPUS" %
              shlex.quote(os.environ.get("BENCH_PIN_CPUS", "")))
        return 0
    print(describe())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
