"""Feed text without carriage returns (issue 15, item 9).

Articles travel and are stored with CR LF line ends; written into XML a
CR becomes "&#13;", which newsboat shows as a stray glyph.  The group's
Atom and RSS feeds and the landing page carry the text with LF line ends
only.  The entry's link is the article's page in the web reader (issue
16), its news: URL the second (related) link.
"""

import xml.etree.ElementTree as ET

from news_case import ATOM, NewsCase


class FeedText(NewsCase):

    def test_crlf_article_in_feeds(self):
        c = self.member("vera")
        body = ("Первая строка.\nВторая строка.\n\nПосле пустой.\n"
                "Last line with a lone\rCR inside.\n")
        msgid = self.post_ok(c, group="support.ms",
                             subject="Переносы строк", body=body)
        status, raw = self.get("/feeds/groups/support.ms.atom")
        self.assertEqual(status, 200)
        self.assertNotIn(b"&#13;", raw)
        self.assertNotIn(b"\r", raw)
        root = self.feed("/feeds/groups/support.ms.atom")
        entry = [e for e in root.iter(ATOM + "entry")
                 if e.find(ATOM + "title").text == "Переносы строк"]
        self.assertEqual(len(entry), 1)
        text = entry[0].find(ATOM + "content").text
        self.assertIn("Первая строка.\nВторая строка.\n\nПосле пустой.",
                      text)
        self.assertIn("lone\nCR inside.", text)
        self.assertNotIn("\r", text)
        links = entry[0].findall(ATOM + "link")
        web = "http://127.0.0.1:%d/articles/%s" % (self.h.port("http"),
                                                    msgid[1:-1])
        self.assertEqual([(l.get("rel"), l.get("href")) for l in links],
                         [("alternate", web),
                          ("related", "news:" + msgid[1:-1])])
        status, raw = self.get("/feeds/groups/support.ms.rss")
        self.assertEqual(status, 200)
        self.assertNotIn(b"&#13;", raw)
        self.assertNotIn(b"\r", raw)
        item = [i for i in ET.fromstring(raw).iter("item")
                if i.find("title").text == "Переносы строк"][0]
        self.assertIn("Первая строка.", item.find("description").text)
        self.assertEqual(item.find("link").text, web)


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
