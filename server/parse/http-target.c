/*
 * http-target.c -- parse an HTTP request-target into a route (see
 * http-target.h).  Pure: no I/O, no libevent; fuzzed by
 * tests/fuzz/fuzz_http_target.c.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "http-target.h"

static const struct {
	const char	*path;
	int		 has_arg;	/* prefix route: path ends in '/' */
} http_routes[HTTP_R_COUNT] = {
	[HTTP_R_LANDING] = { "/", 0 },
	[HTTP_R_HEALTHZ] = { "/healthz", 0 },
	[HTTP_R_EVENTS_ATOM] = { "/feeds/events.atom", 0 },
	[HTTP_R_EVENTS_ICS] = { "/events.ics", 0 },
	[HTTP_R_GROUP_FEED] = { "/feeds/groups/", 1 },
	[HTTP_R_THREAD_FEED] = { "/feeds/threads/", 1 },
	[HTTP_R_DOCTOR_FEED] = { "/feeds/doctors/", 1 },
	[HTTP_R_ME_JSON] = { "/me/export.json", 0 },
	[HTTP_R_ME_MBOX] = { "/me/articles.mbox", 0 },
	[HTTP_R_STYLE] = { "/style.css", 0 },
	[HTTP_R_ROBOTS] = { "/robots.txt", 0 },
	[HTTP_R_SIGNIN] = { "/signin", 0 },
	[HTTP_R_SIGNOUT] = { "/signout", 0 },
	[HTTP_R_SIGNUP] = { "/signup", 0 },
	[HTTP_R_ACCOUNT] = { "/account", 0 },
	[HTTP_R_PASSWORD] = { "/account/password", 0 },
	[HTTP_R_LANGUAGE] = { "/account/language", 0 },
	[HTTP_R_TIMEZONE] = { "/account/timezone", 0 },
	[HTTP_R_EXPORT] = { "/account/export", 0 },
	[HTTP_R_ERASE] = { "/account/erase", 0 },
	[HTTP_R_POST] = { "/post/", 1 },
	[HTTP_R_REPLY] = { "/reply/", 1 },
	[HTTP_R_REPORT] = { "/report/", 1 },
	[HTTP_R_GROUPS] = { "/groups", 0 },
	[HTTP_R_GROUP] = { "/groups/", 1 },
	[HTTP_R_THREAD] = { "/threads/", 1 },
	[HTTP_R_ARTICLE] = { "/articles/", 1 },
	[HTTP_R_CLIENTS] = { "/clients", 0 },
	[HTTP_R_CHAT_JS] = { "/chat.js", 0 },
	[HTTP_R_CHAT_CSS] = { "/chat.css", 0 },
	[HTTP_R_CHAT] = { "/chat", 0 },
	[HTTP_R_CHAT_TOKEN] = { "/chat/token", 0 },
	[HTTP_R_CHAT_ROOM] = { "/chat/", 1 },
};

#define MAX_SEGMENTS	8

const char *
http_route_path(enum http_route_id r)
{
	return (unsigned)r < HTTP_R_COUNT ? http_routes[r].path : NULL;
}

