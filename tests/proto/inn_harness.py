"""A private INN 2.7 (Debian's inn2) for tests and the benchmark.

Debian's inn2 is used as installed (/usr/lib/news/bin), but nothing of
the system's news server is touched: every path INN writes to (pathdb,
pathspool, patharticles, pathoverview, pathrun, pathlog, pathtmp,
pathhttp, ...) lives in a fresh temporary pathnews tree owned by news,
and innd listens on its own free port on 127.0.0.1.  INNCONF points
every INN program at the generated inn.conf.  No system service is
started or stopped; innd runs as news (it refuses any other user), in
the foreground (-f), as a child of the test.

What a caller sets before start(): the groups (active, with their
flags: "y" open, "m" moderated), the path identity (pathhost), changes
to inn.conf, and the files that say who INN talks to: incoming.conf
(peers that feed it, by address), readers.conf (everyone else gets
nnrpd), newsfeeds (whom it feeds) and innfeed.conf (how).  Used by
tests/proto/test_inn_peer.py and tests/bench/inn_server.py.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time

# Debian's inn2 as installed, or its packages unpacked (dpkg-deb -x) into
# HEARTH_INN_ROOT: ./quickstart test does that when inn2 is not
# installed, so no system innd is set up or started for the tests.
INNROOT = os.environ.get("HEARTH_INN_ROOT", "/")
INNBIN = os.path.join(INNROOT, "usr/lib/news/bin")
SYSCONF = os.path.join(INNROOT, "etc/news")

# What every private INN changes in Debian's inn.conf, and why.
BASE_CONF = [
    ("port", "{port}", "its own free port"),
    ("bindaddress", "127.0.0.1", "loopback only"),
    ("domain", "inn.test", "the host has no domain"),
    ("fromhost", "inn.test", ""),
    ("server", "127.0.0.1", ""),
    ("pathhost", "{pathhost}", "its path identity"),
    ("nnrpdloadlimit", "0", "Debian: 16; the shared machine's load "
     "average would refuse readers"),
    ("nicekids", "0", "Debian: 4"),
    ("maxconnections", "0", "Debian: 50; no cap on connections"),
    ("addinjectionpostinghost", "false", "like hearthd: no address "
     "in Injection-Info"),
    ("artcutoff", "0", "test articles may carry an old Date"),
    ("doinnwatch", "false", "innwatch is not started anyway"),
]
# Dropped from Debian's file: with bindaddress alone, innd opens no IPv6
# socket.
DROP = ("bindaddress6",)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def unavailable():
    """Why INN cannot be run here, or None."""
    if not os.access(os.path.join(INNBIN, "innd"), os.X_OK):
        return "inn2 is not installed (no %s/innd)" % INNBIN
    try:
        news = pwd.getpwnam("news")
    except KeyError:
        return "there is no user news"
    if os.geteuid() not in (0, news.pw_uid):
        return "innd runs only as news: run the tests as root or news"
    if not os.path.isfile(os.path.join(SYSCONF, "inn.conf")):
        return "%s/inn.conf is missing" % SYSCONF
    return None


class Inn:
    """innd (+ nnrpd per reader, + innfeed when newsfeeds names it) in a
    temporary tree.  GROUPS: names, or (name, flag) with flag "y" or
    "m"."""

    # Defaults: readers read and post without signing in; no peers;
    # innd feeds nobody.
    incoming_conf = ""
    readers_conf = ('auth "all" {\n  hosts: "*"\n  default: "<all>"\n}\n'
                    'access "all" {\n  users: "<all>"\n'
                    '  newsgroups: "*"\n  access: RPA\n}\n')
    newsfeeds = None		# None: Debian's (feeds nobody)
    innfeed_conf = None

    def __init__(self, groups, pathhost="inn.test", conf=(),
                 prefix="hearth-inn."):
        self.groups = [(g, "y") if isinstance(g, str) else g
                       for g in groups]
        self.pathhost = pathhost
        self.conf = list(BASE_CONF) + list(conf)
        self.proc = None
        self.version = "INN"
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.port = free_port()
        news = pwd.getpwnam("news")
        self.uid, self.gid = news.pw_uid, news.pw_gid
        self.env = dict(os.environ, INNCONF=self.path("etc/inn.conf"))
        if INNROOT != "/":
            # The programs' RUNPATH names /usr/lib/news.
            self.env["LD_LIBRARY_PATH"] = os.path.join(INNROOT,
                                                       "usr/lib/news")

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def run(self, *cmd, **kw):
        """An INN program as news, with our INNCONF."""
        kw.setdefault("check", True)
        kw.setdefault("capture_output", True)
        return subprocess.run(list(cmd), env=self.env, user=self.uid,
                              group=self.gid, extra_groups=[],
                              timeout=120, text=True, **kw)

    def ctlinnd(self, *args, check=True):
        return self.run(os.path.join(INNBIN, "ctlinnd"), "-t", "20",
                        *args, check=check)

    def _inn_conf(self):
        ours = {}
        for key, value, _why in self.conf:
            ours[key] = value.format(port=self.port,
                                     pathhost=self.pathhost)
        # Every path INN writes to is ours; only the programs are shared.
        ours.update(pathnews=self.dir, pathbin=INNBIN,
                    pathcontrol=os.path.join(INNBIN, "control"),
                    pathdb=self.path("db"), pathrun=self.path("run"),
                    pathlog=self.path("log"), pathhttp=self.path("http"),
                    pathetc=self.path("etc"),
                    pathfilter=self.path("etc", "filter"),
                    pathspool=self.path("spool"),
                    patharticles=self.path("spool", "articles"),
                    pathoverview=self.path("spool", "overview"),
                    pathincoming=self.path("spool", "incoming"),
                    pathoutgoing=self.path("spool", "outgoing"),
                    patharchive=self.path("spool", "archive"),
                    pathtmp=self.path("spool", "incoming", "tmp"))
        out = ["# Generated by tests/proto/inn_harness.py from %s/inn.conf"
               % SYSCONF]
        with open(os.path.join(SYSCONF, "inn.conf")) as f:
            for line in f:
                m = re.match(r"\s*#?\s*([a-z0-9]+):", line)
                if m and (m.group(1) in ours or m.group(1) in DROP):
                    continue
                out.append(line.rstrip("\n"))
        out += ["%-28s %s" % (k + ":", v) for k, v in sorted(ours.items())]
        return "\n".join(out) + "\n"

    def write(self, rel, text, mode=0o644):
        with open(self.path(rel), "w") as f:
            f.write(text)
        os.chmod(self.path(rel), mode)

    def setup(self):
        """The tree: etc (root's, as in /etc/news), the rest news's."""
        shutil.copytree(SYSCONF, self.path("etc"), symlinks=True)
        for d in ("db", "run", "log", "http", "spool/articles",
                  "spool/overview", "spool/incoming/tmp",
                  "spool/outgoing", "spool/archive", "spool/innfeed"):
            os.makedirs(self.path(d), exist_ok=True)
        self.write("etc/inn.conf", self._inn_conf())
        self.write("etc/incoming.conf", self.incoming_conf, 0o640)
        self.write("etc/readers.conf", self.readers_conf)
        if self.newsfeeds is not None:
            self.write("etc/newsfeeds", self.newsfeeds)
        if self.innfeed_conf is not None:
            self.write("etc/innfeed.conf", self.innfeed_conf, 0o640)
        with open(os.path.join(INNBIN, "..", "examples", "active")) as f:
            active = f.read()
        active += "".join("%s 0000000000 0000000001 %s\n" % (g, flag)
                          for g, flag in self.groups)
        self.write("db/active", active)
        self.write("db/newsgroups", "".join("%s\tA test group.\n" % g
                                            for g, _ in self.groups))
        self.write("db/active.times", "")
        self.write("db/history", "")
        self.extra_setup()
        for root, dirs, files in os.walk(self.dir):
            if root == self.dir:
                dirs.remove("etc")
            for name in dirs + files:
                os.lchown(os.path.join(root, name), self.uid, self.gid)
        os.chown(self.dir, self.uid, self.gid)
        for f in ("incoming.conf", "innfeed.conf", "passwd.nntp",
                  "inn-secrets.conf", "inn-radius.conf"):
            if os.path.exists(self.path("etc", f)):
                os.chown(self.path("etc", f), 0, self.gid)
        self.run(os.path.join(INNBIN, "makedbz"), "-i", "-o",
                 cwd=self.path("db"))

    def extra_setup(self):
        """What a subclass adds to the tree before it is handed to
        news."""

    def start(self):
        if not os.path.exists(self.path("etc", "inn.conf")):
            self.setup()
        with open(self.path("innd.out"), "w") as out:
            self.proc = subprocess.Popen(
                [os.path.join(INNBIN, "innd"), "-f"], env=self.env,
                user=self.uid, group=self.gid, extra_groups=[],
                stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("innd exited: %s" % self.log_tail())
            try:
                with socket.create_connection(("127.0.0.1", self.port),
                                              timeout=5) as s:
                    greeting = s.makefile("rb").readline().decode()
                    s.sendall(b"QUIT\r\n")
                if greeting.startswith("20") and os.path.exists(
                        self.path("run", "nntpin")):
                    m = re.search(r"INN \S+", greeting)
                    if m:
                        self.version = m.group(0)
                    return self
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError("innd did not answer: %s" %
                                   self.log_tail())
            time.sleep(0.1)

    def log_tail(self, n=2000):
        text = ""
        for f in ("innd.out", "log/errlog", "log/news.err",
                  "log/innfeed.log"):
            try:
                with open(self.path(f), errors="replace") as fh:
                    text += "== %s\n%s" % (f, fh.read()[-n:])
            except OSError:
                pass
        return text

    def news_log(self):
        """INN's article log (log/news): one line per article offered."""
        try:
            with open(self.path("log", "news"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        """ctlinnd shutdown, as rc.news stop does; kill only if it hangs."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.ctlinnd("shutdown", "test done", check=False)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        # innfeed, innd's child, goes with it; make sure.
        pid = self.path("run", "innfeed.pid")
        try:
            with open(pid) as f:
                os.kill(int(f.read().strip()), 15)
        except (OSError, ValueError):
            pass

    def remove(self):
        if os.environ.get("INN_KEEP") != "yes":
            shutil.rmtree(self.dir, ignore_errors=True)
