"""HTTP on the connection layer: the same limits as every protocol, a
total deadline per request, and HTTP/1.1 framing (keep-alive,
pipelining, HEAD, Host, the error codes of RFC 9110/9112)."""

import http.client
import os
import resource
import socket
import time
import unittest

from hearth_test import SCALE, WRAPPER, Hearthd, HearthTestCase


def read_response(c, head=False):
    """(status line, {lower-case field: value}, body) from LineClient C."""
    status = c.readline()
    fields = {}
    while True:
        line = c.readline()
        if line == "":
            break
        k, v = line.split(":", 1)
        fields[k.strip().lower()] = v.strip()
    n = 0
    if not head and " 304 " not in status:
        n = int(fields["content-length"])
    while len(c.buf) < n:
        data = c.sock.recv(65536)
        if not data:
            raise EOFError("closed inside a body")
        c.buf += data
    body, c.buf = c.buf[:n], c.buf[n:]
    return status, fields, body


def get(path, host="hearth.test", extra=""):
    return ("GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n"
            % (path, host, extra)).encode()


class HTTPConnBase(HearthTestCase):
    protos = ("http", "https", "nntp", "irc")
    extra_config = "http_rate_per_second = 1000\nhttp_rate_burst = 1000\n"

    def served(self, proto, source=None):
        """Is a request on a new PROTO connection from SOURCE answered?"""
        c = self.connect(proto, source=source)
        try:
            c.sendraw(get("/healthz"))
            status, _, body = read_response(c)
        except (OSError, EOFError):
            return False
        finally:
            c.close()
        return status.startswith("HTTP/1.1 200 ") and body == b"ok\n"

    def served_soon(self, proto, source=None):
        """served(), allowing the server a moment to free a closed slot."""
        for _ in range(20):
            if self.served(proto, source):
                return True
            time.sleep(0.1 * SCALE)
        return False


class PerAddressLimit(HTTPConnBase):
    extra_config = (HTTPConnBase.extra_config +
                    "max_connections_per_ip = 3\nmax_connections = 100\n")

    def test_http_and_https_count_per_address(self):
        held = [self.connect("http"), self.connect("https"),
                self.connect("http")]
        for proto in ("http", "https"):
            extra = self.connect(proto)
            status = extra.readline()
            self.assertTrue(status.startswith("HTTP/1.1 503 "), status)
            self.assertTrue(extra.is_closed())
        # Another address is not affected.
        self.assertTrue(self.served("http", source="127.0.0.2"))
        self.assertTrue(self.served("https", source="127.0.0.2"))
        # NNTP from the full address is refused too: one count for all.
        n = self.connect("nntp")
        self.assertTrue(n.readline().startswith("400 "))
        held[0].close()
        self.assertTrue(self.served_soon("http"))


class TotalLimit(HTTPConnBase):
    extra_config = (HTTPConnBase.extra_config +
                    "max_connections_per_ip = 100\nmax_connections = 5\n")

    def test_every_protocol_counts_against_one_total(self):
        self.nntp()
        self.irc_register("alice")
        self.connect("http", source="127.0.0.2")
        self.connect("https", source="127.0.0.3")
        self.connect("http", source="127.0.0.4")
        for proto in ("http", "https"):
            c = self.connect(proto, source="127.0.0.5")
            status = c.readline()
            self.assertTrue(status.startswith("HTTP/1.1 503 "), status)
            self.assertTrue(c.is_closed())
        n = self.connect("nntp", source="127.0.0.6")
        self.assertTrue(n.readline().startswith("400 "))
        self.clients[2].close()
        self.assertTrue(self.served_soon("http", source="127.0.0.7"))


