"""Outgoing Usenet feeds (issue 17, items 1, 4, 5 and 6), black-box.

A sending hearthd ("a.test") feeds
- a second hearthd as its peer (it takes IHAVE/TAKETHIS from the account
  named in its nntp_peers): local posts arrive; members-only, private,
  hearth.* and held posts never do; an approved held post does; an
  article hidden before it was sent never does; kill -9 of the sender
  with a queue pending loses and duplicates nothing;
- a small Python peer speaking RFC 4644 / RFC 3977 for the codes a
  hearthd never gives on demand: 431 (backoff, then sent), 439 (final),
  no STREAMING (IHAVE), the dot-stuffing on the wire, a cancel control
  article after a cancel and after an erasure, the Path rule, pause and
  resume, and the counters of hearthmod peer show;
- both at once as a relay in a chain (origin -> a -> b and the Python
  peer): a cancel and a Supersedes that a takes from a peer travel on.
"""

import base64
import hashlib
import json
import os
import re
import socket
import subprocess
import threading
import time
import unittest

from hearth_test import HEARTHD, SCALE, Hearthd
from nntp_helpers import FAST, NNTPCase, NNTPClient, article_bytes
from hearth_test import LineClient

# AUTHINFO PASS takes one word (RFC 4643 §2.3).
FEEDER_PASS = "feeder-secret-42"
SENDER = (FAST + "server_name = a.test\nnew_member_probation = 0\n"
          "probation_days = 0\npeer_backoff_max = 1\n")


def field(data, name):
    m = re.search(rb"^" + name.encode() + rb": (.*?)\r$", data,
                  re.M | re.I)
    return m.group(1).decode() if m else None


def opens(canceller, target):
    """Does CANCELLER's Cancel-Key open TARGET's Cancel-Lock (RFC 8315
    §2.2: lock = base64(sha256(key as written))), with sha256?"""
    key, lock = field(canceller, "Cancel-Key"), field(target, "Cancel-Lock")
    if not key or not lock:
        return False
    k = key.split(":", 1)
    l = lock.split(":", 1)
    return (k[0] == l[0] == "sha256" and base64.b64encode(
        hashlib.sha256(k[1].encode()).digest()).decode() == l[1])


def wait_for(pred, timeout=10, step=0.05):
    deadline = time.time() + timeout * SCALE
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


