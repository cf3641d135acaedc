/*
 * http-feeds.c -- what feed readers and calendars read: the events
 * (Atom, iCalendar), a group's, a thread's and a doctor's answers (Atom,
 * RSS; RFC 5005 paging; RFC 6721 tombstones), and a member's own data
 * (/me, over HTTPS with Basic).  Every document goes through the
 * dispatcher's cache (http.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "account.h"
#include "article.h"
#include "events.h"
#include "export.h"
#include "feed.h"
#include "http-int.h"
#include "i18n.h"
#include "lang.h"
#include "mime-words.h"
#include "store.h"
#include "store-news.h"
#include "tz.h"
#include "xmalloc.h"

#define EVENTS_IN_FEED		100
#define FEED_PAGE		50	/* entries per feed page (RFC 5005) */

static void
event_to_entry(struct http_req *hr, const struct event_info *ev,
    struct feed_entry *e, char **owned)
{
	char	 starts[64], *content, *id, *link;
	int	 port = http_listener_port(hr->srv, PROTO_IRCS);
	char	 host[256];

	http_host_only(hr, host, sizeof host);
	/* Read by people: local time with its zone (the id stays exact). */
	tz_when(ev->starts, starts, sizeof starts);
	/* A feed is shared by every reader: the operator's language. */
	xasprintf(&content, i18n(NULL, "%sStarts %s, lasts %d minutes, in "
	    "%s.%s%s%s%s%s%s%s%s"), ev->cancelled ? i18n(NULL, "CANCELLED. ") :
	    "", starts, ev->duration / 60, ev->room,
	    ev->group != NULL ? i18n(NULL, " Discussion in ") : "",
	    ev->group != NULL ? ev->group : "", ev->group != NULL ? "." : "",
	    ev->facilitator != NULL ? i18n(NULL, " Facilitator: ") : "",
	    ev->facilitator != NULL ? ev->facilitator : "",
	    ev->facilitator != NULL ? "." : "",
	    ev->description != NULL && *ev->description ? "\n\n" : "",
	    ev->description != NULL ? ev->description : "");
	xasprintf(&id, "urn:hearth:event:%s", ev->uid);
	if (port > 0)
		xasprintf(&link, "ircs://%s:%d/%%23%s", host, port,
		    ev->room + 1);
	else
		link = NULL;
	memset(e, 0, sizeof *e);
	e->id = id;
	e->title = ev->title;
	e->author = ev->facilitator != NULL ? ev->facilitator : "Hearth";
	e->published = ev->created;
	e->updated = ev->updated;
	e->content = content;
	e->content_len = strlen(content);
	e->link = link;
	owned[0] = content;
	owned[1] = id;
	owned[2] = link;
}

struct ev_collect {
	struct event_info	*evs;
	size_t			 n;
};

static void
collect_event(const struct event_info *ev, void *arg)
{
	struct ev_collect	*ec = arg;
	struct event_info	*d;

	ec->evs = xreallocarray(ec->evs, ec->n + 1, sizeof *ec->evs);
	d = &ec->evs[ec->n++];
	*d = *ev;
	d->uid = xstrdup(ev->uid);
	d->title = xstrdup(ev->title);
	d->description = ev->description ? xstrdup(ev->description) : NULL;
	d->room = xstrdup(ev->room);
	d->group = ev->group ? xstrdup(ev->group) : NULL;
	d->facilitator = ev->facilitator ? xstrdup(ev->facilitator) : NULL;
}

static void
collect_free(struct ev_collect *ec)
{
	size_t	i;

	for (i = 0; i < ec->n; i++)
		event_info_clear(&ec->evs[i]);
	free(ec->evs);
}

/* Events from a week ago on, so recent cancellations still show. */
static time_t
events_from(void)
{
	return time(NULL) - 7 * 86400;
}

