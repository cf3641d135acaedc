"""IRCv3 draft/webpush (issue 18): a member's client registers a push
subscription, leaves, and is told of a private message and of a mention
in a room by a POST to a real HTTPS push receiver on loopback, whose
VAPID token (RFC 8292) verifies and whose body decrypts (RFC 8291) to
the IRC line; a push service answering 410 ends the subscription;
endpoints that are not https or reach loopback are refused unless the
operator allows private addresses; push is off by default.

The receiver side needs Debian's python3-cryptography (stdlib Python
has no ECDH or AES-GCM); quickstart installs it."""

import base64
import datetime
import http.server
import json
import os
import queue
import shutil
import signal
import sqlite3
import ssl
import stat
import struct
import subprocess
import tempfile
import threading
import time
import unittest

from hearth_test import HEARTHD, SCALE, Hearthd
from irc_helpers import IrcCase, parse

# quickstart installs python3-cryptography; a missing one is a failure.
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    encode_dss_signature)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def make_cert(dirname):
    """A self-signed certificate for 127.0.0.1; (cert path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                         "push.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                           critical=True)
            .sign(key, hashes.SHA256()))
    cp = os.path.join(dirname, "push-cert.pem")
    kp = os.path.join(dirname, "push-key.pem")
    with open(cp, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(kp, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cp, kp


class Receiver:
    """An HTTPS push service on 127.0.0.1: every POST is queued as
    (path, headers, body); paths ending in /gone answer 410."""

    def __init__(self, cert, key):
        self.posts = queue.Queue()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                outer.posts.put((self.path, dict(self.headers), body))
                self.send_response(410 if self.path.endswith("/gone")
                                   else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket,
                                            server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def get(self, timeout=10):
        return self.posts.get(timeout=timeout * SCALE)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Subscriber:
    """The phone: a P-256 key pair and an auth secret."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.pub = self.key.public_key().public_bytes(
            serialization.Encoding.X962,
            serialization.PublicFormat.UncompressedPoint)
        self.auth = os.urandom(16)

    def keys(self):
        return "p256dh=%s;auth=%s" % (b64u(self.pub), b64u(self.auth))

    def decrypt(self, body):
        """RFC 8291 / RFC 8188 aes128gcm, one record."""
        salt, rs, idlen = body[:16], struct.unpack(">I", body[16:20])[0], \
            body[20]
        as_pub = body[21:21 + idlen]
        ct = body[21 + idlen:]
        assert idlen == 65 and rs >= len(ct), (idlen, rs, len(ct))
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                            as_pub)
        secret = self.key.exchange(ec.ECDH(), peer)

        def mac(k, d):
            h = hmac.HMAC(k, hashes.SHA256())
            h.update(d)
            return h.finalize()
        prk = mac(self.auth, secret)
        ikm = mac(prk, b"WebPush: info\0" + self.pub + as_pub + b"\1")
        prk = mac(salt, ikm)
        cek = mac(prk, b"Content-Encoding: aes128gcm\0\1")[:16]
        nonce = mac(prk, b"Content-Encoding: nonce\0\1")[:12]
        plain = AESGCM(cek).decrypt(nonce, ct, None)
        plain = plain.rstrip(b"\0")
        assert plain.endswith(b"\2"), plain
        return plain[:-1].decode()


def verify_vapid(headers, vapid_key, origin, test):
    """The Authorization header: vapid t=JWT, k=KEY (RFC 8292)."""
    auth = headers.get("Authorization", "")
    test.assertTrue(auth.startswith("vapid "), auth)
    parts = dict(p.strip().split("=", 1) for p in auth[6:].split(","))
    test.assertEqual(parts["k"], vapid_key)
    h64, c64, s64 = parts["t"].split(".")
    header = json.loads(unb64u(h64))
    claims = json.loads(unb64u(c64))
    test.assertEqual(header["alg"], "ES256")
    test.assertEqual(claims["aud"], origin)
    test.assertGreater(claims["exp"], time.time())
    test.assertLessEqual(claims["exp"], time.time() + 24 * 3600)
    test.assertTrue(claims["sub"].startswith(("mailto:", "https:")))
    sig = unb64u(s64)
    test.assertEqual(len(sig), 64)
    pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                       unb64u(vapid_key))
    # Raises InvalidSignature if it does not verify.
    pub.verify(encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                    int.from_bytes(sig[32:], "big")),
               (h64 + "." + c64).encode(), ec.ECDSA(hashes.SHA256()))


