"""The shipped client settings in Russian (issue 15, item 6): tin and
slrn, driven in tmux with the files from clients/, post a story with a
Cyrillic real name, subject and body and read it back; another member
with a raw NNTP client sees the same words and so does the Atom feed.
irssi starts with clients/irssi/config without asking to remove unknown
settings and sends and receives a Cyrillic line; WeeChat with the
commands of clients/weechat/hearth.txt does the same.

Skipped (not passed silently) when a client or tmux is missing."""

import email.header
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from hearth_test import SCALE, SRCDIR
from irc_helpers import IrcCase, parse
from news_case import ATOM, NewsCase
from nntp_helpers import PASSWORD

NAME = "Мария Иванова"
SUBJECT = "Первая химия позади"
BODY = "Спасибо всем, кто поддерживал. Держимся!"
LINE = "Привет всем, я Маша"

EDITOR = """#!/bin/sh
# The file to edit is the last argument (tin passes +LINE first).
for f; do :; done
printf '\\n%s\\n' >> "$f"
""" % BODY


class Tmux:
    """One program in its own tmux server (UTF-8 forced with -u), read
    through capture-pane."""

    def __init__(self, name, argv, env, cwd):
        self.sock = "hearth-ru-%s-%d" % (name, os.getpid())
        self.name = name
        cmd = " ".join("'%s'" % a for a in argv)
        envs = " ".join("'%s=%s'" % kv for kv in env.items())
        subprocess.run(["tmux", "-u", "-L", self.sock, "new-session", "-d",
                        "-s", name, "-x", "150", "-y", "45",
                        "cd '%s' && exec env -i %s %s" % (cwd, envs, cmd)],
                       check=True, env=dict(os.environ, LANG="C.UTF-8"))

    def screen(self):
        r = subprocess.run(["tmux", "-u", "-L", self.sock, "capture-pane",
                            "-p", "-t", self.name], capture_output=True,
                           env=dict(os.environ, LANG="C.UTF-8"))
        return r.stdout.decode("utf-8", "replace")

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
        subprocess.run(["tmux", "-u", "-L", self.sock, "send-keys", "-t",
                        self.name] + list(keys), check=True)

    def text(self, s):
        subprocess.run(["tmux", "-u", "-L", self.sock, "send-keys", "-t",
                        self.name, "-l", s], check=True)

    def close(self):
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


