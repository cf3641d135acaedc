"""Sign-in security (issue 14, items 2, 3, 4, 5 and 13).

- passwords never cross an unencrypted non-loopback connection: OPER,
  Helper ERASE and IRC PASS follow the rule AUTHINFO and SASL follow,
  through one check (auth_channel_ok);
- failure counters are a real map: a name that shared the old 4,096-slot
  table's slot no longer wipes the victim's count;
- scrypt runs on worker threads: a reader's DATE is answered while a
  password is being hashed, and a full queue refuses with a temporary
  error instead of slowing everyone; by default one worker fewer than
  the CPUs, so the loop always has one; a check from an address
  without failures is hashed before a guesser's waiting checks;
- wrong passwords from one address do not lock the owner out from
  another;
- the PROXY protocol (v1 and v2) from proxy_from addresses, on NNTP, IRC
  and HTTP, with TLS after it; limits apply to the proxied address.
"""

import base64
import os
import socket
import ssl
import struct
import subprocess
import time
import unittest

from hearth_test import (HEARTHMOD, HearthTestCase, LineClient, SCALE,
                         tls_client_context)
from irc_helpers import Irc, numerics
from nntp_helpers import FAST, PASSWORD, NNTPClient


def fnv_slot(key):
    """The slot the old 4,096-slot failure table gave KEY."""
    h = 2166136261
    for b in key.encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h % 4096


def colliding_name(victim):
    """An account name whose old counter slot was VICTIM's."""
    want = fnv_slot("a:" + victim)
    for i in range(1000000):
        name = "x%d" % i
        if fnv_slot("a:" + name) == want:
            return name
    raise AssertionError("no collision found")


def proxy_v1(src, sport=40000, dport=119):
    fam = "TCP6" if ":" in src else "TCP4"
    dst = "::1" if ":" in src else "127.0.0.1"
    return ("PROXY %s %s %s %d %d\r\n" % (fam, src, dst, sport,
                                           dport)).encode()


def proxy_v2(src, sport=40000, dport=119):
    sig = b"\r\n\r\n\x00\r\nQUIT\n"
    if ":" in src:
        body = (socket.inet_pton(socket.AF_INET6, src) +
                socket.inet_pton(socket.AF_INET6, "::1") +
                struct.pack(">HH", sport, dport))
        fam = 0x21
    else:
        body = (socket.inet_pton(socket.AF_INET, src) +
                socket.inet_pton(socket.AF_INET, "127.0.0.1") +
                struct.pack(">HH", sport, dport))
        fam = 0x11
    tlv = b"\x05\x00\x04abcd"     # PP2_TYPE_UNIQUE_ID: skipped
    return sig + bytes([0x21, fam]) + struct.pack(">H", len(body) +
                                                   len(tlv)) + body + tlv


class PlaintextRule(HearthTestCase):
    """allow_plaintext_auth_on_loopback = no: loopback is just plain."""

    protos = ("nntp", "irc", "ircs")
    extra_config = ("allow_plaintext_auth_on_loopback = no\n"
                    "rate_per_second = 1000\nrate_burst = 1000\n")

    def irc(self, proto, nick):
        c = Irc(self.irc_register(nick, proto))
        c.nick = nick
        return c

    def test_oper_needs_tls(self):
        self.h.add_account("opmod", "oper-pass-1", "moderator")
        c = self.irc("irc", "plainop")
        lines = c.cmd("OPER opmod oper-pass-1")
        self.assertTrue(any("FAIL OPER TLS_REQUIRED" in l for l in lines),
                        lines)
        self.assertNotIn("381", numerics(lines))
        t = self.irc("ircs", "tlsop")
        self.assertIn("381", numerics(t.cmd("OPER opmod oper-pass-1")))

    def test_nntp_authinfo_refused_on_plain_loopback(self):
        c = NNTPClient(self.nntp())
        self.assertEqual(c.code("AUTHINFO USER alice"), "483")


