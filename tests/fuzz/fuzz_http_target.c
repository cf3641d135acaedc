/*
 * fuzz_http_target.c -- server/parse/http-target.c, the HTTP request-target
 * parser in front of every route.
 *
 * Input: a request-target as evhttp hands it over (any bytes).
 * Checked:
 *  - the result is one of the four codes; 414 exactly when too long;
 *  - an accepted target names a real route; a prefix route has a
 *    non-empty argument, an exact one none; the argument holds no NUL and
 *    no control character and is never "." or "..": a target that parses
 *    never escapes the routes;
 *  - "before" is 0 (absent) or a positive number;
 *  - the canonical form (route path + encoded argument + "?before=N")
 *    parses to the same route, argument and before (a round trip), and
 *    the encoded argument holds only unreserved characters, sub-delims,
 *    ':', '@' and %XX escapes;
 *  - for plain origin-form targets (no '%', no '?'), a reference decides
 *    the route by string comparison with the route table.
 */
#include <string.h>

#include "fuzz.h"
#include "http-target.h"

static int
is_plain(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || s[0] != '/')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char	ch = (unsigned char)s[i];

		if (ch <= 0x20 || ch >= 0x7f || strchr("%?#\"<>\\^`{|}", ch)
		    != NULL)
			return 0;
	}
	return 1;
}

/* The route a plain origin-form path names, by the table; -1 if none. */
static int
ref_route(const char *s, size_t n)
{
	int		r;
	const char	*seg;

	/* Dot segments are refused before any route is tried. */
	for (seg = s; seg != NULL && seg < s + n;) {
		const char	*stop = s + n;
		const char	*e = memchr(seg + 1, '/', (size_t)(stop - seg -
				    1));
		size_t		 l = (size_t)((e != NULL ? e : stop) - seg - 1);

		if ((l == 1 && seg[1] == '.') || (l == 2 && seg[1] == '.' &&
		    seg[2] == '.'))
			return -2;
		seg = e;
	}
	for (r = 0; r < HTTP_R_COUNT; r++) {
		const char	*p = http_route_path((enum http_route_id)r);
		size_t		 k = strlen(p);

		if (!http_route_has_arg((enum http_route_id)r)) {
			if (k == n && memcmp(p, s, n) == 0)
				return r;
		} else if (n > k && memcmp(p, s, k) == 0 &&
		    memchr(s + k, '/', n - k) == NULL)
			return r;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_target	*t, *t2;
	const char		*s = (const char *)data;
	char			*canon, *enc;
	size_t			 i, cap;
	int			 rc, n, ref;

	t = malloc(sizeof *t);
	t2 = malloc(sizeof *t2);
	FUZZ_CHECK(t != NULL && t2 != NULL);
	rc = http_target_parse(s, size, t);
	FUZZ_CHECK(rc == HTTP_TARGET_OK || rc == HTTP_TARGET_BAD ||
	    rc == HTTP_TARGET_TOO_LONG || rc == HTTP_TARGET_NOT_FOUND);
	FUZZ_CHECK((rc == HTTP_TARGET_TOO_LONG) == (size >
	    HTTP_TARGET_MAX));
	if (size <= HTTP_TARGET_MAX && memchr(s, '\0', size) == NULL &&
	    is_plain(s, size)) {
		ref = ref_route(s, size);
		if (ref == -2)
			FUZZ_CHECK(rc == HTTP_TARGET_BAD);
		else if (ref == -1)
			FUZZ_CHECK(rc == HTTP_TARGET_NOT_FOUND);
		else
			FUZZ_CHECK(rc == HTTP_TARGET_OK &&
			    (int)t->route == ref);
	}
	if (rc != HTTP_TARGET_OK)
		goto out;

	FUZZ_CHECK((unsigned)t->route < HTTP_R_COUNT);
	FUZZ_CHECK(t->before >= 0);
	FUZZ_CHECK(strlen(t->arg) == t->arg_len);
	if (http_route_has_arg(t->route)) {
		FUZZ_CHECK(t->arg_len > 0);
		FUZZ_CHECK(strcmp(t->arg, ".") != 0 &&
		    strcmp(t->arg, "..") != 0);
		for (i = 0; i < t->arg_len; i++)
			FUZZ_CHECK((unsigned char)t->arg[i] >= 0x20 &&
			    t->arg[i] != 0x7f);
	} else
		FUZZ_CHECK(t->arg_len == 0);

	/* Canonical form and back. */
	cap = t->arg_len * 3 + 1;
	enc = malloc(cap);
	FUZZ_CHECK(enc != NULL);
	n = http_segment_encode(t->arg, t->arg_len, enc, cap);
	FUZZ_CHECK(n >= 0 && (size_t)n == strlen(enc));
	FUZZ_CHECK(http_segment_encode(t->arg, t->arg_len, enc, (size_t)n) ==
	    -1 || n == 0);
	n = http_segment_encode(t->arg, t->arg_len, enc, cap);
	for (i = 0; i < (size_t)n; i++) {
		unsigned char	ch = (unsigned char)enc[i];

		FUZZ_CHECK((ch >= 'a' && ch <= 'z') || (ch >= 'A' &&
		    ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("-._~!$&'()*+,;=:@%", ch) != NULL);
	}
	canon = malloc(strlen(http_route_path(t->route)) + (size_t)n + 32);
	FUZZ_CHECK(canon != NULL);
	if (t->before > 0)
		sprintf(canon, "%s%s?before=%lld", http_route_path(t->route),
		    enc, (long long)t->before);
	else
		sprintf(canon, "%s%s", http_route_path(t->route), enc);
	if (strlen(canon) <= HTTP_TARGET_MAX) {
		rc = http_target_parse(canon, strlen(canon), t2);
		FUZZ_CHECK(rc == HTTP_TARGET_OK);
		FUZZ_CHECK(t2->route == t->route);
		FUZZ_CHECK(t2->arg_len == t->arg_len &&
		    memcmp(t2->arg, t->arg, t->arg_len) == 0);
		FUZZ_CHECK(t2->before == t->before);
	}
	free(canon);
	free(enc);
out:
	free(t);
	free(t2);
	return 0;
}
