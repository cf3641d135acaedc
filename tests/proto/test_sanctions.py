"""Sanctions in every protocol: the table sanction x protocol.

Rows: a server-wide ban, a global mute, a mute in one newsgroup, a mute
in one IRC room, and a ban that ended (lifted or expired); a mask ban
stays IRC's.  Columns: NNTP on the plain port (and STARTTLS), NNTPS,
IRC, IRCS (SASL PLAIN and EXTERNAL), HTTP Basic, feed tokens, remote
hearthmod over the admins TLS listener, and NNTP transit (IHAVE,
TAKETHIS) for a peer account.  Every cell asserts the exact refusal (the
reason and the end of the sanction in it) or that the thing is allowed.
One hearthd serves the whole class; each row uses its own accounts.
"""

import base64
import datetime
import hashlib
import http.client
import json
import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import tempfile
import time
import unittest

from hearth_test import (BAD_LOG_MARKERS, HEARTHMOD, SCALE, Hearthd,
                         LineClient, tls_client_context)
from irc_helpers import Irc, numerics, parse
from nntp_helpers import PASSWORD, NNTPClient, article_bytes

MEMBERS_GROUP = "support.autism.parents"
MEMBERS_FEED = "/feeds/groups/%s.atom" % MEMBERS_GROUP


