/*
 * http-target.c -- parse an HTTP request-target into a route (see
 * http-target.h).  Pure: no I/O, no libevent; fuzzed by
 * tests/fuzz/fuzz_http_target.c.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "http-target.h"

/* R(path, has_arg): the path's length with it, for comparing. */
#define R(p, a)	{ p, sizeof p - 1, a }
static const struct {
	const char	*path;
	size_t		 len;
	int		 has_arg;	/* prefix route: path ends in '/' */
} http_routes[HTTP_R_COUNT] = {
	[HTTP_R_LANDING] = R("/", 0),
	[HTTP_R_HEALTHZ] = R("/healthz", 0),
	[HTTP_R_EVENTS_ATOM] = R("/feeds/events.atom", 0),
	[HTTP_R_EVENTS_ICS] = R("/events.ics", 0),
	[HTTP_R_GROUP_FEED] = R("/feeds/groups/", 1),
	[HTTP_R_THREAD_FEED] = R("/feeds/threads/", 1),
	[HTTP_R_DOCTOR_FEED] = R("/feeds/doctors/", 1),
	[HTTP_R_ME_JSON] = R("/me/export.json", 0),
	[HTTP_R_ME_MBOX] = R("/me/articles.mbox", 0),
	[HTTP_R_STYLE] = R("/style.css", 0),
	[HTTP_R_ROBOTS] = R("/robots.txt", 0),
	[HTTP_R_SIGNIN] = R("/signin", 0),
	[HTTP_R_SIGNOUT] = R("/signout", 0),
	[HTTP_R_SIGNUP] = R("/signup", 0),
	[HTTP_R_ACCOUNT] = R("/account", 0),
	[HTTP_R_PASSWORD] = R("/account/password", 0),
	[HTTP_R_LANGUAGE] = R("/account/language", 0),
	[HTTP_R_TIMEZONE] = R("/account/timezone", 0),
	[HTTP_R_EXPORT] = R("/account/export", 0),
	[HTTP_R_ERASE] = R("/account/erase", 0),
	[HTTP_R_POST] = R("/post/", 1),
	[HTTP_R_REPLY] = R("/reply/", 1),
	[HTTP_R_REPORT] = R("/report/", 1),
	[HTTP_R_GROUPS] = R("/groups", 0),
	[HTTP_R_GROUP] = R("/groups/", 1),
	[HTTP_R_THREAD] = R("/threads/", 1),
	[HTTP_R_ARTICLE] = R("/articles/", 1),
	[HTTP_R_CLIENTS] = R("/clients", 0),
	[HTTP_R_CHAT_JS] = R("/chat.js", 0),
	[HTTP_R_CHAT_CSS] = R("/chat.css", 0),
	[HTTP_R_CHAT] = R("/chat", 0),
	[HTTP_R_CHAT_TOKEN] = R("/chat/token", 0),
	[HTTP_R_CHAT_ROOM] = R("/chat/", 1),
};
#undef R

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
	const char	*path, *end = s + len, *q;
	char		 dec[HTTP_TARGET_MAX + 1];
	size_t		 segoff[MAX_SEGMENTS + 1], plen, i, o, last, nseg = 0;
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

	/*
	 * Split the raw path; decode and check every segment, once, into
	 * DEC: the whole path decoded, segment after segment, each one's
	 * decoded start kept (a decoded segment may hold a '/').
	 */
	{
		const char	*p = path + 1, *pe = path + plen, *sl;

		dec[0] = '/';
		o = 1;
		for (;;) {
			size_t	l;

			sl = memchr(p, '/', (size_t)(pe - p));
			l = (size_t)((sl != NULL ? sl : pe) - p);
			if ((n = pct_decode(p, l, dec + o)) < 0)
				return HTTP_TARGET_BAD;
			if (strcmp(dec + o, ".") == 0 ||
			    strcmp(dec + o, "..") == 0)
				return HTTP_TARGET_BAD;
			/* Deeper than any route: checked, then not found. */
			if (nseg <= MAX_SEGMENTS)
				segoff[nseg] = o;
			nseg++;
			o += (size_t)n;
			if (sl == NULL)
				break;
			dec[o++] = '/';
			p = sl + 1;
		}
	}

	if (nseg > MAX_SEGMENTS)
		return HTTP_TARGET_NOT_FOUND;
	/*
	 * Exact routes compare with the whole path decoded, prefix routes
	 * with its part before the last segment (segoff[nseg - 1] bytes).
	 */
	last = segoff[nseg - 1];
	for (r = 0; r < HTTP_R_COUNT; r++) {
		const char	*rp = http_routes[r].path;
		size_t		 rl = http_routes[r].len;

		if (!http_routes[r].has_arg) {
			if (o == rl && memcmp(dec, rp, rl) == 0) {
				t->route = (enum http_route_id)r;
				return HTTP_TARGET_OK;
			}
			continue;
		}
		/* Prefix: every segment but the last spells the prefix. */
		if (nseg < 2 || last != rl || memcmp(dec, rp, rl) != 0)
			continue;
		if (o == last)
			return HTTP_TARGET_NOT_FOUND;
		t->arg_len = o - last;
		memcpy(t->arg, dec + last, t->arg_len);
		t->arg[t->arg_len] = '\0';
		t->route = (enum http_route_id)r;
		return HTTP_TARGET_OK;
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
