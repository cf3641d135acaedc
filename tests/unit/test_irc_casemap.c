/*
 * test_irc_casemap.c -- unit tests for irc-casemap.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "irc-casemap.h"
#include "xmalloc.h"

#define RFC	IRC_CASEMAP_RFC1459
#define ASCII	IRC_CASEMAP_ASCII

START_TEST(test_fold_rfc1459)
{
	char	 buf[64];
	char	*d;

	irc_casefold(RFC, "Nick[Away]\\Tilde~", buf, sizeof buf);
	ck_assert_str_eq(buf, "nick{away}|tilde^");

	/* Lower-case specials and non-ASCII stay as they are. */
	irc_casefold(RFC, "{}|^_`-\xc3\x89", buf, sizeof buf);
	ck_assert_str_eq(buf, "{}|^_`-\xc3\x89");

	d = irc_casefold_dup(RFC, "#Hearth[DEV]");
	ck_assert_str_eq(d, "#hearth{dev}");
	free(d);

	ck_assert_int_eq(irc_casefold_char(RFC, '['), '{');
	ck_assert_int_eq(irc_casefold_char(RFC, '~'), '^');
	ck_assert_int_eq(irc_casefold_char(RFC, '@'), '@');
	ck_assert_int_eq(irc_casefold_char(RFC, 'Z'), 'z');
}
END_TEST

START_TEST(test_fold_ascii)
{
	char	buf[64];

	irc_casefold(ASCII, "Nick[Away]\\Tilde~", buf, sizeof buf);
	ck_assert_str_eq(buf, "nick[away]\\tilde~");
	ck_assert_int_eq(irc_casefold_char(ASCII, '['), '[');
}
END_TEST

START_TEST(test_fold_truncate)
{
	char	buf[4];

	memset(buf, 'Z', sizeof buf);
	irc_casefold(RFC, "ABCDEF", buf, sizeof buf);
	ck_assert_str_eq(buf, "abc");
	irc_casefold(RFC, "ABCDEF", buf, 1);
	ck_assert_str_eq(buf, "");
	irc_casefold(RFC, "ABCDEF", NULL, 0);		/* writes nothing */

	/* In place. */
	strcpy(buf, "X[]");
	irc_casefold(RFC, buf, buf, sizeof buf);
	ck_assert_str_eq(buf, "x{}");
}
END_TEST

START_TEST(test_casecmp)
{
	ck_assert_int_eq(irc_casecmp(RFC, "Alice[1]", "aLICE{1}"), 0);
	ck_assert_int_eq(irc_casecmp(RFC, "a\\b~", "A|B^"), 0);
	ck_assert_int_ne(irc_casecmp(ASCII, "a\\b~", "A|B^"), 0);
	ck_assert_int_eq(irc_casecmp(ASCII, "ABC", "abc"), 0);
	ck_assert_int_lt(irc_casecmp(RFC, "abc", "abd"), 0);
	ck_assert_int_gt(irc_casecmp(RFC, "abcd", "ABC"), 0);
	ck_assert_int_lt(irc_casecmp(RFC, "", "a"), 0);
	ck_assert_int_eq(irc_casecmp(RFC, "", ""), 0);
	/* Bytes >= 0x80 compare as unsigned and are never folded. */
	ck_assert_int_gt(irc_casecmp(RFC, "\xc3\xa9", "z"), 0);
	ck_assert_int_ne(irc_casecmp(RFC, "\xc3\xa9", "\xc3\x89"), 0);
}
END_TEST

START_TEST(test_nick_valid)
{
	static const char *good[] = {
		"a", "Alice", "[away]", "\\o", "`tick", "_under", "^caret",
		"{x}", "|pipe", "n1ck", "a-b", "x-", "A[]\\`_^{|}-09",
	};
	static const char *bad[] = {
		"", "1abc", "-dash", "#chan", "a b", "a,b", "a!b", "a@b",
		"a:b", ":a", "a.b", "a*", "a?", "caf\xc3\xa9", "a\tb",
		"a\x01", "~tilde", "a~", "\\o/",
	};
	size_t	i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(irc_nick_valid(good[i], 30), "rejected %s",
		    good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!irc_nick_valid(bad[i], 30), "accepted %s",
		    bad[i]);

	ck_assert(irc_nick_valid("abcdefghi", 9));
	ck_assert(!irc_nick_valid("abcdefghij", 9));
	ck_assert(!irc_nick_valid("a", 0));
}
END_TEST

