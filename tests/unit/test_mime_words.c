/*
 * test_mime_words.c -- RFC 2047 encoded words decoded for display and
 * made for headers; text in declared charsets converted to UTF-8.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime-words.h"
#include "xmalloc.h"

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
	eq("=?X-NO-SUCH?Q?=F0?=", "=?X-NO-SUCH?Q?=F0?=");
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


#define PRIVET	"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"

START_TEST(decodes_charsets)
{
	/* Russian charsets through iconv, Q and B. */
	eq("=?KOI8-R?Q?=F0=D2=C9=D7=C5=D4?=", PRIVET);
	eq("=?windows-1251?B?z/Do4uXy?=", PRIVET);
	eq("=?ISO-8859-5?Q?=BF=E0=D8=D2=D5=E2?=", PRIVET);
	eq("=?iso-8859-15?Q?=A4?=", "\xe2\x82\xac");
	/* An RFC 2231 language is not part of the charset. */
	eq("=?UTF-8*ru?Q?=D0=9F?=", "\xd0\x9f");
	/* A character a careless writer split between two words. */
	eq("=?UTF-8?B?0A==?= =?UTF-8?B?nw==?=", "\xd0\x9f");
	/* Two charsets side by side, folded. */
	eq("=?KOI8-R?Q?=F0?=\r\n =?UTF-8?Q?=D0=9F?=", "\xd0\x9f\xd0\x9f");
	/* Text right after a word, and a space before plain text. */
	eq("=?UTF-8?Q?a?=b =?UTF-8?Q?c?= d", "ab c d");
	/* Bytes that are not UTF-8 become U+FFFD; the rest survives. */
	eq("=?UTF-8?Q?=FFok?=", "\xef\xbf\xbdok");
	eq("=?US-ASCII?Q?=D0=9F?=", "\xd0\x9f");
	/* Bad words: white space inside, odd charset names, bad base64. */
	eq("=?UTF-8?Q?a b?=", "=?UTF-8?Q?a b?=");
	eq("=?UTF-8//TRANSLIT?Q?a?=", "=?UTF-8//TRANSLIT?Q?a?=");
	eq("=??Q?a?=", "=??Q?a?=");
	eq("=?UTF-8?B?0J?=", "=?UTF-8?B?0J?=");
	eq("x =?KOI8-R?B?!?= y", "x =?KOI8-R?B?!?= y");
	/* A bad word between good ones is text: spaces around it stay. */
	eq("=?UTF-8?Q?a?= =?UTF-8?Q?b c?= =?UTF-8?Q?d?=",
	    "a =?UTF-8?Q?b c?= d");
	eq("=?", "=?");
	eq("=?UTF-8?Q?", "=?UTF-8?Q?");
}
END_TEST

