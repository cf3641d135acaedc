"""SASL SCRAM-SHA-256 (RFC 5802, RFC 7677; issue 18) over real sockets.

The client side is written here from the RFCs with hashlib and hmac
only, so the server is checked against an independent implementation:
the exchange (gs2 header, nonce, proof, the server's `v=`), refusals
(wrong password, nonce or channel binding, `p=`, `m=`, bad base64, too
long, aborted), accounts made before SCRAM (no keys: 904, PLAIN still
works and makes them), the throttle and bans as for PLAIN, keys made at
every password change and never the password stored, the mechanism
gated like PLAIN, and NNTP AUTHINFO SASL SCRAM-SHA-256 (RFC 4643).
"""

import base64
import hashlib
import hmac
import os
import signal
import sqlite3
import stringprep
import time
import unicodedata
import unittest

from hearth_test import HearthTestCase, LineClient, SCALE
from irc_helpers import Irc, IrcCase, numerics, parse
from nntp_helpers import FAST, NNTPClient

MECH = "SCRAM-SHA-256"
PW = "correct horse battery"


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def saslprep(s):
    """RFC 4013 for a stored string: the mapping, then NFKC."""
    s = "".join(" " if stringprep.in_table_c12(ch) else ch
                for ch in s if not stringprep.in_table_b1(ch))
    return unicodedata.normalize("NFKC", s)


class Scram:
    """The client side of one SCRAM-SHA-256 exchange."""

    def __init__(self, user, password, gs2="n,,", cnonce=None):
        self.password = password
        self.gs2 = gs2
        self.cnonce = cnonce or b64(os.urandom(18))
        name = user.replace("=", "=3D").replace(",", "=2C")
        self.bare = "n=%s,r=%s" % (name, self.cnonce)

    def first(self):
        return self.gs2 + self.bare

    def final(self, server_first, nonce=None, cbind=None, tamper=False):
        """The client-final message for SERVER_FIRST; NONCE and CBIND
        replace the right ones, TAMPER flips a bit of the proof."""
        attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
        self.nonce = attrs["r"]
        self.salt = base64.b64decode(attrs["s"])
        self.iterations = int(attrs["i"])
        assert self.nonce.startswith(self.cnonce), server_first
        assert len(self.nonce) > len(self.cnonce), server_first
        salted = hashlib.pbkdf2_hmac(
            "sha256", saslprep(self.password).encode(), self.salt,
            self.iterations)
        ckey = hmac.new(salted, b"Client Key", "sha256").digest()
        stored = hashlib.sha256(ckey).digest()
        without = "c=%s,r=%s" % (cbind or b64(self.gs2), nonce or self.nonce)
        authmsg = ",".join((self.bare, server_first, without)).encode()
        sig = hmac.new(stored, authmsg, "sha256").digest()
        proof = bytearray(a ^ b for a, b in zip(ckey, sig))
        if tamper:
            proof[0] ^= 1
        skey = hmac.new(salted, b"Server Key", "sha256").digest()
        self.server_final = "v=" + b64(
            hmac.new(skey, authmsg, "sha256").digest())
        return without + ",p=" + b64(bytes(proof))


def decode(line):
    """The SASL data of an AUTHENTICATE line."""
    arg = parse(line)[3][0]
    return "" if arg == "+" else base64.b64decode(arg).decode()


def db_exec(h, sql, args=()):
    db = sqlite3.connect(os.path.join(h.dir, "hearth.db"), timeout=10)
    try:
        rows = db.execute(sql, args).fetchall()
        db.commit()
        return rows
    finally:
        db.close()


def drop_keys(h, name):
    """Make NAME an account from before SCRAM: no keys."""
    db_exec(h, "DELETE FROM scram_keys WHERE account_id = "
            "(SELECT id FROM accounts WHERE name_fold = ?)", (name,))


def keys_of(h, name):
    return db_exec(h, "SELECT s.salt, s.iterations, s.stored_key, "
                   "s.server_key FROM scram_keys s JOIN accounts a ON "
                   "a.id = s.account_id WHERE a.name_fold = ?", (name,))


def sent_until(c, *codes):
    """Lines up to the first with one of the numerics CODES."""
    return c.until(lambda l: any(" %s " % n in l for n in codes))