class PushCase(IrcCase):
    allow_private = "yes"

    @classmethod
    def setUpClass(cls):
        cls.certdir = tempfile.mkdtemp(prefix="hearth-push-")
        cls.cert, cls.key = make_cert(cls.certdir)
        cls.extra_config = ("webpush = yes\nwebpush_allow_private = %s\n"
                            "webpush_ca_file = %s\n"
                            "webpush_subject = mailto:ops@hearth.test\n"
                            % (cls.allow_private, cls.cert))
        super().setUpClass()
        cls.h.add_account("alice", "alice-password-1")
        cls.h.add_account("carol", "carol-password-1")
        cls.h.add_account("hank", "hank-password-1")
        cls.rx = Receiver(cls.cert, cls.key)

    @classmethod
    def tearDownClass(cls):
        cls.rx.close()
        super().tearDownClass()
        shutil.rmtree(cls.certdir, ignore_errors=True)

    def login(self, nick, password, **kw):
        """Register with SASL by hand; (client, lines up to 001 + sync)."""
        c = self.raw(**kw)
        c.send("CAP LS 302")
        ls = c.until(lambda l: " CAP " in l and " LS " in l)
        c.send("CAP REQ :sasl draft/webpush echo-message message-tags "
               "labeled-response batch")
        c.until(" ACK ")
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            ("\0%s\0%s" % (nick, password)).encode()).decode())
        c.until(" 903 ")
        c.send("NICK " + nick)
        c.send("USER %s 0 * :x" % nick)
        c.send("CAP END")
        lines = ls + c.until(" 001 ") + c.sync()
        c.nick = nick
        return c, lines

    def vapid(self, lines):
        for l in lines:
            _, _, cmd, params = parse(l)
            if cmd == "005":
                for p in params[1:]:
                    if p.startswith("VAPID="):
                        return p[6:]
        return None

    def register(self, c, endpoint, sub):
        return c.cmd("WEBPUSH REGISTER %s %s" % (endpoint, sub.keys()))

    def leave(self, c):
        c.send("QUIT :bye")
        self.assertTrue(c.is_closed())


