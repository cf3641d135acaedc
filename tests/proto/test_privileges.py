"""Process hygiene: hearthd started as root binds (a privileged port
too), then runs as `user = nobody`, with a private state directory, no
core dumps and not dumpable.

CI runs the suite as root, and this is the only way to test the drop, so
the test fails (it does not skip) when it is not run as root.
"""

import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from hearth_test import (BAD_LOG_MARKERS, HEARTHD, SCALE, SRCDIR, WRAPPER,
                         Hearthd, LineClient)

NOBODY = pwd.getpwnam("nobody")


def free_privileged_port():
    """A TCP port below 1024 that is free on 127.0.0.1."""
    for port in range(990, 600, -1):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise AssertionError("no free port below 1024 on 127.0.0.1")


def proc_status(pid):
    """/proc/PID/status as a dict of field -> list of words."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return out


class PrivilegeDrop(unittest.TestCase):

    def setUp(self):
        self.assertEqual(os.geteuid(), 0,
                         "test_privileges.py must run as root (CI does): "
                         "it checks that hearthd drops root")
        self.port = free_privileged_port()
        self.h = Hearthd("user = nobody\n"
                         "listen = nntp=127.0.0.1:%d\n" % self.port,
                         protos=("nntps", "ircs"))
        self.h.start()
        # The ports file is written while still root; wait for the log
        # line that follows the drop.
        deadline = time.time() + 10 * SCALE
        while "ready state_dir=" not in self.h.log():
            self.assertLess(time.time(), deadline, self.h.log())
            time.sleep(0.05)
        self.pid = self.h.proc.pid
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()
        rc = self.h.stop()
        log = self.h.log()
        for marker in BAD_LOG_MARKERS:
            self.assertNotIn(marker, log, "hearthd log:\n" + log[-4000:])
        self.assertEqual(rc, 0, log[-4000:])

    def mode(self, name):
        st = os.lstat(os.path.join(self.h.dir, name))
        return st, stat.S_IMODE(st.st_mode)

    def test_uid_gid_groups_and_capabilities_dropped(self):
        self.assertIn("dropped privileges to user=nobody", self.h.log())
        st = proc_status(self.pid)
        # Real, effective, saved and filesystem ids all changed.
        self.assertEqual(st["Uid"], [str(NOBODY.pw_uid)] * 4, st["Uid"])
        self.assertEqual(st["Gid"], [str(NOBODY.pw_gid)] * 4, st["Gid"])
        self.assertNotIn("0", st.get("Groups", []))
        for cap in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
            self.assertEqual(int(st[cap][0], 16), 0, "%s %s" % (cap, st[cap]))

    def test_privileged_port_bound_and_serving(self):
        c = LineClient(("127.0.0.1", self.port))
        self.clients.append(c)
        self.assertTrue(c.readline().startswith("200 "))
        c = LineClient(self.h.addr("nntps"), tls=True)
        self.clients.append(c)
        self.assertTrue(c.readline().startswith("200 "))
        # The database stays writable after the drop.
        self.h.add_account("dropcheck", "a long enough password 1")
        r = self.h.hearthmod("account", "list")
        self.assertIn("dropcheck", r.stdout)

    def test_sighup_after_drop(self):
        # Reload re-reads config and certificate as nobody.
        self.h.signal(1)
        time.sleep(0.5 * SCALE)
        self.assertIsNone(self.h.proc.poll(), self.h.log())
        c = LineClient(self.h.addr("ircs"), tls=True)
        self.clients.append(c)
        c.send("NICK hup")
        c.send("USER hup 0 * :h")
        c.read_until(lambda l: " 001 " in l)

    def test_state_file_modes(self):
        expect = {
            "": (stat.S_ISDIR, 0o700),
            "hearth.db": (stat.S_ISREG, 0o600),
            "hearthd.sock": (stat.S_ISSOCK, 0o660),
            "tls": (stat.S_ISDIR, 0o700),
            "tls/key.pem": (stat.S_ISREG, 0o600),
        }
        for name in ("hearth.db-wal", "hearth.db-shm"):
            if os.path.exists(os.path.join(self.h.dir, name)):
                expect[name] = (stat.S_ISREG, 0o600)
        for name, (kind, want) in expect.items():
            st, m = self.mode(name)
            self.assertTrue(kind(st.st_mode), name or "state dir")
            self.assertEqual(oct(m), oct(want), name or "state dir")
            self.assertEqual(st.st_uid, NOBODY.pw_uid,
                             "%s owner" % (name or "state dir"))

    def test_no_core_and_not_dumpable(self):
        with open("/proc/%d/limits" % self.pid) as f:
            limits = f.read()
        line = [l for l in limits.splitlines()
                if l.startswith("Max core file size")]
        self.assertEqual(line[0].split()[4:6], ["0", "0"], line)
        # A process that is not dumpable has its /proc files owned by
        # root instead of its own uid (proc(5), PR_SET_DUMPABLE).
        st = os.stat("/proc/%d/status" % self.pid)
        self.assertEqual(st.st_uid, 0)
        self.assertEqual(proc_status(self.pid)["Uid"][1],
                         str(NOBODY.pw_uid))


def core_pattern():
    with open("/proc/sys/kernel/core_pattern") as f:
        return f.read().strip()


def become_nobody_with_cores():
    """preexec_fn: core files allowed (unlimited), then run as nobody."""
    import resource
    # A shell without job control starts background jobs with SIGQUIT
    # ignored, and that is inherited: give it back its default action.
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,
                                              resource.RLIM_INFINITY))
    os.setgroups([])
    os.setgid(NOBODY.pw_gid)
    os.setuid(NOBODY.pw_uid)


class CoreDumps(unittest.TestCase):
    """Core dumps are off however hearthd is started: here by a user who
    allows them (RLIMIT_CORE unlimited) and without root, so no privilege
    drop resets anything.  A SIGQUIT (whose default action dumps core)
    must leave no core; the same signal to a control process started the
    same way must dump one, or the check would prove nothing."""

    def setUp(self):
        self.assertEqual(os.geteuid(), 0, "must run as root (CI does)")
        self.h = Hearthd("", protos=("nntp",))
        # nobody may not reach the build tree (a clone in /root, as on a
        # fresh machine): run copies of hearthd and its seed files.
        self.bin = tempfile.mkdtemp(prefix="hearth-core-bin-")
        os.chmod(self.bin, 0o755)
        self.hearthd = os.path.join(self.bin, "hearthd")
        shutil.copy(HEARTHD, self.hearthd)
        conf = open(self.h.conf).read()
        for f in ("groups.conf", "rooms.conf"):
            shutil.copy(os.path.join(SRCDIR, "etc", f), self.bin)
            conf = conf.replace("%s/etc/%s" % (SRCDIR, f),
                                os.path.join(self.bin, f))
        self.h.write_config(conf)
        os.chown(self.h.dir, NOBODY.pw_uid, NOBODY.pw_gid)
        os.chown(self.h.conf, NOBODY.pw_uid, NOBODY.pw_gid)
        self.cwd = tempfile.mkdtemp(prefix="hearth-core-")
        os.chmod(self.cwd, 0o777)

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.cwd, self.bin])
        self.h.cleanup()

    def run_and_quit(self, argv, ready):
        logf = open(self.h.log_path, "ab")
        p = subprocess.Popen(argv, cwd=self.cwd, stdout=logf,
                             stderr=subprocess.STDOUT,
                             preexec_fn=become_nobody_with_cores)
        logf.close()
        deadline = time.time() + 10 * SCALE
        while not ready():
            self.assertIsNone(p.poll(), self.h.log()[-2000:])
            self.assertLess(time.time(), deadline, self.h.log()[-2000:])
            time.sleep(0.05)
        with open("/proc/%d/limits" % p.pid) as f:
            core = [l for l in f.read().splitlines()
                    if l.startswith("Max core file size")][0].split()[4:6]
        owner = os.stat("/proc/%d/status" % p.pid).st_uid
        os.kill(p.pid, signal.SIGQUIT)
        _, status = os.waitpid(p.pid, 0)
        p.returncode = 0    # reaped here; keep Popen from waiting again
        cores = [f for f in os.listdir(self.cwd) if "core" in f]
        return core, owner, status, cores

    def test_no_core_dump_when_the_caller_allows_them(self):
        # The control: a plain process under the same limits dumps core.
        _, owner, status, cores = self.run_and_quit(
            ["sleep", "30"], lambda: True)
        self.assertTrue(os.WIFSIGNALED(status))
        self.assertTrue(os.WCOREDUMP(status) or cores,
                        "this system writes no core for a plain process "
                        "either (core_pattern %r): the check would prove "
                        "nothing" % core_pattern())
        self.assertEqual(owner, NOBODY.pw_uid)
        for f in cores:
            os.unlink(os.path.join(self.cwd, f))
        ports = os.path.join(self.h.dir, "ports")
        core, owner, status, cores = self.run_and_quit(
            WRAPPER + [self.hearthd, "-f", self.h.conf, "--foreground"],
            lambda: os.path.exists(ports))
        self.assertEqual(core, ["0", "0"], "RLIMIT_CORE soft and hard")
        # Not dumpable: /proc/PID files belong to root (proc(5)).
        self.assertEqual(owner, 0, "hearthd is dumpable")
        self.assertTrue(os.WIFSIGNALED(status), status)
        self.assertEqual(os.WTERMSIG(status), signal.SIGQUIT)
        self.assertFalse(os.WCOREDUMP(status), "hearthd dumped core")
        self.assertEqual(cores, [])
        self.assertNotIn("AddressSanitizer", self.h.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
