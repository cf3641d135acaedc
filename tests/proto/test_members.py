"""Members' rights: private groups with an access list (every NNTP
command, the feeds, the landing page, exports), per-member feed tokens
(IRC Helper and hearthmod, read with feedparser over TLS), and the NNTP
password change (XPASSWD)."""

import atexit
import base64
import os
import re
import shutil
import sqlite3
import tempfile
import unittest

import feedparser

from hearth_test import SRCDIR, LineClient
from irc_helpers import Irc
from news_case import NewsCase, ATOM
from nntp_helpers import PASSWORD, article_bytes

PRIVATE = "circle.young-adults"
NOGROUP = "circle.no-such-group"


def _groups_file():
    """etc/groups.conf plus one private group (a facilitated circle)."""
    d = tempfile.mkdtemp(prefix="hearth-groups-")
    atexit.register(shutil.rmtree, d, True)
    with open(os.path.join(SRCDIR, "etc/groups.conf")) as f:
        text = f.read()
    text += ("%s  open  private  A closed circle for young adults with "
             "cancer, with a facilitator\n" % PRIVATE)
    p = os.path.join(d, "groups.conf")
    with open(p, "w") as f:
        f.write(text)
    return p


GROUPS = _groups_file()


class MembersCase(NewsCase):
    protos = ("nntp", "nntps", "http", "https", "ircs")
    extra_config = NewsCase.extra_config + "groups_file = %s\n" % GROUPS

    def ok(self, *args):
        r = self.mod(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def irc(self, name, password=PASSWORD):
        """An IRC client over TLS signed in with SASL PLAIN."""
        c = Irc(LineClient(self.h.addr("ircs"), tls=True))
        self.clients.append(c.lc)
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            ("\0%s\0%s" % (name, password)).encode()).decode())
        c.until(" 903 ")
        c.send("NICK " + name)
        c.send("USER %s 0 * :%s" % (name, name))
        c.send("CAP END")
        c.until(" 001 ")
        c.sync()
        return c

    def helper(self, c, text):
        """Notices the Helper sends back for TEXT."""
        lines = c.cmd("PRIVMSG Helper :" + text)
        return [l.split(" :", 1)[1] for l in lines
                if " NOTICE " in l and l.startswith(":Helper!")]


