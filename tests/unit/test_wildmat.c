/*
 * test_wildmat.c -- unit tests for server/wildmat.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wildmat.h"

#define M(t, p)		wildmat_match((t), (p))
#define LM(t, l)	wildmat_list_match((t), (l))

START_TEST(test_literal)
{
	ck_assert_int_eq(M("", ""), 1);
	ck_assert_int_eq(M("a", ""), 0);
	ck_assert_int_eq(M("", "a"), 0);
	ck_assert_int_eq(M("comp.lang.c", "comp.lang.c"), 1);
	ck_assert_int_eq(M("comp.lang.c", "comp.lang.cc"), 0);
	ck_assert_int_eq(M("comp.lang.cc", "comp.lang.c"), 0);
	ck_assert_int_eq(M("Comp", "comp"), 0);		/* case matters */
}
END_TEST

START_TEST(test_star)
{
	ck_assert_int_eq(M("", "*"), 1);
	ck_assert_int_eq(M("anything", "*"), 1);
	ck_assert_int_eq(M("comp.lang.c", "comp.*"), 1);
	ck_assert_int_eq(M("comp.", "comp.*"), 1);
	ck_assert_int_eq(M("comp", "comp.*"), 0);
	ck_assert_int_eq(M("alt.comp.x", "comp.*"), 0);
	ck_assert_int_eq(M("bdc", "*bdc"), 1);		/* RFC example */
	ck_assert_int_eq(M("abdc", "*bdc"), 1);
	ck_assert_int_eq(M("bdcx", "*bdc"), 0);
	ck_assert_int_eq(M("abc", "a**c"), 1);
	ck_assert_int_eq(M("ac", "a***c"), 1);
	ck_assert_int_eq(M("abcabcabd", "*abd"), 1);
	ck_assert_int_eq(M("mississippi", "*sip*"), 1);
	ck_assert_int_eq(M("mississippi", "m*iss*ppi"), 1);
	ck_assert_int_eq(M("mississippi", "m*x*"), 0);
	ck_assert_int_eq(M("a.b.c", "*.*.*"), 1);
	ck_assert_int_eq(M("a.b", "*.*.*"), 0);
}
END_TEST

START_TEST(test_question)
{
	ck_assert_int_eq(M("abcd", "a??d"), 1);		/* RFC example */
	ck_assert_int_eq(M("abd", "a??d"), 0);
	ck_assert_int_eq(M("abcde", "a??d"), 0);
	ck_assert_int_eq(M("", "?"), 0);
	ck_assert_int_eq(M("x", "?"), 1);
	ck_assert_int_eq(M("xy", "?"), 0);
	ck_assert_int_eq(M("abc", "?*"), 1);
	ck_assert_int_eq(M("", "?*"), 0);
	ck_assert_int_eq(M("abc", "*?"), 1);
	ck_assert_int_eq(M("abc", "???*"), 1);
	ck_assert_int_eq(M("ab", "???*"), 0);
}
END_TEST

START_TEST(test_utf8)
{
	/* "?" is one character, however many bytes it takes. */
	ck_assert_int_eq(M("\xc3\xa9", "?"), 1);		/* é */
	ck_assert_int_eq(M("\xc3\xa9", "??"), 0);
	ck_assert_int_eq(M("\xe2\x82\xac", "?"), 1);		/* € */
	ck_assert_int_eq(M("\xf0\x9f\x98\x80", "?"), 1);	/* emoji */
	ck_assert_int_eq(M("caf\xc3\xa9", "caf?"), 1);
	ck_assert_int_eq(M("caf\xc3\xa9", "????"), 1);
	ck_assert_int_eq(M("caf\xc3\xa9", "?????"), 0);
	ck_assert_int_eq(M("\xe6\x97\xa5\xe6\x9c\xac", "??"), 1);
	ck_assert_int_eq(M("x.\xe6\x97\xa5\xe6\x9c\xac", "x.*"), 1);
	ck_assert_int_eq(M("\xe6\x97\xa5\xe6\x9c\xac", "*\xe6\x9c\xac"), 1);
	ck_assert_int_eq(M("\xe6\x97\xa5\xe6\x9c\xac", "?\xe6\x9c\xac"), 1);
	ck_assert_int_eq(M("\xc3\xa9", "\xc3\xa9"), 1);
	ck_assert_int_eq(M("\xc3\xa8", "\xc3\xa9"), 0);
	/* A star backtracking over multibyte text. */
	ck_assert_int_eq(M("\xc3\xa9\xc3\xa9\xc3\xa9x", "*\xc3\xa9x"), 1);
	/* Invalid bytes in the text still count one character each. */
	ck_assert_int_eq(M("a\xff" "b", "a?b"), 1);
	ck_assert_int_eq(M("\xc3", "?"), 1);
	ck_assert_int_eq(M("\xc3" "a", "?"), 0);
}
END_TEST

