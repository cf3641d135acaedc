/*
 * http.c -- the HTTP(S) service: the adapter, the routes, sending.
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
 * sent by reference, never copied.  The pages and documents themselves
 * are made in the other http-*.c files (see http-int.h).
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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
#include "http-int.h"
#include "http-ws.h"
#include "i18n.h"
#include "lang.h"
#include "strmap.h"
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
/*
 * Queued output past which pipelined requests wait for it to drain,
 * and below which they go on (both at most a fraction of output_cap).
 */
#define HTTP_OUT_HIGH		(64 * 1024)
#define HTTP_OUT_LOW		(32 * 1024)
/* A larger body goes out a piece at a time (at most a quarter cap). */
#define HTTP_PUMP_CHUNK		(256 * 1024)
/*
 * A body at least this long that is sent again over plain HTTP goes
 * into a memfd and out with sendfile() (struct blob); a shorter one is
 * copied with the head in one writev, which costs less than a second
 * system call.  At most HTTP_FILE_BLOBS bodies are files at once.
 */
#define HTTP_SENDFILE_MIN	(16 * 1024)
#define HTTP_FILE_BLOBS		CONN_FD_FILES

/*
 * A cached body shared with the responses in flight: evbuffer references
 * it without copying, and the last holder frees it (the cache may have
 * replaced the document meanwhile).
 *
 * A body that is asked for again over plain HTTP moves into a sealed
 * memfd (blob_file()), written once and never again: its bytes are then
 * a read-only mapping of that file, registered with conn
 * (conn_file_register()), so a plain connection's flush sends the
 * references to it with sendfile(), head and body in one packet, and the
 * kernel takes the pages by reference instead of copying the body into
 * the socket for every response (what nginx does with a static file).
 * TLS connections reference the same mapping.  A new version of the
 * document is a new blob and a new file; the old one is closed when the
 * last response holding it is out.  At most HTTP_FILE_BLOBS such files
 * are open at once (conn.c counts them in the descriptor budget as
 * CONN_FD_FILES); past that a body stays on the heap and is copied.
 */
struct blob {
	unsigned int	 refs;
	size_t		 len;
	unsigned char	*data;		/* the bytes: heap or the mapping */
	int		 fd;		/* the memfd, or -1 */
	unsigned char	 heap[];
};

/* Open memfds of bodies (live blobs with FD, cached or in flight). */
static int	file_blobs;

static struct blob *
blob_new(const void *p, size_t len)
{
	struct blob	*b = xmalloc(sizeof *b + len + 1);

	b->refs = 1;
	b->len = len;
	b->data = b->heap;
	b->fd = -1;
	memcpy(b->data, p, len);
	b->data[len] = '\0';
	return b;
}

static void
blob_unref(struct blob *b)
{
	if (b == NULL || --b->refs > 0)
		return;
	if (b->fd >= 0) {
		conn_file_unregister(b->data);
		munmap(b->data, b->len);
		close(b->fd);
		file_blobs--;
	}
	free(b);
}

static void
blob_cleanup(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	blob_unref(arg);
}

/*
 * A copy of SRC's bytes in a sealed memfd, mapped read-only and
 * registered for sendfile(); NULL when it cannot be made (no memfd on
 * this system, the file budget spent, out of descriptors or memory).
 */