def decoded(value):
    return str(email.header.make_header(email.header.decode_header(value)))


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class Newsreaders(NewsCase):

    def setUp(self):
        super().setUp()
        self.account("alice")
        self.home = tempfile.mkdtemp(prefix="hearth-ru-")
        self.editor = os.path.join(self.home, "editor.sh")
        with open(self.editor, "w") as f:
            f.write(EDITOR)
        os.chmod(self.editor, 0o755)
        self.apps = []

    def tearDown(self):
        for app in self.apps:
            app.close()
        shutil.rmtree(self.home, ignore_errors=True)
        super().tearDown()

    def start(self, name, argv):
        app = Tmux(name, argv, self.env(), self.home)
        self.apps.append(app)
        return app

    def install(self, src, dst, *subst):
        """Copy clients/SRC to HOME/DST, replacing each (old, new)."""
        with open(os.path.join(SRCDIR, "clients", src),
                  encoding="utf-8") as f:
            text = f.read()
        for old, new in subst:
            self.assertIn(old, text)
            text = text.replace(old, new)
        path = os.path.join(self.home, dst)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o600)
        return path

    def env(self):
        return {"HOME": self.home, "TERM": "xterm", "LANG": "C.UTF-8",
                "PATH": "/usr/bin:/bin", "EDITOR": self.editor,
                "VISUAL": self.editor}

    def posted(self, timeout=20):
        """The story as another member reads it: words, not bytes."""
        bob = self.member("bob")
        deadline = time.time() + timeout * SCALE
        while time.time() < deadline:
            if bob.cmd("GROUP support.stroke").startswith("211 1 "):
                break
            time.sleep(0.2)
        else:
            self.fail("nothing was posted; screen:\n" +
                      self.apps[-1].screen())
        bob.lc.send("ARTICLE 1")
        self.assertTrue(bob.lc.readline().startswith("220"))
        raw = bob.raw_multi()
        head, body = raw.split(b"\r\n\r\n", 1)
        # Headers are ASCII (RFC 2047 words) or UTF-8.
        lines = head.decode("utf-8").replace("\r", "").split("\n")
        hdr = {}
        for l in lines:
            if l[:1] in (" ", "\t"):
                hdr[last] += l
            else:
                last, v = l.split(":", 1)
                last = last.lower()
                hdr[last] = v.strip()
        self.assertEqual(decoded(hdr["subject"]), SUBJECT)
        self.assertIn(NAME, decoded(hdr["from"]))
        ctype = hdr.get("content-type", "")
        m = re.search(r'charset="?([^";\s]+)', ctype, re.I)
        text = body.decode(m.group(1) if m else "utf-8")
        self.assertIn(BODY, text)
        self.assertNotIn("?????", text + decoded(hdr["subject"]))
        # The feed shows the same words.
        root = self.feed("/feeds/groups/support.stroke.atom")
        e = root.find(ATOM + "entry")
        self.assertEqual(e.find(ATOM + "title").text, SUBJECT)
        self.assertIn(BODY, e.find(ATOM + "content").text)
        return hdr

    @unittest.skipUnless(shutil.which("tin"), "tin is not installed")
    def test_tin_posts_and_reads_russian(self):
        self.install("tin/tinrc", ".tin/tinrc", ("Your Name <you@example.org>",
                                                 NAME + " <alice@example.org>"))
        self.install("tin/attributes", ".tin/attributes")
        self.install("tin/newsauth", ".newsauth", ("your password", PASSWORD),
                     ("yourname", "alice"))
        argv = ["tin", "-T", "-k", "-g", "127.0.0.1", "-p",
                str(self.h.port("nntps")), "-A", "-r", "support.stroke"]
        app = self.start("tin", argv)
        app.wait(r"support\.stroke")
        app.keys("w")
        app.wait(r"[Ss]ubject")
        app.text(SUBJECT)
        app.keys("Enter")
        app.wait(r"p\)ost|p=post|\bpost\b")
        app.keys("p")
        app.wait(r"Article posted|posted")
        hdr = self.posted()
        self.assertIn("UTF-8", hdr.get("content-type", "UTF-8").upper())
        # Read back in a new tin.
        app.close()
        app = self.start("tin2", argv)
        app.wait(SUBJECT)
        app.keys("Enter")
        app.wait(BODY)
        self.assertIn(NAME, app.screen())

    @unittest.skipUnless(shutil.which("slrn"), "slrn is not installed")
    def test_slrn_posts_and_reads_russian(self):
        server = "snews://127.0.0.1:%d" % self.h.port("nntps")
        rc = self.install("slrn/slrnrc", ".slrnrc",
                          ("snews://127.0.0.1:1563", server),
                          ('"yourname" ""', '"alice" "%s"' % PASSWORD),
                          ('"you"', '"alice"'),
                          ('realname "Your Name"', 'realname "%s"' % NAME))
        with open(rc, "a") as f:
            f.write('set confirm_actions 0\n'
                    'set editor_command "%s %%s"\n' % self.editor)
        argv = ["slrn", "-h", server, "--create", "-f",
                os.path.join(self.home, "newsrc")]
        app = self.start("slrn", argv)
        app.wait(r"support\.stroke")
        app.keys("/")
        time.sleep(0.3)
        app.keys("support.stroke", "Enter")
        time.sleep(0.3)
        # The group is empty: post from the group list.
        app.keys("P")
        app.wait(r"Newsgroup: support\.stroke")
        app.keys("Enter")
        app.wait(r"[Ss]ubject")
        app.text(SUBJECT)
        app.keys("Enter")
        app.wait(r"Post the message\?")
        app.keys("y")
        self.posted()
        # Read it back: fetch new news, enter the group, open it.
        app.keys("G")
        app.wait(r"1\s+support\.stroke")
        app.keys("/")
        time.sleep(0.3)
        app.keys("support.stroke", "Enter")
        time.sleep(0.3)
        app.keys(" ")
        app.wait(SUBJECT)
        app.keys(" ")
        app.wait(BODY)
        self.assertIn(NAME, app.screen())


