/*
 * http.c -- the HTTP(S) service: landing page, feeds, events.
 *
 * An HTTP/1.1 adapter on the connection layer, like NNTP and IRC:
 * conn.c accepts (every limit, TLS, the output cap, the idle timer)
 * and hands over the input buffer; http-request.c parses a request's
 * head; this file answers it.  Keep-alive (1.1 by default, 1.0 when
 * asked), pipelining with answers in order, a total deadline for each
 * request (http_request_timeout), reading paused while much output is
 * queued.  Documents go through send_doc(), which adds Cache-Control,
 * a strong ETag and Last-Modified, answers conditional requests with
 * 304, and gzips when the client accepts it.  Generated documents are
 * cached until notify_content_changed() bumps the content version, and
 * sent by reference, never copied.
 */
#include <sys/socket.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <zlib.h>

#include "account.h"
#include "conn.h"
#include "export.h"
#include "feed.h"
#include "http.h"
#include "http-ws.h"
#include "i18n.h"
#include "lang.h"
#include "http-target.h"
#include "article.h"
#include "auth.h"
#include "events.h"
#include "i18n.h"
#include "log.h"
#include "membership.h"
#include "feedtoken.h"
#include "mime-words.h"
#include "notify.h"
#include "sanction.h"
#include "store.h"
#include "store-news.h"
#include "tz.h"
#include "xmalloc.h"

#define HTTP_CACHE_SLOTS	64
#define HTTP_RATE_SLOTS		1024
#define HTTP_GZIP_MIN		256
#define EVENTS_IN_FEED		100
#define FEED_PAGE		50	/* entries per feed page (RFC 5005) */
/*
 * Queued output past which pipelined requests wait for it to drain,
 * and below which they go on (both at most a fraction of output_cap).
 */
#define HTTP_OUT_HIGH		(64 * 1024)
#define HTTP_OUT_LOW		(32 * 1024)
/* A larger body goes out a piece at a time (at most a quarter cap). */
#define HTTP_PUMP_CHUNK		(256 * 1024)

/*
 * A cached body shared with the responses in flight: evbuffer references
 * it without copying, and the last holder frees it (the cache may have
 * replaced the document meanwhile).
 */
struct blob {
	unsigned int	 refs;
	size_t		 len;
	unsigned char	 data[];
};

static struct blob *
blob_new(const void *p, size_t len)
{
	struct blob	*b = xmalloc(sizeof *b + len + 1);

	b->refs = 1;
	b->len = len;
	memcpy(b->data, p, len);
	b->data[len] = '\0';
	return b;
}

static void
blob_unref(struct blob *b)
{
	if (b != NULL && --b->refs == 0)
		free(b);
}

static void
blob_cleanup(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	blob_unref(arg);
}

struct http_doc {
	char		*key;		/* path + variant */
	uint64_t	 version;	/* content_version it was made for */
	unsigned char	*body;		/* body_blob->data */
	size_t		 len;
	unsigned char	*gz;		/* gzip variant, made on demand */
	size_t		 gzlen;
	struct blob	*body_blob;
	struct blob	*gz_blob;
	char		 etag[48];
	time_t		 lastmod;
	const char	*ctype;
	unsigned long	 used;		/* for least-recently-used eviction */
};

struct http_bucket {
	char		 ip[64];
	double		 tokens;
	struct timeval	 last;
};

struct http_server {
	struct http_doc		 cache[HTTP_CACHE_SLOTS];
	unsigned long		 tick;
	struct http_bucket	 rate[HTTP_RATE_SLOTS];
};

/* One connection's state between requests. */
/*
 * HTTP Basic is checked on a hashing worker: the request stays in the
 * input buffer while the connection waits, the answer is kept here, and
 * the same request is then dispatched again and takes it (once: the
 * next request with the same credentials is checked again).
 */
struct http_auth_wait {
	int			 done;		/* RC below is for DIGEST */
	unsigned char		 digest[32];	/* of the Authorization value */
	int			 rc;
	int			 level;
	int64_t			 account_id;
	char			 account[64];
	char			 ban[512];	/* AUTH_BANNED: described */
};

struct http_conn {
	struct http_auth_wait	 auth;
	/* The request that waits (its head copied: IN may move). */
	struct http_request	 wait_rq;
	char			*wait_head;
	int			 receiving;	/* a request is arriving: the
						   deadline runs */
	int			 paused;	/* reading waits for output */
	int			 close_after;	/* close once REST is out */
	size_t			 skip;		/* body bytes still to drop */
	struct evbuffer		*rest;		/* a large body not yet queued */
};

static size_t
out_high(struct conn *c)
{
	size_t	cap = c->srv->cf->output_cap / 2;

	return cap < HTTP_OUT_HIGH ? cap : HTTP_OUT_HIGH;
}

static size_t
out_low(struct conn *c)
{
	size_t	cap = c->srv->cf->output_cap / 4;

	return cap < HTTP_OUT_LOW ? cap : HTTP_OUT_LOW;
}

static size_t
pump_chunk(struct conn *c)
{
	size_t	n = c->srv->cf->output_cap / 4;

	return n < 1024 ? 1024 : n > HTTP_PUMP_CHUNK ? HTTP_PUMP_CHUNK : n;
}

/* Stop reading requests until the output drained (on_drain resumes). */
static void
http_pause(struct conn *c, struct http_conn *hc)
{
	if (hc->paused)
		return;
	hc->paused = 1;
	conn_pause(c);
	conn_want_drain(c, 1);
}

/*
 * Move the next pieces of a large body into the output while little is
 * queued, so the output cap holds whatever the body's size.
 */
static void
http_pump(struct conn *c, struct http_conn *hc)
{
	size_t	chunk = pump_chunk(c);

	while (hc->rest != NULL && evbuffer_get_length(hc->rest) > 0 &&
	    conn_output_len(c) < chunk) {
		evbuffer_remove_buffer(hc->rest, conn_output(c), chunk);
		if (conn_check_output(c))
			return;
	}
	if (hc->rest != NULL && evbuffer_get_length(hc->rest) > 0)
		http_pause(c, hc);
}

/* One request and the response being made for it. */
struct http_req {
	struct server		*srv;
	struct conn		*c;
	const struct http_request *rq;		/* NULL: no request parsed */
	int			 head;		/* HEAD: no body */
	int			 keep_alive;	/* persistent after this */
	int			 minor;		/* the request's HTTP/1.x */
	char			 hdrs[2048];	/* response fields so far */
	size_t			 hlen;
	const char		*path;		/* the route's path */
	const char		*arg;		/* the decoded name in a prefix
						   route, "" otherwise */
	char			*arg_enc;	/* ARG encoded for links */
	int64_t			 before;	/* ?before=N, 0 if absent */
	char			 host[256];	/* for absolute links */
	int			 https;
	int			 level;		/* access: 0 public, 1 member,
						   2 moderator */
	char			 account[64];	/* signed in as, or "" */
	int64_t			 account_id;	/* its id, or 0 */
	int64_t			 token_id;	/* feed token used, or 0 */
	char			 prefix[48];	/* "/t/TOKEN" of a token URL */
	int			 wait;		/* a password check runs: no
						   answer yet, dispatch again */
	int			 replay;	/* this is that second time */
	/*
	 * The language of a page (landing): the member's, else the
	 * browser's Accept-Language, else the operator's; vary_lang set
	 * when the document depends on it.
	 */
	const char		*lang;
	int			 vary_lang;
};

typedef int (*http_gen_fn)(struct http_req *, struct evbuffer *,
    time_t *lastmod, const char **ctype);