int
gen_events_atom(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct ev_collect	 ec = { NULL, 0 };
	struct feed_entry	*e;
	struct feed_meta	 m;
	char			**owned, *base, *self, *alt;
	size_t			 i;
	int			 rc;

	store_event_list(hr->srv->store, events_from(), EVENTS_IN_FEED, 1,
	    collect_event, &ec);
	e = xcalloc(ec.n + 1, sizeof *e);
	owned = xcalloc(ec.n * 3 + 1, sizeof *owned);
	for (i = 0; i < ec.n; i++)
		event_to_entry(hr, &ec.evs[i], &e[i], owned + i * 3);
	base = http_base_url(hr);
	xasprintf(&self, "%s/feeds/events.atom", base);
	xasprintf(&alt, "%s/", base);
	memset(&m, 0, sizeof m);
	m.id = "urn:hearth:feed:events";
	/* Feeds are shared by every reader: the operator's language. */
	m.title = i18n(NULL, "Hearth events: patient schools and meetups");
	m.subtitle = i18n(NULL, "Scheduled sessions in the Hearth meetup "
	    "rooms");
	m.self_url = self;
	m.alt_url = alt;
	*lastmod = store_event_last_change(hr->srv->store);
	if (*lastmod == 0)
		*lastmod = hr->srv->started;
	m.updated = *lastmod;
	rc = feed_write_atom(&m, e, ec.n, out);
	for (i = 0; i < ec.n * 3; i++)
		free(owned[i]);
	free(owned);
	free(e);
	free(base);
	free(self);
	free(alt);
	collect_free(&ec);
	*ctype = "application/atom+xml; charset=utf-8";
	return rc;
}

/*
 * iCalendar text (RFC 5545 §3.3.11): escape backslash, semicolon, comma
 * and newline; lines fold at 75 octets (§3.1) without splitting a UTF-8
 * character.
 */
static void
ics_line(struct evbuffer *out, const char *name, const char *value,
    int escape)
{
	char	*clean = feed_clean_text(value, strlen(value));
	char	*buf, *p;
	size_t	 n = 0, col, i, len;

	buf = xmalloc(strlen(name) + strlen(clean) * 2 + 2);
	n = (size_t)sprintf(buf, "%s:", name);
	for (p = clean; *p != '\0'; p++) {
		if (escape && (*p == '\\' || *p == ';' || *p == ',')) {
			buf[n++] = '\\';
			buf[n++] = *p;
		} else if (escape && *p == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else if (*p == '\r' || *p == '\n')
			continue;
		else
			buf[n++] = *p;
	}
	len = n;
	col = 0;
	for (i = 0; i < len; i++) {
		unsigned char	ch = (unsigned char)buf[i];
		size_t		clen = ch < 0x80 ? 1 : ch >= 0xf0 ? 4 :
				    ch >= 0xe0 ? 3 : 2;

		if (col + clen > 75) {
			evbuffer_add(out, "\r\n ", 3);
			col = 1;
		}
		evbuffer_add(out, buf + i, clen);
		col += clen;
		i += clen - 1;
	}
	evbuffer_add(out, "\r\n", 2);
	free(buf);
	free(clean);
}

static void
ics_time(char *buf, size_t len, time_t t)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
}

