/*
 * fuzz_http_request.c -- server/parse/http-request.c, the HTTP/1.x request
 * head parser in front of every HTTP request.
 *
 * Input: the bytes a client sends (any bytes, any length).
 * Checked:
 *  - the result is MORE, DONE or one of the statuses the parser may
 *    give (400, 413, 414, 431, 501, 505); the input is untouched
 *    while the result is MORE;
 *  - a prefix of the input never tells a different story: it gives
 *    MORE or the same result (the head is never accepted or refused
 *    before its bytes are there), and a complete head's prefixes are all
 *    MORE;
 *  - the head alone (the input cut at head_len) parses to the same head,
 *    so bytes after it (a pipelined request, a body) never change it;
 *  - an accepted head is within every cap; its target is non-empty
 *    visible ASCII; every field name is a token and every value holds no
 *    CR, LF, NUL or surrounding whitespace; Content-Length is within the
 *    body cap; HTTP/1.1 has exactly one Host; no Transfer-Encoding and
 *    at most one Content-Length; "Connection: close" means not
 *    keep-alive.
 */
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "http-request.h"

#define MAX_BODY	65536

static int
parse_copy(const uint8_t *data, size_t n, struct http_request *r,
    char **keep)
{
	char	*buf = malloc(n + 1);
	int	 rc;

	FUZZ_CHECK(buf != NULL);
	if (n > 0)
		memcpy(buf, data, n);
	rc = http_request_parse(buf, n, MAX_BODY, r);
	/* Waiting for more must leave the bytes as they came. */
	if (rc == HTTP_REQ_MORE)
		FUZZ_CHECK(n == 0 || memcmp(buf, data, n) == 0);
	if (keep != NULL)
		*keep = buf;
	else
		free(buf);
	return rc;
}

static int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char	ch = (unsigned char)*s;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') ||
		    strchr("!#$%&'*+-.^_`|~", ch) != NULL))
			return 0;
	}
	return 1;
}

static void
check_head(const struct http_request *r, size_t n)
{
	size_t	i, ncl = 0, nhost = 0;
	int	close = 0;

	FUZZ_CHECK(r->head_len > 0 && r->head_len <= n);
	FUZZ_CHECK(r->head_len <= HTTP_REQ_MAX_HEAD);
	FUZZ_CHECK(r->nfields <= HTTP_REQ_MAX_FIELDS);
	FUZZ_CHECK(r->minor == 0 || r->minor == 1);
	FUZZ_CHECK(r->content_length <= MAX_BODY);
	FUZZ_CHECK((unsigned)r->method <= HTTP_M_OTHER);
	FUZZ_CHECK(r->target_len > 0 && strlen(r->target) == r->target_len);
	for (i = 0; i < r->target_len; i++)
		FUZZ_CHECK((unsigned char)r->target[i] > 0x20 &&
		    (unsigned char)r->target[i] < 0x7f);
	for (i = 0; i < r->nfields; i++) {
		const char	*v = r->fields[i].value;
		size_t		 l = strlen(v);

		FUZZ_CHECK(is_token(r->fields[i].name));
		FUZZ_CHECK(strpbrk(v, "\r\n") == NULL);
		if (l > 0)
			FUZZ_CHECK(v[0] != ' ' && v[0] != '\t' &&
			    v[l - 1] != ' ' && v[l - 1] != '\t');
		FUZZ_CHECK(strcasecmp(r->fields[i].name,
		    "Transfer-Encoding") != 0);
		if (strcasecmp(r->fields[i].name, "Content-Length") == 0)
			ncl++;
		if (strcasecmp(r->fields[i].name, "Host") == 0) {
			nhost++;
			FUZZ_CHECK(r->host == v);
		}
		if (strcasecmp(r->fields[i].name, "Connection") == 0 &&
		    http_list_has(v, "close"))
			close = 1;
	}
	FUZZ_CHECK(ncl <= 1 && nhost <= 1);
	FUZZ_CHECK(ncl == 1 || r->content_length == 0);
	if (r->minor == 1)
		FUZZ_CHECK(nhost == 1 && r->host != NULL);
	if (close)
		FUZZ_CHECK(!r->keep_alive);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request	*r, *r2;
	size_t			 cuts[4], i;
	int			 rc, rc2;
	char			*kept;

	r = malloc(sizeof *r);
	r2 = malloc(sizeof *r2);
	FUZZ_CHECK(r != NULL && r2 != NULL);
	/* R points into KEPT until the end. */
	rc = parse_copy(data, size, r, &kept);
	FUZZ_CHECK(rc == HTTP_REQ_MORE || rc == HTTP_REQ_DONE || rc == 400 ||
	    rc == 413 || rc == 414 || rc == 431 || rc == 501 || rc == 505);
	if (rc == HTTP_REQ_DONE) {
		check_head(r, size);
		/* The head alone is the same head. */
		rc2 = parse_copy(data, r->head_len, r2, NULL);
		FUZZ_CHECK(rc2 == HTTP_REQ_DONE);
		FUZZ_CHECK(r2->head_len == r->head_len &&
		    r2->nfields == r->nfields && r2->method == r->method &&
		    r2->minor == r->minor && r2->target_len == r->target_len &&
		    r2->content_length == r->content_length &&
		    r2->keep_alive == r->keep_alive);
	}
	/* Prefixes: MORE, or the same verdict. */
	cuts[0] = size > 0 ? size - 1 : 0;
	cuts[1] = size / 2;
	cuts[2] = rc == HTTP_REQ_DONE && r->head_len > 0 ? r->head_len - 1 :
	    0;
	cuts[3] = size > 0 ? ((size_t)data[0] * 131) % size : 0;
	for (i = 0; i < 4; i++) {
		if (cuts[i] >= size)
			continue;
		rc2 = parse_copy(data, cuts[i], r2, NULL);
		if (rc == HTTP_REQ_DONE && cuts[i] < r->head_len)
			FUZZ_CHECK(rc2 == HTTP_REQ_MORE);
		else
			FUZZ_CHECK(rc2 == HTTP_REQ_MORE || rc2 == rc);
	}
	free(kept);
	free(r);
	free(r2);
	return 0;
}
