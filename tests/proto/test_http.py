"""HTTP: landing page, events feeds, caching, limits and hostile text."""

import gzip
import http.client
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

from hearth_test import SRCDIR, HearthTestCase

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = ("School <script>alert(1)</script> ]]> & \"quotes\" "
                 "\u202eevil\u202c end")


class HTTPBase(HearthTestCase):
    protos = ("http", "https", "ircs", "nntps")
    extra_config = "http_rate_per_second = 1000\nhttp_rate_burst = 1000\n"

    def get(self, path, headers=None, method="GET", tls=False):
        port = self.h.port("https" if tls else "http")
        if tls:
            import ssl
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection("127.0.0.1", port,
                                               timeout=10, context=ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r, body

    def add_event(self, title="Patient school: insulin pumps", **kw):
        args = ["event", "add", "--title", title,
                "--starts", kw.get("starts", "2031-03-04T17:30Z"),
                "--duration", kw.get("duration", "90m"),
                "--room", kw.get("room", "#patient-school")]
        for k in ("group", "capacity", "facilitator", "description"):
            if k in kw:
                args += ["--" + k, kw[k]]
        r = self.h.hearthmod(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return int(r.stdout.split()[1])


class Landing(HTTPBase):

    def test_landing_page_lists_public_groups_and_rooms(self):
        self.add_event("Meet the oncologists")
        r, body = self.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Content-Type"),
                         "text/html; charset=utf-8")
        text = body.decode()
        self.assertTrue(text.startswith("<!DOCTYPE html>"))
        # Well-formed (the writer produces polyglot markup).
        root = ET.fromstring(text[len("<!DOCTYPE html>"):])
        self.assertEqual(root.tag, "html")
        self.assertEqual(root.get("lang"), "en")
        self.assertIn("support.oncology", text)
        self.assertIn("#newly-diagnosed-oncology", text)
        self.assertIn('href="nntps://127.0.0.1:%d/support.ms"'
                      % self.h.port("nntps"), text)
        self.assertIn('href="ircs://127.0.0.1:%d/%%23stroke-recovery"'
                      % self.h.port("ircs"), text)
        # Members-only groups and secret rooms stay out of public view.
        self.assertNotIn("support.autism.parents", text)
        self.assertNotIn("hearth.report", text)
        self.assertNotIn("#moderators", text)
        # Hotline, disclaimer, next events, feed autodiscovery.
        self.assertIn("If you are in crisis", text)
        self.assertIn("not medical advice", text)
        self.assertIn("Meet the oncologists", text)
        links = [l for l in root.iter("link")
                 if l.get("rel") == "alternate"]
        self.assertTrue(any(l.get("href").endswith("/feeds/events.atom")
                            for l in links))
        self.assertNotIn("<script", text)

    def test_https_serves_the_same(self):
        r, body = self.get("/", tls=True)
        self.assertEqual(r.status, 200)
        self.assertIn(b"support.oncology", body)
        self.assertIn(b"https://127.0.0.1", body)

    def test_errors(self):
        r, _ = self.get("/no/such/page")
        self.assertEqual(r.status, 404)
        r, _ = self.get("/", method="POST")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.getheader("Allow"), "GET, HEAD")
        r, _ = self.get("/", method="DELETE")
        self.assertEqual(r.status, 405)
        r, _ = self.get("/" + "a" * 3000)
        self.assertEqual(r.status, 414)
        r, body = self.get("/", method="HEAD")
        self.assertEqual(r.status, 200)
        self.assertEqual(body, b"")

    def test_request_target_parsing(self):
        """Paths are decoded per segment; dot segments never reach a
        route; the query's unknown keys are ignored, a bad before= is
        refused; absolute-form works."""
        r, plain = self.get("/feeds/groups/support.ms.atom")
        self.assertEqual(r.status, 200)
        r, body = self.get("/feeds/groups/support%2Ems%2eatom")
        self.assertEqual(r.status, 200)
        self.assertIn(b"urn:hearth:group:support.ms", body)
        r, body = self.get("/%66eeds/groups/support.ms.atom?utm_source=x")
        self.assertEqual(r.status, 200)
        self.assertIn(b"urn:hearth:group:support.ms", body)
        # The self link is canonical: no foreign query echoed back.
        self.assertNotIn(b"utm_source", body)
        for bad in ("/feeds/groups/..", "/feeds/groups/%2e%2E",
                    "/feeds/../healthz", "/feeds/groups/a%00b.atom",
                    "/feeds/groups/a%zz.atom", "/feeds/groups/a%0a.atom",
                    "/feeds/groups/support.ms.atom?before=0",
                    "/feeds/groups/support.ms.atom?before=1&before=2",
                    "/feeds/groups/support.ms.atom?before=-5"):
            r, _ = self.get(bad)
            self.assertEqual(r.status, 400, bad)
        for missing in ("/feeds/groups/", "/feeds/groups/a/b.atom",
                        "//", "/healthz/", "/feeds/groups/%2Fetc.atom"):
            r, _ = self.get(missing)
            self.assertEqual(r.status, 404, missing)
        port = self.h.port("http")
        r, body = self.get("http://127.0.0.1:%d/healthz" % port)
        self.assertEqual(r.status, 200)
        r, _ = self.get("/healthz")
        self.assertEqual(r.status, 200)

    def test_oversized_headers_refused(self):
        r, _ = self.get("/", headers={"X-Big": "b" * 20000})
        self.assertIn(r.status, (400, 413, 431))