struct http_route {
	http_gen_fn	 fn;
	int		 max_age;	/* Cache-Control seconds; -1: personal,
					   never cached or stored */
};

/* A request field's value, or NULL. */
static const char *
req_field(struct http_req *hr, const char *name)
{
	return hr->rq != NULL ? http_request_field(hr->rq, name) : NULL;
}

/* Add a response field; values come from us, never from the client. */
static void
add_header(struct http_req *hr, const char *k, const char *v)
{
	int	n;

	n = snprintf(hr->hdrs + hr->hlen, sizeof hr->hdrs - hr->hlen,
	    "%s: %s\r\n", k, v);
	if (n < 0 || (size_t)n >= sizeof hr->hdrs - hr->hlen) {
		hr->hdrs[hr->hlen] = '\0';
		log_warnx("http: response field %s dropped (too long)", k);
		return;
	}
	hr->hlen += (size_t)n;
}

static void
http_date(time_t t, char *buf, size_t len)
{
	feed_time_rfc822(t, buf, len);
	/* RFC 9110 IMF-fixdate ends in "GMT", not "+0000". */
	if (strlen(buf) > 5)
		strcpy(buf + strlen(buf) - 5, "GMT");
}

/* The Date field's value, made once a second. */
static const char *
date_now(struct server *srv)
{
	static time_t	last;
	static char	buf[64];
	struct timeval	tv;

	event_base_gettimeofday_cached(srv->base, &tv);
	if (tv.tv_sec != last) {
		last = tv.tv_sec;
		http_date(last, buf, sizeof buf);
	}
	return buf;
}

/*
 * Queue the response: status line, HR's fields, Date, Content-Length
 * (none on 304) and Connection, then LEN bytes of DATA unless HEAD or
 * 304.  With REF the body is added by reference to that blob (no copy).
 */
static void
http_send(struct http_req *hr, int code, const char *reason,
    const void *data, size_t len, struct blob *ref)
{
	struct evbuffer	*out;
	struct http_conn *hc = NULL;
	char		 head[2560];
	int		 n;

	if (conn_is_closing(hr->c))
		return;
	n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\n%sDate: %s\r\n",
	    code, reason, hr->hdrs, date_now(hr->srv));
	if (n < 0 || (size_t)n >= sizeof head)
		n = 0;
	if (code != 304)
		n += snprintf(head + n, sizeof head - (size_t)n,
		    "Content-Length: %zu\r\n", len);
	if (!hr->keep_alive)
		n += snprintf(head + n, sizeof head - (size_t)n,
		    "Connection: close\r\n\r\n");
	else if (hr->minor == 0)
		n += snprintf(head + n, sizeof head - (size_t)n,
		    "Connection: keep-alive\r\n\r\n");
	else
		n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
	out = conn_output(hr->c);
	evbuffer_add(out, head, (size_t)n);
	if (!hr->head && code != 304 && len > pump_chunk(hr->c) &&
	    (hc = hr->c->pstate) != NULL) {
		/* Too large to queue at once: it is pumped from on_drain. */
		if (hc->rest == NULL)
			hc->rest = evbuffer_new();
		out = hc->rest;
	}
	if (!hr->head && code != 304 && len > 0) {
		if (ref != NULL) {
			ref->refs++;
			if (evbuffer_add_reference(out, data, len,
			    blob_cleanup, ref) != 0) {
				blob_unref(ref);
				evbuffer_add(out, data, len);
			}
		} else
			evbuffer_add(out, data, len);
	}
	if (conn_check_output(hr->c) == 0 && hc != NULL)
		http_pump(hr->c, hc);
}

static void
send_text(struct http_req *hr, int code, const char *reason,
    const char *text)
{
	char	body[256];
	int	n;

	n = snprintf(body, sizeof body, "%s\n", text);
	if (n < 0 || (size_t)n >= sizeof body)
		n = 0;
	add_header(hr, "Content-Type", "text/plain; charset=utf-8");
	add_header(hr, "Cache-Control", "no-store");
	add_header(hr, "X-Content-Type-Options", "nosniff");
	http_send(hr, code, reason, body, (size_t)n, NULL);
}

static time_t
parse_http_date(const char *s)
{
	struct tm	tm;
	char		mon[4];
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char	*p;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT", &tm.tm_mday, mon,
	    &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return (time_t)-1;
	mon[3] = '\0';
	if ((p = strstr(months, mon)) == NULL || (p - months) % 3 != 0)
		return (time_t)-1;
	tm.tm_mon = (int)(p - months) / 3;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

/* Does the client accept gzip (RFC 9110 §12.5.3; q=0 refuses)? */
static int
accepts_gzip(struct http_req *hr)
{
	const char	*ae, *p;

	ae = req_field(hr, "Accept-Encoding");
	if (ae == NULL || (p = strcasestr(ae, "gzip")) == NULL)
		return 0;
	p += 4;
	while (*p == ' ')
		p++;
	if (*p == ';') {
		p = strchr(p, '=');
		if (p != NULL && strtod(p + 1, NULL) == 0.0)
			return 0;
	}
	return 1;
}

static int
gzip_buf(const unsigned char *in, size_t len, unsigned char **out,
    size_t *outlen)
{
	z_stream	z;
	size_t		cap = deflateBound(NULL, (uLong)len) + 32;

	memset(&z, 0, sizeof z);
	/* windowBits 15 + 16: a gzip wrapper, not raw zlib. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -1;
	*out = xmalloc(cap);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = *out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return 0;
}

static void
doc_clear(struct http_doc *d)
{
	free(d->key);
	blob_unref(d->body_blob);
	blob_unref(d->gz_blob);
	memset(d, 0, sizeof *d);
}

/* The cached document for KEY made at the current version, or NULL. */
static struct http_doc *
cache_get(struct server *srv, const char *key)
{
	struct http_server	*hs = srv->http;
	int			 i;

	for (i = 0; i < HTTP_CACHE_SLOTS; i++) {
		struct http_doc	*d = &hs->cache[i];

		if (d->key != NULL && strcmp(d->key, key) == 0) {
			if (d->version != srv->content_version) {
				doc_clear(d);
				return NULL;
			}
			d->used = ++hs->tick;
			return d;
		}
	}
	return NULL;
}

static struct http_doc *
cache_put(struct server *srv, const char *key, struct evbuffer *body,
    time_t lastmod, const char *ctype)
{
	struct http_server	*hs = srv->http;
	struct http_doc		*d = &hs->cache[0];
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen, i;

	for (i = 0; i < HTTP_CACHE_SLOTS; i++) {
		if (hs->cache[i].key == NULL) {
			d = &hs->cache[i];
			break;
		}
		if (hs->cache[i].used < d->used)
			d = &hs->cache[i];
	}
	doc_clear(d);
	d->key = xstrdup(key);
	d->version = srv->content_version;
	d->len = evbuffer_get_length(body);
	d->body_blob = blob_new(evbuffer_pullup(body, -1), d->len);
	d->body = d->body_blob->data;
	d->lastmod = lastmod;
	d->ctype = ctype;
	d->used = ++hs->tick;
	/* Strong validator: a digest of the exact bytes. */
	EVP_Digest(d->body, d->len, md, &mdlen, EVP_sha256(), NULL);
	d->etag[0] = '"';
	for (i = 0; i < 16; i++)
		snprintf(d->etag + 1 + i * 2, 3, "%02x", md[i]);
	strcat(d->etag, "\"");
	return d;
}

/* Does If-None-Match list ETAG (or "*")? */
static int
etag_matches(const char *inm, const char *etag)
{
	const char	*p = inm;
	size_t		 n = strlen(etag);

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '*')
			return 1;
		if (strncmp(p, etag, n) == 0)
			return 1;
		p = strchr(p, ',');
		if (p == NULL)
			break;
	}
	return 0;
}