class FakePeer:
    """A news server that takes articles and records them.

    STREAMING: advertise it (else only IHAVE).  CHECK(msgid, n) gives the
    answer to the n-th CHECK of msgid (default 238), TAKETHIS likewise
    (default 239).  Every article taken is in self.articles (msgid ->
    the raw bytes as received, still dot-stuffed), in self.order in the
    order taken; self.offers counts offers per msgid; self.log the
    commands."""

    def __init__(self, streaming=True):
        self.streaming = streaming
        self.check = lambda mid, n: "238 %s" % mid
        self.take = lambda mid, n: "239 %s" % mid
        self.ihave = lambda mid, n: "335 send it"
        self.ihave_done = lambda mid, n: "235 thanks"
        self.drop_checks = 0    # close the link at this many CHECKs
        self.articles = {}
        self.order = []
        self.offers = {}
        self.takes = {}
        self.log = []
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(8)
        self.running = True
        self.conns = []
        threading.Thread(target=self.accept, daemon=True).start()

    def close(self):
        self.running = False
        try:
            self.sock.close()
        except OSError:
            pass
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass

    def accept(self):
        while self.running:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self.serve, args=(c,),
                             daemon=True).start()

    def serve(self, c):
        f = c.makefile("rb")

        def out(line):
            c.sendall(line.encode() + b"\r\n")

        def block():
            data = b""
            while True:
                line = f.readline()
                if not line:
                    raise EOFError
                if line == b".\r\n":
                    return data
                data += line
        try:
            out("200 fake.peer ready")
            while True:
                line = f.readline()
                if not line:
                    return
                line = line.decode().rstrip("\r\n")
                with self.lock:
                    self.log.append(line)
                w = line.split()
                cmd = w[0].upper() if w else ""
                if cmd == "CAPABILITIES":
                    out("101 capabilities")
                    out("VERSION 2")
                    out("IHAVE")
                    if self.streaming:
                        out("STREAMING")
                    out(".")
                elif cmd == "MODE" and self.streaming:
                    out("203 streaming ok")
                elif cmd == "MODE":
                    out("501 unknown")
                elif cmd == "CHECK" and self.streaming:
                    mid = w[1]
                    with self.lock:
                        n = self.offers[mid] = self.offers.get(mid, 0) + 1
                        drop = self.drop_checks > 0
                        self.drop_checks -= 1 if drop else 0
                    if drop:
                        return      # the link is lost mid-feed
                    if mid in self.articles:
                        out("438 %s" % mid)
                    else:
                        out(self.check(mid, n))
                elif cmd == "TAKETHIS" and self.streaming:
                    mid = w[1]
                    data = block()
                    with self.lock:
                        n = self.takes[mid] = self.takes.get(mid, 0) + 1
                    r = self.take(mid, n)
                    if r.startswith("239"):
                        self.store(mid, data)
                    out(r)
                elif cmd == "IHAVE":
                    mid = w[1]
                    with self.lock:
                        self.offers[mid] = self.offers.get(mid, 0) + 1
                    n = self.offers[mid]
                    if mid in self.articles:
                        out("435 duplicate")
                        continue
                    r = self.ihave(mid, n)
                    out(r)
                    if not r.startswith("335"):
                        continue
                    data = block()
                    r = self.ihave_done(mid, n)
                    if r.startswith("235"):
                        self.store(mid, data)
                    out(r)
                elif cmd == "QUIT":
                    out("205 bye")
                    return
                else:
                    out("500 what?")
        except (EOFError, OSError):
            return
        finally:
            c.close()

    def store(self, mid, data):
        with self.lock:
            if mid in self.articles:
                self.articles[mid + "#dup"] = data
            self.articles[mid] = data
            self.order.append(mid)


class SenderCase(NNTPCase):
    extra_config = SENDER

    def add_peer(self, *words, input=None):
        r = self.h.hearthmod("peer", "add", *words, input=input)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r

    def show(self, name):
        r = self.h.hearthmod("peer", "show", name)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = {}
        for line in r.stdout.splitlines():
            k, _, v = line.partition(" ")
            out[k] = v
        return out

    def post(self, c, group="support.oncology", subject="Hello",
             body="Hello.\n", extra=()):
        return self.post_ok(c, group=group, subject=subject, body=body,
                            extra=extra)