class Sanctions(unittest.TestCase):
    """One hearthd with every listener; the rows are the tests."""

    @classmethod
    def setUpClass(cls):
        cls.h = Hearthd("rate_per_second = 100000\nrate_burst = 100000\n"
                        "http_rate_per_second = 100000\n"
                        "http_rate_burst = 100000\n"
                        "flood_messages = 0\n"
                        "nntp_peers = peerban, peermute\n",
                        ("nntp", "nntps", "irc", "ircs", "http", "https",
                         "admins"))
        cls.h.start()
        cls.tmp = tempfile.mkdtemp(prefix="hearth-sanctions-")

    @classmethod
    def tearDownClass(cls):
        rc = cls.h.stop()
        log = cls.h.log()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        for marker in BAD_LOG_MARKERS:
            assert marker not in log, "hearthd log:\n" + log[-4000:]
        assert rc == 0, "hearthd exit %s; log:\n%s" % (rc, log[-4000:])
        cls.h.cleanup()

    def setUp(self):
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()

    # hearthmod, locally and remotely

    def mod(self, *args):
        return self.h.hearthmod(*args)

    def ok(self, *args):
        r = self.mod(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def account(self, name, role="member"):
        self.h.add_account(name, PASSWORD, role)

    def remote(self, user, *args, password=PASSWORD):
        return subprocess.run(
            [HEARTHMOD, "--connect", "127.0.0.1:%d" % self.h.port("admins"),
             "--user", user, "--insecure", "--password-file", "-"]
            + list(args), input=password + "\n", capture_output=True,
            text=True, timeout=30 * SCALE)

    def expires(self, kind, target):
        """The end of the active KIND on TARGET (UTC), or None."""
        rows = json.loads(self.ok("--json", "sanctions"))
        row = [r for r in rows if r["kind"] == kind and
               r["target"] == target][0]
        if row["expires"] == "never":
            return None
        return datetime.datetime.strptime(row["expires"],
                                          "%Y-%m-%d %H:%M:%S")

    def ends(self, kind, target):
        """The same as a Unix time."""
        t = self.expires(kind, target)
        return t.replace(tzinfo=datetime.timezone.utc).timestamp()

    def until(self, kind, target):
        """How a refusal says when the active KIND on TARGET ends."""
        t = self.expires(kind, target)
        if t is None:
            return "until further notice"
        t += datetime.timedelta(seconds=59)
        return t.strftime("until %d.%m.%Y %H:%M UTC")

    def token(self, name):
        out = self.ok("account", "feed-token", name, "new")
        return re.search(r"token: ([A-Za-z0-9_-]{32})", out).group(1)

    # NNTP

    def nntp(self, proto="nntp"):
        lc = LineClient(self.h.addr(proto), tls=proto == "nntps")
        self.clients.append(lc)
        greeting = lc.readline()
        self.assertTrue(greeting.startswith("200 "), greeting)
        return NNTPClient(lc)

    def signed_in(self, proto, name):
        c = self.nntp(proto)
        r = c.login(name)
        self.assertTrue(r.startswith("281"), r)
        return c

    def sasl(self, c, name, password=PASSWORD):
        blob = base64.b64encode(("\0%s\0%s" % (name, password)).encode())
        return c.cmd("AUTHINFO SASL PLAIN " + blob.decode())

    def post(self, c, group, subject):
        """POST; (340 line, final line)."""
        return c.post([("From", "Someone <someone@example.org>"),
                       ("Newsgroups", group), ("Subject", subject)],
                      "A few words.\n")

    def published(self, subject):
        db = sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))
        try:
            n = db.execute("SELECT count(*) FROM articles WHERE "
                           "instr(CAST(text AS TEXT), ?) > 0",
                           (subject,)).fetchone()[0]
        finally:
            db.close()
        return n > 0

    def transit(self, c, cmd, msgid, group):
        """IHAVE or TAKETHIS of a fresh article; the final reply."""
        art = article_bytes([("Path", "peer.example!not-for-mail"),
                             ("From", "Peer <p@peer.example>"),
                             ("Newsgroups", group),
                             ("Subject", "relayed " + msgid),
                             ("Message-ID", msgid),
                             ("Date", "Mon, 07 Dec 2026 10:00:00 +0000")],
                            "Relayed words.\n")
        if cmd == "IHAVE":
            r = c.cmd("IHAVE " + msgid)
            self.assertTrue(r.startswith("335"), r)
            c.lc.sendraw(art)
        else:
            c.lc.sendraw(("TAKETHIS %s\r\n" % msgid).encode() + art)
        return c.lc.readline()

    # IRC

    def irc_raw(self, proto, ctx=None):
        kw = {"ctx": ctx} if ctx is not None else {}
        lc = LineClient(self.h.addr(proto), tls=proto == "ircs", **kw)
        self.clients.append(lc)
        return Irc(lc)

    def irc_sasl_start(self, c):
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")

    def irc_plain(self, c, name, password=PASSWORD):
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            ("\0%s\0%s" % (name, password)).encode()).decode())

    def irc_member(self, proto, name, nick):
        """A registered IRC client signed in as NAME with SASL PLAIN."""
        c = self.irc_raw(proto)
        self.irc_sasl_start(c)
        self.irc_plain(c, name)
        c.until(" 903 ")
        c.send("NICK " + nick)
        c.send("USER %s 0 * :%s" % (nick, nick))
        c.send("CAP END")
        c.until(" 001 ")
        c.sync()
        c.nick = nick
        return c

    def irc_refused(self, c):
        """Lines up to the server's ERROR; the connection must close."""
        lines = c.until(lambda l: l.startswith("ERROR"))
        self.assertTrue(c.is_closed())
        return lines

    def assert_sasl_banned(self, lines, words):
        notices = [parse(l)[3][-1] for l in lines if " NOTICE " in l]
        self.assertIn("You are " + words, notices, lines)
        self.assertIn("904", numerics(lines), lines)
        self.assertNotIn("903", numerics(lines), lines)
        self.assertEqual(lines[-1].split(" (", 1)[1],
                         "You are %s; contact the moderators)" % words)

    def say(self, c, chan, text):
        """PRIVMSG to CHAN; the numerics and FAILs that came back."""
        return [l for l in c.cmd("PRIVMSG %s :%s" % (chan, text))
                if " 404 " in l or l.startswith("FAIL") or " FAIL " in l]

    # HTTP

    def get(self, path, tls=True, auth=None):
        if tls:
            conn = http.client.HTTPSConnection(
                "127.0.0.1", self.h.port("https"), timeout=10 * SCALE,
                context=tls_client_context())
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.h.port("http"), timeout=10 * SCALE)
        headers = {}
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(
                ("%s:%s" % auth).encode()).decode()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, body

    def cert(self, name):
        """A client certificate registered to NAME: an SSL context."""
        key = os.path.join(self.tmp, name + ".key")
        crt = os.path.join(self.tmp, name + ".crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-subj", "/CN=" + name, "-days", "2",
                        "-keyout", key, "-out", crt], check=True,
                       capture_output=True)
        with open(crt) as f:
            fp = hashlib.sha256(ssl.PEM_cert_to_DER_cert(f.read()))
        self.ok("account", "cert", "add", name, fp.hexdigest())
        ctx = tls_client_context()
        ctx.load_cert_chain(crt, key)
        return ctx

    # The rows

    def test_ban_refuses_every_door(self):
        self.account("troll")
        self.account("rogue", "moderator")
        self.account("peerban")
        tok = self.token("troll")
        ctx = self.cert("troll")
        self.assertEqual(self.get("/t/%s%s" % (tok, MEMBERS_FEED))[0], 200)
        # Signed in before the ban: a newsreader, a peer, an IRC client.
        early = self.signed_in("nntps", "troll")
        self.assertEqual(early.code("GROUP " + MEMBERS_GROUP), "211")
        peer = self.signed_in("nntp", "peerban")
        irc_early = self.irc_member("ircs", "troll", "trollearly")
        self.account("trollmate")
        mate = self.irc_member("irc", "trollmate", "trollmate")
        for c in (irc_early, mate):
            c.cmd("JOIN #stroke-recovery")
        mate.sync()
        self.ok("ban", "troll", "--duration", "7d", "--reason", "spam")
        self.ok("ban", "rogue", "--duration", "7d", "--reason",
                "abuse of tools")
        self.ok("ban", "peerban", "--reason", "relays spam")
        words = "banned %s: spam" % self.until("ban", "troll")
        self.assertRegex(words, r"^banned until \d\d\.\d\d\.\d{4} \d\d:\d\d "
                         r"UTC: spam$")

        # NNTP and NNTPS: AUTHINFO USER/PASS and AUTHINFO SASL PLAIN.
        for proto in ("nntp", "nntps"):
            c = self.nntp(proto)
            self.assertEqual(c.login("troll"), "481 Account " + words)
            self.assertEqual(self.sasl(c, "troll"), "481 Account " + words)
            # A wrong password does not learn about the ban.
            self.assertEqual(c.login("troll", "wrong password"),
                             "481 Authentication failed: wrong name or "
                             "password")
        # STARTTLS on the plain port, then AUTHINFO.
        c = self.nntp("nntp")
        self.assertTrue(c.cmd("STARTTLS").startswith("382"))
        c.lc.sock = tls_client_context().wrap_socket(
            c.lc.sock, server_hostname="hearth.test")
        self.assertEqual(c.login("troll"), "481 Account " + words)

        # The session signed in before: reads as a signed-out reader,
        # and what it posts is refused with the reason.
        r340, r = self.post(early, "support.oncology", "troll after ban")
        self.assertTrue(r340.startswith("340"), r340)
        self.assertEqual(r, "441 Posting failed: account " + words)
        self.assertFalse(self.published("troll after ban"))
        self.assertEqual(early.code("GROUP " + MEMBERS_GROUP), "411")
        self.assertEqual(early.code("GROUP support.oncology"), "211")
        status, body = self.get("/feeds/groups/support.oncology.atom",
                                tls=False)
        self.assertEqual(status, 200)
        self.assertNotIn(b"troll after ban", body)
        # A peer banned while connected: transit refused (437, 439).
        self.assertEqual(self.transit(peer, "IHAVE", "<b1@peer.example>",
                                      "support.oncology"),
                         "437 Article rejected: account banned until "
                         "further notice: relays spam")
        self.assertEqual(self.transit(peer, "TAKETHIS",
                                      "<b2@peer.example>",
                                      "support.oncology"),
                         "439 <b2@peer.example> Article rejected")
        self.assertFalse(self.published("relayed <b1@peer.example>"))
        self.assertFalse(self.published("relayed <b2@peer.example>"))

        # IRC and IRCS: SASL PLAIN, 904 with the reason, then closed.
        for proto in ("irc", "ircs"):
            c = self.irc_raw(proto)
            self.irc_sasl_start(c)
            self.irc_plain(c, "troll")
            self.assert_sasl_banned(self.irc_refused(c), words)
        # A client certificate signs the account in no more.
        c = self.irc_raw("ircs", ctx=ctx)
        self.irc_sasl_start(c)
        self.assertEqual(c.cmd("AUTHENTICATE EXTERNAL"), ["AUTHENTICATE +"])
        c.send("AUTHENTICATE +")
        self.assert_sasl_banned(self.irc_refused(c), words)
        # Online when the ban came: told why and until when, and gone;
        # the room sees them quit.
        self.assertEqual(self.irc_refused(irc_early)[-1],
                         "ERROR :Closing Link: trollearly (You are %s; "
                         "contact the moderators)" % words)
        self.assertTrue(any(l.startswith(":trollearly!") and
                            l.endswith(" QUIT :Banned") for l in
                            mate.until(" QUIT ")))

        # HTTP Basic (HTTPS, and plain HTTP on loopback): 403 and why.
        for tls in (True, False):
            status, body = self.get(MEMBERS_FEED, tls=tls,
                                    auth=("troll", PASSWORD))
            self.assertEqual(status, 403)
            self.assertEqual(body.decode().strip(), "Account " + words)
        # The feed token reads as an unknown one while the ban lasts.
        self.assertEqual(self.get("/t/%s%s" % (tok, MEMBERS_FEED))[0], 404)
        # Remote hearthmod: a banned moderator is refused with the reason.
        r = self.remote("rogue", "queue")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), "hearthmod: Account banned %s: "
                         "abuse of tools" % self.until("ban", "rogue"))

    def test_global_mute_refuses_words_not_sign_in(self):
        self.account("loud")
        self.account("modloud", "moderator")
        self.account("listener")
        tok = self.token("loud")
        self.ok("mute", "loud", "--reason", "flooding")
        self.ok("mute", "modloud", "--reason", "flooding")
        words = "you are muted until further notice: flooding"
        # NNTP and NNTPS: signs in and reads; every post is refused.
        for proto, group in (("nntp", "support.oncology"),
                             ("nntps", "support.diabetes")):
            c = self.signed_in(proto, "loud")
            self.assertEqual(c.code("GROUP " + MEMBERS_GROUP), "211")
            subject = "loud in " + group
            r340, r = self.post(c, group, subject)
            self.assertEqual(r, "441 Posting failed: " + words)
            self.assertFalse(self.published(subject))
        # IRC and IRCS: signs in, but neither rooms nor members hear it.
        other = self.irc_member("irc", "listener", "listener1")
        for proto in ("irc", "ircs"):
            c = self.irc_member(proto, "loud", "loud" + proto)
            c.cmd("JOIN #stroke-recovery")
            self.assertTrue(any(" 404 " in l for l in
                                self.say(c, "#stroke-recovery", "hey")))
            self.assertTrue(any("MUTED" in l for l in
                                self.say(c, "listener1", "psst")))
        self.assertFalse(any("psst" in l for l in other.sync()))
        # Reading over HTTP is not speaking: allowed.
        self.assertEqual(self.get(MEMBERS_FEED, auth=("loud", PASSWORD))[0],
                         200)
        self.assertEqual(self.get("/t/%s%s" % (tok, MEMBERS_FEED))[0], 200)
        # A muted moderator still moderates.
        r = self.remote("modloud", "queue")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_group_mute_covers_that_group_only(self):
        self.account("dia")
        self.account("moddia", "moderator")
        self.account("peermute")
        self.account("roommate")
        peer = self.signed_in("nntps", "peermute")
        r = self.mod("mute", "dia", "--scope", "support.nosuchgroup")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Scope is", r.stderr)
        out = self.ok("mute", "dia", "--scope", "support.diabetes",
                      "--duration", "1h", "--reason", "off-topic")
        self.assertIn("(support.diabetes)", out)
        self.ok("mute", "moddia", "--scope", "support.diabetes")
        self.ok("mute", "peermute", "--scope", "support.diabetes",
                "--reason", "loops")
        words = "you are muted in support.diabetes %s: off-topic" % \
            self.until("mute", "dia")
        for proto in ("nntp", "nntps"):
            c = self.signed_in(proto, "dia")
            subject = "dia diabetes " + proto
            self.assertEqual(self.post(c, "support.diabetes", subject)[1],
                             "441 Posting failed: " + words)
            self.assertFalse(self.published(subject))
            # A crosspost that touches the group is refused whole.
            self.assertEqual(self.post(c, "support.oncology,"
                                       "support.diabetes", "x")[1],
                             "441 Posting failed: " + words)
            # Other groups are open.
            r = self.post(c, "support.oncology", "dia oncology " + proto)[1]
            self.assertTrue(r.startswith("240"), r)
            self.assertTrue(self.published("dia oncology " + proto))
        # Transit from the muted peer: refused in the group only.
        self.assertEqual(self.transit(peer, "IHAVE", "<m1@peer.example>",
                                      "support.diabetes"),
                         "437 Article rejected: you are muted in "
                         "support.diabetes until further notice: loops")
        self.assertEqual(self.transit(peer, "TAKETHIS",
                                      "<m2@peer.example>",
                                      "support.diabetes"),
                         "439 <m2@peer.example> Article rejected")
        self.assertEqual(self.transit(peer, "IHAVE", "<m3@peer.example>",
                                      "support.oncology"),
                         "235 Article transferred OK")
        self.assertEqual(self.transit(peer, "TAKETHIS",
                                      "<m4@peer.example>",
                                      "support.oncology"),
                         "239 <m4@peer.example> Article transferred OK")
        # IRC rooms are another scope: the diabetes room hears them.
        mate = self.irc_member("irc", "roommate", "roommate")
        mate.cmd("JOIN #newly-diagnosed-diabetes")
        for proto in ("irc", "ircs"):
            c = self.irc_member(proto, "dia", "dia" + proto)
            c.cmd("JOIN #newly-diagnosed-diabetes")
            self.assertEqual(self.say(c, "#newly-diagnosed-diabetes",
                                      "hello from " + proto), [])
            self.assertTrue(any("hello from " + proto in l
                                for l in mate.sync()))
        self.assertEqual(self.get(MEMBERS_FEED, auth=("dia", PASSWORD))[0],
                         200)
        tok = self.token("dia")
        self.assertEqual(self.get("/t/%s%s" % (tok, MEMBERS_FEED))[0], 200)
        r = self.remote("moddia", "queue")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_room_mute_covers_that_room_only(self):
        self.account("roomy")
        self.account("modroomy", "moderator")
        self.ok("mute", "roomy", "--scope", "#newly-diagnosed-diabetes",
                "--reason", "shouting")
        self.ok("mute", "modroomy", "--scope", "#newly-diagnosed-diabetes")
        for proto in ("nntp", "nntps"):
            c = self.signed_in(proto, "roomy")
            r = self.post(c, "support.diabetes", "roomy " + proto)[1]
            self.assertTrue(r.startswith("240"), r)
        for proto in ("irc", "ircs"):
            c = self.irc_member(proto, "roomy", "roomy" + proto)
            c.cmd("JOIN #newly-diagnosed-diabetes")
            c.cmd("JOIN #stroke-recovery")
            self.assertTrue(any(" 404 " in l for l in self.say(
                c, "#newly-diagnosed-diabetes", "LOUD")))
            self.assertEqual(self.say(c, "#stroke-recovery", "quiet"), [])
        self.assertEqual(self.get(MEMBERS_FEED,
                                  auth=("roomy", PASSWORD))[0], 200)
        tok = self.token("roomy")
        self.assertEqual(self.get("/t/%s%s" % (tok, MEMBERS_FEED))[0], 200)
        r = self.remote("modroomy", "queue")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_lifted_and_expired_bans_open_every_door_again(self):
        for name in ("forgiven", "comeback"):
            self.account(name)
        self.account("modback", "moderator")
        toks = {n: self.token(n) for n in ("forgiven", "comeback")}
        early = self.signed_in("nntp", "forgiven")
        self.ok("ban", "forgiven", "--reason", "mistake")
        self.ok("ban", "comeback", "--duration", "3s", "--reason", "cool "
                "down")
        self.ok("ban", "modback", "--duration", "3s")
        # In force for now.
        for name in ("comeback", "forgiven"):
            self.assertTrue(self.nntp("nntps").login(name).startswith(
                "481 Account banned"))
            self.assertEqual(self.get("/t/%s%s" % (toks[name],
                                                   MEMBERS_FEED))[0], 404)
        self.assertEqual(self.post(early, "support.oncology", "too early")[1],
                         "441 Posting failed: account banned until further "
                         "notice: mistake")
        self.assertEqual(early.code("GROUP " + MEMBERS_GROUP), "411")
        # One lifted by a moderator, the others end by themselves.
        ends = max(self.ends("ban", "comeback"), self.ends("ban", "modback"))
        self.ok("unban", "forgiven")
        time.sleep(max(0, ends + 1 - time.time()))
        for name in ("forgiven", "comeback"):
            for proto in ("nntp", "nntps"):
                c = self.signed_in(proto, name)
                r = self.post(c, "support.oncology",
                              "%s back on %s" % (name, proto))[1]
                self.assertTrue(r.startswith("240"), r)
            for proto in ("irc", "ircs"):
                c = self.irc_member(proto, name, name + proto)
                c.cmd("JOIN #stroke-recovery")
                self.assertEqual(self.say(c, "#stroke-recovery", "hi"), [])
            self.assertEqual(self.get(MEMBERS_FEED,
                                      auth=(name, PASSWORD))[0], 200)
            self.assertEqual(self.get("/t/%s%s" % (toks[name],
                                                   MEMBERS_FEED))[0], 200)
        # What members met and the audit log agree: it expired.
        log = json.loads(self.ok("--json", "log", "--target", "comeback"))
        self.assertIn(("expiry", "ban.expire"),
                      [(e["actor"], e["action"]) for e in log])
        # The session signed in all along acts as the account again.
        self.assertEqual(early.code("GROUP " + MEMBERS_GROUP), "211")
        r = self.post(early, "support.oncology", "forgiven again")[1]
        self.assertTrue(r.startswith("240"), r)
        r = self.remote("modback", "queue")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_mask_ban_stays_irc(self):
        self.account("evader2")
        self.ok("ban", "evader*!*@*", "--reason", "evasion")
        c = self.irc_raw("irc")
        c.send("NICK evader1")
        c.send("USER evader 0 * :evader")
        line = self.irc_refused(c)[-1]
        self.assertEqual(line, "ERROR :Closing Link: evader1 (You are "
                         "banned until further notice: evasion; contact "
                         "the moderators)")
        # A mask is IRC's: an account whose name fits it is not banned.
        self.assertTrue(self.nntp("nntp").login("evader2").startswith("281"))