int
gen_events_ics(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct ev_collect	 ec = { NULL, 0 };
	char			 t[32], host[256], *s;
	size_t			 i;
	int			 port = http_listener_port(hr->srv, PROTO_IRCS);

	http_host_only(hr, host, sizeof host);
	store_event_list(hr->srv->store, events_from(), EVENTS_IN_FEED, 1,
	    collect_event, &ec);
	ics_line(out, "BEGIN", "VCALENDAR", 0);
	ics_line(out, "VERSION", "2.0", 0);
	ics_line(out, "PRODID", "-//Hearth//Events//EN", 0);
	ics_line(out, "CALSCALE", "GREGORIAN", 0);
	ics_line(out, "METHOD", "PUBLISH", 0);
	ics_line(out, "X-WR-CALNAME", "Hearth events", 1);
	for (i = 0; i < ec.n; i++) {
		struct event_info	*ev = &ec.evs[i];

		ics_line(out, "BEGIN", "VEVENT", 0);
		ics_line(out, "UID", ev->uid, 1);
		ics_time(t, sizeof t, ev->updated);
		ics_line(out, "DTSTAMP", t, 0);
		ics_line(out, "LAST-MODIFIED", t, 0);
		ics_time(t, sizeof t, ev->created);
		ics_line(out, "CREATED", t, 0);
		ics_time(t, sizeof t, ev->starts);
		ics_line(out, "DTSTART", t, 0);
		ics_time(t, sizeof t, ev->starts + ev->duration);
		ics_line(out, "DTEND", t, 0);
		ics_line(out, "SUMMARY", ev->title, 1);
		if (ev->description != NULL && *ev->description != '\0')
			ics_line(out, "DESCRIPTION", ev->description, 1);
		if (port > 0) {
			xasprintf(&s, "IRC room %s (ircs://%s:%d/%%23%s)",
			    ev->room, host, port, ev->room + 1);
			ics_line(out, "LOCATION", s, 1);
			free(s);
		} else
			ics_line(out, "LOCATION", ev->room, 1);
		ics_line(out, "STATUS", ev->cancelled ? "CANCELLED" :
		    "CONFIRMED", 0);
		ics_line(out, "SEQUENCE", ev->cancelled ? "1" : "0", 0);
		ics_line(out, "END", "VEVENT", 0);
	}
	ics_line(out, "END", "VCALENDAR", 0);
	*lastmod = store_event_last_change(hr->srv->store);
	if (*lastmod == 0)
		*lastmod = hr->srv->started;
	collect_free(&ec);
	*ctype = "text/calendar; charset=utf-8";
	return 0;
}

/* News feeds */

/* news: URL of a Message-ID (RFC 5538), percent-encoding what an IRI
 * cannot hold. */
char *
http_news_url(const char *msgid)
{
	size_t		 n = strlen(msgid), i, o = 5;
	char		*out = xmalloc(n * 3 + 6);
	static const char hex[] = "0123456789ABCDEF";

	memcpy(out, "news:", 5);
	for (i = 0; i < n; i++) {
		unsigned char	ch = (unsigned char)msgid[i];

		if ((i == 0 && ch == '<') || (i == n - 1 && ch == '>'))
			continue;
		if (isalnum(ch) || strchr("-._~!$&'()*+,;=:@", ch) != NULL)
			out[o++] = (char)ch;
		else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
	return out;
}

char *
http_article_path(const char *msgid)
{
	size_t	 n = strlen(msgid);
	char	*out;

	if (n >= 2 && msgid[0] == '<' && msgid[n - 1] == '>') {
		msgid++;
		n -= 2;
	}
	out = xmalloc(n * 3 + 12);
	memcpy(out, "/articles/", 10);
	if (http_segment_encode(msgid, n, out + 10, n * 3 + 2) < 0)
		out[10] = '\0';
	return out;
}

/* The display name of a From header, never its address. */
char *
http_from_name(const char *from)
{
	const char	*lt, *lp, *rp;
	char		*n;

	if (from == NULL)
		return xstrdup("anonymous");
	/* The address is the last <...>: a quoted name may hold '<'. */
	if ((lt = strrchr(from, '<')) != NULL && lt > from) {
		n = xstrndup(from, (size_t)(lt - from));
	} else if ((lp = strchr(from, '(')) != NULL &&
	    (rp = strchr(lp, ')')) != NULL) {
		n = xstrndup(lp + 1, (size_t)(rp - lp - 1));
	} else
		return xstrdup("anonymous");
	/* Trim spaces and quotes. */
	{
		char	*p = n, *e;

		while (*p == ' ' || *p == '"')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '"'))
			*--e = '\0';
		memmove(n, p, strlen(p) + 1);
	}
	if (*n == '\0' || strchr(n, '@') != NULL) {
		free(n);
		return xstrdup("anonymous");
	}
	return n;
}

/* The last Message-ID in a References header (xmalloc'd), or NULL. */
char *
http_last_reference(const char *refs)
{
	const char	*lt, *gt;

	if (refs == NULL || (lt = strrchr(refs, '<')) == NULL ||
	    (gt = strchr(lt, '>')) == NULL)
		return NULL;
	return xstrndup(lt, (size_t)(gt - lt + 1));
}

