"""Peering strictness (issues 17 and 18), over real sockets:

- IHAVE and TAKETHIS hold a relayed article to POST's rules, through
  the same validation function, plus the six fields RFC 5536 §3.1
  requires of every article (Date, From, Message-ID, Newsgroups, Path,
  Subject) and the Path syntax of §3.1.5: 437 / 439 when it fails;
- a message-id in transfer on one connection (IHAVE after its 335,
  TAKETHIS while its article is read, CHECK after its 238) is not
  taken on another: IHAVE 436, CHECK 431, TAKETHIS 439; once stored,
  435 / 438 / 439; released when the transfer ends, when it is
  refused, and when its connection drops; a CHECK never followed by
  its TAKETHIS gives way after 5 s, and a connection holds at most
  1,024 ids;
- Path (path_identity, ".POSTED" on injection, prepended on relay, a
  loop refused), Xref with this site's numbers, the message-id history
  (refused ids remembered for history_remember seconds, then
  forgotten), a peer's cancel (only from the article's injecting site;
  before its article: remembered), and nntp_peer_plaintext_from.
"""

import time
import unittest

from hearth_test import SCALE
from nntp_helpers import FAST, PASSWORD, NNTPCase, NNTPClient, \
    article_bytes

DATE = "Mon, 07 Dec 2026 10:00:00 +0000"


def headers(mid, **over):
    """A relayed article's fields; OVER replaces (None drops) one."""
    h = [("Path", "far.example!not-for-mail"),
         ("From", "Far <far@example.org>"),
         ("Newsgroups", "support.oncology"),
         ("Subject", "relayed " + mid),
         ("Message-ID", mid),
         ("Date", DATE)]
    out = []
    for k, v in h:
        key = k.replace("-", "_").lower()
        if key in over:
            v = over.pop(key)
            if v is None:
                continue
        out.append((k, v))
    out += list(over.get("extra", ()))
    return out


class TransitCase(NNTPCase):
    extra_config = FAST + "nntp_peers = peer1, peer2\n"

    def peer(self, name):
        """A peer's connection; the account exists once."""
        try:
            self.account(name)
        except RuntimeError:
            pass
        c = self.client()
        r = c.login(name)
        self.assertTrue(r.startswith("281"), r)
        return c

    def ihave(self, c, mid, art):
        r = c.cmd("IHAVE " + mid)
        if not r.startswith("335"):
            return r
        c.lc.sendraw(art)
        return c.lc.readline()

    def takethis(self, c, mid, art):
        c.lc.sendraw(("TAKETHIS %s\r\n" % mid).encode() + art)
        return c.lc.readline()


