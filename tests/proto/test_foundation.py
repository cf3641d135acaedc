"""Foundation: listeners, TLS, line limits, output cap, per-IP limit,
signals, crash safety and hearthmod, against a real hearthd."""

import hashlib
import os
import random
import signal
import socket
import sqlite3
import ssl
import subprocess
import threading
import time
import unittest
import urllib.request

from hearth_test import (HEARTHD, HEARTHMOD, SCALE, Hearthd, HearthTestCase,
                         LineClient, tls_client_context)


class Listeners(HearthTestCase):

    def test_nntp_plain_and_tls(self):
        for proto in ("nntp", "nntps"):
            c = self.nntp(proto)
            c.send("CAPABILITIES")
            self.assertEqual(c.readline(), "101 Capability list:")
            caps = c.read_multiline()
            self.assertIn("VERSION 2", caps)
            c.send("QUIT")
            self.assertTrue(c.readline().startswith("205 "))
            self.assertTrue(c.is_closed())

    def test_commands_are_case_insensitive(self):
        c = self.nntp()
        c.send("capabilities")
        self.assertTrue(c.readline().startswith("101"))
        c.read_multiline()
        c.send("DaTe")
        line = c.readline()
        self.assertRegex(line, r"^111 \d{14}$")

    def test_unknown_command(self):
        c = self.nntp()
        c.send("FROBNICATE now")
        self.assertTrue(c.readline().startswith("500 "))

    def test_irc_registration_plain_and_tls(self):
        for proto in ("irc", "ircs"):
            c = self.connect(proto)
            c.send("NICK alice")
            c.send("USER alice 0 * :Alice A")
            lines = c.read_until(lambda l: " 005 " in l)
            self.assertTrue(any(" 001 alice :Welcome" in l for l in lines))
            self.assertTrue(any(" 004 alice " in l for l in lines))
            c.send("PING :token123")
            # LUSERS and MOTD follow 005; the PONG comes after them.
            pong = c.read_until(lambda l: " PONG " in l)[-1]
            self.assertTrue(pong.endswith(":token123"))
            c.send("QUIT :done")
            self.assertTrue(c.readline().startswith("ERROR"))
            self.assertTrue(c.is_closed())

    def test_irc_requires_registration(self):
        c = self.connect("irc")
        c.send("PRIVMSG #x :hi")
        self.assertIn(" 451 ", c.readline())

    def test_http_and_https_healthz(self):
        for proto, scheme, ctx in (("http", "http", None),
                                   ("https", "https", tls_client_context())):
            url = "%s://127.0.0.1:%d/healthz" % (scheme, self.h.port(proto))
            with urllib.request.urlopen(url, context=ctx, timeout=5) as r:
                self.assertEqual(r.status, 200)
                self.assertEqual(r.read(), b"ok\n")

    def test_tls11_refused_tls12_accepted(self):
        addr = self.h.addr("nntps")
        ctx = tls_client_context()
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        c = LineClient(addr, tls=True, ctx=ctx)
        self.assertEqual(c.sock.version(), "TLSv1.2")
        self.assertTrue(c.readline().startswith("200 "))
        c.close()
        # The server must answer a TLS 1.1-only hello with a protocol
        # version alert: that is its refusal, not the client's.
        r = subprocess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:%d" % addr[1],
             "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"],
            input="", capture_output=True, text=True, timeout=10)
        self.assertIn("alert protocol version", r.stdout + r.stderr)

    def test_no_tls_compression_and_fs_cipher(self):
        c = self.connect("ircs")
        self.assertIsNone(c.sock.compression())
        name, version, bits = c.sock.cipher()
        self.assertTrue(version in ("TLSv1.3",) or "ECDHE" in name, name)


class IPv6(unittest.TestCase):

    def test_ipv6_listeners(self):
        if not socket.has_ipv6:
            self.fail("no IPv6 support on this machine")
        h = Hearthd(protos=("nntp", "irc"), ipv6=True).start()
        try:
            c = LineClient(h.addr("nntp", socket.AF_INET6),
                           family=socket.AF_INET6)
            self.assertTrue(c.readline().startswith("200 "))
            c.close()
        finally:
            self.assertEqual(h.stop(), 0)


