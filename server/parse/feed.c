/*
 * feed.c -- Atom 1.0 (RFC 4287), RSS 2.0 and page helpers on
 * xmlTextWriter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "feed.h"
#include "utf8.h"
#include "xmalloc.h"

#define NS_ATOM		"http://www.w3.org/2005/Atom"
#define NS_THR		"http://purl.org/syndication/thread/1.0"
#define NS_AT		"http://purl.org/atompub/tombstones/1.0"
#define NS_FH		"http://purl.org/syndication/history/1.0"

static const char	 replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* Characters XML 1.0 allows (§2.2 Char). */
static int
xml_char_ok(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd ||
	    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff);
}

/* Bidi embedding, override and isolate controls (Unicode UAX #9). */
static int
bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

char *
feed_clean_text(const char *s, size_t len)
{
	char		*out;
	size_t		 i = 0, o = 0, n;
	uint32_t	 cp;

	if (s == NULL)
		return xstrdup("");
	/* Worst case: every byte becomes "[U+XXXX]" (8 bytes) or U+FFFD. */
	out = xmalloc(len * 8 + 1);
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || !xml_char_ok(cp)) {
			memcpy(out + o, replacement, 3);
			o += 3;
			i += n == 0 ? 1 : n;
			continue;
		}
		if (cp == '\r') {
			/*
			 * Articles end lines with CR LF; a CR in XML text
			 * is written &#13; and feed readers show it as a
			 * stray glyph.  CR LF and a lone CR become LF.
			 */
			if (i + 1 >= len || s[i + 1] != '\n')
				out[o++] = '\n';
			i += n;
			continue;
		}
		if (bidi_control(cp)) {
			o += (size_t)snprintf(out + o, 10, "[U+%04X]",
			    (unsigned int)cp);
			i += n;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

void
feed_time_rfc3339(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
feed_time_rfc822(time_t t, char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	tm;

	/* Not strftime: %a/%b follow the locale, RFC 822 wants English. */
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

xmlTextWriterPtr
feed_writer_new(xmlBufferPtr *buf)
{
	xmlTextWriterPtr	w;

	if ((*buf = xmlBufferCreate()) == NULL)
		return NULL;
	if ((w = xmlNewTextWriterMemory(*buf, 0)) == NULL) {
		xmlBufferFree(*buf);
		*buf = NULL;
		return NULL;
	}
	return w;
}

int
feed_writer_finish(xmlTextWriterPtr w, xmlBufferPtr buf,
    struct evbuffer *out)
{
	int	rc;

	rc = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);	/* flushes into buf */
	if (rc >= 0)
		evbuffer_add(out, xmlBufferContent(buf),
		    (size_t)xmlBufferLength(buf));
	xmlBufferFree(buf);
	return rc < 0 ? -1 : 0;
}

int
feed_text(xmlTextWriterPtr w, const char *text)
{
	char	*c = feed_clean_text(text, text != NULL ? strlen(text) : 0);
	int	 rc;

	rc = xmlTextWriterWriteString(w, (const xmlChar *)c);
	free(c);
	return rc < 0 ? -1 : 0;
}

int
feed_text_element(xmlTextWriterPtr w, const char *name, const char *text)
{
	if (xmlTextWriterStartElement(w, (const xmlChar *)name) < 0 ||
	    feed_text(w, text) != 0 || xmlTextWriterEndElement(w) < 0)
		return -1;
	return 0;
}

int
feed_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char	*c = feed_clean_text(value, value != NULL ? strlen(value) : 0);
	int	 rc;

	rc = xmlTextWriterWriteAttribute(w, (const xmlChar *)name,
	    (const xmlChar *)c);
	free(c);
	return rc < 0 ? -1 : 0;
}

/* Plain text as an HTML fragment: escaped, line breaks kept. */
static char *
html_escape_text(const char *s)
{
	size_t	 n = 0, o = 0;
	const char *p;
	char	*out;

	for (p = s; *p != '\0'; p++)
		n += (*p == '\n') ? 5 : 6;
	out = xmalloc(n + 1);
	for (p = s; *p != '\0'; p++) {
		const char	*rep = NULL;

		switch (*p) {
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '&':
			rep = "&amp;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\n':
			rep = "<br>\n";
			break;
		case '\r':
			continue;
		}
		if (rep != NULL) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else
			out[o++] = *p;
	}
	out[o] = '\0';
	return out;
}

static int
start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, (const xmlChar *)name) < 0 ? -1 : 0;
}

