"""The listen backlog (issue 20): a burst of connections while hearthd
is not accepting is queued by the kernel up to listen_backlog, which by
default is the kernel's ceiling (net.core.somaxconn), so a storm of
thousands gets no SYN dropped.  hearthd is stopped (SIGSTOP) so nothing
is accepted; a connect completes only if the kernel queued it."""

import select
import signal
import socket
import time
import unittest

from hearth_test import HearthTestCase


def somaxconn():
    try:
        with open("/proc/sys/net/core/somaxconn") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 0


def connected_while_stopped(h, n):
    """Open N connections to H's IRC port while H is stopped; return how
    many completed their handshake within a second."""
    addr = h.addr("irc")
    socks = []
    h.signal(signal.SIGSTOP)
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(addr)
            socks.append(s)
        byfd = {s.fileno(): i for i, s in enumerate(socks)}
        # A dropped SYN is only sent again after a second or more.
        deadline = time.time() + 0.8
        done = set()
        while time.time() < deadline and len(done) < n:
            p = select.poll()
            for i, s in enumerate(socks):
                if i not in done:
                    p.register(s, select.POLLOUT)
            for fd, ev in p.poll(100):
                done.add(byfd[fd])
        ok = sum(1 for i in done
                 if socks[i].getsockopt(socket.SOL_SOCKET,
                                        socket.SO_ERROR) == 0)
    finally:
        for s in socks:
            s.close()
        h.signal(signal.SIGCONT)
    return ok


class DefaultBacklog(HearthTestCase):
    protos = ("irc",)
    extra_config = "max_connections_per_ip = 10000\n"

    def test_burst_is_queued(self):
        n = min(600, somaxconn() - 10)
        if n < 300:
            self.skipTest("net.core.somaxconn too small to tell")
        # More than libevent's 128 or the old fixed 1024's share of
        # this burst: every one is queued.
        self.assertEqual(connected_while_stopped(self.h, n), n)
        c = self.irc_register("after")
        self.assertIsNotNone(c)


class ConfiguredBacklog(HearthTestCase):
    protos = ("irc",)
    extra_config = "listen_backlog = 50\nmax_connections_per_ip = 10000\n"

    def test_configured_backlog_is_used(self):
        ok = connected_while_stopped(self.h, 200)
        # The kernel queues backlog + 1.
        self.assertGreaterEqual(ok, 50)
        self.assertLessEqual(ok, 60)


if __name__ == "__main__":
    unittest.main()