class PrivateGroups(MembersCase):

    def setUp(self):
        super().setUp()
        for name in ("facil", "alice", "bob"):
            self.account(name)
        self.account("mod", "moderator")
        self.assertIn("is now on", self.ok("group", "access", "add",
                                           PRIVATE, "facil"))
        self.ok("group", "access", "add", PRIVATE, "alice")

    def post_private(self, c, subject="Our circle", body="Only for us.\n"):
        return self.post_ok(c, group=PRIVATE, subject=subject, body=body)

    def test_hearthmod_lists_and_audit(self):
        out = self.ok("group", "access", "list", PRIVATE)
        self.assertIn("alice", out)
        self.assertIn("facil", out)
        self.assertNotIn("bob", out)
        out = self.ok("--json", "group", "list")
        import json
        rows = {r["name"]: r for r in json.loads(out)}
        self.assertEqual(rows[PRIVATE]["visibility"], "private")
        self.assertEqual(rows[PRIVATE]["access"], "2")
        self.assertEqual(rows["support.oncology"]["access"], "0")
        # Only private groups have a list; unknown names are refused.
        r = self.mod("group", "access", "add", "support.oncology", "bob")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("not private", r.stderr)
        r = self.mod("group", "access", "add", PRIVATE, "nobody")
        self.assertIn("No such account", r.stderr)
        r = self.mod("group", "access", "add", NOGROUP, "bob")
        self.assertIn("No such group", r.stderr)
        # Adding twice is harmless; removing someone not on it says so.
        self.ok("group", "access", "add", PRIVATE, "alice")
        r = self.mod("group", "access", "remove", PRIVATE, "bob")
        self.assertIn("not on the access list", r.stderr)
        self.ok("group", "access", "remove", PRIVATE, "alice")
        log = self.ok("--json", "log", "--action", "group.access.add")
        self.assertIn('"target":"facil"', log)
        self.assertIn('"actor":"operator"', log)
        self.assertIn(PRIVATE, log)
        log = self.ok("--json", "log", "--action", "group.access.remove")
        self.assertIn('"target":"alice"', log)

    def test_nntp_outsiders_see_nothing(self):
        facil = self.client("nntps")
        self.assertTrue(facil.login("facil").startswith("281"))
        mid = self.post_private(facil)
        anon = self.client()
        bob = self.client("nntps")
        self.assertTrue(bob.login("bob").startswith("281"))
        for who, c in (("anonymous", anon), ("bob", bob)):
            for kw in ("", " ACTIVE", " COUNTS", " NEWSGROUPS",
                       " ACTIVE.TIMES", " SUBSCRIPTIONS"):
                r, lines = c.multi("LIST" + kw, "215")
                self.assertFalse(any(PRIVATE in l for l in lines),
                                 (who, kw, lines))
            r, lines = c.multi("LIST ACTIVE circle.*", "215")
            self.assertEqual(lines, [], who)
            r, lines = c.multi("NEWGROUPS 19990101 000000", "231")
            self.assertFalse(any(PRIVATE in l for l in lines), who)
            # Exactly the replies of a group that does not exist.
            self.assertEqual(c.cmd("GROUP " + PRIVATE),
                             c.cmd("GROUP " + NOGROUP), who)
            self.assertEqual(c.cmd("GROUP " + PRIVATE)[:3], "411")
            self.assertEqual(c.cmd("LISTGROUP " + PRIVATE),
                             c.cmd("LISTGROUP " + NOGROUP), who)
            for cmd in ("ARTICLE", "HEAD", "BODY", "STAT", "OVER",
                        "XOVER", "HDR Subject", "XHDR Subject"):
                self.assertEqual(c.cmd("%s %s" % (cmd, mid)),
                                 c.cmd("%s <nope@hearth.test>" % cmd),
                                 (who, cmd))
            r, ids = c.multi("NEWNEWS * 19990101 000000", "230")
            self.assertNotIn(mid, ids, who)
            r, ids = c.multi("NEWNEWS %s 19990101 000000" % PRIVATE, "230")
            self.assertEqual(ids, [], who)
        # Posting: refused as for an unknown group, crossposts too.
        for groups in (PRIVATE, "support.oncology," + PRIVATE):
            r340, r = bob.post([("From", "bob@example.org"),
                                ("Newsgroups", groups),
                                ("Subject", "let me in")])
            self.assertTrue(r.startswith("441"), r)
            self.assertIn("no such newsgroup", r)
            r340, r2 = bob.post([("From", "bob@example.org"),
                                 ("Newsgroups",
                                  groups.replace(PRIVATE, NOGROUP)),
                                 ("Subject", "let me in")])
            self.assertEqual(r.replace(PRIVATE, "G"),
                             r2.replace(NOGROUP, "G"))
        # The report group stays write-only for members, as before.
        r, lines = bob.multi("LIST ACTIVE hearth.report", "215")
        self.assertEqual(len(lines), 1)

    def test_nntp_members_on_the_list(self):
        facil = self.client("nntps")
        self.assertTrue(facil.login("facil").startswith("281"))
        mid = self.post_private(facil, body="Welcome, everyone.\n")
        alice = self.client("nntps")
        self.assertTrue(alice.login("alice").startswith("281"))
        mod = self.client("nntps")
        self.assertTrue(mod.login("mod").startswith("281"))
        for who, c in (("facil", facil), ("alice", alice), ("mod", mod)):
            r, lines = c.multi("LIST ACTIVE", "215")
            self.assertIn("%s 1 1 y" % PRIVATE, lines, who)
            r, lines = c.multi("LIST NEWSGROUPS " + PRIVATE, "215")
            self.assertEqual(len(lines), 1, who)
            self.assertEqual(c.cmd("GROUP " + PRIVATE),
                             "211 1 1 1 " + PRIVATE, who)
            r, body = c.multi("ARTICLE " + mid, "220")
            self.assertIn("Welcome, everyone.", body, who)
            r, over = c.multi("OVER " + mid, "224")
            self.assertEqual(len(over), 1)
            r, ids = c.multi("NEWNEWS * 19990101 000000", "230")
            self.assertIn(mid, ids, who)
        r, subs = alice.multi("LIST SUBSCRIPTIONS", "215")
        self.assertIn(PRIVATE, subs)
        # Alice replies in the circle; a crosspost out of it is refused
        # (it would show the group's name to other readers).
        self.post_private(alice, subject="Re: Our circle")
        r340, r = alice.post([("From", "alice@example.org"),
                              ("Newsgroups", PRIVATE + ",support.oncology"),
                              ("Subject", "spread")])
        self.assertTrue(r.startswith("441"), r)
        self.assertIn("cannot be crossposted", r)
        # Off the list: from the next command on, it is gone.
        self.ok("group", "access", "remove", PRIVATE, "alice")
        self.assertEqual(alice.cmd("GROUP " + PRIVATE)[:3], "411")
        self.assertEqual(alice.code("ARTICLE " + mid), "430")

    def test_feeds_and_landing_page(self):
        facil = self.client("nntps")
        self.assertTrue(facil.login("facil").startswith("281"))
        mid = self.post_private(facil, subject="Circle news")
        path = "/feeds/groups/%s.atom" % PRIVATE
        thread = "/feeds/threads/%s.atom" % mid[1:-1]
        nogroup = "/feeds/groups/%s.atom" % NOGROUP
        # Members on the list (and moderators) read it, with Basic auth.
        for who in ("alice", "facil", "mod"):
            status, body = self.get(path, tls=True, auth=(who, PASSWORD))
            self.assertEqual(status, 200, who)
            d = feedparser.parse(body)
            self.assertEqual([e.title for e in d.entries], ["Circle news"])
            status, body = self.get(thread, tls=True, auth=(who, PASSWORD))
            self.assertEqual(status, 200, who)
        # Everybody else: exactly as if absent.
        absent = self.get(nogroup, tls=True)
        for auth in (None, ("bob", PASSWORD)):
            for p in (path, path.replace(".atom", ".rss")):
                self.assertEqual(self.get(p, tls=True, auth=auth), absent)
            status, body = self.get(thread, tls=True, auth=auth)
            self.assertEqual(status, 404, auth)
        self.assertEqual(self.get(path)[0], 404)
        # The landing page never lists it, even for those on the list.
        for auth in (None, ("alice", PASSWORD)):
            status, page = self.get("/", tls=True, auth=auth)
            self.assertEqual(status, 200)
            self.assertNotIn(PRIVATE.encode(), page)
        # Alice leaves the circle: her cached view must not survive.
        self.ok("group", "access", "remove", PRIVATE, "alice")
        self.assertEqual(self.get(path, tls=True,
                                  auth=("alice", PASSWORD))[0], 404)
        self.assertEqual(self.get(thread, tls=True,
                                  auth=("alice", PASSWORD))[0], 404)

    def test_exports(self):
        facil = self.client("nntps")
        self.assertTrue(facil.login("facil").startswith("281"))
        self.post_private(facil, body="A secret of the circle.\n")
        bob = self.client("nntps")
        self.assertTrue(bob.login("bob").startswith("281"))
        self.post_ok(bob, subject="Bob's words", body="Bob was here.\n")
        out = os.path.join(self.h.dir, "exp")
        for name in ("bob", "alice", "facil"):
            d = os.path.join(out, name)
            os.makedirs(d)
            r = self.mod("account", "export", name, "--output", d)
            self.assertEqual(r.returncode, 0, r.stderr)
        import json
        with open(os.path.join(out, "bob", "member.json")) as f:
            bob_json = json.load(f)
        with open(os.path.join(out, "bob", "articles.mbox")) as f:
            bob_mbox = f.read()
        self.assertIn("Bob was here.", bob_mbox)
        self.assertNotIn("secret of the circle", bob_mbox)
        self.assertNotIn(PRIVATE, json.dumps(bob_json))
        self.assertEqual(bob_json["private_groups"], [])
        with open(os.path.join(out, "alice", "member.json")) as f:
            alice_json = json.load(f)
        self.assertEqual([g["group"] for g in alice_json["private_groups"]],
                         [PRIVATE])
        with open(os.path.join(out, "alice", "articles.mbox")) as f:
            self.assertNotIn("secret of the circle", f.read())
        with open(os.path.join(out, "facil", "articles.mbox")) as f:
            self.assertIn("secret of the circle", f.read())
        # The member's own HTTPS export: same rule.
        status, body = self.get("/me/export.json", tls=True,
                                auth=("bob", PASSWORD))
        self.assertEqual(status, 200)
        self.assertNotIn(PRIVATE.encode(), body)

    def test_events_do_not_name_private_groups(self):
        args = ["event", "add", "--title", "Circle meetup", "--starts",
                "2030-01-01T18:00Z", "--duration", "1h", "--room",
                "#patient-school", "--group"]
        r = self.mod(*(args + [PRIVATE]))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("private", r.stderr)
        self.ok(*(args + ["support.oncology"]))

    def test_erasure_takes_the_list_entry(self):
        self.ok("account", "erase", "alice", "--mode", "remove")
        out = self.ok("group", "access", "list", PRIVATE)
        self.assertNotIn("alice", out)
        db = self.db()
        n = db.execute("SELECT count(*) FROM group_access").fetchone()[0]
        db.close()
        self.assertEqual(n, 1)


