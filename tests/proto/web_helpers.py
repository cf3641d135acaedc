"""A small browser-like HTTP client for the web door's tests.

Keeps cookies (by name, as the server set them, with their attributes
for the tests to read), sends forms, never follows redirects on its own
(tests look at every step), and finds the form token in a page.
"""

import html
import http.client
import re
import ssl
import urllib.parse

CSRF_RE = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)"')


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class Response:
    def __init__(self, r, body):
        self.status = r.status
        self.headers = r.getheaders()
        self.r = r
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        return self.r.getheader(name)

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def csrf(self):
        m = CSRF_RE.search(self.text)
        return html.unescape(m.group(1)) if m else None


class WebClient:
    """One browser: a cookie jar and a connection per request."""

    def __init__(self, h, tls=True, addr=None, host=None):
        self.h = h
        self.tls = tls
        self.addr = addr or h.addr("https" if tls else "http")
        self.host = host
        self.cookies = {}       # name -> value
        self.set_cookies = []   # every Set-Cookie seen, raw

    def request(self, method, path, body=None, headers=None):
        if self.tls:
            c = http.client.HTTPSConnection(*self.addr, timeout=15,
                                            context=tls_context())
        else:
            c = http.client.HTTPConnection(*self.addr, timeout=15)
        hdrs = dict(headers or {})
        if self.host:
            hdrs.setdefault("Host", self.host)
        if self.cookies and "Cookie" not in hdrs:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv
                                       for kv in self.cookies.items())
        c.request(method, path, body=body, headers=hdrs)
        r = c.getresponse()
        resp = Response(r, r.read())
        c.close()
        for v in resp.headers_all("Set-Cookie"):
            self.set_cookies.append(v)
            name, _, rest = v.partition("=")
            value = rest.split(";")[0]
            attrs = rest.lower()
            if value == "" or "max-age=0" in attrs:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return resp

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, headers=None):
        hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
        hdrs.update(headers or {})
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body=body, headers=hdrs)

    def sign_in(self, name, password, next_path=None):
        page = self.get("/signin")
        assert page.status == 200, page.status
        fields = {"csrf": page.csrf(), "name": name, "password": password}
        if next_path:
            fields["next"] = next_path
        return self.post("/signin", fields)