struct entries {
	struct feed_entry	*e;
	size_t			 n;
	char			**owned;
	size_t			 nowned;
	time_t			 newest;
	char			*web;	/* "https://host": the reader's pages */
};

static const char *
own(struct entries *es, char *p)
{
	es->owned = xreallocarray(es->owned, es->nowned + 1,
	    sizeof *es->owned);
	es->owned[es->nowned++] = p;
	return p;
}

static void
entries_free(struct entries *es)
{
	size_t	i;

	for (i = 0; i < es->nowned; i++)
		free(es->owned[i]);
	free(es->owned);
	free(es->e);
	free(es->web);
}

static struct feed_entry *
entry_new(struct entries *es)
{
	es->e = xreallocarray(es->e, es->n + 1, sizeof *es->e);
	memset(&es->e[es->n], 0, sizeof es->e[es->n]);
	return &es->e[es->n++];
}

/* One stored article as a feed entry. */
static int
article_entry(const struct news_art *a, void *arg)
{
	struct entries		*es = arg;
	struct feed_entry	*e;
	struct article		 art;
	char			 why[128], *parent;
	const char		*v;

	if (article_parse(a->text, a->len, &art, why, sizeof why) != 0)
		return 0;
	e = entry_new(es);
	e->id = own(es, http_news_url(a->msgid));
	/*
	 * The article's page in the web reader is the entry's link (its
	 * stable address); news: the second one, for newsreaders.
	 */
	if (es->web != NULL) {
		char	*path = http_article_path(a->msgid), *u;

		xasprintf(&u, "%s%s", es->web, path);
		free(path);
		e->link = own(es, u);
		e->link2 = e->id;
	} else
		e->link = e->id;
	e->title = own(es, mime_words_decode((v = article_header_get(&art,
	    "Subject")) != NULL ? v : ""));
	if (a->author_name != NULL)
		e->author = own(es, xstrdup(a->author_name));
	else {
		char	*dec = mime_words_decode((v = article_header_get(&art,
			    "From")) != NULL ? v : "");

		e->author = own(es, http_from_name(dec));
		free(dec);
	}
	if ((v = article_header_get(&art, "X-Hearth-Verified")) != NULL)
		e->author_role = own(es, xstrdup(v));
	e->published = e->updated = (time_t)a->posted;
	/* The words in UTF-8, whatever charset the article declares. */
	e->content = own(es, mime_body_utf8(article_header_get(&art,
	    "Content-Type"), article_header_get(&art,
	    "Content-Transfer-Encoding"), a->text + a->header_len,
	    a->len - a->header_len, &e->content_len));
	if ((parent = http_last_reference(article_header_get(&art, "References")))
	    != NULL) {
		e->in_reply_to = own(es, http_news_url(parent));
		free(parent);
	}
	if ((time_t)a->posted > es->newest)
		es->newest = (time_t)a->posted;
	article_free(&art);
	return 0;
}

static int
tombstone_entry(const struct news_art *a, void *arg)
{
	struct entries		*es = arg;
	struct feed_entry	*e = entry_new(es);

	e->id = own(es, http_news_url(a->msgid));
	e->deleted = 1;
	e->deleted_when = (time_t)a->changed;
	if ((time_t)a->changed > es->newest)
		es->newest = (time_t)a->changed;
	return 0;
}

struct group_find {
	int			 found;
	int64_t			 id;
	int64_t			 high;
	int			 level;		/* for this reader */
	char			 name[256];
	char			 description[512];
};

static int
group_found(const struct news_group *g, void *arg)
{
	struct group_find	*gf = arg;

	gf->found = 1;
	gf->id = g->id;
	gf->high = g->high;
	gf->level = g->level;
	snprintf(gf->name, sizeof gf->name, "%s", g->name);
	snprintf(gf->description, sizeof gf->description, "%s",
	    g->description != NULL ? g->description : "");
	return 0;
}

/* Does S end in SUF (and hold something before it)? */
static int
has_suffix(const char *s, const char *suf)
{
	size_t	n = strlen(s), k = strlen(suf);

	return n > k && strcmp(s + n - k, suf) == 0;
}