class Strictness(TransitCase):

    # Each case: the fields to change, and the reason the 437 gives.
    BAD = [
        ({"from_": None}, "Missing required header: From"),
        ({"subject": None}, "Missing required header: Subject"),
        ({"subject": ""}, "Empty header: Subject"),
        ({"date": None}, "Missing required header: Date"),
        ({"date": "last Tuesday"}, "Date header unparseable"),
        ({"path": None}, "Missing required header: Path"),
        ({"path": "far example!not-for-mail"}, "Path syntax invalid"),
        ({"path": "!far.example"}, "Path syntax invalid"),
        ({"path": "far.example!.POSTED"}, "Path syntax invalid"),
        ({"from_": "no address here"}, "From header has no valid address"),
        ({"newsgroups": "support.oncology,,x"}, "Newsgroups syntax invalid"),
        ({"extra": [("Subject", "twice")]}, "Duplicate header: Subject"),
        ({"extra": [("Supersedes", "not-an-id")]},
         "Supersedes syntax invalid"),
        ({"extra": [("Followup-To", "bad..group")]},
         "Followup-To syntax invalid"),
    ]

    def article(self, mid, change):
        over = dict(change)
        if "from_" in over:
            over["from"] = over.pop("from_")
        return article_bytes(headers(mid, **over), "relayed body\n")

    def test_ihave_refuses_what_post_refuses(self):
        p = self.peer("peer1")
        for i, (change, why) in enumerate(self.BAD):
            mid = "<bad-ihave-%d@far.example>" % i
            r = self.ihave(p, mid, self.article(mid, change))
            self.assertEqual(r, "437 Article rejected: " + why, change)
            # Refused, not stored: the id is free to offer again.
            self.assertEqual(p.code("STAT " + mid), "430")
        # A body that is not UTF-8 and says no charset: POST's rule too.
        mid = "<bad-body@far.example>"
        art = article_bytes(headers(mid), "caf\xe9\n")
        art = art.replace("caf\xe9".encode(), b"caf\xe9")
        self.assertIn(b"caf\xe9\r\n", art)
        r = self.ihave(p, mid, art)
        self.assertTrue(r.startswith("437"), r)
        self.assertIn("Body contains invalid UTF-8", r)
        # The same article, valid, with a Path full of diagnostics.
        mid = "<good@far.example>"
        r = self.ihave(p, mid, article_bytes(headers(
            mid, path="a.example!.SEEN.b.example!b.example!!c.example!"
            ".POSTED.192.0.2.1!not-for-mail"), "relayed body\n"))
        self.assertEqual(r, "235 Article transferred OK")
        self.assertIn("refused account=peer1 msgid=<bad-ihave-0@far.example>"
                      " reason=\"Missing required header: From\"",
                      self.h.log())

    def test_takethis_refuses_what_post_refuses(self):
        p = self.peer("peer1")
        self.assertEqual(p.code("MODE STREAM"), "203")
        for i, (change, why) in enumerate(self.BAD):
            mid = "<bad-take-%d@far.example>" % i
            r = self.takethis(p, mid, self.article(mid, change))
            self.assertEqual(r, "439 %s Article rejected" % mid, change)
            # Refused for good: the history remembers it (INN's
            # remembertrash), so it is not wanted again.
            self.assertEqual(p.code("CHECK " + mid), "438")
        mid = "<good-take@far.example>"
        self.assertEqual(self.takethis(p, mid, self.article(mid, {})),
                         "239 %s Article transferred OK" % mid)
        # Already accepted: 439 for TAKETHIS, 438 for CHECK, 435 IHAVE.
        self.assertEqual(self.takethis(p, mid, self.article(mid, {})),
                         "439 %s Article rejected" % mid)
        self.assertEqual(p.code("CHECK " + mid), "438")
        self.assertEqual(p.code("IHAVE " + mid), "435")

    def test_post_and_transit_share_the_rules(self):
        """A member's POST without Subject is refused with the same
        words as a relayed article without one."""
        alice = self.member("alice")
        r340, r = alice.post([("From", "Alice <alice@example.org>"),
                              ("Newsgroups", "support.oncology")])
        self.assertEqual(r, "441 Posting failed: Missing required header: Subject")
        # A post needs no Path, Date or Message-ID ...
        self.post_ok(alice)
        # ... but a Path it sends must be well-formed.
        r340, r = alice.post([("From", "Alice <alice@example.org>"),
                              ("Newsgroups", "support.oncology"),
                              ("Subject", "x"), ("Path", "a b")])
        self.assertEqual(r, "441 Posting failed: Path syntax invalid")


