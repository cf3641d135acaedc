"""Real IRC clients against hearthd over TLS: Debian's irssi (driven in
tmux) and weechat-headless (driven through its FIFO).  Each one logs in
with SASL PLAIN, joins a room, sees the history replayed on join, sends,
receives and parts; a protocol-level observer in the room checks what
the server saw.  Skipped when the clients are not installed."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from irc_helpers import IrcCase, parse

ROOM = "#newly-diagnosed-oncology"
HAVE_IRSSI = shutil.which("irssi") and shutil.which("tmux")
HAVE_WEECHAT = shutil.which("weechat-headless")


def wait_for(pred, timeout=20, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def read_logs(top):
    out = []
    for dirpath, _, files in os.walk(top):
        for f in files:
            try:
                with open(os.path.join(dirpath, f), errors="replace") as fh:
                    out.append(fh.read())
            except OSError:
                pass
    return "\n".join(out)


class RealClients(IrcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h.add_account("irssiacct", "irssi-password-1")
        cls.h.add_account("weeacct", "weechat-password-1")

    def observer(self, nick):
        c = self.client(nick, caps=("extended-join", "account-tag"))
        c.cmd("JOIN " + ROOM)
        return c

    def seen(self, obs, pred, what):
        """Read the observer until PRED(line); returns the line."""
        obs.lc.sock.settimeout(20)
        return obs.until(pred, limit=500)[-1]

    def common_flow(self, obs, nick, account, send, log_text, said, ready):
        """The checks shared by both clients once they started."""
        # MONITOR tells when the server registered the client; READY
        # when the client itself has seen the end of the MOTD.
        obs.send("MONITOR + " + nick)
        self.seen(obs, lambda l: " 730 " in l, "client online")
        wait_for(ready, what="the client to finish registering")
        send("/join " + ROOM)
        line = self.seen(obs, lambda l: " JOIN %s" % ROOM in l and
                         (parse(l)[1] or "").startswith(nick + "!"), "join")
        tags, src, _, params = parse(line)
        self.assertEqual(params[1], account)
        self.assertTrue(src.endswith("@member/" + account), src)
        # History said before it joined was replayed to it.
        wait_for(lambda: "before you joined" in log_text() and
                 "earlier words for newcomers" in log_text(), what=
                 "replayed history in the client's log")
        # It sends; the room gets it.
        send("/msg %s %s" % (ROOM, said))
        line = self.seen(obs, lambda l: "PRIVMSG %s :%s" % (ROOM, said) in l,
                         "message")
        self.assertEqual(parse(line)[0].get("account"), account)
        # It receives.
        obs.cmd("PRIVMSG %s :welcome, %s" % (ROOM, nick))
        wait_for(lambda: "welcome, " + nick in log_text(),
                 what="the observer's message in the client's log")
        send("/part %s" % ROOM)
        self.seen(obs, lambda l: (parse(l)[1] or "").startswith(nick + "!")
                  and " PART %s" % ROOM in l, "part")

    @unittest.skipUnless(HAVE_IRSSI, "irssi or tmux not installed")
    def test_irssi(self):
        obs = self.observer("watcher1")
        obs.cmd("PRIVMSG %s :earlier words for newcomers" % ROOM)
        home = tempfile.mkdtemp(prefix="hearth-irssi-")
        logs = os.path.join(home, "logs")
        with open(os.path.join(home, "config"), "w") as f:
            f.write("""servers = (
  { address = "127.0.0.1"; chatnet = "hearth"; port = "%d";
    use_tls = "yes"; tls_verify = "no"; autoconnect = "yes"; }
);
chatnets = {
  hearth = { type = "IRC"; sasl_mechanism = "PLAIN";
    sasl_username = "irssiacct"; sasl_password = "irssi-password-1"; };
};
settings = {
  core = { real_name = "Irssi Test"; user_name = "irssi";
    nick = "irssinick"; };
  "fe-common/core" = { autolog = "yes";
    autolog_path = "%s/$tag/$0.log"; autolog_level = "all"; };
};
""" % (self.h.port("ircs"), logs))
        sock = os.path.join(home, "tmux.sock")
        env = dict(os.environ, TERM="xterm", LANG="C.UTF-8")
        subprocess.run(["tmux", "-S", sock, "new-session", "-d", "-x", "200",
                        "-y", "50", "irssi --home=%s" % home], check=True,
                       env=env)
        try:
            def send(cmd):
                subprocess.run(["tmux", "-S", sock, "send-keys", "-l", cmd],
                               check=True)
                subprocess.run(["tmux", "-S", sock, "send-keys", "Enter"],
                               check=True)
            def ready():
                return "End of /MOTD" in subprocess.run(
                    ["tmux", "-S", sock, "capture-pane", "-p", "-S", "-100"],
                    capture_output=True, text=True).stdout
            self.common_flow(obs, "irssinick", "irssiacct", send,
                             lambda: read_logs(logs), "hello from irssi",
                             ready)
            # irssi has no chathistory or batch: it got NOTICEs.
            self.assertIn("[", read_logs(logs))
            send("/quit bye")
            self.seen(obs, lambda l: " 731 " in l, "irssi offline")
        finally:
            subprocess.run(["tmux", "-S", sock, "kill-server"],
                           capture_output=True)

    @unittest.skipUnless(HAVE_WEECHAT, "weechat-headless not installed")
    def test_weechat(self):
        obs = self.observer("watcher2")
        obs.cmd("PRIVMSG %s :earlier words for newcomers" % ROOM)
        home = tempfile.mkdtemp(prefix="hearth-weechat-")
        fifo = os.path.join(home, "fifo")
        srv = "irc.server.hearth."
        cmds = [
            "/set fifo.file.path %s" % fifo,
            "/set fifo.file.enabled on",
            "/set logger.file.path %s/logs" % home,
            "/set logger.file.auto_log on",
            "/set logger.file.flush_delay 0",
            "/server add hearth 127.0.0.1/%d" % self.h.port("ircs"),
            "/set %sssl on" % srv,
            "/set %sssl_verify off" % srv,
            "/set %ssasl_mechanism plain" % srv,
            "/set %ssasl_username weeacct" % srv,
            "/set %ssasl_password weechat-password-1" % srv,
            "/set %ssasl_fail disconnect" % srv,
            "/set %snicks weenick" % srv,
            "/set %susername weechat" % srv,
            "/set %srealname WeeChat Test" % srv,
            "/set irc.server_default.autoreconnect off",
            "/connect hearth",
        ]
        env = dict(os.environ, LANG="C.UTF-8")
        p = subprocess.Popen(["weechat-headless", "--dir", home,
                              "--run-command", ";".join(cmds)],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
        try:
            wait_for(lambda: os.path.exists(fifo), what="weechat fifo")

            def send(cmd):
                with open(fifo, "w") as f:
                    f.write("irc.server.hearth *%s\n" % cmd)
            logs = os.path.join(home, "logs")
            self.common_flow(obs, "weenick", "weeacct", send,
                             lambda: read_logs(logs), "hello from weechat",
                             lambda: "End of /MOTD" in read_logs(logs))
            with open(fifo, "w") as f:
                f.write("*/quit\n")
            p.wait(20)
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(10)


if __name__ == "__main__":
    unittest.main(verbosity=2)
