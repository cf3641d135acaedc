"""No existence oracle for private articles (issue 14, item 7): to a
member who cannot read an article, posting with its Message-ID,
cancelling it or superseding it answers exactly as for a message-id
that does not exist, and nothing of it is touched."""

import atexit
import os
import shutil
import tempfile
import unittest

from hearth_test import SRCDIR
from nntp_helpers import FAST, NNTPCase

PRIVATE = "circle.oracle"


def _groups_file():
    d = tempfile.mkdtemp(prefix="hearth-groups-")
    atexit.register(shutil.rmtree, d, True)
    with open(os.path.join(SRCDIR, "etc/groups.conf")) as f:
        text = f.read()
    text += "%s  open  private  A closed circle\n" % PRIVATE
    p = os.path.join(d, "groups.conf")
    with open(p, "w") as f:
        f.write(text)
    return p


REFUSED = ("441 Posting failed: Message-ID not accepted; post without a Message-ID header "
           "and the server will choose one")


class PrivateOracle(NNTPCase):
    extra_config = FAST + "groups_file = %s\n" % _groups_file()

    def setUp(self):
        super().setUp()
        self.facil = self.member("facil")
        r = self.h.hearthmod("group", "access", "add", PRIVATE, "facil")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.bob = self.member("bob")
        # One private article with the server's id, one with the
        # poster's own.
        self.secret = self.post_ok(self.facil, group=PRIVATE,
                                   subject="Ours", body="Only for us.\n")
        self.assertTrue(self.secret.endswith("@hearth.test>"), self.secret)
        self.own = "<circle-1@example.org>"
        self.post_ok(self.facil, group=PRIVATE, subject="Ours too",
                     body="Also ours.\n",
                     extra=[("Message-ID", self.own)])
        self.public = self.post_ok(self.facil, subject="Open",
                                   extra=[("Message-ID",
                                           "<open-1@example.org>")])

    def post(self, c, extra, subject="Probe"):
        headers = [("From", "Bob <bob@example.org>"),
                   ("Newsgroups", "support.oncology"),
                   ("Subject", subject)] + extra
        r340, r = c.post(headers, "probe\n")
        self.assertTrue(r340.startswith("340"), r340)
        return r

    def still_there(self, msgid, body):
        r = self.facil.cmd("ARTICLE " + msgid)
        self.assertTrue(r.startswith("220 "), r)
        lines = self.facil.lc.read_multiline()
        self.assertIn(body, lines)

    def test_post_with_a_private_message_id(self):
        # The server's ids: the same refusal whether taken or not.
        taken = self.post(self.bob, [("Message-ID", self.secret)])
        free = self.post(self.bob, [("Message-ID",
                                     "<1.2.3.deadbeef@hearth.test>")])
        self.assertEqual(taken, REFUSED)
        self.assertEqual(free, REFUSED)
        # A poster's own id on a private article: refused without
        # saying it exists.
        r = self.post(self.bob, [("Message-ID", self.own)])
        self.assertEqual(r, REFUSED)
        self.assertNotIn("exists", r)
        # An article bob can read is a plain duplicate, as before.
        r = self.post(self.bob, [("Message-ID", self.public)])
        self.assertIn("exists already", r)
        # The id POST offered may be used; a new foreign id too.
        r340 = self.bob.cmd("POST")
        offered = r340.split()[-1]
        self.bob.lc.sendraw(
            b"From: Bob <bob@example.org>\r\nNewsgroups: support.oncology"
            b"\r\nSubject: offered\r\nMessage-ID: " + offered.encode() +
            b"\r\n\r\nbody\r\n.\r\n")
        r = self.bob.lc.readline()
        self.assertTrue(r.startswith("240 ") and r.endswith(offered), r)
        r = self.post(self.bob, [("Message-ID", "<bob-1@example.org>")])
        self.assertTrue(r.startswith("240 "), r)
        self.still_there(self.secret, "Only for us.")
        self.still_there(self.own, "Also ours.")

    def test_cancel_answers_as_unknown(self):
        for target in (self.secret, self.own):
            r = self.post(self.bob, [("Control", "cancel " + target)])
            unknown = "<never-%s" % target[1:]
            r2 = self.post(self.bob, [("Control", "cancel " + unknown)])
            self.assertEqual(r, r2.replace(unknown, target))
            self.assertNotIn("your own", r)
        self.still_there(self.secret, "Only for us.")
        self.still_there(self.own, "Also ours.")

    def test_supersedes_answers_as_unknown(self):
        r = self.post(self.bob, [("Supersedes", self.own)])
        self.assertTrue(r.startswith("240 "), r)
        r = self.post(self.bob, [("Supersedes", self.secret)])
        self.assertTrue(r.startswith("240 "), r)
        r = self.post(self.bob, [("Supersedes", "<never-1@example.org>")])
        self.assertTrue(r.startswith("240 "), r)
        # Nothing was replaced.
        self.still_there(self.secret, "Only for us.")
        self.still_there(self.own, "Also ours.")
        # Bob still may not supersede what he can read but did not write.
        r = self.post(self.bob, [("Supersedes", self.public)])
        self.assertIn("your own", r)


if __name__ == "__main__":
    unittest.main()