START_TEST(test_class)
{
	ck_assert_int_eq(M("5", "[0-9a-zA-Z]"), 1);	/* RFC example */
	ck_assert_int_eq(M("q", "[0-9a-zA-Z]"), 1);
	ck_assert_int_eq(M("Q", "[0-9a-zA-Z]"), 1);
	ck_assert_int_eq(M("-", "[0-9a-zA-Z]"), 0);
	ck_assert_int_eq(M("a", "[abc]"), 1);
	ck_assert_int_eq(M("d", "[abc]"), 0);
	ck_assert_int_eq(M("d", "[^abc]"), 1);
	ck_assert_int_eq(M("a", "[^abc]"), 0);
	ck_assert_int_eq(M("", "[abc]"), 0);
	ck_assert_int_eq(M("ab", "[abc]"), 0);
	ck_assert_int_eq(M("comp.os.linux", "comp.[lo]*"), 1);
	ck_assert_int_eq(M("comp.os.linux", "comp.[^o]*"), 0);
	/* RFC example: [^]-] is anything but "]" and "-". */
	ck_assert_int_eq(M("x", "[^]-]"), 1);
	ck_assert_int_eq(M("]", "[^]-]"), 0);
	ck_assert_int_eq(M("-", "[^]-]"), 0);
	/* "]" first is literal; "-" first or last is literal. */
	ck_assert_int_eq(M("]", "[]]"), 1);
	ck_assert_int_eq(M("]", "[]a]"), 1);
	ck_assert_int_eq(M("a", "[]a]"), 1);
	ck_assert_int_eq(M("-", "[-a]"), 1);
	ck_assert_int_eq(M("-", "[a-]"), 1);
	ck_assert_int_eq(M("b", "[a-]"), 0);
	ck_assert_int_eq(M("b", "[a-c]"), 1);
	ck_assert_int_eq(M("-", "[a-c]"), 0);
	ck_assert_int_eq(M("^", "[x^]"), 1);		/* ^ not first */
	ck_assert_int_eq(M("*", "[*?]"), 1);		/* no magic inside */
	ck_assert_int_eq(M("x", "[*?]"), 0);
	/* Escapes inside a set. */
	ck_assert_int_eq(M("]", "[\\]]"), 1);
	ck_assert_int_eq(M("\\", "[\\\\]"), 1);
	/* Multibyte members and ranges. */
	ck_assert_int_eq(M("\xc3\xa9", "[\xc3\xa8\xc3\xa9]"), 1);
	ck_assert_int_eq(M("\xc3\xa9", "[^\xc3\xa9]"), 0);
	ck_assert_int_eq(M("\xc3\xa9", "[^a]"), 1);
	ck_assert_int_eq(M("\xc3\xa9", "[\xc3\xa0-\xc3\xbf]"), 1);
	ck_assert_int_eq(M("\xc3\x9f", "[\xc3\xa0-\xc3\xbf]"), 0);
	ck_assert_int_eq(M("\xe2\x82\xac", "[a-z]"), 0);
	/* Unclosed set: malformed, never matches. */
	ck_assert_int_eq(M("[abc", "[abc"), 0);
	ck_assert_int_eq(M("a", "[a"), 0);
	ck_assert_int_eq(M("x", "*[a"), 0);
}
END_TEST