class ToHearth(SenderCase):
    """A second hearthd is the peer."""

    def setUp(self):
        self.b = Hearthd(FAST + "server_name = b.test\n"
                         "nntp_peers = feeder\n", protos=("nntp",))
        self.b.start()
        # A moderator's account: today's hearthd holds a relayed article
        # in a moderated group unless a moderator's link brings it with
        # Approved: (the incoming side of issue 17 decides this anew).
        self.b.add_account("feeder", FEEDER_PASS, role="moderator")
        super().setUp()
        # pass=- reads the peer's password from --password-file (here
        # standard input), never from the command line: if it were read
        # wrong, b would refuse the feeder and nothing would arrive.
        self.add_peer("b", "127.0.0.1:%d" % self.b.port("nntp"), "plain",
                      "path=b.test", "user=feeder", "pass=-",
                      "groups=*,!stories.*", "--password-file", "-",
                      input=FEEDER_PASS + "\n")

    def tearDown(self):
        super().tearDown()
        self.b.stop()
        self.b.cleanup()

    def at_b(self, mid):
        """The article MID as b serves it, or None."""
        lc = LineClient(self.b.addr("nntp"))
        try:
            lc.readline()
            n = NNTPClient(lc)
            r = n.cmd("ARTICLE " + mid)
            if not r.startswith("220"):
                return None
            return "\n".join(lc.read_multiline())
        finally:
            lc.close()

    def test_what_travels_and_what_never_does(self):
        c = self.member("alice")
        doc = self.member("kim", role="moderator")
        held = self.post(c, group="ask-a-doctor.oncology",
                         subject="A question held")
        members = self.post(c, group="support.autism.parents",
                            subject="Members only")
        excluded = self.post(c, group="stories.general",
                             subject="Not in b's patterns")
        report = self.post(c, group="hearth.report", subject="A report")
        public = self.post(c, subject="Public words",
                           body="A line\n.starts with a dot\nend\n")
        text = wait_for(lambda: self.at_b(public))
        self.assertIsNotNone(text, self.h.log()[-3000:])
        self.assertIn(".starts with a dot", text)
        # b's Path: b.test!a.test!not-for-mail (a's identity travels).
        self.assertIn("a.test", text)
        for mid in (held, members, excluded, report):
            self.assertIsNone(self.at_b(mid), mid)
        # The held post, once approved, travels.
        entry = [e for e in json.loads(self.h.hearthmod(
            "--json", "queue").stdout) if e["kind"] == "held"][0]
        self.assertEqual(self.h.hearthmod("approve", str(entry["id"]))
                         .returncode, 0)
        self.assertIsNotNone(wait_for(lambda: self.at_b(held)))
        # Hidden after being queued, before being sent: never sent.
        self.assertEqual(self.h.hearthmod("peer", "pause", "b")
                         .returncode, 0)
        hidden = self.post(doc, subject="Will be hidden")
        self.assertEqual(self.h.hearthmod("hide", "article", hidden,
                                          "--reason", "spam")
                         .returncode, 0, self.h.log()[-2000:])
        after = self.post(c, subject="After the hidden one")
        time.sleep(0.5)
        self.assertIsNone(self.at_b(after))     # paused
        self.assertEqual(self.show("b")["state"], "paused")
        self.assertEqual(self.h.hearthmod("peer", "resume", "b")
                         .returncode, 0)
        self.assertIsNotNone(wait_for(lambda: self.at_b(after)))
        self.assertIsNone(self.at_b(hidden))
        s = self.show("b")
        self.assertEqual(s["queued"], "0", s)
        self.assertEqual(s["accepted"], "3", s)
        self.assertEqual(s["dropped"], "1", s)
        # Shown again: then it travels.
        self.assertEqual(self.h.hearthmod("unhide", "article", hidden,
                                          "--reason", "fine")
                         .returncode, 0)
        self.assertIsNotNone(wait_for(lambda: self.at_b(hidden)))
        self.assertEqual(s["link"], "plain")
        self.assertNotEqual(s["last_success"], "never")
        self.assertNotIn(FEEDER_PASS, self.h.hearthmod("peer", "show",
                                                    "b").stdout)
        st = self.h.hearthmod("status").stdout
        self.assertIn("peers.accepted 4", st)

    def test_kill9_with_a_queue_pending(self):
        c = self.member("alice")
        # b is unreachable (a port nobody listens on): everything waits
        # in a's queue while a backs off.
        dead = socket.socket()
        dead.bind(("127.0.0.1", 0))
        dead_port = dead.getsockname()[1]
        dead.close()
        self.add_peer("b", "127.0.0.1:%d" % dead_port, "plain",
                      "path=b.test", "user=feeder", "pass=" + FEEDER_PASS)
        mids = [self.post(c, subject="While b is away %d" % i)
                for i in range(5)]
        self.assertTrue(wait_for(
            lambda: self.show("b")["state"] == "backing-off"))
        s = self.show("b")
        self.assertEqual(s["queued"], "5", s)
        self.assertIn("last_error", s)
        self.h.kill9()
        self.h.start()
        # Still queued after kill -9; b is back at its real address.
        self.assertEqual(self.show("b")["queued"], "5")
        self.add_peer("b", "127.0.0.1:%d" % self.b.port("nntp"), "plain",
                      "path=b.test", "user=feeder", "pass=" + FEEDER_PASS)
        for mid in mids:
            self.assertIsNotNone(wait_for(lambda: self.at_b(mid)), mid)
        s = self.show("b")
        self.assertEqual((s["queued"], s["accepted"]), ("0", "5"), s)
        # Each arrived once, in order: b numbered exactly five.
        lc = LineClient(self.b.addr("nntp"))
        lc.readline()
        n = NNTPClient(lc)
        r = n.cmd("GROUP support.oncology")
        self.assertEqual(r.split()[1], "5", r)
        r, lines = n.multi("OVER 1-5", "224")
        lc.close()
        self.assertEqual([l.split("\t")[4] for l in lines], mids)


