/*
 * fuzz_utf8.c -- server/parse/utf8.c against a slow reference decoder.
 *
 * The reference works the other way round from utf8.c: it collects the
 * bits of a sequence first and only then rules on the code point
 * (overlong, surrogate, past U+10FFFF), so the two share no logic.
 * Checked at every offset: utf8_decode and utf8_char_len agree with it;
 * utf8_valid agrees over the whole input and over every prefix of short
 * inputs; and re-encoding what a valid input decodes to gives back the
 * same bytes.
 */
#include <string.h>

#include "fuzz.h"
#include "utf8.h"

/* Reference decode: length 1-4, or 0 when invalid or truncated. */
static size_t
ref_decode(const uint8_t *p, size_t len, uint32_t *cp)
{
	size_t		n, i;
	uint32_t	c;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		c = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		c = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000))
		return 0;		/* overlong */
	if (c >= 0xd800 && c <= 0xdfff)
		return 0;		/* UTF-16 surrogate */
	if (c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

static int
ref_valid(const uint8_t *p, size_t len)
{
	size_t		i = 0, n;
	uint32_t	c;

	while (i < len) {
		if ((n = ref_decode(p + i, len - i, &c)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* Encode c into out (at least 4 bytes); returns the length. */
static size_t
ref_encode(uint32_t c, uint8_t *out)
{
	if (c < 0x80) {
		out[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (uint8_t)(0xc0 | c >> 6);
		out[1] = (uint8_t)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (uint8_t)(0xe0 | c >> 12);
		out[1] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		out[2] = (uint8_t)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | c >> 18);
	out[1] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
	out[2] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
	out[3] = (uint8_t)(0x80 | (c & 0x3f));
	return 4;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	size_t		 i, n, rn, len;
	uint32_t	 c, rc;
	uint8_t		 enc[4];
	int		 valid;

	for (i = 0; i < size; i++) {
		c = rc = 0xffffffff;
		n = utf8_decode(s + i, size - i, &c);
		rn = ref_decode(data + i, size - i, &rc);
		FUZZ_CHECK(n == rn);
		FUZZ_CHECK(n == 0 || c == rc);
		FUZZ_CHECK(utf8_char_len(s + i, size - i) == n);
		FUZZ_CHECK(utf8_decode(s + i, size - i, NULL) == n);
		/* Never reads past the length it is given. */
		if (n > 0)
			FUZZ_CHECK(utf8_decode(s + i, n - 1, &c) == 0);
	}
	FUZZ_CHECK(utf8_decode(s, 0, &c) == 0);

	valid = utf8_valid(s, size);
	FUZZ_CHECK(valid == ref_valid(data, size));
	if (size <= 64) {
		for (len = 0; len <= size; len++)
			FUZZ_CHECK(utf8_valid(s, len) == ref_valid(data, len));
	}

	if (valid) {
		for (i = 0; i < size; i += n) {
			n = utf8_decode(s + i, size - i, &c);
			FUZZ_CHECK(n > 0);
			FUZZ_CHECK(ref_encode(c, enc) == n);
			FUZZ_CHECK(memcmp(enc, data + i, n) == 0);
		}
	}
	return 0;
}
