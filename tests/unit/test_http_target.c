/*
 * test_http_target.c -- the request-target as a route: exact and prefix
 * routes compared with the path decoded, the argument decoded, dot
 * segments and bad escapes refused, absolute-form, the query.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "http-target.h"

static struct http_target	t;

static int
parse(const char *s)
{
	return http_target_parse(s, strlen(s), &t);
}

START_TEST(exact_routes)
{
	ck_assert_int_eq(parse("/"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_LANDING);
	ck_assert_uint_eq(t.arg_len, 0);
	ck_assert_int_eq(parse("/feeds/events.atom"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_EVENTS_ATOM);
	ck_assert_int_eq(parse("/account/password"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_PASSWORD);
	ck_assert_int_eq(parse("/chat"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_CHAT);
	/* Before /chat/ROOM in the table: the exact route wins. */
	ck_assert_int_eq(parse("/chat/token"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_CHAT_TOKEN);
	ck_assert_int_eq(parse("/groups"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_GROUPS);
	/* Escapes are decoded before comparing, in any case of hex. */
	ck_assert_int_eq(parse("/feeds/%65vents.atom"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_EVENTS_ATOM);
	ck_assert_int_eq(parse("/%63hat%2ftoken"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_CHAT_TOKEN);
	/* Near misses. */
	ck_assert_int_eq(parse("/feeds/events.atomx"), HTTP_TARGET_NOT_FOUND);
	ck_assert_int_eq(parse("/feeds"), HTTP_TARGET_NOT_FOUND);
	ck_assert_int_eq(parse("/healthz/"), HTTP_TARGET_NOT_FOUND);
	ck_assert_int_eq(parse("/nothing/here"), HTTP_TARGET_NOT_FOUND);
}
END_TEST

START_TEST(prefix_routes)
{
	ck_assert_int_eq(parse("/threads/abc@example.org"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_THREAD);
	ck_assert_str_eq(t.arg, "abc@example.org");
	ck_assert_uint_eq(t.arg_len, 15);
	/* The argument decoded: a '/' in it stays one segment. */
	ck_assert_int_eq(parse("/articles/a%2Fb%40c%20d"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_ARTICLE);
	ck_assert_str_eq(t.arg, "a/b@c d");
	ck_assert_uint_eq(t.arg_len, 7);
	/* The prefix decoded too. */
	ck_assert_int_eq(parse("/feeds/%67roups/support.oncology.atom"),
	    HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_GROUP_FEED);
	ck_assert_str_eq(t.arg, "support.oncology.atom");
	ck_assert_int_eq(parse("/chat/patient-school"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_CHAT_ROOM);
	ck_assert_str_eq(t.arg, "patient-school");
	/* An escaped '/' in the prefix is not a segment boundary. */
	ck_assert_int_eq(parse("/threads%2Fabc"), HTTP_TARGET_NOT_FOUND);
	/* No argument, or one segment too many. */
	ck_assert_int_eq(parse("/threads/"), HTTP_TARGET_NOT_FOUND);
	ck_assert_int_eq(parse("/threads/a/b"), HTTP_TARGET_NOT_FOUND);
	ck_assert_int_eq(parse("/a/b/c/d/e/f/g/h/i/j"), HTTP_TARGET_NOT_FOUND);
}
END_TEST

START_TEST(refused)
{
	ck_assert_int_eq(parse(""), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("threads/x"), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/threads/.."), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/./groups"), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/threads/%2e%2E"), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/threads/%2"), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/threads/%zz"), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/threads/a%00b"), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/threads/a%0Ab"), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/threads/a b"), HTTP_TARGET_BAD);
	/* Even deeper than any route, every segment is checked. */
	ck_assert_int_eq(parse("/a/b/c/d/e/f/g/h/i/%zz"), HTTP_TARGET_BAD);
	{
		char	 s[HTTP_TARGET_MAX + 2];

		memset(s, 'a', sizeof s - 1);
		s[0] = '/';
		s[sizeof s - 1] = '\0';
		ck_assert_int_eq(parse(s), HTTP_TARGET_TOO_LONG);
		s[sizeof s - 2] = '\0';
		ck_assert_int_eq(parse(s), HTTP_TARGET_NOT_FOUND);
	}
}
END_TEST

START_TEST(absolute_form_and_query)
{
	ck_assert_int_eq(parse("http://hearth.test/threads/x%40y"),
	    HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_THREAD);
	ck_assert_str_eq(t.arg, "x@y");
	ck_assert_int_eq(parse("HTTPS://hearth.test"), HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_LANDING);
	ck_assert_int_eq(parse("http://user@hearth.test/"), HTTP_TARGET_BAD);
	ck_assert_int_eq(parse("/groups/support.oncology?page=3"),
	    HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_GROUP);
	ck_assert_str_eq(t.arg, "support.oncology");
	ck_assert_int_eq(t.page, 3);
	ck_assert_int_eq(parse("/feeds/events.atom?before=12&x=%41"),
	    HTTP_TARGET_OK);
	ck_assert_int_eq(t.route, HTTP_R_EVENTS_ATOM);
	ck_assert_int_eq(t.before, 12);
	ck_assert_int_eq(parse("/groups?page=0"), HTTP_TARGET_BAD);
}
END_TEST

static Suite *
http_target_suite(void)
{
	Suite	*s = suite_create("http_target");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, exact_routes);
	tcase_add_test(tc, prefix_routes);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, absolute_form_and_query);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(http_target_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
