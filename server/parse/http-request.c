/*
 * http-request.c -- the HTTP/1.x request head parser (RFC 9112).
 *
 * Pure: bytes in, struct out, no allocation.  A line ends in CRLF or a
 * lone LF (RFC 9112 §2.2 lets a recipient accept it); a CR anywhere
 * else is refused.  Every field of the head is checked before the head
 * is accepted, so a request either has one meaning or is refused.
 */
#include <string.h>
#include <strings.h>

#include "http-request.h"

#define LINE_FOUND	1
#define LINE_MORE	0
#define LINE_LONG	(-1)
#define LINE_BARE_CR	(-2)

static const char *const method_names[] = {
	[HTTP_M_GET] = "GET",
	[HTTP_M_HEAD] = "HEAD",
	[HTTP_M_POST] = "POST",
	[HTTP_M_PUT] = "PUT",
	[HTTP_M_DELETE] = "DELETE",
	[HTTP_M_CONNECT] = "CONNECT",
	[HTTP_M_OPTIONS] = "OPTIONS",
	[HTTP_M_TRACE] = "TRACE",
	[HTTP_M_PATCH] = "PATCH",
	[HTTP_M_OTHER] = NULL,
};

const char *
http_method_name(enum http_method m)
{
	if ((unsigned)m > HTTP_M_OTHER || method_names[m] == NULL)
		return "?";
	return method_names[m];
}

/* tchar of RFC 9110 §5.6.2. */
static int
is_tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* field-vchar, SP or HTAB (RFC 9110 §5.5). */
static int
is_field_char(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || (ch >= 0x21 && ch != 0x7f);
}

/*
 * Find the end of the line that starts at START: *END is where its
 * terminator begins, *NEXT where the next line starts.  LINE_MORE when
 * no terminator arrived yet within MAX bytes, LINE_LONG past MAX,
 * LINE_BARE_CR for a CR not followed by LF.
 */
static int
find_line(const char *buf, size_t len, size_t start, size_t max,
    size_t *end, size_t *next)
{
	size_t	i, stop = len;

	if (stop - start > max + 2)
		stop = start + max + 2;
	for (i = start; i < stop; i++) {
		if (buf[i] == '\r') {
			if (i + 1 == len)
				break;		/* the LF may follow */
			if (buf[i + 1] != '\n')
				return LINE_BARE_CR;
			if (i - start > max)
				return LINE_LONG;
			*end = i;
			*next = i + 2;
			return LINE_FOUND;
		}
		if (buf[i] == '\n') {
			if (i - start > max)
				return LINE_LONG;
			*end = i;
			*next = i + 1;
			return LINE_FOUND;
		}
	}
	if (len - start > max)
		return LINE_LONG;
	return LINE_MORE;
}

/* Is VALUE (NUL-terminated) 1*DIGIT no larger than MAX?  *OUT gets it. */
static int
parse_length(const char *v, size_t max, size_t *out, int *too_big)
{
	size_t	n = 0;

	*too_big = 0;
	if (*v == '\0')
		return -1;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		if (n > max) {
			*too_big = 1;	/* keep checking the syntax */
			continue;
		}
		n = n * 10 + (size_t)(*v - '0');
	}
	if (n > max)
		*too_big = 1;
	*out = n;
	return 0;
}

/* The last element of a comma-separated list: [*S, *E). */
static void
list_last(const char *v, const char **s, const char **e)
{
	const char	*p = strrchr(v, ',');

	*s = p != NULL ? p + 1 : v;
	while (**s == ' ' || **s == '\t')
		(*s)++;
	*e = *s + strlen(*s);
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

int
http_list_has(const char *v, const char *token)
{
	size_t		 n = strlen(token);
	const char	*s, *e;

	if (v == NULL)
		return 0;
	for (s = v; *s != '\0'; s = *e == ',' ? e + 1 : e) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		e = s + strcspn(s, ",");
		{
			const char	*t = e;

			while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
				t--;
			if ((size_t)(t - s) == n && strncasecmp(s, token, n)
			    == 0)
				return 1;
		}
	}
	return 0;
}

