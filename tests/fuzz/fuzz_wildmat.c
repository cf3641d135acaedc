/*
 * fuzz_wildmat.c -- server/parse/wildmat.c against a slow reference.
 *
 * Input: PATTERN NUL TEXT (no NUL: all pattern, empty text).
 *
 * The reference decodes both strings into characters first (a byte that
 * starts no valid UTF-8 character stands for itself, coded 0x80000000|b
 * as wildmat.c does so that ranges compare alike), then matches by plain
 * backtracking with a memo table, where wildmat.c uses a greedy one-star
 * scan over bytes. Checked: wildmat_match, wildmat_list_match and
 * wildmat_valid agree with the reference; a malformed pattern matches
 * nothing; and both matchers are also run on long inputs (libFuzzer's
 * timeout catches exponential backtracking).
 */
#include <string.h>

#include "fuzz.h"
#include "utf8.h"
#include "wildmat.h"

#define REF_MAX		160	/* characters; longer inputs skip the reference */

struct ref {
	const uint32_t	*p;	/* one pattern of a list */
	size_t		 np;
	const uint32_t	*t;
	size_t		 nt;
	uint8_t		 memo[REF_MAX + 1][REF_MAX + 1]; /* 0 unknown, 1 no, 2 yes */
};

/* Decode s into characters; returns the count. */
static size_t
ref_chars(const char *s, uint32_t *out, size_t max)
{
	size_t		n = 0, len = strlen(s), k;
	uint32_t	c;

	while (len > 0 && n < max) {
		if ((k = utf8_decode(s, len, &c)) == 0) {
			c = 0x80000000U | (unsigned char)*s;
			k = 1;
		}
		out[n++] = c;
		s += k;
		len -= k;
	}
	return n;
}

/*
 * Find the end of the set starting at p[i] == '['. Sets *mstart to its
 * first member and returns the index of the closing ']', or n if the set
 * is never closed.
 */
static size_t
ref_class_end(const uint32_t *p, size_t n, size_t i, size_t *mstart)
{
	size_t	j = i + 1;

	if (j < n && p[j] == '^')
		j++;
	*mstart = j;
	if (j < n && p[j] == ']')	/* "]" first is a member */
		j++;
	while (j < n && p[j] != ']') {
		if (p[j] == '\\' && ++j == n)
			return n;
		j++;
	}
	return j;
}

/*
 * Does c belong to the members [j, end) of a set? Members are characters
 * ("\x" for x) and ranges lo-hi; a "-" last in the set is itself.
 */
static int
ref_in_class(const uint32_t *p, size_t j, size_t end, uint32_t c)
{
	uint32_t	lo, hi;

	while (j < end) {
		if (p[j] == '\\' && j + 1 < end)
			j++;
		lo = hi = p[j++];
		if (j + 1 < end && p[j] == '-') {
			j++;
			if (p[j] == '\\' && j + 1 < end)
				j++;
			hi = p[j++];
		}
		if (lo <= c && c <= hi)
			return 1;
	}
	return 0;
}

/* Is the pattern [0, n) well-formed: no lone "\" last, every "[" closed? */
static int
ref_wellformed(const uint32_t *p, size_t n)
{
	size_t	i = 0, ms, e;

	while (i < n) {
		if (p[i] == '\\') {
			if (i + 1 == n)
				return 0;
			i += 2;
		} else if (p[i] == '[') {
			if ((e = ref_class_end(p, n, i, &ms)) == n)
				return 0;
			i = e + 1;
		} else
			i++;
	}
	return 1;
}