class ToHearthTLS(SenderCase):
    """NNTPS to a second hearthd: its certificate is checked against
    peer_ca_file (b's self-signed one names 127.0.0.1); from a file of
    peers read at start-up."""

    def setUp(self):
        self.b = Hearthd(FAST + "server_name = b.test\n"
                         "nntp_peers = feeder\n", protos=("nntps",))
        self.b.start()
        self.b.add_account("feeder", FEEDER_PASS, role="moderator")
        self.peers = os.path.join(self.b.dir, "a-peers.conf")
        with open(self.peers, "w") as f:
            f.write("# b over NNTPS\n"
                    "b 127.0.0.1:%d path=b.test user=feeder pass=%s\n"
                    % (self.b.port("nntps"), FEEDER_PASS))
        self.extra_config = (SENDER + "peers_file = %s\n"
                             "peer_ca_file = %s/tls/cert.pem\n"
                             % (self.peers, self.b.dir))
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.b.stop()
        self.b.cleanup()

    def test_nntps_with_the_peers_ca(self):
        s = self.show("b")
        self.assertEqual((s["link"], s["source"], s["signin"]),
                         ("tls", "conf", "feeder"), s)
        c = self.member("alice")
        mid = self.post(c)
        self.assertTrue(wait_for(
            lambda: self.show("b")["accepted"] == "1"),
            self.show("b"))
        self.assertEqual(self.show("b")["mode"], "streaming")

    def test_untrusted_certificate_is_refused(self):
        # The system's store does not trust b's self-signed certificate.
        with open(self.h.conf) as f:
            conf = f.read().replace("peer_ca_file", "#peer_ca_file")
        self.h.stop()
        self.h.write_config(conf)
        self.h.start()
        c = self.member("alice")
        self.post(c)
        self.assertTrue(wait_for(
            lambda: self.show("b")["state"] == "backing-off"))
        s = self.show("b")
        self.assertIn("certificate verify failed", s.get("last_error", ""),
                      s)
        self.assertEqual((s["queued"], s["accepted"]), ("1", "0"), s)

    def test_check_config_names_a_bad_line(self):
        with open(self.peers, "a") as f:
            f.write("far news.example.org:119 plain\n")
        r = subprocess.run([HEARTHD, "--check-config", "-f", self.h.conf],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("a-peers.conf:3", r.stdout + r.stderr)
        self.assertIn("private address", r.stdout + r.stderr)


class ToFake(SenderCase):
    """The Python peer, for the codes and the wire."""
    streaming = True

    def setUp(self):
        self.fake = FakePeer(streaming=self.streaming)
        super().setUp()
        self.add_peer("fake", "127.0.0.1:%d" % self.fake.port, "plain",
                      "path=fake.peer", "groups=support.*")

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def arrived(self, mid):
        return wait_for(lambda: mid in self.fake.articles)


class FakeStreaming(ToFake):

    def test_dot_stuffed_crlf(self):
        c = self.member("alice")
        mid = self.post(c, body="one\n.two\n..three\n")
        self.assertTrue(self.arrived(mid))
        data = self.fake.articles[mid]
        self.assertIn(b"\r\n..two\r\n...three\r\n", data)
        self.assertNotIn(b"\n", data.replace(b"\r\n", b""))
        self.assertIn("CHECK " + mid, self.fake.log)
        self.assertIn("TAKETHIS " + mid, self.fake.log)

    def test_xref_is_for_readers_not_for_peers(self):
        # RFC 5536 §3.2.14, RFC 5537 §3.2: Xref is this site's own
        # numbering.  A reader gets it in HEAD/ARTICLE (as from INN's
        # reader); the article sent to a peer carries none.
        c = self.member("alice")
        mid = self.post(c, group="support.oncology,support.diabetes")
        r, head = c.multi("HEAD " + mid, "221")
        self.assertEqual([h for h in head if h.startswith("Xref:")],
                         ["Xref: a.test support.oncology:1 "
                          "support.diabetes:1"])
        self.assertTrue(self.arrived(mid))
        data = self.fake.articles[mid]
        self.assertIn(b"Newsgroups: support.oncology,support.diabetes",
                      data)
        self.assertNotIn(b"\r\nXref:", data)
        self.assertFalse(data.startswith(b"Xref:"))

    def test_checks_are_pipelined_in_order(self):
        self.assertEqual(self.h.hearthmod("peer", "pause", "fake")
                         .returncode, 0)
        c = self.member("alice")
        mids = [self.post(c, subject="Batch %d" % i) for i in range(4)]
        self.h.hearthmod("peer", "resume", "fake")
        for m in mids:
            self.assertTrue(self.arrived(m))
        # Four CHECKs went out before the first answer came back.
        cmds = [l.split()[0] for l in self.fake.log
                if l.startswith(("CHECK", "TAKETHIS"))]
        self.assertEqual(cmds[:5], ["CHECK"] * 4 + ["TAKETHIS"],
                         self.fake.log)
        self.assertEqual(self.fake.order, mids)

    def test_431_backs_off_then_sends(self):
        self.fake.check = (lambda mid, n: "431 %s" % mid if n == 1
                           else "238 %s" % mid)
        c = self.member("alice")
        mid = self.post(c)
        self.assertTrue(self.arrived(mid))
        self.assertEqual(self.fake.offers[mid], 2)
        s = self.show("fake")
        self.assertEqual((s["deferred"], s["accepted"]), ("1", "1"), s)

    def test_439_is_final(self):
        first = []

        def take(mid, n):
            # The first article ever offered is refused, once.
            if not first:
                first.append(mid)
            return ("439 %s" if mid == first[0] else "239 %s") % mid
        self.fake.take = take
        c = self.member("alice")
        refused = self.post(c, subject="Refused")
        ok = self.post(c, subject="Taken")
        self.assertTrue(self.arrived(ok))
        time.sleep(0.3)
        self.assertNotIn(refused, self.fake.articles)
        self.assertEqual(self.fake.takes[refused], 1)
        s = self.show("fake")
        self.assertEqual((s["refused"], s["accepted"], s["queued"]),
                         ("1", "1", "0"), s)

    def test_lost_link_reconnects(self):
        self.fake.drop_checks = 1
        c = self.member("alice")
        mid = self.post(c)
        self.assertTrue(self.arrived(mid))
        self.assertEqual(self.fake.offers[mid], 2)
        self.assertEqual(self.show("fake")["accepted"], "1")

    def test_438_is_final(self):
        c = self.member("alice")
        self.fake.articles["<x@y>"] = b""
        self.fake.check = lambda mid, n: "438 %s" % mid
        mid = self.post(c)
        wait_for(lambda: self.show("fake")["duplicate"] == "1")
        self.assertEqual(self.show("fake")["duplicate"], "1")
        self.assertEqual(self.fake.offers[mid], 1)

    def test_cancel_travels(self):
        c = self.member("alice")
        mid = self.post(c)
        self.assertTrue(self.arrived(mid))
        r340, r = c.post([("From", "Alice <alice@example.org>"),
                          ("Newsgroups", "support.oncology"),
                          ("Subject", "cmsg cancel " + mid),
                          ("Control", "cancel " + mid)], "cancel\n")
        self.assertTrue(r.startswith("240"), r)
        got = wait_for(lambda: [m for m in self.fake.order
                                if m.startswith("<cancel.")])
        self.assertTrue(got, self.fake.log)
        data = self.fake.articles[got[0]]
        self.assertIn(("Control: cancel %s\r\n" % mid).encode(), data)
        self.assertIn(b"Newsgroups: support.oncology\r\n", data)
        # RFC 8315: the cancel's key opens the article's lock.
        self.assertTrue(opens(data, self.fake.articles[mid]))

    def test_supersedes_travels(self):
        c = self.member("alice")
        old = self.post(c, subject="First version")
        self.assertTrue(self.arrived(old))
        new = self.post(c, subject="Second version",
                        extra=[("Supersedes", old)])
        self.assertTrue(self.arrived(new))
        self.assertIn(("Supersedes: %s" % old).encode(),
                      self.fake.articles[new])
        self.assertTrue(opens(self.fake.articles[new],
                              self.fake.articles[old]))

    def test_cancel_before_sending_sends_nothing(self):
        self.assertEqual(self.h.hearthmod("peer", "pause", "fake")
                         .returncode, 0)
        c = self.member("alice")
        mid = self.post(c)
        c.post([("From", "Alice <alice@example.org>"),
                ("Newsgroups", "support.oncology"),
                ("Subject", "cmsg cancel " + mid),
                ("Control", "cancel " + mid)], "cancel\n")
        after = self.post(c, subject="After")
        self.h.hearthmod("peer", "resume", "fake")
        self.assertTrue(self.arrived(after))
        self.assertNotIn(mid, self.fake.articles)

    def test_erasure_sends_cancels(self):
        c = self.member("bob")
        mids = [self.post(c, subject="Bob %d" % i) for i in range(2)]
        for m in mids:
            self.assertTrue(self.arrived(m))
        c.lc.close()
        r = self.h.hearthmod("account", "erase", "bob")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ignores cancels", r.stdout)
        got = wait_for(lambda: len([m for m in self.fake.order
                                    if m.startswith("<cancel.")]) == 2)
        self.assertTrue(got, self.fake.log)
        ctl = b"".join(self.fake.articles[m] for m in self.fake.order
                       if m.startswith("<cancel."))
        for m in mids:
            self.assertIn(("Control: cancel %s" % m).encode(), ctl)

    def test_path_holding_the_peer_is_not_offered_back(self):
        self.h.hearthmod("peer", "remove", "fake")
        # a takes transit from "relay"; the fake peer is fake.peer.
        with open(self.h.conf) as f:
            conf = f.read() + "nntp_peers = relay\n"
        self.h.stop()
        self.h.write_config(conf)
        self.h.start()
        self.add_peer("fake", "127.0.0.1:%d" % self.fake.port, "plain",
                      "path=fake.peer", "groups=support.*")
        relay = self.member("relay")

        def offer(mid, path):
            art = article_bytes([
                ("Path", path), ("From", "Far <far@example.org>"),
                ("Newsgroups", "support.diabetes"),
                ("Subject", "relayed"), ("Message-ID", mid),
                ("Date", time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                       time.gmtime()))])
            r = relay.cmd("IHAVE " + mid)
            self.assertTrue(r.startswith("335"), r)
            relay.lc.sendraw(art)
            r = relay.lc.readline()
            self.assertTrue(r.startswith("235"), r)
        offer("<looped@far>", "x.example!fake.peer!not-for-mail")
        offer("<fresh@far>", "x.example!other.peer!not-for-mail")
        self.assertTrue(self.arrived("<fresh@far>"))
        self.assertNotIn("<looped@far>", self.fake.offers)
        # Ours was added to the Path a sends.
        self.assertIn(b"Path: a.test!x.example!other.peer",
                      self.fake.articles["<fresh@far>"])

    def test_peer_commands(self):
        r = self.h.hearthmod("peer", "list")
        self.assertIn("fake 127.0.0.1:%d plain fake.peer support.*"
                      % self.fake.port, r.stdout)
        r = self.h.hearthmod("peer", "add", "bad", "news.example.org:119",
                             "plain")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("private address", r.stdout + r.stderr)
        r = self.h.hearthmod("peer", "add", "bad2", "nohost")
        self.assertNotEqual(r.returncode, 0)
        r = self.h.hearthmod("peer", "show", "nobody")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(self.h.hearthmod("peer", "remove", "fake")
                         .returncode, 0)
        c = self.member("alice")
        mid = self.post(c)
        time.sleep(0.5)
        self.assertNotIn(mid, self.fake.offers)
        self.assertNotIn("fake", self.h.hearthmod("peer", "list").stdout)