class IrcScram:
    """The IRC steps, shared by the test classes."""

    def start_scram(self, c):
        self.assertEqual(c.cmd("AUTHENTICATE " + MECH), ["AUTHENTICATE +"])

    def server_first(self, c, s):
        """Send the client-first message; the server-first one."""
        lines = c.cmd("AUTHENTICATE " + b64(s.first()))
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].startswith("AUTHENTICATE "), lines)
        return decode(lines[0])

    def scram(self, name, password, proto="irc", c=None, **final_kw):
        """A whole exchange on a new (or the given) connection: (client,
        lines after the client-final message)."""
        c = c or self.raw(proto)
        self.start_scram(c)
        s = Scram(name, password)
        first = self.server_first(c, s)
        c.send("AUTHENTICATE " + b64(s.final(first, **final_kw)))
        lines = c.until(lambda l: l.startswith("AUTHENTICATE ") or
                        " 904 " in l)
        self.last = s
        return c, lines

    def scram_ok(self, name, password, proto="irc", c=None):
        c, lines = self.scram(name, password, proto, c)
        self.assertTrue(lines[-1].startswith("AUTHENTICATE "), lines)
        # The server proves it knows the keys too.
        self.assertEqual(decode(lines[-1]), self.last.server_final)
        lines = c.cmd("AUTHENTICATE +")
        # (After registration a 396 for the new host comes too.)
        lines = [l for l in lines if " 396 " not in l]
        self.assertEqual(numerics(lines), ["900", "903"], lines)
        self.assertIn(" %s :you are now logged in as %s" % (
            name.lower(), name.lower()), lines[0].lower())
        return c

    def scram_fails(self, name, password, proto="irc", **kw):
        c, lines = self.scram(name, password, proto, **kw)
        self.assertEqual(numerics(lines), ["904"], lines)
        self.assertFalse(any(l.startswith("AUTHENTICATE ") for l in lines))
        return c

    def plain_ok(self, name, password, proto="irc"):
        c = self.raw(proto)
        c.cmd("AUTHENTICATE PLAIN")
        lines = c.cmd("AUTHENTICATE " + b64("\0%s\0%s" % (name, password)))
        self.assertEqual(numerics(lines), ["900", "903"], lines)
        return c