class Delivery(PushCase):

    def test_private_message_pushed_encrypted_and_signed(self):
        alice, lines = self.login("alice", "alice-password-1")
        self.assertTrue(any("draft/webpush" in l for l in lines
                            if " LS " in l))
        key = self.vapid(lines)
        self.assertIsNotNone(key, "no VAPID in ISUPPORT")
        self.assertEqual(len(unb64u(key)), 65)
        # The key pair lives in the state directory, for our eyes only.
        st = os.stat(os.path.join(self.h.dir, "vapid.pem"))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        phone = Subscriber()
        endpoint = "https://127.0.0.1:%d/push/alice" % self.rx.port
        r = self.register(alice, endpoint, phone)
        self.assertIn(":hearth.test WEBPUSH REGISTER %s" % endpoint, r)
        self.leave(alice)

        bob = self.client("bob")
        r = bob.cmd("PRIVMSG alice :are you coming tonight?")
        self.assertFalse([l for l in r if " 401 " in l], r)
        path, headers, body = self.rx.get()
        self.assertEqual(path, "/push/alice")
        self.assertEqual(headers.get("Content-Encoding"), "aes128gcm")
        self.assertTrue(int(headers.get("TTL", "-1")) >= 0)
        self.assertIn(headers.get("Urgency"),
                      ("very-low", "low", "normal", "high"))
        verify_vapid(headers, key, "https://127.0.0.1:%d" % self.rx.port,
                     self)
        line = phone.decrypt(body)
        tags, source, cmd, params = parse(line)
        self.assertIn("msgid", tags)
        self.assertTrue(source.startswith("bob!"), line)
        self.assertEqual((cmd, params), ("PRIVMSG",
                                         ["alice", "are you coming tonight?"]))
        # Nothing but ciphertext went over the wire.
        self.assertNotIn(b"coming", body)

        # Back on IRC, the message is in alice's private history.
        alice, _ = self.login("alice", "alice-password-1")
        alice.cmd("CAP REQ draft/chathistory batch server-time")
        r = alice.cmd("CHATHISTORY LATEST bob * 10")
        self.assertTrue([l for l in r if "are you coming tonight?" in l], r)
        r = alice.cmd("WEBPUSH UNREGISTER %s" % endpoint)
        self.assertIn(":hearth.test WEBPUSH UNREGISTER %s" % endpoint, r)
        self.leave(alice)
        # No subscription left: the nick is simply not there.
        r = bob.cmd("PRIVMSG alice :still there?")
        self.assertTrue([l for l in r if " 401 " in l], r)

    def test_room_mention_pushed(self):
        carol, lines = self.login("carol", "carol-password-1")
        phone = Subscriber()
        endpoint = "https://127.0.0.1:%d/push/carol" % self.rx.port
        self.assertIn(":hearth.test WEBPUSH REGISTER %s" % endpoint,
                      self.register(carol, endpoint, phone))
        dave = self.client("dave")
        self.joined("#pushroom", carol, dave)
        self.leave(carol)
        dave.cmd("PRIVMSG #pushroom :just chatting")
        dave.cmd("PRIVMSG #pushroom :carol, the doctor answered")
        path, headers, body = self.rx.get()
        self.assertEqual(path, "/push/carol")
        tags, source, cmd, params = parse(phone.decrypt(body))
        self.assertEqual((cmd, params), ("PRIVMSG", ["#pushroom",
                                         "carol, the doctor answered"]))
        # Only the mention was pushed.
        self.assertRaises(queue.Empty, self.rx.posts.get, timeout=0.5)

    def test_push_rate_bounded(self):
        phone = Subscriber()
        c, _ = self.login("hank", "hank-password-1")
        endpoint = "https://127.0.0.1:%d/push/hank" % self.rx.port
        self.assertIn(":hearth.test WEBPUSH REGISTER %s" % endpoint,
                      self.register(c, endpoint, phone))
        self.leave(c)
        senders = [self.client("s%d" % i) for i in range(3)]
        for i in range(27):
            senders[i % 3].send("PRIVMSG hank :message number %d" % i)
        for s in senders:
            s.sync()
        texts = [parse(phone.decrypt(self.rx.get()[2]))[3][1]
                 for _ in range(20)]
        # Twenty different messages (the senders' lines interleave).
        self.assertEqual(len(set(texts)), 20)
        self.assertTrue(all(t.startswith("message number ") for t in texts))
        # The twenty-first is not sent (20 per 5 minutes).
        self.assertRaises(queue.Empty, self.rx.posts.get, timeout=1)

    def test_gone_subscription_dropped(self):
        alice, _ = self.login("alice", "alice-password-1")
        phone = Subscriber()
        endpoint = "https://127.0.0.1:%d/push/gone" % self.rx.port
        self.assertIn(":hearth.test WEBPUSH REGISTER %s" % endpoint,
                      self.register(alice, endpoint, phone))
        self.leave(alice)
        erin = self.client("erin")
        erin.cmd("PRIVMSG alice :hello")
        path, _, _ = self.rx.get()
        self.assertEqual(path, "/push/gone")
        # The push service said 410: the subscription is gone, so alice
        # is again a nick nobody uses.
        deadline = time.time() + 10 * SCALE
        while time.time() < deadline:
            r = erin.cmd("PRIVMSG alice :anyone?")
            if [l for l in r if " 401 " in l]:
                break
            self.rx.get()
            time.sleep(0.1)
        else:
            self.fail("subscription not dropped after 410")


class ConnectTimeCheck(PushCase):
    """The address is checked again when connecting: a subscription made
    while private addresses were allowed is not reached once the
    operator forbids them (a name that resolves elsewhere later -- DNS
    rebinding -- meets the same check)."""

    def test_private_address_refused_at_connect(self):
        alice, _ = self.login("alice", "alice-password-1")
        phone = Subscriber()
        endpoint = "https://127.0.0.1:%d/push/alice" % self.rx.port
        self.assertIn(":hearth.test WEBPUSH REGISTER %s" % endpoint,
                      self.register(alice, endpoint, phone))
        self.leave(alice)
        with open(self.h.conf, "a") as f:
            f.write("webpush_allow_private = no\n")
        self.h.signal(signal.SIGHUP)
        deadline = time.time() + 10 * SCALE
        while "configuration and TLS certificate reloaded" not in \
                self.h.log():
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        bob = self.client("bob")
        r = bob.cmd("PRIVMSG alice :are you there?")
        self.assertFalse([l for l in r if " 401 " in l], r)
        deadline = time.time() + 10 * SCALE
        while "no address that may be reached" not in self.h.log():
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        self.assertRaises(queue.Empty, self.rx.posts.get, timeout=0.5)