class FakeIhave(ToFake):
    streaming = False

    def test_no_streaming_falls_back_to_ihave(self):
        c = self.member("alice")
        mids = [self.post(c, subject="IHAVE %d" % i) for i in range(3)]
        for m in mids:
            self.assertTrue(self.arrived(m))
        self.assertEqual(self.fake.order, mids)
        self.assertFalse([l for l in self.fake.log
                          if l.startswith(("CHECK", "TAKETHIS"))])
        self.assertIn("IHAVE " + mids[0], self.fake.log)
        self.assertEqual(self.show("fake")["mode"], "ihave")

    def test_ihave_codes(self):
        # 436 before the text and 436 after it: later; 437: final.
        def ihave(mid, n):
            return ("436 later" if n == 1 and mid == seen.get("first")
                    else "335 send it")

        def done(mid, n):
            if mid == seen.get("second") and n == 1:
                return "436 try again"
            if mid == seen.get("third"):
                return "437 refused"
            return "235 thanks"
        seen = {}
        self.fake.ihave = ihave
        self.fake.ihave_done = done
        self.assertEqual(self.h.hearthmod("peer", "pause", "fake")
                         .returncode, 0)
        c = self.member("alice")
        seen["first"] = self.post(c, subject="first")
        seen["second"] = self.post(c, subject="second")
        seen["third"] = self.post(c, subject="third")
        last = self.post(c, subject="last")
        self.h.hearthmod("peer", "resume", "fake")
        self.assertTrue(self.arrived(last))
        self.assertEqual(self.fake.order, [seen["first"], seen["second"],
                                           last])
        self.assertEqual(self.fake.offers[seen["third"]], 1)
        s = self.show("fake")
        self.assertEqual((s["accepted"], s["refused"], s["queued"],
                          s["deferred"]), ("3", "1", "0", "2"), s)


