"""Disk full: hearthd's state directory on a small tmpfs (or, when mount
is not allowed, under a file-size limit set on hearthd with prlimit).

NNTP posts and IRC channel messages go on until the disk is full.  The
poster must get a temporary error (NNTP 441 for POST, IRC FAIL PRIVMSG),
never an acknowledgement of something that was not committed; hearthd
must stay up and serve (a new reader can still sign in); once space
returns, posting works again without a restart; everything acknowledged
is there, then and after a restart, and PRAGMA integrity_check is ok.

`make stress` runs run_disk_full() for more rounds (tests/stress).
"""

import os
import resource
import sqlite3
import subprocess
import tempfile
import time
import unittest

from hearth_test import BAD_LOG_MARKERS, SCALE, Hearthd, LineClient
from nntp_helpers import NNTPClient, article_bytes

PW = "disk full password"
ROOM = "#stroke-recovery"


class SmallDisk:
    """A state directory that can be filled and emptied again.

    tmpfs: a ballast file takes all but FREE bytes; fill() is implicit,
    release() deletes the ballast.  Fallback (mount refused): hearthd's
    RLIMIT_FSIZE is lowered to just above the database's current size and
    raised again on release().
    """

    def __init__(self, size_kb):
        self.dir = tempfile.mkdtemp(prefix="hearth-df-")
        self.size_kb = size_kb
        if os.environ.get("HEARTH_DF_NO_MOUNT"):
            # To exercise the fallback where mount works too.
            r = subprocess.CompletedProcess([], 1, "", "HEARTH_DF_NO_MOUNT")
        else:
            r = subprocess.run(["mount", "-t", "tmpfs", "-o",
                                "size=%dk,mode=0700" % size_kb, "tmpfs",
                                self.dir], capture_output=True, text=True)
        self.tmpfs = r.returncode == 0
        self.why = r.stderr.strip()
        self.ballast = os.path.join(self.dir, "ballast")
        self.pid = None

    def fill(self, pid, free_kb):
        """Leave FREE_KB for hearthd (PID) to write."""
        self.pid = pid
        if self.tmpfs:
            # Unbuffered: a short last write must not leave bytes that
            # fail again when the file is closed (which happened
            # whenever the free space was not a multiple of the chunk).
            with open(self.ballast, "wb", buffering=0) as f:
                chunk = b"\0" * 65536
                try:
                    while True:
                        f.write(chunk)
                        f.flush()
                except OSError:
                    pass
            st = os.statvfs(self.dir)
            used = os.path.getsize(self.ballast)
            room = st.f_bavail * st.f_frsize
            os.truncate(self.ballast, max(0, used + room - free_kb * 1024))
        else:
            db = os.path.join(self.dir, "hearth.db")
            biggest = max(os.path.getsize(db),
                          os.path.getsize(db + "-wal")
                          if os.path.exists(db + "-wal") else 0)
            # Only the soft limit: raising a hard one needs more rights.
            self.hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)[1]
            resource.prlimit(pid, resource.RLIMIT_FSIZE,
                             (biggest + free_kb * 1024, self.hard))

    def release(self):
        if self.tmpfs:
            os.unlink(self.ballast)
        else:
            try:
                resource.prlimit(self.pid, resource.RLIMIT_FSIZE,
                                 (self.hard, self.hard))
            except ProcessLookupError:
                pass        # killed: the next hearthd starts unlimited

    def free_kb(self):
        st = os.statvfs(self.dir)
        return st.f_bavail * st.f_frsize // 1024

    def remove(self):
        if self.tmpfs:
            subprocess.run(["umount", self.dir])
        subprocess.run(["rm", "-rf", self.dir])


