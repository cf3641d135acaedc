"""TLS hardening of the implicit-TLS listeners (nntps, ircs, https).

The protocol-version, cipher and compression checks send hand-built
ClientHello messages, like sslscan does, instead of asking a client
library: Debian's OpenSSL refuses TLS 1.0/1.1 and weak ciphers on the
client side, which would make "refused" tests pass whatever the server
does. Each negative check has a positive twin (a TLS 1.2 hello built the
same way gets a ServerHello) so a broken probe cannot pass silently.
Renegotiation is tried with `openssl s_client` (its "R" command) and
session resumption with Python's ssl module, over TLS 1.2 and 1.3.
"""

import os
import socket
import ssl
import struct
import subprocess
import time
import unittest

from hearth_test import SCALE, HearthTestCase, tls_client_context

TLS_PROTOS = ("nntps", "ircs", "https")

# Every TLS 1.2 suite that is both forward secret and AEAD (IANA ids):
# ECDHE or DHE key exchange with AES-GCM, AES-CCM or ChaCha20-Poly1305.
FS_AEAD = {
    0xc02b, 0xc02c, 0xc02f, 0xc030,     # ECDHE-{ECDSA,RSA}-AES-GCM
    0xcca8, 0xcca9, 0xccaa,             # ECDHE-RSA/ECDSA, DHE-RSA ChaCha20
    0x009e, 0x009f,                     # DHE-RSA-AES-GCM
    0xc0ac, 0xc0ad, 0xc0ae, 0xc0af,     # ECDHE-ECDSA-AES-CCM(8)
    0xc09e, 0xc09f, 0xc0a2, 0xc0a3,     # DHE-RSA-AES-CCM(8)
}

# What a hello offers when probing: every id in the three blocks where
# TLS 1.2 suites live (minus the SCSVs), so the server can pick any
# suite it would accept.
ALL_SUITES = [s for s in list(range(0x0001, 0x0100)) +
              list(range(0xc001, 0xc100)) + list(range(0xcc00, 0xcd00))
              if s != 0x00ff]

# RFC 8446 / RFC 5246 constants used below.
REC_HANDSHAKE, REC_ALERT = 0x16, 0x15
HS_CLIENT_HELLO, HS_SERVER_HELLO = 1, 2


def _ext(kind, body):
    return struct.pack("!HH", kind, len(body)) + body


def client_hello(version, suites, compression=(0,)):
    """A ClientHello record for VERSION (0x0300 SSLv3 .. 0x0303 TLS 1.2)
    offering SUITES. No supported_versions extension, so a TLS 1.3
    server must treat it as what VERSION says."""
    exts = b""
    if version >= 0x0301:
        groups = struct.pack("!5H", 0x001d, 0x0017, 0x0018, 0x0019, 0x0100)
        exts += _ext(0x000a, struct.pack("!H", len(groups)) + groups)
        exts += _ext(0x000b, b"\x01\x00")              # ec_point_formats
        exts += _ext(0xff01, b"\x00")                  # renegotiation_info
    if version >= 0x0303:
        algs = struct.pack("!9H", 0x0403, 0x0503, 0x0603, 0x0804, 0x0805,
                           0x0806, 0x0401, 0x0501, 0x0601)
        exts += _ext(0x000d, struct.pack("!H", len(algs)) + algs)
    cs = b"".join(struct.pack("!H", s) for s in suites)
    body = (struct.pack("!H", version) + os.urandom(32) + b"\x00" +
            struct.pack("!H", len(cs)) + cs +
            bytes([len(compression)]) + bytes(compression))
    if exts:
        body += struct.pack("!H", len(exts)) + exts
    hs = bytes([HS_CLIENT_HELLO]) + struct.pack("!I", len(body))[1:] + body
    rec_version = min(version, 0x0301)  # what real clients put there
    return struct.pack("!BHH", REC_HANDSHAKE, rec_version, len(hs)) + hs


def _recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def probe(addr, version, suites=ALL_SUITES, compression=(0,)):
    """Send one ClientHello. Returns None if the server refused (alert
    or close), else (server_version, suite, compression_method) from its
    ServerHello."""
    s = socket.create_connection(addr, timeout=5 * SCALE)
    try:
        s.sendall(client_hello(version, suites, compression))
        hdr = _recv_exact(s, 5)
        if hdr is None:
            return None
        rtype, _, rlen = struct.unpack("!BHH", hdr)
        rec = _recv_exact(s, rlen)
        if rec is None or rtype == REC_ALERT:
            return None
        if rtype != REC_HANDSHAKE or rec[0] != HS_SERVER_HELLO:
            raise AssertionError("unexpected reply %r" % hdr + rec[:16])
        p = 4
        sv, = struct.unpack("!H", rec[p:p + 2])
        p += 2 + 32
        p += 1 + rec[p]                             # session id
        suite, = struct.unpack("!H", rec[p:p + 2])
        return sv, suite, rec[p + 2]
    except (ConnectionResetError, socket.timeout):
        return None
    finally:
        s.close()