class Deadline(HTTPConnBase):
    extra_config = (HTTPConnBase.extra_config +
                    "http_request_timeout = 2\n")

    def test_dribbling_client_gets_408_at_the_deadline(self):
        """One byte every 0.1 s: the deadline is for the whole request,
        not per byte, so the server answers 408 and closes at 2 s."""
        for proto in ("http", "https"):
            c = self.connect(proto)
            c.sock.settimeout(0.1)
            start = time.time()
            data = b"GET / HTTP/1.1\r\nHost: hearth.test\r\nX-Slow: " + \
                b"a" * 200
            for ch in data:
                try:
                    c.sendraw(bytes([ch]))
                    got = c.sock.recv(65536)
                except (TimeoutError, OSError) as e:
                    if "timed out" in str(e) or isinstance(e, TimeoutError):
                        continue
                    break
                c.buf += got
                break
            elapsed = time.time() - start
            c.sock.settimeout(5 * SCALE)
            status = c.readline()
            self.assertTrue(status.startswith("HTTP/1.1 408 "), status)
            self.assertTrue(c.is_closed())
            self.assertLess(elapsed, 6 * SCALE, proto)
            self.assertGreater(elapsed, 1.5, proto)

    def test_keep_alive_between_requests_is_not_the_deadline(self):
        c = self.connect("http")
        c.sendraw(get("/healthz"))
        self.assertTrue(read_response(c)[0].startswith("HTTP/1.1 200 "))
        time.sleep(3)
        c.sendraw(get("/healthz"))
        self.assertTrue(read_response(c)[0].startswith("HTTP/1.1 200 "))

    def test_silent_new_connection_is_closed(self):
        c = self.connect("http")
        self.assertTrue(c.is_closed(timeout=5))
        self.assertEqual(c.buf, b"")