START_TEST(test_escape)
{
	ck_assert_int_eq(M("*", "\\*"), 1);
	ck_assert_int_eq(M("a", "\\*"), 0);
	ck_assert_int_eq(M("?", "\\?"), 1);
	ck_assert_int_eq(M("a", "\\?"), 0);
	ck_assert_int_eq(M("[", "\\["), 1);
	ck_assert_int_eq(M("\\", "\\\\"), 1);
	ck_assert_int_eq(M("a", "\\a"), 1);
	ck_assert_int_eq(M("x*y", "x\\*y"), 1);
	ck_assert_int_eq(M("xzy", "x\\*y"), 0);
	ck_assert_int_eq(M("\xc3\xa9", "\\\xc3\xa9"), 1);
	/* A trailing lone backslash is malformed. */
	ck_assert_int_eq(M("a\\", "a\\"), 0);
	ck_assert_int_eq(M("\\", "\\"), 0);
}
END_TEST

/*
 * Patterns that take exponential time in a naive recursive matcher. The
 * test does not time them; a regression would show up as a Check timeout.
 */
START_TEST(test_pathological)
{
	char	*text, *pat;
	size_t	 n = 10000, i;

	text = malloc(n + 2);
	ck_assert_ptr_nonnull(text);
	memset(text, 'a', n);
	text[n] = '\0';
	ck_assert_int_eq(M(text, "*a*a*a*a*a*a*a*a*a*a*b"), 0);
	ck_assert_int_eq(M(text, "*a*a*a*a*a*a*a*a*a*a*"), 1);
	ck_assert_int_eq(M(text, "a*a*a*a*a*a*a*a*a*a*a"), 1);
	ck_assert_int_eq(M(text, "*?*?*?*?*?*?*?*?*?*?b"), 0);
	ck_assert_int_eq(M(text, "*[a]*[a]*[a]*[a]*[a]*b"), 0);
	text[n] = 'b';
	text[n + 1] = '\0';
	ck_assert_int_eq(M(text, "*a*a*a*a*a*a*a*a*a*a*b"), 1);
	ck_assert_int_eq(LM(text, "*a*a*a*b*c,!*a*a*a*a*x,*a*a*a*a*a*b"), 1);

	/* A long pattern of stars and literals against long text. */
	pat = malloc(2 * 200 + 2);
	ck_assert_ptr_nonnull(pat);
	for (i = 0; i < 200; i++) {
		pat[2 * i] = '*';
		pat[2 * i + 1] = 'a';
	}
	pat[400] = 'c';
	pat[401] = '\0';
	ck_assert_int_eq(M(text, pat), 0);
	free(pat);
	free(text);
}
END_TEST

START_TEST(test_list_rfc)
{
	/* RFC 3977 §4.4: the rightmost matching pattern decides. */
	ck_assert_int_eq(LM("aaa", "a*,!*b,*c*"), 1);
	ck_assert_int_eq(LM("abb", "a*,!*b,*c*"), 0);
	ck_assert_int_eq(LM("ccb", "a*,!*b,*c*"), 1);
	ck_assert_int_eq(LM("xxx", "a*,!*b,*c*"), 0);
	ck_assert_int_eq(LM("abc", "a*,!*b,*c*"), 1);
	ck_assert_int_eq(LM("ab", "a*,!*b,*c*"), 0);
	ck_assert_int_eq(LM("cab", "a*,!*b,*c*"), 1);
	/* Same with the order swapped: now the negation wins. */
	ck_assert_int_eq(LM("ccb", "a*,*c*,!*b"), 0);
}
END_TEST

