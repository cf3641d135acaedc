"""The connection layer under the outside audit (issue 14): a STARTTLS
command stream is never reordered or split (9) and closes as soon as
its last reply is out (10); IRC lines the parser refuses are answered,
never dropped in silence (8); one global cap on queued output drops
the largest non-reader first (12); the descriptor budget (1)."""

import os
import resource
import socket
import subprocess
import time
import unittest

from hearth_test import (HEARTHD, SCALE, WRAPPER, Hearthd, HearthTestCase,
                         LineClient, tls_client_context)


def starttls(c):
    """Upgrade NNTP LineClient C (greeting read) to TLS."""
    c.send("STARTTLS")
    line = c.readline()
    assert line.startswith("382 "), line
    c.sock = tls_client_context().wrap_socket(
        c.sock, server_hostname="hearth.test")


class StartTLSStream(HearthTestCase):
    protos = ("nntp",)
    extra_config = "rate_per_second = 1000000\nrate_burst = 1000000\n"

    def test_pipelined_commands_keep_their_order(self):
        """5,000 DATEs in 3,000-byte chunks right after STARTTLS: 5,000
        111 replies, none lost, none split into a 500."""
        c = self.nntp()
        starttls(c)
        n = 5000
        data = b"DATE\r\n" * n
        for i in range(0, len(data), 3000):
            c.sock.sendall(data[i:i + 3000])
        bad = []
        for i in range(n):
            line = c.readline()
            if not line.startswith("111 "):
                bad.append((i, line))
        self.assertEqual(bad, [])
        # Still in step: the next command gets its own reply.
        c.send("HELP")
        self.assertTrue(c.readline().startswith("100 "))

    def test_mixed_commands_in_order(self):
        """Different commands pipelined: each reply matches its command."""
        c = self.nntp()
        starttls(c)
        cmds = [b"DATE\r\n", b"MODE READER\r\n", b"GROUP no.such.group\r\n",
                b"XYZZY\r\n"]
        want = ["111 ", "20", "411 ", "500 "]
        data = b"".join(cmds) * 1000
        for i in range(0, len(data), 3000):
            c.sock.sendall(data[i:i + 3000])
        for i in range(4000):
            line = c.readline()
            self.assertTrue(line.startswith(want[i % 4]), (i, line))

    def test_quit_closes_at_once(self):
        """QUIT on a STARTTLS connection: EOF as soon as 205 is out."""
        c = self.nntp()
        starttls(c)
        c.send("DATE")
        self.assertTrue(c.readline().startswith("111 "))
        start = time.monotonic()
        c.send("QUIT")
        self.assertTrue(c.readline().startswith("205 "))
        self.assertTrue(c.is_closed(timeout=2 * SCALE))
        self.assertLess(time.monotonic() - start, 2 * SCALE)


class IrcRefusedLines(HearthTestCase):
    """Lines the IRC parser refuses get ERR_UNKNOWNERROR (400)."""
    protos = ("irc",)

    def sync(self, c, token):
        c.send("PING :" + token)
        return c.read_until(lambda l: "PONG" in l and token in l)

    def refused(self, c, raw, token):
        c.sendraw(raw + b"\r\n")
        lines = self.sync(c, token)
        return [l for l in lines if " 400 " in l]

    def test_each_refusal_is_answered(self):
        a = self.irc_register("alice")
        b = self.irc_register("bob")
        for who in (a, b):
            who.send("JOIN #refused")
            self.sync(who, "joined")
        cases = [
            (b"PRIVMSG #refused :before\0after", "PRIVMSG",
             "NUL or a bare CR"),
            (b"PRIVMSG #refused :bare\rcr", "PRIVMSG", "NUL or a bare CR"),
            (b"@=nokey PRIVMSG #refused :hi", "PRIVMSG",
             "malformed message tags"),
            (b"@;;; PRIVMSG #refused :hi", "PRIVMSG",
             "malformed message tags"),
            (b"@+a=b", "*", "no command"),
            (b":alice", "*", "no command"),
        ]
        for i, (raw, cmd, why) in enumerate(cases):
            got = self.refused(a, raw, "t%d" % i)
            self.assertEqual(len(got), 1, (raw, got))
            self.assertIn(" 400 alice %s :Message rejected: " % cmd, got[0])
            self.assertIn(why, got[0])
        # None of it reached the room.
        lines = self.sync(b, "room")
        self.assertEqual([l for l in lines if "PRIVMSG" in l], [])
        # A spaces-only line is ignored like an empty one.
        self.assertEqual(self.refused(a, b"   ", "blank"), [])

    def test_refusal_before_registration(self):
        c = self.connect("irc")
        c.sendraw(b"NICK x\0y\r\n")
        line = c.read_until(lambda l: " 400 " in l)[-1]
        self.assertIn(" 400 * NICK :Message rejected: it contains a NUL",
                      line)