class InTransfer(TransitCase):

    def good(self, mid):
        return article_bytes(headers(mid), "relayed body\n")

    def test_ihave_in_transfer_elsewhere(self):
        a, b = self.peer("peer1"), self.peer("peer2")
        self.assertEqual(b.code("MODE STREAM"), "203")
        mid = "<ih1@far.example>"
        self.assertEqual(a.code("IHAVE " + mid), "335")
        # Meanwhile, on the other connection: try later, not a copy.
        self.assertEqual(b.cmd("IHAVE " + mid),
                         "436 Transfer not possible, try again later")
        self.assertEqual(b.cmd("CHECK " + mid),
                         "431 %s Try again later" % mid)
        self.assertEqual(self.takethis(b, mid, self.good(mid)),
                         "439 %s Article rejected" % mid)
        self.assertIn("msgid=%s reason=\"in transfer on another "
                      "connection\"" % mid, self.h.log())
        # The first transfer completes; now it is simply had.
        a.lc.sendraw(self.good(mid))
        self.assertEqual(a.lc.readline(), "235 Article transferred OK")
        self.assertEqual(b.code("IHAVE " + mid), "435")
        self.assertEqual(b.code("CHECK " + mid), "438")
        self.assertEqual(self.takethis(b, mid, self.good(mid)),
                         "439 %s Article rejected" % mid)
        # Stored once.
        r, lines = b.multi("LISTGROUP support.oncology", "211")
        self.assertEqual(len(lines), 1)

    def test_check_holds_the_id_for_its_takethis(self):
        a, b = self.peer("peer1"), self.peer("peer2")
        for c in (a, b):
            self.assertEqual(c.code("MODE STREAM"), "203")
        mid = "<ck1@far.example>"
        self.assertEqual(a.cmd("CHECK " + mid), "238 %s Send it" % mid)
        r = b.cmd("CHECK " + mid)
        self.assertTrue(r.startswith("431 " + mid), r)
        self.assertEqual(b.code("IHAVE " + mid), "436")
        # The holder may ask again, and sends it.
        self.assertEqual(a.code("CHECK " + mid), "238")
        self.assertEqual(self.takethis(a, mid, self.good(mid)),
                         "239 %s Article transferred OK" % mid)
        self.assertEqual(b.code("CHECK " + mid), "438")
        self.assertEqual(self.takethis(b, mid, self.good(mid)),
                         "439 %s Article rejected" % mid)

    def test_released_when_refused(self):
        a, b = self.peer("peer1"), self.peer("peer2")
        mid = "<rf1@far.example>"
        self.assertEqual(a.code("IHAVE " + mid), "335")
        a.lc.sendraw(article_bytes(headers(mid, subject=None)))
        self.assertTrue(a.lc.readline().startswith("437"))
        # Refused: no longer in transfer (not 436), and refused for good
        # (the history remembers it): 435.
        self.assertEqual(b.code("IHAVE " + mid), "435")
        # Refused as not the article offered: not remembered, so the
        # other peer sends the right one.
        mid = "<rf2@far.example>"
        self.assertEqual(a.code("IHAVE " + mid), "335")
        a.lc.sendraw(self.good("<rf2-other@far.example>"))
        self.assertTrue(a.lc.readline().startswith("437"))
        self.assertEqual(self.ihave(b, mid, self.good(mid)),
                         "235 Article transferred OK")

    def test_released_when_the_connection_drops(self):
        a, b = self.peer("peer1"), self.peer("peer2")
        # A CHECK, then IHAVE mid-article, then the link drops.
        self.assertEqual(a.code("MODE STREAM"), "203")
        self.assertEqual(a.code("CHECK <dr2@far.example>"), "238")
        self.assertEqual(a.code("IHAVE <dr1@far.example>"), "335")
        a.lc.sendraw(self.good("<dr1@far.example>")[:60])
        self.assertEqual(b.code("IHAVE <dr1@far.example>"), "436")
        self.assertTrue(b.cmd("CHECK <dr2@far.example>").startswith("431"))
        a.lc.close()
        # The server frees the connection on its next turn; both ids
        # are offered again without waiting for any timer.
        deadline = time.time() + 10 * SCALE
        while b.code("IHAVE <dr1@far.example>") == "436":
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        b.lc.sendraw(self.good("<dr1@far.example>"))
        self.assertEqual(b.lc.readline(), "235 Article transferred OK")
        self.assertEqual(b.code("MODE STREAM"), "203")
        self.assertEqual(b.code("CHECK <dr2@far.example>"), "238")

    def test_a_connection_holds_a_bounded_number(self):
        """Memory stays bounded: a connection holds at most 1,024 ids;
        past that its oldest CHECK gives way."""
        a, b = self.peer("peer1"), self.peer("peer2")
        for c in (a, b):
            self.assertEqual(c.code("MODE STREAM"), "203")
        n = 1100
        a.lc.sendraw(b"".join(b"CHECK <many.%d@far.example>\r\n" % i
                              for i in range(n)))
        for i in range(n):
            self.assertEqual(a.lc.readline(),
                             "238 <many.%d@far.example> Send it" % i)
        for i in (0, n - 1024 - 1):
            self.assertEqual(b.code("CHECK <many.%d@far.example>" % i),
                             "238")
        for i in (n - 1024, n - 1):
            self.assertEqual(b.code("CHECK <many.%d@far.example>" % i),
                             "431")

    def test_a_check_without_takethis_gives_way(self):
        """A peer that asked and never sent does not block the id for
        longer than INN's wipcheck (5 s)."""
        a, b = self.peer("peer1"), self.peer("peer2")
        for c in (a, b):
            self.assertEqual(c.code("MODE STREAM"), "203")
        mid = "<gw1@far.example>"
        self.assertEqual(a.code("CHECK " + mid), "238")
        self.assertEqual(b.code("CHECK " + mid), "431")
        time.sleep(5.5)
        self.assertEqual(b.code("CHECK " + mid), "238")
        self.assertEqual(self.takethis(b, mid, self.good(mid)),
                         "239 %s Article transferred OK" % mid)
        # The first peer's late TAKETHIS finds it had.
        self.assertEqual(self.takethis(a, mid, self.good(mid)),
                         "439 %s Article rejected" % mid)