START_TEST(test_list)
{
	ck_assert_int_eq(LM("comp.lang.c", "comp.*"), 1);
	ck_assert_int_eq(LM("comp.lang.c", "comp.*,!comp.lang.*"), 0);
	ck_assert_int_eq(LM("comp.lang.c",
	    "comp.*,!comp.lang.*,comp.lang.c"), 1);
	ck_assert_int_eq(LM("comp.os.linux", "comp.*,!comp.lang.*"), 1);
	ck_assert_int_eq(LM("alt.test", "comp.*,!comp.lang.*"), 0);
	ck_assert_int_eq(LM("alt.test", "*,!comp.*"), 1);
	ck_assert_int_eq(LM("comp.test", "*,!comp.*"), 0);
	/* A lone negation never matches positively. */
	ck_assert_int_eq(LM("alt.test", "!comp.*"), 0);
	ck_assert_int_eq(LM("comp.test", "!comp.*"), 0);
	/* Empty elements match only the empty string. */
	ck_assert_int_eq(LM("", ""), 1);
	ck_assert_int_eq(LM("a", ""), 0);
	ck_assert_int_eq(LM("a", "b,,a"), 1);
	ck_assert_int_eq(LM("a", "a,"), 1);
	ck_assert_int_eq(LM("", "a,"), 1);
	/* A comma inside a set or escaped does not split. */
	ck_assert_int_eq(LM(",", "[,]"), 1);
	ck_assert_int_eq(LM("a,b", "a\\,b"), 1);
	ck_assert_int_eq(LM("a", "a\\,b"), 0);
	ck_assert_int_eq(LM("x", "[^,]"), 1);
	ck_assert_int_eq(LM(",", "[^,],!x"), 0);
	/* "!" inside a pattern is literal. */
	ck_assert_int_eq(LM("a!", "a!"), 1);
	ck_assert_int_eq(LM("!a", "!!a"), 0);
	/* An unclosed "[" does not hide the comma; "[a" never matches. */
	ck_assert_int_eq(LM("a", "[a,a"), 1);
	ck_assert_int_eq(LM("[a", "[a,b"), 0);
	ck_assert_int_eq(LM("b", "[a,b"), 1);
}
END_TEST

START_TEST(test_valid)
{
	ck_assert_int_eq(wildmat_valid(""), 1);
	ck_assert_int_eq(wildmat_valid("*"), 1);
	ck_assert_int_eq(wildmat_valid("comp.*"), 1);
	ck_assert_int_eq(wildmat_valid("a*,!*b,*c*"), 1);
	ck_assert_int_eq(wildmat_valid("[a-z]"), 1);
	ck_assert_int_eq(wildmat_valid("[^]-]"), 1);
	ck_assert_int_eq(wildmat_valid("[]]"), 1);
	ck_assert_int_eq(wildmat_valid("\\["), 1);
	ck_assert_int_eq(wildmat_valid("\\\\"), 1);
	ck_assert_int_eq(wildmat_valid("caf\xc3\xa9.*"), 1);
	ck_assert_int_eq(wildmat_valid("[\\]]"), 1);
	ck_assert_int_eq(wildmat_valid("]"), 1);	/* stray ] literal */

	ck_assert_int_eq(wildmat_valid("["), 0);
	ck_assert_int_eq(wildmat_valid("[abc"), 0);
	ck_assert_int_eq(wildmat_valid("[]"), 0);	/* ] is a member */
	ck_assert_int_eq(wildmat_valid("[^]"), 0);
	ck_assert_int_eq(wildmat_valid("a[b"), 0);
	ck_assert_int_eq(wildmat_valid("[\\]"), 0);
	ck_assert_int_eq(wildmat_valid("a\\"), 0);
	ck_assert_int_eq(wildmat_valid("\\"), 0);
	ck_assert_int_eq(wildmat_valid("\\\\\\"), 0);
	ck_assert_int_eq(wildmat_valid("caf\xe9"), 0);	/* Latin-1 */
	ck_assert_int_eq(wildmat_valid("\xc0\xaf"), 0);
	ck_assert_int_eq(wildmat_valid("\xed\xa0\x80"), 0);
}
END_TEST

static Suite *
wildmat_suite(void)
{
	Suite	*s = suite_create("wildmat");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_literal);
	tcase_add_test(tc, test_star);
	tcase_add_test(tc, test_question);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_class);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_pathological);
	tcase_add_test(tc, test_list_rfc);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_valid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(wildmat_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