const char *
http_request_field(const struct http_request *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nfields; i++)
		if (strcasecmp(r->fields[i].name, name) == 0)
			return r->fields[i].value;
	return NULL;
}

/* A Host value must be uri-host [":" port] (RFC 9112 §3.2). */
static int
host_valid(const char *h)
{
	for (; *h != '\0'; h++) {
		unsigned char	ch = (unsigned char)*h;

		if (ch >= 0x80 || ch <= 0x20 || strchr("/?#@\"<>\\^`{|}",
		    ch) != NULL)
			return 0;
	}
	return 1;
}

struct span {
	size_t	name, name_end, value, value_end;
};

/* The request line [S, E) of BUF: method, target, version. */
static int
request_line(char *buf, size_t s, size_t e, struct http_request *r,
    size_t *target_end)
{
	size_t	i, m;
	int	k;

	for (i = s; i < e && is_tchar((unsigned char)buf[i]); i++)
		;
	if (i == s || i == e || buf[i] != ' ')
		return 400;
	m = i - s;
	r->method = HTTP_M_OTHER;
	for (k = 0; k < HTTP_M_OTHER; k++)
		if (strlen(method_names[k]) == m &&
		    memcmp(buf + s, method_names[k], m) == 0)
			r->method = (enum http_method)k;
	r->target = buf + i + 1;
	for (i++; i < e && buf[i] != ' '; i++)
		if ((unsigned char)buf[i] <= 0x20 ||
		    (unsigned char)buf[i] >= 0x7f)
			return 400;
	r->target_len = (size_t)(buf + i - r->target);
	if (r->target_len == 0 || i == e)
		return 400;
	*target_end = i;
	/* " HTTP/x.y" and nothing after it. */
	if (e - i != 9 || memcmp(buf + i + 1, "HTTP/", 5) != 0 ||
	    buf[i + 6] < '0' || buf[i + 6] > '9' || buf[i + 7] != '.' ||
	    buf[i + 8] < '0' || buf[i + 8] > '9')
		return 400;
	if (buf[i + 6] != '1')
		return 505;
	r->minor = buf[i + 8] == '0' ? 0 : 1;
	return 0;
}

