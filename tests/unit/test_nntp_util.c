/*
 * test_nntp_util.c -- unit tests for server/nntp-util.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "nntp-util.h"

START_TEST(test_range)
{
	int64_t	lo, hi;

	ck_assert_int_eq(nntp_parse_range("5", &lo, &hi), 0);
	ck_assert(lo == 5 && hi == 5);
	ck_assert_int_eq(nntp_parse_range("5-", &lo, &hi), 0);
	ck_assert(lo == 5 && hi == NNTP_NUM_MAX);
	ck_assert_int_eq(nntp_parse_range("3-10", &lo, &hi), 0);
	ck_assert(lo == 3 && hi == 10);
	ck_assert_int_eq(nntp_parse_range("10-3", &lo, &hi), 0);
	ck_assert(lo == 10 && hi == 3);
	ck_assert_int_eq(nntp_parse_range("-3", &lo, &hi), -1);
	ck_assert_int_eq(nntp_parse_range("a", &lo, &hi), -1);
	ck_assert_int_eq(nntp_parse_range("1-2-3", &lo, &hi), -1);
	ck_assert_int_eq(nntp_parse_range("", &lo, &hi), -1);
	ck_assert_int_eq(nntp_parse_range("1--", &lo, &hi), -1);
	ck_assert_int_eq(nntp_parse_range("99999999999999999999", &lo, &hi),
	    -1);
	ck_assert_int_eq(nntp_parse_range("9223372036854775807", &lo, &hi),
	    0);
	ck_assert(lo == INT64_MAX);
}
END_TEST

START_TEST(test_datetime)
{
	time_t	t, now = 1700000000;	/* 2023-11-14 */

	ck_assert_int_eq(nntp_parse_datetime("20240229", "235959", now, &t),
	    0);
	ck_assert_int_eq((long long)t, 1709251199LL);
	/*
	 * RFC 3977 §7.3.2: a two-digit year is in this century when it is
	 * not after the current year, else in the previous one; never in
	 * the future.
	 */
	ck_assert_int_eq(nntp_parse_datetime("230101", "000000", now, &t), 0);
	ck_assert_int_eq((long long)t, 1672531200LL);
	ck_assert_int_eq(nntp_parse_datetime("240229", "235959", now, &t), 0);
	ck_assert_int_eq((long long)t, -1446508801LL);	/* 1924 */
	ck_assert_int_eq(nntp_parse_datetime("700101", "000000", now, &t), 0);
	ck_assert_int_eq((long long)t, 0LL);		/* not 2070 */
	ck_assert_int_eq(nntp_parse_datetime("990101", "000000", now, &t), 0);
	ck_assert_int_eq((long long)t, 915148800LL);
	ck_assert_int_eq(nntp_parse_datetime("20241301", "000000", now, &t),
	    -1);
	ck_assert_int_eq(nntp_parse_datetime("2024011", "000000", now, &t),
	    -1);
	ck_assert_int_eq(nntp_parse_datetime("20240101", "240000", now, &t),
	    -1);
	ck_assert_int_eq(nntp_parse_datetime("20240101", "12345", now, &t),
	    -1);
}
END_TEST

START_TEST(test_header_filter)
{
	const char	*in = "Path: x!y\r\nFrom: a@b.c\r\nX-Trace: 1.2.3.4\r\n"
			    " folded 5.6.7.8\r\nSubject: hi\r\n\r\n";
	const char	*drop[] = { "path", "X-Trace", NULL };
	char		 out[256];
	size_t		 n;

	n = nntp_header_filter(in, strlen(in), out, drop);
	out[n] = '\0';
	ck_assert_str_eq(out, "From: a@b.c\r\nSubject: hi\r\n\r\n");
}
END_TEST

START_TEST(test_overview)
{
	const char	*art = "From: A <a@b.c>\r\nSubject: tab\there\r\n"
			    "References: <1@x>\r\n <2@x>\r\n\r\nbody\r\n";
	struct article	 a;
	char		*ov;

	ck_assert_int_eq(article_parse(art, strlen(art), &a, NULL, 0), 0);
	ov = nntp_overview(&a, "<m@x>");
	ck_assert_str_eq(ov, "tab here\tA <a@b.c>\t\t<m@x>\t<1@x> <2@x>");
	free(ov);
	article_free(&a);
}
END_TEST

/*
 * The overview read from a stored header block must equal the one built
 * from the parsed article: OVER is served from the former.
 */
START_TEST(test_overview_header)
{
	static const char *const arts[] = {
		"From: A <a@b.c>\r\nSubject: tab\there\r\n"
		"References: <1@x>\r\n <2@x>\r\n\r\nbody\r\n",
		"Subject:\r\n\t folded start\r\nfrom: lower <l@x>\r\n"
		"SUBJECT: second ignored\r\nDate: Mon, 1 Jan 2024 10:00:00 "
		"+0000\r\nMessage-ID: <own@x>\r\n\r\n",
		"Subject: bare LF\nFrom: x@y.z\nReferences: <a@b>\n\t<c@d>\n"
		"\nbody with Subject: no\n",
		"X-Subject: not this\r\nSubjects: nor this\r\n"
		"Subject: this\r\n\r\n",
		"Subject: trailing space  \r\nFrom: cr\rinside <c@x>\r\n"
		"Subject: x\r\n",
		"Newsgroups: a.b\r\n\r\n",
		"Subject: a\r\n\r\nFrom: in body <b@x>\r\n",
	};
	struct article	 a;
	char		*want, *buf = NULL;
	size_t		 i, cap = 0;

	for (i = 0; i < sizeof arts / sizeof arts[0]; i++) {
		ck_assert_int_eq(article_parse(arts[i], strlen(arts[i]), &a,
		    NULL, 0), 0);
		want = nntp_overview(&a, "<m@x>");
		ck_assert_str_eq(nntp_overview_header(arts[i], a.header_len,
		    "<m@x>", &buf, &cap), want);
		free(want);
		article_free(&a);
	}
	free(buf);
}
END_TEST

START_TEST(test_split_groups)
{
	char	**g;
	size_t	  n, i;

	n = nntp_split_groups(" a.b , c.d,e ", &g);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(g[0], "a.b");
	ck_assert_str_eq(g[1], "c.d");
	ck_assert_str_eq(g[2], "e");
	for (i = 0; i < n; i++)
		free(g[i]);
	free(g);
}
END_TEST

START_TEST(test_header_field_and_msgid)
{
	const char	*hdr = "Path: a!b\r\nX-Long: one\r\n two\r\n\r\n";
	char		*v;

	v = nntp_header_field(hdr, strlen(hdr), "x-long");
	ck_assert_str_eq(v, "one two");
	free(v);
	ck_assert_ptr_null(nntp_header_field(hdr, strlen(hdr), "Nope"));
	ck_assert_int_eq(nntp_is_msgid("<a@b.c>"), 1);
	ck_assert_int_eq(nntp_is_msgid("a@b.c"), 0);
	ck_assert_int_eq(nntp_is_msgid("<a b@c>"), 0);
}
END_TEST

static Suite *
nntp_util_suite(void)
{
	Suite	*s = suite_create("nntp_util");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_range);
	tcase_add_test(tc, test_datetime);
	tcase_add_test(tc, test_header_filter);
	tcase_add_test(tc, test_overview);
	tcase_add_test(tc, test_overview_header);
	tcase_add_test(tc, test_split_groups);
	tcase_add_test(tc, test_header_field_and_msgid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(nntp_util_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
