"""TLS hardening as Debian's sslscan sees it, on the NNTPS, IRCS and HTTPS
listeners, plus session resumption with `openssl s_client -sess_out /
-sess_in`.

Fails when sslscan finds SSLv2/SSLv3/TLS 1.0/TLS 1.1 enabled, an accepted
cipher without forward secrecy or without AEAD (so CBC-SHA1 too), a weak
or anonymous one (RC4, 3DES, DES, NULL, EXPORT, MD5, under 128 bits),
renegotiation supported, or compression on.  sslscan must be installed
(./quickstart installs it): a missing scanner fails the test.

So that the parsing of sslscan's report cannot pass by seeing nothing, the
same checks first run against a deliberately weak `openssl s_server`
(TLS 1.0 and 1.1, every cipher, renegotiation on) and must flag it.
Debian's OpenSSL has no zlib, so sslscan cannot probe compression; when
its report has no compression element, test_tls.py's hand-built
ClientHello offering DEFLATE is used instead.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

from hearth_test import SCALE, HearthTestCase
from test_tls import probe

TLS_PROTOS = ("nntps", "ircs", "https")
WEAK_WORDS = ("RC4", "DES", "NULL", "EXP", "MD5", "ADH", "AECDH", "ANON",
              "PSK", "SRP", "IDEA", "SEED")


def sslscan(host, port):
    """Run sslscan; returns the parsed <ssltest> element."""
    exe = shutil.which("sslscan")
    assert exe, "sslscan is not installed (./quickstart installs it)"
    r = subprocess.run([exe, "--no-colour", "--no-groups", "--xml=-",
                        "%s:%d" % (host, port)], capture_output=True,
                       timeout=120 * SCALE)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    text = r.stdout.decode("utf-8", "replace")
    doc = ET.fromstring(text[text.index("<?xml"):])
    test = doc.find("ssltest")
    assert test is not None, text
    return test


def problems(test):
    """What is wrong in one sslscan report, as a list of strings."""
    bad = []
    protos = {(p.get("type"), p.get("version")): p.get("enabled")
              for p in test.findall("protocol")}
    for old in (("ssl", "2"), ("ssl", "3"), ("tls", "1.0"), ("tls", "1.1")):
        if protos.get(old) != "0":
            bad.append("%s %s %s" % (old[0], old[1], "enabled" if
                                     protos.get(old) == "1" else
                                     "not reported"))
    if protos.get(("tls", "1.2")) != "1" and protos.get(("tls", "1.3")) != \
            "1":
        bad.append("neither TLS 1.2 nor 1.3 enabled: the scan saw nothing")
    reneg = test.find("renegotiation")
    if reneg is None:
        bad.append("renegotiation not reported")
    elif reneg.get("supported") != "0":
        bad.append("renegotiation supported")
    comp = test.find("compression")
    if comp is not None and comp.get("supported") != "0":
        bad.append("compression supported")
    ciphers = test.findall("cipher")
    if not ciphers:
        bad.append("no cipher reported")
    for c in ciphers:
        name, ver = c.get("cipher", ""), c.get("sslversion", "")
        why = []
        if int(c.get("bits", "0")) < 128:
            why.append("under 128 bits")
        if c.get("strength") in ("null", "weak", "medium", "anonymous"):
            why.append("strength " + c.get("strength"))
        if any(w in name.upper() for w in WEAK_WORDS):
            why.append("weak algorithm")
        if ver == "TLSv1.3":
            pass    # every TLS 1.3 suite is ephemeral and AEAD
        else:
            if not (name.startswith("ECDHE-") or name.startswith("DHE-")):
                why.append("no forward secrecy")
            if not any(a in name for a in ("GCM", "CHACHA20-POLY1305",
                                           "CCM")):
                why.append("not AEAD (CBC)")
        if why:
            bad.append("%s %s: %s" % (ver, name, ", ".join(why)))
    return bad


class WeakServerControl(unittest.TestCase):
    """The checks must flag a weak server, or they prove nothing."""

    def test_weak_openssl_server_is_flagged(self):
        d = tempfile.mkdtemp(prefix="hearth-weak-")
        try:
            key, cert = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                            "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", key, "-out", cert, "-subj",
                            "/CN=weak", "-days", "2"], check=True,
                           capture_output=True)
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            s.close()
            srv = subprocess.Popen(
                ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port,
                 "-cert", cert, "-key", key, "-cipher", "ALL:@SECLEVEL=0",
                 "-min_protocol", "TLSv1", "-www", "-quiet"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            try:
                deadline = time.time() + 10 * SCALE
                while True:
                    try:
                        socket.create_connection(("127.0.0.1", port)).close()
                        break
                    except OSError:
                        self.assertLess(time.time(), deadline)
                        time.sleep(0.05)
                bad = " | ".join(problems(sslscan("127.0.0.1", port)))
            finally:
                srv.kill()
                srv.wait()
        finally:
            shutil.rmtree(d, ignore_errors=True)
        for what in ("tls 1.0 enabled", "tls 1.1 enabled",
                     "renegotiation supported", "not AEAD (CBC)",
                     "no forward secrecy", "strength anonymous"):
            self.assertIn(what, bad)


class SSLScan(HearthTestCase):
    protos = TLS_PROTOS

    def test_sslscan_finds_nothing_weak(self):
        for proto in TLS_PROTOS:
            test = sslscan("127.0.0.1", self.h.port(proto))
            bad = problems(test)
            self.assertEqual(bad, [], "%s: %s" % (proto, bad))
            if test.find("compression") is None:
                # sslscan could not probe it: offer DEFLATE ourselves.
                r = probe(self.h.addr(proto), 0x0303, compression=(1, 0))
                self.assertIsNotNone(r, proto)
                self.assertEqual(r[2], 0, "%s chose compression" % proto)

    def test_session_resumption_sess_out_sess_in(self):
        talk = {"nntps": b"QUIT\r\n", "ircs": b"QUIT :bye\r\n",
                "https": b"GET /healthz HTTP/1.0\r\n\r\n"}
        for proto in TLS_PROTOS:
            for ver, tag in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
                sess = os.path.join(self.h.dir, "sess-%s-%s.pem"
                                    % (proto, tag))
                outs = []
                for opt in ("-sess_out", "-sess_in"):
                    # -ign_eof: read until the server closes, so a TLS 1.3
                    # ticket sent after the handshake is saved.
                    r = subprocess.run(
                        ["openssl", "s_client", "-connect",
                         "127.0.0.1:%d" % self.h.port(proto), ver,
                         "-ign_eof", opt, sess], input=talk[proto],
                        capture_output=True, timeout=30 * SCALE)
                    outs.append(r.stdout.decode("utf-8", "replace"))
                self.assertIn("New, " + tag, outs[0], outs[0][-2000:])
                self.assertIn("Reused, " + tag, outs[1],
                              "%s %s not resumed:\n%s" % (proto, tag,
                                                          outs[1][-2000:]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
