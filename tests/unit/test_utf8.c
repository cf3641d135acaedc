/*
 * test_utf8.c -- unit tests for server/utf8.c.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Shorthand: validity of a byte string literal, without its NUL. */
#define V(s)	utf8_valid((s), sizeof(s) - 1)
#define L(s)	utf8_char_len((s), sizeof(s) - 1)

START_TEST(test_ascii)
{
	ck_assert_int_eq(V(""), 1);
	ck_assert_int_eq(V("hello, world"), 1);
	ck_assert_int_eq(V("\t\r\n\x7f"), 1);
	ck_assert_int_eq(utf8_valid("a\0b", 3), 1);	/* NUL is a char */
	ck_assert_uint_eq(L("a"), 1);
	ck_assert_uint_eq(utf8_char_len("", 0), 0);
}
END_TEST

START_TEST(test_multibyte_valid)
{
	ck_assert_int_eq(V("caf\xc3\xa9"), 1);			/* é */
	ck_assert_int_eq(V("\xe2\x82\xac"), 1);			/* € */
	ck_assert_int_eq(V("\xf0\x9f\x98\x80"), 1);		/* 😀 */
	ck_assert_int_eq(V("\xc2\x80"), 1);			/* U+0080 */
	ck_assert_int_eq(V("\xdf\xbf"), 1);			/* U+07FF */
	ck_assert_int_eq(V("\xe0\xa0\x80"), 1);			/* U+0800 */
	ck_assert_int_eq(V("\xef\xbf\xbf"), 1);			/* U+FFFF */
	ck_assert_int_eq(V("\xf0\x90\x80\x80"), 1);		/* U+10000 */
	ck_assert_int_eq(V("\xf4\x8f\xbf\xbf"), 1);		/* U+10FFFF */
	ck_assert_int_eq(V("\xed\x9f\xbf"), 1);			/* U+D7FF */
	ck_assert_int_eq(V("\xee\x80\x80"), 1);			/* U+E000 */
	ck_assert_int_eq(V("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 1);
}
END_TEST

START_TEST(test_overlong)
{
	ck_assert_int_eq(V("\xc0\xaf"), 0);			/* '/' */
	ck_assert_int_eq(V("\xc1\xbf"), 0);
	ck_assert_int_eq(V("\xc0\x80"), 0);			/* Java NUL */
	ck_assert_int_eq(V("\xe0\x80\xaf"), 0);
	ck_assert_int_eq(V("\xe0\x9f\xbf"), 0);
	ck_assert_int_eq(V("\xf0\x80\x80\xaf"), 0);
	ck_assert_int_eq(V("\xf0\x8f\xbf\xbf"), 0);
}
END_TEST

START_TEST(test_surrogates)
{
	ck_assert_int_eq(V("\xed\xa0\x80"), 0);			/* U+D800 */
	ck_assert_int_eq(V("\xed\xad\xbf"), 0);
	ck_assert_int_eq(V("\xed\xb0\x80"), 0);			/* U+DC00 */
	ck_assert_int_eq(V("\xed\xbf\xbf"), 0);			/* U+DFFF */
	ck_assert_int_eq(V("\xed\xa0\xbd\xed\xb8\x80"), 0);	/* CESU pair */
}
END_TEST

START_TEST(test_out_of_range)
{
	ck_assert_int_eq(V("\xf4\x90\x80\x80"), 0);		/* U+110000 */
	ck_assert_int_eq(V("\xf5\x80\x80\x80"), 0);
	ck_assert_int_eq(V("\xf7\xbf\xbf\xbf"), 0);
	ck_assert_int_eq(V("\xf8\x88\x80\x80\x80"), 0);		/* 5 bytes */
	ck_assert_int_eq(V("\xfc\x84\x80\x80\x80\x80"), 0);	/* 6 bytes */
	ck_assert_int_eq(V("\xfe"), 0);
	ck_assert_int_eq(V("\xff"), 0);
}
END_TEST

START_TEST(test_malformed)
{
	ck_assert_int_eq(V("\x80"), 0);				/* lone cont. */
	ck_assert_int_eq(V("a\xbf" "b"), 0);
	ck_assert_int_eq(V("\xc3"), 0);				/* truncated */
	ck_assert_int_eq(V("\xe2\x82"), 0);
	ck_assert_int_eq(V("\xf0\x9f\x98"), 0);
	ck_assert_int_eq(V("\xc3" "a"), 0);			/* bad cont. */
	ck_assert_int_eq(V("\xe2\x28\xa1"), 0);
	ck_assert_int_eq(V("\xe2\x82\x28"), 0);
	ck_assert_int_eq(V("\xf0\x9f\x98\x28"), 0);
	ck_assert_int_eq(V("caf\xe9"), 0);			/* Latin-1 é */
	/* Valid prefix, invalid tail. */
	ck_assert_int_eq(V("\xe2\x82\xac\xe2\x82"), 0);
}
END_TEST

START_TEST(test_length_bound)
{
	/* A valid sequence cut short by len must not be read past len. */
	ck_assert_int_eq(utf8_valid("\xe2\x82\xac", 2), 0);
	ck_assert_int_eq(utf8_valid("\xe2\x82\xac", 3), 1);
	ck_assert_uint_eq(utf8_char_len("\xf0\x9f\x98\x80", 3), 0);
	ck_assert_int_eq(utf8_valid("ab\xc3\xa9", 2), 1);
}
END_TEST

START_TEST(test_char_len)
{
	ck_assert_uint_eq(L("\xc3\xa9xyz"), 2);
	ck_assert_uint_eq(L("\xe2\x82\xac"), 3);
	ck_assert_uint_eq(L("\xf4\x8f\xbf\xbf"), 4);
	ck_assert_uint_eq(L("\xf4\x90\x80\x80"), 0);
	ck_assert_uint_eq(L("\xc0\xaf"), 0);
	ck_assert_uint_eq(L("\xed\xa0\x80"), 0);
	ck_assert_uint_eq(L("\x80"), 0);
}
END_TEST

START_TEST(test_decode)
{
	uint32_t	cp = 0;

	ck_assert_uint_eq(utf8_decode("A", 1, &cp), 1);
	ck_assert_uint_eq(cp, 0x41);
	ck_assert_uint_eq(utf8_decode("\xc3\xa9", 2, &cp), 2);
	ck_assert_uint_eq(cp, 0xe9);
	ck_assert_uint_eq(utf8_decode("\xe2\x82\xac", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0x20ac);
	ck_assert_uint_eq(utf8_decode("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x10ffff);
	ck_assert_uint_eq(utf8_decode("\xf0\x90\x80\x80", 4, NULL), 4);
}
END_TEST

/*
 * Every 1- and 2-byte sequence: validity must agree with a decoder
 * written from the definition (decode, then reject overlong/surrogate).
 */
START_TEST(test_exhaustive_two_bytes)
{
	unsigned char	b[2];
	unsigned int	i, j;
	int		expect;
	uint32_t	cp;

	for (i = 0; i < 256; i++) {
		b[0] = (unsigned char)i;
		ck_assert_int_eq(utf8_valid((char *)b, 1), i < 0x80);
		for (j = 0; j < 256; j++) {
			b[1] = (unsigned char)j;
			if (i < 0x80)
				expect = j < 0x80;
			else if ((i & 0xe0) == 0xc0 && (j & 0xc0) == 0x80) {
				cp = ((i & 0x1fU) << 6) | (j & 0x3fU);
				expect = cp >= 0x80;
			} else
				expect = 0;
			ck_assert_int_eq(utf8_valid((char *)b, 2), expect);
		}
	}
}
END_TEST

/*
 * Every code point encodes to something utf8_valid accepts, except the
 * surrogates.
 */
START_TEST(test_all_code_points)
{
	unsigned char	b[4];
	uint32_t	c, got;
	size_t		n, bad = 0;

	for (c = 0; c <= 0x10ffff; c++) {
		if (c < 0x80) {
			b[0] = (unsigned char)c;
			n = 1;
		} else if (c < 0x800) {
			b[0] = (unsigned char)(0xc0 | (c >> 6));
			b[1] = (unsigned char)(0x80 | (c & 0x3f));
			n = 2;
		} else if (c < 0x10000) {
			b[0] = (unsigned char)(0xe0 | (c >> 12));
			b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			b[2] = (unsigned char)(0x80 | (c & 0x3f));
			n = 3;
		} else {
			b[0] = (unsigned char)(0xf0 | (c >> 18));
			b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
			b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			b[3] = (unsigned char)(0x80 | (c & 0x3f));
			n = 4;
		}
		/* Plain tests in the loop: a million ck_asserts are slow. */
		if (c >= 0xd800 && c <= 0xdfff) {
			if (utf8_char_len((char *)b, n) != 0)
				bad++;
		} else if (utf8_decode((char *)b, n, &got) != n || got != c)
			bad++;
	}
	ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(test_cut)
{
	/* "Пр" is D0 9F D1 80; a euro sign E2 82 AC; a smile F0 9F 98 80. */
	ck_assert_uint_eq(utf8_cut("ab", 2), 2);
	ck_assert_uint_eq(utf8_cut("", 0), 0);
	ck_assert_uint_eq(utf8_cut("\xd0\x9f\xd1\x80", 4), 4);
	ck_assert_uint_eq(utf8_cut("\xd0\x9f\xd1", 3), 2);
	ck_assert_uint_eq(utf8_cut("a\xe2\x82", 3), 1);
	ck_assert_uint_eq(utf8_cut("a\xe2\x82\xac", 4), 4);
	ck_assert_uint_eq(utf8_cut("\xf0\x9f\x98", 3), 0);
	ck_assert_uint_eq(utf8_cut("\xf0\x9f\x98\x80", 4), 4);
	/* Stray continuation bytes are not this function's business. */
	ck_assert_uint_eq(utf8_cut("a\x80", 2), 2);
}
END_TEST

static Suite *
utf8_suite(void)
{
	Suite	*s = suite_create("utf8");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_ascii);
	tcase_add_test(tc, test_multibyte_valid);
	tcase_add_test(tc, test_overlong);
	tcase_add_test(tc, test_surrogates);
	tcase_add_test(tc, test_out_of_range);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_length_bound);
	tcase_add_test(tc, test_char_len);
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_exhaustive_two_bytes);
	tcase_add_test(tc, test_all_code_points);
	tcase_add_test(tc, test_cut);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(utf8_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
