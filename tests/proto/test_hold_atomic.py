"""A hold is one transaction: killed between hiding a member's words and
queueing them for the moderators, the server leaves either nothing or
both (the hidden message or held article and its queue row) -- never a
hidden item no moderator sees.

HEARTH_FAULT=hold in hearthd's environment makes it raise SIGKILL in
the hold path right after the item is stored hidden and before its
queue row is written (inert when the variable is not set).
"""

import base64
import os
import signal
import sqlite3
import unittest

from hearth_test import BAD_LOG_MARKERS, SCALE, Hearthd, LineClient
from irc_helpers import Irc
from nntp_helpers import FAST, NNTPClient, article_bytes

PW = "correct horse battery"
ROOM = "#newly-diagnosed-ms"


class HoldAtomic(unittest.TestCase):

    def setUp(self):
        self.h = Hearthd(FAST, protos=("irc", "nntp"))
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()
        self.h.stop()
        self.h.cleanup()

    def start(self, fault):
        if fault:
            os.environ["HEARTH_FAULT"] = "hold"
        try:
            self.h.start()
        finally:
            os.environ.pop("HEARTH_FAULT", None)

    def newbie(self):
        """An account on probation: everything it writes is held."""
        self.h.add_account("newpat", PW)
        r = self.h.hearthmod("account", "probation", "newpat", "3")
        self.assertEqual(r.returncode, 0, r.stderr)

    def irc(self):
        c = Irc(LineClient(self.h.addr("irc")))
        self.clients.append(c)
        c.send("CAP LS 302")
        c.send("CAP REQ :sasl")
        c.until(" ACK ")
        c.send("AUTHENTICATE PLAIN")
        c.until("AUTHENTICATE +")
        c.send("AUTHENTICATE " + base64.b64encode(
            ("\0newpat\0" + PW).encode()).decode())
        c.until(" 903 ")
        c.send("NICK newpat")
        c.send("USER newpat 0 * :New")
        c.send("CAP END")
        c.until(" 001 ")
        c.cmd("JOIN " + ROOM)
        return c

    def nntp(self):
        lc = LineClient(self.h.addr("nntp"))
        self.clients.append(lc)
        self.assertTrue(lc.readline().startswith("200"))
        n = NNTPClient(lc)
        self.assertTrue(n.login("newpat", PW).startswith("281"))
        return n

    def died_by_fault(self):
        """The server killed itself at the fault point."""
        rc = self.h.proc.wait(10 * SCALE)
        self.h.logf.close()
        self.assertEqual(rc, -signal.SIGKILL, self.h.log()[-3000:])
        self.assertIn("HEARTH_FAULT=hold: killing", self.h.log())

    def db(self):
        return sqlite3.connect(os.path.join(self.h.dir, "hearth.db"))

    def chat_state(self, text):
        """(chat rows with TEXT, hidden ones, their held queue rows)."""
        db = self.db()
        rows = db.execute("SELECT msgid, hidden FROM chat_messages WHERE "
                          "text = ?", (text,)).fetchall()
        queued = sum(db.execute(
            "SELECT count(*) FROM modq WHERE kind = 'held' AND "
            "item_type = 'chat' AND item_ref = ?", (m,)).fetchone()[0]
            for m, _ in rows)
        db.close()
        return len(rows), sum(1 for _, h in rows if h), queued

    def article_state(self, subject):
        """(held articles with SUBJECT, their holds rows, queue rows)."""
        db = self.db()
        rows = db.execute("SELECT id, msgid FROM articles WHERE status = "
                          "'held' AND instr(CAST(text AS TEXT), ?) > 0",
                          ("Subject: " + subject + "\r\n",)).fetchall()
        holds = sum(db.execute("SELECT count(*) FROM holds WHERE "
                               "article_id = ?", (i,)).fetchone()[0]
                    for i, _ in rows)
        queued = sum(db.execute(
            "SELECT count(*) FROM modq WHERE kind = 'held' AND "
            "item_type = 'article' AND item_ref = ?", (m,)).fetchone()[0]
            for _, m in rows)
        db.close()
        return len(rows), holds, queued

    def test_irc_hold_killed_between_hide_and_queue(self):
        self.start(fault=True)
        self.newbie()
        c = self.irc()
        text = "my first words here, please keep them safe"
        c.send("PRIVMSG %s :%s" % (ROOM, text))
        self.died_by_fault()
        # Nothing (rolled back) or both; never a hidden line alone.
        self.assertIn(self.chat_state(text), ((0, 0, 0), (1, 1, 1)))
        self.assertEqual(self.chat_state(text), (0, 0, 0),
                         "the hold's transaction cannot have committed")
        # Restarted without the fault the same words are held and
        # queued together, and the sender is told.
        for old in self.clients:
            old.close()
        self.clients = []
        self.start(fault=False)
        c = self.irc()
        lines = c.cmd("PRIVMSG %s :%s" % (ROOM, text))
        self.assertTrue(any(" NOTE PRIVMSG MESSAGE_HELD " in l
                            for l in lines), lines)
        self.assertEqual(self.chat_state(text), (1, 1, 1))

    def test_nntp_hold_killed_between_hide_and_queue(self):
        self.start(fault=True)
        self.newbie()
        n = self.nntp()
        subject = "Hello from a newcomer"
        headers = [("From", "New <new@example.org>"),
                   ("Newsgroups", "support.oncology"),
                   ("Subject", subject)]
        self.assertTrue(n.cmd("POST").startswith("340"))
        n.lc.sendraw(article_bytes(headers, "Glad to be here.\n"))
        self.died_by_fault()
        self.assertIn(self.article_state(subject), ((0, 0, 0), (1, 1, 1)))
        self.assertEqual(self.article_state(subject), (0, 0, 0))
        for old in self.clients:
            old.close()
        self.clients = []
        self.start(fault=False)
        n = self.nntp()
        r340, r = n.post(headers, "Glad to be here.\n")
        self.assertTrue(r.startswith("240") and "held for a moderator" in r,
                        r)
        self.assertEqual(self.article_state(subject), (1, 1, 1))

    def test_fault_point_is_inert_by_default(self):
        self.start(fault=False)
        self.newbie()
        c = self.irc()
        lines = c.cmd("PRIVMSG %s :an ordinary held message" % ROOM)
        self.assertTrue(any(" NOTE PRIVMSG MESSAGE_HELD " in l
                            for l in lines), lines)
        self.assertIsNone(self.h.proc.poll())
        self.assertEqual(self.chat_state("an ordinary held message"),
                         (1, 1, 1))
        log = self.h.log()
        self.assertNotIn("HEARTH_FAULT", log)
        for marker in BAD_LOG_MARKERS:
            self.assertNotIn(marker, log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