START_TEST(test_channel_valid)
{
	static const char *good[] = {
		"#a", "#hearth", "#Hearth-Dev", "##meta", "#caf\xc3\xa9",
		"#\xf0\x9f\x8e\x89", "#a:b", "#a.b!c@d", "#[x]",
	};
	static const char *bad[] = {
		"", "#", "hearth", "&local", "+modeless", "!abcde",
		"#a b", "#a,#b", "#bell\a", "#cr\r", "#lf\n", "#\xff",
		"#\xc3", "#\xc0\x80", " #a",
	};
	char	*name;
	size_t	 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(irc_channel_valid(good[i], IRC_CHANLEN_DEFAULT),
		    "rejected %s", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!irc_channel_valid(bad[i], IRC_CHANLEN_DEFAULT),
		    "accepted bad channel #%zu", i);

	name = xmalloc(IRC_CHANLEN_DEFAULT + 2);
	memset(name, 'c', IRC_CHANLEN_DEFAULT + 1);
	name[0] = '#';
	name[IRC_CHANLEN_DEFAULT] = '\0';
	ck_assert(irc_channel_valid(name, IRC_CHANLEN_DEFAULT));
	name[IRC_CHANLEN_DEFAULT] = 'c';
	name[IRC_CHANLEN_DEFAULT + 1] = '\0';
	ck_assert(!irc_channel_valid(name, IRC_CHANLEN_DEFAULT));
	free(name);
}
END_TEST

START_TEST(test_mask_basic)
{
	ck_assert(irc_mask_match(RFC, "*", ""));
	ck_assert(irc_mask_match(RFC, "*", "anything"));
	ck_assert(irc_mask_match(RFC, "", ""));
	ck_assert(!irc_mask_match(RFC, "", "a"));
	ck_assert(!irc_mask_match(RFC, "?", ""));
	ck_assert(irc_mask_match(RFC, "?", "x"));
	ck_assert(irc_mask_match(RFC, "a?c", "abc"));
	ck_assert(!irc_mask_match(RFC, "a?c", "ac"));
	ck_assert(irc_mask_match(RFC, "a*c", "ac"));
	ck_assert(irc_mask_match(RFC, "a*c", "abbbc"));
	ck_assert(!irc_mask_match(RFC, "a*c", "abbbcd"));
	ck_assert(irc_mask_match(RFC, "a**", "a"));
	ck_assert(irc_mask_match(RFC, "*?*", "x"));
	ck_assert(!irc_mask_match(RFC, "*?*?", "x"));
	ck_assert(irc_mask_match(RFC, "*abc", "ababc"));
	ck_assert(irc_mask_match(RFC, "*aab", "aaab"));
}
END_TEST

START_TEST(test_mask_bans)
{
	ck_assert(irc_mask_match(RFC, "*!*@*.example.org",
	    "troll!~t@host-1.example.org"));
	ck_assert(!irc_mask_match(RFC, "*!*@*.example.org",
	    "troll!~t@example.org"));
	ck_assert(irc_mask_match(RFC, "Troll*!*@*", "troll42!u@h"));
	ck_assert(irc_mask_match(RFC, "nick!*@*", "NICK!user@host"));
	ck_assert(!irc_mask_match(RFC, "nick!*@*", "nick2!user@host"));
	ck_assert(irc_mask_match(RFC, "*!*@192.0.2.?", "x!y@192.0.2.7"));
	ck_assert(!irc_mask_match(RFC, "*!*@192.0.2.?", "x!y@192.0.2.77"));

	/* rfc1459 folding applies on both sides. */
	ck_assert(irc_mask_match(RFC, "[away]*!*@*", "{AWAY}bob!u@h"));
	ck_assert(irc_mask_match(RFC, "a|b!*@*", "A\\B!u@h"));
	ck_assert(irc_mask_match(RFC, "x~!*@*", "X^!u@h"));
	ck_assert(!irc_mask_match(ASCII, "[away]*!*@*", "{away}bob!u@h"));
	ck_assert(irc_mask_match(ASCII, "AWAY*!*@*", "away!u@h"));
}
END_TEST