/*
 * Send document D with validators; 304 when the client's copy is
 * current (RFC 9110 §13.1.2: If-None-Match wins over
 * If-Modified-Since).
 */
static void
send_doc(struct http_req *hr, struct http_doc *d, int max_age, int private)
{
	const char		*inm, *ims;
	char			 date[64], cc[64], etag[56];
	int			 gz = 0, notmod = 0;
	struct blob		*bl;

	if (d->len >= HTTP_GZIP_MIN && accepts_gzip(hr)) {
		if (d->gz == NULL) {
			unsigned char	*z;

			if (gzip_buf(d->body, d->len, &z, &d->gzlen) == 0) {
				d->gz_blob = blob_new(z, d->gzlen);
				d->gz = d->gz_blob->data;
				free(z);
			}
		}
		gz = d->gz != NULL;
	}
	/* Each representation has its own strong ETag. */
	if (gz)
		snprintf(etag, sizeof etag, "%.*s-gz\"",
		    (int)strlen(d->etag) - 1, d->etag);
	else
		snprintf(etag, sizeof etag, "%s", d->etag);
	if ((inm = req_field(hr, "If-None-Match")) != NULL)
		notmod = etag_matches(inm, etag) || etag_matches(inm, d->etag);
	else if ((ims = req_field(hr, "If-Modified-Since")) != NULL) {
		time_t	t = parse_http_date(ims);

		notmod = t != (time_t)-1 && d->lastmod <= t;
	}
	add_header(hr, "ETag", etag);
	http_date(d->lastmod, date, sizeof date);
	add_header(hr, "Last-Modified", date);
	/* What a member sees after signing in is not for shared caches. */
	snprintf(cc, sizeof cc, "%s, max-age=%d", private ? "private" :
	    "public", max_age);
	add_header(hr, "Cache-Control", cc);
	add_header(hr, "Vary", hr->vary_lang ? "Accept-Encoding, "
	    "Accept-Language" : "Accept-Encoding");
	add_header(hr, "X-Content-Type-Options", "nosniff");
	if (notmod) {
		http_send(hr, 304, "Not Modified", NULL, 0, NULL);
		return;
	}
	add_header(hr, "Content-Type", d->ctype);
	if (gz)
		add_header(hr, "Content-Encoding", "gzip");
	/*
	 * No copy: the response holds a reference to the body.  HEAD gets
	 * the length GET would send, and no body.
	 */
	bl = gz ? d->gz_blob : d->body_blob;
	http_send(hr, 200, "OK", bl->data, bl->len, bl);
}

/* Links */

static int
listener_port_of(struct server *srv, enum proto p)
{
	size_t	i;

	for (i = 0; i < srv->nlisteners; i++)
		if (listener_proto(srv->listeners[i]) == p)
			return listener_port(srv->listeners[i]);
	return -1;
}

static char *
base_url(struct http_req *hr)
{
	char	*u;

	xasprintf(&u, "%s://%s", hr->https ? "https" : "http", hr->host);
	return u;
}

/*
 * Base of links back into the feeds: a feed read with a token links to
 * its other pages with the same token, so paging keeps working.
 */
static char *
feed_base_url(struct http_req *hr)
{
	char	*u;

	xasprintf(&u, "%s://%s%s", hr->https ? "https" : "http", hr->host,
	    hr->prefix);
	return u;
}

/* Host name part of hr->host (no port), for news:// and ircs:// links. */
static void
host_only(struct http_req *hr, char *buf, size_t len)
{
	const char	*h = hr->host;
	size_t		 n;

	if (h[0] == '[') {
		n = strcspn(h, "]") + 1;
	} else
		n = strcspn(h, ":");
	if (n >= len)
		n = len - 1;
	memcpy(buf, h, n);
	buf[n] = '\0';
}

/* Generators */

static int
gen_healthz(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	(void)hr;
	evbuffer_add_printf(out, "ok\n");
	*lastmod = hr->srv->started;
	*ctype = "text/plain; charset=utf-8";
	return 0;
}

static void
event_to_entry(struct http_req *hr, const struct event_info *ev,
    struct feed_entry *e, char **owned)
{
	char	 starts[64], *content, *id, *link;
	int	 port = listener_port_of(hr->srv, PROTO_IRCS);
	char	 host[256];