int
http_route_has_arg(enum http_route_id r)
{
	return (unsigned)r < HTTP_R_COUNT && http_routes[r].has_arg;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode S (LEN bytes) into OUT (room for LEN + 1).  Refuses a
 * malformed escape, a NUL and any control character, raw or encoded.
 * Returns the decoded length or -1.
 */
static long
pct_decode(const char *s, size_t len, char *out)
{
	size_t		i, n = 0;
	unsigned char	ch;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (ch == '%') {
			int	hi, lo;

			if (i + 2 >= len)
				return -1;
			if ((hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return -1;
			ch = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (ch < 0x20 || ch == 0x7f)
			return -1;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	return (long)n;
}

/* May raw byte CH appear in a path or query (RFC 3986 pchar, '/', '?')? */
static int
uri_char(unsigned char ch)
{
	/* Also tolerate the bytes >= 0x80 that clients send unencoded. */
	return ch > 0x20 && ch != 0x7f && ch != '"' && ch != '<' &&
	    ch != '>' && ch != '\\' && ch != '^' && ch != '`' && ch != '{' &&
	    ch != '|' && ch != '}' && ch != '#';
}

/* "before=N", "page=N": a whole number 1..INT64_MAX.  0 on success. */
static int
parse_before(const char *v, int64_t *out)
{
	int64_t	n = 0;

	if (*v == '\0' || strlen(v) > 19)
		return -1;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		if (n > (INT64_MAX - (*v - '0')) / 10)
			return -1;
		n = n * 10 + (*v - '0');
	}
	if (n <= 0)
		return -1;
	*out = n;
	return 0;
}

static int
parse_query(const char *q, size_t len, struct http_target *t)
{
	char		 buf[HTTP_TARGET_MAX + 1];
	const char	*p = q, *end = q + len, *amp, *eq;
	static const struct {
		const char	*key;
		size_t		 off;
	} keys[] = {
		{ "before", offsetof(struct http_target, before) },
		{ "page", offsetof(struct http_target, page) },
	};
	int		 seen[2] = { 0, 0 };
	size_t		 k, kl;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		/* Only "before" and "page" are looked at (compared raw). */
		for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			kl = strlen(keys[k].key);
			if (eq != NULL && (size_t)(eq - p) == kl &&
			    memcmp(p, keys[k].key, kl) == 0) {
				if (seen[k]++ > 0)
					return -1;	/* ambiguous */
				if (pct_decode(eq + 1, (size_t)(amp - eq - 1),
				    buf) < 0 || parse_before(buf,
				    (int64_t *)(void *)((char *)t +
				    keys[k].off)) != 0)
					return -1;
			} else if (eq == NULL && (size_t)(amp - p) == kl &&
			    memcmp(p, keys[k].key, kl) == 0)
				return -1;
		}
		p = amp + 1;
	}
	return 0;
}

int
http_target_parse(const char *s, size_t len, struct http_target *t)
{
	const char	*path, *end = s + len, *q, *seg[MAX_SEGMENTS + 1];
	char		 dec[HTTP_TARGET_MAX + 1];
	size_t		 seglen[MAX_SEGMENTS + 1], plen, i, nseg = 0;
	long		 n;
	int		 r;

	if (len > HTTP_TARGET_MAX)
		return HTTP_TARGET_TOO_LONG;
	if (len == 0)
		return HTTP_TARGET_BAD;
	for (i = 0; i < len; i++)
		if (!uri_char((unsigned char)s[i]))
			return HTTP_TARGET_BAD;
	path = s;
	if (s[0] != '/') {
		/* absolute-form: scheme "://" authority [path] */
		size_t	k;

		if (len > 7 && strncasecmp(s, "http://", 7) == 0)
			k = 7;
		else if (len > 8 && strncasecmp(s, "https://", 8) == 0)
			k = 8;
		else
			return HTTP_TARGET_BAD;
		path = s + k;
		while (path < end && *path != '/' && *path != '?')
			path++;
		if (path == s + k || memchr(s + k, '@', (size_t)(path - s -
		    k)) != NULL)
			return HTTP_TARGET_BAD;	/* no host, or userinfo */
	}
	q = memchr(path, '?', (size_t)(end - path));
	plen = (size_t)((q != NULL ? q : end) - path);
	memset(t, 0, sizeof *t);
	if (q != NULL && parse_query(q + 1, (size_t)(end - q - 1), t) != 0)
		return HTTP_TARGET_BAD;
	if (plen == 0) {
		/* "http://host" or "http://host?q" */
		t->route = HTTP_R_LANDING;
		return HTTP_TARGET_OK;
	}
	if (path[0] != '/')
		return HTTP_TARGET_BAD;

	/* Split the raw path; decode and check every segment. */
	{
		const char	*p = path + 1, *pe = path + plen, *sl;

		for (;;) {
			size_t	l;

			sl = memchr(p, '/', (size_t)(pe - p));
			l = (size_t)((sl != NULL ? sl : pe) - p);
			if ((n = pct_decode(p, l, dec)) < 0)
				return HTTP_TARGET_BAD;
			if (strcmp(dec, ".") == 0 || strcmp(dec, "..") == 0)
				return HTTP_TARGET_BAD;
			/* Deeper than any route: checked, then not found. */
			if (nseg <= MAX_SEGMENTS) {
				seg[nseg] = p;
				seglen[nseg] = l;
			}
			nseg++;
			if (sl == NULL)
				break;
			p = sl + 1;
		}
	}

	if (nseg > MAX_SEGMENTS)
		return HTTP_TARGET_NOT_FOUND;
	for (r = 0; r < HTTP_R_COUNT; r++) {
		const char	*rp = http_routes[r].path;
		size_t		 rl = strlen(rp);

		if (!http_routes[r].has_arg) {
			/* Exact: compare the raw path with escapes decoded. */
			if ((n = pct_decode(path, plen, dec)) >= 0 &&
			    (size_t)n == rl && memcmp(dec, rp, rl) == 0) {
				t->route = (enum http_route_id)r;
				return HTTP_TARGET_OK;
			}
			continue;
		}
		/* Prefix: every segment but the last spells the prefix. */
		if (nseg < 2)
			continue;
		{
			size_t	pre = (size_t)(seg[nseg - 1] - path);

			if ((n = pct_decode(path, pre, dec)) < 0 ||
			    (size_t)n != rl || memcmp(dec, rp, rl) != 0)
				continue;
			if (seglen[nseg - 1] == 0)
				return HTTP_TARGET_NOT_FOUND;
			n = pct_decode(seg[nseg - 1], seglen[nseg - 1], t->arg);
			if (n <= 0)
				return HTTP_TARGET_NOT_FOUND;
			t->arg_len = (size_t)n;
			t->route = (enum http_route_id)r;
			return HTTP_TARGET_OK;
		}
	}
	return HTTP_TARGET_NOT_FOUND;
}

int
http_segment_encode(const char *in, size_t len, char *out, size_t size)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			i, n = 0;
	unsigned char		ch;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)in[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || (ch != '\0' &&
		    strchr("-._~!$&'()*+,;=:@", ch) != NULL)) {
			if (n + 1 >= size)
				return -1;
			out[n++] = (char)ch;
		} else {
			if (n + 3 >= size)
				return -1;
			out[n++] = '%';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		}
	}
	if (n >= size)
		return -1;
	out[n] = '\0';
	return (int)n;
}