def token_of(lines):
    for l in lines:
        m = re.search(r"shown only this once.*: ([A-Za-z0-9_-]{32})$", l)
        if m:
            return m.group(1)
    raise AssertionError("no token in %r" % lines)


class FeedTokens(MembersCase):

    def setUp(self):
        super().setUp()
        for name in ("alice", "bob"):
            self.account(name)
        self.ok("group", "access", "add", PRIVATE, "alice")
        poster = self.client("nntps")
        self.assertTrue(poster.login("alice").startswith("281"))
        self.post_ok(poster, group="support.autism.parents",
                     subject="Members only")
        self.post_ok(poster, group=PRIVATE, subject="Circle only")
        poster.lc.close()

    def test_irc_token_reads_members_view(self):
        irc = self.irc("alice")
        lines = self.helper(irc, "FEEDTOKEN NEW my-reader")
        tok = token_of(lines)
        self.assertTrue(any("/t/%s/feeds/groups/" % tok in l for l in lines))
        # The database keeps a hash, never the token.
        db = self.db()
        rows = db.execute("SELECT hash, label FROM feed_tokens").fetchall()
        dump = "\n".join(db.iterdump())
        db.close()
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][1], "my-reader")
        self.assertNotIn(tok, dump)
        base = "/t/%s/feeds/groups/" % tok
        for group, title in (("support.autism.parents", "Members only"),
                             (PRIVATE, "Circle only")):
            for ext in ("atom", "rss"):
                status, body = self.get(base + group + "." + ext, tls=True)
                self.assertEqual(status, 200, (group, ext))
                d = feedparser.parse(body)
                self.assertFalse(d.bozo, d.get("bozo_exception"))
                self.assertEqual([e.title for e in d.entries], [title])
            # The feed links back to itself with the token (paging too).
            root = self.feed(base + group + ".atom", tls=True)
            selfs = [l.get("href") for l in root.iter(ATOM + "link")
                     if l.get("rel") == "self"]
            self.assertTrue(selfs[0].endswith(base + group + ".atom"),
                            selfs)
        # Not without the token, nor with someone else's.
        self.assertEqual(self.get("/feeds/groups/%s.atom" % PRIVATE,
                                  tls=True)[0], 404)
        bob = self.irc("bob")
        btok = token_of(self.helper(bob, "FEEDTOKEN NEW"))
        status, body = self.get("/t/%s/feeds/groups/%s.atom" %
                                (btok, PRIVATE), tls=True)
        self.assertEqual(status, 404)
        status, body = self.get("/t/%s/feeds/groups/support.autism.parents"
                                ".atom" % btok, tls=True)
        self.assertEqual(status, 200)
        self.assertNotIn(tok.encode(), body)
        self.assertIn(btok.encode(), body)
        # Tokens read feeds only.
        self.assertEqual(self.get("/t/%s/me/export.json" % tok,
                                  tls=True)[0], 404)
        self.assertEqual(self.get("/t/%s/" % tok, tls=True)[0], 404)
        # Listed without the secret; revoked at once, cache or not.
        listing = self.helper(irc, "FEEDTOKEN LIST")
        self.assertTrue(any(l.startswith("#1 my-reader") for l in listing),
                        listing)
        self.assertFalse(any(tok in l for l in listing))
        url = base + PRIVATE + ".atom"
        self.assertEqual(self.get(url, tls=True)[0], 200)
        lines = self.helper(irc, "FEEDTOKEN REVOKE 1")
        self.assertTrue(any("revoked" in l for l in lines), lines)
        self.assertEqual(self.get(url, tls=True)[0], 404)
        self.assertEqual(self.get(base + "support.autism.parents.atom",
                                  tls=True)[0], 404)
        # Bob cannot revoke Alice's tokens, and his own still works.
        lines = self.helper(bob, "FEEDTOKEN REVOKE 1")
        self.assertTrue(any("No feed token #1" in l for l in lines), lines)
        log = self.ok("--json", "log", "--action", "account.feed-token.new")
        self.assertIn('"target":"alice"', log)
        self.assertNotIn(tok, log)

    def test_irc_needs_tls_and_account(self):
        c = Irc(LineClient(self.h.addr("ircs"), tls=True))
        self.clients.append(c.lc)
        c.send("NICK guest1")
        c.send("USER guest1 0 * :guest")
        c.until(" 001 ")
        lines = self.helper(c, "FEEDTOKEN NEW")
        self.assertTrue(any("Sign in first" in l for l in lines), lines)

    def test_hearthmod_feed_token(self):
        r = self.mod("account", "feed-token", "alice", "new", "--label",
                     "phone")
        self.assertEqual(r.returncode, 0, r.stderr)
        tok = re.search(r"token: ([A-Za-z0-9_-]{32})", r.stdout).group(1)
        url = "/t/%s/feeds/groups/%s.rss" % (tok, PRIVATE)
        status, body = self.get(url, tls=True)
        self.assertEqual(status, 200)
        self.assertEqual([e.title for e in feedparser.parse(body).entries],
                         ["Circle only"])
        out = self.ok("--json", "account", "feed-token", "alice", "list")
        self.assertIn('"label":"phone"', out)
        self.assertNotIn(tok, out)
        r = self.mod("account", "feed-token", "alice", "new", "--label",
                     "two words")
        self.assertNotEqual(r.returncode, 0)
        self.ok("account", "feed-token", "alice", "revoke", "all")
        self.assertEqual(self.get(url, tls=True)[0], 404)
        r = self.mod("account", "feed-token", "alice", "revoke", "all")
        self.assertNotEqual(r.returncode, 0)
        r = self.mod("account", "feed-token", "nobody", "list")
        self.assertIn("No such account", r.stderr)
        # At most ten per account.
        for i in range(10):
            self.ok("account", "feed-token", "bob", "new")
        r = self.mod("account", "feed-token", "bob", "new")
        self.assertIn("revoke one first", r.stderr)

    def test_export_lists_tokens_and_erasure_ends_them(self):
        r = self.mod("account", "feed-token", "alice", "new", "--label",
                     "tablet")
        tok = re.search(r"token: ([A-Za-z0-9_-]{32})", r.stdout).group(1)
        status, body = self.get("/me/export.json", tls=True,
                                auth=("alice", PASSWORD))
        self.assertEqual(status, 200)
        import json
        exp = json.loads(body)
        self.assertEqual([t["label"] for t in exp["feed_tokens"]],
                         ["tablet"])
        self.assertNotIn(tok.encode(), body)
        url = "/t/%s/feeds/groups/support.autism.parents.atom" % tok
        self.assertEqual(self.get(url, tls=True)[0], 200)
        self.ok("account", "erase", "alice", "--mode", "pseudonymize")
        self.assertEqual(self.get(url, tls=True)[0], 404)
        db = self.db()
        n = db.execute("SELECT count(*) FROM feed_tokens").fetchone()[0]
        db.close()
        self.assertEqual(n, 0)