class Caching(HTTPBase):

    def test_etag_and_last_modified_give_304(self):
        r, body = self.get("/feeds/events.atom")
        self.assertEqual(r.status, 200)
        etag = r.getheader("ETag")
        lm = r.getheader("Last-Modified")
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        self.assertTrue(lm.endswith(" GMT"))
        self.assertIn("max-age", r.getheader("Cache-Control"))
        r2, body2 = self.get("/feeds/events.atom",
                             {"If-None-Match": etag})
        self.assertEqual(r2.status, 304)
        self.assertEqual(body2, b"")
        r3, _ = self.get("/feeds/events.atom", {"If-Modified-Since": lm})
        self.assertEqual(r3.status, 304)
        # A change makes a new document with a new validator.
        self.add_event("A new session")
        r4, body4 = self.get("/feeds/events.atom",
                             {"If-None-Match": etag})
        self.assertEqual(r4.status, 200)
        self.assertNotEqual(r4.getheader("ETag"), etag)
        self.assertIn(b"A new session", body4)

    def test_gzip_when_accepted(self):
        for i in range(5):
            self.add_event("Session %d" % i)
        r, plain = self.get("/feeds/events.atom")
        r, gz = self.get("/feeds/events.atom",
                         {"Accept-Encoding": "gzip, deflate"})
        self.assertEqual(r.getheader("Content-Encoding"), "gzip")
        self.assertEqual(r.getheader("Vary"), "Accept-Encoding")
        self.assertEqual(gzip.decompress(gz), plain)
        self.assertLess(len(gz), len(plain))
        r, _ = self.get("/feeds/events.atom", {"Accept-Encoding": "gzip;q=0"})
        self.assertIsNone(r.getheader("Content-Encoding"))


class RateLimit(HTTPBase):
    extra_config = "http_rate_per_second = 1\nhttp_rate_burst = 5\n"

    def test_429_past_the_bucket(self):
        codes = [self.get("/healthz")[0].status for _ in range(12)]
        self.assertEqual(codes[:5], [200] * 5)
        self.assertIn(429, codes)
        r, _ = self.get("/healthz")
        if r.status == 429:
            self.assertEqual(r.getheader("Retry-After"), "1")
        time.sleep(2.2)
        self.assertEqual(self.get("/healthz")[0].status, 200)