def nofile(soft, hard):
    """A preexec_fn that sets the child's RLIMIT_NOFILE."""
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@unittest.skipIf(WRAPPER, "valgrind keeps descriptors of its own and caps "
                 "RLIMIT_NOFILE below what the test sets")
class DescriptorBudget(unittest.TestCase):
    """max_connections plus the server's own descriptors must fit
    RLIMIT_NOFILE: the soft limit is raised when it can be, else the
    server (and --check-config) refuses with the numbers."""

    def setUp(self):
        self.h = Hearthd("max_connections = 1000\n", protos=("nntp", "irc"))

    def tearDown(self):
        self.h.stop()
        self.h.cleanup()

    def run_hearthd(self, limits, *args):
        return subprocess.run(
            WRAPPER + [HEARTHD, "-f", self.h.conf, "--foreground"] +
            list(args), preexec_fn=nofile(*limits), capture_output=True,
            text=True, timeout=30 * SCALE)

    def test_refused_when_it_cannot_fit(self):
        for args in (("--check-config",), ()):
            r = self.run_hearthd((200, 200), *args)
            self.assertEqual(r.returncode, 1, (args, r.stdout, r.stderr))
            self.assertIn("max_connections = 1000 does not fit the "
                          "descriptor limit", r.stderr)
            self.assertIn("RLIMIT_NOFILE allows 200 (soft 200, hard 200)",
                          r.stderr)
            self.assertRegex(r.stderr, r"needs 10\d\d descriptors \(1000 "
                             r"connections \+ \d+ for 2 listen lines")
            self.assertRegex(r.stderr, r"lower max_connections to at most "
                             r"1\d\d\b")
            self.assertFalse(os.path.exists(os.path.join(self.h.dir,
                                                         "ports")))

    def test_soft_limit_raised(self):
        r = self.run_hearthd((100, 4096), "--check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)
        self.assertIn("raised RLIMIT_NOFILE from 100 to 10", r.stdout)
        # The server itself runs with the raised limit.
        self.h.logf = open(self.h.log_path, "ab")
        self.h.proc = subprocess.Popen(
            WRAPPER + [HEARTHD, "-f", self.h.conf, "--foreground"],
            stdout=self.h.logf, stderr=subprocess.STDOUT,
            preexec_fn=nofile(100, 4096))
        deadline = time.time() + 10 * SCALE
        while not os.path.exists(os.path.join(self.h.dir, "ports")):
            self.assertIsNone(self.h.proc.poll(), self.h.log())
            self.assertLess(time.time(), deadline)
            time.sleep(0.02)
        soft, hard = resource.prlimit(self.h.proc.pid,
                                      resource.RLIMIT_NOFILE)
        self.assertGreaterEqual(soft, 1000)
        self.assertEqual(hard, 4096)
        self.assertIn("descriptor budget: raised RLIMIT_NOFILE from 100",
                      self.h.log())

    def test_unset_max_connections_fits_the_limit(self):
        """Not set, max_connections is 16384 or what the hard limit
        leaves, said in the log; the server starts."""
        self.h.write_config(open(self.h.conf).read().replace(
            "max_connections = 1000\n", ""))
        r = self.run_hearthd((300, 300), "--check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"max_connections not set: 2\d\d, what "
                         r"RLIMIT_NOFILE 300 leaves after \d+ for the "
                         r"server \(16384 wanted\)")
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if hard != resource.RLIM_INFINITY and hard < 16500:
            return      # no room for the default here
        r = self.run_hearthd((4096, hard), "--check-config")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"raised RLIMIT_NOFILE from 4096 to "
                         r"164\d\d \(max_connections 16384 ")