class Announcements(Newsreaders):
    """The server's own article (an event announcement, its Subject in
    RFC 2047 words, folded) read by tin and slrn as words."""

    TITLE = "Школа пациента: усталость после химии"

    def setUp(self):
        super().setUp()
        r = self.mod("event", "add", "--title", self.TITLE, "--starts",
                     "2031-02-03T17:00Z", "--duration", "1h", "--room",
                     "#patient-school", "--group", "support.ms")
        self.assertEqual(r.returncode, 0, r.stderr)

    # Only the announcement tests run here, not the posting ones.
    test_tin_posts_and_reads_russian = None
    test_slrn_posts_and_reads_russian = None

    @unittest.skipUnless(shutil.which("tin"), "tin is not installed")
    def test_tin_reads_the_announcement(self):
        self.install("tin/tinrc", ".tin/tinrc")
        self.install("tin/attributes", ".tin/attributes")
        self.install("tin/newsauth", ".newsauth", ("your password", PASSWORD),
                     ("yourname", "alice"))
        app = self.start("tin", ["tin", "-T", "-k", "-g", "127.0.0.1", "-p",
                                 str(self.h.port("nntps")), "-A", "-r",
                                 "hearth.announce"])
        app.wait(self.TITLE)
        app.keys("Enter")
        app.wait("#patient-school")
        self.assertIn(self.TITLE, app.screen())
        self.assertNotIn("=?UTF-8?", app.screen())

    @unittest.skipUnless(shutil.which("slrn"), "slrn is not installed")
    def test_slrn_reads_the_announcement(self):
        server = "snews://127.0.0.1:%d" % self.h.port("nntps")
        self.install("slrn/slrnrc", ".slrnrc",
                     ("snews://127.0.0.1:1563", server),
                     ('"yourname" ""', '"alice" "%s"' % PASSWORD))
        app = self.start("slrn", ["slrn", "-h", server, "--create", "-f",
                                  os.path.join(self.home, "newsrc")])
        app.wait(r"hearth\.announce")
        app.keys("/")
        time.sleep(0.3)
        app.keys("hearth.announce", "Enter")
        time.sleep(0.3)
        app.keys(" ")
        app.wait(self.TITLE)
        app.keys(" ")
        app.wait("#patient-school")
        self.assertNotIn("=?UTF-8?", app.screen())


ROOM = "#newly-diagnosed-oncology"


def read_logs(top):
    out = []
    for dirpath, _, files in os.walk(top):
        for f in files:
            try:
                with open(os.path.join(dirpath, f), encoding="utf-8",
                          errors="replace") as fh:
                    out.append(fh.read())
            except OSError:
                pass
    return "\n".join(out)