class EventFeeds(HTTPBase):

    def test_atom_validates_and_escapes(self):
        self.add_event(HOSTILE_TITLE, description="Line one\nline <b>two</b>",
                       facilitator="dr_kim", group="support.diabetes")
        r, body = self.get("/feeds/events.atom")
        self.assertEqual(r.getheader("Content-Type"),
                         "application/atom+xml; charset=utf-8")
        path = os.path.join(self.h.dir, "events.atom")
        with open(path, "wb") as f:
            f.write(body)
        v = subprocess.run(["xmllint", "--noout", "--relaxng",
                            os.path.join(SRCDIR, "tests/schemas/atom.rng"),
                            path], capture_output=True, text=True)
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertNotIn(b"<script>", body)
        self.assertNotIn("\u202e".encode(), body)
        root = ET.fromstring(body)
        entry = root.find(ATOM + "entry")
        title = entry.find(ATOM + "title").text
        self.assertIn("<script>alert(1)</script> ]]> & \"quotes\"", title)
        self.assertIn("[U+202E]evil", title)
        content = entry.find(ATOM + "content").text
        self.assertIn("line <b>two</b>", content)
        self.assertEqual(entry.find(ATOM + "author/" + ATOM + "name").text,
                         "dr_kim")

    def test_feedparser_reads_it(self):
        import feedparser
        self.add_event("Living well with MS", description="Q&A session")
        r, body = self.get("/feeds/events.atom")
        d = feedparser.parse(body)
        self.assertFalse(d.bozo, d.get("bozo_exception"))
        self.assertEqual(d.version, "atom10")
        self.assertEqual(d.entries[0].title, "Living well with MS")

    def test_ics_parses_and_shows_cancellation(self):
        import icalendar
        eid = self.add_event("Stroke rehab basics; part 1, intro",
                             description="Bring: notes\\, questions",
                             starts="2031-05-01T09:00+02:00",
                             duration="2h")
        self.add_event("To be cancelled")
        r = self.h.hearthmod("event", "cancel", str(eid + 1))
        self.assertEqual(r.returncode, 0, r.stderr)
        r, body = self.get("/events.ics")
        self.assertEqual(r.getheader("Content-Type"),
                         "text/calendar; charset=utf-8")
        for line in body.split(b"\r\n"):
            self.assertLessEqual(len(line), 75)
        cal = icalendar.Calendar.from_ical(body)
        events = [c for c in cal.walk() if c.name == "VEVENT"]
        self.assertEqual(len(events), 2)
        by_title = {str(e["SUMMARY"]): e for e in events}
        first = by_title["Stroke rehab basics; part 1, intro"]
        self.assertEqual(first.decoded("DTSTART").isoformat(),
                         "2031-05-01T07:00:00+00:00")
        self.assertEqual(first.decoded("DTEND").isoformat(),
                         "2031-05-01T09:00:00+00:00")
        self.assertIn("#patient-school", str(first["LOCATION"]))
        self.assertEqual(str(first["STATUS"]), "CONFIRMED")
        self.assertEqual(str(by_title["To be cancelled"]["STATUS"]),
                         "CANCELLED")

    def test_hearthmod_event_errors(self):
        r = self.h.hearthmod("event", "add", "--title", "x", "--starts",
                             "tomorrow", "--duration", "1h", "--room",
                             "#patient-school")
        self.assertEqual(r.returncode, 1)
        self.assertIn("starts must look like", r.stderr)
        r = self.h.hearthmod("event", "add", "--title", "x", "--starts",
                             "2031-01-01T10:00Z", "--duration", "1h",
                             "--room", "#nowhere")
        self.assertEqual(r.returncode, 1)
        self.assertIn("No such room", r.stderr)
        r = self.h.hearthmod("event", "cancel", "999")
        self.assertEqual(r.returncode, 1)
        r = self.h.hearthmod("event", "list")
        self.assertEqual(r.returncode, 0)

    def test_newsboat_lists_entries(self):
        self.add_event("Newsboat visible session")
        self.add_event("Second session")
        d = tempfile.mkdtemp(prefix="hearth-newsboat-")
        try:
            urls = os.path.join(d, "urls")
            with open(urls, "w") as f:
                f.write("http://127.0.0.1:%d/feeds/events.atom\n"
                        % self.h.port("http"))
            cache = os.path.join(d, "cache.db")
            conf = os.path.join(d, "config")
            open(conf, "w").close()
            env = dict(os.environ, HOME=d)
            r = subprocess.run(["newsboat", "-u", urls, "-c", cache, "-C",
                                conf, "-x", "reload"], capture_output=True,
                               text=True, timeout=60, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            con = sqlite3.connect(cache)
            titles = sorted(t for (t,) in
                            con.execute("SELECT title FROM rss_item"))
            con.close()
            self.assertEqual(titles, ["Newsboat visible session",
                                      "Second session"])
        finally:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