class FeedTokensPlain(MembersCase):
    extra_config = MembersCase.extra_config + \
        "allow_plaintext_auth_on_loopback = no\n"

    def test_plain_http_refuses_tokens(self):
        self.account("alice")
        r = self.mod("account", "feed-token", "alice", "new")
        tok = re.search(r"token: ([A-Za-z0-9_-]{32})", r.stdout).group(1)
        path = "/t/%s/feeds/groups/support.autism.parents.atom" % tok
        self.assertEqual(self.get(path)[0], 403)
        self.assertEqual(self.get(path, tls=True)[0], 200)


class Xpasswd(MembersCase):

    def test_change_password_over_tls(self):
        self.account("alice")
        c = self.client("nntps")
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertNotIn("XPASSWD", caps)
        self.assertEqual(c.code("XPASSWD a b"), "480")
        self.assertTrue(c.login("alice").startswith("281"))
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("XPASSWD", caps)
        r, helps = c.multi("HELP", "100")
        self.assertTrue(any(l.strip().startswith("XPASSWD") for l in helps))
        self.assertEqual(c.code("XPASSWD"), "501")
        self.assertEqual(c.cmd("XPASSWD wrong-password brand new pass"),
                         "481 That is not your current password")

    def test_change_and_use(self):
        self.h.add_account("bob", "oldpassword1")
        c = self.client("nntps")
        r = c.cmd("AUTHINFO USER bob")
        self.assertEqual(c.cmd("AUTHINFO PASS oldpassword1")[:3], "281")
        r = c.cmd("XPASSWD oldpassword1 short")
        self.assertEqual(r, "591 Password refused: Password must have at "
                            "least 8 characters")
        r = c.cmd("XPASSWD oldpassword1 a new pass phrase")
        self.assertEqual(r, "290 Password changed for bob")
        d = self.client("nntps")
        d.cmd("AUTHINFO USER bob")
        self.assertEqual(d.cmd("AUTHINFO PASS oldpassword1")[:3], "481")
        d.cmd("AUTHINFO USER bob")
        self.assertEqual(d.cmd("AUTHINFO PASS a new pass phrase")[:3], "281")
        log = self.ok("--json", "log", "--action", "account.passwd")
        self.assertIn("by the member over NNTP", log)
        self.assertNotIn("a new pass phrase", self.h.log())


class XpasswdPlain(MembersCase):
    extra_config = MembersCase.extra_config + \
        "allow_plaintext_auth_on_loopback = no\n"

    def test_refused_without_tls(self):
        c = self.client("nntp")
        self.assertEqual(c.code("XPASSWD a b"), "483")
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertNotIn("XPASSWD", caps)


if __name__ == "__main__":
    unittest.main()