def accepted_suites(addr):
    """Every TLS 1.2 suite the server accepts, found as sslscan does:
    offer all, note the one chosen, offer the rest again."""
    offer = list(ALL_SUITES)
    found = []
    while offer:
        r = probe(addr, 0x0303, offer)
        if r is None:
            break
        if r[1] not in offer:
            raise AssertionError("server chose suite 0x%04x it was not "
                                 "offered" % r[1])
        found.append(r[1])
        offer.remove(r[1])
    return found


class TLSHardening(HearthTestCase):

    protos = TLS_PROTOS

    def test_old_protocols_refused(self):
        for proto in TLS_PROTOS:
            addr = self.h.addr(proto)
            # The positive twin: the same probe at TLS 1.2 is answered.
            r = probe(addr, 0x0303)
            self.assertIsNotNone(r, "%s: TLS 1.2 hello refused" % proto)
            self.assertEqual(r[0], 0x0303)
            for version, name in ((0x0300, "SSLv3"), (0x0301, "TLS 1.0"),
                                  (0x0302, "TLS 1.1")):
                self.assertIsNone(probe(addr, version),
                                  "%s accepts %s" % (proto, name))

    def test_tls12_suites_forward_secret_and_aead(self):
        for proto in TLS_PROTOS:
            suites = accepted_suites(self.h.addr(proto))
            self.assertTrue(suites, "%s: no TLS 1.2 suite at all" % proto)
            bad = ["0x%04x" % s for s in suites if s not in FS_AEAD]
            self.assertEqual(bad, [], "%s accepts non-FS or non-AEAD "
                             "suites" % proto)

    def test_no_compression(self):
        for proto in TLS_PROTOS:
            r = probe(self.h.addr(proto), 0x0303, compression=(1, 0))
            self.assertIsNotNone(r)
            self.assertEqual(r[2], 0, "%s chose DEFLATE compression" % proto)
            # A hello offering only DEFLATE must be refused.
            self.assertIsNone(probe(self.h.addr(proto), 0x0303,
                                    compression=(1,)))

    def test_tls13_accepted(self):
        for proto in TLS_PROTOS:
            ctx = tls_client_context()
            ctx.minimum_version = ssl.TLSVersion.TLSv1_3
            s = ctx.wrap_socket(socket.create_connection(
                self.h.addr(proto), timeout=5 * SCALE))
            self.assertEqual(s.version(), "TLSv1.3")
            self.assertIsNone(s.compression())
            s.close()

    def test_client_renegotiation_refused(self):
        for proto in ("nntps", "ircs"):
            addr = self.h.addr(proto)
            p = subprocess.Popen(
                ["openssl", "s_client", "-connect", "%s:%d" % addr,
                 "-tls1_2", "-no_ticket"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT)
            time.sleep(1 * SCALE)
            # "R" on a line of its own asks s_client to renegotiate.
            out, _ = p.communicate(b"R\n", timeout=20 * SCALE)
            out = out.decode("utf-8", "replace")
            self.assertIn("RENEGOTIATING", out, out)
            self.assertIn("no renegotiation", out,
                          "%s: renegotiation was not refused:\n%s"
                          % (proto, out))

    def _session_reused(self, proto, version):
        ctx = tls_client_context()
        ctx.minimum_version = ctx.maximum_version = version
        addr = self.h.addr(proto)
        session = None
        reused = []
        for _ in range(2):
            s = ctx.wrap_socket(socket.create_connection(
                addr, timeout=5 * SCALE), session=session)
            # Talk a little: a TLS 1.3 ticket arrives after the handshake.
            if proto == "https":
                s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
            elif proto == "ircs":
                s.sendall(b"NICK resume\r\nUSER resume 0 * :r\r\n")
            s.recv(4096)
            reused.append(s.session_reused)
            session = s.session
            s.close()
        return reused

    def test_session_resumption(self):
        for proto in TLS_PROTOS:
            for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                self.assertEqual(self._session_reused(proto, version),
                                 [False, True],
                                 "%s %s: session not resumed"
                                 % (proto, version.name))

    def test_session_resumption_openssl_cli(self):
        """The same with openssl s_client -sess_out / -sess_in."""
        sess = os.path.join(self.h.dir, "sess.pem")
        addr = "127.0.0.1:%d" % self.h.port("nntps")
        outs = []
        for opt in ("-sess_out", "-sess_in"):
            r = subprocess.run(
                ["openssl", "s_client", "-connect", addr, "-tls1_2", opt,
                 sess], input=b"", capture_output=True, timeout=20 * SCALE)
            outs.append(r.stdout.decode("utf-8", "replace"))
        self.assertIn("New, TLSv1.2", outs[0])
        self.assertIn("Reused, TLSv1.2", outs[1], outs[1])


if __name__ == "__main__":
    unittest.main(verbosity=2)