static int
write_feed(struct http_req *hr, struct feed_meta *m, struct entries *es,
    int rss, struct evbuffer *out, time_t *lastmod, const char **ctype)
{
	int	rc;

	if (es->newest == 0)
		es->newest = hr->srv->started;
	m->updated = es->newest;
	*lastmod = es->newest;
	if (rss) {
		rc = feed_write_rss(m, es->e, es->n, out);
		*ctype = "application/rss+xml; charset=utf-8";
	} else {
		rc = feed_write_atom(m, es->e, es->n, out);
		*ctype = "application/atom+xml; charset=utf-8";
	}
	return rc;
}

/* 1 when the requester may read a group of this level (for them). */
static int
may_read(struct http_req *hr, int level)
{
	return hr->level >= level;
}


int
gen_group_feed(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct group_find	 gf;
	struct entries		 es;
	struct feed_meta	 m;
	char			 name[256], *base, *self, *alt, *prev = NULL;
	char			*next = NULL, *id;
	size_t			 n = strlen(hr->arg);
	int			 rss, rc;
	int64_t			 before;

	rss = has_suffix(hr->arg, ".rss");
	if (!rss && !has_suffix(hr->arg, ".atom"))
		return HTTP_NOT_FOUND;
	snprintf(name, sizeof name, "%.*s", (int)(n - (rss ? 4 : 5)),
	    hr->arg);
	before = hr->before;
	memset(&gf, 0, sizeof gf);
	if (store_news_group_get_as(hr->srv->store, name, hr->account_id,
	    group_found, &gf) != STORE_OK || !gf.found ||
	    !may_read(hr, gf.level))
		return HTTP_NOT_FOUND;
	memset(&es, 0, sizeof es);
	es.web = http_base_url(hr);
	store_news_feed_group(hr->srv->store, gf.id, before, FEED_PAGE,
	    article_entry, &es);
	/* The current page also carries the tombstones (RFC 6721). */
	if (before == 0)
		store_news_feed_gone_group(hr->srv->store, gf.name, FEED_PAGE,
		    tombstone_entry, &es);
	base = http_feed_base_url(hr);
	if (before > 0)
		xasprintf(&self, "%s/feeds/groups/%s?before=%lld", base,
		    hr->arg_enc, (long long)before);
	else
		xasprintf(&self, "%s/feeds/groups/%s", base, hr->arg_enc);
	/* The landing page: a token opens feeds only. */
	xasprintf(&alt, "%s://%s/", hr->https ? "https" : "http", hr->host);
	xasprintf(&id, "urn:hearth:group:%s", gf.name);
	/* RFC 5005 §4: archives of older entries, 50 at a time. */
	{
		int64_t	 lowest;

		lowest = before > 0 ? before - FEED_PAGE : gf.high - FEED_PAGE +
		    1;
		if (es.n > 0 && lowest > 1)
			xasprintf(&prev, "%s/feeds/groups/%s?before=%lld",
			    base, hr->arg_enc, (long long)lowest);
		if (before > 0)
			xasprintf(&next, before + FEED_PAGE > gf.high ?
			    "%s/feeds/groups/%s" : "%s/feeds/groups/%s"
			    "?before=%lld", base, hr->arg_enc,
			    (long long)(before + FEED_PAGE));
	}
	memset(&m, 0, sizeof m);
	m.id = id;
	m.title = gf.name;
	m.subtitle = i18n(NULL, gf.description);
	m.self_url = self;
	m.alt_url = alt;
	m.prev_url = prev;
	m.next_url = next;
	rc = write_feed(hr, &m, &es, rss, out, lastmod, ctype);
	entries_free(&es);
	free(base);
	free(self);
	free(alt);
	free(id);
	free(prev);
	free(next);
	return rc;
}

