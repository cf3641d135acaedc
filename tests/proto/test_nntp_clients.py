"""Real newsreaders against hearthd: tin (over NNTPS) and slrn (over
snews) run in a private tmux server, list the groups, read a thread and
post a follow-up that must then be served with the right References.

Skipped (not passed silently) when tin, slrn or tmux is missing."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from hearth_test import LineClient, SCALE, SRCDIR
from nntp_helpers import NNTPCase, NNTPClient, PASSWORD

ROOT_ID = "<root.1@example.org>"
ROOT_SUBJECT = "Walking again after a stroke"
ROOT_BODY = "I walked 100 metres today."
REPLY_LINE = "That is wonderful news, keep going!"

EDITOR = """#!/bin/sh
# The file to edit is the last argument (tin passes +LINE first).
for f; do :; done
printf '\\n%s\\n' >> "$f"
""" % REPLY_LINE


class Tmux:
    """One program in its own tmux server, read through capture-pane."""

    def __init__(self, name, argv, env, cwd):
        self.sock = "hearth-%s-%d" % (name, os.getpid())
        self.name = name
        cmd = " ".join("'%s'" % a for a in argv)
        envs = " ".join("'%s=%s'" % kv for kv in env.items())
        subprocess.run(["tmux", "-L", self.sock, "new-session", "-d", "-s",
                        name, "-x", "120", "-y", "40",
                        "cd '%s' && exec env -i %s %s" % (cwd, envs, cmd)],
                       check=True)

    def screen(self):
        r = subprocess.run(["tmux", "-L", self.sock, "capture-pane", "-p",
                            "-t", self.name], capture_output=True,
                           text=True)
        return r.stdout

    def wait(self, pattern, timeout=20):
        deadline = time.time() + timeout * SCALE
        while time.time() < deadline:
            s = self.screen()
            if re.search(pattern, s):
                return s
            time.sleep(0.1)
        raise AssertionError("%s: no %r on screen:\n%s" %
                             (self.name, pattern, self.screen()))

    def keys(self, *keys):
        subprocess.run(["tmux", "-L", self.sock, "send-keys", "-t",
                        self.name] + list(keys), check=True)

    def close(self):
        # slrn and tin ignore the SIGHUP of a closing pane and spin on the
        # dead terminal: kill the program itself, then the server.
        r = subprocess.run(["tmux", "-L", self.sock, "list-panes", "-a",
                            "-F", "#{pane_pid}"], capture_output=True,
                           text=True)
        for pid in r.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ValueError, ProcessLookupError):
                pass
        subprocess.run(["tmux", "-L", self.sock, "kill-server"],
                       capture_output=True)


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class RealClients(NNTPCase):

    def setUp(self):
        super().setUp()
        self.account("bob")
        self.account("alice")
        bob = self.client()
        self.assertTrue(bob.login("bob").startswith("281"))
        r340, r = bob.post([("From", "Bob <bob@example.org>"),
                            ("Newsgroups", "support.stroke"),
                            ("Subject", ROOT_SUBJECT),
                            ("Message-ID", ROOT_ID)], ROOT_BODY + "\n")
        self.assertTrue(r.startswith("240"), r)
        self.home = tempfile.mkdtemp(prefix="hearth-client-")
        self.editor = os.path.join(self.home, "editor.sh")
        with open(self.editor, "w") as f:
            f.write(EDITOR)
        os.chmod(self.editor, 0o755)
        self.app = None

    def tearDown(self):
        if self.app is not None:
            self.app.close()
        shutil.rmtree(self.home, ignore_errors=True)
        super().tearDown()

    def install(self, src, dst, *subst):
        """Copy clients/SRC to HOME/DST, replacing each (old, new)."""
        with open(os.path.join(SRCDIR, "clients", src)) as f:
            text = f.read()
        for old, new in subst:
            self.assertIn(old, text)
            text = text.replace(old, new)
        path = os.path.join(self.home, dst)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        return path

    def env(self):
        return {"HOME": self.home, "TERM": "xterm", "LANG": "C.UTF-8",
                "PATH": "/usr/bin:/bin", "EDITOR": self.editor,
                "VISUAL": self.editor}

    def follow_up(self, timeout=20):
        """Wait for alice's follow-up to be served; check it."""
        c = self.client()
        deadline = time.time() + timeout * SCALE
        while time.time() < deadline:
            if c.cmd("GROUP support.stroke").startswith("211 2 "):
                break
            time.sleep(0.2)
        else:
            self.fail("no follow-up arrived; screen:\n" + self.app.screen())
        r, head = c.multi("HEAD 2", "221")
        self.assertIn("References: " + ROOT_ID, head)
        self.assertIn("Subject: Re: " + ROOT_SUBJECT, head)
        self.assertTrue(any(h.startswith("From:") and "alice@example.org"
                            in h for h in head), head)
        # Message-ID and Date came from the server (slrn sends neither).
        self.assertTrue(any(h.startswith("Date:") for h in head), head)
        self.assertTrue(any(h.startswith("Message-ID: <") for h in head))
        r, body = c.multi("BODY 2", "222")
        self.assertIn(REPLY_LINE, body)
        self.assertTrue(any(ROOT_BODY in l for l in body), body)
        # The reader sees it in the thread: OVER carries the References.
        r, rows = c.multi("OVER 2", "224")
        self.assertEqual(rows[0].split("\t")[5], ROOT_ID)

    @unittest.skipUnless(shutil.which("tin"), "tin is not installed")
    def test_tin_reads_and_follows_up_over_nntps(self):
        # The shipped settings, with this test's names filled in.
        os.makedirs(os.path.join(self.home, ".tin"))
        self.install("tin/tinrc", ".tin/tinrc",
                     ("you@example.org", "alice@example.org"))
        auth = self.install("tin/newsauth", ".newsauth",
                            ("your password", PASSWORD),
                            ("yourname", "alice"))
        self.app = Tmux("tin", ["tin", "-T", "-k", "-g", "127.0.0.1", "-p",
                                str(self.h.port("nntps")), "-A", "-r"],
                        self.env(), self.home)
        screen = self.app.wait(r"Group Selection")
        self.assertIn("support.oncology", screen)
        self.assertNotIn("hearth.report", screen)
        m = re.search(r"^\s*(\d+)\s+\d*\s+support\.stroke\s", screen, re.M)
        self.assertTrue(m, screen)
        self.app.keys(m.group(1), "Enter")
        time.sleep(0.3)
        self.app.keys("Enter")
        self.app.wait(ROOT_SUBJECT)
        self.app.keys("Enter")
        self.app.wait(ROOT_BODY)
        # All headers ('*'): the article as served carries this site's
        # Xref (as from INN's reader); '*' again goes back.
        self.app.keys("*")
        self.app.wait(r"Xref: hearth\.test support\.stroke:1")
        self.app.keys("*")
        self.app.keys("f")
        self.app.wait(r"p=post")
        self.app.keys("p")
        self.app.wait(r"Article posted")
        self.follow_up()
        log = self.h.log()
        self.assertIn("login account=alice", log)
        self.assertNotIn(PASSWORD, log)

    @unittest.skipUnless(shutil.which("slrn"), "slrn is not installed")
    def test_slrn_reads_and_follows_up_over_snews(self):
        server = "snews://127.0.0.1:%d" % self.h.port("nntps")
        rc = self.install("slrn/slrnrc", ".slrnrc",
                          ("snews://127.0.0.1:1563", server),
                          ('"yourname" ""', '"alice" "%s"' % PASSWORD),
                          ('"you"', '"alice"'))
        with open(rc, "a") as f:
            f.write('set confirm_actions 0\n'
                    'set editor_command "%s %%s"\n' % self.editor)
        self.app = Tmux("slrn", ["slrn", "-h", server, "--create", "-f",
                                 os.path.join(self.home, "newsrc")],
                        self.env(), self.home)
        screen = self.app.wait(r"support\.stroke")
        self.assertIn("support.oncology", screen)
        self.app.keys("/")
        time.sleep(0.3)
        self.app.keys("support.stroke", "Enter")
        time.sleep(0.3)
        self.app.keys(" ")
        self.app.wait(ROOT_SUBJECT)
        self.app.keys(" ")
        self.app.wait(ROOT_BODY)
        self.app.keys("f")
        self.app.wait(r"Post the message\?")
        self.app.keys("y")
        self.follow_up()


if __name__ == "__main__":
    unittest.main(verbosity=2)