class Chain(SenderCase):
    """A relay in a chain (origin -> a.test -> b.test and the Python
    peer): what a takes from a peer travels on, cancels (RFC 5537 §5.3)
    and Supersedes included.  The origin is a client on a's transit
    account "relay" (site x.example); b takes a's feed only."""
    extra_config = SENDER + "nntp_peers = relay\n"

    def setUp(self):
        self.fake = FakePeer()
        self.b = Hearthd(FAST + "server_name = b.test\n"
                         "nntp_peers = feeder\n", protos=("nntp",))
        self.b.start()
        self.b.add_account("feeder", FEEDER_PASS, role="moderator")
        super().setUp()
        self.add_peer("b", "127.0.0.1:%d" % self.b.port("nntp"), "plain",
                      "path=b.test", "user=feeder", "pass=" + FEEDER_PASS)
        self.add_peer("fake", "127.0.0.1:%d" % self.fake.port, "plain",
                      "path=fake.peer", "groups=support.*")
        self.relay = self.member("relay")

    def tearDown(self):
        super().tearDown()
        self.b.stop()
        self.b.cleanup()
        self.fake.close()

    def offer(self, mid, extra=(), path="x.example!.POSTED!not-for-mail",
              group="support.diabetes", subject="From far away",
              expect="235"):
        art = article_bytes([
            ("Path", path), ("From", "Far <far@example.org>"),
            ("Newsgroups", group), ("Subject", subject),
            ("Message-ID", mid),
            ("Date", time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                   time.gmtime()))] + list(extra))
        r = self.relay.cmd("IHAVE " + mid)
        if not r.startswith("335"):
            return r
        self.relay.lc.sendraw(art)
        r = self.relay.lc.readline()
        self.assertTrue(r.startswith(expect), r)
        return r

    def cancel(self, cid, target, **kw):
        return self.offer(cid, extra=[("Control", "cancel " + target)],
                          subject="cmsg cancel " + target, **kw)

    def served(self, h, mid):
        """Does H serve MID (ARTICLE 220)?"""
        lc = LineClient(h.addr("nntp"))
        try:
            lc.readline()
            return NNTPClient(lc).cmd("ARTICLE " + mid).startswith("220")
        finally:
            lc.close()

    def b_knows(self, mid):
        """Does b's history know MID (its peer's IHAVE gets 435)?"""
        lc = LineClient(self.b.addr("nntp"))
        try:
            lc.readline()
            n = NNTPClient(lc)
            r = n.login("feeder", FEEDER_PASS)
            self.assertTrue(r.startswith("281"), r)
            return n.cmd("IHAVE " + mid).startswith("435")
        finally:
            lc.close()

    def test_cancel_travels_down_the_chain(self):
        self.offer("<orig@far>")
        self.assertTrue(wait_for(lambda: self.served(self.b, "<orig@far>")),
                        self.h.log()[-3000:])
        self.assertTrue(wait_for(lambda: "<orig@far>" in self.fake.articles))
        self.cancel("<c1@far>", "<orig@far>")
        self.assertFalse(self.served(self.h, "<orig@far>"))
        # b applies it: a relayed it, with a's identity first in Path.
        self.assertTrue(wait_for(
            lambda: not self.served(self.b, "<orig@far>")),
            self.b.log()[-3000:])
        self.assertTrue(wait_for(lambda: "<c1@far>" in self.fake.articles))
        data = self.fake.articles["<c1@far>"]
        self.assertIn(b"Path: a.test!x.example!.POSTED!not-for-mail", data)
        self.assertIn(b"Control: cancel <orig@far>", data)
        # Offered again: a's history knows it; nothing is sent twice.
        r = self.relay.cmd("IHAVE <c1@far>")
        self.assertTrue(r.startswith("435"), r)
        # A cancel whose target never came here is relayed all the same;
        # one whose Path names the fake peer goes to b only; one in a
        # members-only group goes nowhere.
        self.cancel("<c2@far>", "<never@far>")
        self.cancel("<c3@far>", "<never3@far>",
                    path="fake.peer!x.example!.POSTED!not-for-mail")
        self.cancel("<c4@far>", "<never4@far>",
                    group="support.autism.parents")
        self.cancel("<c5@far>", "<never5@far>")
        self.assertTrue(wait_for(lambda: "<c5@far>" in self.fake.articles))
        self.assertTrue(wait_for(lambda: self.b_knows("<c5@far>")))
        self.assertIn("<c2@far>", self.fake.articles)
        self.assertTrue(self.b_knows("<c2@far>"))
        self.assertTrue(self.b_knows("<never@far>"))
        self.assertNotIn("<c3@far>", self.fake.offers)
        self.assertTrue(self.b_knows("<c3@far>"))
        self.assertNotIn("<c4@far>", self.fake.offers)
        self.assertFalse(self.b_knows("<c4@far>"))
        # The target that never came is refused when it does.
        r = self.relay.cmd("IHAVE <never@far>")
        self.assertTrue(r.startswith("435"), r)
        for m in ("<c1@far>", "<c2@far>", "<c5@far>"):
            self.assertEqual(self.fake.offers[m], 1, m)
            self.assertNotIn(m + "#dup", self.fake.articles)

    def test_supersedes_travels_down_the_chain(self):
        self.offer("<v1@far>", subject="First words")
        self.assertTrue(wait_for(lambda: self.served(self.b, "<v1@far>")))
        self.assertTrue(wait_for(lambda: "<v1@far>" in self.fake.articles))
        self.offer("<v2@far>", subject="Better words",
                   extra=[("Supersedes", "<v1@far>")])
        self.assertFalse(self.served(self.h, "<v1@far>"))
        self.assertTrue(wait_for(lambda: self.served(self.b, "<v2@far>")))
        self.assertTrue(wait_for(
            lambda: not self.served(self.b, "<v1@far>")))
        self.assertTrue(wait_for(lambda: "<v2@far>" in self.fake.articles))
        self.assertIn(b"Supersedes: <v1@far>",
                      self.fake.articles["<v2@far>"])
        self.assertEqual(self.fake.offers["<v1@far>"], 1)
        # Superseded before a sent it: never offered.
        self.h.hearthmod("peer", "pause", "fake")
        self.offer("<w1@far>", subject="Draft")
        self.offer("<w2@far>", subject="Final",
                   extra=[("Supersedes", "<w1@far>")])
        self.h.hearthmod("peer", "resume", "fake")
        self.assertTrue(wait_for(lambda: "<w2@far>" in self.fake.articles))
        self.assertNotIn("<w1@far>", self.fake.offers)
        self.assertTrue(wait_for(lambda: self.served(self.b, "<w2@far>")))
        self.assertFalse(self.served(self.b, "<w1@far>"))


if __name__ == "__main__":
    unittest.main()