class IrcScramTest(IrcScram, IrcCase):
    extra_config = "scram_iterations = 5000\n"

    def test_advertised_and_success(self):
        self.h.add_account("sally", PW)
        c = self.raw("ircs")
        ls = " ".join(c.cmd("CAP LS 302"))
        self.assertIn("sasl=PLAIN,EXTERNAL,SCRAM-SHA-256", ls)
        # Over TLS and over loopback in clear (allowed here), before and
        # after registration.
        self.scram_ok("sally", PW, "ircs")
        self.assertEqual(self.last.iterations, 5000)
        self.assertEqual(len(self.last.salt), 16)
        c = self.scram_ok("Sally", PW, "irc")
        c.send("NICK sal")
        c.send("USER sal 0 * :s")
        self.assertIn(" 001 ", c.until(" 001 ")[-1])
        c.until(" 376 ")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + MECH)), ["907"])
        # After registration too (sasl-3.2).
        c = self.client("sallyreg")
        self.scram_ok("sally", PW, c=c)
        # The salt and rounds are the stored ones: the same each time.
        c, lines = self.scram("sally", PW)
        salt = self.last.salt
        c.cmd("AUTHENTICATE *")
        self.scram("sally", PW)
        self.assertEqual(self.last.salt, salt)
        # What is stored: salt, rounds, two keys; never the password.
        salt, rounds, stored, server = keys_of(self.h, "sally")[0]
        self.assertEqual((len(salt), rounds, len(stored), len(server)),
                         (16, 5000, 32, 32))
        with open(os.path.join(self.h.dir, "hearth.db"), "rb") as f:
            self.assertNotIn(PW.encode(), f.read())

    def test_mech_list(self):
        c = self.raw("ircs")
        self.assertEqual(c.cmd("AUTHENTICATE FOO"), [
            ":hearth.test 908 * PLAIN,EXTERNAL,SCRAM-SHA-256 :are "
            "available SASL mechanisms",
            ":hearth.test 904 * :SASL authentication failed"])
        c = self.raw("irc")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE scram-sha-256")), [])

    def test_wrong_password(self):
        self.h.add_account("wendy", PW)
        c = self.scram_fails("wendy", PW + "!")
        self.scram_fails("wendy", "")
        # The same connection may go on; the right password works.
        self.scram_ok("wendy", PW, c=c)

    def test_wrong_nonce_and_binding(self):
        self.h.add_account("nora", PW)
        # The client's nonce alone, or another server nonce: refused.
        c = self.raw()
        self.start_scram(c)
        s = Scram("nora", PW)
        first = self.server_first(c, s)
        lines = c.cmd("AUTHENTICATE " + b64(s.final(first,
                                                    nonce=s.cnonce)))
        self.assertEqual(numerics(lines), ["904"], lines)
        self.scram_fails("nora", PW, tamper=True)
        c = self.raw()
        self.start_scram(c)
        s = Scram("nora", PW)
        first = self.server_first(c, s)
        lines = c.cmd("AUTHENTICATE " + b64(
            s.final(first, nonce=s.cnonce + "AAAAAAAAAAAAAAAAAAAAAAAA")))
        self.assertEqual(numerics(lines), ["904"], lines)
        # c= must repeat the gs2 header.
        self.scram_fails("nora", PW, cbind=b64("y,,"))
        # 'y': the client could bind but we offer no -PLUS: fine.
        c = self.raw()
        self.start_scram(c)
        s = Scram("nora", PW, gs2="y,,")
        lines = c.cmd("AUTHENTICATE " + b64(s.final(self.server_first(c,
                                                                      s))))
        self.assertEqual(decode(lines[0]), s.server_final)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE +")), ["900", "903"])
        # An authorization identity must be the account itself.
        c = self.raw()
        self.start_scram(c)
        s = Scram("nora", PW, gs2="n,a=nora,")
        lines = c.cmd("AUTHENTICATE " + b64(s.final(self.server_first(c,
                                                                      s))))
        self.assertEqual(decode(lines[0]), s.server_final)
        c = self.raw()
        self.start_scram(c)
        s = Scram("nora", PW, gs2="n,a=wendy,")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + b64(s.first()))),
                         ["904"])

    def test_refusals(self):
        self.h.add_account("rita", PW)
        c = self.raw()
        # Channel binding asked for: we do not offer SCRAM-SHA-256-PLUS.
        self.start_scram(c)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + b64(
            "p=tls-server-end-point,,n=rita,r=abcdefgh"))), ["904"])
        # A mandatory extension we do not know.
        self.start_scram(c)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + b64(
            "n,,m=ext,n=rita,r=abcdefgh"))), ["904"])
        # Malformed messages and bad base64, in both steps.
        for bad in (b64("n,,r=abc,n=rita"), b64("garbage"), "not*base64",
                    "QQ="):
            c = self.raw()
            self.start_scram(c)
            self.assertEqual(numerics(c.cmd("AUTHENTICATE " + bad)),
                             ["904"], bad)
        for bad in ("not*base64", b64("c=biws"), b64("p=AAAA")):
            c = self.raw()
            self.start_scram(c)
            self.server_first(c, Scram("rita", PW))
            self.assertEqual(numerics(c.cmd("AUTHENTICATE " + bad)),
                             ["904"], bad)
        # Too long (chunks of 400 mean "more"; past 8 KiB): 904.
        c = self.raw()
        self.start_scram(c)
        for _ in range(20):
            self.assertEqual(c.cmd("AUTHENTICATE " + "A" * 400), [])
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + "A" * 400)),
                         ["904"])
        # Only "+" acknowledges the server-final message.
        c, lines = self.scram("rita", PW)
        self.assertEqual(decode(lines[-1]), self.last.server_final)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + b64("x"))),
                         ["904"])
        # Not logged in (that would be 907).
        self.assertEqual(c.cmd("AUTHENTICATE " + MECH), ["AUTHENTICATE +"])
        # Five failures on one connection close it, as for PLAIN.
        c = self.raw()
        for i in range(5):
            c.send("AUTHENTICATE " + MECH)
            c.send("AUTHENTICATE " + b64("garbage"))
        self.assertTrue(any(l.startswith("ERROR") for l in c.until(
            lambda l: l.startswith("ERROR"))))
        self.assertTrue(c.is_closed())

    def test_long_nonce_in_chunks(self):
        # A 256-byte client nonce (the most taken): the server-first
        # message passes 400 base64 bytes and comes in two AUTHENTICATE
        # lines; one byte more is refused.
        self.h.add_account("lana", PW)
        c = self.raw()
        self.start_scram(c)
        s = Scram("lana", PW, cnonce="x" * 256)
        lines = c.cmd("AUTHENTICATE " + b64(s.first()))
        self.assertEqual(len(lines), 2, lines)
        self.assertEqual(len(parse(lines[0])[3][0]), 400)
        first = base64.b64decode(parse(lines[0])[3][0] +
                                 parse(lines[1])[3][0]).decode()
        # The client-final message is over 400 too: in chunks as well.
        final = b64(s.final(first))
        self.assertGreater(len(final), 400)
        c.send("AUTHENTICATE " + final[:400])
        lines = c.cmd("AUTHENTICATE " + final[400:])
        self.assertEqual(decode(lines[0]), s.server_final)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE +")), ["900", "903"])
        c = self.raw()
        self.start_scram(c)
        s = Scram("lana", PW, cnonce="x" * 257)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + b64(s.first()))),
                         ["904"])

    def test_abort(self):
        self.h.add_account("abby", PW)
        for step in (0, 1, 2):
            c = self.raw()
            self.start_scram(c)
            s = Scram("abby", PW)
            if step >= 1:
                first = self.server_first(c, s)
            if step == 2:
                lines = c.cmd("AUTHENTICATE " + b64(s.final(first)))
                self.assertEqual(decode(lines[0]), s.server_final)
            self.assertEqual(numerics(c.cmd("AUTHENTICATE *")), ["906"])
            # Not logged in; a new exchange starts from the beginning.
            self.assertEqual(numerics(c.cmd("AUTHENTICATE *")), ["906"])
            self.scram_ok("abby", PW, c=c)

    def test_unknown_name_answers_like_an_account(self):
        # The exchange runs to the proof, with a stable salt; then 904.
        c = self.scram_fails("nosuchname", PW)
        salt = self.last.salt
        self.assertEqual(self.last.iterations, 5000)
        self.scram_fails("nosuchname", PW)
        self.assertEqual(self.last.salt, salt)
        self.scram_fails("nosuchother", PW)
        self.assertNotEqual(self.last.salt, salt)

    def test_old_account_without_keys(self):
        self.h.add_account("olga", PW)
        drop_keys(self.h, "olga")
        self.assertEqual(keys_of(self.h, "olga"), [])
        # SCRAM fails cleanly (904 at the proof, no keys to check it)...
        self.scram_fails("olga", PW)
        # ...PLAIN works, and now that we held the password, keys exist.
        self.plain_ok("olga", PW)
        self.assertEqual(keys_of(self.h, "olga")[0][1], 5000)
        self.scram_ok("olga", PW)

    def test_password_changes_make_new_keys(self):
        self.h.add_account("pam", PW)
        r = self.h.hearthmod("account", "passwd", "pam",
                             "--password-file", "-",
                             input="brand-new-password\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.scram_fails("pam", PW)
        self.scram_ok("pam", "brand-new-password")
        # The member's own change through the Helper.
        c = self.client("pamnick", sasl=("pam", "brand-new-password"))
        c.send("PRIVMSG Helper :PASSWORD brand-new-password "
               "the-third-password")
        self.assertIn("has been changed", c.until("changed")[-1])
        self.scram_fails("pam", "brand-new-password")
        self.scram_ok("pam", "the-third-password")
        r = self.h.hearthmod("log", "--target", "pam")
        self.assertIn("by the member", r.stdout)

    def test_register_makes_keys(self):
        c = self.raw()
        self.assertIn("REGISTER SUCCESS regina", c.cmd(
            "REGISTER regina * :regina's password")[0])
        self.scram_ok("regina", "regina's password")

    def test_saslprep(self):
        # Cyrillic with a no-break space and a soft hyphen: the client
        # applies full SASLprep (Python's tables), the server its
        # mapping step; the keys agree.
        pw = "\u043f\u0430\u0440\u043e\u043b\u044c\u00a0\u0434\u043b" \
             "\u044f\u00ad \u0432\u0441\u0435\u0445"
        self.h.add_account("prep", pw)
        self.scram_ok("prep", pw)
        self.scram_ok("prep", saslprep(pw))
        self.plain_ok("prep", pw)


class IrcScramRounds(IrcScram, IrcCase):

    def test_more_rounds_at_next_password_sign_in(self):
        self.h.add_account("ursula", PW)
        self.scram_ok("ursula", PW)
        self.assertEqual(self.last.iterations, 4096)
        with open(self.h.conf) as f:
            conf = f.read()
        self.h.write_config(conf + "scram_iterations = 8192\n")
        self.h.signal(signal.SIGHUP)
        deadline = time.monotonic() + 10 * SCALE
        while "configuration and TLS certificate reloaded" not in \
                self.h.log():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        # The stored keys still serve (the password is not at hand)...
        self.scram_ok("ursula", PW)
        self.assertEqual(self.last.iterations, 4096)
        # ...until a password sign-in makes them again, with more rounds.
        self.plain_ok("ursula", PW)
        self.scram_ok("ursula", PW)
        self.assertEqual(self.last.iterations, 8192)
        self.assertEqual(keys_of(self.h, "ursula")[0][1], 8192)
        # New accounts get them at once.
        self.h.add_account("violet", PW)
        self.assertEqual(keys_of(self.h, "violet")[0][1], 8192)


class IrcScramBan(IrcScram, IrcCase):

    def test_banned_account(self):
        self.h.add_account("bert", PW)
        self.scram_ok("bert", PW)
        r = self.h.hearthmod("ban", "bert", "--reason", "spam")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The right proof: told why, 904 (no server-final, no 900), closed.
        c, lines = self.scram("bert", PW)
        lines += c.until(lambda l: l.startswith("ERROR"))
        self.assertTrue(c.is_closed())
        self.assertIn("904", numerics(lines), lines)
        self.assertNotIn("900", numerics(lines), lines)
        self.assertFalse(any(l.startswith("AUTHENTICATE ") for l in lines))
        notices = [parse(l)[3][-1] for l in lines if " NOTICE " in l]
        self.assertIn("You are banned until further notice: spam", notices)
        # A wrong password does not learn about the ban.
        c = self.scram_fails("bert", "wrong")
        self.assertFalse(c.is_closed(0.2))


class IrcScramThrottle(IrcScram, IrcCase):
    extra_config = "login_max_failures = 3\nlogin_delay_max = 1\n"

    def raw_from(self, source):
        c = Irc(LineClient(self.h.addr("irc"), source=source))
        self.clients.append(c)
        return c

    def test_throttle(self):
        self.h.add_account("tom", PW)
        for _ in range(3):
            self.scram_fails("tom", "guess", c=self.raw_from("127.0.0.1"))
        # This address may not try this name now: 904 at once, for SCRAM
        # (no server-first) and for PLAIN, even with the right password.
        c = self.raw_from("127.0.0.1")
        self.start_scram(c)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + b64(
            Scram("tom", PW).first()))), ["904"])
        c.cmd("AUTHENTICATE PLAIN")
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + b64(
            "\0tom\0" + PW))), ["904"])
        # The owner elsewhere signs in, after the per-account delay.
        t0 = time.monotonic()
        c, lines = self.scram("tom", PW, c=self.raw_from("127.0.0.2"))
        self.assertGreaterEqual(time.monotonic() - t0, 0.9)
        self.assertEqual(decode(lines[-1]), self.last.server_final)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE +")), ["900", "903"])
        # Failures of a name that does not exist count the same way.
        for _ in range(3):
            self.scram_fails("ghost", "guess", c=self.raw_from("127.0.0.3"))
        c = self.raw_from("127.0.0.3")
        self.start_scram(c)
        self.assertEqual(numerics(c.cmd("AUTHENTICATE " + b64(
            Scram("ghost", PW).first()))), ["904"])


