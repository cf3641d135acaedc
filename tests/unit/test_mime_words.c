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

int
main(void)
{
	Suite	*s = suite_create("mime-words");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, decodes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