	host_only(hr, host, sizeof host);
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

static int
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
	base = base_url(hr);
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

static int
gen_events_ics(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct ev_collect	 ec = { NULL, 0 };
	char			 t[32], host[256], *s;
	size_t			 i;
	int			 port = listener_port_of(hr->srv, PROTO_IRCS);

	host_only(hr, host, sizeof host);
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
static char *
news_url(const char *msgid)
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

/* The display name of a From header, never its address. */
static char *
from_name(const char *from)
{
	const char	*lt, *lp, *rp;
	char		*n;

	if (from == NULL)
		return xstrdup("anonymous");
	if ((lt = strchr(from, '<')) != NULL && lt > from) {
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
static char *
last_reference(const char *refs)
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
	e->id = own(es, news_url(a->msgid));
	/*
	 * The news: URL is the entry's link until the web reader exists;
	 * then the article's web address becomes the alternate link and
	 * news: the second one (issue 15).
	 */
	e->link = e->id;
	e->title = own(es, mime_words_decode((v = article_header_get(&art,
	    "Subject")) != NULL ? v : ""));
	if (a->author_name != NULL)
		e->author = own(es, xstrdup(a->author_name));
	else {
		char	*dec = mime_words_decode((v = article_header_get(&art,
			    "From")) != NULL ? v : "");

		e->author = own(es, from_name(dec));
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
	if ((parent = last_reference(article_header_get(&art, "References")))
	    != NULL) {
		e->in_reply_to = own(es, news_url(parent));
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

	e->id = own(es, news_url(a->msgid));
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

#define HTTP_NOT_FOUND	1	/* generator result: answer 404 */
#define HTTP_BAD	2	/* generator result: answer 400 */

static int
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
	store_news_feed_group(hr->srv->store, gf.id, before, FEED_PAGE,
	    article_entry, &es);
	/* The current page also carries the tombstones (RFC 6721). */
	if (before == 0)
		store_news_feed_gone_group(hr->srv->store, gf.name, FEED_PAGE,
		    tombstone_entry, &es);
	base = feed_base_url(hr);
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

static int
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
	base = feed_base_url(hr);
	xasprintf(&self, "%s/feeds/threads/%s", base, hr->arg_enc);
	id = news_url(msgid);
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

static int
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
	store_news_feed_author(hr->srv->store, a.id, FEED_PAGE, article_entry,
	    &es);
	base = base_url(hr);
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

#define HTTP_AUTH_NEEDED	3	/* generator result: answer 401 */

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

static int
gen_me_json(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	return gen_me(hr, out, lastmod, ctype, 0);
}

static int
gen_me_mbox(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	return gen_me(hr, out, lastmod, ctype, 1);
}

/* The landing page */

struct page_ctx {
	xmlTextWriterPtr	 w;
	struct http_req		*hr;
	int			 rc;
};

static int
el(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, (const xmlChar *)name) < 0 ? -1 :
	    0;
}

/* Close with an explicit end tag: HTML has no "<p/>". */
static int
el_end(xmlTextWriterPtr w)
{
	return xmlTextWriterFullEndElement(w) < 0 ? -1 : 0;
}

static int
void_el_end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
link_el(xmlTextWriterPtr w, const char *href, const char *text)
{
	if (el(w, "a") != 0 || feed_attr(w, "href", href) != 0 ||
	    feed_text(w, text) != 0 || el_end(w) != 0)
		return -1;
	return 0;
}

static void
page_group(const struct group_info *g, void *arg)
{
	struct page_ctx	*pc = arg;
	xmlTextWriterPtr w = pc->w;
	char		 host[256], *u, *base;
	int		 port;

	/* Members-only and private groups never appear in public. */
	if (strcmp(g->visibility, "public") != 0 || pc->rc != 0)
		return;
	host_only(pc->hr, host, sizeof host);
	base = base_url(pc->hr);
	if (el(w, "li") != 0 || el(w, "strong") != 0 ||
	    feed_text(w, g->name) != 0 || el_end(w) != 0 ||
	    feed_text(w, strcmp(g->status, "moderated") == 0 ?
	    i18n(pc->hr->lang, " (moderated) ") :
	    strcmp(g->status, "readonly") == 0 ?
	    i18n(pc->hr->lang, " (announcements) ") : " ") != 0 ||
	    feed_text(w, "\u2014 ") != 0 ||
	    feed_text(w, i18n(pc->hr->lang, g->description)) != 0 ||
	    feed_text(w, " ") != 0)
		goto fail;
	if ((port = listener_port_of(pc->hr->srv, PROTO_NNTPS)) > 0) {
		xasprintf(&u, "nntps://%s:%d/%s", host, port, g->name);
		if (link_el(w, u, "nntps") != 0 || feed_text(w, " ") != 0) {
			free(u);
			goto fail;
		}
		free(u);
	}
	if ((port = listener_port_of(pc->hr->srv, PROTO_NNTP)) > 0) {
		xasprintf(&u, "news://%s:%d/%s", host, port, g->name);
		if (link_el(w, u, "news") != 0 || feed_text(w, " ") != 0) {
			free(u);
			goto fail;
		}
		free(u);
	}
	xasprintf(&u, "%s/feeds/groups/%s.atom", base, g->name);
	if (link_el(w, u, i18n(pc->hr->lang, "Atom feed")) != 0 ||
	    el_end(w) != 0) {
		free(u);
		goto fail;
	}
	free(u);
	free(base);
	return;
fail:
	free(base);
	pc->rc = -1;
}

static void
page_room(const struct room_info *r, void *arg)
{
	struct page_ctx	*pc = arg;
	xmlTextWriterPtr w = pc->w;
	struct event_info ev;
	char		 host[256], when[64], *u;
	int		 port;

	/* Secret rooms (+s) are not listed. */
	if (strchr(r->modes, 's') != NULL || pc->rc != 0)
		return;
	host_only(pc->hr, host, sizeof host);
	if (el(w, "li") != 0 || el(w, "strong") != 0 ||
	    feed_text(w, r->name) != 0 || el_end(w) != 0 ||
	    feed_text(w, " \u2014 ") != 0 ||
	    feed_text(w, i18n(pc->hr->lang, r->topic)) != 0 ||
	    feed_text(w, " ") != 0)
		goto fail;
	if ((port = listener_port_of(pc->hr->srv, PROTO_IRCS)) > 0) {
		/* "#" must be written %23 in an IRC URL. */
		xasprintf(&u, "ircs://%s:%d/%%23%s", host, port, r->name + 1);
		if (link_el(w, u, "ircs") != 0) {
			free(u);
			goto fail;
		}
		free(u);
	}
	/* The next event beside the topic, never in it. */
	if (event_next_in_room(pc->hr->srv, r->name, 7 * 86400, &ev)) {
		tz_when(ev.starts, when, sizeof when);
		xasprintf(&u, i18n(pc->hr->lang, "Next: %s, %s"), ev.title,
		    when);
		event_info_clear(&ev);
		if (feed_text(w, " \u00b7 ") != 0 || el(w, "em") != 0 ||
		    feed_text(w, u) != 0 || el_end(w) != 0) {
			free(u);
			goto fail;
		}
		free(u);
	}
	if (el_end(w) != 0)
		goto fail;
	return;
fail:
	pc->rc = -1;
}

static void
page_event(const struct event_info *ev, void *arg)
{
	struct page_ctx	*pc = arg;
	xmlTextWriterPtr w = pc->w;
	char		 when[64], *s;

	if (pc->rc != 0)
		return;
	tz_when(ev->starts, when, sizeof when);
	xasprintf(&s, i18n_n(pc->hr->lang, " \u2014 %s, %d minute, in %s",
	    " \u2014 %s, %d minutes, in %s", (unsigned long)(ev->duration / 60)),
	    when, ev->duration / 60, ev->room);
	if (el(w, "li") != 0 || el(w, "strong") != 0 ||
	    feed_text(w, ev->title) != 0 || el_end(w) != 0 ||
	    feed_text(w, s) != 0 || el_end(w) != 0)
		pc->rc = -1;
	free(s);
}

static int
section(xmlTextWriterPtr w, const char *title)
{
	if (el(w, "h2") != 0 || feed_text(w, title) != 0 || el_end(w) != 0)
		return -1;
	return 0;
}

static int
para(xmlTextWriterPtr w, const char *text)
{
	if (el(w, "p") != 0 || feed_text(w, text) != 0 || el_end(w) != 0)
		return -1;
	return 0;
}

static int
meta(xmlTextWriterPtr w, const char *k, const char *kv, const char *v)
{
	if (el(w, "meta") != 0 || feed_attr(w, k, kv) != 0 ||
	    feed_attr(w, "content", v) != 0 || void_el_end(w) != 0)
		return -1;
	return 0;
}

static int
alt_link(xmlTextWriterPtr w, const char *type, const char *title,
    const char *href)
{
	if (el(w, "link") != 0 || feed_attr(w, "rel", "alternate") != 0 ||
	    feed_attr(w, "type", type) != 0 ||
	    feed_attr(w, "title", title) != 0 ||
	    feed_attr(w, "href", href) != 0 || void_el_end(w) != 0)
		return -1;
	return 0;
}

static int
gen_landing(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	const char		*L = hr->lang != NULL ? hr->lang : "en";
	struct server		*srv = hr->srv;
	struct config		*cf = srv->cf;
	xmlBufferPtr		 buf;
	xmlTextWriterPtr	 w;
	struct page_ctx		 pc;
	char			*base, *u, host[256];
	int			 port;

	if ((w = feed_writer_new(&buf)) == NULL)
		return -1;
	host_only(hr, host, sizeof host);
	base = base_url(hr);
	pc.w = w;
	pc.hr = hr;
	pc.rc = 0;
	if (xmlTextWriterWriteDTD(w, (const xmlChar *)"html", NULL, NULL,
	    NULL) < 0 || el(w, "html") != 0 || feed_attr(w, "lang", L) ||
	    el(w, "head") != 0 || el(w, "meta") != 0 ||
	    feed_attr(w, "charset", "utf-8") != 0 || void_el_end(w) != 0 ||
	    meta(w, "name", "viewport", "width=device-width, "
	    "initial-scale=1") != 0 ||
	    el(w, "title") != 0 || feed_text(w, cf->network_name) != 0 ||
	    el_end(w) != 0)
		goto fail;
	xasprintf(&u, "%s/feeds/events.atom", base);
	if (alt_link(w, "application/atom+xml", i18n(L, "Events"), u) != 0) {
		free(u);
		goto fail;
	}
	free(u);
	xasprintf(&u, "%s/feeds/groups/hearth.announce.atom", base);
	if (alt_link(w, "application/atom+xml", i18n(L, "Announcements"),
	    u) != 0) {
		free(u);
		goto fail;
	}
	free(u);
	if (el(w, "style") != 0 || xmlTextWriterWriteString(w,
	    (const xmlChar *)"body{font-family:sans-serif;max-width:42em;"
	    "margin:auto;padding:1em;line-height:1.5}"
	    ".hotline{border:2px solid #a00;padding:.5em}") < 0 ||
	    el_end(w) != 0 || el_end(w) != 0)
		goto fail;
	if (el(w, "body") != 0 || el(w, "header") != 0 || el(w, "h1") != 0 ||
	    feed_text(w, cf->network_name) != 0 || el_end(w) != 0 ||
	    para(w, i18n(L, "A community for people living with serious "
	    "illness, their families, and the doctors who answer them.")) !=
	    0 ||
	    el_end(w) != 0 || el(w, "main") != 0)
		goto fail;
	if (el(w, "p") != 0 || feed_attr(w, "class", "hotline") != 0 ||
	    el(w, "strong") != 0 || feed_text(w, i18n(L, cf->hotline)) != 0 ||
	    el_end(w) != 0 || el_end(w) != 0)
		goto fail;

	if (section(w, i18n(L, "Support groups (newsreader)")) != 0 ||
	    el(w, "ul"))
		goto fail;
	store_group_list(srv->store, page_group, &pc);
	if (pc.rc != 0 || el_end(w) != 0)
		goto fail;

	if (section(w, i18n(L, "Meetup rooms (IRC)")) != 0 ||
	    el(w, "ul") != 0)
		goto fail;
	store_room_list(srv->store, page_room, &pc);
	if (pc.rc != 0 || el_end(w) != 0)
		goto fail;

	if (section(w, i18n(L, "Coming up")) != 0 || el(w, "ul") != 0)
		goto fail;
	store_event_list(srv->store, time(NULL), 10, 0, page_event, &pc);
	if (pc.rc != 0 || el_end(w) != 0 || el(w, "p") != 0)
		goto fail;
	{
		char	zone[32], *tzt;

		tz_zone(time(NULL), zone, sizeof zone);
		if (tz_name() != NULL)
			xasprintf(&tzt, i18n(L, "Times are %s time (%s). "),
			    tz_name(), zone);
		else
			xasprintf(&tzt, i18n(L, "Times are %s. "), zone);
		if (feed_text(w, tzt) != 0) {
			free(tzt);
			goto fail;
		}
		free(tzt);
	}
	xasprintf(&u, "%s/feeds/events.atom", base);
	if (link_el(w, u, i18n(L, "Events feed (Atom)")) != 0) {
		free(u);
		goto fail;
	}
	free(u);
	xasprintf(&u, "%s/events.ics", base);
	if (feed_text(w, " \u00b7 ") != 0 ||
	    link_el(w, u, i18n(L, "Calendar (iCalendar)")) != 0 ||
	    el_end(w) != 0) {
		free(u);
		goto fail;
	}
	free(u);

	if (section(w, i18n(L, "How to connect")) != 0 || el(w, "ul") != 0)
		goto fail;
	if ((port = listener_port_of(srv, PROTO_NNTPS)) > 0) {
		xasprintf(&u, i18n(L, "Newsreader (tin, slrn, Thunderbird): "
		    "server %s, port %d, TLS on, log in with your Hearth "
		    "account."), host, port);
		if (el(w, "li") != 0 || feed_text(w, u) != 0 ||
		    el_end(w) != 0) {
			free(u);
			goto fail;
		}
		free(u);
	}
	if ((port = listener_port_of(srv, PROTO_IRCS)) > 0) {
		xasprintf(&u, i18n(L, "IRC (irssi, WeeChat, HexChat): server "
		    "%s, port %d, TLS on, SASL PLAIN with your Hearth "
		    "account."), host, port);
		if (el(w, "li") != 0 || feed_text(w, u) != 0 ||
		    el_end(w) != 0) {
			free(u);
			goto fail;
		}
		free(u);
	}
	if (el(w, "li") != 0 || feed_text(w, i18n(L, "Feeds: any RSS or "
	    "Atom reader; every group has a feed link above.")) != 0 ||
	    el_end(w) != 0 ||
	    el_end(w) != 0 || el_end(w) != 0)
		goto fail;
	if (el(w, "footer") != 0 || para(w, i18n(L, cf->disclaimer)) != 0 ||
	    el_end(w) != 0 || el_end(w) != 0 || el_end(w) != 0)
		goto fail;
	free(base);
	*lastmod = store_event_last_change(srv->store);
	if (*lastmod < srv->started)
		*lastmod = srv->started;
	*ctype = "text/html; charset=utf-8";
	return feed_writer_finish(w, buf, out);
fail:
	free(base);
	xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	return -1;
}

/* Indexed by route (http-target.h, which owns the paths). */
static const struct http_route routes[HTTP_R_COUNT] = {
	[HTTP_R_LANDING] = { gen_landing, 60 },
	[HTTP_R_HEALTHZ] = { gen_healthz, 0 },
	[HTTP_R_EVENTS_ATOM] = { gen_events_atom, 300 },
	[HTTP_R_EVENTS_ICS] = { gen_events_ics, 300 },
	[HTTP_R_GROUP_FEED] = { gen_group_feed, 60 },
	[HTTP_R_THREAD_FEED] = { gen_thread_feed, 60 },
	[HTTP_R_DOCTOR_FEED] = { gen_doctor_feed, 300 },
	[HTTP_R_ME_JSON] = { gen_me_json, -1 },
	[HTTP_R_ME_MBOX] = { gen_me_mbox, -1 },
};

/*
 * Per-IP token bucket in a fixed table (memory stays bounded whatever
 * the number of clients; a collision just shares a bucket).
 */
static int
rate_ok(struct server *srv, const char *ip)
{
	struct http_bucket	*b;
	struct timeval		 now, d;
	unsigned int		 h = 2166136261u;
	const char		*p;
	double			 rate = srv->cf->http_rate_per_sec;
	double			 burst = srv->cf->http_rate_burst;

	for (p = ip; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	b = &srv->http->rate[h % HTTP_RATE_SLOTS];
	event_base_gettimeofday_cached(srv->base, &now);
	if (strcmp(b->ip, ip) != 0) {
		snprintf(b->ip, sizeof b->ip, "%s", ip);
		b->tokens = burst;
		b->last = now;
	}
	timersub(&now, &b->last, &d);
	b->tokens += ((double)d.tv_sec + d.tv_usec / 1e6) * rate;
	if (b->tokens > burst)
		b->tokens = burst;
	b->last = now;
	if (b->tokens < 1)
		return 0;
	b->tokens -= 1;
	return 1;
}

/* Host header reduced to characters a host[:port] can hold. */
static void
request_host(struct http_req *hr)
{
	const char	*h;
	size_t		 i, n;

	h = req_field(hr, "Host");
	if (h == NULL || *h == '\0' || strlen(h) >= sizeof hr->host) {
		snprintf(hr->host, sizeof hr->host, "%s",
		    hr->srv->cf->server_name);
		return;
	}
	n = strlen(h);
	for (i = 0; i < n; i++) {
		unsigned char	ch = (unsigned char)h[i];

		if (!(isalnum(ch) || ch == '.' || ch == '-' || ch == ':' ||
		    ch == '[' || ch == ']')) {
			snprintf(hr->host, sizeof hr->host, "%s",
			    hr->srv->cf->server_name);
			return;
		}
	}
	memcpy(hr->host, h, n + 1);
}

/* Is this request encrypted, or from loopback when the operator allows? */
static int
secure_enough(struct http_req *hr)
{
	return hr->https || auth_channel_ok(hr->srv, hr->c);
}

/*
 * HTTP Basic credentials (RFC 7617) for members-only feeds.  Only over
 * TLS (or loopback when the operator allows it); a wrong password gets
 * 401, a banned account 403 with the reason and the end of the ban, and
 * no credentials simply reads as the public.  Returns -1 when a reply
 * was sent.
 */
/* A Basic check finished on the loop: keep its answer for the replay. */
static void
http_auth_done(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct http_conn	*hc = c->pstate;

	(void)arg;
	hc->auth.done = 1;
	hc->auth.rc = rc;
	hc->auth.ban[0] = '\0';
	if (rc == AUTH_OK) {
		hc->auth.level = membership_reader_level(c->srv, a->role);
		hc->auth.account_id = a->id;
		snprintf(hc->auth.account, sizeof hc->auth.account, "%s",
		    a->name);
		account_clear(a);
	} else if (rc == AUTH_BANNED)
		sanction_describe(ban, hc->auth.ban, sizeof hc->auth.ban);
}

/*
 * Decoded Basic credentials: a name (an account name is at most 30
 * bytes; a longer one just fails) and a password of up to PASSWORD_MAX.
 */
#define BASIC_MAX	(PASSWORD_MAX + 128)
#define BASIC_B64_MAX	((BASIC_MAX + 2) / 3 * 4)

static int
http_auth(struct http_req *hr)
{
	const char		*h, *p;
	unsigned char		 dec[BASIC_MAX + 3], digest[32];
	int			 n;
	char			*colon, msg[600];
	struct http_conn	*hc;
	int			 rc;

	hr->level = 0;
	h = req_field(hr, "Authorization");
	if (h == NULL)
		return 0;
	if (!secure_enough(hr)) {
		send_text(hr, 403, "Forbidden", "Send credentials over "
		    "HTTPS only");
		return -1;
	}
	if (strncasecmp(h, "Basic ", 6) != 0) {
		add_header(hr, "WWW-Authenticate", "Basic realm=\"Hearth\", "
		    "charset=\"UTF-8\"");
		send_text(hr, 401, "Unauthorized", "Use Basic "
		    "authentication");
		return -1;
	}
	p = h + 6;
	while (*p == ' ')
		p++;
	if (strlen(p) > BASIC_B64_MAX || (n = EVP_DecodeBlock(dec,
	    (const unsigned char *)p, (int)strlen(p))) < 0) {
		send_text(hr, 400, "Bad Request", "Malformed credentials");
		return -1;
	}
	/* EVP_DecodeBlock counts the padding as data bytes. */
	if (strlen(p) >= 1 && p[strlen(p) - 1] == '=')
		n--;
	if (strlen(p) >= 2 && p[strlen(p) - 2] == '=')
		n--;
	if (n < 0 || n >= (int)sizeof dec) {
		send_text(hr, 400, "Bad Request", "Malformed credentials");
		return -1;
	}
	dec[n] = '\0';
	if ((int)strlen((char *)dec) != n) {
		/* A NUL inside the credentials. */
		send_text(hr, 400, "Bad Request", "Malformed credentials");
		return -1;
	}
	if ((colon = strchr((char *)dec, ':')) == NULL) {
		send_text(hr, 400, "Bad Request", "Malformed credentials");
		return -1;
	}
	*colon = '\0';
	hc = hr->c->pstate;
	SHA256((const unsigned char *)h, strlen(h), digest);
	if (hc->auth.done && CRYPTO_memcmp(digest, hc->auth.digest,
	    sizeof digest) == 0) {
		/* The answer of the check this request waited for. */
		OPENSSL_cleanse(dec, sizeof dec);
		hc->auth.done = 0;
		rc = hc->auth.rc;
		if (rc == AUTH_OK) {
			hr->level = hc->auth.level;
			hr->account_id = hc->auth.account_id;
			snprintf(hr->account, sizeof hr->account, "%s",
			    hc->auth.account);
		}
	} else {
		hc->auth.done = 0;
		memcpy(hc->auth.digest, digest, sizeof digest);
		rc = auth_login_start(hr->srv, hr->c, "http", (char *)dec,
		    colon + 1, http_auth_done, NULL);
		OPENSSL_cleanse(dec, sizeof dec);
		if (rc == AUTH_PENDING) {
			/* The backoff may wait: the deadline allows it. */
			conn_set_idle(hr->c, hr->srv->cf->http_request_timeout +
			    hr->srv->cf->login_delay_max);
			hr->wait = 1;
			return -1;
		}
	}
	if (rc == AUTH_BANNED) {
		/* Right password: no new credentials will help. */
		snprintf(msg, sizeof msg, "Account %s", hc->auth.ban);
		send_text(hr, 403, "Forbidden", msg);
		return -1;
	}
	if (rc == AUTH_OK)
		return 0;
	if (rc == AUTH_BUSY || rc == AUTH_ERROR) {
		add_header(hr, "Retry-After", "5");
		send_text(hr, 503, "Service Unavailable", rc == AUTH_BUSY ?
		    "Too many sign-ins in progress: try again in a moment" :
		    "Could not check the password: try again later");
		return -1;
	}
	add_header(hr, "WWW-Authenticate", "Basic realm=\"Hearth\", "
	    "charset=\"UTF-8\"");
	if (rc == AUTH_THROTTLED) {
		add_header(hr, "Retry-After", "60");
		send_text(hr, 429, "Too Many Requests", "Too many failed "
		    "sign-ins; try again later");
	} else
		send_text(hr, 401, "Unauthorized", "Wrong name or "
		    "password");
	return -1;
}

/*
 * /t/TOKEN/feeds/...: a member's feed token in place of Basic auth.  A
 * token in the path survives every feed reader (some drop or reorder
 * query strings, many cannot send credentials), and the feeds' own
 * links (self, paging) carry it on.  Feeds only, over TLS only; a token
 * that is malformed, unknown or revoked reads as a page that does not
 * exist.  TOK points at the token in the request-target.  On success HR
 * reads as the member, with the "/t/TOKEN" prefix for links.  -1 when a
 * reply went out.
 */
static int
token_auth(struct http_req *hr, const char *tok)
{
	char		 buf[FEED_TOKEN_LEN + 1];
	struct account	 a;
	int		 rc;

	if (!secure_enough(hr)) {
		send_text(hr, 403, "Forbidden", "Feed tokens work over "
		    "HTTPS only");
		return -1;
	}
	memcpy(buf, tok, FEED_TOKEN_LEN);
	buf[FEED_TOKEN_LEN] = '\0';
	rc = feedtoken_check(hr->srv, buf, &a, &hr->token_id);
	if (rc != STORE_OK) {
		OPENSSL_cleanse(buf, sizeof buf);
		if (rc == STORE_ERROR)
			send_text(hr, 503, "Service Unavailable",
			    "Try again later");
		else
			send_text(hr, 404, "Not Found", "Not found");
		return -1;
	}
	hr->level = membership_reader_level(hr->srv, a.role);
	hr->account_id = a.id;
	snprintf(hr->account, sizeof hr->account, "%s", a.name);
	snprintf(hr->prefix, sizeof hr->prefix, "/t/%s", buf);
	OPENSSL_cleanse(buf, sizeof buf);
	account_clear(&a);
	return 0;
}


/*
 * Answer one parsed request (the route, the cache, the rate limit, the
 * credentials).  HR holds the connection and the request.
 */
static void
http_dispatch(struct http_req *hr)
{
	struct server		*srv = hr->srv;
	const struct http_request *rq = hr->rq;
	const char		*uri = rq->target;
	struct http_target	*t;
	char			*key = NULL;
	const char		*target = uri, *tok = NULL;
	const struct http_route	*rt;
	struct http_doc		*d;
	struct evbuffer		*body;
	time_t			 lastmod;
	const char		*ctype;
	size_t			 i;

	if (srv->shutting_down) {
		hr->keep_alive = 0;
		send_text(hr, 503, "Service Unavailable", "Shutting down");
		return;
	}
	if (!hr->replay && !rate_ok(srv, hr->c->ip)) {
		add_header(hr, "Retry-After", "1");
		send_text(hr, 429, "Too Many Requests",
		    "Too many requests: slow down");
		return;
	}
	if (rq->method == HTTP_M_OTHER) {
		send_text(hr, 501, "Not Implemented", "Unknown method");
		return;
	}
	if (rq->method != HTTP_M_GET && rq->method != HTTP_M_HEAD) {
		add_header(hr, "Allow", "GET, HEAD");
		send_text(hr, 405, "Method Not Allowed",
		    "Only GET and HEAD are served here");
		return;
	}
	/*
	 * A feed token comes first: /t/TOKEN/feeds/...  The rest is an
	 * ordinary target, parsed as any other.
	 */
	if (strncmp(uri, "/t/", 3) == 0) {
		tok = uri + 3;
		target = tok + strcspn(tok, "/?");
		if ((size_t)(target - tok) != FEED_TOKEN_LEN ||
		    strncmp(target, "/feeds/", 7) != 0) {
			send_text(hr, 404, "Not Found", "Not found");
			return;
		}
	}
	t = xmalloc(sizeof *t);
	switch (http_target_parse(target, strlen(target), t)) {
	case HTTP_TARGET_OK:
		break;
	case HTTP_TARGET_TOO_LONG:
		free(t);
		send_text(hr, 414, "URI Too Long", "URI too long");
		return;
	case HTTP_TARGET_NOT_FOUND:
		free(t);
		send_text(hr, 404, "Not Found", "Not found");
		return;
	default:
		free(t);
		send_text(hr, 400, "Bad Request", "Malformed request URI");
		return;
	}
	hr->path = http_route_path(t->route);
	hr->arg = t->arg;
	hr->arg_enc = xmalloc(t->arg_len * 3 + 1);
	http_segment_encode(t->arg, t->arg_len, hr->arg_enc,
	    t->arg_len * 3 + 1);
	hr->before = t->before;
	hr->https = conn_is_tls(hr->c);
	request_host(hr);
	if (tok != NULL && token_auth(hr, tok) != 0)
		goto done;
	rt = &routes[t->route];
	if (hr->token_id == 0 && http_auth(hr) != 0)
		goto done;
	if (rt->max_age < 0) {
		/* Personal data: generated for this request only. */
		body = evbuffer_new();
		ctype = "text/plain";
		if ((i = (size_t)rt->fn(hr, body, &lastmod, &ctype)) != 0) {
			if (i == HTTP_AUTH_NEEDED) {
				add_header(hr, "WWW-Authenticate", "Basic "
				    "realm=\"Hearth\", charset=\"UTF-8\"");
				send_text(hr, 401, "Unauthorized", "Sign in "
				    "with your Hearth account (over HTTPS)");
			} else
				send_text(hr, 500, "Internal Server Error",
				    "Could not export");
		} else {
			add_header(hr, "Content-Type", ctype);
			add_header(hr, "Cache-Control", "private, no-store");
			add_header(hr, "X-Content-Type-Options", "nosniff");
			http_send(hr, 200, "OK", evbuffer_pullup(body, -1),
			    evbuffer_get_length(body), NULL);
		}
		evbuffer_free(body);
		goto done;
	}
	/*
	 * Documents embed absolute links: cache per scheme, host, path and
	 * query, and per reader: members see members-only groups and the
	 * private groups whose access list holds them, and a token's feeds
	 * link with that token.  Revoking a token or changing an access
	 * list bumps the content version, which empties the cache.
	 */
	hr->vary_lang = t->route == HTTP_R_LANDING;
	hr->lang = NULL;
	if (hr->vary_lang) {
		if (hr->account[0] != '\0')
			hr->lang = member_lang(srv, hr->account);
		if (hr->lang == NULL)
			hr->lang = i18n_negotiate(req_field(hr,
			    "Accept-Language"));
		if (hr->lang == NULL)
			hr->lang = i18n_lang(i18n_default());
		if (hr->lang == NULL)
			hr->lang = "en";
	}
	xasprintf(&key, "%s|%d|%lld|%lld|%s|%s|%s%s?%lld", hr->https ? "s" :
	    "p", hr->level, (long long)hr->account_id, (long long)hr->token_id,
	    hr->lang != NULL ? hr->lang : "-", hr->host, hr->path, hr->arg_enc,
	    (long long)hr->before);
	if ((d = cache_get(srv, key)) == NULL) {
		int	rc;

		body = evbuffer_new();
		ctype = "text/plain";
		lastmod = srv->started;
		if ((rc = rt->fn(hr, body, &lastmod, &ctype)) != 0) {
			evbuffer_free(body);
			if (rc == HTTP_NOT_FOUND)
				send_text(hr, 404, "Not Found", "Not found");
			else if (rc == HTTP_BAD)
				send_text(hr, 400, "Bad Request",
				    "Malformed request");
			else {
				log_warnx("http: cannot generate %s", hr->path);
				send_text(hr, 500, "Internal Server Error",
				    "Could not generate this page");
			}
			goto done;
		}
		d = cache_put(srv, key, body, lastmod, ctype);
		evbuffer_free(body);
	}
	send_doc(hr, d, rt->max_age, hr->level > 0);
done:
	free(key);
	free(hr->arg_enc);
	hr->arg_enc = NULL;
	free(t);
}

/* The connection adapter (proto_ops). */

static void
req_init(struct http_req *hr, struct conn *c)
{
	memset(hr, 0, sizeof *hr);
	hr->srv = c->srv;
	hr->c = c;
	hr->minor = 1;
}

/* Answer CODE without a request to go with it, and close. */
static int
http_fail(struct conn *c, int code, const char *reason, const char *text)
{
	struct http_req	hr;

	req_init(&hr, c);
	send_text(&hr, code, reason, text);
	conn_close(c, reason);
	return CONN_GONE;
}

static int
parse_error(struct conn *c, int code)
{
	switch (code) {
	case 413:
		return http_fail(c, 413, "Content Too Large",
		    "Request body too large");
	case 414:
		return http_fail(c, 414, "URI Too Long", "URI too long");
	case 431:
		return http_fail(c, 431, "Request Header Fields Too Large",
		    "Request header fields too large");
	case 501:
		return http_fail(c, 501, "Not Implemented",
		    "Transfer-Encoding is not supported in requests");
	case 505:
		return http_fail(c, 505, "HTTP Version Not Supported",
		    "Only HTTP/1.0 and HTTP/1.1 are served here");
	default:
		return http_fail(c, 400, "Bad Request", "Malformed request");
	}
}

static int
http_on_open(struct conn *c)
{
	struct http_conn	*hc = xcalloc(1, sizeof *hc);

	c->pstate = hc;
	/* A new connection owes its first request within the deadline. */
	hc->receiving = 1;
	conn_set_idle(c, c->srv->cf->http_request_timeout);
	return CONN_OK;
}

/* A request is fully read: wait for the next one, idle. */
static void
request_finished(struct conn *c, struct http_conn *hc)
{
	hc->receiving = 0;
	conn_set_idle(c, c->srv->cf->idle_timeout);
}

/* Forget the waiting request's copy (it holds credentials). */
static void
wait_drop(struct http_conn *hc)
{
	if (hc->wait_head == NULL)
		return;
	OPENSSL_cleanse(hc->wait_head, hc->wait_rq.head_len);
	free(hc->wait_head);
	hc->wait_head = NULL;
}

/* Copy RQ's head (parsed in BUF) so the replay reads it from HC. */
static void
wait_keep(struct http_conn *hc, const struct http_request *rq,
    const char *buf)
{
	char	*copy = xmalloc(rq->head_len);
	size_t	 i;

#define REBASE(p) ((p) == NULL ? NULL : copy + ((p) - buf))
	wait_drop(hc);
	memcpy(copy, buf, rq->head_len);
	hc->wait_rq = *rq;
	hc->wait_rq.target = REBASE(rq->target);
	hc->wait_rq.host = REBASE(rq->host);
	for (i = 0; i < rq->nfields; i++) {
		hc->wait_rq.fields[i].name = REBASE(rq->fields[i].name);
		hc->wait_rq.fields[i].value = REBASE(rq->fields[i].value);
	}
#undef REBASE
	hc->wait_head = copy;
}

/*
 * Take one request from IN: parse its head, answer it, drop its body.
 * Requests are answered in order; while much output is queued reading
 * waits (on_drain resumes it), so pipelining never outgrows the cap.
 */
static int
http_on_input(struct conn *c, struct evbuffer *in)
{
	struct http_conn	*hc = c->pstate;
	struct http_request	 rq;
	struct http_req		 hr;
	size_t			 avail = evbuffer_get_length(in), want, n;
	char			*buf = NULL;
	int			 rc;

	if (!hc->receiving) {
		/* The first byte of a request: its deadline starts. */
		hc->receiving = 1;
		conn_set_idle(c, c->srv->cf->http_request_timeout);
	}
	if (hc->skip > 0) {
		/* The body of a request already answered. */
		n = avail < hc->skip ? avail : hc->skip;
		evbuffer_drain(in, n);
		hc->skip -= n;
		if (hc->skip > 0)
			return CONN_MORE;
		request_finished(c, hc);
		return CONN_OK;
	}
	if (hc->wait_head != NULL) {
		/* The request that waited for its password check. */
		rq = hc->wait_rq;
	} else {
		want = avail < HTTP_REQ_MAX_HEAD + 2 ? avail :
		    HTTP_REQ_MAX_HEAD + 2;
		if ((buf = (char *)evbuffer_pullup(in, (ev_ssize_t)want)) ==
		    NULL)
			return CONN_MORE;
		rc = http_request_parse(buf, want, HTTP_MAX_BODY, &rq);
		if (rc == HTTP_REQ_MORE)
			return CONN_MORE;
		if (rc != HTTP_REQ_DONE)
			return parse_error(c, rc);
		/* IRC over WebSocket: the connection leaves HTTP. */
		if ((rc = http_ws_try(c, in, &rq)) != -1)
			return rc;
	}
	req_init(&hr, c);
	hr.rq = &rq;
	hr.head = rq.method == HTTP_M_HEAD;
	hr.minor = rq.minor;
	hr.keep_alive = rq.keep_alive;
	hr.replay = hc->wait_head != NULL;
	http_dispatch(&hr);
	if (hr.wait) {
		/*
		 * Dispatched again once the password is checked: keep the
		 * parsed head (a copy; it stays in IN until answered).
		 */
		if (hc->wait_head == NULL)
			wait_keep(hc, &rq, buf);
		return CONN_OK;
	}
	wait_drop(hc);
	/* The head is answered; the strings pointed into IN until now. */
	evbuffer_drain(in, rq.head_len);
	avail -= rq.head_len;
	n = avail < rq.content_length ? avail : rq.content_length;
	evbuffer_drain(in, n);
	hc->skip = rq.content_length - n;
	if (conn_is_closing(c))
		return CONN_GONE;
	if (!hr.keep_alive) {
		if (hc->rest != NULL && evbuffer_get_length(hc->rest) > 0) {
			/* The rest of the body first (on_drain closes). */
			hc->close_after = 1;
			return CONN_OK;
		}
		conn_close(c, "HTTP response sent");
		return CONN_GONE;
	}
	if (hc->skip == 0)
		request_finished(c, hc);
	if (conn_output_len(c) >= out_high(c))
		http_pause(c, hc);
	return CONN_OK;
}

static int
http_on_drain(struct conn *c)
{
	struct http_conn	*hc = c->pstate;

	if (hc == NULL || conn_is_closing(c))
		return CONN_OK;
	if (hc->rest != NULL && evbuffer_get_length(hc->rest) > 0) {
		http_pump(c, hc);
		if (conn_is_closing(c))
			return CONN_GONE;
		/* A reader that keeps taking the body is not idle. */
		if (!hc->receiving)
			conn_set_idle(c, c->srv->cf->idle_timeout);
		if (evbuffer_get_length(hc->rest) > 0)
			return CONN_OK;
	}
	if (hc->close_after) {
		conn_close(c, "HTTP response sent");
		return CONN_GONE;
	}
	if (hc->paused && conn_output_len(c) <= out_low(c)) {
		hc->paused = 0;
		conn_want_drain(c, 0);
		conn_resume(c);
	}
	return CONN_OK;
}

/*
 * The timer ran out: a request that did not arrive whole in time gets
 * 408 (RFC 9110 §15.5.9); a silent keep-alive connection just closes.
 */
static int
http_on_idle(struct conn *c)
{
	struct http_conn	*hc = c->pstate;

	if (hc != NULL && hc->receiving && !hc->paused &&
	    (hc->skip > 0 || evbuffer_get_length(bufferevent_get_input(
	    c->bev)) > 0)) {
		log_debug("conn=%llu proto=%s request deadline passed",
		    (unsigned long long)c->id, proto_name(c->proto));
		return http_fail(c, 408, "Request Timeout",
		    "The request did not arrive in time");
	}
	conn_close(c, "idle");
	return CONN_GONE;
}

static void
http_on_refuse(struct conn *c, const char *why)
{
	struct http_req	hr;

	req_init(&hr, c);
	add_header(&hr, "Retry-After", "10");
	send_text(&hr, 503, "Service Unavailable", why);
}

static void
http_on_free(struct conn *c)
{
	struct http_conn	*hc = c->pstate;

	if (hc == NULL)
		return;
	if (hc->rest != NULL)
		evbuffer_free(hc->rest);
	wait_drop(hc);
	OPENSSL_cleanse(&hc->auth, sizeof hc->auth);
	free(hc);
	c->pstate = NULL;
}

/* No lines: what one request may buffer, head and body. */
static size_t
http_max_line(struct server *srv)
{
	(void)srv;
	return HTTP_MAX_REQUEST;
}

static void
http_rate(struct server *srv, double *per_sec, double *burst)
{
	*per_sec = srv->cf->http_rate_per_sec;
	*burst = srv->cf->http_rate_burst;
}

const struct proto_ops http_ops = {
	.name = "http",
	.on_open = http_on_open,
	.on_input = http_on_input,
	.on_drain = http_on_drain,
	.on_idle = http_on_idle,
	.on_refuse = http_on_refuse,
	.on_free = http_on_free,
	.max_line = http_max_line,
	.rate = http_rate,
};

void
http_init(struct server *srv)
{
	if (srv->http == NULL)
		srv->http = xcalloc(1, sizeof *srv->http);
}

/* Stop serving HTTP (exit); the cache goes too. */
void
http_free(struct server *srv)
{
	int	i;

	if (srv->http == NULL)
		return;
	for (i = 0; i < HTTP_CACHE_SLOTS; i++)
		doc_clear(&srv->http->cache[i]);
	free(srv->http);
	srv->http = NULL;
}
