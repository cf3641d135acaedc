"""Daemon habits (issue 19, issue 14 item 11): one hearthd per state
directory, held by a flock'ed pidfile; log = syslog | stderr | FILE."""

import os
import signal
import subprocess
import time
import unittest

from hearth_test import HEARTHD, SCALE, WRAPPER, Hearthd, LineClient


def wait_for(pred, what, timeout=10):
    deadline = time.time() + timeout * SCALE
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def slurp(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


class OneDaemonPerStateDir(unittest.TestCase):

    def setUp(self):
        self.h = Hearthd(protos=("nntp",)).start()

    def tearDown(self):
        self.h.stop()
        self.h.cleanup()

    def test_second_start_refused_and_first_keeps_its_socket(self):
        h = self.h
        pidfile = os.path.join(h.dir, "hearthd.pid")
        with open(pidfile) as f:
            self.assertEqual(int(f.read()), h.proc.pid)
        sock = os.path.join(h.dir, "hearthd.sock")
        before = os.stat(sock).st_ino
        # The same state directory with other ports: before the fix the
        # newcomer unlinked the live admin socket, then failed to bind.
        r = subprocess.run(
            WRAPPER + [HEARTHD, "-f", h.conf, "--foreground",
                       "--listen", "nntp=127.0.0.1:0"],
            capture_output=True, text=True, timeout=30 * SCALE)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("another hearthd (pid %d)" % h.proc.pid, r.stderr)
        self.assertIn(h.dir, r.stderr)
        # The first one's socket is the same file and still answers.
        self.assertEqual(os.stat(sock).st_ino, before)
        st = h.hearthmod("status")
        self.assertEqual(st.returncode, 0, st.stderr)
        self.assertIn("uptime", st.stdout)
        with open(pidfile) as f:
            self.assertEqual(int(f.read()), h.proc.pid)
        # And it still serves.
        c = LineClient(h.addr("nntp"))
        self.assertTrue(c.readline().startswith("20"))
        c.close()

    def test_pidfile_elsewhere_still_guards_the_state_dir(self):
        h = self.h
        other = os.path.join(h.dir, "other.pid")
        r = subprocess.run(
            WRAPPER + [HEARTHD, "-f", h.conf, "--foreground",
                       "--pidfile", other, "--listen", "nntp=127.0.0.1:0"],
            capture_output=True, text=True, timeout=30 * SCALE)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("another hearthd runs on the state directory",
                      r.stderr)
        self.assertEqual(h.hearthmod("status").returncode, 0)

    def test_pidfile_removed_on_clean_stop_and_restart_works(self):
        h = self.h
        pidfile = os.path.join(h.dir, "hearthd.pid")
        self.assertEqual(h.stop(), 0)
        self.assertFalse(os.path.exists(pidfile))
        h.start()
        with open(pidfile) as f:
            self.assertEqual(int(f.read()), h.proc.pid)

    def test_stale_pidfile_after_kill9_does_not_block(self):
        h = self.h
        pidfile = os.path.join(h.dir, "hearthd.pid")
        h.kill9()
        self.assertTrue(os.path.exists(pidfile))
        h.start()
        with open(pidfile) as f:
            self.assertEqual(int(f.read()), h.proc.pid)
        self.assertEqual(h.hearthmod("status").returncode, 0)


class Logging(unittest.TestCase):

    def tearDown(self):
        if getattr(self, "proc", None) is not None and \
                self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.h.cleanup()

    def test_log_file_detached_with_pidfile_and_reopen(self):
        self.h = h = Hearthd(protos=("nntp",),
                             extra_config="log = daemon.log\n")
        logfile = os.path.join(h.dir, "daemon.log")
        pidfile = os.path.join(h.dir, "run.pid")
        # Detached (no --foreground): the parent returns once ready.  Its
        # output goes to a file, not a pipe: under valgrind the detached
        # child keeps valgrind's copy of stderr open, and a pipe would
        # never reach end-of-file.
        errfile = os.path.join(h.dir, "parent.err")
        with open(errfile, "w") as err:
            r = subprocess.run(WRAPPER + [HEARTHD, "-f", h.conf,
                                          "--pidfile", pidfile],
                               stdout=err, stderr=err,
                               timeout=30 * SCALE)
        self.assertEqual(r.returncode, 0, slurp(errfile))
        self.assertEqual(slurp(errfile), "")
        # Written by the daemon before the parent returned.
        with open(pidfile) as f:
            pid = int(f.read())
        self.assertTrue(os.path.exists("/proc/%d" % pid))
        with open(logfile) as f:
            text = f.read()
        self.assertIn("ready state_dir=", text)
        self.assertIn("listening proto=nntp", text)
        # Threads do not survive the fork into the background: the
        # password-hashing workers must run in the daemon, so a sign-in
        # is answered (it used to wait for ever).
        h.add_account("detached", "detached-password-1")
        with open(os.path.join(h.dir, "ports")) as f:
            port = [int(l.split()[-1]) for l in f
                    if l.split()[0] == "nntp" and ":" not in l.split()[1]][0]
        c = LineClient(("127.0.0.1", port), timeout=10 * SCALE)
        self.assertTrue(c.readline().startswith("200 "))
        c.send("AUTHINFO USER detached")
        self.assertTrue(c.readline().startswith("381 "))
        c.send("AUTHINFO PASS detached-password-1")
        self.assertTrue(c.readline().startswith("281 "))
        c.close()
        # logrotate: move the file away, SIGHUP, new lines in a new file.
        os.rename(logfile, logfile + ".1")
        os.kill(pid, signal.SIGHUP)
        wait_for(lambda: "reloaded" in slurp(logfile), "reopened log")
        self.assertNotIn("reloaded", slurp(logfile + ".1"))
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: "hearthd stopped" in slurp(logfile), "last line")
        wait_for(lambda: not os.path.exists(pidfile), "pidfile removed")

    def test_log_file_unwritable_is_refused(self):
        self.h = h = Hearthd(protos=("nntp",),
                             extra_config="log = no/such/dir/x.log\n")
        r = subprocess.run(WRAPPER + [HEARTHD, "-f", h.conf,
                                      "--foreground"],
                           capture_output=True, text=True,
                           timeout=30 * SCALE)
        self.assertEqual(r.returncode, 1)
        self.assertIn("log file %s/no/such/dir/x.log" % h.dir, r.stderr)

    def test_log_stderr_needs_foreground(self):
        self.h = h = Hearthd(protos=("nntp",), extra_config="log = stderr\n")
        r = subprocess.run(WRAPPER + [HEARTHD, "-f", h.conf],
                           capture_output=True, text=True,
                           timeout=30 * SCALE)
        self.assertEqual(r.returncode, 1)
        self.assertIn("log = stderr needs --foreground", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(h.dir, "ports")))

    def test_syslog_unreachable_is_said(self):
        self.h = h = Hearthd(protos=("nntp",), extra_config="log = syslog\n")
        if os.path.exists("/dev/log"):
            self.skipTest("/dev/log exists here")
        r = subprocess.run(WRAPPER + [HEARTHD, "-f", h.conf,
                                      "--foreground"],
                           capture_output=True, text=True,
                           timeout=30 * SCALE)
        self.assertEqual(r.returncode, 1)
        self.assertIn("syslog is unreachable", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(h.dir, "ports")))


if __name__ == "__main__":
    unittest.main()