/* Backtracking match of pattern from pi against text from ti. */
static int
ref_match_at(struct ref *r, size_t pi, size_t ti)
{
	size_t		 next, ms, e;
	uint32_t	 c;
	int		 ok, neg;

	if (r->memo[pi][ti] != 0)
		return r->memo[pi][ti] == 2;
	if (pi == r->np)
		ok = ti == r->nt;
	else if (r->p[pi] == '*')
		ok = ref_match_at(r, pi + 1, ti) ||
		    (ti < r->nt && ref_match_at(r, pi, ti + 1));
	else if (ti == r->nt)
		ok = 0;
	else if (r->p[pi] == '?')
		ok = ref_match_at(r, pi + 1, ti + 1);
	else if (r->p[pi] == '[') {
		e = ref_class_end(r->p, r->np, pi, &ms);
		neg = ms > pi + 1;
		ok = ref_in_class(r->p, ms, e, r->t[ti]) != neg &&
		    ref_match_at(r, e + 1, ti + 1);
	} else {
		next = pi + 1;
		c = r->p[pi];
		if (c == '\\') {
			c = r->p[pi + 1];
			next++;
		}
		ok = c == r->t[ti] && ref_match_at(r, next, ti + 1);
	}
	r->memo[pi][ti] = ok ? 2 : 1;
	return ok;
}

static int
ref_match(struct ref *r, const uint32_t *p, size_t np, const uint32_t *t,
    size_t nt)
{
	if (!ref_wellformed(p, np))
		return 0;
	r->p = p;
	r->np = np;
	r->t = t;
	r->nt = nt;
	memset(r->memo, 0, sizeof r->memo);
	return ref_match_at(r, 0, 0);
}

/* A wildmat list: the last pattern that matches decides. */
static int
ref_list_match(struct ref *r, const uint32_t *p, size_t n, const uint32_t *t,
    size_t nt)
{
	size_t	start = 0, j = 0, ms, e;
	int	result = 0, neg;

	for (;;) {
		while (j < n && p[j] != ',') {
			if (p[j] == '\\' && j + 1 < n)
				j += 2;
			else if (p[j] == '[' &&
			    (e = ref_class_end(p, n, j, &ms)) < n)
				j = e + 1;
			else
				j++;
		}
		neg = start < j && p[start] == '!';
		if (ref_match(r, p + start + neg, j - start - neg, t, nt))
			result = !neg;
		if (j >= n)
			return result;
		start = ++j;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref	 r;
	static uint32_t		 pc[REF_MAX + 1], tc[REF_MAX + 1];
	const uint8_t		*nul;
	char			*pat, *text;
	size_t			 plen, tlen, np, nt;
	int			 m, lm, valid;

	if ((nul = memchr(data, '\0', size)) != NULL) {
		plen = (size_t)(nul - data);
		tlen = strnlen((const char *)nul + 1, size - plen - 1);
	} else {
		plen = size;
		tlen = 0;
	}
	if ((pat = malloc(plen + 1)) == NULL ||
	    (text = malloc(tlen + 1)) == NULL)
		abort();
	memcpy(pat, data, plen);
	pat[plen] = '\0';
	if (tlen > 0)
		memcpy(text, nul + 1, tlen);
	text[tlen] = '\0';

	m = wildmat_match(text, pat);
	lm = wildmat_list_match(text, pat);
	valid = wildmat_valid(pat);
	FUZZ_CHECK(m == 0 || m == 1);
	FUZZ_CHECK(lm == 0 || lm == 1);
	FUZZ_CHECK(valid == 0 || valid == 1);
	FUZZ_CHECK(wildmat_match(text, "*") == 1);
	if (strpbrk(text, "*?[\\") == NULL)
		FUZZ_CHECK(wildmat_match(text, text) == 1);

	np = ref_chars(pat, pc, REF_MAX + 1);
	nt = ref_chars(text, tc, REF_MAX + 1);
	if (np <= REF_MAX && nt <= REF_MAX) {
		FUZZ_CHECK(valid == (utf8_valid(pat, plen) &&
		    ref_wellformed(pc, np)));
		FUZZ_CHECK(m == ref_match(&r, pc, np, tc, nt));
		FUZZ_CHECK(lm == ref_list_match(&r, pc, np, tc, nt));
	}
	/* A pattern wildmat_valid refuses for its shape matches nothing. */
	if (!valid && utf8_valid(pat, plen))
		FUZZ_CHECK(m == 0);

	free(pat);
	free(text);
	return 0;
}
