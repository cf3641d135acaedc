"""NewsCase: a hearthd with NNTP and HTTP listeners, hearthmod helpers,
HTTP GETs with Basic auth, and feeds checked against the Atom grammar."""

import base64
import http.client
import json
import os
import ssl
import subprocess
import xml.etree.ElementTree as ET

from hearth_test import SRCDIR
from nntp_helpers import NNTPCase, PASSWORD

ATOM = "{http://www.w3.org/2005/Atom}"
AT = "{http://purl.org/atompub/tombstones/1.0}"
THR = "{http://purl.org/syndication/thread/1.0}"


class NewsCase(NNTPCase):
    protos = ("nntp", "nntps", "http", "https")
    extra_config = ("rate_per_second = 100000\nrate_burst = 100000\n"
                    "http_rate_per_second = 100000\n"
                    "http_rate_burst = 100000\n"
                    "crisis_phrases_file = %s/etc/crisis-phrases.conf\n"
                    % SRCDIR)

    def mod(self, *args):
        r = self.h.hearthmod(*args)
        return r

    def queue(self):
        r = self.mod("--json", "queue")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def get(self, path, tls=False, auth=None):
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection(
                "127.0.0.1", self.h.port("https"), timeout=10, context=ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1",
                                              self.h.port("http"), timeout=10)
        headers = {}
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(
                ("%s:%s" % auth).encode()).decode()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, body

    def feed(self, path, **kw):
        status, body = self.get(path, **kw)
        self.assertEqual(status, 200, body)
        p = os.path.join(self.h.dir, "feed.xml")
        with open(p, "wb") as f:
            f.write(body)
        v = subprocess.run(["xmllint", "--noout", "--relaxng",
                            os.path.join(SRCDIR, "tests/schemas/atom.rng"),
                            p], capture_output=True, text=True)
        self.assertEqual(v.returncode, 0, v.stderr)
        return ET.fromstring(body)