class Poster:
    """An NNTP poster and an IRC chatter that record what was acked."""

    def __init__(self, h, tag):
        self.h = h
        self.tag = tag
        self.acked, self.echoed = [], []
        self.nntp_temp = self.irc_fail = 0
        self.other = []
        self.seq = 0
        lc = LineClient(h.addr("nntp"), timeout=10 * SCALE)
        self.n = NNTPClient(lc)
        lc.readline()
        r = self.n.cmd("AUTHINFO USER poster")
        r = self.n.cmd("AUTHINFO PASS " + PW)
        assert r.startswith("281"), r
        self.irc = LineClient(h.addr("irc"), timeout=10 * SCALE)
        for line in ("CAP REQ :echo-message message-tags",
                     "NICK chat%s" % tag, "USER c 0 * :c", "CAP END"):
            self.irc.send(line)
        self.irc.read_until(lambda l: " 001 " in l)
        self.irc.send("JOIN " + ROOM)
        self.irc.read_until(lambda l: " 366 " in l)

    def post(self, body_kb=6):
        self.seq += 1
        lc = self.n.lc
        r = self.n.cmd("POST")
        if not r.startswith("340"):
            self.other.append(r)
            return r
        body = ("%s line of a long story %d\n" % (self.tag, self.seq)) * \
            (body_kb * 1024 // 40)
        lc.sendraw(article_bytes([("From", "P <p@example.org>"),
                                  ("Newsgroups", "support.ms"),
                                  ("Subject", "full %s %d"
                                   % (self.tag, self.seq))], body))
        r = lc.readline()
        if r.startswith("240"):
            self.acked.append(r.split()[-1])
        elif r.startswith("441") or r.startswith("436"):
            self.nntp_temp += 1
        else:
            self.other.append(r)
        return r

    def chat(self):
        self.seq += 1
        text = "%s chat %d %s" % (self.tag, self.seq, "x" * 300)
        self.irc.send("PRIVMSG %s :%s" % (ROOM, text))
        line = self.irc.read_until(
            lambda l: (" PRIVMSG %s :%s" % (ROOM, text)) in l or
            " FAIL PRIVMSG " in l)[-1]
        if " FAIL PRIVMSG " in line:
            self.irc_fail += 1
            return False
        for t in line[1:].split(" ", 1)[0].split(";"):
            if t.startswith("msgid="):
                self.echoed.append(t[6:])
        return True

    def close(self):
        self.n.lc.close()
        self.irc.close()


def peer_login(h):
    lc = LineClient(h.addr("nntp"), timeout=10 * SCALE)
    peer = NNTPClient(lc)
    assert lc.readline().startswith("200")
    peer.cmd("AUTHINFO USER peer1")
    assert peer.cmd("AUTHINFO PASS " + PW).startswith("281")
    return peer


def transit_article(mid, kb):
    return article_bytes([("Path", "far.away"),
                          ("From", "Far <far@example.org>"),
                          ("Newsgroups", "support.ms"),
                          ("Subject", "from a peer"), ("Message-ID", mid),
                          ("Date", "Mon, 1 Jan 2024 10:00:00 +0000")],
                         "transit body line\n" * (kb * 1024 // 18))


def check_stored(h, acked, echoed):
    """Every acked article answers STAT; every echoed line is in the
    database (read with a second, read-only connection).  Returns the
    lists of what is missing."""
    lc = LineClient(h.addr("nntp"), timeout=10 * SCALE)
    n = NNTPClient(lc)
    lc.readline()
    lost_a = [m for m in acked if not n.cmd("STAT " + m).startswith("223")]
    lc.close()
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(h.dir,
                                                           "hearth.db"),
                         uri=True)
    chat = {m for (m,) in db.execute("SELECT msgid FROM chat_messages")}
    db.close()
    return lost_a, [m for m in echoed if m not in chat]


def run_disk_full(rounds=1, size_kb=4096, free_kb=640, kill9=False,
                  log=print):
    """Fill, check, release ROUNDS times on one hearthd; then fill once
    more and stop it while full (SIGTERM, or kill -9 with KILL9), let
    space return while it is down and restart.  Returns a dict of figures;
    raises AssertionError on a failure."""
    disk = SmallDisk(size_kb)
    # Load, not a flood: the flood watch stays off.
    h = Hearthd("rate_per_second = 100000\nrate_burst = 100000\n"
                "flood_messages = 0\n"
                "log_level = info\nnntp_peers = peer1\n",
                protos=("nntp", "irc"),
                state_dir=disk.dir)
    # The log must not fill the small disk (nor vanish with it).
    logdir = tempfile.mkdtemp(prefix="hearth-df-log-")
    h.log_path = os.path.join(logdir, "hearthd.log")
    fig = {"mode": "tmpfs %d KiB" % size_kb if disk.tmpfs else
           "RLIMIT_FSIZE (mount: %s)" % disk.why, "rounds": rounds,
           "acked": 0, "echoed": 0, "nntp_temp": 0, "irc_fail": 0}
    acked, echoed = [], []
    try:
        h.start()
        h.add_account("poster", PW)
        h.add_account("peer1", PW)
        for rnd in range(rounds):
            disk.fill(h.proc.pid, free_kb)
            p = Poster(h, "r%d" % rnd)
            # Write until both protocols have refused a few times.
            for i in range(3000):
                if p.nntp_temp >= 3 and p.irc_fail >= 3:
                    break
                p.post()
                for _ in range(4):
                    p.chat()
            assert p.nntp_temp >= 3 and p.irc_fail >= 3, \
                "the disk never filled: %d 441, %d FAIL, %d KiB free" % (
                    p.nntp_temp, p.irc_fail, disk.free_kb())
            assert not p.other, "unexpected replies: %r" % p.other[:3]
            assert h.proc.poll() is None, "hearthd died:\n" + h.log()[-3000:]
            # Still serving while full: a new reader signs in and reads.
            lc = LineClient(h.addr("nntp"), timeout=10 * SCALE)
            rd = NNTPClient(lc)
            assert lc.readline().startswith("200")
            rd.cmd("AUTHINFO USER poster")
            assert rd.cmd("AUTHINFO PASS " + PW).startswith("281")
            assert rd.cmd("GROUP support.ms").startswith("211")
            assert rd.cmd("DATE").startswith("111")
            lc.close()
            # A peer's transfer: IHAVE gets 436 (try later), streaming
            # gets 400 and a closed connection (never 439: the peer
            # would drop the article for good).
            peer = peer_login(h)
            big = transit_article("<full-%d@far.away>" % rnd, 48)
            assert peer.cmd("IHAVE <full-%d@far.away>" % rnd)[:3] == "335"
            peer.lc.sendraw(big)
            r = peer.lc.readline()
            assert r[:3] == "436", r
            assert peer.cmd("MODE STREAM")[:3] == "203"
            peer.lc.sendraw(b"TAKETHIS <full-%d@far.away>\r\n" % rnd + big)
            r = peer.lc.readline()
            assert r.startswith("400 "), r
            assert peer.lc.is_closed(), "TAKETHIS 400 must close"
            peer.lc.close()
            # Space returns: posting works again at once, no restart.
            disk.release()
            r = p.post()
            assert r.startswith("240"), "POST after space returned: %s" % r
            assert p.chat(), "PRIVMSG after space returned"
            peer = peer_login(h)
            assert peer.cmd("IHAVE <full-%d@far.away>" % rnd)[:3] == "335"
            peer.lc.sendraw(transit_article("<full-%d@far.away>" % rnd, 4))
            assert peer.lc.readline()[:3] == "235"
            peer.lc.close()
            p.acked.append("<full-%d@far.away>" % rnd)
            acked += p.acked
            echoed += p.echoed
            fig["nntp_temp"] += p.nntp_temp
            fig["irc_fail"] += p.irc_fail
            p.close()
            lost_a, lost_c = check_stored(h, acked, echoed)
            assert not lost_a, "acked articles lost: %r" % lost_a[:3]
            assert not lost_c, "echoed lines lost: %r" % lost_c[:3]
        # Last: stop hearthd while the disk is full (SIGTERM, or kill -9
        # with KILL9); space returns while it is down.
        disk.fill(h.proc.pid, free_kb)
        p = Poster(h, "end")
        for _ in range(3000):
            if p.nntp_temp >= 3 and p.irc_fail >= 3:
                break
            p.post()
            p.chat()
        assert p.nntp_temp >= 3 and p.irc_fail >= 3, "never filled"
        acked += p.acked
        echoed += p.echoed
        fig["nntp_temp"] += p.nntp_temp
        fig["irc_fail"] += p.irc_fail
        if kill9:
            h.kill9()
        else:
            assert h.stop() == 0, "exit status when stopped while full; " \
                "log:\n" + h.log()[-3000:]
        p.close()
        disk.release()
        h.start()
        p = Poster(h, "after")
        assert p.post().startswith("240"), "POST after the restart"
        assert p.chat(), "PRIVMSG after the restart"
        acked += p.acked
        echoed += p.echoed
        p.close()
        lost_a, lost_c = check_stored(h, acked, echoed)
        assert not lost_a, "after restart, acked articles lost: %r" % \
            lost_a[:3]
        assert not lost_c, "after restart, echoed lines lost: %r" % \
            lost_c[:3]
        assert h.stop() == 0, "exit status; log:\n" + h.log()[-3000:]
        db = sqlite3.connect(os.path.join(h.dir, "hearth.db"))
        fig["integrity"] = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        assert fig["integrity"] == "ok", fig["integrity"]
        logtext = h.log()
        for marker in BAD_LOG_MARKERS:
            assert marker not in logtext, logtext[-3000:]
    except AssertionError:
        log("hearthd log (end):\n" + h.log()[-3000:])
        raise
    finally:
        if h.proc is not None and h.proc.poll() is None:
            h.kill9()
        disk.remove()
        subprocess.run(["rm", "-rf", logdir])
    fig["acked"], fig["echoed"] = len(acked), len(echoed)
    log("disk full: %(mode)s, %(rounds)d round(s): %(acked)d articles "
        "acknowledged and %(echoed)d chat lines echoed, all kept; "
        "%(nntp_temp)d NNTP 441, %(irc_fail)d IRC FAIL, then %(k)s while "
        "full; integrity_check=%(integrity)s"
        % dict(fig, k="kill -9" if kill9 else "SIGTERM"))
    return fig


class DiskFull(unittest.TestCase):

    def test_disk_full_then_space_returns(self):
        t = time.time()
        fig = run_disk_full(rounds=1)
        self.assertGreater(fig["acked"], 0)
        self.assertGreater(fig["echoed"], 0)
        print("(%.1f s)" % (time.time() - t))


if __name__ == "__main__":
    unittest.main(verbosity=2)
