"""IRCv3 behaviours that the public conformance suite (irctest) checks,
each reproduced against a real hearthd: the command sent and the exact
reply asserted.  One test per behaviour that once differed."""

import base64
import re
import unittest

from irc_helpers import IrcCase, parse


def plain(authz, authc, password):
    raw = "\0".join((authz, authc, password)).encode()
    return base64.b64encode(raw).decode()


class Labels(IrcCase):

    def test_unknown_command_is_labeled(self):
        # labeled-response: the 421 of an unknown command carries the
        # label like any other reply.
        a = self.client("lbu1", caps=("batch", "labeled-response"))
        lines = a.cmd("@label=deadbeef NONEXISTENT_COMMAND")
        self.assertEqual(len(lines), 1)
        tags, _, cmd, params = parse(lines[0])
        self.assertEqual(cmd, "421")
        self.assertEqual(tags, {"label": "deadbeef"})
        self.assertEqual(params[:2], ["lbu1", "NONEXISTENT_COMMAND"])


class History(IrcCase):

    def test_invalid_target_names_subcommand(self):
        # chathistory: FAIL CHATHISTORY INVALID_TARGET <sub> <target>.
        a = self.client("hit1", caps=("batch", "draft/chathistory"))
        b = self.client("hit2")
        b.cmd("JOIN #hitroom")
        for target in ("#hit-nowhere", "#hitroom"):
            lines = a.cmd("CHATHISTORY LATEST %s * 10" % target)
            self.assertEqual(len(lines), 1)
            _, _, cmd, params = parse(lines[0])
            self.assertEqual(cmd, "FAIL")
            self.assertEqual(params[:4], ["CHATHISTORY", "INVALID_TARGET",
                                          "LATEST", target])


class Monitor(IrcCase):

    def test_readding_reports_status_again(self):
        # monitor: every target of "MONITOR +" gets 730 or 731, also
        # one that was already on the list.
        a = self.client("mra1")
        self.client("mra2")
        self.assertEqual([parse(l)[2] for l in a.cmd("MONITOR + mra2")],
                         ["730"])
        lines = a.cmd("MONITOR + mra2,mra3")
        got = sorted((parse(l)[2], parse(l)[3][1]) for l in lines)
        self.assertEqual(len(got), 2, lines)
        self.assertEqual(got[0][0], "730")
        self.assertTrue(got[0][1].startswith("mra2!"))
        self.assertEqual(got[1], ("731", "mra3"))


class AccountTag(IrcCase):

    def test_invite_carries_account(self):
        # account-tag: every message a logged-in user sends, INVITE
        # included, and nothing else for a client with only that cap.
        self.h.add_account("atinv", "atinv-password")
        a = self.client("ati1", caps=("account-tag",))
        b = self.client("ati2", sasl=("atinv", "atinv-password"))
        b.cmd("JOIN #atiroom")
        b.cmd("INVITE ati1 #atiroom")
        tags, src, cmd, params = parse(a.sync()[0])
        self.assertEqual(cmd, "INVITE")
        self.assertEqual(params, ["ati1", "#atiroom"])
        self.assertEqual(tags, {"account": "atinv"})


if __name__ == "__main__":
    unittest.main()
