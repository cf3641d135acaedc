"""A private INN instance for the NNTP benchmark (tests/bench/nntp_bench.py).

The private tree, the start and the stop are tests/proto/inn_harness.py's
(shared with test_inn_peer.py): Debian's inn2 as installed, every path
INN writes to in a fresh temporary pathnews tree owned by news, innd on
its own free port on 127.0.0.1.

The set-up is Debian's default deployment, changed only where a
benchmark on a shared loopback machine needs it (see INN_CONF_CHANGES):
innd on the port, forking one nnrpd per reader connection (readers
are hosts not listed in incoming.conf); tradspool articles and
tradindexed overview (Debian's storage.conf and inn.conf); the Perl
filters Debian ships; readers.conf asking for AUTHINFO USER/PASS,
checked by ckpasswd against a crypt(3) password file.
"""

import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "proto"))
import inn_harness  # noqa: E402

# What differs from Debian's /etc/news/inn.conf, and why (the harness's
# changes, with the benchmark's names).
INN_CONF_CHANGES = [
    (k, {"domain": "bench.test", "fromhost": "bench.test",
         "pathhost": "inn.bench.test"}.get(k, v), why)
    for k, v, why in inn_harness.BASE_CONF] + [
    ("organization", '"Hearth benchmark"', ""),
]


def unavailable():
    """Why INN cannot be run here, or None."""
    if os.environ.get("BENCH_INN", "yes") == "no":
        return "BENCH_INN=no"
    return inn_harness.unavailable()


class Inn(inn_harness.Inn):
    """innd (+ nnrpd per reader) in a temporary tree.  GROUPS are created
    in active; USER/PASSWORD may read and post everywhere."""

    # The bulk feed comes from 127.0.0.2 as a peer.
    incoming_conf = ("streaming: true\nmax-connections: 8\n"
                     "peer bulkfeed {\n  hostname: \"127.0.0.2\"\n}\n")

    def __init__(self, groups, user, password):
        super().__init__(groups, pathhost="inn.bench.test",
                         prefix="hearth-bench-inn.")
        self.conf = list(INN_CONF_CHANGES)
        self.user = user
        self.password = password
        self.readers_conf = (
            "auth \"bench\" {\n"
            "    hosts: \"127.0.0.1, localhost\"\n"
            "    auth: \"ckpasswd -f %s\"\n}\n"
            "access \"bench\" {\n"
            "    users: \"%s\"\n    newsgroups: \"*\"\n"
            "    access: RPA\n}\n" % (self.path("db", "passwd"), user))

    def extra_setup(self):
        hashed = subprocess.run(["openssl", "passwd", "-6", "-stdin"],
                                input=self.password, capture_output=True,
                                text=True, check=True).stdout.strip()
        self.write("db/passwd", "%s:%s\n" % (self.user, hashed), 0o640)

    def setup(self):
        super().setup()
        os.chown(self.path("db", "passwd"), 0, self.gid)

    def remove(self):
        if os.environ.get("BENCH_KEEP") != "yes":
            super().remove()

    def disk_bytes(self):
        """Bytes on disk (allocated blocks) of articles, overview and
        history, and the articles' own bytes (tradspool keeps each
        article in its own file as it was sent, CRLF and all)."""
        disk = raw = 0
        for top, count_raw in (("spool/articles", True),
                               ("spool/overview", False), ("db", False)):
            for root, _dirs, files in os.walk(self.path(top)):
                for name in files:
                    # The history text, not its dbz index: makedbz
                    # sizes that up front, whatever is stored.
                    if top == "db" and name != "history":
                        continue
                    st = os.lstat(os.path.join(root, name))
                    disk += st.st_blocks * 512
                    if count_raw:
                        raw += st.st_size
        return disk, raw

    def feed(self, articles, window=200):
        """Offer ARTICLES, a list of (message-id, bytes with CRLF), by
        TAKETHIS from 127.0.0.2 (a peer in incoming.conf), WINDOW in
        flight.  Returns how many were accepted (239)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=60,
                                     source_address=("127.0.0.2", 0))
        f = s.makefile("rb")
        if not f.readline().startswith(b"200"):
            raise RuntimeError("innd refused the feed")
        s.sendall(b"MODE STREAM\r\n")
        if not f.readline().startswith(b"203"):
            raise RuntimeError("innd refused MODE STREAM")
        accepted = sent = answered = 0
        while answered < len(articles):
            batch = []
            while sent < len(articles) and sent - answered < window:
                mid, text = articles[sent]
                batch.append(b"TAKETHIS %s\r\n%s.\r\n" % (mid, text))
                sent += 1
            if batch:
                s.sendall(b"".join(batch))
            line = f.readline()
            if not line:
                raise RuntimeError("innd closed the feed")
            answered += 1
            if line.startswith(b"239"):
                accepted += 1
        s.sendall(b"QUIT\r\n")
        s.close()
        return accepted