def assert_dropped_at_cap(test, c, payload, rounds, logged):
    """Send PAYLOAD ROUNDS times on C (a small receive buffer, never
    read): hearthd logs LOGGED, closes C and its memory grows under
    20 MB (more under AddressSanitizer, see rss_slack_kb())."""
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    rss0 = test.h.rss_kb()
    try:
        for _ in range(rounds):
            c.sock.sendall(payload)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    deadline = time.time() + 10 * SCALE
    while time.time() < deadline and "slow reader" not in test.h.log():
        time.sleep(0.1)
    test.assertIn(logged, test.h.log())
    test.assertTrue(c.is_closed())
    growth = test.h.rss_kb() - rss0
    test.assertLess(growth, 20000 + test.h.rss_slack_kb(),
                    "RSS grew by %d KiB" % growth)


class Limits(HearthTestCase):
    extra_config = ("max_connections_per_ip = 3\n"
                    "output_cap = 65536\n"
                    "rate_per_second = 100000\nrate_burst = 100000\n")

    def test_oversized_nntp_line(self):
        c = self.nntp()
        c.send("X" * 5000)
        self.assertEqual(c.readline(), "501 Command line too long")
        # The connection survives and keeps working.
        c.send("DATE")
        self.assertTrue(c.readline().startswith("111 "))

    def test_oversized_irc_line(self):
        c = self.irc_register("bob")
        c.send("PRIVMSG bob :" + "y" * 20000)
        self.assertIn(" 417 ", c.read_until(lambda l: " 417 " in l)[-1])
        c.send("PING :still-here")
        self.assertTrue(c.read_until(lambda l: "PONG" in l)[-1]
                        .endswith("still-here"))

    def test_per_ip_limit(self):
        conns = [self.nntp() for _ in range(3)]
        extra = self.connect("nntp")
        line = extra.readline()
        self.assertTrue(line.startswith("400 "), line)
        self.assertIn("Too many connections", line)
        self.assertTrue(extra.is_closed())
        # Freeing a slot lets the next one in.
        conns[0].send("QUIT")
        conns[0].readline()
        self.assertTrue(conns[0].is_closed())
        time.sleep(0.2)
        self.nntp()

    def test_slow_reader_is_dropped_memory_bounded(self):
        # Ask for far more output than the cap and never read it.
        assert_dropped_at_cap(
            self, self.connect("nntp"), b"CAPABILITIES\r\n" * 2000, 100,
            "output cap of 65536 bytes reached (slow reader)")
        # Others are still served.
        self.nntp().send("DATE")