class PathAndHistory(TransitCase):
    """Path identity (RFC 5536 §3.1.5, RFC 5537 §3.2.1), loops, Xref, the
    message-id history and a peer's cancel (issue 17)."""
    extra_config = (FAST + "nntp_peers = peer1, peer2\n"
                    "path_identity = news.hearth.example\n"
                    "history_remember = 2\n")

    def good(self, mid, **over):
        return article_bytes(headers(mid, **over), "relayed body\n")

    def test_path_on_injection_and_relay_and_xref(self):
        alice = self.member("alice")
        mid = self.post_ok(alice)
        r, head = alice.multi("HEAD " + mid, "221")
        self.assertEqual(head[0],
                         "Path: news.hearth.example!.POSTED!not-for-mail")
        p = self.peer("peer1")
        self.assertEqual(self.ihave(p, "<rel@far.example>",
                                    self.good("<rel@far.example>")),
                         "235 Article transferred OK")
        r, head = alice.multi("HEAD <rel@far.example>", "221")
        self.assertEqual(head[0], "Path: news.hearth.example!far.example!"
                         "not-for-mail")
        alice.cmd("GROUP support.oncology")
        r, rows = alice.multi("OVER 1-2", "224")
        self.assertEqual([r.split("\t")[-1] for r in rows],
                         ["Xref: news.hearth.example support.oncology:1",
                          "Xref: news.hearth.example support.oncology:2"])

    def test_an_article_that_has_been_here_is_refused(self):
        p = self.peer("peer1")
        for path in ("a.example!news.hearth.example!.POSTED!not-for-mail",
                     "NEWS.hearth.example!b.example!not-for-mail"):
            mid = "<loop%d@far.example>" % len(path)
            r = self.ihave(p, mid, self.good(mid, path=path))
            self.assertTrue(r.startswith("437"), r)
            self.assertIn("Path names this site", r)
        # A tail entry names no site, nor does a diagnostic.
        mid = "<tail@far.example>"
        self.assertEqual(self.ihave(p, mid, self.good(
            mid, path="a.example!.POSTED.news.hearth.example!"
            "news.hearth.example")), "235 Article transferred OK")

    def test_history_remembers_then_forgets(self):
        p = self.peer("peer1")
        mid = "<hist@far.example>"
        r = self.ihave(p, mid, self.good(mid, subject=None))
        self.assertTrue(r.startswith("437"), r)
        self.assertEqual(p.code("IHAVE " + mid), "435")
        self.assertEqual(p.code("MODE STREAM"), "203")
        self.assertEqual(p.code("CHECK " + mid), "438")
        # TAKETHIS, which comes without CHECK, is refused too.
        self.assertEqual(self.takethis(p, mid, self.good(mid)),
                         "439 %s Article rejected" % mid)
        # history_remember = 2: forgotten on the timer, offered again.
        deadline = time.time() + 10 * SCALE
        while p.code("CHECK " + mid) != "238":
            self.assertLess(time.time(), deadline)
            time.sleep(0.5)
        self.assertIn("history: forgot", self.h.log())
        self.assertEqual(self.takethis(p, mid, self.good(mid)),
                         "239 %s Article transferred OK" % mid)

    def cancel(self, cid, target, path="far.example!.POSTED!not-for-mail",
               from_="Far <far@example.org>"):
        return article_bytes(headers(cid, path=path, from_=from_,
                                     subject="cmsg cancel " + target,
                                     extra=[("Control",
                                             "cancel " + target)]),
                             "cancel\n")

    def test_peer_cancel(self):
        p = self.peer("peer1")
        anon = self.client()
        # A cancel before its article: remembered; the article is then
        # not wanted (INN does the same).
        self.assertEqual(self.ihave(p, "<c1@far.example>", self.cancel(
            "<c1@far.example>", "<early@far.example>")),
            "235 Article transferred OK")
        self.assertEqual(p.code("IHAVE <early@far.example>"), "435")
        self.assertEqual(p.code("IHAVE <c1@far.example>"), "435")
        # A cancel from the site that injected the article.
        path = "far.example!.POSTED!not-for-mail"
        self.assertEqual(self.ihave(p, "<t1@far.example>", self.good(
            "<t1@far.example>", path=path)), "235 Article transferred OK")
        self.assertEqual(anon.code("STAT <t1@far.example>"), "223")
        r = self.ihave(p, "<c2@far.example>", self.cancel(
            "<c2@far.example>", "<t1@far.example>",
            path="x.example!.POSTED!not-for-mail", from_="X <x@x.example>"))
        self.assertTrue(r.startswith("437"), r)
        self.assertEqual(anon.code("STAT <t1@far.example>"), "223")
        self.assertEqual(self.ihave(p, "<c3@far.example>", self.cancel(
            "<c3@far.example>", "<t1@far.example>", path="mid.example!" +
            path, from_="Other <o@far.example>")),
            "235 Article transferred OK")
        self.assertEqual(anon.code("STAT <t1@far.example>"), "430")
        self.assertEqual(p.code("IHAVE <t1@far.example>"), "435")
        # A member's article here is cancelled only here.
        alice = self.member("alice")
        mid = self.post_ok(alice)
        r = self.ihave(p, "<c4@far.example>", self.cancel(
            "<c4@far.example>", mid, from_="Alice <alice@example.org>"))
        self.assertTrue(r.startswith("437"), r)
        self.assertEqual(anon.code("STAT " + mid), "223")