int
gen_thread_feed(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct entries	 es;
	struct feed_meta m;
	char		*msgid, *base, *self, *id;
	int		 n = (int)strlen(hr->arg) - 5;
	int		 rc;

	if (!has_suffix(hr->arg, ".atom"))
		return HTTP_NOT_FOUND;
	if (hr->arg[0] == '<')
		xasprintf(&msgid, "%.*s", n, hr->arg);
	else
		xasprintf(&msgid, "<%.*s>", n, hr->arg);
	if (!msgid_valid(msgid)) {
		free(msgid);
		return HTTP_NOT_FOUND;
	}
	memset(&es, 0, sizeof es);
	es.web = http_base_url(hr);
	store_news_feed_thread_as(hr->srv->store, msgid, hr->level,
	    hr->account_id, article_entry, &es);
	/*
	 * Tombstones only for a thread this reader can see: they would
	 * otherwise tell that a thread they may not read exists.
	 */
	if (es.n > 0)
		store_news_feed_gone_thread(hr->srv->store, msgid,
		    tombstone_entry, &es);
	if (es.n == 0) {
		free(msgid);
		entries_free(&es);
		return HTTP_NOT_FOUND;
	}
	base = http_feed_base_url(hr);
	xasprintf(&self, "%s/feeds/threads/%s", base, hr->arg_enc);
	id = http_news_url(msgid);
	memset(&m, 0, sizeof m);
	m.id = id;
	m.title = es.e[0].deleted || es.e[0].title == NULL ?
	    i18n(NULL, "Thread") : es.e[0].title;
	m.self_url = self;
	rc = write_feed(hr, &m, &es, 0, out, lastmod, ctype);
	entries_free(&es);
	free(base);
	free(self);
	free(id);
	free(msgid);
	return rc;
}

int
gen_doctor_feed(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct account	 a;
	struct entries	 es;
	struct feed_meta m;
	char		 name[64], *base, *self, *id, *title;
	size_t		 n = strlen(hr->arg);
	int		 rc;

	if (!has_suffix(hr->arg, ".atom") || n - 5 >= sizeof name)
		return HTTP_NOT_FOUND;
	snprintf(name, sizeof name, "%.*s", (int)(n - 5), hr->arg);
	if (store_account_get(hr->srv->store, name, &a, NULL) != STORE_OK)
		return HTTP_NOT_FOUND;
	if (strcmp(a.role, "doctor") != 0) {
		account_clear(&a);
		return HTTP_NOT_FOUND;
	}
	memset(&es, 0, sizeof es);
	es.web = http_base_url(hr);
	store_news_feed_author(hr->srv->store, a.id, FEED_PAGE, article_entry,
	    &es);
	base = http_base_url(hr);
	xasprintf(&self, "%s/feeds/doctors/%s", base, hr->arg_enc);
	xasprintf(&id, "urn:hearth:doctor:%s", a.name);
	{
		char	badge[200];

		/* A feed is shared: the operator's language. */
		doctor_badge(NULL, a.specialty, badge, sizeof badge);
		xasprintf(&title, i18n(NULL, "Answers from %s, %s"), a.name,
		    badge);
	}
	memset(&m, 0, sizeof m);
	m.id = id;
	m.title = title;
	m.self_url = self;
	m.author = a.name;
	rc = write_feed(hr, &m, &es, 0, out, lastmod, ctype);
	entries_free(&es);
	account_clear(&a);
	free(base);
	free(self);
	free(id);
	free(title);
	return rc;
}

/* A member's own data (RFC 7617 Basic auth over TLS). */


static int
gen_me(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype, int want_mbox)
{
	struct evbuffer	*json, *mbox;
	int		 rc;

	if (hr->account[0] == '\0')
		return HTTP_AUTH_NEEDED;
	json = evbuffer_new();
	mbox = evbuffer_new();
	rc = export_member(hr->srv, hr->account, json, mbox);
	if (rc == STORE_OK) {
		evbuffer_add_buffer(out, want_mbox ? mbox : json);
		store_audit(hr->srv->store, hr->account, "account.export",
		    hr->account, "by the member over HTTPS");
	}
	evbuffer_free(json);
	evbuffer_free(mbox);
	*lastmod = time(NULL);
	*ctype = want_mbox ? "application/mbox" :
	    "application/json; charset=utf-8";
	return rc == STORE_OK ? 0 : -1;
}

int
gen_me_json(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	return gen_me(hr, out, lastmod, ctype, 0);
}

int
gen_me_mbox(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	return gen_me(hr, out, lastmod, ctype, 1);
}