class ReadPath(HearthTestCase):
    """Plain sockets are read by conn.c itself (no FIONREAD): input far
    past what it reads ahead (a line protocol's mark is its longest line
    plus 16 KiB) is all answered, in order, on every plain listener, and
    a client that sends without reading is still dropped at the output
    cap with memory bounded."""
    extra_config = ("output_cap = 65536\n"
                    "rate_per_second = 100000\nrate_burst = 100000\n"
                    "http_rate_per_second = 100000\n"
                    "http_rate_burst = 100000\n")

    @staticmethod
    def send_behind(sock, data):
        """Send DATA from a thread; the caller reads the answers after a
        while, so the server's output fills and its input reaches the
        mark first."""
        t = threading.Thread(target=sock.sendall, args=(data,))
        t.start()
        time.sleep(0.5)
        return t

    def test_nntp_pipelined_far_past_mark(self):
        c = self.nntp()
        n = 8000
        cmds = [b"DATE" if i % 3 else b"XYZZY" for i in range(n)]
        data = b"\r\n".join(cmds) + b"\r\n"
        self.assertGreater(len(data), 2 * (16384 + 512))
        t = self.send_behind(c.sock, data)
        for i in range(n):
            line = c.readline()
            self.assertTrue(line.startswith("111 " if i % 3 else "500 "),
                            "answer %d: %r" % (i, line))
        t.join()
        c.send("DATE")
        self.assertTrue(c.readline().startswith("111 "))

    def test_irc_pipelined_far_past_mark(self):
        c = self.irc_register("piper")
        n = 4000
        data = b"".join(b"PING :tok-%d\r\n" % i for i in range(n))
        self.assertGreater(len(data), 3 * (16384 + 512))
        t = self.send_behind(c.sock, data)
        for i in range(n):
            line = c.read_until(lambda l: "PONG" in l)[-1]
            self.assertTrue(line.endswith("tok-%d" % i), line)
        t.join()

    def test_http_pipelined_far_past_mark(self):
        # A small receive buffer: the answers fill the server's output,
        # HTTP stops taking requests, and its input reaches the mark.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(10 * SCALE)
        s.connect(self.h.addr("http"))
        c = self.connect("http")
        c.sock.close()
        c.sock = s
        n = 1500
        pad = b"X-Pad: " + b"p" * 200 + b"\r\n"
        reqs = b"".join(
            b"GET %s HTTP/1.1\r\nHost: hearth.test\r\n%s\r\n" %
            (b"/" if i % 2 else b"/no-such-page-%d" % i, pad)
            for i in range(n))
        # HTTP reads ahead one whole request (head and body) and 16 KiB.
        self.assertGreater(len(reqs), 3 * (16384 + 65536 + 16384))
        t = self.send_behind(s, reqs)
        f = s.makefile("rb")
        for i in range(n):
            status = f.readline().split()
            self.assertEqual(status[1], b"200" if i % 2 else b"404",
                             "answer %d" % i)
            length = None
            while True:
                line = f.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            self.assertIsNotNone(length, "answer %d" % i)
            self.assertEqual(len(f.read(length)), length)
        t.join()

    def test_irc_slow_reader_dropped_memory_bounded(self):
        assert_dropped_at_cap(
            self, self.irc_register("sloth"),
            b"PING :never-read-never-read-never-read\r\n" * 1000, 200,
            "proto=irc dropped: output cap of 65536 bytes "
            "reached (slow reader)")
        self.irc_register("next")


class Flood(HearthTestCase):
    extra_config = "rate_per_second = 2\nrate_burst = 5\n"

    def test_irc_excess_flood(self):
        c = self.irc_register("flooder")
        try:
            for _ in range(400):
                c.sendraw(b"PING :flood-flood-flood-flood-flood\r\n" * 100)
        except (BrokenPipeError, ConnectionResetError):
            pass
        lines = c.read_until(lambda l: l.startswith("ERROR"), limit=100000)
        self.assertIn("Excess Flood", lines[-1])

    def test_rate_limit_delays_but_answers(self):
        c = self.nntp()
        t0 = time.time()
        for _ in range(9):
            c.send("DATE")
        for _ in range(9):
            self.assertTrue(c.readline().startswith("111 "))
        # 5 at once, then 2 a second: the last 4 wait about 2 s.
        self.assertGreater(time.time() - t0, 1.4)


class Idle(HearthTestCase):
    extra_config = "idle_timeout = 5\n"

    def test_idle_nntp_closed_with_400(self):
        c = self.nntp()
        c.sock.settimeout(15 * SCALE)
        self.assertTrue(c.readline().startswith("400 "))
        self.assertTrue(c.is_closed())


class Signals(unittest.TestCase):

    def test_sigterm_tells_clients_and_exits_0(self):
        h = Hearthd(protos=("nntp", "irc")).start()
        n = LineClient(h.addr("nntp"))
        n.readline()
        i = LineClient(h.addr("irc"))
        h.signal(signal.SIGTERM)
        self.assertTrue(n.readline().startswith("400 "))
        self.assertTrue(i.readline().startswith("ERROR"))
        self.assertEqual(h.proc.wait(10 * SCALE), 0)
        self.assertFalse(os.path.exists(os.path.join(h.dir, "hearthd.sock")))

    def test_sighup_reloads_config_and_certificate(self):
        h = Hearthd(protos=("nntp", "nntps")).start()
        try:
            c = LineClient(h.addr("nntps"), tls=True)
            c.readline()
            cert1 = c.sock.getpeercert(binary_form=True)
            # New certificate (made on reload) and a bad-then-good config.
            for f in ("cert.pem", "key.pem"):
                os.unlink(os.path.join(h.dir, "tls", f))
            with open(h.conf) as f:
                good = f.read()
            h.write_config(good + "no_such_key = 1\n")
            h.signal(signal.SIGHUP)
            deadline = time.time() + 5 * SCALE
            while "reload failed" not in h.log() and time.time() < deadline:
                time.sleep(0.05)
            self.assertIn("no_such_key", h.log())
            h.write_config(good + "idle_timeout = 300\n")
            h.signal(signal.SIGHUP)
            while ("configuration and TLS certificate reloaded"
                   not in h.log() and time.time() < deadline):
                time.sleep(0.05)
            self.assertIn("configuration and TLS certificate reloaded",
                          h.log())
            # The established connection is still served.
            c.send("DATE")
            self.assertTrue(c.readline().startswith("111 "))
            d = LineClient(h.addr("nntps"), tls=True)
            d.readline()
            cert2 = d.sock.getpeercert(binary_form=True)
            self.assertNotEqual(hashlib.sha256(cert1).digest(),
                                hashlib.sha256(cert2).digest())
            c.close()
            d.close()
        finally:
            self.assertEqual(h.stop(), 0)