/* One field line [S, E) into SP. */
static int
field_line(const char *buf, size_t s, size_t e, struct span *sp)
{
	size_t	i;

	/* obs-fold, or whitespace before the first field: refused. */
	if (buf[s] == ' ' || buf[s] == '\t')
		return 400;
	for (i = s; i < e && is_tchar((unsigned char)buf[i]); i++)
		;
	/* No whitespace between the name and the colon (RFC 9112 §5.1). */
	if (i == s || i == e || buf[i] != ':')
		return 400;
	sp->name = s;
	sp->name_end = i;
	for (i++; i < e && (buf[i] == ' ' || buf[i] == '\t'); i++)
		;
	sp->value = i;
	for (; i < e; i++)
		if (!is_field_char((unsigned char)buf[i]))
			return 400;
	while (e > sp->value && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
		e--;
	sp->value_end = e;
	return 0;
}

int
http_request_parse(char *buf, size_t len, size_t max_body,
    struct http_request *r)
{
	struct span	 sp[HTTP_REQ_MAX_FIELDS];
	size_t		 pos = 0, end, next, target_end = 0, i, n = 0;
	size_t		 ncl = 0, nte = 0, nhost = 0;
	const char	*v, *s, *e, *conn;
	int		 rc, too_big;

	memset(r, 0, sizeof *r);
	/* Empty lines before the request line are ignored (§2.2). */
	for (;;) {
		if (pos >= len)
			return HTTP_REQ_MORE;
		if (pos > HTTP_REQ_MAX_HEAD)
			return 400;
		if (buf[pos] == '\n')
			pos++;
		else if (buf[pos] == '\r') {
			if (pos + 1 == len)
				return HTTP_REQ_MORE;
			if (buf[pos + 1] != '\n')
				return 400;
			pos += 2;
		} else
			break;
	}
	rc = find_line(buf, len, pos, HTTP_REQ_MAX_LINE, &end, &next);
	if (rc == LINE_BARE_CR)
		return 400;
	if (rc == LINE_LONG) {
		/* A long target is 414; anything else long is garbage. */
		for (i = pos; i < len && is_tchar((unsigned char)buf[i]); i++)
			;
		if (i > pos && i < len && buf[i] == ' ' && i - pos < 32)
			return 414;
		return 400;
	}
	if (rc == LINE_MORE) {
		/* Refuse garbage early instead of waiting for a line end. */
		for (i = pos; i < len && is_tchar((unsigned char)buf[i]); i++)
			;
		if (i < len && buf[i] != ' ' && buf[i] != '\r')
			return 400;
		return HTTP_REQ_MORE;
	}
	if ((rc = request_line(buf, pos, end, r, &target_end)) != 0)
		return rc;
	pos = next;
	for (;;) {
		if (pos > HTTP_REQ_MAX_HEAD)
			return 431;
		rc = find_line(buf, len, pos, HTTP_REQ_MAX_FIELD, &end, &next);
		if (rc == LINE_BARE_CR)
			return 400;
		if (rc == LINE_LONG)
			return 431;
		if (rc == LINE_MORE)
			return len > HTTP_REQ_MAX_HEAD ? 431 : HTTP_REQ_MORE;
		if (next > HTTP_REQ_MAX_HEAD)
			return 431;
		if (end == pos)
			break;			/* the empty line: end of head */
		if (n == HTTP_REQ_MAX_FIELDS)
			return 431;
		if ((rc = field_line(buf, pos, end, &sp[n])) != 0)
			return rc;
		n++;
		pos = next;
	}
	r->head_len = next;
	/* Complete and well-formed: terminate the strings in place. */
	buf[target_end] = '\0';
	r->nfields = n;
	for (i = 0; i < n; i++) {
		buf[sp[i].name_end] = '\0';
		buf[sp[i].value_end] = '\0';
		r->fields[i].name = buf + sp[i].name;
		r->fields[i].value = buf + sp[i].value;
	}
	/* Framing (RFC 9112 §6.3) and Host (§3.2). */
	conn = NULL;
	for (i = 0; i < n; i++) {
		const char	*name = r->fields[i].name;

		v = r->fields[i].value;
		if (strcasecmp(name, "Content-Length") == 0) {
			if (++ncl > 1)
				return 400;
			if (parse_length(v, max_body, &r->content_length,
			    &too_big) != 0)
				return 400;
			if (too_big)
				return 413;
		} else if (strcasecmp(name, "Transfer-Encoding") == 0)
			nte++;
		else if (strcasecmp(name, "Host") == 0) {
			if (++nhost > 1 || !host_valid(v))
				return 400;
			r->host = v;
		} else if (strcasecmp(name, "Connection") == 0) {
			/* Several lines: the first "close" decides. */
			if (conn == NULL || http_list_has(v, "close"))
				conn = v;
		}
	}
	if (nte > 0) {
		/* No request body here is chunked; none may be ambiguous. */
		if (ncl > 0 || r->minor == 0 || nte > 1)
			return 400;
		list_last(http_request_field(r, "Transfer-Encoding"), &s, &e);
		if (e - s == 7 && strncasecmp(s, "chunked", 7) == 0)
			return 501;
		return 400;
	}
	if (r->minor == 1 && nhost == 0)
		return 400;
	if (http_list_has(conn, "close"))
		r->keep_alive = 0;
	else if (r->minor == 1)
		r->keep_alive = 1;
	else
		r->keep_alive = http_list_has(conn, "keep-alive");
	return HTTP_REQ_DONE;
}