class Help(TransitCase):
    """HELP lists the transit commands (IHAVE, CHECK, TAKETHIS) to a
    peer's session only, as innd does and nnrpd does not."""

    TRANSIT = ("IHAVE", "CHECK", "TAKETHIS")

    def verbs(self, c):
        r, lines = c.multi("HELP", "100")
        return [l.split()[0] for l in lines if l.startswith("  ")]

    def test_transit_commands_to_peers_only(self):
        anon = self.client()
        member = self.member("alice")
        for c in (anon, member):
            verbs = self.verbs(c)
            for reader in ("ARTICLE", "OVER", "POST", "XPAT", "HELP"):
                self.assertIn(reader, verbs)
            for transit in self.TRANSIT:
                self.assertNotIn(transit, verbs)
        verbs = self.verbs(self.peer("peer1"))
        for transit in self.TRANSIT:
            self.assertIn(transit, verbs)
        self.assertIn("ARTICLE", verbs)


class PeerLink(TransitCase):
    """nntp_peer_plaintext_from: a peer may sign in without TLS from the
    addresses named; nobody else, and from nowhere else."""
    protos = ("nntp",)
    extra_config = (FAST + "nntp_peers = peer1\n"
                    "allow_plaintext_auth_on_loopback = no\n"
                    "nntp_peer_plaintext_from = 127.0.0.2, 10.0.0.0/8\n")

    def from_(self, source):
        return NNTPClient(self.connect("nntp", source=source))

    def test_only_peers_only_from_there(self):
        self.account("peer1")
        self.account("alice")
        c = self.from_("127.0.0.2")
        c.lc.readline()
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("AUTHINFO USER", caps)
        self.assertNotIn("IHAVE", caps)
        self.assertEqual(c.code("AUTHINFO USER alice"), "483")
        self.assertEqual(c.code("AUTHINFO PASS " + PASSWORD), "483")
        self.assertTrue(c.login("peer1").startswith("281"))
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("IHAVE", caps)
        self.assertIn("STREAMING", caps)
        self.assertEqual(c.code("MODE STREAM"), "203")
        mid = "<link@far.example>"
        self.assertEqual(self.takethis(c, mid, article_bytes(
            headers(mid), "body\n")), "239 %s Article transferred OK" % mid)
        # From an address not named: TLS, as for everyone.
        d = self.from_("127.0.0.3")
        d.lc.readline()
        r, caps = d.multi("CAPABILITIES", "101")
        self.assertIn("AUTHINFO", caps)
        self.assertNotIn("AUTHINFO USER", caps)
        self.assertEqual(d.code("AUTHINFO USER peer1"), "483")


if __name__ == "__main__":
    unittest.main(verbosity=2)