static int
end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
atom_link(xmlTextWriterPtr w, const char *rel, const char *href,
    const char *type)
{
	if (href == NULL)
		return 0;
	if (start(w, "link") != 0 || feed_attr(w, "rel", rel) != 0 ||
	    feed_attr(w, "href", href) != 0 ||
	    (type != NULL && feed_attr(w, "type", type) != 0))
		return -1;
	return end(w);
}

static int
atom_time(xmlTextWriterPtr w, const char *name, time_t t)
{
	char	buf[32];

	feed_time_rfc3339(t, buf, sizeof buf);
	return feed_text_element(w, name, buf);
}

static int
atom_person(xmlTextWriterPtr w, const char *name, const char *role)
{
	if (start(w, "author") != 0 ||
	    feed_text_element(w, "name", name != NULL ? name : "anonymous"))
		return -1;
	/*
	 * The verified role travels in the author's URI-free extension
	 * slot Atom allows: a simple extension element in our namespace.
	 */
	if (role != NULL) {
		if (xmlTextWriterStartElementNS(w, (const xmlChar *)"hearth",
		    (const xmlChar *)"role", (const xmlChar *)
		    "urn:hearth:feed:1") < 0 || feed_text(w, role) != 0 ||
		    end(w) != 0)
			return -1;
	}
	return end(w);
}

static int
atom_entry(xmlTextWriterPtr w, const struct feed_entry *e)
{
	char	*body;
	int	 rc;

	if (e->deleted) {
		char	when[32];

		/* RFC 6721 §3: at:deleted-entry with ref and when. */
		feed_time_rfc3339(e->deleted_when, when, sizeof when);
		if (xmlTextWriterStartElementNS(w, (const xmlChar *)"at",
		    (const xmlChar *)"deleted-entry", NULL) < 0 ||
		    feed_attr(w, "ref", e->id) != 0 ||
		    feed_attr(w, "when", when) != 0)
			return -1;
		return end(w);
	}
	if (start(w, "entry") != 0 || feed_text_element(w, "id", e->id) ||
	    feed_text_element(w, "title", e->title != NULL && *e->title ?
	    e->title : "(no subject)") != 0 ||
	    atom_time(w, "published", e->published) != 0 ||
	    atom_time(w, "updated", e->updated) != 0 ||
	    atom_person(w, e->author, e->author_role) != 0 ||
	    atom_link(w, "alternate", e->link, NULL) != 0 ||
	    (e->link2 != NULL && atom_link(w, "related", e->link2, NULL) !=
	    0))
		return -1;
	if (e->in_reply_to != NULL) {
		/* RFC 4685 §3. */
		if (xmlTextWriterStartElementNS(w, (const xmlChar *)"thr",
		    (const xmlChar *)"in-reply-to", NULL) < 0 ||
		    feed_attr(w, "ref", e->in_reply_to) != 0 || end(w) != 0)
			return -1;
	}
	if (start(w, "content") != 0 || feed_attr(w, "type", "text") != 0)
		return -1;
	body = feed_clean_text(e->content, e->content_len);
	rc = xmlTextWriterWriteString(w, (const xmlChar *)body);
	free(body);
	if (rc < 0 || end(w) != 0)
		return -1;
	return end(w);
}

int
feed_write_atom(const struct feed_meta *m, const struct feed_entry *e,
    size_t n, struct evbuffer *out)
{
	xmlBufferPtr		buf;
	xmlTextWriterPtr	w;
	size_t			i;

	if ((w = feed_writer_new(&buf)) == NULL)
		return -1;
	if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    start(w, "feed") != 0 ||
	    feed_attr(w, "xmlns", NS_ATOM) != 0 ||
	    feed_attr(w, "xmlns:thr", NS_THR) != 0 ||
	    feed_attr(w, "xmlns:at", NS_AT) != 0 ||
	    feed_attr(w, "xmlns:fh", NS_FH) != 0 ||
	    feed_text_element(w, "id", m->id) != 0 ||
	    feed_text_element(w, "title", m->title) != 0 ||
	    (m->subtitle != NULL && *m->subtitle != '\0' &&
	    feed_text_element(w, "subtitle", m->subtitle) != 0) ||
	    atom_time(w, "updated", m->updated) != 0 ||
	    start(w, "author") != 0 ||
	    feed_text_element(w, "name", m->author != NULL ? m->author :
	    "Hearth") != 0 || end(w) != 0 ||
	    feed_text_element(w, "generator", "Hearth") != 0 ||
	    atom_link(w, "self", m->self_url, "application/atom+xml") != 0 ||
	    atom_link(w, "alternate", m->alt_url, "text/html") != 0 ||
	    atom_link(w, "next-archive", m->next_url,
	    "application/atom+xml") != 0 ||
	    atom_link(w, "prev-archive", m->prev_url,
	    "application/atom+xml") != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (atom_entry(w, &e[i]) != 0)
			goto fail;
	if (end(w) != 0)
		goto fail;
	return feed_writer_finish(w, buf, out);
fail:
	xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	return -1;
}