class OutOfDescriptors(HearthTestCase):
    """Descriptors run out under the server (its limit lowered while it
    runs): NNTP and IRC accepts pause and log once, the loop does not
    spin, established clients are served, and accepting resumes."""
    protos = ("nntp", "irc")
    extra_config = "max_connections = 1000\nmax_connections_per_ip = 1000\n"

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.h.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf(
            "SC_CLK_TCK")

    def test_accept_pauses_and_resumes(self):
        pid = self.h.proc.pid
        used = len(os.listdir("/proc/%d/fd" % pid))
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (used + 10, 4096))
        try:
            first = self.nntp()
            first.send("DATE")
            self.assertTrue(first.readline().startswith("111 "))
            waiting = []
            for i in range(30):
                proto = "nntp" if i % 2 else "irc"
                waiting.append((proto, LineClient(self.h.addr(proto))))
            time.sleep(0.5 * SCALE)
            cpu0, t0 = self.cpu_seconds(), time.monotonic()
            time.sleep(2)
            cpu = self.cpu_seconds() - cpu0
            wall = time.monotonic() - t0
            if not WRAPPER:
                self.assertLess(cpu / wall, 0.3, "accept loop spins")
            # An established client is still served.
            first.send("DATE")
            self.assertTrue(first.readline().startswith("111 "))
            log = self.h.log()
            self.assertIn("Too many open files; pausing accepts", log)
            self.assertLessEqual(log.count("pausing accepts"), 2, log[-2000:])
        finally:
            resource.prlimit(pid, resource.RLIMIT_NOFILE, (4096, 4096))
        # Descriptors are back: the clients in the backlog are accepted.
        for proto, c in waiting:
            if proto == "nntp":
                self.assertTrue(c.readline().startswith("200 "))
            else:
                c.send("NICK w%d" % id(c))
                c.send("PING :back")
                c.read_until(lambda l: "PONG" in l)
            c.close()


class GlobalOutputCap(HearthTestCase):
    """output_cap_total: past it the largest non-reader is dropped; a
    small non-reader and a reader keep their connections."""
    protos = ("irc",)
    # The per-connection cap is far away: only the global one can act.
    extra_config = ("output_cap = 67108864\noutput_cap_total = 1048576\n"
                    "rate_per_second = 1000000\nrate_burst = 1000000\n"
                    "flood_messages = 0\nflood_repeats = 0\n")

    def non_reader(self, nick):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(10 * SCALE)
        s.connect(self.h.addr("irc"))
        s.sendall(("NICK %s\r\nUSER %s 0 * :%s\r\n" % (nick, nick, nick))
                  .encode())
        lc = LineClient.__new__(LineClient)
        lc.sock, lc.buf = s, b""
        self.clients.append(lc)
        return lc

    def pings(self, c, n, tag):
        pad = "x" * 400
        data = "".join("PING :%s-%d-%s\r\n" % (tag, i, pad)
                       for i in range(n)).encode()
        c.sock.sendall(data)

    def test_largest_non_reader_goes(self):
        reader = self.irc_register("reader")
        big = self.non_reader("big")
        small = self.non_reader("small")
        self.pings(small, 50, "s")
        # About 13 MB of PONGs that BIG never reads.
        try:
            for _ in range(30):
                self.pings(big, 1000, "b")
        except OSError:
            pass    # dropped while still sending: the cap at work
        # The reader does the same and reads all of it.
        self.pings(reader, 3000, "r")
        reader.read_until(lambda l: "PONG" in l and ":r-2999-" in l,
                          limit=5000)
        log = ""
        deadline = time.time() + 10 * SCALE
        while time.time() < deadline:
            log = self.h.log()
            if "output_cap_total of 1048576 bytes passed" in log:
                break
            time.sleep(0.1)
        self.assertTrue("output_cap_total of 1048576 bytes passed: dropped 1 "
                        "connection not reading" in log, log[-2000:])
        self.assertEqual(log.count("output_cap_total of"), 1)
        self.assertTrue(big.is_closed(timeout=10))
        # The reader and the small non-reader are still served.
        reader.send("PING :still")
        reader.read_until(lambda l: "PONG" in l and "still" in l)
        small.sock.settimeout(10 * SCALE)
        small.send("PING :small-still")
        small.read_until(lambda l: "PONG" in l and "small-still" in l,
                         limit=1000)


if __name__ == "__main__":
    unittest.main()