class HelperErasePlain(HearthTestCase):
    """Helper ERASE carries a password: on a plain connection that may no
    longer carry one (signed in while loopback was allowed, then the
    operator said no and reloaded) it is refused and nothing erased."""

    protos = ("irc",)
    extra_config = "rate_per_second = 1000\nrate_burst = 1000\n"

    def test_erase_refused_after_plaintext_turned_off(self):
        import signal
        self.h.add_account("tessa", PASSWORD)
        c = Irc(self.connect("irc"))
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            ("\0tessa\0" + PASSWORD).encode()).decode())
        c.until(" 903 ")
        c.send("CAP END")
        c.send("NICK tessa")
        c.send("USER tessa 0 * :Tessa")
        c.until(" 001 ")
        with open(self.h.conf, "a") as f:
            f.write("allow_plaintext_auth_on_loopback = no\n")
        self.h.signal(signal.SIGHUP)
        deadline = time.time() + 10 * SCALE
        while "configuration and TLS certificate reloaded" not in \
                self.h.log():
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        lines = c.cmd("PRIVMSG Helper :ERASE " + PASSWORD)
        notes = " ".join(l for l in lines if " NOTICE " in l)
        self.assertIn("TLS", notes)
        self.assertIn("nothing was erased", notes)
        r = self.h.hearthmod("account", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("tessa", r.stdout)


class IrcPassPlain(HearthTestCase):
    """IRC PASS (irc_password) is a password too."""

    protos = ("irc", "ircs")
    extra_config = ("allow_plaintext_auth_on_loopback = no\n"
                    "irc_password = s3cret pass\n")

    def test_pass_over_plain_text_refused(self):
        c = Irc(self.connect("irc"))
        c.send("PASS :s3cret pass")
        c.send("NICK pp")
        c.send("USER pp 0 * :pp")
        lines = c.until(lambda l: l.startswith("ERROR"))
        self.assertTrue(any("FAIL PASS TLS_REQUIRED" in l for l in lines),
                        lines)
        self.assertIn("464", numerics(lines))
        t = Irc(self.connect("ircs"))
        t.send("PASS :s3cret pass")
        t.send("NICK pt")
        t.send("USER pt 0 * :pt")
        t.until(" 001 ")


class Throttle(HearthTestCase):
    """The sign-in throttle: exact keys, and no lockout of the owner."""

    protos = ("nntp", "irc")
    extra_config = FAST

    def nntp_from(self, source):
        lc = LineClient(self.h.addr("nntp"), source=source)
        self.clients.append(lc)
        self.assertTrue(lc.readline().startswith("200"))
        return NNTPClient(lc)

    def fail_times(self, name, n, source="127.0.0.1"):
        c = None
        for i in range(n):
            if i % 4 == 0:
                c = self.nntp_from(source)
            r = c.login(name, "wrong password %d" % i)
            self.assertTrue(r.startswith("481"), r)

    def test_colliding_name_does_not_reset_victim(self):
        self.h.add_account("victim", PASSWORD)
        other = colliding_name("victim")
        self.fail_times("victim", 5)
        c = self.nntp_from("127.0.0.1")
        self.assertIn("Too many", c.login("victim", "one more guess"))
        # One failure for the colliding name: in the old table it took
        # the victim's slot and wiped the count.
        self.fail_times(other, 1)
        c = self.nntp_from("127.0.0.1")
        r = c.login("victim", PASSWORD)
        self.assertTrue(r.startswith("481") and "Too many" in r, r)

    def test_owner_not_locked_out_from_another_address(self):
        self.h.add_account("owner", PASSWORD)
        self.fail_times("owner", 6, source="127.0.0.1")
        # The attacker's address is throttled for this name...
        c = self.nntp_from("127.0.0.1")
        r = c.login("owner", PASSWORD)
        self.assertTrue("Too many" in r, r)
        # ...the owner elsewhere signs in (after a short delay).
        c = self.nntp_from("127.0.0.2")
        t0 = time.monotonic()
        r = c.login("owner", PASSWORD)
        self.assertTrue(r.startswith("281"), r)
        self.assertLess(time.monotonic() - t0, 20 * SCALE)
        # And over IRC SASL from the second address too.
        lc = LineClient(self.h.addr("irc"), source="127.0.0.2")
        self.clients.append(lc)
        i = Irc(lc)
        i.send("CAP LS 302")
        i.send("CAP REQ :sasl")
        i.until(" ACK ")
        i.send("AUTHENTICATE PLAIN")
        i.until("AUTHENTICATE +")
        i.send("AUTHENTICATE " + base64.b64encode(
            ("\0owner\0" + PASSWORD).encode()).decode())
        self.assertIn(" 903 ", i.until(lambda l: " 903 " in l or
                                        " 904 " in l)[-1])


class HashPool(HearthTestCase):
    """scrypt off the loop, with a bounded queue."""

    protos = ("nntp", "irc", "http")
    # About a quarter second per hash (128 MiB), one worker, one slot.
    extra_config = FAST + ("password_scrypt_log2n = 17\n"
                           "auth_threads = 1\nauth_queue = 1\n")

    def client(self):
        lc = self.connect("nntp")
        self.assertTrue(lc.readline().startswith("200"))
        return NNTPClient(lc)

    def test_reader_not_blocked_by_hashing(self):
        signer, reader = self.client(), self.client()
        self.assertEqual(reader.code("DATE"), "111")
        self.assertEqual(signer.code("AUTHINFO USER nobody"), "381")
        t0 = time.monotonic()
        signer.lc.send("AUTHINFO PASS not the password")
        time.sleep(0.03)
        t1 = time.monotonic()
        self.assertEqual(reader.code("DATE"), "111")
        date_latency = time.monotonic() - t1
        self.assertTrue(signer.lc.readline().startswith("481"))
        hash_time = time.monotonic() - t0
        self.assertGreater(hash_time, 0.1, "hash too fast to tell")
        self.assertLess(date_latency, hash_time / 3,
                        (date_latency, hash_time))

    def test_full_queue_refuses_with_temporary_error(self):
        a, b = self.client(), self.client()
        a.code("AUTHINFO USER nobody")
        b.code("AUTHINFO USER nobody")
        a.lc.send("AUTHINFO PASS first guess")
        time.sleep(0.03)
        r = b.cmd("AUTHINFO PASS second guess")
        self.assertTrue(r.startswith("403") and "try again" in r, r)
        self.assertTrue(a.lc.readline().startswith("481"))
        # IRC SASL meanwhile: 904 with a try-again text.
        i = Irc(self.connect("irc"))
        i.send("CAP LS 302")
        i.send("CAP REQ :sasl")
        i.until(" ACK ")
        i.send("AUTHENTICATE PLAIN")
        i.until("AUTHENTICATE +")
        a.code("AUTHINFO USER nobody")
        a.lc.send("AUTHINFO PASS third guess")
        time.sleep(0.03)
        i.send("AUTHENTICATE " + base64.b64encode(
            b"\0nobody\0guess").decode())
        line = i.until(lambda l: " 904 " in l or " 903 " in l)[-1]
        self.assertIn("try again", line)
        self.assertTrue(a.lc.readline().startswith("481"))
        # HTTP Basic meanwhile: 503 with Retry-After.
        a.code("AUTHINFO USER nobody")
        a.lc.send("AUTHINFO PASS fourth guess")
        time.sleep(0.03)
        hc = self.connect("http")
        hc.sendraw(b"GET /me/export.json HTTP/1.1\r\nHost: hearth.test\r\n"
                   b"Authorization: Basic " +
                   base64.b64encode(b"nobody:guess") + b"\r\n\r\n")
        head = hc.read_until(lambda l: l == "")
        self.assertIn(" 503 ", head[0])
        self.assertTrue(any(l.lower().startswith("retry-after:")
                            for l in head), head)

    def test_http_basic_through_the_workers(self):
        self.h.add_account("hanna", PASSWORD)
        hc = self.connect("http")
        for pw, code in (("wrong one", " 401 "), (PASSWORD, " 200 ")):
            cred = base64.b64encode(("hanna:" + pw).encode())
            hc.sendraw(b"GET /me/export.json HTTP/1.1\r\n"
                       b"Host: hearth.test\r\nAuthorization: Basic " +
                       cred + b"\r\n\r\n")
            head = hc.read_until(lambda l: l == "")
            self.assertIn(code, head[0])
            n = [int(l.split(":")[1]) for l in head
                 if l.lower().startswith("content-length:")][0]
            while len(hc.buf) < n:
                hc.buf += hc.sock.recv(65536)
            hc.buf = hc.buf[n:]

    def test_operator_account_add_off_the_loop(self):
        # hearthmod account add/passwd hash on the workers too: a
        # reader is answered while the operator's hash runs.
        reader = self.client()
        self.assertEqual(reader.code("DATE"), "111")
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [HEARTHMOD, "--socket", os.path.join(self.h.dir, "hearthd.sock"),
             "account", "add", "opadded", "--password-file", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        proc.stdin.write(PASSWORD + "\n")
        proc.stdin.close()
        time.sleep(0.05)
        t1 = time.monotonic()
        self.assertEqual(reader.code("DATE"), "111")
        date_latency = time.monotonic() - t1
        self.assertEqual(proc.wait(timeout=30), 0, proc.stderr.read())
        hash_time = time.monotonic() - t0
        self.assertGreater(hash_time, 0.1, "hash too fast to tell")
        self.assertLess(date_latency, hash_time / 3,
                        (date_latency, hash_time))
        proc.stdout.close()
        proc.stderr.close()
        r = self.h.hearthmod("account", "passwd", "opadded",
                             "--password-file", "-",
                             input=PASSWORD + "-changed\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Password changed for opadded", r.stdout)

    def test_client_gone_while_hashing(self):
        c = self.client()
        c.code("AUTHINFO USER nobody")
        c.lc.send("AUTHINFO PASS guess")
        c.lc.close()
        time.sleep(0.4)
        d = self.client()
        self.assertEqual(d.code("DATE"), "111")


class HashOrder(HearthTestCase):
    """A check from an address without failures is hashed before the
    waiting checks of an address with some (issue 20): a member signing
    in during a storm of guesses waits for the hash running, not for the
    guessers' queue."""

    protos = ("nntp",)
    # About a quarter second per hash (128 MiB), one worker.
    extra_config = FAST + ("password_scrypt_log2n = 17\n"
                           "auth_threads = 1\n")

    def nntp_from(self, source):
        lc = LineClient(self.h.addr("nntp"), source=source, timeout=30)
        self.clients.append(lc)
        self.assertTrue(lc.readline().startswith("200"))
        return lc

    def test_clean_address_goes_first(self):
        self.h.add_account("member", PASSWORD)
        guesser = "127.0.0.2"
        # One failure in the window makes the guesser's later checks wait.
        c = NNTPClient(self.nntp_from(guesser))
        self.assertTrue(c.login("victim", "guess 0").startswith("481"))
        queued = []
        for i in range(3):
            lc = self.nntp_from(guesser)
            lc.send("AUTHINFO USER victim%d" % i)
            self.assertTrue(lc.readline().startswith("381"))
            lc.send("AUTHINFO PASS guess %d" % (i + 1))
            queued.append(lc)
        time.sleep(0.05)
        m = self.nntp_from("127.0.0.3")
        m.send("AUTHINFO USER member")
        self.assertTrue(m.readline().startswith("381"))
        m.send("AUTHINFO PASS " + PASSWORD)
        self.assertTrue(m.readline().startswith("281"))
        # In arrival order the last guess would have been answered first.
        last = queued[-1]
        last.sock.setblocking(False)
        try:
            early = last.sock.recv(100)
        except BlockingIOError:
            early = b""
        last.sock.setblocking(True)
        self.assertEqual(early, b"", "the member waited for every guess")
        for lc in queued:
            self.assertTrue(lc.readline().startswith("481"))


class HashWorkers(HearthTestCase):
    """By default one hashing worker fewer than the CPUs hearthd may use
    (at least 1, at most 8), so a sign-in storm leaves the loop a CPU
    (issue 20); auth_threads still sets the number."""

    protos = ("nntp",)
    extra_config = FAST

    def workers(self):
        for line in self.h.log().splitlines():
            if "auth: " in line and "hashing worker" in line:
                return int(line.split("auth: ")[1].split()[0])
        self.fail("no hashing worker line in the log")

    def sign_in_works(self):
        self.h.add_account("hasher", PASSWORD)
        c = NNTPClient(self.nntp())
        self.assertEqual(c.code("AUTHINFO USER hasher"), "381")
        self.assertEqual(c.code("AUTHINFO PASS " + PASSWORD), "281")
        c2 = NNTPClient(self.nntp())
        self.assertEqual(c2.code("AUTHINFO USER hasher"), "381")
        self.assertEqual(c2.code("AUTHINFO PASS wrong"), "481")

    def expected(self):
        return max(1, min(8, len(os.sched_getaffinity(0)) - 1))

    def test_worker_count(self):
        self.assertEqual(self.workers(), self.expected())
        self.sign_in_works()


class HashWorkersSet(HashWorkers):
    """auth_threads = 3 gives three workers, whatever the CPUs."""

    extra_config = FAST + "auth_threads = 3\n"

    def expected(self):
        return 3


class ProxyProtocol(HearthTestCase):
    """PROXY v1/v2 from proxy_from; anyone else sending one is wrong."""

    protos = ("nntp", "nntps", "irc", "http")
    extra_config = ("proxy_from = 127.0.0.1, ::1\n"
                    "max_connections_per_ip = 2\n"
                    "rate_per_second = 1000\nrate_burst = 1000\n")

    def via_proxy(self, proto, header, tls=False):
        sock = socket.create_connection(self.h.addr(proto),
                                        timeout=5 * SCALE)
        sock.sendall(header)
        lc = LineClient.__new__(LineClient)
        lc.sock = tls_client_context().wrap_socket(
            sock, server_hostname="hearth.test") if tls else sock
        lc.buf = b""
        self.clients.append(lc)
        return lc

    def test_nntp_v1_and_limits(self):
        a = self.via_proxy("nntp", proxy_v1("192.0.2.7"))
        self.assertTrue(a.readline().startswith("200"))
        # Not loopback any more: no password in clear.
        a.send("AUTHINFO USER alice")
        self.assertTrue(a.readline().startswith("483"))
        b = self.via_proxy("nntp", proxy_v1("192.0.2.7"))
        self.assertTrue(b.readline().startswith("200"))
        c = self.via_proxy("nntp", proxy_v1("192.0.2.7"))
        self.assertTrue(c.readline().startswith("400"))
        d = self.via_proxy("nntp", proxy_v1("192.0.2.8"))
        self.assertTrue(d.readline().startswith("200"))

    def test_nntps_v2_then_tls(self):
        a = self.via_proxy("nntps", proxy_v2("2001:db8::7", dport=563),
                           tls=True)
        self.assertTrue(a.readline().startswith("200"))
        a.send("DATE")
        self.assertTrue(a.readline().startswith("111"))

    def test_irc_v2_and_limits(self):
        conns = []
        for n in range(2):
            lc = self.via_proxy("irc", proxy_v2("192.0.2.9", dport=6667))
            c = Irc(lc)
            c.send("NICK px%d" % n)
            c.send("USER px 0 * :px")
            lines = c.until(" 001 ")
            conns.append(c)
        # The client's host is a cloak of the proxied address, not the
        # proxy's: two proxied clients share it, a third is refused.
        lc = self.via_proxy("irc", proxy_v2("192.0.2.9", dport=6667))
        self.assertTrue(lc.is_closed() or "ERROR" in lc.buf.decode())
        lc = self.via_proxy("irc", proxy_v1("192.0.2.10", dport=6667))
        c = Irc(lc)
        c.send("NICK pz")
        c.send("USER pz 0 * :pz")
        c.until(" 001 ")
        lines = c.cmd("OPER anyone anything")
        self.assertTrue(any("TLS_REQUIRED" in l for l in lines), lines)

    def http_get(self, lc):
        lc.sendraw(b"GET / HTTP/1.1\r\nHost: hearth.test\r\n\r\n")
        return lc.readline()

    def test_http_v1_v2_and_limits(self):
        a = self.via_proxy("http", proxy_v1("192.0.2.20", dport=80))
        self.assertIn(" 200 ", self.http_get(a))
        b = self.via_proxy("http", proxy_v2("192.0.2.20", dport=80))
        self.assertIn(" 200 ", self.http_get(b))
        c = self.via_proxy("http", proxy_v2("192.0.2.20", dport=80))
        self.assertIn(" 503 ", c.readline())
        d = self.via_proxy("http", proxy_v2("192.0.2.21", dport=80))
        self.assertIn(" 200 ", self.http_get(d))

    def test_proxy_without_header_is_refused(self):
        lc = self.via_proxy("nntp", b"DATE\r\n")
        self.assertTrue(lc.is_closed())
        self.assertEqual(lc.buf, b"")
        lc = self.via_proxy("http", b"GET / HTTP/1.1\r\n\r\n")
        self.assertTrue(lc.is_closed())
        self.assertEqual(lc.buf, b"")

    def test_header_from_others_is_bad_input(self):
        lc = LineClient(self.h.addr("nntp"), source="127.0.0.2")
        self.clients.append(lc)
        self.assertTrue(lc.readline().startswith("200"))
        lc.sendraw(proxy_v1("192.0.2.7"))
        self.assertTrue(lc.readline().startswith("500"))


if __name__ == "__main__":
    unittest.main()