class Framing(HTTPConnBase):

    def test_pipelined_requests_answered_in_order(self):
        c = self.connect("http")
        c.sendraw(get("/healthz") + get("/no/such/page") +
                  get("/events.ics"))
        s1, f1, b1 = read_response(c)
        s2, _, _ = read_response(c)
        s3, f3, b3 = read_response(c)
        self.assertTrue(s1.startswith("HTTP/1.1 200 "), s1)
        self.assertEqual(b1, b"ok\n")
        self.assertTrue(s2.startswith("HTTP/1.1 404 "), s2)
        self.assertTrue(s3.startswith("HTTP/1.1 200 "), s3)
        self.assertTrue(f3["content-type"].startswith("text/calendar"))
        self.assertTrue(b3.startswith(b"BEGIN:VCALENDAR"))
        self.assertIn("date", f1)
        # Still open: keep-alive is the 1.1 default.
        c.sendraw(get("/healthz"))
        self.assertTrue(read_response(c)[0].startswith("HTTP/1.1 200 "))

    def test_many_pipelined_requests_never_outgrow_the_cap(self):
        c = self.connect("http")
        n = 300
        c.sendraw(b"".join(get("/") for _ in range(n)))
        for i in range(n):
            status, _, body = read_response(c)
            self.assertTrue(status.startswith("HTTP/1.1 200 "), (i, status))
            self.assertIn(b"</html>", body)

    def test_http10_closes_unless_asked(self):
        c = self.connect("http")
        c.sendraw(b"GET /healthz HTTP/1.0\r\n\r\n")
        status, f, body = read_response(c)
        self.assertTrue(status.startswith("HTTP/1.1 200 "), status)
        self.assertEqual(body, b"ok\n")
        self.assertEqual(f.get("connection"), "close")
        self.assertTrue(c.is_closed())
        c = self.connect("http")
        c.sendraw(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        status, f, _ = read_response(c)
        self.assertEqual(f.get("connection"), "keep-alive")
        c.sendraw(b"GET /healthz HTTP/1.0\r\n\r\n")
        self.assertTrue(read_response(c)[0].startswith("HTTP/1.1 200 "))
        self.assertTrue(c.is_closed())

    def test_connection_close_on_11(self):
        c = self.connect("http")
        c.sendraw(get("/healthz", extra="Connection: close\r\n"))
        status, f, _ = read_response(c)
        self.assertEqual(f.get("connection"), "close")
        self.assertTrue(c.is_closed())

    def test_head_has_the_fields_but_no_body(self):
        c = self.connect("http")
        c.sendraw(b"HEAD / HTTP/1.1\r\nHost: hearth.test\r\n\r\n" +
                  get("/"))
        hs, hf, hb = read_response(c, head=True)
        gs, gf, gb = read_response(c)
        self.assertTrue(hs.startswith("HTTP/1.1 200 "), hs)
        self.assertEqual(hb, b"")
        self.assertEqual(int(hf["content-length"]), len(gb))
        self.assertEqual(hf["etag"], gf["etag"])
        self.assertTrue(gb.startswith(b"<!DOCTYPE html"))

    def test_host_required_in_11(self):
        c = self.connect("http")
        c.sendraw(b"GET /healthz HTTP/1.1\r\n\r\n")
        status, _, body = read_response(c)
        self.assertTrue(status.startswith("HTTP/1.1 400 "), status)
        self.assertTrue(body)
        self.assertTrue(c.is_closed())
        c = self.connect("http")
        c.sendraw(b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        self.assertTrue(read_response(c)[0].startswith("HTTP/1.1 400 "))

    def test_header_block_over_the_cap_gets_431(self):
        c = self.connect("http")
        c.sendraw(get("/", extra="".join("X-F%d: v\r\n" % i
                                         for i in range(100))))
        self.assertTrue(read_response(c)[0].startswith("HTTP/1.1 431 "))
        self.assertTrue(c.is_closed())
        c = self.connect("http")
        c.sendraw(get("/", extra="X-Big: %s\r\n" % ("b" * 20000)))
        self.assertTrue(read_response(c)[0].startswith("HTTP/1.1 431 "))
        c = self.connect("http")
        c.sendraw(get("/", extra="X-A: %s\r\nX-B: %s\r\nX-C: %s\r\n"
                      % (("a" * 7000,) * 3)))
        self.assertTrue(read_response(c)[0].startswith("HTTP/1.1 431 "))

    def test_methods(self):
        c = self.connect("http")
        c.sendraw(b"BREW / HTTP/1.1\r\nHost: hearth.test\r\n\r\n")
        status, _, body = read_response(c)
        self.assertTrue(status.startswith("HTTP/1.1 501 "), status)
        self.assertTrue(body)
        # A refused POST's body is read past, and the next request works.
        c.sendraw(b"POST / HTTP/1.1\r\nHost: hearth.test\r\n"
                  b"Content-Length: 24\r\n\r\nGET /no/such HTTP/1.1\r\n\r\n" +
                  get("/healthz"))
        status, f, _ = read_response(c)
        self.assertTrue(status.startswith("HTTP/1.1 405 "), status)
        self.assertEqual(f["allow"], "GET, HEAD")
        status, _, body = read_response(c)
        self.assertTrue(status.startswith("HTTP/1.1 200 "), status)
        self.assertEqual(body, b"ok\n")

    def test_ambiguous_framing_refused_and_closed(self):
        """RFC 9112 §6.3: one request has one length, or none at all."""
        cases = [
            (b"Content-Length: 5\r\nContent-Length: 44\r\n", "400"),
            (b"Content-Length: 5\r\nContent-Length: 5\r\n", "400"),
            (b"Content-Length : 5\r\n", "400"),
            (b"Content-Length: 5, 5\r\n", "400"),
            (b"Content-Length: -1\r\n", "400"),
            (b"Content-Length: 100000\r\n", "413"),
            (b"Transfer-Encoding: chunked\r\n", "501"),
            (b"Transfer-Encoding: gzip\r\n", "400"),
            (b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
             "400"),
            (b"X-Folded: a\r\n b\r\n", "400"),
            (b"X-Bare: a\rb\r\n", "400"),
            (b"X-Nul: a\x00b\r\n", "400"),
            (b" X-Lead: a\r\n", "400"),
        ]
        for fields, code in cases:
            c = self.connect("http")
            c.sendraw(b"GET /healthz HTTP/1.1\r\nHost: hearth.test\r\n" +
                      fields + b"\r\nhello" + get("/healthz"))
            status, _, _ = read_response(c)
            self.assertTrue(status.startswith("HTTP/1.1 %s " % code),
                            (fields, status))
            self.assertTrue(c.is_closed(), fields)
            self.assertNotIn(b"HTTP/1.1", c.buf, fields)

    def test_request_line_errors(self):
        cases = [
            (b"GET /healthz HTTP/2.0\r\n\r\n", "505"),
            (b"GET /healthz HTTP/1\r\n\r\n", "400"),
            (b"GET  /healthz HTTP/1.1\r\nHost: a\r\n\r\n", "400"),
            (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: a\r\n\r\n",
             "414"),
            (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "400"),
        ]
        for data, code in cases:
            c = self.connect("http")
            c.sendraw(data)
            status, _, _ = read_response(c)
            self.assertTrue(status.startswith("HTTP/1.1 %s " % code),
                            (data[:40], status))
            self.assertTrue(c.is_closed())

    def test_https_keep_alive_and_pipelining(self):
        c = self.connect("https")
        c.sendraw(get("/healthz") * 3)
        for _ in range(3):
            status, _, body = read_response(c)
            self.assertTrue(status.startswith("HTTP/1.1 200 "), status)
            self.assertEqual(body, b"ok\n")


class LargeBodies(HTTPConnBase):
    """A body larger than the output cap goes out a piece at a time:
    the cap holds, and the reader gets every byte."""
    extra_config = HTTPConnBase.extra_config + "output_cap = 16384\n"

    def setUp(self):
        super().setUp()
        for i in range(12):
            r = self.h.hearthmod(
                "event", "add", "--title", "Patient school %d" % i,
                "--starts", "2031-03-%02dT17:30Z" % (i + 1),
                "--duration", "90m", "--room", "#patient-school",
                "--description", "Questions and answers. " * 80)
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_body_past_the_cap(self):
        for proto in ("http", "https"):
            c = self.connect(proto)
            c.sendraw(get("/feeds/events.atom") * 2 + get("/healthz"))
            s1, f1, b1 = read_response(c)
            s2, _, b2 = read_response(c)
            s3, _, b3 = read_response(c)
            self.assertTrue(s1.startswith("HTTP/1.1 200 "), s1)
            self.assertGreater(len(b1), 16384)
            self.assertEqual(b1, b2)
            self.assertTrue(b1.rstrip().endswith(b"</feed>"))
            self.assertEqual(b3, b"ok\n")
            c.sendraw(b"GET /feeds/events.atom HTTP/1.0\r\n\r\n")
            s4, f4, b4 = read_response(c)
            self.assertEqual(b4, b1)
            self.assertEqual(f4.get("connection"), "close")
            self.assertTrue(c.is_closed())
        self.assertNotIn("output cap", self.h.log())


def cpu_seconds(pid):
    """User + system CPU time of process PID, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@unittest.skipIf(WRAPPER, "valgrind needs descriptors of its own")
class DescriptorExhaustion(unittest.TestCase):
    """Out of descriptors, the listener pauses instead of spinning on
    accept() and logging each failure (issue: ~95 % CPU, 25 MB/s of
    log); once descriptors free up it accepts again."""

    def test_accept_pauses_quietly_and_recovers(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        h = Hearthd("max_connections_per_ip = 100000\n"
                    "http_rate_per_second = 1000\nhttp_rate_burst = 1000\n",
                    protos=("http", "nntp"))
        h.start()
        # hearthd raises a soft limit too low for max_connections at
        # start (the descriptor budget): lower it under the running
        # server instead, as a descriptor leak or a flood would.
        resource.prlimit(h.proc.pid, resource.RLIMIT_NOFILE, (64, hard))
        socks = []
        try:
            for _ in range(100):
                socks.append(socket.create_connection(h.addr("http")))
            time.sleep(0.5)
            size0 = os.path.getsize(h.log_path)
            cpu0 = cpu_seconds(h.proc.pid)
            time.sleep(2)
            grew = os.path.getsize(h.log_path) - size0
            cpu = cpu_seconds(h.proc.pid) - cpu0
            self.assertLess(grew, 2048, h.log()[-2000:])
            self.assertLess(cpu, 0.5)
            self.assertIn("pausing accepts", h.log())
            for s in socks:
                s.close()
            socks = []
            deadline = time.time() + 10
            status = None
            while time.time() < deadline:
                try:
                    c = http.client.HTTPConnection(*h.addr("http"),
                                                   timeout=5)
                    c.request("GET", "/healthz")
                    status = c.getresponse().status
                    c.close()
                    if status == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
            self.assertEqual(status, 200)
        finally:
            for s in socks:
                s.close()
            self.assertEqual(h.stop(), 0)
            h.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