def wait_for(pred, timeout=20, what="condition"):
    deadline = time.time() + timeout * SCALE
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class IrcClients(IrcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("masha", "masha-password-1")
        cls.h.add_account("dasha", "dasha-password-1")

    def shipped(self, src, *subst):
        with open(os.path.join(SRCDIR, "clients", src),
                  encoding="utf-8") as f:
            text = f.read()
        for old, new in subst:
            self.assertIn(old, text)
            text = text.replace(old, new)
        return text

    def observer(self, nick):
        c = self.client(nick, caps=("extended-join",))
        c.cmd("JOIN " + ROOM)
        c.lc.sock.settimeout(20 * SCALE)
        return c

    def flow(self, obs, nick, realname, said, send, client_text,
             show=None, joined=None):
        """The client joined (with its Cyrillic real name), says SAID,
        and shows what the observer says."""
        line = obs.until(lambda l: " JOIN %s" % ROOM in l and
                         l.startswith(":" + nick + "!"))[-1]
        self.assertEqual(parse(line)[3][-1], realname)
        if joined is not None:
            joined()
        send("/msg %s %s" % (ROOM, said))
        line = obs.until(lambda l: "PRIVMSG %s :" % ROOM in l and
                         l.startswith(":" + nick + "!"))[-1]
        self.assertEqual(parse(line)[3][1], said)
        reply = "Добро пожаловать, " + nick
        obs.cmd("PRIVMSG %s :%s" % (ROOM, reply))
        if show is not None:
            show()
        wait_for(lambda: reply in client_text(), what="the reply shown")
        self.assertNotIn("\ufffd", client_text())

    @unittest.skipUnless(shutil.which("irssi") and shutil.which("tmux"),
                         "irssi or tmux not installed")
    def test_irssi_starts_without_prompt_and_speaks_russian(self):
        obs = self.observer("watcher1")
        home = tempfile.mkdtemp(prefix="hearth-irssi-ru-")
        try:
            cfg = self.shipped("irssi/config",
                               ('port = "6697"',
                                'port = "%d"' % self.h.port("ircs")),
                               ('sasl_username = "YOUR_ACCOUNT"',
                                'sasl_username = "masha"'),
                               ('sasl_password = "YOUR_PASSWORD"',
                                'sasl_password = "masha-password-1"'),
                               ('nick = "YOUR_ACCOUNT"', 'nick = "masha"'),
                               ('real_name = "Hearth member"',
                                'real_name = "%s"' % NAME))
            with open(os.path.join(home, "config"), "w",
                      encoding="utf-8") as f:
                f.write(cfg)
            app = Tmux("irssi", ["irssi", "--home=" + home],
                       {"HOME": home, "TERM": "tmux", "LANG": "C.UTF-8",
                        "PATH": "/usr/bin:/bin"}, home)
            try:
                def send(cmd):
                    app.text(cmd)
                    app.keys("Enter")
                def started():
                    # The prompt waits on the bottom line for a key, and
                    # the warning is in the status window (window 1).
                    time.sleep(0.5)
                    self.assertNotIn("Remove unknown settings",
                                     app.screen())
                    send("/window 1")
                    time.sleep(0.5)
                    screen = app.screen()
                    self.assertIn("Irssi v", screen)
                    self.assertNotIn("Unknown settings", screen)
                self.flow(obs, "masha", NAME, LINE, send, app.screen,
                          show=lambda: send("/window goto " + ROOM),
                          joined=started)
            finally:
                app.close()
        finally:
            shutil.rmtree(home, ignore_errors=True)

    @unittest.skipUnless(shutil.which("weechat-headless"),
                         "weechat-headless not installed")
    def test_weechat_speaks_russian(self):
        obs = self.observer("watcher2")
        home = tempfile.mkdtemp(prefix="hearth-weechat-ru-")
        fifo = os.path.join(home, "fifo")
        logs = os.path.join(home, "logs")
        text = self.shipped("weechat/hearth.txt",
                            ("127.0.0.1/6697",
                             "127.0.0.1/%d" % self.h.port("ircs")),
                            ("sasl_username YOUR_ACCOUNT",
                             "sasl_username dasha"),
                            ("sasl_password YOUR_PASSWORD",
                             "sasl_password dasha-password-1"),
                            ("nicks YOUR_ACCOUNT", "nicks dasha"),
                            ('realname "Hearth member"',
                             'realname "%s"' % NAME))
        cmds = ["/set fifo.file.path %s" % fifo,
                "/set fifo.file.enabled on",
                "/set logger.file.path %s" % logs,
                "/set logger.file.auto_log on",
                "/set logger.file.flush_delay 0",
                "/set irc.server_default.autoreconnect off"]
        cmds += [l for l in text.splitlines()
                 if l.startswith("/")]
        p = subprocess.Popen(["weechat-headless", "--dir", home,
                              "--run-command", ";".join(cmds)],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             env=dict(os.environ, LANG="C.UTF-8"))
        try:
            wait_for(lambda: os.path.exists(fifo), what="weechat fifo")

            def send(cmd):
                with open(fifo, "w") as f:
                    f.write("irc.server.hearth *%s\n" % cmd)
            self.flow(obs, "dasha", NAME, LINE + "!", send,
                      lambda: read_logs(logs))
            with open(fifo, "w") as f:
                f.write("*/quit\n")
            p.wait(20)
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(10)
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