/* Every line of a header at most 76 bytes; unfolded, it decodes to IN. */
static void
header_ok(const char *in)
{
	char	*h = mime_header("Subject", in), *p, *nl, *un, *dec;
	size_t	 o = 0;

	ck_assert_int_eq(strncmp(h, "Subject: ", 9), 0);
	for (p = h; *p != '\0'; p = nl + 2) {
		nl = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(nl);
		ck_assert_int_le(nl - p, 76);
		/* Continuation lines start with a space. */
		if (p != h)
			ck_assert_int_eq(*p, ' ');
	}
	/* Unfold (RFC 5322: drop CRLF before WSP), then decode. */
	un = xstrdup(h + 9);
	for (p = h + 9; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			un[o++] = *p;
		else
			p++;
	un[o] = '\0';
	dec = mime_words_decode(un);
	ck_assert_str_eq(dec, in);
	free(dec);
	free(un);
	free(h);
}

START_TEST(folds)
{
	char	*h, big[400], shifted[402];
	size_t	 i;

	h = mime_header("Subject", "plain words");
	ck_assert_str_eq(h, "Subject: plain words\r\n");
	free(h);
	header_ok(PRIVET);
	/* A long Cyrillic subject, odd and even byte offsets. */
	for (i = 0; i + 2 < sizeof big; i += 2) {
		big[i] = (char)0xd0;
		big[i + 1] = (char)(0x90 + i / 2 % 32);
	}
	big[i] = '\0';
	header_ok(big);
	header_ok(big + 1 + 1);
	/* A one-byte lead: every word boundary shifts by one. */
	snprintf(shifted, sizeof shifted, "x%s", big);
	header_ok(shifted);
	header_ok("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac "
	    "\xf0\x9f\x98\x80 three-byte and four-byte characters, "
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
}
END_TEST

START_TEST(converts)
{
	char	*s, *cs;
	size_t	 n;

	s = mime_to_utf8("KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4", 6, &n);
	ck_assert_str_eq(s, PRIVET);
	ck_assert_uint_eq(n, 12);
	free(s);
	s = mime_to_utf8("cp1251", "\xcf\xf0\xe8\xe2\xe5\xf2", 6, NULL);
	ck_assert_str_eq(s, PRIVET);
	free(s);
	/* Undefined bytes are U+FFFD, the rest goes on. */
	s = mime_to_utf8("US-ASCII", "a\xff" "b", 3, NULL);
	ck_assert_str_eq(s, "a\xef\xbf\xbd" "b");
	free(s);
	s = mime_to_utf8("ISO-8859-8", "a\xff" "b", 3, NULL);
	ck_assert_str_eq(s, "a\xef\xbf\xbd" "b");
	free(s);
	/* Latin-1 family: a UTF-8 character inside is taken as one. */
	s = mime_to_utf8("ISO-8859-1", "caf\xe9 \xe2\x80\x94 caf\xc3\xa9", 14,
	    NULL);
	ck_assert_str_eq(s, "caf\xc3\xa9 \xe2\x80\x94 caf\xc3\xa9");
	free(s);
	/* Cyrillic charsets are not guessed at: D0 9F is "П" in UTF-8. */
	s = mime_to_utf8("windows-1251", "\xd0\x9f", 2, NULL);
	ck_assert_str_eq(s, "\xd0\xa0\xd1\x9f");
	free(s);
	ck_assert_ptr_null(mime_to_utf8("x-no-such", "a", 1, NULL));
	ck_assert_ptr_null(mime_to_utf8("UTF-8//IGNORE", "a", 1, NULL));
	ck_assert_ptr_null(mime_to_utf8("../../etc", "a", 1, NULL));

	cs = mime_content_charset("text/plain; format=flowed; "
	    "charset=\"KOI8-R\"; delsp=no");
	ck_assert_str_eq(cs, "KOI8-R");
	free(cs);
	cs = mime_content_charset("text/plain;charset=windows-1251");
	ck_assert_str_eq(cs, "windows-1251");
	free(cs);
	ck_assert_ptr_null(mime_content_charset("text/plain"));
	ck_assert_ptr_null(mime_content_charset(NULL));

	/* Bodies: transfer encodings undone, then the charset. */
	s = mime_body_utf8("text/plain; charset=koi8-r", "quoted-printable",
	    "=F0=D2=C9=D7=C5=D4=\r\n!\r\n", 24, &n);
	ck_assert_str_eq(s, PRIVET "!\r\n");
	free(s);
	s = mime_body_utf8("text/plain; charset=windows-1251", "base64",
	    "z/Do4uXy\r\nLCDs6PA=\r\n", 20, NULL);
	ck_assert_str_eq(s, PRIVET ", \xd0\xbc\xd0\xb8\xd1\x80");
	free(s);
	s = mime_body_utf8("text/plain; charset=windows-1251", "8bit",
	    "\xcf\xf0\xe8\xe2\xe5\xf2\n", 7, NULL);
	ck_assert_str_eq(s, PRIVET "\n");
	free(s);
	/* No charset: UTF-8, whatever is not becomes U+FFFD. */
	s = mime_body_utf8(NULL, NULL, PRIVET "\xff", 13, NULL);
	ck_assert_str_eq(s, PRIVET "\xef\xbf\xbd");
	free(s);
	/* An unknown charset: the same. */
	s = mime_body_utf8("text/plain; charset=x-martian", NULL, "ok\xff",
	    3, NULL);
	ck_assert_str_eq(s, "ok\xef\xbf\xbd");
	free(s);
	/* "=" that is no escape stays. */
	s = mime_body_utf8("text/plain; charset=utf-8", "Quoted-Printable",
	    "a=zz=3D", 7, NULL);
	ck_assert_str_eq(s, "a=zz=");
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
	tcase_add_test(tc, decodes_charsets);
	tcase_add_test(tc, folds);
	tcase_add_test(tc, converts);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
