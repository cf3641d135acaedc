"""Black-box test harness: runs a real hearthd on port 0 and talks to it
over real sockets (TLS included).

Environment (set by `make check`):
  HEARTHD          path of the hearthd binary
  HEARTHMOD        path of the hearthmod binary
  HEARTH_SRCDIR    top of the source tree (for etc/ seed files)
  HEARTHD_WRAPPER  optional command prefix, e.g. valgrind (slows timeouts)
"""

import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

HEARTHD = os.environ.get("HEARTHD", "server/hearthd")
HEARTHMOD = os.environ.get("HEARTHMOD", "moderation/hearthmod")
SRCDIR = os.environ.get("HEARTH_SRCDIR", ".")
# The compiled catalogues of the build tree (po/*.mo).
LOCALE_DIR = os.environ.get("HEARTH_LOCALE_DIR", "po")
WRAPPER = shlex.split(os.environ.get("HEARTHD_WRAPPER", ""))
# Everything takes longer under valgrind.
SCALE = 20 if WRAPPER else 1

ALL_PROTOS = ("nntp", "nntps", "irc", "ircs", "http", "https")

# Sanitizer and valgrind reports that must fail a run.
BAD_LOG_MARKERS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer", "definitely lost",
                   "Invalid read", "Invalid write")