class BannedWithoutAnonymousReading(unittest.TestCase):
    """Where reading needs an account, a newsreader banned while signed
    in is told why (502), not asked to sign in again (480)."""

    def test_reading_refused_with_the_reason(self):
        h = Hearthd("anonymous_read = no\n", ("nntp",))
        h.start()
        try:
            h.add_account("gone", PASSWORD)
            lc = LineClient(h.addr("nntp"))
            c = NNTPClient(lc)
            lc.readline()
            self.assertTrue(c.login("gone").startswith("281"))
            self.assertEqual(c.code("GROUP support.oncology"), "211")
            r = h.hearthmod("ban", "gone", "--reason", "threats")
            self.assertEqual(r.returncode, 0, r.stderr)
            for cmd in ("GROUP support.oncology", "ARTICLE 1"):
                self.assertEqual(c.cmd(cmd), "502 Account banned until "
                                 "further notice: threats")
            self.assertEqual(c.cmd("AUTHINFO USER gone"),
                             "502 Already authenticated")
            r = h.hearthmod("unban", "gone")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(c.code("GROUP support.oncology"), "211")
            lc.close()
        finally:
            rc = h.stop()
            log = h.log()
            h.cleanup()
        for marker in BAD_LOG_MARKERS:
            self.assertNotIn(marker, log)
        self.assertEqual(rc, 0, log[-4000:])


if __name__ == "__main__":
    unittest.main()
