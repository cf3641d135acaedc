/*
 * fuzz_irc_casemap.c -- server/parse/irc-casemap.c: folding, comparison, nick
 * and channel validity, ban masks.
 *
 * Input: one byte choosing the casemapping (rfc1459, ascii or precis),
 * then A NUL B. Checked: folding is idempotent and keeps the length;
 * irc_casecmp(a, b) has the sign of strcmp on the folded strings and is
 * antisymmetric; nick and channel validity agree with a reference
 * written from their comments; irc_mask_match(a, b) agrees with a
 * memoized backtracking glob matcher for short inputs, and a mask
 * always matches the text it was made from with its glob characters
 * escaped.
 */
#include <string.h>

#include "fuzz.h"
#include "irc-casemap.h"
#include "utf8.h"

#define REF_MAX	200

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static int
ref_fold(enum irc_casemap cm, int c)
{
	static const char up[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ[]\\~";
	static const char lo[] = "abcdefghijklmnopqrstuvwxyz{}|^";
	const char	*p;

	if (c == 0 || (p = strchr(up, c)) == NULL)
		return c;
	if (cm == IRC_CASEMAP_ASCII && p - up >= 26)
		return c;
	return (unsigned char)lo[p - up];
}

static int
ref_nick_valid(const char *s, size_t max)
{
	size_t		n = strlen(s), i, k;
	uint32_t	c;
	int		latin = 0, cyr = 0;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i += k) {
		k = 1;
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
		    s[i]) != NULL) {
			latin = 1;
			continue;
		}
		if (strchr("[]\\`_^{|}", s[i]) != NULL)
			continue;
		if (i > 0 && strchr("0123456789-", s[i]) != NULL)
			continue;
		if ((k = utf8_decode(s + i, n - i, &c)) == 0 ||
		    !((c >= 0x400 && c <= 0x45f) || c == 0x490 || c == 0x491))
			return 0;
		cyr = 1;
	}
	return !(latin && cyr);
}

/* Mask elements: 0 star, 1 any, else 0x100 | literal byte. */
static size_t
ref_mask_tokens(const char *m, int *tok)
{
	size_t	n = 0;

	while (*m != '\0') {
		if (*m == '*')
			tok[n++] = 0;
		else if (*m == '?')
			tok[n++] = 1;
		else if (*m == '\\' && (m[1] == '*' || m[1] == '?' ||
		    m[1] == '\\')) {
			tok[n++] = 0x100 | (unsigned char)m[1];
			m++;
		} else
			tok[n++] = 0x100 | (unsigned char)*m;
		m++;
	}
	return n;
}

static uint8_t	 memo[REF_MAX + 1][REF_MAX + 1];

static int
ref_mask_at(enum irc_casemap cm, const int *tok, size_t nt, size_t i,
    const char *t, size_t tl, size_t j)
{
	int	ok;

	if (memo[i][j] != 0)
		return memo[i][j] == 2;
	if (i == nt)
		ok = j == tl;
	else if (tok[i] == 0)
		ok = ref_mask_at(cm, tok, nt, i + 1, t, tl, j) ||
		    (j < tl && ref_mask_at(cm, tok, nt, i, t, tl, j + 1));
	else if (j == tl)
		ok = 0;
	else if (tok[i] == 1)
		ok = ref_mask_at(cm, tok, nt, i + 1, t, tl, j + 1);
	else
		ok = ref_fold(cm, tok[i] & 0xff) ==
		    ref_fold(cm, (unsigned char)t[j]) &&
		    ref_mask_at(cm, tok, nt, i + 1, t, tl, j + 1);
	memo[i][j] = ok ? 2 : 1;
	return ok;
}

/* Escape the glob characters of s so that it matches itself only. */
static char *
escape_mask(const char *s)
{
	char	*out = malloc(strlen(s) * 2 + 1), *o = out;

	if (out == NULL)
		abort();
	for (; *s != '\0'; s++) {
		if (*s == '*' || *s == '?' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 tok[REF_MAX + 1];
	enum irc_casemap	 cm;
	const uint8_t		*nul;
	char			*a, *b, *fa, *fb, *ffa, *esc;
	size_t			 alen, blen, i, nt;

	if (size == 0)
		return 0;
	cm = data[0] % 3 == 0 ? IRC_CASEMAP_ASCII : data[0] % 3 == 1 ?
	    IRC_CASEMAP_RFC1459 : IRC_CASEMAP_PRECIS;
	data++;
	size--;
	if ((nul = memchr(data, '\0', size)) != NULL) {
		alen = (size_t)(nul - data);
		blen = strnlen((const char *)nul + 1, size - alen - 1);
	} else {
		alen = size;
		blen = 0;
	}
	if ((a = malloc(alen + 1)) == NULL || (b = malloc(blen + 1)) == NULL)
		abort();
	memcpy(a, data, alen);
	a[alen] = '\0';
	if (blen > 0)
		memcpy(b, nul + 1, blen);
	b[blen] = '\0';

	fa = irc_casefold_dup(cm, a);
	fb = irc_casefold_dup(cm, b);
	FUZZ_CHECK(strlen(fa) == alen);
	for (i = 0; i < alen && cm != IRC_CASEMAP_PRECIS; i++) {
		FUZZ_CHECK((unsigned char)fa[i] ==
		    ref_fold(cm, (unsigned char)a[i]));
		FUZZ_CHECK(irc_casefold_char(cm, (unsigned char)a[i]) ==
		    (unsigned char)fa[i]);
	}
	ffa = irc_casefold_dup(cm, fa);
	FUZZ_CHECK(strcmp(ffa, fa) == 0);
	free(ffa);
	FUZZ_CHECK(sign(irc_casecmp(cm, a, b)) == sign(strcmp(fa, fb)));
	FUZZ_CHECK(sign(irc_casecmp(cm, a, b)) ==
	    -sign(irc_casecmp(cm, b, a)));
	FUZZ_CHECK(irc_casecmp(cm, a, fa) == 0);

	FUZZ_CHECK(irc_nick_valid(a, 30) == ref_nick_valid(a, 30));
	FUZZ_CHECK(irc_channel_valid(a, IRC_CHANLEN_DEFAULT) ==
	    (alen >= 2 && alen <= IRC_CHANLEN_DEFAULT && a[0] == '#' &&
	    strpbrk(a, " ,\a\r\n") == NULL && utf8_valid(a, alen)));

	if (alen <= REF_MAX && blen <= REF_MAX && cm != IRC_CASEMAP_PRECIS) {
		nt = ref_mask_tokens(a, tok);
		memset(memo, 0, sizeof memo);
		FUZZ_CHECK(irc_mask_match(cm, a, b) ==
		    ref_mask_at(cm, tok, nt, 0, b, blen, 0));
	}
	esc = escape_mask(b);
	FUZZ_CHECK(irc_mask_match(cm, esc, b) == 1);
	FUZZ_CHECK(irc_mask_match(cm, esc, fb) == 1);
	free(esc);

	free(fa);
	free(fb);
	free(a);
	free(b);
	return 0;
}