class UntrustedCertificate(PushCase):
    """The push service's certificate must verify: with another CA
    configured, nothing is POSTed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The receiver gets a certificate hearthd does not trust.
        other = tempfile.mkdtemp(prefix="hearth-push-other-")
        cls.rx.close()
        cls.rx = Receiver(*make_cert(other))
        cls.otherdir = other

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.otherdir, ignore_errors=True)

    def test_unverified_service_not_posted_to(self):
        alice, _ = self.login("alice", "alice-password-1")
        endpoint = "https://127.0.0.1:%d/push/alice" % self.rx.port
        self.assertIn(":hearth.test WEBPUSH REGISTER %s" % endpoint,
                      self.register(alice, endpoint, Subscriber()))
        self.leave(alice)
        self.client("bob").cmd("PRIVMSG alice :hello")
        deadline = time.time() + 10 * SCALE
        while "certificate verify failed" not in self.h.log():
            self.assertLess(time.time(), deadline, self.h.log()[-2000:])
            time.sleep(0.05)
        self.assertRaises(queue.Empty, self.rx.posts.get, timeout=0.5)


class ExportErase(PushCase):

    def test_export_lists_and_erasure_drops(self):
        alice, _ = self.login("alice", "alice-password-1")
        phone = Subscriber()
        endpoint = "https://127.0.0.1:%d/push/exported" % self.rx.port
        self.assertIn(":hearth.test WEBPUSH REGISTER %s" % endpoint,
                      self.register(alice, endpoint, phone))
        self.leave(alice)
        out = os.path.join(self.h.dir, "export-alice")
        os.mkdir(out)
        r = self.h.hearthmod("account", "export", "alice", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "member.json")) as f:
            data = json.load(f)
        self.assertEqual([s["endpoint"] for s in
                          data["webpush_subscriptions"]], [endpoint])
        # The export names the endpoint, never the client's keys.
        text = json.dumps(data)
        self.assertNotIn(b64u(phone.auth), text)
        # The VAPID key is in a backup, with its checksum.
        bdir = os.path.join(self.h.dir, "backup-push")
        r = self.h.hearthmod("backup", "--output", bdir)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(bdir, "vapid.pem"), "rb") as f, \
                open(os.path.join(self.h.dir, "vapid.pem"), "rb") as g:
            self.assertEqual(f.read(), g.read())
        with open(os.path.join(bdir, "MANIFEST")) as f:
            self.assertIn("  vapid.pem", f.read())
        r = self.h.hearthmod("account", "erase", "alice", "--mode",
                             "remove")
        self.assertEqual(r.returncode, 0, r.stderr)
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        n = db.execute("SELECT count(*) FROM webpush_subs").fetchone()[0]
        db.close()
        self.assertEqual(n, 0)
        r = self.client("gus").cmd("PRIVMSG alice :hello?")
        self.assertTrue([l for l in r if " 401 " in l], r)
        self.assertRaises(queue.Empty, self.rx.posts.get, timeout=0.5)


class Refusals(PushCase):
    allow_private = "no"

    def fail_code(self, lines):
        for l in lines:
            _, _, cmd, params = parse(l)
            if cmd == "FAIL" and params[0] == "WEBPUSH":
                return params[1], params[2]
        return None

    def test_bad_endpoints_and_keys(self):
        alice, _ = self.login("alice", "alice-password-1")
        phone = Subscriber()
        for endpoint in ("http://push.example/x",
                         "https://127.0.0.1:%d/push" % self.rx.port,
                         "https://[::1]/push",
                         "https://[::ffff:127.0.0.1]/push",
                         "https://10.1.2.3/push",
                         "https://169.254.169.254/latest",
                         "https://[fe80::1]/x",
                         "https://[fd00::1]/x",
                         "https://0.0.0.0/x",
                         "https://224.0.0.1/x",
                         "https://localhost/push",
                         "https://user@push.example/x",
                         "ftp://push.example/x"):
            r = self.register(alice, endpoint, phone)
            self.assertEqual(self.fail_code(r), ("INVALID_PARAMS",
                                                 "REGISTER"), (endpoint, r))
        r = alice.cmd("WEBPUSH REGISTER https://push.example/x "
                      "p256dh=AAAA;auth=BBBB")
        self.assertEqual(self.fail_code(r), ("INVALID_PARAMS", "REGISTER"))
        # Nothing was stored, so nothing is ever sent there.
        self.leave(alice)
        self.client("frank").cmd("PRIVMSG alice :hi")
        self.assertRaises(queue.Empty, self.rx.posts.get, timeout=0.5)

    def test_name_resolved_before_answer(self):
        """A host name is resolved (without blocking the server) before
        the answer, which keeps the command's label.  push.invalid never
        resolves (RFC 6761), wherever the test runs."""
        alice, _ = self.login("alice", "alice-password-1", timeout=60)
        alice.send("@label=wp1 WEBPUSH REGISTER https://push.invalid/x "
                   + Subscriber().keys())
        other = self.client("ivy")
        self.assertTrue(other.cmd("VERSION"))   # the server goes on
        line = alice.until(lambda l: " FAIL " in l or " ACK" in l)[-1]
        tags, _, cmd, params = parse(line)
        self.assertEqual(tags.get("label"), "wp1", line)
        self.assertEqual((cmd, params[:4]), ("FAIL", ["WEBPUSH",
                         "INVALID_PARAMS", "REGISTER",
                         "https://push.invalid/x"]))

    def test_excess_and_unknown(self):
        alice, _ = self.login("alice", "alice-password-1")
        keys = Subscriber().keys()
        r = alice.cmd("WEBPUSH REGISTER https://push.example/x %s extra"
                      % keys)
        self.assertEqual(self.fail_code(r), ("INVALID_PARAMS", "REGISTER"))
        r = alice.cmd("WEBPUSH UNREGISTER https://push.example/x extra")
        self.assertEqual(self.fail_code(r), ("INVALID_PARAMS",
                                             "UNREGISTER"))
        r = alice.cmd("WEBPUSH LIST")
        self.assertEqual(self.fail_code(r)[0], "INVALID_PARAMS")
        r = alice.cmd("WEBPUSH REGISTER https://push.example/x")
        self.assertEqual(self.fail_code(r), ("INVALID_PARAMS", "REGISTER"))
        # Unknown subscriptions are silently fine.
        r = alice.cmd("webpush unregister https://push.example/never")
        self.assertIn(":hearth.test WEBPUSH UNREGISTER "
                      "https://push.example/never", r)

    def test_account_needed(self):
        c = self.client("guest1")
        r = c.cmd("WEBPUSH REGISTER https://push.example/x %s"
                  % Subscriber().keys())
        self.assertEqual(self.fail_code(r), ("FORBIDDEN", "REGISTER"))


class CheckConfig(unittest.TestCase):
    """--check-config and start-up refuse what push could not work with,
    naming the key and its line."""

    def setUp(self):
        self.h = Hearthd(protos=("irc",))

    def tearDown(self):
        self.h.cleanup()

    def refused(self, text, words, vapid=None):
        with open(self.h.conf) as f:
            line = f.read().count("\n") + 1
        with open(self.h.conf, "a") as f:
            f.write("webpush = yes\n" + text)
        if vapid is not None:
            with open(os.path.join(self.h.dir, "vapid.pem"), "w") as f:
                f.write(vapid)
        r = subprocess.run([HEARTHD, "--check-config", "-f", self.h.conf],
                           capture_output=True, text=True,
                           timeout=30 * SCALE)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for w in words:
            self.assertIn(w, r.stderr)
        if text:
            self.assertIn("%s:%d: " % (self.h.conf, line + 1), r.stderr)
        self.assertRaises(RuntimeError, self.h.start)

    def test_ca_file_missing(self):
        self.refused("webpush_ca_file = /nonexistent/ca.pem\n",
                     ["webpush_ca_file", "/nonexistent/ca.pem"])

    def test_subject_not_a_uri(self):
        self.refused("webpush_subject = ops team\n", ["webpush_subject"])

    def test_vapid_key_not_a_key(self):
        self.refused("", ["vapid.pem", "not a P-256 private key"],
                     vapid="-----BEGIN PRIVATE KEY-----\nAAAA\n"
                           "-----END PRIVATE KEY-----\n")

    def test_good_push_config_passes(self):
        with open(self.h.conf, "a") as f:
            f.write("webpush = yes\nwebpush_subject = mailto:a@b.example\n")
        r = subprocess.run([HEARTHD, "--check-config", "-f", self.h.conf],
                           capture_output=True, text=True,
                           timeout=30 * SCALE)
        self.assertEqual(r.returncode, 0, r.stderr)


class OffByDefault(IrcCase):

    def test_no_cap_no_key(self):
        c = self.raw()
        c.send("CAP LS 302")
        ls = c.until(lambda l: " CAP " in l and " LS " in l)
        self.assertFalse([l for l in ls if "draft/webpush" in l])
        c.send("NICK off1")
        c.send("USER off1 0 * :x")
        c.send("CAP END")
        lines = c.until(" 001 ") + c.sync()
        self.assertFalse([l for l in lines if "VAPID=" in l])
        r = c.cmd("WEBPUSH REGISTER https://push.example/x "
                  "p256dh=AAAA;auth=BBBB")
        self.assertTrue([l for l in r if "FAIL WEBPUSH FORBIDDEN" in l], r)
        self.assertFalse(os.path.exists(os.path.join(self.h.dir,
                                                     "vapid.pem")))


if __name__ == "__main__":
    unittest.main()