static struct blob *
blob_file(const struct blob *src)
{
#ifdef MFD_ALLOW_SEALING
	struct blob	*b;
	void		*map;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if (file_blobs >= HTTP_FILE_BLOBS || src->len == 0)
		return NULL;
	fd = memfd_create("hearth-doc", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return NULL;
	while (off < src->len) {
		n = write(fd, src->data + off, src->len - off);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			close(fd);
			return NULL;
		}
		off += (size_t)n;
	}
	/* Nothing may change the bytes while the kernel sends them. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_WRITE | F_SEAL_SEAL) != 0 ||
	    (map = mmap(NULL, src->len, PROT_READ, MAP_SHARED, fd, 0)) ==
	    MAP_FAILED) {
		close(fd);
		return NULL;
	}
	if (conn_file_register(map, src->len, fd) != 0) {
		munmap(map, src->len);
		close(fd);
		return NULL;
	}
	b = xmalloc(sizeof *b);
	b->refs = 1;
	b->len = src->len;
	b->data = map;
	b->fd = fd;
	file_blobs++;
	return b;
#else
	(void)src;
	return NULL;
#endif
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
	unsigned int	 sent;		/* plain responses of the body ... */
	unsigned int	 gz_sent;	/* ... and of the gzip variant */
	char		 etag[48];
	char		 etag_gz[52];	/* the gzip variant's */
	char		 lastmod_s[32];	/* Last-Modified, made once */
	char		 cc[48];	/* Cache-Control, made once */
	uint32_t	 hash;		/* of KEY */
	time_t		 lastmod;
	const char	*ctype;
	int		 noindex;	/* X-Robots-Tag: a group not public */
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
 * A password (HTTP Basic, the sign-in form) is checked on a hashing
 * worker: the request stays in the input buffer while the connection
 * waits, the answer is kept here, and the same request is then
 * dispatched again and takes it (once: the next request with the same
 * credentials is checked again).
 */
struct http_auth_wait {
	int			 done;		/* RC below is for DIGEST */
	unsigned char		 digest[32];	/* of the Authorization value */
	int			 rc;
	int			 level;
	int64_t			 account_id;
	char			 account[64];
	char			 role[16];
	char			 ban[512];	/* AUTH_BANNED: described */
};

struct http_conn {
	struct http_auth_wait	 auth;
	/*
	 * A new password hashed on a worker for the waiting request
	 * (sign-up, password change): for HASH_DIGEST of its key, NULL
	 * when hashing failed.  Both answers last until the request is
	 * answered (a request may wait for a check, then for a hash).
	 */
	int			 hash_done;
	unsigned char		 hash_digest[32];
	struct pw_secret	*hash;
	/* The request that waits (its head copied: IN may move). */
	struct http_request	 wait_rq;
	char			*wait_head;
	int			 receiving;	/* a request is arriving: the
						   deadline runs */
	int			 paused;	/* reading waits for output */
	int			 close_after;	/* close once REST is out */
	int			 body_wait;	/* the kept head waits for its
						   body, not for a password */
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

/* A request field's value, or NULL. */
const char *
http_req_field(struct http_req *hr, const char *name)
{
	return hr->rq != NULL ? http_request_field(hr->rq, name) : NULL;
}

/* Copy S to P; the end of the copy. */
static char *
put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define PUTS(p, lit)	put((p), (lit), sizeof(lit) - 1)

/* The decimal digits of V at P (at most 20); the end. */
static char *
put_num(char *p, unsigned long long v)
{
	char	d[20];
	size_t	n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n > 0)
		*p++ = d[--n];
	return p;
}

/*
 * Add a response field; values come from us, never from the client.
 * (Written without printf: a cached document's answer is mostly this.)
 */
void
http_add_header(struct http_req *hr, const char *k, const char *v)
{
	size_t	kn = strlen(k), vn = strlen(v);
	char	*p;

	if (kn + vn + 4 >= sizeof hr->hdrs - hr->hlen) {
		log_warnx("http: response field %s dropped (too long)", k);
		return;
	}
	p = hr->hdrs + hr->hlen;
	p = put(p, k, kn);
	p = PUTS(p, ": ");
	p = put(p, v, vn);
	p = PUTS(p, "\r\n");
	*p = '\0';
	hr->hlen = (size_t)(p - hr->hdrs);
}

static void
http_date(time_t t, char *buf, size_t len)
{
	feed_time_rfc822(t, buf, len);
	/* RFC 9110 IMF-fixdate ends in "GMT", not "+0000". */
	if (strlen(buf) > 5)
		strcpy(buf + strlen(buf) - 5, "GMT");
}

/* The Date field's value, made once a second; its length in *LEN. */
static const char *
date_now(struct server *srv, size_t *len)
{
	static time_t	last;
	static char	buf[64];
	static size_t	n;
	struct timeval	tv;

	event_base_gettimeofday_cached(srv->base, &tv);
	if (tv.tv_sec != last || n == 0) {
		last = tv.tv_sec;
		http_date(last, buf, sizeof buf);
		n = strlen(buf);
	}
	*len = n;
	return buf;
}

/*
 * Over TLS libevent's bufferevent writes at most this many bytes at a
 * time (its default single-write limit, one TLS record's plaintext), one
 * SSL_write() per buffer chain among them, and every SSL_write() makes a
 * record and a write() of its own.
 */
#define HTTP_TLS_FRAME	16384

/*
 * Queue the response: status line, HR's fields, Date, Content-Length
 * (none on 304) and Connection, then LEN bytes of DATA unless HEAD or
 * 304.  With REF the body is added by reference to that blob (no copy).
 *
 * Over TLS the head and the body's first bytes, up to HTTP_TLS_FRAME in
 * all, are copied into one chain, so the head leaves in the body's first
 * record rather than in a record and a write() of its own (a 38 KB feed:
 * three records and writes, as nginx's 16 KB ssl_buffer_size makes,
 * instead of four); the rest of the body is still added by reference.
 */
static void
http_send_ref(struct http_req *hr, int code, const char *reason,
    const void *data, size_t len, struct blob *ref)
{
	struct evbuffer	*out;
	struct http_conn *hc = NULL;
	/* The fields, and room for the rest (the reason is ours, short). */
	char		 head[sizeof hr->hdrs + 256], *p = head;
	const char	*date;
	size_t		 dlen, rlen = strlen(reason);

	if (conn_is_closing(hr->c))
		return;
	if (rlen > 64)
		rlen = 64;
	date = date_now(hr->srv, &dlen);
	p = PUTS(p, "HTTP/1.1 ");
	p = put_num(p, (unsigned)code);
	*p++ = ' ';
	p = put(p, reason, rlen);
	p = PUTS(p, "\r\n");
	p = put(p, hr->hdrs, hr->hlen);
	p = PUTS(p, "Date: ");
	p = put(p, date, dlen);
	p = PUTS(p, "\r\n");
	if (code != 304) {
		p = PUTS(p, "Content-Length: ");
		p = put_num(p, len);
		p = PUTS(p, "\r\n");
	}
	if (!hr->keep_alive)
		p = PUTS(p, "Connection: close\r\n");
	else if (hr->minor == 0)
		p = PUTS(p, "Connection: keep-alive\r\n");
	p = PUTS(p, "\r\n");
	out = conn_output(hr->c);
	if (!hr->head && code != 304 && len > 0 && conn_is_tls(hr->c) &&
	    len <= pump_chunk(hr->c) &&
	    (size_t)(p - head) < HTTP_TLS_FRAME) {
		struct evbuffer_iovec v;
		size_t	hl = (size_t)(p - head), first = HTTP_TLS_FRAME - hl;

		if (first > len)
			first = len;
		if (evbuffer_reserve_space(out, (ev_ssize_t)(hl + first),
		    &v, 1) == 1) {
			memcpy(v.iov_base, head, hl);
			memcpy((char *)v.iov_base + hl, data, first);
			v.iov_len = hl + first;
			if (evbuffer_commit_space(out, &v, 1) == 0) {
				data = (const char *)data + first;
				len -= first;
				goto body;
			}
		}
	}
	evbuffer_add(out, head, (size_t)(p - head));
	if (!hr->head && code != 304 && len > pump_chunk(hr->c) &&
	    (hc = hr->c->pstate) != NULL) {
		/* Too large to queue at once: it is pumped from on_drain. */
		if (hc->rest == NULL)
			hc->rest = evbuffer_new();
		out = hc->rest;
	}
body:
	if (!hr->head && code != 304 && len > 0) {
		if (ref != NULL) {
			/* From a file with sendfile(), if it is one. */
			ref->refs++;
			if (conn_add_file_ref(hr->c, out, data, len,
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

void
http_send(struct http_req *hr, int code, const char *reason,
    const void *data, size_t len)
{
	http_send_ref(hr, code, reason, data, len, NULL);
}

void
http_send_text(struct http_req *hr, int code, const char *reason,
    const char *text)
{
	char	body[256];
	int	n;

	n = snprintf(body, sizeof body, "%s\n", text);
	if (n < 0 || (size_t)n >= sizeof body)
		n = 0;
	http_add_header(hr, "Content-Type", "text/plain; charset=utf-8");
	http_add_header(hr, "Cache-Control", "no-store");
	http_add_header(hr, "X-Content-Type-Options", "nosniff");
	http_send(hr, code, reason, body, (size_t)n);
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

	ae = http_req_field(hr, "Accept-Encoding");
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
	uint32_t		 h = strmap_hash(key);	/* compared first */
	int			 i;

	for (i = 0; i < HTTP_CACHE_SLOTS; i++) {
		struct http_doc	*d = &hs->cache[i];

		if (d->key != NULL && d->hash == h &&
		    strcmp(d->key, key) == 0) {
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
	d->hash = strmap_hash(key);
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
	/* Each representation has its own strong ETag. */
	snprintf(d->etag_gz, sizeof d->etag_gz, "%.*s-gz\"",
	    (int)strlen(d->etag) - 1, d->etag);
	http_date(lastmod, d->lastmod_s, sizeof d->lastmod_s);
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
send_doc(struct http_req *hr, struct http_doc *d, int max_age, int private,
    int web)
{
	const char		*inm, *ims, *etag;
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
	etag = gz ? d->etag_gz : d->etag;
	if ((inm = http_req_field(hr, "If-None-Match")) != NULL) {
		notmod = etag_matches(inm, etag);
		/*
		 * A client that takes gzip may hold the identity copy: as
		 * current, and the 304 names that one (a cache then freshens
		 * the copy it holds).  Never the other way round.
		 */
		if (!notmod && gz && etag_matches(inm, d->etag)) {
			notmod = 1;
			etag = d->etag;
		}
	} else if ((ims = http_req_field(hr, "If-Modified-Since")) != NULL) {
		time_t	t = parse_http_date(ims);

		notmod = t != (time_t)-1 && d->lastmod <= t;
	}
	http_add_header(hr, "ETag", etag);
	http_add_header(hr, "Last-Modified", d->lastmod_s);
	/*
	 * What a member sees after signing in is not for shared caches.
	 * A page of the web door is asked for again each time (cheap with
	 * the ETag): once the visitor signs in, the same address shows
	 * their own page, never a stored anonymous copy.  The same route
	 * and reader always give the same value: made once per document.
	 */
	if (d->cc[0] == '\0') {
		if (web)
			snprintf(d->cc, sizeof d->cc, "%s, no-cache",
			    private ? "private" : "public");
		else
			snprintf(d->cc, sizeof d->cc, "%s, max-age=%d",
			    private ? "private" : "public", max_age);
	}
	http_add_header(hr, "Cache-Control", d->cc);
	http_add_header(hr, "Vary", web ? "Accept-Encoding, Accept-Language, "
	    "Cookie" : hr->vary_lang ? "Accept-Encoding, Accept-Language" :
	    "Accept-Encoding");
	http_add_header(hr, "X-Content-Type-Options", "nosniff");
	if (d->noindex)
		http_add_header(hr, "X-Robots-Tag", "noindex, nofollow");
	if (notmod) {
		http_send(hr, 304, "Not Modified", NULL, 0);
		return;
	}
	http_add_header(hr, "Content-Type", d->ctype);
	if (gz)
		http_add_header(hr, "Content-Encoding", "gzip");
	/*
	 * No copy: the response holds a reference to the body.  HEAD gets
	 * the length GET would send, and no body.
	 */
	bl = gz ? d->gz_blob : d->body_blob;
	if (!hr->head && !conn_is_tls(hr->c) && bl->fd < 0 &&
	    bl->len >= HTTP_SENDFILE_MIN && bl->len <= pump_chunk(hr->c) &&
	    (gz ? d->gz_sent++ : d->sent++) > 0) {
		/*
		 * Asked for again over plain HTTP: from now on a file, sent
		 * with sendfile() (a document made once and sent once, as
		 * when the cache churns, never pays for the file).
		 */
		struct blob	*f = blob_file(bl);

		if (f != NULL) {
			blob_unref(bl);
			bl = f;
			if (gz) {
				d->gz_blob = f;
				d->gz = f->data;
			} else {
				d->body_blob = f;
				d->body = f->data;
			}
		}
	}
	http_send_ref(hr, 200, "OK", bl->data, bl->len, bl);
}

/* Links */

int
http_listener_port(struct server *srv, enum proto p)
{
	size_t	i;

	for (i = 0; i < srv->nlisteners; i++)
		if (listener_proto(srv->listeners[i]) == p)
			return listener_port(srv->listeners[i]);
	return -1;
}

char *
http_base_url(struct http_req *hr)
{
	char	*u;

	xasprintf(&u, "%s://%s", hr->https ? "https" : "http", hr->host);
	return u;
}

/*
 * Base of links back into the feeds: a feed read with a token links to
 * its other pages with the same token, so paging keeps working.
 */
char *
http_feed_base_url(struct http_req *hr)
{
	char	*u;

	xasprintf(&u, "%s://%s%s", hr->https ? "https" : "http", hr->host,
	    hr->prefix);
	return u;
}

/* Host name part of hr->host (no port), for news:// and ircs:// links. */
void
http_host_only(struct http_req *hr, char *buf, size_t len)
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

/*
 * The routes, indexed by route id (http-target.h owns the paths): the
 * generator, the methods, how long caches may keep it (seconds; -1:
 * personal data, never cached or stored), flags (http-int.h).
 */
struct http_route {
	http_gen_fn	 fn;
	int		 max_age;
	unsigned int	 methods;
	unsigned int	 flags;
};

static const struct http_route routes[HTTP_R_COUNT] = {
	[HTTP_R_LANDING] = { gen_landing, 60, M_GET, ROUTE_WEB },
	[HTTP_R_HEALTHZ] = { gen_healthz, 0, M_GET, 0 },
	[HTTP_R_EVENTS_ATOM] = { gen_events_atom, 300, M_GET, 0 },
	[HTTP_R_EVENTS_ICS] = { gen_events_ics, 300, M_GET, 0 },
	[HTTP_R_GROUP_FEED] = { gen_group_feed, 60, M_GET, 0 },
	[HTTP_R_THREAD_FEED] = { gen_thread_feed, 60, M_GET, 0 },
	[HTTP_R_DOCTOR_FEED] = { gen_doctor_feed, 300, M_GET, 0 },
	[HTTP_R_ME_JSON] = { gen_me_json, -1, M_GET, 0 },
	[HTTP_R_ME_MBOX] = { gen_me_mbox, -1, M_GET, 0 },
	[HTTP_R_STYLE] = { gen_style, 86400, M_GET, 0 },
	[HTTP_R_ROBOTS] = { gen_robots, 3600, M_GET, 0 },
	[HTTP_R_SIGNIN] = { gen_signin, 0, M_GET | M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_SIGNOUT] = { gen_signout, 0, M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_SIGNUP] = { gen_signup, 0, M_GET | M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_ACCOUNT] = { gen_account, 0, M_GET,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_PASSWORD] = { gen_password, 0, M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_LANGUAGE] = { gen_language, 0, M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_TIMEZONE] = { gen_timezone, 0, M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_EXPORT] = { gen_export, -1, M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_ERASE] = { gen_erase, 0, M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_POST] = { gen_post, 0, M_GET | M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_REPLY] = { gen_reply, 0, M_GET | M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_REPORT] = { gen_report, 0, M_GET | M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_GROUPS] = { gen_groups, 60, M_GET, ROUTE_WEB },
	[HTTP_R_GROUP] = { gen_group, 60, M_GET | M_POST, ROUTE_WEB },
	[HTTP_R_THREAD] = { gen_thread, 60, M_GET, ROUTE_WEB },
	[HTTP_R_ARTICLE] = { gen_article, 60, M_GET, ROUTE_WEB },
	[HTTP_R_CLIENTS] = { gen_clients, 300, M_GET, ROUTE_WEB },
	[HTTP_R_CHAT_JS] = { gen_chat_js, 86400, M_GET, 0 },
	[HTTP_R_CHAT_CSS] = { gen_chat_css, 86400, M_GET, 0 },
	[HTTP_R_CHAT] = { gen_chat, 60, M_GET, ROUTE_WEB },
	[HTTP_R_CHAT_TOKEN] = { gen_chat_token, -1, M_POST,
	    ROUTE_WEB | ROUTE_PERSONAL },
	[HTTP_R_CHAT_ROOM] = { gen_chat_room, 60, M_GET, ROUTE_WEB },
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

	h = http_req_field(hr, "Host");
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
int
http_secure(struct http_req *hr)
{
	return hr->https || auth_channel_ok(hr->srv, hr->c);
}

/*
 * A password check finished on the loop: keep its answer for the
 * replay of the request that waited for it.
 */
static void
http_login_done(struct conn *c, void *arg, int rc, struct account *a,
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
		snprintf(hc->auth.role, sizeof hc->auth.role, "%s", a->role);
		account_clear(a);
	} else if (rc == AUTH_BANNED)
		sanction_describe(ban, hc->auth.ban, sizeof hc->auth.ban);
}

int
http_login(struct http_req *hr, const void *key, size_t keylen,
    const char *name, const char *password, char *ban, size_t banlen)
{
	struct http_conn	*hc = hr->c->pstate;
	unsigned char		 digest[32];
	int			 rc;

	SHA256(key, keylen, digest);
	if (ban != NULL && banlen > 0)
		ban[0] = '\0';
	if (hc->auth.done && CRYPTO_memcmp(digest, hc->auth.digest,
	    sizeof digest) == 0) {
		/*
		 * The answer of the check this request waited for (kept
		 * until it is answered: it may wait again, for a hash).
		 */
		rc = hc->auth.rc;
		if (rc == AUTH_OK) {
			hr->level = hc->auth.level;
			hr->account_id = hc->auth.account_id;
			snprintf(hr->account, sizeof hr->account, "%s",
			    hc->auth.account);
			snprintf(hr->role, sizeof hr->role, "%s",
			    hc->auth.role);
		} else if (rc == AUTH_BANNED && ban != NULL)
			snprintf(ban, banlen, "%s", hc->auth.ban);
		return rc;
	}
	hc->auth.done = 0;
	memcpy(hc->auth.digest, digest, sizeof digest);
	rc = auth_login_start(hr->srv, hr->c, "http", name, password,
	    http_login_done, NULL);
	if (rc == AUTH_PENDING) {
		/* The backoff may wait: the deadline allows it. */
		conn_set_idle(hr->c, hr->srv->cf->http_request_timeout +
		    hr->srv->cf->login_delay_max);
		hr->wait = 1;
	}
	return rc;
}

/* A new password's hash is ready: keep a copy for the replay. */
static void
http_hash_done(struct conn *c, void *arg, const struct pw_secret *pw)
{
	struct http_conn	*hc = c->pstate;

	(void)arg;
	pw_secret_free(hc->hash);
	hc->hash = NULL;
	hc->hash_done = 1;
	if (pw == NULL)
		return;
	hc->hash = xcalloc(1, sizeof *hc->hash);
	hc->hash->hash = xstrdup(pw->hash);
	hc->hash->has_scram = pw->has_scram;
	hc->hash->scram = pw->scram;
}

int
http_hash(struct http_req *hr, const void *key, size_t keylen,
    const char *password, const struct pw_secret **out)
{
	struct http_conn	*hc = hr->c->pstate;
	unsigned char		 digest[32];
	int			 rc;

	SHA256(key, keylen, digest);
	*out = NULL;
	if (hc->hash_done && CRYPTO_memcmp(digest, hc->hash_digest,
	    sizeof digest) == 0) {
		*out = hc->hash;
		return hc->hash != NULL ? AUTH_OK : AUTH_ERROR;
	}
	hc->hash_done = 0;
	pw_secret_free(hc->hash);
	hc->hash = NULL;
	memcpy(hc->hash_digest, digest, sizeof digest);
	rc = auth_hash_start(hr->srv, hr->c, password, http_hash_done, NULL);
	if (rc == AUTH_PENDING) {
		conn_set_idle(hr->c, hr->srv->cf->http_request_timeout +
		    hr->srv->cf->login_delay_max);
		hr->wait = 1;
	}
	return rc;
}

/* The request is answered: its password answers are spent. */
static void
answers_drop(struct http_conn *hc)
{
	hc->auth.done = 0;
	hc->hash_done = 0;
	pw_secret_free(hc->hash);
	hc->hash = NULL;
}

/*
 * HTTP Basic credentials (RFC 7617) for members-only feeds.  Only over
 * TLS (or loopback when the operator allows it); a wrong password gets
 * 401, a banned account 403 with the reason and the end of the ban, and
 * no credentials simply reads as the public.  Returns -1 when a reply
 * was sent (or the check runs: hr->wait).
 */
#define BASIC_MAX	(PASSWORD_MAX + 128)
#define BASIC_B64_MAX	((BASIC_MAX + 2) / 3 * 4)

static int
http_auth(struct http_req *hr)
{
	const char		*h, *p;
	unsigned char		 dec[BASIC_MAX + 3];
	int			 n;
	char			*colon, msg[600], ban[512];
	int			 rc;

	h = http_req_field(hr, "Authorization");
	if (h == NULL)
		return 0;
	hr->level = 0;
	hr->account[0] = '\0';
	hr->account_id = 0;
	if (!http_secure(hr)) {
		http_send_text(hr, 403, "Forbidden", "Send credentials over "
		    "HTTPS only");
		return -1;
	}
	if (strncasecmp(h, "Basic ", 6) != 0) {
		http_add_header(hr, "WWW-Authenticate", "Basic "
		    "realm=\"Hearth\", charset=\"UTF-8\"");
		http_send_text(hr, 401, "Unauthorized", "Use Basic "
		    "authentication");
		return -1;
	}
	p = h + 6;
	while (*p == ' ')
		p++;
	if (strlen(p) > BASIC_B64_MAX || (n = EVP_DecodeBlock(dec,
	    (const unsigned char *)p, (int)strlen(p))) < 0) {
		http_send_text(hr, 400, "Bad Request",
		    "Malformed credentials");
		return -1;
	}
	/* EVP_DecodeBlock counts the padding as data bytes. */
	if (strlen(p) >= 1 && p[strlen(p) - 1] == '=')
		n--;
	if (strlen(p) >= 2 && p[strlen(p) - 2] == '=')
		n--;
	if (n < 0 || n >= (int)sizeof dec) {
		http_send_text(hr, 400, "Bad Request",
		    "Malformed credentials");
		return -1;
	}
	dec[n] = '\0';
	if ((int)strlen((char *)dec) != n ||
	    (colon = strchr((char *)dec, ':')) == NULL) {
		/* A NUL inside the credentials, or no colon. */
		OPENSSL_cleanse(dec, sizeof dec);
		http_send_text(hr, 400, "Bad Request",
		    "Malformed credentials");
		return -1;
	}
	*colon = '\0';
	rc = http_login(hr, h, strlen(h), (char *)dec, colon + 1, ban,
	    sizeof ban);
	OPENSSL_cleanse(dec, sizeof dec);
	if (rc == AUTH_PENDING)
		return -1;
	if (rc == AUTH_BANNED) {
		/* Right password: no new credentials will help. */
		snprintf(msg, sizeof msg, "Account %s", ban);
		http_send_text(hr, 403, "Forbidden", msg);
		return -1;
	}
	if (rc == AUTH_OK)
		return 0;
	if (rc == AUTH_BUSY || rc == AUTH_ERROR) {
		http_add_header(hr, "Retry-After", "5");
		http_send_text(hr, 503, "Service Unavailable", rc == AUTH_BUSY ?
		    "Too many sign-ins in progress: try again in a moment" :
		    "Could not check the password: try again later");
		return -1;
	}
	http_add_header(hr, "WWW-Authenticate", "Basic realm=\"Hearth\", "
	    "charset=\"UTF-8\"");
	if (rc == AUTH_THROTTLED) {
		http_add_header(hr, "Retry-After", "60");
		http_send_text(hr, 429, "Too Many Requests", "Too many failed "
		    "sign-ins; try again later");
	} else
		http_send_text(hr, 401, "Unauthorized", "Wrong name or "
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

	if (!http_secure(hr)) {
		http_send_text(hr, 403, "Forbidden", "Feed tokens work over "
		    "HTTPS only");
		return -1;
	}
	memcpy(buf, tok, FEED_TOKEN_LEN);
	buf[FEED_TOKEN_LEN] = '\0';
	rc = feedtoken_check(hr->srv, buf, &a, &hr->token_id);
	if (rc != STORE_OK) {
		OPENSSL_cleanse(buf, sizeof buf);
		if (rc == STORE_ERROR)
			http_send_text(hr, 503, "Service Unavailable",
			    "Try again later");
		else
			http_send_text(hr, 404, "Not Found", "Not found");
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
 * Plain HTTP to a page of the web door goes to HTTPS when there is an
 * HTTPS listener (301 for GET and HEAD, 308 keeps a POST a POST),
 * except from loopback (tests, a local proxy).  Feeds stay as they are:
 * feed readers follow no redirect to a certificate they do not know.
 * 1 when the redirect went out.
 */
static int
https_redirect(struct http_req *hr)
{
	const char	*path = hr->rq->target;
	char		 host[256], *loc;
	int		 port;

	if (hr->https || conn_is_loopback(hr->c) ||
	    (port = http_listener_port(hr->srv, PROTO_HTTPS)) <= 0)
		return 0;
	if (path[0] != '/') {
		/* absolute-form: the path after the authority */
		path = strstr(path, "://") + 3;
		path += strcspn(path, "/?");
	}
	http_host_only(hr, host, sizeof host);
	if (port == 443)
		xasprintf(&loc, "https://%s%s%s", host, *path != '/' ? "/" :
		    "", path);
	else
		xasprintf(&loc, "https://%s:%d%s%s", host, port,
		    *path != '/' ? "/" : "", path);
	http_redirect(hr, hr->rq->method == HTTP_M_POST ? 308 : 301, loc);
	free(loc);
	return 1;
}

void
http_redirect(struct http_req *hr, int code, const char *location)
{
	http_add_header(hr, "Location", location);
	http_send_text(hr, code, code == 301 ? "Moved Permanently" :
	    code == 308 ? "Permanent Redirect" : code == 302 ? "Found" :
	    "See Other", location);
}

/* Answer a generator's failure RC (not 0, not HTTP_SENT). */
static void
gen_failed(struct http_req *hr, const struct http_route *rt, int rc)
{
	int	web = (rt->flags & ROUTE_WEB) != 0;

	switch (rc) {
	case HTTP_NOT_FOUND:
		if (web)
			http_error_page(hr, 404, "Not Found", N_("There is "
			    "no such page here."));
		else
			http_send_text(hr, 404, "Not Found", "Not found");
		break;
	case HTTP_BAD:
		if (web)
			http_error_page(hr, 400, "Bad Request", N_("This "
			    "request could not be understood."));
		else
			http_send_text(hr, 400, "Bad Request",
			    "Malformed request");
		break;
	case HTTP_FORBIDDEN:
		http_error_page(hr, 403, "Forbidden", N_("You may not do "
		    "this."));
		break;
	case HTTP_AUTH_NEEDED:
		if (web) {
			/*
			 * A page for members: the sign-in page, which comes
			 * back here afterwards (an origin-form target only).
			 */
			static const char hex[] = "0123456789ABCDEF";
			const char	*t = hr->rq->target;
			size_t		 n = strlen(t), i, o = 13;
			char		*loc = xmalloc(n * 3 + 16);

			memcpy(loc, "/signin?next=", 13);
			for (i = 0; i < n && t[0] == '/'; i++) {
				unsigned char	ch = (unsigned char)t[i];

				if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' &&
				    ch <= 'Z') || (ch >= '0' && ch <= '9') ||
				    strchr("-._~/", ch) != NULL)
					loc[o++] = (char)ch;
				else {
					loc[o++] = '%';
					loc[o++] = hex[ch >> 4];
					loc[o++] = hex[ch & 15];
				}
			}
			loc[t[0] == '/' ? o : 7] = '\0';
			http_redirect(hr, 303, loc);
			free(loc);
			break;
		}
		http_add_header(hr, "WWW-Authenticate", "Basic "
		    "realm=\"Hearth\", charset=\"UTF-8\"");
		http_send_text(hr, 401, "Unauthorized", "Sign in with your "
		    "Hearth account (over HTTPS)");
		break;
	default:
		log_warnx("http: cannot generate %s", hr->path);
		if (web)
			http_error_page(hr, 500, "Internal Server Error",
			    N_("Something went wrong on our side. Please try "
			    "again later."));
		else
			http_send_text(hr, 500, "Internal Server Error",
			    "Could not generate this page");
	}
}

/* Send a body made for this request only: no cache may keep it. */
static void
send_personal(struct http_req *hr, struct evbuffer *body, const char *ctype)
{
	http_add_header(hr, "Content-Type", ctype);
	http_add_header(hr, "Cache-Control", "private, no-store");
	http_add_header(hr, "X-Content-Type-Options", "nosniff");
	if (hr->noindex)
		http_add_header(hr, "X-Robots-Tag", "noindex, nofollow");
	if (hr->vary_lang)
		http_add_header(hr, "Vary", "Accept-Language");
	http_send(hr, 200, "OK", evbuffer_pullup(body, -1),
	    evbuffer_get_length(body));
}

/* The Allow field of a route's methods. */
static const char *
allow_of(unsigned int m)
{
	return (m & M_POST) == 0 ? "GET, HEAD" : (m & M_GET) == 0 ? "POST" :
	    "GET, HEAD, POST";
}

/*
 * A POST's body: a form (application/x-www-form-urlencoded), parsed and
 * bounded, carrying the right form token.  0, or -1 when an answer went
 * out (415, 400, 403).
 */
static int
read_form(struct http_req *hr, struct form *f)
{
	const char	*ct = http_req_field(hr, "Content-Type");
	size_t		 n;

	n = ct != NULL ? strcspn(ct, "; \t") : 0;
	if (ct == NULL || n != 33 || strncasecmp(ct,
	    "application/x-www-form-urlencoded", n) != 0) {
		http_add_header(hr, "Accept-Post",
		    "application/x-www-form-urlencoded");
		http_error_page(hr, 415, "Unsupported Media Type",
		    N_("This form was sent in a way we do not understand."));
		return -1;
	}
	if (form_parse(hr->body != NULL ? hr->body : "", hr->body_len, f) !=
	    0) {
		http_error_page(hr, 400, "Bad Request", N_("This form could "
		    "not be read."));
		return -1;
	}
	hr->form = f;
	if (!http_form_ok(hr)) {
		http_error_page(hr, 403, "Forbidden", N_("This form has "
		    "expired or did not come from this site. Go back, reload "
		    "the page and try again."));
		return -1;
	}
	return 0;
}

/*
 * The cache key of HR's document: scheme, reader (level, account, feed
 * token), language, host, path, argument and query, as
 * "s|LEVEL|ACCOUNT|TOKEN|LANG|HOST|PATHARG?BEFORE&PAGE" (xmalloc'd;
 * made without printf, as it is made for every request).
 */
static char *
cache_key(struct http_req *hr)
{
	const char	*lang = hr->lang != NULL ? hr->lang : "-";
	size_t		 ln = strlen(lang), hn = strlen(hr->host),
			 pn = strlen(hr->path), an = strlen(hr->arg_enc);
	char		*key, *p;

	/* Six numbers of at most 20 digits, a sign each, separators. */
	key = p = xmalloc(ln + hn + pn + an + 6 * 21 + 16);
	p = put(p, hr->https ? "s|" : "p|", 2);
	p = put_num(p, (unsigned)hr->level);
	*p++ = '|';
	p = put_num(p, (unsigned long long)hr->account_id);
	*p++ = '|';
	p = put_num(p, (unsigned long long)hr->token_id);
	*p++ = '|';
	p = put(p, lang, ln);
	*p++ = '|';
	p = put(p, hr->host, hn);
	*p++ = '|';
	p = put(p, hr->path, pn);
	p = put(p, hr->arg_enc, an);
	*p++ = '?';
	p = put_num(p, (unsigned long long)hr->before);
	*p++ = '&';
	p = put_num(p, (unsigned long long)hr->page);
	*p = '\0';
	return key;
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
	struct form		 form;
	char			*key = NULL;
	const char		*target = uri, *tok = NULL;
	const struct http_route	*rt;
	struct http_doc		*d;
	struct evbuffer		*body;
	time_t			 lastmod;
	const char		*ctype;
	unsigned int		 m;
	int			 rc, web;

	memset(&form, 0, sizeof form);
	if (srv->shutting_down) {
		hr->keep_alive = 0;
		http_send_text(hr, 503, "Service Unavailable", "Shutting down");
		return;
	}
	if (!hr->replay && !rate_ok(srv, hr->c->ip)) {
		http_add_header(hr, "Retry-After", "1");
		http_send_text(hr, 429, "Too Many Requests",
		    "Too many requests: slow down");
		return;
	}
	if (rq->method == HTTP_M_OTHER) {
		http_send_text(hr, 501, "Not Implemented", "Unknown method");
		return;
	}
	m = rq->method == HTTP_M_GET || rq->method == HTTP_M_HEAD ? M_GET :
	    rq->method == HTTP_M_POST ? M_POST : 0;
	/*
	 * A feed token comes first: /t/TOKEN/feeds/...  The rest is an
	 * ordinary target, parsed as any other.
	 */
	if (strncmp(uri, "/t/", 3) == 0) {
		tok = uri + 3;
		target = tok + strcspn(tok, "/?");
		if ((size_t)(target - tok) != FEED_TOKEN_LEN ||
		    strncmp(target, "/feeds/", 7) != 0) {
			http_send_text(hr, 404, "Not Found", "Not found");
			return;
		}
	}
	t = xmalloc(sizeof *t);
	switch (http_target_parse(target, strlen(target), t)) {
	case HTTP_TARGET_OK:
		break;
	case HTTP_TARGET_TOO_LONG:
		free(t);
		http_send_text(hr, 414, "URI Too Long", "URI too long");
		return;
	case HTTP_TARGET_NOT_FOUND:
		free(t);
		if (m == 0) {
			http_add_header(hr, "Allow", "GET, HEAD");
			http_send_text(hr, 405, "Method Not Allowed",
			    "Only GET and HEAD are served here");
		} else
			http_send_text(hr, 404, "Not Found", "Not found");
		return;
	default:
		free(t);
		http_send_text(hr, 400, "Bad Request", "Malformed request URI");
		return;
	}
	rt = &routes[t->route];
	web = (rt->flags & ROUTE_WEB) != 0;
	if ((rt->methods & m) == 0 || (tok != NULL && m != M_GET)) {
		http_add_header(hr, "Allow", allow_of(rt->methods));
		http_send_text(hr, 405, "Method Not Allowed",
		    "This method is not allowed here");
		free(t);
		return;
	}
	hr->route = t->route;
	hr->path = http_route_path(t->route);
	hr->arg = t->arg;
	hr->arg_enc = xmalloc(t->arg_len * 3 + 1);
	http_segment_encode(t->arg, t->arg_len, hr->arg_enc,
	    t->arg_len * 3 + 1);
	hr->before = t->before;
	hr->page = t->page;
	hr->https = conn_is_tls(hr->c);
	request_host(hr);
	if (rt->fn == NULL) {
		http_send_text(hr, 404, "Not Found", "Not found");
		goto done;
	}
	if (web && https_redirect(hr))
		goto done;
	if (web) {
		/*
		 * Pages run no script but our own files (the web chat's),
		 * load nothing from elsewhere, are framed by no one and
		 * send forms only here (http-int.h, HTTP_CSP).
		 */
		http_add_header(hr, "Content-Security-Policy", HTTP_CSP);
		http_add_header(hr, "X-Frame-Options", "DENY");
		http_add_header(hr, "Referrer-Policy", "same-origin");
	}
	if (tok != NULL && token_auth(hr, tok) != 0)
		goto done;
	/* A page reads the session cookie; Basic may still say who. */
	if (web)
		http_session_read(hr);
	if (hr->token_id == 0 && http_auth(hr) != 0)
		goto done;
	/*
	 * A page is in the member's language, else the browser's; an
	 * anonymous page is cached per language (Vary: Accept-Language).
	 */
	if (web) {
		http_page_lang(hr);
		hr->vary_lang = hr->account[0] == '\0';
	}
	if (m == M_POST && read_form(hr, &form) != 0)
		goto done;
	hr->personal = rt->max_age < 0 || (rt->flags & ROUTE_PERSONAL) ||
	    m == M_POST || (web && hr->account[0] != '\0');
	if (hr->personal) {
		/* Generated for this request only. */
		body = evbuffer_new();
		ctype = "text/plain";
		lastmod = time(NULL);
		/*
		 * A member's page shows times in their zone (never cached,
		 * so no one else's page has them); a form's answer, which
		 * may make texts for others, stays in the community's.
		 */
		if (web && hr->account_id != 0 && m != M_POST)
			member_tz_use(srv, hr->account_id);
		rc = rt->fn(hr, body, &lastmod, &ctype);
		tz_use(NULL);
		if (rc == 0)
			send_personal(hr, body, ctype);
		else if (rc != HTTP_SENT)
			gen_failed(hr, rt, rc);
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
	key = cache_key(hr);
	if ((d = cache_get(srv, key)) == NULL) {
		body = evbuffer_new();
		ctype = "text/plain";
		lastmod = srv->started;
		if ((rc = rt->fn(hr, body, &lastmod, &ctype)) != 0) {
			evbuffer_free(body);
			if (rc != HTTP_SENT)
				gen_failed(hr, rt, rc);
			goto done;
		}
		if (hr->personal) {
			/* It turned out personal (a form cookie was set). */
			send_personal(hr, body, ctype);
			evbuffer_free(body);
			goto done;
		}
		d = cache_put(srv, key, body, lastmod, ctype);
		d->noindex = hr->noindex;
		evbuffer_free(body);
	}
	send_doc(hr, d, rt->max_age, hr->level > 0 || d->noindex, web);
done:
	if (hr->form != NULL)
		form_free(hr->form);
	hr->form = NULL;
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
	http_send_text(&hr, code, reason, text);
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
		if (rq.method == HTTP_M_POST && rq.content_length > 0) {
			/*
			 * A form is answered once all of it is here (at
			 * most HTTP_MAX_BODY, within the request's
			 * deadline), in one piece with its head.  The
			 * parsed head is kept apart (parsing wrote into
			 * it, and gathering the body may move it), as
			 * for a password check.
			 */
			wait_keep(hc, &rq, buf);
			hc->body_wait = 1;
			rq = hc->wait_rq;
		}
	}
	if (rq.method == HTTP_M_POST && rq.content_length > 0 &&
	    avail < rq.head_len + rq.content_length)
		return CONN_MORE;
	req_init(&hr, c);
	hr.rq = &rq;
	hr.replay = hc->wait_head != NULL && !hc->body_wait;
	hc->body_wait = 0;
	if (rq.method == HTTP_M_POST && rq.content_length > 0) {
		/* The body stays in IN until the request is answered. */
		const char	*all = (const char *)evbuffer_pullup(in,
				    (ev_ssize_t)(rq.head_len +
				    rq.content_length));

		if (all != NULL) {
			hr.body = all + rq.head_len;
			hr.body_len = rq.content_length;
		}
	}
	hr.head = rq.method == HTTP_M_HEAD;
	hr.minor = rq.minor;
	hr.keep_alive = rq.keep_alive;
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
	answers_drop(hc);
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
	http_add_header(&hr, "Retry-After", "10");
	http_send_text(&hr, 503, "Service Unavailable", why);
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
	answers_drop(hc);
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