class IrcScramPlaintextRefused(IrcScram, IrcCase):
    extra_config = "allow_plaintext_auth_on_loopback = no\n"

    def test_gated_like_plain(self):
        self.h.add_account("gina", PW)
        c = self.raw("irc")
        self.assertEqual(c.cmd("AUTHENTICATE " + MECH), [
            ":hearth.test 908 * EXTERNAL :are available SASL mechanisms",
            ":hearth.test 904 * :SASL authentication failed"])
        self.scram_ok("gina", PW, "ircs")


class NntpScram(HearthTestCase):
    protos = ("nntp", "nntps")
    extra_config = FAST

    def client(self, proto="nntps"):
        return NNTPClient(self.nntp(proto))

    def exchange(self, c, name, password, initial=True, **kw):
        """AUTHINFO SASL SCRAM-SHA-256; the final reply."""
        s = Scram(name, password)
        if initial:
            r = c.cmd("AUTHINFO SASL %s %s" % (MECH, b64(s.first())))
        else:
            self.assertEqual(c.cmd("AUTHINFO SASL " + MECH), "383 =")
            r = c.cmd(b64(s.first()))
        self.assertTrue(r.startswith("383 "), r)
        first = base64.b64decode(r[4:]).decode()
        r = c.cmd(b64(s.final(first, **kw)))
        self.last = s
        return r

    def test_nntp(self):
        self.h.add_account("nina", PW)
        c = self.client()
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertIn("SASL PLAIN SCRAM-SHA-256", caps)
        r = self.exchange(c, "nina", PW)
        # RFC 4643 2.4.1: success with data is 283 and the data.
        self.assertTrue(r.startswith("283 "), r)
        self.assertEqual(base64.b64decode(r[4:]).decode(),
                         self.last.server_final)
        self.assertEqual(c.code("AUTHINFO SASL " + MECH), "502")
        c = self.client("nntp")
        self.assertEqual(self.exchange(c, "nina", PW, initial=False)[:3],
                         "283")
        c = self.client()
        self.assertEqual(self.exchange(c, "nina", "wrong"),
                         "481 Authentication failed: wrong name or password")
        self.assertEqual(self.exchange(c, "nina", PW, tamper=True)[:3],
                         "481")
        self.assertEqual(self.exchange(c, "nina", PW,
                                       nonce="abcdefgh")[:3], "481")
        # Cancelled with "*", bad base64 504, channel binding refused.
        s = Scram("nina", PW)
        r = c.cmd("AUTHINFO SASL %s %s" % (MECH, b64(s.first())))
        self.assertEqual(c.cmd("*"), "481 Authentication cancelled")
        c.cmd("AUTHINFO SASL %s %s" % (MECH, b64(s.first())))
        self.assertEqual(c.cmd("not*base64")[:3], "504")
        self.assertEqual(c.cmd("AUTHINFO SASL %s %s" % (
            MECH, b64("p=tls-server-end-point,,n=nina,r=abc")))[:3], "481")
        self.assertEqual(c.code("DATE"), "111")
        # An account from before SCRAM: 481, then AUTHINFO makes keys.
        self.h.add_account("olaf", PW)
        drop_keys(self.h, "olaf")
        c = self.client()
        self.assertEqual(self.exchange(c, "olaf", PW)[:3], "481")
        self.assertTrue(c.login("olaf", PW).startswith("281"))
        c = self.client()
        self.assertEqual(self.exchange(c, "olaf", PW)[:3], "283")

    def test_banned(self):
        self.h.add_account("bart", PW)
        r = self.h.hearthmod("ban", "bart", "--reason", "spam")
        self.assertEqual(r.returncode, 0, r.stderr)
        c = self.client()
        self.assertEqual(self.exchange(c, "bart", PW),
                         "481 Account banned until further notice: spam")


class NntpScramPlaintextRefused(HearthTestCase):
    protos = ("nntp",)
    extra_config = FAST + "allow_plaintext_auth_on_loopback = no\n"

    def test_refused_in_clear(self):
        c = NNTPClient(self.nntp("nntp"))
        r, caps = c.multi("CAPABILITIES", "101")
        self.assertFalse(any(l.startswith("SASL") for l in caps), caps)
        self.assertEqual(c.cmd("AUTHINFO SASL %s %s" % (
            MECH, b64(Scram("x", PW).first())))[:3], "483")


if __name__ == "__main__":
    unittest.main()
