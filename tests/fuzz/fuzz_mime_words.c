/*
 * fuzz_mime_words.c -- server/parse/mime-words.c: the one charset
 * decoder every display path uses, and the encoder of the headers the
 * server writes.
 *
 * Checked: whatever the bytes, a decoded header, a converted text and
 * a body for display are valid UTF-8 (of the length reported); text
 * with no "=?" decodes to itself when it is UTF-8; valid UTF-8 text is
 * encoded as ASCII words of at most 75 bytes that decode back to it
 * (control characters as spaces), and as a header whose lines are at
 * most 76 bytes and that unfolds and decodes to the same; utf8_cut of
 * any prefix of valid text leaves valid text.
 */
#include <string.h>

#include "fuzz.h"
#include "mime-words.h"
#include "utf8.h"
#include "xmalloc.h"

static const char *const charsets[] = { "KOI8-R", "windows-1251",
    "ISO-8859-5", "ISO-8859-1", "ISO-8859-15", "UTF-8", "US-ASCII",
    "CP866", "KOI8-U", "x-unknown", "UTF-8//IGNORE", NULL };

static void
check_roundtrip(const char *s)
{
	char	*clean = xstrdup(s), *enc, *dec, *h, *un, *p, *nl, *w, *end;
	size_t	 i, o = 0;

	for (i = 0; clean[i] != '\0'; i++)
		if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7f)
			clean[i] = ' ';
	enc = mime_words_encode(s);
	for (p = enc; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	if (strcmp(enc, clean) != 0)
		for (w = enc; (w = strstr(w, "=?")) != NULL; w = end + 2) {
			end = strstr(w + 2, "?=");
			FUZZ_CHECK(end != NULL);
			FUZZ_CHECK(end + 2 - w <= 75);
		}
	dec = mime_words_decode(enc);
	FUZZ_CHECK(strcmp(dec, clean) == 0);
	free(dec);
	free(enc);

	h = mime_header("Subject", s);
	un = xmalloc(strlen(h) + 1);
	for (p = h; *p != '\0'; p = nl + 2) {
		nl = strstr(p, "\r\n");
		FUZZ_CHECK(nl != NULL);
		/* Only lines of words are limited (RFC 2047 section 2). */
		if (strstr(h, "=?UTF-8?B?") != NULL)
			FUZZ_CHECK(nl - p <= 76);
		memcpy(un + o, p, (size_t)(nl - p));
		o += (size_t)(nl - p);
	}
	un[o] = '\0';
	FUZZ_CHECK(strncmp(un, "Subject: ", 9) == 0);
	dec = mime_words_decode(un + 9);
	FUZZ_CHECK(strcmp(dec, clean) == 0);
	free(dec);
	free(un);
	free(h);
	free(clean);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = xmalloc(size + 1), *out;
	size_t	 i, n;

	memcpy(s, data, size);
	s[size] = '\0';
	n = strlen(s);		/* headers are C strings */

	out = mime_words_decode(s);
	FUZZ_CHECK(utf8_valid(out, strlen(out)));
	if (strstr(s, "=?") == NULL && utf8_valid(s, n))
		FUZZ_CHECK(strcmp(out, s) == 0);
	free(out);

	for (i = 0; charsets[i] != NULL; i++) {
		if ((out = mime_to_utf8(charsets[i], (const char *)data, size,
		    &n)) != NULL) {
			FUZZ_CHECK(utf8_valid(out, n));
			free(out);
		}
		out = mime_body_utf8(i % 2 ? "text/plain; charset=KOI8-R" :
		    "text/plain; charset=windows-1251", i % 3 == 0 ?
		    "quoted-printable" : i % 3 == 1 ? "base64" : NULL,
		    (const char *)data, size, &n);
		FUZZ_CHECK(utf8_valid(out, n));
		free(out);
	}
	out = mime_content_charset(s);
	free(out);

	n = strlen(s);
	if (utf8_valid(s, n)) {
		check_roundtrip(s);
		for (i = 0; i <= n; i++)
			FUZZ_CHECK(utf8_valid(s, utf8_cut(s, i)));
	}
	free(s);
	return 0;
}