def tls_client_context(**kw):
    """A client context that accepts the self-signed test certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


class Hearthd:
    """One hearthd process with its own state directory and config."""

    def __init__(self, extra_config="", protos=ALL_PROTOS, state_dir=None,
                 ipv6=False):
        self.dir = state_dir or tempfile.mkdtemp(prefix="hearth-test-")
        self.conf = os.path.join(self.dir, "hearthd.conf")
        self.proc = None
        self.ports = {}
        lines = [
            "state_dir = %s" % self.dir,
            "groups_file = %s/etc/groups.conf" % SRCDIR,
            "rooms_file = %s/etc/rooms.conf" % SRCDIR,
            "server_name = hearth.test",
            "password_scrypt_log2n = 10",
            # The fewest SCRAM rounds RFC 7677 allows: tests make many
            # accounts (the default is 32768).
            "scram_iterations = 4096",
            "database_sync_full = no",
            "log_level = debug",
            # Tests speak plain text on loopback; the shipped config
            # and the built-in default say no.
            "allow_plaintext_auth_on_loopback = yes",
            # Times members read are local: tests expect UTC whatever
            # the machine's zone (a test may set another below).
            "timezone = UTC",
            # The catalogues of the build tree; tests speak English
            # unless they set language = ru (the shipped default).
            "locale_dir = %s" % LOCALE_DIR,
            "language = en",
        ]
        for p in protos:
            lines.append("listen = %s=127.0.0.1:0" % p)
            if ipv6:
                lines.append("listen = %s=[::1]:0" % p)
        self.write_config("\n".join(lines) + "\n" + extra_config)
        self.log_path = os.path.join(self.dir, "hearthd.log")

    def write_config(self, text):
        with open(self.conf, "w") as f:
            f.write(text)

    def start(self, args=()):
        ports = os.path.join(self.dir, "ports")
        if os.path.exists(ports):
            os.unlink(ports)
        self.logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            WRAPPER + [HEARTHD, "-f", self.conf, "--foreground"] +
            list(args), stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.time() + 10 * SCALE
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("hearthd exited with %s:\n%s" %
                                   (self.proc.returncode, self.log()))
            if os.path.exists(ports):
                break
            time.sleep(0.02)
        else:
            raise RuntimeError("hearthd did not start:\n" + self.log())
        self.ports = {}
        with open(ports) as f:
            for line in f:
                proto, addr, port = line.split()
                self.ports.setdefault(proto, []).append((addr.strip("[]"),
                                                         int(port)))
        return self

    def port(self, proto):
        return self.ports[proto][0][1]

    def addr(self, proto, family=socket.AF_INET):
        for a, p in self.ports[proto]:
            if (":" in a) == (family == socket.AF_INET6):
                return (a, p)
        raise KeyError(proto)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def signal(self, sig):
        self.proc.send_signal(sig)

    def cleanup(self):
        """Remove the state directory (keep it when HEARTH_KEEP is set)."""
        if not os.environ.get("HEARTH_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def stop(self, timeout=10):
        """SIGTERM and wait; returns the exit status."""
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None and not self.logf.closed:
                self.logf.close()
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout * SCALE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self.logf.close()
        return rc

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.logf.close()

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def rss_slack_kb(self):
        """What a memory bound allows on top of what hearthd holds.

        Under AddressSanitizer freed blocks wait in its quarantine (up
        to 256 MB by default) instead of being reused, so RSS grows
        with the bytes that passed through, not with what is held; a
        limit is then only checked loosely (64 MB more), and strictly
        in the normal build.
        """
        with open("/proc/%d/maps" % self.proc.pid) as f:
            if "libasan" in f.read():
                return 65536
        return 0

    def hearthmod(self, *args, input=None):
        return subprocess.run(
            [HEARTHMOD, "--socket", os.path.join(self.dir, "hearthd.sock")]
            + list(args), input=input, capture_output=True, text=True,
            timeout=30 * SCALE)

    def add_account(self, name, password, role="member"):
        r = self.hearthmod("account", "add", name, "--role", role,
                           "--password-file", "-", input=password + "\n")
        if r.returncode != 0:
            raise RuntimeError("account add failed: " + r.stderr)


class LineClient:
    """A CRLF line client over TCP, optionally TLS."""

    def __init__(self, addr, tls=False, timeout=5, ctx=None,
                 family=socket.AF_INET, source=None):
        """SOURCE: the local address to connect from (any 127.0.0.0/8
        address works on Linux loopback)."""
        self.sock = socket.create_connection(
            addr, timeout=timeout * SCALE,
            source_address=(source, 0) if source else None) \
            if family == socket.AF_INET else \
            self._connect6(addr, timeout, source)
        if tls:
            self.sock = (ctx or tls_client_context()).wrap_socket(
                self.sock, server_hostname="hearth.test")
        self.buf = b""

    @staticmethod
    def _connect6(addr, timeout, source=None):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.settimeout(timeout * SCALE)
        if source:
            s.bind((source, 0))
        s.connect(addr)
        return s

    def send(self, line):
        if isinstance(line, str):
            line = line.encode()
        self.sock.sendall(line + b"\r\n")

    def sendraw(self, data):
        self.sock.sendall(data)

    def readline(self):
        """One line without CR LF, as str; raises EOFError at close."""
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("connection closed; buffered %r" % self.buf)
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def read_until(self, pred, limit=1000):
        lines = []
        for _ in range(limit):
            line = self.readline()
            lines.append(line)
            if pred(line):
                return lines
        raise AssertionError("no matching line in %r" % lines[-20:])

    def read_multiline(self):
        """An NNTP-style dot-terminated block (after its status line)."""
        lines = []
        while True:
            line = self.readline()
            if line == ".":
                return lines
            lines.append(line[1:] if line.startswith("..") else line)

    def is_closed(self, timeout=5):
        """True when the server closed the connection within TIMEOUT."""
        self.sock.settimeout(timeout * SCALE)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
                self.buf += data
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
            return True
        except socket.timeout:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class HearthTestCase(unittest.TestCase):
    """Starts a fresh hearthd per test; checks its exit and its log."""

    extra_config = ""
    protos = ALL_PROTOS

    def setUp(self):
        self.h = Hearthd(self.extra_config, self.protos)
        self.h.start()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()
        rc = self.h.stop()
        log = self.h.log()
        for marker in BAD_LOG_MARKERS:
            self.assertNotIn(marker, log, "hearthd log:\n" + log[-4000:])
        self.assertEqual(rc, 0, "hearthd exit status; log:\n" + log[-4000:])
        self.h.cleanup()

    def connect(self, proto, **kw):
        tls = proto in ("nntps", "ircs", "https")
        c = LineClient(self.h.addr(proto), tls=tls, **kw)
        self.clients.append(c)
        return c

    def nntp(self, proto="nntp"):
        c = self.connect(proto)
        greeting = c.readline()
        self.assertTrue(greeting.startswith("200 "), greeting)
        return c

    def irc_register(self, nick, proto="irc"):
        c = self.connect(proto)
        c.send("NICK " + nick)
        c.send("USER %s 0 * :Test %s" % (nick, nick))
        c.read_until(lambda l: " 001 " in l)
        return c
