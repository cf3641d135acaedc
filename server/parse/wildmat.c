/*
 * wildmat.c -- NNTP wildmat matching (RFC 3977 §4).
 *
 * A single pattern is made of:
 *
 *	*	any run of zero or more characters
 *	?	exactly one character (one UTF-8 sequence, not one byte)
 *	[set]	one character in set; [^set] one character not in set. A
 *		set holds characters and ranges (a-z); "]" is literal when
 *		first, "-" when first or last, "\x" is a literal x
 *	\x	the character x itself
 *	other	itself
 *
 * The RFC 3977 grammar has only "*" and "?"; brackets and backslash come
 * from the traditional INN wildmat and are kept for compatibility.
 *
 * A wildmat list is a comma-separated list of patterns, each optionally
 * prefixed by "!". Commas inside a [set] or escaped with "\" do not split.
 *
 * Text that is not valid UTF-8 still matches predictably: each invalid
 * byte counts as one character of its own.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"
#include "wildmat.h"

/* Code point used for a byte that does not start a valid UTF-8 char. */
#define WM_RAW(b)	(0x80000000U | (uint32_t)(b))

/*
 * Read one character from [s, end) into *cp and return its length in
 * bytes (at least 1 when s < end). Invalid bytes decode as WM_RAW.
 */
static size_t
wm_next(const char *s, const char *end, uint32_t *cp)
{
	size_t	n;

	if ((n = utf8_decode(s, (size_t)(end - s), cp)) == 0) {
		*cp = WM_RAW((unsigned char)*s);
		n = 1;
	}
	return n;
}

/*
 * Given p pointing at a "[" in [p, end), return a pointer just past the
 * matching "]", or NULL if the set is not closed.
 */
static const char *
wm_class_end(const char *p, const char *end)
{
	p++;
	if (p < end && *p == '^')
		p++;
	if (p < end && *p == ']')	/* leading "]" is literal */
		p++;
	while (p < end) {
		if (*p == ']')
			return p + 1;
		if (*p == '\\') {
			if (++p == end)
				return NULL;
		}
		p++;
	}
	return NULL;
}

/*
 * Test character c against the set [p, end) which starts just after the
 * "[" and ends just before the closing "]". Return 1 if c matches (taking
 * "^" into account), else 0.
 */
static int
wm_class_match(const char *p, const char *end, uint32_t c)
{
	uint32_t	lo, hi;
	int		negate = 0, found = 0;

	if (p < end && *p == '^') {
		negate = 1;
		p++;
	}
	while (p < end) {
		/* wm_class_end() already placed end, so "]" here is literal. */
		if (*p == '\\' && p + 1 < end)
			p++;
		p += wm_next(p, end, &lo);
		hi = lo;

		/* A range needs a "-" that is not the last member. */
		if (p + 1 < end && *p == '-') {
			p++;
			if (*p == '\\' && p + 1 < end)
				p++;
			p += wm_next(p, end, &hi);
		}
		if (c >= lo && c <= hi)
			found = 1;
	}
	return found != negate;
}

/*
 * Match text [t, tend) against one pattern [p, pend). Return 1 on match,
 * 0 on mismatch or if the pattern is malformed.
 *
 * This is the classic greedy-star algorithm: remember the position after
 * the most recent "*" and the text position it was tried at; on a mismatch
 * let that star swallow one more character and resume. Earlier stars never
 * need revisiting, so the cost is O(len(text) * len(pattern)).
 */
static int
wm_match(const char *t, const char *tend, const char *p, const char *pend)
{
	const char	*star_p = NULL, *star_t = NULL, *q;
	uint32_t	 tc, pc;
	size_t		 tn;

	while (t < tend) {
		if (p < pend) {
			switch (*p) {
			case '*':
				while (p < pend && *p == '*')
					p++;
				if (p == pend)
					return 1; /* trailing star eats all */
				star_p = p;
				star_t = t;
				continue;
			case '?':
				t += wm_next(t, tend, &tc);
				p++;
				continue;
			case '[':
				if ((q = wm_class_end(p, pend)) == NULL)
					return 0;
				tn = wm_next(t, tend, &tc);
				if (wm_class_match(p + 1, q - 1, tc)) {
					t += tn;
					p = q;
					continue;
				}
				break;
			default:
				/* "\x" is x; a lone trailing "\" is malformed. */
				if (*p == '\\' && ++p == pend)
					return 0;
				q = p + wm_next(p, pend, &pc);
				tn = wm_next(t, tend, &tc);
				if (pc == tc) {
					t += tn;
					p = q;
					continue;
				}
				break;
			}
		}

		/* Mismatch: widen the last star by one character, or fail. */
		if (star_p == NULL)
			return 0;
		star_t += wm_next(star_t, tend, &tc);
		t = star_t;
		p = star_p;
	}

	/* Text used up; only stars may remain in the pattern. */
	while (p < pend && *p == '*')
		p++;
	return p == pend;
}

/*
 * Return a pointer to the end of the pattern starting at p in a wildmat
 * list: the first "," that is neither escaped nor inside a [set], or the
 * terminating NUL.
 */
static const char *
wm_pattern_end(const char *p)
{
	const char	*q, *end = p + strlen(p);

	while (p < end && *p != ',') {
		if (*p == '\\' && p + 1 < end)
			p += 2;
		else if (*p == '[' && (q = wm_class_end(p, end)) != NULL)
			p = q;
		else
			p++;
	}
	return p;
}

/*
 * Match text against a single wildmat pattern. Return 1 if it matches,
 * 0 otherwise (including when the pattern is malformed).
 */
int
wildmat_match(const char *text, const char *pattern)
{
	return wm_match(text, text + strlen(text), pattern,
	    pattern + strlen(pattern));
}

/*
 * Match text against a wildmat list such as "a*,!*b,*c*" (RFC 3977 §4.1).
 * Every pattern is tried; the last (rightmost) one that matches decides:
 * return 1 if it has no "!" prefix, 0 if it has one or nothing matched.
 */
int
wildmat_list_match(const char *text, const char *list)
{
	const char	*tend = text + strlen(text), *p = list, *end;
	int		 negate, result = 0;

	for (;;) {
		end = wm_pattern_end(p);
		negate = 0;
		if (p < end && *p == '!') {
			negate = 1;
			p++;
		}
		if (wm_match(text, tend, p, end))
			result = !negate;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return result;
}

/*
 * Return 1 if pattern is syntactically valid: valid UTF-8, every "[" has
 * a closing "]" and there is no trailing lone "\". A wildmat list obeys
 * the same rules, so this accepts lists too. Returns 0 otherwise.
 */
int
wildmat_valid(const char *pattern)
{
	const char	*p = pattern, *end = pattern + strlen(pattern), *q;

	if (!utf8_valid(pattern, (size_t)(end - pattern)))
		return 0;
	while (p < end) {
		if (*p == '\\') {
			if (p + 1 == end)
				return 0;
			p += 2;
		} else if (*p == '[') {
			if ((q = wm_class_end(p, end)) == NULL)
				return 0;
			p = q;
		} else
			p++;
	}
	return 1;
}
