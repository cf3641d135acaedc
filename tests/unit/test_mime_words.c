/*
 * test_mime_words.c -- RFC 2047 encoded words decoded for display.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mime-words.h"

static void
eq(const char *in, const char *want)
{
	char	*got = mime_words_decode(in);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(decodes)
{
	eq("plain subject", "plain subject");
	eq("=?UTF-8?Q?caf=C3=A9_au_lait?=", "caf\xc3\xa9 au lait");
	eq("=?utf-8?b?0J/RgNC40LLQtdGC?=", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2"
	    "\xd0\xb5\xd1\x82");
	eq("=?ISO-8859-1?Q?caf=E9?=", "caf\xc3\xa9");
	/* Space between encoded words goes; around them it stays. */
	eq("Re: =?UTF-8?Q?a?= =?UTF-8?Q?b?= end", "Re: ab end");
	/* Unknown charsets and malformed words stay as written. */
	eq("=?KOI8-R?Q?=F0?=", "=?KOI8-R?Q?=F0?=");
	eq("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=");
	eq("=?UTF-8?B?!!!?=", "=?UTF-8?B?!!!?=");
	eq("=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated");
	eq("=?UTF-8?Q?trailing=?=", "trailing=");
	eq("", "");
}
END_TEST

/* Encoded for a header, then decoded: the same text, in short words. */
static void
round_trip(const char *in)
{
	char	*enc = mime_words_encode(in), *dec, *w, *end;

	for (w = enc; (w = strstr(w, "=?")) != NULL; w = end + 2) {
		end = strstr(w + 2, "?=");
		ck_assert_ptr_nonnull(end);
		/* At most 75 bytes a word (RFC 2047 section 2). */
		ck_assert_int_le(end + 2 - w, 75);
	}
	ck_assert_ptr_null(strpbrk(enc, "\r\n"));
	dec = mime_words_decode(enc);
	ck_assert_str_eq(dec, in);
	free(dec);
	free(enc);
}

START_TEST(encodes)
{
	char	*s, big[600];
	size_t	 i;

	/* Plain ASCII stays as it is. */
	s = mime_words_encode("Your post is waiting");
	ck_assert_str_eq(s, "Your post is waiting");
	free(s);
	s = mime_words_encode("caf\xc3\xa9");
	ck_assert_str_eq(s, "=?UTF-8?B?Y2Fmw6k=?=");
	free(s);
	/* Line ends become spaces. */
	s = mime_words_encode("a\r\nb");
	ck_assert_str_eq(s, "a  b");
	free(s);
	round_trip("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, "
	    "=?not a word?=");
	round_trip("=?UTF-8?Q?x?=");
	/* Long Cyrillic text: many words, no character cut in two. */
	for (i = 0; i + 2 < sizeof big; i += 2) {
		big[i] = (char)0xd0;
		big[i + 1] = (char)(0x90 + i / 2 % 32);
	}
	big[i] = '\0';
	round_trip(big);
	big[1] = '\0';		/* a lone lead byte: kept as a byte */
	s = mime_words_encode(big);
	free(s);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("mime-words");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, decodes);
	tcase_add_test(tc, encodes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
