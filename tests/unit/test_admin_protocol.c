/*
 * test_admin_protocol.c -- word encoding of the admin socket protocol.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "admin-protocol.h"

START_TEST(round_trip)
{
	const char	*cases[] = { "plain", "with space", "100%", "a\r\nb",
	    "ünïcødé", "#room", "p@ss=w,rd" };
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char	*e = admin_encode(cases[i]);
		char	*w[4];

		ck_assert_ptr_null(strpbrk(e, " \r\n"));
		ck_assert_int_eq(admin_split(e, w, 4), 1);
		ck_assert_str_eq(w[0], cases[i]);
		free(e);
	}
}
END_TEST

START_TEST(split_and_reject)
{
	char	 line[] = "account  add alice s%20cret";
	char	 bad[] = "account %zz";
	char	 nul[] = "a %00";
	char	 many[] = "a b c d e";
	char	*w[4];

	ck_assert_int_eq(admin_split(line, w, 4), 4);
	ck_assert_str_eq(w[1], "add");
	ck_assert_str_eq(w[3], "s cret");
	ck_assert_int_eq(admin_split(bad, w, 4), -1);
	ck_assert_int_eq(admin_split(nul, w, 4), -1);
	ck_assert_int_eq(admin_split(many, w, 4), -1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("admin-protocol");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, split_and_reject);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
