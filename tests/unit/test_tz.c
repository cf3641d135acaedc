/*
 * test_tz.c -- unit tests for tz.c: a member's zone (tz_use()), read
 * from its TZif file without touching the environment, shows the same
 * times as the C library's tzcode with TZ set to that zone.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz.h"

/* What glibc shows for T in ZONE (TZ switched: single-threaded here). */
static void
libc_when(const char *zone, time_t t, char *buf, size_t len)
{
	tz_apply(zone);
	tz_when(t, buf, len);
	tz_apply("UTC");
}

START_TEST(test_member_zone_matches_libc)
{
	static const char *const zones[] = { "Europe/Moscow",
	    "Europe/Kaliningrad", "Asia/Yekaterinburg", "Asia/Vladivostok",
	    "Asia/Kamchatka", "Europe/Berlin", "Europe/Kyiv",
	    "America/New_York", "America/Sao_Paulo", "Australia/Sydney",
	    "Asia/Kolkata", "Pacific/Chatham", "Africa/Casablanca", "UTC" };
	char		 want[64], got[64], err[256];
	size_t		 i;
	time_t		 t;
	int		 checked = 0;

	for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		if (tz_check(zones[i], err, sizeof err) != 0)
			continue;	/* no tzdata for it here */
		/* 1985 to 2060 every 9 days and 7 hours. */
		for (t = 473385600; t < 2871763200; t += 9 * 86400 + 25200) {
			libc_when(zones[i], t, want, sizeof want);
			tz_use(zones[i]);
			tz_when(t, got, sizeof got);
			tz_use(NULL);
			ck_assert_msg(strcmp(want, got) == 0,
			    "%s at %lld: libc \"%s\", tz_use \"%s\"",
			    zones[i], (long long)t, want, got);
			checked++;
		}
	}
	ck_assert_int_gt(checked, 1000);
}
END_TEST

START_TEST(test_member_zone_leaves_environment)
{
	char	buf[64], err[256];

	if (tz_check("Asia/Vladivostok", err, sizeof err) != 0)
		return;
	tz_apply("Europe/Moscow");
	tz_use("Asia/Vladivostok");
	/* TZ is the community's: nothing was set for the member. */
	ck_assert_str_eq(getenv("TZ"), "Europe/Moscow");
	tz_when(1765125000, buf, sizeof buf);	/* 2025-12-07 16:30 UTC */
	ck_assert_str_eq(buf, "08.12.2025 02:30 UTC+10");
	tz_use(NULL);
	tz_when(1765125000, buf, sizeof buf);
	ck_assert_str_eq(buf, "07.12.2025 19:30 MSK");
	/* A zone that cannot be read shows the community's. */
	tz_use("Nowhere/Atlantis");
	tz_when(1765125000, buf, sizeof buf);
	ck_assert_str_eq(buf, "07.12.2025 19:30 MSK");
	tz_use(NULL);
}
END_TEST

static Suite *
tz_suite(void)
{
	Suite	*s = suite_create("tz");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_member_zone_matches_libc);
	tcase_add_test(tc, test_member_zone_leaves_environment);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(tz_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