int
feed_write_rss(const struct feed_meta *m, const struct feed_entry *e,
    size_t n, struct evbuffer *out)
{
	xmlBufferPtr		 buf;
	xmlTextWriterPtr	 w;
	size_t			 i;
	char			 when[64], *body;
	int			 rc;

	if ((w = feed_writer_new(&buf)) == NULL)
		return -1;
	feed_time_rfc822(m->updated, when, sizeof when);
	if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    start(w, "rss") != 0 || feed_attr(w, "version", "2.0") != 0 ||
	    feed_attr(w, "xmlns:atom", NS_ATOM) != 0 ||
	    start(w, "channel") != 0 ||
	    feed_text_element(w, "title", m->title) != 0 ||
	    feed_text_element(w, "link", m->alt_url != NULL ? m->alt_url :
	    m->self_url) != 0 ||
	    feed_text_element(w, "description", m->subtitle != NULL &&
	    *m->subtitle != '\0' ? m->subtitle : m->title) != 0 ||
	    feed_text_element(w, "lastBuildDate", when) != 0 ||
	    feed_text_element(w, "generator", "Hearth") != 0)
		goto fail;
	if (m->self_url != NULL &&
	    (xmlTextWriterStartElementNS(w, (const xmlChar *)"atom",
	    (const xmlChar *)"link", NULL) < 0 ||
	    feed_attr(w, "rel", "self") != 0 ||
	    feed_attr(w, "href", m->self_url) != 0 ||
	    feed_attr(w, "type", "application/rss+xml") != 0 || end(w) != 0))
		goto fail;
	for (i = 0; i < n; i++) {
		/* RSS has no tombstones: deleted entries are left out. */
		if (e[i].deleted)
			continue;
		feed_time_rfc822(e[i].published, when, sizeof when);
		if (start(w, "item") != 0 ||
		    feed_text_element(w, "title", e[i].title != NULL &&
		    *e[i].title ? e[i].title : "(no subject)") != 0 ||
		    (e[i].link != NULL &&
		    feed_text_element(w, "link", e[i].link) != 0) ||
		    start(w, "guid") != 0 ||
		    feed_attr(w, "isPermaLink", "false") != 0 ||
		    feed_text(w, e[i].id) != 0 || end(w) != 0 ||
		    feed_text_element(w, "pubDate", when) != 0)
			goto fail;
		if (xmlTextWriterStartElementNS(w, (const xmlChar *)"dc",
		    (const xmlChar *)"creator", (const xmlChar *)
		    "http://purl.org/dc/elements/1.1/") < 0)
			goto fail;
		{
			char	*who;

			if (e[i].author_role != NULL)
				xasprintf(&who, "%s, %s", e[i].author != NULL ?
				    e[i].author : "anonymous", e[i].author_role);
			else
				who = xstrdup(e[i].author != NULL ?
				    e[i].author : "anonymous");
			rc = feed_text(w, who);
			free(who);
			if (rc != 0 || end(w) != 0)
				goto fail;
		}
		/*
		 * RSS readers take <description> as HTML: escape the text
		 * as HTML first, so "<script>" stays text after the XML
		 * writer's own escaping is undone.
		 */
		if (start(w, "description") != 0)
			goto fail;
		body = feed_clean_text(e[i].content, e[i].content_len);
		{
			char	*html = html_escape_text(body);

			rc = xmlTextWriterWriteString(w, (const xmlChar *)html);
			free(html);
		}
		free(body);
		if (rc < 0 || end(w) != 0 || end(w) != 0)
			goto fail;
	}
	if (end(w) != 0 || end(w) != 0)
		goto fail;
	return feed_writer_finish(w, buf, out);
fail:
	xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	return -1;
}
