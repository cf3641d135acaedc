"""hearthd --check-config checks what start-up needs (issue 19): each
broken configuration below makes start-up fail, and must make the check
fail too, naming the config file and line at fault."""

import os
import socket
import subprocess
import unittest

from hearth_test import HEARTHD, SCALE, SRCDIR, Hearthd


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_pair(dirname, name):
    cert = os.path.join(dirname, name + "-cert.pem")
    key = os.path.join(dirname, name + "-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=" + name], check=True,
                   capture_output=True)
    return cert, key


class CheckConfig(unittest.TestCase):

    def setUp(self):
        self.h = Hearthd(protos=("nntp",))

    def tearDown(self):
        self.h.cleanup()

    def append(self, text):
        """Append TEXT to the config; returns the line of its first line."""
        with open(self.h.conf) as f:
            n = f.read().count("\n")
        with open(self.h.conf, "a") as f:
            f.write(text)
        return n + 1

    def check(self):
        return subprocess.run([HEARTHD, "--check-config", "-f", self.h.conf],
                              capture_output=True, text=True,
                              timeout=30 * SCALE)

    def start(self):
        """Start for real; a hearthd still running after 10 s is stopped
        and counts as a start (returncode 0)."""
        p = subprocess.Popen([HEARTHD, "-f", self.h.conf, "--foreground"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            out, err = p.communicate(timeout=10 * SCALE)
            return subprocess.CompletedProcess(p.args, p.returncode, out,
                                               err)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            return subprocess.CompletedProcess(p.args, 0, out, err)

    def assert_both_fail(self, line, words):
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertNotIn("configuration OK", r.stdout)
        self.assertIn("%s:%d: " % (self.h.conf, line), r.stderr)
        for w in words:
            self.assertIn(w, r.stderr)
        self.assertIn("would not start", r.stderr)
        s = self.start()
        self.assertEqual(s.returncode, 1, s.stderr)
        return r.stderr

    def test_good_config_passes(self):
        r = self.check()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)
        self.assertEqual(r.stderr, "")

    def test_missing_crisis_phrases(self):
        line = self.append("crisis_phrases_file = crisis-phrases.conf\n")
        self.assert_both_fail(line, ["crisis_phrases_file",
                                     "No such file or directory"])

    def test_tls_cert_pointing_nowhere(self):
        line = self.append("tls_cert = /nonexistent/hearth/cert.pem\n")
        self.assert_both_fail(line, ["tls_cert /nonexistent/hearth/cert.pem",
                                     "No such file or directory"])

    def test_tls_key_not_matching_certificate(self):
        cert, _ = make_pair(self.h.dir, "one")
        _, key = make_pair(self.h.dir, "two")
        self.append("tls_cert = %s\n" % cert)
        line = self.append("tls_key = %s\n" % key)
        self.assert_both_fail(line, ["does not match certificate"])

    def test_tls_cert_not_a_certificate(self):
        _, key = make_pair(self.h.dir, "one")
        junk = os.path.join(self.h.dir, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a certificate\n")
        line = self.append("tls_cert = %s\n" % junk)
        self.append("tls_key = %s\n" % key)
        self.assert_both_fail(line, ["cannot load certificate"])

    def test_matching_pair_passes(self):
        cert, key = make_pair(self.h.dir, "one")
        self.append("tls_cert = %s\ntls_key = %s\n" % (cert, key))
        r = self.check()
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_colliding_listeners(self):
        port = free_port()
        first = self.append("listen = irc=127.0.0.1:%d\n" % port)
        line = self.append("listen = http=127.0.0.1:%d\n" % port)
        err = self.assert_both_fail(line, ["collides with irc=127.0.0.1",
                                           "(line %d)" % first])
        self.assertNotIn(":%d: listen irc" % first, err)

    def test_wildcard_shadowing_a_listener(self):
        # Linux lets both bind, but the wildcard one never sees what
        # comes to 127.0.0.1: a collision all the same.
        port = free_port()
        first = self.append("listen = irc=127.0.0.1:%d\n" % port)
        line = self.append("listen = http=*:%d\n" % port)
        r = self.check()
        self.assertEqual(r.returncode, 1)
        self.assertIn("%s:%d: listen http=*:%d collides with irc=127.0.0.1"
                      % (self.h.conf, line, port), r.stderr)
        self.assertIn("(line %d)" % first, r.stderr)

    def test_same_port_other_address_passes(self):
        port = free_port()
        self.append("listen = irc=127.0.0.1:%d\n" % port)
        self.append("listen = http=127.0.0.2:%d\n" % port)
        r = self.check()
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_unresolvable_listener(self):
        line = self.append("listen = http=no-such-host.invalid:0\n")
        self.assert_both_fail(line, ["no-such-host.invalid"])

    def test_bad_groups_file_names_its_line(self):
        path = os.path.join(self.h.dir, "groups.conf")
        with open(path, "w") as f:
            f.write("support.ok open public Fine\nBad..Name open public x\n")
        line = self.append("groups_file = %s\n" % path)
        self.assert_both_fail(line, ["%s:2: invalid group name" % path])

    def test_missing_rooms_file(self):
        line = self.append("rooms_file = nowhere/rooms.conf\n")
        self.assert_both_fail(line, ["rooms_file", "nowhere/rooms.conf"])

    def test_state_dir_is_a_file(self):
        path = os.path.join(self.h.dir, "plain-file")
        open(path, "w").close()
        line = self.append("state_dir = %s\n" % path)
        self.assert_both_fail(line, ["not a directory"])

    def test_unknown_user(self):
        line = self.append("user = no-such-hearth-user\n")
        self.assert_both_fail(line, ["user no-such-hearth-user does not "
                                     "exist"])

    def test_several_problems_all_reported(self):
        a = self.append("tls_cert = /nonexistent/c.pem\n")
        b = self.append("crisis_phrases_file = /nonexistent/p.conf\n")
        r = self.check()
        self.assertEqual(r.returncode, 1)
        self.assertIn(":%d: " % a, r.stderr)
        self.assertIn(":%d: " % b, r.stderr)
        self.assertIn("2 problems", r.stderr)

    def test_shipped_config_passes(self):
        r = subprocess.run([HEARTHD, "--check-config", "-f",
                            os.path.join(SRCDIR, "etc", "hearthd.conf"),
                            "--state-dir", self.h.dir],
                           capture_output=True, text=True,
                           timeout=30 * SCALE)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