class ConfigErrors(unittest.TestCase):

    def test_bad_config_names_file_and_line(self):
        h = Hearthd(protos=("nntp",))
        with open(h.conf, "a") as f:
            f.write("\nidle_timeout = forever\n")
        r = subprocess.run([HEARTHD, "-f", h.conf, "--foreground"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 1)
        lineno = open(h.conf).read().count("\n")
        self.assertIn("%s:%d: idle_timeout" % (h.conf, lineno), r.stderr)
        self.assertFalse(os.path.exists(os.path.join(h.dir, "ports")))

    def test_check_config(self):
        h = Hearthd(protos=("nntp",))
        r = subprocess.run([HEARTHD, "--check-config", "-f", h.conf],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)
        r = subprocess.run([HEARTHD, "--check-config", "-f", h.conf,
                            "--listen", "gopher=1.2.3.4:70"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown protocol", r.stderr)

    def test_example_config_starts_from_source_tree(self):
        import tempfile
        state = tempfile.mkdtemp(prefix="hearth-example-")
        src = os.environ.get("HEARTH_SRCDIR", ".")
        p = subprocess.Popen(
            [HEARTHD, "-f", os.path.join(src, "etc", "hearthd.conf"),
             "--state-dir", state, "--foreground",
             "--listen", "nntps=127.0.0.1:0", "--listen", "ircs=127.0.0.1:0",
             "--listen", "nntp=127.0.0.1:0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 10 * SCALE
            while not os.path.exists(os.path.join(state, "ports")):
                self.assertIsNone(p.poll())
                self.assertLess(time.time(), deadline)
                time.sleep(0.05)
            for f in ("hearth.db", "tls/cert.pem", "tls/key.pem"):
                self.assertTrue(os.path.exists(os.path.join(state, f)), f)
            self.assertEqual(os.stat(os.path.join(state, "tls/key.pem"))
                             .st_mode & 0o777, 0o600)
            self.assertEqual(os.stat(state).st_mode & 0o777, 0o700)
            self.assertEqual(os.stat(os.path.join(state, "hearthd.sock"))
                             .st_mode & 0o777, 0o660)
            db = sqlite3.connect(os.path.join(state, "hearth.db"))
            groups = [r[0] for r in db.execute("SELECT name FROM groups")]
            rooms = [r[0] for r in db.execute("SELECT name FROM rooms")]
            db.close()
            self.assertIn("support.oncology", groups)
            self.assertIn("#newly-diagnosed-oncology", rooms)
            # The shipped configuration takes no password in clear,
            # loopback included (a reverse proxy would be loopback).
            with open(os.path.join(state, "ports")) as f:
                port = [int(l.split()[2]) for l in f
                        if l.split()[0] == "nntp"][0]
            lc = LineClient(("127.0.0.1", port))
            self.assertTrue(lc.readline().startswith("200"))
            lc.send("AUTHINFO USER alice")
            self.assertTrue(lc.readline().startswith("483"))
            lc.close()
        finally:
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(10 * SCALE), 0)
            p.stderr.close()


class Hearthmod(HearthTestCase):
    protos = ("nntp",)

    def test_status(self):
        self.nntp()
        r = self.h.hearthmod("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"uptime \d+")
        self.assertIn("connections.nntp 1", r.stdout)
        self.assertRegex(r.stdout, r"database.size [1-9]\d*")

    def test_accounts(self):
        h = self.h
        r = h.hearthmod("account", "add", "Alice", "--password-file", "-",
                        input="correct horse battery\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.hearthmod("account", "add", "alice", "--password-file", "-",
                        input="another password\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("already exists", r.stderr)
        r = h.hearthmod("account", "add", "bob", "--password-file", "-",
                        input="short\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("at least 8", r.stderr)
        r = h.hearthmod("account", "add", "Dr_Who", "--role", "doctor",
                        "--password-file", "-", input="tardis tardis\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.hearthmod("account", "role", "alice", "moderator")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.hearthmod("account", "role", "dr_who", "doctor",
                        "--specialty", "neurology")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.hearthmod("account", "role", "nobody", "admin")
        self.assertEqual(r.returncode, 1)
        self.assertIn("No such account", r.stderr)
        r = h.hearthmod("account", "passwd", "alice", "--password-file", "-",
                        input="a new secret here\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.hearthmod("account", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [l.split() for l in r.stdout.splitlines()]
        self.assertEqual(rows[0][:3], ["Alice", "moderator", "active"])
        self.assertEqual(rows[1][:3], ["Dr_Who", "doctor", "active"])
        self.assertEqual(rows[1][4], "neurology")
        # The password is stored as an scrypt hash, never in clear.
        db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
        (pw,) = db.execute("SELECT pwhash FROM accounts WHERE name_fold ="
                           " 'alice'").fetchone()
        db.close()
        self.assertTrue(pw.startswith("$scrypt$ln=10,r=8,p=1$"))
        self.assertNotIn("secret", pw)
        self.assertNotIn("a new secret here", h.log())

    def test_bad_requests(self):
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(self.h.dir, "hearthd.sock"))
        c = LineClient.__new__(LineClient)
        c.sock, c.buf = s, b""
        self.clients.append(c)
        self.assertTrue(c.readline().startswith("200 "))
        for req, code in (("frobnicate", "400"), ("account %zz", "400"),
                          ("account add x", "400"),
                          ("account add 1bad longpassword", "401")):
            c.send(req)
            self.assertTrue(c.readline().startswith(code), req)


class Stopped(unittest.TestCase):

    def test_hearthmod_without_daemon(self):
        r = subprocess.run([HEARTHMOD, "--socket", "/nonexistent/h.sock",
                            "status"], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot reach hearthd", r.stderr)
        self.assertIn("is hearthd running", r.stderr)


class CrashSafety(unittest.TestCase):

    def test_kill9_during_account_creation(self):
        h = Hearthd(protos=("nntp",),
                    extra_config="database_sync_full = yes\n").start()
        created = []
        rnd = random.Random(7)
        try:
            for rnd_round in range(4):
                stop = threading.Event()

                def worker(prefix):
                    i = 0
                    while not stop.is_set():
                        name = "u%s_%d" % (prefix, i)
                        r = h.hearthmod("account", "add", name,
                                        "--password-file", "-",
                                        input="password%d\n" % i)
                        if r.returncode == 0:
                            created.append(name)
                        i += 1

                t = threading.Thread(target=worker, args=(rnd_round,))
                before = len(created)
                t.start()
                # Wait for progress (slow under sanitizers and load), then
                # kill at a random moment while creations are under way.
                deadline = time.time() + 60 * SCALE
                while len(created) == before and time.time() < deadline:
                    time.sleep(0.02)
                time.sleep(rnd.random() * 0.3)
                h.kill9()
                stop.set()
                t.join()
                h.start()
            self.assertGreaterEqual(len(created), 4)
            db = os.path.join(h.dir, "hearth.db")
            con = sqlite3.connect(db)
            self.assertEqual(con.execute("PRAGMA quick_check").fetchone(),
                             ("ok",))
            names = {r[0] for r in con.execute("SELECT name FROM accounts")}
            con.close()
            for n in created:
                self.assertIn(n, names)
            r = h.hearthmod("account", "list")
            self.assertEqual(r.returncode, 0)
        finally:
            self.assertEqual(h.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
