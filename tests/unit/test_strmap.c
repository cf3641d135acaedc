/*
 * test_irc_map.c -- unit tests for strmap.c (the nick/channel table)
 * and the server-time helpers of irc.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irc-int.h"

START_TEST(test_map_put_get_del)
{
	struct strmap	*m = strmap_create();
	int		 a = 1, b = 2;

	ck_assert_ptr_null(strmap_get(m, "alice"));
	strmap_put(m, "alice", &a);
	strmap_put(m, "bob", &b);
	ck_assert_ptr_eq(strmap_get(m, "alice"), &a);
	ck_assert_ptr_eq(strmap_get(m, "bob"), &b);
	ck_assert_uint_eq(strmap_count(m), 2);
	/* Replacing keeps the count. */
	strmap_put(m, "alice", &b);
	ck_assert_ptr_eq(strmap_get(m, "alice"), &b);
	ck_assert_uint_eq(strmap_count(m), 2);
	ck_assert_ptr_eq(strmap_del(m, "alice"), &b);
	ck_assert_ptr_null(strmap_del(m, "alice"));
	ck_assert_ptr_null(strmap_get(m, "alice"));
	ck_assert_uint_eq(strmap_count(m), 1);
	strmap_free(m);
}
END_TEST

static void
count_cb(const char *key, void *val, void *arg)
{
	struct strmap	*m = arg;

	(void)val;
	/* Deleting the entry being visited is allowed. */
	if (key[0] == 'k' && atoi(key + 1) % 2 == 0)
		strmap_del(m, key);
}

START_TEST(test_map_grows_and_foreach_deletes)
{
	struct strmap	*m = strmap_create();
	char		 key[16];
	int		 i;

	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		strmap_put(m, key, (void *)(long)(i + 1));
	}
	ck_assert_uint_eq(strmap_count(m), 5000);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		ck_assert_ptr_eq(strmap_get(m, key), (void *)(long)(i + 1));
	}
	strmap_foreach(m, count_cb, m);
	ck_assert_uint_eq(strmap_count(m), 2500);
	ck_assert_ptr_null(strmap_get(m, "k10"));
	ck_assert_ptr_eq(strmap_get(m, "k11"), (void *)12L);
	strmap_free(m);
}
END_TEST

START_TEST(test_time_format_parse)
{
	char	buf[32];
	int64_t	ms;

	irc_time_format(1700000000123LL, buf, sizeof buf);
	ck_assert_str_eq(buf, "2023-11-14T22:13:20.123Z");
	ck_assert_int_eq(irc_time_parse(buf, &ms), 0);
	ck_assert_int_eq(ms, 1700000000123LL);
	/* Milliseconds are optional; fewer digits are scaled. */
	ck_assert_int_eq(irc_time_parse("2023-11-14T22:13:20Z", &ms), 0);
	ck_assert_int_eq(ms, 1700000000000LL);
	ck_assert_int_eq(irc_time_parse("2023-11-14T22:13:20.5Z", &ms), 0);
	ck_assert_int_eq(ms, 1700000000500LL);
	ck_assert_int_eq(irc_time_parse("2023-11-14 22:13:20Z", &ms), -1);
	ck_assert_int_eq(irc_time_parse("2023-11-14T22:13:20.123", &ms), -1);
	ck_assert_int_eq(irc_time_parse("2023-13-14T22:13:20.123Z", &ms), -1);
	ck_assert_int_eq(irc_time_parse("garbage", &ms), -1);
	irc_time_now(buf, sizeof buf, &ms);
	ck_assert_uint_eq(strlen(buf), 24);
	ck_assert_int_gt(ms, 1700000000000LL);
}
END_TEST

static Suite *
strmap_suite(void)
{
	Suite	*s = suite_create("strmap");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_map_put_get_del);
	tcase_add_test(tc, test_map_grows_and_foreach_deletes);
	tcase_add_test(tc, test_time_format_parse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(strmap_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
