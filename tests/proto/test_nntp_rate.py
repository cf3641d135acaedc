"""The NNTP rate limit counts pipelined reads fairly (issue 18): at the
default bucket (10 commands a second after a burst of 40) a newsreader
that pipelines 2,000 ARTICLEs down a thread, with HEAD, BODY, STAT and
OVER mixed in, is never made to wait, while a flood of garbage, of
refused reads, of LIST ACTIVE or NEWNEWS, or of sign-in attempts still
waits for the bucket.

Whether a connection waited is read from the server itself: `hearthmod
status` counts every pause of a client's reading for its token bucket
(rate.waits.nntp), so nothing here depends on how fast the machine is.
"""

import re
import threading
import time
import unittest

from hearth_test import SCALE
from nntp_helpers import NNTPCase, PASSWORD


class RateCase(NNTPCase):

    def waits(self):
        r = self.h.hearthmod("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"^rate\.waits\.nntp (\d+)$", r.stdout, re.M)
        self.assertIsNotNone(m, r.stdout)
        return int(m.group(1))

    def send_in_background(self, c, data):
        """Pipeline DATA from a thread while the test reads replies, so
        neither side's socket buffer can stall the other."""
        t = threading.Thread(target=c.lc.sendraw, args=(data,))
        t.start()
        return t


class PipelinedReader(RateCase):
    # The shipped defaults, spelled out: the old rule (one token per
    # command) made 2,000 commands wait about 196 s.
    extra_config = "rate_per_second = 10\nrate_burst = 40\n"
    N = 2000

    def test_pipelined_reads_never_wait(self):
        alice = self.member("alice")
        mids = [self.post_ok(alice, subject="Thread %d" % i,
                             body="Message %d of the thread.\n" % i)
                for i in range(3)]
        c = self.client()
        before = self.waits()
        cmds = [b"GROUP support.oncology"]
        cmds += [b"ARTICLE " + mids[i % 3].encode() for i in range(self.N)]
        for i in range(100):
            n = b"%d" % (i % 3 + 1)
            cmds += [b"HEAD " + n, b"BODY " + n, b"STAT " + n,
                     b"OVER " + n, b"XOVER 1-3", b"NEXT", b"LAST"]
        cmds.append(b"DATE")
        t0 = time.time()
        t = self.send_in_background(c, b"\r\n".join(cmds) + b"\r\n")
        self.assertTrue(c.lc.readline().startswith("211 3 1 3 "))
        for i in range(self.N):
            r = c.lc.readline()
            self.assertTrue(r.startswith("220 ") and
                            r.split()[2] == mids[i % 3], r)
            body = c.lc.read_multiline()
            self.assertIn("Message %d of the thread." % (i % 3), body)
        for i in range(100):
            for code in ("221", "222", "223", "224", "224"):
                r = c.lc.readline()
                self.assertEqual(r[:3], code, r)
                if code != "223":
                    c.lc.read_multiline()
            self.assertIn(c.lc.readline()[:3], ("223", "421"))     # NEXT
            self.assertIn(c.lc.readline()[:3], ("223", "422"))     # LAST
        self.assertEqual(c.lc.readline()[:3], "111")
        t.join()
        elapsed = time.time() - t0
        # The server never paused this reader for its bucket ...
        self.assertEqual(self.waits(), before)
        # ... so 2,701 commands took far less than the old rule's
        # 266 s (a bound the old rule could not meet on any machine).
        self.assertLess(elapsed, 120 * SCALE)



class ReadsPricedAsCommands(RateCase):
    """The price is what makes the difference: with reads priced as any
    other command (nntp_reads_per_token = 1, the old rule), the same
    kind of pipeline waits for the bucket."""
    extra_config = ("rate_per_second = 10\nrate_burst = 40\n"
                    "nntp_reads_per_token = 1\n")

    def test_reads_wait_again(self):
        c = self.client()
        before = self.waits()
        t = self.send_in_background(
            c, b"GROUP support.oncology\r\n" + b"STAT 1\r\n" * 59)
        self.assertEqual(c.lc.readline()[:3], "211")
        for _ in range(59):
            self.assertEqual(c.lc.readline()[:3], "423")
        t.join()
        self.assertGreater(self.waits(), before)


class Floods(RateCase):
    # A small bucket keeps the floods short: 10 at once, 20 a second.
    extra_config = "rate_per_second = 20\nrate_burst = 10\n"

    def flood(self, c, lines, expect, n=40):
        """Pipeline N copies of LINES; every reply is answered (the
        flood waits, nothing is dropped); returns the seconds taken and
        how many times the server paused the connection."""
        before = self.waits()
        t0 = time.time()
        t = self.send_in_background(c, b"".join(l + b"\r\n"
                                                for l in lines) * n)
        for _ in range(n):
            for code in expect:
                r = c.lc.readline()
                self.assertEqual(r[:3], code, r)
                if code in ("215", "230"):
                    c.lc.read_multiline()
        t.join()
        return time.time() - t0, self.waits() - before

    def test_garbage_still_waits(self):
        elapsed, waits = self.flood(self.client(), [b"XYZZY plugh"],
                                    ["500"])
        self.assertGreater(waits, 0)
        # 30 past a bucket of 10 at 20 a second: at least 1.5 s.
        self.assertGreater(elapsed, 1.2)

    def test_refused_reads_cost_a_whole_token(self):
        """A read refused for its syntax is garbage too, whether the
        dispatcher (argument count) or the handler (a message-id or
        number that is none) refuses it."""
        for lines in ([b"ARTICLE 1 2 3", b"HEAD a b"],
                      [b"HEAD junk", b"OVER 5-x", b"BODY -3"]):
            elapsed, waits = self.flood(self.client(), lines,
                                        ["501"] * len(lines),
                                        n=40 // len(lines))
            self.assertGreater(waits, 0, lines)
            self.assertGreater(elapsed, 1.2, lines)

    def test_expensive_commands_still_wait(self):
        """LIST ACTIVE * and NEWNEWS are no reads a reader pipelines; a
        read between them does not make them cheap."""
        elapsed, waits = self.flood(
            self.client(),
            [b"LIST ACTIVE *", b"ARTICLE <none@far.away>",
             b"NEWNEWS * 20240101 000000"], ["215", "430", "230"], n=20)
        self.assertGreater(waits, 0)
        self.assertGreater(elapsed, 1.2)

    def test_sign_in_attempts_still_wait(self):
        self.account("alice")
        c = self.client()
        before = self.waits()
        t = self.send_in_background(
            c, b"AUTHINFO USER alice\r\nAUTHINFO PASS wrong\r\n" * 4)
        codes = [c.lc.readline()[:3] for _ in range(8)]
        t.join()
        # USER costs 1 + 4, PASS 1 + 4: the bucket of 10 pays for one
        # pair; past it the attempts wait or are refused with 502.
        self.assertEqual(codes[0], "381")
        self.assertIn("502", codes)
        self.assertNotIn("281", codes)
        self.assertGreater(self.waits(), before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