START_TEST(test_mask_escape)
{
	/* \* and \? are literal. */
	ck_assert(irc_mask_match(RFC, "a\\*b", "a*b"));
	ck_assert(!irc_mask_match(RFC, "a\\*b", "axb"));
	ck_assert(irc_mask_match(RFC, "a\\?", "a?"));
	ck_assert(!irc_mask_match(RFC, "a\\?", "ab"));
	ck_assert(irc_mask_match(RFC, "*\\**", "x*y"));
	ck_assert(!irc_mask_match(RFC, "*\\**", "xy"));
	/* \\ is one backslash (which folds to '|' under rfc1459). */
	ck_assert(irc_mask_match(ASCII, "a\\\\b", "a\\b"));
	ck_assert(!irc_mask_match(ASCII, "a\\\\b", "a\\\\b"));
	ck_assert(irc_mask_match(RFC, "a\\\\b", "a|b"));
	/* Before anything else a backslash is itself. */
	ck_assert(irc_mask_match(ASCII, "\\o/", "\\o/"));
	ck_assert(irc_mask_match(RFC, "\\o/*", "|o/!u@h"));
	ck_assert(irc_mask_match(ASCII, "a\\", "a\\"));
	ck_assert(!irc_mask_match(ASCII, "a\\", "a"));
}
END_TEST

/*
 * Patterns that make naive recursive globbing exponential must finish
 * quickly. The bound is generous so slow sanitizer builds pass.
 */
START_TEST(test_mask_pathological)
{
	char	*text, *mask;
	clock_t	 start;
	size_t	 i;

	start = clock();
	text = xmalloc(10001);
	memset(text, 'a', 10000);
	text[10000] = '\0';

	ck_assert(!irc_mask_match(RFC, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
	    text));
	ck_assert(irc_mask_match(RFC, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a",
	    text));
	ck_assert(!irc_mask_match(RFC, "a*a*a*a*a*a*a*a*a*a*a*a*?b", text));

	/* 200 stars in a row collapse to one. */
	mask = xmalloc(203);
	memset(mask, '*', 202);
	mask[0] = 'a';
	mask[201] = 'b';
	mask[202] = '\0';
	ck_assert(!irc_mask_match(RFC, mask, text));
	text[9999] = 'b';
	ck_assert(irc_mask_match(RFC, mask, text));

	/* Alternating star/question mark. */
	for (i = 0; i < 200; i++)
		mask[i] = (i % 2) ? '?' : '*';
	mask[200] = 'c';
	mask[201] = '\0';
	ck_assert(!irc_mask_match(RFC, mask, text));

	free(mask);
	free(text);
	ck_assert_msg((double)(clock() - start) / CLOCKS_PER_SEC < 5.0,
	    "mask matching too slow");
}
END_TEST

static Suite *
irc_casemap_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("irc_casemap");

	tc = tcase_create("fold");
	tcase_add_test(tc, test_fold_rfc1459);
	tcase_add_test(tc, test_fold_ascii);
	tcase_add_test(tc, test_fold_truncate);
	tcase_add_test(tc, test_casecmp);
	suite_add_tcase(s, tc);

	tc = tcase_create("valid");
	tcase_add_test(tc, test_nick_valid);
	tcase_add_test(tc, test_channel_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("mask");
	tcase_add_test(tc, test_mask_basic);
	tcase_add_test(tc, test_mask_bans);
	tcase_add_test(tc, test_mask_escape);
	tcase_add_test(tc, test_mask_pathological);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(irc_casemap_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
