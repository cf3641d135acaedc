/*
 * utf8.c -- strict UTF-8 validation (RFC 3629).
 *
 * "Strict" means: no overlong encodings (C0, C1, E0 80..9F, F0 80..8F),
 * no UTF-16 surrogates (ED A0..BF), nothing above U+10FFFF (F4 90.. and
 * F5..FF), no stray continuation bytes and no truncated sequences.
 * NUL (U+0000) is a valid character here; callers that must refuse it do
 * so themselves.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/*
 * Decode the character at the start of s (at most len bytes). On success
 * store the code point in *cp (if cp is not NULL) and return the number
 * of bytes it occupies (1 to 4). Return 0 if len is 0 or the bytes do not
 * start a valid, complete UTF-8 character.
 */
size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned char		 lo = 0x80, hi = 0xbf;
	uint32_t		 c;
	size_t			 n, i;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		if (cp != NULL)
			*cp = p[0];
		return 1;
	}

	/*
	 * The first byte fixes the length and, for a few lead bytes, a
	 * narrower range for the second byte; that range is what rules out
	 * overlongs, surrogates and values past U+10FFFF (RFC 3629 §4).
	 */
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;	/* continuation byte, C0, C1 or F5..FF */

	if (len < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	c = (c << 6) | (p[1] & 0x3f);
	for (i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (cp != NULL)
		*cp = c;
	return n;
}

/*
 * Return the length in bytes of the valid UTF-8 character at the start
 * of s, or 0 if there is none (empty input or invalid sequence).
 */
size_t
utf8_char_len(const char *s, size_t len)
{
	return utf8_decode(s, len, NULL);
}

/*
 * The number of ASCII bytes (below 0x80) the len bytes at s start with;
 * eight are tested at a time (an article body is mostly ASCII).
 */
size_t
utf8_ascii_run(const char *s, size_t len)
{
	size_t		i = 0;
	uint64_t	w;

	while (len - i >= sizeof w) {
		memcpy(&w, s + i, sizeof w);
		if ((w & UINT64_C(0x8080808080808080)) != 0)
			break;
		i += sizeof w;
	}
	while (i < len && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

/*
 * Return 1 if the len bytes at s are entirely valid UTF-8, else 0.
 * Runs of ASCII are skipped without decoding.
 */
int
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i += utf8_ascii_run(s + i, len - i);
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, NULL)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/*
 * The length of S's first LEN bytes without a character cut at the end:
 * text cut to fit a buffer (snprintf) may end in the first bytes of a
 * character, which must go rather than reach a UTF-8-only client.
 */
size_t
utf8_cut(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 j = len, need;

	while (j > 0 && len - j < 4 && (p[j - 1] & 0xc0) == 0x80)
		j--;
	if (j == 0 || p[j - 1] < 0xc0)
		return len;
	j--;			/* the lead byte */
	need = p[j] >= 0xf0 ? 4 : p[j] >= 0xe0 ? 3 : 2;
	return len - j < need ? j : len;
}
